/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: ripping a disc (or an image acting as one) to files.
 *
 * BIN/CUE: one .bin of raw 2352-byte sectors (audio little-endian, CDRWin
 * layout) and a .cue; ISO: the 2048-byte user data of each data track.
 * Audio is read through libcdio-paranoia (paranoia mode) or plainly (burst);
 * data sectors are read raw and checked (sync, header, EDC, ECC: ECMA-130
 * cl. 14 and Annex A), re-read when bad, and reported by LBA when they stay
 * bad.  Every output is written as NAME.part and renamed when complete; a
 * .log and a .json report go beside the image.  The log ends with the
 * SHA-256 of its text (report.h, "signed logs").  A BIN/CUE rip also writes
 * the disc's CD-TEXT as NAME.cdt, and on request a cdrdao TOC
 * (DW_RIP_TOC), a CloneCD .img/.sub/.ccd set (DW_RIP_SUBCHANNEL) and the
 * hidden track before track 1 as NAME-htoa.wav (DW_RIP_HTOA_FILE).
 */
#ifndef DISCWRIGHT_RIP_H
#define DISCWRIGHT_RIP_H

#include <stdint.h>
#include "discwright/version.h"
#include "discwright/checksum.h"
#include "discwright/errors.h"
#include "discwright/drive.h"
#include "discwright/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dw_ardb_opts;
struct dw_ctdb_opts;

/* DW_RIP_FLAC, DW_RIP_WAV: one file per audio track (FLAC with tags and a
 * CUESHEET block; RIFF WAVE PCM) and NAME.cue referencing them in EAC's
 * gaps-appended layout, cut from the bin, which is not kept; opts->name
 * with a '%' is the track files' pattern (%n number, %t title, %a artist,
 * %A album; the set is then named after the source), else the set's name
 * and the track files are "%n - %t".  src/rip/audio_out.c. */
enum dw_rip_format { DW_RIP_BINCUE = 0, DW_RIP_ISO, DW_RIP_FLAC, DW_RIP_WAV };
/* How audio is read: secure (the default: one pass with C2 error
 * pointers, then re-reads of only the C2-flagged or unreadable sectors
 * until two clean reads agree), paranoia (libcdio-paranoia full mode),
 * burst (one plain pass), test-and-copy (secure, plus a second "test" read
 * of every sector compared byte for byte with the copy: sectors that differ
 * are re-read as suspicious ones; the test and copy CRCs are reported). */
enum dw_rip_mode { DW_RIP_SECURE = 0, DW_RIP_PARANOIA, DW_RIP_BURST, DW_RIP_TEST_AND_COPY };

struct dw_rip_opts {
    const char *output_dir;     /* created if missing (one level) */
    /* Base name of the outputs: one path component of printable
     * characters (no '/', not "", "." or ".."; dw_text_is_clean), else
     * DW_EINVAL.  NULL: from the source's file name ("disc" for drives). */
    const char *name;
    enum dw_rip_format format;
    enum dw_rip_mode mode;      /* how audio is read */
    int data_retries;           /* re-reads of a bad sector; -1: default (4) */
    const char *command_line;   /* recorded in the log and report; may be NULL */
    unsigned flags;             /* DW_RIP_* flags below, others must be 0 */
    /* Read offset correction of audio read from a drive (never from an
     * image), in samples, AccurateRip's sign (discwright/profile.h): used
     * with DW_RIP_READ_OFFSET; without it the drive table decides. */
    int32_t read_offset_samples;
    /* AccurateRip lookups (discwright/ardb.h): NULL for the defaults. */
    const struct dw_ardb_opts *accuraterip;
    /* CTDB lookups (discwright/ctdb.h).  NULL: the defaults, with what
     * `accuraterip` says carried over: DW_ARDB_OFFLINE, the time-outs, and
     * a cache directory DIR as DIR/ctdb ("" stays no cache). */
    const struct dw_ctdb_opts *ctdb;
    /* The rip profile these options came from (discwright/rip_profile.h;
     * dw_rip_profile_apply sets both): its name and the file it was read
     * from, written into the log ("profile: NAME (FILE)") and the report's
     * options ("profile", "profile_file").  NULL: no profile (then
     * profile_file is not read); profile_file may be NULL alone. */
    const char *profile_name;
    const char *profile_file;
    /* Threads the rip's sequential reads may use: 1 reads, checks, hashes
     * and writes on the caller's thread; 0 (automatic: when more than one
     * CPU is online) or 2 and more add a reader thread that reads ahead
     * into a ring of at most 8 MiB for burst BIN/CUE and --format iso rips,
     * and in secure and test-and-copy mode one that reads the next
     * window's first pass while the window before is hashed and written
     * (same reads, retries, errors and outputs either way). */
    unsigned threads;
};

