/* unit.spki: raw public keys as the policy pins them (policy/spki.c). */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "policy/spki.h"
#include "util/encoding.h"

/* openssl ecparam -name prime256v1 -genkey | openssl pkey -pubout -outform DER */
static const char p256_hex[] =
    "3059301306072a8648ce3d020106082a8648ce3d03010703420004b8dcafbd1a5f55f6342a64e3cd871bd76bc6"
    "9748e8c4908c1541543750e3d3929c26be322b6821b8f0112dba28ae529c50aad780093fa0abd15560655c2677a0";
/* The same key in PEM, as `openssl pkey -pubout` prints it. */
static const char p256_pem[] = "-----BEGIN PUBLIC KEY-----\n"
                               "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEuNyvvRpfVfY0KmTjzYcb12vGl0jo\n"
                               "xJCMFUFUN1Dj05KcJr4yK2ghuPARLboorlKcUKrXgAk/oKvRVWBlXCZ3oA==\n"
                               "-----END PUBLIC KEY-----\n";
/* The same key with a compressed point (-ec_conv_form compressed). */
static const char p256_compressed_hex[] =
    "3039301306072a8648ce3d020106082a8648ce3d03010703220002b8dcafbd1a5f55f6342a64e3cd871bd76bc6"
    "9748e8c4908c1541543750e3d392";
static const char p384_hex[] =
    "3076301006072a8648ce3d020106052b810400220362000409463a65ae6cb7f7448a0a6a4d7549366d7a143ca73b"
    "de188533425d74e7671970f910b16bdb1e144612a86d9a7125f53ced7a178c7442336897a76c9d3c8256fc7dcdd3"
    "0478416214cb9fa90f136b4da4b152297e01e30507d5da1b54546964";
static const char p224_hex[] =
    "304e301006072a8648ce3d020106052b81040021033a00043af6a3f29979d08c812d709590fbe7239719c5eb6fc6"
    "2d908bfb322a65fe4313974f26557393c3e867968c82a94f2393fba703bd54456f18";
static const char ed25519_hex[] =
    "302a300506032b65700321003ff7866a1bd1f2d17cdb243dc7cee171f4d2ac750b5c5187d6248678f3e11b3b";

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	ck_assert_int_eq(encoding_hex_decode(hex, strlen(hex), out, cap, &n), 0);
	return n;
}

START_TEST(der_p256_is_copied_as_is)
{
	uint8_t in[SPKI_MAX], out[SPKI_MAX];
	size_t n = unhex(p256_hex, in, sizeof(in)), len = 0;
	const char *why = NULL;

	ck_assert_uint_eq(n, 91);
	ck_assert_int_eq(spki_parse(in, n, out, sizeof(out), &len, &why), 0);
	ck_assert_uint_eq(len, n);
	ck_assert_mem_eq(out, in, n);
}
END_TEST

START_TEST(pem_gives_the_same_der)
{
	uint8_t der[SPKI_MAX], out[SPKI_MAX];
	size_t n = unhex(p256_hex, der, sizeof(der)), len = 0;
	const char *why = NULL;

	ck_assert_int_eq(
	    spki_parse((const uint8_t *)p256_pem, strlen(p256_pem), out, sizeof(out), &len, &why),
	    0);
	ck_assert_uint_eq(len, n);
	ck_assert_mem_eq(out, der, n);
}
END_TEST

START_TEST(p384_accepted)
{
	uint8_t in[SPKI_MAX], out[SPKI_MAX];
	size_t n = unhex(p384_hex, in, sizeof(in)), len = 0;
	const char *why = NULL;

	ck_assert_int_eq(spki_parse(in, n, out, sizeof(out), &len, &why), 0);
	ck_assert_uint_eq(len, 120);
}
END_TEST

/* Each refused input leaves out and *len untouched and says why. */
static void refused(const uint8_t *in, size_t n, const char *why_part)
{
	uint8_t out[SPKI_MAX];
	size_t len = 7;
	const char *why = NULL;

	memset(out, 0xa5, sizeof(out));
	ck_assert_int_lt(spki_parse(in, n, out, sizeof(out), &len, &why), 0);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, why_part) != NULL, "why: %s", why);
	ck_assert_uint_eq(len, 7);
	ck_assert_uint_eq(out[0], 0xa5);
}

START_TEST(weak_curve_compressed_point_and_other_algorithms_refused)
{
	uint8_t in[SPKI_MAX];

	refused(in, unhex(p224_hex, in, sizeof(in)), "curves below 255 bits");
	refused(in, unhex(p256_compressed_hex, in, sizeof(in)), "uncompressed point");
	refused(in, unhex(ed25519_hex, in, sizeof(in)), "not an elliptic-curve");
}
END_TEST

START_TEST(malformed_and_private_keys_refused)
{
	static const char priv[] = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n"
	                           "-----END EC PRIVATE KEY-----\n";
	uint8_t in[SPKI_MAX + 1];
	size_t n = unhex(p256_hex, in, sizeof(in));

	refused((const uint8_t *)priv, strlen(priv), "-pubout");
	in[n] = 0; /* a byte after the SEQUENCE */
	refused(in, n + 1, "not a DER SubjectPublicKeyInfo");
	refused(in, n - 1, "not a DER SubjectPublicKeyInfo");
	refused((const uint8_t *)"hello", 5, "neither DER nor a PEM");
	refused(in, 0, "not a DER SubjectPublicKeyInfo");
}
END_TEST

START_TEST(too_small_output_is_enospc)
{
	uint8_t in[SPKI_MAX], out[64];
	size_t n = unhex(p256_hex, in, sizeof(in)), len = 0;
	const char *why = NULL;

	ck_assert_int_eq(spki_parse(in, n, out, sizeof(out), &len, &why), -ENOSPC);
	ck_assert_uint_eq(len, 0);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("spki");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, der_p256_is_copied_as_is);
	tcase_add_test(tc, pem_gives_the_same_der);
	tcase_add_test(tc, p384_accepted);
	tcase_add_test(tc, weak_curve_compressed_point_and_other_algorithms_refused);
	tcase_add_test(tc, malformed_and_private_keys_refused);
	tcase_add_test(tc, too_small_output_is_enospc);
	suite_add_tcase(s, tc);
	return s;
}
