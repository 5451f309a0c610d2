/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rip: plan, read, check, write.
 *
 * Sectors stream from the drive through the checks into the writer in
 * bounded buffers (one transfer at a time); memory follows the damage (LBA
 * range lists), never the disc size.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "discwright/accuraterip.h"
#include "discwright/checksum.h"
#include "discwright/discid.h"
#include "discwright/drive_profile.h"
#include "discwright/qscan.h"
#include "discwright/report.h"
#include "discwright/rip.h"
#include "discwright/sector.h"
#include "errors_int.h"
#include "report/outfile.h"
#include "report/report_int.h"
#include "rip/accuracy.h"
#include "rip/readahead.h"
#include "rip/rip_int.h"
#include "rip/ripmap.h"
#include "rip/rip_report.h"
#include "rip/secure.h"
#include "util.h"

#define DEFAULT_DATA_RETRIES 4

int dw__rip_progress(struct dw__rip *r, int track, bool force)
{
    double t = dw__now_seconds();
    if (!force && t - r->last_progress_s < 0.2)
        return 0;
    r->last_progress_s = t;
    if (!r->cb || !r->cb->progress)
        return 0;
    struct dw_progress p = {.phase = "rip", .track = track, .done_sectors = r->done_sectors,
                            .total_sectors = r->total_sectors,
                            .errors = r->bad.sectors, .sector_bytes = r->sector_bytes,
                            .buffer_fill_percent = -1,
                            .media_1x_bytes_per_s = r->media_1x_bytes_per_s};
    if (r->cb->progress(&p, r->cb->user)) {
        if (r->aborted) /* said already, where it stopped */
            return DW_EABORTED;
        r->aborted = true;
        return dw__set_error(r->err, DW_EABORTED, "stopped at sector %lld of %lld",
                             (long long)r->done_sectors, (long long)r->total_sectors);
    }
    return 0;
}

/* The check of a data sector read raw: every field (dw_sector_check) when
 * the raw sector is kept, the ones that vouch for the user data
 * (dw_sector_check_user: no P/Q parity where the EDC matches) when only the
 * user data is (--format iso). */
static enum dw_sector_verdict sector_check(const struct dw__rip *r, const uint8_t *raw,
                                           int32_t lba)
{
    return r->user_data_only ? dw_sector_check_user(raw, lba, NULL)
                             : dw_sector_check(raw, lba, NULL);
}

/* A data sector that failed its check: repair it from its ECC P/Q parity
 * (ECMA-130 Annex A), first alone, then with the C2 error pointers of one
 * more read as erasures when the drive has them.  A repair counts only when
 * the sector then passes every check (EDC included).  Sectors whose EDC is
 * good but whose parity is not are left as read: the parity is what the
 * disc holds (some protections write it so); with r->user_data_only their
 * parity is not even looked at (sector_check).  Returns true when raw now
 * holds a good sector. */
static bool ecc_repair(struct dw__rip *r, const struct dw_track *t, int32_t lba, uint8_t *raw)
{
    enum dw_sector_verdict v = sector_check(r, raw, lba);
    if (v == DW_SECTOR_GOOD)
        return true;
    if (v == DW_SECTOR_BAD_ECC || v == DW_SECTOR_ZERO_MODE)
        return false;
    /* A damaged sync pattern in a data track: the 12 bytes are fixed
     * (ECMA-130 14.1), and the EDC covers them, so restoring them is checked
     * like any repair. */
    static const uint8_t sync[DW_SYNC_BYTES] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    uint8_t orig_sync[DW_SYNC_BYTES];
    memcpy(orig_sync, raw, DW_SYNC_BYTES);
    memcpy(raw, sync, DW_SYNC_BYTES);
    struct dw_ecc_repair_stats st = {0};
    bool with_c2 = false;
    bool ok = dw_sector_ecc_repair(raw, NULL, &st) == 0 &&
              dw_sector_check(raw, lba, NULL) == DW_SECTOR_GOOD;
    if (!ok)
        memcpy(raw, orig_sync, DW_SYNC_BYTES);
    if (!ok && r->secure_have_c2) {
        uint8_t again[DW_SECTOR_RAW_BYTES], c2[DW_C2_BYTES_PER_SECTOR];
        int rc = dw_drive_read_raw_c2(r->drive, lba, 1, again, c2);
        if (rc == DW_EUNSUPPORTED)
            r->secure_have_c2 = false;
        else if (rc == 0 && (memcpy(again, sync, DW_SYNC_BYTES), 1) &&
                 dw_sector_ecc_repair(again, c2, &st) == 0 &&
                 dw_sector_check(again, lba, NULL) == DW_SECTOR_GOOD) {
            memcpy(raw, again, DW_SECTOR_RAW_BYTES);
            ok = with_c2 = true;
        }
    }
    if (ok) {
        dw__ranges_add(&r->ecc_repaired, lba, 0);
        bool sync_restored = memcmp(orig_sync, sync, DW_SYNC_BYTES) != 0;
        dw__rip_log(r, DW_LOG_INFO,
                    "sector %d (track %d): %s; repaired from its ECC (%u bytes%s%s)", lba,
                    t->number, dw_sector_verdict_name(v), st.bytes_corrected,
                    with_c2 ? ", C2 pointers as erasures" : "",
                    sync_restored ? ", sync pattern restored" : "");
    }
    return ok;
}

/* Read one raw sector up to `attempts` times.  Returns 0 when a
 * read succeeded (data in raw; for data tracks also checked), 1 when the
 * data is still bad after the retries (raw holds the last read, or zeros
 * when nothing could be read), or a fatal DW_E* code. */
static int read_sector_retrying(struct dw__rip *r, const struct dw_track *t, int32_t lba,
                                uint8_t *raw, int attempts, enum dw_sector_verdict *verdict,
                                int *sense)
{
    bool got_any = false;
    *verdict = DW_SECTOR_GOOD;
    *sense = 0;
    for (int attempt = 0; attempt < attempts; attempt++) {
        int rc = dw__rip_read_raw(r, t, lba, 1, raw);
        if (dw__read_error_is_fatal(rc))
            return dw__set_error(r->err, rc, "%s", dw_drive_last_error(r->drive)->message);
        if (rc) {
            const struct dw_error_detail *e = dw_drive_last_error(r->drive);
            *sense = e->sense_key >= 0 ? (e->sense_key << 16 | e->asc << 8 | e->ascq) : rc;
            continue;
        }
        got_any = true;
        *sense = 0; /* it read: what is left to report is the check */
        if (!dw_track_is_data(t))
            return 0;
        *verdict = sector_check(r, raw, lba);
        if (*verdict == DW_SECTOR_GOOD || ecc_repair(r, t, lba, raw))
            return 0;
    }
    if (!got_any)
        memset(raw, 0, DW_SECTOR_RAW_BYTES);
    return 1;
}

/* The second half of dw__rip_read_checked: rc is the bulk read's result
 * (buf holds its sectors when 0). */
static int read_checked_after(struct dw__rip *r, const struct dw_track *t, int32_t lba,
                              int32_t n, uint8_t *buf, int rc)
{
    bool bulk_ok = rc == 0;
    if (dw__read_error_is_fatal(rc))
        return dw__set_error(r->err, rc, "%s", dw_drive_last_error(r->drive)->message);
    for (int32_t i = 0; i < n; i++) {
        uint8_t *raw = buf + (size_t)i * DW_SECTOR_RAW_BYTES;
        if (bulk_ok && (!dw_track_is_data(t) || ecc_repair(r, t, lba + i, raw)))
            continue;
        enum dw_sector_verdict v;
        int sense;
        /* --retries N re-reads N times; a failed bulk read needs at least
         * one single read to tell which sector failed. */
        int attempts = !bulk_ok && r->retries == 0 ? 1 : r->retries;
        int st = attempts ? read_sector_retrying(r, t, lba + i, raw, attempts, &v, &sense) : 1;
        if (!attempts) {
            v = sector_check(r, raw, lba + i);
            sense = 0;
        }
        if (st < 0)
            return st;
        if (bulk_ok || st == 0) {
            /* The bulk read gave bad data, or a bulk error was cured by
             * reading sector by sector: either way it needed a re-read. */
            if (bulk_ok || st == 0)
                dw__ranges_add(&r->reread, lba + i, 0);
        }
        if (st == 1) {
            dw__ranges_add(&r->bad, lba + i, sense ? sense : (int32_t)v);
            char why[96];
            dw__rip_bad_reason(sense ? sense : (int32_t)v, why, sizeof(why));
            dw__rip_log(r, DW_LOG_WARN, "sector %d (track %d) stays bad after %d re-reads: %s",
                        lba + i, t->number, attempts, why);
        }
    }
    return 0;
}

/* Read [lba, lba+n) raw into buf (n <= transfer), checking data sectors and
 * re-reading the failures one by one.  Bad sectors are recorded. */
int dw__rip_read_checked(struct dw__rip *r, const struct dw_track *t, int32_t lba, int32_t n,
                         uint8_t *buf)
{
    return read_checked_after(r, t, lba, n, buf, dw__rip_read_raw(r, t, lba, n, buf));
}

/* Read-ahead (readahead.h) of raw sectors of one track: the reader thread's
 * half of dw__rip_read_checked, which stops the reader at a transfer that
 * failed or holds a data sector that is not good (ECC repair, re-reads and
 * the records of them are read_checked_after's, on the rip's thread). */
struct raw_ahead {
    struct dw__rip *r;
    const struct dw_track *t;
};

static int raw_ahead_read(void *ctx, int32_t lba, int32_t n, uint8_t *slot, int32_t at)
{
    const struct raw_ahead *a = ctx;
    uint8_t *buf = slot + (size_t)at * DW_SECTOR_RAW_BYTES;
    int rc = dw__rip_read_raw(a->r, a->t, lba, n, buf);
    if (rc || !dw_track_is_data(a->t))
        return rc;
    for (int32_t i = 0; i < n; i++)
        if (dw_sector_check(buf + (size_t)i * DW_SECTOR_RAW_BYTES, lba + i, NULL) !=
            DW_SECTOR_GOOD)
            return 1;
    return 0;
}

/* What the reader left of a slot that stopped it: the failed or not good
 * transfer [s->fail_lba, s->lba + s->n), as the single-thread loop would
 * have handled it (the reader has stopped: the drive is the caller's). */
static int raw_ahead_finish(struct dw__rip *r, const struct dw_track *t,
                            const struct dw__readahead_slot *s)
{
    int32_t k = s->fail_lba - s->lba;
    return read_checked_after(r, t, s->fail_lba, s->n - k,
                              s->buf + (size_t)k * DW_SECTOR_RAW_BYTES, s->rc == 1 ? 0 : s->rc);
}

