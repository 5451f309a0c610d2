#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CD images that libburn cannot write from a cue, burned by discwright's own
# SAO writer (src/burn/cdwrite.c: page 05h, OPC, SEND CUE SHEET, CD-TEXT in
# the lead-in, raw 2352-byte WRITEs from LBA -150) to an emulated blank
# CD-R, then read back in second processes:
#  - the project's mixed-mode sample (Mode 1 + audio, MCN, ISRC, INDEX
#    00/02, flags, CD-TEXT): rip gives the bin and the cue back; the rip's
#    cdrdao .toc burned again gives the same disc;
#  - libcdio's videocd.nrg (five Mode 2 XA tracks from a Nero image): the
#    rip of the disc equals the rip of the image;
#  - an audio album with a hidden track (HTOA), ISRC, MCN and CD-TEXT on a
#    drive with write offset -12, burned with --write-offset -12: the disc
#    equals the image (and without the option it does not);
#  - a redump-style multi-file cue ("Name (Track N).bin", MODE1/2352 and
#    AUDIO): the rip is the tracks' bins end to end;
#  - cd-info, cd-paranoia -Q and cdrdao read-cd on the burned discs;
#  - CD-Extra (sample-extra.cue): session 1 left open, session 2 appended
#    at the image's LBAs;
#  - refusals with the medium left blank: a raw audio .bin without its cue
#    (the wasted blank of issue 8), a truncated bin, an image larger than the blank, write
#    mode raw for a two-session image; --dummy writes nothing.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

S=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$S/sample.cue" ] || skip_all "$S/sample.cue not built"

# A cue sheet without the lines a rip adds or names differently.
cue_body() { grep -v -e '^REM COMMENT' -e '^FILE ' "$1" | sed 's/\r$//'; }

# blank_after WHAT STATE: a second process sees a blank CD-R in STATE.
blank_after() {
  EMU_CONFIG="state=$2"
  emu "$DW" info "$EMU_DEVICE" >"$work/blank.txt" 2>&1
  grep -q "^medium: *CD-R, blank" "$work/blank.txt" && ok "$1: the CD-R is still blank" \
    || bad "$1: $(grep -e '^medium' -e 'discwright:' "$work/blank.txt" | tr '\n' ' ')"
}

# ---- the mixed-mode sample -----------------------------------------------------
state=$work/mixed.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 0 "mixed: discwright burn sample.cue (Mode 1 + audio)" -- \
  emu "$DW" burn "$S/sample.cue" --drive "$EMU_DEVICE"
expect_stdout "(CD-R, SAO)" "mixed: burned session at once"
expect_stdout "plan: discwright's SAO writer, 1 session, 4 tracks, write offset 0 samples" \
  "mixed: the summary gives the plan"
expect_stdout "identical" "mixed: the burn's own verify finds the disc identical"
EMU_CONFIG="state=$state"
expect_exit 0 "mixed: discwright verify in a second process" -- \
  emu "$DW" verify "$EMU_DEVICE" "$S/sample.cue"
expect_exit 5 "mixed: discwright rip of the burned disc" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-mixed" --name disc --toc
same_file "$work/rip-mixed/disc.bin" "$S/sample.bin" "mixed: the ripped bin equals sample.bin"
same_text <(cue_body "$S/sample.cue") <(cue_body "$work/rip-mixed/disc.cue") \
  "mixed: the ripped cue equals sample.cue (MCN, ISRC, INDEX 00/02, FLAGS, CD-TEXT)"
if have cd-info >/dev/null; then
  emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE" >"$work/cdi.txt" 2>&1
  grep -qE "^ +1: 00:02:00  000000 data " "$work/cdi.txt" &&
    grep -qE "^ +2: 00:06:34  000334 audio " "$work/cdi.txt" &&
    grep -q "^Media Catalog Number (MCN): 0000000000017" "$work/cdi.txt" &&
    grep -q "^TRACK  2 ISRC: XXDWS2300001" "$work/cdi.txt" &&
    grep -q "TITLE: discwright sample disc" "$work/cdi.txt" \
    && ok "mixed: cd-info reads the data and audio tracks, MCN, ISRC and CD-TEXT" \
    || bad "mixed: cd-info: $(grep -e MCN -e ISRC -e '^ *[0-9]:' -e TITLE "$work/cdi.txt" | head -8 | tr '\n' ' ')"
