/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Audio extraction through libcdio-paranoia, reading through our drive
 * layer: paranoia gets a cdrom_drive_t whose read_audio calls
 * dw_drive_read_raw (MMC-6 READ CD on drives; the span map on images),
 * so images and drives take the same path.
 *
 * One paranoia session reads the audio of a disc session, across its
 * tracks (struct dw__paranoia, kept in the rip between the per-track
 * calls).
 *
 * libcdio-paranoia's callback has no user pointer; the job in progress is
 * kept in a thread-local.
 *
 * The sectors paranoia returns are copied into batches of BATCH_SECTORS,
 * which a second thread (when dw__readahead_wanted says a second core is
 * there) writes to the image, hashes and feeds to AccurateRip/EAC/CTDB, in
 * order, while paranoia reads and verifies on (as burst's read-ahead, the
 * reads and the audio checks run side by side).
 * A ring of BATCHES batches of 64 sectors (1.2 MiB) is all the memory
 * this adds. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <cdio/paranoia/cdda.h>
#include <cdio/paranoia/paranoia.h>
#include "discwright/sector.h"
#include "errors_int.h"
#include "rip/accuracy.h"
#include "rip/readahead.h"
#include "rip/rip_int.h"

struct dw_cdda {
    cdrom_drive_t cd; /* first: paranoia's pointer is ours */
    struct dw_drive *drive;
    struct dw__rip *rip;        /* audio reads go through dw__rip_read_audio */
    int32_t first_lba, end_lba; /* readable range handed to paranoia */
    int read_errors;
    int fatal; /* DW_ENOMEDIUM, DW_ENODRIVE or DW_ETIMEDOUT seen: the rip stops */
    uint8_t *scratch;           /* nsectors raw sectors, for NULL reads */
    uint8_t *delivered;         /* bit per sector of [first_lba, end_lba):
                                   some read returned it (at most 56 KiB for
                                   the longest CD) */
};

static void mark_delivered(struct dw_cdda *c, int32_t lba, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        int32_t k = lba + i - c->first_lba;
        c->delivered[k >> 3] |= (uint8_t)(1u << (k & 7));
    }
}

static bool was_delivered(const struct dw_cdda *c, int32_t lba)
{
    int32_t k = lba - c->first_lba;
    return (c->delivered[k >> 3] >> (k & 7)) & 1;
}

#define PARANOIA_EDGE_SECTORS 2

static _Thread_local struct {
    struct dw__rip *rip;
    struct dw_paranoia_stats *stats;
} tl;

static const char *const event_names[DW_PARANOIA_EVENT_KINDS] = {
    "read", "verify", "fixup_edge", "fixup_atom", "scratch", "repair", "skip",
    "drift", "backoff", "overlap", "fixup_dropped", "fixup_duped", "read_error", "cache_error"};

const char *dw__paranoia_event_name(int kind)
{
    return kind >= 0 && kind < DW_PARANOIA_EVENT_KINDS ? event_names[kind] : "unknown";
}

/* Add lba to a range list once: paranoia reports a position many times. */
static void add_once(struct dw__lba_ranges *rs, int32_t lba, int32_t detail)
{
    for (int i = rs->count - 1; i >= 0 && i >= rs->count - 4; i--)
        if (lba >= rs->r[i].first_lba && lba <= rs->r[i].last_lba)
            return;
    dw__ranges_add(rs, lba, detail);
}

