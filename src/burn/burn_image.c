/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dw_burn_image: one entry for every image, choosing the writer (burn.h):
 * check what the image is (its reader, before anything is written), plan
 * the writer and write type, then write through libburn (ISO, cues it
 * takes) or our SAO CD writer (cdwrite.c). */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <libburn/libburn.h>
#include "burn/burn_int.h"
#include "burn/cdwrite.h"
#include "discwright/burn.h"
#include "discwright/disc.h"
#include "discwright/drive.h"
#include "drive/drive_int.h"
#include "discwright/drive_profile.h"
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

/* An ISO decoded from a container (CSO/ZSO, DMG, gzip/xz, a DVD CHD or
 * MDS): the user data the image drive serves, as a libburn source, so that
 * the disc gets the ISO and not the container's bytes. */
#define DECODED_CHUNK_SECTORS 64

struct decoded_source {
    struct dw_drive *drive;  /* owned */
    int64_t sectors;         /* the ISO's sectors */
    int64_t next_lba;        /* first sector not yet in buf */
    off_t fixed_bytes;       /* burn_track_set_size's, 0: none */
    size_t have, used;       /* bytes in buf, bytes handed out */
    uint8_t buf[DECODED_CHUNK_SECTORS * 2048];
};

/* libburn's read: exactly size bytes, 0 at the end, -1 on a read error
 * (the burn then fails; libburn reports it). */
static int decoded_read(struct burn_source *src, unsigned char *out, int size)
{
    struct decoded_source *d = src->data;
    int done = 0;
    while (done < size) {
        if (d->used == d->have) {
            if (d->next_lba >= d->sectors)
                break;
            int32_t n = d->sectors - d->next_lba < DECODED_CHUNK_SECTORS
                            ? (int32_t)(d->sectors - d->next_lba)
                            : DECODED_CHUNK_SECTORS;
            if (dw_drive_read_user(d->drive, (int32_t)d->next_lba, n, d->buf) != 0)
                return -1;
            d->next_lba += n;
            d->have = (size_t)n * 2048;
            d->used = 0;
        }
        size_t k = d->have - d->used < (size_t)(size - done) ? d->have - d->used
                                                            : (size_t)(size - done);
        memcpy(out + done, d->buf + d->used, k);
        d->used += k;
        done += (int)k;
    }
    return done;
}

static off_t decoded_get_size(struct burn_source *src)
{
    struct decoded_source *d = src->data;
    return d->fixed_bytes ? d->fixed_bytes : (off_t)d->sectors * 2048;
}

static int decoded_set_size(struct burn_source *src, off_t size)
{
    ((struct decoded_source *)src->data)->fixed_bytes = size;
    return 1;
}

static void decoded_free(struct burn_source *src)
{
    struct decoded_source *d = src->data;
    dw_drive_free(d->drive);
    free(d);
}

/* Burn the ISO image_path's container holds through dw_burn_source. */
static int burn_decoded_iso(const char *image_path, const char *drive_address,
                            const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                            struct dw_burn_result *result, struct dw_error_detail *err)
{
    struct decoded_source *d = calloc(1, sizeof *d);
    struct burn_source *src = calloc(1, sizeof *src);
    struct dw_medium_info medium;
    int rc;
    if (!d || !src) {
        free(d);
        free(src);
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    }
    if ((rc = dw_drive_open(image_path, 0, &d->drive, err)) ||
        (rc = dw_drive_medium(d->drive, &medium))) {
        if (!err->message[0] && d->drive)
            *err = *dw_drive_last_error(d->drive);
        dw_drive_free(d->drive);
        free(d);
        free(src);
        return rc ? rc : DW_EIO;
    }
    d->sectors = medium.capacity_sectors;
    src->refcount = 1;
    src->read = decoded_read;
    src->get_size = decoded_get_size;
    src->set_size = decoded_set_size;
    src->free_data = decoded_free;
    src->data = d;
    return dw_burn_source(src, d->sectors * 2048, image_path, drive_address, opts, cb, result,
                          err);
}

/* What the image is, from its reader: an ISO (or other 2048-byte data
 * image), or a CD layout, and for a cue whether libburn writes it as it
 * is; *decoded_iso when the ISO is the content of a container (its bytes
 * on disk are not the ISO's).  Refuses files the readers refuse when they
 * look like raw CD data (a .bin without its cue), so that nothing is
 * written from them. */
static int classify(const char *image_path, bool *cd, bool *libburn_cue, bool *decoded_iso,
                    bool *has_sub, bool *audio, struct dw_error_detail *err)
{
    struct dw_medium_info medium;
    struct dw_drive *src = NULL;
    struct dw_drive_info info;
    struct dw__cue_plan plan;
    char msg[512];
    int rc;

    *cd = *libburn_cue = *decoded_iso = *has_sub = *audio = false;
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
    if (dw_drive_medium(src, &medium) == 0 && !medium.is_cd) {
        *decoded_iso = true; /* an ISO (or DVD image) inside a container */
        goto out;
    }
    *cd = true;
    const struct dw_disc *disc = dw_drive_disc(src);
    if (!disc) {
        rc = dw__set_error(err, DW_EPARSE, "%s", dw_drive_last_error(src)->message);
        goto out;
    }
    *has_sub = dw__drive_sub_stored(src); /* CloneCD .sub, rip --subchannel */
    for (int i = 0; i < disc->track_count; i++)
        *audio |= disc->tracks[i].mode == DW_MODE_AUDIO;
    *libburn_cue = !strcmp(info.backend, "cue") &&
                   dw__burn_cue_plan(disc, image_path, &plan, msg, sizeof msg) == 0;
out:
    dw_drive_free(src);
    return rc;
}

