#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# BIN/CUE images burned by discwright to an emulated blank CD-R through
# libburn's cue support (SAO: SEND CUE SHEET, CD-TEXT written into the
# lead-in, WRITE from LBA -150): libcdio's cdda.cue, a cue with CATALOG,
# ISRC, TITLE/PERFORMER, FLAGS, INDEX 00 and INDEX 02, and a MODE1/2352
# data cue (converted to 2048-byte sectors).  A second process reads the
# disc back: discwright info shows the TOC, ISRC, MCN and CD-TEXT of the
# image, discwright rip gives the source bin and cue back, cd-info agrees.
# A cue that mixes audio and data goes to discwright's own SAO writer
# (it_burn_sao.sh).
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

SAMPLE_BIN=${DW_BUILD:?DW_BUILD not set}/sample/sample.bin
[ -f "$SAMPLE_BIN" ] || skip_all "$SAMPLE_BIN not built"

# The layout of 'discwright info': per track number, session, mode, flags,
# INDEX 01 and ISRC; then lead-out, MCN and CD-TEXT.  The pregap column is
# left out: the device path reads no INDEX 00 (it-cd.sh says why).
layout_of() {
  awk '/^  track / { on = 1; next }
       !on { next }
       $1 ~ /^[0-9]+$/ {
         start = ""
         for (i = NF; i > 4; i--) if ($i ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/) { start = $(i + 1); break }
         print "track " $1 " session " $2 " " $3 " flags " $4 " start " start " isrc " $NF
         next }
       $1 == "INDEX" { next }
       { print }' "$1"
}

# A cue sheet without the lines a rip adds or names differently.
cue_body() { grep -v -e '^REM COMMENT' -e '^FILE ' "$1" | sed 's/\r$//'; }

# An audio disc of three tracks of 4 s or more (shorter tracks are padded
# to 4 s by libburn, Red Book's minimum): the sample disc's audio and
# libcdio's cdda.bin, 1127 sectors.
{ tail -c +$((184 * 2352 + 1)) "$SAMPLE_BIN"; cat "$L/cdda.bin"; } >"$work/album.bin"
cat >"$work/album.cue" <<'EOF'
CATALOG 1234567890128
TITLE "Emulated album"
PERFORMER "discwright"
FILE "album.bin" BINARY
  TRACK 01 AUDIO
    TITLE "A above middle C"
    PERFORMER "Tone"
    ISRC XXDWS2300001
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    TITLE "E above A"
    FLAGS DCP
    ISRC XXDWS2300002
    INDEX 00 00:06:00
    INDEX 01 00:07:00
    INDEX 02 00:08:00
  TRACK 03 AUDIO
    TITLE "Sweep"
    FLAGS PRE
    INDEX 01 00:11:00
EOF

