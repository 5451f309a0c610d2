/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a track-at-once write makes of a CD image's layout (pure; see
 * cdwrite.h dw__cdwrite_tao_plan).  In TAO (MMC-6 4.3.4, write type 1 of
 * page 05h) the host sends each track's user data from its INDEX 01 on;
 * the drive writes a 150-sector pregap before every track (LBA -150..-1
 * before the first), two run-out sectors after a data track, and the
 * lead-out at the end, as cdrecord -tao and libburn's TAO discs show. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "burn/cdwrite.h"
#include "discwright/errors.h"

static void warn(struct dw__tao_plan *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void warn(struct dw__tao_plan *p, const char *fmt, ...)
{
    static const char more[] = "(more warnings left out)\n";
    size_t used = strlen(p->warnings);
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* Whole lines only, and room kept for the note that some were left out. */
    if (strstr(p->warnings, more))
        return;
    if (used + strlen(line) + 2 + sizeof more > sizeof p->warnings)
        memcpy(p->warnings + used, more, sizeof more);
    else
        snprintf(p->warnings + used, sizeof p->warnings - used, "%s\n", line);
}

int dw__cdwrite_tao_plan(const struct dw_disc *d, const char *image_path,
                         struct dw__tao_plan *p, char *msg, size_t msg_bytes)
{
    int32_t pos = 0;

    memset(p, 0, sizeof *p);
    if (!d || d->track_count < 1) {
        if (msg && msg_bytes)
            snprintf(msg, msg_bytes, "'%s' has no tracks to burn", image_path);
        return DW_EINVAL;
    }
    if (d->session_count > 1) {
        if (msg && msg_bytes)
            snprintf(msg, msg_bytes,
                     "'%s' has %d sessions: track at once writes one session at the "
                     "LBAs of a drive's choosing, not the image's; burn it with "
                     "--write-mode sao",
                     image_path, d->session_count);
        return DW_EUNSUPPORTED;
    }
    p->layout_kept = true;
    for (int i = 0; i < d->track_count; i++) {
        const struct dw_track *t = &d->tracks[i];
        struct dw__tao_track *pt = &p->tracks[i];
        bool audio = t->mode == DW_MODE_AUDIO;
        if (t->mode != DW_MODE_AUDIO && t->mode != DW_MODE_MODE1) {
            if (msg && msg_bytes)
                snprintf(msg, msg_bytes,
                         "track %02d of '%s' is Mode 2: our track-at-once writer sends "
                         "audio and Mode 1 only; burn it with --write-mode sao (Mode 2 "
                         "sectors written raw, byte for byte)",
                         t->number, image_path);
            return DW_EUNSUPPORTED;
        }
        pt->start_lba = i == 0 ? 0 : pos + 150;
        pt->sectors = t->end_lba - t->index_lba[1];
        if (pt->sectors < 1) {
            if (msg && msg_bytes)
                snprintf(msg, msg_bytes, "track %02d of '%s' has no sectors", t->number,
                         image_path);
            return DW_EINVAL;
        }
        /* Red Book's 4 s: a shorter TAO track is padded (libburn and
         * cdrecord -pad do the same), with silence or empty sectors. */
        pt->pad_sectors = pt->sectors < DW__CD_MIN_TRACK_SECTORS
                              ? DW__CD_MIN_TRACK_SECTORS - pt->sectors
                              : 0;
        pt->runout_sectors = audio ? 0 : 2;
        pos = pt->start_lba + pt->sectors + pt->pad_sectors + pt->runout_sectors;
        int32_t pregap = t->index_lba[0] == DW_LBA_NONE ? 0 : t->index_lba[1] - t->index_lba[0];
        if (i == 0 && t->index_lba[1] != 0) {
            warn(p,
                 "track 01 starts at LBA %d of the image, after %d sectors of "
                 "pregap%s: in TAO it starts at LBA 0 and the drive writes its own "
                 "150 sectors of pregap before it; what the image holds there is "
                 "not written",
                 t->index_lba[1], t->index_lba[1],
                 audio ? " (a hidden track before INDEX 01)" : "");
            p->layout_kept = false;
        } else if (i > 0 && pt->start_lba != t->index_lba[1]) {
            warn(p,
                 "track %02d: its pregap of %d sectors becomes the 150 sectors a TAO "
                 "drive writes%s: the track moves from LBA %d to LBA %d",
                 t->number, pregap,
                 d->tracks[i - 1].mode != DW_MODE_AUDIO
                     ? " after the 2 run-out sectors of the data track before it"
                     : "",
                 t->index_lba[1], pt->start_lba);
            p->layout_kept = false;
        } else if (i > 0 && audio) {
            p->silent_pregap_check = true; /* its 150 pregap sectors: silence? */
        }
        if (t->index_count > 2) {
            warn(p, "track %02d: INDEX 02 to %02d are not written in TAO (only SAO "
                    "places indexes)",
                 t->number, t->index_count - 1);
            p->layout_kept = false;
        }
        if (pt->pad_sectors) {
            warn(p,
                 "track %02d is %d sectors long, shorter than Red Book's 4 seconds "
                 "(300 sectors): padded with %d sectors of %s",
                 t->number, pt->sectors, pt->pad_sectors, audio ? "silence" : "zeros");
            p->layout_kept = false;
        }
        if (t->pregap_silence_sectors || t->postgap_silence_sectors) {
            warn(p, "track %02d: the cue's PREGAP/POSTGAP silence is not written in TAO",
                 t->number);
            p->layout_kept = false;
        }
    }
    p->leadout_lba = pos;
    if (d->has_cdtext) {
        warn(p, "the CD-TEXT of '%s' is not written: in TAO there is no lead-in to hold "
                "it (burn with --write-mode sao)",
             image_path);
        p->layout_kept = false;
    }
    return 0;
}
