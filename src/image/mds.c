/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Alcohol 120% reader: an .mds descriptor (version 1.x) and its .mdf data
 * file become a dw_disc plus a span map into the .mdf.
 *
 * The format is unpublished; the layout here is the one libmirage's
 * image-mds parser and mdf2iso use (REFERENCE-2.md section 6), written from
 * that description.  All integers are little-endian.
 *
 *   header (88 bytes)  0 "MEDIA DESCRIPTOR", 16 version (major 1, minor),
 *                      18 u16 medium type (00h CD-ROM, 01h CD-R, 02h CD-RW,
 *                      10h DVD-ROM, 12h DVD-R: 10h and up are DVDs),
 *                      20 u16 sessions, 80 u32 offset of the session blocks
 *   session (24)       0 i32 first LBA (-150 for session 1: its pregap),
 *                      4 i32 the lead-out LBA, 8 u16 number, 10 u8 track
 *                      blocks, 11 u8 of them not tracks (A0h-A2h), 12 u16
 *                      first and 14 u16 last track, 20 u32 offset of its
 *                      track blocks
 *   track block (80)   0 mode (low nibble, and nibble - 8: 1 audio, 2 Mode
 *                      1, 0/3/7 Mode 2, 4 Mode 2 Form 1, 5 Mode 2 Form 2),
 *                      1 sub-channel (00h none, 08h 96 bytes of P-W
 *                      interleaved as READ CD returns them, after each
 *                      sector), 2 ADR/CONTROL (CONTROL in the low nibble),
 *                      4 POINT (01h-63h a track), 9-11 PMSF, 12 u32 offset
 *                      of its extra block (DVD: the track length), 16 u16
 *                      bytes a sector on file (with the sub-channel: 2448),
 *                      36 u32 PLBA (INDEX 01), 40 u64 byte offset in the
 *                      .mdf, 48 u32 number of files, 52 u32 footer offset
 *   extra block (8)    0 u32 pregap sectors (not in the .mdf), 4 u32 the
 *                      track's sectors in the .mdf from its PLBA
 *   footer (16)        0 u32 offset of the data file's name, 4 u32 1 when
 *                      that name is UTF-16LE, else 8-bit; it ends at a NUL.
 *                      "*.mdf" stands for the .mds's own name with .mdf.
 *
 * A CD track is its pregap (not on file: empty sectors of its mode, as a
 * drive reads a pressed pregap; none before LBA 0) then `length` sectors
 * from the .mdf; sectors between one track's end and the next track's
 * pregap are taken as more of the next track's pregap, and the last
 * track's end up to its session's lead-out likewise empty.  A DVD .mds
 * (medium type 10h and up) holds one track of 2048-byte sectors, its
 * length the extra field; the image then reports a DVD-ROM.  Data files
 * split in several parts (number of files > 1) are refused.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "discwright/sector.h"
#include "image/image.h"

#define MDS_HEADER_BYTES 88
#define MDS_SESSION_BYTES 24
#define MDS_TRACK_BYTES 80
#define MDS_EXTRA_BYTES 8
#define MDS_FOOTER_BYTES 16
#define MDS_MAX_BYTES (16u << 20) /* a descriptor is a few kilobytes */
#define MDS_NAME_MAX 1024
#define MDS_SUB_PW 0x08
#define MDS_MEDIUM_DVD 0x10

struct mds {
    const char *path;
    const uint8_t *d;
    size_t len;
    struct dw_error_detail *err;
    struct dw__image *img;
    struct dw_disc *disc;
    bool check_files;
    uint64_t mdf_bytes;
    int mdf; /* file index of the .mdf, -1 before it is known */
    bool dvd;
};

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int fail(struct mds *m, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct mds *m, int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return dw__set_error(m->err, code, "'%s': %s", base_name(m->path), msg);
}

static uint16_t le16(const uint8_t *b)
{
    return (uint16_t)(b[0] | b[1] << 8);
}

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

static uint64_t le64(const uint8_t *b)
{
    return (uint64_t)le32(b) | (uint64_t)le32(b + 4) << 32;
}

/* True when [offset, offset + bytes) lies inside the descriptor. */
static bool inside(const struct mds *m, uint64_t offset, uint64_t bytes)
{
    return offset <= m->len && bytes <= m->len - offset;
}

/* ------------------------------------------------------------------ */
/* The data file's name                                                */

