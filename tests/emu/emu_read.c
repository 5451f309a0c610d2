/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright test bench: reading sectors.
 *
 * READ(10), READ(12), READ CD and READ CD MSF (MMC-6), with the fault plan
 * applied per LBA and the timing model.  READ CD cuts the fields of each
 * sector out of its raw 2352 bytes (ECMA-130 cl. 14):
 *
 *   kind     sync     header   subheader  user data     EDC/ECC
 *   CD-DA    -        -        -          0-2352        -
 *   Mode 1   0-12     12-16    -          16-2064       2064-2352
 *   Mode 2   0-12     12-16    -          16-2352       -
 *   Form 1   0-12     12-16    16-24      24-2072       2072-2352
 *   Form 2   0-12     12-16    16-24      24-2348       2348-2352
 *
 * and appends C2 error pointers (294 bytes, or 296: a block error byte, a
 * pad byte and the 294) and the sub-channel (96 bytes raw P-W, 16 bytes
 * formatted Q, or 96 bytes of R-W) after them.
 */
#include <string.h>
#include <time.h>
#include "emu_int.h"

/* ---- timing model ------------------------------------------------------------------ */

#define SPIN_UP_NS 1000000000ull /* from standstill to reading */
#define SEEK_NS 100000000ull     /* a random access */

static uint64_t transfer_ns(enum dw__emu_family family, unsigned x, int64_t sectors)
{
    switch (family) {
    case DW_EMU_DVD: /* 1x = 1,385,000 B/s */
        return (uint64_t)sectors * 2048ull * 1000000000ull / (1385000ull * x);
    case DW_EMU_BD: /* 1x = 4,495,500 B/s */
        return (uint64_t)sectors * 2048ull * 1000000000ull / (4495500ull * x);
    default: /* 1x = 75 sectors/s */
        return (uint64_t)sectors * 1000000000ull / (75ull * x);
    }
}

/* Account (and, unless timing=virtual, sleep) the time a drive of the
 * configured nominal speed takes for a read of `sectors` from lba: spin-up
 * from standstill, a seek when what it must read from the disc does not
 * follow the last read (a read that starts in the cache and goes on where
 * the last one ended streams on), the transfer at the nominal rate; sectors
 * still in the read cache (the last `cache` sectors read) cost nothing. */
static void account_read(struct dw_emu *e, int32_t lba, int32_t sectors)
{
    const struct dw__emu_personality *p = &e->pers;
    unsigned x = p->speed_x;
    int64_t uncached = 0;
    int32_t first_uncached = lba;
    uint64_t ns = 0;

    if (!x || sectors <= 0)
        return;
    if (!e->spinning) {
        ns += SPIN_UP_NS;
        e->spinning = true;
    }
    for (int32_t i = 0; i < sectors; i++)
        if (!(lba + i >= e->cache_first && lba + i < e->cache_end) && uncached++ == 0)
            first_uncached = lba + i;
    if (uncached && e->next_lba != first_uncached)
        ns += SEEK_NS;
    ns += transfer_ns(e->medium->family, x, uncached);
    e->next_lba = lba + sectors;
    if (p->cache_sectors > 0) {
        int32_t end = lba + sectors;
        int32_t first =
            lba >= e->cache_first && lba <= e->cache_end ? e->cache_first : lba;
        if (end - first > p->cache_sectors)
            first = end - p->cache_sectors;
        e->cache_first = first;
        e->cache_end = end;
    }
    e->media_time_ns += ns;
    if (!p->timing_virtual && ns) {
        struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
        while (nanosleep(&ts, &ts) != 0)
            ;
    }
}

/* Account (and, unless timing=virtual, sleep) the time a drive of the
 * configured nominal speed takes to write `sectors` (no seeks: writes
 * stream at the NWA), so that a burn takes its time and can be
 * interrupted mid-way in a test. */
void dw__emu_account_write(struct dw_emu *e, int64_t sectors)
{
    const struct dw__emu_personality *p = &e->pers;
    uint64_t ns;

    if (!p->speed_x || sectors <= 0 || !e->medium)
        return;
    ns = transfer_ns(e->medium->family, p->speed_x, sectors);
    e->media_time_ns += ns;
    if (!p->timing_virtual && ns) {
        struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
        while (nanosleep(&ts, &ts) != 0)
            ;
    }
}

/* ---- READ(10), READ(12) -------------------------------------------------------------
 */

