/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: burning images to CD, DVD and BD (and to stdio: files).
 *
 * Built on libburn 1.5 (libburn/libburn.h), which issues the MMC-6 write
 * commands (chapter 4.x "Write Features", 6.x WRITE(10), SEND CUE SHEET,
 * CLOSE TRACK/SESSION, BLANK) from its own threads.  A drive address is
 * what libburn takes: a device such as "/dev/sr0" for a real drive, or
 * "stdio:/path/file.iso" for a file that behaves like a DVD-RAM medium
 * (profile 0xffff "stdio file").
 *
 * Process-wide (version.h): libburn keeps global state, so every call here
 * holds the library's libburn lock for its whole run (and dw_drive_list
 * waits for it); they are not to be mixed with direct libburn use by the
 * caller.  While libburn writes, the burns install handlers for
 * SIGINT, SIGTERM and SIGHUP (a signal stops the burn cleanly, the drive
 * is released) and restore the caller's handlers before they return.
 */
#ifndef DISCWRIGHT_BURN_H
#define DISCWRIGHT_BURN_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "discwright/errors.h"
#include "discwright/progress.h"
#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options of a burn.  A zero-filled struct (or a NULL pointer) means:
 * fastest speed, real write, no eject. */
struct dw_burn_opts {
    double speed_x;  /* write speed in multiples of the medium's 1x (CD 1x =
                        176.4 kB/s, DVD 1x = 1385 kB/s, BD 1x = 4495.5 kB/s,
                        kB = 1000 bytes); 0 = the drive's maximum.  Rounded
                        up to whole kB/s and passed to burn_drive_set_speed
                        (MMC-6 SET CD SPEED / SET STREAMING); the drive picks
                        its nearest supported speed. */
    bool dummy;      /* simulate: MMC-6 Test Write (mode page 05h) through
                        burn_write_opts_set_simulate; the medium is not
                        written.  On a stdio: file nothing is written; a
                        file that did not exist before is not left behind. */
    bool eject;      /* eject the medium when the drive is released after
                        a burn was started (not when a check refused it) */
    unsigned flags;  /* DW_BURN_* below; others must be 0 */
    /* dw_burn_image only: */
    int write_mode;  /* DW_BURN_MODE_* below; 0 = DW_BURN_MODE_AUTO */
    int write_offset_samples; /* the drive's write offset in samples (4
                        bytes of 16-bit stereo PCM each): a drive with write
                        offset N puts audio N samples later on the disc than
                        it was sent, so our CD writer sends the image's
                        audio N samples ahead to make the disc equal to the
                        image.  Needs write mode SAO (ours).  Given when
                        non-zero or with DW_BURN_WRITE_OFFSET; otherwise
                        dw_burn_image takes the drive profile's
                        write_offset_samples (drive_profile.h) for images
                        with audio, when the profile has one. */
};

/* Write modes of dw_burn_image (struct dw_burn_opts.write_mode). */
#define DW_BURN_MODE_AUTO 0 /* ISO and what libburn writes from a cue (audio
                               or Mode 1 only, one session): libburn;
                               a one-session CD image that stores its
                               sub-channel: our raw writer when the drive
                               offers RAW (else SAO); everything else on
                               a CD: our SAO writer */
#define DW_BURN_MODE_SAO 1  /* our session-at-once CD writer (MMC-6 SEND CUE
                               SHEET, raw 2352-byte sectors) */
#define DW_BURN_MODE_RAW 2  /* our raw CD writer: write type RAW, RAW96R
                               (2352 + 96 bytes of P-W a block from the
                               lead-in through the lead-out), one session */
#define DW_BURN_MODE_TAO 3  /* track at once: ISO images through libburn;
                               CD images (one session of audio and Mode 1
                               tracks) through our writer (MMC-6 4.3.4:
                               page 05h write type 1 per track, data block
                               type 0 or 8, WRITE, SYNCHRONIZE CACHE, CLOSE
                               SESSION), the drive writing 150-sector
                               pregaps and run-outs: what of the image's
                               layout TAO cannot keep is a warning through
                               cb->log and result->layout_changed */

/* A stdio: target that exists as a regular file holding no disc image (no
 * ISO 9660 or UDF volume descriptor at 32 KiB) is a user's file: it is
 * written over only with this flag (else DW_EEXIST).  An existing image is
 * rewritten in place, like a rewritable disc.  A stdio: target that is
 * neither a regular file nor a block device (/dev/null, a FIFO) is refused
 * either way (DW_EINVAL). */
