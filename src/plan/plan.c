/*
 * Bootstrap planning (Core TS 1.2 §5.2.7 and §6.1.7). The plan never
 * touches the client's bootstrap account: the Security instance Discover
 * listed without ssid (§5.2.7.5) is neither deleted nor written.
 */
#include "plan/plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/codec.h"
#include "lwm2m/schema.h"
#include "policy/policy.h"

/* Most resources one instance gets: the base set plus policy extras. */
#define PLAN_MAX_RES 96
#define PLAN_BLIND_SECURITY_IID 2

const char *plan_op_name(enum plan_op op)
{
	static const char *const names[] = {"discover", "delete", "write", "finish"};
	return names[op];
}

enum lwm2m_format plan_choose_format(const struct policy_settings *settings,
				     enum lwm2m_version version, uint16_t pct)
{
	if (!settings->format_auto)
		return settings->format;
	if (!codec_supported((enum lwm2m_format)pct))
		return LWM2M_FMT_TLV;
	if ((pct == LWM2M_FMT_SENML_CBOR || pct == LWM2M_FMT_SENML_JSON) && version >= LWM2M_V1_1)
		return (enum lwm2m_format)pct;
	if (pct == LWM2M_FMT_LWM2M_CBOR && version >= LWM2M_V1_2)
		return LWM2M_FMT_LWM2M_CBOR;
	return LWM2M_FMT_TLV;
}

/* A 1.0 client has no ?pct= and no Discover; pct alone implies 1.1 (Transport TS 1.1 §5.2). */
static enum lwm2m_version plan_version(const struct plan_input *in)
{
	if (in->discover)
		return in->discover->version;
	return in->pct ? LWM2M_V1_1 : LWM2M_V1_0;
}

static bool path_covers(const struct lwm2m_path *p, uint16_t oid, uint16_t iid)
{
	if (p->depth == 0)
		return true;
	if (p->ids[0] != oid)
		return false;
	return p->depth == 1 || (p->depth >= 2 && p->ids[1] == iid);
}

/* Whether /oid/iid still exists after the Deletes. */
static bool plan_iid_taken(const struct plan_input *in, int bs_iid, uint16_t oid, uint16_t iid)
{
	const struct policy_settings *st = in->settings;

	if (oid == LWM2M_OID_SECURITY && (int)iid == bs_iid)
		return true;
	if (in->discover == NULL || !discover_has_instance(in->discover, oid, iid))
		return false;
	for (size_t i = 0; i < st->n_delete; i++)
		if (path_covers(&st->delete_paths[i], oid, iid))
			return false;
	return true;
}

/*
 * The smallest instance ID >= *from of oid that is free. Without Discover
 * (LwM2M 1.0 has none) the bootstrap account's ID is unknown: Wakaama keeps
 * it at /0/0, Anjay at /0/1, so Security IDs then start at
 * PLAN_BLIND_SECURITY_IID.
 */
static int plan_free_iid(const struct plan_input *in, int bs_iid, uint16_t oid, uint32_t *from)
{
	for (uint32_t iid = *from; iid < 65535; iid++) {
		if (!plan_iid_taken(in, bs_iid, oid, (uint16_t)iid)) {
			*from = iid + 1;
			return (int)iid;
		}
	}
	return -ENOSPC;
}

struct resset {
	struct lwm2m_resource r[PLAN_MAX_RES];
	size_t n;
};

static void res_add(struct resset *rs, const struct lwm2m_resource *res)
{
	/* A policy extra overrides a base resource of the same ID. */
	for (size_t i = 0; i < rs->n; i++) {
		if (rs->r[i].rid == res->rid && rs->r[i].riid == res->riid) {
			rs->r[i] = *res;
			return;
		}
	}
	if (rs->n < PLAN_MAX_RES)
		rs->r[rs->n++] = *res;
}

static void res_int(struct resset *rs, uint16_t rid, int64_t v)
{
	struct lwm2m_resource r = {rid, LWM2M_NO_RIID, {.type = LWM2M_TYPE_INTEGER, .v.i = v}};
	res_add(rs, &r);
}

static void res_bool(struct resset *rs, uint16_t rid, bool v)
{
	struct lwm2m_resource r = {rid, LWM2M_NO_RIID, {.type = LWM2M_TYPE_BOOLEAN, .v.b = v}};
	res_add(rs, &r);
}

static void res_bytes(struct resset *rs, uint16_t rid, enum lwm2m_type t, const void *p,
		      size_t n)
{
	struct lwm2m_resource r = {rid, LWM2M_NO_RIID, {.type = t}};
	r.value.v.bytes.data = n ? p : (const uint8_t *)"";
	r.value.v.bytes.len = n;
	res_add(rs, &r);
}

