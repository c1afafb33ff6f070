/*
 * A server's `credentials:` and what generating them needs: master_secret_*
 * (derived-psk), credentials_export / credentials_command, and issuer
 * (issued-certificate). obj is the server being parsed: schema_server.c's
 * work struct begins with its struct policy_server.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "schema.h"

static const char *const creds_names[] = {"static", "generated-psk", "derived-psk",
                                          "issued-certificate", "rpk"};

int conf_server_credentials(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                            void *obj)
{
	struct policy_server *s = obj;
	int i;

	if (conf_get_enum(c, k->name, v, creds_names, 5, &i) < 0)
		return -EINVAL;
	s->credentials = (enum policy_server_creds)i;
	return 0;
}

int conf_server_master_hex(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                           void *obj)
{
	struct policy_server *s = obj;

	return conf_get_bytes(c, k->name, v, CONF_BYTES_HEX, true, &s->master_secret,
	                      &s->master_secret_len);
}

int conf_server_master_file(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                            void *obj)
{
	struct policy_server *s = obj;

	return conf_read_file(c, k->name, v, true, &s->master_secret, &s->master_secret_len);
}

int conf_server_export(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                       void *obj)
{
	struct policy_server *s = obj;
	const char *p;

	if (conf_get_str(c, k->name, v, &p) < 0)
		return -EINVAL;
	s->export_file = conf_path(c, p);
	return s->export_file ? 0 : -ENOMEM;
}

int conf_server_command(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                        void *obj)
{
	struct policy_server *s = obj;

	return conf_get_str(c, k->name, v, &s->export_command);
}

static int issuer_file(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                       const char **out)
{
	const char *p;

	if (conf_get_str(c, k->name, v, &p) < 0)
		return -EINVAL;
	*out = conf_path(c, p);
	return *out ? 0 : -ENOMEM;
}

static int parse_issuer_cert(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                             void *obj)
{
	return issuer_file(c, k, v, &((struct policy_server *)obj)->issuer_cert);
}

static int parse_issuer_key(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                            void *obj)
{
	return issuer_file(c, k, v, &((struct policy_server *)obj)->issuer_key);
}

static const struct conf_key issuer_keys[] = {
    CONF_KEY_FN("certificate", parse_issuer_cert, CONF_REQUIRED),
    CONF_KEY_FN("key", parse_issuer_key, CONF_REQUIRED),
    CONF_KEY_END,
};

int conf_server_issuer(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                       void *obj)
{
	(void)k;
	return conf_map(c, v, issuer_keys, obj, NULL);
}

/* The CA files of issued-certificate: given, or `lwbs ca init`'s beside the policy. */
static int creds_issuer(struct conf_ctx *c, const struct ynode *at, struct policy_server *s)
{
	if (s->issuer_cert == NULL) {
		s->issuer_cert = conf_path(c, "certs/ca.pem");
		s->issuer_key = conf_path(c, "certs/private/ca.key");
	}
	if (s->issuer_cert == NULL || s->issuer_key == NULL)
		return -ENOMEM;
	if (access(s->issuer_cert, R_OK) < 0 || access(s->issuer_key, R_OK) < 0) {
		conf_error(c, at,
		           "%s issues certificates, but its CA '%s' / '%s' cannot be "
		           "read: run lwbs ca init, or give 'issuer: {certificate, key}'",
		           c->what, s->issuer_cert, s->issuer_key);
		return -EINVAL;
	}
	return 0;
}

int conf_server_creds_check(struct conf_ctx *c, const struct ynode *at, struct policy_server *s)
{
	static const enum policy_security needs[] = {POLICY_SEC_NOSEC, POLICY_SEC_PSK,
	                                             POLICY_SEC_PSK, POLICY_SEC_CERTIFICATE,
	                                             POLICY_SEC_RPK};
	enum policy_server_creds k = s->credentials;

	if (k == POLICY_CREDS_STATIC)
		return 0;
	if (s->security != needs[k]) {
		conf_error(c, at, "%s: credentials %s need security %s", c->what, creds_names[k],
		           policy_security_name(needs[k]));
		return -EINVAL;
	}
	if (k == POLICY_CREDS_DERIVED_PSK && s->master_secret_len < 16) {
		conf_error(c, at,
		           "%s derives PSKs: give 'master_secret_hex' or "
		           "'master_secret_file' of at least 16 random bytes",
		           c->what);
		return -EINVAL;
	}
	if (k != POLICY_CREDS_DERIVED_PSK && !s->export_file && !s->export_command) {
		conf_error(c, at,
		           "%s: generated credentials must reach the server: give "
		           "'credentials_export: FILE' or 'credentials_command: CMD'",
		           c->what);
		return -EINVAL;
	}
	if ((k == POLICY_CREDS_ISSUED_CERT || k == POLICY_CREDS_RPK) && s->public_key == NULL) {
		conf_error(c, at,
		           "%s: give 'server_public_key_file' (the server's %s, sent "
		           "as /0/x/4)",
		           c->what, k == POLICY_CREDS_RPK ? "public key" : "certificate");
		return -EINVAL;
	}
	return k == POLICY_CREDS_ISSUED_CERT ? creds_issuer(c, at, s) : 0;
}
