/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Burning a BIN/CUE image through libburn's cue support.
 *
 * libburn 1.5.4's burn_session_by_cue_file takes FILE BINARY/MOTOROLA/WAVE
 * and TRACK AUDIO or MODE1/2048 only, never both kinds in one session, and
 * CD-TEXT only on all-audio discs (REFERENCE.md).  So:
 *  - the image is read with our own cue reader (which knows multi-file
 *    cues, case-insensitive FILE names and libcdio's <cue>.bin fallback);
 *  - audio cues and MODE1/2048 cues go to libburn as a copy of the cue whose
 *    FILE lines name the resolved files by absolute path;
 *  - MODE1/2352 data is rewritten as 2048-byte sectors after every sector's
 *    sync, header, EDC and ECC are checked (ECMA-130 cl. 14, Annex A), with
 *    a cue of MODE1/2048 tracks, in a temporary directory removed afterwards;
 *  - what libburn cannot write is refused, saying what to use instead.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "burn/burn_int.h"
#include "discwright/burn.h"
#include "discwright/drive.h"
#include "discwright/sector.h"
#include "disc/disc_int.h"
#include "image/image.h"

int dw__burn_cue_plan(const struct dw_disc *disc, const char *image_path,
                      struct dw__cue_plan *plan, char *msg, size_t msg_bytes)
{
    char dummy[8];
    int audio = 0, data = 0;
    if (!msg) {
        msg = dummy;
        msg_bytes = sizeof(dummy);
    }
    memset(plan, 0, sizeof(*plan));
    if (disc->session_count > 1) {
        snprintf(msg, msg_bytes,
                 "'%s' has %d sessions; libburn writes one session from a cue sheet: "
                 "burn each session from its own cue, or use 'cdrdao write'",
                 image_path, disc->session_count);
        return DW_EUNSUPPORTED;
    }
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (t->mode == DW_MODE_MODE2 || t->mode == DW_MODE_MODE2_XA) {
            snprintf(msg, msg_bytes,
                     "track %02d of '%s' is Mode 2 (CD-ROM XA), which libburn cannot write "
                     "from a cue sheet: burn it with 'cdrdao write --device DRIVE %s'",
                     t->number, image_path, image_path);
            return DW_EUNSUPPORTED;
        }
        if (dw_track_is_data(t))
            data++;
        else
            audio++;
        plan->sectors += t->end_lba - dw_track_first_lba(t);
    }
    if (audio && data) {
        snprintf(msg, msg_bytes,
                 "'%s' mixes audio and data tracks, which libburn cannot write in one "
                 "session: burn it with 'cdrdao write --device DRIVE %s', or burn the audio "
                 "tracks from a cue of their own",
                 image_path, image_path);
        return DW_EUNSUPPORTED;
    }
    /* IEC 60908 asks for tracks of at least 4 s (300 sectors); libburn pads
     * shorter ones to that, which moves every later track: refuse instead. */
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        if (!dw_track_is_data(t) && t->end_lba - t->index_lba[1] < 300) {
            snprintf(msg, msg_bytes,
                     "track %02d of '%s' is %d sectors long, under the 300 sectors (4 s) a CD "
                     "track needs; libburn would pad it and move the tracks after it: burn it "
                     "with 'cdrdao write --device DRIVE %s'",
                     t->number, image_path, t->end_lba - t->index_lba[1], image_path);
            return DW_EUNSUPPORTED;
        }
    }
    plan->audio = audio > 0;
    return 0;
}

