/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright test bench: writable media.
 *
 * A blank medium (CD-R, CD-RW, DVD-R, DVD-RW, DVD+R, DVD+RW, BD-R, BD-RE)
 * grows as it is written: a table of sessions and tracks (the write state)
 * from which the read side's layout (a dw_disc) is rebuilt after every
 * change, and a sector file that holds what was written (raw 2352-byte
 * sectors on CD, the 2048 user bytes on DVD/BD), sparse, so memory does
 * not grow with the disc.  With state=PATH the write state is kept in PATH
 * (a short text file) and the sectors in PATH.sectors, so one process can
 * burn a disc that another reads; without it the sectors go to an unlinked
 * temporary file.  Layout rules (MMC-6 4.5, Orange Book via ECMA-394):
 *
 *   CD    the first track's pregap is LBA -150..-1; a TAO track gets a
 *         150-sector pregap the drive writes itself, and a TAO data track
 *         ends in 2 run-out blocks; a closed session is followed by its
 *         lead-out (6750 sectors after the first session, 2250 after later
 *         ones) and the next session's lead-in (4500) before the next
 *         pregap: the second session starts 11400 sectors after the first
 *         lead-out (the CD-Extra distance).
 *   DVD   tracks end on a 16-sector ECC block (BD: 32 sectors); sessions
 *         follow each other without border zones (not modelled).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include "emu_int.h"

#define STATE_MAGIC "dwemu-medium 1"
#define MAX_PACKS 2048

static const struct {
    const char *name;
    int profile;
    int32_t default_sectors;
} kinds[] = {
    {"cdr", 0x09, 359849},    {"cdrw", 0x0A, 359849},   {"dvdr", 0x11, 2295104},
    {"dvdrw", 0x14, 2295104}, {"dvdpr", 0x1B, 2295104}, {"dvdprw", 0x1A, 2295104},
    {"bdr", 0x41, 12219392},  {"bdre", 0x43, 12219392},
    /* Dual layer: DVD-R DL (profile 15h, sequential), DVD+R DL (2Bh), and
     * BD-R/BD-RE of two layers (the same profiles as one layer). */
    {"dvdrdl", 0x15, 4171712}, {"dvdprdl", 0x2B, 4173824},
    {"bdrdl", 0x41, 24438784}, {"bdredl", 0x43, 24438784},
};

/* The most user sectors a one-layer medium of the family holds. */
static int32_t single_layer_sectors(const struct dw__emu_medium *m)
{
    return m->family == DW_EMU_BD ? 12219392 : 2295104;
}

bool dw__emu_medium_dual_layer(const struct dw__emu_medium *m)
{
    if (!m || m->family == DW_EMU_CD)
        return false;
    return m->profile == 0x15 || m->profile == 0x2B ||
           dw__emu_medium_sectors(m) > single_layer_sectors(m);
}

static void set_msg(char *msg, size_t msg_bytes, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_msg(char *msg, size_t msg_bytes, const char *fmt, ...)
{
    va_list ap;
    if (!msg || !msg_bytes)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, msg_bytes, fmt, ap);
    va_end(ap);
}

static enum dw__emu_family family_of(int profile)
{
    if (dw__emu_profile_is_cd(profile))
        return DW_EMU_CD;
    return profile >= 0x40 ? DW_EMU_BD : DW_EMU_DVD;
}

static bool overwritable(int profile)
{
    return profile == 0x1A || profile == 0x43;
}

int32_t dw__emu_medium_sectors(const struct dw__emu_medium *m)
{
    if (!m)
        return 0;
    if (m->w)
        return m->w->formatted ? m->w->formatted_sectors : m->w->total_sectors;
    return m->capacity_sectors;
}

/* ---- sector file ----------------------------------------------------------------- */

static off_t slot_offset(const struct dw__emu_wstate *w, int32_t lba)
{
    return (off_t)(lba - w->slot_base) * (off_t)w->slot_bytes;
}

