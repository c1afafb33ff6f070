/*
 * The Bootstrap interface over libcoap. Each admitted client gets a
 * struct client tying its libcoap session to its bs_session; the loop sends
 * one command at a time and feeds each response back. Clients that end are
 * parked on a list and released in the next poll, never inside a libcoap
 * callback for their own session.
 */
#include "net/bootstrap.h"
#include "net/dtls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cred/cert.h"
#include "cred/provision.h"
#include "lwm2m/path.h"
#include "net/addr.h"
#include "policy/policy.h"
#include "policy/policy_routes.h"
#include "policy/spki.h"
#include "session/admit.h"
#include "session/session.h"
#include "util/encoding.h"
#include "util/linebuf.h"
#include "util/log.h"

#define POLL_MAX_MS 1000
#define EP_BUCKETS_MIN 64

struct client {
	struct client *next;
	struct client **pprev;
	struct client *tnext, *tprev; /* timer list, while timed */
	struct client *hnext;	       /* endpoint hash chain, while active */
	bool timed;
	struct net_bootstrap *bs;
	coap_session_t *cs; /* referenced while the client lives */
	struct bs_session *s;
	const struct policy *pol;
	coap_mid_t request_mid; /* of the Bootstrap-Request, to answer retransmissions */
	uint8_t token[8];
	size_t token_len;
	bool started;
	bool in_flight;
	uint64_t deadline_ms; /* 0 until started: due at the next poll */
	const char *in_flight_op;
	struct cred_provision *prov; /* credentials made for this session; wiped at release */
};

struct net_bootstrap {
	coap_context_t *ctx;
	coap_context_t *ctx_rpk; /* of the RPK endpoint (net/dtls.h defect 9), or NULL */
	const struct policy *pol;
	struct client *active;
	struct client *ended;
	size_t n_active;
	/*
	 * Clients not yet started or with a request in flight, by deadline:
	 * the poll looks only at the head, so its cost does not grow with the
	 * number of sessions held (100,000 stalled clients, README.md).
	 */
	struct client *timer_head, *timer_tail;
	struct client **by_ep; /* active clients by endpoint name, chained */
	size_t ep_buckets;     /* a power of two */
	struct linebuf audit; /* fd -1: no audit log; flushed by each poll */
	struct buf record;    /* the audit record being built, reused */
	uint64_t exchange_timeout_ms;
};

/*
 * libcoap draws message IDs and tokens with one getrandom(2) call each,
 * some 6 % of lwbsd's CPU per NoSec bootstrap (README.md, Performance).
 * The same kernel randomness, fetched 256 bytes at a time. The pool is
 * emptied by net_bootstrap_new(), which runs in each worker after fork(),
 * so no two workers hand out the same bytes.
 */
static struct {
	uint8_t bytes[256];
	size_t left; /* unused bytes at the end of bytes */
} prng_pool;

