/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: drive profiles.
 *
 * What a drive does with the READ CD fields where MMC leaves room or drives
 * differ, measured once with a CD in the drive (dw_drive_probe) and kept as
 * a JSON file (dw_drive_profile_save, dw_drive_profile_load), so that a rip
 * can plan its reads without asking again: whether C2 error pointers come
 * back and where they sit next to sub-channel data, whether raw P-W comes
 * interleaved, whether formatted Q carries BCD or binary numbers, how many
 * sectors the read cache holds (a secure rip must read past it to read a
 * sector again from the disc), accurate stream, the fastest read speed and
 * the read offset.
 *
 * Files: PROFILES/drives/VENDOR_MODEL.json in the profiles directories of
 * profile.h (dw_profile_dir: the user's first, then $DW_PROFILES_DIR or
 * the XDG data one, then the installed one), VENDOR and MODEL the INQUIRY strings
 * with blanks collapsed, lowercased, and every character other than a-z,
 * 0-9, '.', '-' made '_' ("plextor_dvdr_px-716a.json").  One JSON object:
 *
 *     {
 *       "format": "discwright-drive-profile", "format_version": 1,
 *       "comment": "...", "vendor": "PLEXTOR", "model": "DVDR   PX-716A",
 *       "revision": "1.11", "probe_date": "2025-01-31T12:00:00Z",
 *       "discwright_version": "0.1.0", "probe_lba": 16, "probe_audio": true,
 *       "c2": "supported", "c2_block_error": "supported",
 *       "c2_placement": "before-sub", "raw_pw": "supported",
 *       "raw_pw_order": "interleaved", "formatted_q": "supported",
 *       "q_numbers": "bcd", "accurate_stream": "supported",
 *       "cache": "measured", "cache_sectors": 1024, "buffer_kib": 2048,
 *       "max_read_speed_kbps": 7056, "read_offset_samples": 30,
 *       "write_offset_samples": -12, "notes": ["..."]
 *     }
 *
 * Every measured field may be "unknown" (and the tri-state ones
 * "unsupported"); a field that is missing reads as "unknown", keys this
 * version does not know are ignored.
 */
#ifndef DISCWRIGHT_DRIVE_PROFILE_H
#define DISCWRIGHT_DRIVE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "discwright/version.h"
#include "discwright/errors.h"
#include "discwright/drive.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The outcome of one probe.  JSON: "unknown", "unsupported", "supported". */
enum dw_probe_state {
    DW_PROBE_UNKNOWN = 0, /* not measured: the disc did not allow it, a read
                             failed, or the profile file does not say */
    DW_PROBE_UNSUPPORTED, /* the drive refused it (CHECK CONDITION, ILLEGAL
                             REQUEST) or answered in a layout that is not
                             the one asked for */
    DW_PROBE_SUPPORTED    /* answered, and the answer checked out */
};

/* Where the C2 error pointers sit when one READ CD asks for C2 and
 * sub-channel data together.  JSON: "unknown", "before-sub", "after-sub",
 * "not-combined". */
enum dw_c2_placement {
    DW_C2_PLACEMENT_UNKNOWN = 0,
    DW_C2_BEFORE_SUB,  /* 2352 main, C2, sub-channel: the MMC-6 order */
    DW_C2_AFTER_SUB,   /* 2352 main, sub-channel, C2 */
    DW_C2_NOT_COMBINED /* the drive refuses C2 and sub-channel in one READ CD */
};

/* How raw P-W (READ CD sub-channel selection 001b) comes back.  JSON:
 * "unknown", "interleaved", "deinterleaved". */
enum dw_pw_order {
    DW_PW_ORDER_UNKNOWN = 0,
    DW_PW_INTERLEAVED,  /* as MMC-6 says: bit 7 of each byte P ... bit 0 W */
    DW_PW_DEINTERLEAVED /* 12 bytes P, 12 bytes Q, ... 12 bytes W */
};

/* The numbers of formatted Q (selection 010b) ADR 1 frames.  JSON:
 * "unknown", "bcd", "binary". */
enum dw_q_numbers {
    DW_Q_NUMBERS_UNKNOWN = 0,
    DW_Q_NUMBERS_BCD,   /* as on the disc */
    DW_Q_NUMBERS_BINARY /* TNO, INDEX and the times as binary numbers */
};

/* What the read cache timing found.  JSON "cache": "unknown", "none",
 * "measured", "at-least". */
