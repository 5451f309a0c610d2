/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CRC-32 (ISA-L, checked against zlib) and MD5/SHA-1/SHA-256 (nettle)
 * through dw_hash and dw__hashset. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <zlib.h>
#include "dw_test.h"
#include "discwright/checksum.h"
#include "checksum/hashset.h"
#include "checksum/nettle_impl.h"

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

/* ---- dw__hashset: track and image digests ------------------------------ */

/* The plain reference: nettle and zlib called directly on the bytes
 * [a, b) of data, into *out (every DW_HASH_* bit). */
static void reference_digests(const uint8_t *data, size_t a, size_t b, struct dw_digests *out)
{
    struct md5_ctx md5;
    struct sha1_ctx sha1;
    struct sha256_ctx sha256;
    uint8_t d[SHA256_DIGEST_SIZE];
    memset(out, 0, sizeof(*out));
    out->bytes = b - a;
    out->crc32 = (uint32_t)crc32_z(crc32(0L, Z_NULL, 0), data + a, b - a);
    md5_init(&md5);
    md5_update(&md5, b - a, data + a);
    md5_digest(&md5, MD5_DIGEST_SIZE, d);
    dw__hash_hex(d, MD5_DIGEST_SIZE, out->md5);
    sha1_init(&sha1);
    sha1_update(&sha1, b - a, data + a);
    sha1_digest(&sha1, SHA1_DIGEST_SIZE, d);
    dw__hash_hex(d, SHA1_DIGEST_SIZE, out->sha1);
    sha256_init(&sha256);
    sha256_update(&sha256, b - a, data + a);
    sha256_digest(&sha256, SHA256_DIGEST_SIZE, d);
    dw__hash_hex(d, SHA256_DIGEST_SIZE, out->sha256);
}

/* got must hold exactly the `which` digests of want. */
static void assert_digests(const struct dw_digests *got, const struct dw_digests *want,
                           unsigned which)
{
    assert_int_equal(got->which, which);
    assert_int_equal(got->bytes, want->bytes);
    assert_int_equal(got->crc32, (which & DW_HASH_CRC32) ? want->crc32 : 0);
    assert_string_equal(got->md5, (which & DW_HASH_MD5) ? want->md5 : "");
    assert_string_equal(got->sha1, (which & DW_HASH_SHA1) ? want->sha1 : "");
    assert_string_equal(got->sha256, (which & DW_HASH_SHA256) ? want->sha256 : "");
}

/* Feed data[0..total) as tracks ending at ends[0..count) (the last one at
 * total), in updates of the chunk sizes given (cycled), crossing track
 * ends inside a chunk; check every track's and the image's digests against
 * the reference; twice, the set reused after final. */
static void check_hashset(unsigned threads, unsigned image_which, unsigned track_which,
                          const uint8_t *data, const size_t *ends, int count,
                          const size_t *chunks, int chunk_count)
{
    dw_hash_set_threads(threads);
    struct dw__hashset *s = dw__hashset_new(image_which, track_which);
    assert_non_null(s);
    for (int round = 0; round < 2; round++) {
        size_t pos = 0, start = 0;
        int t = 0, k = 0;
        while (t < count) {
            size_t n = chunks[k++ % chunk_count];
            if (n > ends[t] - pos)
                n = ends[t] - pos; /* the chunk is cut at the track end */
            dw__hashset_update(s, data + pos, n);
            pos += n;
            if (pos == ends[t]) {
                struct dw_digests got, want;
                dw__hashset_track_end(s, &got);
                reference_digests(data, start, pos, &want);
                assert_digests(&got, &want, track_which);
                start = pos;
                t++;
            }
        }
        struct dw_digests img, want;
        dw__hashset_final(s, &img);
        reference_digests(data, 0, pos, &want);
        assert_digests(&img, &want, image_which);
    }
    dw__hashset_free(s);
    dw_hash_set_threads(0);
}

static uint8_t *random_bytes(size_t n, uint32_t seed)
{
    uint8_t *data = malloc(n);
    assert_non_null(data);
    uint32_t x = seed;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        data[i] = (uint8_t)x;
    }
    return data;
}

/* One thread, one to several workers and the plain reference agree on every track and
 * image digest: one track, many tracks of odd lengths (ends not on sector,
 * chunk or 256 KiB slot boundaries), an empty track, a zero-byte image,
 * the rip's and convert's digest choices and some others. */
