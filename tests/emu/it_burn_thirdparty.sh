#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The other way round: third-party burners write on the emulated drive and
# discwright checks the result.  cdrskin (-sao and -tao) burns an ISO to
# CD-R, DVD-R, DVD+R, DVD+RW and BD-R; xorriso -outdev builds and burns a
# file tree (appends a second session; formats a blank BD-RE first);
# cdrdao writes an audio disc from a TOC file; discwright verify, info and
# rip read the discs back in another process.  cdrskin also blanks a CD-RW
# that discwright then burns.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

SAMPLE=${DW_BUILD:?DW_BUILD not set}/sample/sample.iso
[ -f "$SAMPLE" ] || skip_all "$SAMPLE not built"
sectors=$(($(stat -c %s "$SAMPLE") / 2048))

# ---- cdrskin ----
if have cdrskin; then
  for kind in cdr dvdr dvdpr dvdprw bdr; do
    for mode in -sao -tao; do
      name="cdrskin $mode on $kind"
      state=$work/cdrskin-$kind$mode.state
      EMU_CONFIG="blank=$kind capacity=3000 state=$state"
      expect_exit 0 "$name: burn sample.iso" -- emu_tool cdrskin dev="$EMU_DEVICE" -v "$mode" "$SAMPLE"
      expect_stdout "cdrskin: burning done" "$name: cdrskin reports the burn done"
      EMU_CONFIG="state=$state"
      expect_exit 0 "$name: discwright verify /dev/sr0 sample.iso" -- \
        emu "$DW" verify "$EMU_DEVICE" "$SAMPLE"
      expect_stdout "identical" "$name: discwright finds the image on the disc"
      expect_exit 0 "$name: discwright rip --format iso" -- \
        emu "$DW" -q rip "$EMU_DEVICE" -o "$work/rip-$kind$mode" --format iso --name disc
      # The track may be longer (libburn's 300-sector minimum on CD, ECC
      # blocks on DVD/BD, the whole formatted DVD+RW): the image is its start.
      cmp -s -n "$(stat -c %s "$SAMPLE")" "$work/rip-$kind$mode/disc.iso" "$SAMPLE" \
        && ok "$name: the ripped ISO starts with the $sectors sectors of sample.iso" \
        || bad "$name: the ripped ISO differs from sample.iso"
      if [ "$kind" = cdr ] && [ "$mode" = -tao ] && have xorriso >/dev/null; then
        emu_tool xorriso -indev "$EMU_DEVICE" -check_media -- >"$work/check.txt" 2>&1
        grep -qE "^Media region : +300 , +2 , 0 tao_end" "$work/check.txt" \
          && ok "$name: xorriso -check_media finds the 2 TAO run-out blocks after the 300-sector track" \
          || bad "$name: xorriso -check_media: $(grep '^Media region' "$work/check.txt" | tr '\n' ' ')"
      fi
    done
  done

  # cdrskin blanks a CD-RW that cdrskin wrote; discwright burns it again.
  state=$work/cdrskin-cdrw.state
  EMU_CONFIG="blank=cdrw capacity=3000 state=$state"
  expect_exit 0 "cdrskin: burn a CD-RW" -- emu_tool cdrskin dev="$EMU_DEVICE" -sao "$SAMPLE"
  EMU_CONFIG="state=$state"
  expect_exit 0 "cdrskin blank=fast on the written CD-RW" -- emu_tool cdrskin dev="$EMU_DEVICE" blank=fast
  expect_exit 0 "discwright info after cdrskin blank=fast" -- emu "$DW" info "$EMU_DEVICE"
  grep -q "^medium: *CD-RW, blank" "$work/out.txt" && ok "the CD-RW is blank" \
    || bad "after cdrskin blank: $(grep '^medium' "$work/out.txt")"
  expect_exit 0 "discwright burns the blanked CD-RW" -- emu "$DW" burn "$SAMPLE" --drive "$EMU_DEVICE"
fi

