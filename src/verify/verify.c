/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Verify: read > compare > classify > report. */
#include <stdlib.h>
#include <string.h>
#include "discwright/sector.h"
#include "discwright/verify.h"
#include "errors_int.h"
#include "util.h"
#include "verify/verify_report.h"

#define DEFAULT_RETRIES 2

enum dw_sector_class dw_verify_classify(int read_rc, const uint8_t *got, const uint8_t *want,
                                        size_t bytes, int32_t *first_diff_byte)
{
    if (first_diff_byte)
        *first_diff_byte = -1;
    if (read_rc != 0)
        return DW_CLASS_UNREADABLE;
    if (memcmp(got, want, bytes) == 0)
        return DW_CLASS_MATCH;
    for (size_t i = 0; i < bytes; i++) {
        if (got[i] != want[i]) {
            if (first_diff_byte)
                *first_diff_byte = (int32_t)i;
            break;
        }
    }
    return DW_CLASS_MISCOMPARE;
}

const char *dw_sector_class_name(enum dw_sector_class c)
{
    switch (c) {
    case DW_CLASS_MATCH:
        return "match";
    case DW_CLASS_MISCOMPARE:
        return "miscompare";
    case DW_CLASS_UNREADABLE:
        return "unreadable";
    case DW_CLASS_UNTESTED:
        return "untested";
    }
    return "?";
}

/* One verify as it runs. */
struct vjob {
    struct dw_drive *source, *image;
    const struct dw_verify_opts *opts;
    const struct dw_callbacks *cb;
    struct dw_error_detail *err;
    struct dw_verify_report *rep;
    int retries;
    const struct dw_disc *idisc, *sdisc;
    /* The image's readable runs [first, end) of image LBAs. */
    struct {
        int32_t first, end;
    } runs[DW_MAX_TRACKS];
    int run_count;
    int32_t img_first;   /* the image's first sector, at rep->source_lba */
    int32_t transfer;    /* sectors a read */
    uint8_t *got, *want; /* transfer buffers: source, image */
    int64_t done;        /* sectors compared */
    double last_progress;
    bool stopped; /* the progress callback said stop */
};

static int read_sectors(struct dw_drive *d, bool raw, int32_t lba, int32_t n,
                        uint8_t *buf)
{
    return raw ? dw_drive_read_raw(d, lba, n, buf) : dw_drive_read_user(d, lba, n, buf);
}

/* The drive's last error into j->err; returns rc. */
static int drive_error(struct vjob *j, struct dw_drive *d, int rc)
{
    *j->err = *dw_drive_last_error(d);
    if (!j->err->code)
        j->err->code = rc;
    return rc;
}

/* The two sides: who they are, the source's medium, both layouts, and the
 * unit of comparison: raw 2352-byte sectors when both sides have them,
 * else the 2048-byte user data of the image's data tracks (a data BIN/CUE
 * against a DVD or a burned stdio: file works; audio cannot). */
static int verify_sides(struct vjob *j)
{
    struct dw_verify_report *rep = j->rep;
    int rc;
    dw_drive_info(j->source, &rep->source);
    dw_drive_info(j->image, &rep->image);
    rep->have_image = true;
    if ((rc = dw_drive_medium(j->source, &rep->medium))) {
        drive_error(j, j->source, rc);
        if (!j->err->message[0])
            dw__set_error(j->err, rc, "cannot read the medium in '%s'",
                          rep->source.address);
        return rc;
    }
    rep->have_source = true;
    j->idisc = dw_drive_disc(j->image);
    j->sdisc = dw_drive_disc(j->source);
    if (!j->idisc || !j->sdisc) {
        *j->err = *dw_drive_last_error(j->idisc ? j->source : j->image);
        return j->err->code ? j->err->code : DW_EIO;
    }
    rep->raw = strcmp(rep->image.backend, "iso") != 0 && rep->medium.is_cd;
    if (!rep->raw)
        for (int i = 0; i < j->idisc->track_count; i++)
            if (!dw_track_is_data(&j->idisc->tracks[i]))
                return dw__set_error(j->err, DW_EUNSUPPORTED,
                                     "'%s' has audio tracks but '%s' (%s) has no raw "
                                     "2352-byte sectors to compare them with",
                                     rep->image.address, rep->source.address,
                                     rep->medium.profile_name);
    rep->sector_bytes = rep->raw ? DW_SECTOR_RAW_BYTES : DW_SECTOR_USER_BYTES;
    return 0;
}

