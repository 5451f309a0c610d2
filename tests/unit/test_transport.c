/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the SCSI transport's pure parts (src/drive/transport.c,
 * src/drive/scsi_trace.c): what a command's outcome decodes to from the
 * sg_io_hdr fields (SCSI status, sense in fixed and descriptor format,
 * Linux host and driver status, residual) and from libcdio's reports; the
 * default timeout of each opcode and the DW_SCSI_TIMEOUT_MS value; opcode
 * and status names; the DW_TRACE_SCSI line, field by field, and the trace
 * file written by several threads at once.  The expected sense bytes are
 * laid out from SPC-4 4.5, the host codes from the kernel's DID_* list.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discwright/errors.h"
#include "drive/drive_int.h"
#include "drive/mmc.h"
#include "drive/transport.h"

/* A raw outcome as SG_IO reports a GOOD command that moved everything. */
static struct dw__scsi_raw sg_good(void)
{
    struct dw__scsi_raw raw;
    memset(&raw, 0, sizeof(raw));
    raw.status = DW_SCSI_STATUS_GOOD;
    raw.host_known = true;
    raw.resid = 0;
    raw.duration_ms = 7;
    return raw;
}

/* CHECK CONDITION with fixed-format sense (SPC-4 4.5.3): 70h/F0h, key in
 * byte 2, INFORMATION in bytes 3-6, additional length 10, ASC/ASCQ in
 * bytes 12/13. */
static struct dw__scsi_raw sg_check_fixed(int key, int asc, int ascq, long info)
{
    struct dw__scsi_raw raw = sg_good();
    raw.status = DW_SCSI_STATUS_CHECK_CONDITION;
    raw.driver_status = DW_SG_DRIVER_SENSE;
    raw.sense[0] = info >= 0 ? 0xF0 : 0x70;
    raw.sense[2] = (uint8_t)key;
    if (info >= 0)
        dw__mmc_put_be32(raw.sense + 3, (uint32_t)info);
    raw.sense[7] = 10;
    raw.sense[12] = (uint8_t)asc;
    raw.sense[13] = (uint8_t)ascq;
    raw.sense_bytes = 18;
    return raw;
}

static void test_decode_good(void **state)
{
    struct dw__scsi_raw raw = sg_good();
    struct dw__scsi_result res;
    (void)state;

    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 2352, &raw, &res);
    assert_int_equal(res.code, 0);
    assert_false(res.timed_out);
    assert_false(res.have_sense);
    assert_true(res.bytes_known);
    assert_int_equal(res.bytes_asked, 2352);
    assert_int_equal(res.bytes_transferred, 2352);
    assert_int_equal(res.duration_ms, 7);
    assert_true(res.host_known);

    /* A reply shorter than the allocation: the residual says how much. */
    raw.resid = 2352 - 36;
    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 2352, &raw, &res);
    assert_int_equal(res.code, 0);
    assert_int_equal(res.bytes_transferred, 36);
    /* A residual beyond the buffer (a lying bridge) is "nothing came". */
    raw.resid = 5000;
    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 2352, &raw, &res);
    assert_int_equal(res.bytes_transferred, 0);
    /* Data-out counts the same way. */
    raw.resid = 48;
    dw__scsi_decode(DW_MMC_DIR_TO_DEV, 2048, &raw, &res);
    assert_int_equal(res.code, 0);
    assert_int_equal(res.bytes_transferred, 2000);
    /* No data phase: nothing asked, nothing moved, whatever bytes says. */
    raw.resid = 0;
    dw__scsi_decode(DW_MMC_DIR_NONE, 512, &raw, &res);
    assert_int_equal(res.bytes_asked, 0);
    assert_int_equal(res.bytes_transferred, 0);
    /* CONDITION MET is a success too (SAM-5 5.3). */
    raw.status = DW_SCSI_STATUS_CONDITION_MET;
    dw__scsi_decode(DW_MMC_DIR_NONE, 0, &raw, &res);
    assert_int_equal(res.code, 0);
}

