/*
 * The declarative side of the loader: each section is a table of keys, each
 * key with a type (and range) or a parse callback, after the model of Knot
 * DNS's conf schema. conf_map() walks a mapping against a table: unknown keys
 * (with a did-you-mean), repeated keys and missing required keys are reported
 * there once for all sections. The conf_get_*() helpers read one value and
 * report a type or range error in the words of the key that holds it.
 *
 * Every helper returns 0, or -EINVAL after reporting the problem through c;
 * out-parameters are written only on success.
 */
#ifndef LWBS_CONF_SCHEMA_H
#define LWBS_CONF_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "conf_int.h"

enum conf_type {
	CONF_T_BOOL, /* bool at off */
	CONF_T_U16,  /* uint16_t at off, in [min, max] */
	CONF_T_U32,  /* uint32_t at off, in [min, max] */
	CONF_T_STR,  /* const char * at off: non-empty, owned by the policy */
	CONF_T_FN,   /* fn decides */
};

struct conf_key;
typedef int conf_parse_fn(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v,
                          void *obj);

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t off;
	uint32_t min, max;
	conf_parse_fn *fn;
	unsigned flags;
};

#define CONF_REQUIRED 0x1u
/* Keys one table may hold (conf_map() keeps per-key state on the stack). */
#define CONF_MAX_KEYS 32

#define CONF_KEY_BOOL(n, T, f, fl)                                                                 \
	{                                                                                          \
		n, CONF_T_BOOL, offsetof(T, f), 0, 0, NULL, fl                                     \
	}
#define CONF_KEY_U16(n, T, f, lo, hi, fl)                                                          \
	{                                                                                          \
		n, CONF_T_U16, offsetof(T, f), lo, hi, NULL, fl                                    \
	}
#define CONF_KEY_U32(n, T, f, lo, hi, fl)                                                          \
	{                                                                                          \
		n, CONF_T_U32, offsetof(T, f), lo, hi, NULL, fl                                    \
	}
#define CONF_KEY_STR(n, T, f, fl)                                                                  \
	{                                                                                          \
		n, CONF_T_STR, offsetof(T, f), 0, 0, NULL, fl                                      \
	}
#define CONF_KEY_FN(n, f, fl)                                                                      \
	{                                                                                          \
		n, CONF_T_FN, 0, 0, 0, f, fl                                                       \
	}
#define CONF_KEY_END                                                                               \
	{                                                                                          \
		NULL, CONF_T_FN, 0, 0, 0, NULL, 0                                                  \
	}

/*
 * Parse mapping m (c->what names it in messages) against keys, which ends
 * with CONF_KEY_END, into obj. When seen is not NULL, seen[i] is set to the
 * value node of keys[i], or NULL when absent (also on failure, so that
 * callers can keep checking what did parse).
 */
int conf_map(struct conf_ctx *c, const struct ynode *m, const struct conf_key *keys, void *obj,
             const struct ynode **seen);

/* The closest of n candidates to word when it is a plausible typo of one, else NULL. */
const char *conf_suggest(const char *word, const char *const *cands, size_t n);

int conf_get_bool(struct conf_ctx *c, const char *name, const struct ynode *v, bool *out);
int conf_get_uint(struct conf_ctx *c, const char *name, const struct ynode *v, uint64_t min,
                  uint64_t max, uint64_t *out);
int conf_get_int(struct conf_ctx *c, const char *name, const struct ynode *v, int64_t min,
                 int64_t max, int64_t *out);
int conf_get_double(struct conf_ctx *c, const char *name, const struct ynode *v, double min,
                    double max, double *out);
/* A non-empty string without NUL bytes, copied into the policy. */
int conf_get_str(struct conf_ctx *c, const char *name, const struct ynode *v, const char **out);
/* One of n names; *out is its index. Suggests the closest on a typo. */
int conf_get_enum(struct conf_ctx *c, const char *name, const struct ynode *v,
                  const char *const *names, size_t n, int *out);

enum conf_bytes {
	CONF_BYTES_TEXT, /* the scalar's bytes as they are (NUL allowed) */
	CONF_BYTES_HEX,
	CONF_BYTES_BASE64, /* standard or URL-safe, padding optional */
};

/*
 * Non-empty bytes in encoding enc, copied into the policy. When secret, no
 * message quotes the value.
 */
