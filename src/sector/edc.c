/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: CD-ROM EDC (ECMA-130 Annex A) and Q-subchannel CRC (cl. 22.3.6).
 *
 * Both are table driven; the tables are built once, on first use, under
 * pthread_once so any thread may call in first.  On x86-64 CPUs with
 * carry-less multiplication (PCLMULQDQ) the EDC of 64 bytes and more is
 * computed by folding instead (see edc_fold), the table finishing the
 * last 16 to 79 bytes; both give the same EDC for any input.
 */
#include <pthread.h>
#include <stdbool.h>

#include "discwright/sector.h"
#include "sector/edc_int.h"

/* ECMA-130 Annex A: EDC polynomial P(x) = (x^16 + x^15 + x^2 + 1) *
 * (x^16 + x^2 + x + 1) = 0x8001801B, processed LSB first, so the table uses
 * the bit-reversed constant. */
#define EDC_POLY_REFLECTED 0xd8018001u

/* ECMA-130 cl. 22.3.6: Q channel CRC, P(x) = x^16 + x^12 + x^5 + 1, MSB first */
#define QCRC_POLY 0x1021u

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EDC_FOLD 1
#include <immintrin.h>
#endif

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* slicing-by-8: edc_table[k][b] is the CRC of byte b followed by k zero bytes */
static uint32_t edc_table[8][256];
static uint16_t qcrc_table[256];

static uint32_t edc_table_update(uint32_t crc, const uint8_t *data, size_t bytes);

#ifdef EDC_FOLD
/* The folding constants (set by fold_init): the EDC register is a 128-bit
 * block in the EDC's reflected bit order, bit i the coefficient of
 * x^(127 - i); its low 64 bits H and high 64 bits L make H x^64 + L.
 * Moving it N bits further on is H x^(64 + N) + L x^N, which mod P is
 * H (x^(64 + N) mod P) + L (x^N mod P), each a product of at most 96 bits;
 * PCLMULQDQ of two reflected 64-bit values gives their product times x, so
 * the constants are x^(64 + N - 1) and x^(N - 1) mod P, reflected.
 * fold_512: four blocks (64 bytes) on; fold_128: one block on. */
static bool have_clmul;
static uint64_t fold_512[2], fold_128[2];

/* x^n mod P, bit d the coefficient of x^d (P without its x^32) */
static uint32_t xpow_mod(unsigned n)
{
    uint32_t v = 1;

    while (n--)
        v = (v << 1) ^ ((v & 0x80000000u) ? 0x8001801bu : 0u);
    return v;
}

/* a remainder of degree < 32 as a reflected 64-bit operand: x^d at bit 63 - d */
static uint64_t reflect64(uint32_t v)
{
    uint64_t r = 0;

    for (int d = 0; d < 32; d++)
        if (v >> d & 1u)
            r |= (uint64_t)1 << (63 - d);
    return r;
}

static void fold_init(void)
{
    __builtin_cpu_init();
    have_clmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
    fold_512[0] = reflect64(xpow_mod(64 + 512 - 1));
    fold_512[1] = reflect64(xpow_mod(512 - 1));
    fold_128[0] = reflect64(xpow_mod(64 + 128 - 1));
    fold_128[1] = reflect64(xpow_mod(128 - 1));
}

