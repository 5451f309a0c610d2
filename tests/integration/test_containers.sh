#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Containers around images (issue 10): CSO/ZSO, ECM, gzip/xz (and DMG when
# built) are read as the image they hold.  The files are made here: gzip and
# xz by their tools, CSO/ZSO/ECM/DMG by containers_gen.py from the published
# layouts.  Each must give back the source's bytes through `rip`, `info`
# must name the container, and damaged variants are refused with exit 1, a
# message naming the file, and no output that looks complete.
. "$(dirname "$0")/lib.sh"
need_fixtures
need_tool python3
G="$(dirname "$0")/containers_gen.py"
L=$FIX/libcdio/test/data

no_outputs() { # DIR DESCRIPTION
  if [ -d "$1" ] && ls "$1" | grep -qvE '\.log\.part$'; then bad "$2: left $(ls "$1" | tr '\n' ' ')"; else ok "$2: nothing that looks complete"; fi
}

# An ISO 9660 image with a few files, larger than one CSO block of 16 KiB.
iso=$work/src.iso
mkdir -p "$work/tree"
head -c 300000 /dev/urandom >"$work/tree/random.bin"
yes 'discwright container test' | head -c 400000 >"$work/tree/text.txt"
if have xorriso; then
  xorriso -as mkisofs -quiet -V CONTAINERS -o "$iso" "$work/tree" 2>/dev/null
else
  cp "$L/copying.iso" "$iso"
fi

# rip_iso NAME FILE FORMAT: info names FORMAT, rip --format iso gives src.iso
rip_iso() {
  expect_exit 0 "$1: info" -- "$DW" info "$2"
  if grep -qF "($3)" "$work/out.txt"; then ok "$1: info says ($3)"; else bad "$1: info lacks ($3)"; sed 's/^/     | /' "$work/out.txt" | head -3; fi
  expect_exit 0 "$1: rip --format iso" -- "$DW" -q rip "$2" -o "$work/o-$1" -f iso --name out
  same_file "$work/o-$1/out.iso" "$iso" "$1: the ripped ISO is the source"
}

# ---- gzip, xz
gzip -c "$iso" >"$work/src.iso.gz"
rip_iso gzip "$work/src.iso.gz" iso.gz
# several gzip members, as `cat a.gz b.gz` makes
head -c 100000 "$iso" | gzip -c >"$work/multi.iso.gz"
tail -c +100001 "$iso" | gzip -c >>"$work/multi.iso.gz"
rip_iso gzip-members "$work/multi.iso.gz" iso.gz
if have xz; then
  xz -c -T1 "$iso" >"$work/src.iso.xz"
  rip_iso xz "$work/src.iso.xz" iso.xz
  # several blocks (xz --block-size)
  xz -c -T1 --block-size=65536 "$iso" >"$work/blocks.iso.xz"
  rip_iso xz-blocks "$work/blocks.iso.xz" iso.xz
  head -c $(($(stat -c %s "$work/src.iso.xz") / 2)) "$work/src.iso.xz" >"$work/trunc.iso.xz"
  expect_exit 1 "truncated xz" -- "$DW" rip "$work/trunc.iso.xz" -o "$work/o-xzt" -f iso
  expect_stderr "'$work/trunc.iso.xz': its xz stream headers or index are damaged or truncated" "truncated xz: says the file is damaged"
  no_outputs "$work/o-xzt" "truncated xz"
