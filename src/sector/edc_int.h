/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: the EDC of data that comes in pieces. */
#ifndef DW_SECTOR_EDC_INT_H
#define DW_SECTOR_EDC_INT_H

#include <stddef.h>
#include <stdint.h>

/* The EDC (ECMA-130 Annex A, as dw_edc_compute) of the bytes whose EDC so
 * far is edc, followed by data[bytes]: dw__edc_update(0, d, n) ==
 * dw_edc_compute(d, n), and the EDC of A then B is
 * dw__edc_update(dw_edc_compute(A), B).  Used for ECM's whole-file EDC.
 * Thread-safe. */
uint32_t dw__edc_update(uint32_t edc, const uint8_t *data, size_t bytes);

#endif