# ---- xorriso ----
if have xorriso; then
  mkdir -p "$work/tree/sub" "$work/tree2"
  echo "first session" >"$work/tree/a.txt"
  cp "$SAMPLE" "$work/tree/sub/sample.iso"
  echo "second session" >"$work/tree2/b.txt"
  for kind in cdr dvdr dvdpr dvdprw bdr; do
    name="xorriso on $kind"
    state=$work/xorriso-$kind.state
    EMU_CONFIG="blank=$kind capacity=30000 state=$state"
    expect_exit 0 "$name: xorriso -outdev /dev/sr0 -map tree /" -- \
      emu_tool xorriso -outdev "$EMU_DEVICE" -map "$work/tree" /
    EMU_CONFIG="state=$state"
    expect_exit 0 "$name: discwright rip --format iso" -- \
      emu "$DW" -q rip "$EMU_DEVICE" -o "$work/xrip-$kind" --format iso --name disc
    xorriso -indev "$work/xrip-$kind/disc.iso" -osirrox on -extract /sub/sample.iso \
      "$work/xrip-$kind/sample.iso" >/dev/null 2>&1
    same_file "$work/xrip-$kind/sample.iso" "$SAMPLE" \
      "$name: the ISO ripped by discwright holds the file xorriso burned"
    expect_exit 0 "$name: discwright verify /dev/sr0 against the ripped ISO" -- \
      emu "$DW" verify "$EMU_DEVICE" "$work/xrip-$kind/disc.iso"
    expect_stdout "identical" "$name: verify finds the ripped ISO identical"
    # Multi-session: xorriso appends a second session on write-once media.
    if [ "$kind" != dvdprw ]; then
      expect_exit 0 "$name: xorriso appends a second session" -- \
        emu_tool xorriso -dev "$EMU_DEVICE" -map "$work/tree2" /more
      emu_tool xorriso -indev "$EMU_DEVICE" -toc >"$work/toc.txt" 2>&1
      grep -qE "^Media summary: 2 sessions" "$work/toc.txt" \
        && ok "$name: xorriso -toc sees two sessions" \
        || bad "$name: xorriso -toc: $(grep '^Media summary' "$work/toc.txt")"
      emu_tool xorriso -indev "$EMU_DEVICE" -osirrox on -extract /more/b.txt "$work/b-$kind.txt" \
        >/dev/null 2>&1
      same_file "$work/b-$kind.txt" "$work/tree2/b.txt" "$name: the second session's file reads back"
    fi
  done
  # An unformatted BD-RE: xorriso formats it (FORMAT UNIT) and burns.
  state=$work/xorriso-bdre.state
  EMU_CONFIG="blank=bdre capacity=20000 state=$state"
  expect_exit 0 "xorriso on bdre: -format as_needed, then -map" -- \
    emu_tool xorriso -outdev "$EMU_DEVICE" -format as_needed -map "$work/tree" /
  cat "$work/out.txt" "$work/err.txt" | grep -q "^Formatting done" \
    && ok "xorriso on bdre: xorriso formatted the BD-RE" || bad "xorriso on bdre: no formatting reported"
  EMU_CONFIG="state=$state"
  expect_exit 0 "xorriso on bdre: discwright info" -- emu "$DW" info "$EMU_DEVICE"
  grep -q "^medium: *BD-RE, overwritable" "$work/out.txt" \
    && ok "xorriso on bdre: info shows a formatted (overwritable) BD-RE" \
    || bad "xorriso on bdre: $(grep '^medium' "$work/out.txt")"
  expect_exit 0 "xorriso on bdre: discwright rip --format iso" -- \
    emu "$DW" -q rip "$EMU_DEVICE" -o "$work/xrip-bdre" --format iso --name disc
  xorriso -indev "$work/xrip-bdre/disc.iso" -osirrox on -extract /sub/sample.iso \
    "$work/xrip-bdre/sample.iso" >/dev/null 2>&1
  same_file "$work/xrip-bdre/sample.iso" "$SAMPLE" "xorriso on bdre: the ripped ISO holds the burned file"

  # discwright shows the two CD sessions xorriso wrote.
  EMU_CONFIG="state=$work/xorriso-cdr.state"
  expect_exit 0 "xorriso on cdr: discwright info" -- emu "$DW" info "$EMU_DEVICE"
  lead1=$(sed -n 's/^  session 1: .*(LBA \([0-9]*\))$/\1/p' "$work/out.txt")
  grep -q "^sessions: 2   tracks: 2" "$work/out.txt" && [ -n "$lead1" ] &&
    grep -qE "^ +2 +2 +MODE1 .* $((lead1 + 11400)) " "$work/out.txt" \
    && ok "xorriso on cdr: two sessions, the second 11400 sectors after the first lead-out" \
    || bad "xorriso on cdr: info: $(grep -e '^sessions' -e '^ *2 ' "$work/out.txt" | tr '\n' ' ')"
