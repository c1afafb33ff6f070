/*
 * Which LwM2M servers a bootstrapping device is sent to, and the
 * credentials it receives for each: the seam between policy (routing,
 * credential provisioning) and the plan. Pure.
 */
#ifndef LWBS_SESSION_TARGETS_H
#define LWBS_SESSION_TARGETS_H

#include <stddef.h>

#include "lwm2m/model.h"
#include "plan/plan.h"
#include "session/session.h"

struct policy;
struct policy_device;

#define TARGETS_MAX 8

/* What the decision may depend on; version is known only after Discover. */
struct targets_query {
	const struct policy *pol;
	const struct policy_device *dev;
	const struct bs_client *client;
	enum lwm2m_version version;
};

/*
 * Fill out[0..*n) with the servers for q's device, in provisioning order,
 * and their credentials: today the device entry's `servers:` with the
 * static credentials written there. Pointers in out point into the policy.
 * Returns 0, -ENOENT when no server applies, -EINVAL when a server needs
 * credentials the policy does not give; *reason then says why, for the
 * audit log.
 */
int targets_resolve(const struct targets_query *q, struct plan_target out[TARGETS_MAX],
		    size_t *n, const char **reason);

#endif
