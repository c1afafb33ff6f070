#include "lwbs_ident.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "cred/files.h"
#include "policy/policy.h"

int ident_load(const char *dir, struct policy **out)
{
	struct conf_diags diags = CONF_DIAGS_INIT;
	int rc = conf_load(dir, out, &diags);

	if (rc < 0) {
		conf_diags_print(&diags, stderr);
		fprintf(stderr,
		        "lwbs: the policy in '%s' does not load; fix it first (lwbs check "
		        "--policy %s)\n",
		        dir, dir);
	}
	conf_diags_free(&diags);
	return rc < 0 ? -EINVAL : 0;
}

static void list_servers(const struct policy *pol)
{
	fprintf(stderr, "lwbs: servers in the policy:");
	for (size_t i = 0; i < policy_server_count(pol); i++)
		fprintf(stderr, " %s", policy_server_at(pol, i)->id);
	fprintf(stderr, "\n");
}

int ident_servers_line(const struct ident_args *a, const struct policy *pol, struct buf *out)
{
	if (a->n_servers == 0 && policy_server_count(pol) != 1) {
		fprintf(stderr, "lwbs: say which servers the device is sent to with --server ID "
		                "(repeatable)\n");
		list_servers(pol);
		return -EINVAL;
	}
	if (a->n_servers == 0)
		return buf_printf(out, "    servers: [%s]\n", policy_server_at(pol, 0)->id);
	for (size_t i = 0; i < a->n_servers; i++) {
		if (policy_server_by_id(pol, a->servers[i]) == NULL) {
			fprintf(stderr, "lwbs: no server '%s' in the policy\n", a->servers[i]);
			list_servers(pol);
			return -EINVAL;
		}
	}
	if (buf_printf(out, "    servers: [") < 0)
		return -ENOMEM;
	for (size_t i = 0; i < a->n_servers; i++)
		if (buf_printf(out, "%s%s", i ? ", " : "", a->servers[i]) < 0)
			return -ENOMEM;
	return buf_printf(out, "]\n");
}

int ident_add_policy_file(const char *dir, const char *name, const struct buf *text)
{
	struct policy *pol = NULL;
	char path[4096];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = cred_write_atomic(path, text->data, text->len, 0600, true);
	if (rc == -EEXIST) {
		fprintf(stderr,
		        "lwbs: '%s' exists already; remove it first or pick another "
		        "name\n",
		        path);
		return rc;
	}
	if (rc < 0) {
		fprintf(stderr,
		        "lwbs: cannot write '%s' (%s); check the directory's "
		        "permissions\n",
		        path, strerror(-rc));
		return rc;
	}
	if (ident_load(dir, &pol) < 0) {
		unlink(path);
		fprintf(stderr, "lwbs: '%s' was not kept: the policy would not load with it\n",
		        path);
		return -EINVAL;
	}
	policy_free(pol);
	return 0;
}

int ident_safe_name(const char *s)
{
	if (s[0] == '\0' || s[0] == '.' || strlen(s) > 100)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:@-") ==
	       strlen(s);
}

static int ident_option(struct ident_args *a, int ch, char *arg)
{
	switch (ch) {
	case 'p':
		a->dir = arg;
		return 0;
	case 'e':
		a->endpoint = arg;
		return 0;
	case 'o':
		a->out = arg;
		return 0;
	case 'n':
		a->name = arg;
		return 0;
	case 'H':
		a->host = arg;
		return 0;
	case 's':
		if (a->n_servers == IDENT_MAX_SERVERS)
			return -E2BIG;
		a->servers[a->n_servers++] = arg;
		return 0;
	case 'h':
		return 1;
	}
	return -EINVAL;
}

int ident_parse(const char *cmd, int argc, char **argv, struct ident_args *a)
{
	static const struct option opts[] = {
	    {"policy", required_argument, NULL, 'p'},   {"server", required_argument, NULL, 's'},
	    {"endpoint", required_argument, NULL, 'e'}, {"out", required_argument, NULL, 'o'},
	    {"name", required_argument, NULL, 'n'},     {"host", required_argument, NULL, 'H'},
	    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
	int ch, rc;

	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+p:s:e:o:n:H:h", opts, NULL)) != -1) {
		rc = ident_option(a, ch, optarg);
		if (rc == 1)
			return 1;
		if (rc < 0) {
			fprintf(stderr, "lwbs %s: unknown option or missing value: '%s'\n", cmd,
			        argv[optind - 1]);
			return -EINVAL;
		}
	}
	a->rest = argv + optind;
	a->n_rest = argc - optind;
	if (a->dir == NULL) {
		fprintf(stderr, "lwbs %s: --policy DIR is required (the policy directory)\n", cmd);
		return -EINVAL;
	}
	return 0;
}
