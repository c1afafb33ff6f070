#include "policy/spki.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "util/encoding.h"

/* A DER element: tag, and the content it frames. */
struct der {
	uint8_t tag;
	const uint8_t *p;
	size_t len;
};

/* Read one element at *pp (before end), definite length of up to 2 length bytes. */
static int der_next(const uint8_t **pp, const uint8_t *end, struct der *out)
{
	const uint8_t *p = *pp;
	size_t len;

	if (end - p < 2)
		return -EINVAL;
	out->tag = p[0];
	len = p[1];
	p += 2;
	if (len == 0x81 || len == 0x82) {
		size_t n = len - 0x80;
		if ((size_t)(end - p) < n)
			return -EINVAL;
		len = n == 1 ? p[0] : ((size_t)p[0] << 8) | p[1];
		p += n;
	} else if (len > 0x80) {
		return -EINVAL;
	}
	if ((size_t)(end - p) < len)
		return -EINVAL;
	out->p = p;
	out->len = len;
	*pp = p + len;
	return 0;
}

static const uint8_t oid_ec_public_key[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};

/* Named curves of at least 255 bits, with the coordinate size of each. */
static const struct {
	uint8_t oid[8];
	size_t oid_len;
	size_t coord;
} spki_curves[] = {
    {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}, 8, 32}, /* prime256v1 */
    {{0x2b, 0x81, 0x04, 0x00, 0x22}, 5, 48},                   /* secp384r1 */
    {{0x2b, 0x81, 0x04, 0x00, 0x23}, 5, 66},                   /* secp521r1 */
};

static bool oid_is(const struct der *d, const uint8_t *oid, size_t len)
{
	return d->tag == 0x06 && d->len == len && memcmp(d->p, oid, len) == 0;
}

/* The point size for the curve named by d, or 0. */
static size_t curve_coord(const struct der *d)
{
	for (size_t i = 0; i < sizeof(spki_curves) / sizeof(spki_curves[0]); i++)
		if (oid_is(d, spki_curves[i].oid, spki_curves[i].oid_len))
			return spki_curves[i].coord;
	return 0;
}

/* SEQUENCE { SEQUENCE { ecPublicKey, curve }, BIT STRING { 0, 04 X Y } }, nothing after. */
static const char *spki_check_der(const uint8_t *in, size_t len)
{
	const uint8_t *p = in, *end = in + len, *q;
	struct der outer, alg, oid, curve, bits;
	size_t coord;

	if (der_next(&p, end, &outer) < 0 || outer.tag != 0x30 || p != end)
		return "is not a DER SubjectPublicKeyInfo";
	p = outer.p;
	end = outer.p + outer.len;
	if (der_next(&p, end, &alg) < 0 || alg.tag != 0x30 || der_next(&p, end, &bits) < 0 ||
	    bits.tag != 0x03 || p != end)
		return "is not a DER SubjectPublicKeyInfo";
	q = alg.p;
	if (der_next(&q, alg.p + alg.len, &oid) < 0 || !oid_is(&oid, oid_ec_public_key, 7))
		return "is not an elliptic-curve public key";
	if (der_next(&q, alg.p + alg.len, &curve) < 0 || q != alg.p + alg.len ||
	    (coord = curve_coord(&curve)) == 0)
		return "is not on P-256, P-384 or P-521 (curves below 255 bits are refused)";
	if (bits.len != 2 + 2 * coord || bits.p[0] != 0 || bits.p[1] != 0x04)
		return "does not hold an uncompressed point of its curve";
	return NULL;
}

static const char pem_begin[] = "-----BEGIN PUBLIC KEY-----";
static const char pem_end[] = "-----END PUBLIC KEY-----";

/* The base64 body of a PEM PUBLIC KEY, without line breaks, decoded into der. */
static int spki_from_pem(const char *s, size_t len, uint8_t *der, size_t cap, size_t *der_len)
{
	const char *b = memmem(s, len, pem_begin, sizeof(pem_begin) - 1);
	const char *e;
	char body[4 * SPKI_MAX / 3 + 8];
	size_t n = 0;

	if (b == NULL)
		return -EINVAL;
	b += sizeof(pem_begin) - 1;
	e = memmem(b, len - (size_t)(b - s), pem_end, sizeof(pem_end) - 1);
	if (e == NULL)
		return -EINVAL;
	for (; b < e; b++) {
		if (*b == '\n' || *b == '\r' || *b == ' ' || *b == '\t')
			continue;
		if (n == sizeof(body))
			return -EINVAL;
		body[n++] = *b;
	}
	return encoding_base64_decode(body, n, der, cap, der_len);
}

int spki_parse(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len,
               const char **why)
{
	uint8_t der[SPKI_MAX];
	size_t n = len;
	const uint8_t *p = in;

	if (len > 0 && in[0] != 0x30) {
		if (memmem(in, len, "PRIVATE KEY", 11) != NULL) {
			*why = "is a private key: give only the public key "
			       "(openssl pkey -in KEY -pubout)";
			return -EINVAL;
		}
		if (spki_from_pem((const char *)in, len, der, sizeof(der), &n) < 0) {
			*why = "is neither DER nor a PEM 'PUBLIC KEY' block";
			return -EINVAL;
		}
		p = der;
	}
	if ((*why = spki_check_der(p, n)) != NULL)
		return -EINVAL;
	if (n > cap) {
		*why = "is too long";
		return -ENOSPC;
	}
	memcpy(out, p, n);
	*out_len = n;
	return 0;
}
