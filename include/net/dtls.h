/*
 * (D)TLS credentials of the server context, with the workarounds that
 * libcoap 4.3.5's wolfSSL backend needs:
 *  1. allow_expired_certs is never set: it also accepts certificates from
 *     an unknown CA and then skips the CN callback.
 *  2. Root CAs are installed before coap_context_set_pki(), which
 *     otherwise ignores them silently.
 *  3. Keys and certificates come from files (COAP_PKI_KEY_PEM), never
 *     COAP_PKI_KEY_DEF_PEM_BUF, which reads the certificate from the key buffer.
 *  4. coap_dtls_rpk_is_supported()/coap_dtls_cid_is_supported() are wrong
 *     for this build and are not consulted.
 *  5. The PSK identity callback runs several times per DTLS 1.3 handshake and
 *     sees the identity cut at its first NUL byte: it only looks up, never
 *     changes state.
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

#endif
