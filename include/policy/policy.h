/*
 * The bootstrap policy: daemon settings, the LwM2M servers devices are sent
 * to, and the devices allowed to bootstrap with the credential each must
 * present. Built by conf_load() (conf/conf.h), immutable afterwards, owned by
 * one handle: every pointer reached from it stays valid until policy_free().
 * Reading a policy from several threads at once is safe.
 *
 * Secrets (PSK keys) live in these structs so the bootstrap plan can send
 * them, but nothing here formats them, and no caller may log them (STYLE.md
 * rule 6). policy_free() wipes them.
 */
#ifndef LWBS_POLICY_POLICY_H
#define LWBS_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m/model.h"

struct policy;

/* Daemon settings (the `lwbsd:` section), with defaults where a key is absent. */
struct policy_settings {
	const char *const *listen; /* IPv4/IPv6 address literals; default {"127.0.0.1"} */
	size_t n_listen;
	uint16_t coap_port;        /* 0: no plain CoAP; default 5683 */
	uint16_t coaps_port;       /* 0: no DTLS; default 5684 */
	const char *audit_log;     /* path, "-" for stdout, or NULL for none (default) */
	uint32_t session_timeout;  /* seconds of client silence before a session is dropped; 30 */
	uint32_t exchange_timeout; /* seconds to wait for one response; 10 */
	bool discover;             /* send Bootstrap-Discover first; default true */
	const struct lwm2m_path *delete_paths; /* Bootstrap-Delete targets; default {"/"} */
	size_t n_delete;
	bool format_auto;         /* choose the content format per client (default) */
	enum lwm2m_format format; /* the fixed format when !format_auto */
	const char *file;         /* where `lwbsd:` was given, or NULL for defaults */
	int line;
	/* Routing (policies/README.md "Routing"): */
	const char *geoip_db; /* MaxMind DB path (absolute), or NULL: no GeoIP */
	bool has_default_location; /* `default_location:`, the last resort for routing */
	double default_lat, default_lon;
	const char *default_region; /* or NULL */
	/* Certificate-mode DTLS; paths absolute. NULL cert_file: PSK only. */
	const char *cert_file; /* lwbsd's certificate (PEM) */
	const char *key_file;  /* its private key (PEM) */
	const char *ca_path;   /* trusted CA file or directory; default `certs/` beside the policy */
	const struct policy_revoked *revoked; /* client certificates refused however valid */
	size_t n_revoked;
	uint32_t workers; /* worker processes (1..256); 0: one per CPU lwbsd may use (default) */
	/*
	 * Raw-public-key DTLS (RFC 7250) on its own port: libcoap's wolfSSL
	 * backend cannot offer RPK and X.509 on one endpoint (net/dtls.h defect 9).
	 */
	uint16_t coaps_rpk_port; /* 0: no RPK endpoint (default) */
	const char *rpk_key;     /* lwbsd's EC private key (PEM) for RPK; absolute path */
};

/* A revoked certificate: by serial number or by SHA-256 of its DER. */
struct policy_revoked {
	bool by_fingerprint;
	uint8_t bytes[32]; /* serial (big-endian, as encoded) or fingerprint */
	size_t len;
};

/* Security mode, numbered as the Security object's resource /0/x/2. */
enum policy_security {
	POLICY_SEC_PSK = 0,
	POLICY_SEC_RPK = 1,
	POLICY_SEC_CERTIFICATE = 2,
	POLICY_SEC_NOSEC = 3,
};

/* What a device receives for a server when its entry gives no credentials. */
enum policy_server_creds {
	POLICY_CREDS_STATIC,        /* only what the device entry gives (default) */
	POLICY_CREDS_GENERATED_PSK, /* fresh identity and key from a CSPRNG, exported */
	POLICY_CREDS_DERIVED_PSK,   /* HKDF-SHA256(master secret, endpoint): not exported */
	POLICY_CREDS_ISSUED_CERT,   /* key pair and certificate signed by issuer_*, exported */
	POLICY_CREDS_RPK,           /* a raw key pair, the public key exported */
};

/* An LwM2M server account that devices are sent to. */
struct policy_server {
	const char *id;                /* operator's name for it, unique */
	const char *uri;               /* coap://, coaps://, coap+tcp:// or coaps+tcp:// */
	uint16_t ssid;                 /* Short Server ID, 1..65534, unique */
	enum policy_security security; /* what the device must use toward this server */
	uint32_t lifetime;             /* /1/x/1, seconds */
	const char *binding;           /* /1/x/7, e.g. "U" */
	bool has_min_period, has_max_period;
	uint32_t default_min_period; /* /1/x/2 when has_min_period */
	uint32_t default_max_period; /* /1/x/3 when has_max_period */
	bool notification_storing;   /* /1/x/6 */
	/* Further resources, typed by the schema, sorted by (rid, riid). */
	const struct lwm2m_resource *server_res; /* of the Server object (/1) */
	size_t n_server_res;
	const struct lwm2m_resource *security_res; /* of the Security object (/0) */
	size_t n_security_res;
	const uint8_t *public_key; /* /0/x/4 Server Public Key, or NULL; not secret */
	size_t public_key_len;
	const char *file; /* where it was defined */
	int line;
	/* Routing: where the server is (for `nearest` pools), and whether pools skip it. */
	bool has_location;
	double lat, lon; /* degrees, WGS 84, when has_location */
	bool drained;    /* pools choose it no more; devices naming it still get it */
	/*
	 * Credentials lwbsd makes for devices that have none for this server in
	 * their entry (`credentials:`, policies/README.md "Credentials for the
	 * device server"). Generated ones are exported before the device gets them.
	 */
	enum policy_server_creds credentials;
	const uint8_t *master_secret; /* derived-psk: HKDF input key. SECRET */
	size_t master_secret_len;
	const char *export_file;    /* JSON lines of generated credentials (0600), or NULL */
	const char *export_command; /* run by /bin/sh with each line on stdin, or NULL */
	const char *issuer_cert;    /* issued-certificate: the CA (PEM) that signs */
	const char *issuer_key;     /* its private key (PEM). SECRET file */
};

