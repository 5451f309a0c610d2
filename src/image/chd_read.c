/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CHD image reader: a CD CHD (CHT2 / CHTR track metadata) or a DVD CHD
 * ("DVD " metadata) as a disc plus a span map into its decoded content.
 *
 * CD layout (MAME cdrom.cpp, chdcd.cpp): every track's FRAMES are stored as
 * 2448-byte frames (2352 bytes of sector, audio big-endian, cooked modes
 * at the start of the 2352; then 96 bytes of P-W), each track padded to a
 * multiple of 4 frames in the CHD.  PREGAP frames are in FRAMES when
 * PGTYPE starts with 'V' (the pregap was in the source's data), else they
 * are silence the CHD does not store, like POSTGAP.  The disc's LBA 0 is
 * the first stored frame of track 1 (or its unstored pregap).  CHT2 knows
 * no sessions, ISRC, MCN, flags or CD-TEXT: the disc is one session and
 * those are empty.
 *
 * Checks: each hunk's CRC-16 whenever it is decoded, the raw SHA-1 when the
 * content is read front to back (a rip, a verify), and the header SHA-1
 * over the metadata at open (chd.c).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "discwright/sector.h"
#include "image/chd.h"

struct chd_track {
    char type[24], subtype[24], pgtype[24], pgsub[24];
    long frames, pregap, postgap;
    bool seen;
};

struct unit_run {
    uint64_t first_unit;
    int32_t lba;
    int32_t frames;
};

struct chd_file {
    struct dw__chd *chd;
    int fd;
    struct unit_run runs[DW_MAX_TRACKS];
    int run_count;
};

static int vf_pread(void *ctx, void *buf, size_t bytes, uint64_t offset,
                    struct dw_error_detail *err)
{
    return dw__chd_pread(((struct chd_file *)ctx)->chd, buf, bytes, offset, err);
}

static void vf_close(void *ctx)
{
    struct chd_file *f = ctx;
    dw__chd_free(f->chd);
    if (f->fd >= 0)
        close(f->fd);
    free(f);
}

static const struct dw__vfile_ops chd_vfile_ops = {"chd", vf_pread, vf_close};

static int32_t lba_of_unit(void *ctx, uint64_t unit)
{
    const struct chd_file *f = ctx;
    for (int i = 0; i < f->run_count; i++) {
        const struct unit_run *r = &f->runs[i];
        if (unit >= r->first_unit && unit < r->first_unit + (uint64_t)r->frames)
            return r->lba + (int32_t)(unit - r->first_unit);
    }
    return INT32_MIN;
}

/* ---- CHT2 text ----------------------------------------------------------- */

static bool get_word(const char *text, const char *key, char *out, size_t out_bytes)
{
    size_t klen = strlen(key);
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        const char *end = p;
        while (*end && *end != ' ')
            end++;
        if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == ':') {
            size_t n = (size_t)(end - p) - klen - 1;
            if (n >= out_bytes)
                return false;
            memcpy(out, p + klen + 1, n);
            out[n] = '\0';
            return true;
        }
        p = end;
    }
    return false;
}

static bool get_number(const char *text, const char *key, long max, long *out)
{
    char w[24], *end;
    if (!get_word(text, key, w, sizeof(w)) || !w[0])
        return false;
    long v = strtol(w, &end, 10);
    if (*end || v < 0 || v > max)
        return false;
    *out = v;
    return true;
}

struct type_info {
    const char *name;
    enum dw_track_mode mode;
    enum dw__span_layout layout;
};

static const struct type_info types[] = {
    {"MODE1", DW_MODE_MODE1, DW_SPAN_MODE1_2048},
    {"MODE1_RAW", DW_MODE_MODE1, DW_SPAN_RAW},
    {"MODE2", DW_MODE_MODE2_XA, DW_SPAN_MODE2_2336},
    {"MODE2_FORM1", DW_MODE_MODE2_XA, DW_SPAN_FORM1_2048},
    {"MODE2_FORM_MIX", DW_MODE_MODE2_XA, DW_SPAN_MODE2_2336},
    {"MODE2_RAW", DW_MODE_MODE2_XA, DW_SPAN_RAW},
    {"AUDIO", DW_MODE_AUDIO, DW_SPAN_AUDIO_BE},
};