struct tmpdir {
    char path[64];
    bool made;
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void tmpdir_remove(struct tmpdir *td)
{
    if (td->made)
        nftw(td->path, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    td->made = false;
}

static int tmpdir_make(struct tmpdir *td, struct dw_error_detail *err)
{
    const char *base = getenv("TMPDIR");
    if (!base || !base[0] || strlen(base) > 40)
        base = "/tmp";
    snprintf(td->path, sizeof(td->path), "%s/discwright-burn-XXXXXX", base);
    if (!mkdtemp(td->path))
        return dw__set_error(err, dw_error_from_errno(errno),
                             "cannot make a temporary directory in '%s': %s", base,
                             strerror(errno));
    td->made = true;
    return 0;
}

/* Copy the cue with each FILE line naming its resolved file by absolute
 * path, so libburn finds what our reader found. */
static int write_libburn_cue(const char *cue_path, const struct dw__image *img,
                             const char *out_path, struct dw_error_detail *err)
{
    FILE *in = fopen(cue_path, "rb"), *out = fopen(out_path, "w");
    char line[4096];
    int file_index = 0, rc = 0;
    if (!in || !out) {
        rc = dw__set_error(err, DW_EIO, "cannot copy '%s' for libburn: %s", cue_path,
                           strerror(errno));
        goto out;
    }
    while (fgets(line, sizeof(line), in)) {
        const char *p = line;
        if (file_index == 0 && (uint8_t)p[0] == 0xEF && (uint8_t)p[1] == 0xBB &&
            (uint8_t)p[2] == 0xBF)
            p += 3;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, "FILE", 4) != 0 || (p[4] != ' ' && p[4] != '\t')) {
            fputs(p == line ? line : p, out);
            continue;
        }
        if (file_index >= img->file_count) {
            rc = dw__set_error(err, DW_EPARSE, "'%s': more FILE lines than files", cue_path);
            goto out;
        }
        /* The type is the last word of the line. */
        char *end = line + strlen(line);
        while (end > line && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
            *--end = '\0';
        const char *type = strrchr(line, ' ');
        const char *abs = img->files[file_index++].path;
        char real[4096];
        if (!realpath(abs, real))
            snprintf(real, sizeof(real), "%s", abs);
        if (strchr(real, '"')) {
            rc = dw__set_error(err, DW_EUNSUPPORTED,
                               "the path '%s' holds a double quote, which a cue sheet cannot "
                               "name: rename it",
                               real);
            goto out;
        }
        fprintf(out, "FILE \"%s\"%s\n", real, type ? type : " BINARY");
    }
    if (ferror(in) || fclose(out) != 0) {
        out = NULL;
        rc = dw__set_error(err, DW_EIO, "cannot write the cue sheet for libburn");
    }
    out = NULL;
out:
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    return rc;
}

/* Rewrite the MODE1/2352 data tracks as MODE1/2048: every sector checked
 * first, so a damaged image is refused rather than burned. */
static int convert_mode1(const char *cue_path, const struct dw_disc *disc, const char *dir,
                         char *out_cue, size_t out_cue_bytes, int64_t *bytes,
                         struct dw_error_detail *err)
{
    struct dw_drive *d = NULL;
    char bin[256];
    FILE *fb = NULL, *fc = NULL;
    uint8_t raw[DW_SECTOR_RAW_BYTES];
    int rc = dw_drive_open(cue_path, 0, &d, err);
    if (rc)
        return rc;
    snprintf(bin, sizeof(bin), "%s/data.bin", dir);
    snprintf(out_cue, out_cue_bytes, "%s/data.cue", dir);
    fb = fopen(bin, "wb");
    fc = fopen(out_cue, "w");
    if (!fb || !fc) {
        rc = dw__set_error(err, DW_EIO, "cannot write in '%s': %s", dir, strerror(errno));
        goto out;
    }
    if (disc->mcn[0])
        fprintf(fc, "CATALOG %s\n", disc->mcn);
    fprintf(fc, "FILE \"%s\" BINARY\n", bin);
    int64_t pos = 0;
    for (int i = 0; i < disc->track_count; i++) {
        const struct dw_track *t = &disc->tracks[i];
        char msf[9];
        fprintf(fc, "  TRACK %02d MODE1/2048\n", t->number);
        for (int k = 0; k < t->index_count; k++) {
            if (t->index_lba[k] == DW_LBA_NONE)
                continue;
            dw_msf_format((int32_t)(pos + t->index_lba[k] - dw_track_first_lba(t)), msf);
            fprintf(fc, "    INDEX %02d %s\n", k, msf);
        }
        for (int32_t lba = dw_track_first_lba(t); lba < t->end_lba; lba++) {
            if ((rc = dw_drive_read_raw(d, lba, 1, raw))) {
                *err = *dw_drive_last_error(d);
                goto out;
            }
            enum dw_sector_verdict v = dw_sector_check(raw, lba, NULL);
            if (v != DW_SECTOR_GOOD || raw[15] != 1) {
                rc = dw__set_error(err, DW_EMISMATCH,
                                   "sector %d of track %02d in '%s' fails its check (%s): the "
                                   "image is damaged, and burning it would write wrong data",
                                   lba, t->number, cue_path,
                                   raw[15] != 1 && v == DW_SECTOR_GOOD
                                       ? "not a Mode 1 sector"
                                       : dw_sector_verdict_name(v));
                goto out;
            }
            if (fwrite(raw + DW_OFF_MODE1_DATA, 1, DW_SECTOR_USER_BYTES, fb) !=
                DW_SECTOR_USER_BYTES) {
                rc = dw__set_error(err, dw_error_from_errno(errno), "cannot write '%s': %s",
                                   bin, strerror(errno));
                goto out;
            }
            pos++;
        }
    }
    *bytes = pos * DW_SECTOR_USER_BYTES;
    if (fclose(fb) != 0) {
        fb = NULL;
        rc = dw__set_error(err, dw_error_from_errno(errno), "cannot write '%s': %s", bin,
                           strerror(errno));
        goto out;
    }
    fb = NULL;
out:
    if (fb)
        fclose(fb);
    if (fc && fclose(fc) != 0 && !rc)
        rc = dw__set_error(err, DW_EIO, "cannot write '%s'", out_cue);
    dw_drive_free(d);
    return rc;
}

/* A cue libburn cannot read as it is: FILE lines naming FLAC, AIFF or a
 * WAVE layout that is decoded (struct dw__vfile_ops), or the sheet itself
 * in UTF-16.  Its sectors are read through the image drive (the decoded
 * PCM) into one bin with a cue of our own (dw_cue_write), which libburn
 * reads like any other. */
static bool needs_decoding(const char *cue_path, const struct dw__image *img)
{
    for (int i = 0; i < img->file_count; i++)
        if (img->files[i].vops)
            return true;
    unsigned char head[2] = {1, 1};
    FILE *f = fopen(cue_path, "rb");
    if (f) {
        if (fread(head, 1, 2, f) != 2)
            head[0] = head[1] = 1;
        fclose(f);
    }
    return (head[0] == 0xff && head[1] == 0xfe) || (head[0] == 0xfe && head[1] == 0xff) ||
           !head[0] || !head[1];
}

static int decode_to_bin(const char *cue_path, const struct dw_disc *disc, const char *dir,
                         char *out_cue, size_t out_cue_bytes, int64_t *bytes,
                         struct dw_error_detail *err)
{
    enum { CHUNK = 64 };
    struct dw_drive *d = NULL;
    char bin[256];
    FILE *fb = NULL, *fc = NULL;
    uint8_t *raw = malloc((size_t)CHUNK * DW_SECTOR_RAW_BYTES);
    int64_t pos = 0;
    int rc = raw ? dw_drive_open(cue_path, 0, &d, err)
                 : dw__set_error(err, DW_ENOMEM, "out of memory");
    if (rc)
        goto out;
    snprintf(bin, sizeof(bin), "%s/audio.bin", dir);
    snprintf(out_cue, out_cue_bytes, "%s/audio.cue", dir);
    if (!(fb = fopen(bin, "wb")) || !(fc = fopen(out_cue, "w"))) {
        rc = dw__set_error(err, DW_EIO, "cannot write in '%s': %s", dir, strerror(errno));
        goto out;
    }
    int32_t first = dw_track_first_lba(&disc->tracks[0]) < 0 ? 0
                                                             : dw_track_first_lba(&disc->tracks[0]);
    for (int32_t lba = first; lba < disc->tracks[disc->track_count - 1].end_lba;) {
        int32_t n = disc->tracks[disc->track_count - 1].end_lba - lba;
        n = n > CHUNK ? CHUNK : n;
        if ((rc = dw_drive_read_raw(d, lba, n, raw))) {
            *err = *dw_drive_last_error(d);
            goto out;
        }
        if (fwrite(raw, DW_SECTOR_RAW_BYTES, (size_t)n, fb) != (size_t)n) {
            rc = dw__set_error(err, dw_error_from_errno(errno), "cannot write '%s': %s", bin,
                               strerror(errno));
            goto out;
        }
        lba += n;
        pos += n;
    }
    /* libburn takes cue CD-TEXT as ISO 8859-1 (block 0): our UTF-8 text
     * converted ('?' beyond U+00FF). */
    struct dw_disc *latin1 = dw_disc_clone(disc);
    if (!latin1) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    for (int i = -1; i < latin1->track_count; i++) {
        struct dw_cdtext *ct = i < 0 ? &latin1->cdtext : &latin1->tracks[i].cdtext;
        char *fields[] = {ct->title, ct->performer, ct->songwriter, ct->composer,
                          ct->arranger, ct->message};
        for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
            unsigned char l1[DW_CDTEXT_BYTES];
            dw__latin1_of(fields[k], l1, sizeof(l1));
            memcpy(fields[k], l1, sizeof(l1));
        }
    }
    struct dw_cue_write_opts co = {.bin_name = bin, .bin_first_lba = first};
    if ((rc = dw_cue_write(latin1, &co, fc)))
        dw__set_error(err, rc, "cannot write '%s'", out_cue);
    dw_disc_free(latin1);
    *bytes = pos * DW_SECTOR_RAW_BYTES;
out:
    if (fb && fclose(fb) != 0 && !rc)
        rc = dw__set_error(err, DW_EIO, "cannot write '%s': %s", bin, strerror(errno));
    if (fc && fclose(fc) != 0 && !rc)
        rc = dw__set_error(err, DW_EIO, "cannot write '%s'", out_cue);
    dw_drive_free(d);
    free(raw);
    return rc;
}

