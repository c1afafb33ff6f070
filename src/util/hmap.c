#include "util/hmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 24 bytes a slot keeps a million-device policy's indexes near 50 MB each. */
struct hmap_slot {
	const void *key; /* NULL: empty slot */
	void *val;
	uint32_t len;
	uint32_t hash; /* low 32 bits: compared before the key bytes, and enough to re-place */
};

struct hmap {
	struct hmap_slot *slots;
	size_t cap; /* power of two */
	size_t count;
};

#define HMAP_MIN_CAP 16
/* Slots are indexed by the stored 32-bit hash (hmap_grow() does not re-read keys). */
#define HMAP_MAX_CAP ((size_t)1 << 31)

/* FNV-1a, then a murmur3 finaliser so that near-identical keys spread over the low bits. */
static uint64_t hmap_hash(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* The slot holding key, or the empty slot where it would go. */
static struct hmap_slot *hmap_find(const struct hmap *m, const void *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1;

	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct hmap_slot *s = &m->slots[i];
		if (s->key == NULL)
			return s;
		if (s->hash == (uint32_t)h && s->len == len && memcmp(s->key, key, len) == 0)
			return s;
	}
}

/* The empty slot where a key of hash h (not in the map) goes. */
static struct hmap_slot *hmap_empty(const struct hmap *m, uint32_t h)
{
	size_t mask = m->cap - 1, i = h & mask;

	while (m->slots[i].key != NULL)
		i = (i + 1) & mask;
	return &m->slots[i];
}

static size_t hmap_cap_for(size_t n)
{
	size_t cap = HMAP_MIN_CAP;

	while (cap / 4 * 3 < n && cap < HMAP_MAX_CAP)
		cap *= 2;
	return cap;
}

struct hmap *hmap_new(size_t hint)
{
	struct hmap *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->cap = hmap_cap_for(hint);
	m->slots = calloc(m->cap, sizeof(*m->slots));
	if (m->slots == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void hmap_free(struct hmap *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	free(m);
}

static int hmap_grow(struct hmap *m)
{
	struct hmap old = *m;

	if (m->cap >= HMAP_MAX_CAP)
		return -ENOMEM;
	m->slots = calloc(m->cap * 2, sizeof(*m->slots));
	if (m->slots == NULL) {
		*m = old;
		return -ENOMEM;
	}
	m->cap *= 2;
	/*
	 * Re-place by the stored hash: the index takes fewer than 32 bits of it.
	 * Re-hashing would read every key, a cache miss each in a big policy.
	 */
	for (size_t i = 0; i < old.cap; i++) {
		struct hmap_slot *s = &old.slots[i];
		if (s->key != NULL)
			*hmap_empty(m, s->hash) = *s;
	}
	free(old.slots);
	return 0;
}

int hmap_insert(struct hmap *m, const void *key, size_t len, void *val)
{
	struct hmap_slot *s;
	uint64_t h;
	int rc;

	if (val == NULL || len > UINT32_MAX)
		return -EINVAL;
	/* A zero-length key still needs a non-NULL pointer: NULL marks empty slots. */
	if (key == NULL)
		key = "";
	h = hmap_hash(key, len);
	s = hmap_find(m, key, len, h);
	if (s->key != NULL)
		return -EEXIST;
	if (m->count + 1 > m->cap / 4 * 3) {
		rc = hmap_grow(m);
		if (rc < 0)
			return rc;
		s = hmap_empty(m, (uint32_t)h);
	}
	*s = (struct hmap_slot){key, val, (uint32_t)len, (uint32_t)h};
	m->count++;
	return 0;
}

void *hmap_get(const struct hmap *m, const void *key, size_t len)
{
	if (len > UINT32_MAX)
		return NULL;
	if (key == NULL)
		key = "";
	return hmap_find(m, key, len, hmap_hash(key, len))->val;
}

size_t hmap_count(const struct hmap *m)
{
	return m->count;
}
