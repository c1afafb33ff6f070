/*
 * The report `lwbs client` prints: one JSON object per client and, for
 * several clients, a summary. The format is a stable interface, described
 * in docs/lwbs-client.md; add fields, never rename or drop them.
 */
#include "sim_int.h"

#include <errno.h>
#include <string.h>

static void report_op(struct json *j, const struct sim_op *op)
{
	char text[STORE_CODE_TEXT];

	json_object(j, NULL);
	json_str(j, "op", op->op);
	json_str(j, "path", op->path);
	if (op->format >= 0)
		json_int(j, "format", op->format);
	if (op->code == 0 && strcmp(op->op, "bootstrap-request") == 0)
		json_null(j, "code");
	else if (op->code == 0)
		json_str(j, "code", "dropped");
	else
		json_str(j, "code", store_code_text(op->code, text));
	if (op->why[0] != '\0')
		json_str(j, "reason", op->why);
	json_close_object(j);
}

static void report_head(struct json *j, const struct sim_client *c)
{
	char version[16];

	if (c->endpoint[0] != '\0')
		json_str(j, "endpoint", c->endpoint);
	else
		json_null(j, "endpoint");
	if (c->identity[0] != '\0')
		json_str(j, "psk_identity", c->identity);
	json_str(j, "result", c->state == SIM_DONE ? "success" : "failure");
	json_str(j, "reason", c->reason);
	snprintf(version, sizeof(version), "1.%d", (int)c->version - 10);
	json_str(j, "lwm2m_version", version);
	if (c->last_format >= 0)
		json_int(j, "format", c->last_format);
	else
		json_null(j, "format");
	json_int(j, "requests_answered", c->answered);
}

int sim_report_client(const struct sim_client *c, struct buf *out)
{
	struct json j;

	json_begin(&j, out);
	report_head(&j, c);
	if (c->store) {
		store_json_instances(c->store, 0, "security", &j);
		store_json_instances(c->store, 1, "server", &j);
	}
	json_array(&j, "operations");
	for (size_t i = 0; i < c->n_ops; i++)
		report_op(&j, &c->ops[i]);
	json_close_array(&j);
	return json_end(&j);
}

int sim_report_summary(const struct sim *sim, struct buf *out)
{
	size_t ok = 0;
	struct json j;

	for (size_t i = 0; i < sim->n; i++)
		if (sim->clients[i].state == SIM_DONE)
			ok++;
	json_begin(&j, out);
	json_int(&j, "clients", (int64_t)sim->n);
	json_int(&j, "succeeded", (int64_t)ok);
	json_int(&j, "failed", (int64_t)(sim->n - ok));
	return json_end(&j);
}
