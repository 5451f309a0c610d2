/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright test bench: the emulator's medium.
 *
 * A medium is a layout (a dw_disc: sessions, tracks, indexes, lead-outs,
 * MCN, ISRC, CD-TEXT) and a sector store.  Images are opened with
 * discwright's own drive layer (dw_drive_open), which rebuilds full raw
 * sectors (sync, header, EDC/ECC) from whatever the image stores.  This
 * file answers the commands that describe the medium: READ CAPACITY, READ
 * TOC/PMA/ATIP formats 0, 1, 2, 4 and 5, READ DISC INFORMATION, READ TRACK
 * INFORMATION, READ FORMAT CAPACITIES and READ DISC STRUCTURE (MMC-6).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "emu_int.h"

/* ---- profiles ------------------------------------------------------------------- */

static const struct {
    const char *name;
    int profile;
} profile_names[] = {
    {"cdrom", 0x08}, {"cdr", 0x09},   {"cdrw", 0x0A},   {"dvdrom", 0x10},
    {"dvdr", 0x11},  {"dvdrw", 0x14}, {"dvdprw", 0x1A}, {"dvdpr", 0x1B},
    {"dvdrdl", 0x15}, {"dvdprdl", 0x2B},
    {"bdrom", 0x40}, {"bdr", 0x41},   {"bdre", 0x43},
};

int dw__emu_profile_parse(const char *text)
{
    char *end;
    long v;

    for (size_t i = 0; i < sizeof(profile_names) / sizeof(profile_names[0]); i++)
        if (!strcasecmp(text, profile_names[i].name))
            return profile_names[i].profile;
    v = strtol(text, &end, 0);
    if (end == text || *end)
        return -1;
    for (size_t i = 0; i < sizeof(profile_names) / sizeof(profile_names[0]); i++)
        if (profile_names[i].profile == v)
            return (int)v;
    return -1;
}

bool dw__emu_profile_is_cd(int profile)
{
    return profile >= 0x08 && profile <= 0x0A;
}

static enum dw__emu_family profile_family(int profile)
{
    if (dw__emu_profile_is_cd(profile))
        return DW_EMU_CD;
    return profile >= 0x40 ? DW_EMU_BD : DW_EMU_DVD;
}

/* ---- CD-TEXT packs (IEC 61866; MMC-6 READ TOC format 0101b) ----------------------- */

