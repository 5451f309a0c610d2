# Shared helpers of the integration tests.  Sourced; expects DW_BIN,
# DW_FIXTURES, DW_BUILD from CTest (tests/CMakeLists.txt).
set -uo pipefail

DW=${DW_BIN:?DW_BIN not set}
FIX=${DW_FIXTURES:-}
failures=0
checks=0
work=$(mktemp -d /tmp/dw-it.XXXXXX)
trap 'rm -rf "$work"' EXIT

need_fixtures() {
  if [ -z "$FIX" ] || [ ! -d "$FIX/libcdio/test/data" ]; then
    echo "SKIP: fixtures not found at '$FIX' (set DW_FIXTURES_DIR)"
    exit 77
  fi
}

need_tool() {
  command -v "$1" >/dev/null 2>&1 || { echo "SKIP: '$1' not installed (run ./run.sh test)"; exit 77; }
}

ok() { checks=$((checks + 1)); echo "ok   $*"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL $*"; }

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

finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
