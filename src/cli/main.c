/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: the command-line program.  One file per subcommand
 * (src/cli/cmd_*.c), dispatched from the table below. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include <sys/stat.h>
#include "discwright/checksum.h"
#include "discwright/profile.h"
#include "discwright/version.h"


static void usage(FILE *out)
{
    fprintf(out, "usage: discwright [-q] [--json] <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < cli_command_count; i++)
        fprintf(out, "  %-8s %s\n", cli_commands[i].spec->name, cli_commands[i].spec->summary);
    fprintf(out, "\nglobal options:\n"
                 "  -q, --quiet    no progress line, only errors\n"
                 "  --json         print the machine-readable report on stdout\n"
                 "  --raw          open a file without an ISO 9660/UDF volume descriptor as\n"
                 "                 plain 2048-byte sectors (otherwise it is refused)\n"
                 "  --threads N    threads a checksum or a rip's read-ahead may use: 1 keeps\n"
                 "                 everything on one thread; 0 (default) uses every CPU\n"
                 "                 online\n"
                 "  --version      print the version, the linked libraries' and the profile\n"
                 "                 directories searched\n"
                 "  -h, --help     this help; 'discwright <command> --help' for a command\n"
                 "\nexit status: 0 success, 1 failure, 2 usage, 3 finished with unreadable or\n"
                 "unverified sectors, 4 verification mismatch\n");
}

/* The end of every command: what it printed must have reached its
 * destination (a full disk or a closed pipe under stdout is a failure, as
 * git's maybe_flush_or_die sees it), and a job stopped by SIGINT/SIGTERM
 * ends by that signal once it has cleaned up. */
static int finish(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE)
            fprintf(stderr, "discwright: cannot write the output: %s\n", strerror(errno));
        if (status == EXIT_OK || status == EXIT_UNCONFIRMED)
            status = EXIT_FAILURE_;
    }
    if (cli_interrupted) {
        int sig = cli_interrupted;
        fflush(stderr);
        signal(sig, SIG_DFL);
        raise(sig);
    }
    if (fflush(stderr) != 0 && status == EXIT_OK)
        status = EXIT_FAILURE_;
    return status;
}

/* --version, curl -V style: our version, the linked libraries' (as they
 * report themselves), and the profile directories in search order. */
static int print_version(void)
{
    char line[2048], dir[4096];
    printf("discwright %s\n", dw_version());
    if (dw_version_libraries(line, sizeof(line)) == 0)
        printf("libraries: %s\n", line);
    printf("profiles (searched in this order):\n");
    for (int idx = 0;; idx++) {
        int rc = dw_profile_dir(idx, dir, sizeof(dir));
        if (rc == DW_ERANGE)
            break;
        struct stat st;
        if (rc)
            printf("  (path too long)\n");
        else
            printf("  %s%s\n", cli_safe(dir), stat(dir, &st) == 0 ? "" : " (absent)");
    }
    return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_FAILURE_;
}

static int run(int argc, char **argv)
{
    struct cli cli = {.argv0 = argv[0]};
    int i = 1;
    size_t used = 0;
    for (int k = 0; k < argc && used < sizeof(cli.command_line) - 1; k++)
        used += (size_t)snprintf(cli.command_line + used, sizeof(cli.command_line) - used,
                                 "%s%s", k ? " " : "", k ? argv[k] : "discwright");
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
            cli.quiet = true;
        else if (!strcmp(argv[i], "--json"))
            cli.json = true;
        else if (!strcmp(argv[i], "--raw"))
            cli.raw = true;
        else if (!strcmp(argv[i], "--threads")) {
            char *end = NULL;
            long v = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
            if (i + 1 >= argc || *end || v < 0 || v > 64) {
                fprintf(stderr, "discwright: --threads needs a number 0-64 (0: automatic)\n");
                return EXIT_USAGE;
            }
            dw_hash_set_threads((unsigned)v);
            cli.threads = (unsigned)v;
            i++;
        } else if (!strcmp(argv[i], "--version")) {
            return print_version();
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return EXIT_OK;
        } else {
            fprintf(stderr, "discwright: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    for (size_t c = 0; c < cli_command_count; c++) {
        if (!strcmp(argv[i], cli_commands[c].spec->name)) {
            /* Per-command -q/--json may come after the command too. */
            int sub_argc = argc - i;
            char **sub_argv = argv + i;
            for (int k = 1; k < sub_argc; k++) {
                if (!strcmp(sub_argv[k], "-q") || !strcmp(sub_argv[k], "--quiet"))
                    cli.quiet = true;
                else if (!strcmp(sub_argv[k], "--json"))
                    cli.json = true;
                else if (!strcmp(sub_argv[k], "--raw"))
                    cli.raw = true;
            }
            /* getopt names the program by argv[0] in its messages. */
            static char name[64];
            snprintf(name, sizeof(name), "discwright %s", cli_commands[c].spec->name);
            sub_argv[0] = name;
            optind = 1;
            return cli_commands[c].run(&cli, sub_argc, sub_argv);
        }
    }
    fprintf(stderr, "discwright: unknown command '%s'\n", argv[i]);
    usage(stderr);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    return finish(run(argc, argv));
}
