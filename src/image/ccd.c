/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CloneCD reader: a .ccd control file with its .img (raw 2352-byte sectors)
 * and .sub (96 bytes of P-W a sector) becomes a dw_disc plus a span map.
 *
 * The .ccd is an INI text (REFERENCE-2.md section 5; facts from libmirage's
 * image-ccd parser and from CloneCD sets, our code):
 *   [CloneCD] Version
 *   [Disc]    TocEntries, Sessions, DataTracksScrambled, CDTextLength,
 *             CATALOG (the MCN)
 *   [CDText]  Entries, "Entry N=" 16 hex bytes of CD-TEXT pack N (no CRC)
 *   [Session N] PreGapMode, PreGapSubC (not needed here)
 *   [Entry N] one descriptor of the full TOC (READ TOC/PMA/ATIP format
 *             0010b, MMC-6 6.26.3.4): Session, Point (hex), ADR, Control,
 *             PMin/PSec/PFrame and PLBA (= PMSF - 150).  Points 01h-63h are
 *             tracks (PLBA = INDEX 01), A2h a session's lead-out; A0h/A1h
 *             and the ADR 5 points (B0h, C0h) are not needed.
 *   [TRACK N] MODE (0 audio, 1 Mode 1, 2 Mode 2), ISRC, INDEX n=position.
 *             Only differences between indexes are used: INDEX 1 - INDEX 0
 *             is the pregap, INDEX n - INDEX 1 places index n; the first
 *             track of a session without INDEX 0 has a pregap of INDEX 1
 *             when INDEX 1 is counted from the session's start (libmirage's
 *             reading) and none when INDEX 1 equals the track's PLBA
 *             (an absolute position).
 * Keys and section names are matched without regard to case; numbers are
 * decimal or 0x-prefixed hex; unknown keys and sections are ignored.
 *
 * The .img holds every track from its first sector (INDEX 00, or INDEX 01
 * without a pregap) to the next track's first sector or its session's
 * lead-out (A2h), track after track, without the lead-out and lead-in
 * between sessions.  The .sub holds the same sectors in the same order, 96
 * bytes each, P-W de-interleaved (12 bytes a channel, P first) as CloneCD
 * writes it; the image drive serves it interleaved as READ CD raw P-W and
 * its Q as the Q sub-channel.  A set without a .sub is read with a warning
 * and the drive synthesises the sub-channel.
 *
 * Checked against the files: the .img and .sub are whole sectors, hold at
 * least the sectors the layout needs (less is refused, more is a warning),
 * and the first sector of each data track carries a sync pattern and a
 * mode byte, which sets the track's mode (MODE is only a hint: libmirage
 * notes that CloneCD sets often have it wrong).  That reads 16 bytes a data
 * track; no other sector payload is read here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "discwright/sector.h"
#include "disc/disc_int.h"
#include "image/image.h"

#define CCD_MAX_ENTRIES 1000      /* a full TOC has at most ~110 points a session */
#define CCD_MAX_CDTEXT_PACKS 2048 /* 8 blocks of 256 packs */
#define CCD_PACK_BYTES 18
#define CCD_SUB_BYTES DW_SUBCHANNEL_BYTES
#define CCD_NO_VALUE INT64_MIN

enum ccd_section {
    SEC_NONE = 0,
    SEC_CLONECD,
    SEC_DISC,
    SEC_CDTEXT,
    SEC_SESSION,
    SEC_ENTRY,
    SEC_TRACK,
    SEC_OTHER
};

struct ccd_entry {
    int number, line;
    int plba_line; /* of its PLBA (or PMin) key, 0 when absent */
    int64_t session, point, adr, control, plba, pmin, psec, pframe;
};

struct ccd_track_sec {
    int line; /* of its [TRACK N] header, 0 when absent */
    int64_t mode;
    int mode_line;
    int64_t index[DW_MAX_INDEXES];
    int index_line[DW_MAX_INDEXES];
    char isrc[16];
    int isrc_line;
};

/* One track of the TOC, in disc order, with its place in the .img. */
struct ccd_track {
    const struct ccd_entry *e;
    int number, session;
    int32_t plba, start_lba, end_lba;
    uint64_t img_sector; /* its first sector's number in the .img */
};

struct ccd {
    const char *path;
    struct dw_error_detail *err;
    struct dw__image *img;
    struct dw_disc *disc;
    int line;
    bool seen_clonecd;
    enum ccd_section section;
    int section_number;
    struct ccd_entry *entries;
    int entry_count;
    struct ccd_track_sec tsec[DW_MAX_TRACKS + 1];
    int64_t toc_entries, sessions, scrambled;
    char catalog[32];
    int catalog_line;
    uint8_t *cdtext; /* CCD_MAX_CDTEXT_PACKS packs of 18 bytes */
    bool *cdtext_have;
    int cdtext_count; /* highest pack number + 1 */
    struct ccd_track tracks[DW_MAX_TRACKS];
    int track_count;
    const struct ccd_entry *leadout[DW_MAX_SESSIONS + 1];
};

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int failv(struct ccd *c, int line, int code, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (line > 0)
        return dw__set_error(c->err, code, "'%s' line %d: %s", base_name(c->path), line,
                             msg);
    return dw__set_error(c->err, code, "'%s': %s", base_name(c->path), msg);
}

