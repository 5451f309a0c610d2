#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright convert: every format it writes, from the sample disc and from
# the fixtures' cue, NRG and Mode 1 images; round trips byte for byte; what
# bchunk and cdrdao make of our outputs; refusals (an existing output, an
# output that is the input, a format that cannot hold the disc, no format);
# Ctrl-C mid-conversion leaves no output.  The reports it writes are checked
# against docs/report-schema.json at exit (lib.sh).
. "$(dirname "$0")/lib.sh"
need_fixtures
need_tool bchunk

S=$DW_BUILD/sample
L=$FIX/libcdio/test/data
cd "$work" || exit 1

# The layout table of `info` without its first line (the image's path).
layout() { "$DW" info "$1" | tail -n +2; }
verdict() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' "$1"; }

# ---- every format from the sample disc (data + audio, pregap, INDEX 02,
# ISRC, MCN, CD-TEXT, DCP, PRE) -------------------------------------------
for f in bincue split ccd toc; do
  expect_exit 0 "sample.cue -> $f" -- "$DW" convert "$S/sample.cue" -o "s-$f.cue" --format "$f"
  expect_stdout "1009 read back identical" "sample -> $f: every sector read back identical"
done
[ "$(verdict s-bincue.json)" = verified ] && ok "the bincue report says verified" \
  || bad "the bincue report says $(verdict s-bincue.json)"
same_file s-bincue.bin "$S/sample.bin" "bincue: the bin equals the source bin"
layout "$S/sample.cue" >src.layout
layout s-bincue.cue >out.layout
same_file out.layout src.layout "bincue: info shows the same layout (indexes, ISRC, MCN, CD-TEXT, flags)"
layout s-split.cue >split.layout
same_file split.layout src.layout "split: info shows the same layout"
layout s-toc.toc >toc.layout
same_file toc.layout src.layout "toc: info shows the same layout"
same_file s-toc.bin "$S/sample.bin" "toc: the bin equals the source bin"
same_file s-ccd.img "$S/sample.bin" "ccd: the .img equals the source bin"
[ "$(stat -c %s s-ccd.sub)" -eq $((1009 * 96)) ] && ok "ccd: the .sub holds 96 bytes a sector" \
  || bad "ccd: the .sub is $(stat -c %s s-ccd.sub) bytes"
grep -q "^\[CloneCD\]" s-ccd.ccd && grep -q "CATALOG=0000000000017" s-ccd.ccd \
  && ok "ccd: the control file has [CloneCD] and the CATALOG" || bad "ccd: $(head -3 s-ccd.ccd)"
n=$(ls s-split\ \(Track\ 0?\).bin | wc -l)
[ "$n" -eq 4 ] && ok "split: four 'NAME (Track NN).bin' files" || bad "split: $n track files"
if have cdrdao; then
  cdrdao show-toc s-toc.toc >showtoc.txt 2>&1 && grep -q "TRACK  *4" showtoc.txt \
    && ok "cdrdao show-toc reads our TOC (4 tracks)" || bad "cdrdao show-toc: $(tail -3 showtoc.txt)"
fi

# ---- round trips ---------------------------------------------------------
expect_exit 0 "split -> bincue" -- "$DW" convert s-split.cue -o rt-split.cue
same_file rt-split.bin "$S/sample.bin" "cue -> split -> cue: the bin is byte-identical"
if "$DW" info s-ccd.ccd >/dev/null 2>&1; then
  expect_exit 0 "ccd -> bincue" -- "$DW" convert s-ccd.ccd -o rt-ccd.cue
  same_file rt-ccd.bin "$S/sample.bin" "cue -> ccd -> cue: the bin is byte-identical"
else
  # Until a CloneCD reader is built in, convert reads the set back through
  # a cue sheet of its own for the .img (checked above: identical).
  echo "note: this build reads no .ccd; the ccd -> bincue leg waits for the CloneCD reader"
fi
expect_exit 0 "toc -> split" -- "$DW" convert s-toc.toc -o rt-toc.cue --format split
for k in 1 2 3 4; do
  same_file "rt-toc (Track 0$k).bin" "s-split (Track 0$k).bin" "toc -> split: track $k as cue -> split wrote it"
