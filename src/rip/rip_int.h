/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the rip job state shared by rip.c and paranoia.c. */
#ifndef DW_RIP_INT_H
#define DW_RIP_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include "discwright/checksum.h"
#include "discwright/rip.h"
#include "checksum/hashset.h"
#include "report/outfile.h"
#include "report/report_int.h"

/* AccurateRip and EAC checksums of the audio tracks, fed as sectors are
 * written.  An AccurateRip track runs from its INDEX 01 to the next track's
 * INDEX 01 (the next pregap counts to it) or its session's lead-out; the
 * hidden track before track 1 counts to no track. */
struct dw__ar_track {
    int number;
    int32_t first_lba, end_lba;
    struct dw_ar_calc *calc;
    struct dw_eac_crc *crc;
};

struct dw__rip {
    struct dw_drive *drive;
    const struct dw_disc *disc;
    const struct dw_rip_opts *opts;
    const struct dw_callbacks *cb;
    struct dw_error_detail *err;
    struct dw_rip_report *rep;   /* the report model being filled (rip_report.h) */
    /* Where the outputs go (committed ones are also in rep->outputs). */
    char image_path[4096], cue_path[4096], log_path[4096], report_path[4096];
    const char *name;
    const char *source; /* the source's address, for messages */
    int session;        /* dw_rip_session: the one session to rip, 0 = all */
    int retries;
    struct dw__outfile image, log;
    /* Outputs written and finished (flushed, fsynced, closed as NAME.part)
     * that wait for the end of a successful rip to be renamed into place
     * together with the image, the report and the log (dw__rip_pending_add);
     * a failed rip removes them.  So a full disk or a stop never leaves a
     * set that looks complete. */
    struct dw__outfile pending[24 + DW_MAX_TRACKS + 1]; /* + audio track files */
    int pending_count;
    int lock_fd;              /* NAME.lock, held with flock; -1 when none */
    char lock_path[4200];
    struct dw__lba_ranges reread, bad;
    struct dw__lba_ranges ecc_repaired; /* data sectors repaired from their ECC */
    int64_t done_sectors, total_sectors, paranoia_events;
    int sector_bytes;
    int64_t media_1x_bytes_per_s; /* 0 for CD; DVD/BD 1x for the progress line */
    double last_progress_s;
    bool aborted;
    struct dw__ar_track *ar;  /* one per audio track, or NULL */
    bool secure_have_c2;      /* secure mode: the drive still looks C2-capable */
    bool user_data_only;      /* --format iso: data sectors are checked with
                                 dw_sector_check_user (no P/Q parity check
                                 where the EDC matches) */
    bool test_pass;           /* secure reads add test-and-copy's test pass:
                                 --mode test-and-copy, or a drive whose
                                 profile says it has no accurate stream */
    int32_t secure_window_sectors; /* the next secure window's size (0: the
                                      first, smallest); src/rip/secure.c */
    int32_t cache_defeat_sectors; /* how far away a read must be to empty the
                                     drive's cache (its profile, else 2000) */
    int medium_profile;       /* MMC-6 profile of the source medium */
    int32_t session_first, session_end; /* readable LBAs of the current session */
    int ar_count, ar_cursor;
    struct dw__rip_accuracy *acc; /* read offset, AccurateRip (rip/accuracy.h) */
    /* The sector map (rip/ripmap.h): NAME.map, "" when none is kept. */
    char map_path[4096];
    char toc_fingerprint[4096];
    char drive_name[160];
    double map_saved_s;
    int32_t bin_first_lba, bin_end_lba; /* the bin's sectors, session gaps left out */
    int32_t final_lba;                  /* the bin's sectors below it are final */
    struct dw__ripmap *resume;          /* the earlier run's map (--resume), or NULL */
    FILE *resume_bin;                   /* resuming a complete rip: its NAME.bin, the
                                           source of the kept sectors (else they are
                                           in the .part being continued) */
    int64_t kept_sectors;               /* sectors taken from the earlier run */
    struct dw__audio_out *audio;        /* --format flac/wav: the track files
                                           (audio_out.c), or NULL */
    struct dw__paranoia *paranoia;      /* paranoia mode: the libcdio-paranoia
                                           session reading the current disc
                                           session's audio (paranoia.c), or NULL */
};

/* "paranoia", "burst", "secure". */
const char *dw__rip_mode_name(enum dw_rip_mode mode);
/* The read offset correction applied to audio, in samples (0: none). */
int32_t dw__rip_offset_samples(const struct dw__rip *r);
/* Mark the bin's sectors below lba final and save the map (at most once a
 * second unless force). */
int dw__rip_mark_final(struct dw__rip *r, int32_t lba, bool force);