/* The error code with "'disc.ccd' line N: message". */
static int fail_at(struct ccd *c, int line, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(struct ccd *c, int line, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = failv(c, line, code, fmt, ap);
    va_end(ap);
    return rc;
}

static void warn_at(struct ccd *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn_at(struct ccd *c, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (line > 0)
        dw__image_warn(c->img, "'%s' line %d: %s", base_name(c->path), line, msg);
    else
        dw__image_warn(c->img, "'%s': %s", base_name(c->path), msg);
}

/* ------------------------------------------------------------------ */
/* INI lines                                                           */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    *e = '\0';
    return s;
}

/* A decimal or 0x-hex integer, optionally negative, the whole of text. */
static bool parse_int(const char *text, int64_t lo, int64_t hi, int64_t *out)
{
    const char *s = text;
    bool neg = false;
    int base = 10;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    int64_t v = 0;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            return false;
        if (v > (INT64_C(1) << 40))
            return false;
        v = v * base + d;
    }
    if (neg)
        v = -v;
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* "Name" or "Name N" of a section header, into section and number. */
static int parse_section(struct ccd *c, char *name)
{
    static const struct {
        const char *name;
        enum ccd_section section;
        bool numbered;
        int64_t max;
    } names[] = {
        {"CloneCD", SEC_CLONECD, false, 0},
        {"Disc", SEC_DISC, false, 0},
        {"CDText", SEC_CDTEXT, false, 0},
        {"Session", SEC_SESSION, true, DW_MAX_SESSIONS},
        {"Entry", SEC_ENTRY, true, 9999},
        {"TRACK", SEC_TRACK, true, DW_MAX_TRACKS},
    };
    char *sp = strpbrk(name, " \t");
    char *num = NULL;
    if (sp) {
        *sp = '\0';
        num = trim(sp + 1);
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(name, names[i].name) != 0)
            continue;
        int64_t n = 0;
        if (names[i].numbered &&
            (!num ||
             !parse_int(num, names[i].section == SEC_ENTRY ? 0 : 1, names[i].max, &n)))
            return fail_at(c, c->line, DW_EPARSE,
                           "[%s] needs a number from %d to %" PRId64 ", not '%s'",
                           names[i].name, names[i].section == SEC_ENTRY ? 0 : 1,
                           names[i].max, num ? num : "");
        if (!names[i].numbered && num && *num)
            break; /* "[Disc 2]": not a section we know */
        c->section = names[i].section;
        c->section_number = (int)n;
        return 0;
    }
    if (!c->seen_clonecd)
        return fail_at(c, c->line, DW_EPARSE,
                       "a CloneCD control file starts with [CloneCD]; this one does not");
    c->section = SEC_OTHER;
    return 0;
}

static struct ccd_entry *new_entry(struct ccd *c, int number)
{
    for (int i = 0; i < c->entry_count; i++)
        if (c->entries[i].number == number) {
            fail_at(c, c->line, DW_EPARSE, "[Entry %d] appears twice (first at line %d)",
                    number, c->entries[i].line);
            return NULL;
        }
    if (c->entry_count == CCD_MAX_ENTRIES) {
        fail_at(c, c->line, DW_EPARSE,
                "more than %d [Entry] sections; the file is damaged", CCD_MAX_ENTRIES);
        return NULL;
    }
    struct ccd_entry *e = realloc(c->entries, (size_t)(c->entry_count + 1) * sizeof(*e));
    if (!e) {
        fail_at(c, 0, DW_ENOMEM, "out of memory");
        return NULL;
    }
    c->entries = e;
    e = &c->entries[c->entry_count++];
    e->number = number;
    e->line = c->line;
    e->session = e->point = e->adr = e->control = CCD_NO_VALUE;
    e->plba = e->pmin = e->psec = e->pframe = CCD_NO_VALUE;
    return e;
}

/* key=value with range lo..hi into *field; the error names the key. */
static int set_int(struct ccd *c, const char *key, const char *value, int64_t lo,
                   int64_t hi, int64_t *field)
{
    if (!parse_int(value, lo, hi, field))
        return fail_at(c, c->line, DW_EPARSE,
                       "%s needs a number from %" PRId64 " to %" PRId64
                       " (decimal or 0x hex), "
                       "not '%s'",
                       key, lo, hi, value);
    return 0;
}

static int entry_key(struct ccd *c, const char *key, const char *value)
{
    struct ccd_entry *e = &c->entries[c->entry_count - 1];
    static const struct {
        const char *key;
        size_t field;
        int64_t lo, hi;
    } keys[] = {
        {"Session", offsetof(struct ccd_entry, session), 1, DW_MAX_SESSIONS},
        {"Point", offsetof(struct ccd_entry, point), 0, 255},
        {"ADR", offsetof(struct ccd_entry, adr), 0, 15},
        {"Control", offsetof(struct ccd_entry, control), 0, 15},
        {"PLBA", offsetof(struct ccd_entry, plba), -450150, 500000},
        {"PMin", offsetof(struct ccd_entry, pmin), 0, 255},
        {"PSec", offsetof(struct ccd_entry, psec), 0, 59},
        {"PFrame", offsetof(struct ccd_entry, pframe), 0, 74},
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (strcasecmp(key, keys[i].key) != 0)
            continue;
        if (keys[i].field == offsetof(struct ccd_entry, plba) ||
            (keys[i].field == offsetof(struct ccd_entry, pmin) && !e->plba_line))
            e->plba_line = c->line;
        return set_int(c, keys[i].key, value, keys[i].lo, keys[i].hi,
                       (int64_t *)((char *)e + keys[i].field));
    }
    return 0; /* TrackNo, AMin, ASec, AFrame, ALBA, Zero: the lead-in's own time */
}

