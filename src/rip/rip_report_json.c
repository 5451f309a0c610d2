/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rip report as JSON (docs/report-schema.json, "discwright-rip-report"):
 * the one place that turns the typed model (rip_report.h) into the text of
 * NAME.json and of `rip --json`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "discwright/report.h"
#include "rip/ripmap.h"
#include "rip/rip_report.h"

#define add json_object_object_add

static json_object *str_or_null(const char *s)
{
    return s && s[0] ? json_object_new_string(s) : NULL;
}

static json_object *lba_or_null(int32_t lba)
{
    return lba == DW_LBA_NONE ? NULL : json_object_new_int(lba);
}

static json_object *hex32(uint32_t v)
{
    char s[9];
    snprintf(s, sizeof(s), "%08x", v);
    return json_object_new_string(s);
}

static json_object *hex32_upper(uint32_t v)
{
    char s[9];
    snprintf(s, sizeof(s), "%08X", v);
    return json_object_new_string(s);
}

/* status, then message when there is one. */
static void add_status(json_object *o, const char *status, const char *message)
{
    add(o, "status", json_object_new_string(status));
    if (message && message[0])
        add(o, "message", json_object_new_string(message));
}

static json_object *options_json(const struct dw_rip_report *rep)
{
    json_object *o = json_object_new_object();
    add(o, "format", json_object_new_string(rep->iso ? "iso" : "bincue"));
    add(o, "audio_mode", json_object_new_string(dw__rip_mode_name(rep->mode)));
    add(o, "data_retries", json_object_new_int(rep->data_retries));
    add(o, "qscan", json_object_new_boolean(rep->qscan_asked));
    add(o, "profile", str_or_null(rep->profile_name));
    add(o, "profile_file", rep->profile_name ? str_or_null(rep->profile_file) : NULL);
    if (rep->extras_known) {
        add(o, "subchannel", json_object_new_boolean(rep->want_subchannel));
        add(o, "toc", json_object_new_boolean(rep->want_toc));
        add(o, "htoa_file", json_object_new_boolean(rep->want_htoa_file));
    }
    return o;
}

static json_object *drive_profile_json(const struct dw__rr_drive_profile *d)
{
    json_object *o = json_object_new_object();
    add(o, "found", json_object_new_boolean(d->found));
    if (!d->found)
        return o;
    const struct dw_drive_profile *p = &d->profile;
    add(o, "file", json_object_new_string(p->source));
    add(o, "probe_date", json_object_new_string(p->probe_date));
    add(o, "c2", json_object_new_string(dw_probe_state_name(p->c2)));
    add(o, "cache_sectors", json_object_new_int(p->cache_sectors));
    add(o, "accurate_stream", json_object_new_string(dw_probe_state_name(p->accurate_stream)));
    add(o, "test_pass", json_object_new_boolean(d->test_pass));
    add(o, "cache_defeat_sectors", json_object_new_int(d->cache_defeat_sectors));
    return o;
}

static json_object *read_offset_json(const struct dw__rr_read_offset *ro)
{
    json_object *o = json_object_new_object();
    add(o, "samples", json_object_new_int(ro->samples));
    add(o, "source", json_object_new_string(ro->source));
    add(o, "detail", json_object_new_string(ro->detail));
    add(o, "applied", json_object_new_boolean(ro->applied));
    if (!ro->finished)
        return o;
    json_object *arr = json_object_new_array();
    for (int i = 0; i < ro->zero_filled_count; i++) {
        const struct dw__rr_zero_fill *z = &ro->zero_filled[i];
        json_object *j = json_object_new_object();
        add(j, "first_sample", json_object_new_int64(z->first_sample));
        add(j, "samples", json_object_new_int64(z->samples));
        add(j, "lba", json_object_new_int64(z->lba));
        add(j, "track", z->track ? json_object_new_int(z->track) : NULL);
        add(j, "source", json_object_new_string(z->source));
        json_object_array_add(arr, j);
    }
    add(o, "zero_filled", arr);
    json_object *ov = json_object_new_object();
    for (int e = 0; e < 2; e++) {
        int v = ro->overread[e];
        add(ov, e == 0 ? "lead_in" : "lead_out",
            json_object_new_string(v < 0 ? "not needed" : v ? "read" : "refused"));
    }
    add(o, "overread", ov);
    return o;
}

