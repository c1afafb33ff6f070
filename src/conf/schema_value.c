/* Typed readers for single values, each reporting its own type and range errors. */
#include "schema.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/encoding.h"

#define KEY_FILE_MAX ((size_t)64 * 1024)

/*
 * v as it should appear in a message: 'text' (shortened, non-printables as
 * '?'), "the quoted string 'text'" where quoting is the mistake, or its kind.
 */
static const char *show_as(const struct ynode *v, bool note_quoted, char *buf, size_t cap)
{
	size_t o = 0, max = cap - 24;
	const char *pre = v->plain || !note_quoted ? "'" : "the quoted string '";

	if (v->kind != YNODE_SCALAR || ynode_is_null(v))
		return ynode_kind_name(v);
	o = (size_t)snprintf(buf, cap, "%s", pre);
	for (size_t i = 0; i < v->len && o < max; i++)
		buf[o++] = isprint((unsigned char)v->str[i]) ? v->str[i] : '?';
	snprintf(buf + o, cap - o, "%s'", v->len > max - strlen(pre) ? "..." : "");
	return buf;
}

static const char *show(const struct ynode *v, char *buf, size_t cap)
{
	return show_as(v, true, buf, cap);
}

/* A scalar holding something (not null), or report what it is instead. */
static int need_scalar(struct conf_ctx *c, const char *name, const struct ynode *v,
                       const char *expect)
{
	if (v->kind == YNODE_SCALAR && !ynode_is_null(v))
		return 0;
	conf_error(c, v, "'%s' in %s must be %s, not %s", name, c->what, expect,
	           ynode_kind_name(v));
	return -EINVAL;
}

int conf_get_bool(struct conf_ctx *c, const char *name, const struct ynode *v, bool *out)
{
	static const char *const yes[] = {"true", "True", "TRUE"};
	static const char *const no[] = {"false", "False", "FALSE"};
	char buf[96];

	if (need_scalar(c, name, v, "true or false") < 0)
		return -EINVAL;
	for (size_t i = 0; v->plain && i < 3; i++) {
		if (strcmp(v->str, yes[i]) == 0 || strcmp(v->str, no[i]) == 0) {
			*out = strcmp(v->str, yes[i]) == 0;
			return 0;
		}
	}
	conf_error(c, v, "'%s' in %s must be true or false, not %s", name, c->what,
	           show(v, buf, sizeof(buf)));
	return -EINVAL;
}

