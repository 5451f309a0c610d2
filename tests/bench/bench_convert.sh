#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# convert side by side with its peers on the same mixed-mode image, in one
# run (ratios, not seconds; run by hand, not by CTest):
#
#   tests/bench/bench_convert.sh BUILD_DIR [MB]
#
# makes a mixed-mode BIN/CUE of about MB megabytes (default 700): a Mode 1
# track of random user data (real EDC/ECC, a third of the image) and four
# audio tracks of random PCM, then times
#   - convert --format split (with the read-back, and --no-verify) against
#     bchunk, which cuts the same tracks (ISO of the data track, raw audio);
#   - convert --track 1 to an ISO (--no-verify) against the same bchunk run;
#   - convert --format chd against `chdman createcd`, with the output size
#     ratio, once this build lists the chd format (the hook for sink_chd).
# (bchunk also with a sync after it, since every discwright output is
# fsynced before its rename) and prints each pair, the ratio (discwright / peer) and discwright's
# maximum resident set size (flat: the conversion streams).  Needs about
# four times MB of space in TMPDIR; the files are removed at the end unless
# DW_BENCH_KEEP is set.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bench_lib.sh"
build=$(cd "${1:?usage: bench_convert.sh BUILD_DIR [MB]}" && pwd) || exit 1
mb=${2:-700}
DW=$build/discwright
[ -x "$DW" ] || { echo "no $DW"; exit 1; }
command -v bchunk >/dev/null || { echo "bchunk is not installed (apt-get install bchunk)"; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/dw-bench-convert.XXXXXX")
[ -n "${DW_BENCH_KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

total=$((mb * 1024 * 1024 / 2352))
data=$((total / 3))
audio=$(((total - data) / 4))
echo "image: $total sectors ($mb MB): Mode 1 track of $data sectors, 4 audio tracks of $audio"
# The data track: random user data as Mode 1 sectors with real EDC/ECC,
# made by ripping a plain 2048-byte file (--raw: it has no ISO volume).
head -c $((data * 2048)) /dev/urandom >dsrc.iso
"$DW" -q --raw rip dsrc.iso -o "$dir" --name d --offline >/dev/null 2>&1
[ -s d.bin ] || { echo "could not make the data track"; exit 1; }
head -c $((audio * 4 * 2352)) /dev/urandom >a.bin
cat d.bin a.bin >mixed.bin
rm -f a.bin d.bin dsrc.iso d.cue d.log d.json d.cdt d.map
msf() { printf '%02d:%02d:%02d' $(($1 / 4500)) $(($1 / 75 % 60)) $(($1 % 75)); }
{
  printf 'FILE "mixed.bin" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n'
  for k in 0 1 2 3; do
    printf '  TRACK %02d AUDIO\n    INDEX 01 %s\n' $((k + 2)) "$(msf $((data + k * audio)))"
  done
} >mixed.cue

# timed VAR CMD...: run CMD, VAR gets its wall time in seconds; RSS (KB,
# from /usr/bin/time when installed) goes to ${VAR}_rss.
timed() {
  local var=$1 t0 t1 rss=-
  shift
  t0=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$dir/rss" "$@" >/dev/null 2>"$dir/err" || { echo "failed: $*"; cat "$dir/err"; }
    rss=$(tail -1 "$dir/rss")
  else
    "$@" >/dev/null 2>"$dir/err" || { echo "failed: $*"; cat "$dir/err"; }
  fi
  t1=$(date +%s.%N)
  printf -v "$var" '%s' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
  printf -v "${var}_rss" '%s' "$rss"
}

row() { printf '%-44s %8s s  %-22s %8s s  ratio %5s  max RSS %s KB\n' "$1" "$2" "$3" "$4" "$(ratio "$2" "$4")" "$5"; }

sync
timed t_bchunk bchunk mixed.bin mixed.cue bch
# discwright fsyncs every output before renaming it into place; bchunk does
# not: the second peer adds a sync, the same writes made durable.
timed t_bchunk_sync sh -c 'bchunk mixed.bin mixed.cue bcs && sync'
timed t_split "$DW" -q convert mixed.cue -o s.cue --format split
timed t_split_nv "$DW" -q convert mixed.cue -o n.cue --format split --no-verify
timed t_iso "$DW" -q convert mixed.cue -o i.iso --track 1 --no-verify
cmp -s i.iso bch01.iso && echo "check: our ISO equals bchunk's" || echo "CHECK FAILED: our ISO differs from bchunk's"
for k in 2 3 4 5; do
  cmp -s "bch0$k.cdr" "s (Track 0$k).bin" || echo "CHECK FAILED: track $k differs from bchunk's"
done
row "convert --format split (read back)" "$t_split" "bchunk (all tracks)" "$t_bchunk" "$t_split_rss"
row "convert --format split --no-verify" "$t_split_nv" "bchunk (all tracks)" "$t_bchunk" "$t_split_nv_rss"
row "convert --format split --no-verify" "$t_split_nv" "bchunk + sync" "$t_bchunk_sync" "$t_split_nv_rss"
row "convert --track 1 -o x.iso --no-verify" "$t_iso" "bchunk (all tracks)" "$t_bchunk" "$t_iso_rss"
row "convert --track 1 -o x.iso --no-verify" "$t_iso" "bchunk + sync" "$t_bchunk_sync" "$t_iso_rss"

# The CHD pair, once the chd sink is built in (sink_chd.c).
if "$DW" convert --help | grep -q '^ *chd '; then
  if command -v chdman >/dev/null; then
    timed t_chd "$DW" -q convert mixed.cue -o c.chd --no-verify
    timed t_chdman chdman createcd -i mixed.cue -o m.chd
    row "convert --format chd --no-verify" "$t_chd" "chdman createcd" "$t_chdman" "$t_chd_rss"
    echo "chd size: ours $(stat -c %s c.chd) bytes, chdman's $(stat -c %s m.chd): ratio $(ratio "$(stat -c %s c.chd)" "$(stat -c %s m.chd)")"
  else
    echo "chd: chdman is not installed (mame-tools): no CHD pair"
  fi
else
  echo "chd: this build does not write CHD yet: no CHD pair"
fi
