/* discwright internal: drive backends.
 *
 * struct dw_drive is a small vtable plus the state every backend shares.
 * drive.c dispatches; drive_image.c serves images; drive_mmc.c talks MMC
 * through libcdio.
 */
#ifndef DW_DRIVE_INT_H
#define DW_DRIVE_INT_H

#include "discwright/drive.h"

struct dw_drive;

struct dw__drive_ops {
    const char *name; /* "mmc", "image" */
    int (*info)(struct dw_drive *d, struct dw_drive_info *info);
    int (*medium)(struct dw_drive *d, struct dw_medium_info *info);
    /* Build d->disc (called once, lazily, by dw_drive_disc). */
    int (*load_disc)(struct dw_drive *d);
    int (*read_raw)(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf);
    int (*read_user)(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf);
    /* raw + 294-byte C2 pointers; NULL: no C2 (all clear is reported) */
    int (*read_raw_c2)(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf,
                       uint8_t *c2);
    /* raw + 96 bytes of interleaved P-W per sector (2448-byte stride); the
     * contract of dw_drive_read_raw_sub.  NULL: DW_EUNSUPPORTED. */
    int (*read_raw_sub)(struct dw_drive *d, int32_t lba, int32_t sectors, uint8_t *buf);
    /* Q sub-channel of `frames` sectors into q (12 bytes each, BCD as on
     * the disc); the contract of dw_drive_read_q_frames. */
    int (*read_q)(struct dw_drive *d, int32_t lba, int32_t frames, uint8_t *q);
    /* What dw_drive_q_source returns. */
    const char *(*q_source)(struct dw_drive *d);
    int (*lock)(struct dw_drive *d, bool lock);
    int (*eject)(struct dw_drive *d); /* NULL: nothing to eject (images) */
    void (*close)(struct dw_drive *d); /* free backend state in d->priv */
    int32_t max_transfer_sectors;
};

struct dw_drive {
    const struct dw__drive_ops *ops;
    void *priv;                  /* backend state */
    char *address;               /* as opened */
    struct dw_disc *disc;        /* owned, built lazily */
    struct dw_error_detail last_error;
    bool locked;
    char *warnings;              /* owned, may be NULL */
};

/* Record an error on the drive and return code.  lba may be DW_NO_LBA. */
int dw__drive_fail(struct dw_drive *d, int code, long long lba, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Backend constructors: fill d->ops and d->priv, or fail with err set. */
int dw__drive_open_image(struct dw_drive *d, const char *path, bool stdio_prefix,
                         struct dw_error_detail *err);
int dw__drive_open_mmc(struct dw_drive *d, const char *device,
                       struct dw_error_detail *err);

#endif