static const struct type_info *type_of(const char *name)
{
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(types[i].name, name) == 0)
            return &types[i];
    return NULL;
}

static int parse_track(const char *path, const char *text, bool cht2, struct chd_track *tracks,
                       struct dw_error_detail *err)
{
    long number;
    if (!get_number(text, "TRACK", DW_MAX_TRACKS, &number) || number < 1)
        return dw__set_error(err, DW_EPARSE, "'%s': track metadata without a valid TRACK "
                             "number ('%.60s'); the file is damaged", path, text);
    struct chd_track *t = &tracks[number - 1];
    if (t->seen)
        return dw__set_error(err, DW_EPARSE, "'%s': track %ld is described twice; the file "
                             "is damaged", path, number);
    t->seen = true;
    if (!get_word(text, "TYPE", t->type, sizeof(t->type)) ||
        !get_word(text, "SUBTYPE", t->subtype, sizeof(t->subtype)) ||
        !get_number(text, "FRAMES", DW__CD_MAX_LEADOUT_LBA, &t->frames))
        return dw__set_error(err, DW_EPARSE, "'%s': track %ld's metadata lacks TYPE, SUBTYPE "
                             "or FRAMES ('%.80s'); the file is damaged", path, number, text);
    if (cht2 && (!get_number(text, "PREGAP", DW__CD_MAX_LEADOUT_LBA, &t->pregap) ||
                 !get_word(text, "PGTYPE", t->pgtype, sizeof(t->pgtype)) ||
                 !get_number(text, "POSTGAP", DW__CD_MAX_LEADOUT_LBA, &t->postgap)))
        return dw__set_error(err, DW_EPARSE, "'%s': track %ld's metadata lacks PREGAP, "
                             "PGTYPE or POSTGAP ('%.80s'); the file is damaged",
                             path, number, text);
    if (cht2)
        get_word(text, "PGSUB", t->pgsub, sizeof(t->pgsub));
    return 0;
}

/* ---- the disc ------------------------------------------------------------ */

static int add_zero(struct dw__image *img, int32_t lba, int32_t sectors, int track)
{
    struct dw__span z = {.lba = lba, .sectors = sectors, .file = -1, .layout = DW_SPAN_ZERO,
                         .track = track};
    return dw__image_add_span(img, &z);
}

/* CHT2 has no sessions: chdman stores a CD-Extra's second session right
 * after the first.  The data track's own sector headers say where it was:
 * when the first sector at INDEX 01 of a data track that follows an audio
 * track carries a Mode 1/2 header whose address lies exactly one session
 * gap later than the CHD's layout puts it (6750 lead-out + 4500 lead-in
 * sectors after session 1, 2250 + 4500 after later ones: Orange Book /
 * ECMA-394), the track starts a new session there.  Returns the gap in
 * sectors, or 0 (no header, another mode, any other distance). */
static int32_t session_gap(struct chd_file *f, uint64_t frame, int64_t lba, int sessions)
{
    uint8_t h[16];
    struct dw_error_detail err = {0};
    static const uint8_t sync[12] = {0, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0};
    if (dw__chd_pread(f->chd, h, sizeof(h), frame * DW__CHD_FRAME_BYTES, &err) != 0 ||
        memcmp(h, sync, sizeof(sync)) != 0 || (h[15] != 1 && h[15] != 2))
        return 0;
    int m = dw_bcd_decode(h[12]), sec = dw_bcd_decode(h[13]), fr = dw_bcd_decode(h[14]);
    if (m < 0 || sec < 0 || sec > 59 || fr < 0 || fr > 74)
        return 0;
    int64_t gap = dw_msf_to_lba((unsigned)m, (unsigned)sec, (unsigned)fr) - lba;
    int32_t want = sessions == 1 ? 6750 + 4500 : 2250 + 4500;
    return gap == want ? want : 0;
}

