/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Build mode: sources (folders, files, graft points) to an ISO 9660 tree
 * with libisofs, written to an image file (include/discwright/build.h).
 *
 * libisofs keeps process-wide state: its message queue (iso_init ...
 * iso_finish), the local character set and the "now" override.  They are
 * set up once, counted, under one mutex (dw__build_lib_get/put).  Its messages
 * never reach stderr: those of UPDATE and above are queued
 * (iso_set_msgs_severities) and handed to the log callback and to the error
 * detail. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "build/build_int.h"
#include "errors_int.h"
#include "report/outfile.h"

#define ALL_FLAGS                                                                        \
    (DW_BUILD_NO_ROCKRIDGE | DW_BUILD_NO_JOLIET | DW_BUILD_MD5 | DW_BUILD_ZISOFS |       \
     DW_BUILD_FIXED_TIME | DW_BUILD_OVERWRITE | DW_BUILD_NO_STREAM_MD5)

/* What dw_build_write_iso asks libisofs's source for at a time and hands
 * to fwrite: 128 blocks of 2048 bytes. */
#define WRITE_CHUNK_BYTES (256 * 1024)

static pthread_mutex_t lib_lock = PTHREAD_MUTEX_INITIALIZER;
static int lib_users;

/* iso_init once for all users; names on the host are UTF-8 (Linux file
 * names are bytes; libisofs would otherwise take the C locale's ASCII and
 * mangle every other name in Joliet). */
int dw__build_lib_get(struct dw_error_detail *err)
{
    int rc = 0;
    pthread_mutex_lock(&lib_lock);
    if (lib_users == 0) {
        int irc = iso_init();
        if (irc < 0) {
            rc = dw__set_error(err, DW_ELIB, "libisofs did not start: %s",
                               iso_error_to_msg(irc));
            goto out;
        }
        /* Queued from UPDATE up: what dw__build_drain_messages hands on.
         * DEBUG would queue a message per file added (kept until drained,
         * memory growing with the tree). */
        iso_set_msgs_severities("UPDATE", "NEVER", "libisofs : ");
        iso_set_local_charset("UTF-8", 0);
    }
    lib_users++;
out:
    pthread_mutex_unlock(&lib_lock);
    return rc;
}

void dw__build_lib_put(void)
{
    pthread_mutex_lock(&lib_lock);
    if (lib_users > 0 && --lib_users == 0)
        iso_finish();
    pthread_mutex_unlock(&lib_lock);
}

/* Hand libisofs's queued messages to the log callback; the most severe
 * one of FAILURE or worse is kept in b->lib_message for the error. */
void dw__build_drain_messages(struct dw_build *b, const struct dw_callbacks *cb)
{
    char text[4096], sev[80];
    int code, imgid;
    while (iso_obtain_msgs("ALL", &code, &imgid, text, sev) == 1) {
        enum dw_log_level level = DW_LOG_DEBUG;
        if (!strcmp(sev, "WARNING") || !strcmp(sev, "HINT") || !strcmp(sev, "MISHAP"))
            level = DW_LOG_WARN;
        else if (!strcmp(sev, "SORRY") || !strcmp(sev, "FAILURE") ||
                 !strcmp(sev, "FATAL") || !strcmp(sev, "ABORT"))
            level = DW_LOG_ERROR;
        else if (!strcmp(sev, "NOTE") || !strcmp(sev, "UPDATE"))
            level = DW_LOG_INFO;
        if (level == DW_LOG_ERROR && b)
            snprintf(b->lib_message, sizeof(b->lib_message), "%.1000s", text);
        if (cb && cb->log && level >= DW_LOG_INFO) {
            char line[4200];
            snprintf(line, sizeof(line), "libisofs: %s", text);
            cb->log(level, line, cb->user);
        }
    }
}

/* An error from libisofs: DW_ELIB with what we tried, the library's text
 * for the code and its last queued message. */
