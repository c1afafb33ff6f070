/* unit.route: every matcher, every strategy, location order, decisions, shadowing, loader. */
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
#include "policy/policy_routes.h"
#include "route/route.h"
#include "session/targets.h"

/* Load yaml from a temporary file; diags (may be NULL) receive the problems. */
static int load(const char *yaml, struct policy **out, struct conf_diags *diags)
{
	char dir[] = "/tmp/lwbs-route-XXXXXX", path[64];
	struct conf_diags local = CONF_DIAGS_INIT;
	FILE *f;
	int rc;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.yaml", dir);
	f = fopen(path, "w");
	fputs(yaml, f);
	fclose(f);
	rc = conf_load(path, out, diags ? diags : &local);
	if (rc < 0 && diags == NULL)
		conf_diags_print(&local, stderr);
	conf_diags_free(&local);
	unlink(path);
	rmdir(dir);
	return rc;
}

static bool has_diag(const struct conf_diags *d, int line, int col, const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].line == line && (col == 0 || d->items[i].col == col) &&
		    strstr(d->items[i].msg, text) != NULL)
			return true;
	return false;
}

static struct policy_cidr cidr(const char *addr, unsigned prefix)
{
	struct policy_cidr c = {strchr(addr, ':') ? AF_INET6 : AF_INET, {0}, prefix};

	ck_assert_int_eq(inet_pton(c.family, addr, c.addr), 1);
	return c;
}

static void facts_source(struct route_facts *f, const char *addr)
{
	f->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(f->family, addr, f->addr), 1);
}

START_TEST(cidr_contains)
{
	struct policy_cidr n8 = cidr("10.0.0.0", 8), n12 = cidr("172.16.0.0", 12);
	struct policy_cidr all = cidr("0.0.0.0", 0), host = cidr("192.0.2.1", 32);
	struct policy_cidr v6 = cidr("2001:db8::", 32);
	struct route_facts f = {0};

	facts_source(&f, "10.200.3.4");
	ck_assert(route_cidr_contains(&n8, f.family, f.addr));
	ck_assert(route_cidr_contains(&all, f.family, f.addr));
	ck_assert(!route_cidr_contains(&host, f.family, f.addr));
	ck_assert(!route_cidr_contains(&v6, f.family, f.addr));
	facts_source(&f, "172.31.255.1");
	ck_assert(route_cidr_contains(&n12, f.family, f.addr));
	facts_source(&f, "172.32.0.1");
	ck_assert(!route_cidr_contains(&n12, f.family, f.addr));
	facts_source(&f, "2001:db8:ffff::1");
	ck_assert(route_cidr_contains(&v6, f.family, f.addr));
	facts_source(&f, "2001:db9::1");
	ck_assert(!route_cidr_contains(&v6, f.family, f.addr));
}
END_TEST

START_TEST(distance_haversine)
{
	/* Paris (48.8566, 2.3522) to London (51.5074, -0.1278): about 343.5 km. */
	double km = route_distance_km(48.8566, 2.3522, 51.5074, -0.1278);

	ck_assert(fabs(km - 343.5) < 1.0);
	ck_assert(route_distance_km(10, 20, 10, 20) < 1e-9);
	/* Antipodes: half the circumference. */
	ck_assert(fabs(route_distance_km(0, 0, 0, 180) - M_PI * 6371.0088) < 0.01);
}
END_TEST

/* A device with tags a, b and the facts of a PSK client at 10.1.2.3. */
static const char *const dev_tags[] = {"a", "b"};
static struct policy_device tagged = {.endpoint = "ep-1", .tags = dev_tags, .n_tags = 2};
static const struct route_location nowhere = {.source = "unknown"};

static struct route_facts facts(void)
{
	struct route_facts f = {.endpoint = "ep-1", .dev = &tagged, .credential = POLICY_SEC_PSK};

	facts_source(&f, "10.1.2.3");
	return f;
}

