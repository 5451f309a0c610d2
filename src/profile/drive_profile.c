/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drive profiles as JSON files (discwright/drive_profile.h): the names of
 * the values, writing, reading and finding a drive's file along the
 * profile search path of profile.h. */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <json-c/json.h>
#include "discwright/drive_profile.h"
#include "discwright/profile.h"
#include "errors_int.h"
#include "profile/profile_int.h"
#include "report/outfile.h"
#include "report/report_int.h"
#include "util.h"

#define FORMAT_NAME "discwright-drive-profile"
#define FORMAT_VERSION 1

/* ---- names ------------------------------------------------------------------ */

static const char *const state_names[] = {"unknown", "unsupported", "supported"};
static const char *const placement_names[] = {"unknown", "before-sub", "after-sub",
                                              "not-combined"};
static const char *const pw_order_names[] = {"unknown", "interleaved", "deinterleaved"};
static const char *const q_numbers_names[] = {"unknown", "bcd", "binary"};
static const char *const cache_names[] = {"unknown", "none", "measured", "at-least"};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *name_of(const char *const *names, int count, int value)
{
    return value >= 0 && value < count ? names[value] : "unknown";
}

const char *dw_probe_state_name(enum dw_probe_state s)
{
    return name_of(state_names, COUNT(state_names), (int)s);
}

const char *dw_c2_placement_name(enum dw_c2_placement p)
{
    return name_of(placement_names, COUNT(placement_names), (int)p);
}

const char *dw_pw_order_name(enum dw_pw_order o)
{
    return name_of(pw_order_names, COUNT(pw_order_names), (int)o);
}

const char *dw_q_numbers_name(enum dw_q_numbers n)
{
    return name_of(q_numbers_names, COUNT(q_numbers_names), (int)n);
}

const char *dw_cache_estimate_name(enum dw_cache_estimate c)
{
    return name_of(cache_names, COUNT(cache_names), (int)c);
}

/* ---- the fields, as a table -------------------------------------------------- */

/* The enums are stored and read through an int: all five have only small
 * non-negative values, so each is int or unsigned int, which may be
 * accessed as the other (C11 6.5p7). */
_Static_assert(sizeof(enum dw_probe_state) == sizeof(int), "enum size");
_Static_assert(sizeof(enum dw_c2_placement) == sizeof(int), "enum size");
_Static_assert(sizeof(enum dw_pw_order) == sizeof(int), "enum size");
_Static_assert(sizeof(enum dw_q_numbers) == sizeof(int), "enum size");
_Static_assert(sizeof(enum dw_cache_estimate) == sizeof(int), "enum size");

#define OFFSET(field) offsetof(struct dw_drive_profile, field)
#define NAMES(names) names, COUNT(names)

static const struct enum_field {
    const char *key;
    size_t offset;
    const char *const *names;
    int count;
} enum_fields[] = {
    {"c2", OFFSET(c2), NAMES(state_names)},
    {"c2_block_error", OFFSET(c2_block_error), NAMES(state_names)},
    {"c2_placement", OFFSET(c2_placement), NAMES(placement_names)},
    {"raw_pw", OFFSET(raw_pw), NAMES(state_names)},
    {"raw_pw_order", OFFSET(raw_pw_order), NAMES(pw_order_names)},
    {"formatted_q", OFFSET(formatted_q), NAMES(state_names)},
    {"q_numbers", OFFSET(q_numbers), NAMES(q_numbers_names)},
    {"accurate_stream", OFFSET(accurate_stream), NAMES(state_names)},
    {"cache", OFFSET(cache), NAMES(cache_names)},
};

/* Numbers that may be "unknown" (stored as -1). */
static const struct int_field {
    const char *key;
    size_t offset;
    int32_t max;
} int_fields[] = {
    {"cache_sectors", OFFSET(cache_sectors), 1 << 24},
    {"buffer_kib", OFFSET(buffer_kib), 65535},
    {"max_read_speed_kbps", OFFSET(max_read_speed_kbps), 65535},
};

#define TEXT(name) OFFSET(name), sizeof(((struct dw_drive_profile *)0)->name)

/* Strings; `required` ones must be there. */
static const struct text_field {
    const char *key;
    size_t offset, bytes;
    bool required, truncate; /* truncate: a longer text is cut, not refused */
} text_fields[] = {
    {"vendor", TEXT(vendor), true, false},
    {"model", TEXT(model), true, false},
    {"revision", TEXT(revision), false, false},
    {"probe_date", TEXT(probe_date), false, true},
    {"discwright_version", TEXT(discwright_version), false, true},
    {"comment", TEXT(comment), false, true},
};

void dw__drive_profile_init(struct dw_drive_profile *p)
{
    memset(p, 0, sizeof(*p));
    p->cache_sectors = p->buffer_kib = p->max_read_speed_kbps = -1;
}

