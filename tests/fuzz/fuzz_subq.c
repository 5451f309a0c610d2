/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the Q sub-channel (src/sector/subq.c, ECMA-130
 * cl. 22.3): every 12 bytes of the input as a Q frame, as read and with its
 * CRC made right (so the field checks are reached, not only the CRC);
 * every 96 bytes as raw interleaved P-W.
 *   - dw_q_decode returns 0, DW_EMISMATCH or DW_EPARSE; an ADR 1, 2 or 3
 *     frame it decodes without error encodes (dw_q_encode) back to the
 *     same 12 bytes, except a lead-in frame whose POINT is not BCD (taken
 *     as it is, by design);
 *   - what dw_q_encode accepts decodes to the same fields;
 *   - de-interleaving P-W and interleaving it again gives the same 96
 *     bytes, and dw_subchannel_q is the de-interleaved Q.
 * Never a crash, leak or hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/errors.h"
#include "discwright/sector.h"

const char *dw_fuzz_fixture_ext = ".sub";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_frame(const uint8_t q[DW_Q_BYTES])
{
    struct dw_q d, again;
    uint8_t back[DW_Q_BYTES];
    int rc = dw_q_decode(q, &d);

    if (rc != 0 && rc != DW_EMISMATCH && rc != DW_EPARSE)
        abort();
    if (d.mcn[sizeof(d.mcn) - 1] != '\0' || d.isrc[sizeof(d.isrc) - 1] != '\0')
        abort();
    if (rc != 0)
        return;
    /* Other ADRs decode CONTROL/ADR only and do not encode (by contract). */
    if (d.adr < DW_Q_ADR_POSITION || d.adr > DW_Q_ADR_ISRC)
        return;
    bool raw_point = d.adr == DW_Q_ADR_POSITION && d.tno == 0 && dw_bcd_decode(q[2]) < 0;
    if (raw_point)
        return;
    if (dw_q_encode(&d, back) != 0 || memcmp(back, q, DW_Q_BYTES) != 0)
        abort();
    if (dw_q_decode(back, &again) != 0 || memcmp(&again, &d, sizeof(d)) != 0)
        abort();
}

/* A dw_q from 12 input bytes: whatever dw_q_encode accepts must decode to
 * the same fields. */
static void check_encode(const uint8_t *p)
{
    struct dw_q in, out;
    uint8_t q[DW_Q_BYTES];

    memset(&in, 0, sizeof(in));
    in.control = p[0] >> 4;
    in.adr = p[0] & 0x3u; /* 0-3: 0 is refused */
    if (in.adr == DW_Q_ADR_POSITION) {
        in.tno = p[1] == DW_Q_TNO_LEADOUT ? DW_Q_TNO_LEADOUT : p[1] % 101;
        in.index = p[2] % 101;
        in.rel_frames =
            (int32_t)((uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5]) % 460000;
        in.abs_lba =
            (int32_t)((uint32_t)p[6] << 16 | (uint32_t)p[7] << 8 | p[8]) % 460000 - 151;
    } else if (in.adr == DW_Q_ADR_MCN) {
        for (int i = 0; i < 13; i++)
            in.mcn[i] = (char)('0' + (p[1 + i % 9] >> (i % 2 * 4) & 0xF) % 11);
        in.aframe = p[10] % 80;
    } else if (in.adr == DW_Q_ADR_ISRC) {
        static const char chars[] =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-";
        for (int i = 0; i < 12; i++)
            in.isrc[i] = chars[p[1 + i % 9] % (sizeof(chars) - 1)];
        in.aframe = p[11] % 80;
    }
    if (dw_q_encode(&in, q) != 0) {
        for (int i = 0; i < DW_Q_BYTES; i++)
            if (q[i])
                abort(); /* refused: q is zero */
        return;
    }
    if (dw_q_decode(q, &out) != 0 || out.control != in.control || out.adr != in.adr)
        abort();
    if (in.adr == DW_Q_ADR_POSITION &&
        (out.tno != in.tno || out.index != in.index || out.rel_frames != in.rel_frames ||
         out.abs_lba != in.abs_lba))
        abort();
    if (in.adr == DW_Q_ADR_MCN &&
        (strcmp(out.mcn, in.mcn) != 0 || out.aframe != in.aframe))
        abort();
    if (in.adr == DW_Q_ADR_ISRC) {
        for (int i = 0; i < 12; i++)
            if (out.isrc[i] != (in.isrc[i] >= 'a' ? in.isrc[i] - 'a' + 'A' : in.isrc[i]))
                abort();
        if (out.aframe != in.aframe)
            abort();
    }
}

static void check_pw(const uint8_t pw[DW_SUBCHANNEL_BYTES])
{
    uint8_t planes[DW_SUBCHANNEL_BYTES], back[DW_SUBCHANNEL_BYTES], q[DW_Q_BYTES];

    dw_subchannel_deinterleave(pw, planes);
    dw_subchannel_interleave(planes, back);
    if (memcmp(back, pw, DW_SUBCHANNEL_BYTES) != 0)
        abort();
    dw_subchannel_q(pw, q);
    if (memcmp(q, planes + 12, DW_Q_BYTES) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t off = 0; off + DW_Q_BYTES <= size; off += DW_Q_BYTES) {
        uint8_t q[DW_Q_BYTES];
        memcpy(q, data + off, DW_Q_BYTES);
        check_frame(q);
        uint16_t crc = dw_q_crc(q);
        q[10] = (uint8_t)(crc >> 8);
        q[11] = (uint8_t)crc;
        check_frame(q);
        check_encode(data + off);
    }
    for (size_t off = 0; off + DW_SUBCHANNEL_BYTES <= size; off += DW_SUBCHANNEL_BYTES)
        check_pw(data + off);
    return 0;
}