static void test_decode_sense(void **state)
{
    struct dw__scsi_raw raw;
    struct dw__scsi_result res;
    (void)state;

    /* Unrecovered read error, L-EC uncorrectable, at LBA 1234. */
    raw = sg_check_fixed(0x3, 0x11, 0x05, 1234);
    raw.resid = 2352;
    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 2352, &raw, &res);
    assert_int_equal(res.code, DW_EREAD);
    assert_true(res.have_sense);
    assert_int_equal(res.sense.key, 3);
    assert_int_equal(res.sense.asc, 0x11);
    assert_int_equal(res.sense.ascq, 0x05);
    assert_true(res.sense.info_valid);
    assert_int_equal(res.sense.info, 1234);
    assert_int_equal(res.bytes_transferred, 0);

    /* No medium; invalid field in CDB; write error; medium changed. */
    raw = sg_check_fixed(0x2, 0x3A, 0x00, -1);
    dw__scsi_decode(DW_MMC_DIR_NONE, 0, &raw, &res);
    assert_int_equal(res.code, DW_ENOMEDIUM);
    raw = sg_check_fixed(0x5, 0x24, 0x00, -1);
    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 16, &raw, &res);
    assert_int_equal(res.code, DW_EINVAL);
    raw = sg_check_fixed(0x3, 0x0C, 0x00, 500);
    dw__scsi_decode(DW_MMC_DIR_TO_DEV, 2048, &raw, &res);
    assert_int_equal(res.code, DW_EWRITE);
    raw = sg_check_fixed(0x6, 0x28, 0x00, -1);
    dw__scsi_decode(DW_MMC_DIR_NONE, 0, &raw, &res);
    assert_int_equal(res.code, DW_EMEDIUM);
    assert_int_equal(res.sense.key, 6);

    /* Recovered error: the command completed, the sense stays visible. */
    raw = sg_check_fixed(0x1, 0x17, 0x01, -1);
    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 2048, &raw, &res);
    assert_int_equal(res.code, 0);
    assert_true(res.have_sense);
    assert_int_equal(res.sense.key, 1);
    /* "No sense" on a CHECK CONDITION is no failure either. */
    raw = sg_check_fixed(0x0, 0x00, 0x00, -1);
    dw__scsi_decode(DW_MMC_DIR_NONE, 0, &raw, &res);
    assert_int_equal(res.code, 0);

    /* Descriptor format (SPC-4 4.5.2): 72h, key/ASC/ASCQ in bytes 1-3, an
     * information descriptor (type 00h, length 0Ah, VALID) with LBA 77. */
    raw = sg_good();
    raw.status = DW_SCSI_STATUS_CHECK_CONDITION;
    raw.driver_status = DW_SG_DRIVER_SENSE;
    {
        const uint8_t desc[] = {0x72, 0x03, 0x11, 0x00, 0, 0, 0, 12,
                                0x00, 0x0A, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 77};
        memcpy(raw.sense, desc, sizeof(desc));
        raw.sense_bytes = sizeof(desc);
    }
    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 2352, &raw, &res);
    assert_int_equal(res.code, DW_EREAD);
    assert_int_equal(res.sense.response_code, 0x72);
    assert_true(res.sense.info_valid);
    assert_int_equal(res.sense.info, 77);

    /* CHECK CONDITION without sense, or with sense that is not sense. */
    raw = sg_good();
    raw.status = DW_SCSI_STATUS_CHECK_CONDITION;
    dw__scsi_decode(DW_MMC_DIR_NONE, 0, &raw, &res);
    assert_int_equal(res.code, DW_EIO);
    assert_false(res.have_sense);
    raw.sense[0] = 0x12; /* no such response code */
    raw.sense_bytes = 18;
    dw__scsi_decode(DW_MMC_DIR_NONE, 0, &raw, &res);
    assert_int_equal(res.code, DW_EIO);
    assert_false(res.have_sense);

    /* Sense bytes left over on a GOOD status mean nothing. */
    raw = sg_check_fixed(0x3, 0x11, 0x00, -1);
    raw.status = DW_SCSI_STATUS_GOOD;
    raw.driver_status = 0;
    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 2048, &raw, &res);
    assert_int_equal(res.code, 0);
    assert_false(res.have_sense);
}

