/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the Alcohol 120% descriptor parser, from memory
 * (dw__mds_parse without its .mdf, taken as 64 MiB long): any bytes give
 * either an image whose span map reads only inside that .mdf, within the
 * longest CD (or the largest disc for a DVD descriptor), with sub-channel
 * inside each stored sector, or an error with a message; never a crash,
 * leak or hang.  The corpus holds descriptors made by
 * tests/integration/mkmds.py from our own rips (a CD-Extra with P-W in
 * the MDF, Mode 1 as 2048-byte sectors with a UTF-16 name, a data CD, a
 * DVD) and damaged variants (cut, offsets past the end, counts that lie,
 * version 2). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "image/image.h"
#include "image_check.h"

const char *dw_fuzz_fixture_ext = ".mds";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MDF_BYTES (64u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err = {0};
    int rc = dw__mds_parse(data, size, "fuzz.mds", false, FUZZ_MDF_BYTES, &img, &err);
    if (rc == 0) {
        if (img->file_count != 1)
            abort();
        /* A DVD's track too is bounded by the 64 MiB of its .mdf. */
        dw_fuzz_check_image(img, FUZZ_MDF_BYTES);
        for (int i = 0; i < img->span_count; i++) {
            const struct dw__span *s = &img->spans[i];
            if (s->has_sub &&
                (s->sub_offset_bytes < s->offset_bytes ||
                 s->sub_offset_bytes + 96 > s->offset_bytes + s->stride_bytes))
                abort(); /* the P-W inside its sector's record */
        }
    } else if (img != NULL || err.message[0] == '\0' || err.code != rc) {
        abort();
    }
    dw__image_free(img);
    return 0;
}