/* ---- writing -------------------------------------------------------------------- */

static void add_string(json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, json_object_new_string(value));
}

/* A number, or "unknown" when `known` is false. */
static void add_number(json_object *o, const char *key, bool known, int32_t value)
{
    json_object_object_add(
        o, key, known ? json_object_new_int(value) : json_object_new_string("unknown"));
}

/* The profile file's object; NULL without memory. */
static json_object *profile_object(const struct dw_drive_profile *p)
{
    json_object *o = json_object_new_object(), *notes;
    if (!o)
        return NULL;
    add_string(o, "format", FORMAT_NAME);
    json_object_object_add(o, "format_version", json_object_new_int(FORMAT_VERSION));
    add_string(o, "comment", p->comment);
    for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
        if (strcmp(text_fields[i].key, "comment") != 0)
            add_string(o, text_fields[i].key, (const char *)p + text_fields[i].offset);
    json_object_object_add(o, "probe_lba", json_object_new_int(p->probe_lba));
    json_object_object_add(o, "probe_audio", json_object_new_boolean(p->probe_audio));
    for (size_t i = 0; i < sizeof(enum_fields) / sizeof(enum_fields[0]); i++) {
        const struct enum_field *f = &enum_fields[i];
        add_string(
            o, f->key,
            name_of(f->names, f->count, *(const int *)((const char *)p + f->offset)));
    }
    for (size_t i = 0; i < sizeof(int_fields) / sizeof(int_fields[0]); i++) {
        int32_t v = *(const int32_t *)((const char *)p + int_fields[i].offset);
        add_number(o, int_fields[i].key, v >= 0, v);
    }
    add_number(o, "read_offset_samples", p->has_read_offset, p->read_offset_samples);
    add_number(o, "write_offset_samples", p->has_write_offset, p->write_offset_samples);
    notes = json_object_new_array();
    for (const char *line = p->notes; notes && *line;) {
        size_t n = strcspn(line, "\n");
        if (n)
            json_object_array_add(notes, json_object_new_string_len(line, (int)n));
        line += n + (line[n] == '\n');
    }
    json_object_object_add(o, "notes", notes);
    return o;
}

char *dw_drive_profile_to_json_ext(const struct dw_drive_profile *p, unsigned flags)
{
    json_object *o;
    if (!p || (flags & ~DW_DRIVE_PROFILE_JSON_FILE) || !(o = profile_object(p)))
        return NULL;
    if ((flags & DW_DRIVE_PROFILE_JSON_FILE) && p->source[0])
        add_string(o, "file", p->source);
    return dw__json_text(o);
}

char *dw_drive_profile_to_json(const struct dw_drive_profile *p)
{
    return dw_drive_profile_to_json_ext(p, 0);
}

int dw_drive_profile_file_name(const char *vendor, const char *model, char *out,
                               size_t out_bytes)
{
    char parts[2][64];
    size_t o = 0;

    if (!vendor || !model || !out || out_bytes == 0)
        return DW_EINVAL;
    dw__profile_normalize(vendor, parts[0], sizeof(parts[0]));
    dw__profile_normalize(model, parts[1], sizeof(parts[1]));
    for (int k = 0; k < 2; k++) {
        const char *s = parts[k][0] ? parts[k] : "unknown";
        if (k && o + 1 < out_bytes)
            out[o++] = '_';
        for (; *s && o + 1 < out_bytes; s++) {
            unsigned char c = (unsigned char)tolower((unsigned char)*s);
            out[o++] = (char)(isalnum(c) || c == '-' || c == '.' ? c : '_');
        }
    }
    if (o + sizeof(".json") > out_bytes) {
        out[0] = '\0';
        return DW_EINVAL;
    }
    memcpy(out + o, ".json", sizeof(".json"));
    return 0;
}

int dw_drive_profile_save(const struct dw_drive_profile *p, const char *dir,
                          char *path_out, size_t path_out_bytes,
                          struct dw_error_detail *err)
{
    struct dw__outfile of;
    char name[160], drives[4096], path[4200];
    char *text = NULL;
    int rc;

    if (path_out && path_out_bytes)
        path_out[0] = '\0';
    if (!p || !dir || !dir[0])
        return dw__set_error(err, DW_EINVAL, "no profile or no directory to save it in");
    if (dw_drive_profile_file_name(p->vendor, p->model, name, sizeof(name)) ||
        snprintf(drives, sizeof(drives), "%s/drives", dir) >= (int)sizeof(drives) ||
        snprintf(path, sizeof(path), "%s/%s", drives, name) >= (int)sizeof(path))
        return dw__set_error(err, DW_EINVAL, "profile directory '%s' is too long a path",
                             dir);
    rc = dw__mkdir_p(drives, err);
    if (rc)
        return rc;
    text = dw_drive_profile_to_json(p);
    if (!text)
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    rc = dw__outfile_open(&of, path, err);
    if (rc)
        goto out;
    fputs(text, of.fp);
    fputc('\n', of.fp);
    rc = dw__outfile_commit(&of, err);
    if (!rc && path_out && path_out_bytes)
        snprintf(path_out, path_out_bytes, "%s", path);
out:
    free(text);
    return rc;
}