static int prng_pooled(void *out, size_t len)
{
	uint8_t *o = out;

	while (len > 0) {
		size_t n;

		if (prng_pool.left == 0) {
			if (getrandom(prng_pool.bytes, sizeof(prng_pool.bytes), 0) !=
			    (ssize_t)sizeof(prng_pool.bytes))
				return 0;
			prng_pool.left = sizeof(prng_pool.bytes);
		}
		n = len < prng_pool.left ? len : prng_pool.left;
		memcpy(o, prng_pool.bytes + sizeof(prng_pool.bytes) - prng_pool.left, n);
		prng_pool.left -= n;
		o += n;
		len -= n;
	}
	return 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void list_insert(struct client **head, struct client *c)
{
	c->next = *head;
	if (*head)
		(*head)->pprev = &c->next;
	*head = c;
	c->pprev = head;
}

static void list_remove(struct client *c)
{
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	c->next = NULL;
	c->pprev = NULL;
}

static void timer_clear(struct net_bootstrap *bs, struct client *c)
{
	if (!c->timed)
		return;
	if (c->tprev)
		c->tprev->tnext = c->tnext;
	else
		bs->timer_head = c->tnext;
	if (c->tnext)
		c->tnext->tprev = c->tprev;
	else
		bs->timer_tail = c->tprev;
	c->tnext = c->tprev = NULL;
	c->timed = false;
}

/*
 * Deadlines are now + one timeout, so they nearly always go last; new
 * clients (deadline 0) go first. The walk from the tail is for a reload
 * that shortened exchange_timeout.
 */
static void timer_set(struct net_bootstrap *bs, struct client *c, uint64_t deadline)
{
	struct client *at = NULL;

	timer_clear(bs, c);
	c->deadline_ms = deadline;
	if (bs->timer_head && deadline > bs->timer_head->deadline_ms)
		for (at = bs->timer_tail; at->deadline_ms > deadline; at = at->tprev)
			;
	c->tprev = at;
	c->tnext = at ? at->tnext : bs->timer_head;
	if (c->tnext)
		c->tnext->tprev = c;
	else
		bs->timer_tail = c;
	if (at)
		at->tnext = c;
	else
		bs->timer_head = c;
	c->timed = true;
}

/* FNV-1a: endpoint names are short and chosen by clients, not secret. */
static size_t ep_hash(const char *ep)
{
	uint32_t h = 2166136261u;

	for (; *ep; ep++)
		h = (h ^ (uint8_t)*ep) * 16777619u;
	return h;
}

static const char *client_ep(const struct client *c)
{
	return bs_session_client(c->s)->endpoint;
}

static void ep_link(struct net_bootstrap *bs, struct client *c)
{
	struct client **b = &bs->by_ep[ep_hash(client_ep(c)) & (bs->ep_buckets - 1)];

	c->hnext = *b;
	*b = c;
}

/* Keep chains short as the number held grows; on ENOMEM they just get longer. */
static void ep_grow(struct net_bootstrap *bs)
{
	size_t n = bs->ep_buckets;
	struct client **old = bs->by_ep, **fresh;

	if (bs->n_active < n)
		return;
	fresh = calloc(n * 2, sizeof(*fresh));
	if (fresh == NULL)
		return;
	bs->by_ep = fresh;
	bs->ep_buckets = n * 2;
	for (size_t i = 0; i < n; i++) {
		struct client *c = old[i], *next;
		for (; c; c = next) {
			next = c->hnext;
			ep_link(bs, c);
		}
	}
	free(old);
}

static void ep_unlink(struct net_bootstrap *bs, struct client *c)
{
	struct client **p = &bs->by_ep[ep_hash(client_ep(c)) & (bs->ep_buckets - 1)];

	while (*p && *p != c)
		p = &(*p)->hnext;
	if (*p)
		*p = c->hnext;
	c->hnext = NULL;
}

/* The newest active client of endpoint ep, as the list walk it replaces found. */
static struct client *ep_find(const struct net_bootstrap *bs, const char *ep)
{
	struct client *c = bs->by_ep[ep_hash(ep) & (bs->ep_buckets - 1)];

	while (c && strcmp(client_ep(c), ep) != 0)
		c = c->hnext;
	return c;
}

static void audit_check(int rc)
{
	if (rc < 0)
		log_warn("audit: cannot write records (%s)", strerror(-rc));
}

/* An empty bs->record to build an audit record in, or NULL with no audit log. */
static struct buf *audit_record(struct net_bootstrap *bs)
{
	if (bs->audit.fd < 0)
		return NULL;
	buf_reset(&bs->record);
	return &bs->record;
}

/* Queued whole, so records stay whole when several workers append. */
static void audit_emit(struct net_bootstrap *bs)
{
	if (bs->record.len > 0)
		audit_check(linebuf_put(&bs->audit, bs->record.data, bs->record.len));
}

static void client_log_end(const struct client *c)
{
	const struct bs_client *bc = bs_session_client(c->s);

	if (bs_session_state(c->s) == BS_DONE)
		log_info("session: '%s' from %s bootstrapped", bc->endpoint, bc->peer);
	else
		log_info("session: '%s' from %s failed (%s)", bc->endpoint, bc->peer,
			 bs_session_reason(c->s));
}

/* Audit, detach from libcoap, park for release in the next poll. */
static void client_end(struct client *c)
{
	struct buf *rec = audit_record(c->bs);

	if (rec && bs_session_audit(c->s, rec) == 0)
		audit_emit(c->bs);
	client_log_end(c);
	/*
	 * libcoap has no call to cancel a confirmable request; with no
	 * retransmissions left it drops the one in flight at its next timer.
	 */
	if (c->in_flight)
		coap_session_set_max_retransmit(c->cs, 0);
	coap_session_set_app_data(c->cs, NULL);
	timer_clear(c->bs, c);
	ep_unlink(c->bs, c);
	list_remove(c);
	c->bs->n_active--;
	list_insert(&c->bs->ended, c);
}

static void client_fail(struct client *c, const char *reason)
{
	bs_session_fail(c->s, reason, now_ms());
	client_end(c);
}

static void client_release(struct client *c)
{
	bs_session_free(c->s);
	cred_provision_free(c->prov);
	/* The last session of a replaced policy frees it (STYLE rule 7). */
	policy_unref(c->pol);
	/*
	 * libcoap keeps an unreferenced server session for 300 s and walks
	 * every session on each turn of the loop: thousands of finished
	 * bootstraps made that walk most of lwbsd's CPU time (README.md,
	 * Performance). A client-type session is freed with its last
	 * reference instead (over DTLS, with a close_notify). Safe here:
	 * net_bootstrap_poll() runs outside libcoap's callbacks. Not while a
	 * newer bootstrap of the same client (a restart) owns the session.
	 */
	if (coap_session_get_app_data(c->cs) == NULL && coap_session_set_type_client(c->cs))
		coap_session_release(c->cs); /* the reference that call took */
	coap_session_release(c->cs);
	free(c);
}

static int pdu_add_path(coap_optlist_t **opts, const struct lwm2m_path *path)
{
	char seg[5];

	for (unsigned i = 0; i < path->depth; i++) {
		size_t n = path_format_id(seg, path->ids[i]);
		if (!coap_insert_optlist(opts, coap_new_optlist(COAP_OPTION_URI_PATH, n,
								 (const uint8_t *)seg)))
			return -ENOMEM;
	}
	return 0;
}

static int pdu_add_uint_opt(coap_optlist_t **opts, uint16_t num, unsigned val)
{
	uint8_t b[4];
	unsigned n = coap_encode_var_safe(b, sizeof(b), val);

	return coap_insert_optlist(opts, coap_new_optlist(num, n, b)) ? 0 : -ENOMEM;
}

/* Options of cmd, per Core TS 1.2 §6.1.7 (Bootstrap Interface operations). */
static int pdu_options(const struct plan_cmd *cmd, coap_optlist_t **opts)
{
	switch (cmd->op) {
	case PLAN_DISCOVER:
		return pdu_add_uint_opt(opts, COAP_OPTION_ACCEPT, LWM2M_FMT_LINK);
	case PLAN_DELETE:
		return pdu_add_path(opts, &cmd->path);
	case PLAN_WRITE:
		if (pdu_add_path(opts, &cmd->path) < 0)
			return -ENOMEM;
		return pdu_add_uint_opt(opts, COAP_OPTION_CONTENT_FORMAT, cmd->format);
	case PLAN_FINISH:
		return coap_insert_optlist(opts, coap_new_optlist(COAP_OPTION_URI_PATH, 2,
								  (const uint8_t *)"bs"))
			       ? 0
			       : -ENOMEM;
	}
	return -EINVAL;
}

static coap_pdu_code_t pdu_method(enum plan_op op)
{
	switch (op) {
	case PLAN_DISCOVER:
		return COAP_REQUEST_CODE_GET;
	case PLAN_DELETE:
		return COAP_REQUEST_CODE_DELETE;
	case PLAN_WRITE:
		return COAP_REQUEST_CODE_PUT;
	case PLAN_FINISH:
		break;
	}
	return COAP_REQUEST_CODE_POST;
}

static coap_pdu_t *pdu_build(struct client *c, const struct plan_cmd *cmd)
{
	coap_optlist_t *opts = NULL;
	coap_pdu_t *pdu;

	pdu = coap_new_pdu(COAP_MESSAGE_CON, pdu_method(cmd->op), c->cs);
	if (pdu == NULL)
		return NULL;
	coap_session_new_token(c->cs, &c->token_len, c->token);
	if (!coap_add_token(pdu, c->token_len, c->token) || pdu_options(cmd, &opts) < 0 ||
	    (opts && !coap_add_optlist_pdu(pdu, &opts)))
		goto fail;
	coap_delete_optlist(opts);
	opts = NULL;
	/* Large payloads (certificates) go block-wise (RFC 7959) through libcoap. */
	if (cmd->op == PLAN_WRITE &&
	    !coap_add_data_large_request(c->cs, pdu, cmd->payload.len, cmd->payload.data, NULL,
					 NULL))
		goto fail;
	return pdu;
fail:
	coap_delete_optlist(opts);
	coap_delete_pdu(pdu);
	return NULL;
}

/* Send the session's next command, or end the client when there is none. */
static void client_advance(struct client *c)
{
	const struct plan_cmd *cmd = bs_session_next(c->s);
	coap_pdu_t *pdu;

	if (cmd == NULL) {
		client_end(c);
		return;
	}
	pdu = pdu_build(c, cmd);
	if (pdu == NULL || coap_send(c->cs, pdu) == COAP_INVALID_MID) {
		client_fail(c, "cannot send request (out of memory or session closed)");
		return;
	}
	c->in_flight = true;
	c->in_flight_op = plan_op_name(cmd->op);
	timer_set(c->bs, c, now_ms() + c->bs->exchange_timeout_ms);
}

/* Copy the value of key in an URI query "a=1&b=2" into out; false when absent. */
static bool query_get(const coap_string_t *q, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	const char *p = q ? (const char *)q->s : NULL;
	const char *end = p ? p + q->length : NULL;

	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if ((size_t)(stop - p) > klen && memcmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t n = (size_t)(stop - p) - klen - 1;
			if (n >= cap)
				return false;
			memcpy(out, p + klen + 1, n);
			out[n] = '\0';
			return true;
		}
		p = amp ? amp + 1 : NULL;
	}
	return false;
}

