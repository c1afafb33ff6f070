/*
 * SenML CBOR (application/senml+cbor, 112): RFC 8428 §6 as profiled by
 * LwM2M Core TS 1.1 §7.4.5. The same records as SenML JSON with integer
 * labels (bn -2, n 0, v 2, vs 3, vb 4, vd 8) and the text label "vlo" for
 * Objlnk; opaque values are byte strings.
 */
#ifndef LWBS_LWM2M_SENML_CBOR_H
#define LWBS_LWM2M_SENML_CBOR_H

#include "lwm2m/codec.h"

/*
 * Append the records of every resource of inst. Returns 0, -EINVAL
 * (unsorted instance, untyped value) or -ENOMEM.
 */
int senml_cbor_encode_instance(const struct lwm2m_instance *inst, struct buf *out);

/*
 * Decode an array of records (definite or indefinite lengths); values are
 * typed by their CBOR type. Records without a value are skipped, unknown
 * labels ignored. Appends to out; returns 0, -EBADMSG or -ENOMEM (out may
 * then hold part of the payload).
 */
int senml_cbor_decode(const uint8_t *p, size_t n, struct lwm2m_records *out);

#endif
