/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for CD-TEXT (IEC 61866): the input as a READ
 * TOC/PMA/ATIP format 0101b reply (dw__mmc_parse_cdtext, MMC-6) and as the
 * raw packs of a .cdt file, decoded into a disc of 99 tracks by
 * dw__cdtext_apply (libcdio's decoder, behind dw__cdtext_is_safe).
 *   - the reply parser returns 0 or DW_EPARSE and its packs lie inside the
 *     reply, a whole number of 18-byte packs;
 *   - dw__cdtext_apply returns 0, DW_EPARSE or DW_ENOMEM; every text it
 *     files is NUL-ended, valid UTF-8, within DW_CDTEXT_BYTES;
 *   - a disc it filled re-encodes (dw_cdtext_encode) to packs that decode
 *     to the same texts, when every text is ISO 8859-1 (what the encoder
 *     writes), fits a block and the packs pass dw__cdtext_is_safe (see
 *     below).
 * Never a crash, leak or hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "disc/disc_int.h"
#include "discwright/disc.h"
#include "discwright/errors.h"
#include "drive/mmc.h"

const char *dw_fuzz_fixture_ext = ".cdt";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid UTF-8 (no overlong forms, no surrogates); *latin1 is cleared when
 * a character lies beyond U+00FF. */
static bool utf8_ok(const char *s, bool *latin1)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80             ? 0
                : (*p & 0xE0) == 0xC0 ? 1
                : (*p & 0xF0) == 0xE0 ? 2
                : (*p & 0xF8) == 0xF0 ? 3
                                      : -1;
        if (n < 0 || (n == 1 && *p < 0xC2))
            return false;
        uint32_t c = n ? *p & (0x3Fu >> n) : *p;
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            c = c << 6 | (p[i] & 0x3Fu);
        }
        if ((n == 2 && c < 0x800) || (n == 3 && (c < 0x10000 || c > 0x10FFFF)) ||
            (c >= 0xD800 && c <= 0xDFFF))
            return false;
        if (c > 0xFF)
            *latin1 = false;
        p += n + 1;
    }
    return true;
}

static bool texts_ok(const struct dw_cdtext *t, bool *latin1)
{
    const char *f[6] = {t->title,    t->performer, t->songwriter,
                        t->composer, t->arranger,  t->message};
    for (int i = 0; i < 6; i++)
        if (strnlen(f[i], DW_CDTEXT_BYTES) >= DW_CDTEXT_BYTES || !utf8_ok(f[i], latin1))
            return false;
    return true;
}

static struct dw_disc *disc_99(void)
{
    struct dw_disc *d = dw_disc_new();
    if (!d)
        return NULL;
    d->track_count = DW_MAX_TRACKS;
    for (int i = 0; i < DW_MAX_TRACKS; i++)
        d->tracks[i].number = i + 1;
    return d;
}

static void decode(const uint8_t *packs, size_t pack_bytes)
{
    struct dw_disc *d = disc_99(), *again = NULL;
    uint8_t *copy = malloc(pack_bytes ? pack_bytes : 1), *enc = NULL;
    size_t enc_bytes = 0;
    bool latin1 = true;

    if (!d || !copy)
        goto out;
    memcpy(copy, packs, pack_bytes);
    int rc = dw__cdtext_apply(copy, pack_bytes, d);
    if (rc != 0 && rc != DW_EPARSE && rc != DW_ENOMEM)
        abort();
    if (rc != 0)
        goto out;
    if (!texts_ok(&d->cdtext, &latin1))
        abort();
    for (int i = 0; i < d->track_count; i++)
        if (!texts_ok(&d->tracks[i].cdtext, &latin1))
            abort();
    if (!d->has_cdtext || !latin1)
        goto out;
    rc = dw_cdtext_encode(d, &enc, &enc_bytes);
    if (rc == DW_ERANGE || rc == DW_ENOMEM)
        goto out;
    if (rc != 0 || !enc || enc_bytes % 18 != 0)
        abort();
    /* Packs with an empty text followed by another in the same pack are
     * refused (libcdio 2.1 would file the texts after it one track early;
     * drive_mmc.c warns so): the encoder writes such layouts when a track
     * has an empty field, and there is nothing to compare then. */
    if (!dw__cdtext_is_safe(enc, enc_bytes))
        goto out;
    again = disc_99();
    if (!again)
        goto out;
    if (dw__cdtext_apply(enc, enc_bytes, again) != 0 || !again->has_cdtext ||
        memcmp(&again->cdtext, &d->cdtext, sizeof(d->cdtext)) != 0)
        abort();
    for (int i = 0; i < d->track_count; i++)
        if (memcmp(&again->tracks[i].cdtext, &d->tracks[i].cdtext, sizeof(d->cdtext)) !=
            0)
            abort();
out:
    free(enc);
    free(copy);
    dw_disc_free(again);
    dw_disc_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The reply in a buffer of exactly its size, so that a read past it is
     * an AddressSanitizer report. */
    uint8_t *reply = malloc(size ? size : 1);
    const uint8_t *packs;
    size_t pack_bytes;

    if (!reply)
        return 0;
    memcpy(reply, data, size);
    int rc = dw__mmc_parse_cdtext(reply, size, &packs, &pack_bytes);
    if (rc != 0 && rc != DW_EPARSE)
        abort();
    if (rc == 0 && pack_bytes) {
        if (pack_bytes % 18 != 0 || packs < reply + 4 ||
            packs + pack_bytes > reply + size)
            abort();
        decode(packs, pack_bytes);
    } else if (rc == 0 && packs) {
        abort();
    }
    free(reply);
    decode(data, size - size % 18); /* the same bytes as a .cdt file */
    return 0;
}
