/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MMC command blocks and replies (MMC-6, SPC-4): pure builders and bounded
 * parsers.  See mmc.h for the contract of each function. */
#include <string.h>
#include "discwright/sector.h"
#include "drive/mmc.h"

/* Start every CDB from zeros so reserved bytes and the control byte are 0. */
static void cdb_clear(uint8_t cdb[DW_MMC_CDB_MAX])
{
    memset(cdb, 0, DW_MMC_CDB_MAX);
}

/* ---- SPC-4 --------------------------------------------------------------- */

size_t dw__mmc_build_test_unit_ready(uint8_t cdb[DW_MMC_CDB_MAX])
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_TEST_UNIT_READY;
    return 6;
}

size_t dw__mmc_build_request_sense(uint8_t cdb[DW_MMC_CDB_MAX], uint8_t alloc_bytes)
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_REQUEST_SENSE;
    cdb[4] = alloc_bytes;
    return 6;
}

size_t dw__mmc_build_inquiry(uint8_t cdb[DW_MMC_CDB_MAX], uint16_t alloc_bytes)
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_INQUIRY;
    dw__mmc_put_be16(cdb + 3, alloc_bytes);
    return 6;
}

/* Copy an INQUIRY text field: NULs read as blanks, unprintable bytes as '?',
 * blanks trimmed on both sides.  out has room for field_bytes + 1. */
static void copy_trimmed(char *out, const uint8_t *field, size_t field_bytes)
{
    char tmp[32] = {0};
    size_t start = 0, end = field_bytes < sizeof(tmp) ? field_bytes : sizeof(tmp), n = 0;

    for (size_t i = 0; i < end; i++) {
        uint8_t c = field[i];
        tmp[i] = c == 0 ? ' ' : (c < 0x20 || c > 0x7E) ? '?' : (char)c;
    }
    while (start < end && tmp[start] == ' ')
        start++;
    while (end > start && tmp[end - 1] == ' ')
        end--;
    for (size_t i = start; i < end; i++)
        out[n++] = tmp[i];
    out[n] = '\0';
}

int dw__mmc_parse_inquiry(const uint8_t *buf, size_t bytes, struct dw__mmc_inquiry *out)
{
    size_t avail;

    memset(out, 0, sizeof(*out));
    if (bytes < 5)
        return DW_EPARSE;
    /* Additional length (byte 4) counts the bytes after byte 4. */
    avail = (size_t)buf[4] + 5;
    if (avail > bytes)
        avail = bytes;
    if (avail < 36)
        return DW_EPARSE;
    out->qualifier = buf[0] >> 5;
    out->device_type = buf[0] & 0x1F;
    out->removable = (buf[1] & 0x80) != 0;
    out->version = buf[2];
    copy_trimmed(out->vendor, buf + 8, 8);
    copy_trimmed(out->product, buf + 16, 16);
    copy_trimmed(out->revision, buf + 32, 4);
    return 0;
}

int dw__mmc_parse_sense(const uint8_t *buf, size_t bytes, struct dw__mmc_sense *out)
{
    size_t end;

    memset(out, 0, sizeof(*out));
    out->key = out->asc = out->ascq = -1;
    if (bytes < 1)
        return DW_EPARSE;
    out->response_code = buf[0] & 0x7F;
    out->deferred = out->response_code == 0x71 || out->response_code == 0x73;
    /* Additional sense length (byte 7) counts the bytes after byte 7, in
     * both formats. */
    end = bytes >= 8 ? 8 + (size_t)buf[7] : bytes;
    if (end > bytes)
        end = bytes;

    switch (out->response_code) {
    case 0x70:
    case 0x71: /* fixed format, SPC-4 4.5.3 */
        if (bytes < 3)
            return DW_EPARSE;
        out->key = buf[2] & 0x0F;
        if (end >= 13)
            out->asc = buf[12];
        if (end >= 14)
            out->ascq = buf[13];
        if ((buf[0] & 0x80) && bytes >= 7) {
            out->info_valid = true;
            out->info = dw__mmc_get_be32(buf + 3);
        }
        return 0;
    case 0x72:
    case 0x73: /* descriptor format, SPC-4 4.5.2 */
        if (bytes < 2)
            return DW_EPARSE;
        out->key = buf[1] & 0x0F;
        if (bytes >= 3)
            out->asc = buf[2];
        if (bytes >= 4)
            out->ascq = buf[3];
        for (size_t off = 8; off + 2 <= end;) {
            const uint8_t *d = buf + off;
            size_t d_bytes = 2 + (size_t)d[1];
            if (off + d_bytes > end)
                break;
            /* Information descriptor: type 00h, additional length 0Ah,
             * VALID in byte 2 bit 7, INFORMATION in bytes 4-11. */
            if (d[0] == 0x00 && d[1] >= 0x0A) {
                out->info_valid = (d[2] & 0x80) != 0;
                out->info =
                    (uint64_t)dw__mmc_get_be32(d + 4) << 32 | dw__mmc_get_be32(d + 8);
            }
            off += d_bytes;
        }
        return 0;
    default:
        return DW_EPARSE;
    }
}

/* One known sense triple; asc/ascq -1 match anything. */
struct sense_entry {
    int key, asc, ascq;
    int code;
    const char *text;
};

/* SPC-4 Annex D and MMC-5 Annex F, the conditions an optical drive reports
 * while reading; the first match wins, so exact triples come first. */
