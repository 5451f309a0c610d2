/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the Nero NRG reader (src/image/nrg.c).
 *
 * Fixtures: libcdio's p1.nrg (v2 footer, CUEX + DAOX, two audio tracks at
 * LSN 150 and 300, CD-TEXT) and videocd.nrg (v1 footer, ETNF: five Mode 2
 * tracks at LSN 0, 826, 1051, 1276, 1501, lead-out 1726), both checked
 * against libcdio's cd-info output (test/videocd.right, fixtures README).
 * Synthetic images built here cover v1 DAO (CUES + DAOI), raw sectors
 * with headers, sub-channel strides, multi-session DAO and TAO, and
 * damaged files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "dw_test.h"
#include "image/image.h"

#ifndef DW_FIXTURES_DIR
#define DW_FIXTURES_DIR "../shared/fixtures"
#endif

#define LIBCDIO_DIR DW_FIXTURES_DIR "/libcdio/test/data"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static const struct dw__span *span_at(const struct dw__image *img, int32_t lba)
{
    for (int i = 0; i < img->span_count; i++)
        if (lba >= img->spans[i].lba && lba < img->spans[i].lba + img->spans[i].sectors)
            return &img->spans[i];
    return NULL;
}

/* Read n bytes of the sector at lba as stored on file; false for ZERO. */
static bool read_stored(const struct dw__image *img, int32_t lba, void *buf, size_t n)
{
    const struct dw__span *s = span_at(img, lba);
    assert_non_null(s);
    if (s->layout == DW_SPAN_ZERO)
        return false;
    FILE *f = fopen(img->files[s->file].path, "rb");
    assert_non_null(f);
    uint64_t off = s->offset_bytes + (uint64_t)(lba - s->lba) * s->stride_bytes;
    assert_int_equal(fseeko(f, (off_t)off, SEEK_SET), 0);
    assert_int_equal(fread(buf, 1, n, f), n);
    fclose(f);
    return true;
}

/* Spans are sorted, contiguous from the first track's first LBA to the
 * lead-out, and point inside the file. */
static void assert_spans_cover(const struct dw__image *img)
{
    const struct dw_disc *d = img->disc;
    int32_t lba = dw_track_first_lba(&d->tracks[0]);
    for (int i = 0; i < img->span_count; i++) {
        const struct dw__span *s = &img->spans[i];
        assert_int_equal(s->lba, lba);
        assert_true(s->sectors > 0);
        assert_non_null(dw_disc_track(d, s->track));
        if (s->layout != DW_SPAN_ZERO) {
            assert_int_equal(s->file, 0);
            assert_true(s->offset_bytes + (uint64_t)s->sectors * s->stride_bytes <=
                        img->files[0].size_bytes);
        }
        lba += s->sectors;
    }
    assert_int_equal(lba, d->leadout_lba);
}

static struct dw__image *read_ok(const char *path)
{
    struct dw__image *img = NULL;
    struct dw_error_detail err;
    memset(&err, 0, sizeof(err));
    int rc = dw__nrg_read(path, &img, &err);
    if (rc != 0)
        fail_msg("dw__nrg_read(%s): %s: %s", path, dw_err_name(rc), err.message);
    assert_string_equal(img->format, "nrg");
    assert_int_equal(img->file_count, 1);
    assert_spans_cover(img);
    return img;
}

static void read_fails(const char *path, int code, const char *needle)
{
    struct dw__image *img = (struct dw__image *)1;
    struct dw_error_detail err;
    memset(&err, 0, sizeof(err));
    int rc = dw__nrg_read(path, &img, &err);
    if (rc != code)
        fail_msg("%s: expected %s, got %s (%s)", path, dw_err_name(code), dw_err_name(rc),
                 err.message);
    assert_null(img);
    assert_int_equal(err.code, code);
    assert_non_null(strstr(err.message, path));
    if (needle && !strstr(err.message, needle))
        fail_msg("message '%s' lacks '%s'", err.message, needle);
}

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */

