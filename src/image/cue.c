/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CDRWin cue sheet reader.
 *
 * Handles multi-file cues (one FILE per track, or "gaps appended" where a
 * track's INDEX 00 sits at the end of the previous file), mixed sector sizes
 * in one file, FILE BINARY/MOTOROLA/WAVE, TRACK AUDIO/CDG/MODE1/2048/
 * MODE1/2352/MODE2/2048/MODE2/2336/MODE2/2352/CDI/2336/CDI/2352, INDEX
 * 00-99, PREGAP, POSTGAP, FLAGS, ISRC, CATALOG, CDTEXTFILE, TITLE, PERFORMER,
 * SONGWRITER, COMPOSER, ARRANGER, MESSAGE and REM (REM SESSION nn for
 * multi-session discs).
 *
 * Positions: the first FILE's byte 0 is LBA 0; files follow one another;
 * PREGAP/POSTGAP silence and session gaps (lead-out + lead-in, Orange Book:
 * 6750 + 4500 sectors after the first session, 2250 + 4500 after later
 * ones) shift what follows.  libcdio's own cue driver ignores FILE lines
 * (REFERENCE.md); this one does not.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "discwright/sector.h"
#include "disc/disc_int.h"
#include "image/container.h"
#include "image/image.h"

#define CUE_MAX_BYTES (1 << 20) /* a cue sheet is text; 1 MiB is plenty */

enum cue_file_type { CUE_BINARY, CUE_MOTOROLA, CUE_WAVE };

struct cue_file {
    char *name;           /* as written in the cue */
    int line;             /* FILE line, for messages */
    enum cue_file_type type;
    int image_file;       /* index in img->files, -1 when not checked */
    uint64_t data_offset; /* WAVE: byte offset of the data chunk */
    uint64_t data_bytes;  /* bytes of sector data, UINT64_MAX when unknown */
};

struct cue_index {
    int number;
    int file;        /* cue_file index */
    int32_t frame;   /* position in the file, cue frames */
    int line;
};

struct cue_track {
    int number;
    int line;
    int session;
    enum dw_track_mode mode;
    int sector_bytes;           /* bytes per sector on file */
    enum dw__span_layout layout;
    unsigned control;
    int32_t pregap_silence, postgap_silence;
    char isrc[13];
    struct dw_cdtext cdtext;
    struct cue_index idx[DW_MAX_INDEXES];
    int idx_count;
};

/* A run of sectors of one track inside one file.  Sectors and LBA are
 * 64-bit until the layout's length is checked (place_pieces). */
struct cue_piece {
    int track;        /* cue_track index */
    int file;         /* cue_file index */
    int32_t frame;    /* first cue frame of the piece in the file */
    uint64_t byte;    /* its byte offset in the sector data */
    int64_t sectors;
    int64_t lba;
};

struct cue_parser {
    const char *path;
    bool check_files;
    struct dw__image *img;
    struct dw_error_detail *err;
    struct cue_file *files;
    int file_count;
    struct cue_track *tracks;
    int track_count;
    struct cue_piece *pieces;
    int piece_count;
    int session;                /* from REM SESSION, 1 by default */
    int line;
    int fallback_line; /* FILE line read through the <cue>.bin fallback */
    char *cdtext_file;
    int cdtext_line;
};

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int fail(struct cue_parser *p, int code, const char *fmt, const char *what)
{
    char msg[400];
    snprintf(msg, sizeof(msg), fmt, what ? what : "");
    if (p->line > 0)
        return dw__set_error(p->err, code, "'%s' line %d: %s", base_name(p->path), p->line,
                             msg);
    return dw__set_error(p->err, code, "'%s': %s", base_name(p->path), msg);
}

/* Split one line into up to 8 tokens; quoted strings keep their spaces.
 * Modifies line in place. */
static int tokenize(char *line, char **tok, int max_tok)
{
    int n = 0;
    char *s = line;
    while (*s && n < max_tok) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        if (*s == '"') {
            char *end = strchr(s + 1, '"');
            tok[n++] = s + 1;
            if (!end) {
                s += strlen(s);
            } else {
                *end = '\0';
                s = end + 1;
            }
        } else {
            tok[n++] = s;
            while (*s && *s != ' ' && *s != '\t')
                s++;
            if (*s)
                *s++ = '\0';
        }
    }
    return n;
}

/* The text after the keyword, unquoted, for TITLE Odes-style lines. */
static void rest_of_line(char **tok, int ntok, char *out, size_t out_bytes)
{
    out[0] = '\0';
    for (int i = 1; i < ntok; i++) {
        if (i > 1)
            strncat(out, " ", out_bytes - strlen(out) - 1);
        strncat(out, tok[i], out_bytes - strlen(out) - 1);
    }
}

