/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Verify: read > compare > classify > report. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "discwright/drive_profile.h"
#include "discwright/profile.h"
#include "discwright/sector.h"
#include "discwright/verify.h"
#include "errors_int.h"
#include "util.h"
#include "verify/verify_offset.h"
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
    case DW_CLASS_OUTSIDE:
        return "outside";
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
    /* The image's tracks as compared: [first, end) of image LBAs, the index
     * into rep->tracks, audio (compared with the read offset) or not. */
    struct vrun {
        int32_t first, end;
        int track;
        bool audio;
    } runs[DW_MAX_TRACKS];
    int run_count;
    int32_t img_first;   /* the image's first sector, at rep->source_lba */
    int32_t transfer;    /* sectors a read */
    uint8_t *got, *want; /* transfer buffers: source (one sector more, for the
                            offset), image */
    uint8_t *state;      /* per source sector of a transfer: enum src_state */
    uint8_t *q_src, *q_img; /* Q frames of a transfer (DW_VERIFY_SUBCHANNEL_Q) */
    int src_hint, img_hint; /* the tracks src_is_audio found last */
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
        if (e <= f)
            continue;
        struct dw_verify_track *vt = &rep->tracks[rep->track_count];
        *vt = (struct dw_verify_track){.number = t->number,
                                       .audio = raw && !dw_track_is_data(t),
                                       .sectors = e - f};
        j->runs[j->run_count++] =
            (struct vrun){.first = f, .end = e, .track = rep->track_count, .audio = vt->audio};
        rep->track_count++;
        rep->sectors += e - f;
    }
    int64_t image_sectors = idisc->leadout_lba - j->img_first;
    int64_t source_sectors = (int64_t)sdisc->leadout_lba - start;
    rep->source_extra_sectors =
        source_sectors > image_sectors ? source_sectors - image_sectors : 0;
    rep->have_comparison = true;
}

/* The track of disc d that holds lba, or NULL; *hint remembers the last. */
static const struct dw_track *track_at(const struct dw_disc *d, int32_t lba, int *hint)
{
    int i = *hint >= 0 && *hint < d->track_count ? *hint : 0;
    const struct dw_track *t = &d->tracks[i];
    if (d->track_count && lba >= dw_track_first_lba(t) && lba < t->end_lba)
        return t;
    for (i = 0; i < d->track_count; i++) {
        t = &d->tracks[i];
        if (lba >= dw_track_first_lba(t) && lba < t->end_lba) {
            *hint = i;
            return t;
        }
    }
    return NULL;
}

/* Whether source LBA lba holds audio the drive can read: not before LBA 0
 * (the lead-in side), inside a track of the source (not a lead-out or a
 * gap between sessions), and audio where the image puts it there.  The
 * image's layout decides the kind: a drive's TOC does not know pregaps, so
 * the audio pregap after a data track counts to the data track there. */
static bool src_is_audio(struct vjob *j, int32_t lba)
{
    if (lba < 0 || !track_at(j->sdisc, lba, &j->src_hint))
        return false;
    const struct dw_track *t =
        track_at(j->idisc, lba - (j->rep->source_lba - j->img_first), &j->img_hint);
    return t && !dw_track_is_data(t);
}

static int32_t floor_div(int64_t a, int32_t b)
{
    return (int32_t)(a >= 0 ? a / b : -((-a + b - 1) / b));
}

/* ---- the read offset of audio ------------------------------------------ */

/* Read source sectors [lba, lba + n) into buf for the search, keeping the
 * longest run that reads; *first and *count get it (count 0: none). */
static int search_read_source(struct vjob *j, int32_t lba, int32_t n, uint8_t *buf,
                              int32_t *first, int32_t *count)
{
    *first = lba;
    *count = 0;
    int rc = n > 0 ? dw_drive_read_raw(j->source, lba, n, buf) : 0;
    if (!rc) {
        *count = n;
        return 0;
    }
    if (dw__read_error_is_fatal(rc))
        return drive_error(j, j->source, rc);
    int32_t run = 0;
    for (int32_t i = 0; i < n; i++) {
        rc = dw_drive_read_raw(j->source, lba + i, 1, buf + (size_t)i * DW_SECTOR_RAW_BYTES);
        if (dw__read_error_is_fatal(rc))
            return drive_error(j, j->source, rc);
        run = rc ? 0 : run + 1;
        if (run > *count) {
            *count = run;
            *first = lba + i - run + 1;
        }
    }
    if (*count && *first != lba)
        memmove(buf, buf + (size_t)(*first - lba) * DW_SECTOR_RAW_BYTES,
                (size_t)*count * DW_SECTOR_RAW_BYTES);
    return 0;
}

