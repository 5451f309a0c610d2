/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Refine a disc layout from the Q sub-channel (ECMA-130 cl. 22.3, IEC
 * 60908 17.5): pregaps (INDEX 00), further indexes, ISRCs, the MCN and
 * pre-emphasis.
 *
 * The TOC says where each track's INDEX 01 is; Q says, frame by frame,
 * which track and index a sector belongs to.  Track and index numbers only
 * grow along a session, so each boundary is the first sector whose (track,
 * index) reaches a target, and a bisection finds it with a few reads
 * instead of a scan.  Single Q frames are often bad: a frame counts only
 * when its CRC matches and its absolute time is the sector's, a probe that
 * meets bad frames moves past them, and the last pair of frames is read
 * again before a boundary is taken.  Every read is counted against a frame
 * budget and a time limit, so a scan of a damaged disc ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "discwright/errors.h"
#include "discwright/qscan.h"
#include "discwright/sector.h"
#include "util.h"

#define PROBE_FRAMES 4          /* frames read around each probe */
#define CHUNK_FRAMES 25         /* frames per read when scanning for ISRC/MCN */
#define DEFAULT_ISRC_FRAMES 200
#define MIN_ISRC_FRAMES 100     /* IEC 60908: ADR 2/3 at least once in 100 frames */
#define DEFAULT_SECONDS 180.0
#define STANDARD_PREGAP 150     /* the usual 2-second pause */
#define SLACK_SECTORS 20        /* a frame's absolute time this close is its own */
#define OBS_MAX 512             /* frames remembered per search */
#define SEARCH_MAX_PROBES 48    /* reads per search before giving up */
#define CONFIRM_MAX 3           /* re-reads of the final pair */
#define RETRY_MAX 6             /* reads of a sector near the end of a search */
#define MAX_VALUES 8            /* distinct ISRC/MCN values counted */
#define FRUITLESS_MAX 24        /* reads without any good frame before giving up */

/* ---- small helpers ---------------------------------------------------------- */

struct vote {
    char value[14];
    int count;
};

struct votes {
    struct vote v[MAX_VALUES];
    int n, total;
};

static void vote_add(struct votes *vs, const char *value)
{
    vs->total++;
    for (int i = 0; i < vs->n; i++)
        if (!strcmp(vs->v[i].value, value)) {
            vs->v[i].count++;
            return;
        }
    if (vs->n < MAX_VALUES) {
        snprintf(vs->v[vs->n].value, sizeof(vs->v[vs->n].value), "%s", value);
        vs->v[vs->n++].count = 1;
    }
}

/* The value with more votes than all the others together, or NULL. */
static const struct vote *vote_winner(const struct votes *vs)
{
    for (int i = 0; i < vs->n; i++)
        if (vs->v[i].count * 2 > vs->total)
            return &vs->v[i];
    return NULL;
}

/* ---- the scan state ------------------------------------------------------- */

struct track_state {
    int max_index;          /* highest index seen in good frames of the track */
    int32_t max_index_lba;  /* where */
    int32_t last_lba;       /* last sector seen in the track, DW_LBA_NONE */
    int pre_on, pre_off;    /* CONTROL pre-emphasis votes (INDEX 01 and up) */
};

struct scan {
    struct dw_drive *drive;
    struct dw_disc *disc;   /* the working copy */
    const struct dw_callbacks *cb;
    struct dw_qscan_result *res;
    int64_t max_frames;
    int32_t isrc_frames;
    double t0, deadline, last_progress;
    int64_t planned_frames; /* for the progress line */
    int rc;                 /* a fatal error: ENOMEDIUM, EUNSUPPORTED, EABORTED */
    bool stop;              /* no more reads: rc, the budget or the time */
    int cur;                /* disc index of the track reads are charged to */
    int64_t good_frames;    /* good frames so far */
    int fruitless;          /* reads in a row without a good frame */
    struct track_state ts[DW_MAX_TRACKS];
    struct votes mcn;
    int32_t mcn_best_run;   /* most good frames in a row without an ADR 2
                               frame, in the ISRC reads (which are contiguous) */
};