fi

# ---- cdrdao ----
if have cdrdao; then
  # An audio disc from a cdrdao TOC file: MCN, ISRCs, the copy flag, a
  # 75-sector pregap and INDEX 02 in track 2 (cdrdao sends its own cue sheet).
  SAMPLE_BIN=$DW_BUILD/sample/sample.bin
  { tail -c +$((184 * 2352 + 1)) "$SAMPLE_BIN"; cat "$L/cdda.bin"; } >"$work/long.bin"
  cat >"$work/long.toc" <<'EOF'
CD_DA
CATALOG "1234567890128"
TRACK AUDIO
ISRC "XXDWS2300001"
FILE "long.bin" 00:00:00 00:06:00
TRACK AUDIO
COPY
ISRC "XXDWS2300002"
FILE "long.bin" 00:06:00 00:09:02
START 00:01:00
INDEX 00:02:00
EOF
  state=$work/cdrdao.state
  EMU_CONFIG="blank=cdr capacity=5000 state=$state"
  (cd "$work" && emu_tool cdrdao write --device "$EMU_DEVICE" -n long.toc >"$work/cdrdao.txt" 2>&1)
  grep -q "Writing finished successfully" "$work/cdrdao.txt" && ok "cdrdao write burns the TOC file" \
    || bad "cdrdao write: $(tail -3 "$work/cdrdao.txt")"
  EMU_CONFIG="state=$state"
  expect_exit 0 "cdrdao disc: discwright info" -- emu "$DW" info "$EMU_DEVICE"
  grep -qE "^ +1 +1 +AUDIO +- .* +0 +525 +XXDWS2300001$" "$work/out.txt" &&
    grep -qE "^ +2 +1 +AUDIO +DCP .* +525 +602 +XXDWS2300002$" "$work/out.txt" &&
    grep -q "^  MCN 1234567890128" "$work/out.txt" \
    && ok "cdrdao disc: track 2 after its pregap at 525, copy flag, ISRCs and MCN" \
    || bad "cdrdao disc: info: $(grep -e '^ *[12] ' -e MCN "$work/out.txt" | tr '\n' ' ')"
  expect_exit 5 "cdrdao disc: discwright rip" -- emu "$DW" -q rip "$EMU_DEVICE" -o "$work/cdrdao-rip" --name disc
  # cdrdao reads raw audio files as big-endian samples: the disc holds
  # long.bin byte-swapped.
  dd if="$work/long.bin" of="$work/long-swapped.bin" conv=swab status=none 2>/dev/null
  same_file "$work/cdrdao-rip/disc.bin" "$work/long-swapped.bin" \
    "cdrdao disc: the ripped bin equals what cdrdao burned (its big-endian samples)"
  # cdrdao's INDEX counts from INDEX 01: 525 + 150 = 675 (00:09:00).
  grep -q "^    INDEX 02 00:09:00" "$work/cdrdao-rip/disc.cue" && grep -q "^    INDEX 00 00:06:00" "$work/cdrdao-rip/disc.cue" \
    && ok "cdrdao disc: the rip finds INDEX 00 and INDEX 02 of track 2" \
    || bad "cdrdao disc: rip cue: $(grep INDEX "$work/cdrdao-rip/disc.cue" | tr '\n' ' ')"
fi

finish