/* The first audio sector of the image (a stretch of audio tracks next to
 * each other) that is not silent: *ns, and the end of its stretch *end.
 * Returns 0 (with *ns -1 when the audio is all silence) or the image's
 * read error. */
static int first_sound(struct vjob *j, int32_t *ns, int32_t *end)
{
    *ns = -1;
    for (int r = 0; r < j->run_count; r++) {
        if (!j->runs[r].audio)
            continue;
        int32_t e = j->runs[r].end;
        for (int q = r + 1; q < j->run_count && j->runs[q].audio && j->runs[q].first == e; q++)
            e = j->runs[q].end;
        for (int32_t l = j->runs[r].first; l < e;) {
            int32_t n = e - l < j->transfer ? e - l : j->transfer;
            int rc = dw_drive_read_raw(j->image, l, n, j->want);
            if (rc)
                return drive_error(j, j->image, rc);
            for (int64_t k = 0; k < (int64_t)n * 588; k++)
                if (!dw__sample_silent(j->want + k * 4)) {
                    *ns = l + (int32_t)(k / 588);
                    *end = e;
                    return 0;
                }
            l += n;
        }
    }
    return 0;
}

/* Slide the image's first non-silent audio against the source (verify_offset.h). */
static int verify_search(struct vjob *j)
{
    struct dw_verify_report *rep = j->rep;
    const int32_t margin = DW_VERIFY_SEARCH_SAMPLES / 588 + 1;
    const int32_t want_n = DW_VERIFY_SEARCH_BLOCKS * DW_VERIFY_SEARCH_BLOCK / 588 + 1;
    int32_t ns, end, delta = rep->source_lba - j->img_first;
    uint8_t *img = NULL, *src = NULL;
    int rc = first_sound(j, &ns, &end);
    if (rc || ns < 0) {
        rep->search = 0;
        rep->search_silent = ns < 0;
        return rc;
    }
    int32_t n = end - ns < want_n ? end - ns : want_n;
    /* the source's audio around it */
    int32_t c = ns + delta, sf = c, se = c;
    while (sf > c - margin && src_is_audio(j, sf - 1))
        sf--;
    while (se < c + n + margin && src_is_audio(j, se))
        se++;
    img = malloc((size_t)n * DW_SECTOR_RAW_BYTES);
    src = malloc((size_t)(se - sf + 1) * DW_SECTOR_RAW_BYTES);
    if (!img || !src) {
        rc = dw__set_error(j->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = dw_drive_read_raw(j->image, ns, n, img))) {
        rc = drive_error(j, j->image, rc);
        goto out;
    }
    int32_t got_first, got_n;
    if ((rc = search_read_source(j, sf, se - sf, src, &got_first, &got_n)))
        goto out;
    struct dw__offset_search res;
    dw__verify_offset_search(img, (int64_t)ns * 588, (int64_t)n * 588, src,
                             (int64_t)(got_first - delta) * 588, (int64_t)got_n * 588,
                             DW_VERIFY_SEARCH_SAMPLES, &res);
    rep->search = res.found;
    rep->search_samples = res.shift_samples;
    rep->search_fits = res.fits;
out:
    free(img);
    free(src);
    return rc;
}

/* The read offset of the source's audio: the option, an image's 0, the
 * drive's profile, the offset tables, or the search. */
