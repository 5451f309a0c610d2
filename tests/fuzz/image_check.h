/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What every image a reader returns must satisfy, for the fuzz targets of
 * the readers (fuzz_nrg.c, fuzz_sniff.c): abort() on the first breach, so
 * libFuzzer reports it as a crash.
 *  - at least one track; the lead-out within the longest CD (99:59:74);
 *  - spans of at least one sector, in LBA order, not overlapping, none
 *    past the lead-out;
 *  - with file_bytes (not 0): every span that reads a file reads inside
 *    it, and the file index is valid. */
#ifndef DW_FUZZ_IMAGE_CHECK_H
#define DW_FUZZ_IMAGE_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include "image/image.h"

static inline void dw_fuzz_check_image(const struct dw__image *img, uint64_t file_bytes)
{
    const struct dw_disc *d = img->disc;
    if (!d || d->track_count < 1 || d->leadout_lba > DW__CD_MAX_LEADOUT_LBA)
        abort();
    int64_t end = INT64_MIN;
    for (int i = 0; i < img->span_count; i++) {
        const struct dw__span *s = &img->spans[i];
        if (s->sectors <= 0 || s->lba < end || (int64_t)s->lba + s->sectors > d->leadout_lba)
            abort();
        end = (int64_t)s->lba + s->sectors;
        if (s->layout == DW_SPAN_ZERO || !file_bytes)
            continue;
        if (s->file < 0 || s->file >= img->file_count || s->stride_bytes == 0)
            abort();
        uint64_t bytes = (uint64_t)s->sectors * s->stride_bytes;
        if (s->offset_bytes > file_bytes || bytes > file_bytes - s->offset_bytes)
            abort();
    }
}

#endif
