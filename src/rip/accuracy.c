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
    json_object *offset_json;           /* "read_offset" in the report (borrowed) */
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

int dw__rip_offset_setup(struct dw__rip *r, const struct dw_drive_info *info, bool iso,
                         json_object *report)
{
    struct dw__rip_accuracy *a = acc_of(r);
    const struct dw_rip_opts *opts = r->opts;
    bool given = opts->flags & DW_RIP_READ_OFFSET;
    int32_t samples = 0;
    const char *source = "none";
    char detail[512] = "";
    if (!a)
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    json_object *o = json_object_new_object();
    if (info->kind != DW_DRIVE_MMC) {
        snprintf(detail, sizeof(detail), "an image holds its audio as it was ripped%s",
                 given ? "; --offset applies to drives only and is ignored" : "");
    } else if (iso) {
        snprintf(detail, sizeof(detail), "--format iso reads no audio");
    } else if (given) {
        samples = opts->read_offset_samples;
        source = "option";
        snprintf(detail, sizeof(detail), "--offset");
    } else {
        struct dw_drive_offset d;
        if (dw_profile_drive_offset(info->vendor, info->model, &d) == 0) {
            samples = d.samples;
            source = "table";
            snprintf(detail, sizeof(detail), "%.300s line %d (%s %s)", d.table, d.line, d.vendor,
                     d.model);
        } else {
            snprintf(detail, sizeof(detail),
                     "'%s %s' is not in the drive offset tables: find its offset with "
                     "'discwright offset' and pass --offset",
                     info->vendor, info->model);
        }
    }
    bool applied = samples != 0;
    if (applied) {
        int rc = dw__offset_reader_new(r->drive, r->disc, samples, &a->offset);
        if (rc) {
            json_object_put(o);
            return dw__set_error(r->err, rc, "out of memory");
        }
        a->offset_samples = samples;
    }
    json_object_object_add(o, "samples", json_object_new_int(samples));
    json_object_object_add(o, "source", json_object_new_string(source));
    json_object_object_add(o, "detail", json_object_new_string(detail));
    json_object_object_add(o, "applied", json_object_new_boolean(applied));
    json_object_object_add(report, "read_offset", o);
    a->offset_json = o;
    if (!strcmp(source, "none"))
        dw__rip_log(r, DW_LOG_INFO, "read offset correction: none (%s)", detail);
    else
        dw__rip_log(r, DW_LOG_INFO, "read offset correction: %+d samples (from the %s: %s)",
                    samples, !strcmp(source, "option") ? "command line" : "drive table",
                    detail);
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

/* The zero-filled edges into the log and the report. */
static void offset_finish(struct dw__rip *r)
{
    struct dw__rip_accuracy *a = r->acc;
    if (!a || !a->offset || !a->offset_json)
        return;
    const struct dw__offset_span *spans;
    int n = dw__offset_spans(a->offset, &spans);
    json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        const struct dw__offset_span *s = &spans[i];
        int64_t lba = s->first_sample / DW_AR_SAMPLES_PER_SECTOR;
        const struct dw__ar_track *t = ar_track_at(r, s->first_sample);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "first_sample", json_object_new_int64(s->first_sample));
        json_object_object_add(o, "samples", json_object_new_int64(s->samples));
        json_object_object_add(o, "lba", json_object_new_int64(lba));
        json_object_object_add(o, "track", t ? json_object_new_int(t->number) : NULL);
        json_object_object_add(o, "source", json_object_new_string(
                                                dw__offset_edge_name(s->why)));
        json_object_array_add(arr, o);
        char where[32] = "";
        if (t)
            snprintf(where, sizeof(where), " (track %02d)", t->number);
        dw__rip_log(r, DW_LOG_INFO,
                    "read offset: %lld samples from sample %lld of LBA %lld%s were "
                    "zero-filled: they lie in the %s, %s",
                    (long long)s->samples, (long long)(s->first_sample - lba * 588),
                    (long long)lba, where, dw__offset_edge_name(s->why),
                    s->why == DW_OFFSET_EDGE_DATA ? "which holds no audio"
                                                  : "which the drive does not read");
    }
    json_object_object_add(a->offset_json, "zero_filled", arr);
    json_object *ov = json_object_new_object();
    for (int e = DW_OFFSET_EDGE_LEADIN; e <= DW_OFFSET_EDGE_LEADOUT; e++) {
        int v = dw__offset_overread(a->offset, (enum dw__offset_edge)e);
        json_object_object_add(ov, e == DW_OFFSET_EDGE_LEADIN ? "lead_in" : "lead_out",
                               json_object_new_string(v < 0 ? "not needed" : v ? "read"
                                                                             : "refused"));
        if (v > 0)
            dw__rip_log(r, DW_LOG_INFO, "read offset: the drive reads into the %s "
                                        "(overread): those samples are the disc's",
                        dw__offset_edge_name((enum dw__offset_edge)e));
    }
    json_object_object_add(a->offset_json, "overread", ov);
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
 * shift: one JSON entry per shift with the confidence behind it. */
