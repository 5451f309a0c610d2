/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the Apple UDIF decoder (src/image/dmg.c,
 * dw__dmg_open): the input is the .dmg file (koly block, XML plist with
 * base64 mish tables, chunks); what must hold is in container_check.h
 * (documented errors with a message, reads that repeat, nothing past the
 * decoded size). */
#include "container_check.h"

const char *dw_fuzz_fixture_ext = ".dmg";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dw_fuzz_check_container(data, size, dw__dmg_open);
    return 0;
}
