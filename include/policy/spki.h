/*
 * Raw public keys (RFC 7250): a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) as
 * a device presents it in its DTLS Certificate message, and as the policy
 * pins it. Pure: no crypto library, only the DER structure is checked, so
 * the policy can index devices by the exact bytes the handshake delivers.
 */
#ifndef LWBS_POLICY_SPKI_H
#define LWBS_POLICY_SPKI_H

#include <stddef.h>
#include <stdint.h>

/* The largest SPKI accepted: P-521 takes 158 bytes. */
#define SPKI_MAX 192

/*
 * Parse the len bytes at in, a SubjectPublicKeyInfo in DER or in PEM
 * ("-----BEGIN PUBLIC KEY-----"), and copy its DER into out (room for cap
 * bytes). Only elliptic-curve keys on a named curve of at least 255 bits
 * (P-256, P-384, P-521) are accepted, with an uncompressed point: LwM2M
 * forbids weaker curves (Transport TS 1.2 §5.2.8.3), and an uncompressed
 * point is what DTLS stacks send, so equal keys have equal bytes.
 * Returns 0 and sets *out_len; -EINVAL (or -ENOSPC when cap is too small)
 * with *why a sentence for the operator; out and *out_len untouched then.
 */
int spki_parse(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len,
               const char **why);

#endif
