/* unit.cred: minting, certificate facts, HKDF, atomic files, the provider (src/cred). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cred/cert.h"
#include "cred/files.h"
#include "cred/mint.h"
#include "cred/provision.h"
#include "policy/policy.h"
#include "util/encoding.h"

static void unhex(const char *s, uint8_t *out, size_t *n)
{
	ck_assert_int_eq(encoding_hex_decode(s, strlen(s), out, 256, n), 0);
}

/* RFC 5869 Appendix A.1, test case 1. */
START_TEST(hkdf_rfc5869_case1)
{
	uint8_t ikm[22], salt[13], info[10], want[42], got[42];
	size_t n;

	memset(ikm, 0x0b, sizeof(ikm));
	unhex("000102030405060708090a0b0c", salt, &n);
	unhex("f0f1f2f3f4f5f6f7f8f9", info, &n);
	unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b88718"
	      "5865",
	      want, &n);
	ck_assert_int_eq(cred_hkdf_sha256(ikm, sizeof(ikm), salt, sizeof(salt), info, sizeof(info),
	                                  got, sizeof(got)),
	                 0);
	ck_assert_mem_eq(got, want, sizeof(want));
}
END_TEST

START_TEST(derived_psk_uses_documented_inputs)
{
	static const uint8_t master[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	uint8_t a[32], b[32], other[32];

	ck_assert_int_eq(cred_derive_psk(master, sizeof(master), "dev-1", a), 0);
	ck_assert_int_eq(cred_hkdf_sha256(master, sizeof(master),
	                                  (const uint8_t *)"lwbs derived-psk v1", 19,
	                                  (const uint8_t *)"dev-1", 5, b, sizeof(b)),
	                 0);
	ck_assert_mem_eq(a, b, sizeof(a));
	ck_assert_int_eq(cred_derive_psk(master, sizeof(master), "dev-2", other), 0);
	ck_assert(memcmp(a, other, sizeof(a)) != 0);
}
END_TEST

START_TEST(issued_certificate_facts)
{
	static struct cred_issued ca, dev, dev2;
	struct cred_cert_facts f;
	time_t now = time(NULL);

	ck_assert_int_eq(cred_ca_new("unit CA", 30, &ca), 0);
	ck_assert_int_eq(cred_issue(ca.cert, ca.cert_len, ca.key, ca.key_len, "meter-9", 10, &dev),
	                 0);
	ck_assert_int_eq(cred_cert_facts(dev.cert, dev.cert_len, &f), 0);
	ck_assert_str_eq(f.cn, "meter-9");
	ck_assert_str_eq(f.guid, dev.guid);
	ck_assert_uint_eq(strlen(f.guid), CRED_GUID_LEN);
	ck_assert(f.key_ec);
	ck_assert_uint_eq(f.key_bits, 256);
	ck_assert(f.not_before <= now && now < f.not_after);
	ck_assert(f.not_after - f.not_before >= 10 * 86400 - 2 * 86400);
	ck_assert_uint_gt(f.serial_len, 0);
	/* Each issue: a new key, GUID and serial. */
	ck_assert_int_eq(cred_issue(ca.cert, ca.cert_len, ca.key, ca.key_len, "meter-9", 10, &dev2),
	                 0);
	ck_assert_str_ne(dev.guid, dev2.guid);
	ck_assert(dev.key_len != dev2.key_len || memcmp(dev.key, dev2.key, dev.key_len) != 0);
	/* Not a certificate. */
	ck_assert_int_eq(cred_cert_facts(dev.key, dev.key_len, &f), -EINVAL);
	/* A CA key that is not a key. */
	ck_assert_int_lt(cred_issue(ca.cert, ca.cert_len, ca.cert, 10, "x", 1, &dev2), 0);
}
END_TEST

START_TEST(pem_round_trip)
{
	static struct cred_issued ca;
	struct buf pem = BUF_INIT;
	uint8_t der[CRED_DER_MAX];
	size_t n;

	ck_assert_int_eq(cred_ca_new("unit CA", 1, &ca), 0);
	ck_assert_int_eq(cred_to_pem(ca.cert, ca.cert_len, false, &pem), 0);
	ck_assert(memmem(pem.data, pem.len, "BEGIN CERTIFICATE", 17) != NULL);
	ck_assert_int_eq(cred_from_pem(pem.data, pem.len, false, der, sizeof(der), &n), 0);
	ck_assert_uint_eq(n, ca.cert_len);
	ck_assert_mem_eq(der, ca.cert, n);
	buf_reset(&pem);
	ck_assert_int_eq(cred_to_pem(ca.key, ca.key_len, true, &pem), 0);
	ck_assert_int_eq(cred_from_pem(pem.data, pem.len, true, der, sizeof(der), &n), 0);
	ck_assert_mem_eq(der, ca.key, n);
	buf_free(&pem);
}
END_TEST

START_TEST(atomic_write_modes_and_excl)
{
	char dir[] = "/tmp/lwbs-cred-XXXXXX", path[64];
	struct buf back = BUF_INIT;
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/k", dir);
	ck_assert_int_eq(cred_write_atomic(path, "one", 3, 0600, true), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(cred_write_atomic(path, "two", 3, 0600, true), -EEXIST);
	ck_assert_int_eq(cred_write_atomic(path, "three", 5, 0644, false), 0);
	ck_assert_int_eq(cred_read_file(path, &back), 0);
	ck_assert_uint_eq(back.len, 5);
	ck_assert_mem_eq(back.data, "three", 5);
	ck_assert_int_eq(rmdir(dir), -1); /* no temporary file left beside it */
	unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);
	buf_free(&back);
}
END_TEST

START_TEST(provider_exports_before_handing_out)
{
	char dir[] = "/tmp/lwbs-prov-XXXXXX", path[64];
	struct policy_server srv = {.id = "dm", .credentials = POLICY_CREDS_GENERATED_PSK};
	const struct targets_provider *prov;
	struct cred_provision *p;
	struct plan_creds creds;
	struct buf back = BUF_INIT;
	const char *reason = NULL;
	char hex[65];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dm.jsonl", dir);
	srv.export_file = path;
	ck_assert_int_eq(cred_provision_new(&p, &prov), 0);
	ck_assert_int_eq(prov->provide(prov->arg, &srv, "dev-\"q", &creds, &reason), 0);
	ck_assert_uint_eq(creds.secret_len, 32);
	ck_assert_uint_eq(creds.identity_len, 22);
	ck_assert_int_eq(cred_read_file(path, &back), 0);
	encoding_hex_encode(creds.secret, creds.secret_len, hex);
	ck_assert(memmem(back.data, back.len, hex, 64) != NULL);
	ck_assert(memmem(back.data, back.len, "\"endpoint\":\"dev-\\\"q\"", 20) != NULL);
	/* An export that cannot be written hands out nothing. */
	srv.export_file = "/nonexistent/dir/x.jsonl";
	memset(&creds, 0, sizeof(creds));
	ck_assert_int_lt(prov->provide(prov->arg, &srv, "dev-2", &creds, &reason), 0);
	ck_assert_ptr_null(creds.secret);
	ck_assert_ptr_nonnull(strstr(reason, "credentials export to '/nonexistent/dir/x.jsonl'"));
	cred_provision_free(p);
	unlink(path);
	rmdir(dir);
	buf_free(&back);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("cred");
	TCase *tc = tcase_create("cred");

	tcase_add_test(tc, hkdf_rfc5869_case1);
	tcase_add_test(tc, derived_psk_uses_documented_inputs);
	tcase_add_test(tc, issued_certificate_facts);
	tcase_add_test(tc, pem_round_trip);
	tcase_add_test(tc, atomic_write_modes_and_excl);
	tcase_add_test(tc, provider_exports_before_handing_out);
	suite_add_tcase(s, tc);
	return s;
}
