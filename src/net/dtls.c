#include "net/dtls.h"
#include "net/bootstrap.h"
#include "dtls_int.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "cred/cert.h"
#include "session/session.h"
#include "util/encoding.h"
#include "util/log.h"

/*
 * Defect 7: for the wolfSSL backend coap_session_get_tls() returns the
 * address of the WOLFSSL pointer (WOLFSSL **), not the WOLFSSL *.
 */
WOLFSSL *dtls_ssl(const coap_session_t *session)
{
	coap_tls_library_t lib;
	WOLFSSL **pssl = coap_session_get_tls(session, &lib);

	if (pssl == NULL || lib != COAP_TLS_LIBRARY_WOLFSSL)
		return NULL;
	return *pssl;
}

void dtls_describe(const coap_session_t *session, char *out, size_t cap)
{
	WOLFSSL *ssl = dtls_ssl(session);

	if (ssl == NULL || cap == 0)
		return;
	snprintf(out, cap, "%s %s", wolfSSL_get_version(ssl), wolfSSL_get_cipher_name(ssl));
}

/*
 * Set once a CA is installed: only then did the handshake verify the peer's
 * chain, and only then may its certificate identify anyone. Written at
 * startup before any worker forks.
 */
static bool dtls_chain_verified;

int dtls_peer_cert(const coap_session_t *session, struct cred_cert_facts *out)
{
	WOLFSSL *ssl = dtls_ssl(session);
	WOLFSSL_X509 *x = ssl ? wolfSSL_get_peer_certificate(ssl) : NULL;
	const unsigned char *der;
	int len, rc = -ENOENT;

	if (x == NULL)
		return -ENOENT;
	if (!dtls_chain_verified) {
		wolfSSL_X509_free(x);
		return -EACCES;
	}
	der = wolfSSL_X509_get_der(x, &len);
	if (der != NULL && len > 0)
		rc = cred_cert_facts(der, (size_t)len, out);
	wolfSSL_X509_free(x); /* a copy with KEEP_PEER_CERT */
	return rc;
}

/*
 * Defect 6: with a CA configured, libcoap sets "fail if no peer certificate"
 * on the whole DTLS context, and wolfSSL then ends every DTLS 1.3 PSK
 * handshake with alert 116 (certificate_required). A PSK handshake proves
 * the client by its key, so on this connection only, a missing certificate
 * is acceptable (WOLFSSL_VERIFY_FAIL_EXCEPT_PSK). Idempotent, as defect 5
 * requires.
 */
static void dtls_relax_for_psk(coap_session_t *session)
{
	WOLFSSL *ssl = dtls_ssl(session);
	int mode;

	if (ssl == NULL)
		return;
	mode = wolfSSL_get_verify_mode(ssl);
	if (!(mode & WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT))
		return;
	mode = (mode & ~WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT) | WOLFSSL_VERIFY_FAIL_EXCEPT_PSK;
	wolfSSL_set_verify(ssl, mode, wolfSSL_get_verify_callback(ssl));
}

/* Once per connection, although the callback runs several times (defect 5). */
static void dtls_log_unknown(const coap_bin_const_t *identity, const coap_session_t *session)
{
	static const coap_session_t *last;
	char id[BS_IDENTITY_MAX];

	if (session == last)
		return;
	last = session;
	encoding_escape(identity->s, identity->length, id, sizeof(id));
	log_info("dtls: unknown PSK identity '%s' from %s: handshake refused", id,
		 coap_session_str(session));
}

/*
 * Defect 5: runs several times per DTLS 1.3 handshake, so it is a pure
 * lookup. libcoap copies the key out before the next call, so one static
 * holder is enough for this single-threaded loop.
 */
static const coap_bin_const_t *dtls_psk_lookup(coap_bin_const_t *identity,
					       coap_session_t *session, void *arg)
{
	static coap_bin_const_t key;
	const uint8_t *k;
	size_t klen;

	if (net_bootstrap_psk_key(arg, identity->s, identity->length, &k, &klen) < 0) {
		dtls_log_unknown(identity, session);
		return NULL;
	}
	dtls_relax_for_psk(session);
	key.s = k;
	key.length = klen;
	return &key;
}

