/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright burn IMAGE --drive DRIVE: burn an image (ISO through libburn,
 * CD images through libburn or our SAO writer: dw_burn_image), then verify
 * it by reading it back. */
#include <getopt.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cli/cli.h"
#include "cli/cli_build.h"
#include "cli/cli_opts.h"
#include "discwright/burn.h"
#include "discwright/drive.h"
#include "discwright/verify.h"

static const struct cli_opt burn_opts[] = {
    {"drive", 'd', 'd', "DRIVE", "/dev/srN or stdio:PATH", CLI_COMPLETE_DRIVE, NULL},
    {"speed", 's', 's', "N", "write speed in multiples of 1x (default: maximum)",
     CLI_COMPLETE_NONE, NULL},
    {"dummy", 0, 'D', NULL, "simulate: the laser stays off, nothing is written",
     CLI_COMPLETE_NONE, NULL},
    {"write-mode", 0, 'M', "MODE",
     "auto (default; raw for images with a .sub), sao (discwright's writer), raw (RAW96R, "
     "with the image's sub-channel), tao (ISO; CD images of audio, Mode 1 and Mode 2 XA: "
     "discwright's writer)",
     CLI_COMPLETE_WORDS, "auto sao tao raw"},
    {"write-offset", 0, 'O', "N",
     "the drive's write offset in samples: audio is sent N samples ahead so the disc equals "
     "the image (sao)",
     CLI_COMPLETE_NONE, NULL},
    {"overwrite", 0, 'W', NULL,
     "stdio: write over an existing file that holds no disc image (refused without it)",
     CLI_COMPLETE_NONE, NULL},
    {"no-verify", 0, 'N', NULL, "do not read the burn back", CLI_COMPLETE_NONE, NULL},
    {"eject", 0, 'E', NULL, "eject the medium afterwards (after the verify)",
     CLI_COMPLETE_NONE, NULL},
    CLI_OPTS_END};

const struct cli_spec cli_spec_burn = {
    .name = "burn",
    .summary = "burn an image to a disc or a stdio: file, then verify",
    .synopsis = "IMAGE --drive DRIVE [options]",
    .description =
        "Burn an image, then verify it.  An ISO goes to a CD, DVD or BD, or to a file-backed "
        "stdio:PATH drive, through libburn.  A CD image (BIN/CUE, one or many files, cdrdao "
        ".toc, Nero .nrg, CloneCD, CHD and the other images discwright reads) goes to a "
        "blank CD-R/RW with its pregaps, indexes, ISRC, MCN, flags and CD-TEXT: audio or "
        "Mode 1 cues through libburn, everything else (mixed mode, Mode 2, CD-Extra, a "
        "write offset) session at once through discwright's own writer, sector for sector "
        "as the image holds them; images with their sub-channel (CloneCD, rip --subchannel) "
        "raw (RAW96R) with it, and their Q is verified too.  A raw .bin without its cue is "
        "refused.\n"
        "Folders (discwright burn PATH... --drive DRIVE) are burned as an ISO 9660 image made "
        "on the fly with libisofs, with mkiso's options (the ones marked 'folders').",
    .footer = "Ctrl-C cancels the burn and releases the drive (the medium may be unusable).\n"
              "exit status: 0 burned and verified, 1 failure, 2 usage, 3 verify could not\n"
              "read some sectors, 4 verify mismatch\n",
    .operand = CLI_COMPLETE_FILE,
    .groups = {burn_opts, cli_build_opts, cli_build_session_opts, cli_common_opts},
};

/* --write-mode and --write-offset into opts; 0, or -1 after a message. */
static int parse_write_option(int c, const char *arg, struct dw_burn_opts *opts)
{
    static const char *const modes[] = {"auto", "sao", "raw", "tao"};
    static const int mode_values[] = {DW_BURN_MODE_AUTO, DW_BURN_MODE_SAO, DW_BURN_MODE_RAW,
                                      DW_BURN_MODE_TAO};
    if (c == 'M') {
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
            if (!strcmp(arg, modes[i])) {
                opts->write_mode = mode_values[i];
                return 0;
            }
        cli_errorf("--write-mode takes auto, sao, raw or tao, not '%s'", arg);
        return -1;
    }
    char *end;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end || v < -1176 || v > 1176) {
        cli_errorf("--write-offset needs a number of samples from -1176 to 1176, not '%s'",
                   arg);
        return -1;
    }
    opts->write_offset_samples = (int)v;
    opts->flags |= DW_BURN_WRITE_OFFSET; /* given, also when 0: no profile lookup */
    return 0;
}

