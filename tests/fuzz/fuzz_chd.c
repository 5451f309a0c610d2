/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the CHD reader, from memory (dw__chd_parse): any
 * bytes give either an image whose spans read inside its decoded content
 * or an error with a message; reading the first hunks through the decoded
 * file (codecs, CRCs, self references) gives the bytes or an error with a
 * message; never a crash, leak or hang.  The corpus holds small CHDs made
 * by chdman (CD with cdlz, cdzl, cdfl, uncompressed; DVD with zlib, lzma,
 * flac) and by our writer, and damaged variants of them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "image/chd.h"
#include "image_check.h"

const char *dw_fuzz_fixture_ext = ".chd";

#define READ_LIMIT_BYTES (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err = {0};
    int rc = dw__chd_parse(data, size, "fuzz.chd", &img, &err);
    if (rc != 0) {
        if (img != NULL || err.message[0] == '\0' || err.code != rc)
            abort();
        return 0;
    }
    if (img->file_count != 1 || !img->files[0].vops)
        abort();
    uint64_t content = img->files[0].size_bytes;
    if (strcmp(img->kind, "DVD") != 0)
        dw_fuzz_check_image(img, content);
    static uint8_t buf[65536];
    uint64_t limit = content < READ_LIMIT_BYTES ? content : READ_LIMIT_BYTES;
    for (uint64_t at = 0; at < limit; at += sizeof(buf)) {
        size_t n = limit - at < sizeof(buf) ? (size_t)(limit - at) : sizeof(buf);
        memset(&err, 0, sizeof(err));
        rc = img->files[0].vops->pread(img->files[0].vctx, buf, n, at, &err);
        if (rc && (err.message[0] == '\0' || err.code != rc))
            abort();
    }
    /* past the end: always DW_ETRUNC */
    memset(&err, 0, sizeof(err));
    if (img->files[0].vops->pread(img->files[0].vctx, buf, 1, content, &err) != DW_ETRUNC)
        abort();
    dw__image_free(img);
    return 0;
}
