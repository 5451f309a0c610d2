# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Shared helpers of the benchmarks (tests/bench/bench_*.sh): the generated
# images and the ratio.  Sourced; nothing runs on its own.

# bench_audio_image DIR NAME SECTORS: DIR/NAME.bin, SECTORS sectors of
# random PCM, and DIR/NAME.cue, one audio track over it.  Random, not a
# repeated tone: libcdio-paranoia (ours and cd-paranoia alike) misplaces
# periodic audio on a clean image.
bench_audio_image() {
  head -c $(($3 * 2352)) /dev/urandom >"$1/$2.bin"
  printf 'FILE "%s.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n' "$2" >"$1/$2.cue"
}

# bench_data_image DISCWRIGHT DIR NAME SECTORS: DIR/NAME.bin and DIR/NAME.cue,
# a Mode 1 track of SECTORS sectors of random user data, made by ripping
# DIR/NAME-user.iso (kept; random bytes, no volume descriptor: --raw) to
# BIN/CUE so that every sector gets a real EDC/ECC.
bench_data_image() {
  head -c $(($4 * 2048)) /dev/urandom >"$2/$3-user.iso"
  "$1" -q rip --raw "$2/$3-user.iso" -o "$2" --name "$3" >/dev/null
}

# ratio A B: A / B with two decimals (B of 0, below the clock's resolution,
# counts as 5 ms).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 0.005; printf "%.2f", a / b }'; }
