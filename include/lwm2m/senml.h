/*
 * What SenML JSON and SenML CBOR share (RFC 8428, Core TS 1.1 §7.4.4-5):
 * labels, record assembly while decoding (base name + name -> path) and
 * name text while encoding.
 */
#ifndef LWBS_LWM2M_SENML_H
#define LWBS_LWM2M_SENML_H

#include "lwm2m/codec.h"
#include "lwm2m/path.h"

enum senml_label {
	SENML_BN,
	SENML_N,
	SENML_V,
	SENML_VS,
	SENML_VB,
	SENML_VD,
	SENML_VLO,
	SENML_OTHER, /* known or unknown label without meaning here: skipped */
};

/* The base name in force; persists across records until replaced. */
struct senml_base {
	char text[PATH_TEXT_MAX];
	size_t len;
};

/* One record while it is being decoded; zero-initialize per record. */
struct senml_record {
	char name[PATH_TEXT_MAX];
	size_t name_len;
	unsigned seen; /* one bit per label */
	bool has_value;
	struct lwm2m_value value; /* byte strings point into the decoder's storage */
};

/*
 * Note that rec carries label l. Returns -EBADMSG for a repeated label or a
 * second value label, else 0.
 */
int senml_see(struct senml_record *rec, enum senml_label l);

/*
 * Store a base name or name s[0..n) in dst (PATH_TEXT_MAX bytes). Returns 0
 * or -EBADMSG when it is longer than any LwM2M path.
 */
int senml_set_name(char *dst, size_t *dst_len, const void *s, size_t n);

/* True when a value of type t may stand under value label l. */
bool senml_value_fits(enum senml_label l, enum lwm2m_type t);

/*
 * Append the record's value, if it has one, at the path base + name.
 * Returns 0, -EBADMSG (the name is no path to a resource or resource
 * instance) or -ENOMEM.
 */
int senml_finish(const struct senml_base *base, const struct senml_record *rec,
                 struct lwm2m_records *out);

/* The value label for type t. Returns 0 or -EINVAL (untyped values). */
int senml_label_of(enum lwm2m_type t, enum senml_label *out);

/* Write the base name "/oid/iid/" into buf; returns its length. */
size_t senml_format_base(char buf[PATH_TEXT_MAX], uint16_t oid, uint16_t iid);

/* Write the name "rid" or "rid/riid" of r into buf; returns its length. */
size_t senml_format_name(char buf[PATH_TEXT_MAX], const struct lwm2m_resource *r);

#endif
