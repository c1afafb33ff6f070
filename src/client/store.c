/*
 * The simulated client's objects. Instances live in one array sorted by
 * (oid, iid); each owns its resources, sorted by (rid, riid) as struct
 * lwm2m_instance requires, and their byte strings.
 */
#include "client/store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/codec.h"
#include "lwm2m/instance.h"
#include "lwm2m/path.h"
#include "lwm2m/schema.h"
#include "util/encoding.h"

#define DEVICE_OID 3

struct store_inst {
	uint16_t oid, iid;
	struct lwm2m_resource *res;
	size_t n;
};

struct store {
	enum lwm2m_version version;
	uint16_t bs_iid;
	struct store_inst *inst;
	size_t n, cap;
};

/* Objects this client implements, in discover order; OSCORE came with 1.1. */
static const uint16_t objects[] = {LWM2M_OID_SECURITY, LWM2M_OID_SERVER, LWM2M_OID_ACL, DEVICE_OID,
                                   LWM2M_OID_OSCORE};

const char *store_code_text(unsigned code, char buf[STORE_CODE_TEXT])
{
	snprintf(buf, STORE_CODE_TEXT, "%u.%02u", (code >> 5) & 7, code & 31);
	return buf;
}

static enum store_code why_set(char *why, enum store_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum store_code why_set(char *why, enum store_code code, const char *fmt, ...)
{
	va_list ap;

	if (why) {
		va_start(ap, fmt);
		vsnprintf(why, STORE_WHY_MAX, fmt, ap);
		va_end(ap);
	}
	return code;
}

static bool object_known(const struct store *s, uint16_t oid)
{
	if (oid == LWM2M_OID_OSCORE)
		return s->version >= LWM2M_V1_1;
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (objects[i] == oid)
			return true;
	return false;
}

static bool is_account(const struct store *s, uint16_t oid, uint16_t iid)
{
	return oid == LWM2M_OID_SECURITY && iid == s->bs_iid;
}

/* Instances Bootstrap-Delete never removes. */
static bool is_protected(const struct store *s, const struct store_inst *in)
{
	return is_account(s, in->oid, in->iid) || in->oid == DEVICE_OID;
}

static bool owns_bytes(enum lwm2m_type t)
{
	return t == LWM2M_TYPE_STRING || t == LWM2M_TYPE_OPAQUE || t == LWM2M_TYPE_CORELNK ||
	       t == LWM2M_TYPE_NONE;
}

/* Copy in into out, duplicating byte strings (NUL-terminated). Returns 0 or -ENOMEM. */
static int value_copy(const struct lwm2m_value *in, struct lwm2m_value *out)
{
	uint8_t *copy;

	if (!owns_bytes(in->type)) {
		*out = *in;
		return 0;
	}
	copy = malloc(in->v.bytes.len + 1);
	if (copy == NULL)
		return -ENOMEM;
	if (in->v.bytes.len > 0)
		memcpy(copy, in->v.bytes.data, in->v.bytes.len);
	copy[in->v.bytes.len] = '\0';
	*out = *in;
	out->v.bytes.data = copy;
	return 0;
}

static void value_release(struct lwm2m_value *v)
{
	if (owns_bytes(v->type))
		free((void *)v->v.bytes.data);
	v->type = LWM2M_TYPE_NONE;
	v->v.bytes.data = NULL;
}

static void inst_clear(struct store_inst *in)
{
	for (size_t i = 0; i < in->n; i++)
		value_release(&in->res[i].value);
	free(in->res);
	in->res = NULL;
	in->n = 0;
}

static int inst_cmp(uint16_t oid_a, uint16_t iid_a, uint16_t oid_b, uint16_t iid_b)
{
	if (oid_a != oid_b)
		return oid_a < oid_b ? -1 : 1;
	if (iid_a != iid_b)
		return iid_a < iid_b ? -1 : 1;
	return 0;
}

/* Index of /oid/iid, or of the place it would be inserted (then *found is false). */
static size_t inst_locate(const struct store *s, uint16_t oid, uint16_t iid, bool *found)
{
	size_t i = 0;

	while (i < s->n && inst_cmp(s->inst[i].oid, s->inst[i].iid, oid, iid) < 0)
		i++;
	*found = i < s->n && s->inst[i].oid == oid && s->inst[i].iid == iid;
	return i;
}

static struct store_inst *inst_find(const struct store *s, uint16_t oid, uint16_t iid)
{
	bool found;
	size_t i = inst_locate(s, oid, iid, &found);

	return found ? &s->inst[i] : NULL;
}

static int inst_reserve(struct store *s, size_t more)
{
	struct store_inst *a;
	size_t cap = s->cap ? s->cap : 8;

	if (s->n + more <= s->cap)
		return 0;
	while (cap < s->n + more)
		cap *= 2;
	a = realloc(s->inst, cap * sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	s->inst = a;
	s->cap = cap;
	return 0;
}

/* Put in (taken over) in place of an existing /oid/iid or at its sorted place; room reserved. */
static void inst_put(struct store *s, struct store_inst *in)
{
	bool found;
	size_t i = inst_locate(s, in->oid, in->iid, &found);

	if (found) {
		inst_clear(&s->inst[i]);
	} else {
		memmove(&s->inst[i + 1], &s->inst[i], (s->n - i) * sizeof(s->inst[0]));
		s->n++;
	}
	s->inst[i] = *in;
	memset(in, 0, sizeof(*in));
}

static void inst_remove(struct store *s, size_t i)
{
	inst_clear(&s->inst[i]);
	memmove(&s->inst[i], &s->inst[i + 1], (s->n - i - 1) * sizeof(s->inst[0]));
	s->n--;
}

/* Resource entries of one instance being built. */
static int res_append(struct store_inst *in, uint16_t rid, int32_t riid,
                      const struct lwm2m_value *v)
{
	struct lwm2m_resource *a = realloc(in->res, (in->n + 1) * sizeof(*a));

	if (a == NULL)
		return -ENOMEM;
	in->res = a;
	if (value_copy(v, &a[in->n].value) < 0)
		return -ENOMEM;
	a[in->n].rid = rid;
	a[in->n].riid = riid;
	in->n++;
	return 0;
}

/* Like res_append(), but a later value for the same (rid, riid) replaces the earlier one. */
static int res_set(struct store_inst *in, uint16_t rid, int32_t riid, const struct lwm2m_value *v)
{
	struct lwm2m_value copy;

	for (size_t i = 0; i < in->n; i++) {
		if (in->res[i].rid != rid || in->res[i].riid != riid)
			continue;
		if (value_copy(v, &copy) < 0)
			return -ENOMEM;
		value_release(&in->res[i].value);
		in->res[i].value = copy;
		return 0;
	}
	return res_append(in, rid, riid, v);
}

static int res_cmp(const void *pa, const void *pb)
{
	const struct lwm2m_resource *a = pa, *b = pb;

	if (a->rid != b->rid)
		return a->rid < b->rid ? -1 : 1;
	return a->riid < b->riid ? -1 : a->riid > b->riid;
}

static const struct lwm2m_resource *res_find(const struct store_inst *in, uint16_t rid,
                                             int32_t riid)
{
	for (size_t i = 0; i < in->n; i++)
		if (in->res[i].rid == rid && in->res[i].riid == riid)
			return &in->res[i];
	return NULL;
}

static int account_add(struct store_inst *in, const struct store_config *cfg)
{
	struct lwm2m_value v = {.type = LWM2M_TYPE_STRING};
	int rc;

	v.v.bytes.data = (const uint8_t *)cfg->bootstrap_uri;
	v.v.bytes.len = strlen(cfg->bootstrap_uri);
	rc = res_append(in, 0, LWM2M_NO_RIID, &v);
	v = (struct lwm2m_value){.type = LWM2M_TYPE_BOOLEAN, .v.b = true};
	if (rc == 0)
		rc = res_append(in, 1, LWM2M_NO_RIID, &v);
	v = (struct lwm2m_value){.type = LWM2M_TYPE_INTEGER, .v.i = cfg->security_mode};
	if (rc == 0)
		rc = res_append(in, 2, LWM2M_NO_RIID, &v);
	if (rc < 0 || cfg->security_mode != 0)
		return rc;
	v = (struct lwm2m_value){.type = LWM2M_TYPE_OPAQUE};
	v.v.bytes = (struct lwm2m_bytes){cfg->psk_identity, cfg->psk_identity_len};
	rc = res_append(in, 3, LWM2M_NO_RIID, &v);
	v.v.bytes = (struct lwm2m_bytes){cfg->psk_key, cfg->psk_key_len};
	if (rc == 0)
		rc = res_append(in, 5, LWM2M_NO_RIID, &v);
	return rc;
}

int store_new(const struct store_config *cfg, struct store **out)
{
	struct store_inst account = {LWM2M_OID_SECURITY, cfg->bootstrap_iid, NULL, 0};
	struct store_inst device = {DEVICE_OID, 0, NULL, 0};
	struct store *s;

	if (cfg->bootstrap_uri == NULL ||
	    (cfg->version != LWM2M_V1_0 && cfg->version != LWM2M_V1_1 &&
	     cfg->version != LWM2M_V1_2))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->version = cfg->version;
	s->bs_iid = cfg->bootstrap_iid;
	if (inst_reserve(s, 2) < 0 || account_add(&account, cfg) < 0)
		goto fail;
	inst_put(s, &account);
	inst_put(s, &device);
	*out = s;
	return 0;
fail:
	inst_clear(&account);
	store_free(s);
	return -ENOMEM;
}

void store_free(struct store *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		inst_clear(&s->inst[i]);
	free(s->inst);
	free(s);
}

bool store_has_instance(const struct store *s, uint16_t oid, uint16_t iid)
{
	return inst_find(s, oid, iid) != NULL;
}

int store_get(const struct store *s, const struct lwm2m_path *path, struct lwm2m_value *out)
{
	const struct store_inst *in;
	const struct lwm2m_resource *r;

	if (path->depth < 3 || path->depth > 4)
		return -ENOENT;
	in = inst_find(s, path->ids[0], path->ids[1]);
	if (in == NULL)
		return -ENOENT;
	r = res_find(in, path->ids[2], path->depth == 4 ? path->ids[3] : LWM2M_NO_RIID);
	if (r == NULL)
		return -ENOENT;
	*out = r->value;
	return 0;
}

/* ---- Bootstrap-Discover ---- */

/* Append s[0..n) as the inside of a link-format quoted-string (RFC 6690). */
static int link_quoted(struct buf *out, const struct lwm2m_bytes *s)
{
	int rc = buf_putc(out, '"');

	for (size_t i = 0; rc == 0 && i < s->len; i++) {
		if (s->data[i] == '"' || s->data[i] == '\\')
			rc = buf_putc(out, '\\');
		if (rc == 0)
			rc = buf_putc(out, s->data[i]);
	}
	return rc ? rc : buf_putc(out, '"');
}

/* ssid and uri attributes of a Security or Server instance; none for the account. */
static int link_attrs(const struct store *s, const struct store_inst *in, struct buf *out)
{
	const struct lwm2m_resource *ssid = NULL, *uri = NULL;
	int rc = 0;

	if (in->oid == LWM2M_OID_SECURITY && !is_account(s, in->oid, in->iid)) {
		ssid = res_find(in, 10, LWM2M_NO_RIID);
		uri = res_find(in, 0, LWM2M_NO_RIID);
	} else if (in->oid == LWM2M_OID_SERVER) {
		ssid = res_find(in, 0, LWM2M_NO_RIID);
	}
	if (ssid && ssid->value.type == LWM2M_TYPE_INTEGER)
		rc = buf_printf(out, ";ssid=%" PRId64, ssid->value.v.i);
	if (rc == 0 && uri && uri->value.type == LWM2M_TYPE_STRING) {
		rc = buf_printf(out, ";uri=");
		if (rc == 0)
			rc = link_quoted(out, &uri->value.v.bytes);
	}
	return rc;
}

static int link_object(const struct store *s, uint16_t oid, struct buf *out)
{
	bool any = false;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		if (s->inst[i].oid != oid)
			continue;
		any = true;
		rc = buf_printf(out, ",</%u/%u>", oid, s->inst[i].iid);
		if (rc == 0)
			rc = link_attrs(s, &s->inst[i], out);
	}
	if (rc == 0 && !any)
		rc = buf_printf(out, ",</%u>", oid);
	return rc;
}

enum store_code store_discover(const struct store *s, const struct lwm2m_path *target,
                               struct buf *out, char *why)
{
	size_t start = out->len;
	int rc;

	if (s->version == LWM2M_V1_0)
		return why_set(why, STORE_NOT_ALLOWED, "LwM2M 1.0 has no Bootstrap-Discover");
	if (target->depth > 1)
		return why_set(why, STORE_BAD_REQUEST, "Bootstrap-Discover below an object");
	if (target->depth == 1 && !object_known(s, target->ids[0]))
		return why_set(why, STORE_NOT_FOUND, "object %u not implemented", target->ids[0]);
	rc = buf_printf(out, "</>;lwm2m=1.%d", s->version - 10);
	for (size_t i = 0; rc == 0 && i < sizeof(objects) / sizeof(objects[0]); i++) {
		if (!object_known(s, objects[i]))
			continue;
		if (target->depth == 0 || target->ids[0] == objects[i])
			rc = link_object(s, objects[i], out);
	}
	if (rc < 0) {
		out->len = start;
		return why_set(why, STORE_INTERNAL_ERROR, "out of memory");
	}
	return STORE_CONTENT;
}

/* ---- Bootstrap-Delete ---- */

enum store_code store_delete(struct store *s, const struct lwm2m_path *target, char *why)
{
	uint16_t oid = target->ids[0], iid = target->ids[1];

	if (target->depth > 2)
		return why_set(why, STORE_BAD_REQUEST, "Bootstrap-Delete of a resource");
	if (target->depth >= 1 && !object_known(s, oid))
		return why_set(why, STORE_NOT_FOUND, "object %u not implemented", oid);
	if (target->depth >= 1 && oid == DEVICE_OID)
		return why_set(why, STORE_BAD_REQUEST, "the Device object cannot be deleted");
	if (target->depth == 2 && is_account(s, oid, iid))
		return why_set(why, STORE_BAD_REQUEST, "/0/%u is the bootstrap account", iid);
	for (size_t i = s->n; i-- > 0;) {
		const struct store_inst *in = &s->inst[i];

		if (is_protected(s, in) || (target->depth >= 1 && in->oid != oid) ||
		    (target->depth == 2 && in->iid != iid))
			continue;
		inst_remove(s, i);
	}
	return STORE_DELETED;
}

/* ---- Bootstrap-Write ---- */

static bool format_accepted(enum lwm2m_version v, int fmt)
{
	switch (fmt) {
	case LWM2M_FMT_TLV:
		return true;
	case LWM2M_FMT_SENML_JSON:
	case LWM2M_FMT_SENML_CBOR:
		return v >= LWM2M_V1_1;
	case LWM2M_FMT_LWM2M_CBOR:
		return v >= LWM2M_V1_2;
	default:
		return false;
	}
}

static enum store_code write_check(const struct store *s, const struct lwm2m_path *target, int fmt,
                                   char *why)
{
	uint16_t oid = target->ids[0];

	if (target->depth < 1 || target->depth > 3)
		return why_set(why, STORE_BAD_REQUEST,
		               "Bootstrap-Write needs /oid, /oid/iid or /oid/iid/rid");
	if (!object_known(s, oid))
		return why_set(why, STORE_NOT_FOUND, "object %u not implemented", oid);
	if (oid == DEVICE_OID)
		return why_set(why, STORE_NOT_ALLOWED, "the Device object is not writable here");
	if (target->depth >= 2 && is_account(s, oid, target->ids[1]))
		return why_set(why, STORE_BAD_REQUEST, "write to the bootstrap account /0/%u",
		               target->ids[1]);
	if (fmt < 0)
		return why_set(why, STORE_BAD_REQUEST, "no Content-Format");
	if (!format_accepted(s->version, fmt) || !codec_supported((enum lwm2m_format)fmt))
		return why_set(why, STORE_UNSUPPORTED_FORMAT,
		               "Content-Format %d not accepted by LwM2M 1.%d", fmt,
		               s->version - 10);
	return 0;
}

static enum store_code write_decode(int fmt, const struct lwm2m_path *target, const uint8_t *p,
                                    size_t n, struct lwm2m_records *rs, char *why)
{
	int rc = codec_decode((enum lwm2m_format)fmt, target, p, n, rs);

	if (rc == -ENOMEM)
		return why_set(why, STORE_INTERNAL_ERROR, "out of memory");
	if (rc == -ENOTSUP)
		return why_set(why, STORE_UNSUPPORTED_FORMAT, "Content-Format %d not supported",
		               fmt);
	if (rc < 0)
		return why_set(why, STORE_BAD_REQUEST,
		               "payload does not decode as Content-Format %d", fmt);
	return 0;
}

/* Type r's value by the schema and append it to in. */
static enum store_code write_record(const struct lwm2m_record *r, struct store_inst *in, char *why)
{
	const uint16_t *id = r->path.ids;
	const struct lwm2m_resdef *def = schema_find(id[0], id[2]);
	struct lwm2m_value v;

	if (def == NULL)
		return why_set(why, STORE_NOT_FOUND, "resource /%u/%u/%u unknown", id[0], id[1],
		               id[2]);
	if (def->executable)
		return why_set(why, STORE_NOT_ALLOWED, "resource /%u/%u/%u is executable", id[0],
		               id[1], id[2]);
	if (def->multiple != (r->path.depth == 4))
		return why_set(why, STORE_BAD_REQUEST, "resource /%u/%u/%u is %s-instance", id[0],
		               id[1], id[2], def->multiple ? "multiple" : "single");
	if (codec_value_as(&r->value, def->type, &v) < 0)
		return why_set(why, STORE_BAD_REQUEST,
		               "value of /%u/%u/%u is not of the resource's type", id[0], id[1],
		               id[2]);
	if (res_set(in, id[2], r->path.depth == 4 ? id[3] : LWM2M_NO_RIID, &v) < 0)
		return why_set(why, STORE_INTERNAL_ERROR, "out of memory");
	return 0;
}

static bool record_in(const struct lwm2m_record *r, uint16_t oid, uint16_t iid)
{
	return r->path.ids[0] == oid && r->path.ids[1] == iid;
}

static bool rid_written(const struct lwm2m_records *rs, uint16_t oid, uint16_t iid, uint16_t rid)
{
	for (size_t i = 0; i < rs->n; i++)
		if (record_in(&rs->items[i], oid, iid) && rs->items[i].path.ids[2] == rid)
			return true;
	return false;
}

/* Keep the entries of old whose resource the payload does not write. */
static int stage_keep(const struct store_inst *old, const struct lwm2m_records *rs,
                      struct store_inst *in)
{
	for (size_t i = 0; old && i < old->n; i++) {
		const struct lwm2m_resource *e = &old->res[i];

		if (!rid_written(rs, old->oid, old->iid, e->rid) &&
		    res_append(in, e->rid, e->riid, &e->value) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * Build into *in the new state of the instance of record `first`: what the
 * payload keeps of the old one plus every record for it. A later record for
 * the same resource (instance) wins.
 */
static enum store_code stage_instance(const struct store *s, const struct lwm2m_records *rs,
                                      size_t first, struct store_inst *in, char *why)
{
	uint16_t oid = rs->items[first].path.ids[0], iid = rs->items[first].path.ids[1];
	enum store_code code = 0;

	in->oid = oid;
	in->iid = iid;
	if (is_account(s, oid, iid))
		return why_set(why, STORE_BAD_REQUEST, "write to the bootstrap account /0/%u", iid);
	if (stage_keep(inst_find(s, oid, iid), rs, in) < 0)
		return why_set(why, STORE_INTERNAL_ERROR, "out of memory");
	for (size_t i = first; code == 0 && i < rs->n; i++)
		if (record_in(&rs->items[i], oid, iid))
			code = write_record(&rs->items[i], in, why);
	if (code != 0)
		return code;
	qsort(in->res, in->n, sizeof(in->res[0]), res_cmp);
	return 0;
}

static bool instance_seen_before(const struct lwm2m_records *rs, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (record_in(&rs->items[j], rs->items[i].path.ids[0], rs->items[i].path.ids[1]))
			return true;
	return false;
}

static void staged_free(struct store_inst *st, size_t n)
{
	for (size_t i = 0; i < n; i++)
		inst_clear(&st[i]);
	free(st);
}

/* Stage every instance the payload touches, then put them all in at once. */
static enum store_code write_apply(struct store *s, const struct lwm2m_records *rs, char *why)
{
	struct store_inst *st = calloc(rs->n ? rs->n : 1, sizeof(*st));
	enum store_code code = 0;
	size_t n = 0;

	if (st == NULL || inst_reserve(s, rs->n) < 0) {
		free(st);
		return why_set(why, STORE_INTERNAL_ERROR, "out of memory");
	}
	for (size_t i = 0; code == 0 && i < rs->n; i++)
		if (!instance_seen_before(rs, i))
			code = stage_instance(s, rs, i, &st[n++], why);
	if (code == 0)
		for (size_t i = 0; i < n; i++)
			inst_put(s, &st[i]);
	staged_free(st, n);
	return code ? code : STORE_CHANGED;
}

enum store_code store_write(struct store *s, const struct lwm2m_path *target, int fmt,
                            const uint8_t *p, size_t n, char *why)
{
	struct lwm2m_records rs = {0};
	enum store_code code = write_check(s, target, fmt, why);

	if (code == 0)
		code = write_decode(fmt, target, p, n, &rs, why);
	if (code == 0)
		code = write_apply(s, &rs, why);
	codec_records_free(&rs);
	return code;
}

/* ---- Bootstrap-Finish ---- */

static const char *res_name(uint16_t oid, uint16_t rid)
{
	const struct lwm2m_resdef *def = schema_find(oid, rid);

	return def ? def->name : "?";
}

/* The single-instance resource rid of in if it has type t, else NULL. */
static const struct lwm2m_value *res_typed(const struct store_inst *in, uint16_t rid,
                                           enum lwm2m_type t)
{
	const struct lwm2m_resource *r = res_find(in, rid, LWM2M_NO_RIID);

	return r && r->value.type == t ? &r->value : NULL;
}

static bool res_nonempty(const struct store_inst *in, uint16_t rid, enum lwm2m_type t)
{
	const struct lwm2m_value *v = res_typed(in, rid, t);

	return v && v->v.bytes.len > 0;
}

/* The Security instance (not the account) whose short server ID is ssid. */
static const struct store_inst *security_for(const struct store *s, int64_t ssid)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct store_inst *in = &s->inst[i];
		const struct lwm2m_value *v = res_typed(in, 10, LWM2M_TYPE_INTEGER);

		if (in->oid == LWM2M_OID_SECURITY && !is_account(s, in->oid, in->iid) && v &&
		    v->v.i == ssid)
			return in;
	}
	return NULL;
}

static enum store_code finish_security(const struct store_inst *sec, char *why)
{
	static const uint16_t needed[] = {0, 1, 2};
	const struct lwm2m_value *bs = res_typed(sec, 1, LWM2M_TYPE_BOOLEAN);
	const struct lwm2m_value *mode = res_typed(sec, 2, LWM2M_TYPE_INTEGER);

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (res_find(sec, needed[i], LWM2M_NO_RIID) == NULL)
			return why_set(why, STORE_NOT_ACCEPTABLE, "/0/%u lacks %u (%s)", sec->iid,
			               needed[i], res_name(0, needed[i]));
	if (!res_nonempty(sec, 0, LWM2M_TYPE_STRING))
		return why_set(why, STORE_NOT_ACCEPTABLE, "/0/%u has an empty server_uri",
		               sec->iid);
	if (bs == NULL || bs->v.b)
		return why_set(why, STORE_NOT_ACCEPTABLE, "/0/%u has bootstrap_server true",
		               sec->iid);
	if (mode && mode->v.i == 0 &&
	    (!res_nonempty(sec, 3, LWM2M_TYPE_OPAQUE) || !res_nonempty(sec, 5, LWM2M_TYPE_OPAQUE)))
		return why_set(why, STORE_NOT_ACCEPTABLE,
		               "/0/%u is in PSK mode without public_key_or_identity and secret_key",
		               sec->iid);
	return 0;
}

static enum store_code finish_server(const struct store *s, const struct store_inst *srv, char *why)
{
	static const uint16_t needed[] = {0, 1, 6, 7};
	const struct lwm2m_value *ssid = res_typed(srv, 0, LWM2M_TYPE_INTEGER);
	const struct store_inst *sec;

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (res_find(srv, needed[i], LWM2M_NO_RIID) == NULL)
			return why_set(why, STORE_NOT_ACCEPTABLE, "/1/%u lacks %u (%s)", srv->iid,
			               needed[i], res_name(1, needed[i]));
	sec = ssid ? security_for(s, ssid->v.i) : NULL;
	if (sec == NULL)
		return why_set(why, STORE_NOT_ACCEPTABLE,
		               "no Security instance with short_server_id %" PRId64 " for /1/%u",
		               ssid ? ssid->v.i : -1, srv->iid);
	return finish_security(sec, why);
}

enum store_code store_finish(const struct store *s, char *why)
{
	enum store_code code = 0;
	size_t servers = 0;

	for (size_t i = 0; code == 0 && i < s->n; i++) {
		if (s->inst[i].oid != LWM2M_OID_SERVER)
			continue;
		servers++;
		code = finish_server(s, &s->inst[i], why);
	}
	if (code != 0)
		return code;
	if (servers == 0)
		return why_set(why, STORE_NOT_ACCEPTABLE,
		               "no Server instance (no LwM2M server account)");
	return STORE_CHANGED;
}

/* ---- JSON ---- */

static void json_hex(struct json *j, const char *key, const struct lwm2m_bytes *b)
{
	char *hex = malloc(2 * b->len + 1);

	if (hex == NULL) {
		if (j->err == 0)
			j->err = -ENOMEM;
		return;
	}
	encoding_hex_encode(b->data, b->len, hex);
	json_strn(j, key, hex, 2 * b->len);
	free(hex);
}

static void json_value(struct json *j, const char *key, const struct lwm2m_value *v)
{
	char text[32];

	switch (v->type) {
	case LWM2M_TYPE_STRING:
	case LWM2M_TYPE_CORELNK:
		json_strn(j, key, (const char *)v->v.bytes.data, v->v.bytes.len);
		break;
	case LWM2M_TYPE_INTEGER:
	case LWM2M_TYPE_TIME:
		json_int(j, key, v->v.i);
		break;
	case LWM2M_TYPE_UNSIGNED:
		if (v->v.u <= INT64_MAX) {
			json_int(j, key, (int64_t)v->v.u);
			break;
		}
		snprintf(text, sizeof(text), "%" PRIu64, v->v.u);
		json_str(j, key, text);
		break;
	case LWM2M_TYPE_FLOAT: /* json.h has no numbers with fractions */
		snprintf(text, sizeof(text), "%.17g", v->v.f);
		json_str(j, key, text);
		break;
	case LWM2M_TYPE_BOOLEAN:
		json_bool(j, key, v->v.b);
		break;
	case LWM2M_TYPE_OBJLNK:
		path_format_objlnk(text, v->v.objlnk.oid, v->v.objlnk.iid);
		json_str(j, key, text);
		break;
	default:
		json_hex(j, key, &v->v.bytes);
		break;
	}
}

static void json_group(struct json *j, uint16_t oid, const struct instance_group *g)
{
	const struct lwm2m_resdef *def = schema_find(oid, g->rid);
	char name[8], riid[8];

	snprintf(name, sizeof(name), "%u", g->rid);
	if (!g->multiple) {
		json_value(j, def ? def->name : name, &g->res[0].value);
		return;
	}
	json_object(j, def ? def->name : name);
	for (size_t i = 0; i < g->n; i++) {
		snprintf(riid, sizeof(riid), "%d", (int)g->res[i].riid);
		json_value(j, riid, &g->res[i].value);
	}
	json_close_object(j);
}

void store_json_instances(const struct store *s, uint16_t oid, const char *key, struct json *j)
{
	json_array(j, key);
	for (size_t i = 0; i < s->n; i++) {
		const struct store_inst *in = &s->inst[i];
		struct lwm2m_instance view = {in->oid, in->iid, in->n, in->res};
		struct instance_group g;
		size_t pos = 0;

		if (in->oid != oid)
			continue;
		json_object(j, NULL);
		json_int(j, "iid", in->iid);
		while (instance_next_group(&view, &pos, &g))
			json_group(j, oid, &g);
		json_close_object(j);
	}
	json_close_array(j);
}
