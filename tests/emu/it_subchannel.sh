#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# rip --subchannel --toc through the emulated drive: the .sub holds the raw
# P-W the drive model returns for every sector of the bin (READ CD
# sub-channel 001b), de-interleaved; its Q frames decode with good CRCs and
# the TNO, INDEX, relative and absolute times of the layout in the rip's
# cue, P is set in the pregaps, MCN frames carry the CATALOG; the .img is
# the .bin; the .ccd describes the same layout; the cdrdao .toc reads back
# (our reader, cdrdao show-toc, toc2cue) to the same layout and the same
# bytes; the .cdt reads back (the cue reader's CDTEXTFILE, libcdio's
# parser) to the same CD-TEXT; the log's signature checks.  Bad Q CRCs and
# unreadable sectors from the fault plan show in the log and the report; a
# drive that refuses raw P-W (rawpw=no) fails the rip before the bin is read.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload
SUBQ=$DW_BUILD/tests/emu/dw-subq
if [ ! -x "$SUBQ" ]; then
  skip_all "$SUBQ is not built"
fi

# check_sub CUE SUBQ_LINES: compare each decoded frame with the layout of
# CUE (one FILE, bin from LBA 0): prints "frames bad_crc mismatches mcn
# p_mismatches rw_set", and the first few mismatches on stderr.
check_sub() {
  awk -v cue="$1" '
    function lba(msf,  a) { split(msf, a, ":"); return (a[1] * 60 + a[2]) * 75 + a[3] }
    BEGIN {
      while ((getline line < cue) > 0) {
        n = split(line, f, " ")
        if (f[1] == "CATALOG") mcn = f[2]
        if (f[1] == "TRACK") { t++; num[t] = f[2] + 0; first[t] = -1 }
        if (f[1] == "INDEX") {
          k = f[2] + 0; idx[t, k] = lba(f[3]); if (k + 1 > cnt[t]) cnt[t] = k + 1
          if (first[t] < 0) first[t] = lba(f[3])
        }
      }
      tracks = t
    }
    {
      frames++
      if ($2 != "ok") { bad++; next }
      if ($7 == "-" && $9 != "-") { if ($9 == mcn) mcns++; else { mis++ } ; next }
      l = $1
      for (t = tracks; t > 1 && l < first[t]; t--) ;
      i1 = idx[t, 1]
      if (l < i1) { ei = 0; er = i1 - l - 1; ep = 1 }
      else { ei = 1; for (k = 2; k < cnt[t]; k++) if (((t, k) in idx) && idx[t, k] <= l) ei = k; er = l - i1; ep = 0 }
      if ($5 != num[t] || $6 != ei || $7 != er || $8 != l) {
        mis++; if (mis <= 5) print "mismatch: " $0 " (want tno " num[t] " index " ei " rel " er ")" > "/dev/stderr"
      }
      if ($3 != ep) { pmis++; if (pmis <= 5) print "P: " $0 " (want " ep ")" > "/dev/stderr" }
      if ($10 != "RW=0") rw++
    }
    END { printf "%d %d %d %d %d %d\n", frames, bad, mis, mcns, pmis, rw }
  ' "$2"
}

# indexes_of_cue CUE: "TRACK nn INDEX kk mm:ss:ff" lines.
indexes_of_cue() {
  awk '$1 == "TRACK" { t = $2 } $1 == "INDEX" { print "TRACK " t " INDEX " $2 " " $3 }' "$1"
}

