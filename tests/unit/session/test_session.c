#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "session/admit.h"
#include "session/session.h"
#include "session/targets.h"
#include "policy/policy.h"

#define C(c, d) ((uint8_t)(((c) << 5) | (d)))

static const char *policy_yaml =
	"lwbsd:\n"
	"  delete: [/0, /1]\n"
	"servers:\n"
	"  - id: dm\n"
	"    uri: coaps://127.0.0.1:5784\n"
	"    short_server_id: 7\n"
	"    lifetime: 120\n"
	"    binding: U\n"
	"    notification_storing: false\n"
	"    security: psk\n"
	"devices:\n"
	"  - endpoint: dev-a\n"
	"    bootstrap:\n"
	"      psk: {identity: id-a, key_hex: \"0011223344556677\"}\n"
	"    servers:\n"
	"      - server: dm\n"
	"        psk: {identity: dm-a, key_hex: \"a1b2c3d4e5f60718\"}\n"
	"  - endpoint_pattern: \"grp-*\"\n"
	"    bootstrap:\n"
	"      psk: {identity: grp-shared, key_hex: \"0102030405060708\"}\n"
	"    servers: [{server: dm, psk: {identity: g, key_hex: \"0a0b\"}}]\n"
	"  - endpoint: open-1\n"
	"    bootstrap: {nosec: true}\n"
	"    servers: [{server: dm, psk: {identity: o, key_hex: \"0c0d\"}}]\n";

static struct policy *pol;
static char dir[64];

static void setup(void)
{
	char path[128];
	FILE *f;
	struct conf_diags diags = CONF_DIAGS_INIT;

	snprintf(dir, sizeof(dir), "/tmp/lwbs-session-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.yaml", dir);
	f = fopen(path, "w");
	fputs(policy_yaml, f);
	fclose(f);
	if (conf_load(path, &pol, &diags) < 0)
		conf_diags_print(&diags, stderr);
	conf_diags_free(&diags);
	ck_assert_ptr_nonnull(pol);
	unlink(path);
	rmdir(dir);
}

static void teardown(void)
{
	policy_free(pol);
}

static struct bs_session *start(const char *ep, const char *id)
{
	struct bs_client c = {.auth = BS_AUTH_PSK, .started_unix_ms = 1700000000123};
	const struct policy_device *dev;
	const char *reason;
	struct bs_session *s;

	snprintf(c.endpoint, sizeof(c.endpoint), "%s", ep);
	snprintf(c.identity, sizeof(c.identity), "%s", id);
	snprintf(c.peer, sizeof(c.peer), "127.0.0.1:40000");
	ck_assert_int_eq(admit_client(pol, &c, (const uint8_t *)id, strlen(id), &dev, &reason), 0);
	ck_assert_int_eq(bs_session_new(&c, pol, dev, 1000, &s), 0);
	return s;
}

static const char *disc = "</>;lwm2m=1.1,</0/0>,</0/3>;ssid=9,</1/0>;ssid=9,</3/0>";

/* The success code of op; Discover gets 4.04 here (planned without it). */
static uint8_t ok_code(enum plan_op op)
{
	switch (op) {
	case PLAN_DISCOVER:
		return C(4, 4);
	case PLAN_DELETE:
		return C(2, 2);
	default:
		return C(2, 4);
	}
}

/* Answer every command with the code for success; returns the number of commands. */
static int run_ok(struct bs_session *s)
{
	const struct plan_cmd *cmd;
	int n = 0;

	while ((cmd = bs_session_next(s)) != NULL) {
		n++;
		if (cmd->op == PLAN_DISCOVER)
			bs_session_response(s, C(2, 5), 40, (const uint8_t *)disc, strlen(disc),
					    1000 + n);
		else if (cmd->op == PLAN_DELETE)
			bs_session_response(s, C(2, 2), -1, NULL, 0, 1000 + n);
		else
			bs_session_response(s, C(2, 4), -1, NULL, 0, 1000 + n);
	}
	return n;
}

