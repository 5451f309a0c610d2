/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared helpers of the image readers: file and span tables, warnings,
 * error detail, and FILE name resolution. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "image/image.h"

void dw__image_free(struct dw__image *img)
{
    if (!img)
        return;
    for (int i = 0; i < img->file_count; i++) {
        free(img->files[i].path);
        if (img->files[i].vops && img->files[i].vctx)
            img->files[i].vops->close(img->files[i].vctx);
    }
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
    files[img->file_count].vops = NULL;
    files[img->file_count].vctx = NULL;
    return img->file_count++;
}

int dw__image_add_vfile(struct dw__image *img, const char *path, uint64_t decoded_bytes,
                        const struct dw__vfile_ops *ops, void *ctx)
{
    int index = dw__image_add_file(img, path, decoded_bytes);
    if (index < 0) {
        ops->close(ctx);
        return index;
    }
    img->files[index].vops = ops;
    img->files[index].vctx = ctx;
    return index;
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

int dw__image_check_cd_leadout(const char *name, int64_t leadout_lba, struct dw_error_detail *err)
{
    if (leadout_lba <= DW__CD_MAX_LEADOUT_LBA)
        return 0;
    /* Absolute time of the lead-out (LBA + 150), minutes unbounded. */
    int64_t frames = leadout_lba + 150;
    return dw__set_error(err, DW_ERANGE,
                         "'%s': the layout ends at LBA %" PRId64 " (%" PRId64 ":%02d:%02d), "
                         "past the 100 minutes a CD holds (its lead-out is at LBA %d at the "
                         "latest, the last sector at 99:59:74): the description is damaged "
                         "or does not describe a CD",
                         name, leadout_lba, frames / (60 * 75), (int)(frames / 75 % 60),
                         (int)(frames % 75), DW__CD_MAX_LEADOUT_LBA);
}

const char *dw__file_kind(unsigned mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISREG(mode))
        return "a regular file";
    return "a special file";
}

int dw__image_open_file(const char *path, bool allow_block, int *fd, uint64_t *size_bytes,
                        struct dw_error_detail *err)
{
    struct stat st;
    int rc = 0;
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (*fd < 0)
        return dw__set_error_errno(err, errno, "cannot open '%s'", path);
    if (fstat(*fd, &st) != 0) {
        rc = dw__set_error_errno(err, errno, "cannot open '%s'", path);
        goto out;
    }
    if (!S_ISREG(st.st_mode) && !(allow_block && S_ISBLK(st.st_mode))) {
        rc = dw__set_error(err, DW_EINVAL,
                           "'%s' is %s, not an image file: discwright reads images it can "
                           "seek in; copy it to a regular file first",
                           path, dw__file_kind(st.st_mode));
        goto out;
    }
    int fl = fcntl(*fd, F_GETFL);
    if (fl < 0 || fcntl(*fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        rc = dw__set_error_errno(err, errno, "cannot open '%s'", path);
        goto out;
    }
    if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(*fd, 0, SEEK_END);
        if (end < 0) {
            rc = dw__set_error_errno(err, errno, "cannot find the size of '%s'", path);
            goto out;
        }
        *size_bytes = (uint64_t)end;
    } else {
        *size_bytes = (uint64_t)st.st_size;
    }
out:
    if (rc) {
        close(*fd);
        *fd = -1;
    }
    return rc;
}

int dw__image_fopen(const char *path, FILE **fp, uint64_t *size_bytes,
                    struct dw_error_detail *err)
{
    uint64_t size;
    int fd, rc;
    *fp = NULL;
    if ((rc = dw__image_open_file(path, false, &fd, &size, err)))
        return rc;
    if (!(*fp = fdopen(fd, "rb"))) {
        rc = dw__set_error_errno(err, errno, "cannot open '%s'", path);
        close(fd);
        return rc;
    }
    if (size_bytes)
        *size_bytes = size;
    return 0;
}
