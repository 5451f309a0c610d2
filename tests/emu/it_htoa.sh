#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The hidden track before track 1 (HTOA) through the emulated drive.
#
# A two-track audio disc of noise is made here, 1200 sectors long, whose
# track 1 has INDEX 00 at LBA 0 and INDEX 01 at LBA 300: a 300-sector hidden
# track that is not silence.  Then:
#   - rip --htoa-file: NAME-htoa.wav is a RIFF/WAVE file (PCM, 16-bit
#     stereo, 44100 Hz; the header read with od, and with soxi and file
#     when installed) of 44 + 300 * 2352 bytes whose data are the first 300
#     sectors of the source bin; the cue keeps INDEX 00 00:00:00 for track
#     1; the log and the report's "htoa" describe it; the same from the
#     image itself (exit 0);
#   - without --htoa-file: no .wav, but the log line and the report still
#     describe the hidden track; a silent one is called silent;
#   - a disc without a hidden track and --htoa-file: no file, the log says
#     so, not an error; --htoa-file --format iso: usage error;
#   - a drive that cannot read LBA 0-10 (faults=unreadable:0-10): the rip
#     finishes (exit 3, no hang) and lists LBA 0-10 as bad, in secure and
#     burst mode; the log says the hidden track has bad sectors.
# Rips from the emulator have no database match (--no-accuraterip): exit 5.
. "$(dirname "$0")/preload_lib.sh"
need_preload

json() { tr -d ' \n' <"$1"; }
# le FILE OFFSET BYTES: the unsigned little-endian number at OFFSET.
le() { od -A n -t "u$3" --endian=little -j "$2" -N "$3" "$1" | tr -d ' '; }

# --- the discs -------------------------------------------------------------
head -c $((1200 * 2352)) /dev/urandom >"$work/h.bin"
cat >"$work/h.cue" <<EOF
FILE "h.bin" BINARY
  TRACK 01 AUDIO
    INDEX 00 00:00:00
    INDEX 01 00:04:00
  TRACK 02 AUDIO
    INDEX 01 00:10:00
EOF
cp "$work/h.bin" "$work/n.bin"
cat >"$work/n.cue" <<EOF
FILE "n.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 01 00:10:00
EOF
{ head -c $((300 * 2352)) /dev/zero; tail -c +$((300 * 2352 + 1)) "$work/h.bin"; } >"$work/s.bin"
sed 's/"h.bin"/"s.bin"/' "$work/h.cue" >"$work/s.cue"
head -c $((300 * 2352)) "$work/h.bin" >"$work/htoa.pcm"
data=$((300 * 2352))

# check_wav WAV WHAT: the header and the data of a 300-sector HTOA file.
check_wav() {
  local wav=$1 what=$2
  if [ ! -f "$wav" ]; then
    bad "$what: no $wav"
    return
  fi
  [ "$(stat -c %s "$wav")" = $((44 + data)) ] && ok "$what: 44 + 300 * 2352 bytes" ||
    bad "$what: $(stat -c %s "$wav") bytes"
  cmp -s <(tail -c +45 "$wav") "$work/htoa.pcm" &&
    ok "$what: its data are the first 300 sectors of the source bin" || bad "$what: data differ"
  local h
  h="$(head -c 4 "$wav")/$(le "$wav" 4 4)/$(bytes_of "$wav" 8 8)/$(le "$wav" 16 4)"
  h="$h/$(le "$wav" 20 2)/$(le "$wav" 22 2)/$(le "$wav" 24 4)/$(le "$wav" 28 4)"
  h="$h/$(le "$wav" 32 2)/$(le "$wav" 34 2)/$(bytes_of "$wav" 36 4)/$(le "$wav" 40 4)"
  [ "$h" = "RIFF/$((36 + data))/WAVEfmt /16/1/2/44100/176400/4/16/data/$data" ] &&
    ok "$what: RIFF/WAVE header: PCM, 2 channels, 44100 Hz, 16 bits, data size" ||
    bad "$what: header $h"
}

# --- --htoa-file from the drive ----------------------------------------------
EMU_CONFIG="medium=$work/h.cue"
out=$work/drive
expect_exit 5 "rip --htoa-file of a disc with a 300-sector hidden track" -- \
  emu timeout 300 "$DW" rip "$EMU_DEVICE" -o "$out" --name d --htoa-file --no-accuraterip
