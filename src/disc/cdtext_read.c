/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CD-TEXT packs (IEC 61866; MMC READ TOC/PMA/ATIP format 0101b, or a
 * CDRWin/cdrecord .cdt file) decoded with libcdio's parser into the disc
 * model.  Shared by the MMC backend and the image readers (the cue's
 * CDTEXTFILE, NRG CDTX chunks). */
#include <string.h>
#include <cdio/cdtext.h>
#include "disc/disc_int.h"

/* Pack types (IEC 61866; libcdio cdtext_private.h). */
#define PACK_TITLE 0x80
#define PACK_UPC 0x8E
#define PACK_GENRE 0x87
#define PACK_SIZE_INFO 0x8F

bool dw__cdtext_is_safe(const uint8_t *packs, size_t pack_bytes)
{
    /* A model of libcdio 2.1's cdtext_data_init(), found by feeding it
     * packs (tests/unit/test_mmc.c keeps the cases): where it would warn,
     * refuse, or file a text under the wrong track, say no. */
    int block = -1, seq = 0, used = 0;

    if (!packs || pack_bytes < 18 || pack_bytes % 18 != 0)
        return false;
    for (size_t off = 0; off < pack_bytes; off += 18) {
        const uint8_t *p = packs + off;
        int p_block = (p[3] >> 4) & 0x07;
        bool empty_seen = false; /* an empty text ended in this pack */
        int j = 0;

        if (block != p_block || seq != p[2]) {
            /* A new block: it reads the size information packs from here
             * to the end and needs pack 1 to count three of them. */
            int size_packs = 0;
            block = p_block;
            seq = 0;
            for (size_t i = off; i + 18 <= pack_bytes; i += 18)
                if (packs[i] == PACK_SIZE_INFO && packs[i + 1] == 1)
                    size_packs = packs[i + 4 + 7];
            if (size_packs != 3)
                return false;
        }
        if (p[3] & 0x80) /* double-byte characters: not modelled */
            return false;
        if (p[0] == PACK_GENRE && p[4] <= 31)
            j = 2; /* genre code first */
        if ((p[0] >= PACK_TITLE && p[0] <= PACK_GENRE) || p[0] == PACK_UPC) {
            for (; j < 12; j++) {
                if (p[4 + j] != 0) {
                    if (used >= 253) /* "CD-TEXT: Field too long." */
                        return false;
                    used++;
                } else if (used == 0) {
                    empty_seen = true; /* does not advance its track count */
                } else {
                    /* A text ends here; after an empty one in the same
                     * pack it would be filed one track too early. */
                    if (empty_seen && p_block == 0)
                        return false;
                    used = 0;
                }
            }
        }
        seq++;
    }
    return true;
}

/* Bytes of the valid UTF-8 character at p (no overlong form, surrogate or
 * code point past U+10FFFF), or 0. */
static size_t utf8_char_bytes(const unsigned char *p)
{
    size_t n = p[0] < 0x80                    ? 1
               : p[0] >= 0xC2 && p[0] <= 0xDF ? 2
               : (p[0] & 0xF0) == 0xE0        ? 3
               : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
                                              : 0;
    uint32_t cp = n == 1 ? p[0] : p[0] & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3Fu);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

/* Copy text libcdio decoded into dst (dst_bytes with its NUL) as valid
 * UTF-8: libcdio hands over the bytes unconverted when a block names a
 * character code it does not know, so a byte that starts no valid UTF-8
 * character is taken as ISO 8859-1 (as dw__latin1_next reads it) and
 * written as that character.  Stops before a character that would not fit
 * whole. */
static void copy_utf8(char *dst, size_t dst_bytes, const char *src)
{
    const unsigned char *p = (const unsigned char *)(src ? src : "");
    size_t used = 0;

    while (*p) {
        size_t n = utf8_char_bytes(p);
        unsigned char latin1[2] = {(unsigned char)(0xC0 | p[0] >> 6),
                                   (unsigned char)(0x80 | (p[0] & 0x3F))};
        const unsigned char *c = n ? p : latin1;
        size_t c_bytes = n ? n : 2;
        if (used + c_bytes >= dst_bytes)
            break;
        memcpy(dst + used, c, c_bytes);
        used += c_bytes;
        p += n ? n : 1;
    }
    dst[used] = '\0';
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
    if (!pack_bytes || pack_bytes % 18 || !dw__cdtext_is_safe(packs, pack_bytes))
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