static void test_decode_status_host_driver(void **state)
{
    struct dw__scsi_raw raw;
    struct dw__scsi_result res;
    (void)state;

    /* The kernel's timeout: host DID_TIME_OUT, no status, no sense, the
     * whole transfer as residual. */
    raw = sg_good();
    raw.host_status = DW_SG_DID_TIME_OUT;
    raw.resid = 61152;
    raw.duration_ms = 1500;
    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 61152, &raw, &res);
    assert_int_equal(res.code, DW_ETIMEDOUT);
    assert_true(res.timed_out);
    assert_true(res.bytes_known);
    assert_int_equal(res.bytes_transferred, 0);
    assert_int_equal(res.duration_ms, 1500);
    assert_int_equal(res.status, -1); /* the status byte of a timeout is none */
    assert_int_equal(res.host_status, DW_SG_DID_TIME_OUT);
    /* Even if a (stale) status byte came along. */
    raw.status = DW_SCSI_STATUS_CHECK_CONDITION;
    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 61152, &raw, &res);
    assert_int_equal(res.code, DW_ETIMEDOUT);
    /* Older kernels: DRIVER_TIMEOUT in the driver status, with a suggest
     * code in the high nibble. */
    raw = sg_good();
    raw.driver_status = 0x20 | DW_SG_DRIVER_TIMEOUT;
    dw__scsi_decode(DW_MMC_DIR_NONE, 0, &raw, &res);
    assert_int_equal(res.code, DW_ETIMEDOUT);

    /* Other host errors, status bytes other than GOOD and CHECK CONDITION,
     * a driver error without status or sense (DRIVER_ERROR 04h). */
    static const struct {
        int host, status, driver, code;
    } cases[] = {
        {DW_SG_DID_NO_CONNECT, 0, 0, DW_ENODRIVE},
        {DW_SG_DID_BAD_TARGET, 0, 0, DW_ENODRIVE},
        {DW_SG_DID_BUS_BUSY, 0, 0, DW_EBUSY},
        {DW_SG_DID_RESET, 0, 0, DW_EIO},
        {DW_SG_DID_ABORT, 0, 0, DW_EIO},
        {0, DW_SCSI_STATUS_BUSY, 0, DW_EBUSY},
        {0, DW_SCSI_STATUS_RESERVATION_CONFLICT, 0, DW_EBUSY},
        {0, DW_SCSI_STATUS_TASK_SET_FULL, 0, DW_EBUSY},
        {0, DW_SCSI_STATUS_TASK_ABORTED, 0, DW_EIO},
        {0, 0, 0x04, DW_EIO},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        raw = sg_good();
        raw.host_status = cases[i].host;
        raw.status = cases[i].status;
        raw.driver_status = cases[i].driver;
        dw__scsi_decode(DW_MMC_DIR_NONE, 0, &raw, &res);
        assert_int_equal(res.code, cases[i].code);
        assert_false(res.timed_out);
        assert_false(res.have_sense);
        /* A status byte beside a host error is no status. */
        assert_int_equal(res.status, cases[i].host ? -1 : cases[i].status);
    }
}

static void test_decode_transport_failures(void **state)
{
    struct dw__scsi_raw raw;
    struct dw__scsi_result res;
    static const struct {
        int sys_errno, code;
    } cases[] = {
        {ENOTTY, DW_EUNSUPPORTED}, /* not a SCSI node: no SG_IO */
        {ENOSYS, DW_EUNSUPPORTED},  {EOPNOTSUPP, DW_EUNSUPPORTED},
        {ETIMEDOUT, DW_ETIMEDOUT},  {EACCES, DW_EACCES},
        {EPERM, DW_EACCES},         {EBUSY, DW_EBUSY},
        {ENOMEDIUM, DW_ENOMEDIUM},  {ENODEV, DW_ENODRIVE},
        {ENXIO, DW_ENODRIVE},       {ENOMEM, DW_ENOMEM},
        {EINVAL, DW_EINVAL},        {EIO, DW_EIO},
        {EFAULT, DW_EIO},
    };
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&raw, 0, sizeof(raw));
        raw.status = -1;
        raw.resid = -1;
        raw.sys_errno = cases[i].sys_errno;
        dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 96, &raw, &res);
        assert_int_equal(res.code, cases[i].code);
        assert_int_equal(res.sys_errno, cases[i].sys_errno);
        assert_int_equal(res.timed_out, cases[i].code == DW_ETIMEDOUT);
        assert_int_equal(dw__scsi_errno_code(cases[i].sys_errno), cases[i].code);
    }
    assert_int_equal(dw__scsi_errno_code(0), DW_EIO);

    /* libcdio: success without a residual; a failure it classified; a
     * CHECK CONDITION with the sense it kept. */
    memset(&raw, 0, sizeof(raw));
    raw.status = DW_SCSI_STATUS_GOOD;
    raw.resid = -1;
    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 4096, &raw, &res);
    assert_int_equal(res.code, 0);
    assert_false(res.bytes_known);
    assert_false(res.host_known);
    assert_int_equal(res.bytes_transferred, 4096);
    raw.status = -1;
    raw.fail_code = DW_EACCES;
    raw.sys_errno = EIO;
    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 4096, &raw, &res);
    assert_int_equal(res.code, DW_EACCES);
    raw = sg_check_fixed(0x5, 0x20, 0x00, -1);
    raw.host_known = false;
    raw.driver_status = 0;
    raw.resid = -1;
    dw__scsi_decode(DW_MMC_DIR_FROM_DEV, 4096, &raw, &res);
    assert_int_equal(res.code, DW_EUNSUPPORTED);
    assert_true(res.have_sense);
}

