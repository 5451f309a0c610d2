/* Sector classification and verify over image drives. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "dw_test.h"
#include "discwright/drive.h"
#include "discwright/sector.h"
#include "discwright/verify.h"

#define ISOFS_CUE DW_FIXTURES_DIR "/libcdio/test/data/isofs-m1.cue"
#define ISOFS_BIN DW_FIXTURES_DIR "/libcdio/test/data/isofs-m1.bin"

static void test_classify(void **state)
{
    (void)state;
    uint8_t a[2048], b[2048];
    int32_t diff;
    memset(a, 7, sizeof(a));
    memcpy(b, a, sizeof(b));
    assert_int_equal(dw_verify_classify(0, a, b, sizeof(a), &diff), DW_CLASS_MATCH);
    assert_int_equal(diff, -1);
    b[1234] ^= 0x10;
    assert_int_equal(dw_verify_classify(0, a, b, sizeof(a), &diff), DW_CLASS_MISCOMPARE);
    assert_int_equal(diff, 1234);
    b[5] ^= 1;
    assert_int_equal(dw_verify_classify(0, a, b, sizeof(a), &diff), DW_CLASS_MISCOMPARE);
    assert_int_equal(diff, 5);
    assert_int_equal(dw_verify_classify(DW_EREAD, a, b, sizeof(a), &diff), DW_CLASS_UNREADABLE);
    assert_int_equal(diff, -1);
    assert_string_equal(dw_sector_class_name(DW_CLASS_UNTESTED), "untested");
}

/* Extract the user data of isofs-m1.bin as an ISO, then verify the cue
 * (read raw, user data taken from each sector) against it; flip one byte
 * of a copy and check that verify names its LBA and byte. */
static void test_verify_iso_against_cue(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-verify-XXXXXX", iso[80];
    DW_SKIP_UNLESS(access(ISOFS_BIN, R_OK) == 0, ISOFS_BIN);
    assert_non_null(mkdtemp(dir));
    snprintf(iso, sizeof(iso), "%s/x.iso", dir);
    FILE *in = fopen(ISOFS_BIN, "rb"), *out = fopen(iso, "wb");
    uint8_t raw[DW_SECTOR_RAW_BYTES];
    int sectors = 0;
    while (fread(raw, 1, sizeof(raw), in) == sizeof(raw)) {
        assert_int_equal(dw_sector_check(raw, sectors, NULL), DW_SECTOR_GOOD);
        fwrite(raw + DW_OFF_MODE1_DATA, 1, DW_SECTOR_USER_BYTES, out);
        sectors++;
    }
    fclose(in);
    fclose(out);
    assert_int_equal(sectors, 302);

    struct dw_drive *src = NULL, *img = NULL;
    struct dw_error_detail err;
    struct dw_verify_result res;
    assert_int_equal(dw_drive_open(ISOFS_CUE, 0, &src, &err), 0);
    assert_int_equal(dw_drive_open(iso, 0, &img, &err), 0);
    assert_int_equal(dw_verify(src, img, NULL, NULL, &res, &err), 0);
    assert_int_equal(res.sectors_total, 302);
    assert_int_equal(res.match, 302);
    assert_int_equal(res.range_count, 0);
    dw_verify_result_release(&res);
    dw_drive_free(img);

    /* The ISO backend rebuilds full Mode 1 sectors (sync, header, EDC,
     * ECC) from user data: they equal the original raw sectors. */
    assert_int_equal(dw_drive_open(iso, 0, &img, &err), 0);
    uint8_t rebuilt[DW_SECTOR_RAW_BYTES * 4], orig[DW_SECTOR_RAW_BYTES * 4];
    assert_int_equal(dw_drive_read_raw(img, 100, 4, rebuilt), 0);
    assert_int_equal(dw_drive_read_raw(src, 100, 4, orig), 0);
    assert_memory_equal(rebuilt, orig, sizeof(orig));
    dw_drive_free(img);

    /* One flipped byte in sector 150, byte 77. */
    FILE *fp = fopen(iso, "r+b");
    fseek(fp, 150L * 2048 + 77, SEEK_SET);
    int c = fgetc(fp);
    fseek(fp, 150L * 2048 + 77, SEEK_SET);
    fputc(c ^ 0xff, fp);
    fclose(fp);
    assert_int_equal(dw_drive_open(iso, 0, &img, &err), 0);
    assert_int_equal(dw_verify(src, img, NULL, NULL, &res, &err), 0);
    assert_int_equal(res.match, 301);
    assert_int_equal(res.miscompare, 1);
    assert_int_equal(res.range_count, 1);
    assert_int_equal(res.ranges[0].first_lba, 150);
    assert_int_equal(res.ranges[0].last_lba, 150);
    assert_int_equal(res.ranges[0].first_diff_byte, 77);
    assert_non_null(strstr(res.report_json, "\"miscompare\""));
    dw_verify_result_release(&res);
    dw_drive_free(img);
    dw_drive_free(src);
    unlink(iso);
    rmdir(dir);
}

/* The source shorter than the image: the missing sectors are unreadable. */
static void test_short_source(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-verify-XXXXXX", a[80], b[80];
    assert_non_null(mkdtemp(dir));
    snprintf(a, sizeof(a), "%s/a.iso", dir);
    snprintf(b, sizeof(b), "%s/b.iso", dir);
    uint8_t block[2048];
    FILE *fa = fopen(a, "wb"), *fb = fopen(b, "wb");
    for (int i = 0; i < 40; i++) {
        memset(block, i, sizeof(block));
        fwrite(block, 1, sizeof(block), fb);
        if (i < 30)
            fwrite(block, 1, sizeof(block), fa);
    }
    fclose(fa);
    fclose(fb);
    struct dw_drive *src = NULL, *img = NULL;
    struct dw_error_detail err;
    struct dw_verify_result res;
    char stdio_a[90];
    snprintf(stdio_a, sizeof(stdio_a), "stdio:%s", a);
    assert_int_equal(dw_drive_open(stdio_a, 0, &src, &err), 0);
    assert_int_equal(dw_drive_open(b, 0, &img, &err), 0);
    struct dw_verify_opts opts = {.source_lba = -1, .retries = 0};
    assert_int_equal(dw_verify(src, img, &opts, NULL, &res, &err), 0);
    assert_int_equal(res.match, 30);
    assert_int_equal(res.unreadable, 10);
    assert_int_equal(res.ranges[0].first_lba, 30);
    assert_int_equal(res.ranges[0].last_lba, 39);
    dw_verify_result_release(&res);
    /* And the other way round: 10 sectors after the image are padding. */
    assert_int_equal(dw_verify(img, src, &opts, NULL, &res, &err), 0);
    assert_int_equal(res.match, 30);
    assert_int_equal(res.source_extra_sectors, 10);
    dw_verify_result_release(&res);
    dw_drive_free(src);
    dw_drive_free(img);
    unlink(a);
    unlink(b);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_verify_iso_against_cue),
        cmocka_unit_test(test_short_source),
    };
    return dw_test_result(cmocka_run_group_tests(tests, NULL, NULL));
}