static const struct sense_entry sense_table[] = {
    {0x2, 0x04, 0x01, DW_EBUSY, "logical unit is in process of becoming ready"},
    {0x2, 0x04, 0x02, DW_EBUSY, "logical unit not ready, initializing command required"},
    {0x2, 0x04, 0x03, DW_EBUSY, "logical unit not ready, manual intervention required"},
    {0x2, 0x04, 0x04, DW_EBUSY, "logical unit not ready, format in progress"},
    {0x2, 0x04, 0x07, DW_EBUSY, "logical unit not ready, operation in progress"},
    {0x2, 0x04, 0x08, DW_EBUSY, "logical unit not ready, long write in progress"},
    {0x2, 0x04, -1, DW_EBUSY, "logical unit not ready"},
    {0x2, 0x30, -1, DW_EMEDIUM, "incompatible medium installed"},
    {0x2, 0x3A, 0x01, DW_ENOMEDIUM, "medium not present, tray closed"},
    {0x2, 0x3A, 0x02, DW_ENOMEDIUM, "medium not present, tray open"},
    {0x2, 0x3A, -1, DW_ENOMEDIUM, "medium not present"},
    {0x3, 0x02, 0x00, DW_EREAD, "no seek complete"},
    {0x3, 0x06, 0x00, DW_EREAD, "no reference position found"},
    {0x3, 0x0C, 0x07, DW_EWRITE, "write error, recovery needed"},
    {0x3, 0x0C, 0x09, DW_EWRITE, "write error, loss of streaming"},
    {0x3, 0x0C, 0x0A, DW_EWRITE, "write error, padding blocks added"},
    {0x3, 0x0C, -1, DW_EWRITE, "write error"},
    {0x3, 0x11, 0x01, DW_EREAD, "read retries exhausted"},
    {0x3, 0x11, 0x02, DW_EREAD, "error too long to correct"},
    {0x3, 0x11, 0x05, DW_EREAD, "L-EC uncorrectable error"},
    {0x3, 0x11, 0x06, DW_EREAD, "CIRC unrecovered error"},
    {0x3, 0x11, 0x0F, DW_EREAD, "error reading UPC/EAN number"},
    {0x3, 0x11, 0x10, DW_EREAD, "error reading ISRC number"},
    {0x3, 0x11, -1, DW_EREAD, "unrecovered read error"},
    {0x3, 0x15, -1, DW_EREAD, "positioning error"},
    {0x3, 0x31, -1, DW_EMEDIUM, "medium format corrupted"},
    {0x3, 0x57, 0x00, DW_EREAD, "unable to recover table-of-contents"},
    {0x3, 0x73, -1, DW_EWRITE, "power calibration area error"},
    {0x4, 0x08, -1, DW_EIO, "logical unit communication failure"},
    {0x4, 0x09, -1, DW_EIO, "track following error"},
    {0x4, 0x44, -1, DW_EIO, "internal target failure"},
    {0x5, 0x1A, 0x00, DW_EINVAL, "parameter list length error"},
    {0x5, 0x20, 0x00, DW_EUNSUPPORTED, "invalid command operation code"},
    {0x5, 0x21, 0x00, DW_ERANGE, "logical block address out of range"},
    {0x5, 0x21, 0x02, DW_ERANGE, "invalid address for write"},
    {0x5, 0x21, -1, DW_ERANGE, "logical block address out of range"},
    {0x5, 0x24, 0x00, DW_EINVAL, "invalid field in CDB"},
    {0x5, 0x26, 0x00, DW_EINVAL, "invalid field in parameter list"},
    {0x5, 0x2C, 0x00, DW_EINVAL, "command sequence error"},
    {0x5, 0x30, 0x01, DW_EMEDIUM, "cannot read medium, unknown format"},
    {0x5, 0x30, 0x02, DW_EMEDIUM, "cannot read medium, incompatible format"},
    {0x5, 0x30, 0x05, DW_EMEDIUM, "cannot write medium, incompatible format"},
    {0x5, 0x30, -1, DW_EMEDIUM, "incompatible medium installed"},
    {0x5, 0x63, 0x00, DW_ERANGE, "end of user area encountered on this track"},
    {0x5, 0x64, 0x00, DW_EREAD, "illegal mode for this track"},
    {0x5, 0x64, 0x01, DW_EINVAL, "invalid packet size"},
    {0x5, 0x6F, 0x00, DW_EACCES,
     "copy protection key exchange failure, authentication failure"},
    {0x5, 0x6F, 0x01, DW_EACCES, "copy protection key exchange failure, key not present"},
    {0x5, 0x6F, 0x02, DW_EACCES,
     "copy protection key exchange failure, key not established"},
    {0x5, 0x6F, 0x03, DW_EACCES, "read of scrambled sector without authentication"},
    {0x5, 0x6F, 0x04, DW_EACCES,
     "media region code is mismatched to logical unit region"},
    {0x5, 0x72, -1, DW_EWRITE, "session fixation error"},
    {0x6, 0x28, 0x00, DW_EMEDIUM, "not ready to ready change, medium may have changed"},
    {0x6, 0x29, -1, DW_EIO, "power on, reset, or bus device reset occurred"},
    {0x6, 0x2A, -1, DW_EIO, "parameters changed"},
    {0x6, 0x5A, 0x01, DW_EIO, "operator medium removal request"},
    {0x7, 0x27, -1, DW_EACCES, "write protected"},
};

/* Sense key names (SPC-4 sense key table) with the code used for a key
 * whose ASC/ASCQ is not in sense_table. */
static const struct {
    int code;
    const char *text;
} key_table[16] = {
    {0, "no sense"},
    {0, "recovered error"},
    {DW_EIO, "not ready"},
    {DW_EREAD, "medium error"},
    {DW_EIO, "hardware error"},
    {DW_EINVAL, "illegal request"},
    {DW_EIO, "unit attention"},
    {DW_EACCES, "data protect"},
    {DW_ERANGE, "blank check"},
    {DW_EIO, "vendor specific"},
    {DW_EIO, "copy aborted"},
    {DW_EIO, "aborted command"},
    {DW_EIO, "reserved sense key 0ch"},
    {DW_ENOSPC, "volume overflow"},
    {DW_EMISMATCH, "miscompare"},
    {DW_EIO, "reserved sense key 0fh"},
};

static const struct sense_entry *sense_lookup(int key, int asc, int ascq)
{
    for (size_t i = 0; i < sizeof(sense_table) / sizeof(sense_table[0]); i++) {
        const struct sense_entry *e = &sense_table[i];
        if (e->key != key || asc < 0 || e->asc != asc)
            continue;
        if (e->ascq == -1 || e->ascq == ascq)
            return e;
    }
    return NULL;
}

int dw__mmc_sense_to_error(int key, int asc, int ascq)
{
    const struct sense_entry *e;

    if (key < 0 || key > 15)
        return DW_EIO;
    e = sense_lookup(key, asc, ascq);
    return e ? e->code : key_table[key].code;
}

