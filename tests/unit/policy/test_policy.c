/* The policy model built directly through the builder API: lookups, clashes, defaults. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "policy/policy.h"
#include "policy/policy_build.h"

static struct policy *pol;

static void setup(void)
{
	ck_assert_int_eq(policy_new(&pol), 0);
}

static void teardown(void)
{
	policy_free(pol);
	pol = NULL;
}

static struct policy_server *server(const char *id, uint16_t ssid)
{
	struct policy_server *s = policy_alloc(pol, sizeof(*s));

	s->id = policy_strndup(pol, id, strlen(id));
	s->uri = "coap://127.0.0.1:5783";
	s->ssid = ssid;
	s->security = POLICY_SEC_NOSEC;
	return s;
}

static struct policy_device *device(const char *ep, const char *pattern, const void *id,
                                    size_t id_len)
{
	struct policy_device *d = policy_alloc(pol, sizeof(*d));

	d->endpoint = ep;
	d->pattern = pattern;
	d->bootstrap = id ? POLICY_CRED_PSK : POLICY_CRED_NOSEC;
	d->psk.identity = id;
	d->psk.identity_len = id_len;
	return d;
}

START_TEST(defaults)
{
	const struct policy_settings *s = policy_settings(pol);

	ck_assert_uint_eq(s->n_listen, 1);
	ck_assert_str_eq(s->listen[0], "127.0.0.1");
	ck_assert_uint_eq(s->coap_port, 5683);
	ck_assert_uint_eq(s->coaps_port, 5684);
	ck_assert_ptr_null(s->audit_log);
	ck_assert_uint_eq(s->session_timeout, 30);
	ck_assert_uint_eq(s->exchange_timeout, 10);
	ck_assert(s->discover);
	ck_assert_uint_eq(s->n_delete, 2);
	ck_assert_uint_eq(s->delete_paths[0].depth, 1);
	ck_assert_uint_eq(s->delete_paths[0].ids[0], 0);
	ck_assert_uint_eq(s->delete_paths[1].depth, 1);
	ck_assert_uint_eq(s->delete_paths[1].ids[0], 1);
	ck_assert(s->format_auto);
	ck_assert_str_eq(policy_version(pol), "0000000000000000");
	ck_assert_uint_eq(policy_device_count(pol), 0);
	ck_assert_ptr_null(policy_device_at(pol, 0));
}
END_TEST

START_TEST(servers_by_id_and_ssid)
{
	struct policy_server *a = server("a", 101), *b = server("b", 102);

	ck_assert_int_eq(policy_add_server(pol, a), 0);
	ck_assert_int_eq(policy_add_server(pol, b), 0);
	ck_assert_ptr_eq(policy_server_by_id(pol, "a"), a);
	ck_assert_ptr_eq(policy_server_by_ssid(pol, 102), b);
	ck_assert_ptr_null(policy_server_by_id(pol, "c"));
	ck_assert_ptr_null(policy_server_by_ssid(pol, 103));
	ck_assert_int_eq(policy_add_server(pol, server("a", 103)), -EEXIST);
	ck_assert_int_eq(policy_add_server(pol, server("c", 101)), -EEXIST);
	ck_assert_uint_eq(policy_server_count(pol), 2);
	ck_assert_ptr_eq(policy_server_at(pol, 1), b);
}
END_TEST

START_TEST(exact_endpoint_wins_then_patterns_in_order)
{
	struct policy_device *exact = device("sensor-7", NULL, NULL, 0);
	struct policy_device *g1 = device(NULL, "sensor-*", NULL, 0);
	struct policy_device *g2 = device(NULL, "sensor-1*", NULL, 0);
	struct policy_device *g3 = device(NULL, "*", NULL, 0);

	ck_assert_int_eq(policy_add_device(pol, g1), 0);
	ck_assert_int_eq(policy_add_device(pol, exact), 0);
	ck_assert_int_eq(policy_add_device(pol, g2), 0);
	ck_assert_ptr_eq(policy_device_by_endpoint(pol, "sensor-7"), exact);
	ck_assert_ptr_eq(policy_device_by_endpoint(pol, "sensor-12"), g1); /* g1 came first */
	ck_assert_ptr_null(policy_device_by_endpoint(pol, "meter-1"));
	ck_assert_int_eq(policy_add_device(pol, g3), 0);
	ck_assert_ptr_eq(policy_device_by_endpoint(pol, "meter-1"), g3);
	ck_assert_uint_eq(policy_device_count(pol), 4);
}
END_TEST

