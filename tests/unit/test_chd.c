/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the CHD codecs, writer and reader (src/image/chd*.c).
 * chdman's side is in tests/integration/test_chd.sh; here: the CRC-16 of
 * the map, each CD codec round trip (with a Mode 1 sector whose sync and
 * ECC the codec strips and rebuilds), decoders that stop at the hunk size
 * (too much or too little output is an error), and writer -> reader round
 * trips of discs whose map needs self references, RLE runs of both sizes
 * and uncompressed hunks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>
#include "discwright/sector.h"
#include "image/chd.h"

#define HUNK (8 * 2448)

static uint32_t rng = 12345;

/* A new file name in $TMPDIR (CTest gives each test its own). */
static void temp_path(char *path, size_t bytes)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, bytes, "%s/dw-test-chd-XXXXXX", dir && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
}
static uint8_t next_byte(void)
{
    rng = rng * 1103515245u + 12345u;
    return (uint8_t)(rng >> 16);
}

static void test_crc16(void **state)
{
    (void)state;
    /* CRC-16/CCITT-FALSE check value */
    assert_int_equal(dw__chd_crc16((const uint8_t *)"123456789", 9), 0x29b1);
}

/* A hunk: frame 0 a Mode 1 sector (real ECC), frames 1-7 a tone with P-W. */
static void make_hunk(uint8_t *h)
{
    uint8_t user[2048];
    for (int i = 0; i < 2048; i++)
        user[i] = (uint8_t)(i * 7);
    dw_sector_encode_mode1(h, 1234, user);
    memset(h + 2352, 0x40, 96);
    for (int f = 1; f < 8; f++) {
        uint8_t *p = h + f * 2448;
        for (int s = 0; s < 588; s++) {
            int16_t v = (int16_t)((s * 97 + f * 31) % 2000 - 1000 + (next_byte() & 7));
            p[4 * s] = (uint8_t)(v >> 8);
            p[4 * s + 1] = (uint8_t)v;
            p[4 * s + 2] = (uint8_t)(v >> 8);
            p[4 * s + 3] = (uint8_t)v;
        }
        for (int b = 0; b < 96; b++)
            p[2352 + b] = (uint8_t)(b == 13 ? 0x40 : 0);
    }
}

static void test_cd_codecs_round_trip(void **state)
{
    (void)state;
    static uint8_t hunk[HUNK], out[HUNK], back[HUNK];
    const uint32_t codecs[] = {DW__CHD_CODEC_CDLZ, DW__CHD_CODEC_CDZL, DW__CHD_CODEC_CDFL,
                               DW__CHD_CODEC_CDZS};
    make_hunk(hunk);
    for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
        struct dw_error_detail err = {0};
        size_t n = sizeof(out);
        assert_int_equal(dw__chd_compress_cd(codecs[i], hunk, HUNK, -1, out, &n, &err), 0);
        assert_true(n > 0 && n < HUNK);
        if (codecs[i] != DW__CHD_CODEC_CDFL)
            assert_int_equal(out[0] & 1, 1); /* frame 0's ECC was stripped */
        memset(back, 0xaa, sizeof(back));
        assert_int_equal(dw__chd_decompress(codecs[i], out, n, back, HUNK, &err), 0);
        assert_memory_equal(back, hunk, HUNK);
        /* cut short: not the hunk */
        assert_int_not_equal(dw__chd_decompress(codecs[i], out, n / 2, back, HUNK, &err), 0);
        assert_true(err.message[0] != '\0');
    }
}

static void test_compress_too_small_room(void **state)
{
    (void)state;
    static uint8_t hunk[HUNK], out[HUNK];
    struct dw_error_detail err = {0};
    for (int i = 0; i < HUNK; i++)
        hunk[i] = next_byte();
    size_t n = 100;
    assert_int_equal(dw__chd_compress_cd(DW__CHD_CODEC_CDLZ, hunk, HUNK, -1, out, &n, &err),
                     DW_ERANGE);
}

/* raw deflate of `bytes` zeros */
static size_t deflate_zeros(size_t bytes, uint8_t *out, size_t room)
{
    uint8_t *zeros = calloc(1, bytes);
    z_stream z;
    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = zeros;
    z.avail_in = (uInt)bytes;
    z.next_out = out;
    z.avail_out = (uInt)room;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = z.total_out;
    deflateEnd(&z);
    free(zeros);
    return n;
}

