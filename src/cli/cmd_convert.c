/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright convert SRC -o DST: write a disc or image in another format. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "discwright/convert.h"
#include "discwright/drive.h"

static const struct cli_opt convert_opts[] = {
    {"output", 'o', 'o', "FILE",
     "the output's main file; its extension names the format (.cue bincue, .iso, .ccd, .toc, "
     ".chd, .cso)",
     CLI_COMPLETE_FILE, NULL},
    {"format", 'f', 'f', "F",
     "the format, overriding the extension: bincue (one BIN and a cue), split (one BIN per "
     "track, redump's \"NAME (Track NN).bin\", one cue), iso (the user data of one data "
     "track), ccd (CloneCD .img/.sub/.ccd), toc (cdrdao TOC and BIN, one session), chd (MAME "
     "CHD), cso (compressed ISO)",
     CLI_COMPLETE_WORDS, "bincue split iso ccd toc chd cso"},
    {"codec", 0, 'c', "C", "a compressing format's codec (chd: cdlz, cdzl, cdfl ...)",
     CLI_COMPLETE_NONE, NULL},
    {"level", 0, 'L', "N", "a compressing format's level (0-22)", CLI_COMPLETE_NONE, NULL},
    {"track", 0, 't', "N", "convert track N alone (an ISO of one data track)",
     CLI_COMPLETE_NONE, NULL},
    {"no-verify", 0, 'N', NULL, "do not read the output back", CLI_COMPLETE_NONE, NULL},
    {"overwrite", 0, 'W', NULL, "replace existing output files", CLI_COMPLETE_NONE, NULL},
    CLI_OPTS_END};

const struct cli_spec cli_spec_convert = {
    .name = "convert",
    .summary = "convert a disc or image into another image format",
    .synopsis = "SOURCE -o OUTPUT [options]",
    .description =
        "Read SOURCE (a drive or any image discwright reads) in LBA order and write it as "
        "OUTPUT in another format, keeping the layout (pregaps, indexes, ISRC, MCN, CD-TEXT, "
        "sessions, modes); then read OUTPUT back and compare it with SOURCE sector by sector.  "
        "Files appear only when all are written; a JSON report goes beside them (OUTPUT's "
        "name with .json).",
    .footer = "exit status: 0 written and verified (or --no-verify), 1 failure (nothing\n"
              "written), 2 usage, 4 written but differs from SOURCE when read back; a\n"
              "conversion stopped by Ctrl-C leaves no output and ends by the signal\n",
    .operand = CLI_COMPLETE_SOURCE,
    .groups = {convert_opts, cli_common_opts},
};

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
    struct dw_convert_opts opts = {.level = -1, .command_line = cli->command_line};
    int c;
    long v;
    while ((c = cli_getopt(&cli_spec_convert, argc, argv)) != -1) {
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
            cli_usage(&cli_spec_convert, stdout);
            return EXIT_OK;
        default:
            cli_usage(&cli_spec_convert, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc || !opts.output) {
        cli_errorf("convert needs SOURCE and -o OUTPUT");
        cli_usage(&cli_spec_convert, stderr);
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
