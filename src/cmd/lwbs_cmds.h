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

/* lwbs client: simulated LwM2M clients bootstrapping against a server (lwbs_client.c). */
int cmd_client(int argc, char **argv);

#endif
