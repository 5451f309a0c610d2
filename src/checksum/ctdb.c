/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CUETools database (CTDB): the TOC id, the lookup TOC, the disc and
 * track CRCs (discwright/ctdb.h has the definitions and their sources).
 *
 * TOC id definition (CUETools' CDImageLayout.TOCID, as documented by the cdtoc
 * crate and checked against its published vectors): "%08X" of each audio
 * track's LBA minus the first audio track's LBA, for tracks 2..A, then of
 * the audio lead-out minus the first LBA, padded with '0' characters to
 * 100 entries (800 characters); SHA-1; MusicBrainz-style Base64. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/ctdb.h"
#include "discwright/discid.h"
#include "discwright/errors.h"
#include "checksum/discid_int.h"
#include "checksum/hashset.h"

#define CTDB_TEXT_CHARS 800
#define DW_CTDB_SECTOR_SAMPLES 588
#define DW_CTDB_SAMPLE_BYTES 4

int dw_discid_ctdb(const int32_t *audio_lba, int audio_count, int32_t audio_leadout_lba,
                   char out[DW_SHA1_ID_BYTES])
{
    if (!out || dw__discid_check_lbas(audio_lba, audio_count, 99, audio_leadout_lba))
        return DW_EINVAL;
    char text[CTDB_TEXT_CHARS + 1];
    memset(text, '0', CTDB_TEXT_CHARS);
    text[CTDB_TEXT_CHARS] = '\0';
    char entry[9];
    for (int i = 1; i <= audio_count; i++) {
        int32_t lba = i < audio_count ? audio_lba[i] : audio_leadout_lba;
        snprintf(entry, sizeof(entry), "%08X", (unsigned)(lba - audio_lba[0]));
        memcpy(text + (size_t)(i - 1) * 8, entry, 8);
    }
    dw__discid_sha1_b64(text, CTDB_TEXT_CHARS, out);
    return 0;
}

/* ------------------------------------------------------------------ */
/* The lookup TOC                                                       */

