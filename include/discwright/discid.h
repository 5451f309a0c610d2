/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: disc ids computed from the TOC.
 *
 * AccurateRip ids and database path, CDDB (freedb) id, MusicBrainz disc
 * id and CUETools database (CTDB) TOC id.  Sources: ../shared/REFERENCE.md
 * "Audio checksums and disc ids"; the conventions for discs with data
 * tracks are the ones the published vectors fix (../shared/fixtures/
 * README.md: whipper's ladyhawke.toc, libdiscid's test_put vector), with
 * ARver's doc/data_track.md for mixed-mode discs (data in track 1) and the
 * cdtoc crate's published CTDB vectors for the TOC id.
 *
 * All LBAs are without the 150-sector lead-in offset (MSF 00:02:00 = LBA
 * 0), like the rest of discwright; the functions add 150 where a format
 * wants it.
 */
#ifndef DISCWRIGHT_DISCID_H
#define DISCWRIGHT_DISCID_H

#include <stddef.h>
#include <stdint.h>
#include "discwright/disc.h"
#include "discwright/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DW_SHA1_ID_BYTES 29     /* 28 characters of MusicBrainz-style Base64 + NUL */
#define DW_AR_PATH_BYTES 64     /* "a/5/d/dBAR-012-0013bd5a-00b8d489-c60af50d.bin" + NUL */
#define DW_MB_URL_BYTES 1024    /* MusicBrainz submission URL + NUL (99 tracks: ~750) */
#define DW_MB_LEADOUT_GAP_SECTORS 11400 /* CD-Extra: audio lead-out = data track LBA - 11400 */

/* Every id of a disc, as dw_disc_ids_compute fills it. */
struct dw_disc_ids {
    int audio_tracks;           /* A: audio tracks on the disc */
    uint32_t ar_id1;            /* AccurateRip disc id 1 */
    uint32_t ar_id2;            /* AccurateRip disc id 2 */
    uint32_t cddb_id;           /* CDDB / freedb id over all tracks */
    /* AccurateRip database file, relative to the database root: the URL is
     * "http://www.accuraterip.com/accuraterip/" followed by this. */
    char ar_path[DW_AR_PATH_BYTES];
    char musicbrainz_id[DW_SHA1_ID_BYTES];
    char ctdb_toc_id[DW_SHA1_ID_BYTES];
};

/* All ids of disc (tracks with index_lba[1] set, leadout_lba set):
 *  - AccurateRip: audio tracks only, numbered 1..A in disc order, the
 *    disc's real lead-out (also on CD-Extra), multiplier A + 1;
 *  - CDDB: every track, data tracks included, and the real lead-out;
 *  - MusicBrainz: first track number .. last track number, except that on
 *    a CD-Extra disc (data tracks after the last audio track) the last
 *    track is the last audio track and the lead-out is the first trailing
 *    data track's LBA - 11400 (libdiscid's rule);
 *  - CTDB: audio tracks and the audio lead-out as for MusicBrainz.
 * flags must be 0.  Returns 0, or DW_EINVAL for flags, a disc without
 * audio tracks, without a lead-out, or with track LBAs that are negative,
 * unset or not increasing. */
DW_API int dw_disc_ids_compute(const struct dw_disc *disc, unsigned flags,
                               struct dw_disc_ids *out);

/* The MusicBrainz submission URL of disc (the TOC dw_disc_ids_compute
 * gives MusicBrainz: up to the last audio track, the CD-Extra lead-out
 * rule), through libdiscid as dw_discid_musicbrainz_url.  Writes it
 * NUL-terminated into out (DW_MB_URL_BYTES is always enough).  Returns 0,
 * DW_ENOMEM, or DW_EINVAL (a disc dw_disc_ids_compute refuses, or out too
 * small; out is then ""). */
DW_API int dw_disc_musicbrainz_url(const struct dw_disc *disc, char *out, size_t out_bytes);

/* AccurateRip ids from audio track LBAs (audio_count of them, track 1..A
 * in order) and the lead-out LBA: id1 = sum of LBAs + lead-out; id2 = sum
 * of max(LBA_i, 1) * i + lead-out * (A + 1); both mod 2^32.  Returns 0 or
 * DW_EINVAL (count outside 1..99, NULL, LBAs negative or not increasing,
 * lead-out not after the last track). */
