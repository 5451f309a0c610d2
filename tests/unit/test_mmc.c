/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for src/drive/mmc_cdb.c (MMC-6 / SPC-4 command blocks and
 * replies) and the failure paths of the mmc backend that run without a
 * drive.  Expected CDB bytes are written out from the field layouts of the
 * standards, not from our builders; replies are built by hand, including
 * short, truncated and lying ones.  The CD-TEXT cases are run through
 * libcdio's own cdtext_data_init() to check dw__cdtext_is_safe()
 * against the library it guards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cdio/cdtext.h>
#include <cdio/logging.h>
#include <libburn/libburn.h>

#include "discwright/disc.h"
#include "discwright/drive.h"
#include "discwright/errors.h"
#include "discwright/sector.h"
#include "drive/drive_int.h"
#include "drive/mmc.h"
#include "disc/disc_int.h"

#define CHECK_CDB(len, cdb, ...)                                                         \
    do {                                                                                 \
        const uint8_t expect_[] = {__VA_ARGS__};                                         \
        assert_int_equal((len), sizeof(expect_));                                        \
        assert_memory_equal((cdb), expect_, sizeof(expect_));                            \
    } while (0)

/* ---- builders ------------------------------------------------------------ */

static void test_build_spc(void **state)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    (void)state;

    memset(cdb, 0xEE, sizeof(cdb));
    CHECK_CDB(dw__mmc_build_test_unit_ready(cdb), cdb, 0x00, 0, 0, 0, 0, 0);
    CHECK_CDB(dw__mmc_build_request_sense(cdb, 252), cdb, 0x03, 0, 0, 0, 0xFC, 0);
    CHECK_CDB(dw__mmc_build_inquiry(cdb, 96), cdb, 0x12, 0, 0, 0x00, 0x60, 0);
    CHECK_CDB(dw__mmc_build_inquiry(cdb, 0x1234), cdb, 0x12, 0, 0, 0x12, 0x34, 0);
    CHECK_CDB(dw__mmc_build_prevent_allow(cdb, true), cdb, 0x1E, 0, 0, 0, 0x01, 0);
    CHECK_CDB(dw__mmc_build_prevent_allow(cdb, false), cdb, 0x1E, 0, 0, 0, 0x00, 0);
    CHECK_CDB(dw__mmc_build_mode_sense10(cdb, 0x2A, 0x100), cdb, 0x5A, 0x08, 0x2A, 0, 0,
              0, 0, 0x01, 0x00, 0);
}

static void test_build_config_disc_info_capacity(void **state)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    (void)state;

    CHECK_CDB(dw__mmc_build_get_configuration(cdb, DW_MMC_RT_CURRENT, 0, 16), cdb, 0x46,
              0x01, 0x00, 0x00, 0, 0, 0, 0x00, 0x10, 0);
    CHECK_CDB(dw__mmc_build_get_configuration(cdb, DW_MMC_RT_ONE, DW_MMC_FEATURE_CD_READ,
                                              0x0120),
              cdb, 0x46, 0x02, 0x00, 0x1E, 0, 0, 0, 0x01, 0x20, 0);
    CHECK_CDB(dw__mmc_build_read_disc_info(cdb, 34), cdb, 0x51, 0, 0, 0, 0, 0, 0, 0x00,
              0x22, 0);
    CHECK_CDB(dw__mmc_build_read_capacity(cdb), cdb, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

static void test_build_read_toc(void **state)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    (void)state;

    /* Formatted TOC in LBA form from the first track, 804 bytes. */
    CHECK_CDB(dw__mmc_build_read_toc(cdb, DW_MMC_TOC_FMT_TOC, false, 0, 804), cdb, 0x43,
              0x00, 0x00, 0, 0, 0, 0x00, 0x03, 0x24, 0);
    CHECK_CDB(dw__mmc_build_read_toc(cdb, DW_MMC_TOC_FMT_SESSION, false, 0, 12), cdb,
              0x43, 0x00, 0x01, 0, 0, 0, 0x00, 0x00, 0x0C, 0);
    /* Full TOC: MSF bit set, as libburn and libcdio send it. */
    CHECK_CDB(dw__mmc_build_read_toc(cdb, DW_MMC_TOC_FMT_FULL, true, 1, 0x1000), cdb,
              0x43, 0x02, 0x02, 0, 0, 0, 0x01, 0x10, 0x00, 0);
    CHECK_CDB(dw__mmc_build_read_toc(cdb, DW_MMC_TOC_FMT_CDTEXT, true, 0, 4), cdb, 0x43,
              0x02, 0x05, 0, 0, 0, 0x00, 0x00, 0x04, 0);
}

static void test_build_read_subchannel(void **state)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    (void)state;

    CHECK_CDB(dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_MCN, 0, 24), cdb, 0x42, 0x00,
              0x40, 0x02, 0, 0, 0x00, 0x00, 0x18, 0);
    CHECK_CDB(dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_ISRC, 5, 24), cdb, 0x42,
              0x00, 0x40, 0x03, 0, 0, 0x05, 0x00, 0x18, 0);
}

static void test_build_reads(void **state)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    (void)state;

    /* READ CD, any sector type, LBA 12345h, 26 sectors, all 2352 bytes. */
    CHECK_CDB(dw__mmc_build_read_cd(cdb, 0x12345, 26, DW_MMC_SECTOR_ANY, 0), cdb, 0xBE,
              0x00, 0x00, 0x01, 0x23, 0x45, 0x00, 0x00, 0x1A, 0xF8, 0x00, 0x00);
    /* CD-DA (001b << 2), C2 294 bytes (byte 9 bits 2-1 = 01b), raw P-W. */
    CHECK_CDB(dw__mmc_build_read_cd(cdb, 0, 1, DW_MMC_SECTOR_CDDA,
                                    DW_MMC_READ_CD_C2 | DW_MMC_READ_CD_SUB_RAW),
              cdb, 0xBE, 0x04, 0, 0, 0, 0, 0, 0, 0x01, 0xFA, 0x01, 0x00);
    /* Mode 1 (010b), C2 with block error byte (10b), formatted Q. */
    CHECK_CDB(dw__mmc_build_read_cd(cdb, 16, 2, DW_MMC_SECTOR_MODE1,
                                    DW_MMC_READ_CD_C2_BLOCK | DW_MMC_READ_CD_SUB_Q),
              cdb, 0xBE, 0x08, 0, 0, 0, 0x10, 0, 0, 0x02, 0xFC, 0x02, 0x00);
    /* Lead-in LBA -150 as two's complement, Form 2 (101b), R-W. */
    CHECK_CDB(dw__mmc_build_read_cd(cdb, -150, 0x10000, DW_MMC_SECTOR_FORM2,
                                    DW_MMC_READ_CD_SUB_RW),
              cdb, 0xBE, 0x14, 0xFF, 0xFF, 0xFF, 0x6A, 0x01, 0x00, 0x00, 0xF8, 0x04,
              0x00);
    assert_int_equal(dw__mmc_read_cd_sector_bytes(0), 2352);
    assert_int_equal(dw__mmc_read_cd_sector_bytes(DW_MMC_READ_CD_C2), 2646);
    assert_int_equal(dw__mmc_read_cd_sector_bytes(DW_MMC_READ_CD_C2_BLOCK), 2648);
    assert_int_equal(
        dw__mmc_read_cd_sector_bytes(DW_MMC_READ_CD_C2 | DW_MMC_READ_CD_SUB_RAW), 2742);
    assert_int_equal(dw__mmc_read_cd_sector_bytes(DW_MMC_READ_CD_SUB_Q), 2368);

    CHECK_CDB(dw__mmc_build_read10(cdb, 0x00ABCDEF, 32), cdb, 0x28, 0x00, 0x00, 0xAB,
              0xCD, 0xEF, 0x00, 0x00, 0x20, 0x00);
}

/* ---- INQUIRY, sense -------------------------------------------------------- */

static void make_inquiry(uint8_t buf[96], const char *vendor8, const char *product16,
                         const char *revision4)
{
    memset(buf, 0, 96);
    buf[0] = 0x05; /* qualifier 0, type 05h */
    buf[1] = 0x80; /* RMB */
    buf[2] = 0x05; /* SPC-3 */
    buf[3] = 0x32;
    buf[4] = 31; /* 36 bytes in all */
    memcpy(buf + 8, vendor8, 8);
    memcpy(buf + 16, product16, 16);
    memcpy(buf + 32, revision4, 4);
}

static void test_parse_inquiry(void **state)
{
    uint8_t buf[96];
    struct dw__mmc_inquiry inq;
    (void)state;

    make_inquiry(buf, "HL-DT-ST", "DVDRAM GH24NSD1 ", "LG00");
    assert_int_equal(dw__mmc_parse_inquiry(buf, sizeof(buf), &inq), 0);
    assert_int_equal(inq.device_type, DW_MMC_DEVICE_TYPE_MMC);
    assert_int_equal(inq.qualifier, 0);
    assert_true(inq.removable);
    assert_string_equal(inq.vendor, "HL-DT-ST");
    assert_string_equal(inq.product, "DVDRAM GH24NSD1");
    assert_string_equal(inq.revision, "LG00");

    /* Padding blanks and NULs go; control bytes become '?'. */
    make_inquiry(buf, " ASUS   ", "BW-16D1HT\0\0\0\0\0\0\0", "3.1\x01");
    assert_int_equal(dw__mmc_parse_inquiry(buf, sizeof(buf), &inq), 0);
    assert_string_equal(inq.vendor, "ASUS");
    assert_string_equal(inq.product, "BW-16D1HT");
    assert_string_equal(inq.revision, "3.1?");

    /* Too short: by the buffer, or by the additional length. */
    assert_int_equal(dw__mmc_parse_inquiry(buf, 35, &inq), DW_EPARSE);
    assert_int_equal(dw__mmc_parse_inquiry(buf, 4, &inq), DW_EPARSE);
    assert_int_equal(dw__mmc_parse_inquiry(buf, 0, &inq), DW_EPARSE);
    buf[4] = 20;
    assert_int_equal(dw__mmc_parse_inquiry(buf, sizeof(buf), &inq), DW_EPARSE);
}