fi
head -c $(($(stat -c %s "$work/src.iso.gz") / 2)) "$work/src.iso.gz" >"$work/trunc.iso.gz"
expect_exit 1 "truncated gzip" -- "$DW" rip "$work/trunc.iso.gz" -o "$work/o-gzt" -f iso
expect_stderr "the gzip data is damaged" "truncated gzip: says the data is damaged"
expect_stderr "gzip -t" "truncated gzip: says how to check it"
no_outputs "$work/o-gzt" "truncated gzip"
# a flipped byte in the middle: the CRC-32 or the inflate stream fails at open
cp "$work/src.iso.gz" "$work/flip.iso.gz"
printf '\xff\xff\xff\xff' | dd of="$work/flip.iso.gz" bs=1 seek=$(($(stat -c %s "$work/flip.iso.gz") / 2)) conv=notrunc 2>/dev/null
expect_exit 1 "damaged gzip" -- "$DW" info "$work/flip.iso.gz"
expect_stderr "the gzip data is damaged" "damaged gzip: refused"
# a gzip of something that is not an ISO
head -c 100000 /dev/urandom | gzip -c >"$work/noise.gz"
expect_exit 1 "gzip of noise" -- "$DW" info "$work/noise.gz"
expect_stderr "has no ISO 9660 or UDF volume descriptor at sector 16 of its decoded content" "gzip of noise: says what is missing"

# ---- CSO v1, v2, ZSO
python3 "$G" cso "$iso" "$work/v1.cso"
rip_iso cso-v1 "$work/v1.cso" cso
# an ISO in a container is an ISO image file like the plain one: the same
# medium in info, the same bincue rip (sectors rebuilt)
expect_exit 0 "cso-v1: info" -- "$DW" info "$work/v1.cso"
expect_stdout "medium:   ISO image file" "cso-v1: info shows an ISO image file"
expect_exit 0 "plain ISO: rip bincue" -- "$DW" -q rip "$iso" -o "$work/o-isobc" --name out
expect_exit 0 "cso-v1: rip bincue" -- "$DW" -q rip "$work/v1.cso" -o "$work/o-csobc" --name out
same_file "$work/o-csobc/out.bin" "$work/o-isobc/out.bin" "cso-v1: its bincue rip equals the plain ISO's"
python3 "$G" cso "$iso" "$work/v2.cso" --version 2 --block 16384 --shift 2
rip_iso cso-v2 "$work/v2.cso" cso
python3 "$G" cso "$iso" "$work/v2lz4.cso" --version 2 --block 4096 --lz4
rip_iso cso-v2-lz4 "$work/v2lz4.cso" cso
python3 "$G" zso "$iso" "$work/src.zso"
rip_iso zso "$work/src.zso" zso
for lie in index-past-end index-backwards size truncated corrupt-block; do
  python3 "$G" cso "$iso" "$work/bad-$lie.cso" --lie $lie
  expect_exit 1 "CSO $lie" -- "$DW" rip "$work/bad-$lie.cso" -o "$work/o-$lie" -f iso
  expect_stderr "'$work/bad-$lie.cso'" "CSO $lie: the message names the file"
  no_outputs "$work/o-$lie" "CSO $lie"
done
expect_exit 1 "CSO index past the end" -- "$DW" info "$work/bad-index-past-end.cso"
expect_stderr "past the end of the file" "CSO index past the end: says so"
expect_exit 1 "CSO declaring a larger ISO" -- "$DW" info "$work/bad-size.cso"
expect_stderr "too short for the index of its" "CSO size lie: says the index cannot fit"
expect_exit 1 "CSO with a damaged block" -- "$DW" info "$work/bad-corrupt-block.cso"
expect_stderr "block 0 (bytes 0-2047 of the ISO) does not deflate-decode" "CSO damaged block: names the block and bytes"

