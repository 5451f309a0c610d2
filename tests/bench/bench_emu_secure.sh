#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Secure rip against cd-paranoia on the emulator's timing model of a 48x
# drive (issue 4's benchmark), side by side on the same disc in one run,
# reported as ratios; never a pass/fail threshold.
#   Usage: tests/bench/bench_emu_secure.sh BUILD_DIR [MINUTES]   (default 74)
# For a clean disc and for one with C2-flagged and jittered ranges it runs
#   discwright rip --mode burst   (one plain pass: the reference time)
#   discwright rip --mode secure
#   discwright rip --mode test-and-copy
#   cd-paranoia (full paranoia) through libcdio on the same emulated drive
# and prints wall time, the ratio to one plain pass, and the sectors each
# tool asked the drive for (summed READ CD transfer lengths from the
# emulator's trace).  The timing model sleeps: a 74-minute disc takes about
# 93 s per pass at 48x, so the whole run takes several minutes.
set -euo pipefail
. "$(dirname "$0")/bench_lib.sh"
build=$(cd "${1:?usage: bench_emu_secure.sh BUILD_DIR [MINUTES]}" && pwd)
minutes=${2:-74}
dw="$build/discwright"
preload="$build/tests/emu/libdwemu_preload.so"
[ -f "$preload" ] || { echo "bench: $preload not built" >&2; exit 1; }
command -v cd-paranoia >/dev/null || { echo "bench: needs cd-paranoia" >&2; exit 1; }
work=$(mktemp -d /tmp/dw-bench-emu.XXXXXX)
trap '[ -n "${DW_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
sectors=$((minutes * 60 * 75))

echo "generating a $minutes-minute audio disc ($sectors sectors of random PCM)..."
bench_audio_image "$work" disc "$sectors"

# run NAME CONFIG CMD...: wall seconds and sectors requested, into $work/NAME.{t,n}
run() {
  local name=$1 config=$2
  shift 2
  local t0 t1
  t0=$(date +%s.%N)
  env LD_PRELOAD="$preload" DW_EMU_CONFIG="$config" DW_EMU_TRACE=1 "$@" \
    >/dev/null 2>"$work/$name.trace" || true
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }' > "$work/$name.t"
  sed -n 's/.*READ CD \[\([0-9a-f ]*\)\].*GOOD.*/\1/p' "$work/$name.trace" |
    awk 'function hex(s,  i, v) { v = 0; for (i = 1; i <= length(s); i++)
           v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
         { n += hex($7 $8 $9) } END { print n + 0 }' > "$work/$name.n"
}

row() { # label name reference-name
  local t n r
  t=$(cat "$work/$2.t"); n=$(cat "$work/$2.n"); r=$(cat "$work/$3.t")
  printf "  %-28s %8s s  %5s x one pass  %9s sectors read\n" "$1" "$t" \
    "$(awk -v a="$t" -v b="$r" 'BEGIN { printf "%.2f", a / b }')" "$n"
}

for plan in clean damaged; do
  config="medium=$work/disc.cue c2=294 speed=48 cache=1200"
  # damage: 20 C2-flagged sectors at 1/10 of the disc that never read
  # clean, 5 at 1/2 whose C2 errors clear after 2 reads, and 300 sectors at
  # 3/4 whose audio jitters by up to 300 samples on a pseudo-random half of
  # the reads (seed 7), with no C2 flag
  a=$((sectors / 10)) b=$((sectors / 2)) c=$((sectors * 3 / 4))
  [ $plan = damaged ] && config="$config faults=c2:$a-$((a + 19)),c2-transient:$b-$((b + 4)):2,jitter:$c-$((c + 300)):300:7"
  echo
  echo "== $plan disc ($config)"
  run "burst-$plan" "$config" "$dw" -q rip /dev/sr0 -o "$work/b-$plan" --name d --mode burst --no-qscan --offline
  run "secure-$plan" "$config" "$dw" -q rip /dev/sr0 -o "$work/s-$plan" --name d --mode secure --no-qscan --offline
  run "tc-$plan" "$config" "$dw" -q rip /dev/sr0 -o "$work/t-$plan" --name d --mode test-and-copy --no-qscan --offline
  run "paranoia-$plan" "$config" sh -c "cd '$work' && cd-paranoia -c -d /dev/sr0 -r -q 1- p-$plan.raw"
  row "discwright burst" "burst-$plan" "burst-$plan"
  row "discwright secure" "secure-$plan" "burst-$plan"
  row "discwright test-and-copy" "tc-$plan" "burst-$plan"
  row "cd-paranoia (full)" "paranoia-$plan" "burst-$plan"
  for m in s:secure t:test-and-copy; do
    dir=$work/${m%%:*}-$plan
    [ -f "$dir/d.bin" ] || continue
    rr=$(sed -n 's/^sectors read: .* re-read: \([0-9]*\) .*/\1/p' "$dir/d.log")
    sed -n 's/^bad: LBA \([0-9]*\)-\([0-9]*\) .*/\1 \2/p' "$dir/d.log" |
      while read -r x y; do seq "$x" "$y"; done | sort -u >"$work/listed"
    { cmp -l "$dir/d.bin" "$work/disc.bin" 2>/dev/null || true; } |
      awk '{ print int(($1 - 1) / 2352) }' | sort -u >"$work/differ"
    printf "  %s: %s sectors re-read; %s listed bad; %s differ from the source, %s of them not listed\n" \
      "${m#*:}" "$rr" "$(wc -l <"$work/listed")" "$(wc -l <"$work/differ")" \
      "$(comm -23 "$work/differ" "$work/listed" | wc -l)"
  done
  if [ -f "$work/p-$plan.raw" ]; then
    printf "  cd-paranoia: output %s the source\n" \
      "$(cmp -s "$work/p-$plan.raw" "$work/disc.bin" && echo equals || echo differs from)"
  fi
done
