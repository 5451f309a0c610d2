/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: CD sector arithmetic (ECMA-130).
 *
 * Pure functions: MSF/LBA and BCD conversion, EDC (Annex A), ECC P/Q parity
 * (Annex A, RSPC), the scrambler (cl. 15, Annex B), sector encoding and
 * checking, and the Q-subchannel CRC (cl. 22).  No I/O, no allocation.
 */
#ifndef DISCWRIGHT_SECTOR_H
#define DISCWRIGHT_SECTOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DW_SECTOR_RAW_BYTES 2352     /* ECMA-130 cl. 14: one whole sector */
#define DW_SECTOR_USER_BYTES 2048    /* Mode 1 / Mode 2 Form 1 user data */
#define DW_SECTOR_FORM2_BYTES 2324   /* Mode 2 Form 2 user data */
#define DW_SECTOR_MODE2_BYTES 2336   /* Mode 2 formless: all after header */
#define DW_SUBCHANNEL_BYTES 96       /* raw P-W per sector */
#define DW_C2_BYTES 294              /* C2 error pointers, one bit a byte */
#define DW_SAMPLES_PER_SECTOR 588    /* stereo samples per 1/75 s */
#define DW_SECTORS_PER_SECOND 75
#define DW_MSF_LBA_OFFSET 150        /* MSF 00:02:00 is LBA 0 */
#define DW_SYNC_BYTES 12

/* Byte offsets inside a raw sector (ECMA-130 cl. 14). */
#define DW_OFF_HEADER 12
#define DW_OFF_MODE1_DATA 16
#define DW_OFF_MODE1_EDC 2064
#define DW_OFF_MODE2_SUBHEADER 16
#define DW_OFF_MODE2_DATA 24
#define DW_OFF_FORM1_EDC 2072
#define DW_OFF_FORM2_EDC 2348
#define DW_OFF_P_PARITY 2076
#define DW_OFF_Q_PARITY 2248

/* Absolute disc MSF (with the 2 s offset) to LBA: (m*60+s)*75+f-150. */
DW_API int32_t dw_msf_to_lba(unsigned m, unsigned s, unsigned f);

/* LBA to absolute disc MSF (adds 150).  lba may be negative down to -150.
 * Writes minutes, seconds (0-59), frames (0-74). */
DW_API void dw_lba_to_msf(int32_t lba, unsigned *m, unsigned *s, unsigned *f);

/* Parse "MM:SS:FF" (a cue-sheet time, no 150 offset) into frames.
 * Seconds must be < 60 and frames < 75; minutes 0-99.
 * Returns 0, or DW_EPARSE on anything else (*frames untouched). */
DW_API int dw_msf_parse(const char *text, int32_t *frames);

/* Format frames (no offset, >= 0) as "MM:SS:FF" into out[9] (NUL-ended). */
DW_API void dw_msf_format(int32_t frames, char out[9]);

/* Binary 0-99 to packed BCD, and back (invalid BCD digits give -1). */
DW_API uint8_t dw_bcd_encode(unsigned value);
DW_API int dw_bcd_decode(uint8_t bcd);

/* EDC over bytes (ECMA-130 Annex A: CRC-32 polynomial 0x8001801B, reflected,
 * initial 0, no final XOR).  Stored little-endian in the sector. */
DW_API uint32_t dw_edc_compute(const uint8_t *data, size_t bytes);

/* Compute P and Q parity (ECMA-130 Annex A) into raw[2076..2351] from
 * raw[12..2075].  For Mode 2 Form 1 pass zero_header=true: the 4 header
 * bytes are taken as zero while computing. */
DW_API void dw_ecc_compute(uint8_t raw[DW_SECTOR_RAW_BYTES], bool zero_header);

/* True when the stored P and Q parity of raw matches what dw_ecc_compute
 * would write.  Does not modify raw. */