static void test_timeouts(void **state)
{
    uint8_t cdb[12];
    unsigned ms = 0;
    (void)state;

    memset(cdb, 0, sizeof(cdb));
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 6), 30000);   /* TEST UNIT READY */
    assert_int_equal(dw__scsi_default_timeout_ms(NULL, 0), 30000);
    cdb[0] = 0xBE; /* READ CD */
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 12), 30000);
    cdb[0] = 0x28; /* READ(10) */
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 10), 30000);
    cdb[0] = 0xA8; /* READ(12) */
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 12), 30000);
    cdb[0] = 0x2A; /* WRITE(10) */
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 10), 200000);
    cdb[0] = 0xAA; /* WRITE(12) */
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 12), 200000);
    cdb[0] = 0x54; /* SEND OPC INFORMATION */
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 10), 200000);
    cdb[0] = 0x53; /* RESERVE TRACK */
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 10), 200000);
    cdb[0] = 0x1B; /* START STOP UNIT */
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 6), 300000);
    cdb[0] = 0x35; /* SYNCHRONIZE CACHE: Immed = byte 1 bit 1 */
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 10), 3600000);
    cdb[1] = 0x02;
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 10), 200000);
    cdb[1] = 0x01; /* not Immed */
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 10), 3600000);
    cdb[0] = 0x5B; /* CLOSE TRACK/SESSION: Immed = byte 1 bit 0 */
    cdb[1] = 0x00;
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 10), 3600000);
    cdb[1] = 0x01;
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 10), 200000);
    cdb[0] = 0xA1; /* BLANK: Immed = byte 1 bit 4 */
    cdb[1] = 0x01; /* minimal blank, not Immed */
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 12), 18000000);
    cdb[1] = 0x11;
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 12), 200000);
    cdb[0] = 0x04; /* FORMAT UNIT: Immed is in the parameter list */
    cdb[1] = 0x11;
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 6), 18000000);
    cdb[0] = 0x55; /* MODE SELECT(10), SEND CUE SHEET: the default */
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 10), 30000);
    cdb[0] = 0x5D;
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 10), 30000);
    /* A one-byte CDB never reads byte 1. */
    cdb[0] = 0x35;
    cdb[1] = 0x02;
    assert_int_equal(dw__scsi_default_timeout_ms(cdb, 1), 3600000);

    assert_int_equal(dw__scsi_parse_timeout("1500", &ms), 0);
    assert_int_equal(ms, 1500);
    assert_int_equal(dw__scsi_parse_timeout("1", &ms), 0);
    assert_int_equal(ms, 1);
    assert_int_equal(dw__scsi_parse_timeout("86400000", &ms), 0);
    assert_int_equal(ms, 86400000);
    ms = 42;
    static const char *const bad[] = {"", "0", "-5", "+5", "12a", " 12", "12 ", "1.5",
                                      "86400001", "99999999999999999999999", "0x10"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(dw__scsi_parse_timeout(bad[i], &ms), DW_EINVAL);
    assert_int_equal(dw__scsi_parse_timeout(NULL, &ms), DW_EINVAL);
    assert_int_equal(ms, 42); /* untouched on failure */
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(dw__scsi_opcode_name(0xBE), "READ CD");
    assert_string_equal(dw__scsi_opcode_name(0x28), "READ(10)");
    assert_string_equal(dw__scsi_opcode_name(0x00), "TEST UNIT READY");
    assert_string_equal(dw__scsi_opcode_name(0x1E), "PREVENT ALLOW MEDIUM REMOVAL");
    assert_string_equal(dw__scsi_opcode_name(0x5B), "CLOSE TRACK/SESSION");
    assert_string_equal(dw__scsi_opcode_name(0x5D), "SEND CUE SHEET");
    assert_string_equal(dw__scsi_opcode_name(0x55), "MODE SELECT(10)");
    assert_string_equal(dw__scsi_opcode_name(0xC5), "unknown command");
    /* Every opcode has a name without a line break. */
    for (int op = 0; op < 256; op++) {
        const char *n = dw__scsi_opcode_name((uint8_t)op);
        assert_non_null(n);
        assert_null(strchr(n, '\n'));
    }
    assert_string_equal(dw__scsi_status_name(0x00), "GOOD");
    assert_string_equal(dw__scsi_status_name(0x02), "CHECK-CONDITION");
    assert_string_equal(dw__scsi_status_name(0x08), "BUSY");
    assert_string_equal(dw__scsi_status_name(0x18), "RESERVATION-CONFLICT");
    assert_string_equal(dw__scsi_status_name(-1), "none");
    assert_string_equal(dw__scsi_status_name(0x7E), "unknown");
    /* One word each: the trace is split on blanks. */
    for (int st = -1; st < 256; st++)
        assert_null(strchr(dw__scsi_status_name(st), ' '));
}