#define DW_BURN_OVERWRITE 0x1u
/* write_offset_samples is the write offset to use, also when it is 0 (the
 * drive profile's is then not looked up). */
#define DW_BURN_WRITE_OFFSET 0x2u

/* Multi-session (dw_burn_session, and dw_burn_source/dw_burn_iso on a
 * blank medium): DW_BURN_APPEND writes a session after the ones already on
 * an appendable CD-R/RW, DVD-R/RW, DVD+R or BD-R (or the first session on
 * a blank one) and leaves the disc open for more (MMC-6 mode page 05h
 * multi-session 11b; on DVD+R and BD-R the session is closed, the disc is
 * not); with DW_BURN_CLOSE as well the disc is closed after it (no
 * further session).  Without DW_BURN_APPEND a medium that holds a
 * session is refused (DW_EMEDIUM). */
#define DW_BURN_APPEND 0x4u
#define DW_BURN_CLOSE 0x8u

/* What a burn did.  Filled as far as the burn got, also on failure. */
struct dw_burn_result {
    char drive_address[512]; /* the address given, as used ("stdio:/x.iso") */
    char vendor[9];          /* INQUIRY vendor, as libburn reports it */
    char model[17];          /* INQUIRY product */
    char firmware[5];        /* INQUIRY revision */
    int profile;             /* MMC-6 current profile (0x09 CD-R, 0x1a DVD+RW,
                                ...); 0xffff for stdio: (libburn's own) */
    char profile_name[80];   /* libburn's name, e.g. "stdio file" */
    char write_type[8];      /* write type libburn chose: "TAO", "SAO",
                                "RAW"; our writer's "SAO" or "RAW96R"; or
                                "" before it was chosen */
    int32_t start_lba;       /* LBA where the track begins on the medium
                                (next writable address); 0 for blank and
                                overwritable media and stdio: files */
    int speed_kbps;          /* write speed asked for, kB/s (1000 bytes);
                                0 = maximum */
    int64_t image_bytes;     /* size of the image */
    int64_t written_bytes;   /* bytes libburn sent for the track (in a dummy
                                run: bytes it pretended to send) */
    bool dummy;              /* the run was a simulation */
    /* The plan (dw_burn_image; dw_burn_iso and dw_burn_cue leave them 0/""): */
    char writer[16];         /* "libburn", or "discwright" (our SAO writer) */
    int sessions;            /* sessions written (planned, when it failed) */
    int tracks;              /* tracks written */
    int write_offset_samples;/* the write offset applied to audio */
    char write_offset_source[16]; /* where it came from: "option" (given in
                                opts), "profile" (the drive profile's),
                                "none" (neither: 0); "" for dw_burn_iso/cue */
    char write_offset_profile[512]; /* with "profile": the profile file */
    bool layout_changed;     /* the disc's layout differs from the image's
                                (a track-at-once write that could not keep
                                it: the log's warnings say how), so the
                                image cannot be compared with it sector by
                                sector */
};

/* Burn an ISO 9660 (or any 2048-byte-sector) image as one data track
 * (Mode 1 on CD) in one closed session, starting at LBA 0 of a blank or
 * overwritable medium.
 *
 * image_path:    the image; a regular, non-empty file whose size is a
 *                multiple of 2048 bytes.  Not modified.
 * drive_address: "/dev/srN" (or another path to a burner) or "stdio:/path".
 *                For a stdio: path that does not exist yet, the directory
 *                must exist and be writable; the image is written to
 *                "<path>.part" and renamed to <path> once complete and
 *                flushed, so an interrupted burn never leaves a file that
 *                looks whole.  An existing stdio: file is overwritten in
 *                place from byte 0 like an overwritable medium (it is not
 *                truncated); if that burn fails its content is incomplete
 *                and the message says so.
 * opts:          may be NULL for the defaults.
 * cb:            may be NULL.  progress gets phase "burn", done_sectors
 *                and total_sectors in 2048-byte sectors of the image,
 *                buffer_fill_percent of libburn's FIFO (-1 on a stdio:
 *                target, which is written without one), about 10 times a
 *                second and once at the end; returning non-zero stops the
 *                burn (burn_drive_cancel) and the call returns DW_EABORTED.
 *                log gets libburn's messages (burn_msgs_obtain).
 * result:        may be NULL; filled as far as the burn got.
 * err:           may be NULL; on failure gets the code and a message that
 *                names the image or drive and says what to do.
 *
 * SIGINT, SIGTERM and SIGHUP are caught while libburn is in use (the
 * previous handlers are restored before returning; further signals during
 * the cleanup are swallowed): the burn is cancelled, libburn's writer
 * thread awaited, the drive released and DW_EABORTED returned; the caller
 * decides whether to exit.  libburn's own burn_set_signal_handling() is
 * not used: it prints to stderr, takes over about 25 signals including
 * SIGSEGV and leaves SIGINT ignored.  A burn_is_aborting() raised by such
 * a handler, if the application installed one itself, is honoured the
 * same way.
 *
 * Returns 0, or DW_EINVAL (bad arguments, image not a whole number of
 * sectors), DW_ENOENT (image or target directory missing), DW_EACCES,
 * DW_ENODRIVE (no drive at the address), DW_EBUSY, DW_ENOMEDIUM,
 * DW_EMEDIUM (closed, appendable, read-only or unsuitable medium, or no
 * write type fits), DW_EUNSUPPORTED (dummy on a medium that cannot
 * simulate), DW_ENOSPC (image larger than the free space), DW_EABORTED,
 * DW_EWRITE (libburn reports the burn failed), DW_EIO, DW_ELIB.
 * The drive is always released (burn_drive_release) before returning. */
