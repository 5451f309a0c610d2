#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Jitter (issue 11): a drive without accurate stream starts READ CDs a few
# samples early or late, with no C2 flag.  On a generated disc of noise that
# no database knows (the rips are offline), with seeded jitter of 1 to 5
# samples and of hundreds (beyond what one overlapping sector can match):
#   - secure and test-and-copy rips end with every sector that differs from
#     the source listed bad (most end equal to the source), and the log says
#     where the overlapping reads found commands shifted;
#   - a paranoia rip with jitter across a track start (jitter:420-450:3:1,
#     track 2 from LBA 435) gives the source's bytes or lists the sectors
#     (one libcdio-paranoia session reads across the track boundary);
#   - a drive whose page 2Ah says "no accurate stream" while its shipped
#     profile says it has one gets secure mode's test pass: the drive's
#     answer of the moment wins.
. "$(dirname "$0")/preload_lib.sh"
need_preload
json_flat() { tr -d ' \n' <"$1"; }

# 3000 sectors of noise, track 2 from LBA 435 (00:05:60).
sectors=3000
head -c $((sectors * 2352)) /dev/urandom >"$work/disc.bin"
cat >"$work/disc.cue" <<CUE
FILE "disc.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 01 00:05:60
CUE
src=$work/disc.bin
# bad_sectors LOG: every LBA of the log's "bad: LBA a-b" lines
bad_sectors() {
  sed -n 's/^bad: LBA \([0-9]*\)-\([0-9]*\) .*/\1 \2/p' "$1" | while read -r a b; do seq "$a" "$b"; done | sort -u
}
# differing_sectors BIN: sectors whose bytes differ from the source
differing_sectors() { cmp -l "$1" "$src" 2>/dev/null | awk '{ print int(($1 - 1) / 2352) }' | sort -u; }

# rip_check NAME "CONFIG" MODE [ARGS...]: rip the emulated drive, then
# every sector that differs from the source must be listed bad.
rip_check() {
  local name=$1 config=$2 mode=$3 out=$work/$1
  shift 3
  EMU_CONFIG="medium=$work/disc.cue $config"
  emu "$DW" -q rip "$EMU_DEVICE" -o "$out" --name d --no-qscan --offline --mode "$mode" "$@" \
    >"$work/out.txt" 2>"$work/err.txt"
  local rc=$?
  if [ $rc != 3 ] && [ $rc != 5 ]; then
    bad "$name: exit $rc, wanted 3 or 5: $(head -3 "$work/err.txt" | tr '\n' '|')"
    return
  fi
  bad_sectors "$out/d.log" >"$work/$name.bad"
  differing_sectors "$out/d.bin" >"$work/$name.diff"
  local missing
  missing=$(comm -23 "$work/$name.diff" "$work/$name.bad" | head -20 | tr '\n' ' ')
  if [ -z "$missing" ]; then
    ok "$name: every sector that differs from the source is listed bad ($(wc -l <"$work/$name.diff") differ, $(wc -l <"$work/$name.bad") listed bad, exit $rc)"
  else
    bad "$name: sectors differ but are not listed bad: $missing($(wc -l <"$work/$name.diff") differ)"
  fi
}

# shifted NAME: the log says the overlapping reads found shifted commands.
shifted() {
  grep -q '^track 0[12]: LBA [0-9]*-[0-9]*: overlapping reads: [1-9][0-9]* read commands came shifted' \
    "$work/$1/d.log" && ok "$1: the log says where read commands came shifted" ||
    bad "$1: no shifted read commands in the log: $(grep 'overlapping reads' "$work/$1/d.log" | head -2)"
}

