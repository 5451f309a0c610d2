/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright checklog LOG: check the SHA-256 signature a rip log ends with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "discwright/report.h"

static const char usage[] =
    "usage: discwright checklog LOG [--json]\n"
    "Check that a rip log is as discwright wrote it: its last line holds the\n"
    "SHA-256 of every byte above it, which this recomputes (as does\n"
    "\"sed '$d' LOG | sha256sum\").  A checksum, not a secret key: it shows the\n"
    "log was not edited after the fact, not who wrote it.\n"
    "  -q, --quiet   print nothing; the exit status tells\n"
    "      --json    print the result as JSON\n"
    "exit status: 0 signature good, 1 no signature or LOG cannot be read,\n"
    "2 usage, 4 log modified (the text does not match its signature)\n";

int cmd_checklog(struct cli *cli, int argc, char **argv)
{
    const char *path = NULL;
    struct dw_log_check check;
    struct dw_error_detail err;

    if (cli_wants_help(argc, argv, usage))
        return EXIT_OK;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet") ||
            !strcmp(argv[i], "--json"))
            continue;
        if ((argv[i][0] == '-' && argv[i][1]) || path) {
            cli_errorf(path ? "more than one LOG given" : "unknown option '%s'", argv[i]);
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
        path = argv[i];
    }
    if (!path) {
        cli_errorf("no LOG given");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    int rc = dw_log_verify(path, &check, &err);
    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    int status = check.verdict == DW_LOG_GOOD       ? EXIT_OK
                 : check.verdict == DW_LOG_MODIFIED ? EXIT_MISMATCH
                                                    : EXIT_FAILURE_;
    if (cli->json) {
        char *text = dw_log_check_to_json(path, &check, status);
        if (text)
            puts(text);
        else
            cli_errorf("out of memory: no JSON report");
        free(text);
    } else if (!cli->quiet) {
        if (check.verdict == DW_LOG_GOOD)
            printf("%s: signature good (SHA-256 %s of %lld bytes)\n", cli_safe(path),
                   check.actual_sha256, (long long)check.signed_bytes);
        else if (check.verdict == DW_LOG_MODIFIED)
            printf("%s: log modified: %s\n", cli_safe(path), cli_safe(check.reason));
        else
            printf("%s: no signature: %s; it was not written by a discwright rip, or was "
                   "cut "
                   "short\n",
                   cli_safe(path), cli_safe(check.reason));
    }
    return status;
}