fi
if have cdrdao >/dev/null; then
  # cdrdao reads the data track raw and the audio big-endian.
  (cd "$work" && emu_tool cdrdao read-cd --read-raw --device "$EMU_DEVICE" \
    --datafile cdrdao-mixed.bin cdrdao-mixed.toc >"$work/cdrdao.txt" 2>&1)
  grep -q "^TRACK MODE1_RAW" "$work/cdrdao-mixed.toc" && [ "$(grep -c '^TRACK AUDIO' "$work/cdrdao-mixed.toc")" = 3 ] \
    && ok "mixed: cdrdao read-cd finds a MODE1_RAW track and three audio tracks" \
    || bad "mixed: cdrdao toc: $(grep -e '^TRACK' "$work/cdrdao-mixed.toc" | tr '\n' ' ') $(tail -3 "$work/cdrdao.txt")"
  # Its data track: the sample's first 184 sectors byte for byte.
  same_file <(head -c $((184 * 2352)) "$work/cdrdao-mixed.bin") \
    <(head -c $((184 * 2352)) "$S/sample.bin") "mixed: cdrdao read-cd --read-raw reads the Mode 1 sectors as written"
fi

# The rip's cdrdao TOC file burned again: another reader, the same disc.
state=$work/toc.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 0 "toc: discwright burn of the rip's cdrdao .toc" -- \
  emu "$DW" burn "$work/rip-mixed/disc.toc" --drive "$EMU_DEVICE"
expect_stdout "identical" "toc: the burn's own verify finds the disc identical"
EMU_CONFIG="state=$state"
expect_exit 5 "toc: discwright rip of the disc burned from the .toc" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-toc" --name disc
same_file "$work/rip-toc/disc.bin" "$S/sample.bin" "toc: the ripped bin equals sample.bin"
same_text <(cue_body "$S/sample.cue") <(cue_body "$work/rip-toc/disc.cue") \
  "toc: the ripped cue equals sample.cue"

# ---- Mode 2: libcdio's Video CD as a Nero image ------------------------------------
state=$work/vcd.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 0 "videocd: discwright burn videocd.nrg (Mode 2 XA)" -- \
  emu "$DW" burn "$L/videocd.nrg" --drive "$EMU_DEVICE"
expect_stdout "identical" "videocd: the burn's own verify finds the disc identical"
expect_exit 0 "videocd: discwright rip of the image" -- \
  "$DW" -q rip "$L/videocd.nrg" -o "$work/rip-vcd-img" --name disc
EMU_CONFIG="state=$state"
expect_exit 0 "videocd: discwright rip of the burned disc" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-vcd" --name disc
same_file "$work/rip-vcd/disc.bin" "$work/rip-vcd-img/disc.bin" \
  "videocd: the disc's sectors equal the image's, all 1726"
if have cd-info >/dev/null; then
  emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE" >"$work/cdi.txt" 2>&1
  grep -q "^Disc mode is listed as: CD DATA (Mode 2)" "$work/cdi.txt" &&
    [ "$(grep -cE '^ +[0-9]: [0-9:]+  [0-9]+ data ' "$work/cdi.txt")" = 5 ] &&
    grep -q "label .SVIDEOCD" "$work/cdi.txt" \
    && ok "videocd: cd-info sees a Mode 2 disc of five data tracks and its ISO 9660 volume" \
    || bad "videocd: cd-info: $(grep -e 'Disc mode' -e '^ *[0-9]:' "$work/cdi.txt" | tr '\n' ' ')"
fi

# ---- audio with HTOA, ISRC, MCN, CD-TEXT and a write offset ------------------------
# 1900 sectors: the sample's audio, libcdio's cdda.bin, noise, then silence
# (a negative write offset moves the image's last samples into the lead-out).
{ tail -c +$((184 * 2352 + 1)) "$S/sample.bin"; cat "$L/cdda.bin"
  head -c $((2352 * 900)) /dev/urandom; head -c $((2352 * 48)) /dev/zero; } >"$work/album.bin"
cat >"$work/album.cue" <<'EOF'
CATALOG 1234567890128
TITLE "Emulated album"
PERFORMER "discwright"
FILE "album.bin" BINARY
  TRACK 01 AUDIO
    TITLE "Hidden start"
    PERFORMER "Tone"
    ISRC XXDWS2300001
    INDEX 00 00:00:00
    INDEX 01 00:04:00
  TRACK 02 AUDIO
    TITLE "E above A"
    FLAGS DCP
    ISRC XXDWS2300002
    INDEX 00 00:08:00
    INDEX 01 00:09:00
    INDEX 02 00:10:00
  TRACK 03 AUDIO
    TITLE "Noise"
    FLAGS PRE
    INDEX 01 00:15:00
EOF
state=$work/album.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state write_offset=-12"
expect_exit 0 "album: burn with --write-offset -12 on a drive with write offset -12" -- \
  emu "$DW" burn "$work/album.cue" --drive "$EMU_DEVICE" --write-offset -12 --write-mode sao
