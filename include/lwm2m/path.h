/*
 * LwM2M paths and object links as text: "/oid/iid/rid/riid" (Core TS 1.2
 * §6.1) and Objlnk "oid:iid" (Core TS 1.2 Appendix C). Pure helpers shared by
 * the SenML and CBOR codecs.
 */
#ifndef LWBS_LWM2M_PATH_H
#define LWBS_LWM2M_PATH_H

#include "lwm2m/model.h"

/* Longest text of a full path, "/65535/65535/65535/65535", plus NUL. */
#define PATH_TEXT_MAX 25
/* Longest text of an Objlnk, "65535:65535", plus NUL. */
#define PATH_OBJLNK_MAX 12

/*
 * Parse s[0..n) as "/" (depth 0) or "/a", "/a/b", ... with 1 to 4 decimal
 * components in 0..65535; a trailing '/' is not accepted. Returns 0 or
 * -EINVAL; out is written only on success.
 */
int path_parse(const char *s, size_t n, struct lwm2m_path *out);

/*
 * Parse the concatenation a[0..an) b[0..bn) as path_parse() does, as SenML
 * joins base name and name (RFC 8428 §4.5.1). Returns 0 or -EINVAL.
 */
int path_parse_joined(const char *a, size_t an, const char *b, size_t bn, struct lwm2m_path *out);

/* True when p is prefix itself or lies below it. */
bool path_is_under(const struct lwm2m_path *p, const struct lwm2m_path *prefix);

/* Parse an Objlnk "oid:iid". Returns 0 or -EINVAL; outputs written only on success. */
int path_parse_objlnk(const char *s, size_t n, uint16_t *oid, uint16_t *iid);

/* Write "oid:iid" and a NUL into buf; returns the text length. */
size_t path_format_objlnk(char buf[PATH_OBJLNK_MAX], uint16_t oid, uint16_t iid);

/* Write id in decimal, no NUL (at most 5 characters); returns the length. */
size_t path_format_id(char buf[5], uint16_t id);

/* Write p as "/" or "/a/b..." and a NUL into buf; returns the text length. */
size_t path_format(char buf[PATH_TEXT_MAX], const struct lwm2m_path *p);

#endif
