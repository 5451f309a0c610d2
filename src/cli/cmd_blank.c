/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright blank --drive DRIVE: blank a CD-RW or DVD-RW through libburn. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "discwright/burn.h"

static const struct cli_opt blank_opts[] = {
    {"drive", 'd', 'd', "DRIVE", "the drive, /dev/srN", CLI_COMPLETE_DRIVE, NULL},
    {"fast", 0, 'F', NULL, "minimal blank (TOC/PMA only) instead of the whole disc",
     CLI_COMPLETE_NONE, NULL},
    CLI_OPTS_END};

const struct cli_spec cli_spec_blank = {
    .name = "blank",
    .summary = "blank a rewritable disc (CD-RW, DVD-RW)",
    .synopsis = "--drive DRIVE [--fast]",
    .description = "Blank a rewritable disc (CD-RW, sequential DVD-RW) so it can be burned "
                   "again.  Other media (DVD+RW, BD-RE, DVD-RAM) are overwritten in place by "
                   "burn and need no blanking; write-once media cannot be blanked.",
    .footer = "exit status: 0 blanked (or already blank), 1 failure, 2 usage\n",
    .groups = {blank_opts, cli_common_opts},
};

int cmd_blank(struct cli *cli, int argc, char **argv)
{
    const char *drive = NULL;
    bool fast = false;
    int c;
    while ((c = cli_getopt(&cli_spec_blank, argc, argv)) != -1) {
        switch (c) {
        case 'd':
            drive = optarg;
            break;
        case 'F':
            fast = true;
            break;
        case 'q':
        case 'J':
        case 'X':
            break;
        case 'h':
            cli_usage(&cli_spec_blank, stdout);
            return EXIT_OK;
        default:
            cli_usage(&cli_spec_blank, stderr);
            return EXIT_USAGE;
        }
    }
    if (!drive || optind != argc) {
        cli_errorf(!drive ? "no drive given: add --drive /dev/srN" : "unexpected argument '%s'",
                   drive ? argv[optind] : "");
        cli_usage(&cli_spec_blank, stderr);
        return EXIT_USAGE;
    }
    struct dw_callbacks cb;
    struct dw_error_detail err;
    cli_callbacks(cli, &cb);
    /* A blank cannot be stopped halfway (the drive goes on by itself): a
     * Ctrl-C is noted and answered after it ends, not by dying mid-way. */
    cli_install_signals();
    int rc = dw_burn_blank(drive, fast, &cb, &err);
    cli_progress_done();
    if (cli_interrupted)
        cli_errorf("blanking cannot be interrupted; it ran to its end");
    if (cli->json) {
        char *text = dw_burn_blank_result_to_json(drive, fast, rc ? err.message : NULL,
                                                  rc ? EXIT_FAILURE_ : EXIT_OK);
        if (text)
            puts(text);
        else
            cli_errorf("out of memory: no JSON report");
        free(text);
    }
    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    if (!cli->quiet && !cli->json)
        printf("the disc in %s is blank\n", cli_safe(drive));
    return EXIT_OK;
}
