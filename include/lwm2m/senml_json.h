/*
 * SenML JSON (application/senml+json, 110): RFC 8428 as profiled by LwM2M
 * Core TS 1.1 §7.4.4. A Write to /oid/iid is an array of records, the first
 * carrying the base name "/oid/iid/", each a name "rid" or "rid/riid" and a
 * value under "v" (number), "vs" (string), "vb" (boolean), "vd" (opaque,
 * base64url without padding, RFC 8428 §4.3) or "vlo" (Objlnk "oid:iid").
 */
#ifndef LWBS_LWM2M_SENML_JSON_H
#define LWBS_LWM2M_SENML_JSON_H

#include "lwm2m/codec.h"

/*
 * Append the records of every resource of inst. Returns 0, -EINVAL
 * (unsorted instance, untyped value, NaN or infinite float) or -ENOMEM.
 */
int senml_json_encode_instance(const struct lwm2m_instance *inst, struct buf *out);

/*
 * Decode an array of records: base names persist until replaced, names
 * join them; numbers become INTEGER when written as integers, else FLOAT.
 * Records without a value are skipped; time and unknown labels ignored,
 * labels ending in '_' refused (RFC 8428 §4.4). Appends to out; returns 0,
 * -EBADMSG or -ENOMEM (out may then hold part of the payload).
 */
int senml_json_decode(const uint8_t *p, size_t n, struct lwm2m_records *out);

#endif
