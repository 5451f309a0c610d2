/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Disc ids: AccurateRip ids and database path, CDDB, MusicBrainz.
 *
 * Formulas: ../shared/REFERENCE.md "Audio checksums and disc ids".  The
 * conventions for data tracks are the ones the published vectors fix:
 * whipper's ladyhawke.toc (CD-Extra: AccurateRip over the audio tracks
 * with the real lead-out and multiplier A + 1; CDDB over all tracks;
 * MusicBrainz up to the last audio track with lead-out = data LBA - 11400)
 * and ARver's doc/data_track.md for data in track 1 (audio tracks numbered
 * 1..A in id2).  The MusicBrainz id and submission URL come from libdiscid
 * (discid_put); AccurateRip, CDDB and CTDB ids have no library and are
 * computed here (CTDB in ctdb.c). */
#include <stdio.h>
#include <string.h>
#include <discid/discid.h>
#include <nettle/sha1.h>
#include "discwright/discid.h"
#include "discwright/errors.h"
#include "checksum/discid_int.h"

#define LEADIN_SECTORS 150
#define SECTORS_PER_SECOND 75

int dw__discid_check_lbas(const int32_t *lba, int count, int max_count, int32_t leadout_lba)
{
    if (!lba || count < 1 || count > max_count)
        return DW_EINVAL;
    for (int i = 0; i < count; i++) {
        if (lba[i] < 0 || (i > 0 && lba[i] <= lba[i - 1]))
            return DW_EINVAL;
    }
    /* Keep lead-out + 150 inside int32_t. */
    if (leadout_lba <= lba[count - 1] || leadout_lba > INT32_MAX - LEADIN_SECTORS)
        return DW_EINVAL;
    return 0;
}

void dw__discid_sha1_b64(const char *text, size_t len, char out[DW_SHA1_ID_BYTES])
{
    /* RFC 4648 Base64 with MusicBrainz's URL-safe substitutions. */
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
    struct sha1_ctx ctx;
    uint8_t d[SHA1_DIGEST_SIZE + 1]; /* one zero byte of padding */
    sha1_init(&ctx);
    sha1_update(&ctx, len, (const uint8_t *)text);
    sha1_digest(&ctx, SHA1_DIGEST_SIZE, d);
    d[SHA1_DIGEST_SIZE] = 0;
    size_t o = 0;
    for (size_t i = 0; i < SHA1_DIGEST_SIZE; i += 3) {
        uint32_t w = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 |
                     (i + 2 < SHA1_DIGEST_SIZE ? d[i + 2] : 0);
        out[o++] = alphabet[w >> 18 & 63];
        out[o++] = alphabet[w >> 12 & 63];
        out[o++] = alphabet[w >> 6 & 63];
        out[o++] = i + 2 < SHA1_DIGEST_SIZE ? alphabet[w & 63] : '-';
    }
    out[o] = '\0'; /* 20 bytes -> 27 characters + one '-' = 28 */
}

int dw_discid_accuraterip(const int32_t *audio_lba, int audio_count, int32_t leadout_lba,
                          uint32_t *id1, uint32_t *id2)
{
    if (!id1 || !id2 || dw__discid_check_lbas(audio_lba, audio_count, 99, leadout_lba))
        return DW_EINVAL;
    uint32_t a = 0, b = 0;
    for (int i = 0; i < audio_count; i++) {
        uint32_t lba = (uint32_t)audio_lba[i];
        a += lba;
        b += (lba ? lba : 1) * (uint32_t)(i + 1);
    }
    a += (uint32_t)leadout_lba;
    b += (uint32_t)leadout_lba * (uint32_t)(audio_count + 1);
    *id1 = a;
    *id2 = b;
    return 0;
}

int dw_discid_accuraterip_path(int audio_count, uint32_t id1, uint32_t id2, uint32_t cddb_id,
                               char *out, size_t out_bytes)
{
    if (!out || audio_count < 1 || audio_count > 999)
        return DW_EINVAL;
    int n = snprintf(out, out_bytes, "%x/%x/%x/dBAR-%03d-%08x-%08x-%08x.bin",
                     (unsigned)(id1 & 0xf), (unsigned)(id1 >> 4 & 0xf),
                     (unsigned)(id1 >> 8 & 0xf), audio_count, (unsigned)id1, (unsigned)id2,
                     (unsigned)cddb_id);
    if (n < 0 || (size_t)n >= out_bytes) {
        if (out_bytes)
            out[0] = '\0';
        return DW_EINVAL;
    }
    return 0;
}

