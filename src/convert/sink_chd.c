/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `convert --format chd` / `rip --format chd`: a CD as a MAME CHD v5
 * (src/image/chd_write.c), written as DST.part and renamed by commit.
 *
 * The CHD holds every track from its first sector (INDEX 00 when it has a
 * pregap, else INDEX 01) to its end; sectors put() gives outside the
 * tracks (the 150 before track 1, the lead-out and lead-in between
 * sessions) are not stored, as chdman stores none.  opts->codec: "cdlz",
 * "cdzl", "cdfl" or "cdzs" forces one codec; NULL chooses per hunk the
 * smallest of cdlz, cdzl and cdfl as `chdman createcd` does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "convert/sink.h"
#include "discwright/sector.h"
#include "errors_int.h"
#include "image/chd.h"

extern const struct dw__sink_ops dw__sink_chd;

struct dw__sink {
    struct dw__chd_writer *w;
    const struct dw_disc *disc;
    char *path;      /* DST */
    char *part;      /* DST.part */
    int32_t next_lba;
};

static void chd_abort(struct dw__sink *s)
{
    if (!s)
        return;
    dw__chd_writer_abort(s->w);
    if (s->part)
        unlink(s->part);
    free(s->path);
    free(s->part);
    free(s);
}

static int chd_open(struct dw__sink **out, const char *dst_path, const struct dw_disc *disc,
                    const struct dw__sink_opts *opts, struct dw_error_detail *err)
{
    struct dw__chd_write_opts w = {.level = opts ? opts->level : -1,
                                   .threads = opts ? opts->threads : 0,
                                   .have_sub = opts && opts->have_sub};
    struct dw__sink *s;
    int rc;
    *out = NULL;
    if (opts && opts->codec) {
        static const struct { const char *name; uint32_t tag; } codecs[] = {
            {"cdlz", DW__CHD_CODEC_CDLZ}, {"cdzl", DW__CHD_CODEC_CDZL},
            {"cdfl", DW__CHD_CODEC_CDFL}, {"cdzs", DW__CHD_CODEC_CDZS}};
        for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
            if (strcmp(opts->codec, codecs[i].name) == 0)
                w.codec = codecs[i].tag;
        if (!w.codec)
            return dw__set_error(err, DW_EINVAL, "codec '%s' is not one a CD CHD takes: use "
                                 "cdlz, cdzl, cdfl or cdzs (or none: the smallest of cdlz, "
                                 "cdzl and cdfl for each hunk)", opts->codec);
    }
    if (access(dst_path, F_OK) == 0) /* found before the work, checked again at commit */
        return dw__set_error(err, DW_EEXIST, "cannot write '%s': it exists; remove it or "
                             "choose another name", dst_path);
    if (!(s = calloc(1, sizeof(*s))) || !(s->path = strdup(dst_path)) ||
        !(s->part = malloc(strlen(dst_path) + 6))) {
        if (s)
            free(s->path);
        free(s);
        return dw__set_error(err, DW_ENOMEM, "out of memory writing '%s'", dst_path);
    }
    sprintf(s->part, "%s.part", dst_path);
    s->disc = disc;
    s->next_lba = INT32_MIN;
    if ((rc = dw__chd_writer_open(&s->w, s->part, disc, &w, err))) {
        free(s->part);
        s->part = NULL; /* not ours: it existed */
        chd_abort(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* Is lba inside a track (from its first sector to its end)? */
static bool in_track(const struct dw_disc *d, int32_t lba)
{
    for (int i = 0; i < d->track_count; i++)
        if (lba >= dw_track_first_lba(&d->tracks[i]) && lba < d->tracks[i].end_lba)
            return true;
    return false;
}

static int chd_put(struct dw__sink *s, int32_t lba, const uint8_t *raw, const uint8_t *sub,
                   int32_t sectors, struct dw_error_detail *err)
{
    if (s->next_lba != INT32_MIN && lba < s->next_lba)
        return dw__set_error(err, DW_EINVAL, "'%s': sectors must come in increasing LBA "
                             "order: LBA %d after LBA %d", s->path, lba, s->next_lba - 1);
    s->next_lba = lba + sectors;
    for (int32_t i = 0; i < sectors;) {
        int32_t n = 0;
        while (i + n < sectors && in_track(s->disc, lba + i + n))
            n++;
        if (n) {
            int rc = dw__chd_writer_append(s->w, raw + (size_t)i * DW_SECTOR_RAW_BYTES,
                                           sub + (size_t)i * DW_SUBCHANNEL_BYTES, n, err);
            if (rc)
                return rc;
            i += n;
        } else {
            i++;
        }
    }
    return 0;
}

static int chd_commit(struct dw__sink *s, struct dw_error_detail *err)
{
    int rc = dw__chd_writer_finish(s->w, err);
    s->w = NULL;
    /* Never over an existing file: rename without replacing, or where the
     * file system cannot, a hard link (the .part is removed below). */
    if (!rc && renameat2(AT_FDCWD, s->part, AT_FDCWD, s->path, RENAME_NOREPLACE) != 0 &&
        (errno != EINVAL || link(s->part, s->path) != 0))
        rc = errno == EEXIST ? dw__set_error(err, DW_EEXIST, "cannot write '%s': it exists; "
                                             "remove it or choose another name", s->path)
                             : dw__set_error_errno(err, errno, "cannot create '%s'", s->path);
    chd_abort(s); /* removes the .part */
    return rc;
}

const struct dw__sink_ops dw__sink_chd = {
    .name = "chd",
    .summary = "MAME CHD v5 (CD; per hunk the smallest of cdlz, cdzl, cdfl; --codec)",
    .open = chd_open,
    .put = chd_put,
    .commit = chd_commit,
    .abort = chd_abort,
};
