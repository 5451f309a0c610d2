#!/usr/bin/env bash
# Bad input: one clear message naming the thing and what to do, a
# documented exit code, and no output that looks complete.
. "$(dirname "$0")/lib.sh"
need_fixtures
L=$FIX/libcdio/test/data
P=$FIX/libcdio-paranoia/test/data

no_outputs() { # DIR DESCRIPTION
  if [ -d "$1" ] && ls "$1" | grep -qvE '\.log\.part$'; then bad "$2: left $(ls "$1" | tr '\n' ' ')"; else ok "$2: nothing that looks complete"; fi
}

# A cue whose FILE is missing.
expect_exit 1 "cue with a missing FILE" -- "$DW" rip "$P/cdda2.cue" -o "$work/o1"
expect_stderr "'cdda2.cue' line 4: FILE 'BOING2.BIN' not found next to it" "names the cue, line and file"
no_outputs "$work/o1" "missing FILE"

# A bin shorter than its cue says.
mkdir -p "$work/trunc"
# (track 05 starts at sector 150; the copy holds 100 sectors)
cp "$L/cdda_4_5.cue" "$work/trunc/"
head -c $((100 * 2352)) "$L/cdda_4_5.bin" > "$work/trunc/cdda_4_5.bin"
expect_exit 1 "bin shorter than the cue" -- "$DW" rip "$work/trunc/cdda_4_5.cue" -o "$work/o2"
expect_stderr "holds only 235200 bytes: the image file is truncated" "says the bin is truncated"
no_outputs "$work/o2" "truncated bin"

# Malformed MSF, unknown track mode, bad catalog (libcdio's bad cues).
expect_exit 1 "malformed MSF" -- "$DW" info "$L/bad-msf-1.cue"
expect_stderr "'bad-msf-1.cue' line 7: malformed time '00:00:100'" "names the line and the time"
expect_exit 1 "unknown track mode" -- "$DW" info "$L/bad-mode1.cue"
expect_stderr "unknown track mode 'MODE3_FORM1'" "names the mode"
expect_exit 1 "bad CATALOG" -- "$DW" info "$L/bad-cat3.cue"
expect_stderr "CATALOG '123456789b123' is not 13 decimal digits" "names the catalog"

# A raw .bin without its cue, a missing image, a drive that is not there.
expect_exit 1 "a .bin alone" -- "$DW" info "$L/cdda.bin"
expect_stderr "open its .cue or .toc file instead" "says to open the cue"
expect_exit 1 "a missing image" -- "$DW" info "$work/nothing.cue"
expect_stderr "nothing.cue" "names the missing file"
expect_exit 1 "a drive that is not there" -- "$DW" info /dev/sr97
expect_stderr "/dev/sr97" "names the drive"
expect_exit 1 "burn to a drive that is not there" -- "$DW" burn "$FIX/debian-ipxe/ipxe.iso" --drive /dev/sr97
expect_stderr "/dev/sr97" "burn names the drive"

# An output directory that cannot be made, and a full disk (/dev/full
# stands in for it: the .part file is a link to it).
expect_exit 1 "unwritable output directory" -- "$DW" rip "$L/cdda.cue" -o /dev/null/out
expect_stderr "'/dev/null/out'" "names the directory"
mkdir -p "$work/full"
ln -s /dev/full "$work/full/disc.bin.part"
expect_exit 1 "a full disk" -- "$DW" rip "$L/cdda.cue" -o "$work/full" --name disc --mode burst
expect_stderr "No space left on device: free some space" "says the disk is full and what to do"
no_outputs "$work/full" "full disk"

# Burn refusals: not a whole number of sectors, missing image, no target dir.
head -c 5000 "$FIX/debian-ipxe/ipxe.iso" > "$work/odd.iso"
expect_exit 1 "burn an image of 5000 bytes" -- "$DW" burn "$work/odd.iso" --drive "stdio:$work/x.iso"
expect_stderr "not a whole number of 2048-byte sectors" "says why"
expect_exit 1 "burn a missing image" -- "$DW" burn "$work/none.iso" --drive "stdio:$work/x.iso"
expect_exit 1 "burn into a missing directory" -- "$DW" burn "$FIX/debian-ipxe/ipxe.iso" --drive "stdio:$work/no/dir/x.iso"
expect_stderr "$work/no/dir" "names the directory"

# ISO of an audio-only disc; BIN/CUE of a non-CD source works from ISO.
expect_exit 1 "--format iso of an audio CD" -- "$DW" rip "$L/cdda.cue" -o "$work/o3" --format iso
expect_stderr "no data track" "says there is no data track"

# Usage errors exit 2.
expect_exit 2 "no command" -- "$DW"
expect_exit 2 "unknown command" -- "$DW" frobnicate
expect_exit 2 "rip without -o" -- "$DW" rip "$L/cdda.cue"
expect_exit 2 "bad --format" -- "$DW" rip "$L/cdda.cue" -o "$work/o4" --format wav
expect_exit 2 "verify with one argument" -- "$DW" verify "$L/cdda.cue"
expect_exit 2 "burn without --drive" -- "$DW" burn "$FIX/debian-ipxe/ipxe.iso"
for c in drives info rip burn verify; do
  expect_exit 0 "$c --help" -- "$DW" "$c" --help
  expect_stdout "usage: discwright $c" "$c --help prints its usage"
done
expect_exit 0 "--version" -- "$DW" --version
expect_stdout "discwright 0." "--version prints the version"
finish
