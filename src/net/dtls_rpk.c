/*
 * The raw-public-key DTLS endpoint (RFC 7250; LwM2M Transport TS 1.2
 * §5.2.8.2, Security Mode 1). Defect 9 (net/dtls.h): libcoap's wolfSSL
 * backend makes is_rpk_not_cert apply to a whole DTLS context, so RPK
 * clients get a libcoap context of their own, on its own port, and
 * net/server.c serves both contexts from one loop.
 */
#include "net/addr.h"
#include "net/bootstrap.h"
#include "net/dtls.h"
#include "dtls_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wolfssl/wolfcrypt/sha256.h>

#include "policy/spki.h"
#include "util/encoding.h"
#include "util/log.h"

/* The largest PEM private key file we read: a P-521 key takes about 365 bytes. */
#define RPK_KEY_MAX 4096

struct dtls_rpk {
	uint8_t *pem; /* lwbsd's private key; libcoap reads it at every handshake. SECRET */
	size_t len;
};

void dtls_rpk_fingerprint(const uint8_t *spki, size_t len, char *out, size_t cap)
{
	uint8_t h[WC_SHA256_DIGEST_SIZE];
	char hex[2 * sizeof(h) + 1];

	if (cap == 0)
		return;
	out[0] = '\0';
	if (wc_Sha256Hash(spki, (word32)len, h) != 0)
		return;
	encoding_hex_encode(h, sizeof(h), hex);
	snprintf(out, cap, "sha256:%s", hex);
}

/* Once per connection: libcoap calls the check again at every depth and retry. */
static void rpk_log_unknown(const uint8_t *spki, size_t len, const coap_session_t *session)
{
	static const coap_session_t *last;
	char fp[80], peer[64] = "";

	if (session == last)
		return;
	last = session;
	dtls_rpk_fingerprint(spki, len, fp, sizeof(fp));
	net_addr_format(coap_session_get_addr_remote(session), peer, sizeof(peer));
	log_info("dtls: unknown raw public key %s from %s: handshake refused (pin it in a device "
	         "entry as bootstrap: {rpk: ...})",
	         fp, peer);
}

/*
 * libcoap's "CN" callback. For an RPK peer, asn1 is its SubjectPublicKeyInfo
 * (wolfSSL keeps the raw key as the peer "certificate"). wolfSSL checks
 * only that the peer holds the private key (RFC 7250 §3: trust is the
 * application's), so a key no device entry pins ends the handshake here.
 */
static int rpk_check(const char *cn, const uint8_t *asn1, size_t len, coap_session_t *session,
                     unsigned depth, int validated, void *arg)
{
	(void)cn;
	(void)depth;
	(void)validated;
	if (net_bootstrap_rpk_known(arg, asn1, len))
		return 1;
	rpk_log_unknown(asn1, len, session);
	return 0;
}

/* The whole file at path into a new buffer (wiped on free); -errno on failure. */
static int rpk_read_key(const char *path, struct dtls_rpk *k)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n = -1;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size <= RPK_KEY_MAX) {
		k->pem = calloc(1, (size_t)st.st_size + 1);
		n = k->pem ? read(fd, k->pem, (size_t)st.st_size) : -1;
	}
	close(fd);
	if (n != (ssize_t)st.st_size)
		return -EINVAL;
	k->len = (size_t)n;
	return 0;
}

/* Security Mode 1 with a pinned key: no CA, no chain, a peer key required. */
static int rpk_setup_pki(coap_context_t *ctx, struct dtls_rpk *k, struct net_bootstrap *bs)
{
	coap_dtls_pki_t pki;

	memset(&pki, 0, sizeof(pki));
	pki.version = COAP_DTLS_PKI_SETUP_VERSION;
	/* Makes wolfSSL ask for the client's key and fail without one (RFC 7250 §4.1). */
	pki.verify_peer_cert = 1;
	pki.is_rpk_not_cert = 1;
	pki.validate_cn_call_back = rpk_check;
	pki.cn_call_back_arg = bs;
	/*
	 * Defect 3 concerns COAP_PKI_KEY_DEF_PEM_BUF; with is_rpk_not_cert
	 * libcoap maps PEM_BUF to RPK_BUF, which derives the public key from
	 * this EC private key and presents its SubjectPublicKeyInfo.
	 */
	pki.pki_key.key_type = COAP_PKI_KEY_PEM_BUF;
	pki.pki_key.key.pem_buf.public_cert = k->pem;
	pki.pki_key.key.pem_buf.public_cert_len = k->len;
	pki.pki_key.key.pem_buf.private_key = k->pem;
	pki.pki_key.key.pem_buf.private_key_len = k->len;
	if (!coap_context_set_pki(ctx, &pki))
		return -EINVAL;
	return 0;
}

int dtls_rpk_new(coap_context_t *ctx, const char *key_file, struct net_bootstrap *bs,
                 struct dtls_rpk **out)
{
	struct dtls_rpk *k = calloc(1, sizeof(*k));
	int rc;

	if (k == NULL)
		return -ENOMEM;
	rc = rpk_read_key(key_file, k);
	if (rc < 0) {
		log_err("dtls: cannot read rpk_key '%s' (%s): give a readable EC private key (PEM)",
		        key_file, rc == -EINVAL ? "empty, too large or short read" : strerror(-rc));
		goto fail;
	}
	rc = rpk_setup_pki(ctx, k, bs);
	if (rc < 0) {
		log_err("dtls: cannot use rpk_key '%s' as a raw public key: give an EC P-256 "
		        "private key in PEM (openssl ecparam -name prime256v1 -genkey -noout)",
		        key_file);
		goto fail;
	}
	*out = k;
	return 0;
fail:
	dtls_rpk_free(k);
	return rc;
}

void dtls_rpk_free(struct dtls_rpk *k)
{
	if (k == NULL)
		return;
	if (k->pem) {
		explicit_bzero(k->pem, k->len);
		free(k->pem);
	}
	free(k);
}

int dtls_peer_rpk(const coap_session_t *session, uint8_t *spki, size_t cap, size_t *len)
{
	WOLFSSL *ssl = dtls_ssl(session);
	WOLFSSL_X509 *x = ssl ? wolfSSL_get_peer_certificate(ssl) : NULL;
	const unsigned char *der;
	const char *why;
	int n, rc = -ENOENT;

	if (x == NULL)
		return -ENOENT;
	/* For a raw public key wolfSSL's peer "certificate" DER is the SPKI itself. */
	der = wolfSSL_X509_get_der(x, &n);
	if (der != NULL && n > 0)
		rc = spki_parse(der, (size_t)n, spki, cap, len, &why);
	wolfSSL_X509_free(x);
	return rc;
}
