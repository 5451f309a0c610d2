#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Secure mode and C2 errors that clear on re-read (the emulator's
# c2-transient fault): on a generated two-track audio disc whose sectors
# carry C2 flags and damaged bytes on their first K reads, 'rip --mode
# secure' exits 0 with the bin equal to the source; the log and the JSON
# report say which sectors were C2-flagged, re-read and recovered, none bad;
# and only those sectors are re-read, at most (K + 1) times each: the fault
# plan, not the clock, bounds the work.  Then the same with a drive read
# offset corrected (--offset), where each output sector spans two drive
# sectors.
. "$(dirname "$0")/preload_lib.sh"
need_preload

# --- the disc and the plan -------------------------------------------------
# 6000 sectors of random PCM, track 2 from LBA 3000.  Fault ranges lie more
# than 2000 sectors from each other's cache-defeating seeks (secure mode
# reads a sector 2000 away before each re-read), and one spans the track
# boundary.
sectors=6000 track2=3000
head -c $((sectors * 2352)) /dev/urandom >"$work/disc.bin"
cat >"$work/disc.cue" <<EOF
FILE "disc.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 01 00:40:00
EOF
# FIRST LAST K: LBAs FIRST..LAST read with C2 damage K times each.
plan="100 104 1
1500 1502 2
2998 3001 1
4000 4007 3"
faults=$(echo "$plan" | awk '{ printf "%sc2-transient:%d-%d:%d", (NR > 1 ? "," : ""), $1, $2, $3 }')

# expected SHIFT TRACK: "sectors bound" for the output sectors of TRACK
# (1: LBA 0-2999, 2: 3000-5999) a fault range touches when each output
# sector L also holds SHIFT sectors' worth of drive sector L + 1 (0 or 1):
# how many there are, and (K + 1) re-reads of each, the most a run-wise
# re-read needs (the first read is pass 1; K - 1 more are flagged; two clean
# reads must agree).
expected() {
  echo "$plan" | awk -v shift="$1" -v t="$2" -v b="$track2" -v end="$sectors" '
    { lo = $1 - shift; hi = $2
      if (t == 1) { if (hi > b - 1) hi = b - 1 } else { if (lo < b) lo = b; if (hi > end - 1) hi = end - 1 }
      if (hi >= lo) { n += hi - lo + 1; bound += (hi - lo + 1) * ($3 + 1) } }
    END { print n + 0, bound + 0 }'
}
# planned_sectors SHIFT: every output sector a fault range touches, one a line
planned_sectors() { echo "$plan" | while read -r a b _; do seq $((a - $1)) "$b"; done | sort -n; }
# track_int JSON TRACK KEY: an integer member of the rip report's track TRACK
# (its "tracks" entry, the one with "first_lba"), nested "secure" included
track_int() {
  tr -d ' \n' <"$1" | awk -v RS='[{]"number":' -v t="$2" -v k="\"$3\":" '
    index($0, t ",\"first_lba\":") == 1 && (i = index($0, k)) {
      s = substr($0, i + length(k)); sub(/[^0-9].*/, "", s); print s; exit }'
}
# reread_sectors LOG: the re-read sectors the log lists, one a line
reread_sectors() {
  sed -n 's/^re-read: LBA \(-\{0,1\}[0-9]*\)-\(-\{0,1\}[0-9]*\)$/\1 \2/p' "$1" |
    while read -r a b; do seq "$a" "$b"; done | sort -n
}