/* Rip a drive's CD with the layout of its TOC alone: no Q sub-channel scan
 * (dw_disc_qscan) for pregaps, indexes, ISRC, MCN and pre-emphasis.  Image
 * sources are never scanned: they carry their layout. */
#define DW_RIP_NO_QSCAN 0x1u
/* BIN/CUE only: also read the raw P-W sub-channel of every sector of the
 * bin (dw_drive_read_raw_sub, a second pass over the disc) and write a
 * CloneCD set beside the rip: NAME.img (the bin's bytes), NAME.sub (96
 * de-interleaved bytes a sector) and NAME.ccd (dw_ccd_write).  A drive that
 * refuses raw P-W fails the rip before the bin is read (DW_EUNSUPPORTED). */
#define DW_RIP_SUBCHANNEL 0x10u
/* BIN/CUE only: also write a cdrdao TOC file of the bin (dw_toc_write):
 * NAME.toc, or one NAME-sessionN.toc per session of a multi-session disc. */
#define DW_RIP_TOC 0x20u
/* Apply opts->read_offset_samples instead of the drive table's offset. */
#define DW_RIP_READ_OFFSET 0x100u
/* Do not ask the AccurateRip database, nor CTDB (the checksums are still
 * computed). */
#define DW_RIP_NO_ACCURATERIP 0x200u
/* BIN/CUE only: go on from the sector map NAME.map an earlier rip into the
 * same directory and name left (src/rip/ripmap.h has its format).  A BIN/CUE
 * rip saves the map as it goes, at most once a second, after fdatasync of
 * NAME.bin.part: every sector below its "final_lba" is final.  When a rip
 * fails or is stopped, NAME.bin.part and NAME.map stay; with this flag the
 * next rip takes the final sectors from NAME.bin.part (hashing them again),
 * reads the sectors the map lists as bad again, and reads on from where the
 * earlier run stopped.  After a complete rip the map lists its bad sectors:
 * resuming with another drive (or the same one later) reads only those
 * again, and positions line up because they are after read offset
 * correction.  No map: the rip starts from the beginning.  Errors:
 * DW_EMISMATCH (the map belongs to a disc with another TOC), DW_ETRUNC
 * (NAME.bin.part shorter than the map says), DW_EPARSE (a damaged map),
 * DW_ENOENT (a complete map whose NAME.bin is gone). */
#define DW_RIP_RESUME 0x400u
/* BIN/CUE only: when the disc has a hidden track before track 1 (HTOA:
 * audio track 1 whose INDEX 01 lies after the bin's first sector, LBA 0;
 * the bin holds it as track 1's INDEX 00), also write it as NAME-htoa.wav:
 * a RIFF/WAVE file (PCM, 16-bit stereo, 44100 Hz, 44-byte header) whose
 * data are those sectors' bytes read back from the finished bin.  A disc
 * without one gets no file and a line in the log; that is not an error.
 * Whether or not the flag is set, the hidden track (LBA range, length,
 * whether it is all digital silence) goes into the log and the report's
 * "htoa". */
#define DW_RIP_HTOA_FILE 0x800u
/* Replace an earlier rip with the same output directory and name.  Without
 * it a rip refuses (DW_EEXIST) when any finished output of its set exists
 * (NAME.bin/.iso, .cue, .log, .json, .cdt, .img, .sub, .ccd, .toc,
 * NAME-sessionN.toc, NAME-htoa.wav, NAME-NN.iso); with it the new set
 * replaces the old one whole: members the new rip does not write are
 * removed once it succeeded (named in the log).  An output that is one of
 * the rip's own input files is refused either way (DW_EEXIST). */
#define DW_RIP_OVERWRITE 0x1000u

/* What a rip proved (the log's and report's "verdict"). */
enum dw_rip_verdict {
    DW_RIP_VERDICT_OK = 0,      /* no bad sectors and, for audio read from a
                                   drive, every audio track confirmed by
                                   AccurateRip or CTDB ("accurate"); images
                                   and discs without audio: "ok" */
    DW_RIP_VERDICT_UNCONFIRMED, /* no bad sectors, but some audio track read
                                   from a drive has no database match */
    DW_RIP_VERDICT_BAD_SECTORS, /* some sectors stayed bad (listed) */
    DW_RIP_VERDICT_FAILED       /* dw_rip returned an error */
};

/* ---- the report of a rip --------------------------------------------------
 * dw_rip fills a struct dw_rip_report: the typed record of everything the
 * rip decided and measured, from which the library writes the log and the
 * JSON report (docs/report-schema.json).  It is opaque; read it with the
 * accessors below and free it with dw_rip_report_free.  A report is
 * immutable once dw_rip returned it: any number of threads may read it. */