static void res_extras(struct resset *rs, const struct lwm2m_resource *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		res_add(rs, &x[i]);
}

static int res_cmp(const void *a, const void *b)
{
	const struct lwm2m_resource *x = a, *y = b;

	if (x->rid != y->rid)
		return x->rid < y->rid ? -1 : 1;
	return x->riid < y->riid ? -1 : x->riid > y->riid;
}

/*
 * Security instance: what Wakaama and Anjay validate on Finish — URI,
 * Bootstrap-Server=false, mode, 3/4/5 and the Short Server ID (Core TS 1.2
 * Appendix E.1).
 */
static void plan_security(const struct plan_target *t, struct resset *rs)
{
	const struct policy_server *sv = t->server;
	const struct plan_creds *c = &t->creds;

	rs->n = 0;
	res_bytes(rs, 0, LWM2M_TYPE_STRING, sv->uri, strlen(sv->uri));
	res_bool(rs, 1, false);
	res_int(rs, 2, sv->security);
	res_bytes(rs, 3, LWM2M_TYPE_OPAQUE, c->identity, c->identity_len);
	if (c->server_key)
		res_bytes(rs, 4, LWM2M_TYPE_OPAQUE, c->server_key, c->server_key_len);
	else
		res_bytes(rs, 4, LWM2M_TYPE_OPAQUE, sv->public_key, sv->public_key_len);
	res_bytes(rs, 5, LWM2M_TYPE_OPAQUE, c->secret, c->secret_len);
	res_int(rs, 10, sv->ssid);
	res_extras(rs, sv->security_res, sv->n_security_res);
	qsort(rs->r, rs->n, sizeof(rs->r[0]), res_cmp);
}

/* Server instance (Core TS 1.2 Appendix E.2): Anjay needs 6, Wakaama needs 7. */
static void plan_server(const struct policy_server *sv, struct resset *rs)
{
	rs->n = 0;
	res_int(rs, 0, sv->ssid);
	res_int(rs, 1, sv->lifetime);
	if (sv->has_min_period)
		res_int(rs, 2, sv->default_min_period);
	if (sv->has_max_period)
		res_int(rs, 3, sv->default_max_period);
	res_bool(rs, 6, sv->notification_storing);
	res_bytes(rs, 7, LWM2M_TYPE_STRING, sv->binding, strlen(sv->binding));
	res_extras(rs, sv->server_res, sv->n_server_res);
	qsort(rs->r, rs->n, sizeof(rs->r[0]), res_cmp);
}

/* Access Control resource 2 bits (Core TS 1.2 §7.3.3 / Appendix E.3). */
#define PLAN_ACL_READ 1
#define PLAN_ACL_WRITE 2
#define PLAN_ACL_EXECUTE 4

/*
 * Access Control instance for a device with several servers (Core TS 1.2
 * §7.3, Appendix E.3): without one, a multi-server client lets no server
 * (or, per implementation, any server) manage another's objects. Each server
 * gets read, write and execute on its own Server instance and owns the ACL
 * (resource 3); Delete is not granted, so that no server can remove its own
 * account. Multi-instance resource 2 is keyed by Short Server ID.
 */
static void plan_acl(const struct policy_server *sv, int srv_iid, struct resset *rs)
{
	struct lwm2m_resource acl = {2, sv->ssid, {.type = LWM2M_TYPE_INTEGER}};

	acl.value.v.i = PLAN_ACL_READ | PLAN_ACL_WRITE | PLAN_ACL_EXECUTE;
	rs->n = 0;
	res_int(rs, 0, LWM2M_OID_SERVER);
	res_int(rs, 1, srv_iid);
	res_add(rs, &acl);
	res_int(rs, 3, sv->ssid);
}

static int plan_write(struct plan *p, const char *server_id, uint16_t oid, int iid,
		      const struct resset *rs)
{
	struct plan_cmd *c = &p->cmds[p->n];
	struct lwm2m_instance inst = {oid, (uint16_t)iid, rs->n, rs->r};
	int rc;

	memset(c, 0, sizeof(*c));
	c->op = PLAN_WRITE;
	c->path.depth = 2;
	c->path.ids[0] = oid;
	c->path.ids[1] = (uint16_t)iid;
	c->format = p->format;
	c->server_id = server_id;
	rc = codec_encode_instance(p->format, &inst, &c->payload);
	if (rc < 0) {
		buf_free(&c->payload);
		return rc;
	}
	p->n++;
	return 0;
}

