/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dw_burn_image: one entry for every image, choosing the writer (burn.h):
 * check what the image is (its reader, before anything is written), plan
 * the writer and write type, then write through libburn (ISO, cues it
 * takes) or our SAO CD writer (cdwrite.c). */
#include <stdio.h>
#include <strings.h>
#include <string.h>
#include "burn/burn_int.h"
#include "burn/cdwrite.h"
#include "discwright/burn.h"
#include "discwright/disc.h"
#include "discwright/drive.h"
#include "errors_int.h"

static bool is_stdio(const char *address)
{
    return strncmp(address, "stdio:", 6) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* What the image is, from its reader: an ISO (or other 2048-byte data
 * image), or a CD layout, and for a cue whether libburn writes it as it
 * is.  Refuses files the readers refuse when they look like raw CD data
 * (a .bin without its cue), so that nothing is written from them. */
static int classify(const char *image_path, bool *cd, bool *libburn_cue,
                    struct dw_error_detail *err)
{
    struct dw_drive *src = NULL;
    struct dw_drive_info info;
    struct dw__cue_plan plan;
    char msg[512];
    int rc;

    *cd = *libburn_cue = false;
    rc = dw_drive_open(image_path, 0, &src, err);
    if (rc) {
        /* A plain data file: dw_burn_iso takes any whole number of 2048-byte
         * sectors, as it always did.  Raw CD data it must not take. */
        if (rc == DW_EUNSUPPORTED && !ends_with(image_path, ".bin") &&
            !ends_with(image_path, ".img") && !ends_with(image_path, ".raw") &&
            !ends_with(image_path, ".mdf")) {
            memset(err, 0, sizeof *err);
            rc = 0;
        }
        goto out;
    }
    if ((rc = dw_drive_info(src, &info)))
        goto out;
    if (!strcmp(info.backend, "iso"))
        goto out;
    *cd = true;
    const struct dw_disc *disc = dw_drive_disc(src);
    if (!disc) {
        rc = dw__set_error(err, DW_EPARSE, "%s", dw_drive_last_error(src)->message);
        goto out;
    }
    *libburn_cue = !strcmp(info.backend, "cue") &&
                   dw__burn_cue_plan(disc, image_path, &plan, msg, sizeof msg) == 0;
out:
    dw_drive_free(src);
    return rc;
}

/* A libburn burn: one session of what it wrote. */
static int by_libburn(int rc, const char *image_path, struct dw_burn_result *result,
                      bool cd)
{
    snprintf(result->writer, sizeof result->writer, "libburn");
    result->sessions = 1;
    result->tracks = 1;
    if (cd) { /* a cue: its tracks */
        struct dw_drive *src = NULL;
        struct dw_error_detail e;
        const struct dw_disc *disc;
        if (dw_drive_open(image_path, 0, &src, &e) == 0 && (disc = dw_drive_disc(src)))
            result->tracks = disc->track_count;
        dw_drive_free(src);
    }
    return rc;
}

int dw_burn_image(const char *image_path, const char *drive_address,
                  const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                  struct dw_burn_result *result, struct dw_error_detail *err)
{
    struct dw_error_detail local_err;
    struct dw_burn_result local_result;
    struct dw_burn_opts none = {0};
    bool cd, libburn_cue;
    int rc;

    if (!err)
        err = &local_err;
    if (!result)
        result = &local_result;
    if (!opts)
        opts = &none;
    memset(err, 0, sizeof *err);
    memset(result, 0, sizeof *result);
    if (!image_path || !drive_address)
        return dw__set_error(err, DW_EINVAL, "no image or no drive given to burn");
    snprintf(result->drive_address, sizeof result->drive_address, "%s", drive_address);
    if (opts->write_mode < DW_BURN_MODE_AUTO || opts->write_mode > DW_BURN_MODE_TAO)
        return dw__set_error(err, DW_EINVAL, "unknown write mode %d", opts->write_mode);
    if ((rc = classify(image_path, &cd, &libburn_cue, err)))
        return rc;
    if (!cd) {
        if (opts->write_mode == DW_BURN_MODE_SAO || opts->write_mode == DW_BURN_MODE_RAW)
            return dw__set_error(err, DW_EUNSUPPORTED,
                                 "'%s' is a data image, written by libburn: leave out "
                                 "--write-mode or use --write-mode tao",
                                 image_path);
        return by_libburn(dw_burn_iso(image_path, drive_address, opts, cb, result, err),
                          image_path, result, false);
    }
    if (opts->write_mode == DW_BURN_MODE_RAW)
        return dw__set_error(err, DW_EUNSUPPORTED,
                             "raw writing (RAW96R, with sub-channel) is not written yet: "
                             "burn '%s' with --write-mode sao",
                             image_path);
    if (opts->write_mode == DW_BURN_MODE_TAO)
        return dw__set_error(err, DW_EUNSUPPORTED,
                             "'%s' is a CD image, written session at once: leave out "
                             "--write-mode or use --write-mode sao",
                             image_path);
    if (is_stdio(drive_address))
        return libburn_cue && opts->write_mode == DW_BURN_MODE_AUTO &&
                       opts->write_offset_samples == 0
                   ? by_libburn(dw_burn_cue(image_path, drive_address, opts, cb, result, err),
                                image_path, result, true)
                   : dw__set_error(err, DW_EMEDIUM,
                                   "'%s' is a CD image with audio, Mode 2 or several "
                                   "modes: it needs a CD-R in a drive, not the file '%s'",
                                   image_path, drive_address);
    if (libburn_cue && opts->write_mode == DW_BURN_MODE_AUTO && opts->write_offset_samples == 0)
        return by_libburn(dw_burn_cue(image_path, drive_address, opts, cb, result, err),
                          image_path, result, true);
    struct dw__cdwrite_opts cw = {.dummy = opts->dummy,
                                  .speed_x = opts->speed_x,
                                  .write_offset_samples = opts->write_offset_samples};
    rc = dw__cdwrite_disc(image_path, drive_address, &cw, cb, result, err);
    if (opts->eject && result->writer[0]) { /* a burn was started */
        struct dw_drive *d = NULL;
        struct dw_error_detail e;
        if (dw_drive_open(drive_address, 0, &d, &e) == 0)
            dw_drive_eject(d); /* best effort, as libburn's release */
        dw_drive_free(d);
    }
    return rc;
}
