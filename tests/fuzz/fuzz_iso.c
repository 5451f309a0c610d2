/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the ISO 9660 / UDF volume recognition reader
 * (dw__iso_volume_parse): the input is read both as the bytes from sector
 * 16 on and, when it is longer than 32 KiB, as a whole image (so that the
 * replayed .iso fixtures are read where their descriptors are).  Whatever
 * it is, the result agrees with itself: found exactly when an ISO 9660 set
 * or a UDF sequence is, a volume identifier of printable ASCII, nothing
 * read past the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "image/image.h"

const char *dw_fuzz_fixture_ext = ".iso";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t size)
{
    struct dw__iso_volume vol;
    int rc = dw__iso_volume_parse(data, size, &vol);
    if ((rc == 0) != (vol.iso9660 || vol.udf))
        abort();
    if (rc != 0 && rc != DW_EUNSUPPORTED)
        abort();
    size_t n = strlen(vol.volume_id);
    if (n >= sizeof(vol.volume_id) || (!vol.iso9660 && (n || vol.volume_sectors)))
        abort();
    for (size_t i = 0; i < n; i++)
        if (vol.volume_id[i] < 0x20 || vol.volume_id[i] > 0x7e)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size);
    if (size > 16 * 2048)
        check(data + 16 * 2048, size - 16 * 2048);
    return 0;
}
