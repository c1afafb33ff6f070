/*
 * lwbs ca init and lwbs cert issue|list: the organisation's CA under the
 * policy directory and the device certificates it signs.
 *
 *   DIR/certs/ca.pem             the CA certificate; lwbsd trusts certs/
 *   DIR/certs/private/ca.key     its key (0600; wolfSSL skips subdirectories
 *                                when it loads certs/ as trusted CAs)
 *   DIR/certs/server/lwbsd.pem   lwbsd's own certificate, and its key in
 *   DIR/certs/private/lwbsd.key  private/
 *   DIR/cert-EP.yaml             the device entry `cert issue` records
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cred/cert.h"
#include "cred/files.h"
#include "cred/mint.h"
#include "lwbs_cmds.h"
#include "lwbs_ident.h"
#include "policy/policy.h"
#include "util/encoding.h"

#define CA_DAYS 3650
#define DEVICE_DAYS 825

/* Write der as PEM to path; keys 0600. Reports. */
static int pki_write_pem(const char *path, const uint8_t *der, size_t len, bool key)
{
	struct buf pem = BUF_INIT;
	int rc = cred_to_pem(der, len, key, &pem);

	if (rc == 0)
		rc = cred_write_atomic(path, pem.data, pem.len, key ? 0600 : 0644, true);
	if (rc == -EEXIST)
		fprintf(stderr, "lwbs: '%s' exists already; remove it first, or keep it\n", path);
	else if (rc < 0)
		fprintf(stderr, "lwbs: cannot write '%s' (%s)\n", path, strerror(-rc));
	cred_wipe(pem.data, pem.cap);
	buf_free(&pem);
	return rc;
}

/* The pair in c as dir/cert_name and dir/key_name; the key first (it is what matters). */
static int pki_write_pair(const char *cert_path, const char *key_path, const struct cred_issued *c)
{
	if (pki_write_pem(key_path, c->key, c->key_len, true) < 0)
		return -EIO;
	if (pki_write_pem(cert_path, c->cert, c->cert_len, false) < 0) {
		unlink(key_path);
		return -EIO;
	}
	return 0;
}

int cmd_load_ca(const char *dir, uint8_t *cert, size_t *cert_len, uint8_t *key,
                       size_t *key_len)
{
	struct buf c = BUF_INIT, k = BUF_INIT;
	char path[4096];
	int rc;

	snprintf(path, sizeof(path), "%s/certs/ca.pem", dir);
	rc = cred_read_file(path, &c);
	snprintf(path, sizeof(path), "%s/certs/private/ca.key", dir);
	if (rc == 0)
		rc = cred_read_file(path, &k);
	if (rc == 0 && (cred_from_pem(c.data, c.len, false, cert, CRED_DER_MAX, cert_len) < 0 ||
	                cred_from_pem(k.data, k.len, true, key, CRED_KEY_MAX, key_len) < 0))
		rc = -EINVAL;
	if (rc < 0)
		fprintf(stderr,
		        "lwbs: cannot read the CA under '%s/certs' (%s); create it with "
		        "lwbs ca init --policy %s\n",
		        dir, strerror(-rc), dir);
	cred_wipe(k.data, k.cap);
	buf_free(&c);
	buf_free(&k);
	return rc;
}

static int ca_dirs(const char *dir)
{
	char path[4096];
	int rc;

	snprintf(path, sizeof(path), "%s/certs", dir);
	rc = cred_mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/certs/private", dir);
	if (rc == 0)
		rc = cred_mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/certs/server", dir);
	if (rc == 0)
		rc = cred_mkdir(path, 0755);
	if (rc < 0)
		fprintf(stderr, "lwbs ca: cannot create '%s' (%s)\n", path, strerror(-rc));
	return rc;
}

/* lwbsd's own certificate, CN = --host or "lwbsd", signed by the new CA. */
static int ca_server_cert(const struct ident_args *a, const struct cred_issued *ca)
{
	struct cred_issued srv;
	char cert[4096], key[4096];
	int rc = cred_issue(ca->cert, ca->cert_len, ca->key, ca->key_len,
	                    a->host ? a->host : "lwbsd", CA_DAYS, &srv);

	snprintf(cert, sizeof(cert), "%s/certs/server/lwbsd.pem", a->dir);
	snprintf(key, sizeof(key), "%s/certs/private/lwbsd.key", a->dir);
	if (rc == 0)
		rc = pki_write_pair(cert, key, &srv);
	cred_wipe(&srv, sizeof(srv));
	return rc;
}

static int ca_init(const struct ident_args *a)
{
	struct cred_issued ca;
	char cert[4096], key[4096];
	int rc;

	if (ca_dirs(a->dir) < 0)
		return 1;
	rc = cred_ca_new(a->name ? a->name : "lwbs organisation CA", CA_DAYS, &ca);
	snprintf(cert, sizeof(cert), "%s/certs/ca.pem", a->dir);
	snprintf(key, sizeof(key), "%s/certs/private/ca.key", a->dir);
	if (rc == 0)
		rc = pki_write_pair(cert, key, &ca);
	if (rc == 0)
		rc = ca_server_cert(a, &ca);
	cred_wipe(&ca, sizeof(ca));
	if (rc < 0)
		return 1;
	printf("CA: %s (key in certs/private/ca.key)\nlwbsd certificate: "
	       "certs/server/lwbsd.pem\n"
	       "add to the lwbsd: section:\n  certificate: certs/server/lwbsd.pem\n"
	       "  key: certs/private/lwbsd.key\n",
	       cert);
	return 0;
}