static void test_decoders_stop_at_the_hunk(void **state)
{
    (void)state;
    static uint8_t comp[65536], dst[4096 + 16];
    struct dw_error_detail err = {0};
    /* 1 MiB of zeros into a 4 KiB hunk: refused, nothing written past it */
    size_t n = deflate_zeros(1u << 20, comp, sizeof(comp));
    memset(dst, 0x55, sizeof(dst));
    assert_int_equal(dw__chd_decompress(DW__CHD_CODEC_ZLIB, comp, n, dst, 4096, &err),
                     DW_EPARSE);
    for (int i = 4096; i < (int)sizeof(dst); i++)
        assert_int_equal(dst[i], 0x55);
    /* too little */
    n = deflate_zeros(1000, comp, sizeof(comp));
    assert_int_equal(dw__chd_decompress(DW__CHD_CODEC_ZLIB, comp, n, dst, 4096, &err),
                     DW_EPARSE);
    /* exactly the hunk */
    n = deflate_zeros(4096, comp, sizeof(comp));
    assert_int_equal(dw__chd_decompress(DW__CHD_CODEC_ZLIB, comp, n, dst, 4096, &err), 0);
    /* a codec we do not read */
    assert_int_equal(dw__chd_decompress(DW__CHD_TAG('h', 'u', 'f', 'f'), comp, n, dst, 4096,
                                        &err),
                     DW_EUNSUPPORTED);
    assert_non_null(strstr(err.message, "'huff'"));
}

/* A disc: track 1 Mode 1 (data_frames), track 2 audio with a 150-frame
 * pregap (audio_frames in all). */
static struct dw_disc *make_disc(int32_t data_frames, int32_t audio_frames)
{
    struct dw_disc *d = dw_disc_new();
    assert_non_null(d);
    d->track_count = 2;
    d->tracks[0] = (struct dw_track){.number = 1, .session = 1, .mode = DW_MODE_MODE1,
                                     .control = DW_CTL_DATA, .index_count = 2};
    d->tracks[0].index_lba[0] = DW_LBA_NONE;
    d->tracks[0].index_lba[1] = 0;
    d->tracks[1] = (struct dw_track){.number = 2, .session = 1, .mode = DW_MODE_AUDIO,
                                     .index_count = 2};
    d->tracks[1].index_lba[0] = data_frames;
    d->tracks[1].index_lba[1] = data_frames + 150;
    d->leadout_lba = data_frames + audio_frames;
    char msg[200];
    assert_int_equal(dw_disc_finish(d, msg, sizeof(msg)), 0);
    return d;
}

/* Frame lba's 2352 bytes: Mode 1 sectors with a counter, silence for the
 * pregap and for `silent` frames after it, then noise (stored as is by no
 * codec: uncompressed hunks). */
static void make_frame(const struct dw_disc *d, int32_t lba, int32_t silent, uint8_t *raw)
{
    if (lba < d->tracks[1].index_lba[0]) {
        uint8_t user[2048];
        memset(user, 0, sizeof(user));
        memcpy(user, &lba, sizeof(lba));
        dw_sector_encode_mode1(raw, lba, user);
    } else if (lba < d->tracks[1].index_lba[1] + silent) {
        memset(raw, 0, 2352);
    } else {
        for (int i = 0; i < 2352; i++)
            raw[i] = next_byte();
    }
}

