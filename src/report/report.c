/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JSON and text descriptions of discs, drives and checksums (json-c). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "discwright/report.h"
#include "discwright/sector.h"
#include "report/report_int.h"

int dw__ranges_add(struct dw__lba_ranges *rs, int32_t lba, int32_t detail)
{
    rs->sectors++;
    if (rs->count && rs->r[rs->count - 1].last_lba + 1 == lba &&
        rs->r[rs->count - 1].detail == detail) {
        rs->r[rs->count - 1].last_lba = lba;
        return 0;
    }
    if (rs->count == rs->cap) {
        int cap = rs->cap ? rs->cap * 2 : 16;
        struct dw__lba_range *r = realloc(rs->r, (size_t)cap * sizeof(*r));
        if (!r)
            return DW_ENOMEM;
        rs->r = r;
        rs->cap = cap;
    }
    rs->r[rs->count++] = (struct dw__lba_range){lba, lba, detail};
    return 0;
}

int dw__ranges_copy(struct dw__lba_ranges *dst, const struct dw__lba_ranges *src)
{
    memset(dst, 0, sizeof(*dst));
    if (!src->count)
        return 0;
    dst->r = malloc((size_t)src->count * sizeof(*dst->r));
    if (!dst->r)
        return DW_ENOMEM;
    memcpy(dst->r, src->r, (size_t)src->count * sizeof(*dst->r));
    dst->count = dst->cap = src->count;
    dst->sectors = src->sectors;
    return 0;
}

void dw__ranges_release(struct dw__lba_ranges *rs)
{
    free(rs->r);
    memset(rs, 0, sizeof(*rs));
}

const char *dw_disc_status_name(enum dw_disc_status status)
{
    switch (status) {
    case DW_STATUS_BLANK:
        return "blank";
    case DW_STATUS_APPENDABLE:
        return "appendable";
    case DW_STATUS_CLOSED:
        return "closed";
    case DW_STATUS_OTHER:
        return "overwritable";
    default:
        return "unknown";
    }
}

const char *dw_track_mode_name(enum dw_track_mode mode)
{
    switch (mode) {
    case DW_MODE_AUDIO:
        return "AUDIO";
    case DW_MODE_MODE1:
        return "MODE1";
    case DW_MODE_MODE2:
        return "MODE2";
    case DW_MODE_MODE2_XA:
        return "MODE2 XA";
    }
    return "?";
}

static void msf_of(int32_t lba, char out[12])
{
    unsigned m, s, f;
    dw_lba_to_msf(lba, &m, &s, &f);
    snprintf(out, 12, "%02u:%02u:%02u", m, s, f);
}

static json_object *json_cdtext(const struct dw_cdtext *ct)
{
    json_object *o = json_object_new_object();
    const char *names[] = {"title", "performer", "songwriter", "composer", "arranger", "message"};
    const char *values[] = {ct->title, ct->performer, ct->songwriter,
                            ct->composer, ct->arranger, ct->message};
    for (int i = 0; i < 6; i++)
        if (values[i][0])
            json_object_object_add(o, names[i], json_object_new_string(values[i]));
    return o;
}

static json_object *json_flags(unsigned control)
{
    json_object *a = json_object_new_array();
    if (control & DW_CTL_DCP)
        json_object_array_add(a, json_object_new_string("DCP"));
    if (control & DW_CTL_4CH)
        json_object_array_add(a, json_object_new_string("4CH"));
    if (control & DW_CTL_PRE)
        json_object_array_add(a, json_object_new_string("PRE"));
    if (control & DW_CTL_DATA)
        json_object_array_add(a, json_object_new_string("DATA"));
    return a;
}

