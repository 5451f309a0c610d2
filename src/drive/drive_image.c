/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Image backend: serves raw 2352-byte sectors and 2048-byte user data from
 * the span map of a cue / cdrdao TOC / NRG / ISO image.  Sectors stored as
 * user data only are rebuilt as full sectors (ECMA-130 cl. 14), so a rip of
 * an image runs the same pipeline as a rip of a drive. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "discwright/disc.h"
#include "discwright/sector.h"
#include "drive/drive_int.h"
#include "image/container.h"
#include "image/image.h"

#define IMAGE_MAX_TRANSFER 64

struct image_drive {
    struct dw__image *img;
    int *fds;
    uint8_t *scratch; /* IMAGE_MAX_TRANSFER * largest stride */
    size_t scratch_bytes;
};

static const struct dw__span *find_span(const struct dw__image *img, int32_t lba)
{
    int lo = 0, hi = img->span_count - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const struct dw__span *s = &img->spans[mid];
        if (lba < s->lba)
            hi = mid - 1;
        else if (lba >= s->lba + s->sectors)
            lo = mid + 1;
        else
            return s;
    }
    return NULL;
}

static const struct dw_track *track_of(const struct dw_disc *disc, int number)
{
    const struct dw_track *t = dw_disc_track(disc, number);
    return t ? t : &disc->tracks[0];
}

static int image_info(struct dw_drive *d, struct dw_drive_info *info)
{
    struct image_drive *im = d->priv;
    info->kind = DW_DRIVE_IMAGE;
    snprintf(info->vendor, sizeof(info->vendor), "IMAGE");
    if (im->img->kind[0])
        snprintf(info->model, sizeof(info->model), "%s", im->img->kind);
    else
        snprintf(info->model, sizeof(info->model), "%s file", im->img->format);
    snprintf(info->firmware, sizeof(info->firmware), "%s", "0.1");
    snprintf(info->backend, sizeof(info->backend), "%s", im->img->format);
    info->medium_loaded = true;
    return 0;
}

static int image_medium(struct dw_drive *d, struct dw_medium_info *info)
{
    struct image_drive *im = d->priv;
    const struct dw_disc *disc = im->img->disc;
    bool cd = !dw__image_holds_iso(im->img) && !im->img->dvd;
    info->profile = cd ? 0x08 : im->img->dvd ? 0x10 : 0;
    snprintf(info->profile_name, sizeof(info->profile_name), "%s",
             cd ? "CD-ROM" : im->img->dvd ? "DVD-ROM" : "ISO image file");
    info->status = DW_STATUS_CLOSED;
    info->capacity_sectors = disc->leadout_lba;
    info->user_sector_bytes = DW_SECTOR_USER_BYTES;
    info->is_cd = cd;
    info->session_count = disc->session_count;
    return 0;
}

static int image_load_disc(struct dw_drive *d)
{
    struct image_drive *im = d->priv;
    d->disc = dw_disc_clone(im->img->disc);
    return d->disc ? 0 : dw__drive_fail(d, DW_ENOMEM, DW_NO_LBA, "out of memory");
}

/* A data sector that the image does not hold (silence, pregap): a valid
 * empty sector of the track's mode. */
static void synth_empty(uint8_t *raw, int32_t lba, const struct dw_track *t)
{
    static const uint8_t zero[DW_SECTOR_FORM2_BYTES];
    static const uint8_t sub_form2[4] = {0, 0, 0x20, 0};
    if (!dw_track_is_data(t)) {
        memset(raw, 0, DW_SECTOR_RAW_BYTES);
    } else if (t->mode == DW_MODE_MODE1) {
        dw_sector_encode_mode1(raw, lba, zero);
    } else {
        dw_sector_encode_mode2(raw, lba, 2, sub_form2, zero);
    }
}

/* Read bytes of image file `file` at offset: pread(2) on its descriptor,
 * or its decoder (struct dw__vfile_ops) for a compressed or encoded file. */