struct dw_secure_stats {
    bool have_c2;          /* the drive reported C2 pointers */
    int c2_sectors;        /* sectors C2 flagged in the first pass */
    int unreadable_pass1;  /* sectors the first pass could not read */
    int recovered;         /* suspicious sectors two clean reads confirmed */
    int reads;             /* re-reads (one sector each) */
    /* test-and-copy: the CRC-32 (zlib) of what the test pass read, running
     * over the windows of a track, and the sectors whose test read differed
     * from the copy read without a C2 flag on either (jitter). */
    uint32_t test_crc32;
    int test_differing;
    /* Jitter (src/rip/secure.c): read commands overlap by a sector, whose
     * two copies are compared sample-exactly. */
    int overlap_sectors;         /* sectors read twice for the overlaps */
    int jitter_shifted_commands; /* read commands (pass 1, test pass,
                                    re-reads) found shifted against the
                                    read before them or the final data */
    int jitter_min_samples, jitter_max_samples; /* the smallest and largest
                                    such shift (absolute; 0 when none) */
    int jitter_unmatched_overlaps; /* overlaps whose copies matched at no
                                    shift within DW_JITTER_MAX_SAMPLES
                                    (larger jitter, or damage) */
    int jitter_realigned_sectors; /* sectors moved back into place from a
                                    shifted command (the shift proven by
                                    the overlaps) */
    int jitter_vote_sectors;     /* sectors read again to settle a chain of
                                    commands whose own alignments did not
                                    (too few, or no clear majority) */
    int jitter_reread_sectors;   /* sectors re-read because their pass-1
                                    read's alignment was not proven */
    int jitter_unconfirmed_sectors; /* sectors listed bad as
                                    DW__BAD_JITTER_UNCONFIRMED */
};

/* sum += part, for the windows and segments of a track. */
void dw__secure_stats_add(struct dw_secure_stats *sum, const struct dw_secure_stats *part);

/* Secure audio reading of [first, end) of track t (src/rip/secure.c):
 * one pass with C2, re-reads of the suspicious sectors until two clean
 * reads agree, checksums over the final bytes into hs (track and image) and the
 * AccurateRip/EAC state.  Bad sectors go to r->bad, re-reads to r->reread. */
int dw__rip_secure_range(struct dw__rip *r, const struct dw_track *t, int32_t first,
                         int32_t end, struct dw__hashset *hs, struct dw_secure_stats *stats);

/* Feed n raw sectors starting at lba to the audio checksums (no-op outside
 * the audio tracks). */
void dw__rip_feed_audio(struct dw__rip *r, int32_t lba, const uint8_t *buf, int32_t n);

/* Detail of a bad range that libcdio-paranoia skipped (not a DW_E* code). */
#define DW__BAD_PARANOIA_SKIP (-1000)
/* A sector secure mode could not confirm by two clean, agreeing reads. */
#define DW__BAD_SECURE_UNCONFIRMED (-1002)
/* A delivered sector next to such a gap, which paranoia may have patched. */
#define DW__BAD_PARANOIA_EDGE (-1001)
/* A sector no read of which was proven to start where it should (secure
 * mode's overlap check: jitter). */
#define DW__BAD_JITTER_UNCONFIRMED (-1003)

/* libcdio-paranoia callback events (paranoia_cb_mode_t), counted. */
#define DW_PARANOIA_EVENT_KINDS 14
struct dw_paranoia_stats {
    int64_t count[DW_PARANOIA_EVENT_KINDS];
};
const char *dw__paranoia_event_name(int kind);

/* A note in the log (and to the log callback): an event or a decision
 * that is not a field of the report model.  Escaped on its way out.
 * src/rip/rip_report_log.c, which also writes every other log line from
 * the model (dw__riplog_*). */
