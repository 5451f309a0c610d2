#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Resuming rips from their sector map (NAME.map): a rip cut off by the
# medium vanishing keeps NAME.bin.part and the map and nothing that looks
# complete; `rip --resume` takes the final sectors from the .part and reads
# only the rest, in burst, secure and paranoia mode; after a complete rip
# with bad sectors, a second drive (with another read offset) reads only
# those; a map of another disc, a truncated .part and a missing map are
# handled with clear messages.
. "$(dirname "$0")/preload_lib.sh"
need_preload
json_int() { tr -d ' \n' <"$1" | sed -n "s/.*\"$2\":\(-\{0,1\}[0-9]*\).*/\1/p" | head -1; }

# A three-track audio disc of random PCM: 12000 sectors.
sectors=12000
head -c $((sectors * 2352)) /dev/urandom >"$work/disc.bin"
cat >"$work/disc.cue" <<EOF
FILE "disc.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 01 01:00:00
  TRACK 03 AUDIO
    INDEX 01 02:00:00
EOF
src=$work/disc.bin
rip() { emu "$DW" -q rip "$EMU_DEVICE" -o "$work/$1" --name d --no-qscan --offline "${@:2}"; }

for mode in burst secure paranoia; do
  # Secure mode settles 4500 sectors at a time; a few hundred read
  # commands get it past the first window whatever the transfer size.
  EMU_CONFIG="medium=$work/disc.cue c2=294 faults=medium-gone-after:400"
  expect_exit 1 "$mode: the medium vanishes mid-rip" -- rip $mode --mode $mode
  d=$work/$mode
  [ -f "$d/d.bin.part" ] && [ -f "$d/d.map" ] && [ ! -e "$d/d.bin" ] && [ ! -e "$d/d.cue" ] \
    && ok "$mode: d.bin.part and d.map kept, no d.bin or d.cue" || bad "$mode: left $(ls "$d")"
  final=$(json_int "$d/d.map" final_lba)
  complete=$(tr -d ' \n' <"$d/d.map" | grep -o '"complete":[a-z]*')
  [ -n "$final" ] && [ "$final" -gt 0 ] && [ "$final" -lt $sectors ] && [ "$complete" = '"complete":false' ] \
    && ok "$mode: the map says sectors below $final are final" || bad "$mode: map final_lba '$final' $complete"
  cmp -s <(head -c $((final * 2352)) "$d/d.bin.part") <(head -c $((final * 2352)) "$src") \
    && ok "$mode: the .part holds the source's bytes below the map's final LBA" \
    || bad "$mode: the .part differs below LBA $final"
  grep -q -- "--resume" "$d/d.log.part" && ok "$mode: the log says how to go on" \
    || bad "$mode: no --resume hint in the log"

  EMU_CONFIG="medium=$work/disc.cue c2=294"
  expect_exit 5 "$mode: --resume" -- rip $mode --mode $mode --resume
  same_file "$d/d.bin" "$src" "$mode: the resumed bin equals the source"
  kept=$(json_int "$d/d.json" sectors_kept)
  read_now=$(json_int "$d/d.json" sectors_read)
  [ "$kept" = "$final" ] && [ "$read_now" = $sectors ] \
    && ok "$mode: $kept sectors kept from the first run, the rest read" \
    || bad "$mode: kept '$kept' (map said $final), read '$read_now'"
  tr -d ' \n' <"$d/d.map" | grep -q '"complete":true' && ok "$mode: the map now says complete" \
    || bad "$mode: map not complete"
done

# A second drive fills what the first could not read: C2 errors that never
# clear on the first drive; the second drive has a read offset of +48
# samples, corrected with --offset 48, and reads only those sectors.
EMU_CONFIG="medium=$work/disc.cue c2=294 faults=c2:5000-5004"
expect_exit 3 "fill: the first drive leaves 5 sectors bad" -- rip fill --mode secure
tr -d ' \n' <"$work/fill/d.map" | grep -q '"first_lba":5000,"last_lba":5004,"sectors":5,"state":"c2-unconfirmed"' \
  && ok "fill: the map lists LBA 5000-5004 as c2-unconfirmed" || bad "fill: map $(tr -d ' \n' <"$work/fill/d.map")"
