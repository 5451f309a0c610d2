/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the MMC reply parsers (src/drive/mmc_cdb.c, MMC-6 and
 * SPC-4): the first input byte picks the reply, the rest is the reply, in a
 * buffer of exactly its size (a read past it is an AddressSanitizer
 * report).
 *   0 INQUIRY data          1 sense data             2 GET CONFIGURATION
 *   3 READ DISC INFORMATION 4 READ TOC format 0      5 READ TOC format 1
 *   6 READ TOC format 2     7 READ TOC format 5      8 READ CAPACITY
 *   9 READ SUB-CHANNEL MCN  10 READ SUB-CHANNEL ISRC 11 MODE SENSE page 2Ah
 *   12 formatted Q of READ CD (2 bytes of LBA and state, then 16 bytes)
 *   13 the first raw sector of a data track (byte 1 the disc type)
 *   14 a disc from its TOC replies: [u16 BE length][format 0 reply]
 *      [u16 BE length][format 2 reply][format 1 reply], through
 *      dw__mmc_disc_from_toc and dw_disc_finish
 *   15 READ TOC format 4, ATIP (drive/mmc_write.h)
 *   16 READ TRACK INFORMATION (selector byte 16 modulo 32; any other
 *      byte picks its value modulo 16 as before)
 * Each parser returns one of its documented codes, and what it accepts
 * holds what its contract says (ids printable and trimmed, tracks and
 * sessions ascending within 1..99, a feature descriptor inside the reply,
 * an MCN of 13 digits, an ISRC of 12 letters and digits, a Q frame with a
 * matching CRC; an ATIP whose lead-in is before LBA 0 or whose
 * lead-out is after it, both within 100 minutes).  Never a crash, leak or
 * hang.  Track information: numbers from 1, start and size within
 * 0..2^31-1. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/disc.h"
#include "discwright/errors.h"
#include "discwright/sector.h"
#include "drive/mmc.h"
#include "drive/mmc_write.h"

const char *dw_fuzz_fixture_ext = ".mmc";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond))                                                                     \
            abort();                                                                     \
    } while (0)

static void check_id(const char *s, size_t max)
{
    size_t n = strlen(s);
    CHECK(n <= max);
    CHECK(n == 0 || (s[0] != ' ' && s[n - 1] != ' '));
    for (size_t i = 0; i < n; i++)
        CHECK(s[i] >= 0x20 && s[i] <= 0x7E);
}

static void check_toc(const struct dw__mmc_toc *t)
{
    CHECK(t->track_count >= 1 && t->track_count <= DW_MAX_TRACKS);
    CHECK(t->first_track >= 1 && t->first_track <= t->last_track &&
          t->last_track <= DW_MAX_TRACKS);
    for (int i = 0; i < t->track_count; i++) {
        CHECK(t->tracks[i].track >= t->first_track &&
              t->tracks[i].track <= t->last_track);
        CHECK(i == 0 || t->tracks[i].track > t->tracks[i - 1].track);
    }
}

static void check_full(const struct dw__mmc_full_toc *f)
{
    CHECK(f->session_count >= 1 && f->session_count <= DW_MAX_SESSIONS);
    CHECK(f->track_count >= 0 && f->track_count <= DW_MAX_TRACKS);
    for (int i = 0; i < f->session_count; i++) {
        CHECK(f->sessions[i].number >= 1 && f->sessions[i].number <= DW_MAX_SESSIONS);
        CHECK(i == 0 || f->sessions[i].number > f->sessions[i - 1].number);
    }
    for (int i = 0; i < f->track_count; i++) {
        CHECK(f->tracks[i].number >= 1 && f->tracks[i].number <= DW_MAX_TRACKS);
        CHECK(i == 0 || f->tracks[i].number > f->tracks[i - 1].number);
    }
}

