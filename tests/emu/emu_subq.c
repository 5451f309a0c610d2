/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright test bench: the Q sub-channel, synthesized from the layout.
 *
 * Every readable LBA gets the Q frame a pressed disc would carry there
 * (IEC 60908 17.5, ECMA-130 cl. 22): ADR 1 position frames with the track
 * number, the index (00 in pregaps, with the relative time counting down
 * to 00:00:00 on the last pregap frame), relative and absolute time in BCD;
 * ADR 2 (MCN) and ADR 3 (ISRC) frames once every 100 frames; CONTROL from
 * the track flags; the CRC of ECMA-130 22.3.6.  The P channel is set in
 * pregaps and blinks at 2 Hz in the lead-out.  R-W are zero (no CD+G).
 * READ SUB-CHANNEL (MMC-6) reports from the same model.
 */
#include <string.h>
#include "emu_int.h"

int dw__emu_q_position(const struct dw__emu_medium *m, int32_t lba,
                       struct dw__emu_qpos *out)
{
    const struct dw_track *t;
    enum dw__emu_area area;

    memset(out, 0, sizeof(*out));
    if (m->family != DW_EMU_CD)
        return -1;
    area = dw__emu_locate(m, lba, &t);
    if (area == DW_EMU_AREA_LEADOUT && t) {
        int32_t rel = lba - m->disc->leadout_lba;
        out->tno = 0xAA;
        out->index = 1;
        out->rel = rel;
        out->control = dw__emu_track_control(t);
        /* P: on at the start, then 2 Hz after the first 2 s (as libburn writes it). */
        out->pause = rel == 0 || (rel >= 150 && ((rel % 75) / 19) % 2 == 0);
        return 0;
    }
    if (area != DW_EMU_AREA_PROGRAM || !t)
        return -1;
    out->tno = t->number;
    out->control = dw__emu_track_control(t);
    if (lba < t->index_lba[1]) {
        out->index = 0;
        out->rel = t->index_lba[1] - lba - 1;
        out->pause = true;
        return 0;
    }
    out->index = 1;
    for (int i = 2; i < t->index_count && i < DW_MAX_INDEXES; i++)
        if (t->index_lba[i] != DW_LBA_NONE && t->index_lba[i] <= lba)
            out->index = i;
    out->rel = lba - t->index_lba[1];
    return 0;
}

/* A duration in frames as BCD minutes, seconds, frames. */
static void put_bcd_time(uint8_t *p, int32_t frames)
{
    if (frames < 0)
        frames = 0;
    p[0] = dw_bcd_encode((unsigned)(frames / (60 * 75)) % 100);
    p[1] = dw_bcd_encode((unsigned)(frames / 75 % 60));
    p[2] = dw_bcd_encode((unsigned)(frames % 75));
}

/* Absolute disc time of an LBA (00:02:00 at LBA 0, lead-in wraps to 90+). */
static int32_t abs_frames(int32_t lba)
{
    return lba >= -150 ? lba + 150 : lba + 450150;
}

/* ISRC character to its 6-bit code (IEC 60908 17.5.3: digits 00h-09h,
 * letters 11h-2Ah). */
static unsigned isrc_code(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'A' && c <= 'Z')
        return 0x11u + (unsigned)(c - 'A');
    if (c >= 'a' && c <= 'z')
        return 0x11u + (unsigned)(c - 'a');
    return 0;
}

static unsigned digit(char c)
{
    return c >= '0' && c <= '9' ? (unsigned)(c - '0') : 0;
}