void dw__emu_read10(struct dw_emu *e, struct dw__emu_cmd *c)
{
    struct dw__emu_medium *m = e->medium;
    bool twelve = c->cdb[0] == 0xA8;
    uint32_t lba = dw__emu_get32(c->cdb + 2);
    uint32_t sectors = twelve ? dw__emu_get32(c->cdb + 6) : dw__emu_get16(c->cdb + 7);
    uint8_t raw[DW_SECTOR_RAW_BYTES], user[DW_SECTOR_USER_BYTES];
    size_t out = 0;
    uint32_t done = 0;
    int key, asc, ascq;

    if (sectors == 0) {
        dw__emu_done(c, 0);
        return;
    }
    if ((uint64_t)lba + sectors >
        (uint64_t)(m->capacity_sectors > 0 ? m->capacity_sectors : 0)) {
        int32_t bad =
            lba < (uint32_t)m->capacity_sectors ? m->capacity_sectors : (int32_t)lba;
        dw__emu_fail_lba(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x21, 0x00, bad);
        return;
    }
    for (; done < sectors && out < c->data_len; done++) {
        int32_t l = (int32_t)(lba + done);
        const uint8_t *src = user;
        size_t n;
        if (m->family == DW_EMU_CD) {
            const struct dw_track *t;
            enum dw__emu_sector_kind kind;
            if (dw__emu_locate(m, l, &t) != DW_EMU_AREA_PROGRAM) {
                dw__emu_fail_lba(e, c, EMU_KEY_MEDIUM_ERROR, 0x02, 0x00,
                                 l); /* no seek complete */
                return;
            }
            if (!dw_track_is_data(t)) {
                dw__emu_fail_lba(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x64, 0x00, l);
                return;
            }
            if (dw__emu_fault_read_fails(&e->faults, l, &key, &asc, &ascq) ||
                (m->w && dw__emu_wread_fails(m, l, &key, &asc, &ascq))) {
                dw__emu_fail_lba(e, c, key, asc, ascq, l);
                return;
            }
            if (dw__emu_store_raw(m, l, raw)) {
                dw__emu_fail_lba(e, c, EMU_KEY_MEDIUM_ERROR, 0x11, 0x00, l);
                return;
            }
            kind = dw__emu_sector_kind(t, raw);
            if (kind == DW_EMU_SEC_MODE1)
                src = raw + DW_OFF_MODE1_DATA;
            else if (kind == DW_EMU_SEC_FORM1)
                src = raw + DW_OFF_MODE2_DATA;
            else { /* Mode 2 formless and Form 2 have no 2048-byte blocks */
                dw__emu_fail_lba(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x64, 0x00, l);
                return;
            }
        } else {
            if (dw__emu_fault_read_fails(&e->faults, l, &key, &asc, &ascq)) {
                dw__emu_fail_lba(e, c, key, asc, ascq, l);
                return;
            }
            if (dw__emu_store_user(m, l, user)) {
                dw__emu_fail_lba(e, c, EMU_KEY_MEDIUM_ERROR, 0x11, 0x00, l);
                return;
            }
        }
        n = c->data_len - out < DW_SECTOR_USER_BYTES ? c->data_len - out
                                                     : DW_SECTOR_USER_BYTES;
        if (c->dir == DW_EMU_READ)
            memcpy(c->data + out, src, n);
        out += n;
        e->head_lba = l;
    }
    account_read(e, (int32_t)lba, (int32_t)done);
    dw__emu_done(c, c->dir == DW_EMU_READ ? out : 0);
}

/* ---- READ CD, READ CD MSF -------------------------------------------------------------
 */

struct read_cd_req {
    unsigned type;        /* expected sector type */
    bool sync, user, edc; /* byte 9 */
    unsigned headers;     /* byte 9 bits 6-5: 1 header, 2 subheader, 3 both */
    unsigned c2;          /* byte 9 bits 2-1 */
    unsigned sub;         /* byte 10 bits 2-0 */
};

/* Can LBA l be read by READ CD at all?  0, or the sense to fail with. */
static int readable(const struct dw_emu *e, int32_t l, enum dw__emu_area area, int *key,
                    int *asc, int *ascq)
{
    const struct dw__emu_medium *m = e->medium;
    *key = EMU_KEY_ILLEGAL_REQUEST;
    *asc = 0x21; /* logical block address out of range */
    *ascq = 0x00;
    switch (area) {
    case DW_EMU_AREA_PROGRAM:
        if (l < 0 && !(e->pers.overread & DW_EMU_OVERREAD_LEADIN))
            return -1;
        return 0;
    case DW_EMU_AREA_LEADOUT:
        /* Drives that overread give the lead-out's first 6750 sectors. */
        if ((e->pers.overread & DW_EMU_OVERREAD_LEADOUT) &&
            l < m->disc->leadout_lba + 6750)
            return 0;
        return -1;
    case DW_EMU_AREA_GAP:
        *key = EMU_KEY_MEDIUM_ERROR;
        *asc = 0x02; /* no seek complete */
        return -1;
    default:
        return -1;
    }
}

