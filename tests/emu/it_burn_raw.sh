#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Raw writing (write type RAW, RAW96R: 2352 bytes and 96 bytes of raw P-W a
# block, from the ATIP lead-in start through the lead-out) by discwright's
# own writer (src/burn/cdwrite.c) to an emulated blank CD-R, read back in
# second processes:
#  - the project's mixed-mode sample as `rip --subchannel` made it (a
#    CloneCD set), its .sub given R-W content and one Q frame with a broken
#    CRC: burned with --write-mode raw, the rip --subchannel of the disc
#    gives the .img, .sub (R-W and the bad frame included), .ccd and .cdt
#    back byte for byte; the burn's verify compares the Q frames; cdrdao
#    read-cd --read-subchan rw_raw reads the R-W as written; cd-info reads
#    the tracks, MCN, ISRC and CD-TEXT the lead-in carried;
#  - verify --subchannel of that disc against an image whose Q differs:
#    the Q miscompare is found (exit 4);
#  - a CloneCD set made by `discwright convert` from libcdio's cdda.cue,
#    burned with the default write mode (auto takes raw for an image with
#    its .sub): the rip --subchannel gives .img and .sub back;
#  - the same set on a drive with write offset +30: with --write-offset 30
#    the ripped .img and .sub are the image's, without it the audio moves;
#  - the sample's cue (no .sub) with --write-mode raw: P and Q generated,
#    the rip gives the bin and cue back;
#  - refusals, the CD-R left blank: a drive without raw writing
#    (rawwrite=no; auto falls back to SAO there), a two-session image,
#    --dummy.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload
need_tool python3

S=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$S/sample.cue" ] || skip_all "$S/sample.cue not built"

cue_body() { grep -v -e '^REM COMMENT' -e '^FILE ' "$1" | sed 's/\r$//'; }

blank_after() {
  EMU_CONFIG="state=$2"
  emu "$DW" info "$EMU_DEVICE" >"$work/blank.txt" 2>&1
  grep -q "^medium: *CD-R, blank" "$work/blank.txt" && ok "$1: the CD-R is still blank" \
    || bad "$1: $(grep -e '^medium' -e 'discwright:' "$work/blank.txt" | tr '\n' ' ')"
}

