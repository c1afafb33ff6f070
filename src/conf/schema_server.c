/* One entry of `servers:`: an LwM2M server account devices are sent to. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/schema.h"
#include "schema.h"

static const char *const scheme_names[] = {"coap", "coaps", "coap+tcp", "coaps+tcp"};
enum { SCHEME_COAP, SCHEME_COAPS, SCHEME_COAP_TCP, SCHEME_COAPS_TCP, SCHEME_COUNT };

struct server_work {
	struct policy_server s;
	int scheme;
};

#define HOST_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_~"

/* What is wrong with ":port" in p[0..n) (empty is fine), or NULL. */
static const char *uri_port_problem(const char *p, size_t n)
{
	unsigned long port;

	if (n == 0)
		return NULL;
	if (p[0] != ':')
		return "has text after the host";
	if (n < 2 || n > 6 || strspn(p + 1, "0123456789") < n - 1)
		return "has a port outside 1..65535";
	port = strtoul(p + 1, NULL, 10);
	return port >= 1 && port <= 65535 ? NULL : "has a port outside 1..65535";
}

/* What is wrong with "host[:port]" or "[v6][:port]" in a[0..n), or NULL. */
static const char *uri_authority_problem(const char *a, size_t n)
{
	unsigned char sa[sizeof(struct in6_addr)];
	char v6[INET6_ADDRSTRLEN + 1];
	const char *rest;

	if (n > 0 && a[0] == '[') {
		const char *close = memchr(a, ']', n);
		size_t len = close ? (size_t)(close - a - 1) : 0;
		if (close == NULL || len >= sizeof(v6))
			return "has a malformed IPv6 address";
		memcpy(v6, a + 1, len);
		v6[len] = '\0';
		if (inet_pton(AF_INET6, v6, sa) != 1)
			return "has a malformed IPv6 address";
		rest = close + 1;
	} else {
		const char *colon = memchr(a, ':', n);
		size_t len = colon ? (size_t)(colon - a) : n;
		if (len == 0 || strspn(a, HOST_CHARS) < len)
			return "has no valid host name or address";
		rest = a + len;
	}
	return uri_port_problem(rest, n - (size_t)(rest - a));
}

/* What is wrong with uri as a server URI, or NULL with *scheme set. */
static const char *uri_problem(const char *uri, int *scheme)
{
	const char *sep = strstr(uri, "://"), *auth;
	size_t len;

	for (int i = 0; sep != NULL && i < SCHEME_COUNT; i++) {
		if (strlen(scheme_names[i]) == (size_t)(sep - uri) &&
		    strncmp(uri, scheme_names[i], (size_t)(sep - uri)) == 0)
			*scheme = i;
	}
	if (sep == NULL || *scheme < 0)
		return "must start with coap://, coaps://, coap+tcp:// or coaps+tcp://";
	auth = sep + 3;
	len = strcspn(auth, "/?#");
	if (auth[len] == '?' || auth[len] == '#')
		return "must not carry a query or fragment";
	return uri_authority_problem(auth, len);
}

static int parse_uri(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v, void *obj)
{
	struct server_work *w = obj;
	const char *uri, *why;
	int scheme = -1;

	if (conf_get_str(c, k->name, v, &uri) < 0)
		return -EINVAL;
	why = uri_problem(uri, &scheme);
	if (why != NULL) {
		conf_error(c, v, "'%s' '%s' of %s %s", k->name, uri, c->what, why);
		return -EINVAL;
	}
	w->s.uri = uri;
	w->scheme = scheme;
	return 0;
}

/* Indexed by enum policy_security. */
static const char *const security_names[] = {"psk", "rpk", "certificate", "nosec"};

static int parse_security(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                          void *obj)
{
	struct server_work *w = obj;
	int i;

	if (conf_get_enum(c, k->name, v, security_names, 4, &i) < 0)
		return -EINVAL;
	w->s.security = (enum policy_security)i;
	return 0;
}

static int parse_binding(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                         void *obj)
{
	struct server_work *w = obj;
	const char *b;
	bool ok;

	if (conf_get_str(c, k->name, v, &b) < 0)
		return -EINVAL;
	ok = strspn(b, "UMHTSNQ") == strlen(b);
	for (size_t i = 0; ok && b[i] != '\0'; i++)
		ok = strchr(b + i + 1, b[i]) == NULL;
	if (!ok) {
		conf_error(c, v,
		           "'%s' of %s must be made of the letters U, M, H, T, S, N, Q, each "
		           "at most once, not '%s'",
		           k->name, c->what, b);
		return -EINVAL;
	}
	w->s.binding = b;
	return 0;
}