/* 2023-11-14T22:13:20.123Z */
#define T_MS 1700000000123LL

static void test_trace_format(void **state)
{
    const uint8_t read_cd[12] = {0xBE, 0, 0, 0, 0x01, 0x2A, 0, 0, 0x1A, 0xF8, 0, 0};
    const uint8_t tur[6] = {0};
    struct dw__scsi_cmd cmd = {read_cd, sizeof(read_cd), DW_MMC_DIR_FROM_DEV, NULL, 61152,
                               30000};
    struct dw__scsi_raw raw = sg_good();
    struct dw__scsi_result res;
    char line[1024];
    size_t n;
    (void)state;

    raw.duration_ms = 12;
    dw__scsi_decode(cmd.dir, cmd.bytes, &raw, &res);
    n = dw__scsi_trace_format(line, sizeof(line), T_MS, "/dev/sr0", &cmd, &res);
    assert_string_equal(line,
                        "2023-11-14T22:13:20.123Z /dev/sr0 READ CD (BEh) "
                        "cdb=[be 00 00 00 01 2a 00 00 1a f8 00 00] dir=in bytes=61152/61152 "
                        "status=GOOD host=00 driver=00 sense=- ms=12 result=ok\n");
    assert_int_equal(n, strlen(line));

    /* A read error with sense. */
    raw = sg_check_fixed(0x3, 0x11, 0x05, 300);
    raw.resid = 61152;
    raw.duration_ms = 840;
    dw__scsi_decode(cmd.dir, cmd.bytes, &raw, &res);
    dw__scsi_trace_format(line, sizeof(line), T_MS, "/dev/sr0", &cmd, &res);
    assert_non_null(strstr(line, " bytes=61152/0 status=CHECK-CONDITION host=00 driver=08 "
                                 "sense=3/11/05 ms=840 result=DW_EREAD\n"));

    /* The timeout, as the kernel reports it. */
    raw = sg_good();
    raw.host_status = DW_SG_DID_TIME_OUT;
    raw.resid = 61152;
    raw.duration_ms = 1500;
    dw__scsi_decode(cmd.dir, cmd.bytes, &raw, &res);
    dw__scsi_trace_format(line, sizeof(line), T_MS, "/dev/sr0", &cmd, &res);
    assert_non_null(strstr(line, " bytes=61152/0 status=none host=03 driver=00 sense=- "
                                 "ms=1500 result=DW_ETIMEDOUT\n"));

    /* A recovered error; a command without data through libcdio (no
     * residual, no host status). */
    raw = sg_check_fixed(0x1, 0x18, 0x00, -1);
    dw__scsi_decode(cmd.dir, cmd.bytes, &raw, &res);
    dw__scsi_trace_format(line, sizeof(line), T_MS, "/dev/sr0", &cmd, &res);
    assert_non_null(strstr(line, " sense=1/18/00 ms=7 result=ok-recovered\n"));
    memset(&raw, 0, sizeof(raw));
    raw.status = DW_SCSI_STATUS_GOOD;
    raw.resid = -1;
    struct dw__scsi_cmd t = {tur, sizeof(tur), DW_MMC_DIR_NONE, NULL, 0, 30000};
    dw__scsi_decode(t.dir, t.bytes, &raw, &res);
    dw__scsi_trace_format(line, sizeof(line), T_MS, "/dev/sr1", &t, &res);
    assert_string_equal(line, "2023-11-14T22:13:20.123Z /dev/sr1 TEST UNIT READY (00h) "
                              "cdb=[00 00 00 00 00 00] dir=none bytes=0/0 status=GOOD "
                              "host=- driver=- sense=- ms=0 result=ok\n");
    /* Data-out, and a transfer the transport cannot count. */
    struct dw__scsi_cmd w = {read_cd, 10, DW_MMC_DIR_TO_DEV, NULL, 4096, 200000};
    dw__scsi_decode(w.dir, w.bytes, &raw, &res);
    dw__scsi_trace_format(line, sizeof(line), T_MS, "/dev/sr1", &w, &res);
    assert_non_null(strstr(line, " dir=out bytes=4096/? "));

    /* A device path is one field: blanks, line breaks and backslashes
     * escaped, never a second line. */
    dw__scsi_trace_format(line, sizeof(line), T_MS, "/dev/my drive\n\\x", &t, &res);
    assert_non_null(strstr(line, " /dev/my\\x20drive\\x0a\\x5cx TEST UNIT READY (00h) "));
    assert_int_equal(strchr(line, '\n') - line, (ptrdiff_t)strlen(line) - 1);
    /* An absurdly long path is cut, the line stays one line. */
    char longpath[2000];
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = '\0';
    n = dw__scsi_trace_format(line, sizeof(line), T_MS, longpath, &t, &res);
    assert_true(n < sizeof(line));
    assert_non_null(strstr(line, " result=ok\n"));
    /* A buffer too small keeps the line ending. */
    n = dw__scsi_trace_format(line, 40, T_MS, "/dev/sr1", &t, &res);
    assert_int_equal(n, 39);
    assert_int_equal(line[38], '\n');
    assert_int_equal(line[39], '\0');
    assert_int_equal(dw__scsi_trace_format(line, 1, T_MS, "/dev/sr1", &t, &res), 0);
    assert_int_equal(line[0], '\0');
}