static void round_trip(int32_t data_frames, int32_t audio_frames, int32_t silent,
                       uint32_t codec, unsigned threads)
{
    char path[4096];
    temp_path(path, sizeof(path));
    unlink(path);
    struct dw_disc *d = make_disc(data_frames, audio_frames);
    struct dw__chd_write_opts opts = {.codec = codec, .level = -1, .threads = threads};
    struct dw_error_detail err = {0};
    struct dw__chd_writer *w;
    assert_int_equal(dw__chd_writer_open(&w, path, d, &opts, &err), 0);
    uint8_t raw[2352 * 7];
    int32_t end = d->leadout_lba;
    for (int32_t lba = 0; lba < end;) {
        int32_t n = end - lba < 7 ? end - lba : 7; /* odd chunks across hunks */
        for (int32_t i = 0; i < n; i++)
            make_frame(d, lba + i, silent, raw + (size_t)i * 2352);
        assert_int_equal(dw__chd_writer_append(w, raw, NULL, n, &err), 0);
        lba += n;
    }
    assert_int_equal(dw__chd_writer_finish(w, &err), 0);

    struct dw__image *img;
    assert_int_equal(dw__chd_read(path, &img, &err), 0);
    assert_int_equal(img->disc->track_count, 2);
    assert_int_equal(img->disc->tracks[1].index_lba[0], data_frames);
    assert_int_equal(img->disc->tracks[1].index_lba[1], data_frames + 150);
    assert_int_equal(img->disc->leadout_lba, end);
    /* every frame as written: data raw, audio big-endian in the CHD */
    rng = 12345;
    uint8_t got[2448], want[2352];
    for (int32_t lba = 0; lba < end; lba++) {
        const struct dw__span *s = NULL;
        for (int k = 0; k < img->span_count; k++)
            if (lba >= img->spans[k].lba && lba < img->spans[k].lba + img->spans[k].sectors)
                s = &img->spans[k];
        assert_non_null(s);
        uint64_t at = s->offset_bytes + (uint64_t)(lba - s->lba) * s->stride_bytes;
        assert_int_equal(img->files[s->file].vops->pread(img->files[s->file].vctx, got, 2448,
                                                         at, &err),
                         0);
        make_frame(d, lba, silent, want);
        if (s->layout == DW_SPAN_AUDIO_BE)
            for (int b = 0; b < 2352; b += 2) {
                uint8_t t = got[b];
                got[b] = got[b + 1];
                got[b + 1] = t;
            }
        assert_memory_equal(got, want, 2352);
    }
    dw__image_free(img);
    dw_disc_free(d);
    unlink(path);
}

static void test_round_trip_default_codecs(void **state)
{
    (void)state;
    rng = 12345;
    round_trip(40, 600, 0, 0, 2);
}

static void test_round_trip_long_silence(void **state)
{
    (void)state;
    /* 3000 silent frames: copies of one hunk in runs longer than an RLE
     * code holds (274), then noise */
    rng = 12345;
    round_trip(33, 3300, 3000, DW__CHD_CODEC_CDZL, 1);
}

static void test_round_trip_one_thread_cdfl(void **state)
{
    (void)state;
    rng = 12345;
    round_trip(8, 160, 5, DW__CHD_CODEC_CDFL, 1);
}

static void test_writer_refuses(void **state)
{
    (void)state;
    char path[4096];
    temp_path(path, sizeof(path));
    struct dw_disc *d = make_disc(8, 160);
    struct dw__chd_write_opts opts = {.level = -1, .threads = 1};
    struct dw_error_detail err = {0};
    struct dw__chd_writer *w = NULL;
    /* the file exists: never replaced */
    assert_int_equal(dw__chd_writer_open(&w, path, d, &opts, &err), DW_EEXIST);
    unlink(path);
    opts.codec = DW__CHD_CODEC_ZLIB;
    assert_int_equal(dw__chd_writer_open(&w, path, d, &opts, &err), DW_EINVAL);
    opts.codec = 0;
    assert_int_equal(dw__chd_writer_open(&w, path, d, &opts, &err), 0);
    uint8_t raw[2352] = {0};
    assert_int_equal(dw__chd_writer_append(w, raw, NULL, 1, &err), 0);
    /* ends early: an error, not a short CHD */
    assert_int_equal(dw__chd_writer_finish(w, &err), DW_EINVAL);
    assert_non_null(strstr(err.message, "ended in track 1"));
    unlink(path);
    dw_disc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc16),
        cmocka_unit_test(test_cd_codecs_round_trip),
        cmocka_unit_test(test_compress_too_small_room),
        cmocka_unit_test(test_decoders_stop_at_the_hunk),
        cmocka_unit_test(test_round_trip_default_codecs),
        cmocka_unit_test(test_round_trip_long_silence),
        cmocka_unit_test(test_round_trip_one_thread_cdfl),
        cmocka_unit_test(test_writer_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