/* A YAML core-schema integer: [-+]?[0-9]+ or 0x[0-9a-fA-F]+. 0, -EINVAL, or -ERANGE. */
static int parse_integer(const char *s, bool *neg, uint64_t *mag)
{
	bool minus = *s == '-';
	int base = 10;
	char *end;
	unsigned long long v;

	if (*s == '-' || *s == '+')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (base == 10 ? !isdigit((unsigned char)*s) : !isxdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*neg = minus;
	*mag = v;
	return 0;
}

/* Read an integer into neg/mag, reporting a non-integer; -ERANGE is left to the caller. */
static int get_integer(struct conf_ctx *c, const char *name, const struct ynode *v, bool *neg,
                       uint64_t *mag)
{
	char buf[96];
	int rc;

	if (need_scalar(c, name, v, "an integer") < 0)
		return -EINVAL;
	rc = v->plain ? parse_integer(v->str, neg, mag) : -EINVAL;
	if (rc == -EINVAL)
		conf_error(c, v, "'%s' in %s must be an integer, not %s", name, c->what,
		           show(v, buf, sizeof(buf)));
	return rc;
}

int conf_get_uint(struct conf_ctx *c, const char *name, const struct ynode *v, uint64_t min,
                  uint64_t max, uint64_t *out)
{
	char buf[96];
	uint64_t mag = 0;
	bool neg = false;
	int rc = get_integer(c, name, v, &neg, &mag);

	if (rc == -EINVAL)
		return rc;
	if (rc == -ERANGE || (neg && mag != 0) || mag < min || mag > max) {
		conf_error(c, v, "'%s' in %s must be between %llu and %llu, not %s", name, c->what,
		           (unsigned long long)min, (unsigned long long)max,
		           show(v, buf, sizeof(buf)));
		return -EINVAL;
	}
	*out = mag;
	return 0;
}

int conf_get_int(struct conf_ctx *c, const char *name, const struct ynode *v, int64_t min,
                 int64_t max, int64_t *out)
{
	char buf[96];
	uint64_t mag = 0;
	bool neg = false;
	int rc = get_integer(c, name, v, &neg, &mag);
	int64_t val = 0;

	if (rc == -EINVAL)
		return rc;
	if (rc == 0 && !neg && mag <= INT64_MAX)
		val = (int64_t)mag;
	else if (rc == 0 && neg && mag <= (uint64_t)INT64_MAX + 1)
		val = (int64_t)(0 - mag);
	else
		rc = -ERANGE;
	if (rc < 0 || val < min || val > max) {
		conf_error(c, v, "'%s' in %s must be between %lld and %lld, not %s", name, c->what,
		           (long long)min, (long long)max, show(v, buf, sizeof(buf)));
		return -EINVAL;
	}
	*out = val;
	return 0;
}

int conf_get_double(struct conf_ctx *c, const char *name, const struct ynode *v, double min,
                    double max, double *out)
{
	char buf[96], *end = NULL;
	double d = 0;

	if (need_scalar(c, name, v, "a number") < 0)
		return -EINVAL;
	if (v->plain && (isdigit((unsigned char)v->str[0]) || strchr("+-.", v->str[0])))
		d = strtod(v->str, &end);
	if (end == NULL || *end != '\0' || !isfinite(d)) {
		conf_error(c, v, "'%s' in %s must be a number, not %s", name, c->what,
		           show(v, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (d < min || d > max) {
		conf_error(c, v, "'%s' in %s must be between %g and %g, not %s", name, c->what, min,
		           max, show(v, buf, sizeof(buf)));
		return -EINVAL;
	}
	*out = d;
	return 0;
}

int conf_get_str(struct conf_ctx *c, const char *name, const struct ynode *v, const char **out)
{
	const char *s;

	if (need_scalar(c, name, v, "a non-empty string") < 0)
		return -EINVAL;
	if (v->len == 0 || strlen(v->str) != v->len) {
		conf_error(c, v, "'%s' in %s must be a non-empty string without NUL bytes", name,
		           c->what);
		return -EINVAL;
	}
	s = policy_strndup(c->pol, v->str, v->len);
	if (s == NULL) {
		c->oom = true;
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

int conf_get_enum(struct conf_ctx *c, const char *name, const struct ynode *v,
                  const char *const *names, size_t n, int *out)
{
	char list[256] = "", buf[96];
	const char *hint;
	size_t used = 0;

	if (need_scalar(c, name, v, "a name") < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v->str, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
			                         i ? ", " : "", names[i]);
	}
	hint = conf_suggest(v->str, names, n);
	conf_error(c, v, "'%s' in %s must be one of %s, not %s%s%s%s", name, c->what, list,
	           show(v, buf, sizeof(buf)), hint ? " (did you mean '" : "", hint ? hint : "",
	           hint ? "'?)" : "");
	return -EINVAL;
}

/* Decode v into buf (room for cap) as enc; *n set on success. */
static int bytes_decode(const struct ynode *v, enum conf_bytes enc, uint8_t *buf, size_t cap,
                        size_t *n)
{
	switch (enc) {
	case CONF_BYTES_TEXT:
		memcpy(buf, v->str, v->len);
		*n = v->len;
		return 0;
	case CONF_BYTES_HEX:
		return encoding_hex_decode(v->str, v->len, buf, cap, n);
	case CONF_BYTES_BASE64:
		return encoding_base64_decode(v->str, v->len, buf, cap, n);
	}
	return -EINVAL;
}

static const char *const bytes_expect[] = {
    [CONF_BYTES_TEXT] = "a string",
    [CONF_BYTES_HEX] = "hex (an even number of digits 0-9, a-f)",
    [CONF_BYTES_BASE64] = "base64 (RFC 4648, standard or URL-safe alphabet)",
};

int conf_get_bytes(struct conf_ctx *c, const char *name, const struct ynode *v, enum conf_bytes enc,
                   bool secret, const uint8_t **out, size_t *len)
{
	size_t cap, n = 0;
	uint8_t *buf;
	char shown[96];

	if (need_scalar(c, name, v, bytes_expect[enc]) < 0)
		return -EINVAL;
	cap = enc == CONF_BYTES_HEX      ? encoding_hex_decoded_len(v->len)
	      : enc == CONF_BYTES_BASE64 ? encoding_base64_decoded_max(v->len)
	                                 : v->len;
	buf = policy_alloc(c->pol, cap);
	if (buf == NULL) {
		c->oom = true;
		return -ENOMEM;
	}
	if (bytes_decode(v, enc, buf, cap, &n) < 0) {
		/* A secret is never echoed, not even a malformed one. */
		conf_error(c, v, "'%s' in %s is not valid %s%s%s", name, c->what, bytes_expect[enc],
		           secret ? "" : ": ",
		           secret ? "" : show_as(v, false, shown, sizeof(shown)));
		return -EINVAL;
	}
	if (n == 0) {
		conf_error(c, v, "'%s' in %s must not be empty", name, c->what);
		return -EINVAL;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* Open path for reading and check it is a regular file of a sensible size; fd or -1. */
static int file_open(struct conf_ctx *c, const char *name, const struct ynode *v, const char *path,
                     struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, st) < 0) {
		conf_error(c, v, "cannot read %s '%s' of %s (%s)", name, path, c->what,
		           strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st->st_mode)) {
		conf_error(c, v, "%s '%s' of %s is not a regular file", name, path, c->what);
		goto fail;
	}
	if (st->st_size <= 0 || (size_t)st->st_size > KEY_FILE_MAX) {
		conf_error(c, v, "%s '%s' of %s must hold 1 to %zu bytes, not %lld", name, path,
		           c->what, KEY_FILE_MAX, (long long)st->st_size);
		goto fail;
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Read exactly n bytes; 0 or a negative errno. */
static int read_all(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		got += (size_t)r;
	}
	return 0;
}

int conf_read_file(struct conf_ctx *c, const char *name, const struct ynode *v, bool secret,
                   const uint8_t **out, size_t *len)
{
	const char *path;
	struct stat st;
	uint8_t *buf;
	int fd, rc;

	if (need_scalar(c, name, v, "a file name") < 0)
		return -EINVAL;
	path = conf_path(c, v->str);
	if (path == NULL)
		return -ENOMEM;
	fd = file_open(c, name, v, path, &st);
	if (fd < 0)
		return -EINVAL;
	if (secret && (st.st_mode & (S_IRGRP | S_IROTH)))
		conf_warn(c, v,
		          "%s '%s' of %s is readable by group or others (mode %04o); "
		          "it holds a secret: chmod 600 it",
		          name, path, c->what, (unsigned)(st.st_mode & 07777));
	buf = policy_alloc(c->pol, (size_t)st.st_size);
	rc = buf ? read_all(fd, buf, (size_t)st.st_size) : -ENOMEM;
	close(fd);
	if (rc == -ENOMEM)
		c->oom = true;
	else if (rc < 0)
		conf_error(c, v, "cannot read %s '%s' of %s (%s)", name, path, c->what,
		           strerror(-rc));
	if (rc < 0)
		return rc == -ENOMEM ? rc : -EINVAL;
	*out = buf;
	*len = (size_t)st.st_size;
	return 0;
}

void *conf_alloc(struct conf_ctx *c, size_t n)
{
	void *p = policy_alloc(c->pol, n);

	if (p == NULL)
		c->oom = true;
	return p;
}

const char *conf_fmt(struct conf_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = n >= 0 ? policy_alloc(c->pol, (size_t)n + 1) : NULL;
	if (s == NULL) {
		c->oom = true;
		return NULL;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

const char *conf_path(struct conf_ctx *c, const char *path)
{
	if (path[0] == '/' || strcmp(c->dir, ".") == 0)
		return conf_fmt(c, "%s", path);
	return conf_fmt(c, "%s/%s", c->dir, path);
}

const struct ynode *conf_lookup(const struct ynode *m, const char *name)
{
	for (size_t i = 0; m->kind == YNODE_MAP && i < m->n; i++) {
		const struct ynode *k = m->kids[2 * i];
		if (k->kind == YNODE_SCALAR && strcmp(k->str, name) == 0)
			return m->kids[2 * i + 1];
	}
	return NULL;
}
