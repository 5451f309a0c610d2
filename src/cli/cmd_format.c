/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright format --drive D: format a DVD+RW, DVD-RW, BD-RE or BD-R. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "discwright/build.h"

static const struct cli_opt format_opts[] = {
    {"drive", 'd', 'd', "DRIVE", "/dev/srN", CLI_COMPLETE_DRIVE, NULL},
    {"no-spare", 0, 'S', NULL, "BD-RE/BD-R: no spare areas (more room, no defect management)",
     CLI_COMPLETE_NONE, NULL},
    {"force", 0, 'F', NULL, "format a medium that is formatted already (erases it)",
     CLI_COMPLETE_NONE, NULL},
    CLI_OPTS_END};

const struct cli_spec cli_spec_format = {
    .name = "format",
    .summary = "format a DVD+RW, DVD-RW, BD-RE or BD-R for random writing",
    .synopsis = "--drive DRIVE [--no-spare] [--force]",
    .description = "Format a rewritable or BD medium so that it can be written at random "
                   "(FORMAT UNIT through libburn): an unformatted DVD+RW or BD-RE, a DVD-RW "
                   "(to restricted overwrite), a BD-R (defect management).  A formatted "
                   "medium is left alone.",
    .footer = "exit status: 0 formatted (or it was), 1 failure, 2 usage\n",
    .groups = {format_opts, cli_common_opts},
};

int cmd_format(struct cli *cli, int argc, char **argv)
{
    const char *drive = NULL;
    unsigned flags = 0;
    int c;
    while ((c = cli_getopt(&cli_spec_format, argc, argv)) != -1) {
        switch (c) {
        case 'd':
            drive = optarg;
            break;
        case 'S':
            flags |= DW_FORMAT_NO_SPARE;
            break;
        case 'F':
            flags |= DW_FORMAT_FORCE;
            break;
        case 'q':
        case 'J':
        case 'X':
            break;
        case 'h':
            cli_usage(&cli_spec_format, stdout);
            return EXIT_OK;
        default:
            cli_usage(&cli_spec_format, stderr);
            return EXIT_USAGE;
        }
    }
    if (!drive || optind != argc) {
        cli_errorf(!drive ? "no drive given: add --drive /dev/srN"
                          : "unexpected argument '%s'",
                   drive ? cli_safe(argv[optind]) : "");
        cli_usage(&cli_spec_format, stderr);
        return EXIT_USAGE;
    }
    if (cli->json) {
        cli_errorf("format has no JSON report: leave out --json");
        return EXIT_USAGE;
    }
    struct dw_callbacks cb;
    struct dw_format_result res;
    struct dw_error_detail err;
    cli_callbacks(cli, &cb);
    int rc = dw_build_format(drive, flags, &cb, &res, &err);
    cli_progress_done();
    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    if (!cli->quiet)
        printf("%s %s (%s): %lld bytes (%lld sectors) writable\n",
               res.already_formatted ? "already formatted:" : "formatted",
               cli_safe(drive), cli_safe(res.profile_name),
               (long long)res.formatted_bytes, (long long)res.formatted_bytes / 2048);
    return EXIT_OK;
}
