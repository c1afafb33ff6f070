#include "lwm2m/cbor.h"
#include "lwm2m/path.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

#define CBOR_MAX_DEPTH 16

enum {
	MAJOR_UINT = 0,
	MAJOR_NINT = 1,
	MAJOR_BYTES = 2,
	MAJOR_TEXT = 3,
	MAJOR_ARRAY = 4,
	MAJOR_MAP = 5,
	MAJOR_TAG = 6,
	MAJOR_SIMPLE = 7,
};

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Head with the shortest argument (RFC 8949 §3, preferred serialization). */
static int put_head(struct buf *b, unsigned major, uint64_t v)
{
	uint8_t h[9];
	size_t n;

	if (v < 24) {
		h[0] = (uint8_t)(major << 5 | v);
		return buf_append(b, h, 1);
	}
	n = v <= UINT8_MAX ? 1 : v <= UINT16_MAX ? 2 : v <= UINT32_MAX ? 4 : 8;
	h[0] = (uint8_t)(major << 5 | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27));
	put_be(h + 1, v, n);
	return buf_append(b, h, n + 1);
}

int cbor_put_uint(struct buf *b, uint64_t v)
{
	return put_head(b, MAJOR_UINT, v);
}

int cbor_put_int(struct buf *b, int64_t v)
{
	if (v >= 0)
		return put_head(b, MAJOR_UINT, (uint64_t)v);
	return put_head(b, MAJOR_NINT, (uint64_t)(-1 - v));
}

static int put_string(struct buf *b, unsigned major, const void *p, size_t n)
{
	int rc = buf_reserve(b, n + 9);

	if (rc == 0)
		rc = put_head(b, major, n);
	return rc == 0 ? buf_append(b, p, n) : rc;
}

int cbor_put_bytes(struct buf *b, const void *p, size_t n)
{
	return put_string(b, MAJOR_BYTES, p, n);
}

int cbor_put_text(struct buf *b, const char *s, size_t n)
{
	return put_string(b, MAJOR_TEXT, s, n);
}

int cbor_put_array(struct buf *b, uint64_t n_items)
{
	return put_head(b, MAJOR_ARRAY, n_items);
}

int cbor_put_map(struct buf *b, uint64_t n_pairs)
{
	return put_head(b, MAJOR_MAP, n_pairs);
}

int cbor_put_bool(struct buf *b, bool v)
{
	return buf_putc(b, v ? 0xf5 : 0xf4);
}

/* Half-precision bits of d when d is exactly representable there. */
static bool half_of(double d, uint16_t *h)
{
	uint16_t sign = signbit(d) ? 0x8000 : 0;
	double a = fabs(d), m;
	int e;

	if (isnan(d)) {
		*h = 0x7e00;
		return true;
	}
	if (isinf(a) || a == 0) {
		*h = sign | (isinf(a) ? 0x7c00 : 0);
		return true;
	}
	m = frexp(a, &e); /* a = m * 2^e, m in [0.5, 1) */
	if (e >= -13 && e <= 16) {
		double frac = (2 * m - 1) * 1024;

		if (frac != floor(frac))
			return false;
		*h = sign | (uint16_t)((e + 14) << 10) | (uint16_t)frac;
		return true;
	}
	m = ldexp(a, 24); /* subnormal: a = f * 2^-24, f < 1024 */
	if (m != floor(m) || m >= 1024)
		return false;
	*h = sign | (uint16_t)m;
	return true;
}

int cbor_put_float(struct buf *b, double d)
{
	uint8_t out[9];
	uint16_t h;
	float f;
	uint32_t u32;
	uint64_t u64;

	if (half_of(d, &h)) {
		out[0] = 0xf9;
		put_be(out + 1, h, 2);
		return buf_append(b, out, 3);
	}
	f = (float)(fabs(d) <= FLT_MAX ? d : 0);
	if (fabs(d) <= FLT_MAX && (double)f == d) {
		memcpy(&u32, &f, 4);
		out[0] = 0xfa;
		put_be(out + 1, u32, 4);
		return buf_append(b, out, 5);
	}
	memcpy(&u64, &d, 8);
	out[0] = 0xfb;
	put_be(out + 1, u64, 8);
	return buf_append(b, out, 9);
}

void cbor_reader_init(struct cbor_reader *r, const uint8_t *p, size_t n)
{
	r->p = p;
	r->n = n;
	r->pos = 0;
}

bool cbor_at_end(const struct cbor_reader *r)
{
	return r->pos >= r->n;
}

static int take(struct cbor_reader *r, size_t n, const uint8_t **out)
{
	if (n > r->n - r->pos)
		return -EBADMSG;
	*out = r->p + r->pos;
	r->pos += n;
	return 0;
}

