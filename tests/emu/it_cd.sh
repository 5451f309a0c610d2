#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CDs through the emulated drive: discwright's device path (libcdio's Linux
# driver, CDROM_SEND_PACKET and the kernel's CDROM ioctls) shows the layout
# discwright reads from the image itself, rips the same bytes, verifies
# against the image; cd-info, cd-paranoia and cdrdao on the same drive
# agree with what they say about the image.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

# Crafted media over fixture data: two sessions (CD-Extra proper) and ISRCs.
cat >"$work/extra2.cue" <<EOF
CATALOG 0000010271955
FILE "$P/cd-extra.bin" BINARY
  REM SESSION 01
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  REM SESSION 02
  TRACK 02 MODE1/2352
    INDEX 01 00:02:00
EOF
cat >"$work/isrc.cue" <<EOF
FILE "$L/p1.bin" BINARY
  TRACK 01 AUDIO
    ISRC USRC17607839
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    ISRC GBAYE0601498
    INDEX 00 00:02:00
    INDEX 01 00:03:00
EOF

# The layout in 'discwright info' output: per track its session, mode,
# flags, INDEX 01 and ISRC; lead-outs, MCN and CD-TEXT as printed.  The
# pregap column is left out: the device path finds an INDEX 00 only before
# track 1 (from the TOC), not by scanning Q.
layout_of() {
  awk '/^  track / { on = 1; next }
       !on { next }
       $1 ~ /^[0-9]+$/ {
         mode = $3; f = 4
         if ($4 == "XA") { mode = mode " XA"; f = 5 }
         start = ""
         for (i = NF; i > f; i--) if ($i ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/) { start = $(i + 1); break }
         print "track " $1 " session " $2 " " mode " flags " $f " start " start " isrc " $NF
         next }
       { print }' "$1"
}

# cd-info's track list, MCN and CD-TEXT, in the terms a Linux drive can
# give: libcdio's Linux driver takes "Green?" from the copy bit (its image
# drivers from the mode), sees Mode 2 XA tracks as "data" (the kernel's
# CDROMREADTOCENTRY never reports the XA format), and prints an empty MCN
# where the image drivers say "not available" (CDROM_GET_MCN copies the
# digits whether MCVal is set or not).
cdinfo_of() {
  sed -n '/^CD-ROM Track List/,/^__________/p; /^Language /,$p' "$1" |
    grep -v -e '^__________' -e '^Last CD Session' -e '^audio status' -e "can't get volume" |
    sed 's/^\(Media Catalog Number (MCN):\) not available$/\1 /' |
    awk '$1 ~ /^[0-9]+:$/ { $5 = ""; if ($4 == "XA") $4 = "data"; if ($4 == "leadout") NF = 4 } { print }'
}

# want_rip: 0 for data discs, 5 (no bad sectors, unconfirmed: no database
# is asked) for audio, 3 with bad sectors.
while read -r name image want_rip; do
  EMU_CONFIG="medium=$image"
  # ---- layout ----
  "$DW" info "$image" >"$work/img.txt" 2>/dev/null
  expect_exit 0 "$name: discwright info /dev/sr0" -- emu "$DW" info "$EMU_DEVICE"
  cp "$work/out.txt" "$work/dev.txt"
  grep -q "^drive: *$EMU_DEVICE  DWEMU" "$work/dev.txt" && ok "$name: info names the emulated drive" \
    || bad "$name: info lacks the drive line: $(head -2 "$work/dev.txt")"
  same_text <(layout_of "$work/img.txt") <(layout_of "$work/dev.txt") \
    "$name: device layout (tracks, sessions, modes, flags, starts, ISRC, MCN, CD-TEXT) equals the image's"
  grep "^capacity:" "$work/img.txt" >"$work/cap-img.txt"
  grep "^capacity:" "$work/dev.txt" >"$work/cap-dev.txt"
  same_text "$work/cap-img.txt" "$work/cap-dev.txt" "$name: same capacity"

  # ---- rip: the same bytes and verdict as a rip of the image ----
  for mode in burst paranoia; do
    "$DW" -q rip "$image" -o "$work/img-$name-$mode" --name disc --mode "$mode" --retries 1 >/dev/null 2>&1
    expect_exit "$want_rip" "$name: rip /dev/sr0 --mode $mode" -- \
      emu "$DW" -q rip "$EMU_DEVICE" -o "$work/dev-$name-$mode" --name disc --mode "$mode" --retries 1
    same_file "$work/dev-$name-$mode/disc.bin" "$work/img-$name-$mode/disc.bin" \
      "$name ($mode): the bin equals the rip of the image"
    grep '^bad' "$work/img-$name-$mode/disc.log" >"$work/bad-img.txt"
    grep '^bad' "$work/dev-$name-$mode/disc.log" >"$work/bad-dev.txt"
    same_text "$work/bad-img.txt" "$work/bad-dev.txt" "$name ($mode): the same bad ranges in the log"
  done
  if [ "$want_rip" != 3 ]; then
    expect_exit 0 "$name: verify /dev/sr0 against the image" -- emu "$DW" -q verify "$EMU_DEVICE" "$image"
  fi

  # ---- cd-info: the same track list, MCN and CD-TEXT as for the image ----
  case $name in
  extra2 | isrc) ;; # libcdio's cue driver reads <cue>.bin: no such file beside a crafted cue
  *)
    if have cd-info; then
      cd-info --no-header --no-device-info "$image" >"$work/cdi-img.txt" 2>&1
      expect_exit 0 "$name: cd-info /dev/sr0" -- emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE"
      same_text <(cdinfo_of "$work/cdi-img.txt") <(cdinfo_of "$work/out.txt") \
        "$name: cd-info on the drive lists the image's tracks, MCN and CD-TEXT"
    fi
    ;;
  esac
