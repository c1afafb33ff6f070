/*
 * The bootstrap session state machine. Every state change goes through
 * session_enter(), which logs "old -> new" at debug level.
 */
#include "session/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/json.h"

#include "lwm2m/linkformat.h"
#include "lwm2m/path.h"
#include "policy/policy.h"
#include "session/targets.h"
#include "util/log.h"
#include "util/timefmt.h"

#define SESSION_MAX_OPS 64

struct op_record {
	enum plan_op op;
	struct lwm2m_path path;
	uint8_t code; /* 0: no response */
};

struct bs_session {
	struct bs_client client;
	const struct policy *pol;
	const struct policy_device *dev;
	enum bs_state state;
	uint64_t started_ms;
	uint64_t ended_ms;
	char reason[160];
	struct plan_cmd discover;
	struct plan_target targets[TARGETS_MAX];
	struct plan plan;
	size_t next; /* index into plan.cmds of the command to send */
	bool awaiting;
	struct op_record ops[SESSION_MAX_OPS];
	size_t n_ops;
	const struct targets_provider *provider; /* generated credentials; may be NULL */
};

static const char *const state_names[] = {
	[BS_DISCOVERING] = "discovering", [BS_DELETING] = "deleting", [BS_WRITING] = "writing",
	[BS_FINISHING] = "finishing",     [BS_DONE] = "done",         [BS_FAILED] = "failed",
};

const char *bs_state_name(enum bs_state st)
{
	return state_names[st];
}

const char *bs_auth_name(enum bs_auth a)
{
	static const char *const names[] = {"nosec", "psk", "certificate", "rpk"};
	return names[a];
}

static void session_enter(struct bs_session *s, enum bs_state st)
{
	if (s->state == st)
		return;
	log_debug("session: '%s' %s -> %s", s->client.endpoint, state_names[s->state],
		  state_names[st]);
	s->state = st;
}

int bs_session_new(const struct bs_client *client, const struct policy *pol,
		   const struct policy_device *dev, uint64_t now_ms, struct bs_session **out)
{
	struct bs_session *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -ENOMEM;
	s->client = *client;
	s->pol = pol;
	s->dev = dev;
	s->started_ms = now_ms;
	s->discover.op = PLAN_DISCOVER;
	s->state = BS_DISCOVERING;
	*out = s;
	return 0;
}

void bs_session_set_provider(struct bs_session *s, const struct targets_provider *p)
{
	s->provider = p;
}

void bs_session_fail(struct bs_session *s, const char *reason, uint64_t now_ms)
{
	if (s->state == BS_DONE || s->state == BS_FAILED)
		return;
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	s->ended_ms = now_ms;
	s->awaiting = false;
	session_enter(s, BS_FAILED);
}

static enum bs_state state_for(enum plan_op op)
{
	switch (op) {
	case PLAN_DISCOVER:
		return BS_DISCOVERING;
	case PLAN_DELETE:
		return BS_DELETING;
	case PLAN_WRITE:
		return BS_WRITING;
	case PLAN_FINISH:
		break;
	}
	return BS_FINISHING;
}

/* Build the plan from what Discover told us (d may be NULL). */
static void session_plan(struct bs_session *s, const struct discover_result *d, uint64_t now)
{
	struct targets_query q = {s->pol, s->dev, &s->client, d ? d->version : LWM2M_V1_0,
				  d != NULL, s->provider};
	struct plan_input in = {
		.settings = policy_settings(s->pol),
		.targets = s->targets,
		.endpoint = s->client.endpoint,
		.pct = s->client.pct,
		.discover = d,
	};
	const char *reason = NULL;
	int rc = targets_resolve(&q, s->targets, &in.n_targets, &reason);

	if (rc == 0)
		rc = plan_build(&in, &s->plan);
	if (rc < 0) {
		if (reason == NULL)
			reason = rc == -ENOSPC ? "client has no free instance ID for the servers"
					       : "policy gives this device nothing to write";
		bs_session_fail(s, reason, now);
		return;
	}
	s->next = 0;
}

const struct plan_cmd *bs_session_next(struct bs_session *s)
{
	const struct plan_cmd *cmd;

	if (s->state == BS_DONE || s->state == BS_FAILED)
		return NULL;
	if (s->state == BS_DISCOVERING && s->plan.cmds == NULL) {
		if (policy_settings(s->pol)->discover) {
			cmd = &s->discover;
			goto out;
		}
		session_plan(s, NULL, s->started_ms);
		if (s->state == BS_FAILED)
			return NULL;
	}
	if (s->next >= s->plan.n)
		return NULL;
	cmd = &s->plan.cmds[s->next];
	session_enter(s, state_for(cmd->op));
out:
	if (s->n_ops < SESSION_MAX_OPS) {
		s->ops[s->n_ops].op = cmd->op;
		s->ops[s->n_ops].path = cmd->path;
		s->ops[s->n_ops].code = 0;
		s->n_ops++;
	}
	s->awaiting = true;
	return cmd;
}

#define CODE(c, d) ((uint8_t)(((c) << 5) | (d)))

/* "c.dd"; by hand, as it runs for every operation of every audit record. */
static void code_str(uint8_t code, char out[8])
{
	unsigned d = code & 31;

	out[0] = (char)('0' + (code >> 5));
	out[1] = '.';
	out[2] = (char)('0' + d / 10);
	out[3] = (char)('0' + d % 10);
	out[4] = '\0';
}

static void fail_with_code(struct bs_session *s, const char *what, uint8_t code, uint64_t now)
{
	char c[8], reason[128];

	code_str(code, c);
	snprintf(reason, sizeof(reason), "client answered %s to %s", c, what);
	bs_session_fail(s, reason, now);
}

