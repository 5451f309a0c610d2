/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright-cligen: the views of the option tables (cli_opts.h) that are
 * not --help, written at build time (not installed):
 *
 *   discwright-cligen man PAGE.md    the page with its "## OPTIONS" section
 *                                    replaced by the command's option table
 *                                    (markdown for pandoc -t man); the page
 *                                    discwright.md gets the global options
 *                                    and the command list
 *   discwright-cligen bash           bash completion (bash-completion's
 *                                    completions/discwright)
 *   discwright-cligen zsh            zsh completion (_discwright)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_opts.h"

/* The spec whose name is in the page's file name (discwright-NAME.md), or
 * NULL for discwright.md. */
static const struct cli_spec *spec_of_page(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strncmp(base, "discwright-", 11) != 0)
        return NULL;
    for (size_t i = 0; i < cli_command_count; i++) {
        const char *name = cli_commands[i].spec->name;
        size_t n = strlen(name);
        if (!strncmp(base + 11, name, n) && !strcmp(base + 11 + n, ".md"))
            return cli_commands[i].spec;
    }
    return NULL;
}

/* Text for markdown: characters pandoc would take as markup escaped. */
static void md_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\*_`[]<>#|", *s))
            fputc('\\', out);
        if (*s == '\n')
            fputs("\n    ", out);
        else
            fputc(*s, out);
    }
}

static void md_options(FILE *out, const struct cli_spec *spec)
{
    fputs("## OPTIONS\n\n", out);
    for (int g = 0; g < CLI_SPEC_MAX_GROUPS && spec->groups[g]; g++) {
        for (const struct cli_opt *o = spec->groups[g]; o->name; o++) {
            if (o->short_name)
                fprintf(out, "**-%c**, ", o->short_name);
            fprintf(out, "**\\--%s**", o->name);
            if (o->arg) {
                fputs(" *", out);
                md_text(out, o->arg);
                fputc('*', out);
            }
            fputs("\n:   ", out);
            md_text(out, o->help);
            fputs("\n\n", out);
        }
    }
}

static void md_commands(FILE *out)
{
    fputs("## COMMANDS\n\n", out);
    for (size_t i = 0; i < cli_command_count; i++) {
        const struct cli_spec *s = cli_commands[i].spec;
        fprintf(out, "**%s**\n:   ", s->name);
        md_text(out, s->summary);
        fprintf(out, "; see **discwright-%s**(1)\n\n", s->name);
    }
}

/* Copy the page, putting the generated section in place of its "## OPTIONS"
 * section (the page's own text there, if any, is dropped: the table is
 * the source).  discwright.md gets the command list before its GLOBAL
 * OPTIONS. */
static int man(const char *path)
{
    FILE *in = fopen(path, "r");
    if (!in) {
        perror(path);
        return 1;
    }
    const struct cli_spec *spec = spec_of_page(path);
    char line[4096];
    bool skipping = false, done = false;
    while (fgets(line, sizeof(line), in)) {
        if (!strncmp(line, "## ", 3)) {
            if (skipping)
                skipping = false;
            if (!spec && !done && !strcmp(line, "## GLOBAL OPTIONS\n")) {
                md_commands(stdout); /* then the page's own global options */
                done = true;
            } else if (spec && !done && !strcmp(line, "## OPTIONS\n")) {
                md_options(stdout, spec);
                skipping = done = true;
                continue;
            }
        }
        if (!skipping)
            fputs(line, stdout);
    }
    fclose(in);
    if (!done) {
        fprintf(stderr, "discwright-cligen: %s has no '## %s' section\n", path,
                spec ? "OPTIONS" : "GLOBAL OPTIONS");
        return 1;
    }
    return 0;
}

/* The long and short forms of a spec's options, space-separated. */
static void words_of(const struct cli_spec *spec, FILE *out)
{
    const char *sep = "";
    for (int g = 0; g < CLI_SPEC_MAX_GROUPS && spec->groups[g]; g++)
        for (const struct cli_opt *o = spec->groups[g]; o->name; o++) {
            fprintf(out, "%s--%s", sep, o->name);
            sep = " ";
            if (o->short_name)
                fprintf(out, " -%c", o->short_name);
        }
}

static const char *bash_compgen(enum cli_complete c)
{
    switch (c) {
    case CLI_COMPLETE_DIR:
        return "_filedir -d";
    case CLI_COMPLETE_FILE:
    case CLI_COMPLETE_SOURCE:
        return "_filedir";
    case CLI_COMPLETE_DRIVE:
        return "COMPREPLY=($(compgen -W \"$(ls -d /dev/sr* 2>/dev/null)\" -- \"$cur\"))";
    default:
        return "COMPREPLY=()";
    }
}

static int bash(void)
{
    puts("# bash completion for discwright, generated from its option tables");
    puts("# (src/cli/cli_opts.h) by discwright-cligen; do not edit.");
    puts("_discwright()\n{\n    local cur prev words cword\n    _init_completion || return\n"
         "    local cmd i\n    for ((i = 1; i < cword; i++)); do\n"
         "        case ${words[i]} in -*) ;; *) cmd=${words[i]}; break ;; esac\n    done");
    printf("    if [[ -z $cmd ]]; then\n        COMPREPLY=($(compgen -W \"");
    for (size_t i = 0; i < cli_command_count; i++)
        printf("%s%s", i ? " " : "", cli_commands[i].spec->name);
    printf(" --quiet -q --json --raw --version --help -h\" -- \"$cur\"))\n        return\n    fi\n");
    puts("    case $cmd in");
    for (size_t i = 0; i < cli_command_count; i++) {
        const struct cli_spec *s = cli_commands[i].spec;
        printf("    %s)\n        case $prev in\n", s->name);
        for (int g = 0; g < CLI_SPEC_MAX_GROUPS && s->groups[g]; g++)
            for (const struct cli_opt *o = s->groups[g]; o->name; o++) {
                if (!o->arg)
                    continue;
                printf("        --%s", o->name);
                if (o->short_name)
                    printf("|-%c", o->short_name);
                if (o->complete == CLI_COMPLETE_WORDS)
                    printf(")\n            COMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))\n"
                           "            return ;;\n",
                           o->words);
                else
                    printf(")\n            %s\n            return ;;\n",
                           bash_compgen(o->complete));
            }
        printf("        esac\n        if [[ $cur == -* ]]; then\n"
               "            COMPREPLY=($(compgen -W \"");
        words_of(s, stdout);
        printf("\" -- \"$cur\"))\n        else\n            %s\n        fi\n        ;;\n",
               bash_compgen(s->operand));
    }
    puts("    esac\n}\ncomplete -F _discwright discwright");
    return 0;
}

/* zsh: text inside '...' of an _arguments spec: ' becomes '\'' and the
 * characters _arguments gives meaning to ([]:) are escaped. */
static void zsh_text(const char *s, size_t max_chars)
{
    for (size_t n = 0; *s && n < max_chars; s++, n++) {
        if (*s == '\'')
            fputs("'\\''", stdout);
        else if (*s == '[' || *s == ']' || *s == ':')
            printf("\\%c", *s);
        else if (*s == '\n')
            fputc(' ', stdout);
        else
            fputc(*s, stdout);
    }
}

static const char *zsh_action(const struct cli_opt *o, char *buf, size_t bytes)
{
    switch (o->complete) {
    case CLI_COMPLETE_DIR:
        return "_files -/";
    case CLI_COMPLETE_FILE:
    case CLI_COMPLETE_SOURCE:
        return "_files";
    case CLI_COMPLETE_DRIVE:
        return "_files -g \"/dev/sr*\"";
    case CLI_COMPLETE_WORDS:
        snprintf(buf, bytes, "(%s)", o->words ? o->words : "");
        return buf;
    default:
        return " ";
    }
}

static int zsh(void)
{
    puts("#compdef discwright\n# zsh completion for discwright, generated from its option "
         "tables\n# (src/cli/cli_opts.h) by discwright-cligen; do not edit.\n");
    puts("_discwright() {\n  local curcontext=\"$curcontext\" state line\n  typeset -A opt_args");
    puts("  _arguments -C \\\n    '(-q --quiet)'{-q,--quiet}'[no progress line]' \\\n"
         "    '--json[machine-readable report on stdout]' \\\n"
         "    '--raw[open plain 2048-byte files]' \\\n    '--version[print versions]' \\\n"
         "    '1:command:->command' \\\n    '*::arg:->args'");
    puts("  case $state in\n  command)\n    local -a commands\n    commands=(");
    for (size_t i = 0; i < cli_command_count; i++) {
        printf("      '%s:", cli_commands[i].spec->name);
        zsh_text(cli_commands[i].spec->summary, 200);
        puts("'");
    }
    puts("    )\n    _describe -t commands 'discwright command' commands ;;\n  args)\n"
         "    case $line[1] in");
    for (size_t i = 0; i < cli_command_count; i++) {
        const struct cli_spec *s = cli_commands[i].spec;
        printf("    %s)\n      _arguments \\\n", s->name);
        for (int g = 0; g < CLI_SPEC_MAX_GROUPS && s->groups[g]; g++)
            for (const struct cli_opt *o = s->groups[g]; o->name; o++) {
                char buf[512];
                if (o->short_name)
                    printf("        {-%c,--%s}'", o->short_name, o->name);
                else
                    printf("        '--%s", o->name);
                printf("[");
                zsh_text(o->help, 70);
                printf("]");
                if (o->arg) {
                    printf(":");
                    zsh_text(o->arg, 40);
                    printf(":%s", zsh_action(o, buf, sizeof(buf)));
                }
                puts("' \\");
            }
        struct cli_opt operand = {.complete = s->operand};
        char buf[64];
        printf("        '*:argument:%s'\n      ;;\n", zsh_action(&operand, buf, sizeof(buf)));
    }
    puts("    esac ;;\n  esac\n}\n\n_discwright \"$@\"");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "man"))
        return man(argv[2]);
    if (argc == 2 && !strcmp(argv[1], "bash"))
        return bash();
    if (argc == 2 && !strcmp(argv[1], "zsh"))
        return zsh();
    fprintf(stderr, "usage: discwright-cligen man PAGE.md | bash | zsh\n");
    return 2;
}