# check NAME SHIFT EXACT: the report and log of the rip in $work/NAME.
# EXACT=yes: every planned sector must have been flagged; no: a subset (with
# an offset the reader reads the drive sector at each transfer boundary
# twice, which may spend a sector's K flagged reads before the output
# sector that holds most of it is read: then that one reads clean at once).
check() {
  local name=$1 shift=$2 exact=$3 out=$work/$1 t n bound c2 rec rr rrs bad
  local total=0
  for t in 1 2; do
    read -r n bound < <(expected "$shift" "$t")
    c2=$(track_int "$out/d.json" "$t" c2_sectors)
    rec=$(track_int "$out/d.json" "$t" recovered)
    rr=$(track_int "$out/d.json" "$t" rereads)
    rrs=$(track_int "$out/d.json" "$t" sectors_reread)
    bad=$(track_int "$out/d.json" "$t" sectors_bad)
    total=$((total + ${rrs:-0}))
    if [ -n "$c2" ] && [ "$c2" -ge 1 ] && [ "$c2" -le "$n" ] && { [ "$exact" = no ] || [ "$c2" = "$n" ]; } &&
      [ "$rec" = "$c2" ] && [ "$rrs" = "$c2" ] && [ "$bad" = 0 ]; then
      ok "$name: track $t: $c2 sectors C2-flagged, re-read and recovered, none bad (plan: $n)"
    else
      bad "$name: track $t: c2_sectors=$c2 recovered=$rec sectors_reread=$rrs sectors_bad=$bad, plan $n"
    fi
    [ -n "$rr" ] && [ "$rr" -ge $((2 * ${c2:-0})) ] && [ "$rr" -le "$bound" ] &&
      ok "$name: track $t: $rr sector re-reads, within [2 x $c2, $bound] from the fault plan" ||
      bad "$name: track $t: rereads=$rr, wanted 2 x $c2 to $bound"
    # One line per window that had suspicious sectors (windows are sized to
    # a few seconds of reading): their C2 counts add up to the track's.
    logged=$(sed -n "s/^track 0$t: \([0-9]*\) suspicious sectors (\([0-9]*\) C2-flagged, 0 unreadable): re-reading them.*/\2/p" \
      "$out/d.log" | awk '{ s += $1 } END { print s + 0 }')
    [ "$logged" = "$c2" ] &&
      ok "$name: track $t: the log counts $c2 C2-flagged sectors" ||
      bad "$name: track $t: log says '$(grep "^track 0$t: .*suspicious" "$out/d.log")'"
  done
  reread_sectors "$out/d.log" >"$work/$name.reread"
  planned_sectors "$shift" >"$work/$name.planned"
  if { [ "$exact" = yes ] && cmp -s "$work/$name.reread" "$work/$name.planned"; } ||
    { [ "$exact" = no ] && [ -s "$work/$name.reread" ] &&
      [ -z "$(comm -23 "$work/$name.reread" "$work/$name.planned")" ]; }; then
    ok "$name: the log lists $( [ "$exact" = yes ] && echo exactly || echo only) the faulty sectors as re-read"
  else
    bad "$name: re-read $(grep '^re-read: LBA' "$out/d.log" | tr '\n' ' ')"
  fi
  tr -d ' \n' <"$out/d.json" >"$work/$name.flat"
  grep -q '"bad":\[\]' "$work/$name.flat" && grep -q '"verdict":"secure,unconfirmed' "$work/$name.flat" &&
    grep -q "^sectors read: $sectors   re-read: $total   bad: 0\$" "$out/d.log" &&
    ok "$name: $total sectors re-read in all, none bad, verdict secure but unconfirmed (offline)" ||
    bad "$name: $(grep '^sectors read' "$out/d.log"); $(grep -o '"bad":\[[^]]*\]' "$work/$name.flat")"
}

# --- no read offset ---------------------------------------------------------
EMU_CONFIG="medium=$work/disc.cue c2=294 faults=$faults"
expect_exit 5 "secure rip with C2 errors that clear on re-read ($faults)" -- \
  emu "$DW" --json rip "$EMU_DEVICE" -o "$work/plain" --name d --mode secure --no-qscan --offline
same_file "$work/plain/d.bin" "$work/disc.bin" "plain: the bin equals the source"
check plain 0 yes

# --- a read offset of +48 samples, corrected --------------------------------
# Output sector L is drive sector L from byte 192 on, then the first 192
# bytes of drive sector L + 1: a fault range FIRST..LAST damages output
# sectors FIRST - 1..LAST (the 16 damaged bytes of a sector are spread over
# it, some within its first 192 bytes for every range here).  The last 48
# samples of the disc lie in the lead-out: zero-filled.
EMU_CONFIG="medium=$work/disc.cue c2=294 offset=48 faults=$faults"
expect_exit 5 "secure rip with the same faults and --offset 48" -- \
  emu "$DW" --json rip "$EMU_DEVICE" -o "$work/offset" --name d --mode secure --no-qscan --offline --offset 48
keep=$((sectors * 2352 - 192))
if cmp -s -n "$keep" "$work/offset/d.bin" "$work/disc.bin" &&
  [ "$(tail -c 192 "$work/offset/d.bin" | tr -d '\0' | wc -c)" = 0 ]; then
  ok "offset: the bin equals the source but for the zero-filled last 48 samples"
else
  bad "offset: the bin differs from the source ($(cmp -n "$keep" "$work/offset/d.bin" "$work/disc.bin" 2>&1 | head -1))"
fi
check offset 1 no
finish
