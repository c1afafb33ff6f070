/*
 * One client's bootstrap session as a state machine (Core TS 1.2 §5.2.7):
 *
 *   discovering -> deleting -> writing -> finishing -> done
 *        any state -> failed
 *
 * Pure: the network shell asks for the next command, sends it, and feeds
 * the response (or a failure) back. Time comes in as arguments.
 */
#ifndef LWBS_SESSION_SESSION_H
#define LWBS_SESSION_SESSION_H

#include <stdint.h>

#include "plan/plan.h"
#include "util/buf.h"

struct policy;
struct policy_device;
struct bs_session;

enum bs_state {
	BS_DISCOVERING,
	BS_DELETING,
	BS_WRITING,
	BS_FINISHING,
	BS_DONE,
	BS_FAILED,
};

/* How the client authenticated its connection. */
enum bs_auth {
	BS_AUTH_NOSEC,
	BS_AUTH_PSK,
	BS_AUTH_CERT,
	BS_AUTH_RPK,
};

#define BS_ENDPOINT_MAX 128
#define BS_IDENTITY_MAX 130

/* What the network shell knows about a client; printable, never secret. */
struct bs_client {
	enum bs_auth auth;
	char identity[BS_IDENTITY_MAX]; /* PSK identity (escaped) or certificate subject; "" for NoSec */
	char endpoint[BS_ENDPOINT_MAX];
	char peer[64];                  /* "address:port" */
	char tls[64];                   /* "DTLSv1.2 PSK-AES128-CCM8", "" without DTLS */
	uint16_t pct;                   /* ?pct= of the Bootstrap-Request, 0 if absent */
	int64_t started_unix_ms;        /* wall clock at the Bootstrap-Request, for the audit */
	/* The source address as bytes, for routing by network and GeoIP. */
	int peer_family;                /* AF_INET, AF_INET6 (IPv4-mapped ones become AF_INET), 0 */
	uint8_t peer_addr[16];          /* 4 or 16 bytes used */
};

/*
 * Start a session for an admitted client. pol and dev are borrowed and must
 * outlive the session (the shell keeps a reference on pol). Returns 0 or
 * -ENOMEM.
 */
int bs_session_new(const struct bs_client *client, const struct policy *pol,
		   const struct policy_device *dev, uint64_t now_ms, struct bs_session **out);

struct targets_provider;

/*
 * Where the session gets credentials lwbsd generates (session/targets.h);
 * p is borrowed and must outlive the session. Without one, a device sent
 * to such a server fails its bootstrap.
 */
void bs_session_set_provider(struct bs_session *s, const struct targets_provider *p);

/*
 * The command to send now, or NULL when the session has ended (done or
 * failed). The command stays valid until the next call into the session.
 */
const struct plan_cmd *bs_session_next(struct bs_session *s);

/*
 * Feed the response to the command last returned by bs_session_next().
 * code is the CoAP code byte (class << 5 | detail), cf its Content-Format
 * or -1. Returns 0; the state tells whether the session goes on.
 */
int bs_session_response(struct bs_session *s, uint8_t code, int cf, const uint8_t *p, size_t n,
			uint64_t now_ms);

/* End the session as failed with reason (copied), e.g. a timeout. */
void bs_session_fail(struct bs_session *s, const char *reason, uint64_t now_ms);

enum bs_state bs_session_state(const struct bs_session *s);
const char *bs_state_name(enum bs_state st);
const char *bs_auth_name(enum bs_auth a);
const struct bs_client *bs_session_client(const struct bs_session *s);
/* Why the session failed, or "" */
const char *bs_session_reason(const struct bs_session *s);

/*
 * Append the session's audit record to out: one JSON object and a newline
 * with time, endpoint, identity, security mode, peer, policy version, chosen
 * servers, every operation with its response code, outcome, reason and
 * duration. Never contains key material. Returns 0 or -ENOMEM.
 */
int bs_session_audit(const struct bs_session *s, struct buf *out);

/* NULL-safe. */
void bs_session_free(struct bs_session *s);

/*
 * Audit record of a client refused before any session existed (unknown
 * identity, endpoint mismatch, NoSec not allowed). Same shape, no operations.
 */
int bs_audit_refusal(const struct bs_client *client, const char *policy_version,
		     const char *reason, struct buf *out);

#endif