enum dw_cache_estimate {
    DW_CACHE_UNKNOWN = 0, /* not measured: reads too fast to tell a seek from
                             a cache hit, a read failed, or the disc is too
                             short */
    DW_CACHE_NONE,        /* a sector read again always came from the disc */
    DW_CACHE_MEASURED,    /* cache_sectors is the estimate */
    DW_CACHE_AT_LEAST     /* the cache held all the probe read: cache_sectors
                             is a lower bound */
};

#define DW_DRIVE_PROFILE_NOTES_BYTES 1024

/* A drive profile: what dw_drive_probe measured or dw_drive_profile_load
 * read.  A plain value the caller owns (no pointers inside). */
struct dw_drive_profile {
    char vendor[9]; /* INQUIRY (SPC-4 6.6.2), trimmed */
    char model[17];
    char revision[5];
    char probe_date[32];         /* UTC, ISO 8601 "2025-01-31T12:00:00Z" */
    char discwright_version[16]; /* dw_version() of the probe */
    char comment[256];           /* free text; "" when none */
    int32_t probe_lba;           /* first sector the READ CD probes read */
    bool probe_audio;            /* ... in an audio track (else a data track) */

    enum dw_probe_state c2;             /* READ CD error field 01b, 294 bytes */
    enum dw_probe_state c2_block_error; /* error field 10b, 296 bytes */
    enum dw_c2_placement c2_placement;  /* C2 next to sub-channel data */
    enum dw_probe_state raw_pw;         /* sub-channel selection 001b, 96 bytes */
    enum dw_pw_order raw_pw_order;
    enum dw_probe_state formatted_q; /* sub-channel selection 010b, 16 bytes */
    enum dw_q_numbers q_numbers;
    enum dw_probe_state accurate_stream; /* page 2Ah byte 5 bit 1 */

    enum dw_cache_estimate cache;
    int32_t cache_sectors;       /* sectors the read cache holds: a sector is
                                    read again from the disc once this many
                                    others were read after it; -1 unknown */
    int32_t buffer_kib;          /* buffer size the drive states (page 2Ah
                                    bytes 12-13), -1 unknown */
    int32_t max_read_speed_kbps; /* page 2Ah bytes 8-9, kB/s (1x CD = 176),
                                    -1 unknown */
    bool has_read_offset;        /* read_offset_samples is known */
    int32_t read_offset_samples; /* from the offset tables (profile.h),
                                    AccurateRip's sign */
    bool has_write_offset;        /* write_offset_samples is known */
    int32_t write_offset_samples; /* the drive's write offset: audio written
                                     session at once lands this many samples
                                     later on the disc than it was sent (the
                                     sign of burn --write-offset); -1176..1176.
                                     No probe measures it: the user writes it
                                     into the profile file (burn a disc, read
                                     it with a known read offset: the shift
                                     left is the write offset); burn uses it
                                     when --write-offset is not given */

    /* Why a probe said unknown or unsupported, one line each ("c2: READ CD
     * error field 01b refused: invalid field in cdb (sense 5/24/00)");
     * "" when nothing to say. */
    char notes[DW_DRIVE_PROFILE_NOTES_BYTES];
    /* The file dw_drive_profile_load read; "" for a probe result. */
    char source[4096];
};

/* Probe the drive d (an MMC drive with a CD in it; an audio CD is
 * preferred, a data CD does) and fill *out (cleared first).  Each probe
 * sends its own commands through the MMC backend and takes a refusal as
 * "unsupported", a failure of another kind as "unknown", with a line in
 * out->notes:
 *  - INQUIRY (SPC-4 6.6): vendor, model, revision;
 *  - READ CD (MMC-6) of two sectors with error field 01b (C2, 294 bytes)
 *    and 10b (296), raw P-W (selection 001b) and formatted Q (010b), each
 *    checked against a plain READ CD of the same sectors (the main data
 *    must sit at 2352 + extra bytes a sector); P-W order by the Q CRC of
 *    the raw and the de-interleaved bytes; BCD or binary Q by the CRC and
 *    the absolute time against the LBA read;
 *  - READ CD with C2 and sub-channel together, compared with the separate
 *    sub-channel read: C2 before or after the sub-channel bytes;
 *  - MODE SENSE(10) page 2Ah (MMC-3 6.3.11, legacy in MMC-6): accurate
 *    stream (byte 5 bit 1), maximum read speed (bytes 8-9), buffer size;
 *  - the read cache by timing (as cdparanoia's cache analysis does): read
 *    a far sector, then sector X and the N - 1 after it, then X again; a
 *    re-read much faster than a seek came from the cache.  N doubles from
 *    32 to 8192 (or what the probed tracks allow) and is then narrowed
 *    down by bisection.  This reads up to a few ten thousand sectors and
 *    takes seconds to a minute on a real drive;
 *  - the read offset from the offset tables (dw_profile_drive_offset).
 * Returns 0 when the probes ran (however many said unknown); otherwise
 * DW_EINVAL (NULL argument), DW_EUNSUPPORTED (d is an image), DW_ENOMEDIUM,
 * DW_EMEDIUM (not a CD, or no track to read), DW_EREAD (the plain READ CD
 * of the probe sectors fails: no probe can be checked), DW_ENOMEM; err
 * (may be NULL) gets the message, the drive's last error the detail. */