static unsigned digit_sum(uint32_t n)
{
    unsigned s = 0;
    for (; n; n /= 10)
        s += n % 10;
    return s;
}

int dw_discid_cddb(const int32_t *track_lba, int track_count, int32_t leadout_lba, uint32_t *id)
{
    if (!id || dw__discid_check_lbas(track_lba, track_count, 99, leadout_lba))
        return DW_EINVAL;
    unsigned n = 0;
    for (int i = 0; i < track_count; i++)
        n += digit_sum((uint32_t)(track_lba[i] + LEADIN_SECTORS) / SECTORS_PER_SECOND);
    uint32_t t = (uint32_t)(leadout_lba + LEADIN_SECTORS) / SECTORS_PER_SECOND -
                 (uint32_t)(track_lba[0] + LEADIN_SECTORS) / SECTORS_PER_SECOND;
    *id = (uint32_t)(n % 255) << 24 | t << 8 | (uint32_t)track_count;
    return 0;
}

/* Fill a libdiscid handle with the TOC (libdiscid's discid_put: offsets
 * indexed by track number, offsets[0] the lead-out, all with the 150
 * lead-in sectors; numbers outside first..last stay 0).  Returns the handle
 * or NULL (no memory, or libdiscid refused the TOC, e.g. longer than its 99
 * minutes); *rc says which. */
static DiscId *mb_put(int first_track, int last_track, const int32_t *track_lba,
                      int32_t leadout_lba, int *rc)
{
    if (first_track < 1 || last_track < first_track || last_track > 99 ||
        dw__discid_check_lbas(track_lba, last_track - first_track + 1, 99, leadout_lba)) {
        *rc = DW_EINVAL;
        return NULL;
    }
    int offsets[100] = {0};
    offsets[0] = (int)(leadout_lba + LEADIN_SECTORS);
    for (int n = first_track; n <= last_track; n++)
        offsets[n] = (int)(track_lba[n - first_track] + LEADIN_SECTORS);
    DiscId *d = discid_new();
    if (!d) {
        *rc = DW_ENOMEM;
        return NULL;
    }
    if (!discid_put(d, first_track, last_track, offsets)) {
        discid_free(d);
        *rc = DW_EINVAL;
        return NULL;
    }
    *rc = 0;
    return d;
}

/* Copy a libdiscid string into out; DW_EINVAL when it does not fit. */
static int copy_out(const char *s, char *out, size_t out_bytes)
{
    size_t n = s ? strlen(s) : 0;
    if (!s || n >= out_bytes) {
        if (out_bytes)
            out[0] = '\0';
        return DW_EINVAL;
    }
    memcpy(out, s, n + 1);
    return 0;
}

int dw_discid_musicbrainz(int first_track, int last_track, const int32_t *track_lba,
                          int32_t leadout_lba, char out[DW_SHA1_ID_BYTES])
{
    if (!out)
        return DW_EINVAL;
    int rc;
    DiscId *d = mb_put(first_track, last_track, track_lba, leadout_lba, &rc);
    if (!d)
        return rc;
    rc = copy_out(discid_get_id(d), out, DW_SHA1_ID_BYTES);
    discid_free(d);
    return rc;
}

int dw_discid_musicbrainz_url(int first_track, int last_track, const int32_t *track_lba,
                              int32_t leadout_lba, char *out, size_t out_bytes)
{
    if (!out)
        return DW_EINVAL;
    int rc;
    DiscId *d = mb_put(first_track, last_track, track_lba, leadout_lba, &rc);
    if (!d) {
        if (out_bytes)
            out[0] = '\0';
        return rc;
    }
    rc = copy_out(discid_get_submission_url(d), out, out_bytes);
    discid_free(d);
    return rc;
}