const char *dw__mmc_sense_text(int key, int asc, int ascq)
{
    const struct sense_entry *e;

    if (key < 0 || key > 15)
        return "no sense data";
    e = sense_lookup(key, asc, ascq);
    return e ? e->text : key_table[key].text;
}

/* ---- GET CONFIGURATION ---------------------------------------------------- */

size_t dw__mmc_build_get_configuration(uint8_t cdb[DW_MMC_CDB_MAX], unsigned rt,
                                       uint16_t start_feature, uint16_t alloc_bytes)
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_GET_CONFIGURATION;
    cdb[1] = (uint8_t)(rt & 0x3);
    dw__mmc_put_be16(cdb + 2, start_feature);
    dw__mmc_put_be16(cdb + 7, alloc_bytes);
    return 10;
}

int dw__mmc_parse_config_profile(const uint8_t *buf, size_t bytes, int *profile)
{
    if (bytes < 8)
        return DW_EPARSE;
    *profile = dw__mmc_get_be16(buf + 6);
    return 0;
}

int dw__mmc_find_feature(const uint8_t *buf, size_t bytes, uint16_t code,
                         const uint8_t **desc, size_t *desc_bytes)
{
    uint64_t total;
    size_t end;
    bool truncated;

    *desc = NULL;
    *desc_bytes = 0;
    if (bytes < 8)
        return DW_EPARSE;
    /* Data length counts the bytes after itself and tells what the drive
     * has, which may be more than the allocation length let through. */
    total = (uint64_t)dw__mmc_get_be32(buf) + 4;
    if (total < 8)
        return DW_EPARSE;
    truncated = total > bytes;
    end = truncated ? bytes : (size_t)total;
    for (size_t off = 8; off + 4 <= end;) {
        const uint8_t *d = buf + off;
        size_t d_bytes = 4 + (size_t)d[3];
        if (off + d_bytes > end)
            return truncated ? DW_ENOENT : DW_EPARSE;
        if (dw__mmc_get_be16(d) == code) {
            *desc = d;
            *desc_bytes = d_bytes;
            return 0;
        }
        off += d_bytes;
    }
    return DW_ENOENT;
}

int dw__mmc_parse_feature_cd_read(const uint8_t *buf, size_t bytes,
                                  struct dw__mmc_cd_read *out)
{
    const uint8_t *d;
    size_t d_bytes;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = dw__mmc_find_feature(buf, bytes, DW_MMC_FEATURE_CD_READ, &d, &d_bytes);
    if (rc == DW_ENOENT)
        return 0;
    if (rc)
        return rc;
    if (d_bytes < 8)
        return DW_EPARSE;
    out->present = true;
    out->current = (d[2] & 0x01) != 0;
    out->dap = (d[4] & 0x80) != 0;
    out->c2 = (d[4] & 0x02) != 0;
    out->cdtext = (d[4] & 0x01) != 0;
    return 0;
}

bool dw__mmc_profile_is_cd(int profile)
{
    return profile >= 0x08 && profile <= 0x0A;
}

/* MMC-6 profile list (GET CONFIGURATION, feature 0000h).
 *
 * Our own short names, on purpose.  libcdio's mmc_feature_profile2str()
 * gives descriptions ("Read only Compact Disc capable", "Unknown Profile
 * 17") that do not fit dw_medium_info.profile_name (24 bytes).  libburn's
 * burn_obtain_profile_name() gives the same name as this table for CD-ROM,
 * CD-R, CD-RW, DVD-ROM, DVD-RAM, DVD+RW, DVD+R, BD-ROM, BD-RE, MO erasable
 * and AS-MO, and MMC-6's long names for the rest ("DVD-R sequential
 * recording", "DVD-RW restricted overwrite", "BD-R sequential recording",
 * "DVD-R/DL layer jump recording": longer than the field, and not what
 * `info` and the JSON reports have always printed); it lacks 17h DVD-RW DL,
 * 18h DVD-Download, 53h HD DVD-RW, 58h HD DVD-R DL and 5Ah HD DVD-RW DL,
 * which MMC-6 lists.  tests/unit/test_mmc.c (test_profile_names_libburn)
 * holds this table against libburn's: the same profiles, and the same
 * names except these deliberate short forms. */
const char *dw_profile_name(int profile)
{
    switch (profile) {
    case 0x0000:
    case 0xFFFF:
        return "none";
    case 0x0001:
        return "non-removable disk";
    case 0x0002:
        return "removable disk";
    case 0x0003:
        return "MO erasable";
    case 0x0004:
        return "optical write once";
    case 0x0005:
        return "AS-MO";
    case 0x0008:
        return "CD-ROM";
    case 0x0009:
        return "CD-R";
    case 0x000A:
        return "CD-RW";
    case 0x0010:
        return "DVD-ROM";
    case 0x0011:
        return "DVD-R";
    case 0x0012:
        return "DVD-RAM";
    case 0x0013:
        return "DVD-RW overwrite";
    case 0x0014:
        return "DVD-RW sequential";
    case 0x0015:
        return "DVD-R DL sequential";
    case 0x0016:
        return "DVD-R DL jump";
    case 0x0017:
        return "DVD-RW DL";
    case 0x0018:
        return "DVD-Download";
    case 0x001A:
        return "DVD+RW";
    case 0x001B:
        return "DVD+R";
    case 0x002A:
        return "DVD+RW DL";
    case 0x002B:
        return "DVD+R DL";
    case 0x0040:
        return "BD-ROM";
    case 0x0041:
        return "BD-R SRM";
    case 0x0042:
        return "BD-R RRM";
    case 0x0043:
        return "BD-RE";
    case 0x0050:
        return "HD DVD-ROM";
    case 0x0051:
        return "HD DVD-R";
    case 0x0052:
        return "HD DVD-RAM";
    case 0x0053:
        return "HD DVD-RW";
    case 0x0058:
        return "HD DVD-R DL";
    case 0x005A:
        return "HD DVD-RW DL";
    default:
        return "unknown";
    }
}

/* ---- READ DISC INFORMATION ------------------------------------------------ */

