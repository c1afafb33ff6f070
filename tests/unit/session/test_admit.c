/* unit.admit: who may bootstrap as which endpoint (session/admit.c). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "cred/cert.h"
#include "policy/policy.h"
#include "session/admit.h"
#include "util/encoding.h"

#define NOW_S 1700000000LL

/* Two P-256 SubjectPublicKeyInfos (openssl pkey -pubout -outform DER). */
#define RPK_A "3059301306072a8648ce3d020106082a8648ce3d03010703420004b8dcafbd1a5f55f6342a64e3cd871bd76bc69748e8c4908c1541543750e3d3929c26be322b6821b8f0112dba28ae529c50aad780093fa0abd15560655c2677a0"
#define RPK_B "3059301306072a8648ce3d020106082a8648ce3d030107034200046d29778204d05688cf28952668c14c5c7b6a60538c1dff7ec9d6012d6dd40a2973d1a2348fcfa2c1e387c0519bac4f1385513638cbace5cdb40d51dba574fb12"
#define RPK_UNKNOWN "3059301306072a8648ce3d020106082a8648ce3d030107034200040000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"

static const char *policy_yaml =
    "lwbsd:\n"
    "  revoked: [\"serial:0B:AD\", \"sha256:"
    "ee"
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\"]\n"
    "servers:\n"
    "  - {id: dm, uri: \"coap://127.0.0.1:5783\", short_server_id: 1, lifetime: 60,\n"
    "     binding: U, notification_storing: false, security: nosec}\n"
    "devices:\n"
    "  - endpoint: dev-cn\n"
    "    bootstrap: {certificate: {}}\n"
    "    servers: [dm]\n"
    "  - endpoint: \"urn:dev:os:1234-5678\"\n"
    "    bootstrap: {certificate: {match: san_uri}}\n"
    "    servers: [dm]\n"
    "  - endpoint: 0f8fad5b-d9cb-469f-a165-70867728950e\n"
    "    bootstrap: {certificate: {match: guid}}\n"
    "    servers: [dm]\n"
    "  - endpoint: pinned\n"
    "    bootstrap:\n"
    "      certificate: {fingerprint_sha256: \""
    "1111111111111111111111111111111111111111111111111111111111111111\"}\n"
    "    servers: [dm]\n"
    "  - endpoint_pattern: \"fleet-*\"\n"
    "    bootstrap: {certificate: {match: san_dns}}\n"
    "    servers: [dm]\n"
    "  - endpoint: rpk-a\n"
    "    bootstrap: {rpk: {public_key_hex: \"" RPK_A "\"}}\n"
    "    servers: [dm]\n"
    "  - endpoint_pattern: \"rpk-fleet-*\"\n"
    "    bootstrap: {rpk: {public_key_hex: \"" RPK_B "\"}}\n"
    "    servers: [dm]\n"
    "  - endpoint: psk-dev\n"
    "    bootstrap: {psk: {identity: p, key_hex: \"00112233445566778899aabbccddeeff\"}}\n"
    "    servers: [dm]\n";

static struct policy *pol;

static void setup(void)
{
	char dir[] = "/tmp/lwbs-admit-XXXXXX", path[64];
	struct conf_diags diags = CONF_DIAGS_INIT;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.yaml", dir);
	f = fopen(path, "w");
	fputs(policy_yaml, f);
	fclose(f);
	if (conf_load(path, &pol, &diags) < 0)
		conf_diags_print(&diags, stderr);
	conf_diags_free(&diags);
	ck_assert_ptr_nonnull(pol);
	unlink(path);
	rmdir(dir);
}

static void teardown(void)
{
	policy_free(pol);
}

/* A fit certificate: P-256, valid now, serial 01, CN cn. */
static struct cred_cert_facts facts(const char *cn)
{
	struct cred_cert_facts f;

	memset(&f, 0, sizeof(f));
	snprintf(f.cn, sizeof(f.cn), "%s", cn);
	f.serial[0] = 1;
	f.serial_len = 1;
	memset(f.sha256, 0x22, sizeof(f.sha256));
	f.not_before = NOW_S - 3600;
	f.not_after = NOW_S + 3600;
	f.key_ec = true;
	f.key_bits = 256;
	return f;
}

static int admit(const char *ep, const struct cred_cert_facts *f, struct bs_client *c,
                 const struct policy_device **dev, const char **reason)
{
	memset(c, 0, sizeof(*c));
	c->auth = BS_AUTH_CERT;
	c->started_unix_ms = NOW_S * 1000;
	snprintf(c->endpoint, sizeof(c->endpoint), "%s", ep);
	return admit_client_cert(pol, c, f, dev, reason);
}

