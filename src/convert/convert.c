/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dw_convert: read a drive (a disc or any image) in LBA order as raw 2352
 * bytes plus P-W (MMC-6 6.19 READ CD, dw_drive_read_raw_sub), hand the
 * sectors to the sink of the asked format (sink.h), checksum source and
 * output, read the output back as a drive and compare, and write the
 * report ("discwright-convert-report", docs/report-schema.json). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "convert/convert_int.h"
#include "discwright/checksum.h"
#include "discwright/convert.h"
#include "discwright/qscan.h"
#include "discwright/sector.h"
#include "drive/drive_int.h"
#include "errors_int.h"
#include "checksum/hashset.h"
#include "image/image.h"
#include "report/outfile.h"
#include "report/report_int.h"

#define CONVERT_SCHEMA "discwright-convert-report"
#define CONVERT_SCHEMA_VERSION 1
#define CHUNK_SECTORS_MAX 256

struct convert_track {
    int number;
    int32_t first_lba, sectors;        /* what was read of it */
    struct dw_digests source, dest;
    bool have_dest;
};

struct dw_convert_report {
    char *json;
    int exit_status;
    char *output, *format, *command_line;
    char finished[32];
    char error[512];
    bool have_source;
    struct dw_drive_info source;
    struct dw_medium_info medium;
    struct dw_disc *disc;              /* what was converted (owned) */
    bool sub_stored;
    char layout[32];                   /* where the layout came from */
    struct convert_track tracks[DW_MAX_TRACKS];
    int track_count;
    struct dw_digests source_all, dest_all;
    bool have_source_all, have_dest_all;
    char **files;
    int file_count;
    int64_t sectors;
    bool verified, user_compare;
    int64_t verify_sectors, miscompare, q_miscompare;
    struct dw__lba_ranges bad;         /* source LBAs that differ */
};

/* The job's state. */
struct job {
    struct dw_drive *drive;
    const struct dw_convert_opts *opts;
    const struct dw_callbacks *cb;
    struct dw_error_detail *err;
    struct dw_convert_report *rep;
    const struct dw__sink_entry *entry;
    const struct dw_disc *disc;        /* rep->disc */
    int32_t first_lba;                 /* first LBA read */
    int64_t total_sectors;
    bool is_cd;
};

static int progress(struct job *j, const char *phase, int track, int64_t done, int64_t errors)
{
    if (!j->cb || !j->cb->progress)
        return 0;
    struct dw_progress p = {.phase = phase, .track = track, .done_sectors = done,
                            .total_sectors = j->total_sectors, .errors = errors,
                            .sector_bytes = DW_SECTOR_RAW_BYTES, .buffer_fill_percent = -1};
    if (j->cb->progress(&p, j->cb->user))
        return dw__set_error(j->err, DW_EABORTED, "the conversion was stopped: nothing written");
    return 0;
}