struct dw_rip_report;

/* Free a report; NULL is a no-op. */
DW_API void dw_rip_report_free(struct dw_rip_report *rep);

/* The report of a rip that could not start (its source did not open):
 * verdict DW_RIP_VERDICT_FAILED, exit status 1, err's message, the command
 * line of opts (may be NULL).  For programs that print a report for every
 * failure.  The caller frees it with dw_rip_report_free; NULL without
 * memory. */
DW_API struct dw_rip_report *dw_rip_report_for_error(const struct dw_rip_opts *opts,
                                                     const struct dw_error_detail *err);

/* The JSON report (the text written to NAME.json; for a failed rip the
 * report that could not be written, with "error" and "exit_status"),
 * NUL-terminated, owned by rep (valid until dw_rip_report_free).  NULL for
 * rep NULL or without memory. */
DW_API const char *dw_rip_report_json(struct dw_rip_report *rep);

/* The verdict, and the exit status the program uses for it: 0 accurate /
 * ok, 5 unconfirmed, 3 bad sectors, 1 failed. */
DW_API enum dw_rip_verdict dw_rip_report_verdict(const struct dw_rip_report *rep);
DW_API int dw_rip_report_exit_status(const struct dw_rip_report *rep);

/* Counts (sectors, tracks, events) of a rip. */
enum dw_rip_count {
    DW_RIP_SECTORS_READ = 0,     /* sectors in the outputs */
    DW_RIP_SECTORS_REREAD,       /* sectors that needed at least one re-read */
    DW_RIP_SECTORS_BAD,          /* sectors that stayed bad */
    DW_RIP_SECTORS_KEPT,         /* sectors taken from an earlier run (--resume) */
    DW_RIP_PARANOIA_EVENTS,      /* corrections libcdio-paranoia reported */
    DW_RIP_AUDIO_TRACKS,         /* audio tracks read from a drive (0 for images) */
    DW_RIP_AUDIO_TRACKS_CONFIRMED, /* of them, confirmed by AccurateRip or CTDB */
    DW_RIP_TRACKS                /* tracks in the outputs */
};
/* The count `what` (0 for an unknown one or rep NULL). */
DW_API int64_t dw_rip_report_count(const struct dw_rip_report *rep, enum dw_rip_count what);

/* The files a rip writes. */
enum dw_rip_output {
    DW_RIP_OUT_IMAGE = 0, /* NAME.bin, or the (first) NAME.iso */
    DW_RIP_OUT_CUE,       /* NAME.cue (BIN/CUE) */
    DW_RIP_OUT_LOG,       /* NAME.log; NAME.log.part after a failed rip */
    DW_RIP_OUT_REPORT,    /* NAME.json */
    DW_RIP_OUT_IMG,       /* the CloneCD set (DW_RIP_SUBCHANNEL): NAME.img, */
    DW_RIP_OUT_SUB,       /*   NAME.sub, */
    DW_RIP_OUT_CCD,       /*   NAME.ccd */
    DW_RIP_OUT_TOC,       /* the cdrdao TOC of the (first) session (DW_RIP_TOC) */
    DW_RIP_OUT_CDT,       /* the CD-TEXT packs (raw 18-byte packs, IEC 61866) */
    DW_RIP_OUT_HTOA,      /* NAME-htoa.wav (DW_RIP_HTOA_FILE) */
    DW_RIP_OUT_MAP        /* NAME.map, the sector map (BIN/CUE) */
};
/* The path of an output that was written (for DW_RIP_OUT_LOG also the
 * .part log a failed rip leaves), owned by rep; NULL when it was not. */
DW_API const char *dw_rip_report_output(const struct dw_rip_report *rep,
                                        enum dw_rip_output which);

/* The log's signature (its last line, report.h "signed logs"), 64 hex
 * digits; "" when the log was not signed.  Owned by rep. */
DW_API const char *dw_rip_report_log_sha256(const struct dw_rip_report *rep);

/* The failure's message ("" unless the rip failed); owned by rep. */
DW_API const char *dw_rip_report_error(const struct dw_rip_report *rep);

/* The databases a rip asks. */
enum dw_rip_database { DW_RIP_DB_ACCURATERIP = 0, DW_RIP_DB_CTDB };
/* What the database said of the rip's audio: its status ("accurate",
 * "partially accurate", "not accurate", "not in database", "unavailable",
 * "skipped"; NULL when the rip had no audio to check or did not get that
 * far) and a note ("" when none; the reason for "unavailable" and
 * "skipped"); tracks compared with the database's entries (0 when it
 * answered with none: "not in database", "unavailable", "skipped"),
 * tracks confirmed and the disc's confidence
 * (the least per-track confidence when every track is confirmed, else 0)
 * into the pointers that are not NULL.  Strings are owned by rep. */