static long cdda_read_audio(cdrom_drive_t *cd, void *buf, lsn_t begin, long sectors)
{
    struct dw_cdda *c = (struct dw_cdda *)cd;
    if (begin < c->first_lba)
        return -1;
    if (begin + sectors > c->end_lba)
        sectors = c->end_lba - begin;
    if (sectors <= 0)
        return -1;
    /* libcdio-paranoia passes NULL to read and discard (to move the drive
     * and flush its cache): read into our scratch buffer then. */
    if (!buf) {
        if (sectors > c->cd.nsectors)
            sectors = c->cd.nsectors;
        buf = c->scratch;
    }
    /* After the medium went away, hand paranoia silence so that it returns
     * (it can loop for ever on reads that all fail; the rip then stops and
     * never writes this). */
    if (c->fatal) {
        memset(buf, 0, (size_t)sectors * DW_SECTOR_RAW_BYTES);
        return sectors;
    }
    int rc = dw__rip_read_audio(c->rip, begin, (int32_t)sectors, buf);
    if (rc == 0) {
        mark_delivered(c, begin, (int32_t)sectors);
        return sectors;
    }
    c->read_errors++;
    /* No medium or no drive is not damage to work around: stop. */
    if (rc == DW_ENOMEDIUM || rc == DW_ENODRIVE || rc == DW_ETIMEDOUT) {
        c->fatal = rc;
        memset(buf, 0, (size_t)sectors * DW_SECTOR_RAW_BYTES);
        return sectors;
    }
    /* A read error is never handed to libcdio-paranoia: its skip path
     * returns a pointer past the end of its own buffer when the error is at
     * the start of the range (seen with 10.2+2.0.1 on LBA 0-10: a crash).
     * The sectors are read one by one, each up to the retry count; one that
     * never reads is silence to paranoia, is not marked delivered, and is
     * listed bad by dw__rip_paranoia_range like a skip. */
    int attempts = c->rip->retries > 0 ? c->rip->retries + 1 : 1;
    for (long i = 0; i < sectors; i++) {
        uint8_t *s = (uint8_t *)buf + (size_t)i * DW_SECTOR_RAW_BYTES;
        int one = -1;
        for (int a = 0; a < attempts && one != 0; a++) {
            one = dw__rip_read_audio(c->rip, begin + (lsn_t)i, 1, s);
            if (one == DW_ENOMEDIUM || one == DW_ENODRIVE || one == DW_ETIMEDOUT) {
                c->fatal = one;
                memset(buf, 0, (size_t)sectors * DW_SECTOR_RAW_BYTES);
                return sectors;
            }
        }
        add_once(&c->rip->reread, (int32_t)(begin + i), 0);
        if (one == 0)
            mark_delivered(c, (int32_t)(begin + i), 1);
        else
            memset(s, 0, DW_SECTOR_RAW_BYTES);
    }
    return sectors;
}

/* Paranoia's positions count 16-bit words from LBA 0 (CD_FRAMEWORDS a
 * sector), but where it skips it reports the cursor it gave up at, which
 * can lie past the damage (even past the lead-out).  So its events are
 * evidence in the log; which sectors are bad is decided from what the
 * drive actually delivered (see dw__rip_paranoia_range). */
static void paranoia_event(long inpos, paranoia_cb_mode_t mode)
{
    if (!tl.stats || mode < 0 || mode >= DW_PARANOIA_EVENT_KINDS)
        return;
    tl.stats->count[mode]++;
    int32_t lba = (int32_t)(inpos / (DW_SECTOR_RAW_BYTES / 2));
    if (mode == PARANOIA_CB_SKIP && tl.stats->count[mode] <= 20)
        dw__rip_log(tl.rip, DW_LOG_INFO, "libcdio-paranoia: skip reported at sector %d", lba);
    else if (mode == PARANOIA_CB_READERR)
        add_once(&tl.rip->reread, lba, 0);
    if (mode != PARANOIA_CB_READ && mode != PARANOIA_CB_VERIFY && mode != PARANOIA_CB_OVERLAP)
        tl.rip->paranoia_events++;
}

/* Sectors handed to the writer at a time: few enough write() calls and
 * hash updates, and a small copy.  */
#define BATCH_SECTORS 64
/* Batches in the ring: paranoia hands sectors over in bursts (a verified
 * read block at a time), so two batches left the reading thread waiting
 * on the writer; 8 (1.2 MiB) let both run on. */
#define BATCHES 8