static json_object *pressing_search(struct dw__rip *r, int ar_index, int slot,
                                    const struct dw_ar_response *resp, char *text,
                                    size_t text_bytes)
{
    struct dw__rip_accuracy *a = r->acc;
    json_object *arr = json_object_new_array();
    text[0] = '\0';
    if (!a || !a->win || ar_index >= a->win_count || !a->win[ar_index].pcm)
        return arr;
    const struct window *w = &a->win[ar_index];
    /* The largest symmetric shift the samples kept allow. */
    int64_t shift = w->filled - DW_AR_SAMPLES_PER_SECTOR - DW_RIP_AR_WINDOW_SHIFT;
    if (shift > DW_RIP_AR_WINDOW_SHIFT)
        shift = DW_RIP_AR_WINDOW_SHIFT;
    if (shift < 0)
        return arr;
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
        return arr;
    if (found > MAX_HITS)
        found = MAX_HITS;
    size_t used = 0;
    for (size_t i = 0; i < found; i++) {
        int32_t s = hits[i].shift_samples;
        unsigned c = conf[hits[i].target];
        /* Hits come in order of shift: fold the same shift's targets. */
        while (i + 1 < found && hits[i + 1].shift_samples == s)
            c += conf[hits[++i].target];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "offset", json_object_new_int(s));
        json_object_object_add(o, "confidence", json_object_new_int((int)c));
        json_object_array_add(arr, o);
        int n = s ? snprintf(text + used, text_bytes - used,
                             "%smatches pressing at offset %+d (frame 450, confidence %u)",
                             used ? ", " : "", (int)s, c)
                  : snprintf(text + used, text_bytes - used,
                             "%sframe 450 matches without a shift (confidence %u): the "
                             "difference lies elsewhere in the track",
                             used ? ", " : "", c);
        if (n > 0 && (size_t)n < text_bytes - used)
            used += (size_t)n;
    }
    return arr;
}

/* ------------------------------------------------------------------ */
/* AccurateRip                                                          */

static void ar_json_status(json_object *o, const char *status, const char *message)
{
    json_object_object_add(o, "status", json_object_new_string(status));
    if (message && message[0])
        json_object_object_add(o, "message", json_object_new_string(message));
}

/* A database lookup's stop function: the rip's progress callback (so that
 * Ctrl-C reaches a lookup that hangs). */
static int lookup_stop(void *user)
{
    return dw__rip_progress(user, 0, false) != 0;
}

/* The lookup stopped: say so (the rip then ends with DW_EABORTED). */
static void lookup_stopped(struct dw__rip *r, json_object *o, const char *what)
{
    ar_json_status(o, "stopped", "stopped during the lookup");
    dw__set_error(r->err, DW_EABORTED,
                  "stopped during the %s lookup: '%s' and its cue are complete, but no "
                  "database has confirmed them",
                  what, r->result->image_path);
}