static int verify_offset(struct vjob *j)
{
    struct dw_verify_report *rep = j->rep;
    const struct dw_drive_info *info = &rep->source;
    bool audio = false;
    for (int r = 0; r < j->run_count; r++)
        audio |= j->runs[r].audio;
    if (!audio)
        return 0;
    rep->have_offset = true;
    char *detail = rep->offset_detail;
    size_t dbytes = sizeof(rep->offset_detail);
    struct dw_drive_profile prof;
    struct dw_drive_offset tab;
    struct dw_error_detail e;
    if (j->opts->flags & DW_VERIFY_READ_OFFSET) {
        rep->offset_source = DW_VERIFY_OFFSET_OPTION;
        rep->offset_samples = j->opts->read_offset_samples;
        snprintf(detail, dbytes, "given");
    } else if (info->kind != DW_DRIVE_MMC) {
        rep->offset_source = DW_VERIFY_OFFSET_IMAGE;
        snprintf(detail, dbytes, "an image holds its audio as it was ripped");
        return 0;
    } else if (dw_drive_profile_load(info->vendor, info->model, &prof, &e) == 0 &&
               prof.has_read_offset) {
        rep->offset_source = DW_VERIFY_OFFSET_PROFILE;
        rep->offset_samples = prof.read_offset_samples;
        snprintf(detail, dbytes, "%.500s", prof.source);
    } else if (dw_profile_drive_offset(info->vendor, info->model, &tab) == 0) {
        rep->offset_source = DW_VERIFY_OFFSET_TABLE;
        rep->offset_samples = tab.samples;
        snprintf(detail, dbytes, "%.300s line %d (%.60s %.60s)", tab.table, tab.line,
                 tab.vendor, tab.model);
    } else {
        rep->offset_source = DW_VERIFY_OFFSET_NOT_FOUND;
    }
    if (info->kind != DW_DRIVE_MMC)
        return 0;
    int rc = verify_search(j);
    if (rc)
        return rc;
    if (rep->offset_source == DW_VERIFY_OFFSET_NOT_FOUND) {
        if (rep->search == 1) {
            rep->offset_source = DW_VERIFY_OFFSET_FOUND;
            rep->offset_samples = rep->search_samples;
            snprintf(detail, dbytes,
                     "'%s %s' has no known offset; %d shift%s within +-%d samples fit%s",
                     info->vendor, info->model, rep->search_fits,
                     rep->search_fits == 1 ? "" : "s", DW_VERIFY_SEARCH_SAMPLES,
                     rep->search_fits == 1 ? "s" : ": the one nearest 0 was taken");
        } else {
            snprintf(detail, dbytes, "%s; compared at 0",
                     rep->search_silent
                         ? "the image's audio is all silence: no offset can be found"
                         : "no shift within the search range makes the first non-silent "
                           "audio equal: the disc's audio differs from the image");
        }
    }
    return 0;
}

/* ---- comparing ----------------------------------------------------------- */

enum src_state { SRC_PENDING = 0, SRC_OK, SRC_OUTSIDE, SRC_UNREADABLE };

/* Read a failed source sector alone again until it reads, opts->retries
 * times at most (at least once).  Returns 0 (read), the last non-fatal
 * error, or a fatal one through drive_error (*fatal set). */
static int read_again(struct vjob *j, bool raw, int32_t lba, uint8_t *buf, int rc, bool *fatal)
{
    for (int a = 0; rc && a < (j->retries ? j->retries : 1); a++)
        if (dw__read_error_is_fatal(rc = read_sectors(j->source, raw, lba, 1, buf))) {
            *fatal = true;
            return drive_error(j, j->source, rc);
        }
    return rc;
}

/* n image sectors of data (or user data) from image LBA ilba against the
 * source from slba: one read each side, each failed source sector read
 * again alone, then every sector classified; a differing raw data sector
 * is checked by its EDC/ECC.  A sector the image cannot serve is a broken
 * image (an error); the medium leaving the source too. */
