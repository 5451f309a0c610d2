/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The disc model: allocation, lookup, derived fields (IEC 60908 layout). */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "discwright/disc.h"
#include "discwright/errors.h"

struct dw_disc *dw_disc_new(void)
{
    struct dw_disc *disc = calloc(1, sizeof(*disc));
    if (!disc)
        return NULL;
    disc->leadout_lba = DW_LBA_NONE;
    for (int i = 0; i < DW_MAX_TRACKS; i++)
        for (int j = 0; j < DW_MAX_INDEXES; j++)
            disc->tracks[i].index_lba[j] = DW_LBA_NONE;
    return disc;
}

void dw_disc_free(struct dw_disc *disc)
{
    free(disc);
}

struct dw_disc *dw_disc_clone(const struct dw_disc *src)
{
    struct dw_disc *disc = malloc(sizeof(*disc));
    if (disc)
        memcpy(disc, src, sizeof(*disc));
    return disc;
}

const struct dw_track *dw_disc_track(const struct dw_disc *disc, int number)
{
    for (int i = 0; i < disc->track_count; i++)
        if (disc->tracks[i].number == number)
            return &disc->tracks[i];
    return NULL;
}

int32_t dw_track_first_lba(const struct dw_track *t)
{
    return t->index_lba[0] != DW_LBA_NONE ? t->index_lba[0] : t->index_lba[1];
}

int32_t dw_track_length_sectors(const struct dw_track *t)
{
    return t->end_lba - t->index_lba[1];
}

int32_t dw_track_pregap_sectors(const struct dw_track *t)
{
    return t->index_lba[0] != DW_LBA_NONE ? t->index_lba[1] - t->index_lba[0] : 0;
}

bool dw_track_is_data(const struct dw_track *t)
{
    return (t->control & DW_CTL_DATA) || t->mode != DW_MODE_AUDIO;
}

const char *dw_track_mode_cue_name(enum dw_track_mode mode, int sector_bytes)
{
    switch (mode) {
    case DW_MODE_AUDIO:
        return "AUDIO";
    case DW_MODE_MODE1:
        return sector_bytes == 2048 ? "MODE1/2048" : "MODE1/2352";
    case DW_MODE_MODE2:
    case DW_MODE_MODE2_XA:
        return sector_bytes == 2336 ? "MODE2/2336" : "MODE2/2352";
    }
    return "AUDIO";
}

int dw_disc_finish(struct dw_disc *disc, char *msg, size_t msg_bytes)
{
    char dummy[8];
    if (!msg) {
        msg = dummy;
        msg_bytes = sizeof(dummy);
    }
    msg[0] = '\0';
    if (disc->track_count <= 0) {
        snprintf(msg, msg_bytes, "the disc has no tracks");
        return DW_EPARSE;
    }
    /* Default session table: everything in session 1. */
    if (disc->session_count == 0) {
        disc->session_count = 1;
        disc->sessions[0].number = 1;
        disc->sessions[0].first_track = disc->tracks[0].number;
        disc->sessions[0].last_track = disc->tracks[disc->track_count - 1].number;
        disc->sessions[0].leadout_lba = disc->leadout_lba;
        for (int i = 0; i < disc->track_count; i++)
            if (disc->tracks[i].session == 0)
                disc->tracks[i].session = 1;
    }
    if (disc->leadout_lba == DW_LBA_NONE)
        disc->leadout_lba = disc->sessions[disc->session_count - 1].leadout_lba;
    if (disc->leadout_lba == DW_LBA_NONE) {
        snprintf(msg, msg_bytes, "the disc has no lead-out position");
        return DW_EPARSE;
    }
    for (int i = 0; i < disc->track_count; i++) {
        struct dw_track *t = &disc->tracks[i];
        if (t->index_lba[1] == DW_LBA_NONE) {
            snprintf(msg, msg_bytes, "track %d has no INDEX 01", t->number);
            return DW_EPARSE;
        }
        if (t->index_count < 2)
            t->index_count = 2;
        int32_t prev = t->index_lba[0] != DW_LBA_NONE ? t->index_lba[0] : t->index_lba[1];
        for (int j = 1; j < t->index_count; j++) {
            if (t->index_lba[j] == DW_LBA_NONE) {
                snprintf(msg, msg_bytes, "track %d: INDEX %02d is missing", t->number, j);
                return DW_EPARSE;
            }
            if (t->index_lba[j] < prev) {
                snprintf(msg, msg_bytes, "track %d: INDEX %02d comes before the index ahead of it",
                         t->number, j);
                return DW_EPARSE;
            }
            prev = t->index_lba[j];
        }
        /* End: next track in the same session, else that session's lead-out. */
        int32_t end = DW_LBA_NONE;
        if (i + 1 < disc->track_count && disc->tracks[i + 1].session == t->session)
            end = dw_track_first_lba(&disc->tracks[i + 1]);
        else
            for (int s = 0; s < disc->session_count; s++)
                if (disc->sessions[s].number == t->session)
                    end = disc->sessions[s].leadout_lba;
        if (end == DW_LBA_NONE)
            end = disc->leadout_lba;
        if (end < prev) {
            snprintf(msg, msg_bytes, "track %d ends before its last index", t->number);
            return DW_EPARSE;
        }
        t->end_lba = end;
        if (i > 0 && t->number <= disc->tracks[i - 1].number) {
            snprintf(msg, msg_bytes, "track %d follows track %d: numbers must increase",
                     t->number, disc->tracks[i - 1].number);
            return DW_EPARSE;
        }
        if (i > 0 && dw_track_first_lba(t) < disc->tracks[i - 1].index_lba[1]) {
            snprintf(msg, msg_bytes, "track %d starts before track %d", t->number,
                     disc->tracks[i - 1].number);
            return DW_EPARSE;
        }
    }
    return 0;
}

bool dw_mcn_valid(const char *mcn)
{
    if (!mcn || strlen(mcn) != 13)
        return false;
    for (int i = 0; i < 13; i++)
        if (mcn[i] < '0' || mcn[i] > '9')
            return false;
    return true;
}

bool dw_isrc_valid(const char *isrc)
{
    if (!isrc || strlen(isrc) != 12)
        return false;
    for (int i = 0; i < 12; i++) {
        char c = isrc[i];
        bool digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z';
        if (i < 5 ? !(digit || upper) : !digit)
            return false;
    }
    return true;
}
