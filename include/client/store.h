/*
 * The object store of one simulated LwM2M client, as the Bootstrap interface
 * sees it (OMA LwM2M Core TS 1.0-1.2, Bootstrap interface): Security (0),
 * Server (1), Access Control (2), OSCORE (21, LwM2M 1.1 and later) and the
 * Device instance /3/0. Pure: no sockets, no clock. Each operation returns
 * the CoAP response code a real client would answer with.
 *
 * The store starts with the client's bootstrap account, a Security instance
 * with 0 (URI of the bootstrap server), 1 = true, 2 (security mode) and, in
 * PSK mode, 3 and 5, but no 10 (short server ID): that is how a
 * Bootstrap-Discover response marks it (Core TS 1.1 §5.2.7.5).
 */
#ifndef LWBS_CLIENT_STORE_H
#define LWBS_CLIENT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "audit/json.h"
#include "lwm2m/model.h"
#include "util/buf.h"

struct store;

/* CoAP response codes (class << 5 | detail) the store answers with. */
enum store_code {
	STORE_DELETED = 0x42,            /* 2.02 */
	STORE_CHANGED = 0x44,            /* 2.04 */
	STORE_CONTENT = 0x45,            /* 2.05 */
	STORE_BAD_REQUEST = 0x80,        /* 4.00 */
	STORE_NOT_FOUND = 0x84,          /* 4.04 */
	STORE_NOT_ALLOWED = 0x85,        /* 4.05 */
	STORE_NOT_ACCEPTABLE = 0x86,     /* 4.06 */
	STORE_UNSUPPORTED_FORMAT = 0x8f, /* 4.15 */
	STORE_INTERNAL_ERROR = 0xa0,     /* 5.00 */
};

/* Room for the text of a CoAP code, "c.dd" and a NUL. */
#define STORE_CODE_TEXT 8

/* Write code (class << 5 | detail) as "c.dd" into buf; returns buf. */
const char *store_code_text(unsigned code, char buf[STORE_CODE_TEXT]);

/* Room for the reason an operation gives for an error answer. */
#define STORE_WHY_MAX 160

/* The client's identity and bootstrap account; everything is copied. */
struct store_config {
	enum lwm2m_version version;
	uint16_t bootstrap_iid;      /* Wakaama keeps it at /0/0, Anjay at /0/1 */
	const char *bootstrap_uri;   /* resource 0 of the account */
	int64_t security_mode;       /* resource 2: 0 PSK, 3 NoSec */
	const uint8_t *psk_identity; /* resource 3, PSK mode only */
	size_t psk_identity_len;
	const uint8_t *psk_key; /* resource 5, PSK mode only */
	size_t psk_key_len;
};

/*
 * Create a store holding the bootstrap account and /3/0. Returns 0,
 * -EINVAL (version not 1.0-1.2, NULL URI) or -ENOMEM; *out is written only
 * on success.
 */
int store_new(const struct store_config *cfg, struct store **out);

/* Release s; NULL is a no-op. */
void store_free(struct store *s);

/*
 * Bootstrap-Discover on target ("/" or "/oid"): append the link-format
 * payload to out, e.g. `</>;lwm2m=1.1,</0/0>,</0/1>;ssid=101;uri="coap://x",
 * </1/0>;ssid=101,</2>,</3/0>` (objects without instances appear as
 * `</oid>`; only Security and Server instances carry ssid, only Security
 * instances uri; the bootstrap account carries neither). Returns 2.05; 4.05
 * for an LwM2M 1.0 client, which has no Bootstrap-Discover; 4.04 for an
 * object the client does not implement; 4.00 for a deeper target; 5.00 when
 * out of memory. On an error answer out is left as it was and why (may be
 * NULL, STORE_WHY_MAX bytes) gets the reason.
 */
enum store_code store_discover(const struct store *s, const struct lwm2m_path *target,
                               struct buf *out, char *why);

/*
 * Bootstrap-Delete on target ("/", "/oid" or "/oid/iid"). Deletes the
 * instances under target except the bootstrap account and /3/0. Returns
 * 2.02 (also when an addressed instance does not exist); 4.00 for a target
 * that is exactly the bootstrap account, the Device object or instance, or a
 * resource; 4.04 for an object the client does not implement. why as above.
 */
enum store_code store_delete(struct store *s, const struct lwm2m_path *target, char *why);

/*
 * Bootstrap-Write of payload p[0..n) in Content-Format fmt (-1: no
 * Content-Format option) to target ("/oid", "/oid/iid" or "/oid/iid/rid").
 * Instances are created as needed; each resource in the payload replaces
 * the resource of that ID (all its instances), others stay. Either the whole
 * write applies or nothing does. Returns 2.04, or:
 *   4.04 object not implemented, or a resource unknown to lwm2m/schema.h;
 *   4.15 fmt not accepted by this version (1.0: TLV; 1.1: TLV, SenML JSON,
 *        SenML CBOR; 1.2: those and LwM2M CBOR);
 *   4.00 no Content-Format, undecodable payload, a value that is not of the
 *        resource's type, a bad target, or any write to the bootstrap account
 *        (stricter than the spec, which only protects it from Delete: it
 *        catches servers that clobber the account);
 *   4.05 an executable resource, or the Device object (not writable here);
 *   5.00 out of memory.
 * why as above.
 */
enum store_code store_write(struct store *s, const struct lwm2m_path *target, int fmt,
                            const uint8_t *p, size_t n, char *why);

/*
 * Bootstrap-Finish: 2.04 when the configuration is one a real client would
 * accept, else 4.06 with the first problem in why. Consistent means: at
 * least one Server instance; each has 0 short server ID, 1 lifetime, 6
 * notification storing (Anjay needs it) and 7 binding (Wakaama needs it);
 * for each a Security instance other than the bootstrap account with 10 =
 * that short server ID, 0 a non-empty URI, 1 = false and 2 present, and in
 * PSK mode (2 = 0) non-empty 3 and 5.
 */
enum store_code store_finish(const struct store *s, char *why);

/* True when /oid/iid exists. */
bool store_has_instance(const struct store *s, uint16_t oid, uint16_t iid);

/*
 * The value at path (depth 3: single-instance resource, depth 4: resource
 * instance). Byte strings point into the store and stay valid until the
 * next change. Returns 0 or -ENOENT; *out is written only on success.
 */
int store_get(const struct store *s, const struct lwm2m_path *path, struct lwm2m_value *out);

/*
 * Write `key`: [ {"iid": N, "<schema name>": value, ...}, ... ] for every
 * instance of object oid, in iid order. Strings and Objlnk ("oid:iid") as
 * JSON strings, opaque values as lowercase hex strings (secret keys
 * included: showing what was provisioned is the point), integers and
 * booleans as such, multi-instance resources as {"riid": value, ...}.
 * Resources unknown to the schema use their ID as name. Errors stick in j.
 */
void store_json_instances(const struct store *s, uint16_t oid, const char *key, struct json *j);

#endif