START_TEST(full_exchange_ends_done_with_audit)
{
	struct bs_session *s = start("dev-a", "id-a");
	struct buf b = BUF_INIT;

	ck_assert_int_eq(run_ok(s), 6); /* discover, 2 deletes, 2 writes, finish */
	ck_assert_int_eq(bs_session_state(s), BS_DONE);
	ck_assert_int_eq(bs_session_audit(s, &b), 0);
	buf_putc(&b, 0);
	ck_assert_ptr_nonnull(strstr((char *)b.data, "\"endpoint\":\"dev-a\""));
	ck_assert_ptr_nonnull(strstr((char *)b.data, "\"outcome\":\"success\""));
	ck_assert_ptr_nonnull(strstr((char *)b.data, "\"servers\":[\"dm\"]"));
	ck_assert_ptr_nonnull(strstr((char *)b.data, "{\"op\":\"write\",\"path\":\"/0/1\",\"code\":\"2.04\"}"));
	ck_assert_ptr_nonnull(strstr((char *)b.data, "\"time\":\"2023-11-14T22:13:20.123Z\""));
	ck_assert_ptr_nonnull(strstr((char *)b.data, "\"duration_ms\":6"));
	/* Keys never reach the audit, in any spelling. */
	ck_assert_ptr_null(strstr((char *)b.data, "a1b2c3d4"));
	ck_assert_ptr_null(strstr((char *)b.data, "0011223344"));
	buf_free(&b);
	bs_session_free(s);
}
END_TEST

START_TEST(write_refused_ends_without_finish)
{
	struct bs_session *s = start("dev-a", "id-a");
	const struct plan_cmd *cmd;

	while ((cmd = bs_session_next(s)) != NULL) {
		ck_assert_int_ne(cmd->op, PLAN_FINISH);
		if (cmd->op == PLAN_WRITE)
			bs_session_response(s, C(4, 0), -1, NULL, 0, 2000);
		else
			bs_session_response(s, cmd->op == PLAN_DISCOVER ? C(4, 4) : C(2, 2), -1,
					    NULL, 0, 2000);
	}
	ck_assert_int_eq(bs_session_state(s), BS_FAILED);
	ck_assert_str_eq(bs_session_reason(s), "client answered 4.00 to Bootstrap-Write");
	bs_session_free(s);
}
END_TEST

START_TEST(finish_406_is_inconsistent_configuration)
{
	struct bs_session *s = start("dev-a", "id-a");
	const struct plan_cmd *cmd;

	while ((cmd = bs_session_next(s)) != NULL)
		bs_session_response(s, cmd->op == PLAN_FINISH ? C(4, 6) : ok_code(cmd->op), -1, NULL,
				    0, 3000);
	ck_assert_int_eq(bs_session_state(s), BS_FAILED);
	ck_assert_ptr_nonnull(strstr(bs_session_reason(s), "inconsistent (4.06)"));
	bs_session_free(s);
}
END_TEST

START_TEST(delete_404_is_not_fatal)
{
	struct bs_session *s = start("dev-a", "id-a");
	const struct plan_cmd *cmd;

	while ((cmd = bs_session_next(s)) != NULL)
		bs_session_response(s, cmd->op == PLAN_DELETE ? C(4, 4) : ok_code(cmd->op), -1, NULL,
				    0, 3000);
	ck_assert_int_eq(bs_session_state(s), BS_DONE);
	bs_session_free(s);
}
END_TEST

START_TEST(timeout_fails_and_stops_commands)
{
	struct bs_session *s = start("dev-a", "id-a");

	ck_assert_ptr_nonnull(bs_session_next(s));
	bs_session_fail(s, "no response to discover within 10 s", 11000);
	ck_assert_ptr_null(bs_session_next(s));
	ck_assert_int_eq(bs_session_state(s), BS_FAILED);
	/* A late response changes nothing. */
	bs_session_response(s, C(2, 5), 40, (const uint8_t *)disc, strlen(disc), 12000);
	ck_assert_int_eq(bs_session_state(s), BS_FAILED);
	bs_session_free(s);
}
END_TEST

