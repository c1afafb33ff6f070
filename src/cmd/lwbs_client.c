/*
 * lwbs client: options in, sim_run() (client/sim.h), exit status out. The
 * output format and exit status are an interface: docs/lwbs-client.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/sim.h"
#include "lwbs_cmds.h"
#include "lwm2m/path.h"
#include "net/addr.h"
#include "util/encoding.h"
#include "util/log.h"

#define MAX_FAIL_WRITE 32
#define MAX_PSK_KEY 256
#define MAX_CLIENTS 10000
#define MAX_RPK_KEY 4096

struct client_args {
	struct sim_options sim;
	struct lwm2m_path fail_write[MAX_FAIL_WRITE];
	uint8_t psk_key[MAX_PSK_KEY];
	const char *psk_key_hex;
	const char *rpk_key_file;
	uint8_t rpk_key[MAX_RPK_KEY]; /* its contents. SECRET */
	/* --bind's address, without brackets */
	char bind_host[INET6_ADDRSTRLEN];
};

enum {
	OPT_NO_EP = 256,
	OPT_VERSION,
	OPT_FORMAT,
	OPT_BOOTSTRAP_IID,
	OPT_PSK_IDENTITY,
	OPT_PSK_KEY,
	OPT_PSK_SHARED,
	OPT_FAIL_WRITE,
	OPT_STALL_AFTER,
	OPT_RESTART_AFTER,
	OPT_CLIENTS,
	OPT_TIMEOUT,
	OPT_CERT,
	OPT_KEY,
	OPT_CA,
	OPT_DELAY_MS,
	OPT_RPK_KEY,
	OPT_BIND,
};

static const struct option long_options[] = {
	{"server", required_argument, NULL, 's'},
	{"endpoint", required_argument, NULL, 'e'},
	{"no-ep", no_argument, NULL, OPT_NO_EP},
	{"version", required_argument, NULL, OPT_VERSION},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"bootstrap-iid", required_argument, NULL, OPT_BOOTSTRAP_IID},
	{"psk-identity", required_argument, NULL, OPT_PSK_IDENTITY},
	{"psk-key", required_argument, NULL, OPT_PSK_KEY},
	{"psk-shared", no_argument, NULL, OPT_PSK_SHARED},
	{"fail-write", required_argument, NULL, OPT_FAIL_WRITE},
	{"stall-after", required_argument, NULL, OPT_STALL_AFTER},
	{"restart-after", required_argument, NULL, OPT_RESTART_AFTER},
	{"clients", required_argument, NULL, OPT_CLIENTS},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"cert", required_argument, NULL, OPT_CERT},
	{"key", required_argument, NULL, OPT_KEY},
	{"ca", required_argument, NULL, OPT_CA},
	{"delay-ms", required_argument, NULL, OPT_DELAY_MS},
	{"rpk-key", required_argument, NULL, OPT_RPK_KEY},
	{"bind", required_argument, NULL, OPT_BIND},
	{"debug", no_argument, NULL, 'd'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: lwbs client [-s URI] -e NAME [options]\n"
		"Simulated LwM2M client(s) bootstrapping against a bootstrap server; prints one\n"
		"JSON report per client on stdout (see docs/lwbs-client.md).\n"
		"  -s, --server URI        coap://host[:port] or coaps://host[:port]\n"
		"                          (default coap://127.0.0.1:5683)\n"
		"  -e, --endpoint NAME     endpoint client name (NAME-0.. with --clients)\n"
		"      --no-ep             send no ep= in the Bootstrap-Request\n"
		"      --version V         LwM2M version 1.0, 1.1 (default) or 1.2\n"
		"      --format F          preferred format sent as pct=: tlv, senml-json,\n"
		"                          senml-cbor, lwm2m-cbor (1.1+; default: none)\n"
		"      --bootstrap-iid N   Security instance of the bootstrap account (default 0)\n"
		"      --psk-identity ID   PSK identity for coaps:// (ID-0.. with --clients)\n"
		"      --psk-key HEX       PSK key for coaps://, in hex\n"
		"      --psk-shared        every client uses the same PSK identity\n"
		"      --cert FILE         coaps:// with this X.509 certificate (PEM) instead of PSK\n"
		"      --key FILE          the certificate's private key (PEM)\n"
		"      --ca FILE           CA certificates (PEM) to verify the server by\n"
		"      --rpk-key FILE      coaps:// with this raw public key (RFC 7250): an EC\n"
		"                          private key (PEM); lwbsd's coaps_rpk_port\n"
		"      --fail-write PATH   answer 4.00 to a Write on PATH, e.g. /1/0 (repeatable)\n"
		"      --stall-after N     answer N requests, then drop every request silently\n"
		"      --restart-after N   send a new Bootstrap-Request after answering N requests\n"
		"      --delay-ms N        hold each answer N ms (a slow device; default 0)\n"
		"      --clients N         run N clients at once (default 1)\n"
		"      --bind ADDR:PORT    local address and port of the client's socket\n"
		"                          ([ADDR]:PORT for IPv6; port 0: any; default: any)\n"
		"      --timeout SECONDS   overall time limit (default 30)\n"
		"  -d, --debug             debug logging on stderr\n"
		"exit status: 0 every client finished (Bootstrap-Finish 2.04), 1 some failed,\n"
		"2 usage error\n");
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int cmd_parse_version(const char *s, enum lwm2m_version *out)
{
	static const struct {
		const char *name;
		enum lwm2m_version v;
	} versions[] = {{"1.0", LWM2M_V1_0}, {"1.1", LWM2M_V1_1}, {"1.2", LWM2M_V1_2}};

	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		if (strcmp(s, versions[i].name) == 0) {
			*out = versions[i].v;
			return 0;
		}
	}
	return -EINVAL;
}

