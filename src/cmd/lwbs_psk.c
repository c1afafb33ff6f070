/*
 * lwbs psk new|list|show|rm and lwbs bootstrap-url: the command-line
 * counterpart of a device server's /identities/psk API. A new PSK is a
 * device policy file psk-ID.yaml (mode 0600) in the policy directory; lwbsd
 * picks it up on reload (SIGHUP). Only `new` and `show` print a secret:
 * they exist to.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cred/mint.h"
#include "lwbs_cmds.h"
#include "lwbs_ident.h"
#include "policy/policy.h"
#include "util/encoding.h"

#define PSK_ID_BYTES 16
#define PSK_KEY_BYTES 32

static void psk_usage(FILE *fp)
{
	fprintf(fp,
	        "usage: lwbs psk new --policy DIR [--endpoint EP] [--server ID]...\n"
	        "       lwbs psk list --policy DIR\n"
	        "       lwbs psk show --policy DIR ID\n"
	        "       lwbs psk rm --policy DIR ID\n"
	        "new: a bootstrap PSK (identity: 16 random bytes, base64url; key: 32 random\n"
	        "bytes, hex) written as the device policy file DIR/psk-ID.yaml; the endpoint\n"
	        "is EP, or the identity. Prints identity and key. Reload lwbsd (SIGHUP) after.\n");
}

/* identity (base64url, NUL-terminated) and key hex; SECRET key. */
static int psk_mint(char id[32], char key_hex[2 * PSK_KEY_BYTES + 1])
{
	uint8_t raw[PSK_ID_BYTES + PSK_KEY_BYTES];
	struct buf b = BUF_INIT;
	int rc = cred_random(raw, sizeof(raw));

	if (rc == 0)
		rc = encoding_base64url_encode(raw, PSK_ID_BYTES, &b);
	if (rc == 0 && b.len < 32) {
		memcpy(id, b.data, b.len);
		id[b.len] = '\0';
		encoding_hex_encode(raw + PSK_ID_BYTES, PSK_KEY_BYTES, key_hex);
	} else if (rc == 0) {
		rc = -EIO;
	}
	cred_wipe(raw, sizeof(raw));
	buf_free(&b);
	return rc;
}

static int psk_new(const struct ident_args *a, const struct policy *pol)
{
	char id[32], key[2 * PSK_KEY_BYTES + 1], name[64];
	const char *ep;
	struct buf text = BUF_INIT;
	int rc;

	/*
	 * An identity starting with '-' would read as an option in `lwbs psk
	 * show ID` and confuse shells and scripts: draw again (1 in 64; costs
	 * under 0.03 bits of the 128).
	 */
	do
		rc = psk_mint(id, key);
	while (rc == 0 && id[0] == '-');
	if (rc < 0) {
		fprintf(stderr, "lwbs psk: the random number generator failed; try again\n");
		return 1;
	}
	ep = a->endpoint ? a->endpoint : id;
	rc = buf_printf(&text,
	                "# lwbs psk new; remove with: lwbs psk rm %s\ndevices:\n"
	                "  - endpoint: \"%s\"\n    bootstrap:\n"
	                "      psk: {identity: \"%s\", key_hex: \"%s\"}\n",
	                id, ep, id, key);
	if (rc == 0)
		rc = ident_servers_line(a, pol, &text);
	snprintf(name, sizeof(name), "psk-%s.yaml", id);
	if (rc == 0)
		rc = ident_add_policy_file(a->dir, name, &text);
	if (rc == 0)
		printf("endpoint: %s\nidentity: %s\nkey_hex: %s\nfile: %s/%s\n", ep, id, key,
		       a->dir, name);
	cred_wipe(text.data, text.cap);
	cred_wipe(key, sizeof(key));
	buf_free(&text);
	return rc == 0 ? 0 : 1;
}

static void psk_print_identity(const struct policy_device *d)
{
	char id[2 * 128 + 3];

	encoding_escape(d->psk.identity, d->psk.identity_len, id, sizeof(id));
	printf("%s\t%s\t%s:%d\n", id, d->endpoint ? d->endpoint : d->pattern, d->file, d->line);
}

static int psk_list(const struct policy *pol)
{
	printf("identity\tendpoint\tdefined at\n");
	for (size_t i = 0; i < policy_device_count(pol); i++) {
		const struct policy_device *d = policy_device_at(pol, i);
		if (d->bootstrap == POLICY_CRED_PSK)
			psk_print_identity(d);
	}
	return 0;
}

static const struct policy_device *psk_find(const struct policy *pol, const struct ident_args *a)
{
	const struct policy_device *d;

	if (a->n_rest != 1) {
		psk_usage(stderr);
		return NULL;
	}
	d = policy_device_by_psk_identity(pol, (const uint8_t *)a->rest[0], strlen(a->rest[0]));
	if (d == NULL)
		fprintf(stderr, "lwbs psk: no PSK identity '%s' in the policy; see lwbs psk list\n",
		        a->rest[0]);
	return d;
}

