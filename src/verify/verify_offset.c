/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The verify's offset search: see verify_offset.h. */
#include <stdlib.h>
#include <string.h>
#include "discwright/errors.h"
#include "verify/verify_offset.h"

/* The first non-silent sample at index i or later (of n), or n. */
static int64_t next_sound(const uint8_t *pcm, int64_t i, int64_t n)
{
    while (i < n && dw__sample_silent(pcm + i * 4))
        i++;
    return i;
}

/* Non-silent samples of image indexes [a, b). */
static int64_t sound_in(const uint8_t *pcm, int64_t a, int64_t b)
{
    int64_t n = 0;
    for (int64_t i = a; i < b; i++)
        n += !dw__sample_silent(pcm + i * 4);
    return n;
}

/* Does shift s fit the image block [b0, b1) (indexes into image)?  Only
 * where the source is there; too little overlap, or too little sound in
 * it, does not fit. */
static bool shift_fits(const uint8_t *image, int64_t image_first, int64_t b0, int64_t b1,
                       const uint8_t *source, int64_t source_first,
                       int64_t source_samples, int32_t s)
{
    /* image index i sits at position image_first + i, its source sample at
     * position image_first + i + s, source index image_first + i + s -
     * source_first */
    int64_t rel = image_first + s - source_first;
    int64_t lo = b0, hi = b1;
    if (lo + rel < 0)
        lo = -rel;
    if (hi + rel > source_samples)
        hi = source_samples - rel;
    if (hi - lo < DW_VERIFY_SEARCH_MIN_OVERLAP)
        return false;
    /* cheap test first: the first non-silent sample of the overlap */
    int64_t first = next_sound(image, lo, hi);
    if (first >= hi || memcmp(image + first * 4, source + (first + rel) * 4, 4) != 0)
        return false;
    if (sound_in(image, lo, hi) < DW_VERIFY_SEARCH_MIN_SOUND)
        return false;
    return memcmp(image + lo * 4, source + (lo + rel) * 4, (size_t)(hi - lo) * 4) == 0;
}

int dw__verify_offset_search(const uint8_t *image, int64_t image_first,
                             int64_t image_samples, const uint8_t *source,
                             int64_t source_first, int64_t source_samples,
                             int32_t range_samples, struct dw__offset_search *out)
{
    if (!out || (!image && image_samples) || (!source && source_samples) ||
        image_samples < 0 || source_samples < 0 || range_samples < 0)
        return DW_EINVAL;
    memset(out, 0, sizeof(*out));
    int64_t b0 = next_sound(image, 0, image_samples);
    out->silent = b0 >= image_samples;
    while (b0 < image_samples && out->blocks < DW_VERIFY_SEARCH_BLOCKS) {
        int64_t b1 = b0 + DW_VERIFY_SEARCH_BLOCK;
        if (b1 > image_samples)
            b1 = image_samples;
        out->blocks++;
        int best = 0;
        for (int32_t s = -range_samples; s <= range_samples; s++) {
            if (!shift_fits(image, image_first, b0, b1, source, source_first,
                            source_samples, s))
                continue;
            out->fits++;
            if (!out->found || abs(s) < abs(best) || (abs(s) == abs(best) && s > best))
                best = s;
            out->found = true;
        }
        if (out->found) {
            out->shift_samples = best;
            return 0;
        }
        out->fits = 0;
        b0 = next_sound(image, b1, image_samples);
    }
    return 0;
}
