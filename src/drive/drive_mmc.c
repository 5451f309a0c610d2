/* MMC backend: a real (or emulated) optical drive such as /dev/sr0.
 *
 * Every command is built by mmc_cdb.c and sent with libcdio's
 * mmc_run_cmd_len(); libcdio is only the transport (on Linux the
 * CDROM_SEND_PACKET ioctl).  Sense data comes back through
 * mmc_last_cmd_sense() and is decoded by dw__mmc_parse_sense, so each
 * failure lands in the drive's last error with key/ASC/ASCQ and the LBA.
 *
 * libcdio pitfalls handled here (libcdio 2.1):
 *  - cdio_open_am() on a path that does not exist prints "++ WARN: Can't
 *    get file status" on stdout through its default log handler, and a
 *    failing open(2) prints "++ WARN: open (...)": we stat and open the
 *    path ourselves first so those messages never happen.
 *  - mmc_run_cmd() reports no residual byte count and its timeout is
 *    ignored on Linux builds without HAVE_LINUX_CDROM_TIMEOUT (Debian's
 *    cdio_config.h), so every read buffer is cleared before the command and
 *    replies are trusted only as far as their own length fields say.
 *  - cdtext_data_init() warns on stdout about packs it refuses and files a
 *    text under the wrong track after an empty one in the same pack: packs
 *    are checked with dw__cdtext_is_safe() first.  In 2.1
 *    cdtext_destroy() frees the object too (older sources show it freeing
 *    only the fields; a free() after it is a double free).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cdio/cdio.h>
#include <cdio/cdtext.h>
#include <cdio/memory.h>
#include <cdio/mmc.h>
#include "discwright/sector.h"
#include "drive/drive_int.h"
#include "drive/mmc.h"
#include "disc/disc_int.h"

#define MMC_TIMEOUT_MS 10000      /* ordinary commands */
#define MMC_READ_TIMEOUT_MS 60000 /* reads: the drive may retry for long */
#define MMC_RAW_MAX_SECTORS 26    /* READ CD: 26 * 2352 = 61152 bytes */
#define MMC_USER_MAX_SECTORS 32   /* READ(10): 32 * 2048 = 64 KiB */
#define MMC_UNIT_ATTENTION_RETRIES 2
#define MMC_READY_WAIT_MS 20000 /* how long to wait for "becoming ready" */
#define MMC_READY_POLL_MS 250
#define MMC_TOC_MAX_BYTES 0xFFFE /* READ TOC allocation length is 16 bits */
#define MMC_Q_MAX_SECTORS 25      /* READ CD + P-W: 25 * 2448 = 61200 bytes */
#define MMC_Q_RAW_SWITCH 8        /* raw rescues, with no good formatted Q, to switch */

/* Which READ CD sub-channel selection gives this drive's Q (MMC-6). */
enum mmc_q_path {
    MMC_Q_UNTRIED = 0, /* nothing read yet */
    MMC_Q_FORMATTED,   /* 010b works and its CRCs match */
    MMC_Q_RAW,         /* 001b: formatted Q refused or never with a good CRC */
    MMC_Q_NONE         /* both refused */
};

struct mmc_drive {
    CdIo_t *cdio;
    char *device; /* path as opened, owned */
    struct dw__mmc_inquiry inquiry;
    /* What Q reads found out about the drive (dw_drive_q_source). */
    enum mmc_q_path q_path;
    enum dw__mmc_q_numbers q_numbers;
    bool q_formatted_refused, q_raw_refused;
    int64_t q_formatted_good; /* formatted frames whose CRC matched */
    int64_t q_raw_rescued;    /* bad formatted frames that raw P-W read good */
    uint8_t *q_buf;           /* MMC_Q_MAX_SECTORS raw sectors + P-W, lazily */
    int c2_state;             /* C2 pointers: 0 untried, 1 work, -1 refused */
};

/* Outcome of one command. */
struct mmc_result {
    int code;      /* 0 or a DW_E* code */
    int sys_errno; /* errno after the transport call */
    bool have_sense;
    struct dw__mmc_sense sense;
};

/* ---- sending commands ----------------------------------------------------- */

/* DW_E* code for a transport failure that came without sense data. */
static int errno_code(int rc, int sys_errno)
{
    if (rc == DRIVER_OP_NOT_PERMITTED)
        return DW_EACCES;
    if (rc == DRIVER_OP_UNSUPPORTED)
        return DW_EUNSUPPORTED;
    switch (sys_errno) {
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
    case ENXIO:
    case ENODEV:
        return DW_ENODRIVE;
    case ENOMEM:
        return DW_ENOMEM;
    default:
        return DW_EIO;
    }
}

/* Send one CDB (cdb_bytes long) and wait for it.  dir is the libcdio data
 * direction; buf/bytes the data buffer (NULL/0 for none).  A read buffer is
 * cleared first: the transport does not say how much the drive sent.
 * Commands refused with a unit attention (sense key 6: medium changed,
 * reset) were not executed and are sent again, up to
 * MMC_UNIT_ATTENTION_RETRIES times; a recovered error (key 1) counts as
 * success.  Fills *res and returns res->code (0 or DW_E*); records
 * nothing on the drive. */
static int mmc_run(struct mmc_drive *m, const uint8_t *cdb, size_t cdb_bytes,
                   cdio_mmc_direction_t dir, void *buf, size_t bytes, unsigned timeout_ms,
                   struct mmc_result *res)
{
    for (int attempt = 0;; attempt++) {
        mmc_cdb_t c;
        cdio_mmc_request_sense_t *sense = NULL;
        driver_return_code_t rc;
        int sense_bytes;

        memset(res, 0, sizeof(*res));
        memset(&c, 0, sizeof(c));
        memcpy(c.field, cdb, cdb_bytes);
        if (dir == SCSI_MMC_DATA_READ && buf && bytes)
            memset(buf, 0, bytes);
        errno = 0;
        rc = mmc_run_cmd_len(m->cdio, timeout_ms, &c, (unsigned)cdb_bytes, dir,
                             (unsigned)bytes, buf);
        res->sys_errno = errno;
        if (rc == DRIVER_OP_SUCCESS)
            return 0;

        sense_bytes = mmc_last_cmd_sense(m->cdio, &sense);
        if (sense_bytes > 0 && sense &&
            dw__mmc_parse_sense((const uint8_t *)sense, (size_t)sense_bytes,
                                &res->sense) == 0)
            res->have_sense = true;
        cdio_free(sense);

        if (res->have_sense) {
            if (res->sense.key == 0x1) /* recovered error: the data is good */
                return 0;
            if (res->sense.key == 0x6 && attempt < MMC_UNIT_ATTENTION_RETRIES)
                continue;
            res->code =
                dw__mmc_sense_to_error(res->sense.key, res->sense.asc, res->sense.ascq);
            if (res->code == 0) /* "no sense" on a failed command */
                res->code = DW_EIO;
        } else {
            res->code = errno_code(rc, res->sys_errno);
        }
        return res->code;
    }
}

