/* SPDX-License-Identifier: GPL-3.0-or-later */
/* EAC's track CRCs: "Copy CRC" (CRC-32 of the PCM) and "CRC without null
 * samples" (CRC-32 of the PCM with every 16-bit word that is 0 left out,
 * each channel on its own, as CUETools' Crc32.ComputeChecksumWONULL does).
 * zlib's crc32 does the work, each byte once: the PCM is cut into runs of
 * zero and non-zero words; a zero run goes into the copy CRC only, a long
 * non-zero run is hashed once and joined into both CRCs with zlib's
 * crc32_combine (a short one, where joining costs more than hashing, is
 * hashed into each). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
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

/* Non-zero runs of at least this many bytes are hashed once and joined. */
#define JOIN_RUN_BYTES 1024
#define BLOCK_WORDS 64

/* The number of words from p on (of `words`) that are all non-zero
 * (nonzero) or all zero (!nonzero).  Whole blocks are tested with a loop
 * the compiler vectorises; the block where the run ends word by word. */
static size_t run_words(const uint8_t *p, size_t words, bool nonzero)
{
    size_t i = 0;
    while (words - i >= BLOCK_WORDS) {
        unsigned zeros = 0;
        for (size_t k = 0; k < BLOCK_WORDS; k++) {
            uint16_t w;
            memcpy(&w, p + 2 * (i + k), 2);
            zeros += w == 0;
        }
        if (zeros != (nonzero ? 0u : BLOCK_WORDS))
            break;
        i += BLOCK_WORDS;
    }
    while (i < words && ((p[2 * i] | p[2 * i + 1]) != 0) == nonzero)
        i++;
    return i;
}

void dw_eac_crc_update(struct dw_eac_crc *e, const void *pcm, size_t bytes)
{
    const uint8_t *p = pcm;
    if (!e || !bytes)
        return;
    if (e->bytes & 1) {
        /* Complete the word cut by the previous call. */
        e->copy = crc32(e->copy, p, 1);
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
        size_t zero = run_words(p + 2 * i, words - i, false);
        if (zero)
            e->copy = crc_feed(e->copy, p + 2 * i, 2 * zero);
        i += zero;
        size_t run = run_words(p + 2 * i, words - i, true);
        size_t n = 2 * run;
        if (n >= JOIN_RUN_BYTES) {
            uLong c = crc_feed(crc32(0L, Z_NULL, 0), p + 2 * i, n);
            e->copy = crc32_combine(e->copy, c, (z_off_t)n);
            e->nonull = crc32_combine(e->nonull, c, (z_off_t)n);
        } else if (n) {
            e->copy = crc_feed(e->copy, p + 2 * i, n);
            e->nonull = crc_feed(e->nonull, p + 2 * i, n);
        }
        i += run;
    }
    e->bytes += 2 * words;
    if (bytes & 1) {
        e->odd = p[bytes - 1];
        e->copy = crc32(e->copy, p + bytes - 1, 1);
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