/* The summary line and, for our writer (SAO or RAW96R), its plan. */
static void print_summary(const struct cli *cli, const char *image,
                          const struct dw_burn_result *res)
{
    if (cli->json || cli->quiet)
        return;
    printf("burned %s to %s (%s, %s%s): %lld of %lld bytes, track at LBA %d\n",
           cli_safe(image), cli_safe(res->drive_address), cli_safe(res->profile_name),
           cli_safe(res->write_type), res->dummy ? ", dummy run: nothing written" : "",
           (long long)res->written_bytes, (long long)res->image_bytes, res->start_lba);
    if (!strcmp(res->writer, "discwright"))
        printf("plan: discwright's %s writer, %d session%s, %d track%s, write offset %d "
               "samples%s%s%s\n",
               cli_safe(res->write_type), res->sessions, res->sessions == 1 ? "" : "s", res->tracks,
               res->tracks == 1 ? "" : "s", res->write_offset_samples,
               !strcmp(res->write_offset_source, "option")    ? " (from --write-offset)"
               : !strcmp(res->write_offset_source, "profile") ? " (from the drive profile "
                                                               : "",
               !strcmp(res->write_offset_source, "profile")
                   ? cli_safe(res->write_offset_profile)
                   : "",
               !strcmp(res->write_offset_source, "profile") ? ")" : "");
}

/* Read the burn back and compare it with the image; a raw burn wrote the
 * image's Q, so its Q is read back and compared frame by frame too. */
static int verify_burn(struct cli *cli, const char *image, const struct dw_burn_result *res,
                       struct dw_verify_report **vrep)
{
    struct dw_verify_opts vo = {
        .source_lba = res->start_lba,
        .retries = -1,
        .flags = !strcmp(res->write_type, "RAW96R") ? DW_VERIFY_SUBCHANNEL_Q : 0};
    return cli_verify_run_opts(cli, res->drive_address, image, &vo, vrep);
}

/* A regular file's size in 2048-byte sectors, rounded up; 0 otherwise. */
static int64_t file_sectors(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode)
               ? ((int64_t)st.st_size + 2047) / 2048
               : 0;
}

int cmd_burn(struct cli *cli, int argc, char **argv)
{
    /* Folders (or graft points) among the arguments: a build burn. */
    if (cli_burn_wants_tree(argc, argv))
        return cli_burn_tree(cli, argc, argv);
    struct dw_burn_opts opts = {0};
    const char *drive = NULL;
    bool verify = true;
    int c;
    while ((c = cli_getopt(&cli_spec_burn, argc, argv)) != -1) {
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
        case 'M':
        case 'O':
            if (parse_write_option(c, optarg, &opts))
                return EXIT_USAGE;
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
            cli_usage(&cli_spec_burn, stdout);
            return EXIT_OK;
        default:
            cli_usage(&cli_spec_burn, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc || !drive) {
        cli_errorf(optind >= argc ? "no IMAGE given"
                   : !drive       ? "no drive given: add --drive /dev/srN or --drive stdio:FILE"
                                  : "more than one IMAGE given");
        cli_usage(&cli_spec_burn, stderr);
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
    /* Ctrl-C stops our SAO writer between two WRITEs through the progress
     * callback; libburn's burns catch it themselves while they run. */
    size_t len = strlen(image);
    bool cue = len > 4 && !strcasecmp(image + len - 4, ".cue");
    if (!cue && !opts.dummy &&
        cli_format_if_needed(cli, drive, file_sectors(image), NULL, image))
        return EXIT_FAILURE_; /* an unformatted DVD+RW or BD-RE, if the image fits */
    cli_install_signals();
    int rc = dw_burn_image(image, drive, &opts, &cb, &res, &err);
    cli_progress_done();
    int status = EXIT_OK;
    struct dw_verify_report *vrep = NULL;
    if (rc) {
        cli_error(&err, rc);
        status = EXIT_FAILURE_;
    } else {
        print_summary(cli, image, &res);
        /* The burned image is compared as the burn read it: any whole
         * number of 2048-byte sectors, with or without a volume descriptor. */
        cli->raw = true;
        if (verify && !res.dummy && res.layout_changed) {
            if (!cli->quiet && !cli->json)
                printf("not verified: the disc's layout differs from the image's (see the "
                       "warnings); check it with discwright info and rip\n");
        } else if (verify && !res.dummy)
            status = verify_burn(cli, image, &res, cli->json ? &vrep : NULL);
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