/* One frame as a read returned it. */
struct frame {
    int32_t lba;            /* the sector asked for */
    bool good;              /* CRC matches, fields valid, time its own */
    struct dw_q q;
};

static int track_slot(const struct dw_disc *disc, int number)
{
    for (int i = 0; i < disc->track_count; i++)
        if (disc->tracks[i].number == number)
            return i;
    return -1;
}

/* Copy text into out[bytes], cut short when it does not fit. */
static void copy_text(char *out, size_t bytes, const char *text)
{
    size_t n = strlen(text);
    if (n >= bytes)
        n = bytes - 1;
    memcpy(out, text, n);
    out[n] = '\0';
}

static void stop_scan(struct scan *s, const char *why)
{
    if (!s->stop) {
        s->stop = true;
        copy_text(s->res->stop_reason, sizeof(s->res->stop_reason), why);
        s->res->stopped = s->rc == 0;
    }
}

static void progress(struct scan *s, bool force)
{
    double t = dw__now_seconds();
    if (!s->cb || !s->cb->progress || (!force && t - s->last_progress < 0.2))
        return;
    s->last_progress = t;
    int64_t done = s->res->q_frames;
    struct dw_progress p = {
        .phase = "qscan",
        .track = s->disc->tracks[s->cur].number,
        .done_sectors = done,
        .total_sectors = s->planned_frames > done ? s->planned_frames : done,
        .errors = s->res->bad_crc_frames + s->res->unreadable_frames,
        .sector_bytes = DW_SECTOR_RAW_BYTES,
        .buffer_fill_percent = -1,
    };
    if (s->cb->progress(&p, s->cb->user)) {
        s->rc = DW_EABORTED;
        stop_scan(s, "stopped by the caller");
    }
}

/* What every good frame tells besides the search it was read for: the
 * highest index of its track, pre-emphasis votes, MCN votes. */
static void note_frame(struct scan *s, const struct frame *f)
{
    if (f->q.adr == DW_Q_ADR_MCN) {
        if (strcmp(f->q.mcn, "0000000000000") != 0)
            vote_add(&s->mcn, f->q.mcn);
        return;
    }
    if (f->q.adr != DW_Q_ADR_POSITION)
        return;
    int i = track_slot(s->disc, f->q.tno);
    if (i < 0)
        return;
    struct track_state *t = &s->ts[i];
    if (f->q.index > t->max_index) {
        t->max_index = f->q.index;
        t->max_index_lba = f->q.abs_lba;
    }
    if (t->last_lba == DW_LBA_NONE || f->q.abs_lba > t->last_lba)
        t->last_lba = f->q.abs_lba;
    if (f->q.index >= 1) {
        if (f->q.control & DW_CTL_PRE)
            t->pre_on++;
        else
            t->pre_off++;
    }
}

/* Read the Q of n <= CHUNK_FRAMES sectors from lba into f[].  Returns false
 * when the scan must stop (then nothing was read). */
