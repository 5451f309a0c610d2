/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rip profiles as JSON files (discwright/rip_profile.h): reading one,
 * finding it by name along the profile search path of profile.h, listing
 * them, and applying one to rip options. */
#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "discwright/profile.h"
#include "discwright/rip_profile.h"
#include "errors_int.h"
#include "profile/profile_int.h"
#include "rip/rip_int.h"

#define FORMAT_NAME "discwright-rip-profile"
#define FORMAT_VERSION 1
#define WHAT "rip profile"
#define HINT "fix the file (see \"Rip profiles\" in discwright-rip(1))"
#define SUBDIR "rip"

/* The booleans, each with its "has" flag. */
#define BOOL_KEY(key)                                                                    \
    {                                                                                    \
#key, offsetof(struct dw_rip_profile, has_##key),                                \
            offsetof(struct dw_rip_profile, key)                                         \
    }
static const struct bool_key {
    const char *key;
    size_t has, value;
} bool_keys[] = {BOOL_KEY(qscan), BOOL_KEY(accuraterip), BOOL_KEY(subchannel),
                 BOOL_KEY(toc)};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A NAME rip/NAME.json may have: 1-63 of a-z A-Z 0-9 . _ -, no leading dot. */
static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= DW_RIP_PROFILE_NAME_BYTES || s[0] == '.')
        return false;
    return strspn(s,
                  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
           n;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int bad_key(struct dw_error_detail *err, const char *path, const char *key,
                   const char *why)
{
    return dw__profile_bad_key(err, path, WHAT, key, why, HINT);
}

/* A string value of at most bytes - 1 bytes, no control characters. */
static int read_string(json_object *v, const char *key, char *dst, size_t bytes,
                       const char *path, struct dw_error_detail *err)
{
    if (!json_object_is_type(v, json_type_string))
        return bad_key(err, path, key, "is not a string");
    const char *s = json_object_get_string(v);
    size_t n = (size_t)json_object_get_string_len(v);
    if (n != strlen(s))
        return bad_key(err, path, key, "holds a NUL character");
    if (n == 0)
        return bad_key(err, path, key, "is empty");
    if (n >= bytes) {
        char why[64];
        snprintf(why, sizeof(why), "is longer than %zu bytes", bytes - 1);
        return bad_key(err, path, key, why);
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return bad_key(err, path, key, "is not one line of text");
    memcpy(dst, s, n + 1);
    return 0;
}

static int read_mode(json_object *v, struct dw_rip_profile *p, const char *path,
                     struct dw_error_detail *err)
{
    static const enum dw_rip_mode modes[] = {DW_RIP_SECURE, DW_RIP_TEST_AND_COPY,
                                             DW_RIP_PARANOIA, DW_RIP_BURST};
    char why[160];
    int n = snprintf(why, sizeof(why), "is not one of");

    for (size_t i = 0; i < COUNT(modes); i++) {
        const char *name = dw__rip_mode_name(modes[i]);
        if (json_object_is_type(v, json_type_string) &&
            strcmp(json_object_get_string(v), name) == 0) {
            p->mode = modes[i];
            return 0;
        }
        if (n > 0 && (size_t)n < sizeof(why))
            n += snprintf(why + n, sizeof(why) - (size_t)n, "%s \"%s\"", i ? "," : "",
                          name);
    }
    return bad_key(err, path, "mode", why);
}

static int read_retries(json_object *v, struct dw_rip_profile *p, const char *path,
                        struct dw_error_detail *err)
{
    if (!json_object_is_type(v, json_type_int))
        return bad_key(err, path, "retries", "is not a whole number");
    int64_t n = json_object_get_int64(v);
    if (n < 0 || n > 100)
        return bad_key(err, path, "retries", "is out of range (0-100)");
    p->has_retries = true;
    p->retries = (int)n;
    return 0;
}

/* One key of the object and its value into p. */
static int read_key(const char *key, json_object *v, struct dw_rip_profile *p,
                    const char *path, struct dw_error_detail *err)
{
    if (!strcmp(key, "format") || !strcmp(key, "format_version"))
        return 0; /* dw__profile_check_format */
    if (!strcmp(key, "comment"))
        return json_object_is_type(v, json_type_string)
                   ? 0
                   : bad_key(err, path, key, "is not a string");
    if (!strcmp(key, "name")) {
        int rc = read_string(v, key, p->name, sizeof(p->name), path, err);
        if (!rc && !valid_name(p->name))
            rc = bad_key(err, path, key,
                         "is not a profile name (letters, digits, '.', '_', '-'; no "
                         "leading '.')");
        return rc;
    }
    if (!strcmp(key, "description"))
        return read_string(v, key, p->description, sizeof(p->description), path, err);
    if (!strcmp(key, "mode"))
        return read_mode(v, p, path, err);
    if (!strcmp(key, "retries"))
        return read_retries(v, p, path, err);
    for (size_t i = 0; i < COUNT(bool_keys); i++) {
        if (strcmp(key, bool_keys[i].key) != 0)
            continue;
        if (!json_object_is_type(v, json_type_boolean))
            return bad_key(err, path, key, "is not true or false");
        *(bool *)((char *)p + bool_keys[i].has) = true;
        *(bool *)((char *)p + bool_keys[i].value) = json_object_get_boolean(v);
        return 0;
    }
    return bad_key(err, path, key,
                   "is not a key of rip profiles (format, format_version, name, "
                   "description, mode, retries, qscan, accuraterip, subchannel, toc, "
                   "comment)");
}

static int read_fields(json_object *root, const char *want_name, struct dw_rip_profile *p,
                       const char *path, struct dw_error_detail *err)
{
    static const char *const required[] = {"name", "description", "mode"};
    json_object *v;
    int rc = dw__profile_check_format(root, path, WHAT, HINT, FORMAT_NAME, FORMAT_VERSION,
                                      err);

    if (rc)
        return rc;
    json_object_object_foreach(root, key, val)
    {
        if ((rc = read_key(key, val, p, path, err)))
            return rc;
    }
    for (size_t i = 0; i < COUNT(required); i++)
        if (!json_object_object_get_ex(root, required[i], &v))
            return bad_key(err, path, required[i], "is missing");
    if (want_name && strcmp(p->name, want_name) != 0)
        return dw__set_error(
            err, DW_EPARSE,
            "'%s' is not a valid %s: \"name\" is \"%s\", but the file is "
            "named %s.json: make the two the same",
            path, WHAT, p->name, want_name);
    return 0;
}

int dw__rip_profile_parse(const char *text, const char *path, const char *want_name,
                          struct dw_rip_profile *out, struct dw_error_detail *err)
{
    json_object *root;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = dw__profile_parse_object(text, path, WHAT, HINT, &root, err);
    if (rc)
        return rc;
    rc = read_fields(root, want_name, out, path, err);
    json_object_put(root);
    if (rc)
        memset(out, 0, sizeof(*out));
    return rc;
}

/* Read the file at path (want_name as for dw__rip_profile_parse). */
static int read_file(const char *path, const char *want_name, struct dw_rip_profile *out,
                     struct dw_error_detail *err)
{
    char *text = NULL;
    int rc = dw__profile_slurp(path, WHAT " file", &text, err);

    if (!rc)
        rc = dw__rip_profile_parse(text, path, want_name, out, err);
    if (!rc && snprintf(out->source, sizeof(out->source), "%s", path) >=
                   (int)sizeof(out->source))
        rc = dw__set_error(err, DW_EINVAL, "'%s' is too long a path", path);
    if (rc)
        memset(out, 0, sizeof(*out));
    free(text);
    return rc;
}

int dw_rip_profile_load(const char *name_or_path, struct dw_rip_profile *out,
                        struct dw_error_detail *err)
{
    char rel[DW_RIP_PROFILE_NAME_BYTES + 16], path[4096], tried[400] = "";
    size_t used = 0;
    int idx = 0, rc;

    if (out)
        memset(out, 0, sizeof(*out));
    if (!name_or_path || !out || !name_or_path[0])
        return dw__set_error(err, DW_EINVAL, "no rip profile given");
    if (strchr(name_or_path, '/') || ends_with(name_or_path, ".json"))
        return read_file(name_or_path, NULL, out, err);
    if (!valid_name(name_or_path))
        return dw__set_error(err, DW_EINVAL,
                             "'%s' is not a rip profile name (letters, digits, '.', '_', "
                             "'-'): give a profile name, or a file as ./FILE.json",
                             name_or_path);
    snprintf(rel, sizeof(rel), SUBDIR "/%s.json", name_or_path);
    if (dw__profile_find(&idx, rel, path, sizeof(path)) == 0)
        return read_file(path, name_or_path, out, err);
    /* None: say where it looked. */
    for (idx = 0; (rc = dw__profile_path(idx, rel, path, sizeof(path))) != DW_ERANGE;
         idx++) {
        if (rc)
            continue;
        int n = snprintf(tried + used, sizeof(tried) - used, "%s'%s'", used ? ", " : "",
                         path);
        if (n < 0 || (size_t)n >= sizeof(tried) - used)
            break;
        used += (size_t)n;
    }
    return dw__set_error(err, DW_ENOENT,
                         "no rip profile '%s': none of %s exists; 'discwright rip "
                         "--list-profiles' shows the profiles there are",
                         name_or_path, tried);
}

/* Set or clear flag in *flags when has is true. */
static void set_flag(unsigned *flags, unsigned flag, bool has, bool on)
{
    if (has)
        *flags = on ? *flags | flag : *flags & ~flag;
}

int dw_rip_profile_apply(const struct dw_rip_profile *p, struct dw_rip_opts *opts)
{
    if (!p || !opts)
        return DW_EINVAL;
    opts->mode = p->mode;
    if (p->has_retries)
        opts->data_retries = p->retries;
    set_flag(&opts->flags, DW_RIP_NO_QSCAN, p->has_qscan, !p->qscan);
    set_flag(&opts->flags, DW_RIP_NO_ACCURATERIP, p->has_accuraterip, !p->accuraterip);
    set_flag(&opts->flags, DW_RIP_SUBCHANNEL, p->has_subchannel, p->subchannel);
    set_flag(&opts->flags, DW_RIP_TOC, p->has_toc, p->toc);
    opts->profile_name = p->name;
    opts->profile_file = p->source[0] ? p->source : NULL;
    return 0;
}

_Static_assert(sizeof(((struct dw_rip_profile_entry *)0)->message) ==
                   sizeof(((struct dw_error_detail *)0)->message),
               "message sizes");
_Static_assert(sizeof(((struct dw_rip_profile_entry *)0)->description) ==
                   sizeof(((struct dw_rip_profile *)0)->description),
               "description sizes");

/* ---- listing -------------------------------------------------------------------- */

struct list {
    struct dw_rip_profile_entry *v;
    size_t count, cap;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool listed(const struct list *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (!strcmp(l->v[i].name, name))
            return true;
    return false;
}

/* The entry of the file dir/file_name (a "NAME.json") at the end of l. */
static int add_entry(struct list *l, const char *dir, const char *file_name)
{
    struct dw_rip_profile_entry *e;
    struct dw_error_detail perr = {0};
    struct dw_rip_profile *p = NULL;
    size_t stem = strlen(file_name) - strlen(".json");

    if (l->count == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        e = realloc(l->v, cap * sizeof(*e));
        if (!e)
            return DW_ENOMEM;
        l->v = e;
        l->cap = cap;
    }
    e = &l->v[l->count++];
    memset(e, 0, sizeof(*e));
    snprintf(e->name, sizeof(e->name), "%.*s", (int)stem, file_name);
    if (snprintf(e->file, sizeof(e->file), "%s/%s", dir, file_name) >=
        (int)sizeof(e->file))
        e->error =
            dw__set_error(&perr, DW_EINVAL, "'%s/%s' is too long a path", dir, file_name);
    else if (stem >= sizeof(e->name) || !valid_name(e->name))
        e->error = dw__set_error(&perr, DW_EINVAL,
                                 "'%s': the file name is not a profile name (letters, "
                                 "digits, '.', '_', '-'): rename it",
                                 e->file);
    else if (!(p = malloc(sizeof(*p))))
        return DW_ENOMEM;
    else if (!(e->error = read_file(e->file, e->name, p, &perr)))
        memcpy(e->description, p->description, sizeof(e->description));
    if (e->error)
        memcpy(e->message, perr.message, sizeof(e->message));
    free(p);
    return 0;
}

/* The NAME.json files of dir, by name, onto l (names listed already left
 * out).  A directory that cannot be opened has none. */
static int list_dir(struct list *l, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;

    if (!d)
        return 0;
    while (!rc && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !ends_with(de->d_name, ".json") ||
            strlen(de->d_name) == strlen(".json"))
            continue;
        if (count == cap) {
            char **grown = realloc(names, (cap ? 2 * cap : 16) * sizeof(*names));
            if (!grown) {
                rc = DW_ENOMEM;
                break;
            }
            names = grown;
            cap = cap ? 2 * cap : 16;
        }
        if (!(names[count] = strdup(de->d_name)))
            rc = DW_ENOMEM;
        else
            count++;
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof(*names), by_name);
    for (size_t i = 0; !rc && i < count; i++) {
        char stem[DW_RIP_PROFILE_NAME_BYTES];
        snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(names[i]) - strlen(".json")),
                 names[i]);
        if (!listed(l, stem))
            rc = add_entry(l, dir, names[i]);
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return rc;
}

int dw_rip_profile_list(struct dw_rip_profile_entry **entries, size_t *count,
                        struct dw_error_detail *err)
{
    struct list l = {0};
    int rc = 0;

    if (entries)
        *entries = NULL;
    if (count)
        *count = 0;
    if (!entries || !count)
        return dw__set_error(err, DW_EINVAL, "nowhere to put the list");
    for (int idx = 0; !rc; idx++) {
        char dir[4096];
        int k = dw__profile_path(idx, SUBDIR, dir, sizeof(dir));
        if (k == DW_ERANGE)
            break;
        if (!k)
            rc = list_dir(&l, dir);
    }
    if (rc) {
        free(l.v);
        return dw__set_error(err, rc, "out of memory");
    }
    if (!l.count) {
        free(l.v);
        l.v = NULL;
    }
    *entries = l.v;
    *count = l.count;
    return 0;
}

void dw_rip_profile_list_free(struct dw_rip_profile_entry *entries)
{
    free(entries);
}

char *dw_rip_profile_list_json(const struct dw_rip_profile_entry *e, size_t n)
{
    json_object *list = json_object_new_array();
    for (size_t i = 0; list && i < n; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(e[i].name));
        json_object_object_add(o, "description", json_object_new_string(e[i].description));
        json_object_object_add(o, "file", json_object_new_string(e[i].file));
        json_object_object_add(o, "error",
                               e[i].error ? json_object_new_string(e[i].message) : NULL);
        json_object_array_add(list, o);
    }
    char *text = list ? strdup(json_object_to_json_string_ext(
                            list, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE))
                      : NULL;
    json_object_put(list);
    return text;
}