/* A pre-shared key: identity and key bytes (binary-safe, not NUL-terminated). */
struct policy_psk {
	const uint8_t *identity;
	size_t identity_len;
	const uint8_t *key; /* SECRET: never log, print or put in an audit record */
	size_t key_len;
};

/* How a device authenticates to lwbsd for bootstrapping. */
enum policy_cred_kind {
	POLICY_CRED_NOSEC, /* no authentication: allowed only when the policy says so explicitly */
	POLICY_CRED_PSK,
	POLICY_CRED_CERT, /* an X.509 certificate from a trusted CA */
	POLICY_CRED_RPK,  /* a raw public key (RFC 7250) pinned in the entry */
};

/* Which part of a device certificate carries its endpoint name. */
enum policy_cert_match {
	POLICY_MATCH_CN,      /* subject CommonName (default) */
	POLICY_MATCH_SAN_URI, /* a subjectAltName URI */
	POLICY_MATCH_SAN_DNS, /* a subjectAltName DNS name */
	POLICY_MATCH_GUID,    /* the GUID: subject serialNumber or SAN URI urn:uuid:<guid> */
};

/* How a certificate device is recognised (`bootstrap: {certificate: ...}`). */
struct policy_cert_auth {
	enum policy_cert_match match;
	bool has_fingerprint;
	uint8_t fingerprint[32]; /* pinned SHA-256 of the certificate DER */
};

/* One server account a device is given, with the credentials it gets for it. */
struct policy_device_server {
	const struct policy_server *server;
	struct policy_psk psk; /* when server->security is PSK; zeroed otherwise. SECRET key */
};

struct policy_location {
	bool has_lat, has_lon;
	double lat, lon;    /* degrees, WGS 84 */
	const char *region; /* or NULL */
};

/* A device, or a group of devices matched by endpoint-name pattern. */
struct policy_device {
	const char *endpoint; /* exact endpoint client name, or NULL for a group */
	const char *pattern;  /* fnmatch(3) glob over endpoint names when endpoint is NULL */
	enum policy_cred_kind bootstrap;
	struct policy_psk psk; /* bootstrap credential when bootstrap is PSK. SECRET key */
	const struct policy_device_server *servers; /* in the order they are provisioned */
	size_t n_servers;
	const char *const *tags;
	size_t n_tags;
	struct policy_location location;
	const char *file; /* where it was defined, for audit and explain */
	int line;
	/*
	 * `server_credentials:`: credentials for servers that routing may choose
	 * (the device does not name them in `servers:`). Same shape as servers.
	 */
	const struct policy_device_server *credentials;
	size_t n_credentials;
	struct policy_cert_auth cert; /* when bootstrap is CERT */
	/* When bootstrap is RPK: the device's SubjectPublicKeyInfo, DER (policy/spki.h). */
	const uint8_t *rpk_spki;
	size_t rpk_spki_len;
};

/* Release a policy and wipe its secrets. NULL is a no-op. */
void policy_free(struct policy *p);

/* The daemon settings; never NULL. */
const struct policy_settings *policy_settings(const struct policy *p);

/*
 * The policy's version for the audit log: 16 lowercase hex digits of a 64-bit
 * FNV-1a over the bytes of its files in load order (files named by key_file
 * and similar are not covered). Owned by p.
 */
const char *policy_version(const struct policy *p);

/* The device whose bootstrap PSK identity is the len bytes at id, or NULL. O(1). */
const struct policy_device *policy_device_by_psk_identity(const struct policy *p, const uint8_t *id,
                                                          size_t len);

/*
 * The device whose bootstrap raw public key is the SubjectPublicKeyInfo of
 * len DER bytes at spki (as the DTLS handshake delivered it), or NULL. O(1).
 */
const struct policy_device *policy_device_by_rpk(const struct policy *p, const uint8_t *spki,
                                                 size_t len);

/*
 * The device for endpoint name ep: the exact entry if there is one (O(1)),
 * else the first group whose pattern matches, in load order; NULL if none.
 */
const struct policy_device *policy_device_by_endpoint(const struct policy *p, const char *ep);

/* True when endpoint name ep belongs to dev: equal to its endpoint, or matched by its pattern. */
bool policy_device_claims(const struct policy_device *dev, const char *ep);

/* The server with this id, or NULL. */
const struct policy_server *policy_server_by_id(const struct policy *p, const char *id);

/* The server with this Short Server ID, or NULL. */
const struct policy_server *policy_server_by_ssid(const struct policy *p, uint16_t ssid);

/* Servers and devices in load order, for listing: i < the count, else NULL. */
size_t policy_server_count(const struct policy *p);
const struct policy_server *policy_server_at(const struct policy *p, size_t i);
size_t policy_device_count(const struct policy *p);
const struct policy_device *policy_device_at(const struct policy *p, size_t i);

/* "nosec", "psk", "rpk" or "certificate": the policy-file spelling. */
const char *policy_security_name(enum policy_security sec);

#endif
