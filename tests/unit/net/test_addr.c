#include <arpa/inet.h>
#include <check.h>
#include <errno.h>

#include "net/addr.h"

START_TEST(ipv4_literal_with_port)
{
	coap_address_t a;

	ck_assert_int_eq(net_addr_parse("127.0.0.2", 5683, &a), 0);
	ck_assert_int_eq(a.addr.sa.sa_family, AF_INET);
	ck_assert_uint_eq(ntohs(a.addr.sin.sin_port), 5683);
	ck_assert_uint_eq(ntohl(a.addr.sin.sin_addr.s_addr), 0x7f000002);
	ck_assert_uint_eq(a.size, sizeof(a.addr.sin));
}
END_TEST

START_TEST(ipv6_literal_with_port)
{
	coap_address_t a;

	ck_assert_int_eq(net_addr_parse("::1", 20000, &a), 0);
	ck_assert_int_eq(a.addr.sa.sa_family, AF_INET6);
	ck_assert_uint_eq(ntohs(a.addr.sin6.sin6_port), 20000);
	ck_assert(IN6_IS_ADDR_LOOPBACK(&a.addr.sin6.sin6_addr));
	ck_assert_uint_eq(a.size, sizeof(a.addr.sin6));
}
END_TEST

/* No name lookup, no brackets, no port suffix: those are the caller's. */
START_TEST(anything_but_a_literal_is_refused)
{
	static const char *const bad[] = {"localhost", "[::1]", "127.0.0.1:5683", "", "1.2.3",
					  "256.0.0.1"};
	coap_address_t a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(net_addr_parse(bad[i], 1, &a), -EINVAL);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, ipv4_literal_with_port);
	tcase_add_test(tc, ipv6_literal_with_port);
	tcase_add_test(tc, anything_but_a_literal_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
