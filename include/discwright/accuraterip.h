/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: audio track checksums and AccurateRip responses.
 *
 * - AccurateRip v1 and v2 track checksums and the frame-450 checksum,
 *   computed while streaming a track's PCM (dw_ar_calc_*).
 * - The v1 offset search over frame 450 (dw_ar_frame450_search).
 * - EAC's "copy CRC" and "CRC without null samples" (dw_eac_crc_*).
 * - AccurateRip database responses (dBAR-*.bin files): parse and match
 *   (dw_ar_response_*, dw_ar_match).
 *
 * PCM everywhere is CD-DA as it comes off the disc: 16-bit little-endian
 * signed samples, left then right, 4 bytes per stereo sample, 588 stereo
 * samples (2352 bytes) per sector.  AccurateRip reads one stereo sample as
 * the 32-bit word v = L | R << 16 (the little-endian u32 at that position)
 * and numbers a track's samples k = 1..N.
 *
 * Sources of the formulas: ../shared/REFERENCE.md "Audio checksums and disc
 * ids", cross-checked against the published vectors in
 * ../shared/fixtures/README.md (libarcstk's calculation-test-01, whipper's
 * dBAR-002 response, libarcstk's dBAR-015 response and its truncated
 * copies).  Disc ids and the database path are in discwright/discid.h.
 */
#ifndef DISCWRIGHT_ACCURATERIP_H
#define DISCWRIGHT_ACCURATERIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "discwright/disc.h"
#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DW_AR_SAMPLES_PER_SECTOR 588
#define DW_AR_BYTES_PER_SAMPLE 4
/* Samples skipped at the start of the first and the end of the last audio
 * track: 5 sectors minus one sample.  On the first track samples k < 2940
 * are left out, on the last track samples k > N - 2940. */
#define DW_AR_SKIP_SAMPLES 2940
/* The frame-450 checksum covers samples k = 450*588 + 1 .. 450*588 + 588. */
#define DW_AR_FRAME450_FIRST_SAMPLE (450 * 588)

/* ------------------------------------------------------------------ */
/* Track checksums                                                      */

/* Flags of dw_ar_calc_new. */
#define DW_AR_FIRST_TRACK 0x1u  /* first audio track of the disc: skip k < 2940 */
#define DW_AR_LAST_TRACK 0x2u   /* last audio track of the disc: skip k > N - 2940 */

/* The checksums of one track. */
struct dw_ar_checksums {
    uint32_t v1;            /* AccurateRip v1: sum of lo32(k * v_k) mod 2^32 */
    uint32_t v2;            /* AccurateRip v2: sum of lo32(k * v_k) + hi32(k * v_k) */
    uint32_t frame450;      /* sum over j = 1..588 of j * v(450*588 + j) mod 2^32
                               (no skips, v1 arithmetic); 0 when !has_frame450 */
    bool has_frame450;      /* the track has at least 451 sectors */
    uint64_t samples;       /* stereo samples fed */
};

/* Streaming state of one track's AccurateRip checksums; opaque, bounded
 * memory (a few dozen bytes), any chunk sizes. */
struct dw_ar_calc;

/* New checksum state for one track of `samples` stereo samples (N; the
 * track's sectors * 588).  flags: DW_AR_FIRST_TRACK and/or DW_AR_LAST_TRACK
 * (both for a one-track disc).  samples may be 0 for "unknown" unless
 * DW_AR_LAST_TRACK is set (the end skip needs N).  On success *out is a new
 * state the caller frees with dw_ar_calc_free.
 * Errors: DW_EINVAL for unknown flag bits, DW_AR_LAST_TRACK without a
 * length, or samples >= 2^32; DW_ENOMEM. */
DW_API int dw_ar_calc_new(uint64_t samples, unsigned flags, struct dw_ar_calc **out);

/* Feed the next `bytes` bytes of the track's PCM (any length, may be 0 or
 * cut inside a sample; the calculator keeps up to 3 bytes between calls).
 * Cost: a 32x32->64-bit multiply and two adds per sample.
 * Errors: DW_ERANGE when the data would run past the declared N samples
 * (nothing of this call is consumed then); DW_EINVAL for NULL data with
 * bytes > 0. */
