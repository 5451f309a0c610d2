#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CHD against chdman, on the same inputs in one run, as ratios; never a
# pass/fail threshold.
#   Usage: tests/bench/bench_chd.sh BUILD_DIR [AUDIO_MINUTES] [DATA_MB]   (74, 500)
#
# Images:
#   audio  AUDIO_MINUTES of pink noise with a tremolo (sox): audio that FLAC
#          compresses and LZMA hardly does, as music;
#   mixed  a Mode 1 track of an ISO 9660 image of up to DATA_MB of this
#          machine's /usr (programs, libraries, text: what data tracks hold),
#          made raw by ripping it, then 10 minutes of the audio.
# For each: write a CHD with discwright's chd sink (dw-test-chdwrite: per
# hunk the smallest of cdlz, cdzl, cdfl on all cores, until `convert
# --format chd` exists) and with `chdman createcd` (the same codecs, all
# cores): wall time and size; CHD -> BIN with `discwright rip --mode burst
# --offline` and `chdman extractcd`: wall time; and `rip` of the CHD
# against `rip` of the BIN/CUE.  Wall time from /usr/bin/time -f %e.
set -euo pipefail
. "$(dirname "$0")/bench_lib.sh"
[ -x /usr/bin/time ] || { echo "bench: needs GNU time: apt-get install time" >&2; exit 1; }
command -v chdman >/dev/null || { echo "bench: needs chdman: apt-get install mame-tools" >&2; exit 1; }
command -v sox >/dev/null || { echo "bench: needs sox: apt-get install sox" >&2; exit 1; }
command -v xorriso >/dev/null || { echo "bench: needs xorriso" >&2; exit 1; }
build=${1:?usage: bench_chd.sh BUILD_DIR [AUDIO_MINUTES] [DATA_MB]}
minutes=${2:-74}
data_mb=${3:-500}
dw="$build/discwright"
w="$build/tests/dw-test-chdwrite"
[ -x "$dw" ] && [ -x "$w" ] || { echo "bench: build $build first" >&2; exit 1; }
work=$(mktemp -d /tmp/dw-bench-chd.XXXXXX)
trap '[ -n "${DW_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT

# wall CMD...: wall seconds of one run of CMD
wall() {
  /usr/bin/time -f '%e' -o "$work/t" "$@" >/dev/null 2>"$work/err" ||
    { echo "bench: '$*' failed:" >&2; cat "$work/err" >&2; exit 1; }
  cat "$work/t"
}
size() { stat -c %s "$1"; }

echo "generating a $minutes-minute audio image and a mixed-mode image (up to $data_mb MB of data)..."
sox -n -r 44100 -c 2 -b 16 -e signed -t raw "$work/audio.bin" \
  synth $((minutes * 60)) pinknoise tremolo 3 60 vol 0.4 2>/dev/null
printf 'FILE "audio.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n' >"$work/audio.cue"
mkdir "$work/tree"
budget=$((data_mb * 1024 * 1024))
find /usr/lib /usr/share /usr/bin -xdev -type f -size -8M -readable 2>/dev/null | sort | while read -r f; do
  s=$(stat -c %s "$f"); budget=$((budget - s)); [ $budget -gt 0 ] || break
  mkdir -p "$work/tree/$(dirname "$f")" && cp "$f" "$work/tree/$f" 2>/dev/null || true
done || true  # the loop ends the pipe early (SIGPIPE)
mkdir "$work/iso"
xorriso -as mkisofs -quiet -R -o "$work/iso/data.iso" "$work/tree" 2>/dev/null
rm -rf "$work/tree"
"$dw" -q rip "$work/iso/data.iso" -o "$work" --name data >/dev/null
rm -rf "$work/iso"
head -c $((10 * 60 * 75 * 2352)) "$work/audio.bin" >"$work/mixaudio.bin"
printf 'FILE "data.bin" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\nFILE "mixaudio.bin" BINARY\n  TRACK 02 AUDIO\n    INDEX 00 00:00:00\n    INDEX 01 00:02:00\n' >"$work/mixed.cue"

printf '\n%-8s %9s | %-22s %-22s %-10s | %-10s %-10s %-6s | %-10s %-10s %-6s\n' \
  image MB "write dw s / MB" "chdman s / MB" "time size" "->bin dw" "chdman" ratio \
  "rip chd" "rip cue" ratio
for img in audio mixed; do
  cue=$work/$img.cue
  mb=$(du -mc "$work"/$( [ $img = audio ] && echo audio.bin || echo "data.bin $work/mixaudio.bin") | tail -1 | cut -f1)
  t_dw=$(wall "$w" "$cue" "$work/$img-dw.chd")
  t_ch=$(wall chdman createcd -i "$cue" -o "$work/$img-ch.chd")
  s_dw=$(size "$work/$img-dw.chd")
  s_ch=$(size "$work/$img-ch.chd")
  x_dw=$(wall "$dw" -q rip "$work/$img-ch.chd" -o "$work/x-$img" --name x --mode burst --offline)
  x_ch=$(wall chdman extractcd -i "$work/$img-ch.chd" -o "$work/x-$img.cue" -ob "$work/x-$img.bin")
  cmp -s "$work/x-$img/x.bin" "$work/x-$img.bin" || { echo "bench: the two extractions differ" >&2; exit 1; }
  r_cue=$(wall "$dw" -q rip "$cue" -o "$work/r-$img" --name r --mode burst --offline)
  printf '%-8s %9s | %8s / %-11s %8s / %-11s %-4s %-5s | %-10s %-10s %-6s | %-10s %-10s %-6s\n' \
    "$img" "$mb" "$t_dw" "$(awk -v s="$s_dw" 'BEGIN{printf "%.1f", s/1048576}')" \
    "$t_ch" "$(awk -v s="$s_ch" 'BEGIN{printf "%.1f", s/1048576}')" \
    "$(ratio "$t_dw" "$t_ch")" "$(awk -v a="$s_dw" -v b="$s_ch" 'BEGIN{printf "%.4f", a/b}')" \
    "$x_dw" "$x_ch" "$(ratio "$x_dw" "$x_ch")" "$x_dw" "$r_cue" "$(ratio "$x_dw" "$r_cue")"
  rm -rf "$work/x-$img" "$work/x-$img.bin" "$work/r-$img" "$work/$img-dw.chd" "$work/$img-ch.chd"
done
echo
echo "time and size ratios: discwright / chdman (targets: time <= 1.00, size <= 1.01);"
echo "'rip chd' is the CHD -> BIN time, 'rip cue' the same rip of the BIN/CUE"
echo "(cores: $(nproc); both writers use all of them)"
