/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the recognition of images by content
 * (dw__image_sniff_bytes, dw__image_sniff_verdict): the input is a file,
 * its first 64 KiB the head and its last 512 bytes the tail; the name it
 * is sniffed under (which only breaks ties) is picked by its size.  The
 * verdict must agree with the format (0 exactly for the formats discwright
 * reads, else a message); an input taken for ISO must have the recognition
 * area the ISO reader wants; one taken for a cue sheet, TOC file or NRG
 * image is handed to that parser, whose result must be sound.  Replayed
 * over every fixture file, whatever its kind. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "image/image.h"
#include "image_check.h"

const char *dw_fuzz_fixture_ext = NULL; /* every fixture file */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_parse(enum dw__image_format f, const uint8_t *data, size_t size)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err = {0};
    int rc;
    if (f == DW_IMAGE_CUE)
        rc = dw__cue_parse((const char *)data, size, "fuzz.cue", false, &img, &err);
    else if (f == DW_IMAGE_TOC)
        rc = dw__toc_parse((const char *)data, size, "fuzz.toc", false, &img, &err);
    else if (f == DW_IMAGE_NRG)
        rc = dw__nrg_parse(data, size, "fuzz.nrg", &img, &err);
    else
        return;
    if (rc == 0)
        dw_fuzz_check_image(img, f == DW_IMAGE_NRG ? size : 0);
    else if (img != NULL || err.message[0] == '\0')
        abort();
    dw__image_free(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"x.cue", "x.toc", "x.bin", "x", "x.ccd", "x.iso"};
    const char *name = names[size % (sizeof(names) / sizeof(names[0]))];
    size_t head = size < DW__SNIFF_HEAD_BYTES ? size : DW__SNIFF_HEAD_BYTES;
    size_t tail = size < DW__SNIFF_TAIL_BYTES ? size : DW__SNIFF_TAIL_BYTES;
    struct dw_error_detail err = {0};
    struct dw__iso_volume vol;

    enum dw__image_format f =
        dw__image_sniff_bytes(data, head, data + size - tail, tail, size, name);
    if ((unsigned)f >= DW_IMAGE_FORMAT_COUNT || !dw__image_format_name(f)[0])
        abort();
    int rc = dw__image_sniff_verdict(name, f, data, head, size, &err);
    bool readable = f == DW_IMAGE_CUE || f == DW_IMAGE_TOC || f == DW_IMAGE_NRG ||
                    f == DW_IMAGE_ISO || f == DW_IMAGE_CHD;
    if (readable != (rc == 0))
        abort();
    if (rc != 0 && (rc != DW_EUNSUPPORTED || !strstr(err.message, name)))
        abort();
    if (f == DW_IMAGE_ISO &&
        (head <= 16 * 2048 || dw__iso_volume_parse(data + 16 * 2048, head - 16 * 2048, &vol)))
        abort();
    check_parse(f, data, size);
    return 0;
}