static int verify_transfer(struct vjob *j, const struct vrun *run, int32_t ilba, int32_t n,
                           int32_t slba)
{
    bool raw = j->rep->raw, fatal = false;
    size_t sb = (size_t)j->rep->sector_bytes;
    int rc = read_sectors(j->image, raw, ilba, n, j->want);
    if (rc)
        return drive_error(j, j->image, rc);
    int src_rc = read_sectors(j->source, raw, slba, n, j->got);
    if (dw__read_error_is_fatal(src_rc)) /* no medium, the drive gone or hung */
        return drive_error(j, j->source, src_rc);
    for (int32_t i = 0; i < n; i++) {
        uint8_t *g = j->got + (size_t)i * sb, *w = j->want + (size_t)i * sb;
        int one_rc = read_again(j, raw, slba + i, g, src_rc, &fatal);
        if (fatal)
            return one_rc;
        struct dw_verify_range d = {.first_diff_sample = -1, .edc = -1};
        enum dw_sector_class cls = dw_verify_classify(one_rc, g, w, sb, &d.first_diff_byte);
        if (cls == DW_CLASS_MISCOMPARE && raw)
            d.edc = dw_sector_check(g, DW_SECTOR_ANY_LBA, NULL) != DW_SECTOR_GOOD;
        if ((rc = dw__verify_report_add(j->rep, run->track, slba + i, cls, &d)))
            return dw__set_error(j->err, rc, "out of memory");
    }
    return 0;
}

/* Read the source sectors [s0, s0 + m) an audio transfer needs into j->got,
 * those outside the source's audio left out (SRC_OUTSIDE), each run of the
 * others in one read, a failed one's sectors alone again. */
static int audio_read_source(struct vjob *j, int32_t s0, int32_t m)
{
    bool fatal = false;
    for (int32_t k = 0; k < m; k++)
        j->state[k] = src_is_audio(j, s0 + k) ? SRC_PENDING : SRC_OUTSIDE;
    for (int32_t k = 0; k < m;) {
        if (j->state[k] != SRC_PENDING) {
            k++;
            continue;
        }
        int32_t e = k;
        while (e < m && j->state[e] == SRC_PENDING)
            e++;
        int rc = dw_drive_read_raw(j->source, s0 + k, e - k,
                                   j->got + (size_t)k * DW_SECTOR_RAW_BYTES);
        if (dw__read_error_is_fatal(rc))
            return drive_error(j, j->source, rc);
        for (; k < e; k++) {
            int one = read_again(j, true, s0 + k, j->got + (size_t)k * DW_SECTOR_RAW_BYTES, rc,
                                 &fatal);
            if (fatal)
                return one;
            j->state[k] = one ? SRC_UNREADABLE : SRC_OK;
        }
    }
    return 0;
}

/* Image audio sector w against the corrected source bytes g, whose part
 * [0, split) came from a source sector in state a and the rest from one
 * in state b.  Counts the samples that could not be compared into *nc. */
static enum dw_sector_class audio_classify(const uint8_t *g, const uint8_t *w, size_t split,
                                           unsigned a, unsigned b, int64_t *nc,
                                           struct dw_verify_range *d)
{
    const size_t sb = DW_SECTOR_RAW_BYTES;
    d->first_diff_byte = d->first_diff_sample = -1;
    d->edc = -1;
    if (a == SRC_UNREADABLE || (split < sb && b == SRC_UNREADABLE))
        return DW_CLASS_UNREADABLE;
    size_t part[2][2] = {{0, split}, {split, sb}};
    unsigned st[2] = {a, b};
    bool compared = false;
    for (int p = 0; p < 2; p++) {
        size_t from = part[p][0], to = part[p][1];
        if (to <= from)
            continue;
        if (st[p] != SRC_OK) {
            *nc += (int64_t)(to - from) / 4;
            continue;
        }
        compared = true;
        if (d->first_diff_byte < 0 && memcmp(g + from, w + from, to - from) != 0) {
            size_t i = from;
            while (g[i] == w[i])
                i++;
            d->first_diff_byte = (int32_t)i;
            d->first_diff_sample = (int32_t)(i / 4);
        }
    }
    if (!compared)
        return DW_CLASS_OUTSIDE;
    return d->first_diff_byte >= 0 ? DW_CLASS_MISCOMPARE : DW_CLASS_MATCH;
}

/* n image audio sectors from image LBA ilba against the source from slba
 * shifted by the read offset: image sample k against source sample k +
 * offset.  The source bytes of a sector span two source sectors unless the
 * offset is a whole number of sectors; one outside the source's audio
 * leaves its samples uncompared. */
