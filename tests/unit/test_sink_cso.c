/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CSO sink (src/convert/sink_cso.c): what it writes reads back through
 * the CSO reader (src/image/cso.c) as the track's user data, its header
 * and index are CISO v1 (maxcso's README_CSO.md), blocks that do not
 * shrink are stored, and nothing named DST exists before commit or after
 * abort. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "convert/sink_cso.h"
#include "discwright/sector.h"
#include "image/container.h"
#include "dw_test.h"

#define SECTORS 300

static char dir[1024];

static struct dw_disc *data_disc(int32_t sectors, enum dw_track_mode mode)
{
    struct dw_disc *d = dw_disc_new();
    assert_non_null(d);
    d->track_count = 1;
    d->tracks[0].number = 1;
    d->tracks[0].session = 1;
    d->tracks[0].mode = mode;
    d->tracks[0].control = mode == DW_MODE_AUDIO ? 0 : DW_CTL_DATA;
    d->tracks[0].index_lba[0] = DW_LBA_NONE;
    d->tracks[0].index_lba[1] = 0;
    d->tracks[0].index_count = 2;
    d->leadout_lba = sectors;
    char msg[200];
    assert_int_equal(dw_disc_finish(d, msg, sizeof(msg)), 0);
    return d;
}

/* User data of sector lba: runs of zeros (compressible) and of noise
 * (stored). */
static void user_of(int32_t lba, uint8_t user[DW_SECTOR_USER_BYTES])
{
    uint32_t x = (uint32_t)lba * 2654435761u + 1;
    for (int i = 0; i < DW_SECTOR_USER_BYTES; i++) {
        x = x * 1103515245u + 12345u;
        user[i] = lba % 3 == 0 ? (uint8_t)(x >> 24) : (uint8_t)(lba & 7);
    }
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Decode block i of a CISO v1 file by the published layout alone
 * (maxcso's README_CSO.md), with zlib's raw inflate: not through cso.c. */
static void plain_decode(const uint8_t *file, size_t file_bytes, int i, uint8_t out[2048])
{
    unsigned shift = file[21];
    uint32_t e0 = le32(file + 24 + 4 * i), e1 = le32(file + 24 + 4 * (i + 1));
    uint64_t pos = (uint64_t)(e0 & 0x7fffffffu) << shift;
    uint64_t end = (uint64_t)(e1 & 0x7fffffffu) << shift;
    assert_true(pos < end && end <= file_bytes);
    if (e0 & 0x80000000u) {
        assert_true(end - pos >= 2048);
        memcpy(out, file + pos, 2048);
        return;
    }
    z_stream z = {0};
    assert_int_equal(inflateInit2(&z, -15), Z_OK);
    z.next_in = (uint8_t *)(uintptr_t)(file + pos);
    z.avail_in = (uInt)(end - pos);
    z.next_out = out;
    z.avail_out = 2048;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.avail_out, 0);
    inflateEnd(&z);
}

static void test_round_trip(void **state)
{
    (void)state;
    char dst[1100], part[1120];
    snprintf(dst, sizeof(dst), "%s/a.cso", dir);
    snprintf(part, sizeof(part), "%s.part", dst);
    struct dw_disc *disc = data_disc(SECTORS, DW_MODE_MODE1);
    struct dw__sink *s;
    struct dw_error_detail err = {0};
    struct dw__sink_opts opts = {.codec = NULL, .level = -1};
    assert_int_equal(dw__sink_cso.open(&s, dst, disc, &opts, &err), 0);
    static uint8_t raw[7 * DW_SECTOR_RAW_BYTES], sub[7 * DW_SUBCHANNEL_BYTES];
    uint8_t user[DW_SECTOR_USER_BYTES];
    /* pregap sectors -150..-1 are skipped; then pieces of 7 */
    for (int32_t lba = -150; lba < SECTORS; lba += 7) {
        int32_t n = SECTORS - lba < 7 ? SECTORS - lba : 7;
        for (int32_t i = 0; i < n; i++) {
            user_of(lba + i, user);
            dw_sector_encode_mode1(raw + (size_t)i * DW_SECTOR_RAW_BYTES, lba + i, user);
        }
        assert_int_equal(dw__sink_cso.put(s, lba, raw, sub, n, &err), 0);
    }
    assert_int_equal(file_size(dst), 0); /* nothing named DST yet */
    assert_true(file_size(part) > 0);
    assert_int_equal(dw__sink_cso.commit(s, &err), 0);
    assert_int_equal(access(part, F_OK), -1);

    /* header: CISO v1, 2048-byte blocks, the ISO's size */
    FILE *fp = fopen(dst, "rb");
    assert_non_null(fp);
    uint8_t h[24 + 4 * (SECTORS + 1)];
    assert_int_equal(fread(h, 1, sizeof(h), fp), sizeof(h));
    fclose(fp);
    assert_memory_equal(h, "CISO", 4);
    assert_int_equal(le32(h + 4), 24);
    assert_int_equal(le32(h + 8), SECTORS * DW_SECTOR_USER_BYTES);
    assert_int_equal(le32(h + 12), 0);
    assert_int_equal(le32(h + 16), 2048);
    assert_int_equal(h[20], 1);
    /* noise blocks (lba % 3 == 0) stored with the high bit, the rest not */
    for (int i = 0; i < SECTORS; i++)
        assert_int_equal(!!(le32(h + 24 + 4 * i) & 0x80000000u), i % 3 == 0);
    assert_int_equal((uint64_t)le32(h + 24 + 4 * SECTORS) << h[21], file_size(dst));
    assert_true(file_size(dst) < (uint64_t)SECTORS * DW_SECTOR_USER_BYTES / 2);

    /* a decoder written from the layout alone gives every block back */
    uint64_t file_bytes = file_size(dst);
    uint8_t *whole = malloc(file_bytes);
    assert_non_null(whole);
    fp = fopen(dst, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(whole, 1, file_bytes, fp), file_bytes);
    fclose(fp);
    for (int i = 0; i < SECTORS; i++) {
        uint8_t block[DW_SECTOR_USER_BYTES];
        plain_decode(whole, file_bytes, i, block);
        user_of(i, user);
        assert_memory_equal(block, user, sizeof(user));
    }
    free(whole);

    /* the reader gives back every sector's user data */
    struct dw__decoded dec;
    assert_int_equal(dw__cso_open(dst, &dec, &err), 0);
    assert_int_equal(dec.bytes, (uint64_t)SECTORS * DW_SECTOR_USER_BYTES);
    uint8_t got[DW_SECTOR_USER_BYTES];
    for (int32_t lba = SECTORS - 1; lba >= 0; lba--) {
        user_of(lba, user);
        assert_int_equal(dec.ops->pread(dec.ctx, got, sizeof(got),
                                        (uint64_t)lba * DW_SECTOR_USER_BYTES, &err), 0);
        assert_memory_equal(got, user, sizeof(user));
    }
    dec.ops->close(dec.ctx);
    dw_disc_free(disc);
}

static void test_refusals(void **state)
{
    (void)state;
    char dst[1100], part[1120];
    snprintf(dst, sizeof(dst), "%s/b.cso", dir);
    snprintf(part, sizeof(part), "%s.part", dst);
    struct dw__sink *s = NULL;
    struct dw_error_detail err = {0};
    struct dw__sink_opts opts = {.codec = NULL, .level = -1};

    struct dw_disc *audio = data_disc(100, DW_MODE_AUDIO);
    assert_int_equal(dw__sink_cso.open(&s, dst, audio, &opts, &err), DW_EUNSUPPORTED);
    assert_non_null(strstr(err.message, "audio tracks"));
    assert_null(s);
    dw_disc_free(audio);

    struct dw_disc *disc = data_disc(10, DW_MODE_MODE1);
    opts.codec = "lz4";
    assert_int_equal(dw__sink_cso.open(&s, dst, disc, &opts, &err), DW_EINVAL);
    assert_non_null(strstr(err.message, "'lz4'"));
    opts.codec = NULL;

    /* an audio sector inside the data track */
    static uint8_t raw[DW_SECTOR_RAW_BYTES], sub[DW_SUBCHANNEL_BYTES];
    assert_int_equal(dw__sink_cso.open(&s, dst, disc, &opts, &err), 0);
    memset(raw, 0x11, sizeof(raw));
    assert_int_equal(dw__sink_cso.put(s, 0, raw, sub, 1, &err), DW_EUNSUPPORTED);
    dw__sink_cso.abort(s);
    assert_int_equal(access(part, F_OK), -1);
    assert_int_equal(access(dst, F_OK), -1);

    /* a gap, then a commit before the end */
    uint8_t user[DW_SECTOR_USER_BYTES] = {0};
    assert_int_equal(dw__sink_cso.open(&s, dst, disc, &opts, &err), 0);
    dw_sector_encode_mode1(raw, 1, user);
    assert_int_equal(dw__sink_cso.put(s, 1, raw, sub, 1, &err), DW_EINVAL);
    dw_sector_encode_mode1(raw, 0, user);
    assert_int_equal(dw__sink_cso.put(s, 0, raw, sub, 1, &err), 0);
    assert_int_equal(dw__sink_cso.commit(s, &err), DW_ETRUNC);
    assert_non_null(strstr(err.message, "only 1 of the 10 sectors"));
    assert_int_equal(access(part, F_OK), -1);
    assert_int_equal(access(dst, F_OK), -1);
    dw_disc_free(disc);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "%s/dw-sink-cso.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refusals),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[1100];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        failed++;
    return dw_test_result(failed);
}
