# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers of the integration tests.  Sourced; expects DW_BIN,
# DW_FIXTURES, DW_BUILD from CTest (tests/CMakeLists.txt), and TMPDIR, the
# test's own temporary directory (CTest gives each test a fresh one).
#
# Every check goes through ok or bad (expect_exit, expect_stderr,
# same_file, ... are built on them), which count it.  An exit trap decides
# how the script ends and prints "N checks passed, M failed":
#   - a failed check, a command that ends the script with an error, or a
#     script that stopped before `finish`: failure (exit 1);
#   - a script that ran no check at all: failure, whatever else it did;
#   - checks left out because a fixture or a peer tool is missing
#     (skip_all, need_fixtures, need_tool, have, have_file): exit 77,
#     which CTest shows as "Skipped", with what was missing;
#   - with CI=true in the environment a missing fixture or peer tool is a
#     failure, not a skip (CI installs every peer tool: run.sh).
set -uo pipefail

DW=${DW_BIN:?DW_BIN not set}
FIX=${DW_FIXTURES:-}
failures=0
checks=0
dw_finished=0
dw_skipped=()  # fixtures and tools whose checks were left out
dw_cleanups=() # commands the exit trap runs, last registered first
mkdir -p "${TMPDIR:-/tmp}"
work=$(mktemp -d "${TMPDIR:-/tmp}/dw-it.XXXXXX") || {
  echo "FAIL: cannot make a temporary directory under '${TMPDIR:-/tmp}'"
  exit 1
}
# What the programs under test put in TMPDIR lands in this script's own
# directory too, even when the script runs outside CTest.
export TMPDIR=$work/tmp
mkdir "$TMPDIR"

ok() { checks=$((checks + 1)); echo "ok   $*"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL $*"; }

# ci_strict: true when a missing fixture or tool must fail (CI=true).
ci_strict() {
  case ${CI:-} in
  '' | false | 0) return 1 ;;
  *) return 0 ;;
  esac
}

# at_exit COMMAND: run COMMAND (eval'd) when the script ends, before the
# verdict; for servers and other processes the test started.
at_exit() { dw_cleanups+=("$1"); }

# Every JSON report the script's commands wrote under $work (rip's NAME.json,
# saved --json output) must match docs/report-schema.json: checked by
# tests/lint/check_report_schema.py when a python3 with jsonschema is there
# (run.sh installs python3-jsonschema; it_report_schema.sh fails without it
# under CI=true, so the check cannot vanish there).
dw_check_reports() {
  [ -n "${DW_SOURCE:-}" ] && [ -d "$work" ] || return 0
  local py="" p out
  for p in python3 /usr/bin/python3; do
    command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null && { py=$p; break; }
  done
  [ -n "$py" ] || return 0
  out=$("$py" "$DW_SOURCE/tests/lint/check_report_schema.py" "$DW_SOURCE/docs/report-schema.json" \
    "$work" 2>&1)
  case $? in
  0 | 77) ;;
  *)
    checks=$((checks + 1))
    failures=$((failures + 1))
    echo "FAIL reports written by this test do not match docs/report-schema.json:"
    printf '%s\n' "$out" | head -20 | sed 's/^/     | /'
    ;;
  esac
}