static bool read_frames(struct scan *s, int32_t lba, int32_t n, struct frame *f)
{
    uint8_t buf[CHUNK_FRAMES * DW_Q_BYTES];
    struct dw_qscan_result *res = s->res;
    int rc;

    if (s->stop)
        return false;
    if (dw__now_seconds() > s->deadline) {
        stop_scan(s, "the time limit ran out");
        return false;
    }
    if (res->q_frames + n > s->max_frames) {
        stop_scan(s, "the budget of Q frames ran out");
        return false;
    }
    rc = dw_drive_read_q_frames(s->drive, lba, n, buf);
    res->read_requests++;
    res->q_frames += n;
    res->tracks[s->cur].q_frames += n;
    if (rc == DW_ENOMEDIUM || rc == DW_EUNSUPPORTED || rc == DW_ENOMEM) {
        s->rc = rc;
        stop_scan(s, dw_drive_last_error(s->drive)->message);
        return false;
    }
    int good = 0;
    for (int32_t k = 0; k < n; k++) {
        static const uint8_t zero[DW_Q_BYTES];
        const uint8_t *q = buf + k * DW_Q_BYTES;
        struct frame *fr = &f[k];
        fr->lba = lba + k;
        fr->good = false;
        memset(&fr->q, 0, sizeof(fr->q));
        if (rc || !memcmp(q, zero, sizeof(zero))) {
            res->unreadable_frames++;
            continue;
        }
        if (dw_q_decode(q, &fr->q) != 0) {
            res->bad_crc_frames++;
            continue;
        }
        if (fr->q.adr == DW_Q_ADR_POSITION &&
            (fr->q.abs_lba < fr->lba - SLACK_SECTORS || fr->q.abs_lba > fr->lba + SLACK_SECTORS)) {
            res->misplaced_frames++;
            continue;
        }
        fr->good = true;
        good++;
        note_frame(s, fr);
    }
    s->good_frames += good;
    s->fruitless = good ? 0 : s->fruitless + 1;
    if (s->good_frames == 0 && s->fruitless >= FRUITLESS_MAX)
        stop_scan(s, "the drive returned no good Q frame in its first reads");
    progress(s, false);
    return !s->stop;
}

/* ---- boundary search ---------------------------------------------------------- */

/* What the reads of a search saw at a sector: the (track, index) of each
 * good frame whose absolute time is that sector, as track * 100 + index,
 * and how many reads asked for the sector.  Votes are counted against a
 * target when needed, so the searches for INDEX 02, 03 ... of one track
 * share what they saw. */
#define OBS_ORDS 6
struct obs {
    int32_t lba;
    int tried;
    int n_ords;
    int ords[OBS_ORDS];
};

struct search {
    int target;             /* track * 100 + index */
    int32_t lo0, hi0;       /* known: lo0 before, hi0 at or after */
    bool pregap_mode;       /* probe 1 and 150 sectors before hi0 first */
    struct obs o[OBS_MAX];
    int n;
    int64_t conflicts;
};

static struct obs *obs_at(struct search *sr, int32_t lba, bool add)
{
    for (int i = 0; i < sr->n; i++)
        if (sr->o[i].lba == lba)
            return &sr->o[i];
    if (!add || sr->n >= OBS_MAX)
        return NULL;
    struct obs *o = &sr->o[sr->n++];
    memset(o, 0, sizeof(*o));
    o->lba = lba;
    return o;
}

/* Votes of o for "before the target" and "at or after it". */
static void votes_of(const struct search *sr, const struct obs *o, int *before, int *after)
{
    *before = *after = 0;
    for (int i = 0; i < o->n_ords; i++)
        if (o->ords[i] < sr->target)
            ++*before;
        else
            ++*after;
}

/* -1 before, +1 at or after, 0 undecided. */
static int decided(const struct search *sr, const struct obs *o)
{
    int before, after;
    votes_of(sr, o, &before, &after);
    return before > after ? -1 : after > before ? 1 : 0;
}

/* The bracket the votes give: lo the last decided-before sector, hi the
 * first decided-after one.  Returns false on a contradiction (lo >= hi). */
static bool bracket(const struct search *sr, int32_t *lo, int32_t *hi)
{
    *lo = sr->lo0;
    *hi = sr->hi0;
    for (int i = 0; i < sr->n; i++)
        if (sr->o[i].lba > *lo && sr->o[i].lba < sr->hi0 && decided(sr, &sr->o[i]) < 0)
            *lo = sr->o[i].lba;
    for (int i = 0; i < sr->n; i++)
        if (sr->o[i].lba < *hi && sr->o[i].lba > sr->lo0 && decided(sr, &sr->o[i]) > 0)
            *hi = sr->o[i].lba;
    return *lo < *hi;
}