static void ar_check(struct dw__rip *r, json_object *report)
{
    struct dw_disc_ids ids;
    struct dw_ardb_result res = {0};
    struct dw_ar_checksums *ours = NULL;
    struct dw_ar_track_match *per = NULL;
    json_object *o = NULL;

    o = json_object_new_object();
    json_object_object_add(report, "accuraterip", o);
    if (dw_disc_ids_compute(r->disc, 0, &ids) != 0) {
        ar_json_status(o, "skipped", "the disc ids cannot be computed from this layout");
        dw__rip_log(r, DW_LOG_WARN, "AccurateRip: skipped: no disc ids for this layout");
        return;
    }
    json_object_object_add(o, "path", json_object_new_string(ids.ar_path));
    if (r->opts->flags & DW_RIP_NO_ACCURATERIP) {
        ar_json_status(o, "skipped", "--no-accuraterip");
        dw__rip_log(r, DW_LOG_INFO, "AccurateRip: not asked (--no-accuraterip)");
        return;
    }
    struct dw_ardb_opts ao = {0};
    if (r->opts->accuraterip)
        ao = *r->opts->accuraterip;
    ao.stop = lookup_stop;
    ao.stop_user = r;
    int rc = dw_ardb_lookup(ids.ar_path, &ao, &res);
    if (rc == DW_EABORTED) {
        lookup_stopped(r, o, "AccurateRip");
        goto out;
    }
    json_object_object_add(o, "url", json_object_new_string(res.url));
    json_object_object_add(o, "origin", json_object_new_string(res.origin));
    if (res.cache_path[0])
        json_object_object_add(o, "cache", json_object_new_string(res.cache_path));
    if (rc || res.status == DW_ARDB_UNAVAILABLE) {
        ar_json_status(o, "unavailable", res.message);
        dw__rip_log(r, DW_LOG_WARN, "AccurateRip unavailable: %s; the rip goes on unconfirmed",
                    res.message);
        goto out;
    }
    if (res.status == DW_ARDB_NOT_FOUND) {
        ar_json_status(o, "not in database", res.message);
        dw__rip_log(r, DW_LOG_INFO, "AccurateRip: %s is not in the database (%s%s)",
                    ids.ar_path, res.origin, !strcmp(res.origin, "cache") ? "d answer" : "");
        goto out;
    }

    /* Database slots: the position of the track on the disc (a mixed-mode
     * disc's data track 1 keeps slot 0; ARver's doc/data_track.md). */
    const struct dw_ar_response *resp = res.response;
    int slots = 0;
    for (int b = 0; b < resp->block_count; b++)
        if (resp->blocks[b].track_count > slots)
            slots = resp->blocks[b].track_count;
    int slot_of[DW_MAX_TRACKS];
    for (int i = 0; i < r->ar_count; i++) {
        slot_of[i] = -1;
        for (int k = 0; k < r->disc->track_count; k++)
            if (r->disc->tracks[k].number == r->ar[i].number)
                slot_of[i] = k;
    }
    ours = calloc((size_t)slots, sizeof(*ours));
    per = calloc((size_t)slots, sizeof(*per));
    if (!ours || !per) {
        ar_json_status(o, "unavailable", "out of memory");
        goto out;
    }
    for (int i = 0; i < r->ar_count; i++)
        if (slot_of[i] >= 0 && slot_of[i] < slots)
            dw_ar_calc_final(r->ar[i].calc, &ours[slot_of[i]]);
    dw_ar_match(resp, ours, slots, per, NULL);

    dw__rip_log(r, DW_LOG_INFO, "AccurateRip: %s (%d pressing block%s, from the %s)",
                ids.ar_path, resp->block_count, resp->block_count == 1 ? "" : "s", res.origin);
    json_object *tracks = json_object_new_array();
    int accurate = 0, with_entries = 0;
    unsigned disc_conf = 0;
    bool first = true;
    for (int i = 0; i < r->ar_count; i++) {
        int slot = slot_of[i];
        json_object *t = json_object_new_object();
        json_object_object_add(t, "number", json_object_new_int(r->ar[i].number));
        json_object_object_add(t, "slot", json_object_new_int(slot + 1));
        const struct dw_ar_track_match *m = slot >= 0 && slot < slots ? &per[slot] : NULL;
        char line[768];
        if (!m || m->submissions == 0) {
            json_object_object_add(t, "status", json_object_new_string("not in database"));
            snprintf(line, sizeof(line), "not in database (no entry for slot %d)", slot + 1);
            disc_conf = 0;
            first = false;
        } else {
            with_entries++;
            unsigned both = m->confidence_v1 + m->confidence_v2;
            json_object_object_add(t, "submissions", json_object_new_int((int)m->submissions));
            json_object_object_add(t, "confidence_v1", json_object_new_int((int)m->confidence_v1));
            json_object_object_add(t, "confidence_v2", json_object_new_int((int)m->confidence_v2));
            json_object_object_add(t, "frame450_match", json_object_new_boolean(m->frame450_match));
            if (m->kind != DW_AR_MATCH_NONE) {
                const char *v = m->kind == DW_AR_MATCH_V2 ? "v2" : "v1";
                accurate++;
                if (r->acc && r->ar[i].number >= 1 && r->ar[i].number <= DW_MAX_TRACKS)
                    r->acc->ar_confidence[r->ar[i].number] = m->confidence;
                json_object_object_add(t, "status", json_object_new_string("accurate"));
                json_object_object_add(t, "version", json_object_new_string(v));
                json_object_object_add(t, "confidence", json_object_new_int((int)m->confidence));
                snprintf(line, sizeof(line), "accurate (%s), confidence %u of %u", v,
                         m->confidence, m->submissions);
                if (first || both < disc_conf)
                    disc_conf = both;
            } else {
                char ev[384];
                json_object_object_add(t, "status", json_object_new_string("not accurate"));
                json_object_object_add(t, "pressings",
                                       pressing_search(r, i, slot, resp, ev, sizeof(ev)));
                snprintf(line, sizeof(line), "not accurate (%u submission%s)%s%s",
                         m->submissions, m->submissions == 1 ? "" : "s", ev[0] ? "; " : "", ev);
                disc_conf = 0;
            }
            first = false;
        }
        json_object_array_add(tracks, t);
        dw__rip_log(r, DW_LOG_INFO, "  track %02d: %s", r->ar[i].number, line);
    }
    json_object_object_add(o, "tracks", tracks);
    const char *verdict = accurate == r->ar_count ? "accurate"
                          : accurate > 0          ? "partially accurate"
                          : with_entries > 0      ? "not accurate"
                                                  : "not in database";
    if (accurate != r->ar_count)
        disc_conf = 0;
    ar_json_status(o, verdict, res.message);
    json_object *d = json_object_new_object();
    json_object_object_add(d, "tracks", json_object_new_int(r->ar_count));
    json_object_object_add(d, "accurate", json_object_new_int(accurate));
    json_object_object_add(d, "confidence", json_object_new_int((int)disc_conf));
    json_object_object_add(o, "disc", d);
    if (accurate == r->ar_count)
        dw__rip_log(r, DW_LOG_INFO, "AccurateRip: %s: %d of %d tracks, disc confidence %u",
                    verdict, accurate, r->ar_count, disc_conf);
    else
        dw__rip_log(r, DW_LOG_INFO, "AccurateRip: %s: %d of %d tracks", verdict, accurate,
                    r->ar_count);
    if (res.message[0])
        dw__rip_log(r, DW_LOG_WARN, "AccurateRip: %s", res.message);
out:
    free(ours);
    free(per);
    dw_ardb_result_release(&res);
}

