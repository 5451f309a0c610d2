/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: repair of CD-ROM data sectors with their P and Q parity
 * (ECMA-130 Annex A; sector layouts cl. 14).
 *
 * The codeword geometry is the one ecc.c describes, here in raw sector
 * offsets (block offset + 12):
 *
 *   P: 86 codewords RS(26,24); codeword j, element r = 0..25 is the byte at
 *      12 + j + 86 r.
 *   Q: 52 codewords RS(45,43); codeword k = 2 d + b, element i = 0..42 is
 *      plane b of word (44 i + 43 d) mod 1118, i.e. the byte at
 *      12 + 2 ((44 i + 43 d) mod 1118) + b; elements 43 and 44 are the
 *      bytes at 12 + 2236 + k and 12 + 2288 + k.
 *
 * Both have the check matrix [1 ... 1; a^(n-1) ... a^0] over GF(2^8)/0x11d,
 * so a codeword v has two syndromes S0 = sum v_i and S1 = sum a^(n-1-i) v_i.
 * An error e at element i gives S0 = e and S1 = a^(n-1-i) e: one unknown
 * error is found from S1 / S0.  Two bytes at known positions i, j (erasures,
 * from C2 pointers) are two unknowns for the two equations:
 *   e_i = (S1 + a^(n-1-j) S0) / (a^(n-1-i) + a^(n-1-j)),  e_j = S0 + e_i.
 * A byte that one code cannot correct may be alone in its codeword of the
 * other, so P and Q passes alternate.
 *
 * Distance 3 is little: a codeword with two unknown errors decodes, about
 * 26 (P) or 45 (Q) times in 255, to a wrong third byte, which makes it a
 * valid codeword and puts an error into a codeword of the other code.  So:
 *   - a single-error decoding is first believed only when the other
 *     codeword through that byte has an error too (one with a true error
 *     has, unless it holds three or more; a miscorrection's often has not);
 *   - when both codes are stuck, the bytes where unsolved P and unsolved Q
 *     codewords cross are flagged as erasures, then every single-error
 *     decoding is believed, then it gives up;
 *   - a repair is accepted only when the EDC, a 32-bit CRC over the header
 *     or subheader and the user data, matches.  The parity is a function of
 *     those, so when the EDC matches but some codeword is still wrong (two
 *     errors in the parity of one Q codeword cannot be solved by any pass),
 *     the parity is computed anew;
 *   - all the work is done on a copy that replaces the caller's sector only
 *     then.
 *
 * The arithmetic is done bit by bit: a damaged sector needs a few hundred
 * multiplications at most.
 */
#include <string.h>

#include "discwright/errors.h"
#include "discwright/sector.h"

#define OFF_MODE (DW_OFF_HEADER + 3)
#define OFF_SUBMODE (DW_OFF_MODE2_SUBHEADER + 2)      /* CD-ROM XA subheader */
#define OFF_SUBMODE_COPY (DW_OFF_MODE2_SUBHEADER + 6) /* its repetition */
#define SUBMODE_FORM2 0x20u
#define OFF_MODE1_ZERO (DW_OFF_MODE1_EDC + 4) /* 8 zero bytes at 2068 */

#define ROW_BYTES 86
#define P_CODEWORDS 86
#define P_LENGTH 26
#define Q_CODEWORDS 52
#define Q_LENGTH 45
#define Q_WORDS 1118 /* the 26 x 43 words P covers, Q's data part */
#define OFF_Q_PARITY1 (DW_OFF_Q_PARITY + Q_CODEWORDS)

/* Each pass that corrects anything lets the other code correct more; this
 * bounds passes that keep trading miscorrections. */
#define MAX_PASSES 32

#define GF_POLY 0x11du /* ECMA-130 Annex A: x^8 + x^4 + x^3 + x^2 + 1 */

/* the two data layouts that carry P/Q parity */
enum layout {
    LAYOUT_MODE1, /* header in the codewords, EDC over 0..2063 */
    LAYOUT_FORM1  /* header taken as zero, EDC over 16..2071 */
};

struct repair {
    uint8_t raw[DW_SECTOR_RAW_BYTES];    /* the working copy */
    uint8_t erased[DW_SECTOR_RAW_BYTES]; /* 1: position of a suspect byte */
    bool unsolved[2][P_CODEWORDS];       /* [0][j]: P codeword j, [1][k]: Q */
    int first_unknown;                   /* offset of the first byte the parity covers */
    unsigned changes;                    /* bytes corrected and flags cleared so far */
    bool trust_all;                      /* believe what crossing_dirty doubts */
};

static uint8_t gf_mul_a(uint8_t v)
{
    return (uint8_t)((unsigned)(v << 1) ^ ((v & 0x80u) ? (GF_POLY & 0xffu) : 0u));
}

static uint8_t gf_mul(uint8_t x, uint8_t y)
{
    uint8_t product = 0;

    for (; y; y >>= 1) {
        if (y & 1u)
            product ^= x;
        x = gf_mul_a(x);
    }
    return product;
}

/* a^e for 0 <= e < 255 */
static uint8_t gf_pow_a(int e)
{
    uint8_t x = 1;

    while (e-- > 0)
        x = gf_mul_a(x);
    return x;
}

/* 1 / x for x != 0: x^254, since x^255 = 1 */
static uint8_t gf_inv(uint8_t x)
{
    uint8_t result = 1;

    for (unsigned e = 254; e; e >>= 1) {
        if (e & 1u)
            result = gf_mul(result, x);
        x = gf_mul(x, x);
    }
    return result;
}

static void p_positions(int j, uint16_t pos[P_LENGTH])
{
    for (int r = 0; r < P_LENGTH; r++)
        pos[r] = (uint16_t)(DW_OFF_HEADER + j + ROW_BYTES * r);
}

static void q_positions(int k, uint16_t pos[Q_LENGTH])
{
    int d = k / 2, b = k % 2;

    for (int i = 0; i < Q_LENGTH - 2; i++)
        pos[i] = (uint16_t)(DW_OFF_HEADER + 2 * ((44 * i + 43 * d) % Q_WORDS) + b);
    pos[Q_LENGTH - 2] = (uint16_t)(DW_OFF_Q_PARITY + k);
    pos[Q_LENGTH - 1] = (uint16_t)(OFF_Q_PARITY1 + k);
}

/* the two syndromes of the n-byte codeword at raw offsets pos */
static void syndromes(const uint8_t *raw, const uint16_t *pos, int n, uint8_t *s0,
                      uint8_t *s1)
{
    *s0 = *s1 = 0;
    for (int i = 0; i < n; i++) {
        *s0 ^= raw[pos[i]];
        *s1 = gf_mul_a(*s1) ^ raw[pos[i]]; /* Horner: element i gets a^(n-1-i) */
    }
}

/* Whether the codeword of the other code through raw offset 'offset' (the
 * Q codeword when q is false, the P codeword when true) has an error; a Q
 * parity byte is in no P codeword, which counts as having one. */
static bool crossing_dirty(const uint8_t *raw, int offset, bool q)
{
    uint16_t pos[Q_LENGTH];
    int block = offset - DW_OFF_HEADER;
    uint8_t s0, s1;

    if (q) {
        if (block >= DW_OFF_Q_PARITY - DW_OFF_HEADER)
            return true;
        p_positions(block % ROW_BYTES, pos);
        syndromes(raw, pos, P_LENGTH, &s0, &s1);
    } else {
        int word = block / 2, row = word / 43, column = word % 43;

        /* word (row, column) is element 'column' of diagonal row - column */
        q_positions(2 * ((row - column + 2 * 26) % 26) + block % 2, pos);
        syndromes(raw, pos, Q_LENGTH, &s0, &s1);
    }
    return (s0 | s1) != 0;
}

/* Check P codeword (q false) or Q codeword 'index' and correct it when that
 * is possible: two flagged bytes as erasures, otherwise one error.  Returns
 * false when the codeword has errors this could not correct. */
static bool decode_codeword(struct repair *rp, bool q, int index)
{
    uint16_t pos[Q_LENGTH];
    int n = q ? Q_LENGTH : P_LENGTH;
    uint8_t s0, s1, x;
    int erasure[2] = {0, 0};
    int erasures = 0;
    int l, at;

    if (q)
        q_positions(index, pos);
    else
        p_positions(index, pos);
    syndromes(rp->raw, pos, n, &s0, &s1);
    for (int i = 0; i < n; i++) {
        if (rp->erased[pos[i]]) {
            if (erasures < 2)
                erasure[erasures] = i;
            erasures++;
        }
    }
    if ((s0 | s1) == 0) {
        /* no pattern of one or two errors has zero syndromes, so the flags
         * here were (almost surely) false alarms: the crossing codewords
         * need not treat these bytes as unknown */
        for (int i = 0; i < n; i++) {
            rp->changes += rp->erased[pos[i]];
            rp->erased[pos[i]] = 0;
        }
        return true;
    }
    if (erasures == 2) {
        uint8_t xi = gf_pow_a(n - 1 - erasure[0]);
        uint8_t xj = gf_pow_a(n - 1 - erasure[1]);
        uint8_t ei = gf_mul((uint8_t)(s1 ^ gf_mul(xj, s0)), gf_inv((uint8_t)(xi ^ xj)));

        rp->raw[pos[erasure[0]]] ^= ei;
        rp->raw[pos[erasure[1]]] ^= (uint8_t)(s0 ^ ei);
        rp->erased[pos[erasure[0]]] = 0;
        rp->erased[pos[erasure[1]]] = 0;
        rp->changes++;
        return true;
    }
    if (erasures > 2)
        return false;
    /* one unknown error: S1 = a^l S0 with l = n-1-i in range.  With one
     * flagged byte this finds that byte when the flag is right, and still
     * fixes a single error elsewhere when it was a false alarm. */
    if (s0 == 0 || s1 == 0)
        return false;
    x = s0;
    for (l = 0; l < n && x != s1; l++)
        x = gf_mul_a(x);
    if (l == n)
        return false;
    at = pos[n - 1 - l];
    /* an unflagged byte whose other codeword is clean is not believed
     * (that is how two errors here would miscorrect) until nothing else
     * helps: after a miscorrection the wrong codeword is the clean one */
    if (!rp->erased[at] && !rp->trust_all && !crossing_dirty(rp->raw, at, q))
        return false;
    rp->raw[at] ^= s0;
    rp->erased[at] = 0;
    rp->changes++;
    return true;
}

/* One P pass (q false) or Q pass over every codeword. */
static void run_pass(struct repair *rp, bool q)
{
    int codewords = q ? Q_CODEWORDS : P_CODEWORDS;

    for (int c = 0; c < codewords; c++)
        rp->unsolved[q][c] = !decode_codeword(rp, q, c);
}

/* When both codes are stuck, the bytes where an unsolved P codeword meets
 * an unsolved Q codeword are the likely errors: flag them as erasures, so a
 * codeword with two of them can solve.  P codeword j = 2 c + b (word column
 * c, plane b) meets Q codeword k = 2 d + b once, in row (d + c) mod 26.
 * Returns how many bytes were newly flagged. */
static unsigned flag_crossings(struct repair *rp)
{
    unsigned flagged = 0;

    for (int j = 0; j < P_CODEWORDS; j++) {
        for (int k = j % 2; rp->unsolved[0][j] && k < Q_CODEWORDS; k += 2) {
            int at = DW_OFF_HEADER + ROW_BYTES * ((k / 2 + j / 2) % 26) + j;

            if (rp->unsolved[1][k] && at >= rp->first_unknown && !rp->erased[at]) {
                rp->erased[at] = 1;
                flagged++;
            }
        }
    }
    return flagged;
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* The mode / form that chose the layout and the EDC (the sync was checked
 * before): then the header (Mode 1) or subheader and the user data are
 * right, since the EDC covers them. */
static bool sector_edc_good(const uint8_t *raw, enum layout layout)
{
    if (layout == LAYOUT_MODE1)
        return raw[OFF_MODE] == 1 &&
               dw_edc_compute(raw, DW_OFF_MODE1_EDC) == get_le32(raw + DW_OFF_MODE1_EDC);
    return (raw[OFF_SUBMODE] & SUBMODE_FORM2) == 0 &&
           dw_edc_compute(raw + DW_OFF_MODE2_SUBHEADER,
                          DW_OFF_FORM1_EDC - DW_OFF_MODE2_SUBHEADER) ==
               get_le32(raw + DW_OFF_FORM1_EDC);
}

/* the whole check: EDC and zero P/Q syndromes */
static bool sector_sound(const uint8_t *raw, enum layout layout)
{
    return sector_edc_good(raw, layout) && dw_ecc_check(raw, layout == LAYOUT_FORM1);
}

static bool all_zero(const uint8_t *p, size_t bytes)
{
    uint8_t acc = 0;

    for (size_t i = 0; i < bytes; i++)
        acc |= p[i];
    return acc == 0;
}

static bool c2_flagged(const uint8_t *c2, int offset)
{
    return (c2[offset / 8] >> (7 - offset % 8)) & 1u;
}

/* Decode a copy of raw with erasures from c2 (may be NULL); on success the
 * repaired sector is in rp->raw.  Adds the passes run to *passes. */
static bool attempt(struct repair *rp, const uint8_t *raw, const uint8_t *c2,
                    enum layout layout, unsigned *passes)
{
    int stalled = 0; /* passes in a row that changed nothing */

    memcpy(rp->raw, raw, DW_SECTOR_RAW_BYTES);
    /* Form 1 parity is over a zero header, which is then known */
    rp->first_unknown = DW_OFF_HEADER;
    if (layout == LAYOUT_FORM1) {
        memset(rp->raw + DW_OFF_HEADER, 0, 4);
        rp->first_unknown = DW_OFF_MODE2_SUBHEADER;
    }
    memset(rp->erased, 0, sizeof rp->erased);
    for (int i = rp->first_unknown; c2 && i < DW_SECTOR_RAW_BYTES; i++)
        rp->erased[i] = c2_flagged(c2, i);
    rp->changes = 0;
    rp->trust_all = false;

    /* P, Q, P, ... until the EDC matches (then any codeword still wrong
     * has its errors in the parity, below) or nothing more can be done */
    for (int pass = 0; pass < MAX_PASSES && !sector_edc_good(rp->raw, layout); pass++) {
        unsigned before = rp->changes;

        run_pass(rp, pass % 2 == 1);
        (*passes)++;
        if (rp->changes != before) {
            stalled = 0;
            continue;
        }
        if (++stalled < 2)
            continue;
        /* both codes stuck: flag the crossings of unsolved codewords as
         * erasures, then believe any single-error decoding, then give up */
        stalled = 0;
        if (rp->trust_all)
            break;
        if (flag_crossings(rp) == 0)
            rp->trust_all = true;
    }
    if (layout == LAYOUT_FORM1)
        memcpy(rp->raw + DW_OFF_HEADER, raw + DW_OFF_HEADER, 4);
    if (!sector_edc_good(rp->raw, layout))
        return false;
    if (dw_ecc_check(rp->raw, layout == LAYOUT_FORM1))
        return true;
    /* The EDC vouches for the data, yet some codewords are still wrong:
     * their errors are in bytes outside the EDC, the parity itself (two in
     * the parity of one Q codeword, say, which no pass can solve) or the
     * Mode 1 zero fill.  The parity is a function of the rest, so it is
     * written anew; a zero fill that is not zero is not guessed at. */
    if (layout == LAYOUT_MODE1 &&
        !all_zero(rp->raw + OFF_MODE1_ZERO, DW_OFF_P_PARITY - OFF_MODE1_ZERO))
        return false;
    dw_ecc_compute(rp->raw, layout == LAYOUT_FORM1);
    return true;
}

/* Which parity layout raw has; DW_EUNSUPPORTED for sectors without one. */
static int sector_layout(const uint8_t *raw, enum layout *layout)
{
    if (!dw_sector_has_sync(raw))
        return DW_EUNSUPPORTED; /* audio, or not a data sector at all */
    switch (raw[OFF_MODE]) {
    case 0:
        return DW_EUNSUPPORTED;
    case 2:
        /* the submode is in the parity, so one damaged copy of it must not
         * make a Form 1 sector look like Form 2 */
        if ((raw[OFF_SUBMODE] & raw[OFF_SUBMODE_COPY] & SUBMODE_FORM2) != 0)
            return DW_EUNSUPPORTED;
        *layout = LAYOUT_FORM1;
        return 0;
    default:
        /* 1, or a damaged mode byte: Mode 1 covers it with its parity, so a
         * repair that ends with a sound sector has restored it to 1 */
        *layout = LAYOUT_MODE1;
        return 0;
    }
}

int dw_sector_ecc_repair(uint8_t raw[DW_SECTOR_RAW_BYTES], const uint8_t *c2,
                         struct dw_ecc_repair_stats *stats)
{
    struct dw_ecc_repair_stats st = {0, 0, 0};
    struct repair rp;
    enum layout layout = LAYOUT_MODE1;
    bool used_c2 = false;
    int rc;

    if (!raw) {
        rc = DW_EINVAL;
        goto out;
    }
    rc = sector_layout(raw, &layout);
    if (rc != 0 || sector_sound(raw, layout))
        goto out;

    rc = DW_EREAD;
    /* C2 pointers are advice: when decoding with them fails (they flagged
     * good bytes and missed bad ones), try once more without */
    if (c2 && attempt(&rp, raw, c2, layout, &st.passes)) {
        used_c2 = true;
        rc = 0;
    } else if (attempt(&rp, raw, NULL, layout, &st.passes)) {
        rc = 0;
    }
    if (rc != 0)
        goto out;
    for (int i = DW_OFF_HEADER; i < DW_SECTOR_RAW_BYTES; i++) {
        if (rp.raw[i] == raw[i])
            continue;
        st.bytes_corrected++;
        if (used_c2 && c2_flagged(c2, i))
            st.erasures_used++;
    }
    memcpy(raw, rp.raw, DW_SECTOR_RAW_BYTES);
out:
    if (stats)
        *stats = st;
    return rc;
}
