/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CDRWin cue sheet writer for a rip: one FILE, positions relative to it. */
#include <stdio.h>
#include <string.h>
#include "discwright/disc.h"
#include "discwright/errors.h"
#include "discwright/sector.h"
#include "discwright/version.h"
#include "disc/disc_int.h"

static int32_t bin_frames(const struct dw_cue_write_opts *o, int32_t lba)
{
    int32_t pos = lba - o->bin_first_lba;
    for (int i = 0; i < o->gap_count; i++)
        if (lba >= o->gap_lba[i])
            pos -= o->gap_sectors[i];
    return pos;
}

/* Quotes are not escapable in a cue; use an apostrophe instead.  Control
 * characters (a line feed would start a new cue line) become '?'. */
void dw__cue_put_quoted(FILE *out, const char *indent, const char *kw, const char *value,
                        int *replaced)
{
    if (!value[0])
        return;
    fprintf(out, "%s%s \"", indent, kw);
    for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
        if (*c < 0x20 || *c == 0x7F) {
            fputc('?', out);
            ++*replaced;
        } else {
            fputc(*c == '"' ? '\'' : *c, out);
        }
    }
    fputs("\"\n", out);
}

void dw__cue_put_cdtext(FILE *out, const char *indent, const struct dw_cdtext *ct, int *replaced)
{
    dw__cue_put_quoted(out, indent, "TITLE", ct->title, replaced);
    dw__cue_put_quoted(out, indent, "PERFORMER", ct->performer, replaced);
    dw__cue_put_quoted(out, indent, "SONGWRITER", ct->songwriter, replaced);
}

/* A FILE line; a name cannot hold a quote either. */
static void put_file(FILE *out, const char *name)
{
    fputs("FILE \"", out);
    for (const char *c = name; *c; c++)
        fputc(*c == '"' ? '\'' : *c, out);
    fputs("\" BINARY\n", out);
}

/* dw_cue_write, or with names (not NULL) one FILE per track
 * (dw__cue_write_per_track). */
static int cue_write(const struct dw_disc *disc, const struct dw_cue_write_opts *opts,
                     const char *const *names, FILE *out)
{
    char msf[9];
    bool per_track = names != NULL;
    if (!disc || !opts || disc->track_count <= 0 || opts->flags)
        return DW_EINVAL;
    for (int i = 0; per_track && i < disc->track_count; i++)
        if (!names[i])
            return DW_EINVAL;
    fprintf(out, "REM COMMENT \"discwright %s\"\n", DW_VERSION_STRING);
    int replaced = 0;
    if (dw_mcn_valid(disc->mcn))
        fprintf(out, "CATALOG %s\n", disc->mcn);
    else if (disc->mcn[0])
        replaced++;
    dw__cue_put_cdtext(out, "", &disc->cdtext, &replaced);
    if (!per_track)
        put_file(out, opts->bin_name);
    int session = 0;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (disc->session_count > 1 && t->session != session) {
            session = t->session;
            fprintf(out, per_track ? "REM SESSION %02d\n" : "  REM SESSION %02d\n", session);
        }
        int32_t file_lba = 0;
        if (per_track) {
            put_file(out, names[i]);
            file_lba = dw_track_first_lba(t);
            if (file_lba < opts->bin_first_lba)
                file_lba = opts->bin_first_lba;
        }
        fprintf(out, "  TRACK %02d %s\n", t->number, dw_track_mode_cue_name(t->mode, 2352));
        dw__cue_put_cdtext(out, "    ", &t->cdtext, &replaced);
        unsigned flags = t->control & (DW_CTL_DCP | DW_CTL_4CH | DW_CTL_PRE);
        if (flags) {
            fputs("    FLAGS", out);
            if (flags & DW_CTL_DCP)
                fputs(" DCP", out);
            if (flags & DW_CTL_4CH)
                fputs(" 4CH", out);
            if (flags & DW_CTL_PRE)
                fputs(" PRE", out);
            fputc('\n', out);
        }
        if (dw_isrc_valid(t->isrc))
            fprintf(out, "    ISRC %s\n", t->isrc);
        else if (t->isrc[0])
            replaced++;
        for (int j = 0; j < t->index_count; j++) {
            if (t->index_lba[j] == DW_LBA_NONE)
                continue;
            int32_t pos = per_track ? t->index_lba[j] - file_lba : bin_frames(opts, t->index_lba[j]);
            if (pos < 0)
                continue; /* before the bin: not ripped (lead-in pregap) */
            dw_msf_format(pos, msf);
            fprintf(out, "    INDEX %02d %s\n", j, msf);
        }
    }
    if (opts->replaced)
        *opts->replaced = replaced;
    return ferror(out) ? DW_EIO : 0;
}

int dw_cue_write(const struct dw_disc *disc, const struct dw_cue_write_opts *opts, FILE *out)
{
    return cue_write(disc, opts, NULL, out);
}

int dw__cue_write_per_track(const struct dw_disc *disc, const struct dw_cue_write_opts *opts,
                            const char *const *track_bin_names, FILE *out)
{
    return track_bin_names ? cue_write(disc, opts, track_bin_names, out) : DW_EINVAL;
}