START_TEST(match_endpoint)
{
	struct policy_route_match m = {.endpoint_pattern = "ep-*"};
	struct route_facts f = facts();
	char why[128];

	ck_assert(route_match(&m, &f, &nowhere, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "ep-*"));
	m.endpoint_pattern = "meter-*";
	ck_assert(!route_match(&m, &f, &nowhere, why, sizeof(why)));
	/* '/' is ordinary in endpoint names. */
	f.endpoint = "urn:dev/x";
	m.endpoint_pattern = "urn:*";
	ck_assert(route_match(&m, &f, &nowhere, NULL, 0));
}
END_TEST

START_TEST(match_tags)
{
	static const char *const all_ok[] = {"a", "b"}, *const all_bad[] = {"a", "c"};
	static const char *const any_ok[] = {"z", "b"}, *const any_bad[] = {"x", "y"};
	struct policy_route_match m = {.tags_all = all_ok, .n_tags_all = 2};
	struct route_facts f = facts();
	char why[128];

	ck_assert(route_match(&m, &f, &nowhere, NULL, 0));
	m.tags_all = all_bad;
	ck_assert(!route_match(&m, &f, &nowhere, why, sizeof(why)));
	ck_assert_str_eq(why, "tag 'c' missing (tags_all)");
	m = (struct policy_route_match){.tags_any = any_ok, .n_tags_any = 2};
	ck_assert(route_match(&m, &f, &nowhere, NULL, 0));
	m.tags_any = any_bad;
	ck_assert(!route_match(&m, &f, &nowhere, NULL, 0));
	/* No device entry: no tags. */
	f.dev = NULL;
	m.tags_any = any_ok;
	ck_assert(!route_match(&m, &f, &nowhere, NULL, 0));
}
END_TEST

START_TEST(match_region_country)
{
	static const char *const regions[] = {"eu-west", "eu-central"}, *const cc[] = {"DE"};
	struct policy_route_match m = {.regions = regions, .n_regions = 2};
	struct route_location loc = {.region = "eu-central", .source = "regions"};
	struct route_facts f = facts();

	ck_assert(route_match(&m, &f, &loc, NULL, 0));
	loc.region = "us-east";
	ck_assert(!route_match(&m, &f, &loc, NULL, 0));
	ck_assert(!route_match(&m, &f, &nowhere, NULL, 0));
	m = (struct policy_route_match){.countries = cc, .n_countries = 1};
	ck_assert(!route_match(&m, &f, &nowhere, NULL, 0)); /* no GeoIP answer */
	f.country = "de";
	ck_assert(route_match(&m, &f, &nowhere, NULL, 0));
	f.country = "FR";
	ck_assert(!route_match(&m, &f, &nowhere, NULL, 0));
}
END_TEST

START_TEST(match_source)
{
	struct policy_cidr nets[] = {cidr("192.168.0.0", 16), cidr("10.1.0.0", 16)};
	struct policy_route_match m = {.sources = nets, .n_sources = 2};
	struct route_facts f = facts();
	char why[128];

	ck_assert(route_match(&m, &f, &nowhere, why, sizeof(why)));
	ck_assert_str_eq(why, "source in network #2");
	facts_source(&f, "10.2.0.1");
	ck_assert(!route_match(&m, &f, &nowhere, NULL, 0));
	f.family = 0; /* unknown source never matches a source criterion */
	ck_assert(!route_match(&m, &f, &nowhere, why, sizeof(why)));
	ck_assert_str_eq(why, "source address unknown");
}
END_TEST

START_TEST(match_credential_version)
{
	struct policy_route_match m = {.credentials = 1u << POLICY_SEC_PSK};
	struct route_facts f = facts();

	ck_assert(route_match(&m, &f, &nowhere, NULL, 0));
	f.credential = POLICY_SEC_NOSEC;
	ck_assert(!route_match(&m, &f, &nowhere, NULL, 0));
	m = (struct policy_route_match){.versions = 1u << (LWM2M_V1_1 - LWM2M_V1_0)};
	ck_assert(!route_match(&m, &f, &nowhere, NULL, 0)); /* version unknown */
	f.has_version = true;
	f.version = LWM2M_V1_1;
	ck_assert(route_match(&m, &f, &nowhere, NULL, 0));
	f.version = LWM2M_V1_2;
	ck_assert(!route_match(&m, &f, &nowhere, NULL, 0));
}
END_TEST

