/* Rip: plan, read, check, write.
 *
 * Sectors stream from the drive through the checks into the writer in
 * bounded buffers (one transfer at a time); memory follows the damage (LBA
 * range lists), never the disc size.
 */
#include <errno.h>
#include <libgen.h>
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
#include "rip/rip_int.h"
#include "rip/ripmap.h"
#include "rip/secure.h"
#include "util.h"

#define DEFAULT_DATA_RETRIES 4

/* Why a sector stayed bad, from a range detail: a packed SCSI sense
 * (key << 16 | ASC << 8 | ASCQ, SPC-4), a DW_E* code, or a sector verdict. */
static void bad_reason(int32_t detail, char *out, size_t out_bytes)
{
    if (detail >= 0x10000)
        snprintf(out, out_bytes, "unreadable, sense %X/%02X/%02X", detail >> 16,
                 (detail >> 8) & 0xff, detail & 0xff);
    else if (detail == DW__BAD_PARANOIA_SKIP)
        snprintf(out, out_bytes, "unreadable: no read delivered it (libcdio-paranoia filled it in)");
    else if (detail == DW__BAD_SECURE_UNCONFIRMED)
        snprintf(out, out_bytes, "unconfirmed: no two clean re-reads agreed");
    else if (detail == DW__BAD_JITTER_UNCONFIRMED)
        snprintf(out, out_bytes, "jitter-unconfirmed: no read was proven to start where it "
                                 "should");
    else if (detail == DW__BAD_PARANOIA_EDGE)
        snprintf(out, out_bytes, "next to unreadable sectors (libcdio-paranoia may have "
                                 "altered it)");
    else if (detail < 0)
        snprintf(out, out_bytes, "unreadable, %s", dw_strerror(detail));
    else
        snprintf(out, out_bytes, "%s", dw_sector_verdict_name((enum dw_sector_verdict)detail));
}

static json_object *json_bad_ranges(const struct dw__lba_ranges *rs)
{
    json_object *a = dw__json_ranges(rs, NULL);
    for (int i = 0; i < rs->count; i++) {
        char why[96];
        bad_reason(rs->r[i].detail, why, sizeof(why));
        json_object_object_add(json_object_array_get_idx(a, (size_t)i), "reason",
                               json_object_new_string(why));
    }
    return a;
}

void dw__rip_log(struct dw__rip *r, enum dw_log_level level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (r->log.fp)
        fprintf(r->log.fp, "%s%s\n",
                level == DW_LOG_WARN ? "warning: " : level == DW_LOG_ERROR ? "error: " : "", line);
    if (r->cb && r->cb->log)
        r->cb->log(level, line, r->cb->user);
}

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

/* A data sector that failed its check: repair it from its ECC P/Q parity
 * (ECMA-130 Annex A), first alone, then with the C2 error pointers of one
 * more read as erasures when the drive has them.  A repair counts only when
 * the sector then passes every check (EDC included).  Sectors whose EDC is
 * good but whose parity is not are left as read: the parity is what the
 * disc holds (some protections write it so).  Returns true when raw now
 * holds a good sector. */
static bool ecc_repair(struct dw__rip *r, const struct dw_track *t, int32_t lba, uint8_t *raw)
{
    enum dw_sector_verdict v = dw_sector_check(raw, lba, NULL);
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
        if (rc == DW_ENOMEDIUM || rc == DW_ENOMEM || rc == DW_ENODRIVE)
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
        *verdict = dw_sector_check(raw, lba, NULL);
        if (*verdict == DW_SECTOR_GOOD || ecc_repair(r, t, lba, raw))
            return 0;
    }
    if (!got_any)
        memset(raw, 0, DW_SECTOR_RAW_BYTES);
    return 1;
}

/* Read [lba, lba+n) raw into buf (n <= transfer), checking data sectors and
 * re-reading the failures one by one.  Bad sectors are recorded. */
int dw__rip_read_checked(struct dw__rip *r, const struct dw_track *t, int32_t lba, int32_t n,
                         uint8_t *buf)
{
    int rc = dw__rip_read_raw(r, t, lba, n, buf);
    bool bulk_ok = rc == 0;
    if (rc == DW_ENOMEDIUM || rc == DW_ENOMEM || rc == DW_ENODRIVE)
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
            v = dw_sector_check(raw, lba + i, NULL);
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
            bad_reason(sense ? sense : (int32_t)v, why, sizeof(why));
            dw__rip_log(r, DW_LOG_WARN, "sector %d (track %d) stays bad after %d re-reads: %s",
                        lba + i, t->number, attempts, why);
        }
    }
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

/* Per-track AccurateRip/EAC values and the disc ids, into the report and
 * the log; frees the checksum state. */
