/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright verify SOURCE IMAGE: compare a disc or file with its image. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_build.h"
#include "cli/cli_opts.h"
#include "discwright/drive.h"
#include "discwright/verify.h"

static const struct cli_opt verify_opts[] = {
    {"lba", 0, 'l', "N",
     "where the image starts on SOURCE (default: first data track for an ISO, first track "
     "for a BIN/CUE)",
     CLI_COMPLETE_NONE, NULL},
    {"retries", 'r', 'r', "N", "re-reads of an unreadable sector (default 2)",
     CLI_COMPLETE_NONE, NULL},
    {"offset", 0, 'o', "N",
     "read offset correction of SOURCE's audio in samples (AccurateRip's sign); default: the "
     "drive's profile or the offset table, else found by sliding the audio (+-2940)",
     CLI_COMPLETE_NONE, NULL},
    {"subchannel", 0, 'S', NULL, "also compare the Q sub-channel (a RAW burn's)",
     CLI_COMPLETE_NONE, NULL},
    CLI_OPTS_END};

const struct cli_spec cli_spec_verify = {
    .name = "verify",
    .summary = "compare a disc or file with its image",
    .synopsis = "SOURCE IMAGE [options]\nSOURCE",
    .description = "Read SOURCE and compare it with IMAGE over the image's exact length; "
                   "padding and run-out blocks after it are not errors.  An ISO is compared "
                   "as 2048-byte user data, a BIN/CUE (or any image of a CD) as raw 2352-byte "
                   "sectors, audio with the read offset corrected.",
    .footer = "SOURCE: a drive (/dev/sr0), stdio:FILE, or an image file (its formats: man\n"
              "discwright, SOURCES)\n"
              "Without IMAGE: check the MD5 tags that 'mkiso --md5' or 'burn --md5' recorded\n"
              "(the session and every file; files that differ are named).\n"
              "exit status: 0 identical, 1 failure, 2 usage, 3 some sectors could not be\n"
              "read, 4 mismatch (ranges listed with their first differing byte or sample)\n",
    .operand = CLI_COMPLETE_SOURCE,
    .groups = {verify_opts, cli_common_opts},
};

/* The read offset line: the offset, where it came from, and a search that
 * disagrees with a known one. */
static void offset_lines(const struct dw_verify_report *rep)
{
    enum dw_verify_offset_source src;
    const char *detail;
    int32_t samples = dw_verify_report_offset(rep, &src, &detail), found;
    if (src == DW_VERIFY_OFFSET_NONE)
        return;
    static const char *const how[] = {
        [DW_VERIFY_OFFSET_IMAGE] = "the source is an image",
        [DW_VERIFY_OFFSET_OPTION] = "--offset",
        [DW_VERIFY_OFFSET_PROFILE] = "known: drive profile",
        [DW_VERIFY_OFFSET_TABLE] = "known: drive offset table",
        [DW_VERIFY_OFFSET_FOUND] = "found by sliding the audio against the image",
        [DW_VERIFY_OFFSET_NOT_FOUND] = "not found"};
    printf("  read offset %+d samples (%s%s%s)\n", (int)samples, how[src],
           src == DW_VERIFY_OFFSET_OPTION || !detail[0] ? "" : ": ",
           src == DW_VERIFY_OFFSET_OPTION ? "" : cli_safe(detail));
    if (src != DW_VERIFY_OFFSET_FOUND && dw_verify_report_offset_search(rep, &found) == 1 &&
        found != samples)
        printf("  the audio fits a combined offset of %+d samples, not the %+d used (a disc "
               "written with a write offset?): try --offset %d\n",
               (int)found, (int)samples, (int)found);
}

/* One line a track of a raw comparison. */
static void track_lines(const struct dw_verify_report *rep)
{
    struct dw_verify_track t;
    for (int i = 0; dw_verify_report_track(rep, i, &t, sizeof(t)) == 0; i++) {
        printf("  track %d (%s): %lld sectors, %lld match, %lld miscompare, %lld unreadable",
               t.number, t.audio ? "audio" : "data", (long long)t.sectors,
               (long long)t.match, (long long)t.miscompare, (long long)t.unreadable);
        if (t.untested)
            printf(", %lld untested", (long long)t.untested);
        if (t.audio && t.samples_not_compared)
            printf(", %lld samples outside the source's audio not compared",
                   (long long)t.samples_not_compared);
        if (!t.audio && t.edc_errors)
            printf(", %lld failing their EDC/ECC check", (long long)t.edc_errors);
        putchar('\n');
    }
}

