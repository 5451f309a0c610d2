/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the MMC drive emulator (tests/emu): the write side.
 *
 * Blank media written CDB by CDB the way libburn 1.5.4 writes them (mode
 * page 05h, READ TRACK INFORMATION for the NWA, WRITE, SYNCHRONIZE CACHE,
 * CLOSE TRACK/SESSION, SEND CUE SHEET, RESERVE TRACK, FORMAT UNIT, BLANK;
 * raw CD runs with RAW96R and RAW16 blocks as cdrdao's generic-mmc-raw
 * writes them),
 * then read back through the read side and discwright's own MMC reply
 * parsers (src/drive/mmc.h): TOC, full TOC, disc and track information,
 * READ CD raw sectors checked per ECMA-130, Q sub-channel, CD-TEXT.  Also
 * the state file across two emulator instances and the write faults.  No
 * fixtures needed.
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
#include <sys/stat.h>

#include "discwright/disc.h"
#include "discwright/sector.h"
#include "drive/mmc.h"
#include "emu.h"

/* ---- helpers ------------------------------------------------------------------ */

static char tmpdir[256];

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

static int run(struct dw_emu *e, const uint8_t *cdb, size_t cdb_len, uint8_t *buf,
               size_t bytes, struct dw_emu_result *res)
{
    dw_emu_exec(e, cdb, cdb_len, buf, bytes, bytes ? DW_EMU_READ : DW_EMU_NONE, res);
    return res->status;
}

#define RUN(e, buf, bytes, res, ...)                                                     \
    run((e), (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}),     \
        (buf), (bytes), (res))

/* Send data out with a CDB. */
static int run_out(struct dw_emu *e, const uint8_t *cdb, size_t cdb_len, const void *data,
                   size_t bytes, struct dw_emu_result *res)
{
    dw_emu_exec(e, cdb, cdb_len, (uint8_t *)(uintptr_t)data, bytes,
                bytes ? DW_EMU_WRITE : DW_EMU_NONE, res);
    return res->status;
}

static struct dw__mmc_sense check_sense(const struct dw_emu_result *res, int key, int asc,
                                        int ascq)
{
    struct dw__mmc_sense s;
    assert_int_equal(res->status, 2);
    assert_int_equal(dw__mmc_parse_sense(res->sense, res->sense_bytes, &s), 0);
    assert_int_equal(s.key, key);
    assert_int_equal(s.asc, asc);
    assert_int_equal(s.ascq, ascq);
    return s;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Mode page 05h (MMC-6 7.5): write type, data block type, track mode
 * (CONTROL), multi-session 11b when multi, test write; MCN and ISRC. */
struct page05 {
    unsigned write_type, block_type, control;
    bool multi, test;
    const char *mcn, *isrc;
};

static int mode_select_05(struct dw_emu *e, const struct page05 *p,
                          struct dw_emu_result *res)
{
    uint8_t param[8 + 0x34] = {0};
    uint8_t *pg = param + 8;
    pg[0] = 0x05;
    pg[1] = 0x32;
    pg[2] = (uint8_t)(0x40 | (p->test ? 0x10 : 0) | (p->write_type & 0x0F));
    pg[3] = (uint8_t)((p->multi ? 0xC0 : 0) | (p->control & 0x0F));
    pg[4] = (uint8_t)p->block_type;
    pg[15] = 150;
    if (p->mcn) {
        pg[16] = 0x80;
        memcpy(pg + 17, p->mcn, 13);
    }
    if (p->isrc) {
        pg[32] = 0x80;
        memcpy(pg + 33, p->isrc, 12);
    }
    return run_out(e, (const uint8_t[]){0x55, 0x10, 0, 0, 0, 0, 0, 0, sizeof(param), 0},
                   10, param, sizeof(param), res);
}

static int write10(struct dw_emu *e, int32_t lba, uint16_t sectors, const void *data,
                   size_t bytes, struct dw_emu_result *res)
{
    uint8_t cdb[10] = {0x2A, 0};
    put32(cdb + 2, (uint32_t)lba);
    cdb[7] = (uint8_t)(sectors >> 8);
    cdb[8] = (uint8_t)sectors;
    return run_out(e, cdb, sizeof(cdb), data, bytes, res);
}

static int sync_cache(struct dw_emu *e, struct dw_emu_result *res)
{
    return RUN(e, NULL, 0, res, 0x35, 0x02, 0, 0, 0, 0, 0, 0, 0, 0);
}

static int close_ts(struct dw_emu *e, unsigned function, unsigned track,
                    struct dw_emu_result *res)
{
    return RUN(e, NULL, 0, res, 0x5B, 0x01, (uint8_t)function, 0, (uint8_t)(track >> 8),
               (uint8_t)track, 0, 0, 0, 0);
}

static struct dw__mmc_disc_info disc_info(struct dw_emu *e)
{
    uint8_t cdb[DW_MMC_CDB_MAX], buf[34];
    struct dw_emu_result res;
    struct dw__mmc_disc_info di;
    size_t n = dw__mmc_build_read_disc_info(cdb, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_parse_disc_info(buf, res.data_bytes, &di), 0);
    return di;
}

/* READ TRACK INFORMATION by track number (FFh: the incomplete/invisible
 * track); 34 bytes into r. */
static int track_info(struct dw_emu *e, uint32_t track, uint8_t r[34],
                      struct dw_emu_result *res)
{
    uint8_t cdb[10] = {0x52, 0x01, 0, 0, 0, 0, 0, 0, 34, 0};
    put32(cdb + 2, track);
    return run(e, cdb, sizeof(cdb), r, 34, res);
}

static struct dw__mmc_toc read_toc(struct dw_emu *e)
{
    uint8_t cdb[DW_MMC_CDB_MAX], buf[1024];
    struct dw_emu_result res;
    struct dw__mmc_toc toc;
    size_t n = dw__mmc_build_read_toc(cdb, DW_MMC_TOC_FMT_TOC, false, 0, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_parse_toc(buf, res.data_bytes, &toc), 0);
    return toc;
}

static int read_cd(struct dw_emu *e, int32_t lba, uint32_t sectors, unsigned flags,
                   uint8_t *buf, size_t bytes, struct dw_emu_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_read_cd(cdb, lba, sectors, DW_MMC_SECTOR_ANY, flags);
    return run(e, cdb, n, buf, bytes, res);
}

static int read10(struct dw_emu *e, int32_t lba, uint16_t sectors, uint8_t *buf,
                  struct dw_emu_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_read10(cdb, (uint32_t)lba, sectors);
    return run(e, cdb, n, buf, (size_t)sectors * 2048, res);
}

static uint32_t read_capacity_last(struct dw_emu *e)
{
    uint8_t cdb[DW_MMC_CDB_MAX], buf[8];
    struct dw_emu_result res;
    uint32_t last, block;
    size_t n = dw__mmc_build_read_capacity(cdb);
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_parse_read_capacity(buf, res.data_bytes, &last, &block), 0);
    assert_int_equal(block, 2048);
    return last;
}

/* User data of sector lba, recognisable per LBA. */
static void fill_user(uint8_t *out, int32_t lba, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++)
        out[i] = (uint8_t)(lba * 7 + (int32_t)i * 13 + 5);
}

/* Write `sectors` sectors of fill_user data of `bytes_per` bytes from lba,
 * 16 at a time; every WRITE must succeed. */
static void write_run(struct dw_emu *e, int32_t lba, int32_t sectors, size_t bytes_per)
{
    struct dw_emu_result res;
    uint8_t *buf = malloc(16 * bytes_per);
    assert_non_null(buf);
    for (int32_t done = 0; done < sectors;) {
        int32_t n = sectors - done > 16 ? 16 : sectors - done;
        for (int32_t i = 0; i < n; i++)
            fill_user(buf + (size_t)i * bytes_per, lba + done + i, bytes_per);
        assert_int_equal(
            write10(e, lba + done, (uint16_t)n, buf, (size_t)n * bytes_per, &res), 0);
        assert_int_equal(res.data_bytes, (size_t)n * bytes_per);
        done += n;
    }
    free(buf);
}

static bool feature_current(struct dw_emu *e, uint16_t code)
{
    uint8_t cdb[DW_MMC_CDB_MAX], buf[1024];
    struct dw_emu_result res;
    const uint8_t *desc;
    size_t desc_bytes,
        n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_ALL, 0, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    if (dw__mmc_find_feature(buf, res.data_bytes, code, &desc, &desc_bytes))
        return false;
    return desc[2] & 1;
}

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

