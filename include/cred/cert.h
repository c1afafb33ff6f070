/*
 * What admission needs to know about a peer's X.509 certificate, parsed
 * once by the network shell (the only wolfSSL user besides cred/) so that
 * the decision in session/admit.c stays a pure function over this struct.
 * Nothing in it is secret.
 */
#ifndef LWBS_CRED_CERT_H
#define LWBS_CRED_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRED_NAME_MAX 128
#define CRED_SERIAL_MAX 32
#define CRED_SHA256_LEN 32

struct cred_cert_facts {
	char cn[CRED_NAME_MAX];      /* subject CN, or "" */
	char san_uri[CRED_NAME_MAX]; /* first SAN URI that is not urn:uuid:, or "" */
	char san_dns[CRED_NAME_MAX]; /* first SAN DNS name, or "" */
	char guid[40]; /* subject serialNumber of 36 characters, else a SAN URI urn:uuid:<guid>; or
	                  "" */
	uint8_t serial[CRED_SERIAL_MAX];
	size_t serial_len;
	uint8_t sha256[CRED_SHA256_LEN]; /* of the whole certificate DER */
	int64_t not_before, not_after;   /* Unix seconds */
	bool key_ec;                     /* EC public key; key_bits is then the curve size */
	unsigned key_bits;
};

/*
 * Parse certificate der (len bytes) into *out, without verifying it (the
 * DTLS handshake did). Returns 0, -EINVAL when it is not a certificate
 * wolfSSL can read, -ENOMEM.
 */
int cred_cert_facts(const uint8_t *der, size_t len, struct cred_cert_facts *out);

#endif
