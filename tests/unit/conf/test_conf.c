/* The YAML loader: inline fixtures written to a temporary directory. */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "conf/conf.h"
#include "policy/policy.h"

static char dir[64];
static struct conf_diags diags;
static struct policy *pol;

static void setup(void)
{
	strcpy(dir, "/tmp/lwbs-conf-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	diags = (struct conf_diags)CONF_DIAGS_INIT;
	pol = NULL;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void teardown(void)
{
	policy_free(pol);
	conf_diags_free(&diags);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* Load dir (name NULL) or one file in it; diagnostics go to stderr for failing tests. */
static int load(const char *name)
{
	char path[256];
	int rc;

	snprintf(path, sizeof(path), "%s%s%s", dir, name ? "/" : "", name ? name : "");
	rc = conf_load(path, &pol, &diags);
	conf_diags_print(&diags, stderr);
	return rc;
}

static const struct conf_diag *find_diag(const char *substr)
{
	for (size_t i = 0; i < diags.n; i++)
		if (strstr(diags.items[i].msg, substr) != NULL)
			return &diags.items[i];
	return NULL;
}

/* A diagnostic containing msg exists in file (base name) at line:col with severity sev. */
static void expect_at(enum conf_severity sev, const char *file, int line, int col, const char *msg)
{
	const struct conf_diag *d = find_diag(msg);
	const char *base;

	ck_assert_msg(d != NULL, "no diagnostic containing \"%s\"", msg);
	base = strrchr(d->file, '/') ? strrchr(d->file, '/') + 1 : d->file;
	ck_assert_str_eq(base, file);
	ck_assert_int_eq(d->line, line);
	ck_assert_int_eq(d->col, col);
	ck_assert_int_eq(d->sev, sev);
}

#define expect_error(file, line, col, msg) expect_at(CONF_ERROR, file, line, col, msg)

/* The reference fixture: every section and key kind, valid. */
static const char full_policy[] =
    "lwbsd:\n"
    "  listen: [127.0.0.1, \"::1\"]\n"
    "  coap_port: 5683\n"
    "  coaps_port: 5684\n"
    "  audit_log: \"-\"\n"
    "  session_timeout: 40\n"
    "  exchange_timeout: 12\n"
    "  discover: false\n"
    "  delete: [\"/0\", \"/1/3\", \"/\"]\n"
    "  format: senml-cbor\n"
    "servers:\n"
    "  - id: dm-local\n"
    "    uri: coap://127.0.0.1:5783\n"
    "    short_server_id: 101\n"
    "    lifetime: 300\n"
    "    binding: UQ\n"
    "    default_min_period: 1\n"
    "    default_max_period: 60\n"
    "    notification_storing: false\n"
    "    security: nosec\n"
    "    resources:\n"
    "      disable_timeout: 86400\n"
    "      \"23\": true\n"
    "      supported_server_versions: [\"1.1\", \"1.2\"]\n"
    "    security_resources:\n"
    "      client_hold_off_time: 0\n"
    "      sni: dm.example\n"
    "  - id: dm-psk\n"
    "    uri: coaps://[::1]:5784/path\n"
    "    short_server_id: 102\n"
    "    security: psk\n"
    "devices:\n"
    "  - endpoint: urn:dev:001\n"
    "    bootstrap:\n"
    "      psk:\n"
    "        identity: dev-001\n"
    "        key_hex: \"000102030405060708090a0b0c0d0e0f\"\n"
    "    servers:\n"
    "      - server: dm-local\n"
    "      - server: dm-psk\n"
    "        psk: {identity: dev-001-dm, key_base64: \"AAECAwQFBgcICQoLDA0ODw==\"}\n"
    "    tags: [factory-a, meter]\n"
    "    location: {lat: 52.1, lon: -4.3, region: eu-west}\n"
    "  - endpoint_pattern: \"sensor-*\"\n"
    "    bootstrap: {nosec: true}\n"
    "    servers: [dm-local]\n";

START_TEST(full_policy_loads)
{
	const struct policy_settings *s;
	const struct policy_server *srv;

	write_file("policy.yaml", full_policy, 0644);
	ck_assert_int_eq(load(NULL), 0);
	ck_assert_uint_eq(diags.n, 0);
	s = policy_settings(pol);
	ck_assert_uint_eq(s->n_listen, 2);
	ck_assert_str_eq(s->listen[1], "::1");
	ck_assert_str_eq(s->audit_log, "-");
	ck_assert_uint_eq(s->session_timeout, 40);
	ck_assert_uint_eq(s->exchange_timeout, 12);
	ck_assert(!s->discover);
	ck_assert_uint_eq(s->n_delete, 3);
	ck_assert_uint_eq(s->delete_paths[0].depth, 1);
	ck_assert_uint_eq(s->delete_paths[1].depth, 2);
	ck_assert_uint_eq(s->delete_paths[1].ids[1], 3);
	ck_assert_uint_eq(s->delete_paths[2].depth, 0);
	ck_assert(!s->format_auto);
	ck_assert_int_eq(s->format, LWM2M_FMT_SENML_CBOR);
	ck_assert_int_eq(s->line, 2);

	srv = policy_server_by_id(pol, "dm-local");
	ck_assert_ptr_nonnull(srv);
	ck_assert_str_eq(srv->uri, "coap://127.0.0.1:5783");
	ck_assert_uint_eq(srv->ssid, 101);
	ck_assert_int_eq(srv->security, POLICY_SEC_NOSEC);
	ck_assert_uint_eq(srv->lifetime, 300);
	ck_assert_str_eq(srv->binding, "UQ");
	ck_assert(srv->has_min_period && srv->has_max_period);
	ck_assert_uint_eq(srv->default_max_period, 60);
	ck_assert(!srv->notification_storing);
	ck_assert_int_eq(srv->line, 12);
	/* Sorted by (rid, riid): 5, 23, 25/0, 25/1. */
	ck_assert_uint_eq(srv->n_server_res, 4);
	ck_assert_uint_eq(srv->server_res[0].rid, 5);
	ck_assert_int_eq(srv->server_res[0].riid, LWM2M_NO_RIID);
	ck_assert_int_eq(srv->server_res[0].value.type, LWM2M_TYPE_INTEGER);
	ck_assert_int_eq(srv->server_res[0].value.v.i, 86400);
	ck_assert_uint_eq(srv->server_res[1].rid, 23);
	ck_assert_int_eq(srv->server_res[1].value.type, LWM2M_TYPE_BOOLEAN);
	ck_assert(srv->server_res[1].value.v.b);
	ck_assert_uint_eq(srv->server_res[3].rid, 25);
	ck_assert_int_eq(srv->server_res[3].riid, 1);
	ck_assert_mem_eq(srv->server_res[3].value.v.bytes.data, "1.2", 3);
	ck_assert_uint_eq(srv->n_security_res, 2);
	ck_assert_uint_eq(srv->security_res[0].rid, 11);
	ck_assert_uint_eq(srv->security_res[1].rid, 14);

	srv = policy_server_by_ssid(pol, 102);
	ck_assert_str_eq(srv->id, "dm-psk");
	ck_assert_uint_eq(srv->lifetime, 86400); /* defaults */
	ck_assert_str_eq(srv->binding, "U");
	ck_assert(srv->notification_storing);
	ck_assert(!srv->has_min_period);
}
END_TEST

START_TEST(full_policy_devices)
{
	const struct policy_device *d;

	write_file("policy.yaml", full_policy, 0644);
	ck_assert_int_eq(load("policy.yaml"), 0);
	d = policy_device_by_psk_identity(pol, (const uint8_t *)"dev-001", 7);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_eq(policy_device_by_endpoint(pol, "urn:dev:001"), d);
	ck_assert_int_eq(d->bootstrap, POLICY_CRED_PSK);
	ck_assert_uint_eq(d->psk.key_len, 16);
	ck_assert_uint_eq(d->psk.key[15], 15);
	ck_assert_uint_eq(d->n_servers, 2);
	ck_assert_str_eq(d->servers[0].server->id, "dm-local");
	ck_assert_ptr_null(d->servers[0].psk.key);
	ck_assert_str_eq(d->servers[1].server->id, "dm-psk");
	ck_assert_mem_eq(d->servers[1].psk.identity, "dev-001-dm", 10);
	ck_assert_uint_eq(d->servers[1].psk.key_len, 16);
	ck_assert_uint_eq(d->n_tags, 2);
	ck_assert_str_eq(d->tags[1], "meter");
	ck_assert(d->location.has_lat && d->location.has_lon);
	ck_assert_double_eq_tol(d->location.lon, -4.3, 1e-9);
	ck_assert_str_eq(d->location.region, "eu-west");
	ck_assert_int_eq(d->line, 33);
	ck_assert_str_eq(strrchr(d->file, '/'), "/policy.yaml");

	d = policy_device_by_endpoint(pol, "sensor-42");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->pattern, "sensor-*");
	ck_assert_int_eq(d->bootstrap, POLICY_CRED_NOSEC);
	ck_assert(policy_device_claims(d, "sensor-1"));
	ck_assert(!policy_device_claims(d, "meter-1"));
	ck_assert_ptr_null(policy_device_by_endpoint(pol, "meter-1"));
	ck_assert_uint_eq(policy_device_count(pol), 2);
	ck_assert_uint_eq(strlen(policy_version(pol)), 16);
}
END_TEST

START_TEST(unknown_key_suggests)
{
	write_file("x.yaml",
	           "servers:\n"
	           "  - id: dm-local\n"
	           "    uri: coap://127.0.0.1:5783\n"
	           "    short_server_id: 101\n"
	           "    security: nosec\n"
	           "    lifetme: 300\n"
	           "    colour: blue\n",
	           0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	ck_assert_ptr_null(pol);
	expect_error("x.yaml", 6, 5,
	             "unknown key 'lifetme' in server 'dm-local' (did you mean 'lifetime'?)");
	expect_error("x.yaml", 7, 5, "unknown key 'colour' in server 'dm-local' (known keys: id,");
}
END_TEST

START_TEST(type_and_range_errors)
{
	write_file("x.yaml",
	           "servers:\n"
	           "  - id: a\n"
	           "    uri: coap://h\n"
	           "    short_server_id: 70000\n"
	           "    security: nosec\n"
	           "    lifetime: \"300\"\n"
	           "    notification_storing: yes\n"
	           "  - id: b\n"
	           "    uri: coap://h\n"
	           "    short_server_id: abc\n"
	           "    security: pks\n"
	           "    lifetime: [1]\n",
	           0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("x.yaml", 4, 22,
	             "'short_server_id' in server 'a' must be between 1 and 65534, not '70000'");
	expect_error("x.yaml", 6, 15,
	             "'lifetime' in server 'a' must be an integer, not the quoted string '300'");
	expect_error("x.yaml", 7, 27, "'notification_storing' in server 'a' must be true or false");
	expect_error("x.yaml", 10, 22,
	             "'short_server_id' in server 'b' must be an integer, not 'abc'");
	expect_error("x.yaml", 11, 15,
	             "must be one of psk, rpk, certificate, nosec, not 'pks' "
	             "(did you mean 'psk'?)");
	expect_error("x.yaml", 12, 15, "'lifetime' in server 'b' must be an integer, not a list");
}
END_TEST

START_TEST(bad_uri_and_scheme_security_mismatch)
{
	write_file("x.yaml",
	           "servers:\n"
	           "  - {id: a, uri: \"http://h:80\", short_server_id: 1, security: nosec}\n"
	           "  - {id: b, uri: \"coap://h:99999\", short_server_id: 2, security: nosec}\n"
	           "  - {id: c, uri: \"coaps://h\", short_server_id: 3, security: nosec}\n"
	           "  - {id: d, uri: \"coap://h\", short_server_id: 4, security: psk}\n"
	           "  - {id: e, uri: \"coap://[::g]\", short_server_id: 5, security: nosec}\n",
	           0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("x.yaml", 2, 18, "'uri' 'http://h:80' of server 'a' must start with coap://");
	expect_error("x.yaml", 3, 18, "has a port outside 1..65535");
	expect_error("x.yaml", 4, 61,
	             "server 'c' has a coaps:// uri, so its security must be psk, "
	             "rpk or certificate, not nosec");
	expect_error("x.yaml", 5, 60,
	             "server 'd' has a coap:// uri, so its security must be nosec");
	expect_error("x.yaml", 6, 18, "has a malformed IPv6 address");
}
END_TEST

START_TEST(bad_hex_and_base64_never_echo_secrets)
{
	write_file("x.yaml",
	           "servers:\n"
	           "  - {id: s, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	           "devices:\n"
	           "  - endpoint: a\n"
	           "    bootstrap: {psk: {identity: a, key_hex: \"00zz\"}}\n"
	           "    servers: [s]\n"
	           "  - endpoint: b\n"
	           "    bootstrap: {psk: {identity: b, key_base64: \"QUJD$\"}}\n"
	           "    servers: [s]\n"
	           "  - endpoint: c\n"
	           "    bootstrap: {psk: {identity_hex: \"6g\", key_hex: \"00\"}}\n"
	           "    servers: [s]\n",
	           0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("x.yaml", 5, 45, "'key_hex' in bootstrap psk of device 'a' is not valid hex");
	expect_error("x.yaml", 8, 48,
	             "'key_base64' in bootstrap psk of device 'b' is not valid base64");
	expect_error("x.yaml", 11, 37,
	             "'identity_hex' in bootstrap psk of device 'c' is not "
	             "valid hex (an even number of digits 0-9, a-f): '6g'");
	for (size_t i = 0; i < diags.n; i++) {
		ck_assert_ptr_null(strstr(diags.items[i].msg, "00zz"));
		ck_assert_ptr_null(strstr(diags.items[i].msg, "QUJD"));
	}
}
END_TEST

static const char two_servers[] = "servers:\n"
                                  "  - id: dm-local\n"
                                  "    uri: coap://127.0.0.1:5783\n"
                                  "    short_server_id: 101\n"
                                  "    security: nosec\n"
                                  "  - id: dm-psk\n"
                                  "    uri: coaps://127.0.0.1:5784\n"
                                  "    short_server_id: 102\n"
                                  "    security: psk\n";

START_TEST(merge_of_files_in_name_order)
{
	write_file("20-devices.yaml",
	           "devices:\n"
	           "  - endpoint: a\n"
	           "    bootstrap: {nosec: true}\n"
	           "    servers: [dm-local, late]\n",
	           0644);
	write_file("10-servers.yaml", two_servers, 0644);
	/* Defined after its first use: references resolve once every file is read. */
	write_file("30-late.yaml",
	           "servers:\n"
	           "  - {id: late, uri: \"coap://h\", short_server_id: 7, security: nosec}\n",
	           0644);
	write_file("notes.txt", "not: [policy\n", 0644);
	write_file(".#20-devices.yaml", "garbage: [\n", 0644);
	ck_assert_int_eq(load(NULL), 0);
	ck_assert_uint_eq(diags.n, 0);
	ck_assert_uint_eq(policy_server_count(pol), 3);
	ck_assert_str_eq(policy_server_at(pol, 0)->id, "dm-local");
	ck_assert_str_eq(policy_device_by_endpoint(pol, "a")->servers[1].server->id, "late");
	ck_assert_ptr_nonnull(strstr(policy_server_at(pol, 2)->file, "30-late.yaml"));
}
END_TEST

START_TEST(duplicates_across_files)
{
	write_file("10-a.yaml",
	           "servers:\n"
	           "  - {id: s1, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	           "devices:\n"
	           "  - endpoint: dev-1\n"
	           "    bootstrap: {psk: {identity: shared, key_hex: "
	           "\"000102030405060708090a0b0c0d0e0f\"}}\n"
	           "    servers: [s1]\n"
	           "  - endpoint_pattern: \"g-*\"\n"
	           "    bootstrap: {nosec: true}\n"
	           "    servers: [s1]\n",
	           0644);
	write_file("20-b.yaml",
	           "servers:\n"
	           "  - {id: s1, uri: \"coap://h\", short_server_id: 2, security: nosec}\n"
	           "  - {id: s2, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	           "devices:\n"
	           "  - endpoint: dev-1\n"
	           "    bootstrap: {nosec: true}\n"
	           "    servers: [s1]\n"
	           "  - endpoint: dev-2\n"
	           "    bootstrap: {psk: {identity: shared, key_hex: "
	           "\"000102030405060708090a0b0c0d0e0f\"}}\n"
	           "    servers: [s1]\n"
	           "  - endpoint_pattern: \"g-*\"\n"
	           "    bootstrap: {nosec: true}\n"
	           "    servers: [s1]\n",
	           0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("20-b.yaml", 2, 10, "duplicate server id 's1' (first defined at ");
	ck_assert_ptr_nonnull(strstr(find_diag("duplicate server id")->msg, "10-a.yaml:2)"));
	expect_error("20-b.yaml", 3, 48,
	             "short_server_id 1 of server 's2' is already used by "
	             "server 's1' (");
	expect_error("20-b.yaml", 5, 15, "duplicate endpoint 'dev-1' (first defined at ");
	expect_error("20-b.yaml", 9, 33,
	             "the PSK identity of device 'dev-2' is already used by "
	             "device 'dev-1' (");
	expect_error("20-b.yaml", 11, 23, "duplicate endpoint_pattern 'g-*'");
	ck_assert_uint_eq(diags.n_errors, 5);
}
END_TEST

START_TEST(unknown_server_and_missing_credentials)
{
	write_file("x.yaml",
	           "devices:\n"
	           "  - endpoint: a\n"
	           "    bootstrap: {nosec: true}\n"
	           "    servers:\n"
	           "      - dm-lokal\n"
	           "      - server: dm-psk\n"
	           "      - server: dm-local\n"
	           "        psk: {identity: x, key_hex: \"000102030405060708090a0b0c0d0e0f\"}\n"
	           "      - dm-local\n",
	           0644);
	write_file("y.yaml", two_servers, 0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("x.yaml", 5, 9,
	             "device 'a' refers to unknown server 'dm-lokal' (did you "
	             "mean 'dm-local'?)");
	expect_error("x.yaml", 6, 9,
	             "device 'a' is sent to server 'dm-psk', which uses psk "
	             "security: give its credentials");
	expect_error("x.yaml", 7, 9,
	             "server 'dm-local' uses nosec security: remove 'psk' from "
	             "its entry in device 'a'");
	expect_error("x.yaml", 9, 9, "server 'dm-local' is listed twice in device 'a'");
}
END_TEST

START_TEST(nosec_bootstrap_must_be_explicit)
{
	write_file("x.yaml",
	           "servers:\n"
	           "  - {id: s, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	           "devices:\n"
	           "  - endpoint: a\n"
	           "    servers: [s]\n"
	           "  - endpoint: b\n"
	           "    bootstrap: {nosec: false}\n"
	           "    servers: [s]\n"
	           "  - endpoint: c\n"
	           "    bootstrap: {}\n"
	           "    servers: [s]\n",
	           0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("x.yaml", 4, 5,
	             "device 'a' has no 'bootstrap' credential: give 'bootstrap:' "
	             "with 'psk: {identity: ..., key_hex: ...}', or 'nosec: true'");
	expect_error("x.yaml", 7, 16, "bootstrap credential of device 'b' allows nothing");
	expect_error("x.yaml", 10, 16, "bootstrap credential of device 'c' allows nothing");
	ck_assert_uint_eq(diags.n_errors, 3);
}
END_TEST

/* Messages name a device group by its pattern; a long name is cut to fit. */
START_TEST(device_names_in_messages)
{
	char text[1024], long_ep[401];

	memset(long_ep, 'e', sizeof(long_ep) - 1);
	long_ep[sizeof(long_ep) - 1] = '\0';
	snprintf(text, sizeof(text),
	         "servers:\n"
	         "  - {id: s, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	         "devices:\n"
	         "  - endpoint_pattern: \"fleet-*\"\n"
	         "    bootstrap: {}\n"
	         "    servers: [s]\n"
	         "  - endpoint: %s\n"
	         "    bootstrap: {}\n"
	         "    servers: [s]\n",
	         long_ep);
	write_file("x.yaml", text, 0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("x.yaml", 5, 16, "bootstrap credential of device group 'fleet-*' allows nothing");
	expect_error("x.yaml", 8, 16, "bootstrap credential of device 'eeeeeeeeeeeeeeeeeeee");
	ck_assert_uint_lt(strlen(find_diag("device 'eeee")->msg), 400);
}
END_TEST

START_TEST(syntax_error_reports_libyaml_problem)
{
	write_file("bad.yaml",
	           "servers:\n"
	           "  - id: a\n"
	           "    uri: [coap://h\n"
	           "devices: []\n",
	           0644);
	write_file("good.yaml", "lwbsd: {coap_port: 0, coaps_port: -1}\n", 0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	ck_assert_uint_ge(diags.n_errors, 2);
	ck_assert_str_eq(strrchr(diags.items[0].file, '/'), "/bad.yaml");
	ck_assert_ptr_nonnull(strstr(diags.items[0].msg, "YAML syntax error: "));
	ck_assert_int_eq(diags.items[0].line, 4);
	/* The next file is still read and checked. */
	expect_error("good.yaml", 1, 35,
	             "'coaps_port' in lwbsd settings must be between 0 and "
	             "65535, not '-1'");
}
END_TEST

START_TEST(every_error_is_reported)
{
	write_file(
	    "x.yaml",
	    "lwbsd:\n"
	    "  listen: [localhost]\n"
	    "  sesion_timeout: 5\n"
	    "  format: json\n"
	    "  delete: [\"/0/1/2\"]\n"
	    "servers:\n"
	    "  - {id: s, uri: \"coap://h\", short_server_id: 0, security: nosec, binding: UU}\n"
	    "devices:\n"
	    "  - endpoint: a\n"
	    "    bootstrap: {nosec: true}\n"
	    "    servers: [s]\n"
	    "    location: {lat: 91, lon: x}\n"
	    "    tags: [\"\"]\n"
	    "extra: 1\n",
	    0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("x.yaml", 2, 12, "'localhost' is not an IPv4 or IPv6 address");
	expect_error("x.yaml", 3, 3,
	             "unknown key 'sesion_timeout' in lwbsd settings (did you "
	             "mean 'session_timeout'?)");
	expect_error("x.yaml", 4, 11,
	             "'format' in lwbsd settings must be one of auto, tlv, "
	             "senml-json, senml-cbor, lwm2m-cbor, not 'json'");
	expect_error("x.yaml", 5, 12, "'/0/1/2' is not a Bootstrap-Delete path");
	expect_error("x.yaml", 7, 47,
	             "'short_server_id' in server 's' must be between 1 and 65534");
	expect_error("x.yaml", 7, 76, "'binding' of server 's' must be made of the letters");
	expect_error("x.yaml", 12, 21,
	             "'lat' in location of device 'a' must be between -90 and 90");
	expect_error("x.yaml", 12, 30, "'lon' in location of device 'a' must be a number, not 'x'");
	expect_error("x.yaml", 13, 12, "'tags' in device 'a' must be a non-empty string");
	expect_error("x.yaml", 14, 1,
	             "unknown section 'extra' (known sections: lwbsd, servers, "
	             "devices, pools, regions, routes)");
	ck_assert_uint_eq(diags.n_errors, 10);
}
END_TEST

START_TEST(binary_psk_identity_with_nul)
{
	write_file("x.yaml",
	           "servers:\n"
	           "  - {id: s, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	           "devices:\n"
	           "  - endpoint: a\n"
	           "    bootstrap: {psk: {identity_hex: \"6100620a\", key_hex: "
	           "\"000102030405060708090a0b0c0d0e0f\"}}\n"
	           "    servers: [s]\n"
	           "  - endpoint: b\n"
	           "    bootstrap: {psk: {identity: \"a\\0b\", key_hex: "
	           "\"000102030405060708090a0b0c0d0e0f\"}}\n"
	           "    servers: [s]\n"
	           "  - endpoint: c\n"
	           "    bootstrap: {psk: {identity: \"a\", key_hex: "
	           "\"000102030405060708090a0b0c0d0e0f\"}}\n"
	           "    servers: [s]\n",
	           0644);
	ck_assert_int_eq(load(NULL), 0);
	ck_assert_str_eq(policy_device_by_psk_identity(pol, (const uint8_t *)"a\0b\n", 4)->endpoint,
	                 "a");
	ck_assert_str_eq(policy_device_by_psk_identity(pol, (const uint8_t *)"a\0b", 3)->endpoint,
	                 "b");
	ck_assert_str_eq(policy_device_by_psk_identity(pol, (const uint8_t *)"a", 1)->endpoint,
	                 "c");
	ck_assert_ptr_null(policy_device_by_psk_identity(pol, (const uint8_t *)"a\0", 2));
}
END_TEST

START_TEST(key_file_permissions_warn)
{
	char yaml[512];

	write_file("open.key", "0123456789abcdef", 0644);
	write_file("closed.key", "fedcba9876543210", 0600);
	snprintf(yaml, sizeof(yaml),
	         "servers:\n"
	         "  - {id: s, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	         "devices:\n"
	         "  - endpoint: a\n"
	         "    bootstrap: {psk: {identity: a, key_file: open.key}}\n"
	         "    servers: [s]\n"
	         "  - endpoint: b\n"
	         "    bootstrap: {psk: {identity: b, key_file: %s/closed.key}}\n"
	         "    servers: [s]\n"
	         "  - endpoint: c\n"
	         "    bootstrap: {psk: {identity: c, key_file: missing.key}}\n"
	         "    servers: [s]\n",
	         dir);
	write_file("x.yaml", yaml, 0644);
	ck_assert_int_eq(load("x.yaml"), -EINVAL);
	expect_at(CONF_WARNING, "x.yaml", 5, 46, "is readable by group or others (mode 0644)");
	expect_error("x.yaml", 11, 46, "cannot read key_file '");
	ck_assert_uint_eq(diags.n_warnings, 1);
	ck_assert_uint_eq(diags.n_errors, 1);

	/* Warnings alone do not fail the load; the key is the file's raw bytes. */
	conf_diags_free(&diags);
	write_file("x.yaml",
	           "servers:\n"
	           "  - {id: s, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	           "devices:\n"
	           "  - endpoint: a\n"
	           "    bootstrap: {psk: {identity: a, key_file: open.key}}\n"
	           "    servers: [s]\n",
	           0644);
	ck_assert_int_eq(load("x.yaml"), 0);
	ck_assert_uint_eq(diags.n_warnings, 1);
	ck_assert_mem_eq(policy_device_by_endpoint(pol, "a")->psk.key, "0123456789abcdef", 16);
}
END_TEST

START_TEST(lwbsd_in_one_file_only)
{
	write_file("a.yaml", "lwbsd: {coap_port: 5683}\n", 0644);
	write_file("b.yaml", "\nlwbsd:\n  coap_port: 5690\n", 0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("b.yaml", 3, 3, "lwbsd settings are already given in ");
	ck_assert_ptr_nonnull(strstr(diags.items[0].msg, "a.yaml:1; keep them in one file"));
}
END_TEST

START_TEST(settings_that_contradict)
{
	write_file("x.yaml",
	           "lwbsd:\n"
	           "  coap_port: 5683\n"
	           "  coaps_port: 5683\n"
	           "  session_timeout: 5\n"
	           "  exchange_timeout: 10\n",
	           0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("x.yaml", 3, 15, "coap_port and coaps_port are both 5683");
	expect_error("x.yaml", 5, 21,
	             "exchange_timeout (10 s) must not exceed session_timeout (5 s)");
}
END_TEST

/* lwbsd.workers: 0 in the settings means "one per CPU", decided by lwbsd. */
START_TEST(workers_setting)
{
	write_file("x.yaml", "lwbsd: {coap_port: 5683}\n", 0644);
	ck_assert_int_eq(load(NULL), 0);
	ck_assert_uint_eq(policy_settings(pol)->workers, 0);
	policy_free(pol);
	pol = NULL;
	write_file("x.yaml", "lwbsd:\n  workers: 3\n", 0644);
	ck_assert_int_eq(load(NULL), 0);
	ck_assert_uint_eq(policy_settings(pol)->workers, 3);
	policy_free(pol);
	pol = NULL;
	conf_diags_free(&diags);
	write_file("x.yaml", "lwbsd:\n  workers: 0\n", 0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("x.yaml", 2, 12,
	             "'workers' in lwbsd settings must be between 1 and 256, not '0'");
}
END_TEST

START_TEST(extra_resources_are_checked)
{
	write_file("x.yaml",
	           "servers:\n"
	           "  - id: s\n"
	           "    uri: coap://h\n"
	           "    short_server_id: 1\n"
	           "    security: nosec\n"
	           "    resources:\n"
	           "      lifetime: 5\n"
	           "      disable: 1\n"
	           "      disable_timout: 1\n"
	           "      \"99\": 1\n"
	           "      supported_server_versions: \"1.1\"\n"
	           "      5: 1\n"
	           "      disable_timeout: 2\n"
	           "      apn_link: \"11:0\"\n"
	           "    security_resources:\n"
	           "      public_key_or_identity: {hex: \"00\"}\n"
	           "      sms_binding_key_parameters: \"00\"\n"
	           "      matching_type: -1\n",
	           0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("x.yaml", 7, 7,
	             "resource 'lifetime' (/1/x/1) in server 's' is set from the "
	             "server's 'lifetime'");
	expect_error("x.yaml", 8, 7, "resource 'disable' (/1/x/4) in server 's' is executable");
	expect_error("x.yaml", 9, 7,
	             "unknown Server (/1) resource 'disable_timout' in server 's' "
	             "(did you mean 'disable_timeout'?)");
	expect_error("x.yaml", 10, 7, "unknown Server (/1) resource '99'");
	expect_error("x.yaml", 11, 34,
	             "'supported_server_versions' in server 's' is a "
	             "multiple-instance resource: give a list of values");
	expect_error("x.yaml", 13, 7, "resource 'disable_timeout' in server 's' is given twice");
	expect_error("x.yaml", 16, 7, "resource 'public_key_or_identity' (/0/x/3)");
	expect_error("x.yaml", 17, 35, "is opaque: give it as {hex: ...} or {base64: ...}");
	expect_error("x.yaml", 18, 22, "'matching_type' in server 's' must be between 0 and");
	ck_assert_uint_eq(diags.n_errors, 9);
}
END_TEST

START_TEST(aliases_share_credentials)
{
	write_file("x.yaml",
	           "servers:\n"
	           "  - {id: s, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	           "devices:\n"
	           "  - endpoint: a\n"
	           "    bootstrap: {psk: {identity: a, key_hex: &k "
	           "\"000102030405060708090a0b0c0d0e0f\"}}\n"
	           "    servers: &srv [s]\n"
	           "  - endpoint: b\n"
	           "    bootstrap: {psk: {identity: b, key_hex: *k}}\n"
	           "    servers: *srv\n"
	           "  - endpoint: c\n"
	           "    bootstrap: {nosec: true}\n"
	           "    servers: *nope\n",
	           0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("x.yaml", 12, 14, "unknown alias '*nope'");
	ck_assert_uint_eq(diags.n_errors, 1);
}
END_TEST

START_TEST(structure_errors)
{
	write_file("a.yaml", "- just\n- a list\n", 0644);
	write_file("b.yaml", "servers: {id: x}\ndevices:\n", 0644);
	write_file("c.yaml", "devices: []\n---\ndevices: []\n", 0644);
	write_file("d.yaml", "", 0644);
	write_file("e.yaml", "servers: []\nservers: []\n", 0644);
	ck_assert_int_eq(load(NULL), -EINVAL);
	expect_error("a.yaml", 1, 1,
	             "the top level of a policy file must be a mapping of sections");
	expect_error("b.yaml", 1, 10, "'servers' must be a list, not a mapping");
	expect_error("c.yaml", 2, 1, "a policy file holds one YAML document");
	expect_error("e.yaml", 2, 1, "section 'servers' given twice in this file");
	ck_assert_uint_eq(diags.n_errors, 4);
}
END_TEST

START_TEST(missing_and_empty_paths)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/nowhere", dir);
	ck_assert_int_eq(conf_load(path, &pol, &diags), -EINVAL);
	ck_assert_int_eq(diags.items[0].line, 0);
	ck_assert_ptr_nonnull(strstr(diags.items[0].msg, "cannot read policy (No such file"));
	conf_diags_free(&diags);
	ck_assert_int_eq(conf_load(dir, &pol, &diags), -EINVAL);
	ck_assert_ptr_nonnull(strstr(diags.items[0].msg, "no policy files (*.yaml)"));
	ck_assert_ptr_null(pol);
}
END_TEST

START_TEST(diags_print_format)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	write_file("x.yaml", "lwbsd:\n  coap_prot: 1\n", 0644);
	ck_assert_int_eq(conf_load(dir, &pol, &diags), -EINVAL);
	f = open_memstream(&text, &len);
	conf_diags_print(&diags, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "/x.yaml:2:3: error: unknown key 'coap_prot' in lwbsd "
	                                   "settings (did you mean 'coap_port'?)\n"));
	/* With errors, the empty-policy warning would only be noise. */
	ck_assert_ptr_null(strstr(text, "admits no devices"));
	free(text);
}
END_TEST

static void fnv1a_hex(const char *text, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const char *p = text; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

START_TEST(version_follows_content)
{
	char want[17];

	write_file("a.yaml", "devices: []\n", 0644);
	write_file("b.yaml", "servers: []\n", 0644);
	ck_assert_int_eq(load(NULL), 0);
	ck_assert_uint_eq(diags.n_warnings, 1); /* no devices */
	/* FNV-1a 64 over the files' bytes in load order. */
	fnv1a_hex("devices: []\nservers: []\n", want);
	ck_assert_str_eq(policy_version(pol), want);
	policy_free(pol);
	pol = NULL;
	write_file("a.yaml", "devices: [ ]\n", 0644);
	ck_assert_int_eq(load(NULL), 0);
	ck_assert_str_ne(policy_version(pol), want);
}
END_TEST

START_TEST(relative_paths_follow_the_file)
{
	char want[256];

	ck_assert_int_eq(mkdir(strcat(strcpy(want, dir), "/sub"), 0700), 0);
	write_file("sub/k.key", "0123456789abcdef", 0600);
	write_file(
	    "sub/p.yaml",
	    "lwbsd: {audit_log: logs/audit.jsonl}\n"
	    "servers:\n"
	    "  - {id: s, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	    "devices:\n"
	    "  - {endpoint: a, bootstrap: {psk: {identity: a, key_file: k.key}}, servers: [s]}\n",
	    0644);
	ck_assert_int_eq(load("sub/p.yaml"), 0);
	snprintf(want, sizeof(want), "%s/sub/logs/audit.jsonl", dir);
	ck_assert_str_eq(policy_settings(pol)->audit_log, want);
	ck_assert_mem_eq(policy_device_by_endpoint(pol, "a")->psk.key, "0123456789abcdef", 16);
}
END_TEST

/* The example shipped in policies/ loads cleanly and admits the two demo clients. */
START_TEST(shipped_example_loads)
{
	char path[512];
	const char *src = __FILE__, *cut = strstr(src, "tests/unit/conf/");
	const struct policy_device *d;

	/* __FILE__ is as meson passed it, relative to the build directory tests run in. */
	ck_assert_ptr_nonnull(cut);
	snprintf(path, sizeof(path), "%.*spolicies/example.yaml", (int)(cut - src), src);
	ck_assert_int_eq(conf_load(path, &pol, &diags), 0);
	ck_assert_uint_eq(diags.n, 0);
	d = policy_device_by_endpoint(pol, "lwbs-demo");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->bootstrap, POLICY_CRED_NOSEC);
	ck_assert_str_eq(d->servers[0].server->uri, "coap://127.0.0.1:5783");
	ck_assert_uint_eq(d->servers[0].server->ssid, 101);
	d = policy_device_by_psk_identity(pol, (const uint8_t *)"lwbs-psk-demo", 13);
	ck_assert_ptr_nonnull(d);
	ck_assert(policy_device_claims(d, "lwbs-psk-demo"));
	ck_assert_uint_eq(d->psk.key_len, 16);
	ck_assert_uint_eq(policy_settings(pol)->n_listen, 1);
	ck_assert_str_eq(policy_settings(pol)->audit_log, "-");
}
END_TEST

/* A generated policy of n devices: each with its own endpoint and PSK identity. */
static void write_many(const char *name, int n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("servers:\n"
	      "  - {id: dm, uri: \"coaps://10.0.0.1\", short_server_id: 1, security: psk}\n"
	      "devices:\n",
	      f);
	for (int i = 0; i < n; i++)
		fprintf(f,
		        "  - endpoint: urn:dev:%07d\n"
		        "    bootstrap:\n"
		        "      psk: {identity: id-%07d, key_hex: \"%032x\"}\n"
		        "    servers:\n"
		        "      - server: dm\n"
		        "        psk: {identity: dm-%07d, key_base64: \"AAECAwQFBgcICQoLDA0ODw\"}\n"
		        "    tags: [bulk]\n",
		        i, i, i + 1, i);
	fclose(f);
}

/*
 * n NoSec devices "<prefix>-<i>" under `devices:` (line 1), three lines
 * each from line 2; the first defines anchor &s for its servers, the rest
 * use it, unless first_servers names something else. Then `tail`.
 */
static void write_nosec_many(const char *name, const char *prefix, int n,
                             const char *first_servers, const char *tail)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("devices:\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "  - endpoint: %s-%d\n    bootstrap: {nosec: true}\n    servers: %s\n",
		        prefix, i, i == 0 ? first_servers : "*s");
	fputs(tail, f);
	fclose(f);
}

/*
 * The parser runs ahead on its own thread (src/conf/yaml_events.c): what it
 * hands over must not depend on where its batches end.
 */
START_TEST(parsing_ahead_keeps_order_and_positions)
{
	enum { N = 5000 }; /* some 65,000 events: many batches, more than the ring holds */
	const struct policy_device *d;

	write_file("00-servers.yaml",
	           "servers:\n  - {id: dm, uri: \"coap://h\", short_server_id: 1, security: nosec}\n",
	           0644);
	/* An anchor from the first batch, used in the last. */
	write_nosec_many("a.yaml", "a", N, "&s [dm]", "");
	ck_assert_int_eq(load(NULL), 0);
	ck_assert_uint_eq(policy_device_count(pol), N);
	d = policy_device_by_endpoint(pol, "a-4999");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->servers[0].server->id, "dm");
	ck_assert_int_eq(d->line, 2 + 3 * (N - 1));
	policy_free(pol);
	pol = NULL;
	conf_diags_free(&diags);
	diags = (struct conf_diags)CONF_DIAGS_INIT;

	/* A syntax error after the last batch boundary, at its line. */
	write_nosec_many("a.yaml", "a", N, "&s [dm]",
	                 "  - endpoint: a-x\n    bootstrap: {nosec: true\n    servers: [dm]\n");
	/* An error at once, with the parser thread far ahead: the walk stops there. */
	write_nosec_many("b.yaml", "b", N, "*nope", "");
	ck_assert_int_eq(load(NULL), -EINVAL);
	ck_assert_str_eq(strrchr(diags.items[0].file, '/'), "/a.yaml");
	ck_assert_ptr_nonnull(strstr(diags.items[0].msg, "YAML syntax error: "));
	ck_assert_int_eq(diags.items[0].line, 2 + 3 * N + 2);
	expect_error("b.yaml", 4, 14, "unknown alias '*nope'");
	ck_assert_uint_eq(diags.n_errors, 2);
}
END_TEST

START_TEST(hundred_thousand_devices)
{
	enum { N = 100000 };
	struct timespec t0, t1;
	char key[32];

	write_many("bulk.yaml", N);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(load(NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_uint_eq(policy_device_count(pol), N);
	for (int i = 0; i < N; i += 997) {
		const struct policy_device *d;
		snprintf(key, sizeof(key), "id-%07d", i);
		d = policy_device_by_psk_identity(pol, (const uint8_t *)key, strlen(key));
		ck_assert_ptr_nonnull(d);
		snprintf(key, sizeof(key), "urn:dev:%07d", i);
		ck_assert_ptr_eq(policy_device_by_endpoint(pol, key), d);
		ck_assert_uint_eq(d->psk.key[15], (i + 1) & 0xff);
		ck_assert_str_eq(d->servers[0].server->id, "dm");
	}
	ck_assert_ptr_null(policy_device_by_endpoint(pol, "urn:dev:9999999"));
	fprintf(stderr, "loaded %d devices in %.2f s\n", N,
	        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}
END_TEST


/* Issue 4: certificate bootstrap entries, lwbsd's PKI keys, generated server credentials. */
START_TEST(raw_public_keys_are_checked)
{
	/* RFC 7250 keys: one per device, EC of at least 255 bits, one of three spellings. */
	write_file("p.yaml",
	           "lwbsd:\n"
	           "  coaps_rpk_port: 5685\n"
	           "servers:\n"
	           "  - {id: dm, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	           "devices:\n"
	           "  - endpoint: a\n"
	           "    bootstrap: {rpk: {public_key_hex: \"3059301306072a8648ce3d020106082a8648ce3d03010703420004b8dcafbd1a5f55f6342a64e3cd871bd76bc69748e8c4908c1541543750e3d3929c26be322b6821b8f0112dba28ae529c50aad780093fa0abd15560655c2677a0\"}}\n"
	           "    servers: [dm]\n"
	           "  - endpoint: b\n"
	           "    bootstrap: {rpk: {public_key_hex: \"3059301306072a8648ce3d020106082a8648ce3d03010703420004b8dcafbd1a5f55f6342a64e3cd871bd76bc69748e8c4908c1541543750e3d3929c26be322b6821b8f0112dba28ae529c50aad780093fa0abd15560655c2677a0\"}}\n"
	           "    servers: [dm]\n"
	           "  - endpoint: c\n"
	           "    bootstrap: {rpk: {public_key_hex: \"304e301006072a8648ce3d020106052b81040021033a00043af6a3f29979d08c812d709590fbe7239719c5eb6fc62d908bfb322a65fe4313974f26557393c3e867968c82a94f2393fba703bd54456f18\"}}\n"
	           "    servers: [dm]\n"
	           "  - endpoint: d\n"
	           "    bootstrap: {rpk: {}}\n"
	           "    servers: [dm]\n"
	           "  - endpoint: e\n"
	           "    bootstrap: {rpk: {public_key_file: e.key}}\n"
	           "    servers: [dm]\n",
	           0644);
	write_file("e.key", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n",
	           0600);
	ck_assert_int_lt(load("p.yaml"), 0);
	expect_error("p.yaml", 2, 19, "give coaps_rpk_port without rpk_key: give 'rpk_key'");
	expect_error("p.yaml", 10, 39, "the raw public key of device 'b' is already used by device "
	                               "'a'");
	expect_error("p.yaml", 13, 39, "is not on P-256, P-384 or P-521");
	expect_error("p.yaml", 16, 22, "needs exactly one of 'public_key_file'");
	expect_error("p.yaml", 19, 40, "is a private key: give only the public key");
}
END_TEST

START_TEST(certificate_keys_are_checked)
{
	write_file("p.yaml",
	           "lwbsd:\n"
	           "  revoked: [\"serial:01:02\", \"md5:00\"]\n"
	           "  key: k.pem\n"
	           "servers:\n"
	           "  - {id: gen, uri: \"coaps://h\", short_server_id: 1, security: psk,\n"
	           "     credentials: generated-psk}\n"
	           "  - {id: der, uri: \"coaps://h\", short_server_id: 2, security: psk,\n"
	           "     credentials: derived-psk, master_secret_hex: \"0011\"}\n"
	           "  - {id: bad, uri: \"coap://h\", short_server_id: 3, security: nosec,\n"
	           "     credentials: rpk}\n"
	           "devices:\n"
	           "  - endpoint: a\n"
	           "    bootstrap: {certificate: {match: cm}}\n"
	           "    servers: [gen]\n"
	           "  - endpoint: b\n"
	           "    bootstrap: {certificate: {fingerprint_sha256: \"ab\"}, nosec: true}\n"
	           "    servers: [gen]\n",
	           0644);
	ck_assert_int_lt(load("p.yaml"), 0);
	expect_error("p.yaml", 2, 29, "revoked entry 'md5:00' must be 'serial:HEX'");
	expect_error("p.yaml", 3, 8, "k.pem' of lwbsd settings cannot be read");
	expect_error("p.yaml", 5, 5, "server 'gen': generated credentials must reach the server");
	expect_error("p.yaml", 7, 5, "server 'der' derives PSKs: give 'master_secret_hex'");
	expect_error("p.yaml", 9, 5, "server 'bad': credentials rpk need security rpk");
	expect_error("p.yaml", 13, 38, "not 'cm' (did you mean 'cn'?)");
	expect_error("p.yaml", 16, 51, "must be the 64 hex digits of the certificate's SHA-256");
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("load");
	TCase *big = tcase_create("scale");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, full_policy_loads);
	tcase_add_test(tc, full_policy_devices);
	tcase_add_test(tc, unknown_key_suggests);
	tcase_add_test(tc, type_and_range_errors);
	tcase_add_test(tc, bad_uri_and_scheme_security_mismatch);
	tcase_add_test(tc, bad_hex_and_base64_never_echo_secrets);
	tcase_add_test(tc, merge_of_files_in_name_order);
	tcase_add_test(tc, duplicates_across_files);
	tcase_add_test(tc, unknown_server_and_missing_credentials);
	tcase_add_test(tc, nosec_bootstrap_must_be_explicit);
	tcase_add_test(tc, device_names_in_messages);
	tcase_add_test(tc, syntax_error_reports_libyaml_problem);
	tcase_add_test(tc, every_error_is_reported);
	tcase_add_test(tc, binary_psk_identity_with_nul);
	tcase_add_test(tc, key_file_permissions_warn);
	tcase_add_test(tc, lwbsd_in_one_file_only);
	tcase_add_test(tc, settings_that_contradict);
	tcase_add_test(tc, workers_setting);
	tcase_add_test(tc, extra_resources_are_checked);
	tcase_add_test(tc, aliases_share_credentials);
	tcase_add_test(tc, parsing_ahead_keeps_order_and_positions);
	tcase_add_test(tc, structure_errors);
	tcase_add_test(tc, missing_and_empty_paths);
	tcase_add_test(tc, diags_print_format);
	tcase_add_test(tc, version_follows_content);
	tcase_add_test(tc, shipped_example_loads);
	tcase_add_test(tc, relative_paths_follow_the_file);
	tcase_add_test(tc, certificate_keys_are_checked);
	tcase_add_test(tc, raw_public_keys_are_checked);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(big, setup, teardown);
	tcase_set_timeout(big, 120);
	tcase_add_test(big, hundred_thousand_devices);
	suite_add_tcase(s, big);
	return s;
}
