/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Nero NRG reader: a .nrg image becomes a dw_disc plus a span map into it.
 *
 * The format is unofficial; these facts come from public descriptions (the
 * Wikipedia "NRG (file format)" article, libcdio's nrg.h) and were checked
 * against libcdio's test images p1.nrg (v2, DAO) and videocd.nrg (v1, TAO).
 * All integers are big-endian.
 *
 * Footer: the last 12 bytes are "NER5" + u64 offset (version 2, Nero 5.5
 * and later), or the last 8 bytes are "NERO" + u32 offset (version 1).  The
 * offset points at a chain of chunks: 4-byte id, u32 payload size, payload,
 * ending with "END!".  Sector data lies before the chain.
 *
 *   CUEX (v2) / CUES (v1)  8-byte cue points per session: CONTROL<<4|ADR,
 *                          track (BCD, 00 lead-in, AA lead-out), index (BCD),
 *                          0, then the position: CUEX a signed LBA, CUES
 *                          0, M, S, F in BCD (LBA = MSF - 150).
 *   DAOX (v2) / DAOI (v1)  disc-at-once layout per session: u32 size, 13
 *                          bytes MCN + NUL, u16 TOC type, first and last
 *                          track; per track 12 bytes ISRC, u16 sector size,
 *                          u8 mode, 3 bytes, then the file offsets of
 *                          INDEX 00, INDEX 01 and the track end (u64 in
 *                          DAOX, u32 in DAOI).
 *   ETN2 (v2) / ETNF (v1)  track-at-once tracks: file offset, length in
 *                          bytes (u64 in ETN2, u32 in ETNF), u32 mode, u32
 *                          LBA without the gaps, then 8 / 4 bytes unused.
 *   SINF                   u32 track count, once per session.
 *   MTYP                   u32 media type (not needed here).
 *   CDTX                   raw CD-TEXT packs, 18 bytes each.
 *
 * Nero track modes (DAO mode byte, TAO mode word): 0x00 Mode 1 (2048),
 * 0x02 Mode 2 Form 1 (2048), 0x03 Mode 2 (2336), 0x05 Mode 1 raw (2352),
 * 0x06 Mode 2 raw (2352), 0x07 audio (2352), 0x0f Mode 1 raw + P-W (2448),
 * 0x10 audio + P-W (2448), 0x11 Mode 2 raw + P-W (2448).  Audio is stored
 * little-endian, as in a BIN file (p1.nrg holds cdda.bin's bytes).
 *
 * Disc-at-once images store the 150-sector pregap of track 1 (LBA -150 to
 * -1); the disc model starts at LBA 0, so those sectors are skipped.
 * Track-at-once images store no gaps: between tracks of a session there
 * are 150 pregap sectors (INDEX 00, not on file), and between sessions the
 * lead-out and lead-in of the Orange Book (6750 + 4500 sectors after the
 * first session, 2250 + 4500 after later ones) before the next pregap.
 * Those sectors are DW_SPAN_ZERO spans.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "image/image.h"

#define NRG_MAX_CHAIN_BYTES (16u << 20)
#define NRG_MAX_CUE_POINTS 4096
#define NRG_MAX_SESSIONS DW_MAX_SESSIONS
#define NRG_TAO_PREGAP_SECTORS 150
#define NRG_FIRST_SESSION_GAP_SECTORS (6750 + 4500 + 150)
#define NRG_LATER_SESSION_GAP_SECTORS (2250 + 4500 + 150)
#define NRG_CDTEXT_PACK_BYTES 18
#define NRG_MAX_LBA (100 * 60 * 60 * 75) /* 100 hours */

struct nrg_cue {
    int session; /* 1.. */
    uint8_t ctl_adr;
    int track; /* 0 lead-in, 1..99, 0xAA lead-out */
    int index;
    int32_t lba;
};

struct nrg_dao {
    int session;
    int number;
    char isrc[13];
    uint32_t sector_bytes;
    uint8_t mode;
    uint64_t index0_bytes, index1_bytes, end_bytes;
};

struct nrg_tao {
    uint64_t offset_bytes, length_bytes;
    uint32_t mode;
    int64_t lba;
};

struct nrg {
    const char *path;
    struct dw_error_detail *err;
    struct dw__image *img;
    struct dw_disc *disc;
    uint64_t data_end; /* first byte of the chunk chain */
    struct nrg_cue cue[NRG_MAX_CUE_POINTS];
    int cue_n, cue_chunks;
    struct nrg_dao dao[DW_MAX_TRACKS];
    int dao_n, dao_chunks;
    struct nrg_tao tao[DW_MAX_TRACKS];
    int tao_n;
    uint32_t sinf[NRG_MAX_SESSIONS];
    int sinf_n;
    const uint8_t *cdtext; /* into the chain buffer */
    size_t cdtext_bytes;
    int32_t cursor_lba; /* next LBA the span map must cover */
};

static int nrg_fail(struct nrg *n, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int nrg_fail(struct nrg *n, int code, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return dw__set_error(n->err, code, "'%s': %s", n->path, what);
}

static uint16_t be16(const uint8_t *b)
{
    return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t be64(const uint8_t *b)
{
    return (uint64_t)be32(b) << 32 | be32(b + 4);
}

/* BCD byte to its value, or -1. */
static int bcd(uint8_t b)
{
    if ((b >> 4) > 9 || (b & 0x0f) > 9)
        return -1;
    return (b >> 4) * 10 + (b & 0x0f);
}

/* ------------------------------------------------------------------ */
/* Track modes                                                         */

struct nrg_mode {
    enum dw_track_mode dw_mode;
    enum dw__span_layout layout;
    uint32_t sector_bytes;
};

static int nrg_mode_info(uint32_t mode, struct nrg_mode *m)
{
    switch (mode) {
    case 0x00:
        *m = (struct nrg_mode){DW_MODE_MODE1, DW_SPAN_MODE1_2048, 2048};
        return 0;
    case 0x02:
        *m = (struct nrg_mode){DW_MODE_MODE2_XA, DW_SPAN_FORM1_2048, 2048};
        return 0;
    case 0x03:
        *m = (struct nrg_mode){DW_MODE_MODE2_XA, DW_SPAN_MODE2_2336, 2336};
        return 0;
    case 0x05:
        *m = (struct nrg_mode){DW_MODE_MODE1, DW_SPAN_RAW, 2352};
        return 0;
    case 0x06:
        *m = (struct nrg_mode){DW_MODE_MODE2_XA, DW_SPAN_RAW, 2352};
        return 0;
    case 0x07:
        *m = (struct nrg_mode){DW_MODE_AUDIO, DW_SPAN_RAW, 2352};
        return 0;
    case 0x0f:
        *m = (struct nrg_mode){DW_MODE_MODE1, DW_SPAN_RAW, 2448};
        return 0;
    case 0x10:
        *m = (struct nrg_mode){DW_MODE_AUDIO, DW_SPAN_RAW, 2448};
        return 0;
    case 0x11:
        *m = (struct nrg_mode){DW_MODE_MODE2_XA, DW_SPAN_RAW, 2448};
        return 0;
    default:
        return -1;
    }
}

/* ------------------------------------------------------------------ */
/* Chunks                                                              */

static int parse_cue(struct nrg *n, const uint8_t *p, uint32_t size, bool lba_form)
{
    if (size % 8)
        return nrg_fail(n, DW_EPARSE,
                        "%s chunk of %" PRIu32 " bytes is not made of 8-byte "
                        "cue points; the image is damaged",
                        lba_form ? "CUEX" : "CUES", size);
    n->cue_chunks++;
    for (uint32_t off = 0; off < size; off += 8) {
        const uint8_t *e = p + off;
        struct nrg_cue c = {.session = n->cue_chunks, .ctl_adr = e[0]};
        if (n->cue_n >= NRG_MAX_CUE_POINTS)
            return nrg_fail(n, DW_EPARSE, "more than %d cue points; the image is damaged",
                            NRG_MAX_CUE_POINTS);
        c.track = e[1] == 0xaa ? 0xaa : bcd(e[1]);
        c.index = bcd(e[2]);
        if (c.track < 0 || c.index < 0)
            return nrg_fail(n, DW_EPARSE,
                            "cue point with track 0x%02x index 0x%02x is not BCD; "
                            "the image is damaged",
                            e[1], e[2]);
        if (lba_form) {
            c.lba = (int32_t)be32(e + 4);
        } else {
            int m = bcd(e[5]), s = bcd(e[6]), f = bcd(e[7]);
            if (m < 0 || s < 0 || s > 59 || f < 0 || f > 74)
                return nrg_fail(n, DW_EPARSE,
                                "cue point %02x:%02x:%02x is no BCD MSF time; "
                                "the image is damaged",
                                e[5], e[6], e[7]);
            c.lba = (m * 60 + s) * 75 + f - 150;
        }
        /* From the lead-in pregap to 100 hours: anything else is garbage. */
        if (c.lba < -NRG_FIRST_SESSION_GAP_SECTORS || c.lba > NRG_MAX_LBA)
            return nrg_fail(n, DW_EPARSE,
                            "cue point of track %d at LBA %" PRId32 " is out of "
                            "range; the image is damaged",
                            c.track, c.lba);
        n->cue[n->cue_n++] = c;
    }
    return 0;
}

static int parse_dao(struct nrg *n, const uint8_t *p, uint32_t size, bool wide)
{
    const uint32_t head = 22, entry = wide ? 42 : 30;
    if (size < head)
        return nrg_fail(n, DW_EPARSE, "%s chunk of %" PRIu32 " bytes is too short",
                        wide ? "DAOX" : "DAOI", size);
    int first = p[20], last = p[21];
    if (first < 1 || last > 99 || last < first)
        return nrg_fail(n, DW_EPARSE,
                        "%s chunk names tracks %d to %d; the image is damaged",
                        wide ? "DAOX" : "DAOI", first, last);
    if (size < head + (uint32_t)(last - first + 1) * entry)
        return nrg_fail(n, DW_EPARSE,
                        "%s chunk of %" PRIu32 " bytes is too short for tracks "
                        "%d to %d; the image is damaged",
                        wide ? "DAOX" : "DAOI", size, first, last);
    n->dao_chunks++;
    bool digits = true;
    for (int i = 0; i < 13; i++)
        digits = digits && p[4 + i] >= '0' && p[4 + i] <= '9';
    if (digits && n->disc->mcn[0] == '\0') {
        memcpy(n->disc->mcn, p + 4, 13);
        n->disc->mcn[13] = '\0';
    }
    for (int t = first; t <= last; t++) {
        const uint8_t *e = p + head + (uint32_t)(t - first) * entry;
        if (n->dao_n >= DW_MAX_TRACKS)
            return nrg_fail(n, DW_EPARSE, "more than 99 tracks; the image is damaged");
        struct nrg_dao *d = &n->dao[n->dao_n++];
        memset(d, 0, sizeof(*d));
        d->session = n->dao_chunks;
        d->number = t;
        bool isrc_ok = true;
        for (int i = 0; i < 12; i++) {
            uint8_t c = e[i];
            bool digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z';
            isrc_ok = isrc_ok && (i < 5 ? (digit || upper) : digit);
        }
        if (isrc_ok)
            memcpy(d->isrc, e, 12);
        d->sector_bytes = be16(e + 12);
        d->mode = e[14];
        if (wide) {
            d->index0_bytes = be64(e + 18);
            d->index1_bytes = be64(e + 26);
            d->end_bytes = be64(e + 34);
        } else {
            d->index0_bytes = be32(e + 18);
            d->index1_bytes = be32(e + 22);
            d->end_bytes = be32(e + 26);
        }
    }
    return 0;
}

static int parse_tao(struct nrg *n, const uint8_t *p, uint32_t size, bool wide)
{
    const uint32_t entry = wide ? 32 : 20;
    if (size % entry)
        return nrg_fail(n, DW_EPARSE,
                        "%s chunk of %" PRIu32 " bytes is not made of %" PRIu32
                        "-byte entries; the image is damaged",
                        wide ? "ETN2" : "ETNF", size, entry);
    for (uint32_t off = 0; off < size; off += entry) {
        const uint8_t *e = p + off;
        if (n->tao_n >= DW_MAX_TRACKS)
            return nrg_fail(n, DW_EPARSE, "more than 99 tracks; the image is damaged");
        struct nrg_tao *t = &n->tao[n->tao_n++];
        if (wide) {
            t->offset_bytes = be64(e);
            t->length_bytes = be64(e + 8);
            t->mode = be32(e + 16);
            t->lba = (int32_t)be32(e + 20);
        } else {
            t->offset_bytes = be32(e);
            t->length_bytes = be32(e + 4);
            t->mode = be32(e + 8);
            t->lba = (int32_t)be32(e + 12);
        }
    }
    return 0;
}

static int parse_chain(struct nrg *n, const uint8_t *buf, size_t len)
{
    size_t pos = 0;
    bool ended = false;
    while (pos + 8 <= len) {
        const uint8_t *id = buf + pos;
        uint32_t size = be32(buf + pos + 4);
        const uint8_t *payload = buf + pos + 8;
        char name[5];
        for (int i = 0; i < 4; i++)
            name[i] = (id[i] >= 0x20 && id[i] < 0x7f) ? (char)id[i] : '?';
        name[4] = '\0';
        if (memcmp(id, "END!", 4) == 0) {
            ended = true;
            break;
        }
        if (size > len - pos - 8)
            return nrg_fail(n, DW_EPARSE,
                            "chunk '%s' at byte %" PRIu64 " claims %" PRIu32
                            " bytes, past the "
                            "end of the file; the image is truncated or damaged",
                            name, (uint64_t)(n->data_end + pos), size);
        int rc = 0;
        if (memcmp(id, "CUEX", 4) == 0)
            rc = parse_cue(n, payload, size, true);
        else if (memcmp(id, "CUES", 4) == 0)
            rc = parse_cue(n, payload, size, false);
        else if (memcmp(id, "DAOX", 4) == 0)
            rc = parse_dao(n, payload, size, true);
        else if (memcmp(id, "DAOI", 4) == 0)
            rc = parse_dao(n, payload, size, false);
        else if (memcmp(id, "ETN2", 4) == 0)
            rc = parse_tao(n, payload, size, true);
        else if (memcmp(id, "ETNF", 4) == 0)
            rc = parse_tao(n, payload, size, false);
        else if (memcmp(id, "SINF", 4) == 0) {
            if (size >= 4 && n->sinf_n < NRG_MAX_SESSIONS)
                n->sinf[n->sinf_n++] = be32(payload);
        } else if (memcmp(id, "CDTX", 4) == 0) {
            if (!n->cdtext) {
                n->cdtext = payload;
                n->cdtext_bytes = size;
            }
        }
        /* MTYP, DINF, TOCT, RELO and unknown chunks carry nothing we use. */
        if (rc)
            return rc;
        pos += 8 + (size_t)size;
    }
    if (!ended)
        dw__image_warn(n->img,
                       "'%s': the chunk chain has no END! chunk; the image may be "
                       "truncated",
                       n->path);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Spans                                                               */

/* Append a span at n->cursor_lba.  Sectors before LBA 0 are dropped. */
static int add_span(struct nrg *n, int track, int32_t sectors, int file,
                    uint64_t offset_bytes, uint32_t stride, enum dw__span_layout layout)
{
    int32_t lba = n->cursor_lba;
    if (sectors <= 0)
        return 0;
    n->cursor_lba += sectors;
    if (lba < 0) {
        int32_t skip = -lba < sectors ? -lba : sectors;
        lba += skip;
        sectors -= skip;
        offset_bytes += (uint64_t)skip * stride;
        if (sectors == 0)
            return 0;
    }
    struct dw__image *img = n->img;
    if (img->span_count > 0) {
        struct dw__span *last = &img->spans[img->span_count - 1];
        if (last->track == track && last->file == file && last->layout == layout &&
            last->stride_bytes == (file < 0 ? 0 : stride) &&
            last->lba + last->sectors == lba &&
            (file < 0 ||
             last->offset_bytes + (uint64_t)last->sectors * stride == offset_bytes)) {
            last->sectors += sectors;
            return 0;
        }
    }
    struct dw__span span = {
        .lba = lba,
        .sectors = sectors,
        .file = file,
        .offset_bytes = file < 0 ? 0 : offset_bytes,
        .stride_bytes = file < 0 ? 0 : stride,
        .layout = layout,
        .track = track,
    };
    int rc = dw__image_add_span(img, &span);
    return rc < 0 ? nrg_fail(n, rc, "out of memory") : 0;
}

static int add_zero(struct nrg *n, int track, int32_t sectors)
{
    return add_span(n, track, sectors, -1, 0, 0, DW_SPAN_ZERO);
}

static int check_extent(struct nrg *n, int track, uint64_t first, uint64_t end)
{
    if (end < first || end > n->data_end)
        return nrg_fail(n, DW_ETRUNC,
                        "track %d needs bytes %" PRIu64 " to %" PRIu64
                        " of the image, but its "
                        "sector data ends at byte %" PRIu64 "; the image is truncated",
                        track, first, end, n->data_end);
    return 0;
}

static struct dw_track *new_track(struct nrg *n, int number, int session,
                                  const struct nrg_mode *m)
{
    struct dw_track *t = &n->disc->tracks[n->disc->track_count++];
    memset(t, 0, sizeof(*t));
    for (int i = 0; i < DW_MAX_INDEXES; i++)
        t->index_lba[i] = DW_LBA_NONE;
    t->number = number;
    t->session = session;
    t->mode = m->dw_mode;
    t->control = m->dw_mode == DW_MODE_AUDIO ? 0 : DW_CTL_DATA;
    t->index_count = 2;
    return t;
}

static void add_session(struct nrg *n, int number, int first_track, int last_track,
                        int32_t leadout)
{
    struct dw_session *s = &n->disc->sessions[n->disc->session_count++];
    s->number = number;
    s->first_track = first_track;
    s->last_track = last_track;
    s->leadout_lba = leadout;
}

/* ------------------------------------------------------------------ */
/* Disc-at-once                                                        */

static const struct nrg_cue *find_cue(const struct nrg *n, int session, int track,
                                      int index)
{
    for (int i = 0; i < n->cue_n; i++)
        if (n->cue[i].session == session && n->cue[i].track == track &&
            n->cue[i].index == index)
            return &n->cue[i];
    return NULL;
}

/* The mode of a DAO track; its sector size field decides the layout on
 * file when it differs from the mode's own. */
static int dao_mode(struct nrg *n, const struct nrg_dao *d, struct nrg_mode *m)
{
    if (nrg_mode_info(d->mode, m) != 0)
        return nrg_fail(n, DW_EUNSUPPORTED,
                        "track %d has Nero mode 0x%02x, which "
                        "discwright does not know",
                        d->number, d->mode);
    if (d->sector_bytes == m->sector_bytes)
        return 0;
    if (d->sector_bytes == 2352 || d->sector_bytes == 2448)
        m->layout = DW_SPAN_RAW;
    else if (d->sector_bytes == 2336)
        m->layout = DW_SPAN_MODE2_2336;
    else if (d->sector_bytes == 2048 && m->dw_mode != DW_MODE_AUDIO)
        m->layout = m->dw_mode == DW_MODE_MODE1 ? DW_SPAN_MODE1_2048 : DW_SPAN_FORM1_2048;
    else
        return nrg_fail(n, DW_EUNSUPPORTED,
                        "track %d has %" PRIu32 "-byte sectors in Nero mode "
                        "0x%02x, which discwright cannot read",
                        d->number, d->sector_bytes, d->mode);
    m->sector_bytes = d->sector_bytes;
    return 0;
}

/* One track of DAO session s: its indexes from the cue table, its pregap
 * and body from the DAO table, appended at n->cursor_lba (the first track
 * of the disc starts the map at its INDEX 00). */
static int dao_track(struct nrg *n, int s, const struct nrg_dao *d, bool first_of_disc)
{
    struct nrg_mode m;
    int rc;
    if ((rc = dao_mode(n, d, &m)))
        return rc;
    uint32_t stride = m.sector_bytes;
    const struct nrg_cue *c1 = find_cue(n, s, d->number, 1);
    const struct nrg_cue *c0 = find_cue(n, s, d->number, 0);
    if (!c1)
        return nrg_fail(n, DW_EPARSE,
                        "track %d has no INDEX 01 in the cue table; the "
                        "image is damaged",
                        d->number);
    int32_t idx1 = c1->lba, idx0 = c0 && c0->lba < c1->lba ? c0->lba : c1->lba;
    if (idx1 < 0)
        return nrg_fail(n, DW_EPARSE,
                        "track %d starts at LBA %" PRId32 ", before the "
                        "program area; the image is damaged",
                        d->number, idx1);
    if (d->index0_bytes > d->index1_bytes || d->index1_bytes > d->end_bytes ||
        (d->index1_bytes - d->index0_bytes) % stride ||
        (d->end_bytes - d->index1_bytes) % stride)
        return nrg_fail(n, DW_EPARSE,
                        "track %d: DAO offsets %" PRIu64 ", %" PRIu64 ", %" PRIu64
                        " are not whole %" PRIu32 "-byte sectors in order; "
                        "the image is damaged",
                        d->number, d->index0_bytes, d->index1_bytes, d->end_bytes,
                        stride);
    if ((rc = check_extent(n, d->number, d->index0_bytes, d->end_bytes)))
        return rc;
    uint64_t body_sectors = (d->end_bytes - d->index1_bytes) / stride;
    uint64_t file_pregap = (d->index1_bytes - d->index0_bytes) / stride;
    if (body_sectors > NRG_MAX_LBA || idx1 + (int64_t)body_sectors > NRG_MAX_LBA)
        return nrg_fail(n, DW_EPARSE, "track %d is too long; the image is damaged",
                        d->number);

    /* Fill from the previous track's end (or the session gap). */
    int32_t first = idx0 < 0 ? 0 : idx0;
    if (first_of_disc) {
        n->cursor_lba = idx0;
    } else if (idx0 > n->cursor_lba) {
        int prev = n->disc->tracks[n->disc->track_count - 1].number;
        if ((rc = add_zero(n, prev, idx0 - n->cursor_lba)))
            return rc;
    } else if (idx0 < n->cursor_lba) {
        return nrg_fail(n, DW_EPARSE,
                        "track %d starts at LBA %" PRId32 ", inside the "
                        "track before it (which ends at %" PRId32 "); the image is "
                        "damaged",
                        d->number, idx0, n->cursor_lba);
    }

    struct dw_track *t = new_track(n, d->number, s, &m);
    memcpy(t->isrc, d->isrc, sizeof(t->isrc));
    t->control =
        (unsigned)(c1->ctl_adr >> 4) | (m.dw_mode != DW_MODE_AUDIO ? DW_CTL_DATA : 0);
    t->index_lba[0] = first < idx1 ? first : DW_LBA_NONE;
    t->index_lba[1] = idx1;
    for (int k = 2; k < DW_MAX_INDEXES; k++) {
        const struct nrg_cue *ck = find_cue(n, s, d->number, k);
        if (!ck)
            break;
        t->index_lba[k] = ck->lba;
        t->index_count = k + 1;
    }
    /* Pregap: the sectors just before INDEX 01 that the file holds; any
     * earlier ones are not on file. */
    int64_t cue_pregap = (int64_t)idx1 - idx0;
    int64_t on_file =
        (int64_t)file_pregap < cue_pregap ? (int64_t)file_pregap : cue_pregap;
    int64_t not_on_file = cue_pregap - on_file;   /* from idx0 on */
    int64_t silence = idx0 + not_on_file - first; /* of them, at LBA >= 0 */
    t->pregap_silence_sectors = (int32_t)(silence > 0 ? silence : 0);
    if ((rc = add_zero(n, d->number, (int32_t)not_on_file)) ||
        (rc = add_span(n, d->number, (int32_t)on_file, 0,
                       d->index1_bytes - (uint64_t)on_file * stride, stride, m.layout)) ||
        (rc = add_span(n, d->number, (int32_t)body_sectors, 0, d->index1_bytes, stride,
                       m.layout)))
        return rc;
    return 0;
}

static int build_dao(struct nrg *n)
{
    int rc;
    if (n->cue_chunks == 0)
        return nrg_fail(n, DW_EPARSE,
                        "the image has a DAO table but no cue table (CUEX or "
                        "CUES); it is damaged");
    if (n->cue_chunks != n->dao_chunks)
        return nrg_fail(n, DW_EPARSE,
                        "%d cue tables but %d DAO tables; the image is damaged",
                        n->cue_chunks, n->dao_chunks);
    bool first_track_of_disc = true;
    for (int s = 1; s <= n->dao_chunks; s++) {
        int first_number = 0, last_number = 0;
        for (int i = 0; i < n->dao_n; i++) {
            const struct nrg_dao *d = &n->dao[i];
            if (d->session != s)
                continue;
            if ((rc = dao_track(n, s, d, first_track_of_disc)))
                return rc;
            first_track_of_disc = false;
            if (!first_number)
                first_number = d->number;
            last_number = d->number;
        }
        if (!first_number)
            return nrg_fail(n, DW_EPARSE,
                            "session %d has no tracks; the image is damaged", s);
        const struct nrg_cue *lo = find_cue(n, s, 0xaa, 1);
        if (!lo)
            lo = find_cue(n, s, 0xaa, 0);
        int32_t leadout = lo ? lo->lba : n->cursor_lba;
        if (leadout < n->cursor_lba)
            return nrg_fail(n, DW_EPARSE,
                            "the data of track %d runs to LBA %" PRId32 ", past "
                            "the lead-out at %" PRId32 "; the image is damaged",
                            last_number, n->cursor_lba, leadout);
        if ((rc = add_zero(n, last_number, leadout - n->cursor_lba)))
            return rc;
        add_session(n, s, first_number, last_number, leadout);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Track-at-once                                                       */

static int build_tao(struct nrg *n)
{
    int rc;
    /* Sessions from SINF when its counts add up, else one session. */
    int session_of[DW_MAX_TRACKS];
    int sessions = 1;
    uint64_t sum = 0;
    for (int i = 0; i < n->sinf_n; i++)
        sum += n->sinf[i];
    if (n->sinf_n > 0 && sum == (uint64_t)n->tao_n) {
        int k = 0;
        sessions = 0;
        for (int i = 0; i < n->sinf_n; i++) {
            if (n->sinf[i] == 0)
                continue;
            sessions++;
            for (uint32_t j = 0; j < n->sinf[i]; j++)
                session_of[k++] = sessions;
        }
    } else {
        if (n->sinf_n > 0)
            dw__image_warn(n->img,
                           "'%s': the session table counts %" PRIu64 " tracks but the "
                           "track table has %d; reading one session",
                           n->path, sum, n->tao_n);
        for (int i = 0; i < n->tao_n; i++)
            session_of[i] = 1;
    }
    int session_first = 1;
    for (int i = 0; i < n->tao_n; i++) {
        const struct nrg_tao *e = &n->tao[i];
        int number = i + 1;
        struct nrg_mode m;
        if (nrg_mode_info(e->mode, &m) != 0)
            return nrg_fail(n, DW_EUNSUPPORTED,
                            "track %d has Nero mode 0x%02" PRIx32 ", which "
                            "discwright does not know",
                            number, e->mode);
        if (e->length_bytes % m.sector_bytes || e->length_bytes == 0)
            return nrg_fail(n, DW_EPARSE,
                            "track %d is %" PRIu64 " bytes long, not a whole "
                            "number of %" PRIu32 "-byte sectors; the image is damaged",
                            number, e->length_bytes, m.sector_bytes);
        if ((rc = check_extent(n, number, e->offset_bytes,
                               e->offset_bytes + e->length_bytes)))
            return rc;
        uint64_t sectors = e->length_bytes / m.sector_bytes;
        if (sectors > NRG_MAX_LBA || e->lba < 0 || e->lba > NRG_MAX_LBA)
            return nrg_fail(n, DW_EPARSE,
                            "track %d has impossible sizes; the image is damaged",
                            number);
        int32_t start, index0 = DW_LBA_NONE;
        if (i == 0) {
            start = (int32_t)e->lba;
            n->cursor_lba = start;
        } else {
            int prev = number - 1;
            bool new_session = session_of[i] != session_of[i - 1];
            int32_t gap = !new_session         ? NRG_TAO_PREGAP_SECTORS
                          : session_of[i] == 2 ? NRG_FIRST_SESSION_GAP_SECTORS
                                               : NRG_LATER_SESSION_GAP_SECTORS;
            start = n->cursor_lba + gap;
            if (e->lba > start)
                start = (int32_t)e->lba;
            if ((int64_t)start + (int64_t)sectors > NRG_MAX_LBA)
                return nrg_fail(n, DW_EPARSE,
                                "track %d is too long; the image is damaged", number);
            if (new_session) {
                add_session(n, session_of[i - 1], session_first, prev, n->cursor_lba);
                session_first = number;
                if ((rc = add_zero(n, prev,
                                   start - NRG_TAO_PREGAP_SECTORS - n->cursor_lba)))
                    return rc;
            }
            index0 = n->cursor_lba;
            if ((rc = add_zero(n, number, start - n->cursor_lba)))
                return rc;
        }
        struct dw_track *t = new_track(n, number, session_of[i], &m);
        t->index_lba[0] = index0;
        t->index_lba[1] = start;
        if (index0 != DW_LBA_NONE)
            t->pregap_silence_sectors = start - index0;
        if ((rc = add_span(n, number, (int32_t)sectors, 0, e->offset_bytes,
                           m.sector_bytes, m.layout)))
            return rc;
    }
    add_session(n, session_of[n->tao_n - 1], session_first, n->tao_n, n->cursor_lba);
    return 0;
}

/* ------------------------------------------------------------------ */
/* CD-TEXT (MMC-6 Annex J: 18-byte packs, block 0, single-byte text)   */

static void apply_cdtext(struct nrg *n)
{
    static const size_t field_offset[6] = {
        offsetof(struct dw_cdtext, title),      offsetof(struct dw_cdtext, performer),
        offsetof(struct dw_cdtext, songwriter), offsetof(struct dw_cdtext, composer),
        offsetof(struct dw_cdtext, arranger),   offsetof(struct dw_cdtext, message),
    };
    size_t packs = n->cdtext_bytes / NRG_CDTEXT_PACK_BYTES;
    for (int type = 0; type < 6; type++) {
        char text[DW_CDTEXT_BYTES];
        size_t len = 0;
        int track = -1;
        char prev[DW_CDTEXT_BYTES] = "";
        for (size_t i = 0; i < packs; i++) {
            const uint8_t *pk = n->cdtext + i * NRG_CDTEXT_PACK_BYTES;
            if (pk[0] != 0x80 + type || (pk[3] & 0x80) || ((pk[3] >> 4) & 7) != 0)
                continue;
            if (track < 0)
                track = pk[1] & 0x7f;
            for (int j = 4; j < 16; j++) {
                if (pk[j] != '\0') {
                    if (len + 1 < sizeof(text))
                        text[len++] = (char)pk[j];
                    continue;
                }
                text[len] = '\0';
                if (strcmp(text, "\t") == 0) /* "same as the previous track" */
                    snprintf(text, sizeof(text), "%s", prev);
                struct dw_cdtext *dst = NULL;
                if (track == 0) {
                    dst = &n->disc->cdtext;
                } else {
                    for (int k = 0; k < n->disc->track_count; k++)
                        if (n->disc->tracks[k].number == track)
                            dst = &n->disc->tracks[k].cdtext;
                }
                if (dst && text[0]) {
                    snprintf((char *)dst + field_offset[type], DW_CDTEXT_BYTES, "%s",
                             text);
                    n->disc->has_cdtext = true;
                }
                snprintf(prev, sizeof(prev), "%s", text);
                len = 0;
                if (++track > 99)
                    break;
            }
            if (track > 99)
                break;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

static struct nrg *nrg_new(const char *path, struct dw_error_detail *err)
{
    struct nrg *n = calloc(1, sizeof(*n));
    struct dw__image *img = calloc(1, sizeof(*img));
    if (!n || !img || !(img->disc = dw_disc_new())) {
        free(n);
        dw__image_free(img);
        dw__set_error(err, DW_ENOMEM, "'%s': out of memory", path);
        return NULL;
    }
    snprintf(img->format, sizeof(img->format), "nrg");
    n->path = path;
    n->err = err;
    n->img = img;
    n->disc = img->disc;
    return n;
}

static void nrg_free(struct nrg *n)
{
    if (n)
        dw__image_free(n->img);
    free(n);
}

/* From the footer (the last 12 bytes of a file of size bytes, or all of
 * them when it is shorter) to the chunk chain's first byte and the byte
 * after it. */
static int find_chain(struct nrg *n, const uint8_t *foot, size_t foot_bytes,
                      uint64_t size, uint64_t *chain_offset, uint64_t *chain_end)
{
    if (foot_bytes < 12)
        return nrg_fail(n, DW_EPARSE, "the file is too short to be a Nero image");
    if (memcmp(foot, "NER5", 4) == 0) {
        *chain_offset = be64(foot + 4);
        *chain_end = size - 12;
    } else if (memcmp(foot + 4, "NERO", 4) == 0) {
        *chain_offset = be32(foot + 8);
        *chain_end = size - 8;
    } else {
        return nrg_fail(n, DW_EPARSE,
                        "no Nero footer ('NER5' or 'NERO' in the last 12 bytes); "
                        "this is not an NRG image");
    }
    if (*chain_offset >= *chain_end)
        return nrg_fail(n, DW_EPARSE,
                        "the footer points at byte %" PRIu64 ", beyond the chunk "
                        "area; the image is truncated or damaged",
                        *chain_offset);
    if (*chain_end - *chain_offset > NRG_MAX_CHAIN_BYTES)
        return nrg_fail(n, DW_EPARSE,
                        "the chunk chain is %" PRIu64 " bytes long, more than any "
                        "Nero image holds; the image is damaged",
                        *chain_end - *chain_offset);
    return 0;
}

/* The disc from the chunk chain (chain_bytes bytes that started at
 * n->data_end in a file of size bytes). */
static int build(struct nrg *n, const uint8_t *chain, size_t chain_bytes, uint64_t size)
{
    char msg[256];
    int rc;
    if ((rc = parse_chain(n, chain, chain_bytes)))
        return rc;
    rc = dw__image_add_file(n->img, n->path, size);
    if (rc < 0)
        return nrg_fail(n, rc, "out of memory");
    if (n->dao_n > 0)
        rc = build_dao(n);
    else if (n->tao_n > 0)
        rc = build_tao(n);
    else
        rc = nrg_fail(n, DW_EPARSE,
                      "the image has no track table (DAOX, DAOI, ETN2 or ETNF)");
    if (rc)
        return rc;

    struct dw_disc *d = n->disc;
    d->leadout_lba = d->sessions[d->session_count - 1].leadout_lba;
    if ((rc = dw__image_check_cd_leadout(n->path, d->leadout_lba, n->err)))
        return rc;
    if (d->session_count == 1) {
        /* Single session: let dw_disc_finish build the table. */
        d->session_count = 0;
        memset(&d->sessions[0], 0, sizeof(d->sessions[0]));
    }
    if (n->cdtext)
        apply_cdtext(n);
    if ((rc = dw_disc_finish(d, msg, sizeof(msg))))
        return nrg_fail(n, DW_EPARSE, "%s; the image is damaged", msg);
    return 0;
}

int dw__nrg_parse(const uint8_t *data, size_t len, const char *path,
                  struct dw__image **out, struct dw_error_detail *err)
{
    uint64_t chain_offset, chain_end;
    struct nrg *n;
    int rc;
    if (out)
        *out = NULL;
    if (!path || !out || (!data && len))
        return dw__set_error(err, DW_EINVAL, "dw__nrg_parse: missing argument");
    if (!(n = nrg_new(path, err)))
        return DW_ENOMEM;
    size_t foot_bytes = len < 12 ? len : 12;
    const uint8_t *foot = len < 12 ? data : data + len - 12;
    if ((rc = find_chain(n, foot, foot_bytes, len, &chain_offset, &chain_end)))
        goto out;
    n->data_end = chain_offset;
    if ((rc = build(n, data + chain_offset, (size_t)(chain_end - chain_offset), len)))
        goto out;
    *out = n->img;
    n->img = NULL;
out:
    nrg_free(n);
    return rc;
}

/* fread of bytes at offset, or DW_EIO with a message. */
static int read_at(struct nrg *n, FILE *f, uint8_t *buf, size_t bytes, uint64_t offset)
{
    if (fseeko(f, (off_t)offset, SEEK_SET) != 0 || fread(buf, 1, bytes, f) != bytes)
        return nrg_fail(n, DW_EIO, "cannot read %zu bytes at byte %" PRIu64, bytes,
                        offset);
    return 0;
}

int dw__nrg_read(const char *path, struct dw__image **out, struct dw_error_detail *err)
{
    struct nrg *n = NULL;
    uint8_t *chain = NULL, foot[12];
    uint64_t size = 0, chain_offset, chain_end;
    FILE *f = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (!path || !out)
        return dw__set_error(err, DW_EINVAL, "dw__nrg_read: missing argument");
    if ((rc = dw__image_fopen(path, &f, &size, err))) /* a FIFO fails at once */
        return rc;
    if (!(n = nrg_new(path, err))) {
        rc = DW_ENOMEM;
        goto out;
    }
    size_t foot_bytes = size < sizeof(foot) ? (size_t)size : sizeof(foot);
    if ((rc = read_at(n, f, foot, foot_bytes, size - foot_bytes)) ||
        (rc = find_chain(n, foot, foot_bytes, size, &chain_offset, &chain_end)))
        goto out;
    size_t chain_bytes = (size_t)(chain_end - chain_offset);
    if (!(chain = malloc(chain_bytes))) {
        rc = nrg_fail(n, DW_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = read_at(n, f, chain, chain_bytes, chain_offset)))
        goto out;
    n->data_end = chain_offset;
    if ((rc = build(n, chain, chain_bytes, size)))
        goto out;
    *out = n->img;
    n->img = NULL;
out:
    fclose(f);
    free(chain);
    nrg_free(n);
    return rc;
}
