/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dw-mksample OUTDIR: generate the bundled sample discs.
 *
 * A small mixed-mode CD as BIN/CUE (sample.bin, sample.cue), made entirely
 * by this project's code:
 *   track 1  MODE1/2352  an ISO 9660 + Rock Ridge + Joliet file system built
 *                        with libisofs, every sector encoded with sync,
 *                        header, EDC and ECC (ECMA-130 cl. 14, Annex A);
 *   track 2  AUDIO       2 s pregap (INDEX 00) then 4 s of a 440 Hz tone, ISRC
 *   track 3  AUDIO       3 s of a 660 Hz tone, FLAGS DCP, ISRC, INDEX 02
 *   track 4  AUDIO       2 s of a falling sweep, FLAGS PRE
 * with CATALOG and CD-TEXT in the cue, plus the ISO alone (sample.iso) for
 * the burn demo.
 *
 * The same content as a CD-Extra (Blue Book: audio session, then a data
 * session) in sample-extra.bin and sample-extra.cue:
 *   session 1  track 1  AUDIO  4 s of the 440 Hz tone, ISRC (at LBA 0)
 *              track 2  AUDIO  2 s pregap (INDEX 00), 3 s of the 660 Hz
 *                              tone, FLAGS DCP, ISRC, INDEX 02
 *              track 3  AUDIO  2 s of the sweep, FLAGS PRE
 *   session 2  track 4  MODE1/2352  the same ISO
 * with the same CATALOG and CD-TEXT.  Session 2 is laid out as discwright's
 * cue reader (src/image/cue.c) lays out a REM SESSION: after session 1's
 * lead-out (LBA 825) come 6750 + 4500 sectors of lead-out and lead-in
 * (Orange Book) that are not in the bin; then the bin goes on with track
 * 4's 150-sector pregap (INDEX 00 at LBA 12075: Mode 1 sectors of zero user
 * data) and its INDEX 01 at LBA 12225.  The pregap is in the bin because a
 * rip has it there: a drive's TOC gives only INDEX 01, discwright puts INDEX
 * 00 150 sectors before it (Orange Book) and rips from there; a cue without
 * that INDEX 00 would have the reader assume the pregap outside the bin and
 * a rip write 150 sectors more than the bin holds.  Every data sector
 * carries the header (MSF) of its real LBA in session 2, so EDC and ECC
 * check; the ISO's own block addresses are left as they are (the same ISO
 * as sample.iso, not relocated for a multi-session mount).
 *
 * Output is reproducible: fixed timestamps, no randomness.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdint.h>
#include <libburn/libburn.h>
#include <libisofs/libisofs.h>
#include "discwright/disc.h"
#include "discwright/sector.h"

#define FIXED_TIME ((time_t)1700000000) /* 2023-11-14T22:13:20Z */

static int die(const char *what, int code)
{
    fprintf(stderr, "dw-mksample: %s (%d)\n", what, code);
    return 1;
}

static unsigned char *text_file(const char *text, size_t *bytes)
{
    *bytes = strlen(text);
    unsigned char *buf = malloc(*bytes);
    if (buf)
        memcpy(buf, text, *bytes);
    return buf;
}

static int add_file(IsoDir *dir, const char *name, unsigned char *buf, size_t bytes)
{
    IsoStream *stream;
    IsoFile *file;
    int rc = iso_memory_stream_new(buf, bytes, &stream);
    if (rc < 0)
        return rc;
    rc = iso_tree_add_new_file(dir, name, stream, &file);
    if (rc < 0)
        return rc;
    iso_node_set_mtime((IsoNode *)file, FIXED_TIME);
    iso_node_set_atime((IsoNode *)file, FIXED_TIME);
    iso_node_set_ctime((IsoNode *)file, FIXED_TIME);
    return 0;
}