DW_API int dw_discid_accuraterip(const int32_t *audio_lba, int audio_count, int32_t leadout_lba,
                                 uint32_t *id1, uint32_t *id2);

/* AccurateRip database path "{d7}/{d6}/{d5}/dBAR-{A:03}-{id1:08x}-{id2:08x}-
 * {cddb:08x}.bin" where d7, d6, d5 are the last, second-to-last and
 * third-to-last hex digits of id1 (id1 & 0xf, id1 >> 4 & 0xf, id1 >> 8 &
 * 0xf).  Writes it NUL-terminated into out (out_bytes >= DW_AR_PATH_BYTES
 * is always enough).  Returns 0, or DW_EINVAL for audio_count outside
 * 1..999 or a buffer too small. */
DW_API int dw_discid_accuraterip_path(int audio_count, uint32_t id1, uint32_t id2,
                                      uint32_t cddb_id, char *out, size_t out_bytes);

/* CDDB id from all track LBAs (track_count of them, in order) and the
 * lead-out: n = sum of the decimal digit sums of floor((LBA + 150) / 75);
 * t = floor((lead-out + 150) / 75) - floor((LBA_1 + 150) / 75);
 * id = (n mod 255) << 24 | t << 8 | track_count.  Returns 0 or DW_EINVAL
 * (as dw_discid_accuraterip). */
DW_API int dw_discid_cddb(const int32_t *track_lba, int track_count, int32_t leadout_lba,
                          uint32_t *id);

/* MusicBrainz disc id: SHA-1 of the ASCII text "%02X" first_track, "%02X"
 * last_track, "%08X" lead-out + 150, then for track numbers 1..99 "%08X"
 * LBA + 150 (0 for numbers outside first..last); Base64 with '+' -> '.',
 * '/' -> '_', '=' -> '-'.  Computed by libdiscid (discid_put,
 * discid_get_id).  track_lba holds last_track - first_track + 1 LBAs.
 * Writes 28 characters + NUL into out.  Returns 0, DW_ENOMEM, or DW_EINVAL
 * (1 <= first <= last <= 99, LBAs as for dw_discid_accuraterip, or a TOC
 * libdiscid refuses: lead-out past 99 minutes). */
DW_API int dw_discid_musicbrainz(int first_track, int last_track, const int32_t *track_lba,
                                 int32_t leadout_lba, char out[DW_SHA1_ID_BYTES]);

/* MusicBrainz submission URL of the same TOC (libdiscid's
 * discid_get_submission_url: "https://musicbrainz.org/cdtoc/attach?id=...
 * &tracks=N&toc=first+last+leadout+offsets...", offsets with the 150).
 * Arguments as for dw_discid_musicbrainz; writes the URL NUL-terminated
 * into out (out_bytes >= DW_MB_URL_BYTES is always enough).  Returns 0,
 * DW_ENOMEM, or DW_EINVAL (as dw_discid_musicbrainz, or out too small;
 * out is then ""). */
DW_API int dw_discid_musicbrainz_url(int first_track, int last_track, const int32_t *track_lba,
                                     int32_t leadout_lba, char *out, size_t out_bytes);

/* CUETools database TOC id: SHA-1 of the ASCII text made of "%08X"
 * (LBA_i - LBA_1) for audio tracks i = 2..A, then "%08X" (audio lead-out -
 * LBA_1), right-padded with '0' characters to 800 (100 entries); Base64 as
 * for MusicBrainz.  The audio lead-out is the data track's LBA - 11400 on
 * CD-Extra discs.  Offsets relative to track 1 make the id independent of
 * a hidden track before track 1.  Writes 28 characters + NUL.  Returns 0
 * or DW_EINVAL (as dw_discid_accuraterip). */
DW_API int dw_discid_ctdb(const int32_t *audio_lba, int audio_count, int32_t audio_leadout_lba,
                          char out[DW_SHA1_ID_BYTES]);

#ifdef __cplusplus
}
#endif
#endif
