#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Read offsets and AccurateRip through the emulated drive and a database of
# our own on 127.0.0.1 (tests/http's dw-test-httpd).
#
# A three-track audio disc of noise is made here; its AccurateRip v1/v2 and
# frame-450 checksums are computed by ripping the image (no offset applies
# to images), and written as a dBAR response (a v1 block and a v2 block)
# under the path its disc ids give.  Then the drive, with a read offset
# personality, is ripped:
#   - with --offset N (burst, paranoia, secure): accurate, the bin equals the
#     image but for the N samples past the lead-out, which are zero-filled
#     and said so; with overread into the lead-out the bin is exact;
#   - without it: not accurate, but "matches pressing at offset +N";
#   - a negative offset: accurate, the lead-in side zero-filled;
#   - a drive the shipped table knows (INQUIRY PLEXTOR DVDR PX-716A): its
#     +30 is applied without --offset;
#   - --offline with and without the cache; a disc not in the database;
#   - 'discwright offset /dev/sr0' finds the configured offset, and on a
#     mixed-mode disc without a database answer says its data track shows
#     no evidence (the emulator returns data sectors descrambled).
. "$(dirname "$0")/preload_lib.sh"
need_preload

httpd=${DW_BUILD:?}/tests/dw-test-httpd
if [ ! -x "$httpd" ]; then
  skip_all "$httpd is not built"
fi

# --- the disc -------------------------------------------------------------
# 700 + 650 + 900 sectors; every track has frame 450 and 5 sectors after it.
head -c $((2250 * 2352)) /dev/urandom >"$work/disc.bin"
cat >"$work/disc.cue" <<EOF
FILE "disc.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 01 00:09:25
  TRACK 03 AUDIO
    INDEX 01 00:18:00
EOF
expect_exit 0 "rip of the image: the reference checksums" -- \
  "$DW" -q rip "$work/disc.cue" -o "$work/ref" --name d --no-accuraterip
grep -q '^read offset correction: none (an image' "$work/ref/d.log" &&
  ok "no read offset applies to an image" || bad "the image rip logs no 'none' offset"

