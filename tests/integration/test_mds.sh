#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Alcohol 120% images (.mds/.mdf, src/image/mds.c).  No Debian tool writes
# them, so tests/integration/mkmds.py makes them from the published layout,
# out of the CloneCD sets our own rip --subchannel writes:
#  - a CD-Extra with its sub-channel inside the MDF (2448-byte sectors):
#    `info` shows the format and both sessions, a rip gives the same bin as
#    the rip of the cue, verify finds them identical, and the .sub of that
#    rip is the P-W the MDF holds;
#  - Mode 1 stored as 2048-byte sectors, the .mdf named in UTF-16: the same
#    bin again (the sectors rebuilt with their EDC/ECC);
#  - a DVD descriptor (2048-byte sectors) reads as a DVD-ROM and gives back
#    the ISO;
#  - mdf2iso and iat (tools we did not write) read the same user data from
#    the MDF as our rip --format iso of the .mds;
#  - damaged descriptors are refused with exit 1 and a message: truncated,
#    offsets past the end of the .mdf, track and block counts that lie, a
#    version 2 descriptor, a missing .mdf, a name with a control character.
. "$(dirname "$0")/lib.sh"
sample=${DW_BUILD:?DW_BUILD not set}/sample
[ -f "$sample/sample-extra.cue" ] || skip_all "$sample not built"
need_tool python3
mkmds=$(dirname "$0")/mkmds.py

rip_set() { # CUE OUTDIR: the CloneCD set of a rip
  mkdir -p "$(dirname "$2")"
  "$DW" -q rip "$1" -o "$2" --subchannel >"$work/rip.txt" 2>&1 ||
    { bad "rip --subchannel of $1"; sed 's/^/     | /' "$work/rip.txt" | head; }
}
mk() { # mkmds.py arguments...
  python3 "$mkmds" "$@" >"$work/mk.txt" 2>&1 || { bad "mkmds.py $*"; cat "$work/mk.txt"; }
}

set=$work/extra/set
rip_set "$sample/sample-extra.cue" "$set"
m=$work/extra/mds
mkdir -p "$m"
mk cd "$set/sample-extra.ccd" "$m/disc.mds" --sub
expect_exit 0 "info of a CD-Extra .mds" -- "$DW" info "$m/disc.mds"
expect_stdout "disc.mds (mds)" "info names the format"
expect_stdout "sessions: 2   tracks: 4" "two sessions, four tracks"
expect_stdout "      4     2  MODE1     -        02:43:00   12075  02:45:00   12225        184" \
  "track 4: session 2, its pregap not on file, INDEX 01 at 12225"
expect_stdout "session 1: tracks 1-3, lead-out 00:13:00 (LBA 825)" "session 1's lead-out"
expect_exit 0 "rip --subchannel of the .mds" -- "$DW" -q rip "$m/disc.mds" -o "$m/out" --subchannel
same_file "$set/sample-extra.bin" "$m/out/disc.bin" "the rip of the .mds gives the bin of the cue's rip"
# The P-W stored in the MDF comes back in the rip's .sub: session 1 (825
# sectors) and track 4 from its INDEX 01 (bin sector 975 on); the pregap of
# track 4 is not in an MDF and its sub-channel is synthesised.
if cmp -s <(head -c $((825 * 96)) "$set/sample-extra.sub") <(head -c $((825 * 96)) "$m/out/disc.sub") &&
  cmp -s <(tail -c +$((975 * 96 + 1)) "$set/sample-extra.sub") <(tail -c +$((975 * 96 + 1)) "$m/out/disc.sub"); then
  ok "the sub-channel in the MDF is served as the drive's P-W"
else
  bad "the .sub of the rip differs from the P-W in the MDF"
fi
expect_exit 0 "verify of the cue's rip against the .mds" -- "$DW" verify "$set/sample-extra.cue" "$m/disc.mds"
expect_stdout "1159 sectors: 1159 match" "  every sector of the .mds matches"
grep -q "raw P-W sub-channel stored in the image" "$m/out/disc.log" &&
  ok "the log says the sub-channel was stored in the image" ||
  bad "the log does not say where the sub-channel came from"

mk cd "$set/sample-extra.ccd" "$m/cooked.mds" --cooked --wide --name "cooked.mdf"
expect_exit 0 "rip of an .mds with Mode 1 as 2048-byte sectors, named in UTF-16" -- \
  "$DW" -q rip "$m/cooked.mds" -o "$m/cooked"