void dw__rip_log(struct dw__rip *r, enum dw_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
struct dw__rr_track;
void dw__riplog_header(struct dw__rip *r, const char *drive_warnings);
void dw__riplog_layout(struct dw__rip *r);
void dw__riplog_drive_profile(struct dw__rip *r, int load_rc, const char *load_error);
void dw__riplog_read_offset(struct dw__rip *r);
void dw__riplog_zero_fill(struct dw__rip *r);
void dw__riplog_qscan(struct dw__rip *r);
void dw__riplog_resume(struct dw__rip *r);
void dw__riplog_track_start(struct dw__rip *r, const struct dw__rr_track *tr);
void dw__riplog_track_done(struct dw__rip *r, const struct dw__rr_track *tr);
void dw__riplog_image(struct dw__rip *r);
void dw__riplog_audio(struct dw__rip *r);
void dw__riplog_accuraterip(struct dw__rip *r);
void dw__riplog_ctdb(struct dw__rip *r, bool quiet_skip);
void dw__riplog_htoa(struct dw__rip *r);
void dw__riplog_subchannel(struct dw__rip *r, const char *sub_name);
void dw__riplog_summary(struct dw__rip *r);
int dw__rip_progress(struct dw__rip *r, int track, bool force);
int dw__rip_read_checked(struct dw__rip *r, const struct dw_track *t, int32_t lba, int32_t n,
                         uint8_t *buf);

/* Read audio sectors [first, end) of track t through libcdio-paranoia
 * (PARANOIA_MODE_FULL without NEVERSKIP: after 20 failed tries on a spot
 * paranoia gives up on it and reports a skip), write them to out and both
 * hashes.
 * Paranoia's callback events are counted in *stats; sectors it had to skip
 * or could not read are added to r->bad. */
int dw__rip_paranoia_range(struct dw__rip *r, const struct dw_track *t, int32_t first,
                           int32_t end, struct dw__outfile *out, struct dw__hashset *hs,
                           struct dw_paranoia_stats *stats);
/* Free r->paranoia (the rip's clean-up; NULL is a no-op).  The range calls
 * of one disc session share it: a call that starts where the last one
 * ended reads on in the same libcdio-paranoia session, so its first read
 * is verified and aligned against what came before (a new session has
 * nothing to align its first read to). */
void dw__rip_paranoia_release(struct dw__rip *r);

/* Outputs besides the image and cue (src/rip/subout.c). */
/* Before anything is read: refuse DW_RIP_SUBCHANNEL / DW_RIP_TOC /
 * DW_RIP_HTOA_FILE with an ISO rip, note them in the report's options, and
 * ask the drive for the raw P-W of one sector (a drive that refuses it
 * fails the rip here). */
int dw__rip_extras_check(struct dw__rip *r, bool iso);
/* After the bin and cue are in place: NAME.cdt (CD-TEXT), the hidden track
 * before track 1 read back from the bin (the log, the report's "htoa", and
 * NAME-htoa.wav with DW_RIP_HTOA_FILE), the cdrdao TOC (DW_RIP_TOC), and the
 * sub-channel pass with NAME.img, NAME.sub and NAME.ccd (DW_RIP_SUBCHANNEL);
 * into the report model and the log. */
int dw__rip_extras_write(struct dw__rip *r);
/* Sign the log (its last line, report.h) into rep->log_sha256. */
int dw__rip_sign_log(struct dw__rip *r);

struct dw_rip_profile;

/* Parse the text of a rip profile file (NUL-terminated); path only names
 * it in messages.  want_name: the name it was looked up by, which its
 * "name" must equal (NULL: any).  The contract of dw_rip_profile_load
 * without the file: 0 or DW_EPARSE (out cleared), out->source left "".
 * src/rip/rip_profile.c; for it and its fuzz target. */
int dw__rip_profile_parse(const char *text, const char *path, const char *want_name,
                          struct dw_rip_profile *out, struct dw_error_detail *err);


/* Finish *of (dw__outfile_finish) and move it into r->pending, to be
 * renamed into place with the rest of the rip's outputs; *of is zeroed.
 * Returns 0 or the finish error (the .part is then removed).  src/rip/rip.c */
int dw__rip_pending_add(struct dw__rip *r, struct dw__outfile *of);
/* The image file as it is now: NAME.bin.part until the rip is committed,
 * for the outputs that read it back (HTOA, the CloneCD .img). */
const char *dw__rip_image_now(const struct dw__rip *r);

/* The output set (src/rip/rip_outset.c).  name_check: a --name is one
 * path component of printable characters (DW_EINVAL).  outset_check, once
 * the paths are known: no output may be one of the source's files
 * (DW_EEXIST), NAME.lock is taken (DW_EBUSY while another rip holds it),
 * and an earlier finished set is replaced only with DW_RIP_OVERWRITE or
 * continued with DW_RIP_RESUME (DW_EEXIST naming its files).
 * outset_stale: the earlier set's members this rip did not write, named in
 * the log (remove false) or removed (true); returns how many.  unlock:
 * release NAME.lock. */
int dw__rip_name_check(const char *name, struct dw_error_detail *err);
int dw__rip_outset_check(struct dw__rip *r);
int dw__rip_outset_stale(struct dw__rip *r, bool remove);
void dw__rip_outset_unlock(struct dw__rip *r);

/* Audio outputs (src/rip/audio_out.c).  dw__rip_audio_check, before
 * reading: plan the track files of --format flac/wav (names from the
 * pattern and CD-TEXT, none existing without DW_RIP_OVERWRITE); a no-op
 * for other formats.  dw__rip_audio_write, once the bin is finished and
 * the databases asked: encode them and write the cue, all pending the
 * set's rename.  Both return 0 or a DW_E* code with r->err set. */
bool dw__rip_format_audio(enum dw_rip_format f);
bool dw__rip_name_is_pattern(const struct dw_rip_opts *opts);
int dw__rip_audio_check(struct dw__rip *r);
int dw__rip_audio_write(struct dw__rip *r);
void dw__rip_audio_release(struct dw__rip *r);

#endif