/* Read one slot; bytes past the end of the file read as zero. */
static int read_slot(const struct dw__emu_wstate *w, int32_t lba, uint8_t *out)
{
    size_t got = 0;
    if (lba < w->slot_base)
        return -1;
    while (got < w->slot_bytes) {
        ssize_t n = pread(w->fd, out + got, w->slot_bytes - got,
                          slot_offset(w, lba) + (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    memset(out + got, 0, w->slot_bytes - got);
    return 0;
}

int dw__emu_wput(struct dw__emu_medium *m, int32_t lba, const uint8_t *slot)
{
    const struct dw__emu_wstate *w = m->w;
    size_t done = 0;
    struct stat st;
    if (lba < w->slot_base)
        return -1;
    /* A slot of zeros past the end of the file reads back as zeros
     * (read_slot): it is left a hole, so that a sparse image of many GB
     * burned in a test takes no disk space. */
    if (!slot[0] && !memcmp(slot, slot + 1, w->slot_bytes - 1) && fstat(w->fd, &st) == 0 &&
        slot_offset(w, lba) >= st.st_size)
        return 0;
    while (done < w->slot_bytes) {
        ssize_t n = pwrite(w->fd, slot + done, w->slot_bytes - done,
                           slot_offset(w, lba) + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

/* ---- sub-channel file of raw-written discs -------------------------------------- */

static off_t sub_offset(int32_t lba)
{
    return (off_t)(lba - DW_EMU_LEADIN_START_LBA) * 96;
}

int dw__emu_wput_sub(struct dw__emu_medium *m, int32_t lba, const uint8_t pw[96])
{
    const struct dw__emu_wstate *w = m->w;
    size_t done = 0;
    if (w->sub_fd < 0 || lba < DW_EMU_LEADIN_START_LBA)
        return -1;
    while (done < 96) {
        ssize_t n = pwrite(w->sub_fd, pw + done, 96 - done, sub_offset(lba) + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

int dw__emu_wsub(const struct dw__emu_medium *m, int32_t lba, uint8_t pw[96])
{
    const struct dw__emu_wstate *w = m->w;
    size_t got = 0;
    if (!w || !(w->raw_sub || w->raw.active) || w->sub_fd < 0 ||
        lba < DW_EMU_LEADIN_START_LBA || lba >= (w->raw.active ? w->raw.nwa : w->raw_end))
        return -1;
    while (got < 96) {
        ssize_t n = pread(w->sub_fd, pw + got, 96 - got, sub_offset(lba) + (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

void dw__emu_wwipe(struct dw__emu_medium *m)
{
    struct dw__emu_wstate *w = m->w;
    if (ftruncate(w->fd, 0) != 0) {
        /* the old sectors stay readable where the layout still points: none does */
    }
    if (w->sub_fd >= 0 && ftruncate(w->sub_fd, 0) != 0) {
        /* as above: raw_sub is cleared, nothing reads it */
    }
    w->raw_sub = false;
    w->raw_end = 0;
    memset(&w->raw, 0, sizeof(w->raw));
    w->track_count = 0;
    w->session_count = 0;
    w->finalized = false;
    w->damaged = false;
    w->mcn[0] = '\0';
    w->sim_nwa = INT32_MIN;
    dw__emu_sao_reset(&w->sao);
    free(m->cdtext_packs);
    m->cdtext_packs = NULL;
    m->cdtext_bytes = 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

int dw__emu_wstore_raw(struct dw__emu_medium *m, const struct dw_track *t, int32_t lba,
                       uint8_t raw[DW_SECTOR_RAW_BYTES])
{
    static const uint8_t zero[DW_SECTOR_FORM2_BYTES];
    static const uint8_t sub_form2[4] = {0, 0, 0x20, 0};

    if (read_slot(m->w, lba, raw))
        return -1;
    /* Never written (a TAO pregap the drive made, a data sector the host
     * left out): an empty sector of the track's kind.  A written data
     * sector always has its sync, so an all-zero slot is never one. */
    if (t && dw_track_is_data(t) && all_zero(raw, DW_SECTOR_RAW_BYTES)) {
        if (t->mode == DW_MODE_MODE1)
            dw_sector_encode_mode1(raw, lba, zero);
        else
            dw_sector_encode_mode2(raw, lba, 2, sub_form2, zero);
    }
    return 0;
}

int dw__emu_wstore_user(struct dw__emu_medium *m, int32_t lba,
                        uint8_t out[DW_SECTOR_USER_BYTES])
{
    return read_slot(m->w, lba, out);
}

/* ---- layout ------------------------------------------------------------------------ */

static int32_t align_up(int32_t v, int32_t unit)
{
    return unit > 1 ? (v + unit - 1) / unit * unit : v;
}

int32_t dw__emu_walign(const struct dw__emu_medium *m, int32_t lba)
{
    return align_up(lba, m->family == DW_EMU_BD ? 32 : m->family == DW_EMU_DVD ? 16 : 1);
}

struct dw__emu_wsession *dw__emu_wsession_of(struct dw__emu_wstate *w, int number)
{
    for (int i = 0; i < w->session_count; i++)
        if (w->sessions[i].number == number)
            return &w->sessions[i];
    return NULL;
}

struct dw__emu_wtrack *dw__emu_wopen_track(struct dw__emu_wstate *w)
{
    if (w->track_count > 0 && !w->tracks[w->track_count - 1].closed)
        return &w->tracks[w->track_count - 1];
    return NULL;
}

int32_t dw__emu_wnext_start(const struct dw__emu_medium *m)
{
    const struct dw__emu_wstate *w = m->w;
    const struct dw__emu_wtrack *t;
    const struct dw__emu_wsession *s = NULL;

    if (w->track_count == 0)
        return 0;
    t = &w->tracks[w->track_count - 1];
    if (!t->closed)
        return t->reserved_sectors
                   ? dw__emu_walign(m, t->index_lba[1] + t->reserved_sectors)
                   : t->written_end;
    for (int i = 0; i < w->session_count; i++)
        if (w->sessions[i].number == t->session)
            s = &w->sessions[i];
    if (m->family != DW_EMU_CD)
        return dw__emu_walign(m, s && s->closed ? s->leadout_lba : t->end_lba);
    if (!s || !s->closed)
        return t->end_lba + 150;
    /* Lead-out (6750 after the first session, else 2250), the next
     * lead-in (4500), the next pregap (150). */
    return s->leadout_lba + (s->number == 1 ? 6750 : 2250) + 4500 + 150;
}

bool dw__emu_wnext_session(const struct dw__emu_medium *m, int32_t *next_lba,
                           int32_t *last_leadout_lba)
{
    const struct dw__emu_wstate *w = m->w;
    if (!w || w->finalized || w->damaged || m->family != DW_EMU_CD ||
        w->session_count == 0 || !w->sessions[w->session_count - 1].closed)
        return false;
    *next_lba = dw__emu_wnext_start(m);
    *last_leadout_lba = w->total_sectors;
    return true;
}

bool dw__emu_wread_fails(const struct dw__emu_medium *m, int32_t lba, int *key, int *asc,
                         int *ascq)
{
    const struct dw__emu_wstate *w = m->w;
    for (int i = 0; w && i < w->track_count; i++) {
        const struct dw__emu_wtrack *t = &w->tracks[i];
        if (t->closed && t->runout_sectors && lba >= t->end_lba - t->runout_sectors &&
            lba < t->end_lba) {
            /* Run-out blocks: not a sector of the track's mode. */
            *key = EMU_KEY_ILLEGAL_REQUEST;
            *asc = 0x64;
            *ascq = 0x00;
            return true;
        }
    }
    return false;
}

static void disc_reset(struct dw_disc *d)
{
    memset(d, 0, sizeof(*d));
    d->leadout_lba = DW_LBA_NONE;
}

void dw__emu_wlayout(struct dw__emu_medium *m)
{
    struct dw__emu_wstate *w = m->w;
    struct dw_disc *d = m->disc;

    disc_reset(d);
    m->disc_type = 0;
    if (overwritable(m->profile)) {
        if (w->formatted) {
            struct dw_track *t = &d->tracks[0];
            for (int k = 0; k < DW_MAX_INDEXES; k++)
                t->index_lba[k] = DW_LBA_NONE;
            t->number = 1;
            t->session = 1;
            t->mode = DW_MODE_MODE1;
            t->control = DW_CTL_DATA;
            t->index_lba[1] = 0;
            t->index_count = 2;
            t->end_lba = w->formatted_sectors;
            d->track_count = 1;
            d->session_count = 1;
            d->sessions[0].number = 1;
            d->sessions[0].first_track = 1;
            d->sessions[0].last_track = 1;
            d->sessions[0].leadout_lba = w->formatted_sectors;
            d->leadout_lba = w->formatted_sectors;
        }
        m->capacity_sectors = w->formatted ? w->formatted_sectors : 0;
        return;
    }
    /* Closed tracks and what open ones hold so far, in their sessions. */
    for (int i = 0; i < w->track_count; i++) {
        const struct dw__emu_wtrack *wt = &w->tracks[i];
        const struct dw__emu_wsession *ws;
        struct dw_track *t;
        struct dw_session *s = NULL;
        int32_t end = wt->closed ? wt->end_lba : wt->written_end;
        if (end <= wt->index_lba[1])
            continue;
        t = &d->tracks[d->track_count++];
        for (int k = 0; k < DW_MAX_INDEXES; k++)
            t->index_lba[k] = DW_LBA_NONE;
        t->number = wt->number;
        t->session = wt->session;
        t->mode = wt->mode;
        t->control = wt->control & 0x0F;
        t->index_count = wt->index_count < 2 ? 2 : wt->index_count;
        for (int k = 1; k < t->index_count && k < DW_MAX_INDEXES; k++)
            t->index_lba[k] = wt->index_lba[k];
        /* INDEX 00: the CD pregap (the first track's -150..-1 is implied
         * unless the track starts later than LBA 0). */
        if (wt->index_lba[0] < wt->index_lba[1] &&
            !(i == 0 && wt->index_lba[0] == -150 && wt->index_lba[1] == 0))
            t->index_lba[0] = wt->index_lba[0];
        t->end_lba = end;
        snprintf(t->isrc, sizeof(t->isrc), "%s", wt->isrc);
        if (wt->mode == DW_MODE_MODE2_XA || wt->mode == DW_MODE_MODE2)
            m->disc_type = 0x20;
        for (int k = 0; k < d->session_count; k++)
            if (d->sessions[k].number == wt->session)
                s = &d->sessions[k];
        if (!s) {
            s = &d->sessions[d->session_count++];
            s->number = wt->session;
            s->first_track = wt->number;
        }
        s->last_track = wt->number;
        /* A closed session ends at its lead-out; an open one (tracks in
         * the PMA) after its last closed track. */
        ws = dw__emu_wsession_of(w, wt->session);
        s->leadout_lba = ws && ws->closed ? ws->leadout_lba : end;
    }
    if (d->track_count > 0)
        d->leadout_lba = d->sessions[d->session_count - 1].leadout_lba;
    snprintf(d->mcn, sizeof(d->mcn), "%s", w->mcn);
    m->capacity_sectors = d->track_count > 0 ? d->leadout_lba : 0;
}

/* ---- cue sheet state ------------------------------------------------------------------
 */

void dw__emu_sao_reset(struct dw__emu_sao *sao)
{
    free(sao->points);
    free(sao->packs);
    memset(sao, 0, sizeof(*sao));
}

/* ---- state file
 * ------------------------------------------------------------------------ */

static const char *mode_name(enum dw_track_mode mode)
{
    switch (mode) {
    case DW_MODE_AUDIO:
        return "audio";
    case DW_MODE_MODE2:
        return "mode2";
    case DW_MODE_MODE2_XA:
        return "mode2xa";
    default:
        return "mode1";
    }
}

static int mode_parse(const char *name, enum dw_track_mode *mode)
{
    if (!strcmp(name, "audio"))
        *mode = DW_MODE_AUDIO;
    else if (!strcmp(name, "mode1"))
        *mode = DW_MODE_MODE1;
    else if (!strcmp(name, "mode2"))
        *mode = DW_MODE_MODE2;
    else if (!strcmp(name, "mode2xa"))
        *mode = DW_MODE_MODE2_XA;
    else
        return -1;
    return 0;
}

int dw__emu_wstate_save(struct dw__emu_medium *m)
{
    struct dw__emu_wstate *w = m ? m->w : NULL;
    char tmp[4096];
    FILE *f;
    int rc = 0;

    if (!w || !w->state_path)
        return 0;
    snprintf(tmp, sizeof(tmp), "%s.tmp", w->state_path);
    f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "%s\n", STATE_MAGIC);
    fprintf(f, "profile 0x%02x\n", m->profile);
    fprintf(f, "total %ld\n", (long)w->total_sectors);
    fprintf(f, "formatted %d %ld\n", w->formatted ? 1 : 0, (long)w->formatted_sectors);
    fprintf(f, "finalized %d\ndamaged %d\n", w->finalized ? 1 : 0, w->damaged ? 1 : 0);
    fprintf(f, "mcn %s\n", w->mcn[0] ? w->mcn : "-");
    if (w->raw_sub)
        fprintf(f, "rawsub %ld\n", (long)w->raw_end);
    for (int i = 0; i < w->session_count; i++)
        fprintf(f, "session %d %d %ld\n", w->sessions[i].number,
                w->sessions[i].closed ? 1 : 0, (long)w->sessions[i].leadout_lba);
    for (int i = 0; i < w->track_count; i++) {
        const struct dw__emu_wtrack *t = &w->tracks[i];
        fprintf(f, "track %d %d %s %u %ld %ld %ld %d %d %d %s %d", t->number, t->session,
                mode_name(t->mode), t->control, (long)t->written_end, (long)t->end_lba,
                (long)t->reserved_sectors, t->runout_sectors, t->closed ? 1 : 0,
                t->damaged ? 1 : 0, t->isrc[0] ? t->isrc : "-", t->index_count);
        for (int k = 0; k < t->index_count; k++)
            fprintf(f, " %ld", (long)t->index_lba[k]);
        fputc('\n', f);
    }
    if (m->cdtext_bytes) {
        fputs("cdtext ", f);
        for (size_t i = 0; i < m->cdtext_bytes; i++)
            fprintf(f, "%02x", m->cdtext_packs[i]);
        fputc('\n', f);
    }
    fputs("end\n", f);
    if (fflush(f) != 0 || ferror(f))
        rc = -1;
    if (fclose(f) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, w->state_path) != 0)
        rc = -1;
    if (rc)
        unlink(tmp);
    return rc;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parse the state file into m (whose wstate is allocated).  0, or -1 with
 * msg filled. */
static int state_load(struct dw__emu_medium *m, FILE *f, char *msg, size_t msg_bytes)
{
    struct dw__emu_wstate *w = m->w;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, rc = -1;
    bool ended = false;

    while ((len = getline(&line, &cap, f)) > 0) {
        char word[32];
        long a = 0, b = 0;
        int n = 0;
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (lineno == 1) {
            if (strcmp(line, STATE_MAGIC) != 0)
                goto bad;
            continue;
        }
        if (sscanf(line, "%31s%n", word, &n) != 1)
            continue;
        if (!strcmp(word, "profile")) {
            if (sscanf(line + n, "%li", &a) != 1)
                goto bad;
            m->profile = (int)a;
        } else if (!strcmp(word, "total")) {
            if (sscanf(line + n, "%ld", &a) != 1 || a <= 0)
                goto bad;
            w->total_sectors = (int32_t)a;
        } else if (!strcmp(word, "formatted")) {
            if (sscanf(line + n, "%ld %ld", &a, &b) != 2)
                goto bad;
            w->formatted = a != 0;
            w->formatted_sectors = (int32_t)b;
        } else if (!strcmp(word, "finalized")) {
            if (sscanf(line + n, "%ld", &a) != 1)
                goto bad;
            w->finalized = a != 0;
        } else if (!strcmp(word, "damaged")) {
            if (sscanf(line + n, "%ld", &a) != 1)
                goto bad;
            w->damaged = a != 0;
        } else if (!strcmp(word, "mcn")) {
            char v[32];
            if (sscanf(line + n, "%31s", v) != 1)
                goto bad;
            snprintf(w->mcn, sizeof(w->mcn), "%.13s", strcmp(v, "-") ? v : "");
        } else if (!strcmp(word, "rawsub")) {
            if (sscanf(line + n, "%ld", &a) != 1)
                goto bad;
            w->raw_sub = true;
            w->raw_end = (int32_t)a;
        } else if (!strcmp(word, "session")) {
            long num, closed, leadout;
            if (w->session_count >= DW_MAX_SESSIONS ||
                sscanf(line + n, "%ld %ld %ld", &num, &closed, &leadout) != 3)
                goto bad;
            w->sessions[w->session_count].number = (int)num;
            w->sessions[w->session_count].closed = closed != 0;
            w->sessions[w->session_count].leadout_lba = (int32_t)leadout;
            w->session_count++;
        } else if (!strcmp(word, "track")) {
            struct dw__emu_wtrack *t;
            char mode[16], isrc[32];
            long num, ses, ctl, wend, end, res, runout, closed, damaged, count;
            int used = 0;
            const char *p;
            if (w->track_count >= DW_MAX_TRACKS ||
                sscanf(line + n, "%ld %ld %15s %ld %ld %ld %ld %ld %ld %ld %31s %ld%n",
                       &num, &ses, mode, &ctl, &wend, &end, &res, &runout, &closed,
                       &damaged, isrc, &count, &used) != 12 ||
                count < 2 || count > DW_MAX_INDEXES)
                goto bad;
            t = &w->tracks[w->track_count];
            memset(t, 0, sizeof(*t));
            if (mode_parse(mode, &t->mode))
                goto bad;
            t->number = (int)num;
            t->session = (int)ses;
            t->control = (unsigned)ctl;
            t->written_end = (int32_t)wend;
            t->end_lba = (int32_t)end;
            t->reserved_sectors = (int32_t)res;
            t->runout_sectors = (int)runout;
            t->closed = closed != 0;
            t->damaged = damaged != 0;
            snprintf(t->isrc, sizeof(t->isrc), "%.12s", strcmp(isrc, "-") ? isrc : "");
            t->index_count = (int)count;
            p = line + n + used;
            for (int k = 0; k < t->index_count; k++) {
                long v;
                int u = 0;
                if (sscanf(p, "%ld%n", &v, &u) != 1)
                    goto bad;
                t->index_lba[k] = (int32_t)v;
                p += u;
            }
            w->track_count++;
        } else if (!strcmp(word, "cdtext")) {
            const char *p = line + n;
            size_t hex;
            while (*p == ' ')
                p++;
            hex = strlen(p);
            if (hex % 36 != 0 || hex == 0)
                goto bad;
            free(m->cdtext_packs);
            m->cdtext_packs = malloc(hex / 2);
            if (!m->cdtext_packs)
                goto bad;
            for (size_t i = 0; i < hex / 2; i++) {
                int hi = hexval(p[2 * i]), lo = hexval(p[2 * i + 1]);
                if (hi < 0 || lo < 0)
                    goto bad;
                m->cdtext_packs[i] = (uint8_t)(hi << 4 | lo);
            }
            m->cdtext_bytes = hex / 2;
        } else if (!strcmp(word, "end")) {
            ended = true;
        } else {
            goto bad;
        }
    }
    if (!ended)
        goto bad;
    rc = 0;
    goto out;
bad:
    set_msg(msg, msg_bytes, "emulator state file '%s': line %d is not one it wrote",
            w->state_path, lineno);
out:
    free(line);
    return rc;
}

/* ---- creation
 * ---------------------------------------------------------------------------- */

void dw__emu_wstate_free(struct dw__emu_medium *m)
{
    struct dw__emu_wstate *w = m ? m->w : NULL;
    if (!w)
        return;
    if (w->sao.active)
        dw__emu_sao_abandon(m);
    if (w->raw.active) /* a raw run the host never finished */
        w->damaged = true;
    (void)dw__emu_wstate_save(m);
    if (w->fd >= 0)
        close(w->fd);
    if (w->sub_fd >= 0)
        close(w->sub_fd);
    dw__emu_sao_reset(&w->sao);
    free(w->tracks);
    free(w->state_path);
    free(w->sectors_path);
    free(w);
    m->w = NULL;
}

static int open_temp_file(void)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    int fd;
    if (!dir || !dir[0])
        dir = "/tmp";
    snprintf(path, sizeof(path), "%s/dwemu-sectors-XXXXXX", dir);
    fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

int dw__emu_wmedium_open(const char *kind, long capacity_sectors, const char *state_path,
                         struct dw__emu_medium **out, char *msg, size_t msg_bytes)
{
    struct dw__emu_medium *m = calloc(1, sizeof(*m));
    struct dw__emu_wstate *w = calloc(1, sizeof(*w));
    int kind_index = -1;
    FILE *sf = NULL;
    bool sf_loaded = false;

    *out = NULL;
    if (!m || !w)
        goto nomem;
    m->w = w;
    w->fd = -1;
    w->sub_fd = -1;
    w->sim_nwa = INT32_MIN;
    w->tracks = calloc(DW_MAX_TRACKS, sizeof(*w->tracks));
    m->disc = dw_disc_new();
    if (!w->tracks || !m->disc)
        goto nomem;
    if (kind) {
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
            if (!strcasecmp(kind, kinds[i].name))
                kind_index = (int)i;
        if (kind_index < 0) {
            set_msg(
                msg, msg_bytes,
                "emulator key 'blank': '%s' is not a blank medium kind (cdr cdrw dvdr "
                "dvdrw dvdpr dvdprw bdr bdre dvdrdl dvdprdl bdrdl bdredl)",
                kind);
            goto fail;
        }
    }
    if (capacity_sectors < 0 || capacity_sectors > 0x7FFFFFF0L) {
        set_msg(msg, msg_bytes, "emulator key 'capacity': %ld sectors is not a capacity",
                capacity_sectors);
        goto fail;
    }
    if (state_path) {
        w->state_path = strdup(state_path);
        w->sectors_path = malloc(strlen(state_path) + 9);
        if (!w->state_path || !w->sectors_path)
            goto nomem;
        sprintf(w->sectors_path, "%s.sectors", state_path);
        sf = fopen(state_path, "r");
        if (!sf && errno != ENOENT) {
            set_msg(msg, msg_bytes, "emulator state file '%s': %s", state_path,
                    strerror(errno));
            goto fail;
        }
    }
    if (sf) {
        /* The medium as an earlier process left it. */
        if (state_load(m, sf, msg, msg_bytes))
            goto fail;
        fclose(sf);
        sf = NULL;
        sf_loaded = true;
        kind_index = -1;
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
            if (kinds[i].profile == m->profile &&
                (kind_index < 0 || (kind && !strcasecmp(kind, kinds[i].name))))
                kind_index = (int)i; /* bdr and bdrdl share a profile */
        if (kind_index < 0 || w->total_sectors <= 0) {
            set_msg(msg, msg_bytes, "emulator state file '%s' holds no writable medium",
                    state_path);
            goto fail;
        }
        if (kind && strcasecmp(kind, kinds[kind_index].name) != 0) {
            set_msg(
                msg, msg_bytes,
                "emulator state file '%s' holds a %s medium, not blank=%s: remove the "
                "file for a new medium",
                state_path, kinds[kind_index].name, kind);
            goto fail;
        }
        if (capacity_sectors && capacity_sectors != w->total_sectors) {
            set_msg(msg, msg_bytes,
                    "emulator state file '%s' holds a medium of %ld sectors, not "
                    "capacity=%ld: remove the file for a new medium",
                    state_path, (long)w->total_sectors, capacity_sectors);
            goto fail;
        }
        w->fd = open(w->sectors_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    } else {
        if (kind_index < 0) {
            set_msg(
                msg, msg_bytes,
                "emulator state file '%s' does not exist: give blank=KIND to create a "
                "medium there",
                state_path);
            goto fail;
        }
        m->profile = kinds[kind_index].profile;
        w->total_sectors = capacity_sectors ? (int32_t)capacity_sectors
                                            : kinds[kind_index].default_sectors;
        if (state_path)
            w->fd = open(w->sectors_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        else
            w->fd = open_temp_file();
    }
    if (w->fd < 0) {
        set_msg(msg, msg_bytes, "emulator medium: cannot open a sector file%s%s: %s",
                state_path ? " " : "", state_path ? w->sectors_path : "",
                strerror(errno));
        goto fail;
    }
    m->family = family_of(m->profile);
    if (m->family == DW_EMU_CD) {
        /* P-W of raw writes beside the sectors (PATH.sub), kept with them. */
        if (state_path) {
            char sub_path[4096];
            snprintf(sub_path, sizeof(sub_path), "%s.sub", state_path);
            w->sub_fd = open(sub_path, O_RDWR | O_CREAT | (sf_loaded ? 0 : O_TRUNC) | O_CLOEXEC,
                             0644);
        } else {
            w->sub_fd = open_temp_file();
        }
        if (w->sub_fd < 0) {
            set_msg(msg, msg_bytes, "emulator medium: cannot open its sub-channel file: %s",
                    strerror(errno));
            goto fail;
        }
    }
    m->status = DW_STATUS_BLANK;
    m->erasable = m->profile == 0x0A || m->profile == 0x14 || m->profile == 0x1A ||
                  m->profile == 0x43;
    w->slot_bytes = m->family == DW_EMU_CD ? DW_SECTOR_RAW_BYTES : DW_SECTOR_USER_BYTES;
    w->slot_base = m->family == DW_EMU_CD ? -150 : 0;
    m->store.raw = m->family == DW_EMU_CD;
    if (m->family == DW_EMU_CD && w->total_sectors > 449850) {
        set_msg(msg, msg_bytes,
                "emulator key 'capacity': a CD holds at most 449850 sectors");
        goto fail;
    }
    dw__emu_wlayout(m);
    if (dw__emu_wstate_save(m)) {
        set_msg(msg, msg_bytes, "emulator state file '%s': cannot write it: %s",
                state_path, strerror(errno));
        goto fail;
    }
    *out = m;
    return 0;
nomem:
    set_msg(msg, msg_bytes, "out of memory");
fail:
    if (sf)
        fclose(sf);
    if (m && m->w) {
        free(w->state_path); /* nothing to save */
        w->state_path = NULL;
    } else {
        free(w);
    }
    dw__emu_medium_free(m);
    return -1;
}

/* ---- mode page 05h
 * ------------------------------------------------------------------------ */

bool dw__emu_page05_ok(const struct dw_emu *e, const uint8_t *page, size_t bytes)
{
    enum dw__emu_family fam = e->present && e->medium ? e->medium->family : DW_EMU_CD;
    unsigned write_type, block_type;

    if (bytes < 5)
        return true; /* nothing that names a write type */
    write_type = page[2] & 0x0F;
    block_type = page[4] & 0x0F;
    switch (write_type) {
    case 0: /* packet / incremental: DVD-R/RW only here */
        return fam != DW_EMU_CD;
    case 1: /* TAO: raw 2352 (audio) and Mode 1 */
        return block_type == 0 || block_type == 8;
    case 2: /* SAO (CD, with a cue sheet) / DAO (DVD-R) */
        return true;
    case 3: /* RAW (CD): 2352 + 16 bytes of P-Q, or 2352 + 96 bytes of raw P-W */
        return fam == DW_EMU_CD && !e->pers.no_raw_write &&
               (block_type == 1 || block_type == 3);
    default: /* layer jump: not modelled */
        return false;
    }
}