static void log_line(struct job *j, enum dw_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void log_line(struct job *j, enum dw_log_level level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    if (!j->cb || !j->cb->log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    j->cb->log(level, line, j->cb->user);
}

/* ---- the report -------------------------------------------------------- */

static json_object *json_digests_opt(const struct dw_digests *d, bool have)
{
    return have ? dw__json_digests(d) : NULL;
}

static void report_json(struct dw_convert_report *rep)
{
    json_object *o = json_object_new_object();
    if (!o)
        return;
    dw__json_report_head(o, CONVERT_SCHEMA, CONVERT_SCHEMA_VERSION, "convert");
    if (rep->command_line)
        json_object_object_add(o, "command_line", json_object_new_string(rep->command_line));
    json_object_object_add(o, "finished", json_object_new_string(rep->finished));
    if (rep->have_source)
        json_object_object_add(o, "source", dw__json_drive(&rep->source, &rep->medium));
    if (rep->format)
        json_object_object_add(o, "format", json_object_new_string(rep->format));
    if (rep->output)
        json_object_object_add(o, "output", json_object_new_string(rep->output));
    json_object *files = json_object_new_array();
    for (int i = 0; i < rep->file_count; i++)
        json_object_array_add(files, json_object_new_string(rep->files[i]));
    json_object_object_add(o, "files", files);
    if (rep->disc) {
        json_object_object_add(o, "disc", dw__json_disc(rep->disc));
        json_object_object_add(o, "layout", json_object_new_string(rep->layout));
        json_object_object_add(o, "subchannel",
                               json_object_new_string(rep->sub_stored ? "copied from the source"
                                                                      : "synthesized from the "
                                                                        "layout"));
    }
    json_object_object_add(o, "sectors", json_object_new_int64(rep->sectors));
    json_object *tracks = json_object_new_array();
    for (int i = 0; i < rep->track_count; i++) {
        const struct convert_track *t = &rep->tracks[i];
        json_object *x = json_object_new_object();
        json_object_object_add(x, "number", json_object_new_int(t->number));
        json_object_object_add(x, "first_lba", json_object_new_int(t->first_lba));
        json_object_object_add(x, "sectors", json_object_new_int(t->sectors));
        json_object_object_add(x, "source", dw__json_digests(&t->source));
        if (t->have_dest)
            json_object_object_add(x, "destination", dw__json_digests(&t->dest));
        json_object_array_add(tracks, x);
    }
    json_object_object_add(o, "tracks", tracks);
    if (rep->have_source_all)
        json_object_object_add(o, "source_digests", json_digests_opt(&rep->source_all, true));
    if (rep->have_dest_all)
        json_object_object_add(o, "destination_digests",
                               json_digests_opt(&rep->dest_all, true));
    json_object *v = json_object_new_object();
    json_object_object_add(v, "done", json_object_new_boolean(rep->verified));
    if (rep->verified) {
        json_object_object_add(v, "compare", json_object_new_string(rep->user_compare
                                                                        ? "user 2048"
                                                                        : "raw 2352"));
        json_object_object_add(v, "sectors", json_object_new_int64(rep->verify_sectors));
        json_object_object_add(v, "miscompare", json_object_new_int64(rep->miscompare));
        json_object_object_add(v, "q_miscompare", json_object_new_int64(rep->q_miscompare));
        json_object_object_add(v, "ranges", dw__json_ranges(&rep->bad, NULL));
    }
    json_object_object_add(o, "verify", v);
    const char *verdict = rep->exit_status == 1   ? "failed"
                          : rep->exit_status == 4 ? "mismatch"
                          : rep->verified         ? "verified"
                                                  : "not verified";
    json_object_object_add(o, "verdict", json_object_new_string(verdict));
    json_object_object_add(o, "exit_status", json_object_new_int(rep->exit_status));
    if (rep->error[0])
        json_object_object_add(o, "error", json_object_new_string(rep->error));
    free(rep->json);
    rep->json = dw__json_text(o);
}

static int add_file(const char *path, void *user)
{
    struct dw_convert_report *rep = user;
    char **f = realloc(rep->files, (size_t)(rep->file_count + 1) * sizeof(*f));
    if (!f)
        return DW_ENOMEM;
    rep->files = f;
    if (!(f[rep->file_count] = strdup(path)))
        return DW_ENOMEM;
    rep->file_count++;
    return 0;
}

/* ---- checks before anything is written --------------------------------- */

struct out_check {
    struct job *j;
    bool overwrite;
};

static int check_output(const char *path, void *user)
{
    struct out_check *c = user;
    struct stat out_st, in_st;
    if (stat(path, &out_st) != 0)
        return 0;
    const char *in;
    for (int i = 0; (in = dw_drive_file(c->j->drive, i)); i++)
        if (stat(in, &in_st) == 0 && in_st.st_dev == out_st.st_dev &&
            in_st.st_ino == out_st.st_ino)
            return dw__set_error(c->j->err, DW_EEXIST,
                                 "the conversion would write '%s', which is its own input "
                                 "'%s': choose another output name (-o)",
                                 path, in);
    if (!c->overwrite)
        return dw__set_error(c->j->err, DW_EEXIST,
                             "'%s' exists: add --overwrite to replace it, or choose another "
                             "output name (-o)",
                             path);
    return 0;
}

/* The disc to convert: the drive's, or its track opts->track alone. */
static int pick_disc(struct job *j)
{
    const struct dw_disc *src = dw_drive_disc(j->drive);
    if (!src) {
        const struct dw_error_detail *e = dw_drive_last_error(j->drive);
        int code = e->code ? e->code : DW_EMEDIUM;
        return dw__set_error(j->err, code, "%s", e->message[0] ? e->message
                                                                : "the medium has no readable TOC");
    }
    struct dw_disc *d = dw_disc_clone(src);
    if (!d)
        return dw__set_error(j->err, DW_ENOMEM, "out of memory");
    j->rep->disc = d;
    j->disc = d;
    if (d->track_count <= 0)
        return dw__set_error(j->err, DW_EMEDIUM, "the medium has no tracks: nothing to convert");
    if (j->rep->source.kind == DW_DRIVE_MMC && j->is_cd) {
        /* A disc's TOC has no pregaps, indexes or ISRCs: the Q sub-channel
         * does (MMC-6 READ CD sub-channel; IEC 60908 17.5), as for a rip. */
        struct dw_qscan_result res;
        int rc = dw_disc_qscan(j->drive, d, NULL, j->cb, &res);
        if (rc == DW_EABORTED || rc == DW_ENOMEDIUM || rc == DW_ENOMEM) {
            *j->err = *dw_drive_last_error(j->drive);
            return dw__set_error(j->err, rc, "%s", rc == DW_EABORTED
                                                       ? "stopped during the Q sub-channel scan"
                                                       : j->err->message);
        }
        if (rc)
            log_line(j, DW_LOG_WARN, "the Q sub-channel scan failed (%s): the layout is the TOC's",
                     dw_drive_last_error(j->drive)->message);
        snprintf(j->rep->layout, sizeof(j->rep->layout), "%s",
                 rc ? "TOC" : "TOC and Q sub-channel scan");
    } else {
        snprintf(j->rep->layout, sizeof(j->rep->layout), "%s",
                 j->rep->source.kind == DW_DRIVE_MMC ? "TOC" : "image");
    }
    if (j->opts->track) {
        const struct dw_track *t = dw_disc_track(src, j->opts->track);
        if (!t)
            return dw__set_error(j->err, DW_EINVAL,
                                 "--track %d: the disc has tracks %d to %d", j->opts->track,
                                 src->tracks[0].number,
                                 src->tracks[src->track_count - 1].number);
        d->tracks[0] = *t;
        d->tracks[0].session = 1;
        d->track_count = 1;
        d->session_count = 1;
        d->sessions[0] = (struct dw_session){.number = 1, .first_track = t->number,
                                             .last_track = t->number,
                                             .leadout_lba = t->end_lba};
        d->leadout_lba = t->end_lba;
    }
    int32_t first = dw_track_first_lba(&d->tracks[0]);
    j->first_lba = first < 0 ? 0 : first;
    return 0;
}

/* ---- reading and writing ----------------------------------------------- */

/* Sectors [lba, lba + n) as raw 2352 + P-W 96 at a 2448-byte stride into
 * buf.  A medium that is no CD (an ISO image, a DVD or BD) has no raw
 * sectors: its 2048-byte user data becomes Mode 1 sectors (ECMA-130 cl.
 * 14.3, EDC and ECC included) with zero P-W. */
static int read_chunk(struct job *j, struct dw_drive *drive, bool is_cd, int32_t lba,
                      int32_t n, uint8_t *buf, uint8_t *user_buf)
{
    int rc;
    if (is_cd) {
        rc = dw_drive_read_raw_sub(drive, lba, n, buf);
    } else {
        rc = dw_drive_read_user(drive, lba, n, user_buf);
        for (int32_t k = 0; !rc && k < n; k++) {
            uint8_t *s = buf + (size_t)k * DW_RAW_SUB_SECTOR_BYTES;
            dw_sector_encode_mode1(s, lba + k, user_buf + (size_t)k * DW_SECTOR_USER_BYTES);
            memset(s + DW_SECTOR_RAW_BYTES, 0, DW_SUBCHANNEL_BYTES);
        }
    }
    if (rc) {
        const struct dw_error_detail *e = dw_drive_last_error(drive);
        if (j->err) {
            *j->err = *e;
            j->err->code = rc;
        }
        if (!e->message[0])
            dw__set_error(j->err, rc, "cannot read sectors %ld-%ld of '%s'", (long)lba,
                          (long)(lba + n - 1), dw_drive_file(drive, 0) ? dw_drive_file(drive, 0)
                                                                        : "the drive");
    }
    return rc;
}

/* Split buf's 2448-byte sectors into raw (2352 each) and sub (96 each). */
static void unstride(const uint8_t *buf, int32_t n, uint8_t *raw, uint8_t *sub)
{
    for (int32_t k = 0; k < n; k++) {
        memcpy(raw + (size_t)k * DW_SECTOR_RAW_BYTES, buf + (size_t)k * DW_RAW_SUB_SECTOR_BYTES,
               DW_SECTOR_RAW_BYTES);
        memcpy(sub + (size_t)k * DW_SUBCHANNEL_BYTES,
               buf + (size_t)k * DW_RAW_SUB_SECTOR_BYTES + DW_SECTOR_RAW_BYTES,
               DW_SUBCHANNEL_BYTES);
    }
}

static int32_t track_read_first(const struct job *j, const struct dw_track *t)
{
    int32_t f = dw_track_first_lba(t);
    return f < j->first_lba ? j->first_lba : f;
}

static int stream(struct job *j, struct dw__sink *sink, int32_t chunk)
{
    const struct dw_disc *d = j->disc;
    uint8_t *buf = malloc((size_t)chunk * DW_RAW_SUB_SECTOR_BYTES);
    uint8_t *raw = malloc((size_t)chunk * DW_SECTOR_RAW_BYTES);
    uint8_t *sub = malloc((size_t)chunk * DW_SUBCHANNEL_BYTES);
    uint8_t *user = malloc((size_t)chunk * DW_SECTOR_USER_BYTES);
    struct dw__hashset *hs =
        dw__hashset_new(DW_HASH_ALL, DW_HASH_CRC32 | DW_HASH_MD5 | DW_HASH_SHA1);
    int rc = 0;
    int64_t done = 0;
    if (!buf || !raw || !sub || !user || !hs) {
        rc = dw__set_error(j->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < d->track_count && !rc; i++) {
        const struct dw_track *t = &d->tracks[i];
        struct convert_track *ct = &j->rep->tracks[i];
        int32_t first = track_read_first(j, t);
        ct->number = t->number;
        ct->first_lba = first;
        ct->sectors = t->end_lba - first;
        for (int32_t lba = first; lba < t->end_lba && !rc;) {
            int32_t n = t->end_lba - lba < chunk ? t->end_lba - lba : chunk;
            if ((rc = read_chunk(j, j->drive, j->is_cd, lba, n, buf, user)))
                break;
            unstride(buf, n, raw, sub);
            dw__hashset_update(hs, raw, (size_t)n * DW_SECTOR_RAW_BYTES);
            if ((rc = j->entry->ops->put(sink, lba, raw, sub, n, j->err))) {
                if (j->err && !j->err->message[0])
                    dw__set_error(j->err, rc, "cannot write the %s output: %s",
                                  j->entry->ops->name, dw_strerror(rc));
                break;
            }
            lba += n;
            done += n;
            j->rep->sectors = done;
            rc = progress(j, "convert", t->number, done, 0);
        }
        if (rc)
            break;
        dw__hashset_track_end(hs, &ct->source);
        j->rep->track_count = i + 1;
    }
    if (!rc) {
        dw__hashset_final(hs, &j->rep->source_all);
        j->rep->have_source_all = true;
    }
out:
    dw__hashset_free(hs);
    free(buf);
    free(raw);
    free(sub);
    free(user);
    return rc;
}

/* ---- verify ------------------------------------------------------------ */

static void note_mismatch(struct job *j, int32_t lba)
{
    j->rep->miscompare++;
    dw__ranges_add(&j->rep->bad, lba, 0);
}

/* Compare the output drive `out` with the source, track by track: raw
 * sectors at the same distance from each track's INDEX 01 (the user data
 * of the ISO's one track from its LBA 0), and Q where both carry their own
 * sub-channel. */
static int verify_output(struct job *j, struct dw_drive *out, FILE *subfp, int32_t chunk)
{
    const struct dw_disc *d = j->disc, *od = dw_drive_disc(out);
    struct dw_convert_report *rep = j->rep;
    struct dw_medium_info om = {0};
    bool iso = !strcmp(j->entry->ops->name, "iso");
    bool q = subfp || (rep->sub_stored && dw__drive_sub_stored(out));
    uint8_t *a = malloc((size_t)chunk * DW_RAW_SUB_SECTOR_BYTES);
    uint8_t *b = malloc((size_t)chunk * DW_RAW_SUB_SECTOR_BYTES);
    uint8_t *ua = malloc((size_t)chunk * DW_SECTOR_USER_BYTES);
    uint8_t *ub = malloc((size_t)chunk * DW_SECTOR_USER_BYTES);
    struct dw__hashset *hs =
        dw__hashset_new(DW_HASH_ALL, DW_HASH_CRC32 | DW_HASH_MD5 | DW_HASH_SHA1);
    int rc = 0;
    int64_t done = 0;
    if (!a || !b || !ua || !ub || !hs) {
        rc = dw__set_error(j->err, DW_ENOMEM, "out of memory");
        goto out;
    }
    if (!od) {
        rc = dw__set_error(j->err, DW_EMISMATCH, "the output '%s' has no readable layout",
                           rep->output);
        goto out;
    }
    dw_drive_medium(out, &om);
    rep->verified = true;
    rep->user_compare = iso;
    if (iso ? od->track_count != 1 : od->track_count != d->track_count) {
        log_line(j, DW_LOG_ERROR, "the output has %d tracks, the source %d", od->track_count,
                 iso ? 1 : d->track_count);
        note_mismatch(j, d->tracks[0].index_lba[1]);
    }
    for (int i = 0; i < d->track_count && !rc; i++) {
        const struct dw_track *t = &d->tracks[i];
        const struct dw_track *ot = iso ? &od->tracks[0] : dw_disc_track(od, t->number);
        int32_t first = iso ? t->index_lba[1] : track_read_first(j, t);
        if (!ot || (iso && !dw_track_is_data(t)))
            continue;
        int32_t delta = ot->index_lba[1] - (iso ? first : t->index_lba[1]);
        int32_t out_first = first + delta;
        if (ot->end_lba - ot->index_lba[1] != t->end_lba - t->index_lba[1] ||
            (!iso && dw_track_first_lba(ot) > out_first)) {
            log_line(j, DW_LOG_ERROR,
                     "track %d is %ld sectors long in the output and %ld in the source",
                     t->number, (long)(ot->end_lba - ot->index_lba[1]),
                     (long)(t->end_lba - t->index_lba[1]));
            note_mismatch(j, first);
            continue;
        }
        for (int32_t lba = first; lba < t->end_lba && !rc;) {
            int32_t n = t->end_lba - lba < chunk ? t->end_lba - lba : chunk;
            if ((rc = read_chunk(j, j->drive, j->is_cd, lba, n, a, ua)) ||
                (rc = read_chunk(j, out, om.is_cd, lba + delta, n, b, ub)))
                break;
            for (int32_t k = 0; k < n; k++) {
                const uint8_t *sa = a + (size_t)k * DW_RAW_SUB_SECTOR_BYTES;
                uint8_t *sb = b + (size_t)k * DW_RAW_SUB_SECTOR_BYTES;
                if (subfp) { /* the P-W as the .sub file holds it */
                    uint8_t packed[DW_SUBCHANNEL_BYTES];
                    if (fread(packed, 1, sizeof(packed), subfp) != sizeof(packed))
                        memset(packed, 0, sizeof(packed));
                    dw_subchannel_interleave(packed, sb + DW_SECTOR_RAW_BYTES);
                }
                bool same;
                if (iso) {
                    const uint8_t *x = sa + (sa[15] == 2 ? DW_OFF_MODE2_DATA : DW_OFF_MODE1_DATA);
                    const uint8_t *y = sb + (sb[15] == 2 ? DW_OFF_MODE2_DATA : DW_OFF_MODE1_DATA);
                    same = !memcmp(x, y, DW_SECTOR_USER_BYTES);
                    dw__hashset_update(hs, y, DW_SECTOR_USER_BYTES);
                } else {
                    same = !memcmp(sa, sb, DW_SECTOR_RAW_BYTES);
                    dw__hashset_update(hs, sb, DW_SECTOR_RAW_BYTES);
                }
                if (q) {
                    uint8_t qa[DW_Q_BYTES], qb[DW_Q_BYTES];
                    dw_subchannel_q(sa + DW_SECTOR_RAW_BYTES, qa);
                    dw_subchannel_q(sb + DW_SECTOR_RAW_BYTES, qb);
                    if (memcmp(qa, qb, sizeof(qa)) ||
                        (subfp && memcmp(sa + DW_SECTOR_RAW_BYTES, sb + DW_SECTOR_RAW_BYTES,
                                         DW_SUBCHANNEL_BYTES))) {
                        rep->q_miscompare++;
                        same = false;
                    }
                }
                if (!same) {
                    rep->miscompare++;
                    dw__ranges_add(&rep->bad, lba + k, 0);
                }
            }
            rep->verify_sectors += n;
            lba += n;
            done += n;
            rc = progress(j, "verify", t->number, done, rep->miscompare);
        }
        if (rc)
            break;
        dw__hashset_track_end(hs, &rep->tracks[i].dest);
        rep->tracks[i].have_dest = true;
    }
    if (!rc) {
        dw__hashset_final(hs, &rep->dest_all);
        rep->have_dest_all = true;
    }
out:
    dw__hashset_free(hs);
    free(a);
    free(b);
    free(ua);
    free(ub);
    return rc;
}

/* ---- the job ----------------------------------------------------------- */

/* The report's path into path[4200]: opts->report_path or NAME.json. */
static int report_path(struct job *j, char *path)
{
    if (j->opts->report_path) {
        snprintf(path, 4200, "%s", j->opts->report_path);
        return 0;
    }
    char *base = dw__sink_base(j->rep->output);
    if (!base)
        return dw__set_error(j->err, DW_ENOMEM, "out of memory");
    snprintf(path, 4200, "%s.json", base);
    free(base);
    return 0;
}

static int write_report_file(struct job *j)
{
    struct dw__outfile of;
    char path[4200];
    int rc;
    if ((rc = report_path(j, path)))
        return rc;
    report_json(j->rep);
    if (!j->rep->json)
        return dw__set_error(j->err, DW_ENOMEM, "out of memory");
    if ((rc = dw__outfile_open(&of, path, j->err)))
        return rc;
    fputs(j->rep->json, of.fp);
    fputc('\n', of.fp);
    if ((rc = dw__outfile_check(&of, j->err)) || (rc = dw__outfile_commit(&of, j->err))) {
        dw__outfile_abort(&of);
        return rc;
    }
    return 0;
}

static int run(struct job *j)
{
    const struct dw_convert_opts *o = j->opts;
    struct dw_convert_report *rep = j->rep;
    struct dw__sink *sink = NULL;
    int rc;
    char names[128];

    dw__sink_names(names, sizeof(names));
    if (o->format) {
        j->entry = dw__sink_by_name(o->format);
        if (!j->entry)
            return dw__set_error(j->err, DW_EINVAL, "unknown format '%s': choose one of %s",
                                 o->format, names);
    } else {
        j->entry = dw__sink_by_extension(o->output);
        if (!j->entry)
            return dw__set_error(j->err, DW_EINVAL,
                                 "cannot tell the format from the name '%s': give --format, "
                                 "one of %s (or end the name in .cue, .iso, .ccd, .toc, .chd, "
                                 ".cso)",
                                 o->output, names);
    }
    if (!j->entry->ops)
        return dw__set_error(j->err, DW_EUNSUPPORTED,
                             "this build of discwright cannot write the format of '%s' yet; "
                             "it writes %s",
                             o->output, names);
    if (!(rep->format = strdup(j->entry->ops->name)) ||
        !(rep->output = dw__sink_main_path(j->entry, o->output)))
        return dw__set_error(j->err, DW_ENOMEM, "out of memory");

    if ((rc = dw_drive_info(j->drive, &rep->source)) ||
        (rc = dw_drive_medium(j->drive, &rep->medium)))
        return dw__set_error(j->err, rc, "%s", dw_drive_last_error(j->drive)->message[0]
                                                   ? dw_drive_last_error(j->drive)->message
                                                   : dw_strerror(rc));
    rep->have_source = true;
    j->is_cd = rep->medium.is_cd;
    if ((rc = pick_disc(j)))
        return rc;
    rep->sub_stored = j->is_cd && dw__drive_sub_stored(j->drive);
    /* The raw CD formats take a DVD or BD only as far as a CD goes: an ISO
     * image that fits on a CD becomes a Mode 1 track (as `rip` does). */
    if (!j->is_cd &&
        (j->entry->ops == &dw__sink_bincue || j->entry->ops == &dw__sink_split ||
         j->entry->ops == &dw__sink_ccd || j->entry->ops == &dw__sink_toc) &&
        (rep->source.kind == DW_DRIVE_MMC || j->disc->leadout_lba > DW__CD_MAX_LEADOUT_LBA))
        return dw__set_error(j->err, DW_EUNSUPPORTED,
                             "'%s' is no CD (%s, %ld sectors): a %s image holds the raw "
                             "sectors of a CD; convert it to iso (or cso)",
                             rep->source.address, rep->medium.profile_name,
                             (long)j->disc->leadout_lba, rep->format);

    struct out_check oc = {.j = j, .overwrite = (o->flags & DW_CONVERT_OVERWRITE) != 0};
    if ((rc = dw__sink_each_output(j->entry, rep->output, j->disc, check_output, &oc)))
        return rc;
    if (!(o->flags & DW_CONVERT_NO_REPORT_FILE)) {
        char path[4200];
        if ((rc = report_path(j, path)) || (rc = check_output(path, &oc)))
            return rc;
    }
    for (int i = 0; i < j->disc->track_count; i++) {
        const struct dw_track *t = &j->disc->tracks[i];
        j->total_sectors += t->end_lba - track_read_first(j, t);
    }

    int32_t chunk = dw_drive_max_transfer_sectors(j->drive);
    if (chunk <= 0 || chunk > CHUNK_SECTORS_MAX)
        chunk = CHUNK_SECTORS_MAX;
    struct dw__sink_opts so = {.codec = o->codec, .level = o->level, .have_sub = rep->sub_stored,
                               .threads = o->threads};
    if ((rc = j->entry->ops->open(&sink, rep->output, j->disc, &so, j->err)))
        return rc;
    log_line(j, DW_LOG_INFO, "converting %lld sectors to %s (%s), sub-channel %s",
             (long long)j->total_sectors, rep->output, rep->format,
             rep->sub_stored ? "copied from the source" : "synthesized from the layout");
    rc = stream(j, sink, chunk);
    if (rc) {
        j->entry->ops->abort(sink);
        return rc;
    }
    if ((rc = j->entry->ops->commit(sink, j->err)))
        return rc;
    if ((rc = dw__sink_each_output(j->entry, rep->output, j->disc, add_file, rep)))
        return dw__set_error(j->err, rc, "out of memory");

    if (o->flags & DW_CONVERT_NO_VERIFY)
        return 0;
    struct dw_drive *out = NULL;
    struct dw_error_detail oerr = {0};
    unsigned of = !strcmp(rep->format, "iso") ? DW_DRIVE_OPEN_RAW_ISO : 0u;
    rc = dw_drive_open(rep->output, of, &out, &oerr);
    if (rc) {
        /* every output format has its reader: one that does not open is
         * not a good output */
        dw_drive_free(out);
        return dw__set_error(j->err, DW_EMISMATCH, "the output does not open again: %s",
                             oerr.message);
    }
    rc = verify_output(j, out, NULL, chunk);
    dw_drive_free(out);
    if (!rc && rep->miscompare) {
        rc = dw__set_error(j->err, DW_EMISMATCH,
                           "'%s' differs from the source in %lld sectors (first: LBA %ld); "
                           "the files stay for inspection",
                           rep->output, (long long)rep->miscompare,
                           (long)rep->bad.r[0].first_lba);
    }
    return rc;
}

int dw_convert(struct dw_drive *drive, const struct dw_convert_opts *opts,
               const struct dw_callbacks *cb, struct dw_convert_report **report,
               struct dw_error_detail *err)
{
    struct dw_error_detail local;
    struct dw_convert_report *rep = NULL;
    int rc;
    if (!err)
        err = &local;
    memset(err, 0, sizeof(*err));
    if (report)
        *report = NULL;
    if (!drive || !opts || !opts->output || !opts->output[0] ||
        (opts->flags & ~(DW_CONVERT_NO_VERIFY | DW_CONVERT_OVERWRITE |
                         DW_CONVERT_NO_REPORT_FILE)) ||
        opts->track < 0 || opts->track > DW_MAX_TRACKS)
        return dw__set_error(err, DW_EINVAL, "dw_convert: bad arguments");
    rep = calloc(1, sizeof(*rep));
    if (!rep)
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    if (opts->command_line && !(rep->command_line = strdup(opts->command_line))) {
        free(rep);
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    }
    struct job j = {.drive = drive, .opts = opts, .cb = cb, .err = err, .rep = rep};
    rc = run(&j);
    dw__utc_now(rep->finished);
    rep->exit_status = rc == 0 ? 0 : rc == DW_EMISMATCH && rep->verified ? 4 : 1;
    if (rc)
        snprintf(rep->error, sizeof(rep->error), "%s", err->message[0] ? err->message
                                                                        : dw_strerror(rc));
    /* The report file belongs to a written output only. */
    if (rep->file_count && !(opts->flags & DW_CONVERT_NO_REPORT_FILE)) {
        int wrc = write_report_file(&j);
        if (wrc && !rc)
            rc = wrc;
    }
    report_json(rep);
    if (report)
        *report = rep;
    else
        dw_convert_report_free(rep);
    return rc;
}

int dw_convert_format(int index, const char **name, const char **summary)
{
    int k = 0;
    for (int i = 0; dw__sink_entry_at(i); i++) {
        const struct dw__sink_entry *e = dw__sink_entry_at(i);
        if (!e->ops)
            continue;
        if (k++ == index) {
            if (name)
                *name = e->ops->name;
            if (summary)
                *summary = e->ops->summary;
            return 0;
        }
    }
    return DW_ERANGE;
}

const char *dw_convert_report_json(const struct dw_convert_report *rep)
{
    return rep ? rep->json : NULL;
}

int dw_convert_report_exit_status(const struct dw_convert_report *rep)
{
    return rep ? rep->exit_status : 1;
}

int64_t dw_convert_report_count(const struct dw_convert_report *rep, enum dw_convert_count which)
{
    if (!rep)
        return 0;
    switch (which) {
    case DW_CONVERT_SECTORS:
        return rep->sectors;
    case DW_CONVERT_VERIFIED:
        return rep->verify_sectors;
    case DW_CONVERT_MISCOMPARE:
        return rep->miscompare;
    case DW_CONVERT_Q_MISCOMPARE:
        return rep->q_miscompare;
    }
    return 0;
}

const char *dw_convert_report_output(const struct dw_convert_report *rep)
{
    return rep ? rep->output : NULL;
}

const char *dw_convert_report_format(const struct dw_convert_report *rep)
{
    return rep ? rep->format : NULL;
}

int32_t dw_convert_report_first_mismatch_lba(const struct dw_convert_report *rep)
{
    return rep && rep->bad.count ? rep->bad.r[0].first_lba : DW_LBA_NONE;
}

void dw_convert_report_free(struct dw_convert_report *rep)
{
    if (!rep)
        return;
    free(rep->json);
    free(rep->output);
    free(rep->format);
    free(rep->command_line);
    dw_disc_free(rep->disc);
    for (int i = 0; i < rep->file_count; i++)
        free(rep->files[i]);
    free(rep->files);
    dw__ranges_release(&rep->bad);
    free(rep);
}