static int lib_error(struct dw_build *b, int isorc, struct dw_error_detail *err,
                     const char *fmt, const char *what)
{
    char doing[1024];
    snprintf(doing, sizeof(doing), fmt, what);
    dw__build_drain_messages(b, NULL);
    int code = isorc == (int)ISO_OUT_OF_MEM             ? DW_ENOMEM
               : isorc == (int)ISO_NODE_NAME_NOT_UNIQUE ? DW_EEXIST
               : isorc == (int)ISO_FILE_DOESNT_EXIST    ? DW_ENOENT
               : isorc == (int)ISO_FILE_ACCESS_DENIED   ? DW_EACCES
                                                        : DW_ELIB;
    return dw__set_error(err, code, "%s: %s%s%s", doing, iso_error_to_msg(isorc),
                         b && b->lib_message[0] ? "; " : "", b ? b->lib_message : "");
}

/* Split "TARGET=SOURCE" at the first '=' not escaped by '\' and undo the
 * escapes ("\=" is '=', "\\" is '\').  target gets "" when there is no
 * graft point.  Both buffers hold strlen(arg) + 1 bytes. */
static void split_graft(const char *arg, char *target, char *source)
{
    size_t t = 0;
    bool graft = false;
    for (const char *p = arg; *p; p++)
        if (*p == '\\' && (p[1] == '=' || p[1] == '\\'))
            p++;
        else if (*p == '=') {
            graft = true;
            break;
        }
    target[0] = '\0';
    char *dst = graft ? target : source;
    for (const char *p = arg; *p; p++) {
        if (*p == '\\' && (p[1] == '=' || p[1] == '\\')) {
            dst[t++] = *++p;
        } else if (*p == '=' && dst == target) {
            dst[t] = '\0';
            dst = source;
            t = 0;
        } else {
            dst[t++] = *p;
        }
    }
    dst[t] = '\0';
}

static void set_times(IsoNode *node, time_t t)
{
    iso_node_set_mtime(node, t);
    iso_node_set_atime(node, t);
    iso_node_set_ctime(node, t);
}

/* The directory at ISO path (components separated by '/'), made with its
 * parents as needed; *dir gets it.  A component that exists and is not a
 * directory is DW_EEXIST. */
static int iso_mkdir_p(struct dw_build *b, const char *path, IsoDir **dir,
                       struct dw_error_detail *err)
{
    IsoDir *cur = iso_image_get_root(b->image);
    char *copy = strdup(path), *save = NULL;
    int rc = 0;
    if (!copy)
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    for (char *name = strtok_r(copy, "/", &save); name;
         name = strtok_r(NULL, "/", &save)) {
        IsoNode *node = NULL;
        if (!strcmp(name, ".") || !strcmp(name, "..")) {
            rc = dw__set_error(err, DW_EINVAL,
                               "graft point target '%s' has a '%s' component: give a "
                               "plain absolute path such as /photos/2024",
                               path, name);
            goto out;
        }
        if (iso_dir_get_node(cur, name, &node) == 1) {
            if (!ISO_NODE_IS_DIR(node)) {
                rc = dw__set_error(
                    err, DW_EEXIST,
                    "graft point target '%s': '%s' is already a file in the "
                    "image: choose another target",
                    path, name);
                goto out;
            }
            cur = (IsoDir *)node;
            continue;
        }
        IsoDir *made;
        int irc = iso_tree_add_new_dir(cur, name, &made);
        if (irc < 0) {
            rc = lib_error(b, irc, err, "cannot make directory '%s' in the image", path);
            goto out;
        }
        if (b->opts.flags & DW_BUILD_FIXED_TIME)
            set_times((IsoNode *)made, (time_t)b->opts.source_date_epoch);
        cur = made;
    }
    *dir = cur;
out:
    free(copy);
    return rc;
}

/* Move every child of from into into; a directory met in both is merged
 * the same way; any other name met in both is DW_EEXIST (libisofs would
 * keep the first and drop the second without a word). */