/* The writer: a ring of BATCHES batches; buf[i] holds n[i] sectors from
 * LBA lba[i] (n[i] 0: free).  The
 * caller fills buf[fill]; the thread (if any) writes and hashes buf[next].
 * A write that fails is kept in write_errno; the thread then drops what
 * it is given, so the caller never waits on it, and the caller stops at
 * its next batch. */
struct writer {
    struct dw__rip *r;
    FILE *fp;
    struct dw__hashset *hs;
    uint8_t *buf[BATCHES];
    int32_t n[BATCHES], lba[BATCHES];
    int fill, next;
    bool threaded, stop;
    int write_errno; /* 0, or the errno of the failed write */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a batch handed over, one freed, or stop */
};

/* Write, hash and check n sectors of buf from lba on: 0, or the errno of
 * the failed write. */
static int writer_put(struct writer *w, const uint8_t *buf, int32_t lba, int32_t n)
{
    errno = 0;
    if (fwrite(buf, DW_SECTOR_RAW_BYTES, (size_t)n, w->fp) != (size_t)n)
        return errno ? errno : EIO;
    dw__hashset_update(w->hs, buf, (size_t)n * DW_SECTOR_RAW_BYTES);
    dw__rip_feed_audio(w->r, lba, buf, n);
    return 0;
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->n[w->next] && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->n[w->next])
            break; /* stopped, and nothing left */
        int i = w->next;
        bool drop = w->write_errno || w->stop;
        pthread_mutex_unlock(&w->mu);
        int err = drop ? 0 : writer_put(w, w->buf[i], w->lba[i], w->n[i]);
        pthread_mutex_lock(&w->mu);
        if (err)
            w->write_errno = err;
        w->n[i] = 0;
        w->next = (w->next + 1) % BATCHES;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* 0, or DW_ENOMEM.  The thread is only a speed-up: when it cannot start,
 * the caller writes the batches itself. */
static int writer_start(struct writer *w, struct dw__rip *r, FILE *fp, struct dw__hashset *hs)
{
    memset(w, 0, sizeof(*w));
    w->r = r;
    w->fp = fp;
    w->hs = hs;
    w->buf[0] = malloc(BATCHES * (size_t)BATCH_SECTORS * DW_SECTOR_RAW_BYTES);
    if (!w->buf[0])
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    for (int i = 1; i < BATCHES; i++)
        w->buf[i] = w->buf[0] + (size_t)i * BATCH_SECTORS * DW_SECTOR_RAW_BYTES;
    if (!dw__readahead_wanted(r->opts->threads))
        return 0;
    if (pthread_mutex_init(&w->mu, NULL) != 0)
        return 0;
    if (pthread_cond_init(&w->cv, NULL) != 0) {
        pthread_mutex_destroy(&w->mu);
        return 0;
    }
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        return 0;
    }
    w->threaded = true;
    return 0;
}

/* Hand buf[fill]'s n sectors from lba on over and wait for the next
 * batch to be free (inline without a thread).  False when a write
 * failed. */
static bool writer_submit(struct writer *w, int32_t lba, int32_t n)
{
    if (!w->threaded) {
        if (!w->write_errno)
            w->write_errno = writer_put(w, w->buf[w->fill], lba, n);
        return !w->write_errno;
    }
    pthread_mutex_lock(&w->mu);
    w->lba[w->fill] = lba;
    w->n[w->fill] = n;
    pthread_cond_broadcast(&w->cv);
    w->fill = (w->fill + 1) % BATCHES;
    while (w->n[w->fill])
        pthread_cond_wait(&w->cv, &w->mu);
    bool ok = !w->write_errno;
    pthread_mutex_unlock(&w->mu);
    return ok;
}

/* Whether a batch handed over is not yet written (caller holds mu). */
static bool batches_pending(const struct writer *w)
{
    for (int i = 0; i < BATCHES; i++)
        if (w->n[i])
            return true;
    return false;
}

/* Stop the thread: with drain, after it wrote every batch handed over;
 * without (a failed rip), as soon as it can.  Frees the batches.  Returns
 * the errno of a failed write, or 0. */
