/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rip's outputs for burning back and archiving, beside the bin and cue:
 *  - NAME.cdt: the disc's CD-TEXT as raw packs (dw_cdtext_encode), whenever
 *    a BIN/CUE rip's disc has CD-TEXT;
 *  - NAME.toc (or NAME-sessionN.toc): a cdrdao TOC of the bin (DW_RIP_TOC);
 *  - NAME.img, NAME.sub, NAME.ccd: a CloneCD set (DW_RIP_SUBCHANNEL).  The
 *    .img is the bin's bytes; the .sub comes from a second pass over the
 *    same sectors reading raw P-W (dw_drive_read_raw_sub), de-interleaved
 *    to 96 bytes a sector, P first.  A sector whose sub-channel never reads
 *    gets 96 zero bytes (its Q CRC then fails) and is listed;
 *  - NAME-htoa.wav: the hidden track before track 1 (DW_RIP_HTOA_FILE), a
 *    RIFF/WAVE file of the bin's INDEX 00 sectors of audio track 1, when
 *    its INDEX 01 lies after the bin's first sector.  With or without the
 *    flag such a track is described in the log and the report's "htoa".
 * Each is written as FILE.part and renamed when complete, and is named in
 * the log and in the report's "outputs".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "discwright/disc.h"
#include "discwright/qscan.h"
#include "discwright/report.h"
#include "discwright/sector.h"
#include "errors_int.h"
#include "report/outfile.h"
#include "report/report_int.h"
#include "rip/rip_int.h"
#include "rip/rip_report.h"

/* The sectors of the bin: each track from its first sector (not before
 * bin_first) to its end; runs of them in disc order, and the gaps between
 * sessions that the bin leaves out (as rip.c cuts it). */
struct bin_layout {
    int32_t first_lba;
    int run_count;
    int32_t run_first[DW_MAX_SESSIONS + 1], run_end[DW_MAX_SESSIONS + 1];
    int gap_count;
    int32_t gap_lba[DW_MAX_SESSIONS], gap_sectors[DW_MAX_SESSIONS];
    int64_t sectors;
};

static void bin_layout(const struct dw_disc *disc, struct bin_layout *b)
{
    memset(b, 0, sizeof(*b));
    b->first_lba = dw_track_first_lba(&disc->tracks[0]);
    if (b->first_lba < 0)
        b->first_lba = 0;
    int32_t expect = b->first_lba;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        int32_t first = dw_track_first_lba(t);
        if (first < b->first_lba)
            first = b->first_lba;
        if (b->run_count && first == b->run_end[b->run_count - 1]) {
            b->run_end[b->run_count - 1] = t->end_lba;
        } else if (b->run_count <= DW_MAX_SESSIONS) {
            if (first > expect && b->gap_count < DW_MAX_SESSIONS) {
                b->gap_lba[b->gap_count] = first;
                b->gap_sectors[b->gap_count++] = first - expect;
            }
            b->run_first[b->run_count] = first;
            b->run_end[b->run_count++] = t->end_lba;
        }
        expect = t->end_lba;
        b->sectors += t->end_lba - first;
    }
}