same_file "$set/sample-extra.bin" "$m/cooked/cooked.bin" "  the same bin (sectors rebuilt with EDC/ECC)"

# A DVD descriptor.
dvd=$work/dvd
mkdir -p "$dvd"
mk dvd "$sample/sample.iso" "$dvd/dvd.mds"
expect_exit 0 "info of a DVD .mds" -- "$DW" info "$dvd/dvd.mds"
expect_stdout "DVD-ROM" "  reads as a DVD-ROM"
expect_exit 0 "rip --format iso of the DVD .mds" -- "$DW" -q rip "$dvd/dvd.mds" -o "$dvd/out" --format iso
same_file "$sample/sample.iso" "$dvd/out/dvd.iso" "  gives back the ISO"

# Peer tools on a data CD: mdf2iso (2352-byte MDF), iat (2448 with P-W).
data=$work/data
mkdir -p "$data"
cp "$sample/sample.iso" "$data/"
printf 'FILE "sample.iso" BINARY\n  TRACK 01 MODE1/2048\n    INDEX 01 00:00:00\n' >"$data/data.cue"
rip_set "$data/data.cue" "$data/set"
mk cd "$data/set/data.ccd" "$data/plain.mds"
mk cd "$data/set/data.ccd" "$data/sub.mds" --sub
for v in plain sub; do
  expect_exit 0 "rip --format iso of the $v .mds" -- "$DW" -q rip "$data/$v.mds" -o "$data/$v" --format iso
  same_file "$sample/sample.iso" "$data/$v/$v.iso" "  the user data is the ISO it was made from"
done
if have mdf2iso; then
  (cd "$data" && mdf2iso plain.mdf m2i.iso >"$work/mdf2iso.txt" 2>&1)
  same_file "$data/plain/plain.iso" "$data/m2i.iso" "mdf2iso reads the same user data from the MDF"
fi
if have iat; then
  (cd "$data" && iat sub.mdf iat.iso >"$work/iat.txt" 2>&1)
  same_file "$data/sub/sub.iso" "$data/iat.iso" "iat reads the same user data from the 2448-byte MDF"
fi

# Damaged descriptors.
n=0
refused() { # DESCRIPTION MESSAGE -- mkmds.py options: made from the CD-Extra set
  local what=$1 msg=$2
  shift 3
  n=$((n + 1))
  local d=$work/bad/$n
  mkdir -p "$d"
  mk cd "$set/sample-extra.ccd" "$d/bad.mds" --sub "$@"
  expect_exit 1 "$what: info" -- "$DW" info "$d/bad.mds"
  expect_stderr "$msg" "  says: $msg"
  expect_exit 1 "$what: rip" -- "$DW" -q rip "$d/bad.mds" -o "$d/out"
  if [ -z "$(ls -A "$d/out" 2>/dev/null)" ]; then ok "  the rip wrote nothing"; else
    bad "  the rip left $(ls -A "$d/out")"; fi
}
refused "a descriptor cut inside its header" "without the 88-byte \"MEDIA DESCRIPTOR\" header" -- --cut-mds 60
refused "a descriptor cut inside its track blocks" "run past the end of the descriptor" -- --cut-mds 200
refused "a descriptor cut inside the data file's name" "has no end (NUL) inside the descriptor" -- \
  --cut-mds 987
refused "an .mdf one sector short" "the .mdf is truncated or the .mds does not belong to it" -- \
  --cut-mdf 2448
refused "a track whose offset is past the end of the .mdf" "track 2 needs 225 sectors of 2448 bytes" -- \
  --offset-past
refused "a session that says it has one track more" "session 1 says it holds tracks 1 to 4 but has 3 track blocks" -- \
  --tracks-lie
refused "a session that says it has 200 track blocks" "run past the end of the descriptor (990 bytes)" -- \
  --blocks-lie
refused "an MDS version 2 descriptor" "is an MDS version 2.0 descriptor; discwright reads version 1.x" -- \
  --version2
refused "a data file name with a control character" "holds control character 0x01" -- --name $'a\001.mdf'
refused "a data file that is not there" "its data file 'other.mdf' is not next to it" -- --name other.mdf

finish
