/*
 * lwbs bench: options in, bench_run() (client/bench.h), exit status out.
 * Options, output and exit status are an interface: docs/lwbs-bench.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/bench.h"
#include "client/sim.h"
#include "cred/mint.h"
#include "lwbs_cmds.h"
#include "net/ciphers.h"
#include "util/encoding.h"
#include "util/log.h"

#define MAX_PSK_KEY 256
#define MAX_CONCURRENCY 1000000

struct bench_args {
	struct bench_options b;
	uint8_t psk_key[MAX_PSK_KEY];
	const char *psk_key_hex;
	const char *issuer_dir; /* --issuer: the policy whose CA mints client certificates */
	uint8_t issuer_cert[CRED_DER_MAX];
	uint8_t issuer_key[CRED_KEY_MAX]; /* SECRET */
	bool quiet;
};

enum {
	OPT_ENDPOINT_PREFIX = 256,
	OPT_NO_EP,
	OPT_PSK_IDENTITY_PREFIX,
	OPT_PSK_KEY,
	OPT_PSK_SHARED,
	OPT_MIX,
	OPT_BOOTSTRAP_IID,
	OPT_RATE,
	OPT_DURATION,
	OPT_TIMEOUT,
	OPT_FIRST,
	OPT_STALL_AFTER,
	OPT_JSON,
	OPT_QUIET,
	OPT_CIPHERS,
	OPT_CERT,
	OPT_KEY,
	OPT_CA,
	OPT_ISSUER,
	OPT_SOURCE,
	OPT_SOURCES,
};

static const struct option long_options[] = {
    {"server", required_argument, NULL, 's'},
    {"endpoint-prefix", required_argument, NULL, OPT_ENDPOINT_PREFIX},
    {"no-ep", no_argument, NULL, OPT_NO_EP},
    {"psk-identity-prefix", required_argument, NULL, OPT_PSK_IDENTITY_PREFIX},
    {"psk-key", required_argument, NULL, OPT_PSK_KEY},
    {"psk-shared", no_argument, NULL, OPT_PSK_SHARED},
    {"mix", required_argument, NULL, OPT_MIX},
    {"bootstrap-iid", required_argument, NULL, OPT_BOOTSTRAP_IID},
    {"concurrency", required_argument, NULL, 'c'},
    {"rate", required_argument, NULL, OPT_RATE},
    {"count", required_argument, NULL, 'n'},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"first", required_argument, NULL, OPT_FIRST},
    {"stall-after", required_argument, NULL, OPT_STALL_AFTER},
    {"json", no_argument, NULL, OPT_JSON},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"ciphers", required_argument, NULL, OPT_CIPHERS},
    {"cert", required_argument, NULL, OPT_CERT},
    {"key", required_argument, NULL, OPT_KEY},
    {"ca", required_argument, NULL, OPT_CA},
    {"issuer", required_argument, NULL, OPT_ISSUER},
    {"source", required_argument, NULL, OPT_SOURCE},
    {"sources", required_argument, NULL, OPT_SOURCES},
    {"debug", no_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *fp)
{
	fprintf(
	    fp,
	    "usage: lwbs bench [-s URI] [-c N | --rate R] [-n COUNT | --duration S] [options]\n"
	    "Load generator: many simulated LwM2M clients bootstrapping at once against a\n"
	    "bootstrap server; prints bootstraps/s, latency percentiles and failures by\n"
	    "reason (see docs/lwbs-bench.md).\n"
	    "  -s, --server URI            coap://host[:port] or coaps://host[:port]\n"
	    "                              (default coap://127.0.0.1:5683)\n"
	    "      --endpoint-prefix P     endpoint names P<number> (default bench-)\n"
	    "      --no-ep                 send no ep= (the PSK identity names the device)\n"
	    "      --psk-identity-prefix P coaps: PSK identities P<number>\n"
	    "      --psk-shared            coaps: every client uses P itself as identity\n"
	    "      --psk-key HEX           coaps: the PSK key of every client, in hex\n"
	    "      --cert FILE             coaps: every client presents this certificate (PEM)\n"
	    "      --key FILE              its private key (PEM)\n"
	    "      --ca FILE               CA certificates (PEM) to verify the server by\n"
	    "      --issuer DIR            coaps: a certificate per client instead (new P-256\n"
	    "                              key, CN = its endpoint name), signed by the CA of\n"
	    "                              the policy in DIR (lwbs ca init --policy DIR)\n"
	    "      --ciphers LIST          coaps: offer only these wolfSSL suites, e.g.\n"
	    "                              PSK-AES128-CCM-8 (DTLS 1.2 only)\n"
	    "      --mix LIST              LwM2M versions and formats taken in turn, e.g.\n"
	    "                              1.0,1.1:senml-cbor,1.2:lwm2m-cbor (default 1.1)\n"
	    "      --bootstrap-iid N       Security instance of the bootstrap account (0)\n"
	    "  -c, --concurrency N         bootstraps kept in flight (default 50); with\n"
	    "                              --rate, the most in flight at once\n"
	    "      --rate R                start R bootstraps per second instead\n"
	    "  -n, --count N               bootstraps to run (default 1000 without --duration)\n"
	    "      --duration SECONDS      start bootstraps for this long\n"
	    "      --timeout SECONDS       per bootstrap (default 30)\n"
	    "      --first N               number of the first client (default 0)\n"
	    "      --stall-after N         clients answer N requests, then stall; held until\n"
	    "                              --duration ends (server memory per session)\n"
	    "      --source ADDR           bind clients to this IPv4 address (port 0)\n"
	    "      --sources N             spread clients over N addresses from --source\n"
	    "                              (default 127.0.0.2); automatic past 20,000 in\n"
	    "                              flight towards a loopback server\n"
	    "      --json                  summary as one JSON object\n"
	    "      --quiet                 no progress line on stderr\n"
	    "  -d, --debug                 debug logging on stderr\n"
	    "exit status: 0 no bootstrap failed, 1 some failed, 2 usage error\n");
}

