/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the MMC backend's shared state and helpers.
 *
 * The backend of real (or emulated) drives such as /dev/sr0, by role:
 *  - drive_mmc.c    open and close, the ops table, info, lock, eject, and
 *                   the raw exec op (dw__mmc_exec);
 *  - mmc_command.c  sending one command: the transport (transport.h), the
 *                   timeout, unit attentions, the DW_TRACE_SCSI line, what
 *                   follows a timeout; failures recorded in the last error;
 *                   TEST UNIT READY, INQUIRY, READ TOC replies;
 *  - mmc_medium.c   the medium (profile, status, capacity) and the disc
 *                   layout (TOC, full TOC, modes, MCN/ISRC, CD-TEXT);
 *  - mmc_read.c     sector reads: READ CD raw, with C2, with raw P-W;
 *                   READ(10) user data;
 *  - mmc_q.c        Q sub-channel reads (formatted Q, raw P-W fallback).
 * CDBs are built and replies parsed by mmc_cdb.c (mmc.h).
 */
#ifndef DW_DRIVE_MMC_INT_H
#define DW_DRIVE_MMC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drive/drive_int.h"
#include "drive/mmc.h"
#include "drive/transport.h"

#define DW_MMC_RAW_MAX_SECTORS 26  /* READ CD: 26 * 2352 = 61152 bytes */
#define DW_MMC_USER_MAX_SECTORS 32 /* READ(10): 32 * 2048 = 64 KiB */
#define DW_MMC_Q_MAX_SECTORS 25    /* READ CD + P-W: 25 * 2448 = 61200 bytes */

/* Which READ CD sub-channel selection gives this drive's Q (MMC-6). */
enum dw__mmc_q_path {
    DW_MMC_Q_UNTRIED = 0, /* nothing read yet */
    DW_MMC_Q_FORMATTED,   /* 010b works and its CRCs match */
    DW_MMC_Q_RAW,         /* 001b: formatted Q refused or never with a good CRC */
    DW_MMC_Q_NONE         /* both refused */
};

/* The backend state of one drive (d->priv). */
struct dw__mmc_drive {
    struct dw_drive *drive;          /* the handle this is the state of */
    char *device;                    /* path as opened, owned */
    struct dw__transport *transport; /* owned */
    struct dw__scsi_trace *trace;    /* DW_TRACE_SCSI, a reference; NULL: none */
    unsigned timeout_override_ms;    /* DW_SCSI_TIMEOUT_MS, 0: none */
    struct dw__mmc_inquiry inquiry;
    /* A command timed out: nothing more is sent (see dw__mmc_run). */
    bool unresponsive;
    char stalled[160];      /* "READ CD (BEh) timed out after 30000 ms" */
    char stalled_note[96];  /* what was done about the tray, or "" */
    /* What Q reads found out about the drive (dw_drive_q_source). */
    enum dw__mmc_q_path q_path;
    enum dw__mmc_q_numbers q_numbers;
    bool q_formatted_refused, q_raw_refused;
    int64_t q_formatted_good; /* formatted frames whose CRC matched */
    int64_t q_raw_rescued;    /* bad formatted frames that raw P-W read good */
    uint8_t *q_buf;           /* DW_MMC_Q_MAX_SECTORS raw sectors + P-W, lazily */
    int c2_state;             /* C2 pointers: 0 untried, 1 work, -1 refused */
};

/* ---- mmc_command.c ----------------------------------------------------------- */

/* Send one CDB (cdb_bytes long) and wait for it.  dir and buf/bytes as in
 * dw__mmc_exec; a read buffer is cleared first (a transport without a
 * residual does not say how much came).  timeout_ms 0 takes the opcode's
 * default (dw__scsi_default_timeout_ms); DW_SCSI_TIMEOUT_MS replaces either.
 * Commands refused with a unit attention (sense key 6: medium changed,
 * reset) were not executed and are sent again, up to twice; a recovered
 * error (key 1) counts as success.  Each command sent is a DW_TRACE_SCSI
 * line.  A command that times out ends with DW_ETIMEDOUT (res->timed_out):
 * then, if the tray was locked (or the command was the lock), PREVENT ALLOW
 * MEDIUM REMOVAL allows removal again (d->locked cleared when it answers),
 * and the handle is unresponsive: every later command fails at once with
 * DW_ENODRIVE, without being sent.  Fills *res and returns res->code;
 * records nothing on the drive. */
