/*
 * Raw public keys in the policy (RFC 7250): a device's pinned key
 * (`bootstrap: {rpk: {public_key_file | public_key_hex | public_key_base64}}`)
 * and lwbsd's own RPK endpoint (`lwbsd: {coaps_rpk_port, rpk_key}`).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "policy/spki.h"
#include "schema.h"

struct rpk_work {
	const uint8_t *raw; /* as given: PEM or DER */
	size_t len;
	const struct ynode *at;
};

static int parse_key_file(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                          void *obj)
{
	struct rpk_work *w = obj;

	w->at = v;
	return conf_read_file(c, k->name, v, false, &w->raw, &w->len);
}

static int parse_key_hex(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                         void *obj)
{
	struct rpk_work *w = obj;

	w->at = v;
	return conf_get_bytes(c, k->name, v, CONF_BYTES_HEX, false, &w->raw, &w->len);
}

static int parse_key_base64(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                            void *obj)
{
	struct rpk_work *w = obj;

	w->at = v;
	return conf_get_bytes(c, k->name, v, CONF_BYTES_BASE64, false, &w->raw, &w->len);
}

static const struct conf_key rpk_keys[] = {
    CONF_KEY_FN("public_key_file", parse_key_file, 0),
    CONF_KEY_FN("public_key_hex", parse_key_hex, 0),
    CONF_KEY_FN("public_key_base64", parse_key_base64, 0),
    CONF_KEY_END,
};

#define RPK_ONE_OF "one of 'public_key_file', 'public_key_hex' or 'public_key_base64'"

/* How many of the keys were given: exactly one is right. */
static size_t rpk_given(const struct ynode **seen)
{
	size_t n = 0;

	for (size_t i = 0; i < 3; i++)
		n += seen[i] != NULL;
	return n;
}

int conf_rpk_auth(struct conf_ctx *c, const struct ynode *v, const uint8_t **spki, size_t *len,
                  const struct ynode **at)
{
	const struct ynode *seen[CONF_MAX_KEYS];
	struct rpk_work w = {NULL, 0, v};
	uint8_t *der;
	const char *why;
	size_t n;

	if (conf_map(c, v, rpk_keys, &w, seen) < 0)
		return -EINVAL;
	if (rpk_given(seen) != 1) {
		conf_error(c, v,
		           "%s needs exactly " RPK_ONE_OF " (the device's SubjectPublicKeyInfo, "
		           "PEM or DER)",
		           c->what);
		return -EINVAL;
	}
	der = conf_alloc(c, SPKI_MAX);
	if (der == NULL)
		return -ENOMEM;
	if (spki_parse(w.raw, w.len, der, SPKI_MAX, &n, &why) < 0) {
		conf_error(c, w.at, "the raw public key of %s %s", c->what, why);
		return -EINVAL;
	}
	*spki = der;
	*len = n;
	*at = w.at;
	return 0;
}

int conf_lwbsd_rpk_key(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                       void *obj)
{
	struct policy_settings *s = obj;
	const char *path;

	if (conf_get_str(c, k->name, v, &path) < 0)
		return -EINVAL;
	path = conf_path(c, path);
	if (path == NULL)
		return -ENOMEM;
	if (access(path, R_OK) < 0) {
		conf_error(c, v,
		           "%s '%s' of %s cannot be read (%s): fix the path, or create an EC "
		           "P-256 key (openssl ecparam -name prime256v1 -genkey -noout -out FILE)",
		           k->name, path, c->what, strerror(errno));
		return -EINVAL;
	}
	s->rpk_key = path;
	return 0;
}

int conf_lwbsd_rpk_check(struct conf_ctx *c, const struct ynode *m, const struct policy_settings *s)
{
	if (s->coaps_rpk_port == 0)
		return 0;
	if (s->rpk_key == NULL) {
		conf_error(c, m,
		           "%s give coaps_rpk_port without rpk_key: give 'rpk_key' (lwbsd's "
		           "EC private key, PEM), or remove coaps_rpk_port",
		           c->what);
		return -EINVAL;
	}
	if (s->coaps_rpk_port == s->coap_port || s->coaps_rpk_port == s->coaps_port) {
		conf_error(c, m,
		           "%s: coaps_rpk_port %u is also coap_port or coaps_port: give "
		           "it a port of its own",
		           c->what, s->coaps_rpk_port);
		return -EINVAL;
	}
	return 0;
}