static int dtls_setup_psk(coap_context_t *ctx, struct net_bootstrap *bs)
{
	coap_dtls_spsk_t psk;

	memset(&psk, 0, sizeof(psk));
	psk.version = COAP_DTLS_SPSK_SETUP_VERSION;
	psk.validate_id_call_back = dtls_psk_lookup;
	psk.id_call_back_arg = bs;
	if (!coap_context_set_psk2(ctx, &psk)) {
		log_err("dtls: cannot install PSK credentials");
		return -EINVAL;
	}
	return 0;
}

static int dtls_cn_check(const char *cn, const uint8_t *cert, size_t len,
			 coap_session_t *session, unsigned depth, int validated, void *arg)
{
	(void)cert;
	(void)len;
	(void)session;
	(void)arg;
	/* Chain validation failures never reach a bootstrap: see defect 1. */
	if (!validated) {
		log_info("dtls: refused certificate '%s' at depth %u (not validated)", cn, depth);
		return 0;
	}
	return 1;
}

static int dtls_check_readable(const char *what, const char *path)
{
	if (access(path, R_OK) == 0)
		return 0;
	log_err("dtls: cannot read %s '%s' (%s)", what, path, strerror(errno));
	return -EINVAL;
}

/*
 * Trusted CAs from a file or a directory. wolfSSL reads every regular file
 * of a directory and fails on any that is not a certificate, so `lwbs ca
 * init` keeps private keys in certs/private/ (subdirectories are skipped).
 */
static int dtls_setup_roots(coap_context_t *ctx, const char *path)
{
	struct stat st;
	bool is_dir;

	if (stat(path, &st) < 0) {
		log_err("dtls: cannot read CA '%s' (%s): fix 'ca' in the policy or -A",
			path, strerror(errno));
		return -EINVAL;
	}
	is_dir = S_ISDIR(st.st_mode);
	if (!coap_context_set_pki_root_cas(ctx, is_dir ? NULL : path, is_dir ? path : NULL)) {
		log_err("dtls: cannot load CA certificates from '%s': keep only PEM "
			"certificates there", path);
		return -EINVAL;
	}
	return 0;
}

static int dtls_setup_pki(coap_context_t *ctx, const struct net_config *cfg)
{
	coap_dtls_pki_t pki;
	struct stat st;
	bool ca_is_dir;

	if (dtls_check_readable("certificate", cfg->cert_file) < 0 ||
	    dtls_check_readable("private key", cfg->key_file) < 0)
		return -EINVAL;
	ca_is_dir = cfg->ca_file && stat(cfg->ca_file, &st) == 0 && S_ISDIR(st.st_mode);
	memset(&pki, 0, sizeof(pki));
	pki.version = COAP_DTLS_PKI_SETUP_VERSION;
	pki.verify_peer_cert = cfg->ca_file != NULL;
	pki.check_common_ca = cfg->ca_file != NULL;
	pki.allow_self_signed = 0;
	pki.allow_expired_certs = 0; /* defect 1: never */
	pki.cert_chain_validation = 1;
	pki.cert_chain_verify_depth = 3;
	pki.validate_cn_call_back = dtls_cn_check;
	/* Defect 3: files, never COAP_PKI_KEY_DEF_PEM_BUF. */
	pki.pki_key.key_type = COAP_PKI_KEY_PEM;
	pki.pki_key.key.pem.public_cert = cfg->cert_file;
	pki.pki_key.key.pem.private_key = cfg->key_file;
	pki.pki_key.key.pem.ca_file = ca_is_dir ? NULL : cfg->ca_file;
	dtls_chain_verified = cfg->ca_file != NULL;
	if (!coap_context_set_pki(ctx, &pki)) {
		log_err("dtls: cannot install certificate '%s' with key '%s'", cfg->cert_file,
			cfg->key_file);
		return -EINVAL;
	}
	return 0;
}

int dtls_setup_server(coap_context_t *ctx, const struct net_config *cfg,
		      struct net_bootstrap *bs)
{
	int rc;

	if (!coap_dtls_is_supported()) {
		log_err("dtls: libcoap was built without DTLS");
		return -EINVAL;
	}
	/*
	 * Defect 2: root CAs before anything else. libcoap loads them when it
	 * creates the wolfSSL DTLS context, which the PSK setup already does.
	 */
	rc = cfg->cert_file && cfg->ca_file ? dtls_setup_roots(ctx, cfg->ca_file) : 0;
	if (rc == 0)
		rc = dtls_setup_psk(ctx, bs);
	if (rc == 0 && cfg->cert_file)
		rc = dtls_setup_pki(ctx, cfg);
	return rc;
}