DW_API const char *dw_rip_report_database(const struct dw_rip_report *rep,
                                          enum dw_rip_database db, const char **note,
                                          int *tracks, int *tracks_confirmed,
                                          unsigned *disc_confidence);

/* Tracks of the outputs, i = 0 .. dw_rip_report_count(DW_RIP_TRACKS) - 1:
 * the track number, its first LBA in the outputs, its sectors and bad
 * sectors and its digests (CRC-32, MD5, SHA-1 of its bytes: 2352 a sector
 * for BIN/CUE, 2048 for ISO) into the pointers that are not NULL.  Returns
 * 0, or DW_ERANGE for i out of range. */
DW_API int dw_rip_report_track(const struct dw_rip_report *rep, int i, int *number,
                               int32_t *first_lba, int32_t *sectors, int64_t *sectors_bad,
                               struct dw_digests *digests);

/* Rip drive to files as opts says.  On a drive holding a CD, the layout
 * (INDEX 00 pregaps, INDEX 02+, ISRC, MCN, pre-emphasis) is first refined
 * from the Q sub-channel (dw_disc_qscan, progress phase "qscan") unless
 * opts->flags has DW_RIP_NO_QSCAN; what it found goes into the log and the
 * report, and the cue is written from the refined layout.  Audio read
 * from a drive is corrected for its read offset (opts->read_offset_samples
 * with DW_RIP_READ_OFFSET, else the drive table of profile.h, else none;
 * samples outside the disc's audio are overread or zero-filled and
 * reported).  After a BIN/CUE rip with audio the AccurateRip database is
 * asked (ardb.h, unless DW_RIP_NO_ACCURATERIP) and each track's match goes
 * into the log and the report's "accuraterip"; then CTDB (ctdb.h: the disc
 * CRC and the track CRCs against its entries) into the log and the
 * report's "ctdb".  A database being unavailable is a warning, never a
 * failure.  cb may be NULL; its callbacks run on the calling thread.
 *
 * *report (report may be NULL) receives the rip's report, which the caller
 * frees with dw_rip_report_free: after a success, and after a failure too
 * (then its verdict is DW_RIP_VERDICT_FAILED and its JSON carries "error"
 * and "exit_status"); it stays NULL only when no report could be made
 * (DW_EINVAL for bad arguments, DW_ENOMEM).  Returns 0 when the outputs
 * were written, even with bad sectors (then DW_RIP_SECTORS_BAD > 0: the
 * log, the report and the exit status say so); on failure returns DW_E*
 * with err (may be NULL) set and leaves no output that looks complete:
 * DW_EACCES/DW_ENOENT (output directory), DW_ENOSPC (disk full),
 * DW_EEXIST (the outputs exist: DW_RIP_OVERWRITE; or an output would be an
 * input), DW_EBUSY (another rip writes the same set now: each rip holds
 * NAME.lock in the output directory while it runs),
 * DW_ENOMEDIUM, DW_EUNSUPPORTED (ISO of a disc without data tracks, or of
 * Mode 2 Form 2 sectors; DW_RIP_SUBCHANNEL with a drive that refuses raw
 * P-W), DW_EINVAL (DW_RIP_SUBCHANNEL, DW_RIP_TOC or DW_RIP_HTOA_FILE with
 * DW_RIP_ISO),
 * DW_EABORTED (the progress callback said stop), DW_EIO. */
DW_API int dw_rip(struct dw_drive *drive, const struct dw_rip_opts *opts,
                  const struct dw_callbacks *cb, struct dw_rip_report **report,
                  struct dw_error_detail *err);

/* As dw_rip with opts->format DW_RIP_ISO, for one session of a
 * multi-session disc (ECMA-119 multi-session, MMC-6 4.5): the 2048-byte
 * user data of session's data tracks (numbered from 1 as the TOC or, on
 * DVD and BD, READ TRACK INFORMATION gives them), the first to NAME.iso,
 * any further one to NAME-NN.iso.  The directory records of a later
 * session's ISO 9660 volume point at absolute LBAs: the file holds that
 * session's sectors only.  Errors as dw_rip, and DW_EINVAL for a session
 * below 1, another format, or a session the disc does not have (the
 * message names the sessions there are; nothing is written);
 * DW_EUNSUPPORTED when the session holds no data track. */
DW_API int dw_rip_session(struct dw_drive *drive, const struct dw_rip_opts *opts, int session,
                          const struct dw_callbacks *cb, struct dw_rip_report **report,
                          struct dw_error_detail *err);

#ifdef __cplusplus
}
#endif
#endif
