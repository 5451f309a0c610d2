#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# An ISO as a DVD-ROM in the emulated drive: discwright shows, rips and
# verifies it; cd-info (DVD_READ_STRUCT), cdrskin and xorriso (SG_IO READ(10)
# through libburn, libisofs on top) read the same disc.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

for ISO in "$FIX/debian-ipxe/ipxe.iso" "$FIX/debian-grub-rescue-pc/grub-rescue-cdrom.iso"; do
  name=$(basename "$ISO" .iso)
  sectors=$(($(stat -c %s "$ISO") / 2048))
  EMU_CONFIG="medium=$ISO"

  expect_exit 0 "$name: discwright info /dev/sr0" -- emu "$DW" info "$EMU_DEVICE"
  grep -q "^medium: *DVD-ROM, closed" "$work/out.txt" && ok "$name: info shows a closed DVD-ROM" \
    || bad "$name: info says '$(grep '^medium' "$work/out.txt")'"
  grep -q "^capacity: *$sectors sectors" "$work/out.txt" && ok "$name: capacity $sectors sectors" \
    || bad "$name: $(grep '^capacity' "$work/out.txt")"
  "$DW" info "$ISO" 2>/dev/null | sed -n '/^  track /,$p' >"$work/toc-img.txt"
  sed -n '/^  track /,$p' "$work/out.txt" >"$work/toc-dev.txt"
  same_text "$work/toc-img.txt" "$work/toc-dev.txt" "$name: the track table equals the image's"

  expect_exit 0 "$name: rip /dev/sr0 --format iso" -- \
    emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-$name" --format iso --name disc
  same_file "$work/rip-$name/disc.iso" "$ISO" "$name: the ripped ISO equals the image"
  expect_exit 0 "$name: verify /dev/sr0 against the ISO" -- emu "$DW" -q verify "$EMU_DEVICE" "$ISO"

  if have cd-info; then
    emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE" >"$work/cdi.txt" 2>&1
    grep -q "^Disc mode is listed as: DVD-ROM" "$work/cdi.txt" \
      && ok "$name: cd-info sees a DVD-ROM (DVD_READ_STRUCT physical format)" \
      || bad "$name: cd-info: $(grep '^Disc mode' "$work/cdi.txt")"
  fi
  if have cdrskin; then
    emu_tool cdrskin dev="$EMU_DEVICE" -toc >"$work/cdrskin.txt" 2>&1
    grep -q "^Media summary: 1 sessions, 1 tracks, closed DVD-ROM" "$work/cdrskin.txt" \
      && grep -qE "^track:lout lba: +$sectors " "$work/cdrskin.txt" \
      && ok "$name: cdrskin -toc: one closed DVD-ROM session, lead-out at $sectors" \
      || bad "$name: cdrskin -toc: $(grep -e '^Media' -e '^track' "$work/cdrskin.txt" | tr '\n' ' ')"
  fi
  if have xorriso; then
    emu_tool xorriso -indev "$EMU_DEVICE" -toc >"$work/xtoc.txt" 2>&1
    grep -q "^Media current: DVD-ROM" "$work/xtoc.txt" && grep -qE "^ISO session +: +1 , +0 ," "$work/xtoc.txt" \
      && ok "$name: xorriso -toc: DVD-ROM with an ISO session at LBA 0" \
      || bad "$name: xorriso -toc: $(grep -e '^Media' -e session "$work/xtoc.txt" | tr '\n' ' ')"
    xorriso -indev "$ISO" -lsl / 2>/dev/null | sort >"$work/ls-img.txt"
    emu_tool xorriso -indev "$EMU_DEVICE" -lsl / 2>/dev/null | sort >"$work/ls-dev.txt"
    [ -s "$work/ls-dev.txt" ] && same_text "$work/ls-img.txt" "$work/ls-dev.txt" \
      "$name: xorriso lists the same root directory from the drive as from the ISO" \
      || bad "$name: xorriso -lsl / on the drive listed nothing"
    emu_tool xorriso -indev "$EMU_DEVICE" -check_media -- >"$work/check.txt" 2>&1
    grep -qE "^Media region : +0 , +$sectors , \+ good" "$work/check.txt" \
      && ok "$name: xorriso -check_media reads all $sectors blocks good" \
      || bad "$name: xorriso -check_media: $(grep '^Media region' "$work/check.txt" | tr '\n' ' ')"
  fi
done

finish
