#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CloneCD sets (.ccd/.img/.sub) read as a drive (src/image/ccd.c):
#  - what `rip --subchannel` writes reads back: `info` shows the format and
#    the same layout as the cue (sessions, pregaps, INDEX 02, ISRC, MCN,
#    CD-TEXT), a rip of the .ccd gives the same bin, cue, .sub and .ccd,
#    and `verify` finds the .ccd identical to the bin;
#  - the .sub is served as the drive's P-W (a changed .sub comes back as
#    changed), the log says where the sub-channel came from;
#  - iat (a tool we did not write) reads the same user data from the .img
#    as our rip --format iso of the .ccd, and both are the ISO we started
#    from;
#  - sets that lie are refused with exit 1 and a message naming the file
#    (and the line): a truncated .img or .sub, sizes that are not whole
#    sectors, PLBA past the .img, tracks out of order, a missing lead-out,
#    UTF-16 text, scrambled data tracks, a missing .img.  A set without its
#    .sub is read with a warning.
. "$(dirname "$0")/lib.sh"
sample=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$sample/sample-extra.cue" ] || skip_all "$sample not built"

rip_set() { # CUE OUTDIR: the CloneCD set of a rip
  mkdir -p "$(dirname "$2")"
  "$DW" -q rip "$1" -o "$2" --subchannel >"$work/rip.txt" 2>&1 ||
    { bad "rip --subchannel of $1"; sed 's/^/     | /' "$work/rip.txt" | head; }
}
info_table() { # the layout lines of `info` (all but the first, which names the file)
  "$DW" info "$1" 2>/dev/null | tail -n +2
}

for disc in sample sample-extra; do
  set=$work/$disc/set
  rip_set "$sample/$disc.cue" "$set"
  ccd=$set/$disc.ccd
  expect_exit 0 "$disc: info of the .ccd" -- "$DW" info "$ccd"
  expect_stdout "$disc.ccd (ccd)" "$disc: info names the format"
  if [ "$(info_table "$ccd")" = "$(info_table "$sample/$disc.cue")" ]; then
    ok "$disc: info of the .ccd shows the cue's layout (sessions, pregaps, indexes, ISRC, MCN, CD-TEXT)"
  else
    bad "$disc: the layouts differ"
    diff <(info_table "$sample/$disc.cue") <(info_table "$ccd") | sed 's/^/     | /' | head -20
  fi
  again=$work/$disc/again
  expect_exit 0 "$disc: rip --subchannel of the .ccd" -- "$DW" -q rip "$ccd" -o "$again" --subchannel
  for ext in bin sub ccd; do
    same_file "$set/$disc.$ext" "$again/$disc.$ext" "$disc: the rip of the .ccd gives the same .$ext"
  done
  if cmp -s <(tr -d '\r' <"$set/$disc.cue") <(tr -d '\r' <"$again/$disc.cue"); then
    ok "$disc: and the same cue sheet"
  else
    bad "$disc: the cue sheets differ"
  fi
  expect_exit 0 "$disc: verify of the .ccd against the bin" -- "$DW" verify "$ccd" "$set/$disc.cue"
  expect_stdout "identical" "$disc: verify says identical"
done

