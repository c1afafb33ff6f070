/*
 * Resource definitions of the objects a bootstrap server writes:
 * Security (0), Server (1), Access Control (2) and OSCORE (21),
 * as in the OMA LwM2M Registry for Core TS 1.2.
 */
#ifndef LWBS_LWM2M_SCHEMA_H
#define LWBS_LWM2M_SCHEMA_H

#include "lwm2m/model.h"

enum {
	LWM2M_OID_SECURITY = 0,
	LWM2M_OID_SERVER = 1,
	LWM2M_OID_ACL = 2,
	LWM2M_OID_OSCORE = 21,
};

struct lwm2m_resdef {
	uint16_t oid;
	uint16_t rid;
	const char *name;   /* snake_case, as used in policy files */
	enum lwm2m_type type;
	bool multiple;      /* multi-instance resource */
	bool executable;    /* executable: never written */
};

/* Definition of /oid/x/rid, or NULL when unknown. */
const struct lwm2m_resdef *schema_find(uint16_t oid, uint16_t rid);
/* Definition of resource `name` of object oid, or NULL when unknown. */
const struct lwm2m_resdef *schema_find_name(uint16_t oid, const char *name);
/* True when oid is one of the objects described here. */
bool schema_has_object(uint16_t oid);

#endif
