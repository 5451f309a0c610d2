/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dw-ctdb-response BIN TOC CONFIDENCE: a CTDB lookup answer for the audio
 * disc whose raw sectors BIN holds from LBA 0, written to stdout as the
 * XML lookup2.php returns (it_ctdb.sh).  Test infrastructure only.
 *
 * The CRCs are computed here on their own, with zlib's crc32 over explicit
 * byte ranges of the file, not with discwright's CTDB code (which the test
 * checks against this): TOC is "LBA:LBA:...:LEADOUT" of audio tracks only
 * (INDEX 01 LBAs, the first one after a hidden track when it is not 0).
 * N = LEADOUT * 588 (CUETools counts the hidden track into the length);
 * the disc CRC covers the bytes from the first INDEX 01 + 5880 samples to
 * LEADOUT - (5880 + N mod 5880) samples; track i from its INDEX 01 to the
 * next (the lead-out), clipped to that range.
 *
 * Two entries: this disc with CONFIDENCE, and another pressing (confidence
 * 3) whose disc CRC differs but whose second track (when there are more
 * than two) is ours. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SECTOR_BYTES 2352
#define SAMPLE_BYTES 4
#define STRIDE 5880
#define MAX_TRACKS 99

static unsigned char *slurp(const char *path, long *len)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *buf = NULL;
    if (!fp)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (*len = ftell(fp)) > 0 &&
        fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)*len)) &&
        fread(buf, 1, (size_t)*len, fp) != (size_t)*len) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    return buf;
}

static uint32_t crc_of(const unsigned char *data, long from, long to)
{
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), data + from, (uInt)(to - from));
}

int main(int argc, char **argv)
{
    long lba[MAX_TRACKS + 1], len = 0;
    int n = 0;
    if (argc != 4) {
        fprintf(stderr, "usage: dw-ctdb-response BIN TOC CONFIDENCE\n");
        return 2;
    }
    for (char *p = argv[2]; *p && n <= MAX_TRACKS;) {
        lba[n++] = strtol(p, &p, 10);
        if (*p == ':')
            p++;
    }
    unsigned char *bin = slurp(argv[1], &len);
    if (!bin || n < 2 || len < lba[n - 1] * SECTOR_BYTES) {
        fprintf(stderr, "dw-ctdb-response: cannot use '%s' with '%s'\n", argv[1],
                argv[2]);
        return 1;
    }
    int tracks = n - 1;
    long total = lba[tracks] * 588L; /* N, from LBA 0 */
    long lo = lba[0] * SECTOR_BYTES + STRIDE * SAMPLE_BYTES;
    long hi = lba[tracks] * SECTOR_BYTES - (STRIDE + total % STRIDE) * SAMPLE_BYTES;
    uint32_t disc = crc_of(bin, lo, hi), track[MAX_TRACKS];
    for (int i = 0; i < tracks; i++) {
        long a = lba[i] * SECTOR_BYTES, b = lba[i + 1] * SECTOR_BYTES;
        track[i] = crc_of(bin, a > lo ? a : lo, b < hi ? b : hi);
    }
    printf("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
           "<ctdb xmlns=\"http://db.cuetools.net/ns/mmd-1.0#\" "
           "xmlns:ext=\"http://musicbrainz.org/ns/ext-2.0#\">\n");
    for (int e = 0; e < 2; e++) {
        printf("  <entry confidence=\"%s\" crc32=\"%08x\" hasparity=\"/parity/%d\" "
               "id=\"%d\" "
               "npar=\"16\" stride=\"5880\" syndrome=\"AAECAwQFBgcICQoLDA0ODw==\" "
               "toc=\"%s\" "
               "trackcrcs=\"",
               e ? "3" : argv[3], e ? disc ^ 0x5a5a5a5au : disc, 4711 + e, 4711 + e,
               argv[2]);
        for (int i = 0; i < tracks; i++)
            printf("%s%08x", i ? " " : "",
                   e && !(tracks > 2 && i == 1) ? track[i] ^ 0x01010101u : track[i]);
        printf("\" />\n");
    }
    printf("  <metadata source=\"test\" id=\"1\" artist=\"Test\" album=\"Noise\" "
           "/>\n</ctdb>\n");
    free(bin);
    return 0;
}