DW_API int dw_ar_calc_update(struct dw_ar_calc *c, const void *pcm, size_t bytes);

/* Read the checksums into *out (the state is not changed; more data may
 * follow and final be called again).  Returns 0, or DW_ETRUNC when N was
 * declared and fewer samples were fed, or when a partial sample is
 * pending; *out is filled in every case with the checksums of the whole
 * samples fed so far. */
DW_API int dw_ar_calc_final(const struct dw_ar_calc *c, struct dw_ar_checksums *out);

/* Free; NULL is a no-op. */
DW_API void dw_ar_calc_free(struct dw_ar_calc *c);

/* Flags for dw_ar_calc_new for track `number` of disc: DW_AR_FIRST_TRACK
 * for the first audio track, DW_AR_LAST_TRACK for the last (data tracks do
 * not count, so on a mixed-mode disc with data in track 1 the skip applies
 * to track 2, as the database expects).  Returns the flags (>= 0), or
 * DW_EINVAL when the disc has no such track or it is a data track. */
DW_API int dw_ar_track_flags(const struct dw_disc *disc, int number);

/* ------------------------------------------------------------------ */
/* Offset search over frame 450                                         */

/* One read offset at which our samples reproduce a database frame-450
 * checksum. */
struct dw_ar_offset_hit {
    int32_t shift_samples;  /* s: the database's frame 450 starts at our
                               track's sample 450*588 + 1 + s */
    int target;             /* index into the targets array that matched */
};

/* Find the shifts s in [-max_shift_samples, +max_shift_samples] for which
 * sum over j = 1..588 of j * w(s + j) equals one of the targets, where
 * w(i) is our track's sample 450*588 + i.  pcm holds our track's samples
 * 450*588 + 1 - max_shift .. 450*588 + 588 + max_shift: exactly
 * (588 + 2 * max_shift_samples) * 4 bytes.  The window slides one sample
 * at a time in O(1) (c' = c - S + 588 * v_new, S' = S - v_old + v_new;
 * REFERENCE.md), so the cost is O(shifts * targets) compares plus O(588)
 * setup.  targets are frame-450 CRCs from a response (target_count of
 * them); targets equal to 0 are ignored (v2 blocks carry 0, and digital
 * silence sums to 0).  Up to max_hits hits are written to hits (may be
 * NULL when max_hits is 0), in order of increasing shift then target;
 * *hit_count receives the total found (may exceed max_hits).
 * A hit s means our sample 450*588 + s + j equals the pressing's sample
 * 450*588 + j: reading with s more samples of read offset correction
 * (output sample k = our sample k + s, EAC's sign) reproduces the pressing.
 * Errors: DW_EINVAL for a negative max_shift_samples, one larger than
 * 450*588 (the window would start before the track), a byte count that
 * does not match, or NULL pointers. */
DW_API int dw_ar_frame450_search(const void *pcm, size_t bytes, int32_t max_shift_samples,
                                 const uint32_t *targets, int target_count,
                                 struct dw_ar_offset_hit *hits, size_t max_hits,
                                 size_t *hit_count);

/* ------------------------------------------------------------------ */
/* EAC CRCs                                                             */

/* Streaming state of EAC's two track CRCs; opaque, bounded memory. */
struct dw_eac_crc;

/* New state; the caller frees it with dw_eac_crc_free.  NULL when out of
 * memory. */
DW_API struct dw_eac_crc *dw_eac_crc_new(void);

/* Feed the next bytes of the track's PCM (any length, may be 0). */
DW_API void dw_eac_crc_update(struct dw_eac_crc *e, const void *pcm, size_t bytes);

/* Read the two CRCs (the state is not changed):
 *   copy_crc:   CRC-32 (zlib, ISO-HDLC) of all PCM bytes fed, EAC's "Copy
 *               CRC" of the track;
 *   nonull_crc: CRC-32 of the PCM with every 16-bit sample word that is 0
 *               left out (each channel on its own: a sample with a silent
 *               left and a non-silent right keeps the right word), EAC's
 *               "CRC without null samples" (as CUETools computes it).
 * Either pointer may be NULL.  Returns 0, or DW_ETRUNC when an odd byte
 * count was fed (the trailing byte is in copy_crc only). */
