/* Finding a drive's read offset: the AccurateRip key-disc search over
 * frame 450 and the data-track sync (discwright/offset.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "discwright/accuraterip.h"
#include "discwright/ardb.h"
#include "discwright/discid.h"
#include "discwright/offset.h"
#include "discwright/sector.h"
#include "errors_int.h"
#include "report/report_int.h"
#include "rip/offset.h"

#define SPT DW_AR_SAMPLES_PER_SECTOR
#define MAX_TARGETS 256
#define MAX_TRACK_HITS 32
#define MAX_CANDIDATES 64
/* Data-track sectors read from its INDEX 01. */
#define DATA_SECTORS 4

struct candidate {
    int32_t shift;
    int tracks;
    unsigned confidence;
};

struct job {
    const struct dw_callbacks *cb;
    json_object *root;
    struct candidate cand[MAX_CANDIDATES];
    int cand_count;
};

static void say(struct job *j, enum dw_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(struct job *j, enum dw_log_level level, const char *fmt, ...)
{
    char line[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (j->cb && j->cb->log)
        j->cb->log(level, line, j->cb->user);
}

static void vote(struct job *j, int32_t shift, unsigned confidence)
{
    for (int i = 0; i < j->cand_count; i++)
        if (j->cand[i].shift == shift) {
            j->cand[i].tracks++;
            j->cand[i].confidence += confidence;
            return;
        }
    if (j->cand_count < MAX_CANDIDATES)
        j->cand[j->cand_count++] = (struct candidate){shift, 1, confidence};
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

/* Method (a). */
static void key_disc(struct job *j, struct dw_drive *drive, const struct dw_disc *disc,
                     const struct dw_offset_find_opts *opts, int32_t range,
                     struct dw_offset_result *out)
{
    json_object *o = json_object_new_object();
    json_object_object_add(j->root, "accuraterip", o);
    if (opts->flags & DW_OFFSET_NO_DATABASE) {
        json_object_object_add(o, "status", json_object_new_string("skipped"));
        return;
    }
    struct dw_disc_ids ids;
    if (dw_disc_ids_compute(disc, 0, &ids) != 0) {
        json_object_object_add(o, "status", json_object_new_string("no audio tracks"));
        return;
    }
    struct dw_ardb_result res;
    int rc = dw_ardb_lookup(ids.ar_path, opts->accuraterip, &res);
    json_object_object_add(o, "path", json_object_new_string(ids.ar_path));
    json_object_object_add(o, "url", json_object_new_string(res.url));
    json_object_object_add(o, "origin", json_object_new_string(res.origin));
    if (rc || res.status != DW_ARDB_FOUND) {
        const char *st = res.status == DW_ARDB_NOT_FOUND ? "not in database" : "unavailable";
        json_object_object_add(o, "status", json_object_new_string(st));
        if (res.message[0])
            json_object_object_add(o, "message", json_object_new_string(res.message));
        say(j, DW_LOG_INFO, "AccurateRip key-disc search: %s %s%s%s", ids.ar_path,
            res.status == DW_ARDB_NOT_FOUND ? "is not in the database" : "unavailable",
            res.message[0] ? ": " : "", res.message);
        dw_ardb_result_release(&res);
        return;
    }
    const struct dw_ar_response *resp = res.response;
    json_object_object_add(o, "status", json_object_new_string("found"));
    json_object_object_add(o, "blocks", json_object_new_int(resp->block_count));
    say(j, DW_LOG_INFO, "AccurateRip key-disc search: %s, %d pressing block%s, shifts of up "
                        "to %d samples",
        ids.ar_path, resp->block_count, resp->block_count == 1 ? "" : "s", (int)range);

    int32_t z0 = DW_AR_FRAME450_FIRST_SAMPLE - range;  /* 0-based track sample */
    int32_t z_end = DW_AR_FRAME450_FIRST_SAMPLE + SPT + range;
    int32_t sa = z0 / SPT, sb = (z_end + SPT - 1) / SPT;
    uint8_t *buf = malloc((size_t)(sb - sa) * DW_SECTOR_RAW_BYTES);
    json_object *tracks = json_object_new_array();
    json_object_object_add(o, "tracks", tracks);
    for (int i = 0; buf && i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (dw_track_is_data(t))
            continue;
        json_object *tj = json_object_new_object();
        json_object_array_add(tracks, tj);
        json_object_object_add(tj, "number", json_object_new_int(t->number));
        int32_t first = t->index_lba[1], sectors = ar_end(disc, i) - first;
        uint32_t targets[MAX_TARGETS];
        unsigned conf[MAX_TARGETS];
        int nt = 0;
        for (int b = 0; b < resp->block_count && nt < MAX_TARGETS; b++) {
            const struct dw_ar_block *blk = &resp->blocks[b];
            if (i < blk->track_count && blk->tracks[i].confidence && blk->tracks[i].frame450) {
                targets[nt] = blk->tracks[i].frame450;
                conf[nt++] = blk->tracks[i].confidence;
            }
        }
        const char *skip = NULL;
        char why[160];
        if ((int64_t)sectors * SPT < z_end)
            skip = "too short for frame 450 and the search range";
        else if (nt == 0)
            skip = "the database has no frame-450 value for it";
        else if ((rc = dw_drive_read_raw(drive, first + sa, sb - sa, buf)) != 0) {
            snprintf(why, sizeof(why), "sectors %d-%d do not read: %s", first + sa,
                     first + sb - 1, dw_strerror(rc));
            skip = why;
        }
        if (skip) {
            json_object_object_add(tj, "skipped", json_object_new_string(skip));
            say(j, DW_LOG_INFO, "  track %02d: not searched: %s", t->number, skip);
            continue;
        }
        struct dw_ar_offset_hit hits[MAX_TRACK_HITS];
        size_t found = 0;
        const uint8_t *pcm = buf + (size_t)(z0 - sa * SPT) * 4;
        if (dw_ar_frame450_search(pcm, (size_t)(SPT + 2 * range) * 4, range, targets, nt, hits,
                                  MAX_TRACK_HITS, &found) != 0)
            found = 0;
        if (found > MAX_TRACK_HITS)
            found = MAX_TRACK_HITS;
        out->tracks_searched++;
        json_object *hj = json_object_new_array();
        json_object_object_add(tj, "matches", hj);
        char line[512] = "";
        size_t used = 0;
        for (size_t h = 0; h < found; h++) {
            int32_t s = hits[h].shift_samples;
            unsigned c = conf[hits[h].target];
            while (h + 1 < found && hits[h + 1].shift_samples == s)
                c += conf[hits[++h].target];
            vote(j, s, c);
            json_object *m = json_object_new_object();
            json_object_object_add(m, "offset", json_object_new_int(s));
            json_object_object_add(m, "confidence", json_object_new_int((int)c));
            json_object_array_add(hj, m);
            int n = snprintf(line + used, sizeof(line) - used, "%s%+d (confidence %u)",
                             used ? ", " : "", (int)s, c);
            if (n > 0 && (size_t)n < sizeof(line) - used)
                used += (size_t)n;
        }
        say(j, DW_LOG_INFO, "  track %02d: %s%s", t->number,
            found ? "frame 450 matches at " : "no pressing's frame 450 within the range",
            line);
    }
    if (!buf)
        json_object_object_add(o, "error", json_object_new_string("out of memory"));
    free(buf);
    dw_ardb_result_release(&res);

    /* The vote. */
    json_object *cj = json_object_new_array();
    json_object_object_add(o, "candidates", cj);
    int best = -1, second = -1;
    for (int c = 0; c < j->cand_count; c++) {
        json_object *m = json_object_new_object();
        json_object_object_add(m, "offset", json_object_new_int(j->cand[c].shift));
        json_object_object_add(m, "tracks", json_object_new_int(j->cand[c].tracks));
        json_object_object_add(m, "confidence", json_object_new_int((int)j->cand[c].confidence));
        json_object_array_add(cj, m);
        const struct candidate *k = &j->cand[c];
        if (best < 0 || k->tracks > j->cand[best].tracks ||
            (k->tracks == j->cand[best].tracks && k->confidence > j->cand[best].confidence)) {
            second = best;
            best = c;
        } else if (second < 0 || k->tracks > j->cand[second].tracks) {
            second = c;
        }
    }
    if (best < 0) {
        snprintf(out->summary, sizeof(out->summary),
                 "no track's frame 450 matched a pressing within %d samples", (int)range);
        return;
    }
    const struct candidate *w = &j->cand[best];
    bool tie = second >= 0 && j->cand[second].tracks == w->tracks;
    bool enough = w->tracks >= 2 || out->tracks_searched == 1;
    if (tie) {
        snprintf(out->summary, sizeof(out->summary),
                 "ambiguous: offsets %+d and %+d are each backed by %d track%s (pressings "
                 "that differ by their own shift); try another disc",
                 (int)w->shift, (int)j->cand[second].shift, w->tracks, w->tracks == 1 ? "" : "s");
    } else if (!enough) {
        snprintf(out->summary, sizeof(out->summary),
                 "inconclusive: only 1 of %d tracks matched (at %+d)", out->tracks_searched,
                 (int)w->shift);
    } else {
        out->found = true;
        out->offset_samples = w->shift;
        snprintf(out->method, sizeof(out->method), "accuraterip");
        snprintf(out->summary, sizeof(out->summary),
                 "%+d samples: %d of %d tracks agree (AccurateRip confidence %u)", (int)w->shift,
                 w->tracks, out->tracks_searched, w->confidence);
    }
    out->tracks_agreeing = w->tracks;
    out->confidence = w->confidence;
}

/* Method (b): scan n sectors from lba for data sector syncs. */
static int sync_probe(struct dw_drive *drive, int32_t lba, int32_t n, json_object *arr,
                      struct dw__sync_hit *first_hit, int *aligned)
{
    uint8_t *buf = malloc((size_t)n * DW_SECTOR_RAW_BYTES);
    struct dw__sync_hit hits[16];
    int found = 0;
    if (!buf)
        return 0;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "first_lba", json_object_new_int(lba));
    json_object_object_add(o, "sectors", json_object_new_int(n));
    int rc = dw_drive_read_raw(drive, lba, n, buf);
    if (rc) {
        json_object_object_add(o, "error", json_object_new_string(dw_strerror(rc)));
    } else {
        found = dw__offset_sync_scan(buf, (size_t)n * DW_SECTOR_RAW_BYTES,
                                     (int64_t)lba * DW_SECTOR_RAW_BYTES, hits, 16);
        json_object *hj = json_object_new_array();
        for (int i = 0; i < found; i++) {
            json_object *h = json_object_new_object();
            json_object_object_add(h, "byte", json_object_new_int64(hits[i].byte_pos));
            json_object_object_add(h, "header_lba", json_object_new_int(hits[i].header_lba));
            json_object_object_add(h, "scrambled", json_object_new_boolean(hits[i].scrambled));
            json_object_object_add(h, "combined_bytes",
                                   json_object_new_int64(hits[i].combined_bytes));
            json_object_array_add(hj, h);
            if (hits[i].combined_bytes == 0 && !hits[i].scrambled)
                (*aligned)++;
            else if (first_hit->byte_pos < 0)
                *first_hit = hits[i];
        }
        json_object_object_add(o, "syncs", hj);
    }
    json_object_array_add(arr, o);
    free(buf);
    return found;
}

static void data_track(struct job *j, struct dw_drive *drive, const struct dw_disc *disc,
                       const struct dw_offset_find_opts *opts, struct dw_offset_result *out)
{
    json_object *o = json_object_new_object();
    json_object_object_add(j->root, "data_track", o);
    if (opts->flags & DW_OFFSET_NO_DATA_TRACK) {
        json_object_object_add(o, "status", json_object_new_string("skipped"));
        return;
    }
    int data = -1;
    for (int i = 0; i < disc->track_count && data < 0; i++)
        if (dw_track_is_data(&disc->tracks[i]))
            data = i;
    if (data < 0) {
        json_object_object_add(o, "status", json_object_new_string("no data track"));
        return;
    }
    const struct dw_track *t = &disc->tracks[data];
    json_object_object_add(o, "track", json_object_new_int(t->number));
    json_object *probes = json_object_new_array();
    json_object_object_add(o, "probes", probes);
    struct dw__sync_hit hit = {.byte_pos = -1};
    int aligned = 0, syncs = 0;
    int32_t n = t->end_lba - t->index_lba[1] < DATA_SECTORS ? t->end_lba - t->index_lba[1]
                                                           : DATA_SECTORS;
    if (n > 0)
        syncs += sync_probe(drive, t->index_lba[1], n, probes, &hit, &aligned);
    /* The audio sectors next to it: through the audio path, a drive with a
     * positive offset returns the data track's first bytes there (data
     * before audio), or its last bytes (audio before data). */
    if (data + 1 < disc->track_count && !dw_track_is_data(&disc->tracks[data + 1]) &&
        disc->tracks[data + 1].session == t->session)
        syncs += sync_probe(drive, dw_track_first_lba(&disc->tracks[data + 1]), 2, probes, &hit,
                            &aligned);
    if (data > 0 && !dw_track_is_data(&disc->tracks[data - 1]) &&
        disc->tracks[data - 1].session == t->session)
        syncs += sync_probe(drive, t->index_lba[0] != DW_LBA_NONE ? t->index_lba[0] - 2
                                                                   : t->index_lba[1] - 2,
                            2, probes, &hit, &aligned);
    if (hit.byte_pos >= 0) {
        int64_t b = hit.combined_bytes;
        json_object_object_add(o, "status", json_object_new_string("sync found"));
        json_object_object_add(o, "combined_bytes", json_object_new_int64(b));
        say(j, DW_LOG_INFO,
            "data track %02d: sync of sector %d found at byte %lld of LBA %lld (%s): "
            "combined read + write offset %+lld bytes%s",
            t->number, hit.header_lba, (long long)(hit.byte_pos % DW_SECTOR_RAW_BYTES),
            (long long)(hit.byte_pos / DW_SECTOR_RAW_BYTES),
            hit.scrambled ? "scrambled" : "not scrambled", (long long)b,
            b % 4 ? " (not a whole number of samples)" : "");
        if (b % 4 == 0) {
            int32_t s = (int32_t)(b / 4);
            json_object_object_add(o, "combined_samples", json_object_new_int(s));
            if (!out->found) {
                out->found = true;
                out->offset_samples = s;
                snprintf(out->method, sizeof(out->method), "data track");
                snprintf(out->summary, sizeof(out->summary),
                         "%+d samples: the combined read + write offset from the data track's "
                         "sync (the read offset only if the disc's write offset is 0)",
                         (int)s);
            }
        }
    } else if (aligned) {
        json_object_object_add(o, "status", json_object_new_string("aligned"));
        say(j, DW_LOG_INFO,
            "data track %02d: the drive returns its sectors descrambled and aligned to their "
            "sync (its data path): no evidence of the audio read offset",
            t->number);
    } else {
        json_object_object_add(o, "status", json_object_new_string(syncs ? "aligned" : "no sync"));
        say(j, DW_LOG_INFO, "data track %02d: no sync pattern in what the drive returned",
            t->number);
    }
}

int dw_offset_find(struct dw_drive *drive, const struct dw_offset_find_opts *opts,
                   const struct dw_callbacks *cb, struct dw_offset_result *out,
                   struct dw_error_detail *err)
{
    struct dw_offset_find_opts defaults = {0};
    struct dw_error_detail local;
    struct dw_drive_info info;
    struct dw_medium_info medium;
    struct job j = {.cb = cb};
    int rc;
    if (!err)
        err = &local;
    memset(err, 0, sizeof(*err));
    if (!out)
        return dw__set_error(err, DW_EINVAL, "no result given");
    memset(out, 0, sizeof(*out));
    if (!opts)
        opts = &defaults;
    if (!drive || (opts->flags & ~(DW_OFFSET_NO_DATABASE | DW_OFFSET_NO_DATA_TRACK)) ||
        opts->range_samples < 0 || opts->range_samples > DW_AR_FRAME450_FIRST_SAMPLE)
        return dw__set_error(err, DW_EINVAL, "invalid offset search options");
    int32_t range = opts->range_samples ? opts->range_samples : DW_OFFSET_DEFAULT_RANGE;
    dw_drive_info(drive, &info);
    if ((rc = dw_drive_medium(drive, &medium))) {
        *err = *dw_drive_last_error(drive);
        if (!err->message[0])
            dw__set_error(err, rc, "cannot read the medium in '%s'", info.address);
        return err->code = rc;
    }
    const struct dw_disc *disc = dw_drive_disc(drive);
    if (!disc) {
        *err = *dw_drive_last_error(drive);
        return err->code ? err->code : DW_EIO;
    }
    if (!medium.is_cd)
        return dw__set_error(err, DW_EMEDIUM, "'%s' holds a %s: read offsets are a CD matter",
                             info.address, medium.profile_name);
    j.root = json_object_new_object();
    json_object_object_add(j.root, "tool", json_object_new_string("discwright " DW_VERSION_STRING));
    json_object_object_add(j.root, "command", json_object_new_string("offset"));
    json_object_object_add(j.root, "source", dw__json_drive(&info, &medium));
    json_object_object_add(j.root, "range_samples", json_object_new_int(range));
    if (info.kind != DW_DRIVE_MMC)
        say(&j, DW_LOG_INFO, "'%s' is an image: the answer is its own shift against the "
                             "database, not a drive's",
            info.address);
    key_disc(&j, drive, disc, opts, range, out);
    data_track(&j, drive, disc, opts, out);
    if (!out->found && !out->summary[0])
        snprintf(out->summary, sizeof(out->summary),
                 "no evidence: the disc is not in the AccurateRip database (or the database "
                 "is unavailable) and its data track, if any, shows nothing");
    json_object_object_add(j.root, "found", json_object_new_boolean(out->found));
    json_object_object_add(j.root, "offset",
                           out->found ? json_object_new_int(out->offset_samples) : NULL);
    json_object_object_add(j.root, "method", json_object_new_string(out->method));
    json_object_object_add(j.root, "summary", json_object_new_string(out->summary));
    out->report_json = strdup(json_object_to_json_string_ext(
        j.root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(j.root);
    if (!out->report_json)
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    return 0;
}