/* Record a failure that is not a command's: no errno, no sense. */
static int mmc_fail_plain(struct dw_drive *d, int code, long long lba, const char *fmt,
                          ...) __attribute__((format(printf, 4, 5)));

static int mmc_fail_plain(struct dw_drive *d, int code, long long lba, const char *fmt,
                          ...)
{
    char msg[sizeof(d->last_error.message)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    d->last_error.sys_errno = 0;
    return dw__drive_fail(d, code, lba, "%s", msg);
}

/* Record a failed command on the drive: "<what>: <reason>" with the sense
 * text and triple (or the system error) as the reason, key/ASC/ASCQ and
 * errno in the last error.  An empty tray always gets the same message.
 * Returns res->code. */
static int mmc_fail(struct dw_drive *d, const struct mmc_result *res, long long lba,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int mmc_fail(struct dw_drive *d, const struct mmc_result *res, long long lba,
                    const char *fmt, ...)
{
    struct mmc_drive *m = d->priv;
    struct dw_error_detail *e = &d->last_error;
    char what[256], reason[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (res->have_sense)
        snprintf(reason, sizeof(reason), "%s (sense %X/%02X/%02X)",
                 dw__mmc_sense_text(res->sense.key, res->sense.asc, res->sense.ascq),
                 (unsigned)res->sense.key, (unsigned)(res->sense.asc & 0xFF),
                 (unsigned)(res->sense.ascq & 0xFF));
    else
        snprintf(reason, sizeof(reason), "%s", dw_strerror(res->code));

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

/* Sleep ms milliseconds, resuming after signals. */
static void sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* TEST UNIT READY (SPC-4), waiting while the drive reports 2/04/01
 * "becoming ready" (a disc just inserted), at most MMC_READY_WAIT_MS. */
static int mmc_test_ready(struct mmc_drive *m, struct mmc_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_test_unit_ready(cdb);
    unsigned waited_ms = 0;

    for (;;) {
        int rc = mmc_run(m, cdb, n, SCSI_MMC_DATA_NONE, NULL, 0, MMC_TIMEOUT_MS, res);
        if (rc == DW_EBUSY && res->have_sense && res->sense.asc == 0x04 &&
            res->sense.ascq == 0x01 && waited_ms < MMC_READY_WAIT_MS) {
            sleep_ms(MMC_READY_POLL_MS);
            waited_ms += MMC_READY_POLL_MS;
            continue;
        }
        return rc;
    }
}

/* The drive must hold a readable medium: DW_ENOMEDIUM ("no medium in ...")
 * or the TEST UNIT READY failure otherwise. */
static int mmc_require_medium(struct dw_drive *d)
{
    struct mmc_drive *m = d->priv;
    struct mmc_result res;

    if (mmc_test_ready(m, &res))
        return mmc_fail(d, &res, DW_NO_LBA, "'%s' is not ready", m->device);
    return 0;
}

/* INQUIRY (SPC-4 6.6) into m->inquiry. */
static int mmc_inquiry(struct mmc_drive *m, struct mmc_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX], buf[96];
    size_t n = dw__mmc_build_inquiry(cdb, sizeof(buf));
    int rc =
        mmc_run(m, cdb, n, SCSI_MMC_DATA_READ, buf, sizeof(buf), MMC_TIMEOUT_MS, res);

    if (rc)
        return rc;
    if (dw__mmc_parse_inquiry(buf, sizeof(buf), &m->inquiry)) {
        res->code = DW_EPARSE;
        return DW_EPARSE;
    }
    return 0;
}

/* READ TOC/PMA/ATIP `format`: the 4-byte header first, then the whole reply
 * as long as the header says.  On success *out is a malloc'd buffer of
 * *out_bytes bytes the caller frees. */
static int mmc_read_toc_reply(struct mmc_drive *m, unsigned format, bool msf,
                              uint8_t track_session, uint8_t **out, size_t *out_bytes,
                              struct mmc_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX], head[4];
    size_t n = dw__mmc_build_read_toc(cdb, format, msf, track_session, sizeof(head));
    size_t want;
    uint8_t *buf;
    int rc;

    *out = NULL;
    *out_bytes = 0;
    rc = mmc_run(m, cdb, n, SCSI_MMC_DATA_READ, head, sizeof(head), MMC_TIMEOUT_MS, res);
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
    rc = mmc_run(m, cdb, n, SCSI_MMC_DATA_READ, buf, want, MMC_TIMEOUT_MS, res);
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *out_bytes = want;
    return 0;
}

/* Append one warning line to d->warnings (dropped when out of memory). */
static void mmc_warn(struct dw_drive *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void mmc_warn(struct dw_drive *d, const char *fmt, ...)
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

/* ---- ops: info, medium ---------------------------------------------------- */

/* ops->info: ids from the INQUIRY read at open (SPC-4 6.6), backend "mmc",
 * and medium_loaded from TEST UNIT READY.  An empty tray is not an error
 * here: `discwright drives` and `info` show the drive anyway. */
static int mmc_info(struct dw_drive *d, struct dw_drive_info *info)
{
    struct mmc_drive *m = d->priv;
    struct mmc_result res;
    int rc;

    info->kind = DW_DRIVE_MMC;
    if (!info->address[0])
        snprintf(info->address, sizeof(info->address), "%s", m->device);
    snprintf(info->backend, sizeof(info->backend), "mmc");
    if (!m->inquiry.vendor[0] && !m->inquiry.product[0] && mmc_inquiry(m, &res))
        return mmc_fail(d, &res, DW_NO_LBA, "cannot identify the drive at '%s'",
                        m->device);
    snprintf(info->vendor, sizeof(info->vendor), "%s", m->inquiry.vendor);
    snprintf(info->model, sizeof(info->model), "%s", m->inquiry.product);
    snprintf(info->firmware, sizeof(info->firmware), "%s", m->inquiry.revision);
    rc = mmc_test_ready(m, &res);
    /* Busy (becoming ready too long, long write) still means a disc is in. */
    info->medium_loaded = rc == 0 || rc == DW_EBUSY;
    return 0;
}

/* Does the medium answer READ TOC format 2?  Only CDs have a full TOC: the
 * test for drives too old for GET CONFIGURATION. */
static bool mmc_has_full_toc(struct mmc_drive *m)
{
    struct mmc_result res;
    uint8_t *buf;
    size_t bytes;
    struct dw__mmc_full_toc *full = malloc(sizeof(*full));
    bool ok = false;

    if (!full)
        return false;
    if (mmc_read_toc_reply(m, DW_MMC_TOC_FMT_FULL, true, 0, &buf, &bytes, &res) == 0) {
        ok = dw__mmc_parse_full_toc(buf, bytes, full) == 0;
        free(buf);
    }
    free(full);
    return ok;
}

/* Profile, status, sessions and capacity of the medium (GET CONFIGURATION,
 * READ DISC INFORMATION, READ CAPACITY, MMC-6).  The drive must be ready. */
static int mmc_probe_medium(struct dw_drive *d, struct dw_medium_info *info)
{
    struct mmc_drive *m = d->priv;
    struct mmc_result res;
    uint8_t cdb[DW_MMC_CDB_MAX], buf[64];
    struct dw__mmc_disc_info di;
    uint32_t last_lba = 0, block_bytes = 0;
    size_t n;
    int rc;

    memset(info, 0, sizeof(*info));
    memset(&di, 0, sizeof(di));
    info->user_sector_bytes = DW_SECTOR_USER_BYTES;

    n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_CURRENT, 0, 16);
    rc = mmc_run(m, cdb, n, SCSI_MMC_DATA_READ, buf, 16, MMC_TIMEOUT_MS, &res);
    if (rc == 0) {
        if (dw__mmc_parse_config_profile(buf, 16, &info->profile))
            info->profile = 0;
        info->is_cd = dw__mmc_profile_is_cd(info->profile);
    } else if (rc == DW_EUNSUPPORTED || rc == DW_EINVAL) {
        /* A drive from before MMC-2: no profiles; a full TOC means a CD. */
        info->profile = 0;
        info->is_cd = mmc_has_full_toc(m);
    } else {
        return mmc_fail(d, &res, DW_NO_LBA, "cannot read the medium profile of '%s'",
                        m->device);
    }
    snprintf(info->profile_name, sizeof(info->profile_name), "%s",
             dw_profile_name(info->profile));

    n = dw__mmc_build_read_disc_info(cdb, 34);
    rc = mmc_run(m, cdb, n, SCSI_MMC_DATA_READ, buf, 34, MMC_TIMEOUT_MS, &res);
    if (rc == 0 && dw__mmc_parse_disc_info(buf, 34, &di) == 0) {
        info->status = di.status;
        info->session_count = di.session_count;
    } else if (rc == DW_ENOMEDIUM) {
        return mmc_fail(d, &res, DW_NO_LBA, "cannot read the disc information of '%s'",
                        m->device);
    } else {
        info->status = DW_STATUS_UNKNOWN; /* some ROM drives refuse it */
        info->session_count = 1;
    }
    /* READ DISC INFORMATION counts an empty open session; report the
     * sessions that hold something. */
    if (info->status == DW_STATUS_APPENDABLE && di.last_session_state == 0 &&
        info->session_count > 0)
        info->session_count--;

    if (info->status == DW_STATUS_BLANK) {
        info->session_count = 0;
        return 0;
    }
    n = dw__mmc_build_read_capacity(cdb);
    rc = mmc_run(m, cdb, n, SCSI_MMC_DATA_READ, buf, 8, MMC_TIMEOUT_MS, &res);
    if (rc == 0 && dw__mmc_parse_read_capacity(buf, 8, &last_lba, &block_bytes) == 0) {
        info->capacity_sectors = (int64_t)last_lba + 1;
        return 0;
    }
    /* Some drives refuse READ CAPACITY on audio CDs: the lead-out says it. */
    if (info->is_cd && rc != DW_ENOMEDIUM) {
        struct mmc_result toc_res;
        uint8_t *toc_buf;
        size_t toc_bytes;
        struct dw__mmc_toc *toc = malloc(sizeof(*toc));
        bool found = false;
        if (toc && mmc_read_toc_reply(m, DW_MMC_TOC_FMT_TOC, false, 0, &toc_buf,
                                      &toc_bytes, &toc_res) == 0) {
            found = dw__mmc_parse_toc(toc_buf, toc_bytes, toc) == 0 && toc->has_leadout &&
                    toc->leadout.lba > 0;
            if (found)
                info->capacity_sectors = toc->leadout.lba;
            free(toc_buf);
        }
        free(toc);
        if (found)
            return 0;
    }
    if (rc == 0)
        return mmc_fail_plain(d, DW_EPARSE, DW_NO_LBA,
                              "'%s' sent a malformed READ CAPACITY reply", m->device);
    return mmc_fail(d, &res, DW_NO_LBA, "cannot read the capacity of '%s'", m->device);
}

/* ops->medium: DW_ENOMEDIUM on an empty tray, else mmc_probe_medium. */
static int mmc_medium(struct dw_drive *d, struct dw_medium_info *info)
{
    int rc = mmc_require_medium(d);
    return rc ? rc : mmc_probe_medium(d, info);
}

/* ---- ops: load_disc ------------------------------------------------------- */


/* CD-TEXT (READ TOC/PMA/ATIP format 0101b) decoded by libcdio's parser into
 * the disc and its tracks.  A disc without CD-TEXT, or with packs libcdio
 * would refuse, is left alone; only "out of memory" is an error. */
static int mmc_load_cdtext(struct dw_drive *d, struct dw_disc *disc)
{
    struct mmc_drive *m = d->priv;
    struct mmc_result res;
    uint8_t *buf;
    size_t bytes, pack_bytes;
    const uint8_t *packs;

    if (mmc_read_toc_reply(m, DW_MMC_TOC_FMT_CDTEXT, true, 0, &buf, &bytes, &res))
        return res.code == DW_ENOMEM ? DW_ENOMEM : 0;
    if (dw__mmc_parse_cdtext(buf, bytes, &packs, &pack_bytes) || !pack_bytes)
        goto out;
    if (!dw__cdtext_is_safe(packs, pack_bytes)) {
        mmc_warn(d,
                 "CD-TEXT of the disc in '%s' was ignored: it is malformed, uses "
                 "double-byte characters or has empty fields libcdio would file "
                 "under the wrong track",
                 m->device);
        goto out;
    }
    if (dw__cdtext_apply(buf + (packs - buf), pack_bytes, disc) == DW_ENOMEM) {
        free(buf);
        return DW_ENOMEM;
    }
out:
    free(buf);
    return 0;
}

/* READ SUB-CHANNEL (MMC-6) for the MCN and the ISRC of each audio track.
 * Drives that cannot tell leave them empty. */
static void mmc_load_mcn_isrc(struct mmc_drive *m, struct dw_disc *disc)
{
    uint8_t cdb[DW_MMC_CDB_MAX], buf[24];
    struct mmc_result res;
    size_t n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_MCN, 0, sizeof(buf));

    if (mmc_run(m, cdb, n, SCSI_MMC_DATA_READ, buf, sizeof(buf), MMC_TIMEOUT_MS, &res) ==
        0)
        dw__mmc_parse_mcn(buf, sizeof(buf), disc->mcn);
    for (int i = 0; i < disc->track_count; i++) {
        struct dw_track *t = &disc->tracks[i];
        if (t->control & DW_CTL_DATA)
            continue;
        n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_ISRC, (uint8_t)t->number,
                                          sizeof(buf));
        if (mmc_run(m, cdb, n, SCSI_MMC_DATA_READ, buf, sizeof(buf), MMC_TIMEOUT_MS,
                    &res) == 0)
            dw__mmc_parse_isrc(buf, sizeof(buf), t->isrc);
    }
}