tr -d ' \n' <"$work/fill/d.json" | grep -q '"sector_map":{"file":"[^"]*d.map","sectors":12000,"final_lba":12000,"states":{"untried":0,"read":11995,"confirmed":0,"ecc_repaired":0,"unreadable":0,"c2-unconfirmed":5,' \
  && ok "fill: the report's sector_map counts the states" || bad "fill: $(tr -d ' \n' <"$work/fill/d.json" | grep -o '"sector_map":{[^}]*}')"
EMU_CONFIG="medium=$work/disc.cue c2=294 offset=48 faults=medium-gone-after:60"
expect_exit 5 "fill: the second drive (offset +48) reads only the bad sectors" -- \
  rip fill --mode secure --resume --offset 48
same_file "$work/fill/d.bin" "$src" "fill: the merged bin equals the source"
[ "$(json_int "$work/fill/d.json" sectors_kept)" = $((sectors - 5)) ] \
  && ok "fill: all other sectors came from the first rip" || bad "fill: kept $(json_int "$work/fill/d.json" sectors_kept)"
grep -q '^re-read: LBA 5000-5004' "$work/fill/d.log" && ok "fill: the log lists them as re-read" \
  || bad "fill: $(grep '^re-read' "$work/fill/d.log")"

# The map of another disc is refused and left alone.
cp "$work/fill/d.map" "$work/fill.map.before"
L=${FIX:+$FIX/libcdio/test/data}
if have_file "$FIX/libcdio/test/data/cdda.cue"; then
  EMU_CONFIG="medium=$L/cdda.cue c2=294"
  expect_exit 1 "another disc: refused" -- rip fill --resume
  expect_stderr "is the map of another disc" "another disc: the message says why"
  cmp -s "$work/fill/d.map" "$work/fill.map.before" && ok "another disc: the map is untouched" \
    || bad "another disc: the map changed"
fi

# A .part shorter than its map says.
EMU_CONFIG="medium=$work/disc.cue c2=294 faults=medium-gone-after:400"
expect_exit 1 "short: interrupted" -- rip short --mode burst
truncate -s 2352 "$work/short/d.bin.part"
EMU_CONFIG="medium=$work/disc.cue c2=294"
expect_exit 1 "short: --resume refused" -- rip short --mode burst --resume
expect_stderr "shorter than" "short: the message says the .part is short"

# --resume without a map starts from the beginning and says so.
expect_exit 5 "no map: --resume rips from the start" -- rip fresh --mode burst --resume
same_file "$work/fresh/d.bin" "$src" "no map: the bin equals the source"
grep -q "there is no map" "$work/fresh/d.log" && ok "no map: the log says so" || bad "no map: not in the log"

# A map whose bad range ends at LBA 2147483647 (INT32_MAX): the loader
# looped for ever on it (signed overflow).  Refused at once, under a
# timeout that only a hang reaches; the map and the bin are left alone.
d=$work/fresh
tr -d '\n' <"$d/d.map" | sed 's/"bad":\[ *\]/"bad":[{"first_lba":2147483642,"last_lba":2147483647,"sectors":6,"state":"unreadable","detail":5}]/' \
  >"$d/int32max.map"
grep -q '"last_lba":2147483647' "$d/int32max.map" && cp "$d/int32max.map" "$d/d.map" &&
  ok "INT32_MAX: a map with a bad range ending at 2147483647" || bad "INT32_MAX: the map could not be edited"
expect_exit 1 "INT32_MAX: --resume is refused" -- \
  emu timeout -k 10 120 "$DW" -q rip "$EMU_DEVICE" -o "$d" --name d --no-qscan --offline --mode burst --resume
expect_stderr "is not a discwright rip map or is damaged" "INT32_MAX: the message names the map as damaged"
cmp -s "$d/d.map" "$d/int32max.map" && same_file "$d/d.bin" "$src" "INT32_MAX: the map and the bin are untouched" ||
  bad "INT32_MAX: the map changed"
finish