/* Write bytes at the stream's position straight from buf (no copy into
 * its stdio buffer), for the large blocks of the read-ahead loops.  After
 * fflush the descriptor's offset is the stream's position; the fflush
 * after the write makes the stream forget the offset it had cached, so
 * that it asks the descriptor again.  (An fseeko there would read the
 * block it lands in back from the file: glibc does so on streams open for
 * reading too.) */
static int write_direct(struct dw__outfile *of, const uint8_t *buf, size_t bytes,
                        struct dw_error_detail *err)
{
    if (fflush(of->fp) != 0)
        return dw__outfile_write_error(of, errno, err);
    int fd = fileno(of->fp);
    for (size_t done = 0; done < bytes;) {
        ssize_t w = write(fd, buf + done, bytes - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return dw__outfile_write_error(of, w < 0 ? errno : EIO, err);
        done += (size_t)w;
    }
    if (fflush(of->fp) != 0)
        return dw__outfile_write_error(of, errno, err);
    return 0;
}

/* Write-behind of a long sequential output (an ISO image): every
 * WRITE_BEHIND_BYTES written, the kernel is told to start writing them out
 * (sync_file_range SYNC_FILE_RANGE_WRITE), and the chunk before is waited
 * for.  So the writeback runs beside the reading and hashing instead of
 * all in the final fsync, and the file's dirty pages stay within about two
 * chunks whatever the image's size.  The wait reports a writeback error
 * (and takes it from the final fsync, which would no longer see it), so
 * it is returned as a write error; a file that cannot do it (EINVAL,
 * ESPIPE, ENOSYS) is left to the final fsync. */
#define WRITE_BEHIND_BYTES ((off_t)8 << 20)
struct write_behind {
    off_t written, started, waited; /* bytes of the file from its start */
    bool off;                       /* the file does not take it */
};

static int write_behind(struct dw__outfile *of, struct write_behind *wb, size_t bytes,
                        struct dw_error_detail *err)
{
    wb->written += (off_t)bytes;
    if (wb->off || wb->written - wb->started < WRITE_BEHIND_BYTES)
        return 0;
#ifdef SYNC_FILE_RANGE_WRITE
    int fd = fileno(of->fp);
    int rc = sync_file_range(fd, wb->started, wb->written - wb->started, SYNC_FILE_RANGE_WRITE);
    if (rc == 0 && wb->started > wb->waited) {
        rc = sync_file_range(fd, wb->waited, wb->started - wb->waited,
                             SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                 SYNC_FILE_RANGE_WAIT_AFTER);
        wb->waited = wb->started;
    }
    if (rc != 0 && (errno == EINVAL || errno == ESPIPE || errno == ENOSYS))
        wb->off = true;
    else if (rc != 0)
        return dw__outfile_write_error(of, errno, err);
#else
    (void)of;
    (void)err;
    wb->off = true;
#endif
    wb->started = wb->written;
    return 0;
}

/* Set up one AccurateRip and one EAC checksum per audio track. */
static int ar_setup(struct dw__rip *r)
{
    const struct dw_disc *disc = r->disc;
    r->ar = calloc((size_t)disc->track_count, sizeof(*r->ar));
    if (!r->ar)
        return DW_ENOMEM;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (dw_track_is_data(t))
            continue;
        struct dw__ar_track *a = &r->ar[r->ar_count];
        a->number = t->number;
        a->first_lba = t->index_lba[1];
        a->end_lba = t->end_lba;
        if (i + 1 < disc->track_count && disc->tracks[i + 1].session == t->session &&
            !dw_track_is_data(&disc->tracks[i + 1]))
            a->end_lba = disc->tracks[i + 1].index_lba[1];
        int flags = dw_ar_track_flags(disc, t->number);
        if (flags < 0 ||
            dw_ar_calc_new((uint64_t)(a->end_lba - a->first_lba) * DW_SAMPLES_PER_SECTOR,
                           (unsigned)flags, &a->calc) ||
            !(a->crc = dw_eac_crc_new()))
            return DW_ENOMEM;
        r->ar_count++;
    }
    return 0;
}

void dw__rip_feed_audio(struct dw__rip *r, int32_t lba, const uint8_t *buf, int32_t n)
{
    while (n > 0 && r->ar_cursor < r->ar_count) {
        struct dw__ar_track *a = &r->ar[r->ar_cursor];
        if (lba >= a->end_lba) {
            r->ar_cursor++;
            continue;
        }
        if (lba < a->first_lba) { /* pregap or hidden track: skip to the start */
            int32_t skip = a->first_lba - lba < n ? a->first_lba - lba : n;
            lba += skip;
            buf += (size_t)skip * DW_SECTOR_RAW_BYTES;
            n -= skip;
            continue;
        }
        int32_t take = a->end_lba - lba < n ? a->end_lba - lba : n;
        dw_ar_calc_update(a->calc, buf, (size_t)take * DW_SECTOR_RAW_BYTES);
        dw_eac_crc_update(a->crc, buf, (size_t)take * DW_SECTOR_RAW_BYTES);
        dw__rip_window_feed(r, r->ar_cursor, lba - a->first_lba, buf, take);
        lba += take;
        buf += (size_t)take * DW_SECTOR_RAW_BYTES;
        n -= take;
    }
}

/* Per-track AccurateRip/EAC values and the disc ids into the report and
 * the log. */
static int ar_finish(struct dw__rip *r)
{
    struct dw_rip_report *rep = r->rep;
    rep->have_audio = true;
    if (r->ar_count && !(rep->audio = calloc((size_t)r->ar_count, sizeof(*rep->audio))))
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    for (int i = 0; i < r->ar_count; i++) {
        struct dw__ar_track *a = &r->ar[i];
        struct dw__rr_audio *o = &rep->audio[rep->audio_count++];
        o->number = a->number;
        o->complete = dw_ar_calc_final(a->calc, &o->ar) == 0 &&
                      dw_eac_crc_final(a->crc, &o->eac_copy_crc, &o->eac_crc_without_nulls) == 0;
    }
    rep->have_ids = r->ar_count && dw_disc_ids_compute(r->disc, 0, &rep->ids) == 0;
    dw__riplog_audio(r);
    return 0;
}

static void ar_release(struct dw__rip *r)
{
    dw__rip_accuracy_release(r);
    for (int i = 0; i < r->ar_count; i++) {
        dw_ar_calc_free(r->ar[i].calc);
        dw_eac_crc_free(r->ar[i].crc);
    }
    free(r->ar);
    r->ar = NULL;
    r->ar_count = 0;
}

static const char *source_stem(const char *address, char *out, size_t out_bytes)
{
    const char *p = address;
    if (!strncmp(p, "stdio:", 6))
        p += 6;
    const char *slash = strrchr(p, '/');
    if (slash)
        p = slash + 1;
    snprintf(out, out_bytes, "%s", p[0] ? p : "disc");
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = '\0';
    if (!strncmp(address, "/dev/", 5) || !out[0])
        snprintf(out, out_bytes, "disc");
    return out;
}

static int path_join(char *out, size_t out_bytes, const char *dir, const char *name,
                     const char *ext)
{
    int n = snprintf(out, out_bytes, "%s/%s%s", dir, name, ext);
    return n < 0 || (size_t)n >= out_bytes ? DW_EINVAL : 0;
}

const char *dw__rip_mode_name(enum dw_rip_mode mode)
{
    return mode == DW_RIP_BURST           ? "burst"
           : mode == DW_RIP_SECURE        ? "secure"
           : mode == DW_RIP_TEST_AND_COPY ? "test-and-copy"
                                          : "paranoia";
}

int dw__rip_mark_final(struct dw__rip *r, int32_t lba, bool force)
{
    if (lba > r->final_lba)
        r->final_lba = lba;
    /* Resuming: the earlier map stays until this run has got further. */
    if (r->resume && r->final_lba <= r->resume->final_lba)
        return 0;
    return dw__ripmap_save(r, r->final_lba, false, force);
}

/* Resuming: is lba final in the earlier run's map (below its final LBA and
 * not bad)?  *end is cut to where that answer changes. */
static bool resume_keeps(const struct dw__rip *r, int32_t lba, int32_t *end)
{
    const struct dw__ripmap *m = r->resume;
    if (!m || lba >= m->final_lba)
        return false;
    for (int i = 0; i < m->bad.count; i++) {
        const struct dw__lba_range *x = &m->bad.r[i];
        if (lba >= x->first_lba && lba <= x->last_lba) {
            if (x->last_lba + 1 < *end)
                *end = x->last_lba + 1;
            return false;
        }
        if (x->first_lba > lba && x->first_lba < *end)
            *end = x->first_lba;
    }
    if (m->final_lba < *end)
        *end = m->final_lba;
    return true;
}

static int64_t bin_sectors_below(const struct dw__rip *r, int32_t lba);

/* Resuming: take [first, end) of track t as the earlier run left it (from
 * the .part being continued, or from a complete rip's NAME.bin into the new
 * .part), into the checksums; its re-read record comes along. */
static int copy_kept(struct dw__rip *r, const struct dw_track *t, int32_t first, int32_t end,
                     uint8_t *buf, int32_t transfer, struct dw__hashset *hs)
{
    FILE *src = r->resume_bin ? r->resume_bin : r->image.fp;
    if (r->resume_bin &&
        fseeko(src, (off_t)bin_sectors_below(r, first) * DW_SECTOR_RAW_BYTES, SEEK_SET) != 0)
        return dw__set_error(r->err, DW_EIO, "cannot seek in '%s'", r->image_path);
    for (int32_t lba = first; lba < end;) {
        int32_t n = end - lba < transfer ? end - lba : transfer;
        size_t bytes = (size_t)n * DW_SECTOR_RAW_BYTES;
        if (fread(buf, 1, bytes, src) != bytes)
            return dw__set_error(r->err, DW_ETRUNC,
                                 "'%s' is shorter than its map says (at LBA %d): remove it and "
                                 "the .map and rip again without --resume",
                                 r->resume_bin ? r->image_path : r->image.part_path,
                                 lba);
        if (r->resume_bin && fwrite(buf, 1, bytes, r->image.fp) != bytes) {
            int rc = dw__outfile_check(&r->image, r->err);
            return rc ? rc : dw__set_error(r->err, DW_EIO, "cannot write the image");
        }
        dw__hashset_update(hs, buf, bytes);
        if (!dw_track_is_data(t))
            dw__rip_feed_audio(r, lba, buf, n);
        for (int j = 0; j < r->resume->reread.count; j++) {
            const struct dw__lba_range *x = &r->resume->reread.r[j];
            for (int32_t k = x->first_lba < lba ? lba : x->first_lba;
                 k <= x->last_lba && k < lba + n; k++)
                dw__ranges_add(&r->reread, k, 0);
        }
        lba += n;
        r->done_sectors += n;
        r->kept_sectors += n;
        int rc = dw__rip_progress(r, t->number, false);
        if (rc)
            return rc;
    }
    return dw__rip_mark_final(r, end, false);
}

