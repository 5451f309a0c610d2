/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright test bench: the emulator's fault plan.
 *
 * A compact text form (README.md, "Fault plan"):
 *
 *   unreadable:1000-1010:3/11/05   reads fail with that sense (default 3/11/00)
 *   transient:2000-2003:2          each LBA fails twice, then reads
 *   c2:3000-3002                   bytes flipped and flagged in the C2 pointers
 *   c2-transient:3100-3104:2       the same on the first 2 READ CDs of each LBA, then clean
 *   flip:4000                      bytes flipped silently (a drive that lies)
 *   jitter:5000-5100:3             every other READ CD touching it shifted 3
 *                                  samples, all its audio sectors alike
 *   jitter:5000-5100:3:7           a pseudo-random half of them 1-3 samples early
 *                                  or late (seed 7)
 *   badq:500-520                   Q sub-channel with a wrong CRC
 *   medium-gone-after:5000         the medium vanishes after 5000 reads
 *   ua-after:100                   UNIT ATTENTION 6/29/00 after 100 commands
 *   write-error:1200:3/0C/00       WRITE(10)/(12) of LBA 1200 fails (default 3/0C/00)
 *   gone-during-write:40           the medium vanishes after 40 WRITE commands
 *   hang:BE                        READ CD (opcode BEh) is never answered
 *   hang:0x28:2                    the first 2 READ(10) commands are never answered
 *
 * Items are separated by commas or white space; LBAs may be negative (a
 * range "-150--1"), ".." may separate them too; sense bytes are hex.
 * "@PATH" reads the plan from a file, where '#' starts a comment.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu_int.h"

#define MAX_TRANSIENT_SECTORS (1 << 22)

static const struct {
    const char *name;
    enum dw__emu_fault_kind kind;
} kinds[] = {
    {"unreadable", DW_EMU_FAULT_UNREADABLE},
    {"transient", DW_EMU_FAULT_TRANSIENT},
    {"c2", DW_EMU_FAULT_C2},
    {"c2-transient", DW_EMU_FAULT_C2_TRANSIENT},
    {"flip", DW_EMU_FAULT_FLIP},
    {"jitter", DW_EMU_FAULT_JITTER},
    {"badq", DW_EMU_FAULT_BADQ},
    {"write-error", DW_EMU_FAULT_WRITE_ERROR},
};

static int parse_int(const char **s, long long *out)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(*s, &end, 10);
    if (errno || end == *s)
        return -1;
    *s = end;
    *out = v;
    return 0;
}

/* "A", "A-B" or "A..B" (A and B may be negative). */
static int parse_range(const char **s, int32_t *first, int32_t *last)
{
    long long a, b;
    if (parse_int(s, &a))
        return -1;
    b = a;
    if ((*s)[0] == '.' && (*s)[1] == '.') {
        *s += 2;
        if (parse_int(s, &b))
            return -1;
    } else if ((*s)[0] == '-') {
        *s += 1;
        if (parse_int(s, &b))
            return -1;
    }
    if (a < -450150 || b > INT32_MAX || b < a)
        return -1;
    *first = (int32_t)a;
    *last = (int32_t)b;
    return 0;
}

/* "K/ASC/ASCQ" in hex. */
static int parse_sense(const char **s, int *key, int *asc, int *ascq)
{
    unsigned long v[3];
    for (int i = 0; i < 3; i++) {
        char *end;
        errno = 0;
        v[i] = strtoul(*s, &end, 16);
        if (errno || end == *s || v[i] > 0xFF || (i == 0 && v[i] > 0x0F))
            return -1;
        *s = end;
        if (i < 2) {
            if (**s != '/')
                return -1;
            (*s)++;
        }
    }
    *key = (int)v[0];
    *asc = (int)v[1];
    *ascq = (int)v[2];
    return 0;
}

/* Append f to the plan. */
static int push_fault(struct dw__emu_faults *plan, const struct dw__emu_fault *f, char *msg,
                      size_t msg_bytes)
{
    struct dw__emu_fault *grown =
        realloc(plan->items, (size_t)(plan->count + 1) * sizeof(*grown));
    if (!grown) {
        snprintf(msg, msg_bytes, "out of memory");
        return -1;
    }
    plan->items = grown;
    plan->items[plan->count++] = *f;
    return 0;
}

/* "hang:OPCODE[:COUNT]": OPCODE in hex (BE, be, 0xBE), COUNT >= 1 commands
 * (default: every one).  s points after the first colon. */
static int add_hang(struct dw__emu_faults *plan, const char *item, const char *s, char *msg,
                    size_t msg_bytes)
{
    struct dw__emu_fault f;
    unsigned long op;
    long long n = -1;
    char *end;

    memset(&f, 0, sizeof(f));
    f.kind = DW_EMU_FAULT_HANG;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    if (!isxdigit((unsigned char)*s))
        goto bad;
    errno = 0;
    op = strtoul(s, &end, 16);
    if (errno || op > 0xFF || end - s > 2)
        goto bad;
    s = end;
    if (*s == ':') {
        s++;
        if (parse_int(&s, &n) || n < 1 || n > 1000000)
            goto bad;
    }
    if (*s)
        goto bad;
    f.opcode = (int)op;
    f.count = (int)n;
    return push_fault(plan, &f, msg, msg_bytes);
bad:
    snprintf(msg, msg_bytes, "fault plan: cannot read '%s' (hang:OPCODE[:COUNT], see "
                             "tests/emu/README.md)",
             item);
    return -1;
}

