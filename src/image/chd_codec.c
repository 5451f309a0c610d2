/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CHD hunk codecs (MAME chdcodec.cpp's formats; our own code).
 *
 *   zlib  raw deflate (no zlib header), zlib.
 *   lzma  raw LZMA1 without end marker (lc 3, lp 0, pb 2, the dictionary the
 *         smallest 2^n or 3*2^n >= the hunk), liblzma's LZMA1EXT filter;
 *         an end marker is accepted too.
 *   zstd  a zstd frame, libzstd.
 *   flac  'L' or 'B' (sample byte order of the hunk), then FLAC frames of
 *         16-bit stereo 44100 Hz without stream header, libFLAC.
 *   cdzl, cdlz, cdzs  CD hunks (frames of 2352 + 96 bytes): a bitmap of the
 *         frames whose sync and Mode 1 ECC were removed (one bit a frame,
 *         LSB first), the compressed length of the sector part (2 bytes, 3
 *         for hunks of 64 KiB and more), the sectors (2352 bytes each)
 *         compressed with deflate / LZMA / zstd, then the P-W (96 bytes
 *         each) with deflate (cdzl, cdlz) or zstd (cdzs).
 *   cdfl  the sectors as big-endian 16-bit stereo FLAC frames (block size
 *         2352 samples for 8-frame hunks), then the P-W deflated.
 *
 * Every decoder writes into the hunk-sized buffer it is given and fails
 * when the input would decode to more or less than that: a decompression
 * bomb ends at the hunk size.
 */
#include <FLAC/stream_decoder.h>
#include <FLAC/stream_encoder.h>
#include <lzma.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include "discwright/sector.h"
#include "image/chd.h"

#define SECTOR_BYTES 2352
#define SUB_BYTES 96

const char *dw__chd_codec_name(uint32_t tag, char buf[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)(tag >> (24 - 8 * i));
        buf[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    buf[4] = '\0';
    return buf;
}

static uint16_t crc16_table[256];

static void crc16_init(void)
{
    for (unsigned i = 0; i < 256; i++) {
        uint16_t c = (uint16_t)(i << 8);
        for (int b = 0; b < 8; b++)
            c = (uint16_t)((c & 0x8000) ? (c << 1) ^ 0x1021 : c << 1);
        crc16_table[i] = c;
    }
}

uint16_t dw__chd_crc16(const uint8_t *data, size_t bytes)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    const uint16_t *table = crc16_table;
    pthread_once(&once, crc16_init);
    uint16_t crc = 0xffff;
    for (size_t i = 0; i < bytes; i++)
        crc = (uint16_t)((crc << 8) ^ table[((crc >> 8) ^ data[i]) & 0xff]);
    return crc;
}

/* ---- zlib ---------------------------------------------------------------- */

static int inflate_raw(const uint8_t *src, size_t src_bytes, uint8_t *dst, size_t dst_bytes)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        return DW_ENOMEM;
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)src_bytes;
    z.next_out = dst;
    z.avail_out = (uInt)dst_bytes;
    int zr = inflate(&z, Z_FINISH);
    size_t got = z.total_out;
    inflateEnd(&z);
    /* The stream must end exactly at the hunk's size: one that would
     * decode to more (Z_BUF_ERROR with the output full) is damage or a
     * bomb, one that ends early is short. */
    if (zr != Z_STREAM_END || got != dst_bytes)
        return DW_EPARSE;
    return 0;
}

static int deflate_raw(const uint8_t *src, size_t src_bytes, int level, uint8_t *dst,
                       size_t *dst_bytes)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, level < 0 || level > 9 ? Z_BEST_COMPRESSION : level, Z_DEFLATED,
                     -MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return DW_ENOMEM;
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)src_bytes;
    z.next_out = dst;
    z.avail_out = (uInt)*dst_bytes;
    int zr = deflate(&z, Z_FINISH);
    *dst_bytes = z.total_out;
    deflateEnd(&z);
    return zr == Z_STREAM_END ? 0 : DW_ERANGE;
}

/* ---- LZMA ---------------------------------------------------------------- */

static uint32_t lzma_dict_bytes(size_t hunk_bytes)
{
    for (int i = 11; i <= 30; i++) {
        if (hunk_bytes <= (2u << i))
            return 2u << i;
        if (hunk_bytes <= (3u << i))
            return 3u << i;
    }
    return 1u << 30;
}