/* read_plain with a reader thread: the same transfers, checks, re-reads
 * and outputs, the slots written and hashed whole. */
static int read_plain_ahead(struct dw__rip *r, const struct dw_track *t, int32_t first,
                            int32_t end, int32_t transfer, struct dw__hashset *hs,
                            bool *fallback)
{
    struct raw_ahead ctx = {.r = r, .t = t};
    struct dw__readahead *ra = NULL;
    int rc = 0;
    for (int32_t lba = first; lba < end;) {
        /* A new reader at lba: the transfers from there are those of the
         * single-thread loop (an error ends a transfer, never splits it). */
        if (!ra && (rc = dw__readahead_start(&ra, raw_ahead_read, &ctx, lba, end, transfer,
                                              DW_SECTOR_RAW_BYTES))) {
            if (rc == DW_ELIB && lba == first) { /* no thread: read on our own */
                *fallback = true;
                return 0;
            }
            rc = dw__set_error(r->err, rc, "out of memory");
            goto out;
        }
        const struct dw__readahead_slot *s = dw__readahead_next(ra);
        if (!s || s->lba != lba) {
            rc = dw__set_error(r->err, DW_EIO, "the read-ahead of track %d stopped at sector %d "
                               "(a bug: please report it; --threads 1 reads without it)",
                               t->number, lba);
            goto out;
        }
        /* The slot's good transfers, then the one that stopped the reader
         * (handled as the single-thread loop would, once what came before
         * it is written: a fatal error keeps as much as that loop does). */
        for (int part = 0; part < (s->rc ? 2 : 1); part++) {
            int32_t from = part ? s->fail_lba : s->lba;
            int32_t to = s->rc && !part ? s->fail_lba : s->lba + s->n;
            uint8_t *p = s->buf + (size_t)(from - s->lba) * DW_SECTOR_RAW_BYTES;
            size_t bytes = (size_t)(to - from) * DW_SECTOR_RAW_BYTES;
            if (part && (rc = raw_ahead_finish(r, t, s)))
                goto out;
            if (to == from)
                continue;
            if ((rc = write_direct(&r->image, p, bytes, r->err)))
                goto out;
            dw__hashset_update(hs, p, bytes);
            if (!dw_track_is_data(t))
                dw__rip_feed_audio(r, from, p, to - from);
            lba = to;
            r->done_sectors += to - from;
            if ((rc = dw__rip_mark_final(r, lba, false)))
                goto out;
        }
        if (s->rc) { /* the reader stopped there: a new one after it */
            dw__readahead_free(ra);
            ra = NULL;
        }
        if ((rc = dw__rip_progress(r, t->number, false)))
            goto out;
    }
out:
    dw__readahead_free(ra);
    return rc;
}

/* Burst reading of [first, end) of track t: one pass, data sectors checked
 * and re-read (dw__rip_read_checked); with a reader thread ahead of it
 * unless r->opts->threads says one thread. */
static int read_plain(struct dw__rip *r, const struct dw_track *t, int32_t first, int32_t end,
                      uint8_t *buf, int32_t transfer, struct dw__hashset *hs)
{
    int rc;
    bool fallback = false;
    if (dw__readahead_wanted(r->opts->threads) && end - first > transfer &&
        ((rc = read_plain_ahead(r, t, first, end, transfer, hs, &fallback)) || !fallback))
        return rc;
    for (int32_t lba = first; lba < end;) {
        int32_t n = end - lba < transfer ? end - lba : transfer;
        if ((rc = dw__rip_read_checked(r, t, lba, n, buf)))
            return rc;
        size_t bytes = (size_t)n * DW_SECTOR_RAW_BYTES;
        if (fwrite(buf, 1, bytes, r->image.fp) != bytes) {
            rc = dw__outfile_check(&r->image, r->err);
            return rc ? rc : dw__set_error(r->err, DW_EIO, "cannot write the image");
        }
        dw__hashset_update(hs, buf, bytes);
        if (!dw_track_is_data(t))
            dw__rip_feed_audio(r, lba, buf, n);
        lba += n;
        r->done_sectors += n;
        if ((rc = dw__rip_mark_final(r, lba, false)) ||
            (rc = dw__rip_progress(r, t->number, false)))
            return rc;
    }
    return 0;
}

/* The reading state of a BIN/CUE rip, shared by its tracks. */
struct bin_pass {
    struct dw__hashset *hs; /* the tracks' and the image's digests */
    uint8_t *buf;
    int32_t transfer;
};

/* The readable LBAs of track t's session, for secure mode's far reads. */
static void session_bounds(struct dw__rip *r, const struct dw_track *t, int32_t first,
                           int32_t end)
{
    const struct dw_disc *disc = r->disc;
    r->session_first = first;
    r->session_end = end;
    for (int k = 0; k < disc->session_count; k++)
        if (disc->sessions[k].number == t->session)
            r->session_end = disc->sessions[k].leadout_lba;
    for (int k = 0; k < disc->track_count; k++)
        if (disc->tracks[k].session == t->session) {
            int32_t f = dw_track_first_lba(&disc->tracks[k]);
            r->session_first = f < 0 ? 0 : f;
            break;
        }
}

/* Read [a, b) of track t as tr says (secure, paranoia or plain), adding
 * the statistics to tr. */
static int read_segment(struct dw__rip *r, const struct dw_track *t, int32_t a, int32_t b,
                        struct bin_pass *bp, struct dw__rr_track *tr)
{
    int rc;
    if (tr->secure) {
        struct dw_secure_stats part = {.test_crc32 = tr->secure_stats.test_crc32};
        rc = dw__rip_secure_range(r, t, a, b, bp->hs, &part);
        dw__secure_stats_add(&tr->secure_stats, &part);
        return rc;
    }
    if (tr->paranoia) {
        rc = dw__rip_paranoia_range(r, t, a, b, &r->image, bp->hs, &tr->paranoia_stats);
        return rc ? rc : dw__rip_mark_final(r, b, false);
    }
    return read_plain(r, t, a, b, bp->buf, bp->transfer, bp->hs);
}

/* One track of the bin, [first, end): what the earlier run (--resume) made
 * final is taken from it, the rest is read; its record goes into the
 * report. */
static int rip_bincue_track(struct dw__rip *r, const struct dw_track *t, int32_t first,
                            int32_t end, struct bin_pass *bp)
{
    double t0 = dw__now_seconds();
    int64_t bad_before = r->bad.sectors, reread_before = r->reread.sectors;
    bool audio = !dw_track_is_data(t);
    struct dw__rr_track tr = {.number = t->number, .mode = t->mode, .first_lba = first,
                              .sectors = end - first};
    tr.paranoia = audio && r->opts->mode == DW_RIP_PARANOIA;
    tr.secure = audio && (r->opts->mode == DW_RIP_SECURE ||
                          r->opts->mode == DW_RIP_TEST_AND_COPY);
    tr.test_and_copy = tr.secure && r->test_pass;
    tr.read_mode = tr.secure     ? dw__rip_mode_name(r->opts->mode)
                   : tr.paranoia ? "paranoia"
                   : audio       ? "burst"
                                 : "raw+edc/ecc";
    dw__riplog_track_start(r, &tr);
    if (tr.secure)
        session_bounds(r, t, first, end);
    int rc = 0;
    for (int32_t a = first; a < end && !rc;) {
        int32_t b = end;
        bool keep = resume_keeps(r, a, &b);
        if (fseeko(r->image.fp, ftello(r->image.fp), SEEK_SET) != 0)
            return dw__set_error(r->err, DW_EIO, "cannot seek in '%s'", r->image.part_path);
        if (keep)
            rc = copy_kept(r, t, a, b, bp->buf, bp->transfer, bp->hs);
        else
            rc = read_segment(r, t, a, b, bp, &tr);
        /* Bad in the earlier run and read again now: re-read sectors. */
        for (int32_t k = a; !rc && !keep && r->resume && k < b && k < r->resume->final_lba; k++)
            dw__ranges_add(&r->reread, k, 0);
        a = b;
    }
    if (rc)
        return rc;
    dw__hashset_track_end(bp->hs, &tr.digests);
    tr.sectors_reread = r->reread.sectors - reread_before;
    tr.sectors_bad = r->bad.sectors - bad_before;
    tr.seconds = dw__now_seconds() - t0;
    struct dw__rr_track *kept = dw__rip_report_add_track(r->rep, t, first, end - first);
    if (!kept)
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    *kept = tr;
    dw__riplog_track_done(r, kept);
    return 0;
}

int dw__rip_pending_add(struct dw__rip *r, struct dw__outfile *of)
{
    if ((size_t)r->pending_count >= sizeof(r->pending) / sizeof(r->pending[0])) {
        dw__outfile_abort(of);
        return dw__set_error(r->err, DW_EINVAL, "too many outputs");
    }
    int rc = dw__outfile_finish(of, r->err);
    if (rc)
        return rc;
    r->pending[r->pending_count++] = *of;
    memset(of, 0, sizeof(*of));
    return 0;
}

const char *dw__rip_image_now(const struct dw__rip *r)
{
    return r->image.part_path ? r->image.part_path : r->image_path;
}

/* The cue, relative to the bin; the bin and the cue are finished here and
 * renamed into place with the other outputs when the rip succeeds. */
static int write_cue(struct dw__rip *r, const int32_t *gap_lba, const int32_t *gap_sectors,
                     int gap_count)
{
    char bin_name[4096];
    struct dw__outfile cue;
    int rc;
    snprintf(bin_name, sizeof(bin_name), "%s", r->image_path);
    int replaced = 0;
    struct dw_cue_write_opts co = {.bin_name = basename(bin_name),
                                   .bin_first_lba = r->bin_first_lba, .gap_lba = gap_lba,
                                   .gap_sectors = gap_sectors, .gap_count = gap_count,
                                   .replaced = &replaced};
    if ((rc = dw__outfile_open(&cue, r->cue_path, r->err)))
        return rc;
    if ((rc = dw_cue_write(r->disc, &co, cue.fp)) || (rc = dw__outfile_check(&cue, r->err)) ||
        (rc = dw__outfile_finish(&r->image, r->err)) || (rc = dw__rip_pending_add(r, &cue))) {
        dw__outfile_abort(&cue);
        if (!r->err->message[0])
            dw__set_error(r->err, rc, "cannot write '%s'", r->cue_path);
        return rc;
    }
    if (replaced)
        dw__rip_log(r, DW_LOG_WARN,
                    "the cue sheet cannot hold %d character%s or value%s of the disc's text "
                    "(control characters in CD-TEXT became '?', an invalid MCN or ISRC was "
                    "left out); the report and the .cdt keep the text as read",
                    replaced, replaced == 1 ? "" : "s", replaced == 1 ? "" : "s");
    if ((rc = dw__rip_report_set_output(r->rep, DW__RR_OUT_IMAGE, r->image_path)) ||
        (rc = dw__rip_report_set_output(r->rep, DW__RR_OUT_CUE, r->cue_path)))
        return dw__set_error(r->err, rc, "out of memory");
    return 0;
}