static int merge_dirs(struct dw_build *b, IsoDir *into, IsoDir *from,
                      struct dw_error_detail *err)
{
    int rc = 0;
    while (iso_dir_get_children_count(from) > 0) {
        IsoDirIter *iter = NULL;
        IsoNode *node = NULL, *have = NULL;
        if (iso_dir_get_children(from, &iter) < 0 ||
            iso_dir_iter_next(iter, &node) != 1) {
            iso_dir_iter_free(iter);
            return dw__set_error(err, DW_ELIB, "cannot list a directory of the image");
        }
        iso_dir_iter_free(iter);
        const char *name = iso_node_get_name(node);
        if (iso_dir_get_node(into, name, &have) == 1) {
            if (ISO_NODE_IS_DIR(node) && ISO_NODE_IS_DIR(have)) {
                if ((rc = merge_dirs(b, (IsoDir *)have, (IsoDir *)node, err)) != 0)
                    return rc;
                iso_node_remove(node);
                continue;
            }
            if (b->replace) { /* appending: the new file replaces the old one */
                iso_node_remove(have);
                continue;
            }
            char *path = iso_tree_get_node_path(have);
            rc =
                dw__set_error(err, DW_EEXIST,
                              "two sources give the image a '%s': rename one, or put one "
                              "elsewhere with a graft point (/TARGET=SOURCE)",
                              path ? path : name);
            free(path);
            return rc;
        }
        iso_node_take(node);
        int irc = iso_dir_add_node(into, node, ISO_REPLACE_NEVER);
        if (irc < 0) {
            iso_node_unref(node);
            return lib_error(b, irc, err, "cannot move '%s' in the image", name);
        }
    }
    return 0;
}

/* Add one source argument (see dw_build_new). */
static int add_source(struct dw_build *b, const char *arg, struct dw_error_detail *err)
{
    size_t len = strlen(arg) + 1;
    char *target = malloc(len), *source = malloc(len);
    int rc = 0, irc;
    if (!target || !source) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    split_graft(arg, target, source);
    if (!source[0]) {
        rc = dw__set_error(err, DW_EINVAL, "'%s' names no source file or directory", arg);
        goto out;
    }
    if (target[0] && target[0] != '/') {
        rc = dw__set_error(
            err, DW_EINVAL,
            "graft point '%s': the target '%s' must be an absolute path in the "
            "image, such as /photos=%s",
            arg, target, source);
        goto out;
    }
    /* libisofs's local file system takes absolute paths only. */
    if (source[0] != '/') {
        char cwd[4096];
        if (!getcwd(cwd, sizeof(cwd))) {
            rc = dw__set_error_errno(
                err, errno, "cannot find the current directory for '%s'", source);
            goto out;
        }
        char *abs = malloc(strlen(cwd) + len + 2);
        if (!abs) {
            rc = dw__set_error(err, DW_ENOMEM, "out of memory");
            goto out;
        }
        sprintf(abs, "%s/%s", cwd, source);
        free(source);
        source = abs;
    }
    struct stat st;
    if (lstat(source, &st) != 0) {
        rc = dw__set_error_errno(err, errno, "cannot read '%s' (check the path)", source);
        goto out;
    }
    IsoDir *parent;
    if (S_ISDIR(st.st_mode)) {
        if ((rc = iso_mkdir_p(b, target, &parent, err)) != 0)
            goto out;
        if (parent != iso_image_get_root(b->image)) {
            /* /TARGET=DIR: the target directory is DIR, attributes too. */
            IsoNode *n = (IsoNode *)parent;
            iso_node_set_permissions(n, st.st_mode & 07777);
            iso_node_set_uid(n, st.st_uid);
            iso_node_set_gid(n, st.st_gid);
            iso_node_set_mtime(n, st.st_mtime);
            iso_node_set_atime(n, st.st_atime);
            iso_node_set_ctime(n, st.st_ctime);
        }
        if (iso_dir_get_children_count(parent) == 0) {
            if ((irc = iso_tree_add_dir_rec(b->image, parent, source)) < 0)
                rc = lib_error(b, irc, err, "cannot add the directory '%s'", source);
            goto out;
        }
        /* Into a directory that has files already: read the source into a
         * directory of its own, then merge, so that no clash goes unseen. */
        IsoDir *tmp = NULL;
        if ((irc = iso_tree_add_new_dir(parent, "\001discwright-merge", &tmp)) < 0) {
            rc = lib_error(b, irc, err, "cannot add the directory '%s'", source);
            goto out;
        }
        if ((irc = iso_tree_add_dir_rec(b->image, tmp, source)) < 0)
            rc = lib_error(b, irc, err, "cannot add the directory '%s'", source);
        else
            rc = merge_dirs(b, parent, tmp, err);
        iso_node_remove((IsoNode *)tmp);
        goto out;
    }
    /* A single file: /TARGET names it; without a graft point (or with a
     * target ending in '/') it keeps its own name. */
    char *slash = strrchr(target, '/');
    const char *name;
    if (!target[0] || (slash && !slash[1])) {
        const char *base = strrchr(source, '/');
        name = base ? base + 1 : source;
        if (!*name) {
            rc = dw__set_error(err, DW_EINVAL, "'%s' has no file name", source);
            goto out;
        }
    } else {
        name = slash + 1;
        *slash = '\0';
    }
    if ((rc = iso_mkdir_p(b, target, &parent, err)) != 0)
        goto out;
    IsoNode *node;
    if (b->replace && iso_dir_get_node(parent, name, &node) == 1)
        iso_node_remove(node); /* appending: the new file replaces the old one */
    if ((irc = iso_tree_add_new_node(b->image, parent, name, source, &node)) < 0) {
        rc = lib_error(b, irc, err, "cannot add '%s'", source);
        goto out;
    }
out:
    free(target);
    free(source);
    return rc;
}

