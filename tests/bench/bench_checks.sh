#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CPU time per sector of discwright's whole check chain against cat of the
# same image, on the same input in one run, reported as microseconds per
# sector and as ratios; never a pass/fail threshold.
#   Usage: tests/bench/bench_checks.sh BUILD_DIR [MINUTES] [RUNS]   (74, 3)
#
# An image is a drive to discwright: 'rip IMAGE.cue --mode burst --offline'
# reads it through the chain a disc goes through:
#   audio (CD-DA)  CRC-32, MD5, SHA-1 per track; CRC-32, MD5, SHA-1, SHA-256
#                  of the image; AccurateRip v1, v2 and frame 450; EAC's
#                  copy CRC and CRC without nulls
#   data (Mode 1)  the EDC and ECC check of every sector; the same digests
# CPU time is user + sys from /usr/bin/time -f '%U %S', the least of RUNS
# runs of each command.  The peers: 'cat IMAGE > /dev/null' (reading alone)
# and 'cat IMAGE > FILE' (reading and writing the bin, the I/O a rip does
# too), each timed over CAT_REPEAT (10) cats in one run and divided, since
# one cat is near the clock's 10 ms step; "checks" is rip minus 'cat >
# FILE': what the chain costs over the copy.  Images are random PCM and
# random user data (bench_lib.sh), MINUTES long (74: a full CD; it needs
# about 5 times the image size on /tmp).  Then each check alone, per
# sector, from dw-bench-checks (built with the tests), so that a regression
# in one check shows.
set -euo pipefail
. "$(dirname "$0")/bench_lib.sh"
[ -x /usr/bin/time ] || { echo "bench: needs GNU time: apt-get install time" >&2; exit 1; }
build=${1:?usage: bench_checks.sh BUILD_DIR [MINUTES] [RUNS]}
minutes=${2:-74}
runs=${3:-3}
cat_repeat=${CAT_REPEAT:-10}
dw="$build/discwright"
[ -x "$dw" ] || { echo "bench: $dw not built" >&2; exit 1; }
work=$(mktemp -d /tmp/dw-bench-checks.XXXXXX)
trap '[ -n "${DW_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
sectors=$((minutes * 60 * 75))

# cpu_of PER CMD...: the least user + sys seconds of RUNS runs of CMD,
# divided by PER (the times CMD does the job); the rip's output directory
# $work/o and the copy are removed before each run
cpu_of() {
  local per=$1 best="" i
  shift
  for ((i = 0; i < runs; i++)); do
    rm -rf "$work/o" "$work/copy.bin"
    /usr/bin/time -f '%U %S' -o "$work/t" "$@" >/dev/null 2>"$work/err" ||
      { echo "bench: '$*' failed:" >&2; cat "$work/err" "$work/t" >&2; exit 1; }
    best=$(awk -v b="$best" -v per="$per" '{ s = ($1 + $2) / per; if (b == "" || s < b) b = s }
                                          END { printf "%.4f", b }' "$work/t")
  done
  echo "$best"
}
us() { awk -v s="$1" -v n="$sectors" 'BEGIN { printf "%.2f", s * 1e6 / n }'; }

echo "generating a $minutes-minute audio image and a Mode 1 data image ($sectors sectors each)..."
bench_audio_image "$work" audio "$sectors"
bench_data_image "$dw" "$work" data "$sectors"
rm -f "$work/data-user.iso"

echo
echo "CPU time (user + sys, least of $runs runs) per sector, microseconds:"
printf "%-14s %8s %13s %10s %8s %8s   %-12s %s\n" "image" "sectors" "cat>/dev/null" "cat>file" "rip" \
  "checks" "rip/cat>null" "rip/cat>file"
for kind in audio data; do
  img="$work/$kind.bin"
  null=$(cpu_of "$cat_repeat" sh -c "for i in \$(seq $cat_repeat); do cat '$img' > /dev/null; done")
  copy=$(cpu_of "$cat_repeat" sh -c "for i in \$(seq $cat_repeat); do cat '$img' > '$work/copy.bin'; done")
  rip=$(cpu_of 1 "$dw" -q rip "$work/$kind.cue" -o "$work/o" --name r --mode burst --offline)
  checks=$(awk -v a="$rip" -v b="$copy" 'BEGIN { printf "%.4f", a - b }')
  printf "%-14s %8d %13s %10s %8s %8s   %-12s %s\n" \
    "$([ $kind = audio ] && echo "audio (CD-DA)" || echo "data (Mode 1)")" "$sectors" \
    "$(us "$null")" "$(us "$copy")" "$(us "$rip")" "$(us "$checks")" \
    "$(ratio "$rip" "$null")" "$(ratio "$rip" "$copy")"
  echo "$kind: cat>/dev/null $null s, cat>file $copy s, rip $rip s" >>"$work/seconds"
done
echo
sed 's/^/  CPU seconds, /' "$work/seconds"
echo "  (/usr/bin/time counts in 10 ms steps: use MINUTES of 20 or more for steady ratios)"

# Each check alone (dw-bench-checks, tests/bench/bench_checks_each.c): the
# process CPU of one pass over the image with that check, minus a pass
# that only reads; the audio image also cut into 12 equal tracks (the
# per-track digests, AccurateRip and CTDB then run per track).
each="$build/tests/dw-bench-checks"
if [ -x "$each" ]; then
  "$each" "$work/audio.bin" 1 "$runs" >"$work/each-a1"
  "$each" "$work/audio.bin" 12 "$runs" >"$work/each-a12"
  "$each" "$work/data.bin" 1 "$runs" >"$work/each-d1"
  echo
  echo "CPU (wall) per sector of each check alone, microseconds (least of $runs passes, reading subtracted):"
  printf "%-20s %18s %18s %18s\n" "check" "audio, 1 track" "audio, 12 tracks" "data, 1 track"
  paste -d' ' "$work/each-a1" "$work/each-a12" "$work/each-d1" |
    awk '$1 != "read" { printf "%-20s %9s (%6s) %9s (%6s) %9s (%6s)\n", $1, $2, $3, $5, $6, $8, $9 }'
  echo "  crc32: ISA-L's crc32_gzip_refl, as the chain runs it; crc32_zlib: zlib's crc32_z"
  echo "  (the chain's CRC-32 before ISA-L), for the comparison."
  echo "  hash_pair: the image (CRC-32, MD5, SHA-1, SHA-256) and track (CRC-32, MD5, SHA-1)"
  echo "  digests as two dw_hash fed the same bytes (before issue 14); hashset: the same"
  echo "  digests through dw__hashset (each once per byte, placed by cost on the lanes);"
  echo "  'threads' lets them use a second thread, whose CPU counts too; edc and ecc"
  echo "  (the Mode 1 check of every sector) mean something on the data image only."
else
  echo "bench: $each not built: no per-check table" >&2
fi