/* Write the bin: every track's sectors from its first LBA (pregap
 * included) to its end, session gaps left out; then the cue. */
static int rip_bincue(struct dw__rip *r)
{
    const struct dw_disc *disc = r->disc;
    struct bin_pass bp = {.hs = dw__hashset_new(DW_HASH_ALL,
                                                DW_HASH_CRC32 | DW_HASH_MD5 | DW_HASH_SHA1),
                          .transfer = dw_drive_max_transfer_sectors(r->drive)};
    int32_t gap_lba[DW_MAX_SESSIONS], gap_sectors[DW_MAX_SESSIONS];
    int gap_count = 0, rc = 0;
    bp.buf = malloc((size_t)bp.transfer * DW_SECTOR_RAW_BYTES);
    r->rep->have_tracks = true;
    if (!bp.hs || !bp.buf) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    bool go_on = r->resume && !r->resume_bin; /* continue the interrupted .part */
    if ((rc = go_on ? dw__outfile_reopen(&r->image, r->image_path, r->err)
                    : dw__outfile_open(&r->image, r->image_path, r->err)))
        goto out;
    int32_t expect = r->bin_first_lba;
    for (int i = 0; i < disc->track_count && !rc; i++) {
        const struct dw_track *t = &disc->tracks[i];
        int32_t first = dw_track_first_lba(t), end = t->end_lba;
        if (first < r->bin_first_lba)
            first = r->bin_first_lba;
        if (first > expect) {
            gap_lba[gap_count] = first;
            gap_sectors[gap_count++] = first - expect;
        }
        expect = end;
        rc = rip_bincue_track(r, t, first, end, &bp);
    }
    if (rc)
        goto out;
    dw__hashset_final(bp.hs, &r->rep->image_digests);
    r->rep->have_image_digests = true;
    dw__riplog_image(r);
    /* Audio formats: the bin is cut into track files and a cue of its own. */
    rc = r->audio ? dw__outfile_finish(&r->image, r->err)
                  : write_cue(r, gap_lba, gap_sectors, gap_count);
out:
    free(bp.buf);
    dw__hashset_free(bp.hs);
    return rc;
}

/* User data of one sector read raw from a CD; DW_EUNSUPPORTED for Form 2. */
static int user_data_of(const uint8_t *raw, const uint8_t **user)
{
    if (raw[15] == 2) {
        if (raw[18] & 0x20)
            return DW_EUNSUPPORTED;
        *user = raw + DW_OFF_MODE2_DATA;
    } else {
        *user = raw + DW_OFF_MODE1_DATA;
    }
    return 0;
}

/* ECMA-119 8.4: the primary volume descriptor at sector 16 of the track
 * gives the volume space size; 0 when there is none. */
static int32_t iso9660_volume_sectors(const uint8_t *pvd)
{
    if (pvd[0] != 1 || memcmp(pvd + 1, "CD001", 5) != 0)
        return 0;
    return (int32_t)((uint32_t)pvd[80] | (uint32_t)pvd[81] << 8 | (uint32_t)pvd[82] << 16 |
                     (uint32_t)pvd[83] << 24);
}

/* Read n sectors after the ISO 9660 volume as user data into buf; returns
 * how many leading sectors read (and, on a CD, checked) good.  No retries:
 * a failure here ends the image. */
static int32_t read_tail(struct dw__rip *r, int32_t lba, int32_t n, uint8_t *buf, bool is_cd)
{
    uint8_t raw[DW_SECTOR_RAW_BYTES];
    for (int32_t i = 0; i < n; i++) {
        uint8_t *u = buf + (size_t)i * DW_SECTOR_USER_BYTES;
        if (is_cd) {
            const uint8_t *user;
            if (dw_drive_read_raw(r->drive, lba + i, 1, raw) ||
                dw_sector_check_user(raw, lba + i, NULL) != DW_SECTOR_GOOD ||
                user_data_of(raw, &user))
                return i;
            memcpy(u, user, DW_SECTOR_USER_BYTES);
        } else if (dw_drive_read_user(r->drive, lba + i, 1, u)) {
            return i;
        }
    }
    return n;
}

/* The end of track t's ISO image: the ISO 9660 volume size from its
 * sector 16 (sectors after it are padding or, on a TAO CD, two unreadable
 * run-out blocks; REFERENCE.md "Verifying a burn"), or 0 when there is no
 * volume descriptor.  On overwritable media, which report their formatted
 * size, *end is cut to the volume. */
static int32_t iso_volume_sectors(struct dw__rip *r, const struct dw_track *t, int32_t first,
                                  int32_t *end, uint8_t *buf, bool is_cd)
{
    if (*end - first <= 16)
        return 0;
    uint8_t pvd[DW_SECTOR_USER_BYTES];
    const uint8_t *user = pvd;
    int prc;
    if (is_cd) {
        prc = dw_drive_read_raw(r->drive, first + 16, 1, buf);
        if (!prc && user_data_of(buf, &user) != 0)
            prc = -1;
    } else {
        prc = dw_drive_read_user(r->drive, first + 16, 1, pvd);
    }
    int32_t vol = prc == 0 ? iso9660_volume_sectors(user) : 0;
    if (vol > *end - first) {
        dw__rip_log(r, DW_LOG_WARN,
                    "track %02d: the ISO 9660 volume claims %d sectors but the track has %d",
                    t->number, vol, *end - first);
        return 0;
    }
    /* Overwritable media (DVD-RAM 12h, DVD-RW restricted overwrite 13h,
     * DVD+RW 1Ah/2Ah, BD-RE 43h) report their formatted size, unrelated
     * to the image: the volume size is the image (REFERENCE.md). */
    int p = r->medium_profile;
    if (vol > 0 && (p == 0x12 || p == 0x13 || p == 0x1A || p == 0x2A || p == 0x43)) {
        dw__rip_log(r, DW_LOG_INFO,
                    "track %02d: overwritable medium: the image is the ISO 9660 volume's "
                    "%d sectors, not the %d the medium reports",
                    t->number, vol, *end - first);
        r->total_sectors -= *end - first - vol;
        *end = first + vol;
    }
    return vol;
}

/* User data of n sectors of a DVD/BD from lba into buf: one read, or
 * sector by sector with retries when it fails; unreadable ones are zero
 * and listed bad. */
static int read_user_retrying_after(struct dw__rip *r, int32_t lba, int32_t n, uint8_t *buf,
                                    int rc)
{
    if (rc == DW_ENOMEDIUM || !rc)
        return rc;
    for (int32_t i = 0; i < n; i++) {
        uint8_t *u = buf + (size_t)i * DW_SECTOR_USER_BYTES;
        int src = -1;
        for (int a = 0; a < (r->retries ? r->retries : 1) && src; a++)
            src = dw_drive_read_user(r->drive, lba + i, 1, u);
        if (src) {
            memset(u, 0, DW_SECTOR_USER_BYTES);
            dw__ranges_add(&r->bad, lba + i, src);
            dw__rip_log(r, DW_LOG_WARN, "sector %d stays unreadable: %s", lba + i,
                        dw_drive_last_error(r->drive)->message);
        } else {
            dw__ranges_add(&r->reread, lba + i, 0);
        }
    }
    return 0;
}

static int read_user_retrying(struct dw__rip *r, int32_t lba, int32_t n, uint8_t *buf)
{
    return read_user_retrying_after(r, lba, n, buf, dw_drive_read_user(r->drive, lba, n, buf));
}

/* read_cd_user's packing: the user data of the n checked raw sectors in
 * buf to its start. */
static int pack_cd_user(struct dw__rip *r, const struct dw_track *t, int32_t lba, int32_t n,
                        uint8_t *buf)
{
    for (int32_t i = 0; i < n; i++) {
        const uint8_t *user;
        if (user_data_of(buf + (size_t)i * DW_SECTOR_RAW_BYTES, &user))
            return dw__set_error(r->err, DW_EUNSUPPORTED,
                                 "sector %d of track %d is Mode 2 Form 2, which has no "
                                 "2048-byte user data: rip this disc with --format bincue",
                                 lba + i, t->number);
        memmove(buf + (size_t)i * DW_SECTOR_USER_BYTES, user, DW_SECTOR_USER_BYTES);
    }
    return 0;
}

/* The 2048-byte user data of n raw CD sectors read (and checked) from lba,
 * packed at the start of buf. */
static int read_cd_user(struct dw__rip *r, const struct dw_track *t, int32_t lba, int32_t n,
                        uint8_t *buf)
{
    int rc = dw__rip_read_checked(r, t, lba, n, buf);
    return rc ? rc : pack_cd_user(r, t, lba, n, buf);
}

/* Read-ahead of an ISO track's user data: on a CD raw sectors checked and
 * their user data packed to slot + at * 2048 (a transfer that failed, holds
 * a sector that is not good or has no 2048-byte user data stops the reader
 * and stays raw at slot + at * 2352 for the rip's thread); on a DVD/BD the
 * user data as read. */
static int user_ahead_read(void *ctx, int32_t lba, int32_t n, uint8_t *slot, int32_t at)
{
    const struct raw_ahead *a = ctx;
    if (!a->t) /* not a CD */
        return dw_drive_read_user(a->r->drive, lba, n, slot + (size_t)at * DW_SECTOR_USER_BYTES);
    uint8_t *raw = slot + (size_t)at * DW_SECTOR_RAW_BYTES;
    int rc = dw_drive_read_raw(a->r->drive, lba, n, raw);
    if (rc)
        return rc;
    const uint8_t *user;
    for (int32_t i = 0; i < n; i++) {
        const uint8_t *s = raw + (size_t)i * DW_SECTOR_RAW_BYTES;
        if (dw_sector_check_user(s, lba + i, NULL) != DW_SECTOR_GOOD || user_data_of(s, &user))
            return 1;
    }
    for (int32_t i = 0; i < n; i++) { /* into place: never past a sector not yet moved */
        user_data_of(raw + (size_t)i * DW_SECTOR_RAW_BYTES, &user);
        memmove(slot + (size_t)(at + i) * DW_SECTOR_USER_BYTES, user, DW_SECTOR_USER_BYTES);
    }
    return 0;
}

