/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: JSON pieces and LBA range lists shared by the rip and
 * verify reports. */
#ifndef DW_REPORT_INT_H
#define DW_REPORT_INT_H

#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>
#include "discwright/checksum.h"
#include "discwright/disc.h"
#include "discwright/drive.h"

/* A growing list of LBA ranges; adding LBAs in increasing order merges
 * neighbours, so its size follows the damage, not the disc. */
struct dw__lba_range {
    int32_t first_lba, last_lba;
    int32_t detail;     /* caller-defined (sense code, byte offset ...) */
};
struct dw__lba_ranges {
    struct dw__lba_range *r;
    int count, cap;
    int64_t sectors;
};

int dw__ranges_add(struct dw__lba_ranges *rs, int32_t lba, int32_t detail);
void dw__ranges_release(struct dw__lba_ranges *rs);
/* A copy of src into *dst (zeroed first).  Returns 0 or DW_ENOMEM (dst
 * then empty). */
int dw__ranges_copy(struct dw__lba_ranges *dst, const struct dw__lba_ranges *src);

json_object *dw__json_disc(const struct dw_disc *disc);
json_object *dw__json_digests(const struct dw_digests *d);
json_object *dw__json_drive(const struct dw_drive_info *info, const struct dw_medium_info *m);
/* Ranges as [{"first_lba":..,"last_lba":..,"sectors":..,<detail_key>:..}];
 * detail_key NULL leaves the detail out. */
json_object *dw__json_ranges(const struct dw__lba_ranges *rs, const char *detail_key);

/* A job report's first keys into the empty object o: "tool" ("discwright
 * VERSION"), "schema", "schema_version", "command".  src/report/report_json.c */
void dw__json_report_head(json_object *o, const char *schema, int schema_version,
                          const char *command);

/* o as the reports' JSON text (pretty-printed, "/" not escaped), which the
 * caller frees with free(); o is released.  NULL for o NULL or without
 * memory.  src/report/report_json.c */
char *dw__json_text(json_object *o);

/* "2024-05-01T12:00:00Z" for now, into out[32]. */
void dw__utc_now(char out[32]);

/* Sign a log being written (report.h, "signed logs"): flush fp, hash the
 * file part_path it writes (with a "\n" added first when the text does not
 * end with one) and append the signature line to fp.  sha256_hex gets the
 * hash.  Returns 0 or DW_EIO / DW_ENOMEM with err set.  src/report/logsign.c */
int dw__log_sign(FILE *fp, const char *part_path, char sha256_hex[65],
                 struct dw_error_detail *err);

/* fputs of s escaped as dw_text_escape says.  Returns 0 or -1 (write
 * error or no memory).  src/report/text.c */
int dw__fputs_escaped(const char *s, FILE *fp);

#endif
