/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A rip's output set (NAME.bin, .cue, .log, .json and the extras in the
 * output directory): the checks before anything is written (a usable name,
 * no output that is an input, no finished rip replaced without
 * DW_RIP_OVERWRITE, one rip at a time per set through NAME.lock) and the
 * removal of an earlier set's members that a new rip does not write. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "discwright/report.h"
#include "errors_int.h"
#include "rip/rip_int.h"
#include "rip/rip_report.h"

/* Suffixes of the finished members of a set (NAME + suffix). */
static const char *const member_suffixes[] = {".bin", ".iso", ".cue", ".log", ".json", ".cdt",
                                              ".img", ".sub", ".ccd", ".toc", "-htoa.wav",
                                              ".map"};

/* Whether file f (a directory entry name) is a member of set `name`: one of
 * the fixed suffixes, NAME-sessionN.toc or NAME-NN.iso. */
static bool is_member(const char *name, const char *f)
{
    size_t n = strlen(name);
    if (strncmp(f, name, n) != 0)
        return false;
    const char *rest = f + n;
    for (size_t i = 0; i < sizeof(member_suffixes) / sizeof(member_suffixes[0]); i++)
        if (!strcmp(rest, member_suffixes[i]))
            return true;
    int k = 0;
    if (sscanf(rest, "-session%d.toc%n", &(int){0}, &k) == 1 && rest[k] == '\0')
        return true;
    return strlen(rest) == 7 && rest[0] == '-' && rest[1] >= '0' && rest[1] <= '9' &&
           rest[2] >= '0' && rest[2] <= '9' && !strcmp(rest + 3, ".iso");
}

int dw__rip_name_check(const char *name, struct dw_error_detail *err)
{
    if (!name[0] || !strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/') ||
        !dw_text_is_clean(name) || strlen(name) > 200) {
        char safe[256];
        dw_text_escape(name, safe, sizeof(safe));
        return dw__set_error(err, DW_EINVAL,
                             "--name '%s' is not a file name: give one path component of "
                             "printable characters (no '/', not '.' or '..', at most 200 bytes)",
                             safe);
    }
    return 0;
}

/* The finished members of the set that exist, ", "-separated, into out
 * ("" when none); the count. */
static int existing_members(const struct dw__rip *r, char *out, size_t out_bytes)
{
    DIR *dir = opendir(r->opts->output_dir);
    int n = 0;
    size_t used = 0;
    out[0] = '\0';
    if (!dir)
        return 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t nl = strlen(r->name);
        /* A map alone belongs to an interrupted rip: not a finished output. */
        if (!is_member(r->name, e->d_name) || !strcmp(e->d_name + nl, ".map"))
            continue;
        int w = snprintf(out + used, out_bytes - used, "%s%s", n ? ", " : "", e->d_name);
        if (w > 0 && (size_t)w < out_bytes - used)
            used += (size_t)w;
        n++;
    }
    closedir(dir);
    return n;
}

/* An output that would be an input: the same file (device and inode) as
 * one the source drive reads.  Returns DW_EEXIST naming it, or 0. */
static int inputs_check(struct dw__rip *r)
{
    DIR *dir = opendir(r->opts->output_dir);
    int rc = 0;
    if (!dir)
        return 0;
    for (struct dirent *e; !rc && (e = readdir(dir));) {
        if (!is_member(r->name, e->d_name))
            continue;
        char path[4200];
        struct stat out_st, in_st;
        snprintf(path, sizeof(path), "%s/%s", r->opts->output_dir, e->d_name);
        if (stat(path, &out_st) != 0)
            continue;
        const char *in;
        for (int i = 0; !rc && (in = dw_drive_file(r->drive, i)); i++)
            if (stat(in, &in_st) == 0 && in_st.st_dev == out_st.st_dev &&
                in_st.st_ino == out_st.st_ino)
                rc = dw__set_error(r->err, DW_EEXIST,
                                   "the rip would write '%s', which is its own input '%s': "
                                   "choose another output directory (-o) or --name",
                                   path, in);
    }
    closedir(dir);
    return rc;
}

/* Take NAME.lock: one rip at a time per set.  flock, so a rip that dies
 * leaves no stale lock; the file says who holds it. */
