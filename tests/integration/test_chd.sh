#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# MAME CHD, read and written, cross-checked with chdman (mame-tools):
#   - chdman createcd of the fixtures' cues and of our sample discs: our rip
#     of the CHD gives the bytes of our rip of the cue, and our info shows the
#     tracks chdman info lists (FRAMES, PREGAP, TYPE);
#   - our writer (the chd sink, through dw-test-chdwrite): chdman verify
#     passes, chdman info gives the same SHA-1 and data SHA-1 as its own CHD of
#     the same cue, chdman extractcd gives the source bytes back, and a CHD
#     with stored P-W serves that P-W;
#   - a DVD CHD (chdman createraw + "DVD " metadata) reads as its ISO;
#   - damaged CHDs (a flipped byte in a hunk, in the map, in the metadata,
#     the raw SHA-1; truncated; version 4; a parent CHD; no disc metadata)
#     are refused, or their damaged hunk reported with its LBAs.
. "$(dirname "$0")/lib.sh"
need_fixtures
need_tool chdman
need_tool python3
W=$DW_BUILD/tests/dw-test-chdwrite
S=$DW_BUILD/sample
L=$FIX/libcdio/test/data
P=$FIX/libcdio-paranoia/test/data

# ours_tracks IMAGE: "number mode frames pregap" per track from our info --json
ours_tracks() {
  "$DW" --json info "$1" | python3 -c '
import json, sys
for t in json.load(sys.stdin)["disc"]["tracks"]:
    print(t["number"], t["mode"], t["length_sectors"] + t["pregap_sectors"], t["pregap_sectors"])'
}
# chdman_tracks CHD: the same from chdman info's CHT2 lines
chdman_tracks() {
  chdman info -v -i "$1" | python3 -c '
import re, sys
names = {"AUDIO": "AUDIO", "MODE1_RAW": "MODE1", "MODE1": "MODE1", "MODE2_RAW": "MODE2_XA",
         "MODE2_FORM1": "MODE2_XA", "MODE2": "MODE2_XA", "MODE2_FORM_MIX": "MODE2_XA"}
for line in sys.stdin:
    m = re.search(r"TRACK:(\d+) TYPE:(\S+) .*FRAMES:(\d+) PREGAP:(\d+) PGTYPE:(\S+)", line)
    if m:
        pregap = int(m.group(4)) if m.group(5).startswith("V") else 0
        print(m.group(1), names.get(m.group(2), m.group(2)), m.group(3), pregap)'
}
# sha1s CHD: chdman info's SHA1 and Data SHA1 lines
sha1s() { chdman info -i "$1" | grep -E '^(SHA1|Data SHA1):'; }

# Sources: cue sheets whose FILE names the one bin holding the whole disc.
# The libcdio cues name their bins in another case than the files have,
# which chdman does not resolve: they are copied with the name fixed.
mkdir -p "$work/src"
for c in cdda isofs-m1 p1; do
  bin=$c.bin
  sed "s/^FILE \"[^\"]*\"/FILE \"$bin\"/" "$L/$c.cue" >"$work/src/$c.cue"
  ln -s "$L/$bin" "$work/src/$bin"
done
sources=("$S/sample.cue" "$S/sample-extra.cue" "$P/cd-extra.cue" "$P/mixed-mode-cd.cue"
         "$P/hidden-track.cue" "$P/cdda.cue" "$work/src/cdda.cue" "$work/src/isofs-m1.cue"
         "$work/src/p1.cue")

# ---- reading chdman's CHDs ------------------------------------------------
i=0
for cue in "${sources[@]}"; do
  i=$((i + 1))
  chd=$work/m$i.chd
  if ! chdman createcd -i "$cue" -o "$chd" >"$work/chdman.txt" 2>&1; then
    bad "chdman createcd $cue failed: $(tail -2 "$work/chdman.txt")"
    continue
  fi
  "$DW" -q rip "$cue" -o "$work/rc$i" --name disc >/dev/null 2>&1
  "$DW" -q rip "$chd" -o "$work/rm$i" --name disc >/dev/null 2>&1
  same_file "$work/rm$i/disc.bin" "$work/rc$i/disc.bin" "$cue: rip of chdman's CHD equals rip of the cue"
  ours=$(ours_tracks "$chd")
  theirs=$(chdman_tracks "$chd")
  if [ -n "$ours" ] && [ "$ours" = "$theirs" ]; then
    ok "$cue: info of the CHD shows the tracks chdman info lists"
  else
    bad "$cue: tracks differ: ours '$ours' chdman '$theirs'"
  fi
  grep -q '"chd"' "$work/rm$i/disc.json" && ok "$cue: the report names the format chd" \
    || bad "$cue: the report does not name the format chd"
done