# indexes_of_ccd CCD: the same from [TRACK n] INDEX k=LBA (LBA 0 = bin start).
indexes_of_ccd() {
  tr -d '\r' <"$1" | awk -F= '
    /^\[TRACK / { t = $0; gsub(/[^0-9]/, "", t) }
    /^INDEX / && t != "" { k = $1; sub(/INDEX /, "", k); v = $2
      printf "TRACK %02d INDEX %02d %02d:%02d:%02d\n", t, k, v / 4500, v / 75 % 60, v % 75 }'
}

# ---- p1 (MCN, CD-TEXT, two pregaps) from /dev/sr0 -------------------------------------
EMU_CONFIG="medium=$L/p1.cue"
d=$work/p1
expect_exit 5 "p1: rip /dev/sr0 --subchannel --toc" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$d" --name disc --mode burst --subchannel --toc
missing=""
for ext in bin cue img sub ccd toc cdt log json; do [ -s "$d/disc.$ext" ] || missing="$missing .$ext"; done
[ -z "$missing" ] && ok "p1: bin, cue, img, sub, ccd, toc, cdt, log and json written" || bad "p1: missing$missing"
ls "$d"/*.part >/dev/null 2>&1 && bad "p1: .part files left" || ok "p1: no .part left"
same_file "$d/disc.img" "$d/disc.bin" "p1: the .img is the .bin"
sectors=$(($(stat -c %s "$d/disc.bin") / 2352))
[ "$(stat -c %s "$d/disc.sub")" -eq $((sectors * 96)) ] &&
  ok "p1: the .sub has 96 bytes for each of the $sectors sectors" || bad "p1: .sub is $(stat -c %s "$d/disc.sub") bytes"

"$SUBQ" "$d/disc.sub" 0 >"$work/p1.q"
read -r frames nbad nmis nmcn npmis nrw <<<"$(check_sub "$d/disc.cue" "$work/p1.q" 2>"$work/p1.mis")"
echo "     p1 .sub: $frames frames, $nbad bad CRC, $nmis mismatches, $nmcn MCN frames, $npmis P mismatches"
[ "$frames" = "$sectors" ] && [ "$nbad" = 0 ] && ok "p1: every Q frame of the .sub has a good CRC" ||
  bad "p1: $nbad of $frames frames with a bad CRC"
[ "$nmis" = 0 ] && ok "p1: every Q frame has the TNO, INDEX, relative and absolute time of the cue's layout" ||
  { bad "p1: $nmis frames disagree with the cue"; sed 's/^/     | /' "$work/p1.mis"; }
[ "$nmcn" -ge 3 ] && ok "p1: $nmcn MCN frames carry the CATALOG 0000010271955" || bad "p1: $nmcn MCN frames"
[ "$npmis" = 0 ] && ok "p1: P is set in the pregaps (LBA 0-74, 150-224) and clear elsewhere" ||
  bad "p1: $npmis frames with the wrong P"
[ "$nrw" = 0 ] && ok "p1: R-W are zero (no CD+G)" || bad "p1: $nrw frames with R-W set"
grep -q '^sub-channel pass (raw P-W from the drive (READ CD sub-channel 001b)): 302 sectors, 0 unreadable' "$d/disc.log" &&
  ok "p1: the log has the sub-channel pass" || bad "p1: log: $(grep 'sub-channel' "$d/disc.log")"
grep -q '^CloneCD set: disc.img, disc.sub, disc.ccd' "$d/disc.log" && grep -q '^cdrdao TOC: disc.toc' "$d/disc.log" &&
  grep -q '^CD-TEXT: disc.cdt' "$d/disc.log" && ok "p1: the log names the .img, .sub, .ccd, .toc and .cdt" ||
  bad "p1: log lacks the outputs"
lacking=""
for k in img sub ccd toc cdt; do
  grep -qE "\"$k\": *\"$d/disc.$k\"" "$d/disc.json" || lacking="$lacking $k"
done
[ -z "$lacking" ] && ok "p1: the report's outputs list img, sub, ccd, toc and cdt" ||
  bad "p1: the report's outputs lack$lacking"
grep -qE '"bad_q_crc_frames": *0' "$d/disc.json" && grep -qE '"mcn_frames": *3' "$d/disc.json" &&
  ok "p1: the report has the sub-channel pass" || bad "p1: report lacks \"subchannel\""
expect_exit 0 "p1: checklog of the rip's log" -- "$DW" checklog "$d/disc.log"

# The same P-W as the image backend synthesizes from p1.cue: P channels
# equal; ADR 1 frames equal wherever both have one (the emulator puts MCN
# frames at LBA mod 100 = 13, discwright's images at 30).
expect_exit 0 "p1.cue: rip --subchannel (image)" -- \
  "$DW" -q rip "$L/p1.cue" -o "$work/p1-img" --name disc --mode burst --subchannel
"$SUBQ" "$work/p1-img/disc.sub" 0 >"$work/p1-img.q"
diffs=$(paste -d' ' "$work/p1.q" "$work/p1-img.q" |
  awk '$3 != $13 { p++ } $4 == 1 && $14 == 1 && ($5 != $15 || $6 != $16 || $7 != $17 || $8 != $18) { q++ }
       END { print p + 0, q + 0 }')
[ "$diffs" = "0 0" ] && ok "p1: the drive's P-W and the image's agree (P, and every ADR 1 frame)" ||
  bad "p1: P/Q differences between drive and image: $diffs"
grep -q 'sub-channel pass (synthesized from the image layout)' "$work/p1-img/disc.log" &&
  ok "p1.cue: the log says the sub-channel was synthesized" || bad "p1.cue: $(grep 'sub-channel pass' "$work/p1-img/disc.log")"

# ---- the .ccd ---------------------------------------------------------------------------
same_text <(indexes_of_cue "$d/disc.cue") <(indexes_of_ccd "$d/disc.ccd") \
  "p1: the .ccd's [TRACK] INDEX entries are the cue's INDEX lines"
ccd=$(tr -d '\r' <"$d/disc.ccd")
grep -q '^\[CloneCD\]$' <<<"$ccd" && grep -q '^Version=3$' <<<"$ccd" && grep -q '^TocEntries=5$' <<<"$ccd" &&
  grep -q '^CATALOG=0000010271955$' <<<"$ccd" && grep -q '^DataTracksScrambled=0$' <<<"$ccd" &&
  ok "p1: .ccd header (Version 3, 5 TOC entries, CATALOG)" || bad "p1: .ccd header: $(head -12 <<<"$ccd")"
awk -F= '/^Point=0xa2/ { a2 = 1 } a2 && /^PLBA=/ { print $2; exit }' <<<"$ccd" | grep -qx "$sectors" &&
  ok "p1: .ccd A2h entry: the lead-out at LBA $sectors" || bad "p1: .ccd lead-out entry"
[ "$(grep -c $'\r$' "$d/disc.ccd")" = "$(wc -l <"$d/disc.ccd")" ] && ok "p1: .ccd lines end in CRLF" ||
  bad "p1: .ccd line ends"

# ---- the .toc ------------------------------------------------------------------------------
expect_exit 0 "p1: info disc.toc" -- "$DW" info "$d/disc.toc"
cp "$work/out.txt" "$work/info-toc.txt"
expect_exit 0 "p1: info disc.cue" -- "$DW" info "$d/disc.cue"
same_text <(toc_of "$work/out.txt") <(toc_of "$work/info-toc.txt") \
  "p1: 'discwright info' shows the same layout, MCN and CD-TEXT for the .toc as for the cue"
expect_exit 0 "p1: rip disc.toc" -- "$DW" -q rip "$d/disc.toc" -o "$work/from-toc" --name disc --mode burst
same_file "$work/from-toc/disc.bin" "$d/disc.bin" "p1: a rip of the .toc gives the bin's bytes (SWAP, offsets)"
if have cdrdao; then
  expect_exit 0 "p1: cdrdao show-toc disc.toc" -- cdrdao show-toc "$d/disc.toc"
  grep -q 'CATALOG NUMBER: 0000010271955' "$work/out.txt" && grep -q 'PREGAP 00:01:00(    75)' "$work/out.txt" &&
    grep -q 'START  00:03:00(   225)' "$work/out.txt" && grep -q 'END    00:04:02(   302)' "$work/out.txt" &&
    ok "p1: cdrdao reads the MCN, track 2's pregap, INDEX 01 and the end" || bad "p1: cdrdao: $(cat "$work/out.txt")"
  if have toc2cue; then
    (cd "$d" && toc2cue disc.toc "$work/toc2cue.cue" >/dev/null 2>&1)
    same_text <(indexes_of_cue "$d/disc.cue") <(indexes_of_cue "$work/toc2cue.cue") \
      "p1: toc2cue (cdrdao) turns the .toc into the cue's INDEX lines"
  fi
  if have toc2cddb; then
    (cd "$d" && toc2cddb disc.toc >"$work/cddb.txt" 2>&1)
    grep -q 'DTITLE=Richard Stallman / Join us now we have the software' "$work/cddb.txt" &&
      ok "p1: toc2cddb (cdrdao) reads the .toc's CD-TEXT" || bad "p1: toc2cddb: $(cat "$work/cddb.txt")"
  fi
fi

# ---- the .cdt: read back through a cue's CDTEXTFILE (libcdio's parser) ---------------------
grep -v -E '^ *(TITLE|PERFORMER|SONGWRITER) ' "$d/disc.cue" | sed '1a CDTEXTFILE "disc.cdt"' >"$d/bare.cue"
expect_exit 0 "p1: info of a cue with only CDTEXTFILE" -- "$DW" info "$d/bare.cue"
grep -q 'CDTEXTFILE' "$work/err.txt" && bad "p1: the .cdt was refused: $(cat "$work/err.txt")" ||
  ok "p1: the cue reader takes the .cdt without a warning"
sed -n '/CD-TEXT:/,$p' "$work/out.txt" >"$work/cdt-text.txt"
"$DW" info "$d/disc.cue" | sed -n '/CD-TEXT:/,$p' >"$work/cue-text.txt"
[ -s "$work/cue-text.txt" ] && same_text "$work/cue-text.txt" "$work/cdt-text.txt" \
  "p1: the .cdt gives the same CD-TEXT as the cue's TITLE and PERFORMER"

# ---- faults: bad Q CRCs are counted, unreadable sectors zero-filled and listed -----------------
EMU_CONFIG="medium=$L/p1.cue faults=badq:100-109,unreadable:200-201"
d=$work/p1-faults
expect_exit 3 "p1 badq:100-109 unreadable:200-201: rip --subchannel (bad sectors: exit 3)" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$d" --name disc --mode burst --subchannel --retries 1
grep -q ', 2 unreadable (zero-filled), 10 Q frames with a bad CRC' "$d/disc.log" &&
  grep -q '^warning: sub-channel of LBA 200-201 did not read: zero-filled in disc.sub' "$d/disc.log" &&
  ok "p1 faults: the log counts 10 bad Q CRCs and lists LBA 200-201 as unreadable" ||
  bad "p1 faults: $(grep 'sub-channel' "$d/disc.log")"
"$SUBQ" "$d/disc.sub" 0 >"$work/faults.q"
[ "$(awk '$2 == "bad" { n++ } END { print n + 0 }' "$work/faults.q")" = 12 ] &&
  ok "p1 faults: 12 frames of the .sub fail their CRC (10 bad, 2 zero-filled)" ||
  bad "p1 faults: $(awk '$2 == "bad"' "$work/faults.q" | head -3)"
grep -qE '"unreadable_sectors": *2' "$d/disc.json" && grep -qE '"bad_q_crc_frames": *10' "$d/disc.json" &&
  ok "p1 faults: the report has the unreadable sectors and bad CRCs" ||
  bad "p1 faults: $(grep -A12 '"subchannel"' "$d/disc.json")"
same_file "$d/disc.img" "$d/disc.bin" "p1 faults: the .img is still the .bin"

# ---- a drive that refuses raw P-W: the rip fails before reading the bin -------------------
EMU_CONFIG="medium=$L/p1.cue rawpw=no"
d=$work/p1-nopw
expect_exit 1 "p1 rawpw=no: rip --subchannel fails" -- \
  emu "$DW" rip "$EMU_DEVICE" -o "$d" --name disc --mode burst --subchannel
expect_stderr "refuses raw P-W sub-channel data" "p1 rawpw=no: the message says the drive refuses raw P-W"
expect_stderr "rip without --subchannel" "p1 rawpw=no: the message says what to do"
[ ! -e "$d/disc.bin" ] && [ ! -e "$d/disc.bin.part" ] && [ -f "$d/disc.log.part" ] &&
  ok "p1 rawpw=no: no bin, the log kept as disc.log.part" || bad "p1 rawpw=no: $(ls "$d")"
grep -q '^sectors read: 0 ' "$d/disc.log.part" && ok "p1 rawpw=no: no sector was read" ||
  bad "p1 rawpw=no: $(grep '^sectors read' "$d/disc.log.part")"
expect_exit 0 "p1 rawpw=no: checklog of the failed rip's log (signed too)" -- "$DW" checklog "$d/disc.log.part"
expect_exit 5 "p1 rawpw=no: rip without --subchannel" -- \
  emu "$DW" -q rip "$EMU_DEVICE" -o "$work/p1-nopw2" --name disc --mode burst

# ---- --format iso refuses them -------------------------------------------------------------
expect_exit 2 "rip --format iso --subchannel is a usage error" -- \
  "$DW" -q rip "$L/isofs-m1.cue" -o "$work/iso" --format iso --subchannel
expect_stderr "BIN/CUE" "the message says --subchannel needs BIN/CUE"

finish
