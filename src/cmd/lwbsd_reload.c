/* lwbsd's policy reload on a thread of its own (lwbsd_reload.h). */
#include "lwbsd_reload.h"

#include <stdio.h>

#include "policy/policy.h"
#include "util/thread.h"

static void *load(void *arg)
{
	struct reload *r = arg;

	r->rc = conf_load(r->path, &r->pol, &r->diags);
	atomic_store(&r->finished, true);
	return NULL;
}

int reload_start(struct reload *r, const char *path)
{
	int rc;

	r->path = path;
	r->pol = NULL;
	r->diags = (struct conf_diags)CONF_DIAGS_INIT;
	atomic_store(&r->finished, false);
	rc = thread_start(&r->thread, load, r);
	r->running = rc == 0;
	return rc;
}

/* Join the thread; its diagnostics are printed and freed. */
static void reload_join(struct reload *r)
{
	pthread_join(r->thread, NULL);
	r->running = false;
	conf_diags_print(&r->diags, stderr);
	conf_diags_free(&r->diags);
}

bool reload_finished(struct reload *r, struct policy **pol)
{
	if (!r->running || !atomic_load(&r->finished))
		return false;
	reload_join(r);
	*pol = r->rc < 0 ? NULL : r->pol;
	return true;
}

void reload_cancel(struct reload *r)
{
	if (!r->running)
		return;
	reload_join(r);
	if (r->rc == 0)
		policy_free(r->pol);
}
