/* Growable byte buffer. */
#ifndef LWBS_UTIL_BUF_H
#define LWBS_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data; /* owned; NULL while cap == 0 */
	size_t len;
	size_t cap;
};

#define BUF_INIT {NULL, 0, 0}

/* Append n bytes. Returns 0 or -ENOMEM (buf unchanged on failure). */
int buf_append(struct buf *b, const void *p, size_t n);
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
