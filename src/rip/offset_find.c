/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finding a drive's read offset: the AccurateRip key-disc search over
 * frame 450 and the data-track sync (discwright/offset.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/accuraterip.h"
#include "discwright/ardb.h"
#include "discwright/discid.h"
#include "discwright/offset.h"
#include "discwright/sector.h"
#include "errors_int.h"
#include "rip/offset.h"
#include "rip/offset_report.h"

#define SPT DW_AR_SAMPLES_PER_SECTOR
#define MAX_TARGETS 256
/* Data-track sectors read from its INDEX 01. */
#define DATA_SECTORS 4

/* One search as it runs. */
struct job {
    struct dw_drive *drive;
    const struct dw_disc *disc;
    const struct dw_offset_find_opts *opts;
    const struct dw_callbacks *cb;
    struct dw_offset_report *rep;
    int32_t range; /* shifts searched each side, samples */
    /* The window every audio track is read over: its samples [z0, z_end)
     * (0-based, from INDEX 01) around frame 450 and the search range, in
     * sectors [sa, sb) from INDEX 01. */
    int32_t z0, z_end, sa, sb;
};

/* ---- method (a): the AccurateRip key disc ---------------------------------- */

static void vote(struct dw__or_accuraterip *a, int32_t shift, unsigned confidence)
{
    for (int i = 0; i < a->candidate_count; i++)
        if (a->candidates[i].offset_samples == shift) {
            a->candidates[i].tracks++;
            a->candidates[i].confidence += confidence;
            return;
        }
    if (a->candidate_count < DW__OR_MAX_CANDIDATES)
        a->candidates[a->candidate_count++] =
            (struct dw__or_candidate){shift, 1, confidence};
}

/* End (exclusive) of audio track i as AccurateRip counts it: the next
 * audio track's INDEX 01 in the same session, or the track's end. */
static int32_t ar_end(const struct dw_disc *d, int i)
{
    const struct dw_track *t = &d->tracks[i];
    if (i + 1 < d->track_count && d->tracks[i + 1].session == t->session &&
        !dw_track_is_data(&d->tracks[i + 1]))
        return d->tracks[i + 1].index_lba[1];
    return t->end_lba;
}

/* The disc's answer from the database into *res (zeroed by the caller,
 * released by it).  Returns true when it has pressings to search. */
static bool ar_lookup(struct job *j, struct dw_ardb_result *res)
{
    struct dw__or_accuraterip *a = &j->rep->accuraterip;
    struct dw_disc_ids ids;
    a->present = true;
    if (j->opts->flags & DW_OFFSET_NO_DATABASE) {
        a->status = DW__OR_AR_SKIPPED;
        return false;
    }
    if (dw_disc_ids_compute(j->disc, 0, &ids) != 0) {
        a->status = DW__OR_AR_NO_AUDIO;
        return false;
    }
    int rc = dw_ardb_lookup(ids.ar_path, j->opts->accuraterip, res);
    a->asked = true;
    snprintf(a->path, sizeof(a->path), "%s", ids.ar_path);
    snprintf(a->url, sizeof(a->url), "%s", res->url);
    a->origin = res->origin;
    if (rc || res->status != DW_ARDB_FOUND) {
        a->status = res->status == DW_ARDB_NOT_FOUND ? DW__OR_AR_NOT_IN_DB
                                                     : DW__OR_AR_UNAVAILABLE;
        snprintf(a->message, sizeof(a->message), "%s", res->message);
    } else {
        a->status = DW__OR_AR_FOUND;
        a->blocks = res->response->block_count;
    }
    dw__offset_log_lookup(j->rep, j->cb);
    return a->status == DW__OR_AR_FOUND;
}

/* The pressings' frame-450 checksums of audio track i (the i-th track of
 * the disc, as the database counts) and their confidences; returns how
 * many. */
static int frame450_targets(const struct dw_ar_response *resp, int i, uint32_t *targets,
                            unsigned *conf)
{
    int nt = 0;
    for (int b = 0; b < resp->block_count && nt < MAX_TARGETS; b++) {
        const struct dw_ar_block *blk = &resp->blocks[b];
        if (i < blk->track_count && blk->tracks[i].confidence &&
            blk->tracks[i].frame450) {
            targets[nt] = blk->tracks[i].frame450;
            conf[nt++] = blk->tracks[i].confidence;
        }
    }
    return nt;
}

/* Audio track i: the sectors around its frame 450 read as the drive gives
 * them (no correction), the v1 checksum slid over them against every
 * pressing's frame-450 value; each shift that matched votes with the
 * confidence behind it.  buf holds sb - sa raw sectors. */
static void ar_search_track(struct job *j, const struct dw_ar_response *resp, int i,
                            uint8_t *buf)
{
    const struct dw_track *t = &j->disc->tracks[i];
    struct dw__or_accuraterip *a = &j->rep->accuraterip;
    struct dw__or_track *tr = dw__offset_report_add_track(j->rep, t->number);
    uint32_t targets[MAX_TARGETS];
    unsigned conf[MAX_TARGETS];
    int rc;
    if (!tr) {
        a->out_of_memory = true;
        return;
    }
    int32_t first = t->index_lba[1], sectors = ar_end(j->disc, i) - first;
    int nt = frame450_targets(resp, i, targets, conf);
    if ((int64_t)sectors * SPT < j->z_end)
        snprintf(tr->skipped, sizeof(tr->skipped),
                 "too short for frame 450 and the search range");
    else if (nt == 0)
        snprintf(tr->skipped, sizeof(tr->skipped),
                 "the database has no frame-450 value for it");
    else if ((rc = dw_drive_read_raw(j->drive, first + j->sa, j->sb - j->sa, buf)) != 0)
        snprintf(tr->skipped, sizeof(tr->skipped), "sectors %d-%d do not read: %s",
                 first + j->sa, first + j->sb - 1, dw_strerror(rc));
    if (tr->skipped[0]) {
        dw__offset_log_track(tr, j->cb);
        return;
    }
    struct dw_ar_offset_hit hits[DW__OR_MAX_MATCHES];
    size_t found = 0;
    const uint8_t *pcm = buf + (size_t)(j->z0 - j->sa * SPT) * 4;
    if (dw_ar_frame450_search(pcm, (size_t)(SPT + 2 * j->range) * 4, j->range, targets,
                              nt, hits, DW__OR_MAX_MATCHES, &found) != 0)
        found = 0;
    if (found > DW__OR_MAX_MATCHES)
        found = DW__OR_MAX_MATCHES;
    j->rep->tracks_searched++;
    for (size_t h = 0; h < found; h++) {
        int32_t s = hits[h].shift_samples;
        unsigned c = conf[hits[h].target];
        while (h + 1 < found && hits[h + 1].shift_samples == s)
            c += conf[hits[++h].target];
        vote(a, s, c);
        tr->matches[tr->match_count++] = (struct dw__or_match){s, c};
    }
    dw__offset_log_track(tr, j->cb);
}

/* The vote: the offset most tracks agree on (then the most confidence).
 * Two offsets with as many tracks are ambiguous (pressings that differ by
 * their own shift); one track alone of several is inconclusive. */
static void ar_decide(struct job *j)
{
    struct dw_offset_report *rep = j->rep;
    const struct dw__or_accuraterip *a = &rep->accuraterip;
    int best = -1, second = -1;
    for (int c = 0; c < a->candidate_count; c++) {
        const struct dw__or_candidate *k = &a->candidates[c];
        if (best < 0 || k->tracks > a->candidates[best].tracks ||
            (k->tracks == a->candidates[best].tracks &&
             k->confidence > a->candidates[best].confidence)) {
            second = best;
            best = c;
        } else if (second < 0 || k->tracks > a->candidates[second].tracks) {
            second = c;
        }
    }
    if (best < 0) {
        snprintf(rep->summary, sizeof(rep->summary),
                 "no track's frame 450 matched a pressing within %d samples",
                 (int)j->range);
        return;
    }
    const struct dw__or_candidate *w = &a->candidates[best];
    bool tie = second >= 0 && a->candidates[second].tracks == w->tracks;
    bool enough = w->tracks >= 2 || rep->tracks_searched == 1;
    if (tie) {
        snprintf(
            rep->summary, sizeof(rep->summary),
            "ambiguous: offsets %+d and %+d are each backed by %d track%s (pressings "
            "that differ by their own shift); try another disc",
            (int)w->offset_samples, (int)a->candidates[second].offset_samples, w->tracks,
            w->tracks == 1 ? "" : "s");
    } else if (!enough) {
        snprintf(rep->summary, sizeof(rep->summary),
                 "inconclusive: only 1 of %d tracks matched (at %+d)",
                 rep->tracks_searched, (int)w->offset_samples);
    } else {
        rep->found = true;
        rep->offset_samples = w->offset_samples;
        rep->method = DW_OFFSET_METHOD_ACCURATERIP;
        snprintf(rep->summary, sizeof(rep->summary),
                 "%+d samples: %d of %d tracks agree (AccurateRip confidence %u)",
                 (int)w->offset_samples, w->tracks, rep->tracks_searched, w->confidence);
    }
    rep->tracks_agreeing = w->tracks;
    rep->confidence = w->confidence;
}

/* Method (a): look the disc up, search every audio track, vote. */
static void key_disc(struct job *j)
{
    struct dw_ardb_result res;
    memset(&res, 0, sizeof(res));
    if (ar_lookup(j, &res)) {
        uint8_t *buf = malloc((size_t)(j->sb - j->sa) * DW_SECTOR_RAW_BYTES);
        if (!buf)
            j->rep->accuraterip.out_of_memory = true;
        for (int i = 0; buf && i < j->disc->track_count; i++)
            if (!dw_track_is_data(&j->disc->tracks[i]))
                ar_search_track(j, res.response, i, buf);
        free(buf);
        ar_decide(j);
    }
    dw_ardb_result_release(&res);
}

/* ---- method (b): the data track's sync ---------------------------------------- */

/* Read n sectors from lba raw and look for data sector syncs in them: a
 * sync where its header says it belongs counts as aligned, the first one
 * elsewhere is the hit. */
static void sync_probe(struct job *j, int32_t lba, int32_t n, int *aligned)
{
    struct dw__or_data_track *d = &j->rep->data_track;
    uint8_t *buf = malloc((size_t)n * DW_SECTOR_RAW_BYTES);
    if (!buf || d->probe_count == (int)(sizeof(d->probes) / sizeof(d->probes[0]))) {
        free(buf);
        return;
    }
    struct dw__or_probe *p = &d->probes[d->probe_count++];
    p->first_lba = lba;
    p->sectors = n;
    p->read_rc = dw_drive_read_raw(j->drive, lba, n, buf);
    if (!p->read_rc)
        p->sync_count = dw__offset_sync_scan(buf, (size_t)n * DW_SECTOR_RAW_BYTES,
                                             (int64_t)lba * DW_SECTOR_RAW_BYTES, p->syncs,
                                             DW__OR_MAX_SYNCS);
    for (int i = 0; i < p->sync_count; i++) {
        const struct dw__sync_hit *h = &p->syncs[i];
        if (h->combined_bytes == 0 && !h->scrambled) {
            (*aligned)++;
        } else if (d->status != DW__OR_DATA_SYNC_FOUND) {
            d->status = DW__OR_DATA_SYNC_FOUND;
            d->hit = *h;
        }
    }
    free(buf);
}

/* The first data track's first sectors, and the audio sectors next to it
 * in its session: through the audio path, a drive with a positive offset
 * returns the data track's first bytes there (data before audio), or its
 * last bytes (audio before data).  A sync out of place gives the combined
 * read + write offset, the answer when method (a) found none. */
static void data_track(struct job *j)
{
    struct dw_offset_report *rep = j->rep;
    struct dw__or_data_track *d = &rep->data_track;
    const struct dw_disc *disc = j->disc;
    int data = -1, aligned = 0;
    d->present = true;
    if (j->opts->flags & DW_OFFSET_NO_DATA_TRACK) {
        d->status = DW__OR_DATA_SKIPPED;
        return;
    }
    for (int i = 0; i < disc->track_count && data < 0; i++)
        if (dw_track_is_data(&disc->tracks[i]))
            data = i;
    if (data < 0) {
        d->status = DW__OR_DATA_NONE;
        return;
    }
    const struct dw_track *t = &disc->tracks[data];
    d->track = t->number;
    d->status = DW__OR_DATA_NO_SYNC;
    int32_t n = t->end_lba - t->index_lba[1] < DATA_SECTORS ? t->end_lba - t->index_lba[1]
                                                           : DATA_SECTORS;
    if (n > 0)
        sync_probe(j, t->index_lba[1], n, &aligned);
    if (data + 1 < disc->track_count && !dw_track_is_data(&disc->tracks[data + 1]) &&
        disc->tracks[data + 1].session == t->session)
        sync_probe(j, dw_track_first_lba(&disc->tracks[data + 1]), 2, &aligned);
    if (data > 0 && !dw_track_is_data(&disc->tracks[data - 1]) &&
        disc->tracks[data - 1].session == t->session)
        sync_probe(
            j, (t->index_lba[0] != DW_LBA_NONE ? t->index_lba[0] : t->index_lba[1]) - 2,
            2, &aligned);
    if (d->status != DW__OR_DATA_SYNC_FOUND && aligned)
        d->status = DW__OR_DATA_ALIGNED;
    dw__offset_log_data_track(rep, j->cb);
    int64_t b = d->hit.combined_bytes;
    if (d->status == DW__OR_DATA_SYNC_FOUND && b % 4 == 0 && !rep->found) {
        rep->found = true;
        rep->offset_samples = (int32_t)(b / 4);
        rep->method = DW_OFFSET_METHOD_DATA_TRACK;
        snprintf(
            rep->summary, sizeof(rep->summary),
            "%+d samples: the combined read + write offset from the data track's sync "
            "(the read offset only if the disc's write offset is 0)",
            (int)rep->offset_samples);
    }
}

/* ---- the search ------------------------------------------------------------------ */

/* The source: its medium (a CD) and layout. */
static int find_source(struct job *j, struct dw_error_detail *err)
{
    struct dw_offset_report *rep = j->rep;
    int rc;
    dw_drive_info(j->drive, &rep->source);
    if ((rc = dw_drive_medium(j->drive, &rep->medium))) {
        *err = *dw_drive_last_error(j->drive);
        if (!err->message[0])
            dw__set_error(err, rc, "cannot read the medium in '%s'", rep->source.address);
        return err->code = rc;
    }
    rep->have_source = true;
    if (!(j->disc = dw_drive_disc(j->drive))) {
        *err = *dw_drive_last_error(j->drive);
        return err->code ? err->code : (err->code = DW_EIO);
    }
    if (!rep->medium.is_cd)
        return dw__set_error(err, DW_EMEDIUM,
                             "'%s' holds a %s: read offsets are a CD matter",
                             rep->source.address, rep->medium.profile_name);
    return 0;
}

int dw_offset_find(struct dw_drive *drive, const struct dw_offset_find_opts *opts,
                   const struct dw_callbacks *cb, struct dw_offset_report **report,
                   struct dw_error_detail *err)
{
    static const struct dw_offset_find_opts defaults = {0};
    struct dw_error_detail local;
    struct job j = {.drive = drive, .opts = opts ? opts : &defaults, .cb = cb};
    int rc;
    if (!err)
        err = &local;
    memset(err, 0, sizeof(*err));
    if (report)
        *report = NULL;
    if (!drive || (j.opts->flags & ~(DW_OFFSET_NO_DATABASE | DW_OFFSET_NO_DATA_TRACK)) ||
        j.opts->range_samples < 0 || j.opts->range_samples > DW_AR_FRAME450_FIRST_SAMPLE)
        return dw__set_error(err, DW_EINVAL, "invalid offset search options");
    if (!(j.rep = dw__offset_report_new()))
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    j.range = j.opts->range_samples ? j.opts->range_samples : DW_OFFSET_DEFAULT_RANGE;
    j.rep->range_samples = j.range;
    j.z0 = DW_AR_FRAME450_FIRST_SAMPLE - j.range;
    j.z_end = DW_AR_FRAME450_FIRST_SAMPLE + SPT + j.range;
    j.sa = j.z0 / SPT;
    j.sb = (j.z_end + SPT - 1) / SPT;
    if (!(rc = find_source(&j, err))) {
        dw__offset_log_source(j.rep, cb);
        key_disc(&j);
        data_track(&j);
        if (!j.rep->found && !j.rep->summary[0])
            snprintf(
                j.rep->summary, sizeof(j.rep->summary),
                "no evidence: the disc is not in the AccurateRip database (or the "
                "database is unavailable) and its data track, if any, shows nothing");
    }
    dw__offset_report_finish(j.rep, rc ? err->message : NULL);
    if (!rc && !j.rep->json)
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
    if (report)
        *report = j.rep;
    else
        dw_offset_report_free(j.rep);
    return rc;
}
