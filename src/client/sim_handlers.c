/*
 * Answering the bootstrap server: one handler on the context's unknown
 * resource takes GET (Bootstrap-Discover), PUT (Bootstrap-Write), DELETE
 * (Bootstrap-Delete) and POST (Bootstrap-Finish on /bs) for every simulated
 * client; the session's app data says which client is addressed.
 */
#include "sim_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

/*
 * libcoap drops a response whose code has class 6 without sending it, and
 * without the empty ACK it would otherwise piggyback on: the server sees a
 * client that stopped answering. (handle_request() in coap_net.c, 4.3.5.)
 */
#define SIM_DROP_CODE 0xc0

/* One request from the server, as the handler needs it. */
struct request {
	coap_resource_t *r;
	coap_session_t *cs;
	const coap_pdu_t *req;
	coap_pdu_t *resp;
	coap_pdu_code_t method;
	bool is_bs;   /* Uri-Path is exactly "bs" */
	bool is_path; /* Uri-Path is an LwM2M path (possibly "/") */
	struct lwm2m_path path;
	char text[PATH_TEXT_MAX + 4];
	int format; /* Content-Format, -1: absent */
	int accept; /* Accept, -1: absent */
	const uint8_t *data;
	size_t len;
	char why[STORE_WHY_MAX];
};

static int opt_uint(const coap_pdu_t *pdu, coap_option_num_t num)
{
	coap_opt_iterator_t it;
	coap_opt_t *o = coap_check_option(pdu, num, &it);

	return o ? (int)coap_decode_var_bytes(coap_opt_value(o), coap_opt_length(o)) : -1;
}

/* Join the Uri-Path options into rq->text ("/" when none) and parse them. */
static void request_parse(const coap_pdu_t *req, struct request *rq)
{
	coap_opt_iterator_t it;
	coap_opt_filter_t f;
	coap_opt_t *o;
	size_t n = 0, cap = sizeof(rq->text);
	size_t total, offset;
	bool odd = false;

	memset(rq, 0, sizeof(*rq));
	coap_option_filter_clear(&f);
	coap_option_filter_set(&f, COAP_OPTION_URI_PATH);
	coap_option_iterator_init(req, &it, &f);
	while ((o = coap_option_next(&it)) != NULL && n < cap) {
		const char *seg = (const char *)coap_opt_value(o);
		size_t len = coap_opt_length(o);
		int w = snprintf(rq->text + n, cap - n, "/%.*s", (int)len, seg);

		/* A segment holding '/' or NUL must not pass for several. */
		if (memchr(seg, '/', len) || memchr(seg, '\0', len))
			odd = true;
		n = w < 0 ? cap : n + (size_t)w;
	}
	if (n == 0)
		strcpy(rq->text, "/");
	if (n < cap && !odd) {
		rq->is_bs = strcmp(rq->text, "/bs") == 0;
		rq->is_path = path_parse(rq->text, strlen(rq->text), &rq->path) == 0;
	}
	rq->method = coap_pdu_get_code(req);
	rq->format = opt_uint(req, COAP_OPTION_CONTENT_FORMAT);
	rq->accept = opt_uint(req, COAP_OPTION_ACCEPT);
	if (!coap_get_data_large(req, &rq->len, &rq->data, &offset, &total))
		rq->len = 0;
}

static void release_payload(coap_session_t *cs, void *payload)
{
	(void)cs;
	free(payload);
}

static unsigned do_discover(struct sim_client *c, struct request *rq)
{
	struct buf b = BUF_INIT;
	unsigned code;

	if (rq->accept >= 0 && rq->accept != LWM2M_FMT_LINK && c->version != LWM2M_V1_0) {
		snprintf(rq->why, sizeof(rq->why), "Accept %d is not link-format", rq->accept);
		return STORE_NOT_ACCEPTABLE;
	}
	code = store_discover(c->store, &rq->path, &b, rq->why);
	if (code != STORE_CONTENT) {
		buf_free(&b);
		return code;
	}
	coap_pdu_set_code(rq->resp, COAP_RESPONSE_CODE_CONTENT);
	/* Block2 when it does not fit one datagram; libcoap frees b.data when done. */
	if (!coap_add_data_large_response(rq->r, rq->cs, rq->req, rq->resp, NULL, LWM2M_FMT_LINK,
	                                  -1, 0, b.len, b.data, release_payload, b.data)) {
		snprintf(rq->why, sizeof(rq->why), "out of memory");
		return STORE_INTERNAL_ERROR;
	}
	return code;
}

static bool fail_write_listed(const struct sim_options *opt, const struct lwm2m_path *p)
{
	for (size_t i = 0; i < opt->n_fail_write; i++) {
		const struct lwm2m_path *f = &opt->fail_write[i];

		if (f->depth == p->depth &&
		    memcmp(f->ids, p->ids, p->depth * sizeof(p->ids[0])) == 0)
			return true;
	}
	return false;
}

static unsigned do_write(struct sim_client *c, struct request *rq)
{
	c->last_format = rq->format;
	if (fail_write_listed(c->sim->opt, &rq->path)) {
		snprintf(rq->why, sizeof(rq->why), "refused as asked by --fail-write");
		return STORE_BAD_REQUEST;
	}
	return store_write(c->store, &rq->path, rq->format, rq->data, rq->len, rq->why);
}