json_object *dw__json_disc(const struct dw_disc *disc)
{
    json_object *o = json_object_new_object();
    char msf[12];
    json_object_object_add(o, "track_count", json_object_new_int(disc->track_count));
    json_object_object_add(o, "session_count", json_object_new_int(disc->session_count));
    json_object_object_add(o, "leadout_lba", json_object_new_int(disc->leadout_lba));
    msf_of(disc->leadout_lba, msf);
    json_object_object_add(o, "leadout_msf", json_object_new_string(msf));
    json_object_object_add(o, "mcn", disc->mcn[0] ? json_object_new_string(disc->mcn) : NULL);
    if (disc->has_cdtext)
        json_object_object_add(o, "cdtext", json_cdtext(&disc->cdtext));
    json_object *sessions = json_object_new_array();
    for (int i = 0; i < disc->session_count; i++) {
        json_object *s = json_object_new_object();
        json_object_object_add(s, "number", json_object_new_int(disc->sessions[i].number));
        json_object_object_add(s, "first_track", json_object_new_int(disc->sessions[i].first_track));
        json_object_object_add(s, "last_track", json_object_new_int(disc->sessions[i].last_track));
        json_object_object_add(s, "leadout_lba", json_object_new_int(disc->sessions[i].leadout_lba));
        json_object_array_add(sessions, s);
    }
    json_object_object_add(o, "sessions", sessions);
    json_object *tracks = json_object_new_array();
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "number", json_object_new_int(t->number));
        json_object_object_add(j, "session", json_object_new_int(t->session));
        json_object_object_add(j, "mode", json_object_new_string(dw_track_mode_name(t->mode)));
        json_object_object_add(j, "control", json_object_new_int((int)t->control));
        json_object_object_add(j, "flags", json_flags(t->control));
        json_object_object_add(j, "start_lba", json_object_new_int(t->index_lba[1]));
        msf_of(t->index_lba[1], msf);
        json_object_object_add(j, "start_msf", json_object_new_string(msf));
        json_object_object_add(j, "length_sectors",
                               json_object_new_int(dw_track_length_sectors(t)));
        json_object_object_add(j, "pregap_sectors",
                               json_object_new_int(dw_track_pregap_sectors(t)));
        json_object *idx = json_object_new_array();
        for (int k = 0; k < t->index_count; k++) {
            if (t->index_lba[k] == DW_LBA_NONE)
                continue;
            json_object *x = json_object_new_object();
            json_object_object_add(x, "index", json_object_new_int(k));
            json_object_object_add(x, "lba", json_object_new_int(t->index_lba[k]));
            json_object_array_add(idx, x);
        }
        json_object_object_add(j, "indexes", idx);
        json_object_object_add(j, "isrc", t->isrc[0] ? json_object_new_string(t->isrc) : NULL);
        json_object *ct = json_cdtext(&t->cdtext);
        if (json_object_object_length(ct))
            json_object_object_add(j, "cdtext", ct);
        else
            json_object_put(ct);
        json_object_array_add(tracks, j);
    }
    json_object_object_add(o, "tracks", tracks);
    return o;
}

json_object *dw__json_digests(const struct dw_digests *d)
{
    json_object *o = json_object_new_object();
    char crc[9];
    json_object_object_add(o, "bytes", json_object_new_int64((int64_t)d->bytes));
    if (d->which & DW_HASH_CRC32) {
        snprintf(crc, sizeof(crc), "%08x", d->crc32);
        json_object_object_add(o, "crc32", json_object_new_string(crc));
    }
    if (d->which & DW_HASH_MD5)
        json_object_object_add(o, "md5", json_object_new_string(d->md5));
    if (d->which & DW_HASH_SHA1)
        json_object_object_add(o, "sha1", json_object_new_string(d->sha1));
    if (d->which & DW_HASH_SHA256)
        json_object_object_add(o, "sha256", json_object_new_string(d->sha256));
    return o;
}

json_object *dw__json_drive(const struct dw_drive_info *info, const struct dw_medium_info *m)
{
    json_object *o = json_object_new_object();
    if (info) {
        json_object_object_add(o, "address", json_object_new_string(info->address));
        json_object_object_add(o, "kind", json_object_new_string(
                                              info->kind == DW_DRIVE_MMC ? "drive" : "image"));
        json_object_object_add(o, "backend", json_object_new_string(info->backend));
        json_object_object_add(o, "vendor", json_object_new_string(info->vendor));
        json_object_object_add(o, "model", json_object_new_string(info->model));
        json_object_object_add(o, "firmware", json_object_new_string(info->firmware));
        json_object_object_add(o, "medium_loaded", json_object_new_boolean(info->medium_loaded));
    }
    if (m) {
        json_object *mo = json_object_new_object();
        json_object_object_add(mo, "profile", json_object_new_int(m->profile));
        json_object_object_add(mo, "profile_name", json_object_new_string(m->profile_name));
        json_object_object_add(mo, "status",
                               json_object_new_string(dw_disc_status_name(m->status)));
        json_object_object_add(mo, "capacity_sectors", json_object_new_int64(m->capacity_sectors));
        json_object_object_add(mo, "sessions", json_object_new_int(m->session_count));
        json_object_object_add(o, "medium", mo);
    }
    return o;
}

json_object *dw__json_ranges(const struct dw__lba_ranges *rs, const char *detail_key)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < rs->count; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "first_lba", json_object_new_int(rs->r[i].first_lba));
        json_object_object_add(o, "last_lba", json_object_new_int(rs->r[i].last_lba));
        json_object_object_add(o, "sectors",
                               json_object_new_int(rs->r[i].last_lba - rs->r[i].first_lba + 1));
        if (detail_key)
            json_object_object_add(o, detail_key, json_object_new_int(rs->r[i].detail));
        json_object_array_add(a, o);
    }
    return a;
}

