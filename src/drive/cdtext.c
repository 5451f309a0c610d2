/* CD-TEXT packs (IEC 61866; MMC READ TOC/PMA/ATIP format 0101b, or a
 * CDRWin/cdrecord .cdt file) decoded with libcdio's parser into the disc
 * model.  Shared by the MMC backend and the cue reader's CDTEXTFILE. */
#include <string.h>
#include <cdio/cdtext.h>
#include "drive/mmc.h"

/* Copy at most dst_bytes-1 bytes, never cutting a UTF-8 character. */
static void copy_utf8(char *dst, size_t dst_bytes, const char *src)
{
    size_t n = src ? strlen(src) : 0;

    if (n >= dst_bytes) {
        n = dst_bytes - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--; /* back to the lead byte of the cut character, dropped */
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Fill the fields of *out that are empty from block 0 of ct. */
static bool cdtext_fill(struct dw_cdtext *out, const cdtext_t *ct, track_t track)
{
    static const cdtext_field_t fields[6] = {
        CDTEXT_FIELD_TITLE,    CDTEXT_FIELD_PERFORMER, CDTEXT_FIELD_SONGWRITER,
        CDTEXT_FIELD_COMPOSER, CDTEXT_FIELD_ARRANGER,  CDTEXT_FIELD_MESSAGE};
    char *dst[6] = {out->title,    out->performer, out->songwriter,
                    out->composer, out->arranger,  out->message};
    bool any = false;

    for (int i = 0; i < 6; i++) {
        const char *v = cdtext_get_const(ct, fields[i], track);
        if (!dst[i][0])
            copy_utf8(dst[i], DW_CDTEXT_BYTES, v);
        any = any || (v && v[0]);
    }
    return any;
}

int dw__cdtext_apply(uint8_t *packs, size_t pack_bytes, struct dw_disc *disc)
{
    if (!pack_bytes || pack_bytes % 18 || !dw__mmc_cdtext_is_safe(packs, pack_bytes))
        return DW_EPARSE;
    cdtext_t *ct = cdtext_init();
    if (!ct)
        return DW_ENOMEM;
    int rc = DW_EPARSE;
    if (cdtext_data_init(ct, packs, pack_bytes) == 0) {
        if (cdtext_fill(&disc->cdtext, ct, 0))
            disc->has_cdtext = true;
        for (int i = 0; i < disc->track_count; i++)
            if (cdtext_fill(&disc->tracks[i].cdtext, ct, (track_t)disc->tracks[i].number))
                disc->has_cdtext = true;
        rc = 0;
    }
    cdtext_destroy(ct); /* frees ct as well (libcdio 2.1) */
    return rc;
}
