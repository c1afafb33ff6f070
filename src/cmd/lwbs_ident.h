/*
 * Shared by the identity commands (lwbs_psk.c, lwbs_pki.c): the policy
 * directory they work on and the device policy files they write.
 */
#ifndef LWBS_CMD_LWBS_IDENT_H
#define LWBS_CMD_LWBS_IDENT_H

#include <stddef.h>

#include "util/buf.h"

struct policy;

#define IDENT_MAX_SERVERS 16

/* What the identity commands are told; NULL where not given. */
struct ident_args {
	const char *dir;                        /* --policy DIR: the policy directory (required) */
	const char *servers[IDENT_MAX_SERVERS]; /* --server ID, repeatable */
	size_t n_servers;
	const char *endpoint; /* --endpoint EP */
	const char *out;      /* --out DIR, where device keys go */
	const char *name;     /* --name CN, of a CA */
	const char *host;     /* --host NAME, for URLs */
	char **rest;          /* operands after the options */
	int n_rest;
};

/*
 * Parse argv (argv[0] the command name) into *a. Returns 0, 1 for --help,
 * -EINVAL (reported, naming cmd) when an option is unknown or --policy is
 * missing.
 */
int ident_parse(const char *cmd, int argc, char **argv, struct ident_args *a);

/* Load dir's policy, printing every problem to stderr. Returns 0 or -EINVAL. */
int ident_load(const char *dir, struct policy **out);

/*
 * Append the `servers: [...]` line of a new device entry to out: the
 * --server ids, or the policy's only server. Returns 0, -EINVAL (told the
 * operator which servers exist) or -ENOMEM.
 */
int ident_servers_line(const struct ident_args *a, const struct policy *pol, struct buf *out);

/*
 * Write the device policy file dir/name (mode 0600, refusing to replace),
 * then load the whole policy again; if it no longer loads, remove the file
 * again and say why. Returns 0 or -EINVAL/-EEXIST (reported).
 */
int ident_add_policy_file(const char *dir, const char *name, const struct buf *text);

/* True when s is usable in a file name: [A-Za-z0-9._:@-], not starting with '.'. */
int ident_safe_name(const char *s);

#endif
