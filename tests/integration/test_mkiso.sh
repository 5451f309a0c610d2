#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright mkiso: a tree with Unicode names over 64 characters, a hard
# link, a symlink, an excluded file, a compressible and a random file goes
# into an ISO that tools we did not write read back: xorriso lists every
# file and checks the MD5 tags, iso-info and isoinfo list it, bsdtar and
# xorriso -osirrox extract files equal to the sources.  The same tree under
# SOURCE_DATE_EPOCH gives the same bytes (also from a copy of the tree);
# graft points, zisofs, --no-joliet/--no-rockridge, clashing sources,
# missing sources and an existing output (refused without --overwrite,
# nothing lost), and Ctrl-C while writing are checked too.
. "$(dirname "$0")/lib.sh"

src=$work/src
long=$(printf 'Ünïcödé-nàme-%.0s' 1 2 3 4 5 6)   # 84 characters
mkdir -p "$src/sub/deeper" "$src/empty"
printf 'hello\n' >"$src/a.txt"
head -c 300000 /dev/urandom >"$src/sub/rand.bin"
yes 'a line that compresses well' | head -c 1000000 >"$src/sub/text.txt"
printf 'unicode\n' >"$src/sub/deeper/$long.txt"
ln "$src/a.txt" "$src/sub/hard.txt"
ln -s a.txt "$src/link"
printf 'backup\n' >"$src/sub/skip.bak"
touch -d '2020-02-02 12:00:00 UTC' "$src/a.txt" "$src/sub/rand.bin"

iso=$work/out.iso
expect_exit 0 "mkiso with --md5, --volid, --publisher and --exclude" -- \
  "$DW" mkiso "$src" -o "$iso" --md5 --volid TESTVOL --publisher 'Test Publisher' -x '*.bak'
expect_stdout "files" "  prints a summary"
[ -f "$iso" ] && [ ! -e "$iso.part" ] && ok "  the image is in place, no .part left" ||
  bad "  image missing or .part left"

# The file list the image must hold (Rock Ridge names), from the source.
(cd "$src" && find . -mindepth 1 ! -name '*.bak' | sed 's|^\.||' | LC_ALL=C sort) >"$work/want.txt"

if have xorriso; then
  xorriso -indev "$iso" -find / -exec lsdl 2>/dev/null >"$work/lsdl.txt"
  sed -e "s/ -> '.*'$//" -e "s/^[^']*'\(.*\)'$/\1/" "$work/lsdl.txt" | grep -v '^/$' |
    LC_ALL=C sort >"$work/got.txt"
  if cmp -s "$work/want.txt" "$work/got.txt"; then ok "xorriso -find / -exec lsdl lists every file"; else
    bad "xorriso lists other files"; diff "$work/want.txt" "$work/got.txt" | head | sed 's/^/     | /'
  fi
  grep -q "^lrwx.* '/link' -> 'a.txt'$" "$work/lsdl.txt" && ok "  the symlink is kept" ||
    bad "  no symlink /link -> a.txt"
  grep -qF "$long.txt" "$work/lsdl.txt" && ok "  the 84-character Unicode name is whole" ||
    bad "  the long Unicode name is not there"
  xorriso -indev "$iso" -pvd_info 2>/dev/null >"$work/pvd.txt"
  grep -q "Volume Id *: TESTVOL" "$work/pvd.txt" && ok "  volume id TESTVOL" || bad "  volume id"
  # ECMA-119 a-characters: libisofs records the publisher in upper case.
  grep -q "Publisher Id *: TEST PUBLISHER" "$work/pvd.txt" && ok "  publisher id" || bad "  publisher"
  xorriso -md5 on -indev "$iso" -check_md5_r FAILURE / -- >"$work/md5.txt" 2>&1
  grep -q "File contents and their MD5 checksums match" "$work/md5.txt" &&
    ok "xorriso -check_md5_r: every file's MD5 tag matches" || {
    bad "xorriso -check_md5_r"
    tail -5 "$work/md5.txt" | sed 's/^/     | /'
  }
  xorriso -md5 on -indev "$iso" -check_media -- >"$work/media.txt" 2>&1
  grep -q "MD5 tag range.*md5_match" "$work/media.txt" &&
    ok "xorriso -check_media: the session MD5 tag matches" || bad "xorriso -check_media: no md5_match"
  xorriso -indev "$iso" -find / -type f -exec report_lba 2>/dev/null >"$work/lba.txt"
  a_lba=$(sed -n "s/^File data lba: *0 , *\([0-9]*\) ,.*'\/a.txt'$/\1/p" "$work/lba.txt")
  h_lba=$(sed -n "s/^File data lba: *0 , *\([0-9]*\) ,.*'\/sub\/hard.txt'$/\1/p" "$work/lba.txt")
  [ -n "$a_lba" ] && [ "$a_lba" = "$h_lba" ] && ok "  the hard link shares its data (LBA $a_lba)" ||
    bad "  hard link: a.txt at '$a_lba', sub/hard.txt at '$h_lba'"
  rm -rf "$work/x1"
  xorriso -osirrox on -indev "$iso" -extract / "$work/x1" >/dev/null 2>&1
  diff -r --no-dereference "$src" "$work/x1" >"$work/diff.txt" 2>&1
  grep -v 'skip.bak' "$work/diff.txt" | grep -q . && {
    bad "xorriso -osirrox extracts other files"
    head "$work/diff.txt" | sed 's/^/     | /'
  } || ok "xorriso -osirrox extracts files equal to the sources"
  [ ! -e "$work/x1/sub/skip.bak" ] && ok "  the excluded file is not in the image" ||
    bad "  skip.bak is in the image"
  [ "$(stat -c %Y "$work/x1/a.txt")" = "$(stat -c %Y "$src/a.txt")" ] &&
    ok "  mtime kept" || bad "  mtime of a.txt differs"
