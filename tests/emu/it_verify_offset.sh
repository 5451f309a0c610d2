#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright verify with the drive's read offset (issue 8, "Verify that
# proves the copy") on the emulated drive, whose offset=N personality
# delivers audio N samples late (AccurateRip's sign), zeros past the
# disc's audio.
#
# An audio image of noise is made here (20 silent sectors, then two
# tracks of noise: the offset can only be found in one way).  Then:
#   - the image pressed (medium=) on drives with offset +6, +667 and -30:
#     verify with no offset known finds it (exit 0, "found", the JSON's
#     read_offset), and the |N| samples pushed past the disc's audio are
#     counted as not compared, not as differences; --offset N gives exit 0
#     too; a wrong --offset gives exit 4 and the line naming the offset
#     the audio fits;
#   - a known offset: the user's drive offset table, and a user drive
#     profile with read_offset_samples, named as the source;
#   - an image with one changed sample (outside and inside the block the
#     search starts with): exit 4, the track, LBA and sample named;
#   - an all-silent disc: the offset cannot be found, said so, compared at
#     0, exit 0;
#   - the project's mixed-mode sample: a data sector flipped by the drive
#     (faults=flip) fails its EDC/ECC check, and a data sector changed in
#     the image is a valid sector on the disc: both named;
#   - a disc written from the image: discwright burn on a blank CD-R of a
#     drive with offset +6 (its own verify finds the offset), then verify
#     in a second process; and a disc written by cdrdao write from a .toc
#     (a peer's burn) passes our verify against that .toc.
. "$(dirname "$0")/preload_lib.sh"
need_preload

SAMPLE=${DW_BUILD:?DW_BUILD not set}/sample/sample.cue
[ -f "$SAMPLE" ] || skip_all "$SAMPLE not built"

# compact FILE: the JSON without blanks and newlines, for grep.
compact() { tr -d ' \n' <"$1"; }

# --- the images --------------------------------------------------------------
# a.bin: 20 silent sectors, then 1180 sectors of noise; track 2 at 00:08:00.
{ head -c $((20 * 2352)) /dev/zero; head -c $((1180 * 2352)) /dev/urandom; } >"$work/a.bin"
cat >"$work/a.cue" <<'EOF'
FILE "a.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 00 00:06:00
    INDEX 01 00:08:00
EOF
# b.bin: a.bin with sample 17 of LBA 900 changed (track 2); c.bin: a
# changed sample in LBA 21, inside the first block the search compares.
cp "$work/a.bin" "$work/b.bin"
cp "$work/a.bin" "$work/c.bin"
printf '\x5a' | dd of="$work/b.bin" bs=1 seek=$((900 * 2352 + 17 * 4 + 1)) conv=notrunc status=none
printf '\x5a' | dd of="$work/c.bin" bs=1 seek=$((21 * 2352 + 100 * 4)) conv=notrunc status=none
sed 's/"a.bin"/"b.bin"/' "$work/a.cue" >"$work/b.cue"
sed 's/"a.bin"/"c.bin"/' "$work/a.cue" >"$work/c.cue"
# z.bin: 600 sectors of silence.
head -c $((600 * 2352)) /dev/zero >"$work/z.bin"
printf 'FILE "z.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n' >"$work/z.cue"

