/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The DW_TRACE_SCSI trace (transport.h): one line per command sent to a
 * drive, appended to the file the variable names, for a bug report.
 *
 * The file is opened once per process and path, shared by every drive that
 * traces into it (a reference each), and written through stdio under one
 * process-wide lock: each line is formatted first, then written and
 * flushed whole, so lines of two drives (or threads) never mix.  Opened in
 * append mode, with a buffer larger than any line, so two processes that
 * trace into one file append whole lines too (one write each).  Writing
 * errors are ignored: the trace must never change what a command does.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "drive/transport.h"

#define TRACE_LINE_MAX 1024 /* a line: 16 CDB bytes and the device path cut to 256 */
#define TRACE_DEVICE_MAX 256

struct dw__scsi_trace {
    struct dw__scsi_trace *next;
    char *path;
    FILE *f;
    int refs;
    char buf[4096]; /* the stream's buffer: one write per line */
};

static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dw__scsi_trace *traces; /* open traces, under trace_lock */

struct dw__scsi_trace *dw__scsi_trace_open(char *warning, size_t warning_bytes)
{
    const char *path = getenv("DW_TRACE_SCSI");
    struct dw__scsi_trace *tr;
    int e = 0;

    if (warning && warning_bytes)
        warning[0] = '\0';
    if (!path || !*path)
        return NULL;
    pthread_mutex_lock(&trace_lock);
    for (tr = traces; tr; tr = tr->next)
        if (strcmp(tr->path, path) == 0)
            break;
    if (tr) {
        tr->refs++;
    } else if ((tr = calloc(1, sizeof(*tr))) == NULL || (tr->path = strdup(path)) == NULL) {
        e = ENOMEM;
    } else if ((tr->f = fopen(path, "ae")) == NULL) {
        e = errno;
    } else {
        setvbuf(tr->f, tr->buf, _IOFBF, sizeof(tr->buf));
        tr->refs = 1;
        tr->next = traces;
        traces = tr;
    }
    pthread_mutex_unlock(&trace_lock);
    if (e) {
        if (tr)
            free(tr->path);
        free(tr);
        tr = NULL;
        if (warning && warning_bytes)
            snprintf(warning, warning_bytes,
                     "cannot write the SCSI trace '%s' named by DW_TRACE_SCSI: %s: "
                     "commands are not traced",
                     path, strerror(e));
    }
    return tr;
}

void dw__scsi_trace_close(struct dw__scsi_trace *tr)
{
    bool last = false;

    if (!tr)
        return;
    pthread_mutex_lock(&trace_lock);
    if (--tr->refs == 0) {
        struct dw__scsi_trace **p = &traces;
        while (*p && *p != tr)
            p = &(*p)->next;
        if (*p)
            *p = tr->next;
        last = true;
    }
    pthread_mutex_unlock(&trace_lock);
    if (last) {
        fclose(tr->f);
        free(tr->path);
        free(tr);
    }
}

/* "2025-01-31T12:00:00.123Z" for unix_ms into out (at least 25 bytes). */
static void format_time(char *out, size_t out_bytes, int64_t unix_ms)
{
    time_t secs = (time_t)(unix_ms / 1000);
    struct tm tm;
    char day[24];

    if (!gmtime_r(&secs, &tm) || !strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm))
        snprintf(day, sizeof(day), "%lld", (long long)secs);
    snprintf(out, out_bytes, "%s.%03dZ", day, (int)(unix_ms % 1000));
}

/* The device path as one field: bytes outside printable ASCII, blanks
 * and backslashes as \xHH (a path is the user's text, the trace is
 * structure), cut to TRACE_DEVICE_MAX bytes. */
static void escape_field(char out[TRACE_DEVICE_MAX + 1], const char *in)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)(in ? in : "?"); *p; p++) {
        bool plain = *p > 0x20 && *p < 0x7F && *p != '\\';
        size_t need = plain ? 1 : 4;
        if (n + need > TRACE_DEVICE_MAX)
            break;
        if (plain)
            out[n++] = (char)*p;
        else
            n += (size_t)snprintf(out + n, TRACE_DEVICE_MAX + 1 - n, "\\x%02x", *p);
    }
    out[n] = '\0';
}

static int64_t now_unix_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