/* The argument of a head whose additional information is ai (< 28). */
static int read_arg(struct cbor_reader *r, unsigned ai, uint64_t *v)
{
	const uint8_t *p;
	size_t n;

	if (ai < 24) {
		*v = ai;
		return 0;
	}
	if (ai > 27)
		return -EBADMSG;
	n = (size_t)1 << (ai - 24);
	if (take(r, n, &p) < 0)
		return -EBADMSG;
	*v = get_be(p, n);
	return 0;
}

static double half_to_double(uint16_t h)
{
	int e = (h >> 10) & 0x1f;
	int m = h & 0x3ff;
	double v;

	if (e == 0)
		v = ldexp(m, -24);
	else if (e != 31)
		v = ldexp(m + 1024, e - 25);
	else
		v = m == 0 ? INFINITY : NAN;
	return (h & 0x8000) ? -v : v;
}

static double bits_to_double(uint64_t bits, unsigned ai)
{
	float f;
	double d;
	uint32_t u32 = (uint32_t)bits;

	if (ai == 25)
		return half_to_double((uint16_t)bits);
	if (ai == 26) {
		memcpy(&f, &u32, 4);
		return f;
	}
	memcpy(&d, &bits, 8);
	return d;
}

/* Major type 7: simple values, floats and break. */
static int read_simple(struct cbor_reader *r, unsigned ai, struct cbor_item *it)
{
	static const enum cbor_kind named[] = {CBOR_FALSE, CBOR_TRUE, CBOR_NULL, CBOR_UNDEFINED};

	if (ai == 31) {
		it->kind = CBOR_BREAK;
		return 0;
	}
	if (ai >= 28 || read_arg(r, ai, &it->u) < 0)
		return -EBADMSG;
	if (ai >= 25) {
		it->kind = CBOR_FLOAT;
		it->f = bits_to_double(it->u, ai);
	} else if (ai >= 20 && ai <= 23) {
		it->kind = named[ai - 20];
	} else if (ai == 24 && it->u < 32) {
		return -EBADMSG; /* RFC 8949 §3.3: not well-formed */
	} else {
		it->kind = CBOR_SIMPLE;
	}
	return 0;
}

static int read_string_head(struct cbor_reader *r, struct cbor_item *it)
{
	if (it->indefinite)
		return 0;
	if (it->u > r->n - r->pos)
		return -EBADMSG;
	it->len = (size_t)it->u;
	return take(r, it->len, &it->data);
}

int cbor_read(struct cbor_reader *r, struct cbor_item *out)
{
	static const enum cbor_kind kinds[] = {CBOR_UINT,  CBOR_NINT, CBOR_BYTES, CBOR_TEXT,
	                                       CBOR_ARRAY, CBOR_MAP,  CBOR_TAG};
	struct cbor_item it = {0};
	const uint8_t *ib;
	unsigned major, ai;

	if (take(r, 1, &ib) < 0)
		return -EBADMSG;
	major = *ib >> 5;
	ai = *ib & 0x1f;
	if (major == MAJOR_SIMPLE) {
		if (read_simple(r, ai, &it) < 0)
			return -EBADMSG;
		*out = it;
		return 0;
	}
	it.kind = kinds[major];
	it.indefinite = ai == 31;
	if (it.indefinite && (major < MAJOR_BYTES || major > MAJOR_MAP))
		return -EBADMSG;
	if (!it.indefinite && read_arg(r, ai, &it.u) < 0)
		return -EBADMSG;
	if ((major == MAJOR_BYTES || major == MAJOR_TEXT) && read_string_head(r, &it) < 0)
		return -EBADMSG;
	*out = it;
	return 0;
}

int cbor_next_entry(struct cbor_reader *r, const struct cbor_item *c, uint64_t *i)
{
	if (!c->indefinite) {
		if (*i >= c->u)
			return 0;
		(*i)++;
		return 1;
	}
	if (r->pos >= r->n)
		return -EBADMSG;
	if (r->p[r->pos] == 0xff) {
		r->pos++;
		return 0;
	}
	(*i)++;
	return 1;
}

/* The chunks of an indefinite string up to its break, joined in tmp when given. */
static int read_chunks(struct cbor_reader *r, const struct cbor_item *it, struct buf *tmp)
{
	struct cbor_item chunk;

	for (;;) {
		if (cbor_read(r, &chunk) < 0)
			return -EBADMSG;
		if (chunk.kind == CBOR_BREAK)
			return 0;
		if (chunk.kind != it->kind || chunk.indefinite)
			return -EBADMSG;
		if (tmp != NULL && buf_append(tmp, chunk.data, chunk.len) < 0)
			return -ENOMEM;
	}
}

int cbor_read_string(struct cbor_reader *r, const struct cbor_item *it, struct buf *tmp,
                     struct lwm2m_bytes *out)
{
	int rc;

	if (it->kind != CBOR_BYTES && it->kind != CBOR_TEXT)
		return -EBADMSG;
	if (!it->indefinite) {
		out->data = it->data;
		out->len = it->len;
		return 0;
	}
	buf_reset(tmp);
	rc = read_chunks(r, it, tmp);
	if (rc < 0)
		return rc;
	out->data = tmp->data;
	out->len = tmp->len;
	return 0;
}

