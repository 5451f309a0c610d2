/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Recognition of image files by their content.
 *
 * The extension of a SOURCE says what its author meant; the bytes say what
 * it is.  A file is taken for a format only on evidence from its content,
 * checked from the most specific to the least:
 *
 *  1. a trailer at the end of the file: Nero's "NER5" + u64 / "NERO" + u32
 *     chunk offset (nrg.c), Apple UDIF's 512-byte "koly" block (version 4,
 *     size 512; REFERENCE-2.md §9);
 *  2. long magic numbers at byte 0: MAME CHD "MComprHD" (§4.1), Alcohol's
 *     "MEDIA DESCRIPTOR" (§6), "CISO"/"ZISO" with a sane header (§7),
 *     "ECM\0" (§8);
 *  3. an ISO 9660 or UDF volume recognition area at sector 16 (iso.c);
 *     it comes after (2) because an ISO image's first 32 KiB (the system
 *     area) may hold anything, and before (4) for the same reason;
 *  4. short magic numbers at byte 0: gzip, xz, bzip2, zstd, ZIP, 7-Zip,
 *     RIFF WAVE;
 *  5. a raw 2352-byte CD sector at byte 0: the 12-byte sync pattern and a
 *     header with a BCD address and mode 0, 1 or 2 (ECMA-130 cl. 14);
 *  6. text: a CloneCD control file ("[CloneCD]" first), or lines that read
 *     as a cue sheet (TRACK nn MODE, INDEX nn mm:ss:ff, FILE "x" BINARY)
 *     or as a cdrdao TOC file (CD_DA, TRACK AUDIO, DATAFILE, ...),
 *     whichever has more.
 * The file name breaks ties only: a file none of this recognises (text
 * that is not clearly one or the other, UTF-16, garbage) is taken by its
 * extension (.cue, .toc, .ccd) so that the parser can say what is wrong
 * with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <errno.h>
#include "discwright/sector.h"
#include "image/container.h"
#include "image/image.h"
#include "image/chd.h"

static const struct {
    const char *name; /* with its article, for messages */
    const char *hint; /* what to do instead, or NULL */
} formats[DW_IMAGE_FORMAT_COUNT] = {
    [DW_IMAGE_UNKNOWN] = {"a file of unknown format", NULL},
    [DW_IMAGE_CUE] = {"a cue sheet", NULL},
    [DW_IMAGE_TOC] = {"a cdrdao TOC file", NULL},
    [DW_IMAGE_NRG] = {"a Nero NRG image", NULL},
    [DW_IMAGE_ISO] = {"an ISO 9660/UDF image", NULL},
    [DW_IMAGE_RAW_CD] = {"a raw CD image (2352-byte sectors)", NULL},
    [DW_IMAGE_CHD] = {"a MAME CHD image", "chdman extractcd makes a cue sheet and bin of it"},
    [DW_IMAGE_CSO] = {"a CSO (compressed ISO) image", "maxcso --decompress makes an ISO of it"},
    [DW_IMAGE_ZSO] = {"a ZSO (LZ4-compressed ISO) image",
                      "maxcso --decompress makes an ISO of it"},
    [DW_IMAGE_ECM] = {"an ECM image (a CD image with its error codes stripped)",
                      "unecm restores the image"},
    [DW_IMAGE_DMG] = {"an Apple disk image (DMG)", "dmg2img makes a raw image of it"},
    [DW_IMAGE_CCD] = {"a CloneCD control file (.ccd)", NULL},
    [DW_IMAGE_MDS] = {"an Alcohol 120% descriptor (.mds)", NULL},
    [DW_IMAGE_GZIP] = {"a gzip-compressed file", "decompress it first (gunzip)"},
    [DW_IMAGE_XZ] = {"an xz-compressed file", "decompress it first (unxz)"},
    [DW_IMAGE_BZIP2] = {"a bzip2-compressed file", "decompress it first (bunzip2)"},
    [DW_IMAGE_ZSTD] = {"a zstd-compressed file", "decompress it first (unzstd)"},
    [DW_IMAGE_ZIP] = {"a ZIP archive", "extract it first (unzip)"},
    [DW_IMAGE_7Z] = {"a 7-Zip archive", "extract it first (7z x)"},
    [DW_IMAGE_WAVE] = {"a WAVE audio file", NULL},
};

