/* The routing part of a policy: pools, regions, routes, the GeoIP handle, and references. */
#include "policy/policy_routes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "geoip/geoip.h"
#include "policy_int.h"

void policy_routes_free(struct policy *p)
{
	free(p->pools.items);
	free(p->regions.items);
	free(p->routes.items);
	geoip_close(p->geoip);
	p->geoip = NULL;
}

size_t policy_pool_count(const struct policy *p)
{
	return p->pools.n;
}

const struct policy_pool *policy_pool_at(const struct policy *p, size_t i)
{
	return i < p->pools.n ? p->pools.items[i] : NULL;
}

/* Linear: a policy has a handful of pools, looked up once per routed session. */
const struct policy_pool *policy_pool_by_id(const struct policy *p, const char *id)
{
	for (size_t i = 0; i < p->pools.n; i++) {
		const struct policy_pool *pool = p->pools.items[i];
		if (strcmp(pool->id, id) == 0)
			return pool;
	}
	return NULL;
}

size_t policy_region_count(const struct policy *p)
{
	return p->regions.n;
}

const struct policy_region *policy_region_at(const struct policy *p, size_t i)
{
	return i < p->regions.n ? p->regions.items[i] : NULL;
}

size_t policy_route_count(const struct policy *p)
{
	return p->routes.n;
}

const struct policy_route *policy_route_at(const struct policy *p, size_t i)
{
	return i < p->routes.n ? p->routes.items[i] : NULL;
}

const char *policy_strategy_name(enum policy_strategy s)
{
	switch (s) {
	case POLICY_STRATEGY_STICKY:
		return "sticky";
	case POLICY_STRATEGY_WEIGHTED:
		return "weighted";
	case POLICY_STRATEGY_NEAREST:
		return "nearest";
	case POLICY_STRATEGY_PRIORITY:
		return "priority";
	}
	return "unknown";
}

int policy_add_pool(struct policy *p, const struct policy_pool *pool)
{
	if (policy_pool_by_id(p, pool->id) != NULL)
		return -EEXIST;
	return policy_vec_push(&p->pools, pool);
}

int policy_add_region(struct policy *p, const struct policy_region *region)
{
	return policy_vec_push(&p->regions, region);
}

int policy_add_route(struct policy *p, const struct policy_route *route)
{
	return policy_vec_push(&p->routes, route);
}

struct geoip *policy_geoip(const struct policy *p)
{
	return p->geoip;
}

void policy_set_geoip(struct policy *p, struct geoip *g)
{
	geoip_close(p->geoip);
	p->geoip = g;
}

void policy_ref(const struct policy *p)
{
	if (p != NULL)
		((struct policy *)p)->extra_refs++;
}

void policy_unref(const struct policy *p)
{
	struct policy *mp = (struct policy *)p;

	if (mp == NULL)
		return;
	if (mp->extra_refs == 0)
		policy_free(mp);
	else
		mp->extra_refs--;
}
