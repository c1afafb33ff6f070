/* Inside the policy module: the handle's layout, shared by policy.c and policy_build.c. */
#ifndef LWBS_POLICY_POLICY_INT_H
#define LWBS_POLICY_POLICY_INT_H

#include "policy/policy.h"
#include "util/hmap.h"

/* A growable array of pointers into the arena. */
struct policy_vec {
	const void **items;
	size_t n, cap;
};

/* Append item to v, growing it geometrically. Returns 0 or -ENOMEM (v unchanged). */
int policy_vec_push(struct policy_vec *v, const void *item);

struct policy_chunk;

struct policy {
	struct policy_chunk *arena; /* everything the structs point to; wiped on free */
	struct policy_settings settings;
	struct policy_vec servers;  /* const struct policy_server * */
	struct policy_vec devices;  /* const struct policy_device *, load order */
	struct policy_vec patterns; /* the devices with a pattern, load order */
	struct hmap *server_by_id;
	struct hmap *server_by_ssid;
	struct hmap *dev_by_endpoint;
	struct hmap *dev_by_pattern;
	struct hmap *dev_by_identity;
	struct hmap *dev_by_rpk; /* key: the SubjectPublicKeyInfo DER */
	char version[17];
	/* Routing (policy_routes.c): */
	struct policy_vec pools;   /* const struct policy_pool * */
	struct policy_vec regions; /* const struct policy_region * */
	struct policy_vec routes;  /* const struct policy_route *, evaluation order */
	struct geoip *geoip;
	unsigned extra_refs; /* references beyond the creator's (policy_ref) */
};

/* Release every arena chunk, zeroing it first (keys live there). */
void policy_arena_free(struct policy *p);

/* Release what the routing part holds outside the arena (policy_routes.c). */
void policy_routes_free(struct policy *p);

#endif
