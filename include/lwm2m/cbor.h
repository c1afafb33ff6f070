/*
 * A minimal CBOR (RFC 8949) writer and reader shared by SenML CBOR and
 * LwM2M CBOR. The writer emits definite lengths only; the reader also takes
 * indefinite-length strings, arrays and maps, and never reads past n:
 * truncated or malformed input is -EBADMSG.
 */
#ifndef LWBS_LWM2M_CBOR_H
#define LWBS_LWM2M_CBOR_H

#include "lwm2m/model.h"
#include "util/buf.h"

/* Writers: append one data item (or a container head). Return 0 or -ENOMEM. */
int cbor_put_uint(struct buf *b, uint64_t v);
int cbor_put_int(struct buf *b, int64_t v);
int cbor_put_bytes(struct buf *b, const void *p, size_t n);
int cbor_put_text(struct buf *b, const char *s, size_t n);
int cbor_put_array(struct buf *b, uint64_t n_items);
int cbor_put_map(struct buf *b, uint64_t n_pairs);
int cbor_put_bool(struct buf *b, bool v);
/*
 * Append d as the shortest of half, single and double precision that holds
 * it exactly (RFC 8949 §4.2.2 preferred serialization); NaN becomes the
 * canonical half-precision NaN.
 */
int cbor_put_float(struct buf *b, double d);
/*
 * Append an LwM2M value as SenML CBOR and LwM2M CBOR carry it: integers,
 * floats, booleans and opaque natively, Objlnk as text "oid:iid", strings
 * and the untyped as text. Returns 0 or -ENOMEM.
 */
int cbor_put_value(struct buf *b, const struct lwm2m_value *v);

enum cbor_kind {
	CBOR_UINT,  /* u: value */
	CBOR_NINT,  /* u: n, the value is -1 - n */
	CBOR_BYTES, /* data/len when definite */
	CBOR_TEXT,  /* data/len when definite */
	CBOR_ARRAY, /* u: items when definite */
	CBOR_MAP,   /* u: pairs when definite */
	CBOR_TAG,   /* u: tag number; the tagged item follows */
	CBOR_FALSE,
	CBOR_TRUE,
	CBOR_NULL,
	CBOR_UNDEFINED,
	CBOR_SIMPLE, /* u: other simple value */
	CBOR_FLOAT,  /* f: value of a half, single or double */
	CBOR_BREAK,  /* end of an indefinite-length item */
};

struct cbor_item {
	enum cbor_kind kind;
	bool indefinite;
	uint64_t u;
	double f;
	const uint8_t *data; /* points into the input */
	size_t len;
};

struct cbor_reader {
	const uint8_t *p;
	size_t n;
	size_t pos;
};

/* Start reading p[0..n). */
void cbor_reader_init(struct cbor_reader *r, const uint8_t *p, size_t n);

/* True when every byte has been consumed. */
bool cbor_at_end(const struct cbor_reader *r);

/*
 * Read the head of the next data item into it (for a definite string also
 * its content). Returns 0 or -EBADMSG.
 */
int cbor_read(struct cbor_reader *r, struct cbor_item *it);

/*
 * Step through the entries of a container whose head is c: *i counts the
 * entries (items of an array, pairs of a map) read so far, start at 0.
 * Returns 1 when another entry follows (and counts it), 0 at the end (the
 * break of an indefinite container is consumed), or -EBADMSG.
 */
int cbor_next_entry(struct cbor_reader *r, const struct cbor_item *c, uint64_t *i);

/* Skip one complete data item (nesting limited to 16 levels). Returns 0 or -EBADMSG. */
int cbor_skip(struct cbor_reader *r);

/*
 * The content of the string whose head is it: a definite string points into
 * the input, the chunks of an indefinite one are joined in tmp (reset first).
 * Returns 0, -EBADMSG or -ENOMEM; out is written only on success.
 */
int cbor_read_string(struct cbor_reader *r, const struct cbor_item *it, struct buf *tmp,
                     struct lwm2m_bytes *out);

/*
 * Read one scalar as an LwM2M value typed by its CBOR type: integers ->
 * INTEGER (UNSIGNED above INT64_MAX), tag 1 + integer -> TIME, floats ->
 * FLOAT, true/false -> BOOLEAN, text -> STRING, bytes -> OPAQUE. Other tags
 * are ignored. Byte strings point into the input or tmp. Returns 0 or
 * -EBADMSG (containers, null, undefined, negative integers below INT64_MIN).
 */
int cbor_read_value(struct cbor_reader *r, struct buf *tmp, struct lwm2m_value *out);

#endif
