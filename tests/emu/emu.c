/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright test bench: the MMC drive emulator's core.
 *
 * Configuration, dispatch, sense data and unit attention (SPC-4 4.5, 5.x),
 * the SPC commands (INQUIRY, TEST UNIT READY, REQUEST SENSE, PREVENT ALLOW
 * MEDIUM REMOVAL, START STOP UNIT, MODE SENSE/SELECT(10)), and the MMC-6
 * commands about the drive rather than the medium (GET CONFIGURATION, GET
 * EVENT STATUS NOTIFICATION, MECHANISM STATUS, SET CD SPEED, SET
 * STREAMING, GET PERFORMANCE).  Field layouts are those of SPC-4 and MMC-6
 * (T10/1836-D); mode page 2Ah follows MMC-3 6.3.11, which later MMC keeps
 * as legacy.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "emu_int.h"

/* ---- small helpers ----------------------------------------------------------- */

static void set_msg(char *msg, size_t msg_bytes, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_msg(char *msg, size_t msg_bytes, const char *fmt, ...)
{
    va_list ap;
    if (!msg || !msg_bytes)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, msg_bytes, fmt, ap);
    va_end(ap);
}

/* Copy text into a blank-padded INQUIRY field of `bytes` bytes. */
static void put_padded(uint8_t *field, const char *text, size_t bytes)
{
    size_t n = strlen(text);
    memset(field, ' ', bytes);
    memcpy(field, text, n < bytes ? n : bytes);
}

void dw__emu_put_msf(uint8_t p[4], int32_t lba)
{
    int32_t frames = lba >= -150 ? lba + 150 : lba + 450150;
    if (frames < 0)
        frames = 0;
    p[0] = 0;
    p[1] = (uint8_t)(frames / (60 * 75));
    p[2] = (uint8_t)(frames / 75 % 60);
    p[3] = (uint8_t)(frames % 75);
}

int32_t dw__emu_msf_lba(unsigned m, unsigned s, unsigned f)
{
    int32_t frames = (int32_t)((m * 60 + s) * 75 + f);
    return m >= 90 ? frames - 450150 : frames - 150;
}

/* ---- results and sense ------------------------------------------------------- */

static void set_sense(struct dw_emu *e, struct dw__emu_cmd *c, int key, int asc, int ascq,
                      bool info_valid, int32_t info)
{
    uint8_t *s = e->sense;
    memset(s, 0, sizeof(e->sense));
    s[0] = 0x70 | (info_valid ? 0x80 : 0); /* current error, fixed format, VALID */
    s[2] = (uint8_t)(key & 0x0F);
    if (info_valid)
        dw__emu_put32(s + 3, (uint32_t)info);
    s[7] = 10; /* additional sense length: bytes 8-17 */
    s[12] = (uint8_t)asc;
    s[13] = (uint8_t)ascq;
    e->sense_pending = true;
    c->res->status = 2; /* CHECK CONDITION */
    memcpy(c->res->sense, s, sizeof(e->sense));
    c->res->sense_bytes = sizeof(e->sense);
    c->res->data_bytes = 0;
    c->res->residual_bytes = c->data_len;
}

void dw__emu_fail(struct dw_emu *e, struct dw__emu_cmd *c, int key, int asc, int ascq)
{
    set_sense(e, c, key, asc, ascq, false, 0);
}

void dw__emu_fail_lba(struct dw_emu *e, struct dw__emu_cmd *c, int key, int asc, int ascq,
                      int32_t lba)
{
    set_sense(e, c, key, asc, ascq, true, lba);
}

void dw__emu_done(struct dw__emu_cmd *c, size_t bytes)
{
    if (bytes > c->data_len)
        bytes = c->data_len;
    c->res->status = 0;
    c->res->sense_bytes = 0;
    c->res->data_bytes = bytes;
    c->res->residual_bytes = c->data_len - bytes;
}

void dw__emu_reply(struct dw__emu_cmd *c, const uint8_t *reply, size_t bytes,
                   size_t alloc_bytes)
{
    size_t n = bytes < alloc_bytes ? bytes : alloc_bytes;
    if (c->dir != DW_EMU_READ || !c->data)
        n = 0;
    if (n > c->data_len)
        n = c->data_len;
    if (n)
        memcpy(c->data, reply, n);
    dw__emu_done(c, n);
}

/* ---- configuration ------------------------------------------------------------ */

static void personality_defaults(struct dw__emu_personality *p)
{
    memset(p, 0, sizeof(*p));
    snprintf(p->vendor, sizeof(p->vendor), "DWEMU");
    snprintf(p->model, sizeof(p->model), "VIRTUAL MMC-6");
    snprintf(p->firmware, sizeof(p->firmware), "0.1");
    snprintf(p->serial, sizeof(p->serial), "DW00000001");
    p->c2 = DW_EMU_C2_296;
    p->mmc_level = 6;
    p->cdtext = true;
    p->host_usb = false;
}

