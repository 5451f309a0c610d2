/* Verify: read > compare > classify > report. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "discwright/report.h"
#include "discwright/sector.h"
#include "discwright/verify.h"
#include "errors_int.h"
#include "report/report_int.h"
#include "util.h"

#define DEFAULT_RETRIES 2

enum dw_sector_class dw_verify_classify(int read_rc, const uint8_t *got, const uint8_t *want,
                                        size_t bytes, int32_t *first_diff_byte)
{
    if (first_diff_byte)
        *first_diff_byte = -1;
    if (read_rc != 0)
        return DW_CLASS_UNREADABLE;
    if (memcmp(got, want, bytes) == 0)
        return DW_CLASS_MATCH;
    for (size_t i = 0; i < bytes; i++) {
        if (got[i] != want[i]) {
            if (first_diff_byte)
                *first_diff_byte = (int32_t)i;
            break;
        }
    }
    return DW_CLASS_MISCOMPARE;
}

const char *dw_sector_class_name(enum dw_sector_class c)
{
    switch (c) {
    case DW_CLASS_MATCH:
        return "match";
    case DW_CLASS_MISCOMPARE:
        return "miscompare";
    case DW_CLASS_UNREADABLE:
        return "unreadable";
    case DW_CLASS_UNTESTED:
        return "untested";
    }
    return "?";
}

struct vjob {
    struct dw_verify_result *res;
    int cap;
};

static int add_class(struct vjob *j, int32_t lba, enum dw_sector_class cls, int32_t diff)
{
    struct dw_verify_result *res = j->res;
    switch (cls) {
    case DW_CLASS_MATCH:
        res->match++;
        return 0;
    case DW_CLASS_MISCOMPARE:
        res->miscompare++;
        break;
    case DW_CLASS_UNREADABLE:
        res->unreadable++;
        break;
    case DW_CLASS_UNTESTED:
        res->untested++;
        break;
    }
    if (res->range_count) {
        struct dw_verify_range *last = &res->ranges[res->range_count - 1];
        if (last->cls == cls && last->last_lba + 1 == lba) {
            last->last_lba = lba;
            return 0;
        }
    }
    if (res->range_count == j->cap) {
        int cap = j->cap ? j->cap * 2 : 16;
        struct dw_verify_range *r = realloc(res->ranges, (size_t)cap * sizeof(*r));
        if (!r)
            return DW_ENOMEM;
        res->ranges = r;
        j->cap = cap;
    }
    res->ranges[res->range_count++] =
        (struct dw_verify_range){.first_lba = lba, .last_lba = lba, .cls = cls,
                                 .first_diff_byte = diff};
    return 0;
}

static int read_source(struct dw_drive *src, bool raw, int32_t lba, int32_t n, uint8_t *buf)
{
    return raw ? dw_drive_read_raw(src, lba, n, buf) : dw_drive_read_user(src, lba, n, buf);
}

int dw_verify(struct dw_drive *source, struct dw_drive *image, const struct dw_verify_opts *opts,
              const struct dw_callbacks *cb, struct dw_verify_result *res,
              struct dw_error_detail *err)
{
    struct dw_error_detail local;
    struct dw_drive_info sinfo, iinfo;
    struct dw_medium_info smed;
    struct vjob job = {.res = res};
    uint8_t *got = NULL, *want = NULL;
    int rc = 0;
    if (!err)
        err = &local;
    memset(err, 0, sizeof(*err));
    memset(res, 0, sizeof(*res));
    struct dw_verify_opts defaults = {.source_lba = -1, .retries = -1};
    if (!opts)
        opts = &defaults;
    if (opts->flags)
        return dw__set_error(err, DW_EINVAL, "unknown verify flags");
    int retries = opts->retries < 0 ? DEFAULT_RETRIES : opts->retries;
    dw_drive_info(source, &sinfo);
    dw_drive_info(image, &iinfo);
    if ((rc = dw_drive_medium(source, &smed))) {
        *err = *dw_drive_last_error(source);
        if (!err->message[0])
            dw__set_error(err, rc, "cannot read the medium in '%s'", sinfo.address);
        return rc;
    }
    const struct dw_disc *idisc = dw_drive_disc(image);
    const struct dw_disc *sdisc = dw_drive_disc(source);
    if (!idisc || !sdisc) {
        *err = *dw_drive_last_error(idisc ? source : image);
        return err->code ? err->code : DW_EIO;
    }
    /* Raw 2352-byte comparison when both sides have raw sectors; else the
     * 2048-byte user data of the image's data tracks (a data BIN/CUE
     * against a DVD or a burned stdio: file works; audio cannot). */
    bool raw = strcmp(iinfo.backend, "iso") != 0 && smed.is_cd;
    if (!raw)
        for (int i = 0; i < idisc->track_count; i++)
            if (!dw_track_is_data(&idisc->tracks[i]))
                return dw__set_error(err, DW_EUNSUPPORTED,
                                     "'%s' has audio tracks but '%s' (%s) has no raw "
                                     "2352-byte sectors to compare them with",
                                     iinfo.address, sinfo.address, smed.profile_name);
    res->sector_bytes = raw ? DW_SECTOR_RAW_BYTES : DW_SECTOR_USER_BYTES;

    /* Where the image sits on the source. */
    int32_t start = opts->source_lba;
    if (start < 0) {
        start = 0;
        for (int i = 0; i < sdisc->track_count; i++) {
            const struct dw_track *t = &sdisc->tracks[i];
            if (raw || dw_track_is_data(t)) {
                start = raw ? dw_track_first_lba(t) : t->index_lba[1];
                break;
            }
        }
        if (start < 0)
            start = 0;
    }
    res->source_lba = start;
    /* The image's readable ranges: each track from its first LBA (pregap
     * included) to its end for raw images, leaving out the gaps between
     * sessions, which no drive can read; all of it for an ISO. */
    int32_t img_first = raw ? dw_track_first_lba(&idisc->tracks[0]) : idisc->tracks[0].index_lba[1];
    if (img_first < 0)
        img_first = 0;
    struct { int32_t first, end; } ranges[DW_MAX_TRACKS];
    int nranges = 0;
    for (int i = 0; i < idisc->track_count; i++) {
        const struct dw_track *t = &idisc->tracks[i];
        int32_t f = raw ? dw_track_first_lba(t) : t->index_lba[1], e = t->end_lba;
        if (f < img_first)
            f = img_first;
        if (nranges && ranges[nranges - 1].end == f)
            ranges[nranges - 1].end = e;
        else if (e > f) {
            ranges[nranges].first = f;
            ranges[nranges++].end = e;
        }
    }
    for (int i = 0; i < nranges; i++)
        res->sectors_total += ranges[i].end - ranges[i].first;
    int32_t img_end = idisc->leadout_lba;
    int64_t source_end = sdisc->leadout_lba;
    res->source_extra_sectors = source_end - start > img_end - img_first
                                    ? source_end - start - (img_end - img_first)
                                    : 0;

    int32_t transfer = dw_drive_max_transfer_sectors(source);
    int32_t it = dw_drive_max_transfer_sectors(image);
    transfer = it < transfer ? it : transfer;
    got = malloc((size_t)transfer * DW_SECTOR_RAW_BYTES);
    want = malloc((size_t)transfer * DW_SECTOR_RAW_BYTES);
    if (!got || !want) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    double last = 0;
    int64_t done = 0;
    bool stopped = false;
    size_t sb = (size_t)res->sector_bytes;
    for (int ri = 0; ri < nranges; ri++) {
        for (int32_t ilba = ranges[ri].first; ilba < ranges[ri].end;) {
            int32_t n = ranges[ri].end - ilba < transfer ? ranges[ri].end - ilba : transfer;
            int32_t slba = start + (ilba - img_first);
            if (stopped) {
                for (int32_t i = 0; i < n; i++)
                    if ((rc = add_class(&job, slba + i, DW_CLASS_UNTESTED, -1)))
                        goto out;
                ilba += n;
                continue;
            }
            /* Image side: sectors an image cannot serve are a broken image. */
            if ((rc = read_source(image, raw, ilba, n, want))) {
                *err = *dw_drive_last_error(image);
                goto out;
            }
            int src_rc = read_source(source, raw, slba, n, got);
            if (src_rc == DW_ENOMEDIUM) {
                *err = *dw_drive_last_error(source);
                rc = src_rc;
                goto out;
            }
            for (int32_t i = 0; i < n; i++) {
                int one_rc = src_rc;
                uint8_t *g = got + (size_t)i * sb, *w = want + (size_t)i * sb;
                for (int a = 0; one_rc && a < (retries ? retries : 1); a++)
                    one_rc = read_source(source, raw, slba + i, 1, g);
                int32_t diff;
                enum dw_sector_class cls = dw_verify_classify(one_rc, g, w, sb, &diff);
                if ((rc = add_class(&job, slba + i, cls, diff)))
                    goto out;
            }
            ilba += n;
            done += n;
            double t = dw__now_seconds();
            if (cb && cb->progress && (t - last > 0.2 || done >= res->sectors_total)) {
                last = t;
                struct dw_progress p = {.phase = "verify", .done_sectors = done,
                                        .total_sectors = res->sectors_total,
                                        .errors = res->miscompare + res->unreadable,
                                        .sector_bytes = (int)sb, .buffer_fill_percent = -1,
                                        .media_1x_bytes_per_s = smed.is_cd ? 0
                                                                : smed.profile >= 0x40 ? 4495500
                                                                : smed.profile ? 1385000 : 0};
                if (cb->progress(&p, cb->user))
                    stopped = true;
            }
        }
    }
    if (stopped) {
        rc = dw__set_error(err, DW_EABORTED, "verify stopped after %lld of %lld sectors",
                           (long long)done, (long long)res->sectors_total);
    }