static void test_hashset_tracks_and_image(void **state)
{
    (void)state;
    /* 3 MiB and a bit: more than the worker's 2 MiB ring. */
    const size_t total = 3u * 1024 * 1024 + 4321;
    uint8_t *data = random_bytes(total, 88172645u);
    static const size_t one[] = {3u * 1024 * 1024 + 4321};
    static const size_t many[] = {1, 2352 * 100 + 17, 2352 * 100 + 17, 1024 * 1024,
                                  2u * 1024 * 1024 + 99, 2621440, 2621441,
                                  3u * 1024 * 1024 + 4321};
    static const size_t empty[] = {0};
    static const size_t chunks_a[] = {2352 * 27};
    static const size_t chunks_b[] = {1, 262144, 4095, 1048576 + 7, 2352};
    static const unsigned pairs[][2] = {
        {DW_HASH_ALL, DW_HASH_CRC32 | DW_HASH_MD5 | DW_HASH_SHA1}, /* rip, convert */
        {DW_HASH_ALL, DW_HASH_ALL},
        {DW_HASH_MD5 | DW_HASH_SHA256, DW_HASH_CRC32},
        {DW_HASH_CRC32, DW_HASH_MD5},
        {DW_HASH_ALL, 0},
    };
    /* 1: the single-thread code; 2: one worker (this machine's default
     * on two CPUs); 3 and 4: several workers reading one ring; 9: more
     * allowed than there are digests to place. */
    static const unsigned thread_counts[] = {1, 2, 3, 4, 9};
    for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++)
        for (size_t tc = 0; tc < sizeof(thread_counts) / sizeof(thread_counts[0]); tc++) {
            unsigned threads = thread_counts[tc];
            check_hashset(threads, pairs[p][0], pairs[p][1], data, one, 1, chunks_a, 1);
            check_hashset(threads, pairs[p][0], pairs[p][1], data, one, 1, chunks_b, 5);
            check_hashset(threads, pairs[p][0], pairs[p][1], data, many, 8, chunks_a, 1);
            check_hashset(threads, pairs[p][0], pairs[p][1], data, many, 8, chunks_b, 5);
            check_hashset(threads, pairs[p][0], pairs[p][1], data, empty, 1, chunks_a, 1);
        }
    assert_null(dw__hashset_new(0, 0));
    dw__hashset_free(NULL);
    free(data);
}

/* Final without a track end (a caller that wants the image only) and a
 * final after bytes of a track not ended: those bytes count in the image. */
static void test_hashset_open_track(void **state)
{
    (void)state;
    const size_t total = 3u * 1024 * 1024 + 5;
    uint8_t *data = random_bytes(total, 2463534242u);
    for (unsigned threads = 1; threads <= 3; threads++) {
        dw_hash_set_threads(threads);
        struct dw__hashset *s = dw__hashset_new(DW_HASH_ALL, DW_HASH_MD5 | DW_HASH_SHA1);
        struct dw_digests img, tr, want;
        assert_non_null(s);
        dw__hashset_update(s, data, total);
        dw__hashset_final(s, &img);
        reference_digests(data, 0, total, &want);
        assert_digests(&img, &want, DW_HASH_ALL);
        dw__hashset_update(s, data, 1000000);
        dw__hashset_track_end(s, &tr);
        reference_digests(data, 0, 1000000, &want);
        assert_digests(&tr, &want, DW_HASH_MD5 | DW_HASH_SHA1);
        dw__hashset_update(s, data + 1000000, total - 1000000);
        dw__hashset_final(s, &img);
        reference_digests(data, 0, total, &want);
        assert_digests(&img, &want, DW_HASH_ALL);
        dw__hashset_free(s);
    }
    dw_hash_set_threads(0);
    free(data);
}

/* dw__crc32_join equals zlib's crc32_combine (whose z_off_t is 64 bits
 * wide on this LP64 build: the reference) for lengths below, at and far
 * above the 1 GiB steps it goes in, and joins real data right. */