static int verify_audio_transfer(struct vjob *j, const struct vrun *run, int32_t ilba,
                                 int32_t n, int32_t slba)
{
    struct dw_verify_report *rep = j->rep;
    int64_t pos = (int64_t)slba * 588 + rep->offset_samples;
    int32_t s0 = floor_div(pos, 588);
    size_t o = (size_t)(pos - (int64_t)s0 * 588) * 4;
    int32_t m = n + (o ? 1 : 0);
    int rc = dw_drive_read_raw(j->image, ilba, n, j->want);
    if (rc)
        return drive_error(j, j->image, rc);
    if ((rc = audio_read_source(j, s0, m)))
        return rc;
    struct dw_verify_track *t = &rep->tracks[run->track];
    for (int32_t i = 0; i < n; i++) {
        struct dw_verify_range d;
        int64_t nc = 0;
        enum dw_sector_class cls = audio_classify(
            j->got + (size_t)i * DW_SECTOR_RAW_BYTES + o,
            j->want + (size_t)i * DW_SECTOR_RAW_BYTES, DW_SECTOR_RAW_BYTES - o, j->state[i],
            o ? j->state[i + 1] : SRC_OK, &nc, &d);
        t->samples_not_compared += nc;
        rep->samples_not_compared += nc;
        if ((rc = dw__verify_report_add(rep, run->track, slba + i, cls, &d)))
            return dw__set_error(j->err, rc, "out of memory");
    }
    return 0;
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

/* Whether a Q frame's CRC (ECMA-130 cl. 22.3.6) is valid. */
static bool q_valid(const uint8_t *q)
{
    uint16_t crc = dw_q_crc(q);
    return q[10] == (uint8_t)(crc >> 8) && q[11] == (uint8_t)crc;
}

/* The Q frames of n sectors: the image's from ilba, the source's from
 * slba; frames whose CRC is valid on both sides are compared, but for an
 * MCN or ISRC frame (ADR 2, 3) facing a frame of another ADR: where those
 * frames go is the encoder's choice (at least one in 100 frames, IEC
 * 60908 17.5.2), and an image's Q synthesized from its layout need not
 * place them as the disc's writer did. */
static int verify_q(struct vjob *j, const struct vrun *run, int32_t ilba, int32_t n,
                    int32_t slba)
{
    int rc = dw_drive_read_q_frames(j->image, ilba, n, j->q_img);
    if (rc)
        return drive_error(j, j->image, rc);
    rc = dw_drive_read_q_frames(j->source, slba, n, j->q_src);
    if (rc == DW_EUNSUPPORTED)
        return dw__set_error(j->err, rc,
                             "'%s' returns no sub-channel data: verify without --subchannel",
                             j->rep->source.address);
    if (dw__read_error_is_fatal(rc))
        return drive_error(j, j->source, rc);
    if (rc) /* no frame read: none compared */
        memset(j->q_src, 0, (size_t)n * DW_Q_BYTES);
    for (int32_t i = 0; i < n; i++) {
        const uint8_t *a = j->q_src + (size_t)i * DW_Q_BYTES, *b = j->q_img + (size_t)i * DW_Q_BYTES;
        unsigned adr_a = a[0] & 0x0F, adr_b = b[0] & 0x0F;
        bool both = q_valid(a) && q_valid(b) &&
                    (adr_a == adr_b || (adr_a != 2 && adr_a != 3 && adr_b != 2 && adr_b != 3));
        int32_t diff = -1;
        for (int k = 0; both && k < DW_Q_BYTES && diff < 0; k++)
            if (a[k] != b[k])
                diff = k;
        if ((rc = dw__verify_report_add_q(j->rep, run->track, slba + i, both, diff)))
            return dw__set_error(j->err, rc, "out of memory");
    }
    return 0;
}

/* Every run of the image in transfers; after a stop the rest is counted
 * untested. */
static int verify_compare(struct vjob *j)
{
    struct dw_verify_report *rep = j->rep;
    for (int ri = 0; ri < j->run_count; ri++) {
        const struct vrun *run = &j->runs[ri];
        /* audio reads one source sector more than it compares: keep it to
         * one command */
        int32_t most = run->audio && j->transfer > 1 ? j->transfer - 1 : j->transfer;
        for (int32_t ilba = run->first; ilba < run->end;) {
            int32_t left = run->end - ilba;
            int32_t n = left < most ? left : most;
            int32_t slba = rep->source_lba + (ilba - j->img_first);
            int rc = 0;
            if (j->stopped) {
                for (int32_t i = 0; i < n && !rc; i++)
                    rc = dw__verify_report_add(rep, run->track, slba + i, DW_CLASS_UNTESTED,
                                               NULL);
                if (rc)
                    return dw__set_error(j->err, rc, "out of memory");
            } else {
                rc = run->audio ? verify_audio_transfer(j, run, ilba, n, slba)
                                : verify_transfer(j, run, ilba, n, slba);
                if (!rc && j->q_src)
                    rc = verify_q(j, run, ilba, n, slba);
                if (rc)
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

/* Buffers for transfers of the smaller of both sides' largest transfer. */
static int verify_buffers(struct vjob *j)
{
    int32_t it = dw_drive_max_transfer_sectors(j->image);
    j->transfer = dw_drive_max_transfer_sectors(j->source);
    if (it < j->transfer)
        j->transfer = it;
    if (j->transfer < 1)
        j->transfer = 1;
    j->got = malloc((size_t)(j->transfer + 1) * DW_SECTOR_RAW_BYTES);
    j->want = malloc((size_t)j->transfer * DW_SECTOR_RAW_BYTES);
    j->state = malloc((size_t)j->transfer + 1);
    if (!j->got || !j->want || !j->state)
        return dw__set_error(j->err, DW_ENOMEM, "out of memory");
    if (!(j->opts->flags & DW_VERIFY_SUBCHANNEL_Q))
        return 0;
    if (!j->rep->raw)
        return dw__set_error(j->err, DW_EUNSUPPORTED,
                             "'%s' is compared as 2048-byte user data, which has no "
                             "sub-channel: verify without --subchannel",
                             j->rep->image.address);
    j->rep->q = true;
    j->q_src = malloc((size_t)j->transfer * DW_Q_BYTES);
    j->q_img = malloc((size_t)j->transfer * DW_Q_BYTES);
    if (!j->q_src || !j->q_img)
        return dw__set_error(j->err, DW_ENOMEM, "out of memory");
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
    if (j.opts->flags & ~(DW_VERIFY_READ_OFFSET | DW_VERIFY_SUBCHANNEL_Q))
        return dw__set_error(j.err, DW_EINVAL, "unknown verify flags");
    if ((j.opts->flags & DW_VERIFY_READ_OFFSET) &&
        (j.opts->read_offset_samples < -DW_VERIFY_MAX_OFFSET ||
         j.opts->read_offset_samples > DW_VERIFY_MAX_OFFSET))
        return dw__set_error(j.err, DW_EINVAL,
                             "read offset %d is out of range: give -%d to %d samples",
                             (int)j.opts->read_offset_samples, DW_VERIFY_MAX_OFFSET,
                             DW_VERIFY_MAX_OFFSET);
    if (!(j.rep = dw__verify_report_new()) ||
        (j.opts->command_line && !(j.rep->command_line = strdup(j.opts->command_line)))) {
        dw_verify_report_free(j.rep);
        return dw__set_error(j.err, DW_ENOMEM, "out of memory");
    }
    j.retries = j.opts->retries < 0 ? DEFAULT_RETRIES : j.opts->retries;
    if (!(rc = verify_sides(&j))) {
        verify_plan(&j);
        if (!(rc = verify_buffers(&j)) && !(rc = verify_offset(&j)))
            rc = verify_compare(&j);
    }
    free(j.got);
    free(j.want);
    free(j.state);
    free(j.q_src);
    free(j.q_img);
    dw__verify_report_finish(
        j.rep, rc ? (j.err->message[0] ? j.err->message : dw_strerror(rc)) : NULL);
    if (report)
        *report = j.rep;
    else
        dw_verify_report_free(j.rep);
    return rc;
}
