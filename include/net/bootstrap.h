/*
 * The Bootstrap interface over libcoap: the /bs and /bspack resources,
 * one bs_session per client, at most one request in flight per client,
 * timeouts, and the audit log. Single-threaded: everything runs in the
 * loop of net_server_run().
 */
#ifndef LWBS_NET_BOOTSTRAP_H
#define LWBS_NET_BOOTSTRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <coap3/coap.h>

struct policy;
struct net_bootstrap;

/*
 * Register resources and handlers on ctx. Takes a reference on pol
 * (policy_ref()), and each session one more, released when it ends.
 * Returns 0 or -ENOMEM.
 */
int net_bootstrap_new(coap_context_t *ctx, const struct policy *pol, struct net_bootstrap **out);

/*
 * New sessions use pol (referenced); sessions in flight keep the policy they
 * started with, and the old policy is freed when its last reference goes.
 */
void net_bootstrap_set_policy(struct net_bootstrap *bs, const struct policy *pol);

/*
 * PSK key for a DTLS identity, from the current policy. *key points into
 * the policy. Returns 0 or -ENOENT.
 */
int net_bootstrap_psk_key(struct net_bootstrap *bs, const uint8_t *id, size_t id_len,
			  const uint8_t **key, size_t *key_len);

/*
 * Serve the Bootstrap interface on ctx too, a second context whose DTLS
 * sessions authenticate with raw public keys (net/dtls.h defect 9):
 * its clients are admitted as BS_AUTH_RPK. Returns 0 or -ENOMEM.
 */
int net_bootstrap_add_rpk_context(struct net_bootstrap *bs, coap_context_t *ctx);

/*
 * True when the SubjectPublicKeyInfo of len DER bytes at spki is a device's
 * bootstrap key in the current policy (for the handshake). O(1).
 */
bool net_bootstrap_rpk_known(struct net_bootstrap *bs, const uint8_t *spki, size_t len);

/*
 * Start sessions admitted since the last call and expire silent ones.
 * Returns the milliseconds the loop may sleep before calling again.
 */
int net_bootstrap_poll(struct net_bootstrap *bs);

/* Number of sessions in flight. */
size_t net_bootstrap_active(const struct net_bootstrap *bs);

/* Abort every session (audited) and release everything; NULL is a no-op. */
void net_bootstrap_free(struct net_bootstrap *bs);

#endif