static json_object *qscan_track_json(const struct dw_qscan_track *qt, const struct dw_track *t)
{
    json_object *j = json_object_new_object();
    json_object *idx = json_object_new_array();
    add(j, "number", json_object_new_int(qt->number));
    add(j, "pregap", json_object_new_string(dw_qscan_boundary_name(qt->pregap)));
    add(j, "index00_lba", lba_or_null(t->index_lba[0]));
    add(j, "toc_index00_lba", lba_or_null(qt->toc_pregap_lba));
    add(j, "pregap_sectors", json_object_new_int(dw_track_pregap_sectors(t)));
    add(j, "uncertain_sectors", json_object_new_int(qt->uncertain_sectors));
    for (int k = 2; k < t->index_count; k++)
        json_object_array_add(idx, json_object_new_int(t->index_lba[k]));
    add(j, "indexes", idx);
    add(j, "isrc", str_or_null(t->isrc));
    add(j, "toc_isrc", str_or_null(qt->toc_isrc));
    add(j, "isrc_votes", json_object_new_int(qt->isrc_votes));
    add(j, "isrc_from_q", json_object_new_boolean(qt->isrc_from_q));
    add(j, "isrc_frames_read", json_object_new_int(qt->isrc_frames_read));
    add(j, "pre_emphasis", json_object_new_boolean((t->control & DW_CTL_PRE) != 0));
    add(j, "pre_emphasis_votes", json_object_new_int(qt->pre_emphasis_votes));
    add(j, "no_pre_emphasis_votes", json_object_new_int(qt->no_pre_emphasis_votes));
    add(j, "q_frames", json_object_new_int64(qt->q_frames));
    return j;
}

static json_object *qscan_json(const struct dw_rip_report *rep)
{
    const struct dw__rr_qscan *qs = &rep->qscan;
    json_object *o = json_object_new_object();
    add(o, "ran", json_object_new_boolean(qs->ran));
    if (!qs->ran) {
        if (qs->skipped[0])
            add(o, "skipped", json_object_new_string(qs->skipped));
        else
            add(o, "error", json_object_new_string(qs->error));
        return o;
    }
    const struct dw_qscan_result *q = qs->result;
    const struct dw_disc *disc = rep->layout;
    add(o, "q_source", json_object_new_string(q->q_source));
    add(o, "q_frames", json_object_new_int64(q->q_frames));
    add(o, "read_requests", json_object_new_int64(q->read_requests));
    add(o, "bad_crc_frames", json_object_new_int64(q->bad_crc_frames));
    add(o, "unreadable_frames", json_object_new_int64(q->unreadable_frames));
    add(o, "misplaced_frames", json_object_new_int64(q->misplaced_frames));
    add(o, "conflicts", json_object_new_int64(q->conflicts));
    add(o, "seconds", json_object_new_double(q->seconds));
    add(o, "stopped", json_object_new_boolean(q->stopped));
    add(o, "stop_reason", str_or_null(q->stop_reason));
    add(o, "pregaps_found", json_object_new_int(q->pregaps_found));
    add(o, "boundaries_uncertain", json_object_new_int(q->boundaries_uncertain));
    add(o, "indexes_found", json_object_new_int(q->indexes_found));
    add(o, "isrcs_found", json_object_new_int(q->isrcs_found));
    const struct dw_track *t1 = &disc->tracks[0];
    if (t1->index_lba[0] != DW_LBA_NONE && t1->index_lba[0] <= 0 && t1->index_lba[1] > 0)
        add(o, "hidden_track_sectors", json_object_new_int(t1->index_lba[1]));
    json_object *tracks = json_object_new_array();
    for (int i = 0; i < q->track_count && i < disc->track_count; i++)
        json_object_array_add(tracks, qscan_track_json(&q->tracks[i], &disc->tracks[i]));
    add(o, "tracks", tracks);
    json_object *m = json_object_new_object();
    add(m, "value", str_or_null(disc->mcn));
    add(m, "toc", str_or_null(q->toc_mcn));
    add(m, "votes", json_object_new_int(q->mcn_votes));
    add(m, "from_q", json_object_new_boolean(q->mcn_from_q));
    add(o, "mcn", m);
    return o;
}