static void test_parse_sense_fixed(void **state)
{
    struct dw__mmc_sense s;
    /* 70h, MEDIUM ERROR, ASL 10, 11h/05h L-EC uncorrectable */
    const uint8_t plain[18] = {0x70, 0, 0x03, 0, 0, 0, 0, 0x0A, 0, 0, 0, 0, 0x11, 0x05};
    /* VALID, INFORMATION = 00012345h (the failing LBA) */
    const uint8_t valid[18] = {0xF0, 0, 0x03, 0x00, 0x01, 0x23, 0x45,
                               0x0A, 0, 0,    0,    0,    0x11, 0x00};
    const uint8_t deferred[18] = {0x71, 0, 0x06, 0, 0, 0,    0,
                                  0x0A, 0, 0,    0, 0, 0x29, 0x00};
    /* ASL 4: the ASC/ASCQ bytes are not part of the sense data. */
    const uint8_t short_asl[18] = {0x70, 0, 0x05, 0, 0, 0,    0,
                                   0x04, 0, 0,    0, 0, 0x24, 0x00};
    (void)state;

    assert_int_equal(dw__mmc_parse_sense(plain, sizeof(plain), &s), 0);
    assert_int_equal(s.response_code, 0x70);
    assert_int_equal(s.key, 3);
    assert_int_equal(s.asc, 0x11);
    assert_int_equal(s.ascq, 0x05);
    assert_false(s.info_valid);
    assert_false(s.deferred);

    assert_int_equal(dw__mmc_parse_sense(valid, sizeof(valid), &s), 0);
    assert_true(s.info_valid);
    assert_int_equal(s.info, 0x12345);

    assert_int_equal(dw__mmc_parse_sense(deferred, sizeof(deferred), &s), 0);
    assert_true(s.deferred);
    assert_int_equal(s.key, 6);
    assert_int_equal(s.asc, 0x29);

    assert_int_equal(dw__mmc_parse_sense(short_asl, sizeof(short_asl), &s), 0);
    assert_int_equal(s.key, 5);
    assert_int_equal(s.asc, -1);
    assert_int_equal(s.ascq, -1);

    /* Truncated buffers: key only, then nothing. */
    assert_int_equal(dw__mmc_parse_sense(plain, 13, &s), 0);
    assert_int_equal(s.asc, 0x11);
    assert_int_equal(s.ascq, -1);
    assert_int_equal(dw__mmc_parse_sense(plain, 3, &s), 0);
    assert_int_equal(s.key, 3);
    assert_int_equal(s.asc, -1);
    assert_int_equal(dw__mmc_parse_sense(plain, 2, &s), DW_EPARSE);
    assert_int_equal(dw__mmc_parse_sense(plain, 0, &s), DW_EPARSE);
}

static void test_parse_sense_descriptor(void **state)
{
    struct dw__mmc_sense s;
    const uint8_t no_medium[8] = {0x72, 0x02, 0x3A, 0x00, 0, 0, 0, 0};
    /* An information descriptor: type 00h, length 0Ah, VALID, LBA 12345h. */
    const uint8_t with_info[20] = {0x72, 0x03, 0x11, 0x00, 0,    0,   0,
                                   0x0C, 0x00, 0x0A, 0x80, 0,    0,   0,
                                   0x00, 0x00, 0x00, 0x01, 0x23, 0x45};
    uint8_t lying[20];
    const uint8_t odd[4] = {0x7F, 0x05, 0x24, 0x00};
    (void)state;

    assert_int_equal(dw__mmc_parse_sense(no_medium, sizeof(no_medium), &s), 0);
    assert_int_equal(s.response_code, 0x72);
    assert_int_equal(s.key, 2);
    assert_int_equal(s.asc, 0x3A);
    assert_int_equal(s.ascq, 0x00);
    assert_false(s.info_valid);

    assert_int_equal(dw__mmc_parse_sense(with_info, sizeof(with_info), &s), 0);
    assert_int_equal(s.key, 3);
    assert_true(s.info_valid);
    assert_int_equal(s.info, 0x12345);

    /* Descriptor cut by the buffer: no information, no overrun. */
    assert_int_equal(dw__mmc_parse_sense(with_info, 14, &s), 0);
    assert_false(s.info_valid);
    /* An additional length far beyond the buffer. */
    memcpy(lying, with_info, sizeof(lying));
    lying[7] = 0xFF;
    lying[9] = 0xFF;
    assert_int_equal(dw__mmc_parse_sense(lying, sizeof(lying), &s), 0);
    assert_false(s.info_valid);
    assert_int_equal(dw__mmc_parse_sense(no_medium, 1, &s), DW_EPARSE);
    assert_int_equal(dw__mmc_parse_sense(odd, sizeof(odd), &s), DW_EPARSE);
}

static void test_sense_mapping(void **state)
{
    (void)state;
    assert_int_equal(dw__mmc_sense_to_error(0x2, 0x3A, 0x00), DW_ENOMEDIUM);
    assert_int_equal(dw__mmc_sense_to_error(0x2, 0x3A, 0x02), DW_ENOMEDIUM);
    assert_string_equal(dw__mmc_sense_text(0x2, 0x3A, 0x00), "medium not present");
    assert_string_equal(dw__mmc_sense_text(0x2, 0x3A, 0x02),
                        "medium not present, tray open");
    assert_int_equal(dw__mmc_sense_to_error(0x2, 0x04, 0x01), DW_EBUSY);
    assert_int_equal(dw__mmc_sense_to_error(0x2, 0x04, 0x55), DW_EBUSY);
    assert_int_equal(dw__mmc_sense_to_error(0x3, 0x11, 0x05), DW_EREAD);
    assert_string_equal(dw__mmc_sense_text(0x3, 0x11, 0x00), "unrecovered read error");
    assert_string_equal(dw__mmc_sense_text(0x3, 0x11, 0x77), "unrecovered read error");
    assert_int_equal(dw__mmc_sense_to_error(0x3, 0x02, 0x00), DW_EREAD);
    assert_int_equal(dw__mmc_sense_to_error(0x3, 0x0C, 0x00), DW_EWRITE);
    assert_int_equal(dw__mmc_sense_to_error(0x3, 0x0C, 0x09), DW_EWRITE);
    assert_int_equal(dw__mmc_sense_to_error(0x3, 0x99, 0x00), DW_EREAD);
    assert_string_equal(dw__mmc_sense_text(0x3, 0x99, 0x00), "medium error");
    assert_int_equal(dw__mmc_sense_to_error(0x5, 0x20, 0x00), DW_EUNSUPPORTED);
    assert_string_equal(dw__mmc_sense_text(0x5, 0x20, 0x00),
                        "invalid command operation code");
    assert_int_equal(dw__mmc_sense_to_error(0x5, 0x21, 0x00), DW_ERANGE);
    assert_string_equal(dw__mmc_sense_text(0x5, 0x21, 0x00),
                        "logical block address out of range");
    assert_int_equal(dw__mmc_sense_to_error(0x5, 0x64, 0x00), DW_EREAD);
    assert_string_equal(dw__mmc_sense_text(0x5, 0x64, 0x00),
                        "illegal mode for this track");
    assert_int_equal(dw__mmc_sense_to_error(0x5, 0x24, 0x00), DW_EINVAL);
    assert_int_equal(dw__mmc_sense_to_error(0x5, 0x30, 0x02), DW_EMEDIUM);
    assert_int_equal(dw__mmc_sense_to_error(0x5, 0x6F, 0x03), DW_EACCES);
    assert_int_equal(dw__mmc_sense_to_error(0x5, 0x77, 0x00), DW_EINVAL);
    assert_string_equal(dw__mmc_sense_text(0x5, 0x77, 0x00), "illegal request");
    assert_int_equal(dw__mmc_sense_to_error(0x6, 0x28, 0x00), DW_EMEDIUM);
    assert_string_equal(dw__mmc_sense_text(0x6, 0x28, 0x00),
                        "not ready to ready change, medium may have changed");
    assert_int_equal(dw__mmc_sense_to_error(0x6, 0x29, 0x00), DW_EIO);
    assert_string_equal(dw__mmc_sense_text(0x6, 0x29, 0x00),
                        "power on, reset, or bus device reset occurred");
    assert_int_equal(dw__mmc_sense_to_error(0x7, 0x27, 0x00), DW_EACCES);
    assert_int_equal(dw__mmc_sense_to_error(0x8, 0x00, 0x00), DW_ERANGE);
    assert_int_equal(dw__mmc_sense_to_error(0xD, 0x00, 0x00), DW_ENOSPC);
    assert_int_equal(dw__mmc_sense_to_error(0xE, 0x1D, 0x00), DW_EMISMATCH);
    assert_int_equal(dw__mmc_sense_to_error(0x0, 0x00, 0x00), 0);
    assert_int_equal(dw__mmc_sense_to_error(0x1, 0x17, 0x01), 0);
    /* Unknown or missing ASC: the sense key decides. */
    assert_int_equal(dw__mmc_sense_to_error(0x2, -1, -1), DW_EIO);
    assert_string_equal(dw__mmc_sense_text(0x2, -1, -1), "not ready");
    assert_int_equal(dw__mmc_sense_to_error(0x4, 0x44, 0x00), DW_EIO);
    assert_int_equal(dw__mmc_sense_to_error(-1, -1, -1), DW_EIO);
    assert_int_equal(dw__mmc_sense_to_error(16, 0, 0), DW_EIO);
    assert_non_null(dw__mmc_sense_text(99, 0, 0));
}

/* ---- GET CONFIGURATION, profiles ------------------------------------------ */