int cmd_ca(int argc, char **argv)
{
	struct ident_args a;
	int rc;

	if (argc < 2 || strcmp(argv[1], "init") != 0) {
		bool help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
		fprintf(help ? stdout : stderr,
		        "usage: lwbs ca init --policy DIR [--name CN] [--host NAME]\n"
		        "An EC P-256 organisation CA in DIR/certs (key in certs/private), and a\n"
		        "certificate for lwbsd (CN = NAME) signed by it.\n");
		return help ? 0 : 2;
	}
	rc = ident_parse("ca", argc - 1, argv + 1, &a);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	return ca_init(&a);
}

/* The device entry that admits exactly this certificate. */
static int cert_policy_text(const struct ident_args *a, const struct policy *pol,
                            const struct cred_issued *c, struct buf *out)
{
	struct cred_cert_facts f;
	char fp[2 * CRED_SHA256_LEN + 1];

	if (cred_cert_facts(c->cert, c->cert_len, &f) < 0)
		return -EIO;
	encoding_hex_encode(f.sha256, sizeof(f.sha256), fp);
	if (buf_printf(out,
	               "# lwbs cert issue; GUID %s\ndevices:\n  - endpoint: \"%s\"\n"
	               "    bootstrap:\n      certificate: {fingerprint_sha256: \"%s\"}\n",
	               c->guid, a->endpoint, fp) < 0)
		return -ENOMEM;
	return ident_servers_line(a, pol, out);
}

static int cert_issue(const struct ident_args *a, const struct policy *pol)
{
	uint8_t ca[CRED_DER_MAX], ca_key[CRED_KEY_MAX];
	size_t ca_len, ca_key_len;
	struct cred_issued c;
	struct buf text = BUF_INIT;
	char cert[4096], key[4096], name[160];
	const char *out = a->out ? a->out : ".";
	int rc;

	if (a->endpoint == NULL || !ident_safe_name(a->endpoint)) {
		fprintf(stderr, "lwbs cert: give --endpoint EP of letters, digits and ._:@-\n");
		return 2;
	}
	if (cmd_load_ca(a->dir, ca, &ca_len, ca_key, &ca_key_len) < 0)
		return 1;
	rc = cred_issue(ca, ca_len, ca_key, ca_key_len, a->endpoint, DEVICE_DAYS, &c);
	cred_wipe(ca_key, sizeof(ca_key));
	if (rc < 0)
		fprintf(stderr,
		        "lwbs cert: cannot issue with the CA under '%s/certs' (%s); "
		        "check that certs/private/ca.key belongs to certs/ca.pem\n",
		        a->dir, strerror(-rc));
	if (rc == 0)
		rc = cert_policy_text(a, pol, &c, &text);
	snprintf(cert, sizeof(cert), "%s/%s.pem", out, a->endpoint);
	snprintf(key, sizeof(key), "%s/%s.key", out, a->endpoint);
	snprintf(name, sizeof(name), "cert-%s.yaml", a->endpoint);
	/* The policy entry last: if it cannot be recorded, nothing was issued. */
	if (rc == 0 && (rc = pki_write_pair(cert, key, &c)) == 0 &&
	    (rc = ident_add_policy_file(a->dir, name, &text)) < 0) {
		unlink(cert);
		unlink(key);
	}
	if (rc == 0)
		printf("endpoint: %s\nguid: %s\ncertificate: %s\nkey: %s\nfile: %s/%s\n",
		       a->endpoint, c.guid, cert, key, a->dir, name);
	cred_wipe(&c, sizeof(c));
	buf_free(&text);
	return rc == 0 ? 0 : 1;
}

static const char *cert_match_name(enum policy_cert_match m)
{
	static const char *const names[] = {"cn", "san_uri", "san_dns", "guid"};

	return (unsigned)m < 4 ? names[m] : "?";
}

static int cert_list(const struct policy *pol)
{
	char fp[2 * CRED_SHA256_LEN + 1];

	printf("endpoint\tmatch\tfingerprint_sha256\tdefined at\n");
	for (size_t i = 0; i < policy_device_count(pol); i++) {
		const struct policy_device *d = policy_device_at(pol, i);
		if (d->bootstrap != POLICY_CRED_CERT)
			continue;
		if (d->cert.has_fingerprint)
			encoding_hex_encode(d->cert.fingerprint, sizeof(d->cert.fingerprint), fp);
		printf("%s\t%s\t%s\t%s:%d\n", d->endpoint ? d->endpoint : d->pattern,
		       cert_match_name(d->cert.match), d->cert.has_fingerprint ? fp : "-", d->file,
		       d->line);
	}
	return 0;
}

int cmd_cert(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct policy *pol = NULL;
	struct ident_args a;
	int rc;

	if (strcmp(sub, "issue") != 0 && strcmp(sub, "list") != 0) {
		bool help = !strcmp(sub, "--help") || !strcmp(sub, "-h");
		fprintf(
		    help ? stdout : stderr,
		    "usage: lwbs cert issue --policy DIR --endpoint EP [--server ID]... "
		    "[--out DIR]\n       lwbs cert list --policy DIR\n"
		    "issue: a P-256 key and certificate (CN = EP, a new GUID as serialNumber)\n"
		    "signed by the CA of lwbs ca init, as PEM files OUT/EP.pem and OUT/EP.key,\n"
		    "and the device entry DIR/cert-EP.yaml pinning it. Reload lwbsd after.\n");
		return help ? 0 : 2;
	}
	rc = ident_parse("cert", argc - 1, argv + 1, &a);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (ident_load(a.dir, &pol) < 0)
		return 1;
	rc = strcmp(sub, "issue") == 0 ? cert_issue(&a, pol) : cert_list(pol);
	policy_free(pol);
	return rc;
}