static int lzma_options(lzma_options_lzma *opt, int level, size_t hunk_bytes)
{
    if (lzma_lzma_preset(opt, (uint32_t)(level < 0 ? 8 : level > 9 ? 9 : level)))
        return DW_ELIB;
    opt->dict_size = lzma_dict_bytes(hunk_bytes);
    opt->lc = 3;
    opt->lp = 0;
    opt->pb = 2;
    return 0;
}

static int unlzma(const uint8_t *src, size_t src_bytes, uint8_t *dst, size_t dst_bytes)
{
    lzma_options_lzma opt;
    lzma_stream z = LZMA_STREAM_INIT;
    if (lzma_options(&opt, 8, dst_bytes))
        return DW_ELIB;
    opt.ext_flags = LZMA_LZMA1EXT_ALLOW_EOPM;
    lzma_set_ext_size(opt, (uint64_t)dst_bytes);
    lzma_filter filters[2] = {{LZMA_FILTER_LZMA1EXT, &opt}, {LZMA_VLI_UNKNOWN, NULL}};
    if (lzma_raw_decoder(&z, filters) != LZMA_OK)
        return DW_ENOMEM;
    z.next_in = src;
    z.avail_in = src_bytes;
    z.next_out = dst;
    z.avail_out = dst_bytes;
    lzma_ret r = lzma_code(&z, LZMA_FINISH);
    size_t got = dst_bytes - z.avail_out;
    lzma_end(&z);
    return (r == LZMA_STREAM_END && got == dst_bytes) ? 0 : DW_EPARSE;
}

static int enlzma(const uint8_t *src, size_t src_bytes, int level, uint8_t *dst,
                  size_t *dst_bytes)
{
    lzma_options_lzma opt;
    lzma_stream z = LZMA_STREAM_INIT;
    if (lzma_options(&opt, level, src_bytes))
        return DW_ELIB;
    opt.ext_flags = 0; /* no end marker: chdman writes none */
    lzma_filter filters[2] = {{LZMA_FILTER_LZMA1EXT, &opt}, {LZMA_VLI_UNKNOWN, NULL}};
    if (lzma_raw_encoder(&z, filters) != LZMA_OK)
        return DW_ENOMEM;
    z.next_in = src;
    z.avail_in = src_bytes;
    z.next_out = dst;
    z.avail_out = *dst_bytes;
    lzma_ret r = lzma_code(&z, LZMA_FINISH);
    *dst_bytes -= z.avail_out;
    lzma_end(&z);
    return r == LZMA_STREAM_END ? 0 : DW_ERANGE;
}

/* ---- zstd ---------------------------------------------------------------- */

static int unzstd(const uint8_t *src, size_t src_bytes, uint8_t *dst, size_t dst_bytes)
{
    size_t r = ZSTD_decompress(dst, dst_bytes, src, src_bytes);
    return (!ZSTD_isError(r) && r == dst_bytes) ? 0 : DW_EPARSE;
}

static int enzstd(const uint8_t *src, size_t src_bytes, int level, uint8_t *dst,
                  size_t *dst_bytes)
{
    size_t r = ZSTD_compress(dst, *dst_bytes, src, src_bytes,
                             level < 0 || level > ZSTD_maxCLevel() ? 19 : level);
    if (ZSTD_isError(r))
        return DW_ERANGE;
    *dst_bytes = r;
    return 0;
}

/* ---- FLAC ---------------------------------------------------------------- */

struct flac_in {
    uint8_t header[42];       /* "fLaC" + STREAMINFO made up for the frames */
    const uint8_t *src;
    size_t src_bytes;
    size_t pos;               /* bytes handed out, header included */
    uint8_t *dst;
    size_t samples_wanted;    /* stereo sample pairs */
    size_t samples_got;
    bool big_endian;          /* how dst holds the samples */
    bool overflow;
};

static FLAC__StreamDecoderReadStatus flac_read(const FLAC__StreamDecoder *dec, FLAC__byte buf[],
                                               size_t *bytes, void *ctx)
{
    (void)dec;
    struct flac_in *f = ctx;
    size_t total = sizeof(f->header) + f->src_bytes, n = 0;
    while (n < *bytes && f->pos < total) {
        buf[n++] = f->pos < sizeof(f->header) ? f->header[f->pos]
                                               : f->src[f->pos - sizeof(f->header)];
        f->pos++;
    }
    *bytes = n;
    return n ? FLAC__STREAM_DECODER_READ_STATUS_CONTINUE
             : FLAC__STREAM_DECODER_READ_STATUS_END_OF_STREAM;
}

