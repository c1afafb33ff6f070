/*
 * lwbsd's network shell: one libcoap context, its endpoints and (D)TLS
 * credentials, and the event loop. Protocol work happens in net/bootstrap.c
 * (the glue) and the pure layers below it.
 */
#include "net/server.h"
#include "net/bootstrap.h"
#include "net/coaplog.h"
#include "net/dtls.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <coap3/coap.h>

#include "util/log.h"

#define NET_MAX_HANDSHAKES 4096
#define NET_RCVBUF (4 << 20)

struct net_server {
	coap_context_t *ctx;
	struct net_bootstrap *bs;
};

static int net_parse_addr(const char *host, uint16_t port, coap_address_t *out)
{
	coap_address_init(out);
	memset(&out->addr, 0, sizeof(out->addr));
	if (inet_pton(AF_INET, host, &out->addr.sin.sin_addr) == 1) {
		out->addr.sin.sin_family = AF_INET;
		out->addr.sin.sin_port = htons(port);
		out->size = sizeof(out->addr.sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &out->addr.sin6.sin6_addr) == 1) {
		out->addr.sin6.sin6_family = AF_INET6;
		out->addr.sin6.sin6_port = htons(port);
		out->size = sizeof(out->addr.sin6);
		return 0;
	}
	return -EINVAL;
}

static int net_listen(struct net_server *srv, const char *host, uint16_t port,
		      coap_proto_t proto)
{
	coap_address_t addr;

	if (port == 0)
		return 0;
	if (net_parse_addr(host, port, &addr) < 0) {
		log_err("net: invalid listen address '%s' (expected a literal IPv4 or IPv6 address)",
			host);
		return -EINVAL;
	}
	errno = 0;
	if (coap_new_endpoint(srv->ctx, &addr, proto) == NULL) {
		int err = errno ? errno : EADDRNOTAVAIL;
		log_err("net: cannot listen on '%s' port %u/%s (%s)", host, port,
			proto == COAP_PROTO_DTLS ? "dtls" : "udp", strerror(err));
		return -err;
	}
	log_info("net: listening on %s port %u (%s)", host, port,
		 proto == COAP_PROTO_DTLS ? "coaps, DTLS 1.2/1.3" : "coap");
	return 0;
}

/*
 * A fleet reconnecting at once overflows the default UDP receive buffer
 * (about 200 KiB) and every lost datagram costs a retransmission timeout.
 * libcoap keeps endpoint sockets private, so find ours by their bound port.
 * SO_RCVBUFFORCE passes net.core.rmem_max when we run with CAP_NET_ADMIN.
 */
static void net_enlarge_rcvbuf(const struct net_config *cfg)
{
	int size = NET_RCVBUF;

	for (int fd = 3; fd < 1024; fd++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int type;
		socklen_t tlen = sizeof(type);
		uint16_t port;

		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0 || type != SOCK_DGRAM ||
		    getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
			continue;
		if (ss.ss_family == AF_INET)
			port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		else
			continue;
		if (port != cfg->coap_port && port != cfg->coaps_port)
			continue;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
}

int net_server_new(const struct net_config *cfg, const struct policy *pol,
		   struct net_server **out)
{
	struct net_server *srv;
	int rc = -ENOMEM;

	coap_startup();
	coaplog_install();
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		goto fail;
	srv->ctx = coap_new_context(NULL);
	if (srv->ctx == NULL)
		goto fail;
	/*
	 * libcoap silently drops ClientHellos beyond 100 concurrent handshakes;
	 * a fleet reconnecting after an outage needs more. Each costs one
	 * wolfSSL object until it completes or times out.
	 */
	coap_context_set_max_handshake_sessions(srv->ctx, NET_MAX_HANDSHAKES);
	rc = net_bootstrap_new(srv->ctx, pol, &srv->bs);
	if (rc < 0)
		goto fail;
	if (cfg->coaps_port) {
		rc = dtls_setup_server(srv->ctx, cfg, srv->bs);
		if (rc < 0)
			goto fail;
	}
	for (size_t i = 0; i < cfg->n_listen; i++) {
		rc = net_listen(srv, cfg->listen[i], cfg->coap_port, COAP_PROTO_UDP);
		if (rc == 0)
			rc = net_listen(srv, cfg->listen[i], cfg->coaps_port, COAP_PROTO_DTLS);
		if (rc < 0)
			goto fail;
	}
	net_enlarge_rcvbuf(cfg);
	*out = srv;
	return 0;
fail:
	net_server_free(srv);
	return rc;
}

void net_server_set_policy(struct net_server *srv, const struct policy *pol)
{
	net_bootstrap_set_policy(srv->bs, pol);
}

int net_server_run(struct net_server *srv, struct net_signals *sig,
		   void (*reload)(void *arg), void *arg)
{
	while (!sig->stop) {
		/*
		 * A signal interrupts the wait (EINTR), so SIGTERM takes
		 * effect at once; the bound keeps timers honest otherwise.
		 */
		int ms = net_bootstrap_poll(srv->bs);
		if (coap_io_process(srv->ctx, (uint32_t)ms) < 0 && errno != EINTR) {
			log_err("net: event loop failed (%s)", strerror(errno));
			return -EIO;
		}
		if (sig->reload) {
			sig->reload = 0;
			if (reload)
				reload(arg);
		}
	}
	return 0;
}

void net_server_free(struct net_server *srv)
{
	if (srv == NULL)
		return;
	net_bootstrap_free(srv->bs);
	if (srv->ctx)
		coap_free_context(srv->ctx);
	free(srv);
	coap_cleanup();
}
