/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Probing a drive once (discwright/drive_profile.h): what it does with the
 * READ CD fields where drives differ, its capabilities page, and its read
 * cache by timing.
 *
 * Every command goes through the MMC backend (dw__mmc_exec, built by
 * mmc_cdb.c), so a refusal comes back as sense data instead of a failure of
 * the whole probe: ILLEGAL REQUEST (5/xx/xx, but 5/21/xx "out of range")
 * means "unsupported", anything else "unknown", each with a note.  Each
 * READ CD probe reads the same PROBE_SECTORS sectors and is checked
 * against a plain READ CD of them (byte 9 = F8h, no C2, no sub-channel):
 * the 2352 main-channel bytes of sector k must sit at k * (2352 + extra),
 * so a drive that ignores a field (and sends fewer bytes, which the Linux
 * transport cannot tell) or lays it out otherwise is caught.
 *
 * The read cache (after cdparanoia's cache analysis, paranoia/cachetest.c
 * of cdparanoia 10.2: a cache hit is far faster than any seek): read a
 * distant sector F, then sector X and the n - 1 sectors after it, then X
 * again and time it; fast means X was still in the cache after n sectors.
 * The threshold comes from the time of reads that must seek (F, then a
 * sector never read before).  n runs 1, 32, 64 ... while X stays cached,
 * then bisection narrows the first n where it no longer does.  A miss is
 * confirmed once (a busy system can slow a hit down; nothing speeds a seek
 * up).
 */
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "discwright/drive_profile.h"
#include "discwright/profile.h"
#include "discwright/sector.h"
#include "drive/drive_int.h"
#include "drive/mmc.h"
#include "profile/profile_int.h"

/* Sectors per READ CD probe: each probe reads the same ones, from an
 * absolute frame number of 63 on (first_probe_offset). */
#define PROBE_SECTORS 12
#define PROBE_STRIDE_MAX (DW_SECTOR_RAW_BYTES + 296 + 96)
#define READ_CHUNK_SECTORS 26        /* READ CD transfer, as drive_mmc.c */
#define CACHE_FIRST_SECTORS 32       /* first n after the n = 1 test */
#define CACHE_MAX_SECTORS 8192       /* 19 MB: beyond the caches of CD drives */
#define CACHE_SEEK_MIN_NS 3000000ull /* a seek under 3 ms cannot be told from a hit */
#define CACHE_HIT_MAX_NS 6000000ull  /* a hit is never slower than 6 ms */
#define CACHE_CALIBRATION_READS 3

struct probe {
    struct dw_drive *d;
    struct dw_drive_profile *p;
    const char *device;
    int32_t lba;                /* the probe sectors: lba .. lba + PROBE_SECTORS - 1 */
    int32_t range_lo, range_hi; /* sectors to read: pick_range */
    uint8_t *ref;               /* PROBE_SECTORS plain raw sectors */
    uint8_t *buf;               /* READ_CHUNK_SECTORS * PROBE_STRIDE_MAX */
    uint8_t sub[PROBE_SECTORS][96]; /* sub-channel bytes of the separate read */
    size_t sub_bytes;               /* 96 (raw P-W), 16 (formatted Q) or 0 (none) */
    unsigned sub_flag;              /* the READ CD selection that gave them */
    int fatal;                      /* DW_ENOMEDIUM or DW_ENOMEM: stop probing */
};

/* ---- notes and outcomes ---------------------------------------------------- */

