#include "session/admit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy.h"

static int admit_psk(const struct policy *pol, struct bs_client *c, const uint8_t *id,
		     size_t id_len, const struct policy_device **dev, const char **reason)
{
	const struct policy_device *d = policy_device_by_psk_identity(pol, id, id_len);

	/* The handshake already proved the key; a vanished entry means a reload. */
	if (d == NULL || d->bootstrap != POLICY_CRED_PSK) {
		*reason = "PSK identity is not in the policy";
		return -ENOENT;
	}
	if (c->endpoint[0] == '\0') {
		/* Transport TS 1.2 §5.2.1: derive the endpoint from the identity. */
		if (d->endpoint)
			snprintf(c->endpoint, sizeof(c->endpoint), "%s", d->endpoint);
		else if (id_len < sizeof(c->endpoint) && memchr(id, '\0', id_len) == NULL)
			snprintf(c->endpoint, sizeof(c->endpoint), "%.*s", (int)id_len, id);
	}
	if (c->endpoint[0] == '\0' || !policy_device_claims(d, c->endpoint)) {
		*reason = "PSK identity may not claim this endpoint name";
		return -EACCES;
	}
	*dev = d;
	return 0;
}

static int admit_nosec(const struct policy *pol, struct bs_client *c,
		       const struct policy_device **dev, const char **reason)
{
	const struct policy_device *d;

	if (c->endpoint[0] == '\0') {
		*reason = "NoSec Bootstrap-Request without an endpoint name";
		return -ENOENT;
	}
	d = policy_device_by_endpoint(pol, c->endpoint);
	if (d == NULL) {
		*reason = "endpoint name is not in the policy";
		return -ENOENT;
	}
	if (d->bootstrap != POLICY_CRED_NOSEC) {
		*reason = "device must bootstrap over DTLS but connected without security";
		return -EACCES;
	}
	*dev = d;
	return 0;
}

int admit_client(const struct policy *pol, struct bs_client *c, const uint8_t *id, size_t id_len,
		 const struct policy_device **dev, const char **reason)
{
	switch (c->auth) {
	case BS_AUTH_NOSEC:
		return admit_nosec(pol, c, dev, reason);
	case BS_AUTH_PSK:
		if (id == NULL) {
			*reason = "DTLS session without a PSK identity";
			return -EACCES;
		}
		return admit_psk(pol, c, id, id_len, dev, reason);
	case BS_AUTH_CERT:
	case BS_AUTH_RPK:
		break;
	}
	*reason = "certificate and raw public key bootstrap are not supported yet";
	return -EACCES;
}
