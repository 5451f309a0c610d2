#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CTDB (the CUETools database) through the emulated drive and a database of
# our own on 127.0.0.1 (tests/http's dw-test-httpd).
#
# A three-track audio disc of noise is made here, 2253 sectors long (N mod
# 5880 = 1764 samples, so the end rule matters), and a second one with a
# hidden track before track 1 (which counts into N but not into the CRCs).
# Their lookup answers are written by dw-ctdb-response (tests/emu/
# ctdb_response.c), which computes the disc and track CRCs with zlib alone
# over the byte ranges the definition names, not with discwright's code:
# an entry for the disc (confidence 12) and another pressing (confidence
# 3) that differs but in track 2.  Then the drive is ripped:
#   - the disc CRC is found: "found (confidence 12 of 15 submissions)",
#     tracks 1 and 3 "12 of 15", track 2 "15 of 15"; the report's "ctdb";
#   - the hidden-track disc is found as well (N counts the hidden track);
#   - a drive with an uncorrected read offset: no match, each track not
#     accurate;
#   - --offline from the cache, --offline without it (unavailable),
#     --no-accuraterip (not asked, no request), a disc not in the database
#     (404, then remembered), a database that is down (unavailable).
. "$(dirname "$0")/preload_lib.sh"
need_preload

httpd=${DW_BUILD:?}/tests/dw-test-httpd
respond=$DW_BUILD/tests/emu/dw-ctdb-response
for tool in "$httpd" "$respond"; do
  if [ ! -x "$tool" ]; then
    skip_all "$tool is not built"
  fi
done
query="lookup2.php?version=3&ctdb=1&fuzzy=1&metadata=none&toc="

# --- the discs and their answers -------------------------------------------
head -c $((2253 * 2352)) /dev/urandom >"$work/disc.bin"
cat >"$work/disc.cue" <<EOF
FILE "disc.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 01 00:09:25
  TRACK 03 AUDIO
    INDEX 01 00:18:00
EOF
toc=0:700:1350:2253
cp "$work/disc.bin" "$work/hidden.bin"
cat >"$work/hidden.cue" <<EOF
FILE "hidden.bin" BINARY
  TRACK 01 AUDIO
    INDEX 00 00:00:00
    INDEX 01 00:01:00
  TRACK 02 AUDIO
    INDEX 01 00:10:00
EOF
htoc=75:750:2253
mkdir -p "$work/www/ctdb"
"$respond" "$work/disc.bin" "$toc" 12 >"$work/www/ctdb/$query$toc" &&
  "$respond" "$work/hidden.bin" "$htoc" 5 >"$work/www/ctdb/$query$htoc" ||
  bad "dw-ctdb-response failed"
# The disc CRC and track CRCs of the first entry of an answer.
crc=$(sed -n 's/.*<entry confidence="12" crc32="\([0-9a-f]*\)".*/\1/p' "$work/www/ctdb/$query$toc")
read -r t1 t2 t3 < <(sed -n 's/.*<entry confidence="12" .*trackcrcs="\([0-9a-f ]*\)".*/\1/p' \
  "$work/www/ctdb/$query$toc")
