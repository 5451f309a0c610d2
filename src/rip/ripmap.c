/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rip's sector map (src/rip/ripmap.h): saved as the rip goes, read by
 * `rip --resume`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "discwright/disc.h"
#include "discwright/report.h"
#include "errors_int.h"
#include "rip/ripmap.h"
#include "rip/rip_int.h"
#include "util.h"

#define MAP_NAME "discwright rip map"
#define MAP_VERSION 1

void dw__ripmap_toc(const struct dw_disc *disc, char *out, size_t out_bytes)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < disc->track_count && used < out_bytes; i++) {
        const struct dw_track *t = &disc->tracks[i];
        int n = snprintf(out + used, out_bytes - used, "%s%d:%d:%s:%d", i ? " " : "",
                         t->session, t->number, dw_track_mode_name(t->mode), t->index_lba[1]);
        used += n > 0 ? (size_t)n : 0;
    }
    for (int i = 0; i < disc->session_count && used < out_bytes; i++) {
        int n = snprintf(out + used, out_bytes - used, " leadout%d:%d",
                         disc->sessions[i].number, disc->sessions[i].leadout_lba);
        used += n > 0 ? (size_t)n : 0;
    }
}

const char *const dw__ripmap_bad_state_names[DW__RIPMAP_BAD_STATES] = {
    "unreadable", "c2-unconfirmed", "paranoia-skip", "paranoia-edge", "edc-ecc",
    "jitter-unconfirmed"};

int dw__ripmap_bad_state_index(int32_t detail)
{
    if (detail == DW__BAD_SECURE_UNCONFIRMED)
        return 1;
    if (detail == DW__BAD_PARANOIA_SKIP)
        return 2;
    if (detail == DW__BAD_PARANOIA_EDGE)
        return 3;
    if (detail == DW__BAD_JITTER_UNCONFIRMED)
        return 5;
    if (detail >= 0x10000 || detail < 0)
        return 0;
    return 4; /* a dw_sector_verdict */
}

const char *dw__ripmap_bad_state(int32_t detail)
{
    return dw__ripmap_bad_state_names[dw__ripmap_bad_state_index(detail)];
}

static json_object *ranges_below(const struct dw__lba_ranges *rs, int32_t below, bool with_state)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < rs->count; i++) {
        const struct dw__lba_range *x = &rs->r[i];
        if (x->first_lba >= below)
            continue;
        int32_t last = x->last_lba < below ? x->last_lba : below - 1;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "first_lba", json_object_new_int(x->first_lba));
        json_object_object_add(o, "last_lba", json_object_new_int(last));
        json_object_object_add(o, "sectors", json_object_new_int(last - x->first_lba + 1));
        if (with_state) {
            json_object_object_add(o, "state",
                                   json_object_new_string(dw__ripmap_bad_state(x->detail)));
            json_object_object_add(o, "detail", json_object_new_int(x->detail));
        }
        json_object_array_add(a, o);
    }
    return a;
}