static int add_item(struct dw__emu_faults *plan, const char *item, char *msg,
                    size_t msg_bytes)
{
    const char *colon = strchr(item, ':'), *s;
    size_t name_len = colon ? (size_t)(colon - item) : strlen(item);
    struct dw__emu_fault f;
    long long n;

    if (!colon)
        goto bad;
    s = colon + 1;
    if (name_len == 17 && !strncmp(item, "medium-gone-after", 17)) {
        if (parse_int(&s, &n) || *s || n < 0)
            goto bad;
        plan->medium_gone_after = (long)n;
        return 0;
    }
    if (name_len == 8 && !strncmp(item, "ua-after", 8)) {
        if (parse_int(&s, &n) || *s || n < 0)
            goto bad;
        plan->ua_after = (long)n;
        return 0;
    }
    if (name_len == 4 && !strncmp(item, "hang", 4))
        return add_hang(plan, item, s, msg, msg_bytes);
    if (name_len == 17 && !strncmp(item, "gone-during-write", 17)) {
        if (parse_int(&s, &n) || *s || n < 0)
            goto bad;
        plan->gone_during_write = (long)n;
        return 0;
    }
    memset(&f, 0, sizeof(f));
    f.key = 0x3;
    f.asc = 0x11;
    f.ascq = 0x00;
    {
        bool known = false;
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
            if (strlen(kinds[i].name) == name_len &&
                !strncmp(item, kinds[i].name, name_len)) {
                f.kind = kinds[i].kind;
                known = true;
            }
        if (!known) {
            snprintf(msg, msg_bytes, "fault plan: unknown fault '%.*s' in '%s'",
                     (int)name_len, item, item);
            return -1;
        }
    }
    if (parse_range(&s, &f.first_lba, &f.last_lba))
        goto bad;
    if (f.kind == DW_EMU_FAULT_WRITE_ERROR) { /* MMC-6: WRITE ERROR */
        f.asc = 0x0C;
        f.ascq = 0x00;
    }
    if (f.kind == DW_EMU_FAULT_TRANSIENT || f.kind == DW_EMU_FAULT_C2_TRANSIENT ||
        f.kind == DW_EMU_FAULT_JITTER) {
        if (*s++ != ':' || parse_int(&s, &n) || n < 1 || n > 100000)
            goto bad;
        f.count = (int)n;
    }
    if (f.kind == DW_EMU_FAULT_JITTER && *s == ':') { /* a seed: jitter per read */
        s++;
        if (parse_int(&s, &n) || n < 0)
            goto bad;
        f.seeded = true;
        f.seed = (uint64_t)n;
    }
    if ((f.kind == DW_EMU_FAULT_UNREADABLE || f.kind == DW_EMU_FAULT_TRANSIENT ||
         f.kind == DW_EMU_FAULT_WRITE_ERROR) &&
        *s == ':') {
        s++;
        if (parse_sense(&s, &f.key, &f.asc, &f.ascq))
            goto bad;
    }
    if (*s)
        goto bad;
    if (f.kind == DW_EMU_FAULT_TRANSIENT || f.kind == DW_EMU_FAULT_C2_TRANSIENT) {
        int64_t sectors = (int64_t)f.last_lba - f.first_lba + 1;
        if (sectors > MAX_TRANSIENT_SECTORS) {
            snprintf(msg, msg_bytes, "fault plan: '%s' spans more than %d sectors", item,
                     MAX_TRANSIENT_SECTORS);
            return -1;
        }
        f.tries = calloc((size_t)sectors, sizeof(*f.tries));
        if (!f.tries)
            goto nomem;
    }
    if (push_fault(plan, &f, msg, msg_bytes)) {
        free(f.tries);
        return -1;
    }
    return 0;
bad:
    snprintf(msg, msg_bytes, "fault plan: cannot read '%s' (see tests/emu/README.md)",
             item);
    return -1;
nomem:
    snprintf(msg, msg_bytes, "out of memory");
    return -1;
}

static char *read_file(const char *path, char *msg, size_t msg_bytes)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0, cap = 0;
    int ch;
    bool comment = false;

    if (!f) {
        snprintf(msg, msg_bytes, "fault plan: cannot open '%s': %s", path,
                 strerror(errno));
        return NULL;
    }
    while ((ch = fgetc(f)) != EOF) {
        if (ch == '#')
            comment = true;
        if (ch == '\n')
            comment = false;
        if (comment)
            continue;
        if (len + 2 > cap) {
            char *grown = realloc(text, cap ? cap * 2 : 256);
            if (!grown) {
                free(text);
                fclose(f);
                snprintf(msg, msg_bytes, "out of memory");
                return NULL;
            }
            text = grown;
            cap = cap ? cap * 2 : 256;
        }
        text[len++] = (char)ch;
    }
    fclose(f);
    if (!text)
        text = calloc(1, 1);
    else
        text[len] = '\0';
    if (!text)
        snprintf(msg, msg_bytes, "out of memory");
    return text;
}

