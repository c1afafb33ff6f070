#include <check.h>
#include <errno.h>
#include <string.h>

#include "lwm2m/codec.h"
#include "plan/plan.h"
#include "policy/policy.h"

static const struct lwm2m_path del_paths[] = {{1, {0}}, {1, {1}}};

static struct policy_settings settings(void)
{
	struct policy_settings st;
	memset(&st, 0, sizeof(st));
	st.discover = true;
	st.delete_paths = del_paths;
	st.n_delete = 2;
	st.format_auto = true;
	return st;
}

static const struct policy_server srv_psk = {
	.id = "dm-psk", .uri = "coaps://10.0.0.1:5684", .ssid = 101,
	.security = POLICY_SEC_PSK, .lifetime = 300, .binding = "U",
	.notification_storing = true,
};
static const struct policy_server srv_nosec = {
	.id = "dm-nosec", .uri = "coap://10.0.0.2:5683", .ssid = 102,
	.security = POLICY_SEC_NOSEC, .lifetime = 60, .binding = "UQ",
	.has_min_period = true, .default_min_period = 5,
};
static const uint8_t psk_key[] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04};
static const struct plan_target targets[] = {
	{&srv_psk, {(const uint8_t *)"dev-id", 6, NULL, 0, psk_key, sizeof(psk_key)}},
	{&srv_nosec, {0}},
};

static struct plan build(size_t n_targets, uint16_t pct, const char *discover)
{
	struct policy_settings st = settings();
	struct discover_result d;
	struct plan_input in = {&st, targets, n_targets, "dev", pct, NULL};
	struct plan p;

	if (discover) {
		ck_assert_int_eq(discover_parse(discover, strlen(discover), &d), 0);
		in.discover = &d;
	}
	ck_assert_int_eq(plan_build(&in, &p), 0);
	return p;
}

static void assert_cmd(const struct plan *p, size_t i, enum plan_op op, unsigned depth,
		       int oid, int iid)
{
	ck_assert_uint_lt(i, p->n);
	ck_assert_int_eq(p->cmds[i].op, op);
	ck_assert_uint_eq(p->cmds[i].path.depth, depth);
	if (depth > 0)
		ck_assert_int_eq(p->cmds[i].path.ids[0], oid);
	if (depth > 1)
		ck_assert_int_eq(p->cmds[i].path.ids[1], iid);
}

/* Find resource rid in a decoded write payload. */
static const struct lwm2m_record *find(const struct lwm2m_records *r, uint16_t rid)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].path.ids[2] == rid)
			return &r->items[i];
	return NULL;
}

START_TEST(v10_without_discover_deletes_writes_then_finishes_in_tlv)
{
	struct plan p = build(1, 0, NULL);

	ck_assert_int_eq(p.version, LWM2M_V1_0);
	ck_assert_int_eq(p.format, LWM2M_FMT_TLV);
	ck_assert_uint_eq(p.n, 5);
	assert_cmd(&p, 0, PLAN_DELETE, 1, 0, 0);
	assert_cmd(&p, 1, PLAN_DELETE, 1, 1, 0);
	/* Bootstrap account ID unknown: Wakaama keeps /0/0, Anjay /0/1. */
	assert_cmd(&p, 2, PLAN_WRITE, 2, 0, 2);
	assert_cmd(&p, 3, PLAN_WRITE, 2, 1, 0);
	assert_cmd(&p, 4, PLAN_FINISH, 0, 0, 0);
	ck_assert_str_eq(p.cmds[2].server_id, "dm-psk");
	plan_free(&p);
}
END_TEST

