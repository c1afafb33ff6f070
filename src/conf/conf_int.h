/*
 * Inside the loader: the state of one conf_load() call, diagnostics, and the
 * section parsers (schema_*.c) that conf.c dispatches to.
 */
#ifndef LWBS_CONF_CONF_INT_H
#define LWBS_CONF_CONF_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/conf.h"
#include "util/hmap.h"
#include "policy/policy_build.h"
#include "yaml_walk.h"

/* A device's reference to a server not defined yet: resolved once all files are read. */
struct conf_pending {
	struct policy_device_server *ds;
	const struct policy_device *dev;
	const char *server_id; /* owned by the policy */
	const char *file;
	int line, col;
	bool check_creds; /* false when the entry had errors of its own already */
};

struct conf_ctx {
	struct conf_diags *diags;
	struct policy *pol;
	const char *file;       /* display name of the file being read; owned by pol */
	const char *dir;        /* its directory, for relative paths; owned by pol */
	const char *what;       /* what is being parsed, for messages: "server 'dm-local'" */
	unsigned sections_seen; /* top-level keys met in the current file */
	struct policy_settings settings;
	bool settings_seen;
	struct conf_pending *pending;
	size_t n_pending, cap_pending;
	struct hmap *broken_servers; /* ids of servers left out for errors of their own */
	bool oom;
};

/* Report at node at (line 0 when NULL) in the current file. */
void conf_error(struct conf_ctx *c, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void conf_warn(struct conf_ctx *c, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Report at an explicit position, for checks made after the file was read. */
void conf_diag_at(struct conf_ctx *c, enum conf_severity sev, const char *file, int line, int col,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* The `lwbsd:` section (schema_lwbsd.c). */
void conf_lwbsd_section(struct conf_ctx *c, const struct ynode *value);
/* One element of `servers:` (schema_server.c). */
void conf_server_item(struct conf_ctx *c, size_t idx, const struct ynode *item);
/* One element of `devices:` (schema_device.c). */
void conf_device_item(struct conf_ctx *c, size_t idx, const struct ynode *item);
/* After all files: resolve server references left pending (schema_device.c). */
void conf_device_resolve(struct conf_ctx *c);
/* One element of `pools:`, `regions:`, `routes:` (schema_route.c). */
void conf_pool_item(struct conf_ctx *c, size_t idx, const struct ynode *item);
void conf_region_item(struct conf_ctx *c, size_t idx, const struct ynode *item);
void conf_route_item(struct conf_ctx *c, size_t idx, const struct ynode *item);
/* After all files: resolve the servers and pools routes name; report shadowed routes. */
void conf_route_resolve(struct conf_ctx *c);

#endif