expect_stdout "identical" "album: the burn's own verify finds the disc identical"
EMU_CONFIG="state=$state"
expect_exit 5 "album: discwright rip of the burned disc" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-album" --name disc
same_file "$work/rip-album/disc.bin" "$work/album.bin" "album: the ripped audio equals the image (offset applied)"
same_text <(cue_body "$work/album.cue") <(cue_body "$work/rip-album/disc.cue") \
  "album: the ripped cue equals the image's (HTOA INDEX 00, ISRC, MCN, CD-TEXT)"
if have cd-paranoia >/dev/null; then
  cd-paranoia -d "$work/album.cue" -Q 2>&1 | sed -n '/^track /,/^TOTAL/p' >"$work/cdp-img.txt"
  emu_tool cd-paranoia -d "$EMU_DEVICE" -Q >"$work/cdp.txt" 2>&1
  sed -n '/^track /,/^TOTAL/p' "$work/cdp.txt" >"$work/cdp-dev.txt"
  [ -s "$work/cdp-dev.txt" ] && same_text "$work/cdp-img.txt" "$work/cdp-dev.txt" \
    "album: cd-paranoia -Q on the drive prints the image's TOC" \
    || bad "album: cd-paranoia -Q printed no TOC: $(tail -3 "$work/cdp.txt")"
  (cd "$work" && emu_tool cd-paranoia -d "$EMU_DEVICE" -w 3 cdp-t3.wav >/dev/null 2>&1)
  same_file <(tail -c +45 "$work/cdp-t3.wav") <(tail -c +$((1125 * 2352 + 1)) "$work/album.bin") \
    "album: cd-paranoia reads track 3 as the image holds it"
fi
# The same burn without the option: the drive's offset shows on the disc,
# as a shift of the audio that the verify finds (no offset is known for the
# emulated drive) and names, comparing every sample at it.
EMU_CONFIG="blank=cdr capacity=20000 state=$work/album2.state write_offset=-12"
expect_exit 0 "album: without --write-offset the verify finds the shifted audio" -- \
  emu "$DW" burn "$work/album.cue" --drive "$EMU_DEVICE" --write-mode sao
expect_stdout "found by sliding the audio against the image" "album: and names the offset it found"
grep -q "read offset [+-]12 samples" "$work/out.txt" && ok "album: the offset found is the write offset's 12 samples" ||
  bad "album: offset line: $(grep 'read offset' "$work/out.txt")"

# ---- CD-Extra: the audio session left open, then the data session ------------------
state=$work/cdextra.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 0 "cd-extra: discwright burn sample-extra.cue (two sessions)" -- \
  emu "$DW" burn "$S/sample-extra.cue" --drive "$EMU_DEVICE"
expect_stdout "identical" "cd-extra: the burn's own verify finds both sessions identical"
expect_stdout "2 sessions, 4 tracks" "cd-extra: the plan has two sessions"
EMU_CONFIG="state=$state"
emu "$DW" info "$EMU_DEVICE" >"$work/extra-info.txt" 2>&1
grep -q "^medium: *CD-R, closed" "$work/extra-info.txt" && grep -q "^sessions: 2 " "$work/extra-info.txt" &&
  grep -q "session 2: tracks 4-4, lead-out 02:47:34 (LBA 12409)" "$work/extra-info.txt" \
  && ok "cd-extra: a closed CD-R of two sessions, the second at the image's LBAs" \
  || bad "cd-extra: $(grep -e '^medium' -e '^sessions' -e 'session ' "$work/extra-info.txt" | tr '\n' ' ')"
expect_exit 5 "cd-extra: discwright rip of the burned disc" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-extra" --name disc
same_file "$work/rip-extra/disc.bin" "$S/sample-extra.bin" "cd-extra: the ripped bin equals sample-extra.bin"
same_text <(cue_body "$S/sample-extra.cue") <(cue_body "$work/rip-extra/disc.cue") \
  "cd-extra: the ripped cue equals the image's (REM SESSION, ISRC, MCN, CD-TEXT)"
if have cd-info >/dev/null; then
  emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE" >"$work/cdi.txt" 2>&1
  grep -qE "^ +4: 02:45:00  012225 data " "$work/cdi.txt" && grep -q "^Last CD Session LSN: 12225" "$work/cdi.txt" \
    && ok "cd-extra: cd-info finds the data track in the second session" \
    || bad "cd-extra: cd-info: $(grep -e '^ *[0-9]:' -e 'Session' "$work/cdi.txt" | tr '\n' ' ')"
fi

# ---- a redump-style set: one file per track -----------------------------------------
mkdir -p "$work/redump"
head -c $((184 * 2352)) "$S/sample.bin" >"$work/redump/Sample (Track 1).bin"
tail -c +$((184 * 2352 + 1)) "$S/sample.bin" | head -c $((300 * 2352)) >"$work/redump/Sample (Track 2).bin"
tail -c +$((484 * 2352 + 1)) "$S/sample.bin" >"$work/redump/Sample (Track 3).bin"
cat >"$work/redump/Sample.cue" <<'EOF'
FILE "Sample (Track 1).bin" BINARY
  TRACK 01 MODE1/2352
    INDEX 01 00:00:00