static void test_p1(void **state)
{
    (void)state;
    struct dw__image *img = read_ok(LIBCDIO_DIR "/p1.nrg");
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->track_count, 2);
    assert_int_equal(d->session_count, 1);
    assert_int_equal(d->tracks[0].mode, DW_MODE_AUDIO);
    assert_int_equal(d->tracks[1].mode, DW_MODE_AUDIO);
    /* cd-info: tracks at LSN 150 and 300; the cue table also gives the
     * INDEX 00 points (-150, clipped to 0, and 225) and the lead-out. */
    assert_int_equal(d->tracks[0].index_lba[1], 150);
    assert_int_equal(d->tracks[1].index_lba[1], 300);
    assert_int_equal(d->tracks[0].index_lba[0], 0);
    assert_int_equal(d->tracks[1].index_lba[0], 225);
    assert_int_equal(d->leadout_lba, 302);
    assert_int_equal(d->tracks[0].end_lba, 225);
    /* CUEX control 2: digital copy permitted (p1.cue: FLAGS DCP). */
    assert_int_equal(d->tracks[0].control, DW_CTL_DCP);
    assert_int_equal(d->tracks[1].control, DW_CTL_DCP);
    assert_string_equal(d->mcn, "");
    /* The CDTX chunk (same text as p1.cue). */
    assert_true(d->has_cdtext);
    assert_string_equal(d->cdtext.title, "Join us now we have the software");
    assert_string_equal(d->cdtext.performer, "Richard Stallman");
    assert_int_equal(img->files[0].size_bytes, 1063470);
    /* LBA 0 lies 150 sectors into the file (the stored -150..-1 pregap). */
    assert_int_equal(img->spans[0].offset_bytes, 150 * 2352);
    assert_int_equal(img->spans[0].layout, DW_SPAN_RAW);
    assert_int_equal(img->spans[0].stride_bytes, 2352);

    /* The audio is p1.bin's, sector for sector, in the same byte order. */
    FILE *bin = fopen(LIBCDIO_DIR "/p1.bin", "rb");
    assert_non_null(bin);
    unsigned char a[2352], b[2352];
    for (int32_t lba = 0; lba < 302; lba++) {
        assert_true(read_stored(img, lba, a, sizeof(a)));
        assert_int_equal(fread(b, 1, sizeof(b), bin), sizeof(b));
        assert_memory_equal(a, b, sizeof(a));
    }
    fclose(bin);
    dw__image_free(img);
}

static void test_videocd(void **state)
{
    (void)state;
    static const int32_t starts[5] = {0, 826, 1051, 1276, 1501};
    struct dw__image *img = read_ok(LIBCDIO_DIR "/videocd.nrg");
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->track_count, 5);
    assert_int_equal(d->leadout_lba, 1726);
    for (int i = 0; i < 5; i++) {
        const struct dw_track *t = &d->tracks[i];
        assert_int_equal(t->number, i + 1);
        assert_int_equal(t->mode, DW_MODE_MODE2_XA);
        assert_int_equal(t->control, DW_CTL_DATA);
        assert_int_equal(t->index_lba[1], starts[i]);
        /* TAO: 150 pregap sectors before every track but the first. */
        assert_int_equal(dw_track_pregap_sectors(t), i == 0 ? 0 : 150);
        const struct dw__span *s = span_at(img, starts[i]);
        assert_int_equal(s->layout, DW_SPAN_MODE2_2336);
        assert_int_equal(s->stride_bytes, 2336);
        assert_int_equal(s->lba, starts[i]);
        if (i > 0)
            assert_int_equal(span_at(img, starts[i] - 1)->layout, DW_SPAN_ZERO);

        /* First sector of each track: Mode 2 sectors stored from the
         * subheader on (no sync or header to check); the subheader is
         * repeated, and the MPEG tracks open with a pack header. */
        unsigned char sec[2336];
        assert_true(read_stored(img, starts[i], sec, sizeof(sec)));
        assert_memory_equal(sec, sec + 4, 4);
        if (i > 0) {
            static const unsigned char pack[4] = {0x00, 0x00, 0x01, 0xba};
            assert_memory_equal(sec + 8, pack, 4);
            assert_int_equal(sec[2] & 0x20, 0x20); /* Form 2 */
        }
    }
    /* The ISO 9660 primary volume descriptor at LBA 16 of track 1. */
    unsigned char pvd[16];
    assert_true(read_stored(img, 16, pvd, sizeof(pvd)));
    assert_memory_equal(pvd + 8, "\001CD001", 6);
    dw__image_free(img);
}

/* ------------------------------------------------------------------ */
/* Synthetic images                                                    */

struct buf {
    uint8_t *p;
    size_t n, cap;
};

static void put(struct buf *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    if (data)
        memcpy(b->p + b->n, data, n);
    else
        memset(b->p + b->n, 0, n);
    b->n += n;
}

static void put8(struct buf *b, unsigned v)
{
    uint8_t c = (uint8_t)v;
    put(b, &c, 1);
}

static void put16(struct buf *b, unsigned v)
{
    put8(b, v >> 8);
    put8(b, v);
}

static void put32(struct buf *b, uint32_t v)
{
    put16(b, v >> 16);
    put16(b, v & 0xffff);
}

static void put64(struct buf *b, uint64_t v)
{
    put32(b, (uint32_t)(v >> 32));
    put32(b, (uint32_t)v);
}

static void put_chunk_head(struct buf *b, const char *id, uint32_t size)
{
    put(b, id, 4);
    put32(b, size);
}

static unsigned to_bcd(int v)
{
    return (unsigned)((v / 10) << 4 | (v % 10));
}

static bool mode_is_raw_data(uint8_t mode)
{
    return mode == 0x05 || mode == 0x06 || mode == 0x0f || mode == 0x11;
}

/* The bytes stored for the sector at lba: raw data sectors carry sync and
 * a header with the absolute MSF; everything else a pattern of the LBA. */
