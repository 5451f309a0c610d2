/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the MMC drive emulator (tests/emu): the read side.
 *
 * Each test loads third-party images (libcdio's cdda.cue, isofs-m1.cue,
 * p1.cue and videocd.nrg, libcdio-paranoia's cd-extra.cue, an ISO) or
 * small discs generated here (a CATALOG/ISRC/INDEX 00/INDEX 02 audio disc
 * and a two-session disc), sends CDBs laid out by hand from MMC-6/SPC-4,
 * and checks the replies two ways: against the image as discwright's own
 * drive layer reads it, and through discwright's MMC reply parsers
 * (src/drive/mmc.h), so a mistake in either shows.  Skips (77) without
 * the fixtures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../unit/dw_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include <cdio/cdtext.h>

#include "discwright/disc.h"
#include "discwright/drive.h"
#include "discwright/sector.h"
#include "drive/mmc.h"
#include "disc/disc_int.h"
#include "emu.h"

/* ---- fixtures ------------------------------------------------------------------ */

static char tmpdir[256];

static const char *fx(const char *rel)
{
    static char paths[8][1024];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof(paths[0]), "%s/%s", DW_FIXTURES_DIR, rel);
    return p;
}

static const char *tmp(const char *name)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof(paths[0]), "%s/%s", tmpdir, name);
    return p;
}

#define CDDA "libcdio/test/data/cdda.cue"
#define ISOFS "libcdio/test/data/isofs-m1.cue"
#define P1 "libcdio/test/data/p1.cue"
#define VCD "libcdio/test/data/videocd.nrg"
#define EXTRA "libcdio-paranoia/test/data/cd-extra.cue"
#define ISO "libcdio/test/data/copying.iso"

/* Deterministic pseudo-random audio. */
static void fill_noise(uint8_t *buf, size_t bytes, uint32_t seed)
{
    for (size_t i = 0; i < bytes; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (uint8_t)(seed >> 16);
    }
}

static int write_file(const char *path, const void *data, size_t bytes)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(data, 1, bytes, f);
    return fclose(f) == 0 && n == bytes ? 0 : -1;
}

/* mix.cue: CATALOG, two audio tracks with ISRCs, track 2 with INDEX 00 at
 * LBA 300, INDEX 01 at 450, INDEX 02 at 600; lead-out 1200.
 * ms.cue: an audio session (LBA 0-299) and a Mode 1 session (INDEX 01 at
 * LBA 11700 after the Orange Book gap, 100 sectors). */
static int make_discs(void)
{
    static const char mix_cue[] = "CATALOG 1234567890123\n"
                                  "FILE \"mix.bin\" BINARY\n"
                                  "  TRACK 01 AUDIO\n"
                                  "    ISRC USABC2300001\n"
                                  "    INDEX 01 00:00:00\n"
                                  "  TRACK 02 AUDIO\n"
                                  "    ISRC GBXYZ9912345\n"
                                  "    INDEX 00 00:04:00\n"
                                  "    INDEX 01 00:06:00\n"
                                  "    INDEX 02 00:08:00\n";
    static const char ms_cue[] = "FILE \"ms.bin\" BINARY\n"
                                 "  TRACK 01 AUDIO\n"
                                 "    INDEX 01 00:00:00\n"
                                 "REM SESSION 02\n"
                                 "  TRACK 02 MODE1/2352\n"
                                 "    INDEX 01 00:04:00\n";
    size_t mix_bytes = 1200 * (size_t)DW_SECTOR_RAW_BYTES;
    size_t ms_bytes = 400 * (size_t)DW_SECTOR_RAW_BYTES;
    uint8_t *buf = malloc(mix_bytes);
    uint8_t user[DW_SECTOR_USER_BYTES];
    int rc = -1;

    if (!buf)
        return -1;
    fill_noise(buf, mix_bytes, 1);
    if (write_file(tmp("mix.bin"), buf, mix_bytes) ||
        write_file(tmp("mix.cue"), mix_cue, strlen(mix_cue)))
        goto out;
    fill_noise(buf, 300 * (size_t)DW_SECTOR_RAW_BYTES, 2);
    for (int i = 0; i < 100; i++) {
        fill_noise(user, sizeof(user), 100u + (uint32_t)i);
        dw_sector_encode_mode1(buf + (size_t)(300 + i) * DW_SECTOR_RAW_BYTES, 11700 + i,
                               user);
    }
    if (write_file(tmp("ms.bin"), buf, ms_bytes) ||
        write_file(tmp("ms.cue"), ms_cue, strlen(ms_cue)))
        goto out;
    rc = 0;
out:
    free(buf);
    return rc;
}

/* ---- helpers ----------------------------------------------------------------------- */

static struct dw_emu *emu_open(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static struct dw_emu *emu_open(const char *fmt, ...)
{
    char config[2048], msg[512];
    struct dw_emu *e;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(config, sizeof(config), fmt, ap);
    va_end(ap);
    e = dw_emu_new(config, msg, sizeof(msg));
    if (!e)
        fail_msg("dw_emu_new(\"%s\"): %s", config, msg);
    return e;
}

/* Run a CDB reading up to `bytes` into buf (NULL/0: no data). */
static int run(struct dw_emu *e, const uint8_t *cdb, size_t cdb_len, uint8_t *buf,
               size_t bytes, struct dw_emu_result *res)
{
    dw_emu_exec(e, cdb, cdb_len, buf, bytes, bytes ? DW_EMU_READ : DW_EMU_NONE, res);
    return res->status;
}

#define RUN(e, buf, bytes, res, ...)                                                     \
    run((e), (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}),     \
        (buf), (bytes), (res))

/* The last command failed with key/asc/ascq (parsed by discwright's own
 * sense parser); returns the parsed sense for more checks. */
static struct dw__mmc_sense check_sense(const struct dw_emu_result *res, int key, int asc,
                                        int ascq)
{
    struct dw__mmc_sense s;
    assert_int_equal(res->status, 2);
    assert_int_equal(res->sense_bytes, 18);
    assert_int_equal(res->data_bytes, 0);
    assert_int_equal(dw__mmc_parse_sense(res->sense, res->sense_bytes, &s), 0);
    assert_int_equal(s.response_code, 0x70);
    assert_int_equal(s.key, key);
    assert_int_equal(s.asc, asc);
    assert_int_equal(s.ascq, ascq);
    return s;
}

static int read_cd(struct dw_emu *e, int32_t lba, uint32_t sectors, unsigned type,
                   uint8_t b9, uint8_t b10, uint8_t *buf, size_t bytes,
                   struct dw_emu_result *res)
{
    uint8_t cdb[12] = {0xBE, (uint8_t)(type << 2), 0, 0, 0, 0, 0, 0, 0, b9, b10, 0};
    dw__mmc_put_be32(cdb + 2, (uint32_t)lba);
    dw__mmc_put_be24(cdb + 6, sectors);
    return run(e, cdb, sizeof(cdb), buf, bytes, res);
}

static int read10(struct dw_emu *e, uint32_t lba, uint16_t sectors, uint8_t *buf,
                  size_t bytes, struct dw_emu_result *res)
{
    uint8_t cdb[10] = {0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    dw__mmc_put_be32(cdb + 2, lba);
    dw__mmc_put_be16(cdb + 7, sectors);
    return run(e, cdb, sizeof(cdb), buf, bytes, res);
}

/* READ TOC/PMA/ATIP into a malloc'd buffer (caller frees); NULL on CHECK. */
static uint8_t *read_toc(struct dw_emu *e, unsigned format, bool msf, uint8_t number,
                         size_t *bytes, struct dw_emu_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX], head[4];
    uint8_t *buf;
    size_t n = dw__mmc_build_read_toc(cdb, format, msf, number, sizeof(head));
    if (run(e, cdb, n, head, sizeof(head), res))
        return NULL;
    *bytes = dw__mmc_toc_reply_bytes(head, sizeof(head));
    buf = malloc(*bytes);
    assert_non_null(buf);
    n = dw__mmc_build_read_toc(cdb, format, msf, number, (uint16_t)*bytes);
    assert_int_equal(run(e, cdb, n, buf, *bytes, res), 0);
    assert_int_equal(res->data_bytes, *bytes);
    return buf;
}

/* The layout discwright's own image reader sees. */
static struct dw_drive *image_open(const char *path, const struct dw_disc **disc)
{
    struct dw_drive *d = NULL;
    struct dw_error_detail err;
    assert_int_equal(dw_drive_open(path, 0, &d, &err), 0);
    *disc = dw_drive_disc(d);
    assert_non_null(*disc);
    return d;
}

/* The 12 Q bytes from 96 bytes of raw interleaved P-W (bit 6 of each byte). */
static void deinterleave_q(const uint8_t *pw, uint8_t q[12], bool *p_all)
{
    memset(q, 0, 12);
    *p_all = true;
    for (int i = 0; i < 96; i++) {
        if (pw[i] & 0x40)
            q[i / 8] |= (uint8_t)(0x80 >> (i % 8));
        if (!(pw[i] & 0x80))
            *p_all = false;
        assert_int_equal(pw[i] & 0x3F, 0); /* R-W empty */
    }
}

static bool q_crc_ok(const uint8_t q[12])
{
    return dw_q_crc(q) == (uint16_t)(q[10] << 8 | q[11]);
}

/* ---- INQUIRY, TEST UNIT READY, REQUEST SENSE ------------------------------------ */

static void test_inquiry(void **state)
{
    struct dw_emu_result res;
    struct dw__mmc_inquiry inq;
    uint8_t buf[96];
    struct dw_emu *e;
    (void)state;

    e = emu_open("medium=%s vendor=ACME model=\"SUPER DRIVE 9\" firmware=1.02 "
                 "serial=SN123",
                 fx(CDDA));
    memset(buf, 0xEE, sizeof(buf));
    assert_int_equal(RUN(e, buf, sizeof(buf), &res, 0x12, 0, 0, 0, 96, 0), 0);
    assert_int_equal(res.data_bytes, 36);
    assert_int_equal(res.residual_bytes, 60);
    assert_int_equal(buf[4], 31); /* additional length: 36 bytes */
    assert_int_equal(buf[3] & 0x0F, 2);
    assert_int_equal(dw__mmc_parse_inquiry(buf, res.data_bytes, &inq), 0);
    assert_int_equal(inq.device_type, DW_MMC_DEVICE_TYPE_MMC);
    assert_int_equal(inq.qualifier, 0);
    assert_true(inq.removable);
    assert_int_equal(inq.version, 0); /* SATA: ATAPI */
    assert_string_equal(inq.vendor, "ACME");
    assert_string_equal(inq.product, "SUPER DRIVE 9");
    assert_string_equal(inq.revision, "1.02");
    /* Allocation length cuts the reply. */
    assert_int_equal(RUN(e, buf, sizeof(buf), &res, 0x12, 0, 0, 0, 8, 0), 0);
    assert_int_equal(res.data_bytes, 8);
    /* VPD 80h: the serial number; 83h is not there. */
    assert_int_equal(RUN(e, buf, sizeof(buf), &res, 0x12, 1, 0x80, 0, 96, 0), 0);
    assert_int_equal(buf[1], 0x80);
    assert_int_equal(buf[3], 5);
    assert_memory_equal(buf + 4, "SN123", 5);
    RUN(e, buf, sizeof(buf), &res, 0x12, 1, 0x83, 0, 96, 0);
    check_sense(&res, 5, 0x24, 0);
    RUN(e, buf, sizeof(buf), &res, 0x12, 0, 0x80, 0, 96, 0); /* page without EVPD */
    check_sense(&res, 5, 0x24, 0);
    dw_emu_free(e);

    e = emu_open("medium=%s host=usb mmc=6", fx(CDDA));
    assert_int_equal(RUN(e, buf, sizeof(buf), &res, 0x12, 0, 0, 0, 96, 0), 0);
    assert_int_equal(dw__mmc_parse_inquiry(buf, res.data_bytes, &inq), 0);
    assert_int_equal(inq.version, 6);
    assert_string_equal(inq.vendor, "DWEMU");
    dw_emu_free(e);
}