/* Where the image sits on the source (opts->source_lba, or the source's
 * first track: its first data track's INDEX 01 for user data), and what of
 * the image is compared: each track from its first LBA (pregap included)
 * to its end for raw images, leaving out the gaps between sessions, which
 * no drive can read; all of it for an ISO. */
static void verify_plan(struct vjob *j)
{
    struct dw_verify_report *rep = j->rep;
    const struct dw_disc *idisc = j->idisc, *sdisc = j->sdisc;
    bool raw = rep->raw;
    int32_t start = j->opts->source_lba;
    if (start < 0) {
        start = 0;
        for (int i = 0; i < sdisc->track_count; i++) {
            const struct dw_track *t = &sdisc->tracks[i];
            if (raw || dw_track_is_data(t)) {
                start = raw ? dw_track_first_lba(t) : t->index_lba[1];
                break;
            }
        }
        if (start < 0)
            start = 0;
    }
    rep->source_lba = start;
    j->img_first =
        raw ? dw_track_first_lba(&idisc->tracks[0]) : idisc->tracks[0].index_lba[1];
    if (j->img_first < 0)
        j->img_first = 0;
    for (int i = 0; i < idisc->track_count; i++) {
        const struct dw_track *t = &idisc->tracks[i];
        int32_t f = raw ? dw_track_first_lba(t) : t->index_lba[1], e = t->end_lba;
        if (f < j->img_first)
            f = j->img_first;
        if (j->run_count && j->runs[j->run_count - 1].end == f)
            j->runs[j->run_count - 1].end = e;
        else if (e > f) {
            j->runs[j->run_count].first = f;
            j->runs[j->run_count++].end = e;
        }
    }
    for (int i = 0; i < j->run_count; i++)
        rep->sectors += j->runs[i].end - j->runs[i].first;
    int64_t image_sectors = idisc->leadout_lba - j->img_first;
    int64_t source_sectors = (int64_t)sdisc->leadout_lba - start;
    rep->source_extra_sectors =
        source_sectors > image_sectors ? source_sectors - image_sectors : 0;
    rep->have_comparison = true;
}

/* Progress after a transfer: at most five times a second, and at the end. */
static void verify_progress(struct vjob *j)
{
    const struct dw_verify_report *rep = j->rep;
    const struct dw_medium_info *m = &rep->medium;
    double t = dw__now_seconds();
    if (!j->cb || !j->cb->progress ||
        (t - j->last_progress <= 0.2 && j->done < rep->sectors))
        return;
    j->last_progress = t;
    struct dw_progress p = {.phase = "verify",
                            .done_sectors = j->done,
                            .total_sectors = rep->sectors,
                            .errors = rep->miscompare + rep->unreadable,
                            .sector_bytes = rep->sector_bytes,
                            .buffer_fill_percent = -1,
                            .media_1x_bytes_per_s = m->is_cd             ? 0
                                                    : m->profile >= 0x40 ? 4495500
                                                    : m->profile         ? 1385000
                                                                         : 0};
    if (j->cb->progress(&p, j->cb->user))
        j->stopped = true;
}

/* n image sectors from image LBA ilba against the source from slba: one
 * read each side, each failed source sector read again alone, then every
 * sector classified.  A sector the image cannot serve is a broken image
 * (an error); the medium leaving the source too. */