/* ---- CD-R, TAO ---------------------------------------------------------------- */

static void test_cd_tao(void **state)
{
    struct dw_emu *e = emu_open("blank=cdr capacity=5000");
    struct dw_emu_result res;
    struct dw__mmc_disc_info di;
    struct dw__mmc_toc toc;
    struct dw__mmc_sense s;
    struct page05 tao = {.write_type = 1, .block_type = 8, .control = 4};
    uint8_t r[34], buf[1024], raw[2352], user[2048];
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n;
    (void)state;

    /* A blank CD-R: profile, write features, disc information, ATIP. */
    assert_int_equal(current_profile(e), 0x09);
    assert_true(feature_current(e, 0x002D)); /* CD Track at Once */
    assert_true(feature_current(e, 0x002E)); /* CD Mastering */
    assert_true(feature_current(e, 0x0021)); /* Incremental Streaming Writable */
    assert_false(feature_current(e, 0x002F));
    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_BLANK);
    assert_false(di.erasable);
    assert_int_equal(di.session_count, 1);
    assert_int_equal(di.last_track_last_session, 1);
    n = dw__mmc_build_read_toc(cdb, DW_MMC_TOC_FMT_TOC, false, 0, sizeof(buf));
    run(e, cdb, n, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x24, 0); /* no TOC yet */
    assert_int_equal(RUN(e, buf, 28, &res, 0x43, 0x02, 0x04, 0, 0, 0, 0, 0, 28, 0), 0);
    /* ATIP last possible lead-out start = the capacity: 5000 + 150 frames. */
    assert_int_equal((buf[12] * 60 + buf[13]) * 75 + buf[14], 5000 + 150);
    assert_int_equal(buf[8], 97);

    /* Write modes: RAW96P (packed P-W) refused, TAO Mode 1 taken and read
     * back. */
    {
        struct page05 raw96 = {.write_type = 3, .block_type = 2};
        mode_select_05(e, &raw96, &res);
        check_sense(&res, 5, 0x26, 0);
    }
    assert_int_equal(mode_select_05(e, &tao, &res), 0);
    assert_int_equal(RUN(e, buf, 60, &res, 0x5A, 0, 0x05, 0, 0, 0, 0, 0, 60, 0), 0);
    assert_int_equal(buf[8 + 2] & 0x0F, 1);
    assert_int_equal(buf[8 + 4], 8);

    /* The invisible track: NWA 0, all free. */
    assert_int_equal(track_info(e, 0xFF, r, &res), 0);
    assert_int_equal(r[7] & 0x01, 1); /* NWA_V */
    assert_true(r[6] & 0x40);         /* blank */
    assert_int_equal(get32(r + 12), 0);
    assert_int_equal(get32(r + 16), 5000);

    /* Only the NWA takes data. */
    memset(user, 0, sizeof(user));
    write10(e, 1, 1, user, sizeof(user), &res);
    s = check_sense(&res, 5, 0x21, 0x02);
    assert_true(s.info_valid);
    assert_int_equal(s.info, 1);
    write_run(e, 0, 200, 2048);
    assert_int_equal(track_info(e, 0xFF, r, &res), 0);
    assert_int_equal(r[2], 1);            /* the incomplete track 1 */
    assert_int_equal(get32(r + 12), 200); /* NWA */
    write_run(e, 200, 100, 2048);
    /* SYNCHRONIZE CACHE ends a TAO track: 300 sectors and 2 run-out blocks;
     * the next track starts after a 150-sector pregap. */
    assert_int_equal(sync_cache(e, &res), 0);
    assert_int_equal(track_info(e, 1, r, &res), 0);
    assert_int_equal(r[7] & 0x01, 0);
    assert_int_equal(get32(r + 8), 0);
    assert_int_equal(get32(r + 24), 302);
    assert_int_equal(get32(r + 28), 299); /* last recorded address */
    assert_int_equal(track_info(e, 0xFF, r, &res), 0);
    assert_int_equal(r[2], 2);
    assert_int_equal(get32(r + 12), 302 + 150);
    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_APPENDABLE);
    assert_int_equal(di.last_session_state, 1); /* incomplete */

    /* CLOSE SESSION without multi-session: the disc is complete. */
    assert_int_equal(close_ts(e, 2, 0, &res), 0);
    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_CLOSED);
    assert_int_equal(di.last_session_state, 3);
    toc = read_toc(e);
    assert_int_equal(toc.track_count, 1);
    assert_int_equal(toc.tracks[0].lba, 0);
    assert_int_equal(toc.tracks[0].control & DW_CTL_DATA, DW_CTL_DATA);
    assert_int_equal(toc.leadout.lba, 302);
    assert_int_equal(read_capacity_last(e), 301);

    /* READ CD: whole Mode 1 sectors, made by the drive from the user data. */
    for (int32_t lba = 0; lba < 300; lba += 37) {
        struct dw_sector_check chk;
        assert_int_equal(read_cd(e, lba, 1, 0, raw, sizeof(raw), &res), 0);
        assert_int_equal(dw_sector_check(raw, lba, &chk), DW_SECTOR_GOOD);
        assert_int_equal(chk.mode, 1);
        fill_user(user, lba, sizeof(user));
        assert_memory_equal(raw + 16, user, 2048);
    }
    assert_int_equal(read10(e, 299, 1, user, &res), 0);
    /* The run-out blocks read as "illegal mode for this track". */
    read10(e, 300, 1, user, &res);
    check_sense(&res, 5, 0x64, 0);
    read_cd(e, 301, 1, 0, raw, sizeof(raw), &res);
    check_sense(&res, 5, 0x64, 0);

    /* A closed disc takes nothing more. */
    write10(e, 452, 1, user, sizeof(user), &res);
    check_sense(&res, 5, 0x21, 0x02);
    dw_emu_free(e);
}

/* Two sessions: the second starts 11400 sectors after the first lead-out
 * (lead-out 6750, lead-in 4500, pregap 150). */
static void test_cd_multisession(void **state)
{
    struct dw_emu *e = emu_open("blank=cdrw capacity=30000");
    struct dw_emu_result res;
    struct dw__mmc_disc_info di;
    struct dw__mmc_full_toc *full = malloc(sizeof(*full));
    struct page05 tao = {.write_type = 1, .block_type = 8, .control = 4, .multi = true};
    uint8_t r[34], cdb[DW_MMC_CDB_MAX], buf[1024], raw[2352];
    size_t n;
    (void)state;

    assert_non_null(full);
    assert_int_equal(current_profile(e), 0x0A);
    assert_true(disc_info(e).erasable);
    assert_int_equal(mode_select_05(e, &tao, &res), 0);
    write_run(e, 0, 300, 2048);
    assert_int_equal(sync_cache(e, &res), 0);
    assert_int_equal(close_ts(e, 2, 0, &res), 0);
    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_APPENDABLE);
    assert_int_equal(di.session_count, 2); /* the closed one and an empty one */
    assert_int_equal(di.last_session_state, 0);
    assert_int_equal(di.first_track_last_session, 2);
    assert_int_equal(track_info(e, 0xFF, r, &res), 0);
    assert_int_equal(get32(r + 12), 302 + 11400);
    assert_int_equal(r[3], 2); /* session 2 */

    /* Appendable: full TOC B0h names the next program area. */
    assert_int_equal(
        RUN(e, buf, sizeof(buf), &res, 0x43, 0x02, 0x02, 0, 0, 0, 0, 4, 0, 0), 0);
    {
        bool b0 = false;
        for (size_t off = 4; off + 11 <= res.data_bytes; off += 11)
            if (buf[off + 3] == 0xB0) {
                b0 = true;
                assert_int_equal(dw_msf_to_lba(buf[off + 4], buf[off + 5], buf[off + 6]),
                                 302 + 11400);
            }
        assert_true(b0);
    }

    tao.multi = false;
    assert_int_equal(mode_select_05(e, &tao, &res), 0);
    write_run(e, 302 + 11400, 300, 2048);
    assert_int_equal(sync_cache(e, &res), 0);
    assert_int_equal(close_ts(e, 2, 0, &res), 0);
    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_CLOSED);
    assert_int_equal(di.session_count, 2);
    n = dw__mmc_build_read_toc(cdb, DW_MMC_TOC_FMT_FULL, true, 0, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    assert_int_equal(dw__mmc_parse_full_toc(buf, res.data_bytes, full), 0);
    assert_int_equal(full->session_count, 2);
    assert_int_equal(full->sessions[0].leadout_lba, 302);
    assert_int_equal(full->sessions[1].leadout_lba, 302 + 11400 + 302);
    assert_int_equal(full->track_count, 2);
    assert_int_equal(full->tracks[1].lba, 302 + 11400);
    assert_int_equal(full->tracks[1].session, 2);
    /* Between the sessions nothing is readable. */
    read_cd(e, 5000, 1, 0, raw, sizeof(raw), &res);
    check_sense(&res, 3, 0x02, 0);
    assert_int_equal(read_cd(e, 302 + 11400 + 10, 1, 0, raw, sizeof(raw), &res), 0);
    assert_int_equal(dw_sector_check(raw, 302 + 11400 + 10, NULL), DW_SECTOR_GOOD);
    free(full);
    dw_emu_free(e);
}

