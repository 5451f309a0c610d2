/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the cue sheet parser, syntax only (no file access). */
#include <stddef.h>
#include <stdint.h>
#include "image/image.h"

const char *dw_fuzz_fixture_ext = ".cue";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    if (dw__cue_parse((const char *)data, size, "fuzz.cue", false, &img, &err) == 0)
        dw__image_free(img);
    return 0;
}