/* One range line. */
static void range_line(FILE *out, const struct dw_verify_range *r)
{
    fprintf(out, "  %s: LBA %d-%d (%d sectors)", dw_sector_class_name(r->cls), r->first_lba,
            r->last_lba, r->last_lba - r->first_lba + 1);
    if (r->cls == DW_CLASS_MISCOMPARE)
        fprintf(out, ", first differing byte %d of LBA %d", r->first_diff_byte, r->first_lba);
    if (r->cls == DW_CLASS_MISCOMPARE && r->first_diff_sample >= 0)
        fprintf(out, " (sample %d)", r->first_diff_sample);
    if (r->track)
        fprintf(out, ", track %d", r->track);
    if (r->cls == DW_CLASS_MISCOMPARE && r->edc >= 0)
        fprintf(out, r->edc ? ", its EDC/ECC check fails (damaged on the disc or in the read)"
                            : ", its EDC/ECC check passes (the disc holds another sector)");
    if (r->cls == DW_CLASS_OUTSIDE)
        fprintf(out, ": after the offset shift no sample lies in the source's audio");
    fputc('\n', out);
}

/* The summary on stdout and the ranges (on stdout, or on stderr beside
 * --json; -q leaves them to the report); returns the exit status. */
static int verify_summary(struct cli *cli, const char *source, const char *image,
                          const struct dw_verify_report *rep)
{
    int64_t miscompare = dw_verify_report_count(rep, DW_VERIFY_MISCOMPARE);
    int64_t unreadable = dw_verify_report_count(rep, DW_VERIFY_UNREADABLE);
    int64_t extra = dw_verify_report_count(rep, DW_VERIFY_SOURCE_EXTRA_SECTORS);
    int64_t qc = dw_verify_report_count(rep, DW_VERIFY_Q_COMPARED);
    int64_t qmis = dw_verify_report_count(rep, DW_VERIFY_Q_MISCOMPARE);
    int64_t qnc = dw_verify_report_count(rep, DW_VERIFY_Q_NOT_COMPARED);
    int qranges = (int)dw_verify_report_count(rep, DW_VERIFY_Q_RANGES);
    int ranges = (int)dw_verify_report_count(rep, DW_VERIFY_RANGES);
    int status = dw_verify_report_exit_status(rep);
    if (!cli->json && !cli->quiet) {
        printf("verify %s against %s (%s, from LBA %d):\n", cli_safe(source),
               cli_safe(image),
               dw_verify_report_sector_bytes(rep) == 2048 ? "2048-byte user data"
                                                          : "raw 2352-byte sectors",
               dw_verify_report_source_lba(rep));
        offset_lines(rep);
        printf("  %lld sectors: %lld match, %lld miscompare, %lld unreadable, %lld "
               "untested\n",
               (long long)dw_verify_report_count(rep, DW_VERIFY_SECTORS),
               (long long)dw_verify_report_count(rep, DW_VERIFY_MATCH),
               (long long)miscompare, (long long)unreadable,
               (long long)dw_verify_report_count(rep, DW_VERIFY_UNTESTED));
        int64_t nc = dw_verify_report_count(rep, DW_VERIFY_SAMPLES_NOT_COMPARED);
        if (nc)
            printf("  %lld audio samples whose source position lies outside the source's "
                   "audio (the disc's edges, after the offset shift) were not compared\n",
                   (long long)nc);
        if (dw_verify_report_sector_bytes(rep) == 2352)
            track_lines(rep);
        if (qc + qnc)
            printf("  Q sub-channel: %lld frames compared, %lld differ, %lld not compared (a "
                   "CRC that fails, or MCN/ISRC frames placed apart)\n",
                   (long long)qc, (long long)qmis, (long long)qnc);
        if (extra)
            printf(
                "  %lld sectors on the source after the image (padding or run-out) were "
                "not compared\n",
                (long long)extra);
    }
    FILE *out = cli->json ? stderr : stdout;
    struct dw_verify_range r;
    for (int i = 0; !cli->quiet && i < ranges && i < 50; i++) {
        if (dw_verify_report_range(rep, i, &r, sizeof(r)))
            break;
        range_line(out, &r);
    }
    if (!cli->quiet && ranges > 50)
        fprintf(out, "  ... %d more ranges in the --json report\n", ranges - 50);
    for (int i = 0; !cli->quiet && i < qranges && i < 50; i++) {
        if (dw_verify_report_q_range(rep, i, &r, sizeof(r)))
            break;
        fprintf(out,
                "  Q miscompare: LBA %d-%d (%d frames), first differing byte %d of the Q frame "
                "of LBA %d, track %d\n",
                r.first_lba, r.last_lba, r.last_lba - r.first_lba + 1, r.first_diff_byte,
                r.first_lba, r.track);
    }
    if (!cli->quiet && qranges > 50)
        fprintf(out, "  ... %d more Q ranges in the --json report\n", qranges - 50);
    if (status == EXIT_MISMATCH && !miscompare)
        cli_errorf("the Q sub-channel of '%s' differs from '%s' in %lld sectors", source, image,
                   (long long)qmis);
    else if (status == EXIT_MISMATCH)
        cli_errorf("'%s' differs from '%s' in %lld sectors", source, image,
                   (long long)miscompare);
    else if (status == EXIT_BAD_SECTORS)
        cli_errorf("%lld sectors of '%s' could not be read", (long long)unreadable,
                   source);
    else if (!cli->json && !cli->quiet)
        printf("  identical\n");
    return status;
}

