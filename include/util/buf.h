/* Growable byte buffer. */
#ifndef LWBS_UTIL_BUF_H
#define LWBS_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	uint8_t *data; /* owned; NULL while cap == 0 */
	size_t len;
	size_t cap;
};

#define BUF_INIT {NULL, 0, 0}

/* buf_append() when the bytes do not fit yet: grows the buffer first. */
int buf_append_grow(struct buf *b, const void *p, size_t n);

/*
 * Append n bytes. Returns 0 or -ENOMEM (buf unchanged on failure). Inline
 * while they fit: an audit record is some two hundred appends, and the
 * calls alone were a tenth of lwbsd's own work per NoSec bootstrap.
 */
static inline int buf_append(struct buf *b, const void *p, size_t n)
{
	if (n > b->cap - b->len)
		return buf_append_grow(b, p, n);
	if (n > 0) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
	}
	return 0;
}
/* Append one byte. Returns 0 or -ENOMEM. */
int buf_putc(struct buf *b, uint8_t c);
/* Append a printf-formatted string (no NUL stored). Returns 0 or -ENOMEM. */
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Make room for n more bytes. Returns 0 or -ENOMEM. */
int buf_reserve(struct buf *b, size_t n);
/* Forget the contents, keep the allocation. */
void buf_reset(struct buf *b);
/* Release the allocation; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);

#endif
