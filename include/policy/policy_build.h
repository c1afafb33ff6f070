/*
 * Building a policy, for the loader (conf/) only: the rest of lwbsd reads
 * policies through policy/policy.h and never changes one.
 *
 * Everything a policy points to is allocated from the policy itself with
 * policy_alloc() and friends, so policy_free() releases (and wipes) it all at
 * once. Servers and devices are added after the loader has checked them; the
 * policy indexes them and refuses clashes.
 */
#ifndef LWBS_POLICY_POLICY_BUILD_H
#define LWBS_POLICY_POLICY_BUILD_H

#include "policy/policy.h"

/* An empty policy with default settings. Returns 0 or -ENOMEM; *out set on success. */
int policy_new(struct policy **out);

/* n zeroed bytes, aligned for any type, owned by p; NULL on ENOMEM. */
void *policy_alloc(struct policy *p, size_t n);

/* A copy of the n bytes at s followed by a NUL, owned by p; NULL on ENOMEM. */
char *policy_strndup(struct policy *p, const char *s, size_t n);

/* Replace the settings; pointers in s must be owned by p or static. */
void policy_set_settings(struct policy *p, const struct policy_settings *s);

/* Set the version from the 64-bit content hash. */
void policy_set_version(struct policy *p, uint64_t hash);

/*
 * Add srv (and what it points to) allocated from p. Returns 0, -EEXIST when
 * its id or ssid is taken (nothing added; find the holder with
 * policy_server_by_id/by_ssid), or -ENOMEM (only policy_free() p then).
 */
int policy_add_server(struct policy *p, const struct policy_server *srv);

/* Which key of a new device clashes with a device already added. */
enum policy_clash {
	POLICY_CLASH_ENDPOINT,
	POLICY_CLASH_PATTERN,
	POLICY_CLASH_PSK_IDENTITY,
	POLICY_CLASH_RPK, /* the bootstrap raw public key */
};

/*
 * The device already added that holds dev's endpoint, pattern, bootstrap PSK
 * identity or raw public key, or NULL. *what tells which key clashed; written only when not NULL.
 */
const struct policy_device *policy_device_clash(const struct policy *p,
                                                const struct policy_device *dev,
                                                enum policy_clash *what);

/*
 * Add dev (allocated from p; its server entries may still be filled in by the
 * loader until it hands the policy out). Returns 0, -EEXIST on a clash
 * (nothing added), -EINVAL when dev has neither endpoint nor pattern, or
 * -ENOMEM (p may then be half-indexed: only policy_free() it).
 */
int policy_add_device(struct policy *p, const struct policy_device *dev);

#endif
