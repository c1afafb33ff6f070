/* Base64 (RFC 4648) for SenML opaque values ("vd", RFC 8428 §4.3). */
#ifndef LWBS_LWM2M_BASE64_H
#define LWBS_LWM2M_BASE64_H

#include "util/buf.h"

/*
 * Append p[0..n) in the URL-safe alphabet without padding (RFC 4648 §5, as
 * RFC 8428 §4.3 requires for SenML JSON). Returns 0 or -ENOMEM.
 */
int base64_encode_url(const uint8_t *p, size_t n, struct buf *out);

/*
 * Append the bytes of s[0..n). Accepts the URL-safe and the standard
 * alphabet and optional '=' padding, since clients send all of them.
 * Returns 0, -EBADMSG for malformed input (out may then hold a partial
 * result), or -ENOMEM.
 */
int base64_decode(const char *s, size_t n, struct buf *out);

#endif
