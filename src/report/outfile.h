/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: output files written as NAME.part and renamed into
 * place only when complete and flushed, so an interrupted run never leaves
 * a file that looks whole. */
#ifndef DW_OUTFILE_H
#define DW_OUTFILE_H

#include <stdio.h>
#include "discwright/errors.h"

struct dw__outfile {
    char *path;      /* final name, owned */
    char *part_path; /* path + ".part", owned */
    FILE *fp;
    char *buf;       /* fp's stdio buffer (DW__OUTFILE_BUFFER_BYTES), owned */
};

/* The stdio buffer of every output file: writes of a sector at a time
 * (paranoia mode, 2352 bytes) reach the kernel in blocks this large. */
#define DW__OUTFILE_BUFFER_BYTES (256u * 1024u)

/* Create path.part for writing (truncating an old one).  Returns 0 or a
 * DW_E* code with err->message naming the file and what to do. */
int dw__outfile_open(struct dw__outfile *of, const char *path, struct dw_error_detail *err);

/* Open an existing path.part for reading and writing, positioned at its
 * start, to go on with it (a resumed rip).  DW_ENOENT when there is none. */
int dw__outfile_reopen(struct dw__outfile *of, const char *path, struct dw_error_detail *err);

/* Close path.part and keep it (an interrupted rip that can be resumed). */
void dw__outfile_keep(struct dw__outfile *of);

/* Flush, fsync, close and rename path.part to path.  On failure (disk
 * full...) the .part file is removed and err says why. */
int dw__outfile_commit(struct dw__outfile *of, struct dw_error_detail *err);

/* The two halves of dw__outfile_commit, for a set of files that must
 * appear together (a rip's image, cue, extras, report and log): finish
 * flushes, fsyncs and closes path.part but keeps it and the names (of->fp
 * is then NULL); rename moves it into place.  Finish every member first,
 * then rename them all: a full disk is seen before any final name
 * exists.  On a finish failure the .part is removed and err says why. */
int dw__outfile_finish(struct dw__outfile *of, struct dw_error_detail *err);
int dw__outfile_rename(struct dw__outfile *of, struct dw_error_detail *err);

/* Close and remove path.part; safe to call on a closed or zeroed one. */
void dw__outfile_abort(struct dw__outfile *of);

/* The error of a write to of (by any means: pwrite on its descriptor too)
 * that failed with sys_errno: DW_ENOSPC/DW_EACCES/DW_EIO ... with err
 * naming the file and saying what to do. */
int dw__outfile_write_error(const struct dw__outfile *of, int sys_errno,
                            struct dw_error_detail *err);

/* Check the write error state of the stream; DW_ENOSPC/DW_EIO with err set. */
int dw__outfile_check(struct dw__outfile *of, struct dw_error_detail *err);

/* Create dir if missing (one level) and check it is a writable directory. */
int dw__ensure_dir(const char *dir, struct dw_error_detail *err);

#endif