static void note(struct probe *pr, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(struct probe *pr, const char *key, const char *fmt, ...)
{
    char *notes = pr->p->notes;
    size_t used = strlen(notes), room = sizeof(pr->p->notes) - used;
    va_list ap;
    int n;

    n = snprintf(notes + used, room, "%s%s: ", used ? "\n" : "", key);
    if (n < 0 || (size_t)n >= room) {
        notes[used] = '\0';
        return;
    }
    va_start(ap, fmt);
    vsnprintf(notes + used + (size_t)n, room - (size_t)n, fmt, ap);
    va_end(ap);
}

/* " (sense K/AA/QQ: text)" or " (error text)" for a failed command. */
static void why(const struct dw__mmc_status *st, char *out, size_t out_bytes)
{
    if (st->have_sense)
        snprintf(out, out_bytes, "%s (sense %X/%02X/%02X)",
                 dw__mmc_sense_text(st->key, st->asc, st->ascq), (unsigned)st->key,
                 (unsigned)(st->asc & 0xFF), (unsigned)(st->ascq & 0xFF));
    else
        snprintf(out, out_bytes, "%s", dw_strerror(st->code));
}

/* A command failed: a refusal (ILLEGAL REQUEST other than an address out of
 * range, or a transport that says "unsupported") gives UNSUPPORTED, other
 * failures UNKNOWN; an empty tray or no memory stops the probe. */
static enum dw_probe_state failed(struct probe *pr, const char *key, const char *what,
                                  const struct dw__mmc_status *st)
{
    char reason[160];
    bool refused =
        st->have_sense ? st->key == 0x5 && st->asc != 0x21 : st->code == DW_EUNSUPPORTED;

    if (st->code == DW_ENOMEDIUM || st->code == DW_ENOMEM)
        pr->fatal = st->code;
    why(st, reason, sizeof(reason));
    note(pr, key, "%s %s: %s", what, refused ? "refused" : "failed", reason);
    return refused ? DW_PROBE_UNSUPPORTED : DW_PROBE_UNKNOWN;
}

/* ---- commands --------------------------------------------------------------- */

/* READ CD (MMC-6) of n sectors at lba, any sector type, byte 9 = F8h plus
 * the DW_MMC_READ_CD_* flags, into buf. */
static int read_cd(struct probe *pr, int32_t lba, int32_t n, unsigned flags, uint8_t *buf,
                   struct dw__mmc_status *st)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    size_t len = dw__mmc_build_read_cd(cdb, lba, (uint32_t)n, DW_MMC_SECTOR_ANY, flags);
    return dw__mmc_exec(pr->d, cdb, len, DW_MMC_DIR_FROM_DEV, buf,
                        (size_t)n * dw__mmc_read_cd_sector_bytes(flags), 0, st);
}

/* The main channel of each probe sector sits at k * stride in pr->buf and
 * equals the plain read. */
static bool main_matches(const struct probe *pr, size_t stride)
{
    for (int k = 0; k < PROBE_SECTORS; k++)
        if (memcmp(pr->buf + (size_t)k * stride,
                   pr->ref + (size_t)k * DW_SECTOR_RAW_BYTES, DW_SECTOR_RAW_BYTES) != 0)
            return false;
    return true;
}

static bool all_zero(const uint8_t *p, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++)
        if (p[i])
            return false;
    return true;
}

/* ---- READ CD: C2 error pointers ------------------------------------------------ */

/* Error field `flag` (DW_MMC_READ_CD_C2: 01b, 294 bytes; _C2_BLOCK: 10b,
 * block error byte + pad + 294). */
static enum dw_probe_state probe_c2(struct probe *pr, unsigned flag, const char *key)
{
    struct dw__mmc_status st;
    size_t extra = flag == DW_MMC_READ_CD_C2 ? 294 : 296;
    size_t stride = DW_SECTOR_RAW_BYTES + extra;
    const char *field = flag == DW_MMC_READ_CD_C2 ? "01b" : "10b";
    char what[64];
    int flagged = 0;

    snprintf(what, sizeof(what), "READ CD error field %s", field);
    if (read_cd(pr, pr->lba, PROBE_SECTORS, flag, pr->buf, &st))
        return failed(pr, key, what, &st);
    if (!main_matches(pr, stride)) {
        note(pr, key,
             "%s was accepted, but the reply is not %zu bytes a sector with the main "
             "channel first",
             what, stride);
        return DW_PROBE_UNSUPPORTED;
    }
    for (int k = 0; k < PROBE_SECTORS; k++) {
        const uint8_t *c2 = pr->buf + (size_t)k * stride + DW_SECTOR_RAW_BYTES;
        bool all_set = true;
        for (size_t i = extra - 294; i < extra && all_set; i++)
            all_set = c2[i] == 0xFF;
        if (all_set) {
            note(pr, key,
                 "%s flags every byte of sectors that read the same as without it", what);
            return DW_PROBE_UNSUPPORTED;
        }
        flagged += !all_zero(c2, extra);
    }
    if (flagged)
        note(pr, key,
             "%s flagged %d of %d sectors that read the same without it: probe "
             "again with a clean disc",
             what, flagged, PROBE_SECTORS);
    return DW_PROBE_SUPPORTED;
}

