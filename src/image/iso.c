/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ISO image reader: a file of 2048-byte user-data sectors (ECMA-119 images,
 * UDF images, DVD/BD dumps, stdio: files), presented as one Mode 1 data
 * track.
 *
 * An ISO image is told from any other file of 2048-byte multiples by its
 * volume recognition area, which starts at byte 32768 (sector 16), after
 * the 32 KiB system area:
 *  - ECMA-119 8.1 (ISO 9660): a sequence of 2048-byte volume descriptors,
 *    each type (1 byte: 0 boot record, 1 primary, 2 supplementary or
 *    enhanced, 3 volume partition, 255 terminator), "CD001", version;
 *  - ECMA-167 2/8.3 (UDF): the volume recognition sequence, 2048-byte
 *    descriptors "BEA01" (begin), "NSR02" or "NSR03" (an ECMA-167 volume),
 *    "TEA01" (end), possibly after the ISO 9660 descriptors of a bridge
 *    disc ("CD001", "CDW02", "BOOT2" are the other identifiers it allows).
 * The primary volume descriptor gives the volume space size (8.4.8, a
 * both-byte-order 32-bit number at byte 80), the logical block size (8.4.12,
 * both-byte-order 16-bit at byte 128) and the volume identifier (8.4.6,
 * 32 d-characters at byte 40).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "discwright/sector.h"
#include "image/image.h"

#define ISO_VRS_OFFSET_BYTES (16 * DW_SECTOR_USER_BYTES)
#define ISO_VRS_READ_BYTES (16 * DW_SECTOR_USER_BYTES) /* sectors 16..31 */

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* One 2048-byte volume structure descriptor: its 5-byte identifier at byte
 * 1, as an index into ids[], or -1. */
static int vsd_id(const uint8_t *d)
{
    static const char *const ids[] = {"CD001", "CDW02", "BOOT2", "BEA01",
                                      "NSR02", "NSR03", "TEA01"};
    for (int i = 0; i < (int)(sizeof(ids) / sizeof(ids[0])); i++)
        if (memcmp(d + 1, ids[i], 5) == 0)
            return i;
    return -1;
}

enum { VSD_CD001 = 0, VSD_CDW02, VSD_BOOT2, VSD_BEA01, VSD_NSR02, VSD_NSR03, VSD_TEA01 };