/* ---- reading -------------------------------------------------------------------- */

#define WHAT "drive profile"
#define HINT "fix the file or delete it and probe the drive again"

/* DW_EPARSE for a bad key: "'path' is not a valid drive profile: "k" <why>:
 * fix the file or ...". */
static int bad_key(struct dw_error_detail *err, const char *path, const char *key,
                   const char *why)
{
    return dw__profile_bad_key(err, path, WHAT, key, why, HINT);
}

static int read_enum(json_object *root, const struct enum_field *f,
                     struct dw_drive_profile *p, const char *path,
                     struct dw_error_detail *err)
{
    json_object *v;
    char why[160];

    if (!json_object_object_get_ex(root, f->key, &v) ||
        json_object_is_type(v, json_type_null))
        return 0; /* missing: unknown (0) */
    if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        for (int i = 0; i < f->count; i++)
            if (!strcmp(s, f->names[i])) {
                *(int *)((char *)p + f->offset) = i;
                return 0;
            }
    }
    int n = snprintf(why, sizeof(why), "is not one of");
    for (int i = 0; i < f->count && n > 0 && (size_t)n < sizeof(why); i++)
        n += snprintf(why + n, sizeof(why) - (size_t)n, "%s \"%s\"", i ? "," : "",
                      f->names[i]);
    return bad_key(err, path, f->key, why);
}

/* An integer in [min, max], or "unknown" (*known = false). */
static int read_int(json_object *root, const char *key, int32_t min, int32_t max,
                    bool *known, int32_t *value, const char *path,
                    struct dw_error_detail *err)
{
    json_object *v;

    *known = false;
    if (!json_object_object_get_ex(root, key, &v) ||
        json_object_is_type(v, json_type_null))
        return 0;
    if (json_object_is_type(v, json_type_string) &&
        !strcmp(json_object_get_string(v), "unknown"))
        return 0;
    if (!json_object_is_type(v, json_type_int))
        return bad_key(err, path, key, "is neither a whole number nor \"unknown\"");
    int64_t n = json_object_get_int64(v);
    if (n < min || n > max)
        return bad_key(err, path, key, "is out of range");
    *known = true;
    *value = (int32_t)n;
    return 0;
}

static int read_text(json_object *root, const struct text_field *f,
                     struct dw_drive_profile *p, const char *path,
                     struct dw_error_detail *err)
{
    json_object *v;
    char *dst = (char *)p + f->offset;

    if (!json_object_object_get_ex(root, f->key, &v) ||
        json_object_is_type(v, json_type_null))
        return f->required ? bad_key(err, path, f->key, "is missing") : 0;
    if (!json_object_is_type(v, json_type_string))
        return bad_key(err, path, f->key, "is not a string");
    const char *s = json_object_get_string(v);
    if (strlen(s) >= f->bytes && !f->truncate)
        return bad_key(err, path, f->key, "is longer than INQUIRY data can be");
    snprintf(dst, f->bytes, "%s", s);
    return 0;
}

/* "notes": an array of strings, their lines joined with newlines (empty
 * lines dropped, cut to fit). */
static int read_notes(json_object *root, struct dw_drive_profile *p, const char *path,
                      struct dw_error_detail *err)
{
    json_object *v;
    size_t used = 0;

    if (!json_object_object_get_ex(root, "notes", &v) ||
        json_object_is_type(v, json_type_null))
        return 0;
    if (!json_object_is_type(v, json_type_array))
        return bad_key(err, path, "notes", "is not an array of strings");
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        json_object *item = json_object_array_get_idx(v, i);
        if (!json_object_is_type(item, json_type_string))
            return bad_key(err, path, "notes", "is not an array of strings");
        for (const char *line = json_object_get_string(item); *line;) {
            size_t n = strcspn(line, "\n");
            if (n && used + (used > 0) + n < sizeof(p->notes)) {
                if (used)
                    p->notes[used++] = '\n';
                memcpy(p->notes + used, line, n);
                used += n;
                p->notes[used] = '\0';
            }
            line += n + (line[n] == '\n');
        }
    }
    return 0;
}

/* Every field of root into p. */
static int read_fields(json_object *root, struct dw_drive_profile *p, const char *path,
                       struct dw_error_detail *err)
{
    json_object *v;
    bool known;
    int rc = dw__profile_check_format(root, path, WHAT, HINT, FORMAT_NAME, FORMAT_VERSION,
                                      err);