static void make_sector(uint8_t mode, uint32_t sector_bytes, int32_t lba, uint8_t *out)
{
    memset(out, (int)((uint32_t)lba * 7u + 3u) & 0xff, sector_bytes);
    if (mode_is_raw_data(mode)) {
        int32_t abs = lba + 150;
        out[0] = 0;
        memset(out + 1, 0xff, 10);
        out[11] = 0;
        out[12] = (uint8_t)to_bcd(abs / 4500);
        out[13] = (uint8_t)to_bcd(abs / 75 % 60);
        out[14] = (uint8_t)to_bcd(abs % 75);
        out[15] = mode == 0x05 || mode == 0x0f ? 1 : 2;
    }
    if (sector_bytes == 2448)
        memset(out + 2352, 0xa5, 96);
}

static void put_sectors(struct buf *b, uint8_t mode, uint32_t sector_bytes, int32_t lba,
                        uint32_t count)
{
    uint8_t sec[2448];
    for (uint32_t i = 0; i < count; i++) {
        make_sector(mode, sector_bytes, lba + (int32_t)i, sec);
        put(b, sec, sector_bytes);
    }
}

struct dao_spec {
    int number, session;
    uint8_t mode, ctl;
    uint16_t sector_bytes;
    int32_t idx0_lba, idx1_lba;
    uint32_t file_pregap, body; /* sectors on file before / after INDEX 01 */
    const char *isrc;
    int32_t index2_lba; /* 0: none */
};

struct image_spec {
    int version; /* 1: CUES/DAOI/"NERO", 2: CUEX/DAOX/"NER5" */
    const struct dao_spec *tracks;
    int track_count;
    int32_t leadout[4]; /* per session */
    const char *mcn;
    bool no_end;
};

static void put_cue_point(struct buf *b, int version, unsigned ctl_adr, unsigned track,
                          unsigned index, int32_t lba)
{
    put8(b, ctl_adr);
    put8(b, track);
    put8(b, index);
    put8(b, 0);
    if (version == 2) {
        put32(b, (uint32_t)lba);
    } else {
        int32_t abs = lba + 150;
        put8(b, 0);
        put8(b, to_bcd(abs / 4500));
        put8(b, to_bcd(abs / 75 % 60));
        put8(b, to_bcd(abs % 75));
    }
}

/* Write a DAO image: sector data, per session a cue and a DAO chunk, SINF,
 * MTYP, END!, footer. */
static void write_dao_image(const char *path, const struct image_spec *spec)
{
    struct buf b = {0};
    uint64_t idx0_off[8], idx1_off[8], end_off[8];
    for (int i = 0; i < spec->track_count; i++) {
        const struct dao_spec *t = &spec->tracks[i];
        idx0_off[i] = b.n;
        put_sectors(&b, t->mode, t->sector_bytes, t->idx1_lba - (int32_t)t->file_pregap,
                    t->file_pregap);
        idx1_off[i] = b.n;
        put_sectors(&b, t->mode, t->sector_bytes, t->idx1_lba, t->body);
        end_off[i] = b.n;
    }
    uint64_t chain = b.n;
    int sessions = spec->tracks[spec->track_count - 1].session;
    for (int s = 1; s <= sessions; s++) {
        int first = 0, last = 0, n = 0;
        for (int i = 0; i < spec->track_count; i++) {
            if (spec->tracks[i].session != s)
                continue;
            if (!n)
                first = i;
            last = i;
            n++;
        }
        /* Cue: lead-in (session 1), per track INDEX 00 and 01 (and 02), lead-out. */
        struct buf cue = {0};
        if (s == 1)
            put_cue_point(&cue, spec->version, spec->tracks[0].ctl << 4 | 1, 0, 0, -150);
        for (int i = first; i <= last; i++) {
            const struct dao_spec *t = &spec->tracks[i];
            unsigned ca = (unsigned)t->ctl << 4 | 1;
            put_cue_point(&cue, spec->version, ca, to_bcd(t->number), 0, t->idx0_lba);
            put_cue_point(&cue, spec->version, ca, to_bcd(t->number), 1, t->idx1_lba);
            if (t->index2_lba)
                put_cue_point(&cue, spec->version, ca, to_bcd(t->number), 2,
                              t->index2_lba);
        }
        put_cue_point(&cue, spec->version, 1, 0xaa, 1, spec->leadout[s - 1]);
        put_chunk_head(&b, spec->version == 2 ? "CUEX" : "CUES", (uint32_t)cue.n);
        put(&b, cue.p, cue.n);
        free(cue.p);

        uint32_t entry = spec->version == 2 ? 42 : 30;
        uint32_t size = 22 + (uint32_t)n * entry;
        put_chunk_head(&b, spec->version == 2 ? "DAOX" : "DAOI", size);
        put32(&b, size);
        char mcn[14] = {0};
        if (spec->mcn)
            memcpy(mcn, spec->mcn, 13);
        put(&b, mcn, 14);
        put16(&b, 0);
        put8(&b, (unsigned)spec->tracks[first].number);
        put8(&b, (unsigned)spec->tracks[last].number);
        for (int i = first; i <= last; i++) {
            const struct dao_spec *t = &spec->tracks[i];
            char isrc[12] = {0};
            if (t->isrc)
                memcpy(isrc, t->isrc, 12);
            put(&b, isrc, 12);
            put16(&b, t->sector_bytes);
            put8(&b, t->mode);
            put8(&b, 0);
            put8(&b, 0);
            put8(&b, 1);
            if (spec->version == 2) {
                put64(&b, idx0_off[i]);
                put64(&b, idx1_off[i]);
                put64(&b, end_off[i]);
            } else {
                put32(&b, (uint32_t)idx0_off[i]);
                put32(&b, (uint32_t)idx1_off[i]);
                put32(&b, (uint32_t)end_off[i]);
            }
        }
    }
    for (int s = 1; s <= sessions; s++) {
        uint32_t n = 0;
        for (int i = 0; i < spec->track_count; i++)
            n += spec->tracks[i].session == s;
        put_chunk_head(&b, "SINF", 4);
        put32(&b, n);
    }
    put_chunk_head(&b, "MTYP", 4);
    put32(&b, 1);
    if (!spec->no_end)
        put_chunk_head(&b, "END!", 0);
    if (spec->version == 2) {
        put(&b, "NER5", 4);
        put64(&b, chain);
    } else {
        put(&b, "NERO", 4);
        put32(&b, (uint32_t)chain);
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b.p, 1, b.n, f), b.n);
    fclose(f);
    free(b.p);
}