size_t dw__mmc_build_read_disc_info(uint8_t cdb[DW_MMC_CDB_MAX], uint16_t alloc_bytes)
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_READ_DISC_INFO;
    dw__mmc_put_be16(cdb + 7, alloc_bytes);
    return 10;
}

int dw__mmc_parse_disc_info(const uint8_t *buf, size_t bytes,
                            struct dw__mmc_disc_info *out)
{
    static const enum dw_disc_status status[4] = {DW_STATUS_BLANK, DW_STATUS_APPENDABLE,
                                                  DW_STATUS_CLOSED, DW_STATUS_OTHER};

    memset(out, 0, sizeof(*out));
    if (bytes < 12 || (size_t)dw__mmc_get_be16(buf) + 2 < 12)
        return DW_EPARSE;
    if ((buf[2] >> 5) != 0) /* not standard disc information */
        return DW_EPARSE;
    out->status = status[buf[2] & 0x3];
    out->last_session_state = (buf[2] >> 2) & 0x3;
    out->erasable = (buf[2] & 0x10) != 0;
    out->first_track = buf[3];
    out->session_count = buf[9] << 8 | buf[4];
    out->first_track_last_session = buf[10] << 8 | buf[5];
    out->last_track_last_session = buf[11] << 8 | buf[6];
    out->disc_type = buf[8];
    return 0;
}

/* ---- READ TRACK INFORMATION ----------------------------------------------- */

size_t dw__mmc_build_read_track_info(uint8_t cdb[DW_MMC_CDB_MAX], int track,
                                     uint16_t alloc_bytes)
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_READ_TRACK_INFO;
    cdb[1] = 0x01; /* bytes 2-5 hold a track number */
    cdb[2] = (uint8_t)((uint32_t)track >> 24);
    cdb[3] = (uint8_t)((uint32_t)track >> 16);
    cdb[4] = (uint8_t)((uint32_t)track >> 8);
    cdb[5] = (uint8_t)track;
    dw__mmc_put_be16(cdb + 7, alloc_bytes);
    return 10;
}

int dw__mmc_parse_track_info(const uint8_t *buf, size_t bytes,
                             struct dw__mmc_track_info *out)
{
    memset(out, 0, sizeof(*out));
    if (bytes < 28)
        return DW_EPARSE;
    size_t len = (size_t)dw__mmc_get_be16(buf) + 2;
    if (len < 28)
        return DW_EPARSE;
    if (len > bytes)
        len = bytes;
    out->track = buf[2];
    out->session = buf[3];
    if (len >= 34) {
        out->track |= buf[32] << 8;
        out->session |= buf[33] << 8;
    }
    out->blank = (buf[6] & 0x40) != 0;
    uint32_t start = (uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
                     (uint32_t)buf[10] << 8 | buf[11];
    uint32_t size = (uint32_t)buf[24] << 24 | (uint32_t)buf[25] << 16 |
                    (uint32_t)buf[26] << 8 | buf[27];
    if (start > INT32_MAX || size > INT32_MAX || out->track == 0 || out->session == 0)
        return DW_EPARSE;
    out->start_lba = (int32_t)start;
    out->size_sectors = (int32_t)size;
    return 0;
}

/* ---- READ TOC/PMA/ATIP ---------------------------------------------------- */

size_t dw__mmc_build_read_toc(uint8_t cdb[DW_MMC_CDB_MAX], unsigned format, bool msf,
                              uint8_t track_session, uint16_t alloc_bytes)
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_READ_TOC;
    cdb[1] = msf ? 0x02 : 0x00;
    cdb[2] = (uint8_t)(format & 0x0F);
    cdb[6] = track_session;
    dw__mmc_put_be16(cdb + 7, alloc_bytes);
    return 10;
}

size_t dw__mmc_toc_reply_bytes(const uint8_t *buf, size_t bytes)
{
    return bytes < 2 ? 0 : (size_t)dw__mmc_get_be16(buf) + 2;
}

/* Length of a READ TOC reply holding whole descriptors of desc_bytes after
 * the 4-byte header, or 0 when the reply is malformed. */
static size_t toc_checked_bytes(const uint8_t *buf, size_t bytes, size_t desc_bytes)
{
    size_t len;

    if (bytes < 4)
        return 0;
    len = dw__mmc_toc_reply_bytes(buf, bytes);
    if (len < 4 || len > bytes || (len - 4) % desc_bytes != 0)
        return 0;
    return len;
}

/* LBAs a format-0 TOC may give: from the start of a lead-in (MSF 90:00:00,
 * LBA -450150) to 2^30 (2 TiB of 2048-byte sectors, beyond any medium), so
 * that the disc model can add and subtract session gaps and lengths
 * without overflow. */
#define TOC_LBA_MIN (-450150)
#define TOC_LBA_MAX (1 << 30)

int dw__mmc_parse_toc(const uint8_t *buf, size_t bytes, struct dw__mmc_toc *out)
{
    size_t len = toc_checked_bytes(buf, bytes, 8);
    int prev = 0;

    memset(out, 0, sizeof(*out));
    if (!len)
        return DW_EPARSE;
    out->first_track = buf[2];
    out->last_track = buf[3];
    if (out->first_track < 1 || out->first_track > out->last_track ||
        out->last_track > DW_MAX_TRACKS)
        return DW_EPARSE;
    for (size_t off = 4; off < len; off += 8) {
        const uint8_t *d = buf + off;
        struct dw__mmc_toc_entry e;
        e.adr = d[1] >> 4;
        e.control = d[1] & 0x0F;
        e.track = d[2];
        e.lba = (int32_t)dw__mmc_get_be32(d + 4);
        if (out->has_leadout) /* nothing may follow the lead-out */
            return DW_EPARSE;
        if (e.lba < TOC_LBA_MIN || e.lba > TOC_LBA_MAX)
            return DW_EPARSE;
        if (e.track == DW_MMC_LEADOUT_TRACK) {
            out->has_leadout = true;
            out->leadout = e;
            continue;
        }
        if (e.track <= prev || e.track < out->first_track || e.track > out->last_track)
            return DW_EPARSE;
        prev = e.track;
        out->tracks[out->track_count++] = e;
    }
    return out->track_count > 0 ? 0 : DW_EPARSE;
}