/* ---- the trace file ------------------------------------------------------------ */

#define THREAD_LINES 3000

struct writer {
    struct dw__scsi_trace *tr;
    const char *device;
};

static void *write_lines(void *arg)
{
    const struct writer *w = arg;
    const uint8_t cdb[12] = {0xBE, 0, 0, 0, 0, 0, 0, 0, 0x1A, 0xF8, 0, 0};
    struct dw__scsi_cmd cmd = {cdb, sizeof(cdb), DW_MMC_DIR_FROM_DEV, NULL, 61152, 30000};
    struct dw__scsi_raw raw = sg_good();
    struct dw__scsi_result res;

    dw__scsi_decode(cmd.dir, cmd.bytes, &raw, &res);
    for (int i = 0; i < THREAD_LINES; i++)
        dw__scsi_trace_write(w->tr, w->device, &cmd, &res);
    return NULL;
}

static void test_trace_file(void **state)
{
    char dir[] = "/tmp/dw-test-trace-XXXXXX", path[256], bad[300], warning[600];
    char line[1024];
    struct dw__scsi_trace *a, *b;
    pthread_t ta, tb;
    struct writer wa, wb;
    int lines_a = 0, lines_b = 0, notes = 0;
    FILE *f;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/trace.txt", dir);

    /* Unset or empty: no trace, no warning. */
    unsetenv("DW_TRACE_SCSI");
    strcpy(warning, "x");
    assert_null(dw__scsi_trace_open(warning, sizeof(warning)));
    assert_string_equal(warning, "");
    setenv("DW_TRACE_SCSI", "", 1);
    assert_null(dw__scsi_trace_open(warning, sizeof(warning)));
    assert_string_equal(warning, "");
    /* A file that cannot be made: a warning naming it, no trace. */
    snprintf(bad, sizeof(bad), "%s/no-such-dir/trace.txt", dir);
    setenv("DW_TRACE_SCSI", bad, 1);
    assert_null(dw__scsi_trace_open(warning, sizeof(warning)));
    assert_non_null(strstr(warning, bad));
    assert_non_null(strstr(warning, "DW_TRACE_SCSI"));
    assert_non_null(strstr(warning, "No such file or directory"));
    /* NULL traces are no-ops. */
    dw__scsi_trace_note(NULL, "/dev/sr0", "nothing");
    dw__scsi_trace_close(NULL);

    /* Two drives share one file; lines written from two threads at once
     * stay whole. */
    setenv("DW_TRACE_SCSI", path, 1);
    a = dw__scsi_trace_open(warning, sizeof(warning));
    assert_non_null(a);
    assert_string_equal(warning, "");
    b = dw__scsi_trace_open(NULL, 0);
    assert_ptr_equal(a, b); /* one stream per path */
    dw__scsi_trace_note(a, "/dev/sr0", "opened through %s\nsecond line", "SG_IO");
    wa = (struct writer){a, "/dev/sr0"};
    wb = (struct writer){b, "/dev/sr1"};
    assert_int_equal(pthread_create(&ta, NULL, write_lines, &wa), 0);
    assert_int_equal(pthread_create(&tb, NULL, write_lines, &wb), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    dw__scsi_trace_close(a);
    dw__scsi_trace_write(b, "/dev/sr1", &(struct dw__scsi_cmd){(const uint8_t *)"\0\0\0\0\0",
                                                             6, DW_MMC_DIR_NONE, NULL, 0, 1},
                         &(struct dw__scsi_result){.status = 0, .host_known = true, .bytes_known = true});
    dw__scsi_trace_close(b);
    unsetenv("DW_TRACE_SCSI");

    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        size_t len = strlen(line);
        assert_true(len > 0 && line[len - 1] == '\n'); /* whole lines only */
        if (line[0] == '#') {
            assert_non_null(strstr(line, " /dev/sr0 opened through SG_IO second line\n"));
            notes++;
            continue;
        }
        /* TIME DEVICE NAME (OPh) cdb=[...] ... result=ok */
        assert_int_equal(len, strlen("2023-11-14T22:13:20.123Z ") + strlen("/dev/sr0 ") +
                                  (strstr(line, "TEST UNIT READY")
                                       ? strlen("TEST UNIT READY (00h) cdb=[00 00 00 00 00 "
                                                "00] dir=none bytes=0/0 status=GOOD host=00 "
                                                "driver=00 sense=- ms=0 result=ok\n")
                                       : strlen("READ CD (BEh) cdb=[be 00 00 00 00 00 00 00 "
                                                "1a f8 00 00] dir=in bytes=61152/61152 "
                                                "status=GOOD host=00 driver=00 sense=- ms=7 "
                                                "result=ok\n")));
        if (strstr(line, " /dev/sr0 READ CD (BEh) "))
            lines_a++;
        else if (strstr(line, " /dev/sr1 READ CD (BEh) "))
            lines_b++;
        else
            assert_non_null(strstr(line, " /dev/sr1 TEST UNIT READY (00h) "));
    }
    fclose(f);
    assert_int_equal(notes, 1);
    assert_int_equal(lines_a, THREAD_LINES);
    assert_int_equal(lines_b, THREAD_LINES);

    /* Appending: a second open adds to the file. */
    setenv("DW_TRACE_SCSI", path, 1);
    a = dw__scsi_trace_open(NULL, 0);
    assert_non_null(a);
    dw__scsi_trace_note(a, "/dev/sr2", "again");
    dw__scsi_trace_close(a);
    unsetenv("DW_TRACE_SCSI");
    f = fopen(path, "r");
    assert_non_null(f);
    int total = 0;
    bool again = false;
    while (fgets(line, sizeof(line), f)) {
        total++;
        again = again || strstr(line, " /dev/sr2 again\n");
    }
    fclose(f);
    assert_int_equal(total, 1 + 2 * THREAD_LINES + 1 + 1);
    assert_true(again);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_good),
        cmocka_unit_test(test_decode_sense),
        cmocka_unit_test(test_decode_status_host_driver),
        cmocka_unit_test(test_decode_transport_failures),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_trace_format),
        cmocka_unit_test(test_trace_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