static int track_key(struct ccd *c, const char *key, const char *value)
{
    struct ccd_track_sec *t = &c->tsec[c->section_number];
    int64_t n;
    if (strcasecmp(key, "MODE") == 0) {
        t->mode_line = c->line;
        return set_int(c, "MODE", value, 0, 2, &t->mode);
    }
    if (strcasecmp(key, "ISRC") == 0) {
        snprintf(t->isrc, sizeof(t->isrc), "%s", value);
        t->isrc_line = c->line;
        return 0;
    }
    if (strncasecmp(key, "INDEX", 5) == 0 && (key[5] == ' ' || key[5] == '\t')) {
        const char *num = trim((char *)key + 6);
        if (!parse_int(num, 0, DW_MAX_INDEXES - 1, &n))
            return fail_at(c, c->line, DW_EPARSE,
                           "INDEX needs a number from 0 to 99, not '%s'", num);
        if (t->index_line[n])
            return fail_at(c, c->line, DW_EPARSE, "INDEX %d appears twice in [TRACK %d]",
                           (int)n, c->section_number);
        t->index_line[n] = c->line;
        return set_int(c, "INDEX", value, -450150, 500000, &t->index[n]);
    }
    return 0; /* FLAGS and others: the Control of its entry says it */
}

static int cdtext_key(struct ccd *c, const char *key, const char *value)
{
    int64_t n;
    if (strncasecmp(key, "Entry", 5) != 0 || (key[5] != ' ' && key[5] != '\t'))
        return 0; /* Entries= */
    if (!parse_int(trim((char *)key + 6), 0, CCD_MAX_CDTEXT_PACKS - 1, &n))
        return fail_at(c, c->line, DW_EPARSE,
                       "[CDText] Entry needs a number from 0 to %d",
                       CCD_MAX_CDTEXT_PACKS - 1);
    if (!c->cdtext) {
        c->cdtext = calloc(CCD_MAX_CDTEXT_PACKS, CCD_PACK_BYTES);
        c->cdtext_have = calloc(CCD_MAX_CDTEXT_PACKS, sizeof(bool));
        if (!c->cdtext || !c->cdtext_have)
            return fail_at(c, 0, DW_ENOMEM, "out of memory");
    }
    uint8_t *pack = c->cdtext + n * CCD_PACK_BYTES;
    int bytes = 0;
    const char *s = value;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        char *end;
        unsigned long b = strtoul(s, &end, 16);
        if (end == s || end - s > 2 || b > 255 || bytes == 16)
            return fail_at(c, c->line, DW_EPARSE,
                           "[CDText] Entry %d needs 16 hex bytes separated by spaces",
                           (int)n);
        pack[bytes++] = (uint8_t)b;
        s = end;
    }
    if (bytes != 16)
        return fail_at(c, c->line, DW_EPARSE,
                       "[CDText] Entry %d has %d bytes, not the 16 of a CD-TEXT pack",
                       (int)n, bytes);
    c->cdtext_have[n] = true;
    if (n + 1 > c->cdtext_count)
        c->cdtext_count = (int)n + 1;
    return 0;
}

static int parse_line(struct ccd *c, char *s)
{
    s = trim(s);
    if (!*s || *s == ';' || *s == '#')
        return 0;
    if (*s == '[') {
        char *close = strchr(s, ']');
        if (!close || trim(close + 1)[0])
            return fail_at(c, c->line, DW_EPARSE,
                           "a section header needs its closing ']'");
        *close = '\0';
        int rc = parse_section(c, trim(s + 1));
        if (rc)
            return rc;
        if (!c->seen_clonecd && c->section != SEC_CLONECD)
            return fail_at(
                c, c->line, DW_EPARSE,
                "a CloneCD control file starts with [CloneCD]; this one does not");
        if (c->section == SEC_CLONECD)
            c->seen_clonecd = true;
        if (c->section == SEC_ENTRY && !new_entry(c, c->section_number))
            return c->err->code;
        if (c->section == SEC_TRACK) {
            struct ccd_track_sec *t = &c->tsec[c->section_number];
            if (t->line)
                return fail_at(c, c->line, DW_EPARSE,
                               "[TRACK %d] appears twice (first at line %d)",
                               c->section_number, t->line);
            t->line = c->line;
        }
        return 0;
    }
    char *eq = strchr(s, '=');
    if (!eq)
        return fail_at(c, c->line, DW_EPARSE,
                       "expected KEY=VALUE or a [SECTION], not '%.40s'", s);
    if (c->section == SEC_NONE)
        return fail_at(c, c->line, DW_EPARSE,
                       "a CloneCD control file starts with [CloneCD]; this one does not");
    *eq = '\0';
    char *key = trim(s), *value = trim(eq + 1);
    switch (c->section) {
    case SEC_DISC:
        if (strcasecmp(key, "TocEntries") == 0)
            return set_int(c, "TocEntries", value, 0, CCD_MAX_ENTRIES, &c->toc_entries);
        if (strcasecmp(key, "Sessions") == 0)
            return set_int(c, "Sessions", value, 1, DW_MAX_SESSIONS, &c->sessions);
        if (strcasecmp(key, "DataTracksScrambled") == 0)
            return set_int(c, "DataTracksScrambled", value, 0, 1, &c->scrambled);
        if (strcasecmp(key, "CATALOG") == 0) {
            snprintf(c->catalog, sizeof(c->catalog), "%s", value);
            c->catalog_line = c->line;
        }
        return 0;
    case SEC_ENTRY:
        return entry_key(c, key, value);
    case SEC_TRACK:
        return track_key(c, key, value);
    case SEC_CDTEXT:
        return cdtext_key(c, key, value);
    default:
        return 0;
    }
}