# CHT2 has no sessions: a CD-Extra's second session is found again from its
# data track's sector headers, where the cue sheet has it.
sess() { "$DW" info "$1" 2>/dev/null | grep -E '^ +session [0-9]+:'; }
a=$(sess "$work/m2.chd")
b=$(sess "$S/sample-extra.cue")
if [ -n "$a" ] && [ "$a" = "$b" ]; then ok "the CD-Extra CHD has the sessions of its cue"
else bad "sessions differ: CHD '$a' cue '$b'"; fi
expect_exit 0 "rip of the CD-Extra CHD finds every sector's header where it belongs" -- \
  "$DW" -q rip "$work/m2.chd" -o "$work/rm2b" --name disc

# ---- writing: the chd sink against chdman ---------------------------------
for cue in "$S/sample.cue" "$S/sample-extra.cue" "$P/mixed-mode-cd.cue" "$P/cd-extra.cue"; do
  name=$(basename "$cue" .cue)
  bin=$(dirname "$cue")/$(sed -n 's/^FILE "\(.*\)".*/\1/p' "$cue" | head -1)
  for codec in "" cdzl cdfl; do
    out=$work/w-$name${codec:+-$codec}.chd
    expect_exit 0 "write $name as CHD${codec:+ with $codec}" -- "$W" ${codec:+-c $codec} -t 2 "$cue" "$out"
    [ -e "$out.part" ] && bad "$out.part left behind" || ok "$name: no .part left"
    chdman verify -i "$out" >"$work/verify.txt" 2>&1
    if grep -q 'Raw SHA1 verification successful' "$work/verify.txt" &&
       grep -q 'Overall SHA1 verification successful' "$work/verify.txt"; then
      ok "$name${codec:+ ($codec)}: chdman verify passes"
    else
      bad "$name${codec:+ ($codec)}: chdman verify: $(tail -2 "$work/verify.txt")"
    fi
    rm -f "$work/x.cue" "$work/x.bin"
    chdman extractcd -i "$out" -o "$work/x.cue" -ob "$work/x.bin" >/dev/null 2>&1
    same_file "$work/x.bin" "$bin" "$name${codec:+ ($codec)}: chdman extractcd gives the source bin"
    "$DW" -q rip "$out" -o "$work/rw-$name$codec" --name disc >/dev/null 2>&1
    same_file "$work/rw-$name$codec/disc.bin" "$bin" "$name${codec:+ ($codec)}: our rip of our CHD gives the source bin"
  done
  chdman createcd -i "$cue" -o "$work/ref-$name.chd" >/dev/null 2>&1
  a=$(sha1s "$work/w-$name.chd")
  b=$(sha1s "$work/ref-$name.chd")
  if [ -n "$a" ] && [ "$a" = "$b" ]; then ok "$name: our CHD has chdman's SHA-1 and data SHA-1"
  else bad "$name: SHA-1s differ: ours '$a' chdman '$b'"; fi
done
expect_exit 1 "an existing CHD is not overwritten" -- "$W" "$S/sample.cue" "$work/w-sample.chd"
expect_stderr "exists" "the refusal says the file exists"
expect_exit 1 "an unknown codec is refused" -- "$W" -c huff "$S/sample.cue" "$work/huff.chd"
expect_stderr "cdlz, cdzl, cdfl or cdzs" "the refusal lists the CD codecs"

# Stored P-W: written with -s, chdman verifies it, and our rip --subchannel
# of the CHD gives the .sub of the rip of the cue.
expect_exit 0 "write sample with its P-W" -- "$W" -s "$S/sample.cue" "$work/sub.chd"
chdman info -i "$work/sub.chd" | grep -q 'SUBTYPE:RW_RAW' && ok "the CHD records SUBTYPE RW_RAW" \
  || bad "the CHD does not record SUBTYPE RW_RAW"
chdman verify -i "$work/sub.chd" 2>&1 | grep -q 'Raw SHA1 verification successful' \
  && ok "chdman verifies the CHD with P-W" || bad "chdman does not verify the CHD with P-W"
"$DW" -q rip "$S/sample.cue" -o "$work/subc" --name disc --subchannel >/dev/null 2>&1
"$DW" -q rip "$work/sub.chd" -o "$work/subm" --name disc --subchannel >/dev/null 2>&1
same_file "$work/subm/disc.sub" "$work/subc/disc.sub" "the CHD's stored P-W is what the drive serves"

# ---- DVD: chdman createraw of an ISO with "DVD " metadata -------------------
iso=$L/copying.iso
chdman createraw -i "$iso" -o "$work/dvd-raw.chd" -hs 4096 -us 2048 -c none >/dev/null 2>&1
chmod u+w "$work/dvd-raw.chd"
chdman addmeta -i "$work/dvd-raw.chd" -t "DVD " -vt "" >/dev/null 2>&1
"$DW" -q rip "$work/dvd-raw.chd" -o "$work/dvd0" --name disc --format iso >/dev/null 2>&1
same_file "$work/dvd0/disc.iso" "$iso" "an uncompressed DVD CHD reads as its ISO"
for c in zlib,lzma flac; do
  chdman copy -i "$work/dvd-raw.chd" -o "$work/dvd-$c.chd" -c "$c" >/dev/null 2>&1
  "$DW" -q rip "$work/dvd-$c.chd" -o "$work/dvd-$c" --name disc --format iso >/dev/null 2>&1
  same_file "$work/dvd-$c/disc.iso" "$iso" "a DVD CHD compressed with $c reads as its ISO"
