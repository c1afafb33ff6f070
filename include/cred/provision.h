/*
 * The provider of generated credentials (session/targets.h) for one
 * bootstrap session: mints what the server's `credentials:` asks for and
 * exports what the device server must know BEFORE the device is given
 * anything, so that device and server never disagree: if the export fails,
 * the bootstrap fails. The bytes handed out live in the provider and are
 * wiped by cred_provision_free().
 *
 * Derived PSKs (policies/README.md): identity = the endpoint name,
 * key = HKDF-SHA256(IKM = the server's master secret,
 * salt = "lwbs derived-psk v1", info = the endpoint name, L = 32).
 * The device server recomputes them; nothing is exported.
 */
#ifndef LWBS_CRED_PROVISION_H
#define LWBS_CRED_PROVISION_H

#include <stddef.h>
#include <stdint.h>

#include "session/targets.h"

#define CRED_DERIVED_SALT "lwbs derived-psk v1"

struct cred_provision;

/* A provider whose targets_provider is *prov (valid until free). Returns 0 or -ENOMEM. */
int cred_provision_new(struct cred_provision **out, const struct targets_provider **prov);

/* Wipe and release; NULL is a no-op. */
void cred_provision_free(struct cred_provision *p);

/*
 * Derived PSK key for endpoint ep from master (the formula above) into
 * out[32]. Returns 0 or -EINVAL.
 */
int cred_derive_psk(const uint8_t *master, size_t master_len, const char *ep, uint8_t out[32]);

#endif
