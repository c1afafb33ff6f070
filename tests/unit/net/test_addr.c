#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <string.h>

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

static const char *formatted(const char *host, uint16_t port, char *out, size_t cap)
{
	coap_address_t a;

	ck_assert_int_eq(net_addr_parse(host, port, &a), 0);
	net_addr_format(&a, out, cap);
	return out;
}

START_TEST(format_ipv4_and_ipv6_with_port)
{
	char t[64];

	ck_assert_str_eq(formatted("192.0.2.1", 5683, t, sizeof(t)), "192.0.2.1:5683");
	ck_assert_str_eq(formatted("0.0.0.0", 0, t, sizeof(t)), "0.0.0.0:0");
	ck_assert_str_eq(formatted("255.255.255.255", 65535, t, sizeof(t)),
			 "255.255.255.255:65535");
	ck_assert_str_eq(formatted("2001:db8::1", 5684, t, sizeof(t)), "[2001:db8::1]:5684");
	ck_assert_str_eq(formatted("::ffff:10.0.0.7", 40000, t, sizeof(t)),
			 "[::ffff:10.0.0.7]:40000");
}
END_TEST

/* The audit log's "peer" keeps the text libcoap's coap_print_addr() gave it. */
START_TEST(format_matches_libcoap)
{
	static const char *const hosts[] = {"127.0.0.1", "10.20.30.40", "1.2.3.4", "::1",
					    "fe80::1:2:3:4", "2001:db8:0:1:1:1:1:1",
					    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"};
	static const uint16_t ports[] = {0, 9, 10, 99, 100, 5683, 65535};
	char ours[64], theirs[64];
	coap_address_t a;

	for (size_t h = 0; h < sizeof(hosts) / sizeof(hosts[0]); h++)
		for (size_t p = 0; p < sizeof(ports) / sizeof(ports[0]); p++) {
			ck_assert_int_eq(net_addr_parse(hosts[h], ports[p], &a), 0);
			net_addr_format(&a, ours, sizeof(ours));
			memset(theirs, 0, sizeof(theirs));
			coap_print_addr(&a, (uint8_t *)theirs, sizeof(theirs) - 1);
			ck_assert_str_eq(ours, theirs);
		}
}
END_TEST

START_TEST(format_truncates_and_handles_no_address)
{
	char t[8];
	coap_address_t a;

	ck_assert_str_eq(formatted("192.0.2.1", 5683, t, sizeof(t)), "192.0.2");
	t[0] = 'x';
	net_addr_format(NULL, t, sizeof(t));
	ck_assert_str_eq(t, "");
	coap_address_init(&a);
	a.addr.sa.sa_family = AF_UNIX;
	t[0] = 'x';
	net_addr_format(&a, t, sizeof(t));
	ck_assert_str_eq(t, "");
	t[0] = 'x';
	net_addr_format(&a, t, 0);
	ck_assert_int_eq(t[0], 'x');
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
	tcase_add_test(tc, format_ipv4_and_ipv6_with_port);
	tcase_add_test(tc, format_matches_libcoap);
	tcase_add_test(tc, format_truncates_and_handles_no_address);
	suite_add_tcase(s, tc);
	return s;
}
