/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The drive read offset tables (discwright/profile.h). */
#include <ctype.h>
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "discwright/errors.h"
#include "discwright/profile.h"
#include "profile/profile_int.h"
#include "util.h"

/* The installed profiles relative to the directory the library was
 * loaded from (CMakeLists.txt computes it from GNUInstallDirs, e.g.
 * "../share/discwright/profiles" or, multiarch,
 * "../../share/discwright/profiles"); never an absolute build path. */
#ifndef DW_LIBDIR_TO_PROFILES
#define DW_LIBDIR_TO_PROFILES "../share/discwright/profiles"
#endif

#define TABLE_NAME "drives/offsets.tsv"

/* Join dir and rel into out, resolving rel's "." and ".." lexically (dir
 * is a realpath, so it has no symbolic links to make that wrong). */
static int join_lexical(const char *dir, const char *rel, char *out, size_t out_bytes)
{
    int n = snprintf(out, out_bytes, "%s", dir);
    if (n < 0 || (size_t)n >= out_bytes)
        return DW_EINVAL;
    size_t used = (size_t)n;
    while (*rel) {
        size_t len = strcspn(rel, "/");
        if (len == 2 && rel[0] == '.' && rel[1] == '.') {
            char *slash = strrchr(out, '/');
            if (slash)
                used = slash == out ? 1 : (size_t)(slash - out);
            out[used] = '\0';
        } else if (len && !(len == 1 && rel[0] == '.')) {
            n = snprintf(out + used, out_bytes - used, "%s%.*s",
                         used && out[used - 1] == '/' ? "" : "/", (int)len, rel);
            if (n < 0 || (size_t)n >= out_bytes - used)
                return DW_EINVAL;
            used += (size_t)n;
        }
        rel += len;
        while (*rel == '/')
            rel++;
    }
    return 0;
}

/* PREFIX/share/discwright/profiles of the installed copy: found from the
 * file this code was loaded from (libdiscwright.so.0, or the program it
 * is linked into statically), never from a path compiled in. */
static int installed_dir(char *out, size_t out_bytes)
{
    Dl_info info;
    char *real = NULL;
    int rc = DW_ENOENT;
    if (!dladdr((void *)(uintptr_t)dw_profile_dir, &info) || !info.dli_fname)
        goto out;
    real = realpath(info.dli_fname, NULL);
    if (!real)
        goto out;
    char *slash = strrchr(real, '/');
    if (!slash)
        goto out;
    *slash = '\0';
    rc = join_lexical(real[0] ? real : "/", DW_LIBDIR_TO_PROFILES, out, out_bytes);
out:
    free(real);
    return rc;
}

/* str into out; DW_EINVAL when it does not fit. */
static int put(char *out, size_t out_bytes, const char *str)
{
    int n = snprintf(out, out_bytes, "%s", str);
    return n < 0 || (size_t)n >= out_bytes ? DW_EINVAL : 0;
}

int dw_profile_dir(int idx, char *out, size_t out_bytes)
{
    int rc;
    if (!out || out_bytes == 0)
        return DW_EINVAL;
    if (idx == 0) {
        rc = dw__xdg_dir("config", "profiles", out, out_bytes);
        if (rc == DW_ENOENT) /* neither XDG_CONFIG_HOME nor HOME */
            rc = put(out, out_bytes, "/nonexistent/.config/discwright/profiles");
    } else if (idx == 1) {
        const char *env = getenv("DW_PROFILES_DIR");
        if (env && env[0])
            rc = put(out, out_bytes, env);
        else if ((rc = dw__xdg_dir("data", "profiles", out, out_bytes)) == DW_ENOENT)
            rc = put(out, out_bytes, "/nonexistent/.local/share/discwright/profiles");
    } else if (idx == 2) {
        rc = installed_dir(out, out_bytes);
        if (rc == DW_ENOENT) /* dladdr has no answer: a path that says so */
            rc = put(out, out_bytes, "/nonexistent/share/discwright/profiles");
    } else {
        return DW_ERANGE;
    }
    if (rc) {
        out[0] = '\0';
        return DW_EINVAL;
    }
    return 0;
}

