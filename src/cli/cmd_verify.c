/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright verify SOURCE IMAGE: compare a disc or file with its image. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_build.h"
#include "discwright/drive.h"
#include "discwright/verify.h"

static const char usage[] =
    "usage: discwright verify SOURCE IMAGE [options]\n"
    "Read SOURCE and compare it with IMAGE over the image's exact length;\n"
    "padding and run-out blocks after it are not errors.  An ISO is compared as\n"
    "2048-byte user data, a BIN/CUE (or .toc/.nrg) as raw 2352-byte sectors.\n"
    "  --lba N       where the image starts on SOURCE (default: first data track\n"
    "                for an ISO, first track for a BIN/CUE)\n"
    "  -r, --retries N  re-reads of an unreadable sector (default 2)\n"
    "  -q, --quiet   no progress line      --json  print the JSON report\n"
    "SOURCE: a drive (/dev/sr0), stdio:FILE, or an image file\n"
    "Without IMAGE: check the MD5 tags that 'mkiso --md5' or 'burn --md5' recorded\n"
    "(the session and every file; files that differ are named).\n"
    "exit status: 0 identical, 1 failure, 2 usage, 3 some sectors could not be\n"
    "read, 4 mismatch (ranges listed with their first differing byte)\n";

/* The summary on stdout and the ranges (on stdout, or on stderr beside
 * --json; -q leaves them to the report); returns the exit status. */
static int verify_summary(struct cli *cli, const char *source, const char *image,
                          const struct dw_verify_report *rep)
{
    int64_t miscompare = dw_verify_report_count(rep, DW_VERIFY_MISCOMPARE);
    int64_t unreadable = dw_verify_report_count(rep, DW_VERIFY_UNREADABLE);
    int64_t extra = dw_verify_report_count(rep, DW_VERIFY_SOURCE_EXTRA_SECTORS);
    int ranges = (int)dw_verify_report_count(rep, DW_VERIFY_RANGES);
    int status = dw_verify_report_exit_status(rep);
    if (!cli->json && !cli->quiet) {
        printf("verify %s against %s (%s, from LBA %d):\n", cli_safe(source),
               cli_safe(image),
               dw_verify_report_sector_bytes(rep) == 2048 ? "2048-byte user data"
                                                          : "raw 2352-byte sectors",
               dw_verify_report_source_lba(rep));
        printf("  %lld sectors: %lld match, %lld miscompare, %lld unreadable, %lld "
               "untested\n",
               (long long)dw_verify_report_count(rep, DW_VERIFY_SECTORS),
               (long long)dw_verify_report_count(rep, DW_VERIFY_MATCH),
               (long long)miscompare, (long long)unreadable,
               (long long)dw_verify_report_count(rep, DW_VERIFY_UNTESTED));
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
        if (r.cls == DW_CLASS_MISCOMPARE)
            fprintf(out,
                    "  miscompare: LBA %d-%d (%d sectors), first differing byte %d of "
                    "LBA %d\n",
                    r.first_lba, r.last_lba, r.last_lba - r.first_lba + 1,
                    r.first_diff_byte, r.first_lba);
        else
            fprintf(out, "  %s: LBA %d-%d (%d sectors)\n", dw_sector_class_name(r.cls),
                    r.first_lba, r.last_lba, r.last_lba - r.first_lba + 1);
    }
    if (!cli->quiet && ranges > 50)
        fprintf(out, "  ... %d more ranges in the --json report\n", ranges - 50);
    if (status == EXIT_MISMATCH)
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
    struct dw_verify_opts opts = {.source_lba = lba, .retries = retries,
                                  .command_line = cli->command_line};
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
    static const struct option longopts[] = {
        {"lba", required_argument, NULL, 'l'}, {"retries", required_argument, NULL, 'r'},
        {"quiet", no_argument, NULL, 'q'},     {"json", no_argument, NULL, 'J'}, {"raw", no_argument, NULL, 'X'},
        {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0}};
    int32_t lba = -1;
    int retries = -1;
    int c;
    while ((c = getopt_long(argc, argv, "r:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'l': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 100000000) {
                cli_errorf("--lba needs a sector number, not '%s'", optarg);
                return EXIT_USAGE;
            }
            lba = (int32_t)v;
            break;
        }
        case 'r': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 100) {
                cli_errorf("--retries needs a number 0-100, not '%s'", optarg);
                return EXIT_USAGE;
            }
            retries = (int)v;
            break;
        }
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
    if (optind + 1 == argc) /* no IMAGE: the MD5 tags of mkiso/burn --md5 */
        return cli_verify_md5(cli, argv[optind]);
    if (optind + 2 != argc) {
        cli_errorf("verify needs SOURCE and IMAGE");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    return cli_verify_run(cli, argv[optind], argv[optind + 1], lba, retries, NULL);
}
