#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Rip every complete cue/toc/nrg fixture and compare the bytes with the
# source image, and with what bchunk, cd-paranoia and iso-read make of it.
. "$(dirname "$0")/lib.sh"
need_fixtures
need_tool bchunk
need_tool cd-paranoia
need_tool iso-read
need_tool cd-info
L=$FIX/libcdio/test/data
P=$FIX/libcdio-paranoia/test/data
R=$FIX/libcdio/test/data

# cue/toc  source-bin  expected-exit
while read -r desc bin want; do
  name=$(basename "$(dirname "$(dirname "$(dirname "$desc")")")")-$(basename "$desc" | tr . _)
  for mode in burst paranoia; do
    out="$work/$name-$mode"
    expect_exit "$want" "rip $desc ($mode)" -- "$DW" -q rip "$desc" -o "$out" --name disc --mode "$mode"
    same_file "$out/disc.bin" "$bin" "$desc ($mode): bin equals the source image"
    [ -f "$out/disc.cue" ] && ok "$desc ($mode): cue written" || bad "$desc ($mode): no cue"
    [ -f "$out/disc.json" ] && grep -q '"sha1"' "$out/disc.json" && ok "$desc ($mode): JSON report with SHA-1" \
      || bad "$desc ($mode): no JSON report"
    ls "$out"/*.part >/dev/null 2>&1 && bad "$desc ($mode): .part files left" || ok "$desc ($mode): no .part left"
  done
done <<LIST
$L/cdda.cue $L/cdda.bin 0
$L/cdda_4_5.cue $L/cdda_4_5.bin 0
$L/isofs-m1.cue $L/isofs-m1.bin 0
$L/p1.cue $L/p1.bin 0
$P/cdda.cue $P/BOING.BIN 0
$P/hidden-track.cue $P/hidden-track.bin 0
$L/isofs-m1.toc $L/isofs-m1.bin 0
$L/p1.nrg $L/p1.bin 0
LIST

# The ripped cue describes the same disc: rip the rip, same bytes again.
"$DW" -q rip "$work/libcdio-p1_cue-burst/disc.cue" -o "$work/again" --name again
same_file "$work/again/again.bin" "$L/p1.bin" "rip of our own p1 rip gives the same bytes"
grep -q "INDEX 00 00:02:00" "$work/libcdio-p1_cue-burst/disc.cue" && grep -q "INDEX 01 00:03:00" "$work/libcdio-p1_cue-burst/disc.cue" \
  && ok "p1: pregaps kept as INDEX 00 in the ripped cue" || bad "p1: pregaps lost: $(cat "$work/libcdio-p1_cue-burst/disc.cue")"
grep -q "CATALOG 0000010271955" "$work/libcdio-cdda_cue-burst/disc.cue" && grep -q 'FLAGS DCP' "$work/libcdio-cdda_cue-burst/disc.cue" \
  && grep -q 'TITLE "Soft"' "$work/libcdio-cdda_cue-burst/disc.cue" \
  && ok "cdda: CATALOG, FLAGS and CD-TEXT carried into the ripped cue" || bad "cdda: cue lacks CATALOG/FLAGS/TITLE"

# The mixed-mode and CD-Extra fixtures' "data" tracks hold audio bytes,
# not Mode 1 sectors: every one fails its EDC, is re-read, and is reported
# bad (exit 3) while the bytes are still written as read.
for c in "mixed-mode-cd:0-149 (150 sectors)" "cd-extra:150-301 (152 sectors)"; do
  IFS=: read -r f range <<<"$c"
  out="$work/$f"
  expect_exit 3 "$f.cue: fake data sectors are reported bad" -- \
    "$DW" -q rip "$P/$f.cue" -o "$out" --name disc --retries 1
  same_file "$out/disc.bin" "$P/$f.bin" "$f: bytes kept as read"
  grep -qF "bad: LBA $range" "$out/disc.log" && ok "$f: bad range LBA $range in the log" \
    || bad "$f: log lacks the bad range: $(grep '^bad' "$out/disc.log")"
done

# cd-paranoia (through libcdio's own cue driver, which reads <cue>.bin)
# gives the same audio as our rip, track 1 INDEX 01 onwards.
for c in "$L/cdda.cue:0:libcdio-cdda_cue-paranoia" \
         "$P/hidden-track.cue:150:libcdio-paranoia-hidden-track_cue-paranoia" \
         "$P/cd-extra.cue:0:cd-extra"; do
  IFS=: read -r cue skip dir <<<"$c"
  (cd "$work" && cd-paranoia -d "$cue" -r -q 1 "$work/cdp.raw" >/dev/null 2>&1)
  size=$(stat -c %s "$work/cdp.raw")
  bytes_of "$work/$dir/disc.bin" $((skip * 2352)) "$size" > "$work/ours.raw"
  same_file "$work/ours.raw" "$work/cdp.raw" "$(basename "$cue"): track 1 equals cd-paranoia's ($size bytes)"
  rm -f "$work/cdp.raw"
done

# bchunk: the ISO of the Mode 1 track and the audio of cdda.
"$DW" -q rip "$L/isofs-m1.cue" -o "$work/iso" --format iso --name disc
(cd "$work" && bchunk "$L/isofs-m1.bin" "$L/isofs-m1.cue" bch >/dev/null && bchunk "$L/cdda.bin" "$L/cdda.cue" bcd >/dev/null)
same_file "$work/iso/disc.iso" "$work/bch01.iso" "isofs-m1 --format iso equals bchunk's ISO"
same_file "$work/libcdio-cdda_cue-burst/disc.bin" "$work/bcd01.cdr" "cdda audio equals bchunk's track"

# iso-read finds the files in our ISO, with the bytes the raw sectors hold
# (COPYING: 17992 bytes at LBA 26, per iso-info).
iso-read -i "$work/iso/disc.iso" -e /COPYING -o "$work/COPYING" >/dev/null 2>&1
for i in 0 1 2 3 4 5 6 7 8; do bytes_of "$L/isofs-m1.bin" $(((26 + i) * 2352 + 16)) 2048; done \
  | head -c 17992 > "$work/COPYING.expected"
same_file "$work/COPYING" "$work/COPYING.expected" "iso-read extracts /COPYING from our ISO intact"

# videocd.nrg: five Mode 2 XA tracks whose sectors all pass EDC/ECC; our
# track list matches cd-info's, and cd-info reads our ripped cue the same.
track_list() { cd-info --no-device-info --no-cddb --no-analyze "$@" 2>/dev/null | sed -n '/Track List/,/leadout/p' \
  | awk '/^ *[0-9]+:/ {print $1, $2, $3, $4}'; }
expect_exit 0 "videocd.nrg: every Mode 2 sector passes EDC/ECC" -- \
  "$DW" -q rip "$L/videocd.nrg" -o "$work/vcd" --name v
track_list -i "$L/videocd.nrg" > "$work/ti-nrg.txt"
track_list --cue-file "$work/vcd/v.cue" > "$work/ti-ours.txt"
[ -s "$work/ti-nrg.txt" ] && same_file "$work/ti-ours.txt" "$work/ti-nrg.txt" \
  "videocd: cd-info reads our cue with the nrg's track list" || bad "videocd: cd-info printed no track list"
expect_exit 0 "videocd: our bin/cue verifies against the nrg" -- "$DW" -q verify "$work/vcd/v.cue" "$L/videocd.nrg"
track_list --cue-file "$work/libcdio-p1_cue-burst/disc.cue" > "$work/ti-p1.txt"
track_list --cue-file "$L/p1.cue" > "$work/ti-p1nrg.txt"
same_file "$work/ti-p1.txt" "$work/ti-p1nrg.txt" "p1: cd-info reads our ripped cue as it reads p1.cue (LSN 75, 225)"

# The JSON report on stdout with --json.
"$DW" --json rip "$L/cdda.cue" -o "$work/json" --mode burst > "$work/report.json" 2>/dev/null
grep -q '"verdict":"ok"' "$work/report.json" && grep -q '"crc32":' "$work/report.json" \
  && ok "--json prints the report" || bad "--json report: $(head -c 300 "$work/report.json")"
finish