/* One audio sector of the stream for offset shifting: digital silence
 * outside the audio the disc holds. */
static void audio_sector(struct dw_emu *e, int32_t l, uint8_t out[DW_SECTOR_RAW_BYTES])
{
    const struct dw_track *t;
    enum dw__emu_area area = dw__emu_locate(e->medium, l, &t);
    bool ok = t && !dw_track_is_data(t) &&
              (area == DW_EMU_AREA_PROGRAM ||
               (area == DW_EMU_AREA_LEADOUT && l < e->medium->disc->leadout_lba + 6750));
    if (!ok || dw__emu_store_raw(e->medium, l, out))
        memset(out, 0, DW_SECTOR_RAW_BYTES);
}

/* The 2352 audio bytes a drive with a read offset of `samples` returns for
 * LBA l: the stream shifted by samples * 4 bytes. */
static void shifted_audio(struct dw_emu *e, int32_t l, int32_t samples,
                          uint8_t out[DW_SECTOR_RAW_BYTES])
{
    uint8_t a[DW_SECTOR_RAW_BYTES];
    int64_t start = (int64_t)l * DW_SECTOR_RAW_BYTES - (int64_t)samples * 4;
    int64_t s0 = start >= 0 ? start / DW_SECTOR_RAW_BYTES
                            : -((-start + DW_SECTOR_RAW_BYTES - 1) / DW_SECTOR_RAW_BYTES);
    size_t o0 = (size_t)(start - s0 * DW_SECTOR_RAW_BYTES);

    audio_sector(e, (int32_t)s0, a);
    memcpy(out, a + o0, DW_SECTOR_RAW_BYTES - o0);
    if (o0) {
        audio_sector(e, (int32_t)s0 + 1, a);
        memcpy(out + DW_SECTOR_RAW_BYTES - o0, a, o0);
    }
}

/* Byte range [*from, *to) of a field of a sector kind; false if the kind
 * has no such field. */
enum field { F_SYNC, F_HEADER, F_SUBHEADER, F_USER, F_EDC };

static bool field_range(enum dw__emu_sector_kind kind, enum field f, size_t *from,
                        size_t *to)
{
    static const size_t ranges[5][5][2] = {
        /* CD-DA */ {{0, 0}, {0, 0}, {0, 0}, {0, 2352}, {0, 0}},
        /* Mode 1 */ {{0, 12}, {12, 16}, {0, 0}, {16, 2064}, {2064, 2352}},
        /* Mode 2 */ {{0, 12}, {12, 16}, {0, 0}, {16, 2352}, {0, 0}},
        /* Form 1 */ {{0, 12}, {12, 16}, {16, 24}, {24, 2072}, {2072, 2352}},
        /* Form 2 */ {{0, 12}, {12, 16}, {16, 24}, {24, 2348}, {2348, 2352}},
    };
    const size_t *r = ranges[kind - DW_EMU_SEC_CDDA][f];
    *from = r[0];
    *to = r[1];
    return r[1] > r[0];
}

/* Append [from, to) of src to the sector being built. */
static void put(uint8_t *out, size_t *len, const uint8_t *src, size_t from, size_t to)
{
    memcpy(out + *len, src + from, to - from);
    *len += to - from;
}

/* The formatted Q of MMC-6 READ CD sub-channel 010b: the 10 Q bytes, the
 * CRC, three zero bytes and the P bit in bit 7 of byte 15.  With subq=binary
 * the numbers of ADR 1 frames come binary (the CRC stays the disc's). */
static void formatted_q(const struct dw_emu *e, const uint8_t q[12], bool p,
                        uint8_t out[16])
{
    memset(out, 0, 16);
    memcpy(out, q, 12);
    if (e->pers.subq_binary && (q[0] & 0x0F) == 1) {
        for (int i = 1; i <= 9; i++) {
            int v;
            if (i == 1 && q[1] == 0xAA)
                continue;
            v = dw_bcd_decode(q[i]);
            out[i] = (uint8_t)(v < 0 ? q[i] : v);
        }
    }
    out[15] = p ? 0x80 : 0x00;
}

