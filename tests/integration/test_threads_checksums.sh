#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every checksum of every fixture rip and of a convert is the same with
# '--threads 1' (every digest on one thread) and '--threads 2' (the track
# and image digests split over two, src/checksum/hashset.c), and on the
# generated image with 3, 4 and 6 (several workers): per-track
# CRC-32/MD5/SHA-1, the image's CRC-32/MD5/SHA-1/SHA-256, AccurateRip v1/v2/
# frame 450, EAC's CRCs and CTDB's, in the burst, paranoia and secure read
# modes, on one-track and multi-track discs (the sample disc, the fixtures,
# and a generated three-track audio image several MiB long, so that the
# hashing ring fills and tracks end inside a read).  The image digests are
# also checked against md5sum, sha1sum and sha256sum of the bin.
. "$(dirname "$0")/lib.sh"
need_fixtures
need_tool jq
L=$FIX/libcdio/test/data
P=$FIX/libcdio-paranoia/test/data
S=$DW_BUILD/sample
cd "$work" || exit 1

# Three audio tracks of random PCM, 601 + 777 + 622 sectors (4.7 MB).
head -c $((2000 * 2352)) /dev/urandom >three.bin
cat >three.cue <<'CUE'
FILE "three.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 01 00:08:01
  TRACK 03 AUDIO
    INDEX 01 00:18:28
CUE

# checksums REPORT: every checksum field of a report as "path=value" lines
# (digests, byte counts, AccurateRip, EAC, CTDB); the log's own SHA-256 and
# the database URLs and cache paths left out.
checksums() {
  jq -r 'paths(scalars) as $p | ($p | map(tostring) | join(".")) as $k
         | select($k | test("(^|\\.)(crc32|md5|sha1|sha256|bytes|accuraterip_v[12]|accuraterip_frame450|eac_copy_crc|eac_crc_without_nulls|frame450|track_crc32)$"))
         | "\($k)=\(getpath($p))"' "$1"
}

# rip_both NAME SOURCE MODE: rip with 1 and 2 threads; same exit, same
# checksums, and the image digests those of coreutils.
rip_both() {
  local name=$1 src=$2 mode=$3 rc1 rc2
  "$DW" --threads 1 -q rip "$src" -o "t1-$name-$mode" --name disc --mode "$mode" --offline \
    2>"t1-$name-$mode.err"
  rc1=$?
  "$DW" --threads 2 -q rip "$src" -o "t2-$name-$mode" --name disc --mode "$mode" --offline \
    2>"t2-$name-$mode.err"
  rc2=$?
  case $rc1 in 0 | 3 | 5) ;; *)
    bad "$name ($mode): rip failed (exit $rc1): $(cat "t1-$name-$mode.err")"
    return ;;
  esac
  [ "$rc1" = "$rc2" ] && ok "$name ($mode): same exit with 1 and 2 threads ($rc1)" ||
    bad "$name ($mode): exit $rc1 with 1 thread, $rc2 with 2"
  checksums "t1-$name-$mode/disc.json" >"t1-$name-$mode.sums"
  checksums "t2-$name-$mode/disc.json" >"t2-$name-$mode.sums"
  local n
  n=$(grep -c . "t1-$name-$mode.sums")
  grep -q '^image_digests.sha256=' "t1-$name-$mode.sums" && [ "$n" -ge 8 ] &&
    ok "$name ($mode): report has $n checksum fields" ||
    bad "$name ($mode): report lacks checksums ($n fields)"
  if cmp -s "t1-$name-$mode.sums" "t2-$name-$mode.sums"; then
    ok "$name ($mode): all $n checksum fields equal with 1 and 2 threads"
  else
    bad "$name ($mode): checksums differ: $(diff "t1-$name-$mode.sums" "t2-$name-$mode.sums" | head -5)"
  fi
  local bin="t2-$name-$mode/disc.bin" tool alg want got
  for alg in md5 sha1 sha256; do
    want=$("${alg}sum" <"$bin" | cut -d' ' -f1)
    got=$(sed -n "s/^image_digests\.$alg=//p" "t2-$name-$mode.sums")
    [ "$want" = "$got" ] && ok "$name ($mode): image $alg equals ${alg}sum of the bin" ||
      bad "$name ($mode): image $alg $got, ${alg}sum says $want"
  done
  # Every track's MD5 against md5sum of its bytes in the bin (the tracks
  # one after the other, session gaps left out).
  local i count sectors at=0
  count=$(jq '.tracks | length' "t2-$name-$mode/disc.json")
  for ((i = 0; i < count; i++)); do
    sectors=$(jq ".tracks[$i].sectors" "t2-$name-$mode/disc.json")
    want=$(bytes_of "$bin" $((at * 2352)) $((sectors * 2352)) | md5sum | cut -d' ' -f1)
    at=$((at + sectors))
    got=$(jq -r ".tracks[$i].digests.md5" "t2-$name-$mode/disc.json")
    [ "$want" = "$got" ] && ok "$name ($mode): track $((i + 1)) MD5 equals md5sum of its bytes" ||
      bad "$name ($mode): track $((i + 1)) MD5 $got, md5sum of its bytes $want"
  done
}

