#include "lwm2m/path.h"

#include <errno.h>
#include <string.h>

#include "util/strjoin.h"

/* A decimal id of 1 to 5 digits, at most 65535 (leading zeros tolerated). */
static int parse_id(const char *s, size_t n, uint16_t *out)
{
	uint32_t v = 0;

	if (n == 0 || n > 5)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v > UINT16_MAX)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

int path_parse(const char *s, size_t n, struct lwm2m_path *out)
{
	struct lwm2m_path p = {0};
	size_t i = 1;

	if (n == 0 || s[0] != '/')
		return -EINVAL;
	if (n == 1) {
		*out = p;
		return 0;
	}
	while (i <= n) {
		size_t end = i;

		while (end < n && s[end] != '/')
			end++;
		if (p.depth == 4 || parse_id(s + i, end - i, &p.ids[p.depth]) < 0)
			return -EINVAL;
		p.depth++;
		i = end + 1;
	}
	*out = p;
	return 0;
}

int path_parse_joined(const char *a, size_t an, const char *b, size_t bn, struct lwm2m_path *out)
{
	char text[PATH_TEXT_MAX];

	if (an > sizeof(text) - 1 || bn > sizeof(text) - 1 - an)
		return -EINVAL;
	if (an > 0)
		memcpy(text, a, an);
	if (bn > 0)
		memcpy(text + an, b, bn);
	return path_parse(text, an + bn, out);
}

bool path_is_under(const struct lwm2m_path *p, const struct lwm2m_path *prefix)
{
	if (p->depth < prefix->depth)
		return false;
	for (uint8_t i = 0; i < prefix->depth; i++)
		if (p->ids[i] != prefix->ids[i])
			return false;
	return true;
}

int path_parse_objlnk(const char *s, size_t n, uint16_t *oid, uint16_t *iid)
{
	const char *colon = n > 0 ? memchr(s, ':', n) : NULL;
	uint16_t o, i;

	if (colon == NULL)
		return -EINVAL;
	if (parse_id(s, (size_t)(colon - s), &o) < 0 ||
	    parse_id(colon + 1, n - (size_t)(colon - s) - 1, &i) < 0)
		return -EINVAL;
	*oid = o;
	*iid = i;
	return 0;
}

size_t path_format_objlnk(char buf[PATH_OBJLNK_MAX], uint16_t oid, uint16_t iid)
{
	size_t n = path_format_id(buf, oid);

	buf[n++] = ':';
	n += path_format_id(buf + n, iid);
	buf[n] = '\0';
	return n;
}

/* Not snprintf(): paths are formatted for every request lwbsd sends and every audit record. */
size_t path_format_id(char buf[5], uint16_t id)
{
	return str_uint(buf, id);
}

size_t path_format(char buf[PATH_TEXT_MAX], const struct lwm2m_path *p)
{
	size_t n = 0;

	if (p->depth == 0)
		buf[n++] = '/';
	for (uint8_t i = 0; i < p->depth && i < sizeof(p->ids) / sizeof(p->ids[0]); i++) {
		buf[n++] = '/';
		n += path_format_id(buf + n, p->ids[i]);
	}
	buf[n] = '\0';
	return n;
}
