/*
 * lwbs route: explain where lwbsd would send a device. Loads the policy, runs
 * the same routing and credential lookup as a live session
 * (session/targets.h), and prints the decision with its reasons.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/conf.h"
#include "geoip/geoip.h"
#include "lwbs_cmds.h"
#include "policy/policy_routes.h"
#include "route/route.h"
#include "session/targets.h"

#define ROUTE_MAX_TAGS 32

struct route_args {
	const char *policy, *endpoint, *identity, *source, *tags;
	enum policy_security credential;
	bool has_credential, has_version;
	enum lwm2m_version version;
	char tag_buf[1024];
	const char *tag_list[ROUTE_MAX_TAGS];
	size_t n_tags;
};

static void route_usage(FILE *fp)
{
	fprintf(fp,
	        "usage: lwbs route --policy PATH --endpoint EP [--identity ID] [--source ADDR]\n"
	        "                  [--tags a,b] [--version 1.x] [--credential KIND]\n"
	        "Explain which LwM2M servers lwbsd would give the device, and why.\n"
	        "  --policy PATH      policy file or directory\n"
	        "  --endpoint EP      the endpoint client name (ep=)\n"
	        "  --identity ID      its bootstrap PSK identity (finds its device entry)\n"
	        "  --source ADDR      the IPv4/IPv6 address it connects from\n"
	        "  --tags a,b         tags to route by instead of its device entry's\n"
	        "  --version 1.x      its LwM2M version (1.0, 1.1, 1.2); unknown if absent\n"
	        "  --credential KIND  psk, nosec, rpk or certificate (default: its entry's)\n"
	        "exit status: 0 routed, 1 refused or policy errors, 2 usage\n");
}

static int route_split_tags(struct route_args *a)
{
	char *save = NULL;

	snprintf(a->tag_buf, sizeof(a->tag_buf), "%s", a->tags);
	for (char *t = strtok_r(a->tag_buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (a->n_tags == ROUTE_MAX_TAGS)
			return -EINVAL;
		a->tag_list[a->n_tags++] = t;
	}
	return 0;
}

static int route_parse_credential(const char *s, enum policy_security *out)
{
	static const char *const names[] = {"psk", "rpk", "certificate", "nosec"};

	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum policy_security)i;
			return 0;
		}
	return -EINVAL;
}

static const struct option route_options[] = {
    {"policy", required_argument, NULL, 'p'},
    {"endpoint", required_argument, NULL, 'e'},
    {"identity", required_argument, NULL, 'i'},
    {"source", required_argument, NULL, 's'},
    {"tags", required_argument, NULL, 't'},
    {"version", required_argument, NULL, 'v'},
    {"credential", required_argument, NULL, 'c'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* 0, 1 for --help (exit 0), or -EINVAL after a message. */
static int route_parse_args(int argc, char **argv, struct route_args *a)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "p:e:i:s:t:v:c:h", route_options, NULL)) != -1) {
		switch (ch) {
		case 'p':
			a->policy = optarg;
			break;
		case 'e':
			a->endpoint = optarg;
			break;
		case 'i':
			a->identity = optarg;
			break;
		case 's':
			a->source = optarg;
			break;
		case 't':
			a->tags = optarg;
			break;
		case 'v':
			if (cmd_parse_version(optarg, &a->version) < 0)
				goto bad;
			a->has_version = true;
			break;
		case 'c':
			if (route_parse_credential(optarg, &a->credential) < 0)
				goto bad;
			a->has_credential = true;
			break;
		case 'h':
			route_usage(stdout);
			return 1;
		default:
			goto bad;
		}
	}
	if (a->policy && a->endpoint && optind == argc && (!a->tags || route_split_tags(a) == 0))
		return 0;
bad:
	route_usage(stderr);
	return -EINVAL;
}

/* The client as lwbsd would see it; fails on a bad --source. */
static int route_client(const struct route_args *a, const struct policy_device *dev,
                        struct bs_client *c)
{
	static const enum bs_auth auths[] = {BS_AUTH_PSK, BS_AUTH_RPK, BS_AUTH_CERT, BS_AUTH_NOSEC};

	memset(c, 0, sizeof(*c));
	snprintf(c->endpoint, sizeof(c->endpoint), "%s", a->endpoint);
	snprintf(c->identity, sizeof(c->identity), "%s", a->identity ? a->identity : "");
	if (a->has_credential)
		c->auth = auths[a->credential];
	else if (dev != NULL)
		c->auth = dev->bootstrap == POLICY_CRED_PSK     ? BS_AUTH_PSK
		          : dev->bootstrap == POLICY_CRED_NOSEC ? BS_AUTH_NOSEC
		          : dev->bootstrap == POLICY_CRED_RPK   ? BS_AUTH_RPK
		                                                : BS_AUTH_CERT;
	if (a->source == NULL)
		return 0;
	c->peer_family = strchr(a->source, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(c->peer_family, a->source, c->peer_addr) != 1) {
		fprintf(stderr, "lwbs route: --source '%s' is not an IPv4 or IPv6 address\n",
		        a->source);
		return -EINVAL;
	}
	snprintf(c->peer, sizeof(c->peer), "%s", a->source);
	return 0;
}

static const struct policy_device *route_find_device(const struct policy *pol,
                                                     const struct route_args *a)
{
	if (a->identity != NULL)
		return policy_device_by_psk_identity(pol, (const uint8_t *)a->identity,
		                                     strlen(a->identity));
	return policy_device_by_endpoint(pol, a->endpoint);
}

