#include "lwm2m/instance.h"

#include <errno.h>

static bool entry_ok(const struct lwm2m_resource *r)
{
	return r->riid == LWM2M_NO_RIID || (r->riid >= 0 && r->riid <= UINT16_MAX);
}

/* a strictly before b, and both of the same kind when they share a rid. */
static bool in_order(const struct lwm2m_resource *a, const struct lwm2m_resource *b)
{
	if (a->rid != b->rid)
		return a->rid < b->rid;
	return a->riid >= 0 && b->riid > a->riid;
}

int instance_check(const struct lwm2m_instance *inst)
{
	if (inst->n_res > 0 && inst->res == NULL)
		return -EINVAL;
	for (size_t i = 0; i < inst->n_res; i++) {
		if (!entry_ok(&inst->res[i]))
			return -EINVAL;
		if (i > 0 && !in_order(&inst->res[i - 1], &inst->res[i]))
			return -EINVAL;
	}
	return 0;
}

bool instance_next_group(const struct lwm2m_instance *inst, size_t *pos, struct instance_group *g)
{
	size_t i = *pos, end;

	if (i >= inst->n_res)
		return false;
	end = i + 1;
	if (inst->res[i].riid != LWM2M_NO_RIID)
		while (end < inst->n_res && inst->res[end].rid == inst->res[i].rid)
			end++;
	g->rid = inst->res[i].rid;
	g->multiple = inst->res[i].riid != LWM2M_NO_RIID;
	g->res = &inst->res[i];
	g->n = end - i;
	*pos = end;
	return true;
}

size_t instance_count_groups(const struct lwm2m_instance *inst)
{
	struct instance_group g;
	size_t pos = 0, n = 0;

	while (instance_next_group(inst, &pos, &g))
		n++;
	return n;
}