done <<LIST
cdda $L/cdda.cue 5
isofs-m1 $L/isofs-m1.cue 0
p1 $L/p1.cue 5
cd-extra $P/cd-extra.cue 3
videocd $L/videocd.nrg 0
extra2 $work/extra2.cue 3
isrc $work/isrc.cue 5
LIST

# ---- data tracks: the ISO through READ CD / READ(10) ----
EMU_CONFIG="medium=$L/isofs-m1.cue"
"$DW" -q rip "$L/isofs-m1.cue" -o "$work/iso-img" --format iso --name disc
expect_exit 0 "isofs-m1: rip /dev/sr0 --format iso" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/iso-dev" --format iso --name disc
same_file "$work/iso-dev/disc.iso" "$work/iso-img/disc.iso" "isofs-m1: the ISO equals the image's"
if have cd-info; then
  emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE" >"$work/cdi.txt" 2>&1
  grep -q "^CD-ROM with ISO 9660 filesystem" "$work/cdi.txt" && grep -q "^ISO 9660: 64 blocks, label .CDROM" "$work/cdi.txt" \
    && ok "isofs-m1: cd-info finds the ISO 9660 volume through read()" \
    || bad "isofs-m1: cd-info found no ISO 9660 volume: $(grep -i iso "$work/cdi.txt" | head -3)"
fi

# ---- two sessions: CDROMMULTISESSION (READ TOC, session format in byte 9) ----
EMU_CONFIG="medium=$work/extra2.cue"
emu "$DW" info "$EMU_DEVICE" >"$work/info2.txt" 2>&1
grep -q "^sessions: 2   tracks: 2" "$work/info2.txt" && ok "extra2: info shows 2 sessions" \
  || bad "extra2: $(grep '^sessions' "$work/info2.txt")"
if have cd-info; then
  emu_tool cd-info --no-header --no-device-info "$EMU_DEVICE" >"$work/cdi2.txt" 2>&1
  grep -q "^Last CD Session LSN: 11550" "$work/cdi2.txt" \
    && ok "extra2: cd-info's last session LSN is 11550 (CDROMMULTISESSION)" \
    || bad "extra2: cd-info says '$(grep '^Last CD Session' "$work/cdi2.txt")'"
fi

# ---- cd-paranoia: the audio TOC (CDROMREADTOC*, READ CD probes) ----
if have cd-paranoia; then
  for c in cdda:$L/cdda.cue p1:$L/p1.cue cd-extra:$P/cd-extra.cue; do
    IFS=: read -r name image <<<"$c"
    EMU_CONFIG="medium=$image"
    cd-paranoia -d "$image" -Q 2>&1 | sed -n '/^track /,/^TOTAL/p' >"$work/cdp-img.txt"
    emu_tool cd-paranoia -d "$EMU_DEVICE" -Q >"$work/cdp.txt" 2>&1
    sed -n '/^track /,/^TOTAL/p' "$work/cdp.txt" >"$work/cdp-dev.txt"
    [ -s "$work/cdp-dev.txt" ] && same_text "$work/cdp-img.txt" "$work/cdp-dev.txt" \
      "$name: cd-paranoia -Q on the drive prints the image's TOC" \
      || bad "$name: cd-paranoia -Q printed no TOC: $(tail -3 "$work/cdp.txt")"
  done