/* Read [first, last] for a search and note what each good frame says. */
static bool search_read(struct scan *s, struct search *sr, int32_t first, int32_t last)
{
    struct frame f[PROBE_FRAMES + 2];
    int32_t n = last - first + 1;

    if (n <= 0)
        return !s->stop;
    if (n > PROBE_FRAMES + 2)
        n = PROBE_FRAMES + 2;
    if (!read_frames(s, first, n, f))
        return false;
    for (int32_t k = 0; k < n; k++) {
        struct obs *o = obs_at(sr, first + k, true);
        if (o)
            o->tried++;
        if (!f[k].good || f[k].q.adr != DW_Q_ADR_POSITION)
            continue;
        o = obs_at(sr, f[k].q.abs_lba, true);
        if (o && o->n_ords < OBS_ORDS)
            o->ords[o->n_ords++] = f[k].q.tno == DW_Q_TNO_LEADOUT
                                       ? 100 * 100
                                       : f[k].q.tno * 100 + f[k].q.index;
    }
    return true;
}

/* May sector lba be read for a probe?  pass 0: never tried; pass 1: tried
 * once without a decision (a bad frame may read good the next time). */
static bool probe_ok(struct search *sr, int32_t lba, int pass)
{
    struct obs *o = obs_at(sr, lba, false);
    if (!o)
        return true;
    return decided(sr, o) == 0 && o->tried <= pass;
}

/* The sector nearest to p inside (lo, hi) that may be probed, or
 * DW_LBA_NONE.  Sectors read before without a decision are tried again
 * once, or up to RETRY_MAX times when only a few are left: a bad frame
 * often reads good the next time. */
static int32_t probe_near(struct search *sr, int32_t p, int32_t lo, int32_t hi)
{
    int passes = hi - lo <= 2 * PROBE_FRAMES ? RETRY_MAX + 1 : 2;
    for (int pass = 0; pass < passes; pass++)
        for (int32_t d = 0; d <= OBS_MAX + 1; d++) {
            if (p + d > lo && p + d < hi && probe_ok(sr, p + d, pass))
                return p + d;
            if (d && p - d > lo && p - d < hi && probe_ok(sr, p - d, pass))
                return p - d;
            if (p + d >= hi && p - d <= lo)
                break;
        }
    return DW_LBA_NONE;
}

/* Find the first sector in (sr->lo0, sr->hi0] whose Q reaches sr->target.
 * *found gets it (hi0 when nothing before it does); *uncertain the number of
 * sectors before *found where it may also lie.  Returns the boundary
 * result. */