/* ---- CD-R, SAO with a cue sheet -------------------------------------------------- */

static void cue_entry(uint8_t *u, unsigned ctl_adr, unsigned tno, unsigned index,
                      unsigned form, int32_t lba)
{
    unsigned m, s, f;
    dw_lba_to_msf(lba, &m, &s, &f);
    u[0] = (uint8_t)ctl_adr;
    u[1] = (uint8_t)tno;
    u[2] = (uint8_t)index;
    u[3] = (uint8_t)form;
    u[4] = 0;
    u[5] = (uint8_t)m;
    u[6] = (uint8_t)s;
    u[7] = (uint8_t)f;
}

/* CD-TEXT packs (IEC 61866): an 18-byte pack with its CRC. */
static void make_pack(uint8_t p[18], uint8_t type, uint8_t track, uint8_t seq,
                      const char *text)
{
    uint16_t crc = 0;
    memset(p, 0, 18);
    p[0] = type;
    p[1] = track;
    p[2] = seq;
    memcpy(p + 4, text, strlen(text) < 12 ? strlen(text) : 12);
    for (int i = 0; i < 16; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    crc = (uint16_t)~crc;
    p[16] = (uint8_t)(crc >> 8);
    p[17] = (uint8_t)crc;
}

/* Audio sample bytes of LBA lba. */
static void fill_audio(uint8_t *out, int32_t lba)
{
    for (int i = 0; i < 2352; i++)
        out[i] = (uint8_t)(lba * 31 + i * 3);
}

static void test_cd_sao(void **state)
{
    struct dw_emu *e = emu_open("blank=cdr capacity=5000");
    struct dw_emu_result res;
    struct dw__mmc_disc_info di;
    struct dw__mmc_toc toc;
    struct page05 sao = {.write_type = 2, .block_type = 0};
    uint8_t cue[8 * 16], packs[5][18], sub[2 * 96], buf[2048], raw[2352 + 16],
        expect[2352];
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n, cue_bytes = 0;
    (void)state;

    /* MCN (ADR 2) and ISRCs (ADR 3) take two entries each; the lead-in
     * entry announces CD-TEXT (data form 41h); track 1 INDEX 00 at -150,
     * INDEX 01 at 0; track 2 INDEX 00 at 300, 01 at 375, 02 at 450;
     * lead-out at 600. */
    memset(cue, 0, sizeof(cue));
    cue[0] = cue[8] = 0x02;
    memcpy(cue + 1, "1234567", 7);
    memcpy(cue + 9, "890128", 6);
    cue_bytes = 16;
    cue_entry(cue + cue_bytes, 0x01, 0, 0, 0x41, -150);
    cue_bytes += 8;
    cue[cue_bytes] = cue[cue_bytes + 8] = 0x03;
    cue[cue_bytes + 1] = cue[cue_bytes + 9] = 1;
    memcpy(cue + cue_bytes + 2, "USRC17", 6);
    memcpy(cue + cue_bytes + 10, "607839", 6);
    cue_bytes += 16;
    cue_entry(cue + cue_bytes, 0x01, 1, 0, 0x00, -150);
    cue_entry(cue + cue_bytes + 8, 0x01, 1, 1, 0x00, 0);
    cue_bytes += 16;
    cue[cue_bytes] = cue[cue_bytes + 8] = 0x23;
    cue[cue_bytes + 1] = cue[cue_bytes + 9] = 2;
    memcpy(cue + cue_bytes + 2, "GBAYE0", 6);
    memcpy(cue + cue_bytes + 10, "601498", 6);
    cue_bytes += 16;
    cue_entry(cue + cue_bytes, 0x21, 2, 0, 0x00, 300);
    cue_entry(cue + cue_bytes + 8, 0x21, 2, 1, 0x00, 375);
    cue_entry(cue + cue_bytes + 16, 0x21, 2, 2, 0x00, 450);
    cue_entry(cue + cue_bytes + 24, 0x21, 0xAA, 1, 0x01, 600);
    cue_bytes += 32;

    /* SEND CUE SHEET needs write type SAO. */
    memset(cdb, 0, sizeof(cdb));
    cdb[0] = 0x5D;
    cdb[8] = (uint8_t)cue_bytes;
    run_out(e, cdb, 10, cue, cue_bytes, &res);
    check_sense(&res, 5, 0x2C, 0);
    assert_int_equal(mode_select_05(e, &sao, &res), 0);
    /* A cue sheet whose lead-out lies beyond the capacity is refused. */
    {
        uint8_t big[sizeof(cue)];
        memcpy(big, cue, cue_bytes);
        cue_entry(big + cue_bytes - 8, 0x21, 0xAA, 1, 0x01, 6000);
        run_out(e, cdb, 10, big, cue_bytes, &res);
        check_sense(&res, 5, 0x26, 0);
    }
    assert_int_equal(run_out(e, cdb, 10, cue, cue_bytes, &res), 0);

    /* CD-TEXT into the lead-in: 4 packs of 24 six-bit bytes a sector,
     * repeated (libburn write.c). */
    make_pack(packs[0], 0x80, 0, 0, "Album");
    make_pack(packs[1], 0x80, 1, 1, "One");
    make_pack(packs[2], 0x80, 2, 2, "Two");
    make_pack(packs[3], 0x81, 0, 3, "Artist");
    make_pack(packs[4], 0x81, 1, 4, "Singer");
    for (int g = 0; g < 8; g++) {
        const uint8_t *p = packs[g % 5];
        uint8_t *s = sub + 24 * g;
        for (int i = 0; i < 18; i += 3) {
            int si = i / 3 * 4;
            s[si] = (uint8_t)((p[i] >> 2) & 0x3F);
            s[si + 1] = (uint8_t)(((p[i] << 4) & 0x30) | ((p[i + 1] >> 4) & 0x0F));
            s[si + 2] = (uint8_t)(((p[i + 1] << 2) & 0x3C) | ((p[i + 2] >> 6) & 0x03));
            s[si + 3] = (uint8_t)(p[i + 2] & 0x3F);
        }
    }
    assert_int_equal(write10(e, -152, 2, sub, sizeof(sub), &res), 0);

    /* The program area from -150, sequentially. */
    {
        uint8_t *chunk = malloc(25 * 2352);
        assert_non_null(chunk);
        write10(e, 0, 1, chunk, 2352, &res);
        check_sense(&res, 5, 0x21, 0x02);
        for (int32_t lba = -150; lba < 600; lba += 25) {
            for (int i = 0; i < 25; i++)
                fill_audio(chunk + (size_t)i * 2352, lba + i);
            assert_int_equal(write10(e, lba, 25, chunk, 25 * 2352, &res), 0);
        }
        write10(e, 600, 1, chunk, 2352, &res); /* the lead-out is not the host's */
        check_sense(&res, 5, 0x21, 0x02);
        free(chunk);
    }
    assert_int_equal(sync_cache(e, &res), 0);

    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_CLOSED);
    toc = read_toc(e);
    assert_int_equal(toc.track_count, 2);
    assert_int_equal(toc.tracks[0].lba, 0);
    assert_int_equal(toc.tracks[0].control, 0);
    assert_int_equal(toc.tracks[1].lba, 375);
    assert_int_equal(toc.tracks[1].control, DW_CTL_DCP);
    assert_int_equal(toc.leadout.lba, 600);

    /* MCN and ISRC through READ SUB-CHANNEL. */
    {
        char mcn[14], isrc[13];
        n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_MCN, 0, 24);
        assert_int_equal(run(e, cdb, n, buf, 24, &res), 0);
        assert_int_equal(dw__mmc_parse_mcn(buf, res.data_bytes, mcn), 0);
        assert_string_equal(mcn, "1234567890128");
        n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_ISRC, 2, 24);
        assert_int_equal(run(e, cdb, n, buf, 24, &res), 0);
        assert_int_equal(dw__mmc_parse_isrc(buf, res.data_bytes, isrc), 0);
        assert_string_equal(isrc, "GBAYE0601498");
        n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_ISRC, 1, 24);
        assert_int_equal(run(e, cdb, n, buf, 24, &res), 0);
        assert_int_equal(dw__mmc_parse_isrc(buf, res.data_bytes, isrc), 0);
        assert_string_equal(isrc, "USRC17607839");
    }

    /* Q sub-channel (formatted, BCD): MCN at LBA mod 100 = 13, ISRC at 53,
     * the pregap of track 2 as INDEX 00 counting down, INDEX 02. */
    assert_int_equal(read_cd(e, 313, 1, DW_MMC_READ_CD_SUB_Q, raw, sizeof(raw), &res), 0);
    assert_int_equal(raw[2352] & 0x0F, 2);
    assert_int_equal(raw[2352 + 1], 0x12);
    assert_int_equal(read_cd(e, 453, 1, DW_MMC_READ_CD_SUB_Q, raw, sizeof(raw), &res), 0);
    assert_int_equal(raw[2352] & 0x0F, 3);
    assert_int_equal(read_cd(e, 320, 1, DW_MMC_READ_CD_SUB_Q, raw, sizeof(raw), &res), 0);
    assert_int_equal(raw[2352], 0x21);     /* CONTROL DCP, ADR 1 */
    assert_int_equal(raw[2352 + 1], 0x02); /* TNO 02 */
    assert_int_equal(raw[2352 + 2], 0x00); /* INDEX 00 */
    assert_int_equal(raw[2352 + 5], dw_bcd_encode(375 - 320 - 1));
    assert_int_equal(read_cd(e, 460, 1, DW_MMC_READ_CD_SUB_Q, raw, sizeof(raw), &res), 0);
    assert_int_equal(raw[2352 + 2], 0x02); /* INDEX 02 */
    /* The audio is what was written, pregaps included. */
    for (int32_t lba = 0; lba < 600; lba += 61) {
        assert_int_equal(read_cd(e, lba, 1, 0, raw, 2352, &res), 0);
        fill_audio(expect, lba);
        assert_memory_equal(raw, expect, 2352);
    }

    /* CD-TEXT: one cycle of the packs from the lead-in. */
    n = dw__mmc_build_read_toc(cdb, DW_MMC_TOC_FMT_CDTEXT, true, 0, sizeof(buf));
    assert_int_equal(run(e, cdb, n, buf, sizeof(buf), &res), 0);
    {
        const uint8_t *p;
        size_t bytes;
        assert_int_equal(dw__mmc_parse_cdtext(buf, res.data_bytes, &p, &bytes), 0);
        assert_int_equal(bytes, sizeof(packs));
        assert_memory_equal(p, packs, sizeof(packs));
    }
    dw_emu_free(e);
}