static int out_path(struct dw__rip *r, char *out, size_t out_bytes, const char *suffix)
{
    int n = snprintf(out, out_bytes, "%s/%s%s", r->opts->output_dir, r->name, suffix);
    return n < 0 || (size_t)n >= out_bytes
               ? dw__set_error(r->err, DW_EINVAL, "output path too long: '%s/%s%s'",
                               r->opts->output_dir, r->name, suffix)
               : 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool is_image(struct dw__rip *r)
{
    struct dw_drive_info info;
    dw_drive_info(r->drive, &info);
    return info.kind == DW_DRIVE_IMAGE;
}

int dw__rip_extras_check(struct dw__rip *r, bool iso)
{
    unsigned flags = r->opts->flags;
    bool sub = flags & DW_RIP_SUBCHANNEL, toc = flags & DW_RIP_TOC;
    bool htoa = flags & DW_RIP_HTOA_FILE;
    char more[256];

    r->rep->extras_known = true;
    r->rep->want_subchannel = sub;
    r->rep->want_toc = toc;
    r->rep->want_htoa_file = htoa;
    if (!sub && !toc && !htoa)
        return 0;
    if (iso)
        return dw__set_error(
            r->err, DW_EINVAL,
            "--subchannel, --toc and --htoa-file describe a BIN/CUE image: "
            "rip with --format bincue");
    /* What the log names besides the CloneCD set: "A" or "A and B". */
    snprintf(more, sizeof(more), "%s%s%s%s", toc ? "a cdrdao TOC" : "",
             toc && htoa ? " and " : "",
             htoa ? "the hidden track before track 1 as " : "", htoa ? r->name : "");
    if (htoa)
        snprintf(more + strlen(more), sizeof(more) - strlen(more),
                 "-htoa.wav (when the disc has one)");
    if (!sub) {
        dw__rip_log(r, DW_LOG_INFO, "extra outputs: %s", more);
        return 0;
    }
    /* Ask for one sector's raw P-W now: a drive that refuses it would
     * otherwise fail the rip after the whole bin was read. */
    struct bin_layout b;
    uint8_t *buf = malloc(DW_RAW_SUB_SECTOR_BYTES);
    if (!buf)
        return dw__set_error(r->err, DW_ENOMEM, "out of memory");
    bin_layout(r->disc, &b);
    int rc = dw_drive_read_raw_sub(r->drive, b.first_lba, 1, buf);
    free(buf);
    if (rc == DW_EUNSUPPORTED || rc == DW_ENOMEDIUM || rc == DW_ENODRIVE) {
        *r->err = *dw_drive_last_error(r->drive);
        if (rc == DW_EUNSUPPORTED)
            dw__set_error(r->err, rc, "%s: rip without --subchannel",
                          dw_drive_last_error(r->drive)->message);
        r->err->code = rc;
        return rc;
    }
    dw__rip_log(r, DW_LOG_INFO,
                "extra outputs: a CloneCD set (raw P-W sub-channel %s, in a second pass "
                "after the bin)%s%s",
                is_image(r) ? dw_drive_q_source(r->drive)
                            : "from the drive, READ CD sub-channel 001b",
                !more[0]      ? ""
                : toc && htoa ? ", "
                              : " and ",
                more);
    return 0;
}

/* ---- CD-TEXT -------------------------------------------------------------- */

static int write_cdt(struct dw__rip *r)
{
    uint8_t *packs = NULL;
    size_t bytes = 0;
    char path[4096];
    struct dw__outfile of;
    int rc = dw_cdtext_encode(r->disc, &packs, &bytes);

    if (rc == DW_ERANGE || rc == DW_EINVAL) {
        dw__rip_log(r, DW_LOG_WARN, "no .cdt file: the CD-TEXT %s",
                    rc == DW_ERANGE ? "needs more than the 256 packs of a block"
                                    : "cannot be encoded (track numbers with holes)");
        return 0;
    }
    if (rc)
        return dw__set_error(r->err, rc, "out of memory");
    if (!bytes)
        return 0;
    if ((rc = out_path(r, path, sizeof(path), ".cdt")) ||
        (rc = dw__outfile_open(&of, path, r->err)))
        goto out;
    if (fwrite(packs, 1, bytes, of.fp) != bytes ||
        (rc = dw__outfile_check(&of, r->err))) {
        rc = rc ? rc : dw__set_error(r->err, DW_EIO, "cannot write '%s'", path);
        dw__outfile_abort(&of);
        goto out;
    }
    if ((rc = dw__rip_pending_add(r, &of)))
        goto out;
    if ((rc = dw__rip_report_set_output(r->rep, DW__RR_OUT_CDT, path)))
        goto out;
    dw__rip_log(r, DW_LOG_INFO, "CD-TEXT: %s (%zu packs of 18 bytes, IEC 61866)",
                base_name(path), bytes / 18);
out:
    free(packs);
    return rc;
}

/* ---- cdrdao TOC ----------------------------------------------------------- */

static int write_toc(struct dw__rip *r, const struct bin_layout *b)
{
    const struct dw_disc *disc = r->disc;
    struct dw_rip_report *rep = r->rep;
    int rc = 0, sessions = 0, last = 0;

    for (int i = 0; i < disc->track_count; i++)
        if (disc->tracks[i].session != last) {
            last = disc->tracks[i].session;
            sessions++;
        }
    last = 0;
    for (int i = 0; i < disc->track_count && !rc; i++) {
        const struct dw_track *t = &disc->tracks[i];
        char suffix[32], path[4096];
        struct dw__outfile of;
        if (t->session == last)
            continue;
        last = t->session;
        if (sessions > 1)
            snprintf(suffix, sizeof(suffix), "-session%d.toc", t->session);
        else
            snprintf(suffix, sizeof(suffix), ".toc");
        struct dw_toc_write_opts o = {.bin_name = base_name(r->image_path),
                                      .bin_first_lba = b->first_lba,
                                      .gap_lba = b->gap_lba,
                                      .gap_sectors = b->gap_sectors,
                                      .gap_count = b->gap_count,
                                      .session = sessions > 1 ? t->session : 0};
        if ((rc = out_path(r, path, sizeof(path), suffix)) ||
            (rc = dw__outfile_open(&of, path, r->err)))
            break;
        rc = dw_toc_write(disc, &o, of.fp);
        if (!rc)
            rc = dw__outfile_check(&of, r->err);
        if (rc) {
            if (!r->err->message[0] || r->err->code != rc)
                dw__set_error(r->err, rc, "cannot write '%s'", path);
            dw__outfile_abort(&of);
            break;
        }
        if ((rc = dw__rip_pending_add(r, &of)))
            break;
        char **list = realloc(rep->toc_sessions,
                              (size_t)(rep->toc_session_count + 1) * sizeof(*list));
        if (!list || !(list[rep->toc_session_count] = strdup(path)) ||
            (!rep->outputs[DW__RR_OUT_TOC] &&
             dw__rip_report_set_output(rep, DW__RR_OUT_TOC, path))) {
            if (list)
                rep->toc_sessions = list;
            rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
            break;
        }
        rep->toc_sessions = list;
        rep->toc_session_count++;
        dw__rip_log(r, DW_LOG_INFO, "cdrdao TOC: %s%s", base_name(path),
                    sessions > 1
                        ? " (one file per session: burn them in order, all but the "
                          "last with cdrdao write --multi)"
                        : "");
    }
    return rc;
}

/* ---- the sub-channel pass and the CloneCD set -------------------------------- */

struct sub_pass {
    int64_t sectors, done;
    int64_t bad_crc, misplaced, mcn_frames, isrc_frames;
    struct dw__lba_ranges unreadable;
};

static int read_exact(FILE *fp, uint8_t *buf, size_t bytes)
{
    return fread(buf, 1, bytes, fp) == bytes ? 0 : -1;
}

/* Account for the Q of one sector read at lba. */
static void check_q(struct sub_pass *s, const uint8_t pw[DW_SUBCHANNEL_BYTES],
                    int32_t lba)
{
    uint8_t q[DW_Q_BYTES];
    struct dw_q d;
    bool zero = true;
    for (int i = 0; i < DW_SUBCHANNEL_BYTES && zero; i++)
        zero = pw[i] == 0;
    if (zero) /* a sector that did not read: counted as unreadable */
        return;
    dw_subchannel_q(pw, q);
    int rc = dw_q_decode(q, &d);
    if (rc == DW_EMISMATCH) {
        s->bad_crc++;
        return;
    }
    if (rc)
        return;
    if (d.adr == DW_Q_ADR_POSITION && d.abs_lba != lba)
        s->misplaced++;
    else if (d.adr == DW_Q_ADR_MCN)
        s->mcn_frames++;
    else if (d.adr == DW_Q_ADR_ISRC)
        s->isrc_frames++;
}

static int sub_progress(struct dw__rip *r, const struct sub_pass *s)
{
    if (!r->cb || !r->cb->progress)
        return 0;
    struct dw_progress p = {.phase = "subchannel",
                            .done_sectors = s->done,
                            .total_sectors = s->sectors,
                            .errors = s->unreadable.sectors,
                            .sector_bytes = DW_RAW_SUB_SECTOR_BYTES,
                            .buffer_fill_percent = -1};
    if (r->cb->progress(&p, r->cb->user))
        return dw__set_error(r->err, DW_EABORTED,
                             "stopped at sector %lld of %lld of the "
                             "sub-channel pass",
                             (long long)s->done, (long long)s->sectors);
    return 0;
}

/* Read the sub-channel of n sectors from lba into buf (2448-byte stride),
 * one by one after a failed transfer; sectors that never read get zeros
 * and are listed.  Fatal errors only are returned. */
static int read_subs(struct dw__rip *r, struct sub_pass *s, int32_t lba, int32_t n,
                     uint8_t *buf)
{
    int rc = dw_drive_read_raw_sub(r->drive, lba, n, buf);
    if (!rc)
        return 0;
    if (dw__read_error_is_fatal(rc) ||
        rc == DW_EUNSUPPORTED)
        goto fatal;
    for (int32_t k = 0; k < n; k++) {
        uint8_t *one = buf + (size_t)k * DW_RAW_SUB_SECTOR_BYTES;
        int attempts = 1 + (r->retries > 0 ? r->retries : 0);
        for (int a = 0; a < attempts; a++) {
            rc = dw_drive_read_raw_sub(r->drive, lba + k, 1, one);
            if (!rc)
                break;
            if (dw__read_error_is_fatal(rc))
                goto fatal;
        }
        if (rc) {
            memset(one, 0, DW_RAW_SUB_SECTOR_BYTES);
            dw__ranges_add(&s->unreadable, lba + k, rc);
        }
    }
    return 0;
fatal:
    *r->err = *dw_drive_last_error(r->drive);
    r->err->code = rc;
    return rc;
}

static int write_clonecd(struct dw__rip *r, const struct bin_layout *b)
{
    int32_t transfer = dw_drive_max_transfer_sectors(r->drive);
    uint8_t *buf = malloc((size_t)transfer * DW_RAW_SUB_SECTOR_BYTES);
    uint8_t *frames = malloc((size_t)transfer * DW_SECTOR_RAW_BYTES);
    char img_path[4096], sub_path[4096], ccd_path[4096];
    struct dw__outfile img = {0}, sub = {0}, ccd = {0};
    struct sub_pass s;
    FILE *bin = NULL;
    struct timespec t0, t1;
    int rc = 0;

    memset(&s, 0, sizeof(s));
    s.sectors = b->sectors;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!buf || !frames) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = out_path(r, img_path, sizeof(img_path), ".img")) ||
        (rc = out_path(r, sub_path, sizeof(sub_path), ".sub")) ||
        (rc = out_path(r, ccd_path, sizeof(ccd_path), ".ccd")))
        goto out;
    bin = fopen(dw__rip_image_now(r), "rb");
    if (!bin) {
        rc =
            dw__set_error(r->err, dw_error_from_errno(errno), "cannot read '%s' back: %s",
                          r->image_path, strerror(errno));
        goto out;
    }
    if ((rc = dw__outfile_open(&img, img_path, r->err)) ||
        (rc = dw__outfile_open(&sub, sub_path, r->err)))
        goto out;
    for (int k = 0; k < b->run_count && !rc; k++) {
        for (int32_t lba = b->run_first[k]; lba < b->run_end[k] && !rc;) {
            int32_t n = b->run_end[k] - lba < transfer ? b->run_end[k] - lba : transfer;
            if ((rc = read_subs(r, &s, lba, n, buf)))
                break;
            if (read_exact(bin, frames, (size_t)n * DW_SECTOR_RAW_BYTES)) {
                rc = dw__set_error(r->err, DW_ETRUNC,
                                   "'%s' is shorter than the rip wrote it",
                                   r->image_path);
                break;
            }
            bool write_ok =
                fwrite(frames, DW_SECTOR_RAW_BYTES, (size_t)n, img.fp) == (size_t)n;
            for (int32_t i = 0; i < n && write_ok; i++) {
                const uint8_t *pw =
                    buf + (size_t)i * DW_RAW_SUB_SECTOR_BYTES + DW_SECTOR_RAW_BYTES;
                uint8_t channels[DW_SUBCHANNEL_BYTES];
                dw_subchannel_deinterleave(pw, channels);
                write_ok =
                    fwrite(channels, 1, sizeof(channels), sub.fp) == sizeof(channels);
                check_q(&s, pw, lba + i);
            }
            if (!write_ok) {
                rc = dw__outfile_check(&img, r->err);
                rc = rc ? rc : dw__outfile_check(&sub, r->err);
                rc = rc ? rc
                        : dw__set_error(r->err, DW_EIO, "cannot write '%s'", sub_path);
                break;
            }
            lba += n;
            s.done += n;
            rc = sub_progress(r, &s);
        }
    }
    if (rc)
        goto out;
    if ((rc = dw__rip_pending_add(r, &img)) ||
        (rc = dw__rip_pending_add(r, &sub)))
        goto out;
    if ((rc = dw__outfile_open(&ccd, ccd_path, r->err)))
        goto out;
    struct dw_ccd_write_opts co = {.img_first_lba = b->first_lba};
    if ((rc = dw_ccd_write(r->disc, &co, ccd.fp)) ||
        (rc = dw__outfile_check(&ccd, r->err)) ||
        (rc = dw__rip_pending_add(r, &ccd))) {
        if (r->err->code != rc)
            dw__set_error(r->err, rc, "cannot write '%s'", ccd_path);
        goto out;
    }
    if ((rc = dw__rip_report_set_output(r->rep, DW__RR_OUT_IMG, img_path)) ||
        (rc = dw__rip_report_set_output(r->rep, DW__RR_OUT_SUB, sub_path)) ||
        (rc = dw__rip_report_set_output(r->rep, DW__RR_OUT_CCD, ccd_path))) {
        rc = dw__set_error(r->err, rc, "out of memory");
        goto out;
    }

    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct dw__rr_subchannel *so = &r->rep->subchannel;
    so->present = true;
    so->source = is_image(r) ? dw_drive_q_source(r->drive)
                             : "raw P-W from the drive (READ CD sub-channel 001b)";
    so->sectors = s.sectors;
    so->unreadable = s.unreadable;
    memset(&s.unreadable, 0, sizeof(s.unreadable));
    so->bad_q_crc_frames = s.bad_crc;
    so->misplaced_q_frames = s.misplaced;
    so->mcn_frames = s.mcn_frames;
    so->isrc_frames = s.isrc_frames;
    so->seconds = seconds;
    dw__riplog_subchannel(r, base_name(sub_path));
    dw__rip_log(r, DW_LOG_INFO, "CloneCD set: %s, %s, %s", base_name(img_path),
                base_name(sub_path), base_name(ccd_path));
