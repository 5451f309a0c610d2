/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright rip SOURCE -o DIR: rip to BIN/CUE or ISO. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "cli/cli_ar.h"
#include "discwright/drive.h"
#include "discwright/rip.h"
#include "discwright/rip_profile.h"

static const struct cli_opt rip_opts[] = {
    {"output", 'o', 'o', "DIR", "output directory (created if missing)", CLI_COMPLETE_DIR,
     NULL},
    {"name", 'n', 'n', "NAME",
     "base name of the outputs (default: from SOURCE); one file name of printable characters",
     CLI_COMPLETE_NONE, NULL},
    {"overwrite", 0, 'W', NULL,
     "replace an earlier rip of the same name in DIR (its files this rip does not write are "
     "removed); without it such a rip is refused",
     CLI_COMPLETE_NONE, NULL},
    {"format", 'f', 'f', "FORMAT",
     "bincue (default), iso, flac or wav (one file per audio track and NAME.cue; with them "
     "--name may be a pattern: %n number, %t title, %a artist, %A album; default \"%n - %t\"), "
     "or a format of 'discwright convert' (split, ccd, toc, chd, cso): BIN/CUE, then "
     "converted",
     CLI_COMPLETE_WORDS, "bincue iso flac wav split ccd toc chd cso"},
    {"mode", 'm', 'm', "MODE",
     "audio read mode: secure (default: one pass with C2, re-reads of flagged sectors only), "
     "test-and-copy (secure plus a second read of every sector, compared), paranoia "
     "(libcdio-paranoia full mode) or burst",
     CLI_COMPLETE_WORDS, "secure test-and-copy paranoia burst"},
    {"retries", 'r', 'r', "N", "re-reads of a bad sector (default 4)", CLI_COMPLETE_NONE, NULL},
    {"profile", 0, 'P', "NAME|FILE",
     "start from a rip profile (secure, test-and-copy, paranoia, burst, archival, or your "
     "own; a FILE when it has a '/' or ends in .json); the options given here override it, "
     "wherever they stand",
     CLI_COMPLETE_FILE, NULL},
    {"list-profiles", 0, 'L', NULL, "list the rip profiles (name, description, file)",
     CLI_COMPLETE_NONE, NULL},
    {"no-qscan", 0, 'Q', NULL,
     "drives: take the layout from the TOC alone (no Q sub-channel scan for pregaps, "
     "indexes, ISRC, MCN)",
     CLI_COMPLETE_NONE, NULL},
    {"subchannel", 0, 'S', NULL,
     "bincue: also read the raw P-W sub-channel of every sector (a second pass) and write a "
     "CloneCD set: NAME.img (the bin's bytes), NAME.sub, NAME.ccd",
     CLI_COMPLETE_NONE, NULL},
    {"toc", 0, 'T', NULL,
     "bincue: also write a cdrdao TOC of the bin, NAME.toc (NAME-sessionN.toc per session of "
     "a multi-session disc)",
     CLI_COMPLETE_NONE, NULL},
    {"resume", 0, 'R', NULL,
     "bincue: go on from NAME.map, the sector map every rip keeps beside its outputs: an "
     "interrupted rip continues where it stopped; after a complete one, only the sectors it "
     "lists as bad are read again (from this drive, which may be another one)",
     CLI_COMPLETE_NONE, NULL},
    {"htoa-file", 0, 'H', NULL,
     "bincue: also write the hidden track before track 1 (HTOA, kept in the bin as INDEX 00 "
     "of track 1) as NAME-htoa.wav, when the disc has one",
     CLI_COMPLETE_NONE, NULL},
    {"session", 0, 'e', "N",
     "iso: rip session N of a multi-session disc alone (its data track to NAME.iso); "
     "default: every data track of every session",
     CLI_COMPLETE_NONE, NULL},
    CLI_OPTS_END};

const struct cli_spec cli_spec_rip = {
    .name = "rip",
    .summary = "rip a disc or image to BIN/CUE or ISO",
    .synopsis = "SOURCE -o DIR [options]\n--list-profiles",
    .description =
        "Rip a disc or image to BIN/CUE (raw 2352-byte sectors) or ISO (2048-byte user data of "
        "the data tracks).  A .log and a .json report go beside it.  The log ends with its "
        "SHA-256 ('discwright checklog' checks it); a BIN/CUE rip of a disc with CD-TEXT also "
        "gets NAME.cdt (raw CD-TEXT packs).",
    .footer = "SOURCE: a drive (/dev/sr0), stdio:FILE, or an image file (its formats: man\n"
              "discwright, SOURCES)\n"
              "exit status: 0 accurate (every audio track read from a drive matches\n"
              "AccurateRip or CTDB; images and discs without audio: every sector good),\n"
              "1 failure (nothing complete is left; an interrupted BIN/CUE rip keeps\n"
              "NAME.bin.part and NAME.map for --resume), 2 usage, 3 finished but some\n"
              "sectors stayed bad (listed in the log), 5 no bad sectors but some audio\n"
              "track has no database match (secure but unconfirmed)\n",
    .operand = CLI_COMPLETE_SOURCE,
    .groups = {rip_opts, cli_ar_rip_opts, cli_ar_lookup_opts, cli_common_opts},
};