/* Refine the mode of each data track from the header of its first sector
 * (READ CD, expected sector type "any", byte 9 = F8h).  Unreadable first
 * sectors keep DW_MODE_MODE1. */
static void mmc_load_modes(struct mmc_drive *m, struct dw_disc *disc,
                           const struct dw__mmc_full_toc *full)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    uint8_t *raw = malloc(DW_SECTOR_RAW_BYTES);
    struct mmc_result res;

    if (!raw)
        return;
    for (int i = 0; i < disc->track_count; i++) {
        struct dw_track *t = &disc->tracks[i];
        int disc_type = 0;
        enum dw_track_mode mode;
        size_t n;

        if (!(t->control & DW_CTL_DATA))
            continue;
        for (int s = 0; full && s < full->session_count; s++)
            if (full->sessions[s].number == t->session)
                disc_type = full->sessions[s].disc_type;
        n = dw__mmc_build_read_cd(cdb, t->index_lba[1], 1, DW_MMC_SECTOR_ANY, 0);
        if (mmc_run(m, cdb, n, SCSI_MMC_DATA_READ, raw, DW_SECTOR_RAW_BYTES,
                    MMC_READ_TIMEOUT_MS, &res) == 0 &&
            dw__mmc_raw_sector_mode(raw, DW_SECTOR_RAW_BYTES, disc_type, &mode) == 0)
            t->mode = mode;
    }
    free(raw);
}

