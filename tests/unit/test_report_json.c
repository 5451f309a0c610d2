/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JSON the program prints for drives, checklog, burn and blank, now
 * written by the library (report.h, drive_profile.h, burn.h): each text
 * parsed back with json-c and compared key by key, in order, with what
 * went in, including strings a drive or a file could carry (quotes,
 * backslashes, control characters, UTF-8). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "discwright/burn.h"
#include "discwright/drive.h"
#include "discwright/drive_profile.h"
#include "discwright/report.h"
#include "discwright/verify.h"
#include "json_check.h"

/* text parsed, then freed; the caller puts the object. */
static json_object *parse(char *text)
{
    assert_non_null(text);
    json_object *o = json_tokener_parse(text);
    assert_non_null(o);
    free(text);
    return o;
}

static const char hostile[] = "q\"b\\s\x01\x1b[2J\n\xc3\xa9/";

static void test_drive_list(void **state)
{
    (void)state;
    struct dw_drive_info list[2];
    char keys[256];
    memset(list, 0, sizeof(list));
    snprintf(list[0].address, sizeof(list[0].address), "/dev/sr0");
    snprintf(list[0].vendor, sizeof(list[0].vendor), "ACME");
    snprintf(list[0].model, sizeof(list[0].model), "%s", hostile);
    snprintf(list[0].firmware, sizeof(list[0].firmware), "4.2");
    list[0].medium_loaded = true;
    snprintf(list[1].address, sizeof(list[1].address), "/dev/sr1");
    json_object *a = parse(dw_drive_list_to_json(list, 2));
    assert_true(json_object_is_type(a, json_type_array));
    assert_int_equal(json_object_array_length(a), 2);
    for (size_t i = 0; i < 2; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        json_keys(o, keys, sizeof(keys));
        assert_string_equal(keys, "address,vendor,model,firmware,medium_loaded");
        assert_string_equal(json_str(o, "address"), list[i].address);
        assert_string_equal(json_str(o, "vendor"), list[i].vendor);
        assert_string_equal(json_str(o, "model"), list[i].model);
        assert_string_equal(json_str(o, "firmware"), list[i].firmware);
        assert_int_equal(json_object_get_boolean(json_get(o, "medium_loaded")),
                         list[i].medium_loaded);
    }
    json_object_put(a);
    /* "/" stays as it is; control characters are escaped. */
    char *text = dw_drive_list_to_json(list, 1);
    assert_non_null(strstr(text, "\\u001b[2J\\n\xc3\xa9/\""));
    free(text);
    a = parse(dw_drive_list_to_json(NULL, 0));
    assert_int_equal(json_object_array_length(a), 0);
    json_object_put(a);
    assert_null(dw_drive_list_to_json(NULL, 1));
    assert_null(dw_drive_list_to_json(list, -1));
}

static void test_log_check(void **state)
{
    (void)state;
    static const char log[] = "discwright rip log\nsectors: 3\n";
    char keys[256], line[DW_LOG_SIGNATURE_LINE_BYTES + 1], text[256];
    struct dw_log_check check;
    assert_int_equal(dw_log_signature(log, sizeof(log) - 1, line), 0);
    snprintf(text, sizeof(text), "%s%s", log, line);
    assert_int_equal(dw_log_verify_text(text, strlen(text), &check), 0);
    assert_int_equal(check.verdict, DW_LOG_GOOD);
    json_object *o = parse(dw_log_check_to_json(hostile, &check, 0));
    json_keys(o, keys, sizeof(keys));
    assert_string_equal(keys,
                        "command,log,verdict,signed_sha256,actual_sha256,signed_bytes,"
                        "trailing_bytes,reason,exit_status");
    assert_string_equal(json_str(o, "command"), "checklog");
    assert_string_equal(json_str(o, "log"), hostile);
    assert_string_equal(json_str(o, "verdict"), "good");
    assert_string_equal(json_str(o, "signed_sha256"), check.actual_sha256);
    assert_string_equal(json_str(o, "actual_sha256"), check.actual_sha256);
    assert_int_equal(json_object_get_int64(json_get(o, "signed_bytes")), sizeof(log) - 1);
    assert_int_equal(json_object_get_int64(json_get(o, "trailing_bytes")), 0);
    assert_null(json_get(o, "reason"));
    assert_int_equal(json_object_get_int(json_get(o, "exit_status")), 0);
    json_object_put(o);

    /* Unsigned: no signed hash (null), a reason; modified. */
    assert_int_equal(dw_log_verify_text(log, sizeof(log) - 1, &check), 0);
    assert_int_equal(check.verdict, DW_LOG_UNSIGNED);
    o = parse(dw_log_check_to_json("x.log", &check, 1));
    assert_string_equal(json_str(o, "verdict"), "unsigned");
    assert_null(json_get(o, "signed_sha256"));
    assert_string_equal(json_str(o, "reason"), check.reason);
    assert_int_equal(json_object_get_int(json_get(o, "exit_status")), 1);
    json_object_put(o);
    text[0] = 'D';
    assert_int_equal(dw_log_verify_text(text, strlen(text), &check), 0);
    assert_int_equal(check.verdict, DW_LOG_MODIFIED);
    o = parse(dw_log_check_to_json(NULL, &check, 4));
    assert_string_equal(json_str(o, "verdict"), "modified");
    assert_null(json_get(o, "log"));
    json_object_put(o);
    assert_null(dw_log_check_to_json("x.log", NULL, 0));
}