static void ar_finish(struct dw__rip *r, json_object *report)
{
    struct dw_disc_ids ids;
    json_object *tracks = json_object_new_array();
    for (int i = 0; i < r->ar_count; i++) {
        struct dw__ar_track *a = &r->ar[i];
        struct dw_ar_checksums c;
        uint32_t copy = 0, nonull = 0;
        char v1[9], v2[9], f450[9], cc[9], cn[9];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "number", json_object_new_int(a->number));
        if (dw_ar_calc_final(a->calc, &c) == 0 && dw_eac_crc_final(a->crc, &copy, &nonull) == 0) {
            snprintf(v1, sizeof(v1), "%08x", c.v1);
            snprintf(v2, sizeof(v2), "%08x", c.v2);
            snprintf(f450, sizeof(f450), "%08x", c.frame450);
            snprintf(cc, sizeof(cc), "%08X", copy);
            snprintf(cn, sizeof(cn), "%08X", nonull);
            json_object_object_add(o, "accuraterip_v1", json_object_new_string(v1));
            json_object_object_add(o, "accuraterip_v2", json_object_new_string(v2));
            json_object_object_add(o, "frame450",
                                   c.has_frame450 ? json_object_new_string(f450) : NULL);
            json_object_object_add(o, "eac_copy_crc", json_object_new_string(cc));
            json_object_object_add(o, "eac_crc_without_nulls", json_object_new_string(cn));
            dw__rip_log(r, DW_LOG_INFO,
                        "track %02d: AccurateRip v1 %s  v2 %s  frame-450 %s  copy CRC %s  "
                        "CRC without nulls %s",
                        a->number, v1, v2, c.has_frame450 ? f450 : "-", cc, cn);
        } else {
            json_object_object_add(o, "error", json_object_new_string("incomplete track"));
        }
        json_object_array_add(tracks, o);
    }
    json_object_object_add(report, "audio_checksums", tracks);
    if (r->ar_count && dw_disc_ids_compute(r->disc, 0, &ids) == 0) {
        char id1[9], id2[9], cddb[9];
        json_object *o = json_object_new_object();
        snprintf(id1, sizeof(id1), "%08x", ids.ar_id1);
        snprintf(id2, sizeof(id2), "%08x", ids.ar_id2);
        snprintf(cddb, sizeof(cddb), "%08x", ids.cddb_id);
        json_object_object_add(o, "accuraterip_id1", json_object_new_string(id1));
        json_object_object_add(o, "accuraterip_id2", json_object_new_string(id2));
        json_object_object_add(o, "accuraterip_path", json_object_new_string(ids.ar_path));
        json_object_object_add(o, "cddb", json_object_new_string(cddb));
        json_object_object_add(o, "musicbrainz", json_object_new_string(ids.musicbrainz_id));
        json_object_object_add(o, "ctdb_toc_id", json_object_new_string(ids.ctdb_toc_id));
        json_object_object_add(report, "disc_ids", o);
        dw__rip_log(r, DW_LOG_INFO, "disc ids: CDDB %s  MusicBrainz %s  AccurateRip %s",
                    cddb, ids.musicbrainz_id, ids.ar_path);
    }
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
                     uint8_t *buf, int32_t transfer, struct dw_hash *image_hash,
                     struct dw_hash *track_hash)
{
    FILE *src = r->resume_bin ? r->resume_bin : r->image.fp;
    if (r->resume_bin &&
        fseeko(src, (off_t)bin_sectors_below(r, first) * DW_SECTOR_RAW_BYTES, SEEK_SET) != 0)
        return dw__set_error(r->err, DW_EIO, "cannot seek in '%s'", r->result->image_path);
    for (int32_t lba = first; lba < end;) {
        int32_t n = end - lba < transfer ? end - lba : transfer;
        size_t bytes = (size_t)n * DW_SECTOR_RAW_BYTES;
        if (fread(buf, 1, bytes, src) != bytes)
            return dw__set_error(r->err, DW_ETRUNC,
                                 "'%s' is shorter than its map says (at LBA %d): remove it and "
                                 "the .map and rip again without --resume",
                                 r->resume_bin ? r->result->image_path : r->image.part_path,
                                 lba);
        if (r->resume_bin && fwrite(buf, 1, bytes, r->image.fp) != bytes) {
            int rc = dw__outfile_check(&r->image, r->err);
            return rc ? rc : dw__set_error(r->err, DW_EIO, "cannot write the image");
        }
        dw_hash_update(image_hash, buf, bytes);
        dw_hash_update(track_hash, buf, bytes);
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

/* Burst reading of [first, end) of track t: one pass, data sectors checked
 * and re-read (dw__rip_read_checked). */
static int read_plain(struct dw__rip *r, const struct dw_track *t, int32_t first, int32_t end,
                      uint8_t *buf, int32_t transfer, struct dw_hash *image_hash,
                      struct dw_hash *track_hash)
{
    int rc;
    for (int32_t lba = first; lba < end;) {
        int32_t n = end - lba < transfer ? end - lba : transfer;
        if ((rc = dw__rip_read_checked(r, t, lba, n, buf)))
            return rc;
        size_t bytes = (size_t)n * DW_SECTOR_RAW_BYTES;
        if (fwrite(buf, 1, bytes, r->image.fp) != bytes) {
            rc = dw__outfile_check(&r->image, r->err);
            return rc ? rc : dw__set_error(r->err, DW_EIO, "cannot write the image");
        }
        dw_hash_update(image_hash, buf, bytes);
        dw_hash_update(track_hash, buf, bytes);
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

/* Write the bin: every track's sectors from its first LBA (pregap
 * included) to its end, session gaps left out. */
static int rip_bincue(struct dw__rip *r, json_object *report)
{
    const struct dw_disc *disc = r->disc;
    struct dw_hash *image_hash = dw_hash_new(DW_HASH_ALL);
    struct dw_hash *track_hash = dw_hash_new(DW_HASH_CRC32 | DW_HASH_MD5 | DW_HASH_SHA1);
    int32_t transfer = dw_drive_max_transfer_sectors(r->drive);
    uint8_t *buf = malloc((size_t)transfer * DW_SECTOR_RAW_BYTES);
    int32_t gap_lba[DW_MAX_SESSIONS], gap_sectors[DW_MAX_SESSIONS];
    int gap_count = 0;
    int rc = 0;
    json_object *tracks = json_object_new_array();
    json_object_object_add(report, "tracks", tracks);
    if (!image_hash || !track_hash || !buf) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    bool go_on = r->resume && !r->resume_bin; /* continue the interrupted .part */
    if ((rc = go_on ? dw__outfile_reopen(&r->image, r->result->image_path, r->err)
                    : dw__outfile_open(&r->image, r->result->image_path, r->err)))
        goto out;
    int32_t bin_first = r->bin_first_lba;
    int32_t expect = bin_first;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        int32_t first = dw_track_first_lba(t), end = t->end_lba;
        if (first < bin_first)
            first = bin_first;
        if (first > expect) {
            gap_lba[gap_count] = first;
            gap_sectors[gap_count++] = first - expect;
        }
        expect = end;
        double t0 = dw__now_seconds();
        int64_t bad_before = r->bad.sectors, reread_before = r->reread.sectors;
        struct dw_paranoia_stats pstats = {0};
        bool use_paranoia = !dw_track_is_data(t) && r->opts->mode == DW_RIP_PARANOIA;
        bool use_secure = !dw_track_is_data(t) && (r->opts->mode == DW_RIP_SECURE ||
                                                    r->opts->mode == DW_RIP_TEST_AND_COPY);
        struct dw_secure_stats sstats = {0};
        dw__rip_log(r, DW_LOG_INFO, "track %02d: %s, LBA %d-%d (%d sectors)%s", t->number,
                    dw_track_mode_name(t->mode), first, end - 1, end - first,
                    use_paranoia ? ", through libcdio-paranoia"
                    : use_secure ? (r->test_pass ? ", test and copy"
                                                                          : ", secure")
                                 : "");
        if (use_secure) {
            r->session_first = first;
            r->session_end = end;
            for (int k = 0; k < disc->session_count; k++)
                if (disc->sessions[k].number == t->session)
                    r->session_end = disc->sessions[k].leadout_lba;
            for (int k = 0; k < disc->track_count; k++)
                if (disc->tracks[k].session == t->session) {
                    r->session_first = dw_track_first_lba(&disc->tracks[k]) < 0
                                           ? 0
                                           : dw_track_first_lba(&disc->tracks[k]);
                    break;
                }
        }
        /* Segments: what the earlier run (--resume) made final is taken
         * from the .part; the rest is read. */
        for (int32_t a = first; a < end;) {
            int32_t b = end;
            bool keep = resume_keeps(r, a, &b);
            if (fseeko(r->image.fp, ftello(r->image.fp), SEEK_SET) != 0) {
                rc = dw__set_error(r->err, DW_EIO, "cannot seek in '%s'", r->image.part_path);
                goto out;
            }
            if (keep) {
                rc = copy_kept(r, t, a, b, buf, transfer, image_hash, track_hash);
            } else if (use_secure) {
                struct dw_secure_stats part = {.test_crc32 = sstats.test_crc32};
                rc = dw__rip_secure_range(r, t, a, b, image_hash, track_hash, &part);
                sstats.have_c2 = part.have_c2;
                sstats.c2_sectors += part.c2_sectors;
                sstats.unreadable_pass1 += part.unreadable_pass1;
                sstats.recovered += part.recovered;
                sstats.reads += part.reads;
                sstats.test_differing += part.test_differing;
                sstats.test_crc32 = part.test_crc32;
            } else if (use_paranoia) {
                rc = dw__rip_paranoia_range(r, t, a, b, &r->image, image_hash, track_hash,
                                            &pstats);
                if (!rc)
                    rc = dw__rip_mark_final(r, b, false);
            } else {
                rc = read_plain(r, t, a, b, buf, transfer, image_hash, track_hash);
            }
            if (rc)
                goto out;
            /* Bad in the earlier run and read again now: re-read sectors. */
            for (int32_t k = a; !keep && r->resume && k < b && k < r->resume->final_lba; k++)
                dw__ranges_add(&r->reread, k, 0);
            a = b;
        }
        struct dw_digests d;
        dw_hash_final(track_hash, &d);
        json_object *tj = json_object_new_object();
        json_object_object_add(tj, "number", json_object_new_int(t->number));
        json_object_object_add(tj, "first_lba", json_object_new_int(first));
        json_object_object_add(tj, "sectors", json_object_new_int(end - first));
        json_object_object_add(tj, "read_mode", json_object_new_string(
                                                    use_secure     ? dw__rip_mode_name(r->opts->mode)
                                                    : use_paranoia ? "paranoia"
                                                    : dw_track_is_data(t) ? "raw+edc/ecc"
                                                                          : "burst"));
        json_object_object_add(tj, "digests", dw__json_digests(&d));
        json_object_object_add(tj, "sectors_reread",
                               json_object_new_int64(r->reread.sectors - reread_before));
        json_object_object_add(tj, "sectors_bad",
                               json_object_new_int64(r->bad.sectors - bad_before));
        if (use_secure) {
            json_object *sj = json_object_new_object();
            json_object_object_add(sj, "c2", json_object_new_boolean(sstats.have_c2));
            json_object_object_add(sj, "c2_sectors", json_object_new_int(sstats.c2_sectors));
            json_object_object_add(sj, "unreadable_first_pass",
                                   json_object_new_int(sstats.unreadable_pass1));
            json_object_object_add(sj, "recovered", json_object_new_int(sstats.recovered));
            json_object_object_add(sj, "rereads", json_object_new_int(sstats.reads));
            json_object_object_add(tj, "secure", sj);
            if (r->test_pass) {
                json_object *tc = json_object_new_object();
                char hex[9];
                snprintf(hex, sizeof(hex), "%08x", (unsigned)sstats.test_crc32);
                json_object_object_add(tc, "test_crc32", json_object_new_string(hex));
                snprintf(hex, sizeof(hex), "%08x", (unsigned)d.crc32);
                json_object_object_add(tc, "copy_crc32", json_object_new_string(hex));
                json_object_object_add(tc, "sectors_differing",
                                       json_object_new_int(sstats.test_differing));
                json_object_object_add(tj, "test_and_copy", tc);
                dw__rip_log(r, DW_LOG_INFO,
                            "track %02d: test CRC %08x, copy CRC %08x: %s", t->number,
                            (unsigned)sstats.test_crc32, (unsigned)d.crc32,
                            sstats.test_crc32 == d.crc32
                                ? "match"
                                : "differ (the sectors that differed were read again until "
                                  "two reads agreed; the copy holds those)");
            }
        }
        if (use_paranoia) {
            json_object *pj = json_object_new_object();
            for (int k = 0; k < DW_PARANOIA_EVENT_KINDS; k++)
                if (pstats.count[k])
                    json_object_object_add(pj, dw__paranoia_event_name(k),
                                           json_object_new_int64(pstats.count[k]));
            json_object_object_add(tj, "paranoia_events", pj);
        }
        json_object_array_add(tracks, tj);
        dw__rip_log(r, DW_LOG_INFO,
                    "track %02d: CRC32 %08x  MD5 %s  SHA1 %s  re-read %lld  bad %lld  (%.1f s)",
                    t->number, d.crc32, d.md5, d.sha1,
                    (long long)(r->reread.sectors - reread_before),
                    (long long)(r->bad.sectors - bad_before), dw__now_seconds() - t0);
    }
    struct dw_digests d;
    dw_hash_final(image_hash, &d);
    json_object_object_add(report, "image_digests", dw__json_digests(&d));
    dw__rip_log(r, DW_LOG_INFO, "image %s: %llu bytes  CRC32 %08x  MD5 %s  SHA1 %s",
                r->result->image_path, (unsigned long long)d.bytes, d.crc32, d.md5, d.sha1);

    /* The cue, relative to the bin. */
    char bin_name[4096];
    snprintf(bin_name, sizeof(bin_name), "%s", r->result->image_path);
    struct dw_cue_write_opts co = {.bin_name = basename(bin_name), .bin_first_lba = bin_first,
                                   .gap_lba = gap_lba, .gap_sectors = gap_sectors,
                                   .gap_count = gap_count};
    /* The bin is renamed into place first: a cue never points at a .part. */
    struct dw__outfile cue;
    if ((rc = dw__outfile_open(&cue, r->result->cue_path, r->err)))
        goto out;
    if ((rc = dw_cue_write(disc, &co, cue.fp)) || (rc = dw__outfile_check(&cue, r->err)) ||
        (rc = dw__outfile_commit(&r->image, r->err)) ||
        (rc = dw__outfile_commit(&cue, r->err))) {
        dw__outfile_abort(&cue);
        if (!r->err || !r->err->message[0])
            dw__set_error(r->err, rc, "cannot write '%s'", r->result->cue_path);
        goto out;
    }
out:
    free(buf);
    dw_hash_free(image_hash);
    dw_hash_free(track_hash);
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
                dw_sector_check(raw, lba + i, NULL) != DW_SECTOR_GOOD || user_data_of(raw, &user))
                return i;
            memcpy(u, user, DW_SECTOR_USER_BYTES);
        } else if (dw_drive_read_user(r->drive, lba + i, 1, u)) {
            return i;
        }
    }
    return n;
}