static unsigned do_finish(struct sim_client *c, struct request *rq)
{
	return store_finish(c->store, rq->why);
}

static const char *op_name(const struct request *rq)
{
	switch (rq->method) {
	case COAP_REQUEST_CODE_GET:
		return "discover";
	case COAP_REQUEST_CODE_PUT:
		return "write";
	case COAP_REQUEST_CODE_DELETE:
		return "delete";
	default:
		return rq->is_bs ? "finish" : "execute";
	}
}

/* The answer to rq; 4.04 for a Uri-Path that is neither an LwM2M path nor /bs. */
static unsigned dispatch(struct sim_client *c, struct request *rq)
{
	if (rq->method == COAP_REQUEST_CODE_POST && rq->is_bs)
		return do_finish(c, rq);
	if (rq->method == COAP_REQUEST_CODE_POST && rq->is_path) {
		snprintf(rq->why, sizeof(rq->why), "no Execute during bootstrap");
		return STORE_NOT_ALLOWED;
	}
	if (!rq->is_path) {
		snprintf(rq->why, sizeof(rq->why), "no such resource");
		return STORE_NOT_FOUND;
	}
	if (rq->method == COAP_REQUEST_CODE_GET)
		return do_discover(c, rq);
	if (rq->method == COAP_REQUEST_CODE_PUT)
		return do_write(c, rq);
	return store_delete(c->store, &rq->path, rq->why);
}

/* What answering rq with code means for c's state. */
static void after_answer(struct sim_client *c, const struct request *rq, const char *op,
                         unsigned code)
{
	const struct sim_options *opt = c->sim->opt;
	char text[STORE_CODE_TEXT], reason[sizeof(c->reason)];

	if (code >= 0x80)
		log_info("client: '%s' answered %s to %s %s (%s)", c->label,
		         store_code_text(code, text), op, rq->text, rq->why);
	if (c->state != SIM_REQUESTING && c->state != SIM_BOOTSTRAPPING)
		return;
	if (strcmp(op, "finish") == 0) {
		snprintf(reason, sizeof(reason), "Bootstrap-Finish answered %s%s%s",
		         store_code_text(code, text), code == STORE_CHANGED ? "" : ": ",
		         code == STORE_CHANGED ? "" : rq->why);
		sim_client_enter(c, code == STORE_CHANGED ? SIM_DONE : SIM_FAILED, reason);
		return;
	}
	if (c->state == SIM_REQUESTING)
		sim_client_enter(c, SIM_BOOTSTRAPPING, NULL);
	if (!c->restarted && opt->restart_after != SIM_OFF && c->answered >= opt->restart_after)
		c->restart_pending = true;
}

static bool should_drop(struct sim_client *c, bool retransmission)
{
	long limit = c->sim->opt->stall_after;

	if (c->state == SIM_STALLED)
		return true;
	if (retransmission || limit == SIM_OFF || c->answered < limit)
		return false;
	if (c->state == SIM_REQUESTING || c->state == SIM_BOOTSTRAPPING)
		sim_client_enter(c, SIM_STALLED, NULL);
	return c->state == SIM_STALLED;
}

static void on_request(coap_resource_t *r, coap_session_t *cs, const coap_pdu_t *req,
                       const coap_string_t *query, coap_pdu_t *resp)
{
	struct sim_client *c = coap_session_get_app_data(cs);
	coap_mid_t mid = coap_pdu_get_mid(req);
	bool retransmission;
	struct request rq;
	unsigned code;

	(void)query;
	if (c == NULL) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_NOT_FOUND);
		return;
	}
	retransmission = c->answered > 0 && mid == c->last_mid;
	request_parse(req, &rq);
	if (should_drop(c, retransmission)) {
		coap_pdu_set_code(resp, SIM_DROP_CODE);
		if (mid != c->last_mid)
			sim_client_log_op(c, op_name(&rq), rq.text, -1, 0, NULL);
		c->last_mid = mid;
		return;
	}
	rq.r = r;
	rq.cs = cs;
	rq.req = req;
	rq.resp = resp;
	/* A slow device, for tests of sessions in flight (e.g. across a reload). */
	if (c->sim->opt->delay_ms > 0 && !retransmission)
		nanosleep(&(struct timespec){c->sim->opt->delay_ms / 1000,
		                             (c->sim->opt->delay_ms % 1000) * 1000000L},
		          NULL);
	code = dispatch(c, &rq);
	coap_pdu_set_code(resp, (coap_pdu_code_t)code);
	if (retransmission)
		return;
	c->last_mid = mid;
	c->answered++;
	sim_client_log_op(c, op_name(&rq), rq.text,
	                  rq.method == COAP_REQUEST_CODE_PUT ? rq.format : -1, code,
	                  code >= 0x80 ? rq.why : NULL);
	after_answer(c, &rq, op_name(&rq), code);
}

int sim_handlers_register(coap_context_t *ctx)
{
	coap_resource_t *r = coap_resource_unknown_init2(on_request, 0);

	if (r == NULL)
		return -ENOMEM;
	coap_register_request_handler(r, COAP_REQUEST_GET, on_request);
	coap_register_request_handler(r, COAP_REQUEST_DELETE, on_request);
	coap_register_request_handler(r, COAP_REQUEST_POST, on_request);
	coap_add_resource(ctx, r);
	return 0;
}