/* ---- READ CD: sub-channel ------------------------------------------------------- */

/* Raw P-W (selection 001b): accepted, laid out after the main channel, and
 * interleaved (MMC-6) or de-interleaved, told by the Q CRC. */
static void probe_raw_pw(struct probe *pr)
{
    struct dw_drive_profile *p = pr->p;
    struct dw__mmc_status st;
    const size_t stride = DW_SECTOR_RAW_BYTES + 96;
    int interleaved = 0, deinterleaved = 0;

    if (read_cd(pr, pr->lba, PROBE_SECTORS, DW_MMC_READ_CD_SUB_RAW, pr->buf, &st)) {
        p->raw_pw = failed(pr, "raw_pw", "READ CD sub-channel selection 001b", &st);
        return;
    }
    if (!main_matches(pr, stride)) {
        note(pr, "raw_pw",
             "READ CD sub-channel selection 001b was accepted, but the reply "
             "is not 2448 bytes a sector with the main channel first");
        p->raw_pw = DW_PROBE_UNSUPPORTED;
        return;
    }
    for (int k = 0; k < PROBE_SECTORS; k++) {
        const uint8_t *pw = pr->buf + (size_t)k * stride + DW_SECTOR_RAW_BYTES;
        uint8_t q[12];
        dw_subchannel_q(pw, q);
        interleaved += dw_q_crc(q) == dw__mmc_get_be16(q + 10);
        deinterleaved += dw_q_crc(pw + 12) == dw__mmc_get_be16(pw + 22);
        memcpy(pr->sub[k], pw, 96);
    }
    if (all_zero(pr->sub[0], sizeof(pr->sub))) {
        note(pr, "raw_pw", "READ CD sub-channel selection 001b returns zeros");
        p->raw_pw = DW_PROBE_UNSUPPORTED;
        return;
    }
    p->raw_pw = DW_PROBE_SUPPORTED;
    pr->sub_bytes = 96;
    pr->sub_flag = DW_MMC_READ_CD_SUB_RAW;
    if (interleaved >= deinterleaved && interleaved > 0)
        p->raw_pw_order = DW_PW_INTERLEAVED;
    else if (deinterleaved > 0)
        p->raw_pw_order = DW_PW_DEINTERLEAVED;
    else
        note(pr, "raw_pw_order", "no Q CRC of %d frames matched, interleaved or not",
             PROBE_SECTORS);
}

/* Formatted Q (selection 010b): accepted, laid out after the main channel,
 * and BCD or binary numbers (dw__mmc_formatted_q: by the CRC and by the
 * absolute time against the LBA read). */
static void probe_formatted_q(struct probe *pr)
{
    struct dw_drive_profile *p = pr->p;
    struct dw__mmc_status st;
    const size_t stride = DW_SECTOR_RAW_BYTES + DW_MMC_FORMATTED_Q_BYTES;
    enum dw__mmc_q_numbers numbers = DW_MMC_Q_NUMBERS_UNKNOWN;
    uint8_t fq[PROBE_SECTORS][DW_MMC_FORMATTED_Q_BYTES];
    int good = 0;

    if (read_cd(pr, pr->lba, PROBE_SECTORS, DW_MMC_READ_CD_SUB_Q, pr->buf, &st)) {
        p->formatted_q =
            failed(pr, "formatted_q", "READ CD sub-channel selection 010b", &st);
        return;
    }
    if (!main_matches(pr, stride)) {
        note(pr, "formatted_q",
             "READ CD sub-channel selection 010b was accepted, but the "
             "reply is not 2368 bytes a sector with the main channel "
             "first");
        p->formatted_q = DW_PROBE_UNSUPPORTED;
        return;
    }
    for (int k = 0; k < PROBE_SECTORS; k++) {
        uint8_t q[12];
        memcpy(fq[k], pr->buf + (size_t)k * stride + DW_SECTOR_RAW_BYTES, sizeof(fq[k]));
        good += dw__mmc_formatted_q(fq[k], pr->lba + k, &numbers, q);
    }
    if (all_zero(fq[0], sizeof(fq))) {
        note(pr, "formatted_q", "READ CD sub-channel selection 010b returns zeros");
        p->formatted_q = DW_PROBE_UNSUPPORTED;
        return;
    }
    p->formatted_q = DW_PROBE_SUPPORTED;
    if (!pr->sub_bytes) {
        for (int k = 0; k < PROBE_SECTORS; k++)
            memcpy(pr->sub[k], fq[k], sizeof(fq[k]));
        pr->sub_bytes = DW_MMC_FORMATTED_Q_BYTES;
        pr->sub_flag = DW_MMC_READ_CD_SUB_Q;
    }
    if (numbers == DW_MMC_Q_NUMBERS_BCD)
        p->q_numbers = DW_Q_NUMBERS_BCD;
    else if (numbers == DW_MMC_Q_NUMBERS_BINARY)
        p->q_numbers = DW_Q_NUMBERS_BINARY;
    else if (good == 0)
        note(pr, "q_numbers",
             "no formatted Q frame of %d had a matching CRC, as BCD or as "
             "binary numbers",
             PROBE_SECTORS);
    else
        note(pr, "q_numbers", "the frames read fit BCD and binary numbers alike");
}