out : {
    json_object *o = json_object_new_object();
    char now[32];
    dw__utc_now(now);
    json_object_object_add(o, "tool", json_object_new_string("discwright " DW_VERSION_STRING));
    json_object_object_add(o, "command", json_object_new_string("verify"));
    if (opts->command_line)
        json_object_object_add(o, "command_line", json_object_new_string(opts->command_line));
    json_object_object_add(o, "finished", json_object_new_string(now));
    json_object_object_add(o, "source", dw__json_drive(&sinfo, &smed));
    json_object_object_add(o, "image", json_object_new_string(iinfo.address));
    json_object_object_add(o, "compare", json_object_new_string(raw ? "raw 2352" : "user 2048"));
    json_object_object_add(o, "source_lba", json_object_new_int(res->source_lba));
    json_object_object_add(o, "sectors", json_object_new_int64(res->sectors_total));
    json_object_object_add(o, "match", json_object_new_int64(res->match));
    json_object_object_add(o, "miscompare", json_object_new_int64(res->miscompare));
    json_object_object_add(o, "unreadable", json_object_new_int64(res->unreadable));
    json_object_object_add(o, "untested", json_object_new_int64(res->untested));
    json_object_object_add(o, "source_extra_sectors",
                           json_object_new_int64(res->source_extra_sectors));
    json_object *jranges = json_object_new_array();
    for (int i = 0; i < res->range_count; i++) {
        struct dw_verify_range *r = &res->ranges[i];
        json_object *x = json_object_new_object();
        json_object_object_add(x, "class", json_object_new_string(dw_sector_class_name(r->cls)));
        json_object_object_add(x, "first_lba", json_object_new_int(r->first_lba));
        json_object_object_add(x, "last_lba", json_object_new_int(r->last_lba));
        json_object_object_add(x, "sectors", json_object_new_int(r->last_lba - r->first_lba + 1));
        if (r->cls == DW_CLASS_MISCOMPARE)
            json_object_object_add(x, "first_diff_byte", json_object_new_int(r->first_diff_byte));
        json_object_array_add(jranges, x);
    }
    json_object_object_add(o, "ranges", jranges);
    int status = rc ? 1 : res->miscompare ? 4 : (res->unreadable || res->untested) ? 3 : 0;
    json_object_object_add(o, "verdict", json_object_new_string(
                                             rc                ? "failed"
                                             : res->miscompare ? "mismatch"
                                             : res->unreadable ? "unreadable sectors"
                                                               : "identical"));
    json_object_object_add(o, "exit_status", json_object_new_int(status));
    if (rc)
        json_object_object_add(o, "error", json_object_new_string(err->message));
    res->report_json = strdup(json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}
    free(got);
    free(want);
    return rc;
}

void dw_verify_result_release(struct dw_verify_result *res)
{
    if (!res)
        return;
    free(res->ranges);
    free(res->report_json);
    res->ranges = NULL;
    res->report_json = NULL;
}
