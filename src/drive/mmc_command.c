/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MMC backend: sending one command and recording what went wrong
 * (mmc_int.h).
 *
 * Every command of the backend goes through dw__mmc_run: the transport
 * (SG_IO on Linux, libcdio elsewhere; transport.h) carries it with a
 * timeout from the opcode's default (or the caller's, or
 * DW_SCSI_TIMEOUT_MS), the outcome is decoded once (dw__scsi_decode), and
 * a line goes into the DW_TRACE_SCSI trace.
 *
 * A timeout ends the handle's conversation with the drive.  The kernel has
 * aborted the command, but a drive or USB bridge that stopped answering
 * one command rarely answers the next, and every command sent to it would
 * cost a whole timeout again (a rip retrying sector by sector would take
 * hours).  So, once: if we had locked the tray, PREVENT ALLOW MEDIUM
 * REMOVAL allows removal again (with a short timeout), so that the user
 * can take the disc out after reconnecting; then the handle is marked
 * unresponsive and every later command fails at once with DW_ENODRIVE
 * ("the drive stopped answering"), which stops a rip, a verify or a probe.
 * The file descriptor is closed with the handle.  To talk to the drive
 * again, open it again.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "drive/mmc_int.h"

#define MMC_UNIT_ATTENTION_RETRIES 2
#define MMC_READY_WAIT_MS 20000 /* how long to wait for "becoming ready" */
#define MMC_READY_POLL_MS 250
#define MMC_TOC_MAX_BYTES 0xFFFE /* READ TOC allocation length is 16 bits */
#define MMC_RELEASE_TIMEOUT_MS 10000 /* the unlock sent after a timeout */

/* ---- one command ------------------------------------------------------------- */

/* The timeout of cdb: DW_SCSI_TIMEOUT_MS, else the caller's, else the
 * opcode's default. */
static unsigned timeout_of(const struct dw__mmc_drive *m, const uint8_t *cdb,
                           size_t cdb_bytes, unsigned timeout_ms)
{
    if (m->timeout_override_ms)
        return m->timeout_override_ms;
    return timeout_ms ? timeout_ms : dw__scsi_default_timeout_ms(cdb, cdb_bytes);
}

/* One command through the transport, decoded and traced; no retries. */
static int send_once(struct dw__mmc_drive *m, const struct dw__scsi_cmd *cmd,
                     struct dw__scsi_result *res)
{
    struct dw__scsi_raw raw;

    if (cmd->dir == DW_MMC_DIR_FROM_DEV && cmd->buf && cmd->bytes)
        memset(cmd->buf, 0, cmd->bytes);
    m->transport->ops->exec(m->transport, cmd, &raw);
    dw__scsi_decode(cmd->dir, cmd->bytes, &raw, res);
    dw__scsi_trace_write(m->trace, m->device, cmd, res);
    return res->code;
}

/* After cmd timed out: allow medium removal again when we had prevented it
 * (or when the lock itself hung), remember what happened for the messages,
 * and stop talking to the drive. */
static void after_timeout(struct dw__mmc_drive *m, const struct dw__scsi_cmd *cmd)
{
    struct dw_drive *d = m->drive;
    const char *note = "";

    snprintf(m->stalled, sizeof(m->stalled), "%s (%02Xh) timed out after %u ms",
             dw__scsi_opcode_name(cmd->cdb[0]), (unsigned)cmd->cdb[0], cmd->timeout_ms);
    if (d->locked || cmd->cdb[0] == DW_MMC_PREVENT_ALLOW) {
        uint8_t cdb[DW_MMC_CDB_MAX];
        struct dw__scsi_result res;
        struct dw__scsi_cmd allow = {
            .cdb = cdb,
            .cdb_bytes = dw__mmc_build_prevent_allow(cdb, false),
            .dir = DW_MMC_DIR_NONE,
            .timeout_ms = m->timeout_override_ms ? m->timeout_override_ms
                                                 : MMC_RELEASE_TIMEOUT_MS,
        };
        if (send_once(m, &allow, &res) == 0) {
            d->locked = false;
            note = "the tray is unlocked again";
        } else {
            note = "the tray may stay locked until the drive is reset";
        }
    }
    snprintf(m->stalled_note, sizeof(m->stalled_note), "%s", note);
    m->unresponsive = true;
    dw__scsi_trace_note(m->trace, m->device,
                        "%s: the drive stopped answering%s%s; later commands fail "
                        "without being sent",
                        m->stalled, *note ? "; " : "", note);
}