struct tao_spec {
    uint8_t mode;
    uint32_t sector_bytes, sectors;
    int32_t lba_field;
};

/* TAO image: data, ETNF/ETN2, SINF per session, END!, footer. */
static void write_tao_image(const char *path, int version, const struct tao_spec *tracks,
                            int track_count, const uint32_t *sinf, int sinf_n)
{
    struct buf b = {0};
    uint64_t off[8];
    for (int i = 0; i < track_count; i++) {
        off[i] = b.n;
        put_sectors(&b, tracks[i].mode, tracks[i].sector_bytes, tracks[i].lba_field,
                    tracks[i].sectors);
    }
    uint64_t chain = b.n;
    put_chunk_head(&b, version == 2 ? "ETN2" : "ETNF",
                   (uint32_t)track_count * (version == 2 ? 32 : 20));
    for (int i = 0; i < track_count; i++) {
        uint64_t len = (uint64_t)tracks[i].sectors * tracks[i].sector_bytes;
        if (version == 2) {
            put64(&b, off[i]);
            put64(&b, len);
        } else {
            put32(&b, (uint32_t)off[i]);
            put32(&b, (uint32_t)len);
        }
        put32(&b, tracks[i].mode);
        put32(&b, (uint32_t)tracks[i].lba_field);
        if (version == 2)
            put64(&b, 0);
        else
            put32(&b, 0);
    }
    for (int i = 0; i < sinf_n; i++) {
        put_chunk_head(&b, "SINF", 4);
        put32(&b, sinf[i]);
    }
    put_chunk_head(&b, "END!", 0);
    if (version == 2) {
        put(&b, "NER5", 4);
        put64(&b, chain);
    } else {
        put(&b, "NERO", 4);
        put32(&b, (uint32_t)chain);
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b.p, 1, b.n, f), b.n);
    fclose(f);
    free(b.p);
}

/* Every stored sector the spans point at is the one its LBA should hold. */
static void assert_sectors_match(const struct dw__image *img)
{
    const struct dw_disc *d = img->disc;
    uint8_t got[2448], want[2448];
    for (int32_t lba = dw_track_first_lba(&d->tracks[0]); lba < d->leadout_lba; lba++) {
        const struct dw__span *s = span_at(img, lba);
        if (s->layout == DW_SPAN_ZERO)
            continue;
        const struct dw_track *t = dw_disc_track(d, s->track);
        uint8_t mode = t->mode == DW_MODE_AUDIO ? (s->stride_bytes == 2448 ? 0x10 : 0x07)
                       : s->layout == DW_SPAN_RAW
                           ? (t->mode == DW_MODE_MODE1 ? 0x05 : 0x06)
                       : s->layout == DW_SPAN_MODE2_2336 ? 0x03
                                                         : 0x00;
        assert_true(read_stored(img, lba, got, s->stride_bytes));
        make_sector(mode, s->stride_bytes, lba, want);
        if (memcmp(got, want, s->stride_bytes) != 0)
            fail_msg("LBA %d: stored sector does not match", lba);
    }
}

struct tmpdir {
    char path[64];
};

