#include "session/targets.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "geoip/geoip.h"
#include "policy/policy.h"
#include "policy/policy_routes.h"
#include "route/route.h"

/* Static credentials from the device entry (Security /0/x/3 and /0/x/5). */
static int targets_static(const struct policy_device_server *ds, struct plan_target *t,
                          const char **reason)
{
	memset(t, 0, sizeof(*t));
	t->server = ds->server;
	if (ds->server->security == POLICY_SEC_NOSEC)
		return 0;
	if (ds->server->security != POLICY_SEC_PSK || ds->psk.key == NULL) {
		*reason = "policy gives no credentials for the device's server";
		return -EINVAL;
	}
	t->creds.identity = ds->psk.identity;
	t->creds.identity_len = ds->psk.identity_len;
	t->creds.secret = ds->psk.key;
	t->creds.secret_len = ds->psk.key_len;
	return 0;
}

/* Credentials lwbsd makes for srv (issue 4): asked of the injected provider. */
static int targets_generated(const struct targets_query *q, const struct policy_server *srv,
			     struct plan_target *t, const char **reason)
{
	memset(t, 0, sizeof(*t));
	t->server = srv;
	if (q->provider == NULL) {
		*reason = "server needs generated credentials, but none can be made here";
		return -EINVAL;
	}
	return q->provider->provide(q->provider->arg, srv, q->client->endpoint, &t->creds,
				    reason);
}

/* Static credentials unless the entry has none and the server makes them. */
static int targets_entry(const struct targets_query *q, const struct policy_device_server *ds,
			 struct plan_target *t, const char **reason)
{
	if (ds->psk.key == NULL && ds->server->credentials != POLICY_CREDS_STATIC)
		return targets_generated(q, ds->server, t, reason);
	return targets_static(ds, t, reason);
}

/* The device entry's credentials for srv, from `servers:` or `server_credentials:`. */
static const struct policy_device_server *targets_creds_for(const struct policy_device *dev,
                                                            const struct policy_server *srv)
{
	for (size_t i = 0; i < dev->n_servers; i++)
		if (dev->servers[i].server == srv)
			return &dev->servers[i];
	for (size_t i = 0; i < dev->n_credentials; i++)
		if (dev->credentials[i].server == srv)
			return &dev->credentials[i];
	return NULL;
}

/*
 * Credentials for a server routing chose. Hook for generated credentials
 * (issue 4): a provisioning step that derives or issues them would be asked
 * here, before giving up.
 */
static int targets_routed(const struct policy_device *dev, const struct policy_server *srv,
                          struct plan_target *t, const char **reason)
{
	const struct policy_device_server *ds = targets_creds_for(dev, srv);
	static char why[128];

	if (ds != NULL)
		return targets_static(ds, t, reason);
	if (srv->security == POLICY_SEC_NOSEC) {
		memset(t, 0, sizeof(*t));
		t->server = srv;
		return 0;
	}
	/* Single-threaded per process: the session copies the reason at once. */
	snprintf(why, sizeof(why), "no credentials for server %s", srv->id);
	*reason = why;
	return -EINVAL;
}

static enum policy_security targets_credential(enum bs_auth a)
{
	switch (a) {
	case BS_AUTH_PSK:
		return POLICY_SEC_PSK;
	case BS_AUTH_CERT:
		return POLICY_SEC_CERTIFICATE;
	case BS_AUTH_RPK:
		return POLICY_SEC_RPK;
	case BS_AUTH_NOSEC:
		break;
	}
	return POLICY_SEC_NOSEC;
}

/* What routing may look at; geo receives the GeoIP answer facts point to. */
static void targets_facts(const struct targets_query *q, struct route_facts *f,
                          struct geoip_result *geo)
{
	const struct geoip *g = policy_geoip(q->pol);

	memset(f, 0, sizeof(*f));
	f->endpoint = q->client->endpoint;
	f->dev = q->dev;
	f->credential = targets_credential(q->client->auth);
	f->has_version = q->version_known;
	f->version = q->version;
	f->family = q->client->peer_family;
	memcpy(f->addr, q->client->peer_addr, sizeof(f->addr));
	if (g != NULL && f->family != 0 && geoip_lookup(g, f->family, f->addr, geo) == 0) {
		f->country = geo->country;
		f->has_geo_location = geo->has_location;
		f->geo_lat = geo->lat;
		f->geo_lon = geo->lon;
	}
}

static int targets_route(const struct targets_query *q, struct plan_target out[TARGETS_MAX],
                         size_t *n, const char **reason)
{
	struct route_facts f;
	struct geoip_result geo;
	struct route_decision d;
	int rc;

	targets_facts(q, &f, &geo);
	rc = route_decide(q->pol, &f, &d, reason);
	if (rc < 0)
		return rc == -EHOSTUNREACH ? -ENOENT : rc;
	for (size_t i = 0; i < d.n_servers && i < TARGETS_MAX; i++) {
		rc = targets_creds_for(q->dev, d.servers[i]) == NULL &&
				     d.servers[i]->credentials != POLICY_CREDS_STATIC
			     ? targets_generated(q, d.servers[i], &out[i], reason)
			     : targets_routed(q->dev, d.servers[i], &out[i], reason);
		if (rc < 0)
			return rc;
	}
	*n = d.n_servers < TARGETS_MAX ? d.n_servers : TARGETS_MAX;
	return 0;
}

int targets_resolve(const struct targets_query *q, struct plan_target out[TARGETS_MAX], size_t *n,
                    const char **reason)
{
	const struct policy_device *dev = q->dev;
	size_t k = 0;

	/* Servers the device entry names win over routes (policies/README.md). */
	if (dev->n_servers == 0)
		return targets_route(q, out, n, reason);
	for (size_t i = 0; i < dev->n_servers && k < TARGETS_MAX; i++) {
		int rc = targets_entry(q, &dev->servers[i], &out[k], reason);
		if (rc < 0)
			return rc;
		k++;
	}
	*n = k;
	return 0;
}