/* Fill c from the request and its channel; returns the raw PSK identity, if any. */
/* The raw source address, for routing; IPv4-mapped IPv6 counts as IPv4 (RFC 4291 §2.5.5.2). */
static void client_peer_addr(const coap_address_t *a, struct bs_client *c)
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (a == NULL)
		return;
	if (a->addr.sa.sa_family == AF_INET) {
		c->peer_family = AF_INET;
		memcpy(c->peer_addr, &a->addr.sin.sin_addr, 4);
	} else if (a->addr.sa.sa_family == AF_INET6) {
		const uint8_t *b = a->addr.sin6.sin6_addr.s6_addr;
		bool mapped = memcmp(b, v4mapped, sizeof(v4mapped)) == 0;
		c->peer_family = mapped ? AF_INET : AF_INET6;
		memcpy(c->peer_addr, mapped ? b + 12 : b, mapped ? 4 : 16);
	}
}

static const coap_bin_const_t *client_describe(coap_session_t *cs, const coap_string_t *query,
					       struct bs_client *c)
{
	const coap_bin_const_t *id = NULL;
	char pct[8];

	memset(c, 0, sizeof(*c));
	c->started_unix_ms = wall_ms();
	net_addr_format(coap_session_get_addr_remote(cs), c->peer, sizeof(c->peer));
	client_peer_addr(coap_session_get_addr_remote(cs), c);
	if (!query_get(query, "ep", c->endpoint, sizeof(c->endpoint)))
		c->endpoint[0] = '\0';
	if (query_get(query, "pct", pct, sizeof(pct)))
		c->pct = (uint16_t)strtoul(pct, NULL, 10);
	c->auth = BS_AUTH_NOSEC;
	if (coap_session_get_proto(cs) == COAP_PROTO_DTLS) {
		id = coap_session_get_psk_identity(cs);
		if (id != NULL && id->length == 0)
			id = NULL; /* libcoap's empty identity of a certificate session */
		c->auth = id ? BS_AUTH_PSK : BS_AUTH_CERT;
		dtls_describe(cs, c->tls, sizeof(c->tls));
		if (id)
			encoding_escape(id->s, id->length, c->identity, sizeof(c->identity));
	}
	return id;
}