/* ------------------------------------------------------------------ */
/* CTDB                                                                 */

static json_object *hex32(uint32_t v)
{
    char s[9];
    snprintf(s, sizeof(s), "%08x", v);
    return json_object_new_string(s);
}

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

/* Each track's CTDB result into the log, the report (o's "tracks") and
 * a->ctdb_confidence; ours alone (match NULL) when nothing was compared. */
static void ctdb_tracks(struct dw__rip *r, json_object *o, const struct dw_ctdb_checksums *ours,
                        const struct dw_ctdb_track_match *match)
{
    json_object *tracks = json_object_new_array();
    for (int i = 0; i < ours->track_count && i < r->ar_count; i++) {
        const struct dw_ctdb_track_match *m = match ? &match[i] : NULL;
        int number = r->ar[i].number;
        json_object *t = json_object_new_object();
        json_object_object_add(t, "number", json_object_new_int(number));
        json_object_object_add(t, "crc32", hex32(ours->track_crc32[i]));
        if (m) {
            const char *st = m->matched ? "accurate" : m->submissions ? "not accurate"
                                                                      : "not in database";
            json_object_object_add(t, "status", json_object_new_string(st));
            json_object_object_add(t, "confidence", json_object_new_int((int)m->confidence));
            json_object_object_add(t, "submissions", json_object_new_int((int)m->submissions));
            if (m->matched && r->acc && number >= 1 && number <= DW_MAX_TRACKS)
                r->acc->ctdb_confidence[number] = m->confidence;
            if (m->matched)
                dw__rip_log(r, DW_LOG_INFO, "  track %02d: CTDB CRC %08x, accurate, confidence %u "
                            "of %u", number, (unsigned)ours->track_crc32[i], m->confidence,
                            m->submissions);
            else if (m->submissions)
                dw__rip_log(r, DW_LOG_INFO, "  track %02d: CTDB CRC %08x, not accurate (%u "
                            "submission%s)", number, (unsigned)ours->track_crc32[i],
                            m->submissions, m->submissions == 1 ? "" : "s");
            else
                dw__rip_log(r, DW_LOG_INFO, "  track %02d: CTDB CRC %08x, not in database (no "
                            "track CRCs for this layout)", number, (unsigned)ours->track_crc32[i]);
        }
        json_object_array_add(tracks, t);
    }
    json_object_object_add(o, "tracks", tracks);
}