static int parse_text(struct ccd *c, const char *text, size_t len)
{
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        text += 3;
        len -= 3;
    }
    if (memchr(text, '\0', len))
        return fail_at(
            c, 0, DW_EPARSE,
            "contains NUL bytes (UTF-16 text?); a CloneCD control file is ASCII "
            "text: save it as ASCII or UTF-8");
    char *buf = malloc(len + 1);
    if (!buf)
        return fail_at(c, 0, DW_ENOMEM, "out of memory");
    memcpy(buf, text, len);
    buf[len] = '\0';
    int rc = 0;
    char *s = buf;
    while (s && !rc) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        c->line++;
        rc = parse_line(c, s);
        s = nl ? nl + 1 : NULL;
    }
    free(buf);
    if (!rc && !c->seen_clonecd)
        rc = fail_at(c, 0, DW_EPARSE,
                     "no [CloneCD] section: this is not a CloneCD control file");
    c->line = 0;
    return rc;
}

/* ------------------------------------------------------------------ */
/* The TOC                                                             */

/* The LBA of an entry's PMSF / PLBA; a disagreement is warned and PLBA
 * kept (libmirage and CloneCD use PLBA). */
static int entry_lba(struct ccd *c, const struct ccd_entry *e, int32_t *lba)
{
    bool msf =
        e->pmin != CCD_NO_VALUE && e->psec != CCD_NO_VALUE && e->pframe != CCD_NO_VALUE;
    int64_t from_msf =
        msf ? (e->pmin * 60 + e->psec) * 75 + e->pframe - DW_MSF_LBA_OFFSET : 0;
    if (e->plba == CCD_NO_VALUE && !msf)
        return fail_at(c, e->line, DW_EPARSE,
                       "[Entry %d] (Point=0x%02x) has neither PLBA nor PMin/PSec/PFrame",
                       e->number, (unsigned)e->point);
    if (e->plba != CCD_NO_VALUE && msf && e->plba != from_msf)
        warn_at(c, e->line,
                "[Entry %d]: PLBA=%" PRId64 " but PMin/PSec/PFrame say LBA %" PRId64
                "; PLBA is used",
                e->number, e->plba, from_msf);
    *lba = (int32_t)(e->plba != CCD_NO_VALUE ? e->plba : from_msf);
    return 0;
}

static int collect_toc(struct ccd *c)
{
    const struct ccd_entry *by_track[DW_MAX_TRACKS + 1] = {0};
    int rc;
    if (c->entry_count == 0)
        return fail_at(c, 0, DW_EPARSE,
                       "no [Entry] sections: the file holds no TOC; it is truncated or "
                       "damaged");
    if (c->toc_entries != CCD_NO_VALUE && c->toc_entries != c->entry_count)
        warn_at(c, 0,
                "[Disc] TocEntries=%" PRId64 " but the file has %d [Entry] sections",
                c->toc_entries, c->entry_count);
    for (int i = 0; i < c->entry_count; i++) {
        const struct ccd_entry *e = &c->entries[i];
        if (e->session == CCD_NO_VALUE || e->point == CCD_NO_VALUE)
            return fail_at(c, e->line, DW_EPARSE, "[Entry %d] needs Session and Point",
                           e->number);
        if (e->adr != CCD_NO_VALUE && e->adr != 1)
            continue; /* ADR 5: B0h, C0h and such, not tracks */
        if (e->point >= 1 && e->point <= DW_MAX_TRACKS) {
            if (by_track[e->point])
                return fail_at(c, e->line, DW_EPARSE,
                               "[Entry %d] repeats track %d (Point=0x%02x) of line %d",
                               e->number, (int)e->point, (unsigned)e->point,
                               by_track[e->point]->line);
            by_track[e->point] = e;
        } else if (e->point == 0xA2) {
            if (c->leadout[e->session])
                return fail_at(
                    c, e->line, DW_EPARSE,
                    "[Entry %d] repeats the lead-out (Point=0xa2) of session %d",
                    e->number, (int)e->session);
            c->leadout[e->session] = e;
        }
    }
    /* Tracks in number order: their sessions and positions must follow. */
    for (int n = 1; n <= DW_MAX_TRACKS; n++) {
        const struct ccd_entry *e = by_track[n];
        if (!e)
            continue;
        struct ccd_track *t = &c->tracks[c->track_count];
        t->e = e;
        t->number = n;
        t->session = (int)e->session;
        if ((rc = entry_lba(c, e, &t->plba)))
            return rc;
        if (t->plba < 0)
            return fail_at(c, e->line, DW_EPARSE,
                           "track %d starts at LBA %d, before the disc", n, (int)t->plba);
        if (c->track_count > 0) {
            const struct ccd_track *p = &c->tracks[c->track_count - 1];
            if (t->session < p->session)
                return fail_at(
                    c, e->line, DW_EPARSE,
                    "track %d is in session %d, before track %d's session %d: the "
                    "entries are out of order",
                    n, t->session, p->number, p->session);
            if (t->plba <= p->plba)
                return fail_at(
                    c, e->line, DW_EPARSE,
                    "track %d starts at LBA %d, not after track %d (LBA %d, line "
                    "%d): the entries are out of order",
                    n, (int)t->plba, p->number, (int)p->plba, p->e->line);
        }
        c->track_count++;
    }
    if (c->track_count == 0)
        return fail_at(c, 0, DW_EPARSE,
                       "the TOC entries name no track (Point=0x01..0x63)");
    if (c->tracks[0].session != 1)
        return fail_at(c, c->tracks[0].e->line, DW_EPARSE,
                       "the first track is in session %d; sessions start at 1",
                       c->tracks[0].session);
    /* Every session has its lead-out after its last track, and the next
     * session starts after it. */
    for (int i = 0; i < c->track_count; i++) {
        struct ccd_track *t = &c->tracks[i];
        bool last_of_session =
            i + 1 == c->track_count || c->tracks[i + 1].session != t->session;
        if (i > 0 && t->session != c->tracks[i - 1].session &&
            t->session != c->tracks[i - 1].session + 1)
            return fail_at(c, t->e->line, DW_EPARSE,
                           "track %d is in session %d, but session %d has no track",
                           t->number, t->session, c->tracks[i - 1].session + 1);
        if (!last_of_session)
            continue;
        const struct ccd_entry *lo = c->leadout[t->session];
        int32_t lba;
        if (!lo)
            return fail_at(c, 0, DW_EPARSE,
                           "session %d has no lead-out entry (Point=0xa2): the TOC is "
                           "incomplete",
                           t->session);
        if ((rc = entry_lba(c, lo, &lba)))
            return rc;
        if (lba <= t->plba)
            return fail_at(
                c, lo->line, DW_EPARSE,
                "session %d's lead-out at LBA %d is not after its last track %d "
                "(LBA %d)",
                t->session, (int)lba, t->number, (int)t->plba);
        if (i + 1 < c->track_count && c->tracks[i + 1].plba <= lba)
            return fail_at(
                c, c->tracks[i + 1].e->line, DW_EPARSE,
                "track %d of session %d starts at LBA %d, inside session %d (its "
                "lead-out is at LBA %d)",
                c->tracks[i + 1].number, c->tracks[i + 1].session,
                (int)c->tracks[i + 1].plba, t->session, (int)lba);
        t->end_lba = lba; /* provisional: the session's lead-out */
    }
    for (int n = 1; n <= DW_MAX_TRACKS; n++)
        if (c->tsec[n].line && !by_track[n])
            warn_at(c, c->tsec[n].line,
                    "[TRACK %d] has no entry in the TOC; it is ignored", n);
    if (c->sessions != CCD_NO_VALUE &&
        c->sessions != c->tracks[c->track_count - 1].session)
        warn_at(c, 0, "[Disc] Sessions=%" PRId64 " but the TOC has %d", c->sessions,
                c->tracks[c->track_count - 1].session);
    return 0;
}