START_TEST(admission_binds_identity_to_endpoint)
{
	struct bs_client c = {.auth = BS_AUTH_PSK};
	const struct policy_device *dev;
	const char *reason;

	snprintf(c.endpoint, sizeof(c.endpoint), "dev-b");
	ck_assert_int_eq(admit_client(pol, &c, (const uint8_t *)"id-a", 4, &dev, &reason), -EACCES);
	snprintf(c.endpoint, sizeof(c.endpoint), "grp-17");
	ck_assert_int_eq(admit_client(pol, &c, (const uint8_t *)"grp-shared", 10, &dev, &reason), 0);
	snprintf(c.endpoint, sizeof(c.endpoint), "other-17");
	ck_assert_int_eq(admit_client(pol, &c, (const uint8_t *)"grp-shared", 10, &dev, &reason),
			 -EACCES);
	ck_assert_int_eq(admit_client(pol, &c, (const uint8_t *)"nobody", 6, &dev, &reason), -ENOENT);
	/* ep omitted: derived from the device entry (Transport TS 1.2 §5.2.1). */
	c.endpoint[0] = '\0';
	ck_assert_int_eq(admit_client(pol, &c, (const uint8_t *)"id-a", 4, &dev, &reason), 0);
	ck_assert_str_eq(c.endpoint, "dev-a");
}
END_TEST

START_TEST(nosec_only_where_the_policy_says_so)
{
	struct bs_client c = {.auth = BS_AUTH_NOSEC};
	const struct policy_device *dev;
	const char *reason;

	snprintf(c.endpoint, sizeof(c.endpoint), "open-1");
	ck_assert_int_eq(admit_client(pol, &c, NULL, 0, &dev, &reason), 0);
	snprintf(c.endpoint, sizeof(c.endpoint), "dev-a");
	ck_assert_int_eq(admit_client(pol, &c, NULL, 0, &dev, &reason), -EACCES);
	snprintf(c.endpoint, sizeof(c.endpoint), "unknown");
	ck_assert_int_eq(admit_client(pol, &c, NULL, 0, &dev, &reason), -ENOENT);
	c.endpoint[0] = '\0';
	ck_assert_int_eq(admit_client(pol, &c, NULL, 0, &dev, &reason), -ENOENT);
}
END_TEST

START_TEST(refusal_audit_has_reason_and_no_operations)
{
	struct bs_client c = {.auth = BS_AUTH_NOSEC, .started_unix_ms = 0};
	struct buf b = BUF_INIT;

	snprintf(c.endpoint, sizeof(c.endpoint), "x\"y");
	ck_assert_int_eq(bs_audit_refusal(&c, "abc", "endpoint name is not in the policy", &b), 0);
	buf_putc(&b, 0);
	ck_assert_ptr_nonnull(strstr((char *)b.data, "\"endpoint\":\"x\\\"y\""));
	ck_assert_ptr_nonnull(strstr((char *)b.data, "\"outcome\":\"refused\""));
	ck_assert_ptr_null(strstr((char *)b.data, "operations"));
	ck_assert_int_eq(b.data[b.len - 2], '\n');
	buf_free(&b);
}
END_TEST


/* Issue 4: a server with generated credentials takes them from the injected provider. */
static const char *gen_yaml =
	"lwbsd: {discover: false}\n"
	"servers:\n"
	"  - {id: gen, uri: \"coaps://127.0.0.1:5784\", short_server_id: 9, security: psk,\n"
	"     credentials: generated-psk, credentials_export: /nonexistent/x.jsonl}\n"
	"devices:\n"
	"  - endpoint: dev-g\n"
	"    bootstrap: {nosec: true}\n"
	"    servers: [gen]\n";