/* The entries of a response with how each compares, into o's "entries". */
static void ctdb_entries(json_object *o, const struct dw_ctdb_response *resp,
                         const struct dw_ctdb_entry_match *em, const struct dw_ctdb_checksums *ours)
{
    json_object *arr = json_object_new_array();
    for (int i = 0; i < resp->entry_count; i++) {
        const struct dw_ctdb_entry *e = &resp->entries[i];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "id", json_object_new_int64(e->id));
        json_object_object_add(j, "confidence", json_object_new_int64(e->confidence));
        json_object_object_add(j, "crc32", hex32(e->crc32));
        json_object_object_add(j, "matched", json_object_new_boolean(em[i].disc));
        json_object_object_add(j, "toc", e->toc ? json_object_new_string(e->toc) : NULL);
        json_object_object_add(j, "toc_matched", json_object_new_boolean(em[i].toc));
        json_object_object_add(j, "npar", json_object_new_int(e->npar));
        json_object_object_add(j, "stride", json_object_new_int(e->stride));
        json_object_object_add(j, "hasparity",
                               e->hasparity ? json_object_new_string(e->hasparity) : NULL);
        /* Per track: does its CRC in this entry equal ours (null: the entry
         * has no track CRCs for our layout). */
        json_object *tm = NULL;
        if (em[i].toc && e->track_count == ours->track_count && e->track_crc32) {
            tm = json_object_new_array();
            for (int k = 0; k < e->track_count; k++)
                json_object_array_add(tm, json_object_new_boolean(
                                              e->track_crc32[k] != 0 &&
                                              e->track_crc32[k] == ours->track_crc32[k]));
        }
        json_object_object_add(j, "track_matches", tm);
        json_object_array_add(arr, j);
    }
    json_object_object_add(o, "entries", arr);
}

