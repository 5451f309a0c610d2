/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: CD-ROM EDC (ECMA-130 Annex A) and Q-subchannel CRC (cl. 22.3.6).
 *
 * Both are table driven; the tables are built once, on first use, under
 * pthread_once so any thread may call in first.
 */
#include <pthread.h>

#include "discwright/sector.h"
#include "sector/edc_int.h"

/* ECMA-130 Annex A: EDC polynomial P(x) = (x^16 + x^15 + x^2 + 1) *
 * (x^16 + x^2 + x + 1) = 0x8001801B, processed LSB first, so the table uses
 * the bit-reversed constant. */
#define EDC_POLY_REFLECTED 0xd8018001u

/* ECMA-130 cl. 22.3.6: Q channel CRC, P(x) = x^16 + x^12 + x^5 + 1, MSB first */
#define QCRC_POLY 0x1021u

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* slicing-by-8: edc_table[k][b] is the CRC of byte b followed by k zero bytes */
static uint32_t edc_table[8][256];
static uint16_t qcrc_table[256];

static void tables_init(void)
{
    for (unsigned b = 0; b < 256; b++) {
        uint32_t crc = b;
        uint16_t q = (uint16_t)(b << 8);

        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ ((crc & 1u) ? EDC_POLY_REFLECTED : 0u);
            q = (uint16_t)((q << 1) ^ ((q & 0x8000u) ? QCRC_POLY : 0u));
        }
        edc_table[0][b] = crc;
        qcrc_table[b] = q;
    }
    for (unsigned b = 0; b < 256; b++) {
        for (int k = 1; k < 8; k++) {
            uint32_t prev = edc_table[k - 1][b];

            edc_table[k][b] = (prev >> 8) ^ edc_table[0][prev & 0xff];
        }
    }
}

uint32_t dw_edc_compute(const uint8_t *data, size_t bytes)
{
    return dw__edc_update(0, data, bytes); /* Annex A: initial value 0, no final inversion */
}

uint32_t dw__edc_update(uint32_t crc, const uint8_t *data, size_t bytes)
{
    pthread_once(&tables_once, tables_init);
    while (bytes >= 8) {
        uint32_t lo = crc ^ ((uint32_t)data[0] | (uint32_t)data[1] << 8 |
                             (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24);

        crc = edc_table[7][lo & 0xff] ^ edc_table[6][(lo >> 8) & 0xff] ^
              edc_table[5][(lo >> 16) & 0xff] ^ edc_table[4][lo >> 24] ^
              edc_table[3][data[4]] ^ edc_table[2][data[5]] ^ edc_table[1][data[6]] ^
              edc_table[0][data[7]];
        data += 8;
        bytes -= 8;
    }
    while (bytes--)
        crc = (crc >> 8) ^ edc_table[0][(crc ^ *data++) & 0xff];
    return crc;
}

uint16_t dw_q_crc(const uint8_t q[10])
{
    uint16_t crc = 0;

    pthread_once(&tables_once, tables_init);
    for (int i = 0; i < 10; i++)
        crc = (uint16_t)((crc << 8) ^ qcrc_table[((crc >> 8) ^ q[i]) & 0xff]);
    return (uint16_t)~crc;
}