static int rip_iso_track(struct dw__rip *r, const struct dw_track *t, const char *path,
                         json_object *tracks, bool is_cd)
{
    int32_t transfer = dw_drive_max_transfer_sectors(r->drive);
    uint8_t *buf = malloc((size_t)transfer * DW_SECTOR_RAW_BYTES);
    struct dw_hash *h = dw_hash_new(DW_HASH_ALL);
    struct dw__outfile of = {0};
    int rc = 0;
    int32_t first = t->index_lba[1], end = t->end_lba;
    int64_t bad_before = r->bad.sectors;
    if (!buf || !h) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    /* The ISO 9660 volume size: sectors after it are padding or, on a TAO
     * CD, two unreadable run-out blocks (REFERENCE.md "Verifying a
     * burn").  They are kept while they read; the first one that does not
     * ends the image there, and that is not an error. */
    int32_t vol = 0;
    if (end - first > 16) {
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
        vol = prc == 0 ? iso9660_volume_sectors(user) : 0;
        if (vol > end - first) {
            dw__rip_log(r, DW_LOG_WARN,
                        "track %02d: the ISO 9660 volume claims %d sectors but the track has "
                        "%d",
                        t->number, vol, end - first);
            vol = 0;
        }
        /* Overwritable media (DVD-RAM 12h, DVD-RW restricted overwrite 13h,
         * DVD+RW 1Ah/2Ah, BD-RE 43h) report their formatted size, unrelated
         * to the image: the volume size is the image (REFERENCE.md). */
        int p = r->medium_profile;
        if (vol > 0 && (p == 0x12 || p == 0x13 || p == 0x1A || p == 0x2A || p == 0x43)) {
            dw__rip_log(r, DW_LOG_INFO,
                        "track %02d: overwritable medium: the image is the ISO 9660 volume's "
                        "%d sectors, not the %d the medium reports",
                        t->number, vol, end - first);
            r->total_sectors -= end - first - vol;
            end = first + vol;
        }
    }
    if ((rc = dw__outfile_open(&of, path, r->err)))
        goto out;
    for (int32_t lba = first; lba < end;) {
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
        } else if (is_cd) {
            if ((rc = dw__rip_read_checked(r, t, lba, n, buf)))
                goto out;
            for (int32_t i = 0; i < n; i++) {
                const uint8_t *user;
                if (user_data_of(buf + (size_t)i * DW_SECTOR_RAW_BYTES, &user)) {
                    rc = dw__set_error(r->err, DW_EUNSUPPORTED,
                                       "sector %d of track %d is Mode 2 Form 2, which has no "
                                       "2048-byte user data: rip this disc with --format bincue",
                                       lba + i, t->number);
                    goto out;
                }
                memmove(buf + (size_t)i * DW_SECTOR_USER_BYTES, user, DW_SECTOR_USER_BYTES);
            }
        } else if (!is_cd) {
            rc = dw_drive_read_user(r->drive, lba, n, buf);
            if (rc == DW_ENOMEDIUM)
                goto out;
            if (rc) {
                /* Sector by sector, with retries; unreadable ones are zero. */
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
                rc = 0;
            }
        }
        size_t bytes = (size_t)n * DW_SECTOR_USER_BYTES;
        if (fwrite(buf, 1, bytes, of.fp) != bytes) {
            rc = dw__outfile_check(&of, r->err);
            rc = rc ? rc : dw__set_error(r->err, DW_EIO, "cannot write '%s'", path);
            goto out;
        }
        dw_hash_update(h, buf, bytes);
        lba += n;
        r->done_sectors += n;
        if ((rc = dw__rip_progress(r, t->number, false)))
            goto out;
    }
    if ((rc = dw__outfile_commit(&of, r->err)))
        goto out;
    struct dw_digests d;
    dw_hash_final(h, &d);
    json_object *tj = json_object_new_object();
    json_object_object_add(tj, "number", json_object_new_int(t->number));
    json_object_object_add(tj, "file", json_object_new_string(path));
    json_object_object_add(tj, "first_lba", json_object_new_int(first));
    json_object_object_add(tj, "sectors", json_object_new_int(end - first));
    json_object_object_add(tj, "digests", dw__json_digests(&d));
    json_object_object_add(tj, "sectors_bad", json_object_new_int64(r->bad.sectors - bad_before));
    json_object_array_add(tracks, tj);
    dw__rip_log(r, DW_LOG_INFO, "track %02d -> %s: %d sectors  CRC32 %08x  MD5 %s  SHA1 %s",
                t->number, path, end - first, d.crc32, d.md5, d.sha1);