static int parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* One "V" or "V:FORMAT" of --mix. */
static int parse_profile(char *item, struct bench_profile *p)
{
	char *colon = strchr(item, ':');

	p->format = -1;
	if (colon) {
		*colon = '\0';
		if (cmd_parse_format(colon + 1, &p->format) < 0)
			return -EINVAL;
	}
	if (cmd_parse_version(item, &p->version) < 0)
		return -EINVAL;
	/* What a real client of that version could send (as lwbs client checks). */
	if (p->format == LWM2M_FMT_LWM2M_CBOR && p->version < LWM2M_V1_2)
		return -EINVAL;
	if (p->format >= 0 && p->format != LWM2M_FMT_TLV && p->version == LWM2M_V1_0)
		return -EINVAL;
	return 0;
}

static int parse_mix(const char *s, struct bench_options *o)
{
	char copy[256], *save = NULL, *item;
	size_t n = 0;

	if (strlen(s) >= sizeof(copy))
		return -EINVAL;
	strcpy(copy, s);
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (n == BENCH_MAX_MIX || parse_profile(item, &o->mix[n]) < 0)
			return -EINVAL;
		n++;
	}
	if (n == 0)
		return -EINVAL;
	o->n_mix = n;
	return 0;
}

static int parse_rate(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v > 0) || v > 1e7)
		return -EINVAL;
	*out = v;
	return 0;
}

static int apply_number(struct bench_options *o, int ch, const char *arg)
{
	unsigned long v = 0;
	int rc;

	switch (ch) {
	case OPT_BOOTSTRAP_IID:
		rc = parse_ulong(arg, 0, 65534, &v);
		break;
	case 'c':
		rc = parse_ulong(arg, 1, MAX_CONCURRENCY, &v);
		break;
	case 'n':
		rc = parse_ulong(arg, 1, 1000000000UL, &v);
		break;
	case OPT_DURATION:
		rc = parse_ulong(arg, 1, 86400, &v);
		break;
	case OPT_TIMEOUT:
		rc = parse_ulong(arg, 1, 86400, &v);
		break;
	case OPT_FIRST:
		rc = parse_ulong(arg, 0, 1000000000UL, &v);
		break;
	case OPT_SOURCES:
		rc = parse_ulong(arg, 1, 250, &v);
		break;
	default:
		rc = parse_ulong(arg, 0, 1000000, &v);
		break; /* OPT_STALL_AFTER */
	}
	if (rc < 0)
		return rc;
	switch (ch) {
	case OPT_BOOTSTRAP_IID:
		o->bootstrap_iid = (uint16_t)v;
		break;
	case 'c':
		o->concurrency = (unsigned)v;
		break;
	case 'n':
		o->count = v;
		break;
	case OPT_DURATION:
		o->duration_s = (unsigned)v;
		break;
	case OPT_TIMEOUT:
		o->timeout_s = (unsigned)v;
		break;
	case OPT_FIRST:
		o->first = v;
		break;
	case OPT_SOURCES:
		o->sources = (unsigned)v;
		break;
	default:
		o->stall_after = (long)v;
		break;
	}
	return 0;
}

/* One option; returns 0, -EINVAL (bad value, reported) or 1 for --help. */
static int apply_option(struct bench_args *a, int ch, const char *arg)
{
	struct bench_options *o = &a->b;
	int rc = 0;

	switch (ch) {
	case 's':
		o->server_uri = arg;
		break;
	case OPT_ENDPOINT_PREFIX:
		o->endpoint_prefix = arg;
		break;
	case OPT_NO_EP:
		o->endpoint_prefix = NULL;
		break;
	case OPT_PSK_IDENTITY_PREFIX:
		o->psk_identity_prefix = arg;
		break;
	case OPT_PSK_KEY:
		a->psk_key_hex = arg;
		break;
	case OPT_PSK_SHARED:
		o->psk_shared = true;
		break;
	case OPT_MIX:
		rc = parse_mix(arg, o);
		break;
	case OPT_RATE:
		rc = parse_rate(arg, &o->rate);
		break;
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_QUIET:
		a->quiet = true;
		break;
	case OPT_CIPHERS:
		net_ciphers_override(arg);
		break;
	case OPT_CERT:
		o->cert_file = arg;
		break;
	case OPT_KEY:
		o->key_file = arg;
		break;
	case OPT_CA:
		o->ca_file = arg;
		break;
	case OPT_ISSUER:
		a->issuer_dir = arg;
		break;
	case OPT_SOURCE:
		o->source = arg;
		break;
	case 'd':
		log_set_level(LOG_LVL_DEBUG);
		break;
	case 'h':
		return 1;
	default:
		rc = apply_number(o, ch, arg);
		break;
	}
	if (rc < 0)
		fprintf(stderr, "lwbs bench: invalid value '%s'\n", arg);
	return rc;
}