int dw__mmc_run(struct dw__mmc_drive *m, const uint8_t *cdb, size_t cdb_bytes,
                enum dw__mmc_dir dir, void *buf, size_t bytes, unsigned timeout_ms,
                struct dw__scsi_result *res)
{
    struct dw__scsi_cmd cmd = {
        .cdb = cdb,
        .cdb_bytes = cdb_bytes,
        .dir = dir,
        .buf = dir == DW_MMC_DIR_NONE ? NULL : buf,
        .bytes = dir == DW_MMC_DIR_NONE ? 0 : bytes,
        .timeout_ms = timeout_of(m, cdb, cdb_bytes, timeout_ms),
    };

    if (m->unresponsive) { /* not sent: nothing moved */
        memset(res, 0, sizeof(*res));
        res->sense.key = res->sense.asc = res->sense.ascq = -1;
        res->status = -1;
        res->bytes_asked = cmd.bytes;
        res->bytes_known = true;
        res->code = DW_ENODRIVE;
        return res->code;
    }
    for (int attempt = 0;; attempt++) {
        int rc = send_once(m, &cmd, res);
        if (res->timed_out) {
            after_timeout(m, &cmd);
            return rc;
        }
        if (rc && res->have_sense && res->sense.key == 0x6 &&
            attempt < MMC_UNIT_ATTENTION_RETRIES)
            continue; /* not executed: send it again */
        return rc;
    }
}

int dw__mmc_run_none(struct dw__mmc_drive *m, const uint8_t *cdb, size_t cdb_bytes,
                     struct dw__scsi_result *res)
{
    return dw__mmc_run(m, cdb, cdb_bytes, DW_MMC_DIR_NONE, NULL, 0, 0, res);
}

int dw__mmc_run_in(struct dw__mmc_drive *m, const uint8_t *cdb, size_t cdb_bytes, void *buf,
                   size_t bytes, struct dw__scsi_result *res)
{
    return dw__mmc_run(m, cdb, cdb_bytes, DW_MMC_DIR_FROM_DEV, buf, bytes, 0, res);
}

int dw__mmc_read_cmd(struct dw__mmc_drive *m, const uint8_t *cdb, size_t cdb_bytes,
                     void *buf, size_t bytes, struct dw__scsi_result *res)
{
    int rc = dw__mmc_run_in(m, cdb, cdb_bytes, buf, bytes, res);

    if (rc == 0 && res->bytes_known && res->bytes_transferred < bytes)
        rc = res->code = DW_EIO;
    return rc;
}

/* ---- failures ----------------------------------------------------------------- */