out:
    if (rc)
        dw__outfile_abort(&of);
    free(buf);
    dw_hash_free(h);
    return rc;
}

static int rip_iso(struct dw__rip *r, json_object *report, bool is_cd)
{
    const struct dw_disc *disc = r->disc;
    int data_tracks = 0, rc = 0;
    json_object *tracks = json_object_new_array();
    json_object_object_add(report, "tracks", tracks);
    for (int i = 0; i < disc->track_count; i++)
        data_tracks += dw_track_is_data(&disc->tracks[i]);
    if (!data_tracks)
        return dw__set_error(r->err, DW_EUNSUPPORTED,
                             "the disc in '%s' has no data track: rip it with --format bincue",
                             r->source);
    r->total_sectors = 0;
    for (int i = 0; i < disc->track_count; i++)
        if (dw_track_is_data(&disc->tracks[i]))
            r->total_sectors += dw_track_length_sectors(&disc->tracks[i]);
    int done = 0;
    for (int i = 0; i < disc->track_count && !rc; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (!dw_track_is_data(t))
            continue;
        char path[4096];
        if (done++ == 0) {
            snprintf(path, sizeof(path), "%s", r->result->image_path);
        } else {
            char ext[16];
            snprintf(ext, sizeof(ext), "-%02d.iso", t->number);
            if (path_join(path, sizeof(path), r->opts->output_dir, r->name, ext))
                return dw__set_error(r->err, DW_EINVAL, "output path too long");
        }
        rc = rip_iso_track(r, t, path, tracks, is_cd);
    }
    return rc;
}

/* ---- the Q sub-channel scan ------------------------------------------------ */

static json_object *json_lba_or_null(int32_t lba)
{
    return lba == DW_LBA_NONE ? NULL : json_object_new_int(lba);
}

static json_object *json_text_or_null(const char *text)
{
    return text[0] ? json_object_new_string(text) : NULL;
}

/* The log lines and the report's "qscan" object for a scan that ran. */
static json_object *qscan_report(struct dw__rip *r, const struct dw_qscan_result *q,
                                 const struct dw_disc *disc)
{
    json_object *o = json_object_new_object();
    json_object *tracks = json_object_new_array();

    dw__rip_log(r, DW_LOG_INFO,
                "Q sub-channel scan (%s): %lld Q frames in %lld reads, %lld with a bad CRC, "
                "%lld unreadable, %.1f s",
                q->q_source, (long long)q->q_frames, (long long)q->read_requests,
                (long long)q->bad_crc_frames, (long long)q->unreadable_frames, q->seconds);
    if (q->stopped)
        dw__rip_log(r, DW_LOG_WARN,
                    "the Q sub-channel scan stopped early (%s): what it did not reach keeps "
                    "the TOC's layout",
                    q->stop_reason);
    json_object_object_add(o, "ran", json_object_new_boolean(1));
    json_object_object_add(o, "q_source", json_object_new_string(q->q_source));
    json_object_object_add(o, "q_frames", json_object_new_int64(q->q_frames));
    json_object_object_add(o, "read_requests", json_object_new_int64(q->read_requests));
    json_object_object_add(o, "bad_crc_frames", json_object_new_int64(q->bad_crc_frames));
    json_object_object_add(o, "unreadable_frames", json_object_new_int64(q->unreadable_frames));
    json_object_object_add(o, "misplaced_frames", json_object_new_int64(q->misplaced_frames));
    json_object_object_add(o, "conflicts", json_object_new_int64(q->conflicts));
    json_object_object_add(o, "seconds", json_object_new_double(q->seconds));
    json_object_object_add(o, "stopped", json_object_new_boolean(q->stopped));
    json_object_object_add(o, "stop_reason", json_text_or_null(q->stop_reason));
    json_object_object_add(o, "pregaps_found", json_object_new_int(q->pregaps_found));
    json_object_object_add(o, "boundaries_uncertain", json_object_new_int(q->boundaries_uncertain));
    json_object_object_add(o, "indexes_found", json_object_new_int(q->indexes_found));
    json_object_object_add(o, "isrcs_found", json_object_new_int(q->isrcs_found));

    const struct dw_track *t1 = &disc->tracks[0];
    if (t1->index_lba[0] != DW_LBA_NONE && t1->index_lba[0] <= 0 && t1->index_lba[1] > 0) {
        dw__rip_log(r, DW_LOG_INFO,
                    "  hidden track before track %02d: LBA 0-%d (%d sectors), ripped as its "
                    "INDEX 00",
                    t1->number, t1->index_lba[1] - 1, t1->index_lba[1]);
        json_object_object_add(o, "hidden_track_sectors", json_object_new_int(t1->index_lba[1]));
    }
    for (int i = 0; i < q->track_count && i < disc->track_count; i++) {
        const struct dw_qscan_track *qt = &q->tracks[i];
        const struct dw_track *t = &disc->tracks[i];
        json_object *j = json_object_new_object();
        json_object *idx = json_object_new_array();
        char was[48] = "";

        json_object_object_add(j, "number", json_object_new_int(qt->number));
        json_object_object_add(j, "pregap", json_object_new_string(dw_qscan_boundary_name(qt->pregap)));
        json_object_object_add(j, "index00_lba", json_lba_or_null(t->index_lba[0]));
        json_object_object_add(j, "toc_index00_lba", json_lba_or_null(qt->toc_pregap_lba));
        json_object_object_add(j, "pregap_sectors", json_object_new_int(dw_track_pregap_sectors(t)));
        json_object_object_add(j, "uncertain_sectors", json_object_new_int(qt->uncertain_sectors));
        for (int k = 2; k < t->index_count; k++)
            json_object_array_add(idx, json_object_new_int(t->index_lba[k]));
        json_object_object_add(j, "indexes", idx);
        json_object_object_add(j, "isrc", json_text_or_null(t->isrc));
        json_object_object_add(j, "toc_isrc", json_text_or_null(qt->toc_isrc));
        json_object_object_add(j, "isrc_votes", json_object_new_int(qt->isrc_votes));
        json_object_object_add(j, "isrc_from_q", json_object_new_boolean(qt->isrc_from_q));
        json_object_object_add(j, "isrc_frames_read", json_object_new_int(qt->isrc_frames_read));
        json_object_object_add(j, "pre_emphasis", json_object_new_boolean((t->control & DW_CTL_PRE) != 0));
        json_object_object_add(j, "pre_emphasis_votes", json_object_new_int(qt->pre_emphasis_votes));
        json_object_object_add(j, "no_pre_emphasis_votes", json_object_new_int(qt->no_pre_emphasis_votes));
        json_object_object_add(j, "q_frames", json_object_new_int64(qt->q_frames));
        json_object_array_add(tracks, j);

        if (qt->pregap != DW_QSCAN_NOT_SEARCHED) {
            if (qt->toc_pregap_lba != t->index_lba[0])
                snprintf(was, sizeof(was), " (the TOC: %s)",
                         qt->toc_pregap_lba == DW_LBA_NONE ? "none" : "another");
            if (qt->pregap == DW_QSCAN_UNCERTAIN)
                dw__rip_log(r, DW_LOG_WARN,
                            "track %02d: the start of the pregap is uncertain: Q frames %d-%d did "
                            "not read good; INDEX 00 taken at LBA %d, the first frame seen in it",
                            qt->number, (t->index_lba[0] == DW_LBA_NONE ? t->index_lba[1] : t->index_lba[0]) - qt->uncertain_sectors,
                            (t->index_lba[0] == DW_LBA_NONE ? t->index_lba[1] : t->index_lba[0]) - 1,
                            t->index_lba[0] == DW_LBA_NONE ? t->index_lba[1] : t->index_lba[0]);
            else if (t->index_lba[0] != DW_LBA_NONE)
                dw__rip_log(r, DW_LOG_INFO, "  track %02d: pregap INDEX 00 at LBA %d (%d sectors)%s",
                            qt->number, t->index_lba[0], dw_track_pregap_sectors(t), was);
            else
                dw__rip_log(r, DW_LOG_INFO, "  track %02d: no pregap%s", qt->number, was);
        }
        for (int k = 2; k < t->index_count; k++)
            dw__rip_log(r, DW_LOG_INFO, "  track %02d: INDEX %02d at LBA %d", qt->number, k,
                        t->index_lba[k]);
        if (qt->indexes_uncertain)
            dw__rip_log(r, DW_LOG_WARN,
                        "track %02d: Q shows more indexes than could be placed for certain",
                        qt->number);
        if (qt->isrc_from_q && t->isrc[0])
            dw__rip_log(r, DW_LOG_INFO, "  track %02d: ISRC %s (%d Q frame%s)%s", qt->number,
                        t->isrc, qt->isrc_votes, qt->isrc_votes == 1 ? "" : "s",
                        qt->toc_isrc[0] && strcmp(qt->toc_isrc, t->isrc)
                            ? " (READ SUB-CHANNEL said otherwise)"
                            : "");
        else if (qt->isrc_from_q && qt->toc_isrc[0])
            dw__rip_log(r, DW_LOG_INFO,
                        "  track %02d: no ISRC in %d Q frames (READ SUB-CHANNEL said %s)",
                        qt->number, qt->isrc_frames_read, qt->toc_isrc);
        else if (!qt->isrc_from_q && t->isrc[0])
            dw__rip_log(r, DW_LOG_INFO,
                        "  track %02d: ISRC %s from READ SUB-CHANNEL (not seen in %d Q frames)",
                        qt->number, t->isrc, qt->isrc_frames_read);
        if ((t->control & DW_CTL_PRE) && qt->pre_emphasis_votes)
            dw__rip_log(r, DW_LOG_INFO, "  track %02d: pre-emphasis (Q CONTROL in %d of %d frames)",
                        qt->number, qt->pre_emphasis_votes,
                        qt->pre_emphasis_votes + qt->no_pre_emphasis_votes);
    }
    json_object_object_add(o, "tracks", tracks);

    json_object *m = json_object_new_object();
    json_object_object_add(m, "value", json_text_or_null(disc->mcn));
    json_object_object_add(m, "toc", json_text_or_null(q->toc_mcn));
    json_object_object_add(m, "votes", json_object_new_int(q->mcn_votes));
    json_object_object_add(m, "from_q", json_object_new_boolean(q->mcn_from_q));
    json_object_object_add(o, "mcn", m);
    if (q->mcn_from_q && disc->mcn[0])
        dw__rip_log(r, DW_LOG_INFO, "  MCN %s (%d Q frame%s)%s", disc->mcn, q->mcn_votes,
                    q->mcn_votes == 1 ? "" : "s",
                    q->toc_mcn[0] && strcmp(q->toc_mcn, disc->mcn)
                        ? " (READ SUB-CHANNEL said otherwise)"
                        : "");
    else if (!q->mcn_from_q && disc->mcn[0])
        dw__rip_log(r, DW_LOG_INFO, "  MCN %s from READ SUB-CHANNEL (not seen in Q)", disc->mcn);
    return o;
}