check_wav "$out/d-htoa.wav" "drive"
expect_stdout "  htoa:   $out/d-htoa.wav" "the summary names the .wav"
same_file "$out/d.bin" "$work/h.bin" "the bin still holds the hidden track"
grep -A1 'TRACK 01 AUDIO' "$out/d.cue" | grep -q 'INDEX 00 00:00:00' &&
  grep -q 'INDEX 01 00:04:00' "$out/d.cue" &&
  ok "the cue keeps INDEX 00 00:00:00 and INDEX 01 00:04:00 for track 1" ||
  bad "cue: $(tr '\n' '|' <"$out/d.cue")"
grep -qx 'hidden track (HTOA): LBA 0-299 (300 sectors, 0:04.00, not digital silence), written to d-htoa.wav' \
  "$out/d.log" && ok "the log: LBA range, length, not silence, the file" ||
  bad "log: $(grep -i 'hidden\|htoa' "$out/d.log" | tr '\n' '|')"
grep -q '"htoa":{"first_lba":0,"last_lba":299,"sectors":300,"length":"0:04.00","silent":false,"sectors_bad":0,"file":"'"$out"'/d-htoa.wav"}' \
  <(json "$out/d.json") && grep -q '"htoa":"'"$out"'/d-htoa.wav"' <(json "$out/d.json") &&
  grep -q '"htoa_file":true' <(json "$out/d.json") &&
  ok "the report's htoa, outputs.htoa and options.htoa_file" ||
  bad "report: $(json "$out/d.json" | grep -o '"htoa.\{0,200\}' | tr '\n' '|')"
if have soxi; then
  [ "$(soxi -t "$out/d-htoa.wav")/$(soxi -r "$out/d-htoa.wav")/$(soxi -c "$out/d-htoa.wav")/$(soxi -b "$out/d-htoa.wav")/$(soxi -s "$out/d-htoa.wav")" = \
    "wav/44100/2/16/$((300 * 588))" ] && ok "soxi: wav, 44100 Hz, 2 channels, 16 bits, 176400 samples" ||
    bad "soxi: $(soxi "$out/d-htoa.wav" 2>&1 | tr '\n' '|')"
fi
if have file; then
  file -b "$out/d-htoa.wav" | grep -q 'WAVE audio, Microsoft PCM, 16 bit, stereo 44100 Hz' &&
    ok "file: WAVE audio, Microsoft PCM, 16 bit, stereo 44100 Hz" || bad "file: $(file -b "$out/d-htoa.wav")"
fi

# --- --htoa-file from the image ----------------------------------------------
expect_exit 0 "rip --htoa-file of the image" -- \
  timeout 300 "$DW" -q rip "$work/h.cue" -o "$work/image" --name d --htoa-file --no-accuraterip
check_wav "$work/image/d-htoa.wav" "image"

# --- without --htoa-file: described all the same ----------------------------
expect_exit 5 "rip without --htoa-file" -- \
  emu timeout 300 "$DW" -q rip "$EMU_DEVICE" -o "$work/plain" --name d --no-accuraterip
[ ! -e "$work/plain/d-htoa.wav" ] && ok "no .wav without --htoa-file" || bad "a .wav without --htoa-file"
grep -qx 'hidden track (HTOA): LBA 0-299 (300 sectors, 0:04.00, not digital silence), in the bin as INDEX 00 of track 01' \
  "$work/plain/d.log" && ok "the log still describes the hidden track" ||
  bad "log: $(grep -i 'hidden\|htoa' "$work/plain/d.log" | tr '\n' '|')"
grep -q '"htoa":{"first_lba":0,"last_lba":299,"sectors":300,"length":"0:04.00","silent":false,"sectors_bad":0,"file":null}' \
  <(json "$work/plain/d.json") && ok "the report's htoa without a file" ||
  bad "report: $(json "$work/plain/d.json" | grep -o '"htoa.\{0,200\}')"
expect_exit 0 "rip of an image whose hidden track is silence" -- \
  timeout 300 "$DW" -q rip "$work/s.cue" -o "$work/silent" --name d --htoa-file --no-accuraterip
grep -qx 'hidden track (HTOA): LBA 0-299 (300 sectors, 0:04.00, all digital silence), written to d-htoa.wav' \
  "$work/silent/d.log" && grep -q '"silent":true' <(json "$work/silent/d.json") &&
  ok "a silent hidden track is called silent (log and report)" ||
  bad "silent: $(grep -i 'hidden' "$work/silent/d.log" | tr '\n' '|')"