static enum dw_qscan_boundary search_boundary(struct scan *s, struct search *sr,
                                              int32_t *found, int32_t *uncertain)
{
    int32_t lo = sr->lo0, hi = sr->hi0;
    int probes = 0, confirms = 0, conflict_rounds = 0, misses = 0;
    int32_t last_p = 0;
    bool tried_first = false, tried_standard = false;

    *found = sr->hi0;
    *uncertain = 0;
    while (!s->stop && probes < SEARCH_MAX_PROBES) {
        if (!bracket(sr, &lo, &hi)) {
            /* Frames disagree: read the disputed ones again (votes). */
            sr->conflicts++;
            if (++conflict_rounds > CONFIRM_MAX)
                break;
            for (int i = 0; i < sr->n && !s->stop; i++) {
                int dcs = decided(sr, &sr->o[i]);
                if ((dcs < 0 && sr->o[i].lba >= hi) || (dcs > 0 && sr->o[i].lba <= lo)) {
                    search_read(s, sr, sr->o[i].lba, sr->o[i].lba);
                    probes++;
                }
            }
            continue;
        }
        if (hi - lo <= 1) {
            /* Converged: each side that came from a read needs a second
             * agreeing vote. */
            struct obs *a = lo != sr->lo0 ? obs_at(sr, lo, false) : NULL;
            struct obs *b = hi != sr->hi0 ? obs_at(sr, hi, false) : NULL;
            int a_before = 2, a_after = 0, b_before = 0, b_after = 2;
            if (a)
                votes_of(sr, a, &a_before, &a_after);
            if (b)
                votes_of(sr, b, &b_before, &b_after);
            bool need_a = a_before < 2, need_b = b_after < 2;
            if (!need_a && !need_b) {
                *found = hi;
                return DW_QSCAN_FOUND;
            }
            if (confirms++ >= CONFIRM_MAX)
                break;
            search_read(s, sr, need_a ? lo : hi, need_b ? hi : lo);
            probes++;
            continue;
        }
        int32_t p;
        if (sr->pregap_mode && !tried_first) {
            tried_first = true;
            p = sr->hi0 - 1;
        } else if (sr->pregap_mode && !tried_standard && sr->hi0 - STANDARD_PREGAP > lo &&
                   sr->hi0 - STANDARD_PREGAP < hi) {
            tried_standard = true;
            p = sr->hi0 - STANDARD_PREGAP;
        } else if (misses && hi - lo > 4 * PROBE_FRAMES) {
            /* The last probe met only bad frames: look elsewhere by turns
             * (halfway to hi, next to hi, halfway to lo, next to lo) rather
             * than crawl through a bad stretch. */
            switch (misses % 4) {
            case 1:
                p = last_p + (hi - last_p) / 2;
                break;
            case 2:
                p = hi - 2;
                break;
            case 3:
                p = lo + (last_p - lo) / 2;
                break;
            default:
                p = lo + 2;
                break;
            }
        } else if (sr->pregap_mode && tried_standard && lo == sr->lo0 && hi < sr->hi0 &&
                   sr->hi0 - 2 * (sr->hi0 - hi) > lo) {
            p = sr->hi0 - 2 * (sr->hi0 - hi); /* gallop back over a long pregap */
        } else {
            p = lo + (hi - lo) / 2;
        }
        p = probe_near(sr, p, lo, hi);
        if (p == DW_LBA_NONE)
            break; /* every sector left has been tried and told nothing */
        int32_t first = p - 1 > lo ? p - 1 : lo + 1;
        int32_t last = first + PROBE_FRAMES - 1 < hi - 1 ? first + PROBE_FRAMES - 1 : hi - 1;
        int32_t old_lo = lo, old_hi = hi;
        if (!search_read(s, sr, first, last))
            break;
        probes++;
        if (bracket(sr, &lo, &hi) && lo == old_lo && hi == old_hi) {
            if (!misses)
                last_p = p;
            misses++;
        } else {
            misses = 0;
        }
    }
    /* Gave up: the boundary is somewhere in (lo, hi]; take the first sector
     * Q showed at or after it. */
    if (!bracket(sr, &lo, &hi)) {
        int32_t l = sr->lo0, h = sr->hi0;
        for (int i = 0; i < sr->n; i++)
            if (decided(sr, &sr->o[i]) > 0 && sr->o[i].lba > sr->lo0 && sr->o[i].lba < h)
                h = sr->o[i].lba;
        lo = l;
        hi = h;
    }
    *found = hi;
    *uncertain = hi - lo - 1;
    return *uncertain > 0 ? DW_QSCAN_UNCERTAIN : DW_QSCAN_FOUND;
}

/* ---- the phases ------------------------------------------------------------------- */

/* End of track i as the layout now stands (next track's first sector in
 * the same session, or the session's lead-out). */
static int32_t track_end(const struct dw_disc *disc, int i)
{
    const struct dw_track *t = &disc->tracks[i];
    if (i + 1 < disc->track_count && disc->tracks[i + 1].session == t->session)
        return dw_track_first_lba(&disc->tracks[i + 1]);
    for (int k = 0; k < disc->session_count; k++)
        if (disc->sessions[k].number == t->session)
            return disc->sessions[k].leadout_lba;
    return disc->leadout_lba;
}

/* Last index start the layout knows for track t. */
static int32_t last_index_lba(const struct dw_track *t)
{
    int32_t at = t->index_lba[1];
    for (int k = 2; k < t->index_count && k < DW_MAX_INDEXES; k++)
        if (t->index_lba[k] != DW_LBA_NONE && t->index_lba[k] > at)
            at = t->index_lba[k];
    return at;
}