/* Build the ISO 9660 image with libisofs into path. */
static int make_iso(const char *path)
{
    IsoImage *image = NULL;
    IsoWriteOpts *opts = NULL;
    struct burn_source *src = NULL;
    FILE *out = NULL;
    int rc;
    if ((rc = iso_init()) < 0)
        return die("iso_init failed", rc);
    if ((rc = iso_image_new("DISCWRIGHT_SAMPLE", &image)) < 0)
        goto fail;
    iso_image_set_publisher_id(image, "discwright");
    iso_image_set_application_id(image, "dw-mksample");
    IsoDir *root = iso_image_get_root(image);
    size_t bytes;
    unsigned char *buf = text_file(
        "This is the discwright sample disc.\n\n"
        "Track 1 is this ISO 9660 file system, in Mode 1 sectors with EDC and ECC.\n"
        "Tracks 2-4 are short audio tracks: a 440 Hz tone, a 660 Hz tone and a sweep.\n",
        &bytes);
    if (!buf || (rc = add_file(root, "README.TXT", buf, bytes)) < 0)
        goto fail;
    /* A larger file with a known pattern, so the track spans many sectors. */
    bytes = 300 * 1024;
    buf = malloc(bytes);
    if (!buf)
        goto fail;
    for (size_t i = 0; i < bytes; i++)
        buf[i] = (unsigned char)((i * 2654435761u) >> 24);
    IsoDir *sub;
    if ((rc = iso_tree_add_new_dir(root, "data", &sub)) < 0 ||
        (rc = add_file(sub, "pattern.bin", buf, bytes)) < 0)
        goto fail;
    iso_node_set_mtime((IsoNode *)sub, FIXED_TIME);
    iso_node_set_mtime((IsoNode *)root, FIXED_TIME);
    if ((rc = iso_write_opts_new(&opts, 1)) < 0)
        goto fail;
    iso_write_opts_set_joliet(opts, 1);
    iso_write_opts_set_always_gmt(opts, 1);
    iso_write_opts_set_replace_timestamps(opts, 2);
    iso_write_opts_set_default_timestamp(opts, FIXED_TIME);
    iso_write_opts_set_dir_rec_mtime(opts, 1);
    iso_write_opts_set_pvd_times(opts, FIXED_TIME, FIXED_TIME, 0, 0, "2023111422132000");
    if ((rc = iso_image_create_burn_source(image, opts, &src)) < 0)
        goto fail;
    out = fopen(path, "wb");
    if (!out) {
        fprintf(stderr, "dw-mksample: cannot create '%s': %s\n", path, strerror(errno));
        rc = -1;
        goto fail;
    }
    unsigned char block[2048];
    int n;
    while ((n = src->read_xt(src, block, sizeof(block))) == (int)sizeof(block))
        if (fwrite(block, 1, sizeof(block), out) != sizeof(block)) {
            rc = -1;
            goto fail;
        }
    if (n < 0) {
        rc = n;
        goto fail;
    }
    if (fclose(out) != 0) {
        out = NULL;
        rc = -1;
        goto fail;
    }
    out = NULL;
    rc = 0;
fail:
    if (out)
        fclose(out);
    if (src) {
        src->free_data(src);
        free(src);
    }
    iso_write_opts_free(opts);
    if (image)
        iso_image_unref(image);
    iso_finish();
    if (rc)
        return die("building the ISO with libisofs failed", rc);
    return 0;
}

/* 16-bit stereo little-endian PCM, as CDRWin bins store audio. */
static void put_sample(uint8_t *p, int left, int right)
{
    p[0] = (uint8_t)(left & 0xff);
    p[1] = (uint8_t)((left >> 8) & 0xff);
    p[2] = (uint8_t)(right & 0xff);
    p[3] = (uint8_t)((right >> 8) & 0xff);
}

static int write_tone(FILE *bin, int sectors, double hz_start, double hz_end, double amp)
{
    uint8_t sector[DW_SECTOR_RAW_BYTES];
    long total = (long)sectors * DW_SAMPLES_PER_SECTOR;
    double phase = 0;
    for (int s = 0; s < sectors; s++) {
        for (int i = 0; i < DW_SAMPLES_PER_SECTOR; i++) {
            long k = (long)s * DW_SAMPLES_PER_SECTOR + i;
            double hz = hz_start + (hz_end - hz_start) * (double)k / (double)total;
            phase += 2 * M_PI * hz / 44100.0;
            int v = (int)lrint(amp * 32767.0 * sin(phase));
            put_sample(sector + 4 * i, v, (int)lrint(v * 0.8));
        }
        if (fwrite(sector, 1, sizeof(sector), bin) != sizeof(sector))
            return -1;
    }
    return 0;
}

static int write_silence(FILE *bin, int sectors)
{
    static const uint8_t zero[DW_SECTOR_RAW_BYTES];
    for (int s = 0; s < sectors; s++)
        if (fwrite(zero, 1, sizeof(zero), bin) != sizeof(zero))
            return -1;
    return 0;
}

/* The three audio tracks, in play order. */
static const struct sample_audio {
    const char *title, *isrc;
    unsigned control; /* DW_CTL_* */
    int sectors;
    double hz_start, hz_end, amp;
    int32_t index2_sectors; /* INDEX 02 this far after INDEX 01, or 0 */
} sample_audio[3] = {
    {"A above middle C", "XXDWS2300001", 0, 4 * 75, 440, 440, 0.5, 0},
    {"E above A", "XXDWS2300002", DW_CTL_DCP, 3 * 75, 660, 660, 0.4, 75},
    {"Sweep", "", DW_CTL_PRE, 2 * 75, 2000, 100, 0.3, 0},
};

#define SAMPLE_PREGAP_SECTORS 150 /* the 2 s INDEX 00 pregap of one audio track */

