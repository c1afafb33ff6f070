#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

START_TEST(append_grows_and_keeps_bytes)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(buf_putc(&b, (uint8_t)i), 0);
	ck_assert_uint_eq(b.len, 1000);
	for (int i = 0; i < 1000; i++)
		ck_assert_uint_eq(b.data[i], (uint8_t)i);
	buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(printf_appends_without_nul)
{
	struct buf b = BUF_INIT;
	ck_assert_int_eq(buf_printf(&b, "ep=%s", "dev1"), 0);
	ck_assert_int_eq(buf_printf(&b, "&n=%d", 7), 0);
	ck_assert_uint_eq(b.len, strlen("ep=dev1&n=7"));
	ck_assert_int_eq(memcmp(b.data, "ep=dev1&n=7", b.len), 0);
	buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(free_of_empty_is_noop)
{
	struct buf b = BUF_INIT;
	buf_free(&b);
	buf_free(&b);
	ck_assert_int_eq(buf_append(&b, "", 0), 0);
	ck_assert_ptr_null(b.data);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, append_grows_and_keeps_bytes);
	tcase_add_test(tc, printf_appends_without_nul);
	tcase_add_test(tc, free_of_empty_is_noop);
	suite_add_tcase(s, tc);
	return s;
}