static void test_unit_ready_and_sense(void **state)
{
    struct dw_emu_result res;
    uint8_t buf[252];
    struct dw__mmc_sense s;
    char msg[256];
    struct dw_emu *e;
    (void)state;

    /* Empty tray. */
    e = dw_emu_new(NULL, msg, sizeof(msg));
    assert_non_null(e);
    assert_false(dw_emu_medium_present(e));
    RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0);
    check_sense(&res, 2, 0x3A, 0);
    assert_int_equal(RUN(e, buf, sizeof(buf), &res, 0x03, 0, 0, 0, 252, 0), 0);
    assert_int_equal(res.data_bytes, 18);
    assert_int_equal(dw__mmc_parse_sense(buf, 18, &s), 0);
    assert_int_equal(s.key, 2);
    assert_int_equal(s.asc, 0x3A);
    RUN(e, buf, sizeof(buf), &res, 0x43, 0, 0, 0, 0, 0, 0, 0x01, 0, 0);
    check_sense(&res, 2, 0x3A, 0);
    /* INQUIRY and GET CONFIGURATION work without a medium. */
    assert_int_equal(RUN(e, buf, sizeof(buf), &res, 0x12, 0, 0, 0, 36, 0), 0);
    dw_emu_free(e);
    e = dw_emu_new("", msg, sizeof(msg));
    assert_non_null(e);
    dw_emu_free(e);

    /* Ready; a pending sense is reported once by REQUEST SENSE. */
    e = emu_open("medium=%s", fx(CDDA));
    assert_true(dw_emu_medium_present(e));
    assert_int_equal(RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0), 0);
    assert_int_equal(res.sense_bytes, 0);
    RUN(e, buf, sizeof(buf), &res, 0xD7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    check_sense(&res, 5, 0x20, 0);
    assert_int_equal(RUN(e, buf, sizeof(buf), &res, 0x03, 0, 0, 0, 18, 0), 0);
    assert_int_equal(dw__mmc_parse_sense(buf, 18, &s), 0);
    assert_int_equal(s.key, 5);
    assert_int_equal(s.asc, 0x20);
    assert_int_equal(RUN(e, buf, sizeof(buf), &res, 0x03, 0, 0, 0, 18, 0), 0);
    assert_int_equal(dw__mmc_parse_sense(buf, 18, &s), 0);
    assert_int_equal(s.key, 0);
    RUN(e, buf, sizeof(buf), &res, 0x03, 1, 0, 0, 18, 0); /* descriptor format */
    check_sense(&res, 5, 0x24, 0);
    dw_emu_free(e);

    /* Configuration errors. */
    assert_null(dw_emu_new("medium=/nonexistent/x.cue", msg, sizeof(msg)));
    assert_non_null(strstr(msg, "x.cue"));
    assert_null(dw_emu_new("colour=blue", msg, sizeof(msg)));
    assert_non_null(strstr(msg, "colour"));
    assert_null(dw_emu_new("c2=maybe", msg, sizeof(msg)));
    assert_null(dw_emu_new("blank=cdrom", msg, sizeof(msg))); /* not a blank kind */
    assert_null(dw_emu_new("faults=unreadable:x", msg, sizeof(msg)));
    assert_non_null(strstr(msg, "unreadable:x"));
    assert_null(dw_emu_new("faults=melt:1", msg, sizeof(msg)));
    assert_null(dw_emu_new("faults=c2-transient:5", msg, sizeof(msg))); /* no count */
    assert_null(dw_emu_new("faults=c2-transient:5:0", msg, sizeof(msg)));
    assert_null(dw_emu_new("faults=c2-transient:5:1:3/11/00", msg, sizeof(msg)));
    assert_null(dw_emu_new("faults=jitter:5:3:-1", msg, sizeof(msg))); /* bad seed */
    assert_null(dw_emu_new("faults=jitter:5:3:1:2", msg, sizeof(msg)));
    assert_null(dw_emu_new("model=\"open", msg, sizeof(msg)));
    dw_emu_free(NULL);
}

/* ---- GET CONFIGURATION ------------------------------------------------------------ */

static int current_profile(struct dw_emu *e)
{
    uint8_t cdb[DW_MMC_CDB_MAX], buf[16];
    struct dw_emu_result res;
    int profile = -1;
    size_t n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_CURRENT, 0, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_parse_config_profile(buf, res.data_bytes, &profile), 0);
    return profile;
}

static void test_get_configuration(void **state)
{
    uint8_t cdb[DW_MMC_CDB_MAX], buf[1024];
    struct dw_emu_result res;
    struct dw__mmc_cd_read cdr;
    const uint8_t *desc;
    size_t desc_bytes, n;
    char msg[256];
    struct dw_emu *e;
    bool found_current = false;
    (void)state;

    e = emu_open("medium=%s", fx(CDDA));
    assert_int_equal(current_profile(e), 0x08);
    /* Whole configuration: profile list with CD-ROM current, CD Read. */
    n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_ALL, 0, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_get_be32(buf) + 4, res.data_bytes);
    assert_int_equal(dw__mmc_find_feature(buf, res.data_bytes,
                                          DW_MMC_FEATURE_PROFILE_LIST, &desc,
                                          &desc_bytes),
                     0);
    assert_int_equal(desc[2] & 0x03, 0x03); /* persistent, current */
    for (size_t off = 4; off + 4 <= desc_bytes; off += 4) {
        int p = dw__mmc_get_be16(desc + off);
        if (desc[off + 2] & 1) {
            assert_int_equal(p, 0x08);
            found_current = true;
        }
    }
    assert_true(found_current);
    assert_int_equal(desc_bytes, 4 + 4 * 14); /* 14 profiles: DVD-R DL, DVD+R DL too */
    assert_int_equal(dw__mmc_parse_feature_cd_read(buf, res.data_bytes, &cdr), 0);
    assert_true(cdr.present && cdr.current && cdr.c2 && cdr.cdtext && cdr.dap);
    assert_int_equal(
        dw__mmc_find_feature(buf, res.data_bytes, 0x001F, &desc, &desc_bytes), 0);
    assert_int_equal(desc[2] & 1, 0); /* DVD Read not current */
    /* Only current features: no DVD Read. */
    n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_CURRENT, 0, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(
        dw__mmc_find_feature(buf, res.data_bytes, 0x001F, &desc, &desc_bytes), DW_ENOENT);
    assert_int_equal(
        dw__mmc_find_feature(buf, res.data_bytes, 0x001E, &desc, &desc_bytes), 0);
    /* One feature. */
    n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_ONE, DW_MMC_FEATURE_CD_READ,
                                        sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 8 + 8);
    assert_int_equal(dw__mmc_get_be16(buf + 8), 0x001E);
    /* Allocation length: the header tells what there is. */
    n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_ALL, 0, 8);
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 8);
    assert_true(dw__mmc_get_be32(buf) > 100);
    dw_emu_free(e);

    e = emu_open("medium=%s c2=none cdtext=no", fx(CDDA));
    n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_ALL, 0, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_parse_feature_cd_read(buf, res.data_bytes, &cdr), 0);
    assert_true(cdr.present && !cdr.c2 && !cdr.cdtext);
    dw_emu_free(e);

    e = emu_open("medium=%s", fx(ISO));
    assert_int_equal(current_profile(e), 0x10);
    n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_ALL, 0, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_parse_feature_cd_read(buf, res.data_bytes, &cdr), 0);
    assert_true(cdr.present && !cdr.current);
    dw_emu_free(e);
    e = emu_open("medium=%s profile=cdrom", fx(ISO));
    assert_int_equal(current_profile(e), 0x08);
    dw_emu_free(e);
    e = emu_open("medium=%s profile=bdrom", fx(ISO));
    assert_int_equal(current_profile(e), 0x40);
    dw_emu_free(e);
    e = emu_open("medium=%s profile=cdr", fx(VCD));
    assert_int_equal(current_profile(e), 0x09);
    dw_emu_free(e);
    assert_null(dw_emu_new("profile=cdrom", msg, sizeof(msg)));
    e = dw_emu_new(NULL, msg, sizeof(msg));
    assert_int_equal(current_profile(e), 0);
    dw_emu_free(e);
    /* A CD image cannot be a DVD. */
    snprintf((char *)buf, sizeof(buf), "medium=%s profile=dvdrom", fx(CDDA));
    assert_null(dw_emu_new((char *)buf, msg, sizeof(msg)));
}

/* ---- READ TOC against the layout --------------------------------------------------- */

static char cd_images[7][1024];

static void check_toc(const char *path)
{
    struct dw_emu_result res;
    const struct dw_disc *disc;
    struct dw_drive *d = image_open(path, &disc);
    struct dw_emu *e = emu_open("medium=%s", path);
    struct dw__mmc_toc toc;
    struct dw__mmc_full_toc full;
    struct dw__mmc_session_info si;
    struct dw_disc *rebuilt = dw_disc_new();
    bool estimated = true;
    size_t bytes;
    uint8_t *buf;

    /* Format 0, LBA form. */
    buf = read_toc(e, DW_MMC_TOC_FMT_TOC, false, 0, &bytes, &res);
    assert_non_null(buf);
    assert_int_equal(dw__mmc_parse_toc(buf, bytes, &toc), 0);
    free(buf);
    assert_int_equal(toc.track_count, disc->track_count);
    assert_int_equal(toc.first_track, disc->tracks[0].number);
    assert_int_equal(toc.last_track, disc->tracks[disc->track_count - 1].number);
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        assert_int_equal(toc.tracks[i].track, t->number);
        assert_int_equal(toc.tracks[i].lba, t->index_lba[1]);
        assert_int_equal(toc.tracks[i].adr, 1);
        assert_int_equal(toc.tracks[i].control,
                         (t->control | (dw_track_is_data(t) ? DW_CTL_DATA : 0)) & 0xF);
    }
    assert_true(toc.has_leadout);
    assert_int_equal(toc.leadout.lba, disc->leadout_lba);

    /* Format 0, MSF form: binary M:S:F of LBA + 150. */
    buf = read_toc(e, DW_MMC_TOC_FMT_TOC, true, 0, &bytes, &res);
    assert_non_null(buf);
    {
        unsigned m, s, f;
        dw_lba_to_msf(disc->tracks[0].index_lba[1], &m, &s, &f);
        assert_int_equal(buf[8], 0);
        assert_int_equal(buf[9], m);
        assert_int_equal(buf[10], s);
        assert_int_equal(buf[11], f);
    }
    free(buf);

    /* Format 0 from the last track; AAh only; past the end. */
    buf = read_toc(e, DW_MMC_TOC_FMT_TOC, false,
                   (uint8_t)disc->tracks[disc->track_count - 1].number, &bytes, &res);
    assert_non_null(buf);
    assert_int_equal(bytes, 4 + 16);
    free(buf);
    buf = read_toc(e, DW_MMC_TOC_FMT_TOC, false, 0xAA, &bytes, &res);
    assert_non_null(buf);
    assert_int_equal(bytes, 4 + 8);
    assert_int_equal(buf[6], 0xAA);
    free(buf);
    assert_null(read_toc(e, DW_MMC_TOC_FMT_TOC, false, 99, &bytes, &res));
    check_sense(&res, 5, 0x24, 0);

    /* Format 2 (full TOC): A0h/A1h/A2h per session, track points. */
    buf = read_toc(e, DW_MMC_TOC_FMT_FULL, true, 0, &bytes, &res);
    assert_non_null(buf);
    assert_int_equal(dw__mmc_parse_full_toc(buf, bytes, &full), 0);
    free(buf);
    assert_int_equal(full.session_count, disc->session_count);
    for (int s = 0; s < disc->session_count; s++) {
        assert_int_equal(full.sessions[s].number, disc->sessions[s].number);
        assert_true(full.sessions[s].has_a0 && full.sessions[s].has_a1);
        assert_int_equal(full.sessions[s].first_track, disc->sessions[s].first_track);
        assert_int_equal(full.sessions[s].last_track, disc->sessions[s].last_track);
        assert_int_equal(full.sessions[s].leadout_lba, disc->sessions[s].leadout_lba);
    }
    assert_int_equal(full.track_count, disc->track_count);

    /* Format 1. */
    buf = read_toc(e, DW_MMC_TOC_FMT_SESSION, false, 0, &bytes, &res);
    assert_non_null(buf);
    assert_int_equal(dw__mmc_parse_session_info(buf, bytes, &si), 0);
    free(buf);
    assert_int_equal(si.first_session, 1);
    assert_int_equal(si.last_session, disc->sessions[disc->session_count - 1].number);
    assert_int_equal(si.first_track_last_session,
                     disc->sessions[disc->session_count - 1].first_track);

    /* discwright's drive layer would rebuild the same layout from these. */
    assert_non_null(rebuilt);
    assert_int_equal(dw__mmc_disc_from_toc(&toc, &full, &si, rebuilt, &estimated), 0);
    assert_false(estimated);
    assert_int_equal(rebuilt->session_count, disc->session_count);
    for (int i = 0; i < disc->track_count; i++)
        assert_int_equal(rebuilt->tracks[i].session, disc->tracks[i].session);
    for (int s = 0; s < disc->session_count; s++)
        assert_int_equal(rebuilt->sessions[s].leadout_lba, disc->sessions[s].leadout_lba);
    dw_disc_free(rebuilt);
    dw_emu_free(e);
    dw_drive_free(d);
}