int cmd_parse_format(const char *s, int *out)
{
	static const struct {
		const char *name;
		int fmt;
	} formats[] = {{"tlv", LWM2M_FMT_TLV},
		       {"senml-json", LWM2M_FMT_SENML_JSON},
		       {"senml-cbor", LWM2M_FMT_SENML_CBOR},
		       {"lwm2m-cbor", LWM2M_FMT_LWM2M_CBOR}};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(s, formats[i].name) == 0) {
			*out = formats[i].fmt;
			return 0;
		}
	}
	return -EINVAL;
}

static int add_fail_write(struct client_args *a, const char *s)
{
	struct lwm2m_path p;

	if (a->sim.n_fail_write == MAX_FAIL_WRITE || path_parse(s, strlen(s), &p) < 0 ||
	    p.depth < 1 || p.depth > 3)
		return -EINVAL;
	a->fail_write[a->sim.n_fail_write++] = p;
	return 0;
}

/*
 * --bind ADDR:PORT or [ADDR6]:PORT: a literal address and a port (0: the
 * kernel's choice). Whether its family is the server's is checked once the
 * server is resolved (sim_run()). Returns 0 or -EINVAL.
 */
static int parse_bind(struct client_args *a, const char *s)
{
	const char *colon = strrchr(s, ':');
	const char *host = s;
	coap_address_t probe;
	size_t len;
	long port;

	if (colon == NULL || parse_long(colon + 1, 0, 65535, &port) < 0)
		return -EINVAL;
	len = (size_t)(colon - s);
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		host++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(a->bind_host))
		return -EINVAL;
	memcpy(a->bind_host, host, len);
	a->bind_host[len] = '\0';
	if (net_addr_parse(a->bind_host, 0, &probe) < 0)
		return -EINVAL;
	a->sim.bind_addr = a->bind_host;
	a->sim.bind_port = (uint16_t)port;
	return 0;
}

static int usage_error(const char *what)
{
	fprintf(stderr, "lwbs client: %s\n", what);
	return -EINVAL;
}

/* One option; returns 0, -EINVAL (bad value, reported) or 1 for --help. */
static int apply_option(struct client_args *a, int ch, const char *arg)
{
	struct sim_options *o = &a->sim;
	long v = 0;
	int rc = 0;

	switch (ch) {
	case 's': o->server_uri = arg; break;
	case 'e': o->endpoint = arg; break;
	case OPT_NO_EP: o->no_ep = true; break;
	case OPT_VERSION: rc = cmd_parse_version(arg, &o->version); break;
	case OPT_FORMAT: rc = cmd_parse_format(arg, &o->format); break;
	case OPT_BOOTSTRAP_IID:
		rc = parse_long(arg, 0, 65534, &v);
		o->bootstrap_iid = (uint16_t)v;
		break;
	case OPT_PSK_IDENTITY: o->psk_identity = arg; break;
	case OPT_PSK_KEY: a->psk_key_hex = arg; break;
	case OPT_PSK_SHARED: o->psk_shared = true; break;
	case OPT_CERT: o->cert_file = arg; break;
	case OPT_KEY: o->key_file = arg; break;
	case OPT_CA: o->ca_file = arg; break;
	case OPT_RPK_KEY: a->rpk_key_file = arg; break;
	case OPT_BIND: rc = parse_bind(a, arg); break;
	case OPT_FAIL_WRITE: rc = add_fail_write(a, arg); break;
	case OPT_STALL_AFTER: rc = parse_long(arg, 0, 1000000, &o->stall_after); break;
	case OPT_RESTART_AFTER: rc = parse_long(arg, 1, 1000000, &o->restart_after); break;
	case OPT_DELAY_MS: rc = parse_long(arg, 0, 60000, &o->delay_ms); break;
	case OPT_CLIENTS:
		rc = parse_long(arg, 1, MAX_CLIENTS, &v);
		o->clients = (unsigned)v;
		break;
	case OPT_TIMEOUT:
		rc = parse_long(arg, 1, 86400, &v);
		o->timeout_s = (unsigned)v;
		break;
	case 'd': log_set_level(LOG_LVL_DEBUG); break;
	case 'h': return 1;
	default: return -EINVAL;
	}
	if (rc < 0)
		fprintf(stderr, "lwbs client: invalid value '%s'\n", arg);
	return rc;
}

