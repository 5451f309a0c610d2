/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rip --format F for the formats of `convert` other than bincue and iso
 * (split, ccd, toc, chd, cso): the rip goes to BIN/CUE in a work
 * directory, OUTDIR/discwright-rip.work, with all its checks; then
 * dw_convert writes OUTDIR/NAME.EXT from that cue and reads it back.  The
 * rip's log and report move to OUTDIR as NAME.log and NAME.json (they
 * describe the BIN/CUE that was converted: its checksums are the convert
 * report's source digests), the convert report is NAME.convert.json, and
 * the work files go.  A conversion that fails keeps the rip in the work
 * directory and says how to convert it by hand. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "discwright/convert.h"
#include "discwright/rip.h"

#define WORK_DIR "discwright-rip.work"

bool cli_rip_convert_format(const char *format)
{
    const char *name;
    if (!strcmp(format, "bincue") || !strcmp(format, "iso"))
        return false;
    for (int i = 0; dw_convert_format(i, &name, NULL) == 0; i++)
        if (!strcmp(name, format))
            return true;
    return false;
}

int cli_rip_work_dir(const char *outdir, char *out, size_t out_bytes)
{
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        cli_errorf("cannot create the output directory '%s': %s", cli_safe(outdir),
                   strerror(errno));
        return -1;
    }
    if (snprintf(out, out_bytes, "%s/%s", outdir, WORK_DIR) >= (int)out_bytes) {
        cli_errorf("the output directory name '%s' is too long", cli_safe(outdir));
        return -1;
    }
    return 0;
}

/* Move work/LEAF to outdir/LEAF; false (with a message) when it cannot. */
static bool move_up(const char *work, const char *outdir, const char *leaf, bool overwrite)
{
    char from[4200], to[4200];
    struct stat st;
    snprintf(from, sizeof(from), "%s/%s", work, leaf);
    snprintf(to, sizeof(to), "%s/%s", outdir, leaf);
    if (!overwrite && stat(to, &st) == 0) {
        cli_errorf("'%s' exists: the rip's copy stays in '%s' (add --overwrite to replace it)",
                   cli_safe(to), cli_safe(work));
        return false;
    }
    if (rename(from, to) != 0) {
        cli_errorf("cannot move '%s' to '%s': %s", cli_safe(from), cli_safe(to),
                   strerror(errno));
        return false;
    }
    return true;
}

/* Remove the members of set `name` left in the work directory, then the
 * directory when it is empty (another rip may be using it). */
static void clean_work(const char *work, const char *name)
{
    DIR *dir = opendir(work);
    size_t n = strlen(name);
    for (struct dirent *e; dir && (e = readdir(dir));) {
        char path[4200];
        if (strncmp(e->d_name, name, n) != 0 || e->d_name[n] != '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", work, e->d_name);
        unlink(path);
    }
    if (dir)
        closedir(dir);
    rmdir(work);
}

static const char *leaf_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int cli_rip_convert(struct cli *cli, const struct dw_rip_report *rep, const char *outdir,
                    const char *work, const char *format, bool overwrite, int status)
{
    const char *cue = dw_rip_report_output(rep, DW_RIP_OUT_CUE);
    const char *log = dw_rip_report_output(rep, DW_RIP_OUT_LOG);
    const char *json = dw_rip_report_output(rep, DW_RIP_OUT_REPORT);
    char name[256], output[4200], report[4200];
    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    struct dw_convert_report *crep = NULL;
    if (!cue) {
        cli_errorf("the rip wrote no cue sheet to convert");
        return EXIT_FAILURE_;
    }
    snprintf(name, sizeof(name), "%s", leaf_of(cue));
    if (strrchr(name, '.'))
        *strrchr(name, '.') = '\0';
    snprintf(output, sizeof(output), "%s/%s", outdir, name);
    snprintf(report, sizeof(report), "%s/%s.convert.json", outdir, name);
    struct dw_convert_opts co = {.output = output, .format = format, .level = -1,
                                 .command_line = cli->command_line, .report_path = report,
                                 .flags = overwrite ? DW_CONVERT_OVERWRITE : 0};
    int rc = dw_drive_open(cue, 0, &d, &err);
    if (!rc) {
        struct dw_callbacks cb;
        cli_callbacks(cli, &cb);
        rc = dw_convert(d, &co, &cb, &crep, &err);
        cli_progress_done();
    }
    dw_drive_free(d);
    int cstatus = crep ? dw_convert_report_exit_status(crep) : EXIT_FAILURE_;
    if (rc) {
        cli_error(&err, rc);
        if (cstatus != EXIT_MISMATCH && !cli_interrupted)
            cli_errorf("the BIN/CUE rip stays in '%s': convert it with 'discwright convert "
                       "%s -o %s --format %s'",
                       cli_safe(work), cli_safe(cue), cli_safe(output), format);
        dw_convert_report_free(crep);
        return cstatus == EXIT_MISMATCH ? EXIT_MISMATCH : EXIT_FAILURE_;
    }
    if (!cli->json && !cli->quiet)
        printf("  converted to %s (%s): %lld sectors, %lld read back identical\n",
               cli_safe(dw_convert_report_output(crep)), format,
               (long long)dw_convert_report_count(crep, DW_CONVERT_SECTORS),
               (long long)dw_convert_report_count(crep, DW_CONVERT_VERIFIED));
    dw_convert_report_free(crep);
    if ((log && !move_up(work, outdir, leaf_of(log), overwrite)) ||
        (json && !move_up(work, outdir, leaf_of(json), overwrite)))
        return EXIT_FAILURE_;
    clean_work(work, name);
    return status;
}
