/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of read offset correction (src/rip/offset.c): the shifting
 * reader over an image drive, checked sample by sample against the
 * definition (output sample P is the drive's sample P + N, zeros where
 * that lies outside the disc's audio) for positive, negative, whole-sector
 * and large offsets, any request sizes, the edges it zero-fills (lead-in,
 * lead-out, a data track) and records; and the data-sector sync scan on
 * synthetic scrambled and shifted streams. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "discwright/drive.h"
#include "discwright/sector.h"
#include "rip/offset.h"

#define SECTOR 2352
#define SPT 588

/* Two audio tracks (LBA 0-199, 200-399), then with `data` a Mode 1 track
 * at 400-449. */
struct image {
    char dir[64], cue[128];
    uint8_t *bin;
    int32_t sectors, audio_sectors;
};

static void make_image(struct image *im, bool data)
{
    char path[160];
    snprintf(im->dir, sizeof(im->dir), "/tmp/dw-test-offset-XXXXXX");
    assert_non_null(mkdtemp(im->dir));
    im->audio_sectors = 400;
    im->sectors = data ? 450 : 400;
    im->bin = malloc((size_t)im->sectors * SECTOR);
    assert_non_null(im->bin);
    uint32_t x = 0x2545f491;
    for (size_t i = 0; i < (size_t)im->audio_sectors * SECTOR; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        im->bin[i] = (uint8_t)(x >> 7);
    }
    uint8_t user[DW_SECTOR_USER_BYTES];
    memset(user, 0x5a, sizeof(user));
    for (int32_t l = im->audio_sectors; l < im->sectors; l++)
        dw_sector_encode_mode1(im->bin + (size_t)l * SECTOR, l, user);
    snprintf(path, sizeof(path), "%s/d.bin", im->dir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(im->bin, SECTOR, (size_t)im->sectors, fp), (size_t)im->sectors);
    fclose(fp);
    snprintf(im->cue, sizeof(im->cue), "%s/d.cue", im->dir);
    fp = fopen(im->cue, "w");
    assert_non_null(fp);
    fputs("FILE \"d.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"
          "  TRACK 02 AUDIO\n    INDEX 01 00:02:50\n",
          fp);
    if (data)
        fputs("  TRACK 03 MODE1/2352\n    INDEX 01 00:05:25\n", fp);
    fclose(fp);
}

static void free_image(struct image *im)
{
    char cmd[128];
    free(im->bin);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", im->dir);
    assert_int_equal(system(cmd), 0);
}

/* The corrected stream by its definition. */
static uint32_t expected_sample(const struct image *im, int64_t p, int32_t n)
{
    int64_t q = p + n;
    if (q < 0 || q >= (int64_t)im->audio_sectors * SPT)
        return 0;
    const uint8_t *b = im->bin + q * 4;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void check_range(const struct image *im, struct dw__offset_reader *o, int32_t n,
                        int32_t lba, int32_t sectors)
{
    uint8_t *buf = malloc((size_t)sectors * SECTOR);
    assert_non_null(buf);
    assert_int_equal(dw__offset_read(o, lba, sectors, buf, NULL), 0);
    for (int64_t i = 0; i < (int64_t)sectors * SPT; i++) {
        const uint8_t *b = buf + i * 4;
        uint32_t got = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                       (uint32_t)b[3] << 24;
        uint32_t want = expected_sample(im, (int64_t)lba * SPT + i, n);
        if (got != want)
            fail_msg("offset %d, LBA %d+%d: sample %lld is %08x, want %08x", n, lba, sectors,
                     (long long)i, got, want);
    }
    free(buf);
}

static void test_shifts(void **state)
{
    (void)state;
    static const int32_t offsets[] = {7, -7, 588, -588, 30, 667, -1164, 1300, 2000, -2000};
    for (int data = 0; data <= 1; data++) {
        struct image im;
        make_image(&im, data);
        struct dw_drive *d;
        assert_int_equal(dw_drive_open(im.cue, 0, &d, NULL), 0);
        const struct dw_disc *disc = dw_drive_disc(d);
        assert_non_null(disc);
        for (size_t k = 0; k < sizeof(offsets) / sizeof(offsets[0]); k++) {
            int32_t n = offsets[k];
            struct dw__offset_reader *o;
            assert_int_equal(dw__offset_reader_new(d, disc, n, &o), 0);
            /* The whole audio in transfers of 26, then odd pieces. */
            for (int32_t lba = 0; lba < im.audio_sectors; lba += 26)
                check_range(&im, o, n, lba, im.audio_sectors - lba < 26 ? im.audio_sectors - lba
                                                                         : 26);
            check_range(&im, o, n, 0, 1);
            check_range(&im, o, n, 199, 3);
            check_range(&im, o, n, im.audio_sectors - 1, 1);

            /* What was zero-filled, and why. */
            const struct dw__offset_span *spans;
            int count = dw__offset_spans(o, &spans);
            assert_int_equal(count, 1);
            int64_t end = (int64_t)im.audio_sectors * SPT;
            if (n > 0) {
                assert_int_equal(spans[0].first_sample, end - n);
                assert_int_equal(spans[0].samples, n);
                assert_int_equal(spans[0].why, data ? DW_OFFSET_EDGE_DATA : DW_OFFSET_EDGE_LEADOUT);
                /* An image does not overread; the data track is never asked. */
                assert_int_equal(dw__offset_overread(o, DW_OFFSET_EDGE_LEADOUT), data ? -1 : 0);
            } else {
                assert_int_equal(spans[0].first_sample, 0);
                assert_int_equal(spans[0].samples, -n);
                assert_int_equal(spans[0].why, DW_OFFSET_EDGE_LEADIN);
                assert_int_equal(dw__offset_overread(o, DW_OFFSET_EDGE_LEADIN), 0);
            }
            dw__offset_reader_free(o);
        }
        dw_drive_free(d);
        free_image(&im);
    }
}

static void test_c2_follows(void **state)
{
    (void)state;
    struct image im;
    make_image(&im, false);
    struct dw_drive *d;
    assert_int_equal(dw_drive_open(im.cue, 0, &d, NULL), 0);
    struct dw__offset_reader *o;
    assert_int_equal(dw__offset_reader_new(d, dw_drive_disc(d), 100, &o), 0);
    uint8_t buf[4 * SECTOR], c2[4 * DW_C2_BYTES_PER_SECTOR];
    memset(c2, 0xff, sizeof(c2));
    /* An image reports no C2 errors: all clear after the shift too. */
    assert_int_equal(dw__offset_read(o, 10, 4, buf, c2), 0);
    for (size_t i = 0; i < sizeof(c2); i++)
        assert_int_equal(c2[i], 0);
    assert_memory_equal(buf, im.bin + 10 * SECTOR + 400, sizeof(buf));
    dw__offset_reader_free(o);
    dw_drive_free(d);
    free_image(&im);
}

/* Data sectors 998..1005 as a drive's audio path would deliver them with a
 * read offset of n samples (scrambled or not), read from LBA 1000 on. */
static void test_sync_scan(void **state)
{
    (void)state;
    enum { FIRST = 998, COUNT = 8 };
    uint8_t *stream = calloc(COUNT, SECTOR), user[DW_SECTOR_USER_BYTES];
    assert_non_null(stream);
    memset(user, 0, sizeof(user));
    static const int32_t offsets[] = {0, 6, 48, -30, 667, -1164};
    for (int scrambled = 0; scrambled <= 1; scrambled++) {
        for (int32_t l = 0; l < COUNT; l++) {
            uint8_t *s = stream + (size_t)l * SECTOR;
            dw_sector_encode_mode1(s, FIRST + l, user);
            if (scrambled)
                dw_scramble(s);
        }
        for (size_t k = 0; k < sizeof(offsets) / sizeof(offsets[0]); k++) {
            int32_t n = offsets[k];
            /* The drive returns at position P the disc's byte P - 4n; we
             * read 3 sectors from LBA 1000. */
            uint8_t got[3 * SECTOR];
            for (size_t i = 0; i < sizeof(got); i++) {
                int64_t src = (int64_t)(1000 - FIRST) * SECTOR + (int64_t)i - 4 * n;
                got[i] = src >= 0 && src < COUNT * SECTOR ? stream[src] : 0;
            }
            struct dw__sync_hit hits[8];
            int found = dw__offset_sync_scan(got, sizeof(got), 1000LL * SECTOR, hits, 8);
            assert_true(found >= 2);
            for (int h = 0; h < found; h++) {
                assert_int_equal(hits[h].combined_bytes, 4 * n);
                assert_int_equal(hits[h].scrambled, scrambled);
                assert_int_equal(hits[h].byte_pos - (int64_t)hits[h].header_lba * SECTOR, 4 * n);
            }
        }
    }
    /* Noise holds no sync. */
    uint32_t x = 1;
    for (size_t i = 0; i < (size_t)COUNT * SECTOR; i++) {
        x = x * 1103515245u + 12345u;
        stream[i] = (uint8_t)(x >> 16);
    }
    struct dw__sync_hit hit;
    assert_int_equal(dw__offset_sync_scan(stream, (size_t)COUNT * SECTOR, 0, &hit, 1), 0);
    free(stream);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shifts),
        cmocka_unit_test(test_c2_follows),
        cmocka_unit_test(test_sync_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