/* A CD: TOC formats 0, 2 (or 1), modes, MCN/ISRC and CD-TEXT. */
static int mmc_load_cd(struct dw_drive *d, struct dw_disc *disc)
{
    struct mmc_drive *m = d->priv;
    struct mmc_result res;
    struct dw__mmc_toc *toc = malloc(sizeof(*toc));
    struct dw__mmc_full_toc *full = malloc(sizeof(*full));
    struct dw__mmc_session_info si;
    bool have_full = false, have_si = false, estimated = false;
    uint8_t *buf = NULL;
    size_t bytes;
    int rc;

    if (!toc || !full) {
        rc = mmc_fail_plain(d, DW_ENOMEM, DW_NO_LBA, "out of memory");
        goto out;
    }
    rc = mmc_read_toc_reply(m, DW_MMC_TOC_FMT_TOC, false, 0, &buf, &bytes, &res);
    if (rc) {
        rc = mmc_fail(d, &res, DW_NO_LBA, "cannot read the TOC of the disc in '%s'",
                      m->device);
        goto out;
    }
    if (dw__mmc_parse_toc(buf, bytes, toc) || !toc->has_leadout) {
        rc = mmc_fail_plain(d, DW_EPARSE, DW_NO_LBA,
                            "the TOC of the disc in '%s' is malformed: clean the disc or "
                            "try another drive",
                            m->device);
        goto out;
    }
    free(buf);
    buf = NULL;

    if (mmc_read_toc_reply(m, DW_MMC_TOC_FMT_FULL, true, 0, &buf, &bytes, &res) == 0)
        have_full = dw__mmc_parse_full_toc(buf, bytes, full) == 0;
    free(buf);
    buf = NULL;
    if (!have_full &&
        mmc_read_toc_reply(m, DW_MMC_TOC_FMT_SESSION, false, 0, &buf, &bytes, &res) == 0)
        have_si = dw__mmc_parse_session_info(buf, bytes, &si) == 0;
    free(buf);
    buf = NULL;

    if (dw__mmc_disc_from_toc(toc, have_full ? full : NULL, have_si ? &si : NULL, disc,
                              &estimated)) {
        rc = mmc_fail_plain(d, DW_EPARSE, DW_NO_LBA,
                            "the TOC of the disc in '%s' does not match its session "
                            "list: try another drive",
                            m->device);
        goto out;
    }
    if (estimated)
        mmc_warn(d,
                 "'%s' did not report every session lead-out: session ends were "
                 "estimated from the Orange Book gaps",
                 m->device);
    /* Orange Book: the first track of each later session begins with a
     * pregap of at least 2 s (150 sectors) after the lead-in; the TOC gives
     * only INDEX 01, so the pregap is put where it must be. */
    for (int i = 1; i < disc->track_count; i++) {
        struct dw_track *t = &disc->tracks[i];
        if (t->session != disc->tracks[i - 1].session && t->index_lba[0] == DW_LBA_NONE &&
            t->index_lba[1] - 150 >= disc->tracks[i - 1].end_lba)
            t->index_lba[0] = t->index_lba[1] - 150;
    }
    mmc_load_modes(m, disc, have_full ? full : NULL);
    mmc_load_mcn_isrc(m, disc);
    rc = mmc_load_cdtext(d, disc);
    if (rc)
        rc = mmc_fail_plain(d, rc, DW_NO_LBA, "out of memory");
out:
    free(buf);
    free(toc);
    free(full);
    return rc;
}

/* ops->load_disc: build d->disc.  CDs from their TOC (mmc_load_cd); DVD, BD
 * and other media as one Mode 1 data track from LBA 0 to the capacity.
 * Blank media fail with DW_EMEDIUM; the result passes dw_disc_finish. */
static int mmc_load_disc(struct dw_drive *d)
{
    struct mmc_drive *m = d->priv;
    struct dw_medium_info mi;
    struct dw_disc *disc = NULL;
    char msg[256];
    int rc;

    rc = mmc_require_medium(d);
    if (!rc)
        rc = mmc_probe_medium(d, &mi);
    if (rc)
        return rc;
    if (mi.status == DW_STATUS_BLANK)
        return mmc_fail_plain(d, DW_EMEDIUM, DW_NO_LBA,
                              "the %s in '%s' is blank: there is nothing to read",
                              mi.profile_name, m->device);
    disc = dw_disc_new();
    if (!disc)
        return mmc_fail_plain(d, DW_ENOMEM, DW_NO_LBA, "out of memory");
    if (mi.is_cd) {
        rc = mmc_load_cd(d, disc);
    } else if (mi.capacity_sectors <= 0 || mi.capacity_sectors > INT32_MAX) {
        rc = mmc_fail_plain(d, DW_EMEDIUM, DW_NO_LBA,
                            "the %s in '%s' reports no readable sectors", mi.profile_name,
                            m->device);
    } else {
        /* DVD, BD and the rest: one data track over the whole capacity. */
        struct dw_track *t = &disc->tracks[0];
        disc->track_count = 1;
        t->number = 1;
        t->session = 1;
        t->mode = DW_MODE_MODE1;
        t->control = DW_CTL_DATA;
        t->index_lba[0] = DW_LBA_NONE;
        t->index_lba[1] = 0;
        t->index_count = 2;
        disc->leadout_lba = (int32_t)mi.capacity_sectors;
    }
    if (!rc && (rc = dw_disc_finish(disc, msg, sizeof(msg))) != 0)
        rc = mmc_fail_plain(d, rc, DW_NO_LBA,
                            "the layout of the disc in '%s' does not hold together: %s",
                            m->device, msg);
    if (rc) {
        dw_disc_free(disc);
        return rc;
    }
    d->disc = disc;
    return 0;
}