/* One pass over the tree: count, make times reproducible, compress. */
static int walk_tree(struct dw_build *b, IsoDir *dir, struct dw_error_detail *err)
{
    IsoDirIter *iter = NULL;
    IsoNode *node;
    int rc = 0, irc;
    bool fixed = b->opts.flags & DW_BUILD_FIXED_TIME;
    b->result.directories++;
    if ((irc = iso_dir_get_children(dir, &iter)) < 0)
        return lib_error(b, irc, err, "cannot list directory %s of the image", "");
    while (iso_dir_iter_next(iter, &node) == 1) {
        if (fixed) {
            /* A file's own mtime stays; what the reader of the disc would
             * see change from build to build goes. */
            time_t m = iso_node_get_mtime(node);
            iso_node_set_atime(node, m);
            iso_node_set_ctime(node, m);
        }
        switch (iso_node_get_type(node)) {
        case LIBISO_DIR:
            rc = walk_tree(b, (IsoDir *)node, err);
            break;
        case LIBISO_FILE:
            b->result.files++;
            /* File data in the order of the tree (names sorted), not of the
             * source's inode numbers, which libisofs would use: the same
             * tree copied elsewhere gives the same image. */
            iso_node_set_sort_weight(node,
                                     (int)(0x7fffffff - (b->result.files & 0x3fffffff)));
            uint32_t old_lba; /* a file of an imported session stays as it is */
            if ((b->opts.flags & DW_BUILD_ZISOFS) &&
                iso_file_get_old_image_lba((IsoFile *)node, &old_lba, 0) == 0) {
                irc = iso_file_add_zisofs_filter((IsoFile *)node, 1);
                if (irc == 1)
                    b->result.zisofs_files++;
                else if (irc < 0 && irc != (int)ISO_ZISOFS_TOO_LARGE)
                    rc = lib_error(b, irc, err, "cannot compress '%s' with zisofs",
                                   iso_node_get_name(node));
            }
            break;
        case LIBISO_SYMLINK:
            b->result.symlinks++;
            break;
        default:
            break;
        }
        if (rc)
            break;
    }
    iso_dir_iter_free(iter);
    return rc;
}

/* El Torito entries and the system area. */
static int setup_boot(struct dw_build *b, struct dw_error_detail *err)
{
    const struct dw_build_opts *o = &b->opts;
    const char *catalog = o->boot_catalog ? o->boot_catalog : "/boot.catalog";
    ElToritoBootImage *boot = NULL;
    int irc, rc = 0;
    if (!o->boot_bios && !o->boot_efi)
        return 0;
    const char *paths[2] = {o->boot_bios, o->boot_efi};
    for (int i = 0; i < 2; i++) {
        if (!paths[i])
            continue;
        IsoNode *node = NULL;
        if (iso_tree_path_to_node(b->image, paths[i], &node) != 1 ||
            !ISO_NODE_IS_FILE(node))
            return dw__set_error(
                err, DW_ENOENT,
                "boot image '%s' is not a file in the image: give its path "
                "inside the image (such as /isolinux/isolinux.bin)",
                paths[i]);
        if (i == 0 || !o->boot_bios)
            irc = iso_image_set_boot_image(b->image, paths[i], ELTORITO_NO_EMUL, catalog,
                                           &boot);
        else
            irc =
                iso_image_add_boot_image(b->image, paths[i], ELTORITO_NO_EMUL, 0, &boot);
        if (irc < 0)
            return lib_error(b, irc, err, "cannot make '%s' an El Torito boot image",
                             paths[i]);
        if (i == 0) {
            /* isolinux and GRUB's eltorito.img: 4 sectors of 512 bytes
             * loaded, the boot info table patched in at offset 8. */
            el_torito_set_load_size(boot, 4);
            el_torito_set_isolinux_options(boot, 1, 0);
        } else {
            el_torito_set_boot_platform_id(boot, 0xef);
            /* The whole EFI image, in 512-byte units as far as the 16-bit
             * field goes (El Torito 1.0, section entry "sector count"). */
            off_t bytes = iso_file_get_size((IsoFile *)node);
            off_t units = (bytes + 511) / 512;
            el_torito_set_load_size(boot, (int)(units > 65535 ? 65535
                                                : units < 1   ? 1
                                                              : units));
        }
    }
    if (o->flags & DW_BUILD_FIXED_TIME) {
        IsoNode *cat = NULL;
        if (iso_tree_path_to_node(b->image, catalog, &cat) == 1)
            set_times(cat, (time_t)o->source_date_epoch);
    }
    return rc;
}