static int setup_tmpdir(void **state)
{
    struct tmpdir *t = calloc(1, sizeof(*t));
    if (!t)
        return -1;
    snprintf(t->path, sizeof(t->path), "/tmp/dw_test_nrg_XXXXXX");
    if (!mkdtemp(t->path)) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown_tmpdir(void **state)
{
    struct tmpdir *t = *state;
    DIR *dir = opendir(t->path);
    if (dir) {
        struct dirent *de;
        while ((de = readdir(dir)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            char path[512];
            snprintf(path, sizeof(path), "%s/%s", t->path, de->d_name);
            unlink(path);
        }
        closedir(dir);
    }
    rmdir(t->path);
    free(t);
    return 0;
}

static const char *tmp_path(void **state, const char *name)
{
    static char path[256];
    struct tmpdir *t = *state;
    snprintf(path, sizeof(path), "%s/%s", t->path, name);
    return path;
}

/* A raw Mode 1 track (pregap of track 1 stored) and an audio track whose
 * pregap is only partly on file. */
static const struct dao_spec mixed_tracks[] = {
    {1, 1, 0x05, 4, 2352, -150, 0, 150, 20, NULL, 0},
    {2, 1, 0x07, 0, 2352, 20, 170, 100, 10, "USRC17607839", 175},
};

static void check_mixed(const struct dw__image *img)
{
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->track_count, 2);
    assert_string_equal(d->mcn, "1234567890123");
    const struct dw_track *t1 = &d->tracks[0], *t2 = &d->tracks[1];
    assert_int_equal(t1->mode, DW_MODE_MODE1);
    assert_int_equal(t1->control, DW_CTL_DATA);
    assert_int_equal(t1->index_lba[0], DW_LBA_NONE);
    assert_int_equal(t1->index_lba[1], 0);
    assert_int_equal(t1->end_lba, 20);
    assert_int_equal(t2->mode, DW_MODE_AUDIO);
    assert_int_equal(t2->control, 0);
    assert_string_equal(t2->isrc, "USRC17607839");
    assert_int_equal(t2->index_lba[0], 20);
    assert_int_equal(t2->index_lba[1], 170);
    assert_int_equal(t2->index_count, 3);
    assert_int_equal(t2->index_lba[2], 175);
    assert_int_equal(t2->pregap_silence_sectors, 50);
    assert_int_equal(d->leadout_lba, 180);
    assert_int_equal(span_at(img, 20)->layout, DW_SPAN_ZERO);
    assert_int_equal(span_at(img, 69)->layout, DW_SPAN_ZERO);
    assert_int_equal(span_at(img, 70)->layout, DW_SPAN_RAW);

    /* The raw data track: sync and a header MSF equal to LBA + 150. */
    static const uint8_t sync[12] = {0,    0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0};
    uint8_t sec[16];
    assert_true(read_stored(img, 0, sec, sizeof(sec)));
    assert_memory_equal(sec, sync, 12);
    assert_int_equal(sec[12], 0x00);
    assert_int_equal(sec[13], 0x02);
    assert_int_equal(sec[14], 0x00);
    assert_int_equal(sec[15], 1);
    assert_sectors_match(img);
}

static void test_dao_v2(void **state)
{
    const char *path = tmp_path(state, "mixed2.nrg");
    struct image_spec spec = {2, mixed_tracks, 2, {180}, "1234567890123", false};
    write_dao_image(path, &spec);
    struct dw__image *img = read_ok(path);
    check_mixed(img);
    assert_null(img->warnings);
    dw__image_free(img);
}

static void test_dao_v1(void **state)
{
    const char *path = tmp_path(state, "mixed1.nrg");
    struct image_spec spec = {1, mixed_tracks, 2, {180}, "1234567890123", true};
    write_dao_image(path, &spec);
    struct dw__image *img = read_ok(path);
    check_mixed(img);
    /* No END! chunk: read anyway, with a warning. */
    assert_non_null(img->warnings);
    assert_non_null(strstr(img->warnings, "END!"));
    dw__image_free(img);
}

static void test_dao_subchannel_and_modes(void **state)
{
    static const struct dao_spec tracks[] = {
        {1, 1, 0x10, 0, 2448, -150, 0, 150, 5, NULL, 0}, /* audio + P-W */
        {2, 1, 0x11, 4, 2448, 5, 155, 150, 5, NULL, 0},  /* Mode 2 raw + P-W */
        {3, 1, 0x00, 4, 2048, 160, 160, 0, 5, NULL, 0},  /* Mode 1, 2048 */
        {4, 1, 0x02, 4, 2048, 165, 165, 0, 5, NULL, 0},  /* Mode 2 Form 1 */
        {5, 1, 0x03, 4, 2336, 170, 170, 0, 5, NULL, 0},  /* Mode 2, 2336 */
        {6, 1, 0x06, 4, 2352, 175, 175, 0, 5, NULL, 0},  /* Mode 2 raw */
    };
    const char *path = tmp_path(state, "modes.nrg");
    struct image_spec spec = {2, tracks, 6, {180}, NULL, false};
    write_dao_image(path, &spec);
    struct dw__image *img = read_ok(path);
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->track_count, 6);
    assert_int_equal(span_at(img, 0)->stride_bytes, 2448);
    assert_int_equal(span_at(img, 0)->layout, DW_SPAN_RAW);
    assert_int_equal(d->tracks[1].mode, DW_MODE_MODE2_XA);
    assert_int_equal(span_at(img, 155)->stride_bytes, 2448);
    assert_int_equal(span_at(img, 160)->layout, DW_SPAN_MODE1_2048);
    assert_int_equal(d->tracks[2].mode, DW_MODE_MODE1);
    assert_int_equal(span_at(img, 165)->layout, DW_SPAN_FORM1_2048);
    assert_int_equal(d->tracks[3].mode, DW_MODE_MODE2_XA);
    assert_int_equal(span_at(img, 170)->layout, DW_SPAN_MODE2_2336);
    assert_int_equal(span_at(img, 175)->layout, DW_SPAN_RAW);
    assert_int_equal(d->tracks[5].control, DW_CTL_DATA);
    assert_string_equal(d->mcn, "");
    assert_false(d->has_cdtext);
    /* The raw Mode 2 track's first sector: header MSF = LBA 155 + 150. */
    uint8_t sec[16];
    assert_true(read_stored(img, 155, sec, sizeof(sec)));
    assert_int_equal(sec[12], 0x00);
    assert_int_equal(sec[13], 0x04);
    assert_int_equal(sec[14], 0x05);
    assert_int_equal(sec[15], 2);
    assert_sectors_match(img);
    dw__image_free(img);
}