static const char reads[] =
    "it reads cue sheets, cdrdao TOC files, Nero NRG, ISO 9660/UDF images, CloneCD, Alcohol "
    "120% MDS, MAME CHD, CSO/ZSO, Apple DMG, ECM (through its cue sheet) and "
    "gzip/xz-compressed ISO images";

const char *dw__image_format_name(enum dw__image_format format)
{
    if ((unsigned)format >= DW_IMAGE_FORMAT_COUNT)
        format = DW_IMAGE_UNKNOWN;
    const char *n = formats[format].name;
    return strchr(n, ' ') + 1; /* without the article */
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t be64(const uint8_t *b)
{
    return (uint64_t)be32(b) << 32 | be32(b + 4);
}

static bool starts(const uint8_t *head, size_t n, const void *magic, size_t m)
{
    return n >= m && memcmp(head, magic, m) == 0;
}

/* ------------------------------------------------------------------ */
/* Trailers                                                            */

/* Nero footer: "NER5" + u64 offset in the last 12 bytes, or "NERO" + u32
 * in the last 8; the offset must point before the footer. */
static bool is_nrg(const uint8_t *tail, size_t tail_bytes, uint64_t file_bytes)
{
    if (tail_bytes >= 12 && file_bytes >= 12 &&
        memcmp(tail + tail_bytes - 12, "NER5", 4) == 0)
        return be64(tail + tail_bytes - 8) < file_bytes - 12;
    if (tail_bytes >= 8 && file_bytes >= 8 && memcmp(tail + tail_bytes - 8, "NERO", 4) == 0)
        return be32(tail + tail_bytes - 4) < file_bytes - 8;
    return false;
}

/* A UDIF "koly" block: version 4, header size 512. */
static bool is_koly(const uint8_t *b)
{
    return memcmp(b, "koly", 4) == 0 && be32(b + 4) == 4 && be32(b + 8) == 512;
}

/* ------------------------------------------------------------------ */
/* Magic numbers at byte 0                                             */

/* CISO / ZISO: a block size that is a power of two from 2 KiB to 1 MiB and
 * a version of 0 to 2 (REFERENCE-2.md §7). */
static bool is_ciso(const uint8_t *head, size_t n, const char *magic)
{
    if (n < 24 || memcmp(head, magic, 4) != 0)
        return false;
    uint32_t block = le32(head + 16);
    return block >= 2048 && block <= (1u << 20) && (block & (block - 1)) == 0 && head[20] <= 2;
}

static enum dw__image_format long_magic(const uint8_t *head, size_t n)
{
    if (starts(head, n, "MComprHD", 8))
        return DW_IMAGE_CHD;
    if (starts(head, n, "MEDIA DESCRIPTOR", 16))
        return DW_IMAGE_MDS;
    if (is_ciso(head, n, "CISO"))
        return DW_IMAGE_CSO;
    if (is_ciso(head, n, "ZISO"))
        return DW_IMAGE_ZSO;
    if (starts(head, n, "ECM\0", 4))
        return DW_IMAGE_ECM;
    if (n >= 512 && is_koly(head))
        return DW_IMAGE_DMG; /* dmg2img also looks at the start */
    return DW_IMAGE_UNKNOWN;
}

static enum dw__image_format short_magic(const uint8_t *head, size_t n)
{
    if (starts(head, n, "\x1f\x8b\x08", 3))
        return DW_IMAGE_GZIP;
    if (starts(head, n, "\xfd" "7zXZ\0", 6))
        return DW_IMAGE_XZ;
    if (n >= 10 && memcmp(head, "BZh", 3) == 0 && head[3] >= '1' && head[3] <= '9' &&
        memcmp(head + 4, "1AY&SY", 6) == 0)
        return DW_IMAGE_BZIP2;
    if (starts(head, n, "\x28\xb5\x2f\xfd", 4))
        return DW_IMAGE_ZSTD;
    if (starts(head, n, "PK\x03\x04", 4))
        return DW_IMAGE_ZIP;
    if (starts(head, n, "7z\xbc\xaf\x27\x1c", 6))
        return DW_IMAGE_7Z;
    if (n >= 12 && memcmp(head, "RIFF", 4) == 0 && memcmp(head + 8, "WAVE", 4) == 0)
        return DW_IMAGE_WAVE;
    return DW_IMAGE_UNKNOWN;
}

/* ------------------------------------------------------------------ */
/* Raw CD sectors                                                      */

static bool is_bcd(uint8_t b, int max)
{
    return (b >> 4) <= 9 && (b & 0x0f) <= 9 && (b >> 4) * 10 + (b & 0x0f) <= max;
}

/* ECMA-130 cl. 14: sync 00 FF*10 00, then BCD minute, second, frame and a
 * mode byte of 0, 1 or 2. */
static bool is_raw_sector(const uint8_t *s)
{
    static const uint8_t sync[12] = {0, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0};
    return memcmp(s, sync, sizeof(sync)) == 0 && is_bcd(s[12], 99) && is_bcd(s[13], 59) &&
           is_bcd(s[14], 74) && s[15] <= 2;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

/* Text: no NUL byte.  Control characters do not make a file binary: disc
 * text (a cue's TITLE) may hold any, and the parsers escape them. */
static bool is_text(const uint8_t *p, size_t n)
{
    return n > 0 && !memchr(p, 0, n);
}

/* The next word of a line: up to a blank, or a quoted string with its
 * quotes.  Returns its length, 0 at the end of the line. */
static size_t next_word(const char **s, const char *end, const char **word)
{
    const char *p = *s;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    *word = p;
    if (p < end && *p == '"') {
        const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
        p = q ? q + 1 : end;
    } else {
        while (p < end && *p != ' ' && *p != '\t')
            p++;
    }
    *s = p;
    return (size_t)(p - *word);
}

static bool word_is(const char *w, size_t n, const char *kw)
{
    return strlen(kw) == n && strncasecmp(w, kw, n) == 0;
}

static bool word_is_number(const char *w, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (w[i] < '0' || w[i] > '9')
            return false;
    return true;
}

static bool word_in(const char *w, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (word_is(w, n, *list))
            return true;
    return false;
}

/* m:s:f with digits only (cue sheets write MM:SS:FF). */
static bool word_is_msf(const char *w, size_t n)
{
    int fields = 1;
    for (size_t i = 0; i < n; i++) {
        if (w[i] == ':' && i > 0 && w[i - 1] != ':')
            fields++;
        else if (w[i] < '0' || w[i] > '9')
            return false;
    }
    return fields == 3 && w[n - 1] != ':';
}

/* Evidence of a cue sheet and of a cdrdao TOC file in one line: only
 * statements the other format (and other text: an EAC log has "Track 02"
 * lines) cannot have.  A cue's TRACK has a number and a mode, its INDEX a
 * number and a time, its FILE a type last; a TOC's TRACK has a mode
 * straight away, and its header and data statements are words of their
 * own. */
static void score_line(const char *s, const char *end, int *cue, int *toc)
{
    static const char *const cue_types[] = {"BINARY", "MOTOROLA", "WAVE", "MP3",
                                            "AIFF",   "FLAC",     NULL};
    static const char *const cue_modes[] = {"AUDIO",      "CDG",        "MODE1/2048",
                                            "MODE1/2352", "MODE2/2048", "MODE2/2324",
                                            "MODE2/2336", "MODE2/2352", "CDI/2336",
                                            "CDI/2352",   NULL};
    static const char *const toc_modes[] = {"AUDIO",       "MODE0",       "MODE1",
                                            "MODE1_RAW",   "MODE2",       "MODE2_RAW",
                                            "MODE2_FORM1", "MODE2_FORM2", "MODE2_FORM_MIX",
                                            NULL};
    static const char *const toc_words[] = {"CD_DA",    "CD_ROM",    "CD_ROM_XA",
                                            "CD_I",     "CD_TEXT",   "DATAFILE",
                                            "AUDIOFILE", "FIRST_TRACK_NO", NULL};
    const char *w, *a, *b, *last = NULL;
    size_t n = next_word(&s, end, &w), na, nb, nlast = 0;
    if (n == 0)
        return;
    na = next_word(&s, end, &a);
    const char *rest = s;
    nb = next_word(&rest, end, &b);
    for (const char *x = s, *y; next_word(&x, end, &y) > 0;) {
        last = y;
        nlast = (size_t)(x - y);
    }
    if (word_is(w, n, "TRACK") && word_is_number(a, na) && word_in(b, nb, cue_modes))
        *cue += 1;
    else if (word_is(w, n, "INDEX") && word_is_number(a, na) && word_is_msf(b, nb))
        *cue += 1;
    else if (word_is(w, n, "FILE") && last && word_in(last, nlast, cue_types))
        *cue += 1;
    else if (word_is(w, n, "TRACK") && word_in(a, na, toc_modes))
        *toc += 1;
    else if (word_in(w, n, toc_words))
        *toc += 1;
}

static enum dw__image_format sniff_text(const uint8_t *head, size_t n)
{
    const char *s = (const char *)head, *end = s + n;
    int cue = 0, toc = 0;
    bool first = true;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *line_end = nl ? nl : end;
        const char *e = line_end;
        while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        const char *b = s;
        while (b < e && (*b == ' ' || *b == '\t'))
            b++;
        if (b < e) {
            if (first && (size_t)(e - b) == 9 && strncasecmp(b, "[CloneCD]", 9) == 0)
                return DW_IMAGE_CCD;
            first = false;
            const char *comment = NULL;
            for (const char *q = b; q + 1 < e && !comment; q++)
                if (q[0] == '/' && q[1] == '/')
                    comment = q;
            score_line(b, comment ? comment : e, &cue, &toc);
        }
        s = line_end + 1;
    }
    return cue > toc ? DW_IMAGE_CUE : toc > cue ? DW_IMAGE_TOC : DW_IMAGE_UNKNOWN;
}

/* A tie: the content said nothing for sure.  A name ending in .cue or
 * .toc sends the file to that parser (which says what is wrong with it:
 * "contains NUL bytes (UTF-16 text?)", "line 3: ..."); .ccd is CloneCD's. */
static enum dw__image_format by_name(const char *name)
{
    if (name && ends_with(name, ".cue"))
        return DW_IMAGE_CUE;
    if (name && ends_with(name, ".toc"))
        return DW_IMAGE_TOC;
    if (name && ends_with(name, ".ccd"))
        return DW_IMAGE_CCD;
    return DW_IMAGE_UNKNOWN;
}

/* ------------------------------------------------------------------ */
/* All together                                                        */

enum dw__image_format dw__image_sniff_bytes(const uint8_t *head, size_t head_bytes,
                                            const uint8_t *tail, size_t tail_bytes,
                                            uint64_t file_bytes, const char *name)
{
    enum dw__image_format f;
    struct dw__iso_volume vol;
    if (!head)
        head_bytes = 0;
    if (!tail)
        tail_bytes = 0;
    if (is_nrg(tail, tail_bytes, file_bytes))
        return DW_IMAGE_NRG;
    if (tail_bytes >= 512 && is_koly(tail + tail_bytes - 512))
        return DW_IMAGE_DMG;
    if ((f = long_magic(head, head_bytes)) != DW_IMAGE_UNKNOWN)
        return f;
    if (head_bytes > 16 * DW_SECTOR_USER_BYTES &&
        dw__iso_volume_parse(head + 16 * DW_SECTOR_USER_BYTES,
                             head_bytes - 16 * DW_SECTOR_USER_BYTES, &vol) == 0)
        return DW_IMAGE_ISO;
    if ((f = short_magic(head, head_bytes)) != DW_IMAGE_UNKNOWN)
        return f;
    if (head_bytes >= 16 && is_raw_sector(head))
        return DW_IMAGE_RAW_CD;
    /* Text, after a UTF-8 byte order mark.  UTF-16 (EAC writes it) is not
     * text here: it goes by its name to the parser, which says to save it
     * as UTF-8. */
    size_t bom = starts(head, head_bytes, "\xef\xbb\xbf", 3) ? 3 : 0;
    if (is_text(head + bom, head_bytes - bom) &&
        (f = sniff_text(head + bom, head_bytes - bom)) != DW_IMAGE_UNKNOWN)
        return f;
    return by_name(name);
}

/* ------------------------------------------------------------------ */
/* Verdicts                                                            */

/* What the start of an unknown file looks like, for the message: its
 * first line of text, a run of zero bytes, or its first bytes in hex. */
static void describe_start(const uint8_t *head, size_t n, uint64_t file_bytes, char *out,
                           size_t out_bytes)
{
    size_t zeros = 0;
    while (zeros < n && head[zeros] == 0)
        zeros++;
    if (n > 0 && zeros == n) {
        snprintf(out, out_bytes, "%zu zero bytes%s", n,
                 file_bytes > n ? " and goes on" : "");
        return;
    }
    if (is_text(head, n)) {
        size_t o = (size_t)snprintf(out, out_bytes, "the text \"");
        for (size_t i = 0; i < n && head[i] != '\n' && head[i] != '\r' && o + 8 < out_bytes;
             i++) {
            if (i == 40) {
                o += (size_t)snprintf(out + o, out_bytes - o, "...");
                break;
            }
            uint8_t c = head[i];
            if (c == '"' || c == '\\')
                o += (size_t)snprintf(out + o, out_bytes - o, "\\%c", c);
            else if (c >= 0x20 && c < 0x7f)
                out[o++] = (char)c;
            else
                o += (size_t)snprintf(out + o, out_bytes - o, "\\x%02x", c);
        }
        snprintf(out + o, out_bytes - o, "\"");
        return;
    }
    size_t o = (size_t)snprintf(out, out_bytes, "the bytes");
    for (size_t i = 0; i < n && i < 8 && o + 4 < out_bytes; i++)
        o += (size_t)snprintf(out + o, out_bytes - o, " %02x", head[i]);
}

static int refuse_raw_cd(const char *path, const uint8_t *head, size_t n,
                         struct dw_error_detail *err)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    bool sync = n >= 16 && is_raw_sector(head);
    const char *mode = !sync || head[15] == 0 ? NULL : head[15] == 1 ? "MODE1/2352" : "MODE2/2352";
    if (!mode)
        return dw__set_error(err, DW_EUNSUPPORTED,
                             "'%s' is a raw image without its layout: open its .cue or .toc "
                             "file instead, or write a cue sheet for it (FILE \"%s\" BINARY, "
                             "then TRACK and INDEX lines for each track)",
                             path, base);
    return dw__set_error(err, DW_EUNSUPPORTED,
                         "'%s' is a raw CD image (2352-byte sectors, %s at the start) without "
                         "its layout: open its .cue or .toc file instead, or write a cue "
                         "sheet for it: FILE \"%s\" BINARY, TRACK 01 %s, INDEX 01 00:00:00",
                         path, head[15] == 1 ? "Mode 1" : "Mode 2", base, mode);
}

