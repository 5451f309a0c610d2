/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cdrdao TOC reader: a toc-file becomes a dw_disc plus a span map.  This
 * file is the grammar and its meaning; the tokens and numbers come from
 * the lexer in toc_lex.c (toc_lex.h).
 *
 * Grammar and meaning follow the cdrdao(1) manual page, section "TOC FILES",
 * and cdrdao's own parser (trackdb/TocParser.g):
 *
 *   toc    := { CATALOG "13 digits" | CD_DA | CD_ROM | CD_ROM_XA | CD_I
 *             | FIRST_TRACK_NO n | CD_TEXT {...} }  track { track }
 *   track  := TRACK <mode> [RW | RW_RAW]
 *             { ISRC "..." | [NO] COPY | [NO] PRE_EMPHASIS
 *             | TWO_CHANNEL_AUDIO | FOUR_CHANNEL_AUDIO | CD_TEXT {...} }
 *             [PREGAP msf]
 *             { SILENCE len | ZERO [mode] [RW|RW_RAW] len
 *             | FILE|AUDIOFILE "f" [SWAP] [#bytes] start [len]
 *             | DATAFILE "f" [#bytes] [len] | START [msf] | END [msf] }
 *             { INDEX msf }
 *
 * Positions: the disc starts at LBA 0 (MSF 00:02:00); each track occupies
 * the concatenation of its data statements; START (or PREGAP) marks INDEX 01
 * inside that, so the part before it is the INDEX 00 pregap; INDEX positions
 * count from INDEX 01.  Audio lengths are MSF frames or sample counts (588
 * samples per sector); data lengths are MSF blocks or byte counts.
 *
 * Byte order (cdrdao(1)): raw audio files hold big-endian samples; files
 * whose name ends in ".wav" are RIFF WAVE, little-endian, after their header;
 * SWAP reverses the expected order of one FILE.
 *
 * SILENCE, ZERO and PREGAP sectors are on the disc but in no file: they
 * become DW_SPAN_ZERO spans, and those before START (after END) count as
 * the track's pregap_silence_sectors (postgap_silence_sectors).  CD-TEXT
 * keeps language block 0 only; binary items are skipped.
 *
 * Without check_files (dw__toc_parse for tests and fuzzing) no file is
 * opened: a length that only the file could tell counts as 0, WAVE headers
 * are assumed to be the canonical 44 bytes, and a track whose START or
 * INDEX lies beyond such unknown data is stretched with empty sectors.
 *
 * Leniencies beyond cdrdao, for TOC files other tools wrote (libcdio's test
 * TOCs use them): FILE/AUDIOFILE in a data track reads raw 2352-byte
 * sectors (with a warning unless the track mode is raw anyway), SILENCE in
 * a data track acts as ZERO (with a warning), keywords are matched without
 * regard to case, and flags and statements of a track may come in any
 * order, except that PREGAP must precede the track's data.
 *
 * Not supported: FIFO and "-" (stdin) sources, DATAFILE data of
 * MODE2_FORM2 tracks (2324-byte sectors have no span layout), compressed
 * audio files (mp3, ogg, flac), and audio boundaries that fall inside a
 * sector (every statement must cover whole 588-sample sectors).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "image/image.h"
#include "image/toc_lex.h"

#define TOC_MAX_TEXT_BYTES (4u << 20) /* a TOC file is a few KiB */
#define BYTES_PER_SAMPLE 4
#define RAW_SECTOR_BYTES 2352
#define SUBCHANNEL_BYTES 96     /* P-W, packed or raw */
#define MAX_INDEX_INCREMENTS 98 /* INDEX 02 .. 99 */

/* ------------------------------------------------------------------ */
/* Track modes (cdrdao(1) "TRACK <track-mode>")                        */

enum toc_mode {
    TM_AUDIO,
    TM_MODE0,
    TM_MODE1,
    TM_MODE1_RAW,
    TM_MODE2,
    TM_MODE2_RAW,
    TM_MODE2_FORM1,
    TM_MODE2_FORM2,
    TM_MODE2_FORM_MIX,
    TM_COUNT
};

static const struct {
    const char *name;
    uint32_t block_bytes; /* bytes per sector in the data file */
    enum dw_track_mode dw_mode;
    int layout;      /* enum dw__span_layout, -1 none */
    bool track_mode; /* allowed after TRACK (MODE0 is ZERO only) */
} toc_modes[TM_COUNT] = {
    [TM_AUDIO] = {"AUDIO", 2352, DW_MODE_AUDIO, DW_SPAN_AUDIO_BE, true},
    [TM_MODE0] = {"MODE0", 2336, DW_MODE_MODE2, -1, false},
    [TM_MODE1] = {"MODE1", 2048, DW_MODE_MODE1, DW_SPAN_MODE1_2048, true},
    [TM_MODE1_RAW] = {"MODE1_RAW", 2352, DW_MODE_MODE1, DW_SPAN_RAW, true},
    [TM_MODE2] = {"MODE2", 2336, DW_MODE_MODE2, DW_SPAN_MODE2_2336, true},
    [TM_MODE2_RAW] = {"MODE2_RAW", 2352, DW_MODE_MODE2_XA, DW_SPAN_RAW, true},
    [TM_MODE2_FORM1] = {"MODE2_FORM1", 2048, DW_MODE_MODE2_XA, DW_SPAN_FORM1_2048, true},
    [TM_MODE2_FORM2] = {"MODE2_FORM2", 2324, DW_MODE_MODE2_XA, -1, true},
    [TM_MODE2_FORM_MIX] = {"MODE2_FORM_MIX", 2336, DW_MODE_MODE2_XA, DW_SPAN_MODE2_2336,
                           true},
};

enum toc_subchannel { SUB_NONE, SUB_RW, SUB_RW_RAW };

static uint32_t block_bytes(enum toc_mode mode, enum toc_subchannel sub)
{
    return toc_modes[mode].block_bytes + (sub != SUB_NONE ? SUBCHANNEL_BYTES : 0);
}

/* Per-track state while its statements are read. */
struct toc_track {
    struct dw_track *t;
    enum toc_mode mode;
    enum toc_subchannel sub;
    int line; /* of TRACK */
    int32_t first_lba;
    int64_t length_sectors; /* data statements so far */
    bool has_data;          /* at least one data statement */
    bool length_unknown;    /* a file length could not be known */
    bool has_start;
    int64_t start_sectors; /* INDEX 01 relative to first_lba */
    int start_line;
    bool has_end;
    int64_t end_sectors; /* start of the post-gap */
    int end_line;
    int64_t leading_zero_sectors; /* SILENCE/ZERO before any file data */
    bool file_data_seen;
    int64_t trailing_zero_sectors;           /* SILENCE/ZERO after the last file data */
    int64_t index_rel[MAX_INDEX_INCREMENTS]; /* from INDEX 01 */
    int index_line[MAX_INDEX_INCREMENTS];
    int index_n;
    bool copy, pre_emphasis, four_channel;
};

struct toc_parser {
    struct toc_lexer lx; /* the text, the current token, the path and the error */
    bool check_files;
    struct dw__image *img;
    struct dw_disc *disc;
    int32_t cursor_lba; /* next LBA to lay out */
    int first_track_number;
};

static void warn(struct toc_parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn(struct toc_parser *p, int line, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    dw__image_warn(p->img, "'%s' line %d: %s", p->lx.path, line, what);
}

/* ------------------------------------------------------------------ */
/* Spans                                                               */

/* Append sectors to the current track at its end, merging with the span
 * before when it continues it. */
static int add_piece(struct toc_parser *p, struct toc_track *tt, int line,
                     int64_t sectors, int file, uint64_t offset_bytes, uint32_t stride,
                     enum dw__span_layout layout)
{
    struct dw__image *img = p->img;
    if (sectors <= 0)
        return 0;
    if ((int64_t)tt->first_lba + tt->length_sectors + sectors > TOC_MAX_SECTORS)
        return dw__toc_fail(&p->lx, line, DW_EPARSE,
                            "the disc would be longer than 100 hours");
    int32_t lba = (int32_t)(tt->first_lba + tt->length_sectors);
    tt->length_sectors += sectors;
    if (file < 0) {
        if (!tt->file_data_seen)
            tt->leading_zero_sectors += sectors;
        tt->trailing_zero_sectors += sectors;
    } else {
        tt->file_data_seen = true;
        tt->trailing_zero_sectors = 0;
    }
    if (img->span_count > 0) {
        struct dw__span *last = &img->spans[img->span_count - 1];
        if (last->track == tt->t->number && last->file == file &&
            last->layout == layout && last->stride_bytes == stride &&
            last->lba + last->sectors == lba &&
            (file < 0 ||
             last->offset_bytes + (uint64_t)last->sectors * stride == offset_bytes)) {
            last->sectors += (int32_t)sectors;
            return 0;
        }
    }
    struct dw__span span = {
        .lba = lba,
        .sectors = (int32_t)sectors,
        .file = file,
        .offset_bytes = file < 0 ? 0 : offset_bytes,
        .stride_bytes = file < 0 ? 0 : stride,
        .layout = layout,
        .track = tt->t->number,
    };
    int rc = dw__image_add_span(img, &span);
    if (rc < 0)
        return dw__toc_fail(&p->lx, line, rc, "out of memory");
    return 0;
}

static int add_zero(struct toc_parser *p, struct toc_track *tt, int line, int64_t sectors)
{
    return add_piece(p, tt, line, sectors, -1, 0, 0, DW_SPAN_ZERO);
}

/* ------------------------------------------------------------------ */
/* Data files                                                          */

struct toc_source {
    int file; /* image file index */
    bool size_known;
    uint64_t size_bytes;
    const char *path; /* resolved (or as written) */
};

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Find or add the file a statement names.  Without check_files the name is
 * kept as written and its size is unknown. */
static int open_source(struct toc_parser *p, int line, const char *name,
                       struct toc_source *src)
{
    char *resolved = NULL;
    bool case_differs = false;
    int rc;
    memset(src, 0, sizeof(*src));
    if (name[0] == '\0')
        return dw__toc_fail(&p->lx, line, DW_EPARSE, "the file name is empty");
    if (strcmp(name, "-") == 0)
        return dw__toc_fail(
            &p->lx, line, DW_EUNSUPPORTED,
            "reading track data from standard input is not supported; name a file");
    if (ends_with_ci(name, ".mp3") || ends_with_ci(name, ".ogg") ||
        ends_with_ci(name, ".flac"))
        return dw__toc_fail(
            &p->lx, line, DW_EUNSUPPORTED,
            "compressed audio file '%s' is not supported; decode it to WAV first", name);
    if (!p->check_files) {
        for (int i = 0; i < p->img->file_count; i++) {
            if (strcmp(p->img->files[i].path, name) == 0) {
                src->file = i;
                src->path = p->img->files[i].path;
                return 0;
            }
        }
        rc = dw__image_add_file(p->img, name, 0);
        if (rc < 0)
            return dw__toc_fail(&p->lx, line, rc, "out of memory");
        src->file = rc;
        src->path = p->img->files[rc].path;
        return 0;
    }
    rc = dw__image_resolve_file(p->lx.path, name, &resolved, &case_differs);
    if (rc == DW_ENOENT)
        return dw__toc_fail(
            &p->lx, line, DW_ENOENT,
            "file '%s' not found; put it next to the TOC file or correct the name", name);
    if (rc < 0)
        return dw__toc_fail(&p->lx, line, rc, "cannot resolve file '%s'", name);
    struct stat st;
    if (stat(resolved, &st) != 0) {
        int e = errno;
        free(resolved);
        return dw__toc_fail(&p->lx, line, dw_error_from_errno(e),
                            "cannot read file '%s': %s", name, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        free(resolved);
        return dw__toc_fail(&p->lx, line, DW_EUNSUPPORTED,
                            "'%s' is %s, not a regular file; name a plain file", name,
                            dw__file_kind(st.st_mode));
    }
    if (case_differs)
        warn(p, line, "file '%s' matched '%s' only when ignoring case", name, resolved);
    for (int i = 0; i < p->img->file_count; i++) {
        if (strcmp(p->img->files[i].path, resolved) == 0) {
            free(resolved);
            src->file = i;
            src->size_known = true;
            src->size_bytes = p->img->files[i].size_bytes;
            src->path = p->img->files[i].path;
            return 0;
        }
    }
    rc = dw__image_add_file(p->img, resolved, (uint64_t)st.st_size);
    free(resolved);
    if (rc < 0)
        return dw__toc_fail(&p->lx, line, rc, "out of memory");
    src->file = rc;
    src->size_known = true;
    src->size_bytes = (uint64_t)st.st_size;
    src->path = p->img->files[rc].path;
    return 0;
}

static uint32_t le32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

static uint16_t le16(const unsigned char *b)
{
    return (uint16_t)(b[0] | b[1] << 8);
}

/* Find the PCM data of a RIFF WAVE file whose header starts at `at`.  Fills
 * the data's first byte and length.  Needs 16-bit stereo 44.1 kHz PCM, as
 * cdrdao does. */
static int wav_locate(struct toc_parser *p, int line, const char *name,
                      const struct toc_source *src, uint64_t at, uint64_t *data_offset,
                      uint64_t *data_bytes)
{
    unsigned char b[40];
    bool have_fmt = false;
    int rc = 0;
    struct dw_error_detail open_err;
    FILE *f;
    if ((rc = dw__image_fopen(src->path, &f, NULL, &open_err))) /* a FIFO fails at once */
        return dw__toc_fail(&p->lx, line, rc, "%s", open_err.message);
    if (fseeko(f, (off_t)at, SEEK_SET) != 0 || fread(b, 1, 12, f) != 12 ||
        memcmp(b, "RIFF", 4) != 0 || memcmp(b + 8, "WAVE", 4) != 0) {
        rc = dw__toc_fail(
            &p->lx, line, DW_EPARSE,
            "'%s' has no RIFF WAVE header%s; name a WAVE file or rename a raw one "
            "so it does not end in .wav",
            name, at ? " at the given #offset" : "");
        goto out;
    }
    uint64_t pos = at + 12;
    for (int chunks = 0; chunks < 256; chunks++) {
        if (fseeko(f, (off_t)pos, SEEK_SET) != 0 || fread(b, 1, 8, f) != 8)
            break;
        uint64_t size = le32(b + 4);
        if (memcmp(b, "fmt ", 4) == 0) {
            if (size < 16 || fread(b + 8, 1, 16, f) != 16)
                break;
            unsigned format = le16(b + 8), channels = le16(b + 10), bits = le16(b + 22);
            uint32_t rate = le32(b + 12);
            if ((format != 1 && format != 0xfffe) || channels != 2 || rate != 44100 ||
                bits != 16) {
                rc = dw__toc_fail(
                    &p->lx, line, DW_EUNSUPPORTED,
                    "'%s' holds format %u, %u channel(s), %" PRIu32
                    " Hz, %u bits; CD audio must be 16-bit stereo 44100 Hz PCM: "
                    "convert it (sox)",
                    name, format, channels, rate, bits);
                goto out;
            }
            have_fmt = true;
        } else if (memcmp(b, "data", 4) == 0) {
            if (!have_fmt)
                break;
            *data_offset = pos + 8;
            uint64_t avail = src->size_bytes > pos + 8 ? src->size_bytes - (pos + 8) : 0;
            /* Streamed WAVEs leave the size 0 or ~0: take the rest. */
            *data_bytes =
                (size == 0 || size == 0xffffffffu || size > avail) ? avail : size;
            goto out;
        }
        pos += 8 + size + (size & 1);
    }
    rc = dw__toc_fail(
        &p->lx, line, DW_EPARSE,
        "'%s' is a damaged WAVE file: no 'fmt ' chunk followed by a 'data' chunk", name);
out:
    fclose(f);
    return rc;
}

/* Check that [offset, offset + bytes) lies within the file's data. */
static int check_extent(struct toc_parser *p, struct toc_track *tt, int line,
                        const char *name, uint64_t offset, uint64_t bytes,
                        uint64_t data_end)
{
    if (offset + bytes > data_end)
        return dw__toc_fail(
            &p->lx, line, DW_ETRUNC,
            "track %d needs bytes %" PRIu64 " to %" PRIu64 " of '%s', but it holds "
            "only %" PRIu64
            " bytes; the file is truncated or the TOC names the wrong one",
            tt->t->number, offset, offset + bytes, name, data_end);
    return 0;
}

/* FILE / AUDIOFILE "name" [SWAP] [#offset] start [length] */
static int stmt_audiofile(struct toc_parser *p, struct toc_track *tt)
{
    int line = p->lx.cur.line;
    char *name = NULL;
    bool swap = false;
    uint64_t hash_offset = 0;
    int64_t start_samples = 0, length_samples = 0;
    struct toc_source src;
    int rc;

    if ((rc = dw__toc_advance(&p->lx)) ||
        (rc = dw__toc_take_string(&p->lx, &name, "after FILE")))
        goto out;
    if (dw__toc_at_word(&p->lx, "SWAP")) {
        swap = true;
        if ((rc = dw__toc_advance(&p->lx)))
            goto out;
    }
    if (dw__toc_at_punct(&p->lx, '#')) {
        if ((rc = dw__toc_advance(&p->lx)) ||
            (rc = dw__toc_take_uint(&p->lx, INT64_MAX / 2, &hash_offset,
                                    "after '#' (a byte offset)")))
            goto out;
    }
    if ((rc = dw__toc_take_samples(&p->lx, &start_samples,
                                   "the start position in the file")))
        goto out;
    if (dw__toc_at_number(&p->lx) &&
        (rc = dw__toc_take_samples(&p->lx, &length_samples, "the length")))
        goto out;
    if ((rc = open_source(p, line, name, &src)))
        goto out;

    bool audio = tt->mode == TM_AUDIO;
    if (audio && tt->sub != SUB_NONE) {
        rc = dw__toc_fail(
            &p->lx, line, DW_EPARSE,
            "FILE cannot feed an audio track with sub-channel data; use DATAFILE");
        goto out;
    }
    if (!audio && toc_modes[tt->mode].block_bytes != RAW_SECTOR_BYTES)
        warn(p, line,
             "FILE in a %s track: reading '%s' as raw 2352-byte sectors "
             "(cdrdao accepts only DATAFILE here)",
             toc_modes[tt->mode].name, name);

    bool wav = ends_with_ci(name, ".wav");
    enum dw__span_layout layout;
    uint32_t stride = RAW_SECTOR_BYTES + (tt->sub != SUB_NONE ? SUBCHANNEL_BYTES : 0);
    if (!audio)
        layout = DW_SPAN_RAW;
    else
        layout = (wav != swap) ? DW_SPAN_RAW : DW_SPAN_AUDIO_BE;

    uint64_t data_offset = hash_offset, data_end = src.size_bytes;
    if (wav && audio) {
        if (src.size_known) {
            uint64_t data_bytes = 0;
            if ((rc = wav_locate(p, line, name, &src, hash_offset, &data_offset,
                                 &data_bytes)))
                goto out;
            data_end = data_offset + data_bytes;
        } else {
            data_offset = hash_offset + 44; /* canonical header; files unchecked */
        }
    }
    uint64_t first_byte = data_offset + (uint64_t)start_samples * BYTES_PER_SAMPLE;
    int64_t sectors = 0;
    if (length_samples > 0) {
        if (length_samples % SAMPLES_PER_SECTOR) {
            rc = dw__toc_fail(
                &p->lx, line, DW_EPARSE,
                "length of %" PRId64 " samples is not a whole number of sectors "
                "(588 samples each); discwright needs sector-aligned track data",
                length_samples);
            goto out;
        }
        sectors = length_samples / SAMPLES_PER_SECTOR;
        if (src.size_known && (rc = check_extent(p, tt, line, name, first_byte,
                                                 (uint64_t)sectors * stride, data_end)))
            goto out;
    } else if (src.size_known) {
        if (first_byte >= data_end) {
            rc = dw__toc_fail(&p->lx, line, DW_ETRUNC,
                              "track %d starts reading '%s' at byte %" PRIu64
                              " but the file holds "
                              "only %" PRIu64 " bytes; check the start position",
                              tt->t->number, name, first_byte, data_end);
            goto out;
        }
        uint64_t avail = data_end - first_byte;
        if (avail % stride) {
            rc = dw__toc_fail(
                &p->lx, line, DW_ETRUNC,
                "'%s' holds %" PRIu64 " bytes from byte %" PRIu64 ", not a whole number "
                "of %" PRIu32 "-byte sectors; give an explicit length or pad the file",
                name, avail, first_byte, stride);
            goto out;
        }
        sectors = (int64_t)(avail / stride);
    } else {
        tt->length_unknown = true;
    }
    tt->has_data = true;
    rc = add_piece(p, tt, line, sectors, src.file, first_byte, stride, layout);
out:
    free(name);
    return rc ? rc : p->lx.rc;
}

/* DATAFILE "name" [#offset] [length] */
static int stmt_datafile(struct toc_parser *p, struct toc_track *tt)
{
    int line = p->lx.cur.line;
    char *name = NULL;
    uint64_t hash_offset = 0;
    int64_t bytes = 0;
    struct toc_source src;
    uint32_t block = block_bytes(tt->mode, tt->sub);
    int rc;

    if ((rc = dw__toc_advance(&p->lx)) ||
        (rc = dw__toc_take_string(&p->lx, &name, "after DATAFILE")))
        goto out;
    if (dw__toc_at_punct(&p->lx, '#')) {
        if ((rc = dw__toc_advance(&p->lx)) ||
            (rc = dw__toc_take_uint(&p->lx, INT64_MAX / 2, &hash_offset,
                                    "after '#' (a byte offset)")))
            goto out;
    }
    if (dw__toc_at_number(&p->lx) &&
        (rc = dw__toc_take_data_bytes(&p->lx, block, &bytes, "the length")))
        goto out;
    if (toc_modes[tt->mode].layout < 0) {
        rc = dw__toc_fail(&p->lx, line, DW_EUNSUPPORTED,
                          "DATAFILE in a %s track (%" PRIu32
                          "-byte sectors) is not supported; "
                          "store the track as MODE2_FORM_MIX or MODE2_RAW",
                          toc_modes[tt->mode].name, block);
        goto out;
    }
    if ((rc = open_source(p, line, name, &src)))
        goto out;

    enum dw__span_layout layout = (enum dw__span_layout)toc_modes[tt->mode].layout;
    uint64_t data_offset = hash_offset, data_end = src.size_bytes;
    if (tt->mode == TM_AUDIO && ends_with_ci(name, ".wav")) {
        layout = DW_SPAN_RAW;
        if (src.size_known) {
            uint64_t data_bytes = 0;
            if ((rc = wav_locate(p, line, name, &src, hash_offset, &data_offset,
                                 &data_bytes)))
                goto out;
            data_end = data_offset + data_bytes;
        } else {
            data_offset = hash_offset + 44;
        }
    }
    int64_t sectors = 0;
    if (bytes > 0) {
        if (bytes % block) {
            rc = dw__toc_fail(&p->lx, line, DW_EPARSE,
                              "length of %" PRId64
                              " bytes is not a whole number of %" PRIu32
                              "-byte %s sectors",
                              bytes, block, toc_modes[tt->mode].name);
            goto out;
        }
        sectors = bytes / block;
        if (src.size_known && (rc = check_extent(p, tt, line, name, data_offset,
                                                 (uint64_t)bytes, data_end)))
            goto out;
    } else if (src.size_known) {
        if (data_offset >= data_end) {
            rc = dw__toc_fail(&p->lx, line, DW_ETRUNC,
                              "track %d starts reading '%s' at byte %" PRIu64
                              " but the file holds "
                              "only %" PRIu64 " bytes; check the #offset",
                              tt->t->number, name, data_offset, data_end);
            goto out;
        }
        uint64_t avail = data_end - data_offset;
        if (avail % block) {
            rc = dw__toc_fail(
                &p->lx, line, DW_ETRUNC,
                "'%s' holds %" PRIu64 " bytes from byte %" PRIu64 ", not a whole number "
                "of %" PRIu32 "-byte %s sectors; give an explicit length or fix the "
                "track mode",
                name, avail, data_offset, block, toc_modes[tt->mode].name);
            goto out;
        }
        sectors = (int64_t)(avail / block);
    } else {
        tt->length_unknown = true;
    }
    tt->has_data = true;
    rc = add_piece(p, tt, line, sectors, src.file, data_offset, block, layout);
out:
    free(name);
    return rc ? rc : p->lx.rc;
}

static int take_track_mode(struct toc_parser *p, enum toc_mode *mode, bool zero_ok)
{
    for (int m = 0; m < TM_COUNT; m++) {
        if ((toc_modes[m].track_mode || zero_ok) &&
            dw__toc_at_word(&p->lx, toc_modes[m].name)) {
            *mode = (enum toc_mode)m;
            return dw__toc_advance(&p->lx);
        }
    }
    return 1; /* not a mode; no error set */
}

static int take_subchannel(struct toc_parser *p, enum toc_subchannel *sub)
{
    if (dw__toc_at_word(&p->lx, "RW")) {
        *sub = SUB_RW;
        return dw__toc_advance(&p->lx);
    }
    if (dw__toc_at_word(&p->lx, "RW_RAW")) {
        *sub = SUB_RW_RAW;
        return dw__toc_advance(&p->lx);
    }
    return 0;
}

/* ZERO [mode] [RW|RW_RAW] length */
static int stmt_zero(struct toc_parser *p, struct toc_track *tt)
{
    int line = p->lx.cur.line;
    enum toc_mode mode = tt->mode;
    enum toc_subchannel sub = tt->sub;
    int64_t bytes;
    if (dw__toc_advance(&p->lx))
        return p->lx.rc;
    if (p->lx.cur.kind == TK_WORD && take_track_mode(p, &mode, true) < 0)
        return p->lx.rc;
    if (take_subchannel(p, &sub))
        return p->lx.rc;
    uint32_t block = block_bytes(mode, sub);
    if (dw__toc_take_data_bytes(&p->lx, block, &bytes, "the length of ZERO"))
        return p->lx.rc;
    if (bytes == 0)
        return dw__toc_fail(&p->lx, line, DW_EPARSE,
                            "ZERO has length 0; give a positive length");
    if (bytes % block)
        return dw__toc_fail(&p->lx, line, DW_EPARSE,
                            "ZERO of %" PRId64 " bytes is not a whole number of %" PRIu32
                            "-byte sectors",
                            bytes, block);
    tt->has_data = true;
    return add_zero(p, tt, line, bytes / block);
}

/* SILENCE length */
static int stmt_silence(struct toc_parser *p, struct toc_track *tt)
{
    int line = p->lx.cur.line;
    int64_t samples;
    if (dw__toc_advance(&p->lx) ||
        dw__toc_take_samples(&p->lx, &samples, "the length of SILENCE"))
        return p->lx.rc;
    if (samples == 0)
        return dw__toc_fail(&p->lx, line, DW_EPARSE,
                            "SILENCE has length 0; give a positive length");
    if (samples % SAMPLES_PER_SECTOR)
        return dw__toc_fail(&p->lx, line, DW_EPARSE,
                            "SILENCE of %" PRId64
                            " samples is not a whole number of sectors "
                            "(588 samples each)",
                            samples);
    if (tt->mode != TM_AUDIO)
        warn(p, line, "SILENCE in a %s track taken as ZERO (cdrdao wants ZERO here)",
             toc_modes[tt->mode].name);
    tt->has_data = true;
    return add_zero(p, tt, line, samples / SAMPLES_PER_SECTOR);
}

/* ------------------------------------------------------------------ */
/* CD-TEXT                                                             */

static void cdtext_store(struct toc_parser *p, int line, struct dw_cdtext *dst,
                         const char *item, const char *value)
{
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        {"TITLE", offsetof(struct dw_cdtext, title)},
        {"PERFORMER", offsetof(struct dw_cdtext, performer)},
        {"SONGWRITER", offsetof(struct dw_cdtext, songwriter)},
        {"COMPOSER", offsetof(struct dw_cdtext, composer)},
        {"ARRANGER", offsetof(struct dw_cdtext, arranger)},
        {"MESSAGE", offsetof(struct dw_cdtext, message)},
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (strcasecmp(item, fields[i].name) == 0) {
            char *field = (char *)dst + fields[i].offset;
            if (strlen(value) >= DW_CDTEXT_BYTES)
                warn(p, line, "CD-TEXT %s cut to %d bytes", fields[i].name,
                     DW_CDTEXT_BYTES - 1);
            snprintf(field, DW_CDTEXT_BYTES, "%s", value);
            return;
        }
    }
}

static bool is_known_cdtext_item(const char *item)
{
    static const char *const items[] = {
        "TITLE",     "PERFORMER", "SONGWRITER", "COMPOSER",  "ARRANGER",  "MESSAGE",
        "DISC_ID",   "GENRE",     "TOC_INFO1",  "TOC_INFO2", "RESERVED1", "RESERVED2",
        "RESERVED3", "RESERVED4", "UPC_EAN",    "ISRC",      "SIZE_INFO",
    };
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
        if (strcasecmp(item, items[i]) == 0)
            return true;
    return false;
}

/* { n, n, ... } of bytes: skipped. */
static int skip_binary(struct toc_parser *p)
{
    uint64_t v;
    if (dw__toc_advance(&p->lx))
        return p->lx.rc;
    if (dw__toc_at_punct(&p->lx, '}'))
        return dw__toc_advance(&p->lx);
    for (;;) {
        if (dw__toc_take_uint(&p->lx, 255, &v, "in CD-TEXT binary data (0 to 255)"))
            return p->lx.rc;
        if (dw__toc_at_punct(&p->lx, '}'))
            return dw__toc_advance(&p->lx);
        if (dw__toc_expect_punct(&p->lx, ',', "between CD-TEXT binary values"))
            return p->lx.rc;
    }
}

/* CD_TEXT { [LANGUAGE_MAP { n : code ... }] { LANGUAGE n { item value ... } } }
 * Keeps language block 0 in dst. */
static int parse_cdtext(struct toc_parser *p, struct dw_cdtext *dst, bool *seen)
{
    int open_line = p->lx.cur.line;
    char buf[64];
    uint64_t v;
    if (dw__toc_advance(&p->lx) || dw__toc_expect_punct(&p->lx, '{', "after CD_TEXT"))
        return p->lx.rc;
    while (!dw__toc_at_punct(&p->lx, '}')) {
        if (p->lx.cur.kind == TK_EOF)
            return dw__toc_fail(&p->lx, open_line, DW_EPARSE,
                                "CD_TEXT block is not closed with '}'");
        if (dw__toc_at_word(&p->lx, "LANGUAGE_MAP")) {
            if (dw__toc_advance(&p->lx) ||
                dw__toc_expect_punct(&p->lx, '{', "after LANGUAGE_MAP"))
                return p->lx.rc;
            while (!dw__toc_at_punct(&p->lx, '}')) {
                if (dw__toc_take_uint(&p->lx, 7, &v,
                                      "as a language number (0 to 7) in LANGUAGE_MAP") ||
                    dw__toc_expect_punct(&p->lx, ':', "after the language number"))
                    return p->lx.rc;
                if (p->lx.cur.kind == TK_INT) {
                    if (dw__toc_take_uint(&p->lx, 255, &v,
                                          "as a language code (0 to 255)"))
                        return p->lx.rc;
                } else if (p->lx.cur.kind == TK_WORD) {
                    if (dw__toc_advance(&p->lx))
                        return p->lx.rc;
                } else {
                    return dw__toc_fail(&p->lx, p->lx.cur.line, DW_EPARSE,
                                        "expected a language code after ':', found %s",
                                        dw__toc_tok_desc(&p->lx, buf, sizeof(buf)));
                }
            }
            if (dw__toc_advance(&p->lx))
                return p->lx.rc;
        } else if (dw__toc_at_word(&p->lx, "LANGUAGE")) {
            uint64_t block;
            if (dw__toc_advance(&p->lx) ||
                dw__toc_take_uint(&p->lx, 7, &block, "as the LANGUAGE block (0 to 7)") ||
                dw__toc_expect_punct(&p->lx, '{', "after the LANGUAGE number"))
                return p->lx.rc;
            if (block == 0)
                *seen = true;
            while (!dw__toc_at_punct(&p->lx, '}')) {
                int item_line = p->lx.cur.line;
                if (p->lx.cur.kind != TK_WORD)
                    return dw__toc_fail(&p->lx, item_line, DW_EPARSE,
                                        "expected a CD-TEXT item such as TITLE, found %s",
                                        dw__toc_tok_desc(&p->lx, buf, sizeof(buf)));
                char item[40];
                snprintf(item, sizeof(item), "%.*s",
                         (int)(p->lx.cur.len > 39 ? 39 : p->lx.cur.len), p->lx.cur.text);
                if (dw__toc_advance(&p->lx))
                    return p->lx.rc;
                /* Newer cdrdao writes ENCODING_<charset> without a value. */
                if (strncasecmp(item, "ENCODING_", 9) == 0)
                    continue;
                if (!is_known_cdtext_item(item))
                    warn(p, item_line, "unknown CD-TEXT item '%s' ignored", item);
                if (dw__toc_at_punct(&p->lx, '{')) {
                    if (skip_binary(p))
                        return p->lx.rc;
                } else {
                    char *value = NULL;
                    if (dw__toc_take_string(&p->lx, &value,
                                            "or { bytes } after the CD-TEXT item"))
                        return p->lx.rc;
                    if (block == 0)
                        cdtext_store(p, item_line, dst, item, value);
                    free(value);
                }
            }
            if (dw__toc_advance(&p->lx))
                return p->lx.rc;
        } else {
            return dw__toc_fail(
                &p->lx, p->lx.cur.line, DW_EPARSE,
                "expected LANGUAGE or LANGUAGE_MAP in the CD_TEXT block, found %s",
                dw__toc_tok_desc(&p->lx, buf, sizeof(buf)));
        }
    }
    return dw__toc_advance(&p->lx);
}

/* ------------------------------------------------------------------ */
/* Tracks                                                              */

static bool isrc_valid(const char *s)
{
    if (strlen(s) != 12)
        return false;
    for (int i = 0; i < 12; i++) {
        char c = s[i];
        bool digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z';
        if (i < 5 ? !(digit || upper) : !digit)
            return false;
    }
    return true;
}

static bool at_header_keyword(const struct toc_parser *p)
{
    return dw__toc_at_word(&p->lx, "CATALOG") || dw__toc_at_word(&p->lx, "CD_DA") ||
           dw__toc_at_word(&p->lx, "CD_ROM") || dw__toc_at_word(&p->lx, "CD_ROM_XA") ||
           dw__toc_at_word(&p->lx, "CD_I") || dw__toc_at_word(&p->lx, "FIRST_TRACK_NO");
}

/* START / END / INDEX after their keyword: an optional or required MSF. */
static int stmt_start(struct toc_parser *p, struct toc_track *tt)
{
    int line = p->lx.cur.line;
    if (tt->has_start)
        return dw__toc_fail(
            &p->lx, line, DW_EPARSE,
            "track %d already has its start (START or PREGAP at line %d); keep one",
            tt->t->number, tt->start_line);
    if (dw__toc_advance(&p->lx))
        return p->lx.rc;
    tt->has_start = true;
    tt->start_line = line;
    if (dw__toc_at_number(&p->lx))
        return dw__toc_take_msf_sectors(&p->lx, &tt->start_sectors, "after START");
    tt->start_sectors = tt->length_sectors; /* the data so far is the pregap */
    return 0;
}

static int finish_track(struct toc_parser *p, struct toc_track *tt)
{
    struct dw_track *t = tt->t;
    int rc;
    if (!tt->has_data)
        return dw__toc_fail(
            &p->lx, tt->line, DW_EPARSE,
            "track %d has no data; give it FILE, DATAFILE, SILENCE or ZERO", t->number);
    /* Without the files, lengths read from them are unknown (0): stretch
     * the track with empty sectors so START and INDEX stay inside it. */
    int64_t need = tt->has_start ? tt->start_sectors : 0;
    for (int i = 0; i < tt->index_n; i++)
        if (need < tt->start_sectors + tt->index_rel[i] + 1)
            need = tt->start_sectors + tt->index_rel[i] + 1;
    if (tt->length_unknown && need > tt->length_sectors &&
        (rc = add_zero(p, tt, tt->line, need - tt->length_sectors)))
        return rc;
    if (tt->has_start && tt->start_sectors >= tt->length_sectors && !tt->length_unknown)
        return dw__toc_fail(&p->lx, tt->start_line, DW_EPARSE,
                            "START at sector %" PRId64
                            " is at or after the end of track %d "
                            "(%" PRId64 " sectors); shorten the pregap",
                            tt->start_sectors, t->number, tt->length_sectors);
    if (tt->has_end && !tt->length_unknown &&
        (tt->end_sectors >= tt->length_sectors || tt->end_sectors <= tt->start_sectors))
        return dw__toc_fail(&p->lx, tt->end_line, DW_EPARSE,
                            "END at sector %" PRId64
                            " must lie after START and before the end of "
                            "track %d (%" PRId64 " sectors)",
                            tt->end_sectors, t->number, tt->length_sectors);
    int64_t prev = 0;
    for (int i = 0; i < tt->index_n; i++) {
        int64_t rel = tt->index_rel[i];
        if (rel <= prev)
            return dw__toc_fail(&p->lx, tt->index_line[i], DW_EPARSE,
                                "INDEX %02d must come after INDEX %02d of track %d; "
                                "positions count from the track start",
                                i + 2, i + 1, t->number);
        if (tt->start_sectors + rel >= tt->length_sectors)
            return dw__toc_fail(&p->lx, tt->index_line[i], DW_EPARSE,
                                "INDEX %02d lies beyond the end of track %d", i + 2,
                                t->number);
        prev = rel;
    }
    t->index_lba[0] = tt->start_sectors > 0 ? tt->first_lba : DW_LBA_NONE;
    t->index_lba[1] = (int32_t)(tt->first_lba + tt->start_sectors);
    for (int i = 0; i < tt->index_n; i++)
        t->index_lba[i + 2] =
            (int32_t)(tt->first_lba + tt->start_sectors + tt->index_rel[i]);
    t->index_count = 2 + tt->index_n;
    /* Pregap and post-gap sectors that no file holds (cdrdao PREGAP, or
     * SILENCE/ZERO before START and after END). */
    t->pregap_silence_sectors =
        (int32_t)(tt->leading_zero_sectors < tt->start_sectors ? tt->leading_zero_sectors
                                                               : tt->start_sectors);
    if (tt->has_end && tt->end_sectors < tt->length_sectors) {
        int64_t post = tt->length_sectors - tt->end_sectors;
        t->postgap_silence_sectors =
            (int32_t)(tt->trailing_zero_sectors < post ? tt->trailing_zero_sectors
                                                       : post);
    }
    if (t->mode == DW_MODE_AUDIO) {
        t->control = (tt->copy ? DW_CTL_DCP : 0) | (tt->pre_emphasis ? DW_CTL_PRE : 0) |
                     (tt->four_channel ? DW_CTL_4CH : 0);
    } else {
        t->control = DW_CTL_DATA | (tt->copy ? DW_CTL_DCP : 0);
    }
    p->cursor_lba = (int32_t)(tt->first_lba + tt->length_sectors);
    return 0;
}

/* The flags of a track: ISRC "...", [NO] COPY, [NO] PRE_EMPHASIS,
 * TWO_CHANNEL_AUDIO, FOUR_CHANNEL_AUDIO.  Returns 1 when the current word
 * is none of them (nothing consumed), else 0 or the error. */
static int track_flag(struct toc_parser *p, struct toc_track *tt)
{
    struct toc_lexer *lx = &p->lx;
    int line = lx->cur.line;
    char buf[64];
    bool no = dw__toc_at_word(lx, "NO");
    if (dw__toc_at_word(lx, "ISRC")) {
        char *isrc = NULL;
        if (dw__toc_advance(lx) || dw__toc_take_string(lx, &isrc, "after ISRC"))
            return lx->rc;
        if (!isrc_valid(isrc))
            dw__toc_fail(lx, line, DW_EPARSE,
                         "ISRC \"%.20s\" is not 12 characters CCOOOYYSSSSS (country and "
                         "owner letters or digits, then 7 digits)",
                         isrc);
        else
            memcpy(tt->t->isrc, isrc, 13);
        free(isrc);
        return lx->rc;
    }
    if (no && dw__toc_advance(lx))
        return lx->rc;
    if (dw__toc_at_word(lx, "COPY"))
        tt->copy = !no;
    else if (dw__toc_at_word(lx, "PRE_EMPHASIS"))
        tt->pre_emphasis = !no;
    else if (no)
        return dw__toc_fail(lx, line, DW_EPARSE,
                            "NO must be followed by COPY or PRE_EMPHASIS, found %s",
                            dw__toc_tok_desc(lx, buf, sizeof(buf)));
    else if (dw__toc_at_word(lx, "TWO_CHANNEL_AUDIO"))
        tt->four_channel = false;
    else if (dw__toc_at_word(lx, "FOUR_CHANNEL_AUDIO"))
        tt->four_channel = true;
    else
        return 1;
    return dw__toc_advance(lx);
}

/* PREGAP msf: silence before INDEX 01, which it places. */
static int stmt_pregap(struct toc_parser *p, struct toc_track *tt)
{
    struct toc_lexer *lx = &p->lx;
    int line = lx->cur.line;
    int64_t sectors;
    if (tt->has_data || tt->has_start)
        return dw__toc_fail(lx, line, DW_EPARSE,
                            "PREGAP must come before the track's data and START; "
                            "move it up or use START");
    if (dw__toc_advance(lx) || dw__toc_take_msf_sectors(lx, &sectors, "after PREGAP"))
        return lx->rc;
    if (sectors == 0)
        return dw__toc_fail(lx, line, DW_EPARSE, "PREGAP has length 0; remove it");
    if (add_zero(p, tt, line, sectors))
        return lx->rc;
    tt->has_start = true;
    tt->start_sectors = sectors;
    tt->start_line = line;
    return 0;
}

/* END [msf]: the start of a post-gap, still part of the track, no index of
 * its own. */
static int stmt_end(struct toc_parser *p, struct toc_track *tt)
{
    struct toc_lexer *lx = &p->lx;
    int line = lx->cur.line;
    if (tt->has_end)
        return dw__toc_fail(lx, line, DW_EPARSE, "track %d already has an END",
                            tt->t->number);
    tt->has_end = true;
    tt->end_line = line;
    tt->end_sectors = tt->length_sectors;
    if (dw__toc_advance(lx) ||
        (dw__toc_at_number(lx) &&
         dw__toc_take_msf_sectors(lx, &tt->end_sectors, "after END")))
        return lx->rc;
    return 0;
}

/* INDEX msf: INDEX 02, 03, ... counted from INDEX 01. */
static int stmt_index(struct toc_parser *p, struct toc_track *tt)
{
    struct toc_lexer *lx = &p->lx;
    int line = lx->cur.line;
    int64_t rel;
    if (tt->index_n >= MAX_INDEX_INCREMENTS)
        return dw__toc_fail(lx, line, DW_EPARSE,
                            "more than 98 INDEX statements in track %d", tt->t->number);
    if (dw__toc_advance(lx) || dw__toc_take_msf_sectors(lx, &rel, "after INDEX"))
        return lx->rc;
    if (rel == 0)
        return dw__toc_fail(
            lx, line, DW_EPARSE,
            "INDEX 0:0:0 is the track start itself; INDEX positions count "
            "from START");
    tt->index_rel[tt->index_n] = rel;
    tt->index_line[tt->index_n] = line;
    tt->index_n++;
    return 0;
}

/* One statement of a track's body (the current token). */
static int track_statement(struct toc_parser *p, struct toc_track *tt)
{
    struct toc_lexer *lx = &p->lx;
    char buf[64];
    int rc = track_flag(p, tt);
    if (rc <= 0)
        return rc;
    if (dw__toc_at_word(lx, "CD_TEXT")) {
        bool seen = false;
        if (!parse_cdtext(p, &tt->t->cdtext, &seen) && seen)
            p->disc->has_cdtext = true;
        return lx->rc;
    }
    if (dw__toc_at_word(lx, "PREGAP"))
        return stmt_pregap(p, tt);
    if (dw__toc_at_word(lx, "SILENCE"))
        return stmt_silence(p, tt);
    if (dw__toc_at_word(lx, "ZERO"))
        return stmt_zero(p, tt);
    if (dw__toc_at_word(lx, "FILE") || dw__toc_at_word(lx, "AUDIOFILE"))
        return stmt_audiofile(p, tt);
    if (dw__toc_at_word(lx, "DATAFILE"))
        return stmt_datafile(p, tt);
    if (dw__toc_at_word(lx, "START"))
        return stmt_start(p, tt);
    if (dw__toc_at_word(lx, "END"))
        return stmt_end(p, tt);
    if (dw__toc_at_word(lx, "INDEX"))
        return stmt_index(p, tt);
    if (dw__toc_at_word(lx, "FIFO"))
        return dw__toc_fail(
            lx, lx->cur.line, DW_EUNSUPPORTED,
            "FIFO sources are not supported; write the data to a file and "
            "use DATAFILE");
    if (at_header_keyword(p))
        return dw__toc_fail(
            lx, lx->cur.line, DW_EPARSE,
            "%s belongs in the header, before the first TRACK; move it up",
            dw__toc_tok_desc(lx, buf, sizeof(buf)));
    return dw__toc_fail(lx, lx->cur.line, DW_EPARSE,
                        "unknown statement %s in track %d; see cdrdao(1)",
                        dw__toc_tok_desc(lx, buf, sizeof(buf)), tt->t->number);
}

/* TRACK <mode> [RW|RW_RAW], then its statements up to the next TRACK. */
static int parse_track(struct toc_parser *p)
{
    struct toc_lexer *lx = &p->lx;
    struct dw_disc *disc = p->disc;
    struct toc_track tt;
    char buf[64];
    int rc;

    memset(&tt, 0, sizeof(tt));
    tt.line = lx->cur.line;
    if (disc->track_count >= DW_MAX_TRACKS ||
        p->first_track_number + disc->track_count > DW_MAX_TRACKS)
        return dw__toc_fail(lx, tt.line, DW_EPARSE,
                            "more than 99 tracks; a CD holds at most 99");
    if ((rc = dw__toc_advance(lx)))
        return rc;
    rc = take_track_mode(p, &tt.mode, false);
    if (rc > 0)
        return dw__toc_fail(
            lx, lx->cur.line, DW_EPARSE,
            "unknown track mode %s; use AUDIO, MODE1, MODE1_RAW, MODE2, MODE2_FORM1, "
            "MODE2_FORM2, MODE2_FORM_MIX or MODE2_RAW",
            dw__toc_tok_desc(lx, buf, sizeof(buf)));
    if (rc < 0 || (rc = take_subchannel(p, &tt.sub)))
        return lx->rc;

    tt.t = &disc->tracks[disc->track_count];
    memset(tt.t, 0, sizeof(*tt.t));
    for (int i = 0; i < DW_MAX_INDEXES; i++)
        tt.t->index_lba[i] = DW_LBA_NONE;
    tt.t->number = p->first_track_number + disc->track_count;
    tt.t->session = 1;
    tt.t->mode = toc_modes[tt.mode].dw_mode;
    tt.first_lba = p->cursor_lba;
    disc->track_count++;

    while (lx->cur.kind != TK_EOF && !dw__toc_at_word(lx, "TRACK"))
        if (track_statement(p, &tt))
            return lx->rc;
    if (lx->rc)
        return lx->rc;
    return finish_track(p, &tt);
}

/* CATALOG "ddddddddddddd" */
static int parse_catalog(struct toc_parser *p)
{
    int line = p->lx.cur.line;
    char buf[64];
    char *mcn = NULL;
    if (dw__toc_advance(&p->lx))
        return p->lx.rc;
    if (p->lx.cur.kind != TK_STRING)
        return dw__toc_fail(&p->lx, line, DW_EPARSE,
                            "CATALOG needs 13 digits in double quotes, found %s; "
                            "write CATALOG \"0123456789012\"",
                            dw__toc_tok_desc(&p->lx, buf, sizeof(buf)));
    if (dw__toc_take_string(&p->lx, &mcn, "after CATALOG"))
        return p->lx.rc;
    size_t n = strlen(mcn);
    bool ok = n == 13;
    for (size_t i = 0; ok && i < n; i++)
        ok = mcn[i] >= '0' && mcn[i] <= '9';
    if (!ok) {
        int rc = dw__toc_fail(
            &p->lx, line, DW_EPARSE,
            "CATALOG \"%.20s\" must be exactly 13 digits (the disc's MCN)", mcn);
        free(mcn);
        return rc;
    }
    memcpy(p->disc->mcn, mcn, 14);
    free(mcn);
    return 0;
}

static int parse_toc(struct toc_parser *p)
{
    char buf[64];
    uint64_t v;
    if (dw__toc_advance(&p->lx))
        return p->lx.rc;
    while (p->lx.cur.kind != TK_EOF) {
        int line = p->lx.cur.line;
        if (dw__toc_at_word(&p->lx, "TRACK")) {
            if (parse_track(p))
                return p->lx.rc;
        } else if (p->disc->track_count > 0) {
            return dw__toc_fail(&p->lx, line, DW_EPARSE, "unexpected %s",
                                dw__toc_tok_desc(&p->lx, buf, sizeof(buf)));
        } else if (dw__toc_at_word(&p->lx, "CATALOG")) {
            if (parse_catalog(p))
                return p->lx.rc;
        } else if (dw__toc_at_word(&p->lx, "CD_DA") ||
                   dw__toc_at_word(&p->lx, "CD_ROM") ||
                   dw__toc_at_word(&p->lx, "CD_ROM_XA") ||
                   dw__toc_at_word(&p->lx, "CD_I")) {
            if (dw__toc_advance(&p->lx))
                return p->lx.rc;
        } else if (dw__toc_at_word(&p->lx, "FIRST_TRACK_NO")) {
            if (dw__toc_advance(&p->lx) ||
                dw__toc_take_uint(&p->lx, 99, &v, "after FIRST_TRACK_NO (1 to 99)"))
                return p->lx.rc;
            if (v == 0)
                return dw__toc_fail(&p->lx, line, DW_EPARSE,
                                    "FIRST_TRACK_NO must be 1 to 99");
            p->first_track_number = (int)v;
        } else if (dw__toc_at_word(&p->lx, "CD_TEXT")) {
            bool seen = false;
            if (parse_cdtext(p, &p->disc->cdtext, &seen))
                return p->lx.rc;
            if (seen)
                p->disc->has_cdtext = true;
        } else {
            return dw__toc_fail(
                &p->lx, line, DW_EPARSE,
                "unknown keyword %s; a TOC file starts with CD_DA, CD_ROM, CD_ROM_XA, "
                "CATALOG or CD_TEXT and continues with TRACK",
                dw__toc_tok_desc(&p->lx, buf, sizeof(buf)));
        }
    }
    if (p->disc->track_count == 0)
        return dw__toc_fail(&p->lx, p->lx.line, DW_EPARSE,
                            "no TRACK; a TOC file describes at least one track");
    p->disc->leadout_lba = p->cursor_lba;
    return dw__image_check_cd_leadout(p->lx.path, p->cursor_lba, p->lx.err);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

int dw__toc_parse(const char *text, size_t len, const char *path, bool check_files,
                  struct dw__image **out, struct dw_error_detail *err)
{
    struct toc_parser p;
    struct dw__image *img = NULL;
    char msg[256];
    int rc;

    if (out)
        *out = NULL;
    if (!out || (!text && len) || !path)
        return dw__set_error(err, DW_EINVAL, "dw__toc_parse: missing argument");
    memset(&p, 0, sizeof(p));
    img = calloc(1, sizeof(*img));
    if (!img || !(img->disc = dw_disc_new())) {
        rc = dw__set_error(err, DW_ENOMEM, "'%s': out of memory", path);
        goto out;
    }
    snprintf(img->format, sizeof(img->format), "toc");
    p.lx.p = text ? text : "";
    p.lx.end = p.lx.p + len;
    /* A UTF-8 byte order mark is not part of the grammar. */
    if (len >= 3 && memcmp(p.lx.p, "\xEF\xBB\xBF", 3) == 0)
        p.lx.p += 3;
    p.lx.line = 1;
    p.lx.path = path;
    p.check_files = check_files;
    p.img = img;
    p.disc = img->disc;
    p.lx.err = err;
    p.first_track_number = 1;

    rc = parse_toc(&p);
    free(p.lx.cur.str);
    p.lx.cur.str = NULL;
    if (rc)
        goto out;
    rc = dw_disc_finish(img->disc, msg, sizeof(msg));
    if (rc) {
        rc = dw__set_error(err, DW_EPARSE, "'%s': %s; fix the TOC file", path, msg);
        goto out;
    }
    *out = img;
    img = NULL;
out:
    dw__image_free(img);
    return rc;
}

int dw__toc_read(const char *path, struct dw__image **out, struct dw_error_detail *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc;
    FILE *f;

    if (out)
        *out = NULL;
    if (!path || !out)
        return dw__set_error(err, DW_EINVAL, "dw__toc_read: missing argument");
    if ((rc = dw__image_fopen(path, &f, NULL, err)))
        return rc;
    text = malloc(TOC_MAX_TEXT_BYTES + 1);
    if (!text) {
        rc = dw__set_error(err, DW_ENOMEM, "'%s': out of memory", path);
        goto out;
    }
    len = fread(text, 1, TOC_MAX_TEXT_BYTES + 1, f);
    if (ferror(f)) {
        rc = dw__set_error(err, DW_EIO, "cannot read '%s'", path);
        goto out;
    }
    if (len > TOC_MAX_TEXT_BYTES) {
        rc = dw__set_error(err, DW_EPARSE,
                           "'%s' is larger than 4 MiB and cannot be a cdrdao TOC file",
                           path);
        goto out;
    }
    rc = dw__toc_parse(text, len, path, true, out, err);
out:
    free(text);
    fclose(f);
    return rc;
}