/* C2 (01b) and the sub-channel selection that worked in one READ CD: where
 * do the sub-channel bytes of the separate read turn up, right after the
 * main channel or after the 294 C2 bytes? */
static void probe_placement(struct probe *pr)
{
    struct dw_drive_profile *p = pr->p;
    struct dw__mmc_status st;
    const size_t stride = DW_SECTOR_RAW_BYTES + 294 + pr->sub_bytes;
    int before = 0, after = 0;

    if (read_cd(pr, pr->lba, PROBE_SECTORS, DW_MMC_READ_CD_C2 | pr->sub_flag, pr->buf,
                &st)) {
        if (failed(pr, "c2_placement", "READ CD with C2 and sub-channel data together",
                   &st) == DW_PROBE_UNSUPPORTED)
            p->c2_placement = DW_C2_NOT_COMBINED;
        return;
    }
    if (!main_matches(pr, stride)) {
        note(pr, "c2_placement",
             "READ CD with C2 and sub-channel data was accepted, but the "
             "reply is not %zu bytes a sector with the main channel first",
             stride);
        return;
    }
    for (int k = 0; k < PROBE_SECTORS; k++) {
        const uint8_t *s = pr->buf + (size_t)k * stride + DW_SECTOR_RAW_BYTES;
        before += memcmp(s + 294, pr->sub[k], pr->sub_bytes) == 0;
        after += memcmp(s, pr->sub[k], pr->sub_bytes) == 0;
    }
    if (before > after)
        p->c2_placement = DW_C2_BEFORE_SUB;
    else if (after > before)
        p->c2_placement = DW_C2_AFTER_SUB;
    else
        note(pr, "c2_placement",
             "the sub-channel bytes of a separate read turn up neither "
             "before nor after the C2 bytes");
}

/* ---- MODE SENSE page 2Ah ----------------------------------------------------------- */

static void probe_caps(struct probe *pr)
{
    struct dw_drive_profile *p = pr->p;
    uint8_t cdb[DW_MMC_CDB_MAX], reply[256];
    struct dw__mmc_status st;
    struct dw__mmc_caps caps;
    size_t len = dw__mmc_build_mode_sense10(cdb, DW_MMC_PAGE_CAPABILITIES, sizeof(reply));

    if (dw__mmc_exec(pr->d, cdb, len, DW_MMC_DIR_FROM_DEV, reply, sizeof(reply), 0, &st)) {
        failed(pr, "accurate_stream", "MODE SENSE(10) of page 2Ah", &st);
        return;
    }
    if (dw__mmc_parse_caps(reply, sizeof(reply), &caps)) {
        note(pr, "accurate_stream",
             "the reply to MODE SENSE(10) of page 2Ah is malformed");
        return;
    }
    p->accurate_stream = caps.accurate_stream ? DW_PROBE_SUPPORTED : DW_PROBE_UNSUPPORTED;
    p->max_read_speed_kbps = caps.max_read_speed_kbps > 0 ? caps.max_read_speed_kbps : -1;
    p->buffer_kib = caps.buffer_kib > 0 ? caps.buffer_kib : -1;
    if (caps.c2_pointers != (p->c2 == DW_PROBE_SUPPORTED) && p->c2 != DW_PROBE_UNKNOWN)
        note(pr, "c2", "page 2Ah says the drive %s C2 pointers, READ CD found otherwise",
             caps.c2_pointers ? "reports" : "does not report");
}

