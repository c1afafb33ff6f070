/* GeoIP through libmaxminddb: the only file that includes <maxminddb.h>. */
#include "geoip/geoip.h"

#include <errno.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct geoip {
	MMDB_s db;
};

bool geoip_available(void)
{
	return true;
}

int geoip_open(const char *path, struct geoip **out, const char **why)
{
	struct geoip *g = calloc(1, sizeof(*g));
	int st;

	if (g == NULL)
		return -ENOMEM;
	st = MMDB_open(path, MMDB_MODE_MMAP, &g->db);
	if (st != MMDB_SUCCESS) {
		*why = MMDB_strerror(st);
		free(g);
		return st == MMDB_FILE_OPEN_ERROR ? -ENOENT : -EINVAL;
	}
	*out = g;
	return 0;
}

/* A sockaddr for MMDB_lookup_sockaddr(), which takes nothing else for raw bytes. */
static socklen_t geoip_sockaddr(int family, const uint8_t *addr, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, addr, 4);
		return sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	in6->sin6_family = AF_INET6;
	memcpy(&in6->sin6_addr, addr, 16);
	return sizeof(*in6);
}

static bool geoip_double(MMDB_entry_s *e, const char *a, const char *b, double *out)
{
	MMDB_entry_data_s d;

	if (MMDB_get_value(e, &d, a, b, NULL) != MMDB_SUCCESS || !d.has_data)
		return false;
	if (d.type == MMDB_DATA_TYPE_DOUBLE)
		*out = d.double_value;
	else if (d.type == MMDB_DATA_TYPE_FLOAT)
		*out = d.float_value;
	else
		return false;
	return true;
}

int geoip_lookup(const struct geoip *g, int family, const uint8_t *addr, struct geoip_result *out)
{
	struct sockaddr_storage ss;
	MMDB_entry_data_s d;
	struct geoip_result r = {0};
	int mmdb = 0;

	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	geoip_sockaddr(family, addr, &ss);
	MMDB_lookup_result_s res =
	    MMDB_lookup_sockaddr((MMDB_s *)&g->db, (const struct sockaddr *)&ss, &mmdb);
	if (mmdb != MMDB_SUCCESS)
		return -EINVAL;
	if (!res.found_entry)
		return -ENOENT;
	if (MMDB_get_value(&res.entry, &d, "country", "iso_code", NULL) != MMDB_SUCCESS ||
	    !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2)
		return -ENOENT;
	memcpy(r.country, d.utf8_string, 2);
	r.has_location = geoip_double(&res.entry, "location", "latitude", &r.lat) &&
	                 geoip_double(&res.entry, "location", "longitude", &r.lon);
	*out = r;
	return 0;
}

void geoip_close(struct geoip *g)
{
	if (g == NULL)
		return;
	MMDB_close(&g->db);
	free(g);
}
