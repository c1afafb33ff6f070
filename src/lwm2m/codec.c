#include "lwm2m/codec.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "lwm2m/lwm2m_cbor.h"
#include "lwm2m/path.h"
#include "lwm2m/records.h"
#include "lwm2m/senml_cbor.h"
#include "lwm2m/senml_json.h"
#include "lwm2m/tlv.h"

bool codec_supported(enum lwm2m_format fmt)
{
	return fmt == LWM2M_FMT_TLV || fmt == LWM2M_FMT_SENML_JSON || fmt == LWM2M_FMT_SENML_CBOR ||
	       fmt == LWM2M_FMT_LWM2M_CBOR;
}

int codec_encode_instance(enum lwm2m_format fmt, const struct lwm2m_instance *inst, struct buf *out)
{
	switch (fmt) {
	case LWM2M_FMT_TLV:
		return tlv_encode_instance(inst, out);
	case LWM2M_FMT_SENML_JSON:
		return senml_json_encode_instance(inst, out);
	case LWM2M_FMT_SENML_CBOR:
		return senml_cbor_encode_instance(inst, out);
	case LWM2M_FMT_LWM2M_CBOR:
		return lwm2m_cbor_encode_instance(inst, out);
	default:
		return -ENOTSUP;
	}
}

static int decode_any(enum lwm2m_format fmt, const struct lwm2m_path *target, const uint8_t *p,
                      size_t n, struct lwm2m_records *out)
{
	switch (fmt) {
	case LWM2M_FMT_TLV:
		return tlv_decode(target, p, n, out);
	case LWM2M_FMT_SENML_JSON:
		return senml_json_decode(p, n, out);
	case LWM2M_FMT_SENML_CBOR:
		return senml_cbor_decode(p, n, out);
	default:
		return lwm2m_cbor_decode(p, n, out);
	}
}

/* Every record from index first on names a resource (instance) below target. */
static int check_paths(const struct lwm2m_path *target, const struct lwm2m_records *rs,
                       size_t first)
{
	for (size_t i = first; i < rs->n; i++) {
		const struct lwm2m_path *p = &rs->items[i].path;

		if (p->depth < 3 || !path_is_under(p, target))
			return -EBADMSG;
	}
	return 0;
}

int codec_decode(enum lwm2m_format fmt, const struct lwm2m_path *target, const uint8_t *p, size_t n,
                 struct lwm2m_records *out)
{
	size_t first = out->n;
	int rc;

	if (!codec_supported(fmt))
		return -ENOTSUP;
	if (target->depth > 4)
		return -EBADMSG;
	rc = decode_any(fmt, target, p, n, out);
	if (rc == 0)
		rc = check_paths(target, out, first);
	if (rc < 0)
		records_truncate(out, first);
	return rc;
}

/* Integral doubles within int64 convert to integers. */
static bool float_to_int(double d, int64_t *out)
{
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || d != trunc(d))
		return false;
	*out = (int64_t)d;
	return true;
}

/* in holds an integer value i (signed view) or u (unsigned view, when is_unsigned). */
static int from_integer(int64_t i, bool is_unsigned, uint64_t u, enum lwm2m_type t,
                        struct lwm2m_value *out)
{
	out->type = t;
	switch (t) {
	case LWM2M_TYPE_INTEGER:
	case LWM2M_TYPE_TIME:
		if (is_unsigned && u > INT64_MAX)
			return -EINVAL;
		out->v.i = is_unsigned ? (int64_t)u : i;
		return 0;
	case LWM2M_TYPE_UNSIGNED:
		if (!is_unsigned && i < 0)
			return -EINVAL;
		out->v.u = is_unsigned ? u : (uint64_t)i;
		return 0;
	case LWM2M_TYPE_FLOAT:
		out->v.f = is_unsigned ? (double)u : (double)i;
		return 0;
	default:
		return -EINVAL;
	}
}

static int from_typed(const struct lwm2m_value *in, enum lwm2m_type t, struct lwm2m_value *out)
{
	int64_t i;

	switch (in->type) {
	case LWM2M_TYPE_INTEGER:
	case LWM2M_TYPE_TIME:
		return from_integer(in->v.i, false, 0, t, out);
	case LWM2M_TYPE_UNSIGNED:
		return from_integer(0, true, in->v.u, t, out);
	case LWM2M_TYPE_FLOAT:
		if (t == LWM2M_TYPE_FLOAT || !float_to_int(in->v.f, &i))
			return -EINVAL;
		return from_integer(i, false, 0, t, out);
	case LWM2M_TYPE_STRING:
	case LWM2M_TYPE_CORELNK:
		if (t == LWM2M_TYPE_OBJLNK) {
			out->type = t;
			return path_parse_objlnk((const char *)in->v.bytes.data, in->v.bytes.len,
			                         &out->v.objlnk.oid, &out->v.objlnk.iid);
		}
		if (t != LWM2M_TYPE_STRING && t != LWM2M_TYPE_CORELNK)
			return -EINVAL;
		out->type = t;
		out->v.bytes = in->v.bytes;
		return 0;
	default:
		return -EINVAL;
	}
}

int codec_value_as(const struct lwm2m_value *in, enum lwm2m_type t, struct lwm2m_value *out)
{
	struct lwm2m_value v = {0};
	int rc;

	if (in->type == t) {
		*out = *in;
		return 0;
	}
	if (in->type == LWM2M_TYPE_NONE)
		return tlv_value_as(&in->v.bytes, t, out);
	rc = from_typed(in, t, &v);
	if (rc == 0)
		*out = v;
	return rc;
}

void codec_records_free(struct lwm2m_records *out)
{
	records_truncate(out, 0);
	free(out->items);
	out->items = NULL;
	out->n = 0;
	out->cap = 0;
}
