#include "lwm2m/senml_json.h"
#include "util/encoding.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "lwm2m/instance.h"
#include "lwm2m/jsontok.h"
#include "lwm2m/senml.h"

static const char *const label_text[] = {
    [SENML_BN] = "bn", [SENML_N] = "n",   [SENML_V] = "v",     [SENML_VS] = "vs",
    [SENML_VB] = "vb", [SENML_VD] = "vd", [SENML_VLO] = "vlo",
};

static int put_key(struct buf *out, enum senml_label l)
{
	return buf_printf(out, "\"%s\":", label_text[l]);
}

static int put_number(struct buf *out, const struct lwm2m_value *v)
{
	switch (v->type) {
	case LWM2M_TYPE_UNSIGNED:
		return buf_printf(out, "%" PRIu64, v->v.u);
	case LWM2M_TYPE_FLOAT:
		return jsontok_put_double(out, v->v.f);
	default:
		return buf_printf(out, "%" PRId64, v->v.i);
	}
}

static int put_base64(struct buf *out, const struct lwm2m_bytes *b)
{
	int rc = buf_putc(out, '"');

	if (rc == 0)
		rc = encoding_base64url_encode(b->data, b->len, out);
	return rc == 0 ? buf_putc(out, '"') : rc;
}

static int put_value(struct buf *out, const struct lwm2m_value *v)
{
	char lnk[PATH_OBJLNK_MAX];
	enum senml_label l;
	int rc = senml_label_of(v->type, &l);

	if (rc == 0)
		rc = put_key(out, l);
	if (rc < 0)
		return rc;
	switch (l) {
	case SENML_V:
		return put_number(out, v);
	case SENML_VB:
		return buf_printf(out, "%s", v->v.b ? "true" : "false");
	case SENML_VD:
		return put_base64(out, &v->v.bytes);
	case SENML_VLO:
		return jsontok_put_string(
		    out, lnk, path_format_objlnk(lnk, v->v.objlnk.oid, v->v.objlnk.iid));
	default:
		return jsontok_put_string(out, (const char *)v->v.bytes.data, v->v.bytes.len);
	}
}

static int put_base(struct buf *out, const struct lwm2m_instance *inst)
{
	char text[PATH_TEXT_MAX];
	int rc = put_key(out, SENML_BN);

	if (rc == 0)
		rc = jsontok_put_string(out, text, senml_format_base(text, inst->oid, inst->iid));
	return rc == 0 ? buf_putc(out, ',') : rc;
}

/* {"bn":"/oid/iid/","n":"rid/riid",<value>}, the base name on the first record only. */
static int put_record(struct buf *out, const struct lwm2m_instance *inst, size_t i)
{
	char text[PATH_TEXT_MAX];
	int rc = buf_printf(out, "%s{", i > 0 ? "," : "");

	if (rc == 0 && i == 0)
		rc = put_base(out, inst);
	if (rc == 0)
		rc = put_key(out, SENML_N);
	if (rc == 0)
		rc = jsontok_put_string(out, text, senml_format_name(text, &inst->res[i]));
	if (rc == 0)
		rc = buf_putc(out, ',');
	if (rc == 0)
		rc = put_value(out, &inst->res[i].value);
	return rc == 0 ? buf_putc(out, '}') : rc;
}

int senml_json_encode_instance(const struct lwm2m_instance *inst, struct buf *out)
{
	int rc = instance_check(inst);

	if (rc == 0)
		rc = buf_putc(out, '[');
	for (size_t i = 0; rc == 0 && i < inst->n_res; i++)
		rc = put_record(out, inst, i);
	return rc == 0 ? buf_putc(out, ']') : rc;
}

/* Decoder state: the base name in force and scratch space for one record. */
struct reader {
	struct jsontok_lexer lx;
	struct senml_base base;
	struct buf text;  /* an unescaped string */
	struct buf value; /* bytes of the current record's value */
};

static enum senml_label label_of(const struct buf *key)
{
	for (size_t l = 0; l < sizeof(label_text) / sizeof(label_text[0]); l++)
		if (key->len == strlen(label_text[l]) &&
		    memcmp(key->data, label_text[l], key->len) == 0)
			return (enum senml_label)l;
	return SENML_OTHER;
}

static int unescape(struct reader *rd, const struct jsontok_token *t)
{
	if (t->kind != JSONTOK_STRING)
		return -EBADMSG;
	buf_reset(&rd->text);
	return jsontok_unescape(t, &rd->text);
}

/* vd: base64url per RFC 8428, but Wakaama sends the standard alphabet: take both. */
static int decode_base64(const struct buf *text, struct buf *value)
{
	size_t n;
	int rc = buf_reserve(value, encoding_base64_decoded_max(text->len) + 1);

	if (rc < 0)
		return rc;
	if (encoding_base64_decode((const char *)text->data, text->len, value->data, value->cap,
				   &n) < 0)
		return -EBADMSG;
	value->len = n;
	return 0;
}

/* A string value: vs as is, vd from base64, vlo as "oid:iid". */
static int string_value(struct reader *rd, enum senml_label l, const struct jsontok_token *t,
                        struct lwm2m_value *v)
{
	int rc = unescape(rd, t);

