/*
 * A DTLS 1.2 client with a raw public key (RFC 7250) that offers nothing
 * but TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, as a constrained LwM2M device does
 * (Transport TS 1.2 §5.2.8.2): libcoap's own client always offers DTLS 1.3
 * and many suites. Handshake only.
 *
 *   dtls12_rpk_client PORT KEY.pem SPKI.der
 *
 * Prints the version and suite agreed and exits 0, or exits 1 when the
 * handshake fails (2 for bad arguments).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

static int slurp(const char *path, unsigned char *buf, int cap)
{
	FILE *f = fopen(path, "rb");
	int n;

	if (f == NULL)
		return -1;
	n = (int)fread(buf, 1, (size_t)cap, f);
	fclose(f);
	return n > 0 && n < cap ? n : -1;
}

static WOLFSSL_CTX *rpk_ctx(const char *key_path, const char *spki_path)
{
	char rpk[] = {WOLFSSL_CERT_TYPE_RPK};
	unsigned char pem[4096], spki[512];
	int plen = slurp(key_path, pem, sizeof(pem)), slen = slurp(spki_path, spki, sizeof(spki));
	WOLFSSL_CTX *ctx = wolfSSL_CTX_new(wolfDTLSv1_2_client_method());

	if (ctx == NULL || plen < 0 || slen < 0 ||
	    wolfSSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-CCM-8") != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_set_client_cert_type(ctx, rpk, 1) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_set_server_cert_type(ctx, rpk, 1) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_use_PrivateKey_buffer(ctx, pem, plen, WOLFSSL_FILETYPE_PEM) !=
	        WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_use_certificate_buffer(ctx, spki, slen, WOLFSSL_FILETYPE_ASN1) !=
	        WOLFSSL_SUCCESS)
		return NULL;
	/* The server's key is not what this test is about. */
	wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_NONE, NULL);
	return ctx;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	WOLFSSL_CTX *ctx;
	WOLFSSL *ssl;
	int fd, rc;

	if (argc != 4)
		return 2;
	wolfSSL_Init();
	ctx = rpk_ctx(argv[2], argv[3]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (ctx == NULL || fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return 2;
	ssl = wolfSSL_new(ctx);
	wolfSSL_set_fd(ssl, fd);
	wolfSSL_dtls_set_timeout_init(ssl, 1);
	rc = wolfSSL_connect(ssl);
	if (rc == WOLFSSL_SUCCESS)
		printf("%s %s\n", wolfSSL_get_version(ssl), wolfSSL_get_cipher_name(ssl));
	wolfSSL_free(ssl);
	wolfSSL_CTX_free(ctx);
	close(fd);
	return rc == WOLFSSL_SUCCESS ? 0 : 1;
}
