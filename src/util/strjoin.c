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