/* The outputs of a rip in its summary, paths escaped for the terminal. */
static void cli_rip_print_outputs(const struct dw_rip_report *rep)
{
    static const struct {
        enum dw_rip_output which;
        const char *label;
    } outs[] = {{DW_RIP_OUT_IMAGE, "image: "}, {DW_RIP_OUT_CUE, "cue:   "},
                {DW_RIP_OUT_IMG, "img:   "},   {DW_RIP_OUT_SUB, "sub:   "},
                {DW_RIP_OUT_CCD, "ccd:   "},   {DW_RIP_OUT_TOC, "toc:   "},
                {DW_RIP_OUT_CDT, "cdt:   "},   {DW_RIP_OUT_HTOA, "htoa:  "},
                {DW_RIP_OUT_LOG, "log:   "},   {DW_RIP_OUT_REPORT, "report:"}};
    for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
        const char *path = dw_rip_report_output(rep, outs[i].which);
        if (path)
            printf("  %s %s\n", outs[i].label, cli_safe(path));
    }
}

/* rip --list-profiles: every rip profile along the search path, as text or,
 * with --json, as a JSON array.  Profiles that do not load are listed with
 * their error; the list itself succeeds. */
static int cli_rip_list_profiles(struct cli *cli)
{
    struct dw_rip_profile_entry *e = NULL;
    struct dw_error_detail err;
    size_t n = 0;
    int width = 8;
    int rc = dw_rip_profile_list(&e, &n, &err);

    if (rc) {
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    if (cli->json) {
        char *text = dw_rip_profile_list_json(e, n);
        if (text)
            puts(text);
        free(text);
        dw_rip_profile_list_free(e);
        return text ? EXIT_OK : EXIT_FAILURE_;
    }
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(e[i].name) > width)
            width = (int)strlen(e[i].name);
    for (size_t i = 0; i < n; i++) {
        if (e[i].error)
            printf("%-*s  (does not load: %s)\n", width, e[i].name, e[i].message);
        else
            printf("%-*s  %s\n", width, e[i].name, e[i].description);
        printf("%-*s  file: %s\n", width, "", e[i].file);
    }
    if (n == 0)
        printf("no rip profiles: none of the profiles directories has rip/*.json\n");
    dw_rip_profile_list_free(e);
    return EXIT_OK;
}

/* What the command line of 'rip' said. */
struct rip_args {
    struct dw_rip_opts opts;
    struct cli_ar ar;
    struct dw_rip_profile profile; /* opts->profile_name/_file point into it */
    const char *profile_arg;
    bool list_profiles, mode_given, retries_given;
    const char *convert_to; /* --format of convert's list: rip to BIN/CUE, convert */
    int session;            /* --session N, 0 = all */
};

/* --format F into a: a rip format, or a format of convert's list (BIN/CUE
 * first, then converted).  Returns 0, or EXIT_USAGE with the error printed. */
static int rip_parse_format(struct rip_args *a, const char *arg)
{
    if (!strcmp(arg, "bincue"))
        a->opts.format = DW_RIP_BINCUE;
    else if (!strcmp(arg, "iso"))
        a->opts.format = DW_RIP_ISO;
    else if (!strcmp(arg, "flac"))
        a->opts.format = DW_RIP_FLAC;
    else if (!strcmp(arg, "wav"))
        a->opts.format = DW_RIP_WAV;
    else if (cli_rip_convert_format(arg)) /* BIN/CUE, then convert */
        a->opts.format = DW_RIP_BINCUE, a->convert_to = arg;
    else {
        cli_errorf("unknown format '%s': use bincue, iso, flac, wav or a format of "
                   "'discwright convert --help'", arg);
        return EXIT_USAGE;
    }
    return 0;
}

