#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Side-by-side benchmarks on the same input in one run, reported as ratios
# (never as pass/fail thresholds).  Usage: tests/bench/bench_rip.sh BUILD_DIR [MINUTES]
#
#   audio rip, burst:     discwright rip --mode burst     vs  cat (raw copy)
#   audio rip, paranoia:  discwright rip --mode paranoia  vs  cd-paranoia -r 1-
#   data rip (EDC+ECC):   discwright rip (Mode 1 track)   vs  cat
#   verify (compare):     discwright verify               vs  cmp
#   hashing:              the rip's CRC-32+MD5+SHA-1+SHA-256 chain  vs  md5sum
# and the peak memory (max RSS) of each discwright run, to show it does not
# grow with the disc.  Images are generated here (random PCM; random user
# data in Mode 1 sectors).
set -euo pipefail
. "$(dirname "$0")/bench_lib.sh"
[ -x /usr/bin/time ] || { echo "bench: needs GNU time: apt-get install time" >&2; exit 1; }
build=${1:?usage: bench_rip.sh BUILD_DIR [MINUTES]}
minutes=${2:-20}
dw="$build/discwright"
work=$(mktemp -d /tmp/dw-bench.XXXXXX)
trap '[ -n "${DW_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
sectors=$((minutes * 60 * 75))

# time_of CMD... : prints "seconds maxrss_kb" of one run
time_of() {
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; cat "$work/t" >&2; exit 1; }
  cat "$work/t"
}
row() { # label ours_s ours_kb peer peer_s
  printf "%-34s %8.2f s %8d KiB   %-14s %8.2f s   ratio %s\n" "$1" "$2" "$3" "$4" "$5" "$(ratio "$2" "$5")"
}

echo "generating a $minutes-minute audio image ($sectors sectors) and a data image..."
# Audio: random PCM (-c below tells cd-paranoia the byte order, which it
# would otherwise guess from the noise); data: a Mode 1 track of the same
# length with real EDC/ECC (bench_lib.sh).
bench_audio_image "$work" audio "$sectors"
bench_data_image "$dw" "$work" data "$sectors"

echo
printf "%-34s %10s %12s   %-14s %10s\n" "job (discwright)" "time" "max RSS" "peer" "peer time"
read -r s kb < <(time_of "$dw" -q rip "$work/audio.cue" -o "$work/o1" --mode burst --name a)
read -r ps _ < <(time_of sh -c "cat '$work/audio.bin' > '$work/cat.bin'")
row "audio rip, burst" "$s" "$kb" "cat" "$ps"

read -r s kb < <(time_of "$dw" -q rip "$work/audio.cue" -o "$work/o2" --mode paranoia --name a)
read -r ps _ < <(time_of sh -c "cd '$work' && cd-paranoia -c -d audio.cue -r -q 1- cdp.raw")
row "audio rip, paranoia" "$s" "$kb" "cd-paranoia" "$ps"
cmp -s "$work/o2/a.bin" "$work/cdp.raw" && echo "  (both paranoia outputs are identical)"

read -r s kb < <(time_of "$dw" -q rip "$work/data.cue" -o "$work/o3" --name d)
read -r ps _ < <(time_of sh -c "cat '$work/data.bin' > '$work/cat.bin'")
row "data rip, EDC+ECC checked" "$s" "$kb" "cat" "$ps"

read -r s kb < <(time_of "$dw" -q verify "$work/o1/a.cue" "$work/audio.cue")
read -r ps _ < <(time_of cmp "$work/o1/a.bin" "$work/audio.bin")
row "verify, raw 2352" "$s" "$kb" "cmp" "$ps"

read -r ps _ < <(time_of md5sum "$work/audio.bin")
read -r s kb < <(time_of "$dw" -q rip "$work/audio.cue" -o "$work/o4" --mode burst --name h)
row "rip incl. 4 hashes (vs md5sum)" "$s" "$kb" "md5sum" "$ps"
echo
echo "max RSS stays flat as the disc grows: compare runs with MINUTES 5 and 40."
