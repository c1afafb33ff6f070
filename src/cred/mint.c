#include "cred/mint.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/random.h>

void cred_wipe(void *p, size_t n)
{
	/* glibc's explicit_bzero(3) is a memset the compiler may not elide as
	 * dead; a volatile byte loop was 1,100 instructions per bootstrap. */
	if (n > 0) /* an empty buffer may be NULL, which explicit_bzero() may not get */
		explicit_bzero(p, n);
}

int cred_random(uint8_t *out, size_t n)
{
	WC_RNG rng;
	int rc;

	if (wc_InitRng(&rng) != 0)
		return -EIO;
	rc = wc_RNG_GenerateBlock(&rng, out, (word32)n) == 0 ? 0 : -EIO;
	wc_FreeRng(&rng);
	return rc;
}

int cred_guid(char out[CRED_GUID_LEN + 1])
{
	uint8_t b[16];

	if (cred_random(b, sizeof(b)) < 0)
		return -EIO;
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* RFC 9562 §5.4: version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* variant 10 */
	snprintf(out, CRED_GUID_LEN + 1,
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
	         b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
	         b[15]);
	return 0;
}

/* Private and public DER of key into out. */
static int key_export(ecc_key *key, struct cred_issued *out)
{
	int k = wc_EccKeyToDer(key, out->key, sizeof(out->key));
	int p = wc_EccPublicKeyToDer(key, out->pub, sizeof(out->pub), 1);

	if (k <= 0 || p <= 0)
		return -EIO;
	out->key_len = (size_t)k;
	out->pub_len = (size_t)p;
	return 0;
}

static int key_new(WC_RNG *rng, ecc_key *key)
{
	if (wc_ecc_init(key) != 0)
		return -EIO;
	if (wc_ecc_make_key_ex(rng, 32, key, ECC_SECP256R1) != 0) {
		wc_ecc_free(key);
		return -EIO;
	}
	return 0;
}

int cred_keypair(struct cred_issued *out)
{
	WC_RNG rng;
	ecc_key key;
	int rc = -EIO;

	memset(out, 0, sizeof(*out));
	if (wc_InitRng(&rng) != 0)
		return -EIO;
	if (key_new(&rng, &key) == 0) {
		rc = key_export(&key, out);
		wc_ecc_free(&key);
	}
	wc_FreeRng(&rng);
	return rc;
}

/* Make and sign cert for subject key sub, signed by signer; DER into out->cert. */
static int cert_finish(Cert *cert, ecc_key *sub, ecc_key *signer, WC_RNG *rng,
                       struct cred_issued *out)
{
	int sz;

	cert->sigType = CTC_SHA256wECDSA;
	if (wc_SetSubjectKeyIdFromPublicKey_ex(cert, ECC_TYPE, sub) != 0)
		return -EIO;
	sz = wc_MakeCert_ex(cert, out->cert, sizeof(out->cert), ECC_TYPE, sub, rng);
	if (sz <= 0)
		return -EIO;
	sz = wc_SignCert_ex(cert->bodySz, cert->sigType, out->cert, sizeof(out->cert), ECC_TYPE,
	                    signer, rng);
	if (sz <= 0)
		return -EIO;
	out->cert_len = (size_t)sz;
	return key_export(sub, out);
}

int cred_ca_new(const char *cn, unsigned days, struct cred_issued *out)
{
	WC_RNG rng;
	ecc_key key;
	Cert cert;
	int rc = -EIO;

	memset(out, 0, sizeof(*out));
	if (wc_InitRng(&rng) != 0)
		return -EIO;
	if (key_new(&rng, &key) < 0)
		goto fail_rng;
	if (wc_InitCert(&cert) != 0)
		goto fail;
	snprintf(cert.subject.commonName, sizeof(cert.subject.commonName), "%s", cn);
	cert.isCA = 1;
	cert.daysValid = (int)days;
	cert.keyUsage = KEYUSE_KEY_CERT_SIGN | KEYUSE_CRL_SIGN | KEYUSE_DIGITAL_SIG;
	rc = cert_finish(&cert, &key, &key, &rng, out);
fail:
	wc_ecc_free(&key);
fail_rng:
	wc_FreeRng(&rng);
	return rc;
}