# --- secure and test-and-copy: small jitter (1-5 samples) -------------------
for plan in jitter:300-700:1:3 jitter:300-700:3:7 jitter:300-700:5:11 jitter:0-2999:2:13; do
  for mode in secure test-and-copy; do
    name=${mode}-${plan//[:]/_}
    rip_check "$name" "c2=294 accurate=no faults=$plan" "$mode"
    shifted "$name"
  done
done
# A drive without C2 pointers: only the overlaps can tell.
rip_check secure-noc2 "c2=none accurate=no faults=jitter:300-700:4:5" secure
shifted secure-noc2
same_file "$work/secure-noc2/d.bin" "$src" "secure-noc2: the bin equals the source (every shift was found and undone)"

# --- large jitter -------------------------------------------------------------
# Up to 300 samples: the overlaps still match, at the shift.  Up to 700:
# some shifts lie beyond what one overlapping sector can match (524
# samples); those commands are read again.
for plan in jitter:300-700:300:7 jitter:300-700:700:5 jitter:420-450:600:2; do
  for mode in secure test-and-copy; do
    name=${mode}-${plan//[:]/_}
    rip_check "$name" "c2=294 accurate=no faults=$plan" "$mode"
  done
done
grep -q 'overlaps matched at no shift within 524 samples; [0-9]* sectors realigned, [1-9][0-9]* re-read for their alignment' \
  "$work/secure-jitter_300-700_700_5/d.log" &&
  ok "secure-jitter_300-700_700_5: shifts beyond the overlap's reach were re-read" ||
  bad "secure-jitter_300-700_700_5: $(grep 'overlapping reads' "$work/secure-jitter_300-700_700_5/d.log")"

# --- a clean disc costs one overlapping sector a command ----------------------
rip_check secure-clean "c2=294" secure
same_file "$work/secure-clean/d.bin" "$src" "secure-clean: the bin equals the source"
if grep -q 'overlapping reads' "$work/secure-clean/d.log" || grep -q '^re-read: ' "$work/secure-clean/d.log"; then
  bad "secure-clean: jitter found or sectors re-read on a clean disc"
else
  ok "secure-clean: no jitter found, nothing re-read"
fi

# --- paranoia: jitter across the start of track 2 -----------------------------
for plan in jitter:420-450:3:1 jitter:420-450:1:4 jitter:420-450:300:1; do
  name=paranoia-${plan//[:]/_}
  rip_check "$name" "c2=294 faults=$plan" paranoia
done
same_file "$work/paranoia-jitter_420-450_3_1/d.bin" "$src" \
  "paranoia-jitter_420-450_3_1: the bin equals the source (track 2 is not shifted)"

# --- the drive's page 2Ah against its shipped profile -------------------------
# The shipped profile of the emulated drive says "accurate stream
# supported"; with accurate=no its page 2Ah says otherwise, and that wins.
EMU_CONFIG="medium=$work/disc.cue c2=294 accurate=no"
expect_exit 5 "page 2Ah 'no accurate stream' against the shipped profile: secure rip" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/pg" --name d --no-qscan --offline --mode secure
grep -q "^drive profile: $DW_SOURCE/profiles/drives/dwemu_virtual_mmc-6.json .*accurate stream supported" "$work/pg/d.log" &&
  ok "page 2Ah: the shipped profile (accurate stream supported) was used" ||
  bad "page 2Ah: $(grep '^drive profile' "$work/pg/d.log")"
grep -q "^the drive has no accurate stream (its page 2Ah): secure mode reads every sector twice" "$work/pg/d.log" &&
  json_flat "$work/pg/d.json" | grep -q '"test_pass":true' &&
  grep -q '^track 01: test CRC [0-9a-f]*, copy CRC [0-9a-f]*: match$' "$work/pg/d.log" &&
  ok "page 2Ah: the drive's answer wins: secure mode adds the test pass" ||
  bad "page 2Ah: no test pass: $(grep -i 'accurate' "$work/pg/d.log" | head -3 | tr '\n' '|')"
grep -q "^warning: accurate stream: the drive says unsupported now (MODE SENSE page 2Ah), its profile says supported" "$work/pg/d.log" &&
  ok "page 2Ah: the log says the drive and its profile disagree" || bad "page 2Ah: the disagreement is not logged"
# And the other way round: the drive says accurate, a user profile says
# not: the drive's answer wins again (no test pass).
cfg=$work/cfg/discwright/profiles/drives
mkdir -p "$cfg"
sed 's/"accurate_stream":"supported"/"accurate_stream":"unsupported"/' \
  "$DW_SOURCE/profiles/drives/dwemu_virtual_mmc-6.json" >"$cfg/dwemu_virtual_mmc-6.json"
EMU_CONFIG="medium=$work/disc.cue c2=294"
expect_exit 5 "page 2Ah 'accurate stream' against a profile saying not: secure rip" -- \
  env XDG_CONFIG_HOME="$work/cfg" LD_PRELOAD="$EMU_PRELOAD" DW_EMU_DEVICE="$EMU_DEVICE" \
  DW_EMU_CONFIG="$EMU_CONFIG" "$DW" -q rip "$EMU_DEVICE" -o "$work/pg2" --name d --no-qscan --offline --mode secure
json_flat "$work/pg2/d.json" | grep -q '"accurate_stream":"unsupported","test_pass":false' &&
  ! grep -q 'test CRC' "$work/pg2/d.log" &&
  ok "page 2Ah: a profile's 'unsupported' does not outvote the drive (no test pass)" ||
  bad "page 2Ah: $(json_flat "$work/pg2/d.json" | grep -o '"drive_profile":{[^}]*}')"
finish
