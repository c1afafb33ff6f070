#include "cred/cert.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/sha256.h>

static int digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * An X.509 Time with its DER header: UTCTime YYMMDDHHMMSSZ (RFC 5280
 * §4.1.2.5.1: YY < 50 is 20YY) or GeneralizedTime YYYYMMDDHHMMSSZ.
 */
static int cert_time(const uint8_t *p, int len, int64_t *out)
{
	struct tm tm;
	const char *s = (const char *)p + 2;
	size_t n = len > 2 ? (size_t)len - 2 : 0;
	int y;

	if (n == 13 && p[0] == 0x17) {
		y = digits(s, 2);
		y += y < 50 ? 2000 : 1900;
		s += 2;
	} else if (n == 15 && p[0] == 0x18) {
		y = digits(s, 4);
		s += 4;
	} else {
		return -EINVAL;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = digits(s, 2) - 1;
	tm.tm_mday = digits(s + 2, 2);
	tm.tm_hour = digits(s + 4, 2);
	tm.tm_min = digits(s + 6, 2);
	tm.tm_sec = digits(s + 8, 2);
	if (y < 0 || tm.tm_mon < 0 || tm.tm_mday < 1 || tm.tm_hour < 0 || tm.tm_min < 0 ||
	    tm.tm_sec < 0 || s[10] != 'Z')
		return -EINVAL;
	*out = (int64_t)timegm(&tm);
	return 0;
}

static void copy_name(char *dst, size_t cap, const char *src, size_t len)
{
	if (dst[0] != '\0' || len >= cap || memchr(src, '\0', len) != NULL)
		return; /* keep the first; skip names that would not fit or hide a NUL */
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static void cert_names(const DecodedCert *dc, struct cred_cert_facts *f)
{
	static const char uuid[] = "urn:uuid:";

	if (dc->subjectCN != NULL)
		copy_name(f->cn, sizeof(f->cn), dc->subjectCN, (size_t)dc->subjectCNLen);
	/* `lwbs cert issue` puts the GUID in the subject serialNumber (cred/mint.h). */
	if (dc->subjectSND != NULL && dc->subjectSNDLen == 36)
		copy_name(f->guid, sizeof(f->guid), dc->subjectSND, 36);
	for (const DNS_entry *e = dc->altNames; e != NULL; e = e->next) {
		size_t len = (size_t)e->len;
		if (e->type == ASN_DNS_TYPE) {
			copy_name(f->san_dns, sizeof(f->san_dns), e->name, len);
		} else if (e->type == ASN_URI_TYPE && len > sizeof(uuid) - 1 &&
		           strncasecmp(e->name, uuid, sizeof(uuid) - 1) == 0) {
			copy_name(f->guid, sizeof(f->guid), e->name + sizeof(uuid) - 1,
			          len - (sizeof(uuid) - 1));
			for (char *p = f->guid; *p; p++)
				*p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
		} else if (e->type == ASN_URI_TYPE) {
			copy_name(f->san_uri, sizeof(f->san_uri), e->name, len);
		}
	}
}

static void cert_key(DecodedCert *dc, struct cred_cert_facts *f)
{
	ecc_key key;
	word32 idx = 0;

	f->key_ec = dc->keyOID == ECDSAk;
	f->key_bits = 0;
	if (!f->key_ec || wc_ecc_init(&key) != 0)
		return;
	if (wc_EccPublicKeyDecode(dc->publicKey, &idx, &key, dc->pubKeySize) == 0)
		f->key_bits = (unsigned)wc_ecc_size(&key) * 8;
	wc_ecc_free(&key);
}

int cred_cert_facts(const uint8_t *der, size_t len, struct cred_cert_facts *out)
{
	DecodedCert *dc = calloc(1, sizeof(*dc));
	struct cred_cert_facts f;
	int rc = -EINVAL;

	if (dc == NULL)
		return -ENOMEM;
	memset(&f, 0, sizeof(f));
	wc_InitDecodedCert(dc, der, (word32)len, NULL);
	if (wc_ParseCert(dc, CERT_TYPE, NO_VERIFY, NULL) != 0)
		goto fail;
	if (dc->serialSz <= 0 || (size_t)dc->serialSz > sizeof(f.serial) ||
	    cert_time(dc->beforeDate, dc->beforeDateLen, &f.not_before) < 0 ||
	    cert_time(dc->afterDate, dc->afterDateLen, &f.not_after) < 0 ||
	    wc_Sha256Hash(der, (word32)len, f.sha256) != 0)
		goto fail;
	memcpy(f.serial, dc->serial, (size_t)dc->serialSz);
	f.serial_len = (size_t)dc->serialSz;
	cert_names(dc, &f);
	cert_key(dc, &f);
	*out = f;
	rc = 0;
fail:
	wc_FreeDecodedCert(dc);
	free(dc);
	return rc;
}
