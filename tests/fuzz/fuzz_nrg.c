/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the Nero NRG reader, from memory (dw__nrg_parse):
 * any bytes give either an image whose span map reads only inside the
 * file, within the longest CD, or an error with a message; never a crash,
 * leak or hang.  The corpus holds the chunk chains of libcdio's p1.nrg and
 * videocd.nrg with their sector data cut down, and damaged variants. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "image/image.h"
#include "image_check.h"

const char *dw_fuzz_fixture_ext = ".nrg";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err = {0};
    int rc = dw__nrg_parse(data, size, "fuzz.nrg", &img, &err);
    if (rc == 0) {
        if (img->file_count != 1)
            abort();
        dw_fuzz_check_image(img, size);
    } else if (img != NULL || err.message[0] == '\0' || err.code != rc) {
        abort();
    }
    dw__image_free(img);
    return 0;
}
