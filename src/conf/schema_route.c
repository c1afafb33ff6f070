/* The routing sections: `pools:`, `regions:` and `routes:` (policies/README.md "Routing"). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "geoip/geoip.h"
#include "policy/policy_routes.h"
#include "route/route.h"
#include "schema.h"

/* A list of strings, or one string standing for a list of one. */
static int route_strings(struct conf_ctx *c, const char *name, const struct ynode *v,
                         const char *const **out, size_t *n_out)
{
	size_t n = v->kind == YNODE_SEQ ? v->n : 1;
	const char **list = conf_alloc(c, (n ? n : 1) * sizeof(*list));
	int rc = 0;

	if (list == NULL)
		return -ENOMEM;
	if (n == 0) {
		conf_error(c, v, "'%s' of %s must list at least one value", name, c->what);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (conf_get_str(c, name, v->kind == YNODE_SEQ ? v->kids[i] : v, &list[i]) < 0)
			rc = -EINVAL;
	if (rc == 0) {
		*out = list;
		*n_out = n;
	}
	return rc;
}

/* "10.0.0.0/8", "2001:db8::/32", or an address alone (a host network). */
static int route_cidr(struct conf_ctx *c, const char *name, const struct ynode *v,
                      struct policy_cidr *out, const char **text)
{
	struct policy_cidr net = {0};
	char addr[INET6_ADDRSTRLEN + 1];
	const char *s, *slash;
	char *end = NULL;
	unsigned long prefix;

	if (conf_get_str(c, name, v, &s) < 0)
		return -EINVAL;
	slash = strchr(s, '/');
	if ((size_t)(slash ? slash - s : (ptrdiff_t)strlen(s)) >= sizeof(addr))
		goto bad;
	snprintf(addr, sizeof(addr), "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s);
	net.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(net.family, addr, net.addr) != 1)
		goto bad;
	prefix = net.family == AF_INET ? 32 : 128;
	if (slash != NULL) {
		unsigned long max = prefix;
		prefix = strtoul(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || prefix > max)
			goto bad;
	}
	net.prefix = (unsigned)prefix;
	*out = net;
	if (text != NULL)
		*text = s;
	return 0;
bad:
	conf_error(c, v, "'%s' of %s must be a network like 10.0.0.0/8 or 2001:db8::/32, not '%s'",
	           name, c->what, s);
	return -EINVAL;
}

static int route_latlon(struct conf_ctx *c, const struct ynode *v, bool *has, double *lat,
                        double *lon)
{
	const struct ynode *la = conf_lookup(v, "lat"), *lo = conf_lookup(v, "lon");
	int rc = 0;

	if (v->kind != YNODE_MAP || la == NULL || lo == NULL || v->n != 2) {
		conf_error(c, v, "location of %s must be a mapping {lat: DEGREES, lon: DEGREES}",
		           c->what);
		return -EINVAL;
	}
	if (conf_get_double(c, "lat", la, -90, 90, lat) < 0)
		rc = -EINVAL;
	if (conf_get_double(c, "lon", lo, -180, 180, lon) < 0)
		rc = -EINVAL;
	*has = rc == 0;
	return rc;
}

/* ---- regions ---- */

static int parse_region_cidr(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                             void *obj)
{
	struct policy_region *r = obj;

	return route_cidr(c, k->name, v, &r->net, &r->cidr);
}

static int parse_region_location(struct conf_ctx *c, const struct conf_key *k,
                                 const struct ynode *v, void *obj)
{
	struct policy_region *r = obj;

	(void)k;
	return route_latlon(c, v, &r->has_location, &r->lat, &r->lon);
}

static const struct conf_key region_keys[] = {
    CONF_KEY_FN("cidr", parse_region_cidr, CONF_REQUIRED),
    CONF_KEY_STR("region", struct policy_region, region, CONF_REQUIRED),
    CONF_KEY_FN("location", parse_region_location, 0),
    CONF_KEY_END,
};

void conf_region_item(struct conf_ctx *c, size_t idx, const struct ynode *item)
{
	struct policy_region *r = conf_alloc(c, sizeof(*r));
	char what[64];

	if (r == NULL)
		return;
	snprintf(what, sizeof(what), "region #%zu", idx + 1);
	c->what = what;
	r->file = c->file;
	r->line = item->line;
	if (conf_map(c, item, region_keys, r, NULL) == 0 && policy_add_region(c->pol, r) < 0)
		c->oom = true;
	c->what = NULL;
}

/* ---- members (of pools and routes) ---- */

static int parse_member_server(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                               void *obj)
{
	struct policy_member *m = obj;

	return conf_get_str(c, k->name, v, &m->id);
}

static const struct conf_key member_keys[] = {
    CONF_KEY_FN("server", parse_member_server, CONF_REQUIRED),
    CONF_KEY_U32("weight", struct policy_member, weight, 1, 1000000, 0),
    CONF_KEY_END,
};

/* A list of server ids, or of {server: id, weight: N}; resolved in conf_route_resolve(). */
static int route_members(struct conf_ctx *c, const char *name, const struct ynode *v, bool weights,
                         const struct policy_member **out, size_t *n_out)
{
	size_t n = v->kind == YNODE_SEQ ? v->n : 1;
	struct policy_member *ms = conf_alloc(c, (n ? n : 1) * sizeof(*ms));
	int rc = 0;

	if (ms == NULL)
		return -ENOMEM;
	if (n == 0) {
		conf_error(c, v, "'%s' of %s must list at least one server", name, c->what);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ynode *e = v->kind == YNODE_SEQ ? v->kids[i] : v;
		ms[i] = (struct policy_member){.weight = 1, .line = e->line, .col = e->col};
		if (e->kind == YNODE_MAP && weights)
			rc |= conf_map(c, e, member_keys, &ms[i], NULL);
		else
			rc |= conf_get_str(c, name, e, &ms[i].id);
		for (size_t j = 0; rc == 0 && j < i; j++)
			if (strcmp(ms[j].id, ms[i].id) == 0) {
				conf_error(c, e, "server '%s' is listed twice in %s", ms[i].id,
				           c->what);
				rc = -EINVAL;
			}
	}
	if (rc == 0) {
		*out = ms;
		*n_out = n;
	}
	return rc ? -EINVAL : 0;
}

/* ---- pools ---- */

static const char *const strategy_names[] = {"sticky", "weighted", "nearest", "priority"};

static int parse_strategy(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                          void *obj)
{
	struct policy_pool *p = obj;
	int i;

	if (conf_get_enum(c, k->name, v, strategy_names, 4, &i) < 0)
		return -EINVAL;
	p->strategy = (enum policy_strategy)i;
	return 0;
}

static int parse_pool_members(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                              void *obj)
{
	struct policy_pool *p = obj;

	return route_members(c, k->name, v, true, &p->members, &p->n_members);
}

static const struct conf_key pool_keys[] = {
    CONF_KEY_STR("id", struct policy_pool, id, CONF_REQUIRED),
    CONF_KEY_FN("strategy", parse_strategy, CONF_REQUIRED),
    CONF_KEY_FN("members", parse_pool_members, CONF_REQUIRED),
    CONF_KEY_END,
};

void conf_pool_item(struct conf_ctx *c, size_t idx, const struct ynode *item)
{
	struct policy_pool *p = conf_alloc(c, sizeof(*p));
	const struct ynode *id = conf_lookup(item, "id");
	char what[128];

	if (p == NULL)
		return;
	if (id != NULL && id->kind == YNODE_SCALAR && !ynode_is_null(id))
		snprintf(what, sizeof(what), "pool '%.80s'", id->str);
	else
		snprintf(what, sizeof(what), "pool #%zu", idx + 1);
	c->what = what;
	p->file = c->file;
	p->line = item->line;
	p->col = item->col;
	if (conf_map(c, item, pool_keys, p, NULL) == 0) {
		const struct policy_pool *old = policy_pool_by_id(c->pol, p->id);
		if (old != NULL)
			conf_error(c, id, "duplicate pool id '%s' (first defined at %s:%d)", p->id,
			           old->file, old->line);
		else if (policy_add_pool(c->pol, p) < 0)
			c->oom = true;
	}
	c->what = NULL;
}

/* ---- routes ---- */

static const char *const credential_names[] = {"psk", "rpk", "certificate", "nosec"};
static const char *const version_names[] = {"1.0", "1.1", "1.2"};

/* A list of names from names[] (or one name) as a bit mask. */
static int route_mask(struct conf_ctx *c, const char *name, const struct ynode *v,
                      const char *const *names, size_t n_names, unsigned *out)
{
	size_t n = v->kind == YNODE_SEQ ? v->n : 1;
	unsigned mask = 0;
	int rc = 0, i;

	if (n == 0) {
		conf_error(c, v, "'%s' of %s must list at least one value", name, c->what);
		return -EINVAL;
	}
	for (size_t j = 0; j < n; j++) {
		if (conf_get_enum(c, name, v->kind == YNODE_SEQ ? v->kids[j] : v, names, n_names,
		                  &i) < 0)
			rc = -EINVAL;
		else
			mask |= 1u << i;
	}
	if (rc == 0)
		*out = mask;
	return rc;
}

#define M struct policy_route_match

static int parse_m_pattern(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                           void *obj)
{
	return conf_get_str(c, k->name, v, &((M *)obj)->endpoint_pattern);
}

static int parse_m_tags_all(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                            void *obj)
{
	return route_strings(c, k->name, v, &((M *)obj)->tags_all, &((M *)obj)->n_tags_all);
}

static int parse_m_tags_any(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                            void *obj)
{
	return route_strings(c, k->name, v, &((M *)obj)->tags_any, &((M *)obj)->n_tags_any);
}

static int parse_m_region(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                          void *obj)
{
	return route_strings(c, k->name, v, &((M *)obj)->regions, &((M *)obj)->n_regions);
}

/* Countries are kept upper case, as GeoIP databases spell them. */
static int parse_m_country(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                           void *obj)
{
	M *m = obj;
	int rc = route_strings(c, k->name, v, &m->countries, &m->n_countries);

	for (size_t i = 0; rc == 0 && i < m->n_countries; i++) {
		char *s = (char *)m->countries[i];
		if (strlen(s) != 2 || !isalpha((unsigned char)s[0]) ||
		    !isalpha((unsigned char)s[1])) {
			conf_error(c, v,
			           "'%s' of %s takes two-letter ISO 3166 country codes, not '%s'",
			           k->name, c->what, s);
			return -EINVAL;
		}
		s[0] = (char)toupper((unsigned char)s[0]);
		s[1] = (char)toupper((unsigned char)s[1]);
	}
	return rc;
}

static int parse_m_source(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                          void *obj)
{
	M *m = obj;
	size_t n = v->kind == YNODE_SEQ ? v->n : 1;
	struct policy_cidr *nets = conf_alloc(c, (n ? n : 1) * sizeof(*nets));
	int rc = 0;

	if (nets == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (route_cidr(c, k->name, v->kind == YNODE_SEQ ? v->kids[i] : v, &nets[i], NULL) <
		    0)
			rc = -EINVAL;
	if (rc == 0 && n > 0) {
		m->sources = nets;
		m->n_sources = n;
	}
	return rc;
}

static int parse_m_credential(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                              void *obj)
{
	return route_mask(c, k->name, v, credential_names, 4, &((M *)obj)->credentials);
}

static int parse_m_version(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                           void *obj)
{
	return route_mask(c, k->name, v, version_names, 3, &((M *)obj)->versions);
}

#undef M

static const struct conf_key match_keys[] = {
    CONF_KEY_FN("endpoint_pattern", parse_m_pattern, 0),
    CONF_KEY_FN("tags_all", parse_m_tags_all, 0),
    CONF_KEY_FN("tags_any", parse_m_tags_any, 0),
    CONF_KEY_FN("region", parse_m_region, 0),
    CONF_KEY_FN("country", parse_m_country, 0),
    CONF_KEY_FN("source", parse_m_source, 0),
    CONF_KEY_FN("credential", parse_m_credential, 0),
    CONF_KEY_FN("version", parse_m_version, 0),
    CONF_KEY_END,
};

static int parse_route_match(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                             void *obj)
{
	struct policy_route *r = obj;
	const char *outer = c->what;
	char what[160];
	int rc;

	snprintf(what, sizeof(what), "%s of %s", k->name, outer);
	c->what = what;
	rc = conf_map(c, v, match_keys, &r->match, NULL);
	c->what = outer;
	r->has_match = true;
	return rc;
}

static int parse_route_server(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                              void *obj)
{
	struct policy_route *r = obj;

	if (v->kind != YNODE_SCALAR) {
		conf_error(c, v, "'%s' of %s names one server; list several under 'servers'",
		           k->name, c->what);
		return -EINVAL;
	}
	return route_members(c, k->name, v, false, &r->servers, &r->n_servers);
}

static int parse_route_servers(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                               void *obj)
{
	struct policy_route *r = obj;

	if (route_members(c, k->name, v, false, &r->servers, &r->n_servers) < 0)
		return -EINVAL;
	if (r->n_servers > ROUTE_MAX_SERVERS) {
		conf_error(c, v, "%s lists %zu servers; a device can be given at most %d", c->what,
		           r->n_servers, ROUTE_MAX_SERVERS);
		return -EINVAL;
	}
	return 0;
}

static int parse_route_pool(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                            void *obj)
{
	struct policy_route *r = obj;

	r->pool_line = v->line;
	r->pool_col = v->col;
	return conf_get_str(c, k->name, v, &r->pool_id);
}

enum { R_NAME, R_MATCH, R_SERVER, R_SERVERS, R_POOL, R_COUNT };

static const struct conf_key route_keys[] = {
    [R_NAME] = CONF_KEY_STR("name", struct policy_route, name, 0),
    [R_MATCH] = CONF_KEY_FN("match", parse_route_match, 0),
    [R_SERVER] = CONF_KEY_FN("server", parse_route_server, 0),
    [R_SERVERS] = CONF_KEY_FN("servers", parse_route_servers, 0),
    [R_POOL] = CONF_KEY_FN("pool", parse_route_pool, 0),
    [R_COUNT] = CONF_KEY_END,
};

/* Exactly one target. */
static int route_check(struct conf_ctx *c, const struct ynode *item, const struct ynode **seen)
{
	int n = (seen[R_SERVER] != NULL) + (seen[R_SERVERS] != NULL) + (seen[R_POOL] != NULL);

	if (n == 1)
		return 0;
	conf_error(c, item,
	           n == 0 ? "%s has no target: give 'server: ID', 'servers: [ID, ...]' or "
	                    "'pool: ID'"
	                  : "%s has more than one target: keep one of 'server', 'servers' and "
	                    "'pool'",
	           c->what);
	return -EINVAL;
}

void conf_route_item(struct conf_ctx *c, size_t idx, const struct ynode *item)
{
	const struct ynode *seen[CONF_MAX_KEYS], *name = conf_lookup(item, "name");
	struct policy_route *r = conf_alloc(c, sizeof(*r));
	char what[128];

	if (r == NULL)
		return;
	if (name != NULL && name->kind == YNODE_SCALAR && !ynode_is_null(name))
		snprintf(what, sizeof(what), "route '%.80s'", name->str);
	else
		snprintf(what, sizeof(what), "route #%zu", idx + 1);
	c->what = what;
	r->file = c->file;
	r->line = item->line;
	r->col = item->col;
	if (conf_map(c, item, route_keys, r, seen) == 0 && route_check(c, item, seen) == 0) {
		if (r->name == NULL)
			r->name = conf_fmt(c, "#%zu", policy_route_count(c->pol) + 1);
		if (policy_add_route(c->pol, r) < 0)
			c->oom = true;
	}
	c->what = NULL;
}

/* ---- after every file ---- */

/* Point m at its server; report an unknown one (unless it was left out for its own errors). */
static void member_resolve(struct conf_ctx *c, const char *file, const char *owner,
                           struct policy_member *m)
{
	m->server = policy_server_by_id(c->pol, m->id);
	if (m->server != NULL)
		return;
	if (c->broken_servers != NULL && hmap_get(c->broken_servers, m->id, strlen(m->id)) != NULL)
		return;
	conf_diag_at(c, CONF_ERROR, file, m->line, m->col,
	             "%s refers to unknown server '%s': define it under 'servers:'", owner, m->id);
}

static void route_resolve_one(struct conf_ctx *c, struct policy_route *r)
{
	char owner[128];

	snprintf(owner, sizeof(owner), "route '%s'", r->name);
	for (size_t j = 0; j < r->n_servers; j++)
		member_resolve(c, r->file, owner, (struct policy_member *)&r->servers[j]);
	if (r->pool_id == NULL)
		return;
	r->pool = policy_pool_by_id(c->pol, r->pool_id);
	if (r->pool == NULL)
		conf_diag_at(c, CONF_ERROR, r->file, r->pool_line, r->pool_col,
		             "%s refers to unknown pool '%s': define it under 'pools:'", owner,
		             r->pool_id);
}

/* Report each route that an earlier one shadows (it could never match). */
static void route_shadow_check(struct conf_ctx *c)
{
	for (size_t j = 1; j < policy_route_count(c->pol); j++) {
		const struct policy_route *later = policy_route_at(c->pol, j);
		for (size_t i = 0; i < j; i++) {
			const struct policy_route *e = policy_route_at(c->pol, i);
			if (!route_shadows(e, later))
				continue;
			conf_diag_at(c, CONF_ERROR, later->file, later->line, later->col,
			             "route '%s' can never match: route '%s' (%s:%d) before it "
			             "matches every device it would; reorder or narrow them",
			             later->name, e->name, e->file, e->line);
			break;
		}
	}
}

void conf_route_resolve(struct conf_ctx *c)
{
	char owner[128];

	for (size_t i = 0; i < policy_pool_count(c->pol); i++) {
		struct policy_pool *p = (struct policy_pool *)policy_pool_at(c->pol, i);
		snprintf(owner, sizeof(owner), "pool '%s'", p->id);
		for (size_t j = 0; j < p->n_members; j++)
			member_resolve(c, p->file, owner, (struct policy_member *)&p->members[j]);
	}
	for (size_t i = 0; i < policy_route_count(c->pol); i++)
		route_resolve_one(c, (struct policy_route *)policy_route_at(c->pol, i));
	route_shadow_check(c);
	for (size_t i = 0; policy_route_count(c->pol) == 0 && i < policy_device_count(c->pol);
	     i++) {
		const struct policy_device *d = policy_device_at(c->pol, i);
		if (d->n_servers == 0)
			conf_diag_at(
			    c, CONF_ERROR, d->file, d->line, 1,
			    "device '%s' names no servers and the policy has no routes: give "
			    "it 'servers:' or add 'routes:'",
			    d->endpoint ? d->endpoint : d->pattern);
	}
}

/* ---- lwbsd: geoip_db, default_location ---- */

int conf_parse_geoip_db(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                        void *obj)
{
	struct policy_settings *s = obj;
	struct geoip *g = NULL;
	const char *path, *why = "";
	int rc;

	if (conf_get_str(c, k->name, v, &path) < 0)
		return -EINVAL;
	path = conf_path(c, path);
	if (path == NULL)
		return -ENOMEM;
	rc = geoip_open(path, &g, &why);
	if (rc == -ENOMEM)
		return -ENOMEM;
	if (rc < 0) {
		conf_error(c, v,
		           "cannot use GeoIP database '%s' (%s): give a MaxMind DB file "
		           "(GeoLite2-Country or -City) or remove '%s'",
		           path, why, k->name);
		return -EINVAL;
	}
	policy_set_geoip(c->pol, g);
	s->geoip_db = path;
	return 0;
}

struct default_loc {
	double lat, lon;
	bool has_lat, has_lon;
	const char *region;
};

static int parse_dl_lat(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                        void *obj)
{
	struct default_loc *d = obj;

	d->has_lat = conf_get_double(c, k->name, v, -90, 90, &d->lat) == 0;
	return d->has_lat ? 0 : -EINVAL;
}

static int parse_dl_lon(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                        void *obj)
{
	struct default_loc *d = obj;

	d->has_lon = conf_get_double(c, k->name, v, -180, 180, &d->lon) == 0;
	return d->has_lon ? 0 : -EINVAL;
}

static const struct conf_key default_loc_keys[] = {
    CONF_KEY_FN("lat", parse_dl_lat, 0),
    CONF_KEY_FN("lon", parse_dl_lon, 0),
    CONF_KEY_STR("region", struct default_loc, region, 0),
    CONF_KEY_END,
};

int conf_parse_default_location(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                                void *obj)
{
	struct policy_settings *s = obj;
	struct default_loc d = {0};
	const char *outer = c->what;
	char what[96];
	int rc;

	snprintf(what, sizeof(what), "%s of %s", k->name, outer);
	c->what = what;
	rc = conf_map(c, v, default_loc_keys, &d, NULL);
	if (rc == 0 && d.has_lat != d.has_lon) {
		conf_error(c, v, "%s gives only one of 'lat' and 'lon'; give both", what);
		rc = -EINVAL;
	}
	c->what = outer;
	if (rc < 0)
		return rc;
	s->has_default_location = d.has_lat;
	s->default_lat = d.lat;
	s->default_lon = d.lon;
	s->default_region = d.region;
	return 0;
}