static void test_parse_configuration(void **state)
{
    /* Header (data length 4: nothing after it), current profile 1Ah. */
    const uint8_t header[8] = {0, 0, 0, 4, 0, 0, 0x00, 0x1A};
    /* Header, feature 0000h (two profile descriptors), feature 001Eh
     * version 2, persistent, current, with DAP, C2 and CD-Text. */
    const uint8_t full[32] = {
        0,    0,    0,    24,   0,    0,    0x00, 0x08, /* header, CD-ROM current */
        0x00, 0x00, 0x03, 0x08,                         /* profile list, 8 bytes */
        0x00, 0x08, 0x01, 0x00, 0x00, 0x10, 0x00, 0x00, /* 08h current, 10h */
        0x00, 0x1E, 0x0B, 0x04, 0x83, 0x00, 0x00, 0x00, /* CD Read */
        0,    0,    0,    0};
    uint8_t buf[32];
    struct dw__mmc_cd_read cd;
    const uint8_t *desc;
    size_t desc_bytes;
    int profile = -1;
    (void)state;

    assert_int_equal(dw__mmc_parse_config_profile(header, sizeof(header), &profile), 0);
    assert_int_equal(profile, 0x1A);
    assert_string_equal(dw_profile_name(profile), "DVD+RW");
    assert_int_equal(dw__mmc_parse_config_profile(header, 7, &profile), DW_EPARSE);

    assert_int_equal(dw__mmc_parse_feature_cd_read(full, 28, &cd), 0);
    assert_true(cd.present);
    assert_true(cd.current);
    assert_true(cd.dap);
    assert_true(cd.c2);
    assert_true(cd.cdtext);
    assert_int_equal(dw__mmc_find_feature(full, 28, 0x0000, &desc, &desc_bytes), 0);
    assert_ptr_equal(desc, full + 8);
    assert_int_equal(desc_bytes, 12);
    assert_int_equal(dw__mmc_find_feature(full, 28, 0x0107, &desc, &desc_bytes),
                     DW_ENOENT);
    assert_null(desc);

    /* The allocation length cut the reply inside feature 001Eh: the drive
     * has more than we asked for, which is not malformed. */
    assert_int_equal(dw__mmc_parse_feature_cd_read(full, 24, &cd), 0);
    assert_false(cd.present);
    /* A descriptor that overruns the data length the drive itself gave. */
    memcpy(buf, full, sizeof(buf));
    buf[23] = 0x40;
    assert_int_equal(dw__mmc_parse_feature_cd_read(buf, 28, &cd), DW_EPARSE);
    /* 001Eh without its data bytes. */
    memcpy(buf, full, sizeof(buf));
    buf[3] = 20;
    buf[23] = 0x00;
    assert_int_equal(dw__mmc_parse_feature_cd_read(buf, 28, &cd), DW_EPARSE);
    /* A data length smaller than the header itself. */
    memcpy(buf, full, sizeof(buf));
    buf[3] = 2;
    assert_int_equal(dw__mmc_parse_feature_cd_read(buf, 28, &cd), DW_EPARSE);
    assert_int_equal(dw__mmc_parse_feature_cd_read(full, 5, &cd), DW_EPARSE);
}

static void test_profile_names(void **state)
{
    (void)state;
    assert_string_equal(dw_profile_name(0x08), "CD-ROM");
    assert_string_equal(dw_profile_name(0x09), "CD-R");
    assert_string_equal(dw_profile_name(0x0A), "CD-RW");
    assert_string_equal(dw_profile_name(0x10), "DVD-ROM");
    assert_string_equal(dw_profile_name(0x11), "DVD-R");
    assert_string_equal(dw_profile_name(0x12), "DVD-RAM");
    assert_string_equal(dw_profile_name(0x13), "DVD-RW overwrite");
    assert_string_equal(dw_profile_name(0x14), "DVD-RW sequential");
    assert_string_equal(dw_profile_name(0x1A), "DVD+RW");
    assert_string_equal(dw_profile_name(0x1B), "DVD+R");
    assert_string_equal(dw_profile_name(0x2B), "DVD+R DL");
    assert_string_equal(dw_profile_name(0x40), "BD-ROM");
    assert_string_equal(dw_profile_name(0x41), "BD-R SRM");
    assert_string_equal(dw_profile_name(0x42), "BD-R RRM");
    assert_string_equal(dw_profile_name(0x43), "BD-RE");
    assert_string_equal(dw_profile_name(0x50), "HD DVD-ROM");
    assert_string_equal(dw_profile_name(0xFFFF), "none");
    assert_string_equal(dw_profile_name(0), "none");
    assert_string_equal(dw_profile_name(0x1234), "unknown");
    assert_string_equal(dw_profile_name(-5), "unknown");
    /* Every name fits dw_medium_info.profile_name. */
    for (int p = 0; p <= 0xFFFF; p++)
        assert_true(strlen(dw_profile_name(p)) <
                    sizeof(((struct dw_medium_info *)0)->profile_name));
    assert_true(dw__mmc_profile_is_cd(0x08));
    assert_true(dw__mmc_profile_is_cd(0x0A));
    assert_false(dw__mmc_profile_is_cd(0x10));
    assert_false(dw__mmc_profile_is_cd(0));
}

/* Our profile names against libburn's (burn_obtain_profile_name): every
 * profile libburn knows we know, under the same name but for the short
 * forms listed here (mmc_cdb.c says why); the profiles libburn lacks are
 * the ones MMC-6 added. */
static void test_profile_names_libburn(void **state)
{
    static const struct {
        int profile;
        const char *ours, *libburn;
    } shortened[] = {
        {0x0001, "non-removable disk", "Non-removable disk"},
        {0x0002, "removable disk", "Removable disk"},
        {0x0004, "optical write once", "Optical write once"},
        {0x0011, "DVD-R", "DVD-R sequential recording"},
        {0x0013, "DVD-RW overwrite", "DVD-RW restricted overwrite"},
        {0x0014, "DVD-RW sequential", "DVD-RW sequential recording"},
        {0x0015, "DVD-R DL sequential", "DVD-R/DL sequential recording"},
        {0x0016, "DVD-R DL jump", "DVD-R/DL layer jump recording"},
        {0x002A, "DVD+RW DL", "DVD+RW/DL"},
        {0x002B, "DVD+R DL", "DVD+R/DL"},
        {0x0041, "BD-R SRM", "BD-R sequential recording"},
        {0x0042, "BD-R RRM", "BD-R random recording"},
        {0x0050, "HD DVD-ROM", "HD-DVD-ROM"},
        {0x0051, "HD DVD-R", "HD-DVD-R"},
        {0x0052, "HD DVD-RAM", "HD-DVD-RAM"},
    };
    static const int only_ours[] = {0x0000, 0x0017, 0x0018, 0x0053, 0x0058, 0x005A, 0xFFFF};
    int same = 0;
    (void)state;

    for (int p = 0; p <= 0xFFFF; p++) {
        char name[80] = "";
        int known = burn_obtain_profile_name(p, name);
        const char *ours = dw_profile_name(p);
        bool listed_short = false, listed_ours = false;

        for (size_t i = 0; i < sizeof(shortened) / sizeof(shortened[0]); i++)
            if (shortened[i].profile == p) {
                listed_short = true;
                assert_int_equal(known, 1);
                assert_string_equal(name, shortened[i].libburn);
                assert_string_equal(ours, shortened[i].ours);
            }
        for (size_t i = 0; i < sizeof(only_ours) / sizeof(only_ours[0]); i++)
            if (only_ours[i] == p) {
                listed_ours = true;
                assert_int_equal(known, 0);
                assert_string_not_equal(ours, "unknown");
            }
        if (listed_short || listed_ours)
            continue;
        if (known == 1) {
            assert_string_equal(ours, name);
            same++;
        } else {
            assert_string_equal(ours, "unknown");
        }
    }
    assert_int_equal(same, 11); /* CD-ROM ... BD-RE, MO erasable, AS-MO */
}

/* ---- READ DISC INFORMATION ------------------------------------------------- */

static void make_disc_info(uint8_t buf[34], uint8_t byte2, int sessions)
{
    memset(buf, 0, 34);
    buf[1] = 32; /* data length: 34 bytes */
    buf[2] = byte2;
    buf[3] = 1;
    buf[4] = (uint8_t)sessions;
    buf[9] = (uint8_t)(sessions >> 8);
    buf[5] = buf[6] = (uint8_t)sessions;
    buf[8] = 0x00;
}

static void test_parse_disc_info(void **state)
{
    uint8_t buf[34];
    struct dw__mmc_disc_info di;
    (void)state;

    make_disc_info(buf, 0x10, 1); /* erasable, blank, empty last session */
    assert_int_equal(dw__mmc_parse_disc_info(buf, sizeof(buf), &di), 0);
    assert_int_equal(di.status, DW_STATUS_BLANK);
    assert_true(di.erasable);
    assert_int_equal(di.last_session_state, 0);
    assert_int_equal(di.session_count, 1);

    make_disc_info(buf, 0x01, 2); /* appendable, empty next session */
    assert_int_equal(dw__mmc_parse_disc_info(buf, sizeof(buf), &di), 0);
    assert_int_equal(di.status, DW_STATUS_APPENDABLE);
    assert_false(di.erasable);
    assert_int_equal(di.session_count, 2);

    make_disc_info(buf, 0x0E, 3); /* complete, last session complete */
    buf[8] = 0x20;
    assert_int_equal(dw__mmc_parse_disc_info(buf, sizeof(buf), &di), 0);
    assert_int_equal(di.status, DW_STATUS_CLOSED);
    assert_int_equal(di.last_session_state, 3);
    assert_int_equal(di.disc_type, 0x20);
    assert_int_equal(di.first_track, 1);
    assert_int_equal(di.last_track_last_session, 3);

    make_disc_info(buf, 0x1F, 258); /* other (random access), 16-bit count */
    assert_int_equal(dw__mmc_parse_disc_info(buf, sizeof(buf), &di), 0);
    assert_int_equal(di.status, DW_STATUS_OTHER);
    assert_int_equal(di.session_count, 258);

    make_disc_info(buf, 0x0E, 1);
    assert_int_equal(dw__mmc_parse_disc_info(buf, 11, &di), DW_EPARSE);
    buf[1] = 8; /* the drive claims 10 bytes only */
    assert_int_equal(dw__mmc_parse_disc_info(buf, sizeof(buf), &di), DW_EPARSE);
    make_disc_info(buf, 0x2E, 1); /* data type 001b: track resources */
    assert_int_equal(dw__mmc_parse_disc_info(buf, sizeof(buf), &di), DW_EPARSE);
}