int dw__mmc_run(struct dw__mmc_drive *m, const uint8_t *cdb, size_t cdb_bytes,
                enum dw__mmc_dir dir, void *buf, size_t bytes, unsigned timeout_ms,
                struct dw__scsi_result *res);

/* dw__mmc_run of a command without data, and of one that reads a reply
 * into buf (a reply may be shorter than bytes), with default timeouts. */
int dw__mmc_run_none(struct dw__mmc_drive *m, const uint8_t *cdb, size_t cdb_bytes,
                     struct dw__scsi_result *res);
int dw__mmc_run_in(struct dw__mmc_drive *m, const uint8_t *cdb, size_t cdb_bytes, void *buf,
                   size_t bytes, struct dw__scsi_result *res);

/* A sector read (READ CD, READ(10)): dw__mmc_run_in, and a GOOD status
 * with fewer bytes than asked for (a transport that reports the residual
 * says so) is DW_EIO: sectors must not read as the zeros of the cleared
 * buffer. */
int dw__mmc_read_cmd(struct dw__mmc_drive *m, const uint8_t *cdb, size_t cdb_bytes,
                     void *buf, size_t bytes, struct dw__scsi_result *res);

/* Record a failed command on the drive: "<what>: <reason>" with the sense
 * text and triple, the timeout, a short transfer or the system error as
 * the reason, key/ASC/ASCQ and errno in the last error.  An empty tray
 * always gets the same message.  Returns res->code. */
int dw__mmc_fail(struct dw_drive *d, const struct dw__scsi_result *res, long long lba,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The reason part of those messages, into out: the timeout ("READ CD (BEh)
 * timed out after 30000 ms: the drive stopped answering; ...: reconnect
 * the drive ..."), a handle that stopped answering earlier, the sense text
 * and triple, a short transfer, or the DW_E* text. */
void dw__mmc_failure_reason(const struct dw__mmc_drive *m, const struct dw__scsi_result *res,
                            char *out, size_t out_bytes);

/* Record a failure that is not a command's: no errno, no sense.  Returns
 * code. */
int dw__mmc_fail_plain(struct dw_drive *d, int code, long long lba, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Append one warning line to d->warnings (dropped when out of memory). */
void dw__mmc_warn(struct dw_drive *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* TEST UNIT READY (SPC-4), waiting while the drive reports 2/04/01
 * "becoming ready" (a disc just inserted), for up to 20 s. */
int dw__mmc_test_ready(struct dw__mmc_drive *m, struct dw__scsi_result *res);

/* The drive must hold a readable medium: DW_ENOMEDIUM ("no medium in ...")
 * or the TEST UNIT READY failure otherwise, recorded on d. */
int dw__mmc_require_medium(struct dw_drive *d);

/* INQUIRY (SPC-4 6.6) into m->inquiry.  DW_EPARSE for a malformed reply. */
int dw__mmc_send_inquiry(struct dw__mmc_drive *m, struct dw__scsi_result *res);

/* READ TOC/PMA/ATIP `format` (MMC-6): the 4-byte header first, then the
 * whole reply as long as the header says (at most 0xFFFE bytes).  On
 * success *out is a malloc'd buffer of *out_bytes bytes the caller frees. */
int dw__mmc_read_toc_reply(struct dw__mmc_drive *m, unsigned format, bool msf,
                           uint8_t track_session, uint8_t **out, size_t *out_bytes,
                           struct dw__scsi_result *res);

/* ---- the ops of the other files --------------------------------------------- */

/* mmc_medium.c: ops->medium and ops->load_disc (contracts in drive_int.h). */
int dw__mmc_op_medium(struct dw_drive *d, struct dw_medium_info *info);
int dw__mmc_op_load_disc(struct dw_drive *d);

/* mmc_read.c: ops->read_raw, read_user, read_raw_c2, read_raw_sub. */
int dw__mmc_op_read_raw(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf);
int dw__mmc_op_read_user(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf);
int dw__mmc_op_read_raw_c2(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf,
                           uint8_t *c2);
int dw__mmc_op_read_raw_sub(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf);

/* mmc_q.c: ops->read_q and ops->q_source. */
int dw__mmc_op_read_q(struct dw_drive *d, int32_t lba, int32_t frames, uint8_t *q);
const char *dw__mmc_op_q_source(struct dw_drive *d);

#endif
