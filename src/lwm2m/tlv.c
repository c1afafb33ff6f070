#include "lwm2m/tlv.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "lwm2m/instance.h"
#include "lwm2m/records.h"

/* Identifier types, bits 7-6 of the type byte (Core TS 1.0 Table 6.4.3-1). */
enum tlv_kind {
	TLV_OBJECT_INSTANCE = 0,
	TLV_RESOURCE_INSTANCE = 1,
	TLV_MULTIPLE_RESOURCE = 2,
	TLV_RESOURCE = 3,
};

#define TLV_MAX_LEN 0xffffffu /* three length bytes */

struct tlv {
	enum tlv_kind kind;
	uint16_t id;
	const uint8_t *val;
	size_t len;
};

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static size_t length_bytes(size_t len)
{
	return len < 8 ? 0 : len <= 0xff ? 1 : len <= 0xffff ? 2 : 3;
}

static size_t header_len(uint16_t id, size_t len)
{
	return 1 + (id > 0xff ? 2 : 1) + length_bytes(len);
}

static int put_header(struct buf *out, enum tlv_kind kind, uint16_t id, size_t len)
{
	uint8_t h[6];
	size_t idn = id > 0xff ? 2 : 1, lenn = length_bytes(len);

	if (len > TLV_MAX_LEN)
		return -EINVAL;
	h[0] = (uint8_t)((unsigned)kind << 6 | (idn == 2 ? 0x20 : 0) | lenn << 3 |
	                 (lenn == 0 ? len : 0));
	put_be(h + 1, id, idn);
	put_be(h + 1 + idn, len, lenn);
	return buf_append(out, h, 1 + idn + lenn);
}

/* Bytes of the smallest two's complement of 1, 2, 4 or 8 bytes holding v. */
static size_t int_size(int64_t v)
{
	if (v >= INT8_MIN && v <= INT8_MAX)
		return 1;
	if (v >= INT16_MIN && v <= INT16_MAX)
		return 2;
	return v >= INT32_MIN && v <= INT32_MAX ? 4 : 8;
}

static size_t float_bits(double d, uint64_t *bits)
{
	float f;
	uint32_t u32;

	if (fabs(d) <= FLT_MAX && (double)(f = (float)d) == d) {
		memcpy(&u32, &f, 4);
		*bits = u32;
		return 4;
	}
	memcpy(bits, &d, 8);
	return 8;
}

/*
 * The value bytes of v: scalars are written to scratch. Unsigned values
 * take the smallest size that also reads back right as a signed integer
 * (200 -> 00 C8, not C8), since 1.0 clients only know signed integers.
 */
static void value_bytes(const struct lwm2m_value *v, uint8_t scratch[8], struct lwm2m_bytes *out)
{
	uint64_t bits = 0;
	size_t n = 0;

	out->data = scratch;
	switch (v->type) {
	case LWM2M_TYPE_INTEGER:
	case LWM2M_TYPE_TIME:
		n = int_size(v->v.i);
		bits = (uint64_t)v->v.i;
		break;
	case LWM2M_TYPE_UNSIGNED:
		n = v->v.u <= INT64_MAX ? int_size((int64_t)v->v.u) : 8;
		bits = v->v.u;
		break;
	case LWM2M_TYPE_FLOAT:
		n = float_bits(v->v.f, &bits);
		break;
	case LWM2M_TYPE_BOOLEAN:
		n = 1;
		bits = v->v.b;
		break;
	case LWM2M_TYPE_OBJLNK:
		n = 4;
		bits = (uint64_t)v->v.objlnk.oid << 16 | v->v.objlnk.iid;
		break;
	default:
		*out = v->v.bytes;
		return;
	}
	put_be(scratch, bits, n);
	out->len = n;
}

static int put_entry(struct buf *out, enum tlv_kind kind, uint16_t id, const struct lwm2m_value *v)
{
	uint8_t scratch[8];
	struct lwm2m_bytes b;
	int rc;

	value_bytes(v, scratch, &b);
	rc = put_header(out, kind, id, b.len);
	return rc == 0 ? buf_append(out, b.data, b.len) : rc;
}

