/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: CD-ROM ECC, the Reed-Solomon product code (ECMA-130 Annex A).
 *
 * The 2340 bytes from the header (raw offset 12) to the end of the sector
 * are 1170 16-bit words; the MSB and LSB bytes of each word form two
 * independent byte planes.  Words 0..1117 are a 26 x 43 matrix (row r,
 * column c is word 43 r + c): rows 0..23 hold header, user data, EDC and
 * zero fill, rows 24 and 25 the P parity.  Words 1118..1169 are the Q
 * parity.  In byte terms row r is the 86 bytes from block offset 86 r and
 * the byte of (column c, plane b) in it is at 2 c + b.
 *
 *   P: 86 codewords RS(26,24), one per byte column j = 2 c + b: the bytes
 *      block[j + 86 r] for r = 0..25 (r 24, 25 are the parity).
 *   Q: 52 codewords RS(45,43), one per (diagonal d = 0..25, plane b),
 *      k = 2 d + b: element i = 0..42 is the byte of word 44 i + 43 d
 *      (mod 1118), i.e. row (d + i) mod 26, column i; elements 43, 44 are
 *      block[2236 + k] and block[2288 + k].
 *
 * Both codes have the check matrix H = [1 1 ... 1; a^(n-1) ... a^1 a^0]
 * over GF(2^8) with field polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d) and
 * a = x (Annex A): a codeword v satisfies sum v_i = 0 and
 * sum a^(n-1-i) v_i = 0.  With the data part's sums S0 and S1, the two
 * parity bytes p0 (weight a) and p1 (weight 1) are
 *   p0 = (S0 + S1) / (1 + a),  p1 = S0 + p0.
 */
#include <pthread.h>
#include <string.h>

#include "discwright/sector.h"

#define ECC_BLOCK_BYTES (DW_SECTOR_RAW_BYTES - DW_OFF_HEADER) /* 2340 */
#define ECC_ROW_BYTES 86                                      /* 43 words */
#define ECC_ROWS 26
#define ECC_P_DATA_ROWS 24
#define ECC_P_CODEWORDS 86
#define ECC_Q_CODEWORDS 52
#define ECC_Q_DATA_ELEMENTS 43
#define ECC_P_PARITY0 (ECC_P_DATA_ROWS * ECC_ROW_BYTES) /* 2064 */
#define ECC_P_PARITY1 (ECC_P_PARITY0 + ECC_ROW_BYTES)   /* 2150 */
#define ECC_Q_PARITY0 (ECC_ROWS * ECC_ROW_BYTES)        /* 2236 */
#define ECC_Q_PARITY1 (ECC_Q_PARITY0 + ECC_Q_CODEWORDS) /* 2288 */

/* a row is read as 11 64-bit lanes = 88 bytes; the last 2 bytes belong to the
 * next row (or, for row 25, to the Q parity) and their results are ignored */
#define ECC_ROW_LANES 11
/* the 52 Q codewords in 7 lanes = 56 bytes, the last 4 unused */
#define ECC_Q_LANES 7

#define GF_POLY 0x11du /* ECMA-130 Annex A: x^8 + x^4 + x^3 + x^2 + 1 */

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* gf_div_1pa[x] = x / (1 + a), the factor that turns S0 + S1 into p0 */
static uint8_t gf_div_1pa[256];

static void tables_init(void)
{
    uint8_t gf_exp[255];
    int gf_log[256];
    unsigned x = 1;
    int inv_log;

    for (int i = 0; i < 255; i++) {
        gf_exp[i] = (uint8_t)x;
        gf_log[x] = i;
        x <<= 1;
        if (x & 0x100u)
            x ^= GF_POLY;
    }
    /* 1 + a = 3; its inverse is a^(255 - log 3) */
    inv_log = (255 - gf_log[3]) % 255;
    gf_div_1pa[0] = 0;
    for (unsigned v = 1; v < 256; v++)
        gf_div_1pa[v] = gf_exp[(gf_log[v] + inv_log) % 255];
}

/* multiply by a = x in GF(2^8)/0x11d: shift, and reduce when x^8 appears */
static inline uint8_t gf_mul_a(uint8_t v)
{
    return (uint8_t)((unsigned)(v << 1) ^ ((unsigned)(v >> 7) * (GF_POLY & 0xffu)));
}

/* the same on eight bytes at once (lanes never carry into each other) */
static inline uint64_t gf_mul_a64(uint64_t v)
{
    uint64_t top = (v >> 7) & 0x0101010101010101u;

    return ((v & 0x7f7f7f7f7f7f7f7fu) << 1) ^ (top * (GF_POLY & 0xffu));
}