START_TEST(match_all_criteria_together)
{
	static const char *const all[] = {"a"};
	struct policy_route_match m = {.endpoint_pattern = "ep-?",
	                               .tags_all = all,
	                               .n_tags_all = 1,
	                               .credentials = 1u << POLICY_SEC_PSK};
	struct route_facts f = facts();
	char why[256];

	ck_assert(route_match(&m, &f, &nowhere, why, sizeof(why)));
	ck_assert_str_eq(why, "endpoint 'ep-1' ~ 'ep-?', credential psk, has all tags of tags_all");
	m = (struct policy_route_match){0};
	ck_assert(route_match(&m, &f, &nowhere, why, sizeof(why)));
	ck_assert_str_eq(why, "no criteria (default route)");
}
END_TEST

/* ---- strategies over hand-built pools ---- */

#define NSRV 11
static struct policy_server srvs[NSRV];
static struct policy_member members[NSRV];
static char srv_ids[NSRV][16];

static void pool_setup(void)
{
	for (int i = 0; i < NSRV; i++) {
		snprintf(srv_ids[i], sizeof(srv_ids[i]), "dm-%02d", i);
		srvs[i] = (struct policy_server){.id = srv_ids[i], .ssid = (uint16_t)(i + 1)};
		members[i] =
		    (struct policy_member){.id = srv_ids[i], .server = &srvs[i], .weight = 1};
	}
}

static int index_of(const struct policy_server *s)
{
	return (int)(s - srvs);
}

START_TEST(priority_skips_drained)
{
	struct policy_pool pool = {"p", POLICY_STRATEGY_PRIORITY, members, 3, NULL, 0, 0};
	const struct policy_server *s;

	ck_assert_int_eq(route_pool_pick(&pool, "x", NULL, &s), 0);
	ck_assert_ptr_eq(s, &srvs[0]);
	srvs[0].drained = true;
	ck_assert_int_eq(route_pool_pick(&pool, "x", NULL, &s), 0);
	ck_assert_ptr_eq(s, &srvs[1]);
	srvs[1].drained = srvs[2].drained = true;
	ck_assert_int_eq(route_pool_pick(&pool, "x", NULL, &s), -EHOSTUNREACH);
}
END_TEST

START_TEST(nearest_by_great_circle)
{
	struct policy_pool pool = {"p", POLICY_STRATEGY_NEAREST, members, 3, NULL, 0, 0};
	struct route_location paris = {.has_coords = true, .lat = 48.86, .lon = 2.35};
	const struct policy_server *s;

	srvs[0] =
	    (struct policy_server){.id = "ny", .has_location = true, .lat = 40.71, .lon = -74.0};
	srvs[1] =
	    (struct policy_server){.id = "fra", .has_location = true, .lat = 50.11, .lon = 8.68};
	srvs[2] = (struct policy_server){.id = "nowhere"}; /* no coordinates: never nearest */
	ck_assert_int_eq(route_pool_pick(&pool, "x", &paris, &s), 0);
	ck_assert_str_eq(s->id, "fra");
	srvs[1].drained = true;
	ck_assert_int_eq(route_pool_pick(&pool, "x", &paris, &s), 0);
	ck_assert_str_eq(s->id, "ny");
	/* Across the date line: Tokyo is nearer to Honolulu than New York is. */
	srvs[1] =
	    (struct policy_server){.id = "tyo", .has_location = true, .lat = 35.68, .lon = 139.69};
	struct route_location hnl = {.has_coords = true, .lat = 21.31, .lon = -157.86};
	ck_assert_int_eq(route_pool_pick(&pool, "x", &hnl, &s), 0);
	ck_assert_str_eq(s->id, "tyo");
	ck_assert_int_eq(route_pool_pick(&pool, "x", &nowhere, &s), -EHOSTUNREACH);
}
END_TEST

