/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The verify report as JSON ("discwright-verify-report"): the one place
 * that turns the typed model (verify_report.h) into the text of
 * `verify --json` and of the "verify" part of a burn's report. */
#include "report/report_int.h"
#include "verify/verify_report.h"

#define add json_object_object_add

static const char *verdict_text(const struct dw_verify_report *rep)
{
    switch (rep->verdict) {
    case DW_VERIFY_VERDICT_IDENTICAL:
        return "identical";
    case DW_VERIFY_VERDICT_MISMATCH:
        return "mismatch";
    case DW_VERIFY_VERDICT_UNREADABLE:
        return rep->unreadable ? "unreadable sectors" : "identical";
    case DW_VERIFY_VERDICT_FAILED:
        break;
    }
    return "failed";
}

static json_object *range_json(const struct dw_verify_range *r)
{
    json_object *x = json_object_new_object();
    add(x, "class", json_object_new_string(dw_sector_class_name(r->cls)));
    add(x, "first_lba", json_object_new_int(r->first_lba));
    add(x, "last_lba", json_object_new_int(r->last_lba));
    add(x, "sectors", json_object_new_int(r->last_lba - r->first_lba + 1));
    if (r->track)
        add(x, "track", json_object_new_int(r->track));
    if (r->cls == DW_CLASS_MISCOMPARE)
        add(x, "first_diff_byte", json_object_new_int(r->first_diff_byte));
    if (r->cls == DW_CLASS_MISCOMPARE && r->first_diff_sample >= 0)
        add(x, "first_diff_sample", json_object_new_int(r->first_diff_sample));
    if (r->cls == DW_CLASS_MISCOMPARE && r->edc >= 0)
        add(x, "source_edc", json_object_new_string(r->edc ? "bad" : "good"));
    return x;
}

static json_object *track_json(const struct dw_verify_track *t, bool q)
{
    json_object *x = json_object_new_object();
    add(x, "number", json_object_new_int(t->number));
    add(x, "type", json_object_new_string(t->audio ? "audio" : "data"));
    add(x, "sectors", json_object_new_int64(t->sectors));
    add(x, "match", json_object_new_int64(t->match));
    add(x, "miscompare", json_object_new_int64(t->miscompare));
    add(x, "unreadable", json_object_new_int64(t->unreadable));
    add(x, "untested", json_object_new_int64(t->untested));
    if (t->audio) {
        add(x, "outside", json_object_new_int64(t->outside));
        add(x, "samples_not_compared", json_object_new_int64(t->samples_not_compared));
    } else {
        add(x, "edc_errors", json_object_new_int64(t->edc_errors));
    }
    if (q) {
        add(x, "q_compared", json_object_new_int64(t->q_compared));
        add(x, "q_miscompare", json_object_new_int64(t->q_miscompare));
        add(x, "q_not_compared", json_object_new_int64(t->q_not_compared));
    }
    return x;
}

/* The read offset applied to audio, where it came from, what the search
 * found. */
static json_object *offset_json(const struct dw_verify_report *rep)
{
    json_object *x = json_object_new_object();
    add(x, "samples", json_object_new_int(rep->offset_samples));
    add(x, "source", json_object_new_string(dw_verify_offset_source_name(rep->offset_source)));
    add(x, "detail", json_object_new_string(rep->offset_detail));
    json_object *s = json_object_new_object();
    add(s, "ran", json_object_new_boolean(rep->search >= 0));
    if (rep->search >= 0) {
        add(s, "found", json_object_new_boolean(rep->search == 1));
        if (rep->search == 1) {
            add(s, "samples", json_object_new_int(rep->search_samples));
            add(s, "shifts_fitting", json_object_new_int(rep->search_fits));
        } else {
            add(s, "silent", json_object_new_boolean(rep->search_silent));
        }
    }
    add(x, "search", s);
    return x;
}

/* What was compared and what it found. */
static void add_comparison(json_object *o, const struct dw_verify_report *rep)
{
    add(o, "compare", json_object_new_string(rep->raw ? "raw 2352" : "user 2048"));
    add(o, "source_lba", json_object_new_int(rep->source_lba));
    add(o, "sectors", json_object_new_int64(rep->sectors));
    add(o, "match", json_object_new_int64(rep->match));
    add(o, "miscompare", json_object_new_int64(rep->miscompare));
    add(o, "unreadable", json_object_new_int64(rep->unreadable));
    add(o, "untested", json_object_new_int64(rep->untested));
    add(o, "outside", json_object_new_int64(rep->outside));
    add(o, "samples_not_compared", json_object_new_int64(rep->samples_not_compared));
    add(o, "edc_errors", json_object_new_int64(rep->edc_errors));
    add(o, "source_extra_sectors", json_object_new_int64(rep->source_extra_sectors));
    if (rep->have_offset)
        add(o, "read_offset", offset_json(rep));
    json_object *tracks = json_object_new_array();
    for (int i = 0; i < rep->track_count; i++)
        json_object_array_add(tracks, track_json(&rep->tracks[i], rep->q));
    add(o, "tracks", tracks);
    if (rep->q) {
        json_object *q = json_object_new_object();
        add(q, "compared", json_object_new_int64(rep->q_compared));
        add(q, "miscompare", json_object_new_int64(rep->q_miscompare));
        add(q, "not_compared", json_object_new_int64(rep->q_not_compared));
        json_object *qr = json_object_new_array();
        for (int i = 0; i < rep->q_range_count; i++)
            json_object_array_add(qr, range_json(&rep->q_ranges[i]));
        add(q, "ranges", qr);
        add(o, "subchannel_q", q);
    }
    json_object *ranges = json_object_new_array();
    for (int i = 0; i < rep->range_count; i++)
        json_object_array_add(ranges, range_json(&rep->ranges[i]));
    add(o, "ranges", ranges);
}

char *dw__verify_report_to_json(const struct dw_verify_report *rep)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    dw__json_report_head(o, DW_VERIFY_REPORT_SCHEMA, DW_VERIFY_REPORT_SCHEMA_VERSION,
                         "verify");
    if (rep->command_line)
        add(o, "command_line", json_object_new_string(rep->command_line));
    add(o, "finished", json_object_new_string(rep->finished));
    if (rep->have_source)
        add(o, "source", dw__json_drive(&rep->source, &rep->medium));
    if (rep->have_image)
        add(o, "image", json_object_new_string(rep->image.address));
    if (rep->have_comparison)
        add_comparison(o, rep);
    add(o, "verdict", json_object_new_string(verdict_text(rep)));
    add(o, "exit_status", json_object_new_int(rep->exit_status));
    if (rep->error[0])
        add(o, "error", json_object_new_string(rep->error));
    return dw__json_text(o);
}