/* A libburn burn: one session of what it wrote. */
static int by_libburn(int rc, const char *image_path, struct dw_burn_result *result,
                      bool cd, const char *offset_source)
{
    snprintf(result->writer, sizeof result->writer, "libburn");
    snprintf(result->write_offset_source, sizeof result->write_offset_source, "%s",
             offset_source);
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

/* The write offset for a CD image into o->write_offset_samples and
 * result: the option's (opts), else for audio on a drive its profile's
 * (drive_profile.h; the drive's INQUIRY names it), else none.  A drive
 * that does not open here is left to the writer to report. */
static void resolve_write_offset(const char *drive_address, bool audio,
                                 struct dw_burn_opts *o, struct dw_burn_result *result)
{
    struct dw_drive *d = NULL;
    struct dw_drive_info info;
    struct dw_drive_profile prof;
    struct dw_error_detail e;

    if ((o->flags & DW_BURN_WRITE_OFFSET) || o->write_offset_samples) {
        snprintf(result->write_offset_source, sizeof result->write_offset_source, "option");
        return;
    }
    snprintf(result->write_offset_source, sizeof result->write_offset_source, "none");
    if (!audio || is_stdio(drive_address) || dw_drive_open(drive_address, 0, &d, &e))
        return;
    if (dw_drive_info(d, &info) == 0 && info.kind == DW_DRIVE_MMC &&
        dw_drive_profile_load(info.vendor, info.model, &prof, &e) == 0 &&
        prof.has_write_offset) {
        o->write_offset_samples = prof.write_offset_samples;
        snprintf(result->write_offset_source, sizeof result->write_offset_source, "profile");
        snprintf(result->write_offset_profile, sizeof result->write_offset_profile, "%.511s",
                 prof.source);
    }
    dw_drive_free(d);
}

int dw_burn_image(const char *image_path, const char *drive_address,
                  const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                  struct dw_burn_result *result, struct dw_error_detail *err)
{
    struct dw_error_detail local_err;
    struct dw_burn_result local_result;
    struct dw_burn_opts none = {0};
    struct dw_burn_opts o;
    bool cd, libburn_cue, decoded_iso, has_sub, audio;
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
    if ((rc = classify(image_path, &cd, &libburn_cue, &decoded_iso, &has_sub, &audio, err)))
        return rc;
    o = *opts;
    opts = &o;
    if (!cd) {
        if (opts->write_mode == DW_BURN_MODE_SAO || opts->write_mode == DW_BURN_MODE_RAW)
            return dw__set_error(err, DW_EUNSUPPORTED,
                                 "'%s' is a data image, written by libburn: leave out "
                                 "--write-mode or use --write-mode tao",
                                 image_path);
        if (decoded_iso)
            return by_libburn(
                burn_decoded_iso(image_path, drive_address, opts, cb, result, err), image_path,
                result, false, "");
        return by_libburn(dw_burn_iso(image_path, drive_address, opts, cb, result, err),
                          image_path, result, false, "");
    }
    resolve_write_offset(drive_address, audio, &o, result);
    char source[sizeof result->write_offset_source];
    snprintf(source, sizeof source, "%s", result->write_offset_source);
    if (is_stdio(drive_address))
        return libburn_cue && opts->write_mode == DW_BURN_MODE_AUTO &&
                       opts->write_offset_samples == 0
                   ? by_libburn(dw_burn_cue(image_path, drive_address, opts, cb, result, err),
                                image_path, result, true, source)
                   : dw__set_error(err, DW_EMEDIUM,
                                   "'%s' is a CD image with audio, Mode 2 or several "
                                   "modes: it needs a CD-R in a drive, not the file '%s'",
                                   image_path, drive_address);
    if (libburn_cue && opts->write_mode == DW_BURN_MODE_AUTO && !has_sub &&
        opts->write_offset_samples == 0)
        return by_libburn(dw_burn_cue(image_path, drive_address, opts, cb, result, err),
                          image_path, result, true, source);
    struct dw__cdwrite_opts cw = {.dummy = opts->dummy,
                                  .speed_x = opts->speed_x,
                                  .write_offset_samples = opts->write_offset_samples,
                                  .raw = opts->write_mode == DW_BURN_MODE_RAW,
                                  .raw_or_sao = opts->write_mode == DW_BURN_MODE_AUTO && has_sub,
                                  .write_offset_source = result->write_offset_source,
                                  .write_offset_profile = result->write_offset_profile,
                                  .tao = opts->write_mode == DW_BURN_MODE_TAO};
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