fi

# ---- cdrdao: the layout from Q sub-channel scanning (pregaps, MCN, ISRC) ----
if have cdrdao; then
  EMU_CONFIG="medium=$work/isrc.cue"
  (cd "$work" && emu_tool cdrdao read-toc --device "$EMU_DEVICE" "$work/isrc.toc" >"$work/cdrdao.txt" 2>&1)
  if [ -s "$work/isrc.toc" ]; then
    grep -q 'ISRC "USRC17607839"' "$work/isrc.toc" && grep -q 'ISRC "GBAYE0601498"' "$work/isrc.toc" \
      && ok "cdrdao read-toc finds both ISRCs in the Q sub-channel" || bad "cdrdao: ISRCs missing: $(grep ISRC "$work/isrc.toc")"
    [ "$(grep -c '^START 00:01:00' "$work/isrc.toc")" = 1 ] \
      && ok "cdrdao read-toc finds track 2's 75-sector pregap (INDEX 00 in Q)" \
      || bad "cdrdao: pregaps $(grep -e '^START' -e '^PREGAP' "$work/isrc.toc" | tr '\n' ' ')"
  else
    bad "cdrdao read-toc wrote no TOC: $(tail -3 "$work/cdrdao.txt")"
  fi
  EMU_CONFIG="medium=$L/cdda.cue"
  (cd "$work" && emu_tool cdrdao read-toc --device "$EMU_DEVICE" "$work/cdda.toc" >"$work/cdrdao.txt" 2>&1)
  grep -q 'CATALOG "0000010271955"' "$work/cdda.toc" 2>/dev/null && grep -q 'TITLE "Soft"' "$work/cdda.toc" \
    && ok "cdrdao read-toc: MCN and CD-TEXT of cdda" || bad "cdrdao read-toc on cdda: $(tail -3 "$work/cdrdao.txt")"
fi

# ---- libburn's view (SG_IO): cdrskin -toc and xorriso -toc ----
if have cdrskin; then
  EMU_CONFIG="medium=$L/p1.cue"
  emu_tool cdrskin dev="$EMU_DEVICE" -toc >"$work/cdrskin.txt" 2>&1
  grep -qE "^track: +1 lba: +75 .* 00:03:00 adr: 1 control: 2 mode: 0" "$work/cdrskin.txt" \
    && grep -qE "^track: +2 lba: +225 .* 00:05:00 adr: 1 control: 2 mode: 0" "$work/cdrskin.txt" \
    && grep -qE "^track:lout lba: +302 " "$work/cdrskin.txt" \
    && grep -q "^Media summary: 1 sessions, 2 tracks, closed CD-ROM" "$work/cdrskin.txt" \
    && ok "p1: cdrskin -toc lists audio tracks at LBA 75 and 225, lead-out 302" \
    || bad "p1: cdrskin -toc: $(grep -e '^track' -e '^Media summary' "$work/cdrskin.txt" | tr '\n' ' ')"
fi
if have xorriso; then
  EMU_CONFIG="medium=$L/isofs-m1.cue"
  emu_tool xorriso -indev "$EMU_DEVICE" -toc >"$work/xtoc.txt" 2>&1
  grep -q "^Media current: CD-ROM" "$work/xtoc.txt" && grep -qE "^ISO session +: +1 , +0 , +64s , CDROM" "$work/xtoc.txt" \
    && ok "isofs-m1: xorriso -toc: CD-ROM with the 64-block ISO session 'CDROM'" \
    || bad "isofs-m1: xorriso -toc: $(grep -e '^Media current' -e session "$work/xtoc.txt" | tr '\n' ' ')"
  EMU_CONFIG="medium=$work/extra2.cue"
  emu_tool xorriso -indev "$EMU_DEVICE" -toc >"$work/xtoc.txt" 2>&1
  grep -qE "^Other session: +1 , +0 , +150s" "$work/xtoc.txt" && grep -qE "^Other session: +2 , +11550 , +152s" "$work/xtoc.txt" \
    && ok "extra2: xorriso -toc lists both sessions (LBA 0, 150s; LBA 11550, 152s)" \
    || bad "extra2: xorriso -toc: $(grep -i session "$work/xtoc.txt" | tr '\n' ' ')"
fi

finish