out:
    if (rc) {
        dw__outfile_abort(&img);
        dw__outfile_abort(&sub);
        dw__outfile_abort(&ccd);
    }
    if (bin)
        fclose(bin);
    free(buf);
    free(frames);
    dw__ranges_release(&s.unreadable);
    return rc;
}

/* ---- the hidden track before track 1 (HTOA) ------------------------------ */

/* RIFF/WAVE with a PCM "fmt " chunk (WAVE_FORMAT_PCM): CD-DA as the bin
 * holds it, 16-bit little-endian stereo at 44100 Hz. */
#define WAV_HEADER_BYTES 44
#define WAV_SAMPLE_RATE 44100u
#define WAV_CHANNELS 2u
#define WAV_BITS 16u

static void put_le16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, v & 0xffffu);
    put_le16(p + 2, v >> 16);
}

static void wav_header(uint8_t h[WAV_HEADER_BYTES], uint32_t data_bytes)
{
    uint32_t block_align = WAV_CHANNELS * WAV_BITS / 8;
    memcpy(h, "RIFF", 4);
    put_le32(h + 4, 36 + data_bytes); /* the rest of the file */
    memcpy(h + 8, "WAVEfmt ", 8);
    put_le32(h + 16, 16); /* the fmt chunk's size */
    put_le16(h + 20, 1);  /* WAVE_FORMAT_PCM */
    put_le16(h + 22, WAV_CHANNELS);
    put_le32(h + 24, WAV_SAMPLE_RATE);
    put_le32(h + 28, WAV_SAMPLE_RATE * block_align); /* bytes a second */
    put_le16(h + 32, block_align);
    put_le16(h + 34, WAV_BITS);
    memcpy(h + 36, "data", 4);
    put_le32(h + 40, data_bytes);
}

