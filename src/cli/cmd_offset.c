/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright offset SOURCE: find a drive's read offset. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "cli/cli_ar.h"
#include "cli/cli_write_offset.h"
#include "discwright/drive.h"
#include "discwright/offset.h"

static const struct cli_opt offset_opts[] = {
    {"range", 0, 'R', "N", "search shifts of up to N samples each side (default 2940, at most "
                           "264600)",
     CLI_COMPLETE_NONE, NULL},
    {"no-database", 0, 'D', NULL, "skip (a)", CLI_COMPLETE_NONE, NULL},
    {"no-data-track", 0, 'T', NULL, "skip (b)", CLI_COMPLETE_NONE, NULL},
    {"burned", 0, 'B', "IMAGE",
     "the CD in SOURCE was burned by this drive from IMAGE with --write-offset 0: measure "
     "the drive's write offset and save it in its profile",
     CLI_COMPLETE_FILE, NULL},
    {"offset", 0, 'o', "N", "with --burned: the drive's read offset (default: its profile "
                            "or the offset table)",
     CLI_COMPLETE_NONE, NULL},
    CLI_OPTS_END};

const struct cli_spec cli_spec_offset = {
    .name = "offset",
    .summary = "find a drive's read offset (AccurateRip key disc, data track)",
    .synopsis = "SOURCE [options]",
    .description = "Find the read offset of the drive SOURCE (a CD in it): (a) AccurateRip "
                   "key disc: the sectors around frame 450 of each audio track against every "
                   "pressing's frame-450 checksum in the database; (b) a data track's sync "
                   "pattern, where the drive shows it (the combined read + write offset).  "
                   "With -q only the offset is printed.",
    .footer = "With --burned IMAGE the write offset is measured instead (burn uses it).\n"
              "exit status: 0 an offset was found, 1 none was (or SOURCE could not be\n"
              "read), 2 usage\n",
    .operand = CLI_COMPLETE_DRIVE,
    .groups = {offset_opts, cli_ar_lookup_opts, cli_common_opts},
};

/* Evidence lines on stdout (unless -q or --json), warnings on stderr. */
static void print_line(enum dw_log_level level, const char *line, void *user)
{
    const struct cli *cli = user;
    if (level >= DW_LOG_WARN)
        fprintf(stderr, "discwright: warning: %s\n", cli_safe(line));
    else if (!cli->json && !cli->quiet)
        printf("%s\n", cli_safe(line));
}

int cmd_offset(struct cli *cli, int argc, char **argv)
{
    struct dw_offset_find_opts opts = {0};
    struct cli_ar ar = {0};
    const char *burned = NULL;
    bool have_read_offset = false;
    int32_t read_offset = 0;
    int c;
    while ((c = cli_getopt(&cli_spec_offset, argc, argv)) != -1) {
        switch (c) {
        case 'R': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (!optarg[0] || *end || v < 1 || v > 450 * 588) {
                cli_errorf("--range needs a number of samples from 1 to %d, not '%s'",
                           450 * 588, optarg);
                return EXIT_USAGE;
            }
            opts.range_samples = (int32_t)v;
            break;
        }
        case 'D':
            opts.flags |= DW_OFFSET_NO_DATABASE;
            break;
        case 'B':
            burned = optarg;
            break;
        case 'o': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (!optarg[0] || *end || v < -5880 || v > 5880) {
                cli_errorf("--offset needs a number of samples from -5880 to 5880, not '%s'",
                           optarg);
                return EXIT_USAGE;
            }
            have_read_offset = true;
            read_offset = (int32_t)v;
            break;
        }
        case 'T':
            opts.flags |= DW_OFFSET_NO_DATA_TRACK;
            break;
        case CLI_AR_OPT_URL:
        case CLI_AR_OPT_CACHE_DIR:
        case CLI_AR_OPT_OFFLINE:
            if (cli_ar_option(&ar, c, optarg))
                return EXIT_USAGE;
            break;
        case 'q':
        case 'X':
        case 'J':
            break;
        case 'h':
            cli_usage(&cli_spec_offset, stdout);
            return EXIT_OK;
        default:
            cli_usage(&cli_spec_offset, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        cli_errorf(optind >= argc ? "no SOURCE given" : "more than one SOURCE given");
        cli_usage(&cli_spec_offset, stderr);
        return EXIT_USAGE;
    }
    if (have_read_offset && !burned) {
        cli_errorf("--offset goes with --burned");
        return EXIT_USAGE;
    }
    if (burned)
        return cli_offset_burned(cli, argv[optind], burned, have_read_offset, read_offset);
    opts.accuraterip = &ar.ardb;
    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    int rc = dw_drive_open(argv[optind], CLI_OPEN_FLAGS(cli), &d, &err);
    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    struct dw_callbacks cb = {.log = print_line, .user = cli};
    struct dw_offset_report *rep = NULL;
    rc = dw_offset_find(d, &opts, &cb, &rep, &err);
    dw_drive_free(d);
    if (cli->json && dw_offset_report_json(rep))
        puts(dw_offset_report_json(rep));
    int status = EXIT_FAILURE_;
    if (rc) {
        cli_error(&err, rc);
    } else if (!dw_offset_report_found(rep)) {
        if (!cli->json && !cli->quiet)
            printf("read offset: %s\n", cli_safe(dw_offset_report_summary(rep)));
        if (!cli->json)
            cli_errorf("no read offset found: %s", dw_offset_report_summary(rep));
    } else {
        if (cli->quiet && !cli->json)
            printf("%+d\n", (int)dw_offset_report_offset_samples(rep));
        else if (!cli->json)
            printf("read offset: %s\n", cli_safe(dw_offset_report_summary(rep)));
        status = EXIT_OK;
    }
    dw_offset_report_free(rep);
    return status;
}