int dw__profile_path(int idx, const char *name, char *out, size_t out_bytes)
{
    int rc = dw_profile_dir(idx, out, out_bytes);
    if (rc)
        return rc;
    size_t used = strlen(out);
    int n = snprintf(out + used, out_bytes - used, "/%s", name);
    if (n < 0 || (size_t)n >= out_bytes - used) {
        out[0] = '\0';
        return DW_EINVAL;
    }
    return 0;
}

int dw__profile_find(int *idx, const char *name, char *out, size_t out_bytes)
{
    for (;; ++*idx) {
        struct stat st;
        int rc = dw__profile_path(*idx, name, out, out_bytes);
        if (rc == DW_ERANGE)
            break;
        if (!rc && stat(out, &st) == 0)
            return 0;
    }
    out[0] = '\0';
    return DW_ENOENT;
}

int dw_profile_offset_table(int idx, char *out, size_t out_bytes)
{
    return dw__profile_path(idx, TABLE_NAME, out, out_bytes);
}

void dw__profile_normalize(const char *in, char *out, size_t out_bytes)
{
    size_t o = 0;
    bool blank = false;
    while (*in && isspace((unsigned char)*in))
        in++;
    for (; *in && o + 1 < out_bytes; in++) {
        if (isspace((unsigned char)*in)) {
            blank = true;
            continue;
        }
        if (blank && o + 2 < out_bytes)
            out[o++] = ' ';
        blank = false;
        out[o++] = *in;
    }
    out[o] = '\0';
}

int dw__profile_offset_line(char *line, char **vendor, char **model, long *offset)
{
    line[strcspn(line, "\r\n")] = '\0';
    char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0' || *p == '#')
        return 0;
    char *t1 = strchr(line, '\t');
    char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    if (!t1 || !t2 || strchr(t2 + 1, '\t'))
        return -1;
    *t1 = *t2 = '\0';
    char *end;
    const char *num = t2 + 1;
    while (*num == ' ')
        num++;
    *offset = strtol(num, &end, 10);
    while (*end == ' ')
        end++;
    if (end == num || *end || *offset < -100000 || *offset > 100000)
        return -1;
    *vendor = line;
    *model = t1 + 1;
    return 1;
}

int dw_profile_drive_offset(const char *vendor, const char *model, struct dw_drive_offset *out)
{
    char want_vendor[64], want_model[64];
    if (!vendor || !model || !out)
        return DW_EINVAL;
    memset(out, 0, sizeof(*out));
    dw__profile_normalize(vendor, want_vendor, sizeof(want_vendor));
    dw__profile_normalize(model, want_model, sizeof(want_model));
    for (int idx = 0;; idx++) {
        char path[4096];
        int rc = dw_profile_offset_table(idx, path, sizeof(path));
        if (rc == DW_ERANGE)
            break;
        if (rc)
            continue;
        FILE *fp = fopen(path, "r");
        if (!fp)
            continue;
        char line[512];
        int number = 0;
        bool found = false;
        while (!found && fgets(line, sizeof(line), fp)) {
            char *v, *m, nv[64], nm[64];
            long off;
            number++;
            int k = dw__profile_offset_line(line, &v, &m, &off);
            if (k < 0)
                out->bad_lines++;
            if (k <= 0)
                continue;
            dw__profile_normalize(v, nv, sizeof(nv));
            dw__profile_normalize(m, nm, sizeof(nm));
            if (strcasecmp(nv, want_vendor) != 0 || strcasecmp(nm, want_model) != 0)
                continue;
            out->samples = (int32_t)off;
            snprintf(out->vendor, sizeof(out->vendor), "%s", nv);
            snprintf(out->model, sizeof(out->model), "%s", nm);
            snprintf(out->table, sizeof(out->table), "%s", path);
            out->line = number;
            found = true;
        }
        fclose(fp);
        if (found)
            return 0;
    }
    return DW_ENOENT;
}
