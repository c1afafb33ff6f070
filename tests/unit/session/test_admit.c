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

#define NOW_S 1700000000LL

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
	return s;
}