START_TEST(security_write_carries_what_clients_validate)
{
	struct plan p = build(1, 0, NULL);
	struct lwm2m_path target = {2, {0, 2}};
	struct lwm2m_records r = {0};
	struct lwm2m_value v;

	ck_assert_int_eq(codec_decode(LWM2M_FMT_TLV, &target, p.cmds[2].payload.data,
				      p.cmds[2].payload.len, &r), 0);
	ck_assert_ptr_nonnull(find(&r, 0));
	ck_assert_int_eq(codec_value_as(&find(&r, 0)->value, LWM2M_TYPE_STRING, &v), 0);
	ck_assert_int_eq(memcmp(v.v.bytes.data, "coaps://10.0.0.1:5684", v.v.bytes.len), 0);
	ck_assert_int_eq(codec_value_as(&find(&r, 1)->value, LWM2M_TYPE_BOOLEAN, &v), 0);
	ck_assert(!v.v.b);
	ck_assert_int_eq(codec_value_as(&find(&r, 2)->value, LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert_int_eq(v.v.i, 0);
	ck_assert_int_eq(codec_value_as(&find(&r, 3)->value, LWM2M_TYPE_OPAQUE, &v), 0);
	ck_assert_int_eq(memcmp(v.v.bytes.data, "dev-id", 6), 0);
	ck_assert_int_eq(codec_value_as(&find(&r, 5)->value, LWM2M_TYPE_OPAQUE, &v), 0);
	ck_assert_int_eq(memcmp(v.v.bytes.data, psk_key, sizeof(psk_key)), 0);
	ck_assert_int_eq(codec_value_as(&find(&r, 10)->value, LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert_int_eq(v.v.i, 101);
	codec_records_free(&r);
	plan_free(&p);
}
END_TEST

START_TEST(server_write_has_ssid_lifetime_storing_binding)
{
	struct plan p = build(1, 0, NULL);
	struct lwm2m_path target = {2, {1, 0}};
	struct lwm2m_records r = {0};
	struct lwm2m_value v;

	ck_assert_int_eq(codec_decode(LWM2M_FMT_TLV, &target, p.cmds[3].payload.data,
				      p.cmds[3].payload.len, &r), 0);
	ck_assert_int_eq(codec_value_as(&find(&r, 0)->value, LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert_int_eq(v.v.i, 101);
	ck_assert_int_eq(codec_value_as(&find(&r, 1)->value, LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert_int_eq(v.v.i, 300);
	ck_assert_int_eq(codec_value_as(&find(&r, 6)->value, LWM2M_TYPE_BOOLEAN, &v), 0);
	ck_assert(v.v.b);
	ck_assert_int_eq(codec_value_as(&find(&r, 7)->value, LWM2M_TYPE_STRING, &v), 0);
	ck_assert_int_eq(memcmp(v.v.bytes.data, "U", 1), 0);
	ck_assert_ptr_null(find(&r, 2)); /* no default min period configured */
	codec_records_free(&r);
	plan_free(&p);
}
END_TEST

START_TEST(anjay_bootstrap_account_at_0_1_is_never_written)
{
	struct plan p = build(2, 112,
			      "</>;lwm2m=\"1.1\",</0/1>,</0/2>;ssid=1;uri=\"coap://x\","
			      "</1/0>;ssid=1,</3/0>");

	ck_assert_int_eq(p.format, LWM2M_FMT_SENML_CBOR);
	/* Two servers: /0, /1 and an Access Control /2 instance each. */
	ck_assert_uint_eq(p.n, 9);
	assert_cmd(&p, 2, PLAN_WRITE, 2, 0, 0);
	assert_cmd(&p, 3, PLAN_WRITE, 2, 1, 0);
	assert_cmd(&p, 4, PLAN_WRITE, 2, 2, 0);
	assert_cmd(&p, 5, PLAN_WRITE, 2, 0, 2);
	assert_cmd(&p, 6, PLAN_WRITE, 2, 1, 1);
	assert_cmd(&p, 7, PLAN_WRITE, 2, 2, 1);
	ck_assert_str_eq(p.cmds[5].server_id, "dm-nosec");
	ck_assert_str_eq(p.cmds[7].server_id, "dm-nosec");
	plan_free(&p);
}
END_TEST

/* Core TS 1.2 Appendix E.3: the ACL grants a server R|W|E on its own /1 instance, and it owns it. */
START_TEST(several_servers_get_access_control_instances)
{
	struct plan p = build(2, 0, "</>;lwm2m=1.1,</0/0>,</2/0>");
	struct lwm2m_path target = {2, {2, 1}};
	struct lwm2m_records r = {0};
	struct lwm2m_value v;
	const struct lwm2m_record *acl = NULL;

	/* No Delete (nothing in /0 or /1 to remove): 4 writes to /0 and /1, then /2. */
	assert_cmd(&p, 5, PLAN_WRITE, 2, 2, 2); /* /2/0 exists and survives the Deletes */
	target.ids[1] = 2;
	ck_assert_int_eq(codec_decode(LWM2M_FMT_TLV, &target, p.cmds[5].payload.data,
				      p.cmds[5].payload.len, &r), 0);
	ck_assert_int_eq(codec_value_as(&find(&r, 0)->value, LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert_int_eq(v.v.i, 1); /* object: Server */
	ck_assert_int_eq(codec_value_as(&find(&r, 1)->value, LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert_int_eq(v.v.i, 1); /* its /1 instance */
	ck_assert_int_eq(codec_value_as(&find(&r, 3)->value, LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert_int_eq(v.v.i, 102); /* owner: its Short Server ID */
	acl = find(&r, 2);
	ck_assert_ptr_nonnull(acl);
	ck_assert_int_eq(acl->path.depth, 4);
	ck_assert_int_eq(acl->path.ids[3], 102); /* ACL keyed by Short Server ID */
	ck_assert_int_eq(codec_value_as(&acl->value, LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert_int_eq(v.v.i, 7); /* read | write | execute, no delete */
	codec_records_free(&r);
	plan_free(&p);
	p = build(1, 0, NULL); /* one server: no ACL */
	for (size_t i = 0; i < p.n; i++)
		ck_assert(p.cmds[i].op != PLAN_WRITE || p.cmds[i].path.ids[0] != 2);
	plan_free(&p);
}
END_TEST

START_TEST(wakaama_bootstrap_account_at_0_0_is_never_written)
{
	struct plan p = build(1, 110,
			      "</>;lwm2m=1.1,</0/0>,</0/1>;ssid=123;uri=\"coap://y\",</1/0>;ssid=123");

	ck_assert_int_eq(p.format, LWM2M_FMT_SENML_JSON);
	assert_cmd(&p, 2, PLAN_WRITE, 2, 0, 1);
	plan_free(&p);
}
END_TEST

START_TEST(explicit_delete_of_bootstrap_account_is_dropped)
{
	static const struct lwm2m_path paths[] = {{2, {0, 1}}, {2, {0, 2}}};
	struct policy_settings st = settings();
	struct discover_result d;
	const char *disc = "</>;lwm2m=1.1,</0/1>,</0/2>;ssid=1";
	struct plan_input in = {&st, targets, 1, "dev-1", 0, &d};
	struct plan p;

	st.delete_paths = paths;
	ck_assert_int_eq(discover_parse(disc, strlen(disc), &d), 0);
	ck_assert_int_eq(plan_build(&in, &p), 0);
	assert_cmd(&p, 0, PLAN_DELETE, 2, 0, 2);
	ck_assert_int_eq(p.cmds[1].op, PLAN_WRITE);
	/* /0/1 survives (bootstrap account), /0/2 deleted: first free ID is 0. */
	assert_cmd(&p, 1, PLAN_WRITE, 2, 0, 0);
	plan_free(&p);
}
END_TEST

/* Discover shows nothing to delete: a fresh device gets no Delete at all. */
START_TEST(deletes_with_nothing_to_remove_are_skipped)
{
	struct plan p = build(1, 0, "</>;lwm2m=1.1,</0/0>,</1>,</3/0>");

	assert_cmd(&p, 0, PLAN_WRITE, 2, 0, 1);
	assert_cmd(&p, 1, PLAN_WRITE, 2, 1, 0);
	assert_cmd(&p, 2, PLAN_FINISH, 0, 0, 0);
	ck_assert_uint_eq(p.n, 3);
	plan_free(&p);
}
END_TEST

/* Only the Deletes that cover an instance other than the bootstrap account. */
START_TEST(deletes_kept_where_discover_lists_instances)
{
	struct plan p = build(1, 0, "</>;lwm2m=1.1,</0/0>,</1/4>;ssid=9,</3/0>");

	assert_cmd(&p, 0, PLAN_DELETE, 1, 1, 0);
	assert_cmd(&p, 1, PLAN_WRITE, 2, 0, 1);
	/* /1/4 is deleted, so the Server write may take /1/0. */
	assert_cmd(&p, 2, PLAN_WRITE, 2, 1, 0);
	plan_free(&p);
}
END_TEST

/* "/" covers every instance, the Device object's too: it is sent. */
START_TEST(delete_of_root_is_sent_when_anything_is_listed)
{
	static const struct lwm2m_path root[] = {{0, {0}}};
	struct policy_settings st = settings();
	struct discover_result d;
	const char *disc = "</>;lwm2m=1.1,</0/0>,</3/0>";
	struct plan_input in = {&st, targets, 1, "dev-1", 0, &d};
	struct plan p;

	st.delete_paths = root;
	st.n_delete = 1;
	ck_assert_int_eq(discover_parse(disc, strlen(disc), &d), 0);
	ck_assert_int_eq(plan_build(&in, &p), 0);
	assert_cmd(&p, 0, PLAN_DELETE, 0, 0, 0);
	plan_free(&p);
}
END_TEST

START_TEST(format_follows_version_and_pct)
{
	struct policy_settings st = settings();

	ck_assert_int_eq(plan_choose_format(&st, LWM2M_V1_0, 112), LWM2M_FMT_TLV);
	ck_assert_int_eq(plan_choose_format(&st, LWM2M_V1_1, 0), LWM2M_FMT_TLV);
	ck_assert_int_eq(plan_choose_format(&st, LWM2M_V1_1, 110), LWM2M_FMT_SENML_JSON);
	ck_assert_int_eq(plan_choose_format(&st, LWM2M_V1_1, 11544), LWM2M_FMT_TLV);
	ck_assert_int_eq(plan_choose_format(&st, LWM2M_V1_2, 11544), LWM2M_FMT_LWM2M_CBOR);
	ck_assert_int_eq(plan_choose_format(&st, LWM2M_V1_2, 42), LWM2M_FMT_TLV);
	st.format_auto = false;
	st.format = LWM2M_FMT_SENML_CBOR;
	ck_assert_int_eq(plan_choose_format(&st, LWM2M_V1_0, 0), LWM2M_FMT_SENML_CBOR);
}
END_TEST

START_TEST(no_target_is_an_error)
{
	struct policy_settings st = settings();
	struct plan_input in = {&st, targets, 0, "dev-1", 0, NULL};
	struct plan p = {0};

	ck_assert_int_eq(plan_build(&in, &p), -EINVAL);
	ck_assert_ptr_null(p.cmds);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, v10_without_discover_deletes_writes_then_finishes_in_tlv);
	tcase_add_test(tc, security_write_carries_what_clients_validate);
	tcase_add_test(tc, server_write_has_ssid_lifetime_storing_binding);
	tcase_add_test(tc, anjay_bootstrap_account_at_0_1_is_never_written);
	tcase_add_test(tc, several_servers_get_access_control_instances);
	tcase_add_test(tc, wakaama_bootstrap_account_at_0_0_is_never_written);
	tcase_add_test(tc, explicit_delete_of_bootstrap_account_is_dropped);
	tcase_add_test(tc, deletes_with_nothing_to_remove_are_skipped);
	tcase_add_test(tc, deletes_kept_where_discover_lists_instances);
	tcase_add_test(tc, delete_of_root_is_sent_when_anything_is_listed);
	tcase_add_test(tc, format_follows_version_and_pct);
	tcase_add_test(tc, no_target_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}