/* --mode M into a.  Returns 0, or EXIT_USAGE with the error printed. */
static int rip_parse_mode(struct rip_args *a, const char *arg)
{
    a->mode_given = true;
    if (!strcmp(arg, "paranoia"))
        a->opts.mode = DW_RIP_PARANOIA;
    else if (!strcmp(arg, "burst"))
        a->opts.mode = DW_RIP_BURST;
    else if (!strcmp(arg, "secure"))
        a->opts.mode = DW_RIP_SECURE;
    else if (!strcmp(arg, "test-and-copy"))
        a->opts.mode = DW_RIP_TEST_AND_COPY;
    else {
        cli_errorf("unknown mode '%s': use secure, test-and-copy, paranoia or burst", arg);
        return EXIT_USAGE;
    }
    return 0;
}

/* Parse the options into *a.  Returns -1 to go on, else the exit status
 * (help printed, or a usage error). */
static int rip_parse(struct cli *cli, int argc, char **argv, struct rip_args *a)
{
    int c;
    memset(a, 0, sizeof(*a));
    a->opts.data_retries = -1;
    a->opts.command_line = cli->command_line;
    a->opts.threads = cli->threads;
    while ((c = cli_getopt(&cli_spec_rip, argc, argv)) != -1) {
        switch (c) {
        case 'o':
            a->opts.output_dir = optarg;
            break;
        case 'n':
            a->opts.name = optarg;
            break;
        case 'f':
            if (rip_parse_format(a, optarg))
                return EXIT_USAGE;
            break;
        case 'm':
            if (rip_parse_mode(a, optarg))
                return EXIT_USAGE;
            break;
        case 'r': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 100) {
                cli_errorf("--retries needs a number 0-100, not '%s'", optarg);
                return EXIT_USAGE;
            }
            a->opts.data_retries = (int)v;
            a->retries_given = true;
            break;
        }
        case 'Q':
            a->opts.flags |= DW_RIP_NO_QSCAN;
            break;
        case 'S':
            a->opts.flags |= DW_RIP_SUBCHANNEL;
            break;
        case 'T':
            a->opts.flags |= DW_RIP_TOC;
            break;
        case 'R':
            a->opts.flags |= DW_RIP_RESUME;
            break;
        case 'H':
            a->opts.flags |= DW_RIP_HTOA_FILE;
            break;
        case 'e': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 99) {
                cli_errorf("--session needs a session number from 1 to 99, not '%s'", optarg);
                return EXIT_USAGE;
            }
            a->session = (int)v;
            break;
        }
        case 'W':
            a->opts.flags |= DW_RIP_OVERWRITE;
            break;
        case 'P':
            a->profile_arg = optarg;
            break;
        case 'L':
            a->list_profiles = true;
            break;
        case 'q':
        case 'X':
        case 'J':
            break;
        case CLI_AR_OPT_OFFSET:
        case CLI_AR_OPT_URL:
        case CLI_AR_OPT_CACHE_DIR:
        case CLI_AR_OPT_OFFLINE:
        case CLI_AR_OPT_NO_LOOKUP:
            if (cli_ar_option(&a->ar, c, optarg))
                return EXIT_USAGE;
            break;
        case 'h':
            cli_usage(&cli_spec_rip, stdout);
            return EXIT_OK;
        default:
            cli_usage(&cli_spec_rip, stderr);
            return EXIT_USAGE;
        }
    }
    if (a->list_profiles)
        return -1;
    if (optind + 1 != argc || !a->opts.output_dir) {
        cli_errorf(optind >= argc ? "no SOURCE given" : !a->opts.output_dir
                                                            ? "no output directory: add -o DIR"
                                                            : "more than one SOURCE given");
        cli_usage(&cli_spec_rip, stderr);
        return EXIT_USAGE;
    }
    return -1;
}

/* The profile first, then what the command line said again on top.
 * Returns -1 to go on, else the exit status. */
static int rip_apply_profile(struct rip_args *a)
{
    struct dw_rip_opts *opts = &a->opts;
    unsigned given_flags = opts->flags;
    if (a->profile_arg) {
        struct dw_rip_opts given = *opts;
        struct dw_error_detail perr;
        int prc = dw_rip_profile_load(a->profile_arg, &a->profile, &perr);
        if (prc) {
            cli_error(&perr, prc);
            return EXIT_FAILURE_;
        }
        dw_rip_profile_apply(&a->profile, opts);
        if (a->mode_given)
            opts->mode = given.mode;
        if (a->retries_given)
            opts->data_retries = given.data_retries;
        opts->flags |= given_flags; /* the command line only turns flags on */
    }
    if ((opts->flags & (DW_RIP_SUBCHANNEL | DW_RIP_TOC | DW_RIP_RESUME | DW_RIP_HTOA_FILE)) &&
        opts->format == DW_RIP_ISO) {
        cli_errorf("--subchannel, --toc, --resume and --htoa-file work on BIN/CUE rips: leave "
                   "out --format iso%s",
                   (opts->flags & ~given_flags & (DW_RIP_SUBCHANNEL | DW_RIP_TOC))
                       ? ", or use a profile without \"subchannel\" and \"toc\""
                       : "");
        return EXIT_USAGE;
    }
    cli_ar_apply(&a->ar, opts);
    return -1;
}

