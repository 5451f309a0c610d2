#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Burn real bootable ISOs to a file-backed stdio: drive, verify, cross-check
# with xorriso, then damage the burned file and check verify names the LBA.
. "$(dirname "$0")/lib.sh"
need_fixtures
need_tool xorriso

for iso in "$FIX/debian-grub-rescue-pc/grub-rescue-cdrom.iso" "$FIX/debian-ipxe/ipxe.iso"; do
  name=$(basename "$iso" .iso)
  target="$work/$name-burned.iso"
  expect_exit 0 "burn $name to stdio: and verify" -- "$DW" -q burn "$iso" --drive "stdio:$target"
  same_file "$target" "$iso" "$name: burned file equals the image"
  [ -e "$target.part" ] && bad "$name: .part left" || ok "$name: no .part left"

  # xorriso reads the burned file and agrees it is good.
  xorriso -abort_on NEVER -indev "stdio:$target" -check_media -- > "$work/xo.txt" 2>&1
  if grep -qE "Media region : +0 , +[0-9]+ , \+ good" "$work/xo.txt" && ! grep -qE "[-] (damaged|unreadable)" "$work/xo.txt"; then
    ok "$name: xorriso -check_media finds it good"
  else
    bad "$name: xorriso -check_media: $(grep 'Media region' "$work/xo.txt")"
  fi

  # Flip one byte: verify exits 4 and names the sector and byte.
  lba=$(( $(stat -c %s "$iso") / 2048 / 2 + 3 ))
  byte=1000
  printf '\xA5' | dd of="$target" bs=1 seek=$((lba * 2048 + byte)) conv=notrunc status=none
  if cmp -s "$target" "$iso"; then printf '\x5A' | dd of="$target" bs=1 seek=$((lba * 2048 + byte)) conv=notrunc status=none; fi
  expect_exit 4 "$name: verify after one flipped byte" -- "$DW" verify "stdio:$target" "$iso"
  expect_stdout "miscompare: LBA $lba-$lba (1 sectors), first differing byte $byte of LBA $lba" \
    "$name: verify names LBA $lba and byte $byte"
  "$DW" --json verify "stdio:$target" "$iso" > "$work/v.json" 2>/dev/null
  grep -q "\"first_lba\":$lba" "$work/v.json" && grep -q '"verdict":"mismatch"' "$work/v.json" \
    && ok "$name: JSON report names the range" || bad "$name: JSON report: $(head -c 400 "$work/v.json")"

  # A truncated copy: the missing sectors could not be read (exit 3).
  head -c $(( $(stat -c %s "$iso") - 4096 )) "$iso" > "$work/short.iso"
  expect_exit 3 "$name: verify of a file 2 sectors short" -- "$DW" verify "stdio:$work/short.iso" "$iso"
  expect_stdout "unreadable: LBA" "$name: the unreadable range is listed"
done

# A padded copy (as xorriso -as cdrecord pads): padding is not an error.
iso="$FIX/debian-ipxe/ipxe.iso"
cat "$iso" > "$work/padded.iso"
head -c $((150 * 2048)) /dev/zero >> "$work/padded.iso"
expect_exit 0 "verify ignores 150 sectors of padding after the image" -- "$DW" verify "stdio:$work/padded.iso" "$iso"
expect_stdout "150 sectors on the source after the image" "padding is reported, not compared"

# --dummy writes nothing and leaves no file behind.
expect_exit 0 "burn --dummy" -- "$DW" -q burn "$iso" --drive "stdio:$work/dummy.iso" --dummy
[ -e "$work/dummy.iso" ] && bad "--dummy left a file" || ok "--dummy left no file"

# --no-verify skips the read-back; the progress line is absent with -q.
expect_exit 0 "burn --no-verify" -- "$DW" burn "$iso" --drive "stdio:$work/nv.iso" --no-verify
grep -q "^verify" "$work/out.txt" && bad "--no-verify still verified" || ok "--no-verify did not verify"