static int build_cd(const char *path, struct dw__image *img, struct chd_file *f, int file,
                    struct chd_track *tracks, int count, struct dw_error_detail *err)
{
    struct dw_disc *d = img->disc;
    int64_t lba = 0;
    uint64_t frame = 0, content_frames = dw__chd_logical_bytes(f->chd) / DW__CHD_FRAME_BYTES;
    int rc;
    if (dw__chd_unit_bytes(f->chd) != DW__CHD_FRAME_BYTES)
        return dw__set_error(err, DW_EPARSE, "'%s' has CD metadata but units of %u bytes, not "
                             "2448; the file is damaged", path, dw__chd_unit_bytes(f->chd));
    for (int i = 0; i < count; i++) {
        struct chd_track *c = &tracks[i];
        struct dw_track *t = &d->tracks[i];
        const struct type_info *ti = type_of(c->type);
        if (!ti)
            return dw__set_error(err, DW_EUNSUPPORTED,
                                 "'%s': track %d is of type '%s', which discwright does not "
                                 "read from a CHD (it reads AUDIO, MODE1, MODE1_RAW, MODE2, "
                                 "MODE2_FORM1, MODE2_FORM_MIX, MODE2_RAW)", path, i + 1, c->type);
        bool pg_stored = c->pregap > 0 && c->pgtype[0] == 'V';
        if (pg_stored && c->pregap > c->frames)
            return dw__set_error(err, DW_EPARSE, "'%s': track %d's pregap (%ld frames) is "
                                 "longer than the track (%ld); the file is damaged",
                                 path, i + 1, c->pregap, c->frames);
        if (c->frames == 0 || c->frames - (pg_stored ? c->pregap : 0) == 0)
            return dw__set_error(err, DW_EPARSE, "'%s': track %d has no frames; the file is "
                                 "damaged", path, i + 1);
        if (frame + (uint64_t)c->frames > content_frames)
            return dw__set_error(err, DW_EPARSE, "'%s': its tracks need %" PRIu64 " frames but "
                                 "it holds %" PRIu64 "; the file is damaged or truncated",
                                 path, frame + (uint64_t)c->frames, content_frames);
        if (i > 0 && ti->mode != DW_MODE_AUDIO && d->tracks[i - 1].mode == DW_MODE_AUDIO &&
            d->session_count < DW_MAX_SESSIONS - 1) {
            int32_t gap = session_gap(f, frame + (uint64_t)(pg_stored ? c->pregap : 0),
                                      lba + c->pregap, d->session_count + 1);
            if (gap) {
                struct dw_session *se = &d->sessions[d->session_count];
                se->number = d->session_count + 1;
                se->first_track = d->session_count ? d->sessions[d->session_count - 1].last_track + 1
                                                   : 1;
                se->last_track = i;
                se->leadout_lba = (int32_t)lba;
                d->session_count++;
                lba += gap;
                dw__image_warn(img, "'%s': track %d's sector headers place it %d sectors "
                               "after track %d: it starts session %d (CHD metadata has no "
                               "sessions)", path, i + 1, gap, i, d->session_count + 1);
            }
        }
        t->number = i + 1;
        t->session = d->session_count + 1;
        t->mode = ti->mode;
        t->control = ti->mode == DW_MODE_AUDIO ? 0 : DW_CTL_DATA;
        t->index_count = 2;
        t->index_lba[0] = DW_LBA_NONE;
        if (c->pregap > 0) {
            t->index_lba[0] = (int32_t)lba;
            if (!pg_stored) {
                t->pregap_silence_sectors = (int32_t)c->pregap;
                if ((rc = add_zero(img, (int32_t)lba, (int32_t)c->pregap, i + 1)) < 0)
                    return rc;
                lba += c->pregap;
            }
        }
        t->index_lba[1] = (int32_t)(lba + (pg_stored ? c->pregap : 0));
        struct dw__span s = {.lba = (int32_t)lba, .sectors = (int32_t)c->frames, .file = file,
                             .offset_bytes = frame * DW__CHD_FRAME_BYTES,
                             .stride_bytes = DW__CHD_FRAME_BYTES, .layout = ti->layout,
                             .track = i + 1};
        if (strcmp(c->subtype, "RW_RAW") == 0) {
            s.has_sub = true;
            s.sub_file = file;
            s.sub_offset_bytes = s.offset_bytes + DW_SECTOR_RAW_BYTES;
            s.sub_stride_bytes = DW__CHD_FRAME_BYTES;
        } else if (strcmp(c->subtype, "NONE") != 0) {
            dw__image_warn(img, "'%s': track %d stores subchannel of type '%s', which "
                           "discwright does not serve; the drive gives the P-W the layout "
                           "carries", path, i + 1, c->subtype);
        }
        const struct type_info *pt = pg_stored ? type_of(c->pgtype + 1) : NULL;
        if (pt && pt->layout != ti->layout) {
            /* a pregap stored in another type than the track (audio
             * before a data track): a span of its own */
            struct dw__span p = s;
            p.sectors = (int32_t)c->pregap;
            p.layout = pt->layout;
            if ((rc = dw__image_add_span(img, &p)) < 0)
                return rc;
            s.lba += p.sectors;
            s.sectors -= p.sectors;
            s.offset_bytes += (uint64_t)p.sectors * DW__CHD_FRAME_BYTES;
            s.sub_offset_bytes += (uint64_t)p.sectors * DW__CHD_FRAME_BYTES;
        }
        if ((rc = dw__image_add_span(img, &s)) < 0)
            return rc;
        f->runs[f->run_count++] = (struct unit_run){frame, (int32_t)lba, (int32_t)c->frames};
        lba += c->frames;
        if (c->postgap > 0) {
            t->postgap_silence_sectors = (int32_t)c->postgap;
            if ((rc = add_zero(img, (int32_t)lba, (int32_t)c->postgap, i + 1)) < 0)
                return rc;
            lba += c->postgap;
        }
        frame += ((uint64_t)c->frames + DW__CHD_TRACK_PADDING_FRAMES - 1) /
                 DW__CHD_TRACK_PADDING_FRAMES * DW__CHD_TRACK_PADDING_FRAMES;
        if ((rc = dw__image_check_cd_leadout(path, lba, err)))
            return rc;
    }
    d->track_count = count;
    d->leadout_lba = (int32_t)lba;
    if (d->session_count) {
        struct dw_session *se = &d->sessions[d->session_count];
        se->number = d->session_count + 1;
        se->first_track = d->sessions[d->session_count - 1].last_track + 1;
        se->last_track = count;
        se->leadout_lba = (int32_t)lba;
        d->session_count++;
    }
    return 0;
}

