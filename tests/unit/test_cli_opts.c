/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The option tables of every command (src/cli/cli_opts.h): names, keys and
 * short forms unique within a command, every option reachable through
 * cli_getopt by its long and short form with its argument, and --help
 * lines within 79 columns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli_opts.h"

/* Each option of spec, in order, into out; returns the count. */
static int options_of(const struct cli_spec *spec, const struct cli_opt **out, int max)
{
    int n = 0;
    for (int g = 0; g < CLI_SPEC_MAX_GROUPS && spec->groups[g]; g++)
        for (const struct cli_opt *o = spec->groups[g]; o->name && n < max; o++)
            out[n++] = o;
    return n;
}

static void test_unique(void **state)
{
    (void)state;
    assert_true(cli_command_count >= 8);
    for (size_t c = 0; c < cli_command_count; c++) {
        const struct cli_spec *spec = cli_commands[c].spec;
        const struct cli_opt *opts[80];
        int n = options_of(spec, opts, 80);
        assert_true(n > 0);
        assert_true(n <= 64); /* cli_opts.c MAX_OPTS */
        assert_non_null(spec->summary);
        assert_non_null(spec->synopsis);
        for (int i = 0; i < n; i++) {
            assert_non_null(opts[i]->help);
            assert_true(opts[i]->complete != CLI_COMPLETE_WORDS || opts[i]->words);
            for (int j = i + 1; j < n; j++) {
                if (!strcmp(opts[i]->name, opts[j]->name) || opts[i]->key == opts[j]->key ||
                    (opts[i]->short_name && opts[i]->short_name == opts[j]->short_name))
                    fail_msg("%s: --%s and --%s collide", spec->name, opts[i]->name,
                             opts[j]->name);
            }
            if (opts[i]->short_name)
                assert_int_equal(opts[i]->short_name, opts[i]->key);
        }
    }
}

/* Parse argv (NULL-terminated) with spec: the keys returned, in order. */
static int parse(const struct cli_spec *spec, char **argv, int *keys, const char **args, int max)
{
    int argc = 0, n = 0, c;
    while (argv[argc])
        argc++;
    optind = 1;
    opterr = 0;
    while ((c = cli_getopt(spec, argc, argv)) != -1 && n < max) {
        args[n] = optarg;
        keys[n++] = c;
    }
    return n;
}

static void test_every_option_parses(void **state)
{
    (void)state;
    for (size_t c = 0; c < cli_command_count; c++) {
        const struct cli_spec *spec = cli_commands[c].spec;
        const struct cli_opt *opts[80];
        int n = options_of(spec, opts, 80);
        for (int i = 0; i < n; i++) {
            char lng[80], shrt[4], val[] = "VALUE", prog[] = "discwright x";
            snprintf(lng, sizeof(lng), "--%s", opts[i]->name);
            char *argv[] = {prog, lng, opts[i]->arg ? val : NULL, NULL};
            int keys[4];
            const char *args[4];
            int got = parse(spec, argv, keys, args, 4);
            assert_int_equal(got, 1);
            assert_int_equal(keys[0], opts[i]->key);
            if (opts[i]->arg)
                assert_string_equal(args[0], "VALUE");
            if (opts[i]->short_name) {
                snprintf(shrt, sizeof(shrt), "-%c", opts[i]->short_name);
                char *argv2[] = {prog, shrt, opts[i]->arg ? val : NULL, NULL};
                assert_int_equal(parse(spec, argv2, keys, args, 4), 1);
                assert_int_equal(keys[0], opts[i]->key);
            }
            /* Without its argument, a required-argument option is an error. */
            if (opts[i]->arg) {
                char *argv3[] = {prog, lng, NULL};
                assert_int_equal(parse(spec, argv3, keys, args, 4), 1);
                assert_true(keys[0] == '?' || keys[0] == ':');
            }
        }
        char unknown[] = "--no-such-option", prog[] = "discwright x";
        char *argv[] = {prog, unknown, NULL};
        int keys[2];
        const char *args[2];
        assert_int_equal(parse(spec, argv, keys, args, 2), 1);
        assert_int_equal(keys[0], '?');
    }
}

static void test_usage_width(void **state)
{
    (void)state;
    for (size_t c = 0; c < cli_command_count; c++) {
        char *text = NULL;
        size_t bytes = 0;
        FILE *f = open_memstream(&text, &bytes);
        assert_non_null(f);
        cli_usage(cli_commands[c].spec, f);
        fclose(f);
        assert_non_null(strstr(text, "usage: discwright "));
        /* Every option's long name is in the help. */
        const struct cli_opt *opts[80];
        int n = options_of(cli_commands[c].spec, opts, 80);
        for (int i = 0; i < n; i++) {
            char lng[80];
            snprintf(lng, sizeof(lng), "--%s", opts[i]->name);
            if (!strstr(text, lng))
                fail_msg("%s --help lacks %s", cli_commands[c].spec->name, lng);
        }
        for (char *line = text; *line;) {
            char *end = strchr(line, '\n');
            size_t len = end ? (size_t)(end - line) : strlen(line);
            if (len > 79)
                fail_msg("%s --help: line of %zu columns: %.*s", cli_commands[c].spec->name,
                         len, (int)len, line);
            line += len + (end ? 1 : 0);
        }
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unique),
        cmocka_unit_test(test_every_option_parses),
        cmocka_unit_test(test_usage_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