# ---- ECM: a cue naming NAME.bin finds NAME.bin.ecm
mkdir -p "$work/ecm1"
cp "$L/isofs-m1.cue" "$work/ecm1/"
python3 "$G" ecm "$L/isofs-m1.bin" "$work/ecm1/isofs-m1.bin.ecm"
if [ "$(stat -c %s "$work/ecm1/isofs-m1.bin.ecm")" -lt $((710304 - 300 * 200)) ]; then ok "ECM generator stripped the Mode 1 sectors"; else bad "ECM generator kept the Mode 1 sectors whole"; fi
expect_exit 0 "ECM Mode 1: rip the cue" -- "$DW" -q rip "$work/ecm1/isofs-m1.cue" -o "$work/o-ecm1" --name out
same_file "$work/o-ecm1/out.bin" "$L/isofs-m1.bin" "ECM Mode 1: the ripped bin is the source bin"
python3 "$G" form2 "$work/f2.bin" 60
mkdir -p "$work/ecm2"
printf 'FILE "f2.bin" BINARY\n  TRACK 01 MODE2/2352\n    INDEX 01 00:00:00\n' >"$work/ecm2/f2.cue"
python3 "$G" ecm "$work/f2.bin" "$work/ecm2/f2.bin.ecm"
if [ "$(stat -c %s "$work/ecm2/f2.bin.ecm")" -lt $((60 * 2352)) ]; then ok "ECM generator stripped the Form 2 sectors"; else bad "ECM generator kept the Form 2 sectors whole"; fi
expect_exit 0 "ECM Mode 2 Form 2: rip the cue" -- "$DW" -q rip "$work/ecm2/f2.cue" -o "$work/o-ecm2" --name out
same_file "$work/o-ecm2/out.bin" "$work/f2.bin" "ECM Mode 2 Form 2: the ripped bin is the source bin"
# Mode 2 Form 1: raw sectors made by our own rip of a MODE2/2048 cue (sync,
# header, subheader, EDC and ECC rebuilt by src/sector), whose EDC the
# generator checks on its own before it strips them
mkdir -p "$work/m2src" "$work/ecm3"
head -c $((2048 * 80)) /dev/urandom >"$work/m2src/d.bin"
printf 'FILE "d.bin" BINARY\n  TRACK 01 MODE2/2048\n    INDEX 01 00:00:00\n' >"$work/m2src/d.cue"
expect_exit 0 "Form 1 source: rip a MODE2/2048 cue" -- "$DW" -q rip "$work/m2src/d.cue" -o "$work/o-m2src" --name f1
python3 "$G" ecm "$work/o-m2src/f1.bin" "$work/ecm3/f1.bin.ecm"
cp "$work/o-m2src/f1.cue" "$work/ecm3/"
if [ "$(stat -c %s "$work/ecm3/f1.bin.ecm")" -lt $((80 * 2200)) ]; then ok "ECM generator stripped the Form 1 sectors"; else bad "ECM generator kept the Form 1 sectors whole"; fi
expect_exit 0 "ECM Mode 2 Form 1: rip the cue" -- "$DW" -q rip "$work/ecm3/f1.cue" -o "$work/o-ecm3" --name out
same_file "$work/o-ecm3/out.bin" "$work/o-m2src/f1.bin" "ECM Mode 2 Form 1: the ripped bin is the source bin"
expect_exit 1 "an ECM alone" -- "$DW" info "$work/ecm1/isofs-m1.bin.ecm"
expect_stderr "open the cue sheet that names it instead" "an ECM alone: says to open the cue"
for lie in edc truncated count; do
  python3 "$G" ecm "$L/isofs-m1.bin" "$work/ecm1/isofs-m1.bin.ecm" --lie $lie
  expect_exit 1 "ECM $lie" -- "$DW" rip "$work/ecm1/isofs-m1.cue" -o "$work/o-ecm-$lie"
  expect_stderr "isofs-m1.bin.ecm'" "ECM $lie: the message names the file"
  no_outputs "$work/o-ecm-$lie" "ECM $lie"
done
python3 "$G" ecm "$L/isofs-m1.bin" "$work/ecm1/isofs-m1.bin.ecm" --lie edc
expect_exit 1 "ECM with a wrong EDC" -- "$DW" info "$work/ecm1/isofs-m1.cue"
expect_stderr "the EDC of the decoded image is" "ECM wrong EDC: says so"

# ---- a cue naming NAME.bin finds NAME.bin.gz
mkdir -p "$work/gzcue"
cp "$L/isofs-m1.cue" "$work/gzcue/"
gzip -c "$L/isofs-m1.bin" >"$work/gzcue/ISOFS-M1.BIN.gz"
expect_exit 0 "cue with NAME.bin.gz: rip" -- "$DW" -q rip "$work/gzcue/isofs-m1.cue" -o "$work/o-gzcue" --name out
same_file "$work/o-gzcue/out.bin" "$L/isofs-m1.bin" "cue with NAME.bin.gz: the ripped bin is the source bin"

