#include <check.h>
#include <stdint.h>
#include <string.h>

#include "util/strjoin.h"

START_TEST(joins_up_to_null)
{
	char b[32];

	ck_assert_uint_eq(str_join(b, sizeof(b), "device '", "x", "'", NULL), 10);
	ck_assert_str_eq(b, "device 'x'");
	ck_assert_uint_eq(str_join(b, sizeof(b), NULL), 0);
	ck_assert_str_eq(b, "");
	ck_assert_uint_eq(str_join(b, sizeof(b), "", "a", "", NULL), 1);
	ck_assert_str_eq(b, "a");
}
END_TEST

START_TEST(cuts_to_fit)
{
	char b[8];

	memset(b, 'z', sizeof(b));
	ck_assert_uint_eq(str_join(b, sizeof(b), "abcd", "efgh", "ijkl", NULL), 7);
	ck_assert_str_eq(b, "abcdefg");
	ck_assert_uint_eq(str_join(b, 1, "abc", NULL), 0);
	ck_assert_str_eq(b, "");
}
END_TEST

START_TEST(uint_digits)
{
	char d[20];

	ck_assert_uint_eq(str_uint(d, 0), 1);
	ck_assert_int_eq(memcmp(d, "0", 1), 0);
	ck_assert_uint_eq(str_uint(d, 65535), 5);
	ck_assert_int_eq(memcmp(d, "65535", 5), 0);
	ck_assert_uint_eq(str_uint(d, UINT64_MAX), 20);
	ck_assert_int_eq(memcmp(d, "18446744073709551615", 20), 0);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("strjoin");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, joins_up_to_null);
	tcase_add_test(tc, cuts_to_fit);
	tcase_add_test(tc, uint_digits);
	suite_add_tcase(s, tc);
	return s;
}