/* The CA's private key from DER (SEC1 or PKCS#8). */
static int ca_key_load(const uint8_t *der, size_t len, ecc_key *key)
{
	word32 idx = 0;
	int off;

	if (wc_ecc_init(key) != 0)
		return -EIO;
	if (wc_EccPrivateKeyDecode(der, &idx, key, (word32)len) == 0)
		return 0;
	/* PKCS#8 (openssl's and Python's default) wraps the SEC1 key: skip to it. */
	idx = 0;
	off = wc_GetPkcs8TraditionalOffset((byte *)der, &idx, (word32)len);
	idx = off > 0 ? (word32)off : 0;
	if (wc_EccPrivateKeyDecode(der, &idx, key, (word32)len) != 0) {
		wc_ecc_free(key);
		return -EINVAL;
	}
	return 0;
}

static int issue_with(const uint8_t *ca_cert, size_t ca_len, ecc_key *ca, WC_RNG *rng,
                      const char *cn, unsigned days, struct cred_issued *out)
{
	ecc_key key;
	Cert cert;
	int rc = -EINVAL;

	if (key_new(rng, &key) < 0)
		return -EIO;
	if (wc_InitCert(&cert) != 0 || cred_guid(out->guid) < 0)
		goto fail;
	snprintf(cert.subject.commonName, sizeof(cert.subject.commonName), "%s", cn);
	snprintf(cert.subject.serialDev, sizeof(cert.subject.serialDev), "%s", out->guid);
	cert.daysValid = (int)days;
	cert.keyUsage = KEYUSE_DIGITAL_SIG | KEYUSE_KEY_AGREE;
	if (wc_SetIssuerBuffer(&cert, ca_cert, (int)ca_len) != 0)
		goto fail;
	/* A CA without a subjectKeyIdentifier gives no AKID; the chain still verifies by name. */
	if (wc_SetAuthKeyIdFromCert(&cert, ca_cert, (int)ca_len) != 0)
		cert.akidSz = 0;
	rc = cert_finish(&cert, &key, ca, rng, out);
fail:
	wc_ecc_free(&key);
	return rc;
}

int cred_issue(const uint8_t *ca_cert, size_t ca_len, const uint8_t *ca_key, size_t ca_key_len,
               const char *cn, unsigned days, struct cred_issued *out)
{
	WC_RNG rng;
	ecc_key ca;
	int rc;

	memset(out, 0, sizeof(*out));
	if (wc_InitRng(&rng) != 0)
		return -EIO;
	rc = ca_key_load(ca_key, ca_key_len, &ca);
	if (rc == 0) {
		rc = issue_with(ca_cert, ca_len, &ca, &rng, cn, days, out);
		wc_ecc_free(&ca);
	}
	wc_FreeRng(&rng);
	if (rc < 0)
		cred_wipe(out, sizeof(*out));
	return rc;
}

int cred_to_pem(const uint8_t *der, size_t len, bool key, struct buf *out)
{
	uint8_t pem[2 * CRED_DER_MAX + 128];
	int sz =
	    wc_DerToPem(der, (word32)len, pem, sizeof(pem), key ? ECC_PRIVATEKEY_TYPE : CERT_TYPE);
	int rc;

	if (sz <= 0)
		return -EIO;
	rc = buf_append(out, pem, (size_t)sz);
	cred_wipe(pem, sizeof(pem));
	return rc;
}

int cred_from_pem(const uint8_t *pem, size_t len, bool key, uint8_t *out, size_t cap,
                  size_t *out_len)
{
	int sz = key ? wc_KeyPemToDer(pem, (int)len, out, (int)cap, NULL)
	             : wc_CertPemToDer(pem, (int)len, out, (int)cap, CERT_TYPE);

	if (sz <= 0)
		return -EINVAL;
	*out_len = (size_t)sz;
	return 0;
}

int cred_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
                     const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
	if (wc_HKDF(WC_SHA256, ikm, (word32)ikm_len, salt, (word32)salt_len, info, (word32)info_len,
	            out, (word32)out_len) != 0)
		return -EINVAL;
	return 0;
}
