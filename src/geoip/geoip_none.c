/* GeoIP left out of the build (Meson feature `geoip` disabled or libmaxminddb missing). */
#include "geoip/geoip.h"

#include <errno.h>

bool geoip_available(void)
{
	return false;
}

int geoip_open(const char *path, struct geoip **out, const char **why)
{
	(void)path;
	(void)out;
	*why = "this lwbs was built without GeoIP support (Meson option -Dgeoip=enabled, "
	       "libmaxminddb-dev)";
	return -ENOTSUP;
}

int geoip_lookup(const struct geoip *g, int family, const uint8_t *addr, struct geoip_result *out)
{
	(void)g;
	(void)family;
	(void)addr;
	(void)out;
	return -ENOENT;
}

void geoip_close(struct geoip *g)
{
	(void)g;
}
