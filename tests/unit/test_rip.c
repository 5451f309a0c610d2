/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rip pipeline on a synthetic image: bytes, cue, and the audio
 * checksums in the report, checked against straightforward references
 * (AccurateRip tracks run from INDEX 01 to the next INDEX 01). */
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
#include <json-c/json.h>
#include "discwright/drive.h"
#include "discwright/rip.h"
#include "rip/secure.h"

#define SECTOR 2352

/* AccurateRip v1/v2 by the formula (REFERENCE.md), O(N), no streaming. */
static void ar_reference(const uint8_t *pcm, uint64_t samples, bool first, bool last,
                         uint32_t *v1, uint32_t *v2)
{
    uint32_t a = 0, b = 0;
    for (uint64_t k = 1; k <= samples; k++) {
        if ((first && k < 2940) || (last && k > samples - 2940))
            continue;
        const uint8_t *p = pcm + (k - 1) * 4;
        uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24;
        uint64_t prod = (uint64_t)v * k;
        a += (uint32_t)prod;
        b += (uint32_t)prod + (uint32_t)(prod >> 32);
    }
    *v1 = a;
    *v2 = b;
}

static void test_burst_rip_checksums(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-rip-XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    /* Track 1: LBA 0-999; track 2: INDEX 00 at 1000, INDEX 01 at 1150;
     * track 3 at 2000; lead-out 2600. */
    const int32_t sectors = 2600;
    uint8_t *bin = malloc((size_t)sectors * SECTOR);
    uint32_t seed = 12345;
    for (size_t i = 0; i < (size_t)sectors * SECTOR; i++) {
        seed = seed * 1103515245u + 12345u;
        bin[i] = (uint8_t)(seed >> 16);
    }
    snprintf(path, sizeof(path), "%s/t.bin", dir);
    FILE *fp = fopen(path, "wb");
    fwrite(bin, 1, (size_t)sectors * SECTOR, fp);
    fclose(fp);
    snprintf(path, sizeof(path), "%s/t.cue", dir);
    fp = fopen(path, "w");
    fputs("FILE \"t.bin\" BINARY\n"
          "  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"
          "  TRACK 02 AUDIO\n    INDEX 00 00:13:25\n    INDEX 01 00:15:25\n"
          "  TRACK 03 AUDIO\n    INDEX 01 00:26:50\n",
          fp);
    fclose(fp);

    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    struct dw_rip_report *res = NULL;
    char out[160];
    snprintf(out, sizeof(out), "%s/out", dir);
    struct dw_rip_opts opts = {.output_dir = out, .name = "r", .mode = DW_RIP_BURST,
                               .data_retries = -1};
    assert_int_equal(dw_drive_open(path, 0, &d, &err), 0);
    assert_int_equal(dw_rip(d, &opts, NULL, &res, &err), 0);
    dw_drive_free(d);
    assert_int_equal(dw_rip_report_count(res, DW_RIP_SECTORS_READ), sectors);
    assert_int_equal(dw_rip_report_count(res, DW_RIP_SECTORS_BAD), 0);

    /* The bin is the source, byte for byte. */
    snprintf(path, sizeof(path), "%s/out/r.bin", dir);
    fp = fopen(path, "rb");
    uint8_t *got = malloc((size_t)sectors * SECTOR);
    assert_int_equal(fread(got, 1, (size_t)sectors * SECTOR, fp), (size_t)sectors * SECTOR);
    fclose(fp);
    assert_memory_equal(got, bin, (size_t)sectors * SECTOR);

    /* AccurateRip tracks: [0,1150) [1150,2000) [2000,2600). */
    const int32_t first[3] = {0, 1150, 2000}, end[3] = {1150, 2000, 2600};
    json_object *rep = json_tokener_parse(dw_rip_report_json(res)), *tracks, *ids;
    assert_non_null(rep);
    assert_true(json_object_object_get_ex(rep, "audio_checksums", &tracks));
    assert_int_equal(json_object_array_length(tracks), 3);
    for (int i = 0; i < 3; i++) {
        uint32_t v1, v2;
        char want[9];
        const uint8_t *pcm = bin + (size_t)first[i] * SECTOR;
        uint64_t samples = (uint64_t)(end[i] - first[i]) * 588;
        ar_reference(pcm, samples, i == 0, i == 2, &v1, &v2);
        json_object *t = json_object_array_get_idx(tracks, (size_t)i), *v;
        assert_true(json_object_object_get_ex(t, "accuraterip_v1", &v));
        snprintf(want, sizeof(want), "%08x", v1);
        assert_string_equal(json_object_get_string(v), want);
        assert_true(json_object_object_get_ex(t, "accuraterip_v2", &v));
        snprintf(want, sizeof(want), "%08x", v2);
        assert_string_equal(json_object_get_string(v), want);
        /* EAC's copy CRC is the CRC-32 of the track's bytes. */
        uLong crc = crc32(0L, pcm, (uInt)((end[i] - first[i]) * SECTOR));
        assert_true(json_object_object_get_ex(t, "eac_copy_crc", &v));
        snprintf(want, sizeof(want), "%08lX", crc);
        assert_string_equal(json_object_get_string(v), want);
    }
    assert_true(json_object_object_get_ex(rep, "disc_ids", &ids));
    json_object_put(rep);
    dw_rip_report_free(res);
    free(bin);
    free(got);
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A stream of n stereo samples of noise (deterministic), 4 bytes each. */
static uint8_t *noise(size_t samples, uint32_t seed)
{
    uint8_t *p = malloc(samples * 4);
    assert_non_null(p);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < samples * 4; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (uint8_t)x;
    }
    return p;
}

