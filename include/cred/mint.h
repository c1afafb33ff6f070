/*
 * Minting credentials with wolfSSL: random bytes, GUIDs, EC P-256 key pairs,
 * an organisation CA and the device certificates it signs, PEM/DER
 * conversion and HKDF-SHA256. No files: callers write the results
 * (cred/export.h). Everything marked SECRET must be wiped after use
 * (cred_wipe) and never logged.
 */
#ifndef LWBS_CRED_MINT_H
#define LWBS_CRED_MINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define CRED_DER_MAX 2048
#define CRED_KEY_MAX 256
#define CRED_GUID_LEN 36

/* A certificate with its new key pair. */
struct cred_issued {
	uint8_t cert[CRED_DER_MAX]; /* DER */
	size_t cert_len;
	uint8_t key[CRED_KEY_MAX]; /* SEC1 ECPrivateKey DER (RFC 5915). SECRET */
	size_t key_len;
	uint8_t pub[CRED_KEY_MAX]; /* SubjectPublicKeyInfo DER */
	size_t pub_len;
	char guid[CRED_GUID_LEN + 1]; /* subject serialNumber; "" for a CA */
};

/* n bytes from wolfSSL's CSPRNG. Returns 0 or -EIO. */
int cred_random(uint8_t *out, size_t n);

/* A random (version 4) GUID, lowercase "8-4-4-4-12". Returns 0 or -EIO. */
int cred_guid(char out[CRED_GUID_LEN + 1]);

/* A fresh P-256 key pair only (cert_len 0). Returns 0 or -EIO. */
int cred_keypair(struct cred_issued *out);

/*
 * A self-signed EC P-256 CA certificate for organisation cn, valid for days
 * (from yesterday, for clock skew). Returns 0 or -EIO.
 */
int cred_ca_new(const char *cn, unsigned days, struct cred_issued *out);

/*
 * A new P-256 key pair and a certificate for it with subject CN = cn and
 * serialNumber = a fresh GUID (X.520 serialNumber: wolfSSL in our build
 * cannot write subjectAltName), signed by the CA (ca_cert DER, ca_key
 * DER, SEC1 or PKCS#8). Returns 0, -EINVAL for a CA that does not parse,
 * -EIO.
 */
int cred_issue(const uint8_t *ca_cert, size_t ca_len, const uint8_t *ca_key, size_t ca_key_len,
               const char *cn, unsigned days, struct cred_issued *out);

/* Append the PEM form of a certificate (key false) or EC private key to out. 0/-EIO/-ENOMEM. */
int cred_to_pem(const uint8_t *der, size_t len, bool key, struct buf *out);

/* DER of the first PEM certificate (key false) or private key in pem. 0/-EINVAL. */
int cred_from_pem(const uint8_t *pem, size_t len, bool key, uint8_t *out, size_t cap,
                  size_t *out_len);

/* RFC 5869 HKDF with SHA-256. Returns 0 or -EINVAL. */
int cred_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
                     const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len);

/* Zero n bytes in a way the compiler keeps. */
void cred_wipe(void *p, size_t n);

#endif
