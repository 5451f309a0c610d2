/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright drives: list optical drives (libcdio and libburn); probe one
 * and keep what it does as a drive profile; show a drive's profile. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "discwright/drive.h"
#include "discwright/drive_profile.h"
#include "discwright/profile.h"
#include "discwright/report.h"

enum { OPT_PROBE = 256, OPT_PROFILE, OPT_SAVE, OPT_COMMENT, OPT_DRIVE };

static const struct cli_opt drives_opts[] = {
    {"probe", 0, OPT_PROBE, NULL,
     "measure what the drive does (a CD in it, audio is best): C2 pointers and their place "
     "next to sub-channel data, raw P-W order, BCD or binary Q, read cache size (by timing: "
     "up to a minute), accurate stream, speed",
     CLI_COMPLETE_NONE, NULL},
    {"save", 0, OPT_SAVE, NULL,
     "with --probe: keep the result as the drive's profile in your profile directory "
     "(~/.config/discwright/profiles)",
     CLI_COMPLETE_NONE, NULL},
    {"comment", 0, OPT_COMMENT, "TEXT", "with --save: a note kept in the profile",
     CLI_COMPLETE_NONE, NULL},
    {"profile", 0, OPT_PROFILE, NULL, "show the drive's profile from the profile directories",
     CLI_COMPLETE_NONE, NULL},
    {"drive", 0, OPT_DRIVE, "DEV", "the drive (default: the first one with a disc in it)",
     CLI_COMPLETE_DRIVE, NULL},
    CLI_OPTS_END};

const struct cli_spec cli_spec_drives = {
    .name = "drives",
    .summary = "list optical drives",
    .synopsis = "[--json]\n--probe [--drive DEV] [--save [--comment TEXT]]\n"
                "--profile [--drive DEV] [--json]",
    .description = "List optical drives found by libcdio and libburn: address, vendor, "
                   "model, firmware, and whether a medium is loaded.",
    .footer = "exit status: 0 (also when no drive is found), 1 failure (no drive, no CD,\n"
              "no profile, cannot save), 2 usage\n",
    .groups = {drives_opts, cli_common_opts},
};

/* ---- the list ----------------------------------------------------------------- */

static int list_drives(struct cli *cli)
{
    struct dw_drive_info *list = NULL;
    int count = 0;
    int rc = dw_drive_list(&list, &count);
    if (rc) {
        cli_errorf("cannot list drives: %s", dw_strerror(rc));
        return EXIT_FAILURE_;
    }
    if (cli->json) {
        char *text = dw_drive_list_to_json(list, count);
        if (text)
            puts(text);
        else
            cli_errorf("out of memory: no JSON list");
        free(text);
    } else if (count == 0) {
        printf("no optical drives found\n");
    } else {
        printf("%-14s %-8s %-16s %-5s %s\n", "address", "vendor", "model", "fw",
               "medium");
        for (int i = 0; i < count; i++)
            printf("%-14s %-8s %-16s %-5s %s\n", cli_safe(list[i].address),
                   cli_safe(list[i].vendor), cli_safe(list[i].model),
                   cli_safe(list[i].firmware), list[i].medium_loaded ? "loaded" : "none");
    }
    free(list);
    return EXIT_OK;
}

/* ---- one drive ------------------------------------------------------------------ */

/* The drive to work on: `address`, or the first listed drive (with a disc
 * in it when need_medium).  Opens it into *d; prints the error and returns
 * EXIT_FAILURE_ when it cannot. */
static int open_drive(const char *address, bool need_medium, struct dw_drive **d)
{
    struct dw_drive_info *list = NULL;
    struct dw_error_detail err;
    char chosen[512] = "";
    int count = 0, rc;

    if (!address) {
        rc = dw_drive_list(&list, &count);
        if (rc) {
            cli_errorf("cannot list drives: %s", dw_strerror(rc));
            return EXIT_FAILURE_;
        }
        for (int i = 0; i < count && !chosen[0]; i++)
            if (list[i].medium_loaded || !need_medium)
                snprintf(chosen, sizeof(chosen), "%s", list[i].address);
        free(list);
        if (!chosen[0]) {
            cli_errorf(count ? "no drive has a disc in it: insert a CD or name the drive "
                               "with --drive"
                             : "no optical drives found: name one with --drive");
            return EXIT_FAILURE_;
        }
        address = chosen;
    }
    rc = dw_drive_open(address, 0, d, &err);
    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    return EXIT_OK;
}

