#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Ctrl-C during a database lookup that hangs (issue 11): the rip stops
# soon after, not when the lookup's time-out runs out, and not by finishing.
#
# A small disc is ripped from the emulated drive with the AccurateRip (then
# the CTDB) database pointed at tests/http's server, whose /hang/ paths read
# the request and never answer.  Once the server's log says the request is
# hanging, SIGINT goes to discwright; it must exit 1 within a bounded wait
# (the wait is a safety net, never a measured threshold): "stopped during
# the AccurateRip lookup", no JSON report, the log kept as NAME.log.part
# with a failed verdict.  The bin and cue were complete before the lookup
# began and stay, equal to the source.  A rip that ignores the signal goes
# on waiting for the server (30 s a lookup) and fails the bounded wait.
. "$(dirname "$0")/preload_lib.sh"
need_preload

httpd=${DW_BUILD:?}/tests/dw-test-httpd
if [ ! -x "$httpd" ]; then
  skip_all "$httpd is not built"
fi

sectors=600
head -c $((sectors * 2352)) /dev/urandom >"$work/disc.bin"
cat >"$work/disc.cue" <<EOF
FILE "disc.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    INDEX 01 00:04:00
EOF
mkdir -p "$work/www"
"$httpd" "$work/www" "$work/port" 300 >"$work/httpd.log" 2>&1 &
server=$!
rip_pid=
at_exit '[ -n "$rip_pid" ] && kill -KILL "$rip_pid" 2>/dev/null; kill "$server" 2>/dev/null'
# The server writes its port once it listens: that is the sign to go on.
wait_for "$server" "the test server" -- test -s "$work/port" || exit 1
base="http://127.0.0.1:$(cat "$work/port")"
EMU_CONFIG="medium=$work/disc.cue c2=294"

# stop_during NAME AR_URL CTDB_URL WHAT DATABASE: rip in the background,
# wait for the server to log a hanging request under /hang/WHAT, send
# SIGINT, and check how the rip ended.
stop_during() {
  local name=$1 ar=$2 ctdb=$3 what=$4 db=$5 out=$work/$1 rc=
  local lines
  lines=$(wc -l <"$work/httpd.log")
  env LD_PRELOAD="$EMU_PRELOAD" DW_EMU_DEVICE="$EMU_DEVICE" DW_EMU_CONFIG="$EMU_CONFIG" \
    DW_ACCURATERIP_URL="$ar" DW_CTDB_URL="$ctdb" XDG_CACHE_HOME="$work/cache-$name" \
    "$DW" rip "$EMU_DEVICE" -o "$out" --name d --no-qscan --mode burst \
    >"$work/$name.out" 2>"$work/$name.err" &
  rip_pid=$!
  # The sign: the server has the lookup's request and is not answering.
  hanging() { tail -n +"$((lines + 1))" "$work/httpd.log" | grep "^GET /hang/$what.* hanging$" >/dev/null; }
  if ! wait_for "$rip_pid" "$name: the $what request reaching the server" -- hanging; then
    echo "     | $(tr '\n' '|' <"$work/$name.err")"
    kill -KILL "$rip_pid" 2>/dev/null
    wait "$rip_pid" 2>/dev/null
    rip_pid=
    return
  fi
  ok "$name: the $what lookup is hanging"
  kill -INT "$rip_pid"
  # Bounded wait for the exit: a safety net well under the lookup's own
  # 30 s time-out, not a measured threshold.
  if timeout 20 tail --pid="$rip_pid" -f /dev/null; then
    wait "$rip_pid"
    rc=$?
    ok "$name: the rip ended after SIGINT"
  else
    bad "$name: the rip was still running 20 s after SIGINT (the lookup ignored it)"
    kill -KILL "$rip_pid" 2>/dev/null
    wait "$rip_pid" 2>/dev/null
  fi
  rip_pid=
  [ "$rc" = 130 ] && ok "$name: ends by SIGINT (exit 130)" || bad "$name: exit '$rc', wanted 130"
  grep -q "stopped during the $db lookup" "$work/$name.err" &&
    ok "$name: it says it stopped during the $db lookup" ||
    bad "$name: stderr: $(tr '\n' '|' <"$work/$name.err")"
  [ ! -e "$out/d.json" ] && ok "$name: no report" || bad "$name: a report was written"
  grep -q "^verdict: failed: stopped during the $db lookup" "$out/d.log.part" 2>/dev/null &&
    ok "$name: d.log.part says the rip failed, stopped during the lookup" ||
    bad "$name: $(ls "$out")"
  # Nothing that looks complete: the bin stays as d.bin.part (every sector
  # read) with a map that --resume finishes from.
  [ ! -e "$out/d.bin" ] && [ ! -e "$out/d.cue" ] && cmp -s "$out/d.bin.part" "$work/disc.bin" &&
    grep -q '"complete": *false' "$out/d.map" &&
    ok "$name: d.bin.part (equal to the source) and its map stay, no d.bin or d.cue" ||
    bad "$name: left $(ls "$out")"
  expect_exit 5 "$name: --resume finishes it (the databases answer this time)" -- \
    emu "$DW" -q rip "$EMU_DEVICE" -o "$out" --name d --resume --mode burst --no-qscan --offline
  cmp -s "$out/d.bin" "$work/disc.bin" && [ -s "$out/d.cue" ] &&
    ok "$name: then d.bin equals the source and d.cue is there" || bad "$name: after resume: $(ls "$out")"
}

stop_during ar "$base/hang/ar/" "$base/hang/ctdb/" ar AccurateRip
# AccurateRip answers at once (404: not in the database); CTDB hangs.
stop_during ctdb "$base/accuraterip/" "$base/hang/ctdb/" ctdb CTDB
finish