/* The MusicBrainz view of disc: first and last track number (the last
 * audio one on a CD-Extra), their LBAs in all[], and the audio lead-out.
 * Returns 0 or DW_EINVAL as dw_disc_ids_compute. */
static int mb_toc(const struct dw_disc *disc, int32_t all[DW_MAX_TRACKS], int *first, int *last,
                  int32_t *leadout)
{
    int last_audio = -1;
    if (!disc || disc->track_count < 1 || disc->track_count > DW_MAX_TRACKS ||
        disc->leadout_lba == DW_LBA_NONE)
        return DW_EINVAL;
    for (int i = 0; i < disc->track_count; i++) {
        all[i] = disc->tracks[i].index_lba[1];
        if (all[i] == DW_LBA_NONE || disc->tracks[i].number != disc->tracks[0].number + i)
            return DW_EINVAL;
        if (!dw_track_is_data(&disc->tracks[i]))
            last_audio = i;
    }
    if (last_audio < 0)
        return DW_EINVAL;
    *leadout = last_audio < disc->track_count - 1
                   ? all[last_audio + 1] - DW_MB_LEADOUT_GAP_SECTORS
                   : disc->leadout_lba;
    *first = disc->tracks[0].number;
    *last = disc->tracks[last_audio].number;
    return 0;
}

int dw_disc_musicbrainz_url(const struct dw_disc *disc, char *out, size_t out_bytes)
{
    int32_t all[DW_MAX_TRACKS], leadout;
    int first, last, rc;
    if (!out)
        return DW_EINVAL;
    if ((rc = mb_toc(disc, all, &first, &last, &leadout))) {
        if (out_bytes)
            out[0] = '\0';
        return rc;
    }
    return dw_discid_musicbrainz_url(first, last, all, leadout, out, out_bytes);
}

int dw_disc_ids_compute(const struct dw_disc *disc, unsigned flags, struct dw_disc_ids *out)
{
    if (!disc || !out || flags || disc->track_count < 1 || disc->track_count > DW_MAX_TRACKS ||
        disc->leadout_lba == DW_LBA_NONE)
        return DW_EINVAL;
    memset(out, 0, sizeof(*out));

    int32_t all[DW_MAX_TRACKS], audio[DW_MAX_TRACKS];
    int n_all = disc->track_count, n_audio = 0, last_audio = -1;
    for (int i = 0; i < n_all; i++) {
        const struct dw_track *t = &disc->tracks[i];
        all[i] = t->index_lba[1];
        /* Ids index tracks by number: they must run on without gaps. */
        if (all[i] == DW_LBA_NONE || t->number != disc->tracks[0].number + i)
            return DW_EINVAL;
        if (!dw_track_is_data(t)) {
            audio[n_audio++] = all[i];
            last_audio = i;
        }
    }
    if (n_audio == 0)
        return DW_EINVAL;

    /* CD-Extra: data tracks after the last audio track.  The audio part
     * ends 11400 sectors before the first of them (lead-out, lead-in and
     * pregap between the sessions). */
    int32_t audio_leadout = disc->leadout_lba;
    if (last_audio < n_all - 1)
        audio_leadout = all[last_audio + 1] - DW_MB_LEADOUT_GAP_SECTORS;

    int rc;
    if ((rc = dw_discid_accuraterip(audio, n_audio, disc->leadout_lba, &out->ar_id1,
                                    &out->ar_id2)) ||
        (rc = dw_discid_cddb(all, n_all, disc->leadout_lba, &out->cddb_id)) ||
        (rc = dw_discid_accuraterip_path(n_audio, out->ar_id1, out->ar_id2, out->cddb_id,
                                         out->ar_path, sizeof(out->ar_path))) ||
        (rc = dw_discid_musicbrainz(disc->tracks[0].number, disc->tracks[last_audio].number,
                                    all, audio_leadout, out->musicbrainz_id)) ||
        (rc = dw_discid_ctdb(audio, n_audio, audio_leadout, out->ctdb_toc_id))) {
        memset(out, 0, sizeof(*out));
        return rc;
    }
    out->audio_tracks = n_audio;
    return 0;
}
