/*
 * A small JSON object writer for audit records and command output:
 * json_begin(), then fields, then json_end(). Strings are escaped (RFC 8259
 * §7); bytes outside printable ASCII become \u00XX.
 */
#ifndef LWBS_AUDIT_JSON_H
#define LWBS_AUDIT_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"

struct json {
	struct buf *out;
	int depth;
	bool first[8]; /* per nesting level: no comma needed yet */
	int err;       /* first error (-ENOMEM); writes are no-ops afterwards */
};

void json_begin(struct json *j, struct buf *out);
void json_str(struct json *j, const char *key, const char *val);
void json_strn(struct json *j, const char *key, const char *val, size_t n);
void json_int(struct json *j, const char *key, int64_t val);
void json_bool(struct json *j, const char *key, bool val);
/* A number with three decimals ("%.3f"). */
void json_real(struct json *j, const char *key, double val);
void json_null(struct json *j, const char *key);
/* Open a nested array/object; key NULL inside arrays. */
void json_array(struct json *j, const char *key);
void json_object(struct json *j, const char *key);
void json_close_array(struct json *j);
void json_close_object(struct json *j);
/* Close the top-level object, append '\n'. Returns 0 or the first error. */
int json_end(struct json *j);

#endif