static void route_print_device(const struct policy_device *dev, const struct route_args *a)
{
	if (dev == NULL)
		printf(
		    "device:     no entry in the policy (lwbsd would refuse it before routing)\n");
	else
		printf("device:     %s '%s' (%s:%d)\n", dev->endpoint ? "entry" : "group",
		       dev->endpoint ? dev->endpoint : dev->pattern, dev->file, dev->line);
	if (a->tags != NULL)
		printf("tags:       %s (from --tags)\n", a->tags);
}

static void route_print_facts(const struct route_facts *f, const struct route_location *l)
{
	printf("location:   ");
	if (l->region)
		printf("region '%s' ", l->region);
	if (l->has_coords)
		printf("at %.4f,%.4f ", l->lat, l->lon);
	printf("(from %s)\n", l->source);
	if (f->country)
		printf("country:    %s (GeoIP)\n", f->country);
	if (f->has_version)
		printf("version:    LwM2M %d.%d\n", f->version / 10, f->version % 10);
	printf("credential: %s\n", policy_security_name(f->credential));
}

/* Why each rule did not match, for a refusal. */
static void route_print_misses(const struct policy *pol, const struct route_facts *f,
                               const struct route_location *l)
{
	char why[256];

	for (size_t i = 0; i < policy_route_count(pol); i++) {
		const struct policy_route *r = policy_route_at(pol, i);
		if (r->has_match && !route_match(&r->match, f, l, why, sizeof(why)))
			printf("  rule %zu '%s' (%s:%d): no, %s\n", i + 1, r->name, r->file,
			       r->line, why);
	}
}

static void route_print_decision(const struct route_decision *d)
{
	const struct policy_route *r = d->route;

	printf("rule:       %zu '%s' (%s:%d)\n", d->route_index + 1, r->name, r->file, r->line);
	printf("because:    %s\n", d->why);
	printf("candidates:");
	for (size_t i = 0; i < d->n_candidates; i++)
		printf(" %s%s", d->candidates[i]->id, d->candidates[i]->drained ? "(drained)" : "");
	printf("\n");
}

/* The verdict, through the same seam as a live session. */
static int route_verdict(const struct policy *pol, const struct policy_device *dev,
                         const struct bs_client *c, const struct route_args *a)
{
	struct targets_query q = {pol, dev, c, a->version, a->has_version};
	struct plan_target t[TARGETS_MAX];
	const char *reason = "";
	size_t n = 0;

	if (dev == NULL || targets_resolve(&q, t, &n, &reason) < 0) {
		printf("refused:    %s\n", dev ? reason : "no device entry for this endpoint");
		return 1;
	}
	printf("chosen:    ");
	for (size_t i = 0; i < n; i++)
		printf(" %s (%s)", t[i].server->id, t[i].server->uri);
	printf("\n");
	return 0;
}

static void route_facts_fill(const struct policy *pol, const struct policy_device *dev,
                             const struct bs_client *c, const struct route_args *a,
                             struct route_facts *f, struct geoip_result *geo)
{
	static const enum policy_security creds[] = {POLICY_SEC_NOSEC, POLICY_SEC_PSK,
	                                             POLICY_SEC_CERTIFICATE, POLICY_SEC_RPK};

	memset(f, 0, sizeof(*f));
	f->endpoint = a->endpoint;
	f->dev = dev;
	f->credential = creds[c->auth];
	f->has_version = a->has_version;
	f->version = a->version;
	f->family = c->peer_family;
	memcpy(f->addr, c->peer_addr, sizeof(f->addr));
	if (policy_geoip(pol) && f->family &&
	    geoip_lookup(policy_geoip(pol), f->family, f->addr, geo) == 0) {
		f->country = geo->country;
		f->has_geo_location = geo->has_location;
		f->geo_lat = geo->lat;
		f->geo_lon = geo->lon;
	}
}

static int route_explain(const struct policy *pol, const struct route_args *a)
{
	const struct policy_device *found = route_find_device(pol, a);
	struct policy_device dev = found ? *found : (struct policy_device){0};
	struct route_facts f;
	struct geoip_result geo;
	struct route_decision d;
	struct bs_client c;
	const char *reason;

	if (a->tags != NULL) {
		dev.tags = a->tag_list;
		dev.n_tags = a->n_tags;
	}
	if (route_client(a, found, &c) < 0)
		return 2;
	printf("endpoint:   %s\npolicy:     %s\n", a->endpoint, policy_version(pol));
	route_print_device(found, a);
	route_facts_fill(pol, found ? &dev : NULL, &c, a, &f, &geo);
	if (found && found->n_servers > 0) {
		printf("servers:    named by the device entry; routes are not consulted\n");
		return route_verdict(pol, &dev, &c, a);
	}
	if (route_decide(pol, &f, &d, &reason) < 0) {
		route_locate(pol, &f, &d.location);
		route_print_facts(&f, &d.location);
		route_print_misses(pol, &f, &d.location);
		printf("refused:    %s\n", reason);
		return 1;
	}
	route_print_facts(&f, &d.location);
	route_print_decision(&d);
	/* route_verdict() says "no device entry" when found is NULL. */
	return route_verdict(pol, found ? &dev : NULL, &c, a);
}

int cmd_route(int argc, char **argv)
{
	struct route_args a = {.credential = POLICY_SEC_NOSEC};
	struct conf_diags diags = CONF_DIAGS_INIT;
	struct policy *pol = NULL;
	int rc = route_parse_args(argc, argv, &a);

	if (rc != 0)
		return rc > 0 ? 0 : 2;
	rc = conf_load(a.policy, &pol, &diags);
	conf_diags_print(&diags, stderr);
	conf_diags_free(&diags);
	if (rc < 0) {
		fprintf(stderr, "lwbs route: the policy has errors; fix them (see lwbs check)\n");
		return 1;
	}
	rc = route_explain(pol, &a);
	policy_free(pol);
	return rc;
}
