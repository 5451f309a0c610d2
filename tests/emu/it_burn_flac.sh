#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Burning cue sheets libburn cannot read as they are (src/burn/burn_cue.c,
# decode_to_bin): one whose FILE names a FLAC file (made by `flac` from
# the album's bin), and one saved as UTF-16LE with a BOM (EAC's "Unicode"
# cue) with a non-ASCII title.  Both are decoded through the image drive
# into a bin of our own and burned to an emulated blank CD-R; a second
# process rips the disc back: the bin equals the album's bytes, and the
# title keeps its characters in the CD-TEXT on the disc.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload
need_tool flac

SAMPLE_BIN=${DW_BUILD:?DW_BUILD not set}/sample/sample.bin
[ -f "$SAMPLE_BIN" ] || skip_all "$SAMPLE_BIN not built"

# Three audio tracks (the sample's audio and libcdio's cdda.bin: tracks of
# 4 s or more, Red Book's minimum).
{ tail -c +$((184 * 2352 + 1)) "$SAMPLE_BIN"; cat "$L/cdda.bin"; } >"$work/album.bin"
flac -s --force-raw-format --endian=little --sign=signed --channels=2 --bps=16 \
  --sample-rate=44100 -o "$work/album.flac" "$work/album.bin" && ok "flac encoded the album" ||
  bad "flac failed"
body() {
  cat <<CUE
TITLE "$1"
PERFORMER "discwright"
FILE "$2" $3
  TRACK 01 AUDIO
    TITLE "A above middle C"
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    TITLE "E above A"
    INDEX 00 00:06:00
    INDEX 01 00:07:00
  TRACK 03 AUDIO
    INDEX 01 00:11:00
CUE
}
body "FLAC album" album.flac WAVE >"$work/flac.cue"
body "Caf$(printf '\xc3\xa9') album" album.bin BINARY |
  python3 -c 'import sys; sys.stdout.buffer.write(b"\xff\xfe" + sys.stdin.read().encode("utf-16-le"))' \
    >"$work/utf16.cue"

while read -r name cue; do
  state=$work/$name.state
  EMU_CONFIG="blank=cdr capacity=5000 state=$state"
  expect_exit 0 "$name: discwright burn to CD-R" -- emu "$DW" burn "$cue" --drive "$EMU_DEVICE"
  expect_stdout "identical" "$name: the burn's own verify finds the disc identical"
  EMU_CONFIG="state=$state"
  expect_exit 5 "$name: discwright rip /dev/sr0 (audio unconfirmed without a database)" -- \
    emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-$name" --name disc
  same_file "$work/rip-$name/disc.bin" "$work/album.bin" "$name: the ripped bin is the album's bytes"
done <<LIST
flac $work/flac.cue
utf16 $work/utf16.cue
LIST
grep -qF 'TITLE "FLAC album"' "$work/rip-flac/disc.cue" && ok "flac: the CD-TEXT title is on the disc" ||
  bad "flac: cue: $(grep TITLE "$work/rip-flac/disc.cue" | head -2)"
grep -qF "TITLE \"Caf$(printf '\xc3\xa9') album\"" "$work/rip-utf16/disc.cue" &&
  ok "utf16: the title keeps its e-acute through CD-TEXT" ||
  bad "utf16: cue: $(grep TITLE "$work/rip-utf16/disc.cue" | head -2)"

finish