DW_API bool dw_ecc_check(const uint8_t raw[DW_SECTOR_RAW_BYTES], bool zero_header);

/* What dw_sector_ecc_repair did; the caller owns it and it is filled on
 * every return (all zero when nothing was tried). */
struct dw_ecc_repair_stats {
    unsigned bytes_corrected; /* bytes of raw it changed (0 on failure) */
    unsigned erasures_used;   /* of those, how many c2 flagged (0 when only
                                 the attempt without c2 succeeded) */
    unsigned passes;          /* P and Q passes run, each counting 1, over
                                 both attempts */
};

/* Repair a raw Mode 1 or Mode 2 Form 1 sector in place with its P and Q
 * parity (ECMA-130 Annex A; layouts cl. 14).  P passes over the 86
 * RS(26,24) codewords alternate with Q passes over the 52 RS(45,43) ones,
 * each codeword correcting one unknown byte, or two bytes that c2 flags
 * (erasures), until the EDC matches; the parity is then computed anew if
 * some of it is still wrong (as for a sector whose EDC matched from the
 * start but whose parity is damaged).  A wrong "correction" is never
 * accepted unless it also fools the 32-bit EDC.  Form 1 parity is over a
 * zero header, as dw_ecc_compute with zero_header.
 * raw: the 2352-byte sector, sync first; read, and rewritten on success.
 * c2: NULL, or the 294 C2 error-pointer bytes read with raw (MMC-6 READ CD
 * C2 error block data 01b): one bit a byte of raw, most significant bit
 * first, 1 = suspect; only read.  When decoding with them fails, decoding
 * without them is tried too.  stats: NULL, or filled as above.
 * The sync and, in Form 1, the 4 header bytes are outside the parity and
 * the EDC: they are neither repaired nor changed.
 * Returns 0 when raw now has sync, a matching EDC and zero P/Q syndromes
 * (with 0 bytes corrected when it had them already); DW_EREAD when it cannot
 * be repaired; DW_EUNSUPPORTED when raw lacks the exact sync pattern (audio)
 * or is Mode 0 or Mode 2 Form 2 (submode bit 5 set in both subheader
 * copies); DW_EINVAL when raw is NULL.  On every error raw is left exactly as
 * it was.  Thread-safe; no allocation. */
DW_API int dw_sector_ecc_repair(uint8_t raw[DW_SECTOR_RAW_BYTES], const uint8_t *c2,
                                struct dw_ecc_repair_stats *stats);

/* XOR bytes 12..2351 with the ECMA-130 Annex B scrambler sequence (LFSR
 * x^15+x+1, preset 1).  Its own inverse. */
DW_API void dw_scramble(uint8_t raw[DW_SECTOR_RAW_BYTES]);

/* True when raw starts with the 12-byte sync pattern 00 FF*10 00. */
DW_API bool dw_sector_has_sync(const uint8_t raw[DW_SECTOR_RAW_BYTES]);

/* Build a complete Mode 1 sector: sync, header (BCD MSF of lba, mode 1),
 * user[2048], EDC, zero fill, P/Q parity.  ECMA-130 cl. 14.3. */
DW_API void dw_sector_encode_mode1(uint8_t raw[DW_SECTOR_RAW_BYTES], int32_t lba,
                                   const uint8_t user[DW_SECTOR_USER_BYTES]);

/* Build a complete Mode 2 Form 1 (form=1, user 2048 bytes, EDC + ECC) or
 * Form 2 (form=2, user 2324 bytes, EDC) sector.  subheader[4] is file,
 * channel, submode, coding; it is written twice and the Form 2 bit (0x20)
 * of submode is set or cleared to match form.  ECMA-130 cl. 14.4. */
DW_API void dw_sector_encode_mode2(uint8_t raw[DW_SECTOR_RAW_BYTES], int32_t lba,
                                   int form, const uint8_t subheader[4],
                                   const uint8_t *user);