/* For drive sources that are CDs, refine the layout from the Q
 * sub-channel (dw_disc_qscan) unless told not to; images carry their own.
 * On success *refined is a disc the caller frees (NULL when the TOC's
 * layout stands) and "qscan" is in the report.  Returns 0, or a fatal
 * error (no medium, stopped by the caller) with r->err set. */
static int rip_qscan(struct dw__rip *r, const struct dw_drive_info *info,
                     const struct dw_medium_info *medium, bool iso, json_object *report,
                     struct dw_disc **refined)
{
    const char *skip = NULL;
    struct dw_qscan_result *q = NULL;
    struct dw_disc *disc = NULL;
    int rc = 0;

    *refined = NULL;
    if (info->kind != DW_DRIVE_MMC)
        skip = "an image carries its layout";
    else if (!medium->is_cd)
        skip = "not a CD";
    else if (iso)
        skip = "not needed for --format iso";
    else if (r->opts->flags & DW_RIP_NO_QSCAN)
        skip = "--no-qscan: the layout is the TOC's";
    if (skip) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "ran", json_object_new_boolean(0));
        json_object_object_add(o, "skipped", json_object_new_string(skip));
        json_object_object_add(report, "qscan", o);
        dw__rip_log(r, DW_LOG_INFO, "Q sub-channel scan: skipped (%s)", skip);
        return 0;
    }
    q = malloc(sizeof(*q));
    disc = dw_disc_clone(r->disc);
    if (!q || !disc) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    rc = dw_disc_qscan(r->drive, disc, NULL, r->cb, q);
    if (rc == DW_ENOMEDIUM || rc == DW_EABORTED || rc == DW_ENOMEM) {
        if (rc == DW_EABORTED)
            dw__set_error(r->err, rc, "stopped during the Q sub-channel scan");
        else
            *r->err = *dw_drive_last_error(r->drive);
        r->err->code = rc;
        goto out;
    }
    if (rc) {
        json_object *o = json_object_new_object();
        const char *why = dw_drive_last_error(r->drive)->message;
        json_object_object_add(o, "ran", json_object_new_boolean(0));
        json_object_object_add(o, "error", json_object_new_string(why[0] ? why : dw_strerror(rc)));
        json_object_object_add(report, "qscan", o);
        dw__rip_log(r, DW_LOG_WARN, "no Q sub-channel scan: %s; the layout is the TOC's",
                    why[0] ? why : dw_strerror(rc));
        rc = 0;
        goto out;
    }
    json_object_object_add(report, "qscan", qscan_report(r, q, disc));
    *refined = disc;
    disc = NULL;
