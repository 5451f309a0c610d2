/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the gzip and xz decoders (src/image/zstream.c,
 * dw__zstream_open): the input is opened as gzip when it starts like one,
 * else as xz; what must hold is in container_check.h (documented errors
 * with a message, reads that repeat in any order, nothing past the decoded
 * size). */
#include "container_check.h"

const char *dw_fuzz_fixture_ext = ".gz";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int open_gzip(const char *path, struct dw__decoded *out, struct dw_error_detail *err)
{
    return dw__zstream_open(path, DW_IMAGE_GZIP, out, err);
}

static int open_xz(const char *path, struct dw__decoded *out, struct dw_error_detail *err)
{
    return dw__zstream_open(path, DW_IMAGE_XZ, out, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    dw_fuzz_check_container(data, size, gzip ? open_gzip : open_xz);
    return 0;
}
