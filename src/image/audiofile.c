/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Audio files of a cue sheet read through libsndfile (FLAC, WAVE with any
 * header layout: WAVE_FORMAT_EXTENSIBLE, LIST chunks before the data, odd
 * chunk padding; AIFF and AIFF-C including 'sowt'), served to the image
 * drive as the bytes of a CD-DA bin: 16-bit little-endian stereo. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sndfile.h>
#include "errors_int.h"
#include "image/audiofile.h"

#define BUF_FRAMES 4096 /* 16 KiB of decoded samples */

struct audiofile {
    SNDFILE *snd;
    char *name;
    sf_count_t frames;  /* sample frames in the file */
    sf_count_t next;    /* the frame the decoder stands at */
    short buf[BUF_FRAMES * 2];
};

static void put_le16(uint8_t *p, short v)
{
    p[0] = (uint8_t)((uint16_t)v & 0xff);
    p[1] = (uint8_t)((uint16_t)v >> 8);
}

static int af_pread(void *ctx, void *out, size_t bytes, uint64_t offset,
                    struct dw_error_detail *err)
{
    struct audiofile *a = ctx;
    uint8_t *dst = out;
    if (offset > (uint64_t)a->frames * 4 || bytes > (uint64_t)a->frames * 4 - offset)
        return dw__set_error(err, DW_ETRUNC,
                             "'%s' holds %lld bytes of audio; byte %llu is past its end", a->name,
                             (long long)a->frames * 4, (unsigned long long)(offset + bytes));
    sf_count_t frame = (sf_count_t)(offset / 4);
    size_t skip = (size_t)(offset % 4);
    if (frame != a->next) {
        if (sf_seek(a->snd, frame, SEEK_SET) != frame)
            return dw__set_error(err, DW_EIO, "cannot seek to sample %lld of '%s': %s",
                                 (long long)frame, a->name, sf_strerror(a->snd));
        a->next = frame;
    }
    while (bytes > 0) {
        sf_count_t want = (sf_count_t)((skip + bytes + 3) / 4);
        if (want > BUF_FRAMES)
            want = BUF_FRAMES;
        sf_count_t got = sf_readf_short(a->snd, a->buf, want);
        if (got != want) {
            a->next = -1; /* position unknown: seek next time */
            return dw__set_error(err, DW_EPARSE,
                                 "'%s' does not decode at sample %lld: %s; the file is damaged",
                                 a->name, (long long)frame, sf_strerror(a->snd));
        }
        a->next += got;
        frame += got;
        for (sf_count_t i = 0; i < got && bytes > 0; i++) {
            uint8_t s[4];
            put_le16(s, a->buf[2 * i]);
            put_le16(s + 2, a->buf[2 * i + 1]);
            size_t n = 4 - skip < bytes ? 4 - skip : bytes;
            memcpy(dst, s + skip, n);
            dst += n;
            bytes -= n;
            skip = 0;
        }
    }
    return 0;
}

static void af_close(void *ctx)
{
    struct audiofile *a = ctx;
    sf_close(a->snd);
    free(a->name);
    free(a);
}

static const struct dw__vfile_ops audiofile_ops = {
    .name = "audio", .pread = af_pread, .close = af_close};

/* libsndfile's name of a major format, for messages. */
static const char *major_name(int format)
{
    SF_FORMAT_INFO fi = {.format = format & SF_FORMAT_TYPEMASK};
    if (sf_command(NULL, SFC_GET_FORMAT_INFO, &fi, sizeof(fi)) == 0 && fi.name)
        return fi.name;
    return "audio";
}

static const char *sample_name(int format)
{
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8: return "8-bit";
    case SF_FORMAT_PCM_24: return "24-bit";
    case SF_FORMAT_PCM_32: return "32-bit";
    case SF_FORMAT_FLOAT: return "32-bit float";
    case SF_FORMAT_DOUBLE: return "64-bit float";
    default: return "compressed or other";
    }
}

int dw__audiofile_open(const char *path, const char *name, uint64_t *pcm_bytes,
                       const struct dw__vfile_ops **ops, void **ctx,
                       struct dw_error_detail *err)
{
    int fd;
    uint64_t size;
    SF_INFO info = {0};
    *ctx = NULL;
    int rc = dw__image_open_file(path, false, &fd, &size, err);
    if (rc)
        return rc;
    SNDFILE *snd = sf_open_fd(fd, SFM_READ, &info, SF_TRUE); /* closes fd, also on failure */
    if (!snd)
        return dw__set_error(err, DW_EPARSE,
                             "'%s' is not an audio file libsndfile reads (%s): name FLAC, WAVE "
                             "or AIFF files, or raw PCM as BINARY",
                             name, sf_strerror(NULL));
    if (info.channels != 2 || info.samplerate != 44100 ||
        (info.format & SF_FORMAT_SUBMASK) != SF_FORMAT_PCM_16) {
        rc = dw__set_error(err, DW_EUNSUPPORTED,
                           "'%s' is %s audio with %d channel%s at %d Hz, %s samples; a CD holds "
                           "16-bit stereo at 44100 Hz: convert it first (for example 'sox IN "
                           "-b 16 -c 2 -r 44100 OUT.flac')",
                           name, major_name(info.format), info.channels,
                           info.channels == 1 ? "" : "s", info.samplerate,
                           (info.format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_16
                               ? "16-bit"
                               : sample_name(info.format));
        sf_close(snd);
        return rc;
    }
    if (!info.seekable || info.frames <= 0 || info.frames >= SF_COUNT_MAX / 4) {
        sf_close(snd);
        return dw__set_error(err, DW_EUNSUPPORTED,
                             "'%s' does not say how many samples it holds (or cannot seek): "
                             "re-encode it (for example with 'flac -f')",
                             name);
    }
    struct audiofile *a = calloc(1, sizeof(*a));
    if (!a || !(a->name = strdup(name))) {
        free(a);
        sf_close(snd);
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    }
    a->snd = snd;
    a->frames = info.frames;
    a->next = 0;
    *pcm_bytes = (uint64_t)info.frames * 4;
    *ops = &audiofile_ops;
    *ctx = a;
    return 0;
}
