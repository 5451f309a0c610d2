/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CD writer of our own: session-at-once through the project's MMC
 * layer (see cdwrite.h).  The order of commands is the one MMC-6 4.3.5
 * gives for SAO and cdrdao's generic-mmc driver and libburn send: write
 * parameters (page 05h), write speed, OPC, SEND CUE SHEET, the lead-in
 * (CD-TEXT packs as R-W sub-channel, when there are any), the program area
 * from LBA -150 to the lead-out, SYNCHRONIZE CACHE (the drive writes the
 * lead-out and closes the session).  A drive that answers NOT READY with
 * "operation in progress"/"long write in progress" while its buffer is
 * full or it finishes is polled until it is ready again. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "burn/cdwrite.h"
#include "discwright/drive.h"
#include "discwright/errors.h"
#include "discwright/sector.h"
#include "drive/drive_int.h"
#include "drive/mmc_write.h"
#include "errors_int.h"
#include "util.h"

/* WRITE(10) of at most 64 KiB: 27 raw sectors, 26 RAW96R blocks. */
#define CHUNK_SECTORS 27
#define RAW_CHUNK_SECTORS 26
#define RAW_BLOCK_BYTES (DW_SECTOR_RAW_BYTES + DW_SUBCHANNEL_BYTES)
/* Lead-in WRITEs: 96 bytes a sector, 64 KiB at most. */
#define LEADIN_CHUNK_SECTORS 682
/* How long a drive may say "busy" before the writer gives up. */
#define BUSY_LIMIT_S 600.0
#define BUSY_POLL_MS 50

struct cdw {
    const char *image_path, *drive_address;
    struct dw_drive *src, *dev;
    const struct dw_disc *disc;
    const struct dw__cdwrite_opts *opts;
    const struct dw_callbacks *cb;
    struct dw_burn_result *result;
    struct dw_error_detail *err;
    struct dw__mmc_atip atip;
    uint8_t *packs, *cue, *buf;
    size_t pack_bytes, cue_bytes;
    int64_t total_sectors, done_sectors;
    int session;                 /* the session being written, 1.. */
    int32_t session_first_lba;   /* its first sector sent (pregap) */
    int32_t session_leadout_lba; /* its lead-out */
    /* Audio written shifted by the write offset: the image's samples come
     * from the raw stream at a byte distance from where they are sent. */
    int64_t shift_bytes;
    bool raw;                  /* RAW96R run (cdwrite.h) */
    int32_t run_first_lba;     /* first LBA the WRITEs of the run send */
    int32_t run_end_lba;       /* and the one after the last */
    size_t block_bytes;        /* 2352 (SAO) or 2448 (RAW96R) */
    int32_t chunk_sectors;     /* blocks a WRITE sends at most */
    struct dw__tao_plan *tao; /* track at once: the plan; NULL for SAO */
    int32_t needed_leadout_lba; /* where the write puts the lead-out */
};

