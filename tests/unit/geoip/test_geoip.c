/*
 * unit.geoip: lookups in a MaxMind DB written by the test itself
 * (tests/geoip/write_test_mmdb.pl, named by $LWBS_GEOIP_WRITER), and a
 * route on GeoIP country through the policy loader and the targets seam.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/conf.h"
#include "geoip/geoip.h"
#include "policy/policy_routes.h"
#include "session/targets.h"

static char dir[64], db[128];

static void db_setup(void)
{
	const char *writer = getenv("LWBS_GEOIP_WRITER");
	char cmd[512];

	ck_assert_msg(writer != NULL, "LWBS_GEOIP_WRITER is not set");
	snprintf(dir, sizeof(dir), "/tmp/lwbs-geoip-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/test.mmdb", dir);
	snprintf(cmd, sizeof(cmd), "perl '%s' '%s'", writer, db);
	ck_assert_msg(system(cmd) == 0, "%s failed (needs libmaxmind-db-writer-perl)", cmd);
}

static void db_teardown(void)
{
	unlink(db);
	rmdir(dir);
}

static int lookup(const struct geoip *g, const char *addr, struct geoip_result *r)
{
	uint8_t b[16];
	int fam = strchr(addr, ':') ? AF_INET6 : AF_INET;

	ck_assert_int_eq(inet_pton(fam, addr, b), 1);
	return geoip_lookup(g, fam, b, r);
}

START_TEST(country_and_coordinates)
{
	struct geoip *g = NULL;
	struct geoip_result r;
	const char *why = NULL;

	ck_assert(geoip_available());
	ck_assert_int_eq(geoip_open(db, &g, &why), 0);
	ck_assert_int_eq(lookup(g, "192.0.2.77", &r), 0);
	ck_assert_str_eq(r.country, "DE");
	ck_assert(r.has_location && fabs(r.lat - 50.11) < 1e-9 && fabs(r.lon - 8.68) < 1e-9);
	ck_assert_int_eq(lookup(g, "198.51.100.1", &r), 0);
	ck_assert_str_eq(r.country, "US");
	ck_assert_int_eq(lookup(g, "2001:db8:1::5", &r), 0);
	ck_assert_str_eq(r.country, "FR");
	ck_assert(!r.has_location);
	ck_assert_int_eq(lookup(g, "203.0.113.9", &r), -ENOENT);
	ck_assert_int_eq(lookup(g, "2001:db9::1", &r), -ENOENT);
	geoip_close(g);
}
END_TEST

START_TEST(bad_files_are_refused)
{
	struct geoip *g = NULL;
	const char *why = NULL;
	char path[160];
	FILE *f;

	ck_assert_int_lt(geoip_open("/nonexistent/x.mmdb", &g, &why), 0);
	ck_assert_ptr_nonnull(why);
	snprintf(path, sizeof(path), "%s/junk.mmdb", dir);
	f = fopen(path, "w");
	fputs("not a database\n", f);
	fclose(f);
	ck_assert_int_eq(geoip_open(path, &g, &why), -EINVAL);
	unlink(path);
	geoip_close(NULL);
}
END_TEST

static int load(const char *yaml, struct policy **out, struct conf_diags *d)
{
	char path[160];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/p.yaml", dir);
	f = fopen(path, "w");
	fprintf(f, yaml, db);
	fclose(f);
	rc = conf_load(path, out, d);
	unlink(path);
	return rc;
}

static const char *geo_yaml =
    "lwbsd:\n"
    "  geoip_db: %s\n"
    "servers:\n"
    "  - {id: de, uri: \"coap://127.0.0.1:5701\", short_server_id: 1, security: nosec}\n"
    "  - {id: other, uri: \"coap://127.0.0.1:5702\", short_server_id: 2, security: nosec}\n"
    "routes:\n"
    "  - {name: germany, match: {country: [de, at]}, server: de}\n"
    "  - {name: rest, server: other}\n"
    "devices:\n"
    "  - {endpoint_pattern: \"*\", bootstrap: {nosec: true}}\n";

static const char *route_from(const struct policy *p, const char *src)
{
	struct bs_client c = {.auth = BS_AUTH_NOSEC, .endpoint = "ep", .peer_family = AF_INET};
	struct targets_query q = {p, policy_device_by_endpoint(p, "ep"), &c, LWM2M_V1_1, true};
	struct plan_target t[TARGETS_MAX];
	const char *reason = NULL;
	size_t n = 0;

	ck_assert_int_eq(inet_pton(AF_INET, src, c.peer_addr), 1);
	ck_assert_int_eq(targets_resolve(&q, t, &n, &reason), 0);
	ck_assert_uint_eq(n, 1);
	return t[0].server->id;
}

START_TEST(route_by_country)
{
	struct conf_diags d = CONF_DIAGS_INIT;
	struct policy *p = NULL;

	ck_assert_int_eq(load(geo_yaml, &p, &d), 0);
	ck_assert_ptr_nonnull(policy_geoip(p));
	ck_assert_str_eq(route_from(p, "192.0.2.10"), "de");
	ck_assert_str_eq(route_from(p, "198.51.100.10"), "other");
	ck_assert_str_eq(route_from(p, "203.0.113.10"), "other"); /* not in the database */
	policy_free(p);
	conf_diags_free(&d);
}
END_TEST

START_TEST(unusable_database_is_a_load_error)
{
	struct conf_diags d = CONF_DIAGS_INIT;
	struct policy *p = NULL;
	const char *yaml = "lwbsd:\n  geoip_db: %s.missing\n"
	                   "servers:\n"
	                   "  - {id: a, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	                   "routes:\n  - {server: a}\n";

	ck_assert_int_eq(load(yaml, &p, &d), -EINVAL);
	ck_assert_uint_ge(d.n, 1);
	ck_assert_int_eq(d.items[0].line, 2);
	ck_assert_int_eq(d.items[0].col, 13);
	ck_assert_ptr_nonnull(strstr(d.items[0].msg, "cannot use GeoIP database"));
	conf_diags_free(&d);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("geoip");
	TCase *tc = tcase_create("mmdb");

	tcase_add_checked_fixture(tc, db_setup, db_teardown);
	tcase_add_test(tc, country_and_coordinates);
	tcase_add_test(tc, bad_files_are_refused);
	tcase_add_test(tc, route_by_country);
	tcase_add_test(tc, unusable_database_is_a_load_error);
	suite_add_tcase(s, tc);
	return s;
}