/* Status of READ TOC format 0 (2: CHECK CONDITION). */
static int read_toc_status(struct dw_emu *e)
{
    uint8_t cdb[DW_MMC_CDB_MAX], buf[1024];
    struct dw_emu_result res;
    size_t n = dw__mmc_build_read_toc(cdb, DW_MMC_TOC_FMT_TOC, false, 0, sizeof(buf));
    return run(e, cdb, n, buf, sizeof(buf), &res);
}

/* Feature 002Eh (CD Mastering) Raw bit. */
static bool feature_raw(struct dw_emu *e)
{
    uint8_t cdb[DW_MMC_CDB_MAX], b[1024];
    struct dw_emu_result res;
    const uint8_t *desc;
    size_t desc_bytes, n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_ALL, 0x002E, sizeof(b));
    assert_int_equal(run(e, cdb, n, b, sizeof(b), &res), 0);
    assert_int_equal(dw__mmc_find_feature(b, res.data_bytes, 0x002E, &desc, &desc_bytes), 0);
    return (desc[4] & 0x08) != 0;
}

/* ---- CD-R, RAW (write type 3, RAW96R) -------------------------------------------- */

/* The layout the raw test writes: track 1 audio (INDEX 01 at 0, ISRC),
 * track 2 Mode 1 with a pregap 300..449 and INDEX 01 at 450, lead-out at
 * 750; the MCN in the program area. */
#define RAW_T2_PREGAP 300
#define RAW_T2_START 450
#define RAW_LEADOUT 750

/* The Q a raw writer sends at lba: the TOC in the lead-in (A0h, A1h, A2h,
 * 01, 02, three frames each, round and round), positions, MCN at lba mod
 * 100 = 13, track 1's ISRC at 53. */
static void raw_q(int32_t lba, uint8_t q[12])
{
    struct dw_q d;
    memset(&d, 0, sizeof(d));
    memset(q, 0, 12);
    if (lba < -150) {
        static const unsigned points[] = {0xA0, 0xA1, 0xA2, 0x01, 0x02};
        unsigned point = points[((lba + 11625) / 3) % 5], m, sec, f;
        int32_t rel = lba + 11625, p_lba;
        q[0] = point == 0x02 || point == 0xA2 ? 0x41 : 0x01;
        q[2] = (uint8_t)point;
        q[3] = dw_bcd_encode((unsigned)(rel / 4500));
        q[4] = dw_bcd_encode((unsigned)(rel / 75 % 60));
        q[5] = dw_bcd_encode((unsigned)(rel % 75));
        if (point == 0xA0 || point == 0xA1) {
            q[7] = dw_bcd_encode(point == 0xA0 ? 1 : 2);
        } else {
            p_lba = point == 0xA2 ? RAW_LEADOUT : point == 0x01 ? 0 : RAW_T2_START;
            dw_lba_to_msf(p_lba, &m, &sec, &f);
            q[7] = dw_bcd_encode(m);
            q[8] = dw_bcd_encode(sec);
            q[9] = dw_bcd_encode(f);
        }
        uint16_t crc = dw_q_crc(q);
        q[10] = (uint8_t)(crc >> 8);
        q[11] = (uint8_t)crc;
        return;
    }
    d.adr = DW_Q_ADR_POSITION;
    if (lba >= RAW_LEADOUT) {
        d.control = DW_CTL_DATA;
        d.tno = DW_Q_TNO_LEADOUT;
        d.index = 1;
        d.rel_frames = lba - RAW_LEADOUT;
    } else if (lba >= RAW_T2_PREGAP) {
        d.control = DW_CTL_DATA;
        d.tno = 2;
        d.index = lba < RAW_T2_START ? 0 : 1;
        d.rel_frames = lba < RAW_T2_START ? RAW_T2_START - lba - 1 : lba - RAW_T2_START;
    } else {
        d.tno = 1;
        d.index = lba < 0 ? 0 : 1;
        d.rel_frames = lba < 0 ? -lba - 1 : lba;
        if (((lba % 100) + 100) % 100 == 53 && lba >= 0) {
            d.adr = DW_Q_ADR_ISRC;
            snprintf(d.isrc, sizeof(d.isrc), "USRC17607839");
        }
    }
    d.abs_lba = lba;
    if (((lba % 100) + 100) % 100 == 13 && lba >= 0 && lba < RAW_LEADOUT) {
        d.adr = DW_Q_ADR_MCN;
        snprintf(d.mcn, sizeof(d.mcn), "1234567890128");
        d.aframe = (lba + 150) % 75;
    }
    if (d.adr == DW_Q_ADR_ISRC)
        d.aframe = (lba + 150) % 75;
    assert_int_equal(dw_q_encode(&d, q), 0);
}

/* One RAW96R block: the main channel (audio, or a Mode 1 sector sent
 * scrambled as a raw writer sends it) and its P-W with R-W bits that
 * tell the LBA. */