/* The summary of a finished rip on stdout and stderr; returns its exit
 * status. */
static int rip_summary(struct cli *cli, const struct dw_rip_report *rep)
{
    char ar_line[512];
    int status = dw_rip_report_exit_status(rep);
    cli_ar_summary(rep, ar_line, sizeof(ar_line));
    if (!cli->json && !cli->quiet) {
        int64_t events = dw_rip_report_count(rep, DW_RIP_PARANOIA_EVENTS);
        printf("ripped %lld sectors: %lld re-read, %lld bad",
               (long long)dw_rip_report_count(rep, DW_RIP_SECTORS_READ),
               (long long)dw_rip_report_count(rep, DW_RIP_SECTORS_REREAD),
               (long long)dw_rip_report_count(rep, DW_RIP_SECTORS_BAD));
        if (events)
            printf(", %lld paranoia corrections", (long long)events);
        printf("\n");
        cli_rip_print_outputs(rep);
        if (ar_line[0])
            printf("  AccurateRip: %s\n", ar_line);
    }
    if (status == EXIT_BAD_SECTORS) {
        cli_errorf("%lld sectors stayed bad; they are listed in '%s'",
                   (long long)dw_rip_report_count(rep, DW_RIP_SECTORS_BAD),
                   dw_rip_report_output(rep, DW_RIP_OUT_LOG));
    } else if (status == EXIT_UNCONFIRMED && !cli->quiet) {
        int64_t audio = dw_rip_report_count(rep, DW_RIP_AUDIO_TRACKS);
        fprintf(stderr,
                "discwright: no bad sectors, but %lld of %lld audio tracks have no AccurateRip "
                "or CTDB match: the rip is unconfirmed\n",
                (long long)(audio - dw_rip_report_count(rep, DW_RIP_AUDIO_TRACKS_CONFIRMED)),
                (long long)audio);
    }
    return status;
}

int cmd_rip(struct cli *cli, int argc, char **argv)
{
    struct rip_args a;
    int rc = rip_parse(cli, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.list_profiles)
        return cli_rip_list_profiles(cli);
    if ((rc = rip_apply_profile(&a)) >= 0)
        return rc;
    if (a.session && (a.opts.format != DW_RIP_ISO || a.convert_to)) {
        cli_errorf("--session %d rips one session as ISO: add --format iso", a.session);
        return EXIT_USAGE;
    }
    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    if ((rc = dw_drive_open(argv[optind], CLI_OPEN_FLAGS(cli), &d, &err))) {
        struct dw_rip_report *failed = cli->json ? dw_rip_report_for_error(&a.opts, &err) : NULL;
        if (failed && dw_rip_report_json(failed))
            puts(dw_rip_report_json(failed));
        dw_rip_report_free(failed);
        cli_error(&err, rc);
        return EXIT_FAILURE_;
    }
    struct dw_callbacks cb;
    struct dw_rip_report *rep = NULL;
    const char *outdir = a.opts.output_dir;
    char work[4200];
    if (a.convert_to && cli_rip_work_dir(outdir, work, sizeof(work))) {
        dw_drive_free(d);
        return EXIT_FAILURE_;
    }
    if (a.convert_to)
        a.opts.output_dir = work;
    cli_callbacks(cli, &cb);
    cli_install_signals();
    rc = a.session ? dw_rip_session(d, &a.opts, a.session, &cb, &rep, &err)
                   : dw_rip(d, &a.opts, &cb, &rep, &err);
    cli_progress_done();
    dw_drive_free(d);
    if (cli->json && dw_rip_report_json(rep))
        puts(dw_rip_report_json(rep));
    int status = EXIT_FAILURE_;
    if (rc) {
        cli_error(&err, rc);
        const char *log = dw_rip_report_output(rep, DW_RIP_OUT_LOG);
        if (log && !cli->quiet)
            cli_errorf("the log of the failed rip is '%s'", log);
    } else {
        status = rip_summary(cli, rep);
        if (a.convert_to && status != EXIT_FAILURE_)
            status = cli_rip_convert(cli, rep, outdir, work, a.convert_to,
                                     (a.opts.flags & DW_RIP_OVERWRITE) != 0, status);
    }
    dw_rip_report_free(rep);
    return status;
}