done

# ---- the compressed formats (sink_chd.c, sink_cso.c) ---------------------
expect_exit 0 "sample.cue -> chd" -- "$DW" convert "$S/sample.cue" -o s.chd
expect_stdout "1009 read back identical" "chd: every sector read back identical"
expect_exit 0 "chd -> bincue" -- "$DW" convert s.chd -o rt-chd.cue
same_file rt-chd.bin "$S/sample.bin" "cue -> chd -> cue: the bin is byte-identical"
if have chdman; then
  chdman verify -i s.chd >chdv.txt 2>&1 && grep -q "verification successful" chdv.txt \
    && ok "chdman verify passes on our CHD" || bad "chdman verify: $(tail -2 chdv.txt)"
fi
expect_exit 0 "sample.iso -> cso" -- "$DW" convert "$S/sample.iso" -o i.cso
expect_exit 0 "cso -> iso" -- "$DW" convert i.cso -o rt-cso.iso
same_file rt-cso.iso "$S/sample.iso" "iso -> cso -> iso: the same bytes"

# ---- bchunk agrees with split on each track's bytes ----------------------
# bchunk cuts a track from its last INDEX to the next track's first one and
# writes Mode 1 tracks as 2048-byte ISO: compare each audio track with the
# tail of our split file, and the data track with our ISO of it.
bchunk "$S/sample.bin" "$S/sample.cue" bch >/dev/null 2>&1
for k in 2 3 4; do
  size=$(stat -c %s "bch0$k.cdr")
  tail -c "$size" "s-split (Track 0$k).bin" >"tail$k.bin"
  same_file "tail$k.bin" "bch0$k.cdr" "split track $k ends with bchunk's track $k ($((size / 2352)) sectors)"
done
expect_exit 0 "sample track 1 -> iso" -- "$DW" convert "$S/sample.cue" -o s1.iso --track 1
same_file s1.iso bch01.iso "the ISO of the sample's data track equals bchunk's"
same_file s1.iso "$S/sample.iso" "the ISO of the sample's data track equals the sample ISO"

# ---- ISO of a Mode 1 disc: bchunk and iso-info ---------------------------
expect_exit 0 "isofs-m1.cue -> iso" -- "$DW" convert "$L/isofs-m1.cue" -o m1.iso
bchunk "$L/isofs-m1.bin" "$L/isofs-m1.cue" m1b >/dev/null 2>&1
same_file m1.iso m1b01.iso "isofs-m1: our ISO equals bchunk's"
if have iso-info; then
  iso-info -f m1.iso >m1.files 2>&1 && grep -q "COPYING" m1.files \
    && ok "iso-info lists the files of our ISO" || bad "iso-info: $(tail -3 m1.files)"
fi
expect_exit 0 "isofs-m1.cue -> split -> bincue" -- "$DW" convert "$L/isofs-m1.cue" -o m1s.cue --format split
same_file "m1s.bin" "$L/isofs-m1.bin" "isofs-m1: one track split is NAME.bin, equal to the source"

# ---- the fixtures' NRG, cue and multi-session images ---------------------
for src in "$L/p1.nrg" "$L/videocd.nrg" "$L/p1.cue" "$L/cdda.cue" "$S/sample-extra.cue"; do
  n=$(basename "$src")
  expect_exit 0 "$n -> bincue" -- "$DW" convert "$src" -o "f-$n.cue"
  expect_exit 0 "$n -> split" -- "$DW" convert "$src" -o "g-$n.cue" --format split
  expect_exit 0 "$n: split -> bincue" -- "$DW" convert "g-$n.cue" -o "h-$n.cue"
  same_file "h-$n.bin" "f-$n.bin" "$n: split -> bincue gives the bincue bin"
  layout "$src" >a.layout
  layout "f-$n.cue" >b.layout
  same_file b.layout a.layout "$n: the bincue output shows the source's layout"