int dw__mmc_parse_session_info(const uint8_t *buf, size_t bytes,
                               struct dw__mmc_session_info *out)
{
    memset(out, 0, sizeof(*out));
    if (bytes < 12 || dw__mmc_toc_reply_bytes(buf, bytes) < 12)
        return DW_EPARSE;
    out->first_session = buf[2];
    out->last_session = buf[3];
    out->adr = buf[5] >> 4;
    out->control = buf[5] & 0x0F;
    out->first_track_last_session = buf[6];
    out->first_track_last_session_lba = (int32_t)dw__mmc_get_be32(buf + 8);
    return 0;
}

/* Session entry for `number`, added in ascending order when new; NULL when
 * the table is full. */
static struct dw__mmc_full_session *full_session(struct dw__mmc_full_toc *toc, int number)
{
    int i = 0;

    while (i < toc->session_count && toc->sessions[i].number < number)
        i++;
    if (i < toc->session_count && toc->sessions[i].number == number)
        return &toc->sessions[i];
    if (toc->session_count >= DW_MAX_SESSIONS)
        return NULL;
    memmove(&toc->sessions[i + 1], &toc->sessions[i],
            (size_t)(toc->session_count - i) * sizeof(toc->sessions[0]));
    memset(&toc->sessions[i], 0, sizeof(toc->sessions[i]));
    toc->sessions[i].number = number;
    toc->sessions[i].leadout_lba = DW_LBA_NONE;
    toc->session_count++;
    return &toc->sessions[i];
}

/* Add a track point in ascending order; a number seen before is ignored. */
static void full_track(struct dw__mmc_full_toc *toc, const struct dw__mmc_full_track *t)
{
    int i = 0;

    while (i < toc->track_count && toc->tracks[i].number < t->number)
        i++;
    if (i < toc->track_count && toc->tracks[i].number == t->number)
        return;
    memmove(&toc->tracks[i + 1], &toc->tracks[i],
            (size_t)(toc->track_count - i) * sizeof(toc->tracks[0]));
    toc->tracks[i] = *t;
    toc->track_count++;
}

int dw__mmc_parse_full_toc(const uint8_t *buf, size_t bytes, struct dw__mmc_full_toc *out)
{
    size_t len = toc_checked_bytes(buf, bytes, 11);

    memset(out, 0, sizeof(*out));
    if (!len)
        return DW_EPARSE;
    out->first_session = buf[2];
    out->last_session = buf[3];
    for (size_t off = 4; off < len; off += 11) {
        /* Session, ADR/CONTROL, TNO, POINT, MIN, SEC, FRAME, ZERO, PMIN,
         * PSEC, PFRAME: the lead-in Q of IEC 60908 17.5.1, in binary. */
        const uint8_t *d = buf + off;
        int session = d[0], point = d[3];
        unsigned adr = d[1] >> 4, control = d[1] & 0x0F;
        unsigned pmin = d[8], psec = d[9], pframe = d[10];
        struct dw__mmc_full_session *s;

        if (adr != 1)
            continue;
        if (session < 1 || session > DW_MAX_SESSIONS)
            return DW_EPARSE;
        if (point >= 0x01 && point <= 0x63) {
            struct dw__mmc_full_track t;
            if (psec >= 60 || pframe >= DW_SECTORS_PER_SECOND)
                return DW_EPARSE;
            if (!full_session(out, session))
                return DW_EPARSE;
            t.number = point;
            t.session = session;
            t.adr = adr;
            t.control = control;
            t.lba = dw_msf_to_lba(pmin, psec, pframe);
            full_track(out, &t);
            continue;
        }
        if (point < 0xA0 || point > 0xA2)
            continue; /* B0h, C0h, ... of recordable discs */
        s = full_session(out, session);
        if (!s)
            return DW_EPARSE;
        switch (point) {
        case 0xA0: /* first track; PSEC is the disc type */
            if (pmin < 1 || pmin > DW_MAX_TRACKS)
                return DW_EPARSE;
            s->first_track = (int)pmin;
            s->disc_type = (int)psec;
            s->has_a0 = true;
            break;
        case 0xA1: /* last track */
            if (pmin < 1 || pmin > DW_MAX_TRACKS)
                return DW_EPARSE;
            s->last_track = (int)pmin;
            s->has_a1 = true;
            break;
        default: /* A2h: start of the lead-out */
            if (psec >= 60 || pframe >= DW_SECTORS_PER_SECOND)
                return DW_EPARSE;
            s->leadout_lba = dw_msf_to_lba(pmin, psec, pframe);
            break;
        }
    }
    return out->session_count > 0 ? 0 : DW_EPARSE;
}

int dw__mmc_parse_cdtext(const uint8_t *buf, size_t bytes, const uint8_t **packs,
                         size_t *pack_bytes)
{
    size_t len;

    *packs = NULL;
    *pack_bytes = 0;
    if (bytes < 2)
        return DW_EPARSE;
    len = dw__mmc_toc_reply_bytes(buf, bytes);
    if (len > bytes)
        return DW_EPARSE;
    if (len <= 4)
        return 0; /* header only: no CD-TEXT */
    *packs = buf + 4;
    *pack_bytes = (len - 4) / 18 * 18;
    if (!*pack_bytes)
        *packs = NULL;
    return 0;
}

/* Session gaps between the lead-out of one session and INDEX 01 of the
 * first track of the next (Orange Book): lead-out 6750 sectors after the
 * first session and 2250 after later ones, lead-in 4500, pregap 150. */
#define SESSION_GAP_FIRST (6750 + 4500 + 150)
#define SESSION_GAP_LATER (2250 + 4500 + 150)

static int32_t session_gap(int session_number)
{
    return session_number == 1 ? SESSION_GAP_FIRST : SESSION_GAP_LATER;
}

/* Session of TOC track `number` according to the full TOC: the session of
 * its track point, else the session whose A0h..A1h range holds it; 0 when
 * none does. */
