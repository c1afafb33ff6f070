/* Extra Security (/0) and Server (/1) resources, typed by the LwM2M schema. */
#include <errno.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/schema.h"
#include "schema.h"

/* Resources lwbsd fills from dedicated keys: giving them twice would be ambiguous. */
static const struct {
	uint16_t oid, rid;
	const char *from;
} reserved[] = {
    {0, 0, "the server's 'uri'"},
    {0, 1, "lwbsd itself"},
    {0, 2, "the server's 'security'"},
    {0, 3, "the device's 'psk' for that server"},
    {0, 4, "the server's 'server_public_key_file'"},
    {0, 5, "the device's 'psk' for that server"},
    {0, 10, "the server's 'short_server_id'"},
    {1, 0, "the server's 'short_server_id'"},
    {1, 1, "the server's 'lifetime'"},
    {1, 2, "the server's 'default_min_period'"},
    {1, 3, "the server's 'default_max_period'"},
    {1, 6, "the server's 'notification_storing'"},
    {1, 7, "the server's 'binding'"},
};

static const char *reserved_by(uint16_t oid, uint16_t rid)
{
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (reserved[i].oid == oid && reserved[i].rid == rid)
			return reserved[i].from;
	return NULL;
}

static const char *object_name(uint16_t oid)
{
	return oid == LWM2M_OID_SECURITY ? "Security (/0)" : "Server (/1)";
}

