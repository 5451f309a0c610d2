/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The raw P-W sub-channel a disc with a given layout carries (IEC 60908
 * 17.4-17.5, ECMA-130 cl. 22): what image drives answer for READ CD with
 * raw P-W, so that a rip of an image can write a CloneCD .sub. */
#include <string.h>
#include "discwright/errors.h"
#include "discwright/disc.h"
#include "discwright/sector.h"

#define LEADIN_PREGAP_SECTORS 150 /* LBA -150..-1 before track 1 */

/* The P flag at lba (IEC 60908 17.4): on in pauses (INDEX 00), off in the
 * program, blinking in the lead-out.  lba is known to have a Q frame. */
static bool p_flag(const struct dw_disc *disc, int32_t lba)
{
    const struct dw_track *t = NULL;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *u = &disc->tracks[i];
        int32_t first = i == 0 ? -LEADIN_PREGAP_SECTORS : dw_track_first_lba(u);
        if (first > lba)
            break;
        t = u;
    }
    if (!t)
        return false;
    if (lba >= t->end_lba) {
        /* A lead-out: on at its first frame, then 2 Hz after 2 s. */
        int32_t leadout = disc->leadout_lba;
        for (int s = 0; s < disc->session_count; s++)
            if (disc->sessions[s].number == t->session)
                leadout = disc->sessions[s].leadout_lba;
        int32_t rel = lba - leadout;
        return rel == 0 || (rel >= 150 && ((rel % 75) / 19) % 2 == 0);
    }
    return lba < t->index_lba[1];
}

int dw_disc_synth_pw(const struct dw_disc *disc, int32_t lba, uint8_t pw[96])
{
    uint8_t channels[DW_SUBCHANNEL_BYTES];
    int rc;

    memset(pw, 0, DW_SUBCHANNEL_BYTES);
    memset(channels, 0, sizeof(channels));
    rc = dw_disc_synth_q(disc, lba, channels + DW_Q_BYTES);
    if (rc)
        return rc;
    if (p_flag(disc, lba))
        memset(channels, 0xFF, DW_Q_BYTES);
    dw_subchannel_interleave(channels, pw);
    return 0;
}