for mode in burst paranoia secure; do
  rip_both three three.cue "$mode"
  rip_both sample "$S/sample.cue" "$mode"
  rip_both cdda_4_5 "$L/cdda_4_5.cue" "$mode"
  rip_both boing "$P/cdda.cue" "$mode"
done
rip_both sample-extra "$S/sample-extra.cue" burst
rip_both p1 "$L/p1.cue" burst
rip_both isofs-m1 "$L/isofs-m1.cue" burst
rip_both cdda "$L/cdda.cue" burst
rip_both hidden-track "$P/hidden-track.cue" burst

# --format iso (read ahead, a writer thread beside the hashing, write-behind
# with 2 threads): the same ISO and checksums with 1 and 2 threads, the MD5
# md5sum's.  A fixture (one 64-sector volume), a Mode 1 cue of 3000 sectors
# and a 20 MiB ISO (2.5 write-behind chunks).
head -c $((3000 * 2048)) /dev/urandom >m1-user.iso
"$DW" -q --raw rip m1-user.iso -o . --name m1 --offline >/dev/null 2>&1 ||
  bad "could not make the Mode 1 image"
head -c $((20 * 1024 * 1024)) /dev/urandom >big.iso
iso_both() { # NAME SOURCE [--raw]
  local name=$1 src=$2 raw=${3:-} t
  for t in 1 2; do
    "$DW" --threads $t -q $raw rip "$src" -o "i$t-$name" --name disc --format iso --offline \
      2>"i$t-$name.err" || bad "$name (iso, $t threads): exit $?: $(cat "i$t-$name.err")"
    checksums "i$t-$name/disc.json" >"i$t-$name.sums"
  done
  [ -s "i1-$name.sums" ] && cmp -s "i1-$name.sums" "i2-$name.sums" &&
    cmp -s "i1-$name/disc.iso" "i2-$name/disc.iso" &&
    ok "$name (iso): same ISO and all $(grep -c . "i1-$name.sums") checksum fields with 1 and 2 threads" ||
    bad "$name (iso): differ: $(diff "i1-$name.sums" "i2-$name.sums" | head -5)"
  [ "$(jq -r '.tracks[0].digests.md5' "i2-$name/disc.json")" = "$(md5sum <"i2-$name/disc.iso" | cut -d' ' -f1)" ] &&
    ok "$name (iso): MD5 equals md5sum of the ISO" || bad "$name (iso): MD5 is not md5sum's"
}
iso_both isofs-m1 "$L/isofs-m1.cue"
iso_both m1 m1.cue
cmp -s i2-m1/disc.iso m1-user.iso && ok "m1 (iso): the ISO is the user data" ||
  bad "m1 (iso): the ISO differs from the user data"