/* Admission by the certificate the handshake verified (BS_AUTH_CERT). */
static int admit_cert(coap_session_t *cs, const struct policy *pol, struct bs_client *c,
		      const struct policy_device **dev, const char **reason)
{
	struct cred_cert_facts f;

	if (dtls_peer_cert(cs, &f) < 0) {
		*reason = "DTLS session with neither a PSK identity nor a readable certificate";
		return -EACCES;
	}
	return admit_client_cert(pol, c, &f, dev, reason);
}

/* Admission by the raw public key the handshake proved (RFC 7250). */
static int admit_rpk(coap_session_t *cs, const struct policy *pol, struct bs_client *c,
		     const struct policy_device **dev, const char **reason)
{
	uint8_t spki[SPKI_MAX];
	size_t len;

	if (dtls_peer_rpk(cs, spki, sizeof(spki), &len) < 0) {
		*reason = "RPK session without a readable EC public key";
		return -EACCES;
	}
	dtls_rpk_fingerprint(spki, len, c->identity, sizeof(c->identity));
	return admit_client_rpk(pol, c, spki, len, dev, reason);
}

/* Which device c is, by the credential of its channel; as admit_client(). */
static int admit(struct net_bootstrap *bs, coap_session_t *cs, struct bs_client *c,
		 const coap_bin_const_t *id, const struct policy_device **dev, const char **reason)
{
	/* Only the RPK endpoint's context negotiates raw public keys (defect 9). */
	if (bs->ctx_rpk != NULL && coap_session_get_context(cs) == bs->ctx_rpk) {
		c->auth = BS_AUTH_RPK;
		return admit_rpk(cs, bs->pol, c, dev, reason);
	}
	if (c->auth == BS_AUTH_CERT)
		return admit_cert(cs, bs->pol, c, dev, reason);
	return admit_client(bs->pol, c, id ? id->s : NULL, id ? id->length : 0, dev, reason);
}