static FLAC__StreamDecoderTellStatus flac_tell(const FLAC__StreamDecoder *dec,
                                               FLAC__uint64 *offset, void *ctx)
{
    (void)dec;
    *offset = ((struct flac_in *)ctx)->pos;
    return FLAC__STREAM_DECODER_TELL_STATUS_OK;
}

static FLAC__StreamDecoderWriteStatus flac_write(const FLAC__StreamDecoder *dec,
                                                 const FLAC__Frame *frame,
                                                 const FLAC__int32 *const buffer[], void *ctx)
{
    (void)dec;
    struct flac_in *f = ctx;
    if (frame->header.channels != 2 || frame->header.bits_per_sample != 16 ||
        f->samples_got + frame->header.blocksize > f->samples_wanted) {
        f->overflow = true;
        return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
    }
    for (unsigned i = 0; i < frame->header.blocksize; i++) {
        uint8_t *p = f->dst + (f->samples_got + i) * 4;
        for (int c = 0; c < 2; c++) {
            uint16_t v = (uint16_t)buffer[c][i];
            p[2 * c + (f->big_endian ? 0 : 1)] = (uint8_t)(v >> 8);
            p[2 * c + (f->big_endian ? 1 : 0)] = (uint8_t)v;
        }
    }
    f->samples_got += frame->header.blocksize;
    return FLAC__STREAM_DECODER_WRITE_STATUS_CONTINUE;
}

static void flac_error(const FLAC__StreamDecoder *dec, FLAC__StreamDecoderErrorStatus status,
                       void *ctx)
{
    (void)dec;
    (void)status;
    ((struct flac_in *)ctx)->overflow = true;
}

/* Decode FLAC frames (no stream header) of `block` samples into dst
 * (samples * 4 bytes); *consumed gets the bytes of src the frames took. */
static int unflac(const uint8_t *src, size_t src_bytes, unsigned block, uint8_t *dst,
                  size_t samples, bool big_endian, size_t *consumed)
{
    struct flac_in f = {.src = src, .src_bytes = src_bytes, .dst = dst,
                        .samples_wanted = samples, .big_endian = big_endian};
    uint8_t *h = f.header;
    memcpy(h, "fLaC", 4);
    h[4] = 0x80; /* last metadata block, STREAMINFO */
    h[5] = 0;
    h[6] = 0;
    h[7] = 34;
    h[8] = (uint8_t)(block >> 8);
    h[9] = (uint8_t)block;
    h[10] = (uint8_t)(block >> 8);
    h[11] = (uint8_t)block;
    /* bytes 12-17: frame sizes unknown (0) */
    uint32_t rate = 44100;
    h[18] = (uint8_t)(rate >> 12);
    h[19] = (uint8_t)(rate >> 4);
    h[20] = (uint8_t)(((rate & 0xf) << 4) | (1u << 1) | 0); /* 2 channels - 1, bps-1 high bit */
    h[21] = (uint8_t)(15u << 4);                             /* bps - 1 = 15, total samples 0 */
    /* rest: total samples and MD5 zero */
    FLAC__StreamDecoder *dec = FLAC__stream_decoder_new();
    int rc = DW_EPARSE;
    if (!dec)
        return DW_ENOMEM;
    FLAC__stream_decoder_set_md5_checking(dec, false);
    if (FLAC__stream_decoder_init_stream(dec, flac_read, NULL, flac_tell, NULL, NULL,
                                         flac_write, NULL, flac_error, &f) !=
        FLAC__STREAM_DECODER_INIT_STATUS_OK) {
        rc = DW_ELIB;
        goto out;
    }
    if (!FLAC__stream_decoder_process_until_end_of_metadata(dec))
        goto out;
    while (f.samples_got < f.samples_wanted && !f.overflow) {
        if (!FLAC__stream_decoder_process_single(dec))
            goto out;
        if (FLAC__stream_decoder_get_state(dec) == FLAC__STREAM_DECODER_END_OF_STREAM)
            break;
    }
    if (f.overflow || f.samples_got != f.samples_wanted)
        goto out;
    FLAC__uint64 pos = 0;
    if (!FLAC__stream_decoder_get_decode_position(dec, &pos) || pos < sizeof(f.header) ||
        pos - sizeof(f.header) > src_bytes)
        goto out;
    *consumed = (size_t)(pos - sizeof(f.header));
    rc = 0;
out:
    FLAC__stream_decoder_delete(dec);
    return rc;
}

