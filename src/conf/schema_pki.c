/*
 * Certificates in the policy: how a certificate device is recognised
 * (`bootstrap: {certificate: ...}`) and lwbsd's own certificate, trusted CAs
 * and revocation list (`lwbsd: {certificate, key, ca, revoked}`).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "schema.h"
#include "util/encoding.h"

/* Hex digits, optionally separated by ':' (as openssl prints them), into out. */
static int hex_colons(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	char digits[2 * 32 + 1];
	size_t n = 0;

	for (; *s; s++) {
		if (*s == ':')
			continue;
		if (n == sizeof(digits) - 1)
			return -ENOSPC;
		digits[n++] = *s;
	}
	return encoding_hex_decode(digits, n, out, cap, len);
}

static const char *const match_names[] = {"cn", "san_uri", "san_dns", "guid"};

static int parse_match(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                       void *obj)
{
	struct policy_cert_auth *a = obj;
	int m;

	if (conf_get_enum(c, k->name, v, match_names, 4, &m) < 0)
		return -EINVAL;
	a->match = (enum policy_cert_match)m;
	return 0;
}

static int parse_fingerprint(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                             void *obj)
{
	struct policy_cert_auth *a = obj;
	const char *s;
	size_t len;

	if (conf_get_str(c, k->name, v, &s) < 0)
		return -EINVAL;
	if (hex_colons(s, a->fingerprint, sizeof(a->fingerprint), &len) < 0 || len != 32) {
		conf_error(c, v,
		           "%s of %s must be the 64 hex digits of the certificate's SHA-256 "
		           "(openssl x509 -noout -fingerprint -sha256)",
		           k->name, c->what);
		return -EINVAL;
	}
	a->has_fingerprint = true;
	return 0;
}

static const struct conf_key cert_keys[] = {
    CONF_KEY_FN("match", parse_match, 0),
    CONF_KEY_FN("fingerprint_sha256", parse_fingerprint, 0),
    CONF_KEY_END,
};

int conf_cert_auth(struct conf_ctx *c, const struct ynode *v, struct policy_cert_auth *out)
{
	struct policy_cert_auth a;

	memset(&a, 0, sizeof(a));
	a.match = POLICY_MATCH_CN;
	/* `certificate: {}` or `certificate:` alone: defaults (CN = endpoint). */
	if (!ynode_is_null(v) && conf_map(c, v, cert_keys, &a, NULL) < 0)
		return -EINVAL;
	*out = a;
	return 0;
}

static int pki_path(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                    const char **out)
{
	const char *s;

	if (conf_get_str(c, k->name, v, &s) < 0)
		return -EINVAL;
	s = conf_path(c, s);
	if (s == NULL)
		return -ENOMEM;
	if (access(s, R_OK) < 0) {
		conf_error(c, v,
		           "%s '%s' of %s cannot be read (%s): fix the path or create it "
		           "(lwbs ca init)",
		           k->name, s, c->what, strerror(errno));
		return -EINVAL;
	}
	*out = s;
	return 0;
}

int conf_lwbsd_cert(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v, void *obj)
{
	struct policy_settings *s = obj;

	return pki_path(c, k, v, &s->cert_file);
}

int conf_lwbsd_key(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v, void *obj)
{
	struct policy_settings *s = obj;

	return pki_path(c, k, v, &s->key_file);
}

int conf_lwbsd_ca(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v, void *obj)
{
	struct policy_settings *s = obj;

	return pki_path(c, k, v, &s->ca_path);
}

/* "serial:0A1B..." or "sha256:ab:cd:..." */
static int revoked_one(struct conf_ctx *c, const char *name, const struct ynode *v,
                       struct policy_revoked *r)
{
	const char *s;

	if (conf_get_str(c, name, v, &s) < 0)
		return -EINVAL;
	r->by_fingerprint = strncmp(s, "sha256:", 7) == 0;
	if (r->by_fingerprint && hex_colons(s + 7, r->bytes, sizeof(r->bytes), &r->len) == 0 &&
	    r->len == 32)
		return 0;
	if (!r->by_fingerprint && strncmp(s, "serial:", 7) == 0 &&
	    hex_colons(s + 7, r->bytes, 20, &r->len) == 0)
		return 0;
	conf_error(c, v,
	           "%s entry '%s' must be 'serial:HEX' (up to 20 bytes) or 'sha256:HEX' "
	           "(64 hex digits)",
	           name, s);
	return -EINVAL;
}

int conf_lwbsd_revoked(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                       void *obj)
{
	struct policy_settings *s = obj;
	size_t n = v->kind == YNODE_SEQ ? v->n : 1;
	struct policy_revoked *r = conf_alloc(c, n * sizeof(*r));
	int rc = 0;

	if (r == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (revoked_one(c, k->name, v->kind == YNODE_SEQ ? v->kids[i] : v, &r[i]) < 0)
			rc = -EINVAL;
	if (rc == 0) {
		s->revoked = r;
		s->n_revoked = n;
	}
	return rc;
}

int conf_lwbsd_pki_check(struct conf_ctx *c, const struct ynode *m, struct policy_settings *s)
{
	const char *certs;

	if ((s->cert_file == NULL) != (s->key_file == NULL)) {
		conf_error(c, m, "%s give a %s without a %s: give both 'certificate' and 'key'",
		           c->what, s->cert_file ? "certificate" : "key",
		           s->cert_file ? "key" : "certificate");
		return -EINVAL;
	}
	if (s->cert_file == NULL || s->ca_path != NULL)
		return 0;
	/* The default trust store: certs/ beside the policy, as `lwbs ca init` makes it. */
	certs = conf_path(c, "certs");
	if (certs == NULL)
		return -ENOMEM;
	if (access(certs, R_OK | X_OK) == 0)
		s->ca_path = certs;
	else
		conf_warn(c, m,
		          "%s: no 'ca' and no certs/ directory: certificate clients "
		          "will be refused (run lwbs ca init, or give 'ca')",
		          c->what);
	return 0;
}
