#include <check.h>
#include <stdint.h>
#include <string.h>

#include "audit/json.h"

/* The text json_end() produced, NUL-terminated in b. */
static const char *text(struct buf *b)
{
	ck_assert_int_eq(buf_putc(b, '\0'), 0);
	return (const char *)b->data;
}

START_TEST(fields_nest_with_commas)
{
	struct buf b = BUF_INIT;
	struct json j;

	json_begin(&j, &b);
	json_str(&j, "ep", "dev-1");
	json_int(&j, "n", -7);
	json_array(&j, "ops");
	json_object(&j, NULL);
	json_bool(&j, "ok", true);
	json_close_object(&j);
	json_object(&j, NULL);
	json_null(&j, "code");
	json_close_object(&j);
	json_close_array(&j);
	json_real(&j, "rate", 12.5);
	ck_assert_int_eq(json_end(&j), 0);
	ck_assert_str_eq(text(&b), "{\"ep\":\"dev-1\",\"n\":-7,\"ops\":[{\"ok\":true},"
				   "{\"code\":null}],\"rate\":12.500}\n");
	buf_free(&b);
}
END_TEST

START_TEST(strings_escaped)
{
	struct buf b = BUF_INIT;
	struct json j;

	json_begin(&j, &b);
	json_strn(&j, "s", "a\"b\\c\n\x01\xff", 8);
	ck_assert_int_eq(json_end(&j), 0);
	ck_assert_str_eq(text(&b), "{\"s\":\"a\\\"b\\\\c\\u000a\\u0001\\u00ff\"}\n");
	buf_free(&b);
}
END_TEST

START_TEST(int_extremes)
{
	struct buf b = BUF_INIT;
	struct json j;

	json_begin(&j, &b);
	json_int(&j, "min", INT64_MIN);
	json_int(&j, "max", INT64_MAX);
	json_int(&j, "zero", 0);
	ck_assert_int_eq(json_end(&j), 0);
	ck_assert_str_eq(text(&b), "{\"min\":-9223372036854775808,\"max\":9223372036854775807,"
				   "\"zero\":0}\n");
	buf_free(&b);
}
END_TEST

START_TEST(real_has_no_length_limit)
{
	struct buf b = BUF_INIT;
	struct json j;

	json_begin(&j, &b);
	json_real(&j, "big", 1e300);
	ck_assert_int_eq(json_end(&j), 0);
	ck_assert_uint_gt(strlen(text(&b)), 300);
	ck_assert_ptr_nonnull(strstr((const char *)b.data, ".000}\n"));
	buf_free(&b);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, fields_nest_with_commas);
	tcase_add_test(tc, strings_escaped);
	tcase_add_test(tc, int_extremes);
	tcase_add_test(tc, real_has_no_length_limit);
	suite_add_tcase(s, tc);
	return s;
}