/*
 * Whether Delete d would remove anything. Bootstrap-Discover on "/" lists
 * every Object Instance the client has (Core TS 1.2 §5.2.7.1), so a Delete
 * that covers none of them but the bootstrap account leaves the client as
 * it is: a fresh device then saves one exchange per configured path (the
 * default deletes /0 and /1, which it has nothing in). Without Discover
 * (LwM2M 1.0, or it failed) every Delete is sent.
 */
static bool plan_delete_needed(const struct plan_input *in, int bs_iid,
			       const struct lwm2m_path *d)
{
	if (in->discover == NULL)
		return true;
	for (size_t i = 0; i < in->discover->n; i++) {
		const struct discover_instance *x = &in->discover->inst[i];

		if (x->oid == LWM2M_OID_SECURITY && (int)x->iid == bs_iid)
			continue;
		if (path_covers(d, x->oid, x->iid))
			return true;
	}
	return false;
}

static void plan_deletes(const struct plan_input *in, int bs_iid, struct plan *p)
{
	const struct policy_settings *st = in->settings;

	for (size_t i = 0; i < st->n_delete; i++) {
		const struct lwm2m_path *d = &st->delete_paths[i];
		/* An explicit Delete of the bootstrap account would lock the device out. */
		if (d->depth >= 2 && d->ids[0] == LWM2M_OID_SECURITY && d->ids[1] == bs_iid)
			continue;
		if (!plan_delete_needed(in, bs_iid, d))
			continue;
		memset(&p->cmds[p->n], 0, sizeof(p->cmds[0]));
		p->cmds[p->n].op = PLAN_DELETE;
		p->cmds[p->n].path = *d;
		p->n++;
	}
}

static int plan_writes(const struct plan_input *in, int bs_iid, struct plan *p)
{
	uint32_t next_sec = in->discover ? 0 : PLAN_BLIND_SECURITY_IID, next_srv = 0, next_acl = 0;
	struct resset *rs = malloc(sizeof(*rs));
	int rc = 0;

	if (rs == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < in->n_targets && rc == 0; i++) {
		const struct plan_target *t = &in->targets[i];
		int sec = plan_free_iid(in, bs_iid, LWM2M_OID_SECURITY, &next_sec);
		int srv = plan_free_iid(in, bs_iid, LWM2M_OID_SERVER, &next_srv);
		if (sec < 0 || srv < 0) {
			rc = -ENOSPC;
			break;
		}
		plan_security(t, rs);
		rc = plan_write(p, t->server->id, LWM2M_OID_SECURITY, sec, rs);
		if (rc == 0) {
			plan_server(t->server, rs);
			rc = plan_write(p, t->server->id, LWM2M_OID_SERVER, srv, rs);
		}
		if (rc == 0 && in->n_targets > 1) {
			int acl = plan_free_iid(in, bs_iid, LWM2M_OID_ACL, &next_acl);
			if (acl < 0) {
				rc = -ENOSPC;
				break;
			}
			plan_acl(t->server, srv, rs);
			rc = plan_write(p, t->server->id, LWM2M_OID_ACL, acl, rs);
		}
	}
	memset(rs, 0, sizeof(*rs));
	free(rs);
	return rc;
}

int plan_build(const struct plan_input *in, struct plan *out)
{
	struct plan p = {0};
	int bs_iid = in->discover ? discover_bootstrap_iid(in->discover) : -1;
	int rc;

	if (in->n_targets == 0)
		return -EINVAL;
	/* /0 and /1 per server, and /2 too when there are several (plan_acl). */
	p.cmds = calloc(in->settings->n_delete + 3 * in->n_targets + 1, sizeof(*p.cmds));
	if (p.cmds == NULL)
		return -ENOMEM;
	p.version = plan_version(in);
	p.format = plan_choose_format(in->settings, p.version, in->pct);
	plan_deletes(in, bs_iid, &p);
	rc = plan_writes(in, bs_iid, &p);
	if (rc < 0) {
		plan_free(&p);
		return rc;
	}
	p.cmds[p.n].op = PLAN_FINISH;
	p.n++;
	*out = p;
	return 0;
}

void plan_free(struct plan *p)
{
	if (p == NULL || p->cmds == NULL)
		return;
	for (size_t i = 0; i < p->n; i++) {
		struct buf *b = &p->cmds[i].payload;
		if (b->data)
			explicit_bzero(b->data, b->cap);
		buf_free(b);
	}
	free(p->cmds);
	p->cmds = NULL;
	p->n = 0;
}
