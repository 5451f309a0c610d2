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
#include "discwright/accuraterip.h"
#include "discwright/errors.h"
#include "checksum/hashset.h"

struct dw_eac_crc {
    uint32_t copy;
    uint32_t nonull;
    uint64_t bytes;
    uint8_t odd;        /* first byte of a word cut between calls */
};

struct dw_eac_crc *dw_eac_crc_new(void)
{
    struct dw_eac_crc *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
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
        e->copy = dw__crc32_update(e->copy, p, 1);
        if (e->odd | p[0]) {
            uint8_t w[2] = {e->odd, p[0]};
            e->nonull = dw__crc32_update(e->nonull, w, 2);
        }
        p++;
        bytes--;
        e->bytes++;
    }
    size_t words = bytes / 2, i = 0;
    while (i < words) {
        size_t zero = run_words(p + 2 * i, words - i, false);
        if (zero)
            e->copy = dw__crc32_update(e->copy, p + 2 * i, 2 * zero);
        i += zero;
        size_t run = run_words(p + 2 * i, words - i, true);
        size_t n = 2 * run;
        if (n >= JOIN_RUN_BYTES) {
            uint32_t c = dw__crc32_update(0, p + 2 * i, n);
            e->copy = dw__crc32_join(e->copy, c, n);
            e->nonull = dw__crc32_join(e->nonull, c, n);
        } else if (n) {
            e->copy = dw__crc32_update(e->copy, p + 2 * i, n);
            e->nonull = dw__crc32_update(e->nonull, p + 2 * i, n);
        }
        i += run;
    }
    e->bytes += 2 * words;
    if (bytes & 1) {
        e->odd = p[bytes - 1];
        e->copy = dw__crc32_update(e->copy, p + bytes - 1, 1);
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