static void test_dao_multisession(void **state)
{
    static const struct dao_spec tracks[] = {
        {1, 1, 0x07, 0, 2352, -150, 0, 150, 10, NULL, 0},
        {2, 2, 0x00, 4, 2048, 11260, 11410, 150, 5, NULL, 0},
    };
    const char *path = tmp_path(state, "multi.nrg");
    struct image_spec spec = {2, tracks, 2, {10, 11415}, NULL, false};
    write_dao_image(path, &spec);
    struct dw__image *img = read_ok(path);
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->session_count, 2);
    assert_int_equal(d->sessions[0].number, 1);
    assert_int_equal(d->sessions[0].first_track, 1);
    assert_int_equal(d->sessions[0].last_track, 1);
    assert_int_equal(d->sessions[0].leadout_lba, 10);
    assert_int_equal(d->sessions[1].number, 2);
    assert_int_equal(d->sessions[1].first_track, 2);
    assert_int_equal(d->sessions[1].leadout_lba, 11415);
    assert_int_equal(d->tracks[0].session, 1);
    assert_int_equal(d->tracks[0].end_lba, 10);
    assert_int_equal(d->tracks[1].session, 2);
    assert_int_equal(d->tracks[1].index_lba[0], 11260);
    assert_int_equal(d->tracks[1].index_lba[1], 11410);
    assert_int_equal(d->tracks[1].pregap_silence_sectors, 0);
    assert_int_equal(d->leadout_lba, 11415);
    /* Lead-out and lead-in between the sessions are not on file. */
    const struct dw__span *gap = span_at(img, 10);
    assert_int_equal(gap->layout, DW_SPAN_ZERO);
    assert_int_equal(gap->sectors, 11250);
    assert_sectors_match(img);
    dw__image_free(img);
}