static void refuse(struct net_bootstrap *bs, const struct bs_client *c, const char *reason,
		   coap_pdu_t *resp)
{
	struct buf *rec = audit_record(bs);

	/* The client learns nothing beyond 4.00 (Transport TS 1.2 §5.2.1). */
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_BAD_REQUEST);
	log_info("session: refused '%s' from %s (%s)", c->endpoint[0] ? c->endpoint : "(no ep)",
		 c->peer, reason);
	if (rec && bs_audit_refusal(c, policy_version(bs->pol), reason, rec) == 0)
		audit_emit(bs);
}

/* A new Bootstrap-Request from an endpoint cancels its session in flight. */
static void cancel_previous(struct net_bootstrap *bs, coap_session_t *cs, const char *ep)
{
	struct client *c = coap_session_get_app_data(cs);

	if (c == NULL)
		c = ep_find(bs, ep);
	if (c)
		client_fail(c, "superseded by a new Bootstrap-Request");
}

static int client_start(struct net_bootstrap *bs, coap_session_t *cs, coap_mid_t mid,
			const struct bs_client *bc, const struct policy_device *dev)
{
	struct client *c = calloc(1, sizeof(*c));
	const struct targets_provider *prov;

	if (c == NULL)
		return -ENOMEM;
	if (cred_provision_new(&c->prov, &prov) < 0 ||
	    bs_session_new(bc, bs->pol, dev, now_ms(), &c->s) < 0) {
		cred_provision_free(c->prov);
		free(c);
		return -ENOMEM;
	}
	bs_session_set_provider(c->s, prov);
	c->bs = bs;
	c->cs = coap_session_reference(cs);
	c->pol = bs->pol;
	policy_ref(c->pol);
	c->request_mid = mid;
	coap_session_set_max_retransmit(cs, COAP_DEFAULT_MAX_RETRANSMIT);
	coap_session_set_app_data(cs, c);
	list_insert(&bs->active, c);
	bs->n_active++;
	ep_grow(bs);
	ep_link(bs, c);
	timer_set(bs, c, 0); /* started by the next poll */
	return 0;
}