# The stored .sub is what the drive serves: R-W set to a pattern and one Q
# frame spoiled in the .sub come back in a rip's .sub.
set=$work/sample-extra/set
mod=$work/modsub
mkdir -p "$mod"
cp "$set/sample-extra.ccd" "$set/sample-extra.img" "$mod/"
python3 - "$set/sample-extra.sub" "$mod/sample-extra.sub" <<'EOF'
import sys
sub = bytearray(open(sys.argv[1], "rb").read())
for k in range(len(sub) // 96):
    sub[k * 96 + 24:k * 96 + 96] = bytes([(k + i) & 0xFF for i in range(72)])
sub[100 * 96 + 12] ^= 0xFF  # the Q of sector 100: its CRC now fails
open(sys.argv[2], "wb").write(sub)
EOF
expect_exit 0 "rip --subchannel of a set with a changed .sub" -- \
  "$DW" -q rip "$mod/sample-extra.ccd" -o "$mod/out" --subchannel
same_file "$mod/sample-extra.sub" "$mod/out/sample-extra.sub" "the changed .sub comes back byte for byte (R-W and a bad Q)"
same_file "$set/sample-extra.bin" "$mod/out/sample-extra.bin" "  and the bin is unchanged"
grep -q "raw P-W sub-channel stored in the image" "$mod/out/sample-extra.log" &&
  ok "the log says the sub-channel was stored in the image" ||
  bad "the log does not say where the sub-channel came from"

# Without its .sub: read, with a warning; the sub-channel is synthesised.
nosub=$work/nosub
mkdir -p "$nosub"
cp "$set/sample-extra.ccd" "$set/sample-extra.img" "$nosub/"
expect_exit 0 "a set without its .sub" -- "$DW" info "$nosub/sample-extra.ccd"
expect_stderr "no .sub next to it: the sub-channel is synthesised" "  warns that the .sub is missing"

# iat reads the user data of the .img as we read the .ccd.
data=$work/data
mkdir -p "$data"
cp "$sample/sample.iso" "$data/"
printf 'FILE "sample.iso" BINARY\n  TRACK 01 MODE1/2048\n    INDEX 01 00:00:00\n' >"$data/data.cue"
rip_set "$data/data.cue" "$data/set"
expect_exit 0 "rip --format iso of a data .ccd" -- "$DW" -q rip "$data/set/data.ccd" -o "$data/iso" --format iso
same_file "$sample/sample.iso" "$data/iso/data.iso" "the .ccd's user data is the ISO it was made from"
if have iat; then
  (cd "$data/set" && iat data.img iat.iso >"$work/iat.txt" 2>&1)
  same_file "$data/iso/data.iso" "$data/set/iat.iso" "iat reads the same user data from the .img"
fi

# Sets that lie.
bad_set() { # NAME: a copy of the sample-extra set in $work/bad/NAME
  rm -rf "$work/bad/$1"
  mkdir -p "$work/bad/$1"
  cp "$set/sample-extra.ccd" "$set/sample-extra.img" "$set/sample-extra.sub" "$work/bad/$1/"
  b=$work/bad/$1/sample-extra
}
refused() { # DESCRIPTION MESSAGE: info and rip of $b.ccd fail with MESSAGE, rip writes nothing
  expect_exit 1 "$1: info" -- "$DW" info "$b.ccd"
  expect_stderr "$2" "  says: $2"
  expect_exit 1 "$1: rip" -- "$DW" -q rip "$b.ccd" -o "$b-out"
  if [ -z "$(ls -A "$b-out" 2>/dev/null)" ]; then ok "  the rip wrote nothing"; else
    bad "  the rip left $(ls -A "$b-out")"; fi
}
img_bytes=$(stat -c %s "$set/sample-extra.img")
sub_bytes=$(stat -c %s "$set/sample-extra.sub")

bad_set img-short
truncate -s $((img_bytes - 2352)) "$b.img"
refused "an .img one sector short" "needs 1159 sectors in 'sample-extra.img', which holds 1158"
bad_set img-partial
truncate -s $((img_bytes - 100)) "$b.img"
refused "an .img that is not whole sectors" "not a whole number of 2352-byte sectors"
bad_set sub-short
truncate -s $((sub_bytes - 96 * 10)) "$b.sub"
refused "a .sub shorter than the .img" "'sample-extra.sub' holds the sub-channel of 1149 sectors, fewer than the 1159"
bad_set sub-partial
truncate -s $((sub_bytes - 5)) "$b.sub"
refused "a .sub that is not whole sectors" "not a whole number of 96-byte sub-channel sectors"
bad_set plba-past
# The lead-out of session 2 (the last Point=0xa2 entry) moved 100 sectors on.
python3 - "$b.ccd" <<'EOF'
import sys
lines = open(sys.argv[1], newline="").read().split("\r\n")
a2 = [i for i, l in enumerate(lines) if l == "Point=0xa2"][-1]
p = next(i for i in range(a2, len(lines)) if lines[i].startswith("PLBA="))
lines[p] = "PLBA=%d" % (int(lines[p][5:]) + 100)
open(sys.argv[1], "w", newline="").write("\r\n".join(lines))
EOF
line=$(grep -n "^PLBA=12509" "$b.ccd" | cut -d: -f1)
refused "PLBA past the end of the .img" "'sample-extra.ccd' line $line: the TOC ends at LBA 12509 and needs 1259 sectors"
bad_set out-of-order
# Tracks 2 and 3 swap places.
python3 - "$b.ccd" <<'EOF'
import sys
t = open(sys.argv[1], newline="").read()
t = t.replace("PLBA=450\r\n", "PLBA=X\r\n").replace("PLBA=675\r\n", "PLBA=450\r\n").replace("PLBA=X\r\n", "PLBA=675\r\n")
open(sys.argv[1], "w", newline="").write(t)
EOF
refused "tracks out of order" "the entries are out of order"
bad_set no-leadout
sed -i 's/^Point=0xa2\r$/Point=0xb0\r/' "$b.ccd"
refused "a session without its lead-out" "session 1 has no lead-out entry (Point=0xa2)"
bad_set utf16
iconv -f ASCII -t UTF-16LE "$set/sample-extra.ccd" >"$b.ccd"
refused "a UTF-16 control file" "contains NUL bytes (UTF-16 text?)"
bad_set scrambled
sed -i 's/^DataTracksScrambled=0/DataTracksScrambled=1/' "$b.ccd"
refused "scrambled data tracks" "DataTracksScrambled=1"
bad_set no-img
rm "$b.img"
refused "a set without its .img" "its sector file 'sample-extra.img' is not next to it"
bad_set bad-number
sed -i 's/^PLBA=450\r$/PLBA=45O\r/' "$b.ccd"
refused "a number that is not one" "PLBA needs a number from"

finish