while read -r name cue bin; do
  state=$work/$name.state
  EMU_CONFIG="blank=cdr capacity=5000 state=$state"
  expect_exit 0 "$name: discwright burn to CD-R" -- emu "$DW" burn "$cue" --drive "$EMU_DEVICE"
  expect_stdout "(CD-R, SAO)" "$name: burned in SAO"
  expect_stdout "identical" "$name: the burn's own verify finds the disc identical"

  EMU_CONFIG="state=$state"
  expect_exit 0 "$name: discwright verify in a second process" -- emu "$DW" verify "$EMU_DEVICE" "$cue"
  expect_stdout "identical" "$name: the second process finds the disc identical"
  "$DW" info "$cue" >"$work/img.txt" 2>/dev/null
  expect_exit 0 "$name: discwright info /dev/sr0" -- emu "$DW" info "$EMU_DEVICE"
  cp "$work/out.txt" "$work/dev.txt"
  grep -q "^medium: *CD-R, closed" "$work/dev.txt" && ok "$name: info shows a closed CD-R" \
    || bad "$name: $(grep '^medium' "$work/dev.txt")"
  same_text <(layout_of "$work/img.txt") <(layout_of "$work/dev.txt") \
    "$name: TOC, flags, ISRC, MCN and CD-TEXT on the disc equal the image's"

  want=0
  [ "$name" = isofs-m1 ] || want=5 # audio: unconfirmed without a database
  expect_exit $want "$name: discwright rip /dev/sr0" -- \
    emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-$name" --name disc
  same_file "$work/rip-$name/disc.bin" "$bin" "$name: the ripped bin equals the source bin"
  if [ "$name" = album ]; then
    # The rip finds INDEX 00 and INDEX 02 in the Q sub-channel the disc
    # carries, and ISRC, CATALOG, CD-TEXT: the cue comes back as written.
    same_text <(cue_body "$cue") <(cue_body "$work/rip-$name/disc.cue") \
      "$name: the ripped cue sheet equals the source cue (INDEX 00/02, ISRC, CATALOG, CD-TEXT)"
  fi

  if have cd-info >/dev/null; then
    emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE" >"$work/cdi.txt" 2>&1
    case $name in
    cdda)
      grep -q "^Media Catalog Number (MCN): 0000010271955" "$work/cdi.txt" &&
        grep -qE "^ +1: 00:02:00  000000 audio " "$work/cdi.txt" &&
        grep -q "TITLE: Join us now we have the software" "$work/cdi.txt" &&
        grep -q "TITLE: Soft" "$work/cdi.txt" \
        && ok "$name: cd-info reads the track, the MCN and the CD-TEXT" \
        || bad "$name: cd-info: $(grep -e MCN -e '^ *1:' -e TITLE "$work/cdi.txt" | tr '\n' ' ')"
      ;;
    album)
      grep -q "^Media Catalog Number (MCN): 1234567890128" "$work/cdi.txt" &&
        grep -q "^TRACK  1 ISRC: XXDWS2300001" "$work/cdi.txt" &&
        grep -q "^TRACK  2 ISRC: XXDWS2300002" "$work/cdi.txt" &&
        grep -qE "^ +2: 00:09:00  000525 audio  true   yes" "$work/cdi.txt" &&
        grep -qE "^ +3: 00:13:00  000825 audio .* yes$" "$work/cdi.txt" &&
        grep -q "TITLE: Emulated album" "$work/cdi.txt" && grep -q "PERFORMER: Tone" "$work/cdi.txt" \
        && ok "$name: cd-info reads tracks, flags, MCN, ISRCs (Q sub-channel) and CD-TEXT" \
        || bad "$name: cd-info: $(grep -e MCN -e ISRC -e '^ *[0-9]:' -e TITLE "$work/cdi.txt" | tr '\n' ' ')"
      ;;
    isofs-m1)
      grep -q "^Disc mode is listed as: CD-DATA (Mode 1)" "$work/cdi.txt" &&
        grep -q "^CD-ROM with ISO 9660 filesystem" "$work/cdi.txt" \
        && ok "$name: cd-info sees a Mode 1 disc with an ISO 9660 file system" \
        || bad "$name: cd-info: $(grep -e '^Disc mode' -e 'ISO 9660' "$work/cdi.txt" | tr '\n' ' ')"
      ;;
    esac
  fi
  if [ "$name" = album ] && have cd-paranoia >/dev/null; then
    cd-paranoia -d "$cue" -Q 2>&1 | sed -n '/^track /,/^TOTAL/p' >"$work/cdp-img.txt"
    emu_tool cd-paranoia -d "$EMU_DEVICE" -Q >"$work/cdp.txt" 2>&1
    sed -n '/^track /,/^TOTAL/p' "$work/cdp.txt" >"$work/cdp-dev.txt"
    [ -s "$work/cdp-dev.txt" ] && same_text "$work/cdp-img.txt" "$work/cdp-dev.txt" \
      "$name: cd-paranoia -Q on the drive prints the image's TOC" \
      || bad "$name: cd-paranoia -Q printed no TOC: $(tail -3 "$work/cdp.txt")"
  fi
  if [ "$name" = album ] && have cdrdao >/dev/null; then
    # cdrdao read-cd: audio in its big-endian byte order, ISRC and MCN
    # from the Q sub-channel.
    (cd "$work" && emu_tool cdrdao read-cd --device "$EMU_DEVICE" --datafile cdrdao.bin \
      cdrdao.toc >"$work/cdrdao.txt" 2>&1)
    dd if="$work/cdrdao.bin" of="$work/cdrdao-le.bin" conv=swab status=none 2>/dev/null
    same_file "$work/cdrdao-le.bin" "$bin" "$name: cdrdao read-cd reads the source audio back"
    grep -q 'CATALOG "1234567890128"' "$work/cdrdao.toc" && grep -q '^ISRC "XXDWS2300002"' "$work/cdrdao.toc" \
      && ok "$name: cdrdao read-cd finds the MCN and the ISRCs" \
      || bad "$name: cdrdao toc: $(grep -e CATALOG -e '^ISRC' "$work/cdrdao.toc" | tr '\n' ' ')"
  fi
done <<EOF
cdda $L/cdda.cue $L/cdda.bin
album $work/album.cue $work/album.bin
isofs-m1 $L/isofs-m1.cue $L/isofs-m1.bin
EOF
have cd-info || true
have cd-paranoia || true
have cdrdao || true

# ---- what libburn cannot write from a cue goes to discwright's own writer ----
# (it_burn_sao.sh burns and reads it back; here only the choice of writer)
EMU_CONFIG="blank=cdr capacity=5000"
expect_exit 0 "a cue mixing audio and data is burned by the SAO writer" -- \
  emu "$DW" burn "$DW_BUILD/sample/sample.cue" --drive "$EMU_DEVICE" --no-verify
expect_stdout "(CD-R, SAO)" "the mixed cue is written session at once"

finish
