/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright format --drive D: format a DVD+RW, DVD-RW, BD-RE or BD-R. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "discwright/build.h"

static const char usage[] =
    "usage: discwright format --drive DRIVE [--no-spare] [--force]\n"
    "Format a rewritable or BD medium so that it can be written at random (FORMAT\n"
    "UNIT through libburn): an unformatted DVD+RW or BD-RE, a DVD-RW (to restricted\n"
    "overwrite), a BD-R (defect management).  A formatted medium is left alone.\n"
    "  -d, --drive DRIVE   /dev/srN\n"
    "      --no-spare      BD-RE/BD-R: no spare areas (more room, no defect management)\n"
    "      --force         format a medium that is formatted already (erases it)\n"
    "  -q, --quiet         no progress line and no summary\n"
    "exit status: 0 formatted (or it was), 1 failure, 2 usage\n";

int cmd_format(struct cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"drive", required_argument, NULL, 'd'}, {"no-spare", no_argument, NULL, 'S'},
        {"force", no_argument, NULL, 'F'},       {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    const char *drive = NULL;
    unsigned flags = 0;
    int c;
    while ((c = getopt_long(argc, argv, "d:qh", longopts, NULL)) != -1) {
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
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        default:
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (!drive || optind != argc) {
        cli_errorf(!drive ? "no drive given: add --drive /dev/srN"
                          : "unexpected argument '%s'",
                   drive ? cli_safe(argv[optind]) : "");
        fputs(usage, stderr);
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
