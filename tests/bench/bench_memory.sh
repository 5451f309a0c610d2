#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 14's memory target: the peak RSS (GNU time's %M: the largest
# resident set, the loaded libraries' pages included) of every command,
# at two image sizes, so that what grows with the disc shows.  Never a
# pass/fail threshold for CTest: the last column says whether the 32 MiB
# target is met, for the reader.
#   Usage: tests/bench/bench_memory.sh BUILD_DIR [MINUTES...]   (20 74)
#
#   --version                      the baseline: libraries loaded, no work
#   rip burst / secure / paranoia  a random audio image, every check on
#   rip --format iso               a Mode 1 BIN/CUE
#   rip --format iso               an ISO of the same size (--raw)
#   convert                        the audio cue to BIN/CUE and to CHD,
#                                  read back
#   verify                         the ISO against its copy
#   burn to stdio:                 the ISO, --no-verify
#   info                           the audio cue
#   mkiso                          a small tree (100 files of 4 KiB)
# Needs about 5 times the largest image on /tmp (a 74-minute image is
# 783 MB).
set -euo pipefail
. "$(dirname "$0")/bench_lib.sh"
[ -x /usr/bin/time ] || { echo "bench: needs GNU time: apt-get install time" >&2; exit 1; }
build=${1:?usage: bench_memory.sh BUILD_DIR [MINUTES...]}
shift
minutes_list=("$@")
[ ${#minutes_list[@]} -gt 0 ] || minutes_list=(20 74)
dw="$build/discwright"
[ -x "$dw" ] || { echo "bench: $dw not built" >&2; exit 1; }
work=$(mktemp -d /tmp/dw-bench-mem.XXXXXX)
trap '[ -n "${DW_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
limit_kib=$((32 * 1024))
over=0

# peak LABEL SIZE CMD...: run CMD (outputs of the previous run removed
# first) and print a row with its peak RSS.  A failing command is a failed
# benchmark, not a row.
peak() {
  local label=$1 size=$2 kib met
  shift 2
  rm -rf "$work/o" "$work/conv" "$work/burn.iso" "$work/small.iso"
  mkdir -p "$work/conv"
  /usr/bin/time -f '%M' -o "$work/t" "$@" >/dev/null 2>"$work/err" ||
    { echo "bench: '$*' failed:" >&2; cat "$work/err" >&2; exit 1; }
  kib=$(tail -n 1 "$work/t")
  if [ "$kib" -le "$limit_kib" ]; then met=yes; else met=NO; over=$((over + 1)); fi
  printf "%-34s %9s %10d  %s\n" "$label" "$size" "$kib" "$met"
}

mkdir -p "$work/tree"
for i in $(seq 1 100); do head -c 4096 /dev/urandom >"$work/tree/f$i"; done

printf "%-34s %9s %10s  %s\n" "command" "image" "peak KiB" "<= 32 MiB?"
peak "--version" "-" "$dw" --version
for minutes in "${minutes_list[@]}"; do
  sectors=$((minutes * 60 * 75))
  # The previous size's images go first (the disk holds one size at a time).
  rm -rf "$work/img"
  mkdir -p "$work/img"
  img=$work/img
  bench_audio_image "$img" audio "$sectors"
  bench_data_image "$dw" "$img" data "$sectors"
  mv "$img/data-user.iso" "$img/big.iso"
  cp "$img/big.iso" "$img/copy.iso"
  cat "$img"/*.bin "$img"/*.iso >/dev/null
  size="${minutes} min"
  peak "rip --mode burst" "$size" "$dw" -q rip "$img/audio.cue" -o "$work/o" --mode burst --offline
  peak "rip --mode secure" "$size" "$dw" -q rip "$img/audio.cue" -o "$work/o" --mode secure --offline
  peak "rip --mode paranoia" "$size" "$dw" -q rip "$img/audio.cue" -o "$work/o" --mode paranoia --offline
  peak "rip --format iso (Mode 1 cue)" "$size" "$dw" -q rip "$img/data.cue" -o "$work/o" --format iso --offline
  peak "rip --format iso (ISO)" "$size" "$dw" -q --raw rip "$img/big.iso" -o "$work/o" --format iso --offline
  peak "convert to bincue" "$size" "$dw" -q convert "$img/audio.cue" -o "$work/conv/a.cue"
  peak "convert to chd" "$size" "$dw" -q convert "$img/audio.cue" -o "$work/conv/a.chd"
  peak "verify (ISO vs copy)" "$size" "$dw" -q --raw verify "stdio:$img/copy.iso" "$img/big.iso"
  peak "burn to stdio: --no-verify" "$size" "$dw" -q --raw burn "$img/big.iso" --drive "stdio:$work/burn.iso" --no-verify
  peak "info" "$size" "$dw" -q info "$img/audio.cue"
done
peak "mkiso (100 files of 4 KiB)" "400 KiB" "$dw" -q mkiso "$work/tree" -o "$work/small.iso"
echo
if [ "$over" -eq 0 ]; then
  echo "every command within 32 MiB"
else
  echo "$over row(s) above 32 MiB"
fi