static void scan_pregaps(struct scan *s, struct search *sr)
{
    struct dw_disc *disc = s->disc;
    for (int i = 1; i < disc->track_count && !s->stop; i++) {
        struct dw_track *t = &disc->tracks[i], *prev = &disc->tracks[i - 1];
        struct dw_qscan_track *rt = &s->res->tracks[i];
        int32_t found, uncertain;

        if (prev->session != t->session)
            continue; /* first track of a later session: not searched */
        s->cur = i;
        memset(sr, 0, sizeof(*sr));
        sr->target = t->number * 100;
        sr->lo0 = last_index_lba(prev);
        sr->hi0 = t->index_lba[1];
        sr->pregap_mode = true;
        if (sr->hi0 - sr->lo0 <= 1) {
            rt->pregap = DW_QSCAN_FOUND;
            t->index_lba[0] = DW_LBA_NONE;
            rt->pregap_lba = DW_LBA_NONE;
            continue;
        }
        enum dw_qscan_boundary b = search_boundary(s, sr, &found, &uncertain);
        s->res->conflicts += sr->conflicts;
        if (s->stop && s->rc)
            return;
        if (b == DW_QSCAN_FOUND && uncertain == 0 && found == sr->hi0 && sr->n == 0)
            continue; /* nothing was read (stopped): keep the TOC's */
        rt->pregap = b;
        rt->uncertain_sectors = uncertain;
        t->index_lba[0] = found < sr->hi0 ? found : DW_LBA_NONE;
        rt->pregap_lba = t->index_lba[0];
        if (t->index_lba[0] != DW_LBA_NONE)
            s->res->pregaps_found++;
        if (b == DW_QSCAN_UNCERTAIN)
            s->res->boundaries_uncertain++;
    }
}

static void scan_indexes(struct scan *s, struct search *sr)
{
    struct dw_disc *disc = s->disc;
    for (int i = 0; i < disc->track_count && !s->stop; i++) {
        struct dw_track *t = &disc->tracks[i];
        struct track_state *ts = &s->ts[i];
        struct dw_qscan_track *rt = &s->res->tracks[i];
        int32_t end = track_end(disc, i);

        s->cur = i;
        /* The index at the track's end tells whether there are more. */
        if (ts->last_lba == DW_LBA_NONE || ts->last_lba < end - 2 * PROBE_FRAMES) {
            struct frame f[PROBE_FRAMES];
            int32_t first = end - PROBE_FRAMES > t->index_lba[1] ? end - PROBE_FRAMES
                                                                  : t->index_lba[1];
            if (end - first > 0 && !read_frames(s, first, end - first, f))
                return;
        }
        int found_count = 2;
        bool searched = false;
        sr->n = 0; /* the searches of one track share what they saw */
        for (int k = 2; k <= ts->max_index && k < DW_MAX_INDEXES && !s->stop; k++) {
            int32_t found, uncertain;
            sr->conflicts = 0;
            sr->pregap_mode = false;
            sr->target = t->number * 100 + k;
            sr->lo0 = t->index_lba[k - 1];
            sr->hi0 = ts->max_index_lba;
            if (sr->hi0 <= sr->lo0 || sr->hi0 >= end)
                break;
            searched = true;
            enum dw_qscan_boundary b = search_boundary(s, sr, &found, &uncertain);
            s->res->conflicts += sr->conflicts;
            if (b != DW_QSCAN_FOUND || s->stop) {
                rt->indexes_uncertain = b == DW_QSCAN_UNCERTAIN;
                break;
            }
            t->index_lba[k] = found;
            found_count = k + 1;
        }
        if (s->rc)
            return;
        /* Q's word on the indexes replaces the layout's when it has one: the
         * track ends at INDEX 01, or the searches found INDEX 02 and up. */
        if (ts->max_index == 1 || (searched && found_count > 2)) {
            for (int k = found_count; k < t->index_count && k < DW_MAX_INDEXES; k++)
                t->index_lba[k] = DW_LBA_NONE;
            t->index_count = found_count;
            rt->indexes = found_count - 2;
            s->res->indexes_found += rt->indexes;
        }
    }
}