int cli_verify_run(struct cli *cli, const char *source, const char *image, int32_t lba,
                   int retries, struct dw_verify_report **report_out)
{
    struct dw_verify_opts opts = {.source_lba = lba, .retries = retries};
    return cli_verify_run_opts(cli, source, image, &opts, report_out);
}

int cli_verify_run_opts(struct cli *cli, const char *source, const char *image,
                        const struct dw_verify_opts *given,
                        struct dw_verify_report **report_out)
{
    struct dw_drive *s = NULL, *im = NULL;
    struct dw_error_detail err;
    struct dw_verify_report *rep = NULL;
    int status = EXIT_FAILURE_;
    int rc = dw_drive_open(image, CLI_OPEN_FLAGS(cli), &im, &err);
    if (rc) {
        cli_error(&err, rc);
        goto out;
    }
    if ((rc = dw_drive_open(source, CLI_OPEN_FLAGS(cli), &s, &err))) {
        cli_error(&err, rc);
        goto out;
    }
    struct dw_callbacks cb;
    cli_callbacks(cli, &cb);
    cli_install_signals();
    struct dw_verify_opts opts = *given;
    opts.command_line = cli->command_line;
    rc = dw_verify(s, im, &opts, &cb, &rep, &err);
    cli_progress_done();
    if (!report_out && cli->json && dw_verify_report_json(rep))
        puts(dw_verify_report_json(rep));
    if (rc)
        cli_error(&err, rc);
    else
        status = verify_summary(cli, source, image, rep);
out:
    if (report_out)
        *report_out = rep;
    else
        dw_verify_report_free(rep);
    dw_drive_free(s);
    dw_drive_free(im);
    return status;
}

int cmd_verify(struct cli *cli, int argc, char **argv)
{
    struct dw_verify_opts opts = {.source_lba = -1, .retries = -1};
    int c;
    while ((c = cli_getopt(&cli_spec_verify, argc, argv)) != -1) {
        switch (c) {
        case 'l': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 100000000) {
                cli_errorf("--lba needs a sector number, not '%s'", optarg);
                return EXIT_USAGE;
            }
            opts.source_lba = (int32_t)v;
            break;
        }
        case 'o': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (!*optarg || *end || v < -DW_VERIFY_MAX_OFFSET || v > DW_VERIFY_MAX_OFFSET) {
                cli_errorf("--offset needs a number of samples from -%d to %d, not '%s'",
                           DW_VERIFY_MAX_OFFSET, DW_VERIFY_MAX_OFFSET, optarg);
                return EXIT_USAGE;
            }
            opts.read_offset_samples = (int32_t)v;
            opts.flags |= DW_VERIFY_READ_OFFSET;
            break;
        }
        case 'r': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 100) {
                cli_errorf("--retries needs a number 0-100, not '%s'", optarg);
                return EXIT_USAGE;
            }
            opts.retries = (int)v;
            break;
        }
        case 'S':
            opts.flags |= DW_VERIFY_SUBCHANNEL_Q;
            break;
        case 'q':
        case 'X':
        case 'J':
            break;
        case 'h':
            cli_usage(&cli_spec_verify, stdout);
            return EXIT_OK;
        default:
            cli_usage(&cli_spec_verify, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind + 1 == argc) /* no IMAGE: the MD5 tags of mkiso/burn --md5 */
        return cli_verify_md5(cli, argv[optind]);
    if (optind + 2 != argc) {
        cli_errorf("verify needs SOURCE and IMAGE");
        cli_usage(&cli_spec_verify, stderr);
        return EXIT_USAGE;
    }
    return cli_verify_run_opts(cli, argv[optind], argv[optind + 1], &opts, NULL);
}
