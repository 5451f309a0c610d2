/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the CloneCD control file parser, from memory
 * (dw__ccd_parse without its .img and .sub): any bytes give either an image
 * whose span map reads only inside the .img the layout needs (file 0, of
 * the size the TOC gives it), within the longest CD, with the stored
 * sub-channel at 96 bytes a sector, or an error with a message; never a
 * crash, leak or hang.  The corpus holds the .ccd files of our own rips
 * (a mixed-mode disc, a CD-Extra with CD-TEXT, a data CD) and variants:
 * INDEX counted from the session's start, entries out of order, lead-outs
 * missing, CD-TEXT packs missing. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "image/image.h"
#include "image_check.h"

const char *dw_fuzz_fixture_ext = ".ccd";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err = {0};
    int rc = dw__ccd_parse((const char *)data, size, "fuzz.ccd", false, &img, &err);
    if (rc == 0) {
        if (img->file_count != 1)
            abort();
        dw_fuzz_check_image(img, img->files[0].size_bytes);
        for (int i = 0; i < img->span_count; i++) {
            const struct dw__span *s = &img->spans[i];
            if (s->layout != DW_SPAN_ZERO &&
                s->offset_bytes / 2352 * 96 != s->sub_offset_bytes)
                abort(); /* the .sub in step with the .img */
        }
    } else if (img != NULL || err.message[0] == '\0' || err.code != rc) {
        abort();
    }
    dw__image_free(img);
    return 0;
}
