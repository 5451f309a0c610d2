#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The views generated from the commands' option tables (src/cli/cli_opts.h)
# agree with the program: for every command, each long option its --help
# lists is offered by the bash completion after "--" (run through
# bash-completion's _init_completion, as a shell would), appears in the zsh
# completion (which zsh parses), and is in the OPTIONS section of its man
# page as man(1) renders it, and is described in the narrative page
# docs/discwright-COMMAND.md (the man page's OPTIONS come from the table; the
# markdown page keeps the longer text); the completion offers every command,
# and the words of --format/--mode.
. "$(dirname "$0")/lib.sh"
build=${DW_BUILD:?DW_BUILD not set}
bash_completion=/usr/share/bash-completion/bash_completion
need_tool zsh
need_tool man
[ -f "$bash_completion" ] || skip_all "bash-completion not installed (apt-get install bash-completion)"
[ -f "$build/completion/discwright" ] || { bad "no $build/completion/discwright"; finish; exit; }
[ -d "$build/man" ] || skip_all "no man pages built (pandoc missing at configure time)"

# complete WORD...: what the bash completion offers for the command line
# "discwright WORD..." with the cursor at the end of the last word.
complete_words() {
  bash -c '
    source "$1" 2>/dev/null
    source "$2"
    shift 2
    COMP_WORDS=(discwright "$@")
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMP_LINE="${COMP_WORDS[*]}"
    COMP_POINT=${#COMP_LINE}
    _discwright
    printf "%s\n" "${COMPREPLY[@]}"' _ "$bash_completion" "$build/completion/discwright" "$@"
}

commands=$("$DW_BIN" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
[ "$(echo "$commands" | wc -l)" -ge 8 ] && ok "discwright --help lists $(echo $commands | wc -w) commands" ||
  bad "commands from --help: $commands"
complete_words "" >"$work/top.txt"
for c in $commands; do
  grep -qx "$c" "$work/top.txt" || bad "bash completion does not offer the command $c"
done
ok "bash completion offers every command"

zsh -n "$build/completion/_discwright" && ok "zsh parses _discwright" || bad "zsh -n _discwright"
head -1 "$build/completion/_discwright" | grep -q '^#compdef discwright' && ok "_discwright is a #compdef file" ||
  bad "_discwright has no #compdef line"

for c in $commands; do
  "$DW_BIN" "$c" --help >"$work/help-$c.txt"
  # Long options of the option lines of --help (two columns: "  -x, --name ARG" or "      --name").
  grep -oE '^  (-[a-zA-Z], |    )--[a-z0-9-]+' "$work/help-$c.txt" | grep -oE -- '--[a-z0-9-]+' |
    sort -u >"$work/opts-$c.txt"
  n=$(wc -l <"$work/opts-$c.txt")
  [ "$n" -ge 4 ] || bad "$c --help lists only $n options"
  complete_words "$c" -- | sort -u >"$work/bash-$c.txt"
  missing=$(comm -23 "$work/opts-$c.txt" "$work/bash-$c.txt" | tr '\n' ' ')
  [ -z "$missing" ] && ok "$c: bash completion offers its $n options" ||
    bad "$c: bash completion lacks $missing"
  missing=""
  for o in $(cat "$work/opts-$c.txt"); do
    grep -q -- "$o" "$build/completion/_discwright" || missing="$missing $o"
  done
  [ -z "$missing" ] && ok "$c: zsh completion has its options" || bad "$c: zsh lacks$missing"
  missing=""
  for o in $(cat "$work/opts-$c.txt"); do
    case $o in --help | --quiet | --json | --raw) continue ;; esac # discwright(1)
    grep -q -- "$o" "${DW_SOURCE:?}/docs/discwright-$c.md" || missing="$missing $o"
  done
  [ -z "$missing" ] && ok "$c: docs/discwright-$c.md describes its options" ||
    bad "$c: docs/discwright-$c.md does not mention$missing"
  page=$build/man/discwright-$c.1
  if [ -f "$page" ]; then
    MANWIDTH=200 man -l "$page" 2>/dev/null | sed -n '/^OPTIONS/,/^[A-Z]/p' >"$work/man-$c.txt"
    missing=""
    for o in $(cat "$work/opts-$c.txt"); do
      grep -q -- "$o" "$work/man-$c.txt" || missing="$missing $o"
    done
    [ -z "$missing" ] && ok "$c: man page OPTIONS lists its options" || bad "$c: man page lacks$missing"
  else
    bad "no man page $page"
  fi
done

complete_words rip --format "" >"$work/formats.txt"
grep -qx bincue "$work/formats.txt" && grep -qx iso "$work/formats.txt" &&
  ok "rip --format completes to its formats" || bad "rip --format offers: $(tr '\n' ' ' <"$work/formats.txt")"
complete_words rip --mode "" >"$work/modes.txt"
grep -qx paranoia "$work/modes.txt" && ok "rip --mode completes to the modes" || bad "rip --mode: $(cat "$work/modes.txt")"
MANWIDTH=200 man -l "$build/man/discwright.1" 2>/dev/null | grep -q '^COMMANDS' &&
  ok "discwright(1) has the generated COMMANDS section" || bad "discwright(1) lacks COMMANDS"
finish
