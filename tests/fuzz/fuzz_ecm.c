/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the ECM decoder (src/image/ecm.c, dw__ecm_open):
 * the input is the container file; what must hold is in container_check.h
 * (documented errors with a message, reads that repeat, nothing past the
 * decoded size). */
#include "container_check.h"

const char *dw_fuzz_fixture_ext = ".ecm";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dw_fuzz_check_container(data, size, dw__ecm_open);
    return 0;
}