static void raw_block(int32_t lba, uint8_t out[2448], uint8_t unscrambled[2352])
{
    uint8_t q[12], user[2048];
    bool data = lba >= RAW_T2_PREGAP;
    raw_q(lba, q);
    if (lba < -150) {
        memset(out, 0, 2352);
    } else if (data) {
        fill_user(user, lba, sizeof(user));
        dw_sector_encode_mode1(out, lba, user);
    } else {
        fill_audio(out, lba);
    }
    if (unscrambled)
        memcpy(unscrambled, out, 2352);
    if (data && lba >= -150)
        dw_scramble(out);
    for (int i = 0; i < 96; i++) {
        bool p = (lba < 0 && lba >= -150) ||
                 (lba >= RAW_T2_PREGAP && lba < RAW_T2_START);
        out[2352 + i] = (uint8_t)((p ? 0x80 : 0) | ((q[i / 8] >> (7 - i % 8)) & 1) << 6 |
                                  ((uint32_t)(lba * 5 + i) & 0x3F));
    }
}

static void test_cd_raw(void **state)
{
    struct dw_emu *e = emu_open("blank=cdr capacity=5000");
    struct dw_emu_result res;
    struct page05 raw96 = {.write_type = 3, .block_type = 3};
    struct page05 packed = {.write_type = 3, .block_type = 2};
    uint8_t *chunk = malloc(26 * 2448), expect[2448], got[2448], cdb[DW_MMC_CDB_MAX],
            buf[2048];
    struct dw__mmc_toc toc;
    size_t n;
    (void)state;
    assert_non_null(chunk);

    /* The drive offers raw writing (feature 002Eh Raw bit); RAW96P is not
     * one of its data block types. */
    {
        uint8_t b[1024];
        const uint8_t *desc;
        size_t desc_bytes;
        n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_ALL, 0x002E, sizeof(b));
        assert_int_equal(run(e, cdb, n, b, sizeof(b), &res), 0);
        assert_int_equal(dw__mmc_find_feature(b, res.data_bytes, 0x002E, &desc, &desc_bytes),
                         0);
        assert_true(desc[4] & 0x08);
    }
    mode_select_05(e, &packed, &res);
    check_sense(&res, 5, 0x26, 0x00);
    assert_int_equal(mode_select_05(e, &raw96, &res), 0);

    /* The first block goes to the ATIP lead-in start, nowhere else. */
    raw_block(-150, chunk, NULL);
    write10(e, -150, 1, chunk, 2448, &res);
    check_sense(&res, 5, 0x21, 0x02);
    /* A test write stores nothing. */
    raw96.test = true;
    assert_int_equal(mode_select_05(e, &raw96, &res), 0);
    raw_block(-11625, chunk, NULL);
    assert_int_equal(write10(e, -11625, 1, chunk, 2448, &res), 0);
    assert_int_equal(sync_cache(e, &res), 0);
    assert_int_equal(disc_info(e).status, DW_STATUS_BLANK);
    raw96.test = false;
    assert_int_equal(mode_select_05(e, &raw96, &res), 0);

    /* Lead-in, pregap, program area, 150 sectors of lead-out. */
    for (int32_t lba = -11625; lba < RAW_LEADOUT + 150;) {
        int32_t k = RAW_LEADOUT + 150 - lba < 26 ? RAW_LEADOUT + 150 - lba : 26;
        for (int32_t i = 0; i < k; i++)
            raw_block(lba + i, chunk + (size_t)i * 2448, NULL);
        /* A block short: the transfer does not hold the sectors. */
        if (lba == 0) {
            write10(e, lba, (uint16_t)k, chunk, (size_t)k * 2448 - 96, &res);
            check_sense(&res, 5, 0x24, 0x00);
        }
        assert_int_equal(write10(e, lba, (uint16_t)k, chunk, (size_t)k * 2448, &res), 0);
        lba += k;
    }
    /* Out of order: refused. */
    write10(e, 10, 1, chunk, 2448, &res);
    check_sense(&res, 5, 0x21, 0x02);
    assert_int_equal(sync_cache(e, &res), 0);

    /* The TOC the lead-in's Q gave. */
    assert_int_equal(disc_info(e).status, DW_STATUS_CLOSED);
    toc = read_toc(e);
    assert_int_equal(toc.track_count, 2);
    assert_int_equal(toc.tracks[0].lba, 0);
    assert_int_equal(toc.tracks[0].control, 0);
    assert_int_equal(toc.tracks[1].lba, RAW_T2_START);
    assert_int_equal(toc.tracks[1].control, DW_CTL_DATA);
    assert_int_equal(toc.leadout.lba, RAW_LEADOUT);
    /* Main channel as a reader returns it (data descrambled), the P-W as
     * written (READ CD sub-channel 001b), formatted Q (010b); pregap of
     * track 2 and its data sectors included. */
    for (int32_t lba = 0; lba < RAW_LEADOUT; lba += 37) {
        uint8_t unscrambled[2352];
        raw_block(lba, expect, unscrambled);
        assert_int_equal(read_cd(e, lba, 1, DW_MMC_READ_CD_SUB_RAW, got, 2448, &res), 0);
        assert_memory_equal(got, unscrambled, 2352);
        assert_memory_equal(got + 2352, expect + 2352, 96);
        assert_int_equal(read_cd(e, lba, 1, DW_MMC_READ_CD_SUB_Q, got, 2352 + 16, &res), 0);
        raw_q(lba, expect);
        assert_memory_equal(got + 2352, expect, 12);
    }
    /* The pregap of track 2 (from the program area's INDEX 00), the ISRC
     * and MCN from its ADR 3 and ADR 2 frames. */
    {
        char mcn[14], isrc[13];
        n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_MCN, 0, 24);
        assert_int_equal(run(e, cdb, n, buf, 24, &res), 0);
        assert_int_equal(dw__mmc_parse_mcn(buf, res.data_bytes, mcn), 0);
        assert_string_equal(mcn, "1234567890128");
        n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_ISRC, 1, 24);
        assert_int_equal(run(e, cdb, n, buf, 24, &res), 0);
        assert_int_equal(dw__mmc_parse_isrc(buf, res.data_bytes, isrc), 0);
        assert_string_equal(isrc, "USRC17607839");
        uint8_t r[34];
        assert_int_equal(track_info(e, 1, r, &res), 0);
        assert_int_equal(get32(r + 24), RAW_T2_PREGAP); /* track 1 ends at the pregap */
    }
    /* Closed: no second raw run. */
    raw_block(-11625, chunk, NULL);
    write10(e, -11625, 1, chunk, 2448, &res);
    check_sense(&res, 5, 0x21, 0x02);
    dw_emu_free(e);

    /* A run without a lead-out leaves an unusable disc; rawwrite=no
     * refuses the write type and says so in feature 002Eh. */
    e = emu_open("blank=cdr capacity=5000");
    assert_int_equal(mode_select_05(e, &raw96, &res), 0);
    for (int32_t lba = -11625; lba < 0; lba += 25) {
        for (int32_t i = 0; i < 25; i++)
            raw_block(lba + i, chunk + (size_t)i * 2448, NULL);
        assert_int_equal(write10(e, lba, 25, chunk, 25 * 2448, &res), 0);
    }
    assert_int_equal(sync_cache(e, &res), 0);
    assert_int_equal(read_toc_status(e), 2);
    dw_emu_free(e);
    e = emu_open("blank=cdr capacity=5000 rawwrite=no");
    assert_false(feature_raw(e));
    mode_select_05(e, &raw96, &res);
    check_sense(&res, 5, 0x26, 0x00);
    dw_emu_free(e);
    free(chunk);
}

/* RAW16 (data block type 1): 2352 bytes and 16 bytes of P-Q a block; the
 * P-W read back is P and Q with R-W zero. */
