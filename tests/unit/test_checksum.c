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

/* The MD5 worker (dw_hash_set_threads): the same digests as the
 * single-thread code for streams of every shape: empty, smaller than a
 * ring slot, exact multiples of the 256 KiB slots and of the 2 MiB ring,
 * odd chunk sizes, and a hash reused after dw_hash_final. */
static void digests_of(unsigned threads, unsigned which, const uint8_t *data, size_t bytes,
                       const size_t *chunks, int rounds, struct dw_digests *out)
{
    dw_hash_set_threads(threads);
    struct dw_hash *h = dw_hash_new(which);
    assert_non_null(h);
    for (int r = 0; r < rounds; r++) {
        size_t done = 0;
        for (int k = 0; done < bytes; k++) {
            size_t n = chunks[k % 5];
            if (n > bytes - done)
                n = bytes - done;
            dw_hash_update(h, data + done, n);
            done += n;
        }
        dw_hash_final(h, &out[r]);
    }
    dw_hash_free(h);
    dw_hash_set_threads(0);
}

static void test_threaded_same_digests(void **state)
{
    (void)state;
    size_t max = 9u * 1024 * 1024 + 333;
    uint8_t *data = malloc(max);
    assert_non_null(data);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < max; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        data[i] = (uint8_t)x;
    }
    static const size_t sizes[] = {0, 1, 2352, 256 * 1024, 2 * 1024 * 1024,
                                   2 * 1024 * 1024 + 1, 9u * 1024 * 1024 + 333};
    static const size_t chunks[][5] = {{2352, 2352, 2352, 2352, 2352},
                                       {1, 4095, 262144, 262143, 70000},
                                       {1048576, 3, 524288, 262145, 17}};
    static const unsigned whichs[] = {DW_HASH_ALL, DW_HASH_CRC32 | DW_HASH_MD5 | DW_HASH_SHA1,
                                      DW_HASH_MD5 | DW_HASH_SHA256, DW_HASH_MD5};
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
        for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++)
            for (size_t w = 0; w < sizeof(whichs) / sizeof(whichs[0]); w++) {
                struct dw_digests one[2], two[2];
                digests_of(1, whichs[w], data, sizes[s], chunks[c], 2, one);
                digests_of(2, whichs[w], data, sizes[s], chunks[c], 2, two);
                for (int r = 0; r < 2; r++) {
                    assert_int_equal(one[r].bytes, sizes[s]);
                    assert_int_equal(two[r].bytes, sizes[s]);
                    assert_int_equal(one[r].crc32, two[r].crc32);
                    assert_string_equal(one[r].md5, two[r].md5);
                    assert_string_equal(one[r].sha1, two[r].sha1);
                    assert_string_equal(one[r].sha256, two[r].sha256);
                }
                /* The second round of a reused hash equals the first. */
                assert_string_equal(two[0].md5, two[1].md5);
            }
    /* A known vector through the worker: MD5 of 1,000,000 'a' (RFC 1321's
     * test suite has it as a million-a vector for SHA-1; MD5's value is
     * 7707d6ae4e027c70eea2a935c2296f21). */
    memset(data, 'a', 1000000);
    struct dw_digests d[1];
    static const size_t whole[5] = {1000000, 1000000, 1000000, 1000000, 1000000};
    digests_of(2, DW_HASH_MD5 | DW_HASH_SHA1, data, 1000000, whole, 1, d);
    assert_string_equal(d[0].md5, "7707d6ae4e027c70eea2a935c2296f21");
    assert_string_equal(d[0].sha1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_streaming_and_restart),
        cmocka_unit_test(test_file_sha1),
        cmocka_unit_test(test_threaded_same_digests),
    };
    return dw_test_result(cmocka_run_group_tests(tests, NULL, NULL));
}
