#include "lwm2m/senml.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lwm2m/records.h"

#define VALUE_LABELS                                                                               \
	(1u << SENML_V | 1u << SENML_VS | 1u << SENML_VB | 1u << SENML_VD | 1u << SENML_VLO)

int senml_see(struct senml_record *rec, enum senml_label l)
{
	unsigned bit = 1u << l;

	if (l == SENML_OTHER)
		return 0;
	if ((rec->seen & bit) || ((bit & VALUE_LABELS) && (rec->seen & VALUE_LABELS)))
		return -EBADMSG;
	rec->seen |= bit;
	return 0;
}

int senml_set_name(char *dst, size_t *dst_len, const void *s, size_t n)
{
	if (n >= PATH_TEXT_MAX)
		return -EBADMSG;
	if (n > 0)
		memcpy(dst, s, n);
	dst[n] = '\0';
	*dst_len = n;
	return 0;
}

bool senml_value_fits(enum senml_label l, enum lwm2m_type t)
{
	switch (l) {
	case SENML_V:
		return t == LWM2M_TYPE_INTEGER || t == LWM2M_TYPE_UNSIGNED ||
		       t == LWM2M_TYPE_FLOAT || t == LWM2M_TYPE_TIME;
	case SENML_VS:
		return t == LWM2M_TYPE_STRING;
	case SENML_VB:
		return t == LWM2M_TYPE_BOOLEAN;
	case SENML_VD:
		return t == LWM2M_TYPE_OPAQUE;
	case SENML_VLO:
		return t == LWM2M_TYPE_OBJLNK;
	default:
		return false;
	}
}

int senml_finish(const struct senml_base *base, const struct senml_record *rec,
                 struct lwm2m_records *out)
{
	struct lwm2m_path path;

	if (!rec->has_value)
		return 0;
	if (path_parse_joined(base->text, base->len, rec->name, rec->name_len, &path) < 0 ||
	    path.depth < 3)
		return -EBADMSG;
	return records_add(out, &path, &rec->value);
}

int senml_label_of(enum lwm2m_type t, enum senml_label *out)
{
	switch (t) {
	case LWM2M_TYPE_STRING:
	case LWM2M_TYPE_CORELNK:
		*out = SENML_VS;
		return 0;
	case LWM2M_TYPE_OPAQUE:
		*out = SENML_VD;
		return 0;
	case LWM2M_TYPE_INTEGER:
	case LWM2M_TYPE_UNSIGNED:
	case LWM2M_TYPE_FLOAT:
	case LWM2M_TYPE_TIME:
		*out = SENML_V;
		return 0;
	case LWM2M_TYPE_BOOLEAN:
		*out = SENML_VB;
		return 0;
	case LWM2M_TYPE_OBJLNK:
		*out = SENML_VLO;
		return 0;
	default:
		return -EINVAL;
	}
}

size_t senml_format_base(char buf[PATH_TEXT_MAX], uint16_t oid, uint16_t iid)
{
	return (size_t)snprintf(buf, PATH_TEXT_MAX, "/%u/%u/", (unsigned)oid, (unsigned)iid);
}

size_t senml_format_name(char buf[PATH_TEXT_MAX], const struct lwm2m_resource *r)
{
	if (r->riid == LWM2M_NO_RIID)
		return (size_t)snprintf(buf, PATH_TEXT_MAX, "%u", (unsigned)r->rid);
	return (size_t)snprintf(buf, PATH_TEXT_MAX, "%u/%ld", (unsigned)r->rid, (long)r->riid);
}
