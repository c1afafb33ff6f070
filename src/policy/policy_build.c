#include "policy/policy_build.h"

#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

/*
 * One arena for everything a policy points to: a million devices would
 * otherwise be several million small mallocs, and freeing would have to know
 * every struct's shape to wipe the keys.
 */
struct policy_chunk {
	struct policy_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

#define CHUNK_SIZE ((size_t)64 * 1024)
#define ALIGN_UP(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

static struct policy_chunk *chunk_new(size_t cap)
{
	struct policy_chunk *c = malloc(sizeof(*c) + cap);

	if (c == NULL)
		return NULL;
	c->next = NULL;
	c->used = 0;
	c->cap = cap;
	return c;
}

void *policy_alloc(struct policy *p, size_t n)
{
	struct policy_chunk *c = p->arena;
	void *mem;

	if (n > SIZE_MAX / 2)
		return NULL;
	n = ALIGN_UP(n ? n : 1);
	if (c == NULL || c->cap - c->used < n) {
		c = chunk_new(n > CHUNK_SIZE / 4 ? n : CHUNK_SIZE);
		if (c == NULL)
			return NULL;
		/* A big block gets a chunk of its own behind the head, whose free space stays
		 * usable. */
		if (n > CHUNK_SIZE / 4 && p->arena != NULL) {
			c->next = p->arena->next;
			p->arena->next = c;
		} else {
			c->next = p->arena;
			p->arena = c;
		}
	}
	mem = (char *)c->data + c->used;
	c->used += n;
	return memset(mem, 0, n);
}

char *policy_strndup(struct policy *p, const char *s, size_t n)
{
	char *d = n < SIZE_MAX ? policy_alloc(p, n + 1) : NULL;

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

void policy_arena_free(struct policy *p)
{
	struct policy_chunk *c = p->arena, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		explicit_bzero(c->data, c->used);
		free(c);
	}
	p->arena = NULL;
}

static const char *const default_listen[] = {"127.0.0.1"};
/*
 * /0 and /1, not "/": a Delete of "/" also empties application objects
 * (firmware, connectivity) that a bootstrap server has no business with.
 */
static const struct lwm2m_path default_delete[] = {{1, {0, 0, 0, 0}}, {1, {1, 0, 0, 0}}};

static void policy_default_settings(struct policy_settings *s)
{
	*s = (struct policy_settings){
	    .listen = default_listen,
	    .n_listen = 1,
	    .coap_port = 5683,
	    .coaps_port = 5684,
	    .session_timeout = 30,
	    .exchange_timeout = 10,
	    .discover = true,
	    .delete_paths = default_delete,
	    .n_delete = 2,
	    .format_auto = true,
	    .format = LWM2M_FMT_TLV,
	};
}

int policy_new(struct policy **out)
{
	struct policy *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return -ENOMEM;
	p->server_by_id = hmap_new(16);
	p->server_by_ssid = hmap_new(16);
	p->dev_by_endpoint = hmap_new(16);
	p->dev_by_pattern = hmap_new(16);
	p->dev_by_identity = hmap_new(16);
	p->dev_by_rpk = hmap_new(16);
	if (!p->server_by_id || !p->server_by_ssid || !p->dev_by_endpoint || !p->dev_by_pattern ||
	    !p->dev_by_identity || !p->dev_by_rpk)
		goto fail;
	policy_default_settings(&p->settings);
	policy_set_version(p, 0);
	*out = p;
	return 0;
fail:
	policy_free(p);
	return -ENOMEM;
}

void policy_set_settings(struct policy *p, const struct policy_settings *s)
{
	p->settings = *s;
}

void policy_set_version(struct policy *p, uint64_t hash)
{
	snprintf(p->version, sizeof(p->version), "%016llx", (unsigned long long)hash);
}

int policy_vec_push(struct policy_vec *v, const void *item)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		const void **items = reallocarray(v->items, cap, sizeof(*items));
		if (items == NULL)
			return -ENOMEM;
		v->items = items;
		v->cap = cap;
	}
	v->items[v->n++] = item;
	return 0;
}

int policy_add_server(struct policy *p, const struct policy_server *srv)
{
	int rc;

	if (policy_server_by_id(p, srv->id) || policy_server_by_ssid(p, srv->ssid))
		return -EEXIST;
	rc = policy_vec_push(&p->servers, srv);
	if (rc == 0)
		rc = hmap_insert(p->server_by_id, srv->id, strlen(srv->id), (void *)srv);
	if (rc == 0)
		rc = hmap_insert(p->server_by_ssid, &srv->ssid, sizeof(srv->ssid), (void *)srv);
	return rc;
}

const struct policy_device *policy_device_clash(const struct policy *p,
                                                const struct policy_device *dev,
                                                enum policy_clash *what)
{
	const struct policy_device *old = NULL;
	enum policy_clash kind = POLICY_CLASH_ENDPOINT;

	if (dev->endpoint != NULL)
		old = hmap_get(p->dev_by_endpoint, dev->endpoint, strlen(dev->endpoint));
	else if (dev->pattern != NULL) {
		old = hmap_get(p->dev_by_pattern, dev->pattern, strlen(dev->pattern));
		kind = POLICY_CLASH_PATTERN;
	}
	if (old == NULL && dev->bootstrap == POLICY_CRED_PSK) {
		old = hmap_get(p->dev_by_identity, dev->psk.identity, dev->psk.identity_len);
		kind = POLICY_CLASH_PSK_IDENTITY;
	}
	if (old == NULL && dev->bootstrap == POLICY_CRED_RPK) {
		old = hmap_get(p->dev_by_rpk, dev->rpk_spki, dev->rpk_spki_len);
		kind = POLICY_CLASH_RPK;
	}
	if (old != NULL && what != NULL)
		*what = kind;
	return old;
}

int policy_add_device(struct policy *p, const struct policy_device *dev)
{
	void *d = (void *)dev;
	int rc;

	if ((dev->endpoint == NULL) == (dev->pattern == NULL))
		return -EINVAL;
	if (policy_device_clash(p, dev, NULL) != NULL)
		return -EEXIST;
	rc = policy_vec_push(&p->devices, dev);
	if (rc == 0 && dev->endpoint != NULL)
		rc = hmap_insert(p->dev_by_endpoint, dev->endpoint, strlen(dev->endpoint), d);
	if (rc == 0 && dev->pattern != NULL)
		rc = hmap_insert(p->dev_by_pattern, dev->pattern, strlen(dev->pattern), d);
	if (rc == 0 && dev->pattern != NULL)
		rc = policy_vec_push(&p->patterns, dev);
	if (rc == 0 && dev->bootstrap == POLICY_CRED_PSK)
		rc = hmap_insert(p->dev_by_identity, dev->psk.identity, dev->psk.identity_len, d);
	if (rc == 0 && dev->bootstrap == POLICY_CRED_RPK)
		rc = hmap_insert(p->dev_by_rpk, dev->rpk_spki, dev->rpk_spki_len, d);
	return rc;
}