/* The hidden track: audio track 1 whose INDEX 01 lies after the bin's
 * first sector (LBA 0); the bin holds it from its start, as INDEX 00.
 * False when the disc has none. */
static bool htoa_range(const struct dw_disc *disc, const struct bin_layout *b,
                       int32_t *first_lba, int32_t *sectors)
{
    const struct dw_track *t1 = disc->track_count > 0 ? &disc->tracks[0] : NULL;
    if (!t1 || dw_track_is_data(t1) || t1->index_lba[1] <= b->first_lba)
        return false;
    *first_lba = b->first_lba;
    *sectors = t1->index_lba[1] - b->first_lba;
    return true;
}

/* Sectors of r->bad within [first, end). */
static int64_t bad_within(const struct dw__rip *r, int32_t first, int32_t end)
{
    int64_t n = 0;
    for (int i = 0; i < r->bad.count; i++) {
        int32_t a = r->bad.r[i].first_lba, z = r->bad.r[i].last_lba + 1;
        a = a < first ? first : a;
        z = z > end ? end : z;
        n += z > a ? z - a : 0;
    }
    return n;
}

/* Describe the hidden track in the log and the report's "htoa" (null when
 * there is none), reading its sectors back from the finished bin to tell
 * whether they are all digital silence; with DW_RIP_HTOA_FILE also write
 * them as NAME-htoa.wav.  The bin starts with them. */