/* ---- ops: reads ----------------------------------------------------------- */

/* One read command of `sectors` sectors of sector_bytes at lba into buf. */
typedef int (*mmc_read_fn)(struct mmc_drive *m, int32_t lba, int32_t sectors,
                           uint8_t *buf, struct mmc_result *res);

/* READ CD (MMC-6) of whole 2352-byte sectors, any sector type. */
static int read_cd_cmd(struct mmc_drive *m, int32_t lba, int32_t sectors, uint8_t *buf,
                       struct mmc_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_read_cd(cdb, lba, (uint32_t)sectors, DW_MMC_SECTOR_ANY, 0);
    return mmc_run(m, cdb, n, SCSI_MMC_DATA_READ, buf,
                   (size_t)sectors * DW_SECTOR_RAW_BYTES, MMC_READ_TIMEOUT_MS, res);
}

/* READ(10) (MMC-6) of 2048-byte user data blocks. */
static int read10_cmd(struct mmc_drive *m, int32_t lba, int32_t sectors, uint8_t *buf,
                      struct mmc_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_read10(cdb, (uint32_t)lba, (uint16_t)sectors);
    return mmc_run(m, cdb, n, SCSI_MMC_DATA_READ, buf,
                   (size_t)sectors * DW_SECTOR_USER_BYTES, MMC_READ_TIMEOUT_MS, res);
}

/* Read in chunks of max_sectors.  When a chunk fails with a read, range or
 * I/O error, its sectors are read one by one so the last error names the
 * first sector that fails and everything before it is in buf. */
static int mmc_read_chunked(struct dw_drive *d, int32_t lba, int32_t sectors,
                            uint8_t *buf, int32_t max_sectors, size_t sector_bytes,
                            mmc_read_fn read_fn)
{
    struct mmc_drive *m = d->priv;
    struct mmc_result res;
    int32_t done = 0;

    if (sectors < 0 || (sectors > 0 && !buf))
        return mmc_fail_plain(d, DW_EINVAL, DW_NO_LBA, "invalid read of %d sectors",
                              (int)sectors);
    if ((int64_t)lba + sectors > INT32_MAX)
        return mmc_fail_plain(d, DW_ERANGE, lba, "sector %ld is beyond any disc",
                              (long)lba);
    while (done < sectors) {
        int32_t count = sectors - done < max_sectors ? sectors - done : max_sectors;
        int32_t at = lba + done;
        uint8_t *dst = buf + (size_t)done * sector_bytes;
        int rc = read_fn(m, at, count, dst, &res);

        if (rc && count > 1 && (rc == DW_EREAD || rc == DW_ERANGE || rc == DW_EIO)) {
            int32_t bad = -1;
            /* The sense INFORMATION field names the failing block: read what
             * comes before it again in one go. */
            if (res.have_sense && res.sense.info_valid && res.sense.info <= INT32_MAX &&
                (int64_t)res.sense.info >= at && (int64_t)res.sense.info < at + count) {
                struct mmc_result before;
                bad = (int32_t)res.sense.info;
                if (bad > at && read_fn(m, at, bad - at, dst, &before) != 0)
                    bad = -1;
            }
            if (bad >= 0) {
                at = bad;
            } else {
                for (int32_t k = 0; k < count; k++) {
                    rc = read_fn(m, at + k, 1, dst + (size_t)k * sector_bytes, &res);
                    if (rc) {
                        at += k;
                        break;
                    }
                }
            }
        }
        if (rc)
            return mmc_fail(d, &res, at, "cannot read sector %ld of the disc in '%s'",
                            (long)at, m->device);
        done += count;
    }
    return 0;
}

/* ops->read_raw: READ CD with byte 9 = F8h, 26 sectors per command (one
 * transfer stays under 64 KiB); lead-in LBAs are passed on as they are. */
static int mmc_read_raw(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    return mmc_read_chunked(d, lba, sectors, buf, MMC_RAW_MAX_SECTORS,
                            DW_SECTOR_RAW_BYTES, read_cd_cmd);
}

/* READ CD (MMC-6) of whole 2352-byte sectors plus raw P-W (sub-channel
 * selection 001b, 96 bytes after each sector; no C2 asked for). */
static int read_cd_raw_sub_cmd(struct mmc_drive *m, int32_t lba, int32_t sectors, uint8_t *buf,
                               struct mmc_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_read_cd(cdb, lba, (uint32_t)sectors, DW_MMC_SECTOR_ANY,
                                     DW_MMC_READ_CD_SUB_RAW);
    return mmc_run(m, cdb, n, SCSI_MMC_DATA_READ, buf,
                   (size_t)sectors * DW_RAW_SUB_SECTOR_BYTES, MMC_READ_TIMEOUT_MS, res);
}

/* ops->read_raw_sub: READ CD with byte 9 = F8h and raw P-W, 25 sectors per
 * command (25 * 2448 = 61200 bytes).  A drive that refuses the selection
 * (5/24/00 invalid field, 5/20/00 invalid command) gives DW_EUNSUPPORTED. */
static int mmc_read_raw_sub(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    struct mmc_drive *m = d->priv;
    int rc = mmc_read_chunked(d, lba, sectors, buf, MMC_Q_MAX_SECTORS,
                              DW_RAW_SUB_SECTOR_BYTES, read_cd_raw_sub_cmd);
    const struct dw_error_detail *e = &d->last_error;

    if (rc && e->sense_key == 0x5 && (e->asc == 0x24 || e->asc == 0x20)) {
        int key = e->sense_key, asc = e->asc, ascq = e->ascq;
        rc = mmc_fail_plain(d, DW_EUNSUPPORTED, lba,
                            "'%s' refuses raw P-W sub-channel data (READ CD sub-channel "
                            "selection 001b, sense %X/%02X/%02X)",
                            m->device, (unsigned)key, (unsigned)asc, (unsigned)(ascq & 0xFF));
        d->last_error.sense_key = key;
        d->last_error.asc = asc;
        d->last_error.ascq = ascq;
    }
    return rc;
}

/* ops->read_raw_c2: READ CD with byte 9 = F8h | C2 (01b, 294 bytes after
 * each sector, MMC-6), split into buf and c2.  A drive that refuses the
 * field (ILLEGAL REQUEST) has no C2: DW_EUNSUPPORTED, remembered. */
