#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright blank on emulated rewritable media: a written CD-RW (full and
# fast blank) and DVD-RW become blank and take a new burn; write-once and
# overwritable media are refused with a message that says why.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload

SAMPLE=${DW_BUILD:?DW_BUILD not set}/sample/sample.iso
IPXE=$FIX/debian-ipxe/ipxe.iso
[ -f "$SAMPLE" ] || skip_all "$SAMPLE not built"

# medium_is STATE PROFILE STATUS WHAT: 'discwright info' says "PROFILE, STATUS"
medium_is() {
  EMU_CONFIG="state=$1"
  emu "$DW" info "$EMU_DEVICE" >"$work/info.txt" 2>&1
  grep -q "^medium: *$2, $3\$" "$work/info.txt" && ok "$4" || bad "$4: $(grep -m1 -e '^medium' -e discwright "$work/info.txt")"
}

for c in "cdrw CD-RW $SAMPLE" "dvdrw DVD-RW_sequential $IPXE"; do
  read -r kind profile iso <<<"$c"
  profile=${profile//_/ }
  state=$work/$kind.state
  EMU_CONFIG="blank=$kind capacity=3000 state=$state"
  expect_exit 0 "$profile: burn $(basename "$iso")" -- emu "$DW" burn "$iso" --drive "$EMU_DEVICE"
  medium_is "$state" "$profile" closed "$profile: closed after the burn"
  for how in full fast; do
    opt=""
    [ "$how" = fast ] && opt=--fast
    EMU_CONFIG="state=$state"
    # shellcheck disable=SC2086 # opt is empty or one word
    expect_exit 0 "$profile: discwright blank $opt" -- emu "$DW" blank $opt --drive "$EMU_DEVICE"
    expect_stdout "the disc in $EMU_DEVICE is blank" "$profile: blank ($how) reports a blank disc"
    medium_is "$state" "$profile" blank "$profile: info says blank after a $how blank"
    grep -q "^blank: no sessions, no tracks" "$work/info.txt" && ok "$profile: no sessions, no tracks" \
      || bad "$profile: info after blank: $(tail -1 "$work/info.txt")"
    EMU_CONFIG="state=$state"
    expect_exit 0 "$profile: burning again after the $how blank" -- \
      emu "$DW" burn "$iso" --drive "$EMU_DEVICE"
    expect_stdout "identical" "$profile: the new burn verifies identical"
  done
done

# A blank CD-RW needs no blanking.
EMU_CONFIG="blank=cdrw capacity=3000"
expect_exit 0 "a blank CD-RW: discwright blank succeeds at once" -- emu "$DW" blank --drive "$EMU_DEVICE"

# Write-once and overwritable media are not blanked.
for c in "cdr CD-R" "dvdpr DVD+R" "dvdprw DVD+RW"; do
  read -r kind profile <<<"$c"
  EMU_CONFIG="blank=$kind capacity=3000"
  expect_exit 1 "$profile: discwright blank is refused" -- emu "$DW" blank --drive "$EMU_DEVICE"
  expect_stderr "cannot be blanked" "$profile: the refusal says it cannot be blanked"
done

finish
