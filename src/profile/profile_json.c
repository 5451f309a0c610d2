/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What every JSON profile file shares (profile_int.h): reading the file,
 * parsing it to an object, checking its "format" and "format_version",
 * and the message of a bad key.  Used by drive_profile.c and
 * rip_profile.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "discwright/errors.h"
#include "errors_int.h"
#include "profile/profile_int.h"

#define MAX_FILE_BYTES (256 * 1024) /* a profile is a few hundred bytes */

int dw__profile_slurp(const char *path, const char *what, char **out,
                      struct dw_error_detail *err)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t len;
    int rc = 0;

    *out = NULL;
    if (!fp) {
        int e = errno;
        if (e == ENOENT)
            return dw__set_error(err, DW_ENOENT, "no %s '%s'", what, path);
        return dw__set_error(err, dw_error_from_errno(e), "cannot open '%s': %s", path,
                             strerror(e));
    }
    buf = malloc(MAX_FILE_BYTES + 1);
    if (!buf) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    len = fread(buf, 1, MAX_FILE_BYTES + 1, fp);
    if (ferror(fp)) {
        rc = dw__set_error(err, DW_EIO, "cannot read '%s'", path);
    } else if (len > MAX_FILE_BYTES) {
        rc = dw__set_error(err, DW_EPARSE, "'%s' is larger than %d bytes: it is not a %s",
                           path, MAX_FILE_BYTES, what);
    } else {
        buf[len] = '\0';
        *out = buf;
        buf = NULL;
    }
out:
    free(buf);
    fclose(fp);
    return rc;
}

int dw__profile_bad_key(struct dw_error_detail *err, const char *path, const char *what,
                        const char *key, const char *why, const char *hint)
{
    return dw__set_error(err, DW_EPARSE, "'%s' is not a valid %s: \"%s\" %s: %s", path,
                         what, key, why, hint);
}

int dw__profile_parse_object(const char *text, const char *path, const char *what,
                             const char *hint, struct json_object **root,
                             struct dw_error_detail *err)
{
    enum json_tokener_error jerr = json_tokener_success;

    *root = json_tokener_parse_verbose(text, &jerr);
    if (!*root)
        return dw__set_error(err, DW_EPARSE, "'%s' is not a valid %s: not JSON (%s): %s",
                             path, what, json_tokener_error_desc(jerr), hint);
    if (!json_object_is_type(*root, json_type_object)) {
        json_object_put(*root);
        *root = NULL;
        return dw__set_error(err, DW_EPARSE,
                             "'%s' is not a valid %s: not a JSON object: %s", path, what,
                             hint);
    }
    return 0;
}

int dw__profile_check_format(struct json_object *root, const char *path, const char *what,
                             const char *hint, const char *format_name,
                             int format_version, struct dw_error_detail *err)
{
    json_object *v;
    char why[128];

    if (!json_object_object_get_ex(root, "format", &v) ||
        !json_object_is_type(v, json_type_string) ||
        strcmp(json_object_get_string(v), format_name) != 0) {
        snprintf(why, sizeof(why), "is not \"%s\"", format_name);
        return dw__profile_bad_key(err, path, what, "format", why, hint);
    }
    if (!json_object_object_get_ex(root, "format_version", &v) ||
        json_object_is_type(v, json_type_null))
        return 0; /* version 1 */
    if (!json_object_is_type(v, json_type_int))
        return dw__profile_bad_key(err, path, what, "format_version",
                                   "is not a whole number", hint);
    int64_t n = json_object_get_int64(v);
    if (n < 1)
        return dw__profile_bad_key(err, path, what, "format_version", "is out of range",
                                   hint);
    if (n > format_version)
        return dw__set_error(
            err, DW_EPARSE,
            "'%s' is a %s of format %lld, newer than this discwright reads "
            "(%d): update discwright",
            path, what, (long long)n, format_version);
    return 0;
}
