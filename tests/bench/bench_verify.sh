#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright verify side by side with cmp on the same images in one run,
# reported as ratios (never as pass/fail thresholds).
# Usage: tests/bench/bench_verify.sh BUILD_DIR [MINUTES] [OTHER_BUILD_DIR]
#
#   verify, audio image against its copy (raw 2352, the read offset path
#     with the image's offset 0)                  vs  cmp
#   verify, Mode 1 image against its copy          vs  cmp
#   verify, emulated drive with read offset +6 (found by the search) of the
#     audio image, against the image              vs  cmp of the two files
#     (needs BUILD_DIR/tests/emu/libdwemu_preload.so)
# With OTHER_BUILD_DIR (say a build of main) each discwright row is run with
# both programs, alternately, so that the two can be compared in one run on
# a busy machine.  Peak memory (max RSS) beside each; each time the least
# of DW_BENCH_RUNS (3) runs.
set -euo pipefail
. "$(dirname "$0")/bench_lib.sh"
[ -x /usr/bin/time ] || { echo "bench: needs GNU time: apt-get install time" >&2; exit 1; }
build=${1:?usage: bench_verify.sh BUILD_DIR [MINUTES] [OTHER_BUILD_DIR]}
minutes=${2:-20}
other=${3:-}
work=$(mktemp -d /tmp/dw-bench.XXXXXX)
trap '[ -n "${DW_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
sectors=$((minutes * 60 * 75))

# time_of CMD...: "seconds maxrss_kb", the least time of $runs runs (a
# busy machine adds, never subtracts).
runs=${DW_BENCH_RUNS:-3}
time_of() {
  local i
  : >"$work/all"
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>&1 || {
      echo "bench: '$*' failed" >&2
      cat "$work/t" >&2
      exit 1
    }
    cat "$work/t" >>"$work/all"
  done
  sort -n "$work/all" | head -1
}
row() { # label ours_s ours_kb peer peer_s
  printf "%-46s %8.2f s %8d KiB   %-6s %8.2f s   ratio %s\n" "$1" "$2" "$3" "$4" "$5" "$(ratio "$2" "$5")"
}

echo "generating a $minutes-minute audio image ($sectors sectors) and a data image..."
bench_audio_image "$work" audio "$sectors"
bench_data_image "$build/discwright" "$work" data "$sectors"
mkdir "$work/copy"
cp "$work/audio.bin" "$work/audio.cue" "$work/data.bin" "$work/data.cue" "$work/copy/"

builds=("$build")
[ -n "$other" ] && builds+=("$other")
printf "%-46s %10s %12s   %-6s %10s\n" "job (discwright)" "time" "max RSS" "peer" "peer time"
for b in "${builds[@]}"; do
  read -r s kb < <(time_of "$b/discwright" -q verify "$work/copy/audio.cue" "$work/audio.cue")
  read -r ps _ < <(time_of cmp "$work/copy/audio.bin" "$work/audio.bin")
  row "audio image ($b)" "$s" "$kb" "cmp" "$ps"
done
for b in "${builds[@]}"; do
  read -r s kb < <(time_of "$b/discwright" -q verify "$work/copy/data.cue" "$work/data.cue")
  read -r ps _ < <(time_of cmp "$work/copy/data.bin" "$work/data.bin")
  row "Mode 1 image ($b)" "$s" "$kb" "cmp" "$ps"
done
preload=$build/tests/emu/libdwemu_preload.so
if [ -f "$preload" ]; then
  for b in "${builds[@]}"; do
    # the other build has no offset correction: its drive has offset 0
    off=6
    [ "$b" != "$build" ] && off=0
    read -r s kb < <(time_of env LD_PRELOAD="$preload" DW_EMU_CONFIG="medium=$work/audio.cue offset=$off" \
      "$b/discwright" -q verify /dev/sr0 "$work/audio.cue")
    read -r ps _ < <(time_of cmp "$work/copy/audio.bin" "$work/audio.bin")
    row "emulated drive, offset $off ($b)" "$s" "$kb" "cmp" "$ps"
  done
fi