static void on_bootstrap_request(coap_resource_t *r, coap_session_t *cs, const coap_pdu_t *req,
				 const coap_string_t *query, coap_pdu_t *resp)
{
	struct net_bootstrap *bs = coap_resource_get_userdata(r);
	struct client *prev = coap_session_get_app_data(cs);
	const struct policy_device *dev;
	const coap_bin_const_t *id;
	const char *reason;
	struct bs_client bc;

	/* A retransmission of the request that started this session: answer again, once. */
	if (prev && prev->request_mid == coap_pdu_get_mid(req)) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CHANGED);
		return;
	}
	id = client_describe(cs, query, &bc);
	if (coap_pdu_get_type(req) != COAP_MESSAGE_CON) {
		refuse(bs, &bc, "Bootstrap-Request was not confirmable", resp);
		return;
	}
	if (admit(bs, cs, &bc, id, &dev, &reason) < 0) {
		refuse(bs, &bc, reason, resp);
		return;
	}
	cancel_previous(bs, cs, bc.endpoint);
	if (client_start(bs, cs, coap_pdu_get_mid(req), &bc, dev) < 0) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_INTERNAL_ERROR);
		log_err("session: out of memory starting '%s'", bc.endpoint);
		return;
	}
	log_info("session: '%s' from %s admitted (%s%s%s%s%s)", bc.endpoint, bc.peer,
		 bs_auth_name(bc.auth), bc.identity[0] ? " identity " : "", bc.identity,
		 bc.tls[0] ? ", " : "", bc.tls);
	/* Commands start from the loop, after this 2.04 has gone out. */
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CHANGED);
}

/*
 * LwM2M 1.2 Bootstrap-Pack-Request (Core TS 1.2 §6.1.7.8). We do not build
 * packs; 4.04 makes Anjay and other 1.2 clients fall back to Bootstrap-Request.
 */
static void on_bspack_request(coap_resource_t *r, coap_session_t *cs, const coap_pdu_t *req,
			      const coap_string_t *query, coap_pdu_t *resp)
{
	(void)r;
	(void)cs;
	(void)req;
	(void)query;
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_NOT_FOUND);
}

static bool token_matches(const struct client *c, const coap_pdu_t *pdu)
{
	coap_bin_const_t t = coap_pdu_get_token(pdu);
	return t.length == c->token_len && memcmp(t.s, c->token, t.length) == 0;
}

static int response_cf(const coap_pdu_t *pdu)
{
	coap_opt_iterator_t it;
	coap_opt_t *o = coap_check_option(pdu, COAP_OPTION_CONTENT_FORMAT, &it);

	if (o == NULL)
		return -1;
	return (int)coap_decode_var_bytes(coap_opt_value(o), coap_opt_length(o));
}