static void test_tao(void **state)
{
    /* Two sessions: tracks 1-2, then track 3; ETNF LBAs without gaps. */
    static const struct tao_spec tracks[] = {
        {0x00, 2048, 10, 0},
        {0x07, 2352, 5, 10},
        {0x00, 2048, 4, 15},
    };
    static const uint32_t sinf[] = {2, 1};
    const char *path = tmp_path(state, "tao1.nrg");
    write_tao_image(path, 1, tracks, 3, sinf, 2);
    struct dw__image *img = read_ok(path);
    const struct dw_disc *d = img->disc;
    assert_int_equal(d->track_count, 3);
    assert_int_equal(d->tracks[0].index_lba[1], 0);
    assert_int_equal(d->tracks[0].index_lba[0], DW_LBA_NONE);
    assert_int_equal(d->tracks[1].index_lba[0], 10);
    assert_int_equal(d->tracks[1].index_lba[1], 160);
    assert_int_equal(d->tracks[1].mode, DW_MODE_AUDIO);
    assert_int_equal(d->tracks[1].control, 0);
    assert_int_equal(d->tracks[1].pregap_silence_sectors, 150);
    assert_int_equal(d->session_count, 2);
    assert_int_equal(d->sessions[0].leadout_lba, 165);
    /* 6750 lead-out + 4500 lead-in + 150 pregap after the first session. */
    assert_int_equal(d->tracks[2].session, 2);
    assert_int_equal(d->tracks[2].index_lba[0], 165 + 11250);
    assert_int_equal(d->tracks[2].index_lba[1], 165 + 11400);
    assert_int_equal(d->leadout_lba, 165 + 11400 + 4);
    /* The pattern of each stored sector was written for the ETNF LBA,
     * not the disc LBA: check offsets directly. */
    assert_int_equal(span_at(img, 160)->offset_bytes, 10 * 2048);
    assert_int_equal(span_at(img, 11565)->offset_bytes, 10 * 2048 + 5 * 2352);
    dw__image_free(img);

    /* ETN2 with one audio track with sub-channel; no SINF. */
    static const struct tao_spec sub[] = {{0x10, 2448, 3, 0}};
    path = tmp_path(state, "tao2.nrg");
    write_tao_image(path, 2, sub, 1, NULL, 0);
    img = read_ok(path);
    assert_int_equal(img->disc->track_count, 1);
    assert_int_equal(img->disc->leadout_lba, 3);
    assert_int_equal(img->spans[0].stride_bytes, 2448);
    assert_sectors_match(img);
    dw__image_free(img);

    /* SINF that does not add up: one session and a warning. */
    static const uint32_t bad_sinf[] = {5};
    path = tmp_path(state, "tao3.nrg");
    write_tao_image(path, 2, tracks, 3, bad_sinf, 1);
    img = read_ok(path);
    assert_int_equal(img->disc->session_count, 1);
    assert_int_equal(img->disc->tracks[2].index_lba[1], 315);
    assert_non_null(img->warnings);
    dw__image_free(img);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (n)
        assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* Patch bytes of an existing file. */
static void patch(const char *path, long offset, const void *data, size_t n)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, offset, offset < 0 ? SEEK_END : SEEK_SET), 0);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void test_damaged(void **state)
{
    const char *path;
    uint8_t zeros[100] = {0};

    path = tmp_path(state, "short.nrg");
    write_bytes(path, "NERO", 4);
    read_fails(path, DW_EPARSE, "too short");

    path = tmp_path(state, "plain.nrg");
    write_bytes(path, zeros, sizeof(zeros));
    read_fails(path, DW_EPARSE, "no Nero footer");

    read_fails(tmp_path(state, "absent.nrg"), DW_ENOENT, NULL);

    /* Footer pointing past the chunk area. */
    path = tmp_path(state, "far.nrg");
    {
        struct buf b = {0};
        put(&b, NULL, 40);
        put(&b, "NER5", 4);
        put64(&b, 1000);
        write_bytes(path, b.p, b.n);
        free(b.p);
    }
    read_fails(path, DW_EPARSE, "beyond the chunk area");

    /* A chunk whose size runs past the end. */
    path = tmp_path(state, "huge.nrg");
    {
        struct buf b = {0};
        put_chunk_head(&b, "CUEX", 0x00ffffff);
        put(&b, "NERO", 4);
        put32(&b, 0);
        write_bytes(path, b.p, b.n);
        free(b.p);
    }
    read_fails(path, DW_EPARSE, "'CUEX' at byte 0 claims");

    /* Only SINF and END!: no track table. */
    path = tmp_path(state, "empty.nrg");
    {
        struct buf b = {0};
        put_chunk_head(&b, "SINF", 4);
        put32(&b, 0);
        put_chunk_head(&b, "END!", 0);
        put(&b, "NER5", 4);
        put64(&b, 0);
        write_bytes(path, b.p, b.n);
        free(b.p);
    }
    read_fails(path, DW_EPARSE, "no track table");

    /* DAO offsets reaching into the chunk chain: truncated data. */
    static const struct dao_spec one[] = {
        {1, 1, 0x07, 0, 2352, -150, 0, 150, 10, NULL, 0}};
    struct image_spec spec = {2, one, 1, {10}, NULL, false};
    path = tmp_path(state, "trunc.nrg");
    write_dao_image(path, &spec);
    {
        /* DAOX entry of track 1 starts 8 (chunk head) + 32 (CUEX) + 8 + 22
         * bytes into the chain; its end offset is 34 bytes into the entry.
         * Make the track 100000 sectors long. */
        uint8_t big[8] = {0, 0, 0, 0, 0x0e, 0x0a, 0x40, 0x20};
        patch(path, 160 * 2352 + 8 + 32 + 8 + 22 + 34, big, sizeof(big));
    }
    read_fails(path, DW_ETRUNC, "track 1 needs bytes 0 to 235552800");

    /* Unknown mode byte. */
    path = tmp_path(state, "mode.nrg");
    write_dao_image(path, &spec);
    patch(path, 160 * 2352 + 8 + 32 + 8 + 22 + 14, "\x42", 1);
    read_fails(path, DW_EUNSUPPORTED, "mode 0x42");

    /* Cue point that is not BCD. */
    path = tmp_path(state, "bcd.nrg");
    write_dao_image(path, &spec);
    patch(path, 160 * 2352 + 8 + 8 + 1, "\x1a", 1);
    read_fails(path, DW_EPARSE, "not BCD");

    /* Track 2 starting inside track 1. */
    static const struct dao_spec overlap[] = {
        {1, 1, 0x07, 0, 2352, -150, 0, 150, 10, NULL, 0},
        {2, 1, 0x07, 0, 2352, 5, 5, 0, 10, NULL, 0},
    };
    struct image_spec spec2 = {2, overlap, 2, {15}, NULL, false};
    path = tmp_path(state, "overlap.nrg");
    write_dao_image(path, &spec2);
    read_fails(path, DW_EPARSE, "inside the track before it");

    /* Lead-out before the end of the data. */
    struct image_spec spec3 = {2, one, 1, {5}, NULL, false};
    path = tmp_path(state, "leadout.nrg");
    write_dao_image(path, &spec3);
    read_fails(path, DW_EPARSE, "past the lead-out");

    /* TAO track that is no whole number of sectors. */
    static const struct tao_spec odd[] = {{0x00, 2048, 3, 0}};
    path = tmp_path(state, "odd.nrg");
    write_tao_image(path, 1, odd, 1, NULL, 0);
    patch(path, 3 * 2048 + 8 + 4, "\x00\x00\x17\xff", 4);
    read_fails(path, DW_EPARSE, "not a whole number");

    struct dw__image *img;
    struct dw_error_detail err;
    assert_int_equal(dw__nrg_read(NULL, &img, &err), DW_EINVAL);
}

