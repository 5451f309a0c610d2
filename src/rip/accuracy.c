/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rip's read offset correction, AccurateRip and CTDB checks
 * (rip/accuracy.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/accuraterip.h"
#include "discwright/ardb.h"
#include "discwright/ctdb.h"
#include "discwright/discid.h"
#include "discwright/profile.h"
#include "discwright/sector.h"
#include "errors_int.h"
#include "rip/accuracy.h"
#include "rip/offset.h"
#include "rip/rip_report.h"

#define WINDOW_SAMPLES (DW_AR_SAMPLES_PER_SECTOR + 2 * DW_RIP_AR_WINDOW_SHIFT)
/* Track sample k (1-based) at the start of the window. */
#define WINDOW_FIRST_K ((int64_t)DW_AR_FRAME450_FIRST_SAMPLE + 1 - DW_RIP_AR_WINDOW_SHIFT)
#define MAX_HITS 16

struct window {
    uint8_t *pcm;               /* WINDOW_SAMPLES * 4 bytes, or NULL */
    int64_t filled;             /* samples from the window's start */
};

struct dw__rip_accuracy {
    struct dw__offset_reader *offset;   /* NULL: no correction */
    int32_t offset_samples;
    struct window *win;                 /* r->ar_count of them */
    int win_count;
    bool win_failed;                    /* out of memory: no pressing search */
    /* CTDB (discwright/ctdb.h): the disc and track CRCs, fed from
     * dw__rip_window_feed with the same audio as the AccurateRip ones. */
    struct dw_ctdb_calc *ctdb;          /* NULL before the first audio */
    bool ctdb_off;                      /* no CTDB CRC for this rip: ctdb_why */
    bool ctdb_off_warn;                 /* ... for a reason worth a warning */
    char ctdb_why[192];
    uint64_t ctdb_next;                 /* the sample expected next, counted
                                           from the first track's INDEX 01 */
    uint64_t ctdb_track_start[DW_MAX_TRACKS]; /* where r->ar[i] starts, samples */
    /* What confirmed each track, by track number (dw__rip_track_confirmed):
     * AccurateRip's confidence of the best matching entry, CTDB's sum. */
    unsigned ar_confidence[DW_MAX_TRACKS + 1];
    unsigned ctdb_confidence[DW_MAX_TRACKS + 1];
};

static struct dw__rip_accuracy *acc_of(struct dw__rip *r)
{
    if (!r->acc)
        r->acc = calloc(1, sizeof(*r->acc));
    return r->acc;
}

/* ------------------------------------------------------------------ */
/* Read offset                                                          */

int dw__rip_offset_setup(struct dw__rip *r, const struct dw_drive_info *info, bool iso)
{
    struct dw__rip_accuracy *a = acc_of(r);
    struct dw__rr_read_offset *ro = &r->rep->read_offset;
    const struct dw_rip_opts *opts = r->opts;
    bool given = opts->flags & DW_RIP_READ_OFFSET;
    int32_t samples = 0;
    if (!a)
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    ro->source = "none";
    if (info->kind != DW_DRIVE_MMC) {
        snprintf(ro->detail, sizeof(ro->detail), "an image holds its audio as it was ripped%s",
                 given ? "; --offset applies to drives only and is ignored" : "");
    } else if (iso) {
        snprintf(ro->detail, sizeof(ro->detail), "--format iso reads no audio");
    } else if (given) {
        samples = opts->read_offset_samples;
        ro->source = "option";
        snprintf(ro->detail, sizeof(ro->detail), "--offset");
    } else {
        struct dw_drive_offset d;
        if (dw_profile_drive_offset(info->vendor, info->model, &d) == 0) {
            samples = d.samples;
            ro->source = "table";
            snprintf(ro->detail, sizeof(ro->detail), "%.300s line %d (%s %s)", d.table, d.line,
                     d.vendor, d.model);
        } else {
            snprintf(ro->detail, sizeof(ro->detail),
                     "'%s %s' is not in the drive offset tables: find its offset with "
                     "'discwright offset' and pass --offset",
                     info->vendor, info->model);
        }
    }
    ro->samples = samples;
    ro->applied = samples != 0;
    ro->present = true;
    if (ro->applied) {
        int rc = dw__offset_reader_new(r->drive, r->disc, samples, &a->offset);
        if (rc)
            return dw__set_error(r->err, rc, "out of memory");
        a->offset_samples = samples;
    }
    dw__riplog_read_offset(r);
    return 0;
}

int dw__rip_read_audio(struct dw__rip *r, int32_t lba, int32_t sectors, uint8_t *buf)
{
    if (r->acc && r->acc->offset)
        return dw__offset_read(r->acc->offset, lba, sectors, buf, NULL);
    return dw_drive_read_raw(r->drive, lba, sectors, buf);
}

int dw__rip_read_audio_c2(struct dw__rip *r, int32_t lba, int32_t sectors, uint8_t *buf,
                          uint8_t *c2)
{
    if (r->acc && r->acc->offset)
        return dw__offset_read(r->acc->offset, lba, sectors, buf, c2);
    return dw_drive_read_raw_c2(r->drive, lba, sectors, buf, c2);
}

int dw__rip_read_raw(struct dw__rip *r, const struct dw_track *t, int32_t lba, int32_t sectors,
                     uint8_t *buf)
{
    if (dw_track_is_data(t))
        return dw_drive_read_raw(r->drive, lba, sectors, buf);
    return dw__rip_read_audio(r, lba, sectors, buf);
}

/* Which audio track (AccurateRip numbering) holds absolute sample s. */
static const struct dw__ar_track *ar_track_at(const struct dw__rip *r, int64_t s)
{
    for (int i = 0; i < r->ar_count; i++)
        if (s >= (int64_t)r->ar[i].first_lba * DW_AR_SAMPLES_PER_SECTOR &&
            s < (int64_t)r->ar[i].end_lba * DW_AR_SAMPLES_PER_SECTOR)
            return &r->ar[i];
    return NULL;
}

/* The zero-filled edges into the report and the log. */
static void offset_finish(struct dw__rip *r)
{
    struct dw__rip_accuracy *a = r->acc;
    struct dw__rr_read_offset *ro = &r->rep->read_offset;
    if (!a || !a->offset || !ro->present)
        return;
    const struct dw__offset_span *spans;
    int n = dw__offset_spans(a->offset, &spans);
    ro->zero_filled = n ? calloc((size_t)n, sizeof(*ro->zero_filled)) : NULL;
    for (int i = 0; ro->zero_filled && i < n; i++) {
        const struct dw__offset_span *sp = &spans[i];
        struct dw__rr_zero_fill *z = &ro->zero_filled[ro->zero_filled_count++];
        const struct dw__ar_track *t = ar_track_at(r, sp->first_sample);
        z->first_sample = sp->first_sample;
        z->samples = sp->samples;
        z->lba = sp->first_sample / DW_AR_SAMPLES_PER_SECTOR;
        z->track = t ? t->number : 0;
        z->source = dw__offset_edge_name(sp->why);
    }
    for (int e = DW_OFFSET_EDGE_LEADIN; e <= DW_OFFSET_EDGE_LEADOUT; e++)
        ro->overread[e == DW_OFFSET_EDGE_LEADIN ? 0 : 1] =
            dw__offset_overread(a->offset, (enum dw__offset_edge)e);
    ro->finished = true;
    dw__riplog_zero_fill(r);
}

/* ------------------------------------------------------------------ */
/* Frame-450 windows and the CTDB CRCs                                  */

/* Stop the CTDB CRC for this rip, saying why; warn: the reason is worth
 * a warning in the log (not so for audio merely too short for it). */
static void ctdb_off(struct dw__rip_accuracy *a, const char *why, bool warn)
{
    a->ctdb_off = true;
    a->ctdb_off_warn = warn;
    snprintf(a->ctdb_why, sizeof(a->ctdb_why), "%s", why);
    dw_ctdb_calc_free(a->ctdb);
    a->ctdb = NULL;
}

/* The CTDB state for the rip's audio tracks, on the first audio fed.  Its
 * tracks are the AccurateRip ones (r->ar: INDEX 01 to the next INDEX 01). */
static void ctdb_start(struct dw__rip *r, struct dw__rip_accuracy *a)
{
    struct dw_ctdb_layout l;
    if (dw_ctdb_layout_from_disc(r->disc, &l) != 0 || l.track_count != r->ar_count) {
        ctdb_off(a, "the audio tracks of this layout give no CTDB layout", true);
        return;
    }
    uint64_t at = 0;
    for (int i = 0; i < r->ar_count; i++) {
        uint64_t n =
            (uint64_t)(r->ar[i].end_lba - r->ar[i].first_lba) * DW_AR_SAMPLES_PER_SECTOR;
        if (l.track_samples[i] != n) {
            ctdb_off(a, "the CTDB layout differs from the rip's audio tracks", true);
            return;
        }
        a->ctdb_track_start[i] = at;
        at += n;
    }
    int rc = dw_ctdb_calc_new(&l, 0, &a->ctdb);
    if (rc == DW_ENOMEM)
        ctdb_off(a, "out of memory", true);
    else if (rc)
        ctdb_off(a, "the audio is too short for the CTDB CRC (it leaves out 5880 samples at "
                    "the start and at least as many at the end)",
                 false);
}

/* Feed `sectors` sectors of r->ar[ar_index] from its sector track_sector
 * to the CTDB CRC: in order, or not at all. */
static void ctdb_feed(struct dw__rip *r, struct dw__rip_accuracy *a, int ar_index,
                      int32_t track_sector, const uint8_t *buf, int32_t sectors)
{
    if (a->ctdb_off)
        return;
    if (!a->ctdb) {
        ctdb_start(r, a);
        if (a->ctdb_off)
            return;
    }
    uint64_t at =
        a->ctdb_track_start[ar_index] + (uint64_t)track_sector * DW_AR_SAMPLES_PER_SECTOR;
    if (at != a->ctdb_next ||
        dw_ctdb_calc_update(a->ctdb, buf, (size_t)sectors * DW_SECTOR_RAW_BYTES) != 0) {
        ctdb_off(a, "the audio did not arrive in disc order", true);
        return;
    }
    a->ctdb_next += (uint64_t)sectors * DW_AR_SAMPLES_PER_SECTOR;
}

void dw__rip_window_feed(struct dw__rip *r, int ar_index, int32_t track_sector,
                         const uint8_t *buf, int32_t sectors)
{
    struct dw__rip_accuracy *a = acc_of(r);
    if (!a || ar_index < 0 || ar_index >= r->ar_count || sectors <= 0)
        return;
    ctdb_feed(r, a, ar_index, track_sector, buf, sectors);
    if (a->win_failed)
        return;
    if (!a->win) {
        a->win = calloc((size_t)r->ar_count, sizeof(*a->win));
        a->win_count = r->ar_count;
        if (!a->win) {
            a->win_failed = true;
            return;
        }
    }
    /* Track samples k = track_sector * 588 + 1 .. + sectors * 588. */
    int64_t k_lo = (int64_t)track_sector * DW_AR_SAMPLES_PER_SECTOR + 1;
    int64_t k_hi = k_lo + (int64_t)sectors * DW_AR_SAMPLES_PER_SECTOR - 1;
    int64_t w_lo = WINDOW_FIRST_K, w_hi = WINDOW_FIRST_K + WINDOW_SAMPLES - 1;
    int64_t lo = k_lo > w_lo ? k_lo : w_lo, hi = k_hi < w_hi ? k_hi : w_hi;
    if (lo > hi)
        return;
    struct window *w = &a->win[ar_index];
    if (!w->pcm && !(w->pcm = malloc((size_t)WINDOW_SAMPLES * 4))) {
        a->win_failed = true;
        return;
    }
    memcpy(w->pcm + (lo - w_lo) * 4, buf + (lo - k_lo) * 4, (size_t)(hi - lo + 1) * 4);
    if (hi - w_lo + 1 > w->filled)
        w->filled = hi - w_lo + 1;
}

/* Pressings whose frame-450 CRC for `slot` our samples reproduce at some
 * shift: one entry per shift with the confidence behind it, into t. */
static void pressing_search(struct dw__rip *r, int ar_index, int slot,
                            const struct dw_ar_response *resp, struct dw__rr_ar_track *t)
{
    struct dw__rip_accuracy *a = r->acc;
    t->pressing_count = 0;
    if (!a || !a->win || ar_index >= a->win_count || !a->win[ar_index].pcm)
        return;
    const struct window *w = &a->win[ar_index];
    /* The largest symmetric shift the samples kept allow. */
    int64_t shift = w->filled - DW_AR_SAMPLES_PER_SECTOR - DW_RIP_AR_WINDOW_SHIFT;
    if (shift > DW_RIP_AR_WINDOW_SHIFT)
        shift = DW_RIP_AR_WINDOW_SHIFT;
    if (shift < 0)
        return;
    uint32_t targets[256];
    unsigned conf[256];
    int nt = 0;
    for (int b = 0; b < resp->block_count && nt < 256; b++) {
        const struct dw_ar_block *blk = &resp->blocks[b];
        if (slot >= blk->track_count || blk->tracks[slot].confidence == 0 ||
            blk->tracks[slot].frame450 == 0)
            continue;
        targets[nt] = blk->tracks[slot].frame450;
        conf[nt++] = blk->tracks[slot].confidence;
    }
    struct dw_ar_offset_hit hits[MAX_HITS];
    size_t found = 0;
    const uint8_t *pcm = w->pcm + (DW_RIP_AR_WINDOW_SHIFT - shift) * 4;
    size_t bytes = (size_t)(DW_AR_SAMPLES_PER_SECTOR + 2 * shift) * 4;
    if (nt == 0 || dw_ar_frame450_search(pcm, bytes, (int32_t)shift, targets, nt, hits, MAX_HITS,
                                         &found))
        return;
    if (found > MAX_HITS)
        found = MAX_HITS;
    for (size_t i = 0; i < found && t->pressing_count < DW__RR_MAX_PRESSINGS; i++) {
        int32_t sh = hits[i].shift_samples;
        unsigned c = conf[hits[i].target];
        /* Hits come in order of shift: fold the same shift's targets. */
        while (i + 1 < found && hits[i + 1].shift_samples == sh)
            c += conf[hits[++i].target];
        t->pressings[t->pressing_count].offset_samples = sh;
        t->pressings[t->pressing_count++].confidence = c;
    }
}

/* ------------------------------------------------------------------ */
/* AccurateRip                                                          */

static void set_status(char *status, size_t status_bytes, char *message, size_t message_bytes,
                       const char *st, const char *msg)
{
    snprintf(status, status_bytes, "%s", st);
    snprintf(message, message_bytes, "%s", msg ? msg : "");
}
#define AR_STATUS(a, st, msg) \
    set_status((a)->status, sizeof((a)->status), (a)->message, sizeof((a)->message), st, msg)

/* Database slots: the position of the track on the disc (a mixed-mode
 * disc's data track 1 keeps slot 0; ARver's doc/data_track.md). */
static int ar_slot_of(const struct dw__rip *r, int ar_index)
{
    for (int k = 0; k < r->disc->track_count; k++)
        if (r->disc->tracks[k].number == r->ar[ar_index].number)
            return k;
    return -1;
}

/* A database lookup's stop function: the rip's progress callback (so that
 * Ctrl-C reaches a lookup that hangs). */
static int lookup_stop(void *user)
{
    return dw__rip_progress(user, 0, false) != 0;
}

/* The lookup stopped: say so in the model and the error (the rip then ends
 * with DW_EABORTED; its bin stays as NAME.bin.part with a map that
 * --resume finishes from). */
static void lookup_stopped(struct dw__rip *r, char *status, size_t status_bytes, char *message,
                           size_t message_bytes, const char *what)
{
    set_status(status, status_bytes, message, message_bytes, "stopped",
               "stopped during the lookup");
    dw__set_error(r->err, DW_EABORTED,
                  "stopped during the %s lookup: every sector is read and kept in '%s.part': "
                  "run the same rip with --resume to finish it",
                  what, r->image_path);
}

/* Compare each audio track with the response's entries, into a->tracks. */
static int ar_compare(struct dw__rip *r, const struct dw_ar_response *resp,
                      struct dw__rr_accuraterip *a)
{
    int slots = 0, rc = 0;
    for (int b = 0; b < resp->block_count; b++)
        if (resp->blocks[b].track_count > slots)
            slots = resp->blocks[b].track_count;
    struct dw_ar_checksums *ours = calloc((size_t)slots + 1, sizeof(*ours));
    struct dw_ar_track_match *per = calloc((size_t)slots + 1, sizeof(*per));
    a->tracks = calloc((size_t)r->ar_count, sizeof(*a->tracks));
    if (!ours || !per || !a->tracks) {
        rc = DW_ENOMEM;
        goto out;
    }
    for (int i = 0; i < r->ar_count; i++) {
        int slot = ar_slot_of(r, i);
        if (slot >= 0 && slot < slots)
            dw_ar_calc_final(r->ar[i].calc, &ours[slot]);
    }
    dw_ar_match(resp, ours, slots, per, NULL);
    int accurate = 0, with_entries = 0;
    unsigned disc_conf = 0;
    bool first = true;
    for (int i = 0; i < r->ar_count; i++) {
        int slot = ar_slot_of(r, i);
        struct dw__rr_ar_track *t = &a->tracks[a->track_count++];
        const struct dw_ar_track_match *m = slot >= 0 && slot < slots ? &per[slot] : NULL;
        t->number = r->ar[i].number;
        t->slot = slot + 1;
        if (!m || m->submissions == 0) {
            t->state = DW__RR_NOT_IN_DB;
            disc_conf = 0;
            first = false;
            continue;
        }
        with_entries++;
        t->match = *m;
        if (m->kind != DW_AR_MATCH_NONE) {
            unsigned both = m->confidence_v1 + m->confidence_v2;
            t->state = DW__RR_ACCURATE;
            accurate++;
            if (r->acc && t->number >= 1 && t->number <= DW_MAX_TRACKS)
                r->acc->ar_confidence[t->number] = m->confidence;
            if (first || both < disc_conf)
                disc_conf = both;
        } else {
            t->state = DW__RR_NOT_ACCURATE;
            pressing_search(r, i, slot, resp, t);
            disc_conf = 0;
        }
        first = false;
    }
    const char *verdict = accurate == r->ar_count ? "accurate"
                          : accurate > 0          ? "partially accurate"
                          : with_entries > 0      ? "not accurate"
                                                  : "not in database";
    snprintf(a->status, sizeof(a->status), "%s", verdict);
    a->have_disc = true;
    a->disc_tracks = r->ar_count;
    a->disc_accurate = accurate;
    a->disc_confidence = accurate == r->ar_count ? disc_conf : 0;
out:
    free(ours);
    free(per);
    return rc;
}

static void ar_check(struct dw__rip *r)
{
    struct dw__rr_accuraterip *a = &r->rep->accuraterip;
    struct dw_disc_ids ids;
    struct dw_ardb_result res = {0};

    a->present = true;
    if (dw_disc_ids_compute(r->disc, 0, &ids) != 0) {
        AR_STATUS(a, "skipped", "the disc ids cannot be computed from this layout");
        goto out;
    }
    snprintf(a->path, sizeof(a->path), "%s", ids.ar_path);
    if (r->opts->flags & DW_RIP_NO_ACCURATERIP) {
        AR_STATUS(a, "skipped", "--no-accuraterip");
        goto out;
    }
    struct dw_ardb_opts ao = {0};
    if (r->opts->accuraterip)
        ao = *r->opts->accuraterip;
    ao.stop = lookup_stop;
    ao.stop_user = r;
    int rc = dw_ardb_lookup(ids.ar_path, &ao, &res);
    if (rc == DW_EABORTED) {
        lookup_stopped(r, a->status, sizeof(a->status), a->message, sizeof(a->message),
                       "AccurateRip");
        dw_ardb_result_release(&res);
        return;
    }
    a->asked = true;
    snprintf(a->url, sizeof(a->url), "%s", res.url);
    a->origin = res.origin;
    snprintf(a->cache, sizeof(a->cache), "%s", res.cache_path);
    if (rc || res.status == DW_ARDB_UNAVAILABLE) {
        AR_STATUS(a, "unavailable", res.message);
    } else if (res.status == DW_ARDB_NOT_FOUND) {
        AR_STATUS(a, "not in database", res.message);
    } else {
        a->blocks = res.response->block_count;
        snprintf(a->message, sizeof(a->message), "%s", res.message);
        if (ar_compare(r, res.response, a))
            AR_STATUS(a, "unavailable", "out of memory");
    }
out:
    dw__riplog_accuraterip(r);
    dw_ardb_result_release(&res);
}

/* ------------------------------------------------------------------ */
/* CTDB                                                                 */

/* The lookup options: the rip's, else those of the AccurateRip lookup
 * carried over (offline, time-outs; an explicit cache directory DIR
 * becomes DIR/ctdb, "" stays no cache). */
static const struct dw_ctdb_opts *ctdb_opts(const struct dw__rip *r, struct dw_ctdb_opts *buf,
                                            char *dir, size_t dir_bytes)
{
    const struct dw_ardb_opts *ar = r->opts->accuraterip;
    memset(buf, 0, sizeof(*buf));
    buf->stop = lookup_stop;
    buf->stop_user = (void *)r;
    if (r->opts->ctdb) {
        *buf = *r->opts->ctdb;
        buf->stop = lookup_stop;
        buf->stop_user = (void *)r;
        return buf;
    }
    if (!ar)
        return buf;
    buf->flags = ar->flags & DW_ARDB_OFFLINE ? DW_CTDB_OFFLINE : 0;
    buf->connect_timeout_ms = ar->connect_timeout_ms;
    buf->timeout_ms = ar->timeout_ms;
    if (ar->cache_dir) {
        if (ar->cache_dir[0] && snprintf(dir, dir_bytes, "%s/ctdb", ar->cache_dir) < (int)dir_bytes)
            buf->cache_dir = dir;
        else
            buf->cache_dir = "";
    }
    return buf;
}

/* Compare our CRCs with the answer's entries, into c.  Returns 0 or
 * DW_ENOMEM. */
static int ctdb_compare(struct dw__rip *r, const struct dw_ctdb_response *resp,
                        struct dw__rr_ctdb *c)
{
    struct dw_ctdb_entry_match *em = calloc((size_t)resp->entry_count + 1, sizeof(*em));
    int rc = DW_ENOMEM;
    c->entries = calloc((size_t)resp->entry_count + 1, sizeof(*c->entries));
    if (!em || !c->entries ||
        dw_ctdb_match(resp, &c->ours, c->toc, em, c->track_match, &c->disc_match) != 0)
        goto out;
    for (int i = 0; i < resp->entry_count; i++) {
        const struct dw_ctdb_entry *e = &resp->entries[i];
        struct dw__rr_ctdb_entry *o = &c->entries[c->entry_count++];
        o->id = e->id;
        o->confidence = e->confidence;
        o->crc32 = e->crc32;
        o->matched = em[i].disc;
        o->toc_matched = em[i].toc;
        o->npar = e->npar;
        o->stride = e->stride;
        if ((e->toc && !(o->toc = strdup(e->toc))) ||
            (e->hasparity && !(o->hasparity = strdup(e->hasparity))))
            goto out;
        /* Per track: does its CRC in this entry equal ours (none: the entry
         * has no track CRCs for our layout). */
        if (em[i].toc && e->track_count == c->ours.track_count && e->track_crc32) {
            if (!(o->track_matches = calloc((size_t)e->track_count, sizeof(bool))))
                goto out;
            o->track_match_count = e->track_count;
            for (int k = 0; k < e->track_count; k++)
                o->track_matches[k] =
                    e->track_crc32[k] != 0 && e->track_crc32[k] == c->ours.track_crc32[k];
        }
    }
    for (int i = 0; i < c->ours.track_count && i < r->ar_count; i++) {
        int number = r->ar[i].number;
        if (c->track_match[i].matched && r->acc && number >= 1 && number <= DW_MAX_TRACKS)
            r->acc->ctdb_confidence[number] = c->track_match[i].confidence;
    }
    c->entry_count_answered = resp->entry_count;
    c->compared = true;
    snprintf(c->status, sizeof(c->status), "%s",
             c->disc_match.matched ? "accurate" : "not accurate");
    rc = 0;
out:
    free(em);
    return rc;
}

static void ctdb_check(struct dw__rip *r)
{
    struct dw__rip_accuracy *a = acc_of(r);
    struct dw__rr_ctdb *c = &r->rep->ctdb;
    struct dw_disc_ids ids;
    struct dw_ctdb_result res = {0};
    struct dw_ctdb_opts obuf;
    char dir[4096 + 8];
    bool quiet = false;

    c->present = true;
    bool have_toc = dw_ctdb_toc(r->disc, c->toc, sizeof(c->toc)) == 0;
    if (!have_toc)
        c->toc[0] = '\0';
    if (dw_disc_ids_compute(r->disc, 0, &ids) == 0)
        snprintf(c->toc_id, sizeof(c->toc_id), "%s", ids.ctdb_toc_id);
    if (!a || !a->ctdb || a->ctdb_off || dw_ctdb_calc_final(a->ctdb, &c->ours) != 0) {
        quiet = a && a->ctdb_off && !a->ctdb_off_warn;
        AR_STATUS(c, "skipped",
                  a && a->ctdb_off ? a->ctdb_why : "not all of the audio was checksummed");
        goto out;
    }
    c->have_crc = true;
    c->have_tracks = true;
    if (r->opts->flags & DW_RIP_NO_ACCURATERIP) {
        AR_STATUS(c, "skipped", "--no-accuraterip");
        goto out;
    }
    if (!have_toc) {
        AR_STATUS(c, "skipped", "no lookup TOC for this layout");
        goto out;
    }
    struct dw_ctdb_opts co = *ctdb_opts(r, &obuf, dir, sizeof(dir));
    co.stop = lookup_stop;
    co.stop_user = r;
    int rc = dw_ctdb_lookup(c->toc, &co, &res);
    if (rc == DW_EABORTED) {
        lookup_stopped(r, c->status, sizeof(c->status), c->message, sizeof(c->message), "CTDB");
        dw_ctdb_result_release(&res);
        return;
    }
    c->asked = true;
    snprintf(c->url, sizeof(c->url), "%s", res.url);
    c->origin = res.origin;
    snprintf(c->cache, sizeof(c->cache), "%s", res.cache_path);
    if (rc || res.status == DW_CTDB_UNAVAILABLE) {
        AR_STATUS(c, "unavailable", res.message);
    } else if (res.status == DW_CTDB_NOT_FOUND) {
        AR_STATUS(c, "not in database", res.message);
    } else {
        snprintf(c->message, sizeof(c->message), "%s", res.message);
        if (ctdb_compare(r, res.response, c)) {
            AR_STATUS(c, "unavailable", "out of memory");
            c->have_tracks = false;
            c->compared = false;
        }
    }
out:
    dw__riplog_ctdb(r, quiet);
    dw_ctdb_result_release(&res);
}

void dw__rip_accuraterip(struct dw__rip *r)
{
    offset_finish(r);
    if (r->ar_count == 0)
        return;
    acc_of(r); /* where ar_check and ctdb_check note what they confirm */
    ar_check(r);
    if (!r->aborted)
        ctdb_check(r);
}

bool dw__rip_track_confirmed(const struct dw__rip_accuracy *acc, int track_number)
{
    if (!acc || track_number < 1 || track_number > DW_MAX_TRACKS)
        return false;
    return acc->ar_confidence[track_number] >= 1 || acc->ctdb_confidence[track_number] >= 1;
}

void dw__rip_accuracy_release(struct dw__rip *r)
{
    struct dw__rip_accuracy *a = r->acc;
    if (!a)
        return;
    dw_ctdb_calc_free(a->ctdb);
    dw__offset_reader_free(a->offset);
    for (int i = 0; i < a->win_count; i++)
        free(a->win[i].pcm);
    free(a->win);
    free(a);
    r->acc = NULL;
}

int32_t dw__rip_offset_samples(const struct dw__rip *r)
{
    return r->acc && r->acc->offset ? r->acc->offset_samples : 0;
}