static json_object *resume_json(const struct dw__rr_resume *r)
{
    json_object *o = json_object_new_object();
    add(o, "map", json_object_new_string(r->map));
    add(o, "earlier_complete", json_object_new_boolean(r->earlier_complete));
    add(o, "earlier_mode", json_object_new_string(r->earlier_mode));
    add(o, "final_lba", json_object_new_int(r->final_lba));
    add(o, "sectors_kept", json_object_new_int64(r->sectors_kept));
    add(o, "bad_sectors_read_again", json_object_new_int64(r->bad_sectors_read_again));
    return o;
}

static json_object *track_json(const struct dw__rr_track *t)
{
    json_object *tj = json_object_new_object();
    add(tj, "number", json_object_new_int(t->number));
    if (t->file)
        add(tj, "file", json_object_new_string(t->file));
    add(tj, "first_lba", json_object_new_int(t->first_lba));
    add(tj, "sectors", json_object_new_int(t->sectors));
    if (t->read_mode)
        add(tj, "read_mode", json_object_new_string(t->read_mode));
    add(tj, "digests", dw__json_digests(&t->digests));
    if (!t->file)
        add(tj, "sectors_reread", json_object_new_int64(t->sectors_reread));
    add(tj, "sectors_bad", json_object_new_int64(t->sectors_bad));
    if (t->secure) {
        const struct dw_secure_stats *s = &t->secure_stats;
        json_object *sj = json_object_new_object();
        add(sj, "c2", json_object_new_boolean(s->have_c2));
        add(sj, "c2_sectors", json_object_new_int(s->c2_sectors));
        add(sj, "unreadable_first_pass", json_object_new_int(s->unreadable_pass1));
        add(sj, "recovered", json_object_new_int(s->recovered));
        add(sj, "rereads", json_object_new_int(s->reads));
        json_object *jj = json_object_new_object();
        add(jj, "overlap_sectors", json_object_new_int(s->overlap_sectors));
        add(jj, "shifted_commands", json_object_new_int(s->jitter_shifted_commands));
        add(jj, "min_shift_samples", json_object_new_int(s->jitter_min_samples));
        add(jj, "max_shift_samples", json_object_new_int(s->jitter_max_samples));
        add(jj, "unmatched_overlaps", json_object_new_int(s->jitter_unmatched_overlaps));
        add(jj, "realigned_sectors", json_object_new_int(s->jitter_realigned_sectors));
        add(jj, "vote_sectors", json_object_new_int(s->jitter_vote_sectors));
        add(jj, "reread_sectors", json_object_new_int(s->jitter_reread_sectors));
        add(jj, "unconfirmed_sectors", json_object_new_int(s->jitter_unconfirmed_sectors));
        add(sj, "jitter", jj);
        add(tj, "secure", sj);
        if (t->test_and_copy) {
            json_object *tc = json_object_new_object();
            add(tc, "test_crc32", hex32(s->test_crc32));
            add(tc, "copy_crc32", hex32(t->digests.crc32));
            add(tc, "sectors_differing", json_object_new_int(s->test_differing));
            add(tj, "test_and_copy", tc);
        }
    }
    if (t->paranoia) {
        json_object *pj = json_object_new_object();
        for (int k = 0; k < DW_PARANOIA_EVENT_KINDS; k++)
            if (t->paranoia_stats.count[k])
                add(pj, dw__paranoia_event_name(k),
                    json_object_new_int64(t->paranoia_stats.count[k]));
        add(tj, "paranoia_events", pj);
    }
    return tj;
}