/* RPK mode: coaps:// and no other credential; the key file is read here. */
static int check_rpk(struct client_args *a, bool coaps)
{
	struct sim_options *o = &a->sim;
	FILE *f;
	size_t n;

	if (!coaps || o->cert_file || o->psk_identity || a->psk_key_hex)
		return usage_error("--rpk-key needs a coaps:// server and no --cert, --key, "
				   "--psk-identity or --psk-key");
	f = fopen(a->rpk_key_file, "r");
	if (f == NULL) {
		fprintf(stderr, "lwbs client: cannot read --rpk-key '%s' (%s)\n", a->rpk_key_file,
			strerror(errno));
		return -EINVAL;
	}
	n = fread(a->rpk_key, 1, sizeof(a->rpk_key) - 1, f);
	fclose(f);
	if (n == 0 || n == sizeof(a->rpk_key) - 1)
		return usage_error("--rpk-key must name an EC private key in PEM");
	o->rpk_key = a->rpk_key;
	o->rpk_key_len = n;
	return 0;
}

/* Combinations the options cannot express alone. */
static int check_args(struct client_args *a)
{
	struct sim_options *o = &a->sim;
	bool coaps = strncmp(o->server_uri, "coaps://", 8) == 0;
	size_t len;

	if (o->endpoint == NULL && !o->no_ep)
		return usage_error("--endpoint is required (or --no-ep)");
	if (o->format == LWM2M_FMT_LWM2M_CBOR && o->version < LWM2M_V1_2)
		return usage_error("--format lwm2m-cbor needs --version 1.2");
	if (o->format >= 0 && o->format != LWM2M_FMT_TLV && o->version == LWM2M_V1_0)
		return usage_error("an LwM2M 1.0 client takes TLV only");
	if ((o->cert_file != NULL) != (o->key_file != NULL))
		return usage_error("--cert and --key go together");
	/* Two sessions from one address and port to one server cannot coexist. */
	if (o->bind_port != 0 && o->clients > 1)
		return usage_error("--bind with a port other than 0 takes one client");
	if (a->rpk_key_file)
		return check_rpk(a, coaps);
	if (coaps && o->cert_file && o->psk_identity == NULL && a->psk_key_hex == NULL)
		return 0;
	if (coaps != (o->psk_identity != NULL) || coaps != (a->psk_key_hex != NULL) ||
	    (!coaps && o->cert_file))
		return usage_error("coaps:// needs --psk-identity and --psk-key, or --cert and "
				   "--key; coap:// takes none of them");
	if (!coaps)
		return 0;
	if (encoding_hex_decode(a->psk_key_hex, strlen(a->psk_key_hex), a->psk_key,
				sizeof(a->psk_key), &len) < 0 ||
	    len == 0)
		return usage_error("--psk-key must be 1 to 256 bytes in hex");
	o->psk_key = a->psk_key;
	o->psk_key_len = len;
	return 0;
}

/* Returns 0, 1 for --help, or -EINVAL (reported). */
static int apply_option_cb(void *a, int ch, const char *arg)
{
	return apply_option(a, ch, arg);
}

int cmd_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
	       const struct option *longopts, int (*apply)(void *a, int ch, const char *arg),
	       void *a)
{
	int ch, rc;

	optind = 1;
	opterr = 0; /* we report, naming the command */
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (ch == '?' || ch == ':') {
			fprintf(stderr, "lwbs %s: unknown option or missing value: '%s'\n", cmd,
				argv[optind - 1]);
			return -EINVAL;
		}
		rc = apply(a, ch, optarg);
		if (rc != 0)
			return rc;
	}
	if (optind != argc) {
		fprintf(stderr, "lwbs %s: unexpected arguments (see 'lwbs help %s')\n", cmd, cmd);
		return -EINVAL;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct client_args *a)
{
	int rc;

	memset(a, 0, sizeof(*a));
	a->sim = (struct sim_options){
		.server_uri = "coap://127.0.0.1:5683",
		.version = LWM2M_V1_1,
		.format = -1,
		.fail_write = a->fail_write,
		.stall_after = SIM_OFF,
		.restart_after = SIM_OFF,
		.clients = 1,
		.timeout_s = 30,
	};
	rc = cmd_getopt("client", argc, argv, "s:e:dh", long_options, apply_option_cb, a);
	if (rc != 0)
		return rc;
	return check_args(a);
}

int cmd_client(int argc, char **argv)
{
	struct client_args a;
	unsigned failed;
	int rc = parse_args(argc, argv, &a);

	if (rc == 1) {
		usage(stdout);
		return 0;
	}
	if (rc < 0) {
		fprintf(stderr, "usage: lwbs client [-s URI] -e NAME [options]; see 'lwbs help "
				"client'\n");
		return 2;
	}
	rc = sim_run(&a.sim, stdout, &failed);
	if (rc == -EINVAL)
		return 2; /* a server URI that does not resolve, a --bind unlike it (logged) */
	if (rc < 0)
		return 1;
	return failed > 0 ? 1 : 0;
}
