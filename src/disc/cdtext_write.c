/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CD-TEXT packs from the disc model (IEC 61866; the packs READ TOC/PMA/ATIP
 * format 0101b returns, MMC-6): language block 0, ISO 8859-1.
 *
 * A text pack is 18 bytes: pack type (80h title ... 85h message, 8Fh size
 * information), track number of the pack's first character (bit 7, the
 * extension flag, clear), sequence number (0.. over the block), block number
 * in bits 6-4 and the position of the first character within its text in
 * bits 3-0 (15 for 15 and more), 12 text bytes, and a CRC-16 (polynomial
 * 1021h, initial 0, inverted, big-endian) over the 16 bytes before it.  The
 * texts of one pack type follow each other, each ended by a NUL: the
 * album's (track 0), then each track's; the last pack is padded with NULs.
 * Three size information packs (8Fh) close the block: character code,
 * first and last track, copyright flags, the number of packs of each type
 * 80h-8Fh, the last sequence number of each of the 8 blocks, and the
 * language code of each block (09h English).
 */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/disc.h"
#include "discwright/errors.h"
#include "disc/disc_int.h"

#define PACK_BYTES 18
#define PACK_TEXT_BYTES 12
#define PACK_TITLE 0x80
#define PACK_SIZE_INFO 0x8F
#define TEXT_PACK_TYPES 6     /* 80h title .. 85h message */
#define MAX_PACKS 256         /* sequence numbers of one block */
#define LANGUAGE_ENGLISH 0x09 /* IEC 61866 / EBU Tech 3258 language code */
#define CHARSET_ISO_8859_1 0x00

/* CRC-16 of a pack (IEC 61866 = the Q sub-channel CRC of ECMA-130 22.3.6). */
uint16_t dw__cdtext_pack_crc(const uint8_t *p, size_t n)
{
    uint16_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return (uint16_t)~crc;
}

