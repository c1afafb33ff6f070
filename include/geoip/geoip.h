/*
 * Country (and coordinates, when the database has them) of an IP address
 * from a MaxMind DB file (GeoLite2/GeoIP2 Country or City layout:
 * country.iso_code, location.latitude/longitude). Only this module includes
 * <maxminddb.h>; without the Meson feature `geoip` geoip_open() fails with
 * -ENOTSUP and nothing else changes.
 */
#ifndef LWBS_GEOIP_GEOIP_H
#define LWBS_GEOIP_GEOIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct geoip;

/* What the database says about one address. */
struct geoip_result {
	char country[3]; /* ISO 3166-1 alpha-2, upper case */
	bool has_location;
	double lat, lon;
};

/* True when lwbs was built with GeoIP support. */
bool geoip_available(void);

/*
 * Open the database at path. Returns 0 and *out, -ENOTSUP without GeoIP
 * support, or -EINVAL / a negative errno when the file cannot be used; then
 * *why (static text) says why.
 */
int geoip_open(const char *path, struct geoip **out, const char **why);

/*
 * Look up the address: family AF_INET (4 bytes at addr) or AF_INET6 (16).
 * Returns 0 with *out filled, -ENOENT when the database has no country for
 * it, -EINVAL on a lookup error.
 */
int geoip_lookup(const struct geoip *g, int family, const uint8_t *addr, struct geoip_result *out);

/* NULL-safe. */
void geoip_close(struct geoip *g);

#endif
