/*
 * The network shell of lwbsd: libcoap contexts, UDP and DTLS endpoints,
 * (D)TLS credentials, the /bs and /bspack resources and the event loop.
 */
#ifndef LWBS_NET_SERVER_H
#define LWBS_NET_SERVER_H

#include <signal.h>
#include <stdint.h>

struct policy;
struct net_server;

struct net_config {
	const char *const *listen; /* literal IPv4/IPv6 addresses; not owned */
	size_t n_listen;
	uint16_t coap_port;        /* 0: no plain CoAP endpoint */
	uint16_t coaps_port;       /* 0: no DTLS endpoint */
	const char *cert_file;     /* server certificate (PEM), NULL: PSK only */
	const char *key_file;      /* its private key (PEM) */
	const char *ca_file;       /* CAs trusted for client certificates: a file or directory */
	uint16_t coaps_rpk_port;   /* 0: no raw-public-key DTLS endpoint */
	const char *rpk_key_file;  /* lwbsd's EC private key (PEM) for it */
};

/*
 * Flags set from signal handlers. stop ends net_server_run(); reload asks
 * the owner for a new policy, which it acts on in its tick.
 */
struct net_signals {
	volatile sig_atomic_t stop;
	volatile sig_atomic_t reload;
};

/*
 * Create the contexts and bind every endpoint of cfg; pol is borrowed and
 * must outlive the server or be replaced by net_server_set_policy().
 * Returns 0, -EADDRINUSE/-EACCES/-EADDRNOTAVAIL for a bind failure (logged
 * with the address), -EINVAL for a bad address or credential file, -ENOMEM.
 */
int net_server_new(const struct net_config *cfg, const struct policy *pol,
		   struct net_server **out);

/* Sessions started from now on use pol (borrowed); sessions in flight keep theirs. */
void net_server_set_policy(struct net_server *srv, const struct policy *pol);

/*
 * The owner's own work between turns of the loop (a policy reload going on
 * in the background). Returns the longest the next wait may last, in ms,
 * or -1 for no bound of its own.
 */
typedef int net_tick_fn(void *arg);

/*
 * Run the event loop until sig->stop is set, calling tick(arg) (may be
 * NULL) after every turn. A signal interrupts the loop's wait, so the tick
 * sees sig->reload at once. Returns 0 or a negative errno.
 */
int net_server_run(struct net_server *srv, const struct net_signals *sig, net_tick_fn *tick,
		   void *arg);

/* Close every endpoint and session; NULL is a no-op. */
void net_server_free(struct net_server *srv);

#endif