START_TEST(cn_matches_endpoint)
{
	struct cred_cert_facts f = facts("dev-cn");
	const struct policy_device *dev = NULL;
	const char *reason = NULL;
	struct bs_client c;

	ck_assert_int_eq(admit("dev-cn", &f, &c, &dev, &reason), 0);
	ck_assert_str_eq(dev->endpoint, "dev-cn");
	ck_assert_str_eq(c.identity, "CN=dev-cn");
	/* Without ep= the endpoint is the CN (Transport TS 1.2 §5.2.1). */
	ck_assert_int_eq(admit("", &f, &c, &dev, &reason), 0);
	ck_assert_str_eq(c.endpoint, "dev-cn");
}
END_TEST

START_TEST(cn_of_another_device_refused)
{
	struct cred_cert_facts f = facts("dev-cn");
	const struct policy_device *dev = NULL;
	const char *reason = NULL;
	struct bs_client c;

	ck_assert_int_eq(admit("pinned", &f, &c, &dev, &reason), -EACCES);
	ck_assert_str_eq(reason, "certificate does not name this endpoint");
	ck_assert_ptr_null(dev);
	ck_assert_int_eq(admit("nobody", &f, &c, &dev, &reason), -ENOENT);
	/* A PSK device cannot be claimed with a certificate, even one naming it. */
	f = facts("psk-dev");
	ck_assert_int_eq(admit("psk-dev", &f, &c, &dev, &reason), -EACCES);
}
END_TEST

START_TEST(san_and_guid_matching)
{
	struct cred_cert_facts f = facts("whatever");
	const struct policy_device *dev = NULL;
	const char *reason = NULL;
	struct bs_client c;

	snprintf(f.san_uri, sizeof(f.san_uri), "urn:dev:os:1234-5678");
	snprintf(f.guid, sizeof(f.guid), "0f8fad5b-d9cb-469f-a165-70867728950e");
	snprintf(f.san_dns, sizeof(f.san_dns), "fleet-7");
	ck_assert_int_eq(admit("urn:dev:os:1234-5678", &f, &c, &dev, &reason), 0);
	ck_assert_int_eq(admit("0f8fad5b-d9cb-469f-a165-70867728950e", &f, &c, &dev, &reason), 0);
	ck_assert_int_eq(admit("fleet-7", &f, &c, &dev, &reason), 0);
	ck_assert_str_eq(dev->pattern, "fleet-*");
	ck_assert_int_eq(admit("fleet-8", &f, &c, &dev, &reason), -EACCES);
	/* The CN does not count for a device that matches by GUID. */
	f = facts("0f8fad5b-d9cb-469f-a165-70867728950e");
	ck_assert_int_eq(admit("0f8fad5b-d9cb-469f-a165-70867728950e", &f, &c, &dev, &reason),
	                 -EACCES);
	/* Derived without ep=: the GUID names the device. */
	f = facts("x");
	snprintf(f.guid, sizeof(f.guid), "0f8fad5b-d9cb-469f-a165-70867728950e");
	ck_assert_int_eq(admit("", &f, &c, &dev, &reason), 0);
	ck_assert_str_eq(c.endpoint, "0f8fad5b-d9cb-469f-a165-70867728950e");
}
END_TEST

START_TEST(revoked_by_serial_or_fingerprint)
{
	struct cred_cert_facts f = facts("dev-cn");
	const struct policy_device *dev = NULL;
	const char *reason = NULL;
	struct bs_client c;

	f.serial[0] = 0x0b;
	f.serial[1] = 0xad;
	f.serial_len = 2;
	ck_assert_int_eq(admit("dev-cn", &f, &c, &dev, &reason), -EACCES);
	ck_assert_str_eq(reason, "certificate is revoked in the policy");
	f.serial_len = 1; /* 0B alone is another serial */
	ck_assert_int_eq(admit("dev-cn", &f, &c, &dev, &reason), 0);
	f = facts("dev-cn");
	memset(f.sha256, 0xee, sizeof(f.sha256));
	ck_assert_int_eq(admit("dev-cn", &f, &c, &dev, &reason), -EACCES);
}
END_TEST

START_TEST(validity_and_key_strength)
{
	struct cred_cert_facts f = facts("dev-cn");
	const struct policy_device *dev = NULL;
	const char *reason = NULL;
	struct bs_client c;

	f.not_after = NOW_S - 1;
	ck_assert_int_eq(admit("dev-cn", &f, &c, &dev, &reason), -EACCES);
	ck_assert_str_eq(reason, "certificate has expired");
	f = facts("dev-cn");
	f.not_before = NOW_S + 1;
	ck_assert_int_eq(admit("dev-cn", &f, &c, &dev, &reason), -EACCES);
	ck_assert_str_eq(reason, "certificate is not valid yet");
	f = facts("dev-cn");
	f.key_bits = 224; /* secp224r1 */
	ck_assert_int_eq(admit("dev-cn", &f, &c, &dev, &reason), -EACCES);
	f = facts("dev-cn");
	f.key_ec = false;
	f.key_bits = 2048;
	ck_assert_int_eq(admit("dev-cn", &f, &c, &dev, &reason), -EACCES);
}
END_TEST