int dw__mmc_fail_plain(struct dw_drive *d, int code, long long lba, const char *fmt, ...)
{
    char msg[sizeof(d->last_error.message)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    d->last_error.sys_errno = 0;
    return dw__drive_fail(d, code, lba, "%s", msg);
}

void dw__mmc_failure_reason(const struct dw__mmc_drive *m, const struct dw__scsi_result *res,
                            char *out, size_t out_bytes)
{
    const char *sep = m->stalled_note[0] ? "; " : "";

    if (res->timed_out)
        snprintf(out, out_bytes,
                 "%s: the drive stopped answering%s%s: reconnect the drive or switch it "
                 "off and on, then try again",
                 m->stalled, sep, m->stalled_note);
    else if (res->code == DW_ENODRIVE && m->unresponsive)
        snprintf(out, out_bytes,
                 "the drive stopped answering earlier (%s)%s%s: reconnect the drive or "
                 "switch it off and on, then try again",
                 m->stalled, sep, m->stalled_note);
    else if (res->have_sense)
        snprintf(out, out_bytes, "%s (sense %X/%02X/%02X)",
                 dw__mmc_sense_text(res->sense.key, res->sense.asc, res->sense.ascq),
                 (unsigned)res->sense.key, (unsigned)(res->sense.asc & 0xFF),
                 (unsigned)(res->sense.ascq & 0xFF));
    else if (res->code == DW_EIO && res->bytes_known &&
             res->bytes_transferred < res->bytes_asked)
        snprintf(out, out_bytes, "the drive sent %zu of %zu bytes", res->bytes_transferred,
                 res->bytes_asked);
    else
        snprintf(out, out_bytes, "%s", dw_strerror(res->code));
}

int dw__mmc_fail(struct dw_drive *d, const struct dw__scsi_result *res, long long lba,
                 const char *fmt, ...)
{
    struct dw__mmc_drive *m = d->priv;
    struct dw_error_detail *e = &d->last_error;
    char what[256], reason[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    dw__mmc_failure_reason(m, res, reason, sizeof(reason));
    if (res->code == DW_ENOMEDIUM)
        dw__drive_fail(d, res->code, lba,
                       "no medium in '%s': insert a disc and try again", m->device);
    else if (res->code == DW_EBUSY)
        dw__drive_fail(d, res->code, lba, "%s: %s: wait for the drive and try again",
                       what, reason);
    else
        dw__drive_fail(d, res->code, lba, "%s: %s", what, reason);
    e->sys_errno = res->sys_errno;
    if (res->have_sense) {
        e->sense_key = res->sense.key;
        e->asc = res->sense.asc;
        e->ascq = res->sense.ascq;
    }
    return res->code;
}

void dw__mmc_warn(struct dw_drive *d, const char *fmt, ...)
{
    char line[512];
    size_t old = d->warnings ? strlen(d->warnings) : 0, add;
    char *grown;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    add = strlen(line);
    grown = realloc(d->warnings, old + add + 2);
    if (!grown)
        return;
    memcpy(grown + old, line, add);
    grown[old + add] = '\n';
    grown[old + add + 1] = '\0';
    d->warnings = grown;
}

/* ---- commands every part needs ---------------------------------------------- */

/* Sleep ms milliseconds, resuming after signals. */
static void sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

int dw__mmc_test_ready(struct dw__mmc_drive *m, struct dw__scsi_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_test_unit_ready(cdb);
    unsigned waited_ms = 0;

    for (;;) {
        int rc = dw__mmc_run_none(m, cdb, n, res);
        if (rc == DW_EBUSY && res->have_sense && res->sense.asc == 0x04 &&
            res->sense.ascq == 0x01 && waited_ms < MMC_READY_WAIT_MS) {
            sleep_ms(MMC_READY_POLL_MS);
            waited_ms += MMC_READY_POLL_MS;
            continue;
        }
        return rc;
    }
}

int dw__mmc_require_medium(struct dw_drive *d)
{
    struct dw__mmc_drive *m = d->priv;
    struct dw__scsi_result res;

    if (dw__mmc_test_ready(m, &res))
        return dw__mmc_fail(d, &res, DW_NO_LBA, "'%s' is not ready", m->device);
    return 0;
}

int dw__mmc_send_inquiry(struct dw__mmc_drive *m, struct dw__scsi_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX], buf[96];
    size_t n = dw__mmc_build_inquiry(cdb, sizeof(buf));
    int rc = dw__mmc_run_in(m, cdb, n, buf, sizeof(buf), res);

    if (rc)
        return rc;
    if (dw__mmc_parse_inquiry(buf, sizeof(buf), &m->inquiry)) {
        res->code = DW_EPARSE;
        return DW_EPARSE;
    }
    return 0;
}

int dw__mmc_read_toc_reply(struct dw__mmc_drive *m, unsigned format, bool msf,
                           uint8_t track_session, uint8_t **out, size_t *out_bytes,
                           struct dw__scsi_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX], head[4];
    size_t n = dw__mmc_build_read_toc(cdb, format, msf, track_session, sizeof(head));
    size_t want;
    uint8_t *buf;
    int rc;

    *out = NULL;
    *out_bytes = 0;
    rc = dw__mmc_run_in(m, cdb, n, head, sizeof(head), res);
    if (rc)
        return rc;
    want = dw__mmc_toc_reply_bytes(head, sizeof(head));
    if (want < sizeof(head))
        want = sizeof(head);
    if (want > MMC_TOC_MAX_BYTES)
        want = MMC_TOC_MAX_BYTES;
    buf = malloc(want);
    if (!buf) {
        res->code = DW_ENOMEM;
        return DW_ENOMEM;
    }
    n = dw__mmc_build_read_toc(cdb, format, msf, track_session, (uint16_t)want);
    rc = dw__mmc_run_in(m, cdb, n, buf, want, res);
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *out_bytes = want;
    return 0;
}
