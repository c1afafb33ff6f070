#include "util/linebuf.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void linebuf_init(struct linebuf *lb, int fd)
{
	lb->fd = fd;
	lb->len = 0;
}

/* All of p, retrying a partial write or EINTR. Returns 0 or -errno. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int linebuf_flush(struct linebuf *lb)
{
	int rc = write_all(lb->fd, lb->data, lb->len);

	lb->len = 0;
	return rc;
}

int linebuf_put(struct linebuf *lb, const void *p, size_t n)
{
	int rc = 0;

	if (lb->len + n > sizeof(lb->data))
		rc = linebuf_flush(lb);
	if (n > sizeof(lb->data)) {
		int wrc = write_all(lb->fd, p, n);
		return rc < 0 ? rc : wrc;
	}
	memcpy(lb->data + lb->len, p, n);
	lb->len += n;
	return rc;
}