/* The overlap check: the first read covers sectors 0-2 of a stream (the
 * overlap sector is its last, sector 2), the second sectors 2-5, started
 * k samples late (negative: early).  Every shift within the search is
 * found, exactly and uniquely; beyond it, nothing; silence and a periodic
 * signal match at many shifts and say so. */
static void test_overlap_link(void **state)
{
    (void)state;
    const int32_t S = 588;
    uint8_t *stream = noise(12 * S, 7);
    const uint8_t *prev = stream + 4 * S * 4; /* sectors 4-6 of the stream */
    static const int32_t shifts[] = {0, 1, -1, 2, -3, 5, -5, 64, -100, 300, -300, 523, 524, -524};
    for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
        int32_t k = shifts[i];
        const uint8_t *cur = stream + (size_t)(6 * S + k) * 4; /* sector 6 on, k late */
        struct dw__link l = dw__overlap_link(prev, 3, cur, 4);
        if (k == 0) {
            assert_int_equal(l.kind, DW_LINK_SAME);
            assert_true(l.equal);
        } else {
            assert_int_equal(l.kind, DW_LINK_SHIFT);
            assert_int_equal(l.shift_samples, k);
            assert_false(l.equal);
        }
        /* With a single sector of either, the same answer. */
        struct dw__link one = dw__overlap_link(prev + 2 * S * 4, 1, cur, 1);
        assert_int_equal(one.kind, k == 0 ? DW_LINK_SAME : DW_LINK_SHIFT);
        assert_int_equal(one.shift_samples, k);
    }
    /* Beyond the search, and an unrelated read: no match. */
    struct dw__link far = dw__overlap_link(prev, 3, stream + (size_t)(6 * S + 530) * 4, 4);
    assert_int_equal(far.kind, DW_LINK_NONE);
    uint8_t *other = noise(4 * S, 8);
    assert_int_equal(dw__overlap_link(prev, 3, other, 4).kind, DW_LINK_NONE);
    /* One sample damaged in the overlap: no shift explains it. */
    uint8_t *cur = malloc((size_t)4 * S * 4);
    assert_non_null(cur);
    memcpy(cur, stream + (size_t)6 * S * 4, (size_t)4 * S * 4);
    cur[100 * 4] ^= 0x10;
    struct dw__link hurt = dw__overlap_link(prev, 3, cur, 4);
    assert_int_equal(hurt.kind, DW_LINK_NONE);
    assert_false(hurt.equal);
    /* Digital silence: equal, at every shift: ambiguous. */
    uint8_t *zero = calloc((size_t)4 * S, 4);
    assert_non_null(zero);
    struct dw__link z = dw__overlap_link(zero, 3, zero, 4);
    assert_int_equal(z.kind, DW_LINK_AMBIGUOUS);
    assert_true(z.equal);
    /* A signal with a period of 100 samples, read 100 samples late:
     * the copies are equal, and so at other shifts. */
    for (int32_t j = 0; j < 4 * S; j++)
        memcpy(cur + (size_t)j * 4, stream + (size_t)(j % 100) * 4, 4);
    struct dw__link per = dw__overlap_link(cur, 2, cur + (size_t)(S + 100) * 4, 2);
    assert_int_equal(per.kind, DW_LINK_AMBIGUOUS);
    assert_true(per.equal);
    free(stream);
    free(other);
    free(cur);
    free(zero);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_rip_checksums),
        cmocka_unit_test(test_overlap_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