    for (size_t i = 0; !rc && i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
        rc = read_text(root, &text_fields[i], p, path, err);
    for (size_t i = 0; !rc && i < sizeof(enum_fields) / sizeof(enum_fields[0]); i++)
        rc = read_enum(root, &enum_fields[i], p, path, err);
    for (size_t i = 0; !rc && i < sizeof(int_fields) / sizeof(int_fields[0]); i++) {
        int32_t *dst = (int32_t *)((char *)p + int_fields[i].offset);
        rc = read_int(root, int_fields[i].key, 0, int_fields[i].max, &known, dst, path,
                      err);
        if (!rc && !known)
            *dst = -1;
    }
    if (!rc)
        rc = read_int(root, "read_offset_samples", -100000, 100000, &p->has_read_offset,
                      &p->read_offset_samples, path, err);
    if (!rc) /* the range our CD writer shifts (burn --write-offset) */
        rc = read_int(root, "write_offset_samples", -1176, 1176, &p->has_write_offset,
                      &p->write_offset_samples, path, err);
    if (!rc)
        rc = read_int(root, "probe_lba", -150, 449849, &known, &p->probe_lba, path, err);
    if (!rc && json_object_object_get_ex(root, "probe_audio", &v)) {
        if (!json_object_is_type(v, json_type_boolean))
            rc = bad_key(err, path, "probe_audio", "is not true or false");
        else
            p->probe_audio = json_object_get_boolean(v);
    }
    if (!rc)
        rc = read_notes(root, p, path, err);
    if (rc)
        return rc;
    /* The estimate and the number go together. */
    if (p->cache == DW_CACHE_NONE)
        p->cache_sectors = 0;
    else if (p->cache == DW_CACHE_UNKNOWN)
        p->cache_sectors = -1;
    else if (p->cache_sectors <= 0)
        return bad_key(err, path, "cache_sectors",
                       "must be a positive number when \"cache\" is \"measured\" or "
                       "\"at-least\"");
    return 0;
}

int dw__drive_profile_parse(const char *text, const char *path,
                            struct dw_drive_profile *out, struct dw_error_detail *err)
{
    json_object *root;
    int rc;

    dw__drive_profile_init(out);
    rc = dw__profile_parse_object(text, path, WHAT, HINT, &root, err);
    if (rc)
        return rc;
    rc = read_fields(root, out, path, err);
    json_object_put(root);
    if (rc)
        dw__drive_profile_init(out);
    return rc;
}

int dw_drive_profile_read(const char *path, struct dw_drive_profile *out,
                          struct dw_error_detail *err)
{
    char *text = NULL;
    int rc;

    if (!path || !out)
        return dw__set_error(err, DW_EINVAL, "no profile file given");
    dw__drive_profile_init(out);
    rc = dw__profile_slurp(path, WHAT, &text, err);
    if (!rc)
        rc = dw__drive_profile_parse(text, path, out, err);
    if (!rc)
        snprintf(out->source, sizeof(out->source), "%s", path);
    free(text);
    return rc;
}

/* The normalized INQUIRY strings match (case and blanks aside). */
static bool same_drive(const char *v1, const char *m1, const char *v2, const char *m2)
{
    char a[64], b[64], c[64], d[64];
    dw__profile_normalize(v1, a, sizeof(a));
    dw__profile_normalize(v2, b, sizeof(b));
    dw__profile_normalize(m1, c, sizeof(c));
    dw__profile_normalize(m2, d, sizeof(d));
    return strcasecmp(a, b) == 0 && strcasecmp(c, d) == 0;
}

int dw_drive_profile_load(const char *vendor, const char *model,
                          struct dw_drive_profile *out, struct dw_error_detail *err)
{
    char name[160], rel[200], path[4096];

    if (!vendor || !model || !out)
        return dw__set_error(err, DW_EINVAL, "no drive given");
    if (dw_drive_profile_file_name(vendor, model, name, sizeof(name)))
        return dw__set_error(err, DW_EINVAL, "drive name too long");
    snprintf(rel, sizeof(rel), "drives/%s", name);
    for (int idx = 0; dw__profile_find(&idx, rel, path, sizeof(path)) == 0; idx++) {
        int rc = dw_drive_profile_read(path, out, err);
        if (rc)
            return rc;
        if (same_drive(vendor, model, out->vendor, out->model))
            return 0;
        /* Another drive whose name sanitizes to the same file: go on. */
    }
    dw__drive_profile_init(out);
    return dw__set_error(err, DW_ENOENT,
                         "no profile of the drive '%s' '%s': probe it with 'discwright "
                         "drives --probe --save'",
                         vendor, model);
}
