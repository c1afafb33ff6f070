#include "lwm2m/base64.h"

#include <errno.h>

static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64_encode_url(const uint8_t *p, size_t n, struct buf *out)
{
	size_t i;
	int rc = buf_reserve(out, (n + 2) / 3 * 4);

	for (i = 0; rc == 0 && i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		char q[4] = {url_alphabet[v >> 18], url_alphabet[(v >> 12) & 63],
		             url_alphabet[(v >> 6) & 63], url_alphabet[v & 63]};

		rc = buf_append(out, q, 4);
	}
	if (rc == 0 && n - i == 1) {
		char q[2] = {url_alphabet[p[i] >> 2], url_alphabet[(p[i] & 3) << 4]};

		rc = buf_append(out, q, 2);
	} else if (rc == 0 && n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 8 | p[i + 1];
		char q[3] = {url_alphabet[v >> 10], url_alphabet[(v >> 4) & 63],
		             url_alphabet[(v << 2) & 63]};

		rc = buf_append(out, q, 3);
	}
	return rc;
}

/* Value of one digit of either alphabet, or -1. */
static int digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-' || c == '+')
		return 62;
	if (c == '_' || c == '/')
		return 63;
	return -1;
}

/* Length without padding: '=' only as the last one or two digits of a full quad. */
static int unpadded_len(const char *s, size_t n, size_t *out)
{
	size_t len = n;

	if (n % 4 == 0 && n > 0 && s[n - 1] == '=')
		len = s[n - 2] == '=' ? n - 2 : n - 1;
	if (len % 4 == 1)
		return -EBADMSG;
	*out = len;
	return 0;
}

int base64_decode(const char *s, size_t n, struct buf *out)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t len;
	int rc = unpadded_len(s, n, &len);

	if (rc == 0)
		rc = buf_reserve(out, len / 4 * 3 + 2);
	for (size_t i = 0; rc == 0 && i < len; i++) {
		int d = digit(s[i]);

		if (d < 0)
			return -EBADMSG;
		acc = (acc << 6 | (uint32_t)d) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			rc = buf_putc(out, (uint8_t)(acc >> bits));
		}
	}
	return rc;
}
