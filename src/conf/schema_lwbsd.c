/* The `lwbsd:` section: daemon settings. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

/* A list of n items, or a single scalar standing for a list of one. */
static size_t list_len(const struct ynode *v)
{
	return v->kind == YNODE_SEQ ? v->n : 1;
}

static const struct ynode *list_at(const struct ynode *v, size_t i)
{
	return v->kind == YNODE_SEQ ? v->kids[i] : v;
}

static int parse_listen(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                        void *obj)
{
	struct policy_settings *s = obj;
	size_t n = list_len(v);
	const char **addrs = conf_alloc(c, n * sizeof(*addrs));
	unsigned char sa[sizeof(struct in6_addr)];
	int rc = 0;

	if (addrs == NULL)
		return -ENOMEM;
	if (n == 0 || v->kind == YNODE_MAP) {
		conf_error(c, v, "'%s' in %s must list at least one IP address", k->name, c->what);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ynode *a = list_at(v, i);
		if (conf_get_str(c, k->name, a, &addrs[i]) < 0) {
			rc = -EINVAL;
		} else if (inet_pton(AF_INET, addrs[i], sa) != 1 &&
		           inet_pton(AF_INET6, addrs[i], sa) != 1) {
			conf_error(c, a, "'%s' in %s: '%s' is not an IPv4 or IPv6 address", k->name,
			           c->what, addrs[i]);
			rc = -EINVAL;
		}
	}
	if (rc == 0) {
		s->listen = addrs;
		s->n_listen = n;
	}
	return rc;
}

static int parse_audit_log(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                           void *obj)
{
	struct policy_settings *s = obj;
	const char *path;

	if (conf_get_str(c, k->name, v, &path) < 0)
		return -EINVAL;
	if (strcmp(path, "-") != 0)
		path = conf_path(c, path);
	if (path == NULL)
		return -ENOMEM;
	s->audit_log = path;
	return 0;
}

/* "/", "/oid" or "/oid/iid": the targets Bootstrap-Delete accepts. */
static bool delete_path_parse(const char *s, struct lwm2m_path *out)
{
	struct lwm2m_path p = {0, {0, 0, 0, 0}};
	char *end;

	if (s[0] != '/')
		return false;
	for (s++; *s != '\0' && p.depth < 2; s = *end ? end + 1 : end) {
		unsigned long id;
		if (*s < '0' || *s > '9')
			return false;
		errno = 0;
		id = strtoul(s, &end, 10);
		if (errno || id > (p.depth == 0 ? 65535UL : 65534UL) || (*end && *end != '/') ||
		    (*end == '/' && end[1] == '\0'))
			return false;
		p.ids[p.depth++] = (uint16_t)id;
	}
	if (*s != '\0')
		return false;
	*out = p;
	return true;
}

static int parse_delete(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                        void *obj)
{
	struct policy_settings *s = obj;
	size_t n = list_len(v);
	struct lwm2m_path *paths = conf_alloc(c, n * sizeof(*paths));
	int rc = 0;

	if (paths == NULL)
		return -ENOMEM;
	if (v->kind == YNODE_MAP) {
		conf_error(c, v, "'%s' in %s must be a list of paths", k->name, c->what);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ynode *p = list_at(v, i);
		const char *text;
		if (conf_get_str(c, k->name, p, &text) < 0) {
			rc = -EINVAL;
		} else if (!delete_path_parse(text, &paths[i])) {
			conf_error(c, p,
			           "'%s' in %s: '%s' is not a Bootstrap-Delete path "
			           "(\"/\", \"/oid\" or \"/oid/iid\")",
			           k->name, c->what, text);
			rc = -EINVAL;
		}
	}
	if (rc == 0) {
		s->delete_paths = paths;
		s->n_delete = n;
	}
	return rc;
}

static const char *const format_names[] = {"auto", "tlv", "senml-json", "senml-cbor", "lwm2m-cbor"};
static const enum lwm2m_format format_values[] = {
    LWM2M_FMT_TLV, LWM2M_FMT_TLV, LWM2M_FMT_SENML_JSON, LWM2M_FMT_SENML_CBOR, LWM2M_FMT_LWM2M_CBOR};

static int parse_format(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                        void *obj)
{
	struct policy_settings *s = obj;
	int i;

	if (conf_get_enum(c, k->name, v, format_names, 5, &i) < 0)
		return -EINVAL;
	s->format_auto = i == 0;
	s->format = format_values[i];
	return 0;
}