DW_API int dw_burn_iso(const char *image_path, const char *drive_address,
                       const struct dw_burn_opts *opts,
                       const struct dw_callbacks *cb,
                       struct dw_burn_result *result,
                       struct dw_error_detail *err);

/* Burn a stream as dw_burn_iso burns a file: one data track of bytes
 * bytes (a positive multiple of 2048) read from src, a libburn source
 * (libburn.h struct burn_source, such as libisofs's
 * iso_image_create_burn_source gives; dw_build_burn in build.h uses it).
 * The call takes the caller's reference to src (it is freed with
 * burn_source_free, also on failure).  name stands for the image in
 * messages and the log.  Checks, progress, signals, result and errors as
 * dw_burn_iso. */
struct burn_source;
DW_API int dw_burn_source(struct burn_source *src, int64_t bytes, const char *name,
                          const char *drive_address, const struct dw_burn_opts *opts,
                          const struct dw_callbacks *cb, struct dw_burn_result *result,
                          struct dw_error_detail *err);

/* The state of the medium in a drive, for a multi-session burn. */
enum dw_burn_medium_status {
    DW_BURN_MEDIUM_EMPTY = 0,  /* no medium */
    DW_BURN_MEDIUM_BLANK,      /* blank (nothing written) */
    DW_BURN_MEDIUM_APPENDABLE, /* holds sessions, another may follow */
    DW_BURN_MEDIUM_CLOSED,     /* holds sessions, closed (or full) */
    DW_BURN_MEDIUM_OTHER,      /* unsuitable or unknown */
};

/* What dw_burn_medium_probe found. */
struct dw_burn_medium {
    enum dw_burn_medium_status status; /* READ DISC INFORMATION disc status */
    int profile;                       /* MMC-6 current profile */
    char profile_name[80];             /* libburn's name for it */
    bool overwritable;   /* written in place at any LBA (DVD+RW, BD-RE,
                            DVD-RW restricted overwrite, DVD-RAM, a
                            stdio: file): a new session grows the ISO */
    int32_t next_lba;    /* sequential media: the first LBA of a new
                            session (MMC-6 READ TRACK INFORMATION next
                            writable address of the invisible track, as
                            libburn's burn_disc_track_lba_nwa gives it);
                            -1 on overwritable, closed or absent media */
    int32_t last_session_lba; /* sequential media holding sessions: the
                            first LBA of the last one (its data track's
                            start, READ TOC format 1 / READ TRACK
                            INFORMATION; libburn's burn_disc_get_msc1),
                            -1 otherwise */
    int64_t free_bytes;  /* bytes a new session may hold (MMC-6 READ DISC
                            INFORMATION / READ FORMAT CAPACITIES through
                            burn_disc_available_space; the whole capacity
                            on overwritable media), -1 unknown */
};

/* Probe the medium in drive_address ("/dev/srN" or "stdio:PATH") for a
 * multi-session burn: grab the drive with libburn, read its status,
 * profile, next writable address and free space, release it.  Holds the
 * library's libburn lock.  Returns 0 (also for no medium: status EMPTY),
 * or DW_EINVAL, DW_ENODRIVE, DW_EBUSY, DW_EACCES, DW_ELIB. */
