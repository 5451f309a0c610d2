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
# prints the wall time (s), the CPU time (user + sys, s, the emulator's
# work included: it runs in each writer's process), the ratios discwright /
# cdrdao of both, and each one's peak resident memory (GNU time's maximum
# RSS, MiB).  The emulator's writes cost no time, so the ratios are the
# writers' own work per sector (reading the image, building the sectors,
# the SCSI round trips) plus the emulator's; cdrdao's wall time also holds
# its own sleeps (waiting for its reader process), which is why the CPU
# ratio is printed too.  A last, untimed pass burns each image again with
# the emulator's trace and prints what each writer sent (WRITE commands,
# bytes, sectors per WRITE, other commands): the emulator's work is the
# same for both only where these match, and host sectors of 2048 bytes
# (cdrdao's MODE1_RAW data is sent as Mode 1 user data) make the emulator
# compute EDC/ECC, work that a drive does and that counts against the
# writer that sent them.  The images take 3 x 2 x the disc's size on /tmp
# (kept with DW_BENCH_KEEP=1).  DW_BENCH_SPEED=N turns on the emulator's
# timing model at N x for the timed runs (each WRITE then takes the time an
# N x burner takes for its sectors): the ratio then says whether each writer
# keeps the drive streaming (about 1.00 when both do); a 74-minute disc
# takes 74 / N minutes per burn, 8 burns.
set -euo pipefail
. "$(dirname "$0")/bench_lib.sh"
build=$(cd "${1:?usage: bench_burn_cd.sh BUILD_DIR [MINUTES]}" && pwd)
minutes=${2:-74}
dw="$build/discwright"
preload="$build/tests/emu/libdwemu_preload.so"
[ -f "$preload" ] || { echo "bench: $preload not built" >&2; exit 1; }
command -v cdrdao >/dev/null || { echo "bench: needs cdrdao" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (/usr/bin/time)" >&2; exit 1; }
timing=
if [ -n "${DW_BENCH_SPEED:-}" ]; then
  case $DW_BENCH_SPEED in
  *[!0-9]* | 0) echo "bench: DW_BENCH_SPEED must be a speed in x (1, 4, 48...)" >&2; exit 1 ;;
  esac
  timing=" speed=$DW_BENCH_SPEED timing=sleep"
fi
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
  (cd "$work" && env LD_PRELOAD="$preload" DW_EMU_CONFIG="blank=cdr capacity=$capacity state=$state$timing" \
    /usr/bin/time -f "%e %M %U %S" -o "$work/$name.time" "$@" >"$work/$name.out" 2>&1) || {
    echo "bench: $name failed:" >&2
    tail -5 "$work/$name.out" >&2
    exit 1
  }
  read -r t m u k <"$work/$name.time"
  echo "$t" >"$work/$name.t"
  echo "$m" >"$work/$name.m"
  awk -v u="$u" -v k="$k" 'BEGIN { printf "%.2f\n", u + k }' >"$work/$name.c"
}

# commands NAME STATE CMD...: one more burn, untimed, with the emulator's
# trace; prints what the writer sent (WRITEs, bytes, per-WRITE sizes in
# sectors of the track's block size, the other commands by name).
commands() {
  local name=$1 state=$2
  shift 2
  rm -f "$state" "$state.sectors"
  (cd "$work" && env LD_PRELOAD="$preload" DW_EMU_TRACE=1 \
    DW_EMU_CONFIG="blank=cdr capacity=$capacity state=$state" "$@" \
    >"$work/$name.trace" 2>&1) || {
    echo "bench: $name (traced) failed:" >&2
    tail -5 "$work/$name.trace" >&2
    exit 1
  }
  rm -f "$state" "$state.sectors" "$state.sub"
  # cdrdao's progress lines share stderr with the trace (no newline
  # before a trace line, \r between updates): split on both, match anywhere.
  awk -v name="$name" 'BEGIN { RS = "[\r\n]" }
    !match($0, /dwemu: [^ ]* SG_IO /) { next }
    { $0 = substr($0, RSTART); cmd = $0; sub(/^dwemu: [^ ]* SG_IO /, "", cmd); sub(/ \[.*/, "", cmd) }
    cmd ~ /^WRITE\(1[02]\)$/ {
      for (i = 1; i <= NF; i++) if ($i == "out") { n++; bytes += $(i + 1); size[$(i + 1)]++ }
      next
    }
    { other++; others[cmd]++ }
    END {
      sizes = ""
      for (b in size) sizes = sizes sprintf(" %dx%d B", size[b], b)
      printf "%-13s %6d WRITEs %11d bytes  sizes:%s\n", name, n, bytes, sizes
      line = ""
      for (c in others) line = line sprintf(" %s %d,", c, others[c])
      sub(/,$/, "", line)
      printf "%-13s %6d other commands:%s\n", "", other, line
    }' "$work/$name.trace"
}

[ -z "$timing" ] || echo "timed runs on the emulator's timing model at ${DW_BENCH_SPEED}x"
echo "image     wall: discwright   cdrdao  ratio   CPU: discwright   cdrdao  ratio   peak RSS discwright / cdrdao"
for img in audio mixed; do
  # Each twice, alternating, the second run of each counted: both read
  # their image from the page cache then.
  for _ in 1 2; do
    run "dw-$img" "$work/dw-$img.state" "$dw" -q burn "$work/$img.cue" --drive /dev/sr0 \
      --write-mode sao --no-verify
    run "cdrdao-$img" "$work/cdrdao-$img.state" cdrdao write --device /dev/sr0 -n "$work/$img.toc"
  done
  printf "%-7s %16s s %7s s %6s %15s s %7s s %6s   %6.1f MiB / %.1f MiB\n" "$img" \
    "$(cat "$work/dw-$img.t")" "$(cat "$work/cdrdao-$img.t")" \
    "$(ratio "$(cat "$work/dw-$img.t")" "$(cat "$work/cdrdao-$img.t")")" \
    "$(cat "$work/dw-$img.c")" "$(cat "$work/cdrdao-$img.c")" \
    "$(ratio "$(cat "$work/dw-$img.c")" "$(cat "$work/cdrdao-$img.c")")" \
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
# What each writer sent the emulator (untimed, traced).
echo "commands sent (untimed traced burns):"
for img in audio mixed; do
  commands "dw-$img" "$work/trace.state" "$dw" -q burn "$work/$img.cue" --drive /dev/sr0 \
    --write-mode sao --no-verify
  commands "cdrdao-$img" "$work/trace.state" cdrdao write --device /dev/sr0 -n "$work/$img.toc"
done
