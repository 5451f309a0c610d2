#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ISO images burned by discwright (libburn through SG_IO) to emulated blank
# CD-R, DVD-R, DVD+R, DVD+RW and BD-R: the burn verifies itself; a second
# process reads the medium back through the state file (discwright verify,
# info), and xorriso -check_media and cd-info cross-check it.  Then the
# refusals: a medium too small, a closed CD-R, --dummy (nothing written on
# CD-R, refused on DVD+R which cannot simulate).
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

SAMPLE=${DW_BUILD:?DW_BUILD not set}/sample/sample.iso
IPXE=$FIX/debian-ipxe/ipxe.iso
[ -f "$SAMPLE" ] || skip_all "$SAMPLE not built"

# profile names as libburn and discwright print them
profile_name() {
  case $1 in
  cdr) echo "CD-R" ;; dvdr) echo "DVD-R sequential recording" ;; dvdpr) echo "DVD+R" ;;
  dvdprw) echo "DVD+RW" ;; bdr) echo "BD-R sequential recording" ;;
  esac
}

for iso in "$SAMPLE" "$IPXE"; do
  iname=$(basename "$iso" .iso)
  sectors=$(($(stat -c %s "$iso") / 2048))
  for kind in cdr dvdr dvdpr dvdprw bdr; do
    name="$iname on $kind"
    state=$work/$iname-$kind.state
    # ---- burn (and its own verify) ----
    EMU_CONFIG="blank=$kind capacity=3000 state=$state"
    expect_exit 0 "$name: discwright burn" -- emu "$DW" burn "$iso" --drive "$EMU_DEVICE"
    expect_stdout "($(profile_name $kind), " "$name: burn names the medium"
    expect_stdout "identical" "$name: the burn's own verify finds the medium identical"
    grep -q "^  $sectors sectors: $sectors match, 0 miscompare, 0 unreadable" "$work/out.txt" \
      && ok "$name: all $sectors sectors compared equal" \
      || bad "$name: verify summary: $(grep sectors: "$work/out.txt")"

    # ---- a second process, through the state file ----
    EMU_CONFIG="state=$state"
    expect_exit 0 "$name: discwright verify in a second process" -- \
      emu "$DW" verify "$EMU_DEVICE" "$iso"
    expect_stdout "identical" "$name: the second process finds the medium identical"
    expect_exit 0 "$name: discwright info" -- emu "$DW" info "$EMU_DEVICE"
    if [ "$kind" = dvdprw ]; then
      # A formatted DVD+RW reports a complete disc of its formatted size.
      grep -q "^medium: *DVD+RW, closed" "$work/out.txt" && grep -q "^capacity: *3000 sectors" "$work/out.txt" \
        && ok "$name: info shows a formatted DVD+RW of 3000 sectors" \
        || bad "$name: info: $(grep -e '^medium' -e '^capacity' "$work/out.txt" | tr '\n' ' ')"
    else
      short=$(profile_name $kind | cut -d' ' -f1)
      [ "$kind" = bdr ] && short="BD-R SRM"
      grep -q "^medium: *$short, closed" "$work/out.txt" \
        && grep -q "^sessions: 1   tracks: 1" "$work/out.txt" \
        && ok "$name: info shows a closed disc with one session and one track" \
        || bad "$name: info: $(grep -e '^medium' -e '^sessions' "$work/out.txt" | tr '\n' ' ')"
    fi
    if have xorriso >/dev/null; then
      emu_tool xorriso -indev "$EMU_DEVICE" -check_media -- >"$work/check.txt" 2>&1
      if grep -qE "^Media region : +0 , +[0-9]+ , \+ good" "$work/check.txt" &&
        ! grep -qE "^Media region : .* - " "$work/check.txt"; then
        ok "$name: xorriso -check_media reads every block good"
      else
        bad "$name: xorriso -check_media: $(grep '^Media region' "$work/check.txt" | tr '\n' ' ')"
      fi
      emu_tool xorriso -indev "$EMU_DEVICE" -lsl / 2>/dev/null | sort >"$work/ls-dev.txt"
      xorriso -indev "$iso" -lsl / 2>/dev/null | sort >"$work/ls-img.txt"
      [ -s "$work/ls-dev.txt" ] && same_text "$work/ls-img.txt" "$work/ls-dev.txt" \
        "$name: xorriso lists the same root directory as in the ISO" \
        || bad "$name: xorriso -lsl / on the drive listed nothing"
    fi
    if [ "$kind" = cdr ] && have cd-info >/dev/null; then
      emu_tool cd-info -C "$EMU_DEVICE" --no-header --no-device-info >"$work/cdi.txt" 2>&1
      grep -q "^Disc mode is listed as: CD-DATA (Mode 1)" "$work/cdi.txt" &&
        grep -qE "^ +1: 00:02:00  000000 data " "$work/cdi.txt" &&
        grep -q "^CD-ROM with ISO 9660 filesystem" "$work/cdi.txt" \
        && ok "$name: cd-info sees one Mode 1 track at LBA 0 with an ISO 9660 file system" \
        || bad "$name: cd-info: $(grep -e '^Disc mode' -e '^ *1:' -e 'ISO 9660' "$work/cdi.txt" | tr '\n' ' ')"
    fi
  done
