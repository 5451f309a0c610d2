#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright's SAO CD writer against `cdrdao write` on the same emulated
# blank CD-R in one run (issue 8's benchmark), reported as ratios; never a
# pass/fail threshold.
#   Usage: tests/bench/bench_burn_cd.sh BUILD_DIR [MINUTES]   (default 74)
# Two images of MINUTES minutes each:
#   audio  one audio track of random PCM (a cue for discwright, a TOC file
#          for cdrdao over the same bin);
#   mixed  a Mode 1 track (a third of the sectors, real EDC/ECC: an ISO of
#          random data ripped to BIN/CUE) and an audio track after a 2 s
#          PREGAP, as MODE1_RAW + AUDIO for cdrdao.
# Each is burned with `discwright burn --write-mode sao --no-verify` and
# with `cdrdao write -n` to its own blank (state file), and the script
# prints the wall time (s), the ratio discwright / cdrdao, and each one's
# peak resident memory (GNU time's maximum RSS, MiB).  The emulator's
# writes cost no time, so the ratio is the writers' own work per sector
# (reading the image, building the sectors, the SCSI round trips); the
# images take 3 x 2 x the disc's size on /tmp (kept with DW_BENCH_KEEP=1).
set -euo pipefail
. "$(dirname "$0")/bench_lib.sh"
build=$(cd "${1:?usage: bench_burn_cd.sh BUILD_DIR [MINUTES]}" && pwd)
minutes=${2:-74}
dw="$build/discwright"
preload="$build/tests/emu/libdwemu_preload.so"
[ -f "$preload" ] || { echo "bench: $preload not built" >&2; exit 1; }
command -v cdrdao >/dev/null || { echo "bench: needs cdrdao" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (/usr/bin/time)" >&2; exit 1; }
work=$(mktemp -d /tmp/dw-bench-burn.XXXXXX)
trap '[ -n "${DW_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
sectors=$((minutes * 60 * 75))
data_sectors=$((sectors / 3))
audio_sectors=$((sectors - data_sectors - 150))
capacity=$((sectors + 1000))

echo "generating a $minutes-minute audio image and a mixed-mode image ($sectors sectors each)..."
bench_audio_image "$work" audio "$sectors"
# cdrdao reads raw audio files as big-endian samples: its copies are swapped.
dd if="$work/audio.bin" of="$work/audio-be.bin" conv=swab bs=1M status=none
printf 'CD_DA\nTRACK AUDIO\nFILE "audio-be.bin" 0\n' >"$work/audio.toc"
bench_data_image "$dw" "$work" data "$data_sectors"
head -c $((audio_sectors * 2352)) /dev/urandom >"$work/mixed-audio.bin"
dd if="$work/mixed-audio.bin" of="$work/mixed-audio-be.bin" conv=swab bs=1M status=none
cat >"$work/mixed.cue" <<EOF
FILE "data.bin" BINARY
  TRACK 01 MODE1/2352
    INDEX 01 00:00:00
FILE "mixed-audio.bin" BINARY
  TRACK 02 AUDIO
    PREGAP 00:02:00
    INDEX 01 00:00:00
EOF
cat >"$work/mixed.toc" <<EOF
CD_ROM
TRACK MODE1_RAW
DATAFILE "data.bin"
TRACK AUDIO
PREGAP 00:02:00
FILE "mixed-audio-be.bin" 0
EOF

# run NAME STATE CMD...: wall seconds and peak RSS (KiB) into $work/NAME.{t,m}
run() {
  local name=$1 state=$2
  shift 2
  rm -f "$state" "$state.sectors"
  sync # the previous run's dirty pages are not this run's writeback
  (cd "$work" && env LD_PRELOAD="$preload" DW_EMU_CONFIG="blank=cdr capacity=$capacity state=$state" \
    /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>&1) || {
    echo "bench: $name failed:" >&2
    tail -5 "$work/$name.out" >&2
    exit 1
  }
  read -r t m <"$work/$name.time"
  echo "$t" >"$work/$name.t"
  echo "$m" >"$work/$name.m"
}

echo "image     discwright      cdrdao   ratio   peak RSS discwright / cdrdao"
for img in audio mixed; do
  # Each twice, alternating, the second run of each counted: both read
  # their image from the page cache then.
  for pass in 1 2; do
    run "dw-$img" "$work/dw-$img.state" "$dw" -q burn "$work/$img.cue" --drive /dev/sr0 \
      --write-mode sao --no-verify
    run "cdrdao-$img" "$work/cdrdao-$img.state" cdrdao write --device /dev/sr0 -n "$work/$img.toc"
  done
  printf "%-7s %10s s  %8s s  %6s   %6.1f MiB / %.1f MiB\n" "$img" \
    "$(cat "$work/dw-$img.t")" "$(cat "$work/cdrdao-$img.t")" \
    "$(ratio "$(cat "$work/dw-$img.t")" "$(cat "$work/cdrdao-$img.t")")" \
    "$(awk -v k="$(cat "$work/dw-$img.m")" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="$(cat "$work/cdrdao-$img.m")" 'BEGIN { print k / 1024 }')"
done
# Both wrote the same sectors: the emulator's sector files are equal.
for img in audio mixed; do
  if cmp -s "$work/dw-$img.state.sectors" "$work/cdrdao-$img.state.sectors"; then
    echo "$img: both discs hold the same sectors"
  else
    echo "$img: the discs differ ($(cmp "$work/dw-$img.state.sectors" "$work/cdrdao-$img.state.sectors" 2>&1 | head -1))"
  fi
done