static int fake_calls;
static char fake_ep[32];

static int fake_provide(void *arg, const struct policy_server *srv, const char *ep,
			struct plan_creds *out, const char **reason)
{
	(void)arg;
	fake_calls++;
	snprintf(fake_ep, sizeof(fake_ep), "%s", ep);
	if (strcmp(srv->id, "gen") != 0) {
		*reason = "wrong server";
		return -EINVAL;
	}
	out->identity = (const uint8_t *)"FAKE-ID";
	out->identity_len = 7;
	out->secret = (const uint8_t *)"FAKE-SECRET-0123";
	out->secret_len = 16;
	return 0;
}

static struct policy *load_yaml(const char *yaml)
{
	char d[] = "/tmp/lwbs-gen-XXXXXX", path[64];
	struct conf_diags diags = CONF_DIAGS_INIT;
	struct policy *p = NULL;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(d));
	snprintf(path, sizeof(path), "%s/p.yaml", d);
	f = fopen(path, "w");
	fputs(yaml, f);
	fclose(f);
	if (conf_load(path, &p, &diags) < 0)
		conf_diags_print(&diags, stderr);
	conf_diags_free(&diags);
	unlink(path);
	rmdir(d);
	ck_assert_ptr_nonnull(p);
	return p;
}

START_TEST(generated_credentials_come_from_the_provider)
{
	struct policy *gp = load_yaml(gen_yaml);
	const struct targets_provider prov = {fake_provide, NULL};
	struct bs_client c = {.auth = BS_AUTH_NOSEC, .endpoint = "dev-g"};
	const struct policy_device *dev = policy_device_by_endpoint(gp, "dev-g");
	const struct plan_cmd *cmd;
	struct bs_session *s;
	bool wrote = false;

	ck_assert_int_eq(bs_session_new(&c, gp, dev, 0, &s), 0);
	bs_session_set_provider(s, &prov);
	while ((cmd = bs_session_next(s)) != NULL) {
		if (cmd->op == PLAN_WRITE && cmd->path.ids[0] == 0)
			wrote = memmem(cmd->payload.data, cmd->payload.len, "FAKE-ID", 7) &&
				memmem(cmd->payload.data, cmd->payload.len, "FAKE-SECRET-0123", 16);
		bs_session_response(s, cmd->op == PLAN_DELETE ? C(2, 2) : C(2, 4), -1, NULL, 0, 1);
	}
	ck_assert(wrote);
	ck_assert_int_eq(fake_calls, 1);
	ck_assert_str_eq(fake_ep, "dev-g");
	ck_assert_int_eq(bs_session_state(s), BS_DONE);
	bs_session_free(s);
	/* Without a provider the session fails before any write, with a reason. */
	ck_assert_int_eq(bs_session_new(&c, gp, dev, 0, &s), 0);
	ck_assert_ptr_null(bs_session_next(s));
	ck_assert_int_eq(bs_session_state(s), BS_FAILED);
	ck_assert_ptr_nonnull(strstr(bs_session_reason(s), "generated credentials"));
	bs_session_free(s);
	policy_free(gp);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, full_exchange_ends_done_with_audit);
	tcase_add_test(tc, write_refused_ends_without_finish);
	tcase_add_test(tc, finish_406_is_inconsistent_configuration);
	tcase_add_test(tc, delete_404_is_not_fatal);
	tcase_add_test(tc, timeout_fails_and_stops_commands);
	tcase_add_test(tc, admission_binds_identity_to_endpoint);
	tcase_add_test(tc, nosec_only_where_the_policy_says_so);
	tcase_add_test(tc, refusal_audit_has_reason_and_no_operations);
	tcase_add_test(tc, generated_credentials_come_from_the_provider);
	suite_add_tcase(s, tc);
	return s;
}