/* Result of checking one raw data sector. */
enum dw_sector_verdict {
    DW_SECTOR_GOOD = 0,      /* sync, header, EDC (and ECC where present) good */
    DW_SECTOR_NO_SYNC,       /* no sync pattern: not a data sector */
    DW_SECTOR_BAD_HEADER,    /* header MSF differs from the expected LBA */
    DW_SECTOR_BAD_MODE,      /* mode byte is not 0, 1 or 2 */
    DW_SECTOR_BAD_EDC,       /* EDC mismatch */
    DW_SECTOR_BAD_ECC,       /* EDC good but P/Q parity mismatch */
    DW_SECTOR_ZERO_MODE      /* mode 0 sector: user data should be zero */
};

struct dw_sector_check {
    enum dw_sector_verdict verdict;
    int mode;           /* 0, 1, 2 from the header, -1 without sync */
    int form;           /* 1 or 2 for Mode 2, 0 otherwise */
    bool edc_present;   /* false for Form 2 sectors whose EDC field is 0 */
    int32_t header_lba; /* LBA decoded from the header MSF */
};

/* Check a raw 2352-byte data sector (ECMA-130 cl. 14, Annex A): sync, header
 * MSF (against expected_lba unless it is DW_SECTOR_ANY_LBA), mode, EDC and,
 * for Mode 1 and Mode 2 Form 1, ECC.  Fills *out (may be NULL) and returns
 * the verdict. */
#define DW_SECTOR_ANY_LBA INT32_MIN
DW_API enum dw_sector_verdict dw_sector_check(const uint8_t raw[DW_SECTOR_RAW_BYTES],
                                              int32_t expected_lba,
                                              struct dw_sector_check *out);

/* The checks that vouch for a copy of the user data alone (an ISO image):
 * those of dw_sector_check except the P/Q parity of a sector whose EDC
 * matches.  The EDC (ECMA-130 cl. 14.3; CD-ROM XA Form 1: over subheader
 * and user data) already covers every byte kept, and the header is checked
 * against expected_lba; the parity is for repair and is not part of the
 * copy.  A sector whose EDC fails gets DW_SECTOR_BAD_EDC as from
 * dw_sector_check (dw_sector_ecc_repair may then restore it); the result
 * is never DW_SECTOR_BAD_ECC.  Fills *out (may be NULL); reentrant. */
DW_API enum dw_sector_verdict dw_sector_check_user(const uint8_t raw[DW_SECTOR_RAW_BYTES],
                                                   int32_t expected_lba,
                                                   struct dw_sector_check *out);

/* Short lowercase name of a verdict ("good", "bad EDC", ...); static. */
DW_API const char *dw_sector_verdict_name(enum dw_sector_verdict v);

/* Q-subchannel CRC over q[0..9] (ECMA-130 cl. 22.3.6: polynomial 0x1021,
 * initial 0, result inverted); stored big-endian in q[10..11]. */
DW_API uint16_t dw_q_crc(const uint8_t q[10]);

/* ---- Q sub-channel frames (ECMA-130 cl. 22.3; IEC 60908 17.5) ------------ */

#define DW_Q_BYTES 12            /* CONTROL/ADR, 9 data bytes, CRC-16 */
#define DW_Q_ADR_POSITION 1      /* mode 1: track, index, times */
#define DW_Q_ADR_MCN 2           /* mode 2: media catalogue number */
#define DW_Q_ADR_ISRC 3          /* mode 3: ISRC of the track */
#define DW_Q_TNO_LEADOUT 0xAA    /* TNO of the lead-out */

/* One Q frame, decoded.  Fields not carried by the frame's ADR are zero
 * (strings empty). */
