# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Shared helpers of the emulated-drive integration tests (tests/emu/it_*.sh).
# Sourced after nothing else; pulls in tests/integration/lib.sh (ok, bad,
# expect_exit, have, skip_all, the check counter and the exit trap, ...).
# Expects DW_EMU_PRELOAD and DW_SANITIZE from CTest
# (tests/emu/CMakeLists.txt).
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

EMU_DEVICE=/dev/sr0 # the emulated node; nothing exists there on a test machine
EMU_CONFIG=""       # dw_emu_new() configuration of the drive; "" is an empty tray
EMU_PRELOAD=""      # what goes into LD_PRELOAD (set by need_preload)
# shellcheck disable=SC2034 # used by the scripts that source this
L=${FIX:+$FIX/libcdio/test/data} P=${FIX:+$FIX/libcdio-paranoia/test/data}

# Skip unless the preload library is built.  Under AddressSanitizer the
# ASan runtime must come first in the initial library list (before
# DT_NEEDED of the program, which LD_PRELOAD precedes), so it is preloaded
# ahead of the library: discwright and third-party tools alike then run
# with it.  Under ThreadSanitizer the library is built without TSan
# (tests/emu/CMakeLists.txt) and goes in alone: it loads into discwright,
# which brings the TSan runtime, and into third-party tools, which have
# none.
need_preload() {
  if [ -z "${DW_EMU_PRELOAD:-}" ] || [ ! -f "$DW_EMU_PRELOAD" ]; then
    skip_all "the preload library is not built (DW_EMU_PRELOAD='${DW_EMU_PRELOAD:-}')"
  fi
  EMU_PRELOAD=$DW_EMU_PRELOAD
  case ",${DW_SANITIZE:-}," in
  *address*)
    local asan
    asan=$(ldd "$DW_EMU_PRELOAD" 2>/dev/null | awk '/libasan\.so/ { print $3; exit }')
    if [ -z "$asan" ]; then
      bad "DW_SANITIZE=$DW_SANITIZE but $DW_EMU_PRELOAD does not link libasan"
      exit 1
    fi
    EMU_PRELOAD="$asan $DW_EMU_PRELOAD"
    ;;
  esac
  if ! env LD_PRELOAD="$EMU_PRELOAD" true 2>"$work/preload.err" || [ -s "$work/preload.err" ]; then
    bad "$DW_EMU_PRELOAD cannot be preloaded:"
    sed 's/^/     | /' "$work/preload.err"
    exit 1
  fi
}

# emu CMD ARGS...: run CMD with the drive EMU_CONFIG describes at EMU_DEVICE.
emu() {
  env LD_PRELOAD="$EMU_PRELOAD" DW_EMU_DEVICE="$EMU_DEVICE" DW_EMU_CONFIG="$EMU_CONFIG" "$@"
}

# emu_tool CMD ARGS...: the same for a third-party tool, whose own leaks are
# not ours to report under LeakSanitizer.
emu_tool() {
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" emu timeout 300 "$@"
}

# toc_of FILE: the layout part of 'discwright info' output (track table,
# lead-out, MCN, CD-TEXT), without the drive/image and medium lines and
# without the "volume:" line of a single-session data disc (read from the
# ISO 9660 volume, which not every source of the same layout can read).
toc_of() { sed -n '/^  track /,${/^volume: /!p}' "$1"; }

# same_text A B WHAT: two text files are equal, with a diff on failure.
same_text() {
  if cmp -s "$1" "$2"; then ok "$3"; else
    bad "$3"
    diff "$1" "$2" | head -20 | sed 's/^/     | /'
  fi
}