out:
    free(q);
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
static void rip_drive_profile(struct dw__rip *r, const struct dw_drive_info *info,
                              json_object *report)
{
    struct dw_drive_profile p;
    struct dw_error_detail e;
    json_object *o = json_object_new_object();
    json_object_object_add(report, "drive_profile", o);
    enum dw_probe_state now = dw__accurate_stream_now(r->drive);
    int rc = dw_drive_profile_load(info->vendor, info->model, &p, &e);
    if (rc) {
        rip_accurate_stream(r, now, DW_PROBE_UNKNOWN);
        json_object_object_add(o, "found", json_object_new_boolean(false));
        if (rc == DW_ENOENT)
            dw__rip_log(r, DW_LOG_INFO,
                        "drive profile: none for %s %s (run 'discwright drives --probe --save' "
                        "once: secure mode then knows its C2 and cache)",
                        info->vendor, info->model);
        else
            dw__rip_log(r, DW_LOG_WARN, "drive profile: %s; going on without it", e.message);
        return;
    }
    json_object_object_add(o, "found", json_object_new_boolean(true));
    json_object_object_add(o, "file", json_object_new_string(p.source));
    json_object_object_add(o, "probe_date", json_object_new_string(p.probe_date));
    json_object_object_add(o, "c2", json_object_new_string(dw_probe_state_name(p.c2)));
    json_object_object_add(o, "cache_sectors", json_object_new_int(p.cache_sectors));
    json_object_object_add(o, "accurate_stream",
                           json_object_new_string(dw_probe_state_name(p.accurate_stream)));
    if (p.c2 == DW_PROBE_UNSUPPORTED)
        r->secure_have_c2 = false;
    rip_accurate_stream(r, now, p.accurate_stream);
    json_object_object_add(o, "test_pass", json_object_new_boolean(r->test_pass));
    /* A read this far away cannot come from the cache: its size plus a
     * margin, never nearer than the default. */
    if (p.cache_sectors > 0 && p.cache_sectors + p.cache_sectors / 4 > r->cache_defeat_sectors)
        r->cache_defeat_sectors = p.cache_sectors + p.cache_sectors / 4;
    json_object_object_add(o, "cache_defeat_sectors", json_object_new_int(r->cache_defeat_sectors));
    char cache[64];
    if (p.cache_sectors >= 0)
        snprintf(cache, sizeof(cache), "%s %d sectors", dw_cache_estimate_name(p.cache),
                 p.cache_sectors);
    else
        snprintf(cache, sizeof(cache), "%s", dw_cache_estimate_name(p.cache));
    dw__rip_log(r, DW_LOG_INFO,
                "drive profile: %s (probed %s): C2 %s, cache %s, accurate stream %s; "
                "cache-defeating reads go %d sectors away",
                p.source, p.probe_date, dw_probe_state_name(p.c2), cache,
                dw_probe_state_name(p.accurate_stream), r->cache_defeat_sectors);
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

/* The report's "sector_map": the map file and how many of the bin's
 * sectors are in each state (rip/ripmap.h). */
static json_object *sector_map_summary(const struct dw__rip *r)
{
    json_object *o = json_object_new_object(), *st = json_object_new_object();
    int64_t total = bin_sectors_below(r, r->bin_end_lba);
    int64_t untried = total - bin_sectors_below(r, r->final_lba), confirmed = 0;
    for (int i = 0; i < r->reread.count; i++)
        for (int32_t k = r->reread.r[i].first_lba; k <= r->reread.r[i].last_lba; k++)
            confirmed += !in_ranges(&r->bad, k);
    int64_t bad_by_state[DW__RIPMAP_BAD_STATES] = {0};
    for (int i = 0; i < r->bad.count; i++)
        bad_by_state[dw__ripmap_bad_state_index(r->bad.r[i].detail)] +=
            r->bad.r[i].last_lba - r->bad.r[i].first_lba + 1;
    json_object_object_add(o, "file", json_object_new_string(r->map_path));
    json_object_object_add(o, "sectors", json_object_new_int64(total));
    json_object_object_add(o, "final_lba", json_object_new_int(r->final_lba));
    json_object_object_add(st, "untried", json_object_new_int64(untried));
    json_object_object_add(st, "read", json_object_new_int64(total - untried - confirmed -
                                                              r->bad.sectors));
    json_object_object_add(st, "confirmed", json_object_new_int64(confirmed));
    json_object_object_add(st, "ecc_repaired", json_object_new_int64(r->ecc_repaired.sectors));
    for (int k = 0; k < DW__RIPMAP_BAD_STATES; k++)
        json_object_object_add(st, dw__ripmap_bad_state_names[k],
                               json_object_new_int64(bad_by_state[k]));
    json_object_object_add(o, "states", st);
    return o;
}


/* --resume: load NAME.map, check it belongs to this disc and that the
 * earlier run's bytes are there: an interrupted rip's NAME.bin.part (which
 * is continued), or a complete rip's NAME.bin (read while a new .part is
 * written, so it stays intact until the new one replaces it). */
static int resume_prepare(struct dw__rip *r, json_object *report)
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
    snprintf(part, sizeof(part), "%s.part", r->result->image_path);
    if (strcmp(m->toc, r->toc_fingerprint) != 0 || m->bin_first_lba != r->bin_first_lba ||
        m->bin_end_lba != r->bin_end_lba) {
        rc = dw__set_error(r->err, DW_EMISMATCH,
                           "'%s' is the map of another disc (its TOC differs from this one's): "
                           "rip into another directory or with another --name",
                           r->map_path);
    } else if (m->complete) {
        struct stat st;
        int64_t need = bin_sectors_below(r, r->bin_end_lba) * DW_SECTOR_RAW_BYTES;
        r->resume_bin = fopen(r->result->image_path, "rb");
        if (!r->resume_bin)
            rc = dw__set_error(r->err, DW_ENOENT,
                               "'%s' says the rip is complete but '%s' cannot be read (%s): rip "
                               "again without --resume",
                               r->map_path, r->result->image_path, strerror(errno));
        else if (fstat(fileno(r->resume_bin), &st) != 0 || st.st_size != need)
            rc = dw__set_error(r->err, DW_ETRUNC,
                               "'%s' is not the %lld bytes '%s' says: rip again without "
                               "--resume",
                               r->result->image_path, (long long)need, r->map_path);
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
    int64_t kept = bin_sectors_below(r, m->final_lba) - m->bad.sectors;
    dw__rip_log(r, DW_LOG_INFO,
                "resuming from '%s' (the earlier rip: %s, %s): %lld sectors below LBA %d are kept, %lld bad "
                "ones among them are read again%s",
                r->map_path, m->complete ? "complete" : "interrupted",
                m->mode[0] ? m->mode : "?", (long long)kept, m->final_lba,
                (long long)m->bad.sectors,
                m->final_lba < r->bin_end_lba ? ", the rest is read from there on" : "");
    json_object *o = json_object_new_object();
    json_object_object_add(o, "map", json_object_new_string(r->map_path));
    json_object_object_add(o, "earlier_complete", json_object_new_boolean(m->complete));
    json_object_object_add(o, "earlier_mode", json_object_new_string(m->mode));
    json_object_object_add(o, "final_lba", json_object_new_int(m->final_lba));
    json_object_object_add(o, "sectors_kept", json_object_new_int64(kept));
    json_object_object_add(o, "bad_sectors_read_again", json_object_new_int64(m->bad.sectors));
    json_object_object_add(report, "resume", o);
    return 0;
}

/* After a failed rip: keep NAME.bin.part and save the map when some of it
 * is final (the rip can be resumed), else remove it. */
static void rip_keep_or_drop(struct dw__rip *r)
{
    bool from_complete = r->resume && r->resume->complete;
    if (!r->image.fp) {
        return;
    } else if (from_complete || !r->map_path[0] || r->final_lba <= r->bin_first_lba) {
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
    if (!r->image.fp || from_complete || !r->map_path[0] || r->final_lba <= r->bin_first_lba)
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

int dw_rip(struct dw_drive *drive, const struct dw_rip_opts *opts,
           const struct dw_callbacks *cb, struct dw_rip_result *result,
           struct dw_error_detail *err)
{
    struct dw__rip r = {0};
    struct dw_error_detail local;
    struct dw_drive_info info;
    struct dw_medium_info medium;
    char stem[1024], started[32], finished[32];
    json_object *report = NULL;
    struct dw_disc *refined = NULL;
    int rc;
    if (!err)
        err = &local;
    memset(err, 0, sizeof(*err));
    memset(result, 0, sizeof(*result));
    if (!opts || !opts->output_dir || (opts->flags & ~(DW_RIP_NO_QSCAN | DW_RIP_READ_OFFSET | DW_RIP_NO_ACCURATERIP |
                                                 DW_RIP_SUBCHANNEL | DW_RIP_TOC | DW_RIP_RESUME |
                                                 DW_RIP_HTOA_FILE)))
        return dw__set_error(err, DW_EINVAL, "no output directory given");
    r.drive = drive;
    r.opts = opts;
    r.cb = cb;
    r.err = err;
    r.result = result;
    r.retries = opts->data_retries < 0 ? DEFAULT_DATA_RETRIES : opts->data_retries;
    r.source = info.address;
    r.secure_have_c2 = true;
    r.cache_defeat_sectors = 2000;
    r.test_pass = opts->mode == DW_RIP_TEST_AND_COPY;
    dw__utc_now(started);
    double t0 = dw__now_seconds();

    dw_drive_info(drive, &info);
    if ((rc = dw_drive_medium(drive, &medium))) {
        const struct dw_error_detail *e = dw_drive_last_error(drive);
        *err = *e;
        if (!err->message[0])
            dw__set_error(err, rc, "cannot read the medium in '%s'", info.address);
        return rc;
    }
    r.disc = dw_drive_disc(drive);
    if (!r.disc) {
        *err = *dw_drive_last_error(drive);
        return err->code ? err->code : DW_EIO;
    }
    dw__ripmap_toc(r.disc, r.toc_fingerprint, sizeof(r.toc_fingerprint));
    snprintf(r.drive_name, sizeof(r.drive_name), "%s %s", info.vendor, info.model);
    if ((rc = dw__ensure_dir(opts->output_dir, err)))
        return rc;
    r.name = opts->name ? opts->name : source_stem(info.address, stem, sizeof(stem));
    bool iso = opts->format == DW_RIP_ISO;
    if (path_join(result->image_path, sizeof(result->image_path), opts->output_dir, r.name,
                  iso ? ".iso" : ".bin") ||
        path_join(result->log_path, sizeof(result->log_path), opts->output_dir, r.name, ".log") ||
        path_join(result->report_path, sizeof(result->report_path), opts->output_dir, r.name,
                  ".json") ||
        (!iso && path_join(result->cue_path, sizeof(result->cue_path), opts->output_dir, r.name,
                           ".cue")) ||
        (!iso && path_join(r.map_path, sizeof(r.map_path), opts->output_dir, r.name, ".map")))
        return dw__set_error(err, DW_EINVAL, "output path too long");
    if (!iso && !medium.is_cd && strcmp(info.backend, "iso") != 0)
        return dw__set_error(err, DW_EUNSUPPORTED,
                             "'%s' holds a %s, which has no raw 2352-byte sectors: rip it with "
                             "--format iso",
                             info.address, medium.profile_name);
    if ((rc = dw__outfile_open(&r.log, result->log_path, err)))
        return rc;
    dw_drive_lock(drive, true);

    fprintf(r.log.fp, "discwright %s rip log\n", DW_VERSION_STRING);
    if (opts->command_line)
        fprintf(r.log.fp, "command: %s\n", opts->command_line);
    fprintf(r.log.fp, "started: %s\n\n", started);
    fprintf(r.log.fp, "source: %s (%s %s %s, %s)\n", info.address, info.vendor, info.model,
            info.firmware, info.backend);
    fprintf(r.log.fp, "medium: %s, %s, %lld sectors, %d session(s)\n", medium.profile_name,
            dw_disc_status_name(medium.status), (long long)medium.capacity_sectors,
            medium.session_count);
    if (opts->profile_name)
        fprintf(r.log.fp, "profile: %s (%s)\n", opts->profile_name,
                opts->profile_file ? opts->profile_file : "no file");
    fprintf(r.log.fp, "format: %s   audio read mode: %s   data re-reads: %d\n\nTOC:\n",
            iso ? "iso" : "bincue",
            dw__rip_mode_name(opts->mode),
            r.retries);
    dw_disc_write_text(r.disc, r.log.fp);
    fputc('\n', r.log.fp);
    const char *warnings = dw_drive_warnings(drive);
    for (const char *w = warnings; *w;) {
        const char *nl = strchr(w, '\n');
        int len = nl ? (int)(nl - w) : (int)strlen(w);
        dw__rip_log(&r, DW_LOG_WARN, "%.*s", len, w);
        w += len + (nl ? 1 : 0);
    }

    report = json_object_new_object();
    json_object_object_add(report, "tool", json_object_new_string("discwright " DW_VERSION_STRING));
    json_object_object_add(report, "command", json_object_new_string("rip"));
    if (opts->command_line)
        json_object_object_add(report, "command_line", json_object_new_string(opts->command_line));
    json_object_object_add(report, "started", json_object_new_string(started));
    json_object_object_add(report, "source", dw__json_drive(&info, &medium));
    json_object_object_add(report, "toc", dw__json_disc(r.disc));
    json_object *jo = json_object_new_object();
    json_object_object_add(jo, "format", json_object_new_string(iso ? "iso" : "bincue"));
    json_object_object_add(jo, "audio_mode", json_object_new_string(dw__rip_mode_name(opts->mode)));
    json_object_object_add(jo, "data_retries", json_object_new_int(r.retries));
    json_object_object_add(jo, "qscan",
                           json_object_new_boolean(!(opts->flags & DW_RIP_NO_QSCAN)));
    json_object_object_add(jo, "profile", opts->profile_name
                                              ? json_object_new_string(opts->profile_name)
                                              : NULL);
    json_object_object_add(jo, "profile_file",
                           opts->profile_name && opts->profile_file
                               ? json_object_new_string(opts->profile_file)
                               : NULL);
    json_object_object_add(report, "options", jo);

    /* The layout the bin is cut by and the cue describes: the TOC's, refined
     * from the Q sub-channel on drives. */
    if (info.kind == DW_DRIVE_MMC)
        rip_drive_profile(&r, &info, report);
    rc = dw__rip_offset_setup(&r, &info, iso, report);
    if (!rc)
        rc = rip_qscan(&r, &info, &medium, iso, report, &refined);
    if (refined) {
        r.disc = refined;
        fputs("\nlayout after the Q sub-channel scan:\n", r.log.fp);
        dw_disc_write_text(r.disc, r.log.fp);
        fputc('\n', r.log.fp);
    }
    json_object_object_add(report, "layout", dw__json_disc(r.disc));
    if (!rc)
        rc = dw__rip_extras_check(&r, iso, report);

    r.sector_bytes = iso ? DW_SECTOR_USER_BYTES : DW_SECTOR_RAW_BYTES;
    r.medium_profile = medium.profile;
    /* MMC-6 profiles 40h-43h are BD, 10h-2Bh DVD (REFERENCE.md speeds). */
    if (!medium.is_cd && medium.profile >= 0x40)
        r.media_1x_bytes_per_s = 4495500;
    else if (!medium.is_cd && medium.profile >= 0x10)
        r.media_1x_bytes_per_s = 1385000;
    if (rc) {
        /* the scan failed for good: nothing to rip */
    } else if (!iso) {
        int32_t first = dw_track_first_lba(&r.disc->tracks[0]);
        first = first < 0 ? 0 : first;
        for (int i = 0; i < r.disc->track_count; i++) {
            const struct dw_track *t = &r.disc->tracks[i];
            int32_t f = dw_track_first_lba(t) < first ? first : dw_track_first_lba(t);
            r.total_sectors += t->end_lba - f;
        }
        r.bin_first_lba = r.final_lba = first;
        r.bin_end_lba = r.disc->tracks[r.disc->track_count - 1].end_lba;
        rc = ar_setup(&r);
        if (rc)
            dw__set_error(err, rc, "out of memory");
        else if (opts->flags & DW_RIP_RESUME)
            rc = resume_prepare(&r, report);
        else
            unlink(r.map_path); /* a new rip: an old map describes another .part */
        if (!rc)
            rc = rip_bincue(&r, report);
        if (!rc)
            rc = dw__ripmap_save(&r, r.bin_end_lba, true, true);
        if (!rc)
            ar_finish(&r, report);
        if (!rc)
            dw__rip_accuraterip(&r, report);
        if (!rc && r.aborted) /* stopped during a database lookup */
            rc = err->code ? err->code : DW_EABORTED;
        if (!rc)
            rc = dw__rip_extras_write(&r, report);
    } else {
        rc = rip_iso(&r, report, medium.is_cd);
    }
    dw__rip_progress(&r, 0, true);
    if (rc)
        rip_note_resumable(&r);

    result->sectors_read = r.done_sectors;
    result->sectors_reread = r.reread.sectors;
    result->sectors_bad = r.bad.sectors;
    result->paranoia_events = r.paranoia_events;
    dw__utc_now(finished);
    json_object_object_add(report, "finished", json_object_new_string(finished));
    json_object_object_add(report, "seconds", json_object_new_double(dw__now_seconds() - t0));
    json_object_object_add(report, "sectors_read", json_object_new_int64(r.done_sectors));
    if (r.resume)
        json_object_object_add(report, "sectors_kept", json_object_new_int64(r.kept_sectors));
    json_object_object_add(report, "reread", dw__json_ranges(&r.reread, NULL));
    json_object_object_add(report, "ecc_repaired", dw__json_ranges(&r.ecc_repaired, NULL));
    if (r.map_path[0] && !iso)
        json_object_object_add(report, "sector_map", sector_map_summary(&r));
    json_object_object_add(report, "bad", json_bad_ranges(&r.bad));
    json_object *outputs = json_object_new_object();
    json_object_object_add(outputs, "image", json_object_new_string(result->image_path));
    if (!iso)
        json_object_object_add(outputs, "cue", json_object_new_string(result->cue_path));
    json_object_object_add(outputs, "log", json_object_new_string(result->log_path));
    json_object_object_add(outputs, "report", json_object_new_string(result->report_path));
    dw__rip_extras_outputs(&r, outputs);
    json_object_object_add(report, "outputs", outputs);
    /* The verdict: audio read from a drive is "accurate" only when a
     * database confirmed every audio track; without that it is read (and
     * in secure mode checked by C2 and re-reads) but unconfirmed.  An
     * image is copied, not read from a disc: nothing to confirm. */
    int audio_tracks = 0, confirmed = 0;
    bool from_drive = info.kind == DW_DRIVE_MMC && !iso;
    for (int i = 0; from_drive && i < r.ar_count; i++) {
        audio_tracks++;
        confirmed += dw__rip_track_confirmed(r.acc, r.ar[i].number);
    }
    char verdict[160];
    int status;
    if (rc) {
        status = 1;
        result->verdict = DW_RIP_VERDICT_FAILED;
        snprintf(verdict, sizeof(verdict), "failed");
    } else if (r.bad.sectors) {
        status = 3;
        result->verdict = DW_RIP_VERDICT_BAD_SECTORS;
        snprintf(verdict, sizeof(verdict), "finished with bad sectors");
    } else if (confirmed < audio_tracks) {
        status = 5;
        result->verdict = DW_RIP_VERDICT_UNCONFIRMED;
        snprintf(verdict, sizeof(verdict),
                 "%s, unconfirmed: no bad sectors, but %d of %d audio tracks have no "
                 "AccurateRip or CTDB match",
                 dw__rip_mode_name(opts->mode),
                 audio_tracks - confirmed, audio_tracks);
    } else {
        status = 0;
        result->verdict = DW_RIP_VERDICT_OK;
        snprintf(verdict, sizeof(verdict), "%s",
                 audio_tracks ? "accurate: every audio track matches AccurateRip or CTDB"
                              : "ok");
    }
    result->audio_tracks = audio_tracks;
    result->audio_tracks_confirmed = confirmed;
    json_object_object_add(report, "verdict", json_object_new_string(verdict));
    json_object_object_add(report, "audio_tracks_confirmed", json_object_new_int(confirmed));
    json_object_object_add(report, "exit_status", json_object_new_int(status));
    if (rc)
        json_object_object_add(report, "error", json_object_new_string(err->message));

    fprintf(r.log.fp, "\nsectors read: %lld   re-read: %lld   bad: %lld\n",
            (long long)r.done_sectors, (long long)r.reread.sectors, (long long)r.bad.sectors);
    if (r.resume)
        fprintf(r.log.fp, "of them taken from the earlier run (%s): %lld\n", r.map_path,
                (long long)r.kept_sectors);
    for (int i = 0; i < r.bad.count; i++) {
        char why[96];
        bad_reason(r.bad.r[i].detail, why, sizeof(why));
        fprintf(r.log.fp, "bad: LBA %d-%d (%d sectors): %s\n", r.bad.r[i].first_lba,
                r.bad.r[i].last_lba, r.bad.r[i].last_lba - r.bad.r[i].first_lba + 1, why);
    }
    for (int i = 0; i < r.reread.count; i++)
        fprintf(r.log.fp, "re-read: LBA %d-%d\n", r.reread.r[i].first_lba, r.reread.r[i].last_lba);
    for (int i = 0; i < r.ecc_repaired.count; i++)
        fprintf(r.log.fp, "repaired from ECC: LBA %d-%d\n", r.ecc_repaired.r[i].first_lba,
                r.ecc_repaired.r[i].last_lba);
    fprintf(r.log.fp, "verdict: %s%s%s (exit status %d)\nfinished: %s\n", verdict,
            rc ? ": " : "", rc ? err->message : "", status, finished);

    if (dw__rip_sign_log(&r, report) && !rc)
        rc = err->code ? err->code : DW_EIO;
    const char *text = json_object_to_json_string_ext(report, JSON_C_TO_STRING_PRETTY |
                                                                  JSON_C_TO_STRING_NOSLASHESCAPE);
    result->report_json = strdup(text);
    if (rc) {
        /* Nothing that looks complete: the image went away with its .part;
         * the log stays under its .part name as evidence. */
        rip_keep_or_drop(&r);
        fflush(r.log.fp);
        fclose(r.log.fp);
        r.log.fp = NULL;
        free(r.log.path);
        free(r.log.part_path);
        memset(&r.log, 0, sizeof(r.log));
        result->image_path[0] = result->cue_path[0] = '\0';
        result->report_path[0] = '\0';
        snprintf(result->log_path + strlen(result->log_path),
                 sizeof(result->log_path) - strlen(result->log_path), ".part");
    } else {
        struct dw__outfile rep;
        int rrc = dw__outfile_open(&rep, result->report_path, err);
        if (!rrc) {
            fputs(text, rep.fp);
            fputc('\n', rep.fp);
            rrc = dw__outfile_commit(&rep, err);
        }
        if (!rrc)
            rrc = dw__outfile_commit(&r.log, err);
        else
            dw__outfile_abort(&r.log);
        rc = rrc;
    }
    dw_drive_lock(drive, false);
    dw__rip_paranoia_release(&r);
    dw_disc_free(refined);
    ar_release(&r);
    if (r.resume) {
        dw__ripmap_release(r.resume);
        free(r.resume);
    }
    if (r.resume_bin)
        fclose(r.resume_bin);
    json_object_put(report);
    dw__ranges_release(&r.reread);
    dw__ranges_release(&r.bad);
    dw__ranges_release(&r.ecc_repaired);
    return rc;
}
