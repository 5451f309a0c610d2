/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sinks of uncompressed sector images: bincue (one BIN of raw 2352-byte
 * sectors and a cue sheet), split (one BIN per track, redump's "NAME
 * (Track NN).bin", and one cue), iso (the 2048-byte user data of one data
 * track: ECMA-130 cl. 14 Mode 1 or Mode 2 Form 1 sectors), ccd (CloneCD
 * .img/.sub/.ccd) and toc (cdrdao TOC file and BIN).  The description files
 * come from the disc model's writers (dw_cue_write, dw_ccd_write,
 * dw_toc_write), so the layout carries over.  Every file is written as
 * NAME.part (src/report/outfile.c) and renamed in commit, data files first
 * and the description last. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "convert/convert_int.h"
#include "discwright/sector.h"
#include "disc/disc_int.h"
#include "errors_int.h"
#include "report/outfile.h"

enum raw_kind { KIND_BINCUE, KIND_SPLIT, KIND_ISO, KIND_CCD, KIND_TOC };

struct dw__sink {
    enum raw_kind kind;
    const struct dw_disc *disc;   /* not owned */
    char *main_path;              /* .cue/.iso/.ccd/.toc, owned */
    char *base;                   /* main_path without extension, owned */
    struct dw__outfile data;      /* .bin, .img or .iso */
    struct dw__outfile sub;       /* ccd: .sub */
    struct dw__outfile *tracks;   /* split: one per track, opened as reached */
    int cur;                      /* split: index of the track being written */
    int iso_track;                /* iso: index of the data track */
    bool started;
    int32_t first_lba;            /* LBA of the first sector put */
    int32_t expect_lba;           /* LBA the next put must start at (or a
                                     session gap later) */
    int32_t gap_lba[DW_MAX_SESSIONS], gap_sectors[DW_MAX_SESSIONS];
    int gap_count;
};