/* lanes are little-endian on every host: byte k of a lane is bits 8k.. */
static inline uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
           (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline void store_le64(uint8_t *p, uint64_t v)
{
    for (int k = 0; k < 8; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

/* P sums over 'rows' rows of block, all 86 columns at once:
 * s0[j] = sum v, s1[j] = sum a^(rows-1-r) v (Horner).  s0, s1 hold 88. */
static void p_sums(const uint8_t *block, int rows, uint8_t s0[88], uint8_t s1[88])
{
    uint64_t sum0[ECC_ROW_LANES] = {0}, sum1[ECC_ROW_LANES] = {0};

    for (int r = 0; r < rows; r++) {
        const uint8_t *row = block + r * ECC_ROW_BYTES;

        for (int w = 0; w < ECC_ROW_LANES; w++) {
            uint64_t v = load_le64(row + 8 * w);

            sum0[w] ^= v;
            sum1[w] = gf_mul_a64(sum1[w]) ^ v;
        }
    }
    for (int w = 0; w < ECC_ROW_LANES; w++) {
        store_le64(s0 + 8 * w, sum0[w]);
        store_le64(s1 + 8 * w, sum1[w]);
    }
}

/* Q sums over the 43 data elements (plus the 2 parity elements when
 * with_parity) of all 52 codewords, as p_sums.  Each column i is gathered
 * straight into lanes in diagonal order (the 2 bytes of diagonal d at lane
 * byte 2 d) so that all 52 codewords advance together.  s0, s1 hold 56. */
static void q_sums(const uint8_t *block, bool with_parity, uint8_t s0[56], uint8_t s1[56])
{
    uint64_t sum0[ECC_Q_LANES] = {0}, sum1[ECC_Q_LANES] = {0};

    for (int i = 0; i < ECC_Q_DATA_ELEMENTS; i++) {
        const uint8_t *column = block + 2 * i;
        int row = i % ECC_ROWS; /* diagonal d meets column i in row (d + i) mod 26 */

        for (int w = 0; w < ECC_Q_LANES; w++) {
            uint64_t v = 0;

            for (int j = 0; j < 4 && 4 * w + j < ECC_ROWS; j++) {
                const uint8_t *pair = column + row * ECC_ROW_BYTES;

                v |= ((uint64_t)pair[0] | (uint64_t)pair[1] << 8) << (16 * j);
                if (++row == ECC_ROWS)
                    row = 0;
            }
            sum0[w] ^= v;
            sum1[w] = gf_mul_a64(sum1[w]) ^ v;
        }
    }
    if (with_parity) {
        uint8_t parity[8 * ECC_Q_LANES] = {0};

        for (int e = 0; e < 2; e++) {
            memcpy(parity, block + ECC_Q_PARITY0 + e * ECC_Q_CODEWORDS, ECC_Q_CODEWORDS);
            for (int w = 0; w < ECC_Q_LANES; w++) {
                uint64_t v = load_le64(parity + 8 * w);

                sum0[w] ^= v;
                sum1[w] = gf_mul_a64(sum1[w]) ^ v;
            }
        }
    }
    for (int w = 0; w < ECC_Q_LANES; w++) {
        store_le64(s0 + 8 * w, sum0[w]);
        store_le64(s1 + 8 * w, sum1[w]);
    }
}

/* parity bytes from the data sums; h is the Horner sum, whose weights are
 * short of the parity's two places, so S1 = a^2 h */
static inline void parity_from_sums(uint8_t s0, uint8_t h, uint8_t *p0, uint8_t *p1)
{
    uint8_t s1 = gf_mul_a(gf_mul_a(h));

    *p0 = gf_div_1pa[s0 ^ s1];
    *p1 = s0 ^ *p0;
}

static void ecc_compute_block(uint8_t *block)
{
    uint8_t s0[88], s1[88];

    p_sums(block, ECC_P_DATA_ROWS, s0, s1);
    for (int j = 0; j < ECC_P_CODEWORDS; j++)
        parity_from_sums(s0[j], s1[j], &block[ECC_P_PARITY0 + j],
                         &block[ECC_P_PARITY1 + j]);
    q_sums(block, false, s0, s1);
    for (int k = 0; k < ECC_Q_CODEWORDS; k++)
        parity_from_sums(s0[k], s1[k], &block[ECC_Q_PARITY0 + k],
                         &block[ECC_Q_PARITY1 + k]);
}

static bool ecc_check_block(const uint8_t *block)
{
    uint8_t s0[88], s1[88];
    unsigned bad = 0;

    /* a stored parity is right exactly when the whole codeword's sums are
     * zero, since the parity of given data is unique */
    p_sums(block, ECC_ROWS, s0, s1);
    for (int j = 0; j < ECC_P_CODEWORDS; j++)
        bad |= s0[j] | s1[j];
    if (bad)
        return false;
    q_sums(block, true, s0, s1);
    for (int k = 0; k < ECC_Q_CODEWORDS; k++)
        bad |= s0[k] | s1[k];
    return bad == 0;
}

void dw_ecc_compute(uint8_t raw[DW_SECTOR_RAW_BYTES], bool zero_header)
{
    uint8_t *block = raw + DW_OFF_HEADER;
    uint8_t header[4];

    pthread_once(&tables_once, tables_init);
    /* Mode 2 Form 1 (CD-ROM XA): the header is taken as zero so a sector
     * keeps its parity when it moves to another address */
    memcpy(header, block, sizeof header);
    if (zero_header)
        memset(block, 0, sizeof header);
    ecc_compute_block(block);
    if (zero_header)
        memcpy(block, header, sizeof header);
}

bool dw_ecc_check(const uint8_t raw[DW_SECTOR_RAW_BYTES], bool zero_header)
{
    uint8_t copy[ECC_BLOCK_BYTES];
    const uint8_t *block = raw + DW_OFF_HEADER;

    if (zero_header) {
        memcpy(copy, block, sizeof copy);
        memset(copy, 0, 4);
        block = copy;
    }
    return ecc_check_block(block);
}