static void ctdb_check(struct dw__rip *r, json_object *report)
{
    struct dw__rip_accuracy *a = acc_of(r);
    struct dw_disc_ids ids;
    struct dw_ctdb_checksums ours;
    struct dw_ctdb_result res = {0};
    struct dw_ctdb_opts obuf;
    struct dw_ctdb_entry_match *em = NULL;
    struct dw_ctdb_track_match tm[DW_MAX_TRACKS];
    struct dw_ctdb_disc_match dm;
    char toc[DW_CTDB_TOC_BYTES], dir[4096 + 8];
    json_object *o = json_object_new_object();
    json_object_object_add(report, "ctdb", o);
    bool have_toc = dw_ctdb_toc(r->disc, toc, sizeof(toc)) == 0;
    if (dw_disc_ids_compute(r->disc, 0, &ids) == 0)
        json_object_object_add(o, "toc_id", json_object_new_string(ids.ctdb_toc_id));
    if (have_toc)
        json_object_object_add(o, "toc", json_object_new_string(toc));
    if (!a || !a->ctdb || a->ctdb_off || dw_ctdb_calc_final(a->ctdb, &ours) != 0) {
        const char *why = a && a->ctdb_off ? a->ctdb_why : "not all of the audio was checksummed";
        ar_json_status(o, "skipped", why);
        dw__rip_log(r, a && a->ctdb_off && !a->ctdb_off_warn ? DW_LOG_INFO : DW_LOG_WARN,
                    "CTDB: skipped: %s", why);
        return;
    }
    json_object_object_add(o, "crc32", hex32(ours.crc32));
    json_object_object_add(o, "skipped_first_samples",
                           json_object_new_int64((int64_t)ours.skip_first_samples));
    json_object_object_add(o, "skipped_last_samples",
                           json_object_new_int64((int64_t)ours.skip_last_samples));
    if (r->opts->flags & DW_RIP_NO_ACCURATERIP) {
        ar_json_status(o, "skipped", "--no-accuraterip");
        ctdb_tracks(r, o, &ours, NULL);
        dw__rip_log(r, DW_LOG_INFO, "CTDB: disc CRC %08x, not asked (--no-accuraterip)",
                    (unsigned)ours.crc32);
        return;
    }
    if (!have_toc) {
        ar_json_status(o, "skipped", "no lookup TOC for this layout");
        ctdb_tracks(r, o, &ours, NULL);
        dw__rip_log(r, DW_LOG_WARN, "CTDB: disc CRC %08x, skipped: no lookup TOC for this layout",
                    (unsigned)ours.crc32);
        return;
    }
    int rc = dw_ctdb_lookup(toc, ctdb_opts(r, &obuf, dir, sizeof(dir)), &res);
    if (rc == DW_EABORTED) {
        lookup_stopped(r, o, "CTDB");
        goto out;
    }
    json_object_object_add(o, "url", json_object_new_string(res.url));
    json_object_object_add(o, "origin", json_object_new_string(res.origin));
    if (res.cache_path[0])
        json_object_object_add(o, "cache", json_object_new_string(res.cache_path));
    if (rc || res.status == DW_CTDB_UNAVAILABLE) {
        ar_json_status(o, "unavailable", res.message);
        ctdb_tracks(r, o, &ours, NULL);
        dw__rip_log(r, DW_LOG_WARN, "CTDB: disc CRC %08x, unavailable: %s; the rip goes on "
                    "unconfirmed", (unsigned)ours.crc32, res.message);
        goto out;
    }
    if (res.status == DW_CTDB_NOT_FOUND) {
        ar_json_status(o, "not in database", res.message);
        ctdb_tracks(r, o, &ours, NULL);
        dw__rip_log(r, DW_LOG_INFO, "CTDB: disc CRC %08x, not present in the database (%s%s)",
                    (unsigned)ours.crc32, res.origin,
                    !strcmp(res.origin, "cache") ? "d answer" : "");
        goto out;
    }
    em = calloc((size_t)res.response->entry_count, sizeof(*em));
    if (!em || dw_ctdb_match(res.response, &ours, toc, em, tm, &dm) != 0) {
        ar_json_status(o, "unavailable", "out of memory");
        goto out;
    }
    ar_json_status(o, dm.matched ? "accurate" : "not accurate", res.message);
    json_object_object_add(o, "confidence", json_object_new_int((int)dm.confidence));
    json_object_object_add(o, "submissions", json_object_new_int((int)dm.submissions));
    json_object_object_add(o, "tracks_accurate", json_object_new_int(dm.tracks_matched));
    if (dm.matched)
        dw__rip_log(r, DW_LOG_INFO, "CTDB: disc CRC %08x, found (confidence %u of %u "
                    "submission%s, from the %s)", (unsigned)ours.crc32, dm.confidence,
                    dm.submissions, dm.submissions == 1 ? "" : "s", res.origin);
    else
        dw__rip_log(r, DW_LOG_INFO, "CTDB: disc CRC %08x, no match (%u submission%s in %d "
                    "entr%s, from the %s)", (unsigned)ours.crc32, dm.submissions,
                    dm.submissions == 1 ? "" : "s", res.response->entry_count,
                    res.response->entry_count == 1 ? "y" : "ies", res.origin);
    ctdb_tracks(r, o, &ours, tm);
    ctdb_entries(o, res.response, em, &ours);
out:
    if (res.message[0] && res.status != DW_CTDB_UNAVAILABLE)
        dw__rip_log(r, DW_LOG_WARN, "CTDB: %s", res.message);
    free(em);
    dw_ctdb_result_release(&res);
}

void dw__rip_accuraterip(struct dw__rip *r, json_object *report)
{
    offset_finish(r);
    if (r->ar_count == 0)
        return;
    acc_of(r); /* where ar_check and ctdb_check note what they confirm */
    ar_check(r, report);
    if (!r->aborted)
        ctdb_check(r, report);
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