/* ---- the read cache -------------------------------------------------------------------
 */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Plain READ CD of n sectors from lba in chunks; *ns (may be NULL) gets
 * the time the commands took.  0 or the failure, noted. */
static int read_span(struct probe *pr, int32_t lba, int32_t n, uint64_t *ns)
{
    struct dw__mmc_status st;
    uint64_t t0 = now_ns();

    for (int32_t done = 0; done < n;) {
        int32_t count = n - done < READ_CHUNK_SECTORS ? n - done : READ_CHUNK_SECTORS;
        if (read_cd(pr, lba + done, count, 0, pr->buf, &st)) {
            char what[64];
            snprintf(what, sizeof(what), "READ CD of sector %ld", (long)(lba + done));
            failed(pr, "cache", what, &st);
            return st.code;
        }
        done += count;
    }
    if (ns)
        *ns = now_ns() - t0;
    return 0;
}

/* Is X still in the cache after X and the n - 1 sectors after it were
 * read?  1 yes, 0 no (confirmed once), or a read error. */
static int cache_holds(struct probe *pr, int32_t far, int32_t x, int32_t n,
                       uint64_t hit_ns)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        uint64_t ns;
        int rc = read_span(pr, far, 1, NULL);
        if (!rc)
            rc = read_span(pr, x, n, NULL);
        if (!rc)
            rc = read_span(pr, x, 1, &ns);
        if (rc)
            return rc;
        if (ns < hit_ns)
            return 1;
    }
    return 0;
}

static void probe_cache(struct probe *pr)
{
    struct dw_drive_profile *p = pr->p;
    /* Layout: the probe sectors within lo .. lo + 86, calibration sectors
     * at lo + 100, 108, 116 (never read before), X at lo + 160, F at the
     * far end. */
    const int32_t lo = pr->range_lo, far = pr->range_hi - 1, x = lo + 160;
    int32_t max_n = far - x - 32, good = 1, bad = -1;
    uint64_t seek_ns = UINT64_MAX, hit_ns;
    int rc;

    if (max_n > CACHE_MAX_SECTORS)
        max_n = CACHE_MAX_SECTORS;
    if (max_n < CACHE_FIRST_SECTORS) {
        note(pr, "cache",
             "the tracks probed (%ld sectors) are too short to time the cache",
             (long)(pr->range_hi - pr->range_lo));
        return;
    }
    for (int i = 0; i < CACHE_CALIBRATION_READS; i++) {
        uint64_t ns;
        if (read_span(pr, far, 1, NULL) || read_span(pr, lo + 100 + 8 * i, 1, &ns))
            return;
        if (ns < seek_ns)
            seek_ns = ns;
    }
    if (seek_ns < CACHE_SEEK_MIN_NS) {
        note(pr, "cache",
             "a read across the disc takes %.2f ms: too fast to tell a seek "
             "from a cache hit",
             (double)seek_ns / 1e6);
        return;
    }
    hit_ns = seek_ns / 3 < CACHE_HIT_MAX_NS ? seek_ns / 3 : CACHE_HIT_MAX_NS;

    rc = cache_holds(pr, far, x, 1, hit_ns);
    if (rc < 0)
        return;
    if (rc == 0) {
        p->cache = DW_CACHE_NONE;
        p->cache_sectors = 0;
        return;
    }
    /* Double n while X stays cached, then bisect between the last n that
     * held and the first that did not, to within 1/32 (at least 4). */
    for (;;) {
        int32_t n;
        if (bad < 0 && good >= max_n)
            break;
        if (bad < 0)
            n = good < CACHE_FIRST_SECTORS ? CACHE_FIRST_SECTORS
                                           : (good < max_n / 2 ? good * 2 : max_n);
        else if (bad - good > (good / 32 > 4 ? good / 32 : 4))
            n = good + (bad - good) / 2;
        else
            break;
        rc = cache_holds(pr, far, x, n, hit_ns);
        if (rc < 0)
            return;
        if (rc)
            good = n;
        else
            bad = n;
    }
    if (bad < 0) {
        p->cache = DW_CACHE_AT_LEAST;
        p->cache_sectors = good;
        note(pr, "cache", "the cache held all %ld sectors the probe read", (long)good);
        return;
    }
    p->cache = DW_CACHE_MEASURED;
    p->cache_sectors = good;
}

