#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Build mode against xorriso on the same tree in one run, reported as
# ratios, never as a pass/fail threshold.  Like with like: both make ISO
# 9660 level 3 with Rock Ridge, Joliet (long names) and an ISO 9660:1999
# tree (xorriso's -iso-level 4), keep hard links and record no MD5.
#   mkiso   discwright mkiso TREE -o A.iso
#           xorriso -as mkisofs -R -J -joliet-long -iso-level 4 -o B.iso TREE
#   burn    discwright burn TREE --drive stdio:C.iso --no-verify
#           xorriso -as mkisofs ... TREE | xorriso -as cdrecord dev=stdio:D.iso -
#   Usage: tests/bench/bench_mkiso.sh BUILD_DIR [MEGABYTES] [SMALL_FILES] [RUNS]
#                                     [FILE_COUNTS]
#          (defaults 2048, 20000, 3, "10000 50000 100000")
# Table 1, the time: MEGABYTES of files from 4 KiB to 64 MiB (random data,
# so the page cache and not compression decides) plus SMALL_FILES files of
# 1 KiB in folders of 100 (the per-file cost).  Wall time, CPU time
# (user + sys, which a machine loaded by others disturbs less) and peak RSS
# from GNU time, the least of RUNS runs each.
# Table 2, the memory: trees of 1-byte files, FILE_COUNTS of them, through
# mkiso and burn; peak RSS and, per file, what each further file costs
# between the smallest and the largest count (KiB/file: the slope, which
# for discwright is libisofs's tree alone; the baseline of a process that
# has loaded all of discwright's libraries is in the "1 file" row).
# Needs about 3 times MEGABYTES on /tmp (the tree and two images at a
# time).
set -euo pipefail
[ -x /usr/bin/time ] || { echo "bench: needs GNU time: apt-get install time" >&2; exit 1; }
command -v xorriso >/dev/null || { echo "bench: needs xorriso" >&2; exit 1; }
build=${1:?usage: bench_mkiso.sh BUILD_DIR [MEGABYTES] [SMALL_FILES] [RUNS] [FILE_COUNTS]}
megabytes=${2:-2048}
small=${3:-20000}
runs=${4:-3}
read -r -a counts <<<"${5:-10000 50000 100000}"
dw="$build/discwright"
[ -x "$dw" ] || { echo "bench: $dw not built" >&2; exit 1; }
work=$(mktemp -d /tmp/dw-bench-mkiso.XXXXXX)
trap '[ -n "${DW_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
tree=$work/tree
xo_opts=(-R -J -joliet-long -iso-level 4)

