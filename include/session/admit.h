/*
 * Admission of a Bootstrap-Request: which policy device entry an
 * authenticated connection is, and whether it may claim the endpoint name it
 * sent. Transport TS 1.2 §5.2.1: the server MUST check that the identity of
 * the secure channel matches the endpoint name, and answers 4.00 Bad
 * Request otherwise. Pure.
 */
#ifndef LWBS_SESSION_ADMIT_H
#define LWBS_SESSION_ADMIT_H

#include <stddef.h>
#include <stdint.h>

#include "session/session.h"

struct policy;
struct policy_device;

/*
 * Admit client c, whose auth and raw identity (PSK identity bytes; NULL for
 * NoSec) come from the secure channel. When c->endpoint is empty it is
 * derived from the device entry (its exact endpoint name) or, for a pattern
 * entry, from the identity when that matches the pattern. On success *dev is
 * the device entry and c->endpoint is set. Returns 0, -ENOENT (unknown
 * identity or endpoint), -EACCES (identity may not claim the endpoint, or a
 * security mode the entry does not allow); *reason is then a sentence for
 * the audit log and the operator, never for the client.
 */
int admit_client(const struct policy *pol, struct bs_client *c, const uint8_t *id, size_t id_len,
		 const struct policy_device **dev, const char **reason);

struct cred_cert_facts;

/*
 * Admit client c (auth BS_AUTH_CERT), whose chain the DTLS handshake
 * verified, by the facts of its certificate f. Refused: a certificate
 * revoked in the policy (serial or SHA-256), outside its validity at
 * c->started_unix_ms, with a key other than EC of at least 255 bits, whose
 * name (per the device entry's `match`) is not the endpoint, or whose
 * SHA-256 differs from the entry's pin. When c->endpoint is empty it is the
 * certificate's name: the first of CN, GUID, SAN URI, SAN DNS that names a
 * certificate device matching by that field. Returns and sets as
 * admit_client(); c->identity gets the certificate's CN.
 */
int admit_client_cert(const struct policy *pol, struct bs_client *c,
		      const struct cred_cert_facts *f, const struct policy_device **dev,
		      const char **reason);

/*
 * Admit client c (auth BS_AUTH_RPK) by the raw public key its DTLS handshake
 * proved (RFC 7250): spki is the SubjectPublicKeyInfo DER it presented
 * (spki_len bytes). The key must be pinned on a device entry (O(1) lookup)
 * that may claim c->endpoint; without ep= the endpoint is that entry's
 * exact name (Transport TS 1.2 §5.2.1). Returns and sets as admit_client();
 * the caller fills c->identity (a fingerprint of the key) beforehand.
 */
int admit_client_rpk(const struct policy *pol, struct bs_client *c, const uint8_t *spki,
		     size_t spki_len, const struct policy_device **dev, const char **reason);

#endif