#define N_EP 100000

START_TEST(sticky_is_stable_and_even)
{
	struct policy_pool pool = {"p", POLICY_STRATEGY_STICKY, members, 10, NULL, 0, 0};
	const struct policy_server *s, *again;
	static unsigned count[NSRV];
	char ep[32];

	memset(count, 0, sizeof(count));
	for (int i = 0; i < N_EP; i++) {
		snprintf(ep, sizeof(ep), "urn:dev:%d", i);
		ck_assert_int_eq(route_pool_pick(&pool, ep, NULL, &s), 0);
		count[index_of(s)]++;
	}
	for (int i = 0; i < 10; i++)
		ck_assert_msg(fabs(count[i] / (double)N_EP - 0.1) < 0.1 * 0.02 + 0.002,
		              "server %d got %u of %d", i, count[i], N_EP);
	ck_assert_int_eq(route_pool_pick(&pool, "meter-42", NULL, &s), 0);
	ck_assert_int_eq(route_pool_pick(&pool, "meter-42", NULL, &again), 0);
	ck_assert_ptr_eq(s, again);
}
END_TEST

/* Adding an 11th server moves only the devices it takes: about 1/11. */
START_TEST(sticky_adding_a_server_moves_its_share)
{
	struct policy_pool ten = {"p", POLICY_STRATEGY_STICKY, members, 10, NULL, 0, 0};
	struct policy_pool eleven = {"p", POLICY_STRATEGY_STICKY, members, 11, NULL, 0, 0};
	const struct policy_server *a, *b;
	unsigned moved = 0, moved_elsewhere = 0;
	char ep[32];

	for (int i = 0; i < N_EP; i++) {
		snprintf(ep, sizeof(ep), "sensor-%d", i);
		ck_assert_int_eq(route_pool_pick(&ten, ep, NULL, &a), 0);
		ck_assert_int_eq(route_pool_pick(&eleven, ep, NULL, &b), 0);
		if (a != b) {
			moved++;
			moved_elsewhere += b != &srvs[10];
		}
	}
	ck_assert_uint_eq(moved_elsewhere, 0); /* every mover went to the new server */
	ck_assert_msg(moved <= N_EP / 11 + N_EP / 100, "moved %u of %d", moved, N_EP);
	ck_assert_msg(moved >= N_EP / 11 - N_EP / 100, "moved %u of %d", moved, N_EP);
}
END_TEST

START_TEST(weighted_respects_weights)
{
	struct policy_pool pool = {"p", POLICY_STRATEGY_WEIGHTED, members, 4, NULL, 0, 0};
	const struct policy_server *s;
	unsigned count[4] = {0};
	char ep[32];

	for (int i = 0; i < 4; i++)
		members[i].weight = (uint32_t)(i + 1); /* shares 10 %, 20 %, 30 %, 40 % */
	for (int i = 0; i < N_EP; i++) {
		snprintf(ep, sizeof(ep), "dev-%d", i);
		ck_assert_int_eq(route_pool_pick(&pool, ep, NULL, &s), 0);
		count[index_of(s)]++;
	}
	for (int i = 0; i < 4; i++) {
		double want = (i + 1) / 10.0, got = count[i] / (double)N_EP;
		ck_assert_msg(fabs(got - want) <= 0.02 * want, "weight %d: %.4f, want %.2f", i + 1,
		              got, want);
	}
	/* Deterministic: the same endpoint keeps its server; drained ones are skipped. */
	ck_assert_int_eq(route_pool_pick(&pool, "dev-7", NULL, &s), 0);
	srvs[index_of(s)].drained = true;
	const struct policy_server *t;
	ck_assert_int_eq(route_pool_pick(&pool, "dev-7", NULL, &t), 0);
	ck_assert_ptr_ne(s, t);
}
END_TEST

