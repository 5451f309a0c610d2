/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the SCSI transport under the MMC backend.
 *
 * A transport carries one CDB to a drive and brings back what happened:
 * SCSI status, sense data, host and driver status, the residual and the
 * duration.  Two implementations:
 *  - transport_sg.c (Linux): the device node opened by us and the SG_IO
 *    ioctl with an sg_io_hdr (per-command timeout, data direction none /
 *    from the device / to the device, residual, sense, host status with
 *    DID_TIME_OUT, duration), as libburn's sg-linux.c and redumper do;
 *  - transport_cdio.c (every system, the default where SG_IO does not
 *    exist): libcdio's mmc_run_cmd_len, which on Linux is the
 *    CDROM_SEND_PACKET ioctl.  It reports no residual, and Debian's build
 *    ignores the timeout (no HAVE_LINUX_CDROM_TIMEOUT).
 * DW_SCSI_TRANSPORT=cdio in the environment picks libcdio on Linux too
 * (to compare the two, or to work around a kernel that refuses SG_IO).
 *
 * transport.c holds what does not touch a device, so it is unit-tested
 * (tests/unit/test_transport.c): decoding the outcome, the default
 * timeout of each opcode, opcode names, the DW_SCSI_TIMEOUT_MS value.
 * scsi_trace.c writes the DW_TRACE_SCSI trace.
 */
#ifndef DW_DRIVE_TRANSPORT_H
#define DW_DRIVE_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "discwright/errors.h"
#include "drive/drive_int.h"
#include "drive/mmc.h"

/* SCSI status byte values (SAM-5 5.3). */
#define DW_SCSI_STATUS_GOOD 0x00
#define DW_SCSI_STATUS_CHECK_CONDITION 0x02
#define DW_SCSI_STATUS_CONDITION_MET 0x04
#define DW_SCSI_STATUS_BUSY 0x08
#define DW_SCSI_STATUS_RESERVATION_CONFLICT 0x18
#define DW_SCSI_STATUS_TASK_SET_FULL 0x28
#define DW_SCSI_STATUS_ACA_ACTIVE 0x30
#define DW_SCSI_STATUS_TASK_ABORTED 0x40

/* Linux host_status and driver_status values of an sg_io_hdr (the
 * kernel's DID_* and DRIVER_* codes, include/scsi/scsi.h and sg3_utils'
 * sg_io_linux.h).  Kept here so that the decoding is pure and compiles
 * everywhere. */
#define DW_SG_DID_OK 0x00
#define DW_SG_DID_NO_CONNECT 0x01
#define DW_SG_DID_BUS_BUSY 0x02
#define DW_SG_DID_TIME_OUT 0x03
#define DW_SG_DID_BAD_TARGET 0x04
#define DW_SG_DID_ABORT 0x05
#define DW_SG_DID_RESET 0x08
#define DW_SG_DRIVER_TIMEOUT 0x06 /* low nibble of driver_status (older kernels) */
#define DW_SG_DRIVER_SENSE 0x08   /* sense data is valid */

/* Longest sense data a transport keeps (SPC-4 4.5: at most 252; drives
 * send 18 fixed-format bytes, a few descriptors at most). */
#define DW_SCSI_SENSE_MAX 64

/* One command to send.  cdb_bytes is 6, 10 or 12; timeout_ms > 0. */
struct dw__scsi_cmd {
    const uint8_t *cdb;
    size_t cdb_bytes;
    enum dw__mmc_dir dir;
    void *buf;    /* bytes long; NULL for DW_MMC_DIR_NONE */
    size_t bytes;
    unsigned timeout_ms;
};

/* What a transport saw, before anything is made of it. */
struct dw__scsi_raw {
    int sys_errno;   /* errno of a transport call that failed, 0 if it went through */
    int fail_code;   /* a DW_E* code the transport chose itself for a failure
                        without sense (libcdio's driver return codes), or 0 */
    int status;      /* SCSI status byte; -1 when the transport does not say */
    int host_status; /* Linux DID_* code, 0 elsewhere */
    int driver_status;
    bool host_known; /* host_status and driver_status were reported (SG_IO) */
    long resid;      /* residual bytes (asked - transferred); -1 unknown */
    uint8_t sense[DW_SCSI_SENSE_MAX];
    size_t sense_bytes; /* valid bytes in sense */
    unsigned duration_ms;
};