DW_API int dw_eac_crc_final(const struct dw_eac_crc *e, uint32_t *copy_crc,
                            uint32_t *nonull_crc);

/* Free; NULL is a no-op. */
DW_API void dw_eac_crc_free(struct dw_eac_crc *e);

/* ------------------------------------------------------------------ */
/* AccurateRip database responses                                       */

/* One track entry of a response block. */
struct dw_ar_entry {
    unsigned confidence;    /* submissions that agreed (0..255) */
    uint32_t crc;           /* v1 or v2 track checksum */
    uint32_t frame450;      /* frame-450 checksum (0 in v2 blocks) */
};

/* One block: a pressing's checksums, v1 or v2 (the file does not say
 * which; the matcher tries both). */
struct dw_ar_block {
    int track_count;        /* 1..255 */
    uint32_t id1, id2;      /* AccurateRip disc ids the block is filed under */
    uint32_t cddb_id;
    struct dw_ar_entry *tracks; /* track_count entries, tracks[0] = track 1 */
};

/* A parsed dBAR file: a read-only value owned by the library. */
struct dw_ar_response {
    int block_count;        /* >= 1 */
    struct dw_ar_block *blocks;
};

/* Parse the bytes of a dBAR file: blocks of [u8 track count][u32le id1]
 * [u32le id2][u32le cddb id], each followed per track by [u8 confidence]
 * [u32le CRC][u32le frame-450 CRC] (REFERENCE.md).  On success *out is a
 * new response the caller frees with dw_ar_response_free.
 * Errors: DW_EPARSE for empty input, a block with 0 tracks, or input that
 * ends inside a block header or a track entry (truncated download);
 * DW_EINVAL for NULL arguments; DW_ENOMEM. */
DW_API int dw_ar_response_parse(const void *data, size_t bytes, struct dw_ar_response **out);

/* Free a response; NULL is a no-op. */
DW_API void dw_ar_response_free(struct dw_ar_response *r);

/* How one of our tracks matched a response. */
enum dw_ar_match_kind {
    DW_AR_MATCH_NONE = 0,   /* neither v1 nor v2 in any block */
    DW_AR_MATCH_V1,         /* best match is our v1 */
    DW_AR_MATCH_V2          /* best match is our v2 */
};

struct dw_ar_track_match {
    enum dw_ar_match_kind kind;
    int block;              /* block of the best match (highest confidence;
                               v2 wins a tie), -1 without a match */
    unsigned confidence;    /* that entry's confidence, 0 without a match */
    unsigned confidence_v1; /* sum of confidences of entries equal to our v1 */
    unsigned confidence_v2; /* sum of confidences of entries equal to our v2 */
    unsigned submissions;   /* sum of all entries' confidences for the track */
    bool frame450_match;    /* some entry's frame-450 CRC equals ours (a
                               partial match, e.g. an error after frame 450) */
};

struct dw_ar_disc_match {
    int tracks;             /* tracks compared */
    int tracks_matched;     /* tracks with kind != DW_AR_MATCH_NONE */
    /* Smallest over tracks of confidence_v1 + confidence_v2 (CUETools'
     * "worst confidence"): the disc is as accurate as its weakest track.
     * 0 when any track failed. */
    unsigned confidence;
};

/* Compare our checksums with a response.  ours[i] are the checksums of
 * the track in the response's slot i (track i + 1; on a mixed-mode disc
 * with data in track 1 the database keeps a slot for the data track, so
 * the caller maps its tracks); entries with confidence 0 are ignored (the
 * database writes 0/0 for tracks it has nothing for).  Slots a block does
 * not have count as no match.  per_track (track_count entries) and disc
 * may each be NULL.
 * Errors: DW_EINVAL for NULL resp or ours, or track_count < 1. */
DW_API int dw_ar_match(const struct dw_ar_response *resp, const struct dw_ar_checksums *ours,
                       int track_count, struct dw_ar_track_match *per_track,
                       struct dw_ar_disc_match *disc);

#ifdef __cplusplus
}
#endif
#endif