static int put_multiple(struct buf *out, const struct instance_group *g)
{
	uint8_t scratch[8];
	struct lwm2m_bytes b;
	size_t total = 0;
	int rc;

	for (size_t i = 0; i < g->n; i++) {
		value_bytes(&g->res[i].value, scratch, &b);
		if (b.len > TLV_MAX_LEN)
			return -EINVAL;
		total += header_len((uint16_t)g->res[i].riid, b.len) + b.len;
	}
	rc = put_header(out, TLV_MULTIPLE_RESOURCE, g->rid, total);
	for (size_t i = 0; rc == 0 && i < g->n; i++)
		rc = put_entry(out, TLV_RESOURCE_INSTANCE, (uint16_t)g->res[i].riid,
		               &g->res[i].value);
	return rc;
}

int tlv_encode_instance(const struct lwm2m_instance *inst, struct buf *out)
{
	struct instance_group g;
	size_t pos = 0;
	int rc = instance_check(inst);

	while (rc == 0 && instance_next_group(inst, &pos, &g))
		rc = g.multiple ? put_multiple(out, &g)
		                : put_entry(out, TLV_RESOURCE, g.rid, &g.res[0].value);
	return rc;
}

/* One TLV at p[*pos..n); moves *pos past it. */
static int tlv_read(const uint8_t *p, size_t n, size_t *pos, struct tlv *t)
{
	size_t i = *pos, idn, lenn, len;
	uint8_t type;

	if (i >= n)
		return -EBADMSG;
	type = p[i++];
	idn = (type & 0x20) ? 2 : 1;
	lenn = (type >> 3) & 3;
	if (idn + lenn > n - i)
		return -EBADMSG;
	t->kind = (enum tlv_kind)(type >> 6);
	t->id = (uint16_t)(idn == 2 ? p[i] << 8 | p[i + 1] : p[i]);
	i += idn;
	len = lenn == 0 ? (size_t)(type & 7) : 0;
	for (size_t k = 0; k < lenn; k++)
		len = len << 8 | p[i++];
	if (len > n - i)
		return -EBADMSG;
	t->val = p + i;
	t->len = len;
	*pos = i + len;
	return 0;
}

/* What a TLV sequence may hold: the contents of /oid, of an instance, of a multiple resource. */
enum level {
	IN_OBJECT,
	IN_INSTANCE,
	IN_MULTIPLE,
};

static int decode_level(enum level lvl, const struct lwm2m_path *base, const uint8_t *p, size_t n,
                        struct lwm2m_records *out);

static int emit(const struct lwm2m_path *path, const struct tlv *t, struct lwm2m_records *out)
{
	struct lwm2m_value v = {.type = LWM2M_TYPE_NONE};

	v.v.bytes.data = t->val;
	v.v.bytes.len = t->len;
	return records_add(out, path, &v);
}

/* One TLV found at level lvl below base. */
static int decode_entry(enum level lvl, const struct lwm2m_path *base, const struct tlv *t,
                        struct lwm2m_records *out)
{
	struct lwm2m_path child = *base;

	child.ids[child.depth++] = t->id;
	if (lvl == IN_OBJECT && t->kind == TLV_OBJECT_INSTANCE)
		return decode_level(IN_INSTANCE, &child, t->val, t->len, out);
	if (lvl == IN_INSTANCE && t->kind == TLV_RESOURCE)
		return emit(&child, t, out);
	if (lvl == IN_INSTANCE && t->kind == TLV_MULTIPLE_RESOURCE)
		return decode_level(IN_MULTIPLE, &child, t->val, t->len, out);
	if (lvl == IN_MULTIPLE && t->kind == TLV_RESOURCE_INSTANCE)
		return emit(&child, t, out);
	return -EBADMSG;
}

static int decode_level(enum level lvl, const struct lwm2m_path *base, const uint8_t *p, size_t n,
                        struct lwm2m_records *out)
{
	size_t pos = 0;
	struct tlv t;
	int rc = 0;