/*
 * Bootstrap-Discover is 1.1+; a 1.0 client may refuse it (4.04, 4.05), and
 * then we plan without its answer (Core TS 1.1 §5.2.7.5).
 */
static void on_discover(struct bs_session *s, uint8_t code, int cf, const uint8_t *p, size_t n,
			uint64_t now)
{
	struct discover_result d;

	if (code == CODE(2, 5) && (cf == LWM2M_FMT_LINK || cf < 0) &&
	    discover_parse((const char *)p, n, &d) == 0) {
		session_plan(s, &d, now);
		return;
	}
	if (code == CODE(2, 5))
		log_info("session: '%s' sent an unreadable Discover answer; planning without it",
			 s->client.endpoint);
	session_plan(s, NULL, now);
}

static void on_command(struct bs_session *s, const struct plan_cmd *cmd, uint8_t code,
		       uint64_t now)
{
	switch (cmd->op) {
	case PLAN_DELETE:
		/* 4.04: some clients so answer a Delete of an empty object. */
		if (code != CODE(2, 2) && code != CODE(4, 4))
			return fail_with_code(s, "Bootstrap-Delete", code, now);
		break;
	case PLAN_WRITE:
		/* Never Finish over a half-written configuration. */
		if (code != CODE(2, 4))
			return fail_with_code(s, "Bootstrap-Write", code, now);
		break;
	case PLAN_FINISH:
		if (code == CODE(4, 6))
			return bs_session_fail(
				s, "client rejected the configuration as inconsistent (4.06)", now);
		if (code != CODE(2, 4))
			return fail_with_code(s, "Bootstrap-Finish", code, now);
		s->ended_ms = now;
		session_enter(s, BS_DONE);
		return;
	case PLAN_DISCOVER:
		break;
	}
	s->next++;
}

int bs_session_response(struct bs_session *s, uint8_t code, int cf, const uint8_t *p, size_t n,
			uint64_t now_ms)
{
	if (!s->awaiting || s->state == BS_DONE || s->state == BS_FAILED)
		return 0;
	s->awaiting = false;
	if (s->n_ops > 0)
		s->ops[s->n_ops - 1].code = code;
	if (s->state == BS_DISCOVERING && s->plan.cmds == NULL)
		on_discover(s, code, cf, p, n, now_ms);
	else
		on_command(s, &s->plan.cmds[s->next], code, now_ms);
	return 0;
}

enum bs_state bs_session_state(const struct bs_session *s)
{
	return s->state;
}

const struct bs_client *bs_session_client(const struct bs_session *s)
{
	return &s->client;
}

const char *bs_session_reason(const struct bs_session *s)
{
	return s->reason;
}

void bs_session_free(struct bs_session *s)
{
	if (s == NULL)
		return;
	plan_free(&s->plan);
	free(s);
}

static void path_str(const struct lwm2m_path *p, enum plan_op op, char out[PATH_TEXT_MAX])
{
	if (op == PLAN_FINISH)
		memcpy(out, "/bs", 4);
	else
		path_format(out, p);
}

/* Fields common to sessions and refusals. */
static void audit_head(struct json *j, const struct bs_client *c, const char *policy_version)
{
	char ts[TIMEFMT_UTC_MS_LEN];

	json_strn(j, "time", ts, timefmt_utc_ms(ts, c->started_unix_ms));
	json_str(j, "endpoint", c->endpoint);
	json_str(j, "identity", c->identity);
	json_str(j, "security", bs_auth_name(c->auth));
	json_str(j, "peer", c->peer);
	if (c->tls[0])
		json_str(j, "tls", c->tls);
	json_str(j, "policy", policy_version ? policy_version : "");
}

static void audit_ops(struct json *j, const struct bs_session *s)
{
	char path[PATH_TEXT_MAX], code[8];

	json_array(j, "operations");
	for (size_t i = 0; i < s->n_ops; i++) {
		json_object(j, NULL);
		json_str(j, "op", plan_op_name(s->ops[i].op));
		path_str(&s->ops[i].path, s->ops[i].op, path);
		json_str(j, "path", path);
		if (s->ops[i].code) {
			code_str(s->ops[i].code, code);
			json_str(j, "code", code);
		} else {
			json_str(j, "code", "none");
		}
		json_close_object(j);
	}
	json_close_array(j);
}

static void audit_servers(struct json *j, const struct bs_session *s)
{
	json_array(j, "servers");
	for (size_t i = 0; i < s->plan.n; i++)
		if (s->plan.cmds[i].op == PLAN_WRITE && s->plan.cmds[i].path.ids[0] == 1)
			json_str(j, NULL, s->plan.cmds[i].server_id);
	json_close_array(j);
}

int bs_session_audit(const struct bs_session *s, struct buf *out)
{
	struct json j;

	json_begin(&j, out);
	audit_head(&j, &s->client, policy_version(s->pol));
	audit_servers(&j, s);
	if (s->plan.cmds) {
		char v[24];
		snprintf(v, sizeof(v), "%d.%d", s->plan.version / 10, s->plan.version % 10);
		json_str(&j, "lwm2m_version", v);
		json_int(&j, "format", s->plan.format);
	}
	audit_ops(&j, s);
	json_str(&j, "outcome", s->state == BS_DONE ? "success" : "failure");
	json_str(&j, "reason", s->reason);
	json_int(&j, "duration_ms", (int64_t)(s->ended_ms - s->started_ms));
	return json_end(&j);
}

int bs_audit_refusal(const struct bs_client *client, const char *policy_version,
		     const char *reason, struct buf *out)
{
	struct json j;

	json_begin(&j, out);
	audit_head(&j, client, policy_version);
	json_str(&j, "outcome", "refused");
	json_str(&j, "reason", reason);
	return json_end(&j);
}