static int full_toc_session_of(const struct dw__mmc_full_toc *full, int number)
{
    for (int i = 0; i < full->track_count; i++)
        if (full->tracks[i].number == number)
            return full->tracks[i].session;
    for (int i = 0; i < full->session_count; i++) {
        const struct dw__mmc_full_session *s = &full->sessions[i];
        if (s->has_a0 && s->has_a1 && number >= s->first_track && number <= s->last_track)
            return s->number;
    }
    return 0;
}

int dw__mmc_disc_from_toc(const struct dw__mmc_toc *toc,
                          const struct dw__mmc_full_toc *full,
                          const struct dw__mmc_session_info *si, struct dw_disc *disc,
                          bool *estimated)
{
    *estimated = false;
    if (!toc->has_leadout || toc->track_count < 1 || toc->track_count > DW_MAX_TRACKS)
        return DW_EPARSE;
    disc->track_count = toc->track_count;
    for (int i = 0; i < toc->track_count; i++) {
        const struct dw__mmc_toc_entry *e = &toc->tracks[i];
        struct dw_track *t = &disc->tracks[i];
        t->number = e->track;
        t->control = e->control;
        t->mode = (e->control & DW_CTL_DATA) ? DW_MODE_MODE1 : DW_MODE_AUDIO;
        t->index_lba[0] = (i == 0 && e->lba > 0) ? 0 : DW_LBA_NONE;
        t->index_lba[1] = e->lba;
        t->index_count = 2;
        t->session = 1;
    }
    disc->leadout_lba = toc->leadout.lba;

    disc->session_count = 0;
    if (full && full->session_count > 0) {
        for (int i = 0; i < disc->track_count; i++) {
            struct dw_track *t = &disc->tracks[i];
            t->session = full_toc_session_of(full, t->number);
            if (t->session < 1 || (i > 0 && t->session < disc->tracks[i - 1].session))
                return DW_EPARSE;
        }
        /* One dw_session per full-TOC session that holds TOC tracks. */
        for (int i = 0; i < disc->track_count; i++) {
            struct dw_track *t = &disc->tracks[i];
            struct dw_session *s =
                disc->session_count ? &disc->sessions[disc->session_count - 1] : NULL;
            if (s && s->number == t->session) {
                s->last_track = t->number;
                continue;
            }
            s = &disc->sessions[disc->session_count++];
            s->number = t->session;
            s->first_track = s->last_track = t->number;
            s->leadout_lba = DW_LBA_NONE;
            for (int j = 0; j < full->session_count; j++)
                if (full->sessions[j].number == s->number)
                    s->leadout_lba = full->sessions[j].leadout_lba;
        }
    } else if (si && si->last_session > 1 && si->first_track_last_session > 0) {
        int split = si->first_track_last_session;
        bool before = false, after = false;
        for (int i = 0; i < disc->track_count; i++) {
            struct dw_track *t = &disc->tracks[i];
            t->session = t->number < split ? 1 : si->last_session;
            before = before || t->session == 1;
            after = after || t->session != 1;
        }
        if (before && after) {
            /* Only the last session is known: everything before it is
             * taken as session 1, its lead-out estimated below. */
            disc->session_count = 2;
            disc->sessions[0].number = 1;
            disc->sessions[1].number = si->last_session;
            disc->sessions[0].leadout_lba = DW_LBA_NONE;
            disc->sessions[1].leadout_lba = DW_LBA_NONE;
            for (int i = 0; i < disc->track_count; i++) {
                struct dw_session *s =
                    &disc->sessions[disc->tracks[i].session == 1 ? 0 : 1];
                if (!s->first_track)
                    s->first_track = disc->tracks[i].number;
                s->last_track = disc->tracks[i].number;
            }
        } else {
            for (int i = 0; i < disc->track_count; i++)
                disc->tracks[i].session = 1;
        }
    }
    if (disc->session_count == 0) {
        disc->session_count = 1;
        disc->sessions[0].number = 1;
        disc->sessions[0].first_track = disc->tracks[0].number;
        disc->sessions[0].last_track = disc->tracks[disc->track_count - 1].number;
        disc->sessions[0].leadout_lba = disc->leadout_lba;
    }

    /* Lead-outs not given: the last session ends at the disc lead-out, an
     * earlier one a session gap before the next session's first track (the
     * gap after the session before the last, when that is all we know). */
    for (int i = 0; i < disc->session_count; i++) {
        struct dw_session *s = &disc->sessions[i];
        const struct dw_track *next = NULL;
        int gap_session;
        if (i > 0 && s->number <= disc->sessions[i - 1].number)
            return DW_EPARSE;
        if (s->leadout_lba != DW_LBA_NONE)
            continue;
        if (i == disc->session_count - 1) {
            s->leadout_lba = disc->leadout_lba;
            continue;
        }
        for (int j = 0; j < disc->track_count && !next; j++)
            if (disc->tracks[j].number == disc->sessions[i + 1].first_track)
                next = &disc->tracks[j];
        if (!next)
            return DW_EPARSE;
        gap_session = disc->sessions[i + 1].number - 1;
        s->leadout_lba = next->index_lba[1] - session_gap(gap_session);
        *estimated = true;
    }
    return 0;
}

/* ---- READ CAPACITY -------------------------------------------------------- */

size_t dw__mmc_build_read_capacity(uint8_t cdb[DW_MMC_CDB_MAX])
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_READ_CAPACITY;
    return 10;
}

int dw__mmc_parse_read_capacity(const uint8_t *buf, size_t bytes, uint32_t *last_lba,
                                uint32_t *block_bytes)
{
    if (bytes < 8)
        return DW_EPARSE;
    *last_lba = dw__mmc_get_be32(buf);
    *block_bytes = dw__mmc_get_be32(buf + 4);
    return 0;
}

/* ---- READ SUB-CHANNEL ----------------------------------------------------- */

size_t dw__mmc_build_read_subchannel(uint8_t cdb[DW_MMC_CDB_MAX], unsigned format,
                                     uint8_t track, uint16_t alloc_bytes)
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_READ_SUBCHANNEL;
    cdb[2] = 0x40; /* SubQ: return sub-channel data */
    cdb[3] = (uint8_t)format;
    cdb[6] = track;
    dw__mmc_put_be16(cdb + 7, alloc_bytes);
    return 10;
}