static int build_dvd(const char *path, struct dw__image *img, struct chd_file *f, int file,
                     struct dw_error_detail *err)
{
    uint64_t sectors = dw__chd_logical_bytes(f->chd) / DW_SECTOR_USER_BYTES;
    if (sectors == 0 || sectors > (uint64_t)DW__MAX_MEDIUM_SECTORS)
        return dw__set_error(err, DW_EPARSE, "'%s': a DVD CHD of %" PRIu64 " bytes; the file "
                             "is damaged", path, dw__chd_logical_bytes(f->chd));
    struct dw__span s = {.lba = 0, .sectors = (int32_t)sectors, .file = file,
                         .stride_bytes = DW_SECTOR_USER_BYTES, .layout = DW_SPAN_MODE1_2048,
                         .track = 1};
    int rc = dw__image_add_span(img, &s);
    if (rc < 0)
        return rc;
    struct dw_track *t = &img->disc->tracks[0];
    img->disc->track_count = 1;
    t->number = 1;
    t->session = 1;
    t->mode = DW_MODE_MODE1;
    t->control = DW_CTL_DATA;
    t->index_lba[0] = DW_LBA_NONE;
    t->index_lba[1] = 0;
    t->index_count = 2;
    img->disc->leadout_lba = (int32_t)sectors;
    snprintf(img->kind, sizeof(img->kind), "DVD");
    return 0;
}

