/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading JSON reports back in the unit tests (json-c): a report's keys in
 * order, and a key's value that must be there.  Header-only, for
 * tests/unit/test_*.c. */
#ifndef DW_TEST_JSON_CHECK_H
#define DW_TEST_JSON_CHECK_H

#include <stdint.h>
#include <string.h>
#include <json-c/json.h>

/* The keys of object o, in order, joined by "," into out. */
static inline void json_keys(json_object *o, char *out, size_t out_bytes)
{
    out[0] = '\0';
    json_object_object_foreach(o, key, val)
    {
        (void)val;
        strncat(out, out[0] ? "," : "", out_bytes - strlen(out) - 1);
        strncat(out, key, out_bytes - strlen(out) - 1);
    }
}

/* o[key], which must exist (it may be null). */
static inline json_object *json_get(json_object *o, const char *key)
{
    json_object *v = NULL;
    assert_true(json_object_object_get_ex(o, key, &v));
    return v;
}

/* o[key], which must be a string. */
static inline const char *json_str(json_object *o, const char *key)
{
    json_object *v = json_get(o, key);
    assert_true(json_object_is_type(v, json_type_string));
    return json_object_get_string(v);
}

/* o[key], which must be a number. */
static inline int64_t json_int(json_object *o, const char *key)
{
    json_object *v = json_get(o, key);
    assert_true(json_object_is_type(v, json_type_int));
    return json_object_get_int64(v);
}

#endif