/* The album-level fields both discs share. */
static void put_album(struct dw_disc *disc)
{
    snprintf(disc->mcn, sizeof(disc->mcn), "0000000000017");
    disc->has_cdtext = true;
    snprintf(disc->cdtext.title, DW_CDTEXT_BYTES, "discwright sample disc");
    snprintf(disc->cdtext.performer, DW_CDTEXT_BYTES, "discwright");
}

/* Append the Mode 1 data track holding the ISO at iso_path to disc and bin,
 * its INDEX 01 at lba, after pregap_sectors (0 for none) of INDEX 00 pregap
 * with zero user data; every sector is encoded with the header of its LBA.
 * *sectors gets the sectors from INDEX 01 on.  Returns 0, or non-zero after
 * saying why on stderr. */
static int put_data(struct dw_disc *disc, FILE *bin, const char *iso_path, int32_t lba,
                    int32_t pregap_sectors, int32_t *sectors)
{
    uint8_t user[DW_SECTOR_USER_BYTES] = {0}, raw[DW_SECTOR_RAW_BYTES];
    for (int32_t k = lba - pregap_sectors; k < lba; k++) {
        dw_sector_encode_mode1(raw, k, user);
        if (fwrite(raw, 1, sizeof(raw), bin) != sizeof(raw))
            return die("write failed", errno);
    }
    FILE *iso = fopen(iso_path, "rb");
    if (!iso) {
        fprintf(stderr, "dw-mksample: cannot open '%s': %s\n", iso_path, strerror(errno));
        return -1;
    }
    int32_t n = 0;
    int rc = 0;
    while (fread(user, 1, sizeof(user), iso) == sizeof(user)) {
        dw_sector_encode_mode1(raw, lba + n++, user);
        if (fwrite(raw, 1, sizeof(raw), bin) != sizeof(raw)) {
            rc = die("write failed", errno);
            break;
        }
    }
    fclose(iso);
    if (rc)
        return -1;
    struct dw_track *t = &disc->tracks[disc->track_count];
    t->number = disc->track_count + 1;
    t->mode = DW_MODE_MODE1;
    t->control = DW_CTL_DATA;
    if (pregap_sectors)
        t->index_lba[0] = lba - pregap_sectors;
    t->index_lba[1] = lba;
    t->index_count = 2;
    snprintf(t->cdtext.title, DW_CDTEXT_BYTES, "Data");
    disc->track_count++;
    *sectors = n;
    return 0;
}

/* Append the three audio tracks to disc and bin from lba on, with the
 * 2 s pregap (INDEX 00, digital silence) before sample_audio[pregap_at].
 * *end_lba gets the first LBA after them.  Returns 0 or non-zero. */
static int put_audio(struct dw_disc *disc, FILE *bin, int32_t lba, int pregap_at,
                     int32_t *end_lba)
{
    for (int i = 0; i < 3; i++) {
        const struct sample_audio *a = &sample_audio[i];
        struct dw_track *t = &disc->tracks[disc->track_count];
        t->number = disc->track_count + 1;
        t->mode = DW_MODE_AUDIO;
        t->control = a->control;
        if (i == pregap_at) {
            t->index_lba[0] = lba;
            if (write_silence(bin, SAMPLE_PREGAP_SECTORS))
                return die("write failed", errno);
            lba += SAMPLE_PREGAP_SECTORS;
        }
        t->index_lba[1] = lba;
        t->index_count = 2;
        if (a->index2_sectors) {
            t->index_lba[2] = lba + a->index2_sectors; /* an index inside the track */
            t->index_count = 3;
        }
        snprintf(t->isrc, sizeof(t->isrc), "%s", a->isrc);
        snprintf(t->cdtext.title, DW_CDTEXT_BYTES, "%s", a->title);
        if (write_tone(bin, a->sectors, a->hz_start, a->hz_end, a->amp))
            return die("write failed", errno);
        lba += a->sectors;
        disc->track_count++;
    }
    *end_lba = lba;
    return 0;
}

/* Finish disc and write its cue sheet to cue_path for the bin bin_name;
 * gap_count session gaps (as dw_cue_write_opts) are not in the bin. */
static int write_cue(struct dw_disc *disc, const char *cue_path, const char *bin_name,
                     const int32_t *gap_lba, const int32_t *gap_sectors, int gap_count)
{
    char msg[200];
    if (dw_disc_finish(disc, msg, sizeof(msg)))
        return die(msg, 0);
    FILE *cue = fopen(cue_path, "w");
    struct dw_cue_write_opts co = {.bin_name = bin_name,
                                   .bin_first_lba = 0,
                                   .gap_lba = gap_lba,
                                   .gap_sectors = gap_sectors,
                                   .gap_count = gap_count};
    if (!cue || dw_cue_write(disc, &co, cue) || fclose(cue) != 0)
        return die("cannot write the cue sheet", errno);
    return 0;
}