/* Takes ownership of f. */
static int read_chd(const char *path, struct chd_file *f, const struct dw__chd_source *src,
                    struct dw__image **out, struct dw_error_detail *err)
{
    struct dw__image *img = NULL;
    struct chd_track *tracks = NULL;
    int rc, count = 0, file;
    bool dvd = false;
    *out = NULL;
    if ((rc = dw__chd_open(src, &f->chd, err)))
        goto out;
    if (!(tracks = calloc(DW_MAX_TRACKS, sizeof(*tracks))) || !(img = calloc(1, sizeof(*img))) ||
        !(img->disc = dw_disc_new())) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
        goto out;
    }
    snprintf(img->format, sizeof(img->format), "chd");
    uint32_t tag, bytes;
    const uint8_t *data;
    for (int i = 0; dw__chd_metadata(f->chd, i, &tag, &data, &bytes) == 0; i++) {
        if (tag == DW__CHD_TAG('C', 'H', 'T', '2') || tag == DW__CHD_TAG('C', 'H', 'T', 'R')) {
            if ((rc = parse_track(path, (const char *)data, tag == DW__CHD_TAG('C', 'H', 'T', '2'),
                                  tracks, err)))
                goto out;
            count++;
        } else if (tag == DW__CHD_TAG('D', 'V', 'D', ' ')) {
            dvd = true;
        } else if (tag == DW__CHD_TAG('C', 'H', 'G', 'D')) {
            rc = dw__set_error(err, DW_EUNSUPPORTED,
                               "'%s' is a GD-ROM CHD (Dreamcast), which discwright does not "
                               "read: a GD-ROM's high-density area is not a CD layout",
                               path);
            goto out;
        } else if (tag == DW__CHD_TAG('C', 'H', 'C', 'D')) {
            rc = dw__set_error(err, DW_EUNSUPPORTED,
                               "'%s' has the old binary CD metadata (CHCD); update it with "
                               "'chdman copy -i OLD.chd -o NEW.chd'", path);
            goto out;
        }
    }
    for (int i = 0; i < count; i++)
        if (!tracks[i].seen) {
            rc = dw__set_error(err, DW_EPARSE, "'%s': track %d has no metadata though %d "
                               "tracks do; the file is damaged", path, i + 1, count);
            goto out;
        }
    if (!count && !dvd) {
        rc = dw__set_error(err, DW_EUNSUPPORTED,
                           "'%s' is a CHD without CD or DVD metadata (a hard disk, LaserDisc "
                           "or raw CHD): it holds no disc for discwright to read", path);
        goto out;
    }
    struct chd_file *owned = f;
    file = dw__image_add_vfile(img, path, dw__chd_logical_bytes(f->chd), &chd_vfile_ops, f);
    f = NULL; /* the image owns it, also on failure */
    if (file < 0) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
        goto out;
    }
    if (count)
        rc = build_cd(path, img, owned, file, tracks, count, err);
    else
        rc = build_dvd(path, img, owned, file, err);
    if (rc == DW_ENOMEM)
        dw__set_error(err, rc, "out of memory reading '%s'", path);
    if (rc)
        goto out;
    dw__chd_set_lba_map(owned->chd, lba_of_unit, owned);
    if (!img->kind[0])
        snprintf(img->kind, sizeof(img->kind), "CD");
    char msg[200];
    if ((rc = dw_disc_finish(img->disc, msg, sizeof(msg)))) {
        dw__set_error(err, rc, "'%s': %s; the file is damaged", path, msg);
        goto out;
    }
    *out = img;
    img = NULL;
    rc = 0;
out:
    if (f)
        vf_close(f);
    free(tracks);
    dw__image_free(img);
    return rc;
}

int dw__chd_read(const char *path, struct dw__image **out, struct dw_error_detail *err)
{
    struct chd_file *f;
    uint64_t size;
    int fd, rc;
    *out = NULL;
    if ((rc = dw__image_open_file(path, false, &fd, &size, err)))
        return rc;
    if (!(f = calloc(1, sizeof(*f)))) {
        close(fd);
        return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
    }
    f->fd = fd;
    struct dw__chd_source src = {.fd = fd, .size_bytes = size, .name = path};
    return read_chd(path, f, &src, out, err);
}

int dw__chd_parse(const uint8_t *data, size_t len, const char *path, struct dw__image **out,
                  struct dw_error_detail *err)
{
    struct chd_file *f;
    *out = NULL;
    if (!(f = calloc(1, sizeof(*f))))
        return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
    f->fd = -1;
    struct dw__chd_source src = {.fd = -1, .data = data, .size_bytes = len, .name = path};
    return read_chd(path, f, &src, out, err);
}
