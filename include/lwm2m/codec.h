/*
 * Payload codecs for Bootstrap-Write and their decoders: TLV (11542),
 * SenML JSON (110), SenML CBOR (112) and LwM2M CBOR (11544).
 * Pure functions over buffers (Core TS 1.2 §7.4; TLV Core TS 1.0 §6.4.3).
 */
#ifndef LWBS_LWM2M_CODEC_H
#define LWBS_LWM2M_CODEC_H

#include "lwm2m/model.h"
#include "util/buf.h"

/* True when fmt can be encoded and decoded here. */
bool codec_supported(enum lwm2m_format fmt);

/*
 * Append to out the payload of a Write whose target is the object instance
 * /inst->oid/inst->iid, carrying every resource of inst (resources only: a
 * TLV payload has no Object Instance wrapper; SenML records carry the base
 * name "/oid/iid/"). Returns 0, -ENOTSUP for an unsupported format,
 * -EINVAL for a value that cannot be encoded, or -ENOMEM. On failure out
 * may hold a partial payload: the caller discards it.
 */
int codec_encode_instance(enum lwm2m_format fmt, const struct lwm2m_instance *inst,
			  struct buf *out);

/* One decoded value at a full path (depth 3: resource, depth 4: resource instance). */
struct lwm2m_record {
	struct lwm2m_path path;
	struct lwm2m_value value; /* bytes owned by the record set */
};

/* A decoded payload; owns its records and their bytes. */
struct lwm2m_records {
	struct lwm2m_record *items;
	size_t n;
	size_t cap;
};

/*
 * Decode a Write payload whose request target is `target` (depth 1 to 3).
 * TLV values come back untyped (LWM2M_TYPE_NONE, raw bytes): convert them
 * with codec_value_as(). Records are appended to out. Returns 0, -ENOTSUP,
 * -EBADMSG for a malformed payload or one that addresses a path outside
 * target, or -ENOMEM.
 */
int codec_decode(enum lwm2m_format fmt, const struct lwm2m_path *target, const uint8_t *p,
		 size_t n, struct lwm2m_records *out);

/*
 * Interpret value in as a value of type t (identity when already typed as t;
 * from raw TLV bytes when in->type is LWM2M_TYPE_NONE; integers widen to
 * unsigned when non-negative). Byte strings of the result point into in.
 * Returns 0 or -EINVAL when the bytes are not a valid t.
 */
int codec_value_as(const struct lwm2m_value *in, enum lwm2m_type t, struct lwm2m_value *out);

/* Release what out owns; the set is empty and reusable afterwards. */
void codec_records_free(struct lwm2m_records *out);

#endif