DW_API int dw_drive_probe(struct dw_drive *d, struct dw_drive_profile *out,
                          struct dw_error_detail *err);

/* The JSON file name of a drive: "VENDOR_MODEL.json" sanitized as the top
 * of this header says, into out.  Returns 0, DW_EINVAL when it does not
 * fit. */
DW_API int dw_drive_profile_file_name(const char *vendor, const char *model, char *out,
                                      size_t out_bytes);

/* Write *p to DIR/drives/VENDOR_MODEL.json (DIR a profiles directory, such
 * as dw_profile_dir(0): the user's), creating DIR and DIR/drives when
 * missing.  Written as NAME.json.part, flushed and renamed into place.
 * The path written goes to path_out (path_out_bytes; may be NULL/0).
 * Returns 0, DW_EINVAL (NULL p or dir, a path that does not fit),
 * DW_EACCES, DW_ENOSPC, DW_EIO, DW_ENOMEM; err (may be NULL) names the file
 * and what to do. */
DW_API int dw_drive_profile_save(const struct dw_drive_profile *p, const char *dir,
                                 char *path_out, size_t path_out_bytes,
                                 struct dw_error_detail *err);

/* Parse the profile file at path into *out (cleared first; out->source
 * = path).  Returns 0, DW_ENOENT (no such file), DW_EPARSE (not JSON, not a
 * discwright drive profile, a field of the wrong type or value: the message
 * names the file and the key), DW_ENOMEM, DW_EIO. */
DW_API int dw_drive_profile_read(const char *path, struct dw_drive_profile *out,
                                 struct dw_error_detail *err);

/* Find the profile of the drive vendor/model (INQUIRY strings; case and
 * runs of blanks do not matter) along the search path of profile.h and
 * read it into *out.  The first file whose vendor and model match wins.
 * Returns 0, DW_ENOENT when no directory has one (probe the drive), or the
 * error of dw_drive_profile_read for the first matching file that is
 * malformed (it is not skipped: fix or delete it), DW_EINVAL for NULL
 * arguments. */
DW_API int dw_drive_profile_load(const char *vendor, const char *model,
                                 struct dw_drive_profile *out,
                                 struct dw_error_detail *err);

/* The profile as the JSON object above, a string the caller frees with
 * free(); NULL when out of memory. */
DW_API char *dw_drive_profile_to_json(const struct dw_drive_profile *p);

/* Flags of dw_drive_profile_to_json_ext. */
#define DW_DRIVE_PROFILE_JSON_FILE 0x1u /* add "file": the file the profile
                                           was read from (p->source), at the
                                           end, when it is not "" */

/* The profile as dw_drive_profile_to_json writes it, with what flags adds
 * (DW_DRIVE_PROFILE_JSON_*; others must be 0): `drives --probe --json` and
 * `drives --profile --json` print it with DW_DRIVE_PROFILE_JSON_FILE.  A
 * string the caller frees with free(); NULL for p NULL, unknown flags, or
 * when out of memory.  The text with "file" is not a profile file:
 * dw_drive_profile_read refuses the key. */
DW_API char *dw_drive_profile_to_json_ext(const struct dw_drive_profile *p, unsigned flags);

/* Names of the enum values, as the JSON file spells them; static, never
 * NULL ("unknown" for values out of range). */
DW_API const char *dw_probe_state_name(enum dw_probe_state s);
DW_API const char *dw_c2_placement_name(enum dw_c2_placement p);
DW_API const char *dw_pw_order_name(enum dw_pw_order o);
DW_API const char *dw_q_numbers_name(enum dw_q_numbers n);
DW_API const char *dw_cache_estimate_name(enum dw_cache_estimate c);

#ifdef __cplusplus
}
#endif
#endif