void dw__utc_now(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *dw_disc_to_json(const struct dw_disc *disc)
{
    json_object *o = dw__json_disc(disc);
    char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return s;
}

char *dw_info_to_json(const struct dw_drive_info *drive, const struct dw_medium_info *medium,
                      const struct dw_disc *disc)
{
    return dw_info_to_json_volumes(drive, medium, disc, NULL);
}

char *dw_info_to_json_volumes(const struct dw_drive_info *drive,
                              const struct dw_medium_info *medium,
                              const struct dw_disc *disc, const char *const *volume_ids)
{
    json_object *o = dw__json_drive(drive, medium);
    if (disc) {
        json_object *d = dw__json_disc(disc), *sessions = NULL;
        if (volume_ids && json_object_object_get_ex(d, "sessions", &sessions)) {
            for (int i = 0; i < disc->session_count; i++) {
                json_object *s = json_object_array_get_idx(sessions, (size_t)i);
                /* The disc's bytes: kept when printable UTF-8, else as
                 * dw_text_escape writes them, so the JSON stays UTF-8. */
                char esc[32 * 4 + 1];
                const char *id = volume_ids[i];
                if (id && !dw_text_is_clean(id)) {
                    dw_text_escape(id, esc, sizeof(esc));
                    id = esc;
                }
                if (s)
                    json_object_object_add(s, "volume_id",
                                           id ? json_object_new_string(id) : NULL);
            }
        }
        json_object_object_add(o, "disc", d);
    }
    char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return s;
}

/* A line "INDENT LABEL TEXT" with the disc's text escaped (report.h). */
static void text_field(FILE *out, const char *indent, const char *label, const char *text)
{
    fprintf(out, "%s%s", indent, label);
    dw__fputs_escaped(text, out);
    fputc('\n', out);
}

static void text_cdtext(FILE *out, const char *indent, const struct dw_cdtext *ct)
{
    if (ct->title[0])
        text_field(out, indent, "TITLE      ", ct->title);
    if (ct->performer[0])
        text_field(out, indent, "PERFORMER  ", ct->performer);
    if (ct->songwriter[0])
        text_field(out, indent, "SONGWRITER ", ct->songwriter);
}

int dw_disc_write_text(const struct dw_disc *disc, FILE *out)
{
    char a[12], b[12];
    fprintf(out, "  track  sess  mode      flags    pregap(00)         start(01)            "
                 "sectors  ISRC\n");
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        char flags[16] = "";
        if (t->control & DW_CTL_DCP)
            strcat(flags, "DCP ");
        if (t->control & DW_CTL_PRE)
            strcat(flags, "PRE ");
        if (t->control & DW_CTL_4CH)
            strcat(flags, "4CH ");
        if (!flags[0])
            strcpy(flags, "-");
        msf_of(t->index_lba[1], b);
        if (t->index_lba[0] != DW_LBA_NONE) {
            msf_of(t->index_lba[0], a);
            fprintf(out, "  %5d  %4d  %-8s  %-7s  %s %7d  ", t->number, t->session,
                    dw_track_mode_name(t->mode), flags, a, t->index_lba[0]);
        } else {
            fprintf(out, "  %5d  %4d  %-8s  %-7s  %-16s  ", t->number, t->session,
                    dw_track_mode_name(t->mode), flags, "-");
        }
        fprintf(out, "%s %7d  %9d  ", b, t->index_lba[1], dw_track_length_sectors(t));
        dw__fputs_escaped(t->isrc[0] ? t->isrc : "-", out);
        fputc('\n', out);
        for (int k = 2; k < t->index_count; k++) {
            msf_of(t->index_lba[k], a);
            fprintf(out, "         INDEX %02d %s %7d\n", k, a, t->index_lba[k]);
        }
    }
    msf_of(disc->leadout_lba, a);
    fprintf(out, "  lead-out                                         %s %7d\n", a,
            disc->leadout_lba);
    for (int s = 0; disc->session_count > 1 && s < disc->session_count; s++) {
        msf_of(disc->sessions[s].leadout_lba, a);
        fprintf(out, "  session %d: tracks %d-%d, lead-out %s (LBA %d)\n",
                disc->sessions[s].number, disc->sessions[s].first_track,
                disc->sessions[s].last_track, a, disc->sessions[s].leadout_lba);
    }
    if (disc->mcn[0])
        text_field(out, "  ", "MCN ", disc->mcn);
    if (disc->has_cdtext) {
        fprintf(out, "  CD-TEXT:\n");
        text_cdtext(out, "    ", &disc->cdtext);
        for (int i = 0; i < disc->track_count; i++) {
            const struct dw_cdtext *ct = &disc->tracks[i].cdtext;
            if (ct->title[0] || ct->performer[0] || ct->songwriter[0]) {
                fprintf(out, "    track %02d:\n", disc->tracks[i].number);
                text_cdtext(out, "      ", ct);
            }
        }
    }
    return ferror(out) ? DW_EIO : 0;
}