/* Whether the MCN needs no more frames. */
static bool mcn_settled(const struct scan *s)
{
    const struct vote *w = vote_winner(&s->mcn);
    if (w && (w->count >= 2 || !strcmp(w->value, s->res->toc_mcn)))
        return true;
    return s->mcn.total == 0 &&
           s->mcn_best_run >= (s->res->toc_mcn[0] ? 2 : 1) * MIN_ISRC_FRAMES;
}

static void scan_isrcs(struct scan *s)
{
    struct dw_disc *disc = s->disc;
    struct frame f[CHUNK_FRAMES];
    for (int i = 0; i < disc->track_count && !s->stop; i++) {
        struct dw_track *t = &disc->tracks[i];
        struct dw_qscan_track *rt = &s->res->tracks[i];
        struct votes isrc;
        int32_t run = 0, best_run = 0, mcn_run = 0;
        int32_t first = t->index_lba[1];
        int32_t limit = track_end(disc, i);

        if (dw_track_is_data(t))
            continue;
        s->cur = i;
        memset(&isrc, 0, sizeof(isrc));
        /* Up to isrc_frames good frames, and twice that read at most. */
        int32_t good = 0;
        if (limit > first + 2 * s->isrc_frames)
            limit = first + 2 * s->isrc_frames;
        for (int32_t lba = first; lba < limit && good < s->isrc_frames && !s->stop;) {
            int32_t n = limit - lba < CHUNK_FRAMES ? limit - lba : CHUNK_FRAMES;
            if (!read_frames(s, lba, n, f))
                break;
            rt->isrc_frames_read += n;
            for (int32_t k = 0; k < n; k++) {
                if (!f[k].good) {
                    run = mcn_run = 0;
                    continue;
                }
                good++;
                if (f[k].q.adr == DW_Q_ADR_MCN)
                    mcn_run = 0;
                else if (++mcn_run > s->mcn_best_run)
                    s->mcn_best_run = mcn_run;
                if (f[k].q.adr == DW_Q_ADR_ISRC) {
                    vote_add(&isrc, f[k].q.isrc);
                    run = 0;
                } else if (++run > best_run) {
                    best_run = run;
                }
            }
            lba += n;
            const struct vote *w = vote_winner(&isrc);
            bool settled = (w && (w->count >= 2 || !strcmp(w->value, rt->toc_isrc))) ||
                           (isrc.total == 0 &&
                            best_run >= (rt->toc_isrc[0] ? 2 : 1) * MIN_ISRC_FRAMES);
            if (settled && mcn_settled(s))
                break;
        }
        if (s->rc)
            return;
        const struct vote *w = vote_winner(&isrc);
        if (w) {
            snprintf(t->isrc, sizeof(t->isrc), "%s", w->value);
            rt->isrc_votes = w->count;
            rt->isrc_from_q = true;
            s->res->isrcs_found++;
        } else if (isrc.total == 0 &&
                   best_run >= (rt->toc_isrc[0] ? 2 : 1) * MIN_ISRC_FRAMES) {
            t->isrc[0] = '\0'; /* Q has none where it would have to show */
            rt->isrc_from_q = true;
        }
    }
}

/* ---- the public entry ----------------------------------------------------------- */

const char *dw_qscan_boundary_name(enum dw_qscan_boundary b)
{
    switch (b) {
    case DW_QSCAN_NOT_SEARCHED:
        return "not searched";
    case DW_QSCAN_FOUND:
        return "found";
    case DW_QSCAN_UNCERTAIN:
        return "uncertain";
    }
    return "unknown";
}

int dw_disc_qscan(struct dw_drive *drive, struct dw_disc *disc,
                  const struct dw_qscan_opts *opts, const struct dw_callbacks *cb,
                  struct dw_qscan_result *result)
{
    struct dw_qscan_opts defaults = {0};
    struct scan *s = NULL;
    struct search *sr = NULL;
    char msg[256];
    int rc = 0;