FILE "Sample (Track 2).bin" BINARY
  TRACK 02 AUDIO
    INDEX 00 00:00:00
    INDEX 01 00:02:00
FILE "Sample (Track 3).bin" BINARY
  TRACK 03 AUDIO
    INDEX 00 00:00:00
    INDEX 01 00:01:00
EOF
state=$work/redump.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 0 "redump: discwright burn of a multi-file cue (MODE1/2352 + AUDIO)" -- \
  emu "$DW" burn "$work/redump/Sample.cue" --drive "$EMU_DEVICE"
expect_stdout "identical" "redump: the burn's own verify finds the disc identical"
EMU_CONFIG="state=$state"
expect_exit 5 "redump: discwright rip of the burned disc" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-redump" --name disc
same_file "$work/rip-redump/disc.bin" "$S/sample.bin" "redump: the ripped bin is the track files end to end"

# ---- refusals before anything is written ---------------------------------------------
state=$work/refuse.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
emu "$DW" info "$EMU_DEVICE" >/dev/null 2>&1 # the blank's state file, to look at afterwards
expect_exit 1 "a raw audio .bin without its cue is refused" -- \
  emu "$DW" burn "$work/album.bin" --drive "$EMU_DEVICE"
expect_stderr "album.bin" "the refusal names the file"
blank_after "raw .bin" "$state"

# A cue whose bin is cut short: the reader refuses it, no drive is touched.
mkdir -p "$work/cut"
head -c $((2352 * 500 + 1000)) "$S/sample.bin" >"$work/cut/sample.bin"
cp "$S/sample.cue" "$work/cut/"
expect_exit 1 "a cue whose bin is truncated is refused" -- \
  emu "$DW" burn "$work/cut/sample.cue" --drive "$EMU_DEVICE"
expect_stderr "the image file is truncated" "the refusal says the file is truncated"
blank_after "truncated bin" "$state"

state=$work/small.state
EMU_CONFIG="blank=cdr capacity=800 state=$state"
emu "$DW" info "$EMU_DEVICE" >/dev/null 2>&1
expect_exit 1 "an image larger than the blank is refused" -- \
  emu "$DW" burn "$S/sample.cue" --drive "$EMU_DEVICE" --write-mode sao
expect_stderr "use a larger blank" "the refusal says what to do"
blank_after "too large" "$state"

state=$work/extra.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 1 "write mode raw of a two-session image is refused" -- \
  emu "$DW" burn "$S/sample-extra.cue" --drive "$EMU_DEVICE" --write-mode raw
expect_stderr "--write-mode sao" "the refusal says what to use"
blank_after "raw refused" "$state"

state=$work/dummy.state
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
emu "$DW" info "$EMU_DEVICE" >/dev/null 2>&1
expect_exit 0 "--dummy: a test write of the mixed sample" -- \
  emu "$DW" burn "$S/sample.cue" --drive "$EMU_DEVICE" --dummy
expect_stdout "dummy run" "--dummy: the summary says nothing was written"
blank_after "--dummy" "$state"
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 0 "--dummy: a test write of the CD-Extra sample" -- \
  emu "$DW" burn "$S/sample-extra.cue" --drive "$EMU_DEVICE" --dummy
expect_stderr "the test write covers session 1 only" "--dummy: says later sessions are not simulated"
blank_after "--dummy of two sessions" "$state"
EMU_CONFIG="blank=cdr capacity=20000 state=$state"
expect_exit 0 "--dummy --json: a test write with the JSON report" -- \
  emu "$DW" --json burn "$S/sample.cue" --drive "$EMU_DEVICE" --dummy --write-offset 6
cp "$work/out.txt" "$work/dummy-report.json" # checked against docs/report-schema.json at exit
grep -qE '"writer": ?"discwright"' "$work/dummy-report.json" &&
  grep -qE '"write_type": ?"SAO"' "$work/dummy-report.json" &&
  grep -qE '"write_offset_samples": ?6' "$work/dummy-report.json" &&
  grep -qE '"tracks": ?4' "$work/dummy-report.json" && grep -qE '"dummy": ?true' "$work/dummy-report.json" \
  && ok "--json: the report names the writer, write type, offset, tracks and the dummy run" \
  || bad "--json: $(tr -d '\n' <"$work/dummy-report.json" | head -c 600)"
blank_after "--dummy --json" "$state"

have cd-info || true
have cd-paranoia || true
have cdrdao || true
finish