int dw__image_sniff_verdict(const char *path, enum dw__image_format format,
                            const uint8_t *head, size_t head_bytes, uint64_t file_bytes,
                            struct dw_error_detail *err)
{
    char start[128];
    if (!head)
        head_bytes = 0;
    if ((unsigned)format >= DW_IMAGE_FORMAT_COUNT)
        format = DW_IMAGE_UNKNOWN;
    switch (format) {
    case DW_IMAGE_CUE:
    case DW_IMAGE_TOC:
    case DW_IMAGE_NRG:
    case DW_IMAGE_ISO:
    case DW_IMAGE_CCD:
    case DW_IMAGE_MDS:
    case DW_IMAGE_CHD:
    case DW_IMAGE_CSO:
    case DW_IMAGE_ZSO:
    case DW_IMAGE_ECM:
    case DW_IMAGE_DMG:
    case DW_IMAGE_GZIP:
    case DW_IMAGE_XZ:
        return 0;
    case DW_IMAGE_RAW_CD:
        return refuse_raw_cd(path, head, head_bytes, err);
    case DW_IMAGE_WAVE:
        return dw__set_error(err, DW_EUNSUPPORTED,
                             "'%s' is a WAVE audio file, not a disc image: write a cue sheet "
                             "for it (FILE \"...\" WAVE, TRACK 01 AUDIO, INDEX 01 00:00:00) and "
                             "open that",
                             path);
    case DW_IMAGE_UNKNOWN:
    case DW_IMAGE_FORMAT_COUNT:
        break;
    default:
        return dw__set_error(err, DW_EUNSUPPORTED,
                             "'%s' is %s, which discwright cannot read yet%s%s; %s", path,
                             formats[format].name, formats[format].hint ? ": " : "",
                             formats[format].hint ? formats[format].hint : "", reads);
    }
    if (file_bytes == 0)
        return dw__set_error(err, DW_EUNSUPPORTED, "'%s' is empty: it is not a disc image; %s",
                             path, reads);
    if (ends_with(path, ".bin") || ends_with(path, ".img") || ends_with(path, ".raw") ||
        ends_with(path, ".mdf"))
        return refuse_raw_cd(path, head, head_bytes, err);
    describe_start(head, head_bytes, file_bytes, start, sizeof(start));
    return dw__set_error(err, DW_EUNSUPPORTED,
                         "'%s' is not a disc image discwright knows (it starts with %s); %s "
                         "(a plain 2048-byte data image without an ISO 9660 or UDF volume "
                         "descriptor opens with --raw)",
                         path, start, reads);
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

static int read_at(int fd, uint8_t *buf, size_t bytes, uint64_t offset, size_t *got)
{
    *got = 0;
    while (*got < bytes) {
        ssize_t n = pread(fd, buf + *got, bytes - *got, (off_t)(offset + *got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return 0;
}

int dw__image_sniff(const char *path, enum dw__image_format *format,
                    struct dw_error_detail *err)
{
    uint8_t *head = NULL, tail[DW__SNIFF_TAIL_BYTES];
    size_t head_bytes = 0, tail_bytes = 0;
    uint64_t size_bytes = 0;
    int fd = -1, rc, e;
    *format = DW_IMAGE_UNKNOWN;
    if ((rc = dw__image_open_file(path, false, &fd, &size_bytes, err)))
        return rc;
    if (!(head = malloc(DW__SNIFF_HEAD_BYTES))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
        goto out;
    }
    uint64_t tail_at = size_bytes > sizeof(tail) ? size_bytes - sizeof(tail) : 0;
    if ((e = read_at(fd, head, DW__SNIFF_HEAD_BYTES, 0, &head_bytes)) ||
        (e = read_at(fd, tail, sizeof(tail), tail_at, &tail_bytes))) {
        rc = dw__set_error_errno(err, e, "cannot read '%s'", path);
        goto out;
    }
    *format = dw__image_sniff_bytes(head, head_bytes, tail, tail_bytes, size_bytes, path);
    rc = dw__image_sniff_verdict(path, *format, head, head_bytes, size_bytes, err);
out:
    close(fd);
    free(head);
    return rc;
}

int dw__image_open(const char *path, unsigned flags, struct dw__image **out,
                   struct dw_error_detail *err)
{
    enum dw__image_format format;
    int rc;
    *out = NULL;
    if (flags & DW__IMAGE_STDIO)
        return dw__iso_read(path, DW__ISO_RAW, out, err);
    rc = dw__image_sniff(path, &format, err);
    if (rc == DW_EUNSUPPORTED && format == DW_IMAGE_UNKNOWN && (flags & DW__IMAGE_RAW_ISO))
        return dw__iso_read(path, DW__ISO_RAW, out, err);
    if (rc)
        return rc;
    switch (format) {
    case DW_IMAGE_CUE:
        return dw__cue_read(path, out, err);
    case DW_IMAGE_TOC:
        return dw__toc_read(path, out, err);
    case DW_IMAGE_NRG:
        return dw__nrg_read(path, out, err);
    case DW_IMAGE_CCD:
        return dw__ccd_read(path, out, err);
    case DW_IMAGE_MDS:
        return dw__mds_read(path, out, err);
    case DW_IMAGE_CHD:
        return dw__chd_read(path, out, err);
    case DW_IMAGE_CSO:
    case DW_IMAGE_ZSO:
    case DW_IMAGE_ECM:
    case DW_IMAGE_DMG:
    case DW_IMAGE_GZIP:
    case DW_IMAGE_XZ:
        return dw__container_read(path, format, flags & DW__IMAGE_RAW_ISO ? DW__ISO_RAW : 0, out,
                                  err);
    default:
        return dw__iso_read(path, 0, out, err);
    }
}