/* The outcome of one command. */
struct dw__scsi_result {
    int code;       /* 0 or a DW_E* code */
    int sys_errno;  /* from raw */
    bool timed_out; /* code DW_ETIMEDOUT */
    int status, host_status, driver_status; /* from raw */
    bool host_known;                        /* from raw */
    bool have_sense;
    struct dw__mmc_sense sense;
    size_t bytes_asked;       /* of the data phase (0 without one) */
    bool bytes_known;         /* the transport reported a residual */
    size_t bytes_transferred; /* of the data phase; the bytes asked when unknown */
    unsigned duration_ms;
};

/* Decode what a transport saw for a command with direction dir and a data
 * phase of `bytes` bytes into *res (pure; SPC-4 4.5 sense, SAM-5 status,
 * Linux sg host/driver status):
 *  - a failed transport call: raw->fail_code when set, else sys_errno
 *    mapped (ETIMEDOUT: DW_ETIMEDOUT; EACCES/EPERM: DW_EACCES; EBUSY:
 *    DW_EBUSY; ENOMEDIUM; ENOTTY/ENOSYS/EOPNOTSUPP: DW_EUNSUPPORTED, no
 *    SG_IO on this node; EINVAL: DW_EINVAL; ENXIO/ENODEV: DW_ENODRIVE;
 *    ENOMEM; else DW_EIO);
 *  - host status DID_TIME_OUT, or driver status DRIVER_TIMEOUT: DW_ETIMEDOUT;
 *    other host errors: DID_NO_CONNECT and DID_BAD_TARGET DW_ENODRIVE,
 *    DID_BUS_BUSY DW_EBUSY, others DW_EIO;
 *  - CHECK CONDITION with sense: dw__mmc_sense_to_error; keys 0 and 1 (no
 *    sense, recovered error) are success; "no error" on a failed command
 *    is DW_EIO; without parseable sense DW_EIO;
 *  - BUSY, TASK SET FULL, RESERVATION CONFLICT: DW_EBUSY; other non-GOOD
 *    status DW_EIO; a driver error other than DRIVER_SENSE DW_EIO.
 * bytes_transferred = bytes - resid (clamped to 0..bytes) when resid is
 * known, else bytes; 0 for DW_MMC_DIR_NONE and for a timed-out command. */
void dw__scsi_decode(enum dw__mmc_dir dir, size_t bytes, const struct dw__scsi_raw *raw,
                     struct dw__scsi_result *res);

/* The DW_E* code of a transport call that failed with sys_errno, as
 * dw__scsi_decode maps it (0 gives DW_EIO: a failure without a reason). */
int dw__scsi_errno_code(int sys_errno);

/* The timeout of a command when the caller names none, in ms, from the
 * opcode and its Immed bit (values of libburn's spc.h and cdrdao,
 * REFERENCE-2.md 1.6): 30 s by default and for reads (READ CD, READ(10),
 * READ(12), READ CD MSF); WRITE(10)/(12), SEND OPC INFORMATION, RESERVE
 * TRACK 200 s; START STOP UNIT (load, eject) 300 s; SYNCHRONIZE CACHE and
 * CLOSE TRACK/SESSION 200 s with Immed, 3600 s without; BLANK 200 s with
 * Immed, 18000 s without; FORMAT UNIT 18000 s (its Immed bit is in the
 * parameter list, which this does not see: callers that set it pass their
 * own timeout).  cdb_bytes 0 gives the default. */
unsigned dw__scsi_default_timeout_ms(const uint8_t *cdb, size_t cdb_bytes);

/* The DW_SCSI_TIMEOUT_MS value `text`: a decimal number of milliseconds,
 * 1 to 86400000 (a day), without sign or trailing characters.  Returns 0
 * with *ms set, or DW_EINVAL. */
int dw__scsi_parse_timeout(const char *text, unsigned *ms);

/* The name of an MMC/SPC opcode ("READ CD", "MODE SELECT(10)", ...), or
 * "unknown command" (SPC-4, MMC-6 command tables).  Static, never NULL. */
const char *dw__scsi_opcode_name(uint8_t opcode);

/* The name of a SCSI status byte ("GOOD", "CHECK-CONDITION", "BUSY", ...;
 * SAM-5 5.3), one word for the trace; "none" for -1 (no status came back),
 * "unknown" for other values.  Static. */
const char *dw__scsi_status_name(int status);

/* ---- transports ------------------------------------------------------------ */

struct dw__transport;

struct dw__transport_ops {
    const char *name; /* "SG_IO", "libcdio" */
    /* Send cmd; fill *raw.  Returns 0 when the call went through (the
     * command may still have failed: see raw), or a negative DW_E* when it
     * could not be made (raw->sys_errno / fail_code set). */
    int (*exec)(struct dw__transport *t, const struct dw__scsi_cmd *cmd,
                struct dw__scsi_raw *raw);
    void (*close)(struct dw__transport *t);
};