__attribute__((target("pclmul,sse4.1"))) static inline __m128i fold(__m128i x, __m128i k)
{
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

/* The EDC of crc then data[bytes], bytes >= 64: the first 64 bytes (crc
 * added to their first 4, which is what a running CRC does) in four
 * registers, each 64 bytes on folded forward and the next added, the
 * four folded into one, the remaining whole blocks folded in one by one;
 * the register's 16 bytes then have the remainder of all that came
 * before, and the table finishes them and the tail. */
__attribute__((target("pclmul,sse4.1"))) static uint32_t edc_fold(uint32_t crc,
                                                                  const uint8_t *data,
                                                                  size_t bytes)
{
    const __m128i k512 = _mm_set_epi64x((long long)fold_512[1], (long long)fold_512[0]);
    const __m128i k128 = _mm_set_epi64x((long long)fold_128[1], (long long)fold_128[0]);
    __m128i x0 = _mm_loadu_si128((const __m128i *)data);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(data + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(data + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(data + 48));
    uint8_t block[16];

    x0 = _mm_xor_si128(x0, _mm_cvtsi32_si128((int)crc));
    data += 64;
    bytes -= 64;
    while (bytes >= 64) {
        x0 = _mm_xor_si128(fold(x0, k512), _mm_loadu_si128((const __m128i *)data));
        x1 = _mm_xor_si128(fold(x1, k512), _mm_loadu_si128((const __m128i *)(data + 16)));
        x2 = _mm_xor_si128(fold(x2, k512), _mm_loadu_si128((const __m128i *)(data + 32)));
        x3 = _mm_xor_si128(fold(x3, k512), _mm_loadu_si128((const __m128i *)(data + 48)));
        data += 64;
        bytes -= 64;
    }
    x1 = _mm_xor_si128(fold(x0, k128), x1);
    x2 = _mm_xor_si128(fold(x1, k128), x2);
    x0 = _mm_xor_si128(fold(x2, k128), x3);
    while (bytes >= 16) {
        x0 = _mm_xor_si128(fold(x0, k128), _mm_loadu_si128((const __m128i *)data));
        data += 16;
        bytes -= 16;
    }
    _mm_storeu_si128((__m128i *)block, x0);
    return edc_table_update(edc_table_update(0, block, sizeof block), data, bytes);
}
#endif

static void tables_init(void)
{
    for (unsigned b = 0; b < 256; b++) {
        uint32_t crc = b;
        uint16_t q = (uint16_t)(b << 8);

        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ ((crc & 1u) ? EDC_POLY_REFLECTED : 0u);
            q = (uint16_t)((q << 1) ^ ((q & 0x8000u) ? QCRC_POLY : 0u));
        }
        edc_table[0][b] = crc;
        qcrc_table[b] = q;
    }
    for (unsigned b = 0; b < 256; b++) {
        for (int k = 1; k < 8; k++) {
            uint32_t prev = edc_table[k - 1][b];

            edc_table[k][b] = (prev >> 8) ^ edc_table[0][prev & 0xff];
        }
    }
#ifdef EDC_FOLD
    fold_init();
#endif
}

uint32_t dw_edc_compute(const uint8_t *data, size_t bytes)
{
    return dw__edc_update(0, data, bytes); /* Annex A: initial value 0, no final inversion */
}

uint32_t dw__edc_update(uint32_t crc, const uint8_t *data, size_t bytes)
{
    pthread_once(&tables_once, tables_init);
#ifdef EDC_FOLD
    if (have_clmul && bytes >= 64)
        return edc_fold(crc, data, bytes);
#endif
    return edc_table_update(crc, data, bytes);
}

/* slicing-by-8 over the tables (built) */
static uint32_t edc_table_update(uint32_t crc, const uint8_t *data, size_t bytes)
{
    while (bytes >= 8) {
        uint32_t lo = crc ^ ((uint32_t)data[0] | (uint32_t)data[1] << 8 |
                             (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24);

        crc = edc_table[7][lo & 0xff] ^ edc_table[6][(lo >> 8) & 0xff] ^
              edc_table[5][(lo >> 16) & 0xff] ^ edc_table[4][lo >> 24] ^
              edc_table[3][data[4]] ^ edc_table[2][data[5]] ^ edc_table[1][data[6]] ^
              edc_table[0][data[7]];
        data += 8;
        bytes -= 8;
    }
    while (bytes--)
        crc = (crc >> 8) ^ edc_table[0][(crc ^ *data++) & 0xff];
    return crc;
}

uint16_t dw_q_crc(const uint8_t q[10])
{
    uint16_t crc = 0;

    pthread_once(&tables_once, tables_init);
    for (int i = 0; i < 10; i++)
        crc = (uint16_t)((crc << 8) ^ qcrc_table[((crc >> 8) ^ q[i]) & 0xff]);
    return (uint16_t)~crc;
}