static int mmc_read_raw_c2(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf,
                           uint8_t *c2)
{
    struct mmc_drive *m = d->priv;
    const size_t unit = DW_SECTOR_RAW_BYTES + DW_C2_BYTES_PER_SECTOR;
    const int32_t max = MMC_RAW_MAX_SECTORS;
    uint8_t *tmp;
    int rc = 0;

    if (m->c2_state < 0)
        return mmc_fail_plain(d, DW_EUNSUPPORTED, DW_NO_LBA,
                              "the drive '%s' does not report C2 errors", m->device);
    tmp = malloc((size_t)max * unit);
    if (!tmp)
        return mmc_fail_plain(d, DW_ENOMEM, DW_NO_LBA, "out of memory");
    for (int32_t done = 0; done < sectors && !rc;) {
        int32_t n = sectors - done < max ? sectors - done : max;
        uint8_t cdb[DW_MMC_CDB_MAX];
        struct mmc_result res;
        size_t len = dw__mmc_build_read_cd(cdb, lba + done, (uint32_t)n, DW_MMC_SECTOR_ANY,
                                           DW_MMC_READ_CD_C2);
        if (mmc_run(m, cdb, len, SCSI_MMC_DATA_READ, tmp, (size_t)n * unit,
                    MMC_READ_TIMEOUT_MS, &res)) {
            if (res.have_sense && res.sense.key == 5 && res.sense.asc == 0x24) {
                m->c2_state = -1;
                rc = mmc_fail_plain(d, DW_EUNSUPPORTED, DW_NO_LBA,
                                    "the drive '%s' does not report C2 errors", m->device);
            } else {
                rc = mmc_fail(d, &res, lba + done, "cannot read sector %ld of the disc in '%s'",
                              (long)(lba + done), m->device);
            }
            break;
        }
        m->c2_state = 1;
        for (int32_t k = 0; k < n; k++) {
            memcpy(buf + (size_t)(done + k) * DW_SECTOR_RAW_BYTES, tmp + (size_t)k * unit,
                   DW_SECTOR_RAW_BYTES);
            memcpy(c2 + (size_t)(done + k) * DW_C2_BYTES_PER_SECTOR,
                   tmp + (size_t)k * unit + DW_SECTOR_RAW_BYTES, DW_C2_BYTES_PER_SECTOR);
        }
        done += n;
    }
    free(tmp);
    return rc;
}

/* ops->read_user: READ(10), 32 blocks of 2048 bytes per command. */
static int mmc_read_user(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    struct mmc_drive *m = d->priv;

    if (lba < 0 || (int64_t)lba + sectors > (int64_t)UINT32_MAX)
        return mmc_fail_plain(
            d, DW_ERANGE, lba,
            "sector %ld is outside the user data area of the disc in '%s'", (long)lba,
            m->device);
    return mmc_read_chunked(d, lba, sectors, buf, MMC_USER_MAX_SECTORS,
                            DW_SECTOR_USER_BYTES, read10_cmd);
}

/* ---- ops: the Q sub-channel ----------------------------------------------- */

/* A READ CD the drive refused for its sub-channel selection: 5/24/00
 * (invalid field in CDB), 5/20/00 (invalid command), or a transport that
 * says "unsupported". */
static bool mmc_refused(int rc, const struct mmc_result *res)
{
    if (res->have_sense)
        return res->sense.key == 0x5 && (res->sense.asc == 0x24 || res->sense.asc == 0x20);
    return rc == DW_EUNSUPPORTED;
}

/* READ CD (MMC-6) of n sectors, expected sector type "any", the whole 2352
 * bytes plus the sub-channel selection `sub` (DW_MMC_READ_CD_SUB_Q or
 * DW_MMC_READ_CD_SUB_RAW), into m->q_buf. */
static int read_cd_sub_cmd(struct mmc_drive *m, int32_t lba, int32_t n, unsigned sub,
                           struct mmc_result *res)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t len = dw__mmc_build_read_cd(cdb, lba, (uint32_t)n, DW_MMC_SECTOR_ANY, sub);
    return mmc_run(m, cdb, len, SCSI_MMC_DATA_READ, m->q_buf,
                   (size_t)n * dw__mmc_read_cd_sector_bytes(sub), MMC_READ_TIMEOUT_MS, res);
}

/* The Q of n <= MMC_Q_MAX_SECTORS sectors into q: formatted Q first (unless
 * the drive is known to need raw P-W), then raw P-W for the frames whose
 * CRC did not match.  Returns 0 when one of the reads succeeded (frames
 * still bad are left as read), DW_EUNSUPPORTED when the drive refuses both
 * selections, or the read error with *res describing it. */
static int mmc_q_chunk(struct mmc_drive *m, int32_t lba, int32_t n, uint8_t *q,
                       struct mmc_result *res)
{
    bool good[MMC_Q_MAX_SECTORS] = {false};
    bool formatted_read = false;
    int bad = n, rc = 0;
    size_t stride;

    if (m->q_path != MMC_Q_RAW && !m->q_formatted_refused) {
        stride = dw__mmc_read_cd_sector_bytes(DW_MMC_READ_CD_SUB_Q);
        rc = read_cd_sub_cmd(m, lba, n, DW_MMC_READ_CD_SUB_Q, res);
        if (rc == 0) {
            formatted_read = true;
            bad = 0;
            for (int32_t k = 0; k < n; k++) {
                const uint8_t *fq = m->q_buf + (size_t)k * stride + DW_SECTOR_RAW_BYTES;
                good[k] = dw__mmc_formatted_q(fq, lba + k, &m->q_numbers, q + k * 12);
                if (good[k])
                    m->q_formatted_good++;
                else
                    bad++;
            }
            if (m->q_path == MMC_Q_UNTRIED && m->q_formatted_good > 0)
                m->q_path = MMC_Q_FORMATTED;
            if (bad == 0)
                return 0;
        } else if (mmc_refused(rc, res)) {
            m->q_formatted_refused = true;
        } else {
            return rc;
        }
    }
    if (m->q_raw_refused)
        goto out;
    stride = dw__mmc_read_cd_sector_bytes(DW_MMC_READ_CD_SUB_RAW);
    rc = read_cd_sub_cmd(m, lba, n, DW_MMC_READ_CD_SUB_RAW, res);
    if (rc == 0) {
        for (int32_t k = 0; k < n; k++) {
            uint8_t raw_q[12];
            if (good[k])
                continue;
            dw_subchannel_q(m->q_buf + (size_t)k * stride + DW_SECTOR_RAW_BYTES, raw_q);
            if (dw_q_crc(raw_q) == dw__mmc_get_be16(raw_q + 10)) {
                memcpy(q + k * 12, raw_q, 12);
                if (formatted_read)
                    m->q_raw_rescued++;
            } else if (!formatted_read) {
                memcpy(q + k * 12, raw_q, 12);
            }
        }
        /* Raw P-W is the drive's way when formatted Q is refused, or when it
         * keeps coming with bad CRCs that raw P-W reads good. */
        if (m->q_formatted_refused ||
            (m->q_raw_rescued >= MMC_Q_RAW_SWITCH && m->q_formatted_good == 0))
            m->q_path = MMC_Q_RAW;
        return 0;
    }
    if (mmc_refused(rc, res))
        m->q_raw_refused = true;
    else if (!formatted_read)
        return rc;
out:
    if (formatted_read)
        return 0;
    if (m->q_formatted_refused && m->q_raw_refused) {
        m->q_path = MMC_Q_NONE;
        return DW_EUNSUPPORTED;
    }
    return rc ? rc : DW_EIO;
}

