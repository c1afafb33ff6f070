/*
 * Files that hold credentials: written atomically (a temporary file in the
 * same directory, fsync, rename) so that a reader sees the old content or
 * the new, never half; secrets with mode 0600.
 */
#ifndef LWBS_CRED_FILES_H
#define LWBS_CRED_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

/*
 * Replace path with the n bytes at p, mode mode. When excl, refuse to
 * replace an existing file (-EEXIST). Returns 0 or a negative errno; on
 * failure path is unchanged.
 */
int cred_write_atomic(const char *path, const void *p, size_t n, mode_t mode, bool excl);

/* Append the whole file (at most 1 MiB) to out. Returns 0 or a negative errno. */
int cred_read_file(const char *path, struct buf *out);

/* mkdir path with mode unless it exists as a directory. Returns 0 or a negative errno. */
int cred_mkdir(const char *path, mode_t mode);

#endif