struct flac_out {
    uint8_t *dst;
    size_t room, used;
    bool started, overflow;
};

static FLAC__StreamEncoderWriteStatus flac_enc_write(const FLAC__StreamEncoder *enc,
                                                     const FLAC__byte buffer[], size_t bytes,
                                                     uint32_t samples, uint32_t frame,
                                                     void *ctx)
{
    (void)enc;
    (void)frame;
    struct flac_out *o = ctx;
    if (samples == 0 && !o->started)
        return FLAC__STREAM_ENCODER_WRITE_STATUS_OK; /* the stream header: left out */
    o->started = true;
    if (o->used + bytes > o->room) {
        o->overflow = true;
        return FLAC__STREAM_ENCODER_WRITE_STATUS_FATAL_ERROR;
    }
    memcpy(o->dst + o->used, buffer, bytes);
    o->used += bytes;
    return FLAC__STREAM_ENCODER_WRITE_STATUS_OK;
}

/* FLAC frames of the big-endian 16-bit stereo samples in src. */
static int enflac(const uint8_t *src, size_t samples, unsigned block, int level, uint8_t *dst,
                  size_t *dst_bytes)
{
    struct flac_out o = {.dst = dst, .room = *dst_bytes};
    FLAC__int32 pcm[2 * 1024];
    int rc = DW_ELIB;
    FLAC__StreamEncoder *enc = FLAC__stream_encoder_new();
    if (!enc)
        return DW_ENOMEM;
    FLAC__stream_encoder_set_channels(enc, 2);
    FLAC__stream_encoder_set_bits_per_sample(enc, 16);
    FLAC__stream_encoder_set_sample_rate(enc, 44100);
    FLAC__stream_encoder_set_compression_level(enc, (unsigned)(level < 0 || level > 8 ? 8 : level));
    FLAC__stream_encoder_set_blocksize(enc, block);
    if (FLAC__stream_encoder_init_stream(enc, flac_enc_write, NULL, NULL, NULL, &o) !=
        FLAC__STREAM_ENCODER_INIT_STATUS_OK)
        goto out;
    for (size_t done = 0; done < samples;) {
        size_t n = samples - done > 1024 ? 1024 : samples - done;
        for (size_t i = 0; i < n; i++) {
            const uint8_t *p = src + (done + i) * 4;
            pcm[2 * i] = (int16_t)((p[0] << 8) | p[1]);
            pcm[2 * i + 1] = (int16_t)((p[2] << 8) | p[3]);
        }
        if (!FLAC__stream_encoder_process_interleaved(enc, pcm, (uint32_t)n))
            goto out;
        done += n;
    }
    if (!FLAC__stream_encoder_finish(enc))
        goto out;
    *dst_bytes = o.used;
    rc = 0;
out:
    if (o.overflow)
        rc = DW_ERANGE;
    FLAC__stream_encoder_delete(enc);
    return rc;
}

static unsigned cd_flac_block(size_t sector_bytes)
{
    size_t block = sector_bytes / 4;
    while (block > SECTOR_BYTES)
        block /= 2;
    return (unsigned)block;
}

/* ---- CD hunks ------------------------------------------------------------ */

static const uint8_t cd_sync[12] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};

static int base_decode(uint32_t base, const uint8_t *src, size_t src_bytes, uint8_t *dst,
                       size_t dst_bytes)
{
    switch (base) {
    case DW__CHD_CODEC_ZLIB:
        return inflate_raw(src, src_bytes, dst, dst_bytes);
    case DW__CHD_CODEC_LZMA:
        return unlzma(src, src_bytes, dst, dst_bytes);
    default:
        return unzstd(src, src_bytes, dst, dst_bytes);
    }
}

