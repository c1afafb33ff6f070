/* One entry of `devices:`: a device or a group, its bootstrap credential and its servers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "util/strjoin.h"

struct device_work {
	struct policy_device *d;
	const char *name;                /* "device 'ep'", for messages */
	const struct ynode *identity_at; /* of the bootstrap PSK identity */
	bool has_psk, nosec;             /* what `bootstrap:` settled on */
	bool has_cert;
	bool has_rpk;
};

/* "device 'ep'" or "device group 'pattern'", for messages. */
static void device_name(const char *ep, const char *pattern, size_t idx, char *buf, size_t cap)
{
	if (ep != NULL)
		str_join(buf, cap, "device '", ep, "'", NULL);
	else if (pattern != NULL)
		str_join(buf, cap, "device group '", pattern, "'", NULL);
	else
		snprintf(buf, cap, "device #%zu", idx + 1);
}

/* The credentials a device gets for server srv must match what srv expects. */
static void entry_check(struct conf_ctx *c, const char *file, int line, int col, const char *dev,
                        const struct policy_device_server *ds)
{
	const struct policy_server *srv = ds->server;
	bool has_psk = ds->psk.key != NULL;

	if (!has_psk && srv->credentials != POLICY_CREDS_STATIC)
		return; /* lwbsd makes them at bootstrap */
	if (srv->security == POLICY_SEC_PSK && !has_psk)
		conf_diag_at(c, CONF_ERROR, file, line, col,
		             "%s is sent to server '%s', which uses psk security: give its "
		             "credentials as 'psk: {identity: ..., key_hex: ...}' in this entry",
		             dev, srv->id);
	else if (srv->security == POLICY_SEC_NOSEC && has_psk)
		conf_diag_at(c, CONF_ERROR, file, line, col,
		             "server '%s' uses nosec security: remove 'psk' from its entry in %s",
		             srv->id, dev);
	else if (srv->security == POLICY_SEC_RPK || srv->security == POLICY_SEC_CERTIFICATE)
		conf_diag_at(
		    c, CONF_ERROR, file, line, col,
		    "server '%s' uses %s security, and device credentials for it cannot be "
		    "given yet (only nosec and psk servers can be provisioned)",
		    srv->id, policy_security_name(srv->security));
}

static int pending_push(struct conf_ctx *c, const struct conf_pending *p)
{
	if (c->n_pending == c->cap_pending) {
		size_t cap = c->cap_pending ? 2 * c->cap_pending : 64;
		struct conf_pending *grown = reallocarray(c->pending, cap, sizeof(*grown));
		if (grown == NULL) {
			c->oom = true;
			return -ENOMEM;
		}
		c->pending = grown;
		c->cap_pending = cap;
	}
	c->pending[c->n_pending++] = *p;
	return 0;
}

/*
 * Point ds at server id now, or once every file is read if it is not defined
 * yet; then check its credentials unless the entry was wrong already.
 */
static void entry_resolve(struct conf_ctx *c, struct policy_device_server *ds,
                          const struct policy_device *dev, const char *id, const struct ynode *at,
                          bool check)
{
	struct conf_pending p = {ds, dev, id, c->file, at->line, at->col, check};

	ds->server = policy_server_by_id(c->pol, id);
	if (ds->server == NULL)
		pending_push(c, &p);
	else if (check)
		entry_check(c, c->file, at->line, at->col, c->what, ds);
}

struct entry_work {
	struct policy_device_server *ds;
	const char *server_id;
};

static int parse_entry_server(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                              void *obj)
{
	struct entry_work *e = obj;

	return conf_get_str(c, k->name, v, &e->server_id);
}

static int parse_entry_psk(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                           void *obj)
{
	struct entry_work *e = obj;
	const struct ynode *id_at;
	const char *dev = c->what;
	char what[256];
	int rc;

	snprintf(what, sizeof(what), "%s credentials of %s", k->name, dev);
	c->what = what;
	rc = conf_psk(c, v, &e->ds->psk, &id_at);
	c->what = dev;
	return rc;
}

static const struct conf_key entry_keys[] = {
    CONF_KEY_FN("server", parse_entry_server, CONF_REQUIRED),
    CONF_KEY_FN("psk", parse_entry_psk, 0),
    CONF_KEY_END,
};

/* One element of a device's `servers:`: a server id, or {server: id, psk: {...}}. */
static int servers_entry(struct conf_ctx *c, const struct ynode *v, struct device_work *w,
                         struct policy_device_server *ds)
{
	struct entry_work e = {ds, NULL};
	int rc;

