/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small helpers shared by every layer (src/util.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "errors_int.h"
#include "util.h"

double dw__now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int dw__mkdir_p(const char *dir, struct dw_error_detail *err)
{
    char buf[PATH_MAX];
    size_t len = dir ? strlen(dir) : 0;
    if (len == 0 || len >= sizeof(buf))
        return dw__set_error(err, DW_EINVAL, "directory '%s' is not usable", dir ? dir : "");
    memcpy(buf, dir, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        buf[i] = '\0';
        struct stat st;
        if (stat(buf, &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                return dw__set_error(err, DW_EINVAL, "'%s' is not a directory", buf);
        } else if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            return dw__set_error_errno(err, errno, "cannot create directory '%s'", buf);
        }
        buf[i] = dir[i];
    }
    return 0;
}

int dw__mkdir_parents(const char *path, struct dw_error_detail *err)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash || slash == path)
        return 0;
    char buf[PATH_MAX];
    size_t n = (size_t)(slash - path);
    if (n >= sizeof(buf))
        return dw__set_error(err, DW_EINVAL, "path '%s' is too long", path);
    memcpy(buf, path, n);
    buf[n] = '\0';
    return dw__mkdir_p(buf, err);
}

int dw__xdg_dir(const char *kind, const char *leaf, char *out, size_t out_bytes)
{
    static const struct {
        const char *kind, *env, *fallback;
    } kinds[] = {{"cache", "XDG_CACHE_HOME", ".cache"},
                 {"config", "XDG_CONFIG_HOME", ".config"},
                 {"data", "XDG_DATA_HOME", ".local/share"}};
    if (!out || out_bytes == 0)
        return DW_EINVAL;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcmp(kind, kinds[i].kind) != 0)
            continue;
        const char *xdg = getenv(kinds[i].env), *home = getenv("HOME");
        const char *sep = leaf && leaf[0] ? "/" : "", *l = leaf ? leaf : "";
        int n;
        if (xdg && xdg[0] == '/')
            n = snprintf(out, out_bytes, "%s/discwright%s%s", xdg, sep, l);
        else if (home && home[0])
            n = snprintf(out, out_bytes, "%s/%s/discwright%s%s", home, kinds[i].fallback, sep, l);
        else
            return DW_ENOENT;
        if (n < 0 || (size_t)n >= out_bytes) {
            out[0] = '\0';
            return DW_EINVAL;
        }
        return 0;
    }
    return DW_EINVAL;
}