size_t dw__latin1_of(const char *utf8, unsigned char *out, size_t out_bytes)
{
    size_t used = 0;
    if (!out_bytes)
        return 0;
    iconv_t cd = iconv_open("ISO-8859-1", "UTF-8");
    char *in = (char *)utf8;
    size_t in_left = strlen(utf8);
    while (in_left > 0 && used + 1 < out_bytes) {
        char *o = (char *)out + used;
        size_t o_left = out_bytes - 1 - used;
        if (cd == (iconv_t)-1 || iconv(cd, &in, &in_left, &o, &o_left) != (size_t)-1) {
            used = (size_t)((unsigned char *)o - out);
            if (cd != (iconv_t)-1)
                break;
            out[used++] = (unsigned char)*in++; /* no converter: the bytes as they are */
            in_left--;
            continue;
        }
        used = (size_t)((unsigned char *)o - out);
        if (errno == E2BIG)
            break;
        /* EILSEQ / EINVAL: a character ISO 8859-1 has not got becomes '?' and
         * is skipped whole; a byte that starts no UTF-8 sequence is taken as
         * ISO 8859-1 already. */
        const unsigned char *p = (const unsigned char *)in;
        size_t seq = p[0] >= 0xF8 ? 0 : p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
        bool valid = seq && seq <= in_left;
        for (size_t k = 1; valid && k < seq; k++)
            valid = (p[k] & 0xC0) == 0x80;
        out[used++] = valid ? '?' : p[0];
        in += valid ? seq : 1;
        in_left -= valid ? seq : 1;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    out[used] = '\0';
    return used;
}

static const char *field_of(const struct dw_cdtext *ct, int kind)
{
    switch (kind) {
    case 0:
        return ct->title;
    case 1:
        return ct->performer;
    case 2:
        return ct->songwriter;
    case 3:
        return ct->composer;
    case 4:
        return ct->arranger;
    default:
        return ct->message;
    }
}

/* Pack builder state. */
struct packer {
    uint8_t *out; /* MAX_PACKS * PACK_BYTES */
    int count;    /* packs written */
    uint8_t pack[PACK_TEXT_BYTES];
    int fill;       /* text bytes in the pack being filled */
    int pack_track; /* track of its first character */
    int pack_pos;   /* position of that character within its text */
    int type;
};

static int flush_pack(struct packer *pk)
{
    if (pk->count >= MAX_PACKS)
        return DW_ERANGE;
    uint8_t *p = pk->out + (size_t)pk->count * PACK_BYTES;
    p[0] = (uint8_t)pk->type;
    p[1] = (uint8_t)pk->pack_track;
    p[2] = (uint8_t)pk->count;
    p[3] =
        (uint8_t)(pk->pack_pos > 15 ? 15 : pk->pack_pos); /* block 0, one byte a char */
    memcpy(p + 4, pk->pack, PACK_TEXT_BYTES);
    uint16_t crc = dw__cdtext_pack_crc(p, 16);
    p[16] = (uint8_t)(crc >> 8);
    p[17] = (uint8_t)crc;
    pk->count++;
    pk->fill = 0;
    memset(pk->pack, 0, sizeof(pk->pack));
    return 0;
}

static int put_byte(struct packer *pk, uint8_t c, int track, int pos)
{
    if (pk->fill == 0) {
        pk->pack_track = track;
        pk->pack_pos = pos;
    }
    pk->pack[pk->fill++] = c;
    return pk->fill == PACK_TEXT_BYTES ? flush_pack(pk) : 0;
}

/* The texts of one pack type: the album's, then each track's, NUL-ended. */
static int put_texts(struct packer *pk, const struct dw_disc *disc, int kind)
{
    int rc;
    pk->type = PACK_TITLE + kind;
    for (int i = -1; i < disc->track_count; i++) {
        const struct dw_cdtext *ct = i < 0 ? &disc->cdtext : &disc->tracks[i].cdtext;
        unsigned char latin1[DW_CDTEXT_BYTES + 1];
        size_t n = dw__latin1_of(field_of(ct, kind), latin1, sizeof(latin1));
        int track = i < 0 ? 0 : disc->tracks[i].number, pos = 0;
        for (size_t k = 0; k < n; k++)
            if ((rc = put_byte(pk, latin1[k], track, pos++)))
                return rc;
        if ((rc = put_byte(pk, 0, track, pos)))
            return rc;
    }
    return pk->fill ? flush_pack(pk) : 0;
}

int dw_cdtext_encode(const struct dw_disc *disc, uint8_t **packs, size_t *pack_bytes)
{
    struct packer pk;
    int counts[16] = {0};
    bool used[TEXT_PACK_TYPES] = {false};
    bool any = false;
    int rc = 0;

    *packs = NULL;
    *pack_bytes = 0;
    if (!disc || disc->track_count <= 0)
        return DW_EINVAL;
    for (int i = 0; i < disc->track_count; i++)
        if (disc->tracks[i].number != disc->tracks[0].number + i)
            return DW_EINVAL;
    for (int k = 0; k < TEXT_PACK_TYPES; k++) {
        used[k] = field_of(&disc->cdtext, k)[0] != '\0';
        for (int i = 0; i < disc->track_count && !used[k]; i++)
            used[k] = field_of(&disc->tracks[i].cdtext, k)[0] != '\0';
        any = any || used[k];
    }
    if (!any)
        return 0;
    memset(&pk, 0, sizeof(pk));
    pk.out = calloc(MAX_PACKS, PACK_BYTES);
    if (!pk.out)
        return DW_ENOMEM;
    for (int k = 0; k < TEXT_PACK_TYPES && !rc; k++) {
        int before = pk.count;
        if (used[k])
            rc = put_texts(&pk, disc, k);
        counts[k] = pk.count - before;
    }
    if (!rc && pk.count + 3 > MAX_PACKS)
        rc = DW_ERANGE;
    if (!rc) {
        /* Size information: 36 bytes over three packs. */
        uint8_t info[3 * PACK_TEXT_BYTES];
        memset(info, 0, sizeof(info));
        counts[PACK_SIZE_INFO - PACK_TITLE] = 3;
        info[0] = CHARSET_ISO_8859_1;
        info[1] = (uint8_t)disc->tracks[0].number;
        info[2] = (uint8_t)disc->tracks[disc->track_count - 1].number;
        info[3] = 0; /* copyright flags: none */
        for (int t = 0; t < 16; t++)
            info[4 + t] = (uint8_t)counts[t];
        info[20] = (uint8_t)(pk.count + 2); /* last sequence number of block 0 */
        info[28] = LANGUAGE_ENGLISH;
        pk.type = PACK_SIZE_INFO;
        for (int n = 0; n < 3 && !rc; n++) {
            memcpy(pk.pack, info + n * PACK_TEXT_BYTES, PACK_TEXT_BYTES);
            pk.pack_track = n;
            pk.pack_pos = 0;
            rc = flush_pack(&pk);
        }
    }
    if (rc) {
        free(pk.out);
        return rc;
    }
    *packs = pk.out;
    *pack_bytes = (size_t)pk.count * PACK_BYTES;
    return 0;
}