/* ops->read_q: chunks of MMC_Q_MAX_SECTORS; a chunk that fails with a read
 * error is read again sector by sector so that what reads is kept. */
static int mmc_read_q(struct dw_drive *d, int32_t lba, int32_t frames, uint8_t *q)
{
    struct mmc_drive *m = d->priv;
    struct mmc_result res, first_res;
    int32_t first_bad = DW_LBA_NONE;
    int first_rc = 0;
    bool any = false;

    if ((int64_t)lba + frames > INT32_MAX)
        return mmc_fail_plain(d, DW_ERANGE, lba, "sector %ld is beyond any disc", (long)lba);
    if (!m->q_buf) {
        m->q_buf = malloc((size_t)MMC_Q_MAX_SECTORS *
                          dw__mmc_read_cd_sector_bytes(DW_MMC_READ_CD_SUB_RAW));
        if (!m->q_buf)
            return mmc_fail_plain(d, DW_ENOMEM, DW_NO_LBA, "out of memory");
    }
    memset(q, 0, (size_t)frames * 12);
    memset(&first_res, 0, sizeof(first_res));
    for (int32_t done = 0; done < frames;) {
        int32_t n = frames - done < MMC_Q_MAX_SECTORS ? frames - done : MMC_Q_MAX_SECTORS;
        int rc = mmc_q_chunk(m, lba + done, n, q + (size_t)done * 12, &res);

        if (rc && n > 1 && rc != DW_EUNSUPPORTED && rc != DW_ENOMEDIUM && rc != DW_ENOMEM) {
            for (int32_t k = 0; k < n; k++) {
                int one = mmc_q_chunk(m, lba + done + k, 1, q + (size_t)(done + k) * 12, &res);
                if (one == 0) {
                    any = true;
                } else if (!first_rc) {
                    first_rc = one;
                    first_res = res;
                    first_bad = lba + done + k;
                }
                if (one == DW_ENOMEDIUM || one == DW_EUNSUPPORTED)
                    break;
            }
            if (first_rc == DW_ENOMEDIUM || first_rc == DW_EUNSUPPORTED)
                break;
        } else if (rc) {
            if (!first_rc) {
                first_rc = rc;
                first_res = res;
                first_bad = lba + done;
            }
            if (rc == DW_EUNSUPPORTED || rc == DW_ENOMEDIUM || rc == DW_ENOMEM)
                break;
        } else {
            any = true;
        }
        done += n;
    }
    if (first_rc == DW_EUNSUPPORTED && !any)
        return mmc_fail_plain(d, DW_EUNSUPPORTED, lba,
                              "'%s' returns no sub-channel data: READ CD refuses both "
                              "formatted Q and raw P-W",
                              m->device);
    if (any)
        return 0;
    first_res.code = first_rc;
    return mmc_fail(d, &first_res, first_bad,
                    "cannot read the Q sub-channel of sector %ld of the disc in '%s'",
                    (long)first_bad, m->device);
}

/* ops->q_source. */
static const char *mmc_q_source(struct dw_drive *d)
{
    struct mmc_drive *m = d->priv;

    switch (m->q_path) {
    case MMC_Q_UNTRIED:
        return m->q_formatted_refused ? "raw P-W (formatted Q refused)" : "not read yet";
    case MMC_Q_FORMATTED:
        if (m->q_numbers == DW_MMC_Q_NUMBERS_BINARY)
            return "formatted Q (binary numbers, converted to BCD)";
        return m->q_numbers == DW_MMC_Q_NUMBERS_BCD ? "formatted Q (BCD)" : "formatted Q";
    case MMC_Q_RAW:
        return m->q_formatted_refused ? "raw P-W (formatted Q refused)"
                                      : "raw P-W (formatted Q with bad CRCs)";
    case MMC_Q_NONE:
        return "none (the drive returns no sub-channel data)";
    }
    return "not read yet";
}

/* ---- raw commands for the probes ------------------------------------------- */

/* ops->exec: one CDB through mmc_run (see dw__mmc_exec in drive_int.h). */
static int mmc_exec(struct dw_drive *d, const uint8_t *cdb, size_t cdb_bytes, void *buf,
                    size_t bytes, unsigned timeout_ms, struct dw__mmc_status *st)
{
    struct mmc_result res;

    mmc_run(d->priv, cdb, cdb_bytes, buf && bytes ? SCSI_MMC_DATA_READ : SCSI_MMC_DATA_NONE,
            buf, buf ? bytes : 0, timeout_ms ? timeout_ms : MMC_READ_TIMEOUT_MS, &res);
    st->code = res.code;
    if (res.have_sense) {
        st->have_sense = true;
        st->key = res.sense.key;
        st->asc = res.sense.asc;
        st->ascq = res.sense.ascq;
    }
    return st->code;
}

/* ---- ops: lock, close ----------------------------------------------------- */

/* ops->lock: PREVENT ALLOW MEDIUM REMOVAL (MMC-6, SPC-4); keeps d->locked.
 * Needs the device opened for writing (Linux filters the command on
 * read-only opens). */
static int mmc_lock(struct dw_drive *d, bool lock)
{
    struct mmc_drive *m = d->priv;
    struct mmc_result res;
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_prevent_allow(cdb, lock);

    if (mmc_run(m, cdb, n, SCSI_MMC_DATA_NONE, NULL, 0, MMC_TIMEOUT_MS, &res))
        return mmc_fail(d, &res, DW_NO_LBA, "cannot %s the tray of '%s'",
                        lock ? "lock" : "unlock", m->device);
    d->locked = lock;
    return 0;
}

/* ops->eject: allow removal, then START STOP UNIT with LoEj (MMC-6). */
static int mmc_eject(struct dw_drive *d)
{
    struct mmc_drive *m = d->priv;
    struct mmc_result res;
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n = dw__mmc_build_prevent_allow(cdb, false);

    if (mmc_run(m, cdb, n, SCSI_MMC_DATA_NONE, NULL, 0, MMC_TIMEOUT_MS, &res) == 0)
        d->locked = false;
    n = dw__mmc_build_start_stop(cdb, false);
    if (mmc_run(m, cdb, n, SCSI_MMC_DATA_NONE, NULL, 0, MMC_TIMEOUT_MS, &res))
        return mmc_fail(d, &res, DW_NO_LBA, "cannot eject the medium of '%s'", m->device);
    return 0;
}

/* ops->close: allow medium removal if we still hold the tray, then close
 * libcdio and free the backend state. */
