/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: burn layer helpers, pure so that unit tests reach
 * the decisions that a stdio: target cannot provoke (a full medium, the
 * speed of a real medium). */
#ifndef DW_BURN_INT_H
#define DW_BURN_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "discwright/burn.h"

/* Bytes of a data sector (Mode 1 / DVD / BD user data). */
#define DW__BURN_SECTOR_BYTES 2048

/* Check that an image of image_sectors (2048 bytes each) fits into
 * free_bytes as libburn reports them (burn_disc_available_space, which for
 * stdio: files is the free space of their file system).  Returns 0, or
 * DW_ENOSPC with err's message naming image_path, drive_address and both
 * sizes in sectors.  err may be NULL. */
int dw__burn_check_capacity(int64_t image_sectors, int64_t free_bytes,
                            const char *image_path, const char *drive_address,
                            struct dw_error_detail *err);

/* Write speed for burn_drive_set_speed, in kB/s (1000 bytes, libburn's
 * unit), for speed_x times the 1x of the medium with MMC-6 profile
 * `profile`: CD (0x08-0x0a) 176.4, BD (0x40-0x43) 4495.5, DVD and anything
 * else (0x10-0x2b, 0xffff stdio) 1385; rounded up as libburn.h asks
 * (4x CD = 706).  speed_x <= 0 gives 0 (= maximum). */
int dw__burn_speed_kbps(int profile, double speed_x);

/* 1x rate in bytes/s for the profile's medium family: 176400 (CD),
 * 1385000 (DVD, stdio), 4495500 (BD). */
int64_t dw__burn_1x_bytes_per_s(int profile);

/* Whether a medium of this profile is overwritten in place from LBA 0
 * (DVD-RAM 0x12, DVD-RW restricted overwrite 0x13, DVD+RW 0x1a, BD-RE
 * 0x43, and a random-access stdio: file: profile 0xffff with libburn
 * drive role 2 or 5). */
bool dw__burn_profile_overwritable(int profile, int drive_role);

/* Name of a libburn write type ("TAO", "SAO", "RAW", "PACKET", "NONE"). */
const char *dw__burn_write_type_name(int write_type);

/* Burn a cue sheet that libburn's burn_session_by_cue_file takes as it is
 * (AUDIO and MODE1/2048 tracks only): bytes and sectors of its track data,
 * audio when it has audio tracks (then only a CD will do).  image_path
 * names the user's image in messages.  Errors as dw_burn_iso. */
int dw__burn_cue_job(const char *image_path, const char *cue_path, int64_t bytes,
                     int64_t sectors, bool audio, const char *drive_address,
                     const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                     struct dw_burn_result *result, struct dw_error_detail *err);

struct dw_disc;

/* What a BIN/CUE burn needs, decided from the disc layout alone
 * (IEC 60908 / ECMA-130 track modes against what libburn 1.5.4 writes). */
struct dw__cue_plan {
    bool audio;          /* audio tracks only */
    bool convert;        /* MODE1/2352 data to rewrite as MODE1/2048 */
    int64_t sectors;     /* sectors of track data to write */
};

/* Decide whether and how a disc can be burned through libburn's cue
 * support.  Returns 0 with *plan filled, or DW_EUNSUPPORTED with msg (may
 * be NULL) saying why and what to do instead: Mode 2 tracks, data mixed
 * with audio, several sessions, CD+G (2448-byte) or cue PREGAP silence in
 * data tracks. */
int dw__burn_cue_plan(const struct dw_disc *disc, const char *image_path,
                      struct dw__cue_plan *plan, char *msg, size_t msg_bytes);

struct burn_source;

/* A libburn source (struct burn_source, version 1) that reads `inner` in
 * blocks of block_bytes and hands them out in the pieces libburn asks
 * for, in libburn's writer thread: what a stdio: target gets instead of
 * libburn's FIFO (block_source.c says why).  Takes a reference of its own
 * to inner (the caller keeps and frees its own); size, set_size and cancel
 * are inner's.  A read error of inner is returned once what was read
 * before it is handed out.  Returns NULL with errno ENOMEM or EINVAL
 * (inner NULL, block_bytes <= 0).  Free with burn_source_free. */
struct burn_source *dw__burn_block_source_new(struct burn_source *inner, int block_bytes);

#endif