/* Check the 4-byte sub-channel header and the data format code of a READ
 * SUB-CHANNEL reply that must reach `need` bytes. */
static bool subchannel_ok(const uint8_t *buf, size_t bytes, size_t need, unsigned format)
{
    if (bytes < need)
        return false;
    /* Sub-channel data length (bytes 2-3) counts the bytes after byte 3. */
    if ((size_t)dw__mmc_get_be16(buf + 2) + 4 < need)
        return false;
    return buf[4] == format;
}

int dw__mmc_parse_mcn(const uint8_t *buf, size_t bytes, char mcn[14])
{
    bool all_zero = true;

    mcn[0] = '\0';
    if (!subchannel_ok(buf, bytes, 22, DW_MMC_SUBQ_MCN))
        return DW_EPARSE;
    if (!(buf[8] & 0x80)) /* MCVal */
        return 0;
    for (int i = 0; i < 13; i++) {
        uint8_t c = buf[9 + i];
        if (c < '0' || c > '9') {
            mcn[0] = '\0';
            return DW_EPARSE;
        }
        all_zero = all_zero && c == '0';
        mcn[i] = (char)c;
    }
    mcn[13] = '\0';
    if (all_zero)
        mcn[0] = '\0';
    return 0;
}

int dw__mmc_parse_isrc(const uint8_t *buf, size_t bytes, char isrc[13])
{
    isrc[0] = '\0';
    if (!subchannel_ok(buf, bytes, 21, DW_MMC_SUBQ_ISRC))
        return DW_EPARSE;
    if (!(buf[8] & 0x80)) /* TCVal */
        return 0;
    /* ISO 3901: country (2) and owner (3) letters or digits, year (2) and
     * designation (5) digits. */
    for (int i = 0; i < 12; i++) {
        int c = buf[9 + i];
        bool digit = c >= '0' && c <= '9';
        bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (!(digit || (i < 5 && letter))) {
            isrc[0] = '\0';
            return DW_EPARSE;
        }
        isrc[i] = (char)(c >= 'a' ? c - 'a' + 'A' : c);
    }
    isrc[12] = '\0';
    return 0;
}

/* ---- READ CD, READ(10) ---------------------------------------------------- */

size_t dw__mmc_build_read_cd(uint8_t cdb[DW_MMC_CDB_MAX], int32_t lba, uint32_t sectors,
                             unsigned sector_type, unsigned flags)
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_READ_CD;
    cdb[1] = (uint8_t)((sector_type & 0x7) << 2);
    dw__mmc_put_be32(cdb + 2, (uint32_t)lba);
    dw__mmc_put_be24(cdb + 6, sectors & 0xFFFFFF);
    /* Byte 9: SYNC, header codes 11b (all headers), user data, EDC/ECC. */
    cdb[9] = 0xF8;
    if (flags & DW_MMC_READ_CD_C2)
        cdb[9] |= 0x02;
    else if (flags & DW_MMC_READ_CD_C2_BLOCK)
        cdb[9] |= 0x04;
    if (flags & DW_MMC_READ_CD_SUB_RAW)
        cdb[10] = 0x1;
    else if (flags & DW_MMC_READ_CD_SUB_Q)
        cdb[10] = 0x2;
    else if (flags & DW_MMC_READ_CD_SUB_RW)
        cdb[10] = 0x4;
    return 12;
}

size_t dw__mmc_read_cd_sector_bytes(unsigned flags)
{
    size_t n = DW_SECTOR_RAW_BYTES;

    if (flags & DW_MMC_READ_CD_C2)
        n += DW_C2_BYTES;
    else if (flags & DW_MMC_READ_CD_C2_BLOCK)
        n += DW_C2_BYTES + 2;
    if (flags & (DW_MMC_READ_CD_SUB_RAW | DW_MMC_READ_CD_SUB_RW))
        n += DW_SUBCHANNEL_BYTES;
    else if (flags & DW_MMC_READ_CD_SUB_Q)
        n += 16;
    return n;
}

int dw__mmc_raw_sector_mode(const uint8_t *raw, size_t bytes, int disc_type,
                            enum dw_track_mode *mode)
{
    if (bytes < DW_SECTOR_RAW_BYTES || !dw_sector_has_sync(raw))
        return DW_EPARSE;
    switch (raw[DW_OFF_HEADER + 3]) {
    case 1:
        *mode = DW_MODE_MODE1;
        return 0;
    case 2:
        *mode = (disc_type == 0x20 || memcmp(raw + DW_OFF_MODE2_SUBHEADER,
                                             raw + DW_OFF_MODE2_SUBHEADER + 4, 4) == 0)
                    ? DW_MODE_MODE2_XA
                    : DW_MODE_MODE2;
        return 0;
    default:
        return DW_EPARSE;
    }
}

/* Absolute time of an ADR 1 frame (bytes 7-9) as an LBA, reading the
 * bytes as BCD (bcd=true) or binary; false when they cannot be a time. */
static bool q_abs_lba(const uint8_t q[12], bool bcd, int32_t *lba)
{
    int m = q[7], s = q[8], f = q[9];
    if (bcd) {
        m = dw_bcd_decode(q[7]);
        s = dw_bcd_decode(q[8]);
        f = dw_bcd_decode(q[9]);
    }
    if (m < 0 || s < 0 || f < 0 || m > 99 || s >= 60 || f >= DW_SECTORS_PER_SECOND)
        return false;
    *lba = (int32_t)((m * 60 + s) * DW_SECTORS_PER_SECOND + f) - DW_MSF_LBA_OFFSET;
    return true;
}

static bool q_near(const uint8_t q[12], bool bcd, int32_t lba)
{
    int32_t at;
    return q_abs_lba(q, bcd, &at) && at >= lba - DW_MMC_Q_SLACK_SECTORS &&
           at <= lba + DW_MMC_Q_SLACK_SECTORS;
}

static bool q_crc_matches(const uint8_t q[12])
{
    return dw_q_crc(q) == dw__mmc_get_be16(q + 10);
}

static void q_set_crc(uint8_t q[12])
{
    dw__mmc_put_be16(q + 10, dw_q_crc(q));
}

