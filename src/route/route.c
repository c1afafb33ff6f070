/* Route decisions: locate the device, find the first rule that matches, apply its target. */
#include "route/route.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The coordinates of the first `regions:` entry named region that has some. */
static bool region_coords(const struct policy *pol, const char *region, double *lat, double *lon)
{
	for (size_t i = 0; region != NULL && i < policy_region_count(pol); i++) {
		const struct policy_region *r = policy_region_at(pol, i);
		if (r->has_location && strcmp(r->region, region) == 0) {
			*lat = r->lat;
			*lon = r->lon;
			return true;
		}
	}
	return false;
}

/* The most specific `regions:` entry holding the source address, or NULL. */
static const struct policy_region *region_of(const struct policy *pol, const struct route_facts *f)
{
	const struct policy_region *best = NULL;

	for (size_t i = 0; f->family != 0 && i < policy_region_count(pol); i++) {
		const struct policy_region *r = policy_region_at(pol, i);
		if (route_cidr_contains(&r->net, f->family, f->addr) &&
		    (best == NULL || r->net.prefix > best->net.prefix))
			best = r;
	}
	return best;
}

static bool locate_device(const struct policy *pol, const struct policy_device *dev,
                          struct route_location *l)
{
	const struct policy_location *dl = dev ? &dev->location : NULL;

	if (dl == NULL || (!(dl->has_lat && dl->has_lon) && dl->region == NULL))
		return false;
	l->region = dl->region;
	l->has_coords = dl->has_lat && dl->has_lon;
	l->lat = dl->lat;
	l->lon = dl->lon;
	if (!l->has_coords)
		l->has_coords = region_coords(pol, dl->region, &l->lat, &l->lon);
	l->source = "device entry";
	return true;
}

void route_locate(const struct policy *pol, const struct route_facts *f, struct route_location *out)
{
	const struct policy_settings *st = policy_settings(pol);
	const struct policy_region *r;
	struct route_location l = {.source = "unknown"};

	if (locate_device(pol, f->dev, &l)) {
		*out = l;
		return;
	}
	if ((r = region_of(pol, f)) != NULL) {
		l.region = r->region;
		l.has_coords = r->has_location;
		l.lat = r->lat;
		l.lon = r->lon;
		if (!l.has_coords)
			l.has_coords = region_coords(pol, r->region, &l.lat, &l.lon);
		l.source = "regions";
	} else if (f->has_geo_location) {
		l.has_coords = true;
		l.lat = f->geo_lat;
		l.lon = f->geo_lon;
		l.source = "GeoIP";
	} else if (st->has_default_location || st->default_region != NULL) {
		l.region = st->default_region;
		l.has_coords = st->has_default_location;
		l.lat = st->default_lat;
		l.lon = st->default_lon;
		l.source = "policy default";
	}
	*out = l;
}

__attribute__((format(printf, 2, 3))) static void why_append(struct route_decision *d,
                                                             const char *fmt, ...)
{
	size_t used = strlen(d->why);
	va_list ap;

	va_start(ap, fmt);
	if (used < sizeof(d->why))
		vsnprintf(d->why + used, sizeof(d->why) - used, fmt, ap);
	va_end(ap);
}

/* Apply the target of the rule that matched. */
static int decide_target(const struct policy_route *rt, const struct route_facts *f,
                         struct route_decision *d, const char **reason)
{
	const struct policy_server *pick;

	if (rt->pool == NULL) {
		for (size_t i = 0; i < rt->n_servers && i < ROUTE_MAX_SERVERS; i++)
			d->candidates[i] = d->servers[i] = rt->servers[i].server;
		d->n_candidates = d->n_servers =
		    rt->n_servers < ROUTE_MAX_SERVERS ? rt->n_servers : ROUTE_MAX_SERVERS;
		return 0;
	}
	for (size_t i = 0; i < rt->pool->n_members && d->n_candidates < ROUTE_MAX_SERVERS; i++)
		if (!rt->pool->members[i].server->drained)
			d->candidates[d->n_candidates++] = rt->pool->members[i].server;
	if (route_pool_pick(rt->pool, f->endpoint, &d->location, &pick) < 0) {
		*reason = rt->pool->strategy == POLICY_STRATEGY_NEAREST && !d->location.has_coords
		              ? "route's pool is 'nearest' but the device's location is unknown"
		              : "every server of the route's pool is drained";
		return -EHOSTUNREACH;
	}
	d->servers[0] = pick;
	d->n_servers = 1;
	why_append(d, "; pool '%s' (%s)", rt->pool->id, policy_strategy_name(rt->pool->strategy));
	why_append(d, " chose '%s'", pick->id);
	if (rt->pool->strategy == POLICY_STRATEGY_NEAREST)
		why_append(
		    d, " at %.0f km",
		    route_distance_km(d->location.lat, d->location.lon, pick->lat, pick->lon));
	return 0;
}