int dw_ctdb_toc(const struct dw_disc *disc, char *out, size_t out_bytes)
{
    size_t used = 0;
    if (!out || out_bytes == 0)
        return DW_EINVAL;
    out[0] = '\0';
    if (!disc || disc->track_count < 1 || disc->track_count > DW_MAX_TRACKS ||
        disc->leadout_lba == DW_LBA_NONE || disc->leadout_lba < 0)
        return DW_EINVAL;
    for (int i = 0; i <= disc->track_count; i++) {
        const struct dw_track *t = i < disc->track_count ? &disc->tracks[i] : NULL;
        int32_t lba = t ? t->index_lba[1] : disc->leadout_lba;
        if (lba == DW_LBA_NONE || lba < 0) {
            out[0] = '\0';
            return DW_EINVAL;
        }
        int n = snprintf(out + used, out_bytes - used, "%s%ld%s",
                         t && dw_track_is_data(t) ? "-" : "", (long)lba, t ? ":" : "");
        if (n < 0 || (size_t)n >= out_bytes - used) {
            out[0] = '\0';
            return DW_EINVAL;
        }
        used += (size_t)n;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The CRCs                                                             */

int dw_ctdb_layout_from_disc(const struct dw_disc *disc, struct dw_ctdb_layout *out)
{
    if (!disc || !out || disc->track_count < 1 || disc->track_count > DW_MAX_TRACKS)
        return DW_EINVAL;
    memset(out, 0, sizeof(*out));
    int first_audio = -1;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (dw_track_is_data(t))
            continue;
        int32_t start = t->index_lba[1], end = t->end_lba;
        if (i + 1 < disc->track_count && disc->tracks[i + 1].session == t->session &&
            !dw_track_is_data(&disc->tracks[i + 1]))
            end = disc->tracks[i + 1].index_lba[1];
        if (start == DW_LBA_NONE || end == DW_LBA_NONE || start < 0 || end <= start)
            goto bad;
        if (first_audio < 0)
            first_audio = i;
        out->track_samples[out->track_count++] =
            (uint64_t)(end - start) * DW_CTDB_SECTOR_SAMPLES;
    }
    if (first_audio < 0)
        goto bad;
    /* CUETools counts the hidden track before track 1 into the audio length
     * (CDImageLayout.AudioLength adds the first audio track's pregap, and
     * track 1's INDEX 00 is LBA 0); a later first audio track brings none. */
    if (first_audio == 0)
        out->leading_samples =
            (uint64_t)disc->tracks[0].index_lba[1] * DW_CTDB_SECTOR_SAMPLES;
    return 0;
bad:
    memset(out, 0, sizeof(*out));
    return DW_EINVAL;
}

struct dw_ctdb_calc {
    int track_count;
    /* Byte offsets in the fed stream. */
    uint64_t track_end[DW_MAX_TRACKS]; /* end of track i (start: end of i - 1) */
    uint64_t disc_lo, disc_hi;         /* the disc CRC's range */
    uint64_t total, pos;
    uint64_t skip_first, skip_last; /* samples */
    int cur;                        /* the track pos lies in */
    uint32_t track_crc[DW_MAX_TRACKS];
};

int dw_ctdb_calc_new(const struct dw_ctdb_layout *layout, unsigned flags,
                     struct dw_ctdb_calc **out)
{
    if (out)
        *out = NULL;
    if (!layout || !out || flags || layout->track_count < 1 ||
        layout->track_count > DW_MAX_TRACKS)
        return DW_EINVAL;
    const int last = layout->track_count - 1;
    uint64_t total = 0;
    for (int i = 0; i < layout->track_count; i++) {
        if (layout->track_samples[i] > (UINT64_C(1) << 40))
            return DW_EINVAL;
        total += layout->track_samples[i];
    }
    if (layout->leading_samples > (UINT64_C(1) << 40))
        return DW_EINVAL;
    uint64_t n = total + layout->leading_samples;
    uint64_t skip_first = DW_CTDB_STRIDE_SAMPLES;
    uint64_t skip_last = DW_CTDB_STRIDE_SAMPLES + n % DW_CTDB_STRIDE_SAMPLES;
    if (total <= skip_first + skip_last || layout->track_samples[0] < skip_first ||
        layout->track_samples[last] < skip_last)
        return DW_EINVAL;
    struct dw_ctdb_calc *c = calloc(1, sizeof(*c));
    if (!c)
        return DW_ENOMEM;
    c->track_count = layout->track_count;
    uint64_t end = 0;
    for (int i = 0; i < layout->track_count; i++) {
        end += layout->track_samples[i] * DW_CTDB_SAMPLE_BYTES;
        c->track_end[i] = end;
    }
    c->total = end;
    c->skip_first = skip_first;
    c->skip_last = skip_last;
    c->disc_lo = skip_first * DW_CTDB_SAMPLE_BYTES;
    c->disc_hi = (total - skip_last) * DW_CTDB_SAMPLE_BYTES;
    *out = c;
    return 0;
}

/* Update crc with the part of p (bytes long, at stream offset at) that
 * lies in [lo, hi). */
static uint32_t crc_range(uint32_t crc, const uint8_t *p, uint64_t at, size_t bytes,
                          uint64_t lo, uint64_t hi)
{
    uint64_t a = at > lo ? at : lo, b = at + bytes < hi ? at + bytes : hi;
    if (a >= b)
        return crc;
    return dw__crc32_update(crc, p + (a - at), (size_t)(b - a));
}

int dw_ctdb_calc_update(struct dw_ctdb_calc *c, const void *pcm, size_t bytes)
{
    if (!c || (!pcm && bytes))
        return DW_EINVAL;
    if (bytes > c->total - c->pos)
        return DW_ERANGE;
    const uint8_t *p = pcm;
    while (bytes > 0) {
        while (c->pos >= c->track_end[c->cur])
            c->cur++;
        uint64_t start = c->cur ? c->track_end[c->cur - 1] : 0;
        size_t take = c->track_end[c->cur] - c->pos < bytes
                          ? (size_t)(c->track_end[c->cur] - c->pos)
                          : bytes;
        /* A track's CRC: its bytes within the disc CRC's range (only the
         * first and last track reach its edges). */
        uint64_t lo = start > c->disc_lo ? start : c->disc_lo;
        uint64_t hi =
            c->track_end[c->cur] < c->disc_hi ? c->track_end[c->cur] : c->disc_hi;
        c->track_crc[c->cur] = crc_range(c->track_crc[c->cur], p, c->pos, take, lo, hi);
        c->pos += take;
        p += take;
        bytes -= take;
    }
    return 0;
}

int dw_ctdb_calc_final(const struct dw_ctdb_calc *c, struct dw_ctdb_checksums *out)
{
    if (!c || !out)
        return DW_EINVAL;
    memset(out, 0, sizeof(*out));
    /* The tracks' ranges cut the disc CRC's range into pieces, in order:
     * the disc CRC is their CRCs joined (zlib's crc32_combine), each byte
     * hashed once.  Lengths are those fed so far. */
    uint32_t disc = 0;
    for (int i = 0; i < c->track_count; i++) {
        uint64_t start = i ? c->track_end[i - 1] : 0;
        uint64_t lo = start > c->disc_lo ? start : c->disc_lo;
        uint64_t hi = c->track_end[i] < c->disc_hi ? c->track_end[i] : c->disc_hi;
        if (hi > c->pos)
            hi = c->pos;
        if (hi > lo)
            disc = dw__crc32_join((uint32_t)disc, c->track_crc[i], hi - lo);
    }
    out->crc32 = (uint32_t)disc;
    out->track_count = c->track_count;
    memcpy(out->track_crc32, c->track_crc, sizeof(c->track_crc));
    out->samples = c->pos / DW_CTDB_SAMPLE_BYTES;
    out->skip_first_samples = c->skip_first;
    out->skip_last_samples = c->skip_last;
    return c->pos == c->total ? 0 : DW_ETRUNC;
}

void dw_ctdb_calc_free(struct dw_ctdb_calc *c)
{
    free(c);
}
