/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the rip's typed report model.
 *
 * One struct holds everything a rip decided and measured: the source, the
 * options, the drive profile, the read offset, the Q scan, each track's
 * checksums and read statistics, the AccurateRip and CTDB answers and how
 * each track compared, the hidden track, the sub-channel pass, the damage
 * (bad, re-read, ECC-repaired ranges), the outputs and the verdict.  The
 * pipeline (rip.c, accuracy.c, subout.c) fills it; two serializers read
 * it: rip_report_json.c writes the JSON report (schema
 * docs/report-schema.json) and rip_report_log.c writes every line of the
 * human log.  Library users see it as the opaque struct dw_rip_report of
 * rip.h, through accessors (rip_report.c).
 *
 * A section whose `present` is false was not reached (the rip failed or
 * stopped before it) and is left out of the JSON.  Strings are owned by
 * the model unless said otherwise; texts from the disc are stored as read
 * and escaped by each serializer.
 */
#ifndef DW_RIP_REPORT_H
#define DW_RIP_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include "discwright/accuraterip.h"
#include "discwright/ardb.h"
#include "discwright/checksum.h"
#include "discwright/ctdb.h"
#include "discwright/discid.h"
#include "discwright/drive.h"
#include "discwright/drive_profile.h"
#include "discwright/qscan.h"
#include "discwright/rip.h"
#include "report/report_int.h"
#include "rip/rip_int.h"

/* The JSON report's "schema" and "schema_version" (docs/report-schema.json). */
#define DW_RIP_REPORT_SCHEMA "discwright-rip-report"
#define DW_RIP_REPORT_SCHEMA_VERSION 1

/* One track of the outputs ("tracks" in the JSON). */
struct dw__rr_track {
    int number;
    enum dw_track_mode mode;
    int32_t first_lba;
    int32_t sectors;
    char *file;              /* ISO rips: the track's .iso; NULL for BIN/CUE */
    const char *read_mode;   /* BIN/CUE: "secure", "paranoia", "burst",
                                "raw+edc/ecc" ...; static; NULL for ISO */
    struct dw_digests digests;
    int64_t sectors_reread;  /* BIN/CUE only */
    int64_t sectors_bad;
    bool secure;             /* secure_stats is meaningful */
    struct dw_secure_stats secure_stats;
    bool test_and_copy;      /* the test CRC is meaningful */
    bool paranoia;           /* paranoia_stats is meaningful */
    struct dw_paranoia_stats paranoia_stats;
    double seconds;
};

/* One audio track's AccurateRip and EAC checksums ("audio_checksums"). */
struct dw__rr_audio {
    int number;
    bool complete;           /* false: "incomplete track" */
    struct dw_ar_checksums ar;
    uint32_t eac_copy_crc, eac_crc_without_nulls;
};

/* A read offset correction's zero-filled span ("read_offset.zero_filled"). */
struct dw__rr_zero_fill {
    int64_t first_sample, samples, lba;
    int track;               /* 0: in no audio track */
    const char *source;      /* static: "lead-in", "lead-out", "data track" */
};

/* "read_offset" */
struct dw__rr_read_offset {
    bool present;
    int32_t samples;
    const char *source;      /* static: "none", "option", "table" */
    char detail[512];
    bool applied;
    bool finished;           /* zero_filled and overread are known */
    struct dw__rr_zero_fill *zero_filled;
    int zero_filled_count;
    int overread[2];         /* lead-in, lead-out: -1 not needed, 0 refused, 1 read */
};

/* "drive_profile" */
struct dw__rr_drive_profile {
    bool present;
    bool found;
    struct dw_drive_profile profile; /* when found */
    bool test_pass;
    int32_t cache_defeat_sectors;
};

/* "qscan" */
struct dw__rr_qscan {
    bool present;
    bool ran;
    char skipped[96];        /* why it did not run ("" when it ran or failed) */
    char error[512];         /* why it failed ("" otherwise) */
    struct dw_qscan_result *result; /* when it ran; owned */
};

/* "resume" */
struct dw__rr_resume {
    bool present;
    char *map;
    bool earlier_complete;
    char earlier_mode[32];
    int32_t final_lba;
    int64_t sectors_kept;
    int64_t bad_sectors_read_again;
};

/* One audio track's AccurateRip result ("accuraterip.tracks"). */
enum dw__rr_db_track_state { DW__RR_NOT_IN_DB = 0, DW__RR_ACCURATE, DW__RR_NOT_ACCURATE };
struct dw__rr_pressing {
    int32_t offset_samples;
    unsigned confidence;
};
#define DW__RR_MAX_PRESSINGS 16
struct dw__rr_ar_track {
    int number;
    int slot;                /* 1-based database slot */
    enum dw__rr_db_track_state state;
    struct dw_ar_track_match match; /* when the slot has entries */
    struct dw__rr_pressing pressings[DW__RR_MAX_PRESSINGS];
    int pressing_count;
};

/* "accuraterip" */
struct dw__rr_accuraterip {
    bool present;
    char status[32];         /* "accurate", "partially accurate", "not
                                accurate", "not in database",
                                "unavailable", "skipped" */
    char message[512];
    char path[DW_AR_PATH_BYTES];  /* "" when the disc ids could not be made */
    bool asked;              /* url/origin/cache are meaningful */
    char url[1024];
    const char *origin;      /* static */
    char cache[4096];
    int blocks;              /* pressing blocks in the answer */
    struct dw__rr_ar_track *tracks;
    int track_count;
    bool have_disc;          /* the database answered with entries */
    int disc_tracks, disc_accurate;
    unsigned disc_confidence;
};