static void test_drive_profile_file(void **state)
{
    (void)state;
    struct dw_drive_profile p;
    char keys[1024];
    memset(&p, 0, sizeof(p));
    snprintf(p.vendor, sizeof(p.vendor), "ACME");
    snprintf(p.model, sizeof(p.model), "%s", hostile);
    snprintf(p.notes, sizeof(p.notes), "c2: refused\ncache: unknown");
    /* Without a source: the same text as the profile file. */
    char *plain = dw_drive_profile_to_json(&p),
         *ext = dw_drive_profile_to_json_ext(&p, 0);
    assert_non_null(plain);
    assert_string_equal(plain, ext);
    free(ext);
    ext = dw_drive_profile_to_json_ext(&p, DW_DRIVE_PROFILE_JSON_FILE);
    assert_string_equal(plain, ext);
    free(ext);
    /* With one: "file" last, the rest unchanged. */
    snprintf(p.source, sizeof(p.source),
             "/home/u/.config/discwright/profiles/drives/a\"b.json");
    json_object *want = parse(plain), *o;
    o = parse(dw_drive_profile_to_json_ext(&p, DW_DRIVE_PROFILE_JSON_FILE));
    json_keys(o, keys, sizeof(keys));
    assert_non_null(strstr(keys, ",notes,file"));
    assert_int_equal(strlen(keys) - strlen(",file"), strstr(keys, ",file") - keys);
    assert_string_equal(json_str(o, "file"), p.source);
    assert_string_equal(json_str(o, "model"), hostile);
    json_object_object_del(o, "file");
    assert_true(json_object_equal(o, want));
    json_object_put(o);
    json_object_put(want);
    assert_null(dw_drive_profile_to_json_ext(&p, 0x2));
    assert_null(dw_drive_profile_to_json_ext(NULL, 0));
}