static json_object *audio_json(const struct dw__rr_audio *a)
{
    json_object *o = json_object_new_object();
    add(o, "number", json_object_new_int(a->number));
    if (!a->complete) {
        add(o, "error", json_object_new_string("incomplete track"));
        return o;
    }
    add(o, "accuraterip_v1", hex32(a->ar.v1));
    add(o, "accuraterip_v2", hex32(a->ar.v2));
    add(o, "frame450", a->ar.has_frame450 ? hex32(a->ar.frame450) : NULL);
    add(o, "eac_copy_crc", hex32_upper(a->eac_copy_crc));
    add(o, "eac_crc_without_nulls", hex32_upper(a->eac_crc_without_nulls));
    return o;
}

static json_object *disc_ids_json(const struct dw_disc_ids *ids)
{
    json_object *o = json_object_new_object();
    add(o, "accuraterip_id1", hex32(ids->ar_id1));
    add(o, "accuraterip_id2", hex32(ids->ar_id2));
    add(o, "accuraterip_path", json_object_new_string(ids->ar_path));
    add(o, "cddb", hex32(ids->cddb_id));
    add(o, "musicbrainz", json_object_new_string(ids->musicbrainz_id));
    add(o, "ctdb_toc_id", json_object_new_string(ids->ctdb_toc_id));
    return o;
}

static json_object *ar_track_json(const struct dw__rr_ar_track *t)
{
    json_object *o = json_object_new_object();
    add(o, "number", json_object_new_int(t->number));
    add(o, "slot", json_object_new_int(t->slot));
    if (t->state == DW__RR_NOT_IN_DB) {
        add(o, "status", json_object_new_string("not in database"));
        return o;
    }
    const struct dw_ar_track_match *m = &t->match;
    add(o, "submissions", json_object_new_int((int)m->submissions));
    add(o, "confidence_v1", json_object_new_int((int)m->confidence_v1));
    add(o, "confidence_v2", json_object_new_int((int)m->confidence_v2));
    add(o, "frame450_match", json_object_new_boolean(m->frame450_match));
    if (t->state == DW__RR_ACCURATE) {
        add(o, "status", json_object_new_string("accurate"));
        add(o, "version", json_object_new_string(m->kind == DW_AR_MATCH_V2 ? "v2" : "v1"));
        add(o, "confidence", json_object_new_int((int)m->confidence));
        return o;
    }
    add(o, "status", json_object_new_string("not accurate"));
    json_object *arr = json_object_new_array();
    for (int i = 0; i < t->pressing_count; i++) {
        json_object *p = json_object_new_object();
        add(p, "offset", json_object_new_int(t->pressings[i].offset_samples));
        add(p, "confidence", json_object_new_int((int)t->pressings[i].confidence));
        json_object_array_add(arr, p);
    }
    add(o, "pressings", arr);
    return o;
}

static json_object *accuraterip_json(const struct dw__rr_accuraterip *a)
{
    json_object *o = json_object_new_object();
    if (a->path[0])
        add(o, "path", json_object_new_string(a->path));
    if (a->asked) {
        add(o, "url", json_object_new_string(a->url));
        add(o, "origin", json_object_new_string(a->origin ? a->origin : "none"));
        if (a->cache[0])
            add(o, "cache", json_object_new_string(a->cache));
    }
    if (a->have_disc) {
        json_object *tracks = json_object_new_array();
        for (int i = 0; i < a->track_count; i++)
            json_object_array_add(tracks, ar_track_json(&a->tracks[i]));
        add(o, "tracks", tracks);
    }
    add_status(o, a->status, a->message);
    if (a->have_disc) {
        json_object *d = json_object_new_object();
        add(d, "tracks", json_object_new_int(a->disc_tracks));
        add(d, "accurate", json_object_new_int(a->disc_accurate));
        add(d, "confidence", json_object_new_int((int)a->disc_confidence));
        add(o, "disc", d);
    }
    return o;
}