static int psk_show(const struct policy *pol, const struct ident_args *a)
{
	const struct policy_device *d = psk_find(pol, a);
	char key[2 * 64 + 1];

	if (d == NULL)
		return 1;
	encoding_hex_encode(d->psk.key, d->psk.key_len, key);
	printf("endpoint: %s\nidentity: %s\nkey_hex: %s\nfile: %s\n",
	       d->endpoint ? d->endpoint : d->pattern, a->rest[0], key, d->file);
	cred_wipe(key, sizeof(key));
	return 0;
}

static int psk_rm(const struct policy *pol, const struct ident_args *a)
{
	const struct policy_device *d = psk_find(pol, a);
	char want[160];
	const char *base;

	if (d == NULL)
		return 1;
	base = strrchr(d->file, '/');
	base = base ? base + 1 : d->file;
	snprintf(want, sizeof(want), "psk-%s.yaml", a->rest[0]);
	/* Only files that psk new wrote: a hand-written entry may hold more. */
	if (strcmp(base, want) != 0) {
		fprintf(stderr, "lwbs psk: '%s' is defined by hand at %s:%d; remove it there\n",
		        a->rest[0], d->file, d->line);
		return 1;
	}
	if (unlink(d->file) < 0) {
		fprintf(stderr, "lwbs psk: cannot remove '%s' (%s)\n", d->file, strerror(errno));
		return 1;
	}
	printf("removed %s; reload lwbsd (SIGHUP) to refuse it\n", d->file);
	return 0;
}

int cmd_psk(int argc, char **argv)
{
	struct ident_args a;
	struct policy *pol = NULL;
	const char *sub = argc > 1 ? argv[1] : "";
	int rc;

	if (argc < 2 || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		psk_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	rc = ident_parse("psk", argc - 1, argv + 1, &a);
	if (rc != 0) {
		psk_usage(rc == 1 ? stdout : stderr);
		return rc == 1 ? 0 : 2;
	}
	if (ident_load(a.dir, &pol) < 0)
		return 1;
	if (strcmp(sub, "new") == 0)
		rc = psk_new(&a, pol);
	else if (strcmp(sub, "list") == 0)
		rc = psk_list(pol);
	else if (strcmp(sub, "show") == 0)
		rc = psk_show(pol, &a);
	else if (strcmp(sub, "rm") == 0)
		rc = psk_rm(pol, &a);
	else {
		fprintf(stderr, "lwbs psk: unknown subcommand '%s'\n", sub);
		psk_usage(stderr);
		rc = 2;
	}
	policy_free(pol);
	return rc;
}

/* The address devices should use: --host, else the first listen address. */
static void url_host(const struct ident_args *a, const struct policy_settings *s, char *out,
                     size_t cap)
{
	const char *h = a->host ? a->host : s->n_listen ? s->listen[0] : "127.0.0.1";
	char name[256];

	/* A wildcard is not an address a device can reach: use this host's name. */
	if (a->host == NULL && (strcmp(h, "0.0.0.0") == 0 || strcmp(h, "::") == 0) &&
	    gethostname(name, sizeof(name)) == 0) {
		name[sizeof(name) - 1] = '\0';
		h = name;
	}
	snprintf(out, cap, strchr(h, ':') ? "[%s]" : "%s", h);
}

int cmd_bootstrap_url(int argc, char **argv)
{
	const struct policy_settings *s;
	struct ident_args a;
	struct policy *pol = NULL;
	char host[300];
	int rc = ident_parse("bootstrap-url", argc, argv, &a);

	if (rc != 0) {
		fprintf(rc == 1 ? stdout : stderr, "usage: lwbs bootstrap-url --policy DIR "
		                                   "[--host NAME]\nPrint the URL devices "
		                                   "bootstrap from (coaps:// when DTLS is on), "
		                                   "then the raw-public-key endpoint's, if any.\n");
		return rc == 1 ? 0 : 2;
	}
	if (ident_load(a.dir, &pol) < 0)
		return 1;
	s = policy_settings(pol);
	url_host(&a, s, host, sizeof(host));
	if (s->coaps_port)
		printf("coaps://%s:%u\n", host, s->coaps_port);
	else
		printf("coap://%s:%u\n", host, s->coap_port);
	/* Devices with raw public keys use their own endpoint (net/dtls.h defect 9). */
	if (s->coaps_rpk_port)
		printf("coaps://%s:%u (raw public keys)\n", host, s->coaps_rpk_port);
	policy_free(pol);
	return 0;
}