	if (v->kind == YNODE_SCALAR)
		rc = conf_get_str(c, "servers", v, &e.server_id);
	else
		rc = conf_map(c, v, entry_keys, &e, NULL);
	if (e.server_id != NULL)
		entry_resolve(c, ds, w->d, e.server_id, v, rc == 0);
	return rc;
}

/* The id of server entry v (either form), or NULL. */
static const char *entry_id(const struct ynode *v)
{
	if (v->kind == YNODE_MAP)
		v = conf_lookup(v, "server");
	return v != NULL && v->kind == YNODE_SCALAR ? v->str : NULL;
}

static int parse_servers(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                         void *obj)
{
	struct device_work *w = obj;
	struct policy_device_server *ds;
	int rc = 0;

	if (v->kind != YNODE_SEQ || v->n == 0) {
		conf_error(c, v, "'%s' of %s must list at least one server", k->name, c->what);
		return -EINVAL;
	}
	ds = conf_alloc(c, v->n * sizeof(*ds));
	if (ds == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		const char *id = entry_id(v->kids[i]);
		for (size_t j = 0; id != NULL && j < i; j++) {
			const char *prev = entry_id(v->kids[j]);
			if (prev != NULL && strcmp(prev, id) == 0) {
				conf_error(c, v->kids[i], "server '%s' is listed twice in %s", id,
				           c->what);
				rc = -EINVAL;
			}
		}
		if (servers_entry(c, v->kids[i], w, &ds[i]) < 0)
			rc = -EINVAL;
	}
	/* `server_credentials:` has the same shape, and only supplies credentials to routing. */
	if (strcmp(k->name, "server_credentials") == 0) {
		w->d->credentials = ds;
		w->d->n_credentials = v->n;
		return rc;
	}
	w->d->servers = ds;
	w->d->n_servers = v->n;
	return rc;
}

static int parse_boot_psk(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                          void *obj)
{
	struct device_work *w = obj;
	const char *outer = c->what;
	char what[192];
	int rc;

	/* Joined, not printf'd: this runs for every device of the policy. */
	str_join(what, sizeof(what), "bootstrap ", k->name, " of ", w->name, NULL);
	c->what = what;
	rc = conf_psk(c, v, &w->d->psk, &w->identity_at);
	c->what = outer;
	if (rc < 0)
		return rc;
	w->has_psk = true;
	return 0;
}

static int parse_boot_cert(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                           void *obj)
{
	struct device_work *w = obj;

	(void)k;
	if (conf_cert_auth(c, v, &w->d->cert) < 0)
		return -EINVAL;
	w->has_cert = true;
	return 0;
}

/* RFC 7250 raw public key; the identity node points at the key for clash messages. */
static int parse_boot_rpk(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                          void *obj)
{
	struct device_work *w = obj;
	const char *outer = c->what;
	char what[192];
	int rc;

	snprintf(what, sizeof(what), "bootstrap %s of %s", k->name, w->name);
	c->what = what;
	rc = conf_rpk_auth(c, v, &w->d->rpk_spki, &w->d->rpk_spki_len, &w->identity_at);
	c->what = outer;
	if (rc < 0)
		return rc;
	w->has_rpk = true;
	return 0;
}

#define BOOT_HINT                                                                                  \
	"'psk: {identity: ..., key_hex: ...}', or 'nosec: true' to let it bootstrap "              \
	"without authentication, or 'certificate: {}' for an X.509 certificate, or "               \
	"'rpk: {public_key_file: ...}' for a raw public key"

enum { B_PSK, B_NOSEC, B_CERT, B_RPK, B_COUNT };

static const struct conf_key boot_keys[] = {
    [B_PSK] = CONF_KEY_FN("psk", parse_boot_psk, 0),
    [B_NOSEC] = CONF_KEY_BOOL("nosec", struct device_work, nosec, 0),
    [B_CERT] = CONF_KEY_FN("certificate", parse_boot_cert, 0),
    [B_RPK] = CONF_KEY_FN("rpk", parse_boot_rpk, 0),
    [B_COUNT] = CONF_KEY_END,
};

