/*
 * Simulated LwM2M clients for `lwbs client`: one process, one libcoap
 * context, N clients, each with its own CoAP (or DTLS) session and its own
 * object store (client/store.h). Each client sends a Bootstrap-Request
 * (CON POST /bs?ep=NAME&pct=FMT) and answers the server's
 * Bootstrap-Discover, -Delete, -Write and -Finish as a real client would
 * (Core TS 1.0-1.2, Bootstrap interface).
 *
 * Single-threaded; the run ends when every client has finished or failed,
 * or at the overall timeout.
 */
#ifndef LWBS_CLIENT_SIM_H
#define LWBS_CLIENT_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lwm2m/model.h"

#define SIM_OFF (-1L)

struct sim_options {
	const char *server_uri; /* coap://host[:port] or coaps://host[:port] */
	const char *endpoint;   /* endpoint name; "-i" is appended with clients > 1 */
	bool no_ep;             /* send no ep= (the server must know us otherwise) */
	enum lwm2m_version version;
	int format;               /* preferred Content-Format sent as pct=; -1: none */
	uint16_t bootstrap_iid;   /* Security instance of the bootstrap account */
	const char *psk_identity; /* coaps only; "-i" appended unless psk_shared */
	const uint8_t *psk_key;   /* coaps only; not owned */
	size_t psk_key_len;
	bool psk_shared;                     /* every client uses psk_identity as is */
	const struct lwm2m_path *fail_write; /* Writes to these paths answer 4.00 */
	size_t n_fail_write;
	long stall_after;   /* drop every request after this many; SIM_OFF */
	long restart_after; /* new Bootstrap-Request after this many; SIM_OFF */
	unsigned clients;   /* >= 1 */
	unsigned timeout_s; /* overall, for the whole run */
	/* Certificate mode for coaps:// instead of PSK: PEM files, not owned. */
	const char *cert_file; /* the client's certificate; NULL: PSK or NoSec */
	const char *key_file;  /* its private key */
	const char *ca_file;   /* CAs to verify the server by, or NULL: no verification */
	/*
	 * Certificate mode with a certificate of its own per client, instead
	 * of cert_file: each session gets a new P-256 key and a certificate
	 * with CN = the client's endpoint name, signed by this CA (DER, not
	 * owned; the key SEC1 or PKCS#8), as `lwbs cert issue` makes them.
	 */
	const uint8_t *issuer_cert;
	size_t issuer_cert_len;
	const uint8_t *issuer_key;
	size_t issuer_key_len;
	long delay_ms;         /* hold each answer this long (blocking the loop); 0: none */
	/*
	 * Raw-public-key mode for coaps:// (RFC 7250): this EC private key (PEM
	 * bytes, not owned) and its public key are the client's credential;
	 * NULL: none. The server's key is not checked.
	 */
	const uint8_t *rpk_key;
	size_t rpk_key_len;
	/*
	 * Local address every client's socket binds: a literal IPv4 or IPv6
	 * address (not owned) of the server's family, NULL: the kernel's
	 * choice. bind_port 0 lets the kernel pick the port; another port
	 * needs clients == 1 (a device that reuses its port across reboots).
	 */
	const char *bind_addr;
	uint16_t bind_port;
};

/*
 * Run opt->clients clients until each has finished or failed, then print
 * the report (docs/lwbs-client.md) to out: one JSON object per client, one
 * per line, plus a summary line when clients > 1. *failed gets the number
 * of clients that did not finish with Bootstrap-Finish 2.04. Returns 0, or
 * -EINVAL for an unusable server URI or a bind_addr not of its family, and
 * -ENOMEM/-EIO when the run could not start (logged; nothing is printed,
 * *failed untouched).
 */
int sim_run(const struct sim_options *opt, FILE *out, unsigned *failed);

#endif