static void test_cd_raw16(void **state)
{
    struct dw_emu *e = emu_open("blank=cdr capacity=5000");
    struct dw_emu_result res;
    struct page05 raw16 = {.write_type = 3, .block_type = 1};
    uint8_t *chunk = malloc(26 * 2368), block[2448], got[2448];
    struct dw__mmc_toc toc;
    (void)state;
    assert_non_null(chunk);
    assert_int_equal(mode_select_05(e, &raw16, &res), 0);
    for (int32_t lba = -11625; lba < RAW_LEADOUT + 10;) {
        int32_t k = RAW_LEADOUT + 10 - lba < 26 ? RAW_LEADOUT + 10 - lba : 26;
        for (int32_t i = 0; i < k; i++) {
            uint8_t *b = chunk + (size_t)i * 2368;
            raw_block(lba + i, block, NULL);
            memcpy(b, block, 2352);
            raw_q(lba + i, b + 2352);
            memset(b + 2364, 0, 4);
            b[2367] = block[2352] & 0x80; /* P */
        }
        /* 2448-byte blocks are not what page 05h announced: too few bytes. */
        if (lba == 0) {
            write10(e, lba, (uint16_t)k, chunk, (size_t)k * 2368 - 1, &res);
            check_sense(&res, 5, 0x24, 0x00);
        }
        assert_int_equal(write10(e, lba, (uint16_t)k, chunk, (size_t)k * 2368, &res), 0);
        lba += k;
    }
    assert_int_equal(sync_cache(e, &res), 0);
    toc = read_toc(e);
    assert_int_equal(toc.track_count, 2);
    assert_int_equal(toc.tracks[1].lba, RAW_T2_START);
    assert_int_equal(toc.leadout.lba, RAW_LEADOUT);
    for (int32_t lba = 0; lba < RAW_LEADOUT; lba += 53) {
        uint8_t q[12];
        raw_q(lba, q);
        raw_block(lba, block, NULL);
        assert_int_equal(read_cd(e, lba, 1, DW_MMC_READ_CD_SUB_RAW, got, 2448, &res), 0);
        for (int i = 0; i < 96; i++) /* P and Q as written, R-W zero */
            assert_int_equal(got[2352 + i], block[2352 + i] & 0xC0);
        assert_int_equal(read_cd(e, lba, 1, DW_MMC_READ_CD_SUB_Q, got, 2352 + 16, &res), 0);
        assert_memory_equal(got + 2352, q, 12);
    }
    dw_emu_free(e);
    free(chunk);
}

/* ---- DVD+R, DVD-R, BD-R -------------------------------------------------------------
 */

static void test_dvd_plus_r(void **state)
{
    struct dw_emu *e = emu_open("blank=dvdpr capacity=10000");
    struct dw_emu_result res;
    struct dw__mmc_disc_info di;
    uint8_t r[34], buf[16 * 2048], expect[2048];
    (void)state;

    assert_int_equal(current_profile(e), 0x1B);
    assert_true(feature_current(e, 0x002B));
    /* RESERVE TRACK rounds up to a 16-sector ECC block. */
    assert_int_equal(RUN(e, NULL, 0, &res, 0x53, 0, 0, 0, 0, 0, 0, 0x03, 0xE8, 0), 0);
    assert_int_equal(track_info(e, 1, r, &res), 0);
    assert_true(r[6] & 0x80); /* reserved */
    assert_int_equal(get32(r + 24), 1008);
    assert_int_equal(get32(r + 12), 0);
    write_run(e, 0, 1000, 2048);
    assert_int_equal(sync_cache(e, &res), 0);
    assert_int_equal(close_ts(e, 1, 1, &res), 0);
    assert_int_equal(close_ts(e, 2, 0, &res), 0); /* close session: stays appendable */
    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_APPENDABLE);
    assert_int_equal(track_info(e, 0xFF, r, &res), 0);
    assert_int_equal(get32(r + 12), 1008);
    assert_int_equal(close_ts(e, 5, 0, &res), 0); /* finalize (101b) */
    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_CLOSED);
    assert_int_equal(read_capacity_last(e), 1007);
    assert_int_equal(read10(e, 992, 16, buf, &res), 0);
    for (int i = 0; i < 8; i++) {
        fill_user(expect, 992 + i, 2048);
        assert_memory_equal(buf + i * 2048, expect, 2048);
    }
    read10(e, 1008, 1, buf, &res);
    check_sense(&res, 5, 0x21, 0);
    read_cd(e, 0, 1, 0, buf, 2352, &res); /* READ CD on a DVD */
    check_sense(&res, 5, 0x30, 0x02);
    dw_emu_free(e);
}

/* Dual-layer kinds: profile, the capacity READ TRACK INFORMATION gives as
 * free blocks, READ DISC STRUCTURE 00h's number of layers (byte 6 bits
 * 6-5) for DVD±R DL, and one layer for a DVD+R. */
static void test_dual_layer(void **state)
{
    static const struct {
        const char *kind;
        int profile;
        uint16_t feature;
        uint32_t sectors;
    } kinds[] = {{"dvdprdl", 0x2B, 0x002B, 4173824},
                 {"dvdrdl", 0x15, 0x002F, 4171712},
                 {"bdrdl", 0x41, 0x0041, 24438784},
                 {"bdredl", 0x43, 0x0041, 24438784},
                 {"dvdpr", 0x1B, 0x002B, 2295104}};
    struct dw_emu_result res;
    uint8_t r[34], pfi[4 + 2048];
    (void)state;

    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        struct dw_emu *e = emu_open("blank=%s", kinds[i].kind);
        assert_int_equal(current_profile(e), kinds[i].profile);
        assert_true(feature_current(e, kinds[i].feature));
        if (kinds[i].profile != 0x43) { /* BD-RE: formatted first */
            assert_int_equal(track_info(e, 1, r, &res), 0);
            assert_int_equal(get32(r + 16), kinds[i].sectors); /* free blocks */
        }
        if (kinds[i].profile == 0x2B || kinds[i].profile == 0x15 ||
            kinds[i].profile == 0x1B) {
            memset(pfi, 0, sizeof pfi);
            assert_int_equal(RUN(e, pfi, sizeof pfi, &res, 0xAD, 0, 0, 0, 0, 0, 0, 0x00,
                                 (4 + 2048) >> 8, (4 + 2048) & 0xFF, 0, 0),
                             0);
            assert_int_equal((pfi[6] >> 5) & 3, kinds[i].profile == 0x1B ? 0 : 1);
            assert_int_equal(get32(pfi + 12) - get32(pfi + 8) + 1, kinds[i].sectors);
        }
        dw_emu_free(e);
    }
}

static void test_dvd_minus_r_and_bd_r(void **state)
{
    struct dw_emu_result res;
    struct dw__mmc_disc_info di;
    struct dw__mmc_toc toc;
    uint8_t r[34], buf[2048];
    (void)state;

    /* DVD-R DAO: page 05h write type 2, RESERVE TRACK, WRITE, SYNCHRONIZE
     * CACHE: one closed session. */
    {
        struct dw_emu *e = emu_open("blank=dvdr capacity=10000");
        struct page05 dao = {.write_type = 2, .block_type = 8, .control = 5};
        assert_true(feature_current(e, 0x002F));
        assert_true(feature_current(e, 0x0021));
        assert_int_equal(mode_select_05(e, &dao, &res), 0);
        assert_int_equal(track_info(e, 1, r, &res), 0);
        assert_true(r[6] & 0x20); /* incremental recording possible */
        assert_int_equal(RUN(e, NULL, 0, &res, 0x53, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0), 0);
        write_run(e, 0, 256, 2048);
        assert_int_equal(sync_cache(e, &res), 0);
        di = disc_info(e);
        assert_int_equal(di.status, DW_STATUS_CLOSED);
        toc = read_toc(e);
        assert_int_equal(toc.leadout.lba, 256);
        dw_emu_free(e);
    }
    /* DVD-RW incremental, two tracks with CLOSE TRACK, then CLOSE SESSION. */
    {
        struct dw_emu *e = emu_open("blank=dvdrw capacity=10000");
        struct page05 inc = {.write_type = 0, .block_type = 8, .control = 5};
        assert_true(disc_info(e).erasable);
        assert_int_equal(mode_select_05(e, &inc, &res), 0);
        write_run(e, 0, 100, 2048);
        assert_int_equal(sync_cache(e, &res), 0);
        assert_int_equal(close_ts(e, 1, 1, &res), 0);
        assert_int_equal(track_info(e, 2, r, &res), 0); /* the invisible track */
        assert_int_equal(get32(r + 12), 112);
        write_run(e, 112, 50, 2048);
        assert_int_equal(close_ts(e, 1, 2, &res), 0);
        assert_int_equal(close_ts(e, 2, 0, &res), 0);
        di = disc_info(e);
        assert_int_equal(di.status, DW_STATUS_CLOSED);
        toc = read_toc(e);
        assert_int_equal(toc.track_count, 2);
        assert_int_equal(toc.tracks[1].lba, 112);
        assert_int_equal(toc.leadout.lba, 176);
        dw_emu_free(e);
    }
    /* BD-R: ECC blocks of 32 sectors, finalized with 110b. */
    {
        struct dw_emu *e = emu_open("blank=bdr capacity=20000");
        assert_true(feature_current(e, 0x0041));
        write_run(e, 0, 40, 2048);
        assert_int_equal(sync_cache(e, &res), 0);
        assert_int_equal(close_ts(e, 1, 1, &res), 0);
        assert_int_equal(close_ts(e, 6, 0, &res), 0);
        di = disc_info(e);
        assert_int_equal(di.status, DW_STATUS_CLOSED);
        assert_int_equal(read_capacity_last(e), 63);
        assert_int_equal(read10(e, 39, 1, buf, &res), 0);
        dw_emu_free(e);
    }
}