static int parse_long(const char *text, long min, long max, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(text, &end, 0);
    if (errno || end == text || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static bool parse_bool(const char *text, bool *out)
{
    if (!strcasecmp(text, "yes") || !strcasecmp(text, "on") || !strcmp(text, "1"))
        *out = true;
    else if (!strcasecmp(text, "no") || !strcasecmp(text, "off") || !strcmp(text, "0"))
        *out = false;
    else
        return false;
    return true;
}

/* What the configuration says about the medium. */
struct medium_args {
    char *medium; /* image path */
    int profile;
    char *blank; /* blank medium kind */
    char *state; /* state file */
    long capacity_sectors;
};

static int set_string(char **slot, const char *value)
{
    free(*slot);
    *slot = strdup(value);
    return *slot ? 0 : -1;
}

/* One key=value; 0 or -1 with msg set.
 * long function: one short branch per configuration key of README.md's
 * table, in its order. */
static int apply_key(struct dw_emu *e, const char *key, const char *value,
                     struct medium_args *a, char *msg, size_t msg_bytes)
{
    struct dw__emu_personality *p = &e->pers;
    long v;

    if (!strcmp(key, "medium"))
        return set_string(&a->medium, value);
    if (!strcmp(key, "blank"))
        return set_string(&a->blank, value);
    if (!strcmp(key, "state"))
        return set_string(&a->state, value);
    if (!strcmp(key, "capacity")) {
        if (parse_long(value, 1, 0x7FFFFFF0L, &v))
            goto bad;
        a->capacity_sectors = v;
        return 0;
    }
    if (!strcmp(key, "profile")) {
        a->profile = dw__emu_profile_parse(value);
        if (a->profile < 0)
            goto bad;
        return 0;
    }
    if (!strcmp(key, "vendor")) {
        snprintf(p->vendor, sizeof(p->vendor), "%s", value);
        return 0;
    }
    if (!strcmp(key, "model")) {
        snprintf(p->model, sizeof(p->model), "%s", value);
        return 0;
    }
    if (!strcmp(key, "firmware")) {
        snprintf(p->firmware, sizeof(p->firmware), "%s", value);
        return 0;
    }
    if (!strcmp(key, "serial")) {
        snprintf(p->serial, sizeof(p->serial), "%s", value);
        return 0;
    }
    if (!strcmp(key, "c2")) {
        if (!strcmp(value, "none"))
            p->c2 = DW_EMU_C2_NONE;
        else if (!strcmp(value, "294"))
            p->c2 = DW_EMU_C2_294;
        else if (!strcmp(value, "296"))
            p->c2 = DW_EMU_C2_296;
        else
            goto bad;
        return 0;
    }
    if (!strcmp(key, "c2pos")) {
        if (!strcmp(value, "before-sub"))
            p->c2_after_sub = false;
        else if (!strcmp(value, "after-sub"))
            p->c2_after_sub = true;
        else
            goto bad;
        return 0;
    }
    if (!strcmp(key, "rawpw")) {
        p->no_raw_pw = p->pw_deinterleaved = false;
        if (!strcmp(value, "no"))
            p->no_raw_pw = true;
        else if (!strcmp(value, "deinterleaved"))
            p->pw_deinterleaved = true;
        else if (strcmp(value, "yes") != 0)
            goto bad;
        return 0;
    }
    if (!strcmp(key, "rawwrite")) {
        bool yes;
        if (!parse_bool(value, &yes))
            goto bad;
        p->no_raw_write = !yes;
        return 0;
    }
    if (!strcmp(key, "accurate")) {
        bool yes;
        if (!parse_bool(value, &yes))
            goto bad;
        p->no_accurate = !yes;
        return 0;
    }
    if (!strcmp(key, "subq")) {
        if (!strcmp(value, "bcd"))
            p->subq_binary = false;
        else if (!strcmp(value, "binary"))
            p->subq_binary = true;
        else
            goto bad;
        return 0;
    }
    if (!strcmp(key, "offset")) {
        if (parse_long(value, -588 * 75, 588 * 75, &v))
            goto bad;
        p->offset_samples = (int32_t)v;
        return 0;
    }
    if (!strcmp(key, "write_offset")) {
        if (parse_long(value, -1176, 1176, &v))
            goto bad;
        p->write_offset_samples = (int32_t)v;
        return 0;
    }
    if (!strcmp(key, "cache")) {
        if (parse_long(value, 0, 1L << 24, &v))
            goto bad;
        p->cache_sectors = (int32_t)v;
        return 0;
    }
    if (!strcmp(key, "host")) {
        if (!strcmp(value, "usb"))
            p->host_usb = true;
        else if (!strcmp(value, "sata"))
            p->host_usb = false;
        else
            goto bad;
        return 0;
    }
    if (!strcmp(key, "mmc")) {
        if (parse_long(value, 5, 6, &v))
            goto bad;
        p->mmc_level = (int)v;
        return 0;
    }
    if (!strcmp(key, "cdtext")) {
        if (!parse_bool(value, &p->cdtext))
            goto bad;
        return 0;
    }
    if (!strcmp(key, "overread")) {
        if (!strcmp(value, "none"))
            p->overread = 0;
        else if (!strcmp(value, "leadin"))
            p->overread = DW_EMU_OVERREAD_LEADIN;
        else if (!strcmp(value, "leadout"))
            p->overread = DW_EMU_OVERREAD_LEADOUT;
        else if (!strcmp(value, "both"))
            p->overread = DW_EMU_OVERREAD_LEADIN | DW_EMU_OVERREAD_LEADOUT;
        else
            goto bad;
        return 0;
    }
    if (!strcmp(key, "speed")) {
        if (parse_long(value, 0, 100, &v))
            goto bad;
        p->speed_x = (unsigned)v;
        return 0;
    }
    if (!strcmp(key, "timing")) {
        if (!strcmp(value, "sleep"))
            p->timing_virtual = false;
        else if (!strcmp(value, "virtual"))
            p->timing_virtual = true;
        else
            goto bad;
        return 0;
    }
    if (!strcmp(key, "faults")) {
        dw__emu_faults_release(&e->faults);
        return dw__emu_faults_parse(value, &e->faults, msg, msg_bytes);
    }
    set_msg(msg, msg_bytes, "unknown emulator key '%s' (see tests/emu/README.md)", key);
    return -1;
bad:
    set_msg(msg, msg_bytes, "emulator key '%s': value '%s' is not one it takes", key,
            value);
    return -1;
}

/* Split config into key=value tokens (values may be "double quoted") and
 * apply them.  0 or -1 with msg set. */
static int parse_config(struct dw_emu *e, const char *config, struct medium_args *a,
                        char *msg, size_t msg_bytes)
{
    const char *s = config;
    char key[32];
    char *value = NULL;
    int rc = 0;

    if (!config)
        return 0;
    while (*s) {
        size_t klen = 0, vlen = 0;
        const char *v;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        if (!*s)
            break;
        while (s[klen] && s[klen] != '=' && s[klen] != ' ' && s[klen] != '\t' &&
               s[klen] != '\n')
            klen++;
        if (s[klen] != '=' || klen == 0 || klen >= sizeof(key)) {
            set_msg(msg, msg_bytes, "emulator configuration: '%.*s' is not key=value",
                    (int)(klen ? klen : 1), s);
            return -1;
        }
        memcpy(key, s, klen);
        key[klen] = '\0';
        s += klen + 1;
        if (*s == '"') {
            v = ++s;
            while (v[vlen] && v[vlen] != '"')
                vlen++;
            if (v[vlen] != '"') {
                set_msg(msg, msg_bytes, "emulator key '%s': the quote is not closed",
                        key);
                return -1;
            }
            s = v + vlen + 1;
        } else {
            v = s;
            while (v[vlen] && v[vlen] != ' ' && v[vlen] != '\t' && v[vlen] != '\n' &&
                   v[vlen] != '\r')
                vlen++;
            s = v + vlen;
        }
        value = strndup(v, vlen);
        if (!value) {
            set_msg(msg, msg_bytes, "out of memory");
            return -1;
        }
        rc = apply_key(e, key, value, a, msg, msg_bytes);
        free(value);
        if (rc)
            return -1;
    }
    return 0;
}

struct dw_emu *dw_emu_new(const char *config, char *msg, size_t msg_bytes)
{
    struct dw_emu *e = calloc(1, sizeof(*e));
    struct medium_args a;

    if (msg && msg_bytes)
        msg[0] = '\0';
    if (!e) {
        set_msg(msg, msg_bytes, "out of memory");
        return NULL;
    }
    memset(&a, 0, sizeof(a));
    pthread_mutex_init(&e->lock, NULL);
    personality_defaults(&e->pers);
    e->faults.medium_gone_after = -1;
    e->faults.ua_after = -1;
    e->faults.gone_during_write = -1;
    e->head_lba = 0;
    e->next_lba = -1;
    /* Mode page 01h defaults: read retry count 16, write retry count 16. */
    e->page01[0] = 0x01;
    e->page01[1] = 0x0A;
    e->page01[3] = 16;
    e->page01[8] = 16;
    /* Mode page 05h defaults (MMC-6 write parameters): BUFE, TAO, data track
     * mode 4, Mode 1 blocks (8), audio pause 150. */
    e->page05[0] = 0x05;
    e->page05[1] = 0x32;
    e->page05[2] = 0x40 | 0x01;
    e->page05[3] = 0x04;
    e->page05[4] = 0x08;
    dw__emu_put16(e->page05 + 14, 150);

    if (parse_config(e, config, &a, msg, msg_bytes))
        goto fail;
    if (a.medium && (a.blank || a.state)) {
        set_msg(
            msg, msg_bytes,
            "emulator keys 'medium' and '%s' exclude each other: an image is pressed, "
            "blank=KIND (with state=PATH) makes a writable medium",
            a.blank ? "blank" : "state");
        goto fail;
    }
    if (a.profile && !a.medium) {
        set_msg(msg, msg_bytes, "emulator key 'profile' needs a medium=PATH to apply to");
        goto fail;
    }
    if (a.capacity_sectors && !a.blank && !a.state) {
        set_msg(msg, msg_bytes, "emulator key 'capacity' needs blank=KIND to apply to");
        goto fail;
    }
    if (a.medium) {
        if (dw__emu_medium_load(a.medium, a.profile, &e->medium, msg, msg_bytes))
            goto fail;
        e->present = true;
    } else if (a.blank || a.state) {
        if (dw__emu_wmedium_open(a.blank, a.capacity_sectors, a.state, &e->medium, msg,
                                 msg_bytes))
            goto fail;
        e->present = true;
    }
    free(a.medium);
    free(a.blank);
    free(a.state);
    return e;
fail:
    free(a.medium);
    free(a.blank);
    free(a.state);
    dw_emu_free(e);
    return NULL;
}

void dw_emu_free(struct dw_emu *e)
{
    if (!e)
        return;
    dw__emu_medium_free(e->medium);
    dw__emu_faults_release(&e->faults);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

bool dw_emu_medium_present(const struct dw_emu *e)
{
    struct dw_emu *m = (struct dw_emu *)e; /* the lock is not part of the value */
    bool present;
    pthread_mutex_lock(&m->lock);
    present = m->present && m->medium;
    pthread_mutex_unlock(&m->lock);
    return present;
}

bool dw_emu_locked(const struct dw_emu *e)
{
    struct dw_emu *m = (struct dw_emu *)e; /* the lock is not part of the value */
    bool locked;
    pthread_mutex_lock(&m->lock);
    locked = m->locked;
    pthread_mutex_unlock(&m->lock);
    return locked;
}

/* Take the medium out (it stays on the tray: loading puts it back). */
static void eject_locked(struct dw_emu *e)
{
    if (e->present && e->medium)
        e->event = EMU_EVENT_MEDIA_REMOVAL;
    e->present = false;
    e->tray_open = true;
    e->locked = false;
    e->spinning = false;
}

/* Close the tray on the medium: unit attention 6/28/00 and a new-media
 * event, as a drive reports a medium that arrived. */
static void load_locked(struct dw_emu *e)
{
    e->tray_open = false;
    if (e->present || !e->medium)
        return;
    e->present = true;
    e->ua_pending = true;
    e->ua_asc = 0x28;
    e->ua_ascq = 0x00;
    e->event = EMU_EVENT_NEW_MEDIA;
    e->next_lba = -1;
    e->cache_first = e->cache_end = 0;
}

void dw_emu_eject(struct dw_emu *e)
{
    pthread_mutex_lock(&e->lock);
    eject_locked(e);
    pthread_mutex_unlock(&e->lock);
}

void dw_emu_load(struct dw_emu *e)
{
    pthread_mutex_lock(&e->lock);
    load_locked(e);
    pthread_mutex_unlock(&e->lock);
}

uint64_t dw_emu_media_time_ns(const struct dw_emu *e)
{
    struct dw_emu *m = (struct dw_emu *)e;
    uint64_t ns;
    pthread_mutex_lock(&m->lock);
    ns = m->media_time_ns;
    pthread_mutex_unlock(&m->lock);
    return ns;
}

/* ---- SPC commands ------------------------------------------------------------- */

static void cmd_inquiry(struct dw_emu *e, struct dw__emu_cmd *c)
{
    const struct dw__emu_personality *p = &e->pers;
    uint8_t r[64];
    size_t alloc = dw__emu_get16(c->cdb + 3);

    memset(r, 0, sizeof(r));
    if (c->cdb[1] & 0x01) { /* EVPD: vital product data, SPC-4 7.8 */
        r[0] = 0x05;
        r[1] = c->cdb[2];
        if (c->cdb[2] == 0x00) { /* supported pages */
            r[3] = 2;
            r[4] = 0x00;
            r[5] = 0x80;
            dw__emu_reply(c, r, 6, alloc);
        } else if (c->cdb[2] == 0x80) { /* unit serial number */
            size_t n = strlen(p->serial);
            r[3] = (uint8_t)n;
            memcpy(r + 4, p->serial, n);
            dw__emu_reply(c, r, 4 + n, alloc);
        } else {
            dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        }
        return;
    }
    if (c->cdb[2] != 0) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    /* Standard INQUIRY data, SPC-4 6.6.2: CD/DVD device (05h), removable. */
    r[0] = 0x05;
    r[1] = 0x80;
    /* VERSION: ATAPI drives behind SATA report 0; a USB bridge's SCSI
     * translation claims the SPC level of the MMC level. */
    r[2] = p->host_usb ? (p->mmc_level >= 6 ? 0x06 : 0x05) : 0x00;
    r[3] = 0x02; /* response data format 2 */
    r[4] = 36 - 5;
    put_padded(r + 8, p->vendor, 8);
    put_padded(r + 16, p->model, 16);
    put_padded(r + 32, p->firmware, 4);
    dw__emu_reply(c, r, 36, alloc);
}

static void cmd_test_unit_ready(struct dw_emu *e, struct dw__emu_cmd *c)
{
    (void)e;
    dw__emu_done(c, 0);
}

static void cmd_request_sense(struct dw_emu *e, struct dw__emu_cmd *c)
{
    uint8_t r[18];
    size_t alloc = c->cdb[4];

    if (c->cdb[1] & 0x01) { /* DESC: descriptor format is not supported */
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    if (e->ua_pending) {
        memset(r, 0, sizeof(r));
        r[0] = 0x70;
        r[2] = EMU_KEY_UNIT_ATTENTION;
        r[7] = 10;
        r[12] = e->ua_asc;
        r[13] = e->ua_ascq;
        e->ua_pending = false;
    } else if (e->sense_pending) {
        memcpy(r, e->sense, sizeof(r));
    } else {
        memset(r, 0, sizeof(r));
        r[0] = 0x70;
        r[7] = 10;
        if (!e->present) { /* the current state: no medium */
            r[2] = EMU_KEY_NOT_READY;
            r[12] = 0x3A;
        }
    }
    e->sense_pending = false;
    dw__emu_reply(c, r, sizeof(r), alloc);
}

static void cmd_prevent_allow(struct dw_emu *e, struct dw__emu_cmd *c)
{
    e->locked = (c->cdb[4] & 0x01) != 0;
    dw__emu_done(c, 0);
}

static void cmd_start_stop(struct dw_emu *e, struct dw__emu_cmd *c)
{
    bool loej = (c->cdb[4] & 0x02) != 0, start = (c->cdb[4] & 0x01) != 0;

    if ((c->cdb[4] >> 4) != 0) { /* power conditions: accepted, nothing to do */
        dw__emu_done(c, 0);
        return;
    }
    if (!loej) {
        e->spinning = start;
        dw__emu_done(c, 0);
        return;
    }
    if (start) {
        load_locked(e);
        /* The command that closed the tray does not see the attention. */
        dw__emu_done(c, 0);
        return;
    }
    if (e->locked) { /* MEDIUM REMOVAL PREVENTED, MMC-6 START STOP UNIT */
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x53, 0x02);
        return;
    }
    eject_locked(e);
    dw__emu_done(c, 0);
}

/* ---- mode pages ---------------------------------------------------------------- */

/* Read speed in kB/s (1000 bytes) of an Nx drive for the medium family. */
static uint32_t speed_kbps(enum dw__emu_family family, unsigned x)
{
    switch (family) {
    case DW_EMU_DVD:
        return 1385u * x; /* DVD 1x = 1,385,000 B/s */
    case DW_EMU_BD:
        return (44955u * x) / 10u; /* BD 1x = 4,495,500 B/s */
    default:
        return (1764u * x) / 10u; /* CD 1x = 176,400 B/s */
    }
}

static enum dw__emu_family current_family(const struct dw_emu *e)
{
    return e->present && e->medium ? e->medium->family : DW_EMU_CD;
}

static unsigned max_read_x(const struct dw_emu *e)
{
    if (e->pers.speed_x)
        return e->pers.speed_x;
    switch (current_family(e)) {
    case DW_EMU_DVD:
        return 16;
    case DW_EMU_BD:
        return 12;
    default:
        return 48;
    }
}

/* Write speeds the drive offers for the family (page 2Ah descriptors and
 * GET PERFORMANCE type 03h), fastest first. */
static int write_speeds(const struct dw_emu *e, uint32_t out[2])
{
    switch (current_family(e)) {
    case DW_EMU_DVD:
        out[0] = speed_kbps(DW_EMU_DVD, 16);
        out[1] = speed_kbps(DW_EMU_DVD, 8);
        break;
    case DW_EMU_BD:
        out[0] = speed_kbps(DW_EMU_BD, 12);
        out[1] = speed_kbps(DW_EMU_BD, 6);
        break;
    default:
        out[0] = speed_kbps(DW_EMU_CD, 48);
        out[1] = speed_kbps(DW_EMU_CD, 24);
        break;
    }
    return 2;
}

/* Build one mode page for page control pc (0 current, 1 changeable, 2
 * default) into out; returns its length, 0 for an unknown page. */
static size_t mode_page(const struct dw_emu *e, unsigned page, unsigned pc, uint8_t *out)
{
    const struct dw__emu_personality *p = &e->pers;
    uint32_t ws[2];
    int nws;
    size_t len;

    switch (page) {
    case 0x01: /* read/write error recovery, MMC-6 */
        len = 12;
        if (pc == 1) {
            memset(out, 0, len);
            out[2] = 0xFF;
            out[3] = 0xFF;
            out[8] = 0xFF;
        } else {
            memcpy(out, e->page01, len);
            if (pc == 2) {
                out[2] = 0;
                out[3] = 16;
                out[8] = 16;
            }
        }
        out[0] = 0x01;
        out[1] = 0x0A;
        return len;
    case 0x05: /* write parameters, MMC-6 */
        len = 0x32 + 2;
        if (pc == 1) {
            memset(out, 0, len);
            memset(out + 2, 0xFF, len - 2);
        } else {
            memcpy(out, e->page05, len);
        }
        out[0] = 0x05;
        out[1] = 0x32;
        return len;
    case 0x2A: /* MM capabilities and mechanical status, MMC-3 6.3.11 */
        nws = write_speeds(e, ws);
        len = 32 + 4 * (size_t)nws;
        memset(out, 0, len);
        out[0] = 0x2A;
        out[1] = (uint8_t)(len - 2);
        if (pc == 1)
            return len; /* nothing changeable */
        out[2] = 0x01 | 0x02 | 0x04 | 0x08 |
                 0x10; /* read CD-R, CD-RW, method 2, DVD-ROM, DVD-R */
        out[3] = 0x01 | 0x02 | 0x04 | 0x10; /* write CD-R, CD-RW, test write, DVD-R */
        out[4] =
            0x80 | 0x40 | 0x20 | 0x10; /* BUF, multi-session, Mode 2 Form 2, Form 1 */
        out[5] = 0x01 | 0x02 | 0x04 | 0x08 | 0x20 | 0x40; /* CD-DA cmds, accurate, R-W,
                                                             R-W corrected, ISRC, UPC */
        if (p->c2 != DW_EMU_C2_NONE)
            out[5] |= 0x10;                     /* C2 pointers */
        if (p->no_accurate)
            out[5] &= (uint8_t)~0x02;
        out[6] = (uint8_t)(0x20 | 0x08 | 0x01); /* tray, eject, lock */
        if (e->locked)
            out[6] |= 0x02; /* lock state */
        dw__emu_put16(out + 8, speed_kbps(current_family(e), max_read_x(e)));
        dw__emu_put16(out + 12, p->cache_sectors
                                    ? (uint32_t)((uint64_t)p->cache_sectors * 2352 / 1024)
                                    : 2048);
        dw__emu_put16(out + 14, e->read_speed_kbps
                                    ? e->read_speed_kbps
                                    : speed_kbps(current_family(e), max_read_x(e)));
        dw__emu_put16(out + 18, ws[0]);
        dw__emu_put16(out + 20, e->write_speed_kbps ? e->write_speed_kbps : ws[0]);
        dw__emu_put16(out + 28, e->write_speed_kbps ? e->write_speed_kbps : ws[0]);
        dw__emu_put16(out + 30, (uint32_t)nws);
        for (int i = 0; i < nws; i++)
            dw__emu_put16(out + 32 + 4 * i + 2, ws[i]); /* rotation control 0: CLV */
        return len;
    default:
        return 0;
    }
}

static void cmd_mode_sense10(struct dw_emu *e, struct dw__emu_cmd *c)
{
    uint8_t r[512];
    unsigned pc = c->cdb[2] >> 6, page = c->cdb[2] & 0x3F, subpage = c->cdb[3];
    size_t alloc = dw__emu_get16(c->cdb + 7), len = 8;

    if (pc == 3) { /* saved values */
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x39, 0x00);
        return;
    }
    if (subpage != 0 && !(page == 0x3F && subpage == 0xFF)) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    memset(r, 0, 8); /* header; no block descriptors (length 0, SPC-4 7.5.5) */
    if (page == 0x3F) {
        static const unsigned all[] = {0x01, 0x05, 0x2A};
        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
            len += mode_page(e, all[i], pc, r + len);
    } else {
        size_t n = mode_page(e, page, pc, r + len);
        if (!n) {
            dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
            return;
        }
        len += n;
    }
    dw__emu_put16(r, (uint32_t)(len - 2)); /* mode data length */
    dw__emu_reply(c, r, len, alloc);
}

static void cmd_mode_select10(struct dw_emu *e, struct dw__emu_cmd *c)
{
    size_t want = dw__emu_get16(c->cdb + 7), have = c->data_len, off;
    const uint8_t *d = c->data;

    if (c->cdb[1] & 0x01) { /* SP: saving pages is not supported */
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    if (want == 0) {
        dw__emu_done(c, 0);
        return;
    }
    if (c->dir != DW_EMU_WRITE || !d || have < want || want < 8) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x1A,
                     0x00); /* parameter list length */
        return;
    }
    off = 8 + dw__emu_get16(d + 6); /* skip header and block descriptors */
    while (off + 2 <= want) {
        unsigned page = d[off] & 0x3F;
        size_t plen = (size_t)d[off + 1] + 2;
        if (off + plen > want)
            break;
        if (page == 0x05) {
            size_t n = plen < 0x34 ? plen : 0x34;
            if (!dw__emu_page05_ok(e, d + off, plen)) { /* a write mode it lacks */
                dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x26, 0x00);
                return;
            }
            memcpy(e->page05, d + off, n);
            e->page05[0] = 0x05;
            e->page05[1] = 0x32;
        } else if (page == 0x01) {
            size_t n = plen < 12 ? plen : 12;
            memcpy(e->page01, d + off, n);
            e->page01[0] = 0x01;
            e->page01[1] = 0x0A;
        } else if (page != 0x2A) { /* 2Ah is read-only but tolerated */
            dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x26, 0x00);
            return;
        }
        off += plen;
    }
    dw__emu_done(c, want); /* the parameter list went to the drive */
}

