#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Build mode against xorriso on the same tree in one run, reported as
# ratios (wall time, peak RSS), never as a pass/fail threshold:
#   mkiso   discwright mkiso TREE -o A.iso
#           xorriso -as mkisofs -R -J -joliet-long -iso-level 3 -o B.iso TREE
#   burn    discwright burn TREE --drive stdio:C.iso --no-verify
#           xorriso -as mkisofs ... TREE | xorriso -as cdrecord dev=stdio:D.iso -
# (discwright's image also has an ISO 9660:1999 tree, which xorriso's
# -as mkisofs does not make; both keep hard links and record no MD5.)
#   Usage: tests/bench/bench_mkiso.sh BUILD_DIR [MEGABYTES] [SMALL_FILES] [RUNS]
#          (defaults 2048, 20000, 3)
# The tree: MEGABYTES of files from 4 KiB to 64 MiB (random data, so the
# page cache and not compression decides) plus SMALL_FILES files of 1 KiB
# in folders of 100 (the per-file cost).  Wall time and peak RSS from
# /usr/bin/time -f '%e %M', the least of RUNS runs.  Needs about 3 times
# MEGABYTES on /tmp (the tree and two images at a time).
set -euo pipefail
[ -x /usr/bin/time ] || { echo "bench: needs GNU time: apt-get install time" >&2; exit 1; }
command -v xorriso >/dev/null || { echo "bench: needs xorriso" >&2; exit 1; }
build=${1:?usage: bench_mkiso.sh BUILD_DIR [MEGABYTES] [SMALL_FILES] [RUNS]}
megabytes=${2:-2048}
small=${3:-20000}
runs=${4:-3}
dw="$build/discwright"
[ -x "$dw" ] || { echo "bench: $dw not built" >&2; exit 1; }
work=$(mktemp -d /tmp/dw-bench-mkiso.XXXXXX)
trap '[ -n "${DW_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
tree=$work/tree

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

# best CMD...: "wall_s rss_kib", the least wall time and peak RSS of RUNS runs
best() {
  local i bw="" br=""
  for ((i = 0; i < runs; i++)); do
    rm -f "$work"/*.iso "$work"/*.iso.part
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" ||
      { echo "bench: '$*' failed:" >&2; tail -5 "$work/err" >&2; exit 1; }
    read -r w r <"$work/t"
    bw=$(awk -v a="$bw" -v b="$w" 'BEGIN { print (a == "" || b < a) ? b : a }')
    br=$(awk -v a="$br" -v b="$r" 'BEGIN { print (a == "" || b < a) ? b : a }')
  done
  echo "$bw $br"
}
pipe_burn() {
  xorriso -as mkisofs -R -J -joliet-long -iso-level 3 "$tree" 2>/dev/null |
    xorriso -as cdrecord -v dev="stdio:$work/d.iso" - >/dev/null 2>&1
}
export -f pipe_burn
export tree work

read -r dw_mk_w dw_mk_r < <(best "$dw" -q mkiso "$tree" -o "$work/a.iso")
read -r xo_mk_w xo_mk_r < <(best xorriso -as mkisofs -R -J -joliet-long -iso-level 3 \
  -o "$work/b.iso" "$tree")
read -r dw_bu_w dw_bu_r < <(best "$dw" -q burn "$tree" --drive "stdio:$work/c.iso" --no-verify)
read -r xo_bu_w xo_bu_r < <(best bash -c pipe_burn)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "n/a"), a / b }'; }
files=$(find "$tree" -type f | wc -l)
echo
echo "tree: $files files, $(du -sm "$tree" | cut -f1) MB; least of $runs runs"
printf "%-8s %10s %10s %8s   %12s %12s %8s\n" job "dw wall s" "xo wall s" ratio "dw RSS MiB" \
  "xo RSS MiB" ratio
printf "%-8s %10s %10s %8s   %12s %12s %8s\n" mkiso "$dw_mk_w" "$xo_mk_w" \
  "$(ratio "$dw_mk_w" "$xo_mk_w")" "$((dw_mk_r / 1024))" "$((xo_mk_r / 1024))" \
  "$(ratio "$dw_mk_r" "$xo_mk_r")"
printf "%-8s %10s %10s %8s   %12s %12s %8s\n" burn "$dw_bu_w" "$xo_bu_w" \
  "$(ratio "$dw_bu_w" "$xo_bu_w")" "$((dw_bu_r / 1024))" "$((xo_bu_r / 1024))" \
  "$(ratio "$dw_bu_r" "$xo_bu_r")"
echo "(the xorriso burn's RSS is that of the larger of the pipe's two processes, as GNU time"
echo " reports a shell's children; discwright's mkiso also fsyncs the image before renaming it)"
