/*
 * LwM2M CBOR, Core TS 1.2 §7.4.6: a payload is a CBOR map whose keys are
 * path components and whose values are either nested maps one level deeper
 * or resource values; a key may also be an array of consecutive components
 * so that chains of single-entry maps collapse ({[3, 0]: {0: ...}}), and
 * either form may appear at any level. Objlnk values are text "oid:iid".
 * The encoder always writes the full nesting {oid: {iid: {rid: ...}}} with
 * definite lengths; the decoder takes every key form and indefinite lengths,
 * since clients write collapsed keys and streaming encoders write {_ ...}.
 */
#include "lwm2m/lwm2m_cbor.h"

#include <errno.h>

#include "lwm2m/cbor.h"
#include "lwm2m/instance.h"
#include "lwm2m/path.h"
#include "lwm2m/records.h"

/* rid: value, or rid: {riid: value, ...} */
static int put_group(struct buf *out, const struct instance_group *g)
{
	int rc = cbor_put_uint(out, g->rid);

	if (rc == 0 && !g->multiple)
		return cbor_put_value(out, &g->res[0].value);
	if (rc == 0)
		rc = cbor_put_map(out, g->n);
	for (size_t i = 0; rc == 0 && i < g->n; i++) {
		rc = cbor_put_uint(out, (uint64_t)g->res[i].riid);
		if (rc == 0)
			rc = cbor_put_value(out, &g->res[i].value);
	}
	return rc;
}

int lwm2m_cbor_encode_instance(const struct lwm2m_instance *inst, struct buf *out)
{
	struct instance_group g;
	size_t pos = 0;
	int rc = instance_check(inst);

	if (rc == 0)
		rc = cbor_put_map(out, 1);
	if (rc == 0)
		rc = cbor_put_uint(out, inst->oid);
	if (rc == 0)
		rc = cbor_put_map(out, 1);
	if (rc == 0)
		rc = cbor_put_uint(out, inst->iid);
	if (rc == 0)
		rc = cbor_put_map(out, instance_count_groups(inst));
	while (rc == 0 && instance_next_group(inst, &pos, &g))
		rc = put_group(out, &g);
	return rc;
}

static int push_id(struct lwm2m_path *path, const struct cbor_item *it)
{
	if (it->kind != CBOR_UINT || it->u > UINT16_MAX || path->depth >= 4)
		return -EBADMSG;
	path->ids[path->depth++] = (uint16_t)it->u;
	return 0;
}

/* A key: one id or a non-empty array of ids, appended to path. */
static int read_key(struct cbor_reader *r, struct lwm2m_path *path)
{
	struct cbor_item key, id;
	uint64_t i = 0;
	int rc;

	if (cbor_read(r, &key) < 0)
		return -EBADMSG;
	if (key.kind != CBOR_ARRAY)
		return push_id(path, &key);
	while ((rc = cbor_next_entry(r, &key, &i)) == 1)
		if (cbor_read(r, &id) < 0 || push_id(path, &id) < 0)
			return -EBADMSG;
	return rc < 0 || i == 0 ? -EBADMSG : 0;
}

static int decode_map(struct cbor_reader *r, const struct cbor_item *map,
                      const struct lwm2m_path *base, struct buf *tmp, struct lwm2m_records *out);

/* One key: value pair below base; recursion ends by depth 4 since keys add ids. */
static int decode_pair(struct cbor_reader *r, const struct lwm2m_path *base, struct buf *tmp,
                       struct lwm2m_records *out)
{
	struct lwm2m_path path = *base;
	struct cbor_reader peek;
	struct cbor_item it;
	struct lwm2m_value v;
	int rc = read_key(r, &path);

	if (rc < 0)
		return rc;
	peek = *r;
	if (cbor_read(&peek, &it) < 0)
		return -EBADMSG;
	if (it.kind == CBOR_MAP) {
		*r = peek;
		return decode_map(r, &it, &path, tmp, out);
	}
	/* Values belong to resources and resource instances only. */
	if (path.depth < 3 || cbor_read_value(r, tmp, &v) < 0)
		return -EBADMSG;
	return records_add(out, &path, &v);
}

static int decode_map(struct cbor_reader *r, const struct cbor_item *map,
                      const struct lwm2m_path *base, struct buf *tmp, struct lwm2m_records *out)
{
	uint64_t i = 0;
	int rc;

	if (base->depth >= 4)
		return -EBADMSG;
	while ((rc = cbor_next_entry(r, map, &i)) == 1) {
		rc = decode_pair(r, base, tmp, out);
		if (rc < 0)
			return rc;
	}
	return rc;
}

int lwm2m_cbor_decode(const uint8_t *p, size_t n, struct lwm2m_records *out)
{
	struct lwm2m_path root = {0};
	struct buf tmp = BUF_INIT;
	struct cbor_reader r;
	struct cbor_item map;
	int rc = -EBADMSG;

	cbor_reader_init(&r, p, n);
	if (cbor_read(&r, &map) == 0 && map.kind == CBOR_MAP)
		rc = decode_map(&r, &map, &root, &tmp, out);
	if (rc == 0 && !cbor_at_end(&r))
		rc = -EBADMSG;
	buf_free(&tmp);
	return rc;
}