START_TEST(claims_is_equality_or_glob)
{
	struct policy_device *exact = device("urn:dev:1", NULL, NULL, 0);
	struct policy_device *group = device(NULL, "urn:dev:[0-9]*", NULL, 0);

	ck_assert(policy_device_claims(exact, "urn:dev:1"));
	ck_assert(!policy_device_claims(exact, "urn:dev:10"));
	ck_assert(!policy_device_claims(exact, "urn:dev:"));
	ck_assert(policy_device_claims(group, "urn:dev:42"));
	ck_assert(policy_device_claims(group, "urn:dev:4/2")); /* '/' is not special */
	ck_assert(!policy_device_claims(group, "urn:dev:x"));
}
END_TEST

START_TEST(psk_identity_is_binary)
{
	struct policy_device *a = device("a", NULL, "id\0x", 4);
	struct policy_device *b = device("b", NULL, "id", 2);

	ck_assert_int_eq(policy_add_device(pol, a), 0);
	ck_assert_int_eq(policy_add_device(pol, b), 0);
	ck_assert_ptr_eq(policy_device_by_psk_identity(pol, (const uint8_t *)"id\0x", 4), a);
	ck_assert_ptr_eq(policy_device_by_psk_identity(pol, (const uint8_t *)"id", 2), b);
	ck_assert_ptr_null(policy_device_by_psk_identity(pol, (const uint8_t *)"id\0", 3));
}
END_TEST

START_TEST(clashes_are_refused)
{
	enum policy_clash what = POLICY_CLASH_PATTERN;
	struct policy_device *a = device("a", NULL, "ida", 3);
	struct policy_device *g = device(NULL, "g*", NULL, 0);

	ck_assert_int_eq(policy_add_device(pol, a), 0);
	ck_assert_int_eq(policy_add_device(pol, g), 0);
	ck_assert_ptr_eq(policy_device_clash(pol, device("a", NULL, NULL, 0), &what), a);
	ck_assert_int_eq(what, POLICY_CLASH_ENDPOINT);
	ck_assert_ptr_eq(policy_device_clash(pol, device("b", NULL, "ida", 3), &what), a);
	ck_assert_int_eq(what, POLICY_CLASH_PSK_IDENTITY);
	ck_assert_ptr_eq(policy_device_clash(pol, device(NULL, "g*", NULL, 0), &what), g);
	ck_assert_int_eq(what, POLICY_CLASH_PATTERN);
	ck_assert_ptr_null(policy_device_clash(pol, device("b", NULL, "idb", 3), NULL));
	ck_assert_int_eq(policy_add_device(pol, device("c", NULL, "ida", 3)), -EEXIST);
	ck_assert_int_eq(policy_add_device(pol, device(NULL, NULL, NULL, 0)), -EINVAL);
	ck_assert_int_eq(policy_add_device(pol, device("d", "d*", NULL, 0)), -EINVAL);
	ck_assert_uint_eq(policy_device_count(pol), 2);
}
END_TEST

START_TEST(version_is_hex_of_hash)
{
	policy_set_version(pol, 0x0123456789abcdefULL);
	ck_assert_str_eq(policy_version(pol), "0123456789abcdef");
}
END_TEST

START_TEST(arena_handles_big_and_many_blocks)
{
	for (int i = 0; i < 10000; i++) {
		char *p = policy_alloc(pol, (size_t)(i % 100) + 1);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % _Alignof(max_align_t), 0);
		memset(p, 0xab, (size_t)(i % 100) + 1);
	}
	char *big = policy_alloc(pol, 1 << 20);
	ck_assert_ptr_nonnull(big);
	ck_assert_uint_eq((unsigned char)big[12345], 0);
	ck_assert_str_eq(policy_strndup(pol, "abcdef", 3), "abc");
}
END_TEST

START_TEST(free_null_is_noop)
{
	policy_free(NULL);
	ck_assert_str_eq(policy_security_name(POLICY_SEC_PSK), "psk");
	ck_assert_str_eq(policy_security_name(POLICY_SEC_NOSEC), "nosec");
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, servers_by_id_and_ssid);
	tcase_add_test(tc, exact_endpoint_wins_then_patterns_in_order);
	tcase_add_test(tc, claims_is_equality_or_glob);
	tcase_add_test(tc, psk_identity_is_binary);
	tcase_add_test(tc, clashes_are_refused);
	tcase_add_test(tc, version_is_hex_of_hash);
	tcase_add_test(tc, arena_handles_big_and_many_blocks);
	tcase_add_test(tc, free_null_is_noop);
	suite_add_tcase(s, tc);
	return s;
}