/* A real verify report (two identical ISO files) to nest. */
static struct dw_verify_report *small_verify(char *dir)
{
    char path[80];
    uint8_t block[2048];
    memset(block, 0x5a, sizeof(block));
    snprintf(path, sizeof(path), "%s/v.iso", dir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    for (int i = 0; i < 8; i++)
        assert_int_equal(fwrite(block, 1, sizeof(block), fp), sizeof(block));
    assert_int_equal(fclose(fp), 0);
    struct dw_drive *a = NULL, *b = NULL;
    struct dw_error_detail err;
    struct dw_verify_report *rep = NULL;
    assert_int_equal(dw_drive_open(path, DW_DRIVE_OPEN_RAW_ISO, &a, &err), 0);
    assert_int_equal(dw_drive_open(path, DW_DRIVE_OPEN_RAW_ISO, &b, &err), 0);
    assert_int_equal(dw_verify(a, b, NULL, NULL, &rep, &err), 0);
    dw_drive_free(a);
    dw_drive_free(b);
    unlink(path);
    return rep;
}

static void test_burn_result(void **state)
{
    (void)state;
    char dir[] = "/tmp/dw-test-repjson-XXXXXX", keys[512];
    assert_non_null(mkdtemp(dir));
    struct dw_burn_result r;
    memset(&r, 0, sizeof(r));
    snprintf(r.drive_address, sizeof(r.drive_address), "stdio:/tmp/x.iso");
    r.profile = 0xffff;
    snprintf(r.profile_name, sizeof(r.profile_name), "stdio file");
    snprintf(r.write_type, sizeof(r.write_type), "TAO");
    r.start_lba = 0;
    r.image_bytes = 376832;
    r.written_bytes = 376832;
    struct dw_verify_report *v = small_verify(dir);

    json_object *o = parse(dw_burn_result_to_json(hostile, &r, NULL, v, 0)), *b, *vo;
    json_keys(o, keys, sizeof(keys));
    assert_string_equal(keys, "schema,schema_version,burn,verify,exit_status");
    assert_string_equal(json_str(o, "schema"), "discwright-burn-report");
    assert_int_equal(json_object_get_int(json_get(o, "schema_version")), 1);
    b = json_get(o, "burn");
    json_keys(b, keys, sizeof(keys));
    assert_string_equal(keys, "image,drive,profile,profile_name,write_type,start_lba,"
                              "image_bytes,written_bytes,dummy,writer,sessions,tracks,"
                              "write_offset_samples,write_offset_source,error");
    assert_string_equal(json_str(b, "image"), hostile);
    assert_string_equal(json_str(b, "drive"), r.drive_address);
    assert_int_equal(json_object_get_int(json_get(b, "profile")), 0xffff);
    assert_string_equal(json_str(b, "profile_name"), "stdio file");
    assert_string_equal(json_str(b, "write_type"), "TAO");
    assert_int_equal(json_object_get_int(json_get(b, "start_lba")), 0);
    assert_int_equal(json_object_get_int64(json_get(b, "image_bytes")), 376832);
    assert_int_equal(json_object_get_int64(json_get(b, "written_bytes")), 376832);
    assert_false(json_object_get_boolean(json_get(b, "dummy")));
    /* dw_burn_iso leaves the plan to dw_burn_image. */
    assert_string_equal(json_str(b, "writer"), "");
    assert_int_equal(json_object_get_int(json_get(b, "sessions")), 0);
    assert_int_equal(json_object_get_int(json_get(b, "write_offset_samples")), 0);
    assert_null(json_get(b, "write_offset_source")); /* an ISO: no write offset */
    assert_null(json_get(b, "error"));
    /* The verify part is the verify's own report. */
    vo = json_tokener_parse(dw_verify_report_json(v));
    assert_true(json_object_equal(json_get(o, "verify"), vo));
    assert_string_equal(json_str(json_get(o, "verify"), "schema"),
                        "discwright-verify-report");
    json_object_put(vo);
    assert_int_equal(json_object_get_int(json_get(o, "exit_status")), 0);
    json_object_put(o);

    /* A failed burn: its error, no verify. */
    r.dummy = true;
    o = parse(
        dw_burn_result_to_json("a.iso", &r, "cannot burn 'a.iso': no medium", NULL, 1));
    json_keys(o, keys, sizeof(keys));
    assert_string_equal(keys, "schema,schema_version,burn,exit_status");
    b = json_get(o, "burn");
    assert_string_equal(json_str(b, "error"), "cannot burn 'a.iso': no medium");
    assert_true(json_object_get_boolean(json_get(b, "dummy")));
    assert_int_equal(json_object_get_int(json_get(o, "exit_status")), 1);
    json_object_put(o);

    /* Our CD writer with the drive profile's write offset: the file named. */
    snprintf(r.writer, sizeof(r.writer), "discwright");
    r.write_offset_samples = -12;
    snprintf(r.write_offset_source, sizeof(r.write_offset_source), "profile");
    snprintf(r.write_offset_profile, sizeof(r.write_offset_profile), "%s", hostile);
    o = parse(dw_burn_result_to_json("a.cue", &r, NULL, NULL, 0));
    b = json_get(o, "burn");
    json_keys(b, keys, sizeof(keys));
    assert_string_equal(keys, "image,drive,profile,profile_name,write_type,start_lba,"
                              "image_bytes,written_bytes,dummy,writer,sessions,tracks,"
                              "write_offset_samples,write_offset_source,"
                              "write_offset_profile,error");
    assert_int_equal(json_object_get_int(json_get(b, "write_offset_samples")), -12);
    assert_string_equal(json_str(b, "write_offset_source"), "profile");
    assert_string_equal(json_str(b, "write_offset_profile"), hostile);
    json_object_put(o);
    assert_null(dw_burn_result_to_json("a.iso", NULL, NULL, NULL, 0));
    dw_verify_report_free(v);
    rmdir(dir);
}

static void test_blank_result(void **state)
{
    (void)state;
    char keys[256];
    json_object *o = parse(dw_burn_blank_result_to_json("/dev/sr0", true, NULL, 0)), *b;
    json_keys(o, keys, sizeof(keys));
    assert_string_equal(keys, "blank,exit_status");
    b = json_get(o, "blank");
    json_keys(b, keys, sizeof(keys));
    assert_string_equal(keys, "drive,fast,error");
    assert_string_equal(json_str(b, "drive"), "/dev/sr0");
    assert_true(json_object_get_boolean(json_get(b, "fast")));
    assert_null(json_get(b, "error"));
    assert_int_equal(json_object_get_int(json_get(o, "exit_status")), 0);
    json_object_put(o);
    o = parse(
        dw_burn_blank_result_to_json(hostile, false, "a CD-R cannot be blanked", 1));
    b = json_get(o, "blank");
    assert_string_equal(json_str(b, "drive"), hostile);
    assert_false(json_object_get_boolean(json_get(b, "fast")));
    assert_string_equal(json_str(b, "error"), "a CD-R cannot be blanked");
    assert_int_equal(json_object_get_int(json_get(o, "exit_status")), 1);
    json_object_put(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drive_list),         cmocka_unit_test(test_log_check),
        cmocka_unit_test(test_drive_profile_file), cmocka_unit_test(test_burn_result),
        cmocka_unit_test(test_blank_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