bool dw__mmc_formatted_q(const uint8_t fq[DW_MMC_FORMATTED_Q_BYTES], int32_t lba,
                         enum dw__mmc_q_numbers *numbers, uint8_t q[12])
{
    uint8_t conv[12];
    bool conv_valid = true, as_is_ok, conv_ok;

    memcpy(q, fq, 12);
    if ((q[0] & 0x0F) != 1)
        return q_crc_matches(q); /* ADR 2/3 (and others) come as on the disc */
    as_is_ok = q_crc_matches(q);
    if (*numbers == DW_MMC_Q_NUMBERS_BCD)
        return as_is_ok;

    /* The frame read as binary numbers, converted to BCD: TNO (AAh stays),
     * INDEX (a lead-in POINT of A0h and up stays), the relative time,
     * ZERO, the absolute time (ECMA-130 cl. 22.3.3). */
    memcpy(conv, q, 12);
    for (int i = 1; i <= 9; i++) {
        if ((i == 1 && q[1] == 0xAA) || (i == 2 && q[1] == 0 && q[2] >= 0xA0))
            continue;
        if (q[i] > 99)
            conv_valid = false;
        else
            conv[i] = dw_bcd_encode(q[i]);
    }
    conv_ok = conv_valid && q_crc_matches(conv);

    if (*numbers == DW_MMC_Q_NUMBERS_BINARY) {
        if (!conv_valid)
            return false;
        memcpy(q, conv, 12);
        if (conv_ok)
            return true;
        if (as_is_ok) { /* the drive's CRC covers its binary bytes */
            q_set_crc(q);
            return true;
        }
        return false;
    }

    /* Not known yet: let this frame tell, if it can. */
    if (conv_ok && !as_is_ok) {
        *numbers = DW_MMC_Q_NUMBERS_BINARY; /* the disc's CRC, binary numbers */
        memcpy(q, conv, 12);
        return true;
    }
    if (!as_is_ok)
        return false;
    bool bcd_near = q_near(q, true, lba), bin_near = q_near(q, false, lba);
    if (bcd_near && !bin_near) {
        *numbers = DW_MMC_Q_NUMBERS_BCD;
    } else if (bin_near && !bcd_near && conv_valid) {
        *numbers = DW_MMC_Q_NUMBERS_BINARY; /* with a CRC over the binary bytes */
        memcpy(q, conv, 12);
        q_set_crc(q);
    }
    /* Both readings fit (all time bytes below 10) or neither does: take the
     * frame as it is and decide later. */
    return true;
}

size_t dw__mmc_build_read10(uint8_t cdb[DW_MMC_CDB_MAX], uint32_t lba, uint16_t sectors)
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_READ_10;
    dw__mmc_put_be32(cdb + 2, lba);
    dw__mmc_put_be16(cdb + 7, sectors);
    return 10;
}

/* ---- PREVENT ALLOW MEDIUM REMOVAL, MODE SENSE(10) ------------------------- */

size_t dw__mmc_build_prevent_allow(uint8_t cdb[DW_MMC_CDB_MAX], bool prevent)
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_PREVENT_ALLOW;
    cdb[4] = prevent ? 0x01 : 0x00;
    return 6;
}

size_t dw__mmc_build_start_stop(uint8_t cdb[DW_MMC_CDB_MAX], bool load)
{
    cdb_clear(cdb);
    cdb[0] = 0x1B;
    cdb[4] = load ? 0x03 : 0x02; /* LoEj, and Start to load */
    return 6;
}

size_t dw__mmc_build_mode_sense10(uint8_t cdb[DW_MMC_CDB_MAX], uint8_t page_code,
                                  uint16_t alloc_bytes)
{
    cdb_clear(cdb);
    cdb[0] = DW_MMC_MODE_SENSE_10;
    cdb[1] = 0x08;             /* DBD: no block descriptors */
    cdb[2] = page_code & 0x3F; /* PC 00b: current values */
    dw__mmc_put_be16(cdb + 7, alloc_bytes);
    return 10;
}

int dw__mmc_parse_caps(const uint8_t *buf, size_t bytes, struct dw__mmc_caps *out)
{
    size_t end, page, page_end;

    memset(out, 0, sizeof(*out));
    out->buffer_kib = out->max_read_speed_kbps = out->read_speed_kbps = -1;
    if (bytes < 8)
        return DW_EPARSE;
    /* Mode data length (bytes 0-1) counts the bytes after itself. */
    end = (size_t)dw__mmc_get_be16(buf) + 2;
    if (end > bytes)
        end = bytes;
    page = 8 + (size_t)dw__mmc_get_be16(buf + 6);
    if (page + 2 > end || (buf[page] & 0x3F) != DW_MMC_PAGE_CAPABILITIES)
        return DW_EPARSE;
    page_end = page + 2 + buf[page + 1];
    if (page_end > end)
        page_end = end;
    if (page_end < page + 8)
        return DW_EPARSE;
    const uint8_t *p = buf + page;
    out->read_cdr = p[2] & 0x01;
    out->read_cdrw = p[2] & 0x02;
    out->read_dvdrom = p[2] & 0x08;
    out->read_dvdr = p[2] & 0x10;
    out->read_dvdram = p[2] & 0x20;
    out->write_cdr = p[3] & 0x01;
    out->write_cdrw = p[3] & 0x02;
    out->write_dvdr = p[3] & 0x10;
    out->write_dvdram = p[3] & 0x20;
    out->cdda_commands = p[5] & 0x01;
    out->accurate_stream = p[5] & 0x02;
    out->rw_supported = p[5] & 0x04;
    out->rw_corrected = p[5] & 0x08;
    out->c2_pointers = p[5] & 0x10;
    out->isrc = p[5] & 0x20;
    out->upc = p[5] & 0x40;
    out->can_lock = p[6] & 0x01;
    out->locked = p[6] & 0x02;
    out->can_eject = p[6] & 0x08;
    if (page_end >= page + 10)
        out->max_read_speed_kbps = dw__mmc_get_be16(p + 8);
    if (page_end >= page + 14)
        out->buffer_kib = dw__mmc_get_be16(p + 12);
    if (page_end >= page + 16)
        out->read_speed_kbps = dw__mmc_get_be16(p + 14);
    return 0;
}
