#include "lwm2m/jsontok.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSONTOK_MAX_DEPTH 16
/* Longest number literal converted; longer ones are refused rather than allocated. */
#define JSONTOK_NUMBER_MAX 128

void jsontok_init(struct jsontok_lexer *lx, const char *p, size_t n)
{
	lx->p = p;
	lx->n = n;
	lx->pos = 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at s[0..4) (bounds checked by the caller). */
static int hex4(const char *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		int d = hex_value(s[i]);

		if (d < 0)
			return -EBADMSG;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* Length of the escape sequence at s[i] ('\\'), or 0 when malformed. */
static size_t escape_len(const char *s, size_t n, size_t i)
{
	uint32_t cp;

	if (i + 1 >= n)
		return 0;
	if (strchr("\"\\/bfnrt", s[i + 1]) != NULL && s[i + 1] != '\0')
		return 2;
	if (s[i + 1] == 'u' && i + 6 <= n && hex4(s + i + 2, &cp) == 0)
		return 6;
	return 0;
}

static int lex_string(struct jsontok_lexer *lx, struct jsontok_token *t)
{
	size_t i = lx->pos + 1;

	while (i < lx->n && lx->p[i] != '"') {
		size_t step = 1;

		if ((unsigned char)lx->p[i] < 0x20)
			return -EBADMSG;
		if (lx->p[i] == '\\' && (step = escape_len(lx->p, lx->n, i)) == 0)
			return -EBADMSG;
		i += step;
	}
	if (i >= lx->n)
		return -EBADMSG;
	t->kind = JSONTOK_STRING;
	t->text = lx->p + lx->pos + 1;
	t->len = i - lx->pos - 1;
	lx->pos = i + 1;
	return 0;
}

static size_t skip_digits(const char *p, size_t n, size_t i)
{
	while (i < n && is_digit(p[i]))
		i++;
	return i;
}

/* End of the number starting at i per RFC 8259 §6, or 0 when malformed. */
static size_t number_end(const char *p, size_t n, size_t i)
{
	size_t j;

	if (i < n && p[i] == '-')
		i++;
	if (i >= n || !is_digit(p[i]))
		return 0;
	i = p[i] == '0' ? i + 1 : skip_digits(p, n, i);
	if (i < n && p[i] == '.') {
		j = skip_digits(p, n, i + 1);
		if (j == i + 1)
			return 0;
		i = j;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		j = skip_digits(p, n, i);
		if (j == i)
			return 0;
		i = j;
	}
	return i;
}

static int lex_word(struct jsontok_lexer *lx, struct jsontok_token *t, const char *word,
                    enum jsontok_kind kind)
{
	size_t len = strlen(word);

	if (lx->n - lx->pos < len || memcmp(lx->p + lx->pos, word, len) != 0)
		return -EBADMSG;
	t->kind = kind;
	t->text = lx->p + lx->pos;
	t->len = len;
	lx->pos += len;
	return 0;
}

static int lex_number(struct jsontok_lexer *lx, struct jsontok_token *t)
{
	size_t end = number_end(lx->p, lx->n, lx->pos);

	if (end == 0)
		return -EBADMSG;
	t->kind = JSONTOK_NUMBER;
	t->text = lx->p + lx->pos;
	t->len = end - lx->pos;
	lx->pos = end;
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static enum jsontok_kind punct_kind(char c)
{
	switch (c) {
	case '[':
		return JSONTOK_BEGIN_ARRAY;
	case ']':
		return JSONTOK_END_ARRAY;
	case '{':
		return JSONTOK_BEGIN_OBJECT;
	case '}':
		return JSONTOK_END_OBJECT;
	case ':':
		return JSONTOK_COLON;
	case ',':
		return JSONTOK_COMMA;
	default:
		return JSONTOK_END;
	}
}

int jsontok_next(struct jsontok_lexer *lx, struct jsontok_token *t)
{
	char c;

	while (lx->pos < lx->n && is_space(lx->p[lx->pos]))
		lx->pos++;
	if (lx->pos >= lx->n) {
		t->kind = JSONTOK_END;
		t->text = NULL;
		t->len = 0;
		return 0;
	}
	c = lx->p[lx->pos];
	if (punct_kind(c) != JSONTOK_END) {
		t->kind = punct_kind(c);
		t->text = lx->p + lx->pos++;
		t->len = 1;
		return 0;
	}
	if (c == '"')
		return lex_string(lx, t);
	if (c == 't')
		return lex_word(lx, t, "true", JSONTOK_TRUE);
	if (c == 'f')
		return lex_word(lx, t, "false", JSONTOK_FALSE);
	if (c == 'n')
		return lex_word(lx, t, "null", JSONTOK_NULL);
	return lex_number(lx, t);
}

static int skip_value(struct jsontok_lexer *lx, const struct jsontok_token *first, int depth);

/* After '[' or '{': members up to the matching close. */
static int skip_members(struct jsontok_lexer *lx, bool object, int depth)
{
	enum jsontok_kind close = object ? JSONTOK_END_OBJECT : JSONTOK_END_ARRAY;
	struct jsontok_token t;
	int rc = jsontok_next(lx, &t);

	if (rc == 0 && t.kind == close)
		return 0;
	while (rc == 0) {
		if (object && (t.kind != JSONTOK_STRING || jsontok_next(lx, &t) < 0 ||
		               t.kind != JSONTOK_COLON || jsontok_next(lx, &t) < 0))
			return -EBADMSG;
		rc = skip_value(lx, &t, depth + 1);
		if (rc == 0)
			rc = jsontok_next(lx, &t);
		if (rc == 0 && t.kind == close)
			return 0;
		if (rc == 0 && t.kind != JSONTOK_COMMA)
			return -EBADMSG;
		if (rc == 0)
			rc = jsontok_next(lx, &t);
	}
	return rc;
}

static int skip_value(struct jsontok_lexer *lx, const struct jsontok_token *first, int depth)
{
	switch (first->kind) {
	case JSONTOK_STRING:
	case JSONTOK_NUMBER:
	case JSONTOK_TRUE:
	case JSONTOK_FALSE:
	case JSONTOK_NULL:
		return 0;
	case JSONTOK_BEGIN_ARRAY:
	case JSONTOK_BEGIN_OBJECT:
		if (depth >= JSONTOK_MAX_DEPTH)
			return -EBADMSG;
		return skip_members(lx, first->kind == JSONTOK_BEGIN_OBJECT, depth);
	default:
		return -EBADMSG;
	}
}

int jsontok_skip_value(struct jsontok_lexer *lx, const struct jsontok_token *first)
{
	return skip_value(lx, first, 0);
}

static int put_utf8(struct buf *out, uint32_t cp)
{
	uint8_t u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xc0 | cp >> 6);
		u[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xe0 | cp >> 12);
		u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xf0 | cp >> 18);
		u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_append(out, u, n);
}

/* "\uXXXX" at s[*i], with its low surrogate when it is a high one. */
static int unescape_u(const char *s, size_t n, size_t *i, struct buf *out)
{
	uint32_t cp, lo;

	if (*i + 6 > n || hex4(s + *i + 2, &cp) < 0)
		return -EBADMSG;
	*i += 6;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return -EBADMSG;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (*i + 6 > n || s[*i] != '\\' || s[*i + 1] != 'u' || hex4(s + *i + 2, &lo) < 0 ||
		    lo < 0xdc00 || lo > 0xdfff)
			return -EBADMSG;
		*i += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	return put_utf8(out, cp);
}

static int unescape_one(const char *s, size_t n, size_t *i, struct buf *out)
{
	static const char from[] = "\"\\/bfnrt";
	static const char to[] = "\"\\/\b\f\n\r\t";
	const char *hit;

	if (*i + 1 >= n)
		return -EBADMSG;
	if (s[*i + 1] == 'u')
		return unescape_u(s, n, i, out);
	hit = s[*i + 1] != '\0' ? strchr(from, s[*i + 1]) : NULL;
	if (hit == NULL)
		return -EBADMSG;
	*i += 2;
	return buf_putc(out, (uint8_t)to[hit - from]);
}

int jsontok_unescape(const struct jsontok_token *t, struct buf *out)
{
	size_t i = 0;
	int rc = 0;

	if (t->kind != JSONTOK_STRING)
		return -EBADMSG;
	while (rc == 0 && i < t->len) {
		size_t run = i;

		while (run < t->len && t->text[run] != '\\')
			run++;
		rc = buf_append(out, t->text + i, run - i);
		i = run;
		if (rc == 0 && i < t->len)
			rc = unescape_one(t->text, t->len, &i, out);
	}
	return rc;
}

/* Integer literal: INTEGER, UNSIGNED beyond INT64_MAX; -ERANGE beyond 64 bits. */
static int integer_value(const char *s, size_t n, struct lwm2m_value *out)
{
	bool neg = s[0] == '-';
	uint64_t mag = 0;

	for (size_t i = neg ? 1 : 0; i < n; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (mag > (UINT64_MAX - d) / 10)
			return -ERANGE;
		mag = mag * 10 + d;
	}
	if (neg && mag > (uint64_t)INT64_MAX + 1)
		return -ERANGE;
	if (neg) {
		out->type = LWM2M_TYPE_INTEGER;
		out->v.i = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		out->type = mag <= INT64_MAX ? LWM2M_TYPE_INTEGER : LWM2M_TYPE_UNSIGNED;
		out->v.u = mag;
		if (mag <= INT64_MAX)
			out->v.i = (int64_t)mag;
	}
	return 0;
}

static bool has_fraction_or_exponent(const char *s, size_t n)
{
	return memchr(s, '.', n) != NULL || memchr(s, 'e', n) != NULL || memchr(s, 'E', n) != NULL;
}

int jsontok_number(const struct jsontok_token *t, struct lwm2m_value *out)
{
	char text[JSONTOK_NUMBER_MAX];
	struct lwm2m_value v = {0};
	double d;

	if (t->kind != JSONTOK_NUMBER || t->len == 0 || t->len >= sizeof(text) ||
	    number_end(t->text, t->len, 0) != t->len)
		return -EBADMSG;
	if (!has_fraction_or_exponent(t->text, t->len) && integer_value(t->text, t->len, &v) == 0) {
		*out = v;
		return 0;
	}
	memcpy(text, t->text, t->len);
	text[t->len] = '\0';
	/* The daemon never calls setlocale(), so strtod() reads '.' as the decimal point. */
	d = strtod(text, NULL);
	if (!isfinite(d))
		return -EBADMSG;
	out->type = LWM2M_TYPE_FLOAT;
	out->v.f = d;
	return 0;
}

static int put_escaped(struct buf *out, uint8_t c)
{
	static const char from[] = "\"\\\b\f\n\r\t";
	static const char to[] = "\"\\bfnrt";
	const char *hit = c != 0 ? strchr(from, c) : NULL;
	char esc[2] = {'\\', 0};

	if (hit != NULL) {
		esc[1] = to[hit - from];
		return buf_append(out, esc, 2);
	}
	return buf_printf(out, "\\u%04x", c);
}

int jsontok_put_string(struct buf *out, const char *s, size_t n)
{
	size_t i = 0;
	int rc = buf_putc(out, '"');

	while (rc == 0 && i < n) {
		size_t run = i;

		while (run < n && s[run] != '"' && s[run] != '\\' && (unsigned char)s[run] >= 0x20)
			run++;
		rc = buf_append(out, s + i, run - i);
		i = run;
		if (rc == 0 && i < n)
			rc = put_escaped(out, (uint8_t)s[i++]);
	}
	return rc == 0 ? buf_putc(out, '"') : rc;
}

int jsontok_put_double(struct buf *out, double d)
{
	char text[40];
	int len = 0;

	if (!isfinite(d))
		return -EINVAL;
	for (int prec = 1; prec <= 17; prec++) {
		len = snprintf(text, sizeof(text), "%.*g", prec, d);
		if (strtod(text, NULL) == d)
			break;
	}
	if (len <= 0 || (size_t)len >= sizeof(text) - 2)
		return -EINVAL;
	if (strpbrk(text, ".e") == NULL)
		memcpy(text + len, ".0", 3);
	return buf_append(out, text, strlen(text));
}
