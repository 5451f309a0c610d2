/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SCSI transport's pure parts (transport.h): the outcome of a command
 * from what the transport saw, the default timeout of each opcode, opcode
 * and status names; and the choice of a transport at open. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drive/transport.h"

/* ---- decoding -------------------------------------------------------------- */

int dw__scsi_errno_code(int sys_errno)
{
    switch (sys_errno) {
    case ETIMEDOUT:
        return DW_ETIMEDOUT;
    case EACCES:
    case EPERM:
        return DW_EACCES;
    case EBUSY:
        return DW_EBUSY;
    case ENOMEDIUM:
        return DW_ENOMEDIUM;
    case ENOTTY:
    case ENOSYS:
    case EOPNOTSUPP:
        return DW_EUNSUPPORTED;
    case EINVAL:
        return DW_EINVAL;
    case ENXIO:
    case ENODEV:
        return DW_ENODRIVE;
    case ENOMEM:
        return DW_ENOMEM;
    default:
        return DW_EIO;
    }
}

/* DW_E* code for a host adapter error (Linux DID_*, not DID_TIME_OUT). */
static int host_code(int host_status)
{
    switch (host_status) {
    case DW_SG_DID_NO_CONNECT:
    case DW_SG_DID_BAD_TARGET:
        return DW_ENODRIVE;
    case DW_SG_DID_BUS_BUSY:
        return DW_EBUSY;
    default:
        return DW_EIO;
    }
}

/* DW_E* code for a SCSI status other than GOOD (SAM-5 5.3); CHECK
 * CONDITION is decided by its sense before this is asked. */
static int status_code(int status)
{
    switch (status) {
    case DW_SCSI_STATUS_BUSY:
    case DW_SCSI_STATUS_TASK_SET_FULL:
    case DW_SCSI_STATUS_RESERVATION_CONFLICT:
        return DW_EBUSY;
    default:
        return DW_EIO;
    }
}

/* The command came back with a status: GOOD (or CONDITION MET), CHECK
 * CONDITION with or without sense, or another status. */
static int status_outcome(const struct dw__scsi_raw *raw, struct dw__scsi_result *res)
{
    bool check = raw->status == DW_SCSI_STATUS_CHECK_CONDITION ||
                 (raw->status < 0 && raw->sense_bytes > 0) ||
                 (raw->driver_status & 0x0F) == DW_SG_DRIVER_SENSE;

    if (check && raw->sense_bytes > 0 &&
        dw__mmc_parse_sense(raw->sense, raw->sense_bytes, &res->sense) == 0)
        res->have_sense = true;
    if (res->have_sense) {
        int code = dw__mmc_sense_to_error(res->sense.key, res->sense.asc, res->sense.ascq);
        /* No sense or a recovered error: the command completed. */
        if (res->sense.key == 0x0 || res->sense.key == 0x1)
            return 0;
        return code ? code : DW_EIO;
    }
    if (check)
        return DW_EIO;
    if (raw->status > 0 && raw->status != DW_SCSI_STATUS_CONDITION_MET)
        return status_code(raw->status);
    /* A driver error without status or sense (DRIVER_ERROR, ...). */
    if (raw->driver_status & 0x0F)
        return DW_EIO;
    return 0;
}

void dw__scsi_decode(enum dw__mmc_dir dir, size_t bytes, const struct dw__scsi_raw *raw,
                     struct dw__scsi_result *res)
{
    memset(res, 0, sizeof(*res));
    res->sense.key = res->sense.asc = res->sense.ascq = -1;
    res->sys_errno = raw->sys_errno;
    res->status = raw->status;
    res->host_status = raw->host_status;
    res->driver_status = raw->driver_status;
    res->host_known = raw->host_known;
    res->duration_ms = raw->duration_ms;
    if (dir == DW_MMC_DIR_NONE)
        bytes = 0;
    res->bytes_asked = bytes;
    res->bytes_known = raw->resid >= 0 || bytes == 0; /* no data phase: nothing moved */
    if (!res->bytes_known)
        res->bytes_transferred = bytes;
    else if ((unsigned long)raw->resid >= bytes)
        res->bytes_transferred = 0;
    else
        res->bytes_transferred = bytes - (size_t)raw->resid;

    if (raw->fail_code || raw->sys_errno) {
        res->code = raw->fail_code ? raw->fail_code : dw__scsi_errno_code(raw->sys_errno);
    } else if (raw->host_status == DW_SG_DID_TIME_OUT ||
               (raw->driver_status & 0x0F) == DW_SG_DRIVER_TIMEOUT) {
        res->code = DW_ETIMEDOUT;
    } else if (raw->host_status != DW_SG_DID_OK) {
        res->code = host_code(raw->host_status);
    } else {
        res->code = status_outcome(raw, res);
    }
    /* A status byte that came with a host error or a failed call is no
     * status: the command did not complete. */
    if (raw->fail_code || raw->sys_errno || raw->host_status != DW_SG_DID_OK ||
        (raw->driver_status & 0x0F) == DW_SG_DRIVER_TIMEOUT)
        res->status = -1;
    res->timed_out = res->code == DW_ETIMEDOUT;
    if (res->timed_out) {
        res->bytes_known = true;
        res->bytes_transferred = 0;
    }
}

