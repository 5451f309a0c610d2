#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright mkiso --boot-bios/--boot-efi/--isohybrid-mbr: remaster the
# Debian ipxe image (../shared/fixtures/debian-ipxe: isolinux BIOS entry,
# UEFI entry, isohybrid MBR) from its extracted tree and its first 432
# bytes.  xorriso -report_el_torito shows both entries as in the original
# (platform, no emulation, load size, boot info table, isohybrid MBR), the
# boot info table in the image's isolinux.bin holds the PVD's LBA, the
# file's own LBA and its length (El Torito / isolinux boot info table), and
# the extracted files equal the original's.
. "$(dirname "$0")/lib.sh"
need_tool xorriso
orig=${FIX:-/nonexistent}/debian-ipxe/ipxe.iso
have_file "$orig" || exit 77

tree=$work/tree
xorriso -osirrox on -indev "$orig" -extract / "$tree" >/dev/null 2>&1
chmod -R u+w "$tree"
rm -f "$tree/boot.cat" # the catalog is made anew
dd if="$orig" of="$work/mbr.bin" bs=432 count=1 status=none
[ -f "$tree/isolinux.bin" ] && [ -f "$tree/efi.img" ] && ok "the original's tree is extracted" ||
  bad "xorriso did not extract isolinux.bin and efi.img"

iso=$work/remaster.iso
expect_exit 0 "mkiso --boot-bios --boot-efi --isohybrid-mbr" -- "$DW" -q mkiso "$tree" -o "$iso" \
  --boot-bios /isolinux.bin --boot-efi /efi.img --boot-catalog /boot.cat --isohybrid-mbr "$work/mbr.bin"
xorriso -indev "$orig" -report_el_torito plain -report_system_area plain 2>/dev/null >"$work/orig.txt"
xorriso -indev "$iso" -report_el_torito plain -report_system_area plain 2>/dev/null >"$work/new.txt"
# The entries without their LBA column (the layout differs).
entries() { sed -n 's/^El Torito boot img : *\([0-9]\) *\(BIOS\|UEFI\) *y *none *0x0000 *0x00 *\([0-9]*\) .*/\1 \2 \3/p' "$1"; }
entries "$work/orig.txt" >"$work/orig-entries.txt"
entries "$work/new.txt" >"$work/new-entries.txt"
printf '1 BIOS 4\n2 UEFI 1728\n' >"$work/want-entries.txt"
if cmp -s "$work/want-entries.txt" "$work/new-entries.txt" &&
  cmp -s "$work/orig-entries.txt" "$work/new-entries.txt"; then
  ok "  two El Torito entries as in the original: BIOS no-emulation (4 sectors), UEFI (1728)"
else
  bad "  El Torito entries differ"
  sed 's/^/     | /' "$work/new.txt" | head -20
fi
grep -q "^El Torito img path : *1 */isolinux.bin$" "$work/new.txt" &&
  grep -q "^El Torito img path : *2 */efi.img$" "$work/new.txt" &&
  ok "  entry 1 is /isolinux.bin, entry 2 /efi.img" || bad "  boot image paths"
grep -q "^El Torito img opts : *1 *boot-info-table" "$work/new.txt" &&
  ok "  the BIOS entry has the boot info table" || bad "  no boot-info-table"
grep -q "^El Torito cat path : */boot.cat$" "$work/new.txt" && ok "  catalog at /boot.cat" ||
  bad "  catalog path"
grep -q "^System area summary: MBR isohybrid" "$work/new.txt" && ok "  isohybrid MBR in the system area" ||
  bad "  no isohybrid MBR"
grep "^MBR partition  " "$work/orig.txt" >"$work/orig-mbr.txt"
grep "^MBR partition  " "$work/new.txt" >"$work/new-mbr.txt"
same_file "$work/orig-mbr.txt" "$work/new-mbr.txt" "  MBR partition table as in the original"

# The boot info table (isolinux): at offset 8 of the boot file in the
# image, little-endian: PVD LBA (16), the file's LBA, its length.
le32() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }
blba=$(sed -n 's/^El Torito boot img : *1 .* \([0-9]*\)$/\1/p' "$work/new.txt")
if [ -n "$blba" ]; then
  dd if="$iso" of="$work/boot.bin" bs=2048 skip="$blba" count=1 status=none
  [ "$(le32 "$work/boot.bin" 8)" = 16 ] && [ "$(le32 "$work/boot.bin" 12)" = "$blba" ] &&
    [ "$(le32 "$work/boot.bin" 16)" = "$(stat -c %s "$tree/isolinux.bin")" ] &&
    ok "  boot info table: PVD at 16, file at LBA $blba, its length" ||
    bad "  boot info table: $(le32 "$work/boot.bin" 8) $(le32 "$work/boot.bin" 12) $(le32 "$work/boot.bin" 16)"
else
  bad "  no LBA for the BIOS boot image"
fi
rm -rf "$work/x"
xorriso -osirrox on -indev "$iso" -extract / "$work/x" >/dev/null 2>&1
for f in efi.img ipxe.krn isolinux.cfg ldlinux.c32; do
  same_file "$work/x/$f" "$tree/$f" "  $f equals the original's"
done

expect_exit 1 "a boot image that is not in the tree" -- "$DW" mkiso "$tree" -o "$work/bad.iso" \
  --boot-bios /nonexistent.bin
expect_stderr "/nonexistent.bin" "  names it"
[ ! -e "$work/bad.iso" ] && ok "  nothing written" || bad "  bad.iso written"
expect_exit 2 "--isohybrid-mbr without --boot-bios" -- "$DW" mkiso "$tree" -o "$work/bad.iso" \
  --isohybrid-mbr "$work/mbr.bin"
finish