static int parse_number(const char *s, int lo, int hi, int *out)
{
    char *end;
    if (!s || !isdigit((unsigned char)s[0]))
        return -1;
    long v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

struct mode_name {
    const char *name;
    enum dw_track_mode mode;
    int sector_bytes;
    enum dw__span_layout layout;
};

static const struct mode_name cue_modes[] = {
    {"AUDIO", DW_MODE_AUDIO, 2352, DW_SPAN_RAW},
    {"CDG", DW_MODE_AUDIO, 2448, DW_SPAN_RAW},
    {"MODE1/2048", DW_MODE_MODE1, 2048, DW_SPAN_MODE1_2048},
    {"MODE1/2352", DW_MODE_MODE1, 2352, DW_SPAN_RAW},
    {"MODE2/2048", DW_MODE_MODE2_XA, 2048, DW_SPAN_FORM1_2048},
    {"MODE2/2336", DW_MODE_MODE2_XA, 2336, DW_SPAN_MODE2_2336},
    {"MODE2/2352", DW_MODE_MODE2_XA, 2352, DW_SPAN_RAW},
    {"CDI/2336", DW_MODE_MODE2_XA, 2336, DW_SPAN_MODE2_2336},
    {"CDI/2352", DW_MODE_MODE2_XA, 2352, DW_SPAN_RAW},
};

static struct cue_track *cur_track(struct cue_parser *p)
{
    return p->track_count ? &p->tracks[p->track_count - 1] : NULL;
}

static int check_isrc(const char *s)
{
    if (strlen(s) != 12)
        return -1;
    for (int i = 0; i < 5; i++)
        if (!isalnum((unsigned char)s[i]))
            return -1;
    for (int i = 5; i < 12; i++)
        if (!isdigit((unsigned char)s[i]))
            return -1;
    return 0;
}

/* Read a WAVE header: 44.1 kHz, 16-bit, stereo PCM only (Red Book audio).
 * Sets data_offset and data_bytes. */
static int read_wave(struct cue_parser *p, struct cue_file *f, const char *path)
{
    FILE *fp;
    uint8_t h[12], ch[8], fmt[16];
    int rc = dw__image_fopen(path, &fp, NULL, NULL);
    bool have_fmt = false;
    if (rc)
        return fail(p, rc, "cannot open WAVE file '%s'", f->name);
    if (fread(h, 1, 12, fp) != 12 || memcmp(h, "RIFF", 4) || memcmp(h + 8, "WAVE", 4)) {
        rc = fail(p, DW_EPARSE, "'%s' is not a RIFF WAVE file: use FILE ... BINARY for raw PCM",
                  f->name);
        goto out;
    }
    for (;;) {
        if (fread(ch, 1, 8, fp) != 8) {
            rc = fail(p, DW_EPARSE, "WAVE file '%s' has no data chunk", f->name);
            goto out;
        }
        uint32_t size = (uint32_t)ch[4] | (uint32_t)ch[5] << 8 | (uint32_t)ch[6] << 16 |
                        (uint32_t)ch[7] << 24;
        if (!memcmp(ch, "fmt ", 4)) {
            if (size < 16 || fread(fmt, 1, 16, fp) != 16) {
                rc = fail(p, DW_EPARSE, "WAVE file '%s' has a short fmt chunk", f->name);
                goto out;
            }
            unsigned tag = fmt[0] | fmt[1] << 8, chans = fmt[2] | fmt[3] << 8;
            unsigned rate = fmt[4] | fmt[5] << 8 | (unsigned)fmt[6] << 16 | (unsigned)fmt[7] << 24;
            unsigned bits = fmt[14] | fmt[15] << 8;
            if (tag != 1 || chans != 2 || rate != 44100 || bits != 16) {
                rc = fail(p, DW_EUNSUPPORTED,
                          "WAVE file '%s' is not 44.1 kHz 16-bit stereo PCM: convert it first "
                          "(for example with sox)",
                          f->name);
                goto out;
            }
            have_fmt = true;
            if (fseeko(fp, (off_t)(size - 16 + (size & 1)), SEEK_CUR)) {
                rc = fail(p, DW_EPARSE, "WAVE file '%s' is truncated", f->name);
                goto out;
            }
        } else if (!memcmp(ch, "data", 4)) {
            if (!have_fmt) {
                rc = fail(p, DW_EPARSE, "WAVE file '%s' has data before its fmt chunk", f->name);
                goto out;
            }
            f->data_offset = (uint64_t)ftello(fp);
            f->data_bytes = size;
            goto out;
        } else if (fseeko(fp, (off_t)size + (size & 1), SEEK_CUR)) {
            rc = fail(p, DW_EPARSE, "WAVE file '%s' is truncated", f->name);
            goto out;
        }
    }
out:
    fclose(fp);
    return rc;
}

/* libcdio's convention: a single-file cue whose FILE is missing is read
 * from <cue name>.bin.  Allowed for the first FILE only; a second FILE
 * line turns it back into an error (cmd_file).  0 and *resolved set when
 * that file is there, DW_ENOENT when it is not. */
static int fallback_bin(struct cue_parser *p, const struct cue_file *f, char **resolved)
{
    char *alt = strdup(p->path);
    int rc = DW_ENOENT;
    if (!alt)
        return DW_ENOMEM;
    char *dot = strrchr(alt, '.'), *slash = strrchr(alt, '/');
    if (dot && (!slash || dot > slash) && strlen(dot) >= 4) {
        memcpy(dot, ".bin", 5);
        struct stat ast;
        if (stat(alt, &ast) == 0 && S_ISREG(ast.st_mode)) {
            *resolved = alt;
            alt = NULL;
            rc = 0;
            p->fallback_line = p->line;
            dw__image_warn(p->img,
                           "'%s' line %d: FILE '%s' not found; reading '%s' instead "
                           "(libcdio's convention for single-file cues)",
                           base_name(p->path), p->line, f->name, base_name(*resolved));
        }
    }
    free(alt);
    return rc;
}

static int cmd_file(struct cue_parser *p, char **tok, int ntok)
{
    if (ntok < 2 || !tok[1][0])
        return fail(p, DW_EPARSE, "FILE needs a file name and a type (BINARY, MOTOROLA or WAVE)%s",
                    NULL);
    enum cue_file_type type = CUE_BINARY;
    const char *t = ntok >= 3 ? tok[ntok - 1] : "BINARY";
    if (!strcasecmp(t, "BINARY"))
        type = CUE_BINARY;
    else if (!strcasecmp(t, "MOTOROLA"))
        type = CUE_MOTOROLA;
    else if (!strcasecmp(t, "WAVE"))
        type = CUE_WAVE;
    else if (!strcasecmp(t, "MP3") || !strcasecmp(t, "AIFF") || !strcasecmp(t, "FLAC"))
        return fail(p, DW_EUNSUPPORTED,
                    "FILE type %s is not supported: decode it to WAVE or raw BINARY first", t);
    else
        return fail(p, DW_EPARSE, "unknown FILE type '%s': use BINARY, MOTOROLA or WAVE", t);

    struct cue_file *files = realloc(p->files, (size_t)(p->file_count + 1) * sizeof(*files));
    if (!files)
        return DW_ENOMEM;
    p->files = files;
    struct cue_file *f = &files[p->file_count];
    memset(f, 0, sizeof(*f));
    f->name = strdup(tok[1]);
    if (!f->name)
        return DW_ENOMEM;
    p->file_count++;
    f->line = p->line;
    f->type = type;
    f->image_file = -1;
    f->data_bytes = UINT64_MAX;
    if (!p->check_files)
        return 0;

    char *resolved = NULL;
    bool case_differs = false;
    int rc = dw__image_resolve_file(p->path, f->name, &resolved, &case_differs);
    if (rc == DW_ENOENT && type != CUE_WAVE) /* game.bin.ecm, game.bin.gz for game.bin */
        rc = dw__container_resolve(p->path, f->name, &resolved, &case_differs);
    if (rc == DW_ENOMEM)
        return rc;
    if (rc && p->file_count == 1 && (rc = fallback_bin(p, f, &resolved)) == DW_ENOMEM)
        return rc;
    if (rc == 0 && p->fallback_line && p->file_count > 1) {
        free(resolved);
        p->line = p->fallback_line;
        return fail(p, DW_ENOENT, "FILE '%s' not found next to it: put the image file there or "
                    "fix the name in the cue", p->files[0].name);
    }
    if (rc) {
        char msg[300];
        snprintf(msg, sizeof(msg), "FILE '%s' not found next to it: put the image file there or "
                 "fix the name in the cue", f->name);
        return fail(p, DW_ENOENT, "%s", msg);
    }
    if (case_differs)
        dw__image_warn(p->img, "'%s' line %d: FILE '%s' found as '%s' (the case differs)",
                       base_name(p->path), p->line, f->name, base_name(resolved));
    struct stat st;
    if (stat(resolved, &st) != 0 || !S_ISREG(st.st_mode)) {
        char msg[300];
        snprintf(msg, sizeof(msg), "FILE '%s' is %s, not a regular file: name an image file",
                 f->name, stat(resolved, &st) == 0 ? dw__file_kind(st.st_mode) : "unreadable");
        free(resolved);
        return fail(p, DW_EINVAL, "%s", msg);
    }
    if (type == CUE_WAVE) {
        rc = read_wave(p, f, resolved);
        if (rc) {
            free(resolved);
            return rc;
        }
        if (f->data_offset + f->data_bytes > (uint64_t)st.st_size) {
            free(resolved);
            return fail(p, DW_ETRUNC, "WAVE file '%s' is shorter than its header says", f->name);
        }
    } else {
        f->data_bytes = (uint64_t)st.st_size;
    }
    struct dw__decoded dec = {0};
    if (type != CUE_WAVE && (rc = dw__container_open_data(resolved, &dec, p->err)) < 0) {
        free(resolved);
        return rc;
    }
    if (dec.ops) {
        f->data_bytes = dec.bytes;
        rc = dw__image_add_vfile(p->img, resolved, dec.bytes, dec.ops, dec.ctx);
    } else {
        rc = dw__image_add_file(p->img, resolved, (uint64_t)st.st_size);
    }
    free(resolved);
    if (rc < 0)
        return rc;
    f->image_file = rc;
    return 0;
}

static int cmd_track(struct cue_parser *p, char **tok, int ntok)
{
    int number;
    if (p->file_count == 0)
        return fail(p, DW_EPARSE, "TRACK before any FILE: add a FILE line above it%s", NULL);
    if (ntok < 3 || parse_number(tok[1], 1, 99, &number))
        return fail(p, DW_EPARSE, "TRACK needs a number 01-99 and a mode, e.g. 'TRACK 01 AUDIO'%s",
                    NULL);
    const struct mode_name *m = NULL;
    for (size_t i = 0; i < sizeof(cue_modes) / sizeof(cue_modes[0]); i++)
        if (!strcasecmp(tok[2], cue_modes[i].name))
            m = &cue_modes[i];
    if (!m)
        return fail(p, DW_EPARSE,
                    "unknown track mode '%s': use AUDIO, MODE1/2048, MODE1/2352, MODE2/2336 or "
                    "MODE2/2352",
                    tok[2]);
    if (p->track_count == DW_MAX_TRACKS)
        return fail(p, DW_EPARSE, "more than 99 tracks%s", NULL);
    if (p->track_count && number <= p->tracks[p->track_count - 1].number)
        return fail(p, DW_EPARSE, "track numbers must increase: TRACK %s comes after a higher one",
                    tok[1]);
    struct cue_track *tracks = realloc(p->tracks, (size_t)(p->track_count + 1) * sizeof(*tracks));
    if (!tracks)
        return DW_ENOMEM;
    p->tracks = tracks;
    struct cue_track *t = &tracks[p->track_count++];
    memset(t, 0, sizeof(*t));
    t->number = number;
    t->line = p->line;
    t->session = p->session;
    t->mode = m->mode;
    t->sector_bytes = m->sector_bytes;
    t->layout = m->layout;
    if (m->mode != DW_MODE_AUDIO)
        t->control |= DW_CTL_DATA;
    if (p->files[p->file_count - 1].type == CUE_MOTOROLA) {
        if (m->mode != DW_MODE_AUDIO)
            return fail(p, DW_EPARSE, "MOTOROLA files hold audio only; track %s is data", tok[1]);
        t->layout = DW_SPAN_AUDIO_BE;
    }
    if (p->files[p->file_count - 1].type == CUE_WAVE && m->mode != DW_MODE_AUDIO)
        return fail(p, DW_EPARSE, "WAVE files hold audio only; track %s is data", tok[1]);
    return 0;
}

static int cmd_index(struct cue_parser *p, char **tok, int ntok)
{
    struct cue_track *t = cur_track(p);
    int number;
    int32_t frame;
    if (!t)
        return fail(p, DW_EPARSE, "INDEX before any TRACK%s", NULL);
    if (ntok < 3 || parse_number(tok[1], 0, 99, &number))
        return fail(p, DW_EPARSE, "INDEX needs a number 00-99 and a time MM:SS:FF%s", NULL);
    if (dw_msf_parse(tok[2], &frame))
        return fail(p, DW_EPARSE,
                    "malformed time '%s': write MM:SS:FF with seconds below 60 and frames "
                    "below 75",
                    tok[2]);
    if (t->idx_count && number != t->idx[t->idx_count - 1].number + 1)
        return fail(p, DW_EPARSE, "INDEX %s is out of order: indexes must count up by one", tok[1]);
    if (!t->idx_count && number > 1)
        return fail(p, DW_EPARSE, "the first index of a track must be INDEX 00 or 01, not %s",
                    tok[1]);
    struct cue_index *ix = &t->idx[t->idx_count++];
    ix->number = number;
    ix->file = p->file_count - 1;
    ix->frame = frame;
    ix->line = p->line;
    return 0;
}

static int cmd_cdtext(struct cue_parser *p, char **tok, int ntok, const char *kw)
{
    char value[DW_CDTEXT_BYTES];
    struct cue_track *t = cur_track(p);
    struct dw_cdtext *ct = t ? &t->cdtext : &p->img->disc->cdtext;
    rest_of_line(tok, ntok, value, sizeof(value));
    char *field = NULL;
    if (!strcasecmp(kw, "TITLE"))
        field = ct->title;
    else if (!strcasecmp(kw, "PERFORMER"))
        field = ct->performer;
    else if (!strcasecmp(kw, "SONGWRITER"))
        field = ct->songwriter;
    else if (!strcasecmp(kw, "COMPOSER"))
        field = ct->composer;
    else if (!strcasecmp(kw, "ARRANGER"))
        field = ct->arranger;
    else
        field = ct->message;
    snprintf(field, DW_CDTEXT_BYTES, "%s", value);
    p->img->disc->has_cdtext = true;
    return 0;
}

static int parse_line(struct cue_parser *p, char *line)
{
    char *tok[8];
    int ntok = tokenize(line, tok, 8);
    struct cue_track *t = cur_track(p);
    if (ntok == 0)
        return 0;
    const char *kw = tok[0];
    if (!strcasecmp(kw, "FILE"))
        return cmd_file(p, tok, ntok);
    if (!strcasecmp(kw, "TRACK"))
        return cmd_track(p, tok, ntok);
    if (!strcasecmp(kw, "INDEX"))
        return cmd_index(p, tok, ntok);
    if (!strcasecmp(kw, "REM")) {
        int s;
        if (ntok >= 3 && !strcasecmp(tok[1], "SESSION")) {
            if (parse_number(tok[2], 1, DW_MAX_SESSIONS, &s) || s < p->session)
                return fail(p, DW_EPARSE, "REM SESSION needs an increasing number, not '%s'",
                            tok[2]);
            p->session = s;
        }
        return 0;
    }
    if (!strcasecmp(kw, "CATALOG")) {
        if (ntok < 2)
            return fail(p, DW_EPARSE, "CATALOG needs 13 digits (the MCN/UPC-EAN)%s", NULL);
        if (strlen(tok[1]) != 13 || strspn(tok[1], "0123456789") != 13)
            return fail(p, DW_EPARSE, "CATALOG '%s' is not 13 decimal digits", tok[1]);
        snprintf(p->img->disc->mcn, sizeof(p->img->disc->mcn), "%s", tok[1]);
        return 0;
    }
    if (!strcasecmp(kw, "TITLE") || !strcasecmp(kw, "PERFORMER") ||
        !strcasecmp(kw, "SONGWRITER") || !strcasecmp(kw, "COMPOSER") ||
        !strcasecmp(kw, "ARRANGER") || !strcasecmp(kw, "MESSAGE"))
        return cmd_cdtext(p, tok, ntok, kw);
    if (!strcasecmp(kw, "CDTEXTFILE")) {
        if (ntok < 2)
            return fail(p, DW_EPARSE, "CDTEXTFILE needs a file name%s", NULL);
        free(p->cdtext_file);
        p->cdtext_file = strdup(tok[1]);
        p->cdtext_line = p->line;
        return p->cdtext_file ? 0 : DW_ENOMEM;
    }
    if (!t)
        return fail(p, DW_EPARSE, "'%s' must follow a TRACK line", kw);
    if (!strcasecmp(kw, "FLAGS")) {
        for (int i = 1; i < ntok; i++) {
            if (!strcasecmp(tok[i], "DCP"))
                t->control |= DW_CTL_DCP;
            else if (!strcasecmp(tok[i], "4CH"))
                t->control |= DW_CTL_4CH;
            else if (!strcasecmp(tok[i], "PRE"))
                t->control |= DW_CTL_PRE;
            else if (!strcasecmp(tok[i], "SCMS"))
                continue; /* serial copy management: not a Q control bit */
            else if (!strcasecmp(tok[i], "DATA"))
                t->control |= DW_CTL_DATA;
            else
                return fail(p, DW_EPARSE, "unknown flag '%s': use DCP, 4CH, PRE or SCMS", tok[i]);
        }
        return 0;
    }
    if (!strcasecmp(kw, "ISRC")) {
        if (ntok < 2 || check_isrc(tok[1]))
            return fail(p, DW_EPARSE, "ISRC '%s' is not 5 letters/digits and 7 digits",
                        ntok < 2 ? "" : tok[1]);
        snprintf(t->isrc, sizeof(t->isrc), "%s", tok[1]);
        return 0;
    }
    if (!strcasecmp(kw, "PREGAP") || !strcasecmp(kw, "POSTGAP")) {
        int32_t frames;
        if (ntok < 2 || dw_msf_parse(tok[1], &frames))
            return fail(p, DW_EPARSE, "malformed time '%s': write MM:SS:FF", ntok < 2 ? "" : tok[1]);
        if (!strcasecmp(kw, "PREGAP")) {
            if (t->idx_count)
                return fail(p, DW_EPARSE, "PREGAP must come before the track's INDEX lines%s", NULL);
            t->pregap_silence = frames;
        } else {
            t->postgap_silence = frames;
        }
        return 0;
    }
    return fail(p, DW_EPARSE, "unknown command '%s'", kw);
}

static int add_piece(struct cue_parser *p, int track, int file, int32_t frame)
{
    struct cue_piece *pc = realloc(p->pieces, (size_t)(p->piece_count + 1) * sizeof(*pc));
    if (!pc)
        return DW_ENOMEM;
    p->pieces = pc;
    pc[p->piece_count] = (struct cue_piece){.track = track, .file = file, .frame = frame};
    p->piece_count++;
    return 0;
}

/* Phase 2 starts here: the cue has been read line by line; layout() turns
 * tracks, indexes and files into the disc and the span map in steps. */

/* There are tracks, and each has an INDEX 01. */
static int check_tracks(struct cue_parser *p)
{
    if (p->track_count == 0) {
        p->line = 0;
        return fail(p, DW_EPARSE, "no TRACK lines: this is not a cue sheet of a disc%s", NULL);
    }
    for (int ti = 0; ti < p->track_count; ti++) {
        struct cue_track *t = &p->tracks[ti];
        bool has01 = false;
        for (int k = 0; k < t->idx_count; k++)
            has01 |= t->idx[k].number == 1;
        if (!has01) {
            p->line = t->line;
            return fail(p, DW_EPARSE, "track has no INDEX 01: every track needs one%s", NULL);
        }
    }
    return 0;
}

/* Cut the files into pieces, a new one wherever the (track, file) pair
 * changes, in disc order. */
static int cut_pieces(struct cue_parser *p)
{
    int prev_track = -1, prev_file = -1, rc;
    for (int ti = 0; ti < p->track_count; ti++) {
        struct cue_track *t = &p->tracks[ti];
        for (int k = 0; k < t->idx_count; k++) {
            struct cue_index *ix = &t->idx[k];
            if (ix->file != prev_file) {
                /* Files between (FILE lines without indexes of their own)
                 * and the head of this file belong to the previous track. */
                for (int f = prev_file + 1; f <= ix->file; f++) {
                    if (f == ix->file && ix->frame == 0)
                        break;
                    int owner = prev_track >= 0 ? prev_track : ti;
                    if ((rc = add_piece(p, owner, f, 0)))
                        return rc;
                }
                if ((rc = add_piece(p, ti, ix->file, ix->frame)))
                    return rc;
            } else if (ti != prev_track) {
                if (ix->frame < p->pieces[p->piece_count - 1].frame) {
                    p->line = ix->line;
                    return fail(p, DW_EPARSE, "INDEX goes back in time within the file%s", NULL);
                }
                if ((rc = add_piece(p, ti, ix->file, ix->frame)))
                    return rc;
            }
            prev_track = ti;
            prev_file = ix->file;
        }
    }
    for (int f = prev_file + 1; f < p->file_count; f++)
        if ((rc = add_piece(p, prev_track, f, 0)))
            return rc;
    return 0;
}

/* The length of the last piece of a file: the rest of the file, in whole
 * sectors of its track (64-bit: a file may hold more than 2^31 sectors,
 * which the CD length check then refuses), or, when the file was not
 * looked at, just long enough for the indexes it holds. */
static int size_last_piece(struct cue_parser *p, struct cue_piece *pc)
{
    const struct cue_file *f = &p->files[pc->file];
    const struct cue_track *t = &p->tracks[pc->track];
    uint64_t bytes = (uint64_t)t->sector_bytes;
    if (f->data_bytes == UINT64_MAX) {
        pc->sectors = 0;
        for (int k = 0; k < t->idx_count; k++)
            if (t->idx[k].file == pc->file && t->idx[k].frame - pc->frame > pc->sectors)
                pc->sectors = t->idx[k].frame - pc->frame;
        return 0;
    }
    if (pc->byte > f->data_bytes) {
        char msg[300], at[9];
        dw_msf_format(pc->frame, at);
        snprintf(msg, sizeof(msg),
                 "track %02d starts at %s but '%s' holds only %llu bytes: the image file "
                 "is truncated or belongs to another cue",
                 t->number, at, f->name, (unsigned long long)f->data_bytes);
        p->line = t->line;
        return fail(p, DW_ETRUNC, "%s", msg);
    }
    uint64_t left = f->data_bytes - pc->byte;
    pc->sectors = (int64_t)(left / bytes);
    if (left % bytes)
        dw__image_warn(p->img,
                       "'%s': '%s' ends with %llu bytes that are not a whole sector; "
                       "they are left out",
                       base_name(p->path), f->name, (unsigned long long)(left % bytes));
    return 0;
}

/* Byte offsets and lengths: each piece runs to the next piece of the same
 * file, in the sector size of its own track; the last one to the end of
 * the file. */
static int size_pieces(struct cue_parser *p)
{
    int rc;
    for (int i = 0; i < p->piece_count; i++) {
        struct cue_piece *pc = &p->pieces[i];
        struct cue_file *f = &p->files[pc->file];
        uint64_t bytes = (uint64_t)p->tracks[pc->track].sector_bytes;
        if (i > 0 && p->pieces[i - 1].file == pc->file) {
            struct cue_piece *prev = &p->pieces[i - 1];
            if (pc->frame < prev->frame) {
                p->line = p->tracks[pc->track].line;
                return fail(p, DW_EPARSE, "track starts before the previous track in the same file%s",
                            NULL);
            }
            prev->sectors = pc->frame - prev->frame;
            pc->byte = prev->byte +
                       (uint64_t)prev->sectors * (uint64_t)p->tracks[prev->track].sector_bytes;
        } else {
            pc->byte = (uint64_t)pc->frame * bytes;
        }
        bool last_in_file = i + 1 == p->piece_count || p->pieces[i + 1].file != pc->file;
        if (last_in_file && (rc = size_last_piece(p, pc)))
            return rc;
        if (f->data_bytes != UINT64_MAX &&
            pc->byte + (uint64_t)pc->sectors * bytes > f->data_bytes) {
            p->line = p->tracks[pc->track].line;
            char msg[300];
            snprintf(msg, sizeof(msg),
                     "track %02d needs %llu bytes of '%s' but the file has only %llu: the image "
                     "file is truncated",
                     p->tracks[pc->track].number,
                     (unsigned long long)(pc->byte + (uint64_t)pc->sectors * bytes), f->name,
                     (unsigned long long)f->data_bytes);
            return fail(p, DW_ETRUNC, "%s", msg);
        }
    }
    return 0;
}

/* Append `sectors` at *lba to the span map (s gives file, offset, layout
 * and track) and move *lba on.  Positions are 64-bit: past the longest CD
 * nothing is stored, and place_pieces refuses the layout once its end is
 * known. */
static int emit(struct cue_parser *p, int64_t *lba, int64_t sectors, struct dw__span s)
{
    int rc = 0;
    if (*lba + sectors <= DW__CD_MAX_LEADOUT_LBA) {
        s.lba = (int32_t)*lba;
        s.sectors = (int32_t)sectors;
        rc = dw__image_add_span(p->img, &s);
    }
    *lba += sectors;
    return rc < 0 ? rc : 0;
}

static int emit_silence(struct cue_parser *p, int64_t *lba, int64_t sectors, int track)
{
    struct dw__span z = {.file = -1, .layout = DW_SPAN_ZERO, .track = track};
    return emit(p, lba, sectors, z);
}

/* Close the session that ends at lba: its lead-out, then the Orange Book
 * gap before the next one (lead-out 6750 sectors after session 1, 2250
 * after later ones, then 4500 of lead-in). */
static void end_session(struct cue_parser *p, int number, int64_t *lba, bool more)
{
    struct dw_disc *disc = p->img->disc;
    struct dw_session *s = &disc->sessions[disc->session_count++];
    s->number = number;
    s->leadout_lba = *lba <= DW__CD_MAX_LEADOUT_LBA ? (int32_t)*lba : DW__CD_MAX_LEADOUT_LBA;
    if (more)
        *lba += (disc->session_count == 1 ? 6750 : 2250) + 4500;
}

/* LBAs, silence and session gaps, in disc order; then the CD length check
 * on the 64-bit end. */
static int place_pieces(struct cue_parser *p)
{
    struct dw_disc *disc = p->img->disc;
    int64_t lba = 0;
    int last_track = -1, session = p->tracks[0].session, rc;
    disc->session_count = 0;
    for (int i = 0; i < p->piece_count; i++) {
        struct cue_piece *pc = &p->pieces[i];
        struct cue_track *t = &p->tracks[pc->track];
        if (pc->track != last_track) {
            const struct cue_track *lt = last_track >= 0 ? &p->tracks[last_track] : NULL;
            if (lt && lt->postgap_silence &&
                (rc = emit_silence(p, &lba, lt->postgap_silence, lt->number)))
                return rc;
            if (t->session != session) {
                end_session(p, session, &lba, true);
                session = t->session;
                if (!t->pregap_silence && t->idx[0].number == 1)
                    t->pregap_silence = 150; /* the new session's first pregap */
            }
            if (t->pregap_silence && (rc = emit_silence(p, &lba, t->pregap_silence, t->number)))
                return rc;
        }
        pc->lba = lba;
        struct cue_file *f = &p->files[pc->file];
        struct dw__span s = {.file = f->image_file, .offset_bytes = f->data_offset + pc->byte,
                             .stride_bytes = (uint32_t)t->sector_bytes, .layout = t->layout,
                             .track = t->number};
        if (s.file < 0)
            s.layout = DW_SPAN_ZERO; /* syntax-only parse */
        if ((rc = emit(p, &lba, pc->sectors, s)))
            return rc;
        last_track = pc->track;
    }
    const struct cue_track *lt = &p->tracks[last_track];
    if (lt->postgap_silence && (rc = emit_silence(p, &lba, lt->postgap_silence, lt->number)))
        return rc;
    p->line = 0;
    if ((rc = dw__image_check_cd_leadout(base_name(p->path), lba, p->err)))
        return rc;
    disc->leadout_lba = (int32_t)lba;
    if (disc->session_count > 0)
        end_session(p, session, &lba, false);
    return 0;
}

/* The disc's tracks: index LBAs from the piece that holds them. */
static int build_tracks(struct cue_parser *p)
{
    struct dw_disc *disc = p->img->disc;
    disc->track_count = p->track_count;
    for (int ti = 0; ti < p->track_count; ti++) {
        struct cue_track *t = &p->tracks[ti];
        struct dw_track *dt = &disc->tracks[ti];
        dt->number = t->number;
        dt->session = t->session;
        dt->mode = t->mode;
        dt->control = t->control;
        dt->pregap_silence_sectors = t->pregap_silence;
        dt->postgap_silence_sectors = t->postgap_silence;
        memcpy(dt->isrc, t->isrc, sizeof(dt->isrc));
        dt->cdtext = t->cdtext;
        for (int k = 0; k < t->idx_count; k++) {
            struct cue_index *ix = &t->idx[k];
            struct cue_piece *holder = NULL;
            for (int i = 0; i < p->piece_count; i++) {
                struct cue_piece *pc = &p->pieces[i];
                if (pc->file == ix->file && pc->track == ti && pc->frame <= ix->frame)
                    holder = pc;
            }
            if (!holder)
                return fail(p, DW_EPARSE, "internal: index without a piece%s", NULL);
            dt->index_lba[ix->number] = (int32_t)(holder->lba + (ix->frame - holder->frame));
            if (ix->number + 1 > dt->index_count)
                dt->index_count = ix->number + 1;
        }
        /* PREGAP silence (or the implied pregap of a later session) is the
         * track's INDEX 00 when the file has none. */
        if (t->pregap_silence && dt->index_lba[0] == DW_LBA_NONE)
            dt->index_lba[0] = dt->index_lba[1] - t->pregap_silence;
        else if (t->pregap_silence)
            dt->index_lba[0] -= t->pregap_silence;
        /* Data in the first file ahead of track 1's first index belongs to
         * track 1 (a hidden pregap). */
        if (ti == 0 && dt->index_lba[0] == DW_LBA_NONE && dt->index_lba[1] > 0)
            dt->index_lba[0] = 0;
    }
    return 0;
}

/* First and last track of each session, then the disc model's own checks
 * and, with the files, that no track is empty. */
static int finish_disc(struct cue_parser *p)
{
    struct dw_disc *disc = p->img->disc;
    char msg[300];
    int rc;
    for (int s = 0; s < disc->session_count; s++) {
        int first = 0, last = 0;
        for (int ti = 0; ti < disc->track_count; ti++) {
            if (disc->tracks[ti].session != disc->sessions[s].number)
                continue;
            if (!first)
                first = disc->tracks[ti].number;
            last = disc->tracks[ti].number;
        }
        disc->sessions[s].first_track = first;
        disc->sessions[s].last_track = last;
    }
    p->line = 0;
    if ((rc = dw_disc_finish(disc, msg, sizeof(msg))))
        return fail(p, rc, "%s", msg);
    if (p->check_files)
        for (int ti = 0; ti < disc->track_count; ti++)
            if (dw_track_length_sectors(&disc->tracks[ti]) <= 0) {
                p->line = p->tracks[ti].line;
                return fail(p, DW_ETRUNC,
                            "track has no sectors after its INDEX 01: the image file is "
                            "truncated%s",
                            NULL);
            }
    return 0;
}

/* Phase 2: from the tracks and files read to the disc and its span map. */
static int layout(struct cue_parser *p)
{
    int rc;
    if ((rc = check_tracks(p)) || (rc = cut_pieces(p)) || (rc = size_pieces(p)) ||
        (rc = place_pieces(p)) || (rc = build_tracks(p)))
        return rc;
    return finish_disc(p);
}

/* CDTEXTFILE: raw 18-byte packs as CDRWin and cdrecord write them, with or
 * without a 4-byte size header and a trailing NUL.  Fields the cue sets
 * itself win; a file that cannot be used is a warning, not an error. */
static void read_cdtext_file(struct cue_parser *p)
{
    char *path = NULL;
    uint8_t *buf = NULL;
    const char *why = NULL;
    if (dw__image_resolve_file(p->path, p->cdtext_file, &path, NULL)) {
        why = "not found";
        goto out;
    }
    struct dw_error_detail open_err;
    FILE *fp;
    if (dw__image_fopen(path, &fp, NULL, &open_err)) { /* a FIFO fails, never blocks */
        dw__image_warn(p->img, "'%s' line %d: CDTEXTFILE: %s; CD-TEXT comes from the cue's "
                       "TITLE/PERFORMER/SONGWRITER lines only",
                       base_name(p->path), p->cdtext_line, open_err.message);
        goto out;
    }
    buf = malloc(65536);
    size_t n = buf ? fread(buf, 1, 65536, fp) : 0;
    fclose(fp);
    size_t skip = 0;
    if (n % 18 == 1 && buf[n - 1] == 0)
        n--;
    if (n % 18 == 4 || n % 18 == 5) {
        skip = 4; /* size header */
        n -= (n % 18 == 5) ? 5 : 4;
    }
    if (!n || n % 18 || n > 65000)
        why = "not a whole number of 18-byte packs";
    else if (dw__cdtext_apply(buf + skip, n, p->img->disc))
        why = "its packs could not be decoded";
out:
    if (why)
        dw__image_warn(p->img, "'%s' line %d: CDTEXTFILE '%s' %s; CD-TEXT comes from the cue's "
                       "TITLE/PERFORMER/SONGWRITER lines only",
                       base_name(p->path), p->cdtext_line, p->cdtext_file, why);
    free(path);
    free(buf);
}

int dw__cue_parse(const char *text, size_t len, const char *path, bool check_files,
                  struct dw__image **out, struct dw_error_detail *err)
{
    struct cue_parser p = {.path = path, .check_files = check_files, .err = err, .session = 1};
    char *buf = NULL;
    int rc = DW_ENOMEM;
    *out = NULL;
    p.img = calloc(1, sizeof(*p.img));
    if (!p.img || !(p.img->disc = dw_disc_new()))
        goto out;
    snprintf(p.img->format, sizeof(p.img->format), "cue");
    if (len >= 3 && (uint8_t)text[0] == 0xEF && (uint8_t)text[1] == 0xBB &&
        (uint8_t)text[2] == 0xBF) {
        text += 3; /* UTF-8 byte order mark (EAC) */
        len -= 3;
    }
    if (memchr(text, '\0', len)) {
        rc = fail(&p, DW_EPARSE, "contains NUL bytes (UTF-16 text?): save it as UTF-8%s", NULL);
        goto out;
    }
    buf = malloc(len + 1);
    if (!buf)
        goto out;
    memcpy(buf, text, len);
    buf[len] = '\0';
    for (char *line = buf, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        p.line++;
        size_t l = strlen(line);
        while (l && (line[l - 1] == '\r' || line[l - 1] == ' ' || line[l - 1] == '\t'))
            line[--l] = '\0';
        if ((rc = parse_line(&p, line)))
            goto out;
    }
    p.line = 0;
    if ((rc = layout(&p)))
        goto out;
    if (p.cdtext_file && check_files)
        read_cdtext_file(&p);
    *out = p.img;
    p.img = NULL;
    rc = 0;
out:
    if (rc == DW_ENOMEM && err && !err->message[0])
        dw__set_error(err, rc, "out of memory reading '%s'", base_name(path));
    for (int i = 0; i < p.file_count; i++)
        free(p.files[i].name);
    free(p.files);
    free(p.tracks);
    free(p.pieces);
    free(p.cdtext_file);
    free(buf);
    dw__image_free(p.img);
    return rc;
}

int dw__cue_read(const char *path, struct dw__image **out, struct dw_error_detail *err)
{
    FILE *fp;
    char *text = NULL;
    int rc;
    *out = NULL;
    if ((rc = dw__image_fopen(path, &fp, NULL, err)))
        return rc;
    text = malloc(CUE_MAX_BYTES + 1);
    if (!text) {
        fclose(fp);
        return DW_ENOMEM;
    }
    size_t len = fread(text, 1, CUE_MAX_BYTES + 1, fp);
    int read_error = ferror(fp);
    fclose(fp);
    if (read_error)
        rc = dw__set_error(err, DW_EIO, "cannot read '%s'", path);
    else if (len > CUE_MAX_BYTES)
        rc = dw__set_error(err, DW_EPARSE, "'%s' is larger than 1 MiB: not a cue sheet", path);
    else
        rc = dw__cue_parse(text, len, path, true, out, err);
    free(text);
    return rc;
}
