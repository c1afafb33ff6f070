#include "policy/policy.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

void policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	hmap_free(p->server_by_id);
	hmap_free(p->server_by_ssid);
	hmap_free(p->dev_by_endpoint);
	hmap_free(p->dev_by_pattern);
	hmap_free(p->dev_by_identity);
	hmap_free(p->dev_by_rpk);
	free(p->servers.items);
	free(p->devices.items);
	free(p->patterns.items);
	policy_routes_free(p);
	policy_arena_free(p);
	free(p);
}

const struct policy_settings *policy_settings(const struct policy *p)
{
	return &p->settings;
}

const char *policy_version(const struct policy *p)
{
	return p->version;
}

const struct policy_device *policy_device_by_psk_identity(const struct policy *p, const uint8_t *id,
                                                          size_t len)
{
	return hmap_get(p->dev_by_identity, id, len);
}

const struct policy_device *policy_device_by_rpk(const struct policy *p, const uint8_t *spki,
                                                 size_t len)
{
	return hmap_get(p->dev_by_rpk, spki, len);
}

bool policy_device_claims(const struct policy_device *dev, const char *ep)
{
	if (dev->endpoint != NULL)
		return strcmp(dev->endpoint, ep) == 0;
	/* No FNM_PATHNAME: endpoint names are not paths, '/' is an ordinary character. */
	return dev->pattern != NULL && fnmatch(dev->pattern, ep, 0) == 0;
}

const struct policy_device *policy_device_by_endpoint(const struct policy *p, const char *ep)
{
	const struct policy_device *dev = hmap_get(p->dev_by_endpoint, ep, strlen(ep));

	if (dev != NULL)
		return dev;
	for (size_t i = 0; i < p->patterns.n; i++) {
		dev = p->patterns.items[i];
		if (policy_device_claims(dev, ep))
			return dev;
	}
	return NULL;
}

const struct policy_server *policy_server_by_id(const struct policy *p, const char *id)
{
	return hmap_get(p->server_by_id, id, strlen(id));
}

const struct policy_server *policy_server_by_ssid(const struct policy *p, uint16_t ssid)
{
	return hmap_get(p->server_by_ssid, &ssid, sizeof(ssid));
}

size_t policy_server_count(const struct policy *p)
{
	return p->servers.n;
}

const struct policy_server *policy_server_at(const struct policy *p, size_t i)
{
	return i < p->servers.n ? p->servers.items[i] : NULL;
}

size_t policy_device_count(const struct policy *p)
{
	return p->devices.n;
}

const struct policy_device *policy_device_at(const struct policy *p, size_t i)
{
	return i < p->devices.n ? p->devices.items[i] : NULL;
}

const char *policy_security_name(enum policy_security sec)
{
	switch (sec) {
	case POLICY_SEC_PSK:
		return "psk";
	case POLICY_SEC_RPK:
		return "rpk";
	case POLICY_SEC_CERTIFICATE:
		return "certificate";
	case POLICY_SEC_NOSEC:
		return "nosec";
	}
	return "unknown";
}