dw_on_exit() {
  local rc=$? i
  set +e
  for ((i = ${#dw_cleanups[@]} - 1; i >= 0; i--)); do eval "${dw_cleanups[i]}"; done
  [ "$rc" -ne 77 ] && dw_check_reports
  rm -rf "$work"
  if [ "$rc" -eq 77 ] && [ "$failures" -eq 0 ]; then
    [ "$checks" -gt 0 ] && echo "$checks checks passed before the skip"
    exit 77
  fi
  if [ "$checks" -eq 0 ] && [ "$rc" -eq 0 ] && [ ${#dw_skipped[@]} -gt 0 ]; then
    echo "SKIP every check needs ${dw_skipped[*]}, which were left out"
    exit 77
  fi
  if [ "$checks" -eq 0 ]; then
    echo "FAIL no check ran (exit status $rc): a test that checks nothing cannot pass"
    exit 1
  fi
  if [ "$rc" -eq 0 ] && [ "$dw_finished" -eq 0 ]; then
    echo "FAIL the script ended before reaching finish"
    rc=1
  fi
  echo "$((checks - failures)) checks passed, $failures failed"
  if [ "$failures" -gt 0 ]; then
    exit 1
  elif [ "$rc" -ne 0 ]; then
    echo "FAIL the script ended with exit status $rc"
    exit "$rc"
  elif [ ${#dw_skipped[@]} -gt 0 ]; then
    echo "SKIP the checks that need ${dw_skipped[*]} were left out"
    exit 77
  fi
  exit 0
}
trap dw_on_exit EXIT

# skip_all REASON: leave out the rest of the script (exit 77), or under
# CI=true fail it.
skip_all() {
  if ci_strict; then
    bad "$1 (CI=true: a missing fixture or tool is a failure)"
    exit 1
  fi
  echo "SKIP: $1"
  exit 77
}

need_fixtures() {
  if [ -z "$FIX" ] || [ ! -d "$FIX/libcdio/test/data" ]; then
    skip_all "fixtures not found at '$FIX' (set DW_FIXTURES_DIR)"
  fi
}

need_tool() {
  command -v "$1" >/dev/null 2>&1 || skip_all "'$1' not installed (run ./run.sh test)"
}

# have TOOL: whether a third-party tool is installed.  When it is not, its
# checks are left out: said once (on stderr, so `have TOOL >/dev/null` in a
# loop still says it), and the script then ends with 77 (or, under CI=true,
# counts one failure).
have() {
  command -v "$1" >/dev/null 2>&1 && return 0
  dw_left_out "$1" "$1 not installed: its checks are left out (./run.sh test installs it)"
  return 1
}

# have_file PATH: the same for a fixture or a file the build makes.
have_file() {
  [ -e "$1" ] && return 0
  dw_left_out "$1" "'$1' not found: its checks are left out (fixtures: set DW_FIXTURES_DIR)"
  return 1
}

dw_left_out() {
  local s
  for s in "${dw_skipped[@]}"; do [ "$s" = "$1" ] && return 0; done
  dw_skipped+=("$1")
  if ci_strict; then
    bad "$2 (CI=true: a missing fixture or tool is a failure)" >&2
  else
    echo "SKIP $2" >&2
  fi
}

# wait_for PID DESCRIPTION -- TEST...: poll until the command TEST
# succeeds (the readiness sign of a process: a file it made, a line it
# printed) while process PID runs.  Returns 1, with a failed check, when
# PID ended first.  No time limit of its own: CTest's TIMEOUT is the bound.
# (Its locals are named so that a TEST function of the caller still sees
# the caller's variables.)
wait_for() {
  local dw_wf_pid=$1 dw_wf_what=$2
  shift 3
  until "$@"; do
    if ! kill -0 "$dw_wf_pid" 2>/dev/null; then
      "$@" && return 0
      bad "$dw_wf_what: the process ended before the sign appeared"
      return 1
    fi
    sleep 0.05
  done
}

# expect_exit CODE DESCRIPTION -- command...
expect_exit() {
  local want=$1 what=$2
  shift 3
  "$@" >"$work/out.txt" 2>"$work/err.txt"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok "$what (exit $got)"; else
    bad "$what: exit $got, wanted $want"; sed 's/^/     | /' "$work/err.txt" | head -20
  fi
}

# expect_stderr NEEDLE DESCRIPTION: the last command's stderr contains NEEDLE
expect_stderr() {
  if grep -qF -- "$1" "$work/err.txt"; then ok "$2"; else
    bad "$2: stderr lacks '$1'"; sed 's/^/     | /' "$work/err.txt" | head -20
  fi
}

expect_stdout() {
  if grep -qF -- "$1" "$work/out.txt"; then ok "$2"; else
    bad "$2: stdout lacks '$1'"; sed 's/^/     | /' "$work/out.txt" | head -20
  fi
}

same_file() {
  if cmp -s "$1" "$2"; then ok "$3"; else bad "$3: $1 differs from $2 ($(cmp "$1" "$2" 2>&1 | head -1))"; fi
}

# bytes_of FILE SKIP_BYTES COUNT_BYTES > stdout
bytes_of() { tail -c +"$(($2 + 1))" "$1" | head -c "$3"; }

# finish: the last line of every script; the exit trap prints the counts.
finish() {
  dw_finished=1
  [ "$failures" -eq 0 ]
}
