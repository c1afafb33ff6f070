#include "util/strjoin.h"

#include <stdarg.h>
#include <string.h>

size_t str_join(char *buf, size_t cap, ...)
{
	va_list ap;
	const char *part;
	size_t n = 0;

	va_start(ap, cap);
	while ((part = va_arg(ap, const char *)) != NULL && n + 1 < cap) {
		size_t len = strnlen(part, cap - 1 - n);

		memcpy(buf + n, part, len);
		n += len;
	}
	va_end(ap);
	buf[n] = '\0';
	return n;
}

size_t str_uint(char *buf, uint64_t v)
{
	char d[20]; /* 18446744073709551615 */
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	memcpy(buf, d + i, sizeof(d) - i);
	return sizeof(d) - i;
}