static void test_read_toc(void **state)
{
    struct dw_emu_result res;
    size_t bytes;
    uint8_t *buf;
    struct dw__mmc_toc toc;
    struct dw_emu *e;
    (void)state;

    for (size_t i = 0; i < sizeof(cd_images) / sizeof(cd_images[0]); i++)
        check_toc(cd_images[i]);

    /* The two-session disc: B0h (ADR 5) in session 1 only. */
    e = emu_open("medium=%s", tmp("ms.cue"));
    buf = read_toc(e, DW_MMC_TOC_FMT_FULL, true, 0, &bytes, &res);
    assert_non_null(buf);
    {
        int b0 = 0;
        for (size_t off = 4; off + 11 <= bytes; off += 11)
            if (buf[off + 3] == 0xB0) {
                b0++;
                assert_int_equal(buf[off], 1);
                assert_int_equal(buf[off + 1] >> 4, 5);
                /* next program area: the pregap of track 2 at LBA 11550 */
                assert_int_equal(dw_msf_to_lba(buf[off + 4], buf[off + 5], buf[off + 6]),
                                 11550);
            }
        assert_int_equal(b0, 1);
    }
    free(buf);
    buf = read_toc(e, DW_MMC_TOC_FMT_FULL, true, 2, &bytes, &res); /* from session 2 */
    assert_non_null(buf);
    assert_int_equal(buf[4], 2);
    free(buf);
    assert_null(read_toc(e, DW_MMC_TOC_FMT_FULL, true, 3, &bytes, &res));
    check_sense(&res, 5, 0x24, 0);
    assert_null(read_toc(e, 4, true, 0, &bytes, &res)); /* ATIP: pressed disc */
    check_sense(&res, 5, 0x24, 0);
    assert_null(read_toc(e, 3, false, 0, &bytes, &res)); /* PMA */
    check_sense(&res, 5, 0x24, 0);
    dw_emu_free(e);

    /* DVD: a fabricated TOC of one track, no full TOC. */
    e = emu_open("medium=%s", fx(ISO));
    buf = read_toc(e, DW_MMC_TOC_FMT_TOC, false, 0, &bytes, &res);
    assert_non_null(buf);
    assert_int_equal(dw__mmc_parse_toc(buf, bytes, &toc), 0);
    assert_int_equal(toc.track_count, 1);
    assert_int_equal(toc.leadout.lba, 64);
    free(buf);
    assert_null(read_toc(e, DW_MMC_TOC_FMT_FULL, true, 0, &bytes, &res));
    check_sense(&res, 5, 0x24, 0);
    dw_emu_free(e);

    /* ATIP on a CD-R. */
    e = emu_open("medium=%s profile=cdrw", fx(CDDA));
    buf = read_toc(e, 4, true, 0, &bytes, &res);
    assert_non_null(buf);
    assert_int_equal(bytes, 28);
    assert_int_equal(buf[6] & 0x40, 0x40); /* CD-RW */
    assert_int_equal(dw_msf_to_lba(buf[12], buf[13], buf[14]), 359849);
    assert_true(buf[8] >= 90); /* lead-in start in the 9x minutes */
    free(buf);
    dw_emu_free(e);
}

/* ---- READ CD against the image
 * --------------------------------------------------------- */

static void compare_raw(struct dw_emu *e, struct dw_drive *d, int32_t lba,
                        int32_t sectors)
{
    struct dw_emu_result res;
    size_t bytes = (size_t)sectors * DW_SECTOR_RAW_BYTES;
    uint8_t *got = malloc(bytes), *want = malloc(bytes);
    assert_non_null(got);
    assert_non_null(want);
    assert_int_equal(dw_drive_read_raw(d, lba, sectors, want), 0);
    assert_int_equal(read_cd(e, lba, (uint32_t)sectors, 0, 0xF8, 0, got, bytes, &res), 0);
    assert_int_equal(res.data_bytes, bytes);
    assert_memory_equal(got, want, bytes);
    free(got);
    free(want);
}

static void test_read_cd_raw(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cd_images) / sizeof(cd_images[0]); i++) {
        const struct dw_disc *disc;
        struct dw_drive *d = image_open(cd_images[i], &disc);
        struct dw_emu *e = emu_open("medium=%s", cd_images[i]);
        const struct dw_session *last = &disc->sessions[disc->session_count - 1];
        for (int t = 0; t < disc->track_count; t++) {
            const struct dw_track *tr = &disc->tracks[t];
            int32_t n =
                dw_track_length_sectors(tr) < 70 ? dw_track_length_sectors(tr) : 70;
            compare_raw(e, d, tr->index_lba[1], n);
            compare_raw(e, d, tr->end_lba - 1, 1);
            if (tr->index_lba[0] != DW_LBA_NONE && tr->index_lba[0] >= 0)
                compare_raw(e, d, tr->index_lba[0], 2);
        }
        compare_raw(e, d, last->leadout_lba - 3, 3);
        dw_emu_free(e);
        dw_drive_free(d);
    }
}

static void test_read_cd_msf(void **state)
{
    struct dw_emu_result res;
    uint8_t a[5 * 2352], b[5 * 2352];
    struct dw_emu *e = emu_open("medium=%s", fx(CDDA));
    (void)state;

    assert_int_equal(read_cd(e, 10, 5, 0, 0xF8, 0, a, sizeof(a), &res), 0);
    /* LBA 10 = 00:02:10, end exclusive 00:02:15 */
    assert_int_equal(
        RUN(e, b, sizeof(b), &res, 0xB9, 0, 0, 0, 2, 10, 0, 2, 15, 0xF8, 0, 0), 0);
    assert_int_equal(res.data_bytes, sizeof(b));
    assert_memory_equal(a, b, sizeof(a));
    RUN(e, b, sizeof(b), &res, 0xB9, 0, 0, 0, 2, 15, 0, 2, 10, 0xF8, 0, 0);
    check_sense(&res, 5, 0x24, 0);
    dw_emu_free(e);
}

