/*
 * A small pull tokenizer and writer for JSON (RFC 8259), enough for SenML
 * JSON (RFC 8428): no allocation while tokenizing, never reads past n.
 */
#ifndef LWBS_LWM2M_JSONTOK_H
#define LWBS_LWM2M_JSONTOK_H

#include "lwm2m/model.h"
#include "util/buf.h"

enum jsontok_kind {
	JSONTOK_END, /* no more input (only whitespace left) */
	JSONTOK_BEGIN_ARRAY,
	JSONTOK_END_ARRAY,
	JSONTOK_BEGIN_OBJECT,
	JSONTOK_END_OBJECT,
	JSONTOK_COLON,
	JSONTOK_COMMA,
	JSONTOK_STRING, /* text: contents between the quotes, escapes not decoded */
	JSONTOK_NUMBER, /* text: the literal, checked against the RFC 8259 grammar */
	JSONTOK_TRUE,
	JSONTOK_FALSE,
	JSONTOK_NULL,
};

struct jsontok_token {
	enum jsontok_kind kind;
	const char *text; /* points into the input */
	size_t len;
};

struct jsontok_lexer {
	const char *p;
	size_t n;
	size_t pos;
};

/* Start tokenizing p[0..n). */
void jsontok_init(struct jsontok_lexer *lx, const char *p, size_t n);

/*
 * Read the next token into t. Returns 0 or -EBADMSG for input that is no
 * JSON token (t is then untouched).
 */
int jsontok_next(struct jsontok_lexer *lx, struct jsontok_token *t);

/*
 * Skip one complete value whose first token is first (nesting limited to
 * 16 levels). Returns 0 or -EBADMSG.
 */
int jsontok_skip_value(struct jsontok_lexer *lx, const struct jsontok_token *first);

/*
 * Append the decoded contents of a JSONTOK_STRING token as UTF-8 (escapes,
 * including \uXXXX surrogate pairs, resolved). Returns 0, -EBADMSG or -ENOMEM.
 */
int jsontok_unescape(const struct jsontok_token *t, struct buf *out);

/*
 * Convert a JSONTOK_NUMBER token: an integer literal (no fraction, no
 * exponent) becomes LWM2M_TYPE_INTEGER, or LWM2M_TYPE_UNSIGNED above
 * INT64_MAX; anything else LWM2M_TYPE_FLOAT. Returns 0 or -EBADMSG (out is
 * written only on success).
 */
int jsontok_number(const struct jsontok_token *t, struct lwm2m_value *out);

/* Append s[0..n) as a quoted JSON string. Returns 0 or -ENOMEM. */
int jsontok_put_string(struct buf *out, const char *s, size_t n);

/*
 * Append d as the shortest number text that reads back as d, with ".0"
 * when it would otherwise look like an integer. Returns 0, -EINVAL for NaN
 * or infinities (JSON has no text for them) or -ENOMEM.
 */
int jsontok_put_double(struct buf *out, double d);

#endif
