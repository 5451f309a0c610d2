#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Cue sheets whose FILE lines name FLAC, AIFF or WAVE files of any common
# header layout (src/image/audiofile.c through libsndfile): the image
# drive serves their decoded PCM as audio sectors, so `rip` of such a cue
# gives the same bin bytes as the raw original and `info` shows the same
# layout.  Files that are not Red Book audio are refused, saying why.
# The FLAC album is made by `flac` itself; the WAVE and AIFF layouts by
# hand (python3), byte by byte, so that each layout is certain.
. "$(dirname "$0")/lib.sh"
sample=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$sample/sample-extra.cue" ] || skip_all "$sample not built"
need_tool flac
need_tool python3

SECTOR=2352
AUDIO_SECTORS=825 # sample-extra's session 1: tracks 1-3
d=$work/album
mkdir -p "$d"
bytes_of "$sample/sample-extra.bin" 0 $((AUDIO_SECTORS * SECTOR)) >"$d/audio.raw"

# album_cue FILE TYPE > cue: sample-extra's session 1 with one FILE line.
album_cue() {
  sed -n '/REM SESSION 02/q;p' "$sample/sample-extra.cue" |
    sed -e "s|^FILE .*|FILE \"$1\" $2|" -e '/REM SESSION 01/d'
}

# rip_equals CUE WHAT: rip the cue and compare the bin with audio.raw.
rip_equals() {
  local out=$work/rip-$(basename "$1" .cue)
  expect_exit 0 "rip of $2" -- "$DW" -q rip "$1" -o "$out" --name r --mode burst
  same_file "$out/r.bin" "$d/audio.raw" "  the bin is the original's audio bytes"
}

# --- FLAC, made with flac from the raw audio.
flac -s --force-raw-format --endian=little --sign=signed --channels=2 --bps=16 \
  --sample-rate=44100 -o "$d/album.flac" "$d/audio.raw" && ok "flac encoded the album" ||
  bad "flac failed"
album_cue album.flac WAVE >"$d/flac.cue"
rip_equals "$d/flac.cue" "a cue naming a FLAC file as WAVE (EAC's way)"
album_cue album.flac FLAC >"$d/flac2.cue"
rip_equals "$d/flac2.cue" "a cue naming it FLAC"
expect_exit 0 "info of the FLAC cue" -- "$DW" info "$d/flac.cue"
expect_stdout "lead-out                                         00:13:00     825" \
  "  shows the original's lead-out"
# Per-track FLAC files (gaps appended, as rip --format flac writes them)
# read back to the same bin.
expect_exit 0 "rip --format flac of the album" -- \
  "$DW" -q rip "$d/flac.cue" -o "$work/tracks" --name t --mode burst --format flac
rip_equals "$work/tracks/t.cue" "the per-track FLAC files and their cue"

# --- WAVE and AIFF layouts written by hand.
python3 - "$d" <<'PY'
import struct, sys
d = sys.argv[1]
pcm = open(d + "/audio.raw", "rb").read()
def chunk(tag, body):
    return tag + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b"")
def wave(fmt_tag, extensible, rate=44100, chans=2, bits=16, data=pcm):
    block = chans * bits // 8
    fmt = struct.pack("<HHIIHH", fmt_tag, chans, rate, rate * block, block, bits)
    if extensible:  # cbSize 22, valid bits, channel mask, KSDATAFORMAT_SUBTYPE_PCM
        fmt += struct.pack("<HHI", 22, bits, 3) + bytes.fromhex("0100000000001000800000aa00389b71")
    body = b"WAVE" + chunk(b"fmt ", fmt)
    body += chunk(b"LIST", b"INFOINAM" + struct.pack("<I", 5) + b"odd!\0")  # odd, padded
    body += chunk(b"junk", b"xyz")                                          # odd size 3
    body += chunk(b"data", data)
    return b"RIFF" + struct.pack("<I", len(body)) + body
open(d + "/ext.wav", "wb").write(wave(0xFFFE, True))
open(d + "/rate.wav", "wb").write(wave(1, False, rate=48000))
open(d + "/mono.wav", "wb").write(wave(1, False, chans=1))
def ieee_ext(rate):  # 80-bit extended float for AIFF's COMM chunk
    import math
    m, e = math.frexp(rate)
    return struct.pack(">HQ", 16383 + e - 1, int(m * (1 << 64)))
def aiff(aifc, little):
    frames = len(pcm) // 4
    data = pcm if little else b"".join(
        struct.pack(">h", s) for (s,) in struct.iter_unpack("<h", pcm))
    comm = struct.pack(">hIh", 2, frames, 16) + ieee_ext(44100)
    if aifc:
        comm += (b"sowt" if little else b"NONE") + b"\x00"  # empty pstring + pad
    def ch(tag, body):
        return tag + struct.pack(">I", len(body)) + body + (b"\0" if len(body) & 1 else b"")
    body = (b"AIFC" if aifc else b"AIFF")
    if aifc:
        body += ch(b"FVER", struct.pack(">I", 0xA2805140))
    body += ch(b"COMM", comm) + ch(b"SSND", struct.pack(">II", 0, 0) + data)
    return b"FORM" + struct.pack(">I", len(body)) + body
open(d + "/be.aiff", "wb").write(aiff(False, False))
open(d + "/sowt.aifc", "wb").write(aiff(True, True))
PY
album_cue ext.wav WAVE >"$d/ext.cue"
rip_equals "$d/ext.cue" "WAVE_FORMAT_EXTENSIBLE with LIST and odd chunks before the data"
album_cue be.aiff AIFF >"$d/aiff.cue"
rip_equals "$d/aiff.cue" "AIFF (big-endian samples)"
album_cue sowt.aifc AIFF >"$d/aifc.cue"
rip_equals "$d/aifc.cue" "AIFF-C 'sowt' (little-endian samples)"

# --- Refusals.
album_cue rate.wav WAVE >"$d/rate.cue"
expect_exit 1 "a 48 kHz WAVE" -- "$DW" -q info "$d/rate.cue"
expect_stderr "48000 Hz" "  refused, naming its rate"
expect_stderr "44100 Hz" "  and what a CD holds"
album_cue mono.wav WAVE >"$d/mono.cue"
expect_exit 1 "a mono WAVE" -- "$DW" -q info "$d/mono.cue"
expect_stderr "1 channel " "  refused, naming its channels"
printf 'not audio at all' >"$d/text.flac"
album_cue text.flac FLAC >"$d/text.cue"
expect_exit 1 "a FLAC line naming a text file" -- "$DW" -q info "$d/text.cue"
expect_stderr "is not an audio file libsndfile reads" "  refused"
album_cue album.flac MP3 >"$d/mp3.cue"
expect_exit 1 "FILE ... MP3" -- "$DW" -q info "$d/mp3.cue"
expect_stderr "lossy audio is no CD image" "  refused, saying why"
# A FLAC file cut short: its header promises more than it holds.  The
# image drive reports the sectors past the damage as unreadable, as a
# drive does for a scratched disc: the rip ends with exit 3 (bad sectors
# listed), never a silently complete bin.
head -c $(($(stat -c %s "$d/album.flac") / 2)) "$d/album.flac" >"$d/cut.flac"
album_cue cut.flac WAVE >"$d/cut.cue"
expect_exit 3 "a truncated FLAC" -- "$DW" -q rip "$d/cut.cue" -o "$work/cut" --name c --mode burst
expect_stderr "sectors stayed bad" "  its undecodable sectors are bad sectors"
grep -q "stays bad" "$work/cut/c.log" && ok "  the log lists them" || bad "  the log lacks them"

finish