static json_object *ctdb_tracks_json(const struct dw_rip_report *rep)
{
    const struct dw__rr_ctdb *c = &rep->ctdb;
    json_object *tracks = json_object_new_array();
    for (int i = 0; i < c->ours.track_count && i < rep->audio_count; i++) {
        json_object *t = json_object_new_object();
        add(t, "number", json_object_new_int(rep->audio[i].number));
        add(t, "crc32", hex32(c->ours.track_crc32[i]));
        if (c->compared) {
            const struct dw_ctdb_track_match *m = &c->track_match[i];
            const char *st = m->matched       ? "accurate"
                             : m->submissions ? "not accurate"
                                              : "not in database";
            add(t, "status", json_object_new_string(st));
            add(t, "confidence", json_object_new_int((int)m->confidence));
            add(t, "submissions", json_object_new_int((int)m->submissions));
        }
        json_object_array_add(tracks, t);
    }
    return tracks;
}

static json_object *ctdb_entry_json(const struct dw__rr_ctdb_entry *e)
{
    json_object *j = json_object_new_object();
    add(j, "id", json_object_new_int64(e->id));
    add(j, "confidence", json_object_new_int64(e->confidence));
    add(j, "crc32", hex32(e->crc32));
    add(j, "matched", json_object_new_boolean(e->matched));
    add(j, "toc", e->toc ? json_object_new_string(e->toc) : NULL);
    add(j, "toc_matched", json_object_new_boolean(e->toc_matched));
    add(j, "npar", json_object_new_int(e->npar));
    add(j, "stride", json_object_new_int(e->stride));
    add(j, "hasparity", e->hasparity ? json_object_new_string(e->hasparity) : NULL);
    json_object *tm = NULL;
    if (e->track_matches) {
        tm = json_object_new_array();
        for (int k = 0; k < e->track_match_count; k++)
            json_object_array_add(tm, json_object_new_boolean(e->track_matches[k]));
    }
    add(j, "track_matches", tm);
    return j;
}

static json_object *ctdb_json(const struct dw_rip_report *rep)
{
    const struct dw__rr_ctdb *c = &rep->ctdb;
    json_object *o = json_object_new_object();
    if (c->toc_id[0])
        add(o, "toc_id", json_object_new_string(c->toc_id));
    if (c->toc[0])
        add(o, "toc", json_object_new_string(c->toc));
    if (c->have_crc) {
        add(o, "crc32", hex32(c->ours.crc32));
        add(o, "skipped_first_samples", json_object_new_int64((int64_t)c->ours.skip_first_samples));
        add(o, "skipped_last_samples", json_object_new_int64((int64_t)c->ours.skip_last_samples));
    }
    if (c->asked) {
        add(o, "url", json_object_new_string(c->url));
        add(o, "origin", json_object_new_string(c->origin ? c->origin : "none"));
        if (c->cache[0])
            add(o, "cache", json_object_new_string(c->cache));
    }
    add_status(o, c->status, c->message);
    if (c->compared) {
        add(o, "confidence", json_object_new_int((int)c->disc_match.confidence));
        add(o, "submissions", json_object_new_int((int)c->disc_match.submissions));
        add(o, "tracks_accurate", json_object_new_int(c->disc_match.tracks_matched));
    }
    if (c->have_tracks)
        add(o, "tracks", ctdb_tracks_json(rep));
    if (c->compared) {
        json_object *arr = json_object_new_array();
        for (int i = 0; i < c->entry_count; i++)
            json_object_array_add(arr, ctdb_entry_json(&c->entries[i]));
        add(o, "entries", arr);
    }
    return o;
}

static json_object *htoa_json(const struct dw__rr_htoa *h, const char *file)
{
    if (!h->exists)
        return NULL;
    json_object *o = json_object_new_object();
    add(o, "first_lba", json_object_new_int(h->first_lba));
    add(o, "last_lba", json_object_new_int(h->first_lba + h->sectors - 1));
    add(o, "sectors", json_object_new_int(h->sectors));
    add(o, "length", json_object_new_string(h->length));
    add(o, "silent", json_object_new_boolean(h->silent));
    add(o, "sectors_bad", json_object_new_int64(h->sectors_bad));
    add(o, "file", h->file_wanted && file ? json_object_new_string(file) : NULL);
    return o;
}