int dw__ripmap_save(struct dw__rip *r, int32_t final_lba, bool complete, bool force)
{
    double now = dw__now_seconds();
    if (!r->map_path[0] || (!force && now - r->map_saved_s < 1.0))
        return 0;
    r->map_saved_s = now;
    /* The bytes first: a map must never claim what the disk has not got. */
    if (r->image.fp && (fflush(r->image.fp) != 0 || fdatasync(fileno(r->image.fp)) != 0))
        return dw__outfile_write_error(&r->image, errno, r->err);
    json_object *m = json_object_new_object();
    json_object_object_add(m, "map", json_object_new_string(MAP_NAME));
    json_object_object_add(m, "version", json_object_new_int(MAP_VERSION));
    json_object_object_add(m, "toc", json_object_new_string(r->toc_fingerprint));
    json_object_object_add(m, "bin_first_lba", json_object_new_int(r->bin_first_lba));
    json_object_object_add(m, "bin_end_lba", json_object_new_int(r->bin_end_lba));
    const char *image = strrchr(r->image_path, '/');
    image = image ? image + 1 : r->image_path;
    char part[4200];
    snprintf(part, sizeof(part), "%s%s", image, complete ? "" : ".part");
    json_object_object_add(m, "image", json_object_new_string(part));
    json_object_object_add(m, "complete", json_object_new_boolean(complete));
    json_object_object_add(m, "final_lba", json_object_new_int(final_lba));
    json_object_object_add(m, "mode", json_object_new_string(dw__rip_mode_name(r->opts->mode)));
    json_object_object_add(m, "drive", json_object_new_string(r->drive_name));
    json_object_object_add(m, "read_offset_samples",
                           json_object_new_int(dw__rip_offset_samples(r)));
    json_object_object_add(m, "bad", ranges_below(&r->bad, final_lba, true));
    json_object_object_add(m, "reread", ranges_below(&r->reread, final_lba, false));
    const char *text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PRETTY);
    struct dw__outfile of;
    int rc = dw__outfile_open(&of, r->map_path, r->err);
    if (!rc) {
        fputs(text, of.fp);
        fputc('\n', of.fp);
        rc = dw__outfile_commit(&of, r->err);
    }
    json_object_put(m);
    return rc;
}

/* Bounds on what a map may say: it is a file, so any number can be in it.
 * LBAs within +-2^30 (2 TiB of 2048-byte sectors, beyond any disc) keep
 * the difference of any two inside int32_t; a map of a badly damaged CD is
 * a few megabytes, 64 MiB is refused unread. */
#define MAP_LBA_LIMIT (1 << 30)
#define MAP_MAX_BYTES ((size_t)64 << 20)

/* The integer at key of o, when there is one within lo..hi. */
static bool get_int(json_object *o, const char *key, int64_t lo, int64_t hi, int32_t *out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
        return false;
    int64_t n = json_object_get_int64(v);
    if (n < lo || n > hi)
        return false;
    *out = (int32_t)n;
    return true;
}

/* Append first..last (first <= last) as one range, or grow the last range
 * when it ends at first - 1 with the same detail (as dw__ranges_add does
 * sector by sector). */
static int add_span(struct dw__lba_ranges *rs, int32_t first, int32_t last,
                    int32_t detail)
{
    if (dw__ranges_add(rs, first, detail))
        return DW_ENOMEM;
    rs->r[rs->count - 1].last_lba = last;
    rs->sectors += last - first;
    return 0;
}

/* The ranges of a "bad" or "reread" list: every one inside the bin and
 * below the map's final LBA, as dw__ripmap_save writes them. */
static int load_ranges(json_object *a, const struct dw__ripmap *m,
                       struct dw__lba_ranges *rs, bool with_detail)
{
    if (!a || !json_object_is_type(a, json_type_array))
        return DW_EPARSE;
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        json_object *o = json_object_array_get_idx(a, i);
        int32_t first, last, detail = 0;
        if (!json_object_is_type(o, json_type_object) ||
            !get_int(o, "first_lba", m->bin_first_lba, m->final_lba - 1, &first) ||
            !get_int(o, "last_lba", first, m->final_lba - 1, &last) ||
            (with_detail && !get_int(o, "detail", INT32_MIN, INT32_MAX, &detail)))
            return DW_EPARSE;
        if (add_span(rs, first, last, detail))
            return DW_ENOMEM;
    }
    return 0;
}

