#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Faults while discwright burns on the emulated drive: a write error at an
# LBA (fault plan write-error:LBA) and the medium vanishing mid-burn
# (gone-during-write:N) end the burn with exit 1, a message that names the
# error and how far the burn got, and a released drive: a second process
# reads the medium as it was left, and a rewritable one takes a new burn.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

IPXE=$FIX/debian-ipxe/ipxe.iso

# ---- write error on a CD-R (SAO) and a DVD-R (DAO) ----
for c in "cdr CD-R" "dvdr DVD-R"; do
  read -r kind profile <<<"$c"
  state=$work/$kind-error.state
  EMU_CONFIG="blank=$kind capacity=3000 state=$state faults=write-error:500"
  expect_exit 1 "$profile: a write error at LBA 500 fails the burn" -- \
    emu "$DW" burn "$IPXE" --drive "$EMU_DEVICE"
  expect_stderr "[3 0C 00]" "$profile: the message carries the sense 3/0C/00"
  expect_stderr "failed after 1015808 of 2097152 bytes" "$profile: the message says how far the burn got"
  # The drive was released: another process uses it and finds what was
  # written before the error.
  EMU_CONFIG="state=$state"
  expect_exit 0 "$profile: discwright info after the failed burn" -- emu "$DW" info "$EMU_DEVICE"
  grep -q "^medium: *$profile, appendable" "$work/out.txt" && grep -qE "^ +1 +1 +MODE1 .* 500  -$" "$work/out.txt" \
    && ok "$profile: an unfinished session holding the 500 sectors written before the error" \
    || bad "$profile: info: $(grep -e '^medium' -e '^ *1 ' "$work/out.txt" | tr '\n' ' ')"
  expect_exit 1 "$profile: a second burn on the damaged disc is refused" -- \
    emu "$DW" burn "$IPXE" --drive "$EMU_DEVICE"
  expect_stderr "already holds a session" "$profile: the refusal says the disc holds a session"
done

# ---- write error on a DVD+RW: the medium stays usable ----
state=$work/dvdprw-error.state
EMU_CONFIG="blank=dvdprw capacity=3000 state=$state faults=write-error:700:3/0C/09"
expect_exit 1 "DVD+RW: a write error at LBA 700 fails the burn" -- emu "$DW" burn "$IPXE" --drive "$EMU_DEVICE"
expect_stderr "[3 0C 09]" "DVD+RW: the message carries the sense of the fault plan"
EMU_CONFIG="state=$state"
expect_exit 0 "DVD+RW: the same medium takes a new burn" -- emu "$DW" burn "$IPXE" --drive "$EMU_DEVICE"
expect_stdout "identical" "DVD+RW: the new burn verifies identical"

# ---- the medium vanishes after 20 WRITE commands ----
for c in "cdr CD-R" "dvdpr DVD+R"; do
  read -r kind profile <<<"$c"
  state=$work/$kind-gone.state
  EMU_CONFIG="blank=$kind capacity=3000 state=$state faults=gone-during-write:20"
  expect_exit 1 "$profile: the medium vanishing mid-burn fails the burn" -- \
    emu "$DW" burn "$IPXE" --drive "$EMU_DEVICE"
  expect_stderr "Medium not present" "$profile: the message says the medium is gone"
  expect_stderr "failed after" "$profile: the message says how far the burn got"
  EMU_CONFIG="state=$state"
  expect_exit 0 "$profile: the medium is back for the next process" -- emu "$DW" info "$EMU_DEVICE"
  grep -q "^medium: *$profile, appendable" "$work/out.txt" \
    && ok "$profile: the unfinished session is there" || bad "$profile: $(grep '^medium' "$work/out.txt")"
done

finish