/* Selector 14: the TOC replies of one disc, as drive_mmc.c combines them. */
static void disc_from_replies(const uint8_t *p, size_t n)
{
    const uint8_t *part[3];
    size_t len[3];
    for (int i = 0; i < 2; i++) {
        if (n < 2)
            return;
        len[i] = (size_t)p[0] << 8 | p[1];
        if (len[i] > n - 2)
            len[i] = n - 2;
        part[i] = p + 2;
        p += 2 + len[i];
        n -= 2 + len[i];
    }
    part[2] = p;
    len[2] = n;
    uint8_t *copy[3] = {NULL, NULL, NULL};
    struct dw__mmc_toc *toc = malloc(sizeof(*toc));
    struct dw__mmc_full_toc *full = malloc(sizeof(*full));
    struct dw__mmc_session_info si;
    struct dw_disc *disc = dw_disc_new();
    if (!toc || !full || !disc)
        goto out;
    for (int i = 0; i < 3; i++) {
        copy[i] = malloc(len[i] ? len[i] : 1);
        if (!copy[i])
            goto out;
        memcpy(copy[i], part[i], len[i]);
    }
    if (dw__mmc_parse_toc(copy[0], len[0], toc) != 0)
        goto out;
    check_toc(toc);
    bool have_full = dw__mmc_parse_full_toc(copy[1], len[1], full) == 0;
    if (have_full)
        check_full(full);
    bool have_si = dw__mmc_parse_session_info(copy[2], len[2], &si) == 0;
    bool estimated;
    int rc = dw__mmc_disc_from_toc(toc, have_full ? full : NULL, have_si ? &si : NULL,
                                   disc, &estimated);
    CHECK(rc == 0 || rc == DW_EPARSE);
    if (rc)
        goto out;
    CHECK(disc->track_count == toc->track_count);
    CHECK(disc->session_count >= 1 && disc->session_count <= DW_MAX_SESSIONS);
    for (int i = 0; i < disc->session_count; i++)
        CHECK(i == 0 || disc->sessions[i].number > disc->sessions[i - 1].number);
    for (int i = 0; i < disc->track_count; i++)
        CHECK(disc->tracks[i].session >= 1);
    char msg[256];
    rc = dw_disc_finish(disc, msg, sizeof(msg));
    CHECK(rc == 0 || rc == DW_EPARSE);
out:
    for (int i = 0; i < 3; i++)
        free(copy[i]);
    free(toc);
    free(full);
    dw_disc_free(disc);
}