static void test_crc32_join(void **state)
{
    (void)state;
    static const uint64_t lengths[] = {0, 1, 2352, (UINT64_C(1) << 30) - 1, UINT64_C(1) << 30,
                                       (UINT64_C(1) << 30) + 1, UINT64_C(25) << 30,
                                       (UINT64_C(1) << 40) + 12345};
    if (sizeof(z_off_t) >= 8)
        for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++)
            assert_int_equal(dw__crc32_join(0x12345678u, 0x9abcdef0u, lengths[i]),
                             (uint32_t)crc32_combine(0x12345678u, 0x9abcdef0u,
                                                     (z_off_t)lengths[i]));
    uint8_t *data = random_bytes(100000, 7u);
    uint32_t a = (uint32_t)crc32(0L, data, 31337), b = (uint32_t)crc32(0L, data + 31337, 68663);
    assert_int_equal(dw__crc32_join(a, b, 68663), (uint32_t)crc32(0L, data, 100000));
    free(data);
}

/* dw__crc32_update (ISA-L's crc32_gzip_refl) is zlib's crc32 with the
 * same start (0) and chaining conventions: every length 0..1100 at every
 * alignment 0..15 of random bytes, a few long and odd lengths, and a
 * stream cut into uneven pieces, each against zlib's crc32_z. */
static void test_crc32_update_is_zlib(void **state)
{
    (void)state;
    const size_t total = 3u << 20;
    uint8_t *data = random_bytes(total, 11u);
    assert_int_equal(dw__crc32_update(0, NULL, 0), 0);
    assert_int_equal(dw__crc32_update(0xcbf43926u, data, 0), 0xcbf43926u);
    assert_int_equal(dw__crc32_update(0, "123456789", 9), 0xcbf43926u);
    for (size_t align = 0; align < 16; align++)
        for (size_t n = 0; n <= 1100; n++)
            assert_int_equal(dw__crc32_update(0, data + align, n),
                             (uint32_t)crc32_z(0L, data + align, n));
    static const size_t longs[] = {2352, 2352 * 27 + 5, 65536 + 13, (1u << 20) + 1,
                                   (3u << 20) - 7};
    for (size_t i = 0; i < sizeof(longs) / sizeof(longs[0]); i++)
        assert_int_equal(dw__crc32_update(0, data + 7, longs[i]),
                         (uint32_t)crc32_z(0L, data + 7, longs[i]));
    /* Chained: a stream in pieces of 1, 2, 3, ... bytes and back to 1. */
    uint32_t ours = 0;
    uLong ref = crc32(0L, Z_NULL, 0);
    size_t pos = 0, piece = 1;
    while (pos < total) {
        size_t n = piece < total - pos ? piece : total - pos;
        ours = dw__crc32_update(ours, data + pos, n);
        ref = crc32_z(ref, data + pos, n);
        assert_int_equal(ours, (uint32_t)ref);
        pos += n;
        piece = piece % 4099 + 1 + (piece & 1) * 997;
    }
    assert_int_equal(ours, (uint32_t)crc32_z(0L, data, total));
    free(data);
}

/* nettle's SHA choice, read from its dispatch, names one of its
 * implementations on x86-64 and agrees with NETTLE_FAT_OVERRIDE when the
 * environment sets it (tests/integration runs --version with it). */
static void test_nettle_sha_impl(void **state)
{
    (void)state;
    const char *s1 = dw__nettle_sha_impl(1), *s256 = dw__nettle_sha_impl(256);
#if defined(__x86_64__)
    assert_true(!strcmp(s1, "sha_ni") || !strcmp(s1, "x86_64"));
    assert_true(!strcmp(s256, "sha_ni") || !strcmp(s256, "x86_64"));
    const char *ov = getenv("NETTLE_FAT_OVERRIDE");
    if (ov && !strstr(ov, "sha_ni")) {
        assert_string_equal(s1, "x86_64");
        assert_string_equal(s256, "x86_64");
    }
    assert_int_equal(dw__nettle_sha_ni(), !strcmp(s1, "sha_ni"));
#else
    assert_non_null(s1);
    assert_non_null(s256);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_streaming_and_restart),
        cmocka_unit_test(test_file_sha1),
        cmocka_unit_test(test_threaded_same_digests),
        cmocka_unit_test(test_hashset_tracks_and_image),
        cmocka_unit_test(test_hashset_open_track),
        cmocka_unit_test(test_crc32_join),
        cmocka_unit_test(test_crc32_update_is_zlib),
        cmocka_unit_test(test_nettle_sha_impl),
    };
    return dw_test_result(cmocka_run_group_tests(tests, NULL, NULL));
}
