/* ISO image reader: a file of 2048-byte user-data sectors (ECMA-119 images,
 * DVD/BD dumps, stdio: files), presented as one Mode 1 data track. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "discwright/sector.h"
#include "image/image.h"

int dw__iso_read(const char *path, struct dw__image **out, struct dw_error_detail *err)
{
    struct stat st;
    struct dw__image *img = NULL;
    int rc;
    *out = NULL;
    if (stat(path, &st) != 0)
        return dw__set_error(err, dw_error_from_errno(errno), "cannot open '%s': %s", path,
                             strerror(errno));
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return dw__set_error(err, DW_EINVAL, "'%s' is not a regular file", path);
    if (st.st_size < DW_SECTOR_USER_BYTES)
        return dw__set_error(err, DW_ETRUNC,
                             "'%s' holds %lld bytes, less than one 2048-byte sector: it is not "
                             "an ISO image",
                             path, (long long)st.st_size);
    img = calloc(1, sizeof(*img));
    if (!img || !(img->disc = dw_disc_new())) {
        rc = DW_ENOMEM;
        goto out;
    }
    snprintf(img->format, sizeof(img->format), "iso");
    if (st.st_size % DW_SECTOR_USER_BYTES)
        dw__image_warn(img, "'%s' ends with %lld bytes that are not a whole 2048-byte sector; "
                       "they are left out",
                       path, (long long)(st.st_size % DW_SECTOR_USER_BYTES));
    int32_t sectors = (int32_t)(st.st_size / DW_SECTOR_USER_BYTES);
    if ((rc = dw__image_add_file(img, path, (uint64_t)st.st_size)) < 0)
        goto out;
    struct dw__span s = {.lba = 0, .sectors = sectors, .file = rc, .offset_bytes = 0,
                         .stride_bytes = DW_SECTOR_USER_BYTES, .layout = DW_SPAN_MODE1_2048,
                         .track = 1};
    if ((rc = dw__image_add_span(img, &s)) < 0)
        goto out;
    struct dw_track *t = &img->disc->tracks[0];
    img->disc->track_count = 1;
    t->number = 1;
    t->session = 1;
    t->mode = DW_MODE_MODE1;
    t->control = DW_CTL_DATA;
    t->index_lba[1] = 0;
    t->index_count = 2;
    img->disc->leadout_lba = sectors;
    char msg[200];
    if ((rc = dw_disc_finish(img->disc, msg, sizeof(msg)))) {
        dw__set_error(err, rc, "'%s': %s", path, msg);
        goto out;
    }
    *out = img;
    img = NULL;
    rc = 0;
out:
    if (rc == DW_ENOMEM)
        dw__set_error(err, rc, "out of memory reading '%s'", path);
    dw__image_free(img);
    return rc;
}