static void mmc_close(struct dw_drive *d)
{
    struct mmc_drive *m = d->priv;
    struct mmc_result res;

    if (!m)
        return;
    if (d->locked) {
        uint8_t cdb[DW_MMC_CDB_MAX];
        size_t n = dw__mmc_build_prevent_allow(cdb, false);
        if (mmc_run(m, cdb, n, SCSI_MMC_DATA_NONE, NULL, 0, MMC_TIMEOUT_MS, &res) == 0)
            d->locked = false;
    }
    if (m->cdio)
        cdio_destroy(m->cdio);
    free(m->q_buf);
    free(m->device);
    free(m);
    d->priv = NULL;
}

static const struct dw__drive_ops mmc_ops = {
    .name = "mmc",
    .info = mmc_info,
    .medium = mmc_medium,
    .load_disc = mmc_load_disc,
    .read_raw = mmc_read_raw,
    .read_user = mmc_read_user,
    .read_raw_c2 = mmc_read_raw_c2,
    .read_raw_sub = mmc_read_raw_sub,
    .read_q = mmc_read_q,
    .q_source = mmc_q_source,
    .lock = mmc_lock,
    .eject = mmc_eject,
    .exec = mmc_exec,
    .close = mmc_close,
    .max_transfer_sectors = MMC_RAW_MAX_SECTORS,
};

/* ---- open ----------------------------------------------------------------- */

/* Fill *err for a failed open and return code. */
static int open_fail(struct dw_error_detail *err, int code, int sys_errno,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int open_fail(struct dw_error_detail *err, int code, int sys_errno,
                     const char *fmt, ...)
{
    va_list ap;

    err->code = code;
    err->sys_errno = sys_errno;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return code;
}

/* Pick the libcdio access mode by opening the device ourselves, so that a
 * failure is ours to report (libcdio would print it on stdout): read-write
 * and exclusive, as libburn opens drives; read-write when something else
 * has it open (a mounted disc); read-only when we may not write to it
 * (no tray locking then).  Returns 0 with *mode set, or -errno. */
static int pick_access_mode(const char *device, const char **mode)
{
    static const struct {
        int flags;
        const char *mode;
    } tries[] = {
        {O_RDWR | O_EXCL | O_NONBLOCK, "MMC_RDWR_EXCL"},
        {O_RDWR | O_NONBLOCK, "MMC_RDWR"},
        {O_RDONLY | O_NONBLOCK, "IOCTL"},
    };
    int last_errno = EIO;

    for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
        int fd = open(device, tries[i].flags | O_CLOEXEC);
        if (fd >= 0) {
            close(fd);
            *mode = tries[i].mode;
            return 0;
        }
        last_errno = errno;
        if (errno != EBUSY && errno != EACCES && errno != EPERM && errno != EROFS)
            break;
    }
    return -last_errno;
}

/* Open `device` as an MMC drive (see drive_int.h): stat it, pick an access
 * mode, open it with libcdio's Linux driver, and require an INQUIRY answer
 * with peripheral device type 05h.  A drive with an empty tray opens fine.
 * Errors: DW_EINVAL (no path), DW_ENOENT (no such path), DW_ENODRIVE (not a
 * device, or not an optical drive), DW_EACCES, DW_EBUSY, DW_ENOMEM, or the
 * INQUIRY failure; err (may be NULL) gets the message.  On failure d is
 * left untouched. */
int dw__drive_open_mmc(struct dw_drive *d, const char *device,
                       struct dw_error_detail *err)
{
    struct dw_error_detail local;
    struct mmc_drive *m = NULL;
    struct mmc_result res;
    const char *mode = NULL;
    struct stat st;
    int rc;

    if (!err)
        err = &local;
    memset(err, 0, sizeof(*err));
    err->lba = DW_NO_LBA;
    err->sense_key = err->asc = err->ascq = -1;
    if (!d || !device || !device[0])
        return open_fail(err, DW_EINVAL, 0, "no drive given");

    if (stat(device, &st) != 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            return open_fail(
                err, DW_ENOENT, e,
                "no drive at '%s': check the address with 'discwright drives'", device);
        return open_fail(err, dw_error_from_errno(e), e, "cannot open '%s': %s", device,
                         dw_strerror(dw_error_from_errno(e)));
    }
    if (!S_ISBLK(st.st_mode) && !S_ISCHR(st.st_mode))
        return open_fail(err, DW_ENODRIVE, 0,
                         "'%s' is not a device: give a drive such as /dev/sr0 or an "
                         "image file",
                         device);

    rc = pick_access_mode(device, &mode);
    if (rc) {
        int e = -rc;
        if (e == EACCES || e == EPERM)
            return open_fail(err, DW_EACCES, e,
                             "cannot open '%s': permission denied: add your user to the "
                             "group that owns it (often 'cdrom')",
                             device);
        if (e == EBUSY)
            return open_fail(err, DW_EBUSY, e,
                             "'%s' is in use by another program: close it and try again",
                             device);
        if (e == ENXIO || e == ENODEV)
            return open_fail(
                err, DW_ENODRIVE, e,
                "no drive at '%s': check the address with 'discwright drives'", device);
        return open_fail(err, dw_error_from_errno(e), e, "cannot open '%s': %s", device,
                         dw_strerror(dw_error_from_errno(e)));
    }

    m = calloc(1, sizeof(*m));
    if (!m || !(m->device = strdup(device))) {
        free(m);
        return open_fail(err, DW_ENOMEM, 0, "out of memory");
    }
#ifdef __linux__
    m->cdio = cdio_open_am(device, DRIVER_LINUX, mode);
#else
    m->cdio = cdio_open_am(device, DRIVER_DEVICE, mode);
#endif
    if (!m->cdio) {
        rc = open_fail(err, DW_ENODRIVE, 0,
                       "libcdio cannot open '%s' as a drive: check the address with "
                       "'discwright drives'",
                       device);
        goto fail;
    }

    rc = mmc_inquiry(m, &res);
    if (rc == DW_EUNSUPPORTED || rc == DW_EPARSE || rc == DW_ENODRIVE) {
        rc = open_fail(err, DW_ENODRIVE, res.sys_errno,
                       "'%s' is not an optical drive: it does not answer MMC commands",
                       device);
        goto fail;
    }
    if (rc) {
        rc = open_fail(err, rc, res.sys_errno, "cannot identify the drive at '%s': %s",
                       device,
                       res.have_sense ? dw__mmc_sense_text(res.sense.key, res.sense.asc,
                                                           res.sense.ascq)
                                      : dw_strerror(rc));
        if (res.have_sense) {
            err->sense_key = res.sense.key;
            err->asc = res.sense.asc;
            err->ascq = res.sense.ascq;
        }
        goto fail;
    }
    if (m->inquiry.device_type != DW_MMC_DEVICE_TYPE_MMC) {
        rc = open_fail(err, DW_ENODRIVE, 0,
                       "'%s' is not an optical drive (SCSI peripheral device type %02Xh)",
                       device, (unsigned)m->inquiry.device_type);
        goto fail;
    }
    d->ops = &mmc_ops;
    d->priv = m;
    return 0;

fail:
    if (m->cdio)
        cdio_destroy(m->cdio);
    free(m->device);
    free(m);
    return rc;
}