/* UTF-16LE from the descriptor to UTF-8; false for a broken surrogate. */
static bool utf16_to_utf8(const uint8_t *p, size_t units, char *out, size_t out_bytes)
{
    size_t o = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t c = le16(p + 2 * i);
        if (c >= 0xD800 && c <= 0xDBFF) {
            if (i + 1 >= units)
                return false;
            uint32_t lo = le16(p + 2 * (i + 1));
            if (lo < 0xDC00 || lo > 0xDFFF)
                return false;
            c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
            i++;
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            return false;
        }
        uint8_t buf[4];
        size_t n;
        if (c < 0x80) {
            buf[0] = (uint8_t)c;
            n = 1;
        } else if (c < 0x800) {
            buf[0] = (uint8_t)(0xC0 | c >> 6);
            buf[1] = (uint8_t)(0x80 | (c & 0x3F));
            n = 2;
        } else if (c < 0x10000) {
            buf[0] = (uint8_t)(0xE0 | c >> 12);
            buf[1] = (uint8_t)(0x80 | (c >> 6 & 0x3F));
            buf[2] = (uint8_t)(0x80 | (c & 0x3F));
            n = 3;
        } else {
            buf[0] = (uint8_t)(0xF0 | c >> 18);
            buf[1] = (uint8_t)(0x80 | (c >> 12 & 0x3F));
            buf[2] = (uint8_t)(0x80 | (c >> 6 & 0x3F));
            buf[3] = (uint8_t)(0x80 | (c & 0x3F));
            n = 4;
        }
        if (o + n + 1 > out_bytes)
            return false;
        memcpy(out + o, buf, n);
        o += n;
    }
    out[o] = '\0';
    return true;
}

/* The name in the footer at `footer`, as UTF-8, checked: not empty, no
 * control characters (text from a file is data: it names a file next to
 * the .mds or nothing).  "*.ext" becomes the .mds's name with .ext. */
static int footer_name(struct mds *m, uint32_t footer, char *name, size_t name_bytes)
{
    if (!inside(m, footer, MDS_FOOTER_BYTES))
        return fail(m, DW_EPARSE,
                    "the footer at byte %" PRIu32
                    " lies past the end of the descriptor (%zu "
                    "bytes): it is truncated or damaged",
                    footer, m->len);
    uint32_t at = le32(m->d + footer);
    bool wide = le32(m->d + footer + 4) != 0;
    if (at >= m->len)
        return fail(m, DW_EPARSE,
                    "the data file's name is said to be at byte %" PRIu32
                    ", past the end of "
                    "the descriptor (%zu bytes)",
                    at, m->len);
    size_t units = 0, unit = wide ? 2 : 1;
    while (at + (units + 1) * unit <= m->len &&
           !(m->d[at + units * unit] == 0 && (!wide || m->d[at + units * unit + 1] == 0)))
        units++;
    if (at + (units + 1) * unit > m->len)
        return fail(m, DW_EPARSE,
                    "the data file's name at byte %" PRIu32
                    " has no end (NUL) inside the "
                    "descriptor: it is truncated",
                    at);
    if (units == 0)
        return fail(m, DW_EPARSE, "the data file's name is empty");
    if (units >= MDS_NAME_MAX)
        return fail(m, DW_EPARSE,
                    "the data file's name is %zu characters long; the descriptor "
                    "is damaged",
                    units);
    if (wide) {
        if (!utf16_to_utf8(m->d + at, units, name, name_bytes))
            return fail(m, DW_EPARSE, "the data file's name is not valid UTF-16");
    } else {
        memcpy(name, m->d + at, units);
        name[units] = '\0';
    }
    for (const unsigned char *s = (const unsigned char *)name; *s; s++)
        if (*s < 0x20 || *s == 0x7f)
            return fail(
                m, DW_EPARSE,
                "the data file's name holds control character 0x%02x; the descriptor "
                "is damaged",
                *s);
    if (name[0] == '*' && name[1] == '.') {
        /* "*.mdf": this descriptor's name with that extension. */
        const char *base = base_name(m->path);
        const char *dot = strrchr(base, '.');
        size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
        char ext[64];
        size_t ext_bytes = strlen(name + 1);
        if (ext_bytes >= sizeof(ext) || stem + ext_bytes + 1 > name_bytes)
            return fail(m, DW_EPARSE, "the data file's name '%.40s' is too long", name);
        memcpy(ext, name + 1, ext_bytes + 1);
        memcpy(name, base, stem);
        memcpy(name + stem, ext, ext_bytes + 1);
    }
    return 0;
}

