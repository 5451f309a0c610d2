/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CD-TEXT decoding into the disc model (src/disc/cdtext_read.c,
 * dw__cdtext_apply over libcdio's decoder): every text that lands in a
 * dw_cdtext is valid UTF-8 within its field, whatever character code the
 * packs' size information names.  libcdio hands the bytes over unconverted
 * for a code it does not know (found by fuzz_cdtext: a 0x9D byte reached
 * the disc model, and from there the cue, the log and the JSON report);
 * such bytes are read as ISO 8859-1.  ISO 8859-1 packs still give their
 * characters, and a text longer than a field is cut between characters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "dw_test.h"
#include "disc/disc_int.h"
#include "discwright/disc.h"

/* CRC of a pack (IEC 61866: CRC-16/CCITT over bytes 0-15, inverted). */
static void pack_crc(uint8_t *p)
{
    unsigned crc = 0;
    for (int i = 0; i < 16; i++) {
        crc ^= (unsigned)p[i] << 8;
        for (int b = 0; b < 8; b++)
            crc = crc & 0x8000 ? (crc << 1 ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
    }
    crc ^= 0xFFFF;
    p[16] = (uint8_t)(crc >> 8);
    p[17] = (uint8_t)crc;
}

static struct dw_disc *two_tracks(void)
{
    struct dw_disc *d = dw_disc_new();
    assert_non_null(d);
    d->track_count = 2;
    d->tracks[0].number = 1;
    d->tracks[1].number = 2;
    return d;
}

/* Packs of a disc whose album title is title, with the character code of
 * block 0 set to code; *bytes gets their size. */
static uint8_t *packs_of(const char *title, uint8_t code, size_t *bytes)
{
    struct dw_disc *d = two_tracks();
    uint8_t *p;
    snprintf(d->cdtext.title, sizeof(d->cdtext.title), "%s", title);
    snprintf(d->tracks[0].cdtext.title, sizeof(d->tracks[0].cdtext.title), "One");
    snprintf(d->tracks[1].cdtext.title, sizeof(d->tracks[1].cdtext.title), "Two");
    assert_int_equal(dw_cdtext_encode(d, &p, bytes), 0);
    dw_disc_free(d);
    for (size_t off = 0; off < *bytes; off += 18)
        if (p[off] == 0x8F && p[off + 1] == 0) { /* size information, first pack */
            p[off + 4] = code;
            pack_crc(p + off);
        }
    return p;
}

static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80                    ? 0
                : (*p >= 0xC2 && *p <= 0xDF) ? 1
                : (*p & 0xF0) == 0xE0        ? 2
                : (*p >= 0xF0 && *p <= 0xF4) ? 3
                                             : -1;
        if (n < 0)
            return false;
        for (int i = 1; i <= n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return false;
        p += n + 1;
    }
    return true;
}

static void test_unknown_character_code(void **state)
{
    (void)state;
    size_t bytes;
    /* "Caf\xe9" as the encoder writes it (ISO 8859-1), in a block that says
     * its character code is 02h, which libcdio does not know. */
    uint8_t *p = packs_of("Caf\xc3\xa9 \xc2\x9d", 0x02, &bytes);
    struct dw_disc *d = two_tracks();
    assert_true(dw__cdtext_is_safe(p, bytes));
    assert_int_equal(dw__cdtext_apply(p, bytes, d), 0);
    assert_true(d->has_cdtext);
    assert_true(valid_utf8(d->cdtext.title));
    assert_string_equal(d->cdtext.title, "Caf\xc3\xa9 \xc2\x9d");
    assert_string_equal(d->tracks[1].cdtext.title, "Two");
    dw_disc_free(d);
    free(p);
}

static void test_iso_8859_1(void **state)
{
    (void)state;
    size_t bytes;
    uint8_t *p = packs_of("Stra\xc3\x9f"
                          "e \xc3\xbc"
                          "ber \xc2\xa9",
                          0x00, &bytes);
    struct dw_disc *d = two_tracks();
    assert_int_equal(dw__cdtext_apply(p, bytes, d), 0);
    assert_string_equal(d->cdtext.title, "Stra\xc3\x9f"
                                         "e \xc3\xbc"
                                         "ber \xc2\xa9");
    assert_string_equal(d->tracks[0].cdtext.title, "One");
    dw_disc_free(d);
    free(p);
}

/* 100 characters of two bytes each do not fit 160 bytes: the text is cut
 * after 80 of them, never inside one. */
static void test_cut_between_characters(void **state)
{
    (void)state;
    char title[256] = "";
    size_t bytes;
    for (int i = 0; i < 100; i++)
        strcat(title, "\xc3\xa9");
    uint8_t *p = packs_of(title, 0x00, &bytes);
    struct dw_disc *d = two_tracks();
    assert_int_equal(dw__cdtext_apply(p, bytes, d), 0);
    assert_int_equal(strlen(d->cdtext.title), 160);
    assert_true(valid_utf8(d->cdtext.title));
    dw_disc_free(d);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_character_code),
        cmocka_unit_test(test_iso_8859_1),
        cmocka_unit_test(test_cut_between_characters),
    };
    return dw_test_result(cmocka_run_group_tests(tests, NULL, NULL));
}
