#include "session/admit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cred/cert.h"
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
	case BS_AUTH_CERT: /* admit_client_cert() */
	case BS_AUTH_RPK:  /* admit_client_rpk() */
		break;
	}
	*reason = "DTLS session with neither a PSK identity nor a readable certificate or key";
	return -EACCES;
}

static bool cert_revoked(const struct policy_settings *s, const struct cred_cert_facts *f)
{
	for (size_t i = 0; i < s->n_revoked; i++) {
		const struct policy_revoked *r = &s->revoked[i];
		if (r->by_fingerprint ? memcmp(r->bytes, f->sha256, sizeof(f->sha256)) == 0
				      : r->len == f->serial_len &&
					    memcmp(r->bytes, f->serial, r->len) == 0)
			return true;
	}
	return false;
}

/* Checks that do not depend on the device entry; NULL when the certificate may go on. */
static const char *cert_unfit(const struct policy *pol, const struct bs_client *c,
			      const struct cred_cert_facts *f)
{
	int64_t now = c->started_unix_ms / 1000;

	if (cert_revoked(policy_settings(pol), f))
		return "certificate is revoked in the policy";
	if (now < f->not_before)
		return "certificate is not valid yet";
	if (now > f->not_after)
		return "certificate has expired";
	/* Curves below 255 bits are too weak for LwM2M (Transport TS 1.2 §5.2.8.3). */
	if (!f->key_ec || f->key_bits < 255)
		return "certificate key is not an elliptic-curve key of at least 255 bits";
	return NULL;
}

/* The name f gives for match mode m, or "". */
static const char *cert_name(const struct cred_cert_facts *f, enum policy_cert_match m)
{
	switch (m) {
	case POLICY_MATCH_CN:
		return f->cn;
	case POLICY_MATCH_SAN_URI:
		return f->san_uri;
	case POLICY_MATCH_SAN_DNS:
		return f->san_dns;
	case POLICY_MATCH_GUID:
		return f->guid;
	}
	return "";
}

/* Transport TS 1.2 §5.2.1: without ep=, the endpoint is the certificate's name. */
static void cert_derive_endpoint(const struct policy *pol, struct bs_client *c,
				 const struct cred_cert_facts *f)
{
	static const enum policy_cert_match order[] = {POLICY_MATCH_CN, POLICY_MATCH_GUID,
						       POLICY_MATCH_SAN_URI, POLICY_MATCH_SAN_DNS};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *name = cert_name(f, order[i]);
		const struct policy_device *d = name[0] ? policy_device_by_endpoint(pol, name) : NULL;
		if (d && d->bootstrap == POLICY_CRED_CERT && d->cert.match == order[i]) {
			snprintf(c->endpoint, sizeof(c->endpoint), "%s", name);
			return;
		}
	}
}

int admit_client_cert(const struct policy *pol, struct bs_client *c,
		      const struct cred_cert_facts *f, const struct policy_device **dev,
		      const char **reason)
{
	const struct policy_device *d;

	snprintf(c->identity, sizeof(c->identity), "CN=%.120s", f->cn);
	if ((*reason = cert_unfit(pol, c, f)) != NULL)
		return -EACCES;
	if (c->endpoint[0] == '\0')
		cert_derive_endpoint(pol, c, f);
	d = c->endpoint[0] ? policy_device_by_endpoint(pol, c->endpoint) : NULL;
	if (d == NULL) {
		*reason = "endpoint name is not in the policy";
		return -ENOENT;
	}
	if (d->bootstrap != POLICY_CRED_CERT) {
		*reason = "device must bootstrap with its PSK or without security, not a certificate";
		return -EACCES;
	}
	if (strcmp(cert_name(f, d->cert.match), c->endpoint) != 0) {
		*reason = "certificate does not name this endpoint";
		return -EACCES;
	}
	if (d->cert.has_fingerprint &&
	    memcmp(d->cert.fingerprint, f->sha256, sizeof(f->sha256)) != 0) {
		*reason = "certificate differs from the one pinned for this device";
		return -EACCES;
	}
	*dev = d;
	return 0;
}

int admit_client_rpk(const struct policy *pol, struct bs_client *c, const uint8_t *spki,
		     size_t spki_len, const struct policy_device **dev, const char **reason)
{
	const struct policy_device *d = policy_device_by_rpk(pol, spki, spki_len);

	if (d == NULL || d->bootstrap != POLICY_CRED_RPK) {
		*reason = "raw public key is not in the policy";
		return -ENOENT;
	}
	/* Transport TS 1.2 §5.2.1: without ep=, the key's entry names the endpoint. */
	if (c->endpoint[0] == '\0' && d->endpoint)
		snprintf(c->endpoint, sizeof(c->endpoint), "%s", d->endpoint);
	if (c->endpoint[0] == '\0' || !policy_device_claims(d, c->endpoint)) {
		*reason = "raw public key may not claim this endpoint name";
		return -EACCES;
	}
	*dev = d;
	return 0;
}
