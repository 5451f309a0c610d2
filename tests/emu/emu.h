/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright test bench: an MMC drive emulator.
 *
 * A pure drive model (CDB in; data, sense and residual out) over a medium
 * loaded from an image (cue, cdrdao TOC, NRG, ISO: discwright's own image
 * readers) or created blank (CD-R, CD-RW, DVD-R, DVD+R, DVD+RW, BD-R,
 * BD-RE), plus a personality (vendor/model, C2, sub-channel, read offset)
 * and a fault plan.  The LD_PRELOAD library (preload.c) makes a device node
 * that does not exist look like a Linux sr drive and routes libcdio's and
 * libburn's commands here.  Test infrastructure: discwright never links it.
 */
#ifndef DW_EMU_H
#define DW_EMU_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct dw_emu;

enum dw_emu_dir { DW_EMU_NONE = 0, DW_EMU_READ, DW_EMU_WRITE };

/* Outcome of one command.  status 0 = GOOD, 2 = CHECK CONDITION (sense
 * holds fixed-format sense data, SPC-4 4.5.3: 70h, key, ASC, ASCQ), -1 =
 * no status at all: the drive never answers the command (hung, a `hang`
 * fault); then nothing was transferred and the command was not executed.
 * What a host sees of that is its own business: the preload library waits
 * out the timeout the way the Linux kernel does. */
struct dw_emu_result {
    int status;
    bool hung;               /* status -1: the command gets no answer */
    uint8_t sense[18];
    size_t sense_bytes;      /* 18 on CHECK CONDITION, else 0 */
    size_t data_bytes;       /* bytes transferred (read: filled in data) */
    size_t residual_bytes;   /* data_len - data_bytes */
};

/* Create an emulator from a configuration string, one key=value per
 * whitespace-separated token:
 *   medium=PATH         image to load (.cue .toc .nrg .ccd .mds .iso), or
 *   blank=KIND          cdr cdrw dvdr dvdprw dvdpr dvdrw bdr bdre
 *   capacity=SECTORS    size of a blank medium (default per kind)
 *   state=PATH          file keeping a written medium between processes
 *   vendor=.. model=.. firmware=..   INQUIRY strings
 *   c2=none|294|296     C2 support; subq=bcd|binary; offset=SAMPLES
 *   faults=SPEC         fault plan (reads, writes, hung commands), see emu_faults.c
 * NULL or "" gives an empty tray.  Returns NULL and fills msg on error. */
struct dw_emu *dw_emu_new(const char *config, char *msg, size_t msg_bytes);
void dw_emu_free(struct dw_emu *e);

/* Execute one CDB (6, 10 or 12 bytes; trailing bytes of a 12-byte
 * buffer beyond the opcode's length are ignored).  data is data_len bytes:
 * filled for DW_EMU_READ, consumed for DW_EMU_WRITE. */
void dw_emu_exec(struct dw_emu *e, const uint8_t *cdb, size_t cdb_len, uint8_t *data,
                 size_t data_len, enum dw_emu_dir dir, struct dw_emu_result *res);

/* Tray and medium control for tests. */
bool dw_emu_medium_present(const struct dw_emu *e);
/* Whether medium removal is prevented (PREVENT ALLOW MEDIUM REMOVAL). */
bool dw_emu_locked(const struct dw_emu *e);
void dw_emu_eject(struct dw_emu *e);

/* Close the tray on the medium that was ejected or vanished (a fault plan's
 * medium-gone-after): the medium is back, the next command but INQUIRY,
 * REQUEST SENSE, GET CONFIGURATION and GET EVENT STATUS NOTIFICATION gets
 * UNIT ATTENTION 6/28/00, and a new-media event is pending.  No-op when
 * the medium is in or the drive was created without one.  (Added with the
 * read model; START STOP UNIT with LoEj and Start does the same.) */
void dw_emu_load(struct dw_emu *e);

/* Time the timing model has accounted so far, in nanoseconds (0 unless
 * speed=N is configured; with timing=virtual it is counted, not slept). */
uint64_t dw_emu_media_time_ns(const struct dw_emu *e);

#endif