static json_object *subchannel_json(const struct dw__rr_subchannel *s)
{
    json_object *o = json_object_new_object();
    add(o, "source", json_object_new_string(s->source));
    add(o, "sectors", json_object_new_int64(s->sectors));
    add(o, "unreadable", dw__json_ranges(&s->unreadable, NULL));
    add(o, "unreadable_sectors", json_object_new_int64(s->unreadable.sectors));
    add(o, "bad_q_crc_frames", json_object_new_int64(s->bad_q_crc_frames));
    add(o, "misplaced_q_frames", json_object_new_int64(s->misplaced_q_frames));
    add(o, "mcn_frames", json_object_new_int64(s->mcn_frames));
    add(o, "isrc_frames", json_object_new_int64(s->isrc_frames));
    add(o, "seconds", json_object_new_double(s->seconds));
    return o;
}

static json_object *sector_map_json(const struct dw_rip_report *rep)
{
    json_object *o = json_object_new_object(), *st = json_object_new_object();
    add(o, "file", str_or_null(rep->outputs[DW__RR_OUT_MAP]));
    add(o, "sectors", json_object_new_int64(rep->map_sectors));
    add(o, "final_lba", json_object_new_int(rep->map_final_lba));
    add(st, "untried", json_object_new_int64(rep->map_untried));
    add(st, "read", json_object_new_int64(rep->map_read));
    add(st, "confirmed", json_object_new_int64(rep->map_confirmed));
    add(st, "ecc_repaired", json_object_new_int64(rep->ecc_repaired.sectors));
    for (int k = 0; k < DW__RIPMAP_BAD_STATES; k++)
        add(st, dw__ripmap_bad_state_names[k], json_object_new_int64(rep->map_bad_by_state[k]));
    add(o, "states", st);
    return o;
}

static json_object *bad_json(const struct dw__lba_ranges *rs)
{
    json_object *a = dw__json_ranges(rs, NULL);
    for (int i = 0; i < rs->count; i++) {
        char why[96];
        dw__rip_bad_reason(rs->r[i].detail, why, sizeof(why));
        add(json_object_array_get_idx(a, (size_t)i), "reason", json_object_new_string(why));
    }
    return a;
}

static json_object *outputs_json(const struct dw_rip_report *rep)
{
    static const struct {
        enum dw__rr_output_kind kind;
        const char *key;
    } keys[] = {{DW__RR_OUT_IMAGE, "image"}, {DW__RR_OUT_CUE, "cue"}, {DW__RR_OUT_LOG, "log"},
                {DW__RR_OUT_REPORT, "report"}, {DW__RR_OUT_IMG, "img"}, {DW__RR_OUT_SUB, "sub"},
                {DW__RR_OUT_CCD, "ccd"}, {DW__RR_OUT_TOC, "toc"}, {DW__RR_OUT_CDT, "cdt"},
                {DW__RR_OUT_HTOA, "htoa"}};
    json_object *o = json_object_new_object();
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (rep->outputs[keys[i].kind])
            add(o, keys[i].key, json_object_new_string(rep->outputs[keys[i].kind]));
    return o;
}

