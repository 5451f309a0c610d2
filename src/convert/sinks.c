/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table of output formats of `convert` and `rip --format`: name ->
 * sink, the extension of the main file, and the names of every file a
 * format writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "convert/convert_int.h"

/* Sinks written in other files of this layer; a build without them lists
 * the format but refuses it ("not built in").  Weak, so that this table
 * links with or without them. */
extern const struct dw__sink_ops dw__sink_chd __attribute__((weak));
extern const struct dw__sink_ops dw__sink_cso __attribute__((weak));

/* A missing weak sink's address is NULL (resolved at load time). */
static const struct dw__sink_entry table[] = {
    {&dw__sink_bincue, ".cue"}, {&dw__sink_split, ".cue"}, {&dw__sink_iso, ".iso"},
    {&dw__sink_ccd, ".ccd"},    {&dw__sink_toc, ".toc"},   {&dw__sink_chd, ".chd"},
    {&dw__sink_cso, ".cso"}};

const struct dw__sink_entry *dw__sink_entry_at(int index)
{
    if (index < 0 || (size_t)index >= sizeof(table) / sizeof(table[0]))
        return NULL;
    return &table[index];
}

/* The format names of entries whose sink is missing (weak and undefined). */
static const char *const missing_names[] = {NULL, NULL, NULL, NULL, NULL, "chd", "cso"};

static const char *entry_name(int i)
{
    const struct dw__sink_entry *e = dw__sink_entry_at(i);
    return e->ops ? e->ops->name : missing_names[i];
}

const struct dw__sink_entry *dw__sink_by_name(const char *name)
{
    for (int i = 0; name && dw__sink_entry_at(i); i++)
        if (!strcmp(entry_name(i), name))
            return dw__sink_entry_at(i);
    return NULL;
}

/* The extension of path's last component ("" when none). */
static const char *extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    return dot && dot != (slash ? slash + 1 : path) ? dot : "";
}

const struct dw__sink_entry *dw__sink_by_extension(const char *path)
{
    const char *ext = extension(path);
    /* ".cue" is bincue's (split is asked for by name). */
    for (int i = 0; ext[0] && dw__sink_entry_at(i); i++)
        if (!strcasecmp(dw__sink_entry_at(i)->ext, ext))
            return dw__sink_entry_at(i);
    return NULL;
}

void dw__sink_names(char *out, size_t out_bytes)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; dw__sink_entry_at(i); i++) {
        if (!dw__sink_entry_at(i)->ops)
            continue;
        int w = snprintf(out + used, out_bytes - used, "%s%s", used ? ", " : "",
                         entry_name(i));
        if (w < 0 || (size_t)w >= out_bytes - used)
            break;
        used += (size_t)w;
    }
}

static const char *const known_exts[] = {".cue", ".bin", ".iso", ".ccd", ".img",
                                          ".sub", ".toc", ".chd", ".cso"};

/* Length of path without a known image extension. */
static size_t stem_bytes(const char *path)
{
    const char *ext = extension(path);
    for (size_t i = 0; i < sizeof(known_exts) / sizeof(known_exts[0]); i++)
        if (!strcasecmp(ext, known_exts[i]))
            return (size_t)(ext - path);
    return strlen(path);
}

char *dw__sink_main_path(const struct dw__sink_entry *e, const char *dst)
{
    size_t n = stem_bytes(dst);
    char *out = malloc(n + strlen(e->ext) + 1);
    if (!out)
        return NULL;
    memcpy(out, dst, n);
    strcpy(out + n, e->ext);
    return out;
}

char *dw__sink_base(const char *main_path)
{
    size_t n = strlen(main_path) - strlen(extension(main_path));
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, main_path, n);
        out[n] = '\0';
    }
    return out;
}

bool dw__sink_split_name(const char *base, const struct dw_disc *disc, int i, char *out,
                         size_t out_bytes)
{
    int w = disc->track_count == 1
                ? snprintf(out, out_bytes, "%s.bin", base)
                : snprintf(out, out_bytes, "%s (Track %02d).bin", base, disc->tracks[i].number);
    return w > 0 && (size_t)w < out_bytes;
}

int dw__sink_each_output(const struct dw__sink_entry *e, const char *main_path,
                         const struct dw_disc *disc, int (*fn)(const char *path, void *user),
                         void *user)
{
    char *base = dw__sink_base(main_path);
    char path[4200];
    int rc = fn(main_path, user);
    if (!base)
        return rc;
    if (!rc && (e->ops == &dw__sink_bincue || e->ops == &dw__sink_toc)) {
        snprintf(path, sizeof(path), "%s.bin", base);
        rc = fn(path, user);
    } else if (!rc && e->ops == &dw__sink_ccd) {
        snprintf(path, sizeof(path), "%s.img", base);
        if (!(rc = fn(path, user))) {
            snprintf(path, sizeof(path), "%s.sub", base);
            rc = fn(path, user);
        }
    } else if (!rc && e->ops == &dw__sink_split) {
        for (int i = 0; !rc && i < disc->track_count; i++)
            if (dw__sink_split_name(base, disc, i, path, sizeof(path)))
                rc = fn(path, user);
    }
    free(base);
    return rc;
}