int dw__emu_q_frame(const struct dw__emu_medium *m, int32_t lba, uint8_t q[12],
                    bool *p_channel)
{
    struct dw__emu_qpos pos;
    const struct dw_track *t = NULL;
    int32_t phase = ((lba % 100) + 100) % 100;
    uint16_t crc;

    memset(q, 0, 12);
    *p_channel = false;
    if (dw__emu_q_position(m, lba, &pos))
        return -1;
    *p_channel = pos.pause;
    if (pos.tno != 0xAA)
        t = dw_disc_track(m->disc, pos.tno);

    if (phase == 13 && pos.tno != 0xAA && strlen(m->disc->mcn) == 13) {
        /* ADR 2: 13 BCD digits of the MCN, zero, absolute frame. */
        const char *mcn = m->disc->mcn;
        q[0] = (uint8_t)(pos.control << 4 | 2);
        for (int i = 0; i < 13; i++)
            q[1 + i / 2] |= (uint8_t)(digit(mcn[i]) << (i % 2 ? 0 : 4));
        q[9] = dw_bcd_encode((unsigned)(abs_frames(lba) % 75));
    } else if (phase == 53 && t && pos.index >= 1 && strlen(t->isrc) == 12) {
        /* ADR 3: five 6-bit characters, two zero bits, seven BCD digits,
         * a zero nibble, absolute frame. */
        const char *isrc = t->isrc;
        uint64_t bits = 0;
        q[0] = (uint8_t)(pos.control << 4 | 3);
        for (int i = 0; i < 5; i++)
            bits = bits << 6 | isrc_code(isrc[i]);
        bits <<= 2;
        q[1] = (uint8_t)(bits >> 24);
        q[2] = (uint8_t)(bits >> 16);
        q[3] = (uint8_t)(bits >> 8);
        q[4] = (uint8_t)bits;
        for (int i = 0; i < 7; i++)
            q[5 + i / 2] |= (uint8_t)(digit(isrc[5 + i]) << (i % 2 ? 0 : 4));
        q[9] = dw_bcd_encode((unsigned)(abs_frames(lba) % 75));
    } else {
        /* ADR 1: TNO, INDEX, relative time, zero, absolute time. */
        q[0] = (uint8_t)(pos.control << 4 | 1);
        q[1] = pos.tno == 0xAA ? 0xAA : dw_bcd_encode((unsigned)pos.tno);
        q[2] = dw_bcd_encode((unsigned)pos.index);
        put_bcd_time(q + 3, pos.rel);
        put_bcd_time(q + 7, abs_frames(lba));
    }
    crc = dw_q_crc(q);
    q[10] = (uint8_t)(crc >> 8);
    q[11] = (uint8_t)crc;
    return 0;
}

void dw__emu_pw_interleave(const uint8_t q[12], bool p_channel, uint8_t out[96])
{
    for (int i = 0; i < 96; i++) {
        unsigned qbit = (q[i / 8] >> (7 - i % 8)) & 1;
        out[i] = (uint8_t)((p_channel ? 0x80 : 0) | (qbit << 6));
    }
}

/* ---- READ SUB-CHANNEL (MMC-6) --------------------------------------------------------
 */

void dw__emu_read_subchannel(struct dw_emu *e, struct dw__emu_cmd *c)
{
    const struct dw__emu_medium *m = e->medium;
    bool msf = (c->cdb[1] & 0x02) != 0, subq = (c->cdb[2] & 0x40) != 0;
    unsigned format = c->cdb[3];
    size_t alloc = dw__emu_get16(c->cdb + 7);
    uint8_t r[24];

    memset(r, 0, sizeof(r));
    r[1] = 0x15; /* audio status: none to report (no audio play modelled) */
    if (!subq) {
        dw__emu_reply(c, r, 4, alloc);
        return;
    }
    switch (format) {
    case 0x01: { /* current position */
        struct dw__emu_qpos pos;
        int32_t lba = e->head_lba;
        const struct dw_track *t = NULL;
        if (dw__emu_q_position(m, lba, &pos)) {
            pos.tno = 1;
            pos.index = 1;
            pos.control = DW_CTL_DATA;
            pos.rel = lba;
        }
        if (pos.tno != 0xAA)
            t = dw_disc_track(m->disc, pos.tno);
        r[4] = 0x01;
        r[5] = (uint8_t)(0x10 | pos.control);
        r[6] = (uint8_t)pos.tno;
        r[7] = (uint8_t)pos.index;
        if (msf) {
            dw__emu_put_msf(r + 8, lba);
            r[12] = 0;
            r[13] = (uint8_t)(pos.rel / (60 * 75));
            r[14] = (uint8_t)(pos.rel / 75 % 60);
            r[15] = (uint8_t)(pos.rel % 75);
        } else {
            /* Track-relative LBA: negative in the pregap. */
            int32_t rel = t ? lba - t->index_lba[1] : pos.rel;
            dw__emu_put32(r + 8, (uint32_t)lba);
            dw__emu_put32(r + 12, (uint32_t)rel);
        }
        dw__emu_put16(r + 2, 12);
        dw__emu_reply(c, r, 16, alloc);
        return;
    }
    case 0x02: /* media catalogue number */
        r[4] = 0x02;
        if (strlen(m->disc->mcn) == 13) {
            r[8] = 0x80; /* MCVal */
            memcpy(r + 9, m->disc->mcn, 13);
        }
        dw__emu_put16(r + 2, 20);
        dw__emu_reply(c, r, 24, alloc);
        return;
    case 0x03: { /* track ISRC */
        const struct dw_track *t = dw_disc_track(m->disc, c->cdb[6]);
        if (!t) {
            dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
            return;
        }
        r[4] = 0x03;
        r[5] = (uint8_t)(0x10 | dw__emu_track_control(t));
        r[6] = (uint8_t)t->number;
        if (strlen(t->isrc) == 12) {
            r[8] = 0x80; /* TCVal */
            memcpy(r + 9, t->isrc, 12);
        }
        dw__emu_put16(r + 2, 20);
        dw__emu_reply(c, r, 24, alloc);
        return;
    }
    default:
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
}