int dw__ripmap_parse(const char *text, size_t bytes, const char *path,
                     struct dw__ripmap *m, struct dw_error_detail *err)
{
    memset(m, 0, sizeof(*m));
    json_object *o = NULL, *v;
    int rc = DW_EPARSE;
    if (bytes > MAP_MAX_BYTES)
        goto out;
    json_tokener *tok = json_tokener_new();
    if (!tok) {
        rc = DW_ENOMEM;
        goto out;
    }
    o = json_tokener_parse_ex(tok, text, (int)bytes);
    size_t used = o ? json_tokener_get_parse_end(tok) : 0;
    json_tokener_free(tok);
    while (o && used < bytes && strchr(" \t\r\n", text[used]) && text[used])
        used++;
    if (!o || used != bytes || !json_object_is_type(o, json_type_object))
        goto out;
    if (!json_object_object_get_ex(o, "map", &v) ||
        strcmp(json_object_get_string(v) ? json_object_get_string(v) : "", MAP_NAME) !=
            0 ||
        !json_object_object_get_ex(o, "version", &v) ||
        json_object_get_int(v) != MAP_VERSION)
        goto out;
    if (!json_object_object_get_ex(o, "toc", &v) || !json_object_get_string(v))
        goto out;
    snprintf(m->toc, sizeof(m->toc), "%s", json_object_get_string(v));
    if (!get_int(o, "bin_first_lba", -MAP_LBA_LIMIT, MAP_LBA_LIMIT, &m->bin_first_lba) ||
        !get_int(o, "bin_end_lba", m->bin_first_lba, MAP_LBA_LIMIT, &m->bin_end_lba) ||
        !get_int(o, "final_lba", m->bin_first_lba, m->bin_end_lba, &m->final_lba))
        goto out;
    if (!json_object_object_get_ex(o, "complete", &v) ||
        !json_object_is_type(v, json_type_boolean))
        goto out;
    m->complete = json_object_get_boolean(v);
    if (json_object_object_get_ex(o, "mode", &v) && json_object_get_string(v))
        snprintf(m->mode, sizeof(m->mode), "%s", json_object_get_string(v));
    json_object *bad = NULL, *reread = NULL;
    json_object_object_get_ex(o, "bad", &bad);
    json_object_object_get_ex(o, "reread", &reread);
    if ((rc = load_ranges(bad, m, &m->bad, true)) ||
        (rc = load_ranges(reread, m, &m->reread, false)))
        goto out;
    rc = 0;
out:
    json_object_put(o);
    if (rc == DW_ENOMEM) {
        dw__ripmap_release(m);
        return dw__set_error(err, rc, "out of memory");
    }
    if (rc) {
        dw__ripmap_release(m);
        return dw__set_error(err, rc,
                             "'%s' is not a discwright rip map or is damaged: remove it and rip "
                             "again without --resume",
                             path);
    }
    return 0;
}

int dw__ripmap_load(const char *path, struct dw__ripmap *m, struct dw_error_detail *err)
{
    memset(m, 0, sizeof(*m));
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        if (errno == ENOENT)
            return dw__set_error(err, DW_ENOENT, "no map '%s'", path);
        return dw__set_error(err, dw_error_from_errno(errno), "cannot read '%s': %s",
                             path, strerror(errno));
    }
    /* A map longer than MAP_MAX_BYTES (or no regular file) is refused by
     * dw__ripmap_parse without being read. */
    struct stat st;
    size_t size = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
                          (uint64_t)st.st_size <= MAP_MAX_BYTES
                      ? (size_t)st.st_size
                      : MAP_MAX_BYTES + 1;
    char *text = size <= MAP_MAX_BYTES ? malloc(size + 1) : NULL;
    size_t n = text ? fread(text, 1, size + 1, fp) : size;
    bool failed = ferror(fp) != 0;
    fclose(fp);
    if (!text && size <= MAP_MAX_BYTES)
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    int rc = failed ? dw__set_error(err, DW_EIO, "cannot read '%s'", path)
                    : dw__ripmap_parse(text ? text : "", n, path, m, err);
    free(text);
    return rc;
}

void dw__ripmap_release(struct dw__ripmap *m)
{
    dw__ranges_release(&m->bad);
    dw__ranges_release(&m->reread);
}