static int lock_take(struct dw__rip *r)
{
    char path[4200], holder[512] = "";
    snprintf(path, sizeof(path), "%s/%s.lock", r->opts->output_dir, r->name);
    for (int attempt = 0; attempt < 3; attempt++) {
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return dw__set_error_errno(r->err, errno, "cannot create the lock '%s'", path);
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            ssize_t got = e == EWOULDBLOCK ? pread(fd, holder, sizeof(holder) - 1, 0) : -1;
            close(fd);
            if (e != EWOULDBLOCK)
                return dw__set_error_errno(r->err, e, "cannot lock '%s'", path);
            holder[got > 0 ? got : 0] = '\0';
            for (char *p = holder; *p; p++)
                if (*p == '\n')
                    *p = *(p + 1) ? ';' : '\0';
            char safe[600];
            dw_text_escape(holder, safe, sizeof(safe));
            return dw__set_error(r->err, DW_EBUSY,
                                 "another rip is writing '%s/%s' now (%s): wait for it to end, "
                                 "or rip into another directory or with another --name",
                                 r->opts->output_dir, r->name, safe[0] ? safe : "lock held");
        }
        /* The holder before us may have removed the file after we opened
         * it: our lock must be on the file the name points to. */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            char text[4700];
            int n = snprintf(text, sizeof(text), "pid %ld, started %s, %s\n", (long)getpid(),
                             r->rep->started,
                             r->opts->command_line ? r->opts->command_line : "discwright rip");
            if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)n, 0) != n)
                (void)0; /* the lock holds without its text */
            r->lock_fd = fd;
            snprintf(r->lock_path, sizeof(r->lock_path), "%s", path);
            return 0;
        }
        close(fd);
    }
    return dw__set_error(r->err, DW_EBUSY, "cannot take the lock '%s': it keeps changing", path);
}

int dw__rip_outset_check(struct dw__rip *r)
{
    char found[1024];
    int rc = inputs_check(r);
    if (rc || (rc = lock_take(r)))
        return rc;
    unsigned flags = r->opts->flags;
    if (existing_members(r, found, sizeof(found)) && !(flags & (DW_RIP_OVERWRITE | DW_RIP_RESUME)))
        return dw__set_error(r->err, DW_EEXIST,
                             "'%s' already holds a rip named '%s' (%s): add --overwrite to "
                             "replace it, --resume to go on with it, or choose another --name "
                             "or -o",
                             r->opts->output_dir, r->name, found);
    return 0;
}

void dw__rip_outset_unlock(struct dw__rip *r)
{
    if (r->lock_fd < 0)
        return;
    unlink(r->lock_path); /* while still holding it: a waiter re-checks the name */
    close(r->lock_fd);
    r->lock_fd = -1;
}

/* Whether path is an output this rip wrote. */
static bool written(const struct dw__rip *r, const char *path)
{
    for (int k = 0; k < DW__RR_OUT_KINDS; k++)
        if (r->rep->outputs[k] && !strcmp(r->rep->outputs[k], path))
            return true;
    for (int k = 0; k < r->rep->toc_session_count; k++)
        if (!strcmp(r->rep->toc_sessions[k], path))
            return true;
    for (int k = 0; k < r->rep->track_count; k++)
        if (r->rep->tracks[k].file && !strcmp(r->rep->tracks[k].file, path))
            return true;
    return false;
}

int dw__rip_outset_stale(struct dw__rip *r, bool remove)
{
    DIR *dir = opendir(r->opts->output_dir);
    int n = 0;
    if (!dir)
        return 0;
    for (struct dirent *e; (e = readdir(dir));) {
        char path[4200];
        if (!is_member(r->name, e->d_name))
            continue;
        snprintf(path, sizeof(path), "%s/%s", r->opts->output_dir, e->d_name);
        if (written(r, path))
            continue;
        n++;
        if (!remove)
            dw__rip_log(r, DW_LOG_INFO, "'%s' is from the earlier rip of this name and is "
                                        "removed (--overwrite: the new set replaces it whole)",
                        e->d_name);
        else
            unlink(path);
    }
    closedir(dir);
    return n;
}