/* ---- the whole probe
 * --------------------------------------------------------------------- */

/* The sectors to probe: the longest run of audio tracks of one session
 * (from the first one's INDEX 01 to the last one's end: READ CD crosses
 * between audio tracks on every drive), else the longest data track (less
 * the 2 run-out blocks a TAO track may end in).  False when none is at
 * least PROBE_SECTORS + 18 sectors long. */
static bool pick_range(const struct dw_disc *disc, int32_t *lo, int32_t *hi, bool *audio)
{
    bool found = false;

    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *first = &disc->tracks[i];
        bool is_audio = !dw_track_is_data(first);
        int j = i;
        while (is_audio && j + 1 < disc->track_count &&
               !dw_track_is_data(&disc->tracks[j + 1]) &&
               disc->tracks[j + 1].session == first->session)
            j++;
        int32_t start = first->index_lba[1];
        int32_t end = disc->tracks[j].end_lba - (is_audio ? 0 : 2);
        i = j;
        if (end - start < PROBE_SECTORS + 18)
            continue;
        if (!found || (is_audio && !*audio) ||
            (is_audio == *audio && end - start > *hi - *lo)) {
            *lo = start;
            *hi = end;
            *audio = is_audio;
            found = true;
        }
    }
    return found;
}

/* Sectors from lo to the first sector whose absolute frame number (MSF
 * F, ECMA-130 cl. 22.3.3) is 63: the probe sectors then carry F = 63..74,
 * which read differently as BCD and as binary by more than the slack of
 * dw__mmc_formatted_q (DW_MMC_Q_SLACK_SECTORS), so they tell one from the
 * other. */
static int32_t first_probe_offset(int32_t lo)
{
    return ((63 - (lo + 150)) % 75 + 75) % 75;
}

