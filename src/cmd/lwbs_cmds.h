/*
 * Subcommands of the `lwbs` operator tool. Each is called with argv starting
 * at its own name (argv[0] = "client") and returns the process exit status:
 * 0 success, 1 failure, 2 usage error. Usage goes to stdout for --help,
 * to stderr otherwise; diagnostics go to stderr, results to stdout.
 * Add a command: declare it here, list it in commands[] in lwbs.c, add its
 * file to the lwbs executable in meson.build.
 */
#ifndef LWBS_CMD_LWBS_CMDS_H
#define LWBS_CMD_LWBS_CMDS_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m/model.h"

/*
 * Run getopt_long over argv for `lwbs cmd`, handing each option to
 * apply(a, ch, optarg) (which reports its own errors and returns 0, 1 to
 * stop for --help, or a negative errno). Unknown options and stray
 * arguments are reported naming the command. Returns 0, apply's non-zero
 * result, or -EINVAL.
 */
int cmd_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
	       const struct option *longopts, int (*apply)(void *a, int ch, const char *arg),
	       void *a);

/* lwbs route: explain where lwbsd would send a device (lwbs_route.c). */
int cmd_route(int argc, char **argv);

/* lwbs check: validate a whole policy, print `configuration OK` or every problem (lwbs_check.c). */
int cmd_check(int argc, char **argv);

/* lwbs client: simulated LwM2M clients bootstrapping against a server (lwbs_client.c). */
int cmd_client(int argc, char **argv);

/* lwbs bench: many simulated clients at once, throughput and latency (lwbs_bench.c). */
int cmd_bench(int argc, char **argv);

/* lwbs psk new|list|show|rm: bootstrap PSKs as device policy files (lwbs_psk.c). */
int cmd_psk(int argc, char **argv);

/* lwbs bootstrap-url: the URL devices bootstrap from (lwbs_psk.c). */
int cmd_bootstrap_url(int argc, char **argv);

/* lwbs ca init: the organisation CA under the policy's certs/ (lwbs_pki.c). */
int cmd_ca(int argc, char **argv);

/* lwbs cert issue|list: device certificates signed by that CA (lwbs_pki.c). */
int cmd_cert(int argc, char **argv);

/*
 * Shared by cert and bench (lwbs_pki.c): the DER of the CA certificate and
 * its key as `lwbs ca init --policy dir` wrote them (dir/certs/ca.pem,
 * dir/certs/private/ca.key), into cert (CRED_DER_MAX bytes) and key
 * (CRED_KEY_MAX). Returns 0, or a negative errno after telling stderr why.
 */
int cmd_load_ca(const char *dir, uint8_t *cert, size_t *cert_len, uint8_t *key, size_t *key_len);

/*
 * Shared by client and bench (lwbs_client.c): an LwM2M version "1.0",
 * "1.1", "1.2", and a format name "tlv", "senml-json", "senml-cbor",
 * "lwm2m-cbor" (its Content-Format). Return 0 or -EINVAL (*out untouched).
 */
int cmd_parse_version(const char *s, enum lwm2m_version *out);
int cmd_parse_format(const char *s, int *out);

#endif