static int skip_item(struct cbor_reader *r, int depth);

static int skip_container(struct cbor_reader *r, const struct cbor_item *c, int depth)
{
	uint64_t i = 0;
	int rc;

	if (depth >= CBOR_MAX_DEPTH)
		return -EBADMSG;
	while ((rc = cbor_next_entry(r, c, &i)) == 1) {
		rc = skip_item(r, depth + 1);
		if (rc == 0 && c->kind == CBOR_MAP)
			rc = skip_item(r, depth + 1);
		if (rc < 0)
			return rc;
	}
	return rc;
}

static int skip_item(struct cbor_reader *r, int depth)
{
	struct cbor_item it;

	if (cbor_read(r, &it) < 0)
		return -EBADMSG;
	switch (it.kind) {
	case CBOR_BREAK:
		return -EBADMSG;
	case CBOR_TAG:
		return depth >= CBOR_MAX_DEPTH ? -EBADMSG : skip_item(r, depth + 1);
	case CBOR_BYTES:
	case CBOR_TEXT:
		return it.indefinite ? read_chunks(r, &it, NULL) : 0;
	case CBOR_ARRAY:
	case CBOR_MAP:
		return skip_container(r, &it, depth);
	default:
		return 0;
	}
}

int cbor_skip(struct cbor_reader *r)
{
	return skip_item(r, 0);
}

static int integer_value(const struct cbor_item *it, bool time, struct lwm2m_value *v)
{
	if (it->kind == CBOR_NINT && it->u > INT64_MAX)
		return -EBADMSG;
	if (it->kind == CBOR_UINT && it->u > INT64_MAX) {
		v->type = LWM2M_TYPE_UNSIGNED;
		v->v.u = it->u;
		return 0;
	}
	v->type = time ? LWM2M_TYPE_TIME : LWM2M_TYPE_INTEGER;
	v->v.i = it->kind == CBOR_UINT ? (int64_t)it->u : -1 - (int64_t)it->u;
	return 0;
}

static int scalar_value(struct cbor_reader *r, const struct cbor_item *it, bool time,
                        struct buf *tmp, struct lwm2m_value *v)
{
	switch (it->kind) {
	case CBOR_UINT:
	case CBOR_NINT:
		return integer_value(it, time, v);
	case CBOR_FLOAT:
		v->type = LWM2M_TYPE_FLOAT;
		v->v.f = it->f;
		return 0;
	case CBOR_TRUE:
	case CBOR_FALSE:
		v->type = LWM2M_TYPE_BOOLEAN;
		v->v.b = it->kind == CBOR_TRUE;
		return 0;
	case CBOR_TEXT:
	case CBOR_BYTES:
		v->type = it->kind == CBOR_TEXT ? LWM2M_TYPE_STRING : LWM2M_TYPE_OPAQUE;
		return cbor_read_string(r, it, tmp, &v->v.bytes);
	default:
		return -EBADMSG;
	}
}

int cbor_read_value(struct cbor_reader *r, struct buf *tmp, struct lwm2m_value *out)
{
	struct cbor_item it;
	struct lwm2m_value v = {0};
	bool time = false;
	int rc;

	/* Tags only refine the type: 1 marks epoch time (RFC 8949 §3.4.2). */
	do {
		if (cbor_read(r, &it) < 0)
			return -EBADMSG;
		time = time || (it.kind == CBOR_TAG && it.u == 1);
	} while (it.kind == CBOR_TAG);
	rc = scalar_value(r, &it, time, tmp, &v);
	if (rc == 0)
		*out = v;
	return rc;
}

int cbor_put_value(struct buf *out, const struct lwm2m_value *v)
{
	char lnk[PATH_OBJLNK_MAX];

	switch (v->type) {
	case LWM2M_TYPE_UNSIGNED:
		return cbor_put_uint(out, v->v.u);
	case LWM2M_TYPE_INTEGER:
	case LWM2M_TYPE_TIME:
		return cbor_put_int(out, v->v.i);
	case LWM2M_TYPE_FLOAT:
		return cbor_put_float(out, v->v.f);
	case LWM2M_TYPE_BOOLEAN:
		return cbor_put_bool(out, v->v.b);
	case LWM2M_TYPE_OBJLNK:
		return cbor_put_text(out, lnk,
		                     path_format_objlnk(lnk, v->v.objlnk.oid, v->v.objlnk.iid));
	case LWM2M_TYPE_OPAQUE:
		return cbor_put_bytes(out, v->v.bytes.data, v->v.bytes.len);
	case LWM2M_TYPE_STRING:
	case LWM2M_TYPE_CORELNK:
		return cbor_put_text(out, (const char *)v->v.bytes.data, v->v.bytes.len);
	default:
		return -EINVAL; /* untyped bytes have no CBOR type */
	}
}