enum {
	K_LISTEN,
	K_COAP_PORT,
	K_COAPS_PORT,
	K_AUDIT_LOG,
	K_SESSION_TIMEOUT,
	K_EXCHANGE_TIMEOUT,
	K_DISCOVER,
	K_DELETE,
	K_FORMAT,
	K_CERTIFICATE,
	K_KEY,
	K_CA,
	K_REVOKED,
	K_GEOIP_DB,
	K_DEFAULT_LOCATION,
	K_WORKERS,
	K_COAPS_RPK_PORT,
	K_RPK_KEY,
	K_COUNT
};

#define S struct policy_settings
static const struct conf_key lwbsd_keys[] = {
    [K_LISTEN] = CONF_KEY_FN("listen", parse_listen, 0),
    [K_COAP_PORT] = CONF_KEY_U16("coap_port", S, coap_port, 0, 65535, 0),
    [K_COAPS_PORT] = CONF_KEY_U16("coaps_port", S, coaps_port, 0, 65535, 0),
    [K_AUDIT_LOG] = CONF_KEY_FN("audit_log", parse_audit_log, 0),
    [K_SESSION_TIMEOUT] = CONF_KEY_U32("session_timeout", S, session_timeout, 1, 86400, 0),
    [K_EXCHANGE_TIMEOUT] = CONF_KEY_U32("exchange_timeout", S, exchange_timeout, 1, 3600, 0),
    [K_DISCOVER] = CONF_KEY_BOOL("discover", S, discover, 0),
    [K_DELETE] = CONF_KEY_FN("delete", parse_delete, 0),
    [K_FORMAT] = CONF_KEY_FN("format", parse_format, 0),
    [K_CERTIFICATE] = CONF_KEY_FN("certificate", conf_lwbsd_cert, 0),
    [K_KEY] = CONF_KEY_FN("key", conf_lwbsd_key, 0),
    [K_CA] = CONF_KEY_FN("ca", conf_lwbsd_ca, 0),
    [K_REVOKED] = CONF_KEY_FN("revoked", conf_lwbsd_revoked, 0),
    [K_GEOIP_DB] = CONF_KEY_FN("geoip_db", conf_parse_geoip_db, 0),
    [K_DEFAULT_LOCATION] = CONF_KEY_FN("default_location", conf_parse_default_location, 0),
    [K_WORKERS] = CONF_KEY_U32("workers", S, workers, 1, 256, 0),
    [K_COAPS_RPK_PORT] = CONF_KEY_U16("coaps_rpk_port", S, coaps_rpk_port, 0, 65535, 0),
    [K_RPK_KEY] = CONF_KEY_FN("rpk_key", conf_lwbsd_rpk_key, 0),
    [K_COUNT] = CONF_KEY_END,
};
#undef S

/* Settings that are each fine but do not go together. */
static int lwbsd_check(struct conf_ctx *c, const struct ynode *m, const struct ynode **seen,
                       const struct policy_settings *s)
{
	const struct ynode *at = seen[K_COAPS_PORT] ? seen[K_COAPS_PORT] : m;
	int rc = 0;

	if (s->coap_port == 0 && s->coaps_port == 0) {
		conf_error(c, at,
		           "coap_port and coaps_port are both 0: lwbsd would listen "
		           "on nothing");
		rc = -EINVAL;
	} else if (s->coap_port == s->coaps_port) {
		conf_error(c, at,
		           "coap_port and coaps_port are both %u: give them "
		           "different ports",
		           s->coap_port);
		rc = -EINVAL;
	}
	if (s->exchange_timeout > s->session_timeout) {
		at = seen[K_EXCHANGE_TIMEOUT] ? seen[K_EXCHANGE_TIMEOUT] : m;
		conf_error(c, at, "exchange_timeout (%u s) must not exceed session_timeout (%u s)",
		           s->exchange_timeout, s->session_timeout);
		rc = -EINVAL;
	}
	return rc;
}

void conf_lwbsd_section(struct conf_ctx *c, const struct ynode *value)
{
	const struct ynode *seen[CONF_MAX_KEYS];
	struct policy_settings s = c->settings;

	if (c->settings_seen) {
		conf_error(c, value,
		           "lwbsd settings are already given in %s:%d; keep them in one file",
		           c->settings.file, c->settings.line);
		return;
	}
	c->what = "lwbsd settings";
	/* "lwbsd:" with nothing under it keeps the defaults. */
	if (!ynode_is_null(value) && conf_map(c, value, lwbsd_keys, &s, seen) == 0 &&
	    lwbsd_check(c, value, seen, &s) == 0 &&
	    conf_lwbsd_rpk_check(c, seen[K_COAPS_RPK_PORT] ? seen[K_COAPS_RPK_PORT] : value, &s) == 0)
		conf_lwbsd_pki_check(c, value, &s);
	s.file = c->file;
	s.line = value->line;
	c->settings = s;
	c->settings_seen = true;
	c->what = NULL;
}
