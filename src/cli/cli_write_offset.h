/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright offset SOURCE --burned IMAGE (cli_write_offset.c). */
#ifndef DW_CLI_WRITE_OFFSET_H
#define DW_CLI_WRITE_OFFSET_H

#include <stdbool.h>
#include <stdint.h>
#include "cli/cli.h"

/* Measure the write offset of the burner at source from the CD in it,
 * burned from image with --write-offset 0: the verify's combined offset
 * less the read offset (have_read_offset: read_offset_samples, else the
 * drive's profile or offset table); save it as the user's drive profile's
 * write_offset_samples and print it.  Returns an exit status. */
int cli_offset_burned(struct cli *cli, const char *source, const char *image,
                      bool have_read_offset, int32_t read_offset_samples);

#endif