/* Each track's first sector (its pregap from INDEX 0 and 1) and end. */
static int place_tracks(struct ccd *c)
{
    int32_t floor = 0; /* the first LBA a track may start at */
    for (int i = 0; i < c->track_count; i++) {
        struct ccd_track *t = &c->tracks[i];
        const struct ccd_track_sec *s = &c->tsec[t->number];
        bool session_first = i == 0 || c->tracks[i - 1].session != t->session;
        int64_t i0 = s->index_line[0] ? s->index[0] : CCD_NO_VALUE;
        int64_t i1 = s->index_line[1] ? s->index[1] : CCD_NO_VALUE;
        int64_t pregap = 0;
        int line = s->index_line[1] ? s->index_line[1] : t->e->line;
        if (session_first && i > 0)
            floor = c->tracks[i - 1].end_lba; /* the previous session's lead-out */
        if (i0 != CCD_NO_VALUE && i1 != CCD_NO_VALUE) {
            pregap = i1 - i0;
            if (pregap < 0)
                return fail_at(c, s->index_line[0], DW_EPARSE,
                               "[TRACK %d] INDEX 0=%" PRId64
                               " comes after INDEX 1=%" PRId64,
                               t->number, i0, i1);
        } else if (i0 != CCD_NO_VALUE) {
            return fail_at(c, s->index_line[0], DW_EPARSE,
                           "[TRACK %d] has INDEX 0 but no INDEX 1", t->number);
        } else if (session_first && i1 != CCD_NO_VALUE && i1 != t->plba) {
            /* INDEX 1 counted from the session's start. */
            pregap = i1;
            if (i1 < 0 || t->plba - i1 < floor)
                return fail_at(c, line, DW_EPARSE,
                               "[TRACK %d] INDEX 1=%" PRId64
                               " is neither the track's LBA (%d) "
                               "nor a pregap that fits before it",
                               t->number, i1, (int)t->plba);
        }
        t->start_lba = (int32_t)(t->plba - pregap);
        if (t->start_lba < floor)
            return fail_at(c, line, DW_EPARSE,
                           "[TRACK %d]: a pregap of %" PRId64
                           " sectors before LBA %d reaches "
                           "back to LBA %d, before %s (LBA %d)",
                           t->number, pregap, (int)t->plba, (int)t->start_lba,
                           i == 0          ? "the disc"
                           : session_first ? "the previous session's lead-out"
                                           : "the previous track",
                           (int)floor);
        if (i > 0 && !session_first)
            c->tracks[i - 1].end_lba = t->start_lba;
        floor = t->plba + 1; /* the track keeps its INDEX 01 sector */
    }
    /* The .img: tracks one after the other. */
    uint64_t sector = 0;
    for (int i = 0; i < c->track_count; i++) {
        c->tracks[i].img_sector = sector;
        sector += (uint64_t)(c->tracks[i].end_lba - c->tracks[i].start_lba);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Files and the disc model                                            */

struct ccd_files {
    int img, sub; /* file indexes, -1 when absent */
    uint64_t img_bytes, sub_bytes;
    int img_fd;
};

/* path with its extension (after the last '.' of the base name) replaced
 * by ext, resolved next to the .ccd (dw__image_resolve_file). */
static int sibling(struct ccd *c, const char *ext, char **out)
{
    const char *base = base_name(c->path);
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char *name = malloc(stem + strlen(ext) + 1);
    if (!name)
        return DW_ENOMEM;
    memcpy(name, base, stem);
    strcpy(name + stem, ext);
    int rc = dw__image_resolve_file(c->path, name, out, NULL);
    free(name);
    return rc;
}

static int open_files(struct ccd *c, struct ccd_files *f, uint64_t need_sectors)
{
    char *img_path = NULL, *sub_path = NULL;
    int rc, fd = -1;
    f->img = f->sub = -1;
    f->img_fd = -1;
    rc = sibling(c, ".img", &img_path);
    if (rc == DW_ENOENT) {
        const char *base = base_name(c->path);
        const char *dot = strrchr(base, '.');
        rc = fail_at(
            c, 0, DW_ENOENT,
            "its sector file '%.*s.img' is not next to it: a CloneCD set is NAME.ccd, "
            "NAME.img and NAME.sub in one folder",
            dot && dot != base ? (int)(dot - base) : (int)strlen(base), base);
        goto out;
    }
    if (rc)
        goto out;
    if ((rc = dw__image_open_file(img_path, false, &f->img_fd, &f->img_bytes, c->err)))
        goto out;
    if (f->img_bytes % DW_SECTOR_RAW_BYTES) {
        rc =
            fail_at(c, 0, DW_EPARSE,
                    "'%s' is %" PRIu64 " bytes, not a whole number of 2352-byte sectors: "
                    "it is truncated or not a CloneCD image",
                    base_name(img_path), f->img_bytes);
        goto out;
    }
    uint64_t img_sectors = f->img_bytes / DW_SECTOR_RAW_BYTES;
    if (img_sectors < need_sectors) {
        const struct ccd_entry *lo = c->leadout[c->tracks[c->track_count - 1].session];
        rc = fail_at(
            c, lo->plba_line ? lo->plba_line : lo->line, DW_ETRUNC,
            "the TOC ends at LBA %d and needs %" PRIu64 " sectors in '%s', which holds "
            "%" PRIu64 ": the .img is truncated or the .ccd does not belong to it",
            (int)c->tracks[c->track_count - 1].end_lba, need_sectors, base_name(img_path),
            img_sectors);
        goto out;
    }
    if (img_sectors > need_sectors)
        warn_at(c, 0,
                "'%s' holds %" PRIu64 " sectors, %" PRIu64 " more than the TOC places; "
                "they are ignored",
                base_name(img_path), img_sectors, img_sectors - need_sectors);
    if ((rc = dw__image_add_file(c->img, img_path, f->img_bytes)) < 0)
        goto out;
    f->img = rc;
    rc = sibling(c, ".sub", &sub_path);
    if (rc == DW_ENOENT) {
        warn_at(c, 0, "no .sub next to it: the sub-channel is synthesised from the TOC");
        rc = 0;
        goto out;
    }
    if (rc)
        goto out;
    if ((rc = dw__image_open_file(sub_path, false, &fd, &f->sub_bytes, c->err)))
        goto out;
    close(fd);
    if (f->sub_bytes % CCD_SUB_BYTES) {
        rc = fail_at(c, 0, DW_EPARSE,
                     "'%s' is %" PRIu64
                     " bytes, not a whole number of 96-byte sub-channel "
                     "sectors: it is truncated or damaged",
                     base_name(sub_path), f->sub_bytes);
        goto out;
    }
    if (f->sub_bytes / CCD_SUB_BYTES < need_sectors) {
        rc = fail_at(c, 0, DW_ETRUNC,
                     "'%s' holds the sub-channel of %" PRIu64
                     " sectors, fewer than the %" PRIu64
                     " of '%s': it is truncated; move it away to read the set with a "
                     "synthesised sub-channel",
                     base_name(sub_path), f->sub_bytes / CCD_SUB_BYTES, need_sectors,
                     base_name(img_path));
        goto out;
    }
    if (f->sub_bytes / CCD_SUB_BYTES > img_sectors)
        warn_at(c, 0,
                "'%s' holds %" PRIu64 " sectors of sub-channel, more than the %" PRIu64
                " of '%s'",
                base_name(sub_path), f->sub_bytes / CCD_SUB_BYTES, img_sectors,
                base_name(img_path));
    if ((rc = dw__image_add_file(c->img, sub_path, f->sub_bytes)) < 0)
        goto out;
    f->sub = rc;
    rc = 0;
out:
    if (rc == DW_ENOMEM)
        fail_at(c, 0, DW_ENOMEM, "out of memory");
    free(img_path);
    free(sub_path);
    return rc;
}

/* The mode byte of the .img sector at `sector`: 1 or 2, 0 for a sector
 * without a sync pattern or with another mode, -1 on a read error. */
static int sector_mode(int fd, uint64_t sector)
{
    uint8_t head[16];
    size_t got = 0;
    while (got < sizeof(head)) {
        ssize_t n = pread(fd, head + got, sizeof(head) - got,
                          (off_t)(sector * DW_SECTOR_RAW_BYTES + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    static const uint8_t sync[12] = {0,    0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0};
    if (memcmp(head, sync, sizeof(sync)) != 0)
        return 0;
    return head[15] == 1 || head[15] == 2 ? head[15] : 0;
}

static int track_mode(struct ccd *c, const struct ccd_track *t, const struct ccd_files *f,
                      struct dw_track *dt)
{
    const struct ccd_track_sec *s = &c->tsec[t->number];
    bool data_ctl = t->e->control != CCD_NO_VALUE && (t->e->control & DW_CTL_DATA);
    int64_t mode = s->mode_line ? s->mode : data_ctl ? 1 : 0;
    if (s->mode_line && (mode != 0) != data_ctl && t->e->control != CCD_NO_VALUE)
        warn_at(
            c, s->mode_line,
            "[TRACK %d] MODE=%d but its TOC entry's Control=0x%02x says %s; the TOC is "
            "used",
            t->number, (int)mode, (unsigned)t->e->control, data_ctl ? "data" : "audio");
    if (t->e->control != CCD_NO_VALUE)
        mode = data_ctl ? (mode ? mode : 1) : 0;
    if (mode != 0 && f && f->img_fd >= 0) {
        uint64_t at = t->img_sector + (uint64_t)(t->plba - t->start_lba);
        int found = sector_mode(f->img_fd, at);
        if (found < 0)
            return fail_at(c, 0, DW_EIO,
                           "cannot read the first sector of track %d from its "
                           ".img",
                           t->number);
        if (found == 0)
            warn_at(
                c, s->mode_line ? s->mode_line : t->e->line,
                "data track %d has no sync pattern and mode byte at LBA %d: its sectors "
                "are read as they are (scrambled, or not data)",
                t->number, (int)t->plba);
        else if (found != mode) {
            if (s->mode_line)
                warn_at(c, s->mode_line,
                        "[TRACK %d] MODE=%d but its sectors are Mode %d; read as Mode %d",
                        t->number, (int)mode, found, found);
            mode = found;
        }
    }
    dt->mode = mode == 0 ? DW_MODE_AUDIO : mode == 1 ? DW_MODE_MODE1 : DW_MODE_MODE2_XA;
    dt->control = t->e->control != CCD_NO_VALUE ? (unsigned)t->e->control & 0xF : 0;
    if (mode != 0)
        dt->control |= DW_CTL_DATA;
    return 0;
}

static void apply_cdtext(struct ccd *c)
{
    if (!c->cdtext_count)
        return;
    for (int i = 0; i < c->cdtext_count; i++) {
        if (!c->cdtext_have[i]) {
            warn_at(c, 0, "[CDText] Entry %d is missing; the CD-TEXT is left out", i);
            return;
        }
        uint8_t *p = c->cdtext + (size_t)i * CCD_PACK_BYTES;
        uint16_t crc = dw__cdtext_pack_crc(p, 16);
        p[16] = (uint8_t)(crc >> 8);
        p[17] = (uint8_t)crc;
    }
    if (dw__cdtext_apply(c->cdtext, (size_t)c->cdtext_count * CCD_PACK_BYTES, c->disc))
        warn_at(c, 0, "the CD-TEXT in [CDText] does not decode; it is left out");
}

/* Track i of the TOC into the disc model and the span map. */
static int add_track(struct ccd *c, int i, const struct ccd_files *f, bool check_files)
{
    struct dw_disc *d = c->disc;
    const struct ccd_track *t = &c->tracks[i];
    const struct ccd_track_sec *s = &c->tsec[t->number];
    struct dw_track *dt = &d->tracks[d->track_count++];
    int rc;
    dt->number = t->number;
    dt->session = t->session;
    if ((rc = track_mode(c, t, check_files ? f : NULL, dt)))
        return rc;
    for (int k = 0; k < DW_MAX_INDEXES; k++)
        dt->index_lba[k] = DW_LBA_NONE;
    dt->index_lba[0] = t->start_lba < t->plba ? t->start_lba : DW_LBA_NONE;
    dt->index_lba[1] = t->plba;
    dt->index_count = 2;
    for (int k = 2; k < DW_MAX_INDEXES; k++) {
        if (!s->index_line[k])
            continue;
        int64_t base = s->index_line[1] ? s->index[1] : t->plba;
        int64_t lba = t->plba + (s->index[k] - base);
        if (lba <= t->plba || lba >= t->end_lba) {
            warn_at(c, s->index_line[k],
                    "[TRACK %d] INDEX %d falls outside the track (LBA %" PRId64
                    "); left out",
                    t->number, k, lba);
            continue;
        }
        dt->index_lba[k] = (int32_t)lba;
        dt->index_count = k + 1;
    }
    if (s->isrc_line) {
        if (dw_isrc_valid(s->isrc))
            memcpy(dt->isrc, s->isrc, 13);
        else
            warn_at(c, s->isrc_line, "[TRACK %d] ISRC is not a valid ISRC; left out",
                    t->number);
    }
    struct dw__span span = {
        .lba = t->start_lba,
        .sectors = t->end_lba - t->start_lba,
        .file = f->img,
        .offset_bytes = t->img_sector * DW_SECTOR_RAW_BYTES,
        .stride_bytes = DW_SECTOR_RAW_BYTES,
        .layout = DW_SPAN_RAW,
        .track = t->number,
        .has_sub = f->sub >= 0,
        .sub_packed = true,
        .sub_file = f->sub,
        .sub_offset_bytes = t->img_sector * CCD_SUB_BYTES,
        .sub_stride_bytes = CCD_SUB_BYTES,
    };
    if (i == 0 && t->start_lba > 0) {
        /* The .img starts at track 1's first sector; before it the
         * disc's pregap, not stored. */
        struct dw__span zero = {.lba = 0,
                                .sectors = t->start_lba,
                                .file = -1,
                                .layout = DW_SPAN_ZERO,
                                .track = t->number};
        if ((rc = dw__image_add_span(c->img, &zero)) < 0)
            return rc;
        dt->index_lba[0] = 0;
    }
    if ((rc = dw__image_add_span(c->img, &span)) < 0)
        return rc;
    return 0;
}

static int build(struct ccd *c, bool check_files)
{
    struct ccd_files f = {.img = -1, .sub = -1, .img_fd = -1};
    char msg[256];
    int rc;
    if (c->scrambled == 1) {
        rc =
            fail_at(c, 0, DW_EUNSUPPORTED,
                    "DataTracksScrambled=1: the .img holds data sectors scrambled, which "
                    "discwright does not read; save the image unscrambled");
        goto out;
    }
    if ((rc = collect_toc(c)) || (rc = place_tracks(c)))
        goto out;
    const struct ccd_track *last = &c->tracks[c->track_count - 1];
    if ((rc = dw__image_check_cd_leadout(base_name(c->path), last->end_lba, c->err)))
        goto out;
    uint64_t need = last->img_sector + (uint64_t)(last->end_lba - last->start_lba);
    if (check_files) {
        if ((rc = open_files(c, &f, need)))
            goto out;
    } else {
        /* Syntax only (tests, fuzzing): the names, unchecked. */
        if ((rc = dw__image_add_file(c->img, c->path, need * DW_SECTOR_RAW_BYTES)) < 0)
            goto out;
        f.img = rc;
        rc = 0;
    }

    struct dw_disc *d = c->disc;
    for (int i = 0; i < c->track_count; i++)
        if ((rc = add_track(c, i, &f, check_files)))
            goto out;
    for (int i = 0; i < c->track_count; i++) {
        const struct ccd_track *t = &c->tracks[i];
        if (i + 1 < c->track_count && c->tracks[i + 1].session == t->session)
            continue;
        struct dw_session *ds = &d->sessions[d->session_count++];
        ds->number = t->session;
        ds->leadout_lba = t->end_lba;
        ds->last_track = t->number;
        int k = i;
        while (k > 0 && c->tracks[k - 1].session == t->session)
            k--;
        ds->first_track = c->tracks[k].number;
    }
    d->leadout_lba = last->end_lba;
    if (d->session_count == 1) {
        d->session_count = 0; /* dw_disc_finish builds the table */
        memset(&d->sessions[0], 0, sizeof(d->sessions[0]));
    }
    if (c->catalog_line) {
        if (dw_mcn_valid(c->catalog))
            memcpy(d->mcn, c->catalog, 14);
        else
            warn_at(c, c->catalog_line, "CATALOG is not 13 digits; the MCN is left out");
    }
    apply_cdtext(c);
    if ((rc = dw_disc_finish(d, msg, sizeof(msg)))) {
        rc = fail_at(c, 0, DW_EPARSE, "%s; the control file is damaged", msg);
        goto out;
    }
    snprintf(c->img->format, sizeof(c->img->format), "ccd");
    snprintf(c->img->kind, sizeof(c->img->kind), "%s",
             f.sub >= 0 ? "CloneCD + .sub" : "CloneCD");
out:
    if (f.img_fd >= 0)
        close(f.img_fd);
    if (rc == DW_ENOMEM)
        fail_at(c, 0, DW_ENOMEM, "out of memory");
    return rc;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

int dw__ccd_parse(const char *text, size_t len, const char *path, bool check_files,
                  struct dw__image **out, struct dw_error_detail *err)
{
    struct ccd c = {.path = path,
                    .err = err,
                    .toc_entries = CCD_NO_VALUE,
                    .sessions = CCD_NO_VALUE,
                    .scrambled = 0};
    int rc;
    if (out)
        *out = NULL;
    if (!path || !out || (!text && len))
        return dw__set_error(err, DW_EINVAL, "dw__ccd_parse: missing argument");
    c.img = calloc(1, sizeof(*c.img));
    if (!c.img || !(c.img->disc = dw_disc_new())) {
        rc = dw__set_error(err, DW_ENOMEM, "'%s': out of memory", base_name(path));
        goto out;
    }
    c.disc = c.img->disc;
    for (int n = 0; n <= DW_MAX_TRACKS; n++)
        c.tsec[n].mode = CCD_NO_VALUE;
    if ((rc = parse_text(&c, text ? text : "", len)) || (rc = build(&c, check_files)))
        goto out;
    *out = c.img;
    c.img = NULL;
out:
    dw__image_free(c.img);
    free(c.entries);
    free(c.cdtext);
    free(c.cdtext_have);
    return rc;
}

/* A control file is a few kilobytes; anything past this is not one. */
#define CCD_MAX_BYTES (1u << 20)

int dw__ccd_read(const char *path, struct dw__image **out, struct dw_error_detail *err)
{
    FILE *f = NULL;
    uint64_t size = 0;
    char *text = NULL;
    int rc;
    if (out)
        *out = NULL;
    if (!path || !out)
        return dw__set_error(err, DW_EINVAL, "dw__ccd_read: missing argument");
    if ((rc = dw__image_fopen(path, &f, &size, err)))
        return rc;
    if (size > CCD_MAX_BYTES) {
        rc = dw__set_error(err, DW_EPARSE,
                           "'%s' is %" PRIu64
                           " bytes, more than any CloneCD control file; it "
                           "is not one",
                           base_name(path), size);
        goto out;
    }
    if (!(text = malloc((size_t)size + 1))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    if (fread(text, 1, (size_t)size, f) != (size_t)size) {
        rc = dw__set_error_errno(err, errno ? errno : EIO, "cannot read '%s'", path);
        goto out;
    }
    rc = dw__ccd_parse(text, (size_t)size, path, true, out, err);
out:
    fclose(f);
    free(text);
    return rc;
}
