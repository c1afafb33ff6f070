/*
 * The ceiling for lwbsd's PSK throughput: bare DTLS 1.2 handshakes with
 * TLS_PSK_WITH_AES_128_CCM_8 (wolfSSL "PSK-AES128-CCM-8"), the same wolfSSL
 * build lwbsd links, no CoAP, no sockets, no libcoap. A client and a server
 * WOLFSSL pass datagrams through in-memory queues, one handshake after the
 * other, each with fresh objects, as lwbsd meets each new client. The
 * server has a cookie callback (no socket to derive one from); both sides
 * have the MTU, the grouping of a flight's records into shared datagrams
 * and the one DRBG per context that libcoap gives lwbsd and `lwbs bench`
 * (packaging/patches/libcoap-4.3.5-scale.patch), and otherwise wolfSSL's
 * defaults.
 *
 * Reported: CPU time the server side spends per handshake (process CPU
 * time, measured around the server's calls only), and the rate one core
 * would reach at that cost. bench/run.py divides lwbsd's CPU time per PSK
 * bootstrap into it.
 *
 * With --udp the wire is a pair of connected UDP sockets on loopback
 * instead: the server's calls then also pay the kernel's datagram path
 * (on loopback a send runs the receiver's softirq too), as lwbsd does.
 *
 * usage: dtls_ceiling [--udp] [HANDSHAKES]   (default 2000); one JSON line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#define MAX_DGRAMS 16
#define MAX_DGRAM 2048

static const unsigned char psk_key[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

/* One direction of the wire: a FIFO of datagrams. */
struct wire {
	unsigned char data[MAX_DGRAMS][MAX_DGRAM];
	int len[MAX_DGRAMS];
	int head, n;
};

struct link {
	struct wire to_server, to_client;
};

/* --udp: the client's and the server's socket, connected to each other. */
static int udp_fd[2] = {-1, -1};
enum { CLIENT, SERVER };

static int wire_send(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	struct wire *w = ctx;
	int slot = (w->head + w->n) % MAX_DGRAMS;

	(void)ssl;
	if (w->n == MAX_DGRAMS || sz > MAX_DGRAM)
		return WOLFSSL_CBIO_ERR_GENERAL;
	memcpy(w->data[slot], buf, (size_t)sz);
	w->len[slot] = sz;
	w->n++;
	return sz;
}

static int wire_recv(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	struct wire *w = ctx;
	int len;

	(void)ssl;
	if (w->n == 0)
		return WOLFSSL_CBIO_ERR_WANT_READ;
	len = w->len[w->head] < sz ? w->len[w->head] : sz;
	memcpy(buf, w->data[w->head], (size_t)len);
	w->head = (w->head + 1) % MAX_DGRAMS;
	w->n--;
	return len;
}

static int udp_send(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	ssize_t n = send(*(int *)ctx, buf, (size_t)sz, 0);

	(void)ssl;
	return n < 0 ? WOLFSSL_CBIO_ERR_GENERAL : (int)n;
}

static int udp_recv(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	ssize_t n = recv(*(int *)ctx, buf, (size_t)sz, MSG_DONTWAIT);

	(void)ssl;
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? WOLFSSL_CBIO_ERR_WANT_READ
							      : WOLFSSL_CBIO_ERR_GENERAL;
	return (int)n;
}

