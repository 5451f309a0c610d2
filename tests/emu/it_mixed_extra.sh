#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The two sample discs dw-mksample builds (build/sample), each a clean disc
# whose every data sector passes EDC/ECC with the header of its LBA, through
# the emulated drive: sample.cue (mixed mode: Mode 1 track 1, three audio
# tracks) and sample-extra.cue (CD-Extra: the audio in session 1, the data
# track in session 2).  `info` on the drive shows the image's layout; a
# default rip (secure, Q sub-channel scan) gives the source bin back byte for
# byte and a cue with its pregaps, INDEX 02, ISRCs, MCN, FLAGS, CD-TEXT and
# sessions; `verify` agrees; `--format iso` gives the sample ISO.
. "$(dirname "$0")/preload_lib.sh"
need_preload

S=${DW_BUILD:?DW_BUILD not set}/sample
for f in sample.cue sample.bin sample.iso sample-extra.cue sample-extra.bin; do
  [ -f "$S/$f" ] || { bad "$S/$f is missing (dw-mksample builds it with the project)"; exit 1; }
done
# Nothing cached from other tests may confirm the audio (exit 5 wanted).
export XDG_CACHE_HOME=$work/cache

# The layout in 'discwright info' output without what only a Q sub-channel
# scan finds (info makes none, docs/discwright-info.md): per track its
# number, session, mode, flags, INDEX 01 and ISRC; then the lead-out, the
# session lines, MCN and CD-TEXT; INDEX 02.. lines left out.
layout_of() {
  awk '/^sessions:/ { print; next }
       /^  track / { on = 1; next }
       !on { next }
       $1 ~ /^[0-9]+$/ {
         mode = $3; f = 4
         if ($4 == "XA") { mode = mode " XA"; f = 5 }
         start = ""
         for (i = NF; i > f; i--) if ($i ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/) { start = $(i + 1); break }
         print "track " $1 " session " $2 " " mode " flags " $f " start " start " isrc " $NF
         next }
       $1 == "INDEX" { next }
       { print }' "$1"
}

# A cue without the lines a rip writes its own way (REM COMMENT, FILE).
cue_body() { grep -v -e '^REM COMMENT ' -e '^FILE ' "$1"; }

# has_line FILE LINE WHAT: FILE has LINE (leading blanks ignored).
has_line() {
  if sed 's/^ *//' "$1" | grep -qxF -- "$2"; then ok "$3"; else bad "$3: no '$2' in $1"; fi
}