/* The writer of iso_read_ahead: writes one slot (write_direct, then
 * write_behind) on a thread of its own while the rip's thread hashes the
 * same slot, so that the kernel's copy into the page cache and the
 * write-behind's wait for the disk run beside the digests.  One slot at a
 * time: the rip's thread waits for the write before it takes the next slot
 * (which hands the written one back to the reader).  When no thread can be
 * started the writes are made inline, as before. */
struct iso_writer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool started, busy, quit;
    struct dw__outfile *of;
    struct write_behind *wb;
    const uint8_t *buf;
    size_t bytes;
    int rc;                     /* the first write error; nothing written after it */
    struct dw_error_detail err; /* its details */
};

static int iso_write(struct dw__outfile *of, struct write_behind *wb, const uint8_t *buf,
                     size_t bytes, struct dw_error_detail *err)
{
    int rc = write_direct(of, buf, bytes, err);
    return rc ? rc : write_behind(of, wb, bytes, err);
}

static void *iso_writer_main(void *arg)
{
    struct iso_writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->busy && !w->quit)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->busy)
            break;
        const uint8_t *buf = w->buf;
        size_t bytes = w->bytes;
        bool skip = w->rc != 0;
        pthread_mutex_unlock(&w->mu);
        struct dw_error_detail err = {0};
        int rc = skip ? 0 : iso_write(w->of, w->wb, buf, bytes, &err);
        pthread_mutex_lock(&w->mu);
        if (rc && !w->rc) {
            w->rc = rc;
            w->err = err;
        }
        w->busy = false;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void iso_writer_start(struct iso_writer *w, struct dw__outfile *of,
                             struct write_behind *wb)
{
    *w = (struct iso_writer){.of = of, .wb = wb};
    if (pthread_mutex_init(&w->mu, NULL) != 0)
        return;
    if (pthread_cond_init(&w->cv, NULL) != 0) {
        pthread_mutex_destroy(&w->mu);
        return;
    }
    w->started = pthread_create(&w->thread, NULL, iso_writer_main, w) == 0;
    if (!w->started) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
    }
}

/* Wait until the slot handed over is written; its error, with err set. */
static int iso_writer_wait(struct iso_writer *w, struct dw_error_detail *err)
{
    if (!w->started)
        return w->rc;
    pthread_mutex_lock(&w->mu);
    while (w->busy)
        pthread_cond_wait(&w->cv, &w->mu);
    int rc = w->rc;
    if (rc && err)
        *err = w->err;
    pthread_mutex_unlock(&w->mu);
    return rc;
}

/* Hand buf[bytes] over to be written (written here when there is no
 * thread); the caller waits (iso_writer_wait) before buf changes. */