static int writer_stop(struct writer *w, bool drain)
{
    if (w->threaded) {
        pthread_mutex_lock(&w->mu);
        while (drain && batches_pending(w))
            pthread_cond_wait(&w->cv, &w->mu);
        w->stop = true;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        w->threaded = false;
    }
    free(w->buf[0]);
    memset(w->buf, 0, sizeof(w->buf));
    return w->write_errno;
}

/* One libcdio-paranoia session over the audio of a disc session: its
 * first read has nothing to verify against and nothing to align to, so it
 * runs on across the tracks (paranoia_seek would drop what it verified)
 * and the next track's call continues at the cursor. */
struct dw__paranoia {
    struct dw_cdda *c;
    cdrom_paranoia_t *p;
    int session;
    int32_t cursor; /* the next sector paranoia returns */
};

void dw__rip_paranoia_release(struct dw__rip *r)
{
    struct dw__paranoia *ps = r->paranoia;
    if (!ps)
        return;
    if (ps->p)
        paranoia_free(ps->p);
    if (ps->c) {
        free(ps->c->scratch);
        free(ps->c->delivered);
        free(ps->c);
    }
    free(ps);
    r->paranoia = NULL;
}

/* A paranoia session for t's session that reads on from first. */
static int paranoia_start(struct dw__rip *r, const struct dw_track *t, int32_t first,
                          int32_t end)
{
    struct dw__paranoia *ps = calloc(1, sizeof(*ps));
    struct dw_cdda *c = calloc(1, sizeof(*c));
    if (!ps || !c) {
        free(ps);
        free(c);
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    }
    ps->c = c;
    ps->session = t->session;
    ps->cursor = first;
    r->paranoia = ps;
    /* Paranoia sees the track's session as a disc of audio tracks so that
     * its overlapping reads stay inside readable sectors. */
    const struct dw_disc *disc = r->disc;
    int32_t session_first = first, session_end = end;
    int n = 0;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *u = &disc->tracks[i];
        if (u->session != t->session || dw_track_is_data(u))
            continue;
        int32_t f = dw_track_first_lba(u) < 0 ? 0 : dw_track_first_lba(u);
        if (n == 0 || f < session_first)
            session_first = f;
        if (u->end_lba > session_end)
            session_end = u->end_lba;
        c->cd.disc_toc[n].bTrack = (unsigned char)u->number;
        c->cd.disc_toc[n].dwStartSector = f;
        n++;
    }
    c->cd.disc_toc[n].bTrack = CDIO_CDROM_LEADOUT_TRACK;
    c->cd.disc_toc[n].dwStartSector = session_end;
    c->cd.tracks = (track_t)n;
    c->cd.opened = 1;
    c->cd.bigendianp = 0;
    c->cd.nsectors = dw_drive_max_transfer_sectors(r->drive);
    c->cd.audio_first_sector = session_first;
    c->cd.audio_last_sector = session_end - 1;
    c->cd.read_audio = cdda_read_audio;
    c->cd.is_mmc = 1;
    c->cd.cdda_device_name = (char *)"discwright";
    c->cd.drive_model = (char *)"discwright drive layer";
    c->drive = r->drive;
    c->rip = r;
    c->scratch = malloc((size_t)c->cd.nsectors * DW_SECTOR_RAW_BYTES);
    c->delivered = calloc((size_t)(session_end - session_first) / 8 + 1, 1);
    if (!c->scratch || !c->delivered)
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    c->first_lba = session_first;
    c->end_lba = session_end;

    ps->p = paranoia_init(&c->cd);
    if (!ps->p)
        return dw__set_error(r->err, DW_ELIB, "libcdio-paranoia could not start");
    paranoia_modeset(ps->p, PARANOIA_MODE_FULL ^ PARANOIA_MODE_NEVERSKIP);
    /* paranoia_seek returns the previous position, and its track-bound
     * look-ups go through p_cdio (libcdio-paranoia toc.c), which an image
     * has not got: set the readable range, to the session's last audio
     * sector, explicitly. */
    paranoia_seek(ps->p, first, SEEK_SET);
    paranoia_set_range(ps->p, first, session_end - 1);
    return 0;
}

