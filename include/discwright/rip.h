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
#include "discwright/errors.h"
#include "discwright/drive.h"
#include "discwright/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dw_ardb_opts;
struct dw_ctdb_opts;

enum dw_rip_format { DW_RIP_BINCUE = 0, DW_RIP_ISO };
/* How audio is read: secure (the default: one pass with C2 error
 * pointers, then re-reads of only the C2-flagged or unreadable sectors
 * until two clean reads agree), paranoia (libcdio-paranoia full mode),
 * burst (one plain pass), test-and-copy (secure, plus a second "test" read
 * of every sector compared byte for byte with the copy: sectors that differ
 * are re-read as suspicious ones; the test and copy CRCs are reported). */
enum dw_rip_mode { DW_RIP_SECURE = 0, DW_RIP_PARANOIA, DW_RIP_BURST, DW_RIP_TEST_AND_COPY };

struct dw_rip_opts {
    const char *output_dir;     /* created if missing (one level) */
    const char *name;           /* base name of the outputs; NULL: from the source */
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

struct dw_rip_result {
    int64_t sectors_read;       /* sectors in the outputs */
    int64_t sectors_reread;     /* sectors that needed at least one re-read */
    int64_t sectors_bad;        /* sectors that stayed bad (unreadable or failing EDC/ECC) */
    int64_t paranoia_events;    /* corrections reported by libcdio-paranoia */
    char image_path[4096];      /* the .bin or (first) .iso */
    char cue_path[4096];        /* "" for ISO */
    char log_path[4096];
    char report_path[4096];
    char *report_json;          /* the JSON report text; the caller frees it with free() */
    /* Further outputs, "" when not written: the CloneCD set (DW_RIP_SUBCHANNEL),
     * the cdrdao TOC of the (first) session (DW_RIP_TOC), the CD-TEXT packs
     * (BIN/CUE rips of a disc with CD-TEXT: raw 18-byte packs, IEC 61866). */
    char img_path[4096];
    char sub_path[4096];
    char ccd_path[4096];
    char toc_path[4096];
    char cdt_path[4096];
    char log_sha256[65];        /* the log's signature (its last line), hex */
    enum dw_rip_verdict verdict;
    int audio_tracks;           /* audio tracks read from a drive (0 for images) */
    int audio_tracks_confirmed; /* of them, confirmed by AccurateRip or CTDB */
    char htoa_path[4096];       /* NAME-htoa.wav (DW_RIP_HTOA_FILE), "" when not written */
};

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
 * failure.  cb may be NULL.
 * *result is filled (the caller frees result->report_json).  Returns 0
 * when the outputs were
 * written, even with bad sectors (then result->sectors_bad > 0: the log,
 * the report and the exit status say so); on failure returns DW_E* with
 * err (may be NULL) set and leaves no output that looks complete:
 * DW_EACCES/DW_ENOENT (output directory), DW_ENOSPC (disk full),
 * DW_ENOMEDIUM, DW_EUNSUPPORTED (ISO of a disc without data tracks, or of
 * Mode 2 Form 2 sectors; DW_RIP_SUBCHANNEL with a drive that refuses raw
 * P-W), DW_EINVAL (DW_RIP_SUBCHANNEL, DW_RIP_TOC or DW_RIP_HTOA_FILE with
 * DW_RIP_ISO),
 * DW_EABORTED (the progress callback said stop), DW_EIO. */
DW_API int dw_rip(struct dw_drive *drive, const struct dw_rip_opts *opts,
                  const struct dw_callbacks *cb, struct dw_rip_result *result,
                  struct dw_error_detail *err);

#ifdef __cplusplus
}
#endif
#endif