static const char *state_text(enum dw_probe_state s)
{
    return s == DW_PROBE_SUPPORTED ? "yes" : s == DW_PROBE_UNSUPPORTED ? "no" : "unknown";
}

/* The profile, one line a field, then the notes. */
static void print_profile(const struct dw_drive_profile *p)
{
    printf("drive            %s %s (firmware %s)\n", cli_safe(p->vendor),
           cli_safe(p->model), cli_safe(p->revision));
    printf("probed           %s with discwright %s, sectors %ld-%ld of %s track\n",
           p->probe_date[0] ? cli_safe(p->probe_date) : "(no date)",
           cli_safe(p->discwright_version), (long)p->probe_lba, (long)p->probe_lba + 11,
           p->probe_audio ? "an audio" : "a data");
    printf("C2 pointers      %s (READ CD error field 01b, 294 bytes)\n",
           state_text(p->c2));
    printf("C2 block error   %s (error field 10b, 296 bytes)\n",
           state_text(p->c2_block_error));
    printf("C2 placement     %s\n",
           p->c2_placement == DW_C2_BEFORE_SUB ? "before the sub-channel data (MMC order)"
           : p->c2_placement == DW_C2_AFTER_SUB ? "after the sub-channel data"
           : p->c2_placement == DW_C2_NOT_COMBINED
               ? "C2 and sub-channel not in one READ CD"
               : "unknown");
    printf("raw P-W          %s%s%s\n", state_text(p->raw_pw),
           p->raw_pw_order != DW_PW_ORDER_UNKNOWN ? ", " : "",
           p->raw_pw_order != DW_PW_ORDER_UNKNOWN ? dw_pw_order_name(p->raw_pw_order)
                                                  : "");
    printf("formatted Q      %s%s\n", state_text(p->formatted_q),
           p->q_numbers == DW_Q_NUMBERS_BCD      ? ", BCD numbers"
           : p->q_numbers == DW_Q_NUMBERS_BINARY ? ", binary numbers"
                                                 : "");
    printf("accurate stream  %s\n", state_text(p->accurate_stream));
    if (p->cache == DW_CACHE_MEASURED)
        printf("read cache       about %ld sectors (timed)\n", (long)p->cache_sectors);
    else if (p->cache == DW_CACHE_AT_LEAST)
        printf("read cache       at least %ld sectors (timed)\n", (long)p->cache_sectors);
    else
        printf("read cache       %s\n",
               p->cache == DW_CACHE_NONE ? "none (timed)" : "unknown");
    if (p->buffer_kib >= 0)
        printf("buffer           %ld KiB (as the drive states)\n", (long)p->buffer_kib);
    else
        printf("buffer           unknown\n");
    if (p->max_read_speed_kbps > 0)
        printf("max read speed   %ld kB/s (%.0fx CD)\n", (long)p->max_read_speed_kbps,
               p->max_read_speed_kbps / 176.4);
    else
        printf("max read speed   unknown\n");
    if (p->has_read_offset)
        printf("read offset      %+ld samples (offset tables)\n",
               (long)p->read_offset_samples);
    else
        printf("read offset      unknown\n");
    if (p->comment[0])
        printf("comment          %s\n", cli_safe(p->comment));
    if (p->notes[0]) {
        printf("notes\n");
        char one[sizeof(p->notes)];
        for (const char *line = p->notes; *line;) {
            size_t n = strcspn(line, "\n");
            snprintf(one, sizeof(one), "%.*s", (int)n, line);
            printf("  %s\n", cli_safe(one));
            line += n + (line[n] == '\n');
        }
    }
}

