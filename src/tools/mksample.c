/* dw-mksample OUTDIR: generate the bundled sample disc.
 *
 * A small mixed-mode CD as BIN/CUE, made entirely by this project's code:
 *   track 1  MODE1/2352  an ISO 9660 + Rock Ridge + Joliet file system built
 *                        with libisofs, every sector encoded with sync,
 *                        header, EDC and ECC (ECMA-130 cl. 14, Annex A);
 *   track 2  AUDIO       2 s pregap (INDEX 00) then 4 s of a 440 Hz tone, ISRC
 *   track 3  AUDIO       3 s of a 660 Hz tone, FLAGS DCP, ISRC, INDEX 02
 *   track 4  AUDIO       2 s of a falling sweep, FLAGS PRE
 * with CATALOG and CD-TEXT in the cue, plus the ISO alone (sample.iso) for
 * the burn demo.  Output is reproducible: fixed timestamps, no randomness.
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

int main(int argc, char **argv)
{
    char iso_path[4096], bin_path[4096], cue_path[4096];
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
    snprintf(bin_path, sizeof(bin_path), "%s/sample.bin", dir);
    snprintf(cue_path, sizeof(cue_path), "%s/sample.cue", dir);
    if (make_iso(iso_path))
        return 1;

    FILE *iso = fopen(iso_path, "rb"), *bin = fopen(bin_path, "wb");
    if (!iso || !bin) {
        fprintf(stderr, "dw-mksample: cannot open the outputs in '%s'\n", dir);
        return 1;
    }
    uint8_t user[DW_SECTOR_USER_BYTES], raw[DW_SECTOR_RAW_BYTES];
    int32_t lba = 0;
    while (fread(user, 1, sizeof(user), iso) == sizeof(user)) {
        dw_sector_encode_mode1(raw, lba++, user);
        if (fwrite(raw, 1, sizeof(raw), bin) != sizeof(raw))
            return die("write failed", errno);
    }
    fclose(iso);
    int32_t data_sectors = lba;

    struct dw_disc *disc = dw_disc_new();
    if (!disc)
        return die("out of memory", 0);
    snprintf(disc->mcn, sizeof(disc->mcn), "0000000000017");
    disc->has_cdtext = true;
    snprintf(disc->cdtext.title, DW_CDTEXT_BYTES, "discwright sample disc");
    snprintf(disc->cdtext.performer, DW_CDTEXT_BYTES, "discwright");
    disc->track_count = 4;
    struct dw_track *t = disc->tracks;
    t[0].number = 1;
    t[0].mode = DW_MODE_MODE1;
    t[0].control = DW_CTL_DATA;
    t[0].index_lba[1] = 0;
    t[0].index_count = 2;
    snprintf(t[0].cdtext.title, DW_CDTEXT_BYTES, "Data");

    /* Track 2: a 2 s pregap after the data track (IEC 60908 asks for it at
     * a data-to-audio change), then 4 s of tone. */
    t[1].number = 2;
    t[1].mode = DW_MODE_AUDIO;
    t[1].index_lba[0] = data_sectors;
    t[1].index_lba[1] = data_sectors + 150;
    t[1].index_count = 2;
    snprintf(t[1].isrc, sizeof(t[1].isrc), "XXDWS2300001");
    snprintf(t[1].cdtext.title, DW_CDTEXT_BYTES, "A above middle C");
    if (write_silence(bin, 150) || write_tone(bin, 4 * 75, 440, 440, 0.5))
        return die("write failed", errno);

    int32_t t3 = data_sectors + 150 + 4 * 75;
    t[2].number = 3;
    t[2].mode = DW_MODE_AUDIO;
    t[2].control = DW_CTL_DCP;
    t[2].index_lba[1] = t3;
    t[2].index_lba[2] = t3 + 75; /* an index inside the track */
    t[2].index_count = 3;
    snprintf(t[2].isrc, sizeof(t[2].isrc), "XXDWS2300002");
    snprintf(t[2].cdtext.title, DW_CDTEXT_BYTES, "E above A");
    if (write_tone(bin, 3 * 75, 660, 660, 0.4))
        return die("write failed", errno);

    int32_t t4 = t3 + 3 * 75;
    t[3].number = 4;
    t[3].mode = DW_MODE_AUDIO;
    t[3].control = DW_CTL_PRE;
    t[3].index_lba[1] = t4;
    t[3].index_count = 2;
    snprintf(t[3].cdtext.title, DW_CDTEXT_BYTES, "Sweep");
    if (write_tone(bin, 2 * 75, 2000, 100, 0.3))
        return die("write failed", errno);
    disc->leadout_lba = t4 + 2 * 75;
    if (fclose(bin) != 0)
        return die("write failed", errno);

    char msg[200];
    if (dw_disc_finish(disc, msg, sizeof(msg)))
        return die(msg, 0);
    FILE *cue = fopen(cue_path, "w");
    struct dw_cue_write_opts co = {.bin_name = "sample.bin", .bin_first_lba = 0};
    if (!cue || dw_cue_write(disc, &co, cue) || fclose(cue) != 0)
        return die("cannot write the cue sheet", errno);
    dw_disc_free(disc);
    printf("dw-mksample: wrote %s (%d data + %d audio sectors), %s and %s\n", bin_path,
           data_sectors, t4 + 2 * 75 - data_sectors, cue_path, iso_path);
    return 0;
}
