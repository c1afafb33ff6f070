/* Helpers shared by the LwM2M codec unit tests (header-only, static inline). */
#ifndef LWBS_TESTS_LWM2M_TESTUTIL_H
#define LWBS_TESTS_LWM2M_TESTUTIL_H

#include <check.h>
#include <string.h>

#include "lwm2m/codec.h"

/* Decode hex digits (spaces ignored) into out; returns the byte count. */
static inline size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int d;

		if (*hex == ' ' || *hex == '\n')
			continue;
		d = (*hex >= '0' && *hex <= '9')   ? *hex - '0'
		    : (*hex >= 'a' && *hex <= 'f') ? *hex - 'a' + 10
		                                   : *hex - 'A' + 10;
		if (hi < 0) {
			hi = d;
			continue;
		}
		ck_assert_uint_lt(n, cap);
		out[n++] = (uint8_t)(hi << 4 | d);
		hi = -1;
	}
	ck_assert_int_lt(hi, 0);
	return n;
}

/* Assert that b holds exactly the bytes of hex. */
static inline void assert_hex(const struct buf *b, const char *hex)
{
	uint8_t want[1024];
	size_t n = unhex(hex, want, sizeof(want));

	ck_assert_uint_eq(b->len, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(b->data[i] == want[i], "byte %zu: got %02x, want %02x", i, b->data[i],
		              want[i]);
}

static inline struct lwm2m_value val_str(const char *s)
{
	struct lwm2m_value v = {.type = LWM2M_TYPE_STRING};

	v.v.bytes.data = (const uint8_t *)s;
	v.v.bytes.len = strlen(s);
	return v;
}

static inline struct lwm2m_value val_opaque(const void *p, size_t n)
{
	struct lwm2m_value v = {.type = LWM2M_TYPE_OPAQUE};

	v.v.bytes.data = p;
	v.v.bytes.len = n;
	return v;
}

static inline struct lwm2m_value val_int(int64_t i)
{
	struct lwm2m_value v = {.type = LWM2M_TYPE_INTEGER};

	v.v.i = i;
	return v;
}

static inline struct lwm2m_value val_typed_int(enum lwm2m_type t, int64_t i)
{
	struct lwm2m_value v = {.type = t};

	v.v.i = i;
	return v;
}

static inline struct lwm2m_value val_uint(uint64_t u)
{
	struct lwm2m_value v = {.type = LWM2M_TYPE_UNSIGNED};

	v.v.u = u;
	return v;
}

static inline struct lwm2m_value val_float(double f)
{
	struct lwm2m_value v = {.type = LWM2M_TYPE_FLOAT};

	v.v.f = f;
	return v;
}

static inline struct lwm2m_value val_bool(bool b)
{
	struct lwm2m_value v = {.type = LWM2M_TYPE_BOOLEAN};

	v.v.b = b;
	return v;
}

static inline struct lwm2m_value val_objlnk(uint16_t oid, uint16_t iid)
{
	struct lwm2m_value v = {.type = LWM2M_TYPE_OBJLNK};

	v.v.objlnk.oid = oid;
	v.v.objlnk.iid = iid;
	return v;
}

static inline bool value_eq(const struct lwm2m_value *a, const struct lwm2m_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case LWM2M_TYPE_INTEGER:
	case LWM2M_TYPE_TIME:
		return a->v.i == b->v.i;
	case LWM2M_TYPE_UNSIGNED:
		return a->v.u == b->v.u;
	case LWM2M_TYPE_FLOAT:
		return a->v.f == b->v.f;
	case LWM2M_TYPE_BOOLEAN:
		return a->v.b == b->v.b;
	case LWM2M_TYPE_OBJLNK:
		return a->v.objlnk.oid == b->v.objlnk.oid && a->v.objlnk.iid == b->v.objlnk.iid;
	default:
		return a->v.bytes.len == b->v.bytes.len &&
		       (a->v.bytes.len == 0 ||
		        memcmp(a->v.bytes.data, b->v.bytes.data, a->v.bytes.len) == 0);
	}
}

/* Assert record i is at path /a/b/c[/d] (d < 0: depth 3). */
static inline void assert_path(const struct lwm2m_records *rs, size_t i, int a, int b, int c, int d)
{
	const struct lwm2m_path *p;

	ck_assert_uint_lt(i, rs->n);
	p = &rs->items[i].path;
	ck_assert_uint_eq(p->depth, d < 0 ? 3 : 4);
	ck_assert_int_eq(p->ids[0], a);
	ck_assert_int_eq(p->ids[1], b);
	ck_assert_int_eq(p->ids[2], c);
	if (d >= 0)
		ck_assert_int_eq(p->ids[3], d);
}

/* Assert record i, converted to want's type, equals want. */
static inline void assert_value(const struct lwm2m_records *rs, size_t i, struct lwm2m_value want)
{
	struct lwm2m_value got;

	ck_assert_uint_lt(i, rs->n);
	ck_assert_int_eq(codec_value_as(&rs->items[i].value, want.type, &got), 0);
	ck_assert_msg(value_eq(&got, &want), "record %zu differs", i);
}

static inline struct lwm2m_path mkpath(int depth, int a, int b, int c)
{
	struct lwm2m_path p = {.depth = (uint8_t)depth};

	p.ids[0] = (uint16_t)a;
	p.ids[1] = (uint16_t)b;
	p.ids[2] = (uint16_t)c;
	return p;
}

/*
 * The Device object instance /3/0 of the OMA examples (Core TS 1.0 §6.4.3.1,
 * Core TS 1.1 Table 7.4.4-2): resources 0-3, 6-11, 13, 14, 16.
 */
#define DEVICE_RESOURCES(r)                                                                        \
	struct lwm2m_resource r[] = {                                                              \
	    {0, LWM2M_NO_RIID, val_str("Open Mobile Alliance")},                                   \
	    {1, LWM2M_NO_RIID, val_str("Lightweight M2M Client")},                                 \
	    {2, LWM2M_NO_RIID, val_str("345000123")},                                              \
	    {3, LWM2M_NO_RIID, val_str("1.0")},                                                    \
	    {6, 0, val_int(1)},                                                                    \
	    {6, 1, val_int(5)},                                                                    \
	    {7, 0, val_int(3800)},                                                                 \
	    {7, 1, val_int(5000)},                                                                 \
	    {8, 0, val_int(125)},                                                                  \
	    {8, 1, val_int(900)},                                                                  \
	    {9, LWM2M_NO_RIID, val_int(100)},                                                      \
	    {10, LWM2M_NO_RIID, val_int(15)},                                                      \
	    {11, 0, val_int(0)},                                                                   \
	    {13, LWM2M_NO_RIID, val_typed_int(LWM2M_TYPE_TIME, 1367491215)},                       \
	    {14, LWM2M_NO_RIID, val_str("+02:00")},                                                \
	    {16, LWM2M_NO_RIID, val_str("U")},                                                     \
	}

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#endif