DW_API int dw_burn_medium_probe(const char *drive_address, struct dw_burn_medium *m,
                                struct dw_error_detail *err);

/* Burn a stream as a new session (ECMA-119 multi-session, MMC-6 4.5):
 * as dw_burn_source, with opts->flags holding DW_BURN_APPEND (and
 * DW_BURN_CLOSE to close the disc after it).
 *   Sequential media (CD-R/RW, DVD-R/RW, DVD+R, BD-R; blank or
 *   appendable): the session must start at start_lba, the next_lba
 *   dw_burn_medium_probe gave (the image was made for it); a medium whose
 *   next writable address differs is DW_EMEDIUM, nothing written.  head
 *   must be NULL.
 *   Overwritable media (DVD+RW, BD-RE, DVD-RW restricted overwrite,
 *   stdio: files): the stream is written from start_lba on, then the
 *   head_bytes of head (a multiple of 2048, at most 64 KiB: the volume
 *   descriptors of the grown ISO, libisofs's overwrite buffer) at LBA 0
 *   (libburn burn_random_access_write), as growisofs -M does.
 * result->start_lba is where the session went.  Errors as dw_burn_iso,
 * and DW_EMEDIUM for a closed disc. */
DW_API int dw_burn_session(struct burn_source *src, int64_t bytes, const char *name,
                           const char *drive_address, int32_t start_lba, const void *head,
                           size_t head_bytes, const struct dw_burn_opts *opts,
                           const struct dw_callbacks *cb, struct dw_burn_result *result,
                           struct dw_error_detail *err);

/* Burn a BIN/CUE image (a CDRWin cue sheet and its files) to a CD through
 * libburn's cue support (burn_session_by_cue_file; libburn picks SAO for
 * audio), with pregaps, ISRC, MCN and CD-TEXT from the cue.  AUDIO and
 * MODE1/2048 tracks go as they are; MODE1/2352 tracks are rewritten as
 * 2048-byte sectors after every sector's sync, header, EDC and ECC are
 * checked (ECMA-130 cl. 14, Annex A), in a temporary directory that is
 * removed afterwards.  Audio needs a CD-R/RW; data may go to a stdio: file.
 * Errors as dw_burn_iso, plus DW_EUNSUPPORTED (Mode 2 tracks, data mixed
 * with audio, several sessions, CD+G: the message says what to use
 * instead), DW_EMISMATCH (a data sector fails its check: nothing is
 * written), DW_EPARSE/DW_ENOENT/DW_ETRUNC (the cue, as dw_drive_open). */
DW_API int dw_burn_cue(const char *cue_path, const char *drive_address,
                       const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                       struct dw_burn_result *result, struct dw_error_detail *err);

/* Burn any disc image discwright reads (dw_drive_open: cue sheets with
 * one or many files, cdrdao TOC, Nero NRG, ISO, and the readers added
 * later) to the drive, choosing the writer:
 *  - an ISO image (or, with a stdio: target, any 2048-byte data file):
 *    dw_burn_iso;
 *  - a cue sheet libburn writes as it is (audio, or Mode 1 only, one
 *    session), write mode AUTO and no write offset: dw_burn_cue;
 *  - any other CD image, or write mode SAO: our CD writer, session at once
 *    through the MMC layer (MMC-6 4.3.5, 6.33 SEND CUE SHEET, 6.44
 *    WRITE(10)): every sector of the image from LBA -150 to the lead-out
 *    as its raw 2352 bytes (audio, Mode 1, Mode 2 formless and XA, as the
 *    image holds them), pregaps and INDEX 00/02+, ISRC, MCN, pre-emphasis
 *    and copy flags in the cue sheet, CD-TEXT packs in the lead-in, audio
 *    shifted by opts->write_offset_samples; --dummy is a test write.  It
 *    takes blank CD-R/RW media and one session; tracks under Red Book's
 *    4 s are written as they are, with a warning through cb->log;
 *  - write mode RAW, or AUTO for a one-session CD image whose every
 *    stored sector has its P-W (CloneCD .sub, rip --subchannel, MDF/CHD
 *    with P-W): our raw writer (MMC-6 7.5.4.2 write type RAW, data block
 *    type 3 RAW96R): the lead-in with the TOC in Q and CD-TEXT in R-W from
 *    the ATIP lead-in start, every sector with the image's P-W (or the
 *    P and Q of its layout, ECMA-130 22.3), 6750 sectors of lead-out, data
 *    sectors scrambled (ECMA-130 Annex B); it needs GET CONFIGURATION
 *    feature 002Eh with the Raw bit (RAW: else DW_EUNSUPPORTED; AUTO: SAO
 *    with a warning) and one session (RAW: else DW_EUNSUPPORTED).
 * Refused before anything is written: a file that is not an image
 * (a raw .bin without its cue: DW_EUNSUPPORTED with the reader's message),
 * a CD image for a stdio: target or a DVD/BD medium (DW_EMEDIUM), several
 * sessions (DW_EUNSUPPORTED), an empty track (DW_EINVAL), a lead-out
 * past the blank's last possible lead-out (ATIP; DW_ENOSPC), write mode
 * RAW on a drive without raw writing or for several sessions
 * (DW_EUNSUPPORTED).  opts->eject: our writer ejects
 * once a burn was started (its checks passed), as libburn does.
 * result->write_type says which
 * writer and type ran ("SAO" or "RAW96R" for ours, libburn's otherwise).  Arguments,
 * callbacks, other errors and signals as dw_burn_iso, except that our
 * writer installs no signal handlers: the caller stops it through the
 * progress callback (the CLI's SIGINT handler makes it return non-zero),
 * between two WRITEs; it then sends SYNCHRONIZE CACHE, unlocks the tray it
 * locked for the write (PREVENT ALLOW MEDIUM REMOVAL, MMC-6/SPC-4) and
 * returns DW_EABORTED, the message naming the sector and saying that the
 * CD-R is now likely unusable.  A signal the caller does not catch ends
 * the process mid-burn and leaves the CD-R unusable, as cutting power
 * does. */
