/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Images inside containers (container.h): the decoder of the container,
 * then the ISO reader over its decoded bytes, or, for a data file a cue
 * sheet names, the decoder alone. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "discwright/sector.h"
#include "image/container.h"

static int open_decoder(const char *path, enum dw__image_format format, struct dw__decoded *d,
                        struct dw_error_detail *err)
{
    switch (format) {
    case DW_IMAGE_CSO:
    case DW_IMAGE_ZSO:
        return dw__cso_open(path, d, err);
    case DW_IMAGE_ECM:
        return dw__ecm_open(path, d, err);
    case DW_IMAGE_DMG:
        return dw__dmg_open(path, d, err);
    case DW_IMAGE_GZIP:
    case DW_IMAGE_XZ:
        return dw__zstream_open(path, format, d, err);
    default:
        return dw__set_error(err, DW_EINVAL, "'%s' is not in a container discwright decodes",
                             path);
    }
}

static const char *format_tag(enum dw__image_format format)
{
    switch (format) {
    case DW_IMAGE_CSO: return "cso";
    case DW_IMAGE_ZSO: return "zso";
    case DW_IMAGE_ECM: return "ecm";
    case DW_IMAGE_DMG: return "dmg";
    case DW_IMAGE_GZIP: return "iso.gz";
    case DW_IMAGE_XZ: return "iso.xz";
    default: return "iso";
    }
}

int dw__container_read(const char *path, enum dw__image_format format, unsigned iso_flags,
                       struct dw__image **out, struct dw_error_detail *err)
{
    struct dw__decoded d;
    uint8_t *head = NULL;
    int rc;
    *out = NULL;
    if ((rc = open_decoder(path, format, &d, err)))
        return rc;
    /* What the decoded bytes are: an ISO is read; a raw CD image needs the
     * layout its cue sheet gives. */
    size_t head_bytes = d.bytes < DW__SNIFF_HEAD_BYTES ? (size_t)d.bytes : DW__SNIFF_HEAD_BYTES;
    if (!(head = malloc(DW__SNIFF_HEAD_BYTES))) {
        d.ops->close(d.ctx);
        return dw__set_error(err, DW_ENOMEM, "out of memory reading '%s'", path);
    }
    if ((rc = d.ops->pread(d.ctx, head, head_bytes, 0, err))) {
        d.ops->close(d.ctx);
        goto out;
    }
    enum dw__image_format inner = dw__image_sniff_bytes(head, head_bytes, NULL, 0, d.bytes, NULL);
    if (format == DW_IMAGE_ECM || inner == DW_IMAGE_RAW_CD) {
        const char *slash = strrchr(path, '/');
        const char *base = slash ? slash + 1 : path;
        size_t stem = strlen(base);
        if (format == DW_IMAGE_ECM && stem > 4)
            stem -= 4; /* ".ecm" */
        d.ops->close(d.ctx);
        rc = dw__set_error(err, DW_EUNSUPPORTED,
                           "'%s' holds %s without its layout: open the cue sheet that "
                           "names it instead (FILE \"%.*s\" BINARY; discwright finds '%s' "
                           "when the cue names the file without%s)",
                           path, inner == DW_IMAGE_RAW_CD ? "a raw CD image" : "a CD image",
                           (int)stem, base, base,
                           format == DW_IMAGE_ECM ? " .ecm" : " its compression suffix, or with it");
        goto out;
    }
    if (inner != DW_IMAGE_ISO && inner != DW_IMAGE_UNKNOWN) {
        const char *name = dw__image_format_name(inner);
        d.ops->close(d.ctx);
        rc = dw__set_error(err, DW_EUNSUPPORTED,
                           "'%s' holds %s %s, not an ISO image: decompress it first and open "
                           "the result",
                           path, strchr("aeiouAEIOU", name[0]) ? "an" : "a", name);
        goto out;
    }
    rc = dw__iso_read_vfile(path, d.bytes, format_tag(format), iso_flags, d.ops, d.ctx, out, err);
out:
    free(head);
    return rc;
}

int dw__container_open_data(const char *path, struct dw__decoded *out,
                            struct dw_error_detail *err)
{
    enum dw__image_format format;
    struct dw_error_detail ignored = {0};
    memset(out, 0, sizeof(*out));
    dw__image_sniff(path, &format, &ignored);
    if (format != DW_IMAGE_ECM && format != DW_IMAGE_GZIP && format != DW_IMAGE_XZ)
        return 0;
    int rc = open_decoder(path, format, out, err);
    return rc ? rc : 1;
}

int dw__container_resolve(const char *desc_path, const char *name, char **out,
                          bool *case_differs)
{
    static const char *const suffixes[] = {".ecm", ".gz", ".xz"};
    size_t n = strlen(name);
    char *alt = malloc(n + 5);
    int rc = DW_ENOENT;
    if (!alt)
        return DW_ENOMEM;
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]) && rc == DW_ENOENT; i++) {
        memcpy(alt, name, n);
        strcpy(alt + n, suffixes[i]);
        rc = dw__image_resolve_file(desc_path, alt, out, case_differs);
    }
    free(alt);
    return rc;
}

bool dw__image_holds_iso(const struct dw__image *img)
{
    static const enum dw__image_format iso_holders[] = {DW_IMAGE_CSO, DW_IMAGE_ZSO, DW_IMAGE_DMG,
                                                        DW_IMAGE_GZIP, DW_IMAGE_XZ};
    if (strcmp(img->format, "iso") == 0)
        return true;
    for (size_t i = 0; i < sizeof(iso_holders) / sizeof(iso_holders[0]); i++)
        if (strcmp(img->format, format_tag(iso_holders[i])) == 0)
            return true;
    return false;
}