# le32 HEX: the printf escapes of a little-endian u32.
le32() {
  local v=$((16#$1))
  printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((v & 255)) $((v >> 8 & 255)) $((v >> 16 & 255)) $((v >> 24 & 255))
}
# make_dbar LOG ROOT: a response (v1 block, confidence 7; v2 block,
# confidence 4) from a rip log's checksums, at ROOT/accuraterip/PATH.
make_dbar() {
  local log=$1 root=$2 path name n id1 id2 cddb v1 v2 f hdr b1 b2
  path=$(sed -n 's/^disc ids: .* AccurateRip \(.*\.bin\)$/\1/p' "$log")
  name=${path##*/}
  IFS=- read -r _ n id1 id2 cddb <<<"${name%.bin}"
  hdr="\\x$(printf %02x $((10#$n)))$(le32 "$id1")$(le32 "$id2")$(le32 "$cddb")"
  b1=$hdr b2=$hdr
  while read -r v1 v2 f; do
    [ "$f" = - ] && f=00000000
    b1+="\\x07$(le32 "$v1")$(le32 "$f")"
    b2+="\\x04$(le32 "$v2")$(le32 00000000)"
  done < <(sed -n 's/^track [0-9]*: AccurateRip v1 \([0-9a-f]*\)  v2 \([0-9a-f]*\)  frame-450 \([0-9a-f-]*\) .*/\1 \2 \3/p' "$log")
  mkdir -p "$root/accuraterip/${path%/*}"
  # shellcheck disable=SC2059 # the escapes are the format
  printf "$b1$b2" >"$root/accuraterip/$path"
  echo "$path"
}
path=$(make_dbar "$work/ref/d.log" "$work/www")
[ -s "$work/www/accuraterip/$path" ] && ok "response written for $path" || bad "no response for '$path'"

# --- the database -----------------------------------------------------------
"$httpd" "$work/www" "$work/port" 300 >"$work/httpd.log" 2>&1 &
server=$!
at_exit 'kill "$server" 2>/dev/null'
# The server writes its port once it listens: that is the sign to go on.
wait_for "$server" "the test server" -- test -s "$work/port" || exit 1
url="http://127.0.0.1:$(cat "$work/port")/accuraterip/"
ar=(--accuraterip-url "$url" --cache-dir "$work/cache")

# same_but_tail A B BYTES: A and B agree but for their last BYTES, which in
# A are zeros.
same_but_tail() {
  local a=$1 b=$2 n=$3 size
  size=$(stat -c %s "$b")
  if [ "$(stat -c %s "$a")" = "$size" ] &&
    cmp -s <(head -c $((size - n)) "$a") <(head -c $((size - n)) "$b") &&
    cmp -s <(tail -c "$n" "$a") <(head -c "$n" /dev/zero); then
    ok "$4"
  else
    bad "$4 ($(cmp "$a" "$b" 2>&1 | head -1))"
  fi
}

# --- rips with the right offset -------------------------------------------
EMU_CONFIG="medium=$work/disc.cue offset=48"
for mode in burst paranoia secure; do
  out="$work/right-$mode"
  expect_exit 0 "$mode rip with --offset 48" -- \
    emu "$DW" rip "$EMU_DEVICE" -o "$out" --name d --mode "$mode" --offset 48 "${ar[@]}"
  expect_stdout "AccurateRip: accurate, 3 of 3 tracks, disc confidence 11" "$mode: the summary says accurate"
  n=$(grep -c '^  track 0[123]: accurate (v1), confidence 7 of 11$' "$out/d.log")
  [ "$n" = 3 ] && ok "$mode: every track accurate (v1), confidence 7 of 11" ||
    bad "$mode: $n tracks accurate: $(grep '^  track' "$out/d.log" | tail -3 | tr '\n' '|')"
  grep -q '^read offset correction: +48 samples (from the command line' "$out/d.log" &&
    ok "$mode: the log names the offset and where it came from" || bad "$mode: no offset line"
  grep -q '^read offset: 48 samples from sample 540 of LBA 2249 (track 03) were zero-filled: they lie in the lead-out' "$out/d.log" &&
    ok "$mode: the zero-filled end is in the log" || bad "$mode: no zero-fill line"
  same_but_tail "$out/d.bin" "$work/disc.bin" $((48 * 4)) "$mode: the bin is the disc shifted back, its last 48 samples zero"
  grep -q '^verdict: accurate: every audio track matches AccurateRip or CTDB (exit status 0)$' "$out/d.log" &&
    ok "$mode: the verdict is accurate (exit 0)" || bad "$mode: $(grep '^verdict' "$out/d.log")"
done
grep -q '"source":"option"' <(tr -d ' \n' <"$work/right-burst/d.json") &&
  grep -q '"zero_filled":\[{"first_sample":1322952,"samples":48,"lba":2249,"track":3,"source":"lead-out"}\]' <(tr -d ' \n' <"$work/right-burst/d.json") &&
  ok "the report has the offset, its source and the zero-filled span" ||
  bad "the report lacks read_offset: $(tr -d ' \n' <"$work/right-burst/d.json" | grep -o '"read_offset":{[^}]*}[^}]*}')"
grep -q '"accuraterip":{"path":"'"$path"'","url":"'"$url$path"'","origin":"network"' <(tr -d ' \n' <"$work/right-burst/d.json") &&
  ok "the report's accuraterip names the path, URL and origin" || bad "no accuraterip object"

# Overread into the lead-out: the emulator's lead-out carries the shifted
# stream, so the rip is exact.
EMU_CONFIG="medium=$work/disc.cue offset=48 overread=leadout"
expect_exit 0 "burst rip with --offset 48 on a drive that overreads" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/over" --name d --mode burst --offset 48 "${ar[@]}"
same_file "$work/over/d.bin" "$work/disc.bin" "with overread the bin equals the disc"
grep -q '^read offset: the drive reads into the lead-out (overread)' "$work/over/d.log" &&
  ! grep -q 'zero-filled' "$work/over/d.log" && ok "the log says it overread and zero-filled nothing" ||
  bad "overread not logged"

# --- without the offset: evidence of the pressing's offset ---------------
EMU_CONFIG="medium=$work/disc.cue offset=48"
expect_exit 5 "rip without --offset" -- emu "$DW" rip "$EMU_DEVICE" -o "$work/none" --name d --mode burst "${ar[@]}"
expect_stdout "AccurateRip: not accurate, 0 of 3 tracks accurate" "without the offset: not accurate"
n=$(grep -c '^  track 0[123]: not accurate (11 submissions); matches pressing at offset +48 (frame 450, confidence 7)$' "$work/none/d.log")
[ "$n" = 3 ] && ok "each track matches the pressing at offset +48" ||
  bad "pressing evidence: $(grep '^  track' "$work/none/d.log" | tail -3 | tr '\n' '|')"
grep -q '^read offset correction: none (.DWEMU VIRTUAL MMC-6. is not in the drive offset tables' "$work/none/d.log" &&
  ok "an unknown drive gets no offset, and the log says how to find it" || bad "no 'none' offset line"
cmp -s "$work/none/d.bin" "$work/disc.bin" && bad "the bin of an uncorrected rip equals the disc" ||
  ok "the bits are left as the drive gave them"

# --- a negative offset ------------------------------------------------------
EMU_CONFIG="medium=$work/disc.cue offset=-30"
expect_exit 0 "rip with --offset -30 on a -30 drive" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/neg" --name d --mode burst --offset -30 "${ar[@]}"
grep -q '^AccurateRip: accurate: 3 of 3 tracks' "$work/neg/d.log" && ok "-30: accurate" || bad "-30: not accurate"
grep -q '^read offset: 30 samples from sample 0 of LBA 0 (track 01) were zero-filled: they lie in the lead-in' "$work/neg/d.log" &&
  ok "-30: the first 30 samples are zero-filled from the lead-in" || bad "-30: no lead-in zero-fill line"
if cmp -s <(head -c 120 "$work/neg/d.bin") <(head -c 120 /dev/zero) &&
  cmp -s <(tail -c +121 "$work/neg/d.bin") <(tail -c +121 "$work/disc.bin"); then
  ok "-30: the bin is the disc but for its first 30 samples"
else bad "-30: the bin differs elsewhere"; fi

# --- the drive table --------------------------------------------------------
EMU_CONFIG="medium=$work/disc.cue vendor=PLEXTOR model=\"DVDR   PX-716A\" offset=30"
expect_exit 0 "rip on a drive the table knows" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/table" --name d --mode burst "${ar[@]}"
grep -q '^read offset correction: +30 samples (from the drive table: .*offsets.tsv line [0-9]* (PLEXTOR DVDR PX-716A))' "$work/table/d.log" &&
  ok "the table's +30 for PLEXTOR DVDR PX-716A is applied" || bad "table: $(grep '^read offset' "$work/table/d.log")"
grep -q '^AccurateRip: accurate: 3 of 3 tracks' "$work/table/d.log" && ok "table offset: accurate" || bad "table offset: not accurate"
expect_exit 5 "--offset overrides the table" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/table2" --name d --mode burst --offset 0 "${ar[@]}"
grep -q '^read offset correction: +0 samples (from the command line' "$work/table2/d.log" &&
  grep -q 'matches pressing at offset +30' "$work/table2/d.log" && ok "--offset 0 wins over the table" ||
  bad "--offset 0: $(grep '^read offset' "$work/table2/d.log")"

# --- offline, cache, not in the database -----------------------------------
EMU_CONFIG="medium=$work/disc.cue offset=48"
requests=$(wc -l <"$work/httpd.log")
expect_exit 0 "--offline with the cache" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/off1" --name d --mode burst --offset 48 --offline "${ar[@]}"
grep -q "^AccurateRip: $path (2 pressing blocks, from the cache)" "$work/off1/d.log" &&
  grep -q '^AccurateRip: accurate: 3 of 3 tracks' "$work/off1/d.log" && ok "offline: accurate from the cache" ||
  bad "offline with cache: $(grep AccurateRip "$work/off1/d.log" | tail -2 | tr '\n' '|')"
expect_exit 5 "--offline without a cache" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/off2" --name d --mode burst --offset 48 --offline \
  --accuraterip-url "$url" --cache-dir "$work/empty-cache"
grep -q "^warning: AccurateRip unavailable: offline, and '$path' is not in the cache" "$work/off2/d.log" &&
  ok "offline without the cache: unavailable, the rip goes on" || bad "offline without cache: $(grep AccurateRip "$work/off2/d.log")"
[ "$(wc -l <"$work/httpd.log")" = "$requests" ] && ok "offline rips asked the server nothing" || bad "offline rips reached the server"

cp "$work/disc.cue" "$work/other.cue"
sed -i 's/00:18:00/00:17:00/' "$work/other.cue"
EMU_CONFIG="medium=$work/other.cue"
expect_exit 5 "a disc not in the database" -- emu "$DW" rip "$EMU_DEVICE" -o "$work/nf" --name d --mode burst "${ar[@]}"
expect_stdout "AccurateRip: not in database" "the summary says not in database"
grep -q '^AccurateRip: .* is not in the database (network)' "$work/nf/d.log" && ok "404: not in the database, from the network" || bad "404 not logged"
expect_exit 5 "the same disc again" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/nf2" --name d --mode burst "${ar[@]}"
grep -q '^AccurateRip: .* is not in the database (cached answer)' "$work/nf2/d.log" && ok "the 404 is remembered" || bad "404 not cached"

# --- discwright offset ------------------------------------------------------
for off in 48 -617 1200; do
  EMU_CONFIG="medium=$work/disc.cue offset=$off"
  expect_exit 0 "offset on a drive with read offset $off" -- emu "$DW" offset "$EMU_DEVICE" "${ar[@]}"
  expect_stdout "$(printf 'read offset: %+d samples: 3 of 3 tracks agree (AccurateRip confidence 21)' "$off")" "offset finds $off"
done
EMU_CONFIG="medium=$work/disc.cue offset=48"
expect_exit 0 "offset -q" -- emu "$DW" -q offset "$EMU_DEVICE" "${ar[@]}"
[ "$(cat "$work/out.txt")" = "+48" ] && ok "-q prints just the offset" || bad "-q printed '$(cat "$work/out.txt")'"
expect_exit 0 "offset --json" -- emu "$DW" --json offset "$EMU_DEVICE" "${ar[@]}"
grep -q '"found":true,"offset":48,"method":"accuraterip"' <(tr -d ' \n' <"$work/out.txt") &&
  ok "--json carries the offset and the method" || bad "--json: $(tr -d ' \n' <"$work/out.txt" | tail -c 300)"
expect_exit 1 "offset with a range too small to reach it" -- emu "$DW" offset "$EMU_DEVICE" --range 40 "${ar[@]}"
expect_stderr "no read offset found" "a search that finds nothing says so"

# A mixed-mode disc the database does not know: the data track shows the
# emulator's data path (descrambled, aligned): no evidence, said plainly.
sample=$DW_BUILD/sample/sample.cue
if have_file "$sample"; then
  EMU_CONFIG="medium=$sample offset=48"
  expect_exit 1 "offset on a mixed-mode disc not in the database" -- emu "$DW" offset "$EMU_DEVICE" "${ar[@]}"
  expect_stdout "returns its sectors descrambled and aligned to their sync (its data path): no evidence" \
    "the data track's evidence is reported honestly"
fi
# --format flac from the drive (src/rip/audio_out.c): the per-track files
# carry the AccurateRip results as tags, and decode to the image's audio
# (overread past the lead-out off: the last 48 samples are zero-filled).
if have metaflac >/dev/null && have flac >/dev/null; then
  EMU_CONFIG="medium=$work/disc.cue offset=48"
  expect_exit 0 "--format flac rip of the drive with --offset 48" -- \
    emu "$DW" -q rip "$EMU_DEVICE" -o "$work/flac" --name d --mode burst --offset 48 --format flac "${ar[@]}"
  m=$(metaflac --export-tags-to=- "$work/flac/02 - Track 02.flac")
  grep -qx "ACCURATERIPRESULT=AccurateRip: accurate (confidence 7 of 11)" <<<"$m" &&
    grep -qx "ACCURATERIPCOUNT=7" <<<"$m" && grep -qx "ACCURATERIPDISCID=$(basename "$path" .bin | sed 's/^dBAR-//')" <<<"$m" &&
    grep -qx "TRACKNUMBER=2" <<<"$m" && grep -qx "TRACKTOTAL=3" <<<"$m" &&
    ok "the FLAC tags carry the AccurateRip result, count and disc id" || bad "tags: $m"
  for f in "$work/flac"/0*.flac; do
    flac -s -d --force-raw-format --endian=little --sign=signed -c "$f"
  done >"$work/flac.raw"
  same_but_tail "$work/flac.raw" "$work/disc.bin" $((48 * 4)) \
    "the FLAC files decode to the disc, shifted back, its last 48 samples zero"
fi
have metaflac || true
have flac || true
finish
