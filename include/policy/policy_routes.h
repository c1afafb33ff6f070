/*
 * The routing part of a policy (policies/README.md "Routing"): server pools,
 * the CIDR-to-region table and the ordered route rules. Plain values, owned
 * by the policy like everything in policy/policy.h and immutable once
 * conf_load() has handed the policy out. Evaluating them is route/route.h's
 * job; this header only describes them.
 */
#ifndef LWBS_POLICY_POLICY_ROUTES_H
#define LWBS_POLICY_POLICY_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

/* A network: family AF_INET or AF_INET6, address bytes (4 or 16 used), prefix length. */
struct policy_cidr {
	int family;
	uint8_t addr[16];
	unsigned prefix;
};

/* One entry of `regions:`: devices whose source address is in net are in region. */
struct policy_region {
	struct policy_cidr net;
	const char *cidr; /* as written, for explanations */
	const char *region;
	bool has_location;
	double lat, lon;
	const char *file;
	int line;
};

enum policy_strategy {
	POLICY_STRATEGY_STICKY,   /* rendezvous hash of the endpoint name */
	POLICY_STRATEGY_WEIGHTED, /* weighted rendezvous hash: weights, yet stable */
	POLICY_STRATEGY_NEAREST,  /* great-circle distance to the device's location */
	POLICY_STRATEGY_PRIORITY, /* the first member not drained */
};

/* A server named by a pool or a route. */
struct policy_member {
	const char *id;                     /* as written */
	const struct policy_server *server; /* resolved once every file is read */
	uint32_t weight;                    /* 1..1000000; 1 unless given */
	int line, col;                      /* of the reference, in the pool's or route's file */
};

struct policy_pool {
	const char *id;
	enum policy_strategy strategy;
	const struct policy_member *members; /* in the order written (priority order) */
	size_t n_members;
	const char *file;
	int line, col;
};

/*
 * What a route rule requires; an empty criterion (NULL pattern, zero
 * count, zero mask) holds for every device. All given criteria must hold.
 */
struct policy_route_match {
	const char *endpoint_pattern; /* fnmatch(3) glob over the endpoint name */
	const char *const *tags_all;  /* the device has every one of these tags */
	size_t n_tags_all;
	const char *const *tags_any; /* the device has at least one of these */
	size_t n_tags_any;
	const char *const *regions; /* the device's region is one of these */
	size_t n_regions;
	const char *const *countries; /* GeoIP country (ISO 3166-1 alpha-2) is one of these */
	size_t n_countries;
	const struct policy_cidr *sources; /* the source address is in one of these */
	size_t n_sources;
	unsigned credentials; /* bits 1u << enum policy_security of the bootstrap connection */
	unsigned versions;    /* bits 1u << (enum lwm2m_version - 10): 1.0, 1.1, 1.2 */
};

/* One rule of `routes:`; the first whose match holds decides. */
struct policy_route {
	const char *name; /* `name:`, or "#N" (1-based position) */
	bool has_match;   /* false: the default route, matches everything */
	struct policy_route_match match;
	const struct policy_member *servers; /* target servers, when pool is NULL */
	size_t n_servers;
	const struct policy_pool *pool;
	const char *pool_id; /* as written, when the target is a pool */
	const char *file;
	int line, col;
	int pool_line, pool_col; /* of the `pool:` value */
};

size_t policy_pool_count(const struct policy *p);
const struct policy_pool *policy_pool_at(const struct policy *p, size_t i);
/* The pool with this id, or NULL. */
const struct policy_pool *policy_pool_by_id(const struct policy *p, const char *id);

size_t policy_region_count(const struct policy *p);
const struct policy_region *policy_region_at(const struct policy *p, size_t i);

/* Routes in evaluation order. */
size_t policy_route_count(const struct policy *p);
const struct policy_route *policy_route_at(const struct policy *p, size_t i);

/* "sticky", "weighted", "nearest" or "priority". */
const char *policy_strategy_name(enum policy_strategy s);

/*
 * For the loader (conf/) only. Each takes an object allocated from p (and
 * pointing into p). Returns 0, -EEXIST (pool id taken; nothing added) or
 * -ENOMEM.
 */
int policy_add_pool(struct policy *p, const struct policy_pool *pool);
int policy_add_region(struct policy *p, const struct policy_region *region);
int policy_add_route(struct policy *p, const struct policy_route *route);

/*
 * The GeoIP database handle the policy owns (geoip/geoip.h), or NULL.
 * policy_set_geoip() hands g over to p: policy_free() closes it.
 */
struct geoip;
struct geoip *policy_geoip(const struct policy *p);
void policy_set_geoip(struct policy *p, struct geoip *g);

/*
 * Reference counting, for reload (STYLE rule 7): a policy starts with one
 * reference (its creator's); every session holds one so that it finishes
 * under the policy it started with; the last policy_unref() frees it.
 * Per process and not atomic: each lwbsd worker process counts its own.
 * The count is bookkeeping outside the policy's immutable contents, which is
 * why these take const pointers. NULL is a no-op.
 */
void policy_ref(const struct policy *p);
void policy_unref(const struct policy *p);

#endif
