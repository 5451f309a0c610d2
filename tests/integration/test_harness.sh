#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The test harness cannot report checks it did not make:
#   - lib.sh (and so preload_lib.sh): a script that ran no check fails, one
#     that stopped before `finish` or on an error fails, a missing peer tool
#     or fixture gives 77 (CTest "Skipped") with what was left out, and
#     under CI=true the same is a failure; wait_for fails when the process
#     ends without its sign; at_exit commands run; each script gets a
#     TMPDIR of its own inside its work directory, removed at the end;
#   - real scripts: an integration script without fixtures, an emulator
#     script with two peer tools missing from PATH;
#   - the unit programs built without fixtures (NAME_nofixtures, see
#     tests/CMakeLists.txt): 77 with a SKIP line, and a failure under
#     CI=true.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
n=0

# script_run WANT DESCRIPTION ENV... -- SCRIPT: run SCRIPT with ENV
# (NAME=VALUE words; CI is unset unless given); its exit status must be
# WANT.  Its output is left in $work/case.out.
script_run() {
  local want=$1 what=$2 envs=()
  shift 2
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  env -u CI "${envs[@]}" bash "$2" >"$work/case.out" 2>&1
  local got=$?
  if [ "$got" -eq "$want" ]; then ok "$what (exit $got)"; else
    bad "$what: exit $got, wanted $want"; sed 's/^/     | /' "$work/case.out" | head -20
  fi
}

# case_run WANT DESCRIPTION ENV... -- BODY: the same for a script of BODY
# that sources lib.sh.
case_run() {
  local body=${*: -1}
  n=$((n + 1))
  printf '. %q\n%s\n' "$here/lib.sh" "$body" >"$work/case$n.sh"
  script_run "${@:1:$#-1}" "$work/case$n.sh"
}

# case_says TEXT DESCRIPTION: the last case's output holds TEXT.
case_says() {
  if grep -qF -- "$1" "$work/case.out"; then ok "$2"; else
    bad "$2: the output lacks '$1'"; sed 's/^/     | /' "$work/case.out" | head -20
  fi
}

# ---- lib.sh ------------------------------------------------------------------
case_run 1 "a script that runs no check fails" -- 'true; finish'
case_says "FAIL no check ran" "it says no check ran"
case_run 0 "one passing check" -- 'ok "a"; finish'
case_says "1 checks passed, 0 failed" "it counts the check"
case_run 1 "a failed check fails the script" -- 'ok "a"; bad "b"; finish'
case_says "1 checks passed, 1 failed" "it counts both"
case_run 1 "a script that stops before finish fails" -- 'ok "a"; exit 0'
case_says "ended before reaching finish" "it says so"
case_run 1 "an error after passing checks fails the script" -- 'ok "a"; echo "$no_such_variable"; finish'
case_run 77 "a missing peer tool: skipped" -- 'ok "a"; have dw-no-such-tool || ok "b"; finish'
case_says "SKIP the checks that need dw-no-such-tool were left out" "it names the tool"
case_run 1 "a missing peer tool under CI=true: failure" CI=true -- \
  'ok "a"; have dw-no-such-tool || true; finish'
case_run 0 "CI=false is not strict" CI=false -- 'ok "a"; have sh && ok "b"; finish'
case_run 77 "need_tool without the tool: skipped" -- 'need_tool dw-no-such-tool; ok "a"; finish'
case_run 1 "need_tool under CI=true: failure" CI=true -- 'need_tool dw-no-such-tool; ok "a"; finish'
case_run 77 "need_fixtures without fixtures: skipped" DW_FIXTURES="$work/none" -- \
  'need_fixtures; ok "a"; finish'
case_run 1 "need_fixtures under CI=true: failure" DW_FIXTURES="$work/none" CI=true -- \
  'need_fixtures; ok "a"; finish'
case_run 77 "have_file without the file: skipped" -- \
  'ok "a"; have_file "$work/none" && bad "have_file found nothing"; finish'
case_run 1 "have_file under CI=true: failure" CI=true -- 'ok "a"; have_file "$work/none"; finish'
case_run 77 "skip_all after some checks" -- 'ok "a"; skip_all "no reason"; ok "b"; finish'
case_says "1 checks passed before the skip" "it says how many ran"
case_run 1 "skip_all after a failed check: failure" -- 'bad "a"; skip_all "no reason"'
case_run 1 "wait_for: the process ends without its sign" -- \
  'true & wait_for $! "the sign" -- test -e "$work/never" && bad "no sign, yet wait_for returned 0"; finish'