int dw__emu_faults_parse(const char *spec, struct dw__emu_faults *plan, char *msg,
                         size_t msg_bytes)
{
    char *text, *p;
    int rc = 0;

    memset(plan, 0, sizeof(*plan));
    plan->medium_gone_after = -1;
    plan->ua_after = -1;
    plan->gone_during_write = -1;
    text = spec[0] == '@' ? read_file(spec + 1, msg, msg_bytes) : strdup(spec);
    if (!text) {
        if (spec[0] != '@')
            snprintf(msg, msg_bytes, "out of memory");
        return -1;
    }
    p = text;
    while (*p && !rc) {
        char *end;
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        end = p;
        while (*end && *end != ',' && !isspace((unsigned char)*end))
            end++;
        if (*end)
            *end++ = '\0';
        rc = add_item(plan, p, msg, msg_bytes);
        p = end;
    }
    free(text);
    if (rc)
        dw__emu_faults_release(plan);
    return rc;
}

void dw__emu_faults_release(struct dw__emu_faults *plan)
{
    for (int i = 0; i < plan->count; i++)
        free(plan->items[i].tries);
    free(plan->items);
    memset(plan, 0, sizeof(*plan));
    plan->medium_gone_after = -1;
    plan->ua_after = -1;
    plan->gone_during_write = -1;
}

struct dw__emu_fault *dw__emu_fault_at(const struct dw__emu_faults *plan,
                                       enum dw__emu_fault_kind kind, int32_t lba)
{
    for (int i = 0; i < plan->count; i++) {
        struct dw__emu_fault *f = &plan->items[i];
        if (f->kind == kind && kind != DW_EMU_FAULT_HANG && lba >= f->first_lba &&
            lba <= f->last_lba)
            return f;
    }
    return NULL;
}

bool dw__emu_fault_hang_now(struct dw__emu_faults *plan, uint8_t opcode)
{
    for (int i = 0; i < plan->count; i++) {
        struct dw__emu_fault *f = &plan->items[i];
        if (f->kind != DW_EMU_FAULT_HANG || f->opcode != opcode || f->count == 0)
            continue;
        if (f->count > 0)
            f->count--;
        return true;
    }
    return false;
}

/* Whether a counted fault (TRANSIENT, C2_TRANSIENT) of `kind` covers lba
 * and still has reads left there; counts this one. */
static bool counted_fault_hits(struct dw__emu_faults *plan, enum dw__emu_fault_kind kind,
                               int32_t lba, struct dw__emu_fault **hit)
{
    struct dw__emu_fault *f = dw__emu_fault_at(plan, kind, lba);
    if (!f || f->tries[lba - f->first_lba] >= (uint32_t)f->count)
        return false;
    f->tries[lba - f->first_lba]++;
    *hit = f;
    return true;
}

bool dw__emu_fault_read_fails(struct dw__emu_faults *plan, int32_t lba, int *key,
                              int *asc, int *ascq)
{
    struct dw__emu_fault *f = dw__emu_fault_at(plan, DW_EMU_FAULT_UNREADABLE, lba);
    if (!f && !counted_fault_hits(plan, DW_EMU_FAULT_TRANSIENT, lba, &f))
        return false;
    *key = f->key;
    *asc = f->asc;
    *ascq = f->ascq;
    return true;
}

bool dw__emu_fault_c2_now(struct dw__emu_faults *plan, int32_t lba)
{
    struct dw__emu_fault *f;
    return dw__emu_fault_at(plan, DW_EMU_FAULT_C2, lba) ||
           counted_fault_hits(plan, DW_EMU_FAULT_C2_TRANSIENT, lba, &f);
}

/* splitmix64's finalizer: a well-mixed 64-bit hash of x. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

int32_t dw__emu_fault_jitter_now(const struct dw__emu_fault *j, unsigned long read_cd_count)
{
    if (!j->seeded)
        return read_cd_count % 2 == 0 ? j->count : 0;
    uint64_t h = mix64(j->seed ^ mix64((uint64_t)read_cd_count));
    if (!(h >> 63))
        return 0;
    /* As a drive without accurate stream: off by 1..S samples, early or
     * late, differently on each command, so two bad reads rarely agree. */
    int32_t samples = 1 + (int32_t)((h & 0xffffffffu) % (uint64_t)j->count);
    return (h >> 62) & 1 ? samples : -samples;
}

void dw__emu_fault_flip_offsets(int32_t lba, unsigned offsets[DW_EMU_FLIP_BYTES])
{
    unsigned base =
        (unsigned)(((int64_t)lba * 131 + 7) % DW_SECTOR_RAW_BYTES + DW_SECTOR_RAW_BYTES) %
        DW_SECTOR_RAW_BYTES;
    for (unsigned i = 0; i < DW_EMU_FLIP_BYTES; i++)
        offsets[i] = (base + i * 149) % DW_SECTOR_RAW_BYTES;
}