static void parse(unsigned what, const uint8_t *b, size_t n)
{
    int rc;
    switch (what) {
    case 0: {
        struct dw__mmc_inquiry inq;
        rc = dw__mmc_parse_inquiry(b, n, &inq);
        CHECK(rc == 0 || rc == DW_EPARSE);
        if (rc == 0) {
            check_id(inq.vendor, 8);
            check_id(inq.product, 16);
            check_id(inq.revision, 4);
            CHECK(inq.device_type >= 0 && inq.device_type <= 0x1F);
        }
        break;
    }
    case 1: {
        struct dw__mmc_sense s;
        rc = dw__mmc_parse_sense(b, n, &s);
        CHECK(rc == 0 || rc == DW_EPARSE);
        if (rc == 0) {
            CHECK(s.key >= 0 && s.key <= 15);
            CHECK(s.asc >= -1 && s.asc <= 255 && s.ascq >= -1 && s.ascq <= 255);
            CHECK(dw__mmc_sense_to_error(s.key, s.asc, s.ascq) <= 0);
            CHECK(dw__mmc_sense_text(s.key, s.asc, s.ascq) != NULL);
        }
        break;
    }
    case 2: {
        int profile;
        const uint8_t *d;
        size_t d_bytes;
        struct dw__mmc_cd_read cd;
        rc = dw__mmc_parse_config_profile(b, n, &profile);
        CHECK(rc == 0 || rc == DW_EPARSE);
        if (rc == 0)
            CHECK(profile >= 0 && profile <= 0xFFFF && dw_profile_name(profile) != NULL);
        uint16_t code = n >= 10 ? dw__mmc_get_be16(b + 8) : DW_MMC_FEATURE_CD_READ;
        rc = dw__mmc_find_feature(b, n, code, &d, &d_bytes);
        CHECK(rc == 0 || rc == DW_ENOENT || rc == DW_EPARSE);
        if (rc == 0)
            CHECK(d >= b + 8 && d_bytes >= 4 && d + d_bytes <= b + n &&
                  dw__mmc_get_be16(d) == code);
        else
            CHECK(d == NULL && d_bytes == 0);
        rc = dw__mmc_parse_feature_cd_read(b, n, &cd);
        CHECK(rc == 0 || rc == DW_EPARSE);
        CHECK(rc == 0 || !cd.present);
        break;
    }
    case 3: {
        struct dw__mmc_disc_info di;
        rc = dw__mmc_parse_disc_info(b, n, &di);
        CHECK(rc == 0 || rc == DW_EPARSE);
        if (rc == 0)
            CHECK(di.session_count >= 0 && di.session_count <= 0xFFFF &&
                  di.last_session_state >= 0 && di.last_session_state <= 3);
        break;
    }
    case 4: {
        struct dw__mmc_toc *t = malloc(sizeof(*t));
        if (!t)
            break;
        rc = dw__mmc_parse_toc(b, n, t);
        CHECK(rc == 0 || rc == DW_EPARSE);
        if (rc == 0)
            check_toc(t);
        free(t);
        break;
    }
    case 5: {
        struct dw__mmc_session_info si;
        rc = dw__mmc_parse_session_info(b, n, &si);
        CHECK(rc == 0 || rc == DW_EPARSE);
        break;
    }
    case 6: {
        struct dw__mmc_full_toc *f = malloc(sizeof(*f));
        if (!f)
            break;
        rc = dw__mmc_parse_full_toc(b, n, f);
        CHECK(rc == 0 || rc == DW_EPARSE);
        if (rc == 0)
            check_full(f);
        free(f);
        break;
    }
    case 7: {
        const uint8_t *packs;
        size_t pack_bytes;
        rc = dw__mmc_parse_cdtext(b, n, &packs, &pack_bytes);
        CHECK(rc == 0 || rc == DW_EPARSE);
        if (rc == 0 && pack_bytes)
            CHECK(pack_bytes % 18 == 0 && packs >= b + 4 && packs + pack_bytes <= b + n);
        break;
    }
    case 8: {
        uint32_t last_lba, block_bytes;
        rc = dw__mmc_parse_read_capacity(b, n, &last_lba, &block_bytes);
        CHECK(rc == 0 || rc == DW_EPARSE);
        break;
    }
    case 9: {
        char mcn[14];
        rc = dw__mmc_parse_mcn(b, n, mcn);
        CHECK(rc == 0 || rc == DW_EPARSE);
        CHECK(strlen(mcn) == 0 ||
              (rc == 0 && strlen(mcn) == 13 && strspn(mcn, "0123456789") == 13));
        break;
    }
    case 10: {
        char isrc[13];
        rc = dw__mmc_parse_isrc(b, n, isrc);
        CHECK(rc == 0 || rc == DW_EPARSE);
        CHECK(strlen(isrc) == 0 ||
              (rc == 0 && strlen(isrc) == 12 &&
               strspn(isrc, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 12 &&
               strspn(isrc + 5, "0123456789") == 7));
        break;
    }
    case 11: {
        struct dw__mmc_caps caps;
        rc = dw__mmc_parse_caps(b, n, &caps);
        CHECK(rc == 0 || rc == DW_EPARSE);
        if (rc == 0)
            CHECK(caps.buffer_kib >= -1 && caps.buffer_kib <= 0xFFFF &&
                  caps.max_read_speed_kbps >= -1 && caps.read_speed_kbps >= -1);
        break;
    }
    case 12: {
        if (n < 2 + DW_MMC_FORMATTED_Q_BYTES)
            break;
        enum dw__mmc_q_numbers numbers = (enum dw__mmc_q_numbers)(b[0] % 3);
        int32_t lba = (int32_t)(b[1] * 1777) - 150;
        uint8_t q[12];
        bool good = dw__mmc_formatted_q(b + 2, lba, &numbers, q);
        CHECK(numbers == DW_MMC_Q_NUMBERS_UNKNOWN || numbers == DW_MMC_Q_NUMBERS_BCD ||
              numbers == DW_MMC_Q_NUMBERS_BINARY);
        if (good)
            CHECK(dw_q_crc(q) == dw__mmc_get_be16(q + 10));
        break;
    }
    case 13: {
        enum dw_track_mode mode;
        if (n < 1)
            break;
        rc = dw__mmc_raw_sector_mode(b + 1, n - 1, b[0], &mode);
        CHECK(rc == 0 || rc == DW_EPARSE);
        if (rc == 0)
            CHECK(mode == DW_MODE_MODE1 || mode == DW_MODE_MODE2 ||
                  mode == DW_MODE_MODE2_XA);
        break;
    }
    case 15: {
        struct dw__mmc_atip atip;
        rc = dw__mmc_parse_atip(b, n, &atip);
        CHECK(rc == 0 || rc == DW_EPARSE);
        if (rc == 0)
            CHECK(atip.leadin_lba >= -450150 && atip.leadin_lba < 450000 &&
                  atip.last_leadout_lba >= -450150 && atip.last_leadout_lba < 450000);
        break;
    }
    case 16: {
        struct dw__mmc_track_info ti;
        rc = dw__mmc_parse_track_info(b, n, &ti);
        CHECK(rc == 0 || rc == DW_EPARSE);
        if (rc == 0)
            CHECK(ti.track >= 1 && ti.track <= 0xFFFF && ti.session >= 1 &&
                  ti.session <= 0xFFFF && ti.start_lba >= 0 && ti.size_sectors >= 0);
        break;
    }
    default:
        disc_from_replies(b, n);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n = size - 1;
    uint8_t *reply = malloc(n ? n : 1);
    if (!reply)
        return 0;
    memcpy(reply, data + 1, n);
    parse(data[0] % 32 == 16 ? 16 : data[0] % 16, reply, n);
    free(reply);
    return 0;
}