static int iso_writer_post(struct iso_writer *w, const uint8_t *buf, size_t bytes,
                           struct dw_error_detail *err)
{
    if (!w->started)
        return w->rc = iso_write(w->of, w->wb, buf, bytes, err);
    pthread_mutex_lock(&w->mu);
    w->buf = buf;
    w->bytes = bytes;
    w->busy = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

/* Finish the write in progress and end the thread. */
static void iso_writer_stop(struct iso_writer *w)
{
    if (!w->started)
        return;
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    w->started = false;
}

/* Read [*lba, vol_end) of ISO track t into of and h with a reader thread:
 * what the single-thread loop of rip_iso_track does there, the slots
 * written and hashed whole; *lba advances.  *fallback: no thread could be
 * started, nothing done. */
static int iso_read_ahead(struct dw__rip *r, const struct dw_track *t, bool is_cd,
                          struct dw__outfile *of, struct write_behind *wb, struct dw_hash *h,
                          int32_t *lba, int32_t vol_end, int32_t transfer, bool *fallback)
{
    struct raw_ahead ctx = {.r = r, .t = is_cd ? t : NULL};
    size_t in_bytes = is_cd ? DW_SECTOR_RAW_BYTES : DW_SECTOR_USER_BYTES;
    struct dw__readahead *ra = NULL;
    struct iso_writer w;
    int rc = 0;
    int32_t start = *lba;
    iso_writer_start(&w, of, wb);
    while (*lba < vol_end) {
        /* the slot before written: taking the next hands it back */
        if ((rc = iso_writer_wait(&w, r->err)))
            goto out;
        if (!ra && (rc = dw__readahead_start(&ra, user_ahead_read, &ctx, *lba, vol_end,
                                              transfer, in_bytes))) {
            if (rc == DW_ELIB && *lba == start) {
                *fallback = true;
                rc = 0;
                goto out;
            }
            rc = dw__set_error(r->err, rc, "out of memory");
            goto out;
        }
        const struct dw__readahead_slot *s = dw__readahead_next(ra);
        if (!s || s->lba != *lba) {
            rc = dw__set_error(r->err, DW_EIO, "the read-ahead of track %d stopped at sector %d "
                               "(a bug: please report it; --threads 1 reads without it)",
                               t->number, *lba);
            goto out;
        }
        if (s->rc) { /* the transfer that stopped the reader, as the loop would */
            int32_t k = s->fail_lba - s->lba, m = s->n - k;
            uint8_t *at = s->buf + (size_t)k * in_bytes;
            int bulk = s->rc == 1 ? 0 : s->rc;
            if (is_cd)
                rc = read_checked_after(r, t, s->fail_lba, m, at, bulk);
            else
                rc = read_user_retrying_after(r, s->fail_lba, m, at, bulk);
            if (!rc && is_cd && !(rc = pack_cd_user(r, t, s->fail_lba, m, at)))
                memmove(s->buf + (size_t)k * DW_SECTOR_USER_BYTES, at,
                        (size_t)m * DW_SECTOR_USER_BYTES);
            if (rc)
                goto out;
        }
        size_t bytes = (size_t)s->n * DW_SECTOR_USER_BYTES;
        if ((rc = iso_writer_post(&w, s->buf, bytes, r->err)))
            goto out;
        dw_hash_update(h, s->buf, bytes);
        *lba += s->n;
        r->done_sectors += s->n;
        if (s->rc) {
            if ((rc = iso_writer_wait(&w, r->err)))
                goto out;
            dw__readahead_free(ra);
            ra = NULL;
        }
        if ((rc = dw__rip_progress(r, t->number, false)))
            goto out;
    }
    rc = iso_writer_wait(&w, r->err);
out:
    iso_writer_stop(&w); /* before the ring goes: it may be writing a slot */
    dw__readahead_free(ra);
    return rc;
}

static int rip_iso_track(struct dw__rip *r, const struct dw_track *t, const char *path,
                         bool is_cd)
{
    int32_t transfer = dw_drive_max_transfer_sectors(r->drive);
    uint8_t *buf = malloc((size_t)transfer * DW_SECTOR_RAW_BYTES);
    struct dw_hash *h = dw_hash_new(DW_HASH_ALL);
    struct dw__outfile of = {0};
    struct write_behind wb = {0};
    int rc = 0;
    int32_t first = t->index_lba[1], end = t->end_lba;
    int64_t bad_before = r->bad.sectors;
    if (!buf || !h) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    int32_t vol = iso_volume_sectors(r, t, first, &end, buf, is_cd);
    if ((rc = dw__outfile_open(&of, path, r->err)))
        goto out;
    bool ahead = dw__readahead_wanted(r->opts->threads);
    for (int32_t lba = first; lba < end;) {
        int32_t vol_end = vol > 0 ? first + vol : end;
        if (ahead && vol_end - lba > transfer) { /* the volume, read ahead */
            bool fallback = false;
            if ((rc = iso_read_ahead(r, t, is_cd, &of, &wb, h, &lba, vol_end, transfer, &fallback)))
                goto out;
            ahead = false;
            continue;
        }
        int32_t n = end - lba < transfer ? end - lba : transfer;
        /* A transfer stops at the volume's end: what follows is read as the
         * tail (kept while it reads), not as the volume. */
        if (vol > 0 && lba < first + vol && lba + n > first + vol)
            n = first + vol - lba;
        if (vol > 0 && lba >= first + vol) {
            int32_t good = read_tail(r, lba, n, buf, is_cd);
            if (good < n) {
                dw__rip_log(r, DW_LOG_INFO,
                            "track %02d: sectors %d-%d after the ISO 9660 volume do not read "
                            "(padding or run-out); the image ends at sector %d",
                            t->number, lba + good, end - 1, lba + good);
                r->total_sectors -= end - (lba + good);
                end = lba + good;
                n = good;
                if (n == 0)
                    break;
            }
        } else if ((rc = is_cd ? read_cd_user(r, t, lba, n, buf)
                               : read_user_retrying(r, lba, n, buf))) {
            goto out;
        }
        size_t bytes = (size_t)n * DW_SECTOR_USER_BYTES;
        if (fwrite(buf, 1, bytes, of.fp) != bytes) {
            rc = dw__outfile_check(&of, r->err);
            rc = rc ? rc : dw__set_error(r->err, DW_EIO, "cannot write '%s'", path);
            goto out;
        }
        if ((rc = write_behind(&of, &wb, bytes, r->err)))
            goto out;
        dw_hash_update(h, buf, bytes);
        lba += n;
        r->done_sectors += n;
        if ((rc = dw__rip_progress(r, t->number, false)))
            goto out;
    }
    if ((rc = dw__rip_pending_add(r, &of)))
        goto out;
    struct dw__rr_track *tr = dw__rip_report_add_track(r->rep, t, first, end - first);
    if (!tr || !(tr->file = strdup(path))) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    dw_hash_final(h, &tr->digests);
    tr->sectors_bad = r->bad.sectors - bad_before;
    dw__riplog_track_done(r, tr);
out:
    if (rc)
        dw__outfile_abort(&of);
    free(buf);
    dw_hash_free(h);
    return rc;
}

static int rip_iso(struct dw__rip *r, bool is_cd)
{
    const struct dw_disc *disc = r->disc;
    int data_tracks = 0, rc = 0;
    r->rep->have_tracks = true;
    r->user_data_only = true; /* only the 2048 bytes are kept: EDC vouches */
    if (r->session > 0) { /* dw_rip_session: that session's tracks only */
        bool there = false;
        for (int s = 0; s < disc->session_count; s++)
            there = there || disc->sessions[s].number == r->session;
        if (!there)
            return dw__set_error(r->err, DW_EINVAL,
                                 "'%s' has %d session%s (1-%d): there is no session %d",
                                 r->source, disc->session_count,
                                 disc->session_count == 1 ? "" : "s", disc->session_count,
                                 r->session);
    }
#define IN_SESSION(t) (r->session <= 0 || (t)->session == r->session)
    for (int i = 0; i < disc->track_count; i++)
        data_tracks += dw_track_is_data(&disc->tracks[i]) && IN_SESSION(&disc->tracks[i]);
    if (!data_tracks && r->session > 0)
        return dw__set_error(r->err, DW_EUNSUPPORTED,
                             "session %d of '%s' has no data track: rip it with --format "
                             "bincue",
                             r->session, r->source);
    if (!data_tracks)
        return dw__set_error(r->err, DW_EUNSUPPORTED,
                             "the disc in '%s' has no data track: rip it with --format bincue",
                             r->source);
    r->total_sectors = 0;
    for (int i = 0; i < disc->track_count; i++)
        if (dw_track_is_data(&disc->tracks[i]) && IN_SESSION(&disc->tracks[i]))
            r->total_sectors += dw_track_length_sectors(&disc->tracks[i]);
    int done = 0;
    for (int i = 0; i < disc->track_count && !rc; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (!dw_track_is_data(t) || !IN_SESSION(t))
            continue;
        char path[4096];
        if (done++ == 0) {
            snprintf(path, sizeof(path), "%s", r->image_path);
        } else {
            char ext[16];
            snprintf(ext, sizeof(ext), "-%02d.iso", t->number);
            if (path_join(path, sizeof(path), r->opts->output_dir, r->name, ext))
                return dw__set_error(r->err, DW_EINVAL, "output path too long");
        }
        rc = rip_iso_track(r, t, path, is_cd);
        if (!rc && done == 1)
            rc = dw__rip_report_set_output(r->rep, DW__RR_OUT_IMAGE, path);
    }
#undef IN_SESSION
    return rc;
}

/* ---- the Q sub-channel scan ------------------------------------------------ */

/* For drive sources that are CDs, refine the layout from the Q
 * sub-channel (dw_disc_qscan) unless told not to; images carry their own.
 * On success *refined is the refined disc, owned by the report as its
 * layout (NULL when the TOC's layout stands), and the report's qscan is
 * filled.  Returns 0, or a fatal
 * error (no medium, stopped by the caller) with r->err set. */
static int rip_qscan(struct dw__rip *r, bool iso, struct dw_disc **refined)
{
    struct dw__rr_qscan *qs = &r->rep->qscan;
    const struct dw_drive_info *info = &r->rep->source;
    const char *skip = NULL;
    struct dw_disc *disc = NULL;
    int rc = 0;

    *refined = NULL;
    qs->present = true;
    if (info->kind != DW_DRIVE_MMC)
        skip = "an image carries its layout";
    else if (!r->rep->medium.is_cd)
        skip = "not a CD";
    else if (iso)
        skip = "not needed for --format iso";
    else if (r->opts->flags & DW_RIP_NO_QSCAN)
        skip = "--no-qscan: the layout is the TOC's";
    if (skip) {
        snprintf(qs->skipped, sizeof(qs->skipped), "%s", skip);
        dw__riplog_qscan(r);
        return 0;
    }
    qs->result = malloc(sizeof(*qs->result));
    disc = dw_disc_clone(r->disc);
    if (!qs->result || !disc) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    rc = dw_disc_qscan(r->drive, disc, NULL, r->cb, qs->result);
    if (rc == DW_ENOMEDIUM || rc == DW_EABORTED || rc == DW_ENOMEM) {
        if (rc == DW_EABORTED)
            dw__set_error(r->err, rc, "stopped during the Q sub-channel scan");
        else
            *r->err = *dw_drive_last_error(r->drive);
        r->err->code = rc;
        qs->present = false;
        goto out;
    }
    if (rc) {
        const char *why = dw_drive_last_error(r->drive)->message;
        snprintf(qs->error, sizeof(qs->error), "%s", why[0] ? why : dw_strerror(rc));
        dw__riplog_qscan(r);
        rc = 0;
        goto out;
    }
    qs->ran = true;
    r->rep->layout = disc; /* the report owns it */
    *refined = disc;
    disc = NULL;
    dw__riplog_qscan(r);
out:
    if (!qs->ran) {
        free(qs->result);
        qs->result = NULL;
    }
    dw_disc_free(disc);
    return rc;
}

/* A drive without accurate stream can return audio shifted with no C2
 * flag (jitter): secure mode then reads every window twice and compares,
 * as test-and-copy does.  What the drive's page 2Ah says now wins over its
 * profile's claim; the profile counts when the drive does not answer. */
static void rip_accurate_stream(struct dw__rip *r, enum dw_probe_state now,
                                enum dw_probe_state profile)
{
    enum dw_probe_state s = now != DW_PROBE_UNKNOWN ? now : profile;
    if (now != DW_PROBE_UNKNOWN && profile != DW_PROBE_UNKNOWN && now != profile)
        dw__rip_log(r, DW_LOG_WARN,
                    "accurate stream: the drive says %s now (MODE SENSE page 2Ah), its profile "
                    "says %s: the drive's answer counts",
                    dw_probe_state_name(now), dw_probe_state_name(profile));
    if (s == DW_PROBE_UNSUPPORTED && r->opts->mode == DW_RIP_SECURE) {
        r->test_pass = true;
        dw__rip_log(r, DW_LOG_INFO, "the drive has no accurate stream (%s): secure mode reads "
                                    "every sector twice and compares (test and copy)",
                    now != DW_PROBE_UNKNOWN ? "its page 2Ah" : "its profile");
    }
}

/* The drive's profile (drive_profile.h), when one was saved by `drives
 * --probe --save`: C2 support and the cache size steer secure mode. */
static void rip_drive_profile(struct dw__rip *r)
{
    struct dw__rr_drive_profile *d = &r->rep->drive_profile;
    const struct dw_drive_info *info = &r->rep->source;
    struct dw_error_detail e;
    d->present = true;
    enum dw_probe_state now = dw__accurate_stream_now(r->drive);
    int rc = dw_drive_profile_load(info->vendor, info->model, &d->profile, &e);
    if (rc) {
        rip_accurate_stream(r, now, DW_PROBE_UNKNOWN);
        dw__riplog_drive_profile(r, rc, e.message);
        return;
    }
    d->found = true;
    const struct dw_drive_profile *p = &d->profile;
    if (p->c2 == DW_PROBE_UNSUPPORTED)
        r->secure_have_c2 = false;
    rip_accurate_stream(r, now, p->accurate_stream);
    d->test_pass = r->test_pass;
    /* A read this far away cannot come from the cache: its size plus a
     * margin, never nearer than the default. */
    if (p->cache_sectors > 0 && p->cache_sectors + p->cache_sectors / 4 > r->cache_defeat_sectors)
        r->cache_defeat_sectors = p->cache_sectors + p->cache_sectors / 4;
    d->cache_defeat_sectors = r->cache_defeat_sectors;
    dw__riplog_drive_profile(r, 0, NULL);
}

/* The bin's sectors below lba (session gaps are not in the bin). */
static int64_t bin_sectors_below(const struct dw__rip *r, int32_t lba)
{
    int64_t n = 0;
    for (int i = 0; i < r->disc->track_count; i++) {
        const struct dw_track *t = &r->disc->tracks[i];
        int32_t f = dw_track_first_lba(t) < r->bin_first_lba ? r->bin_first_lba
                                                              : dw_track_first_lba(t);
        int32_t e = t->end_lba < lba ? t->end_lba : lba;
        if (e > f)
            n += e - f;
    }
    return n;
}

static bool in_ranges(const struct dw__lba_ranges *rs, int32_t lba)
{
    for (int i = 0; i < rs->count; i++)
        if (lba >= rs->r[i].first_lba && lba <= rs->r[i].last_lba)
            return true;
    return false;
}

/* The report's sector map summary: the map file and how many of the bin's
 * sectors are in each state (rip/ripmap.h). */
static void sector_map_summary(struct dw__rip *r)
{
    struct dw_rip_report *rep = r->rep;
    int64_t total = bin_sectors_below(r, r->bin_end_lba);
    int64_t untried = total - bin_sectors_below(r, r->final_lba), confirmed = 0;
    for (int i = 0; i < r->reread.count; i++)
        for (int32_t k = r->reread.r[i].first_lba; k <= r->reread.r[i].last_lba; k++)
            confirmed += !in_ranges(&r->bad, k);
    memset(rep->map_bad_by_state, 0, sizeof(rep->map_bad_by_state));
    for (int i = 0; i < r->bad.count; i++)
        rep->map_bad_by_state[dw__ripmap_bad_state_index(r->bad.r[i].detail)] +=
            r->bad.r[i].last_lba - r->bad.r[i].first_lba + 1;
    rep->have_sector_map = true;
    rep->map_sectors = total;
    rep->map_final_lba = r->final_lba;
    rep->map_untried = untried;
    rep->map_confirmed = confirmed;
    rep->map_read = total - untried - confirmed - r->bad.sectors;
}

/* --resume: load NAME.map, check it belongs to this disc and that the
 * earlier run's bytes are there: an interrupted rip's NAME.bin.part (which
 * is continued), or a complete rip's NAME.bin (read while a new .part is
 * written, so it stays intact until the new one replaces it). */
static int resume_prepare(struct dw__rip *r)
{
    struct dw__ripmap *m = calloc(1, sizeof(*m));
    if (!m)
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    int rc = dw__ripmap_load(r->map_path, m, r->err);
    if (rc == DW_ENOENT) {
        free(m);
        memset(r->err, 0, sizeof(*r->err));
        dw__rip_log(r, DW_LOG_INFO, "--resume: there is no map '%s': ripping from the start",
                    r->map_path);
        unlink(r->map_path);
        return 0;
    }
    if (rc) {
        free(m);
        return rc;
    }
    char part[4200];
    snprintf(part, sizeof(part), "%s.part", r->image_path);
    if (strcmp(m->toc, r->toc_fingerprint) != 0 || m->bin_first_lba != r->bin_first_lba ||
        m->bin_end_lba != r->bin_end_lba) {
        rc = dw__set_error(r->err, DW_EMISMATCH,
                           "'%s' is the map of another disc (its TOC differs from this one's): "
                           "rip into another directory or with another --name",
                           r->map_path);
    } else if (m->complete) {
        struct stat st;
        int64_t need = bin_sectors_below(r, r->bin_end_lba) * DW_SECTOR_RAW_BYTES;
        r->resume_bin = fopen(r->image_path, "rb");
        if (!r->resume_bin)
            rc = dw__set_error(r->err, DW_ENOENT,
                               "'%s' says the rip is complete but '%s' cannot be read (%s): rip "
                               "again without --resume",
                               r->map_path, r->image_path, strerror(errno));
        else if (fstat(fileno(r->resume_bin), &st) != 0 || st.st_size != need)
            rc = dw__set_error(r->err, DW_ETRUNC,
                               "'%s' is not the %lld bytes '%s' says: rip again without "
                               "--resume",
                               r->image_path, (long long)need, r->map_path);
    } else {
        struct stat st;
        int64_t need = bin_sectors_below(r, m->final_lba) * DW_SECTOR_RAW_BYTES;
        if (stat(part, &st) != 0 || st.st_size < need)
            rc = dw__set_error(r->err, DW_ETRUNC,
                               "'%s' is missing or shorter than '%s' says (%lld bytes): rip "
                               "again without --resume",
                               part, r->map_path, (long long)need);
    }
    if (rc) {
        if (r->resume_bin)
            fclose(r->resume_bin);
        r->resume_bin = NULL;
        dw__ripmap_release(m);
        free(m);
        return rc;
    }
    r->resume = m;
    struct dw__rr_resume *rs = &r->rep->resume;
    rs->present = true;
    if (!(rs->map = strdup(r->map_path)))
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    rs->earlier_complete = m->complete;
    snprintf(rs->earlier_mode, sizeof(rs->earlier_mode), "%s", m->mode);
    rs->final_lba = m->final_lba;
    rs->sectors_kept = bin_sectors_below(r, m->final_lba) - m->bad.sectors;
    rs->bad_sectors_read_again = m->bad.sectors;
    dw__riplog_resume(r);
    return 0;
}

/* After a failed rip: keep NAME.bin.part and save the map when some of it
 * is final (the rip can be resumed), else remove it. */
static void rip_keep_or_drop(struct dw__rip *r)
{
    bool from_complete = r->resume && r->resume->complete;
    if (!r->image.part_path) {
        return;
    } else if (from_complete || !r->map_path[0] || r->final_lba <= r->bin_first_lba ||
               access(r->map_path, F_OK) != 0) {
        /* Nothing a --resume could go on from: no sector map was written
         * (the first flush of the image failed, as on a full disk). */
        dw__outfile_abort(&r->image);
        if (!r->resume)
            unlink(r->map_path);
    } else {
        dw__outfile_keep(&r->image);
    }
}

/* After a failed rip, before the log is closed: save the map and say how
 * to go on. */
static void rip_note_resumable(struct dw__rip *r)
{
    bool from_complete = r->resume && r->resume->complete;
    if (!r->image.part_path || from_complete || !r->map_path[0] ||
        r->final_lba <= r->bin_first_lba)
        return;
    struct dw_error_detail keep = *r->err; /* the rip's error, not the map's */
    int rc = dw__ripmap_save(r, r->final_lba, false, true);
    if (rc == 0 || (r->resume && r->final_lba <= r->resume->final_lba))
        dw__rip_log(r, DW_LOG_WARN,
                    "the sectors below LBA %d are kept in '%s' with the map '%s': run the same "
                    "rip with --resume to go on from there",
                    r->resume && r->resume->final_lba > r->final_lba ? r->resume->final_lba
                                                                     : r->final_lba,
                    r->image.part_path, r->map_path);
    *r->err = keep;
}

/* The job's start: the source, its medium and TOC into the report, the
 * output paths.  Nothing is written yet.  Returns 0 or DW_E* with r->err
 * set. */
static int rip_begin(struct dw__rip *r, char *stem, size_t stem_bytes)
{
    struct dw_rip_report *rep = r->rep;
    const struct dw_rip_opts *opts = r->opts;
    int rc;
    dw_drive_info(r->drive, &rep->source);
    r->source = rep->source.address;
    if ((rc = dw_drive_medium(r->drive, &rep->medium))) {
        *r->err = *dw_drive_last_error(r->drive);
        if (!r->err->message[0])
            dw__set_error(r->err, rc, "cannot read the medium in '%s'", r->source);
        r->err->code = rc;
        return rc;
    }
    r->disc = dw_drive_disc(r->drive);
    if (!r->disc) {
        *r->err = *dw_drive_last_error(r->drive);
        return r->err->code ? r->err->code : (r->err->code = DW_EIO);
    }
    if (!(rep->toc = dw_disc_clone(r->disc)))
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    rep->have_source = true;
    dw__ripmap_toc(r->disc, r->toc_fingerprint, sizeof(r->toc_fingerprint));
    snprintf(r->drive_name, sizeof(r->drive_name), "%s %s", rep->source.vendor,
             rep->source.model);
    /* an ISO image, plain or in a container (CSO, DMG, iso.gz), has its
     * sectors rebuilt; a DVD or BD has no raw sectors */
    if (!rep->iso && !rep->medium.is_cd &&
        strcmp(rep->medium.profile_name, "ISO image file") != 0)
        return dw__set_error(r->err, DW_EUNSUPPORTED,
                             "'%s' holds a %s, which has no raw 2352-byte sectors: rip it with "
                             "--format iso",
                             r->source, rep->medium.profile_name);
    /* A CD's Q time ends at 99:59:74 (LBA 449849): a longer layout (a DVD
     * image taken for a 2048-byte CD track) would have every sector past
     * it re-read as bad.  Said before anything is read. */
    if (!rep->iso && r->disc->leadout_lba > 449850)
        return dw__set_error(r->err, DW_EUNSUPPORTED,
                             "'%s' is %ld sectors long, more than a CD can hold (a CD ends at "
                             "LBA 449850, 100 minutes): rip it with --format iso",
                             r->source, (long)r->disc->leadout_lba);
    bool pattern = dw__rip_name_is_pattern(opts); /* checked by dw__rip_audio_check */
    if (opts->name && !pattern && (rc = dw__rip_name_check(opts->name, r->err)))
        return rc;
    if ((rc = dw__ensure_dir(opts->output_dir, r->err)))
        return rc;
    r->name = opts->name && !pattern ? opts->name : source_stem(r->source, stem, stem_bytes);
    bool iso = rep->iso;
    if (path_join(r->image_path, sizeof(r->image_path), opts->output_dir, r->name,
                  iso ? ".iso" : ".bin") ||
        path_join(r->log_path, sizeof(r->log_path), opts->output_dir, r->name, ".log") ||
        path_join(r->report_path, sizeof(r->report_path), opts->output_dir, r->name, ".json") ||
        (!iso && path_join(r->cue_path, sizeof(r->cue_path), opts->output_dir, r->name, ".cue")) ||
        (!iso && path_join(r->map_path, sizeof(r->map_path), opts->output_dir, r->name, ".map")))
        return dw__set_error(r->err, DW_EINVAL, "output path too long");
    return dw__rip_outset_check(r);
}

/* Before reading: the drive profile, the read offset, the Q scan (the
 * layout the bin is cut by and the cue describes: the TOC's, refined from
 * the Q sub-channel on drives), the extra outputs. */
static int rip_prepare(struct dw__rip *r)
{
    struct dw_rip_report *rep = r->rep;
    struct dw_disc *refined = NULL;
    bool iso = rep->iso;
    if (rep->source.kind == DW_DRIVE_MMC)
        rip_drive_profile(r);
    int rc = dw__rip_offset_setup(r, &rep->source, iso);
    if (!rc)
        rc = rip_qscan(r, iso, &refined);
    if (refined) {
        r->disc = refined; /* owned by rep->layout */
        dw__riplog_layout(r);
    } else if (!rc && !(rep->layout = dw_disc_clone(r->disc))) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
    }
    if (!rc)
        rc = dw__rip_extras_check(r, iso);
    if (!rc)
        rc = dw__rip_audio_check(r);
    r->sector_bytes = iso ? DW_SECTOR_USER_BYTES : DW_SECTOR_RAW_BYTES;
    r->medium_profile = rep->medium.profile;
    /* MMC-6 profiles 40h-43h are BD, 10h-2Bh DVD (REFERENCE.md speeds). */
    if (!rep->medium.is_cd && rep->medium.profile >= 0x40)
        r->media_1x_bytes_per_s = 4495500;
    else if (!rep->medium.is_cd && rep->medium.profile >= 0x10)
        r->media_1x_bytes_per_s = 1385000;
    return rc;
}