/* One CTDB entry as it compared ("ctdb.entries"). */
struct dw__rr_ctdb_entry {
    long long id;
    unsigned confidence;
    uint32_t crc32;
    bool matched;
    char *toc;               /* NULL when the entry had none */
    bool toc_matched;
    int npar, stride;
    char *hasparity;         /* NULL when none */
    bool *track_matches;     /* track_match_count entries, or NULL */
    int track_match_count;
};

/* "ctdb" */
struct dw__rr_ctdb {
    bool present;
    char toc_id[DW_SHA1_ID_BYTES]; /* "" when the ids could not be made */
    char toc[DW_CTDB_TOC_BYTES];   /* "" when there is no lookup TOC */
    bool have_crc;           /* ours is meaningful */
    struct dw_ctdb_checksums ours;
    char status[32];
    char message[512];
    bool asked;
    char url[2048];
    const char *origin;
    char cache[4096];
    bool have_tracks;        /* "tracks" is written (our CRCs) */
    bool compared;           /* track_match, disc_match and entries are meaningful */
    struct dw_ctdb_track_match track_match[DW_MAX_TRACKS];
    struct dw_ctdb_disc_match disc_match;
    int entry_count_answered; /* entries in the answer */
    struct dw__rr_ctdb_entry *entries;
    int entry_count;
};

/* "htoa" */
struct dw__rr_htoa {
    bool present;            /* the key is written (null when !exists) */
    bool exists;
    int32_t first_lba, sectors;
    char length[48];
    bool silent;
    int64_t sectors_bad;
    bool file_wanted;
};

/* "subchannel" */
struct dw__rr_subchannel {
    bool present;
    const char *source;      /* static */
    int64_t sectors;
    struct dw__lba_ranges unreadable;
    int64_t bad_q_crc_frames, misplaced_q_frames, mcn_frames, isrc_frames;
    double seconds;
};

/* The outputs written, in the order of the JSON's "outputs". */
enum dw__rr_output_kind {
    DW__RR_OUT_IMAGE = 0, DW__RR_OUT_CUE, DW__RR_OUT_LOG, DW__RR_OUT_REPORT,
    DW__RR_OUT_IMG, DW__RR_OUT_SUB, DW__RR_OUT_CCD, DW__RR_OUT_TOC, DW__RR_OUT_CDT,
    DW__RR_OUT_HTOA, DW__RR_OUT_MAP, DW__RR_OUT_KINDS
};

struct dw_rip_report {
    /* the job */
    char started[32], finished[32];
    double seconds;
    char *command_line;
    bool have_source;        /* source, medium and toc are known */
    struct dw_drive_info source;
    struct dw_medium_info medium;
    struct dw_disc *toc;     /* the TOC's layout; owned */
    struct dw_disc *layout;  /* the layout ripped (after the Q scan); owned */

    /* "options" */
    bool iso;
    enum dw_rip_mode mode;
    int data_retries;
    bool qscan_asked;
    char *profile_name, *profile_file;
    bool extras_known;       /* subchannel / toc / htoa_file below are set */
    bool want_subchannel, want_toc, want_htoa_file;

    struct dw__rr_drive_profile drive_profile;
    struct dw__rr_read_offset read_offset;
    struct dw__rr_qscan qscan;
    struct dw__rr_resume resume;

    bool have_tracks;        /* "tracks" is written (the reading began) */
    struct dw__rr_track *tracks;
    int track_count, track_cap;
    bool have_image_digests;
    struct dw_digests image_digests;

    bool have_audio;         /* "audio_checksums" is written */
    struct dw__rr_audio *audio;
    int audio_count;
    bool have_ids;
    struct dw_disc_ids ids;

    struct dw__rr_accuraterip accuraterip;
    struct dw__rr_ctdb ctdb;
    struct dw__rr_htoa htoa;
    char **toc_sessions;     /* one cdrdao TOC per session, or NULL */
    int toc_session_count;
    struct dw__rr_subchannel subchannel;

    /* the damage and the totals */
    bool have_totals;
    int64_t sectors_read, sectors_kept, paranoia_events;
    struct dw__lba_ranges reread, bad, ecc_repaired;
    bool have_sector_map;
    int64_t map_sectors, map_untried, map_read, map_confirmed;
    int32_t map_final_lba;
    int64_t map_bad_by_state[8];

    char *outputs[DW__RR_OUT_KINDS];

    enum dw_rip_verdict verdict;
    char verdict_text[192];
    int audio_tracks, audio_tracks_confirmed;
    int exit_status;
    char error[512];         /* "" unless the rip failed */
    char log_sha256[65];

    char *json;              /* dw_rip_report_json's text, made once */
};

/* New empty report (verdict FAILED, exit status 1 until the rip says
 * otherwise); NULL without memory. */
struct dw_rip_report *dw__rip_report_new(void);

/* Set output `kind` to a copy of path (NULL clears it). */
int dw__rip_report_set_output(struct dw_rip_report *rep, enum dw__rr_output_kind kind,
                              const char *path);

/* Append a track record (zeroed but for number, mode, first_lba, sectors)
 * and return it; NULL without memory. */
struct dw__rr_track *dw__rip_report_add_track(struct dw_rip_report *rep,
                                              const struct dw_track *t, int32_t first_lba,
                                              int32_t sectors);

/* The JSON report (docs/report-schema.json) of rep, pretty-printed; the
 * caller frees it with free().  NULL without memory.
 * src/rip/rip_report_json.c */
char *dw__rip_report_to_json(const struct dw_rip_report *rep);

/* The name of bad-range detail d ("unreadable, sense 3/11/00",
 * "c2-unconfirmed" ...) into out.  src/rip/rip_report_log.c */
void dw__rip_bad_reason(int32_t detail, char *out, size_t out_bytes);

#endif
