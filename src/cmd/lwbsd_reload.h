/*
 * lwbsd's policy reload (SIGHUP) on a thread of its own. Loading a big
 * policy takes seconds (a million devices: about three); meanwhile the
 * worker's loop goes on serving with the policy in force, and swaps the new
 * one in when the load has finished. Nothing but the load runs on the
 * thread: the caller logs, swaps and reports.
 */
#ifndef LWBS_CMD_LWBSD_RELOAD_H
#define LWBS_CMD_LWBSD_RELOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "conf/conf.h"

/* Zeroed memory is a reload that is not running. */
struct reload {
	pthread_t thread;
	const char *path;
	bool running;         /* the thread exists and is not joined yet */
	atomic_bool finished; /* set by the thread as it ends */
	int rc;               /* conf_load()'s */
	struct policy *pol;
	struct conf_diags diags;
};

/*
 * Start loading path (borrowed until the load is over) when no load is
 * running. Returns 0, or a negative errno when no thread could be started.
 */
int reload_start(struct reload *r, const char *path);

static inline bool reload_running(const struct reload *r)
{
	return r->running;
}

/*
 * When a running load has finished: join its thread, print its diagnostics
 * to stderr, hand the new policy over in *pol (NULL when it has errors) and
 * return true. Otherwise false at once.
 */
bool reload_finished(struct reload *r, struct policy **pol);

/* Wait for a running load and discard what it loaded. */
void reload_cancel(struct reload *r);

#endif
