#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
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

# Sources are told by their content (issues 10, 11).  A FIFO as SOURCE,
# whatever its name, is refused at once: exit 1, never a wait for a writer
# (timeout's 124 would mean it blocked).
mkdir -p "$work/src"
for name in x.nrg x.toc x.cue x.iso x; do
  mkfifo "$work/src/$name"
  timeout 10 "$DW" info "$work/src/$name" >"$work/out.txt" 2>"$work/err.txt"
  rc=$?
  [ $rc -ne 124 ] && ok "a FIFO named $name returns without blocking" || bad "a FIFO named $name blocked"
  [ $rc -eq 1 ] && ok "a FIFO named $name: exit 1" || bad "a FIFO named $name: exit $rc, wanted 1"
  expect_stderr "is a FIFO (named pipe)" "a FIFO named $name is called one"
done
timeout 10 "$DW" rip "$work/src/x.cue" -o "$work/o5" >"$work/out.txt" 2>"$work/err.txt"
rc=$?
[ $rc -eq 1 ] && ok "rip of a FIFO: exit 1" || bad "rip of a FIFO: exit $rc"
no_outputs "$work/o5" "rip of a FIFO"
# A cue whose FILE is a FIFO.
mkfifo "$work/src/pipe.bin"
printf 'FILE "pipe.bin" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n' > "$work/src/pipe.cue"
timeout 10 "$DW" info "$work/src/pipe.cue" >"$work/out.txt" 2>"$work/err.txt"
rc=$?
[ $rc -eq 1 ] && ok "a cue naming a FIFO: exit 1" || bad "a cue naming a FIFO: exit $rc"
expect_stderr "FILE 'pipe.bin' is a FIFO (named pipe), not a regular file" "names the FILE and what it is"

# Formats discwright does not read yet are refused by name, whatever the
# extension says; rip leaves nothing.
pad() { head -c "$1" /dev/zero; }
{ printf 'MComprHD\000\000\000\174\000\000\000\005'; pad 4000; } > "$work/src/game.chd"
{ printf 'CISO\030\000\000\000\000\000\001\000\000\000\000\000\000\010\000\000\001\000\000\000'; pad 4000; } > "$work/src/game.iso"
{ pad 1024; printf 'koly\000\000\000\004\000\000\002\000'; pad 500; } > "$work/src/mac.dmg"
printf '[CloneCD]\r\nVersion=3\r\n[Disc]\r\nTocEntries=4\r\n' > "$work/src/disc.cue"
{ printf 'MEDIA DESCRIPTOR\001\005'; pad 70; } > "$work/src/disc.mds"
gzip -c "$L/cdda.cue" > "$work/src/disc.iso.gz"
bzip2 -c "$L/cdda.cue" > "$work/src/disc.iso.bz2"
for c in "disc.iso.bz2:is a bzip2-compressed file, which discwright cannot read yet"; do
  f=${c%%:*}
  expect_exit 1 "info $f" -- "$DW" info "$work/src/$f"
  expect_stderr "'$work/src/$f' ${c#*:}" "$f is refused by its name"
  expect_stderr "it reads cue sheets, cdrdao TOC files, Nero NRG, ISO 9660/UDF images" "$f: says what it reads"
done
# Containers discwright reads, whatever the extension says, broken or
# holding no image: refused with what is wrong.
for c in "game.iso:index entry 0 points to byte 0, inside the header or the index" \
         "mac.dmg:has no XML property list" \
         "disc.iso.gz:holds a cue sheet, not an ISO image: decompress it first"; do
  f=${c%%:*}
  expect_exit 1 "info $f" -- "$DW" info "$work/src/$f"
  expect_stderr "'$work/src/$f'" "$f: the message names the file"
  expect_stderr "${c#*:}" "$f: says what is wrong"
