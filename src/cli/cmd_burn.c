/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright burn IMAGE --drive DRIVE: burn an ISO through libburn, then
 * verify it by reading it back. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cli/cli.h"
#include "cli/cli_build.h"
#include "discwright/burn.h"
#include "discwright/drive.h"
#include "discwright/verify.h"

static const char usage[] =
    "usage: discwright burn IMAGE --drive DRIVE [options]\n"
    "Burn an ISO image to a CD, DVD or BD, or to a file-backed stdio:PATH drive,\n"
    "through libburn (write type chosen for the medium), then verify it.\n"
    "A .cue (BIN/CUE) is burned to a CD with its pregaps, ISRC, MCN and CD-TEXT:\n"
    "audio or Mode 1 tracks (MODE1/2352 is converted after its EDC/ECC check);\n"
    "Mode 2, mixed audio+data and multi-session cues are refused.\n"
    "Folders (discwright burn PATH... --drive DRIVE) are burned as an ISO made on\n"
    "the fly: 'discwright burn DIR --help' lists mkiso's options there.\n"
    "  -d, --drive DRIVE   /dev/srN or stdio:PATH\n"
    "  -s, --speed N       write speed in multiples of 1x (default: maximum)\n"
    "      --dummy         simulate: the laser stays off, nothing is written\n"
    "      --overwrite     stdio: write over an existing file that holds no disc\n"
    "                      image (refused without it)\n"
    "      --no-verify     do not read the burn back\n"
    "      --eject         eject the medium afterwards (after the verify)\n"
    "  -q, --quiet         no progress line      --json  print the JSON report\n"
    "Ctrl-C cancels the burn and releases the drive (the medium may be unusable).\n"
    "exit status: 0 burned and verified, 1 failure, 2 usage, 3 verify could not\n"
    "read some sectors, 4 verify mismatch\n";

int cmd_burn(struct cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"drive", required_argument, NULL, 'd'}, {"speed", required_argument, NULL, 's'},
        {"dummy", no_argument, NULL, 'D'},       {"no-verify", no_argument, NULL, 'N'},
        {"eject", no_argument, NULL, 'E'},       {"quiet", no_argument, NULL, 'q'},
        {"json", no_argument, NULL, 'J'},        {"help", no_argument, NULL, 'h'},
        {"overwrite", no_argument, NULL, 'W'}, {"raw", no_argument, NULL, 'X'},   {NULL, 0, NULL, 0}};
    /* Folders (or graft points) among the arguments: a build burn. */
    if (cli_burn_wants_tree(argc, argv))
        return cli_burn_tree(cli, argc, argv);
    struct dw_burn_opts opts = {0};
    const char *drive = NULL;
    bool verify = true;
    int c;
    while ((c = getopt_long(argc, argv, "d:s:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            drive = optarg;
            break;
        case 's': {
            char *end;
            double v = strtod(optarg, &end);
            if (*end == 'x' || *end == 'X')
                end++;
            if (*end || v < 0 || v > 100) {
                cli_errorf("--speed needs a number like 8 or 16x, not '%s'", optarg);
                return EXIT_USAGE;
            }
            opts.speed_x = v;
            break;
        }
        case 'D':
            opts.dummy = true;
            break;
        case 'W':
            opts.flags |= DW_BURN_OVERWRITE;
            break;
        case 'N':
            verify = false;
            break;
        case 'E':
            opts.eject = true;
            break;
        case 'q':
        case 'X':
        case 'J':
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        default:
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc || !drive) {
        cli_errorf(optind >= argc ? "no IMAGE given"
                   : !drive       ? "no drive given: add --drive /dev/srN or --drive stdio:FILE"
                                  : "more than one IMAGE given");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *image = argv[optind];
    if (!strcmp(drive, "stdio:-") || !strcmp(drive, "stdio:/dev/stdout")) {
        cli_errorf("burning to standard output is not supported: give a file, "
                   "--drive stdio:FILE");
        return EXIT_USAGE;
    }
    /* Eject only after the read-back, which needs the medium. */
    bool eject_after = opts.eject && verify && !opts.dummy;
    if (eject_after)
        opts.eject = false;
    struct dw_callbacks cb;
    struct dw_burn_result res;
    struct dw_error_detail err;
    cli_callbacks(cli, &cb);
    size_t len = strlen(image);
    bool cue = len > 4 && !strcasecmp(image + len - 4, ".cue");
    if (!cue && !opts.dummy && cli_format_if_needed(cli, drive) != EXIT_OK)
        return EXIT_FAILURE_; /* an unformatted DVD+RW or BD-RE is formatted first */
    int rc = cue ? dw_burn_cue(image, drive, &opts, &cb, &res, &err)
                 : dw_burn_iso(image, drive, &opts, &cb, &res, &err);
    cli_progress_done();
    int status = EXIT_OK;
    struct dw_verify_report *vrep = NULL;
    if (rc) {
        cli_error(&err, rc);
        status = EXIT_FAILURE_;
    } else {
        if (!cli->json && !cli->quiet)
            printf(
                "burned %s to %s (%s, %s%s): %lld of %lld bytes, track at LBA %d\n",
                cli_safe(image), cli_safe(res.drive_address), cli_safe(res.profile_name),
                cli_safe(res.write_type), res.dummy ? ", dummy run: nothing written" : "",
                (long long)res.written_bytes, (long long)res.image_bytes, res.start_lba);
        /* The burned image is compared as the burn read it: any whole
         * number of 2048-byte sectors, with or without a volume descriptor. */
        cli->raw = true;
        if (verify && !res.dummy)
            status = cli_verify_run(cli, res.drive_address, image, res.start_lba, -1,
                                    cli->json ? &vrep : NULL);
        if (eject_after) {
            struct dw_drive *d = NULL;
            if (dw_drive_open(res.drive_address, 0, &d, &err))
                cli_error(&err, DW_EIO);
            else if (dw_drive_eject(d))
                cli_error(dw_drive_last_error(d), DW_EIO);
            dw_drive_free(d);
        }
    }
    if (cli->json) {
        char *text =
            dw_burn_result_to_json(image, &res, rc ? err.message : NULL, vrep, status);
        if (text)
            puts(text);
        else
            cli_errorf("out of memory: no JSON report");
        free(text);
    }
    dw_verify_report_free(vrep);
    return status;
}
