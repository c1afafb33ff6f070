/*
 * lwbs check: validate a whole policy as lwbsd would load it (every key,
 * every reference to servers and pools, duplicate endpoints, identities and
 * Short Server IDs, routes an earlier route shadows) and print
 * `configuration OK` or every problem as file:line:column.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "conf/conf.h"
#include "lwbs_cmds.h"

static void check_usage(FILE *fp)
{
	fprintf(fp, "usage: lwbs check --policy PATH\n"
	            "Validate a policy file or directory; print 'configuration OK' or every\n"
	            "problem as file:line:column.\n"
	            "exit status: 0 OK (warnings allowed), 1 errors, 2 usage\n");
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {{"policy", required_argument, NULL, 'p'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct conf_diags diags = CONF_DIAGS_INIT;
	struct policy *pol = NULL;
	const char *path = NULL;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		if (ch == 'h') {
			check_usage(stdout);
			return 0;
		}
		if (ch != 'p') {
			check_usage(stderr);
			return 2;
		}
		path = optarg;
	}
	if (path == NULL || optind != argc) {
		check_usage(stderr);
		return 2;
	}
	rc = conf_load(path, &pol, &diags);
	conf_diags_print(&diags, rc < 0 ? stderr : stdout);
	if (rc == 0)
		printf("configuration OK\n");
	else if (rc != -ENOMEM)
		fprintf(stderr, "lwbs check: %zu error(s); the policy would not load\n",
		        diags.n_errors);
	conf_diags_free(&diags);
	policy_free(pol);
	return rc == 0 ? 0 : 1;
}
