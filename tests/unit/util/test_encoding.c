#include <check.h>
#include <errno.h>
#include <string.h>

#include "util/encoding.h"

static int hex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	return encoding_hex_decode(s, strlen(s), out, cap, len);
}

static int b64(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	return encoding_base64_decode(s, strlen(s), out, cap, len);
}

START_TEST(hex_decodes_both_cases)
{
	uint8_t out[8];
	size_t len = 99;

	ck_assert_int_eq(hex("00ff10ABcD", out, sizeof(out), &len), 0);
	ck_assert_uint_eq(len, 5);
	ck_assert_mem_eq(out, "\x00\xff\x10\xab\xcd", 5);
	ck_assert_int_eq(hex("", out, sizeof(out), &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(encoding_hex_decoded_len(10), 5);
}
END_TEST

START_TEST(hex_rejects_and_leaves_out_alone)
{
	uint8_t out[4] = {1, 2, 3, 4};
	size_t len = 99;

	ck_assert_int_eq(hex("abc", out, sizeof(out), &len), -EINVAL);
	ck_assert_int_eq(hex("0g", out, sizeof(out), &len), -EINVAL);
	ck_assert_int_eq(hex("0x00", out, sizeof(out), &len), -EINVAL);
	ck_assert_int_eq(hex("00 11", out, sizeof(out), &len), -EINVAL);
	ck_assert_int_eq(hex("0011223344", out, sizeof(out), &len), -ENOSPC);
	ck_assert_mem_eq(out, "\x01\x02\x03\x04", 4);
	ck_assert_uint_eq(len, 99);
}
END_TEST

START_TEST(hex_encodes_lowercase)
{
	char s[11];

	encoding_hex_encode((const uint8_t *)"\x00\xff\x10\xab\xcd", 5, s);
	ck_assert_str_eq(s, "00ff10abcd");
	encoding_hex_encode(NULL, 0, s);
	ck_assert_str_eq(s, "");
}
END_TEST

/* RFC 4648 section 10, padded and unpadded. */
START_TEST(base64_rfc4648_vectors)
{
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const padded[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
	                                     "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	static const char *const bare[] = {"",       "Zg",      "Zm8",     "Zm9v",
	                                   "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
	uint8_t out[16];
	size_t len;

	for (int i = 0; i < 7; i++) {
		ck_assert_int_eq(b64(padded[i], out, sizeof(out), &len), 0);
		ck_assert_uint_eq(len, strlen(plain[i]));
		ck_assert_mem_eq(out, plain[i], len);
		ck_assert_int_eq(b64(bare[i], out, sizeof(out), &len), 0);
		ck_assert_uint_eq(len, strlen(plain[i]));
		ck_assert_mem_eq(out, plain[i], len);
		ck_assert_uint_ge(encoding_base64_decoded_max(strlen(padded[i])), len);
	}
}
END_TEST

START_TEST(base64_url_safe_alphabet)
{
	uint8_t out[8];
	size_t len;

	ck_assert_int_eq(b64("+/8=", out, sizeof(out), &len), 0);
	ck_assert_uint_eq(len, 2);
	ck_assert_mem_eq(out, "\xfb\xff", 2);
	ck_assert_int_eq(b64("-_8", out, sizeof(out), &len), 0);
	ck_assert_uint_eq(len, 2);
	ck_assert_mem_eq(out, "\xfb\xff", 2);
	ck_assert_int_eq(b64("-_8=", out, sizeof(out), &len), 0);
	/* One string, one alphabet. */
	ck_assert_int_eq(b64("+_8=", out, sizeof(out), &len), -EINVAL);
}
END_TEST

START_TEST(base64_rejects_malformed)
{
	uint8_t out[8] = {7, 7, 7, 7, 7, 7, 7, 7};
	size_t len = 99;

	ck_assert_int_eq(b64("Z", out, sizeof(out), &len), -EINVAL);     /* 6 bits: not a byte */
	ck_assert_int_eq(b64("Zg=", out, sizeof(out), &len), -EINVAL);   /* partial padding */
	ck_assert_int_eq(b64("Zg===", out, sizeof(out), &len), -EINVAL); /* too much padding */
	ck_assert_int_eq(b64("Zh==", out, sizeof(out), &len), -EINVAL);  /* non-zero spare bits */
	ck_assert_int_eq(b64("Zm9=", out, sizeof(out), &len), -EINVAL);  /* non-zero spare bits */
	ck_assert_int_eq(b64("Zm 9v", out, sizeof(out), &len), -EINVAL);
	ck_assert_int_eq(b64("Zm=v", out, sizeof(out), &len), -EINVAL);
	ck_assert_int_eq(b64("Zm9vYmFy", out, 5, &len), -ENOSPC);
	ck_assert_mem_eq(out, "\x07\x07\x07\x07\x07\x07\x07\x07", 8);
	ck_assert_uint_eq(len, 99);
}
END_TEST

START_TEST(base64_binary_roundtrip_of_all_bytes)
{
	static const char enc[] = "AAECAwQFBgcICQoLDA0ODw";
	uint8_t out[16];
	size_t len;

	ck_assert_int_eq(b64(enc, out, sizeof(out), &len), 0);
	ck_assert_uint_eq(len, 16);
	for (int i = 0; i < 16; i++)
		ck_assert_uint_eq(out[i], i);
}
END_TEST

START_TEST(base64url_encode_rfc4648_vectors)
{
	static const struct {
		const char *in, *out;
	} v[] = {{"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"},
		 {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
		 {"\xfb\xff", "-_8"}};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct buf b = BUF_INIT;
		ck_assert_int_eq(encoding_base64url_encode((const uint8_t *)v[i].in,
							   strlen(v[i].in), &b), 0);
		ck_assert_uint_eq(b.len, strlen(v[i].out));
		ck_assert(b.len == 0 || memcmp(b.data, v[i].out, b.len) == 0);
		buf_free(&b);
	}
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("encoding");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, hex_decodes_both_cases);
	tcase_add_test(tc, hex_rejects_and_leaves_out_alone);
	tcase_add_test(tc, hex_encodes_lowercase);
	tcase_add_test(tc, base64_rfc4648_vectors);
	tcase_add_test(tc, base64_url_safe_alphabet);
	tcase_add_test(tc, base64_rejects_malformed);
	tcase_add_test(tc, base64_binary_roundtrip_of_all_bytes);
	tcase_add_test(tc, base64url_encode_rfc4648_vectors);
	suite_add_tcase(s, tc);
	return s;
}