static int parse_min_period(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                            void *obj)
{
	struct server_work *w = obj;
	uint64_t u;

	if (conf_get_uint(c, k->name, v, 0, INT32_MAX, &u) < 0)
		return -EINVAL;
	w->s.default_min_period = (uint32_t)u;
	w->s.has_min_period = true;
	return 0;
}

static int parse_max_period(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                            void *obj)
{
	struct server_work *w = obj;
	uint64_t u;

	if (conf_get_uint(c, k->name, v, 1, INT32_MAX, &u) < 0)
		return -EINVAL;
	w->s.default_max_period = (uint32_t)u;
	w->s.has_max_period = true;
	return 0;
}

static int parse_public_key(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                            void *obj)
{
	struct server_work *w = obj;

	return conf_read_file(c, k->name, v, false, &w->s.public_key, &w->s.public_key_len);
}

static int parse_server_res(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                            void *obj)
{
	struct server_work *w = obj;

	return conf_resources(c, k->name, LWM2M_OID_SERVER, v, &w->s.server_res,
	                      &w->s.n_server_res);
}

static int parse_security_res(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                              void *obj)
{
	struct server_work *w = obj;

	return conf_resources(c, k->name, LWM2M_OID_SECURITY, v, &w->s.security_res,
	                      &w->s.n_security_res);
}

enum {
	K_ID,
	K_URI,
	K_SSID,
	K_SECURITY,
	K_LIFETIME,
	K_BINDING,
	K_MIN_PERIOD,
	K_MAX_PERIOD,
	K_NOTIFICATION_STORING,
	K_PUBLIC_KEY,
	K_RESOURCES,
	K_SECURITY_RESOURCES,
	K_LOCATION,
	K_DRAINED,
	K_CREDENTIALS,
	K_MASTER_HEX,
	K_MASTER_FILE,
	K_EXPORT,
	K_COMMAND,
	K_ISSUER,
	K_COUNT
};

/* `location: {lat, lon}`: where the server is, for `nearest` pools. */
static int parse_server_location(struct conf_ctx *c, const struct conf_key *k,
                                 const struct ynode *v, void *obj)
{
	struct server_work *w = obj;
	const struct ynode *la = conf_lookup(v, "lat"), *lo = conf_lookup(v, "lon");
	int rc = 0;

	if (v->kind != YNODE_MAP || la == NULL || lo == NULL || v->n != 2) {
		conf_error(c, v, "'%s' of %s must be a mapping {lat: DEGREES, lon: DEGREES}",
		           k->name, c->what);
		return -EINVAL;
	}
	if (conf_get_double(c, "lat", la, -90, 90, &w->s.lat) < 0)
		rc = -EINVAL;
	if (conf_get_double(c, "lon", lo, -180, 180, &w->s.lon) < 0)
		rc = -EINVAL;
	w->s.has_location = rc == 0;
	return rc;
}

#define W struct server_work
static const struct conf_key server_keys[] = {
    [K_ID] = CONF_KEY_STR("id", W, s.id, CONF_REQUIRED),
    [K_URI] = CONF_KEY_FN("uri", parse_uri, CONF_REQUIRED),
    [K_SSID] = CONF_KEY_U16("short_server_id", W, s.ssid, 1, 65534, CONF_REQUIRED),
    [K_SECURITY] = CONF_KEY_FN("security", parse_security, CONF_REQUIRED),
    [K_LIFETIME] = CONF_KEY_U32("lifetime", W, s.lifetime, 1, INT32_MAX, 0),
    [K_BINDING] = CONF_KEY_FN("binding", parse_binding, 0),
    [K_MIN_PERIOD] = CONF_KEY_FN("default_min_period", parse_min_period, 0),
    [K_MAX_PERIOD] = CONF_KEY_FN("default_max_period", parse_max_period, 0),
    [K_NOTIFICATION_STORING] = CONF_KEY_BOOL("notification_storing", W, s.notification_storing, 0),
    [K_PUBLIC_KEY] = CONF_KEY_FN("server_public_key_file", parse_public_key, 0),
    [K_RESOURCES] = CONF_KEY_FN("resources", parse_server_res, 0),
    [K_SECURITY_RESOURCES] = CONF_KEY_FN("security_resources", parse_security_res, 0),
    [K_LOCATION] = CONF_KEY_FN("location", parse_server_location, 0),
    [K_DRAINED] = CONF_KEY_BOOL("drained", W, s.drained, 0),
    [K_CREDENTIALS] = CONF_KEY_FN("credentials", conf_server_credentials, 0),
    [K_MASTER_HEX] = CONF_KEY_FN("master_secret_hex", conf_server_master_hex, 0),
    [K_MASTER_FILE] = CONF_KEY_FN("master_secret_file", conf_server_master_file, 0),
    [K_EXPORT] = CONF_KEY_FN("credentials_export", conf_server_export, 0),
    [K_COMMAND] = CONF_KEY_FN("credentials_command", conf_server_command, 0),
    [K_ISSUER] = CONF_KEY_FN("issuer", conf_server_issuer, 0),
    [K_COUNT] = CONF_KEY_END,
};
#undef W

