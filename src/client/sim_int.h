/*
 * What the parts of the client simulator share: sim.c (sessions, the
 * Bootstrap-Request, the loop), sim_handlers.c (answering the server) and
 * sim_report.c (the JSON report).
 */
#ifndef LWBS_CLIENT_SIM_INT_H
#define LWBS_CLIENT_SIM_INT_H

#include <coap3/coap.h>

#include "client/sim.h"
#include "client/store.h"
#include "lwm2m/path.h"

enum sim_state {
	SIM_REQUESTING,    /* Bootstrap-Request sent, no answer yet */
	SIM_BOOTSTRAPPING, /* 2.04 received; answering the server */
	SIM_STALLED,       /* --stall-after reached: dropping every request */
	SIM_DONE,          /* Bootstrap-Finish answered 2.04 */
	SIM_FAILED,
};

/* One exchange in the report: a request from the server, or our Bootstrap-Request. */
struct sim_op {
	const char *op;               /* "bootstrap-request", "discover", "delete", "write", ... */
	char path[PATH_TEXT_MAX + 4]; /* "/", "/0/1", "/bs" */
	int format;                   /* Content-Format of a write, else -1 */
	unsigned code;                /* CoAP code answered or received; 0: none (dropped) */
	char why[STORE_WHY_MAX];      /* reason of an error answer, else "" */
};

struct sim;

struct sim_client {
	struct sim *sim;
	unsigned index;
	char endpoint[128]; /* "" when --no-ep */
	char identity[128]; /* PSK identity; "" for coap:// */
	char label[128];    /* for logs: endpoint, else identity, else "client #i" */
	coap_session_t *cs;
	struct store *store;
	enum lwm2m_version version; /* per client: lwbs bench mixes versions */
	int format;                 /* pct= sent; -1: none */
	enum sim_state state;
	char reason[STORE_WHY_MAX + 64];
	long answered;        /* requests answered, retransmissions not counted */
	bool restart_pending; /* send a new Bootstrap-Request from the loop */
	bool restarted;
	int last_format;     /* Content-Format of the last Write, -1: none yet */
	coap_mid_t last_mid; /* of the last request, to spot retransmissions */
	uint8_t token[8];    /* of our Bootstrap-Request */
	size_t token_len;
	int request_op; /* its entry in ops, -1: none */
	struct sim_op *ops;
	size_t n_ops, cap_ops;
};

struct sim {
	const struct sim_options *opt;
	coap_context_t *ctx;
	struct sim_client *clients;
	size_t n;
	size_t pending; /* clients neither done nor failed */
	/* Called when a client becomes done or failed, from inside libcoap's
	 * callbacks: it may note the client, not release its session. */
	void (*on_end)(struct sim_client *c);
	void *app; /* on_end's context (lwbs bench) */
	/* Source address of the next session opened, NULL: the kernel's choice.
	 * lwbs bench spreads clients over several loopback addresses; lwbs
	 * client --bind gives every session the same one. */
	const coap_address_t *local;
	/* The certificate minted for the session opened last (issuer_cert):
	 * libcoap keeps pointers to it until the next one. Owned. issued_for:
	 * the client it was minted for whose session is not open yet, or NULL. */
	struct cred_issued *issued;
	const struct sim_client *issued_for;
};

/* The only way a client changes state; logs `old -> new` and, on failure, why. */
void sim_client_enter(struct sim_client *c, enum sim_state st, const char *reason);

/*
 * Append an exchange to c->ops for the report; why (may be NULL) explains
 * an error answer. Returns 0 or -ENOMEM (the entry is lost, logged).
 */
int sim_client_log_op(struct sim_client *c, const char *op, const char *path, int format,
                      unsigned code, const char *why);

/* (Re)create c's store with its bootstrap account. Returns 0 or -ENOMEM. */
int sim_client_reset_store(struct sim_client *c);

/*
 * The pieces lwbs bench (bench.c) reuses to run clients in slots it
 * recycles. sim_open() sets up the context and sim->opt->clients zeroed
 * clients; sim_close() releases every client and the context.
 * sim_resolve() parses and resolves a coap:// or coaps:// URI (host gets
 * the host name), returns 0 or -EINVAL (logged). sim_client_begin() starts
 * a client whose sim, index, names, label, version and format are set:
 * store, session (first datagram) and Bootstrap-Request; a failure fails
 * the client. Returns 0 or -ENOMEM.
 */
int sim_open(struct sim *sim);
void sim_close(struct sim *sim);
int sim_resolve(const char *uri_text, coap_address_t *dst, coap_proto_t *proto, char host[256]);
int sim_client_begin(struct sim_client *c, const coap_address_t *dst, coap_proto_t proto,
                     char *host);

/*
 * With opt->issuer_cert: mint c's key and certificate now (c's endpoint
 * set), so that lwbs bench can start c's clock after it, at the first
 * datagram; sim_client_begin() mints for a client that has none. Returns
 * 0 or a negative errno (logged).
 */
int sim_client_mint(struct sim_client *c);

/* Register the handlers answering the server's requests on ctx. Returns 0 or -ENOMEM. */
int sim_handlers_register(coap_context_t *ctx);

/* Append c's report line (docs/lwbs-client.md) to out. Returns 0 or -ENOMEM. */
int sim_report_client(const struct sim_client *c, struct buf *out);

/* Append the summary line {"clients":N,"succeeded":S,"failed":F}. Returns 0 or -ENOMEM. */
int sim_report_summary(const struct sim *sim, struct buf *out);

#endif