static int cd_decode(uint32_t tag, const uint8_t *src, size_t src_bytes, uint8_t *dst,
                     size_t dst_bytes)
{
    size_t frames = dst_bytes / DW__CHD_FRAME_BYTES;
    size_t sectors_bytes = frames * SECTOR_BYTES, sub_bytes = frames * SUB_BYTES;
    uint8_t *buf = malloc(dst_bytes);
    size_t base_bytes, sub_at;
    int rc = DW_EPARSE;
    if (!buf)
        return DW_ENOMEM;
    if (tag == DW__CHD_CODEC_CDFL) {
        size_t used;
        if ((rc = unflac(src, src_bytes, cd_flac_block(sectors_bytes), buf, sectors_bytes / 4,
                         true, &used)))
            goto out;
        rc = inflate_raw(src + used, src_bytes - used, buf + sectors_bytes, sub_bytes);
        if (rc)
            goto out;
        for (size_t i = 0; i < frames; i++) {
            memcpy(dst + i * DW__CHD_FRAME_BYTES, buf + i * SECTOR_BYTES, SECTOR_BYTES);
            memcpy(dst + i * DW__CHD_FRAME_BYTES + SECTOR_BYTES, buf + sectors_bytes + i * SUB_BYTES,
                   SUB_BYTES);
        }
        goto out;
    }
    size_t ecc_bytes = (frames + 7) / 8, len_bytes = dst_bytes < 65536 ? 2 : 3;
    size_t header_bytes = ecc_bytes + len_bytes;
    if (src_bytes < header_bytes)
        goto out;
    base_bytes = ((size_t)src[ecc_bytes] << 8) | src[ecc_bytes + 1];
    if (len_bytes > 2)
        base_bytes = (base_bytes << 8) | src[ecc_bytes + 2];
    if (base_bytes > src_bytes - header_bytes)
        goto out;
    uint32_t base = tag == DW__CHD_CODEC_CDZL   ? DW__CHD_CODEC_ZLIB
                    : tag == DW__CHD_CODEC_CDLZ ? DW__CHD_CODEC_LZMA
                                                : DW__CHD_CODEC_ZSTD;
    if ((rc = base_decode(base, src + header_bytes, base_bytes, buf, sectors_bytes)))
        goto out;
    sub_at = header_bytes + base_bytes;
    rc = base_decode(base == DW__CHD_CODEC_ZSTD ? base : DW__CHD_CODEC_ZLIB, src + sub_at,
                     src_bytes - sub_at, buf + sectors_bytes, sub_bytes);
    if (rc)
        goto out;
    for (size_t i = 0; i < frames; i++) {
        uint8_t *sector = dst + i * DW__CHD_FRAME_BYTES;
        memcpy(sector, buf + i * SECTOR_BYTES, SECTOR_BYTES);
        memcpy(sector + SECTOR_BYTES, buf + sectors_bytes + i * SUB_BYTES, SUB_BYTES);
        if (src[i / 8] & (1u << (i % 8))) {
            memcpy(sector, cd_sync, sizeof(cd_sync));
            dw_ecc_compute(sector, false);
        }
    }
out:
    free(buf);
    return rc;
}

int dw__chd_decompress(uint32_t tag, const uint8_t *src, size_t src_bytes, uint8_t *dst,
                       size_t dst_bytes, struct dw_error_detail *err)
{
    char name[5];
    int rc;
    switch (tag) {
    case DW__CHD_CODEC_ZLIB:
    case DW__CHD_CODEC_LZMA:
    case DW__CHD_CODEC_ZSTD:
        rc = base_decode(tag, src, src_bytes, dst, dst_bytes);
        break;
    case DW__CHD_CODEC_FLAC: {
        size_t used;
        if (src_bytes < 1 || (src[0] != 'L' && src[0] != 'B') || dst_bytes % 4) {
            rc = DW_EPARSE;
            break;
        }
        size_t block = dst_bytes / 4;
        while (block > 2048)
            block /= 2;
        rc = unflac(src + 1, src_bytes - 1, (unsigned)block, dst, dst_bytes / 4, src[0] == 'B',
                    &used);
        break;
    }
    case DW__CHD_CODEC_CDZL:
    case DW__CHD_CODEC_CDLZ:
    case DW__CHD_CODEC_CDZS:
    case DW__CHD_CODEC_CDFL:
        if (dst_bytes % DW__CHD_FRAME_BYTES) {
            rc = DW_EPARSE;
            break;
        }
        rc = cd_decode(tag, src, src_bytes, dst, dst_bytes);
        break;
    default:
        return dw__set_error(err, DW_EUNSUPPORTED,
                             "codec '%s' is not one discwright reads (it reads cdlz, cdzl, "
                             "cdfl, cdzs, zlib, lzma, flac, zstd); recompress with 'chdman "
                             "copy -c cdlz,cdzl,cdfl'",
                             dw__chd_codec_name(tag, name));
    }
    if (rc == DW_ENOMEM)
        return dw__set_error(err, rc, "out of memory decoding a '%s' hunk",
                             dw__chd_codec_name(tag, name));
    if (rc)
        return dw__set_error(err, rc, "a '%s' hunk does not decode to its %zu bytes",
                             dw__chd_codec_name(tag, name), dst_bytes);
    return 0;
}

