/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The offset search's evidence lines: every line `discwright offset`
 * shows comes from here, made from the typed report model
 * (offset_report.h) as the search reaches each part, and escaped
 * (dw_text_escape) on its way to the log callback: a drive's answer or a
 * file name cannot add lines or terminal controls. */
#include <stdarg.h>
#include <stdio.h>
#include "discwright/report.h"
#include "discwright/sector.h"
#include "rip/offset_report.h"

static void say(const struct dw_callbacks *cb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(const struct dw_callbacks *cb, const char *fmt, ...)
{
    char line[768], safe[1536];
    va_list ap;
    if (!cb || !cb->log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    dw_text_escape(line, safe, sizeof(safe));
    cb->log(DW_LOG_INFO, safe, cb->user);
}

void dw__offset_log_source(const struct dw_offset_report *rep,
                           const struct dw_callbacks *cb)
{
    if (rep->source.kind != DW_DRIVE_MMC)
        say(cb,
            "'%s' is an image: the answer is its own shift against the database, not a "
            "drive's",
            rep->source.address);
}

void dw__offset_log_lookup(const struct dw_offset_report *rep,
                           const struct dw_callbacks *cb)
{
    const struct dw__or_accuraterip *a = &rep->accuraterip;
    if (!a->asked)
        return;
    if (a->status == DW__OR_AR_FOUND)
        say(cb,
            "AccurateRip key-disc search: %s, %d pressing block%s, shifts of up to %d "
            "samples",
            a->path, a->blocks, a->blocks == 1 ? "" : "s", (int)rep->range_samples);
    else
        say(cb, "AccurateRip key-disc search: %s %s%s%s", a->path,
            a->status == DW__OR_AR_NOT_IN_DB ? "is not in the database" : "unavailable",
            a->message[0] ? ": " : "", a->message);
}

void dw__offset_log_track(const struct dw__or_track *t, const struct dw_callbacks *cb)
{
    char line[512] = "";
    size_t used = 0;
    if (t->skipped[0]) {
        say(cb, "  track %02d: not searched: %s", t->number, t->skipped);
        return;
    }
    for (int i = 0; i < t->match_count; i++) {
        int n = snprintf(line + used, sizeof(line) - used, "%s%+d (confidence %u)",
                         used ? ", " : "", (int)t->matches[i].offset_samples,
                         t->matches[i].confidence);
        if (n > 0 && (size_t)n < sizeof(line) - used)
            used += (size_t)n;
    }
    say(cb, "  track %02d: %s%s", t->number,
        t->match_count ? "frame 450 matches at "
                       : "no pressing's frame 450 within the range",
        line);
}

void dw__offset_log_data_track(const struct dw_offset_report *rep,
                               const struct dw_callbacks *cb)
{
    const struct dw__or_data_track *d = &rep->data_track;
    if (!d->track)
        return;
    if (d->status == DW__OR_DATA_SYNC_FOUND) {
        const struct dw__sync_hit *h = &d->hit;
        int64_t b = h->combined_bytes;
        say(cb,
            "data track %02d: sync of sector %d found at byte %lld of LBA %lld (%s): "
            "combined read + write offset %+lld bytes%s",
            d->track, h->header_lba, (long long)(h->byte_pos % DW_SECTOR_RAW_BYTES),
            (long long)(h->byte_pos / DW_SECTOR_RAW_BYTES),
            h->scrambled ? "scrambled" : "not scrambled", (long long)b,
            b % 4 ? " (not a whole number of samples)" : "");
    } else if (d->status == DW__OR_DATA_ALIGNED) {
        say(cb,
            "data track %02d: the drive returns its sectors descrambled and aligned to "
            "their "
            "sync (its data path): no evidence of the audio read offset",
            d->track);
    } else {
        say(cb, "data track %02d: no sync pattern in what the drive returned", d->track);
    }
}
