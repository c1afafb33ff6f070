#include "lwm2m/records.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool owns_bytes(enum lwm2m_type t)
{
	return t == LWM2M_TYPE_STRING || t == LWM2M_TYPE_OPAQUE || t == LWM2M_TYPE_CORELNK ||
	       t == LWM2M_TYPE_NONE;
}

static int grow(struct lwm2m_records *rs)
{
	size_t cap;
	struct lwm2m_record *items;

	if (rs->n < rs->cap)
		return 0;
	cap = rs->cap ? rs->cap * 2 : 16;
	if (cap > SIZE_MAX / sizeof(*items))
		return -ENOMEM;
	items = realloc(rs->items, cap * sizeof(*items));
	if (items == NULL)
		return -ENOMEM;
	rs->items = items;
	rs->cap = cap;
	return 0;
}

int records_add(struct lwm2m_records *rs, const struct lwm2m_path *path,
                const struct lwm2m_value *v)
{
	struct lwm2m_record *r;
	uint8_t *copy = NULL;

	if (grow(rs) < 0)
		return -ENOMEM;
	if (owns_bytes(v->type)) {
		/* The trailing NUL lets callers use strings as C strings. */
		if (v->v.bytes.len == SIZE_MAX)
			return -ENOMEM;
		copy = malloc(v->v.bytes.len + 1);
		if (copy == NULL)
			return -ENOMEM;
		if (v->v.bytes.len > 0)
			memcpy(copy, v->v.bytes.data, v->v.bytes.len);
		copy[v->v.bytes.len] = '\0';
	}
	r = &rs->items[rs->n++];
	r->path = *path;
	r->value = *v;
	if (copy != NULL)
		r->value.v.bytes.data = copy;
	return 0;
}

void records_truncate(struct lwm2m_records *rs, size_t n)
{
	while (rs->n > n) {
		struct lwm2m_record *r = &rs->items[--rs->n];

		if (owns_bytes(r->value.type))
			free((void *)r->value.v.bytes.data);
	}
}