/* The mixed-mode disc: data track 1, then the audio, the pregap before
 * track 2 (IEC 60908 asks for one at a data-to-audio change). */
static int make_mixed(const char *dir, const char *iso_path)
{
    char bin_path[4096], cue_path[4096];
    snprintf(bin_path, sizeof(bin_path), "%s/sample.bin", dir);
    snprintf(cue_path, sizeof(cue_path), "%s/sample.cue", dir);
    struct dw_disc *disc = dw_disc_new();
    FILE *bin = fopen(bin_path, "wb");
    int32_t data_sectors = 0, end_lba = 0;
    int rc = 1;
    if (!disc || !bin) {
        fprintf(stderr, "dw-mksample: cannot open the outputs in '%s'\n", dir);
        goto out;
    }
    put_album(disc);
    if (put_data(disc, bin, iso_path, 0, 0, &data_sectors) ||
        put_audio(disc, bin, data_sectors, 0, &end_lba))
        goto out;
    disc->leadout_lba = end_lba;
    int close_rc = fclose(bin);
    bin = NULL;
    if (close_rc != 0) {
        die("write failed", errno);
        goto out;
    }
    if (write_cue(disc, cue_path, "sample.bin", NULL, NULL, 0))
        goto out;
    printf("dw-mksample: wrote %s (%d data + %d audio sectors), %s and %s\n", bin_path,
           data_sectors, end_lba - data_sectors, cue_path, iso_path);
    rc = 0;
out:
    if (bin)
        fclose(bin);
    dw_disc_free(disc);
    return rc;
}

/* The CD-Extra: the audio in session 1 (the pregap before track 2), the
 * data track alone in session 2, laid out as the header comment says. */
static int make_extra(const char *dir, const char *iso_path)
{
    char bin_path[4096], cue_path[4096];
    snprintf(bin_path, sizeof(bin_path), "%s/sample-extra.bin", dir);
    snprintf(cue_path, sizeof(cue_path), "%s/sample-extra.cue", dir);
    struct dw_disc *disc = dw_disc_new();
    FILE *bin = fopen(bin_path, "wb");
    int32_t audio_end = 0, data_sectors = 0;
    int rc = 1;
    if (!disc || !bin) {
        fprintf(stderr, "dw-mksample: cannot open the outputs in '%s'\n", dir);
        goto out;
    }
    put_album(disc);
    if (put_audio(disc, bin, 0, 1, &audio_end))
        goto out;
    /* Session 1's lead-out and session 2's lead-in (Orange Book), not in
     * the bin; then track 4's pregap, in it. */
    int32_t gap_lba = audio_end + 6750 + 4500, gap_sectors = gap_lba - audio_end;
    int32_t data_lba = gap_lba + SAMPLE_PREGAP_SECTORS;
    if (put_data(disc, bin, iso_path, data_lba, SAMPLE_PREGAP_SECTORS, &data_sectors))
        goto out;
    int close_rc = fclose(bin);
    bin = NULL;
    if (close_rc != 0) {
        die("write failed", errno);
        goto out;
    }
    for (int i = 0; i < disc->track_count; i++)
        disc->tracks[i].session = dw_track_is_data(&disc->tracks[i]) ? 2 : 1;
    disc->session_count = 2;
    disc->sessions[0] = (struct dw_session){.number = 1,
                                            .first_track = 1,
                                            .last_track = disc->track_count - 1,
                                            .leadout_lba = audio_end};
    disc->sessions[1] = (struct dw_session){.number = 2,
                                            .first_track = disc->track_count,
                                            .last_track = disc->track_count,
                                            .leadout_lba = data_lba + data_sectors};
    disc->leadout_lba = data_lba + data_sectors;
    if (write_cue(disc, cue_path, "sample-extra.bin", &gap_lba, &gap_sectors, 1))
        goto out;
    printf("dw-mksample: wrote %s (%d audio + %d data sectors, data track from LBA %d) "
           "and %s\n",
           bin_path, audio_end, SAMPLE_PREGAP_SECTORS + data_sectors, gap_lba, cue_path);
    rc = 0;
out:
    if (bin)
        fclose(bin);
    dw_disc_free(disc);
    return rc;
}

int main(int argc, char **argv)
{
    char iso_path[4096];
    if (argc != 2) {
        fprintf(stderr, "usage: dw-mksample OUTDIR\n");
        return 2;
    }
    const char *dir = argv[1];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "dw-mksample: cannot create '%s': %s\n", dir, strerror(errno));
        return 1;
    }
    snprintf(iso_path, sizeof(iso_path), "%s/sample.iso", dir);
    if (make_iso(iso_path) || make_mixed(dir, iso_path) || make_extra(dir, iso_path))
        return 1;
    return 0;
}