static void test_read_cd_mode1_cuts(void **state)
{
    static const struct {
        uint8_t b9;
        size_t from, to;
    } cuts[] = {
        {0x10, 16, 2064}, {0x20, 12, 16},   {0x30, 12, 2064}, {0x18, 16, 2352},
        {0x38, 12, 2352}, {0x78, 12, 2352}, {0x70, 12, 2064}, {0xB8, 0, 2352},
        {0xF8, 0, 2352},  {0xF0, 0, 2064},  {0xA0, 0, 16},    {0x08, 2064, 2352},
        {0x40, 0, 0},     {0x00, 0, 0},
    };
    struct dw_emu_result res;
    const struct dw_disc *disc;
    struct dw_drive *d = image_open(fx(ISOFS), &disc);
    struct dw_emu *e = emu_open("medium=%s", fx(ISOFS));
    uint8_t raw[2352], buf[2352 * 2];
    (void)state;

    assert_int_equal(dw_drive_read_raw(d, 16, 1, raw), 0);
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        size_t len = cuts[i].to - cuts[i].from;
        memset(buf, 0xEE, sizeof(buf));
        assert_int_equal(
            read_cd(e, 16, 1, DW_MMC_SECTOR_MODE1, cuts[i].b9, 0, buf, sizeof(buf), &res),
            0);
        assert_int_equal(res.data_bytes, len);
        assert_memory_equal(buf, raw + cuts[i].from, len);
    }
    /* Two sectors of user data back to back. */
    assert_int_equal(
        read_cd(e, 16, 2, DW_MMC_SECTOR_ANY, 0x10, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 4096);
    assert_memory_equal(buf, raw + 16, 2048);
    /* Wrong expected sector types, holes in the selection. */
    read_cd(e, 16, 1, DW_MMC_SECTOR_CDDA, 0x10, 0, buf, sizeof(buf), &res);
    assert_int_equal(check_sense(&res, 5, 0x64, 0).info, 16);
    read_cd(e, 16, 1, DW_MMC_SECTOR_FORM1, 0x10, 0, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x64, 0);
    read_cd(e, 16, 1, DW_MMC_SECTOR_MODE2, 0x10, 0, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x64, 0);
    read_cd(e, 16, 1, 6, 0x10, 0, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x24, 0);
    read_cd(e, 16, 1, 0, 0x80, 0, buf, sizeof(buf), &res); /* sync alone */
    check_sense(&res, 5, 0x24, 0);
    read_cd(e, 16, 1, 0, 0x90, 0, buf, sizeof(buf), &res); /* sync + user data */
    check_sense(&res, 5, 0x24, 0);
    read_cd(e, 16, 1, 0, 0x28, 0, buf, sizeof(buf), &res); /* header + EDC */
    check_sense(&res, 5, 0x24, 0);
    read_cd(e, 16, 1, 0, 0xF8, 3, buf, sizeof(buf), &res); /* reserved sub-channel */
    check_sense(&res, 5, 0x24, 0);
    /* Past the lead-out; before it without overread. */
    read_cd(e, 302, 1, 0, 0xF8, 0, buf, sizeof(buf), &res);
    assert_int_equal(check_sense(&res, 5, 0x21, 0).info, 302);
    read_cd(e, -1, 1, 0, 0xF8, 0, buf, sizeof(buf), &res);
    assert_int_equal((int32_t)check_sense(&res, 5, 0x21, 0).info, -1);
    /* Transfer length 0 is no error. */
    assert_int_equal(read_cd(e, 16, 0, 0, 0xF8, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 0);
    dw_emu_free(e);
    dw_drive_free(d);
}

static void test_read_cd_mode2_cuts(void **state)
{
    struct dw_emu_result res;
    const struct dw_disc *disc;
    struct dw_drive *d = image_open(fx(VCD), &disc);
    struct dw_emu *e = emu_open("medium=%s", fx(VCD));
    uint8_t f1[2352], f2[2352], buf[2352 * 2];
    int32_t form2 = -1;
    (void)state;

    /* LBA 16 is the ISO 9660 volume descriptor: Form 1.  Find a Form 2
     * (MPEG) sector in track 2. */
    assert_int_equal(dw_drive_read_raw(d, 16, 1, f1), 0);
    assert_int_equal(f1[15], 2);
    assert_int_equal(f1[18] & 0x20, 0);
    for (int32_t l = disc->tracks[1].index_lba[1];
         l < disc->tracks[1].end_lba && form2 < 0; l++) {
        assert_int_equal(dw_drive_read_raw(d, l, 1, f2), 0);
        if (f2[18] & 0x20)
            form2 = l;
    }
    assert_true(form2 >= 0);

    /* Form 1 fields. */
    assert_int_equal(
        read_cd(e, 16, 1, DW_MMC_SECTOR_FORM1, 0x10, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 2048);
    assert_memory_equal(buf, f1 + 24, 2048);
    assert_int_equal(read_cd(e, 16, 1, 0, 0x40, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 8);
    assert_memory_equal(buf, f1 + 16, 8);
    assert_int_equal(read_cd(e, 16, 1, 0, 0x20, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 4);
    assert_memory_equal(buf, f1 + 12, 4);
    assert_int_equal(read_cd(e, 16, 1, 0, 0x50, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 2056);
    assert_memory_equal(buf, f1 + 16, 2056);
    assert_int_equal(read_cd(e, 16, 1, 0, 0x58, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 2336);
    assert_memory_equal(buf, f1 + 16, 2336);
    assert_int_equal(read_cd(e, 16, 1, 0, 0x18, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 2048 + 280);
    assert_memory_equal(buf, f1 + 24, 2328);
    assert_int_equal(read_cd(e, 16, 1, 0, 0x78, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 2340);
    assert_memory_equal(buf, f1 + 12, 2340);
    read_cd(e, 16, 1, DW_MMC_SECTOR_FORM2, 0x10, 0, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x64, 0);
    read_cd(e, 16, 1, DW_MMC_SECTOR_MODE1, 0x10, 0, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x64, 0);

    /* Form 2 fields. */
    assert_int_equal(dw_drive_read_raw(d, form2, 1, f2), 0);
    assert_int_equal(
        read_cd(e, form2, 1, DW_MMC_SECTOR_FORM2, 0x10, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 2324);
    assert_memory_equal(buf, f2 + 24, 2324);
    assert_int_equal(read_cd(e, form2, 1, 0, 0x18, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 2328);
    assert_memory_equal(buf, f2 + 24, 2328);
    assert_int_equal(read_cd(e, form2, 1, 0, 0x58, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 2336);
    read_cd(e, form2, 1, DW_MMC_SECTOR_FORM1, 0x10, 0, buf, sizeof(buf), &res);
    assert_int_equal(check_sense(&res, 5, 0x64, 0).info, (uint64_t)form2);

    /* READ(10): Form 1 user data; Form 2 has no 2048-byte blocks. */
    assert_int_equal(read10(e, 16, 1, buf, 2048, &res), 0);
    assert_memory_equal(buf, f1 + 24, 2048);
    read10(e, (uint32_t)form2, 1, buf, 2048, &res);
    assert_int_equal(check_sense(&res, 5, 0x64, 0).info, (uint64_t)form2);
    dw_emu_free(e);
    dw_drive_free(d);
}

static void test_read10(void **state)
{
    struct dw_emu_result res;
    const struct dw_disc *disc;
    struct dw_drive *d = image_open(fx(ISOFS), &disc);
    struct dw_emu *e = emu_open("medium=%s", fx(ISOFS));
    uint8_t raw[2352], buf[4 * 2048], want[4 * 2048], cap[8];
    uint32_t last = 0, block = 0;
    (void)state;

    assert_int_equal(read10(e, 16, 2, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 4096);
    assert_int_equal(res.residual_bytes, sizeof(buf) - 4096);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(dw_drive_read_raw(d, 16 + i, 1, raw), 0);
        assert_memory_equal(buf + 2048 * i, raw + 16, 2048);
    }
    assert_memory_equal(buf + 1, "CD001", 5);
    /* READ(12) says the same. */
    memset(want, 0, sizeof(want));
    assert_int_equal(
        RUN(e, want, sizeof(want), &res, 0xA8, 0, 0, 0, 0, 16, 0, 0, 0, 2, 0, 0), 0);
    assert_memory_equal(want, buf, 4096);
    /* Out of range. */
    read10(e, 300, 4, buf, sizeof(buf), &res);
    assert_int_equal(check_sense(&res, 5, 0x21, 0).info, 302);
    /* READ CAPACITY. */
    assert_int_equal(RUN(e, cap, sizeof(cap), &res, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0);
    assert_int_equal(dw__mmc_parse_read_capacity(cap, 8, &last, &block), 0);
    assert_int_equal(last, 301);
    assert_int_equal(block, 2048);
    dw_emu_free(e);
    dw_drive_free(d);

    /* Audio: illegal mode for this track. */
    e = emu_open("medium=%s", fx(CDDA));
    read10(e, 5, 1, buf, 2048, &res);
    assert_int_equal(check_sense(&res, 5, 0x64, 0).info, 5);
    dw_emu_free(e);
    /* Mixed mode: audio track 1, data track 2 at 150. */
    e = emu_open("medium=%s", fx(EXTRA));
    assert_int_equal(read10(e, 150, 1, buf, 2048, &res), 0);
    read10(e, 149, 2, buf, 4096, &res);
    check_sense(&res, 5, 0x64, 0);
    dw_emu_free(e);

    /* DVD-ROM from an ISO: 2048-byte sectors as the image has them. */
    d = image_open(fx(ISO), &disc);
    e = emu_open("medium=%s", fx(ISO));
    assert_int_equal(read10(e, 16, 4, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw_drive_read_user(d, 16, 4, want), 0);
    assert_memory_equal(buf, want, sizeof(want));
    assert_int_equal(RUN(e, cap, sizeof(cap), &res, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0);
    assert_int_equal(dw__mmc_parse_read_capacity(cap, 8, &last, &block), 0);
    assert_int_equal(last, 63);
    read_cd(e, 16, 1, 0, 0xF8, 0, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x30, 0x02);
    dw_emu_free(e);
    dw_drive_free(d);

    /* The same ISO as a CD-ROM: full Mode 1 sectors from READ CD. */
    e = emu_open("medium=%s profile=cdrom", fx(ISO));
    assert_int_equal(read_cd(e, 16, 1, DW_MMC_SECTOR_MODE1, 0xF8, 0, buf, 2352, &res), 0);
    assert_int_equal(dw_sector_check(buf, 16, NULL), DW_SECTOR_GOOD);
    assert_memory_equal(buf + 16, want, 2048);
    dw_emu_free(e);
}

/* ---- C2 ------------------------------------------------------------------------------
 */

static void test_c2(void **state)
{
    struct dw_emu_result res;
    const struct dw_disc *disc;
    struct dw_drive *d = image_open(fx(CDDA), &disc);
    uint8_t raw[2352], buf[2352 + 296 + 96];
    static const uint8_t zeros[296];
    struct dw_emu *e;
    int flipped = 0;
    (void)state;

    e = emu_open("medium=%s c2=none", fx(CDDA));
    read_cd(e, 10, 1, 0, 0xFA, 0, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x24, 0);
    dw_emu_free(e);

    e = emu_open("medium=%s c2=294", fx(CDDA));
    assert_int_equal(read_cd(e, 10, 1, 0, 0xFA, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 2352 + 294);
    assert_memory_equal(buf + 2352, zeros, 294);
    read_cd(e, 10, 1, 0, 0xFC, 0, buf, sizeof(buf), &res); /* 296 not offered */
    check_sense(&res, 5, 0x24, 0);
    dw_emu_free(e);

    /* C2 fault: the flipped bytes and only they are flagged. */
    e = emu_open("medium=%s c2=296 faults=c2:10-11,flip:20", fx(CDDA));
    assert_int_equal(dw_drive_read_raw(d, 10, 1, raw), 0);
    assert_int_equal(read_cd(e, 10, 1, 0, 0xFA, 0, buf, sizeof(buf), &res), 0);
    for (int i = 0; i < 2352; i++) {
        bool differs = buf[i] != raw[i];
        bool flagged = (buf[2352 + i / 8] >> (7 - i % 8)) & 1;
        assert_int_equal(differs, flagged);
        flipped += differs;
    }
    assert_int_equal(flipped, 16);
    /* 296: block error byte, pad, then the same 294 bytes; with sub-channel after. */
    assert_int_equal(read_cd(e, 10, 1, 0, 0xFC, 2, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 2352 + 296 + 16);
    assert_true(buf[2352] != 0);
    assert_int_equal(buf[2353], 0);
    assert_int_equal(buf[2352 + 296] & 0x0F, 1); /* Q ADR 1 after the C2 bytes */
    assert_int_equal(read_cd(e, 12, 1, 0, 0xFC, 0, buf, sizeof(buf), &res), 0);
    assert_memory_equal(buf + 2352, zeros, 296);
    /* Silent flip: data differs, no C2 bit. */
    assert_int_equal(dw_drive_read_raw(d, 20, 1, raw), 0);
    assert_int_equal(read_cd(e, 20, 1, 0, 0xFA, 0, buf, sizeof(buf), &res), 0);
    assert_memory_not_equal(buf, raw, 2352);
    assert_memory_equal(buf + 2352, zeros, 294);
    dw_emu_free(e);

    /* Non-MMC order: sub-channel before C2. */
    e = emu_open("medium=%s c2pos=after-sub", fx(CDDA));
    assert_int_equal(read_cd(e, 10, 1, 0, 0xFA, 2, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 2352 + 16 + 294);
    assert_int_equal(buf[2352] & 0x0F, 1);
    dw_emu_free(e);
    dw_drive_free(d);
}

/* One READ CD of lba with C2 (296: block error byte, pad, 294 bits)
 * against the medium's bytes: whether it came flagged, checking that the
 * changed bytes are exactly the flagged ones (16 of them) or none. */
static bool read_c2_flagged(struct dw_emu *e, int32_t lba, const uint8_t *medium)
{
    struct dw_emu_result res;
    uint8_t buf[2352 + 296];
    int flipped = 0, flagged = 0;

    assert_int_equal(read_cd(e, lba, 1, 0, 0xFC, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, sizeof(buf));
    for (int i = 0; i < 2352; i++) {
        bool differs = buf[i] != medium[i];
        bool bit = (buf[2352 + 2 + i / 8] >> (7 - i % 8)) & 1;
        assert_int_equal(differs, bit);
        flipped += differs;
        flagged += bit;
    }
    assert_int_equal(buf[2352] != 0, flagged != 0); /* block error byte */
    assert_true(flipped == 0 || flipped == 16);
    return flipped != 0;
}

/* c2-transient: C2 damage on the first K READ CDs of each LBA, then the
 * medium's bytes with no C2 bit, for good. */
static void test_c2_transient(void **state)
{
    struct dw_emu_result res;
    const struct dw_disc *disc;
    struct dw_drive *d = image_open(fx(CDDA), &disc);
    uint8_t medium[16][2352], buf[3 * (2352 + 294)];
    static const uint8_t zeros[294];
    struct dw_emu *e;
    (void)state;

    for (int32_t l = 0; l < 16; l++)
        assert_int_equal(dw_drive_read_raw(d, 10 + l, 1, medium[l]), 0);

    /* K = 2 on 10-12: reads 1 and 2 flagged and corrupt, read 3 clean. */
    e = emu_open("medium=%s c2=296 faults=c2-transient:10-12:2", fx(CDDA));
    for (int k = 1; k <= 2; k++)
        for (int32_t l = 10; l <= 12; l++)
            assert_true(read_c2_flagged(e, l, medium[l - 10]));
    for (int k = 3; k <= 5; k++)
        for (int32_t l = 10; l <= 12; l++)
            assert_false(read_c2_flagged(e, l, medium[l - 10]));
    assert_false(read_c2_flagged(e, 13, medium[3])); /* outside the range */
    dw_emu_free(e);

    /* Counters are per LBA and every READ CD of the sector counts, several
     * sectors a command too (C2 294 here). */
    e = emu_open("medium=%s c2=294 faults=c2-transient:10-12:2", fx(CDDA));
    assert_int_equal(read_cd(e, 10, 3, 0, 0xFA, 0, buf, sizeof(buf), &res), 0);
    for (int i = 0; i < 3; i++) {
        assert_memory_not_equal(buf + i * (2352 + 294), medium[i], 2352);
        assert_memory_not_equal(buf + i * (2352 + 294) + 2352, zeros, 294);
    }
    assert_int_equal(read_cd(e, 11, 1, 0, 0xFA, 0, buf, sizeof(buf), &res), 0);
    assert_memory_not_equal(buf, medium[1], 2352); /* 11: second read */
    assert_int_equal(read_cd(e, 10, 3, 0, 0xFA, 0, buf, sizeof(buf), &res), 0);
    assert_memory_not_equal(buf, medium[0], 2352); /* 10: second read */
    assert_memory_not_equal(buf + 2352, zeros, 294);
    assert_memory_equal(buf + (2352 + 294), medium[1], 2352); /* 11: third, clean */
    assert_memory_equal(buf + (2352 + 294) + 2352, zeros, 294);
    assert_memory_not_equal(buf + 2 * (2352 + 294), medium[2], 2352); /* 12: second */
    assert_int_equal(read_cd(e, 10, 3, 0, 0xFA, 0, buf, sizeof(buf), &res), 0);
    for (int i = 0; i < 3; i++) {
        assert_memory_equal(buf + i * (2352 + 294), medium[i], 2352);
        assert_memory_equal(buf + i * (2352 + 294) + 2352, zeros, 294);
    }
    dw_emu_free(e);

    /* A read without C2 pointers counts too: the bytes are damaged, only
     * unreported (K = 1: the next read is clean).  A permanent c2 fault
     * over the same LBA wins. */
    e = emu_open("medium=%s c2=294 faults=c2-transient:20-21:1,c2:21", fx(CDDA));
    assert_int_equal(read_cd(e, 20, 1, 0, 0xF8, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 2352);
    assert_memory_not_equal(buf, medium[10], 2352);
    assert_int_equal(read_cd(e, 20, 2, 0, 0xFA, 0, buf, sizeof(buf), &res), 0);
    assert_memory_equal(buf, medium[10], 2352);
    assert_memory_equal(buf + 2352, zeros, 294);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(read_cd(e, 21, 1, 0, 0xFA, 0, buf, sizeof(buf), &res), 0);
        assert_memory_not_equal(buf, medium[11], 2352);
        assert_memory_not_equal(buf + 2352, zeros, 294);
    }
    dw_emu_free(e);
    dw_drive_free(d);
}

/* ---- sub-channel ------------------------------------------------------------------- */

/* Q of lba both ways (raw P-W de-interleaved and formatted), checked to
 * agree and to carry a good CRC; returns it. */
static void q_at(struct dw_emu *e, int32_t lba, uint8_t q[12], bool *p)
{
    struct dw_emu_result res;
    uint8_t raw[2352 + 96], fq[2352 + 16];
    bool p_all;

    assert_int_equal(read_cd(e, lba, 1, 0, 0xF8, 1, raw, sizeof(raw), &res), 0);
    assert_int_equal(res.data_bytes, 2352 + 96);
    deinterleave_q(raw + 2352, q, &p_all);
    *p = (raw[2352] & 0x80) != 0;
    assert_int_equal(p_all, *p); /* P is all ones or all zeros */
    assert_int_equal(read_cd(e, lba, 1, 0, 0xF8, 2, fq, sizeof(fq), &res), 0);
    assert_int_equal(res.data_bytes, 2352 + 16);
    assert_memory_equal(fq + 2352, q, 12);
    assert_int_equal(fq[2352 + 12] | fq[2352 + 13] | fq[2352 + 14], 0);
    assert_int_equal((fq[2352 + 15] & 0x80) != 0, *p);
    assert_true(q_crc_ok(q));
}

/* An ADR 1 frame: TNO, INDEX, relative and absolute time (BCD). */
static void check_pos(const uint8_t q[12], unsigned ctl, unsigned tno, unsigned index,
                      int32_t rel, int32_t lba)
{
    unsigned m, s, f;
    assert_int_equal(q[0], ctl << 4 | 1);
    assert_int_equal(q[1], tno == 0xAA ? 0xAA : dw_bcd_encode(tno));
    assert_int_equal(q[2], dw_bcd_encode(index));
    assert_int_equal(
        dw_bcd_decode(q[3]) * 4500 + dw_bcd_decode(q[4]) * 75 + dw_bcd_decode(q[5]), rel);
    assert_int_equal(q[6], 0);
    dw_lba_to_msf(lba, &m, &s, &f);
    assert_int_equal(q[7], dw_bcd_encode(m));
    assert_int_equal(q[8], dw_bcd_encode(s));
    assert_int_equal(q[9], dw_bcd_encode(f));
}

static void test_subchannel(void **state)
{
    struct dw_emu *e = emu_open("medium=%s overread=both", tmp("mix.cue"));
    struct dw_emu_result res;
    uint8_t q[12], buf[2352 + 96];
    bool p;
    (void)state;

    /* Track 1's implicit pregap before LBA 0: INDEX 00, counting down. */
    q_at(e, -150, q, &p);
    check_pos(q, 0, 1, 0, 149, -150);
    assert_true(p);
    q_at(e, -1, q, &p);
    check_pos(q, 0, 1, 0, 0, -1);
    q_at(e, 0, q, &p);
    check_pos(q, 0, 1, 1, 0, 0);
    assert_false(p);
    /* Track boundary into track 2's INDEX 00 (LBA 300-449). */
    q_at(e, 299, q, &p);
    check_pos(q, 0, 1, 1, 299, 299);
    q_at(e, 300, q, &p);
    check_pos(q, 0, 2, 0, 149, 300);
    assert_true(p);
    q_at(e, 449, q, &p);
    check_pos(q, 0, 2, 0, 0, 449);
    q_at(e, 450, q, &p);
    check_pos(q, 0, 2, 1, 0, 450);
    assert_false(p);
    q_at(e, 600, q, &p);
    check_pos(q, 0, 2, 2, 150, 600);
    /* Lead-out, read with overread: TNO AAh. */
    q_at(e, 1200, q, &p);
    check_pos(q, 0, 0xAA, 1, 0, 1200);
    q_at(e, 1201, q, &p);
    check_pos(q, 0, 0xAA, 1, 1, 1201);
    /* MCN frame (ADR 2) at LBA mod 100 = 13. */
    q_at(e, 713, q, &p);
    assert_int_equal(q[0], 0x02);
    assert_int_equal(q[1], 0x12);
    assert_int_equal(q[2], 0x34);
    assert_int_equal(q[6], 0x12);
    assert_int_equal(q[7], 0x30);
    assert_int_equal(q[9], dw_bcd_encode((713 + 150) % 75));
    /* ISRC frame (ADR 3) at LBA mod 100 = 53, inside track 2. */
    q_at(e, 653, q, &p);
    assert_int_equal(q[0], 0x03);
    {
        static const char alphabet[] = "0123456789???????ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        uint32_t bits =
            (uint32_t)q[1] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 8 | q[4];
        char isrc[13];
        for (int i = 0; i < 5; i++) {
            unsigned code = (bits >> (26 - 6 * i)) & 0x3F;
            isrc[i] = code < sizeof(alphabet) - 1 ? alphabet[code] : '?';
        }
        for (int i = 0; i < 7; i++)
            isrc[5 + i] = (char)('0' + ((q[5 + i / 2] >> (i % 2 ? 0 : 4)) & 0x0F));
        isrc[12] = '\0';
        assert_string_equal(isrc, "GBXYZ9912345");
    }
    q_at(e, 253, q, &p); /* track 1's ISRC */
    assert_int_equal(q[0], 0x03);
    q_at(e, 353, q, &p); /* in track 2's pregap: a position frame */
    assert_int_equal(q[0], 0x01);
    /* R-W: 96 zero bytes. */
    assert_int_equal(read_cd(e, 700, 1, 0, 0x00, 4, buf, sizeof(buf), &res), 0);
    assert_int_equal(res.data_bytes, 96);
    for (int i = 0; i < 96; i++)
        assert_int_equal(buf[i], 0);
    dw_emu_free(e);

    /* p1.cue: INDEX 00 at 0 and 150, INDEX 01 at 75 and 225; DCP flag. */
    e = emu_open("medium=%s", fx(P1));
    q_at(e, 0, q, &p);
    check_pos(q, DW_CTL_DCP, 1, 0, 74, 0);
    q_at(e, 224, q, &p);
    check_pos(q, DW_CTL_DCP, 2, 0, 0, 224);
    q_at(e, 225, q, &p);
    check_pos(q, DW_CTL_DCP, 2, 1, 0, 225);
    dw_emu_free(e);

    /* Data track control; the two-session disc's second session. */
    e = emu_open("medium=%s", tmp("ms.cue"));
    q_at(e, 11700, q, &p);
    check_pos(q, DW_CTL_DATA, 2, 1, 0, 11700);
    q_at(e, 11600, q, &p);
    check_pos(q, DW_CTL_DATA, 2, 0, 99, 11600);
    read_cd(e, 400, 1, 0, 0xF8, 1, buf, sizeof(buf), &res); /* between the sessions */
    check_sense(&res, 3, 0x02, 0);
    dw_emu_free(e);

    /* subq=binary: formatted Q numbers in binary; raw P-W stays BCD. */
    e = emu_open("medium=%s subq=binary", tmp("mix.cue"));
    assert_int_equal(read_cd(e, 1000, 1, 0, 0x00, 2, buf, sizeof(buf), &res), 0);
    assert_int_equal(buf[1], 2);
    assert_int_equal(buf[2], 2);
    assert_int_equal(buf[3] * 4500 + buf[4] * 75 + buf[5], 550);
    assert_int_equal(buf[7] * 4500 + buf[8] * 75 + buf[9], 1150);
    dw_emu_free(e);

    /* badq: the CRC is wrong on those frames only. */
    e = emu_open("medium=%s faults=badq:500-501", tmp("mix.cue"));
    assert_int_equal(read_cd(e, 500, 1, 0, 0x00, 2, buf, sizeof(buf), &res), 0);
    assert_false(q_crc_ok(buf));
    assert_int_equal(read_cd(e, 502, 1, 0, 0x00, 2, buf, sizeof(buf), &res), 0);
    assert_true(q_crc_ok(buf));
    dw_emu_free(e);
}

static void test_read_subchannel(void **state)
{
    struct dw_emu *e = emu_open("medium=%s", tmp("mix.cue"));
    struct dw_emu_result res;
    uint8_t cdb[DW_MMC_CDB_MAX], buf[48];
    char mcn[14], isrc[13];
    size_t n;
    (void)state;

    n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_MCN, 0, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_parse_mcn(buf, res.data_bytes, mcn), 0);
    assert_string_equal(mcn, "1234567890123");
    n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_ISRC, 2, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_parse_isrc(buf, res.data_bytes, isrc), 0);
    assert_string_equal(isrc, "GBXYZ9912345");
    n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_ISRC, 7, sizeof(buf));
    run(e, cdb, n, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x24, 0);
    /* Current position: where the last read ended (LBA 320, pregap of 2). */
    {
        uint8_t sector[2352 * 3];
        assert_int_equal(read_cd(e, 318, 3, 0, 0x10, 0, sector, sizeof(sector), &res), 0);
    }
    assert_int_equal(RUN(e, buf, sizeof(buf), &res, 0x42, 0, 0x40, 1, 0, 0, 0, 0, 16, 0),
                     0);
    assert_int_equal(buf[4], 1);
    assert_int_equal(buf[6], 2);
    assert_int_equal(buf[7], 0);
    assert_int_equal((int32_t)dw__mmc_get_be32(buf + 8), 320);
    assert_int_equal((int32_t)dw__mmc_get_be32(buf + 12), 320 - 450);
    dw_emu_free(e);

    e = emu_open("medium=%s", fx(ISOFS)); /* MCN 0000012101954, no ISRC */
    n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_MCN, 0, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_parse_mcn(buf, res.data_bytes, mcn), 0);
    assert_string_equal(mcn, "0000012101954");
    n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_ISRC, 1, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_parse_isrc(buf, res.data_bytes, isrc), 0);
    assert_string_equal(isrc, "");
    dw_emu_free(e);
}

/* ---- read offset ---------------------------------------------------------------------
 */

static void test_offset(void **state)
{
    const struct dw_disc *disc;
    struct dw_drive *d = image_open(tmp("mix.cue"), &disc);
    struct dw_emu_result res;
    uint8_t *image = malloc(1200 * (size_t)2352), buf[2352];
    struct dw_emu *e;
    (void)state;

    assert_non_null(image);
    assert_int_equal(dw_drive_read_raw(d, 0, 1200, image), 0);
    /* +30 samples: the drive returns data from 120 bytes earlier. */
    e = emu_open("medium=%s offset=30", tmp("mix.cue"));
    assert_int_equal(
        read_cd(e, 10, 1, DW_MMC_SECTOR_CDDA, 0x10, 0, buf, sizeof(buf), &res), 0);
    assert_memory_equal(buf, image + 10 * 2352 - 120, 2352);
    assert_int_equal(read_cd(e, 0, 1, 0, 0x10, 0, buf, sizeof(buf), &res), 0);
    for (int i = 0; i < 120; i++)
        assert_int_equal(buf[i], 0);
    assert_memory_equal(buf + 120, image, 2352 - 120);
    dw_emu_free(e);
    /* -588 samples: exactly one sector later; zero past the lead-out. */
    e = emu_open("medium=%s offset=-588", tmp("mix.cue"));
    assert_int_equal(read_cd(e, 10, 1, 0, 0x10, 0, buf, sizeof(buf), &res), 0);
    assert_memory_equal(buf, image + 11 * 2352, 2352);
    assert_int_equal(read_cd(e, 1199, 1, 0, 0x10, 0, buf, sizeof(buf), &res), 0);
    for (int i = 0; i < 2352; i++)
        assert_int_equal(buf[i], 0);
    dw_emu_free(e);
    /* Jitter: every other READ CD comes 3 samples off. */
    e = emu_open("medium=%s faults=jitter:100-200:3", tmp("mix.cue"));
    assert_int_equal(read_cd(e, 150, 1, 0, 0x10, 0, buf, sizeof(buf), &res), 0);
    assert_memory_equal(buf, image + 150 * 2352, 2352);
    assert_int_equal(read_cd(e, 150, 1, 0, 0x10, 0, buf, sizeof(buf), &res), 0);
    assert_memory_equal(buf, image + 150 * 2352 - 12, 2352);
    dw_emu_free(e);
    /* Seeded jitter: a pseudo-random half of the READ CDs come off, the
     * same sequence for the same seed, and no fixed period (reads two
     * commands apart, as a re-read after a cache-defeating seek, differ). */
    {
        bool shifted[3][64];
        int count = 0, period2 = 0;
        for (int run_no = 0; run_no < 3; run_no++) {
            e = emu_open("medium=%s faults=jitter:100-200:3:%d", tmp("mix.cue"),
                         run_no < 2 ? 7 : 8);
            for (int i = 0; i < 64; i++) {
                assert_int_equal(read_cd(e, 150, 1, 0, 0x10, 0, buf, sizeof(buf), &res), 0);
                shifted[run_no][i] = memcmp(buf, image + 150 * 2352, 2352) != 0;
                if (shifted[run_no][i]) { /* 1-3 samples early or late */
                    int found = 0;
                    for (int k = -3; k <= 3; k++)
                        found += k && !memcmp(buf, image + 150 * 2352 - 4 * k, 2352);
                    assert_int_equal(found, 1);
                }
            }
            dw_emu_free(e);
        }
        for (int i = 0; i < 64; i++) {
            count += shifted[0][i];
            period2 += i >= 2 && shifted[0][i] != shifted[0][i - 2];
        }
        assert_memory_equal(shifted[0], shifted[1], sizeof(shifted[0]));
        assert_memory_not_equal(shifted[0], shifted[2], sizeof(shifted[0]));
        assert_in_range(count, 16, 48);
        assert_true(period2 > 0);
    }
    free(image);
    dw_drive_free(d);
}

/* ---- overread -----------------------------------------------------------------------
 */

static void test_overread(void **state)
{
    struct dw_emu_result res;
    uint8_t buf[2352];
    struct dw_emu *e;
    (void)state;

    e = emu_open("medium=%s overread=leadin", fx(CDDA));
    assert_int_equal(
        read_cd(e, -150, 1, DW_MMC_SECTOR_CDDA, 0x10, 0, buf, sizeof(buf), &res), 0);
    for (int i = 0; i < 2352; i++)
        assert_int_equal(buf[i], 0);
    read_cd(e, -151, 1, 0, 0x10, 0, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x21, 0);
    read_cd(e, 302, 1, 0, 0x10, 0, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x21, 0);
    dw_emu_free(e);
    e = emu_open("medium=%s overread=leadout", fx(ISOFS));
    assert_int_equal(
        read_cd(e, 302, 1, DW_MMC_SECTOR_MODE1, 0xF8, 0, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw_sector_check(buf, 302, NULL), DW_SECTOR_GOOD);
    read_cd(e, -1, 1, 0, 0x10, 0, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x21, 0);
    dw_emu_free(e);
}

/* ---- fault plan
 * ------------------------------------------------------------------------ */

static void test_faults(void **state)
{
    struct dw_emu_result res;
    struct dw__mmc_sense s;
    uint8_t buf[10 * 2352];
    FILE *f;
    struct dw_emu *e;
    (void)state;

    /* Unreadable: sense and information = the first bad LBA of the request. */
    e = emu_open("medium=%s faults=unreadable:100-110:3/11/05,unreadable:200", fx(CDDA));
    read_cd(e, 95, 10, 0, 0xF8, 0, buf, sizeof(buf), &res);
    s = check_sense(&res, 3, 0x11, 0x05);
    assert_true(s.info_valid);
    assert_int_equal(s.info, 100);
    read_cd(e, 105, 1, 0, 0xF8, 0, buf, sizeof(buf), &res);
    assert_int_equal(check_sense(&res, 3, 0x11, 0x05).info, 105);
    assert_int_equal(read_cd(e, 111, 5, 0, 0xF8, 0, buf, sizeof(buf), &res), 0);
    read_cd(e, 200, 1, 0, 0xF8, 0, buf, sizeof(buf), &res);
    check_sense(&res, 3, 0x11, 0x00);
    /* REQUEST SENSE reports the same. */
    assert_int_equal(RUN(e, buf, 18, &res, 0x03, 0, 0, 0, 18, 0), 0);
    assert_int_equal(dw__mmc_parse_sense(buf, 18, &s), 0);
    assert_int_equal(s.key, 3);
    assert_true(s.info_valid);
    assert_int_equal(s.info, 200);
    dw_emu_free(e);

    /* READ(10) on a data disc. */
    e = emu_open("medium=%s faults=unreadable:20-21:3/11/05", fx(ISOFS));
    read10(e, 16, 8, buf, 8 * 2048, &res);
    assert_int_equal(check_sense(&res, 3, 0x11, 0x05).info, 20);
    dw_emu_free(e);

    /* Transient: fails twice per LBA, then reads. */
    e = emu_open("medium=%s faults=transient:50-52:2", fx(CDDA));
    read_cd(e, 50, 3, 0, 0xF8, 0, buf, sizeof(buf), &res);
    assert_int_equal(check_sense(&res, 3, 0x11, 0).info, 50);
    read_cd(e, 50, 3, 0, 0xF8, 0, buf, sizeof(buf), &res);
    assert_int_equal(check_sense(&res, 3, 0x11, 0).info, 50);
    read_cd(e, 50, 3, 0, 0xF8, 0, buf, sizeof(buf), &res);
    assert_int_equal(check_sense(&res, 3, 0x11, 0).info, 51);
    read_cd(e, 51, 1, 0, 0xF8, 0, buf, sizeof(buf), &res);
    assert_int_equal(check_sense(&res, 3, 0x11, 0).info, 51);
    read_cd(e, 50, 3, 0, 0xF8, 0, buf, sizeof(buf), &res);
    assert_int_equal(check_sense(&res, 3, 0x11, 0).info, 52);
    read_cd(e, 52, 1, 0, 0xF8, 0, buf, sizeof(buf), &res);
    check_sense(&res, 3, 0x11, 0);
    assert_int_equal(read_cd(e, 50, 3, 0, 0xF8, 0, buf, sizeof(buf), &res), 0);
    dw_emu_free(e);

    /* The medium vanishes after 3 reads, then comes back with 6/28/00. */
    e = emu_open("medium=%s faults=medium-gone-after:3", fx(CDDA));
    for (int i = 0; i < 3; i++)
        assert_int_equal(read_cd(e, i, 1, 0, 0xF8, 0, buf, sizeof(buf), &res), 0);
    read_cd(e, 3, 1, 0, 0xF8, 0, buf, sizeof(buf), &res);
    check_sense(&res, 2, 0x3A, 0);
    assert_false(dw_emu_medium_present(e));
    RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0);
    check_sense(&res, 2, 0x3A, 0);
    dw_emu_load(e);
    assert_true(dw_emu_medium_present(e));
    assert_int_equal(RUN(e, buf, 36, &res, 0x12, 0, 0, 0, 36, 0), 0); /* INQUIRY passes */
    RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0);
    check_sense(&res, 6, 0x28, 0);
    assert_int_equal(RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(read_cd(e, i, 1, 0, 0xF8, 0, buf, sizeof(buf), &res), 0);
    dw_emu_free(e);

    /* A unit attention after 2 commands; REQUEST SENSE reports and clears it. */
    e = emu_open("medium=%s faults=ua-after:2", fx(CDDA));
    assert_int_equal(RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0), 0);
    assert_int_equal(RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0), 0);
    assert_int_equal(RUN(e, buf, 18, &res, 0x03, 0, 0, 0, 18, 0), 0);
    assert_int_equal(dw__mmc_parse_sense(buf, 18, &s), 0);
    assert_int_equal(s.key, 6);
    assert_int_equal(s.asc, 0x29);
    assert_int_equal(RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0), 0);
    dw_emu_free(e);

    /* A plan from a file, with comments. */
    f = fopen(tmp("plan.txt"), "w");
    assert_non_null(f);
    fputs("# bad spots\nunreadable:-150--100\n  transient:7:1 # once\n", f);
    fclose(f);
    e = emu_open("medium=%s overread=leadin faults=@%s", fx(CDDA), tmp("plan.txt"));
    read_cd(e, -120, 1, 0, 0x10, 0, buf, sizeof(buf), &res);
    assert_int_equal((int32_t)check_sense(&res, 3, 0x11, 0).info, -120);
    assert_int_equal(read_cd(e, -99, 1, 0, 0x10, 0, buf, sizeof(buf), &res), 0);
    read_cd(e, 7, 1, 0, 0x10, 0, buf, sizeof(buf), &res);
    check_sense(&res, 3, 0x11, 0);
    assert_int_equal(read_cd(e, 7, 1, 0, 0x10, 0, buf, sizeof(buf), &res), 0);
    dw_emu_free(e);
}

/* A hung command: no status, no data, no sense, not executed; the count
 * runs down per command of that opcode only; other commands answer. */
static void test_hang(void **state)
{
    struct dw_emu_result res;
    uint8_t buf[2 * 2352], ref[2 * 2352];
    char msg[512];
    struct dw_emu *e;
    (void)state;

    /* Every READ CD hangs; TEST UNIT READY, READ(10)... answer. */
    e = emu_open("medium=%s faults=hang:BE", fx(CDDA));
    for (int i = 0; i < 3; i++) {
        memset(buf, 0xA5, sizeof(buf));
        assert_int_equal(read_cd(e, 10, 2, 0, 0xF8, 0, buf, sizeof(buf), &res), -1);
        assert_true(res.hung);
        assert_int_equal(res.sense_bytes, 0);
        assert_int_equal(res.data_bytes, 0);
        assert_int_equal(res.residual_bytes, sizeof(buf));
        for (size_t k = 0; k < sizeof(buf); k++) /* nothing written */
            assert_int_equal(buf[k], 0xA5);
    }
    assert_int_equal(RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0), 0);
    assert_false(res.hung);
    /* A hung command leaves no sense behind: REQUEST SENSE says "no sense". */
    assert_int_equal(RUN(e, buf, 18, &res, 0x03, 0, 0, 0, 18, 0), 0);
    assert_int_equal(buf[2] & 0x0F, 0);
    /* A hung PREVENT ALLOW does not lock. */
    dw_emu_free(e);
    e = emu_open("medium=%s faults=hang:0x1e:1", fx(CDDA));
    assert_int_equal(RUN(e, NULL, 0, &res, 0x1E, 0, 0, 0, 1, 0), -1);
    assert_true(res.hung);
    assert_false(dw_emu_locked(e));
    assert_int_equal(RUN(e, NULL, 0, &res, 0x1E, 0, 0, 0, 1, 0), 0);
    assert_true(dw_emu_locked(e));
    assert_int_equal(RUN(e, NULL, 0, &res, 0x1E, 0, 0, 0, 0, 0), 0);
    assert_false(dw_emu_locked(e));
    dw_emu_free(e);

    /* hang:BEh:2 (two commands), then the same data as a drive without it. */
    e = emu_open("medium=%s", fx(CDDA));
    assert_int_equal(read_cd(e, 10, 2, 0, 0xF8, 0, ref, sizeof(ref), &res), 0);
    dw_emu_free(e);
    e = emu_open("medium=%s faults=hang:be:2,hang:28", fx(CDDA));
    assert_int_equal(read_cd(e, 10, 2, 0, 0xF8, 0, buf, sizeof(buf), &res), -1);
    assert_int_equal(RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0), 0);
    assert_int_equal(read_cd(e, 10, 2, 0, 0xF8, 0, buf, sizeof(buf), &res), -1);
    assert_int_equal(read_cd(e, 10, 2, 0, 0xF8, 0, buf, sizeof(buf), &res), 0);
    assert_false(res.hung);
    assert_memory_equal(buf, ref, sizeof(ref));
    assert_int_equal(read10(e, 0, 1, buf, 2048, &res), -1);
    assert_true(res.hung);
    dw_emu_free(e);

    /* Bad plans. */
    static const char *const bad[] = {
        "hang", "hang:", "hang:zz", "hang:1FF", "hang:0x", "hang:BE:0", "hang:BE:-1",
        "hang:BE:x", "hang:BE:2:3", "hang:-1", "hang:BEh",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char config[64];
        snprintf(config, sizeof(config), "faults=%s", bad[i]);
        msg[0] = '\0';
        assert_null(dw_emu_new(config, msg, sizeof(msg)));
        assert_non_null(strstr(msg, "fault plan"));
    }
}

/* ---- mode pages, locking, eject ------------------------------------------------------
 */

static void test_mode_pages(void **state)
{
    struct dw_emu_result res;
    struct dw__mmc_caps caps;
    uint8_t cdb[DW_MMC_CDB_MAX], buf[512];
    size_t n;
    struct dw_emu *e = emu_open("medium=%s c2=294", fx(CDDA));
    (void)state;

    RUN(e, buf, 255, &res, 0x1A, 0x08, 0x2A, 0, 255, 0);
    check_sense(&res, 5, 0x20, 0);
    RUN(e, NULL, 0, &res, 0x15, 0x10, 0, 0, 0, 0);
    check_sense(&res, 5, 0x20, 0);

    n = dw__mmc_build_mode_sense10(cdb, DW_MMC_PAGE_CAPABILITIES, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_get_be16(buf) + 2, res.data_bytes);
    assert_int_equal(dw__mmc_parse_caps(buf, res.data_bytes, &caps), 0);
    assert_true(caps.c2_pointers && caps.cdda_commands && caps.accurate_stream);
    assert_true(caps.rw_supported && caps.rw_corrected && caps.isrc && caps.upc);
    assert_true(caps.read_cdr && caps.read_cdrw && caps.read_dvdrom);
    assert_true(caps.can_eject && caps.can_lock && !caps.locked);
    assert_true(caps.buffer_kib > 0);
    /* libburn's rule for page 2Ah: 32 + 4 * descriptors bytes. */
    assert_int_equal(buf[8 + 1] + 2, 32 + 4 * dw__mmc_get_be16(buf + 8 + 30));
    assert_true(dw__mmc_get_be16(buf + 8 + 8) >= 7056); /* 48x read */

    assert_int_equal(RUN(e, NULL, 0, &res, 0x1E, 0, 0, 0, 1, 0), 0);
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_parse_caps(buf, res.data_bytes, &caps), 0);
    assert_true(caps.locked);

    /* 3Fh: pages 01h, 05h and 2Ah in order. */
    assert_int_equal(
        RUN(e, buf, sizeof(buf), &res, 0x5A, 0x08, 0x3F, 0, 0, 0, 0, 0x02, 0, 0), 0);
    assert_int_equal(buf[8], 0x01);
    assert_int_equal(buf[8 + 12], 0x05);
    assert_int_equal(buf[8 + 12 + 52], 0x2A);
    /* Saved values are not kept; unknown pages refused. */
    RUN(e, buf, sizeof(buf), &res, 0x5A, 0x08, 0xEA, 0, 0, 0, 0, 0x02, 0, 0);
    check_sense(&res, 5, 0x39, 0);
    RUN(e, buf, sizeof(buf), &res, 0x5A, 0x08, 0x1C, 0, 0, 0, 0, 0x02, 0, 0);
    check_sense(&res, 5, 0x24, 0);

    /* MODE SELECT(10) of page 05h: write type SAO (2) is kept. */
    {
        uint8_t param[8 + 52] = {0};
        param[8] = 0x05;
        param[9] = 0x32;
        param[10] = 0x02;
        param[11] = 0x00;
        param[12] = 0x00;
        dw_emu_exec(e, (const uint8_t[]){0x55, 0x10, 0, 0, 0, 0, 0, 0, sizeof(param), 0},
                    10, param, sizeof(param), DW_EMU_WRITE, &res);
        assert_int_equal(res.status, 0);
        assert_int_equal(
            RUN(e, buf, sizeof(buf), &res, 0x5A, 0x08, 0x05, 0, 0, 0, 0, 0x01, 0, 0), 0);
        assert_int_equal(buf[8], 0x05);
        assert_int_equal(buf[8 + 2] & 0x0F, 0x02);
        param[8] = 0x1C; /* not a page of this drive */
        dw_emu_exec(e, (const uint8_t[]){0x55, 0x10, 0, 0, 0, 0, 0, 0, sizeof(param), 0},
                    10, param, sizeof(param), DW_EMU_WRITE, &res);
        check_sense(&res, 5, 0x26, 0);
    }
    dw_emu_free(e);
}

static void test_eject_and_lock(void **state)
{
    struct dw_emu_result res;
    uint8_t buf[8];
    struct dw_emu *e = emu_open("medium=%s", fx(CDDA));
    (void)state;

    /* The new-media event of loading is not pending at start. */
    assert_int_equal(RUN(e, buf, 8, &res, 0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8, 0), 0);
    assert_int_equal(buf[2], 0x04);
    assert_int_equal(buf[4], 0);
    assert_int_equal(buf[5], 0x02); /* medium present, tray closed */
    RUN(e, buf, 8, &res, 0x4A, 0, 0, 0, 0x10, 0, 0, 0, 8, 0); /* asynchronous */
    check_sense(&res, 5, 0x24, 0);

    assert_int_equal(RUN(e, NULL, 0, &res, 0x1E, 0, 0, 0, 1, 0), 0);
    RUN(e, NULL, 0, &res, 0x1B, 0, 0, 0, 0x02, 0);
    check_sense(&res, 5, 0x53, 0x02);
    assert_true(dw_emu_medium_present(e));
    assert_int_equal(RUN(e, NULL, 0, &res, 0x1E, 0, 0, 0, 0, 0), 0);
    assert_int_equal(RUN(e, NULL, 0, &res, 0x1B, 0, 0, 0, 0x02, 0), 0);
    assert_false(dw_emu_medium_present(e));
    RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0);
    check_sense(&res, 2, 0x3A, 0);
    assert_int_equal(RUN(e, buf, 8, &res, 0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8, 0), 0);
    assert_int_equal(buf[4], 3);    /* media removal */
    assert_int_equal(buf[5], 0x01); /* tray open, no medium */
    assert_int_equal(RUN(e, buf, 8, &res, 0xBD, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0), 0);
    assert_int_equal(buf[1] & 0x10, 0x10);
    /* Load: the next command sees the medium change once. */
    assert_int_equal(RUN(e, NULL, 0, &res, 0x1B, 0, 0, 0, 0x03, 0), 0);
    assert_true(dw_emu_medium_present(e));
    assert_int_equal(RUN(e, buf, 8, &res, 0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8, 0), 0);
    assert_int_equal(buf[4], 2); /* new media */
    RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0);
    check_sense(&res, 6, 0x28, 0);
    assert_int_equal(RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0), 0);
    /* The test hook ejects whatever the lock says. */
    assert_int_equal(RUN(e, NULL, 0, &res, 0x1E, 0, 0, 0, 1, 0), 0);
    dw_emu_eject(e);
    assert_false(dw_emu_medium_present(e));
    dw_emu_load(e);
    assert_true(dw_emu_medium_present(e));
    dw_emu_free(e);
}

/* ---- CD-TEXT -------------------------------------------------------------------------
 */

static void test_cdtext(void **state)
{
    struct dw_emu_result res;
    size_t bytes, pack_bytes;
    const uint8_t *packs;
    uint8_t *buf;
    cdtext_t *ct;
    struct dw_emu *e = emu_open("medium=%s", fx(CDDA));
    (void)state;

    buf = read_toc(e, DW_MMC_TOC_FMT_CDTEXT, false, 0, &bytes, &res);
    assert_non_null(buf);
    assert_int_equal(dw__mmc_parse_cdtext(buf, bytes, &packs, &pack_bytes), 0);
    assert_int_equal(pack_bytes, bytes - 4);
    assert_int_equal(pack_bytes % 18, 0);
    for (size_t off = 0; off < pack_bytes; off += 18) {
        const uint8_t *p = packs + off;
        uint16_t crc = 0;
        for (int i = 0; i < 16; i++) { /* CRC-16/CCITT, inverted (IEC 61866) */
            crc ^= (uint16_t)(p[i] << 8);
            for (int b = 0; b < 8; b++)
                crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
        }
        assert_int_equal((uint16_t)~crc, (uint16_t)(p[16] << 8 | p[17]));
        assert_int_equal(p[2], off / 18); /* sequence numbers */
    }
    assert_true(dw__cdtext_is_safe(packs, pack_bytes));
    /* libcdio decodes them. */
    ct = cdtext_init();
    assert_non_null(ct);
    assert_int_equal(cdtext_data_init(ct, (uint8_t *)packs, pack_bytes), 0);
    assert_string_equal(cdtext_get_const(ct, CDTEXT_FIELD_TITLE, 0),
                        "Join us now we have the software");
    assert_string_equal(cdtext_get_const(ct, CDTEXT_FIELD_PERFORMER, 0),
                        "Richard Stallman");
    assert_string_equal(cdtext_get_const(ct, CDTEXT_FIELD_TITLE, 1), "Soft");
    assert_string_equal(cdtext_get_const(ct, CDTEXT_FIELD_PERFORMER, 1), "Richard S");
    cdtext_destroy(ct);
    free(buf);
    dw_emu_free(e);

    e = emu_open("medium=%s cdtext=no", fx(CDDA));
    assert_null(read_toc(e, DW_MMC_TOC_FMT_CDTEXT, false, 0, &bytes, &res));
    check_sense(&res, 5, 0x24, 0);
    dw_emu_free(e);
    e = emu_open("medium=%s", fx(ISOFS));
    assert_null(read_toc(e, DW_MMC_TOC_FMT_CDTEXT, false, 0, &bytes, &res));
    check_sense(&res, 5, 0x24, 0);
    dw_emu_free(e);
}

/* ---- disc, track and structure information
 * ------------------------------------------------ */

static void test_disc_and_track_info(void **state)
{
    struct dw_emu_result res;
    struct dw__mmc_disc_info di;
    uint8_t cdb[DW_MMC_CDB_MAX], buf[4096];
    size_t n;
    struct dw_emu *e = emu_open("medium=%s", tmp("ms.cue"));
    (void)state;

    n = dw__mmc_build_read_disc_info(cdb, 34);
    assert_int_equal(run(e, cdb, n, buf, 34, &res), 0);
    assert_int_equal(dw__mmc_parse_disc_info(buf, 34, &di), 0);
    assert_int_equal(di.status, DW_STATUS_CLOSED);
    assert_int_equal(di.last_session_state, 3);
    assert_false(di.erasable);
    assert_int_equal(di.session_count, 2);
    assert_int_equal(di.first_track, 1);
    assert_int_equal(di.first_track_last_session, 2);
    assert_int_equal(di.last_track_last_session, 2);
    assert_int_equal(di.disc_type, 0x00);
    /* Track information by number, by LBA (a pregap belongs to its track),
     * by session. */
    assert_int_equal(RUN(e, buf, 48, &res, 0x52, 1, 0, 0, 0, 2, 0, 0, 48, 0), 0);
    assert_int_equal(res.data_bytes, 48);
    assert_int_equal(buf[2], 2);
    assert_int_equal(buf[3], 2);
    assert_int_equal(buf[5] & 0x0F, DW_CTL_DATA);
    assert_int_equal(buf[6] & 0x0F, 1);
    assert_int_equal(dw__mmc_get_be32(buf + 8), 11700);
    assert_int_equal(dw__mmc_get_be32(buf + 16), 0);
    assert_int_equal(dw__mmc_get_be32(buf + 24), 100);
    assert_int_equal(dw__mmc_get_be32(buf + 28), 11799);
    assert_int_equal(RUN(e, buf, 48, &res, 0x52, 0, 0, 0, 0x2D, 0x60, 0, 0, 48, 0),
                     0); /* 11616 */
    assert_int_equal(buf[2], 2);
    assert_int_equal(RUN(e, buf, 48, &res, 0x52, 2, 0, 0, 0, 1, 0, 0, 48, 0), 0);
    assert_int_equal(buf[2], 1);
    assert_int_equal(buf[6] & 0x0F, 0x0F); /* audio: no data block type */
    RUN(e, buf, 48, &res, 0x52, 1, 0, 0, 0, 0xFF, 0, 0, 48, 0);
    check_sense(&res, 5, 0x24, 0);
    RUN(e, buf, 48, &res, 0x52, 0, 0, 0, 0x03, 0xE8, 0, 0, 48, 0); /* LBA 1000: gap */
    check_sense(&res, 5, 0x21, 0);
    /* READ DISC STRUCTURE is for DVD and BD. */
    RUN(e, buf, sizeof(buf), &res, 0xAD, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x04, 0, 0);
    check_sense(&res, 5, 0x24, 0);
    /* GET PERFORMANCE, nominal. */
    assert_int_equal(RUN(e, buf, 64, &res, 0xAC, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0), 0);
    assert_int_equal(dw__mmc_get_be32(buf), 4 + 16);
    assert_int_equal(dw__mmc_get_be32(buf + 16), 11799);
    assert_true(dw__mmc_get_be32(buf + 12) > 0);
    assert_int_equal(RUN(e, buf, 64, &res, 0xAC, 0, 0, 0, 0, 0, 0, 0, 0, 4, 3, 0), 0);
    assert_int_equal(dw__mmc_get_be32(buf), 4 + 32);
    /* SET CD SPEED and SET STREAMING are taken. */
    assert_int_equal(
        RUN(e, NULL, 0, &res, 0xBB, 0, 0x05, 0x83, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0), 0);
    {
        uint8_t perf[28] = {0};
        dw__mmc_put_be32(perf + 8, 11799);
        dw__mmc_put_be32(perf + 12, 1764);
        dw__mmc_put_be32(perf + 16, 1000);
        dw_emu_exec(e, (const uint8_t[]){0xB6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 28, 0}, 12,
                    perf, sizeof(perf), DW_EMU_WRITE, &res);
        assert_int_equal(res.status, 0);
    }
    /* READ FORMAT CAPACITIES. */
    assert_int_equal(RUN(e, buf, 12, &res, 0x23, 0, 0, 0, 0, 0, 0, 0, 12, 0), 0);
    assert_int_equal(buf[3], 8);
    assert_int_equal(dw__mmc_get_be32(buf + 4), 11800);
    assert_int_equal(buf[8] & 0x03, 0x02);
    dw_emu_free(e);

    /* A DVD: physical format information. */
    e = emu_open("medium=%s", fx(ISO));
    assert_int_equal(
        RUN(e, buf, sizeof(buf), &res, 0xAD, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x04, 0, 0), 0);
    assert_int_equal(res.data_bytes, 2052);
    assert_int_equal(dw__mmc_get_be16(buf), 2050);
    assert_int_equal(buf[4] >> 4, 0);      /* DVD-ROM book */
    assert_int_equal(buf[6] & 0x0F, 0x01); /* embossed layer */
    assert_int_equal(dw__mmc_get_be32(buf + 8), 0x30000);
    assert_int_equal(dw__mmc_get_be32(buf + 12), 0x30000 + 63);
    assert_int_equal(
        RUN(e, buf, sizeof(buf), &res, 0xAD, 0, 0, 0, 0, 0, 0, 0xFF, 0x08, 0x04, 0, 0),
        0);
    assert_int_equal(dw__mmc_get_be16(buf), 2 + 16);
    RUN(e, buf, sizeof(buf), &res, 0xAD, 0, 0, 0, 0, 0, 1, 0, 0x08, 0x04, 0,
        0); /* layer 1 */
    check_sense(&res, 5, 0x24, 0);
    n = dw__mmc_build_read_disc_info(cdb, 34);
    assert_int_equal(run(e, cdb, n, buf, 34, &res), 0);
    assert_int_equal(dw__mmc_parse_disc_info(buf, 34, &di), 0);
    assert_int_equal(di.status, DW_STATUS_CLOSED);
    assert_int_equal(RUN(e, buf, 48, &res, 0x52, 1, 0, 0, 0, 1, 0, 0, 48, 0), 0);
    assert_int_equal(dw__mmc_get_be32(buf + 24), 64);
    dw_emu_free(e);

    /* No medium: READ FORMAT CAPACITIES says so, GET PERFORMANCE cannot. */
    e = dw_emu_new(NULL, NULL, 0);
    assert_int_equal(RUN(e, buf, 12, &res, 0x23, 0, 0, 0, 0, 0, 0, 0, 12, 0), 0);
    assert_int_equal(buf[8] & 0x03, 0x03);
    RUN(e, buf, 64, &res, 0xAC, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0);
    check_sense(&res, 2, 0x3A, 0);
    dw_emu_free(e);
}

/* ---- timing model
 * -------------------------------------------------------------------------- */

static void test_timing(void **state)
{
    struct dw_emu_result res;
    uint8_t *buf = malloc(75 * (size_t)2352);
    uint64_t t0, t1;
    struct timespec w0, w1;
    struct dw_emu *e;
    (void)state;

    assert_non_null(buf);
    /* Off by default. */
    e = emu_open("medium=%s", tmp("mix.cue"));
    assert_int_equal(read_cd(e, 0, 75, 0, 0xF8, 0, buf, 75 * 2352, &res), 0);
    assert_int_equal(dw_emu_media_time_ns(e), 0);
    dw_emu_free(e);

    /* 4x, counted: 300 sectors = 1 s, plus 1 s spin-up and a 0.1 s seek. */
    e = emu_open("medium=%s speed=4 timing=virtual cache=75", tmp("mix.cue"));
    for (int i = 0; i < 4; i++)
        assert_int_equal(read_cd(e, 75 * i, 75, 0, 0xF8, 0, buf, 75 * 2352, &res), 0);
    t0 = dw_emu_media_time_ns(e);
    assert_true(t0 >= 2090000000ull && t0 <= 2110000000ull);
    /* The last 75 sectors are still cached. */
    assert_int_equal(read_cd(e, 225, 75, 0, 0xF8, 0, buf, 75 * 2352, &res), 0);
    assert_int_equal(dw_emu_media_time_ns(e), t0);
    /* A jump costs a seek. */
    assert_int_equal(read_cd(e, 900, 75, 0, 0xF8, 0, buf, 75 * 2352, &res), 0);
    t1 = dw_emu_media_time_ns(e) - t0;
    assert_true(t1 >= 340000000ull && t1 <= 360000000ull);
    dw_emu_free(e);

    /* Sleeping for real: a 16x DVD reads 36 sectors (73,728 bytes at
     * 22.16 MB/s) in 3.3 ms, after 1 s of spin-up and a 0.1 s seek. */
    e = emu_open("medium=%s speed=16", fx(ISO));
    clock_gettime(CLOCK_MONOTONIC, &w0);
    assert_int_equal(read10(e, 0, 36, buf, 36 * 2048, &res), 0);
    clock_gettime(CLOCK_MONOTONIC, &w1);
    t1 = dw_emu_media_time_ns(e);
    assert_true(t1 >= 1103000000ull && t1 <= 1104000000ull);
    assert_true((w1.tv_sec - w0.tv_sec) * 1000000000ll + (w1.tv_nsec - w0.tv_nsec) >=
                1103000000ll);
    dw_emu_free(e);
    free(buf);
}

/* ---- main
 * ------------------------------------------------------------------------------- */

static void cleanup(void)
{
    static const char *names[] = {"mix.bin", "mix.cue", "ms.bin", "ms.cue", "plan.txt"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        unlink(tmp(names[i]));
    rmdir(tmpdir);
}

int main(void)
{
    struct stat st;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inquiry),
        cmocka_unit_test(test_unit_ready_and_sense),
        cmocka_unit_test(test_get_configuration),
        cmocka_unit_test(test_read_toc),
        cmocka_unit_test(test_read_cd_raw),
        cmocka_unit_test(test_read_cd_msf),
        cmocka_unit_test(test_read_cd_mode1_cuts),
        cmocka_unit_test(test_read_cd_mode2_cuts),
        cmocka_unit_test(test_read10),
        cmocka_unit_test(test_c2),
        cmocka_unit_test(test_c2_transient),
        cmocka_unit_test(test_subchannel),
        cmocka_unit_test(test_read_subchannel),
        cmocka_unit_test(test_offset),
        cmocka_unit_test(test_overread),
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_hang),
        cmocka_unit_test(test_mode_pages),
        cmocka_unit_test(test_eject_and_lock),
        cmocka_unit_test(test_cdtext),
        cmocka_unit_test(test_disc_and_track_info),
        cmocka_unit_test(test_timing),
    };
    int failed;

    if (stat(fx(CDDA), &st) != 0 || stat(fx(VCD), &st) != 0) {
        return dw_test_no_fixtures(0, "the fixtures under " DW_FIXTURES_DIR);
    }
    snprintf(tmpdir, sizeof(tmpdir), "%s/dw-emu-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir) || make_discs()) {
        fprintf(stderr, "cannot make the test discs in %s\n", tmpdir);
        return 1;
    }
    snprintf(cd_images[0], sizeof(cd_images[0]), "%s", fx(CDDA));
    snprintf(cd_images[1], sizeof(cd_images[1]), "%s", fx(ISOFS));
    snprintf(cd_images[2], sizeof(cd_images[2]), "%s", fx(P1));
    snprintf(cd_images[3], sizeof(cd_images[3]), "%s", fx(EXTRA));
    snprintf(cd_images[4], sizeof(cd_images[4]), "%s", fx(VCD));
    snprintf(cd_images[5], sizeof(cd_images[5]), "%s", tmp("mix.cue"));
    snprintf(cd_images[6], sizeof(cd_images[6]), "%s", tmp("ms.cue"));
    failed = cmocka_run_group_tests(tests, NULL, NULL);
    cleanup();
    return failed ? 1 : 0;
}