int dw_burn_cue(const char *cue_path, const char *drive_address,
                const struct dw_burn_opts *opts, const struct dw_callbacks *cb,
                struct dw_burn_result *result, struct dw_error_detail *err)
{
    struct dw_error_detail local_err;
    struct dw_burn_result local_result;
    struct dw__image *img = NULL;
    struct dw__cue_plan plan;
    struct tmpdir td = {0};
    char msg[512], libburn_cue[512];
    int64_t bytes = 0;
    int rc;
    if (!err)
        err = &local_err;
    if (!result)
        result = &local_result;
    memset(result, 0, sizeof(*result));
    memset(err, 0, sizeof(*err));
    if (!cue_path || !drive_address)
        return dw__set_error(err, DW_EINVAL, "no image or no drive given to burn");
    snprintf(result->drive_address, sizeof(result->drive_address), "%s", drive_address);
    if ((rc = dw__cue_read(cue_path, &img, err)))
        return rc;
    if ((rc = dw__burn_cue_plan(img->disc, cue_path, &plan, msg, sizeof(msg)))) {
        dw__set_error(err, rc, "%s", msg);
        goto out;
    }
    for (int i = 0; i < img->span_count; i++) {
        const struct dw__span *s = &img->spans[i];
        if (s->layout == DW_SPAN_RAW && s->stride_bytes != DW_SECTOR_RAW_BYTES) {
            rc = dw__set_error(err, DW_EUNSUPPORTED,
                               "track %02d of '%s' stores %u-byte sectors (CD+G or "
                               "sub-channel), which libburn cannot write from a cue",
                               s->track, cue_path, s->stride_bytes);
            goto out;
        }
        if (s->layout == DW_SPAN_RAW && !plan.audio)
            plan.convert = true;
        if (s->file >= 0)
            bytes += (int64_t)s->sectors * s->stride_bytes;
    }
    if ((rc = tmpdir_make(&td, err)))
        goto out;
    if (plan.audio && needs_decoding(cue_path, img)) {
        rc = decode_to_bin(cue_path, img->disc, td.path, libburn_cue, sizeof(libburn_cue),
                           &bytes, err);
    } else if (plan.convert) {
        rc = convert_mode1(cue_path, img->disc, td.path, libburn_cue, sizeof(libburn_cue),
                           &bytes, err);
    } else {
        snprintf(libburn_cue, sizeof(libburn_cue), "%s/image.cue", td.path);
        rc = write_libburn_cue(cue_path, img, libburn_cue, err);
    }
    if (rc)
        goto out;
    rc = dw__burn_cue_job(cue_path, libburn_cue, bytes, plan.sectors, plan.audio,
                          drive_address, opts, cb, result, err);
out:
    tmpdir_remove(&td);
    dw__image_free(img);
    return rc;
}
