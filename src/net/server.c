/*
 * lwbsd's network shell: one libcoap context (two with a raw-public-key
 * endpoint, net/dtls.h defect 9), its endpoints and (D)TLS credentials,
 * and the event loop. Protocol work happens in net/bootstrap.c
 * (the glue) and the pure layers below it.
 */
#include "net/server.h"
#include "net/addr.h"
#include "net/bootstrap.h"
#include "net/coaplog.h"
#include "net/dtls.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <coap3/coap.h>

#include "util/log.h"

#define NET_MAX_HANDSHAKES 4096
#define NET_RCVBUF (4 << 20)

struct net_server {
	coap_context_t *ctx;
	struct net_bootstrap *bs;
	coap_context_t *ctx_rpk; /* RPK endpoint (RFC 7250), or NULL */
	struct dtls_rpk *rpk;    /* its key, alive as long as ctx_rpk */
	int epfd;                /* both contexts' epoll fds, when ctx_rpk; else -1 */
};

static int net_listen(coap_context_t *ctx, const char *host, uint16_t port, coap_proto_t proto,
		      const char *what)
{
	coap_address_t addr;

	if (port == 0)
		return 0;
	if (net_addr_parse(host, port, &addr) < 0) {
		log_err("net: invalid listen address '%s' (expected a literal IPv4 or IPv6 address)",
			host);
		return -EINVAL;
	}
	errno = 0;
	if (coap_new_endpoint(ctx, &addr, proto) == NULL) {
		int err = errno ? errno : EADDRNOTAVAIL;
		log_err("net: cannot listen on '%s' port %u/%s (%s)", host, port,
			proto == COAP_PROTO_DTLS ? "dtls" : "udp", strerror(err));
		return -err;
	}
	log_info("net: listening on %s port %u (%s)", host, port, what);
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
		if (port != cfg->coap_port && port != cfg->coaps_port && port != cfg->coaps_rpk_port)
			continue;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
}

/* Watch ctx's own epoll fd (readable when any of its sockets or timers is). */
static int net_watch(int epfd, coap_context_t *ctx)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = ctx};
	int fd = coap_context_get_coap_fd(ctx);

	if (fd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		log_err("net: cannot watch the libcoap context (%s): libcoap needs epoll support",
			fd < 0 ? "no epoll fd" : strerror(errno));
		return -EINVAL;
	}
	return 0;
}

/*
 * The raw-public-key endpoint: a libcoap context of its own (net/dtls.h
 * defect 9) sharing the Bootstrap interface, policy and audit log of the
 * first. With workers each one opens it too; --wrap=bind (net/reuseport.c)
 * gives its socket SO_REUSEPORT like every other.
 */
static int net_rpk_open(struct net_server *srv, const struct net_config *cfg)
{
	int rc;

	srv->ctx_rpk = coap_new_context(NULL);
	if (srv->ctx_rpk == NULL)
		return -ENOMEM;
	coap_context_set_max_handshake_sessions(srv->ctx_rpk, NET_MAX_HANDSHAKES);
	rc = dtls_rpk_new(srv->ctx_rpk, cfg->rpk_key_file, srv->bs, &srv->rpk);
	if (rc == 0)
		rc = net_bootstrap_add_rpk_context(srv->bs, srv->ctx_rpk);
	for (size_t i = 0; rc == 0 && i < cfg->n_listen; i++)
		rc = net_listen(srv->ctx_rpk, cfg->listen[i], cfg->coaps_rpk_port, COAP_PROTO_DTLS,
				"coaps, raw public keys");
	if (rc < 0)
		return rc;
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epfd < 0)
		return -errno;
	rc = net_watch(srv->epfd, srv->ctx);
	return rc < 0 ? rc : net_watch(srv->epfd, srv->ctx_rpk);
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
	srv->epfd = -1;
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
		rc = net_listen(srv->ctx, cfg->listen[i], cfg->coap_port, COAP_PROTO_UDP, "coap");
		if (rc == 0)
			rc = net_listen(srv->ctx, cfg->listen[i], cfg->coaps_port, COAP_PROTO_DTLS,
					"coaps, DTLS 1.2/1.3");
		if (rc < 0)
			goto fail;
	}
	rc = cfg->coaps_rpk_port ? net_rpk_open(srv, cfg) : 0;
	if (rc < 0)
		goto fail;
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