/* The profile as JSON on stdout, with "file" when it came from one. */
static int print_profile_json(const struct dw_drive_profile *p)
{
    char *text = dw_drive_profile_to_json_ext(p, DW_DRIVE_PROFILE_JSON_FILE);
    if (!text) {
        cli_errorf("out of memory");
        return EXIT_FAILURE_;
    }
    puts(text);
    free(text);
    return EXIT_OK;
}

static int probe_drive(struct cli *cli, const char *address, bool save,
                       const char *comment)
{
    struct dw_drive *d = NULL;
    struct dw_drive_profile p;
    struct dw_error_detail err;
    char dir[4096], path[4200];
    int status = open_drive(address, true, &d), rc;

    if (status)
        return status;
    if (!cli->quiet && isatty(STDERR_FILENO))
        fprintf(stderr, "probing the drive: this reads the disc for up to a minute\n");
    rc = dw_drive_probe(d, &p, &err);
    dw_drive_free(d);
    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    if (comment)
        snprintf(p.comment, sizeof(p.comment), "%s", comment);
    status = cli->json ? print_profile_json(&p) : (print_profile(&p), EXIT_OK);
    if (!save || status)
        return status;
    rc = dw_profile_dir(0, dir, sizeof(dir));
    if (!rc)
        rc = dw_drive_profile_save(&p, dir, path, sizeof(path), &err);
    else
        snprintf(err.message, sizeof(err.message),
                 "the profile directory path is too long");
    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    if (!cli->quiet)
        fprintf(cli->json ? stderr : stdout, "saved the profile to '%s'\n",
                cli_safe(path));
    return EXIT_OK;
}

static int show_profile(struct cli *cli, const char *address)
{
    struct dw_drive *d = NULL;
    struct dw_drive_info info;
    struct dw_drive_profile p;
    struct dw_error_detail err;
    int status = open_drive(address, false, &d), rc;

    if (status)
        return status;
    rc = dw_drive_info(d, &info);
    if (rc) {
        cli_error(dw_drive_last_error(d), rc);
        dw_drive_free(d);
        return EXIT_FAILURE_;
    }
    dw_drive_free(d);
    if (info.kind != DW_DRIVE_MMC) {
        cli_errorf("'%s' is an image, not a drive: drive profiles belong to drives",
                   info.address);
        return EXIT_FAILURE_;
    }
    rc = dw_drive_profile_load(info.vendor, info.model, &p, &err);
    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    if (cli->json)
        return print_profile_json(&p);
    print_profile(&p);
    printf("profile file     %s\n", cli_safe(p.source));
    return EXIT_OK;
}

int cmd_drives(struct cli *cli, int argc, char **argv)
{
    bool probe = false, profile = false, save = false;
    const char *drive = NULL, *comment = NULL;
    int c;

    while ((c = cli_getopt(&cli_spec_drives, argc, argv)) != -1) {
        switch (c) {
        case OPT_PROBE:
            probe = true;
            break;
        case OPT_PROFILE:
            profile = true;
            break;
        case OPT_SAVE:
            save = true;
            break;
        case OPT_COMMENT:
            comment = optarg;
            break;
        case OPT_DRIVE:
            drive = optarg;
            break;
        case 'q':
        case 'J':
        case 'X':
            break;
        case 'h':
            cli_usage(&cli_spec_drives, stdout);
            return EXIT_OK;
        default:
            cli_usage(&cli_spec_drives, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_errorf("drives takes no argument '%s'", argv[optind]);
        cli_usage(&cli_spec_drives, stderr);
        return EXIT_USAGE;
    }
    const char *misuse =
        probe && profile              ? "--probe and --profile exclude each other"
        : (save || comment) && !probe ? "--save and --comment go with --probe"
        : comment && !save            ? "--comment goes with --save"
        : drive && !probe && !profile ? "--drive goes with --probe or --profile"
                                      : NULL;
    if (misuse) {
        cli_errorf("%s", misuse);
        cli_usage(&cli_spec_drives, stderr);
        return EXIT_USAGE;
    }
    if (probe)
        return probe_drive(cli, drive, save, comment);
    if (profile)
        return show_profile(cli, drive);
    return list_drives(cli);
}