hcrc=$(sed -n 's/.*<entry confidence="5" crc32="\([0-9a-f]*\)".*/\1/p' "$work/www/ctdb/$query$htoc")
[ ${#crc} = 8 ] && [ ${#t3} = 8 ] && [ ${#hcrc} = 8 ] && ok "answers written (disc CRC $crc)" ||
  bad "no CRCs in the answers: '$crc' '$t3' '$hcrc'"

# --- the database -----------------------------------------------------------
"$httpd" "$work/www" "$work/port" 300 >"$work/httpd.log" 2>&1 &
server=$!
at_exit 'kill "$server" 2>/dev/null'
# The server writes its port once it listens: that is the sign to go on.
wait_for "$server" "the test server" -- test -s "$work/port" || exit 1
port=$(cat "$work/port")
export DW_CTDB_URL="http://127.0.0.1:$port/ctdb/"
# AccurateRip answers 404 here (no dBAR files): "not in the database".
ar=(--accuraterip-url "http://127.0.0.1:$port/accuraterip/" --cache-dir "$work/cache")
json() { tr -d ' \n' <"$1"; } # (spaces go too: "not accurate" reads "notaccurate")

# --- found ------------------------------------------------------------------
EMU_CONFIG="medium=$work/disc.cue"
for mode in burst secure paranoia; do
  out="$work/found-$mode"
  expect_exit 0 "$mode rip of a disc in CTDB" -- \
    emu "$DW" rip "$EMU_DEVICE" -o "$out" --name d --mode "$mode" "${ar[@]}"
  grep -q "^CTDB: disc CRC $crc, found (confidence 12 of 15 submissions, from the network)$" "$out/d.log" &&
    ok "$mode: CTDB found, confidence 12 of 15" || bad "$mode: $(grep '^CTDB' "$out/d.log" | tr '\n' '|')"
  [ "$(grep -c "^  track 0[13]: CTDB CRC \($t1\|$t3\), accurate, confidence 12 of 15$" "$out/d.log")" = 2 ] &&
    grep -q "^  track 02: CTDB CRC $t2, accurate, confidence 15 of 15$" "$out/d.log" &&
    ok "$mode: each track's CTDB CRC and confidence" ||
    bad "$mode: tracks: $(grep 'CTDB CRC' "$out/d.log" | tr '\n' '|')"
  # Reset the cache between modes so that each asks the network.
  rm -rf "$work/cache/ctdb"
done
j=$(json "$work/found-burst/d.json")
grep -q '"ctdb":{"toc_id":"[A-Za-z0-9._-]\{28\}","toc":"'"$toc"'","crc32":"'"$crc"'","skipped_first_samples":5880,"skipped_last_samples":7644,"url":"'"$DW_CTDB_URL$query$toc"'","origin":"network"' <<<"$j" &&
  grep -q '"status":"accurate","confidence":12,"submissions":15,"tracks_accurate":3' <<<"$j" &&
  ok "the report's ctdb: toc id, TOC, CRC, edges left out, URL, status, confidence" ||
  bad "report: $(grep -o '"ctdb":{.\{0,400\}' <<<"$j")"
grep -q '"entries":\[{"id":4711,"confidence":12,"crc32":"'"$crc"'","matched":true,"toc":"'"$toc"'","toc_matched":true,"npar":16,"stride":5880,"hasparity":"/parity/4711","track_matches":\[true,true,true\]},{"id":4712,"confidence":3,[^}]*"matched":false,[^}]*"track_matches":\[false,true,false\]}\]' <<<"$j" &&
  ok "the report's entries: matched, per-track matches" || bad "entries: $(grep -o '"entries":.\{0,500\}' <<<"$j")"
grep -q '"tracks":\[{"number":1,"crc32":"'"$t1"'","status":"accurate","confidence":12,"submissions":15},{"number":2,"crc32":"'"$t2"'","status":"accurate","confidence":15,"submissions":15}' <<<"$j" &&
  ok "the report's tracks" || bad "tracks: $(grep -o '"ctdb".*"tracks":\[.\{0,300\}' <<<"$j" | tail -c 320)"

# --- the hidden track -------------------------------------------------------
EMU_CONFIG="medium=$work/hidden.cue"
expect_exit 0 "rip of a disc with a hidden track" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/hidden" --name d --mode burst "${ar[@]}"
grep -q "^CTDB: disc CRC $hcrc, found (confidence 5 of 8 submissions" "$work/hidden/d.log" &&
  ok "hidden track: found (N counts the hidden track, the CRC leaves it out)" ||
  bad "hidden track: $(grep -i 'ctdb\|hidden' "$work/hidden/d.log" | tr '\n' '|')"

# --- an uncorrected read offset --------------------------------------------
EMU_CONFIG="medium=$work/disc.cue offset=48"
expect_exit 5 "rip with a read offset left uncorrected" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/shifted" --name d --mode burst "${ar[@]}"
grep -q "^CTDB: disc CRC [0-9a-f]\{8\}, no match (15 submissions in 2 entries, from the " "$work/shifted/d.log" &&
  [ "$(grep -c '^  track 0[123]: CTDB CRC [0-9a-f]*, not accurate (15 submissions)$' "$work/shifted/d.log")" = 3 ] &&
  ok "shifted audio: no match, every track not accurate" ||
  bad "shifted: $(grep 'CTDB' "$work/shifted/d.log" | tr '\n' '|')"
grep -q '"status":"notaccurate","confidence":0,"submissions":15' <(json "$work/shifted/d.json") &&
  ok "shifted audio: the report says not accurate" || bad "shifted report: $(json "$work/shifted/d.json" | grep -o "\"ctdb\":.\{0,700\}" | tail -c 400)"

# --- cache, offline, not asked --------------------------------------------
EMU_CONFIG="medium=$work/disc.cue"
expect_exit 0 "rip that fills the cache" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/fill" --name d --mode burst "${ar[@]}"
ls "$work/cache/ctdb/"toc-*.xml >/dev/null 2>&1 && ok "the answer is cached under the cache directory's ctdb/" ||
  bad "no cached answer: $(ls -R "$work/cache" | tr '\n' ' ')"
requests=$(wc -l <"$work/httpd.log")
expect_exit 0 "--offline with the cache" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/off1" --name d --mode burst --offline "${ar[@]}"
grep -q "^CTDB: disc CRC $crc, found (confidence 12 of 15 submissions, from the cache)$" "$work/off1/d.log" &&
  ok "offline: found in the cache" || bad "offline with cache: $(grep '^CTDB' "$work/off1/d.log")"
expect_exit 5 "--offline without a cache" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/off2" --name d --mode burst --offline \
  --accuraterip-url "http://127.0.0.1:$port/accuraterip/" --cache-dir "$work/empty-cache"
grep -q "^warning: CTDB: disc CRC $crc, unavailable: offline, and '$toc' is not in the cache" "$work/off2/d.log" &&
  ok "offline without the cache: unavailable, the rip goes on" || bad "offline without cache: $(grep CTDB "$work/off2/d.log")"
expect_exit 5 "--no-accuraterip" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/no" --name d --mode burst --no-accuraterip "${ar[@]}"
grep -q "^CTDB: disc CRC $crc, not asked (--no-accuraterip)$" "$work/no/d.log" &&
  grep -q '"status":"skipped","message":"--no-accuraterip"' <(json "$work/no/d.json" | grep -o '"ctdb":.*') &&
  ok "--no-accuraterip: the CTDB CRC computed, the database not asked" || bad "--no-accuraterip: $(grep CTDB "$work/no/d.log")"
[ "$(wc -l <"$work/httpd.log")" = "$requests" ] && ok "offline and --no-accuraterip rips asked the server nothing" ||
  bad "the server was asked: $(tail -n +"$((requests + 1))" "$work/httpd.log" | tr '\n' '|')"

# --- not in the database, database down ----------------------------------
cp "$work/disc.cue" "$work/other.cue"
sed -i 's/00:18:00/00:17:00/' "$work/other.cue"
EMU_CONFIG="medium=$work/other.cue"
expect_exit 5 "a disc not in CTDB" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/nf" --name d --mode burst "${ar[@]}"
grep -q '^CTDB: disc CRC [0-9a-f]\{8\}, not present in the database (network)$' "$work/nf/d.log" &&
  ok "404: not present, from the network" || bad "404: $(grep '^CTDB' "$work/nf/d.log")"
expect_exit 5 "the same disc again" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/nf2" --name d --mode burst "${ar[@]}"
grep -q '^CTDB: disc CRC [0-9a-f]\{8\}, not present in the database (cached answer)$' "$work/nf2/d.log" &&
  ok "the 404 is remembered" || bad "404 not cached: $(grep '^CTDB' "$work/nf2/d.log")"
EMU_CONFIG="medium=$work/disc.cue"
expect_exit 5 "CTDB down (and no AccurateRip entry: unconfirmed)" -- env DW_CTDB_URL=http://127.0.0.1:9/ctdb/ \
  LD_PRELOAD="$EMU_PRELOAD" DW_EMU_DEVICE="$EMU_DEVICE" DW_EMU_CONFIG="$EMU_CONFIG" \
  "$DW" -q rip "$EMU_DEVICE" -o "$work/down" --name d --mode burst --cache-dir "$work/down-cache" \
  --accuraterip-url "http://127.0.0.1:$port/accuraterip/"
grep -q "^warning: CTDB: disc CRC $crc, unavailable: cannot fetch 'http://127.0.0.1:9/ctdb/$query$toc'" "$work/down/d.log" &&
  ok "a database that is down: unavailable, the rip goes on" || bad "down: $(grep CTDB "$work/down/d.log")"
finish