    memset(result, 0, sizeof(*result));
    if (!opts)
        opts = &defaults;
    if (!drive || !disc || disc->track_count <= 0 || disc->track_count > DW_MAX_TRACKS ||
        opts->flags)
        return DW_EINVAL;
    s = calloc(1, sizeof(*s));
    sr = malloc(sizeof(*sr));
    if (!s || !sr || !(s->disc = dw_disc_clone(disc))) {
        rc = DW_ENOMEM;
        goto out;
    }
    s->drive = drive;
    s->cb = cb;
    s->res = result;
    s->isrc_frames = opts->isrc_frames > 0 ? opts->isrc_frames : DEFAULT_ISRC_FRAMES;
    if (s->isrc_frames < MIN_ISRC_FRAMES)
        s->isrc_frames = MIN_ISRC_FRAMES;
    s->max_frames = opts->max_frames > 0 ? opts->max_frames
                                         : (int64_t)DEFAULT_ISRC_FRAMES * disc->track_count + 2000;
    s->t0 = dw__now_seconds();
    s->deadline = s->t0 + (opts->max_seconds > 0 ? opts->max_seconds : DEFAULT_SECONDS);
    snprintf(result->toc_mcn, sizeof(result->toc_mcn), "%s", disc->mcn);
    result->track_count = disc->track_count;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        struct dw_qscan_track *rt = &result->tracks[i];
        rt->number = t->number;
        rt->toc_pregap_lba = i > 0 ? t->index_lba[0] : DW_LBA_NONE;
        rt->pregap_lba = rt->toc_pregap_lba;
        snprintf(rt->toc_isrc, sizeof(rt->toc_isrc), "%s", t->isrc);
        s->ts[i].last_lba = DW_LBA_NONE;
        s->ts[i].max_index_lba = DW_LBA_NONE;
        s->planned_frames += (i > 0 ? 12 : 0) + PROBE_FRAMES +
                             (dw_track_is_data(t) ? 0 : MIN_ISRC_FRAMES);
    }

    scan_pregaps(s, sr);
    if (!s->rc && dw_disc_finish(s->disc, msg, sizeof(msg)) == 0) {
        scan_indexes(s, sr);
        if (!s->rc && dw_disc_finish(s->disc, msg, sizeof(msg)) == 0)
            scan_isrcs(s);
    }
    if (s->rc) {
        rc = s->rc;
        goto out;
    }

    /* MCN and pre-emphasis from the votes. */
    const struct vote *w = vote_winner(&s->mcn);
    if (w) {
        snprintf(s->disc->mcn, sizeof(s->disc->mcn), "%s", w->value);
        result->mcn_votes = w->count;
        result->mcn_from_q = true;
    } else if (mcn_settled(s)) {
        s->disc->mcn[0] = '\0';
        result->mcn_from_q = true;
    }
    for (int i = 0; i < s->disc->track_count; i++) {
        struct dw_track *t = &s->disc->tracks[i];
        result->tracks[i].pre_emphasis_votes = s->ts[i].pre_on;
        result->tracks[i].no_pre_emphasis_votes = s->ts[i].pre_off;
        if (!dw_track_is_data(t) && s->ts[i].pre_on > s->ts[i].pre_off)
            t->control |= DW_CTL_PRE; /* the TOC's flag is kept either way */
    }
    if (dw_disc_finish(s->disc, msg, sizeof(msg)) != 0) {
        /* Should not happen: every boundary lies inside its bracket.  Keep
         * the TOC's layout rather than a broken one. */
        char why[sizeof(msg) + 64];
        result->stopped = true;
        snprintf(why, sizeof(why), "the layout from Q did not hold together (%s): the TOC's is kept",
                 msg);
        copy_text(result->stop_reason, sizeof(result->stop_reason), why);
        goto out;
    }
    memcpy(disc, s->disc, sizeof(*disc));

out:
    if (s) {
        result->seconds = dw__now_seconds() - s->t0;
        snprintf(result->q_source, sizeof(result->q_source), "%s", dw_drive_q_source(drive));
        if (s->disc && s->cb)
            progress(s, true);
        dw_disc_free(s->disc);
    }
    free(sr);
    free(s);
    return rc;
}
