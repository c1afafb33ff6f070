/*
 * Whole lines to one file descriptor, written in batches.
 *
 * lwbsd writes two log lines and an audit record per bootstrap; a write(2)
 * each was some 8 % of its CPU per NoSec bootstrap (README.md,
 * Performance). Lines are queued and written together once per turn of
 * the event loop. A flush writes complete lines only, in one write(2)
 * unless the kernel accepts part of it, so processes appending to one file
 * do not interleave inside a line.
 */
#ifndef LWBS_UTIL_LINEBUF_H
#define LWBS_UTIL_LINEBUF_H

#include <stddef.h>

#define LINEBUF_CAP 16384

struct linebuf {
	int fd; /* not owned */
	size_t len;
	char data[LINEBUF_CAP];
};

/* Queue nothing yet; lines go to fd. */
void linebuf_init(struct linebuf *lb, int fd);
/*
 * Queue n bytes of whole lines. What is queued is flushed first when they
 * do not fit; more than the buffer holds is written at once. Returns 0 or
 * the -errno of a write that failed (the lines it carried are dropped).
 */
int linebuf_put(struct linebuf *lb, const void *p, size_t n);
/* Write what is queued. Returns 0 or -errno (the queue is dropped). */
int linebuf_flush(struct linebuf *lb);

#endif