struct dw__transport {
    const struct dw__transport_ops *ops;
    bool writable; /* opened read-write: PREVENT ALLOW MEDIUM REMOVAL may pass
                      (Linux filters it on read-only opens) */
    void *priv;    /* the implementation's state */
};

/* Open `device` for MMC commands (the path exists and is a block or
 * character device: the caller checked).  On Linux SG_IO unless
 * DW_SCSI_TRANSPORT=cdio, elsewhere libcdio.  The device is opened
 * read-write and exclusive (as libburn opens drives), read-write when
 * something else has it open (a mounted disc), read-only when we may not
 * write to it.  On success *out is the transport (dw__transport_close
 * frees it) and *warning (may be NULL; size warning_bytes) holds "" or a
 * note for the drive's warnings (an unknown DW_SCSI_TRANSPORT).  Errors:
 * DW_EACCES, DW_EBUSY, DW_ENODRIVE, DW_ENOMEM and what open(2) gives,
 * with err (not NULL) filled: a message naming the device and what to do. */
int dw__transport_open(const char *device, struct dw__transport **out, char *warning,
                       size_t warning_bytes, struct dw_error_detail *err);

/* Close the device and free t.  NULL is a no-op. */
void dw__transport_close(struct dw__transport *t);

/* The implementations (transport_sg.c, transport_cdio.c): the contract of
 * dw__transport_open without the choice. */
#ifdef __linux__
int dw__transport_open_sg(const char *device, struct dw__transport **out,
                          struct dw_error_detail *err);
#endif
int dw__transport_open_cdio(const char *device, struct dw__transport **out,
                            struct dw_error_detail *err);

/* Fill *err for a device that cannot be opened (errno e from open(2)) and
 * return the DW_E* code: permission, busy, no such drive, or the errno's
 * text, each naming the device and what to do. */
int dw__transport_open_failed(const char *device, int e, struct dw_error_detail *err);

/* ---- the DW_TRACE_SCSI trace (scsi_trace.c) ----------------------------------- */

struct dw__scsi_trace;

/* The trace named by DW_TRACE_SCSI, opened for appending (shared by every
 * drive of the process; each open takes a reference).  NULL when the
 * variable is unset or empty, or when the file cannot be opened: then
 * *warning (size warning_bytes) says so ("cannot write the SCSI trace
 * 'FILE' named by DW_TRACE_SCSI: ..."); otherwise *warning is "". */
struct dw__scsi_trace *dw__scsi_trace_open(char *warning, size_t warning_bytes);

/* Drop the reference; the last one closes the file.  NULL is a no-op. */
void dw__scsi_trace_close(struct dw__scsi_trace *tr);

/* One line of the trace (docs/discwright.md, ENVIRONMENT):
 *   TIME DEVICE NAME (OPh) cdb=[HEX ...] dir=in|out|none bytes=ASKED/MOVED
 *   status=S host=HH driver=HH sense=K/ASC/ASCQ ms=N result=R
 * TIME is UTC, ISO 8601 with milliseconds (2025-01-31T12:00:00.123Z);
 * DEVICE is the path with blanks, backslashes and bytes outside printable
 * ASCII as \xHH; S is dw__scsi_status_name ("none" when the command did
 * not complete); MOVED is "?" when the transport cannot tell; host and
 * driver are "-" when the transport does not report them (libcdio); sense
 * is "-" without sense; R is "ok", "ok-recovered" (sense key 1) or the
 * DW_E* name ("DW_ETIMEDOUT").  Pure: writes the line, newline included,
 * into out (NUL-ended, cut to out_bytes but still ending in a newline) and
 * returns its length.  unix_ms is the wall-clock time in ms since 1970. */
size_t dw__scsi_trace_format(char *out, size_t out_bytes, int64_t unix_ms,
                             const char *device, const struct dw__scsi_cmd *cmd,
                             const struct dw__scsi_result *res);

/* Append the line of one command to tr (NULL: nothing), whole, under the
 * trace's lock, and flush it. */
void dw__scsi_trace_write(struct dw__scsi_trace *tr, const char *device,
                          const struct dw__scsi_cmd *cmd, const struct dw__scsi_result *res);

/* Append a comment line "# TIME DEVICE text" (an open, a close, what the
 * backend did after a timeout) to tr (NULL: nothing). */
void dw__scsi_trace_note(struct dw__scsi_trace *tr, const char *device, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