/* ---- GET CONFIGURATION ---------------------------------------------------------- */

/* The profiles the drive knows (MMC-6 profile list), listed descending as
 * drives do. */
static const uint16_t drive_profiles[] = {0x43, 0x41, 0x40, 0x2B, 0x1B, 0x1A, 0x15,
                                          0x14, 0x13, 0x11, 0x10, 0x0A, 0x09, 0x08};

/* Append one feature descriptor (MMC-6 feature descriptor header: code,
 * version, persistent, current, additional length). */
static size_t feature(uint8_t *out, uint16_t code, unsigned version, bool persistent,
                      bool current, const uint8_t *data, size_t data_bytes)
{
    dw__emu_put16(out, code);
    out[2] =
        (uint8_t)((version & 0x0F) << 2 | (persistent ? 0x02 : 0) | (current ? 0x01 : 0));
    out[3] = (uint8_t)data_bytes;
    if (data_bytes)
        memcpy(out + 4, data, data_bytes);
    return 4 + data_bytes;
}

/* GET CONFIGURATION (MMC-6).
 * long function: one block per feature descriptor, in feature-number
 * order as the reply carries them, each with the current bit of its
 * medium. */
static void cmd_get_configuration(struct dw_emu *e, struct dw__emu_cmd *c)
{
    const struct dw__emu_personality *p = &e->pers;
    unsigned rt = c->cdb[1] & 0x03;
    uint16_t start = (uint16_t)dw__emu_get16(c->cdb + 2);
    size_t alloc = dw__emu_get16(c->cdb + 7);
    bool have = e->present && e->medium;
    int profile = have ? e->medium->profile : 0;
    enum dw__emu_family fam = have ? e->medium->family : DW_EMU_CD;
    uint8_t r[1024], d[64], f[128];
    size_t len = 8, n;

    if (rt == 3) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    memset(r, 0, sizeof(r));
    dw__emu_put16(r + 6, (uint32_t)profile);

    /* Each candidate feature in ascending code order; filtered below. */
    for (int step = 0; step < 23; step++) {
        uint16_t code = 0;
        bool current = true;
        memset(d, 0, sizeof(d));
        switch (step) {
        case 0: /* 0000h Profile List */
            code = 0x0000;
            n = 0;
            for (size_t i = 0; i < sizeof(drive_profiles) / sizeof(drive_profiles[0]);
                 i++) {
                dw__emu_put16(d + n, drive_profiles[i]);
                d[n + 2] = drive_profiles[i] == profile ? 0x01 : 0x00; /* CurrentP */
                n += 4;
            }
            n = feature(f, code, 0, true, true, d, n);
            break;
        case 1: /* 0001h Core: physical interface 7 Serial ATAPI, 8 USB; DBE, INQ2 */
            code = 0x0001;
            dw__emu_put32(d, p->host_usb ? 8 : 7);
            d[4] = 0x03;
            n = feature(f, code, 2, true, true, d, 8);
            break;
        case 2: /* 0002h Morphing: OCEvent, no Async */
            code = 0x0002;
            d[0] = 0x02;
            n = feature(f, code, 1, true, true, d, 4);
            break;
        case 3: /* 0003h Removable Medium: tray (001b), Load, Eject, Lock */
            code = 0x0003;
            d[0] = 0x20 | 0x10 | 0x08 | 0x01;
            n = feature(f, code, 2, true, true, d, 4);
            break;
        case 4: /* 0010h Random Readable: 2048-byte blocks, blocking 1/16/32 */
            code = 0x0010;
            current = have;
            dw__emu_put32(d, 2048);
            dw__emu_put16(d + 4, fam == DW_EMU_BD ? 32 : fam == DW_EMU_DVD ? 16 : 1);
            n = feature(f, code, 0, false, current, d, 8);
            break;
        case 5: /* 001Dh Multi-Read */
            code = 0x001D;
            current = have && fam == DW_EMU_CD;
            n = feature(f, code, 0, false, current, d, 0);
            break;
        case 6: /* 001Eh CD Read: DAP, C2 flags, CD-Text */
            code = 0x001E;
            current = have && fam == DW_EMU_CD;
            d[0] = 0x80 | (p->c2 != DW_EMU_C2_NONE ? 0x02 : 0) | (p->cdtext ? 0x01 : 0);
            n = feature(f, code, 2, false, current, d, 4);
            break;
        case 7: /* 001Fh DVD Read: MULTI110, DL */
            code = 0x001F;
            current = have && fam == DW_EMU_DVD;
            d[0] = 0x01;
            d[2] = 0x01;
            n = feature(f, code, 2, false, current, d, 4);
            break;
        case 8: /* 0020h Random Writable: formatted BD-RE */
            code = 0x0020;
            current = have && profile == 0x43 && e->medium->w && e->medium->w->formatted;
            dw__emu_put32(d,
                          (uint32_t)(have ? dw__emu_medium_sectors(e->medium) - 1 : 0));
            dw__emu_put32(d + 4, 2048);
            dw__emu_put16(d + 8, 32);
            n = feature(f, code, 0, false, current, d, 12);
            break;
        case 9: /* 0021h Incremental Streaming Writable: data block types, BUF,
                   link sizes (CD 7, DVD 16) */
            code = 0x0021;
            current = have && (profile == 0x09 || profile == 0x0A || profile == 0x11 ||
                               profile == 0x14 || profile == 0x15);
            dw__emu_put16(d, fam == DW_EMU_CD ? 0x0101 : 0x0100); /* types 0, 8 */
            d[2] = 0x01;                                          /* BUF */
            d[3] = 1;                                             /* one link size */
            d[4] = fam == DW_EMU_CD ? 7 : 16;
            n = feature(f, code, 1, false, current, d, 8);
            break;
        case 10: /* 0023h Formattable (BD: no certification flags) */
            code = 0x0023;
            current = have && (profile == 0x1A || profile == 0x41 || profile == 0x43);
            n = feature(f, code, 0, false, current, d, 8);
            break;
        case 11: /* 0024h Hardware Defect Management: BD-RE */
            code = 0x0024;
            current = have && profile == 0x43;
            n = feature(f, code, 1, false, current, d, 4);
            break;
        case 12: /* 0026h Restricted Overwrite (DVD-RW 13h, not modelled) */
            code = 0x0026;
            current = false;
            n = feature(f, code, 0, false, current, d, 0);
            break;
        case 13: /* 002Ah DVD+RW: Write */
            code = 0x002A;
            current = have && profile == 0x1A;
            d[0] = 0x01;
            n = feature(f, code, 1, false, current, d, 4);
            break;
        case 14: /* 002Bh DVD+R: Write */
            code = 0x002B;
            current = have && (profile == 0x1B || profile == 0x2B); /* DL: 003Bh too */
            d[0] = 0x01;
            n = feature(f, code, 0, false, current, d, 4);
            break;
        case 15: /* 002Dh CD Track at Once: BUF, Test Write, CD-RW; data block
                    types 0 (raw audio) and 8 (Mode 1) */
            code = 0x002D;
            current = have && (profile == 0x09 || profile == 0x0A);
            d[0] = 0x40 | 0x04 | 0x02;
            dw__emu_put16(d + 2, 0x0101);
            n = feature(f, code, 2, false, current, d, 4);
            break;
        case 16: /* 002Eh CD Mastering: BUF, SAO, Raw (unless rawwrite=no),
                    Test Write, CD-RW; maximum cue sheet length 64 KiB */
            code = 0x002E;
            current = have && (profile == 0x09 || profile == 0x0A);
            d[0] = 0x40 | 0x20 | 0x04 | 0x02 | (e->pers.no_raw_write ? 0 : 0x08);
            dw__emu_put24(d + 1, 0x010000);
            n = feature(f, code, 1, false, current, d, 4);
            break;
        case 17: /* 002Fh DVD-R/-RW Write: BUF, Test Write, DVD-RW */
            code = 0x002F;
            current = have && (profile == 0x11 || profile == 0x14 || profile == 0x15);
            d[0] = 0x40 | 0x04 | 0x02;
            n = feature(f, code, 1, false, current, d, 4);
            break;
        case 19: /* 0041h BD Write: class 0 write bitmaps for BD-RE and BD-R */
            code = 0x0041;
            current = have && (profile == 0x41 || profile == 0x43);
            dw__emu_put16(d + 4, 0x000E);
            dw__emu_put16(d + 12, 0x000E);
            n = feature(f, code, 1, false, current, d, 20);
            break;
        case 18: /* 0040h BD Read: class 0 read bitmaps for BD-RE, BD-R, BD-ROM */
            code = 0x0040;
            current = have && fam == DW_EMU_BD;
            dw__emu_put16(d + 4, 0x000E);
            dw__emu_put16(d + 12, 0x000E);
            dw__emu_put16(d + 20, 0x000E);
            n = feature(f, code, 1, false, current, d, 28);
            break;
        case 20: /* 0100h Power Management */
            code = 0x0100;
            n = feature(f, code, 0, true, true, d, 0);
            break;
        case 21: /* 0107h Real Time Streaming: SCS, MP2A, WSPD */
            code = 0x0107;
            current = have;
            d[0] = 0x08 | 0x04 | 0x02;
            n = feature(f, code, 4, false, current, d, 4);
            break;
        default: { /* 0108h Drive Serial Number, padded to 4 bytes */
            size_t sl = strlen(p->serial);
            code = 0x0108;
            sl = (sl + 3) / 4 * 4;
            memset(d, ' ', sl);
            memcpy(d, p->serial, strlen(p->serial));
            n = feature(f, code, 0, true, true, d, sl);
            break;
        }
        }
        if (code < start)
            continue;
        if (rt == 1 && !current)
            continue;
        if (rt == 2 && code != start)
            continue;
        if (len + n <= sizeof(r)) {
            memcpy(r + len, f, n);
            len += n;
        }
    }
    dw__emu_put32(r, (uint32_t)(len - 4)); /* data length */
    dw__emu_reply(c, r, len, alloc);
}

