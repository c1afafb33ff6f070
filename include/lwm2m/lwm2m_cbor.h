/*
 * LwM2M CBOR (application/vnd.oma.lwm2m+cbor, 11544), Core TS 1.2 §7.4.6:
 * nested maps keyed by path components, {oid: {iid: {rid: value,
 * rid2: {riid: value}}}}; a key may also be an array of consecutive
 * components ({[oid, iid]: {...}}). Objlnk values are text "oid:iid".
 */
#ifndef LWBS_LWM2M_LWM2M_CBOR_H
#define LWBS_LWM2M_LWM2M_CBOR_H

#include "lwm2m/codec.h"

/*
 * Append {oid: {iid: {rid: value, ...}}} with definite lengths. Returns 0,
 * -EINVAL (unsorted instance, untyped value) or -ENOMEM.
 */
int lwm2m_cbor_encode_instance(const struct lwm2m_instance *inst, struct buf *out);

/*
 * Decode nested maps (definite or indefinite, keys single ids or arrays of
 * ids) into one record per leaf; values are typed by their CBOR type.
 * Appends to out; returns 0, -EBADMSG or -ENOMEM (out may then hold part of
 * the payload).
 */
int lwm2m_cbor_decode(const uint8_t *p, size_t n, struct lwm2m_records *out);

#endif
