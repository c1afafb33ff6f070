/*
 * lwbs bench's shell: a fixed array of client slots over the simulator's
 * context (sim_int.h), refilled as bootstraps end, paced by concurrency or
 * by an arrival rate. Slots are released only here, between two
 * coap_io_process() calls: the simulator reports ends from inside
 * libcoap's callbacks, where a session must not be freed.
 */
#include "bench_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "util/log.h"

#define TICK_US 1000000ULL /* progress line and per-bootstrap deadlines */
/*
 * New sessions per turn of the loop: opening one costs more the more there
 * are (libcoap), and thousands at once would starve the answers due now.
 */
#define STARTS_PER_TURN 100
/*
 * With a source address, slot i binds port PORT_BASE + i / n_src: libcoap
 * sets SO_REUSEADDR before binding, so port 0 may be given a port another
 * of our sockets holds, and libcoap then refuses the duplicate 4-tuple.
 */
#define PORT_BASE 10000
#define PORTS_PER_SOURCE (65536 - PORT_BASE)

struct bench {
	const struct bench_options *opt;
	struct sim_options simopt;
	struct sim sim;
	coap_address_t dst;
	coap_proto_t proto;
	char host[256];
	coap_address_t *src; /* n_src source addresses, or none */
	size_t n_src;
	coap_address_t local; /* of the session being opened */
	uint64_t *start_us;  /* per slot: first datagram of its bootstrap */
	unsigned *free_slot; /* stack of idle slots */
	size_t n_free;
	unsigned *ended; /* slots whose client ended since the last reap */
	size_t n_ended;
	unsigned long next_seq;
	uint64_t next_arrival_us; /* rate mode */
	struct bench_stats st;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* sim's hook: runs inside libcoap callbacks, so only note the slot. */
static void on_end(struct sim_client *c)
{
	struct bench *b = c->sim->app;
	uint64_t now = now_us();

	bench_stats_note(&b->st, c, now - b->start_us[c->index], now);
	b->ended[b->n_ended++] = c->index;
}

/* Release slot i's session and store, keep its ops buffer for reuse. */
static void slot_clear(struct sim_client *c)
{
	struct sim_op *ops = c->ops;
	size_t cap = c->cap_ops;

	if (c->cs) {
		coap_session_set_app_data(c->cs, NULL);
		coap_session_release(c->cs);
	}
	store_free(c->store);
	memset(c, 0, sizeof(*c));
	c->ops = ops;
	c->cap_ops = cap;
}

static void reap(struct bench *b)
{
	for (size_t k = 0; k < b->n_ended; k++) {
		unsigned i = b->ended[k];

		slot_clear(&b->sim.clients[i]);
		b->free_slot[b->n_free++] = i;
	}
	b->n_ended = 0;
}

/* Names and profile of client number seq, in slot i, then its first datagram. */
static int slot_start(struct bench *b, unsigned i, unsigned long seq)
{
	const struct bench_options *opt = b->opt;
	const struct bench_profile *p = &opt->mix[seq % opt->n_mix];
	struct sim_client *c = &b->sim.clients[i];

	c->sim = &b->sim;
	c->index = i;
	c->version = p->version;
	c->format = p->format;
	if (opt->endpoint_prefix)
		snprintf(c->endpoint, sizeof(c->endpoint), "%s%lu", opt->endpoint_prefix, seq);
	if (b->proto != COAP_PROTO_DTLS || opt->psk_identity_prefix == NULL)
		; /* NoSec, or a certificate names the client */
	else if (opt->psk_shared)
		snprintf(c->identity, sizeof(c->identity), "%s", opt->psk_identity_prefix);
	else if (b->proto == COAP_PROTO_DTLS)
		snprintf(c->identity, sizeof(c->identity), "%s%lu", opt->psk_identity_prefix, seq);
	snprintf(c->label, sizeof(c->label), "%s", c->endpoint[0] ? c->endpoint : c->identity);
	/* Latency counts from the first datagram, not from minting a certificate;
	 * a failure here fails the client when it opens its session. */
	if (opt->issuer_cert)
		(void)sim_client_mint(c);
	b->start_us[i] = now_us();
	b->st.started++;
	b->sim.local = NULL;
	if (b->n_src) {
		b->local = b->src[i % b->n_src];
		b->local.addr.sin.sin_port = htons((uint16_t)(PORT_BASE + i / b->n_src));
		b->sim.local = &b->local;
	}
	return sim_client_begin(c, &b->dst, b->proto, b->host);
}

static bool may_start(const struct bench *b, uint64_t now)
{
	const struct bench_options *opt = b->opt;

	if (opt->count && b->st.started >= opt->count)
		return false;
	return opt->duration_s == 0 || now < b->st.t0_us + opt->duration_s * 1000000ULL;
}

/* Start what concurrency or the arrival rate allows now. */
static int start_due(struct bench *b)
{
	uint64_t now = now_us();
	double gap = b->opt->rate > 0 ? 1e6 / b->opt->rate : 0;
	int rc = 0, n = 0;

	/* A rate run that fell behind (no free slot) does not burst to catch up. */
	if (gap > 0 && b->next_arrival_us + 100000 < now)
		b->next_arrival_us = now - 100000;
	while (rc == 0 && b->n_free > 0 && may_start(b, now) && n++ < STARTS_PER_TURN) {
		if (gap > 0 && now < b->next_arrival_us)
			break;
		b->next_arrival_us += (uint64_t)gap;
		rc = slot_start(b, b->free_slot[--b->n_free], b->next_seq++);
	}
	return rc;
}

/* Fail bootstraps past their deadline; count the stalled ones. */
static size_t sweep(struct bench *b, uint64_t now)
{
	uint64_t limit = b->opt->timeout_s * 1000000ULL;
	char why[64];
	size_t stalled = 0;

	snprintf(why, sizeof(why), "no Bootstrap-Finish within %u s", b->opt->timeout_s);
	for (size_t i = 0; i < b->sim.n; i++) {
		struct sim_client *c = &b->sim.clients[i];

		if (c->sim == NULL || c->state == SIM_DONE || c->state == SIM_FAILED)
			continue;
		if (c->state == SIM_STALLED)
			stalled++;
		else if (now - b->start_us[i] > limit)
			sim_client_enter(c, SIM_FAILED, why);
	}
	return stalled;
}

static bool run_over(const struct bench *b, uint64_t now)
{
	const struct bench_options *opt = b->opt;

	/* Stalled clients never end: a stall run lasts its duration. */
	if (opt->stall_after != SIM_OFF)
		return now >= b->st.t0_us + opt->duration_s * 1000000ULL;
	return !may_start(b, now) && b->n_free == b->sim.n && b->n_ended == 0;
}

/* Milliseconds until the next arrival or tick, at least 1 (0 would block). */
static uint32_t wait_ms(const struct bench *b, uint64_t now, uint64_t next_tick)
{
	uint64_t until = next_tick;

	/* Free slots left by STARTS_PER_TURN: come back for them at once. */
	if (b->opt->rate == 0 && b->n_free > 0 && may_start(b, now))
		return 1;
	if (b->opt->rate > 0 && b->n_free > 0 && b->next_arrival_us < until)
		until = b->next_arrival_us;
	if (until <= now)
		return 1;
	return (uint32_t)((until - now + 999) / 1000);
}

static int bench_loop(struct bench *b, size_t *stalled)
{
	uint64_t now = now_us(), next_tick = now + TICK_US;
	int rc = 0;

	while (rc == 0 && !run_over(b, now)) {
		rc = start_due(b);
		if (rc == 0 && coap_io_process(b->sim.ctx, wait_ms(b, now, next_tick)) < 0 &&
		    errno != EINTR)
			rc = -EIO;
		reap(b);
		now = now_us();
		if (now >= next_tick) {
			*stalled = sweep(b, now);
			reap(b);
			if (b->opt->progress)
				bench_progress(&b->st, now, b->sim.n - b->n_free, *stalled);
			next_tick = now + TICK_US;
		}
	}
	b->st.end_us = now;
	return rc;
}

/*
 * Every client has its own socket: allow as many descriptors as we may,
 * beyond the hard limit when privileged (CAP_SYS_RESOURCE).
 */
static void raise_fd_limit(rlim_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	if (rl.rlim_max < want) {
		struct rlimit more = {.rlim_cur = want, .rlim_max = want};
		if (setrlimit(RLIMIT_NOFILE, &more) == 0)
			return;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static bool is_loopback4(const coap_address_t *a)
{
	return a->addr.sa.sa_family == AF_INET &&
	       (ntohl(a->addr.sin.sin_addr.s_addr) >> 24) == 127;
}

/* opt->source and opt->sources, or the loopback default past BENCH_PER_SOURCE. */
static int sources_setup(struct bench *b)
{
	const struct bench_options *opt = b->opt;
	const char *first = opt->source;
	size_t n = opt->sources;
	struct in_addr a;

	if (first == NULL && n == 0 && opt->concurrency > BENCH_PER_SOURCE && is_loopback4(&b->dst))
		n = (opt->concurrency + BENCH_PER_SOURCE - 1) / BENCH_PER_SOURCE;
	if (first == NULL && n == 0)
		return 0;
	if (inet_pton(AF_INET, first ? first : "127.0.0.2", &a) != 1) {
		log_err("bench: invalid source address '%s' (expected IPv4)", first);
		return -EINVAL;
	}
	b->n_src = n ? n : 1;
	if (opt->concurrency > b->n_src * PORTS_PER_SOURCE) {
		log_err("bench: %u clients in flight need %u source addresses (--sources)",
			opt->concurrency,
			(unsigned)((opt->concurrency + PORTS_PER_SOURCE - 1) / PORTS_PER_SOURCE));
		return -EINVAL;
	}
	b->src = calloc(b->n_src, sizeof(*b->src));
	if (b->src == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < b->n_src; i++) {
		coap_address_init(&b->src[i]);
		b->src[i].addr.sin.sin_family = AF_INET;
		b->src[i].addr.sin.sin_addr.s_addr = htonl(ntohl(a.s_addr) + (uint32_t)i);
		b->src[i].size = sizeof(b->src[i].addr.sin);
	}
	return 0;
}

static int bench_setup(struct bench *b)
{
	const struct bench_options *opt = b->opt;
	size_t n = opt->concurrency;

	b->simopt = (struct sim_options){
	    .server_uri = opt->server_uri,
	    .version = opt->mix[0].version,
	    .format = opt->mix[0].format,
	    .bootstrap_iid = opt->bootstrap_iid,
	    .psk_key = opt->psk_key,
	    .psk_key_len = opt->psk_key_len,
	    .cert_file = opt->cert_file,
	    .key_file = opt->key_file,
	    .ca_file = opt->ca_file,
	    .issuer_cert = opt->issuer_cert,
	    .issuer_cert_len = opt->issuer_cert_len,
	    .issuer_key = opt->issuer_key,
	    .issuer_key_len = opt->issuer_key_len,
	    .stall_after = opt->stall_after,
	    .restart_after = SIM_OFF,
	    .clients = opt->concurrency,
	};
	b->sim.opt = &b->simopt;
	b->sim.on_end = on_end;
	b->sim.app = b;
	raise_fd_limit((rlim_t)n + 64);
	if (sim_open(&b->sim) < 0)
		return -ENOMEM;
	b->sim.n = n;
	b->start_us = calloc(n, sizeof(*b->start_us));
	b->free_slot = calloc(n, sizeof(*b->free_slot));
	b->ended = calloc(n, sizeof(*b->ended));
	if (b->start_us == NULL || b->free_slot == NULL || b->ended == NULL)
		return -ENOMEM;
	/* Popped from the top: slot 0 first. */
	for (size_t i = 0; i < n; i++)
		b->free_slot[b->n_free++] = (unsigned)(n - 1 - i);
	if (sim_resolve(opt->server_uri, &b->dst, &b->proto, b->host) < 0)
		return -EINVAL;
	return sources_setup(b);
}

int bench_run(const struct bench_options *opt, FILE *out, unsigned long *failed)
{
	struct bench b = {.opt = opt, .next_seq = opt->first};
	size_t stalled = 0;
	int rc = bench_setup(&b);

	if (rc == 0) {
		b.st.t0_us = b.next_arrival_us = now_us();
		rc = bench_loop(&b, &stalled);
	}
	if (rc == 0)
		rc = bench_report(opt, &b.st, stalled, out);
	if (rc == 0)
		*failed = b.st.failed;
	if (rc == -ENOMEM)
		log_err("bench: out of memory");
	else if (rc == -EIO)
		log_err("bench: event loop failed");
	sim_close(&b.sim);
	bench_stats_free(&b.st);
	free(b.src);
	free(b.start_us);
	free(b.free_slot);
	free(b.ended);
	return rc;
}