int conf_get_bytes(struct conf_ctx *c, const char *name, const struct ynode *v, enum conf_bytes enc,
                   bool secret, const uint8_t **out, size_t *len);

/*
 * The contents of the file named by v (relative to the current file's
 * directory), non-empty, at most 64 KiB, copied into the policy. When secret,
 * a file readable by group or others draws a warning.
 */
int conf_read_file(struct conf_ctx *c, const char *name, const struct ynode *v, bool secret,
                   const uint8_t **out, size_t *len);

/* path made absolute against the current file's directory, owned by the policy; NULL on ENOMEM. */
const char *conf_path(struct conf_ctx *c, const char *path);

/* n zeroed bytes owned by the policy; NULL (and c->oom set) on ENOMEM. */
void *conf_alloc(struct conf_ctx *c, size_t n);

/* Copy of a printf-formatted string owned by the policy; NULL on ENOMEM. */
const char *conf_fmt(struct conf_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A PSK mapping (schema_cred.c): one of identity / identity_hex and one of
 * key_hex / key_base64 / key_file. c->what names its owner. *identity_at is
 * set to the node of the identity, for later messages about it.
 */
int conf_psk(struct conf_ctx *c, const struct ynode *v, struct policy_psk *out,
             const struct ynode **identity_at);

/*
 * A mapping of extra resources of object oid (schema_res.c), by schema name
 * or numeric id, typed by the schema; multi-instance resources take a list.
 * Resources that dedicated keys set are refused. The array is sorted by
 * (rid, riid) and owned by the policy.
 */
int conf_resources(struct conf_ctx *c, const char *name, uint16_t oid, const struct ynode *v,
                   const struct lwm2m_resource **out, size_t *n);

/* The value of key name in mapping m, or NULL (for naming an entry before parsing it). */
const struct ynode *conf_lookup(const struct ynode *m, const char *name);

/*
 * Keys of `lwbsd:` for routing (schema_route.c), obj a struct policy_settings:
 * geoip_db opens the database now (and hands it to the policy) so that a bad
 * file is reported where it is named; default_location is {lat, lon, region}.
 */
conf_parse_fn conf_parse_geoip_db;
conf_parse_fn conf_parse_default_location;

/*
 * Certificates (schema_pki.c): a device's `bootstrap: {certificate: {match,
 * fingerprint_sha256}}`, and the `lwbsd:` keys certificate, key, ca (paths
 * made absolute and checked readable) and revoked ("serial:HEX" or
 * "sha256:HEX" entries). obj is the struct policy_settings.
 */
int conf_cert_auth(struct conf_ctx *c, const struct ynode *v, struct policy_cert_auth *out);
conf_parse_fn conf_lwbsd_cert, conf_lwbsd_key, conf_lwbsd_ca, conf_lwbsd_revoked;
/*
 * A server's generated credentials (schema_gen.c): credentials,
 * master_secret_hex, master_secret_file, credentials_export,
 * credentials_command, issuer; obj is the server. The check after the map
 * says what a kind lacks.
 */
conf_parse_fn conf_server_credentials, conf_server_master_hex, conf_server_master_file,
    conf_server_export, conf_server_command, conf_server_issuer;
int conf_server_creds_check(struct conf_ctx *c, const struct ynode *at, struct policy_server *s);
/* Certificate without key or key without certificate; default CA path `certs/`. */
/*
 * A device's raw public key (schema_rpk.c): a mapping with one of
 * public_key_file / public_key_hex / public_key_base64, an EC SubjectPublicKeyInfo
 * (policy/spki.h). *spki gets its DER, owned by the policy; *at the node of
 * the key, for later messages.
 */
int conf_rpk_auth(struct conf_ctx *c, const struct ynode *v, const uint8_t **spki, size_t *len,
                  const struct ynode **at);
conf_parse_fn conf_lwbsd_rpk_key;
/* coaps_rpk_port needs rpk_key and a port of its own. Returns 0 or -EINVAL (reported). */
int conf_lwbsd_rpk_check(struct conf_ctx *c, const struct ynode *m, const struct policy_settings *s);

int conf_lwbsd_pki_check(struct conf_ctx *c, const struct ynode *m, struct policy_settings *s);

#endif