/* ---- DVD+RW, BD-RE: FORMAT UNIT and overwriting --------------------------------------
 */

static int format_unit(struct dw_emu *e, unsigned type, uint32_t blocks,
                       struct dw_emu_result *res)
{
    uint8_t list[12] = {0, 0x02, 0, 8};
    put32(list + 4, blocks);
    list[8] = (uint8_t)(type << 2);
    return run_out(e, (const uint8_t[]){0x04, 0x11, 0, 0, 0, 0}, 6, list, sizeof(list),
                   res);
}

static void test_overwritable(void **state)
{
    struct dw_emu *e = emu_open("blank=dvdprw capacity=8000");
    struct dw_emu_result res;
    struct dw__mmc_disc_info di;
    uint8_t buf[64], data[4 * 2048], back[4 * 2048];
    (void)state;

    assert_int_equal(current_profile(e), 0x1A);
    assert_true(feature_current(e, 0x002A));
    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_BLANK);
    /* Unformatted: writing fails, READ FORMAT CAPACITIES offers 26h. */
    memset(data, 0x5A, sizeof(data));
    write10(e, 0, 1, data, 2048, &res);
    check_sense(&res, 3, 0x31, 0);
    assert_int_equal(RUN(e, buf, sizeof(buf), &res, 0x23, 0, 0, 0, 0, 0, 0, 0, 64, 0), 0);
    assert_int_equal(buf[3], 16);
    assert_int_equal(get32(buf + 4), 8000);
    assert_int_equal(buf[8] & 0x03, 0x01); /* unformatted */
    assert_int_equal(buf[12 + 4] >> 2, 0x26);
    format_unit(e, 0x30, 0xFFFFFFFF, &res); /* not a DVD+RW format */
    check_sense(&res, 5, 0x26, 0);
    assert_int_equal(format_unit(e, 0x26, 0xFFFFFFFF, &res), 0);

    /* Formatted: a complete disc of 8000 sectors, writable anywhere. */
    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_CLOSED);
    assert_true(di.erasable);
    assert_int_equal(read_capacity_last(e), 7999);
    assert_int_equal(RUN(e, buf, 34, &res, 0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0), 0);
    assert_int_equal(buf[7] & 0x03, 3); /* background format complete */
    for (int i = 0; i < 4; i++)
        fill_user(data + i * 2048, 5000 + i, 2048);
    assert_int_equal(write10(e, 5000, 4, data, sizeof(data), &res), 0);
    assert_int_equal(write10(e, 16, 4, data, sizeof(data), &res), 0);
    memset(data, 0xA5, 2048);
    assert_int_equal(write10(e, 17, 1, data, 2048, &res), 0); /* overwrite */
    assert_int_equal(read10(e, 16, 4, back, &res), 0);
    fill_user(data, 5000, 2048);
    assert_memory_equal(back, data, 2048);
    memset(data, 0xA5, 2048);
    assert_memory_equal(back + 2048, data, 2048);
    assert_int_equal(read10(e, 5003, 1, back, &res), 0);
    fill_user(data, 5003, 2048);
    assert_memory_equal(back, data, 2048);
    assert_int_equal(read10(e, 7000, 1, back, &res), 0); /* never written: zeros */
    memset(data, 0, 2048);
    assert_memory_equal(back, data, 2048);
    write10(e, 7999, 2, data, 4096, &res);
    check_sense(&res, 5, 0x21, 0);
    assert_int_equal(close_ts(e, 2, 0, &res), 0); /* stops a background format */
    dw_emu_free(e);

    /* BD-RE: formatted to a smaller size. */
    e = emu_open("blank=bdre capacity=20000");
    assert_false(feature_current(e, 0x0020));
    assert_int_equal(format_unit(e, 0x31, 12000, &res), 0);
    assert_true(feature_current(e, 0x0020));
    assert_int_equal(read_capacity_last(e), 11999);
    assert_int_equal(write10(e, 11998, 1, data, 2048, &res), 0);
    dw_emu_free(e);
}

/* ---- BLANK ----------------------------------------------------------------------------
 */

static void test_blank(void **state)
{
    struct dw_emu *e = emu_open("blank=cdr capacity=3000");
    struct dw_emu_result res;
    struct page05 tao = {.write_type = 1, .block_type = 0, .control = 0};
    uint8_t cdb[DW_MMC_CDB_MAX], buf[64];
    size_t n;
    (void)state;

    RUN(e, NULL, 0, &res, 0xA1, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0); /* CD-R */
    check_sense(&res, 5, 0x30, 0x05);
    dw_emu_free(e);

    e = emu_open("blank=cdrw capacity=3000");
    assert_int_equal(mode_select_05(e, &tao, &res), 0);
    write_run(e, 0, 300, 2352);
    assert_int_equal(sync_cache(e, &res), 0);
    assert_int_equal(close_ts(e, 2, 0, &res), 0);
    assert_int_equal(disc_info(e).status, DW_STATUS_CLOSED);
    RUN(e, NULL, 0, &res, 0xA1, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0); /* blank a track */
    check_sense(&res, 5, 0x24, 0);
    /* Minimal blank (IMMED): blank again, no TOC, writable from 0. */
    assert_int_equal(RUN(e, NULL, 0, &res, 0xA1, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0);
    assert_int_equal(disc_info(e).status, DW_STATUS_BLANK);
    n = dw__mmc_build_read_toc(cdb, DW_MMC_TOC_FMT_TOC, false, 0, sizeof(buf));
    run(e, cdb, n, buf, sizeof(buf), &res);
    check_sense(&res, 5, 0x24, 0);
    write_run(e, 0, 10, 2352);
    assert_int_equal(sync_cache(e, &res), 0);
    /* Full blank. */
    assert_int_equal(RUN(e, NULL, 0, &res, 0xA1, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0);
    assert_int_equal(disc_info(e).status, DW_STATUS_BLANK);
    dw_emu_free(e);
}

/* ---- test write (dummy)
 * ------------------------------------------------------------------ */

static void test_test_write(void **state)
{
    struct dw_emu *e = emu_open("blank=cdr capacity=3000");
    struct dw_emu_result res;
    struct page05 tao = {.write_type = 1, .block_type = 8, .control = 4, .test = true};
    uint8_t r[34];
    (void)state;

    assert_int_equal(mode_select_05(e, &tao, &res), 0);
    write_run(e, 0, 300, 2048);
    assert_int_equal(track_info(e, 0xFF, r, &res), 0);
    assert_int_equal(get32(r + 12), 300); /* the simulated NWA */
    assert_int_equal(sync_cache(e, &res), 0);
    assert_int_equal(close_ts(e, 2, 0, &res), 0);
    assert_int_equal(disc_info(e).status, DW_STATUS_BLANK);
    assert_int_equal(track_info(e, 0xFF, r, &res), 0);
    assert_int_equal(get32(r + 12), 0);
    dw_emu_free(e);
}

/* ---- the state file
 * ------------------------------------------------------------------------ */

static void test_state_file(void **state)
{
    char path[512], msg[512], sectors_path[600];
    struct dw_emu *e;
    struct dw_emu_result res;
    struct dw__mmc_disc_info di;
    struct page05 tao = {.write_type = 1,
                         .block_type = 8,
                         .control = 4,
                         .multi = true,
                         .isrc = NULL,
                         .mcn = "0000000000017"};
    uint8_t raw[2352], user[2048], r[34];
    struct stat st;
    (void)state;

    snprintf(path, sizeof(path), "%s/medium.state", tmpdir);
    snprintf(sectors_path, sizeof(sectors_path), "%s.sectors", path);
    unlink(path);
    unlink(sectors_path);
    /* No state file and no kind: nothing to make a medium of. */
    assert_null(dw_emu_new("state=/nonexistent/dir/x", msg, sizeof(msg)));
    assert_non_null(strstr(msg, "blank=KIND"));
    assert_null(dw_emu_new("blank=cdr medium=x.iso", msg, sizeof(msg)));
    assert_null(dw_emu_new("capacity=100", msg, sizeof(msg)));

    /* One drive burns a session and closes it for appending. */
    e = emu_open("blank=cdr capacity=30000 state=%s", path);
    assert_int_equal(mode_select_05(e, &tao, &res), 0);
    write_run(e, 0, 300, 2048);
    assert_int_equal(sync_cache(e, &res), 0);
    assert_int_equal(close_ts(e, 2, 0, &res), 0);
    dw_emu_free(e);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(stat(sectors_path, &st), 0);

    /* A second drive (another process, in the tests) reads it. */
    {
        char config[600];
        snprintf(config, sizeof(config), "blank=dvdpr state=%s", path);
        assert_null(dw_emu_new(config, msg, sizeof(msg))); /* another kind */
        assert_non_null(strstr(msg, "cdr"));
        snprintf(config, sizeof(config), "blank=cdr capacity=999 state=%s", path);
        assert_null(dw_emu_new(config, msg, sizeof(msg))); /* another size */
    }
    e = emu_open("state=%s", path);
    assert_int_equal(current_profile(e), 0x09);
    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_APPENDABLE);
    assert_int_equal(read_cd(e, 123, 1, 0, raw, sizeof(raw), &res), 0);
    fill_user(user, 123, sizeof(user));
    assert_memory_equal(raw + 16, user, 2048);
    {
        char mcn[14];
        uint8_t cdb[DW_MMC_CDB_MAX], buf[24];
        size_t n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_MCN, 0, 24);
        assert_int_equal(run(e, cdb, n, buf, 24, &res), 0);
        assert_int_equal(dw__mmc_parse_mcn(buf, res.data_bytes, mcn), 0);
        assert_string_equal(mcn, "0000000000017");
    }
    /* ... and appends the second session. */
    tao.multi = false;
    assert_int_equal(mode_select_05(e, &tao, &res), 0);
    assert_int_equal(track_info(e, 0xFF, r, &res), 0);
    assert_int_equal(get32(r + 12), 302 + 11400);
    write_run(e, 302 + 11400, 300, 2048);
    assert_int_equal(sync_cache(e, &res), 0);
    dw_emu_free(e); /* the open session is kept as it is */

    e = emu_open("state=%s", path);
    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_APPENDABLE);
    assert_int_equal(di.last_session_state, 1); /* incomplete */
    assert_int_equal(close_ts(e, 2, 0, &res), 0);
    dw_emu_free(e);
    e = emu_open("state=%s", path);
    di = disc_info(e);
    assert_int_equal(di.status, DW_STATUS_CLOSED);
    assert_int_equal(di.session_count, 2);
    assert_int_equal(read_cd(e, 302 + 11400 + 299, 1, 0, raw, sizeof(raw), &res), 0);
    fill_user(user, 302 + 11400 + 299, sizeof(user));
    assert_memory_equal(raw + 16, user, 2048);
    dw_emu_free(e);
    /* The sector file is sparse: the gap between the sessions takes no room. */
    assert_int_equal(stat(sectors_path, &st), 0);
    assert_true((long long)st.st_blocks * 512 < (long long)st.st_size);
    unlink(path);
    unlink(sectors_path);
}

