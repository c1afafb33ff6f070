/*
 * Building a decoded record set (struct lwm2m_records, lwm2m/codec.h): the
 * decoders append through here so that ownership of value bytes lives in one
 * place.
 */
#ifndef LWBS_LWM2M_RECORDS_H
#define LWBS_LWM2M_RECORDS_H

#include "lwm2m/codec.h"

/*
 * Append a record for path holding v. Byte strings (STRING, OPAQUE,
 * CORELNK, NONE) are copied into storage owned by rs, followed by a NUL that
 * len does not count, so data is never NULL. Returns 0 or -ENOMEM (rs is
 * then unchanged).
 */
int records_add(struct lwm2m_records *rs, const struct lwm2m_path *path,
                const struct lwm2m_value *v);

/* Drop the records from index n on, releasing their bytes; no-op when n >= rs->n. */
void records_truncate(struct lwm2m_records *rs, size_t n);

#endif
