/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Random access into gzip and xz files (src/image/zstream.c): reads at
 * offsets in any order give the bytes that were compressed, through the
 * gzip access points (a file longer than several spans) and the xz blocks
 * of a multi-block file; a damaged xz block fails only the reads that
 * touch it, naming the file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "image/container.h"
#include "dw_test.h"

#define CONTENT_BYTES (20u << 20) /* five 4 MiB gzip spans */

static char dir[1024];

/* The content: compressible but not uniform (so that deflate makes many
 * blocks and the window matters). */
static uint8_t content_at(uint64_t i)
{
    uint64_t run = i / 1000;
    return (uint8_t)((run * 2654435761u >> 7) + (i % 7 == 0 ? i >> 3 : 0));
}

static uint8_t *content(void)
{
    uint8_t *c = malloc(CONTENT_BYTES);
    assert_non_null(c);
    for (uint64_t i = 0; i < CONTENT_BYTES; i++)
        c[i] = content_at(i);
    return c;
}

static void write_gzip(const char *path, const uint8_t *c)
{
    /* two members, as `cat a.gz b.gz` makes */
    for (int m = 0; m < 2; m++) {
        gzFile g = gzopen(path, m ? "ab6" : "wb6");
        assert_non_null(g);
        size_t half = CONTENT_BYTES / 2;
        assert_int_equal(gzwrite(g, c + m * half, (unsigned)half), (int)half);
        assert_int_equal(gzclose(g), Z_OK);
    }
}

static size_t write_xz(const char *path, const uint8_t *c)
{
    lzma_mt mt = {.threads = 1, .block_size = 1u << 20, .preset = 1, .check = LZMA_CHECK_CRC64};
    lzma_stream s = LZMA_STREAM_INIT;
    assert_int_equal(lzma_stream_encoder_mt(&s, &mt), LZMA_OK);
    size_t cap = CONTENT_BYTES + (1u << 20);
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    s.next_in = c;
    s.avail_in = CONTENT_BYTES;
    s.next_out = out;
    s.avail_out = cap;
    assert_int_equal(lzma_code(&s, LZMA_FINISH), LZMA_STREAM_END);
    size_t n = cap - s.avail_out;
    lzma_end(&s);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(out, 1, n, fp), n);
    fclose(fp);
    free(out);
    return n;
}

/* Reads at scattered offsets, backwards and forwards, compared. */
static void check_reads(const struct dw__decoded *d, const uint8_t *c)
{
    static uint8_t buf[100000];
    struct dw_error_detail err = {0};
    uint32_t x = 12345;
    assert_int_equal(d->bytes, CONTENT_BYTES);
    for (int k = 0; k < 60; k++) {
        x = x * 1103515245u + 12345u;
        uint64_t off = (uint64_t)(x >> 4) % (CONTENT_BYTES - sizeof(buf));
        size_t n = 1 + (x >> 9) % sizeof(buf);
        if (k % 10 == 9)
            off = CONTENT_BYTES - n; /* the very end */
        assert_int_equal(d->ops->pread(d->ctx, buf, n, off, &err), 0);
        assert_memory_equal(buf, c + off, n);
    }
    assert_int_equal(d->ops->pread(d->ctx, buf, 2, CONTENT_BYTES - 1, &err), DW_ETRUNC);
}

static void test_gzip(void **state)
{
    (void)state;
    char path[1100];
    uint8_t *c = content();
    snprintf(path, sizeof(path), "%s/c.gz", dir);
    write_gzip(path, c);
    struct dw__decoded d;
    struct dw_error_detail err = {0};
    assert_int_equal(dw__zstream_open(path, DW_IMAGE_GZIP, &d, &err), 0);
    check_reads(&d, c);
    d.ops->close(d.ctx);
    free(c);
}

static void test_xz(void **state)
{
    (void)state;
    char path[1100];
    uint8_t *c = content();
    snprintf(path, sizeof(path), "%s/c.xz", dir);
    size_t n = write_xz(path, c);
    struct dw__decoded d;
    struct dw_error_detail err = {0};
    assert_int_equal(dw__zstream_open(path, DW_IMAGE_XZ, &d, &err), 0);
    check_reads(&d, c);
    d.ops->close(d.ctx);

    /* damage a byte in the middle of the file: the block there fails, the
     * first and the last do not */
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    fseek(fp, (long)(n / 2), SEEK_SET);
    int b = fgetc(fp);
    fseek(fp, (long)(n / 2), SEEK_SET);
    fputc(b ^ 0x55, fp);
    fclose(fp);
    assert_int_equal(dw__zstream_open(path, DW_IMAGE_XZ, &d, &err), 0);
    static uint8_t buf[4096];
    assert_int_equal(d.ops->pread(d.ctx, buf, sizeof(buf), 0, &err), 0);
    assert_memory_equal(buf, c, sizeof(buf));
    assert_int_equal(d.ops->pread(d.ctx, buf, sizeof(buf), CONTENT_BYTES - sizeof(buf), &err), 0);
    assert_memory_equal(buf, c + CONTENT_BYTES - sizeof(buf), sizeof(buf));
    int bad = 0;
    for (uint64_t off = 0; off < CONTENT_BYTES; off += 1u << 20) {
        memset(&err, 0, sizeof(err));
        int rc = d.ops->pread(d.ctx, buf, sizeof(buf), off + (1u << 20) - sizeof(buf), &err);
        if (rc) {
            assert_int_equal(rc, DW_EPARSE);
            assert_non_null(strstr(err.message, "c.xz': the xz data is damaged"));
            bad++;
        }
    }
    assert_int_equal(bad, 1);
    d.ops->close(d.ctx);
    free(c);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "%s/dw-zstream.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_xz),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[1100];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        failed++;
    return dw_test_result(failed);
}