while read -r name cue bin sessions; do
  EMU_CONFIG="medium=$S/$cue"
  out=$work/$name

  # ---- the source image is what it should be ----
  "$DW" info "$S/$cue" >"$work/img.txt" 2>&1
  grep -q "^sessions: $sessions   tracks: 4" "$work/img.txt" && ok "$name: $cue has $sessions session(s), 4 tracks" \
    || bad "$name: $cue: $(grep '^sessions' "$work/img.txt")"
  for l in 'CATALOG 0000000000017' 'TITLE "discwright sample disc"' 'PERFORMER "discwright"' \
    'ISRC XXDWS2300001' 'ISRC XXDWS2300002' 'FLAGS DCP' 'FLAGS PRE' 'TITLE "Data"' 'TITLE "Sweep"'; do
    has_line "$S/$cue" "$l" "$name: $cue has $l"
  done
  # INDEX 00 and 02 in the audio (track 2 in both discs), REM SESSION.
  awk '/TRACK 02 AUDIO/ { t = 1; next } /TRACK/ { t = 0 } t && /INDEX 00 / { z = 1 } END { exit !z }' "$S/$cue" \
    && ok "$name: $cue: track 2 has an INDEX 00 pregap" || bad "$name: $cue: track 2 has no INDEX 00"
  grep -q '^    INDEX 02 ' "$S/$cue" && ok "$name: $cue has an INDEX 02" || bad "$name: $cue has no INDEX 02"
  if [ "$sessions" = 2 ]; then
    [ "$(grep -c '^  REM SESSION 0[12]$' "$S/$cue")" = 2 ] && ok "$name: $cue has REM SESSION 01 and 02" \
      || bad "$name: $cue: $(grep -c 'REM SESSION' "$S/$cue") REM SESSION lines"
  fi
  expect_exit 0 "$name: rip of the image itself" -- "$DW" -q rip "$S/$cue" -o "$out-img" --name d --offline
  grep -qE '^sectors read: [0-9]+ +re-read: 0 +bad: 0$' "$out-img/d.log" && ! grep -q '^bad:' "$out-img/d.log" \
    && ok "$name: every sector of the image reads good (data: EDC, ECC, header = LBA)" \
    || bad "$name: the image has bad sectors: $(grep -e '^sectors read' -e '^bad' "$out-img/d.log" | head -5)"

  # ---- info: the device shows the image's layout ----
  expect_exit 0 "$name: discwright info /dev/sr0" -- emu "$DW" info "$EMU_DEVICE"
  cp "$work/out.txt" "$work/dev.txt"
  same_text <(layout_of "$work/img.txt") <(layout_of "$work/dev.txt") \
    "$name: device layout (sessions, tracks, modes, flags, starts, ISRC, MCN, CD-TEXT) equals the image's"

  # ---- rip: default secure mode, Q sub-channel scan ----
  expect_exit 5 "$name: rip /dev/sr0 (no bad sectors, audio unconfirmed offline)" -- \
    emu "$DW" -q rip "$EMU_DEVICE" -o "$out" --name d --offline
  same_file "$out/d.bin" "$S/$bin" "$name: the ripped bin equals $bin byte for byte"
  same_text <(cue_body "$S/$cue") <(cue_body "$out/d.cue") \
    "$name: the ripped cue equals $cue (but REM COMMENT and FILE)"
  "$DW" info "$S/$cue" 2>&1 | toc_of /dev/stdin >"$work/toc-src.txt"
  "$DW" info "$out/d.cue" 2>&1 | toc_of /dev/stdin >"$work/toc-rip.txt"
  same_text "$work/toc-src.txt" "$work/toc-rip.txt" \
    "$name: info of the ripped cue equals info of $cue (pregaps, indexes, sessions, ISRC, MCN, CD-TEXT)"
  if [ -s "$out/d.cdt" ] && [ $(($(stat -c %s "$out/d.cdt") % 18)) = 0 ]; then
    ok "$name: d.cdt holds CD-TEXT packs"
  else bad "$name: d.cdt is missing or not whole 18-byte packs"; fi
  grep -qE '^sectors read: [0-9]+ +re-read: 0 +bad: 0$' "$out/d.log" && ! grep -q '^bad:' "$out/d.log" \
    && ok "$name: the log says 0 bad" \
    || bad "$name: the log: $(grep -e '^sectors read' -e '^bad' "$out/d.log" | head -5)"
  grep -q '^  track 02: pregap INDEX 00 at LBA ' "$out/d.log" && ok "$name: the Q scan found track 2's pregap" \
    || bad "$name: the log has no pregap for track 2: $(grep 'track 02' "$out/d.log" | head -3)"
  expect_exit 0 "$name: verify /dev/sr0 against $cue" -- emu "$DW" -q verify "$EMU_DEVICE" "$S/$cue"

  # ---- --format iso: the data track's ISO ----
  expect_exit 0 "$name: rip /dev/sr0 --format iso" -- \
    emu "$DW" -q rip "$EMU_DEVICE" -o "$out-iso" --name d --offline --format iso
  same_file "$out-iso/d.iso" "$S/sample.iso" "$name: the ripped ISO equals sample.iso"
done <<LIST
mixed sample.cue sample.bin 1
extra sample-extra.cue sample-extra.bin 2
LIST
finish