done
chdman createraw -i "$iso" -o "$work/hd.chd" -hs 4096 -us 2048 -c zlib >/dev/null 2>&1
expect_exit 1 "a CHD without disc metadata is refused" -- "$DW" info "$work/hd.chd"
expect_stderr "without CD or DVD metadata" "the refusal says it holds no disc"

# ---- damaged CHDs -----------------------------------------------------------
good=$work/w-sample.chd
# patch FILE OFFSET HEXBYTES: overwrite bytes; flip FILE OFFSET: invert one
patch() { python3 -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2])); f.write(bytes.fromhex(sys.argv[3]))' "$@"; }
flip() { python3 -c 'import sys
f = open(sys.argv[1], "r+b"); o = int(sys.argv[2]); f.seek(o); b = f.read(1)[0]; f.seek(o); f.write(bytes([b ^ 0xff]))' "$@"; }
be64() { python3 -c 'import sys, struct; print(struct.unpack(">Q", open(sys.argv[1], "rb").read()[int(sys.argv[2]):int(sys.argv[2]) + 8])[0])' "$@"; }
map=$(be64 "$good" 40)
meta=$(be64 "$good" 48)

cp "$good" "$work/hunk.chd"
flip "$work/hunk.chd" $(((124 + map) / 2))
expect_exit 1 "a flipped byte in a hunk stops a plain read" -- "$W" "$work/hunk.chd" "$work/copy.chd"
if grep -qE "hunk [0-9]+, which holds LBA [0-9]+-[0-9]+, is damaged" "$work/err.txt"; then
  ok "the damaged hunk is named with the LBAs it holds"
else bad "no hunk and LBA range in: $(cat "$work/err.txt")"; fi
expect_exit 3 "rip of the damaged CHD finishes with bad sectors" -- "$DW" -q rip "$work/hunk.chd" -o "$work/rhunk" --name disc
grep -q '^bad: LBA' "$work/rhunk/disc.log" && ok "the rip log lists the damaged LBAs" \
  || bad "the rip log lists no bad LBAs"

cp "$good" "$work/trunc.chd"
truncate -s $((map - 1000)) "$work/trunc.chd"
expect_exit 1 "a truncated CHD is refused" -- "$DW" info "$work/trunc.chd"
expect_stderr "truncated" "the refusal says it is truncated"

cp "$good" "$work/map.chd"
flip "$work/map.chd" $((map + 20))
expect_exit 1 "a CHD with a damaged map is refused" -- "$DW" info "$work/map.chd"
expect_stderr "hunk map is damaged" "the refusal names the map"

cp "$good" "$work/meta.chd"
flip "$work/meta.chd" $((meta + 16 + 30))
expect_exit 1 "a CHD with damaged metadata is refused" -- "$DW" info "$work/meta.chd"
expect_stderr "SHA-1" "the refusal names the SHA-1"

cp "$good" "$work/v4.chd"
patch "$work/v4.chd" 12 00000004
expect_exit 1 "a version 4 CHD is refused" -- "$DW" info "$work/v4.chd"
expect_stderr "chdman copy" "the refusal says how to update it"

cp "$good" "$work/parent.chd"
patch "$work/parent.chd" 104 01
expect_exit 1 "a CHD that needs a parent is refused" -- "$DW" info "$work/parent.chd"
expect_stderr "parent" "the refusal names the parent"

# The raw SHA-1 wrong but the header's SHA-1 made to agree with it: opens,
# and the content is found wrong when it has been read through.
cp "$good" "$work/raw.chd"
python3 - "$work/raw.chd" <<'PY'
import hashlib, struct, sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
d[64] ^= 0xff
raw = bytes(d[64:84])
at = struct.unpack(">Q", d[48:56])[0]
items = []
while at:
    tag = d[at:at + 4]; flags = d[at + 4]; n = int.from_bytes(d[at + 5:at + 8], "big")
    if flags & 1:
        items.append(bytes(tag) + hashlib.sha1(d[at + 16:at + 16 + n]).digest())
    at = struct.unpack(">Q", d[at + 8:at + 16])[0]
d[84:104] = hashlib.sha1(raw + b"".join(sorted(items))).digest()
open(p, "wb").write(d)
PY
expect_exit 0 "a CHD whose raw SHA-1 is wrong opens" -- "$DW" info "$work/raw.chd"
expect_exit 1 "reading it through fails" -- "$W" "$work/raw.chd" "$work/copy2.chd"
expect_stderr "SHA-1 of its content does not match" "the failure names the content's SHA-1"

finish