iso_both big big.iso --raw
cmp -s i2-big/disc.iso big.iso && ok "big (iso): the ISO is its source" ||
  bad "big (iso): the ISO differs from its source"

# nettle without its SHA instructions (NETTLE_FAT_OVERRIDE): the digests
# are split over the threads another way (SHA-256 is then the dearest), and
# come out the same.
NETTLE_FAT_OVERRIDE=x86_64 "$DW" --threads 2 -q rip three.cue -o t2-three-portable --name disc \
  --mode burst --offline 2>/dev/null
checksums t2-three-portable/disc.json >t2-three-portable.sums
cmp -s t1-three-burst.sums t2-three-portable.sums &&
  ok "three (burst): same checksums with nettle's portable SHA on 2 threads" ||
  bad "three: checksums differ with NETTLE_FAT_OVERRIDE=x86_64: $(diff t1-three-burst.sums t2-three-portable.sums | head -5)"

# More threads than two: the digests spread over several workers that read
# one ring (--threads 3: two workers; 6: more allowed than digests to
# place), the same checksums in every read mode.
for t in 3 6; do
  for mode in burst paranoia secure; do
    "$DW" --threads "$t" -q rip three.cue -o "t$t-three-$mode" --name disc --mode "$mode" \
      --offline 2>"t$t-three-$mode.err"
    checksums "t$t-three-$mode/disc.json" >"t$t-three-$mode.sums"
    [ -s "t$t-three-$mode.sums" ] && cmp -s "t1-three-$mode.sums" "t$t-three-$mode.sums" &&
      ok "three ($mode): same checksums with $t threads as with 1" ||
      bad "three ($mode): checksums differ with $t threads: $(diff "t1-three-$mode.sums" "t$t-three-$mode.sums" | head -5) $(head -3 "t$t-three-$mode.err")"
  done
done

# --version names the SHA code nettle chose, as nettle itself says it
# (NETTLE_FAT_VERBOSE: "using sha_ni instructions" or "not using ...").
for ov in default x86_64; do
  if [ $ov = default ]; then v=$(NETTLE_FAT_VERBOSE=1 "$DW" --version 2>&1)
  else v=$(NETTLE_FAT_OVERRIDE=$ov NETTLE_FAT_VERBOSE=1 "$DW" --version 2>&1); fi
  word=$(grep -o ' nettle/[^ ]*' <<<"$v")
  if grep -q 'libnettle: using sha_ni' <<<"$v"; then want=' nettle/[0-9.]*+sha_ni$'
  elif grep -q 'libnettle: not using sha_ni' <<<"$v"; then want='+sha1:x86_64,sha256:x86_64$'
  else want='+cpu_\(no_\)\{0,1\}sha$'; fi # not a fat nettle: the CPU's flag
  grep -q -- "$want" <<<"$word" && ok "--version ($ov): '$word' as nettle says" ||
    bad "--version ($ov): '$word', nettle says: $(grep libnettle <<<"$v")"
done

# convert (reads every track once, then reads the output back): the
# source's and the output's digests, per track and whole.
for t in 1 2 4; do
  expect_exit 0 "convert three.cue with $t thread(s)" -- \
    "$DW" --threads "$t" -q convert three.cue -o "c$t.cue" --format split
  checksums "c$t.json" >"c$t.sums"
done
n=$(grep -c . c1.sums)
[ "$n" -ge 20 ] && ok "convert report has $n checksum fields" || bad "convert report: $n checksum fields"
if cmp -s c1.sums c2.sums; then ok "convert: all $n checksum fields equal with 1 and 2 threads"
else bad "convert: checksums differ: $(diff c1.sums c2.sums | head -5)"; fi
cmp -s c1.sums c4.sums && ok "convert: all $n checksum fields equal with 1 and 4 threads" ||
  bad "convert: checksums differ with 4 threads: $(diff c1.sums c4.sums | head -5)"
finish
