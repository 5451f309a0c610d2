/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright program: getopt tables and --help text from the option
 * tables (cli_opts.h). */
#include "cli/cli_opts.h"
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const struct cli_opt cli_common_opts[] = {
    {"quiet", 'q', 'q', NULL, "no progress line, only errors", CLI_COMPLETE_NONE, NULL},
    {"json", 0, 'J', NULL, "print the machine-readable report on stdout", CLI_COMPLETE_NONE,
     NULL},
    {"raw", 0, 'X', NULL,
     "open a file without an ISO 9660/UDF volume descriptor as plain 2048-byte sectors "
     "(otherwise it is refused)",
     CLI_COMPLETE_NONE, NULL},
    {"help", 'h', 'h', NULL, "this help", CLI_COMPLETE_NONE, NULL},
    CLI_OPTS_END};

#define MAX_SPECS 16
#define MAX_OPTS 64

struct getopt_tables {
    const struct cli_spec *spec;
    struct option longopts[MAX_OPTS + 1];
    char shortopts[2 * MAX_OPTS + 2];
};

/* Fill t from spec; options past MAX_OPTS are a programming error caught
 * by the unit test of every spec (tests/unit/test_cli_opts.c). */
static void build_tables(struct getopt_tables *t, const struct cli_spec *spec)
{
    size_t n = 0, s = 0;
    t->spec = spec; /* GNU permutation stays on: options may follow operands */
    for (int g = 0; g < CLI_SPEC_MAX_GROUPS && spec->groups[g]; g++) {
        for (const struct cli_opt *o = spec->groups[g]; o->name && n < MAX_OPTS; o++) {
            t->longopts[n++] = (struct option){o->name, o->arg ? required_argument : no_argument,
                                               NULL, o->key};
            if (o->short_name) {
                t->shortopts[s++] = (char)o->short_name;
                if (o->arg)
                    t->shortopts[s++] = ':';
            }
        }
    }
    t->longopts[n] = (struct option){NULL, 0, NULL, 0};
    t->shortopts[s] = '\0';
}

int cli_getopt(const struct cli_spec *spec, int argc, char **argv)
{
    static struct getopt_tables tables[MAX_SPECS];
    struct getopt_tables *t = NULL;
    for (int i = 0; i < MAX_SPECS; i++) {
        if (tables[i].spec == spec || !tables[i].spec) {
            t = &tables[i];
            break;
        }
    }
    if (!t)
        return '?';
    if (!t->spec)
        build_tables(t, spec);
    return getopt_long(argc, argv, t->shortopts, t->longopts, NULL);
}

int cli_getopt_common_only(const struct cli_spec *spec, int argc, char **argv)
{
    int c;
    while ((c = cli_getopt(spec, argc, argv)) != -1) {
        if (c == 'h') {
            cli_usage(spec, stdout);
            return 0;
        }
        if (c != 'q' && c != 'J' && c != 'X') {
            cli_usage(spec, stderr);
            return 2;
        }
    }
    return -1;
}

const char *cli_opt_label(const struct cli_opt *opt, char *buf, size_t buf_bytes)
{
    char shortpart[8] = "    ";
    if (opt->short_name)
        snprintf(shortpart, sizeof(shortpart), "-%c, ", opt->short_name);
    snprintf(buf, buf_bytes, "%s--%s%s%s", shortpart, opt->name, opt->arg ? " " : "",
             opt->arg ? opt->arg : "");
    return buf;
}

/* Print text wrapped at `width` columns, every line after the first
 * indented by `indent` spaces (the first continues at column `col`);
 * '\n' in text starts a new line. */
static void print_wrapped(FILE *out, const char *text, int col, int indent, int width)
{
    const char *p = text;
    while (*p) {
        const char *word = p;
        while (*p && *p != ' ' && *p != '\n')
            p++;
        int len = (int)(p - word);
        if (col > indent && col + 1 + len > width) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', out);
            col++;
        }
        fwrite(word, 1, (size_t)len, out);
        col += len;
        if (*p == '\n') {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        }
        while (*p == ' ' || *p == '\n')
            p++;
    }
    fputc('\n', out);
}

void cli_usage(const struct cli_spec *spec, FILE *out)
{
    const char *s = spec->synopsis;
    bool first = true;
    while (s && *s) {
        const char *end = strchr(s, '\n');
        int len = end ? (int)(end - s) : (int)strlen(s);
        fprintf(out, "%s discwright %s %.*s\n", first ? "usage:" : "      ", spec->name, len, s);
        first = false;
        s = end ? end + 1 : s + len;
    }
    if (spec->description)
        print_wrapped(out, spec->description, 0, 0, 79);
    for (int g = 0; g < CLI_SPEC_MAX_GROUPS && spec->groups[g]; g++) {
        for (const struct cli_opt *o = spec->groups[g]; o->name; o++) {
            char label[96];
            cli_opt_label(o, label, sizeof(label));
            int col = fprintf(out, "  %s", label);
            if (col >= 24) {
                fprintf(out, "\n%*s", 25, "");
                col = 25;
            } else {
                fprintf(out, "%*s", 25 - col, "");
                col = 25;
            }
            print_wrapped(out, o->help, col, 25, 79);
        }
    }
    if (spec->footer)
        fputs(spec->footer, out);
}