/* A BIN/CUE rip from the bin's first sector to its last: the reading, the
 * map, the checksums, the databases, the extra outputs. */
static int rip_run_bincue(struct dw__rip *r)
{
    const struct dw_disc *disc = r->disc;
    int32_t first = dw_track_first_lba(&disc->tracks[0]);
    first = first < 0 ? 0 : first;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        int32_t f = dw_track_first_lba(t) < first ? first : dw_track_first_lba(t);
        r->total_sectors += t->end_lba - f;
    }
    r->bin_first_lba = r->final_lba = first;
    r->bin_end_lba = disc->tracks[disc->track_count - 1].end_lba;
    int rc = ar_setup(r);
    if (rc)
        return dw__set_error(r->err, rc, "out of memory");
    if (r->opts->flags & DW_RIP_RESUME)
        rc = resume_prepare(r);
    else
        unlink(r->map_path); /* a new rip: an old map describes another .part */
    if (!rc)
        rc = rip_bincue(r);
    if (!rc) /* every sector final; "complete" once the set is renamed into place */
        rc = dw__ripmap_save(r, r->bin_end_lba, false, true);
    if (!rc)
        rc = ar_finish(r);
    if (!rc)
        dw__rip_accuraterip(r);
    if (!rc && r->aborted) /* stopped during a database lookup */
        rc = r->err->code ? r->err->code : DW_EABORTED;
    if (!rc)
        rc = dw__rip_extras_write(r);
    if (!rc)
        rc = dw__rip_audio_write(r);
    return rc;
}

/* The verdict: audio read from a drive is "accurate" only when a database
 * confirmed every audio track; without that it is read (and in secure
 * mode checked by C2 and re-reads) but unconfirmed.  An image is copied,
 * not read from a disc: nothing to confirm. */
static void rip_verdict(struct dw__rip *r, int rc)
{
    struct dw_rip_report *rep = r->rep;
    int audio_tracks = 0, confirmed = 0;
    bool from_drive = rep->source.kind == DW_DRIVE_MMC && !rep->iso;
    for (int i = 0; from_drive && i < r->ar_count; i++) {
        audio_tracks++;
        confirmed += dw__rip_track_confirmed(r->acc, r->ar[i].number);
    }
    rep->audio_tracks = audio_tracks;
    rep->audio_tracks_confirmed = confirmed;
    if (rc) {
        rep->exit_status = 1;
        rep->verdict = DW_RIP_VERDICT_FAILED;
        snprintf(rep->verdict_text, sizeof(rep->verdict_text), "failed");
        snprintf(rep->error, sizeof(rep->error), "%s",
                 r->err->message[0] ? r->err->message : dw_strerror(rc));
    } else if (rep->bad.sectors) {
        rep->exit_status = 3;
        rep->verdict = DW_RIP_VERDICT_BAD_SECTORS;
        snprintf(rep->verdict_text, sizeof(rep->verdict_text), "finished with bad sectors");
    } else if (confirmed < audio_tracks) {
        rep->exit_status = 5;
        rep->verdict = DW_RIP_VERDICT_UNCONFIRMED;
        snprintf(rep->verdict_text, sizeof(rep->verdict_text),
                 "%s, unconfirmed: no bad sectors, but %d of %d audio tracks have no "
                 "AccurateRip or CTDB match",
                 dw__rip_mode_name(r->opts->mode), audio_tracks - confirmed, audio_tracks);
    } else {
        rep->exit_status = 0;
        rep->verdict = DW_RIP_VERDICT_OK;
        snprintf(rep->verdict_text, sizeof(rep->verdict_text), "%s",
                 audio_tracks ? "accurate: every audio track matches AccurateRip or CTDB"
                              : "ok");
    }
}

