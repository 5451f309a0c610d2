#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# rip --format flac / wav (src/rip/audio_out.c): one file per audio track
# and a cue sheet in EAC's gaps-appended layout.  Peer tools read what we
# wrote: `flac -d` (and sox for WAV) decode the files, whose bytes,
# concatenated, are the bin's audio bytes exactly; `metaflac --list` shows
# the tags and the CUESHEET block.  Names from CD-TEXT are data: no '/'
# and no control character reach a file name.  Nothing of the bin stays.
. "$(dirname "$0")/lib.sh"
sample=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$sample/sample.cue" ] || skip_all "$sample not built"
need_tool flac
need_tool metaflac

SECTOR=2352

# decode_flacs DIR > raw: every .flac of DIR in name order, as raw
# 16-bit little-endian signed stereo.
decode_flacs() {
  local f
  for f in "$1"/*.flac; do
    flac -s -d --force-raw-format --endian=little --sign=signed -c "$f" || return 1
  done
}

# --- sample-extra.cue: 3 audio tracks (track 2 has INDEX 00 and 02), a
# data track in session 2; the audio ends at 00:11:00 = 825 sectors.
o=$work/flac
expect_exit 0 "rip --format flac of the CD-Extra sample" -- \
  "$DW" rip "$sample/sample-extra.cue" -o "$o" --mode burst --format flac
expect_stderr "track 04 is a data track and is not in the FLAC files" \
  "  the data track is named as left out"
for n in "01 - A above middle C" "02 - E above A" "03 - Sweep"; do
  [ -f "$o/$n.flac" ] && ok "  '$n.flac' written" || bad "  no '$n.flac': $(ls "$o")"
done
decode_flacs "$o" >"$work/extra.raw" && ok "  flac -d decodes every file" || bad "  flac -d failed"
bytes_of "$sample/sample-extra.bin" 0 $((825 * SECTOR)) >"$work/extra-audio.raw"
same_file "$work/extra.raw" "$work/extra-audio.raw" \
  "  the decoded files, concatenated, are the bin's audio bytes"
# Gaps appended: track 1's file runs to track 2's INDEX 01 (00:06:00).
n1=$(flac -s -d --force-raw-format --endian=little --sign=signed -c "$o/01 - A above middle C.flac" | wc -c)
[ "$n1" -eq $((450 * SECTOR)) ] && ok "  track 1's file holds track 2's pregap (450 sectors)" ||
  bad "  track 1's file is $n1 bytes"
[ ! -e "$o/sample-extra.bin" ] && [ -z "$(ls "$o" | grep -E '\.(part|map|lock)$')" ] &&
  ok "  no bin, map, lock or .part left" || bad "  left: $(ls "$o")"

m=$(metaflac --list "$o/02 - E above A.flac")
for t in "TITLE=E above A" "ARTIST=discwright" "ALBUM=discwright sample disc" "TRACKNUMBER=2" \
  "TRACKTOTAL=3" "ISRC=XXDWS2300002" "CATALOGNUMBER=0000000000017" \
  "ACCURATERIPDISCID=003-000034de-0000cd52-1800a504" "ACCURATERIPCRC="; do
  grep -qF "$t" <<<"$m" && ok "  metaflac: $t" || bad "  metaflac lacks $t"
done
grep -q "type: 5 (CUESHEET)" <<<"$m" && ok "  metaflac: a CUESHEET block" || bad "  no CUESHEET block"
# Track 2's INDEX 02 is a second into its file: 44100 samples.
grep -A200 CUESHEET <<<"$m" | tr -d ' ' | grep -q "offset:44100" &&
  ok "  the CUESHEET has INDEX 02 at 44100 samples" || bad "  CUESHEET: $(grep -A40 CUESHEET <<<"$m")"
# The CUESHEET of track 1's file carries track 2's INDEX 00 (00:04:00 = 176400 samples).
metaflac --list --block-type=CUESHEET "$o/01 - A above middle C.flac" | tr -d ' ' |
  grep -q "offset:176400" && ok "  track 1's CUESHEET has track 2's INDEX 00" ||
  bad "  track 1's CUESHEET lacks track 2's INDEX 00"
md5=$(metaflac --show-md5sum "$o/03 - Sweep.flac")
[ -n "$md5" ] && [ "$md5" != 00000000000000000000000000000000 ] &&
  ok "  STREAMINFO has the MD5 of the audio" || bad "  no MD5 in STREAMINFO"

# The log's MusicBrainz submission URL (libdiscid): the audio session's
# three tracks and its lead-out.
grep -q "^MusicBrainz submission: https\?://musicbrainz.org/cdtoc/attach?id=[A-Za-z0-9._-]*&tracks=3&toc=1+3+" \
  "$o/sample-extra.log" && ok "  the log has the MusicBrainz submission URL" ||
  bad "  log: $(grep -i musicbrainz "$o/sample-extra.log")"

cue=$o/sample-extra.cue
grep -qF 'FILE "01 - A above middle C.flac" WAVE' "$cue" && ok "  the cue names the track files" ||
  bad "  cue: $(cat "$cue")"
# EAC gaps-appended: TRACK 02 and its INDEX 00 before the FILE of track 2.
awk '/TRACK 02/{t=NR} /INDEX 00 00:04:00/{i=NR} /FILE "02 - E above A.flac"/{f=NR}
     END{exit !(t && i && f && t < i && i < f)}' "$cue" &&
  ok "  track 2's INDEX 00 lies in track 1's file" || bad "  cue layout: $(cat "$cue")"
grep -qF "INDEX 02 00:01:00" "$cue" && ok "  INDEX 02 relative to track 2's file" ||
  bad "  no INDEX 02 00:01:00"
python3 - "$o/sample-extra.json" <<'PY' && ok "  the report lists the cue and the per-track files, no image" ||
import json, sys
r = json.load(open(sys.argv[1]))
files = [t.get("file", "") for t in r["tracks"] if t["number"] <= 3]
sys.exit(not ("cue" in r["outputs"] and "image" not in r["outputs"] and
              all(f.endswith(".flac") for f in files) and len(files) == 3))
PY
  bad "  report: outputs $(grep -A6 '"outputs"' "$o/sample-extra.json")"

# --- WAV, a --name pattern, data in track 1 (sample.cue): the audio runs
# from track 2's INDEX 01 (00:04:34 = 334) to the end (1009 sectors).
w=$work/wav
expect_exit 0 "rip --format wav --name '%a - %n %t' of the mixed-mode sample" -- \
  "$DW" -q rip "$sample/sample.cue" -o "$w" --mode burst --format wav --name '%a - %n %t'
for n in "discwright - 02 A above middle C" "discwright - 03 E above A" "discwright - 04 Sweep"; do
  [ -f "$w/$n.wav" ] && ok "  '$n.wav' written" || bad "  no '$n.wav': $(ls "$w")"
done
[ -f "$w/sample.cue" ] && [ -f "$w/sample.log" ] && ok "  the set is named after the source" ||
  bad "  set: $(ls "$w")"
grep -qF "PREGAP 00:02:00" "$w/sample.cue" &&
  ok "  track 2's pregap after the data track is a PREGAP" || bad "  cue: $(cat "$w/sample.cue")"
if have sox; then
  for f in "$w"/*.wav; do sox "$f" -t raw -e signed -b 16 -L -; done >"$work/wav.raw"
  bytes_of "$sample/sample.bin" $((334 * SECTOR)) $(((1009 - 334) * SECTOR)) >"$work/wav-audio.raw"
  same_file "$work/wav.raw" "$work/wav-audio.raw" "  sox decodes the WAVs to the bin's audio bytes"
  [ "$(soxi -r "$w/discwright - 03 E above A.wav")" = 44100 ] && ok "  44.1 kHz" || bad "  rate"
fi

# --- The hidden track (libcdio-paranoia's fixture: INDEX 00 at 0, audio
# that is not silence): file 00 and INDEX 00 of track 1 in the cue.
P=$FIX/libcdio-paranoia/test/data
if have_file "$P/hidden-track.cue"; then
  h=$work/htoa
  expect_exit 0 "rip --format flac of a disc with a hidden track" -- \
    "$DW" -q rip "$P/hidden-track.cue" -o "$h" --mode burst --format flac
  [ -f "$h/00 - Hidden Track.flac" ] && ok "  the hidden track is file 00" || bad "  files: $(ls "$h")"
  awk '/FILE "00 - Hidden Track.flac"/{f=NR} /INDEX 00 00:00:00/{i=NR} /FILE "01 - Track 01.flac"/{g=NR}
       END{exit !(f && i && g && f < i && i < g)}' "$h/hidden-track.cue" &&
    ok "  the cue has it as track 1's INDEX 00" || bad "  cue: $(cat "$h/hidden-track.cue")"
  decode_flacs "$h" >"$work/htoa.raw"
  # The bin the rip read is the fixture's (the bin's size: what it holds).
  cmp -s "$work/htoa.raw" <(head -c "$(stat -c %s "$work/htoa.raw")" "$P/hidden-track.bin") &&
    ok "  files 00 + 01 decode to the image's bytes from LBA 0" ||
    bad "  the hidden track's files differ from the image"
fi

# --- Text from the disc is data: a title with '/' and a control
# character, an album title starting with '.'.
t=$work/text
mkdir -p "$t/in"
cp "$sample/sample-extra.bin" "$t/in/"
sed -e 's|TITLE "A above middle C"|TITLE "../up/and\x01out"|' \
  -e 's|^TITLE "discwright sample disc"|TITLE ".hidden"|' "$sample/sample-extra.cue" >"$t/in/x.cue"
sed -i 's|FILE "sample-extra.bin"|FILE "sample-extra.bin"|' "$t/in/x.cue"
expect_exit 0 "a title with '/' and a control character" -- \
  "$DW" -q rip "$t/in/x.cue" -o "$t/out" --mode burst --format flac --name '%A %n %t'
[ -f "$t/out/_hidden 01 .._up_and_out.flac" ] && ok "  becomes '_hidden 01 .._up_and_out.flac'" ||
  bad "  files: $(ls "$t/out")"
expect_exit 0 "a --name pattern with a double quote" -- \
  "$DW" -q rip "$t/in/x.cue" -o "$t/quote" --mode burst --format flac --name '%n "%t"'
[ -f "$t/quote/02 'E above A'.flac" ] &&
  grep -qF "FILE \"02 'E above A'.flac\" WAVE" "$t/quote/x.cue" &&
  ok "  '\"' becomes \"'\" in the file name and the cue names that file" ||
  bad "  files: $(ls "$t/quote"); cue: $(grep FILE "$t/quote/x.cue")"
metaflac --export-tags-to=- "$t/out/_hidden 01 .._up_and_out.flac" | grep -qxF 'TITLE=../up/and\x01out' &&
  ok "  the control character is escaped in the TITLE tag" ||
  bad "  tags: $(metaflac --export-tags-to=- "$t/out/_hidden 01 .._up_and_out.flac" | cat -v)"
[ -z "$(find "$work" -name 'out.flac' -o -name 'up' -type d)" ] && ok "  nothing written elsewhere" ||
  bad "  escaped: $(find "$work" -name 'out.flac' -o -name 'up')"

# --- Refusals: an unknown %-code; track files that exist (an earlier
# rip) without --overwrite; two tracks with one name; --toc with flac.
expect_exit 1 "--name with an unknown %-code" -- \
  "$DW" -q rip "$sample/sample-extra.cue" -o "$work/bad" --format flac --name '%x'
expect_stderr "unknown %-code" "  the message says which codes exist"
before=$(md5sum "$o/01 - A above middle C.flac")
expect_exit 1 "a second rip over the same track files" -- \
  "$DW" -q rip "$sample/sample-extra.cue" -o "$o" --format flac --name other --mode burst
expect_stderr "already exists: add --overwrite" "  refused, naming the file"
[ "$(md5sum "$o/01 - A above middle C.flac")" = "$before" ] && ok "  the earlier file is untouched" ||
  bad "  the earlier file changed"
expect_exit 0 "the same with --overwrite" -- \
  "$DW" -q rip "$sample/sample-extra.cue" -o "$o" --format flac --name other --mode burst --overwrite
expect_exit 1 "a pattern that gives two tracks one name" -- \
  "$DW" -q rip "$sample/sample-extra.cue" -o "$work/same" --format wav --name '%A'
expect_stderr "put %n in --name" "  refused"
expect_exit 1 "--toc with --format flac" -- \
  "$DW" -q rip "$sample/sample-extra.cue" -o "$work/toc" --format flac --toc
expect_stderr "--format bincue" "  refused, saying what to use"
[ -z "$(ls "$work/toc" 2>/dev/null | grep -v '\.log\.part$')" ] && ok "  no output but the failed log" ||
  bad "  wrote: $(ls "$work/toc")"

# --- A full disk while a track file is written: nothing that looks
# complete, the bin's .part and the map stay, and --resume finishes the set
# from them.
f=$work/full
mkdir -p "$f"
ln -s /dev/full "$f/02 - E above A.flac.part"
expect_exit 1 "the disk fills while track 2's FLAC is written" -- \
  "$DW" -q rip "$sample/sample-extra.cue" -o "$f" --mode burst --format flac
expect_stderr "No space left on device" "  the message says the disk is full"
[ -z "$(ls "$f" | grep -v -e '\.part$' -e '\.map$')" ] && [ -e "$f/sample-extra.bin.part" ] &&
  ok "  only .part files and the map are left" || bad "  left: $(ls "$f")"
expect_exit 0 "--resume finishes it" -- \
  "$DW" -q rip "$sample/sample-extra.cue" -o "$f" --mode burst --format flac --resume
grep -q "^resuming from" "$f/sample-extra.log" && ok "  from the kept sectors" || bad "  no resume line"
decode_flacs "$f" >"$work/full.raw"
same_file "$work/full.raw" "$work/extra-audio.raw" "  the files decode to the bin's audio bytes"
[ -z "$(ls "$f" | grep -e '\.part$' -e '\.map$' -e '\.bin$')" ] && ok "  no bin, map or .part left" ||
  bad "  left: $(ls "$f")"

finish
