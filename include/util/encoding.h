/*
 * Hex and base64 (RFC 4648) codecs for keys and identities written in policy
 * files. Pure functions over caller-provided buffers.
 */
#ifndef LWBS_UTIL_ENCODING_H
#define LWBS_UTIL_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Bytes that n hex digits decode to (n / 2; an odd n is rejected by the decoder). */
size_t encoding_hex_decoded_len(size_t n);

/*
 * Decode the n hex digits at s (either case, no separators or prefix) into
 * out, which has room for cap bytes. Returns 0 and sets *out_len, -EINVAL for
 * an odd count or a character outside [0-9a-fA-F], or -ENOSPC when cap is too
 * small. out and *out_len are untouched on failure.
 */
int encoding_hex_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *out_len);

/* Write the 2n lowercase hex digits of p[0..n) and a NUL to out (room for 2n + 1). */
void encoding_hex_encode(const uint8_t *p, size_t n, char *out);

/* Upper bound of the bytes that n base64 characters decode to. */
size_t encoding_base64_decoded_max(size_t n);

/*
 * Decode the n base64 characters at s into out (room for cap bytes). Accepts
 * the standard alphabet (+ /) and the URL-safe one (- _), not both mixed in
 * one string, with or without '=' padding (if present it must be complete).
 * Unused trailing bits must be zero (a canonical encoding), so a typo in the
 * last character is caught. No whitespace. Returns 0 and sets *out_len,
 * -EINVAL for malformed input, or -ENOSPC when cap is too small; out and
 * *out_len are untouched on failure.
 */
int encoding_base64_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *out_len);

/*
 * Append the base64url encoding of p[0..n) to out, without padding, as
 * SenML wants for opaque values (RFC 8428 §4.3, RFC 4648 §5). Returns 0 or
 * -ENOMEM.
 */
int encoding_base64url_encode(const uint8_t *p, size_t n, struct buf *out);

/*
 * Printable form of a binary identity for logs and audit: printable ASCII
 * as is, other bytes, '\\' and '"' as \xNN. Always NUL-terminates out
 * (cap >= 1); truncates rather than split an escape.
 */
void encoding_escape(const uint8_t *p, size_t n, char *out, size_t cap);

#endif