/* ---- READ TRACK INFORMATION ------------------------------------------------ */

static void test_track_info(void **state)
{
    uint8_t cdb[DW_MMC_CDB_MAX], buf[36];
    struct dw__mmc_track_info ti;
    (void)state;

    assert_int_equal(dw__mmc_build_read_track_info(cdb, 0x0102, 36), 10);
    assert_int_equal(cdb[0], 0x52);
    assert_int_equal(cdb[1], 0x01); /* track number addressing */
    assert_int_equal(cdb[2] | cdb[3], 0);
    assert_int_equal(cdb[4], 0x01);
    assert_int_equal(cdb[5], 0x02);
    assert_int_equal(cdb[7] << 8 | cdb[8], 36);

    /* track 2 of session 2 of a DVD+R: LBA 192, 48 sectors */
    memset(buf, 0, sizeof(buf));
    buf[1] = 34;
    buf[2] = 2;
    buf[3] = 2;
    buf[11] = 192;
    buf[27] = 48;
    assert_int_equal(dw__mmc_parse_track_info(buf, sizeof(buf), &ti), 0);
    assert_int_equal(ti.track, 2);
    assert_int_equal(ti.session, 2);
    assert_false(ti.blank);
    assert_int_equal(ti.start_lba, 192);
    assert_int_equal(ti.size_sectors, 48);
    /* the MSBs of the numbers in bytes 32-33 */
    buf[32] = 1;
    buf[33] = 1;
    assert_int_equal(dw__mmc_parse_track_info(buf, sizeof(buf), &ti), 0);
    assert_int_equal(ti.track, 258);
    assert_int_equal(ti.session, 258);
    /* a reply of 28 bytes has no MSBs: they are not read */
    buf[1] = 26;
    assert_int_equal(dw__mmc_parse_track_info(buf, 28, &ti), 0);
    assert_int_equal(ti.track, 2);
    buf[1] = 34;
    buf[32] = buf[33] = 0;
    /* the invisible track of an open disc */
    buf[6] = 0x40;
    assert_int_equal(dw__mmc_parse_track_info(buf, sizeof(buf), &ti), 0);
    assert_true(ti.blank);
    /* refused: short, a length that claims less, track 0, a start past 2^31-1 */
    assert_int_equal(dw__mmc_parse_track_info(buf, 27, &ti), DW_EPARSE);
    buf[1] = 20;
    assert_int_equal(dw__mmc_parse_track_info(buf, sizeof(buf), &ti), DW_EPARSE);
    buf[1] = 34;
    buf[2] = 0;
    assert_int_equal(dw__mmc_parse_track_info(buf, sizeof(buf), &ti), DW_EPARSE);
    buf[2] = 2;
    buf[8] = 0x80;
    assert_int_equal(dw__mmc_parse_track_info(buf, sizeof(buf), &ti), DW_EPARSE);
}

/* ---- READ TOC -------------------------------------------------------------- */

static size_t put_toc_entry(uint8_t *p, unsigned adr_control, int track, int32_t lba)
{
    p[0] = 0;
    p[1] = (uint8_t)adr_control;
    p[2] = (uint8_t)track;
    p[3] = 0;
    dw__mmc_put_be32(p + 4, (uint32_t)lba);
    return 8;
}

/* Format 0 reply for tracks[] (adr_control, number, lba) and a lead-out. */
static size_t make_toc(uint8_t *buf, int first, int last, const int (*tracks)[3], int n,
                       int32_t leadout)
{
    size_t len = 4;
    for (int i = 0; i < n; i++)
        len +=
            put_toc_entry(buf + len, (unsigned)tracks[i][0], tracks[i][1], tracks[i][2]);
    len += put_toc_entry(buf + len, 0x10, 0xAA, leadout);
    dw__mmc_put_be16(buf, (uint16_t)(len - 2));
    buf[2] = (uint8_t)first;
    buf[3] = (uint8_t)last;
    return len;
}

static void test_parse_toc(void **state)
{
    static const int three[3][3] = {{0x10, 1, 0}, {0x10, 2, 20000}, {0x14, 3, 40000}};
    uint8_t buf[1024], bad[1024];
    struct dw__mmc_toc toc;
    size_t len = make_toc(buf, 1, 3, three, 3, 65536);
    (void)state;

    assert_int_equal(len, 36);
    assert_int_equal(dw__mmc_toc_reply_bytes(buf, len), 36);
    assert_int_equal(dw__mmc_parse_toc(buf, len, &toc), 0);
    assert_int_equal(toc.first_track, 1);
    assert_int_equal(toc.last_track, 3);
    assert_int_equal(toc.track_count, 3);
    assert_int_equal(toc.tracks[0].track, 1);
    assert_int_equal(toc.tracks[0].adr, 1);
    assert_int_equal(toc.tracks[0].control, 0);
    assert_int_equal(toc.tracks[1].lba, 20000);
    assert_int_equal(toc.tracks[2].control, DW_CTL_DATA);
    assert_int_equal(toc.tracks[2].lba, 40000);
    assert_true(toc.has_leadout);
    assert_int_equal(toc.leadout.lba, 65536);
    /* A larger buffer than the reply is fine: the header decides. */
    assert_int_equal(dw__mmc_parse_toc(buf, sizeof(buf), &toc), 0);
    assert_int_equal(toc.track_count, 3);

    /* Truncated: the header claims more than the buffer holds. */
    assert_int_equal(dw__mmc_parse_toc(buf, len - 1, &toc), DW_EPARSE);
    assert_int_equal(dw__mmc_parse_toc(buf, 3, &toc), DW_EPARSE);
    assert_int_equal(dw__mmc_parse_toc(buf, 0, &toc), DW_EPARSE);
    /* Garbage length. */
    memcpy(bad, buf, len);
    dw__mmc_put_be16(bad, 0xFFFF);
    assert_int_equal(dw__mmc_parse_toc(bad, len, &toc), DW_EPARSE);
    /* Not a whole number of descriptors. */
    memcpy(bad, buf, len);
    dw__mmc_put_be16(bad, (uint16_t)(len - 2 - 3));
    assert_int_equal(dw__mmc_parse_toc(bad, len, &toc), DW_EPARSE);
    /* Tracks out of order. */
    memcpy(bad, buf, len);
    bad[4 + 8 + 2] = 3;
    assert_int_equal(dw__mmc_parse_toc(bad, len, &toc), DW_EPARSE);
    /* Track 0, or outside first..last. */
    memcpy(bad, buf, len);
    bad[4 + 2] = 0;
    assert_int_equal(dw__mmc_parse_toc(bad, len, &toc), DW_EPARSE);
    memcpy(bad, buf, len);
    bad[3] = 2;
    assert_int_equal(dw__mmc_parse_toc(bad, len, &toc), DW_EPARSE);
    /* Something after the lead-out. */
    memcpy(bad, buf, len);
    bad[4 + 2 * 8 + 2] = 0xAA;
    assert_int_equal(dw__mmc_parse_toc(bad, len, &toc), DW_EPARSE);
    /* Only a lead-out. */
    len = make_toc(bad, 1, 1, three, 0, 100);
    assert_int_equal(dw__mmc_parse_toc(bad, len, &toc), DW_EPARSE);
    /* LBAs beyond any medium, at both ends (a track near INT32_MIN made
     * the session-gap estimate of dw__mmc_disc_from_toc overflow; found
     * fuzzing the MMC replies): refused; the limits themselves pass. */
    static const int far[2][3] = {{0x10, 1, 0}, {0x14, 2, INT32_MIN + 100}};
    static const int edge[2][3] = {{0x10, 1, -450150}, {0x14, 2, 1 << 30}};
    static const int before[1][3] = {{0x10, 1, -450151}};
    len = make_toc(bad, 1, 2, far, 2, 5000);
    assert_int_equal(dw__mmc_parse_toc(bad, len, &toc), DW_EPARSE);
    len = make_toc(bad, 1, 1, before, 1, 5000);
    assert_int_equal(dw__mmc_parse_toc(bad, len, &toc), DW_EPARSE);
    len = make_toc(bad, 1, 1, three, 1, (1 << 30) + 1);
    assert_int_equal(dw__mmc_parse_toc(bad, len, &toc), DW_EPARSE);
    len = make_toc(bad, 1, 2, edge, 2, 1 << 30);
    assert_int_equal(dw__mmc_parse_toc(bad, len, &toc), 0);
}

static void test_parse_session_info(void **state)
{
    const uint8_t si_reply[12] = {0x00, 0x0A, 0x01, 0x02, 0x00, 0x14,
                                  0x03, 0x00, 0x00, 0x00, 0xC8, 0xC8};
    struct dw__mmc_session_info si;
    uint8_t bad[12];
    (void)state;

    assert_int_equal(dw__mmc_parse_session_info(si_reply, sizeof(si_reply), &si), 0);
    assert_int_equal(si.first_session, 1);
    assert_int_equal(si.last_session, 2);
    assert_int_equal(si.adr, 1);
    assert_int_equal(si.control, DW_CTL_DATA);
    assert_int_equal(si.first_track_last_session, 3);
    assert_int_equal(si.first_track_last_session_lba, 51400);
    assert_int_equal(dw__mmc_parse_session_info(si_reply, 11, &si), DW_EPARSE);
    memcpy(bad, si_reply, sizeof(bad));
    bad[1] = 0x02;
    assert_int_equal(dw__mmc_parse_session_info(bad, sizeof(bad), &si), DW_EPARSE);
}

