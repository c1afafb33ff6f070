/* PSK credentials: a device's bootstrap credential and the ones it gets for its servers. */
#include <errno.h>
#include <stdint.h>

#include "schema.h"

/* DTLS limits as wolfSSL builds them (MAX_PSK_ID_LEN, MAX_PSK_KEY_LEN). */
#define PSK_IDENTITY_MAX 128
#define PSK_KEY_MAX 64
#define PSK_KEY_WEAK 16

struct psk_work {
	struct policy_psk psk;
	const struct ynode *id_at;
};

static int identity_as(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                       struct psk_work *w, enum conf_bytes enc)
{
	w->id_at = v;
	return conf_get_bytes(c, k->name, v, enc, false, &w->psk.identity, &w->psk.identity_len);
}

static int parse_identity(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                          void *obj)
{
	return identity_as(c, k, v, obj, CONF_BYTES_TEXT);
}

static int parse_identity_hex(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                              void *obj)
{
	return identity_as(c, k, v, obj, CONF_BYTES_HEX);
}

static int parse_key_hex(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                         void *obj)
{
	struct psk_work *w = obj;

	return conf_get_bytes(c, k->name, v, CONF_BYTES_HEX, true, &w->psk.key, &w->psk.key_len);
}

static int parse_key_base64(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                            void *obj)
{
	struct psk_work *w = obj;

	return conf_get_bytes(c, k->name, v, CONF_BYTES_BASE64, true, &w->psk.key, &w->psk.key_len);
}

static int parse_key_file(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                          void *obj)
{
	struct psk_work *w = obj;

	return conf_read_file(c, k->name, v, true, &w->psk.key, &w->psk.key_len);
}

enum { K_IDENTITY, K_IDENTITY_HEX, K_KEY_HEX, K_KEY_BASE64, K_KEY_FILE, K_COUNT };

static const struct conf_key psk_keys[] = {
    [K_IDENTITY] = CONF_KEY_FN("identity", parse_identity, 0),
    [K_IDENTITY_HEX] = CONF_KEY_FN("identity_hex", parse_identity_hex, 0),
    [K_KEY_HEX] = CONF_KEY_FN("key_hex", parse_key_hex, 0),
    [K_KEY_BASE64] = CONF_KEY_FN("key_base64", parse_key_base64, 0),
    [K_KEY_FILE] = CONF_KEY_FN("key_file", parse_key_file, 0),
    [K_COUNT] = CONF_KEY_END,
};

/* Exactly one of the n keys from first on must be given. */
static int one_of(struct conf_ctx *c, const struct ynode *m, const struct ynode **seen,
                  size_t first, size_t n, const char *alternatives)
{
	size_t given = SIZE_MAX;

	for (size_t i = first; i < first + n; i++) {
		if (seen[i] == NULL)
			continue;
		if (given != SIZE_MAX) {
			conf_error(c, seen[i], "%s gives both '%s' and '%s'; keep one", c->what,
			           psk_keys[given].name, psk_keys[i].name);
			return -EINVAL;
		}
		given = i;
	}
	if (given == SIZE_MAX) {
		conf_error(c, m, "%s needs %s", c->what, alternatives);
		return -EINVAL;
	}
	return 0;
}

static int psk_lengths(struct conf_ctx *c, const struct ynode **seen, const struct psk_work *w)
{
	const struct ynode *key_at = seen[K_KEY_HEX]      ? seen[K_KEY_HEX]
	                             : seen[K_KEY_BASE64] ? seen[K_KEY_BASE64]
	                                                  : seen[K_KEY_FILE];

	if (w->psk.identity_len > PSK_IDENTITY_MAX) {
		conf_error(c, w->id_at, "PSK identity of %s is %zu bytes; DTLS allows at most %d",
		           c->what, w->psk.identity_len, PSK_IDENTITY_MAX);
		return -EINVAL;
	}
	if (w->psk.key_len > PSK_KEY_MAX) {
		conf_error(c, key_at, "PSK key of %s is %zu bytes; at most %d are supported",
		           c->what, w->psk.key_len, PSK_KEY_MAX);
		return -EINVAL;
	}
	if (w->psk.key_len < PSK_KEY_WEAK)
		conf_warn(c, key_at,
		          "PSK key of %s is only %zu bytes; use at least %d random bytes", c->what,
		          w->psk.key_len, PSK_KEY_WEAK);
	return 0;
}

int conf_psk(struct conf_ctx *c, const struct ynode *v, struct policy_psk *out,
             const struct ynode **identity_at)
{
	const struct ynode *seen[CONF_MAX_KEYS];
	struct psk_work w = {{NULL, 0, NULL, 0}, v};
	int rc = conf_map(c, v, psk_keys, &w, seen);

	if (v->kind != YNODE_MAP)
		return -EINVAL;
	if (one_of(c, v, seen, K_IDENTITY, 2, "an 'identity' or 'identity_hex'") < 0)
		rc = -EINVAL;
	if (one_of(c, v, seen, K_KEY_HEX, 3, "a 'key_hex', 'key_base64' or 'key_file'") < 0)
		rc = -EINVAL;
	if (rc == 0)
		rc = psk_lengths(c, seen, &w);
	if (rc < 0)
		return rc;
	*out = w.psk;
	*identity_at = w.id_at;
	return 0;
}
