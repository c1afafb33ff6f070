/*
 * Load generator for `lwbs bench`: one process, one libcoap context, many
 * simulated clients (client/sim.h) kept in flight against one bootstrap
 * server. A client slot is reused as soon as its bootstrap ends, so a run
 * of any length holds at most `concurrency` sessions.
 *
 * Single-threaded and event-driven. The run stops starting new bootstraps
 * once `count` were started or `duration_s` passed, then waits for those in
 * flight (each bounded by `timeout_s`). With `stall_after` set, clients
 * stall mid-session and are never counted as failed: the run holds them
 * until `duration_s` (used to measure the server's memory per session).
 */
#ifndef LWBS_CLIENT_BENCH_H
#define LWBS_CLIENT_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lwm2m/model.h"

#define BENCH_MAX_MIX 8
#define BENCH_PER_SOURCE 20000

/* One LwM2M version and preferred format (-1: none) of the mix. */
struct bench_profile {
	enum lwm2m_version version;
	int format;
};

struct bench_options {
	const char *server_uri;          /* coap://host[:port] or coaps://host[:port] */
	const char *endpoint_prefix;     /* endpoint = prefix + sequence number */
	const char *psk_identity_prefix; /* coaps: identity = prefix + number */
	bool psk_shared;                 /* coaps: identity = psk_identity_prefix as is */
	const uint8_t *psk_key;          /* coaps: not owned */
	size_t psk_key_len;
	const char *cert_file; /* coaps with certificates instead of PSK (PEM), or NULL */
	const char *key_file;  /* its private key */
	const char *ca_file;   /* CAs to verify the server by, or NULL: no verification */
	/* coaps: a certificate minted per client by this CA (DER, not owned),
	 * CN = its endpoint name, instead of cert_file; NULL: none. */
	const uint8_t *issuer_cert;
	size_t issuer_cert_len;
	const uint8_t *issuer_key;
	size_t issuer_key_len;
	uint16_t bootstrap_iid;
	struct bench_profile mix[BENCH_MAX_MIX]; /* taken in turn, by sequence number */
	size_t n_mix;                            /* >= 1 */
	unsigned concurrency;                    /* sessions in flight (the cap, with rate) */
	double rate;         /* bootstraps started per second; 0: keep concurrency */
	unsigned long count; /* bootstraps to start; 0: no limit (duration_s) */
	unsigned duration_s; /* stop starting after this; 0: none (count) */
	unsigned timeout_s;  /* per bootstrap: not finished by then is a failure */
	unsigned long first; /* sequence number of the first client */
	long stall_after;    /* SIM_OFF, or answer this many requests and stall */
	/*
	 * Source addresses: the client in slot i binds to IPv4 `source` +
	 * (i mod `sources`), port 10000 + i / `sources` (so at most 55,536
	 * slots per address). NULL and 0: the kernel's choice, except past
	 * BENCH_PER_SOURCE clients in flight towards a loopback server, which
	 * spread from 127.0.0.2 (one address gives ~28,000 ephemeral ports).
	 */
	const char *source;
	unsigned sources;
	bool progress;       /* a progress line on stderr every second */
	bool json;           /* summary as one JSON object, else text */
};

/*
 * Run the benchmark and print its summary (docs/lwbs-bench.md) to out.
 * *failed gets the number of bootstraps that failed. Returns 0, -EINVAL
 * for an unusable server URI (logged), -ENOMEM or -EIO when the run could
 * not start or its summary not be written (logged; *failed untouched).
 */
int bench_run(const struct bench_options *opt, FILE *out, unsigned long *failed);

#endif