/* The sections up to the reading: the job, the source, the decisions. */
static void add_head(json_object *report, const struct dw_rip_report *rep)
{
    add(report, "tool", json_object_new_string("discwright " DW_VERSION_STRING));
    add(report, "schema", json_object_new_string(DW_RIP_REPORT_SCHEMA));
    add(report, "schema_version", json_object_new_int(DW_RIP_REPORT_SCHEMA_VERSION));
    add(report, "command", json_object_new_string("rip"));
    if (rep->command_line)
        add(report, "command_line", json_object_new_string(rep->command_line));
    add(report, "started", json_object_new_string(rep->started));
    if (!rep->have_source)
        return;
    add(report, "source", dw__json_drive(&rep->source, &rep->medium));
    add(report, "toc", dw__json_disc(rep->toc));
    add(report, "options", options_json(rep));
    if (rep->drive_profile.present)
        add(report, "drive_profile", drive_profile_json(&rep->drive_profile));
    if (rep->read_offset.present)
        add(report, "read_offset", read_offset_json(&rep->read_offset));
    if (rep->qscan.present)
        add(report, "qscan", qscan_json(rep));
    if (rep->layout)
        add(report, "layout", dw__json_disc(rep->layout));
    if (rep->resume.present)
        add(report, "resume", resume_json(&rep->resume));
}

/* What the reading and the checks found. */
static void add_results(json_object *report, const struct dw_rip_report *rep)
{
    if (rep->have_tracks) {
        json_object *tracks = json_object_new_array();
        for (int i = 0; i < rep->track_count; i++)
            json_object_array_add(tracks, track_json(&rep->tracks[i]));
        add(report, "tracks", tracks);
    }
    if (rep->have_image_digests)
        add(report, "image_digests", dw__json_digests(&rep->image_digests));
    if (rep->have_audio) {
        json_object *a = json_object_new_array();
        for (int i = 0; i < rep->audio_count; i++)
            json_object_array_add(a, audio_json(&rep->audio[i]));
        add(report, "audio_checksums", a);
    }
    if (rep->have_ids)
        add(report, "disc_ids", disc_ids_json(&rep->ids));
    if (rep->accuraterip.present)
        add(report, "accuraterip", accuraterip_json(&rep->accuraterip));
    if (rep->ctdb.present)
        add(report, "ctdb", ctdb_json(rep));
    if (rep->htoa.present)
        add(report, "htoa", htoa_json(&rep->htoa, rep->outputs[DW__RR_OUT_HTOA]));
    if (rep->toc_session_count > 1) {
        json_object *list = json_object_new_array();
        for (int i = 0; i < rep->toc_session_count; i++)
            json_object_array_add(list, json_object_new_string(rep->toc_sessions[i]));
        add(report, "toc_sessions", list);
    }
    if (rep->subchannel.present)
        add(report, "subchannel", subchannel_json(&rep->subchannel));
}

/* The totals, the damage, the outputs and the verdict. */
static void add_tail(json_object *report, const struct dw_rip_report *rep)
{
    add(report, "finished", json_object_new_string(rep->finished));
    add(report, "seconds", json_object_new_double(rep->seconds));
    if (rep->have_totals) {
        add(report, "sectors_read", json_object_new_int64(rep->sectors_read));
        if (rep->resume.present)
            add(report, "sectors_kept", json_object_new_int64(rep->sectors_kept));
        add(report, "reread", dw__json_ranges(&rep->reread, NULL));
        add(report, "ecc_repaired", dw__json_ranges(&rep->ecc_repaired, NULL));
        if (rep->have_sector_map)
            add(report, "sector_map", sector_map_json(rep));
        add(report, "bad", bad_json(&rep->bad));
    }
    add(report, "outputs", outputs_json(rep));
    add(report, "verdict", json_object_new_string(rep->verdict_text));
    add(report, "audio_tracks_confirmed", json_object_new_int(rep->audio_tracks_confirmed));
    add(report, "exit_status", json_object_new_int(rep->exit_status));
    if (rep->error[0])
        add(report, "error", json_object_new_string(rep->error));
    if (rep->log_sha256[0])
        add(report, "log_sha256", json_object_new_string(rep->log_sha256));
}

char *dw__rip_report_to_json(const struct dw_rip_report *rep)
{
    json_object *report = json_object_new_object();
    if (!report)
        return NULL;
    add_head(report, rep);
    add_results(report, rep);
    add_tail(report, rep);
    const char *text = json_object_to_json_string_ext(
        report, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *copy = text ? strdup(text) : NULL;
    json_object_put(report);
    return copy;
}