/* ---- whole policies ---- */

static const char *routing_yaml =
    "lwbsd:\n"
    "  default_location: {lat: 48.86, lon: 2.35, region: eu}\n"
    "servers:\n"
    "  - {id: fra, uri: \"coap://127.0.0.1:5701\", short_server_id: 1, security: nosec,\n"
    "     location: {lat: 50.11, lon: 8.68}}\n"
    "  - {id: nyc, uri: \"coap://127.0.0.1:5702\", short_server_id: 2, security: nosec,\n"
    "     location: {lat: 40.71, lon: -74.0}}\n"
    "  - {id: sec, uri: \"coaps://127.0.0.1:5703\", short_server_id: 3, security: psk}\n"
    "  - {id: old, uri: \"coap://127.0.0.1:5704\", short_server_id: 4, security: nosec,\n"
    "     drained: true}\n"
    "pools:\n"
    "  - {id: near, strategy: nearest, members: [fra, nyc]}\n"
    "  - {id: legacy, strategy: priority, members: [old]}\n"
    "regions:\n"
    "  - {cidr: 10.0.0.0/8, region: us, location: {lat: 38.9, lon: -77.0}}\n"
    "  - {cidr: 10.9.0.0/16, region: lab}\n"
    "routes:\n"
    "  - name: lab\n"
    "    match: {region: lab}\n"
    "    pool: legacy\n"
    "  - name: secure\n"
    "    match: {tags_any: [secure]}\n"
    "    servers: [sec, fra]\n"
    "  - name: rest\n"
    "    pool: near\n"
    "devices:\n"
    "  - endpoint: s-1\n"
    "    bootstrap: {nosec: true}\n"
    "    tags: [secure]\n"
    "    server_credentials:\n"
    "      - {server: sec, psk: {identity: s-1, key_hex: \"0102\"}}\n"
    "  - endpoint: s-2\n"
    "    bootstrap: {nosec: true}\n"
    "    tags: [secure]\n"
    "  - endpoint: pinned\n"
    "    bootstrap: {nosec: true}\n"
    "    tags: [secure]\n"
    "    servers: [nyc]\n"
    "  - endpoint_pattern: \"d-*\"\n"
    "    bootstrap: {nosec: true}\n"
    "  - endpoint: far\n"
    "    bootstrap: {nosec: true}\n"
    "    location: {lat: 34.05, lon: -118.24}\n";

static struct route_facts device_facts(const struct policy *p, const char *ep, const char *src)
{
	struct route_facts f = {.endpoint = ep, .dev = policy_device_by_endpoint(p, ep)};

	if (src != NULL)
		facts_source(&f, src);
	return f;
}

START_TEST(locate_in_order)
{
	struct policy *p = NULL;
	struct route_location l;
	struct route_facts f;

	ck_assert_int_eq(load(routing_yaml, &p, NULL), 0);
	f = device_facts(p, "far", "10.1.1.1"); /* device entry wins over the region */
	route_locate(p, &f, &l);
	ck_assert_str_eq(l.source, "device entry");
	ck_assert(l.has_coords && fabs(l.lat - 34.05) < 1e-9);
	f = device_facts(p, "d-1", "10.9.1.1"); /* longest prefix; coords of region by name */
	route_locate(p, &f, &l);
	ck_assert_str_eq(l.region, "lab");
	ck_assert(!l.has_coords);
	f = device_facts(p, "d-1", "10.1.1.1");
	route_locate(p, &f, &l);
	ck_assert_str_eq(l.region, "us");
	ck_assert(l.has_coords && fabs(l.lon + 77.0) < 1e-9);
	f = device_facts(p, "d-1", "192.0.2.1");
	f.has_geo_location = true;
	f.geo_lat = 1;
	f.geo_lon = 2;
	route_locate(p, &f, &l);
	ck_assert_str_eq(l.source, "GeoIP");
	f.has_geo_location = false;
	route_locate(p, &f, &l);
	ck_assert_str_eq(l.source, "policy default");
	ck_assert_str_eq(l.region, "eu");
	policy_free(p);
}
END_TEST

