#include "net/dtls.h"
#include "net/bootstrap.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

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

	(void)session;
	if (net_bootstrap_psk_key(arg, identity->s, identity->length, &k, &klen) < 0)
		return NULL;
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

static int dtls_setup_pki(coap_context_t *ctx, const struct net_config *cfg)
{
	coap_dtls_pki_t pki;

	if (dtls_check_readable("certificate", cfg->cert_file) < 0 ||
	    dtls_check_readable("private key", cfg->key_file) < 0)
		return -EINVAL;
	/* Defect 2: root CAs first, or libcoap ignores them. */
	if (cfg->ca_file) {
		if (dtls_check_readable("CA file", cfg->ca_file) < 0)
			return -EINVAL;
		if (!coap_context_set_pki_root_cas(ctx, cfg->ca_file, NULL)) {
			log_err("dtls: cannot load CA file '%s'", cfg->ca_file);
			return -EINVAL;
		}
	}
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
	pki.pki_key.key.pem.ca_file = cfg->ca_file;
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
	rc = dtls_setup_psk(ctx, bs);
	if (rc == 0 && cfg->cert_file)
		rc = dtls_setup_pki(ctx, cfg);
	return rc;
}
