/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the cdrdao TOC parser: any bytes must give either an
 * image whose span map covers the disc, or an error with a message; never a
 * crash, leak or hang.  Files are not touched (check_files = false). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "image/image.h"

const char *dw_fuzz_fixture_ext = ".toc";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    int rc = dw__toc_parse((const char *)data, size, "fuzz.toc", false, &img, &err);
    if (rc == 0) {
        /* The span map is contiguous from the first track to the lead-out. */
        const struct dw_disc *d = img->disc;
        int32_t lba = dw_track_first_lba(&d->tracks[0]);
        for (int i = 0; i < img->span_count; i++) {
            if (img->spans[i].lba != lba || img->spans[i].sectors <= 0)
                abort();
            lba += img->spans[i].sectors;
        }
        if (lba != d->leadout_lba)
            abort();
    } else if (img != NULL || err.message[0] == '\0') {
        abort();
    }
    dw__image_free(img);
    return 0;
}
