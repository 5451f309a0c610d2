/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright offset SOURCE --burned IMAGE: measure the write offset of the
 * burner in SOURCE from a CD it burned from IMAGE with --write-offset 0,
 * and keep it in the drive's profile (drive_profile.h
 * write_offset_samples), where burn finds it.  The verify's search gives
 * the combined read + write offset of the disc's audio against the image
 * (verify.h dw_verify_report_offset_search); the drive's read offset
 * (profile, offset tables, --offset) taken from it leaves the write
 * offset (REFERENCE-2 "Write offset, combined offset, verification"). */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cli_write_offset.h"
#include "discwright/drive.h"
#include "discwright/drive_profile.h"
#include "discwright/profile.h"
#include "discwright/verify.h"

/* A profile of the drive to hold the write offset: its stored one, or a
 * new one that knows nothing else (every measured field unknown). */
static void profile_of(const struct dw_drive_info *info, struct dw_drive_profile *p)
{
    struct dw_error_detail e;
    if (dw_drive_profile_load(info->vendor, info->model, p, &e) == 0)
        return;
    memset(p, 0, sizeof *p);
    snprintf(p->vendor, sizeof p->vendor, "%s", info->vendor);
    snprintf(p->model, sizeof p->model, "%s", info->model);
    snprintf(p->revision, sizeof p->revision, "%s", info->firmware);
    snprintf(p->discwright_version, sizeof p->discwright_version, "%s", dw_version());
    snprintf(p->comment, sizeof p->comment,
             "made by 'discwright offset --burned' to hold the write offset; probe the drive "
             "('discwright drives --probe --save') for the rest");
    p->cache_sectors = p->buffer_kib = p->max_read_speed_kbps = -1;
}

int cli_offset_burned(struct cli *cli, const char *source, const char *image,
                      bool have_read_offset, int32_t read_offset_samples)
{
    struct dw_drive *src = NULL, *img = NULL;
    struct dw_drive_info info;
    struct dw_verify_report *rep = NULL;
    struct dw_verify_opts vopts = {0};
    struct dw_error_detail err;
    struct dw_drive_profile prof;
    enum dw_verify_offset_source from;
    const char *detail = "";
    char dir[4096], path[4096];
    int32_t combined = 0, read_offset;
    int status = EXIT_FAILURE_, rc;

    if (have_read_offset) {
        vopts.flags |= DW_VERIFY_READ_OFFSET;
        vopts.read_offset_samples = read_offset_samples;
    }
    if ((rc = dw_drive_open(source, CLI_OPEN_FLAGS(cli), &src, &err)) ||
        (rc = dw_drive_open(image, CLI_OPEN_FLAGS(cli), &img, &err))) {
        cli_error(&err, rc);
        goto out;
    }
    if ((rc = dw_drive_info(src, &info)) || info.kind != DW_DRIVE_MMC) {
        cli_errorf("'%s' is not a drive: --burned measures the burner that holds the disc",
                   source);
        goto out;
    }
    struct dw_callbacks cb;
    cli_callbacks(cli, &cb);
    rc = dw_verify(src, img, &vopts, &cb, &rep, &err);
    cli_progress_done();
    if (rc) {
        cli_error(&err, rc);
        goto out;
    }
    read_offset = dw_verify_report_offset(rep, &from, &detail);
    if (dw_verify_report_offset_search(rep, &combined) != 1) {
        cli_errorf("the audio of the disc in '%s' matches '%s' at no shift within +-%d "
                   "samples: is it the disc burned from that image?",
                   source, image, DW_VERIFY_SEARCH_SAMPLES);
        goto out;
    }
    if (from != DW_VERIFY_OFFSET_OPTION && from != DW_VERIFY_OFFSET_PROFILE &&
        from != DW_VERIFY_OFFSET_TABLE) {
        cli_errorf("the read offset of '%s %s' is not known, so the combined offset %+d "
                   "samples cannot be split: find it with 'discwright offset' on a pressed "
                   "CD, or give --offset N",
                   info.vendor, info.model, (int)combined);
        goto out;
    }
    int32_t write_offset = combined - read_offset;
    if (write_offset < -1176 || write_offset > 1176) {
        cli_errorf("the write offset found, %+d samples, is beyond the +-1176 burn takes",
                   (int)write_offset);
        goto out;
    }
    profile_of(&info, &prof);
    prof.has_write_offset = true;
    prof.write_offset_samples = write_offset;
    if ((rc = dw_profile_dir(0, dir, sizeof dir)) ||
        (rc = dw_drive_profile_save(&prof, dir, path, sizeof path, &err))) {
        if (rc && !err.message[0])
            snprintf(err.message, sizeof err.message, "no profile directory to save to");
        cli_error(&err, rc);
        goto out;
    }
    if (cli->quiet)
        printf("%+d\n", (int)write_offset);
    else
        printf("write offset: %+d samples (the disc's audio lies %+d samples from the image; "
               "read offset %+d from %s)\nsaved in %s\n",
               (int)write_offset, (int)combined, (int)read_offset,
               dw_verify_offset_source_name(from), cli_safe(path));
    status = EXIT_OK;
out:
    dw_verify_report_free(rep);
    dw_drive_free(img);
    dw_drive_free(src);
    return status;
}