/* ms, lowered to when ctx's next timer (retransmission, DTLS) is due. */
static int net_timer_bound(coap_context_t *ctx, int ms)
{
	coap_tick_t now;
	unsigned t;

	coap_ticks(&now);
	t = coap_io_prepare_epoll(ctx, now); /* 0: no timer pending */
	return t > 0 && t < (unsigned)ms ? (int)t : ms;
}

#define NET_EVENTS 16

/*
 * One turn over ctx, in place of coap_io_process(ctx, ms), which walks every
 * session before it waits. No walk is needed before the wait: libcoap arms
 * its timerfd, in the same epoll set, for its timers. Our libcoap patch
 * (packaging/patches/) reads a NoSec endpoint until empty per event and
 * walks the sessions at most every 250 ms (README.md, Performance).
 */
static int net_turn(coap_context_t *ctx, int ms)
{
	struct epoll_event ev[NET_EVENTS];
	int n = epoll_wait(coap_context_get_coap_fd(ctx), ev, NET_EVENTS, ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	/* Also with no event (the bound passed): the walk runs libcoap's timers. */
	coap_io_do_epoll(ctx, ev, (size_t)n);
	return 0;
}

/*
 * Two contexts, one loop: each libcoap context has its own epoll fd, which
 * an outer epoll watches. After the wait, each context gets a turn that
 * does not block: datagrams of either endpoint are handled as soon as they
 * arrive, as with one context, and neither can starve the other.
 * Alternating blocking waits would delay each endpoint by the other's
 * timeout instead. Not coap_io_process(ctx, COAP_IO_NO_WAIT): it polls
 * again while events keep coming, so a DTLS endpoint could be read twice
 * before net_bootstrap_poll() releases a session that has just ended (see
 * README.md, Performance, on DTLS reads).
 */
static int net_turn_two(struct net_server *srv, int ms)
{
	struct epoll_event ev[2];
	int rc;

	ms = net_timer_bound(srv->ctx_rpk, net_timer_bound(srv->ctx, ms));
	if (epoll_wait(srv->epfd, ev, 2, ms) < 0 && errno != EINTR)
		return -errno;
	rc = net_turn(srv->ctx, 0);
	return rc < 0 ? rc : net_turn(srv->ctx_rpk, 0);
}

/*
 * One pass of the loop. First the work due before it waits: bootstrap
 * timers and releases, and the log and audit lines of the turn that ended
 * (written together: README.md, Performance); then the wait (at most
 * bound ms unless bound is -1) and the datagrams. Returns 0 or -errno.
 */
static int net_step(struct net_server *srv, int bound)
{
	int ms = net_bootstrap_poll(srv->bs);

	if (bound >= 0 && bound < ms)
		ms = bound;
	log_flush();
	return srv->ctx_rpk ? net_turn_two(srv, ms) : net_turn(srv->ctx, ms);
}

int net_server_run(struct net_server *srv, const struct net_signals *sig, net_tick_fn *tick,
		   void *arg)
{
	int bound = -1;

	while (!sig->stop) {
		/*
		 * A signal interrupts the wait (EINTR), so SIGTERM takes
		 * effect at once; the bound keeps timers honest otherwise.
		 */
		int rc = net_step(srv, bound);
		if (rc < 0) {
			log_err("net: event loop failed (%s)", strerror(-rc));
			return -EIO;
		}
		bound = tick ? tick(arg) : -1;
	}
	return 0;
}

void net_server_free(struct net_server *srv)
{
	if (srv == NULL)
		return;
	net_bootstrap_free(srv->bs);
	if (srv->ctx_rpk)
		coap_free_context(srv->ctx_rpk);
	dtls_rpk_free(srv->rpk);
	if (srv->epfd >= 0)
		close(srv->epfd);
	if (srv->ctx)
		coap_free_context(srv->ctx);
	free(srv);
	coap_cleanup();
}