struct dw_q {
    unsigned control;    /* q[0] bits 7-4: CONTROL, the DW_CTL_* bits of disc.h */
    unsigned adr;        /* q[0] bits 3-0: ADR */
    /* ADR 1 (position), program area and lead-out: */
    int tno;             /* track 1-99, DW_Q_TNO_LEADOUT, 0 in the lead-in */
    int index;           /* INDEX 0-99 (00: pause, the pregap); in the lead-in
                            the POINT byte as it is (A0h-A2h are not BCD) */
    int32_t rel_frames;  /* relative time in frames (MIN:SEC:FRAME): from
                            INDEX 01 up; in a pregap down to 0 on its last
                            frame; in the lead-in the lead-in time */
    int32_t abs_lba;     /* absolute time AMIN:ASEC:AFRAME as an LBA (MSF
                            minus 150, no lead-in wrap); in the lead-in
                            PMIN:PSEC:PFRAME as an LBA */
    /* ADR 2 (MCN) and ADR 3 (ISRC): */
    char mcn[14];        /* 13 digits, NUL-ended */
    char isrc[13];       /* 12 characters: 5 letters/digits + 7 digits */
    int aframe;          /* AFRAME 0-74, the absolute frame number */
};

/* Decode a 12-byte Q frame as it is on the disc (BCD numbers, CRC
 * big-endian in q[10..11]): CONTROL/ADR; ADR 1: TNO, INDEX, relative and
 * absolute time; ADR 2: 13 MCN digits (N1..N13 in q[1..7] high nibble
 * first, q[7] low nibble and q[8] zero) and AFRAME; ADR 3: ISRC, five
 * 6-bit characters (00h-09h '0'-'9', 11h-2Ah 'A'-'Z') in q[1..4] followed
 * by two zero bits, seven BCD digits in q[5..8] and a zero nibble, then
 * AFRAME.  Other ADR values decode CONTROL/ADR only.  Fills *out and
 * returns 0; DW_EMISMATCH when the CRC (dw_q_crc) does not match (*out
 * then holds what decodes, not to be trusted); DW_EPARSE when the CRC
 * matches but a field is not valid BCD, a time is out of range (seconds
 * 0-59, frames 0-74) or an ISRC character code is unknown. */
DW_API int dw_q_decode(const uint8_t q[DW_Q_BYTES], struct dw_q *out);

/* Encode *in as a 12-byte Q frame with its CRC, the inverse of dw_q_decode
 * for ADR 1 (tno 0-99 or DW_Q_TNO_LEADOUT; index, rel_frames, abs_lba >=
 * -150 within 99:59:74), ADR 2 (mcn: 13 digits) and ADR 3 (isrc: 5 letters
 * or digits, either case, then 7 digits).  Returns 0 or DW_EINVAL (other
 * ADR, a value out of range, a malformed MCN or ISRC; q is then zero). */
DW_API int dw_q_encode(const struct dw_q *in, uint8_t q[DW_Q_BYTES]);

/* Raw P-W sub-channel as READ CD returns it (MMC-6 sub-channel selection
 * 001b: 96 bytes, bit 7 of each byte P, bit 6 Q ... bit 0 W) to the
 * de-interleaved form of CloneCD .sub files: out[0..11] P, out[12..23] Q,
 * ... out[84..95] W, most significant bit first. */
DW_API void dw_subchannel_deinterleave(const uint8_t pw[DW_SUBCHANNEL_BYTES],
                                       uint8_t out[DW_SUBCHANNEL_BYTES]);

/* The inverse: 8 channels of 12 bytes (P first) to 96 interleaved bytes. */
DW_API void dw_subchannel_interleave(const uint8_t in[DW_SUBCHANNEL_BYTES],
                                     uint8_t pw[DW_SUBCHANNEL_BYTES]);

/* Only the 12 Q bytes of a raw interleaved P-W block (bit 6 of each byte). */
DW_API void dw_subchannel_q(const uint8_t pw[DW_SUBCHANNEL_BYTES], uint8_t q[DW_Q_BYTES]);

#ifdef __cplusplus
}
#endif
#endif