/* One full-TOC descriptor; PMSF from an LBA. */
static size_t put_full(uint8_t *p, int session, unsigned adr_control, int point,
                       int32_t lba, int pmin_override, int psec_override)
{
    unsigned m, s, f;
    dw_lba_to_msf(lba, &m, &s, &f);
    memset(p, 0, 11);
    p[0] = (uint8_t)session;
    p[1] = (uint8_t)adr_control;
    p[3] = (uint8_t)point;
    p[8] = (uint8_t)(pmin_override >= 0 ? (unsigned)pmin_override : m);
    p[9] = (uint8_t)(psec_override >= 0 ? (unsigned)psec_override : s);
    p[10] = (uint8_t)(pmin_override >= 0 ? 0 : f);
    return 11;
}

/* CD-Extra: session 1 audio tracks 1-2 and lead-out at 40000; session 2 a
 * Mode 2 XA data track 3 at 40000 + 11400 and lead-out at 60000.  ADR 5
 * points of a recordable disc (B0h, C0h) are mixed in. */
#define EXTRA_LEADOUT1 40000
#define EXTRA_TRACK3 (EXTRA_LEADOUT1 + 11400)
#define EXTRA_LEADOUT2 60000

static size_t make_cd_extra_full_toc(uint8_t *buf)
{
    size_t len = 4;
    len += put_full(buf + len, 1, 0x10, 0xA0, 0, 1, 0x00);
    len += put_full(buf + len, 1, 0x10, 0xA1, 0, 2, 0);
    len += put_full(buf + len, 1, 0x10, 0xA2, EXTRA_LEADOUT1, -1, -1);
    len += put_full(buf + len, 1, 0x10, 0x01, 0, -1, -1);
    len += put_full(buf + len, 1, 0x10, 0x02, 20000, -1, -1);
    len += put_full(buf + len, 1, 0x50, 0xB0, EXTRA_TRACK3 - 150, -1, -1);
    len += put_full(buf + len, 1, 0x50, 0xC0, 0, 0x61, 0x20);
    len += put_full(buf + len, 2, 0x14, 0xA0, 0, 3, 0x20);
    len += put_full(buf + len, 2, 0x14, 0xA1, 0, 3, 0);
    len += put_full(buf + len, 2, 0x14, 0xA2, EXTRA_LEADOUT2, -1, -1);
    len += put_full(buf + len, 2, 0x14, 0x03, EXTRA_TRACK3, -1, -1);
    dw__mmc_put_be16(buf, (uint16_t)(len - 2));
    buf[2] = 1;
    buf[3] = 2;
    return len;
}

static void test_parse_full_toc(void **state)
{
    uint8_t buf[512], bad[512];
    struct dw__mmc_full_toc *full = malloc(sizeof(*full));
    size_t len = make_cd_extra_full_toc(buf);
    (void)state;

    assert_non_null(full);
    assert_int_equal(dw__mmc_parse_full_toc(buf, len, full), 0);
    assert_int_equal(full->first_session, 1);
    assert_int_equal(full->last_session, 2);
    assert_int_equal(full->session_count, 2);
    assert_int_equal(full->sessions[0].number, 1);
    assert_int_equal(full->sessions[0].first_track, 1);
    assert_int_equal(full->sessions[0].last_track, 2);
    assert_int_equal(full->sessions[0].disc_type, 0x00);
    assert_int_equal(full->sessions[0].leadout_lba, EXTRA_LEADOUT1);
    assert_int_equal(full->sessions[1].number, 2);
    assert_int_equal(full->sessions[1].first_track, 3);
    assert_int_equal(full->sessions[1].last_track, 3);
    assert_int_equal(full->sessions[1].disc_type, 0x20);
    assert_int_equal(full->sessions[1].leadout_lba, EXTRA_LEADOUT2);
    assert_int_equal(full->track_count, 3);
    assert_int_equal(full->tracks[0].number, 1);
    assert_int_equal(full->tracks[0].lba, 0);
    assert_int_equal(full->tracks[1].lba, 20000);
    assert_int_equal(full->tracks[2].number, 3);
    assert_int_equal(full->tracks[2].session, 2);
    assert_int_equal(full->tracks[2].control, DW_CTL_DATA);
    assert_int_equal(full->tracks[2].lba, EXTRA_TRACK3);

    assert_int_equal(dw__mmc_parse_full_toc(buf, len - 1, full), DW_EPARSE);
    assert_int_equal(dw__mmc_parse_full_toc(buf, 2, full), DW_EPARSE);
    memcpy(bad, buf, len);
    dw__mmc_put_be16(bad, (uint16_t)(len - 2 - 1)); /* not 11-byte descriptors */
    assert_int_equal(dw__mmc_parse_full_toc(bad, len, full), DW_EPARSE);
    memcpy(bad, buf, len);
    bad[4 + 3 * 11 + 9] = 60; /* PSEC 60 */
    assert_int_equal(dw__mmc_parse_full_toc(bad, len, full), DW_EPARSE);
    memcpy(bad, buf, len);
    bad[4] = 0; /* session 0 */
    assert_int_equal(dw__mmc_parse_full_toc(bad, len, full), DW_EPARSE);
    memcpy(bad, buf, len);
    bad[4 + 8] = 0; /* A0h PMIN 0 */
    assert_int_equal(dw__mmc_parse_full_toc(bad, len, full), DW_EPARSE);
    /* Nothing but ADR 5 points: no session. */
    len = 4 + put_full(bad + 4, 1, 0x50, 0xB0, 100, -1, -1);
    dw__mmc_put_be16(bad, (uint16_t)(len - 2));
    assert_int_equal(dw__mmc_parse_full_toc(bad, len, full), DW_EPARSE);
    free(full);
}

static void test_disc_from_toc_cd_extra(void **state)
{
    static const int extra[3][3] = {
        {0x10, 1, 0}, {0x10, 2, 20000}, {0x14, 3, EXTRA_TRACK3}};
    uint8_t buf[512];
    struct dw__mmc_toc toc;
    struct dw__mmc_full_toc *full = malloc(sizeof(*full));
    struct dw__mmc_session_info si;
    struct dw_disc *disc;
    bool estimated = true;
    size_t len;
    (void)state;

    assert_non_null(full);
    len = make_toc(buf, 1, 3, extra, 3, EXTRA_LEADOUT2);
    assert_int_equal(dw__mmc_parse_toc(buf, len, &toc), 0);
    len = make_cd_extra_full_toc(buf);
    assert_int_equal(dw__mmc_parse_full_toc(buf, len, full), 0);

    /* With the full TOC: both lead-outs as the disc says. */
    disc = dw_disc_new();
    assert_non_null(disc);
    assert_int_equal(dw__mmc_disc_from_toc(&toc, full, NULL, disc, &estimated), 0);
    assert_false(estimated);
    assert_int_equal(disc->track_count, 3);
    assert_int_equal(disc->session_count, 2);
    assert_int_equal(disc->tracks[0].session, 1);
    assert_int_equal(disc->tracks[1].session, 1);
    assert_int_equal(disc->tracks[2].session, 2);
    assert_int_equal(disc->tracks[0].mode, DW_MODE_AUDIO);
    assert_int_equal(disc->tracks[2].mode, DW_MODE_MODE1);
    assert_int_equal(disc->tracks[2].control, DW_CTL_DATA);
    assert_int_equal(disc->tracks[0].index_lba[0], DW_LBA_NONE);
    assert_int_equal(disc->tracks[0].index_lba[1], 0);
    assert_int_equal(disc->tracks[2].index_lba[1], EXTRA_TRACK3);
    assert_int_equal(disc->sessions[0].first_track, 1);
    assert_int_equal(disc->sessions[0].last_track, 2);
    assert_int_equal(disc->sessions[0].leadout_lba, EXTRA_LEADOUT1);
    assert_int_equal(disc->sessions[1].number, 2);
    assert_int_equal(disc->sessions[1].first_track, 3);
    assert_int_equal(disc->sessions[1].leadout_lba, EXTRA_LEADOUT2);
    assert_int_equal(disc->leadout_lba, EXTRA_LEADOUT2);
    assert_int_equal(dw_disc_finish(disc, NULL, 0), 0);
    assert_int_equal(disc->tracks[1].end_lba, EXTRA_LEADOUT1);
    assert_int_equal(disc->tracks[2].end_lba, EXTRA_LEADOUT2);
    dw_disc_free(disc);

    /* Without a full TOC, format 1 splits off the last session and the
     * first session's lead-out is estimated 11400 sectors before it. */
    memset(&si, 0, sizeof(si));
    si.first_session = 1;
    si.last_session = 2;
    si.first_track_last_session = 3;
    si.first_track_last_session_lba = EXTRA_TRACK3;
    disc = dw_disc_new();
    assert_int_equal(dw__mmc_disc_from_toc(&toc, NULL, &si, disc, &estimated), 0);
    assert_true(estimated);
    assert_int_equal(disc->session_count, 2);
    assert_int_equal(disc->sessions[0].leadout_lba, EXTRA_LEADOUT1);
    assert_int_equal(disc->sessions[1].leadout_lba, EXTRA_LEADOUT2);
    assert_int_equal(disc->tracks[2].session, 2);
    assert_int_equal(dw_disc_finish(disc, NULL, 0), 0);
    assert_int_equal(disc->tracks[1].end_lba, EXTRA_LEADOUT1);
    dw_disc_free(disc);

    /* A full TOC without the A2h of session 1: estimated the same way. */
    full->sessions[0].leadout_lba = DW_LBA_NONE;
    disc = dw_disc_new();
    assert_int_equal(dw__mmc_disc_from_toc(&toc, full, NULL, disc, &estimated), 0);
    assert_true(estimated);
    assert_int_equal(disc->sessions[0].leadout_lba, EXTRA_LEADOUT1);
    dw_disc_free(disc);

    /* Nothing about sessions: one session to the lead-out. */
    disc = dw_disc_new();
    assert_int_equal(dw__mmc_disc_from_toc(&toc, NULL, NULL, disc, &estimated), 0);
    assert_false(estimated);
    assert_int_equal(disc->session_count, 1);
    assert_int_equal(disc->sessions[0].last_track, 3);
    assert_int_equal(dw_disc_finish(disc, NULL, 0), 0);
    assert_int_equal(disc->tracks[1].end_lba, EXTRA_TRACK3);
    dw_disc_free(disc);

    /* No lead-out: refused. */
    toc.has_leadout = false;
    disc = dw_disc_new();
    assert_int_equal(dw__mmc_disc_from_toc(&toc, NULL, NULL, disc, &estimated),
                     DW_EPARSE);
    dw_disc_free(disc);
    free(full);
}