static void res_unknown(struct conf_ctx *c, uint16_t oid, const struct ynode *key)
{
	const char *names[64], *hint;
	size_t n = 0;

	for (uint16_t rid = 0; rid < 64; rid++) {
		const struct lwm2m_resdef *d = schema_find(oid, rid);
		if (d != NULL)
			names[n++] = d->name;
	}
	hint = conf_suggest(key->str, names, n);
	conf_error(c, key, "unknown %s resource '%s' in %s%s%s%s", object_name(oid), key->str,
	           c->what, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
}

/* The definition a key names, by schema name or numeric id, or NULL. */
static const struct lwm2m_resdef *res_lookup(uint16_t oid, const struct ynode *key)
{
	size_t digits;

	if (key->kind != YNODE_SCALAR || ynode_is_null(key))
		return NULL;
	digits = strspn(key->str, "0123456789");
	if (digits > 0 && digits == key->len && digits <= 5) {
		unsigned long rid = strtoul(key->str, NULL, 10);
		return rid <= UINT16_MAX ? schema_find(oid, (uint16_t)rid) : NULL;
	}
	return digits == 0 ? schema_find_name(oid, key->str) : NULL;
}

/* The writable definition key names; NULL after reporting why not. */
static const struct lwm2m_resdef *res_def(struct conf_ctx *c, uint16_t oid, const struct ynode *key)
{
	const struct lwm2m_resdef *d = res_lookup(oid, key);

	if (key->kind != YNODE_SCALAR || ynode_is_null(key)) {
		conf_error(c, key, "keys in %s must be resource names or ids, not %s", c->what,
		           ynode_kind_name(key));
		return NULL;
	}
	if (d == NULL) {
		res_unknown(c, oid, key);
	} else if (d->executable) {
		conf_error(c, key,
		           "resource '%s' (/%u/x/%u) in %s is executable; it "
		           "cannot be written",
		           d->name, oid, d->rid, c->what);
		d = NULL;
	} else if (reserved_by(oid, d->rid) != NULL) {
		conf_error(c, key,
		           "resource '%s' (/%u/x/%u) in %s is set from %s; it cannot be "
		           "given here",
		           d->name, oid, d->rid, c->what, reserved_by(oid, d->rid));
		d = NULL;
	}
	return d;
}

/* Opaque bytes written as {hex: ...} or {base64: ...}. */
static int res_opaque(struct conf_ctx *c, const char *name, const struct ynode *v,
                      struct lwm2m_bytes *out)
{
	const struct ynode *key = v->kind == YNODE_MAP && v->n == 1 ? v->kids[0] : NULL;
	enum conf_bytes enc;

	if (key != NULL && key->kind == YNODE_SCALAR && strcmp(key->str, "hex") == 0)
		enc = CONF_BYTES_HEX;
	else if (key != NULL && key->kind == YNODE_SCALAR && strcmp(key->str, "base64") == 0)
		enc = CONF_BYTES_BASE64;
	else {
		conf_error(c, v, "'%s' in %s is opaque: give it as {hex: ...} or {base64: ...}",
		           name, c->what);
		return -EINVAL;
	}
	return conf_get_bytes(c, name, v->kids[1], enc, false, &out->data, &out->len);
}

/* An object link "oid:iid". */
static int res_objlnk(struct conf_ctx *c, const char *name, const struct ynode *v,
                      struct lwm2m_value *out)
{
	unsigned oid, iid;
	int used = 0;

	if (v->kind != YNODE_SCALAR || sscanf(v->str, "%5u:%5u%n", &oid, &iid, &used) != 2 ||
	    (size_t)used != v->len || oid > 65535 || iid > 65535) {
		conf_error(c, v, "'%s' in %s must be an object link \"oid:iid\"", name, c->what);
		return -EINVAL;
	}
	out->v.objlnk.oid = (uint16_t)oid;
	out->v.objlnk.iid = (uint16_t)iid;
	return 0;
}

static int res_text(struct conf_ctx *c, const char *name, const struct ynode *v,
                    struct lwm2m_bytes *out)
{
	const char *s;

	if (conf_get_str(c, name, v, &s) < 0)
		return -EINVAL;
	out->data = (const uint8_t *)s;
	out->len = strlen(s);
	return 0;
}

/* One value of type d->type from v into out (written only on success). */
static int res_value(struct conf_ctx *c, const struct lwm2m_resdef *d, const struct ynode *v,
                     struct lwm2m_value *out)
{
	struct lwm2m_value val = {.type = d->type};
	int rc = -EINVAL;

	switch (d->type) {
	case LWM2M_TYPE_STRING:
	case LWM2M_TYPE_CORELNK:
		rc = res_text(c, d->name, v, &val.v.bytes);
		break;
	case LWM2M_TYPE_OPAQUE:
		rc = res_opaque(c, d->name, v, &val.v.bytes);
		break;
	case LWM2M_TYPE_INTEGER:
	case LWM2M_TYPE_TIME:
		rc = conf_get_int(c, d->name, v, INT64_MIN, INT64_MAX, &val.v.i);
		break;
	case LWM2M_TYPE_UNSIGNED:
		rc = conf_get_uint(c, d->name, v, 0, UINT64_MAX, &val.v.u);
		break;
	case LWM2M_TYPE_FLOAT:
		rc = conf_get_double(c, d->name, v, -DBL_MAX, DBL_MAX, &val.v.f);
		break;
	case LWM2M_TYPE_BOOLEAN:
		rc = conf_get_bool(c, d->name, v, &val.v.b);
		break;
	case LWM2M_TYPE_OBJLNK:
		rc = res_objlnk(c, d->name, v, &val);
		break;
	case LWM2M_TYPE_NONE:
		break;
	}
	if (rc == 0)
		*out = val;
	return rc;
}

/* Entries one mapping pair turns into: a list's length for a multi-instance resource. */
static size_t res_count(const struct ynode *v)
{
	return v->kind == YNODE_SEQ ? v->n : 1;
}

/* Fill res[*n...] from one resource's value v; *n advances past what was written. */
static int res_fill(struct conf_ctx *c, const struct lwm2m_resdef *d, const struct ynode *v,
                    struct lwm2m_resource *res, size_t *n)
{
	int rc = 0;

	if (d->multiple != (v->kind == YNODE_SEQ)) {
		conf_error(c, v, "'%s' in %s is a %s resource: give %s", d->name, c->what,
		           d->multiple ? "multiple-instance" : "single-instance",
		           d->multiple ? "a list of values" : "one value, not a list");
		return -EINVAL;
	}
	for (size_t i = 0; i < res_count(v); i++) {
		struct lwm2m_resource *r = &res[(*n)++];
		r->rid = d->rid;
		r->riid = d->multiple ? (int32_t)i : LWM2M_NO_RIID;
		if (res_value(c, d, d->multiple ? v->kids[i] : v, &r->value) < 0)
			rc = -EINVAL;
	}
	return rc;
}

static int res_cmp(const void *a, const void *b)
{
	const struct lwm2m_resource *x = a, *y = b;

	if (x->rid != y->rid)
		return x->rid < y->rid ? -1 : 1;
	return (x->riid > y->riid) - (x->riid < y->riid);
}

/* Whether rid was given already among the first i pairs of v (by name or by number). */
static bool res_repeated(uint16_t oid, const struct ynode *v, size_t i, uint16_t rid)
{
	for (size_t j = 0; j < i; j++) {
		const struct lwm2m_resdef *d = res_lookup(oid, v->kids[2 * j]);
		if (d != NULL && d->rid == rid)
			return true;
	}
	return false;
}

int conf_resources(struct conf_ctx *c, const char *name, uint16_t oid, const struct ynode *v,
                   const struct lwm2m_resource **out, size_t *n)
{
	struct lwm2m_resource *res;
	size_t total = 0, used = 0;
	int rc = 0;

	if (v->kind != YNODE_MAP) {
		conf_error(c, v, "'%s' in %s must be a mapping of resource names or ids to values",
		           name, c->what);
		return -EINVAL;
	}
	for (size_t i = 0; i < v->n; i++)
		total += res_count(v->kids[2 * i + 1]);
	res = conf_alloc(c, total * sizeof(*res));
	if (res == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		const struct lwm2m_resdef *d = res_def(c, oid, v->kids[2 * i]);
		if (d != NULL && res_repeated(oid, v, i, d->rid)) {
			conf_error(c, v->kids[2 * i], "resource '%s' in %s is given twice", d->name,
			           c->what);
			d = NULL;
		}
		if (d == NULL || res_fill(c, d, v->kids[2 * i + 1], res, &used) < 0)
			rc = -EINVAL;
	}
	if (rc < 0)
		return rc;
	qsort(res, used, sizeof(*res), res_cmp);
	*out = res;
	*n = used;
	return 0;
}
