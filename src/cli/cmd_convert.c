/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright convert SRC -o DST: write a disc or image in another format. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "discwright/convert.h"
#include "discwright/drive.h"

static const char usage_head[] =
    "usage: discwright convert SOURCE -o OUTPUT [options]\n"
    "Read SOURCE (a drive or any image discwright reads) in LBA order and write\n"
    "it as OUTPUT in another format, keeping the layout (pregaps, indexes, ISRC,\n"
    "MCN, CD-TEXT, sessions, modes); then read OUTPUT back and compare it with\n"
    "SOURCE sector by sector.  Files appear only when all are written; a JSON\n"
    "report goes beside them (OUTPUT's name with .json).\n"
    "  -o, --output FILE  the output's main file; its extension names the format\n"
    "                     (.cue bincue, .iso, .ccd, .toc, .chd, .cso)\n"
    "  -f, --format F     the format (overrides the extension):\n";

static const char usage_tail[] =
    "  --codec C, --level N  a compressing format's codec (chd: cdlz, cdzl, cdfl\n"
    "                     ...) and level\n"
    "  --track N          convert track N alone (an ISO of one data track)\n"
    "  --no-verify        do not read the output back\n"
    "  --overwrite        replace existing output files\n"
    "  -q, --quiet        no progress line      --json  print the JSON report\n"
    "exit status: 0 written and verified (or --no-verify), 1 failure (nothing\n"
    "written), 2 usage, 4 written but differs from SOURCE when read back; a\n"
    "conversion stopped by Ctrl-C leaves no output and ends by the signal\n";

static void print_usage(FILE *out)
{
    const char *name, *summary;
    fputs(usage_head, out);
    for (int i = 0; dw_convert_format(i, &name, &summary) == 0; i++)
        fprintf(out, "      %-8s %s\n", name, summary);
    fputs(usage_tail, out);
}

static bool parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

int cmd_convert(struct cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'f'},
        {"codec", required_argument, NULL, 'c'},  {"track", required_argument, NULL, 't'},
        {"level", required_argument, NULL, 'L'},  {"no-verify", no_argument, NULL, 'N'},
        {"overwrite", no_argument, NULL, 'W'},    {"quiet", no_argument, NULL, 'q'},
        {"json", no_argument, NULL, 'J'},         {"raw", no_argument, NULL, 'X'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    struct dw_convert_opts opts = {.level = -1, .command_line = cli->command_line};
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "o:f:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            opts.output = optarg;
            break;
        case 'f':
            opts.format = optarg;
            break;
        case 'c':
            opts.codec = optarg;
            break;
        case 't':
            if (!parse_int(optarg, 1, 99, &v)) {
                cli_errorf("--track needs a track number 1-99, not '%s'", cli_safe(optarg));
                return EXIT_USAGE;
            }
            opts.track = (int)v;
            break;
        case 'L':
            if (!parse_int(optarg, 0, 22, &v)) {
                cli_errorf("--level needs a number 0-22, not '%s'", cli_safe(optarg));
                return EXIT_USAGE;
            }
            opts.level = (int)v;
            break;
        case 'N':
            opts.flags |= DW_CONVERT_NO_VERIFY;
            break;
        case 'W':
            opts.flags |= DW_CONVERT_OVERWRITE;
            break;
        case 'q':
        case 'J':
        case 'X':
            break;
        case 'h':
            print_usage(stdout);
            return EXIT_OK;
        default:
            print_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc || !opts.output) {
        cli_errorf("convert needs SOURCE and -o OUTPUT");
        print_usage(stderr);
        return EXIT_USAGE;
    }
    const char *source = argv[optind];
    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    struct dw_convert_report *rep = NULL;
    int status = EXIT_FAILURE_;
    int rc = dw_drive_open(source, CLI_OPEN_FLAGS(cli), &d, &err);
    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    cli_warnings(cli, dw_drive_warnings(d));
    struct dw_callbacks cb;
    cli_callbacks(cli, &cb);
    cli_install_signals();
    rc = dw_convert(d, &opts, &cb, &rep, &err);
    cli_progress_done();
    if (cli->json && dw_convert_report_json(rep))
        puts(dw_convert_report_json(rep));
    status = rep ? dw_convert_report_exit_status(rep) : cli_exit_for(rc);
    if (rc) {
        cli_error(&err, rc);
    } else if (!cli->json && !cli->quiet) {
        long long verified = (long long)dw_convert_report_count(rep, DW_CONVERT_VERIFIED);
        printf("converted %s to %s (%s): %lld sectors", cli_safe(source),
               cli_safe(dw_convert_report_output(rep)), dw_convert_report_format(rep),
               (long long)dw_convert_report_count(rep, DW_CONVERT_SECTORS));
        if (verified)
            printf(", %lld read back identical\n", verified);
        else
            printf(", not read back\n");
    }
    dw_convert_report_free(rep);
    dw_drive_free(d);
    return status;
}
