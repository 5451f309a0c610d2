/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Secure reading of audio: one pass whose read commands overlap, then
 * re-reads of the suspicious sectors only.
 *
 * A window of the track (SECURE_WINDOW_SECTORS) is settled at a time.
 *
 * Pass 1 reads the window with the drive's C2 error pointers (MMC-6 READ
 * CD, error field 01b), each command starting one sector before the one
 * before it ended, and writes it out.  The two copies of every overlap
 * sector are compared sample-exactly (secure.h): the same, the same after a
 * shift of k samples (jitter, found where it happens and to the sample), or
 * neither.  Commands joined by such links form a chain whose alignments
 * relative to each other are known.  A chain's reference alignment is put
 * to the vote: each command votes for its own, the final data before the
 * window (when the first command links to it) with ANCHOR_VOTES; the
 * winner needs CHAIN_MIN_COMMANDS votes and a clear lead, and when there
 * is none the chain's sectors are read again by other commands for more
 * votes (second_opinion).  A command off the reference by a known shift is
 * moved back into place from its own samples and its neighbour's
 * ("realigned"); the sectors of a command whose alignment nothing proves
 * (no winner, a link broken by a read error or C2 flags, no match) are
 * suspicious, as are sectors C2 flags or that do not read.  Digital
 * silence reads the same at any shift: a run of silent commands between
 * proven ones counts as proven.
 *
 * Test-and-copy adds a test pass: every sector is read again by a command
 * that starts at another LBA than the one that wrote it, and compared with
 * the copy; a sector that differs, that C2 flags now, or that does not read
 * becomes suspicious too.
 *
 * Pass 2 re-reads each run of suspicious sectors, each attempt after a read
 * far away (so the drive's cache cannot answer), starting one to
 * ANCHOR_MAX_SECTORS proven sectors before the run (another LBA each
 * attempt) and ending in the proven sector after it: compared with the
 * final data, those anchors prove the re-read's alignment or show it
 * shifted (then it is not used).  A sector is confirmed by two clean reads
 * that agree, one of them proven aligned (where no anchor can prove
 * anything, only digital silence, by two reads that started at different
 * LBAs); a sector suspicious only for its alignment by one clean proven
 * read.  A sector never confirmed
 * keeps its best read and is listed bad.  Pass 3 hashes the window (CRC-32,
 * MD5, SHA-1, AccurateRip, EAC CRCs) and writes it to the .part: the
 * window is held in memory (at most SECURE_WINDOW_SECTORS) from pass 1 to
 * here, so every checksum covers the final bytes without reading the .part
 * back, and a window that nothing flagged costs the drive no more reads
 * than a burst rip (one sector of overlap per command).
 *
 * With more than one thread (dw_rip_opts.threads), the next window's pass 1
 * runs on a thread of its own while pass 3 of this one runs on the rip's
 * thread: pass 3 does not use the drive, and the next window is opened
 * only once pass 2 of this one is done, so the drive sees the commands of
 * a one-thread rip in the same order.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "discwright/sector.h"
#include "drive/drive_int.h"
#include "drive/mmc.h"
#include "errors_int.h"
#include "rip/accuracy.h"
#include "rip/readahead.h"
#include "rip/rip_int.h"
#include "rip/secure.h"
#include "util.h"

#define CACHE_DEFEAT_SECTORS 2000 /* without a drive profile: further than most caches reach */
/* Secure mode reads, re-reads and settles a track a window at a time, so an
 * interrupted rip keeps all windows before the one it stopped in.  A window
 * is sized to take about SECURE_WINDOW_SECONDS of reading at the speed the
 * last one was read at (the first is the smallest), so the map is settled
 * every few seconds whatever the drive's speed, within these bounds: the
 * largest, 40 seconds of audio, keeps the far reads and test passes of a fast
 * drive few. */
#define SECURE_WINDOW_MIN_SECTORS 300
#define SECURE_WINDOW_SECTORS 3000
#define SECURE_WINDOW_SECONDS 3.0
/* Distinct clean reads of a sector kept while re-reading. */
#define CLEAN_READS_KEPT 4
/* A chain's reference alignment needs at least this many votes (read
 * commands that started at different LBAs) and a clear lead (vote_winner);
 * the final data before the window, when it anchors the chain, counts
 * ANCHOR_VOTES.  A chain without a winner is read again, up to
 * SECOND_OPINIONS times, for more votes. */
#define CHAIN_MIN_COMMANDS 3
#define ANCHOR_VOTES 8
#define SECOND_OPINIONS 3
/* Proven sectors before a re-read run that its commands start in, a
 * different one each attempt. */
#define ANCHOR_MAX_SECTORS 4
/* A re-read run is at most this long (the anchors come on top). */
#define RUN_MAX_SECTORS 256

#define S_BYTES ((size_t)DW_SECTOR_RAW_BYTES)
/* Pass 3 hashes and writes a window in pieces of this many sectors. */
#define COMMIT_SECTORS 448
#define SAMPLE_BYTES 4
#define SECTOR_SAMPLES (DW_SECTOR_RAW_BYTES / SAMPLE_BYTES)

/* Why a sector of a window is suspicious (bits); 0: proven. */
enum {
    SUS_UNREAD = 1, /* pass 1 could not read it */
    SUS_C2 = 2,     /* C2 flagged it in pass 1 */
    SUS_JITTER = 4, /* its pass-1 read's alignment is not proven */
    SUS_TEST = 8    /* the test pass did not confirm it */
};

/* ------------------------------------------------------------------ */
/* The overlap check                                                    */

/* Whether cur, shifted k samples later than prev, equals prev: cur's
 * sample c against prev's sample c + k of the overlap sector's frame (the
 * overlap sector is prev's last and cur's first).  At most one sector's
 * worth is compared, the part at prev's end; fewer than
 * DW_JITTER_MIN_MATCH_SAMPLES is no match. */
static bool shift_matches(const uint8_t *prev, int32_t prev_samples, const uint8_t *cur,
                          int32_t cur_samples, int32_t k)
{
    int32_t px = prev_samples - SECTOR_SAMPLES; /* the overlap sector in prev */
    int32_t lo = 0, hi = SECTOR_SAMPLES - k;
    if (hi > cur_samples)
        hi = cur_samples;
    if (lo < -(px + k))
        lo = -(px + k);
    if (hi - lo > SECTOR_SAMPLES)
        lo = hi - SECTOR_SAMPLES;
    if (hi - lo < DW_JITTER_MIN_MATCH_SAMPLES)
        return false;
    return memcmp(cur + (size_t)lo * SAMPLE_BYTES, prev + (size_t)(lo + k + px) * SAMPLE_BYTES,
                  (size_t)(hi - lo) * SAMPLE_BYTES) == 0;
}

struct dw__link dw__overlap_link(const uint8_t *prev, int32_t prev_sectors, const uint8_t *cur,
                                 int32_t cur_sectors)
{
    struct dw__link l = {DW_LINK_NONE, 0, false};
    int32_t ps = prev_sectors * SECTOR_SAMPLES, cs = cur_sectors * SECTOR_SAMPLES;
    int matches = 0;
    int32_t found = 0;
    l.equal = memcmp(prev + (size_t)(prev_sectors - 1) * S_BYTES, cur, S_BYTES) == 0;
    /* 0, 1, -1, 2, -2, ...: stop at the second match (ambiguous). */
    for (int32_t m = 0; m <= 2 * DW_JITTER_MAX_SAMPLES && matches < 2; m++) {
        int32_t k = (m + 1) / 2 * (m % 2 ? 1 : -1);
        if (k == 0 ? l.equal : shift_matches(prev, ps, cur, cs, k)) {
            if (matches++ == 0)
                found = k;
        }
    }
    l.kind = matches == 0 ? DW_LINK_NONE
             : matches > 1 ? DW_LINK_AMBIGUOUS
             : found == 0  ? DW_LINK_SAME
                           : DW_LINK_SHIFT;
    l.shift_samples = l.kind == DW_LINK_SHIFT ? found : 0;
    return l;
}

enum dw_probe_state dw__accurate_stream_now(struct dw_drive *drive)
{
    uint8_t cdb[DW_MMC_CDB_MAX], reply[256] = {0};
    struct dw__mmc_status st;
    struct dw__mmc_caps caps;
    size_t len = dw__mmc_build_mode_sense10(cdb, DW_MMC_PAGE_CAPABILITIES, sizeof(reply));
    if (dw__mmc_exec(drive, cdb, len, DW_MMC_DIR_FROM_DEV, reply, sizeof(reply), 0, &st) != 0 ||
        dw__mmc_parse_caps(reply, sizeof(reply), &caps) != 0)
        return DW_PROBE_UNKNOWN;
    return caps.accurate_stream ? DW_PROBE_SUPPORTED : DW_PROBE_UNSUPPORTED;
}

/* ------------------------------------------------------------------ */
/* Reading and the .part file                                           */

/* Whether the drive flagged any byte of a sector (its
 * DW_C2_BYTES_PER_SECTOR bytes of C2 error pointers, MMC-6 READ CD error
 * field 01b): a scan for a non-zero word, since the pointers are nearly
 * always all clear (no bit count: libgcc's software popcount was a tenth of
 * a clean secure rip's time). */
static bool c2_flagged(const uint8_t *c2)
{
    uint64_t any = 0;
    size_t i = 0;
    for (; i + 8 <= DW_C2_BYTES_PER_SECTOR; i += 8) {
        uint64_t v;
        memcpy(&v, c2 + i, 8);
        any |= v;
    }
    for (; i < DW_C2_BYTES_PER_SECTOR; i++)
        any |= c2[i];
    return any != 0;
}

/* Whether bytes of p are all zero (digital silence), a word at a time. */
static bool all_zero(const uint8_t *p, size_t bytes)
{
    size_t i = 0;
    for (; i + 8 <= bytes; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        if (v)
            return false;
    }
    for (; i < bytes; i++)
        if (p[i])
            return false;
    return true;
}

static bool fatal_read(int rc)
{
    return dw__read_error_is_fatal(rc);
}

struct win {
    struct dw__rip *r;
    const struct dw_track *t;
    int32_t first, end;  /* the window's LBAs */
    off_t base;          /* where first is in the .part */
    int32_t before;      /* final sectors right before first in the .part
                            that can anchor reads (at most ANCHOR_MAX_SECTORS) */
    bool edge_before;    /* no audio of the session lies before first */
    int32_t cmd_sectors; /* sectors a read command asks for: one drive command */
    bool have_c2;
    uint8_t *img;        /* the window's sectors as they stand, (end - first)
                            sectors: pass 1 fills it, the later passes mend
                            it, and it is hashed and written to the .part
                            (at base) once settled, never read back */
    uint8_t *img_mem;    /* img and one sector of scratch room before it */
    uint8_t *why;        /* per sector: SUS_* bits, 0 when proven */
    int32_t *owner;      /* per sector: the LBA its pass-1 command started at */
    struct dw_secure_stats *stats;
    struct dw_error_detail *err; /* r->err, or own_err while pass 1 runs on
                                    the read-ahead thread */
    /* Pass 1 on the read-ahead thread (secure_range): while the rip's
     * thread hashes and writes the window before, this window's pass 1
     * reads the drive, which nothing else uses then.  It does not log, call
     * the progress callback or touch r's counters: c2_dropped, done_sectors
     * and own_err wait for the rip's thread (pass1_join). */
    bool on_worker;
    bool c2_dropped;      /* the drive refused C2 errors in pass 1 */
    int32_t done_sectors; /* what pass 1 wrote, for r->done_sectors */
    atomic_bool stop;     /* the rip's thread gave up on this window */
    struct dw_error_detail own_err;
    /* The final sectors right before first (tail_n, at most
     * ANCHOR_MAX_SECTORS): the window before's last ones, which may not be
     * in the .part yet while pass 1 runs. */
    uint8_t tail[ANCHOR_MAX_SECTORS * DW_SECTOR_RAW_BYTES];
    int32_t tail_n;
    /* What pass 1 found, for settle_pass1. */
    struct cmd *cmds;
    int nc;
    uint8_t *ovl;
    int pass1_rc;
    double t0; /* when pass 1 started */
    pthread_t thread;
    bool threaded; /* thread runs pass 1 and is not joined yet */
    struct dw_secure_stats own_stats;
};

static void note_no_c2(struct dw__rip *r)
{
    dw__rip_log(r, DW_LOG_INFO, "the drive reports no C2 errors: secure mode re-reads only "
                                "sectors that fail to read or whose alignment is not proven");
}

/* Read n sectors with C2 if the drive has it; w->have_c2 turns false for
 * good when it has not (and c2 is then all clear).  On the read-ahead
 * thread the note about it waits for the rip's thread (w->c2_dropped). */
static int read_c2(struct win *w, int32_t lba, int32_t n, uint8_t *buf, uint8_t *c2)
{
    struct dw__rip *r = w->r;
    if (w->have_c2) {
        int rc = dw__rip_read_audio_c2(r, lba, n, buf, c2);
        if (rc != DW_EUNSUPPORTED)
            return rc;
        w->have_c2 = false;
        if (w->on_worker)
            w->c2_dropped = true;
        else
            note_no_c2(r);
    }
    memset(c2, 0, (size_t)n * DW_C2_BYTES_PER_SECTOR);
    return dw__rip_read_audio(r, lba, n, buf);
}

/* Read the chunk [lba, lba+n) with C2 (n <= one drive command); when the
 * chunk read fails, each sector on its own (*split: then the sectors came
 * from separate commands).  unread[i] says which sectors did not read
 * (they are zeros in buf, clear in c2).  Returns 0, or a fatal code (no
 * medium, no drive, no memory) with w->err set. */
static int read_chunk_c2(struct win *w, int32_t lba, int32_t n, uint8_t *buf, uint8_t *c2,
                         bool *unread, bool *split)
{
    struct dw__rip *r = w->r;
    int rc = read_c2(w, lba, n, buf, c2);
    if (fatal_read(rc))
        return dw__set_error(w->err, rc, "%s", dw_drive_last_error(r->drive)->message);
    *split = rc != 0;
    for (int32_t i = 0; i < n; i++) {
        uint8_t *s = buf + (size_t)i * S_BYTES;
        uint8_t *p = c2 + (size_t)i * DW_C2_BYTES_PER_SECTOR;
        int one = rc ? read_c2(w, lba + i, 1, s, p) : 0;
        if (fatal_read(one))
            return dw__set_error(w->err, one, "%s", dw_drive_last_error(r->drive)->message);
        unread[i] = one != 0;
        if (unread[i]) {
            memset(s, 0, S_BYTES);
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
            return dw__outfile_write_error(&r->image, n < 0 ? errno : EIO, r->err);
        done += (size_t)n;
    }
    return 0;
}

static int read_at(struct dw__rip *r, off_t offset, uint8_t *buf, size_t bytes,
                   struct dw_error_detail *err)
{
    int fd = fileno(r->image.fp);
    for (size_t done = 0; done < bytes;) {
        ssize_t got = pread(fd, buf + done, bytes - done, offset + (off_t)done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return dw__set_error(err, DW_EIO, "cannot read back '%s': %s",
                                 r->image.part_path, got < 0 ? strerror(errno) : "short");
        done += (size_t)got;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* A window                                                             */

/* The window's sectors, and those `before` it, as they stand: a window's
 * own from w->img (the .part gets them once the window is settled), the
 * final ones before it from w->tail when the window before left them
 * there, else from the .part. */
static int file_sectors(struct win *w, int32_t lba, int32_t n, uint8_t *buf)
{
    if (lba < w->first) {
        int32_t k = w->first - lba < n ? w->first - lba : n;
        if (w->first - lba <= w->tail_n) {
            memcpy(buf, w->tail + (size_t)(w->tail_n - (w->first - lba)) * S_BYTES,
                   (size_t)k * S_BYTES);
        } else {
            int rc = read_at(w->r, w->base - (off_t)(w->first - lba) * (off_t)S_BYTES, buf,
                             (size_t)k * S_BYTES, w->err);
            if (rc)
                return rc;
        }
        lba += k;
        n -= k;
        buf += (size_t)k * S_BYTES;
    }
    if (n > 0 && lba + n > w->end)
        return dw__set_error(w->err, DW_EINVAL, "secure mode: sector %d is outside its "
                             "window %d-%d (a bug: please report it)", lba + n - 1, w->first,
                             w->end - 1);
    if (n > 0)
        memcpy(buf, w->img + (size_t)(lba - w->first) * S_BYTES, (size_t)n * S_BYTES);
    return 0;
}

/* Replace n of the window's sectors from lba (all inside it). */
static int file_write(struct win *w, int32_t lba, int32_t n, const uint8_t *buf)
{
    if (lba < w->first || lba + n > w->end)
        return dw__set_error(w->err, DW_EINVAL, "secure mode: sectors %d-%d are outside "
                             "their window %d-%d (a bug: please report it)", lba, lba + n - 1,
                             w->first, w->end - 1);
    memcpy(w->img + (size_t)(lba - w->first) * S_BYTES, buf, (size_t)n * S_BYTES);
    return 0;
}

/* Whether lba's bytes in the .part are final and proven. */
static bool known_good(const struct win *w, int32_t lba)
{
    if (lba < w->first)
        return lba >= w->first - w->before;
    return lba < w->end && w->why[lba - w->first] == 0;
}

static bool listed_bad(const struct dw__rip *r, int32_t lba)
{
    for (int i = r->bad.count - 1; i >= 0; i--)
        if (lba >= r->bad.r[i].first_lba && lba <= r->bad.r[i].last_lba)
            return true;
    return false;
}

/* Whether lba is an audio sector of t's session that the bin holds. */
static bool session_audio(const struct dw__rip *r, const struct dw_track *t, int32_t lba)
{
    if (lba < r->session_first || lba < r->bin_first_lba || lba >= r->session_end)
        return false;
    for (int i = 0; i < r->disc->track_count; i++) {
        const struct dw_track *u = &r->disc->tracks[i];
        if (u->session == t->session && lba >= dw_track_first_lba(u) && lba < u->end_lba)
            return !dw_track_is_data(u);
    }
    return false;
}

static void note_shift(struct dw_secure_stats *st, int32_t shift)
{
    int32_t a = shift < 0 ? -shift : shift;
    st->jitter_shifted_commands++;
    if (st->jitter_min_samples == 0 || a < st->jitter_min_samples)
        st->jitter_min_samples = a;
    if (a > st->jitter_max_samples)
        st->jitter_max_samples = a;
}

/* The LBA a cache-defeating read goes to, away from [first, end). */
static int32_t far_lba(const struct dw__rip *r, int32_t first, int32_t end)
{
    int32_t away = r->cache_defeat_sectors > 0 ? r->cache_defeat_sectors : CACHE_DEFEAT_SECTORS;
    return end + away < r->session_end         ? end + away
           : first - away >= r->session_first ? first - away
                                              : r->session_first;
}

/* ------------------------------------------------------------------ */
/* Pass 1                                                               */

enum cmd_state { CMD_UNPROVEN = 0, CMD_REF, CMD_REALIGNED, CMD_SILENT };

struct cmd {
    int32_t start, n;  /* the sectors it read */
    int32_t own_first; /* it wrote [own_first, start + n) */
    struct dw__link link; /* with the command before (or the final sectors
                             before the window) */
    bool linked;       /* link holds: both copies of the sector read clean */
    bool split;        /* it failed and was read sector by sector */
    bool dirty;        /* C2 flags or a read error in it */
    bool silent;       /* digital silence throughout */
    int chain;
    int32_t value;     /* its alignment in samples, relative to its chain's first */
    int ovl;           /* its copy of its first sector in the overlap array, or -1 */
    enum cmd_state state;
};

/* A run of pass 1 that read sector by sector (its chunk failed), read once
 * more as one command so that its overlap links hold: *split stays true
 * when that fails too, and then the single reads are kept, each sector
 * that does not read zeroed and marked in missed.  Returns 0 or a fatal
 * error. */
static int pass1_reread_run(struct win *w, int32_t lba, int32_t n, uint8_t *buf, uint8_t *c2,
                      bool *missed, bool *split)
{
    struct dw__rip *r = w->r;
    int one = read_c2(w, lba, n, buf, c2);
    if (fatal_read(one))
        return dw__set_error(w->err, one, "%s", dw_drive_last_error(r->drive)->message);
    *split = one != 0;
    if (!one)
        return 0;
    for (int32_t i = 0; i < n; i++) { /* keep the single reads */
        uint8_t *sb = buf + (size_t)i * S_BYTES;
        uint8_t *sc = c2 + (size_t)i * DW_C2_BYTES_PER_SECTOR;
        if (read_c2(w, lba + i, 1, sb, sc)) {
            memset(sb, 0, S_BYTES);
            memset(sc, 0, DW_C2_BYTES_PER_SECTOR);
            missed[i] = true;
        }
    }
    return 0;
}

/* What command c of pass 1 wrote: its own sectors (after its overlap)
 * marked as its, their suspicion from C2 flags and read errors (their
 * bytes are in the window's image already: pass 1 reads into it).  c2 and
 * missed are those of the chunk read at start. */
static void cmd_write(struct win *w, const struct cmd *c, int32_t start, const uint8_t *c2,
                      const bool *missed)
{
    struct dw__rip *r = w->r;
    struct dw_secure_stats *st = w->stats;
    for (int32_t lba = c->own_first; lba < c->start + c->n; lba++) {
        int32_t i = lba - start, x = lba - w->first;
        w->owner[x] = c->start;
        if (missed[i]) {
            w->why[x] |= SUS_UNREAD;
            st->unreadable_pass1++;
        } else if (c2_flagged(c2 + (size_t)i * DW_C2_BYTES_PER_SECTOR)) {
            w->why[x] |= SUS_C2;
            st->c2_sectors++;
        }
    }
    int32_t own = c->start + c->n - c->own_first;
    if (w->on_worker)
        w->done_sectors += own;
    else
        r->done_sectors += own;
}

/* Room for twice as many commands in *cmds (*cap of them now). */
static int cmds_grow(struct win *w, struct cmd **cmds, int *cap)
{
    struct cmd *grown = realloc(*cmds, (size_t)*cap * 2 * sizeof(**cmds));
    if (!grown)
        return dw__set_error(w->err, DW_ENOMEM, "out of memory");
    memset(grown + *cap, 0, (size_t)*cap * sizeof(**cmds));
    *cmds = grown;
    *cap *= 2;
    return 0;
}

/* The last one or two sectors of pass 1's command pc as it read them, into
 * ctx, before the next chunk, which starts at its last sector (start,
 * chunk in the window's image), is read over them: the one before from
 * the image, or from ovl when pc's copy of it went there.  Returns how
 * many (the overlap check needs no more: shifts are under a sector). */
static int32_t prev_context(const struct cmd *pc, const uint8_t *ovl, const uint8_t *chunk,
                            int32_t start, uint8_t *ctx)
{
    int32_t n = pc->n < 2 ? pc->n : 2;
    if (n == 2)
        memcpy(ctx, start - 1 >= pc->own_first ? chunk - S_BYTES : ovl + (size_t)pc->ovl * S_BYTES,
               S_BYTES);
    memcpy(ctx + (size_t)(n - 1) * S_BYTES, chunk, S_BYTES);
    return n;
}

/* Pass 1 over the window: chunks of cmd_sectors, each starting one sector
 * before the last one ended.  A chunk that fails is read sector by sector
 * to find what does not read, then each run of sectors that did is read
 * again as one command, so that links hold up to the unreadable sectors
 * (each run and each unreadable sector is a struct cmd of its own).
 * Everything read goes into the window's image; *ovl_out gets each linked command's copy
 * of its first sector (cmd.ovl indexes it). */
static int pass1(struct win *w, struct cmd **cmds_out, int *count_out, uint8_t **ovl_out)
{
    struct dw__rip *r = w->r;
    struct dw_secure_stats *st = w->stats;
    int32_t T = w->cmd_sectors;
    int cap = 16, nc = 0, novl = 0, rc = 0;
    int ovl_cap = (int)((w->end - w->first) / (T - 1)) + 3;
    struct cmd *cmds = calloc((size_t)cap, sizeof(*cmds));
    uint8_t *ovl = malloc((size_t)ovl_cap * S_BYTES);
    /* The command before's last two sectors as it read them, for the
     * overlap check (the later of them is overwritten in the window's image
     * by the next read, and put back after it). */
    uint8_t prev_ctx[2 * DW_SECTOR_RAW_BYTES];
    int32_t prev_ctx_n = 0;
    uint8_t *c2[2] = {malloc((size_t)T * DW_C2_BYTES_PER_SECTOR),
                      malloc((size_t)T * DW_C2_BYTES_PER_SECTOR)};
    bool *missed[2] = {calloc((size_t)T, sizeof(bool)), calloc((size_t)T, sizeof(bool))};
    if (!cmds || !ovl || !c2[0] || !c2[1] || !missed[0] || !missed[1]) {
        rc = dw__set_error(w->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    /* The final sectors before the window act as the command before the
     * first one: up to two of them, clean. */
    int p = 0;
    int32_t prev_at = 0, prev_n = 0; /* the last command, in chunk p ^ 1 */
    bool prev_split = false;
    if (w->before) {
        prev_n = prev_ctx_n = w->before < 2 ? w->before : 2;
        if ((rc = file_sectors(w, w->first - prev_n, prev_n, prev_ctx)))
            goto out;
        memset(c2[1], 0, (size_t)prev_n * DW_C2_BYTES_PER_SECTOR);
        memset(missed[1], 0, (size_t)prev_n * sizeof(bool));
    }
    int32_t start = w->before ? w->first - 1 : w->first;
    for (;;) {
        int32_t n = w->end - start < T ? w->end - start : T;
        bool overlapping = nc > 0 || w->before, split;
        /* Read straight into the window's image (the sector before first,
         * where the first command starts when it overlaps the final
         * sectors before the window, is scratch room in front of it). */
        uint8_t *chunk = w->img + (ptrdiff_t)(start - w->first) * (ptrdiff_t)S_BYTES;
        if (nc > 0)
            prev_ctx_n = prev_context(&cmds[nc - 1], ovl, chunk, start, prev_ctx);
        if ((rc = read_chunk_c2(w, start, n, chunk, c2[p], missed[p], &split)))
            goto out;
        if (overlapping)
            st->overlap_sectors++;
        for (int32_t a = 0; a < n;) {
            if (nc == cap && (rc = cmds_grow(w, &cmds, &cap)))
                goto out;
            struct cmd *c = &cmds[nc];
            int32_t b = a + 1;
            uint8_t *cb = chunk + (size_t)a * S_BYTES;
            uint8_t *cc = c2[p] + (size_t)a * DW_C2_BYTES_PER_SECTOR;
            c->ovl = -1;
            if (missed[p][a]) {
                c->split = c->dirty = true;
            } else {
                while (b < n && !missed[p][b])
                    b++;
                if (split && b - a > 1 && (rc = pass1_reread_run(w, start + a, b - a, cb, cc,
                                                           missed[p] + a, &c->split)))
                    goto out;
            }
            c->start = start + a;
            c->n = b - a;
            c->own_first = a == 0 && overlapping ? start + 1 : start + a;
            for (int32_t i = a; i < b; i++)
                c->dirty |= missed[p][i] ||
                            c2_flagged(c2[p] + (size_t)i * DW_C2_BYTES_PER_SECTOR);
            c->silent = !c->dirty && all_zero(cb, (size_t)c->n * S_BYTES);
            if (a == 0 && overlapping) {
                int q = p ^ 1;
                int32_t last = prev_at + prev_n - 1;
                bool prev_clean = !prev_split && !missed[q][last] &&
                                  !c2_flagged(c2[q] + (size_t)last * DW_C2_BYTES_PER_SECTOR);
                bool cur_clean = !c->split && !missed[p][0] && !c2_flagged(c2[p]);
                c->ovl = novl;
                memcpy(ovl + (size_t)novl++ * S_BYTES, cb, S_BYTES);
                if (prev_clean && cur_clean) {
                    c->link = dw__overlap_link(prev_ctx, prev_ctx_n, cb, c->n);
                    c->linked = true;
                    if (c->link.kind == DW_LINK_NONE)
                        st->jitter_unmatched_overlaps++;
                }
            }
            cmd_write(w, c, start, c2[p], missed[p]);
            nc++;
            a = b;
        }
        /* The overlap sector's bytes are the command before's: its copy
         * goes back (the new one is in ovl). */
        if (overlapping && start >= w->first)
            memcpy(chunk, prev_ctx + (size_t)(prev_ctx_n - 1) * S_BYTES, S_BYTES);
        if (w->on_worker && atomic_load(&w->stop)) {
            rc = DW_EABORTED; /* the rip's thread stopped: it says why */
            goto out;
        }
        if (!w->on_worker && (rc = dw__rip_progress(r, w->t->number, false)))
            goto out;
        if (start + n >= w->end)
            break;
        prev_at = cmds[nc - 1].start - start;
        prev_n = cmds[nc - 1].n;
        prev_split = cmds[nc - 1].split;
        start += n - 1;
        p ^= 1;
    }
out:
    for (int k = 0; k < 2; k++) {
        free(c2[k]);
        free(missed[k]);
    }
    if (rc) {
        free(cmds);
        free(ovl);
        return rc;
    }
    *cmds_out = cmds;
    *count_out = nc;
    *ovl_out = ovl;
    return 0;
}

/* Command k's samples, as it read them, into buf (its overlap copy, then
 * what it wrote, from the .part): k->n sectors from k->start. */
static int cmd_samples(struct win *w, const struct cmd *k, const uint8_t *ovl, uint8_t *buf)
{
    bool has_ovl = k->own_first != k->start;
    if (has_ovl)
        memcpy(buf, ovl + (size_t)k->ovl * S_BYTES, S_BYTES);
    return file_sectors(w, k->own_first, k->start + k->n - k->own_first,
                        buf + (has_ovl ? S_BYTES : 0));
}

/* Move command i, d = its alignment minus the reference (samples, known
 * from the links), back into place: output sample g of its sectors is its
 * own sample g - d, or where that lies past its end (d < 0) the next
 * command's (same chain, its alignment known too).  Sectors it cannot fill
 * whole stay suspicious.  bi: T sectors, bn: 2 sectors of scratch. */
static int realign(struct win *w, struct cmd *c, int nc, int i, int32_t ref, const uint8_t *ovl,
                   uint8_t *bi, uint8_t *bn)
{
    struct cmd *k = &c[i];
    int32_t d = k->value - ref, dn = 0, nn = 0;
    int64_t len = (int64_t)k->n * SECTOR_SAMPLES;
    uint8_t out[DW_SECTOR_RAW_BYTES];
    int rc = cmd_samples(w, k, ovl, bi);
    if (rc)
        return rc;
    if (d < 0 && i + 1 < nc && c[i + 1].chain == k->chain && !c[i + 1].dirty &&
        c[i + 1].ovl >= 0) {
        const struct cmd *x = &c[i + 1];
        dn = x->value - ref;
        nn = x->n < 2 ? x->n : 2;
        memcpy(bn, ovl + (size_t)x->ovl * S_BYTES, S_BYTES);
        if (nn > 1 && (rc = file_sectors(w, x->own_first, 1, bn + S_BYTES)))
            return rc;
    }
    for (int32_t lba = k->own_first; lba < k->start + k->n; lba++) {
        int64_t g0 = (int64_t)(lba - k->start) * SECTOR_SAMPLES;
        bool whole = true;
        for (int32_t y = 0; y < SECTOR_SAMPLES && whole;) {
            int64_t from = g0 + y - d, run;
            const uint8_t *src;
            if (from >= 0 && from < len) {
                run = len - from;
                src = bi + from * SAMPLE_BYTES;
            } else if (from >= len && nn) {
                int64_t g1 = g0 + y - (int64_t)(c[i + 1].start - k->start) * SECTOR_SAMPLES - dn;
                if (g1 < 0 || g1 >= (int64_t)nn * SECTOR_SAMPLES) {
                    whole = false;
                    break;
                }
                run = (int64_t)nn * SECTOR_SAMPLES - g1;
                src = bn + g1 * SAMPLE_BYTES;
            } else {
                whole = false;
                break;
            }
            if (run > SECTOR_SAMPLES - y)
                run = SECTOR_SAMPLES - y;
            memcpy(out + (size_t)y * SAMPLE_BYTES, src, (size_t)run * SAMPLE_BYTES);
            y += (int32_t)run;
        }
        if (!whole) {
            w->why[lba - w->first] |= SUS_JITTER;
            continue;
        }
        if ((rc = file_write(w, lba, 1, out)))
            return rc;
        w->stats->jitter_realigned_sectors++;
    }
    return 0;
}

/* Votes for a chain's reference alignment (samples, relative to the
 * chain's first command, or to the final data before the window when that
 * anchors it). */
struct votes {
    int n, cap;
    struct {
        int32_t value;
        int count;
    } *v;
};

static int vote(struct votes *vs, int32_t value, int weight)
{
    for (int i = 0; i < vs->n; i++)
        if (vs->v[i].value == value) {
            vs->v[i].count += weight;
            return 0;
        }
    if (vs->n == vs->cap) {
        int cap = vs->cap ? vs->cap * 2 : 16;
        void *p = realloc(vs->v, (size_t)cap * sizeof(*vs->v));
        if (!p)
            return DW_ENOMEM;
        vs->v = p;
        vs->cap = cap;
    }
    vs->v[vs->n].value = value;
    vs->v[vs->n++].count = weight;
    return 0;
}

/* The winner: at least CHAIN_MIN_COMMANDS votes, and ahead of any other
 * alignment by more than chance would put it (under the emulator's harshest
 * jitter, a shifted value gets a quarter of the votes, the true one half):
 * a margin of 2 + 2 sqrt(both). */
static bool vote_winner(const struct votes *vs, int32_t *ref)
{
    int best = 0, second = 0;
    for (int i = 0; i < vs->n; i++) {
        if (vs->v[i].count > best) {
            second = best;
            best = vs->v[i].count;
            *ref = vs->v[i].value;
        } else if (vs->v[i].count > second) {
            second = vs->v[i].count;
        }
    }
    int margin = 2;
    while ((margin - 2) * (margin - 2) < 4 * (best + second))
        margin++;
    return best >= CHAIN_MIN_COMMANDS && best - second >= margin;
}

/* More votes for the chain c[a..b] whose own do not settle it: after a
 * read far away, its sectors are read again by commands half as long,
 * starting between pass 1's; each is related, by the sectors it shares
 * with the .part, to the pass-1 command that wrote them (a unique match at
 * some shift), and votes for that command's alignment plus the shift. */
static int second_opinion(struct win *w, const struct cmd *c, int a, int b, struct votes *vs)
{
    struct dw__rip *r = w->r;
    int32_t T = w->cmd_sectors, h = T / 2 > 2 ? T / 2 : 2;
    int32_t lo = c[a].start > w->first ? c[a].start : w->first, hi = c[b].start + c[b].n;
    uint8_t *buf = malloc((size_t)h * S_BYTES), *c2 = malloc((size_t)h * DW_C2_BYTES_PER_SECTOR);
    uint8_t ctx[2 * DW_SECTOR_RAW_BYTES], far[DW_SECTOR_RAW_BYTES];
    int rc = 0;
    if (!buf || !c2) {
        rc = dw__set_error(w->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    (void)dw_drive_read_raw(r->drive, far_lba(r, lo, hi), 1, far);
    for (int32_t s = lo + h / 2; s < hi; s += h) {
        int32_t n = hi - s < h ? hi - s : h;
        int one = read_c2(w, s, n, buf, c2);
        w->stats->jitter_vote_sectors += n;
        if (fatal_read(one)) {
            rc = dw__set_error(w->err, one, "%s", dw_drive_last_error(r->drive)->message);
            goto out;
        }
        for (int32_t x = s; !one && x < s + n; x++) {
            int32_t i = x - s, k = a;
            if (w->why[x - w->first] & (SUS_UNREAD | SUS_C2) ||
                c2_flagged(c2 + (size_t)i * DW_C2_BYTES_PER_SECTOR))
                continue;
            while (k <= b && c[k].start != w->owner[x - w->first])
                k++;
            if (k > b || c[k].dirty || c[k].split)
                continue;
            int32_t ctxn = x - 1 >= c[k].own_first ? 2 : 1;
            if ((rc = file_sectors(w, x - ctxn + 1, ctxn, ctx)))
                goto out;
            struct dw__link l = dw__overlap_link(ctx, ctxn, buf + (size_t)i * S_BYTES, n - i);
            if (l.kind != DW_LINK_SAME && l.kind != DW_LINK_SHIFT)
                continue; /* silence, or no match: the next sector */
            if (vote(vs, c[k].value + l.shift_samples, 1)) {
                rc = dw__set_error(w->err, DW_ENOMEM, "out of memory");
                goto out;
            }
            break;
        }
        if ((rc = dw__rip_progress(r, w->t->number, false)))
            goto out;
    }
out:
    free(buf);
    free(c2);
    return rc;
}

/* After pass 1: chains, their references, realignment, silence; the
 * sectors of commands left unproven become suspicious. */
static int settle_pass1(struct win *w, struct cmd *c, int nc, const uint8_t *ovl)
{
    struct dw__rip *r = w->r;
    uint8_t *bi = malloc((size_t)w->cmd_sectors * S_BYTES), *bn = malloc(2 * S_BYTES);
    struct votes vs = {0};
    int rc = 0, chain = 0;
    bool anchored = false;
    if (!bi || !bn) {
        rc = dw__set_error(w->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < nc; i++) {
        bool joined = c[i].linked &&
                      (c[i].link.kind == DW_LINK_SAME || c[i].link.kind == DW_LINK_SHIFT);
        if (i == 0) {
            c[0].chain = 0;
            c[0].value = joined ? c[0].link.shift_samples : 0;
            anchored = joined; /* only the final sectors before it link to command 0 */
        } else if (joined) {
            c[i].chain = c[i - 1].chain;
            c[i].value = c[i - 1].value + c[i].link.shift_samples;
        } else {
            c[i].chain = ++chain;
        }
    }
    for (int a = 0; a < nc;) {
        int b = a, clean = 0;
        while (b + 1 < nc && c[b + 1].chain == c[a].chain)
            b++;
        /* Each command votes for its alignment; the final data before the
         * window, when it anchors the chain, as much as the least a
         * winner needs. */
        vs.n = 0;
        for (int i = a; i <= b && !rc; i++) {
            rc = vote(&vs, c[i].value, 1);
            clean += !c[i].dirty && !c[i].split;
        }
        if (!rc && a == 0 && anchored)
            rc = vote(&vs, 0, ANCHOR_VOTES);
        if (rc) {
            rc = dw__set_error(w->err, DW_ENOMEM, "out of memory");
            goto out;
        }
        int32_t ref = 0;
        bool have_ref = vote_winner(&vs, &ref);
        for (int k = 0; !have_ref && clean && k < SECOND_OPINIONS; k++) {
            if ((rc = second_opinion(w, c, a, b, &vs)))
                goto out;
            have_ref = vote_winner(&vs, &ref);
        }
        if (have_ref && a == 0 && anchored && ref != 0)
            dw__rip_log(r, DW_LOG_WARN,
                        "track %02d: the read commands from LBA %d on agree on an alignment %d "
                        "samples off the sectors before it, which are final: they may be off",
                        w->t->number, w->first, ref);
        for (int i = a; !have_ref && i <= b; i++) /* shifts seen, for the record */
            if (i > a && c[i].link.kind == DW_LINK_SHIFT)
                note_shift(w->stats, c[i].link.shift_samples);
        for (int i = a; have_ref && i <= b; i++) {
            if (c[i].value == ref) {
                c[i].state = CMD_REF;
                continue;
            }
            note_shift(w->stats, c[i].value - ref);
            if (!c[i].dirty) {
                if ((rc = realign(w, c, nc, i, ref, ovl, bi, bn)))
                    goto out;
                c[i].state = CMD_REALIGNED;
            }
        }
        a = b + 1;
    }
    /* Silence between proven commands (or the edges): any shift within the
     * search reads the same bytes, and the neighbours' reads cover what a
     * shift would have missed. */
    for (int i = 0; i < nc;) {
        if (c[i].state != CMD_UNPROVEN || !c[i].silent) {
            i++;
            continue;
        }
        int j = i;
        while (j + 1 < nc && c[j + 1].state == CMD_UNPROVEN && c[j + 1].silent &&
               c[j + 1].linked && c[j + 1].link.equal)
            j++;
        bool left = i == 0 ? (w->before ? c[0].linked && c[0].link.equal : w->edge_before)
                           : c[i - 1].state == CMD_REF && c[i].linked && c[i].link.equal;
        bool right = j == nc - 1 ||
                     (c[j + 1].state == CMD_REF && c[j + 1].linked && c[j + 1].link.equal);
        for (int k = i; left && right && k <= j; k++)
            c[k].state = CMD_SILENT;
        i = j + 1;
    }
    for (int i = 0; i < nc; i++)
        for (int32_t lba = c[i].own_first; c[i].state == CMD_UNPROVEN && lba < c[i].start + c[i].n;
             lba++)
            w->why[lba - w->first] |= SUS_JITTER;
out:
    free(bi);
    free(bn);
    free(vs.v);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The test pass (test-and-copy)                                        */

/* Whether a test command starting at s would start where the pass-1
 * command that wrote one of its sectors started. */
static bool same_start(const struct win *w, int32_t s)
{
    for (int32_t lba = s; lba <= s + 1; lba++)
        if (lba >= w->first && lba < w->end && w->owner[lba - w->first] == s)
            return true;
    return false;
}

static int test_pass(struct win *w)
{
    struct dw__rip *r = w->r;
    struct dw_secure_stats *st = w->stats;
    int32_t T = w->cmd_sectors;
    uint8_t *buf = malloc((size_t)T * S_BYTES), *copy = malloc((size_t)T * S_BYTES);
    uint8_t *c2 = malloc((size_t)T * DW_C2_BYTES_PER_SECTOR), far[DW_SECTOR_RAW_BYTES];
    bool *missed = malloc((size_t)T * sizeof(bool)), split;
    int rc = 0;
    if (!buf || !copy || !c2 || !missed) {
        rc = dw__set_error(w->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    (void)dw_drive_read_raw(r->drive, far_lba(r, w->first, w->end), 1, far);
    /* Commands T long, the first one half that, so they start between
     * pass 1's; one that would start where pass 1 did starts a sector
     * earlier. */
    for (int32_t u = w->first; u < w->end;) {
        int32_t s = u, n = u == w->first ? (T / 2 > 1 ? T / 2 : 1) : T;
        bool forced = false;
        if (same_start(w, s)) {
            if (s - 1 >= w->first - w->before) {
                s--;
            } else {
                /* Nothing readable before it (a session's first audio
                 * sector): no read of it can start elsewhere.  Its pass-1
                 * alignment is proven by the overlaps; an equal test read
                 * is taken as it is. */
                n = 1;
                forced = true;
            }
        }
        if (s + n > w->end)
            n = w->end - s;
        if ((rc = read_chunk_c2(w, s, n, buf, c2, missed, &split)) ||
            (rc = file_sectors(w, s, n, copy)))
            goto out;
        bool differs_any = false;
        for (int32_t i = u - s; i < n; i++) {
            int32_t lba = s + i, x = lba - w->first;
            uint8_t *b = buf + (size_t)i * S_BYTES;
            bool one = missed[i];
            st->test_crc32 = dw__crc32_update(st->test_crc32, b, S_BYTES);
            bool differs = !one && memcmp(b, copy + (size_t)i * S_BYTES, S_BYTES) != 0;
            bool flagged = !one && c2_flagged(c2 + (size_t)i * DW_C2_BYTES_PER_SECTOR);
            if (differs && !flagged) {
                st->test_differing++;
                differs_any = true;
            }
            if (one || differs || flagged || split || (w->owner[x] == s && !forced))
                w->why[x] |= SUS_TEST;
        }
        /* A test read off the copy by a shift: jitter, for the record. */
        if (differs_any && !split && !missed[0] && !c2_flagged(c2) && known_good(w, s)) {
            struct dw__link l = dw__overlap_link(copy, 1, buf, n);
            if (l.kind == DW_LINK_SHIFT)
                note_shift(st, l.shift_samples);
        }
        u = s + n;
        if ((rc = dw__rip_progress(r, w->t->number, false)))
            goto out;
    }
out:
    free(buf);
    free(copy);
    free(c2);
    free(missed);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Pass 2                                                               */

enum align { ALIGN_NONE = 0, ALIGN_CONSISTENT, ALIGN_PROVEN, ALIGN_OFF };

/* Fold one anchor's link into a read's alignment. */
static enum align fold(enum align a, const struct dw__link *l, struct dw_secure_stats *st)
{
    if (l->kind == DW_LINK_SHIFT)
        note_shift(st, l->shift_samples);
    if (a == ALIGN_OFF || l->kind == DW_LINK_NONE || l->kind == DW_LINK_SHIFT ||
        (l->kind == DW_LINK_AMBIGUOUS && !l->equal))
        return ALIGN_OFF;
    if (l->kind == DW_LINK_SAME || a == ALIGN_PROVEN)
        return ALIGN_PROVEN;
    return ALIGN_CONSISTENT;
}

/* Whether known sector x's content pins an alignment: its bytes (with a
 * known sector either side as context) match themselves at no other
 * shift. */
static int pins_alignment(struct win *w, int32_t x, bool *pins)
{
    uint8_t ctx[3 * DW_SECTOR_RAW_BYTES];
    int32_t lo = known_good(w, x - 1) && x - 1 >= w->r->session_first ? x - 1 : x;
    int32_t hi = known_good(w, x + 1) ? x + 1 : x;
    int rc = file_sectors(w, lo, hi - lo + 1, ctx);
    if (rc)
        return rc;
    struct dw__link l = dw__overlap_link(ctx, x - lo + 1, ctx + (size_t)(x - lo) * S_BYTES,
                                         hi - x + 1);
    *pins = l.kind == DW_LINK_SAME;
    return 0;
}

struct run {
    int32_t lba, n;
    int32_t lead_avail;   /* known sectors right before it (anchors) */
    bool post_avail;      /* the sector after it is known */
    bool provable;        /* an anchor can prove an alignment */
    uint8_t *clean;       /* n * CLEAN_READS_KEPT sectors */
    struct {
        int32_t start;
        bool proven;
    } *meta;              /* per kept read */
    int *kept;
    bool *confirmed, *blocked; /* blocked: clean reads came shifted, or agreed
                                   without a proven alignment */
    int32_t *unread;      /* 0, or why no read succeeded */
    int left;
};

/* The alignment of a read of [start, start + cnt) that covers the run and
 * `lead` sectors before it (and the sector after it when post): its anchors
 * against the .part. */
static int run_alignment(struct win *w, const struct run *u, int32_t lead, bool post,
                         const uint8_t *raw, const uint8_t *c2, enum align *out)
{
    uint8_t file[2 * DW_SECTOR_RAW_BYTES];
    enum align a = ALIGN_NONE;
    int rc;
    *out = ALIGN_NONE;
    if (u->lead_avail && lead > 0) {
        bool clean = true;
        for (int32_t i = 0; i < lead; i++)
            clean &= !c2_flagged(c2 + (size_t)i * DW_C2_BYTES_PER_SECTOR);
        int32_t x = u->lba - 1, ctx = u->lead_avail >= 2 ? 2 : 1;
        if (clean) {
            if ((rc = file_sectors(w, x - ctx + 1, ctx, file)))
                return rc;
            struct dw__link l = dw__overlap_link(file, ctx, raw + (size_t)(lead - 1) * S_BYTES,
                                                 u->n + 1 + (post ? 1 : 0));
            a = fold(a, &l, w->stats);
            /* The other anchor sectors of the read are the .part's too. */
            for (int32_t i = 0; a != ALIGN_OFF && i + 1 < lead; i++) {
                if ((rc = file_sectors(w, u->lba - lead + i, 1, file)))
                    return rc;
                if (memcmp(file, raw + (size_t)i * S_BYTES, S_BYTES) != 0)
                    a = ALIGN_OFF;
            }
        }
    }
    if (post && !c2_flagged(c2 + (size_t)(lead + u->n) * DW_C2_BYTES_PER_SECTOR)) {
        int32_t x = u->lba + u->n, ctx = known_good(w, x + 1) ? 2 : 1;
        if ((rc = file_sectors(w, x, ctx, file)))
            return rc;
        struct dw__link l = dw__overlap_link(raw, lead + u->n + 1, file, ctx);
        a = fold(a, &l, w->stats);
    }
    *out = a;
    return 0;
}

/* A clean read s of run sector i (started at `start`, aligned as `a`):
 * confirm the sector or keep the read. */
static void consider(struct win *w, struct run *u, int32_t i, const uint8_t *s, int32_t start,
                     enum align a, uint8_t *out)
{
    bool proven = a == ALIGN_PROVEN;
    uint8_t why = w->why[u->lba + i - w->first];
    uint8_t *mine = u->clean + (size_t)i * CLEAN_READS_KEPT * S_BYTES;
    bool ok = why == SUS_JITTER && proven;
    int have = u->kept[i] < CLEAN_READS_KEPT ? u->kept[i] : CLEAN_READS_KEPT;
    for (int k = 0; k < have && !ok; k++) {
        int m = i * CLEAN_READS_KEPT + k;
        if (memcmp(mine + (size_t)k * S_BYTES, s, S_BYTES) != 0)
            continue;
        /* Without an anchor that can prove an alignment, two reads that
         * started at different LBAs agree only for digital silence, which
         * any shift reads the same (two reads shifted alike agree too
         * often to count).  The first audio sector of a session is read
         * by commands that start at it and nowhere else. */
        bool starts_differ = start != u->meta[m].start || u->lba + i == w->r->session_first;
        if (proven || u->meta[m].proven ||
            (!u->provable && starts_differ && all_zero(s, S_BYTES)))
            ok = true;
        else
            u->blocked[i] = true;
    }
    if (ok) {
        memcpy(out + (size_t)i * S_BYTES, s, S_BYTES);
        u->confirmed[i] = true;
        u->left--;
        return;
    }
    int slot = u->kept[i]++ % CLEAN_READS_KEPT;
    memcpy(mine + (size_t)slot * S_BYTES, s, S_BYTES);
    u->meta[i * CLEAN_READS_KEPT + slot].start = start;
    u->meta[i * CLEAN_READS_KEPT + slot].proven = proven;
}

/* The known bytes of sector x for a run: confirmed in it, else the .part. */
static const uint8_t *known_bytes(struct win *w, const struct run *u, const uint8_t *out,
                                  int32_t x, uint8_t *tmp)
{
    int32_t i = x - u->lba;
    if (i >= 0 && i < u->n)
        return u->confirmed[i] ? out + (size_t)i * S_BYTES : NULL;
    if (!known_good(w, x) || file_sectors(w, x, 1, tmp) != 0)
        return NULL;
    return tmp;
}

/* The run's read failed: sector i alone, with a known neighbour as anchor
 * where there is one (even attempts start a sector before it, odd ones at
 * it).  Returns 0 or a fatal code. */
static int reread_one(struct win *w, struct run *u, int32_t i, int attempt, uint8_t *out)
{
    struct dw__rip *r = w->r;
    uint8_t two[2 * DW_SECTOR_RAW_BYTES], c2[2 * DW_C2_BYTES_PER_SECTOR];
    uint8_t tmp[DW_SECTOR_RAW_BYTES];
    int32_t x = u->lba + i, fs = x, fc = 1;
    const uint8_t *before = x - 1 >= r->session_first ? known_bytes(w, u, out, x - 1, tmp) : NULL;
    bool next_known = i + 1 < u->n ? u->confirmed[i + 1] : known_good(w, x + 1);
    if (attempt % 2 == 0 && x - 1 >= r->session_first) {
        fs = x - 1;
        fc = 2;
    } else if (next_known && x + 1 < r->session_end) {
        fc = 2;
    }
    int rc = read_c2(w, fs, fc, two, c2);
    if (rc && !fatal_read(rc) && fc > 1) {
        fs = x;
        fc = 1;
        rc = read_c2(w, fs, fc, two, c2);
    }
    w->stats->reads++;
    if (fatal_read(rc))
        return dw__set_error(w->err, rc, "%s", dw_drive_last_error(r->drive)->message);
    if (rc) {
        const struct dw_error_detail *e = dw_drive_last_error(r->drive);
        if (u->unread[i] && e->sense_key >= 0)
            u->unread[i] = e->sense_key << 16 | e->asc << 8 | e->ascq;
        return 0;
    }
    u->unread[i] = 0;
    int32_t at = x - fs;
    const uint8_t *s = two + (size_t)at * S_BYTES;
    enum align a = ALIGN_NONE;
    if (fs == x - 1 && before && !c2_flagged(c2)) {
        struct dw__link l = dw__overlap_link(before, 1, two, 2);
        a = fold(a, &l, w->stats);
    } else if (fc == 2 && fs == x && !c2_flagged(c2 + DW_C2_BYTES_PER_SECTOR)) {
        const uint8_t *after = known_bytes(w, u, out, x + 1, tmp);
        if (after) {
            struct dw__link l = dw__overlap_link(two, 2, after, 1);
            a = fold(a, &l, w->stats);
        }
    }
    if (a == ALIGN_OFF) {
        u->blocked[i] |= !c2_flagged(c2 + (size_t)at * DW_C2_BYTES_PER_SECTOR);
        return 0;
    }
    memcpy(out + (size_t)i * S_BYTES, s, S_BYTES);
    if (!c2_flagged(c2 + (size_t)at * DW_C2_BYTES_PER_SECTOR))
        consider(w, u, i, s, fs, a, out);
    return 0;
}

/* Pass 2 for the run u->lba .. +u->n (out holds its sectors as the .part
 * has them, and gets what is settled): see the file comment. */
static int reread_run(struct win *w, struct run *u, uint8_t *out)
{
    struct dw__rip *r = w->r;
    int32_t lba = u->lba, n = u->n, T = w->cmd_sectors;
    uint8_t *raw = malloc((size_t)T * S_BYTES), *c2 = malloc((size_t)T * DW_C2_BYTES_PER_SECTOR);
    uint8_t far[DW_SECTOR_RAW_BYTES];
    int rc = 0;
    if (!raw || !c2) {
        rc = dw__set_error(w->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    for (int32_t i = 0; i < n; i++) {
        u->confirmed[i] = u->blocked[i] = false;
        u->unread[i] = DW_EREAD;
        u->kept[i] = 0;
        if (w->why[lba + i - w->first] == SUS_TEST) {
            /* Pass 1 read it clean and aligned; the test read disagreed or
             * started where it did.  That read counts. */
            memcpy(u->clean + (size_t)i * CLEAN_READS_KEPT * S_BYTES, out + (size_t)i * S_BYTES,
                   S_BYTES);
            u->meta[i * CLEAN_READS_KEPT].start = w->owner[lba + i - w->first];
            u->meta[i * CLEAN_READS_KEPT].proven = true;
            u->kept[i] = 1;
            u->unread[i] = 0;
        }
    }
    u->left = n;
    int attempts = r->retries > 0 ? 2 * r->retries : 2;
    for (int a = 0; a < attempts && u->left > 0; a++) {
        (void)dw_drive_read_raw(r->drive, far_lba(r, lba, lba + n), 1, far);
        int32_t lead = u->lead_avail ? 1 + a % u->lead_avail
                       : a % 2 && lba - 1 >= r->session_first ? 1 : 0;
        bool post = u->post_avail;
        int32_t start = lba - lead, cnt = lead + n + (post ? 1 : 0);
        /* At a session's first sector nothing before it reads: every other
         * attempt reads the run's first sector alone and the rest from
         * the next LBA on, so that the rest starts elsewhere. */
        bool halves = !u->lead_avail && lba - 1 < r->session_first && a % 2 && n > 1;
        int rrc = read_c2(w, start, halves ? 1 : cnt, raw, c2);
        if (halves && !rrc)
            rrc = read_c2(w, lba + 1, cnt - 1, raw + S_BYTES, c2 + DW_C2_BYTES_PER_SECTOR);
        if (fatal_read(rrc)) {
            rc = dw__set_error(w->err, rrc, "%s", dw_drive_last_error(r->drive)->message);
            goto out;
        }
        if (rrc) { /* the run failed: each sector on its own */
            for (int32_t i = 0; i < n; i++)
                if (!u->confirmed[i] && (rc = reread_one(w, u, i, a, out)))
                    goto out;
            continue;
        }
        w->stats->reads += n;
        enum align al;
        if ((rc = run_alignment(w, u, lead, post, raw, c2, &al)))
            goto out;
        for (int32_t i = 0; i < n; i++) {
            if (u->confirmed[i])
                continue;
            const uint8_t *s = raw + (size_t)(lead + i) * S_BYTES;
            bool clean = !c2_flagged(c2 + (size_t)(lead + i) * DW_C2_BYTES_PER_SECTOR);
            u->unread[i] = 0;
            if (al == ALIGN_OFF) { /* shifted: not used */
                u->blocked[i] |= clean;
                continue;
            }
            memcpy(out + (size_t)i * S_BYTES, s, S_BYTES);
            if (clean)
                consider(w, u, i, s, halves && i > 0 ? lba + 1 : start,
                         halves && i == 0 ? ALIGN_NONE : al, out);
        }
    }
    for (int32_t i = 0; i < n; i++)
        if (!u->confirmed[i] && u->kept[i]) /* the newest clean read */
            memcpy(out + (size_t)i * S_BYTES,
                   u->clean + ((size_t)i * CLEAN_READS_KEPT +
                               (size_t)((u->kept[i] - 1) % CLEAN_READS_KEPT)) * S_BYTES,
                   S_BYTES);
out:
    free(raw);
    free(c2);
    return rc;
}

static int pass2(struct win *w, int suspects)
{
    struct dw__rip *r = w->r;
    int32_t max_run = w->cmd_sectors - ANCHOR_MAX_SECTORS - 1;
    if (max_run > RUN_MAX_SECTORS)
        max_run = RUN_MAX_SECTORS;
    if (max_run < 1)
        max_run = 1;
    struct run u = {0};
    uint8_t *out = malloc((size_t)max_run * S_BYTES);
    u.clean = malloc((size_t)max_run * CLEAN_READS_KEPT * S_BYTES);
    u.meta = calloc((size_t)max_run * CLEAN_READS_KEPT, sizeof(*u.meta));
    u.kept = calloc((size_t)max_run, sizeof(int));
    u.confirmed = calloc((size_t)max_run, sizeof(bool));
    u.blocked = calloc((size_t)max_run, sizeof(bool));
    u.unread = calloc((size_t)max_run, sizeof(int32_t));
    int rc = 0;
    if (!out || !u.clean || !u.meta || !u.kept || !u.confirmed || !u.blocked || !u.unread) {
        rc = dw__set_error(w->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    for (int32_t lba = w->first; suspects && lba < w->end;) {
        if (!w->why[lba - w->first]) {
            lba++;
            continue;
        }
        int32_t n = 1;
        while (lba + n < w->end && n < max_run && w->why[lba + n - w->first])
            n++;
        u.lba = lba;
        u.n = n;
        u.lead_avail = 0;
        while (u.lead_avail < ANCHOR_MAX_SECTORS && lba - u.lead_avail - 1 >= r->session_first &&
               known_good(w, lba - u.lead_avail - 1))
            u.lead_avail++;
        u.post_avail = known_good(w, lba + n);
        bool pins = false;
        u.provable = false;
        if (u.lead_avail && (rc = pins_alignment(w, lba - 1, &pins)))
            goto out;
        u.provable |= pins;
        if (u.post_avail && !u.provable && (rc = pins_alignment(w, lba + n, &pins)))
            goto out;
        u.provable |= u.post_avail && pins;
        /* A sector no re-read gets keeps what pass 1 wrote for it. */
        if ((rc = file_sectors(w, lba, n, out)) || (rc = reread_run(w, &u, out)) ||
            (rc = file_write(w, lba, n, out)))
            goto out;
        for (int32_t k = 0; k < n; k++) {
            int32_t x = lba + k;
            uint8_t why = w->why[x - w->first];
            dw__ranges_add(&r->reread, x, 0);
            if (why & SUS_JITTER)
                w->stats->jitter_reread_sectors++;
            if (u.confirmed[k]) {
                w->stats->recovered++;
                w->why[x - w->first] = 0; /* proven now: an anchor for the next run */
            } else if (u.unread[k]) {
                dw__ranges_add(&r->bad, x, u.unread[k]);
                dw__rip_log(r, DW_LOG_WARN,
                            "sector %d (track %d): no re-read could read it; pass 1's bytes "
                            "(zeros when it did not read either) are kept",
                            x, w->t->number);
            } else if ((why & SUS_JITTER) || u.blocked[k]) {
                w->stats->jitter_unconfirmed_sectors++;
                dw__ranges_add(&r->bad, x, DW__BAD_JITTER_UNCONFIRMED);
                dw__rip_log(r, DW_LOG_WARN,
                            "sector %d (track %d): jitter: no read of it was proven to start "
                            "where it should (its read commands came shifted, or nothing "
                            "around it could show where they started); the best read is kept",
                            x, w->t->number);
            } else {
                dw__ranges_add(&r->bad, x, DW__BAD_SECURE_UNCONFIRMED);
                dw__rip_log(r, DW_LOG_WARN,
                            "sector %d (track %d): no two clean reads agreed; the best read "
                            "is kept",
                            x, w->t->number);
            }
        }
        lba += n;
        if ((rc = dw__rip_progress(r, w->t->number, false)))
            goto out;
    }
out:
    free(out);
    free(u.clean);
    free(u.meta);
    free(u.kept);
    free(u.confirmed);
    free(u.blocked);
    free(u.unread);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The window                                                           */

/* A window [first, end) of track t, its map and image allocated, where it
 * goes in the .part and what anchors it worked out.  prev: the window
 * right before it in the same range, settled (its last sectors are final;
 * it may still be being hashed and written), or NULL for the first window
 * of a range, which comes after what the .part holds.  *out is freed with
 * win_free, also on error. */
static int win_open(struct dw__rip *r, const struct dw_track *t, int32_t first, int32_t end,
                    const struct win *prev, struct win **out)
{
    struct win *w = calloc(1, sizeof(*w));
    *out = w;
    if (!w)
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    w->r = r;
    w->t = t;
    w->first = first;
    w->end = end;
    w->stats = &w->own_stats;
    w->err = r->err;
    w->have_c2 = prev ? prev->have_c2 : r->secure_have_c2;
    atomic_init(&w->stop, false);
    /* One read command must be one drive command: with a read offset that
     * is not whole sectors the offset layer reads one sector more. */
    w->cmd_sectors = dw_drive_max_transfer_sectors(r->drive) -
                     (dw__rip_offset_samples(r) % DW_SAMPLES_PER_SECTOR ? 1 : 0);
    if (w->cmd_sectors < 2)
        w->cmd_sectors = 2;
    w->why = calloc((size_t)(end - first), 1);
    w->owner = calloc((size_t)(end - first), sizeof(int32_t));
    w->img_mem = malloc((size_t)(end - first + 1) * S_BYTES);
    w->img = w->img_mem ? w->img_mem + S_BYTES : NULL;
    if (!w->why || !w->owner || !w->img)
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    if (prev) {
        int32_t prev_n = prev->end - prev->first;
        w->base = prev->base + (off_t)prev_n * (off_t)S_BYTES;
        w->tail_n = prev_n < ANCHOR_MAX_SECTORS ? prev_n : ANCHOR_MAX_SECTORS;
        memcpy(w->tail, prev->img + (size_t)(prev_n - w->tail_n) * S_BYTES,
               (size_t)w->tail_n * S_BYTES);
    } else {
        if (fflush(r->image.fp) != 0)
            return dw__outfile_check(&r->image, r->err);
        w->base = ftello(r->image.fp);
    }
    while (w->before < ANCHOR_MAX_SECTORS &&
           w->base >= (off_t)(w->before + 1) * (off_t)S_BYTES &&
           session_audio(r, t, first - w->before - 1) && !listed_bad(r, first - w->before - 1))
        w->before++;
    w->edge_before = !session_audio(r, t, first - 1);
    return 0;
}

static void *pass1_main(void *arg)
{
    struct win *w = arg;
    w->pass1_rc = pass1(w, &w->cmds, &w->nc, &w->ovl);
    return NULL;
}

/* Start w's pass 1 on the read-ahead thread; false when no thread could
 * be started (pass 1 then runs on the rip's thread, pass1_run). */
static bool pass1_ahead(struct win *w)
{
    w->t0 = dw__now_seconds();
    w->on_worker = true;
    w->err = &w->own_err;
    if (pthread_create(&w->thread, NULL, pass1_main, w) == 0) {
        w->threaded = true;
        return true;
    }
    w->on_worker = false;
    w->err = w->r->err;
    return false;
}

/* w's pass 1 done: waited for on the read-ahead thread when it ran there
 * (then what it left for the rip's thread: its error, the C2 note, the
 * sectors done, the progress callback), else run here. */
static int pass1_run(struct win *w)
{
    struct dw__rip *r = w->r;
    if (!w->threaded) {
        w->t0 = dw__now_seconds();
        return pass1(w, &w->cmds, &w->nc, &w->ovl);
    }
    pthread_join(w->thread, NULL);
    w->threaded = false;
    w->on_worker = false;
    w->err = r->err;
    r->done_sectors += w->done_sectors;
    if (w->c2_dropped)
        note_no_c2(r);
    if (w->pass1_rc) {
        *r->err = w->own_err;
        return w->pass1_rc;
    }
    return dw__rip_progress(r, w->t->number, false);
}

static void win_free(struct win *w)
{
    if (!w)
        return;
    if (w->threaded) { /* given up on: pass 1 stops after the command it is in */
        atomic_store(&w->stop, true);
        pthread_join(w->thread, NULL);
    }
    free(w->why);
    free(w->owner);
    free(w->img_mem);
    free(w->cmds);
    free(w->ovl);
    free(w);
}

/* After pass 1: its overlaps, the test pass, pass 2.  Everything that
 * reads the drive for w is done when it returns. */
static int win_settle(struct win *w)
{
    struct dw__rip *r = w->r;
    const struct dw_track *t = w->t;
    struct dw_secure_stats *stats = w->stats;
    int rc;
    if ((rc = settle_pass1(w, w->cmds, w->nc, w->ovl)))
        return rc;

    /* Test-and-copy: read the window again and compare. */
    if (r->test_pass && (rc = test_pass(w)))
        return rc;

    /* Pass 2: only the suspicious sectors. */
    int suspects = 0, jitter = 0;
    for (int32_t i = 0; i < w->end - w->first; i++) {
        suspects += w->why[i] != 0;
        jitter += (w->why[i] & SUS_JITTER) != 0;
    }
    if (suspects && jitter)
        dw__rip_log(r, DW_LOG_INFO,
                    "track %02d: %d suspicious sectors (%d C2-flagged, %d unreadable, %d whose "
                    "alignment is not proven): re-reading them",
                    t->number, suspects, stats->c2_sectors, stats->unreadable_pass1, jitter);
    else if (suspects)
        dw__rip_log(r, DW_LOG_INFO,
                    "track %02d: %d suspicious sectors (%d C2-flagged, %d unreadable): "
                    "re-reading them",
                    t->number, suspects, stats->c2_sectors, stats->unreadable_pass1);
    return pass2(w, suspects);
}

/* Pass 3: checksums over the final bytes, straight from the window's image
 * (what goes to the .part, byte for byte), and the window into the .part,
 * COMMIT_SECTORS (about 1 MiB) at a time, each piece hashed, fed to the
 * AccurateRip/EAC/CTDB sums and written while it is still in the CPU's
 * cache.  No drive reads: the next window's pass 1 may run meanwhile. */
static int win_commit(struct win *w, struct dw__hashset *hs)
{
    struct dw__rip *r = w->r;
    size_t win_bytes = (size_t)(w->end - w->first) * S_BYTES;
    int rc = 0;
    for (int32_t a = w->first; a < w->end && !rc;) {
        int32_t n = w->end - a < COMMIT_SECTORS ? w->end - a : COMMIT_SECTORS;
        const uint8_t *p = w->img + (size_t)(a - w->first) * S_BYTES;
        dw__hashset_update(hs, p, (size_t)n * S_BYTES);
        dw__rip_feed_audio(r, a, p, n);
        rc = write_at(r, w->base + (off_t)(a - w->first) * (off_t)S_BYTES, p,
                      (size_t)n * S_BYTES);
        a += n;
    }
    if (rc)
        return rc;
    /* After the window (a resumed rip may have more of the file behind
     * it): the descriptor moved there, and the stream (flushed before the
     * first window, untouched since) told to forget the offset it cached.
     * Not fseeko: glibc would read the block it lands in back from the
     * file. */
    if (lseek(fileno(r->image.fp), w->base + (off_t)win_bytes, SEEK_SET) < 0 ||
        fflush(r->image.fp) != 0)
        return dw__set_error(r->err, DW_EIO, "cannot seek in '%s'", r->image.part_path);
    return 0;
}

void dw__secure_stats_add(struct dw_secure_stats *sum, const struct dw_secure_stats *part)
{
    sum->have_c2 = part->have_c2;
    sum->c2_sectors += part->c2_sectors;
    sum->unreadable_pass1 += part->unreadable_pass1;
    sum->recovered += part->recovered;
    sum->reads += part->reads;
    sum->test_crc32 = part->test_crc32;
    sum->test_differing += part->test_differing;
    sum->overlap_sectors += part->overlap_sectors;
    sum->jitter_shifted_commands += part->jitter_shifted_commands;
    if (part->jitter_min_samples &&
        (!sum->jitter_min_samples || part->jitter_min_samples < sum->jitter_min_samples))
        sum->jitter_min_samples = part->jitter_min_samples;
    if (part->jitter_max_samples > sum->jitter_max_samples)
        sum->jitter_max_samples = part->jitter_max_samples;
    sum->jitter_unmatched_overlaps += part->jitter_unmatched_overlaps;
    sum->jitter_realigned_sectors += part->jitter_realigned_sectors;
    sum->jitter_vote_sectors += part->jitter_vote_sectors;
    sum->jitter_reread_sectors += part->jitter_reread_sectors;
    sum->jitter_unconfirmed_sectors += part->jitter_unconfirmed_sectors;
}

/* The end of the window that starts at a in [a, end). */
static int32_t window_end(const struct dw__rip *r, int32_t a, int32_t end)
{
    int32_t size = r->secure_window_sectors ? r->secure_window_sectors
                                            : SECURE_WINDOW_MIN_SECTORS;
    return end - a > size ? a + size : end;
}

int dw__rip_secure_range(struct dw__rip *r, const struct dw_track *t, int32_t first,
                         int32_t end, struct dw__hashset *hs, struct dw_secure_stats *stats)
{
    uint32_t test_crc32 = stats->test_crc32; /* runs on over the calls of a track */
    bool ahead = dw__readahead_wanted(r->opts->threads);
    struct win *w = NULL, *next = NULL;
    int rc = 0;
    memset(stats, 0, sizeof(*stats));
    stats->test_crc32 = test_crc32;
    if ((rc = win_open(r, t, first, window_end(r, first, end), NULL, &w)) ||
        (rc = pass1_run(w)))
        goto out;
    for (;;) {
        w->stats->test_crc32 = stats->test_crc32;
        rc = win_settle(w);
        r->secure_have_c2 = w->stats->have_c2 = w->have_c2;
        if (rc)
            break;
        /* The next window: what this speed reads in SECURE_WINDOW_SECONDS.
         * With more than one thread its pass 1 reads the drive while this
         * one is hashed and written (which reads nothing). */
        double secs = dw__now_seconds() - w->t0;
        double size = secs > 0 ? (double)(w->end - w->first) / secs * SECURE_WINDOW_SECONDS
                               : SECURE_WINDOW_SECTORS;
        r->secure_window_sectors = size < SECURE_WINDOW_MIN_SECTORS ? SECURE_WINDOW_MIN_SECTORS
                                   : size > SECURE_WINDOW_SECTORS ? SECURE_WINDOW_SECTORS
                                                                  : (int32_t)size;
        if (w->end < end) {
            if ((rc = win_open(r, t, w->end, window_end(r, w->end, end), w, &next)))
                break;
            if (ahead)
                (void)pass1_ahead(next);
        }
        rc = win_commit(w, hs);
        dw__secure_stats_add(stats, w->stats);
        if (!rc)
            /* Settled: final.  The map (and the fdatasync of the .part it
             * needs) at most once a second, as in burst mode; a rip that
             * fails or is stopped saves it at once (rip_note_resumable). */
            rc = dw__rip_mark_final(r, w->end, false);
        win_free(w);
        w = next;
        next = NULL;
        if (rc || !w || (rc = pass1_run(w)))
            break;
    }
    if (rc && w)
        dw__secure_stats_add(stats, w->stats);
out:
    win_free(w);
    win_free(next);
    if (stats->jitter_shifted_commands || stats->jitter_unmatched_overlaps ||
        stats->jitter_reread_sectors)
        dw__rip_log(r, DW_LOG_INFO,
                    "track %02d: LBA %d-%d: overlapping reads: %d read commands came shifted "
                    "(jitter, %d to %d samples), %d overlaps matched at no shift within %d "
                    "samples; %d sectors realigned, %d re-read for their alignment, %d of "
                    "them unconfirmed",
                    t->number, first, end - 1, stats->jitter_shifted_commands,
                    stats->jitter_min_samples, stats->jitter_max_samples,
                    stats->jitter_unmatched_overlaps, DW_JITTER_MAX_SAMPLES,
                    stats->jitter_realigned_sectors, stats->jitter_reread_sectors,
                    stats->jitter_unconfirmed_sectors);
    return rc;
}