static void read_pvd(const uint8_t *d, struct dw__iso_volume *vol)
{
    uint32_t size_le = le32(d + 80), size_be = be32(d + 84);
    unsigned block_le = d[128] | d[129] << 8, block_be = (unsigned)d[130] << 8 | d[131];
    vol->iso9660 = true;
    /* Both byte orders must agree (ECMA-119 7.3.3, 7.2.3); a number that
     * disagrees with itself is not trusted. */
    vol->volume_sectors = size_le == size_be ? size_le : 0;
    vol->block_bytes = block_le == block_be ? block_le : 0;
    size_t n = 32;
    while (n > 0 && (d[40 + n - 1] == ' ' || d[40 + n - 1] == '\0'))
        n--;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = d[40 + i];
        vol->volume_id[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    vol->volume_id[n] = '\0';
}

int dw__iso_volume_parse(const uint8_t *buf, size_t bytes, struct dw__iso_volume *vol)
{
    bool in_udf = false, cd001_run = true;
    memset(vol, 0, sizeof(*vol));
    for (size_t off = 0; off + DW_SECTOR_USER_BYTES <= bytes; off += DW_SECTOR_USER_BYTES) {
        const uint8_t *d = buf + off;
        int id = vsd_id(d);
        if (id < 0)
            break; /* the end of the recognition area (ECMA-167 2/8.3) */
        if (id == VSD_CD001 && cd001_run) {
            /* ECMA-119 8.1: the set starts at sector 16 and ends with a
             * terminator; a primary descriptor must be in it. */
            if (d[0] == 1 && !vol->iso9660)
                read_pvd(d, vol);
            if (d[0] == 255)
                cd001_run = false;
            continue;
        }
        if (off == 0)
            cd001_run = false; /* no ISO 9660 set: UDF alone, if anything */
        if (id == VSD_BEA01)
            in_udf = true;
        else if ((id == VSD_NSR02 || id == VSD_NSR03) && in_udf)
            vol->udf = true;
        else if (id == VSD_TEA01)
            in_udf = false;
    }
    return vol->iso9660 || vol->udf ? 0 : DW_EUNSUPPORTED;
}

static void describe(const struct dw__iso_volume *vol, char *out, size_t out_bytes)
{
    snprintf(out, out_bytes, "%s", vol->iso9660 && vol->udf ? "ISO 9660 + UDF"
                                    : vol->iso9660          ? "ISO 9660"
                                    : vol->udf              ? "UDF"
                                                            : "raw 2048-byte");
}

/* Read the volume recognition area of an open file of size_bytes. */
static int read_vrs(int fd, uint64_t size_bytes, uint8_t *buf, size_t *got)
{
    *got = 0;
    if (size_bytes <= ISO_VRS_OFFSET_BYTES)
        return 0;
    size_t want = size_bytes - ISO_VRS_OFFSET_BYTES < ISO_VRS_READ_BYTES
                      ? (size_t)(size_bytes - ISO_VRS_OFFSET_BYTES)
                      : ISO_VRS_READ_BYTES;
    while (*got < want) {
        ssize_t n = pread(fd, buf + *got, want - *got, (off_t)(ISO_VRS_OFFSET_BYTES + *got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return 0;
}

/* The image of an ISO volume of size_bytes, whose recognition area (from
 * sector 16) is vrs, vrs_bytes: one Mode 1 track over the file.  ops NULL:
 * a plain file; else a decoded file whose ctx this takes (closed on
 * failure too).  format names the container ("iso", "cso", ...). */
static int iso_build(const char *path, uint64_t size_bytes, const uint8_t *vrs, size_t vrs_bytes,
                     unsigned flags, const char *format, const struct dw__vfile_ops *ops,
                     void *ctx, struct dw__image **out, struct dw_error_detail *err)
{
    struct dw__image *img = NULL;
    struct dw__iso_volume vol;
    int rc;
    if (size_bytes < DW_SECTOR_USER_BYTES) {
        rc = dw__set_error(err, DW_ETRUNC,
                           "'%s' holds %" PRIu64 " bytes%s, less than one 2048-byte sector: it "
                           "is not an ISO image",
                           path, size_bytes, ops ? " when decoded" : "");
        goto out;
    }
    uint64_t sectors = size_bytes / DW_SECTOR_USER_BYTES;
    if (sectors > (uint64_t)DW__MAX_MEDIUM_SECTORS) {
        rc = dw__set_error(err, DW_ERANGE,
                           "'%s' holds %" PRIu64 " sectors of 2048 bytes, more than the "
                           "largest disc (%lld sectors, a 128 GB BD-R XL): it is not the "
                           "image of a disc",
                           path, sectors, DW__MAX_MEDIUM_SECTORS);
        goto out;
    }
    if (dw__iso_volume_parse(vrs, vrs_bytes, &vol) != 0 && !(flags & DW__ISO_RAW)) {
        rc = dw__set_error(err, DW_EUNSUPPORTED,
                           "'%s' has no ISO 9660 or UDF volume descriptor at sector 16%s: it "
                           "is not an ISO image (a plain 2048-byte data image without one "
                           "opens with --raw)",
                           path, ops ? " of its decoded content" : "");
        goto out;
    }
    img = calloc(1, sizeof(*img));
    if (!img || !(img->disc = dw_disc_new())) {
        rc = DW_ENOMEM;
        goto out;
    }
    snprintf(img->format, sizeof(img->format), "%s", format);
    describe(&vol, img->kind, sizeof(img->kind));
    if (size_bytes % DW_SECTOR_USER_BYTES)
        dw__image_warn(img,
                       "'%s' ends with %" PRIu64 " bytes that are not a whole 2048-byte "
                       "sector; they are left out",
                       path, size_bytes % DW_SECTOR_USER_BYTES);
    if (vol.iso9660 && vol.volume_sectors > sectors && vol.block_bytes == DW_SECTOR_USER_BYTES)
        dw__image_warn(img,
                       "'%s' holds %" PRIu64 " sectors but its ISO 9660 volume is %" PRIu64
                       " sectors long: the image is truncated",
                       path, sectors, vol.volume_sectors);
    if (ops) {
        rc = dw__image_add_vfile(img, path, size_bytes, ops, ctx);
        ctx = NULL;
    } else {
        rc = dw__image_add_file(img, path, size_bytes);
    }
    if (rc < 0)
        goto out;
    struct dw__span s = {.lba = 0, .sectors = (int32_t)sectors, .file = rc, .offset_bytes = 0,
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
    img->disc->leadout_lba = (int32_t)sectors;
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
    if (ctx)
        ops->close(ctx);
    dw__image_free(img);
    return rc;
}

int dw__iso_read(const char *path, unsigned flags, struct dw__image **out,
                 struct dw_error_detail *err)
{
    uint8_t *vrs = NULL;
    uint64_t size_bytes = 0;
    size_t vrs_bytes = 0;
    int fd = -1, rc;
    *out = NULL;
    if ((rc = dw__image_open_file(path, true, &fd, &size_bytes, err)))
        return rc;
    if (!(vrs = malloc(ISO_VRS_READ_BYTES))) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
        goto out;
    }
    if ((rc = read_vrs(fd, size_bytes, vrs, &vrs_bytes))) {
        rc = dw__set_error_errno(err, -rc, "cannot read '%s'", path);
        goto out;
    }
    rc = iso_build(path, size_bytes, vrs, vrs_bytes, flags, "iso", NULL, NULL, out, err);
out:
    if (fd >= 0)
        close(fd);
    free(vrs);
    return rc;
}

int dw__iso_read_vfile(const char *path, uint64_t decoded_bytes, const char *format,
                       unsigned flags, const struct dw__vfile_ops *ops, void *ctx,
                       struct dw__image **out, struct dw_error_detail *err)
{
    uint8_t *vrs = NULL;
    size_t vrs_bytes = 0;
    int rc;
    *out = NULL;
    if (decoded_bytes > ISO_VRS_OFFSET_BYTES)
        vrs_bytes = decoded_bytes - ISO_VRS_OFFSET_BYTES < ISO_VRS_READ_BYTES
                        ? (size_t)(decoded_bytes - ISO_VRS_OFFSET_BYTES)
                        : ISO_VRS_READ_BYTES;
    vrs_bytes -= vrs_bytes % DW_SECTOR_USER_BYTES;
    if (!(vrs = malloc(ISO_VRS_READ_BYTES))) {
        ops->close(ctx);
        return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
    }
    if (vrs_bytes && (rc = ops->pread(ctx, vrs, vrs_bytes, ISO_VRS_OFFSET_BYTES, err))) {
        ops->close(ctx);
        goto out;
    }
    rc = iso_build(path, decoded_bytes, vrs, vrs_bytes, flags, format, ops, ctx, out, err);
out:
    free(vrs);
    return rc;
}
