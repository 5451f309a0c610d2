/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: finding the combined read + write offset of a
 * source's audio against its image (the verify's search).
 *
 * Both sides are stretches of 16-bit stereo PCM (4 bytes a sample) placed
 * on one axis of sample positions: image sample p is expected at source
 * position p + shift.  The search takes blocks of the image starting at
 * its first non-silent sample (DW_VERIFY_SEARCH_BLOCK samples each, silent
 * blocks skipped) and, for every shift within the range, compares the
 * block with the source where both are there; a shift fits when at least
 * DW_VERIFY_SEARCH_MIN_OVERLAP samples of the block, DW_VERIFY_SEARCH_MIN_SOUND
 * of them not silent, are equal byte for byte.  The first block that some
 * shift fits decides (a block that nothing fits, say one holding a changed
 * sample, gives way to the next); of several fitting shifts (periodic or
 * nearly silent audio) the one nearest 0 wins and fits says how many.
 * Pure: no I/O, no allocation.
 */
#ifndef DW_VERIFY_OFFSET_H
#define DW_VERIFY_OFFSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DW_VERIFY_SEARCH_BLOCK 2940      /* samples a block: 5 sectors */
#define DW_VERIFY_SEARCH_BLOCKS 8        /* blocks tried at most */
#define DW_VERIFY_SEARCH_MIN_OVERLAP 588 /* samples compared at least */
#define DW_VERIFY_SEARCH_MIN_SOUND 16    /* non-silent samples among them */

struct dw__offset_search {
    bool found;
    int32_t shift_samples; /* found: source position = image position + this */
    int fits;              /* shifts that fit the deciding block */
    int blocks;            /* blocks compared */
    bool silent;           /* the image stretch holds no non-zero sample */
};

/* Search shifts -range_samples..range_samples.  image: image_samples
 * samples from position image_first; source: source_samples samples from
 * position source_first (positions in samples, the same axis).  Fills *out;
 * returns 0, or DW_EINVAL for NULL pointers or negative lengths. */
int dw__verify_offset_search(const uint8_t *image, int64_t image_first,
                             int64_t image_samples, const uint8_t *source,
                             int64_t source_first, int64_t source_samples,
                             int32_t range_samples, struct dw__offset_search *out);

/* Whether the 4-byte sample at p is silent (all zero). */
static inline bool dw__sample_silent(const uint8_t *p)
{
    return !(p[0] | p[1] | p[2] | p[3]);
}

#endif
