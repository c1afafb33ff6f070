/*
 * Walking the resources of a struct lwm2m_instance (lwm2m/model.h) one
 * resource at a time, as every encoder needs: a single-instance resource is
 * one entry, a multi-instance resource a run of entries with the same rid.
 */
#ifndef LWBS_LWM2M_INSTANCE_H
#define LWBS_LWM2M_INSTANCE_H

#include "lwm2m/model.h"

/* One resource of an instance. */
struct instance_group {
	uint16_t rid;
	bool multiple;                    /* entries carry riid >= 0 */
	const struct lwm2m_resource *res; /* first entry, not owned */
	size_t n;                         /* entries: 1 unless multiple */
};

/*
 * Check what the encoders rely on: entries sorted by (rid, riid) without
 * duplicates, riid either LWM2M_NO_RIID or in 0..65535, and no rid with both
 * kinds of entry. Returns 0 or -EINVAL.
 */
int instance_check(const struct lwm2m_instance *inst);

/*
 * Fill g with the resource starting at entry *pos and move *pos past it.
 * Returns false (g untouched) when *pos is at the end. inst must pass
 * instance_check().
 */
bool instance_next_group(const struct lwm2m_instance *inst, size_t *pos, struct instance_group *g);

/* Number of resources (groups) in inst. */
size_t instance_count_groups(const struct lwm2m_instance *inst);

#endif