/* ---- timeouts ---------------------------------------------------------------- */

#define TIMEOUT_DEFAULT_MS 30000u      /* libburn, cdrdao: 30 s */
#define TIMEOUT_WRITE_MS 200000u       /* libburn WRITE, OPC, RESERVE TRACK, Immed */
#define TIMEOUT_LOAD_MS 300000u        /* libburn: load/eject */
#define TIMEOUT_CLOSE_MS 3600000u      /* libburn: CLOSE and SYNC CACHE without Immed */
#define TIMEOUT_FORMAT_MS 18000000u    /* libburn: BLANK and FORMAT without Immed */
#define TIMEOUT_OVERRIDE_MAX_MS 86400000u

unsigned dw__scsi_default_timeout_ms(const uint8_t *cdb, size_t cdb_bytes)
{
    bool immed;

    if (!cdb || cdb_bytes == 0)
        return TIMEOUT_DEFAULT_MS;
    switch (cdb[0]) {
    case 0x2A: /* WRITE(10) */
    case 0xAA: /* WRITE(12) */
    case 0x54: /* SEND OPC INFORMATION */
    case 0x53: /* RESERVE TRACK */
        return TIMEOUT_WRITE_MS;
    case 0x1B: /* START STOP UNIT: loading and ejecting take their time */
        return TIMEOUT_LOAD_MS;
    case 0x35: /* SYNCHRONIZE CACHE: Immed in byte 1 bit 1 (MMC-6) */
        immed = cdb_bytes > 1 && (cdb[1] & 0x02);
        return immed ? TIMEOUT_WRITE_MS : TIMEOUT_CLOSE_MS;
    case 0x5B: /* CLOSE TRACK/SESSION: Immed in byte 1 bit 0 */
        immed = cdb_bytes > 1 && (cdb[1] & 0x01);
        return immed ? TIMEOUT_WRITE_MS : TIMEOUT_CLOSE_MS;
    case 0xA1: /* BLANK: Immed in byte 1 bit 4 */
        immed = cdb_bytes > 1 && (cdb[1] & 0x10);
        return immed ? TIMEOUT_WRITE_MS : TIMEOUT_FORMAT_MS;
    case 0x04: /* FORMAT UNIT: Immed sits in the parameter list */
        return TIMEOUT_FORMAT_MS;
    default: /* reads (READ CD, READ(10)/(12), READ CD MSF) and the rest */
        return TIMEOUT_DEFAULT_MS;
    }
}

int dw__scsi_parse_timeout(const char *text, unsigned *ms)
{
    unsigned long long v = 0;

    if (!text || !*text)
        return DW_EINVAL;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return DW_EINVAL;
        v = v * 10 + (unsigned)(*p - '0');
        if (v > TIMEOUT_OVERRIDE_MAX_MS)
            return DW_EINVAL;
    }
    if (v == 0)
        return DW_EINVAL;
    *ms = (unsigned)v;
    return 0;
}

/* ---- names ------------------------------------------------------------------- */

/* SPC-4 and MMC-6 command tables: what an optical drive is sent. */
static const struct {
    uint8_t opcode;
    const char *name;
} opcode_names[] = {
    {0x00, "TEST UNIT READY"},
    {0x03, "REQUEST SENSE"},
    {0x04, "FORMAT UNIT"},
    {0x12, "INQUIRY"},
    {0x15, "MODE SELECT(6)"},
    {0x1A, "MODE SENSE(6)"},
    {0x1B, "START STOP UNIT"},
    {0x1E, "PREVENT ALLOW MEDIUM REMOVAL"},
    {0x23, "READ FORMAT CAPACITIES"},
    {0x25, "READ CAPACITY"},
    {0x28, "READ(10)"},
    {0x2A, "WRITE(10)"},
    {0x2B, "SEEK(10)"},
    {0x2E, "WRITE AND VERIFY(10)"},
    {0x2F, "VERIFY(10)"},
    {0x35, "SYNCHRONIZE CACHE"},
    {0x3B, "WRITE BUFFER"},
    {0x3C, "READ BUFFER"},
    {0x42, "READ SUB-CHANNEL"},
    {0x43, "READ TOC/PMA/ATIP"},
    {0x44, "READ HEADER"},
    {0x45, "PLAY AUDIO(10)"},
    {0x46, "GET CONFIGURATION"},
    {0x47, "PLAY AUDIO MSF"},
    {0x4A, "GET EVENT STATUS NOTIFICATION"},
    {0x4B, "PAUSE/RESUME"},
    {0x4E, "STOP PLAY/SCAN"},
    {0x51, "READ DISC INFORMATION"},
    {0x52, "READ TRACK INFORMATION"},
    {0x53, "RESERVE TRACK"},
    {0x54, "SEND OPC INFORMATION"},
    {0x55, "MODE SELECT(10)"},
    {0x58, "REPAIR TRACK"},
    {0x5A, "MODE SENSE(10)"},
    {0x5B, "CLOSE TRACK/SESSION"},
    {0x5C, "READ BUFFER CAPACITY"},
    {0x5D, "SEND CUE SHEET"},
    {0xA0, "REPORT LUNS"},
    {0xA1, "BLANK"},
    {0xA2, "SECURITY PROTOCOL IN"},
    {0xA3, "SEND KEY"},
    {0xA4, "REPORT KEY"},
    {0xA6, "LOAD/UNLOAD MEDIUM"},
    {0xA7, "SET READ AHEAD"},
    {0xA8, "READ(12)"},
    {0xAA, "WRITE(12)"},
    {0xAB, "READ MEDIA SERIAL NUMBER"},
    {0xAC, "GET PERFORMANCE"},
    {0xAD, "READ DISC STRUCTURE"},
    {0xB5, "SECURITY PROTOCOL OUT"},
    {0xB6, "SET STREAMING"},
    {0xB9, "READ CD MSF"},
    {0xBA, "SCAN"},
    {0xBB, "SET CD SPEED"},
    {0xBD, "MECHANISM STATUS"},
    {0xBE, "READ CD"},
    {0xBF, "SEND DISC STRUCTURE"},
};

