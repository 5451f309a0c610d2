#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CD images burned track at once by discwright's own writer
# (`burn --write-mode tao`: src/burn/cdwrite.c write_tao, plan in
# cdwrite_tao.c) to emulated blank CD-Rs, read back in second processes:
#  - an audio album whose layout TAO keeps (150-sector silent pregaps,
#    tracks of 4 s and more), with MCN, ISRC and pre-emphasis in page 05h:
#    the burn's verify finds it identical, the rip gives the bin and the cue
#    back, cd-info lists the tracks at the image's LBAs with MCN and ISRC;
#  - the project's mixed-mode sample (Mode 1 + audio, INDEX 02, CD-TEXT,
#    short tracks): a warning for each thing TAO cannot keep, before
#    anything is written, "not verified", and cd-info shows the layout the
#    plan announced (the data track padded to 300 sectors and its 2
#    run-out sectors, 150-sector pregaps); the rip's Mode 1 sectors and the
#    audio at the moved LBAs are the image's;
#  - the capacity check counts what TAO adds: an image that fits a blank
#    session at once but not with the drive's pregaps and the 4 s padding
#    is refused before writing, with both sizes, and the blank stays blank;
#  - refusals: several sessions, a stdio: target; --dummy writes nothing.
. "$(dirname "$0")/preload_lib.sh"
need_preload

S=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$S/sample.cue" ] || skip_all "$S/sample.cue not built"

cue_body() { grep -v -e '^REM COMMENT' -e '^FILE ' "$1" | sed 's/\r$//'; }
blank_after() {
  EMU_CONFIG="state=$2"
  emu "$DW" info "$EMU_DEVICE" >"$work/blank.txt" 2>&1
  grep -q "^medium: *CD-R, blank" "$work/blank.txt" && ok "$1: the CD-R is still blank" \
    || bad "$1: $(grep -e '^medium' -e 'discwright:' "$work/blank.txt" | tr '\n' ' ')"
}

# ---- an album TAO keeps as it is ------------------------------------------------------
{ head -c $((2352 * 400)) /dev/urandom; head -c $((2352 * 150)) /dev/zero
  head -c $((2352 * 500)) /dev/urandom; head -c $((2352 * 150)) /dev/zero
  head -c $((2352 * 350)) /dev/urandom; } >"$work/t.bin"
cat >"$work/t.cue" <<'EOF'
CATALOG 1234567890128
FILE "t.bin" BINARY
  TRACK 01 AUDIO
    ISRC XXDWS2300001
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 00 00:05:25
    INDEX 01 00:07:25
  TRACK 03 AUDIO
    FLAGS PRE
    INDEX 00 00:14:00
    INDEX 01 00:16:00
EOF
state=$work/album.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 0 "album: burn --write-mode tao" -- \
  emu "$DW" burn "$work/t.cue" --drive "$EMU_DEVICE" --write-mode tao
expect_stdout "(CD-R, TAO)" "album: written track at once"
expect_stdout "plan: discwright's TAO writer, 1 session, 3 tracks" "album: by our writer"
expect_stdout "identical" "album: the burn's own verify finds the disc identical"
[ -s "$work/err.txt" ] && bad "album: warnings for a layout TAO keeps: $(head -3 "$work/err.txt")" ||
  ok "album: no warning (the layout is kept)"
EMU_CONFIG="state=$state"
expect_exit 5 "album: rip of the burned disc" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-album" --name disc
same_file "$work/rip-album/disc.bin" "$work/t.bin" "album: the ripped bin equals the image"
same_text <(cue_body "$work/t.cue") <(cue_body "$work/rip-album/disc.cue") \
  "album: the ripped cue equals the image's (INDEX 00, MCN, ISRC, PRE)"
if have cd-info >/dev/null; then
  emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE" >"$work/cdi.txt" 2>&1
  grep -qE "^ +1: 00:02:00  000000 audio " "$work/cdi.txt" &&
    grep -qE "^ +2: 00:09:25  000550 audio " "$work/cdi.txt" &&
    grep -qE "^ +3: 00:18:00  001200 audio .* yes" "$work/cdi.txt" &&
    grep -qE "^170: 00:22:50  001550 leadout" "$work/cdi.txt" &&
    grep -q "^Media Catalog Number (MCN): 1234567890128" "$work/cdi.txt" &&
    grep -q "^TRACK  1 ISRC: XXDWS2300001" "$work/cdi.txt" \
    && ok "album: cd-info reads the TOC at the image's LBAs, pre-emphasis, MCN and ISRC" \
    || bad "album: cd-info: $(grep -e MCN -e ISRC -e '^ *[0-9]*:' "$work/cdi.txt" | head -8 | tr '\n' ' ')"
fi

