#include "session/targets.h"

#include <errno.h>
#include <string.h>

#include "policy/policy.h"

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

int targets_resolve(const struct targets_query *q, struct plan_target out[TARGETS_MAX],
		    size_t *n, const char **reason)
{
	const struct policy_device *dev = q->dev;
	size_t k = 0;

	if (dev->n_servers == 0) {
		*reason = "policy names no server for this device";
		return -ENOENT;
	}
	for (size_t i = 0; i < dev->n_servers && k < TARGETS_MAX; i++) {
		int rc = targets_static(&dev->servers[i], &out[k], reason);
		if (rc < 0)
			return rc;
		k++;
	}
	*n = k;
	return 0;
}
