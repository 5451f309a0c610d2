/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright program: the one declaration of each command's options.
 *
 * Every command declares its options once, as a table of struct cli_opt
 * (name, short form, argument, help line, what the argument completes to),
 * in a struct cli_spec with its synopsis, description and closing lines.
 * From that table come: the getopt_long tables (cli_getopt), the --help
 * text (cli_usage), the OPTIONS section of the man pages and the bash and
 * zsh completion (both written by discwright-cligen at build time,
 * src/cli/cligen.c).  The models are git's parse-options and curl's
 * docs/cmdline-opts: one source, every view generated. */
#ifndef DW_CLI_OPTS_H
#define DW_CLI_OPTS_H

#include <getopt.h> /* optarg, optind: what cli_getopt leaves */
#include <stdbool.h>
#include <stdio.h>

/* What an option's argument (or a command's operand) completes to. */
enum cli_complete {
    CLI_COMPLETE_NONE = 0, /* free text or a number */
    CLI_COMPLETE_FILE,     /* any file */
    CLI_COMPLETE_DIR,      /* a directory */
    CLI_COMPLETE_DRIVE,    /* /dev/sr*, or stdio:FILE */
    CLI_COMPLETE_SOURCE,   /* a drive or an image file */
    CLI_COMPLETE_WORDS     /* one of cli_opt.words */
};

struct cli_opt {
    const char *name;     /* long name without "--"; NULL ends a table */
    int short_name;       /* the letter of -X, or 0 */
    int key;              /* what cli_getopt returns for it: the short letter,
                             or any other value (>= 0x100 or an unused letter) */
    const char *arg;      /* metavariable of a required argument ("DIR"), or
                             NULL for a flag */
    const char *help;     /* what it does: sentences, wrapped by cli_usage;
                             '\n' starts a new line */
    enum cli_complete complete;
    const char *words;    /* CLI_COMPLETE_WORDS: the choices, space-separated */
};

#define CLI_OPTS_END {NULL, 0, 0, NULL, NULL, CLI_COMPLETE_NONE, NULL}

/* Up to this many option tables in one command (its own, shared groups). */
#define CLI_SPEC_MAX_GROUPS 4

struct cli_spec {
    const char *name;         /* "rip" */
    const char *summary;      /* one line, for 'discwright --help' */
    const char *synopsis;     /* after "discwright NAME ", '\n' between forms */
    const char *description;  /* paragraph(s) of --help before the options */
    const char *footer;       /* lines after the options (SOURCE, exit status) */
    enum cli_complete operand; /* what the non-option arguments complete to */
    const struct cli_opt *groups[CLI_SPEC_MAX_GROUPS]; /* NULL-padded */
};

/* The options every command takes: -q/--quiet, --json, --raw, -h/--help
 * (keys 'q', 'J', 'X', 'h'). */
extern const struct cli_opt cli_common_opts[];

/* getopt_long over the spec's options: returns the key of the next option,
 * '?' for an unknown one or a missing argument (getopt has printed why),
 * -1 at the end.  optarg/optind as getopt_long leaves them.  The getopt
 * tables are built on the first call for a spec and kept (at most 16
 * specs); not thread-safe, as getopt itself is not. */
int cli_getopt(const struct cli_spec *spec, int argc, char **argv);

/* For a command that takes only cli_common_opts: parse them (-h prints
 * its help on stdout, an unknown option its help on stderr).  Returns -1
 * to go on, the operands from optind on; else the exit status (0 after
 * --help, 2 for a usage error). */
int cli_getopt_common_only(const struct cli_spec *spec, int argc, char **argv);

/* The --help text of a command: usage lines, description, the options
 * (two columns, wrapped at 79), footer. */
void cli_usage(const struct cli_spec *spec, FILE *out);

/* "-o, --output DIR" (or "    --json") for opt into buf; returns buf. */
const char *cli_opt_label(const struct cli_opt *opt, char *buf, size_t buf_bytes);

/* Every command: its spec and its entry point, in the order 'discwright
 * --help' lists them (src/cli/cli_commands.c). */
struct cli;
struct cli_command {
    const struct cli_spec *spec;
    int (*run)(struct cli *cli, int argc, char **argv);
};
extern const struct cli_command cli_commands[];
extern const size_t cli_command_count;

#endif