# --- offsets found, given, wrong -------------------------------------------
for off in 6 667 -30; do
  EMU_CONFIG="medium=$work/a.cue offset=$off"
  sign=$(printf '%+d' "$off")
  abs=${off#-}
  expect_exit 0 "offset $sign: verify with no offset known" -- emu "$DW" verify "$EMU_DEVICE" "$work/a.cue"
  expect_stdout "read offset $sign samples (found by sliding the audio against the image" \
    "offset $sign: the verdict names the offset found"
  expect_stdout "1 shift within +-2940 samples fits" "offset $sign: one shift fits noise"
  # at +667 the last sector lies wholly past the disc's audio: outside
  match=1200
  [ "$off" = 667 ] && match=1199
  expect_stdout "1200 sectors: $match match, 0 miscompare, 0 unreadable" "offset $sign: every sector with a sample to compare matches"
  expect_stdout "$abs audio samples whose source position lies outside" \
    "offset $sign: the $abs samples past the disc's audio are counted, not differences"
  expect_stdout "  identical" "offset $sign: identical"
  expect_exit 0 "offset $sign: --json" -- emu "$DW" --json verify "$EMU_DEVICE" "$work/a.cue"
  cp "$work/out.txt" "$work/found$off.json"
  compact "$work/found$off.json" | grep -q "\"read_offset\":{\"samples\":$off,\"source\":\"found\"" &&
    compact "$work/found$off.json" | grep -q "\"search\":{\"ran\":true,\"found\":true,\"samples\":$off,\"shifts_fitting\":1}" &&
    compact "$work/found$off.json" | grep -q "\"samples_not_compared\":$abs," \
    && ok "offset $sign: the JSON report has the offset, its source and the samples not compared" \
    || bad "offset $sign: JSON: $(compact "$work/found$off.json" | head -c 600)"
  expect_exit 0 "offset $sign: verify --offset $off" -- emu "$DW" verify "$EMU_DEVICE" "$work/a.cue" --offset "$off"
  expect_stdout "read offset $sign samples (--offset)" "offset $sign: --offset is named as the source"
  expect_exit 4 "offset $sign: verify --offset 0 (wrong)" -- emu "$DW" verify "$EMU_DEVICE" "$work/a.cue" --offset 0
  expect_stdout "the audio fits a combined offset of $sign samples, not the +0 used" \
    "offset $sign: a wrong --offset is shown up by the search"
done
# Sectors wholly outside: at +667 the last sector's samples all lie past
# the disc's audio (667 > 588).
grep -q '"class":"outside","first_lba":1199,"last_lba":1199' <(compact "$work/found667.json") \
  && ok "offset +667: the last sector is listed as outside, not compared" \
  || bad "offset +667: ranges: $(compact "$work/found667.json" | grep -o '"ranges":.*' | head -c 300)"
grep -q '"verdict":"identical","exit_status":0' <(compact "$work/found667.json") \
  && ok "offset +667: still identical" || bad "offset +667: verdict"

expect_exit 2 "--offset out of range" -- "$DW" verify "$EMU_DEVICE" "$work/a.cue" --offset 6000
expect_stderr "--offset needs a number of samples from -5880 to 5880, not '6000'" "--offset out of range: the message"
expect_exit 2 "--offset not a number" -- "$DW" verify "$EMU_DEVICE" "$work/a.cue" --offset 6x
expect_exit 0 "an image source: offset 0, the image holds its audio as ripped" -- "$DW" verify "$work/a.cue" "$work/a.cue"
expect_stdout "read offset +0 samples (the source is an image" "an image source: named"

# --- offsets known --------------------------------------------------------------
cfg=$work/cfg
mkdir -p "$cfg/discwright/profiles/drives"
printf 'DWEMU\tVIRTUAL MMC-6\t+667\n' >"$cfg/discwright/profiles/drives/offsets.tsv"
EMU_CONFIG="medium=$work/a.cue offset=667"
expect_exit 0 "offset table: verify" -- env XDG_CONFIG_HOME="$cfg" LD_PRELOAD="$EMU_PRELOAD" \
  DW_EMU_DEVICE="$EMU_DEVICE" DW_EMU_CONFIG="$EMU_CONFIG" "$DW" verify "$EMU_DEVICE" "$work/a.cue"
expect_stdout "read offset +667 samples (known: drive offset table: $cfg/discwright/profiles/drives/offsets.tsv line 1 (DWEMU VIRTUAL MMC-6))" \
  "offset table: the table and its line are named"
expect_stdout "1200 sectors: 1199 match, 0 miscompare" "offset table: every sector matches (the last lies outside)"
sed 's/"read_offset_samples":"unknown"/"read_offset_samples":-30/' \
  "$DW_SOURCE/profiles/drives/dwemu_virtual_mmc-6.json" >"$cfg/discwright/profiles/drives/dwemu_virtual_mmc-6.json"
EMU_CONFIG="medium=$work/a.cue offset=-30"
expect_exit 0 "drive profile: verify" -- env XDG_CONFIG_HOME="$cfg" LD_PRELOAD="$EMU_PRELOAD" \
  DW_EMU_DEVICE="$EMU_DEVICE" DW_EMU_CONFIG="$EMU_CONFIG" "$DW" verify "$EMU_DEVICE" "$work/a.cue"
expect_stdout "read offset -30 samples (known: drive profile: $cfg/discwright/profiles/drives/dwemu_virtual_mmc-6.json)" \
  "drive profile: the profile wins over the table and is named"
expect_exit 0 "drive profile: --json" -- env XDG_CONFIG_HOME="$cfg" LD_PRELOAD="$EMU_PRELOAD" \
  DW_EMU_DEVICE="$EMU_DEVICE" DW_EMU_CONFIG="$EMU_CONFIG" "$DW" --json verify "$EMU_DEVICE" "$work/a.cue"
cp "$work/out.txt" "$work/profile.json"
compact "$work/profile.json" | grep -q '"read_offset":{"samples":-30,"source":"profile"' &&
  compact "$work/profile.json" | grep -q '"search":{"ran":true,"found":true,"samples":-30' \
  && ok "drive profile: the JSON says profile, and the search agrees" \
  || bad "drive profile: JSON: $(compact "$work/profile.json" | grep -o '"read_offset":.*' | head -c 300)"

# --- changed samples ------------------------------------------------------------
EMU_CONFIG="medium=$work/a.cue offset=6"
expect_exit 4 "one changed sample: exit 4" -- emu "$DW" verify "$EMU_DEVICE" "$work/b.cue"
expect_stdout "read offset +6 samples (found" "one changed sample: the offset is still found"
expect_stdout "1200 sectors: 1199 match, 1 miscompare" "one changed sample: one sector differs"
expect_stdout "miscompare: LBA 900-900 (1 sectors), first differing byte 69 of LBA 900 (sample 17), track 2" \
  "one changed sample: the track, LBA and sample are named"
expect_stderr "differs from '$work/b.cue' in 1 sectors" "one changed sample: the error line"
expect_exit 4 "a changed sample where the search starts: exit 4" -- emu "$DW" --json verify "$EMU_DEVICE" "$work/c.cue"
cp "$work/out.txt" "$work/c.json"
compact "$work/c.json" | grep -q '"read_offset":{"samples":6,"source":"found"' &&
  compact "$work/c.json" | grep -q '"class":"miscompare","first_lba":21,"last_lba":21,"sectors":1,"track":1,"first_diff_byte":400,"first_diff_sample":100' \
  && ok "a changed sample where the search starts: the next block finds +6, LBA 21 sample 100 named" \
  || bad "changed sample in the first block: $(compact "$work/c.json" | grep -o '"read_offset":.*' | head -c 600)"

# --- silence --------------------------------------------------------------------
EMU_CONFIG="medium=$work/z.cue offset=6"
expect_exit 0 "an all-silent disc: verify" -- emu "$DW" verify "$EMU_DEVICE" "$work/z.cue"
expect_stdout "read offset +0 samples (not found: the image's audio is all silence: no offset can be found; compared at 0)" \
  "an all-silent disc: the offset is unfindable, said so, compared at 0"
expect_stdout "600 sectors: 600 match" "an all-silent disc: every sector matches"

# Another disc altogether: nothing fits, said so, compared at 0: exit 4.
head -c $((1200 * 2352)) /dev/urandom >"$work/d.bin"
sed 's/"a.bin"/"d.bin"/' "$work/a.cue" >"$work/d.cue"
EMU_CONFIG="medium=$work/d.cue offset=6"
expect_exit 4 "another disc: verify" -- emu "$DW" verify "$EMU_DEVICE" "$work/a.cue"
expect_stdout "read offset +0 samples (not found: no shift within the search range makes the first non-silent audio equal: the disc's audio differs from the image; compared at 0)" \
  "another disc: the offset is not found, and the line says why"

# --- data sectors: EDC/ECC ------------------------------------------------------
# The sample disc: track 1 Mode 1 (LBA 0-183), audio after it (a sine:
# several shifts fit, the nearest 0 is taken).
EMU_CONFIG="medium=$SAMPLE offset=6 faults=flip:100"
expect_exit 4 "a data sector flipped by the drive: exit 4" -- emu "$DW" verify "$EMU_DEVICE" "$SAMPLE"
expect_stdout "read offset +6 samples (found" "mixed mode: the audio's offset is found past the data track"
expect_stdout "miscompare: LBA 100-100 (1 sectors), first differing byte" "a flipped data sector: named"
expect_stdout "track 1, its EDC/ECC check fails (damaged on the disc or in the read)" \
  "a flipped data sector: its EDC/ECC check fails"
expect_stdout "track 1 (data): 184 sectors, 183 match, 1 miscompare, 0 unreadable, 1 failing their EDC/ECC check" \
  "a flipped data sector: the track line counts it"
expect_stdout "track 2 (audio): 450 sectors, 450 match" "a flipped data sector: the audio tracks match"
# The other way round: the image's data sector 50 changed (its EDC no
# longer fits), the disc pressed from the original: the disc's sector is a
# valid one, so the report says the disc holds another sector.
mkdir -p "$work/m"
cp "$DW_BUILD/sample/sample.bin" "$work/m/sample.bin"
cp "$SAMPLE" "$work/m/sample.cue"
printf '\x01' | dd of="$work/m/sample.bin" bs=1 seek=$((50 * 2352 + 16 + 5)) conv=notrunc status=none
EMU_CONFIG="medium=$SAMPLE"
expect_exit 4 "a data sector changed in the image: exit 4" -- emu "$DW" --json verify "$EMU_DEVICE" "$work/m/sample.cue"
cp "$work/out.txt" "$work/edc.json"
compact "$work/edc.json" | grep -q '"class":"miscompare","first_lba":50,"last_lba":50,"sectors":1,"track":1,"first_diff_byte":21,"source_edc":"good"' &&
  compact "$work/edc.json" | grep -q '"edc_errors":0,' \
  && ok "a data sector changed in the image: the disc's sector passes its EDC/ECC check, so the disc holds another sector" \
  || bad "changed data sector: $(compact "$work/edc.json" | grep -o '"ranges":.*' | head -c 400)"

# --- the Q sub-channel -------------------------------------------------------------
# The pressed image against itself: every frame compared but the MCN/ISRC
# frames the emulator and the image's layout place apart (none here: no
# MCN, no ISRC) and the badq frames; an image whose track 2 has the copy
# flag (CONTROL in every Q frame): the main data match, the Q does not.
EMU_CONFIG="medium=$work/a.cue offset=6 faults=badq:700-709"
expect_exit 0 "--subchannel: the same layout" -- emu "$DW" verify "$EMU_DEVICE" "$work/a.cue" --subchannel
expect_stdout "Q sub-channel: 1190 frames compared, 0 differ, 10 not compared" \
  "--subchannel: frames with a bad CRC are not compared, the others equal"
sed 's/^  TRACK 02 AUDIO$/  TRACK 02 AUDIO\n    FLAGS DCP/' "$work/a.cue" >"$work/dcp.cue"
expect_exit 0 "--subchannel left out: the copy flag is not seen" -- emu "$DW" verify "$EMU_DEVICE" "$work/dcp.cue"
expect_exit 4 "--subchannel: the copy flag differs in track 2's Q" -- emu "$DW" --json verify "$EMU_DEVICE" "$work/dcp.cue" --subchannel
cp "$work/out.txt" "$work/q.json"
compact "$work/q.json" | grep -q '"subchannel_q":{"compared":1190,"miscompare":740,"not_compared":10,"ranges":\[{"class":"miscompare","first_lba":450,"last_lba":699,"sectors":250,"track":2,"first_diff_byte":0},{"class":"miscompare","first_lba":710,"last_lba":1199' \
  && ok "--subchannel: track 2's frames are listed as differing from byte 0 (CONTROL/ADR)" \
  || bad "--subchannel: $(compact "$work/q.json" | grep -o '"subchannel_q":.*' | head -c 400)"
expect_stderr "the Q sub-channel of '$EMU_DEVICE' differs from '$work/dcp.cue' in 740 sectors" "--subchannel: the error line"
expect_exit 1 "--subchannel with an ISO image: refused" -- "$DW" verify "$SAMPLE" "${SAMPLE%.cue}.iso" --subchannel
expect_stderr "has no sub-channel: verify without --subchannel" "--subchannel with an ISO image: the message"

# --- a disc written from the image ------------------------------------------------
state=$work/cdr.state
EMU_CONFIG="blank=cdr capacity=5000 state=$state offset=6"
expect_exit 0 "discwright burn of the image to CD-R on a drive with offset +6" -- \
  emu "$DW" burn "$work/a.cue" --drive "$EMU_DEVICE"
expect_stdout "read offset +6 samples (found" "burn: its own verify finds the offset"
expect_stdout "  identical" "burn: its own verify finds the disc identical"
EMU_CONFIG="state=$state offset=6"
expect_exit 0 "the burned disc: verify in a second process" -- emu "$DW" verify "$EMU_DEVICE" "$work/a.cue"
expect_stdout "read offset +6 samples (found" "the burned disc: the offset is named"
expect_stdout "1200 sectors: 1200 match" "the burned disc: every sector matches"
EMU_CONFIG="state=$state offset=-30"
expect_exit 0 "the burned disc on another drive (offset -30)" -- emu "$DW" verify "$EMU_DEVICE" "$work/a.cue"
expect_stdout "read offset -30 samples (found" "the burned disc on another drive: its offset is found"

if have cdrdao; then
  # A peer's burn: cdrdao write of a TOC file (raw audio files are
  # big-endian to cdrdao; the TOC reader knows), on a drive with offset +6.
  cat >"$work/a.toc" <<'EOF'
CD_DA
TRACK AUDIO
FILE "a.bin" 00:00:00 00:06:00
TRACK AUDIO
FILE "a.bin" 00:06:00 00:10:00
START 00:02:00
EOF
  state=$work/cdrdao.state
  EMU_CONFIG="blank=cdr capacity=5000 state=$state offset=6"
  (cd "$work" && emu_tool cdrdao write --device "$EMU_DEVICE" -n a.toc >"$work/cdrdao.txt" 2>&1)
  grep -q "Writing finished successfully" "$work/cdrdao.txt" && ok "cdrdao write burns the TOC file" \
    || bad "cdrdao write: $(tail -3 "$work/cdrdao.txt")"
  EMU_CONFIG="state=$state offset=6"
  expect_exit 0 "cdrdao's disc: discwright verify against the .toc" -- emu "$DW" verify "$EMU_DEVICE" "$work/a.toc"
  expect_stdout "read offset +6 samples (found" "cdrdao's disc: the offset is found"
  expect_stdout "1200 sectors: 1200 match" "cdrdao's disc: every sector matches the .toc image"
  expect_exit 4 "cdrdao's disc against the cue (little-endian reading of the same bin)" -- \
    emu "$DW" verify "$EMU_DEVICE" "$work/a.cue"
fi

finish
