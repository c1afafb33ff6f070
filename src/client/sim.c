/*
 * The client simulator's shell: the libcoap context, one session per
 * client, the Bootstrap-Request and its answer, the loop and its deadline.
 * Answering the server lives in sim_handlers.c, the report in sim_report.c.
 */
#include "sim_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cred/mint.h"
#include "net/addr.h"
#include "net/coaplog.h"
#include "util/log.h"

#define LOOP_MAX_MS 1000

static const char *const state_names[] = {
	[SIM_REQUESTING] = "requesting", [SIM_BOOTSTRAPPING] = "bootstrapping",
	[SIM_STALLED] = "stalled", [SIM_DONE] = "done", [SIM_FAILED] = "failed",
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool client_ended(const struct sim_client *c)
{
	return c->state == SIM_DONE || c->state == SIM_FAILED;
}

void sim_client_enter(struct sim_client *c, enum sim_state st, const char *reason)
{
	enum sim_state old = c->state;

	/* A finished or failed client stays so; its verdict is in the report. */
	if (old == st || client_ended(c))
		return;
	c->state = st;
	if (reason)
		snprintf(c->reason, sizeof(c->reason), "%s", reason);
	log_info("client: '%s' %s -> %s%s%s%s", c->label, state_names[old],
	         state_names[st], reason ? " (" : "", reason ? reason : "", reason ? ")" : "");
	if (client_ended(c)) {
		c->sim->pending--;
		if (c->sim->on_end)
			c->sim->on_end(c);
	}
}

int sim_client_log_op(struct sim_client *c, const char *op, const char *path, int format,
                      unsigned code, const char *why)
{
	struct sim_op *o;

	if (c->n_ops == c->cap_ops) {
		size_t cap = c->cap_ops ? 2 * c->cap_ops : 16;
		struct sim_op *a = realloc(c->ops, cap * sizeof(*a));
		if (a == NULL) {
			log_err("client: out of memory recording '%s %s'", op, path);
			return -ENOMEM;
		}
		c->ops = a;
		c->cap_ops = cap;
	}
	o = &c->ops[c->n_ops];
	o->op = op;
	snprintf(o->path, sizeof(o->path), "%s", path);
	o->format = format;
	o->code = code;
	snprintf(o->why, sizeof(o->why), "%s", why ? why : "");
	c->n_ops++;
	return 0;
}

/* Security Mode (/0/x/2) of the bootstrap account: PSK, certificate, RPK or NoSec. */
static int account_mode(const struct sim_options *opt, bool psk)
{
	if (psk)
		return 0;
	if (opt->cert_file || opt->issuer_cert)
		return 2;
	return opt->rpk_key ? 1 : 3;
}

int sim_client_reset_store(struct sim_client *c)
{
	const struct sim_options *opt = c->sim->opt;
	bool psk = c->identity[0] != '\0';
	struct store_config cfg = {
	    .version = c->version,
	    .bootstrap_iid = opt->bootstrap_iid,
	    .bootstrap_uri = opt->server_uri,
	    .security_mode = account_mode(opt, psk),
	    .psk_identity = (const uint8_t *)c->identity,
	    .psk_identity_len = strlen(c->identity),
	    .psk_key = opt->psk_key,
	    .psk_key_len = opt->psk_key_len,
	};
	struct store *s;
	int rc = store_new(&cfg, &s);

	if (rc < 0)
		return rc;
	store_free(c->store);
	c->store = s;
	return 0;
}

static int add_opt(coap_optlist_t **opts, coap_option_num_t num, const char *val)
{
	coap_optlist_t *o = coap_new_optlist(num, strlen(val), (const uint8_t *)val);

	return o && coap_insert_optlist(opts, o) ? 0 : -ENOMEM;
}

/* Options of POST /bs?ep=NAME&pct=FMT (Core TS 1.2 §6.1.7.1; pct since 1.1). */
static int request_options(const struct sim_client *c, coap_optlist_t **opts)
{
	char q[sizeof(c->endpoint) + 4];
	int rc = add_opt(opts, COAP_OPTION_URI_PATH, "bs");

	if (rc == 0 && c->endpoint[0] != '\0') {
		snprintf(q, sizeof(q), "ep=%s", c->endpoint);
		rc = add_opt(opts, COAP_OPTION_URI_QUERY, q);
	}
	if (rc == 0 && c->format >= 0 && c->version >= LWM2M_V1_1) {
		snprintf(q, sizeof(q), "pct=%d", c->format);
		rc = add_opt(opts, COAP_OPTION_URI_QUERY, q);
	}
	return rc;
}

static int send_request(struct sim_client *c)
{
	coap_pdu_t *pdu = coap_new_pdu(COAP_MESSAGE_CON, COAP_REQUEST_CODE_POST, c->cs);
	coap_optlist_t *opts = NULL;
	int rc = -ENOMEM;

	if (pdu == NULL)
		return -ENOMEM;
	coap_session_new_token(c->cs, &c->token_len, c->token);
	if (!coap_add_token(pdu, c->token_len, c->token) || request_options(c, &opts) < 0 ||
	    !coap_add_optlist_pdu(pdu, &opts))
		goto fail;
	coap_delete_optlist(opts);
	/* coap_send() takes the PDU, also when it fails. */
	if (coap_send(c->cs, pdu) == COAP_INVALID_MID)
		return -EIO;
	c->request_op = -1;
	if (sim_client_log_op(c, "bootstrap-request", "/bs", -1, 0, NULL) == 0)
		c->request_op = (int)c->n_ops - 1;
	return 0;
fail:
	coap_delete_optlist(opts);
	coap_delete_pdu(pdu);
	return rc;
}

static bool token_matches(const struct sim_client *c, const coap_pdu_t *pdu)
{
	coap_bin_const_t t = coap_pdu_get_token(pdu);

	return t.length == c->token_len && memcmp(t.s, c->token, t.length) == 0;
}

static coap_response_t on_response(coap_session_t *cs, const coap_pdu_t *sent,
                                   const coap_pdu_t *received, const coap_mid_t mid)
{
	struct sim_client *c = coap_session_get_app_data(cs);
	unsigned code = coap_pdu_get_code(received);
	char text[STORE_CODE_TEXT], reason[64];

	(void)sent;
	(void)mid;
	/* Not ours, or the answer to a Bootstrap-Request a restart replaced. */
	if (c == NULL || !token_matches(c, received))
		return COAP_RESPONSE_OK;
	if (c->request_op >= 0)
		c->ops[c->request_op].code = code;
	if (code == COAP_RESPONSE_CODE_CHANGED) {
		if (c->state == SIM_REQUESTING)
			sim_client_enter(c, SIM_BOOTSTRAPPING, NULL);
		return COAP_RESPONSE_OK;
	}
	snprintf(reason, sizeof(reason), "Bootstrap-Request answered %s",
	         store_code_text(code, text));
	sim_client_enter(c, SIM_FAILED, reason);
	return COAP_RESPONSE_OK;
}

static const char *nack_reason(coap_nack_reason_t r)
{
	switch (r) {
	case COAP_NACK_TOO_MANY_RETRIES:
		return "no answer to the Bootstrap-Request (retransmissions exhausted)";
	case COAP_NACK_RST:
		return "the server reset the Bootstrap-Request (RST)";
	case COAP_NACK_TLS_FAILED:
	case COAP_NACK_TLS_LAYER_FAILED:
		return "DTLS handshake failed";
	case COAP_NACK_NOT_DELIVERABLE:
	case COAP_NACK_ICMP_ISSUE:
		return "Bootstrap-Request not deliverable (ICMP error: is the server running?)";
	default:
		return "Bootstrap-Request could not be delivered";
	}
}

static void on_nack(coap_session_t *cs, const coap_pdu_t *sent, const coap_nack_reason_t reason,
                    const coap_mid_t mid)
{
	struct sim_client *c = coap_session_get_app_data(cs);

	(void)mid;
	if (c == NULL || (sent && !token_matches(c, sent)))
		return;
	sim_client_enter(c, SIM_FAILED, nack_reason(reason));
}

static int on_event(coap_session_t *cs, const coap_event_t event)
{
	struct sim_client *c = coap_session_get_app_data(cs);

	if (c == NULL)
		return 0;
	if (event == COAP_EVENT_DTLS_ERROR)
		sim_client_enter(c, SIM_FAILED, "DTLS handshake failed");
	else if (event == COAP_EVENT_DTLS_CLOSED || event == COAP_EVENT_SESSION_CLOSED)
		sim_client_enter(c, SIM_FAILED, "the server closed the session");
	return 0;
}

/* Demote libcoap's note about our deliberately dropped responses (--stall-after). */
static void coap_log_to_ours(coap_log_t level, const char *message)
{
	if (strstr(message, "Invalid PDU response code (6.00)"))
		level = COAP_LOG_DEBUG;
	coaplog_emit(level, message);
}

/* Resolve the bootstrap server URI. Returns 0, -EINVAL (logged) or -ENOMEM. */
static int resolve_server(const char *uri_text, coap_address_t *dst, coap_proto_t *proto,
                          char host[256])
{
	coap_addr_info_t *ai;
	coap_uri_t uri;

	if (coap_split_uri((const uint8_t *)uri_text, strlen(uri_text), &uri) < 0 ||
	    (uri.scheme != COAP_URI_SCHEME_COAP && uri.scheme != COAP_URI_SCHEME_COAPS) ||
	    uri.host.length == 0 || uri.host.length >= 256) {
		log_err("client: invalid server URI '%s' (expected coap:// or coaps://)", uri_text);
		return -EINVAL;
	}
	memcpy(host, uri.host.s, uri.host.length);
	host[uri.host.length] = '\0';
	ai = coap_resolve_address_info(&uri.host, uri.port, uri.port, 0, 0, 0, 1 << uri.scheme,
	                               COAP_RESOLVE_TYPE_REMOTE);
	if (ai == NULL) {
		log_err("client: cannot resolve '%s'", host);
		return -EINVAL;
	}
	*dst = ai->addr;
	*proto = ai->proto;
	coap_free_address_info(ai);
	return 0;
}

/*
 * --bind: the local address of every session, in the server's family (a
 * mismatch would only fail each session). Returns 0 or -EINVAL (logged).
 */
static int local_setup(const struct sim_options *opt, const coap_address_t *dst,
                       coap_address_t *local)
{
	int family = dst->addr.sa.sa_family;

	if (net_addr_parse(opt->bind_addr, opt->bind_port, local) < 0 ||
	    local->addr.sa.sa_family != family) {
		log_err("client: --bind address '%s' is not an %s address like the server's",
		        opt->bind_addr, family == AF_INET ? "IPv4" : "IPv6");
		return -EINVAL;
	}
	return 0;
}

int sim_client_mint(struct sim_client *c)
{
	struct sim *sim = c->sim;
	const struct sim_options *opt = sim->opt;
	int rc;

	sim->issued_for = NULL;
	if (sim->issued == NULL && (sim->issued = malloc(sizeof(*sim->issued))) == NULL)
		return -ENOMEM;
	rc = cred_issue(opt->issuer_cert, opt->issuer_cert_len, opt->issuer_key,
	                opt->issuer_key_len, c->endpoint, 7, sim->issued);
	if (rc < 0) {
		log_err("client: %s: cannot mint its certificate (%s)", c->label, strerror(-rc));
		return rc;
	}
	sim->issued_for = c;
	return 0;
}

/*
 * The certificate a client presents: opt's PEM files, or one minted for it
 * by opt's issuer, handed over as DER buffers (not PEM buffers:
 * include/net/dtls.h, defect 3). Returns 0 or a negative errno.
 */
static int client_pki_key(struct sim *sim, struct sim_client *c, coap_dtls_key_t *key)
{
	const struct sim_options *opt = sim->opt;
	coap_pki_key_define_t *d = &key->key.define;
	int rc;

	memset(key, 0, sizeof(*key));
	if (opt->issuer_cert == NULL) {
		key->key_type = COAP_PKI_KEY_PEM;
		key->key.pem.public_cert = opt->cert_file;
		key->key.pem.private_key = opt->key_file;
		key->key.pem.ca_file = opt->ca_file;
		return 0;
	}
	if (sim->issued_for != c && (rc = sim_client_mint(c)) < 0)
		return rc;
	sim->issued_for = NULL;
	key->key_type = COAP_PKI_KEY_DEFINE;
	d->public_cert.u_byte = sim->issued->cert;
	d->public_cert_len = sim->issued->cert_len;
	d->public_cert_def = COAP_PKI_KEY_DEF_DER_BUF;
	d->private_key.u_byte = sim->issued->key;
	d->private_key_len = sim->issued->key_len;
	d->private_key_def = COAP_PKI_KEY_DEF_DER_BUF;
	d->private_key_type = COAP_ASN1_PKEY_EC;
	d->ca.s_byte = opt->ca_file;
	d->ca_def = COAP_PKI_KEY_DEF_PEM;
	return 0;
}

/* Certificate mode. */
static coap_session_t *open_session_pki(struct sim *sim, struct sim_client *c,
                                        const coap_address_t *dst, coap_proto_t proto, char *host)
{
	const struct sim_options *opt = sim->opt;
	coap_dtls_pki_t pki;

	memset(&pki, 0, sizeof(pki));
	pki.version = COAP_DTLS_PKI_SETUP_VERSION;
	pki.verify_peer_cert = opt->ca_file != NULL;
	pki.check_common_ca = opt->ca_file != NULL;
	pki.cert_chain_validation = 1;
	pki.cert_chain_verify_depth = 3;
	pki.client_sni = host;
	if (client_pki_key(sim, c, &pki.pki_key) < 0)
		return NULL;
	return coap_new_client_session_pki(sim->ctx, sim->local, dst, proto, &pki);
}

/*
 * RPK mode (RFC 7250). coap_dtls_rpk_is_supported() says no for wolfSSL
 * (net/dtls.h defect 4), but the backend does it: with is_rpk_not_cert,
 * COAP_PKI_KEY_PEM_BUF becomes an RPK buffer from which libcoap derives the
 * public key it sends.
 */
static coap_session_t *open_session_rpk(struct sim *sim, const coap_address_t *dst,
                                        coap_proto_t proto, char *host)
{
	const struct sim_options *opt = sim->opt;
	coap_dtls_pki_t pki;

	memset(&pki, 0, sizeof(pki));
	pki.version = COAP_DTLS_PKI_SETUP_VERSION;
	pki.is_rpk_not_cert = 1;
	pki.client_sni = host;
	pki.pki_key.key_type = COAP_PKI_KEY_PEM_BUF;
	pki.pki_key.key.pem_buf.public_cert = opt->rpk_key;
	pki.pki_key.key.pem_buf.public_cert_len = opt->rpk_key_len;
	pki.pki_key.key.pem_buf.private_key = opt->rpk_key;
	pki.pki_key.key.pem_buf.private_key_len = opt->rpk_key_len;
	return coap_new_client_session_pki(sim->ctx, sim->local, dst, proto, &pki);
}

static coap_session_t *open_session(struct sim *sim, struct sim_client *c,
                                    const coap_address_t *dst, coap_proto_t proto, char *host)
{
	const struct sim_options *opt = sim->opt;
	coap_dtls_cpsk_t psk;

	if (proto != COAP_PROTO_DTLS)
		return coap_new_client_session(sim->ctx, sim->local, dst, proto);
	if (opt->cert_file || opt->issuer_cert)
		return open_session_pki(sim, c, dst, proto, host);
	if (opt->rpk_key)
		return open_session_rpk(sim, dst, proto, host);
	memset(&psk, 0, sizeof(psk));
	psk.version = COAP_DTLS_CPSK_SETUP_VERSION;
	psk.client_sni = host;
	psk.psk_info.identity.s = (const uint8_t *)c->identity;
	psk.psk_info.identity.length = strlen(c->identity);
	psk.psk_info.key.s = opt->psk_key;
	psk.psk_info.key.length = opt->psk_key_len;
	return coap_new_client_session_psk2(sim->ctx, sim->local, dst, proto, &psk);
}

/* base, or base-i for one of several clients. */
static void client_name(char *out, size_t cap, const char *base, bool numbered, size_t i)
{
	if (numbered)
		snprintf(out, cap, "%s-%zu", base, i);
	else
		snprintf(out, cap, "%s", base);
}

/* Names, store, session and Bootstrap-Request of client i; failures fail the client. */
static int client_start(struct sim *sim, size_t i, const coap_address_t *dst, coap_proto_t proto,
                        char *host)
{
	const struct sim_options *opt = sim->opt;
	struct sim_client *c = &sim->clients[i];
	bool many = opt->clients > 1;

	c->sim = sim;
	c->index = (unsigned)i;
	c->version = opt->version;
	c->format = opt->format;
	if (!opt->no_ep)
		client_name(c->endpoint, sizeof(c->endpoint), opt->endpoint, many, i);
	if (proto == COAP_PROTO_DTLS && opt->psk_identity)
		client_name(c->identity, sizeof(c->identity), opt->psk_identity,
		            many && !opt->psk_shared, i);
	snprintf(c->label, sizeof(c->label), "%s", c->endpoint[0] ? c->endpoint : c->identity);
	if (c->label[0] == '\0')
		snprintf(c->label, sizeof(c->label), "client #%zu", i);
	return sim_client_begin(c, dst, proto, host);
}

int sim_client_begin(struct sim_client *c, const coap_address_t *dst, coap_proto_t proto,
                     char *host)
{
	struct sim *sim = c->sim;

	c->last_format = -1;
	c->request_op = -1;
	c->state = SIM_REQUESTING;
	sim->pending++;
	if (sim_client_reset_store(c) < 0)
		return -ENOMEM;
	c->cs = open_session(sim, c, dst, proto, host);
	if (c->cs == NULL) {
		sim_client_enter(c, SIM_FAILED, "cannot open a session to the server");
		return 0;
	}
	coap_session_set_app_data(c->cs, c);
	if (send_request(c) < 0)
		sim_client_enter(c, SIM_FAILED, "cannot send the Bootstrap-Request");
	return 0;
}

static void client_restart(struct sim_client *c)
{
	char reason[64];

	c->restart_pending = false;
	c->restarted = true;
	if (client_ended(c))
		return;
	snprintf(reason, sizeof(reason), "new Bootstrap-Request after %ld requests, as asked",
	         c->answered);
	sim_client_enter(c, SIM_REQUESTING, reason);
	if (sim_client_reset_store(c) < 0 || send_request(c) < 0)
		sim_client_enter(c, SIM_FAILED, "cannot send the new Bootstrap-Request");
}

static void fail_pending(struct sim *sim, const char *why)
{
	char reason[sizeof(sim->clients[0].reason)];

	for (size_t i = 0; i < sim->n; i++) {
		struct sim_client *c = &sim->clients[i];

		if (client_ended(c))
			continue;
		snprintf(reason, sizeof(reason), "%s while %s, after %ld requests", why,
		         state_names[c->state], c->answered);
		sim_client_enter(c, SIM_FAILED, reason);
	}
}

static void sim_loop(struct sim *sim)
{
	uint64_t deadline = now_ms() + (uint64_t)sim->opt->timeout_s * 1000;
	char why[48];

	while (sim->pending > 0) {
		uint64_t now = now_ms();
		uint64_t wait = deadline > now ? deadline - now : 0;

		if (wait == 0) {
			snprintf(why, sizeof(why), "no Bootstrap-Finish within %u s",
			         sim->opt->timeout_s);
			fail_pending(sim, why);
			return;
		}
		if (coap_io_process(sim->ctx, wait < LOOP_MAX_MS ? (uint32_t)wait : LOOP_MAX_MS) <
		        0 &&
		    errno != EINTR) {
			fail_pending(sim, "event loop failed");
			return;
		}
		/* Restarts wait for the loop so that the answer that triggered them went first. */
		for (size_t i = 0; i < sim->n; i++)
			if (sim->clients[i].restart_pending)
				client_restart(&sim->clients[i]);
	}
}

static int sim_setup(struct sim *sim)
{
	coap_startup();
	coaplog_install();
	coap_set_log_handler(coap_log_to_ours);
	sim->ctx = coap_new_context(NULL);
	sim->clients = calloc(sim->opt->clients, sizeof(*sim->clients));
	if (sim->ctx == NULL || sim->clients == NULL || sim_handlers_register(sim->ctx) < 0)
		return -ENOMEM;
	coap_register_response_handler(sim->ctx, on_response);
	coap_register_nack_handler(sim->ctx, on_nack);
	coap_register_event_handler(sim->ctx, on_event);
	/*
	 * Writes of certificates arrive block-wise; libcoap reassembles them.
	 * No Request-Tag on a Bootstrap-Request, as real clients send none.
	 */
	coap_context_set_block_mode(sim->ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY |
						  COAP_BLOCK_NO_PREEMPTIVE_RTAG);
	return 0;
}

static void sim_teardown(struct sim *sim)
{
	for (size_t i = 0; sim->clients && i < sim->n; i++) {
		struct sim_client *c = &sim->clients[i];

		if (c->cs) {
			coap_session_set_app_data(c->cs, NULL);
			coap_session_release(c->cs);
		}
		store_free(c->store);
		free(c->ops);
	}
	free(sim->clients);
	if (sim->ctx)
		coap_free_context(sim->ctx);
	if (sim->issued) {
		cred_wipe(sim->issued, sizeof(*sim->issued));
		free(sim->issued);
		sim->issued = NULL;
	}
	coap_cleanup();
}

static int sim_print(const struct sim *sim, FILE *out, unsigned *failed)
{
	struct buf b = BUF_INIT;
	unsigned bad = 0;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sim->n; i++) {
		rc = sim_report_client(&sim->clients[i], &b);
		bad += sim->clients[i].state != SIM_DONE;
	}
	if (rc == 0 && sim->n > 1)
		rc = sim_report_summary(sim, &b);
	if (rc == 0 && (fwrite(b.data, 1, b.len, out) != b.len || fflush(out) != 0))
		rc = -EIO;
	buf_free(&b);
	if (rc == 0)
		*failed = bad;
	return rc;
}

int sim_run(const struct sim_options *opt, FILE *out, unsigned *failed)
{
	struct sim sim = {.opt = opt};
	coap_address_t dst, local;
	coap_proto_t proto;
	char host[256];
	int rc = sim_setup(&sim);

	if (rc == 0)
		rc = resolve_server(opt->server_uri, &dst, &proto, host);
	if (rc == 0 && opt->bind_addr) {
		rc = local_setup(opt, &dst, &local);
		sim.local = &local;
	}
	for (size_t i = 0; rc == 0 && i < opt->clients; i++) {
		sim.n = i + 1;
		rc = client_start(&sim, i, &dst, proto, host);
	}
	if (rc == 0) {
		sim_loop(&sim);
		rc = sim_print(&sim, out, failed);
	}
	if (rc == -ENOMEM)
		log_err("client: out of memory");
	sim_teardown(&sim);
	return rc;
}

int sim_open(struct sim *sim)
{
	return sim_setup(sim);
}

void sim_close(struct sim *sim)
{
	sim_teardown(sim);
}

int sim_resolve(const char *uri_text, coap_address_t *dst, coap_proto_t *proto, char host[256])
{
	return resolve_server(uri_text, dst, proto, host);
}