static void logf_(const struct cdw *w, enum dw_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void logf_(const struct cdw *w, enum dw_log_level level, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    if (!w->cb || !w->cb->log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    w->cb->log(level, line, w->cb->user);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Send one command; while the drive says it is busy writing (2/04/01,
 * 2/04/07, 2/04/08) send it again after a short wait, as cdrdao and
 * libburn do.  On failure the error names `what`, the LBA (when lba is
 * not DW_LBA_NONE) and the sense. */
static int send(struct cdw *w, const char *what, int32_t lba, const uint8_t *cdb,
                size_t cdb_bytes, enum dw__mmc_dir dir, void *data, size_t bytes)
{
    struct dw__mmc_status st;
    double start = dw__now_seconds();
    int rc;

    for (;;) {
        rc = dw__mmc_exec(w->dev, cdb, cdb_bytes, dir, data, bytes, 0, &st);
        if (!rc)
            return 0;
        if (!st.have_sense || !dw__mmc_sense_busy(st.key, st.asc, st.ascq) ||
            dw__now_seconds() - start > BUSY_LIMIT_S)
            break;
        sleep_ms(BUSY_POLL_MS);
    }
    char at[48] = "";
    if (lba != DW_LBA_NONE)
        snprintf(at, sizeof at, " at LBA %d", lba);
    if (st.have_sense)
        return dw__set_error(w->err, rc == DW_EMEDIUM || rc == DW_ENOMEDIUM ? rc : DW_EWRITE,
                             "%s%s on '%s' failed: %s (sense %X/%02X/%02X)", what, at,
                             w->drive_address, dw__mmc_sense_text(st.key, st.asc, st.ascq),
                             st.key, st.asc, st.ascq);
    return dw__set_error(w->err, rc, "%s%s on '%s' failed: %s", what, at, w->drive_address,
                         dw_strerror(rc));
}

/* ---- check ---------------------------------------------------------------- */

/* The first track of session k, or NULL. */
static const struct dw_track *session_first_track(const struct dw_disc *d, int k)
{
    for (int i = 0; i < d->track_count; i++)
        if (d->tracks[i].session == k)
            return &d->tracks[i];
    return NULL;
}

static int check_layout(struct cdw *w)
{
    const struct dw_disc *d = w->disc;
    for (int k = 2; k <= d->session_count; k++) {
        /* A drive puts the next session after the lead-out (6750 sectors
         * after the first session, 2250 after later ones) and the next
         * lead-in (4500) (Orange Book; MMC-6 4.3.5): the image must have
         * its sessions there, or its LBAs cannot be written. */
        const struct dw_track *first = session_first_track(d, k);
        int32_t want = d->sessions[k - 2].leadout_lba + (k == 2 ? 6750 : 2250) + 4500;
        if (!first || dw__cdwrite_session_start(first) != want)
            return dw__set_error(w->err, DW_EUNSUPPORTED,
                                 "session %d of '%s' starts at LBA %d, not at LBA %d where a "
                                 "drive writes it after session %d: the image's layout "
                                 "cannot be burned as it is",
                                 k, w->image_path,
                                 first ? dw__cdwrite_session_start(first) : DW_LBA_NONE, want,
                                 k - 1);
    }
    for (int i = 0; i < d->track_count; i++) {
        const struct dw_track *t = &d->tracks[i];
        /* Counted with the track's pregap (track 1: from LBA -150), as
         * the disc carries it. */
        int32_t sectors = t->end_lba - (i == 0 ? -150 : dw_track_first_lba(t));
        if (session_first_track(d, t->session) == t)
            sectors = t->end_lba - dw__cdwrite_session_start(t);
        if (sectors < 1)
            return dw__set_error(w->err, DW_EINVAL, "track %02d of '%s' has no sectors",
                                 t->number, w->image_path);
        /* Shorter than Red Book allows: written as the image has it (a
         * copy must keep the layout; libburn would pad it), with a
         * warning, since some drives refuse such a cue sheet. */
        if (sectors < DW__CD_MIN_TRACK_SECTORS)
            logf_(w, DW_LOG_WARN,
                  "track %02d of '%s' is %d sectors long with its pregap, shorter than the "
                  "4 seconds (300 sectors) of Red Book: written as it is%s",
                  t->number, w->image_path, sectors,
                  w->raw ? "" : "; a drive may refuse the cue sheet");
        if (t->index_lba[0] != DW_LBA_NONE && i > 0 && t->index_lba[0] < t->index_lba[1] &&
            t->mode != d->tracks[i - 1].mode && t->index_lba[1] - t->index_lba[0] < 150 &&
            t->mode != DW_MODE_AUDIO)
            logf_(w, DW_LOG_WARN,
                  "track %02d changes the track mode with a pregap of %d sectors, shorter "
                  "than the 2 seconds a player expects",
                  t->number, t->index_lba[1] - t->index_lba[0]);
    }
    return 0;
}

static int check_medium(struct cdw *w)
{
    struct dw_medium_info mi;
    uint8_t cdb[DW_MMC_CDB_MAX], reply[28];
    int rc;

    if (!dw__drive_is_mmc(w->dev))
        return dw__set_error(w->err, DW_EINVAL,
                             "'%s' is not a CD writer: give a drive such as /dev/sr0",
                             w->drive_address);
    if ((rc = dw_drive_medium(w->dev, &mi)))
        return dw__set_error(w->err, rc, "%s", dw_drive_last_error(w->dev)->message);
    w->result->profile = mi.profile;
    snprintf(w->result->profile_name, sizeof w->result->profile_name, "%s",
             mi.profile_name);
    if (mi.profile != 0x09 && mi.profile != 0x0A)
        return dw__set_error(w->err, DW_EMEDIUM,
                             "the medium in '%s' is a %s, not a CD-R or CD-RW: insert a "
                             "blank CD-R",
                             w->drive_address, mi.profile_name[0] ? mi.profile_name : "none");
    if (mi.status != DW_STATUS_BLANK)
        return dw__set_error(w->err, DW_EMEDIUM,
                             "the %s in '%s' is not blank: insert a blank one%s",
                             mi.profile_name, w->drive_address,
                             mi.profile == 0x0A ? " or blank it (discwright blank)" : "");
    size_t n = dw__mmc_build_read_toc(cdb, 4, true, 0, sizeof reply);
    memset(reply, 0, sizeof reply);
    if ((rc = send(w, "READ ATIP", DW_LBA_NONE, cdb, n, DW_MMC_DIR_FROM_DEV, reply,
                   sizeof reply)))
        return rc;
    if (dw__mmc_parse_atip(reply, sizeof reply, &w->atip))
        return dw__set_error(w->err, DW_EMEDIUM,
                             "the CD-R in '%s' has no readable ATIP: try another blank",
                             w->drive_address);
    /* The lead-out must start by the ATIP's last possible lead-out start:
     * the program area with every pregap, run-out and padding the write
     * makes (the lead-in before LBA -150 and the lead-out after it are
     * what the ATIP leaves room for). */
    if (w->needed_leadout_lba > w->atip.last_leadout_lba)
        return dw__set_error(
            w->err, DW_ENOSPC,
            "'%s' needs %d sectors (%d:%02d) up to its lead-out%s; the %s in '%s' holds "
            "%d (%d:%02d): use a larger blank",
            w->image_path, w->needed_leadout_lba, (w->needed_leadout_lba + 150) / 4500,
            (w->needed_leadout_lba + 150) / 75 % 60,
            w->tao ? " written track at once (with the drive's pregaps, run-outs and "
                     "padding)"
                   : "",
            mi.profile_name, w->drive_address, w->atip.last_leadout_lba,
            (w->atip.last_leadout_lba + 150) / 4500, (w->atip.last_leadout_lba + 150) / 75 % 60);
    return 0;
}

/* Whether the drive offers write type RAW: GET CONFIGURATION feature
 * 002Eh (CD Mastering), byte 4 bit 3 Raw (MMC-6 5.3.12). */
static int check_raw(struct cdw *w)
{
    uint8_t cdb[DW_MMC_CDB_MAX], reply[64];
    const uint8_t *desc;
    size_t desc_bytes;
    struct dw__mmc_status st;
    size_t n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_ONE, 0x002E, sizeof reply);

    memset(reply, 0, sizeof reply);
    if (dw__mmc_exec(w->dev, cdb, n, DW_MMC_DIR_FROM_DEV, reply, sizeof reply, 0, &st) ||
        dw__mmc_find_feature(reply, sizeof reply, 0x002E, &desc, &desc_bytes) ||
        desc_bytes < 5 || !(desc[4] & 0x08))
        return dw__set_error(w->err, DW_EUNSUPPORTED,
                             "the drive '%s' does not offer raw writing (GET CONFIGURATION "
                             "feature 002Eh without its Raw bit): burn '%s' with "
                             "--write-mode sao (the sub-channel is then the drive's)",
                             w->drive_address, w->image_path);
    return 0;
}

/* Whether a raw run stays raw: one session only, and a drive that offers
 * raw writing; with opts->raw_or_sao (auto) either lack means SAO. */
static int choose_raw(struct cdw *w)
{
    int rc;
    if (w->raw && w->disc->session_count > 1) {
        if (!w->opts->raw_or_sao) {
            return dw__set_error(w->err, DW_EUNSUPPORTED,
                                 "'%s' has %d sessions; raw writing writes one: burn it "
                                 "with --write-mode sao",
                                 w->image_path, w->disc->session_count);
        }
        w->raw = false;
    }
    if (w->raw && (rc = check_raw(w))) {
        if (!w->opts->raw_or_sao)
            return rc;
        logf_(w, DW_LOG_WARN, "%s; writing session-at-once instead", w->err->message);
        memset(w->err, 0, sizeof *w->err);
        w->raw = false;
    }
    return 0;
}

/* ---- write ---------------------------------------------------------------- */

/* The write speed (SET CD SPEED, for --speed) and OPC before the first
 * write; a refusal of either is only a warning. */
static void calibrate(struct cdw *w)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t n;
    if (w->opts->speed_x > 0) {
        double kbps = ceil(w->opts->speed_x * 176.4);
        n = dw__mmc_build_set_cd_speed(cdb, (uint16_t)(kbps > 0xFFFE ? 0xFFFE : kbps));
        if (send(w, "SET CD SPEED", DW_LBA_NONE, cdb, n, DW_MMC_DIR_NONE, NULL, 0))
            logf_(w, DW_LOG_WARN, "%s (writing at the drive's speed)", w->err->message);
    }
    n = dw__mmc_build_send_opc(cdb);
    if (send(w, "SEND OPC INFORMATION", DW_LBA_NONE, cdb, n, DW_MMC_DIR_NONE, NULL, 0))
        logf_(w, DW_LOG_WARN, "%s (the drive calibrates itself when it starts)",
              w->err->message);
    memset(w->err, 0, sizeof *w->err);
}

/* Page 05h for the session (left open for the next one unless it is the
 * last), the speed and OPC before the first, the session's cue sheet.  A
 * raw run: page 05h write type RAW, data block type RAW96R, no cue sheet. */
static int send_parameters(struct cdw *w)
{
    struct dw__mmc_write_params p = {.write_type = w->raw ? DW_MMC_WT_RAW : DW_MMC_WT_SAO,
                                     .data_block_type = w->raw ? DW_MMC_DBT_RAW96R : 0,
                                     .test_write = w->opts->dummy,
                                     .bufe = true,
                                     .multi_session = w->session < w->disc->session_count,
                                     .audio_pause_sectors = 150};
    uint8_t list[DW_MMC_WRITE_PARAMS_BYTES], cdb[DW_MMC_CDB_MAX];
    int rc;

    free(w->cue);
    w->cue = NULL;
    if (w->raw)
        goto page;
    if ((rc = dw__cdwrite_cue_sheet(w->disc, w->session, w->packs && w->session == 1, &w->cue,
                                    &w->cue_bytes)))
        return dw__set_error(w->err, rc, "cannot make the cue sheet of session %d of '%s': %s",
                             w->session, w->image_path, dw_strerror(rc));
    for (int i = 0; i < w->disc->track_count; i++)
        if (w->disc->tracks[i].session == w->session &&
            (w->disc->tracks[i].mode == DW_MODE_MODE2 ||
             w->disc->tracks[i].mode == DW_MODE_MODE2_XA))
            p.session_format = 0x20; /* CD-ROM XA */
page:;
    size_t lb = dw__mmc_build_write_params(list, &p);
    size_t n = dw__mmc_build_mode_select10(cdb, (uint16_t)lb);
    if ((rc = send(w, w->raw ? "MODE SELECT (write parameters, RAW96R)"
                             : "MODE SELECT (write parameters, SAO)",
                   DW_LBA_NONE, cdb, n, DW_MMC_DIR_TO_DEV, list, lb))) {
        char why[sizeof w->err->message];
        snprintf(why, sizeof why, "%s", w->err->message); /* not formatted into itself */
        return rc == DW_EWRITE ? dw__set_error(w->err, DW_EUNSUPPORTED,
                                               "the drive '%s' refuses %s writing%s: %s%s",
                                               w->drive_address,
                                               w->raw ? "raw (RAW96R)" : "session-at-once",
                                               w->opts->dummy ? " as a test write" : "", why,
                                               w->raw ? "; burn with --write-mode sao" : "")
                               : rc;
    }
    if (w->session == 1)
        calibrate(w);
    if (w->raw)
        return 0;
    n = dw__mmc_build_send_cue_sheet(cdb, (uint32_t)w->cue_bytes);
    return send(w, "SEND CUE SHEET", DW_LBA_NONE, cdb, n, DW_MMC_DIR_TO_DEV, w->cue,
                w->cue_bytes);
}

/* The lead-in from the ATIP's lead-in start to LBA -151: the CD-TEXT packs
 * as R-W sub-channel, repeated. */
static int write_leadin(struct cdw *w)
{
    size_t packs = w->pack_bytes / 18, next = 0;
    uint8_t cdb[DW_MMC_CDB_MAX];
    int rc;

    for (int32_t lba = w->atip.leadin_lba; lba < -150;) {
        int32_t n = -150 - lba;
        if (n > LEADIN_CHUNK_SECTORS)
            n = LEADIN_CHUNK_SECTORS;
        for (int32_t i = 0; i < n; i++)
            next = dw__cdwrite_leadin_sub(w->packs, packs, next, w->buf + (size_t)i * 96);
        size_t c = dw__mmc_build_write10(cdb, lba, (uint16_t)n);
        if ((rc = send(w, "WRITE (lead-in CD-TEXT)", lba, cdb, c, DW_MMC_DIR_TO_DEV, w->buf,
                       (size_t)n * 96)))
            return rc;
        lba += n;
    }
    return 0;
}

/* Is the raw sector at lba audio?  (Lead-in side of LBA 0: the first
 * track's kind.) */
static bool audio_at(const struct dw_disc *d, int32_t lba)
{
    for (int i = d->track_count - 1; i >= 0; i--)
        if (lba >= dw_track_first_lba(&d->tracks[i]) || i == 0)
            return d->tracks[i].mode == DW_MODE_AUDIO;
    return false;
}

/* Raw sectors lba .. lba+n-1 as the image holds them; LBA -150..-1 (the
 * first pregap, which no image stores) as the image drive makes up a
 * pregap sector: silence, or an empty sector of the track's mode. */
static int read_image(struct cdw *w, int32_t lba, int32_t n, uint8_t *out,
                      struct dw_error_detail *err)
{
    static const uint8_t zero[DW_SECTOR_FORM2_BYTES];
    static const uint8_t sub_form2[4] = {0, 0, 0x20, 0};
    const struct dw_track *t1 = &w->disc->tracks[0];
    while (n > 0 && lba < 0) {
        if (t1->mode == DW_MODE_AUDIO)
            memset(out, 0, DW_SECTOR_RAW_BYTES);
        else if (t1->mode == DW_MODE_MODE1)
            dw_sector_encode_mode1(out, lba, zero);
        else
            dw_sector_encode_mode2(out, lba, 2, sub_form2, zero);
        lba++;
        n--;
        out += DW_SECTOR_RAW_BYTES;
    }
    if (n > 0 && dw_drive_read_raw(w->src, lba, n, out))
        return dw__set_error(err, DW_EREAD, "%s", dw_drive_last_error(w->src)->message);
    return 0;
}

/* The sectors to send for lba .. lba+n-1 into out: the image's, audio
 * shifted by the write offset (samples that would come from outside the
 * image's audio are silence).  span: CHUNK_SECTORS + 2 sectors of scratch.
 * Runs on the reader thread: touches only the image drive, out, span and
 * err. */
static int fill(struct cdw *w, int32_t lba, int32_t n, uint8_t *out, uint8_t *span,
                struct dw_error_detail *err)
{
    int rc = read_image(w, lba, n, out, err);
    if (rc || w->shift_bytes == 0)
        return rc;
    /* Shift: sector s gets the stream from s*2352 + shift_bytes.  The
     * sectors around the chunk come from a second buffer. */
    int64_t sh = w->shift_bytes;
    int32_t lo = lba + (int32_t)(sh < 0 ? -((-sh + DW_SECTOR_RAW_BYTES - 1) /
                                            DW_SECTOR_RAW_BYTES)
                                        : 0);
    int32_t hi = lba + n + (int32_t)(sh > 0 ? (sh + DW_SECTOR_RAW_BYTES - 1) /
                                                  DW_SECTOR_RAW_BYTES
                                            : 0);
    int32_t first_ok = lo < w->session_first_lba ? w->session_first_lba : lo;
    int32_t last_ok = hi > w->session_leadout_lba ? w->session_leadout_lba : hi;
    memset(span, 0, (size_t)(hi - lo) * DW_SECTOR_RAW_BYTES);
    if (last_ok > first_ok &&
        (rc = read_image(w, first_ok, last_ok - first_ok,
                         span + (size_t)(first_ok - lo) * DW_SECTOR_RAW_BYTES, err)))
        return rc;
    for (int32_t s = lo; s < hi; s++) /* data sectors give no samples */
        if (!audio_at(w->disc, s) || s < first_ok || s >= last_ok)
            memset(span + (size_t)(s - lo) * DW_SECTOR_RAW_BYTES, 0, DW_SECTOR_RAW_BYTES);
    for (int32_t i = 0; i < n; i++) {
        if (!audio_at(w->disc, lba + i))
            continue;
        int64_t from = (int64_t)(lba + i - lo) * DW_SECTOR_RAW_BYTES + sh;
        memcpy(out + (size_t)i * DW_SECTOR_RAW_BYTES, span + from, DW_SECTOR_RAW_BYTES);
    }
    return 0;
}

/* ---- raw (RAW96R) blocks -------------------------------------------------- */

/* CONTROL of a track as Q and the TOC carry it: its flags, and the data
 * bit for data tracks. */
static unsigned q_control(const struct dw_track *t)
{
    return (t->control & 0x0F) | (t->mode != DW_MODE_AUDIO ? DW_CTL_DATA : 0);
}

static void put_bcd_msf(uint8_t p[3], int32_t frames)
{
    p[0] = dw_bcd_encode((unsigned)(frames / 4500 % 100));
    p[1] = dw_bcd_encode((unsigned)(frames / 75 % 60));
    p[2] = dw_bcd_encode((unsigned)(frames % 75));
}

void dw__cdwrite_leadin_q(const struct dw_disc *d, int32_t atip_leadin_lba, int32_t lba,
                          uint8_t q[12])
{
    const struct dw_track *first = &d->tracks[0], *last = &d->tracks[d->track_count - 1];
    const struct dw_track *t;
    int32_t rel = lba - atip_leadin_lba;
    int points = 3 + d->track_count, k = (int)((rel / 3) % points);
    uint8_t point;

    memset(q, 0, 12);
    if (k == 0) { /* A0h: first track, disc type */
        t = first;
        point = 0xA0;
        q[7] = dw_bcd_encode((unsigned)first->number);
        for (int i = 0; i < d->track_count; i++)
            if (d->tracks[i].mode == DW_MODE_MODE2 || d->tracks[i].mode == DW_MODE_MODE2_XA)
                q[8] = 0x20; /* CD-ROM XA */
    } else if (k == 1) { /* A1h: last track */
        t = last;
        point = 0xA1;
        q[7] = dw_bcd_encode((unsigned)last->number);
    } else if (k == 2) { /* A2h: the lead-out */
        t = last;
        point = 0xA2;
        put_bcd_msf(q + 7, d->leadout_lba + 150);
    } else {
        t = &d->tracks[k - 3];
        point = dw_bcd_encode((unsigned)t->number);
        put_bcd_msf(q + 7, t->index_lba[1] + 150);
    }
    q[0] = (uint8_t)(q_control(t) << 4 | 1);
    q[2] = point;
    put_bcd_msf(q + 3, rel);
    uint16_t crc = dw_q_crc(q);
    q[10] = (uint8_t)(crc >> 8);
    q[11] = (uint8_t)crc;
}

/* The main channel of a lead-in or lead-out block: silence after audio, an
 * empty sector of the track's mode after data, its header address in the
 * lead-in 90:00:00 and up (LBA + 450150). */
static void gen_main(const struct dw_disc *d, int32_t lba, uint8_t out[DW_SECTOR_RAW_BYTES])
{
    static const uint8_t zero[DW_SECTOR_FORM2_BYTES];
    static const uint8_t sub_form2[4] = {0, 0, 0x20, 0};
    const struct dw_track *t = lba < 0 ? &d->tracks[0] : &d->tracks[d->track_count - 1];
    int32_t header_lba = lba < -150 ? lba + 450000 : lba;
    if (t->mode == DW_MODE_AUDIO)
        memset(out, 0, DW_SECTOR_RAW_BYTES);
    else if (t->mode == DW_MODE_MODE1)
        dw_sector_encode_mode1(out, header_lba, zero);
    else
        dw_sector_encode_mode2(out, header_lba, 2, sub_form2, zero);
}

/* RAW96R blocks lba .. lba+n-1 into out (n * 2448 bytes): the main channel
 * as fill() makes it for the program area (the write offset applied) and
 * gen_main outside it; P-W from the image (stored, or synthesized by its
 * drive), the lead-in's TOC Q with CD-TEXT packs in R-W, dw_disc_synth_pw
 * for LBA -150..-1 and the lead-out; data sectors scrambled.  span as for
 * fill; subs: RAW_CHUNK_SECTORS * 2448 bytes of scratch.  Runs on the
 * reader thread; *pack_next is its CD-TEXT position. */
static int fill_raw(struct cdw *w, int32_t lba, int32_t n, uint8_t *out, uint8_t *span,
                    uint8_t *subs, size_t *pack_next, struct dw_error_detail *err)
{
    const struct dw_disc *d = w->disc;
    int32_t p_lo = lba < -150 ? -150 : lba;
    int32_t p_hi = lba + n > d->leadout_lba ? d->leadout_lba : lba + n;
    int32_t s_lo = p_lo < 0 ? 0 : p_lo;
    int rc;

    for (int32_t i = 0; i < n; i++)
        if (lba + i < p_lo || lba + i >= p_hi)
            gen_main(d, lba + i, out + (size_t)i * DW_SECTOR_RAW_BYTES);
    if (p_hi > p_lo &&
        (rc = fill(w, p_lo, p_hi - p_lo, out + (size_t)(p_lo - lba) * DW_SECTOR_RAW_BYTES, span,
                   err)))
        return rc;
    for (int32_t i = n - 1; i >= 0; i--)
        memmove(out + (size_t)i * RAW_BLOCK_BYTES, out + (size_t)i * DW_SECTOR_RAW_BYTES,
                DW_SECTOR_RAW_BYTES);
    if (p_hi > s_lo && dw_drive_read_raw_sub(w->src, s_lo, p_hi - s_lo, subs))
        return dw__set_error(err, DW_EREAD, "%s", dw_drive_last_error(w->src)->message);
    for (int32_t i = 0; i < n; i++) {
        int32_t l = lba + i;
        uint8_t *block = out + (size_t)i * RAW_BLOCK_BYTES, *pw = block + DW_SECTOR_RAW_BYTES;
        if (l < -150) {
            uint8_t q[12], rw[DW_SUBCHANNEL_BYTES];
            dw__cdwrite_leadin_q(d, w->atip.leadin_lba, l, q);
            memset(rw, 0, sizeof rw);
            if (w->packs)
                *pack_next = dw__cdwrite_leadin_sub(w->packs, w->pack_bytes / 18, *pack_next, rw);
            for (int k = 0; k < DW_SUBCHANNEL_BYTES; k++)
                pw[k] = (uint8_t)(((q[k / 8] >> (7 - k % 8)) & 1) << 6 | (rw[k] & 0x3F));
        } else if (l >= s_lo && l < p_hi) {
            memcpy(pw, subs + (size_t)(l - s_lo) * RAW_BLOCK_BYTES + DW_SECTOR_RAW_BYTES,
                   DW_SUBCHANNEL_BYTES);
        } else if (dw_disc_synth_pw(d, l, pw)) {
            memset(pw, 0, DW_SUBCHANNEL_BYTES);
        }
        /* A raw writer sends data sectors scrambled (ECMA-130 Annex B; the
         * drive writes the block as it comes, as cdrecord's clone mode
         * expects); audio as it is. */
        if (!audio_at(d, l) && dw_sector_has_sync(block))
            dw_scramble(block);
    }
    return 0;
}

static int progress(struct cdw *w)
{
    struct dw_progress p = {.phase = "burn",
                            .done_sectors = w->done_sectors,
                            .total_sectors = w->total_sectors,
                            .sector_bytes = (int)w->block_bytes,
                            .buffer_fill_percent = -1};
    if (!w->cb || !w->cb->progress)
        return 0;
    if (w->cb->progress(&p, w->cb->user))
        return dw__set_error(w->err, DW_EABORTED,
                             "burn to '%s' stopped at sector %lld of %lld: the CD-R is now "
                             "likely unusable (a CD-RW can be blanked and written again)",
                             w->drive_address, (long long)w->done_sectors,
                             (long long)w->total_sectors);
    return 0;
}

/* The program area is read by a thread of its own into a ring of chunks
 * while the main thread sends them, so that reading (and later decoding)
 * the image overlaps the drive's writes, as cdrdao's reader process and
 * libburn's FIFO do.  Bounded: RING_CHUNKS chunks of 27 sectors (1 MiB). */
#define RING_CHUNKS 16
#define CHUNK_BYTES ((size_t)CHUNK_SECTORS * RAW_BLOCK_BYTES) /* room for either */
#define SPAN_BYTES ((size_t)(CHUNK_SECTORS + 2) * DW_SECTOR_RAW_BYTES)

struct ring {
    struct cdw *w;
    uint8_t *mem; /* RING_CHUNKS chunks, then the reader's span and sub scratch */
    int32_t lba[RING_CHUNKS], n[RING_CHUNKS];
    int head, count; /* the oldest filled chunk, filled chunks */
    bool stop, done;
    bool reader_waits, sender_waits; /* asleep on cv: only then signalled */
    int rc; /* the reader's failure */
    struct dw_error_detail err;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static void *ring_reader(void *arg)
{
    struct ring *r = arg;
    struct cdw *w = r->w;
    uint8_t *span = r->mem + RING_CHUNKS * CHUNK_BYTES, *subs = span + SPAN_BYTES;
    size_t pack_next = 0;
    int tail = 0, rc = 0;

    for (int32_t lba = w->run_first_lba; lba < w->run_end_lba;) {
        int32_t n = w->run_end_lba - lba;
        if (n > w->chunk_sectors)
            n = w->chunk_sectors;
        pthread_mutex_lock(&r->mu);
        while (r->count == RING_CHUNKS && !r->stop) {
            r->reader_waits = true;
            pthread_cond_wait(&r->cv, &r->mu);
        }
        r->reader_waits = false;
        bool stop = r->stop;
        pthread_mutex_unlock(&r->mu);
        if (stop)
            break;
        rc = w->raw ? fill_raw(w, lba, n, r->mem + (size_t)tail * CHUNK_BYTES, span, subs,
                               &pack_next, &r->err)
                    : fill(w, lba, n, r->mem + (size_t)tail * CHUNK_BYTES, span, &r->err);
        pthread_mutex_lock(&r->mu);
        if (rc) {
            r->rc = rc;
        } else {
            r->lba[tail] = lba;
            r->n[tail] = n;
            r->count++;
        }
        if (rc || r->sender_waits)
            pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
        if (rc)
            break;
        tail = (tail + 1) % RING_CHUNKS;
        lba += n;
    }
    pthread_mutex_lock(&r->mu);
    r->done = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Send the chunks the reader filled, in order, until the session's
 * lead-out; 0 or the first error (the drive's, the reader's, a stop). */
static int ring_send(struct cdw *w, struct ring *r)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    int rc = 0;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (r->count == 0 && !r->done) {
            r->sender_waits = true;
            pthread_cond_wait(&r->cv, &r->mu);
        }
        r->sender_waits = false;
        bool empty = r->count == 0;
        int slot = r->head;
        pthread_mutex_unlock(&r->mu);
        if (empty)
            break; /* all sent, or the reader failed */
        int32_t lba = r->lba[slot], n = r->n[slot];
        size_t c = dw__mmc_build_write10(cdb, lba, (uint16_t)n);
        if ((rc = send(w, "WRITE", lba, cdb, c, DW_MMC_DIR_TO_DEV,
                       r->mem + (size_t)slot * CHUNK_BYTES, (size_t)n * w->block_bytes)))
            break;
        pthread_mutex_lock(&r->mu);
        r->head = (r->head + 1) % RING_CHUNKS;
        r->count--;
        /* The reader, asleep on a full ring, is woken once half of it is
         * free: one wake-up per RING_CHUNKS / 2 chunks, not per chunk. */
        if (r->reader_waits && r->count <= RING_CHUNKS / 2)
            pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
        w->done_sectors += n;
        w->result->written_bytes += (int64_t)n * (int64_t)w->block_bytes;
        if ((rc = progress(w)))
            break;
    }
    return rc;
}

static int write_program(struct cdw *w)
{
    struct ring r = {.w = w};
    pthread_t reader;
    int rc;

    r.mem = malloc(RING_CHUNKS * CHUNK_BYTES + SPAN_BYTES +
                   (size_t)RAW_CHUNK_SECTORS * RAW_BLOCK_BYTES);
    if (!r.mem)
        return dw__set_error(w->err, DW_ENOMEM, "out of memory");
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    if (pthread_create(&reader, NULL, ring_reader, &r)) {
        rc = dw__set_error(w->err, DW_ENOMEM, "cannot start the image reader thread");
        goto out;
    }
    rc = ring_send(w, &r);
    pthread_mutex_lock(&r.mu);
    r.stop = true;
    pthread_cond_broadcast(&r.cv);
    pthread_mutex_unlock(&r.mu);
    pthread_join(reader, NULL);
    if (!rc && r.rc)
        rc = dw__set_error(w->err, r.rc, "%s", r.err.message);
out:
    pthread_cond_destroy(&r.cv);
    pthread_mutex_destroy(&r.mu);
    free(r.mem);
    if (rc)
        return rc;
    uint8_t sync[DW_MMC_CDB_MAX];
    size_t c = dw__mmc_build_sync_cache(sync, false);
    return send(w, "SYNCHRONIZE CACHE", DW_LBA_NONE, sync, c, DW_MMC_DIR_NONE, NULL, 0);
}

/* ---- track at once -------------------------------------------------------- */

/* The next writable address of the invisible track (READ TRACK
 * INFORMATION 52h, address type 01b track FFh; NWA in bytes 12-15, valid
 * with byte 7 bit 0: MMC-6 6.27). */
static int next_writable(struct cdw *w, int32_t *nwa)
{
    uint8_t cdb[DW_MMC_CDB_MAX] = {0x52, 0x01, 0, 0, 0, 0xFF, 0, 0, 28, 0}, r[28];
    int rc;
    memset(r, 0, sizeof r);
    if ((rc = send(w, "READ TRACK INFORMATION", DW_LBA_NONE, cdb, 10, DW_MMC_DIR_FROM_DEV, r,
                   sizeof r)))
        return rc;
    if (!(r[7] & 0x01))
        return dw__set_error(w->err, DW_EMEDIUM,
                             "the CD-R in '%s' has no next writable address: it takes no "
                             "more tracks",
                             w->drive_address);
    *nwa = (int32_t)((uint32_t)r[12] << 24 | (uint32_t)r[13] << 16 | (uint32_t)r[14] << 8 |
                     r[15]);
    return 0;
}

/* TAO data block types (MMC-6 7.5.4.2 table "Data Block Type Codes") and
 * the bytes the host sends a sector for each track mode: audio 0 (2352),
 * Mode 1 8 (2048 bytes of user data), Mode 2 XA 13 (the 8-byte subheader
 * and 2324 bytes, Form 1 and Form 2 mixed); the drive makes sync, header,
 * EDC and ECC. */
static unsigned tao_block_type(const struct dw_track *t)
{
    return t->mode == DW_MODE_AUDIO ? 0 : t->mode == DW_MODE_MODE1 ? 8 : 13;
}

static size_t tao_block_bytes(const struct dw_track *t)
{
    return t->mode == DW_MODE_AUDIO   ? DW_SECTOR_RAW_BYTES
           : t->mode == DW_MODE_MODE1 ? DW_SECTOR_USER_BYTES
                                      : 8 + DW_SECTOR_FORM2_BYTES;
}

/* Page 05h for one TAO track: write type 1, the track's CONTROL, its data
 * block type, session format CD-ROM XA (20h) when the disc has Mode 2
 * tracks, the MCN (MCVAL, bytes 16-29) and the track's ISRC (TCVAL, bytes
 * 32-44) as MMC-6 7.5.4.2 places them. */
static int tao_parameters(struct cdw *w, const struct dw_track *t)
{
    struct dw__mmc_write_params p = {.write_type = DW_MMC_WT_TAO,
                                     .test_write = w->opts->dummy,
                                     .bufe = true,
                                     .track_mode = t->control & 0x0F,
                                     .data_block_type = tao_block_type(t),
                                     .audio_pause_sectors = 150};
    for (int i = 0; i < w->disc->track_count; i++)
        if (w->disc->tracks[i].mode == DW_MODE_MODE2_XA)
            p.session_format = 0x20;
    uint8_t list[DW_MMC_WRITE_PARAMS_BYTES], cdb[DW_MMC_CDB_MAX];
    size_t lb = dw__mmc_build_write_params(list, &p);
    uint8_t *page = list + 8;
    if (w->disc->mcn[0]) {
        page[16] = 0x80;
        memcpy(page + 17, w->disc->mcn, 13);
    }
    if (t->isrc[0]) {
        page[32] = 0x80;
        memcpy(page + 33, t->isrc, 12);
    }
    size_t n = dw__mmc_build_mode_select10(cdb, (uint16_t)lb);
    int rc = send(w, "MODE SELECT (write parameters, TAO)", DW_LBA_NONE, cdb, n,
                  DW_MMC_DIR_TO_DEV, list, lb);
    if (rc == DW_EWRITE) {
        char why[sizeof w->err->message];
        snprintf(why, sizeof why, "%s", w->err->message); /* not formatted into itself */
        return dw__set_error(w->err, DW_EUNSUPPORTED,
                             "the drive '%s' refuses track-at-once writing of track %02d%s: "
                             "%s",
                             w->drive_address, t->number,
                             w->opts->dummy ? " as a test write" : "", why);
    }
    return rc;
}

/* Audio pregaps TAO keeps in place are the drive's silence: say so when
 * the image has sound there (it is not written). */
static void tao_check_pregaps(struct cdw *w)
{
    const struct dw_disc *d = w->disc;
    for (int i = 1; i < d->track_count; i++) {
        const struct dw_track *t = &d->tracks[i];
        if (t->mode != DW_MODE_AUDIO || t->index_lba[0] == DW_LBA_NONE ||
            w->tao->tracks[i].start_lba != t->index_lba[1])
            continue;
        for (int32_t lba = t->index_lba[0]; lba < t->index_lba[1]; lba++) {
            bool sound = false;
            if (read_image(w, lba, 1, w->buf, w->err))
                return;
            for (size_t k = 0; k < DW_SECTOR_RAW_BYTES && !sound; k++)
                sound = w->buf[k] != 0;
            if (sound) {
                logf_(w, DW_LOG_WARN,
                      "track %02d: its pregap holds audio (from LBA %d); a TAO drive "
                      "writes silence there",
                      t->number, lba);
                w->result->layout_changed = true;
                break;
            }
        }
    }
}

/* Write every track at once: page 05h, the NWA, WRITEs of its user data
 * (audio shifted by the write offset) and padding, SYNCHRONIZE CACHE
 * (which ends a TAO track); then CLOSE SESSION (the disc is closed). */
static int write_tao(struct cdw *w)
{
    const struct dw_disc *d = w->disc;
    uint8_t cdb[DW_MMC_CDB_MAX];
    uint8_t *out = malloc(CHUNK_BYTES), *span = malloc((size_t)(CHUNK_SECTORS + 2) *
                                                        DW_SECTOR_RAW_BYTES);
    int rc = 0;

    if (!out || !span) {
        rc = dw__set_error(w->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    w->session_first_lba = -150;
    w->session_leadout_lba = d->leadout_lba;
    calibrate(w);
    for (int i = 0; i < d->track_count && !rc; i++) {
        const struct dw_track *t = &d->tracks[i];
        const struct dw__tao_track *pt = &w->tao->tracks[i];
        bool audio = t->mode == DW_MODE_AUDIO;
        size_t bs = tao_block_bytes(t);
        size_t from = 16; /* data: after the 12-byte sync and the 4-byte header */
        int32_t nwa = pt->start_lba, total = pt->sectors + pt->pad_sectors;
        if ((rc = tao_parameters(w, t)))
            break;
        if (!w->opts->dummy && (rc = next_writable(w, &nwa)))
            break;
        if (nwa != pt->start_lba) {
            logf_(w, DW_LOG_WARN,
                  "the drive puts track %02d at LBA %d, not at LBA %d as planned", t->number,
                  nwa, pt->start_lba);
            w->result->layout_changed = true;
        }
        for (int32_t k = 0; k < total && !rc; ) {
            int32_t n = total - k < CHUNK_SECTORS ? total - k : CHUNK_SECTORS;
            int32_t m = pt->sectors - k < n ? pt->sectors - k : n; /* from the image */
            if (m < 0)
                m = 0;
            memset(out, 0, (size_t)n * DW_SECTOR_RAW_BYTES);
            if (m > 0 && audio)
                rc = fill(w, t->index_lba[1] + k, m, out, span, w->err);
            else if (m > 0) {
                /* Data: what follows sync and header in each raw sector (Mode 1
                 * user data; Mode 2 XA subheader and data), in place. */
                if (!(rc = read_image(w, t->index_lba[1] + k, m, out, w->err)))
                    for (int32_t j = 0; j < m; j++)
                        memmove(out + (size_t)j * bs, out + (size_t)j * DW_SECTOR_RAW_BYTES + from,
                                bs);
                if (!rc)
                    memset(out + (size_t)m * bs, 0, (size_t)(n - m) * bs);
                /* Padding of a Mode 2 track: Form 2 sectors of zeros. */
                for (int32_t j = m; !rc && j < n && t->mode == DW_MODE_MODE2_XA; j++)
                    out[(size_t)j * bs + 2] = out[(size_t)j * bs + 6] = 0x20;
            }
            if (rc)
                break;
            size_t c = dw__mmc_build_write10(cdb, nwa + k, (uint16_t)n);
            if ((rc = send(w, "WRITE", nwa + k, cdb, c, DW_MMC_DIR_TO_DEV, out,
                           (size_t)n * bs)))
                break;
            k += n;
            w->done_sectors += n;
            w->result->written_bytes += (int64_t)n * (int64_t)bs;
            rc = progress(w);
        }
        if (rc)
            break;
        size_t c = dw__mmc_build_sync_cache(cdb, false);
        rc = send(w, "SYNCHRONIZE CACHE (end of track)", DW_LBA_NONE, cdb, c, DW_MMC_DIR_NONE,
                  NULL, 0);
    }
    if (!rc) {
        size_t c = dw__mmc_build_close(cdb, 2, 0);
        rc = send(w, "CLOSE SESSION", DW_LBA_NONE, cdb, c, DW_MMC_DIR_NONE, NULL, 0);
    }
out:
    free(out);
    free(span);
    return rc;
}

static void log_plan(const struct cdw *w)
{
    const struct dw_disc *d = w->disc;
    static const char *const mode_name[] = {"audio", "Mode 1", "Mode 2", "Mode 2 XA"};
    if (w->tao)
        logf_(w, DW_LOG_INFO,
              "plan: write type TAO (audio 2352-byte, Mode 1 2048-byte sectors, our MMC "
              "writer), %d track%s, lead-out at LBA %d of %d, %s",
              d->track_count, d->track_count == 1 ? "" : "s", w->needed_leadout_lba,
              w->atip.last_leadout_lba, w->opts->dummy ? "test write (dummy)" : "real write");
    else
    logf_(w, DW_LOG_INFO,
          "plan: write type %s, our MMC writer), %d track%s, "
          "lead-out at LBA %d of %d, %s%s",
          w->raw ? "RAW96R (2448-byte blocks with P-W from the ATIP lead-in start to the end "
                   "of the lead-out"
                 : "SAO (raw 2352-byte sectors",
          d->track_count, d->track_count == 1 ? "" : "s", d->leadout_lba,
          w->atip.last_leadout_lba, w->opts->dummy ? "test write (dummy)" : "real write",
          w->packs ? ", CD-TEXT in the lead-in" : "");
    for (int i = 0; i < d->track_count; i++) {
        const struct dw_track *t = &d->tracks[i];
        logf_(w, DW_LOG_INFO, "plan: track %02d %s LBA %d-%d%s%s", t->number,
              mode_name[t->mode], t->index_lba[1], t->end_lba - 1, t->isrc[0] ? " ISRC " : "",
              t->isrc);
    }
    const char *source = w->opts->write_offset_source ? w->opts->write_offset_source
                                                        : "option";
    logf_(w, DW_LOG_INFO, "plan: write offset %d samples from %s%s%s",
          w->opts->write_offset_samples,
          !strcmp(source, "option")    ? "the option --write-offset"
          : !strcmp(source, "profile") ? "the drive profile "
                                       : "nowhere (none given, none in a drive profile)",
          !strcmp(source, "profile") && w->opts->write_offset_profile
              ? w->opts->write_offset_profile
              : "",
          w->opts->write_offset_samples ? ": audio sent shifted so the disc matches the image"
                                        : "");
}

/* With a negative write offset the image's last samples would have to be
 * sent after the lead-out starts, where the drive writes its own: say so
 * when they are not silence (the disc then differs there). */
static void check_lost_samples(struct cdw *w)
{
    int32_t last = w->session_leadout_lba - 1;
    if (w->shift_bytes >= 0 || !audio_at(w->disc, last) ||
        read_image(w, last, 1, w->buf, w->err))
        return;
    size_t lost = (size_t)-w->shift_bytes;
    for (size_t i = DW_SECTOR_RAW_BYTES - lost; i < DW_SECTOR_RAW_BYTES; i++)
        if (w->buf[i]) {
            logf_(w, DW_LOG_WARN,
                  "the last %zu samples of '%s' are not silence but fall into the lead-out "
                  "with write offset %d: the disc has silence there",
                  lost / 4, w->image_path, w->opts->write_offset_samples);
            return;
        }
}

static int prepare(struct cdw *w)
{
    int rc;
    if ((rc = dw_drive_open(w->image_path, 0, &w->src, w->err)))
        return rc;
    if (!(w->disc = dw_drive_disc(w->src)))
        return dw__set_error(w->err,
                             dw_drive_last_error(w->src)->code ? dw_drive_last_error(w->src)->code
                                                               : DW_EPARSE,
                             "%s", dw_drive_last_error(w->src)->message);
    if (w->disc->track_count == 0)
        return dw__set_error(w->err, DW_EINVAL, "'%s' has no tracks to burn", w->image_path);
    w->needed_leadout_lba = w->disc->leadout_lba;
    if (w->opts->tao) {
        char msg[512];
        if (!(w->tao = malloc(sizeof *w->tao)))
            return dw__set_error(w->err, DW_ENOMEM, "out of memory");
        if ((rc = dw__cdwrite_tao_plan(w->disc, w->image_path, w->tao, msg, sizeof msg)))
            return dw__set_error(w->err, rc, "%s", msg);
        w->needed_leadout_lba = w->tao->leadout_lba;
        w->result->layout_changed = !w->tao->layout_kept;
        /* What TAO cannot keep, a warning a line, before anything is written. */
        for (const char *line = w->tao->warnings; *line;) {
            size_t n = strcspn(line, "\n");
            logf_(w, DW_LOG_WARN, "%.*s", (int)n, line);
            line += n + (line[n] == '\n');
        }
    } else if ((rc = check_layout(w))) {
        return rc;
    }
    if (w->disc->has_cdtext && (rc = dw_cdtext_encode(w->disc, &w->packs, &w->pack_bytes)))
        return dw__set_error(w->err, rc, "cannot encode the CD-TEXT of '%s': %s",
                             w->image_path, dw_strerror(rc));
    w->buf = malloc((size_t)LEADIN_CHUNK_SECTORS * 96 > DW_SECTOR_RAW_BYTES
                        ? (size_t)LEADIN_CHUNK_SECTORS * 96
                        : DW_SECTOR_RAW_BYTES);
    if (!w->buf)
        return dw__set_error(w->err, DW_ENOMEM, "out of memory");
    if ((rc = dw_drive_open(w->drive_address, 0, &w->dev, w->err)))
        return rc;
    return check_medium(w);
}

int dw__cdwrite_disc(const char *image_path, const char *drive_address,
                     const struct dw__cdwrite_opts *opts, const struct dw_callbacks *cb,
                     struct dw_burn_result *result, struct dw_error_detail *err)
{
    struct dw_error_detail local_err;
    struct dw_burn_result local_result;
    struct dw__cdwrite_opts no_opts = {0};
    struct cdw w = {.image_path = image_path, .drive_address = drive_address,
                    .opts = opts ? opts : &no_opts, .cb = cb,
                    .result = result ? result : &local_result,
                    .err = err ? err : &local_err};
    bool locked = false;
    int rc;

    memset(w.err, 0, sizeof *w.err);
    if (!image_path || !drive_address)
        return dw__set_error(w.err, DW_EINVAL, "no image or no drive given to burn");
    w.shift_bytes = (int64_t)w.opts->write_offset_samples * 4;
    if (w.shift_bytes > 2 * DW_SECTOR_RAW_BYTES || w.shift_bytes < -2 * DW_SECTOR_RAW_BYTES)
        return dw__set_error(w.err, DW_EINVAL,
                             "write offset %d samples is beyond the +-1176 samples the "
                             "writer shifts: check --write-offset",
                             w.opts->write_offset_samples);
    w.raw = w.opts->raw || w.opts->raw_or_sao;
    w.result->write_offset_samples = w.opts->write_offset_samples;
    w.result->dummy = w.opts->dummy;
    if ((rc = prepare(&w)))
        goto out;
    if ((rc = choose_raw(&w)))
        goto out;
    snprintf(w.result->write_type, sizeof w.result->write_type, "%s",
             w.raw ? "RAW96R" : w.opts->tao ? "TAO" : "SAO");
    w.block_bytes = w.raw ? RAW_BLOCK_BYTES : DW_SECTOR_RAW_BYTES;
    w.chunk_sectors = w.raw ? RAW_CHUNK_SECTORS : CHUNK_SECTORS;
    {
        struct dw_drive_info info;
        if (dw_drive_info(w.dev, &info) == 0) {
            snprintf(w.result->vendor, sizeof w.result->vendor, "%s", info.vendor);
            snprintf(w.result->model, sizeof w.result->model, "%s", info.model);
            snprintf(w.result->firmware, sizeof w.result->firmware, "%s", info.firmware);
        }
    }
    snprintf(w.result->writer, sizeof w.result->writer, "discwright");
    w.result->sessions = w.disc->session_count;
    w.result->tracks = w.disc->track_count;
    for (int k = 1; !w.tao && k <= w.disc->session_count; k++)
        w.total_sectors += w.disc->sessions[k - 1].leadout_lba -
                           dw__cdwrite_session_start(session_first_track(w.disc, k));
    w.result->image_bytes = w.total_sectors * DW_SECTOR_RAW_BYTES;
    if (w.raw) /* the lead-in before, the lead-out after */
        w.total_sectors += -150 - w.atip.leadin_lba + DW__RAW_LEADOUT_SECTORS;
    for (int i = 0; w.tao && i < w.disc->track_count; i++) {
        const struct dw__tao_track *pt = &w.tao->tracks[i];
        w.total_sectors += pt->sectors + pt->pad_sectors;
        w.result->image_bytes +=
            (int64_t)pt->sectors * (int64_t)tao_block_bytes(&w.disc->tracks[i]);
    }
    log_plan(&w);
    /* The tray stays shut while the drive writes (PREVENT ALLOW MEDIUM
     * REMOVAL 1, as libburn and cdrdao lock it); undone below on every
     * way out. */
    if (dw_drive_lock(w.dev, true) == 0)
        locked = true;
    else
        logf_(&w, DW_LOG_WARN, "cannot lock the tray of '%s': %s (writing anyway)",
              drive_address, dw_drive_last_error(w.dev)->message);
    if (w.tao) {
        tao_check_pregaps(&w);
        memset(w.err, 0, sizeof *w.err);
        rc = write_tao(&w);
        goto out;
    }
    for (w.session = 1; w.session <= w.disc->session_count; w.session++) {
        if (w.opts->dummy && w.session > 1) {
            /* A test write leaves the disc blank: a drive takes the next
             * session's cue sheet only after the previous one is on it. */
            logf_(&w, DW_LOG_WARN,
                  "the test write covers session 1 only: sessions 2-%d of '%s' need session 1 "
                  "on the disc",
                  w.disc->session_count, w.image_path);
            break;
        }
        w.session_first_lba = dw__cdwrite_session_start(session_first_track(w.disc, w.session));
        w.session_leadout_lba = w.disc->sessions[w.session - 1].leadout_lba;
        w.run_first_lba = w.raw ? w.atip.leadin_lba : w.session_first_lba;
        w.run_end_lba = w.session_leadout_lba + (w.raw ? DW__RAW_LEADOUT_SECTORS : 0);
        check_lost_samples(&w);
        if ((rc = send_parameters(&w)))
            goto out;
        if (!w.raw && w.session == 1 && w.packs && (rc = write_leadin(&w)))
            goto out;
        if ((rc = write_program(&w)))
            goto out;
    }
out:
    if (rc && w.done_sectors > 0) {
        /* Stopped mid-write (Ctrl-C, a refused WRITE, the image): what the
         * drive holds in its buffer goes to the disc and the drive ends
         * the run, so it is left idle, not writing (MMC-6 6.41). */
        uint8_t sync[DW_MMC_CDB_MAX];
        struct dw_error_detail kept = *w.err, e2;
        w.err = &e2;
        size_t c = dw__mmc_build_sync_cache(sync, false);
        if (send(&w, "SYNCHRONIZE CACHE", DW_LBA_NONE, sync, c, DW_MMC_DIR_NONE, NULL, 0))
            logf_(&w, DW_LOG_WARN, "after the stop: %s", e2.message);
        w.err = err ? err : &local_err;
        *w.err = kept;
    }
    if (locked && dw_drive_lock(w.dev, false))
        logf_(&w, DW_LOG_WARN, "cannot unlock the tray of '%s': %s", drive_address,
              dw_drive_last_error(w.dev)->message);
    free(w.buf);
    free(w.cue);
    free(w.packs);
    free(w.tao);
    dw_drive_free(w.dev);
    dw_drive_free(w.src);
    return rc;
}
