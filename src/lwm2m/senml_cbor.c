#include "lwm2m/senml_cbor.h"

#include <errno.h>
#include <string.h>

#include "lwm2m/cbor.h"
#include "lwm2m/instance.h"
#include "lwm2m/senml.h"

/* RFC 8428 §6 Table 6 labels; LwM2M adds the text label "vlo" (Core TS 1.1 §7.4.5). */
enum {
	LABEL_BN = -2,
	LABEL_N = 0,
	LABEL_V = 2,
	LABEL_VS = 3,
	LABEL_VB = 4,
	LABEL_VD = 8,
};

static int put_label(struct buf *out, enum senml_label l)
{
	switch (l) {
	case SENML_BN:
		return cbor_put_int(out, LABEL_BN);
	case SENML_N:
		return cbor_put_int(out, LABEL_N);
	case SENML_V:
		return cbor_put_int(out, LABEL_V);
	case SENML_VS:
		return cbor_put_int(out, LABEL_VS);
	case SENML_VB:
		return cbor_put_int(out, LABEL_VB);
	case SENML_VD:
		return cbor_put_int(out, LABEL_VD);
	default:
		return cbor_put_text(out, "vlo", 3);
	}
}

/* {-2: "/oid/iid/", 0: "rid/riid", <label>: value}, the base name on the first record only. */
static int put_record(struct buf *out, const struct lwm2m_instance *inst, size_t i)
{
	char text[PATH_TEXT_MAX];
	const struct lwm2m_value *v = &inst->res[i].value;
	enum senml_label l;
	int rc = senml_label_of(v->type, &l);

	if (rc == 0)
		rc = cbor_put_map(out, i == 0 ? 3 : 2);
	if (rc == 0 && i == 0)
		rc = put_label(out, SENML_BN);
	if (rc == 0 && i == 0)
		rc = cbor_put_text(out, text, senml_format_base(text, inst->oid, inst->iid));
	if (rc == 0)
		rc = put_label(out, SENML_N);
	if (rc == 0)
		rc = cbor_put_text(out, text, senml_format_name(text, &inst->res[i]));
	if (rc == 0)
		rc = put_label(out, l);
	return rc == 0 ? cbor_put_value(out, v) : rc;
}

int senml_cbor_encode_instance(const struct lwm2m_instance *inst, struct buf *out)
{
	int rc = instance_check(inst);

	if (rc == 0)
		rc = cbor_put_array(out, inst->n_res);
	for (size_t i = 0; rc == 0 && i < inst->n_res; i++)
		rc = put_record(out, inst, i);
	return rc;
}

struct reader {
	struct cbor_reader r;
	struct senml_base base;
	struct buf key;   /* an indefinite text label or name, joined */
	struct buf value; /* an indefinite string value, joined */
};

static enum senml_label int_label(int64_t k)
{
	switch (k) {
	case LABEL_BN:
		return SENML_BN;
	case LABEL_N:
		return SENML_N;
	case LABEL_V:
		return SENML_V;
	case LABEL_VS:
		return SENML_VS;
	case LABEL_VB:
		return SENML_VB;
	case LABEL_VD:
		return SENML_VD;
	default:
		return SENML_OTHER;
	}
}

/* A label: an integer, or text ("vlo"; text ending in '_' must be understood, RFC 8428 §4.4). */
static int read_label(struct reader *rd, enum senml_label *l)
{
	struct cbor_item it;
	struct lwm2m_bytes s;

	if (cbor_read(&rd->r, &it) < 0)
		return -EBADMSG;
	if (it.kind == CBOR_UINT || it.kind == CBOR_NINT) {
		*l = it.u > 8
		         ? SENML_OTHER
		         : int_label(it.kind == CBOR_UINT ? (int64_t)it.u : -1 - (int64_t)it.u);
		return 0;
	}
	if (it.kind != CBOR_TEXT || cbor_read_string(&rd->r, &it, &rd->key, &s) < 0)
		return -EBADMSG;
	if (s.len > 0 && s.data[s.len - 1] == '_')
		return -EBADMSG;
	*l = s.len == 3 && memcmp(s.data, "vlo", 3) == 0 ? SENML_VLO : SENML_OTHER;
	return 0;
}

/* The value of a value label, checked against the label. */
static int read_value(struct reader *rd, enum senml_label l, struct lwm2m_value *v)
{
	struct lwm2m_value raw;

	if (cbor_read_value(&rd->r, &rd->value, &raw) < 0)
		return -EBADMSG;
	if (l == SENML_VLO) {
		if (raw.type != LWM2M_TYPE_STRING)
			return -EBADMSG;
		v->type = LWM2M_TYPE_OBJLNK;
		return path_parse_objlnk((const char *)raw.v.bytes.data, raw.v.bytes.len,
		                         &v->v.objlnk.oid, &v->v.objlnk.iid) < 0
		           ? -EBADMSG
		           : 0;
	}
	if (!senml_value_fits(l, raw.type))
		return -EBADMSG;
	*v = raw;
	return 0;
}

/* A base name or name: text of path length. */
static int read_name(struct reader *rd, char *dst, size_t *dst_len)
{
	struct lwm2m_value v;

	if (cbor_read_value(&rd->r, &rd->key, &v) < 0 || v.type != LWM2M_TYPE_STRING)
		return -EBADMSG;
	return senml_set_name(dst, dst_len, v.v.bytes.data, v.v.bytes.len);
}

static int pair(struct reader *rd, struct senml_record *rec)
{
	enum senml_label l;
	int rc = read_label(rd, &l);

	if (rc == 0)
		rc = senml_see(rec, l);
	if (rc < 0)
		return rc;
	switch (l) {
	case SENML_OTHER:
		return cbor_skip(&rd->r);
	case SENML_BN:
		return read_name(rd, rd->base.text, &rd->base.len);
	case SENML_N:
		return read_name(rd, rec->name, &rec->name_len);
	default:
		rec->has_value = true;
		return read_value(rd, l, &rec->value);
	}
}

static int record(struct reader *rd, struct lwm2m_records *out)
{
	struct senml_record rec = {0};
	struct cbor_item map;
	uint64_t i = 0;
	int rc;

	if (cbor_read(&rd->r, &map) < 0 || map.kind != CBOR_MAP)
		return -EBADMSG;
	while ((rc = cbor_next_entry(&rd->r, &map, &i)) == 1) {
		rc = pair(rd, &rec);
		if (rc < 0)
			return rc;
	}
	return rc < 0 ? rc : senml_finish(&rd->base, &rec, out);
}

int senml_cbor_decode(const uint8_t *p, size_t n, struct lwm2m_records *out)
{
	struct reader rd = {.key = BUF_INIT, .value = BUF_INIT};
	struct cbor_item array;
	uint64_t i = 0;
	int rc = 0;

	cbor_reader_init(&rd.r, p, n);
	if (cbor_read(&rd.r, &array) < 0 || array.kind != CBOR_ARRAY)
		rc = -EBADMSG;
	while (rc == 0 && (rc = cbor_next_entry(&rd.r, &array, &i)) == 1)
		rc = record(&rd, out);
	if (rc == 0 && !cbor_at_end(&rd.r))
		rc = -EBADMSG;
	buf_free(&rd.key);
	buf_free(&rd.value);
	return rc;
}
