/* Pool strategies and the distances and hashes they use. */
#include "route/route.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define EARTH_RADIUS_KM 6371.0088 /* IUGG mean radius */

double route_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = M_PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
	           cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);

	return 2 * EARTH_RADIUS_KM * asin(sqrt(a < 1 ? a : 1));
}

/*
 * 64-bit FNV-1a over "endpoint\0server-id", finished with the splitmix64
 * mixer: FNV alone leaves the high bits poorly mixed for short keys.
 */
static uint64_t route_hash(const char *ep, const char *server_id)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const char *s = ep; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	h = (h ^ 0) * 0x100000001b3ULL;
	for (const char *s = server_id; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

/*
 * Weighted rendezvous hashing (Schindelhauer and Schomaker): the member with
 * the highest w / -ln(u), u uniform in (0, 1) from the hash, wins. With equal
 * weights it is plain rendezvous hashing. Either way a device keeps its
 * server while the pool is unchanged, and adding or removing a member moves
 * only the devices that member gains or loses.
 */
static double rendezvous_score(const char *ep, const struct policy_member *m, bool weighted)
{
	uint64_t h = route_hash(ep, m->server->id);
	double u = ((double)(h >> 11) + 0.5) / 9007199254740992.0; /* 2^53 */

	return (weighted ? (double)m->weight : 1.0) / -log(u);
}

static bool member_usable(const struct policy_member *m)
{
	return m->server != NULL && !m->server->drained;
}

static int pick_rendezvous(const struct policy_pool *pool, const char *ep, bool weighted,
                           const struct policy_server **out)
{
	const struct policy_server *best = NULL;
	double best_score = -1;

	for (size_t i = 0; i < pool->n_members; i++) {
		const struct policy_member *m = &pool->members[i];
		if (!member_usable(m))
			continue;
		double s = rendezvous_score(ep, m, weighted);
		if (s > best_score) {
			best_score = s;
			best = m->server;
		}
	}
	if (best == NULL)
		return -EHOSTUNREACH;
	*out = best;
	return 0;
}

/* Members without coordinates are never nearest; ties go to the earlier member. */
static int pick_nearest(const struct policy_pool *pool, const struct route_location *loc,
                        const struct policy_server **out)
{
	const struct policy_server *best = NULL;
	double best_km = INFINITY;

	if (loc == NULL || !loc->has_coords)
		return -EHOSTUNREACH;
	for (size_t i = 0; i < pool->n_members; i++) {
		const struct policy_member *m = &pool->members[i];
		if (!member_usable(m) || !m->server->has_location)
			continue;
		double km = route_distance_km(loc->lat, loc->lon, m->server->lat, m->server->lon);
		if (km < best_km) {
			best_km = km;
			best = m->server;
		}
	}
	if (best == NULL)
		return -EHOSTUNREACH;
	*out = best;
	return 0;
}

static int pick_priority(const struct policy_pool *pool, const struct policy_server **out)
{
	for (size_t i = 0; i < pool->n_members; i++) {
		if (member_usable(&pool->members[i])) {
			*out = pool->members[i].server;
			return 0;
		}
	}
	return -EHOSTUNREACH;
}

int route_pool_pick(const struct policy_pool *pool, const char *ep,
                    const struct route_location *loc, const struct policy_server **out)
{
	switch (pool->strategy) {
	case POLICY_STRATEGY_STICKY:
		return pick_rendezvous(pool, ep, false, out);
	case POLICY_STRATEGY_WEIGHTED:
		return pick_rendezvous(pool, ep, true, out);
	case POLICY_STRATEGY_NEAREST:
		return pick_nearest(pool, loc, out);
	case POLICY_STRATEGY_PRIORITY:
		return pick_priority(pool, out);
	}
	return -EINVAL;
}
