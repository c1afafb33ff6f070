/*
 * Routing: which LwM2M servers a bootstrapping device is sent to, decided by
 * the policy's ordered route rules (first match wins) and pool strategies.
 * Pure: facts about the device come in, a decision and its explanation go
 * out; no socket, clock or file (GeoIP is looked up by the caller).
 *
 * Location of a device, in order (route_locate): its device entry, the region
 * of its source address (`regions:`), its GeoIP country and coordinates, the
 * policy's `lwbsd.default_location`.
 */
#ifndef LWBS_ROUTE_ROUTE_H
#define LWBS_ROUTE_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m/model.h"
#include "policy/policy.h"
#include "policy/policy_routes.h"

#define ROUTE_MAX_SERVERS 8

/* What is known about the device when routing. Borrowed pointers. */
struct route_facts {
	const char *endpoint;
	const struct policy_device *dev; /* its entry (tags, location), or NULL */
	enum policy_security credential; /* how it authenticated to lwbsd */
	bool has_version;                /* false: any version criterion fails */
	enum lwm2m_version version;
	int family;            /* AF_INET, AF_INET6, or 0: source unknown */
	uint8_t addr[16];      /* source address, 4 or 16 bytes */
	const char *country;   /* GeoIP country, or NULL */
	bool has_geo_location; /* GeoIP coordinates */
	double geo_lat, geo_lon;
};

/* Where the device is, and how that was found. */
struct route_location {
	const char *region; /* or NULL */
	bool has_coords;
	double lat, lon;
	const char
	    *source; /* "device entry", "region 10.0.0.0/8", "GeoIP", "policy default", "unknown" */
};

/* The outcome of route_decide(). Pointers point into the policy. */
struct route_decision {
	const struct policy_route *route; /* the rule that matched */
	size_t route_index;               /* its position, 0-based */
	struct route_location location;
	const struct policy_server *candidates[ROUTE_MAX_SERVERS]; /* before the strategy */
	size_t n_candidates;
	const struct policy_server *servers[ROUTE_MAX_SERVERS]; /* chosen, provisioning order */
	size_t n_servers;
	char why[512]; /* the criteria that held and how the strategy chose */
};

/* Locate the device described by f (see the order above). Always succeeds. */
void route_locate(const struct policy *pol, const struct route_facts *f,
                  struct route_location *out);

/*
 * True when every criterion of m holds for f at location loc. When why is
 * not NULL, it receives (NUL-terminated, truncated to cap) the criteria that
 * held, or on false the first that did not.
 */
bool route_match(const struct policy_route_match *m, const struct route_facts *f,
                 const struct route_location *loc, char *why, size_t cap);

/*
 * Decide the servers for f. Returns 0 and *out; -ENOENT when no rule matches
 * (and there is no default rule); -EHOSTUNREACH when the rule's pool has no
 * server left to choose (all drained, or nearest without coordinates). On
 * failure *reason (static text) says why, for the audit log.
 */
int route_decide(const struct policy *pol, const struct route_facts *f, struct route_decision *out,
                 const char **reason);

/*
 * Pool selection, exposed for tests and `lwbs route`. Chooses one member of
 * pool for endpoint ep (loc may be NULL). Returns 0 with *out, or
 * -EHOSTUNREACH when no member qualifies.
 */
int route_pool_pick(const struct policy_pool *pool, const char *ep,
                    const struct route_location *loc, const struct policy_server **out);

/* Great-circle distance in km between two WGS 84 points (haversine, mean radius). */
double route_distance_km(double lat1, double lon1, double lat2, double lon2);

/* True when address (family, 4 or 16 bytes) lies in net. */
bool route_cidr_contains(const struct policy_cidr *net, int family, const uint8_t *addr);

/*
 * True when rule `later` can never match because `earlier` matches every
 * device later would (its criteria are each absent or wider). Conservative:
 * false when unsure.
 */
bool route_shadows(const struct policy_route *earlier, const struct policy_route *later);

#endif
