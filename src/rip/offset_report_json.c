/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The offset search's report as JSON ("discwright-offset-report"): the one
 * place that turns the typed model (offset_report.h) into the text of
 * `offset --json`. */
#include "report/report_int.h"
#include "rip/offset_report.h"

#define add json_object_object_add

static const char *ar_status_name(enum dw__or_ar_status s)
{
    static const char *const names[] = {[DW__OR_AR_SKIPPED] = "skipped",
                                        [DW__OR_AR_NO_AUDIO] = "no audio tracks",
                                        [DW__OR_AR_NOT_IN_DB] = "not in database",
                                        [DW__OR_AR_UNAVAILABLE] = "unavailable",
                                        [DW__OR_AR_FOUND] = "found"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static const char *data_status_name(enum dw__or_data_status s)
{
    static const char *const names[] = {[DW__OR_DATA_SKIPPED] = "skipped",
                                        [DW__OR_DATA_NONE] = "no data track",
                                        [DW__OR_DATA_SYNC_FOUND] = "sync found",
                                        [DW__OR_DATA_ALIGNED] = "aligned",
                                        [DW__OR_DATA_NO_SYNC] = "no sync"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static json_object *match_json(const struct dw__or_match *m)
{
    json_object *o = json_object_new_object();
    add(o, "offset", json_object_new_int(m->offset_samples));
    add(o, "confidence", json_object_new_int((int)m->confidence));
    return o;
}

static json_object *track_json(const struct dw__or_track *t)
{
    json_object *o = json_object_new_object();
    add(o, "number", json_object_new_int(t->number));
    if (t->skipped[0]) {
        add(o, "skipped", json_object_new_string(t->skipped));
        return o;
    }
    json_object *matches = json_object_new_array();
    for (int i = 0; i < t->match_count; i++)
        json_object_array_add(matches, match_json(&t->matches[i]));
    add(o, "matches", matches);
    return o;
}

static json_object *candidate_json(const struct dw__or_candidate *c)
{
    json_object *o = json_object_new_object();
    add(o, "offset", json_object_new_int(c->offset_samples));
    add(o, "tracks", json_object_new_int(c->tracks));
    add(o, "confidence", json_object_new_int((int)c->confidence));
    return o;
}

static json_object *accuraterip_json(const struct dw__or_accuraterip *a)
{
    json_object *o = json_object_new_object();
    if (a->asked) {
        add(o, "path", json_object_new_string(a->path));
        add(o, "url", json_object_new_string(a->url));
        add(o, "origin", json_object_new_string(a->origin ? a->origin : "none"));
    }
    add(o, "status", json_object_new_string(ar_status_name(a->status)));
    if (a->status != DW__OR_AR_FOUND) {
        if (a->message[0])
            add(o, "message", json_object_new_string(a->message));
        return o;
    }
    add(o, "blocks", json_object_new_int(a->blocks));
    json_object *tracks = json_object_new_array();
    for (int i = 0; i < a->track_count; i++)
        json_object_array_add(tracks, track_json(&a->tracks[i]));
    add(o, "tracks", tracks);
    if (a->out_of_memory)
        add(o, "error", json_object_new_string("out of memory"));
    json_object *candidates = json_object_new_array();
    for (int i = 0; i < a->candidate_count; i++)
        json_object_array_add(candidates, candidate_json(&a->candidates[i]));
    add(o, "candidates", candidates);
    return o;
}

static json_object *probe_json(const struct dw__or_probe *p)
{
    json_object *o = json_object_new_object();
    add(o, "first_lba", json_object_new_int(p->first_lba));
    add(o, "sectors", json_object_new_int(p->sectors));
    if (p->read_rc) {
        add(o, "error", json_object_new_string(dw_strerror(p->read_rc)));
        return o;
    }
    json_object *syncs = json_object_new_array();
    for (int i = 0; i < p->sync_count; i++) {
        const struct dw__sync_hit *h = &p->syncs[i];
        json_object *s = json_object_new_object();
        add(s, "byte", json_object_new_int64(h->byte_pos));
        add(s, "header_lba", json_object_new_int(h->header_lba));
        add(s, "scrambled", json_object_new_boolean(h->scrambled));
        add(s, "combined_bytes", json_object_new_int64(h->combined_bytes));
        json_object_array_add(syncs, s);
    }
    add(o, "syncs", syncs);
    return o;
}

static json_object *data_track_json(const struct dw__or_data_track *d)
{
    json_object *o = json_object_new_object();
    if (d->track) {
        add(o, "track", json_object_new_int(d->track));
        json_object *probes = json_object_new_array();
        for (int i = 0; i < d->probe_count; i++)
            json_object_array_add(probes, probe_json(&d->probes[i]));
        add(o, "probes", probes);
    }
    add(o, "status", json_object_new_string(data_status_name(d->status)));
    if (d->status == DW__OR_DATA_SYNC_FOUND) {
        int64_t b = d->hit.combined_bytes;
        add(o, "combined_bytes", json_object_new_int64(b));
        if (b % 4 == 0)
            add(o, "combined_samples", json_object_new_int((int32_t)(b / 4)));
    }
    return o;
}

char *dw__offset_report_to_json(const struct dw_offset_report *rep)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    dw__json_report_head(o, DW_OFFSET_REPORT_SCHEMA, DW_OFFSET_REPORT_SCHEMA_VERSION,
                         "offset");
    if (rep->have_source)
        add(o, "source", dw__json_drive(&rep->source, &rep->medium));
    add(o, "range_samples", json_object_new_int(rep->range_samples));
    if (rep->accuraterip.present)
        add(o, "accuraterip", accuraterip_json(&rep->accuraterip));
    if (rep->data_track.present)
        add(o, "data_track", data_track_json(&rep->data_track));
    add(o, "found", json_object_new_boolean(rep->found));
    add(o, "offset", rep->found ? json_object_new_int(rep->offset_samples) : NULL);
    add(o, "method", json_object_new_string(dw_offset_method_name(rep->method)));
    add(o, "summary", json_object_new_string(rep->summary));
    if (rep->error[0])
        add(o, "error", json_object_new_string(rep->error));
    return dw__json_text(o);
}