	while (rc == 0 && pos < n) {
		rc = tlv_read(p, n, &pos, &t);
		if (rc == 0)
			rc = decode_entry(lvl, base, &t, out);
	}
	return rc;
}

/*
 * A top-level TLV of a payload for target. Entries whose ids do not match
 * the target are decoded anyway and refused by the caller's path check.
 */
static int decode_top(const struct lwm2m_path *target, const struct tlv *t,
                      struct lwm2m_records *out)
{
	struct lwm2m_path parent = *target;

	parent.depth--;
	switch (target->depth) {
	case 1:
		return decode_entry(IN_OBJECT, target, t, out);
	case 2:
		/* Servers send both bare resources and one Object Instance TLV around them. */
		if (t->kind == TLV_OBJECT_INSTANCE && t->id == target->ids[1])
			return decode_level(IN_INSTANCE, target, t->val, t->len, out);
		return decode_entry(IN_INSTANCE, target, t, out);
	case 3:
		if (t->kind == TLV_RESOURCE_INSTANCE)
			return decode_entry(IN_MULTIPLE, target, t, out);
		return decode_entry(IN_INSTANCE, &parent, t, out);
	case 4:
		return decode_entry(IN_MULTIPLE, &parent, t, out);
	default:
		return -EBADMSG;
	}
}

int tlv_decode(const struct lwm2m_path *target, const uint8_t *p, size_t n,
               struct lwm2m_records *out)
{
	size_t pos = 0;
	struct tlv t;
	int rc = 0;

	while (rc == 0 && pos < n) {
		rc = tlv_read(p, n, &pos, &t);
		if (rc == 0)
			rc = decode_top(target, &t, out);
	}
	return rc;
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static int read_float(const struct lwm2m_bytes *raw, struct lwm2m_value *v)
{
	uint64_t u;
	uint32_t u32;
	float f;

	if (raw->len != 4 && raw->len != 8)
		return -EINVAL;
	u = get_be(raw->data, raw->len);
	if (raw->len == 8) {
		memcpy(&v->v.f, &u, 8);
		return 0;
	}
	u32 = (uint32_t)u;
	memcpy(&f, &u32, 4);
	v->v.f = f;
	return 0;
}

static int read_integer(const struct lwm2m_bytes *raw, enum lwm2m_type t, struct lwm2m_value *v)
{
	uint64_t u;
	unsigned shift;

	if (raw->len != 1 && raw->len != 2 && raw->len != 4 && raw->len != 8)
		return -EINVAL;
	u = get_be(raw->data, raw->len);
	shift = (unsigned)(64 - 8 * raw->len);
	if (t == LWM2M_TYPE_UNSIGNED)
		v->v.u = u;
	else /* sign-extend from the top bit of the value */
		v->v.i = (int64_t)(u << shift) >> shift;
	return 0;
}

int tlv_value_as(const struct lwm2m_bytes *raw, enum lwm2m_type t, struct lwm2m_value *out)
{
	struct lwm2m_value v = {.type = t};
	int rc = 0;

	switch (t) {
	case LWM2M_TYPE_INTEGER:
	case LWM2M_TYPE_TIME:
	case LWM2M_TYPE_UNSIGNED:
		rc = read_integer(raw, t, &v);
		break;
	case LWM2M_TYPE_FLOAT:
		rc = read_float(raw, &v);
		break;
	case LWM2M_TYPE_BOOLEAN:
		if (raw->len != 1 || raw->data[0] > 1)
			return -EINVAL;
		v.v.b = raw->data[0] == 1;
		break;
	case LWM2M_TYPE_OBJLNK:
		if (raw->len != 4)
			return -EINVAL;
		v.v.objlnk.oid = (uint16_t)get_be(raw->data, 2);
		v.v.objlnk.iid = (uint16_t)get_be(raw->data + 2, 2);
		break;
	default:
		v.v.bytes = *raw;
		break;
	}
	if (rc == 0)
		*out = v;
	return rc;
}