uint16_t dw__emu_crc16(const uint8_t *data, size_t bytes)
{
    uint16_t crc = 0;
    for (size_t i = 0; i < bytes; i++) {
        crc ^= (uint16_t)(data[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return (uint16_t)~crc;
}

#define CDTEXT_MAX_PACKS 255

struct pack_writer {
    uint8_t *packs;
    int count;
    int per_type[16];
};

static bool add_pack(struct pack_writer *w, uint8_t type, uint8_t track, uint8_t charpos,
                     const uint8_t text[12])
{
    uint8_t *p;
    uint16_t crc;

    if (w->count >= CDTEXT_MAX_PACKS)
        return false;
    p = w->packs + (size_t)w->count * 18;
    p[0] = type;
    p[1] = track;
    p[2] = (uint8_t)w->count;                      /* sequence number */
    p[3] = (uint8_t)(charpos > 15 ? 15 : charpos); /* block 0, single-byte text */
    memcpy(p + 4, text, 12);
    crc = dw__emu_crc16(p, 16);
    p[16] = (uint8_t)(crc >> 8);
    p[17] = (uint8_t)crc;
    w->per_type[type & 0x0F]++;
    w->count++;
    return true;
}

/* Packs of one text type: the album text, then each track's, each ended
 * by a NUL, cut into 12-byte pieces.  Byte 1 names the track whose text
 * the pack starts in, byte 3 how many of its characters came before. */
static void add_text_type(struct pack_writer *w, const struct dw_disc *disc, uint8_t type,
                          size_t field)
{
    const char *texts[DW_MAX_TRACKS + 1];
    uint8_t tracks[DW_MAX_TRACKS + 1];
    uint8_t stream[(DW_MAX_TRACKS + 1) * DW_CDTEXT_BYTES];
    size_t starts[DW_MAX_TRACKS + 1], len = 0;
    int n = 0, needed;
    bool any = false;

    texts[n] = (const char *)&disc->cdtext + field;
    tracks[n++] = 0;
    for (int i = 0; i < disc->track_count; i++) {
        texts[n] = (const char *)&disc->tracks[i].cdtext + field;
        tracks[n++] = (uint8_t)disc->tracks[i].number;
    }
    for (int i = 0; i < n; i++) {
        size_t l = strnlen(texts[i], DW_CDTEXT_BYTES - 1);
        any = any || l > 0;
        starts[i] = len;
        memcpy(stream + len, texts[i], l);
        len += l;
        stream[len++] = 0;
    }
    needed = (int)((len + 11) / 12);
    if (!any || w->count + needed > CDTEXT_MAX_PACKS - 3)
        return; /* nothing to say, or no room left beside the size packs */
    for (size_t pos = 0; pos < len; pos += 12) {
        uint8_t text[12] = {0};
        int s = 0;
        while (s + 1 < n && starts[s + 1] <= pos)
            s++;
        memcpy(text, stream + pos, len - pos < 12 ? len - pos : 12);
        add_pack(w, type, tracks[s],
                 (uint8_t)(pos - starts[s] > 15 ? 15 : pos - starts[s]), text);
    }
}

/* Build m->cdtext_packs from the layout's CD-TEXT: text packs 80h-85h and
 * the three size information packs (8Fh) of block 0 (English, ISO 8859-1). */
static int build_cdtext(struct dw__emu_medium *m)
{
    static const struct {
        uint8_t type;
        size_t field;
    } types[] = {
        {0x80, offsetof(struct dw_cdtext, title)},
        {0x81, offsetof(struct dw_cdtext, performer)},
        {0x82, offsetof(struct dw_cdtext, songwriter)},
        {0x83, offsetof(struct dw_cdtext, composer)},
        {0x84, offsetof(struct dw_cdtext, arranger)},
        {0x85, offsetof(struct dw_cdtext, message)},
    };
    const struct dw_disc *disc = m->disc;
    struct pack_writer w;
    uint8_t info[36];

    if (!disc->has_cdtext || disc->track_count < 1)
        return 0;
    memset(&w, 0, sizeof(w));
    w.packs = calloc(CDTEXT_MAX_PACKS, 18);
    if (!w.packs)
        return -1;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        add_text_type(&w, disc, types[i].type, types[i].field);
    if (w.count == 0) {
        free(w.packs);
        return 0;
    }
    /* Size information (IEC 61866): character code, first and last track,
     * copyright flags, packs per type 80h-8Fh, last sequence number per
     * block, language code per block. */
    memset(info, 0, sizeof(info));
    info[0] = 0x00; /* ISO 8859-1 */
    info[1] = (uint8_t)disc->tracks[0].number;
    info[2] = (uint8_t)disc->tracks[disc->track_count - 1].number;
    w.per_type[0x0F] = 3;
    for (int t = 0; t < 16; t++)
        info[4 + t] = (uint8_t)w.per_type[t];
    info[20] = (uint8_t)(w.count + 3 - 1);
    info[28] = 0x09; /* English */
    w.per_type[0x0F] = 0;
    for (int k = 0; k < 3; k++)
        add_pack(&w, 0x8F, (uint8_t)k, 0, info + 12 * k);
    m->cdtext_packs = w.packs;
    m->cdtext_bytes = (size_t)w.count * 18;
    return 0;
}

/* ---- loading ---------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

int dw__emu_medium_load(const char *path, int profile, struct dw__emu_medium **out,
                        char *msg, size_t msg_bytes)
{
    struct dw__emu_medium *m = calloc(1, sizeof(*m));
    struct dw_error_detail err;
    struct dw_drive_info info;
    const struct dw_disc *disc;
    bool iso;

    *out = NULL;
    if (!m)
        goto nomem;
    memset(&err, 0, sizeof(err));
    if (dw_drive_open(path, 0, &m->store.image, &err)) {
        snprintf(msg, msg_bytes, "emulator medium: %s", err.message);
        goto fail;
    }
    memset(&info, 0, sizeof(info));
    dw_drive_info(m->store.image, &info);
    iso = !strcmp(info.backend, "iso") || ends_with(path, ".iso");
    /* A DVD image of another format (a DVD .mds) is user data too. */
    struct dw_medium_info medium;
    memset(&medium, 0, sizeof(medium));
    if (!iso && dw_drive_medium(m->store.image, &medium) == 0 && !medium.is_cd)
        iso = true;
    if (!profile)
        profile = iso ? 0x10 : 0x08;
    if (!iso && !dw__emu_profile_is_cd(profile)) {
        snprintf(
            msg, msg_bytes,
            "emulator medium '%s' is a CD image: profile= can only make it cdrom, cdr "
            "or cdrw",
            path);
        goto fail;
    }
    disc = dw_drive_disc(m->store.image);
    if (!disc || disc->track_count < 1) {
        snprintf(msg, msg_bytes, "emulator medium '%s' has no tracks", path);
        goto fail;
    }
    m->disc = dw_disc_clone(disc);
    if (!m->disc)
        goto nomem;
    m->profile = profile;
    m->family = profile_family(profile);
    m->status = DW_STATUS_CLOSED;
    m->erasable =
        profile == 0x0A || profile == 0x14 || profile == 0x1A || profile == 0x43;
    m->capacity_sectors = m->disc->leadout_lba;
    m->store.raw = m->family == DW_EMU_CD;
    m->store.cache = malloc((size_t)DW_EMU_STORE_CHUNK * DW_SECTOR_RAW_BYTES);
    if (!m->store.cache)
        goto nomem;
    for (int i = 0; i < m->disc->track_count; i++) {
        enum dw_track_mode mode = m->disc->tracks[i].mode;
        if (mode == DW_MODE_MODE2 || mode == DW_MODE_MODE2_XA)
            m->disc_type = 0x20; /* CD-ROM XA */
    }
    if (m->family == DW_EMU_CD && build_cdtext(m))
        goto nomem;
    *out = m;
    return 0;
nomem:
    snprintf(msg, msg_bytes, "out of memory");
fail:
    dw__emu_medium_free(m);
    return -1;
}

void dw__emu_medium_free(struct dw__emu_medium *m)
{
    if (!m)
        return;
    dw__emu_wstate_free(m); /* writable media: the state file is saved first */
    dw_drive_free(m->store.image);
    free(m->store.cache);
    dw_disc_free(m->disc);
    free(m->cdtext_packs);
    free(m);
}

/* ---- layout queries ------------------------------------------------------------------
 */

int dw__emu_session_index(const struct dw__emu_medium *m, const struct dw_track *t)
{
    for (int i = 0; i < m->disc->session_count; i++)
        if (m->disc->sessions[i].number == t->session)
            return i;
    return 0;
}

unsigned dw__emu_track_control(const struct dw_track *t)
{
    return (t->control | (dw_track_is_data(t) ? DW_CTL_DATA : 0)) & 0x0F;
}

/* First LBA a track covers: its INDEX 00 (or 01), and -150 for the first
 * track of the disc, whose pregap always starts there. */
static int32_t track_start(const struct dw_disc *disc, const struct dw_track *t)
{
    int32_t first = dw_track_first_lba(t);
    if (t == &disc->tracks[0] && first > -150)
        first = -150;
    return first;
}

enum dw__emu_area dw__emu_locate(const struct dw__emu_medium *m, int32_t lba,
                                 const struct dw_track **track)
{
    const struct dw_disc *disc = m->disc;
    const struct dw_track *prev_last = NULL;

    *track = NULL;
    if (disc->track_count == 0) /* blank media */
        return lba < -150 ? DW_EMU_AREA_LEADIN : DW_EMU_AREA_LEADOUT;
    if (m->family != DW_EMU_CD) {
        if (lba < 0)
            return DW_EMU_AREA_LEADIN;
        *track = &disc->tracks[0];
        return lba < m->capacity_sectors ? DW_EMU_AREA_PROGRAM : DW_EMU_AREA_LEADOUT;
    }
    if (lba < -150)
        return DW_EMU_AREA_LEADIN;
    for (int s = 0; s < disc->session_count; s++) {
        const struct dw_session *ses = &disc->sessions[s];
        const struct dw_track *first = dw_disc_track(disc, ses->first_track);
        const struct dw_track *found = NULL;
        if (!first)
            continue;
        if (lba < track_start(disc, first)) {
            *track = prev_last;
            return DW_EMU_AREA_GAP;
        }
        if (lba >= ses->leadout_lba) {
            prev_last = dw_disc_track(disc, ses->last_track);
            continue;
        }
        for (int i = 0; i < disc->track_count; i++) {
            const struct dw_track *t = &disc->tracks[i];
            if (t->session != ses->number)
                continue;
            if (track_start(disc, t) <= lba)
                found = t;
        }
        *track = found ? found : first;
        return DW_EMU_AREA_PROGRAM;
    }
    *track = &disc->tracks[disc->track_count - 1];
    return DW_EMU_AREA_LEADOUT;
}

enum dw__emu_sector_kind dw__emu_sector_kind(const struct dw_track *t,
                                             const uint8_t raw[DW_SECTOR_RAW_BYTES])
{
    if (!dw_track_is_data(t))
        return DW_EMU_SEC_CDDA;
    switch (t->mode) {
    case DW_MODE_MODE2:
        return DW_EMU_SEC_MODE2;
    case DW_MODE_MODE2_XA:
        /* Submode byte of the subheader, bit 5: Form 2 (ECMA-130 / CD-ROM XA). */
        return raw && (raw[DW_OFF_MODE2_SUBHEADER + 2] & 0x20) ? DW_EMU_SEC_FORM2
                                                               : DW_EMU_SEC_FORM1;
    default:
        return DW_EMU_SEC_MODE1;
    }
}

/* ---- the sector store
 * ------------------------------------------------------------------ */

/* An empty sector of the track's kind, for LBAs no image holds. */
static void synth_sector(const struct dw_track *t, int32_t lba,
                         uint8_t raw[DW_SECTOR_RAW_BYTES])
{
    static const uint8_t zero[DW_SECTOR_FORM2_BYTES];
    static const uint8_t sub_form2[4] = {0, 0, 0x20, 0};
    if (!t || !dw_track_is_data(t))
        memset(raw, 0, DW_SECTOR_RAW_BYTES);
    else if (t->mode == DW_MODE_MODE1)
        dw_sector_encode_mode1(raw, lba, zero);
    else
        dw_sector_encode_mode2(raw, lba, 2, sub_form2, zero);
}

/* Last LBA + 1 the image may hold contiguously from lba (the end of its
 * session's program area). */
static int32_t run_end(const struct dw__emu_medium *m, int32_t lba)
{
    for (int s = 0; s < m->disc->session_count; s++)
        if (lba < m->disc->sessions[s].leadout_lba)
            return m->disc->sessions[s].leadout_lba;
    return m->capacity_sectors;
}

int dw__emu_store_raw(struct dw__emu_medium *m, int32_t lba,
                      uint8_t raw[DW_SECTOR_RAW_BYTES])
{
    struct dw__emu_store *st = &m->store;
    const struct dw_track *t;
    enum dw__emu_area area = dw__emu_locate(m, lba, &t);

    if (area == DW_EMU_AREA_LEADIN || area == DW_EMU_AREA_GAP)
        return -1;
    if (m->w && area == DW_EMU_AREA_PROGRAM)
        return dw__emu_wstore_raw(m, t, lba, raw); /* what was written */
    if (area == DW_EMU_AREA_LEADOUT || lba < 0) {
        synth_sector(t, lba, raw);
        return 0;
    }
    if (st->raw && st->cache_sectors > 0 && lba >= st->cache_lba &&
        lba < st->cache_lba + st->cache_sectors) {
        memcpy(raw, st->cache + (size_t)(lba - st->cache_lba) * DW_SECTOR_RAW_BYTES,
               DW_SECTOR_RAW_BYTES);
        return 0;
    }
    st->cache_sectors = 0;
    if (!st->raw)
        return -1;
    int32_t n = run_end(m, lba) - lba;
    if (n > DW_EMU_STORE_CHUNK)
        n = DW_EMU_STORE_CHUNK;
    if (n > 0 && dw_drive_read_raw(st->image, lba, n, st->cache) == 0) {
        st->cache_lba = lba;
        st->cache_sectors = n;
        memcpy(raw, st->cache, DW_SECTOR_RAW_BYTES);
        return 0;
    }
    /* One sector at a time: sectors an image does not hold (a cue that
     * starts its first track late) are made up. */
    int rc = dw_drive_read_raw(st->image, lba, 1, raw);
    if (rc == DW_ERANGE || rc == DW_EREAD) {
        synth_sector(t, lba, raw);
        return 0;
    }
    return rc ? -1 : 0;
}

int dw__emu_store_user(struct dw__emu_medium *m, int32_t lba,
                       uint8_t out[DW_SECTOR_USER_BYTES])
{
    struct dw__emu_store *st = &m->store;
    int32_t n;

    if (lba < 0 || lba >= m->capacity_sectors || st->raw)
        return -1;
    if (m->w)
        return dw__emu_wstore_user(m, lba, out);
    if (st->cache_sectors > 0 && lba >= st->cache_lba &&
        lba < st->cache_lba + st->cache_sectors) {
        memcpy(out, st->cache + (size_t)(lba - st->cache_lba) * DW_SECTOR_USER_BYTES,
               DW_SECTOR_USER_BYTES);
        return 0;
    }
    st->cache_sectors = 0;
    n = m->capacity_sectors - lba;
    if (n > DW_EMU_STORE_CHUNK)
        n = DW_EMU_STORE_CHUNK;
    if (dw_drive_read_user(st->image, lba, n, st->cache))
        return -1;
    st->cache_lba = lba;
    st->cache_sectors = n;
    memcpy(out, st->cache, DW_SECTOR_USER_BYTES);
    return 0;
}

/* ---- READ CAPACITY, READ FORMAT CAPACITIES
 * ---------------------------------------------------- */

void dw__emu_read_capacity(struct dw_emu *e, struct dw__emu_cmd *c)
{
    uint8_t r[8];
    int32_t last = e->medium->capacity_sectors - 1;
    dw__emu_put32(r, (uint32_t)(last < 0 ? 0 : last));
    dw__emu_put32(r + 4, DW_SECTOR_USER_BYTES);
    dw__emu_reply(c, r, sizeof(r), c->data_len);
}

void dw__emu_read_format_capacities(struct dw_emu *e, struct dw__emu_cmd *c)
{
    uint8_t r[12];
    size_t alloc = dw__emu_get16(c->cdb + 7);

    if (e->present && e->medium && e->medium->w) {
        dw__emu_wread_format_capacities(e, c);
        return;
    }
    memset(r, 0, sizeof(r));
    r[3] = 8; /* capacity list length: the current/maximum descriptor */
    if (e->present && e->medium) {
        dw__emu_put32(r + 4, (uint32_t)e->medium->capacity_sectors);
        r[8] = 0x02; /* formatted media */
    } else {
        dw__emu_put32(r + 4, 2295104); /* what a 4.7 GB disc would hold */
        r[8] = 0x03;                   /* no media present */
    }
    dw__emu_put24(r + 9, DW_SECTOR_USER_BYTES);
    dw__emu_reply(c, r, sizeof(r), alloc);
}

/* ---- READ TOC/PMA/ATIP
 * --------------------------------------------------------------------- */

static void put_address(uint8_t p[4], int32_t lba, bool msf)
{
    if (msf)
        dw__emu_put_msf(p, lba);
    else
        dw__emu_put32(p, (uint32_t)lba);
}

/* Format 0000b: one descriptor per track from `start_track` and the
 * lead-out (AAh) of the last session (MMC-6 READ TOC/PMA/ATIP). */
static void toc_format0(struct dw_emu *e, struct dw__emu_cmd *c, bool msf,
                        int start_track, size_t alloc)
{
    const struct dw_disc *disc = e->medium->disc;
    const struct dw_track *last = &disc->tracks[disc->track_count - 1];
    uint8_t r[4 + 8 * (DW_MAX_TRACKS + 1)];
    size_t len = 4;

    if (start_track > last->number && start_track != 0xAA) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    memset(r, 0, sizeof(r));
    r[2] = (uint8_t)disc->tracks[0].number;
    r[3] = (uint8_t)last->number;
    for (int i = 0; i < disc->track_count && start_track != 0xAA; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (t->number < start_track)
            continue;
        r[len + 1] = (uint8_t)(0x10 | dw__emu_track_control(t));
        r[len + 2] = (uint8_t)t->number;
        put_address(r + len + 4, t->index_lba[1], msf);
        len += 8;
    }
    r[len + 1] = (uint8_t)(0x10 | dw__emu_track_control(last));
    r[len + 2] = 0xAA;
    put_address(r + len + 4, disc->leadout_lba, msf);
    len += 8;
    dw__emu_put16(r, (uint32_t)(len - 2));
    dw__emu_reply(c, r, len, alloc);
}

/* Format 0001b: first and last session, and the first track of the last
 * session. */
static void toc_format1(struct dw_emu *e, struct dw__emu_cmd *c, bool msf, size_t alloc)
{
    const struct dw_disc *disc = e->medium->disc;
    const struct dw_session *ls = &disc->sessions[disc->session_count - 1];
    const struct dw_track *t = dw_disc_track(disc, ls->first_track);
    uint8_t r[12];

    if (!t)
        t = &disc->tracks[0];
    memset(r, 0, sizeof(r));
    dw__emu_put16(r, 10);
    r[2] = (uint8_t)disc->sessions[0].number;
    r[3] = (uint8_t)ls->number;
    r[5] = (uint8_t)(0x10 | dw__emu_track_control(t));
    r[6] = (uint8_t)t->number;
    put_address(r + 8, t->index_lba[1], msf);
    dw__emu_reply(c, r, sizeof(r), alloc);
}

/* One 11-byte full-TOC descriptor: session, ADR/CONTROL, TNO 0, POINT,
 * MIN/SEC/FRAME (0), ZERO, PMIN/PSEC/PFRAME, all binary (MMC-6). */
static size_t full_desc(uint8_t *p, int session, unsigned adr, unsigned ctl,
                        uint8_t point, uint8_t zero, uint8_t pmin, uint8_t psec,
                        uint8_t pframe)
{
    memset(p, 0, 11);
    p[0] = (uint8_t)session;
    p[1] = (uint8_t)(adr << 4 | (ctl & 0x0F));
    p[3] = point;
    p[7] = zero;
    p[8] = pmin;
    p[9] = psec;
    p[10] = pframe;
    return 11;
}

static size_t full_desc_lba(uint8_t *p, int session, unsigned adr, unsigned ctl,
                            uint8_t point, uint8_t zero, int32_t lba)
{
    uint8_t msf[4];
    dw__emu_put_msf(msf, lba);
    return full_desc(p, session, adr, ctl, point, zero, msf[1], msf[2], msf[3]);
}

/* Format 0010b: the lead-in Q of each session from `start_session`:
 * A0h (first track, disc type), A1h (last track), A2h (lead-out), the
 * track points, and for every session but the last B0h (ADR 5: start of
 * the next program area, last possible lead-out 79:59:74). */
static void toc_format2(struct dw_emu *e, struct dw__emu_cmd *c, int start_session,
                        size_t alloc)
{
    const struct dw__emu_medium *m = e->medium;
    const struct dw_disc *disc = m->disc;
    size_t cap = 4 + 11 * (size_t)(DW_MAX_TRACKS + 4 * DW_MAX_SESSIONS), len = 4;
    uint8_t *r;

    if (m->family != DW_EMU_CD ||
        start_session > disc->sessions[disc->session_count - 1].number) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    r = calloc(1, cap);
    if (!r) {
        dw__emu_fail(e, c, 0x4, 0x44, 0x00); /* internal target failure */
        return;
    }
    r[2] = (uint8_t)disc->sessions[0].number;
    r[3] = (uint8_t)disc->sessions[disc->session_count - 1].number;
    for (int s = 0; s < disc->session_count; s++) {
        const struct dw_session *ses = &disc->sessions[s];
        const struct dw_track *ft = dw_disc_track(disc, ses->first_track);
        const struct dw_track *lt = dw_disc_track(disc, ses->last_track);
        if (ses->number < start_session || !ft || !lt)
            continue;
        len += full_desc(r + len, ses->number, 1, dw__emu_track_control(ft), 0xA0, 0,
                         (uint8_t)ft->number, (uint8_t)m->disc_type, 0);
        len += full_desc(r + len, ses->number, 1, dw__emu_track_control(lt), 0xA1, 0,
                         (uint8_t)lt->number, 0, 0);
        len += full_desc_lba(r + len, ses->number, 1, dw__emu_track_control(lt), 0xA2, 0,
                             ses->leadout_lba);
        for (int i = 0; i < disc->track_count; i++) {
            const struct dw_track *t = &disc->tracks[i];
            if (t->session != ses->number)
                continue;
            len += full_desc_lba(r + len, ses->number, 1, dw__emu_track_control(t),
                                 (uint8_t)t->number, 0, t->index_lba[1]);
        }
        if (s + 1 == disc->session_count && m->w) {
            /* Appendable: B0h names the next program area and the last
             * possible lead-out. */
            int32_t next, last;
            if (dw__emu_wnext_session(m, &next, &last)) {
                uint8_t nmsf[4];
                len += full_desc_lba(r + len, ses->number, 5, dw__emu_track_control(lt),
                                     0xB0, 1, last);
                dw__emu_put_msf(nmsf, next);
                memcpy(r + len - 11 + 4, nmsf + 1, 3);
            }
        }
        if (s + 1 < disc->session_count) {
            /* B0h: MIN/SEC/FRAME the next program area, ZERO the number of
             * mode-5 pointers, PMIN/PSEC/PFRAME the last possible lead-out. */
            const struct dw_track *nt =
                dw_disc_track(disc, disc->sessions[s + 1].first_track);
            uint8_t next[4];
            len += full_desc_lba(r + len, ses->number, 5, dw__emu_track_control(lt), 0xB0,
                                 1, dw_msf_to_lba(79, 59, 74));
            dw__emu_put_msf(next, nt ? dw_track_first_lba(nt) : ses->leadout_lba);
            memcpy(r + len - 11 + 4, next + 1, 3);
        }
    }
    dw__emu_put16(r, (uint32_t)(len - 2));
    dw__emu_reply(c, r, len, alloc);
    free(r);
}

/* Format 0100b: ATIP of CD-R and CD-RW media (MMC-6; Orange Book): lead-in
 * start 97:27:00, last possible lead-out start 79:59:74. */
static void toc_format4(struct dw_emu *e, struct dw__emu_cmd *c, size_t alloc)
{
    const struct dw__emu_medium *m = e->medium;
    uint8_t r[28];

    if (m->profile != 0x09 && m->profile != 0x0A) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    memset(r, 0, sizeof(r));
    dw__emu_put16(r, sizeof(r) - 2);
    r[4] = 0x80 | 0x50 | 0x02; /* indicative target writing power 5, reference speed 2 */
    r[5] = 0x40;               /* URU: unrestricted use, as READ DISC INFORMATION says */
    r[6] = (uint8_t)(0x80 | (m->profile == 0x0A ? 0x40 : 0)); /* disc type: CD-RW */
    r[8] = 97;
    r[9] = 27;
    r[10] = 0;
    r[12] = 79;
    r[13] = 59;
    r[14] = 74;
    if (m->w) { /* the last possible lead-out of a blank disc is its capacity */
        uint8_t msf[4];
        dw__emu_put_msf(msf, m->w->total_sectors);
        memcpy(r + 12, msf + 1, 3);
    }
    dw__emu_reply(c, r, sizeof(r), alloc);
}

static void toc_format5(struct dw_emu *e, struct dw__emu_cmd *c, size_t alloc)
{
    const struct dw__emu_medium *m = e->medium;
    size_t len = 4 + m->cdtext_bytes;
    uint8_t *r;

    if (m->family != DW_EMU_CD || !e->pers.cdtext || !m->cdtext_bytes) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    r = malloc(len);
    if (!r) {
        dw__emu_fail(e, c, 0x4, 0x44, 0x00);
        return;
    }
    dw__emu_put16(r, (uint32_t)(len - 2));
    r[2] = r[3] = 0;
    memcpy(r + 4, m->cdtext_packs, m->cdtext_bytes);
    dw__emu_reply(c, r, len, alloc);
    free(r);
}

void dw__emu_read_toc(struct dw_emu *e, struct dw__emu_cmd *c)
{
    bool msf = (c->cdb[1] & 0x02) != 0;
    unsigned format = c->cdb[2] & 0x0F;
    size_t alloc = dw__emu_get16(c->cdb + 7);

    /* Drives still honour the old (SFF-8020) format bits 7-6 of byte 9. */
    if (format == 0 && (c->cdb[9] >> 6))
        format = c->cdb[9] >> 6;
    /* Blank media (and writable media with nothing closed yet) have no TOC;
     * ATIP answers all the same. */
    if (e->medium->disc->track_count == 0 && format != 4) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    switch (format) {
    case 0:
        toc_format0(e, c, msf, c->cdb[6], alloc);
        break;
    case 1:
        toc_format1(e, c, msf, alloc);
        break;
    case 2:
        toc_format2(e, c, c->cdb[6], alloc);
        break;
    case 4:
        toc_format4(e, c, alloc);
        break;
    case 5:
        toc_format5(e, c, alloc);
        break;
    default: /* 3 (PMA) has nothing on closed media */
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        break;
    }
}

/* ---- READ DISC INFORMATION, READ TRACK INFORMATION
 * ----------------------------------------- */

void dw__emu_read_disc_info(struct dw_emu *e, struct dw__emu_cmd *c)
{
    const struct dw__emu_medium *m = e->medium;
    if (m->w) {
        dw__emu_wread_disc_info(e, c);
        return;
    }
    const struct dw_disc *disc = m->disc;
    const struct dw_session *ls;
    uint8_t r[34];
    size_t alloc = dw__emu_get16(c->cdb + 7);

    if ((c->cdb[1] & 0x07) != 0) { /* only standard disc information */
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    ls = &disc->sessions[disc->session_count - 1];
    memset(r, 0, sizeof(r));
    dw__emu_put16(r, sizeof(r) - 2);
    /* Erasable, last session complete (11b), disc complete (10b). */
    r[2] = (uint8_t)((m->erasable ? 0x10 : 0) | 0x0C | 0x02);
    r[3] = (uint8_t)disc->tracks[0].number;
    r[4] = (uint8_t)disc->session_count;
    r[5] = (uint8_t)ls->first_track;
    r[6] = (uint8_t)ls->last_track;
    r[7] = (m->profile == 0x09 || m->profile == 0x0A) ? 0x20 : 0x00; /* URU */
    r[8] = (uint8_t)(m->family == DW_EMU_CD ? m->disc_type : 0);
    r[9] = (uint8_t)(disc->session_count >> 8);
    /* Complete disc: no next lead-in, no last possible lead-out. */
    memset(r + 16, 0xFF, 8);
    dw__emu_reply(c, r, sizeof(r), alloc);
}

void dw__emu_read_track_info(struct dw_emu *e, struct dw__emu_cmd *c)
{
    const struct dw__emu_medium *m = e->medium;
    if (m->w) {
        dw__emu_wread_track_info(e, c);
        return;
    }
    const struct dw_disc *disc = m->disc;
    const struct dw_track *t = NULL;
    uint32_t address = dw__emu_get32(c->cdb + 2);
    size_t alloc = dw__emu_get16(c->cdb + 7);
    uint8_t r[48];
    int32_t start, size;

    switch (c->cdb[1] & 0x03) {
    case 0: /* LBA */
        if (dw__emu_locate(m, (int32_t)address, &t) != DW_EMU_AREA_PROGRAM) {
            dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x21, 0x00);
            return;
        }
        break;
    case 1: /* logical track number; 0 (lead-in) and FFh (invisible) are not on closed
               media */
        if (address >= 1 && address <= 99)
            t = dw_disc_track(disc, (int)address);
        break;
    case 2: /* session number: its first track */
        for (int s = 0; s < disc->session_count; s++)
            if ((uint32_t)disc->sessions[s].number == address)
                t = dw_disc_track(disc, disc->sessions[s].first_track);
        break;
    default:
        break;
    }
    if (!t) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    start = t->index_lba[1];
    size = t->end_lba - start;
    memset(r, 0, sizeof(r));
    dw__emu_put16(r, sizeof(r) - 2);
    r[2] = (uint8_t)t->number;
    r[3] = (uint8_t)t->session;
    r[5] = (uint8_t)dw__emu_track_control(t); /* track mode */
    /* Data mode: 1h Mode 1, 2h Mode 2, Fh for audio (no data block type). */
    r[6] = (uint8_t)(!dw_track_is_data(t)       ? 0x0F
                     : t->mode == DW_MODE_MODE1 ? 0x01
                                                : 0x02);
    r[7] = 0x02; /* LRA_V; no next writable address on a complete track */
    dw__emu_put32(r + 8, (uint32_t)start);
    if (m->family != DW_EMU_CD)
        dw__emu_put32(r + 20, m->family == DW_EMU_BD ? 32 : 16); /* blocking factor */
    dw__emu_put32(r + 24, (uint32_t)size);
    dw__emu_put32(r + 28, (uint32_t)(start + size - 1));
    dw__emu_reply(c, r, sizeof(r), alloc);
}

/* ---- READ DISC STRUCTURE (DVD and BD)
 * ------------------------------------------------------ */

void dw__emu_read_disc_structure(struct dw_emu *e, struct dw__emu_cmd *c)
{
    const struct dw__emu_medium *m = e->medium;
    unsigned media_type = c->cdb[1] & 0x0F, layer = c->cdb[6], format = c->cdb[7];
    size_t alloc = dw__emu_get16(c->cdb + 8);
    uint8_t *r;
    size_t len;

    if (m->family == DW_EMU_CD || (m->family == DW_EMU_DVD && media_type != 0) ||
        (m->family == DW_EMU_BD && media_type != 1) || layer != 0) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    r = calloc(1, 4 + 2048);
    if (!r) {
        dw__emu_fail(e, c, 0x4, 0x44, 0x00);
        return;
    }
    if (format == 0xFF) { /* the structures this medium has */
        static const uint8_t dvd[] = {0x00, 0x01, 0x04, 0xFF};
        const uint8_t *list = dvd;
        size_t n = m->family == DW_EMU_DVD ? sizeof(dvd) : 1;
        static const uint8_t bd[] = {0xFF};
        if (m->family == DW_EMU_BD)
            list = bd;
        len = 4;
        for (size_t i = 0; i < n; i++) {
            uint32_t sl = list[i] == 0x00 || list[i] == 0x04 ? 2048 + 4
                          : list[i] == 0x01                  ? 8
                                                             : 4 + 4 * n;
            r[len] = list[i];
            r[len + 1] = 0x40; /* RDS: readable with READ DISC STRUCTURE */
            dw__emu_put16(r + len + 2, sl);
            len += 4;
        }
    } else if (m->family == DW_EMU_DVD && format == 0x00) {
        /* Physical format information (ECMA-267 / DVD Book via MMC-6):
         * book type and part version, disc size and maximum rate, layers
         * and layer type, densities, start and end physical sector of the
         * data area. */
        static const struct {
            int profile;
            uint8_t book;
            uint8_t layer_type;
        } books[] = {
            {0x10, 0x01, 0x01}, {0x11, 0x25, 0x02}, {0x14, 0x32, 0x04},
            {0x1A, 0x92, 0x04}, {0x1B, 0xA1, 0x02}, {0x15, 0x26, 0x02},
            {0x2B, 0xE1, 0x02},
        };
        r[4] = 0x01;
        r[6] = 0x01;
        for (size_t i = 0; i < sizeof(books) / sizeof(books[0]); i++)
            if (books[i].profile == m->profile) {
                r[4] = books[i].book;
                r[6] = books[i].layer_type;
            }
        /* Number of layers (bits 6-5) 1 on dual-layer media, opposite
         * track path (bit 4) as DVD±R DL have. */
        if (dw__emu_medium_dual_layer(m))
            r[6] |= 0x30;
        r[5] = m->profile == 0x10 ? 0x02 : 0x0F;
        dw__emu_put32(r + 8, 0x030000);
        dw__emu_put32(r + 12, 0x030000 + (uint32_t)dw__emu_medium_sectors(m) - 1);
        len = 4 + 2048;
    } else if (m->family == DW_EMU_DVD && format == 0x01) {
        len = 8; /* copyright: no protection system, all regions */
    } else if (m->family == DW_EMU_DVD && format == 0x04) {
        len = 4 + 2048; /* manufacturing information: none recorded */
    } else {
        free(r);
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    dw__emu_put16(r, (uint32_t)(len - 2));
    dw__emu_reply(c, r, len, alloc);
    free(r);
}
