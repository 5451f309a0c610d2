/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright checklog LOG: check the SHA-256 signature a rip log ends with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "discwright/report.h"

const struct cli_spec cli_spec_checklog = {
    .name = "checklog",
    .summary = "check the SHA-256 signature at the end of a rip log",
    .synopsis = "LOG [--json]",
    .description = "Check that a rip log is as discwright wrote it: its last line holds the "
                   "SHA-256 of every byte above it, which this recomputes (as does \"sed '$d' "
                   "LOG | sha256sum\").  A checksum, not a secret key: it shows the log was "
                   "not edited after the fact, not who wrote it.",
    .footer = "exit status: 0 signature good, 1 no signature or LOG cannot be read,\n"
              "2 usage, 4 log modified (the text does not match its signature)\n",
    .operand = CLI_COMPLETE_FILE,
    .groups = {cli_common_opts},
};

int cmd_checklog(struct cli *cli, int argc, char **argv)
{
    const char *path = NULL;
    struct dw_log_check check;
    struct dw_error_detail err;

    int parsed = cli_getopt_common_only(&cli_spec_checklog, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind + 1 < argc) {
        cli_errorf("more than one LOG given");
        cli_usage(&cli_spec_checklog, stderr);
        return EXIT_USAGE;
    }
    if (optind < argc)
        path = argv[optind];
    if (!path) {
        cli_errorf("no LOG given");
        cli_usage(&cli_spec_checklog, stderr);
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
