/* SPDX-License-Identifier: GPL-3.0-or-later */
/* EAC's track CRCs: "Copy CRC" (CRC-32 of the PCM) and "CRC without null
 * samples" (CRC-32 of the PCM with every 16-bit word that is 0 left out,
 * each channel on its own, as CUETools' Crc32.ComputeChecksumWONULL does).
 * dw__crc32_update (ISA-L, a few hundredths of a microsecond per sector)
 * does the work: the copy CRC goes over each buffer whole, the second CRC
 * over its runs of non-zero words (found 16 words at a time: a buffer of
 * music without a zero word is one run).
 * Hashing twice costs less than joining with crc32_combine did once the
 * CRC itself was cheap, above all for the one-sector pieces paranoia mode
 * feeds (dw-bench-checks' eac_crcs row, tests/bench/bench_checks.sh). */
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
    return calloc(1, sizeof(struct dw_eac_crc)); /* both CRCs start at 0 */
}

/* The number of words from p on (of `words`) that are all non-zero
 * (nonzero) or all zero (!nonzero).  32 bytes at a time as four 64-bit
 * lanes of four words each (a lane x holds a zero word iff
 * (x - 0x0001...) & ~x & 0x8000... is not 0, whatever the byte order; it
 * is all zero words iff x is 0); the 32 bytes where the run ends word by
 * word. */
static size_t run_words(const uint8_t *p, size_t words, bool nonzero)
{
    const uint64_t ones = UINT64_C(0x0001000100010001), highs = UINT64_C(0x8000800080008000);
    size_t i = 0;
    if (nonzero) {
        for (; words - i >= 16; i += 16) {
            uint64_t x[4];
            memcpy(x, p + 2 * i, sizeof(x));
            if (((x[0] - ones) & ~x[0] & highs) | ((x[1] - ones) & ~x[1] & highs) |
                ((x[2] - ones) & ~x[2] & highs) | ((x[3] - ones) & ~x[3] & highs))
                break;
        }
    } else {
        for (; words - i >= 16; i += 16) {
            uint64_t x[4];
            memcpy(x, p + 2 * i, sizeof(x));
            if (x[0] | x[1] | x[2] | x[3])
                break;
        }
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
    size_t words = bytes / 2;
    e->copy = dw__crc32_update(e->copy, p, bytes);
    for (size_t i = 0; i < words;) {
        i += run_words(p + 2 * i, words - i, false);
        size_t run = run_words(p + 2 * i, words - i, true);
        e->nonull = dw__crc32_update(e->nonull, p + 2 * i, 2 * run);
        i += run;
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