/* ---- write faults
 * ------------------------------------------------------------------------------ */

static void test_write_faults(void **state)
{
    struct dw_emu *e = emu_open("blank=cdr capacity=5000 faults=write-error:100");
    struct dw_emu_result res;
    struct dw__mmc_sense s;
    struct dw__mmc_toc toc;
    struct page05 tao = {.write_type = 1, .block_type = 8, .control = 4};
    uint8_t r[34], *buf = calloc(200, 2048);
    char msg[256];
    (void)state;

    assert_non_null(buf);
    assert_int_equal(mode_select_05(e, &tao, &res), 0);
    write_run(e, 0, 96, 2048);
    write10(e, 96, 16, buf, 16 * 2048, &res);
    s = check_sense(&res, 3, 0x0C, 0x00);
    assert_true(s.info_valid);
    assert_int_equal(s.info, 100);
    /* The track is damaged: no NWA, SYNCHRONIZE CACHE leaves it open. */
    assert_int_equal(track_info(e, 0xFF, r, &res), 0);
    assert_true(r[5] & 0x20);
    assert_int_equal(r[7] & 0x01, 0);
    write10(e, 100, 1, buf, 2048, &res);
    check_sense(&res, 5, 0x21, 0x02);
    assert_int_equal(sync_cache(e, &res), 0);
    /* CLOSE SESSION ends it after what was written. */
    assert_int_equal(close_ts(e, 2, 0, &res), 0);
    toc = read_toc(e);
    assert_int_equal(toc.leadout.lba, 102);
    dw_emu_free(e);

    /* The medium vanishes after 2 WRITE commands. */
    e = emu_open(
        "blank=dvdprw capacity=4000 faults=gone-during-write:2,write-error:3000:3/0C/09");
    assert_int_equal(format_unit(e, 0x26, 0xFFFFFFFF, &res), 0);
    assert_int_equal(write10(e, 0, 16, buf, 16 * 2048, &res), 0);
    write10(e, 3000, 1, buf, 2048, &res);
    check_sense(&res, 3, 0x0C, 0x09);
    write10(e, 16, 16, buf, 16 * 2048, &res);
    check_sense(&res, 2, 0x3A, 0);
    RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0);
    check_sense(&res, 2, 0x3A, 0);
    assert_false(dw_emu_medium_present(e));
    dw_emu_load(e);
    RUN(e, NULL, 0, &res, 0x00, 0, 0, 0, 0, 0);
    check_sense(&res, 6, 0x28, 0);
    assert_int_equal(write10(e, 16, 16, buf, 16 * 2048, &res), 0);
    dw_emu_free(e);

    assert_null(dw_emu_new("blank=cdr faults=write-error:x", msg, sizeof(msg)));
    assert_null(dw_emu_new("blank=cdr faults=gone-during-write:-1", msg, sizeof(msg)));
    free(buf);
}

/* ---- commands on pressed and empty drives
 * ----------------------------------------------- */

static void test_misc(void **state)
{
    struct dw_emu *e = emu_open("blank=dvdr capacity=10000");
    struct dw_emu_result res;
    uint8_t buf[16];
    (void)state;

    /* READ BUFFER CAPACITY: a 4 MiB buffer, all free. */
    assert_int_equal(RUN(e, buf, 12, &res, 0x5C, 0, 0, 0, 0, 0, 0, 0, 12, 0), 0);
    assert_int_equal(get32(buf + 4), 4u << 20);
    /* GET PERFORMANCE type 3 describes the whole (blank) medium. */
    assert_int_equal(RUN(e, buf, 16, &res, 0xAC, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 0), 0);
    /* SEND OPC INFORMATION, SET CD SPEED accepted. */
    assert_int_equal(RUN(e, NULL, 0, &res, 0x54, 0x01, 0, 0, 0, 0, 0, 0, 0, 0), 0);
    /* Not on a DVD: cue sheets, BLANK. */
    RUN(e, NULL, 0, &res, 0xA1, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    check_sense(&res, 5, 0x30, 0x05);
    dw_emu_free(e);

    /* An empty drive: 2/3A/00 for the write commands. */
    e = emu_open("%s", "");
    RUN(e, NULL, 0, &res, 0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    check_sense(&res, 2, 0x3A, 0);
    dw_emu_free(e);
}

static int setup(void **state)
{
    const char *base = getenv("TMPDIR");
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "%s/dw-emu-write-XXXXXX",
             base && *base ? base : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cd_tao),
        cmocka_unit_test(test_cd_multisession),
        cmocka_unit_test(test_cd_sao),
        cmocka_unit_test(test_cd_raw),
        cmocka_unit_test(test_cd_raw16),
        cmocka_unit_test(test_dvd_plus_r),
        cmocka_unit_test(test_dvd_minus_r_and_bd_r),
        cmocka_unit_test(test_dual_layer),
        cmocka_unit_test(test_overwritable),
        cmocka_unit_test(test_blank),
        cmocka_unit_test(test_test_write),
        cmocka_unit_test(test_state_file),
        cmocka_unit_test(test_write_faults),
        cmocka_unit_test(test_misc),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