int route_decide(const struct policy *pol, const struct route_facts *f, struct route_decision *out,
                 const char **reason)
{
	struct route_decision d;

	memset(&d, 0, sizeof(d));
	route_locate(pol, f, &d.location);
	for (size_t i = 0; i < policy_route_count(pol); i++) {
		const struct policy_route *rt = policy_route_at(pol, i);
		if (rt->has_match && !route_match(&rt->match, f, &d.location, d.why, sizeof(d.why)))
			continue;
		if (!rt->has_match)
			snprintf(d.why, sizeof(d.why), "default route");
		d.route = rt;
		d.route_index = i;
		int rc = decide_target(rt, f, &d, reason);
		if (rc < 0)
			return rc;
		*out = d;
		return 0;
	}
	*reason = policy_route_count(pol)
	              ? "no route matches the device and there is no default route"
	              : "the policy has no routes and the device names no servers";
	return -ENOENT;
}

/* Every element of sub is in super (both non-empty). */
static bool list_subset(const char *const *sub, size_t n_sub, const char *const *super,
                        size_t n_super)
{
	for (size_t i = 0; i < n_sub; i++) {
		bool found = false;
		for (size_t j = 0; j < n_super && !found; j++)
			found = strcmp(sub[i], super[j]) == 0;
		if (!found)
			return false;
	}
	return true;
}

static bool cidrs_within(const struct policy_route_match *e, const struct policy_route_match *l)
{
	for (size_t i = 0; i < l->n_sources; i++) {
		const struct policy_cidr *in = &l->sources[i];
		bool found = false;
		for (size_t j = 0; j < e->n_sources && !found; j++)
			found = e->sources[j].prefix <= in->prefix &&
			        route_cidr_contains(&e->sources[j], in->family, in->addr);
		if (!found)
			return false;
	}
	return true;
}

static bool pattern_covers(const char *e, const char *l)
{
	if (e == NULL || strcmp(e, "*") == 0)
		return true;
	if (l == NULL)
		return false;
	if (strcmp(e, l) == 0)
		return true;
	/* A literal later pattern names one endpoint: covered if earlier matches it. */
	return strpbrk(l, "*?[\\") == NULL && fnmatch(e, l, 0) == 0;
}

/* An any-of list (empty: no criterion) admits all that the later one admits. */
static bool any_covers(const char *const *e, size_t n_e, const char *const *l, size_t n_l)
{
	return n_e == 0 || (n_l > 0 && list_subset(l, n_l, e, n_e));
}

static bool tags_any_covers(const struct policy_route_match *e, const struct policy_route_match *l)
{
	if (any_covers(e->tags_any, e->n_tags_any, l->tags_any, l->n_tags_any))
		return true;
	/* Later requires (tags_all) a tag that earlier accepts. */
	for (size_t i = 0; i < l->n_tags_all; i++)
		if (list_subset(&l->tags_all[i], 1, e->tags_any, e->n_tags_any))
			return true;
	return false;
}

static bool mask_covers(unsigned e, unsigned l)
{
	return e == 0 || (l != 0 && (l & ~e) == 0);
}

/*
 * A criterion of `earlier` is no obstacle when it is absent or holds for every
 * device the same criterion of `later` admits; earlier then shadows later when
 * no criterion is an obstacle.
 */
bool route_shadows(const struct policy_route *earlier, const struct policy_route *later)
{
	const struct policy_route_match *e = &earlier->match, *l = &later->match;

	if (!earlier->has_match)
		return true;
	if (!later->has_match)
		return false;
	return pattern_covers(e->endpoint_pattern, l->endpoint_pattern) &&
	       list_subset(e->tags_all, e->n_tags_all, l->tags_all, l->n_tags_all) &&
	       tags_any_covers(e, l) &&
	       any_covers(e->regions, e->n_regions, l->regions, l->n_regions) &&
	       any_covers(e->countries, e->n_countries, l->countries, l->n_countries) &&
	       (e->n_sources == 0 || (l->n_sources > 0 && cidrs_within(e, l))) &&
	       mask_covers(e->credentials, l->credentials) && mask_covers(e->versions, l->versions);
}
