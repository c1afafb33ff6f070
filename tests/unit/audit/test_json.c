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
	json_str(&j, "k\"\n", "");
	ck_assert_int_eq(json_end(&j), 0);
	ck_assert_str_eq(text(&b), "{\"s\":\"a\\\"b\\\\c\\u000a\\u0001\\u00ff\","
				   "\"k\\\"\\u000a\":\"\"}\n");
	buf_free(&b);
}
END_TEST

/* The escaping, one byte at a time, as RFC 8259 §7 and json.h have it. */
static void reference_escape(const unsigned char *s, size_t n, struct buf *out)
{
	static const char hex[] = "0123456789abcdef";

	buf_append(out, "{\"s\":\"", 6);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, (char)c);
		} else if (c < 0x20 || c >= 0x7f) {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			buf_append(out, u, 6);
		} else {
			buf_putc(out, (char)c);
		}
	}
	buf_append(out, "\"}\n", 3);
	buf_putc(out, '\0');
}

static void check_escape(const unsigned char *s, size_t n)
{
	struct buf want = BUF_INIT, got = BUF_INIT;
	struct json j;

	reference_escape(s, n, &want);
	json_begin(&j, &got);
	json_strn(&j, "s", (const char *)s, n);
	ck_assert_int_eq(json_end(&j), 0);
	ck_assert_str_eq(text(&got), (const char *)want.data);
	buf_free(&want);
	buf_free(&got);
}

/* json.c tests 8 bytes at once: every byte value at every offset of a
 * string longer than two words, then pairs of the values next to each
 * boundary of what must be escaped, where a borrow could hide one. */
START_TEST(every_byte_at_every_offset)
{
	static const unsigned char edge[] = {0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b,
					     0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff};
	unsigned char s[19];

	for (size_t n = 0; n <= sizeof(s); n++)
		for (size_t at = 0; at < n; at++)
			for (unsigned v = 0; v < 256; v++) {
				memset(s, 'a', sizeof(s));
				s[at] = (unsigned char)v;
				check_escape(s, n);
			}
	for (size_t a = 0; a < 16; a++)
		for (size_t b = a + 1; b < 16; b++)
			for (size_t x = 0; x < sizeof(edge); x++)
				for (size_t y = 0; y < sizeof(edge); y++) {
					memset(s, 'a', sizeof(s));
					s[a] = edge[x];
					s[b] = edge[y];
					check_escape(s, 16);
				}
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
	tcase_add_test(tc, every_byte_at_every_offset);
	tcase_add_test(tc, int_extremes);
	tcase_add_test(tc, real_has_no_length_limit);
	suite_add_tcase(s, tc);
	return s;
}