void dw__emu_read_cd(struct dw_emu *e, struct dw__emu_cmd *c)
{
    struct dw__emu_medium *m = e->medium;
    const struct dw__emu_personality *p = &e->pers;
    struct read_cd_req rq;
    int32_t start;
    int64_t sectors;
    size_t out_len = 0;
    int32_t done = 0;
    int key, asc, ascq;

    if (c->cdb[0] == 0xB9) {
        int32_t end = dw__emu_msf_lba(c->cdb[6], c->cdb[7], c->cdb[8]);
        start = dw__emu_msf_lba(c->cdb[3], c->cdb[4], c->cdb[5]);
        if (c->cdb[4] >= 60 || c->cdb[5] >= 75 || c->cdb[7] >= 60 || c->cdb[8] >= 75 ||
            end < start) {
            dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
            return;
        }
        sectors = end - start;
    } else {
        start = (int32_t)dw__emu_get32(c->cdb + 2);
        sectors = dw__emu_get24(c->cdb + 6);
    }
    rq.type = (c->cdb[1] >> 2) & 0x07;
    rq.sync = (c->cdb[9] & 0x80) != 0;
    rq.headers = (c->cdb[9] >> 5) & 0x03;
    rq.user = (c->cdb[9] & 0x10) != 0;
    rq.edc = (c->cdb[9] & 0x08) != 0;
    rq.c2 = (c->cdb[9] >> 1) & 0x03;
    rq.sub = c->cdb[10] & 0x07;

    /* Field checks (MMC-6 READ CD): reserved codes, C2 the drive lacks, and
     * selections that leave a hole (sync without the header, EDC/ECC after
     * a header without the user data between them). */
    if (rq.type > 5 || rq.c2 == 3 || (rq.c2 == 1 && p->c2 == DW_EMU_C2_NONE) ||
        (rq.c2 == 2 && p->c2 != DW_EMU_C2_296) ||
        (rq.sub != 0 && rq.sub != 1 && rq.sub != 2 && rq.sub != 4) ||
        (rq.sub == 1 && p->no_raw_pw) ||
        (rq.sync && !(rq.headers & 1)) || (rq.headers && rq.edc && !rq.user)) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    if (m->family != DW_EMU_CD) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x30, 0x02); /* incompatible format */
        return;
    }
    e->read_cd_count++;

    /* Jitter comes from where a command starts reading: a READ CD that
     * returns any sector of a jitter range comes off as a whole, every
     * audio sector of it by the same number of samples (the first range it
     * touches decides). */
    int32_t jitter = 0;
    for (int64_t i = 0; i < sectors && i < 65536; i++) {
        struct dw__emu_fault *j =
            dw__emu_fault_at(&e->faults, DW_EMU_FAULT_JITTER, start + (int32_t)i);
        if (j) {
            jitter = dw__emu_fault_jitter_now(j, e->read_cd_count);
            break;
        }
    }

    for (int64_t i = 0; i < sectors && out_len < c->data_len; i++) {
        int32_t l = start + (int32_t)i;
        const struct dw_track *t;
        enum dw__emu_area area = dw__emu_locate(m, l, &t);
        enum dw__emu_sector_kind kind;
        uint8_t raw[DW_SECTOR_RAW_BYTES], c2[2 + DW_C2_BYTES], sector[2352 + 296 + 96];
        size_t len = 0, from, to;
        bool flagged = false;

        if (readable(e, l, area, &key, &asc, &ascq) || !t ||
            (m->w && dw__emu_wread_fails(m, l, &key, &asc, &ascq))) {
            dw__emu_fail_lba(e, c, key, asc, ascq, l);
            return;
        }
        if (dw__emu_store_raw(m, l, raw)) {
            dw__emu_fail_lba(e, c, EMU_KEY_MEDIUM_ERROR, 0x11, 0x00, l);
            return;
        }
        kind = dw__emu_sector_kind(t, raw);
        if (rq.type != 0 && rq.type != (unsigned)kind) {
            dw__emu_fail_lba(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x64, 0x00, l);
            return;
        }
        if (dw__emu_fault_read_fails(&e->faults, l, &key, &asc, &ascq)) {
            dw__emu_fail_lba(e, c, key, asc, ascq, l);
            return;
        }
        if (kind == DW_EMU_SEC_CDDA) {
            int32_t shift = p->offset_samples + jitter;
            if (shift)
                shifted_audio(e, l, shift, raw);
        }

        /* C2 and silent flips, on the bytes as returned. */
        memset(c2, 0, sizeof(c2));
        {
            bool fc2 = dw__emu_fault_c2_now(&e->faults, l);
            struct dw__emu_fault *ff = dw__emu_fault_at(&e->faults, DW_EMU_FAULT_FLIP, l);
            if (fc2 || ff) {
                unsigned offs[DW_EMU_FLIP_BYTES];
                dw__emu_fault_flip_offsets(l, offs);
                for (int k = 0; k < DW_EMU_FLIP_BYTES; k++) {
                    raw[offs[k]] ^= 0x5A;
                    if (fc2) {
                        c2[2 + offs[k] / 8] |= (uint8_t)(0x80 >> (offs[k] % 8));
                        flagged = true;
                    }
                }
            }
        }

        /* Main channel. */
        if (kind == DW_EMU_SEC_CDDA) {
            if (rq.user)
                put(sector, &len, raw, 0, DW_SECTOR_RAW_BYTES);
        } else {
            if (rq.sync && field_range(kind, F_SYNC, &from, &to))
                put(sector, &len, raw, from, to);
            if ((rq.headers & 1) && field_range(kind, F_HEADER, &from, &to))
                put(sector, &len, raw, from, to);
            if ((rq.headers & 2) && field_range(kind, F_SUBHEADER, &from, &to))
                put(sector, &len, raw, from, to);
            if (rq.user && field_range(kind, F_USER, &from, &to))
                put(sector, &len, raw, from, to);
            if (rq.edc && field_range(kind, F_EDC, &from, &to))
                put(sector, &len, raw, from, to);
        }

        /* C2 error information and sub-channel, in the personality's order. */
        for (int pass = 0; pass < 2; pass++) {
            bool do_c2 = (pass == 0) != p->c2_after_sub;
            if (do_c2) {
                if (rq.c2 == 1) {
                    put(sector, &len, c2 + 2, 0, DW_C2_BYTES);
                } else if (rq.c2 == 2) {
                    c2[0] = flagged ? 0x01 : 0x00; /* block error byte (OR of the bits) */
                    for (int k = 0; k < DW_C2_BYTES && flagged; k++)
                        c2[0] |= c2[2 + k];
                    c2[1] = 0; /* pad */
                    put(sector, &len, c2, 0, DW_C2_BYTES + 2);
                }
            } else if (rq.sub) {
                uint8_t q[12], pw[96], stored[96];
                bool pch, have_stored = m->w && dw__emu_wsub(m, l, stored) == 0;
                if (have_stored) { /* a disc written raw: its P-W as written */
                    dw_subchannel_q(stored, q);
                    pch = (stored[0] & 0x80) != 0;
                } else if (dw__emu_q_frame(m, l, q, &pch)) {
                    memset(q, 0, sizeof(q));
                }
                if (dw__emu_fault_at(&e->faults, DW_EMU_FAULT_BADQ, l)) {
                    q[10] ^= 0xFF;
                    q[11] ^= 0x5A;
                }
                if (rq.sub == 1) {
                    dw__emu_pw_interleave(q, pch, pw);
                    if (have_stored) { /* R-W as written; P and Q above */
                        for (int k = 0; k < 96; k++)
                            pw[k] = (uint8_t)((pw[k] & 0xC0) | (stored[k] & 0x3F));
                    }
                    if (p->pw_deinterleaved) { /* rawpw=deinterleaved */
                        uint8_t plain[96];
                        dw_subchannel_deinterleave(pw, plain);
                        memcpy(pw, plain, sizeof(plain));
                    }
                    put(sector, &len, pw, 0, 96);
                } else if (rq.sub == 2) {
                    formatted_q(e, q, pch, pw);
                    put(sector, &len, pw, 0, 16);
                } else {
                    for (int k = 0; k < 96; k++) /* R-W: as written, else none */
                        pw[k] = have_stored ? (uint8_t)(stored[k] & 0x3F) : 0;
                    put(sector, &len, pw, 0, 96);
                }
            }
        }

        if (c->dir == DW_EMU_READ && c->data) {
            size_t n = c->data_len - out_len < len ? c->data_len - out_len : len;
            memcpy(c->data + out_len, sector, n);
            out_len += n;
        }
        e->head_lba = l;
        done++;
    }
    account_read(e, start, done);
    dw__emu_done(c, out_len);
}
