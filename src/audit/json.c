#include "audit/json.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/strjoin.h"

static void json_put(struct json *j, const char *s, size_t n)
{
	if (j->err == 0)
		j->err = buf_append(j->out, s, n);
}

/*
 * Whether any of the 8 bytes of w must be escaped: a control character
 * (< 0x20), '"', '\\', DEL or a byte >= 0x80 (RFC 8259 §7 asks only for the
 * first three; lwbsd escapes the rest so a record stays ASCII). Exact for the
 * word as a whole, not per byte: w's high bits catch bytes >= 0x80; with
 * every byte below 0x80, a byte-wise subtraction sets a byte's high bit
 * (borrowing from the next) exactly when that byte is below the subtrahend,
 * so "w - 0x20" finds controls and "(w ^ c) - 1" finds bytes equal to c.
 */
static bool word_needs_escape(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, highs = ones * 0x80;

	return ((w | (w - ones * 0x20) | ((w ^ (ones * '"')) - ones) |
		 ((w ^ (ones * '\\')) - ones) | ((w ^ (ones * 0x7f)) - ones)) &
		highs) != 0;
}

/*
 * Append lead (unless '\0'), s as a JSON string, and tail (unless '\0'),
 * written straight into reserved room, plain text 8 bytes at a time: an
 * audit record is written per bootstrap, some forty strings each.
 */
static void json_quoted(struct json *j, char lead, const char *s, size_t n, char tail)
{
	static const char hex[] = "0123456789abcdef";
	struct buf *b = j->out;
	char *o;

	if (j->err != 0)
		return;
	if (n > (SIZE_MAX - 4) / 6) {
		j->err = -ENOMEM;
		return;
	}
	if ((j->err = buf_reserve(b, 6 * n + 4)) != 0)
		return;
	o = (char *)b->data + b->len;
	if (lead != '\0')
		*o++ = lead;
	*o++ = '"';
	for (size_t i = 0; i < n;) {
		uint64_t w;
		if (n - i >= sizeof(w)) {
			memcpy(&w, s + i, sizeof(w));
			if (!word_needs_escape(w)) {
				memcpy(o, &w, sizeof(w));
				o += sizeof(w);
				i += sizeof(w);
				continue;
			}
		}
		unsigned char c = (unsigned char)s[i++];
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			memcpy(o, "\\u00", 4);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 15];
			o += 6;
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = '"';
	if (tail != '\0')
		*o++ = tail;
	b->len = (size_t)(o - (char *)b->data);
}

/* Comma and key before a value. */
static void json_key(struct json *j, const char *key)
{
	char comma = j->first[j->depth] ? '\0' : ',';

	j->first[j->depth] = false;
	if (key)
		json_quoted(j, comma, key, strlen(key), ':');
	else if (comma != '\0')
		json_put(j, ",", 1);
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
	json_quoted(j, '\0', val, n, '\0');
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
