/*
 * CoRE Link Format (RFC 6690) as used by LwM2M Discover responses, and the
 * summary a bootstrap server needs from a Bootstrap-Discover response
 * (Core TS 1.2 §6.2.2.2 / §5.2.7.5).
 */
#ifndef LWBS_LWM2M_LINKFORMAT_H
#define LWBS_LWM2M_LINKFORMAT_H

#include "lwm2m/model.h"

/* One object instance a client listed in its Bootstrap-Discover response. */
struct discover_instance {
	uint16_t oid;
	uint16_t iid;
	bool has_ssid;      /* ssid attribute present (Security/Server/OSCORE instances) */
	uint16_t ssid;
	char uri[256];      /* uri attribute of a Security instance, "" when absent */
};

#define DISCOVER_MAX_INSTANCES 64

struct discover_result {
	enum lwm2m_version version;   /* from </>;lwm2m="1.x"; LWM2M_V1_0 when absent */
	size_t n;
	struct discover_instance inst[DISCOVER_MAX_INSTANCES];
	size_t n_objects;             /* objects listed without an instance, e.g. </5> */
	uint16_t objects[DISCOVER_MAX_INSTANCES];
};

/*
 * Parse a Bootstrap-Discover response payload (link-format, not
 * NUL-terminated). Tolerates quoted and unquoted attribute values, spaces and
 * unknown attributes; links deeper than an instance are ignored. Instances
 * beyond DISCOVER_MAX_INSTANCES are an error. Returns 0 or -EBADMSG (out is
 * then unspecified). Only the first n inst[] and n_objects objects[] are
 * written; the rest of the arrays is left untouched.
 */
int discover_parse(const char *p, size_t n, struct discover_result *out);

/*
 * The Security instance that is the client's bootstrap account: the /0
 * instance listed without ssid (Core TS 1.2 §5.2.7.5). Returns its iid, or
 * -ENOENT when none.
 */
int discover_bootstrap_iid(const struct discover_result *d);

/* True when /oid/iid is listed. */
bool discover_has_instance(const struct discover_result *d, uint16_t oid, uint16_t iid);

#endif