case_says "the process ended before the sign appeared" "it says why"
case_run 0 "wait_for: the sign appears" -- \
  '{ : >"$work/sign"; sleep 1; } & wait_for $! "the sign" -- test -e "$work/sign" && ok "seen"; wait; finish'
case_run 0 "wait_for: a TEST function sees the caller's variables (pid, what)" -- \
  'pid=x what=sign; f() { test -e "$work/$what"; }; { : >"$work/sign"; sleep 1; } & wait_for $! "the sign" -- f && ok "seen"; wait; finish'
case_run 0 "at_exit commands run at the end" M="$work/mark" -- 'at_exit ": >\"$M\""; ok "a"; finish'
[ -e "$work/mark" ] && ok "the at_exit command made its mark" || bad "no mark from at_exit"
case_run 0 "each script has a TMPDIR of its own" M="$work/tmpdir" -- \
  'echo "$TMPDIR" >"$M"; [ -d "$TMPDIR" ] && [ "${TMPDIR#$work/}" != "$TMPDIR" ] && ok "in \$work"; finish'
t=$(cat "$work/tmpdir")
[ -n "$t" ] && [ ! -e "$t" ] && ok "its TMPDIR is removed with it" || bad "TMPDIR '$t' left behind"

# ---- real scripts --------------------------------------------------------------
script=$here/test_ecc_repair.sh
script_run 77 "test_ecc_repair.sh without fixtures: skipped" DW_FIXTURES="$work/none" -- "$script"
case_says "SKIP: fixtures not found" "it says the fixtures are missing"
script_run 1 "test_ecc_repair.sh without fixtures, CI=true: failure" DW_FIXTURES="$work/none" CI=true -- \
  "$script"

# An emulator script on a PATH without cdrskin and xorriso: the checks that
# need them are left out, visibly (77), or fail under CI=true.
if have_file "${DW_EMU_PRELOAD:-$work/no-preload-library}"; then
  mkdir "$work/bin"
  IFS=: read -ra dirs <<<"$PATH"
  for d in "${dirs[@]}"; do
    for f in "$d"/*; do
      b=${f##*/}
      case $b in cdrskin | xorriso) continue ;; esac
      [ -x "$f" ] && [ ! -e "$work/bin/$b" ] && ln -s "$f" "$work/bin/$b"
    done
  done
  emu_env=(PATH="$work/bin" DW_EMU_PRELOAD="$DW_EMU_PRELOAD" DW_SANITIZE="${DW_SANITIZE:-}")
  # Under ThreadSanitizer the emu scripts get the emu tests' options
  # (tests/emu/CMakeLists.txt: libburn's own threads suppressed).
  [ -z "${TSAN_OPTIONS:-}" ] ||
    emu_env+=(TSAN_OPTIONS="${TSAN_OPTIONS//\/tsan.supp//tsan-libburn-fifo.supp:suppress_equal_addresses=0}")
  script_run 77 "it_drives.sh without cdrskin and xorriso: skipped" "${emu_env[@]}" -- \
    "$here/../emu/it_drives.sh"
  case_says "SKIP the checks that need cdrskin xorriso were left out" "it names both tools"
  case_says "discwright drives" "the other checks ran"
  script_run 1 "it_drives.sh without cdrskin and xorriso, CI=true: failure" "${emu_env[@]}" CI=true -- \
    "$here/../emu/it_drives.sh"
  case_says "cdrskin not installed" "it names the tool"
fi

# ---- unit programs without fixtures ------------------------------------------
IFS=: read -ra programs <<<"${DW_NOFIXTURE_PROGRAMS:-}"
[ ${#programs[@]} -ge 14 ] && ok "${#programs[@]} unit programs built without fixtures" ||
  bad "only ${#programs[@]} unit programs built without fixtures (DW_NOFIXTURE_PROGRAMS)"
for p in "${programs[@]}"; do
  name=$(basename "$p")
  env -u CI "$p" >"$work/case.out" 2>&1
  rc=$?
  [ $rc -eq 77 ] && grep -q "^SKIP" "$work/case.out" && ok "$name: 77 with a SKIP line" ||
    { bad "$name: exit $rc"; grep -E "SKIP|FAIL|PASSED" "$work/case.out" | head -5 | sed 's/^/     | /'; }
  CI=true "$p" >"$work/case.out" 2>&1
  rc=$?
  [ $rc -ne 0 ] && [ $rc -ne 77 ] && ok "$name, CI=true: fails (exit $rc)" || bad "$name, CI=true: exit $rc"
done
finish