START_TEST(decide_first_match_wins)
{
	struct policy *p = NULL;
	struct route_decision d;
	struct route_facts f;
	const char *reason = NULL;

	ck_assert_int_eq(load(routing_yaml, &p, NULL), 0);
	f = device_facts(p, "s-1", "10.1.1.1");
	ck_assert_int_eq(route_decide(p, &f, &d, &reason), 0);
	ck_assert_str_eq(d.route->name, "secure");
	ck_assert_uint_eq(d.n_servers, 2);
	ck_assert_str_eq(d.servers[0]->id, "sec");
	ck_assert_str_eq(d.servers[1]->id, "fra");
	f = device_facts(p, "d-1", "10.1.1.1"); /* region us: nyc is nearer */
	ck_assert_int_eq(route_decide(p, &f, &d, &reason), 0);
	ck_assert_str_eq(d.route->name, "rest");
	ck_assert_str_eq(d.servers[0]->id, "nyc");
	f = device_facts(p, "d-1", NULL); /* policy default: Paris, fra is nearer */
	ck_assert_int_eq(route_decide(p, &f, &d, &reason), 0);
	ck_assert_str_eq(d.servers[0]->id, "fra");
	f = device_facts(p, "d-1", "10.9.0.1"); /* lab: its only server is drained */
	ck_assert_int_eq(route_decide(p, &f, &d, &reason), -EHOSTUNREACH);
	ck_assert_str_eq(reason, "every server of the route's pool is drained");
	policy_free(p);
}
END_TEST

static int resolve(const struct policy *p, const char *ep, struct plan_target *t, size_t *n,
                   const char **reason)
{
	struct bs_client c = {.auth = BS_AUTH_NOSEC};
	struct targets_query q = {p, policy_device_by_endpoint(p, ep), &c, LWM2M_V1_1, true};

	snprintf(c.endpoint, sizeof(c.endpoint), "%s", ep);
	return targets_resolve(&q, t, n, reason);
}