done
have xorriso || true
have cd-info || true

# ---- a closed CD-R is refused ----
EMU_CONFIG="state=$work/sample-cdr.state"
expect_exit 1 "burning a closed CD-R is refused" -- emu "$DW" burn "$SAMPLE" --drive "$EMU_DEVICE"
expect_stderr "is closed or read-only and cannot be written" "the refusal says the CD-R is closed"

# ---- a medium that is too small ----
for kind in cdr dvdr dvdpr dvdprw bdr; do
  EMU_CONFIG="blank=$kind capacity=800"
  expect_exit 1 "$kind of 800 sectors: burning 1024 sectors is refused" -- \
    emu "$DW" burn "$IPXE" --drive "$EMU_DEVICE"
  expect_stderr "needs 1024 sectors but the medium in '$EMU_DEVICE' has only 800 free" \
    "$kind: the refusal names what is needed and what is free"
done

# ---- --dummy ----
EMU_CONFIG="blank=cdr capacity=3000 state=$work/dummy.state"
expect_exit 0 "CD-R: burn --dummy" -- emu "$DW" burn --dummy "$SAMPLE" --drive "$EMU_DEVICE"
expect_stdout "dummy run: nothing written" "CD-R: burn --dummy says nothing was written"
EMU_CONFIG="state=$work/dummy.state"
expect_exit 0 "CD-R after --dummy: discwright info" -- emu "$DW" info "$EMU_DEVICE"
expect_stdout "blank: no sessions, no tracks" "CD-R after --dummy: still blank"
grep -q "^medium: *CD-R, blank" "$work/out.txt" && ok "CD-R after --dummy: info says CD-R, blank" \
  || bad "CD-R after --dummy: $(grep '^medium' "$work/out.txt")"
EMU_CONFIG="blank=dvdpr capacity=3000"
expect_exit 1 "DVD+R: burn --dummy is refused" -- emu "$DW" burn --dummy "$SAMPLE" --drive "$EMU_DEVICE"
expect_stderr "cannot simulate a burn" "DVD+R: the refusal says it cannot simulate"

# An ISO ripped back from an overwritable medium is the ISO 9660 volume,
# not the formatted size the medium reports.
EMU_CONFIG="blank=dvdprw capacity=20000 state=$work/ow.state"
expect_exit 0 "DVD+RW: burn the sample ISO" -- emu "$DW" -q burn "$SAMPLE" --drive "$EMU_DEVICE"
expect_exit 0 "DVD+RW: rip it back to ISO" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/owrip" --format iso --name x
same_file "$work/owrip/x.iso" "$SAMPLE" "DVD+RW: the ripped ISO is the volume, equal to the image"

finish
