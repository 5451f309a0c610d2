/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: drive backends.
 *
 * struct dw_drive is a small vtable plus the state every backend shares.
 * drive.c dispatches; drive_image.c serves images; drive_mmc.c and its
 * mmc_*.c files talk MMC through a SCSI transport (transport.h: SG_IO on
 * Linux, libcdio elsewhere).
 */
#ifndef DW_DRIVE_INT_H
#define DW_DRIVE_INT_H

#include <stddef.h>
#include <stdint.h>
#include "discwright/drive.h"

struct dw_drive;

/* Data direction of one command (SPC-4: data-in from the drive, data-out
 * to it). */
enum dw__mmc_dir {
    DW_MMC_DIR_NONE = 0, /* no data phase */
    DW_MMC_DIR_FROM_DEV, /* data-in: the drive fills the buffer */
    DW_MMC_DIR_TO_DEV    /* data-out: the buffer goes to the drive */
};

/* How one command sent with dw__mmc_exec ended. */
struct dw__mmc_status {
    int code;           /* 0 or a DW_E* code */
    bool have_sense;    /* the drive answered CHECK CONDITION with sense data */
    int key, asc, ascq; /* sense key / ASC / ASCQ (SPC-4 4.5), -1 without sense */
    bool timed_out;     /* no answer within the timeout (code DW_ETIMEDOUT) */
    /* Bytes the data phase moved: the transport's count (SG_IO: asked
     * minus residual) when bytes_known, else the bytes asked for (libcdio
     * reports no residual). */
    size_t bytes_transferred;
    bool bytes_known;
    unsigned duration_ms; /* how long the command took */
};

struct dw__drive_ops {
    const char *name; /* "mmc", "image" */
    int (*info)(struct dw_drive *d, struct dw_drive_info *info);
    int (*medium)(struct dw_drive *d, struct dw_medium_info *info);
    /* Build d->disc (called once, lazily, by dw_drive_disc). */
    int (*load_disc)(struct dw_drive *d);
    int (*read_raw)(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf);
    int (*read_user)(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf);
    /* raw + 294-byte C2 pointers; NULL: no C2 (all clear is reported) */
    int (*read_raw_c2)(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf,
                       uint8_t *c2);
    /* raw + 96 bytes of interleaved P-W per sector (2448-byte stride); the
     * contract of dw_drive_read_raw_sub.  NULL: DW_EUNSUPPORTED. */
    int (*read_raw_sub)(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf);
    /* Q sub-channel of `frames` sectors into q (12 bytes each, BCD as on
     * the disc); the contract of dw_drive_read_q_frames. */
    int (*read_q)(struct dw_drive *d, int32_t lba, int32_t frames, uint8_t *q);
    /* What dw_drive_q_source returns. */
    const char *(*q_source)(struct dw_drive *d);
    int (*lock)(struct dw_drive *d, bool lock);
    int (*eject)(struct dw_drive *d); /* NULL: nothing to eject (images) */
    /* Send one CDB: the contract of dw__mmc_exec.  NULL: not an MMC drive. */
    int (*exec)(struct dw_drive *d, const uint8_t *cdb, size_t cdb_bytes,
                enum dw__mmc_dir dir, void *buf, size_t bytes, unsigned timeout_ms,
                struct dw__mmc_status *st);
    void (*close)(struct dw_drive *d); /* free backend state in d->priv */
    /* The files an image reads: the contract of dw_drive_file.  NULL: none
     * (a device). */
    const char *(*file)(struct dw_drive *d, int index);
    int32_t max_transfer_sectors;
};

struct dw_drive {
    const struct dw__drive_ops *ops;
    void *priv;                  /* backend state */
    char *address;               /* as opened */
    struct dw_disc *disc;        /* owned, built lazily */
    struct dw_error_detail last_error;
    bool locked;
    char *warnings;              /* owned, may be NULL */
};

/* Record an error on the drive and return code.  lba may be DW_NO_LBA. */
int dw__drive_fail(struct dw_drive *d, int code, long long lba, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Backend constructors: fill d->ops and d->priv, or fail with err set.
 * dw__drive_open_image takes the flags of dw__image_open (image/image.h):
 * the format comes from the file's content. */
int dw__drive_open_image(struct dw_drive *d, const char *path, unsigned image_flags,
                         struct dw_error_detail *err);
int dw__drive_open_mmc(struct dw_drive *d, const char *device,
                       struct dw_error_detail *err);

/* True when d is an MMC drive (a real or emulated /dev/srN), not an image:
 * its ops have exec.  (Not a comparison with the backend's ops table: the
 * emulator's LD_PRELOAD library carries its own copy of the drive layer,
 * and drives it opened have its tables.)  src/drive/drive.c */
bool dw__drive_is_mmc(const struct dw_drive *d);

/* Whether the P-W that dw_drive_read_raw_sub returns is the medium's own
 * rather than synthesized from the layout: true for an MMC drive (it reads
 * the disc's sub-channel) and for an image whose every stored span carries
 * sub-channel (a CloneCD .sub, an MDF or CHD with P-W); false for images
 * without (cue, TOC, ISO: dw_disc_synth_pw).  src/drive/drive_image.c */
bool dw__drive_sub_stored(const struct dw_drive *d);

/* Send one CDB of cdb_bytes (6, 10 or 12) to the MMC drive d the way the
 * MMC backend sends its own (mmc_command.c): through the drive's SCSI
 * transport (SG_IO on Linux, libcdio elsewhere; transport.h), with a read
 * buffer cleared first, unit attentions sent again, a recovered error
 * (sense key 1) taken as success, and a line in the DW_TRACE_SCSI trace.
 * dir says which way buf goes: DW_MMC_DIR_FROM_DEV fills up to `bytes`
 * bytes of buf, DW_MMC_DIR_TO_DEV sends `bytes` bytes of it,
 * DW_MMC_DIR_NONE has no data (buf NULL, bytes 0).  timeout_ms 0 takes
 * the default of the command's opcode (dw__scsi_default_timeout_ms in
 * transport.h: 30 s for reads, 200 s for WRITE, hours for BLANK or FORMAT
 * UNIT without Immed); DW_SCSI_TIMEOUT_MS in the environment replaces any
 * of them.  Fills *st (may be NULL; st->bytes_transferred says how much
 * data moved) and returns st->code; records nothing in the drive's last
 * error.  A command that does not answer in time ends with DW_ETIMEDOUT
 * and st->timed_out; the backend then allows medium removal again if it
 * had prevented it, and every later command on the handle fails at once
 * with DW_ENODRIVE (the drive stopped answering: open it again).
 * DW_EUNSUPPORTED for an image drive, DW_EINVAL for a CDB longer than 12
 * bytes or a direction that does not match buf/bytes.  For the probes of
 * src/profile/probe.c, which must see each refusal, and for writers that
 * send their own commands.  src/drive/drive.c dispatches to ops->exec of
 * drive_mmc.c. */
int dw__mmc_exec(struct dw_drive *d, const uint8_t *cdb, size_t cdb_bytes,
                 enum dw__mmc_dir dir, void *buf, size_t bytes, unsigned timeout_ms,
                 struct dw__mmc_status *st);

/* libburn keeps process-wide state: burn_initialize ... burn_finish, one
 * message queue, its severities.  Every user of libburn in the library
 * (drive_list.c's bus scan, src/burn) holds this lock from before
 * burn_initialize to after burn_finish, so that listing drives while
 * another thread burns waits instead of shutting libburn down under the
 * burn.  Not recursive.  src/drive/libburn_lock.c */
void dw__libburn_lock(void);
void dw__libburn_unlock(void);

#endif