/* Two UDP sockets on 127.0.0.1, each connected to the other. */
static int udp_pair(void)
{
	struct sockaddr_in a[2];
	socklen_t len = sizeof(a[0]);

	for (int i = 0; i < 2; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].sin_family = AF_INET;
		a[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		udp_fd[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (udp_fd[i] < 0 || bind(udp_fd[i], (struct sockaddr *)&a[i], sizeof(a[i])) < 0 ||
		    getsockname(udp_fd[i], (struct sockaddr *)&a[i], &len) < 0)
			return -1;
	}
	for (int i = 0; i < 2; i++)
		if (connect(udp_fd[i], (struct sockaddr *)&a[1 - i], sizeof(a[0])) < 0)
			return -1;
	return 0;
}

static unsigned int client_psk(WOLFSSL *ssl, const char *hint, char *identity, unsigned int id_max,
                               unsigned char *key, unsigned int key_max)
{
	(void)ssl;
	(void)hint;
	snprintf(identity, id_max, "bench-identity");
	if (key_max < sizeof(psk_key))
		return 0;
	memcpy(key, psk_key, sizeof(psk_key));
	return sizeof(psk_key);
}

static unsigned int server_psk(WOLFSSL *ssl, const char *identity, unsigned char *key,
                               unsigned int key_max)
{
	(void)ssl;
	if (strcmp(identity, "bench-identity") != 0 || key_max < sizeof(psk_key))
		return 0;
	memcpy(key, psk_key, sizeof(psk_key));
	return sizeof(psk_key);
}

/* No socket to derive the peer address from: a fixed cookie secret input. */
static int gen_cookie(WOLFSSL *ssl, unsigned char *buf, int sz, void *ctx)
{
	(void)ssl;
	(void)ctx;
	memset(buf, 0x5a, (size_t)sz);
	return sz;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static WOLFSSL_CTX *make_ctx(int server)
{
	WOLFSSL_CTX *ctx =
	    wolfSSL_CTX_new(server ? wolfDTLSv1_2_server_method() : wolfDTLSv1_2_client_method());

	if (ctx == NULL || wolfSSL_CTX_set_cipher_list(ctx, "PSK-AES128-CCM-8") != WOLFSSL_SUCCESS)
		return NULL;
	wolfSSL_SetIORecv(ctx, udp_fd[0] >= 0 ? udp_recv : wire_recv);
	wolfSSL_SetIOSend(ctx, udp_fd[0] >= 0 ? udp_send : wire_send);
	wolfSSL_CTX_dtls_set_mtu(ctx, 1152); /* libcoap's COAP_DEFAULT_MTU */
	wolfSSL_CTX_set_group_messages(ctx);
#ifdef SINGLE_THREADED
	/* One DRBG for the context's sessions, as libcoap's (patch item 8). */
	if (wolfSSL_CTX_new_rng(ctx) != WOLFSSL_SUCCESS)
		return NULL;
#endif
	if (server) {
		wolfSSL_CTX_set_psk_server_callback(ctx, server_psk);
		wolfSSL_CTX_SetGenCookie(ctx, gen_cookie);
	} else {
		wolfSSL_CTX_set_psk_client_callback(ctx, client_psk);
	}
	return ctx;
}

/* One handshake; adds the server's CPU time to *server_cpu. Returns 0 or -1. */
static int handshake(WOLFSSL_CTX *cctx, WOLFSSL_CTX *sctx, double *server_cpu)
{
	static struct link l;
	WOLFSSL *c = wolfSSL_new(cctx), *s;
	double t0 = cpu_now();
	int c_done = 0, s_done = 0, rc = -1;
	void *c_in, *c_out, *s_in, *s_out;

	s = wolfSSL_new(sctx);
	*server_cpu += cpu_now() - t0;
	memset(&l, 0, sizeof(l));
	/* In memory each side reads one queue and writes the other; a socket is both. */
	c_in = &l.to_client;
	c_out = s_in = &l.to_server;
	s_out = &l.to_client;
	if (udp_fd[0] >= 0) {
		char junk[MAX_DGRAM];

		for (int i = 0; i < 2; i++) /* nothing of the last handshake is left */
			while (recv(udp_fd[i], junk, sizeof(junk), MSG_DONTWAIT) >= 0)
				;
		c_in = c_out = &udp_fd[CLIENT];
		s_in = s_out = &udp_fd[SERVER];
	}
	wolfSSL_SetIOReadCtx(c, c_in);
	wolfSSL_SetIOWriteCtx(c, c_out);
	wolfSSL_SetIOReadCtx(s, s_in);
	wolfSSL_SetIOWriteCtx(s, s_out);
	wolfSSL_dtls_set_using_nonblock(c, 1);
	wolfSSL_dtls_set_using_nonblock(s, 1);
	for (int round = 0; round < 32 && !(c_done && s_done); round++) {
		if (!c_done)
			c_done = wolfSSL_connect(c) == WOLFSSL_SUCCESS;
		t0 = cpu_now();
		if (!s_done)
			s_done = wolfSSL_accept(s) == WOLFSSL_SUCCESS;
		*server_cpu += cpu_now() - t0;
	}
	if (c_done && s_done)
		rc = 0;
	wolfSSL_free(c);
	t0 = cpu_now();
	wolfSSL_free(s);
	*server_cpu += cpu_now() - t0;
	return rc;
}

int main(int argc, char **argv)
{
	int udp = argc > 1 && strcmp(argv[1], "--udp") == 0;
	long n = argc > 1 + udp ? strtol(argv[1 + udp], NULL, 10) : 2000;
	WOLFSSL_CTX *cctx, *sctx;
	double server_cpu = 0, t0;
	long ok = 0;

	if (n <= 0 || n > 10000000 || argc > 2 + udp) {
		fprintf(stderr, "usage: dtls_ceiling [--udp] [HANDSHAKES]\n");
		return 2;
	}
	if (udp && udp_pair() < 0) {
		perror("dtls_ceiling: loopback UDP sockets");
		return 1;
	}
	wolfSSL_Init();
	cctx = make_ctx(0);
	sctx = make_ctx(1);
	if (cctx == NULL || sctx == NULL) {
		fprintf(stderr, "dtls_ceiling: cannot set up PSK-AES128-CCM-8 contexts\n");
		return 1;
	}
	t0 = cpu_now();
	for (long i = 0; i < n; i++)
		ok += handshake(cctx, sctx, &server_cpu) == 0;
	printf("{\"suite\":\"TLS_PSK_WITH_AES_128_CCM_8\",\"version\":\"DTLSv1.2\","
	       "\"wire\":\"%s\",\"handshakes\":%ld,\"succeeded\":%ld,\"server_cpu_us_per_handshake\":%.1f,"
	       "\"total_cpu_us_per_handshake\":%.1f,\"server_handshakes_per_cpu_s\":%.0f}\n",
	       udp ? "udp" : "memory", n, ok, ok ? server_cpu / (double)ok * 1e6 : 0.0,
	       ok ? (cpu_now() - t0) / (double)ok * 1e6 : 0.0,
	       server_cpu > 0 ? (double)ok / server_cpu : 0.0);
	wolfSSL_CTX_free(cctx);
	wolfSSL_CTX_free(sctx);
	wolfSSL_Cleanup();
	return ok == n ? 0 : 1;
}