START_TEST(targets_routed_credentials)
{
	struct plan_target t[TARGETS_MAX];
	struct policy *p = NULL;
	const char *reason = NULL;
	size_t n = 0;

	ck_assert_int_eq(load(routing_yaml, &p, NULL), 0);
	ck_assert_int_eq(resolve(p, "s-1", t, &n, &reason), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(t[0].server->id, "sec");
	ck_assert_uint_eq(t[0].creds.identity_len, 3);
	ck_assert_int_eq(memcmp(t[0].creds.identity, "s-1", 3), 0);
	ck_assert_ptr_null(t[1].creds.secret); /* fra is nosec */
	ck_assert_int_eq(resolve(p, "s-2", t, &n, &reason), -EINVAL);
	ck_assert_str_eq(reason, "no credentials for server sec");
	/* Servers named by the device entry win over routes. */
	ck_assert_int_eq(resolve(p, "pinned", t, &n, &reason), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(t[0].server->id, "nyc");
	policy_free(p);
}
END_TEST

START_TEST(no_route_refuses)
{
	struct policy *p = NULL;
	struct route_decision d;
	struct route_facts f;
	const char *reason = NULL;
	const char *yaml = "servers:\n"
	                   "  - {id: a, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	                   "routes:\n"
	                   "  - {match: {endpoint_pattern: \"m-*\"}, server: a}\n"
	                   "devices:\n"
	                   "  - {endpoint: x, bootstrap: {nosec: true}}\n";

	ck_assert_int_eq(load(yaml, &p, NULL), 0);
	f = device_facts(p, "x", NULL);
	ck_assert_int_eq(route_decide(p, &f, &d, &reason), -ENOENT);
	ck_assert_str_eq(reason, "no route matches the device and there is no default route");
	ck_assert_str_eq(policy_route_at(p, 0)->name, "#1");
	policy_free(p);
}
END_TEST

static struct policy_route rule(struct policy_route_match m)
{
	return (struct policy_route){.name = "r", .has_match = true, .match = m};
}

START_TEST(shadowing)
{
	static const char *const ab[] = {"a", "b"}, *const a[] = {"a"}, *const b[] = {"b"};
	struct policy_cidr wide = cidr("10.0.0.0", 8), narrow = cidr("10.1.0.0", 16);
	struct policy_route dflt = {.name = "d"};
	struct policy_route e, l;

	ck_assert(route_shadows(&dflt, &dflt));
	e = rule((struct policy_route_match){.endpoint_pattern = "m-*"});
	ck_assert(route_shadows(&e, &e));
	ck_assert(!route_shadows(&e, &dflt));
	l = rule(
	    (struct policy_route_match){.endpoint_pattern = "m-1", .tags_all = a, .n_tags_all = 1});
	ck_assert(route_shadows(&e, &l));
	ck_assert(!route_shadows(&l, &e));
	l = rule((struct policy_route_match){.endpoint_pattern = "n-*"});
	ck_assert(!route_shadows(&e, &l));
	e = rule((struct policy_route_match){.tags_any = ab, .n_tags_any = 2});
	l = rule((struct policy_route_match){.tags_all = b, .n_tags_all = 1});
	ck_assert(route_shadows(&e, &l)); /* later requires b, which earlier accepts */
	e = rule((struct policy_route_match){.sources = &wide, .n_sources = 1});
	l = rule((struct policy_route_match){.sources = &narrow, .n_sources = 1});
	ck_assert(route_shadows(&e, &l));
	ck_assert(!route_shadows(&l, &e));
	e = rule((struct policy_route_match){.credentials = 1u << POLICY_SEC_PSK});
	l = rule((struct policy_route_match){.credentials = 3u});
	ck_assert(!route_shadows(&e, &l));
	ck_assert(route_shadows(&l, &e));
}
END_TEST

START_TEST(loader_reports_routing_errors)
{
	struct conf_diags d = CONF_DIAGS_INIT;
	struct policy *p = NULL;
	const char *yaml =
	    "servers:\n"                                                               /* 1 */
	    "  - {id: a, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"    /* 2 */
	    "pools:\n"                                                                 /* 3 */
	    "  - {id: p, strategy: stiky, members: [a]}\n"                             /* 4 */
	    "  - {id: q, strategy: sticky, members: [a, zz]}\n"                        /* 5 */
	    "regions:\n"                                                               /* 6 */
	    "  - {cidr: 10.0.0.0/33, region: x}\n"                                     /* 7 */
	    "routes:\n"                                                                /* 8 */
	    "  - {name: one, server: a, pool: q}\n"                                    /* 9 */
	    "  - {name: all, pool: nope}\n"                                            /* 10 */
	    "  - {name: dead, match: {country: [de]}, server: a}\n"                    /* 11 */
	    "  - {name: bad, match: {version: \"2.0\", credential: tls}, server: a}\n" /* 12 */
	    "devices:\n"                                                               /* 13 */
	    "  - {endpoint: x, bootstrap: {nosec: true}}\n";                           /* 14 */

	ck_assert_int_eq(load(yaml, &p, &d), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert(has_diag(&d, 4, 0, "'strategy' in pool 'p' must be one of"));
	ck_assert(has_diag(&d, 5, 44, "pool 'q' refers to unknown server 'zz'"));
	ck_assert(has_diag(&d, 7, 12, "must be a network like 10.0.0.0/8"));
	ck_assert(has_diag(&d, 9, 5, "route 'one' has more than one target"));
	ck_assert(has_diag(&d, 10, 23, "route 'all' refers to unknown pool 'nope'"));
	ck_assert(has_diag(&d, 11, 5, "route 'dead' can never match: route 'all'"));
	ck_assert(has_diag(&d, 12, 0, "'version' in match of route 'bad' must be one of"));
	ck_assert(has_diag(&d, 12, 0, "'credential' in match of route 'bad' must be one of"));
	conf_diags_free(&d);
}
END_TEST

START_TEST(loader_checks_server_and_device_routing_keys)
{
	struct conf_diags d = CONF_DIAGS_INIT;
	struct policy *p = NULL;
	const char *yaml = "lwbsd:\n"
	                   "  default_location: {lat: 10}\n" /* 2 */
	                   "servers:\n"
	                   "  - {id: a, uri: \"coap://h\", short_server_id: 1, security: nosec,\n"
	                   "     location: {lat: 91, lon: 0}, drained: maybe}\n" /* 5 */
	                   "  - {id: s, uri: \"coaps://h\", short_server_id: 2, security: psk}\n"
	                   "routes:\n"
	                   "  - {server: a}\n"
	                   "devices:\n"
	                   "  - endpoint: x\n" /* 10 */
	                   "    bootstrap: {nosec: true}\n"
	                   "    server_credentials: [s, {server: nope}]\n"; /* 12 */

	ck_assert_int_eq(load(yaml, &p, &d), -EINVAL);
	ck_assert(has_diag(&d, 2, 0, "gives only one of 'lat' and 'lon'"));
	ck_assert(has_diag(&d, 5, 0, "'lat' in server 'a' must be between -90 and 90"));
	ck_assert(has_diag(&d, 5, 0, "'drained' in server 'a' must be true or false"));
	ck_assert(has_diag(&d, 12, 26, "which uses psk security: give its credentials"));
	ck_assert(has_diag(&d, 12, 0, "refers to unknown server 'nope'"));
	conf_diags_free(&d);
}
END_TEST

START_TEST(loader_device_without_servers_needs_routes)
{
	struct conf_diags d = CONF_DIAGS_INIT;
	struct policy *p = NULL;
	const char *yaml = "servers:\n"
	                   "  - {id: a, uri: \"coap://h\", short_server_id: 1, security: nosec}\n"
	                   "devices:\n"
	                   "  - {endpoint: x, bootstrap: {nosec: true}}\n";

	ck_assert_int_eq(load(yaml, &p, &d), -EINVAL);
	ck_assert(has_diag(&d, 4, 0, "device 'x' names no servers and the policy has no routes"));
	conf_diags_free(&d);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("route");
	TCase *tc = tcase_create("match");

	tcase_add_test(tc, cidr_contains);
	tcase_add_test(tc, distance_haversine);
	tcase_add_test(tc, match_endpoint);
	tcase_add_test(tc, match_tags);
	tcase_add_test(tc, match_region_country);
	tcase_add_test(tc, match_source);
	tcase_add_test(tc, match_credential_version);
	tcase_add_test(tc, match_all_criteria_together);
	suite_add_tcase(s, tc);
	tc = tcase_create("strategy");
	tcase_add_checked_fixture(tc, pool_setup, NULL);
	tcase_add_test(tc, priority_skips_drained);
	tcase_add_test(tc, nearest_by_great_circle);
	tcase_add_test(tc, sticky_is_stable_and_even);
	tcase_add_test(tc, sticky_adding_a_server_moves_its_share);
	tcase_add_test(tc, weighted_respects_weights);
	suite_add_tcase(s, tc);
	tc = tcase_create("policy");
	tcase_add_test(tc, locate_in_order);
	tcase_add_test(tc, decide_first_match_wins);
	tcase_add_test(tc, targets_routed_credentials);
	tcase_add_test(tc, no_route_refuses);
	tcase_add_test(tc, shadowing);
	tcase_add_test(tc, loader_reports_routing_errors);
	tcase_add_test(tc, loader_checks_server_and_device_routing_keys);
	tcase_add_test(tc, loader_device_without_servers_needs_routes);
	suite_add_tcase(s, tc);
	return s;
}