DW_API int dw_burn_image(const char *image_path, const char *drive_address,
                         const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                         struct dw_burn_result *result, struct dw_error_detail *err);

/* Blank a rewritable disc: CD-RW (profile 0x0a) or DVD-RW (0x13, 0x14),
 * through burn_disc_erase (MMC-6 BLANK, 6.2).  fast: blank only the
 * PMA/TOC/lead-in ("minimal"); else the whole disc.  A fast-blanked DVD-RW
 * can only be written in DAO (libburn's SAO).
 *
 * progress gets phase "blank" with done_sectors 0..65536 of total_sectors
 * 65536 (libburn's relative steps; sector_bytes 0).  BLANK cannot be
 * interrupted safely, so the callback's return value and signals do not
 * stop it.  Other media (CD-R, DVD+RW, BD-RE, stdio: files, ...) fail with
 * DW_EMEDIUM; no medium: DW_ENOMEDIUM; no drive: DW_ENODRIVE; libburn
 * reporting failure: DW_EWRITE.  err may be NULL. */
DW_API int dw_burn_blank(const char *drive_address, bool fast,
                         const struct dw_callbacks *cb,
                         struct dw_error_detail *err);

/* ---- JSON of a burn and a blank ------------------------------------------- */

struct dw_verify_report;

/* The JSON report of a burn, as `burn --json` prints it: an object with
 * "schema": "discwright-burn-report", "schema_version": 1; "burn": the
 * image, the drive, its profile (number and name), the write type, the
 * track's start LBA, image and written bytes, whether it was a dummy run,
 * and "error" (null when the burn succeeded); "verify": the read-back's
 * report (verify.h, dw_verify_report_json), only when verify is not NULL;
 * "exit_status".
 *
 * image_path:  the image given to dw_burn_iso or dw_burn_cue (may be NULL:
 *              null); result: what the burn filled in (required);
 * error:       the failure's message, NULL when the burn succeeded;
 * verify:      the read-back's report, NULL when there was none;
 * exit_status: the program's exit status for the whole job.
 * Returns a NUL-terminated, pretty-printed text the caller frees with
 * free(); NULL for result NULL or without memory.  Thread-safe. */
DW_API char *dw_burn_result_to_json(const char *image_path, const struct dw_burn_result *result,
                                    const char *error, const struct dw_verify_report *verify,
                                    int exit_status);

/* The JSON of a blank, as `blank --json` prints it: {"blank": {"drive",
 * "fast", "error" (null when it succeeded)}, "exit_status"}.  The
 * arguments are those given to dw_burn_blank, its failure's message (NULL
 * for none) and the program's exit status.  Returns a text the caller
 * frees with free(); NULL without memory.  Thread-safe. */
DW_API char *dw_burn_blank_result_to_json(const char *drive_address, bool fast,
                                          const char *error, int exit_status);

#ifdef __cplusplus
}
#endif
#endif