/* A CD layout ends at LBA 449850 at the latest (a last sector at
 * 99:59:74): a lead-out or a track beyond it is refused with the number,
 * exactly at it accepted (issue 11). */
static void test_cd_length_limit(void **state)
{
    const char *path = tmp_path(state, "long.nrg");
    struct image_spec spec = {2, mixed_tracks, 2, {450000}, NULL, false};
    write_dao_image(path, &spec);
    read_fails(path, DW_ERANGE, "the layout ends at LBA 450000 (100:02:00), past the 100 "
                                "minutes a CD holds");
    spec.leadout[0] = 449850;
    write_dao_image(path, &spec);
    struct dw__image *img = read_ok(path);
    assert_int_equal(img->disc->leadout_lba, 449850);
    dw__image_free(img);
    /* TAO: a track placed at LBA 449849 with two sectors. */
    static const struct tao_spec late[] = {{0x07, 2352, 2, 449849}};
    static const uint32_t one[] = {1};
    write_tao_image(path, 2, late, 1, one, 1);
    read_fails(path, DW_ERANGE, "LBA 449851");
    static const struct tao_spec fits[] = {{0x07, 2352, 1, 449849}};
    write_tao_image(path, 2, fits, 1, one, 1);
    img = read_ok(path);
    assert_int_equal(img->disc->leadout_lba, 449850);
    dw__image_free(img);
}

/* dw__nrg_parse reads an image from memory to the same disc and span map
 * as dw__nrg_read from its file. */
static void test_parse_from_memory(void **state)
{
    const char *path = tmp_path(state, "mem.nrg");
    struct image_spec spec = {2, mixed_tracks, 2, {180}, "1234567890123", false};
    write_dao_image(path, &spec);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t data[1 << 20];
    size_t n = fread(data, 1, sizeof(data), f);
    fclose(f);
    assert_true(n > 0 && n < sizeof(data));
    struct dw__image *from_file = read_ok(path), *from_memory = NULL;
    struct dw_error_detail err;
    assert_int_equal(dw__nrg_parse(data, n, path, &from_memory, &err), 0);
    assert_int_equal(from_memory->span_count, from_file->span_count);
    assert_memory_equal(from_memory->spans, from_file->spans,
                        sizeof(*from_file->spans) * (size_t)from_file->span_count);
    assert_int_equal(from_memory->files[0].size_bytes, n);
    assert_memory_equal(from_memory->disc, from_file->disc, sizeof(*from_file->disc));
    check_mixed(from_memory);
    dw__image_free(from_memory);
    dw__image_free(from_file);
    /* Damage that the file reader reports, the memory reader reports too. */
    assert_int_equal(dw__nrg_parse(data, 11, "short.nrg", &from_memory, &err), DW_EPARSE);
    assert_non_null(strstr(err.message, "'short.nrg': the file is too short"));
    assert_null(from_memory);
    assert_int_equal(dw__nrg_parse(data, n - 1, "cut.nrg", &from_memory, &err), DW_EPARSE);
    assert_non_null(strstr(err.message, "no Nero footer"));
    assert_int_equal(dw__nrg_parse(NULL, 5, "x.nrg", &from_memory, &err), DW_EINVAL);
}

/* ------------------------------------------------------------------ */

int main(void)
{
    const struct CMUnitTest synthetic[] = {
        cmocka_unit_test_setup_teardown(test_dao_v2, setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_dao_v1, setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_dao_subchannel_and_modes, setup_tmpdir,
                                        teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_dao_multisession, setup_tmpdir,
                                        teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_tao, setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_damaged, setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_cd_length_limit, setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_parse_from_memory, setup_tmpdir,
                                        teardown_tmpdir),
    };
    const struct CMUnitTest fixtures[] = {
        cmocka_unit_test(test_p1),
        cmocka_unit_test(test_videocd),
    };
    int failed = cmocka_run_group_tests_name("nrg synthetic", synthetic, NULL, NULL);
    struct stat st;
    if (stat(LIBCDIO_DIR "/p1.nrg", &st) != 0 ||
        stat(LIBCDIO_DIR "/videocd.nrg", &st) != 0) {
        fprintf(stderr, "test_nrg: fixtures not found under %s; skipping fixture tests\n",
                DW_FIXTURES_DIR);
        return dw_test_no_fixtures(failed, "the fixtures under " DW_FIXTURES_DIR);
    }
    return failed + cmocka_run_group_tests_name("nrg fixtures", fixtures, NULL, NULL);
}