START_TEST(fingerprint_pin)
{
	struct cred_cert_facts f = facts("pinned");
	const struct policy_device *dev = NULL;
	const char *reason = NULL;
	struct bs_client c;

	ck_assert_int_eq(admit("pinned", &f, &c, &dev, &reason), -EACCES);
	ck_assert_str_eq(reason, "certificate differs from the one pinned for this device");
	memset(f.sha256, 0x11, sizeof(f.sha256));
	ck_assert_int_eq(admit("pinned", &f, &c, &dev, &reason), 0);
}
END_TEST

static int admit_rpk(const char *ep, const char *spki_hex, struct bs_client *c,
                     const struct policy_device **dev, const char **reason)
{
	uint8_t spki[128];
	size_t len = 0;

	ck_assert_int_eq(encoding_hex_decode(spki_hex, strlen(spki_hex), spki, sizeof(spki), &len),
	                 0);
	memset(c, 0, sizeof(*c));
	c->auth = BS_AUTH_RPK;
	snprintf(c->endpoint, sizeof(c->endpoint), "%s", ep);
	return admit_client_rpk(pol, c, spki, len, dev, reason);
}

START_TEST(rpk_pinned_key_admits_its_endpoint)
{
	const struct policy_device *dev = NULL;
	const char *reason = NULL;
	struct bs_client c;

	ck_assert_int_eq(admit_rpk("rpk-a", RPK_A, &c, &dev, &reason), 0);
	ck_assert_str_eq(dev->endpoint, "rpk-a");
	/* Transport TS 1.2 §5.2.1: no ep= names the key's own entry. */
	ck_assert_int_eq(admit_rpk("", RPK_A, &c, &dev, &reason), 0);
	ck_assert_str_eq(c.endpoint, "rpk-a");
	ck_assert_int_eq(admit_rpk("rpk-fleet-9", RPK_B, &c, &dev, &reason), 0);
	ck_assert_str_eq(dev->pattern, "rpk-fleet-*");
}
END_TEST

START_TEST(rpk_unknown_key_or_foreign_endpoint_refused)
{
	const struct policy_device *dev = NULL;
	const char *reason = NULL;
	struct bs_client c;

	ck_assert_int_eq(admit_rpk("rpk-a", RPK_UNKNOWN, &c, &dev, &reason), -ENOENT);
	ck_assert_str_eq(reason, "raw public key is not in the policy");
	ck_assert_int_eq(admit_rpk("rpk-fleet-1", RPK_A, &c, &dev, &reason), -EACCES);
	ck_assert_str_eq(reason, "raw public key may not claim this endpoint name");
	ck_assert_int_eq(admit_rpk("dev-cn", RPK_A, &c, &dev, &reason), -EACCES);
	/* A group has no exact name to derive. */
	ck_assert_int_eq(admit_rpk("", RPK_B, &c, &dev, &reason), -EACCES);
	ck_assert_ptr_null(dev);
}
END_TEST

START_TEST(rpk_lookup_is_by_exact_key)
{
	uint8_t spki[128];
	size_t len = 0;

	encoding_hex_decode(RPK_A, strlen(RPK_A), spki, sizeof(spki), &len);
	ck_assert_ptr_nonnull(policy_device_by_rpk(pol, spki, len));
	ck_assert_ptr_null(policy_device_by_rpk(pol, spki, len - 1));
	spki[len - 1] ^= 1;
	ck_assert_ptr_null(policy_device_by_rpk(pol, spki, len));
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("admit");
	TCase *tc = tcase_create("certificate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, cn_matches_endpoint);
	tcase_add_test(tc, cn_of_another_device_refused);
	tcase_add_test(tc, san_and_guid_matching);
	tcase_add_test(tc, revoked_by_serial_or_fingerprint);
	tcase_add_test(tc, validity_and_key_strength);
	tcase_add_test(tc, fingerprint_pin);
	suite_add_tcase(s, tc);
	tc = tcase_create("rpk");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rpk_pinned_key_admits_its_endpoint);
	tcase_add_test(tc, rpk_unknown_key_or_foreign_endpoint_refused);
	tcase_add_test(tc, rpk_lookup_is_by_exact_key);
	suite_add_tcase(s, tc);
	return s;
}