fi
if have bsdtar; then
  rm -rf "$work/x2" && mkdir "$work/x2"
  bsdtar -xf "$iso" -C "$work/x2" 2>"$work/bsdtar.txt"
  diff -r --no-dereference -x skip.bak "$src" "$work/x2" >"$work/diff2.txt" 2>&1 &&
    ok "bsdtar extracts files equal to the sources" || {
    bad "bsdtar extracts other files"
    head "$work/diff2.txt" | sed 's/^/     | /'
  }
  [ "$(stat -c %i "$work/x2/a.txt")" = "$(stat -c %i "$work/x2/sub/hard.txt")" ] &&
    ok "  bsdtar sees a.txt and sub/hard.txt as one hard-linked file" ||
    bad "  bsdtar: the hard link is gone"
fi
if have iso-info; then
  iso-info -l "$iso" >"$work/isoinfo1.txt" 2>&1
  n=0
  for f in a.txt rand.bin text.txt hard.txt; do grep -q " $f\$" "$work/isoinfo1.txt" && n=$((n + 1)); done
  [ "$n" = 4 ] && ok "iso-info -l lists the files" || bad "iso-info -l lists $n of 4 files"
fi
if have isoinfo; then
  isoinfo -R -l -i "$iso" >"$work/isoinfo2.txt" 2>&1
  n=0
  for f in a.txt rand.bin text.txt hard.txt link "$long.txt"; do
    grep -qF " $f " "$work/isoinfo2.txt" && n=$((n + 1))
  done
  [ "$n" = 6 ] && ok "isoinfo -R -l lists the Rock Ridge names" || bad "isoinfo -R -l lists $n of 6"
  isoinfo -J -l -i "$iso" >"$work/isoinfo3.txt" 2>&1
  grep -qF " rand.bin;1 " "$work/isoinfo3.txt" && ok "isoinfo -J -l lists the Joliet names" ||
    bad "isoinfo -J -l"
  isoinfo -d -i "$iso" >"$work/isod.txt" 2>&1
  grep -q "Joliet with UCS level 3" "$work/isod.txt" && grep -q "Rock Ridge signatures" "$work/isod.txt" &&
    ok "  Joliet and Rock Ridge are there by default" || bad "  isoinfo -d lacks Joliet or Rock Ridge"
fi

# verify with no IMAGE checks the --md5 tags; one changed byte in a file
# is found by path, as xorriso -check_md5_r finds it.
expect_exit 0 "verify IMAGE alone checks its MD5 tags" -- "$DW" verify "$iso"
expect_stdout "session: blocks 0-" "  the session tag"
expect_stdout "identical to what was recorded" "  every tag matches"
cp "$iso" "$work/bad.iso"
if have xorriso; then
  rlba=$(xorriso -indev "$iso" -find /sub/rand.bin -exec report_lba 2>/dev/null |
    sed -n "s/^File data lba: *0 , *\([0-9]*\) ,.*/\1/p")
  printf 'XX' | dd of="$work/bad.iso" bs=1 seek=$((rlba * 2048 + 1000)) conv=notrunc status=none
  expect_exit 4 "verify of an image with a changed byte in /sub/rand.bin" -- "$DW" verify "$work/bad.iso"
  expect_stderr "file '/sub/rand.bin': MD5 differs from its tag" "  names the file"
  expect_stdout "1 differ" "  and counts one file"
  xorriso -md5 on -indev "$work/bad.iso" -check_md5_r FAILURE / -- >"$work/badmd5.txt" 2>&1
  grep -q "MD5 MISMATCH: '/sub/rand.bin'" "$work/badmd5.txt" &&
    ok "  xorriso -check_md5_r finds the same file" || bad "  xorriso: $(grep -i mismatch "$work/badmd5.txt" | head -2)"