# ---- DMG (UDIF): our reading equals dmg2img's
for parts in 1 3; do
  python3 "$G" dmg "$iso" "$work/p$parts.dmg" --parts $parts
  rip_iso dmg-$parts "$work/p$parts.dmg" dmg
  if have dmg2img; then
    dmg2img -s -i "$work/p$parts.dmg" -o "$work/p$parts.img" >/dev/null 2>&1
    same_file "$work/p$parts.img" "$work/o-dmg-$parts/out.iso" "dmg-$parts: dmg2img's image equals our reading"
  fi
done
for lie in chunk-past-end bomb gap truncated; do
  python3 "$G" dmg "$iso" "$work/bad-$lie.dmg" --lie $lie
  expect_exit 1 "DMG $lie" -- "$DW" rip "$work/bad-$lie.dmg" -o "$work/o-dmg-$lie" -f iso
  expect_stderr "'$work/bad-$lie.dmg'" "DMG $lie: the message names the file"
  no_outputs "$work/o-dmg-$lie" "DMG $lie"
done
expect_exit 1 "DMG chunk past the data fork" -- "$DW" info "$work/bad-chunk-past-end.dmg"
expect_stderr "lies past the end of the data fork" "DMG chunk past the end: says so"
expect_exit 1 "DMG bomb" -- "$DW" info "$work/bad-bomb.dmg"
expect_stderr "reaches past the largest disc" "DMG bomb: refused by its declared size"
expect_exit 1 "DMG gap" -- "$DW" info "$work/bad-gap.dmg"
expect_stderr "its chunks leave a gap at disk sector" "DMG gap: names the sector"
# a plist declaring an encoding its bytes do not follow: read as the UTF-8
# every UDIF plist is, and nothing printed by libxml2
python3 "$G" dmg "$iso" "$work/enc.dmg" --lie encoding
expect_exit 0 "DMG plist declaring UTF-32: info" -- "$DW" info "$work/enc.dmg"
if grep -q "encoding error" "$work/err.txt"; then bad "DMG plist declaring UTF-32: libxml2 printed on stderr"; else ok "DMG plist declaring UTF-32: nothing printed by libxml2"; fi
# a damaged zlib chunk inside: info opens it, the rip reports the sectors bad
python3 "$G" dmg "$iso" "$work/bad-chunk.dmg" --lie corrupt-chunk
expect_exit 3 "DMG with a damaged chunk: rip" -- "$DW" rip "$work/bad-chunk.dmg" -o "$work/o-dmg-chunk" -f iso
expect_stderr "sectors stayed bad" "DMG damaged chunk: the rip says sectors stayed bad"
if grep -q "sector 64 stays unreadable: .*the zlib chunk of bytes 131072-163839 of the disk" "$work/o-dmg-chunk/bad-chunk.log"; then ok "DMG damaged chunk: the log names the first sector and the chunk"; else bad "DMG damaged chunk: the log lacks sector 64 and its chunk"; fi


# Burning a container burns the ISO it holds, not its bytes: a CSO and an
# iso.gz to stdio: targets give the source ISO exactly, and the read-back
# against the container is identical.
"$DW" -q convert "$iso" -o "$work/burn-src.cso" >/dev/null 2>&1 || bad "convert to CSO for the burn"
gzip -c "$iso" > "$work/burn-src.iso.gz"
for c in cso iso.gz; do
  expect_exit 0 "burn of a $c to stdio:" -- "$DW" burn "$work/burn-src.$c" --drive "stdio:$work/burned-$c.iso"
  expect_stdout "identical" "burn of a $c: verified"
  cmp -s "$work/burned-$c.iso" "$iso" && ok "burn of a $c: the target holds the ISO" ||
    bad "burn of a $c: the target is not the ISO it holds"
done

finish
