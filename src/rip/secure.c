/* Secure reading of audio: one pass, then re-reads of the suspicious
 * sectors only.
 *
 * Pass 1 reads the track with the drive's C2 error pointers (MMC-6 READ CD,
 * error field 01b) and writes it out.  A sector is suspicious when C2
 * flags any of its bytes or it could not be read.  Pass 2 re-reads each
 * suspicious sector, after reading a sector far away so the drive's cache
 * cannot answer, until two reads with no C2 flag agree byte for byte; the
 * agreed data is written over the first in the .part file.  A sector that
 * never gets there keeps its most recent clean read (or its last read) and
 * is listed bad.  Pass 3 hashes the track (CRC-32, MD5, SHA-1, AccurateRip,
 * EAC CRCs) from the file, so every checksum covers the final bytes.
 * Drives without C2 get one pass plus re-reads of unreadable sectors only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "discwright/sector.h"
#include "errors_int.h"
#include "rip/accuracy.h"
#include "rip/rip_int.h"

#define CACHE_DEFEAT_SECTORS 2000 /* without a drive profile: further than most caches reach */
/* Secure mode reads, re-reads and settles a track a window at a time, so an
 * interrupted rip keeps all windows before the one it stopped in (a minute
 * of audio each). */
#define SECURE_WINDOW_SECTORS 4500
/* Distinct clean reads of a sector kept while re-reading: a new read that
 * equals any of them confirms it. */
#define CLEAN_READS_KEPT 4

struct suspects {
    int32_t *lba;
    int count, cap;
};

static int suspect_add(struct suspects *s, int32_t lba)
{
    if (s->count && s->lba[s->count - 1] == lba)
        return 0;
    if (s->count == s->cap) {
        int cap = s->cap ? s->cap * 2 : 64;
        int32_t *p = realloc(s->lba, (size_t)cap * sizeof(*p));
        if (!p)
            return DW_ENOMEM;
        s->lba = p;
        s->cap = cap;
    }
    s->lba[s->count++] = lba;
    return 0;
}

static int c2_flagged_bytes(const uint8_t *c2)
{
    int n = 0;
    for (int i = 0; i < DW_C2_BYTES_PER_SECTOR; i++)
        n += __builtin_popcount(c2[i]);
    return n;
}

/* Read n sectors with C2 if the drive has it; *have_c2 turns false for
 * good when it has not (and c2 is then all clear). */
static int read_c2(struct dw__rip *r, int32_t lba, int32_t n, uint8_t *buf, uint8_t *c2,
                   bool *have_c2)
{
    if (*have_c2) {
        int rc = dw__rip_read_audio_c2(r, lba, n, buf, c2);
        if (rc != DW_EUNSUPPORTED)
            return rc;
        *have_c2 = false;
        dw__rip_log(r, DW_LOG_INFO, "the drive reports no C2 errors: secure mode re-reads "
                                    "only sectors that fail to read");
    }
    memset(c2, 0, (size_t)n * DW_C2_BYTES_PER_SECTOR);
    return dw__rip_read_audio(r, lba, n, buf);
}

/* Read the chunk [lba, lba+n) with C2 (n <= the transfer size); when the
 * chunk read fails, each sector on its own.  unread[i] says which sectors
 * did not read (they are zeros in buf, clear in c2).  Returns 0, or a fatal
 * code (no medium, no drive, no memory) with r->err set. */
static int read_chunk_c2(struct dw__rip *r, int32_t lba, int32_t n, uint8_t *buf, uint8_t *c2,
                         bool *have_c2, bool *unread)
{
    int rc = read_c2(r, lba, n, buf, c2, have_c2);
    if (rc == DW_ENOMEDIUM || rc == DW_ENOMEM || rc == DW_ENODRIVE)
        return dw__set_error(r->err, rc, "%s", dw_drive_last_error(r->drive)->message);
    for (int32_t i = 0; i < n; i++) {
        uint8_t *s = buf + (size_t)i * DW_SECTOR_RAW_BYTES;
        uint8_t *p = c2 + (size_t)i * DW_C2_BYTES_PER_SECTOR;
        unread[i] = rc && read_c2(r, lba + i, 1, s, p, have_c2) != 0;
        if (unread[i]) {
            memset(s, 0, DW_SECTOR_RAW_BYTES);
            memset(p, 0, DW_C2_BYTES_PER_SECTOR);
        }
    }
    return 0;
}

