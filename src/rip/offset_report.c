/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The offset report model's lifetime and the public accessors of
 * offset.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rip/offset_report.h"

struct dw_offset_report *dw__offset_report_new(void)
{
    return calloc(1, sizeof(struct dw_offset_report));
}

struct dw__or_track *dw__offset_report_add_track(struct dw_offset_report *rep, int number)
{
    struct dw__or_accuraterip *a = &rep->accuraterip;
    if (a->track_count == a->track_cap) {
        int cap = a->track_cap ? a->track_cap * 2 : 8;
        struct dw__or_track *n = realloc(a->tracks, (size_t)cap * sizeof(*n));
        if (!n)
            return NULL;
        a->tracks = n;
        a->track_cap = cap;
    }
    struct dw__or_track *t = &a->tracks[a->track_count++];
    memset(t, 0, sizeof(*t));
    t->number = number;
    return t;
}

void dw__offset_report_finish(struct dw_offset_report *rep, const char *error)
{
    if (error)
        snprintf(rep->error, sizeof(rep->error), "%s",
                 error[0] ? error : "offset search failed");
    free(rep->json);
    rep->json = dw__offset_report_to_json(rep);
}

void dw_offset_report_free(struct dw_offset_report *rep)
{
    if (!rep)
        return;
    free(rep->accuraterip.tracks);
    free(rep->json);
    free(rep);
}

const char *dw_offset_method_name(enum dw_offset_method m)
{
    switch (m) {
    case DW_OFFSET_METHOD_ACCURATERIP:
        return "accuraterip";
    case DW_OFFSET_METHOD_DATA_TRACK:
        return "data track";
    case DW_OFFSET_METHOD_NONE:
        break;
    }
    return "";
}

const char *dw_offset_report_json(const struct dw_offset_report *rep)
{
    return rep ? rep->json : NULL;
}

bool dw_offset_report_found(const struct dw_offset_report *rep)
{
    return rep && rep->found;
}

enum dw_offset_method dw_offset_report_method(const struct dw_offset_report *rep)
{
    return rep ? rep->method : DW_OFFSET_METHOD_NONE;
}

int32_t dw_offset_report_offset_samples(const struct dw_offset_report *rep)
{
    return rep && rep->found ? rep->offset_samples : 0;
}

int64_t dw_offset_report_count(const struct dw_offset_report *rep,
                               enum dw_offset_count what)
{
    if (!rep)
        return 0;
    switch (what) {
    case DW_OFFSET_TRACKS_SEARCHED:
        return rep->tracks_searched;
    case DW_OFFSET_TRACKS_AGREEING:
        return rep->tracks_agreeing;
    case DW_OFFSET_CONFIDENCE:
        return rep->confidence;
    }
    return 0;
}

const char *dw_offset_report_summary(const struct dw_offset_report *rep)
{
    return rep ? rep->summary : "";
}

const char *dw_offset_report_error(const struct dw_offset_report *rep)
{
    return rep ? rep->error : "";
}