static int verify_transfer(struct vjob *j, int32_t ilba, int32_t n, int32_t slba)
{
    bool raw = j->rep->raw;
    size_t sb = (size_t)j->rep->sector_bytes;
    int rc = read_sectors(j->image, raw, ilba, n, j->want);
    if (rc)
        return drive_error(j, j->image, rc);
    int src_rc = read_sectors(j->source, raw, slba, n, j->got);
    if (dw__read_error_is_fatal(src_rc)) /* no medium, the drive gone or hung */
        return drive_error(j, j->source, src_rc);
    for (int32_t i = 0; i < n; i++) {
        int one_rc = src_rc;
        uint8_t *g = j->got + (size_t)i * sb, *w = j->want + (size_t)i * sb;
        for (int a = 0; one_rc && a < (j->retries ? j->retries : 1); a++)
            if (dw__read_error_is_fatal(one_rc = read_sectors(j->source, raw, slba + i, 1, g)))
                return drive_error(j, j->source, one_rc);
        int32_t diff;
        enum dw_sector_class cls = dw_verify_classify(one_rc, g, w, sb, &diff);
        if ((rc = dw__verify_report_add(j->rep, slba + i, cls, diff)))
            return dw__set_error(j->err, rc, "out of memory");
    }
    return 0;
}

/* Every run of the image in transfers; after a stop the rest is counted
 * untested. */
static int verify_compare(struct vjob *j)
{
    struct dw_verify_report *rep = j->rep;
    int32_t it = dw_drive_max_transfer_sectors(j->image);
    j->transfer = dw_drive_max_transfer_sectors(j->source);
    if (it < j->transfer)
        j->transfer = it;
    j->got = malloc((size_t)j->transfer * DW_SECTOR_RAW_BYTES);
    j->want = malloc((size_t)j->transfer * DW_SECTOR_RAW_BYTES);
    if (!j->got || !j->want)
        return dw__set_error(j->err, DW_ENOMEM, "out of memory");
    for (int ri = 0; ri < j->run_count; ri++) {
        for (int32_t ilba = j->runs[ri].first; ilba < j->runs[ri].end;) {
            int32_t left = j->runs[ri].end - ilba;
            int32_t n = left < j->transfer ? left : j->transfer;
            int32_t slba = rep->source_lba + (ilba - j->img_first);
            int rc = 0;
            if (j->stopped) {
                for (int32_t i = 0; i < n && !rc; i++)
                    rc = dw__verify_report_add(rep, slba + i, DW_CLASS_UNTESTED, -1);
                if (rc)
                    return dw__set_error(j->err, rc, "out of memory");
            } else {
                if ((rc = verify_transfer(j, ilba, n, slba)))
                    return rc;
                j->done += n;
                verify_progress(j);
            }
            ilba += n;
        }
    }
    if (j->stopped)
        return dw__set_error(j->err, DW_EABORTED,
                             "verify stopped after %lld of %lld sectors",
                             (long long)j->done, (long long)rep->sectors);
    return 0;
}

int dw_verify(struct dw_drive *source, struct dw_drive *image,
              const struct dw_verify_opts *opts, const struct dw_callbacks *cb,
              struct dw_verify_report **report, struct dw_error_detail *err)
{
    static const struct dw_verify_opts defaults = {.source_lba = -1, .retries = -1};
    struct dw_error_detail local;
    struct vjob j = {.source = source,
                     .image = image,
                     .opts = opts ? opts : &defaults,
                     .cb = cb,
                     .err = err ? err : &local};
    int rc;
    memset(j.err, 0, sizeof(*j.err));
    if (report)
        *report = NULL;
    if (!source || !image)
        return dw__set_error(j.err, DW_EINVAL, "verify needs a source and an image");
    if (j.opts->flags)
        return dw__set_error(j.err, DW_EINVAL, "unknown verify flags");
    if (!(j.rep = dw__verify_report_new()) ||
        (j.opts->command_line && !(j.rep->command_line = strdup(j.opts->command_line)))) {
        dw_verify_report_free(j.rep);
        return dw__set_error(j.err, DW_ENOMEM, "out of memory");
    }
    j.retries = j.opts->retries < 0 ? DEFAULT_RETRIES : j.opts->retries;
    if (!(rc = verify_sides(&j))) {
        verify_plan(&j);
        rc = verify_compare(&j);
    }
    free(j.got);
    free(j.want);
    dw__verify_report_finish(
        j.rep, rc ? (j.err->message[0] ? j.err->message : dw_strerror(rc)) : NULL);
    if (report)
        *report = j.rep;
    else
        dw_verify_report_free(j.rep);
    return rc;
}
