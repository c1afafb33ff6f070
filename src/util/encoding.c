#include "util/encoding.h"

#include <stdio.h>

#include <errno.h>

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

size_t encoding_hex_decoded_len(size_t n)
{
	return n / 2;
}

int encoding_hex_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *out_len)
{
	if (n % 2 != 0)
		return -EINVAL;
	/* Validate everything first so out is untouched on failure. */
	for (size_t i = 0; i < n; i++)
		if (hex_digit(s[i]) < 0)
			return -EINVAL;
	if (n / 2 > cap)
		return -ENOSPC;
	for (size_t i = 0; i < n; i += 2)
		out[i / 2] = (uint8_t)(hex_digit(s[i]) << 4 | hex_digit(s[i + 1]));
	*out_len = n / 2;
	return 0;
}

void encoding_hex_encode(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

size_t encoding_base64_decoded_max(size_t n)
{
	return (n / 4) * 3 + 3;
}

/* Sextet value of ch in either alphabet; *url tells which alphabet it belongs to. */
static int b64_value(char ch, int *url)
{
	*url = -1; /* in both alphabets */
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	*url = ch == '-' || ch == '_';
	if (ch == '+' || ch == '-')
		return 62;
	if (ch == '/' || ch == '_')
		return 63;
	return -1;
}

/* Number of data characters in s[0..n), after checking padding and alphabet; -1 if malformed. */
static long b64_data_len(const char *s, size_t n)
{
	size_t pad = 0, data;
	int seen_url = -1, url;

	while (pad < n && pad < 2 && s[n - 1 - pad] == '=')
		pad++;
	data = n - pad;
	if (pad > 0 && n % 4 != 0)
		return -1;
	if (data % 4 == 1)
		return -1;
	for (size_t i = 0; i < data; i++) {
		if (b64_value(s[i], &url) < 0)
			return -1;
		if (url >= 0 && seen_url >= 0 && url != seen_url)
			return -1;
		if (url >= 0)
			seen_url = url;
	}
	return (long)data;
}

int encoding_base64_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *out_len)
{
	long data = b64_data_len(s, n);
	uint32_t acc = 0;
	size_t len, o = 0;
	int url, bits = 0;

	if (data < 0)
		return -EINVAL;
	len = (size_t)data / 4 * 3 + ((size_t)data % 4 ? (size_t)data % 4 - 1 : 0);
	/* The unused low bits of the last character must be zero (canonical form). */
	if (data % 4 != 0) {
		int last = b64_value(s[data - 1], &url);
		if (last & (data % 4 == 2 ? 0x0f : 0x03))
			return -EINVAL;
	}
	if (len > cap)
		return -ENOSPC;
	for (long i = 0; i < data; i++) {
		acc = acc << 6 | (uint32_t)b64_value(s[i], &url);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	*out_len = len;
	return 0;
}

void encoding_escape(const uint8_t *p, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < cap; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' && p[i] != '"')
			out[o++] = (char)p[i];
		else
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", p[i]);
	}
	out[o] = '\0';
}

static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int encoding_base64url_encode(const uint8_t *p, size_t n, struct buf *out)
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
