/* SPDX-License-Identifier: GPL-3.0-or-later */
/* EAC's track CRCs: "Copy CRC" (CRC-32 of the PCM) and "CRC without null
 * samples" (CRC-32 of the PCM with every 16-bit word that is 0 left out,
 * each channel on its own, as CUETools' Crc32.ComputeChecksumWONULL does).
 * zlib's crc32 does the work: the second CRC is fed runs of non-zero
 * words. */
#include <stdlib.h>
#include <zlib.h>
#include "discwright/accuraterip.h"
#include "discwright/errors.h"

struct dw_eac_crc {
    uLong copy;
    uLong nonull;
    uint64_t bytes;
    uint8_t odd;        /* first byte of a word cut between calls */
};

/* zlib's crc32 takes a uInt length. */
static uLong crc_feed(uLong crc, const uint8_t *p, size_t n)
{
    while (n) {
        size_t step = n > (1u << 30) ? (1u << 30) : n;
        crc = crc32(crc, p, (uInt)step);
        p += step;
        n -= step;
    }
    return crc;
}

struct dw_eac_crc *dw_eac_crc_new(void)
{
    struct dw_eac_crc *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->copy = crc32(0L, Z_NULL, 0);
    e->nonull = e->copy;
    return e;
}

void dw_eac_crc_update(struct dw_eac_crc *e, const void *pcm, size_t bytes)
{
    const uint8_t *p = pcm;
    if (!e || !bytes)
        return;
    e->copy = crc_feed(e->copy, p, bytes);
    if (e->bytes & 1) {
        /* Complete the word cut by the previous call. */
        if (e->odd | p[0]) {
            uint8_t w[2] = {e->odd, p[0]};
            e->nonull = crc32(e->nonull, w, 2);
        }
        p++;
        bytes--;
        e->bytes++;
    }
    size_t words = bytes / 2, i = 0;
    while (i < words) {
        while (i < words && !(p[2 * i] | p[2 * i + 1]))
            i++;
        size_t run = i;
        while (i < words && (p[2 * i] | p[2 * i + 1]))
            i++;
        if (i > run)
            e->nonull = crc_feed(e->nonull, p + 2 * run, 2 * (i - run));
    }
    e->bytes += 2 * words;
    if (bytes & 1) {
        e->odd = p[bytes - 1];
        e->bytes++;
    }
}

int dw_eac_crc_final(const struct dw_eac_crc *e, uint32_t *copy_crc, uint32_t *nonull_crc)
{
    if (!e)
        return DW_EINVAL;
    if (copy_crc)
        *copy_crc = (uint32_t)e->copy;
    if (nonull_crc)
        *nonull_crc = (uint32_t)e->nonull;
    return (e->bytes & 1) ? DW_ETRUNC : 0;
}

void dw_eac_crc_free(struct dw_eac_crc *e)
{
    free(e);
}