static int load_mbr(struct dw_build *b, struct dw_error_detail *err)
{
    const char *path = b->opts.isohybrid_mbr;
    int rc = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        return dw__set_error_errno(err, errno, "cannot open '%s' (check the path)", path);
    }
    b->system_area = calloc(1, 32768);
    if (!b->system_area) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    size_t n = fread(b->system_area, 1, 32768, f);
    if (ferror(f) || n < 432 || fgetc(f) != EOF) {
        rc = dw__set_error(err, DW_EINVAL,
                           "'%s' is not an isohybrid MBR (432 to 32768 bytes, such as "
                           "SYSLINUX's isohdpfx.bin): give the MBR file",
                           path);
        goto out;
    }
out:
    fclose(f);
    return rc;
}

int dw_build_new(const char *const *sources, size_t path_count,
                 const struct dw_build_opts *opts, struct dw_build **out,
                 struct dw_error_detail *err)
{
    return dw__build_new_ex(sources, path_count, opts, NULL, NULL, out, err);
}

int dw__build_new_ex(const char *const *sources, size_t path_count,
                     const struct dw_build_opts *opts, dw__build_prepare_fn prepare,
                     void *prepare_arg, struct dw_build **out, struct dw_error_detail *err)
{
    struct dw_build *b = NULL;
    int rc = 0, irc;
    if (err)
        memset(err, 0, sizeof(*err));
    if (!out || (!sources && path_count))
        return dw__set_error(err, DW_EINVAL,
                             "dw_build_new: no output pointer or sources");
    *out = NULL;
    struct dw_build_opts o = {0};
    if (opts)
        o = *opts;
    if (o.flags & ~ALL_FLAGS)
        return dw__set_error(err, DW_EINVAL, "unknown build flags 0x%x",
                             o.flags & ~ALL_FLAGS);
    if ((o.flags & DW_BUILD_ZISOFS) && (o.flags & DW_BUILD_NO_ROCKRIDGE))
        return dw__set_error(
            err, DW_EINVAL,
            "zisofs compression needs Rock Ridge: drop --no-rockridge or "
            "--zisofs");
    if (o.isohybrid_mbr && !o.boot_bios)
        return dw__set_error(err, DW_EINVAL,
                             "an isohybrid MBR needs a BIOS boot image: add --boot-bios");
    if (o.volid && strlen(o.volid) > 32)
        return dw__set_error(err, DW_EINVAL,
                             "volume id '%s' is longer than 32 characters: shorten it",
                             o.volid);
    if (path_count == 0)
        return dw__set_error(err, DW_EINVAL, "no source given: name a folder or file");
    if ((rc = dw__build_lib_get(err)) != 0)
        return rc;
    b = calloc(1, sizeof(*b));
    if (!b) {
        dw__build_lib_put();
        return dw__set_error(err, DW_ENOMEM, "out of memory");
    }
    b->opts = o;
    if (o.flags & DW_BUILD_FIXED_TIME) {
        time_t t = (time_t)o.source_date_epoch;
        iso_nowtime(&t, 1);
        b->nowtime_set = true;
    }
    if ((irc = iso_image_new(o.volid ? o.volid : "CDROM", &b->image)) < 0) {
        rc = lib_error(b, irc, err, "cannot start an image%s", "");
        goto out;
    }
    iso_image_set_publisher_id(b->image, o.publisher ? o.publisher : "");
    iso_image_set_application_id(b->image, "DISCWRIGHT");
    iso_tree_set_follow_symlinks(b->image, 0);
    iso_tree_set_ignore_hidden(b->image, 0);
    iso_tree_set_ignore_special(b->image, 0);
    if (o.flags & DW_BUILD_FIXED_TIME)
        set_times((IsoNode *)iso_image_get_root(b->image), (time_t)o.source_date_epoch);
    if (prepare && (rc = prepare(b, prepare_arg, err)) != 0)
        goto out;
    for (size_t i = 0; i < o.exclude_count; i++)
        if ((irc = iso_tree_add_exclude(b->image, o.excludes[i])) < 0) {
            rc = lib_error(b, irc, err, "cannot exclude '%s'", o.excludes[i]);
            goto out;
        }
    for (size_t i = 0; i < path_count; i++)
        if ((rc = add_source(b, sources[i], err)) != 0)
            goto out;
    if ((rc = setup_boot(b, err)) != 0)
        goto out;
    if (o.isohybrid_mbr && (rc = load_mbr(b, err)) != 0)
        goto out;
    rc = walk_tree(b, iso_image_get_root(b->image), err);
out:
    dw__build_drain_messages(b, NULL);
    if (rc) {
        dw_build_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

int dw__build_write_opts(struct dw_build *b, IsoWriteOpts **wo_out,
                         struct dw_error_detail *err)
{
    IsoWriteOpts *wo = NULL;
    const struct dw_build_opts *o = &b->opts;
    int irc = iso_write_opts_new(&wo, 1);
    if (irc < 0)
        return lib_error(b, irc, err, "cannot set up writing%s", "");
    iso_write_opts_set_iso_level(wo, 3);
    iso_write_opts_set_rockridge(wo, !(o->flags & DW_BUILD_NO_ROCKRIDGE));
    iso_write_opts_set_joliet(wo, !(o->flags & DW_BUILD_NO_JOLIET));
    iso_write_opts_set_joliet_longer_paths(wo, 1);
    iso_write_opts_set_joliet_long_names(wo, 1);
    iso_write_opts_set_iso1999(wo, 1);
    iso_write_opts_set_hardlinks(wo, 1);
    iso_write_opts_set_always_gmt(wo, 1);
    iso_write_opts_set_dir_rec_mtime(wo, 7);
    if (o->flags & DW_BUILD_MD5) {
        iso_write_opts_set_record_md5(wo, 1, 1);
        /* The per-file MD5s are found through an AAIP attribute (isofs.cx). */
        iso_write_opts_set_aaip(wo, 1);
    }
    if (o->flags & DW_BUILD_FIXED_TIME) {
        time_t t = (time_t)o->source_date_epoch;
        struct tm tm;
        char uuid[32];
        gmtime_r(&t, &tm);
        strftime(uuid, sizeof(uuid), "%Y%m%d%H%M%S00", &tm);
        iso_write_opts_set_pvd_times(wo, t, t, 0, 0, uuid);
    }
    if (b->system_area &&
        (irc = iso_write_opts_set_system_area(wo, b->system_area, 2, 0)) < 0) {
        iso_write_opts_free(wo);
        return lib_error(b, irc, err, "cannot use '%s' as isohybrid MBR",
                         o->isohybrid_mbr);
    }
    *wo_out = wo;
    return 0;
}

/* Wait until libisofs's ring buffer holds bytes for a whole request or its
 * writer has stopped (ended, failed or cancelled: read_xt then gives what
 * there is, or the error).  Reading at once would take each 2048-byte
 * block as the writer puts it in, a wake-up of each thread per block (on
 * a 570 MB tree 0.9 million futex calls and an eighth of the CPU time);
 * the naps start at 0.1 ms and grow to 6.4 ms while nothing comes. */
static void wait_for_chunk(struct burn_source *src, size_t want_bytes)
{
    size_t cap = 0, free_bytes = 0;
    long nap_ns = 100 * 1000;
    while (iso_ring_buffer_get_status(src, &cap, &free_bytes) == 1 &&
           cap - free_bytes < want_bytes && free_bytes > 0) {
        struct timespec nap = {0, nap_ns};
        nanosleep(&nap, NULL);
        if (nap_ns < 6400 * 1000)
            nap_ns *= 2;
    }
}

int dw_build_write_iso(struct dw_build *b, const char *path,
                       const struct dw_callbacks *cb, struct dw_build_result *res,
                       struct dw_error_detail *err)
{
    struct dw__outfile of = {0};
    IsoWriteOpts *wo = NULL;
    struct burn_source *src = NULL;
    unsigned char *buf = NULL;
    int rc = 0, irc;
    if (err)
        memset(err, 0, sizeof(*err));
    if (res)
        memset(res, 0, sizeof(*res));
    if (!b || !path)
        return dw__set_error(err, DW_EINVAL,
                             "dw_build_write_iso: no tree or output path");
    if (b->written)
        return dw__set_error(err, DW_EINVAL,
                             "this tree was written already: build it again");
    struct stat st;
    if (!(b->opts.flags & DW_BUILD_OVERWRITE) && stat(path, &st) == 0)
        return dw__set_error(
            err, DW_EEXIST,
            "'%s' exists: add --overwrite to replace it, or choose another name", path);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return dw__set_error(err, DW_EINVAL,
                             "'%s' is a directory: give a file name for the image", path);
    b->written = true;
    if ((rc = dw__build_write_opts(b, &wo, err)) != 0)
        goto out;
    if ((irc = iso_image_create_burn_source(b->image, wo, &src)) < 0) {
        rc = lib_error(b, irc, err, "cannot start writing '%s'", path);
        goto out;
    }
    if ((rc = dw__outfile_open(&of, path, err)) != 0)
        goto out;
    int64_t total_bytes = (int64_t)src->get_size(src);
    buf = malloc(WRITE_CHUNK_BYTES);
    if (!buf) {
        rc = dw__set_error(err, DW_ENOMEM, "out of memory");
        goto out;
    }
    struct dw_progress p = {.phase = "mkiso",
                            .total_sectors = total_bytes / 2048,
                            .sector_bytes = 2048,
                            .buffer_fill_percent = -1};
    /* libisofs's source answers a request that goes past the end of the
     * image with nothing, but the image's size is known: each request is
     * for a whole chunk or for what is left, made when that much is in
     * the ring buffer (wait_for_chunk). */
    int64_t done = 0;
    while (done < total_bytes) {
        int64_t left = total_bytes - done;
        int ask = left < WRITE_CHUNK_BYTES ? (int)left : WRITE_CHUNK_BYTES;
        wait_for_chunk(src, (size_t)ask);
        int n = src->read_xt(src, buf, ask);
        if (n != ask) {
            rc = lib_error(b, n < 0 ? n : (int)ISO_WRITE_ERROR, err,
                           "cannot make the image '%s'", path);
            goto out;
        }
        if (fwrite(buf, 1, (size_t)n, of.fp) != (size_t)n) {
            rc = dw__outfile_check(&of, err);
            if (!rc)
                rc = dw__set_error(err, DW_EIO, "cannot write '%s'", of.part_path);
            goto out;
        }
        done += n;
        dw__build_drain_messages(b, cb);
        if (cb && cb->progress) {
            p.done_sectors = done / 2048;
            if (cb->progress(&p, cb->user)) {
                rc = dw__set_error(err, DW_EABORTED, "stopped: '%s' was not made", path);
                goto out;
            }
        }
    }
    if ((rc = dw__outfile_commit(&of, err)) != 0)
        goto out;
    b->result.image_bytes = done;
out:
    if (src) {
        if (rc && iso_image_generator_is_running(b->image))
            src->cancel(src);
        src->free_data(src);
        free(src);
    }
    if (rc)
        dw__outfile_abort(&of);
    dw__build_drain_messages(b, cb);
    iso_write_opts_free(wo);
    free(buf);
    if (res)
        *res = b->result;
    return rc;
}

void dw_build_free(struct dw_build *b)
{
    if (!b)
        return;
    if (b->image)
        iso_image_unref(b->image);
    dw__build_append_free(b->append);
    if (b->nowtime_set) {
        time_t t = 0;
        iso_nowtime(&t, 2);
    }
    free(b->system_area);
    free(b);
    dw__build_lib_put();
}
