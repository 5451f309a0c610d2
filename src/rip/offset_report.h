/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the offset search's typed report model.
 *
 * One struct holds what `discwright offset` found: the source, the range
 * searched, method (a)'s database answer, each audio track's frame-450
 * matches and the vote, method (b)'s reads of the data track and the sync
 * it saw, and the answer.  The search (offset_find.c) fills it;
 * offset_report_log.c writes the evidence lines from it as the search
 * goes, offset_report_json.c the JSON report at the end; library users see
 * it as the opaque struct dw_offset_report of offset.h, through the
 * accessors of offset_report.c.
 *
 * A section whose `present` is false was not reached and is left out of
 * the JSON.  Strings are owned by the model; text from drives is stored as
 * given and escaped by each serializer.
 */
#ifndef DW_OFFSET_REPORT_H
#define DW_OFFSET_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include "discwright/discid.h"
#include "discwright/drive.h"
#include "discwright/offset.h"
#include "discwright/progress.h"
#include "rip/offset.h"

/* The JSON report's "schema" and "schema_version". */
#define DW_OFFSET_REPORT_SCHEMA "discwright-offset-report"
#define DW_OFFSET_REPORT_SCHEMA_VERSION 1

/* Matches kept per track, candidates kept for the vote, syncs kept per
 * read of the data track. */
#define DW__OR_MAX_MATCHES 32
#define DW__OR_MAX_CANDIDATES 64
#define DW__OR_MAX_SYNCS 16

/* A shift at which a track's frame 450 reproduced pressings' values. */
struct dw__or_match {
    int32_t offset_samples;
    unsigned confidence;     /* of those pressings, summed */
};

/* One audio track of the key-disc search ("accuraterip.tracks"). */
struct dw__or_track {
    int number;
    char skipped[160];       /* why it was not searched; "" when it was */
    struct dw__or_match matches[DW__OR_MAX_MATCHES];
    int match_count;
};

/* An offset the tracks voted for ("accuraterip.candidates"). */
struct dw__or_candidate {
    int32_t offset_samples;
    int tracks;
    unsigned confidence;
};

/* What method (a) came to ("accuraterip.status"). */
enum dw__or_ar_status {
    DW__OR_AR_SKIPPED = 0,   /* "skipped" (DW_OFFSET_NO_DATABASE) */
    DW__OR_AR_NO_AUDIO,      /* "no audio tracks" */
    DW__OR_AR_NOT_IN_DB,     /* "not in database" */
    DW__OR_AR_UNAVAILABLE,   /* "unavailable" */
    DW__OR_AR_FOUND          /* "found": blocks, tracks, candidates below */
};

/* Method (a) ("accuraterip"). */
struct dw__or_accuraterip {
    bool present;
    enum dw__or_ar_status status;
    bool asked;              /* path, url and origin are meaningful */
    char path[DW_AR_PATH_BYTES];
    char url[1024];
    const char *origin;      /* static: "network", "cache", "none" */
    char message[512];       /* why not found / unavailable; "" when none */
    int blocks;
    struct dw__or_track *tracks;
    int track_count, track_cap;
    bool out_of_memory;      /* the search had no buffer: "error" */
    struct dw__or_candidate candidates[DW__OR_MAX_CANDIDATES];
    int candidate_count;
};

/* One read of method (b) ("data_track.probes"). */
struct dw__or_probe {
    int32_t first_lba, sectors;
    int read_rc;             /* 0, or the read's DW_E* code ("error") */
    struct dw__sync_hit syncs[DW__OR_MAX_SYNCS];
    int sync_count;
};

/* What method (b) came to ("data_track.status"). */
enum dw__or_data_status {
    DW__OR_DATA_SKIPPED = 0, /* "skipped" (DW_OFFSET_NO_DATA_TRACK) */
    DW__OR_DATA_NONE,        /* "no data track" */
    DW__OR_DATA_SYNC_FOUND,  /* "sync found": hit is the first sync out of place */
    DW__OR_DATA_ALIGNED,     /* "aligned": syncs only where they belong */
    DW__OR_DATA_NO_SYNC      /* "no sync" */
};

/* Method (b) ("data_track"). */
struct dw__or_data_track {
    bool present;
    enum dw__or_data_status status;
    int track;               /* the data track's number; 0 without one */
    struct dw__or_probe probes[3];
    int probe_count;
    struct dw__sync_hit hit; /* DW__OR_DATA_SYNC_FOUND */
};

struct dw_offset_report {
    bool have_source;        /* source and medium are known */
    struct dw_drive_info source;
    struct dw_medium_info medium;
    int32_t range_samples;
    struct dw__or_accuraterip accuraterip;
    struct dw__or_data_track data_track;

    /* the answer */
    bool found;
    int32_t offset_samples;
    enum dw_offset_method method;
    int tracks_searched, tracks_agreeing;
    unsigned confidence;
    char summary[512];
    char error[512];         /* "" unless the search failed */

    char *json;              /* the JSON report, made once at the end */
};

/* A new empty report; NULL without memory.  src/rip/offset_report.c */
struct dw_offset_report *dw__offset_report_new(void);

/* Append a track record (zeroed but for its number) to method (a) and
 * return it; NULL without memory.  src/rip/offset_report.c */
struct dw__or_track *dw__offset_report_add_track(struct dw_offset_report *rep, int number);

/* The end of a search: error (NULL when it ran) into the report, and the
 * JSON made (rep->json stays NULL without memory).  src/rip/offset_report.c */
void dw__offset_report_finish(struct dw_offset_report *rep, const char *error);

/* The JSON report of rep, pretty-printed; the caller frees it with
 * free().  NULL without memory.  src/rip/offset_report_json.c */
char *dw__offset_report_to_json(const struct dw_offset_report *rep);

/* The evidence lines, each to cb->log (cb may be NULL) at DW_LOG_INFO,
 * escaped (report.h), as the search reaches them: the source when it is an
 * image; method (a)'s database answer; one searched or skipped track;
 * method (b)'s conclusion.  src/rip/offset_report_log.c */
void dw__offset_log_source(const struct dw_offset_report *rep, const struct dw_callbacks *cb);
void dw__offset_log_lookup(const struct dw_offset_report *rep, const struct dw_callbacks *cb);
void dw__offset_log_track(const struct dw__or_track *t, const struct dw_callbacks *cb);
void dw__offset_log_data_track(const struct dw_offset_report *rep, const struct dw_callbacks *cb);

#endif