fi
"$DW" -q mkiso "$src" -o "$work/nomd5.iso"
expect_exit 1 "verify IMAGE alone without MD5 tags" -- "$DW" verify "$work/nomd5.iso"
expect_stderr "no MD5 tags" "  says there are none"

# Reproducible: the same tree under SOURCE_DATE_EPOCH gives the same bytes,
# also after its files were read (other atimes).  (A copy of the tree made
# in another inode order differs in Rock Ridge inode numbers: libisofs
# numbers hard-link families in source inode order; docs/discwright-mkiso.md.)
export SOURCE_DATE_EPOCH=1700000000
expect_exit 0 "mkiso under SOURCE_DATE_EPOCH" -- "$DW" -q mkiso "$src" -o "$work/r1.iso" --md5
cat "$src/a.txt" "$src/sub/rand.bin" >/dev/null
expect_exit 0 "  again" -- "$DW" -q mkiso "$src" -o "$work/r2.iso" --md5
same_file "$work/r1.iso" "$work/r2.iso" "  the same tree gives the same bytes"
unset SOURCE_DATE_EPOCH
SOURCE_DATE_EPOCH=yesterday expect_exit 2 "a SOURCE_DATE_EPOCH that is no number" -- \
  "$DW" mkiso "$src" -o "$work/r4.iso"
expect_stderr "SOURCE_DATE_EPOCH" "  is refused, naming it"

# An existing output: refused without --overwrite, untouched; replaced with it.
printf 'my notes\n' >"$work/notes.iso"
expect_exit 1 "mkiso onto an existing file" -- "$DW" mkiso "$src" -o "$work/notes.iso"
expect_stderr "--overwrite" "  refused, saying how to insist"
[ "$(cat "$work/notes.iso")" = "my notes" ] && [ ! -e "$work/notes.iso.part" ] &&
  ok "  the file is untouched, no .part left" || bad "  notes.iso changed"
expect_exit 0 "  with --overwrite" -- "$DW" -q mkiso "$src" -o "$work/notes.iso" --overwrite
cmp -s <(printf 'my notes\n') "$work/notes.iso" && bad "  not replaced" || ok "  replaced"

# Graft points: a folder and a file put elsewhere, '=' escaped in a name.
expect_exit 0 "graft points" -- "$DW" -q mkiso "/docs/text=$src/sub" "/top/x.txt=$src/a.txt" \
  '/eq\=name='"$src/a.txt" -o "$work/graft.iso"
if have xorriso; then
  xorriso -indev "$work/graft.iso" -find / -exec lsdl 2>/dev/null >"$work/glsdl.txt"
  for p in /docs/text/rand.bin /docs/text/deeper /top/x.txt /eq=name; do
    grep -qF "'$p'" "$work/glsdl.txt" && ok "  $p is there" || bad "  $p missing"
  done
  grep -q "^drwxr-xr-x.* '/docs/text'$" "$work/glsdl.txt" && ok "  /docs/text has sub's permissions" ||
    bad "  /docs/text permissions: $(grep "'/docs/text'$" "$work/glsdl.txt")"
fi

# Two sources that give the image the same file: refused, nothing written.
mkdir -p "$work/other"
printf 'other\n' >"$work/other/a.txt"
expect_exit 1 "two sources with the same file name" -- "$DW" mkiso "$src" "$work/other" -o "$work/clash.iso"
expect_stderr "'/a.txt'" "  names the clash"
[ ! -e "$work/clash.iso" ] && [ ! -e "$work/clash.iso.part" ] && ok "  no image, no .part" || bad "  left a file"
mkdir -p "$work/more/sub"
printf 'new\n' >"$work/more/sub/new.txt"
expect_exit 0 "two folders whose subfolders merge" -- "$DW" -q mkiso "$src" "$work/more" -o "$work/merge.iso"
if have xorriso; then
  xorriso -indev "$work/merge.iso" -find /sub -type f 2>/dev/null >"$work/merge.txt"
  grep -q "'/sub/new.txt'" "$work/merge.txt" && grep -q "'/sub/rand.bin'" "$work/merge.txt" &&
    ok "  /sub holds the files of both" || bad "  /sub lacks a file"
