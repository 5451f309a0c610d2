#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Ctrl-C during a burn through discwright's own SAO writer
# (src/burn/cdwrite.c) on an emulated CD-R writing at 4x (the emulator's
# timing model, speed=4, so the burn takes its time): SIGINT is sent once
# the emulator's SCSI trace shows WRITEs going out, and then
#  - the burn stops between two WRITEs and the process ends by SIGINT
#    (exit 130 in the shell) after its cleanup;
#  - the message says where it stopped and that the CD-R is now likely
#    unusable;
#  - after the last WRITE the drive got SYNCHRONIZE CACHE and PREVENT ALLOW
#    MEDIUM REMOVAL 0: the tray the burn locked is unlocked (the trace's
#    "the tray was not locked" when the process closes the drive);
#  - no verify ran.
. "$(dirname "$0")/preload_lib.sh"
need_preload

# 3000 sectors of audio: 10 s at 4x, far longer than the wait for the sign.
head -c $((2352 * 3000)) /dev/urandom >"$work/b.bin"
printf 'FILE "b.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n' >"$work/b.cue"

trace=$work/trace.txt
env LD_PRELOAD="$EMU_PRELOAD" DW_EMU_DEVICE="$EMU_DEVICE" DW_EMU_TRACE=1 \
  DW_EMU_CONFIG="blank=cdr capacity=20000 state=$work/cd.state speed=4" \
  "$DW" burn "$work/b.cue" --drive "$EMU_DEVICE" --write-mode sao >"$work/out.txt" 2>"$trace" &
pid=$!
# The sign: a WRITE of the program area answered (the trace's line).
wrote() { grep -q "WRITE(10) .* -> GOOD" "$trace"; }
wait_for "$pid" "sigint: the burn writes" -- wrote && ok "sigint: the trace shows WRITEs going out"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" = 130 ] && ok "sigint: the burn ends by SIGINT after its cleanup (exit 130)" ||
  bad "sigint: exit $rc, wanted 130: $(grep '^discwright' "$trace" | tail -3)"
grep -qE "^discwright: burn to '/dev/sr0' stopped at sector [0-9]+ of 3150: the CD-R is now likely unusable" "$trace" &&
  ok "sigint: the message says where the burn stopped and that the CD-R is likely unusable" ||
  bad "sigint: message: $(grep '^discwright' "$trace" | tail -3)"
# What the drive got after the last WRITE, in order.
after=$(awk '/ WRITE\(10\) / { n = NR } { line[NR] = $0 } END { for (i = n + 1; i <= NR; i++) print line[i] }' "$trace" |
  grep -oE "(SYNCHRONIZE CACHE|PREVENT ALLOW MEDIUM REMOVAL) \[[0-9a-f ]+\]" | head -2 | tr '\n' ';')
[ "$after" = "SYNCHRONIZE CACHE [35 00 00 00 00 00 00 00 00 00];PREVENT ALLOW MEDIUM REMOVAL [1e 00 00 00 00 00];" ] &&
  ok "sigint: after the last WRITE: SYNCHRONIZE CACHE, then PREVENT ALLOW MEDIUM REMOVAL 0 (unlock)" ||
  bad "sigint: after the last WRITE: '$after'"
grep -q "PREVENT ALLOW MEDIUM REMOVAL \[1e 00 00 00 01 00\] none 0 -> GOOD" "$trace" &&
  ok "sigint: the burn had locked the tray while it wrote" || bad "sigint: no PREVENT ALLOW 1 in the trace"
grep -q "closed (last user; the tray was not locked)" "$trace" &&
  ok "sigint: the emulated drive is left unlocked when the process closes it" ||
  bad "sigint: close: $(grep 'closed' "$trace" | tail -2)"
writes=$(grep -c "WRITE(10) .* -> GOOD" "$trace")
[ "$writes" -lt $((3150 / 27)) ] && ok "sigint: the burn stopped early ($writes of 117 WRITEs)" ||
  bad "sigint: $writes WRITEs went out: the burn was not stopped"
grep -q "verif" "$work/out.txt" && bad "sigint: a verify ran: $(head -3 "$work/out.txt")" ||
  ok "sigint: no verify after the stop"

finish
