/*
 * The wrappers behind net_ciphers_override() (net/ciphers.h): the suites
 * libcoap sets on each new session, and the method it creates its DTLS
 * context with.
 */
#include "net/ciphers.h"

#include <stddef.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

/* Provided by the linker's --wrap; declared here for -Wmissing-prototypes. */
int __real_wolfSSL_set_cipher_list(WOLFSSL *ssl, const char *list);
int __wrap_wolfSSL_set_cipher_list(WOLFSSL *ssl, const char *list);
WOLFSSL_METHOD *__real_wolfDTLS_method(void);
WOLFSSL_METHOD *__wrap_wolfDTLS_method(void);

static const char *override;

void net_ciphers_override(const char *list)
{
	override = list;
}

int __wrap_wolfSSL_set_cipher_list(WOLFSSL *ssl, const char *list)
{
	return __real_wolfSSL_set_cipher_list(ssl, override ? override : list);
}

/*
 * Built with OpenSSL compatibility, wolfSSL keeps its TLS 1.3 suites when a
 * list names none (OpenSSL sets those apart), and neither
 * wolfSSL_set_max_proto_version() nor wolfSSL_SetVersion() caps a DTLS
 * session at 1.2 (5.7.2): a DTLS 1.2-only method does.
 */
WOLFSSL_METHOD *__wrap_wolfDTLS_method(void)
{
	if (override && strstr(override, "TLS13") == NULL)
		return wolfDTLSv1_2_method();
	return __real_wolfDTLS_method();
}
