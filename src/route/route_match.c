/*
 * Route criteria, one predicate per criterion (after OpenBSD smtpd's
 * ruleset.c): each says whether it holds and, for explanations, what it saw.
 */
#include "route/route.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* A predicate: true when the criterion holds or is absent; note says what held. */
struct route_ctx {
	const struct policy_route_match *m;
	const struct route_facts *f;
	const struct route_location *loc;
};

typedef bool route_pred_fn(const struct route_ctx *x, char *note, size_t cap);

bool route_cidr_contains(const struct policy_cidr *net, int family, const uint8_t *addr)
{
	unsigned full = net->prefix / 8, rest = net->prefix % 8;

	if (family != net->family)
		return false;
	if (memcmp(net->addr, addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xffu << (8 - rest));
	return (net->addr[full] & mask) == (addr[full] & mask);
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static bool dev_has_tag(const struct policy_device *dev, const char *tag)
{
	return dev != NULL && in_list(tag, dev->tags, dev->n_tags);
}

static bool pred_endpoint(const struct route_ctx *x, char *note, size_t cap)
{
	/* No FNM_PATHNAME: as for device patterns, '/' is ordinary in endpoint names. */
	snprintf(note, cap, "endpoint '%s' ~ '%s'", x->f->endpoint, x->m->endpoint_pattern);
	return fnmatch(x->m->endpoint_pattern, x->f->endpoint, 0) == 0;
}

static bool pred_tags_all(const struct route_ctx *x, char *note, size_t cap)
{
	for (size_t i = 0; i < x->m->n_tags_all; i++) {
		if (!dev_has_tag(x->f->dev, x->m->tags_all[i])) {
			snprintf(note, cap, "tag '%s' missing (tags_all)", x->m->tags_all[i]);
			return false;
		}
	}
	snprintf(note, cap, "has all tags of tags_all");
	return true;
}

static bool pred_tags_any(const struct route_ctx *x, char *note, size_t cap)
{
	for (size_t i = 0; i < x->m->n_tags_any; i++) {
		if (dev_has_tag(x->f->dev, x->m->tags_any[i])) {
			snprintf(note, cap, "tag '%s' (tags_any)", x->m->tags_any[i]);
			return true;
		}
	}
	snprintf(note, cap, "none of tags_any");
	return false;
}

static bool pred_region(const struct route_ctx *x, char *note, size_t cap)
{
	const char *r = x->loc->region;

	snprintf(note, cap, "region '%s' (from %s)", r ? r : "(none)", x->loc->source);
	return in_list(r, x->m->regions, x->m->n_regions);
}

static bool pred_country(const struct route_ctx *x, char *note, size_t cap)
{
	const char *c = x->f->country;

	snprintf(note, cap, "GeoIP country '%s'", c ? c : "(unknown)");
	for (size_t i = 0; c != NULL && i < x->m->n_countries; i++)
		if (strcasecmp(c, x->m->countries[i]) == 0)
			return true;
	return false;
}

static bool pred_source(const struct route_ctx *x, char *note, size_t cap)
{
	snprintf(note, cap, "source address not in any source network");
	if (x->f->family == 0) {
		snprintf(note, cap, "source address unknown");
		return false;
	}
	for (size_t i = 0; i < x->m->n_sources; i++) {
		if (route_cidr_contains(&x->m->sources[i], x->f->family, x->f->addr)) {
			snprintf(note, cap, "source in network #%zu", i + 1);
			return true;
		}
	}
	return false;
}

static bool pred_credential(const struct route_ctx *x, char *note, size_t cap)
{
	snprintf(note, cap, "credential %s", policy_security_name(x->f->credential));
	return (x->m->credentials & (1u << x->f->credential)) != 0;
}

static bool pred_version(const struct route_ctx *x, char *note, size_t cap)
{
	if (!x->f->has_version) {
		snprintf(note, cap, "LwM2M version unknown");
		return false;
	}
	snprintf(note, cap, "LwM2M %d.%d", x->f->version / 10, x->f->version % 10);
	return (x->m->versions & (1u << (x->f->version - LWM2M_V1_0))) != 0;
}

static size_t has_endpoint(const struct policy_route_match *m)
{
	return m->endpoint_pattern != NULL;
}
static size_t has_tags_all(const struct policy_route_match *m)
{
	return m->n_tags_all;
}
static size_t has_tags_any(const struct policy_route_match *m)
{
	return m->n_tags_any;
}
static size_t has_region(const struct policy_route_match *m)
{
	return m->n_regions;
}
static size_t has_country(const struct policy_route_match *m)
{
	return m->n_countries;
}
static size_t has_source(const struct policy_route_match *m)
{
	return m->n_sources;
}
static size_t has_credential(const struct policy_route_match *m)
{
	return m->credentials;
}
static size_t has_version(const struct policy_route_match *m)
{
	return m->versions;
}

/* The criteria in the order they are checked: cheap and selective first. */
static const struct {
	route_pred_fn *fn;
	size_t (*present)(const struct policy_route_match *m);
} route_preds[] = {
    {pred_endpoint, has_endpoint}, {pred_credential, has_credential}, {pred_version, has_version},
    {pred_tags_all, has_tags_all}, {pred_tags_any, has_tags_any},     {pred_source, has_source},
    {pred_region, has_region},     {pred_country, has_country},
};

bool route_match(const struct policy_route_match *m, const struct route_facts *f,
                 const struct route_location *loc, char *why, size_t cap)
{
	struct route_ctx x = {m, f, loc};
	char note[160], scratch[1];
	size_t used = 0;

	if (why == NULL || cap == 0) {
		why = scratch;
		cap = sizeof(scratch);
	}
	why[0] = '\0';
	for (size_t i = 0; i < sizeof(route_preds) / sizeof(route_preds[0]); i++) {
		if (!route_preds[i].present(m))
			continue;
		if (!route_preds[i].fn(&x, note, sizeof(note))) {
			snprintf(why, cap, "%s", note);
			return false;
		}
		if (used < cap)
			used += (size_t)snprintf(why + used, cap - used, "%s%s", used ? ", " : "",
			                         note);
	}
	if (used == 0)
		snprintf(why, cap, "no criteria (default route)");
	return true;
}