/* ---- events, mechanism status ----------------------------------------------------- */

static void cmd_get_event_status(struct dw_emu *e, struct dw__emu_cmd *c)
{
    uint8_t r[8];
    size_t alloc = dw__emu_get16(c->cdb + 7);

    if (!(c->cdb[1] & 0x01)) { /* asynchronous operation is not supported */
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    memset(r, 0, sizeof(r));
    r[3] = 0x10; /* supported classes: media */
    if (c->cdb[4] & 0x10) {
        dw__emu_put16(r, 6);
        r[2] = 0x04; /* media class */
        r[4] = (uint8_t)e->event;
        r[5] = (uint8_t)((e->present ? 0x02 : 0) | (e->tray_open ? 0x01 : 0));
        e->event = EMU_EVENT_NONE;
        dw__emu_reply(c, r, 8, alloc);
    } else {
        dw__emu_put16(r, 2);
        r[2] = 0x80; /* NEA: no event of the requested classes */
        dw__emu_reply(c, r, 4, alloc);
    }
}

static void cmd_mechanism_status(struct dw_emu *e, struct dw__emu_cmd *c)
{
    uint8_t r[8];
    size_t alloc = dw__emu_get16(c->cdb + 8);

    memset(r, 0, sizeof(r));
    r[1] = e->tray_open ? 0x10 : 0x00; /* mechanism idle; door open after an eject */
    dw__emu_put24(r + 2, e->head_lba > 0 ? (uint32_t)e->head_lba : 0);
    dw__emu_reply(c, r, sizeof(r), alloc);
}

/* ---- speed and performance ------------------------------------------------------------
 */

static void cmd_set_cd_speed(struct dw_emu *e, struct dw__emu_cmd *c)
{
    uint32_t max = speed_kbps(current_family(e), max_read_x(e));
    uint32_t r = dw__emu_get16(c->cdb + 2), w = dw__emu_get16(c->cdb + 4);
    e->read_speed_kbps = (uint16_t)(r == 0 || r > max ? max : r);
    e->write_speed_kbps = (uint16_t)(w == 0xFFFF ? 0 : w);
    dw__emu_done(c, 0);
}

static void cmd_set_streaming(struct dw_emu *e, struct dw__emu_cmd *c)
{
    size_t want = dw__emu_get16(c->cdb + 9);
    const uint8_t *d = c->data;

    if (c->cdb[8] != 0) { /* only the performance descriptor */
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    if (want < 28 || c->dir != DW_EMU_WRITE || !d || c->data_len < 28) {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x1A, 0x00);
        return;
    }
    uint32_t rsize = dw__emu_get32(d + 12), rtime = dw__emu_get32(d + 16);
    uint32_t wsize = dw__emu_get32(d + 20), wtime = dw__emu_get32(d + 24);
    uint32_t max = speed_kbps(current_family(e), max_read_x(e));
    if (rtime) {
        uint64_t kbps = (uint64_t)rsize * 1000 / rtime;
        e->read_speed_kbps = (uint16_t)(kbps == 0 || kbps > max ? max : kbps);
    }
    if (wtime) {
        uint64_t kbps = (uint64_t)wsize * 1000 / wtime;
        e->write_speed_kbps = (uint16_t)(kbps > 0xFFFF ? 0xFFFF : kbps);
    }
    dw__emu_done(c, 0);
}

static void cmd_get_performance(struct dw_emu *e, struct dw__emu_cmd *c)
{
    uint8_t r[8 + 16 * 2];
    unsigned type = c->cdb[10];
    size_t max_desc = dw__emu_get16(c->cdb + 8), len = 8;
    uint32_t ws[2];
    int nws;

    memset(r, 0, sizeof(r));
    if (!e->present || !e->medium) {
        dw__emu_fail(e, c, EMU_KEY_NOT_READY, 0x3A, 0x00);
        return;
    }
    if (type == 0x00) { /* performance, nominal */
        bool write = (c->cdb[1] & 0x04) != 0;
        unsigned except = c->cdb[1] & 0x03;
        r[4] = write ? 0x02 : 0x00;
        if (except == 0 && max_desc > 0) {
            uint32_t kbps = speed_kbps(e->medium->family, max_read_x(e));
            int32_t sectors = dw__emu_medium_sectors(e->medium);
            uint32_t last = (uint32_t)(sectors > 0 ? sectors - 1 : 0);
            dw__emu_put32(r + 8, 0);
            dw__emu_put32(r + 12, kbps);
            dw__emu_put32(r + 16, last);
            dw__emu_put32(r + 20, kbps);
            len += 16;
        }
    } else if (type == 0x03) { /* write speed descriptors */
        nws = write_speeds(e, ws);
        for (int i = 0; i < nws && (size_t)i < max_desc; i++) {
            uint8_t *w = r + 8 + 16 * i;
            dw__emu_put32(w + 4, (uint32_t)dw__emu_medium_sectors(e->medium));
            dw__emu_put32(w + 8, speed_kbps(e->medium->family, max_read_x(e)));
            dw__emu_put32(w + 12, ws[i]);
            len += 16;
        }
    } else {
        dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        return;
    }
    dw__emu_put32(r, (uint32_t)(len - 4));
    dw__emu_reply(c, r, len, c->data_len);
}

static void cmd_invalid_opcode(struct dw_emu *e, struct dw__emu_cmd *c)
{
    dw__emu_fail(e, c, EMU_KEY_ILLEGAL_REQUEST, 0x20, 0x00);
}

/* ---- dispatch -------------------------------------------------------------------------
 */

#define NEEDS_MEDIUM 0x01 /* 2/3A/00 on an empty drive */
#define NO_UA 0x02        /* runs with a unit attention pending, leaving it */

struct command {
    uint8_t opcode;
    unsigned flags;
    void (*run)(struct dw_emu *e, struct dw__emu_cmd *c);
    int is_read; /* 1: counted by the fault plan and the timing model; 2: a write */
};

static const struct command commands[] = {
    {0x00, NEEDS_MEDIUM, cmd_test_unit_ready, 0},
    {0x03, NO_UA, cmd_request_sense, 0},
    {0x04, NEEDS_MEDIUM, dw__emu_format_unit, 0},
    {0x12, NO_UA, cmd_inquiry, 0},
    {0x15, 0, cmd_invalid_opcode, 0}, /* MODE SELECT(6): ATAPI drives refuse it */
    {0x1A, 0, cmd_invalid_opcode, 0}, /* MODE SENSE(6) */
    {0x1B, 0, cmd_start_stop, 0},
    {0x1E, 0, cmd_prevent_allow, 0},
    {0x23, 0, dw__emu_read_format_capacities, 0},
    {0x25, NEEDS_MEDIUM, dw__emu_read_capacity, 0},
    {0x28, NEEDS_MEDIUM, dw__emu_read10, 1},
    {0x2A, NEEDS_MEDIUM, dw__emu_write10, 2},
    {0x35, NEEDS_MEDIUM, dw__emu_sync_cache, 0},
    {0x42, NEEDS_MEDIUM, dw__emu_read_subchannel, 0},
    {0x43, NEEDS_MEDIUM, dw__emu_read_toc, 0},
    {0x46, NO_UA, cmd_get_configuration, 0},
    {0x4A, NO_UA, cmd_get_event_status, 0},
    {0x51, NEEDS_MEDIUM, dw__emu_read_disc_info, 0},
    {0x52, NEEDS_MEDIUM, dw__emu_read_track_info, 0},
    {0x53, NEEDS_MEDIUM, dw__emu_reserve_track, 0},
    {0x54, NEEDS_MEDIUM, dw__emu_send_opc, 0},
    {0x55, 0, cmd_mode_select10, 0},
    {0x5A, 0, cmd_mode_sense10, 0},
    {0x5B, NEEDS_MEDIUM, dw__emu_close_track_session, 0},
    {0x5C, 0, dw__emu_read_buffer_capacity, 0},
    {0x5D, NEEDS_MEDIUM, dw__emu_send_cue_sheet, 0},
    {0xA1, NEEDS_MEDIUM, dw__emu_blank, 0},
    {0xA8, NEEDS_MEDIUM, dw__emu_read10, 1},
    {0xAA, NEEDS_MEDIUM, dw__emu_write10, 2},
    {0xAC, 0, cmd_get_performance, 0},
    {0xAD, NEEDS_MEDIUM, dw__emu_read_disc_structure, 0},
    {0xB6, 0, cmd_set_streaming, 0},
    {0xB9, NEEDS_MEDIUM, dw__emu_read_cd, 1},
    {0xBB, 0, cmd_set_cd_speed, 0},
    {0xBD, 0, cmd_mechanism_status, 0},
    {0xBE, NEEDS_MEDIUM, dw__emu_read_cd, 1},
};

/* CDB length of an opcode's group (SPC-4 4.2.5.1). */
static size_t cdb_length(uint8_t opcode)
{
    switch (opcode >> 5) {
    case 0:
        return 6;
    case 1:
    case 2:
        return 10;
    case 4:
        return 16;
    case 5:
        return 12;
    default:
        return 6;
    }
}

void dw_emu_exec(struct dw_emu *e, const uint8_t *cdb, size_t cdb_len, uint8_t *data,
                 size_t data_len, enum dw_emu_dir dir, struct dw_emu_result *res)
{
    struct dw__emu_cmd c;
    const struct command *cmd = NULL;

    memset(res, 0, sizeof(*res));
    memset(&c, 0, sizeof(c));
    c.data = data;
    c.data_len = data ? data_len : 0;
    c.dir = dir;
    c.res = res;
    res->residual_bytes = c.data_len;

    pthread_mutex_lock(&e->lock);
    if (!cdb || cdb_len == 0) {
        dw__emu_fail(e, &c, EMU_KEY_ILLEGAL_REQUEST, 0x20, 0x00);
        goto out;
    }
    c.cdb_len = cdb_len < sizeof(c.cdb) ? cdb_len : sizeof(c.cdb);
    memcpy(c.cdb, cdb, c.cdb_len);
    e->commands++;

    /* A hung command: no status, no data, no sense, nothing done. */
    if (dw__emu_fault_hang_now(&e->faults, cdb[0])) {
        res->status = -1;
        res->hung = true;
        goto out;
    }

    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (commands[i].opcode == cdb[0])
            cmd = &commands[i];

    /* A unit attention planned by the fault plan. */
    if (e->faults.ua_after >= 0 && e->commands > (unsigned long)e->faults.ua_after) {
        e->faults.ua_after = -1;
        e->ua_pending = true;
        e->ua_asc = 0x29;
        e->ua_ascq = 0x00;
    }
    if (e->ua_pending && !(cmd && (cmd->flags & NO_UA))) {
        e->ua_pending = false;
        dw__emu_fail(e, &c, EMU_KEY_UNIT_ATTENTION, e->ua_asc, e->ua_ascq);
        goto out;
    }
    if (!cmd) {
        cmd_invalid_opcode(e, &c);
        goto out;
    }
    if (cdb_len < cdb_length(cdb[0])) {
        dw__emu_fail(e, &c, EMU_KEY_ILLEGAL_REQUEST, 0x24, 0x00);
        goto out;
    }
    if (cmd->is_read == 1) {
        e->reads++;
        if (e->faults.medium_gone_after >= 0 && e->present &&
            e->reads > (unsigned long)e->faults.medium_gone_after) {
            e->faults.medium_gone_after = -1;
            e->present = false;
            e->locked = false;
            e->event = EMU_EVENT_MEDIA_REMOVAL;
        }
    } else if (cmd->is_read == 2) {
        e->writes++;
        if (e->faults.gone_during_write >= 0 && e->present &&
            e->writes > (unsigned long)e->faults.gone_during_write) {
            e->faults.gone_during_write = -1;
            e->present = false;
            e->locked = false;
            e->event = EMU_EVENT_MEDIA_REMOVAL;
        }
    }
    if ((cmd->flags & NEEDS_MEDIUM) && !(e->present && e->medium)) {
        dw__emu_fail(e, &c, EMU_KEY_NOT_READY, 0x3A, 0x00);
        goto out;
    }
    if (cmd->opcode != 0x03 && cmd->opcode != 0x12)
        e->sense_pending = false; /* the sense of an earlier command is gone */
    cmd->run(e, &c);
out:
    pthread_mutex_unlock(&e->lock);
}
