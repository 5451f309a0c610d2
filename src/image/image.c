/* Shared helpers of the image readers: file and span tables, warnings,
 * error detail, and FILE name resolution. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "image/image.h"

void dw__image_free(struct dw__image *img)
{
    if (!img)
        return;
    for (int i = 0; i < img->file_count; i++)
        free(img->files[i].path);
    free(img->files);
    free(img->spans);
    free(img->warnings);
    dw_disc_free(img->disc);
    free(img);
}

int dw__image_add_file(struct dw__image *img, const char *path, uint64_t size_bytes)
{
    struct dw__image_file *files =
        realloc(img->files, (size_t)(img->file_count + 1) * sizeof(*files));
    if (!files)
        return DW_ENOMEM;
    img->files = files;
    files[img->file_count].path = strdup(path);
    if (!files[img->file_count].path)
        return DW_ENOMEM;
    files[img->file_count].size_bytes = size_bytes;
    return img->file_count++;
}

int dw__image_add_span(struct dw__image *img, const struct dw__span *span)
{
    if (span->sectors <= 0)
        return img->span_count;
    struct dw__span *spans =
        realloc(img->spans, (size_t)(img->span_count + 1) * sizeof(*spans));
    if (!spans)
        return DW_ENOMEM;
    img->spans = spans;
    spans[img->span_count] = *span;
    return img->span_count++;
}

void dw__image_warn(struct dw__image *img, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    size_t old = img->warnings ? strlen(img->warnings) : 0;
    char *w = realloc(img->warnings, old + strlen(line) + 2);
    if (!w)
        return;
    memcpy(w + old, line, strlen(line));
    w[old + strlen(line)] = '\n';
    w[old + strlen(line) + 1] = '\0';
    img->warnings = w;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int dw__image_resolve_file(const char *desc_path, const char *name, char **out,
                           bool *case_differs)
{
    struct stat st;
    int rc = DW_ENOENT;
    char *dir = NULL, *full = NULL;
    *out = NULL;
    if (case_differs)
        *case_differs = false;
    /* Windows-made cues use backslashes; keep only the last component then. */
    const char *bs = strrchr(name, '\\');
    if (bs)
        name = bs + 1;
    if (name[0] == '/') {
        full = strdup(name);
        dir = dir_of(name);
        name = strrchr(name, '/') + 1;
    } else {
        dir = dir_of(desc_path);
        full = dir ? join(dir, name) : NULL;
    }
    if (!dir || !full) {
        rc = DW_ENOMEM;
        goto out;
    }
    if (stat(full, &st) == 0) {
        *out = full;
        full = NULL;
        rc = 0;
        goto out;
    }
    DIR *dh = opendir(dir);
    if (dh) {
        struct dirent *de;
        while ((de = readdir(dh)) != NULL) {
            if (strcasecmp(de->d_name, name) == 0) {
                *out = join(dir, de->d_name);
                rc = *out ? 0 : DW_ENOMEM;
                if (case_differs)
                    *case_differs = true;
                break;
            }
        }
        closedir(dh);
    }
out:
    free(dir);
    free(full);
    return rc;
}