# BIN/CUE burns through libburn's cue support.  A MODE1/2352 cue is
# converted to 2048-byte sectors after its EDC/ECC check: the burned file
# equals bchunk's ISO of it, and verify compares it with the cue by user data.
need_tool bchunk
L=$FIX/libcdio/test/data
(cd "$work" && bchunk "$L/isofs-m1.bin" "$L/isofs-m1.cue" m1 >/dev/null)
expect_exit 0 "burn isofs-m1.cue (MODE1/2352) to stdio: and verify" -- \
  "$DW" burn "$L/isofs-m1.cue" --drive "stdio:$work/m1.iso"
same_file "$work/m1.iso" "$work/m101.iso" "the burned cue equals bchunk's ISO"
expect_stdout "302 sectors: 302 match" "verify compared all 302 data sectors"
ls "$TMPDIR"/discwright-burn-* >/dev/null 2>&1 && bad "temporary directory left in $TMPDIR" \
  || ok "no temporary directory left"
# A damaged data sector is refused before anything is written.
mkdir -p "$work/dmg"
cp "$L/isofs-m1.cue" "$work/dmg/"
cp "$L/isofs-m1.bin" "$work/dmg/ISOFS-M1.BIN"
printf '\x00' | dd of="$work/dmg/ISOFS-M1.BIN" bs=1 seek=$((30 * 2352 + 500)) conv=notrunc status=none
expect_exit 1 "burn a cue with a damaged sector" -- "$DW" burn "$work/dmg/isofs-m1.cue" --drive "stdio:$work/dmg.iso"
expect_stderr "sector 30 of track 01" "names the damaged sector"
[ -e "$work/dmg.iso" ] && bad "a target was written for a damaged image" || ok "nothing written"
# What libburn cannot write goes to discwright's SAO writer, which needs a
# CD-R in a drive: a stdio: file is refused before anything is written.
P=$FIX/libcdio-paranoia/test/data
expect_exit 1 "burn audio to a stdio: file" -- "$DW" burn "$L/cdda.cue" --drive "stdio:$work/a.iso"
expect_stderr "only a CD-R or CD-RW can hold" "says audio needs a CD"
expect_exit 1 "burn a mixed-mode cue" -- "$DW" burn "$P/mixed-mode-cd.cue" --drive "stdio:$work/a.iso"
expect_stderr "it needs a CD-R in a drive" "says a mixed-mode image needs a CD-R"
"$DW" -q rip "$L/videocd.nrg" -o "$work/vcd" --name v
expect_exit 1 "burn a Mode 2 cue" -- "$DW" burn "$work/vcd/v.cue" --drive "stdio:$work/a.iso"
expect_stderr "it needs a CD-R in a drive" "says a Mode 2 image needs a CD-R"
[ -e "$work/a.iso" ] && bad "a stdio: target was written for a CD image" || ok "nothing written to the stdio: target"

# An audio track under 4 s: libburn would pad it and move the next tracks,
# so it goes to discwright's SAO writer, which writes it as it is with a
# warning (here there is no drive to write to).
mkdir -p "$work/short"
head -c $((100 * 2352)) "$L/cdda.bin" > "$work/short/a.bin"
printf 'FILE "a.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n' > "$work/short/a.cue"
expect_exit 1 "burn a cue with a 100-sector audio track" -- "$DW" burn "$work/short/a.cue" --drive /dev/sr97
expect_stderr "shorter than the 4 seconds (300 sectors) of Red Book" "warns that the track is short"
expect_stderr "no drive at '/dev/sr97'" "then finds no drive"

# The sample disc: rip it, verify the rip against the sample (raw) and the
# sample ISO against the rip's data track (user data).
S=${DW_BUILD:?}/sample
"$DW" -q rip "$S/sample.cue" -o "$work/s" --name s
expect_exit 0 "verify a BIN/CUE rip against its source, raw" -- "$DW" verify "$work/s/s.cue" "$S/sample.cue"
expect_exit 0 "verify the data track of a BIN/CUE against its ISO" -- "$DW" verify "$work/s/s.cue" "$S/sample.iso"
printf '\x01' | dd of="$work/s/s.bin" bs=1 seek=$((500 * 2352 + 7)) conv=notrunc status=none
expect_exit 4 "verify a damaged audio sector" -- "$DW" verify "$work/s/s.cue" "$S/sample.cue"
expect_stdout "miscompare: LBA 500-500 (1 sectors), first differing byte 7" "the damaged audio sector is named"
finish