static void test_disc_from_toc_hidden_track(void **state)
{
    static const int hidden[2][3] = {{0x10, 1, 33000}, {0x10, 2, 50000}};
    uint8_t buf[256];
    struct dw__mmc_toc toc;
    struct dw_disc *disc = dw_disc_new();
    bool estimated;
    size_t len = make_toc(buf, 1, 2, hidden, 2, 70000);
    (void)state;

    assert_int_equal(dw__mmc_parse_toc(buf, len, &toc), 0);
    assert_int_equal(dw__mmc_disc_from_toc(&toc, NULL, NULL, disc, &estimated), 0);
    /* Track 1 starts after LBA 0: its INDEX 00 keeps the hidden audio. */
    assert_int_equal(disc->tracks[0].index_lba[0], 0);
    assert_int_equal(disc->tracks[0].index_lba[1], 33000);
    assert_int_equal(disc->tracks[1].index_lba[0], DW_LBA_NONE);
    assert_int_equal(dw_disc_finish(disc, NULL, 0), 0);
    assert_int_equal(dw_track_pregap_sectors(&disc->tracks[0]), 33000);
    dw_disc_free(disc);
}

/* ---- CD-TEXT ---------------------------------------------------------------- */

/* CD-TEXT packs (IEC 61866) of one text type from NUL-ended strings, one per
 * track from 0 (the disc), for block 0; *seq numbers the packs. */
static size_t cdtext_packs(uint8_t *out, uint8_t type, const char *const *texts, int n,
                           int *seq)
{
    uint8_t stream[2048];
    int track_of[2048];
    size_t len = 0, o = 0;

    for (int t = 0; t < n; t++) {
        size_t l = strlen(texts[t]);
        for (size_t i = 0; i <= l && len < sizeof(stream); i++) {
            stream[len] = (uint8_t)texts[t][i];
            track_of[len++] = t;
        }
    }
    for (size_t start = 0; start < len; start += 12) {
        uint8_t *p = out + o;
        int pos = 0;
        memset(p, 0, 18);
        for (size_t k = start;
             k > 0 && track_of[k - 1] == track_of[start] && stream[k - 1]; k--)
            pos++;
        p[0] = type;
        p[1] = (uint8_t)track_of[start];
        p[2] = (uint8_t)(*seq)++;
        p[3] = (uint8_t)(pos > 15 ? 15 : pos);
        for (size_t k = 0; k < 12 && start + k < len; k++)
            p[4 + k] = stream[start + k];
        o += 18;
    }
    return o;
}

/* The three size information packs (8Fh) that end block 0. */
static size_t cdtext_size_packs(uint8_t *out, int *seq, int last_track)
{
    for (int i = 0; i < 3; i++) {
        memset(out + 18 * i, 0, 18);
        out[18 * i] = 0x8F;
        out[18 * i + 1] = (uint8_t)i;
        out[18 * i + 2] = (uint8_t)(*seq)++;
    }
    out[4] = 0x00; /* ISO 8859-1 */
    out[5] = 1;
    out[6] = (uint8_t)last_track;
    out[18 + 4 + 7] = 3; /* three size information packs */
    return 54;
}

static int cdio_warnings;

static void count_cdio_log(cdio_log_level_t level, const char message[])
{
    (void)message;
    if (level >= CDIO_LOG_WARN)
        cdio_warnings++;
}

/* Decode with libcdio; returns its result and the title of track `t`. */
static int libcdio_decode(uint8_t *packs, size_t bytes, int t, char *title,
                          size_t title_bytes)
{
    cdtext_t *ct = cdtext_init();
    int rc = cdtext_data_init(ct, packs, bytes);
    const char *v = cdtext_get_const(ct, CDTEXT_FIELD_TITLE, (track_t)t);
    snprintf(title, title_bytes, "%s", v ? v : "");
    cdtext_destroy(ct); /* frees ct too in libcdio 2.1 */
    return rc;
}

static void test_cdtext(void **state)
{
    static const char *const good[] = {"Album", "Track1", "T2", "X", "Fourth title"};
    static const char *const empty_then_text[] = {"Art", "", "Guest", "X"};
    static const char *const empty_at_end[] = {"Album", "Track1", "", ""};
    uint8_t reply[4 + 18 * 64], title[300];
    char text[400];
    cdio_log_handler_t old = cdio_log_set_handler(count_cdio_log);
    const uint8_t *packs;
    size_t pack_bytes, n;
    int seq = 0;
    (void)state;

    /* A reply: header + packs; a trailing partial pack is dropped. */
    n = cdtext_packs(reply + 4, 0x80, good, 5, &seq);
    n += cdtext_size_packs(reply + 4 + n, &seq, 4);
    dw__mmc_put_be16(reply, (uint16_t)(n + 2 + 5));
    reply[2] = reply[3] = 0;
    assert_int_equal(dw__mmc_parse_cdtext(reply, 4 + n + 5, &packs, &pack_bytes), 0);
    assert_ptr_equal(packs, reply + 4);
    assert_int_equal(pack_bytes, n);
    assert_int_equal(dw__mmc_parse_cdtext(reply, 4 + n, &packs, &pack_bytes), DW_EPARSE);
    dw__mmc_put_be16(reply, 2); /* no CD-TEXT */
    assert_int_equal(dw__mmc_parse_cdtext(reply, sizeof(reply), &packs, &pack_bytes), 0);
    assert_int_equal(pack_bytes, 0);
    assert_null(packs);
    assert_int_equal(dw__mmc_parse_cdtext(reply, 1, &packs, &pack_bytes), DW_EPARSE);

    /* Good packs: safe, and libcdio decodes them without a word. */
    assert_true(dw__cdtext_is_safe(reply + 4, n));
    cdio_warnings = 0;
    assert_int_equal(libcdio_decode(reply + 4, n, 2, text, sizeof(text)), 0);
    assert_string_equal(text, "T2");
    assert_int_equal(libcdio_decode(reply + 4, n, 3, text, sizeof(text)), 0);
    assert_string_equal(text, "X");
    assert_int_equal(cdio_warnings, 0);

    /* Not whole packs, nothing, NULL. */
    assert_false(dw__cdtext_is_safe(reply + 4, n - 1));
    assert_false(dw__cdtext_is_safe(reply + 4, 0));
    assert_false(dw__cdtext_is_safe(NULL, 18));

    /* No size information packs: libcdio warns and refuses. */
    seq = 0;
    n = cdtext_packs(reply, 0x80, good, 5, &seq);
    assert_false(dw__cdtext_is_safe(reply, n));
    cdio_warnings = 0;
    assert_int_not_equal(libcdio_decode(reply, n, 1, text, sizeof(text)), 0);
    assert_true(cdio_warnings > 0);

    /* Texts of 253 bytes pass; 254 make libcdio refuse ("Field too long"). */
    for (int l = 250; l <= 256; l++) {
        const char *long_texts[2] = {(const char *)title, "T"};
        memset(title, 'A', (size_t)l);
        title[l] = 0;
        seq = 0;
        n = cdtext_packs(reply, 0x80, long_texts, 2, &seq);
        n += cdtext_size_packs(reply + n, &seq, 1);
        cdio_warnings = 0;
        int rc = libcdio_decode(reply, n, 0, text, sizeof(text));
        bool safe = dw__cdtext_is_safe(reply, n);
        assert_int_equal(safe, l <= 253);
        if (safe) {
            assert_int_equal(rc, 0);
            assert_int_equal(strlen(text), (size_t)l);
            assert_int_equal(cdio_warnings, 0);
        } else {
            assert_true(rc != 0 || cdio_warnings > 0);
        }
    }

    /* An empty text followed by another in the same pack: libcdio files
     * "Guest" under track 1 instead of 2, so the check refuses. */
    seq = 0;
    n = cdtext_packs(reply, 0x81, empty_then_text, 4, &seq);
    n += cdtext_size_packs(reply + n, &seq, 3);
    assert_false(dw__cdtext_is_safe(reply, n));
    /* Empty texts at the end harm nothing. */
    seq = 0;
    n = cdtext_packs(reply, 0x80, empty_at_end, 4, &seq);
    n += cdtext_size_packs(reply + n, &seq, 3);
    assert_true(dw__cdtext_is_safe(reply, n));
    assert_int_equal(libcdio_decode(reply, n, 1, text, sizeof(text)), 0);
    assert_string_equal(text, "Track1");

    /* Double-byte packs are refused. */
    seq = 0;
    n = cdtext_packs(reply, 0x80, good, 5, &seq);
    n += cdtext_size_packs(reply + n, &seq, 4);
    reply[3] |= 0x80;
    assert_false(dw__cdtext_is_safe(reply, n));
    cdio_log_set_handler(old);
}

/* ---- READ CAPACITY, READ SUB-CHANNEL, MODE SENSE, sector mode ---------------- */

