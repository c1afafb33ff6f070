/*
 * The LwM2M data model as plain value types: paths, typed values,
 * resources and object instances (OMA LwM2M Core TS 1.2 §6.1, Appendix C).
 * Nothing here owns memory: byte strings point into storage kept by the caller.
 */
#ifndef LWBS_LWM2M_MODEL_H
#define LWBS_LWM2M_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CoAP Content-Format numbers used by LwM2M (Core TS 1.2 §7.1, Table 7.1-1). */
enum lwm2m_format {
	LWM2M_FMT_TEXT = 0,
	LWM2M_FMT_LINK = 40,
	LWM2M_FMT_OPAQUE = 42,
	LWM2M_FMT_CBOR = 60,
	LWM2M_FMT_SENML_JSON = 110,
	LWM2M_FMT_SENML_CBOR = 112,
	LWM2M_FMT_TLV = 11542,
	LWM2M_FMT_JSON = 11543,
	LWM2M_FMT_LWM2M_CBOR = 11544,
};

/* LwM2M versions as major*10+minor: 10, 11, 12. */
enum lwm2m_version {
	LWM2M_V1_0 = 10,
	LWM2M_V1_1 = 11,
	LWM2M_V1_2 = 12,
};

/* Resource data types (Core TS 1.2 Appendix C). */
enum lwm2m_type {
	LWM2M_TYPE_NONE = 0, /* untyped: raw bytes from a TLV payload */
	LWM2M_TYPE_STRING,
	LWM2M_TYPE_OPAQUE,
	LWM2M_TYPE_INTEGER,
	LWM2M_TYPE_UNSIGNED,
	LWM2M_TYPE_FLOAT,
	LWM2M_TYPE_BOOLEAN,
	LWM2M_TYPE_OBJLNK,
	LWM2M_TYPE_TIME,
	LWM2M_TYPE_CORELNK,
};

struct lwm2m_bytes {
	const uint8_t *data; /* not owned */
	size_t len;
};

struct lwm2m_value {
	enum lwm2m_type type;
	union {
		int64_t i;                  /* INTEGER, TIME */
		uint64_t u;                 /* UNSIGNED */
		double f;                   /* FLOAT */
		bool b;                     /* BOOLEAN */
		struct {
			uint16_t oid, iid;
		} objlnk;                   /* OBJLNK */
		struct lwm2m_bytes bytes;   /* STRING, OPAQUE, CORELNK, NONE */
	} v;
};

#define LWM2M_NO_RIID (-1)

/*
 * One resource value. A multi-instance resource is several entries with the
 * same rid and riid >= 0; a single-instance resource has riid LWM2M_NO_RIID.
 */
struct lwm2m_resource {
	uint16_t rid;
	int32_t riid;
	struct lwm2m_value value;
};

/* An object instance: resources sorted by (rid, riid). */
struct lwm2m_instance {
	uint16_t oid;
	uint16_t iid;
	size_t n_res;
	const struct lwm2m_resource *res; /* not owned */
};

/* A path /oid/iid/rid/riid; depth 0 is the root "/". */
struct lwm2m_path {
	uint8_t depth;
	uint16_t ids[4];
};

#endif