int dw__chd_compress_cd(uint32_t tag, const uint8_t *hunk, size_t hunk_bytes, int level,
                        uint8_t *dst, size_t *out_bytes, struct dw_error_detail *err)
{
    size_t frames = hunk_bytes / DW__CHD_FRAME_BYTES;
    size_t sectors_bytes = frames * SECTOR_BYTES, sub_bytes = frames * SUB_BYTES;
    size_t room = *out_bytes, used = 0, n;
    uint8_t *buf = malloc(hunk_bytes);
    int rc;
    if (!buf)
        return dw__set_error(err, DW_ENOMEM, "out of memory compressing a hunk");
    for (size_t i = 0; i < frames; i++) {
        memcpy(buf + i * SECTOR_BYTES, hunk + i * DW__CHD_FRAME_BYTES, SECTOR_BYTES);
        memcpy(buf + sectors_bytes + i * SUB_BYTES, hunk + i * DW__CHD_FRAME_BYTES + SECTOR_BYTES,
               SUB_BYTES);
    }
    if (tag == DW__CHD_CODEC_CDFL) {
        n = room;
        if ((rc = enflac(buf, sectors_bytes / 4, cd_flac_block(sectors_bytes), level, dst, &n)))
            goto out;
        used = n;
        n = room - used;
        if ((rc = deflate_raw(buf + sectors_bytes, sub_bytes, -1, dst + used, &n)))
            goto out;
        used += n;
        goto done;
    }
    size_t ecc_bytes = (frames + 7) / 8, len_bytes = hunk_bytes < 65536 ? 2 : 3;
    size_t header_bytes = ecc_bytes + len_bytes;
    if (room < header_bytes) {
        rc = DW_ERANGE;
        goto out;
    }
    memset(dst, 0, ecc_bytes);
    for (size_t i = 0; i < frames; i++) {
        uint8_t *sector = buf + i * SECTOR_BYTES;
        if (memcmp(sector, cd_sync, sizeof(cd_sync)) == 0 && dw_ecc_check(sector, false)) {
            dst[i / 8] |= (uint8_t)(1u << (i % 8));
            memset(sector, 0, sizeof(cd_sync));
            memset(sector + 2076, 0, SECTOR_BYTES - 2076);
        }
    }
    n = room - header_bytes;
    if (tag == DW__CHD_CODEC_CDZL)
        rc = deflate_raw(buf, sectors_bytes, level, dst + header_bytes, &n);
    else if (tag == DW__CHD_CODEC_CDLZ)
        rc = enlzma(buf, sectors_bytes, level, dst + header_bytes, &n);
    else if (tag == DW__CHD_CODEC_CDZS)
        rc = enzstd(buf, sectors_bytes, level, dst + header_bytes, &n);
    else
        rc = DW_EINVAL;
    if (rc)
        goto out;
    if (n >= (1u << (8 * len_bytes))) {
        rc = DW_ERANGE;
        goto out;
    }
    for (size_t b = 0; b < len_bytes; b++)
        dst[ecc_bytes + b] = (uint8_t)(n >> (8 * (len_bytes - 1 - b)));
    used = header_bytes + n;
    n = room - used;
    if (tag == DW__CHD_CODEC_CDZS)
        rc = enzstd(buf + sectors_bytes, sub_bytes, level, dst + used, &n);
    else
        rc = deflate_raw(buf + sectors_bytes, sub_bytes, -1, dst + used, &n);
    if (rc)
        goto out;
    used += n;
done:
    *out_bytes = used;
    rc = 0;
out:
    free(buf);
    if (rc == DW_ENOMEM)
        return dw__set_error(err, rc, "out of memory compressing a hunk");
    if (rc && rc != DW_ERANGE)
        return dw__set_error(err, rc, "the compressor failed on a hunk");
    return rc;
}