static int probe_fail(struct probe *pr, struct dw_error_detail *err, int code,
                      long long lba, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int probe_fail(struct probe *pr, struct dw_error_detail *err, int code,
                      long long lba, const char *fmt, ...)
{
    char msg[sizeof(err->message)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    dw__drive_fail(pr->d, code, lba, "%s", msg);
    if (err)
        *err = *dw_drive_last_error(pr->d);
    return code;
}

/* The read offset from the offset tables of profile.h. */
static void find_offset(struct probe *pr)
{
    struct dw_drive_offset off;
    if (dw_profile_drive_offset(pr->p->vendor, pr->p->model, &off) == 0) {
        pr->p->has_read_offset = true;
        pr->p->read_offset_samples = off.samples;
    } else {
        note(pr, "read_offset",
             "not in the offset tables: find it with 'discwright offset'");
    }
}

int dw_drive_probe(struct dw_drive *d, struct dw_drive_profile *out,
                   struct dw_error_detail *err)
{
    struct probe pr = {.d = d, .p = out};
    struct dw_drive_info info;
    struct dw_medium_info medium;
    const struct dw_disc *disc;
    struct dw__mmc_status st;
    time_t now = time(NULL);
    struct tm tm;
    int rc;

    if (err) {
        memset(err, 0, sizeof(*err));
        err->lba = DW_NO_LBA;
        err->sense_key = err->asc = err->ascq = -1;
    }
    if (!d || !out) {
        if (err) {
            err->code = DW_EINVAL;
            snprintf(err->message, sizeof(err->message), "no drive to probe");
        }
        return DW_EINVAL;
    }
    dw__drive_profile_init(out);
    memset(&info, 0, sizeof(info));
    if (!dw__drive_is_mmc(d))
        return probe_fail(&pr, err, DW_EUNSUPPORTED, DW_NO_LBA,
                          "'%s' is an image, not a drive: only drives can be probed",
                          d->address ? d->address : "");
    pr.device = d->address;
    rc = dw_drive_info(d, &info);
    if (!rc)
        rc = dw_drive_medium(d, &medium);
    if (rc) {
        if (err)
            *err = *dw_drive_last_error(d);
        return rc;
    }
    snprintf(out->vendor, sizeof(out->vendor), "%s", info.vendor);
    snprintf(out->model, sizeof(out->model), "%s", info.model);
    snprintf(out->revision, sizeof(out->revision), "%s", info.firmware);
    snprintf(out->discwright_version, sizeof(out->discwright_version), "%s",
             dw_version());
    if (gmtime_r(&now, &tm))
        strftime(out->probe_date, sizeof(out->probe_date), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!medium.is_cd)
        return probe_fail(&pr, err, DW_EMEDIUM, DW_NO_LBA,
                          "the disc in '%s' is a %s: the probe needs a CD (an audio CD "
                          "is best)",
                          pr.device, medium.profile_name);
    disc = dw_drive_disc(d);
    if (!disc) {
        if (err)
            *err = *dw_drive_last_error(d);
        return dw_drive_last_error(d)->code ? dw_drive_last_error(d)->code : DW_EIO;
    }
    if (!pick_range(disc, &pr.range_lo, &pr.range_hi, &out->probe_audio))
        return probe_fail(&pr, err, DW_EMEDIUM, DW_NO_LBA,
                          "no track of the disc in '%s' is long enough to probe (%d "
                          "sectors): insert another CD",
                          pr.device, PROBE_SECTORS + 18);
    pr.lba = pr.range_lo + first_probe_offset(pr.range_lo);
    if (pr.lba + PROBE_SECTORS > pr.range_hi)
        pr.lba = pr.range_lo;
    out->probe_lba = pr.lba;
    pr.ref = malloc((size_t)PROBE_SECTORS * DW_SECTOR_RAW_BYTES);
    pr.buf = malloc((size_t)READ_CHUNK_SECTORS * PROBE_STRIDE_MAX);
    if (!pr.ref || !pr.buf) {
        rc = probe_fail(&pr, err, DW_ENOMEM, DW_NO_LBA, "out of memory");
        goto out;
    }
    if (read_cd(&pr, pr.lba, PROBE_SECTORS, 0, pr.ref, &st)) {
        char reason[160];
        why(&st, reason, sizeof(reason));
        rc = probe_fail(
            &pr, err, st.code == DW_ENOMEDIUM ? DW_ENOMEDIUM : DW_EREAD, pr.lba,
            "cannot read sectors %ld-%ld of the disc in '%s' (%s): the probe "
            "needs a clean, readable CD",
            (long)pr.lba, (long)(pr.lba + PROBE_SECTORS - 1), pr.device, reason);
        goto out;
    }

    out->c2 = probe_c2(&pr, DW_MMC_READ_CD_C2, "c2");
    if (!pr.fatal)
        out->c2_block_error = probe_c2(&pr, DW_MMC_READ_CD_C2_BLOCK, "c2_block_error");
    if (!pr.fatal)
        probe_raw_pw(&pr);
    if (!pr.fatal)
        probe_formatted_q(&pr);
    if (!pr.fatal && out->c2 == DW_PROBE_SUPPORTED && pr.sub_bytes)
        probe_placement(&pr);
    else if (out->c2 == DW_PROBE_SUPPORTED)
        note(&pr, "c2_placement",
             "the drive returns no sub-channel data to place C2 against");
    if (!pr.fatal)
        probe_caps(&pr);
    if (!pr.fatal)
        probe_cache(&pr);
    if (pr.fatal) {
        rc = probe_fail(
            &pr, err, pr.fatal, DW_NO_LBA,
            pr.fatal == DW_ENOMEDIUM
                ? "the disc left '%s' during the probe: insert it and probe again"
                : "out of memory while probing '%s'",
            pr.device);
        goto out;
    }
    find_offset(&pr);
    rc = 0;
out:
    free(pr.ref);
    free(pr.buf);
    return rc;
}