/* Find and stat the data file the footer names (once: every track names
 * the same file in an image with one data file). */
static int open_mdf(struct mds *m, uint32_t footer)
{
    char name[MDS_NAME_MAX * 4 + 64];
    char *resolved = NULL;
    int rc, fd = -1;
    bool case_differs = false;
    if ((rc = footer_name(m, footer, name, sizeof(name))))
        return rc;
    if (m->mdf >= 0) {
        const char *have = base_name(m->img->files[m->mdf].path);
        if (m->check_files && strcasecmp(have, base_name(name)) != 0)
            return fail(
                m, DW_EUNSUPPORTED,
                "its tracks name two data files ('%s' and '%s'); discwright reads "
                "images with one .mdf",
                have, name);
        return 0;
    }
    if (!m->check_files) {
        rc = dw__image_add_file(m->img, m->path, m->mdf_bytes);
        if (rc < 0)
            return fail(m, rc, "out of memory");
        m->mdf = rc;
        return 0;
    }
    rc = dw__image_resolve_file(m->path, name, &resolved, &case_differs);
    if (rc == DW_ENOMEM)
        return fail(m, rc, "out of memory");
    if (rc)
        return fail(m, DW_ENOENT,
                    "its data file '%s' is not next to it: put the .mdf beside the .mds",
                    name);
    if (case_differs)
        dw__image_warn(m->img, "'%s': data file '%s' found as '%s' (the case differs)",
                       base_name(m->path), name, base_name(resolved));
    rc = dw__image_open_file(resolved, false, &fd, &m->mdf_bytes, m->err);
    if (fd >= 0)
        close(fd);
    if (rc == 0) {
        rc = dw__image_add_file(m->img, resolved, m->mdf_bytes);
        if (rc >= 0) {
            m->mdf = rc;
            rc = 0;
        } else {
            rc = fail(m, rc, "out of memory");
        }
    }
    free(resolved);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Tracks                                                              */

struct mds_track {
    int number, session;
    unsigned mode_code, sub_code, control;
    uint32_t sector_bytes;
    int32_t plba, pregap, length;
    uint64_t offset_bytes;
    uint32_t footer, files;
    uint32_t block_at;
};

/* The disc mode and the span layout of a track block's mode and main
 * sector size; DW_EUNSUPPORTED with a message for one we cannot serve. */
static int track_layout(struct mds *m, const struct mds_track *t,
                        enum dw_track_mode *mode, enum dw__span_layout *layout)
{
    unsigned code = t->mode_code & 0x0F;
    uint32_t main =
        t->sector_bytes - (t->sub_code == MDS_SUB_PW ? DW_SUBCHANNEL_BYTES : 0);
    if (code >= 8)
        code -= 8;
    if (m->dvd) {
        *mode = DW_MODE_MODE1;
        *layout = DW_SPAN_MODE1_2048;
        if (main != DW_SECTOR_USER_BYTES)
            goto bad;
        return 0;
    }
    switch (code) {
    case 1:
        *mode = DW_MODE_AUDIO;
        *layout = DW_SPAN_RAW;
        if (main != DW_SECTOR_RAW_BYTES)
            goto bad;
        return 0;
    case 2:
        *mode = DW_MODE_MODE1;
        *layout = main == DW_SECTOR_RAW_BYTES ? DW_SPAN_RAW : DW_SPAN_MODE1_2048;
        if (main != DW_SECTOR_RAW_BYTES && main != DW_SECTOR_USER_BYTES)
            goto bad;
        return 0;
    case 0:
    case 3:
    case 4:
    case 5:
    case 7:
        *mode = DW_MODE_MODE2_XA;
        if (main == DW_SECTOR_RAW_BYTES)
            *layout = DW_SPAN_RAW;
        else if (main == DW_SECTOR_MODE2_BYTES)
            *layout = DW_SPAN_MODE2_2336;
        else if (main == DW_SECTOR_USER_BYTES && code == 4)
            *layout = DW_SPAN_FORM1_2048;
        else
            goto bad;
        return 0;
    default:
        return fail(
            m, DW_EUNSUPPORTED,
            "track %d has mode 0x%02x, which is no CD sector mode discwright knows",
            t->number, t->mode_code);
    }
bad:
    return fail(m, DW_EUNSUPPORTED,
                "track %d (mode 0x%02x) is stored as %" PRIu32 "-byte sectors%s, which "
                "discwright does not read for that mode",
                t->number, t->mode_code, t->sector_bytes,
                t->sub_code == MDS_SUB_PW ? " with sub-channel" : "");
}

static int read_track(struct mds *m, uint32_t at, int session, struct mds_track *t)
{
    const uint8_t *b = m->d + at;
    memset(t, 0, sizeof(*t));
    t->block_at = at;
    t->number = b[4];
    t->session = session;
    t->mode_code = b[0];
    t->sub_code = b[1];
    t->control = b[2] & 0x0F;
    t->sector_bytes = le16(b + 16);
    t->plba = (int32_t)le32(b + 36);
    t->offset_bytes = le64(b + 40);
    t->files = le32(b + 48);
    t->footer = le32(b + 52);
    uint32_t extra = le32(b + 12);
    if (t->sub_code != 0 && t->sub_code != MDS_SUB_PW)
        return fail(
            m, DW_EUNSUPPORTED,
            "track %d has sub-channel mode 0x%02x; discwright reads none (00h) or "
            "96 bytes of interleaved P-W (08h)",
            t->number, t->sub_code);
    if (t->sub_code == MDS_SUB_PW && t->sector_bytes <= DW_SUBCHANNEL_BYTES)
        return fail(m, DW_EPARSE,
                    "track %d: %" PRIu32 "-byte sectors cannot hold 96 bytes of "
                    "sub-channel",
                    t->number, t->sector_bytes);
    if (t->files != 1)
        return fail(
            m, t->files == 0 ? DW_EPARSE : DW_EUNSUPPORTED,
            "track %d is in %" PRIu32 " data files; discwright reads images whose "
            "data is one .mdf%s",
            t->number, t->files,
            t->files > 1 ? " (join the parts into one file and fix the .mds)" : "");
    if (m->dvd) {
        /* One track from LBA 0; its length in the extra field. */
        if (t->plba != 0)
            return fail(m, DW_EPARSE, "the DVD track starts at LBA %" PRId32 ", not at 0",
                        t->plba);
        if (extra > DW__MAX_MEDIUM_SECTORS)
            return fail(m, DW_ERANGE,
                        "the DVD track is %" PRIu32 " sectors long, more than "
                        "any disc holds",
                        extra);
        t->length = (int32_t)extra;
        return 0;
    }
    if (t->plba < 0 || t->plba > DW__CD_MAX_LEADOUT_LBA)
        return fail(m, DW_EPARSE, "track %d starts at LBA %" PRId32 ", outside any CD",
                    t->number, t->plba);
    if (!extra)
        return fail(m, DW_EPARSE, "track %d has no extra block (pregap and length)",
                    t->number);
    if (!inside(m, extra, MDS_EXTRA_BYTES))
        return fail(m, DW_EPARSE,
                    "track %d's extra block at byte %" PRIu32 " lies past the end of the "
                    "descriptor (%zu bytes): it is truncated or damaged",
                    t->number, extra, m->len);
    uint32_t pregap = le32(m->d + extra), length = le32(m->d + extra + 4);
    if (pregap > DW__CD_MAX_LEADOUT_LBA || length == 0 || length > DW__CD_MAX_LEADOUT_LBA)
        return fail(m, DW_EPARSE,
                    "track %d has a pregap of %" PRIu32 " and a length of %" PRIu32
                    " sectors, which no CD holds",
                    t->number, pregap, length);
    t->pregap = (int32_t)pregap;
    t->length = (int32_t)length;
    return 0;
}

static int add_zero(struct mds *m, int track, int32_t lba, int32_t sectors)
{
    struct dw__span s = {.lba = lba,
                         .sectors = sectors,
                         .file = -1,
                         .layout = DW_SPAN_ZERO,
                         .track = track};
    int rc = dw__image_add_span(m->img, &s);
    return rc < 0 ? fail(m, rc, "out of memory") : 0;
}

/* The track's data in the .mdf as a span, after checking it is there. */
static int add_data(struct mds *m, const struct mds_track *t, enum dw__span_layout layout)
{
    uint64_t bytes = (uint64_t)t->length * t->sector_bytes;
    bool sized = m->check_files || m->mdf_bytes;
    if (sized &&
        (t->offset_bytes > m->mdf_bytes || bytes > m->mdf_bytes - t->offset_bytes))
        return fail(m, DW_ETRUNC,
                    "track %d needs %" PRId32 " sectors of %" PRIu32
                    " bytes from byte %" PRIu64 " of '%s', which is %" PRIu64
                    " bytes long: the .mdf is truncated or the "
                    ".mds does not belong to it",
                    t->number, t->length, t->sector_bytes, t->offset_bytes,
                    base_name(m->img->files[m->mdf].path), m->mdf_bytes);
    bool sub = t->sub_code == MDS_SUB_PW;
    struct dw__span s = {
        .lba = t->plba,
        .sectors = t->length,
        .file = m->mdf,
        .offset_bytes = t->offset_bytes,
        .stride_bytes = t->sector_bytes,
        .layout = layout,
        .track = t->number,
        .has_sub = sub,
        .sub_packed = false,
        .sub_file = sub ? m->mdf : -1,
        .sub_offset_bytes =
            sub ? t->offset_bytes + t->sector_bytes - DW_SUBCHANNEL_BYTES : 0,
        .sub_stride_bytes = sub ? t->sector_bytes : 0,
    };
    int rc = dw__image_add_span(m->img, &s);
    return rc < 0 ? fail(m, rc, "out of memory") : 0;
}

/* Track t of session `session` into the disc model and the span map: its
 * pregap (from *floor, the end of what comes before it), its data, and
 * for the last track of a CD session the sectors up to the lead-out `end`;
 * *floor moves past it. */
static int add_track(struct mds *m, struct mds_track *t, int session,
                     bool later_session_first, bool last_of_session, int32_t end,
                     int32_t *floor)
{
    enum dw_track_mode mode = DW_MODE_AUDIO;
    enum dw__span_layout layout = DW_SPAN_RAW;
    int rc;
    if ((rc = open_mdf(m, t->footer)) || (rc = track_layout(m, t, &mode, &layout)))
        return rc;
    if (m->dvd && (m->check_files || m->mdf_bytes)) {
        uint64_t avail = t->offset_bytes <= m->mdf_bytes
                             ? (m->mdf_bytes - t->offset_bytes) / t->sector_bytes
                             : 0;
        if (t->length == 0)
            t->length = (int32_t)(avail > DW__MAX_MEDIUM_SECTORS ? DW__MAX_MEDIUM_SECTORS
                                                                 : avail);
    }
    if (t->length <= 0)
        return fail(m, DW_EPARSE, "track %d is empty", t->number);
    int32_t data_end = t->plba + t->length;
    /* Everything between the previous track's data (or, for the first
     * track of a later session, its pregap) and PLBA is pregap. */
    int32_t pregap_lba = *floor;
    if (later_session_first && t->plba - t->pregap > *floor)
        pregap_lba = t->plba - t->pregap;
    if (t->plba < *floor)
        return fail(m, DW_EPARSE,
                    "track %d starts at LBA %" PRId32
                    ", inside what comes before it (up to "
                    "LBA %" PRId32 "): the track blocks are out of order or lie",
                    t->number, t->plba, *floor);
    if (!m->dvd && data_end > end)
        return fail(m, DW_EPARSE,
                    "track %d ends at LBA %" PRId32
                    ", past its session's lead-out at LBA %" PRId32,
                    t->number, data_end, end);
    struct dw_track *dt = &m->disc->tracks[m->disc->track_count++];
    dt->number = t->number;
    dt->session = session;
    dt->mode = mode;
    dt->control = t->control | (mode != DW_MODE_AUDIO ? DW_CTL_DATA : 0);
    for (int k = 0; k < DW_MAX_INDEXES; k++)
        dt->index_lba[k] = DW_LBA_NONE;
    dt->index_lba[1] = t->plba;
    dt->index_count = 2;
    if (pregap_lba < t->plba) {
        dt->index_lba[0] = pregap_lba;
        if ((rc = add_zero(m, t->number, pregap_lba, t->plba - pregap_lba)))
            return rc;
    }
    if ((rc = add_data(m, t, layout)))
        return rc;
    *floor = data_end;
    if (last_of_session && !m->dvd && data_end < end) {
        /* Up to the lead-out: not on file. */
        if ((rc = add_zero(m, t->number, data_end, end - data_end)))
            return rc;
        *floor = end;
    }
    return 0;
}

static int read_session(struct mds *m, uint32_t at, int index, int32_t *floor)
{
    const uint8_t *b = m->d + at;
    int32_t start = (int32_t)le32(b), end = (int32_t)le32(b + 4);
    int number = le16(b + 8), blocks = b[10];
    int first = le16(b + 12), last = le16(b + 14);
    uint32_t tracks_at = le32(b + 20);
    struct mds_track tracks[DW_MAX_TRACKS];
    int n = 0, rc;
    (void)start;

    if (number != index + 1)
        return fail(m, DW_EPARSE,
                    "session block %d is numbered %d; sessions count from 1", index + 1,
                    number);
    if (first < 1 || last < first || last > DW_MAX_TRACKS)
        return fail(m, DW_EPARSE, "session %d says its tracks are %d to %d", number,
                    first, last);
    if (!inside(m, tracks_at, (uint64_t)blocks * MDS_TRACK_BYTES))
        return fail(m, DW_EPARSE,
                    "session %d's %d track blocks at byte %" PRIu32
                    " run past the end of the "
                    "descriptor (%zu bytes): it is truncated or its track count is wrong",
                    number, blocks, tracks_at, m->len);
    for (int i = 0; i < blocks; i++) {
        uint32_t block_at = tracks_at + (uint32_t)i * MDS_TRACK_BYTES;
        int point = m->d[block_at + 4];
        if (point < 1 || point > DW_MAX_TRACKS)
            continue; /* A0h, A1h, A2h: the TOC's own points */
        if (n == DW_MAX_TRACKS)
            return fail(m, DW_EPARSE, "session %d has more than 99 track blocks", number);
        if ((rc = read_track(m, block_at, number, &tracks[n])))
            return rc;
        if (tracks[n].number < first || tracks[n].number > last)
            return fail(m, DW_EPARSE,
                        "session %d (tracks %d to %d) holds a block for track %d", number,
                        first, last, tracks[n].number);
        if (n > 0 && tracks[n].number != tracks[n - 1].number + 1)
            return fail(
                m, DW_EPARSE,
                "session %d: track %d follows track %d; the track blocks are out of "
                "order or one is missing",
                number, tracks[n].number, tracks[n - 1].number);
        n++;
    }
    if (n != last - first + 1 || tracks[0].number != first)
        return fail(
            m, DW_EPARSE,
            "session %d says it holds tracks %d to %d but has %d track blocks for them",
            number, first, last, n);
    if (m->disc->track_count &&
        first != m->disc->tracks[m->disc->track_count - 1].number + 1)
        return fail(m, DW_EPARSE, "session %d starts with track %d, not with track %d",
                    number, first, m->disc->tracks[m->disc->track_count - 1].number + 1);
    if (m->dvd && (m->disc->track_count || n != 1))
        return fail(
            m, DW_EUNSUPPORTED,
            "this DVD descriptor has more than one track or session; discwright reads "
            "single-track DVD images");

    for (int i = 0; i < n; i++)
        if ((rc = add_track(m, &tracks[i], number, i == 0 && index > 0, i + 1 == n, end,
                            floor)))
            return rc;
    if (m->dvd) {
        end = m->disc->tracks[0].index_lba[1] + tracks[0].length;
    } else if (end < *floor) {
        return fail(m, DW_EPARSE,
                    "session %d's lead-out at LBA %" PRId32
                    " comes before its last track "
                    "ends (LBA %" PRId32 ")",
                    number, end, *floor);
    }
    struct dw_session *ds = &m->disc->sessions[m->disc->session_count++];
    ds->number = number;
    ds->first_track = first;
    ds->last_track = last;
    ds->leadout_lba = end;
    *floor = end;
    return 0;
}

static int parse(struct mds *m)
{
    char msg[256];
    int rc;
    if (m->len < MDS_HEADER_BYTES || memcmp(m->d, "MEDIA DESCRIPTOR", 16) != 0)
        return fail(
            m, DW_EPARSE,
            "is %s (%zu bytes) without the 88-byte \"MEDIA DESCRIPTOR\" header: it is "
            "truncated or not an Alcohol 120%% descriptor",
            m->len < MDS_HEADER_BYTES ? "too short" : "a file", m->len);
    if (m->d[16] != 1)
        return fail(
            m, DW_EUNSUPPORTED,
            "is an MDS version %u.%u descriptor; discwright reads version 1.x (Alcohol "
            "120%%); save the image again in that format",
            m->d[16], m->d[17]);
    unsigned medium = le16(m->d + 18);
    int sessions = le16(m->d + 20);
    uint32_t sessions_at = le32(m->d + 80);
    m->dvd = medium >= MDS_MEDIUM_DVD;
    if (sessions < 1 || sessions > DW_MAX_SESSIONS)
        return fail(m, DW_EPARSE, "says it has %d sessions", sessions);
    if (!inside(m, sessions_at, (uint64_t)sessions * MDS_SESSION_BYTES))
        return fail(
            m, DW_EPARSE,
            "its %d session blocks at byte %" PRIu32 " run past the end of the "
            "descriptor (%zu bytes): it is truncated or its session count is wrong",
            sessions, sessions_at, m->len);
    int32_t floor = 0;
    for (int s = 0; s < sessions; s++)
        if ((rc = read_session(m, sessions_at + (uint32_t)s * MDS_SESSION_BYTES, s,
                               &floor)))
            return rc;

    struct dw_disc *d = m->disc;
    d->leadout_lba = d->sessions[d->session_count - 1].leadout_lba;
    if (m->dvd) {
        if (d->leadout_lba > DW__MAX_MEDIUM_SECTORS)
            return fail(m, DW_ERANGE,
                        "its track of %" PRId32 " sectors is larger than any disc",
                        d->leadout_lba);
    } else if ((rc = dw__image_check_cd_leadout(base_name(m->path), d->leadout_lba,
                                                m->err))) {
        return rc;
    }
    if (d->session_count == 1) {
        d->session_count = 0; /* dw_disc_finish builds the table */
        memset(&d->sessions[0], 0, sizeof(d->sessions[0]));
    }
    if ((rc = dw_disc_finish(d, msg, sizeof(msg))))
        return fail(m, DW_EPARSE, "%s; the descriptor is damaged", msg);
    snprintf(m->img->format, sizeof(m->img->format), "mds");
    snprintf(m->img->kind, sizeof(m->img->kind), "%s",
             m->dvd ? "Alcohol DVD" : "Alcohol 120% CD");
    m->img->dvd = m->dvd;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

int dw__mds_parse(const uint8_t *data, size_t len, const char *path, bool check_files,
                  uint64_t mdf_bytes, struct dw__image **out, struct dw_error_detail *err)
{
    struct mds m = {.path = path,
                    .d = data,
                    .len = len,
                    .err = err,
                    .check_files = check_files,
                    .mdf_bytes = mdf_bytes,
                    .mdf = -1};
    int rc;
    if (out)
        *out = NULL;
    if (!path || !out || (!data && len))
        return dw__set_error(err, DW_EINVAL, "dw__mds_parse: missing argument");
    m.img = calloc(1, sizeof(*m.img));
    if (!m.img || !(m.img->disc = dw_disc_new())) {
        dw__image_free(m.img);
        return dw__set_error(err, DW_ENOMEM, "'%s': out of memory", base_name(path));
    }
    m.disc = m.img->disc;
    if ((rc = parse(&m))) {
        dw__image_free(m.img);
        return rc;
    }
    *out = m.img;
    return 0;
}

int dw__mds_read(const char *path, struct dw__image **out, struct dw_error_detail *err)
{
    FILE *f = NULL;
    uint64_t size = 0;
    uint8_t *data = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!path || !out)
        return dw__set_error(err, DW_EINVAL, "dw__mds_read: missing argument");
    if ((rc = dw__image_fopen(path, &f, &size, err)))
        return rc;
    if (size > MDS_MAX_BYTES) {
        rc = dw__set_error(err, DW_EPARSE,
                           "'%s' is %" PRIu64
                           " bytes, more than any Alcohol 120%% descriptor; "
                           "open the .mds, not the .mdf",
                           base_name(path), size);
        goto out;
    }
    if (!(data = malloc(size ? (size_t)size : 1))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    if (fread(data, 1, (size_t)size, f) != (size_t)size) {
        rc = dw__set_error_errno(err, errno ? errno : EIO, "cannot read '%s'", path);
        goto out;
    }
    rc = dw__mds_parse(data, (size_t)size, path, true, 0, out, err);
out:
    fclose(f);
    free(data);
    return rc;
}