static int read_file(struct dw_drive *d, int file, uint8_t *buf, size_t bytes, uint64_t offset,
                     int32_t lba)
{
    struct image_drive *im = d->priv;
    const struct dw__image_file *f = &im->img->files[file];
    if (f->vops) {
        struct dw_error_detail err = {0};
        int rc = f->vops->pread(f->vctx, buf, bytes, offset, &err);
        if (rc)
            return dw__drive_fail(d, rc, lba, "cannot read sector %d from '%s': %s", lba,
                                  d->address, err.message[0] ? err.message : dw_strerror(rc));
        return 0;
    }
    int fd = im->fds[file];
    size_t done = 0;
    while (done < bytes) {
        ssize_t n = pread(fd, buf + done, bytes - done, (off_t)(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            d->last_error.sys_errno = n < 0 ? errno : 0;
            return dw__drive_fail(d, n < 0 ? DW_EIO : DW_ETRUNC, lba,
                                  "cannot read sector %d from '%s': %s", lba, d->address,
                                  n < 0 ? strerror(errno) : "the file ended early");
        }
        done += (size_t)n;
    }
    return 0;
}

/* Serve up to n sectors of one span; returns sectors served or an error. */
static int serve_span(struct dw_drive *d, const struct dw__span *s, int32_t lba, int32_t n,
                      uint8_t *out)
{
    struct image_drive *im = d->priv;
    const struct dw_track *t = track_of(im->img->disc, s->track);
    int32_t first = lba - s->lba;
    if (n > s->sectors - first)
        n = s->sectors - first;
    if (s->layout == DW_SPAN_ZERO) {
        for (int32_t i = 0; i < n; i++)
            synth_empty(out + (size_t)i * DW_SECTOR_RAW_BYTES, lba + i, t);
        return n;
    }
    uint64_t offset = s->offset_bytes + (uint64_t)first * s->stride_bytes;
    if (s->layout == DW_SPAN_RAW && s->stride_bytes == DW_SECTOR_RAW_BYTES) {
        int rc = read_file(d, s->file, out, (size_t)n * DW_SECTOR_RAW_BYTES, offset, lba);
        return rc ? rc : n;
    }
    if (n > IMAGE_MAX_TRANSFER)
        n = IMAGE_MAX_TRANSFER;
    int rc = read_file(d, s->file, im->scratch, (size_t)n * s->stride_bytes, offset, lba);
    if (rc)
        return rc;
    for (int32_t i = 0; i < n; i++) {
        const uint8_t *src = im->scratch + (size_t)i * s->stride_bytes;
        uint8_t *raw = out + (size_t)i * DW_SECTOR_RAW_BYTES;
        static const uint8_t sub_form1[4] = {0, 0, 0x08, 0};
        switch (s->layout) {
        case DW_SPAN_RAW:
            memcpy(raw, src, DW_SECTOR_RAW_BYTES);
            break;
        case DW_SPAN_AUDIO_BE:
            for (int b = 0; b < DW_SECTOR_RAW_BYTES; b += 2) {
                raw[b] = src[b + 1];
                raw[b + 1] = src[b];
            }
            break;
        case DW_SPAN_MODE1_2048:
            dw_sector_encode_mode1(raw, lba + i, src);
            break;
        case DW_SPAN_FORM1_2048:
            dw_sector_encode_mode2(raw, lba + i, 1, sub_form1, src);
            break;
        case DW_SPAN_MODE2_2336: {
            /* Subheader and payload as stored; rebuild sync and header and
             * leave EDC/ECC as the file has them. */
            uint8_t tmp[DW_SECTOR_RAW_BYTES];
            static const uint8_t zero[DW_SECTOR_FORM2_BYTES];
            dw_sector_encode_mode2(tmp, lba + i, 2, src, zero);
            memcpy(raw, tmp, 16);
            memcpy(raw + 16, src, DW_SECTOR_MODE2_BYTES);
            break;
        }
        case DW_SPAN_ZERO:
            break;
        }
    }
    return n;
}

static int image_read_raw(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    struct image_drive *im = d->priv;
    while (sectors > 0) {
        const struct dw__span *s = find_span(im->img, lba);
        if (!s)
            return dw__drive_fail(d, lba >= 0 && lba < im->img->disc->leadout_lba ? DW_EREAD
                                                                                  : DW_ERANGE,
                                  lba, "sector %d is not on the disc image '%s'", lba,
                                  d->address);
        int n = serve_span(d, s, lba, sectors, buf);
        if (n < 0)
            return n;
        lba += n;
        sectors -= n;
        buf += (size_t)n * DW_SECTOR_RAW_BYTES;
    }
    return 0;
}

static int image_read_user(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    struct image_drive *im = d->priv;
    uint8_t raw[DW_SECTOR_RAW_BYTES];
    while (sectors > 0) {
        const struct dw__span *s = find_span(im->img, lba);
        if (!s)
            return dw__drive_fail(d, DW_ERANGE, lba, "sector %d is not on the disc image '%s'",
                                  lba, d->address);
        const struct dw_track *t = track_of(im->img->disc, s->track);
        if (!dw_track_is_data(t))
            return dw__drive_fail(d, DW_EINVAL, lba,
                                  "sector %d is in audio track %d, which has no 2048-byte user "
                                  "data",
                                  lba, t->number);
        int32_t n = s->sectors - (lba - s->lba);
        if (n > sectors)
            n = sectors;
        if (s->layout == DW_SPAN_MODE1_2048 || s->layout == DW_SPAN_FORM1_2048) {
            uint64_t offset = s->offset_bytes + (uint64_t)(lba - s->lba) * s->stride_bytes;
            if (s->stride_bytes == DW_SECTOR_USER_BYTES) {
                int rc = read_file(d, s->file, buf, (size_t)n * DW_SECTOR_USER_BYTES,
                                   offset, lba);
                if (rc)
                    return rc;
                lba += n;
                sectors -= n;
                buf += (size_t)n * DW_SECTOR_USER_BYTES;
                continue;
            }
        }
        /* One sector at a time through the raw path. */
        int rc = image_read_raw(d, lba, 1, raw);
        if (rc)
            return rc;
        memcpy(buf, raw + (raw[15] == 2 ? DW_OFF_MODE2_DATA : DW_OFF_MODE1_DATA),
               DW_SECTOR_USER_BYTES);
        lba++;
        sectors--;
        buf += DW_SECTOR_USER_BYTES;
    }
    return 0;
}

static int image_fill_sub(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf);

/* ops->read_q: the Q of the image's stored subchannel where its span has
 * one (a CloneCD .sub, an MDF or CHD with P-W: as stored, bad CRCs
 * included, as a drive reads them), else the Q a pressed disc with the
 * image's layout carries (dw_disc_synth_q); LBA -150..-1 and the lead-out
 * of the last session answer too, the lead-in between sessions does not
 * (DW_EREAD), nor anything before -150 or past the lead-out area
 * (DW_ERANGE). */
static int image_read_q(struct dw_drive *d, int32_t lba, int32_t frames, uint8_t *q)
{
    struct image_drive *im = d->priv;
    int first_rc = 0;
    bool any = false;

    for (int32_t k = 0; k < frames; k++) {
        const struct dw__span *s = find_span(im->img, lba + k);
        int rc;
        if (s && s->has_sub) {
            uint8_t pw[DW_SUBCHANNEL_BYTES];
            uint8_t raw[DW_RAW_SUB_SECTOR_BYTES];
            if ((rc = image_fill_sub(d, lba + k, 1, raw)))
                return rc;
            memcpy(pw, raw + DW_SECTOR_RAW_BYTES, sizeof pw);
            dw_subchannel_q(pw, q + (size_t)k * DW_Q_BYTES);
            any = true;
            continue;
        }
        rc = dw_disc_synth_q(im->img->disc, lba + k, q + (size_t)k * DW_Q_BYTES);
        if (rc == 0)
            any = true;
        else if (!first_rc)
            first_rc = dw__drive_fail(d, rc, lba + k,
                                      "sector %ld has no Q sub-channel on the disc image '%s'",
                                      (long)(lba + k), d->address);
    }
    return any ? 0 : first_rc;
}

/* The P-W of `sectors` sectors from lba that the image stores, written at
 * the 2448-byte stride of buf after each sector's 2352 bytes; sectors whose
 * span has none get the P-W a pressed disc with the image's layout
 * carries (dw_disc_synth_pw). */
static int image_fill_sub(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    struct image_drive *im = d->priv;
    for (int32_t k = 0; k < sectors; k++) {
        uint8_t *pw = buf + (size_t)k * DW_RAW_SUB_SECTOR_BYTES + DW_SECTOR_RAW_BYTES;
        const struct dw__span *s = find_span(im->img, lba + k);
        if (!s || !s->has_sub) {
            if (dw_disc_synth_pw(im->img->disc, lba + k, pw))
                memset(pw, 0, DW_SUBCHANNEL_BYTES);
            continue;
        }
        uint8_t packed[DW_SUBCHANNEL_BYTES];
        uint64_t offset =
            s->sub_offset_bytes + (uint64_t)(lba + k - s->lba) * s->sub_stride_bytes;
        int rc = read_file(d, s->sub_file, s->sub_packed ? packed : pw, DW_SUBCHANNEL_BYTES,
                           offset, lba + k);
        if (rc)
            return rc;
        if (s->sub_packed)
            dw_subchannel_interleave(packed, pw);
    }
    return 0;
}

/* ops->read_raw_sub: the raw sectors as image_read_raw serves them, each
 * followed by its P-W (image_fill_sub).  The sectors are read into the
 * front of buf and spread to the 2448-byte stride from the last one back. */
static int image_read_raw_sub(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf)
{
    int rc = image_read_raw(d, lba, sectors, buf);

    if (rc)
        return rc;
    for (int32_t k = sectors - 1; k >= 0; k--) {
        uint8_t *dst = buf + (size_t)k * DW_RAW_SUB_SECTOR_BYTES;
        memmove(dst, buf + (size_t)k * DW_SECTOR_RAW_BYTES, DW_SECTOR_RAW_BYTES);
    }
    return image_fill_sub(d, lba, sectors, buf);
}

static const char *image_q_source(struct dw_drive *d)
{
    struct image_drive *im = d->priv;
    for (int i = 0; i < im->img->span_count; i++)
        if (im->img->spans[i].has_sub)
            return "stored in the image";
    return "synthesized from the image layout";
}

static void image_close(struct dw_drive *d)
{
    struct image_drive *im = d->priv;
    if (!im)
        return;
    for (int i = 0; im->fds && i < im->img->file_count; i++)
        if (im->fds[i] >= 0)
            close(im->fds[i]);
    free(im->fds);
    free(im->scratch);
    dw__image_free(im->img);
    free(im);
    d->priv = NULL;
}

static const char *image_file(struct dw_drive *d, int index)
{
    struct image_drive *im = d->priv;
    if (index == 0)
        return d->address;
    return index - 1 < im->img->file_count ? im->img->files[index - 1].path : NULL;
}

static const struct dw__drive_ops image_ops = {
    .name = "image",
    .info = image_info,
    .medium = image_medium,
    .load_disc = image_load_disc,
    .read_raw = image_read_raw,
    .read_raw_sub = image_read_raw_sub,
    .read_user = image_read_user,
    .read_q = image_read_q,
    .q_source = image_q_source,
    .lock = NULL,
    .close = image_close,
    .file = image_file,
    .max_transfer_sectors = IMAGE_MAX_TRANSFER,
};

int dw__drive_open_image(struct dw_drive *d, const char *path, unsigned image_flags,
                         struct dw_error_detail *err)
{
    struct image_drive *im = calloc(1, sizeof(*im));
    int rc;
    if (!im)
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    rc = dw__image_open(path, image_flags, &im->img, err);
    if (rc)
        goto fail;
    d->priv = im;
    d->ops = &image_ops;
    im->fds = malloc((size_t)(im->img->file_count ? im->img->file_count : 1) * sizeof(int));
    size_t stride = DW_SECTOR_RAW_BYTES;
    for (int i = 0; i < im->img->span_count; i++)
        if (im->img->spans[i].stride_bytes > stride)
            stride = im->img->spans[i].stride_bytes;
    im->scratch_bytes = stride * IMAGE_MAX_TRANSFER;
    im->scratch = malloc(im->scratch_bytes);
    if (!im->fds || !im->scratch) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto fail;
    }
    for (int i = 0; i < im->img->file_count; i++)
        im->fds[i] = -1;
    /* Without blocking on a FIFO put in place of a file since the reader
     * looked at it; a block device only as an ISO (stdio:/dev/...). */
    for (int i = 0; i < im->img->file_count; i++) {
        uint64_t size_bytes;
        if (im->img->files[i].vops)
            continue; /* its decoder holds its own descriptor */
        if ((rc = dw__image_open_file(im->img->files[i].path,
                                      strcmp(im->img->format, "iso") == 0, &im->fds[i],
                                      &size_bytes, err)))
            goto fail;
    }
    if (im->img->warnings)
        d->warnings = strdup(im->img->warnings);
    return 0;
fail:
    d->priv = im;
    image_close(d);
    d->ops = NULL;
    return rc;
}

bool dw__drive_sub_stored(const struct dw_drive *d)
{
    if (dw__drive_is_mmc(d))
        return true;
    /* By name, not by address: under the emulator's LD_PRELOAD library,
     * which carries its own copy of the drive layer, dw_drive_open may be
     * that copy's and its image_ops another table than this one. */
    if (!d || !d->ops || !d->ops->name || strcmp(d->ops->name, "image") != 0 || !d->priv)
        return false;
    const struct dw__image *img = ((const struct image_drive *)d->priv)->img;
    int stored = 0;
    for (int i = 0; i < img->span_count; i++) {
        if (img->spans[i].layout == DW_SPAN_ZERO)
            continue;
        if (!img->spans[i].has_sub)
            return false;
        stored++;
    }
    return stored > 0;
}