static void test_parse_capacity(void **state)
{
    const uint8_t cap[8] = {0x00, 0x01, 0x86, 0x9F, 0x00, 0x00, 0x08, 0x00};
    uint32_t last = 0, block = 0;
    (void)state;

    assert_int_equal(dw__mmc_parse_read_capacity(cap, sizeof(cap), &last, &block), 0);
    assert_int_equal(last, 99999);
    assert_int_equal(block, 2048);
    assert_int_equal(dw__mmc_parse_read_capacity(cap, 7, &last, &block), DW_EPARSE);
}

static void make_subq(uint8_t buf[24], uint8_t format, uint8_t valid, const char *text,
                      size_t text_bytes)
{
    memset(buf, 0, 24);
    buf[3] = 20; /* sub-channel data length */
    buf[4] = format;
    buf[5] = 0x10;
    buf[6] = format == DW_MMC_SUBQ_ISRC ? 5 : 0;
    buf[8] = valid;
    memcpy(buf + 9, text, text_bytes);
}

static void test_parse_mcn_isrc(void **state)
{
    uint8_t buf[24];
    char mcn[14], isrc[13];
    (void)state;

    make_subq(buf, DW_MMC_SUBQ_MCN, 0x80, "0123456789012", 13);
    assert_int_equal(dw__mmc_parse_mcn(buf, sizeof(buf), mcn), 0);
    assert_string_equal(mcn, "0123456789012");
    make_subq(buf, DW_MMC_SUBQ_MCN, 0x00, "0123456789012", 13);
    assert_int_equal(dw__mmc_parse_mcn(buf, sizeof(buf), mcn), 0);
    assert_string_equal(mcn, "");
    make_subq(buf, DW_MMC_SUBQ_MCN, 0x80, "0000000000000", 13);
    assert_int_equal(dw__mmc_parse_mcn(buf, sizeof(buf), mcn), 0);
    assert_string_equal(mcn, "");
    make_subq(buf, DW_MMC_SUBQ_MCN, 0x80, "01234567890AB", 13);
    assert_int_equal(dw__mmc_parse_mcn(buf, sizeof(buf), mcn), DW_EPARSE);
    assert_string_equal(mcn, "");
    make_subq(buf, DW_MMC_SUBQ_MCN, 0x80, "0123456789012", 13);
    assert_int_equal(dw__mmc_parse_mcn(buf, 21, mcn), DW_EPARSE);
    buf[4] = 0x03;
    assert_int_equal(dw__mmc_parse_mcn(buf, sizeof(buf), mcn), DW_EPARSE);
    make_subq(buf, DW_MMC_SUBQ_MCN, 0x80, "0123456789012", 13);
    buf[3] = 4; /* the drive says it sent 8 bytes */
    assert_int_equal(dw__mmc_parse_mcn(buf, sizeof(buf), mcn), DW_EPARSE);

    make_subq(buf, DW_MMC_SUBQ_ISRC, 0x80, "USRC17607839", 12);
    assert_int_equal(dw__mmc_parse_isrc(buf, sizeof(buf), isrc), 0);
    assert_string_equal(isrc, "USRC17607839");
    make_subq(buf, DW_MMC_SUBQ_ISRC, 0x80, "gbaym9900123", 12);
    assert_int_equal(dw__mmc_parse_isrc(buf, sizeof(buf), isrc), 0);
    assert_string_equal(isrc, "GBAYM9900123");
    make_subq(buf, DW_MMC_SUBQ_ISRC, 0x00, "USRC17607839", 12);
    assert_int_equal(dw__mmc_parse_isrc(buf, sizeof(buf), isrc), 0);
    assert_string_equal(isrc, "");
    make_subq(buf, DW_MMC_SUBQ_ISRC, 0x80, "USRC1X607839", 12);
    assert_int_equal(dw__mmc_parse_isrc(buf, sizeof(buf), isrc), DW_EPARSE);
    make_subq(buf, DW_MMC_SUBQ_ISRC, 0x80, "US-C17607839", 12);
    assert_int_equal(dw__mmc_parse_isrc(buf, sizeof(buf), isrc), DW_EPARSE);
    make_subq(buf, DW_MMC_SUBQ_ISRC, 0x80, "USRC17607839", 12);
    assert_int_equal(dw__mmc_parse_isrc(buf, 20, isrc), DW_EPARSE);
    assert_string_equal(isrc, "");
}

static void test_parse_caps(void **state)
{
    uint8_t buf[64];
    struct dw__mmc_caps caps;
    (void)state;

    memset(buf, 0, sizeof(buf));
    dw__mmc_put_be16(buf, 6 + 2 + 0x14); /* header rest + page */
    buf[8] = 0x2A;
    buf[9] = 0x14;
    buf[10] = 0x3B; /* CD-R, CD-RW, DVD-ROM, DVD-R, DVD-RAM read */
    buf[11] = 0x13; /* CD-R, CD-RW, DVD-R write (test write bit 2 clear) */
    buf[13] = 0x33; /* CD-DA commands, accurate stream, C2, ISRC */
    buf[14] = 0x29; /* lock, eject, tray loader */
    dw__mmc_put_be16(buf + 8 + 8, 7056); /* max read speed, 40x */
    dw__mmc_put_be16(buf + 8 + 12, 2048);
    dw__mmc_put_be16(buf + 8 + 14, 1764); /* current read speed, 10x */
    assert_int_equal(dw__mmc_parse_caps(buf, sizeof(buf), &caps), 0);
    assert_true(caps.read_cdr && caps.read_cdrw && caps.read_dvdrom && caps.read_dvdr &&
                caps.read_dvdram);
    assert_true(caps.write_cdr && caps.write_cdrw && caps.write_dvdr);
    assert_false(caps.write_dvdram);
    assert_true(caps.cdda_commands && caps.accurate_stream && caps.c2_pointers &&
                caps.isrc);
    assert_false(caps.rw_supported || caps.rw_corrected || caps.upc);
    assert_true(caps.can_lock && caps.can_eject);
    assert_false(caps.locked);
    assert_int_equal(caps.buffer_kib, 2048);
    assert_int_equal(caps.max_read_speed_kbps, 7056);
    assert_int_equal(caps.read_speed_kbps, 1764);

    /* Cut after byte 7 of the page: flags yes, buffer size unknown. */
    assert_int_equal(dw__mmc_parse_caps(buf, 8 + 8, &caps), 0);
    assert_int_equal(caps.buffer_kib, -1);
    assert_int_equal(caps.max_read_speed_kbps, -1);
    /* Cut after byte 11: the maximum read speed is there, the rest not. */
    assert_int_equal(dw__mmc_parse_caps(buf, 8 + 12, &caps), 0);
    assert_int_equal(caps.max_read_speed_kbps, 7056);
    assert_int_equal(caps.buffer_kib, -1);
    assert_int_equal(caps.read_speed_kbps, -1);
    assert_int_equal(dw__mmc_parse_caps(buf, 8 + 7, &caps), DW_EPARSE);
    buf[8] = 0x01; /* another page */
    assert_int_equal(dw__mmc_parse_caps(buf, sizeof(buf), &caps), DW_EPARSE);
    buf[8] = 0x2A;
    dw__mmc_put_be16(buf + 6, 0x4000); /* block descriptors beyond the reply */
    assert_int_equal(dw__mmc_parse_caps(buf, sizeof(buf), &caps), DW_EPARSE);
    assert_int_equal(dw__mmc_parse_caps(buf, 7, &caps), DW_EPARSE);
}

static void test_raw_sector_mode(void **state)
{
    uint8_t *raw = calloc(1, DW_SECTOR_RAW_BYTES);
    enum dw_track_mode mode = DW_MODE_AUDIO;
    const uint8_t sub[4] = {0x00, 0x00, 0x08, 0x00};
    (void)state;

    assert_non_null(raw);
    memset(raw + 1, 0xFF, 10); /* sync 00 FF*10 00 */
    raw[12] = 0x00;
    raw[13] = 0x02;
    raw[14] = 0x00;
    raw[15] = 0x01;
    assert_int_equal(dw__mmc_raw_sector_mode(raw, DW_SECTOR_RAW_BYTES, 0, &mode), 0);
    assert_int_equal(mode, DW_MODE_MODE1);
    raw[15] = 0x02;
    memcpy(raw + 16, sub, 4);
    memcpy(raw + 20, sub, 4);
    assert_int_equal(dw__mmc_raw_sector_mode(raw, DW_SECTOR_RAW_BYTES, 0, &mode), 0);
    assert_int_equal(mode, DW_MODE_MODE2_XA);
    raw[20] = 0x55; /* the copies disagree: formless */
    assert_int_equal(dw__mmc_raw_sector_mode(raw, DW_SECTOR_RAW_BYTES, 0, &mode), 0);
    assert_int_equal(mode, DW_MODE_MODE2);
    assert_int_equal(dw__mmc_raw_sector_mode(raw, DW_SECTOR_RAW_BYTES, 0x20, &mode), 0);
    assert_int_equal(mode, DW_MODE_MODE2_XA);
    raw[15] = 0x00;
    assert_int_equal(dw__mmc_raw_sector_mode(raw, DW_SECTOR_RAW_BYTES, 0, &mode),
                     DW_EPARSE);
    raw[15] = 0x01;
    assert_int_equal(dw__mmc_raw_sector_mode(raw, 2351, 0, &mode), DW_EPARSE);
    raw[5] = 0x00; /* broken sync: an audio sector */
    assert_int_equal(dw__mmc_raw_sector_mode(raw, DW_SECTOR_RAW_BYTES, 0, &mode),
                     DW_EPARSE);
    free(raw);
}

/* ---- the backend without a drive ------------------------------------------------ */