static int write_at(struct dw__rip *r, off_t offset, const uint8_t *buf, size_t bytes)
{
    int fd = fileno(r->image.fp);
    for (size_t done = 0; done < bytes;) {
        ssize_t n = pwrite(fd, buf + done, bytes - done, offset + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return dw__set_error(r->err, dw_error_from_errno(errno), "cannot write '%s': %s",
                                 r->image.part_path, strerror(errno));
        done += (size_t)n;
    }
    return 0;
}

static int read_at(struct dw__rip *r, off_t offset, uint8_t *buf, size_t bytes)
{
    int fd = fileno(r->image.fp);
    for (size_t done = 0; done < bytes;) {
        ssize_t got = pread(fd, buf + done, bytes - done, offset + (off_t)done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return dw__set_error(r->err, DW_EIO, "cannot read back '%s': %s",
                                 r->image.part_path, got < 0 ? strerror(errno) : "short");
        done += (size_t)got;
    }
    return 0;
}

/* Pass 2 for a run of n contiguous suspicious sectors (n <= the transfer
 * size): each attempt reads a sector far away (so the drive's cache cannot
 * answer) and then the whole run, and every sector keeps its first clean
 * read until a second clean read agrees with it.  Reading runs, not single
 * sectors, keeps the seeks to two per attempt.  A sector is confirmed when
 * a clean read equals one of the last CLEAN_READS_KEPT clean reads of it.
 * out gets n sectors (the agreed data, else the last clean read, else the last read, else what it
 * held on entry: the caller puts pass 1's bytes there); confirmed[i]
 * says which agreed.  Returns 0 or a fatal code. */
static int reread_run(struct dw__rip *r, int32_t lba, int32_t n, int32_t disc_first,
                      int32_t disc_end, bool *have_c2, uint8_t *out, bool *confirmed,
                      const bool *seed_clean, int32_t *unread, int *reads)
{
    const size_t S = DW_SECTOR_RAW_BYTES;
    uint8_t *raw = malloc((size_t)n * S), *c2 = malloc((size_t)n * DW_C2_BYTES_PER_SECTOR);
    uint8_t *clean = malloc((size_t)n * CLEAN_READS_KEPT * S), far[DW_SECTOR_RAW_BYTES];
    int *kept = calloc((size_t)n, sizeof(int)); /* clean reads kept per sector */
    int rc = 0, left = n;
    if (!raw || !c2 || !clean || !kept) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    for (int32_t i = 0; i < n; i++) {
        confirmed[i] = false;
        unread[i] = DW_EREAD;
        if (seed_clean[i]) { /* the bytes on entry are a clean read already */
            memcpy(clean + (size_t)i * CLEAN_READS_KEPT * S, out + (size_t)i * S, S);
            kept[i] = 1;
            unread[i] = 0;
        }
    }
    int attempts = r->retries > 0 ? 2 * r->retries : 2;
    for (int a = 0; a < attempts && left > 0; a++) {
        int32_t far_sectors = r->cache_defeat_sectors > 0 ? r->cache_defeat_sectors
                                                          : CACHE_DEFEAT_SECTORS;
        int32_t away = lba + far_sectors < disc_end         ? lba + far_sectors
                       : lba - far_sectors >= disc_first ? lba - far_sectors
                                                         : disc_first;
        (void)dw_drive_read_raw(r->drive, away, 1, far);
        int rrc = read_c2(r, lba, n, raw, c2, have_c2);
        *reads += n;
        if (rrc == DW_ENOMEDIUM || rrc == DW_ENOMEM || rrc == DW_ENODRIVE) {
            rc = dw__set_error(r->err, rrc, "%s", dw_drive_last_error(r->drive)->message);
            goto out;
        }
        for (int32_t i = 0; i < n; i++) {
            if (confirmed[i])
                continue;
            uint8_t *s = raw + (size_t)i * S;
            if (rrc) { /* the run failed: this sector on its own */
                (*reads)++;
                if (read_c2(r, lba + i, 1, s, c2 + (size_t)i * DW_C2_BYTES_PER_SECTOR,
                            have_c2)) {
                    const struct dw_error_detail *e = dw_drive_last_error(r->drive);
                    if (unread[i] && e->sense_key >= 0)
                        unread[i] = e->sense_key << 16 | e->asc << 8 | e->ascq;
                    continue;
                }
            }
            unread[i] = 0;
            memcpy(out + (size_t)i * S, s, S);
            if (c2_flagged_bytes(c2 + (size_t)i * DW_C2_BYTES_PER_SECTOR))
                continue;
            /* Confirmed when it equals any clean read kept so far: a bad
             * read in between (jitter) does not undo a good one. */
            uint8_t *mine = clean + (size_t)i * CLEAN_READS_KEPT * S;
            int have = kept[i] < CLEAN_READS_KEPT ? kept[i] : CLEAN_READS_KEPT;
            for (int k = 0; k < have && !confirmed[i]; k++)
                if (memcmp(mine + (size_t)k * S, s, S) == 0) {
                    memcpy(out + (size_t)i * S, s, S);
                    confirmed[i] = true;
                    left--;
                }
            if (!confirmed[i])
                memcpy(mine + (size_t)(kept[i]++ % CLEAN_READS_KEPT) * S, s, S);
        }
    }
    for (int32_t i = 0; i < n; i++)
        if (!confirmed[i] && kept[i]) /* the newest clean read */
            memcpy(out + (size_t)i * S,
                   clean + ((size_t)i * CLEAN_READS_KEPT + (size_t)((kept[i] - 1) % CLEAN_READS_KEPT)) * S,
                   S);
out:
    free(raw);
    free(c2);
    free(clean);
    free(kept);
    return rc;
}

static int suspect_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Test-and-copy's test pass over [first, end): after a read far away (so
 * the drive's cache cannot answer), read every sector again with C2 and
 * compare it with the copy pass 1 wrote at base.  A sector that differs,
 * that C2 flags now or that does not read becomes suspicious too (jitter
 * and errors that come and go show up here, not in C2).  The test CRC-32
 * runs over what this pass read.  sus stays sorted without duplicates. */
static int test_pass(struct dw__rip *r, int32_t first, int32_t end, off_t base, bool *have_c2,
                     struct suspects *sus, struct dw_secure_stats *stats)
{
    int32_t transfer = dw_drive_max_transfer_sectors(r->drive);
    const size_t S = DW_SECTOR_RAW_BYTES;
    uint8_t *buf = malloc((size_t)transfer * S), *copy = malloc((size_t)transfer * S);
    uint8_t *c2 = malloc((size_t)transfer * DW_C2_BYTES_PER_SECTOR), far[DW_SECTOR_RAW_BYTES];
    bool *missed = malloc((size_t)transfer * sizeof(bool));
    int rc = 0, before = sus->count;
    if (!buf || !copy || !c2 || !missed) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    int32_t away = r->cache_defeat_sectors > 0 ? r->cache_defeat_sectors : CACHE_DEFEAT_SECTORS;
    away = end + away < r->session_end ? end + away
           : first - away >= r->session_first ? first - away
                                              : r->session_first;
    (void)dw_drive_read_raw(r->drive, away, 1, far);
    for (int32_t lba = first; lba < end;) {
        int32_t n = end - lba < transfer ? end - lba : transfer;
        if ((rc = read_chunk_c2(r, lba, n, buf, c2, have_c2, missed)) ||
            (rc = read_at(r, base + (off_t)(lba - first) * S, copy, (size_t)n * S)))
            goto out;
        for (int32_t i = 0; i < n; i++) {
            uint8_t *s = buf + (size_t)i * S;
            bool one = missed[i];
            stats->test_crc32 = (uint32_t)crc32(stats->test_crc32, s, (uInt)S);
            bool differs = !one && memcmp(s, copy + (size_t)i * S, S) != 0;
            bool flagged = !one && c2_flagged_bytes(c2 + (size_t)i * DW_C2_BYTES_PER_SECTOR);
            if (differs && !flagged)
                stats->test_differing++;
            if ((one || differs || flagged) && suspect_add(sus, lba + i)) {
                rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
                goto out;
            }
        }
        lba += n;
        if ((rc = dw__rip_progress(r, 0, false)))
            goto out;
    }
    if (sus->count > before) { /* merge the new suspects into the sorted list */
        qsort(sus->lba, (size_t)sus->count, sizeof(sus->lba[0]), suspect_cmp);
        int k = 0;
        for (int i = 0; i < sus->count; i++)
            if (k == 0 || sus->lba[k - 1] != sus->lba[i])
                sus->lba[k++] = sus->lba[i];
        sus->count = k;
    }
out:
    free(buf);
    free(copy);
    free(c2);
    free(missed);
    return rc;
}

static int secure_window(struct dw__rip *r, const struct dw_track *t, int32_t first,
                         int32_t end, struct dw_hash *image_hash, struct dw_hash *track_hash,
                         struct dw_secure_stats *stats)
{
    int32_t transfer = dw_drive_max_transfer_sectors(r->drive);
    uint8_t *buf = malloc((size_t)transfer * DW_SECTOR_RAW_BYTES);
    uint8_t *c2 = malloc((size_t)transfer * DW_C2_BYTES_PER_SECTOR);
    bool *missed = malloc((size_t)transfer * sizeof(bool));
    struct suspects sus = {0}, flagged = {0}; /* flagged: pass 1's suspects */
    bool have_c2 = r->secure_have_c2;
    int rc = 0;
    uint32_t test_crc32 = stats->test_crc32; /* runs on from the window before */
    memset(stats, 0, sizeof(*stats));
    stats->test_crc32 = test_crc32;
    if (!buf || !c2 || !missed) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    if (fflush(r->image.fp) != 0) {
        rc = dw__outfile_check(&r->image, r->err);
        goto out;
    }
    off_t base = ftello(r->image.fp);

    /* Pass 1. */
    for (int32_t lba = first; lba < end;) {
        int32_t n = end - lba < transfer ? end - lba : transfer;
        if ((rc = read_chunk_c2(r, lba, n, buf, c2, &have_c2, missed)))
            goto out;
        for (int32_t i = 0; i < n; i++) {
            if (missed[i]) {
                stats->unreadable_pass1++;
            } else if (c2_flagged_bytes(c2 + (size_t)i * DW_C2_BYTES_PER_SECTOR)) {
                stats->c2_sectors++;
            } else {
                continue;
            }
            if (suspect_add(&sus, lba + i)) {
                rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
                goto out;
            }
        }
        rc = 0;
        size_t bytes = (size_t)n * DW_SECTOR_RAW_BYTES;
        if (fwrite(buf, 1, bytes, r->image.fp) != bytes) {
            rc = dw__outfile_check(&r->image, r->err);
            rc = rc ? rc : dw__set_error(r->err, DW_EIO, "cannot write the image");
            goto out;
        }
        lba += n;
        r->done_sectors += n;
        if ((rc = dw__rip_progress(r, t->number, false)))
            goto out;
    }
    if (fflush(r->image.fp) != 0) {
        rc = dw__outfile_check(&r->image, r->err);
        goto out;
    }

    /* Test-and-copy: read the window again and compare.  Sectors it adds
     * read clean in pass 1: that read counts towards their agreement. */
    if (r->test_pass && sus.count) {
        flagged.lba = malloc((size_t)sus.count * sizeof(int32_t));
        if (!flagged.lba) {
            rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
            goto out;
        }
        memcpy(flagged.lba, sus.lba, (size_t)sus.count * sizeof(int32_t));
        flagged.count = flagged.cap = sus.count;
    }
    if (r->test_pass &&
        (rc = test_pass(r, first, end, base, &have_c2, &sus, stats)))
        goto out;

    /* Pass 2: only the suspicious sectors. */
    if (sus.count)
        dw__rip_log(r, DW_LOG_INFO,
                    "track %02d: %d suspicious sectors (%d C2-flagged, %d unreadable): "
                    "re-reading them",
                    t->number, sus.count, stats->c2_sectors, stats->unreadable_pass1);
    for (int i = 0; i < sus.count;) {
        /* A run of contiguous suspicious sectors, at most one transfer. */
        int32_t lba = sus.lba[i], n = 1;
        while (i + n < sus.count && n < transfer && sus.lba[i + n] == lba + n)
            n++;
        bool confirmed[256];
        int32_t unread[256]; /* 0, or why no re-read of the sector succeeded */
        bool seed_clean[256];
        if (n > (int32_t)(sizeof(confirmed) / sizeof(confirmed[0])))
            n = (int32_t)(sizeof(confirmed) / sizeof(confirmed[0]));
        /* A sector no re-read gets keeps what pass 1 wrote for it. */
        if ((rc = read_at(r, base + (off_t)(lba - first) * DW_SECTOR_RAW_BYTES, buf,
                          (size_t)n * DW_SECTOR_RAW_BYTES)))
            goto out;
        for (int32_t k = 0; k < n; k++)
            seed_clean[k] = r->test_pass &&
                            !(flagged.count && bsearch(&(int32_t){lba + k}, flagged.lba, (size_t)flagged.count,
                                     sizeof(int32_t), suspect_cmp));
        rc = reread_run(r, lba, n, r->session_first, r->session_end, &have_c2, buf, confirmed,
                        seed_clean, unread, &stats->reads);
        if (rc)
            goto out;
        if ((rc = write_at(r, base + (off_t)(lba - first) * DW_SECTOR_RAW_BYTES, buf,
                           (size_t)n * DW_SECTOR_RAW_BYTES)))
            goto out;
        for (int32_t k = 0; k < n; k++) {
            dw__ranges_add(&r->reread, lba + k, 0);
            if (!confirmed[k] && unread[k]) {
                dw__ranges_add(&r->bad, lba + k, unread[k]);
                dw__rip_log(r, DW_LOG_WARN,
                            "sector %d (track %d): no re-read could read it; pass 1's bytes "
                            "(zeros when it did not read either) are kept",
                            lba + k, t->number);
            } else if (!confirmed[k]) {
                dw__ranges_add(&r->bad, lba + k, DW__BAD_SECURE_UNCONFIRMED);
                dw__rip_log(r, DW_LOG_WARN,
                            "sector %d (track %d): no two clean reads agreed; the best read "
                            "is kept",
                            lba + k, t->number);
            } else {
                stats->recovered++;
            }
        }
        i += n;
        if ((rc = dw__rip_progress(r, t->number, false)))
            goto out;
    }

    /* Pass 3: checksums over the final bytes. */
    for (int32_t lba = first; lba < end;) {
        int32_t n = end - lba < transfer ? end - lba : transfer;
        size_t bytes = (size_t)n * DW_SECTOR_RAW_BYTES;
        if ((rc = read_at(r, base + (off_t)(lba - first) * DW_SECTOR_RAW_BYTES, buf, bytes)))
            goto out;
        dw_hash_update(image_hash, buf, bytes);
        dw_hash_update(track_hash, buf, bytes);
        dw__rip_feed_audio(r, lba, buf, n);
        lba += n;
    }
    /* After the window: a resumed rip may have more of the file behind it. */
    if (fseeko(r->image.fp, base + (off_t)(end - first) * DW_SECTOR_RAW_BYTES, SEEK_SET) != 0)
        rc = dw__set_error(r->err, DW_EIO, "cannot seek in '%s'", r->image.part_path);
out:
    r->secure_have_c2 = have_c2;
    stats->have_c2 = have_c2;
    free(sus.lba);
    free(flagged.lba);
    free(buf);
    free(c2);
    free(missed);
    return rc;
}

int dw__rip_secure_range(struct dw__rip *r, const struct dw_track *t, int32_t first,
                         int32_t end, struct dw_hash *image_hash, struct dw_hash *track_hash,
                         struct dw_secure_stats *stats)
{
    uint32_t test_crc32 = stats->test_crc32; /* runs on over the calls of a track */
    memset(stats, 0, sizeof(*stats));
    stats->test_crc32 = test_crc32;
    for (int32_t a = first; a < end;) {
        int32_t b = end - a > SECURE_WINDOW_SECTORS ? a + SECURE_WINDOW_SECTORS : end;
        struct dw_secure_stats w = {.test_crc32 = stats->test_crc32};
        int rc = secure_window(r, t, a, b, image_hash, track_hash, &w);
        stats->test_crc32 = w.test_crc32;
        stats->test_differing += w.test_differing;
        stats->have_c2 = w.have_c2;
        stats->c2_sectors += w.c2_sectors;
        stats->unreadable_pass1 += w.unreadable_pass1;
        stats->recovered += w.recovered;
        stats->reads += w.reads;
        if (rc || (rc = dw__rip_mark_final(r, b, false)))
            return rc;
        a = b;
    }
    return 0;
}
