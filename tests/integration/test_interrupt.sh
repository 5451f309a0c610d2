#!/usr/bin/env bash
# Ctrl-C in the middle of a rip or a verify: cleanup, then the program ends by
# the signal (exit status 130), a message saying where
# it stopped, no output that looks complete (the log stays as .log.part, the
# bin as .bin.part with its map for rip --resume).
. "$(dirname "$0")/lib.sh"

# A silent CD of 100 minutes (449850 sectors, 1.06 GB, the longest layout
# a cue may have) as a sparse file: big enough that SIGINT after a
# fraction of a second always lands mid-rip, free on disk.
truncate -s $((449850 * 2352)) "$work/long.bin"
printf 'FILE "long.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n' > "$work/long.cue"

timeout --preserve-status -s INT 0.5 "$DW" rip "$work/long.cue" -o "$work/out" --name disc --mode burst \
  >"$work/out.txt" 2>"$work/err.txt"
rc=$?
[ $rc -eq 130 ] && ok "rip interrupted: ends by SIGINT (exit 130)" || bad "rip interrupted: exit $rc"
expect_stderr "stopped at sector" "rip says where it stopped"
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

# Verify compares faster than rip reads: two sparse ISO images of 2
# million sectors (4 GB, a DVD's worth) with an ISO 9660 volume descriptor
# set at sector 16 (a primary descriptor and a terminator).
for f in long.iso long2.iso; do
  truncate -s $((2000000 * 2048)) "$work/$f"
  printf '\001CD001\001' | dd of="$work/$f" bs=1 seek=32768 conv=notrunc status=none
  printf '\377CD001\001' | dd of="$work/$f" bs=1 seek=34816 conv=notrunc status=none
done
timeout --preserve-status -s INT 0.3 "$DW" verify "$work/long2.iso" "$work/long.iso" >"$work/out.txt" 2>"$work/err.txt"
rc=$?
[ $rc -eq 130 ] && ok "verify interrupted: ends by SIGINT (exit 130)" || bad "verify interrupted: exit $rc"
expect_stderr "verify stopped after" "verify says where it stopped"
grep -q "stopped after 2000000 of" "$work/err.txt" && bad "verify had finished before the signal" \
  || ok "the signal came mid-verify"
finish