fi

expect_exit 1 "a missing source" -- "$DW" mkiso "$work/nonexistent" -o "$work/missing.iso"
expect_stderr "nonexistent" "  names it"
[ ! -e "$work/missing.iso" ] && [ ! -e "$work/missing.iso.part" ] && ok "  nothing written" || bad "  left a file"
expect_exit 2 "no -o" -- "$DW" mkiso "$src"
expect_exit 2 "--zisofs without Rock Ridge is a usage error" -- \
  "$DW" mkiso "$src" -o "$work/z0.iso" --zisofs --no-rockridge
expect_exit 2 "--json (mkiso has no JSON report)" -- "$DW" --json mkiso "$src" -o "$work/j.iso"

# zisofs: smaller, and read back whole by xorriso and bsdtar.
mkdir -p "$work/ztree"
cp "$src/sub/text.txt" "$work/ztree/"
expect_exit 0 "mkiso --zisofs" -- "$DW" mkiso "$work/ztree" -o "$work/z.iso" --zisofs
expect_stdout "zisofs: 1 files stored compressed" "  the text file is stored compressed"
[ "$(stat -c %s "$work/z.iso")" -lt 300000 ] && ok "  the image is smaller than the file" ||
  bad "  z.iso is $(stat -c %s "$work/z.iso") bytes"
if have xorriso; then
  rm -rf "$work/zx"
  xorriso -osirrox on -indev "$work/z.iso" -extract / "$work/zx" >/dev/null 2>&1
  same_file "$work/zx/text.txt" "$src/sub/text.txt" "  xorriso extracts it uncompressed"
fi
if have bsdtar; then
  rm -rf "$work/zb" && mkdir "$work/zb" && bsdtar -xf "$work/z.iso" -C "$work/zb"
  same_file "$work/zb/text.txt" "$src/sub/text.txt" "  bsdtar extracts it uncompressed"
fi

# Ctrl-C while writing: the run ends by the signal, FILE.part is removed and
# no FILE appears.  The sign to send it: FILE.part exists.
mkdir -p "$work/sparse"
truncate -s 4G "$work/sparse/s.bin"
"$DW" -q mkiso "$work/sparse" -o "$work/int.iso" 2>"$work/int-err.txt" &
pid=$!
part_exists() { [ -e "$work/int.iso.part" ]; }
if wait_for "$pid" "mkiso of 4 GiB starts writing" -- part_exists; then
  kill -INT "$pid"
  wait "$pid"
  rc=$?
  [ "$rc" = 130 ] && ok "SIGINT while writing: the run ends by the signal (130)" || bad "SIGINT: exit $rc"
  [ ! -e "$work/int.iso" ] && [ ! -e "$work/int.iso.part" ] && ok "  no image and no .part left" ||
    bad "  left $(ls "$work"/int.iso*)"
else
  wait "$pid"
fi
rm -rf "$work/sparse"

# --no-joliet / --no-rockridge
expect_exit 0 "mkiso --no-joliet" -- "$DW" -q mkiso "$src" -o "$work/nj.iso" --no-joliet
expect_exit 0 "mkiso --no-rockridge" -- "$DW" -q mkiso "$src" -o "$work/nr.iso" --no-rockridge
if have isoinfo; then
  isoinfo -d -i "$work/nj.iso" >"$work/nj.txt" 2>&1
  grep -q "NO Joliet present" "$work/nj.txt" && grep -q "Rock Ridge signatures" "$work/nj.txt" &&
    ok "  --no-joliet: Rock Ridge, no Joliet" || bad "  --no-joliet: $(grep -i 'joliet\|rock' "$work/nj.txt")"
  isoinfo -d -i "$work/nr.iso" >"$work/nr.txt" 2>&1
  grep -q "NO Rock Ridge present" "$work/nr.txt" && grep -q "Joliet with UCS" "$work/nr.txt" &&
    ok "  --no-rockridge: Joliet, no Rock Ridge" || bad "  --no-rockridge: $(grep -i 'joliet\|rock' "$work/nr.txt")"
fi
finish
