#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Ctrl-C during the first track of a secure rip keeps something to resume:
# secure mode settles a window every few seconds of reading (windows sized
# to the speed the last one was read at), so the map moves on within the
# first track, and --resume reads only the rest.  The drive is slow (the
# emulator's timing model at 2x) and the track long (4000 sectors, 27 s).
. "$(dirname "$0")/preload_lib.sh"
need_preload
json_int() { tr -d ' \n' <"$1" 2>/dev/null | sed -n "s/.*\"$2\":\(-\{0,1\}[0-9]*\).*/\1/p" | head -1; }

sectors=4200
head -c $((sectors * 2352)) /dev/urandom >"$work/disc.bin"
printf 'FILE "disc.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 00:53:25\n' \
  >"$work/disc.cue"
EMU_CONFIG="medium=$work/disc.cue speed=2"
out=$work/rip
env LD_PRELOAD="$EMU_PRELOAD" DW_EMU_DEVICE="$EMU_DEVICE" DW_EMU_CONFIG="$EMU_CONFIG" \
  "$DW" -q rip "$EMU_DEVICE" -o "$out" --name d --no-qscan --offline --mode secure \
  >"$work/rip.out" 2>"$work/rip.err" &
pid=$!
# The sign: the map says some sectors are final (within the first track).
final=
for _ in $(seq 2000); do
  final=$(json_int "$out/d.map" final_lba)
  [ -n "$final" ] && [ "$final" -gt 0 ] && break
  kill -0 "$pid" 2>/dev/null || break
  read -rt 0.01 <> <(:) || true
done
if [ -n "$final" ] && [ "$final" -gt 0 ] && [ "$final" -lt 4000 ]; then
  ok "the map is settled within the first track (final LBA $final of its 4000)"
else
  bad "no map settled within the first track (final '$final')"
fi
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
[ "$rc" = 130 ] && ok "Ctrl-C ends the rip by SIGINT (exit 130)" || bad "exit $rc after SIGINT"
final=$(json_int "$out/d.map" final_lba)
[ -f "$out/d.bin.part" ] && [ ! -e "$out/d.bin" ] && [ -n "$final" ] && [ "$final" -gt 0 ] &&
  ok "d.bin.part and a map with $final final sectors stay for --resume" ||
  bad "left $(ls "$out"), final '$final'"
cmp -s <(head -c $((final * 2352)) "$out/d.bin.part") <(head -c $((final * 2352)) "$work/disc.bin") &&
  ok "the final sectors are the disc's" || bad "the .part differs below LBA $final"
EMU_CONFIG="medium=$work/disc.cue"
expect_exit 5 "--resume finishes the rip" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$out" --name d --no-qscan --offline --mode secure --resume
same_file "$out/d.bin" "$work/disc.bin" "the bin equals the source"
kept=$(json_int "$out/d.json" sectors_kept)
[ -n "$kept" ] && [ "$kept" -ge "$final" ] && ok "$kept sectors were kept from the first run" ||
  bad "kept '$kept'"
finish