static void test_open_missing_device(void **state)
{
    struct dw_drive d;
    struct dw_error_detail err;
    int rc;
    (void)state;

    memset(&d, 0, sizeof(d));
    rc = dw__drive_open_mmc(&d, "/dev/sr-does-not-exist", &err);
    assert_true(rc == DW_ENODRIVE || rc == DW_ENOENT);
    assert_int_equal(err.code, rc);
    assert_non_null(strstr(err.message, "'/dev/sr-does-not-exist'"));
    assert_non_null(strstr(err.message, "discwright drives"));
    assert_null(d.ops);
    assert_null(d.priv);
    /* err may be NULL. */
    assert_int_equal(dw__drive_open_mmc(&d, "/dev/sr-does-not-exist", NULL), rc);
    assert_int_equal(dw__drive_open_mmc(&d, "", &err), DW_EINVAL);
}

static void test_open_not_a_drive(void **state)
{
    struct dw_drive d;
    struct dw_error_detail err;
    char path[] = "/tmp/dw-test-mmc-XXXXXX";
    int fd, rc;
    (void)state;

    /* A regular file is not a device. */
    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    memset(&d, 0, sizeof(d));
    rc = dw__drive_open_mmc(&d, path, &err);
    unlink(path);
    assert_int_equal(rc, DW_ENODRIVE);
    assert_non_null(strstr(err.message, path));
    assert_null(d.priv);

    /* A character device that does not speak MMC: libcdio opens it, the
     * INQUIRY fails in the transport (ENOTTY) and nothing leaks. */
    memset(&d, 0, sizeof(d));
    rc = dw__drive_open_mmc(&d, "/dev/null", &err);
    assert_int_equal(rc, DW_ENODRIVE);
    assert_non_null(strstr(err.message, "'/dev/null' is not an optical drive"));
    assert_null(d.ops);
    assert_null(d.priv);
}

static void test_drive_list(void **state)
{
    struct dw_drive_info *infos = (struct dw_drive_info *)1;
    int count = -1;
    (void)state;

    /* Whatever this machine has: a clean answer; none gives NULL and 0. */
    assert_int_equal(dw_drive_list(&infos, &count), 0);
    assert_true(count >= 0);
    if (count == 0)
        assert_null(infos);
    for (int i = 0; i < count; i++) {
        assert_int_equal(infos[i].kind, DW_DRIVE_MMC);
        assert_string_equal(infos[i].backend, "mmc");
        assert_true(infos[i].address[0] == '/');
    }
    free(infos);
    assert_int_equal(dw_drive_list(NULL, &count), DW_EINVAL);
}

/* Formatted Q (READ CD sub-channel 010b) as drives return it: BCD, binary
 * numbers with the disc's CRC, binary numbers with a CRC over them. */
static void binary_of(const uint8_t q[12], uint8_t fq[16])
{
    memset(fq, 0, 16);
    memcpy(fq, q, 12);
    for (int i = 1; i <= 9; i++)
        if (!(i == 1 && q[1] == 0xAA))
            fq[i] = (uint8_t)dw_bcd_decode(q[i]);
}

static void test_formatted_q(void **state)
{
    (void)state;
    struct dw_q f = {.adr = DW_Q_ADR_POSITION, .control = DW_CTL_DCP, .tno = 12,
                     .index = 1, .rel_frames = 4321, .abs_lba = 1000};
    uint8_t disc_q[12], fq[16], q[12];
    enum dw__mmc_q_numbers numbers = DW_MMC_Q_NUMBERS_UNKNOWN;

    assert_int_equal(dw_q_encode(&f, disc_q), 0);
    /* As on the disc: BCD, told by the absolute time 00:15:25 = LBA 1000. */
    memset(fq, 0, sizeof(fq));
    memcpy(fq, disc_q, 12);
    fq[15] = 0x80; /* P */
    assert_true(dw__mmc_formatted_q(fq, 1000, &numbers, q));
    assert_memory_equal(q, disc_q, 12);
    assert_int_equal(numbers, DW_MMC_Q_NUMBERS_BCD);

    /* Binary numbers with the disc's CRC (the emulator's subq=binary). */
    numbers = DW_MMC_Q_NUMBERS_UNKNOWN;
    binary_of(disc_q, fq);
    assert_int_equal(fq[8], 15);
    assert_true(dw__mmc_formatted_q(fq, 1000, &numbers, q));
    assert_memory_equal(q, disc_q, 12);
    assert_int_equal(numbers, DW_MMC_Q_NUMBERS_BINARY);
    /* Once known, a BCD reading is not tried; a bad CRC stays bad. */
    fq[11] ^= 1;
    assert_false(dw__mmc_formatted_q(fq, 1000, &numbers, q));

    /* Binary numbers with a CRC the drive computed over them: the time
     * decides, and the frame gets the CRC of its BCD bytes. */
    numbers = DW_MMC_Q_NUMBERS_UNKNOWN;
    binary_of(disc_q, fq);
    fq[10] = (uint8_t)(dw_q_crc(fq) >> 8);
    fq[11] = (uint8_t)dw_q_crc(fq);
    assert_true(dw__mmc_formatted_q(fq, 1003, &numbers, q));
    assert_memory_equal(q, disc_q, 12);
    assert_int_equal(numbers, DW_MMC_Q_NUMBERS_BINARY);

    /* A frame whose numbers are all below 10 reads the same both ways: no
     * decision (00:04:00, LBA 150, relative 00:00:05). */
    struct dw_q g = {.adr = DW_Q_ADR_POSITION, .tno = 2, .index = 0, .rel_frames = 5,
                     .abs_lba = 150};
    numbers = DW_MMC_Q_NUMBERS_UNKNOWN;
    assert_int_equal(dw_q_encode(&g, disc_q), 0);
    memset(fq, 0, sizeof(fq));
    memcpy(fq, disc_q, 12);
    assert_true(dw__mmc_formatted_q(fq, 150, &numbers, q));
    assert_int_equal(numbers, DW_MMC_Q_NUMBERS_UNKNOWN);
    assert_memory_equal(q, disc_q, 12);

    /* ADR 2/3 frames come as on the disc, also from a binary drive; the
     * lead-out's TNO AAh stays. */
    struct dw_q m = {.adr = DW_Q_ADR_ISRC, .aframe = 53};
    strcpy(m.isrc, "GBAYE0601498");
    numbers = DW_MMC_Q_NUMBERS_BINARY;
    assert_int_equal(dw_q_encode(&m, disc_q), 0);
    memset(fq, 0, sizeof(fq));
    memcpy(fq, disc_q, 12);
    assert_true(dw__mmc_formatted_q(fq, 77, &numbers, q));
    assert_memory_equal(q, disc_q, 12);
    struct dw_q lo = {.adr = DW_Q_ADR_POSITION, .tno = DW_Q_TNO_LEADOUT, .index = 1,
                      .rel_frames = 80, .abs_lba = 20000};
    assert_int_equal(dw_q_encode(&lo, disc_q), 0);
    binary_of(disc_q, fq);
    assert_int_equal(fq[1], 0xAA);
    assert_true(dw__mmc_formatted_q(fq, 20000, &numbers, q));
    assert_memory_equal(q, disc_q, 12);
    /* Garbage that no reading makes whole. */
    numbers = DW_MMC_Q_NUMBERS_UNKNOWN;
    memset(fq, 0xEE, sizeof(fq));
    fq[0] = 0x01;
    assert_false(dw__mmc_formatted_q(fq, 20000, &numbers, q));
    assert_int_equal(numbers, DW_MMC_Q_NUMBERS_UNKNOWN);
    /* The sub-channel selections and their sizes (MMC-6 READ CD). */
    uint8_t cdb[DW_MMC_CDB_MAX];
    dw__mmc_build_read_cd(cdb, 150, 25, DW_MMC_SECTOR_ANY, DW_MMC_READ_CD_SUB_Q);
    assert_int_equal(cdb[10], 0x02);
    assert_int_equal(cdb[9], 0xF8);
    assert_int_equal(dw__mmc_read_cd_sector_bytes(DW_MMC_READ_CD_SUB_Q), 2352 + 16);
    dw__mmc_build_read_cd(cdb, 150, 25, DW_MMC_SECTOR_ANY, DW_MMC_READ_CD_SUB_RAW);
    assert_int_equal(cdb[10], 0x01);
    assert_int_equal(dw__mmc_read_cd_sector_bytes(DW_MMC_READ_CD_SUB_RAW), 2352 + 96);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_spc),
        cmocka_unit_test(test_build_config_disc_info_capacity),
        cmocka_unit_test(test_build_read_toc),
        cmocka_unit_test(test_track_info),
        cmocka_unit_test(test_build_read_subchannel),
        cmocka_unit_test(test_build_reads),
        cmocka_unit_test(test_parse_inquiry),
        cmocka_unit_test(test_parse_sense_fixed),
        cmocka_unit_test(test_parse_sense_descriptor),
        cmocka_unit_test(test_sense_mapping),
        cmocka_unit_test(test_parse_configuration),
        cmocka_unit_test(test_profile_names),
        cmocka_unit_test(test_profile_names_libburn),
        cmocka_unit_test(test_parse_disc_info),
        cmocka_unit_test(test_parse_toc),
        cmocka_unit_test(test_parse_session_info),
        cmocka_unit_test(test_parse_full_toc),
        cmocka_unit_test(test_disc_from_toc_cd_extra),
        cmocka_unit_test(test_disc_from_toc_hidden_track),
        cmocka_unit_test(test_cdtext),
        cmocka_unit_test(test_parse_capacity),
        cmocka_unit_test(test_parse_mcn_isrc),
        cmocka_unit_test(test_parse_caps),
        cmocka_unit_test(test_raw_sector_mode),
        cmocka_unit_test(test_formatted_q),
        cmocka_unit_test(test_open_missing_device),
        cmocka_unit_test(test_open_not_a_drive),
        cmocka_unit_test(test_drive_list),
    };
    return cmocka_run_group_tests_name("mmc", tests, NULL, NULL) ? 1 : 0;
}
