/*
 * Hash map from binary-safe byte-string keys to non-NULL pointers: open
 * addressing with linear probing, grown at 3/4 load. Insert and lookup only
 * (no removal): built once, then read.
 *
 * The map does not copy keys or own values: a key's bytes must stay valid and
 * unchanged while the map holds it. Lookups on a map that is no longer
 * modified are safe from several threads.
 */
#ifndef LWBS_UTIL_HMAP_H
#define LWBS_UTIL_HMAP_H

#include <stddef.h>

struct hmap;

/* An empty map with room for about `hint` keys before it grows. NULL on ENOMEM. */
struct hmap *hmap_new(size_t hint);

/* Release the map (not keys or values). NULL is a no-op. */
void hmap_free(struct hmap *m);

/*
 * Map the len bytes at key (may contain NUL; len may be 0) to val, which must
 * not be NULL. Returns 0, -EEXIST when the key is already present (its value
 * is kept), -EINVAL for a NULL val, or -ENOMEM; the map is unchanged on failure.
 */
int hmap_insert(struct hmap *m, const void *key, size_t len, void *val);

/* The value stored under the len bytes at key, or NULL when absent. */
void *hmap_get(const struct hmap *m, const void *key, size_t len);

/* Number of keys in the map. */
size_t hmap_count(const struct hmap *m);

#endif