done
# cdrdao TOC files of libcdio and cdrdao (Mode 1 and 2, SILENCE, START,
# PREGAP, CD-TEXT) to bincue and back to a TOC: the same bytes and layout.
for src in "$L/data1.toc" "$L/data2.toc" "$L/data6.toc" "$L/cdtext.toc" "$L/t1.toc" \
  "$L/cdda.toc" "$FIX/cdrdao/testtocs/t9.toc" "$FIX/cdrdao/testtocs/pregap1.toc"; do
  n=$(basename "$(dirname "$src")")-$(basename "$src" .toc)
  expect_exit 0 "$n.toc -> bincue" -- "$DW" convert "$src" -o "tc-$n.cue"
  expect_exit 0 "$n.toc -> toc" -- "$DW" convert "$src" -o "tt-$n.toc"
  same_file "tt-$n.bin" "tc-$n.bin" "$n: the TOC's bin equals the bincue's"
  # data6 is a formless MODE2 track: a cue's MODE2/2352 and a TOC's
  # MODE2_RAW do not tell it from Mode 2 XA, and our readers read XA (the
  # bytes are the same, compared above): its layout is left out.
  [ "$n" = data-data6 ] && continue
  layout "$src" >a.layout
  layout "tt-$n.toc" >b.layout
  same_file b.layout a.layout "$n: our TOC shows the source's layout"
done
same_file "f-sample-extra.cue.bin" "$S/sample-extra.bin" "two sessions: the bin equals the source's (session gap left out)"
grep -q "REM SESSION 02" "g-sample-extra.cue.cue" && ok "two sessions: the split cue has REM SESSION 02" \
  || bad "two sessions: no REM SESSION in the split cue"
expect_exit 1 "two sessions -> toc is refused" -- "$DW" convert "$S/sample-extra.cue" -o x.toc
expect_stderr "describes one session" "the refusal says a TOC file holds one session"

# ---- ISO sources: a 2048-byte medium --------------------------------------
expect_exit 0 "sample.iso -> iso" -- "$DW" convert "$S/sample.iso" -o iso2iso.iso
same_file iso2iso.iso "$S/sample.iso" "iso -> iso: the same bytes"
expect_exit 0 "sample.iso -> bincue (a Mode 1 track, as rip does)" -- "$DW" convert "$S/sample.iso" -o iso2cue.cue
expect_exit 0 "and back to iso" -- "$DW" convert iso2cue.cue -o iso2cue2.iso
same_file iso2cue2.iso "$S/sample.iso" "iso -> bincue -> iso: the same bytes"
truncate -s $((500000 * 2048)) big.iso
expect_exit 1 "an ISO larger than a CD -> bincue is refused" -- "$DW" --raw convert big.iso -o big.cue
expect_stderr "convert it to iso" "the refusal says to convert it to iso"
rm -f big.iso

# ---- refusals ------------------------------------------------------------
expect_exit 1 "a mixed disc -> iso is refused" -- "$DW" convert "$S/sample.cue" -o mixed.iso
expect_stderr "--track N" "the refusal says how to pick a data track"
[ -e mixed.iso ] || [ -e mixed.iso.part ] && bad "the refused ISO left a file" || ok "the refused ISO left no file"
cp s-bincue.cue keep.cue
expect_exit 1 "an existing output is refused" -- "$DW" convert "$S/sample.cue" -o s-bincue.cue
expect_stderr "add --overwrite" "the refusal names --overwrite"
same_file s-bincue.cue keep.cue "the existing output is untouched"
expect_exit 0 "--overwrite replaces it" -- "$DW" convert "$S/sample.cue" -o s-bincue.cue --overwrite
expect_exit 1 "an output that is the input is refused" -- "$DW" convert s-bincue.cue -o s-bincue.cue --overwrite
expect_stderr "its own input" "the refusal says it is the input"
same_file s-bincue.bin "$S/sample.bin" "the input is untouched"
expect_exit 1 "no format from the name" -- "$DW" convert "$S/sample.cue" -o out.xyz
expect_stderr "bincue, split, iso, ccd, toc" "the refusal lists the formats"
expect_exit 1 "an unknown --format" -- "$DW" convert "$S/sample.cue" -o out.cue --format nope
expect_exit 2 "no -o is a usage error" -- "$DW" convert "$S/sample.cue"
expect_exit 0 "--help" -- "$DW" convert --help
expect_stdout "split" "--help lists the formats"
expect_exit 0 "--no-verify" -- "$DW" --json convert "$S/sample.cue" -o nv.cue --no-verify
python3 -c 'import json,sys; d=json.load(open("nv.json")); sys.exit(d["verify"]["done"] or d["verdict"] != "not verified")' \
  && ok "--no-verify: the report says not verified" || bad "--no-verify: $(cat nv.json | head -5)"