static coap_response_t on_response(coap_session_t *cs, const coap_pdu_t *sent,
				   const coap_pdu_t *received, const coap_mid_t mid)
{
	struct client *c = coap_session_get_app_data(cs);
	const uint8_t *data = NULL;
	size_t len = 0, offset, total;

	(void)sent;
	(void)mid;
	if (c == NULL || !c->in_flight || !token_matches(c, received))
		return COAP_RESPONSE_OK; /* late answer to a cancelled session */
	if (!coap_get_data_large(received, &len, &data, &offset, &total))
		len = 0;
	c->in_flight = false;
	timer_clear(c->bs, c);
	bs_session_response(c->s, (uint8_t)coap_pdu_get_code(received), response_cf(received),
			    data, len, now_ms());
	client_advance(c);
	return COAP_RESPONSE_OK;
}

static const char *nack_reason(coap_nack_reason_t r)
{
	switch (r) {
	case COAP_NACK_TOO_MANY_RETRIES:
		return "client stopped answering (retransmissions exhausted)";
	case COAP_NACK_RST:
		return "client reset the request (RST)";
	case COAP_NACK_TLS_FAILED:
	case COAP_NACK_TLS_LAYER_FAILED:
		return "DTLS connection failed";
	default:
		break;
	}
	return "request could not be delivered";
}

static void on_nack(coap_session_t *cs, const coap_pdu_t *sent, const coap_nack_reason_t reason,
		    const coap_mid_t mid)
{
	struct client *c = coap_session_get_app_data(cs);

	(void)mid;
	if (c == NULL || !c->in_flight || (sent && !token_matches(c, sent)))
		return;
	client_fail(c, nack_reason(reason));
}

static int on_event(coap_session_t *cs, const coap_event_t event)
{
	struct client *c = coap_session_get_app_data(cs);

	if (c == NULL)
		return 0;
	if (event == COAP_EVENT_DTLS_CLOSED || event == COAP_EVENT_DTLS_ERROR ||
	    event == COAP_EVENT_SESSION_CLOSED || event == COAP_EVENT_TCP_CLOSED)
		client_fail(c, "connection closed by the client");
	return 0;
}

static void expire(struct client *c)
{
	char reason[96];

	snprintf(reason, sizeof(reason), "no response to %s within %llu s", c->in_flight_op,
		 (unsigned long long)(c->bs->exchange_timeout_ms / 1000));
	client_fail(c, reason);
}

int net_bootstrap_poll(struct net_bootstrap *bs)
{
	uint64_t now = now_ms(), wait = POLL_MAX_MS;
	struct client *c;

	while ((c = bs->ended) != NULL) {
		list_remove(c);
		client_release(c);
	}
	/* A started client goes back on the list with a deadline past now. */
	while ((c = bs->timer_head) != NULL && c->deadline_ms <= now) {
		timer_clear(bs, c);
		if (!c->started) {
			c->started = true;
			client_advance(c);
		} else if (c->in_flight) {
			expire(c);
		}
	}
	if (c && c->deadline_ms - now < wait)
		wait = c->deadline_ms - now;
	/* Before the wait: records of this turn's bootstraps go out now. */
	audit_check(linebuf_flush(&bs->audit));
	/* A just-ended client is released promptly. */
	return bs->ended ? 0 : (int)wait;
}

size_t net_bootstrap_active(const struct net_bootstrap *bs)
{
	return bs->n_active;
}

int net_bootstrap_psk_key(struct net_bootstrap *bs, const uint8_t *id, size_t id_len,
			  const uint8_t **key, size_t *key_len)
{
	const struct policy_device *d = policy_device_by_psk_identity(bs->pol, id, id_len);

	if (d == NULL || d->bootstrap != POLICY_CRED_PSK)
		return -ENOENT;
	*key = d->psk.key;
	*key_len = d->psk.key_len;
	return 0;
}

bool net_bootstrap_rpk_known(struct net_bootstrap *bs, const uint8_t *spki, size_t len)
{
	const struct policy_device *d = policy_device_by_rpk(bs->pol, spki, len);

	return d != NULL && d->bootstrap == POLICY_CRED_RPK;
}

static int audit_open(struct net_bootstrap *bs, const char *path)
{
	int fd;

	if (path == NULL || path[0] == '\0')
		return 0;
	if (strcmp(path, "-") == 0) {
		linebuf_init(&bs->audit, STDOUT_FILENO);
		return 0;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		log_err("audit: cannot open '%s' (%s)", path, strerror(errno));
		return -errno;
	}
	linebuf_init(&bs->audit, fd);
	return 0;
}

