#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Ctrl-C in the middle of a rip or a verify: the program cleans up, then
# ends by the signal (exit status 130), with a message saying where
# it stopped, no output that looks complete (the log stays as .log.part, the
# bin as .bin.part with its map for rip --resume).
#
# The signal goes out when the program shows it is at work, never after a
# fixed delay: the rip once its NAME.bin.part holds data (the CLI installs
# its handler before the rip opens its outputs), the verify once it has
# drawn its progress line (drawn from the callback that also honours the
# signal; only on a terminal, so the verify runs under script(1)'s
# pseudo-terminal).
. "$(dirname "$0")/lib.sh"
need_tool script

# A silent CD of 100 minutes (449850 sectors, 1.06 GB, the longest layout
# a cue may have) as a sparse file: long enough that the job is still
# running when its sign appears, free on disk.
truncate -s $((449850 * 2352)) "$work/long.bin"
printf 'FILE "long.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n' > "$work/long.cue"

"$DW" rip "$work/long.cue" -o "$work/out" --name disc --mode burst >"$work/out.txt" 2>"$work/err.txt" &
pid=$!
wait_for "$pid" "rip: disc.bin.part holds data" -- test -s "$work/out/disc.bin.part" &&
  kill -INT "$pid"
wait "$pid"
rc=$?
[ $rc -eq 130 ] && ok "rip interrupted: ends by SIGINT (exit 130)" || bad "rip interrupted: exit $rc"
expect_stderr "stopped at sector" "rip says where it stopped"
grep -q "stopped at sector 449850 of" "$work/err.txt" && bad "the rip had finished before the signal" \
  || ok "the signal came mid-rip"
[ -e "$work/out/disc.bin" ] || [ -e "$work/out/disc.cue" ] \
  && bad "rip left $(ls "$work/out")" || ok "no bin or cue left"
# What was read is kept for `rip --resume`, under names that do not look
# complete: the .part and the map saying how much of it is final.
if [ -e "$work/out/disc.bin.part" ]; then
  grep -q '"complete":false' <(tr -d ' \n' <"$work/out/disc.map") \
    && grep -q -- "--resume" "$work/out/disc.log.part" \
    && ok "disc.bin.part kept with disc.map (complete: false) and the log says --resume" \
    || bad "disc.bin.part without a map saying it is incomplete: $(ls "$work/out")"
else
  [ -e "$work/out/disc.map" ] && bad "a map without its .part" || ok "nothing final yet: no .part, no map"
fi
[ -e "$work/out/disc.log.part" ] && grep -q "verdict: failed" "$work/out/disc.log.part" \
  && ok "the log stays as disc.log.part with the verdict" || bad "no log.part: $(ls "$work/out")"

cp --sparse=always "$work/long.bin" "$work/long2.bin"
sed 's/long.bin/long2.bin/' "$work/long.cue" > "$work/long2.cue"
printf 'echo $$ >%q\nexec %q verify %q %q\n' "$work/verify.pid" "$DW" \
  "$work/long2.cue" "$work/long.cue" >"$work/verify.sh"
# script -e: its exit status is the verify's; -f: the typescript (here its
# stdout) is written as the verify writes.
script -qfec "bash $(printf %q "$work/verify.sh")" /dev/null >"$work/err.txt" 2>&1 </dev/null &
spid=$!
wait_for "$spid" "verify: its progress line" -- grep -q "verify .* sectors" "$work/err.txt" &&
  kill -INT "$(cat "$work/verify.pid")"
wait "$spid"
rc=$?
[ $rc -eq 130 ] && ok "verify interrupted: ends by SIGINT (exit 130)" || bad "verify interrupted: exit $rc"
expect_stderr "verify stopped after" "verify says where it stopped"
grep -q "stopped after 449850 of" "$work/err.txt" && bad "verify had finished before the signal" \
  || ok "the signal came mid-verify"
finish
