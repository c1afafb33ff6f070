#include "cred/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int cred_write_atomic(const char *path, const void *p, size_t n, mode_t mode, bool excl)
{
	char tmp[4096];
	int fd, rc;

	if (excl && access(path, F_OK) == 0)
		return -EEXIST;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	rc = fchmod(fd, mode) < 0 ? -errno : write_all(fd, p, n);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	/* link() refuses to replace, which is what excl asks, without a race. */
	if (rc == 0 && (excl ? link(tmp, path) : rename(tmp, path)) < 0)
		rc = -errno;
	if (rc < 0 || excl)
		unlink(tmp);
	return rc;
}

int cred_read_file(const char *path, struct buf *out)
{
	char chunk[4096];
	FILE *f = fopen(path, "rb");
	size_t n, total = 0;
	int rc = 0;

	if (f == NULL)
		return -errno;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		total += n;
		rc = total > (1u << 20) ? -EFBIG : buf_append(out, chunk, n);
	}
	if (rc == 0 && ferror(f))
		rc = -EIO;
	fclose(f);
	memset(chunk, 0, sizeof(chunk));
	return rc;
}

int cred_mkdir(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return errno == EEXIST ? -ENOTDIR : -errno;
}
