#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fuzz every libFuzzer target for a while and keep what it finds.
#
#   tests/fuzz/run.sh [SECONDS] [BUILD_DIR]
#
# SECONDS per target (default 30).  BUILD_DIR (default ./build-fuzz beside
# the sources) is configured with clang and -DDW_FUZZ=ON when it is not a
# fuzzing build yet, and its `fuzzers` target is built.  Then each
# tests/fuzz_NAME binary runs for SECONDS under ASan + UBSan from its corpus
# tests/fuzz/corpus/fuzz_NAME/ (with tests/fuzz/fuzz_NAME.dict when there is
# one), writing new inputs to a scratch directory; those that add coverage
# are merged into the corpus (libFuzzer -merge=1), so the replay tests
# (fuzz.fuzz_NAME) meet them from then on.  Per target it prints the
# executions, the coverage libFuzzer reached (cov: edges, ft: features),
# the corpus entries added, and the file of any crash, leak, time-out (an
# input taking over 10 s) or out-of-memory (over 2 GB).  Exit status 1 when
# any target found one; the input is left in BUILD_DIR/fuzz-findings/.
# Environment: FUZZ_TARGETS (space-separated names, e.g. "fuzz_cue
# fuzz_toc") limits the run to those targets.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
seconds=${1:-30}
build=${2:-$src/build-fuzz}
case $seconds in '' | *[!0-9]*)
  echo "usage: tests/fuzz/run.sh [SECONDS] [BUILD_DIR]" >&2
  exit 2
  ;;
esac

if ! grep -q '^DW_FUZZ:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  if [ -e "$build/CMakeCache.txt" ]; then
    echo "fuzz: '$build' is a build directory without DW_FUZZ=ON: name another one" >&2
    exit 2
  fi
  command -v clang >/dev/null 2>&1 || {
    echo "fuzz: clang is not installed (./run.sh fuzz installs clang and libclang-rt-14-dev)" >&2
    exit 1
  }
  extra=()
  [ -n "${CI:-}" ] && extra+=(-DDW_WERROR=ON)
  CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDW_FUZZ=ON \
    "${extra[@]}" >/dev/null || exit 1
fi
cmake --build "$build" --target fuzzers -j"$(nproc)" >"$build/fuzz-build.log" 2>&1 || {
  tail -30 "$build/fuzz-build.log" >&2
  exit 1
}

findings=$build/fuzz-findings
mkdir -p "$findings"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/dw-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
ran=0
printf '%-22s %10s %8s %8s %6s  %s\n' target execs cov ft added finding
for bin in "$build"/tests/fuzz_*; do
  [ -x "$bin" ] && [ -f "$bin" ] || continue
  name=${bin##*/}
  case $name in *_replay) continue ;; esac
  if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
  corpus=$here/corpus/$name
  if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
    echo "fuzz: $name has no corpus in $corpus: add seed inputs first" >&2
    status=1
    continue
  fi
  new=$scratch/$name
  mkdir -p "$new"
  dict=()
  [ -f "$here/$name.dict" ] && dict=(-dict="$here/$name.dict")
  log=$findings/$name.log
  "$bin" "$new" "$corpus" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/$name-" >"$log" 2>&1
  rc=$?
  ran=$((ran + 1))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  finding=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
  before=$(ls "$corpus" | wc -l)
  if [ $rc -eq 0 ] && [ -n "$(ls -A "$new")" ]; then
    "$bin" -merge=1 "$corpus" "$new" "${dict[@]}" >"$findings/$name.merge.log" 2>&1 ||
      { echo "fuzz: merging new $name inputs failed: $findings/$name.merge.log" >&2; status=1; }
  fi
  added=$(($(ls "$corpus" | wc -l) - before))
  if [ $rc -ne 0 ]; then
    status=1
    finding=${finding:-"exit $rc, see $log"}
  fi
  printf '%-22s %10s %8s %8s %6s  %s\n' "$name" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$added" "${finding:--}"
done
if [ $ran -eq 0 ]; then
  echo "fuzz: no fuzz target ran (built in $build/tests?)" >&2
  exit 1
fi
echo "fuzz: $ran targets, $seconds s each; logs in $findings"
exit $status
