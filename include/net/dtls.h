/*
 * (D)TLS credentials of the server context, with the workarounds that
 * libcoap 4.3.5's wolfSSL backend needs:
 *  1. allow_expired_certs is never set: it also accepts certificates from
 *     an unknown CA and then skips the CN callback.
 *  2. Root CAs are installed before coap_context_set_pki(), which
 *     otherwise ignores them silently -- and before coap_context_set_psk2(),
 *     which already creates the wolfSSL DTLS context that loads them (a CA
 *     directory would be ignored).
 *  3. Keys and certificates come from files (COAP_PKI_KEY_PEM), never
 *     COAP_PKI_KEY_DEF_PEM_BUF, which reads the certificate from the key buffer.
 *  4. coap_dtls_rpk_is_supported()/coap_dtls_cid_is_supported() are wrong
 *     for this build and are not consulted.
 *  5. The PSK identity callback runs several times per DTLS 1.3 handshake and
 *     sees the identity cut at its first NUL byte: it only looks up, never
 *     changes state.
 *  6. With a CA set, every DTLS 1.3 PSK handshake fails with alert 116
 *     (certificate_required): the PSK callback relaxes that connection.
 *  7. coap_session_get_tls() returns a WOLFSSL ** for this backend.
 *  8. coap_session_get_psk_identity() returns an empty identity, not NULL,
 *     for a certificate session.
 *  9. pki.is_rpk_not_cert applies to the whole DTLS context (client and
 *     server certificate types RPK only), so one endpoint cannot serve both
 *     RPK and X.509 clients. Worked around with a second libcoap context for
 *     RPK on its own port (`lwbsd: {coaps_rpk_port, rpk_key}`, dtls_rpk_new()),
 *     served by the same loop as the first (net/server.c).
 */
#ifndef LWBS_NET_DTLS_H
#define LWBS_NET_DTLS_H

#include <coap3/coap.h>

#include "net/server.h"

struct net_bootstrap;

/*
 * Install PSK (always) and, when cfg names a certificate, PKI credentials on
 * ctx. PSK keys are looked up in bs's current policy. Returns 0 or -EINVAL
 * (logged).
 */
int dtls_setup_server(coap_context_t *ctx, const struct net_config *cfg,
		      struct net_bootstrap *bs);

/*
 * "DTLSv1.3 TLS13-AES128-CCM-8-SHA256": what the handshake of session
 * agreed, for logs and the audit. Writes nothing for a session without DTLS.
 */
void dtls_describe(const coap_session_t *session, char *out, size_t cap);

struct cred_cert_facts;

/*
 * The facts of the certificate the peer of session presented (verified by
 * the handshake). Returns 0, -ENOENT when it presented none, -EACCES when
 * no CA is configured (the chain was not verified), -EINVAL/-ENOMEM.
 */
int dtls_peer_cert(const coap_session_t *session, struct cred_cert_facts *out);

struct dtls_rpk;

/*
 * Make ctx a raw-public-key DTLS context (RFC 7250; Transport TS 1.2
 * §5.2.8.2): lwbsd presents the public key of key_file (an EC private key,
 * PEM), clients must present a key, and the handshake fails for a key that
 * no device entry of bs's current policy pins. ctx must serve no other
 * credentials (defect 9). *out holds the key for ctx's lifetime: free it
 * with dtls_rpk_free() after coap_free_context(). Returns 0, -EINVAL or
 * -errno for an unreadable file (logged), -ENOMEM.
 */
int dtls_rpk_new(coap_context_t *ctx, const char *key_file, struct net_bootstrap *bs,
		 struct dtls_rpk **out);

/* Wipe and release k; NULL is a no-op. */
void dtls_rpk_free(struct dtls_rpk *k);

/*
 * The SubjectPublicKeyInfo (DER, policy/spki.h) the peer of an RPK session
 * presented, into spki (room for cap bytes). Returns 0 and sets *len,
 * -ENOENT when it presented none, -EINVAL/-ENOSPC when it is not an
 * acceptable EC key.
 */
int dtls_peer_rpk(const coap_session_t *session, uint8_t *spki, size_t cap, size_t *len);

/* "sha256:<64 hex digits>" of the len bytes at spki, for logs and the audit; "" on failure. */
void dtls_rpk_fingerprint(const uint8_t *spki, size_t len, char *out, size_t cap);

#endif
