/*
 * OMA-TLV (application/vnd.oma.lwm2m+tlv, 11542), Core TS 1.0 §6.4.3.
 * Type byte: bits 7-6 identifier type (00 Object Instance, 01 Resource
 * Instance, 10 Multiple Resource, 11 Resource with Value), bit 5 identifier
 * length 8/16 bits, bits 4-3 length-of-length 0..3 bytes, bits 2-0 the
 * length itself when bits 4-3 are 00.
 */
#ifndef LWBS_LWM2M_TLV_H
#define LWBS_LWM2M_TLV_H

#include "lwm2m/codec.h"

/*
 * Append the resource TLVs of inst (no Object Instance TLV around them, as
 * a Write to /oid/iid carries). Integers take the smallest of 1, 2, 4, 8
 * bytes; floats 4 bytes when exact, else 8. Returns 0, -EINVAL (unsorted
 * instance, value over 16 MiB) or -ENOMEM.
 */
int tlv_encode_instance(const struct lwm2m_instance *inst, struct buf *out);

/*
 * Decode a payload for target (depth 1: Object Instance TLVs; depth 2:
 * resource TLVs, optionally inside one Object Instance TLV with id = iid;
 * depth 3: the resource TLV with id = rid or its Resource Instance TLVs;
 * depth 4: Resource Instance TLVs). Values are untyped (LWM2M_TYPE_NONE).
 * Appends to out; returns 0, -EBADMSG or -ENOMEM (out may then hold part of
 * the payload: the caller truncates).
 */
int tlv_decode(const struct lwm2m_path *target, const uint8_t *p, size_t n,
               struct lwm2m_records *out);

/*
 * Interpret raw TLV value bytes as type t (Core TS 1.0 §6.4.3.1 value
 * encodings: big-endian integers of 1, 2, 4 or 8 bytes, floats of 4 or 8,
 * booleans of 1 byte 0/1, Objlnk of 4). Byte strings point into raw.
 * Returns 0 or -EINVAL.
 */
int tlv_value_as(const struct lwm2m_bytes *raw, enum lwm2m_type t, struct lwm2m_value *out);

#endif