static int write_htoa(struct dw__rip *r, const struct bin_layout *b)
{
    bool want_file = r->opts->flags & DW_RIP_HTOA_FILE;
    int32_t first = 0, sectors = 0;
    enum { CHUNK_SECTORS = 64 };
    uint8_t *buf = NULL;
    char path[4096] = "";
    struct dw__outfile wav = {0};
    FILE *bin = NULL;
    bool silent = true;
    int rc = 0;

    struct dw__rr_htoa *h = &r->rep->htoa;
    h->present = true;
    h->file_wanted = want_file;
    if (!htoa_range(r->disc, b, &first, &sectors)) {
        dw__riplog_htoa(r);
        return 0;
    }
    /* A CD holds at most 449850 sectors: the data size fits the header. */
    uint32_t data_bytes = (uint32_t)sectors * DW_SECTOR_RAW_BYTES;
    buf = malloc((size_t)CHUNK_SECTORS * DW_SECTOR_RAW_BYTES);
    if (!buf) {
        rc = dw__set_error(r->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    bin = fopen(dw__rip_image_now(r), "rb");
    if (!bin) {
        rc =
            dw__set_error(r->err, dw_error_from_errno(errno), "cannot read '%s' back: %s",
                          r->image_path, strerror(errno));
        goto out;
    }
    if (want_file) {
        uint8_t header[WAV_HEADER_BYTES];
        wav_header(header, data_bytes);
        if ((rc = out_path(r, path, sizeof(path), "-htoa.wav")) ||
            (rc = dw__outfile_open(&wav, path, r->err)))
            goto out;
        if (fwrite(header, 1, sizeof(header), wav.fp) != sizeof(header))
            goto write_error;
    }
    for (int32_t done = 0; done < sectors;) {
        int32_t n = sectors - done < CHUNK_SECTORS ? sectors - done : CHUNK_SECTORS;
        size_t bytes = (size_t)n * DW_SECTOR_RAW_BYTES;
        if (read_exact(bin, buf, bytes)) {
            rc = dw__set_error(r->err, DW_ETRUNC, "'%s' is shorter than the rip wrote it",
                               r->image_path);
            goto out;
        }
        for (size_t i = 0; i < bytes && silent; i++)
            silent = buf[i] == 0;
        if (want_file && fwrite(buf, 1, bytes, wav.fp) != bytes)
            goto write_error;
        done += n;
    }
    if (want_file) {
        if ((rc = dw__outfile_check(&wav, r->err)) ||
            (rc = dw__rip_pending_add(r, &wav)))
            goto out;
        if ((rc = dw__rip_report_set_output(r->rep, DW__RR_OUT_HTOA, path))) {
            rc = dw__set_error(r->err, rc, "out of memory");
            goto out;
        }
    }

    h->exists = true;
    h->first_lba = first;
    h->sectors = sectors;
    snprintf(h->length, sizeof(h->length), "%d:%02d.%02d", sectors / (60 * 75),
             sectors / 75 % 60, sectors % 75);
    h->silent = silent;
    h->sectors_bad = bad_within(r, first, first + sectors);
    dw__riplog_htoa(r);
    goto out;
write_error:
    rc = dw__outfile_check(&wav, r->err);
    rc = rc ? rc : dw__set_error(r->err, DW_EIO, "cannot write '%s'", path);
out:
    if (rc)
        dw__outfile_abort(&wav);
    if (bin)
        fclose(bin);
    free(buf);
    return rc;
}

int dw__rip_extras_write(struct dw__rip *r)
{
    struct bin_layout b;
    int rc;

    if (r->opts->format == DW_RIP_ISO)
        return 0;
    bin_layout(r->disc, &b);
    if ((rc = write_cdt(r)) || (rc = write_htoa(r, &b)))
        return rc;
    if ((r->opts->flags & DW_RIP_TOC) && (rc = write_toc(r, &b)))
        return rc;
    if (r->opts->flags & DW_RIP_SUBCHANNEL)
        rc = write_clonecd(r, &b);
    return rc;
}

int dw__rip_sign_log(struct dw__rip *r)
{
    char hex[65];
    struct dw_error_detail e;
    if (!r->log.fp)
        return 0;
    int rc = dw__log_sign(r->log.fp, r->log.part_path, hex, &e);
    if (rc) {
        if (r->err && !r->err->code)
            *r->err = e;
        return rc;
    }
    snprintf(r->rep->log_sha256, sizeof(r->rep->log_sha256), "%s", hex);
    return 0;
}