int dw__rip_paranoia_range(struct dw__rip *r, const struct dw_track *t, int32_t first,
                           int32_t end, struct dw__outfile *out, struct dw__hashset *hs,
                           struct dw_paranoia_stats *stats)
{
    struct dw__paranoia *ps = r->paranoia;
    struct writer w = {0};
    int rc = 0;
    if (ps && (ps->session != t->session || ps->cursor != first))
        dw__rip_paranoia_release(r); /* another session, or a gap (--resume kept sectors) */
    if (!r->paranoia && (rc = paranoia_start(r, t, first, end)))
        goto out;
    ps = r->paranoia;
    struct dw_cdda *c = ps->c;
    if ((rc = writer_start(&w, r, out->fp, hs)))
        goto out;
    tl.rip = r;
    tl.stats = stats;
    int32_t batch_lba = first, batched = 0;
    for (int32_t lba = first; lba < end; lba++) {
        int16_t *samples = paranoia_read_limited(ps->p, paranoia_event, 20);
        if (c->fatal) {
            rc = dw__set_error(r->err, c->fatal, "%s", dw_drive_last_error(r->drive)->message);
            goto out;
        }
        if (!samples) {
            rc = dw__set_error(r->err, DW_EREAD,
                               "libcdio-paranoia gave up at sector %d of track %d", lba,
                               t->number);
            goto out;
        }
        ps->cursor = lba + 1;
        /* paranoia's buffer holds the sector until the next call. */
        uint8_t *batch = w.buf[w.fill];
        memcpy(batch + (size_t)batched * DW_SECTOR_RAW_BYTES, samples, DW_SECTOR_RAW_BYTES);
        if (++batched == BATCH_SECTORS || lba + 1 == end) {
            if (!writer_submit(&w, batch_lba, batched))
                goto write_failed;
            batch_lba = lba + 1;
            batched = 0;
        }
        r->done_sectors++;
        if ((rc = dw__rip_progress(r, t->number, false)))
            goto out;
    }
    if (writer_stop(&w, true))
        goto write_failed;
    /* A sector no read ever delivered holds what paranoia made up, and
     * paranoia patches the edges of such gaps too (seen on the emulator: the
     * delivered sector before an unreadable range came out altered), so the
     * PARANOIA_EDGE_SECTORS on each side are flagged as well. */
    for (int32_t lba = first; lba < end; lba++) {
        bool gap = !was_delivered(c, lba), edge = false;
        /* Only gaps inside [first, end): sectors of the neighbouring tracks
         * are checked by their own call. */
        for (int32_t k = lba - PARANOIA_EDGE_SECTORS; !gap && k <= lba + PARANOIA_EDGE_SECTORS;
             k++)
            edge |= k >= first && k < end && !was_delivered(c, k);
        if (!gap && !edge)
            continue;
        dw__ranges_add(&r->bad, lba, gap ? DW__BAD_PARANOIA_SKIP : DW__BAD_PARANOIA_EDGE);
        dw__rip_log(r, DW_LOG_WARN, "sector %d (track %d): %s", lba, t->number,
                    gap ? "no read delivered it; libcdio-paranoia filled it in"
                        : "next to sectors no read delivered; libcdio-paranoia may have "
                          "altered it");
    }
    goto out;
write_failed:
    writer_stop(&w, false);
    rc = dw__outfile_write_error(out, w.write_errno, r->err);
out:
    writer_stop(&w, false);
    tl.rip = NULL;
    tl.stats = NULL;
    /* The session's audio read to its end, or a failure: done with it. */
    if (r->paranoia && (rc || end >= r->paranoia->c->end_lba))
        dw__rip_paranoia_release(r);
    return rc;
}
