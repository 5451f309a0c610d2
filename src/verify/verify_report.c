/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The verify report model's lifetime, how the pipeline fills it, and the
 * public accessors of verify.h. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report_int.h"
#include "verify/verify_report.h"

struct dw_verify_report *dw__verify_report_new(void)
{
    struct dw_verify_report *rep = calloc(1, sizeof(*rep));
    if (!rep)
        return NULL;
    rep->verdict = DW_VERIFY_VERDICT_FAILED;
    rep->exit_status = 1;
    rep->source_lba = -1;
    rep->search = -1;
    return rep;
}

/* Add sector lba of class cls and track number `track` to a list of
 * ranges: to the last one when that has the same class and track and
 * ends just before lba, else as a new one with d's detail (may be NULL). */
static int add_range(struct dw_verify_range **ranges, int *count, int *cap, int track,
                     int32_t lba, enum dw_sector_class cls, const struct dw_verify_range *d)
{
    if (*count) {
        struct dw_verify_range *last = &(*ranges)[*count - 1];
        if (last->cls == cls && last->track == track && last->last_lba + 1 == lba) {
            last->last_lba = lba;
            return 0;
        }
    }
    if (*count == *cap) {
        int n = *cap ? *cap * 2 : 16;
        struct dw_verify_range *r = realloc(*ranges, (size_t)n * sizeof(*r));
        if (!r)
            return DW_ENOMEM;
        *ranges = r;
        *cap = n;
    }
    (*ranges)[(*count)++] =
        (struct dw_verify_range){.first_lba = lba,
                                 .last_lba = lba,
                                 .cls = cls,
                                 .first_diff_byte = d ? d->first_diff_byte : -1,
                                 .first_diff_sample = d ? d->first_diff_sample : -1,
                                 .track = track,
                                 .edc = d ? d->edc : -1};
    return 0;
}

int dw__verify_report_add(struct dw_verify_report *rep, int track, int32_t lba,
                          enum dw_sector_class cls, const struct dw_verify_range *d)
{
    struct dw_verify_track none = {0};
    struct dw_verify_track *t =
        track >= 0 && track < rep->track_count ? &rep->tracks[track] : &none;
    switch (cls) {
    case DW_CLASS_MATCH:
        rep->match++;
        t->match++;
        return 0;
    case DW_CLASS_MISCOMPARE:
        rep->miscompare++;
        t->miscompare++;
        if (d && d->edc == 1) {
            rep->edc_errors++;
            t->edc_errors++;
        }
        break;
    case DW_CLASS_UNREADABLE:
        rep->unreadable++;
        t->unreadable++;
        break;
    case DW_CLASS_UNTESTED:
        rep->untested++;
        t->untested++;
        break;
    case DW_CLASS_OUTSIDE:
        rep->outside++;
        t->outside++;
        break;
    }
    return add_range(&rep->ranges, &rep->range_count, &rep->range_cap, t->number, lba, cls,
                     d);
}

int dw__verify_report_add_q(struct dw_verify_report *rep, int track, int32_t lba,
                            bool compared, int32_t diff_byte)
{
    struct dw_verify_track *t =
        track >= 0 && track < rep->track_count ? &rep->tracks[track] : NULL;
    struct dw_verify_track none = {0};
    if (!t)
        t = &none;
    if (!compared) {
        rep->q_not_compared++;
        t->q_not_compared++;
        return 0;
    }
    rep->q_compared++;
    t->q_compared++;
    if (diff_byte < 0)
        return 0;
    rep->q_miscompare++;
    t->q_miscompare++;
    struct dw_verify_range d = {.first_diff_byte = diff_byte, .first_diff_sample = -1, .edc = -1};
    return add_range(&rep->q_ranges, &rep->q_range_count, &rep->q_range_cap,
                     t->number, lba, DW_CLASS_MISCOMPARE, &d);
}

void dw__verify_report_finish(struct dw_verify_report *rep, const char *error)
{
    if (error) {
        rep->verdict = DW_VERIFY_VERDICT_FAILED;
        rep->exit_status = 1;
        snprintf(rep->error, sizeof(rep->error), "%s",
                 error[0] ? error : "verify failed");
    } else if (rep->miscompare || rep->q_miscompare) {
        rep->verdict = DW_VERIFY_VERDICT_MISMATCH;
        rep->exit_status = 4;
    } else if (rep->unreadable || rep->untested) {
        rep->verdict = DW_VERIFY_VERDICT_UNREADABLE;
        rep->exit_status = 3;
    } else {
        rep->verdict = DW_VERIFY_VERDICT_IDENTICAL;
        rep->exit_status = 0;
    }
    dw__utc_now(rep->finished);
    free(rep->json);
    rep->json = dw__verify_report_to_json(rep);
}

void dw_verify_report_free(struct dw_verify_report *rep)
{
    if (!rep)
        return;
    free(rep->command_line);
    free(rep->ranges);
    free(rep->q_ranges);
    free(rep->json);
    free(rep);
}

const char *dw_verify_report_json(const struct dw_verify_report *rep)
{
    return rep ? rep->json : NULL;
}

enum dw_verify_verdict dw_verify_report_verdict(const struct dw_verify_report *rep)
{
    return rep ? rep->verdict : DW_VERIFY_VERDICT_FAILED;
}