/* Keys that are each valid but contradict one another. */
static int server_check(struct conf_ctx *c, const struct ynode **seen, const struct server_work *w)
{
	const struct policy_server *s = &w->s;
	bool secure = w->scheme == SCHEME_COAPS || w->scheme == SCHEME_COAPS_TCP;
	int rc = 0;

	if (secure == (s->security == POLICY_SEC_NOSEC)) {
		conf_error(c, seen[K_SECURITY],
		           "%s has a %s:// uri, so its security must be %s, "
		           "not %s",
		           c->what, scheme_names[w->scheme],
		           secure ? "psk, rpk or certificate" : "nosec",
		           policy_security_name(s->security));
		rc = -EINVAL;
	}
	if (s->public_key != NULL && s->security != POLICY_SEC_RPK &&
	    s->security != POLICY_SEC_CERTIFICATE) {
		conf_error(c, seen[K_PUBLIC_KEY],
		           "server_public_key_file of %s is for rpk or "
		           "certificate security, not %s",
		           c->what, policy_security_name(s->security));
		rc = -EINVAL;
	}
	if (s->has_min_period && s->has_max_period &&
	    s->default_min_period > s->default_max_period) {
		conf_error(c, seen[K_MAX_PERIOD],
		           "default_max_period (%u) of %s is below "
		           "default_min_period (%u)",
		           s->default_max_period, c->what, s->default_min_period);
		rc = -EINVAL;
	}
	return rc;
}

/* Remember a server left out, so that devices naming it draw no second error. */
static void server_mark_broken(struct conf_ctx *c, const char *id)
{
	if (c->broken_servers == NULL)
		c->broken_servers = hmap_new(16);
	if (c->broken_servers == NULL ||
	    hmap_insert(c->broken_servers, id, strlen(id), (void *)id) == -ENOMEM)
		c->oom = true;
}

/* Index the server unless its id or ssid is taken. */
static void server_add(struct conf_ctx *c, const struct ynode *item, const struct ynode **seen,
                       const struct server_work *w)
{
	const struct policy_server *old = policy_server_by_id(c->pol, w->s.id);
	struct policy_server *srv;
	bool clash = old != NULL;

	if (old != NULL)
		conf_error(c, seen[K_ID], "duplicate server id '%s' (first defined at %s:%d)",
		           w->s.id, old->file, old->line);
	old = policy_server_by_ssid(c->pol, w->s.ssid);
	if (old != NULL) {
		conf_error(c, seen[K_SSID],
		           "short_server_id %u of %s is already used by server "
		           "'%s' (%s:%d)",
		           w->s.ssid, c->what, old->id, old->file, old->line);
		clash = true;
	}
	srv = clash ? NULL : conf_alloc(c, sizeof(*srv));
	if (srv == NULL)
		return;
	*srv = w->s;
	srv->file = c->file;
	srv->line = item->line;
	if (policy_add_server(c->pol, srv) == -ENOMEM)
		c->oom = true;
}

void conf_server_item(struct conf_ctx *c, size_t idx, const struct ynode *item)
{
	struct server_work w = {{.lifetime = 86400, .binding = "U", .notification_storing = true},
	                        -1};
	const struct ynode *seen[CONF_MAX_KEYS], *id = conf_lookup(item, "id");
	char what[128];

	if (id != NULL && id->kind == YNODE_SCALAR && !ynode_is_null(id))
		snprintf(what, sizeof(what), "server '%.80s'", id->str);
	else
		snprintf(what, sizeof(what), "server #%zu", idx + 1);
	c->what = what;
	if (conf_map(c, item, server_keys, &w, seen) == 0 && server_check(c, seen, &w) == 0)
		conf_server_creds_check(c, item, &w.s);
	/* Index it even when something else is wrong, so that clashes are reported too. */
	if (w.s.id != NULL && w.s.ssid != 0)
		server_add(c, item, seen, &w);
	else if (w.s.id != NULL)
		server_mark_broken(c, w.s.id);
	c->what = NULL;
}
