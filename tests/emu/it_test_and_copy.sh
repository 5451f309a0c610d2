#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Test-and-copy on an emulated drive whose audio jitters (a drive without
# accurate stream: a pseudo-random half of the READ CDs touching a range
# come 1 to 300 samples early or late, with no C2 flag).  Secure mode's
# overlapping reads find the shifted commands and put them back in place;
# test-and-copy reads every sector again from other starting LBAs,
# re-reads the ones whose reads differ until two agree, and ends with the
# source's bytes; so does secure mode on a drive whose page 2Ah says it
# has no accurate stream (it adds the test pass).  On a clean disc the
# test and copy CRCs match and nothing is re-read.
. "$(dirname "$0")/preload_lib.sh"
need_preload
json_flat() { tr -d ' \n' <"$1"; }

sectors=9000 # track 1 (5250 sectors) spans two of secure mode's windows
head -c $((sectors * 2352)) /dev/urandom >"$work/disc.bin"
cat >"$work/disc.cue" <<CUE
FILE "disc.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 01 01:10:00
CUE
src=$work/disc.bin
rip() { emu "$DW" -q rip "$EMU_DEVICE" -o "$work/$1" --name d --no-qscan --offline "${@:2}"; }
differing() { cmp -l "$1" "$src" 2>/dev/null | awk '{ print int(($1 - 1) / 2352) }' | sort -un | wc -l; }

EMU_CONFIG="medium=$work/disc.cue c2=294"
expect_exit 5 "clean disc: test-and-copy (exit 5: offline, unconfirmed)" -- rip clean --mode test-and-copy
same_file "$work/clean/d.bin" "$src" "clean: the bin equals the source"
n=$(grep -c '^track 0[12]: test CRC \([0-9a-f]\{8\}\), copy CRC \1: match$' "$work/clean/d.log")
[ "$n" = 2 ] && ok "clean: both tracks' test and copy CRCs match" || bad "clean: $(grep 'test CRC' "$work/clean/d.log")"
json_flat "$work/clean/d.json" | grep -q '"sectors_reread":0,' && ok "clean: nothing re-read" \
  || bad "clean: $(json_flat "$work/clean/d.json" | grep -o '"sectors_reread":[0-9]*' | head -2)"

EMU_CONFIG="medium=$work/disc.cue c2=294 faults=jitter:1000-1300:300:7"
# A command that touches the range comes off as a whole: the sectors
# affected lie within one command (26 sectors) of it.
lo=974 hi=1326
expect_exit 5 "jitter: secure rip" -- rip secure --mode secure
same_file "$work/secure/d.bin" "$src" "jitter: the secure bin equals the source (the overlaps found every shift)"
grep -q '^track 01: LBA [0-9]*-[0-9]*: overlapping reads: [1-9][0-9]* read commands came shifted (jitter, [0-9]* to [0-9]* samples)' "$work/secure/d.log" &&
  ok "jitter: the secure log says read commands came shifted" || bad "jitter: $(grep 'overlapping' "$work/secure/d.log")"
expect_exit 5 "jitter: test-and-copy rip" -- rip tc --mode test-and-copy
same_file "$work/tc/d.bin" "$src" "jitter: the test-and-copy bin equals the source"
grep -q '^track 01: test CRC [0-9a-f]\{8\}, copy CRC [0-9a-f]\{8\}: differ' "$work/tc/d.log" \
  && ok "jitter: the log says track 1's test and copy CRCs differ" || bad "jitter: $(grep 'test CRC' "$work/tc/d.log")"
diffs=$(json_flat "$work/tc/d.json" | grep -o '"sectors_differing":[0-9]*' | head -1 | cut -d: -f2)
[ -n "$diffs" ] && [ "$diffs" -gt 0 ] && [ "$diffs" -le $((hi - lo + 1)) ] \
  && ok "jitter: $diffs sectors differed between the passes, all near the jittered range" \
  || bad "jitter: sectors_differing '$diffs'"
awk -v lo=$lo -v hi=$hi '/^re-read: LBA/ { split($3, a, "-"); if (a[1] < lo || a[2] > hi) bad = 1 } END { exit bad }' "$work/tc/d.log" \
  && ok "jitter: only sectors near the jittered range were re-read" || bad "jitter: $(grep '^re-read' "$work/tc/d.log" | head -3)"

# Secure mode on a drive that says (page 2Ah) it has no accurate stream
# reads every window twice too, and gets the jittered sectors right.
EMU_CONFIG="medium=$work/disc.cue c2=294 accurate=no faults=jitter:1000-1300:300:7"
expect_exit 5 "jitter: secure rip on a drive without accurate stream" -- rip noacc --mode secure
same_file "$work/noacc/d.bin" "$src" "no accurate stream: the secure bin equals the source"
grep -q "^the drive has no accurate stream (its page 2Ah): secure mode reads every sector twice" "$work/noacc/d.log" \
  && ok "no accurate stream: the log says why it reads twice" || bad "no accurate stream: not in the log"
finish