python3 - s-bincue.json <<'EOF' && ok "the report's track digests: source equals destination, bytes = sectors * 2352" || bad "report digests"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["sectors"] == 1009 and len(d["tracks"]) == 4
for t in d["tracks"]:
    assert t["source"] == t["destination"], t
    assert t["source"]["bytes"] == t["sectors"] * 2352
assert d["source_digests"]["sha1"] == d["destination_digests"]["sha1"]
EOF
sha1=$(sha1sum "$S/sample.bin" | cut -d' ' -f1)
grep -q "\"sha1\":\"$sha1\"" <(tr -d ' \n' <s-bincue.json) && ok "the report's whole-disc SHA-1 is sha1sum's of the bin" \
  || bad "the report's SHA-1 is not $sha1"

# ---- rip --format: BIN/CUE in a work directory, then converted ----------
expect_exit 0 "rip --format ccd" -- "$DW" rip "$S/sample.cue" -o rip-ccd --format ccd --offline
expect_stdout "converted to rip-ccd/sample.ccd (ccd)" "rip --format ccd says what it converted"
same_file rip-ccd/sample.img "$S/sample.bin" "rip --format ccd: the .img equals the source bin"
for f in sample.ccd sample.sub sample.log sample.json sample.convert.json; do
  [ -s "rip-ccd/$f" ] && ok "rip --format ccd wrote $f" || bad "rip --format ccd: no $f"
done
[ -e rip-ccd/discwright-rip.work ] && bad "the work directory stayed: $(ls rip-ccd/discwright-rip.work)"   || ok "rip --format ccd: the work directory is gone"
expect_exit 1 "rip --format ccd again, without --overwrite" -- "$DW" rip "$S/sample.cue" -o rip-ccd --format ccd --offline
expect_stderr "convert it with 'discwright convert" "the refusal says how to convert the kept rip"
[ -s rip-ccd/discwright-rip.work/sample.cue ] && ok "the BIN/CUE rip is kept in the work directory"   || bad "the kept rip is missing"
expect_exit 0 "rip --format ccd --overwrite" -- "$DW" rip "$S/sample.cue" -o rip-ccd --format ccd --offline --overwrite
[ -e rip-ccd/discwright-rip.work ] && bad "the work directory stayed after --overwrite" || ok "--overwrite: the work directory is gone"
expect_exit 0 "rip --format split" -- "$DW" rip "$S/sample.cue" -o rip-split --format split --offline
for k in 1 2 3 4; do
  same_file "rip-split/sample (Track 0$k).bin" "s-split (Track 0$k).bin" "rip --format split: track $k as convert wrote it"
done
expect_exit 2 "rip --format nope" -- "$DW" rip "$S/sample.cue" -o rip-nope --format nope

# ---- Ctrl-C: no output that looks complete -------------------------------
truncate -s $((449850 * 2352)) long.bin
printf 'FILE "long.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n' >long.cue
"$DW" convert long.cue -o long-out.cue --format split >int.out 2>int.err &
pid=$!
wait_for "$pid" "convert: its .part holds data" -- test -s long-out.bin.part &&
  kill -INT "$pid"
wait "$pid"
rc=$?
[ $rc -eq 130 ] && ok "convert interrupted: ends by SIGINT (exit 130)" || bad "convert interrupted: exit $rc"
left=$(ls long-out* 2>/dev/null)
[ -z "$left" ] && ok "nothing left of the interrupted conversion (no .part either)" || bad "left: $left"

finish