int dw_verify_report_exit_status(const struct dw_verify_report *rep)
{
    return rep ? rep->exit_status : 1;
}

const char *dw_verify_report_error(const struct dw_verify_report *rep)
{
    return rep ? rep->error : "";
}

int64_t dw_verify_report_count(const struct dw_verify_report *rep,
                               enum dw_verify_count what)
{
    if (!rep || !rep->have_comparison)
        return 0;
    switch (what) {
    case DW_VERIFY_SECTORS:
        return rep->sectors;
    case DW_VERIFY_MATCH:
        return rep->match;
    case DW_VERIFY_MISCOMPARE:
        return rep->miscompare;
    case DW_VERIFY_UNREADABLE:
        return rep->unreadable;
    case DW_VERIFY_UNTESTED:
        return rep->untested;
    case DW_VERIFY_SOURCE_EXTRA_SECTORS:
        return rep->source_extra_sectors;
    case DW_VERIFY_RANGES:
        return rep->range_count;
    case DW_VERIFY_OUTSIDE:
        return rep->outside;
    case DW_VERIFY_SAMPLES_NOT_COMPARED:
        return rep->samples_not_compared;
    case DW_VERIFY_EDC_ERRORS:
        return rep->edc_errors;
    case DW_VERIFY_TRACKS:
        return rep->track_count;
    case DW_VERIFY_Q_COMPARED:
        return rep->q_compared;
    case DW_VERIFY_Q_MISCOMPARE:
        return rep->q_miscompare;
    case DW_VERIFY_Q_NOT_COMPARED:
        return rep->q_not_compared;
    case DW_VERIFY_Q_RANGES:
        return rep->q_range_count;
    }
    return 0;
}

int32_t dw_verify_report_source_lba(const struct dw_verify_report *rep)
{
    return rep && rep->have_comparison ? rep->source_lba : -1;
}

int dw_verify_report_sector_bytes(const struct dw_verify_report *rep)
{
    return rep && rep->have_comparison ? rep->sector_bytes : 0;
}

/* The first version of struct dw_verify_range ends after first_diff_byte. */
#define RANGE_V1_BYTES                                                                   \
    (offsetof(struct dw_verify_range, first_diff_byte) + sizeof(int32_t))

/* Range i of a list into out (out_bytes of it). */
static int copy_range(const struct dw_verify_range *ranges, int count, int i,
                      struct dw_verify_range *out, size_t out_bytes)
{
    if (!out || out_bytes < RANGE_V1_BYTES)
        return DW_EINVAL;
    if (i < 0 || i >= count)
        return DW_ERANGE;
    memcpy(out, &ranges[i], out_bytes < sizeof(ranges[i]) ? out_bytes : sizeof(ranges[i]));
    return 0;
}

int dw_verify_report_range(const struct dw_verify_report *rep, int i,
                           struct dw_verify_range *out, size_t out_bytes)
{
    bool have = rep && rep->have_comparison;
    return copy_range(have ? rep->ranges : NULL, have ? rep->range_count : 0, i, out,
                      out_bytes);
}

int dw_verify_report_q_range(const struct dw_verify_report *rep, int i,
                             struct dw_verify_range *out, size_t out_bytes)
{
    bool have = rep && rep->have_comparison;
    return copy_range(have ? rep->q_ranges : NULL, have ? rep->q_range_count : 0, i, out,
                      out_bytes);
}

const char *dw_verify_offset_source_name(enum dw_verify_offset_source s)
{
    switch (s) {
    case DW_VERIFY_OFFSET_NONE:
        break;
    case DW_VERIFY_OFFSET_IMAGE:
        return "image";
    case DW_VERIFY_OFFSET_OPTION:
        return "option";
    case DW_VERIFY_OFFSET_PROFILE:
        return "profile";
    case DW_VERIFY_OFFSET_TABLE:
        return "table";
    case DW_VERIFY_OFFSET_FOUND:
        return "found";
    case DW_VERIFY_OFFSET_NOT_FOUND:
        return "not found";
    }
    return "none";
}

int32_t dw_verify_report_offset(const struct dw_verify_report *rep,
                                enum dw_verify_offset_source *source, const char **detail)
{
    bool have = rep && rep->have_offset;
    if (source)
        *source = have ? rep->offset_source : DW_VERIFY_OFFSET_NONE;
    if (detail)
        *detail = have ? rep->offset_detail : "";
    return have ? rep->offset_samples : 0;
}

int dw_verify_report_offset_search(const struct dw_verify_report *rep, int32_t *samples)
{
    if (samples)
        *samples = rep && rep->search == 1 ? rep->search_samples : 0;
    return rep && rep->have_offset ? rep->search : -1;
}

/* The first version of struct dw_verify_track ends after edc_errors. */
int dw_verify_report_track(const struct dw_verify_report *rep, int i,
                           struct dw_verify_track *out, size_t out_bytes)
{
    if (!out || out_bytes < offsetof(struct dw_verify_track, edc_errors) + sizeof(int64_t))
        return DW_EINVAL;
    if (!rep || !rep->have_comparison || i < 0 || i >= rep->track_count)
        return DW_ERANGE;
    memcpy(out, &rep->tracks[i],
           out_bytes < sizeof(rep->tracks[i]) ? out_bytes : sizeof(rep->tracks[i]));
    return 0;
}
