#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 14's targets side by side in one run: wall time (median of RUNS) of
# discwright and of the peer on the same page-cached input, as ratios, with
# each discwright run's peak memory.  Never a pass/fail threshold: the last
# column says whether the ratio is within the target, for the reader.
#   Usage: tests/bench/bench_throughput.sh BUILD_DIR [MINUTES] [RUNS] [ISO_MB]
#          (74, 5, 2048)
#
#   burst rip, every check       vs md5sum of the bin          target <= 2.0
#   burst rip                    vs cd-paranoia -Z (whole disc) target <= 3.0
#   secure rip                   vs md5sum of the bin          target <= 2.0
#   burst rip, --threads 1       vs burst rip (threads auto)   (what the 2nd core gives)
#   paranoia rip                 vs cd-paranoia (full mode)    target <= 1.0
#   rip --format iso, Mode 1 cue vs bchunk                     target <= 1.0
#   rip --format iso of an ISO   vs cat > file && sync         target <= 1.5
#   burn to stdio:               vs cdrskin to stdio:          target <= 1.0
#   verify                       vs cmp                        target <= 1.0
# and then the CPU per sector of each check alone (bench_checks.sh).
# Beside the two iso rows, their floor: md5sum alone over the same bytes
# (the rip also computes CRC-32, SHA-1 and SHA-256; the peers compute
# nothing).
# DW_BENCH_ONLY=burn runs the burn row alone (with xorriso beside cdrskin
# when installed), on an ISO_MB image; DW_BENCH_ONLY=iso the iso rows alone.
set -euo pipefail
. "$(dirname "$0")/bench_lib.sh"
[ -x /usr/bin/time ] || { echo "bench: needs GNU time: apt-get install time" >&2; exit 1; }
build=${1:?usage: bench_throughput.sh BUILD_DIR [MINUTES] [RUNS] [ISO_MB]}
minutes=${2:-74}
runs=${3:-5}
iso_mb=${4:-2048}
dw="$build/discwright"
[ -x "$dw" ] || { echo "bench: $dw not built" >&2; exit 1; }
for t in md5sum cd-paranoia bchunk cdrskin cmp; do
  command -v "$t" >/dev/null || { echo "bench: needs $t (./run.sh installs it)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/dw-bench-tp.XXXXXX)
trap '[ -n "${DW_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
sectors=$((minutes * 60 * 75))

# median_of CMD...: "seconds peak_kib", the median wall time of RUNS runs and
# the largest peak RSS; the outputs of the previous run are removed first.
median_of() {
  local i
  : >"$work/times"
  for ((i = 0; i < runs; i++)); do
    rm -rf "$work/o" "$work/out.bin" "$work/out.iso" "$work/burn.iso" "$work/bchunk"*
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" ||
      { echo "bench: '$*' failed:" >&2; cat "$work/err" >&2; exit 1; }
    cat "$work/t" >>"$work/times"
  done
  sort -n "$work/times" | awk '{ t[NR] = $1; if ($2 > m) m = $2 }
    END { printf "%.3f %d\n", (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2, m }'
}

row() { # label ours peer_label peer target
  local r
  r=$(ratio "${2% *}" "${4% *}")
  printf "%-30s %8.2f s %7d KiB  %-22s %8.2f s  ratio %5s  %s\n" "$1" "${2% *}" "${2#* }" "$3" \
    "${4% *}" "$r" "$(awk -v r="$r" -v t="$5" 'BEGIN { if (t == "") print ""; else if (r <= t) print "(target <= " t ": met)"; else print "(target <= " t ": NOT met)" }')"
}

# cdrskin writes to stdio: only with --allow_emulated_drives, and not as
# root (unless /root/cdrskin_permissions exists): as root it runs as nobody,
# into a folder nobody may write.  Both write the same file there.
burn_row() {
  mkdir -p "$work/w" && chmod 1777 "$work/w" && chmod o+rx "$work" && chmod o+r "$work/big.iso"
  local as_user=() cdrskin burn xorriso
  [ "$(id -u)" -ne 0 ] || as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  cdrskin=$(median_of sh -c "rm -f '$work/w/burn.iso'; ${as_user[*]} cdrskin -q --allow_emulated_drives dev=stdio:$work/w/burn.iso '$work/big.iso'")
  burn=$(median_of sh -c "rm -f '$work/w/burn.iso'; '$dw' -q --raw burn '$work/big.iso' --drive 'stdio:$work/w/burn.iso' --no-verify")
  row "burn to stdio:" "$burn" "cdrskin" "$cdrskin" 1.0
  if [ "${DW_BENCH_ONLY:-}" = burn ] && command -v xorriso >/dev/null; then
    xorriso=$(median_of sh -c "rm -f '$work/w/burn.iso'; xorriso -as cdrecord dev='stdio:$work/w/burn.iso' '$work/big.iso'")
    row "burn to stdio:" "$burn" "xorriso -as cdrecord" "$xorriso" ""
  fi
}

# The two --format iso rows and their md5sum floors.
iso_rows() {
  local bchunk iso_cue cat_sync iso_iso md5_user md5_iso
  bchunk=$(median_of sh -c "cd '$work' && bchunk data.bin data.cue bchunk")
  iso_cue=$(median_of "$dw" -q rip "$work/data.cue" -o "$work/o" --format iso --offline)
  row "rip --format iso (Mode 1 cue)" "$iso_cue" "bchunk" "$bchunk" 1.0
  md5_user=$(median_of md5sum "$work/data-user.iso")
  row "rip --format iso (Mode 1 cue)" "$iso_cue" "md5sum of its user data" "$md5_user" ""
  cat_sync=$(median_of sh -c "cat '$work/big.iso' > '$work/out.iso' && sync")
  iso_iso=$(median_of sh -c "'$dw' -q --raw rip '$work/big.iso' -o '$work/o' --format iso --offline && sync")
  row "rip --format iso ($iso_mb MB ISO)" "$iso_iso" "cat > file && sync" "$cat_sync" 1.5
  md5_iso=$(median_of md5sum "$work/big.iso")
  row "rip --format iso ($iso_mb MB ISO)" "$iso_iso" "md5sum of the ISO" "$md5_iso" ""
}

if [ "${DW_BENCH_ONLY:-}" = iso ]; then
  echo "generating a Mode 1 image ($sectors sectors) and a $iso_mb MB ISO..."
  bench_data_image "$dw" "$work" data "$sectors"
  head -c $((iso_mb * 1024 * 1024)) /dev/urandom >"$work/big.iso"
  cat "$work/data.bin" "$work/data-user.iso" "$work/big.iso" >/dev/null
  echo
  echo "wall time, median of $runs runs (peak memory of discwright's runs):"
  iso_rows
  exit 0
fi

if [ "${DW_BENCH_ONLY:-}" = burn ]; then
  echo "generating a $iso_mb MB ISO..."
  head -c $((iso_mb * 1024 * 1024)) /dev/urandom >"$work/big.iso"
  cat "$work/big.iso" >/dev/null
  echo
  echo "wall time, median of $runs runs (peak memory of discwright's runs):"
  burn_row
  exit 0
fi

echo "generating a $minutes-minute audio image, a Mode 1 image ($sectors sectors each) and a $iso_mb MB ISO..."
bench_audio_image "$work" audio "$sectors"
bench_data_image "$dw" "$work" data "$sectors"
head -c $((iso_mb * 1024 * 1024)) /dev/urandom >"$work/big.iso"
# Everything page-cached before the first run, as the issue measured.
cat "$work"/*.bin "$work/data-user.iso" "$work/big.iso" >/dev/null

echo
echo "wall time, median of $runs runs (peak memory of discwright's runs):"
md5=$(median_of md5sum "$work/audio.bin")
burst=$(median_of "$dw" -q rip "$work/audio.cue" -o "$work/o" --mode burst --offline)
row "burst rip (all checks)" "$burst" "md5sum" "$md5" 2.0
para_z=$(median_of sh -c "cd '$work' && cd-paranoia -Z -c -d audio.cue -r -q 1- out.bin")
row "burst rip" "$burst" "cd-paranoia -Z" "$para_z" 3.0
secure=$(median_of "$dw" -q rip "$work/audio.cue" -o "$work/o" --mode secure --offline)
row "secure rip (all checks)" "$secure" "md5sum" "$md5" 2.0
one=$(median_of "$dw" --threads 1 -q rip "$work/audio.cue" -o "$work/o" --mode burst --offline)
row "burst rip --threads 1" "$one" "burst rip, threads auto" "$burst" ""
para=$(median_of sh -c "cd '$work' && cd-paranoia -c -d audio.cue -r -q 1- out.bin")
ours_para=$(median_of "$dw" -q rip "$work/audio.cue" -o "$work/o" --mode paranoia --offline)
row "paranoia rip" "$ours_para" "cd-paranoia (full)" "$para" 1.0
iso_rows
burn_row
cp "$work/big.iso" "$work/copy.iso"
cmp_t=$(median_of cmp "$work/big.iso" "$work/copy.iso")
verify=$(median_of "$dw" -q --raw verify "stdio:$work/copy.iso" "$work/big.iso")
row "verify" "$verify" "cmp" "$cmp_t" 1.0
echo
echo "CPU per sector of the check chain (bench_checks.sh):"
"$(dirname "$0")/bench_checks.sh" "$build" "$minutes" 3 | sed -n '/^CPU time/,$p'