done
# CloneCD and Alcohol descriptors go to their readers, whatever the name.
expect_exit 1 "a CloneCD file named .cue" -- "$DW" info "$work/src/disc.cue"
expect_stderr "'disc.cue': no [Entry] sections: the file holds no TOC" "  is read as CloneCD"
expect_exit 1 "an empty Alcohol descriptor" -- "$DW" info "$work/src/disc.mds"
expect_stderr "'disc.mds': says it has 0 sessions" "  is read as MDS"
# A CHD is read (test_chd.sh); this one's header is empty: refused as damaged.
expect_exit 1 "info of a CHD with an empty header" -- "$DW" info "$work/src/game.chd"
expect_stderr "the file is damaged" "game.chd is refused as damaged"
expect_exit 1 "rip of a CHD" -- "$DW" rip "$work/src/game.chd" -o "$work/o6"
no_outputs "$work/o6" "rip of a CHD"
# An ISO needs a volume descriptor; other files say what they start with.
pad $((40 * 2048)) > "$work/src/blank.iso"
expect_exit 1 "an .iso without a volume descriptor" -- "$DW" info "$work/src/blank.iso"
expect_stderr "is not a disc image discwright knows (it starts with 65536 zero bytes and goes on)" "says what it starts with"
expect_stderr "opens with --raw" "says how to open it anyway"
expect_exit 1 "a text file" -- "$DW" info "$FIX/libcdio/COPYING"
expect_stderr "it starts with the text" "quotes its first line"
expect_exit 1 "the raw bin of a data CD" -- "$DW" info "$L/isofs-m1.bin"
expect_stderr "FILE \"isofs-m1.bin\" BINARY, TRACK 01 MODE1/2352, INDEX 01 00:00:00" "says how to write its cue"
# A cue sheet named .toc is read as what it is.
cp "$L/cdda.cue" "$L/cdda.bin" "$work/src/" && mv "$work/src/cdda.cue" "$work/src/cdda.toc"
expect_exit 0 "a cue sheet named .toc" -- "$DW" info "$work/src/cdda.toc"
expect_stdout "cdda.toc (cue)" "info names the format it found"

# CD layouts end at 99:59:74 (issue 11): the 101-byte cue of PREGAP and
# POSTGAP 99:59:74 on a 4-sector bin, and a sparse bin of (2^32+400)
# sectors of 2352 bytes (once read as 400 sectors) are refused with the
# lead-out LBA; rip writes nothing.
mkdir -p "$work/long"
head -c $((4 * 2352)) /dev/zero > "$work/long/a.bin"
printf 'FILE "a.bin" BINARY\n TRACK 01 AUDIO\n  PREGAP 99:59:74\n  INDEX 01 00:00:00\n  POSTGAP 99:59:74\n' > "$work/long/a.cue"
expect_exit 1 "PREGAP and POSTGAP 99:59:74" -- "$DW" info "$work/long/a.cue"
expect_stderr "'a.cue': the layout ends at LBA 900002 (200:02:02), past the 100 minutes a CD holds" "names the lead-out"
expect_exit 1 "rip of PREGAP and POSTGAP 99:59:74" -- "$DW" rip "$work/long/a.cue" -o "$work/o7"
no_outputs "$work/o7" "rip of a 200-minute cue"
truncate -s $(( (4294967296 + 400) * 2352 )) "$work/long/big.bin"
printf 'FILE "big.bin" BINARY\n TRACK 01 MODE1/2352\n  INDEX 01 00:00:00\n' > "$work/long/big.cue"
expect_exit 1 "a bin of 2^32+400 sectors" -- "$DW" info "$work/long/big.cue"
expect_stderr "the layout ends at LBA 4294967696 " "counts its sectors in 64 bits"

# Usage errors exit 2.
expect_exit 2 "no command" -- "$DW"
expect_exit 2 "unknown command" -- "$DW" frobnicate
expect_exit 2 "rip without -o" -- "$DW" rip "$L/cdda.cue"
expect_exit 2 "bad --format" -- "$DW" rip "$L/cdda.cue" -o "$work/o4" --format mp3
# verify with one argument checks the MD5 tags of an ISO volume (mkiso --md5):
# an audio CD image has none.
expect_exit 1 "verify with one argument, an audio CD image" -- "$DW" verify "$L/cdda.cue"
expect_stderr "no data track" "  has no ISO volume with MD5 tags, and says so"
expect_exit 2 "verify with three arguments" -- "$DW" verify "$L/cdda.cue" "$L/cdda.cue" x
expect_exit 2 "burn without --drive" -- "$DW" burn "$FIX/debian-ipxe/ipxe.iso"
for c in drives info rip burn verify; do
  expect_exit 0 "$c --help" -- "$DW" "$c" --help
  expect_stdout "usage: discwright $c" "$c --help prints its usage"
done
# An image longer than a CD can be (a DVD-sized ISO, sparse here) is refused
# as BIN/CUE before anything is read or created, with the way out.
truncate -s $((460000 * 2048)) "$work/dvd-sized.iso"
printf '\001CD001\001' | dd of="$work/dvd-sized.iso" bs=1 seek=$((16 * 2048)) conv=notrunc 2>/dev/null
expect_exit 1 "BIN/CUE rip of a 460000-sector image" -- "$DW" rip "$work/dvd-sized.iso" -o "$work/o5"
expect_stderr "rip it with --format iso" "it says to rip it as ISO"
[ ! -e "$work/o5" ] && ok "nothing created for it" || bad "$work/o5 was created"
expect_exit 0 "--version" -- "$DW" --version
expect_stdout "discwright 0." "--version prints the version"
finish