# --- no hidden track; ISO ---------------------------------------------------
EMU_CONFIG="medium=$work/n.cue"
expect_exit 5 "rip --htoa-file of a disc without a hidden track" -- \
  emu timeout 300 "$DW" -q rip "$EMU_DEVICE" -o "$work/none" --name d --htoa-file --no-accuraterip
ls "$work/none/"*.wav* >/dev/null 2>&1 && bad "a .wav was written: $(ls "$work/none")" ||
  ok "no hidden track: no .wav (nor .part)"
grep -qx 'no hidden track before track 1: nothing written' "$work/none/d.log" &&
  ok "the log says there is no hidden track" || bad "log: $(grep -i 'hidden\|htoa' "$work/none/d.log" | tr '\n' '|')"
grep -q '"htoa":null' <(json "$work/none/d.json") && ! grep -q '"outputs":{[^}]*"htoa"' <(json "$work/none/d.json") &&
  ok "the report's htoa is null, no output named" || bad "report: $(json "$work/none/d.json" | grep -o '"htoa.\{0,80\}')"
EMU_CONFIG="medium=$work/h.cue"
expect_exit 2 "--htoa-file --format iso is a usage error" -- \
  emu "$DW" rip "$EMU_DEVICE" -o "$work/iso" --htoa-file --format iso
expect_stderr "--htoa-file work on BIN/CUE rips" "the message names --htoa-file"

# --- a drive that cannot read the hidden track ------------------------------
# The sectors after LBA 10 equal the source bin; the .wav is what the bin holds.
EMU_CONFIG="medium=$work/h.cue faults=unreadable:0-10"
for mode in secure burst; do
  out=$work/bad-$mode
  expect_exit 3 "$mode: LBA 0-10 unreadable: the rip finishes with bad sectors" -- \
    emu timeout 300 "$DW" -q rip "$EMU_DEVICE" -o "$out" --name d --mode "$mode" --htoa-file \
    --no-accuraterip --retries 2
  grep -q '^bad: LBA 0-10 (11 sectors): ' "$out/d.log" && [ "$(grep -c '^bad:' "$out/d.log")" = 1 ] &&
    ok "$mode: LBA 0-10 listed as bad, nothing else" || bad "$mode: $(grep '^bad' "$out/d.log" | tr '\n' '|')"
  grep -q "^warning: 11 of the hidden track's 300 sectors stayed bad: the drive could not read them" "$out/d.log" &&
    grep -q '"sectors_bad":11,"file":"' <(json "$out/d.json") &&
    ok "$mode: the log and the report say the hidden track has 11 bad sectors" ||
    bad "$mode: $(grep -i 'hidden' "$out/d.log" | tr '\n' '|')"
  cmp -s <(tail -c +$((11 * 2352 + 1)) "$out/d.bin") <(tail -c +$((11 * 2352 + 1)) "$work/h.bin") &&
    cmp -s <(tail -c +45 "$out/d-htoa.wav") <(head -c "$data" "$out/d.bin") &&
    ok "$mode: the rest equals the source; the .wav holds the bin's first 300 sectors" ||
    bad "$mode: bytes differ"
done
# paranoia mode: read errors never reach libcdio-paranoia (its skip path
# overran its buffer on an unreadable LBA 0: a crash); the sectors are
# listed bad, with the two after them that paranoia may have patched.
out=$work/bad-paranoia
expect_exit 3 "paranoia: LBA 0-10 unreadable: the rip finishes with bad sectors" -- \
  emu timeout 300 "$DW" -q rip "$EMU_DEVICE" -o "$out" --name d --mode paranoia --htoa-file \
  --no-accuraterip --retries 2
grep -q '^bad: LBA 0-10 (11 sectors): unreadable' "$out/d.log" &&
  grep -q '^bad: LBA 11-12 (2 sectors): next to unreadable sectors' "$out/d.log" &&
  ok "paranoia: LBA 0-10 listed as unreadable, 11-12 as their edge" || bad "paranoia: $(grep '^bad' "$out/d.log" | tr '\n' '|')"
cmp -s <(tail -c +$((11 * 2352 + 1)) "$out/d.bin") <(tail -c +$((11 * 2352 + 1)) "$work/h.bin") &&
  ok "paranoia: every sector after LBA 10 equals the source" || bad "paranoia: bytes after LBA 10 differ"
finish
