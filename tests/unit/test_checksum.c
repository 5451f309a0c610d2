/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CRC-32 (zlib) and MD5/SHA-1/SHA-256 (nettle) through dw_hash. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "dw_test.h"
#include "discwright/checksum.h"

static void digest_of(const char *text, struct dw_digests *d)
{
    struct dw_hash *h = dw_hash_new(DW_HASH_ALL);
    assert_non_null(h);
    dw_hash_update(h, text, strlen(text));
    dw_hash_final(h, d);
    dw_hash_free(h);
}

/* Published check values: CRC-32 "123456789" (ISO-HDLC), RFC 1321,
 * FIPS 180 examples. */
static void test_known_vectors(void **state)
{
    (void)state;
    struct dw_digests d;
    digest_of("123456789", &d);
    assert_int_equal(d.crc32, 0xCBF43926u);
    assert_int_equal(d.bytes, 9);
    digest_of("", &d);
    assert_string_equal(d.md5, "d41d8cd98f00b204e9800998ecf8427e");
    assert_int_equal(d.crc32, 0);
    digest_of("abc", &d);
    assert_string_equal(d.md5, "900150983cd24fb0d6963f7d28e17f72");
    assert_string_equal(d.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
    assert_string_equal(d.sha256,
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* Streaming in pieces gives the same as one update; final restarts. */
static void test_streaming_and_restart(void **state)
{
    (void)state;
    struct dw_digests whole, parts;
    struct dw_hash *h = dw_hash_new(DW_HASH_CRC32 | DW_HASH_SHA1);
    const char *text = "The quick brown fox jumps over the lazy dog";
    dw_hash_update(h, text, strlen(text));
    dw_hash_final(h, &whole);
    for (size_t i = 0; i < strlen(text); i += 7)
        dw_hash_update(h, text + i, strlen(text) - i < 7 ? strlen(text) - i : 7);
    dw_hash_final(h, &parts);
    assert_int_equal(whole.crc32, 0x414FA339u);
    assert_int_equal(parts.crc32, whole.crc32);
    assert_string_equal(parts.sha1, "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
    assert_string_equal(parts.md5, ""); /* not asked for */
    assert_int_equal(parts.which, DW_HASH_CRC32 | DW_HASH_SHA1);
    dw_hash_free(h);
    dw_hash_free(NULL);
    assert_null(dw_hash_new(0));
}

/* A real file with a published SHA-1 (libarcstk's test PCM). */
static void test_file_sha1(void **state)
{
    (void)state;
    const char *path = DW_FIXTURES_DIR "/libarcstk/test/data/calculation-test-01.bin";
    struct dw_digests d;
    DW_SKIP_UNLESS(access(path, R_OK) == 0, path);
    assert_int_equal(dw_hash_file(path, DW_HASH_ALL, &d), 0);
    assert_int_equal(d.bytes, 786432);
    assert_string_equal(d.sha1, "865b91c327abd868330558c5c0dcbcd80f7d2380");
    assert_int_not_equal(dw_hash_file("/nonexistent/x", DW_HASH_ALL, &d), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_streaming_and_restart),
        cmocka_unit_test(test_file_sha1),
    };
    return dw_test_result(cmocka_run_group_tests(tests, NULL, NULL));
}