# ---- the mixed-mode sample: what TAO cannot keep ------------------------------------------
state=$work/mixed.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 0 "mixed: burn sample.cue --write-mode tao" -- \
  emu "$DW" burn "$S/sample.cue" --drive "$EMU_DEVICE" --write-mode tao
for w in "track 01 is 184 sectors long, shorter than Red Book's 4 seconds (300 sectors): padded with 116 sectors of zeros" \
  "track 02: its pregap of 150 sectors becomes the 150 sectors a TAO drive writes after the 2 run-out sectors of the data track before it: the track moves from LBA 334 to LBA 452" \
  "track 03: INDEX 02 to 02 are not written in TAO" \
  "is not written: in TAO there is no lead-in to hold it"; do
  expect_stderr "$w" "mixed: warning '${w:0:40}...'"
done
expect_stdout "not verified: the disc's layout differs from the image's" \
  "mixed: the verify is not run against an image whose layout changed, and it says so"
if have cd-info >/dev/null; then
  EMU_CONFIG="state=$state"
  emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE" >"$work/cdi.txt" 2>&1
  grep -qE "^ +1: 00:02:00  000000 data " "$work/cdi.txt" &&
    grep -qE "^ +2: 00:08:02  000452 audio " "$work/cdi.txt" &&
    grep -qE "^ +3: 00:14:02  000902 audio " "$work/cdi.txt" &&
    grep -qE "^ +4: 00:20:02  001352 audio " "$work/cdi.txt" &&
    grep -qE "^170: 00:24:02  001652 leadout" "$work/cdi.txt" \
    && ok "mixed: cd-info reads the layout the plan announced (300 + 2 + 150 sectors before track 2)" \
    || bad "mixed: cd-info: $(grep -e '^ *[0-9]*:' "$work/cdi.txt" | head -6 | tr '\n' ' ')"
fi
EMU_CONFIG="state=$state"
emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-mixed" --name disc >/dev/null 2>&1
same_file <(head -c $((184 * 2352)) "$work/rip-mixed/disc.bin") <(head -c $((184 * 2352)) "$S/sample.bin") \
  "mixed: the Mode 1 sectors read back as the image's (sent as 2048-byte user data, block type 8)"
same_file <(bytes_of "$work/rip-mixed/disc.bin" $((452 * 2352)) $((300 * 2352))) \
  <(bytes_of "$S/sample.bin" $((334 * 2352)) $((300 * 2352))) \
  "mixed: track 2's audio is on the disc at its new LBA 452"

# ---- capacity: TAO's pregaps and padding count --------------------------------------------
# 20 audio tracks of 100 sectors, no pregaps: 2000 sectors session at once,
# 20 x 300 + 19 x 150 = 8850 track at once.
head -c $((2352 * 2000)) /dev/urandom >"$work/short.bin"
{ echo 'FILE "short.bin" BINARY'
  for n in $(seq 1 20); do
    s=$(((n - 1) * 100))
    printf '  TRACK %02d AUDIO\n    INDEX 01 %02d:%02d:%02d\n' "$n" $((s / 4500)) $((s / 75 % 60)) $((s % 75))
  done; } >"$work/short.cue"
state=$work/cap.state
EMU_CONFIG="blank=cdr capacity=5000 state=$state"
expect_exit 1 "capacity: 20 short tracks track at once on a blank of 5000 sectors" -- \
  emu "$DW" burn "$work/short.cue" --drive "$EMU_DEVICE" --write-mode tao
expect_stderr "needs 8850 sectors (2:00) up to its lead-out written track at once (with the drive's pregaps, run-outs and padding); the CD-R in '/dev/sr0' holds 5000 (1:08): use a larger blank" \
  "capacity: refused with both sizes before writing"
blank_after "capacity" "$state"
EMU_CONFIG="blank=cdr capacity=5000"
expect_exit 0 "capacity: the same image fits session at once (dummy)" -- \
  emu "$DW" burn "$work/short.cue" --drive "$EMU_DEVICE" --write-mode sao --dummy

# ---- refusals and --dummy -------------------------------------------------------------------
state=$work/refuse.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 1 "refuse: a two-session CD-Extra track at once" -- \
  emu "$DW" burn "$S/sample-extra.cue" --drive "$EMU_DEVICE" --write-mode tao
expect_stderr "has 2 sessions: track at once writes one session" "refuse: says why and what to use"
expect_exit 0 "dummy: burn --write-mode tao --dummy" -- \
  emu "$DW" burn "$work/t.cue" --drive "$EMU_DEVICE" --write-mode tao --dummy
blank_after "refuse and dummy" "$state"
expect_exit 1 "refuse: a CD image track at once to a stdio: file" -- \
  "$DW" burn "$work/t.cue" --drive "stdio:$work/x.iso" --write-mode tao
[ -e "$work/x.iso" ] && bad "refuse: stdio: file made" || ok "refuse: no stdio: file made"

finish
