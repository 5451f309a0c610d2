/* The rip's read offset correction and AccurateRip check (rip/accuracy.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/accuraterip.h"
#include "discwright/ardb.h"
#include "discwright/discid.h"
#include "discwright/profile.h"
#include "discwright/sector.h"
#include "image/image.h"
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
/* Frame-450 windows                                                    */

void dw__rip_window_feed(struct dw__rip *r, int ar_index, int32_t track_sector,
                         const uint8_t *buf, int32_t sectors)
{
    struct dw__rip_accuracy *a = acc_of(r);
    if (!a || a->win_failed || ar_index < 0 || ar_index >= r->ar_count || sectors <= 0)
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

void dw__rip_accuraterip(struct dw__rip *r, json_object *report)
{
    struct dw_disc_ids ids;
    struct dw_ardb_result res = {0};
    struct dw_ar_checksums *ours = NULL;
    struct dw_ar_track_match *per = NULL;
    json_object *o = NULL;

    offset_finish(r);
    if (r->ar_count == 0)
        return;
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
    int rc = dw_ardb_lookup(ids.ar_path, r->opts->accuraterip, &res);
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

void dw__rip_accuracy_release(struct dw__rip *r)
{
    struct dw__rip_accuracy *a = r->acc;
    if (!a)
        return;
    dw__offset_reader_free(a->offset);
    for (int i = 0; i < a->win_count; i++)
        free(a->win[i].pcm);
    free(a->win);
    free(a);
    r->acc = NULL;
}