static const char *leaf(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void sink_free(struct dw__sink *s)
{
    if (!s)
        return;
    dw__outfile_abort(&s->data);
    dw__outfile_abort(&s->sub);
    for (int i = 0; s->tracks && i < s->disc->track_count; i++)
        dw__outfile_abort(&s->tracks[i]);
    free(s->tracks);
    free(s->main_path);
    free(s->base);
    free(s);
}

/* Open BASE + suffix as a .part file. */
static int open_derived(struct dw__sink *s, struct dw__outfile *of, const char *suffix,
                        struct dw_error_detail *err)
{
    char path[4200];
    if (snprintf(path, sizeof(path), "%s%s", s->base, suffix) >= (int)sizeof(path))
        return dw__set_error(err, DW_EINVAL, "the output name '%s' is too long", s->base);
    return dw__outfile_open(of, path, err);
}

/* The one data track an ISO image can hold, or an error naming what the
 * disc has instead. */
static int iso_pick(const struct dw_disc *disc, int *index, struct dw_error_detail *err)
{
    int audio = 0, data = 0;
    for (int i = 0; i < disc->track_count; i++) {
        if (dw_track_is_data(&disc->tracks[i])) {
            data++;
            *index = i;
        } else {
            audio++;
        }
    }
    if (audio == 0 && data == 1)
        return 0;
    return dw__set_error(err, DW_EUNSUPPORTED,
                         "an ISO image holds the user data of one data track, and this disc "
                         "has %d audio and %d data track%s: convert one data track with "
                         "--track N, or choose a format that keeps the whole disc (bincue, "
                         "split, ccd, toc)",
                         audio, data, data == 1 ? "" : "s");
}

static int sink_open(enum raw_kind kind, struct dw__sink **out, const char *dst_path,
                     const struct dw_disc *disc, const struct dw__sink_opts *opts,
                     struct dw_error_detail *err)
{
    struct dw__sink *s = calloc(1, sizeof(*s));
    int rc = 0;
    (void)opts; /* no codec, no level: the bytes are stored as they are */
    *out = NULL;
    if (!s)
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    s->kind = kind;
    s->disc = disc;
    s->main_path = strdup(dst_path);
    s->base = dw__sink_base(dst_path);
    if (!s->main_path || !s->base) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    if (disc->track_count <= 0) {
        rc = dw__set_error(err, DW_EINVAL, "the disc has no tracks: nothing to write");
        goto out;
    }
    switch (kind) {
    case KIND_BINCUE:
        rc = open_derived(s, &s->data, ".bin", err);
        break;
    case KIND_TOC:
        if (disc->session_count > 1) {
            rc = dw__set_error(err, DW_EUNSUPPORTED,
                               "a cdrdao TOC file describes one session and this disc has "
                               "%d: choose --format bincue or ccd, which keep every session",
                               disc->session_count);
            break;
        }
        rc = open_derived(s, &s->data, ".bin", err);
        break;
    case KIND_CCD:
        if (!(rc = open_derived(s, &s->data, ".img", err)))
            rc = open_derived(s, &s->sub, ".sub", err);
        break;
    case KIND_ISO:
        if (!(rc = iso_pick(disc, &s->iso_track, err)))
            rc = dw__outfile_open(&s->data, s->main_path, err);
        break;
    case KIND_SPLIT:
        s->tracks = calloc((size_t)disc->track_count, sizeof(*s->tracks));
        if (!s->tracks)
            rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        break;
    }
out:
    if (rc)
        sink_free(s);
    else
        *out = s;
    return rc;
}

static int write_bytes(struct dw__outfile *of, const void *p, size_t bytes,
                       struct dw_error_detail *err)
{
    if (bytes && fwrite(p, 1, bytes, of->fp) != bytes)
        return dw__outfile_check(of, err) ? err->code : dw__set_error(err, DW_EWRITE,
                                                                       "cannot write '%s'",
                                                                       of->part_path);
    return 0;
}

/* Split: sectors [lba, lba + n) into the files of the tracks they belong to. */
static int put_split(struct dw__sink *s, int32_t lba, const uint8_t *raw, int32_t n,
                     struct dw_error_detail *err)
{
    const struct dw_disc *disc = s->disc;
    while (n > 0) {
        while (s->cur < disc->track_count && lba >= disc->tracks[s->cur].end_lba)
            s->cur++;
        if (s->cur >= disc->track_count)
            return dw__set_error(err, DW_ERANGE, "sector %ld is past the last track",
                                 (long)lba);
        const struct dw_track *t = &disc->tracks[s->cur];
        if (lba < dw_track_first_lba(t) && s->cur > 0)
            return dw__set_error(err, DW_ERANGE, "sector %ld is in no track", (long)lba);
        struct dw__outfile *of = &s->tracks[s->cur];
        int rc;
        if (!of->fp && !of->part_path) {
            char path[4200];
            if (!dw__sink_split_name(s->base, disc, s->cur, path, sizeof(path)))
                return dw__set_error(err, DW_EINVAL, "the output name '%s' is too long",
                                     s->base);
            if ((rc = dw__outfile_open(of, path, err)))
                return rc;
        }
        int32_t take = t->end_lba - lba < n ? t->end_lba - lba : n;
        if ((rc = write_bytes(of, raw, (size_t)take * DW_SECTOR_RAW_BYTES, err)))
            return rc;
        if (lba + take == t->end_lba && (rc = dw__outfile_finish(of, err)))
            return rc;
        lba += take;
        raw += (size_t)take * DW_SECTOR_RAW_BYTES;
        n -= take;
    }
    return 0;
}

/* ISO: the user data of the sectors of the data track from INDEX 01 on. */
static int put_iso(struct dw__sink *s, int32_t lba, const uint8_t *raw, int32_t n,
                   struct dw_error_detail *err)
{
    const struct dw_track *t = &s->disc->tracks[s->iso_track];
    for (int32_t k = 0; k < n; k++, lba++, raw += DW_SECTOR_RAW_BYTES) {
        if (lba < t->index_lba[1] || lba >= t->end_lba)
            continue;
        const uint8_t *user;
        if (raw[15] == 1) {
            user = raw + DW_OFF_MODE1_DATA;
        } else if (raw[15] == 2 && !(raw[18] & 0x20)) {
            user = raw + DW_OFF_MODE2_DATA;
        } else {
            return dw__set_error(err, DW_EUNSUPPORTED,
                                 raw[15] == 2
                                     ? "sector %ld is a Mode 2 Form 2 sector (2324 bytes of "
                                       "user data), which an ISO image cannot hold: choose "
                                       "--format bincue, split or ccd"
                                     : "sector %ld is no Mode 1 or Mode 2 sector (mode byte "
                                       "%u): an ISO image cannot hold it; choose --format "
                                       "bincue, split or ccd",
                                 (long)lba, (unsigned)raw[15]);
        }
        int rc = write_bytes(&s->data, user, DW_SECTOR_USER_BYTES, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int sink_put(struct dw__sink *s, int32_t lba, const uint8_t *raw, const uint8_t *sub,
                    int32_t sectors, struct dw_error_detail *err)
{
    if (sectors <= 0)
        return 0;
    if (!s->started) {
        s->started = true;
        s->first_lba = s->expect_lba = lba;
    }
    if (lba < s->expect_lba)
        return dw__set_error(err, DW_EINVAL,
                             "sectors came out of order (LBA %ld after %ld): not written",
                             (long)lba, (long)s->expect_lba - 1);
    if (lba > s->expect_lba) { /* the lead-out and lead-in between sessions */
        if (s->gap_count >= DW_MAX_SESSIONS)
            return dw__set_error(err, DW_EINVAL, "too many gaps in the sectors given");
        s->gap_lba[s->gap_count] = lba;
        s->gap_sectors[s->gap_count++] = lba - s->expect_lba;
    }
    s->expect_lba = lba + sectors;
    switch (s->kind) {
    case KIND_SPLIT:
        return put_split(s, lba, raw, sectors, err);
    case KIND_ISO:
        return put_iso(s, lba, raw, sectors, err);
    case KIND_CCD:
        for (int32_t k = 0; k < sectors; k++) {
            uint8_t packed[DW_SUBCHANNEL_BYTES];
            dw_subchannel_deinterleave(sub + (size_t)k * DW_SUBCHANNEL_BYTES, packed);
            int rc = write_bytes(&s->sub, packed, sizeof(packed), err);
            if (rc)
                return rc;
        }
        break;
    case KIND_BINCUE:
    case KIND_TOC:
        break;
    }
    return write_bytes(&s->data, raw, (size_t)sectors * DW_SECTOR_RAW_BYTES, err);
}

/* The description file (cue, ccd, TOC) into main_path.part, finished. */
static int write_description(struct dw__sink *s, struct dw__outfile *desc,
                             struct dw_error_detail *err)
{
    char bin_name[4200];
    const char *names[DW_MAX_TRACKS];
    int rc;
    if (s->kind == KIND_ISO)
        return 0;
    if ((rc = dw__outfile_open(desc, s->main_path, err)))
        return rc;
    snprintf(bin_name, sizeof(bin_name), "%s", leaf(s->data.path ? s->data.path : ""));
    switch (s->kind) {
    case KIND_BINCUE:
    case KIND_SPLIT: {
        struct dw_cue_write_opts co = {.bin_name = bin_name, .bin_first_lba = s->first_lba,
                                       .gap_lba = s->gap_lba, .gap_sectors = s->gap_sectors,
                                       .gap_count = s->gap_count};
        if (s->kind == KIND_SPLIT) {
            for (int i = 0; i < s->disc->track_count; i++)
                names[i] = leaf(s->tracks[i].path);
            rc = dw__cue_write_per_track(s->disc, &co, names, desc->fp);
        } else {
            rc = dw_cue_write(s->disc, &co, desc->fp);
        }
        break;
    }
    case KIND_CCD: {
        struct dw_ccd_write_opts co = {.img_first_lba = s->first_lba};
        rc = dw_ccd_write(s->disc, &co, desc->fp);
        break;
    }
    case KIND_TOC: {
        struct dw_toc_write_opts to = {.bin_name = bin_name, .bin_first_lba = s->first_lba,
                                       .gap_lba = s->gap_lba, .gap_sectors = s->gap_sectors,
                                       .gap_count = s->gap_count};
        rc = dw_toc_write(s->disc, &to, desc->fp);
        break;
    }
    case KIND_ISO:
        break;
    }
    if (rc)
        return dw__set_error(err, rc, "cannot write '%s': %s", desc->part_path,
                             dw_strerror(rc));
    if ((rc = dw__outfile_check(desc, err)))
        return rc;
    return dw__outfile_finish(desc, err);
}

static int sink_commit(struct dw__sink *s, struct dw_error_detail *err)
{
    struct dw__outfile desc = {0};
    const struct dw_disc *disc = s->disc;
    int rc = 0;
    int32_t end = disc->tracks[disc->track_count - 1].end_lba;
    if (!s->started || s->expect_lba != end) {
        rc = dw__set_error(err, DW_ETRUNC,
                           "the conversion stopped at LBA %ld before the disc's end (LBA %ld): "
                           "nothing written",
                           (long)(s->started ? s->expect_lba : 0), (long)end);
        goto out;
    }
    for (int i = 0; s->kind == KIND_SPLIT && i < disc->track_count; i++)
        if (!s->tracks[i].part_path || s->tracks[i].fp) {
            rc = dw__set_error(err, DW_ETRUNC, "track %d was not written whole: nothing written",
                               disc->tracks[i].number);
            goto out;
        }
    /* Every file flushed and closed before any final name exists, so that
     * a full disk is seen first; then the data files, the description last. */
    if ((s->data.fp && (rc = dw__outfile_finish(&s->data, err))) ||
        (s->sub.fp && (rc = dw__outfile_finish(&s->sub, err))) ||
        (rc = write_description(s, &desc, err)))
        goto out;
    if ((rc = dw__outfile_rename(&s->data, err)) || (rc = dw__outfile_rename(&s->sub, err)))
        goto out;
    for (int i = 0; s->kind == KIND_SPLIT && i < disc->track_count; i++)
        if ((rc = dw__outfile_rename(&s->tracks[i], err)))
            goto out;
    rc = dw__outfile_rename(&desc, err);
out:
    dw__outfile_abort(&desc);
    sink_free(s);
    return rc;
}

static void sink_abort(struct dw__sink *s)
{
    sink_free(s);
}

#define RAW_OPEN(fn, kind)                                                                  \
    static int fn(struct dw__sink **out, const char *dst, const struct dw_disc *disc,       \
                  const struct dw__sink_opts *opts, struct dw_error_detail *err)            \
    {                                                                                       \
        return sink_open(kind, out, dst, disc, opts, err);                                  \
    }
RAW_OPEN(open_bincue, KIND_BINCUE)
RAW_OPEN(open_split, KIND_SPLIT)
RAW_OPEN(open_iso, KIND_ISO)
RAW_OPEN(open_ccd, KIND_CCD)
RAW_OPEN(open_toc, KIND_TOC)

const struct dw__sink_ops dw__sink_bincue = {
    "bincue", "one BIN of raw 2352-byte sectors and a cue sheet (NAME.bin, NAME.cue)",
    open_bincue, sink_put, sink_commit, sink_abort};
const struct dw__sink_ops dw__sink_split = {
    "split", "one BIN per track, redump's \"NAME (Track NN).bin\", and one cue sheet",
    open_split, sink_put, sink_commit, sink_abort};
const struct dw__sink_ops dw__sink_iso = {
    "iso", "the 2048-byte user data of the one data track (NAME.iso)", open_iso, sink_put,
    sink_commit, sink_abort};
const struct dw__sink_ops dw__sink_ccd = {
    "ccd", "CloneCD: NAME.img (raw sectors), NAME.sub (P-W), NAME.ccd", open_ccd, sink_put,
    sink_commit, sink_abort};
const struct dw__sink_ops dw__sink_toc = {
    "toc", "cdrdao TOC file and BIN of raw sectors (NAME.toc, NAME.bin); one session",
    open_toc, sink_put, sink_commit, sink_abort};