static void settings_apply(struct net_bootstrap *bs, const struct policy *pol)
{
	const struct policy_settings *st = policy_settings(pol);

	bs->exchange_timeout_ms = (uint64_t)st->exchange_timeout * 1000;
}

/* The Bootstrap interface's resources and handlers on ctx. Returns 0 or -ENOMEM. */
static int bootstrap_register(struct net_bootstrap *bs, coap_context_t *ctx)
{
	coap_resource_t *r = coap_resource_init(coap_make_str_const("bs"), 0);

	if (r == NULL)
		return -ENOMEM;
	coap_resource_set_userdata(r, bs);
	coap_register_request_handler(r, COAP_REQUEST_POST, on_bootstrap_request);
	coap_add_resource(ctx, r);
	r = coap_resource_init(coap_make_str_const("bspack"), 0);
	if (r == NULL)
		return -ENOMEM;
	coap_register_request_handler(r, COAP_REQUEST_GET, on_bspack_request);
	coap_add_resource(ctx, r);
	coap_register_response_handler(ctx, on_response);
	coap_register_nack_handler(ctx, on_nack);
	coap_register_event_handler(ctx, on_event);
	/*
	 * libcoap sends large Writes block-wise (RFC 7959). Without
	 * NO_PREEMPTIVE_RTAG it also adds a Request-Tag (RFC 9175 §3.2) to
	 * every request that fits one datagram: bytes and work for nothing,
	 * and an option number above 255 that constrained clients need not
	 * know. Block-wise requests still get one.
	 */
	coap_context_set_block_mode(ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY |
					      COAP_BLOCK_NO_PREEMPTIVE_RTAG);
	return 0;
}

int net_bootstrap_add_rpk_context(struct net_bootstrap *bs, coap_context_t *ctx)
{
	int rc = bootstrap_register(bs, ctx);

	if (rc == 0)
		bs->ctx_rpk = ctx;
	return rc;
}

int net_bootstrap_new(coap_context_t *ctx, const struct policy *pol, struct net_bootstrap **out)
{
	struct net_bootstrap *bs = calloc(1, sizeof(*bs));
	int rc;

	if (bs == NULL)
		return -ENOMEM;
	bs->ctx = ctx;
	bs->pol = pol;
	policy_ref(pol);
	linebuf_init(&bs->audit, -1);
	settings_apply(bs, pol);
	prng_pool.left = 0;
	coap_set_prng(prng_pooled);
	bs->ep_buckets = EP_BUCKETS_MIN;
	bs->by_ep = calloc(bs->ep_buckets, sizeof(*bs->by_ep));
	if (bs->by_ep == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = audit_open(bs, policy_settings(pol)->audit_log);
	if (rc < 0)
		goto fail;
	rc = bootstrap_register(bs, ctx);
	if (rc < 0)
		goto fail;
	*out = bs;
	return 0;
fail:
	net_bootstrap_free(bs);
	return rc;
}

void net_bootstrap_set_policy(struct net_bootstrap *bs, const struct policy *pol)
{
	/* Sessions in flight hold their own references to the old policy. */
	policy_ref(pol);
	policy_unref(bs->pol);
	bs->pol = pol;
	settings_apply(bs, pol);
}

void net_bootstrap_free(struct net_bootstrap *bs)
{
	if (bs == NULL)
		return;
	while (bs->active)
		client_fail(bs->active, "server shutting down");
	while (bs->ended) {
		struct client *c = bs->ended;
		list_remove(c);
		client_release(c);
	}
	audit_check(linebuf_flush(&bs->audit));
	if (bs->audit.fd > STDERR_FILENO)
		close(bs->audit.fd);
	buf_free(&bs->record);
	policy_unref(bs->pol);
	free(bs->by_ep);
	free(bs);
}
