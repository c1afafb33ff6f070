#include "audit/json.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/strjoin.h"

static void json_put(struct json *j, const char *s, size_t n)
{
	if (j->err == 0)
		j->err = buf_append(j->out, s, n);
}

/* Plain characters go out in runs: an audit record is written per bootstrap. */
static void json_escaped(struct json *j, const char *s, size_t n)
{
	char u[8];
	size_t run = 0; /* first character not yet put */

	json_put(j, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			continue;
		json_put(j, s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\') {
			json_put(j, "\\", 1);
			json_put(j, (const char *)&c, 1);
		} else {
			snprintf(u, sizeof(u), "\\u%04x", c);
			json_put(j, u, 6);
		}
	}
	json_put(j, s + run, n - run);
	json_put(j, "\"", 1);
}

/* Comma and key before a value. */
static void json_key(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		json_put(j, ",", 1);
	j->first[j->depth] = false;
	if (key) {
		json_escaped(j, key, strlen(key));
		json_put(j, ":", 1);
	}
}

static void json_open(struct json *j, const char *key, const char *bracket)
{
	json_key(j, key);
	json_put(j, bracket, 1);
	if (j->depth + 1 >= (int)sizeof(j->first)) {
		j->err = -EINVAL;
		return;
	}
	j->first[++j->depth] = true;
}

void json_begin(struct json *j, struct buf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->first[0] = true;
	json_put(j, "{", 1);
	j->first[++j->depth] = true;
}

void json_strn(struct json *j, const char *key, const char *val, size_t n)
{
	json_key(j, key);
	json_escaped(j, val, n);
}

void json_str(struct json *j, const char *key, const char *val)
{
	json_strn(j, key, val, strlen(val));
}

void json_int(struct json *j, const char *key, int64_t val)
{
	char d[21]; /* "-9223372036854775808" */
	size_t n = 0;

	json_key(j, key);
	if (val < 0)
		d[n++] = '-';
	n += str_uint(d + n, val < 0 ? 0 - (uint64_t)val : (uint64_t)val);
	json_put(j, d, n);
}

void json_bool(struct json *j, const char *key, bool val)
{
	json_key(j, key);
	json_put(j, val ? "true" : "false", val ? 4 : 5);
}

void json_real(struct json *j, const char *key, double val)
{
	json_key(j, key);
	if (j->err == 0)
		j->err = buf_printf(j->out, "%.3f", val);
}

void json_null(struct json *j, const char *key)
{
	json_key(j, key);
	json_put(j, "null", 4);
}

void json_array(struct json *j, const char *key)
{
	json_open(j, key, "[");
}

void json_object(struct json *j, const char *key)
{
	json_open(j, key, "{");
}

void json_close_array(struct json *j)
{
	j->depth--;
	json_put(j, "]", 1);
}

void json_close_object(struct json *j)
{
	j->depth--;
	json_put(j, "}", 1);
}

int json_end(struct json *j)
{
	while (j->depth > 0)
		json_close_object(j);
	json_put(j, "\n", 1);
	return j->err;
}