const char *dw__scsi_opcode_name(uint8_t opcode)
{
    for (size_t i = 0; i < sizeof(opcode_names) / sizeof(opcode_names[0]); i++)
        if (opcode_names[i].opcode == opcode)
            return opcode_names[i].name;
    return "unknown command";
}

const char *dw__scsi_status_name(int status)
{
    switch (status) {
    case -1:
        return "none";
    case DW_SCSI_STATUS_GOOD:
        return "GOOD";
    case DW_SCSI_STATUS_CHECK_CONDITION:
        return "CHECK-CONDITION";
    case DW_SCSI_STATUS_CONDITION_MET:
        return "CONDITION-MET";
    case DW_SCSI_STATUS_BUSY:
        return "BUSY";
    case DW_SCSI_STATUS_RESERVATION_CONFLICT:
        return "RESERVATION-CONFLICT";
    case DW_SCSI_STATUS_TASK_SET_FULL:
        return "TASK-SET-FULL";
    case DW_SCSI_STATUS_ACA_ACTIVE:
        return "ACA-ACTIVE";
    case DW_SCSI_STATUS_TASK_ABORTED:
        return "TASK-ABORTED";
    default:
        return "unknown";
    }
}

/* ---- opening ------------------------------------------------------------------ */

int dw__transport_open_failed(const char *device, int e, struct dw_error_detail *err)
{
    int code = dw_error_from_errno(e);

    memset(err, 0, sizeof(*err));
    err->lba = DW_NO_LBA;
    err->sense_key = err->asc = err->ascq = -1;
    err->sys_errno = e;
    if (e == EACCES || e == EPERM) {
        code = DW_EACCES;
        snprintf(err->message, sizeof(err->message),
                 "cannot open '%s': permission denied: add your user to the group that "
                 "owns it (often 'cdrom')",
                 device);
    } else if (e == EBUSY) {
        code = DW_EBUSY;
        snprintf(err->message, sizeof(err->message),
                 "'%s' is in use by another program: close it and try again", device);
    } else if (e == ENXIO || e == ENODEV || e == ENOENT) {
        code = DW_ENODRIVE;
        snprintf(err->message, sizeof(err->message),
                 "no drive at '%s': check the address with 'discwright drives'", device);
    } else {
        if (!code)
            code = DW_EIO;
        snprintf(err->message, sizeof(err->message), "cannot open '%s': %s", device,
                 strerror(e));
    }
    err->code = code;
    return code;
}

int dw__transport_open(const char *device, struct dw__transport **out, char *warning,
                       size_t warning_bytes, struct dw_error_detail *err)
{
    const char *want = getenv("DW_SCSI_TRANSPORT");
    bool cdio = false;

    if (warning && warning_bytes)
        warning[0] = '\0';
    if (want && *want && strcmp(want, "cdio") == 0) {
        cdio = true;
    } else if (want && *want && strcmp(want, "sg") != 0) {
        if (warning && warning_bytes)
            snprintf(warning, warning_bytes,
                     "DW_SCSI_TRANSPORT='%s' is not a transport ('sg' or 'cdio'): "
                     "using the default",
                     want);
    }
#ifdef __linux__
    if (!cdio)
        return dw__transport_open_sg(device, out, err);
#else
    if (!cdio && want && strcmp(want, "sg") == 0 && warning && warning_bytes)
        snprintf(warning, warning_bytes,
                 "DW_SCSI_TRANSPORT=sg: SG_IO exists on Linux only: using libcdio");
#endif
    return dw__transport_open_cdio(device, out, err);
}

void dw__transport_close(struct dw__transport *t)
{
    if (t)
        t->ops->close(t);
}