static int usage_error(const char *what)
{
	fprintf(stderr, "lwbs bench: %s\n", what);
	return -EINVAL;
}

/* --issuer DIR: the CA that mints every client's certificate. Reports. */
static int issuer_load(struct bench_args *a)
{
	struct bench_options *o = &a->b;

	if (cmd_load_ca(a->issuer_dir, a->issuer_cert, &o->issuer_cert_len, a->issuer_key,
	                &o->issuer_key_len) < 0)
		return -EINVAL;
	o->issuer_cert = a->issuer_cert;
	o->issuer_key = a->issuer_key;
	return 0;
}

/* Combinations the options cannot express alone. */
static int check_args(struct bench_args *a)
{
	struct bench_options *o = &a->b;
	bool coaps = strncmp(o->server_uri, "coaps://", 8) == 0;
	size_t len;

	if (o->stall_after != SIM_OFF && o->duration_s == 0)
		return usage_error("--stall-after needs --duration (how long to hold them)");
	if (o->count == 0 && o->duration_s == 0)
		o->count = 1000;
	bool psk = o->psk_identity_prefix != NULL || a->psk_key_hex != NULL;
	bool cert = o->cert_file != NULL || a->issuer_dir != NULL;

	if ((o->cert_file != NULL) != (o->key_file != NULL))
		return usage_error("--cert and --key go together");
	if (o->cert_file && a->issuer_dir)
		return usage_error("--issuer mints each client's certificate: no --cert and --key");
	if (!coaps && (psk || cert))
		return usage_error("coap:// takes no credentials");
	if (coaps && cert == psk)
		return usage_error("coaps:// needs --psk-identity-prefix and --psk-key, --cert "
		                   "and --key, or --issuer");
	if (coaps && psk && (!o->psk_identity_prefix || !a->psk_key_hex))
		return usage_error("coaps:// with PSK needs --psk-identity-prefix and --psk-key");
	if (!coaps && o->endpoint_prefix == NULL)
		return usage_error("--no-ep needs coaps:// (the PSK identity names the device)");
	if (a->issuer_dir && o->endpoint_prefix == NULL)
		return usage_error("--issuer names certificates after endpoints: no --no-ep");
	o->progress = !a->quiet;
	if (a->issuer_dir && issuer_load(a) < 0)
		return -EINVAL;
	if (a->psk_key_hex == NULL)
		return 0;
	if (encoding_hex_decode(a->psk_key_hex, strlen(a->psk_key_hex), a->psk_key,
	                        sizeof(a->psk_key), &len) < 0 ||
	    len == 0)
		return usage_error("--psk-key must be 1 to 256 bytes in hex");
	o->psk_key = a->psk_key;
	o->psk_key_len = len;
	return 0;
}

static int apply_option_cb(void *a, int ch, const char *arg)
{
	return apply_option(a, ch, arg);
}

/* Returns 0, 1 for --help, or -EINVAL (reported). */
static int parse_args(int argc, char **argv, struct bench_args *a)
{
	int rc;

	memset(a, 0, sizeof(*a));
	a->b = (struct bench_options){
	    .server_uri = "coap://127.0.0.1:5683",
	    .endpoint_prefix = "bench-",
	    .mix = {{.version = LWM2M_V1_1, .format = -1}},
	    .n_mix = 1,
	    .concurrency = 50,
	    .timeout_s = 30,
	    .stall_after = SIM_OFF,
	};
	rc = cmd_getopt("bench", argc, argv, "s:c:n:dh", long_options, apply_option_cb, a);
	if (rc != 0)
		return rc;
	return check_args(a);
}

int cmd_bench(int argc, char **argv)
{
	struct bench_args a;
	unsigned long failed;
	int rc, status;

	/* Thousands of bootstraps a second: per-client state changes are not news. */
	log_set_level(LOG_LVL_WARN);
	rc = parse_args(argc, argv, &a);
	if (rc == 1) {
		usage(stdout);
		status = 0;
	} else if (rc < 0) {
		fprintf(stderr, "usage: lwbs bench [-s URI] [options]; see 'lwbs help bench'\n");
		status = 2;
	} else {
		rc = bench_run(&a.b, stdout, &failed);
		status = rc == -EINVAL ? 2 : rc < 0 ? 1 : failed > 0 ? 1 : 0;
	}
	cred_wipe(a.issuer_key, sizeof(a.issuer_key));
	return status;
}
