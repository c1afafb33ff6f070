#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/linkformat.h"

static struct discover_result res;

static int parse(const char *s)
{
	return discover_parse(s, strlen(s), &res);
}

START_TEST(parses_wakaama_answer)
{
	ck_assert_int_eq(parse("</>;lwm2m=1.1,</0/0>,</0/1>;ssid=123;uri=\"coap://localhost:5683\","
	                       "</1/0>;ssid=123,</3/0>"),
	                 0);
	ck_assert_int_eq(res.version, LWM2M_V1_1);
	ck_assert_uint_eq(res.n, 4);
	ck_assert_uint_eq(res.n_objects, 0);
	ck_assert(!res.inst[0].has_ssid);
	ck_assert(res.inst[1].has_ssid);
	ck_assert_int_eq(res.inst[1].ssid, 123);
	ck_assert_str_eq(res.inst[1].uri, "coap://localhost:5683");
	ck_assert_int_eq(res.inst[2].oid, 1);
	ck_assert_int_eq(res.inst[2].ssid, 123);
	ck_assert_str_eq(res.inst[2].uri, "");
	ck_assert_int_eq(discover_bootstrap_iid(&res), 0);
	ck_assert(discover_has_instance(&res, 3, 0));
	ck_assert(!discover_has_instance(&res, 3, 1));
}
END_TEST

START_TEST(parses_anjay_answer)
{
	ck_assert_int_eq(parse("</>;lwm2m=\"1.1\",</0/1>,</0/2>;ssid=1;uri=\"coaps://x:5684\","
	                       "</1/0>;ssid=1,</3>;ver=\"1.1\",</3/0>"),
	                 0);
	ck_assert_int_eq(res.version, LWM2M_V1_1);
	ck_assert_uint_eq(res.n, 4);
	ck_assert_uint_eq(res.n_objects, 1);
	ck_assert_int_eq(res.objects[0], 3);
	ck_assert_str_eq(res.inst[1].uri, "coaps://x:5684");
	ck_assert_int_eq(discover_bootstrap_iid(&res), 1);
}
END_TEST

START_TEST(version_defaults_to_1_0)
{
	ck_assert_int_eq(parse("</0/0>,</0/1>;ssid=101,</1/0>;ssid=101"), 0);
	ck_assert_int_eq(res.version, LWM2M_V1_0);
	ck_assert_uint_eq(res.n, 3);
	ck_assert_int_eq(parse("</>;lwm2m=1.2"), 0);
	ck_assert_int_eq(res.version, LWM2M_V1_2);
	ck_assert_int_eq(parse(""), 0);
	ck_assert_uint_eq(res.n, 0);
	ck_assert_int_eq(res.version, LWM2M_V1_0);
}
END_TEST

START_TEST(tolerates_spacing_unknown_and_deep_links)
{
	ck_assert_int_eq(
	    parse(" </> ; lwm2m = \"1.1\" ,\n </0/3> ; uri=\"coaps://[::1]:5684;x,y\\\"z\" ;"
	          " ssid = 7 ; foo ; bar=baz , </5/0/1>;dim=2, </rd>;rt=\"core\","
	          " </0/4>;ssid=8 ,"),
	    0);
	ck_assert_uint_eq(res.n, 2);
	ck_assert_int_eq(res.inst[0].iid, 3);
	ck_assert_int_eq(res.inst[0].ssid, 7);
	ck_assert_str_eq(res.inst[0].uri, "coaps://[::1]:5684;x,y\"z");
	ck_assert_int_eq(discover_bootstrap_iid(&res), -ENOENT);
}
END_TEST

START_TEST(rejects_malformed_answers)
{
	static char many[64 * 12 + 16];
	static const char *const bad[] = {
	    "garbage",           "</0/0",         "</0/0>;",
	    "</0/0>;ssid=65536", "</0/0>;ssid=x", "</0/0>;uri=\"open",
	    "</>;lwm2m=one",     "</0/0> </0/1>", "</0/0>,,</0/1>",
	};
	char uri[300];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i]) == -EBADMSG, "accepted %s", bad[i]);
	memset(uri, 'a', sizeof(uri));
	memcpy(uri, "</0/0>;uri=\"", 12);
	uri[sizeof(uri) - 2] = '"';
	uri[sizeof(uri) - 1] = '\0';
	ck_assert_int_eq(parse(uri), -EBADMSG);
	for (int i = 0; i <= DISCOVER_MAX_INSTANCES; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "</1/%d>,", i);
	ck_assert_int_eq(parse(many), -EBADMSG);
}
END_TEST

/* Every prefix and single-byte corruption parses or fails cleanly (ASan checks the reads). */
START_TEST(survives_truncation_and_corruption)
{
	static const char answer[] =
	    "</>;lwm2m=\"1.1\",</0/1>,</0/2>;ssid=1;uri=\"coaps://x:5684\","
	    "</1/0>;ssid=1,</3>;ver=\"1.1\",</3/0>";
	size_t n = sizeof(answer) - 1;
	char *copy = malloc(n);

	for (size_t len = 0; len <= n; len++) {
		char *prefix = malloc(len ? len : 1);
		int rc;

		memcpy(prefix, answer, len);
		rc = discover_parse(prefix, len, &res);
		ck_assert(rc == 0 || rc == -EBADMSG);
		free(prefix);
	}
	for (size_t i = 0; i < n; i++) {
		for (int v = 0; v < 256; v++) {
			int rc;

			memcpy(copy, answer, n);
			copy[i] = (char)v;
			rc = discover_parse(copy, n, &res);
			ck_assert(rc == 0 || rc == -EBADMSG);
		}
	}
	free(copy);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("linkformat");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parses_wakaama_answer);
	tcase_add_test(tc, parses_anjay_answer);
	tcase_add_test(tc, version_defaults_to_1_0);
	tcase_add_test(tc, tolerates_spacing_unknown_and_deep_links);
	tcase_add_test(tc, rejects_malformed_answers);
	tcase_add_test(tc, survives_truncation_and_corruption);
	suite_add_tcase(s, tc);
	return s;
}