size_t dw__scsi_trace_format(char *out, size_t out_bytes, int64_t unix_ms,
                             const char *device, const struct dw__scsi_cmd *cmd,
                             const struct dw__scsi_result *res)
{
    char when[40], hex[16 * 3 + 1] = "", moved[24], host[8] = "-", driver[8] = "-";
    char sense[16] = "-", dev[TRACE_DEVICE_MAX + 1];
    const char *dir = cmd->dir == DW_MMC_DIR_FROM_DEV ? "in"
                      : cmd->dir == DW_MMC_DIR_TO_DEV ? "out"
                                                      : "none";
    const char *result = res->code ? dw_err_name(res->code)
                         : res->have_sense && res->sense.key == 0x1 ? "ok-recovered"
                                                                    : "ok";
    size_t n = cmd->cdb_bytes < 16 ? cmd->cdb_bytes : 16;
    int len;

    if (!out || out_bytes == 0)
        return 0;
    format_time(when, sizeof(when), unix_ms);
    escape_field(dev, device);
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", cmd->cdb[i]);
    if (n)
        hex[3 * n - 1] = '\0';
    if (res->bytes_known)
        snprintf(moved, sizeof(moved), "%zu", res->bytes_transferred);
    else
        snprintf(moved, sizeof(moved), "?");
    if (res->host_known) {
        snprintf(host, sizeof(host), "%02x", (unsigned)res->host_status & 0xFFFF);
        snprintf(driver, sizeof(driver), "%02x", (unsigned)res->driver_status & 0xFFFF);
    }
    if (res->have_sense)
        snprintf(sense, sizeof(sense), "%X/%02X/%02X", (unsigned)res->sense.key & 0xF,
                 (unsigned)res->sense.asc & 0xFF, (unsigned)res->sense.ascq & 0xFF);
    len = snprintf(out, out_bytes,
                   "%s %s %s (%02Xh) cdb=[%s] dir=%s bytes=%zu/%s status=%s host=%s "
                   "driver=%s sense=%s ms=%u result=%s\n",
                   when, dev,
                   dw__scsi_opcode_name(n ? cmd->cdb[0] : 0), n ? cmd->cdb[0] : 0, hex, dir,
                   cmd->dir == DW_MMC_DIR_NONE ? (size_t)0 : cmd->bytes, moved,
                   dw__scsi_status_name(res->status), host, driver, sense, res->duration_ms,
                   result);
    if (len < 0) {
        out[0] = '\0';
        return 0;
    }
    if ((size_t)len >= out_bytes) { /* cut: keep the newline */
        if (out_bytes < 2) {
            out[0] = '\0';
            return 0;
        }
        out[out_bytes - 2] = '\n';
        out[out_bytes - 1] = '\0';
        return out_bytes - 1;
    }
    return (size_t)len;
}

/* Write one whole line and flush it, under the lock. */
static void trace_put(struct dw__scsi_trace *tr, const char *line, size_t len)
{
    pthread_mutex_lock(&trace_lock);
    if (fwrite(line, 1, len, tr->f) == len)
        fflush(tr->f);
    else
        clearerr(tr->f);
    pthread_mutex_unlock(&trace_lock);
}

void dw__scsi_trace_write(struct dw__scsi_trace *tr, const char *device,
                          const struct dw__scsi_cmd *cmd, const struct dw__scsi_result *res)
{
    char line[TRACE_LINE_MAX];
    size_t len;

    if (!tr)
        return;
    len = dw__scsi_trace_format(line, sizeof(line), now_unix_ms(), device, cmd, res);
    if (len)
        trace_put(tr, line, len);
}

void dw__scsi_trace_note(struct dw__scsi_trace *tr, const char *device, const char *fmt, ...)
{
    char line[TRACE_LINE_MAX], when[40], dev[TRACE_DEVICE_MAX + 1];
    va_list ap;
    int n, m;

    if (!tr)
        return;
    format_time(when, sizeof(when), now_unix_ms());
    escape_field(dev, device);
    n = snprintf(line, sizeof(line), "# %s %s ", when, dev);
    if (n < 0 || (size_t)n >= sizeof(line) - 2)
        return;
    va_start(ap, fmt);
    m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        return;
    n += (size_t)m < sizeof(line) - (size_t)n - 1 ? m : (int)(sizeof(line) - (size_t)n - 2);
    for (int i = 2; i < n; i++) /* a note is one line whatever the text holds */
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[n++] = '\n';
    trace_put(tr, line, (size_t)n);
}