static int parse_bootstrap(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                           void *obj)
{
	struct device_work *w = obj;
	const struct ynode *seen[CONF_MAX_KEYS];
	const char *dev = c->what;
	char what[192];
	int rc;

	str_join(what, sizeof(what), k->name, " credential of ", dev, NULL);
	c->what = what;
	rc = conf_map(c, v, boot_keys, w, seen);
	if ((int)w->has_psk + (int)w->nosec + (int)w->has_cert + (int)w->has_rpk > 1) {
		conf_error(c, v, "%s gives more than one of 'psk', 'certificate', 'rpk' and "
		           "'nosec: true'; keep one", what);
		rc = -EINVAL;
	} else if (rc == 0 && !w->has_psk && !w->nosec && !w->has_cert && !w->has_rpk) {
		conf_error(c, v, "%s allows nothing: give " BOOT_HINT, what);
		rc = -EINVAL;
	}
	c->what = dev;
	w->d->bootstrap = w->has_psk    ? POLICY_CRED_PSK
	                  : w->has_cert ? POLICY_CRED_CERT
	                  : w->has_rpk  ? POLICY_CRED_RPK
	                                : POLICY_CRED_NOSEC;
	return rc;
}

/* A list of strings, or one string standing for a list of one. */
static int parse_tags(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                      void *obj)
{
	struct device_work *w = obj;
	size_t n = v->kind == YNODE_SEQ ? v->n : 1;
	const char **tags = conf_alloc(c, n * sizeof(*tags));
	int rc = 0;

	if (tags == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (conf_get_str(c, k->name, v->kind == YNODE_SEQ ? v->kids[i] : v, &tags[i]) < 0)
			rc = -EINVAL;
	if (rc == 0) {
		w->d->tags = tags;
		w->d->n_tags = n;
	}
	return rc;
}

static int parse_lat(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v, void *obj)
{
	struct policy_location *l = obj;

	l->has_lat = conf_get_double(c, k->name, v, -90, 90, &l->lat) == 0;
	return l->has_lat ? 0 : -EINVAL;
}

static int parse_lon(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v, void *obj)
{
	struct policy_location *l = obj;

	l->has_lon = conf_get_double(c, k->name, v, -180, 180, &l->lon) == 0;
	return l->has_lon ? 0 : -EINVAL;
}

static const struct conf_key location_keys[] = {
    CONF_KEY_FN("lat", parse_lat, 0),
    CONF_KEY_FN("lon", parse_lon, 0),
    CONF_KEY_STR("region", struct policy_location, region, 0),
    CONF_KEY_END,
};

static int parse_location(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                          void *obj)
{
	struct device_work *w = obj;
	const char *dev = c->what;
	char what[192];
	int rc;

	snprintf(what, sizeof(what), "%s of %s", k->name, dev);
	c->what = what;
	rc = conf_map(c, v, location_keys, &w->d->location, NULL);
	c->what = dev;
	return rc;
}

static int parse_endpoint(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                          void *obj)
{
	struct device_work *w = obj;

	return conf_get_str(c, k->name, v, &w->d->endpoint);
}

static int parse_pattern(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                         void *obj)
{
	struct device_work *w = obj;

	if (conf_get_str(c, k->name, v, &w->d->pattern) < 0)
		return -EINVAL;
	if (strpbrk(w->d->pattern, "*?[") == NULL)
		conf_warn(c, v,
		          "%s '%s' of %s has no wildcard (*, ? or [...]); 'endpoint' names "
		          "a single device",
		          k->name, w->d->pattern, c->what);
	return 0;
}

enum {
	K_ENDPOINT,
	K_PATTERN,
	K_BOOTSTRAP,
	K_SERVERS,
	K_TAGS,
	K_LOCATION,
	K_SERVER_CREDENTIALS,
	K_COUNT
};

static const struct conf_key device_keys[] = {
    [K_ENDPOINT] = CONF_KEY_FN("endpoint", parse_endpoint, 0),
    [K_PATTERN] = CONF_KEY_FN("endpoint_pattern", parse_pattern, 0),
    [K_BOOTSTRAP] = CONF_KEY_FN("bootstrap", parse_bootstrap, 0),
    /* Optional: without it, the policy's routes decide (schema_route.c). */
    [K_SERVERS] = CONF_KEY_FN("servers", parse_servers, 0),
    [K_TAGS] = CONF_KEY_FN("tags", parse_tags, 0),
    [K_LOCATION] = CONF_KEY_FN("location", parse_location, 0),
    [K_SERVER_CREDENTIALS] = CONF_KEY_FN("server_credentials", parse_servers, 0),
    [K_COUNT] = CONF_KEY_END,
};

/* Exactly one of endpoint and endpoint_pattern, and some bootstrap credential. */
static int device_check(struct conf_ctx *c, const struct ynode *item, const struct ynode **seen)
{
	int rc = 0;

	if (seen[K_ENDPOINT] != NULL && seen[K_PATTERN] != NULL) {
		conf_error(c, seen[K_PATTERN],
		           "%s gives both 'endpoint' and 'endpoint_pattern'; "
		           "keep one",
		           c->what);
		rc = -EINVAL;
	} else if (seen[K_ENDPOINT] == NULL && seen[K_PATTERN] == NULL) {
		conf_error(c, item,
		           "%s needs an 'endpoint' (one device) or an 'endpoint_pattern' "
		           "(a group)",
		           c->what);
		rc = -EINVAL;
	}
	if (seen[K_BOOTSTRAP] == NULL) {
		conf_error(c, item,
		           "%s has no 'bootstrap' credential: give 'bootstrap:' with " BOOT_HINT,
		           c->what);
		rc = -EINVAL;
	}
	return rc;
}

/* Report every key of d that a device added earlier holds already; true if any. */
static bool device_clashes(struct conf_ctx *c, const struct device_work *w,
                           const struct ynode **seen)
{
	struct policy_device probe = *w->d;
	enum policy_clash what;
	const struct policy_device *old = policy_device_clash(c->pol, &probe, &what);
	char name[128];
	bool any = false;

	for (int round = 0; old != NULL && round < 2; round++) {
		any = true;
		if (what == POLICY_CLASH_PSK_IDENTITY || what == POLICY_CLASH_RPK) {
			device_name(old->endpoint, old->pattern, 0, name, sizeof(name));
			conf_error(c, w->identity_at,
			           "the %s of %s is already used by %s "
			           "(%s:%d)",
			           what == POLICY_CLASH_RPK ? "raw public key" : "PSK identity",
			           c->what, name, old->file, old->line);
			break;
		}
		conf_error(c, seen[what == POLICY_CLASH_ENDPOINT ? K_ENDPOINT : K_PATTERN],
		           "duplicate %s '%s' (first defined at %s:%d)",
		           what == POLICY_CLASH_ENDPOINT ? "endpoint" : "endpoint_pattern",
		           what == POLICY_CLASH_ENDPOINT ? probe.endpoint : probe.pattern,
		           old->file, old->line);
		/* Look again for the identity alone. */
		probe.endpoint = probe.pattern = NULL;
		old = policy_device_clash(c->pol, &probe, &what);
	}
	return any;
}

void conf_device_item(struct conf_ctx *c, size_t idx, const struct ynode *item)
{
	const struct ynode *seen[CONF_MAX_KEYS];
	struct device_work w = {conf_alloc(c, sizeof(*w.d)), NULL, NULL, false, false};
	const struct ynode *ep = conf_lookup(item, "endpoint");
	const struct ynode *pat = conf_lookup(item, "endpoint_pattern");
	char what[128];

	if (w.d == NULL)
		return;
	device_name(ep && ep->kind == YNODE_SCALAR ? ep->str : NULL,
	            pat && pat->kind == YNODE_SCALAR ? pat->str : NULL, idx, what, sizeof(what));
	c->what = w.name = what;
	conf_map(c, item, device_keys, &w, seen);
	if (item->kind == YNODE_MAP)
		device_check(c, item, seen);
	w.d->file = c->file;
	w.d->line = item->line;
	/* Index it when its keys are sound, even if something else is wrong, to catch clashes. */
	if ((w.d->endpoint == NULL) != (w.d->pattern == NULL) && !device_clashes(c, &w, seen) &&
	    policy_add_device(c->pol, w.d) == -ENOMEM)
		c->oom = true;
	c->what = NULL;
}

void conf_device_resolve(struct conf_ctx *c)
{
	const char **ids = calloc(policy_server_count(c->pol) + 1, sizeof(*ids));
	size_t n_ids = policy_server_count(c->pol);
	char name[128];

	for (size_t i = 0; ids != NULL && i < n_ids; i++)
		ids[i] = policy_server_at(c->pol, i)->id;
	for (size_t i = 0; i < c->n_pending; i++) {
		struct conf_pending *p = &c->pending[i];
		const char *hint = ids ? conf_suggest(p->server_id, ids, n_ids) : NULL;
		device_name(p->dev->endpoint, p->dev->pattern, 0, name, sizeof(name));
		p->ds->server = policy_server_by_id(c->pol, p->server_id);
		if (p->ds->server == NULL && c->broken_servers != NULL &&
		    hmap_get(c->broken_servers, p->server_id, strlen(p->server_id)) != NULL)
			continue; /* its own errors are reported */
		if (p->ds->server == NULL)
			conf_diag_at(c, CONF_ERROR, p->file, p->line, p->col,
			             "%s refers to unknown server '%s'%s%s%s", name, p->server_id,
			             hint ? " (did you mean '" : "", hint ? hint : "",
			             hint ? "'?)" : "");
		else if (p->check_creds)
			entry_check(c, p->file, p->line, p->col, name, p->ds);
	}
	free(ids);
}