	buf_reset(&rd->value);
	if (rc == 0 && l == SENML_VD)
		rc = decode_base64(&rd->text, &rd->value);
	else if (rc == 0 && l == SENML_VS)
		rc = buf_append(&rd->value, rd->text.data, rd->text.len);
	if (rc < 0)
		return rc;
	if (l == SENML_VLO) {
		v->type = LWM2M_TYPE_OBJLNK;
		return path_parse_objlnk((const char *)rd->text.data, rd->text.len,
		                         &v->v.objlnk.oid, &v->v.objlnk.iid) < 0
		           ? -EBADMSG
		           : 0;
	}
	v->type = l == SENML_VD ? LWM2M_TYPE_OPAQUE : LWM2M_TYPE_STRING;
	v->v.bytes.data = rd->value.data;
	v->v.bytes.len = rd->value.len;
	return 0;
}

static int value_of(struct reader *rd, enum senml_label l, const struct jsontok_token *t,
                    struct lwm2m_value *v)
{
	switch (l) {
	case SENML_V:
		return jsontok_number(t, v);
	case SENML_VB:
		if (t->kind != JSONTOK_TRUE && t->kind != JSONTOK_FALSE)
			return -EBADMSG;
		v->type = LWM2M_TYPE_BOOLEAN;
		v->v.b = t->kind == JSONTOK_TRUE;
		return 0;
	default:
		return string_value(rd, l, t, v);
	}
}

/* The value token t of label l in record rec. */
static int member(struct reader *rd, struct senml_record *rec, enum senml_label l,
                  const struct jsontok_token *t)
{
	int rc = senml_see(rec, l);

	if (rc < 0)
		return rc;
	switch (l) {
	case SENML_OTHER:
		return jsontok_skip_value(&rd->lx, t);
	case SENML_BN:
		rc = unescape(rd, t);
		return rc < 0 ? rc
		              : senml_set_name(rd->base.text, &rd->base.len, rd->text.data,
		                               rd->text.len);
	case SENML_N:
		rc = unescape(rd, t);
		return rc < 0
		           ? rc
		           : senml_set_name(rec->name, &rec->name_len, rd->text.data, rd->text.len);
	default:
		rec->has_value = true;
		return value_of(rd, l, t, &rec->value);
	}
}

/* "label": value; labels ending in '_' must be understood (RFC 8428 §4.4). */
static int key_and_value(struct reader *rd, struct senml_record *rec,
                         const struct jsontok_token *key)
{
	struct jsontok_token t;
	enum senml_label l;
	int rc = unescape(rd, key);

	if (rc < 0)
		return rc;
	if (rd->text.len > 0 && rd->text.data[rd->text.len - 1] == '_')
		return -EBADMSG;
	l = label_of(&rd->text);
	if (jsontok_next(&rd->lx, &t) < 0 || t.kind != JSONTOK_COLON ||
	    jsontok_next(&rd->lx, &t) < 0)
		return -EBADMSG;
	return member(rd, rec, l, &t);
}

/* One record after its '{'. */
static int record(struct reader *rd, struct lwm2m_records *out)
{
	struct senml_record rec = {0};
	struct jsontok_token t;
	int rc = jsontok_next(&rd->lx, &t);

	if (rc == 0 && t.kind == JSONTOK_END_OBJECT)
		return 0;
	while (rc == 0) {
		rc = key_and_value(rd, &rec, &t);
		if (rc == 0)
			rc = jsontok_next(&rd->lx, &t);
		if (rc == 0 && t.kind == JSONTOK_END_OBJECT)
			return senml_finish(&rd->base, &rec, out);
		if (rc == 0 && (t.kind != JSONTOK_COMMA || jsontok_next(&rd->lx, &t) < 0))
			rc = -EBADMSG;
	}
	return rc;
}

static int records(struct reader *rd, struct lwm2m_records *out)
{
	struct jsontok_token t;
	int rc = jsontok_next(&rd->lx, &t);

	if (rc < 0 || t.kind != JSONTOK_BEGIN_ARRAY || jsontok_next(&rd->lx, &t) < 0)
		return -EBADMSG;
	if (t.kind == JSONTOK_END_ARRAY)
		return 0;
	while (rc == 0) {
		rc = t.kind == JSONTOK_BEGIN_OBJECT ? record(rd, out) : -EBADMSG;
		if (rc == 0)
			rc = jsontok_next(&rd->lx, &t);
		if (rc == 0 && t.kind == JSONTOK_END_ARRAY)
			return 0;
		if (rc == 0 && (t.kind != JSONTOK_COMMA || jsontok_next(&rd->lx, &t) < 0))
			rc = -EBADMSG;
	}
	return rc;
}

int senml_json_decode(const uint8_t *p, size_t n, struct lwm2m_records *out)
{
	struct reader rd = {.text = BUF_INIT, .value = BUF_INIT};
	struct jsontok_token t;
	int rc;

	jsontok_init(&rd.lx, (const char *)p, n);
	rc = records(&rd, out);
	if (rc == 0 && (jsontok_next(&rd.lx, &t) < 0 || t.kind != JSONTOK_END))
		rc = -EBADMSG;
	buf_free(&rd.text);
	buf_free(&rd.value);
	return rc;
}
