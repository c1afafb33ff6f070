/*
 * lwbs: the operator tool. main() only dispatches to a subcommand from the
 * table below; each lives in its own file (lwbs_cmds.h).
 */
#include <stdio.h>
#include <string.h>

#include "lwbs_cmds.h"
#include "lwbs_config.h"
#include "util/log.h"

struct lwbs_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static int cmd_help(int argc, char **argv);

static const struct lwbs_command commands[] = {
    {"bench", cmd_bench, "load generator: many clients at once, bootstraps/s and latency"},
    {"bootstrap-url", cmd_bootstrap_url, "print the coaps URL devices bootstrap from"},
    {"ca", cmd_ca, "create the organisation CA (EC P-256) under the policy's certs/"},
    {"cert", cmd_cert, "issue device certificates signed by that CA, list them"},
    {"check", cmd_check, "validate a policy: 'configuration OK' or every problem"},
    {"client", cmd_client, "simulate LwM2M clients bootstrapping against a server"},
    {"help", cmd_help, "list the commands, or show one command's options"},
    {"psk", cmd_psk, "new, list, show or remove bootstrap PSK identities"},
    {"route", cmd_route, "explain which servers a device is routed to, and why"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *fp)
{
	fprintf(fp, "usage: lwbs COMMAND [OPTIONS]\n"
	            "       lwbs help [COMMAND]\n"
	            "       lwbs --version\n"
	            "commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(fp, "  %-13s %s\n", commands[i].name, commands[i].summary);
}

static const struct lwbs_command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* `lwbs help CMD` is `lwbs CMD --help`. */
static int cmd_help(int argc, char **argv)
{
	const struct lwbs_command *cmd;
	char help[] = "--help";

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	cmd = find_command(argv[1]);
	if (cmd == NULL || cmd->run == cmd_help) {
		fprintf(stderr, "lwbs: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	char *sub_argv[] = {argv[1], help, NULL};
	return cmd->run(2, sub_argv);
}

int main(int argc, char **argv)
{
	const struct lwbs_command *cmd;

	log_set_ident("lwbs");
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("lwbs %s\n", LWBS_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	cmd = find_command(argv[1]);
	if (cmd == NULL) {
		fprintf(stderr, "lwbs: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	return cmd->run(argc - 1, argv + 1);
}
