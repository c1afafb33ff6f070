/*
 * Which LwM2M servers a bootstrapping device is sent to, and the
 * credentials it receives for each: the seam between policy (routing,
 * credential provisioning) and the plan. Pure.
 */
#ifndef LWBS_SESSION_TARGETS_H
#define LWBS_SESSION_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "lwm2m/model.h"
#include "plan/plan.h"
#include "session/session.h"

struct policy;
struct policy_device;

#define TARGETS_MAX 8

/*
 * Credentials lwbsd makes at bootstrap for a server whose `credentials:`
 * is not static (policy_server.credentials). Making them needs a CSPRNG,
 * the CA's key and the export to the device server (files, a command):
 * I/O that this pure module must not do. So the network shell injects a
 * provider (cred/provision.h) and unit tests a fake one. provide() fills
 * *out for srv and endpoint ep, after exporting whatever the server must
 * know; the bytes stay valid until the provider's owner frees them, which
 * is after plan_build() copied them. Returns 0 or a negative errno with
 * *reason for the audit log.
 */
struct targets_provider {
	int (*provide)(void *arg, const struct policy_server *srv, const char *ep,
		       struct plan_creds *out, const char **reason);
	void *arg;
};

/* What the decision may depend on; version is known only after Discover. */
struct targets_query {
	const struct policy *pol;
	const struct policy_device *dev;
	const struct bs_client *client;
	enum lwm2m_version version;
	bool version_known; /* false without Discover: route rules on version do not match */
	const struct targets_provider *provider; /* NULL: generated credentials fail */
};

/*
 * Fill out[0..*n) with the servers for q's device, in provisioning order,
 * and their credentials. A device entry that lists `servers:` gets exactly
 * those; otherwise the policy's routes decide (route/route.h), with the
 * GeoIP country of the source address when the policy names a database.
 * Credentials come from the device entry (`servers:` or
 * `server_credentials:`), or, when it gives none and the server's
 * `credentials:` say so, from q->provider. Pointers in out point into the
 * policy or the provider's storage.
 * Returns 0, -ENOENT when no server applies, -EINVAL when a server needs
 * credentials the policy does not give; *reason then says why, for the
 * audit log.
 */
int targets_resolve(const struct targets_query *q, struct plan_target out[TARGETS_MAX],
		    size_t *n, const char **reason);

#endif