echo "generating a tree of $megabytes MB in mixed sizes and $small small files..."
mkdir -p "$tree/big" "$tree/small"
left=$((megabytes * 1024 * 1024))
i=0
sizes=(4096 65536 1048576 8388608 67108864 300000 5000000)
while [ "$left" -gt 0 ]; do
  s=${sizes[$((i % ${#sizes[@]}))]}
  [ "$s" -gt "$left" ] && s=$left
  head -c "$s" /dev/urandom >"$tree/big/f$i.bin"
  left=$((left - s))
  i=$((i + 1))
done
for ((k = 0; k < small; k++)); do
  d=$tree/small/d$((k / 100))
  [ -d "$d" ] || mkdir "$d"
  head -c 1024 /dev/urandom >"$d/s$k.txt"
done
cat "$tree"/big/* >/dev/null # into the page cache for both

# best CMD...: "wall_s cpu_s rss_kib", the least of each over RUNS runs
best() {
  local i bw="" bc="" br="" w u s r
  for ((i = 0; i < runs; i++)); do
    rm -f "$work"/*.iso "$work"/*.iso.part
    /usr/bin/time -f '%e %U %S %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" ||
      { echo "bench: '$*' failed:" >&2; tail -5 "$work/err" >&2; exit 1; }
    read -r w u s r <"$work/t"
    bw=$(awk -v a="$bw" -v b="$w" 'BEGIN { print (a == "" || b < a) ? b : a }')
    bc=$(awk -v a="$bc" -v b="$u" -v c="$s" \
      'BEGIN { b += c; printf "%.2f\n", (a == "" || b < a) ? b : a }')
    br=$(awk -v a="$br" -v b="$r" 'BEGIN { print (a == "" || b < a) ? b : a }')
  done
  rm -f "$work"/*.iso "$work"/*.iso.part
  echo "$bw $bc $br"
}
# pipe_burn TREE...: xorriso's image through a pipe into xorriso's cdrecord
# (run by GNU time through bash: the options are spelled out here, as an
# array does not pass to a child shell)
pipe_burn() {
  xorriso -as mkisofs -R -J -joliet-long -iso-level 4 "$@" 2>/dev/null |
    xorriso -as cdrecord -v dev="stdio:$work/d.iso" - >/dev/null 2>&1
}
# sync_mkiso OUT TREE...: xorriso's image, then fsynced (coreutils sync
# FILE), as discwright's mkiso fsyncs its image before the rename
sync_mkiso() {
  local out=$1
  shift
  xorriso -as mkisofs -R -J -joliet-long -iso-level 4 -o "$out" "$@" 2>/dev/null &&
    sync "$out"
}
export -f pipe_burn sync_mkiso
export work

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "n/a"), a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

read -r dw_mk_w dw_mk_c dw_mk_r < <(best "$dw" -q mkiso "$tree" -o "$work/a.iso")
read -r xo_mk_w xo_mk_c xo_mk_r < <(best xorriso -as mkisofs "${xo_opts[@]}" \
  -o "$work/b.iso" "$tree")
read -r xs_mk_w xs_mk_c xs_mk_r < <(best bash -c 'sync_mkiso "$@"' sync_mkiso \
  "$work/b.iso" "$tree")
read -r dw_bu_w dw_bu_c dw_bu_r < <(best "$dw" -q burn "$tree" --drive "stdio:$work/c.iso" \
  --no-verify)
read -r xo_bu_w xo_bu_c xo_bu_r < <(best bash -c 'pipe_burn "$@"' pipe_burn "$tree")

files=$(find "$tree" -type f | wc -l)
echo
echo "tree: $files files, $(du -sm "$tree" | cut -f1) MB; least of $runs runs"
line1() { printf "%-7s %8s %8s %6s   %8s %8s %6s   %7s %7s %6s\n" "$@"; }
line1 job "dw wall" "xo wall" ratio "dw cpu" "xo cpu" ratio "dw MiB" "xo MiB" ratio
row() {
  line1 "$1" "$2" "$5" "$(ratio "$2" "$5")" "$3" "$6" "$(ratio "$3" "$6")" \
    "$(mib "$4")" "$(mib "$7")" "$(ratio "$4" "$7")"
}
row mkiso "$dw_mk_w" "$dw_mk_c" "$dw_mk_r" "$xo_mk_w" "$xo_mk_c" "$xo_mk_r"
row mkiso* "$dw_mk_w" "$dw_mk_c" "$dw_mk_r" "$xs_mk_w" "$xs_mk_c" "$xs_mk_r"
row burn "$dw_bu_w" "$dw_bu_c" "$dw_bu_r" "$xo_bu_w" "$xo_bu_c" "$xo_bu_r"
echo "(wall and cpu in seconds, cpu = user + sys; the xorriso burn's cpu is both processes"
echo " of the pipe, its RSS the larger one, as GNU time reports a shell's children."
echo " discwright's mkiso fsyncs the image before renaming it, xorriso does not: mkiso*"
echo " is xorriso followed by 'sync FILE'; discwright's burn takes no MD5 with --no-verify)"

# Table 2: trees of 1-byte files, each count a set of parts of 10000 files
# (names unique across parts, so that giving several parts merges them).
rm -rf "$tree"
per=10000
maxc=0
for c in "${counts[@]}"; do [ "$c" -gt "$maxc" ] && maxc=$c; done
parts=$(((maxc + per - 1) / per))
echo
echo "generating $((parts * per)) files of 1 byte..."
mkdir -p "$work/one"
echo x >"$work/one/f"
for ((p = 0; p < parts; p++)); do
  for ((k = p * per; k < (p + 1) * per; k++)); do
    d=$work/parts/p$p/d$((k / 100))
    [ -d "$d" ] || mkdir -p "$d"
    printf x >"$d/s$k"
  done
done
# sources N: the parts that hold N files (N a multiple of 10000, or 1)
sources() {
  local n=$1 p
  if [ "$n" -lt "$per" ]; then
    echo "$work/one"
    return
  fi
  for ((p = 0; p < n / per; p++)); do echo "$work/parts/p$p"; done
}
declare -A mem
for c in 1 "${counts[@]}"; do
  mapfile -t src < <(sources "$c")
  runs=1
  read -r _ _ "mem[dwmk$c]" < <(best "$dw" -q mkiso "${src[@]}" -o "$work/a.iso")
  read -r _ _ "mem[xomk$c]" < <(best xorriso -as mkisofs "${xo_opts[@]}" -o "$work/b.iso" \
    "${src[@]}")
  read -r _ _ "mem[dwbu$c]" < <(best "$dw" -q burn "${src[@]}" --drive "stdio:$work/c.iso" \
    --no-verify)
  read -r _ _ "mem[xobu$c]" < <(best bash -c 'pipe_burn "$@"' pipe_burn "${src[@]}")
done
echo
echo "peak RSS (MiB) by number of files of 1 byte"
line2() { printf "%-8s %9s %9s %6s   %9s %9s %6s\n" "$@"; }
line2 files "dw mkiso" "xo mkiso" ratio "dw burn" "xo burn" ratio
for c in 1 "${counts[@]}"; do
  line2 "$c" "$(mib "${mem[dwmk$c]}")" "$(mib "${mem[xomk$c]}")" \
    "$(ratio "${mem[dwmk$c]}" "${mem[xomk$c]}")" "$(mib "${mem[dwbu$c]}")" \
    "$(mib "${mem[xobu$c]}")" "$(ratio "${mem[dwbu$c]}" "${mem[xobu$c]}")"
done
lo=${counts[0]}
hi=${counts[${#counts[@]} - 1]}
slope() {
  awk -v a="$1" -v b="$2" -v n="$((hi - lo))" 'BEGIN { if (n > 0) printf "%.3f", (b - a) / n; else printf "n/a" }'
}
printf "%-8s %9s %9s %6s   %9s %9s\n" "KiB/file" "$(slope "${mem[dwmk$lo]}" "${mem[dwmk$hi]}")" \
  "$(slope "${mem[xomk$lo]}" "${mem[xomk$hi]}")" "" \
  "$(slope "${mem[dwbu$lo]}" "${mem[dwbu$hi]}")" "$(slope "${mem[xobu$lo]}" "${mem[xobu$hi]}")"
echo "(KiB/file: peak RSS growth per file from $lo to $hi files; the \"1\" row is each"
echo " program's baseline; discwright's per-file growth is libisofs's trees: the"
echo " node tree with its file sources, then the ECMA-119, Joliet and ISO 9660:1999 trees"
echo " that writing builds, and malloc's overhead on their small blocks)"
