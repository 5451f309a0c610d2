/* CUETools database (CTDB) TOC id.
 *
 * Definition (CUETools' CDImageLayout.TOCID, as documented by the cdtoc
 * crate and checked against its published vectors): "%08X" of each audio
 * track's LBA minus the first audio track's LBA, for tracks 2..A, then of
 * the audio lead-out minus the first LBA, padded with '0' characters to
 * 100 entries (800 characters); SHA-1; MusicBrainz-style Base64. */
#include <stdio.h>
#include <string.h>
#include "discwright/discid.h"
#include "discwright/errors.h"
#include "checksum/discid_int.h"

#define CTDB_TEXT_CHARS 800

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