/* The totals and the damage into the report.  Returns 0 or DW_ENOMEM. */
static int rip_totals(struct dw__rip *r, double t0)
{
    struct dw_rip_report *rep = r->rep;
    dw__utc_now(rep->finished);
    rep->seconds = dw__now_seconds() - t0;
    rep->sectors_read = r->done_sectors;
    rep->sectors_kept = r->kept_sectors;
    rep->paranoia_events = r->paranoia_events;
    if (r->map_path[0] && !rep->iso && r->bin_end_lba > r->bin_first_lba) {
        sector_map_summary(r);
        dw__rip_report_set_output(rep, DW__RR_OUT_MAP, r->map_path);
    }
    /* Copies: the map saved at the very end still needs the rip's own. */
    dw__ranges_release(&rep->reread);
    dw__ranges_release(&rep->bad);
    dw__ranges_release(&rep->ecc_repaired);
    if (dw__ranges_copy(&rep->reread, &r->reread) || dw__ranges_copy(&rep->bad, &r->bad) ||
        dw__ranges_copy(&rep->ecc_repaired, &r->ecc_repaired))
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    rep->have_totals = true;
    return 0;
}

/* Rename the finished set into place: the image, the outputs in the order
 * they were written, the report, the log; then the map says "complete"
 * and an earlier set's members this rip did not write go. */
static int rip_commit(struct dw__rip *r, struct dw__outfile *report_file)
{
    /* Audio formats: the track files replace the bin. */
    int rc = r->audio ? 0 : dw__outfile_rename(&r->image, r->err);
    for (int i = 0; !rc && i < r->pending_count; i++)
        rc = dw__outfile_rename(&r->pending[i], r->err);
    if (!rc)
        rc = dw__outfile_rename(report_file, r->err);
    if (!rc)
        rc = dw__outfile_rename(&r->log, r->err);
    if (!rc && r->audio) {
        dw__outfile_abort(&r->image); /* the bin's .part: cut into the track files */
        if (r->map_path[0])
            unlink(r->map_path);      /* it describes that bin */
    } else if (!rc && r->map_path[0] && !r->rep->iso) {
        rc = dw__ripmap_save(r, r->bin_end_lba, true, true);
    }
    if (!rc && (r->opts->flags & DW_RIP_OVERWRITE))
        dw__rip_outset_stale(r, true);
    return rc;
}

/* After a failure: the outputs waiting to be renamed go, and the report
 * names only the log that stays (as NAME.log.part). */
static void rip_drop_pending(struct dw__rip *r)
{
    for (int i = 0; i < r->pending_count; i++)
        dw__outfile_abort(&r->pending[i]);
    r->pending_count = 0;
    for (int k = 0; k < DW__RR_OUT_KINDS; k++)
        if (k != DW__RR_OUT_LOG && k != DW__RR_OUT_MAP) /* the map stays for --resume */
            dw__rip_report_set_output(r->rep, (enum dw__rr_output_kind)k, NULL);
    if (r->log.part_path)
        dw__rip_report_set_output(r->rep, DW__RR_OUT_LOG, r->log.part_path);
    else
        dw__rip_report_set_output(r->rep, DW__RR_OUT_LOG, NULL);
}

/* The end: the log's summary and signature; after a success the report and
 * the log are finished and the whole set renamed into place; after a
 * failure the image's .part is kept for --resume or removed, the other
 * outputs are removed, and the log stays as NAME.log.part as evidence. */
static int rip_finish(struct dw__rip *r, int rc)
{
    struct dw_rip_report *rep = r->rep;
    struct dw__outfile report_file = {0};
    if (rc)
        rip_drop_pending(r);
    else if (r->opts->flags & DW_RIP_OVERWRITE)
        dw__rip_outset_stale(r, false);
    if (r->log.fp) {
        dw__riplog_summary(r);
        if (dw__rip_sign_log(r) && !rc) {
            rc = r->err->code ? r->err->code : DW_EIO;
            rip_drop_pending(r);
            rip_verdict(r, rc);
        }
    }
    const char *text = dw_rip_report_json(rep);
    if (!rc && r->log.fp) {
        rc = text ? dw__outfile_open(&report_file, r->report_path, r->err)
                  : dw__set_error(r->err, DW_ENOMEM, "out of memory");
        if (!rc) {
            fputs(text, report_file.fp);
            fputc('\n', report_file.fp);
            rc = dw__outfile_finish(&report_file, r->err);
        }
        if (!rc)
            rc = dw__outfile_finish(&r->log, r->err);
        if (!rc)
            rc = rip_commit(r, &report_file);
        if (rc) {
            dw__outfile_abort(&report_file);
            rip_drop_pending(r);
        }
    }
    if (rc) {
        rip_keep_or_drop(r);
        if (r->log.fp)
            fflush(r->log.fp);
        dw__outfile_keep(&r->log);
    }
    return rc;
}

static void rip_release(struct dw__rip *r)
{
    dw__rip_paranoia_release(r);
    dw__rip_audio_release(r);
    ar_release(r);
    if (r->resume) {
        dw__ripmap_release(r->resume);
        free(r->resume);
    }
    if (r->resume_bin)
        fclose(r->resume_bin);
    dw__ranges_release(&r->reread);
    dw__ranges_release(&r->bad);
    dw__ranges_release(&r->ecc_repaired);
}

#define RIP_FLAGS                                                                          \
    (DW_RIP_NO_QSCAN | DW_RIP_READ_OFFSET | DW_RIP_NO_ACCURATERIP | DW_RIP_SUBCHANNEL |     \
     DW_RIP_TOC | DW_RIP_RESUME | DW_RIP_HTOA_FILE | DW_RIP_OVERWRITE)

static int rip_main(struct dw_drive *drive, const struct dw_rip_opts *opts, int session,
                    const struct dw_callbacks *cb, struct dw_rip_report **report,
                    struct dw_error_detail *err);

int dw_rip(struct dw_drive *drive, const struct dw_rip_opts *opts,
           const struct dw_callbacks *cb, struct dw_rip_report **report,
           struct dw_error_detail *err)
{
    return rip_main(drive, opts, 0, cb, report, err);
}

int dw_rip_session(struct dw_drive *drive, const struct dw_rip_opts *opts, int session,
                   const struct dw_callbacks *cb, struct dw_rip_report **report,
                   struct dw_error_detail *err)
{
    if (report)
        *report = NULL;
    if (session < 1 || !opts || opts->format != DW_RIP_ISO) {
        if (err)
            memset(err, 0, sizeof(*err));
        return dw__set_error(err, DW_EINVAL,
                             session < 1 ? "a session number starts at 1"
                                         : "one session is ripped with --format iso only");
    }
    return rip_main(drive, opts, session, cb, report, err);
}

static int rip_main(struct dw_drive *drive, const struct dw_rip_opts *opts, int session,
                    const struct dw_callbacks *cb, struct dw_rip_report **report,
                    struct dw_error_detail *err)
{
    struct dw__rip r = {0};
    struct dw_error_detail local;
    char stem[1024];
    int rc;
    if (!err)
        err = &local;
    memset(err, 0, sizeof(*err));
    if (report)
        *report = NULL;
    if (!drive || !opts || !opts->output_dir || (opts->flags & ~RIP_FLAGS))
        return dw__set_error(err, DW_EINVAL,
                             !opts || !opts->output_dir ? "no output directory given"
                                                        : "unknown rip flags");
    struct dw_rip_report *rep = dw__rip_report_new();
    if (!rep || (opts->command_line && !(rep->command_line = strdup(opts->command_line))) ||
        (opts->profile_name && !(rep->profile_name = strdup(opts->profile_name))) ||
        (opts->profile_file && !(rep->profile_file = strdup(opts->profile_file)))) {
        dw_rip_report_free(rep);
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    }
    r.drive = drive;
    r.opts = opts;
    r.cb = cb;
    r.err = err;
    r.rep = rep;
    r.lock_fd = -1;
    r.session = session;
    r.retries = opts->data_retries < 0 ? DEFAULT_DATA_RETRIES : opts->data_retries;
    r.secure_have_c2 = true;
    r.cache_defeat_sectors = 2000;
    r.test_pass = opts->mode == DW_RIP_TEST_AND_COPY;
    rep->iso = opts->format == DW_RIP_ISO;
    rep->mode = opts->mode;
    rep->data_retries = r.retries;
    rep->qscan_asked = !(opts->flags & DW_RIP_NO_QSCAN);
    dw__utc_now(rep->started);
    double t0 = dw__now_seconds();

    rc = rip_begin(&r, stem, sizeof(stem));
    if (!rc && !(rc = dw__outfile_open(&r.log, r.log_path, err))) {
        dw__rip_report_set_output(rep, DW__RR_OUT_LOG, r.log_path);
        dw__rip_report_set_output(rep, DW__RR_OUT_REPORT, r.report_path);
        dw_drive_lock(drive, true);
        dw__riplog_header(&r, dw_drive_warnings(drive));
        rc = rip_prepare(&r);
        if (!rc)
            rc = rep->iso ? rip_iso(&r, rep->medium.is_cd) : rip_run_bincue(&r);
        dw__rip_progress(&r, 0, true);
        if (rc)
            rip_note_resumable(&r);
        dw_drive_lock(drive, false);
    }
    if (rip_totals(&r, t0) && !rc)
        rc = DW_ENOMEM;
    rip_verdict(&r, rc);
    rc = rip_finish(&r, rc);
    if (rc && rep->exit_status != 1) {
        rip_verdict(&r, rc); /* committing the report or the log failed */
        free(rep->json);
        rep->json = NULL;
    }
    rip_release(&r);
    dw__rip_outset_unlock(&r);
    if (report)
        *report = rep;
    else
        dw_rip_report_free(rep);
    return rc;
}