# ---- the sample as a CloneCD set with R-W and a bad Q frame -----------------------
EMU_CONFIG="medium=$S/sample.cue"
expect_exit 5 "rip --subchannel of sample.cue (a CloneCD set)" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/set" --name disc --subchannel
# R-W channels of every sector get a pattern; sector 500's Q CRC is broken.
python3 - "$work/set/disc.sub" <<'EOF' && ok "the .sub gets R-W content and one bad Q CRC" || bad "python3 could not edit the .sub"
import sys
p = sys.argv[1]
sub = bytearray(open(p, 'rb').read())
for i in range(len(sub) // 96):
    for ch in range(2, 8):
        for k in range(12):
            sub[i * 96 + ch * 12 + k] = (i * 7 + ch * 13 + k * 3) & 0xFF
sub[500 * 96 + 12 + 11] ^= 0x5A
open(p, 'wb').write(sub)
EOF

state=$work/raw.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 0 "mixed: discwright burn disc.ccd --write-mode raw" -- \
  emu "$DW" burn "$work/set/disc.ccd" --drive "$EMU_DEVICE" --write-mode raw
expect_stdout "(CD-R, RAW96R)" "mixed: burned raw"
expect_stdout "plan: discwright's RAW96R writer, 1 session, 4 tracks" "mixed: the summary gives the plan"
expect_stdout "Q sub-channel: 1008 frames compared, 0 differ, 1 not compared" \
  "mixed: the burn's verify compares every Q frame but the one with the bad CRC"
expect_stdout "identical" "mixed: the burn's own verify finds the disc identical"
EMU_CONFIG="state=$state"
expect_exit 5 "mixed: rip --subchannel of the burned disc" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/back" --name disc --subchannel
for ext in img sub ccd cdt; do
  same_file "$work/back/disc.$ext" "$work/set/disc.$ext" "mixed: the ripped .$ext equals the burned one"
done
same_text <(cue_body "$S/sample.cue") <(cue_body "$work/back/disc.cue") \
  "mixed: the ripped cue equals sample.cue (MCN, ISRC, INDEX 00/02, FLAGS, CD-TEXT from the Q and the lead-in)"

# verify --subchannel against an image whose Q differs in one frame.
mkdir -p "$work/qdiff"
cp "$work/set/disc.img" "$work/set/disc.ccd" "$work/set/disc.cdt" "$work/qdiff/"
python3 - "$work/set/disc.sub" "$work/qdiff/disc.sub" <<'EOF'
import sys
sub = bytearray(open(sys.argv[1], 'rb').read())
q = 700 * 96 + 12                  # sector 700's Q: flip the INDEX, fix the CRC
sub[q + 2] ^= 0x02
crc = 0
for b in sub[q:q + 10]:
    crc ^= b << 8
    for _ in range(8):
        crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
crc ^= 0xFFFF
sub[q + 10], sub[q + 11] = crc >> 8, crc & 0xFF
open(sys.argv[2], 'wb').write(sub)
EOF
EMU_CONFIG="state=$state"
expect_exit 4 "mixed: verify --subchannel against an image with one other Q frame" -- \
  emu "$DW" verify "$EMU_DEVICE" "$work/qdiff/disc.ccd" --subchannel
expect_stdout "1 differ" "mixed: the differing Q frame is counted"

if have cdrdao >/dev/null; then
  (cd "$work" && EMU_CONFIG="state=$state" emu_tool cdrdao read-cd --read-raw \
    --read-subchan rw_raw --device "$EMU_DEVICE" --datafile cdrdao.bin cdrdao.toc \
    >"$work/cdrdao.txt" 2>&1)
  grep -q "^TRACK MODE1_RAW RW_RAW" "$work/cdrdao.toc" \
    && ok "cdrdao read-cd reads the data track with raw R-W" \
    || bad "cdrdao toc: $(grep '^TRACK' "$work/cdrdao.toc" | tr '\n' ' ') $(tail -2 "$work/cdrdao.txt")"
  # Its 184 data sectors: R-W (bits 5-0 of each raw P-W byte) as the .sub has them.
  python3 - "$work/set/disc.sub" "$work/cdrdao.bin" <<'EOF' \
    && ok "cdrdao's R-W of the data track equals the image's .sub" \
    || bad "cdrdao's R-W differs from the image's .sub"
import sys
sub = open(sys.argv[1], 'rb').read()
cd = open(sys.argv[2], 'rb').read()
for i in range(184):
    d = sub[i * 96:(i + 1) * 96]
    theirs = cd[i * 2448 + 2352:(i + 1) * 2448]
    for k in range(96):
        mine = 0
        for ch in range(2, 8):
            mine |= ((d[ch * 12 + k // 8] >> (7 - k % 8)) & 1) << (7 - ch)
        if mine != theirs[k] & 0x3F:
            sys.exit(1)
EOF
fi
if have cd-info >/dev/null; then
  EMU_CONFIG="state=$state" emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE" >"$work/cdi.txt" 2>&1
  grep -qE "^ +1: 00:02:00  000000 data " "$work/cdi.txt" &&
    grep -qE "^ +2: 00:06:34  000334 audio " "$work/cdi.txt" &&
    grep -q "^Media Catalog Number (MCN): 0000000000017" "$work/cdi.txt" &&
    grep -q "^TRACK  2 ISRC: XXDWS2300001" "$work/cdi.txt" &&
    grep -q "TITLE: discwright sample disc" "$work/cdi.txt" \
    && ok "cd-info reads the tracks, MCN, ISRC and CD-TEXT of the raw-written disc" \
    || bad "cd-info: $(grep -e MCN -e ISRC -e '^ *[0-9]:' -e TITLE "$work/cdi.txt" | head -8 | tr '\n' ' ')"
fi

# ---- a drive with a write offset: --write-offset shifts the audio, not the P-W -------
for wo in 30 0; do
  state=$work/wo$wo.state
  EMU_CONFIG="blank=cdr capacity=20000 state=$state write_offset=30"
  expect_exit 0 "write offset +30 drive: burn raw with --write-offset $wo" -- \
    emu "$DW" burn "$work/set/disc.ccd" --drive "$EMU_DEVICE" --write-mode raw --write-offset $wo
  EMU_CONFIG="state=$state"
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/wo$wo" --name disc --subchannel >/dev/null 2>&1
  same_file "$work/wo$wo/disc.sub" "$work/set/disc.sub" "write offset, --write-offset $wo: the .sub is the image's"
  if [ "$wo" = 30 ]; then
    same_file "$work/wo$wo/disc.img" "$work/set/disc.img" "write offset, --write-offset 30: the .img is the image's"
  else
    cmp -s "$work/wo$wo/disc.img" "$work/set/disc.img" \
      && bad "write offset, --write-offset 0: the audio should land 30 samples late" \
      || ok "write offset, --write-offset 0: the audio lands 30 samples late (the .img differs)"
  fi
done

# ---- a CloneCD set from discwright convert; auto writes it raw ----------------------
CDDA=$L/cdda.cue
if have_file "$CDDA"; then
  mkdir -p "$work/conv"
  expect_exit 0 "convert cdda.cue to a CloneCD set" -- \
    "$DW" -q convert "$CDDA" -o "$work/conv/cdda.ccd"
  state=$work/conv.state
  EMU_CONFIG="blank=cdr capacity=20000 state=$state"
  expect_exit 0 "cdda: discwright burn cdda.ccd (default write mode)" -- \
    emu "$DW" burn "$work/conv/cdda.ccd" --drive "$EMU_DEVICE"
  expect_stdout "(CD-R, RAW96R)" "cdda: auto writes an image with its .sub raw"
  expect_stdout "identical" "cdda: the burn's verify finds the disc identical"
  EMU_CONFIG="state=$state"
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/conv-back" --name cdda --subchannel >/dev/null 2>&1
  same_file "$work/conv-back/cdda.img" "$work/conv/cdda.img" "cdda: the ripped .img equals the converted one"
  same_file "$work/conv-back/cdda.sub" "$work/conv/cdda.sub" "cdda: the ripped .sub equals the converted one"
fi

# ---- no .sub: P and Q generated -----------------------------------------------------
state=$work/gen.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 0 "sample.cue with --write-mode raw (no .sub: P and Q generated)" -- \
  emu "$DW" burn "$S/sample.cue" --drive "$EMU_DEVICE" --write-mode raw
expect_stdout "(CD-R, RAW96R)" "generated: burned raw"
expect_stdout "Q sub-channel: 1009 frames compared, 0 differ, 0 not compared" \
  "generated: every Q frame read back equals the one the layout gives"
EMU_CONFIG="state=$state"
expect_exit 5 "generated: rip of the burned disc" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/gen-back" --name disc
same_file "$work/gen-back/disc.bin" "$S/sample.bin" "generated: the ripped bin equals sample.bin"
same_text <(cue_body "$S/sample.cue") <(cue_body "$work/gen-back/disc.cue") \
  "generated: the ripped cue equals sample.cue"

# ---- refusals and the dummy run --------------------------------------------------------
state=$work/noraw.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state rawwrite=no"
expect_exit 1 "a drive without raw writing: --write-mode raw is refused" -- \
  emu "$DW" burn "$work/set/disc.ccd" --drive "$EMU_DEVICE" --write-mode raw
expect_stderr "feature 002Eh without its Raw bit" "the refusal says why"
expect_stderr "--write-mode sao" "the refusal says what to use"
blank_after "no raw writing" "$state"
EMU_CONFIG="state=$state rawwrite=no"
expect_exit 0 "a drive without raw writing: auto writes SAO" -- \
  emu "$DW" burn "$work/set/disc.ccd" --drive "$EMU_DEVICE"
expect_stderr "writing session-at-once instead" "auto says it fell back"
expect_stdout "(CD-R, SAO)" "auto: burned session at once"

state=$work/extra.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 1 "a two-session image with --write-mode raw is refused" -- \
  emu "$DW" burn "$S/sample-extra.cue" --drive "$EMU_DEVICE" --write-mode raw
expect_stderr "--write-mode sao" "the refusal says what to use"
blank_after "two sessions" "$state"

state=$work/dummy.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 0 "--dummy --write-mode raw" -- \
  emu "$DW" burn "$work/set/disc.ccd" --drive "$EMU_DEVICE" --write-mode raw --dummy
expect_stdout "RAW96R, dummy run: nothing written" "dummy: the summary says so"
blank_after "dummy" "$state"

finish
