/* conf_load(): finding the files, reading them in order, collecting diagnostics. */
#include "conf/conf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_int.h"
#include "schema.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static int diags_push(struct conf_diags *d, enum conf_severity sev, const char *file, int line,
                      int col, char *msg)
{
	struct conf_diag *items = d->items;

	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;
		items = reallocarray(d->items, cap, sizeof(*items));
		if (items == NULL)
			return -ENOMEM;
		d->items = items;
		d->cap = cap;
	}
	items[d->n] = (struct conf_diag){strdup(file), line, col, sev, msg};
	if (items[d->n].file == NULL)
		return -ENOMEM;
	d->n++;
	if (sev == CONF_ERROR)
		d->n_errors++;
	else
		d->n_warnings++;
	return 0;
}

static void conf_vdiag(struct conf_ctx *c, enum conf_severity sev, const char *file, int line,
                       int col, const char *fmt, va_list ap)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0 || diags_push(c->diags, sev, file, line, col, msg) < 0) {
		/* An error that cannot be recorded must still fail the load. */
		c->oom = true;
		free(msg);
	}
}

void conf_diag_at(struct conf_ctx *c, enum conf_severity sev, const char *file, int line, int col,
                  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vdiag(c, sev, file, line, col, fmt, ap);
	va_end(ap);
}

void conf_error(struct conf_ctx *c, const struct ynode *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vdiag(c, CONF_ERROR, c->file, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
}

void conf_warn(struct conf_ctx *c, const struct ynode *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vdiag(c, CONF_WARNING, c->file, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
}

void conf_diags_print(const struct conf_diags *diags, FILE *fp)
{
	for (size_t i = 0; i < diags->n; i++) {
		const struct conf_diag *d = &diags->items[i];
		const char *sev = d->sev == CONF_ERROR ? "error" : "warning";
		if (d->line > 0)
			fprintf(fp, "%s:%d:%d: %s: %s\n", d->file, d->line, d->col, sev, d->msg);
		else
			fprintf(fp, "%s: %s: %s\n", d->file, sev, d->msg);
	}
}

void conf_diags_free(struct conf_diags *diags)
{
	for (size_t i = 0; i < diags->n; i++) {
		free(diags->items[i].file);
		free(diags->items[i].msg);
	}
	free(diags->items);
	*diags = (struct conf_diags)CONF_DIAGS_INIT;
}

static const char *const section_names[] = {"lwbsd",   "servers", "devices",
                                            "pools",   "regions", "routes"};
enum {
	SECTION_LWBSD,
	SECTION_SERVERS,
	SECTION_DEVICES,
	SECTION_POOLS,
	SECTION_REGIONS,
	SECTION_ROUTES,
	SECTION_COUNT
};

/* The section a top-level key names, or -1 after reporting it. */
static int section_index(struct conf_ctx *c, const struct ynode *key)
{
	const char *hint;

	if (key->kind == YNODE_SCALAR)
		for (int i = 0; i < SECTION_COUNT; i++)
			if (strcmp(key->str, section_names[i]) == 0)
				return i;
	if (key->kind != YNODE_SCALAR || ynode_is_null(key)) {
		conf_error(c, key, "top-level keys must be section names, not %s",
		           ynode_kind_name(key));
		return -1;
	}
	hint = conf_suggest(key->str, section_names, SECTION_COUNT);
	if (hint != NULL)
		conf_error(c, key, "unknown section '%s' (did you mean '%s'?)", key->str, hint);
	else
		conf_error(c, key, "unknown section '%s' (known sections: lwbsd, servers, devices, "
		           "pools, regions, routes)",
		           key->str);
	return -1;
}

static bool on_section(struct conf_ctx *c, const struct ynode *key, const struct ynode *value)
{
	int i = section_index(c, key);

	if (i < 0)
		return false;
	if (c->sections_seen & (1u << i)) {
		conf_error(c, key, "section '%s' given twice in this file", section_names[i]);
		return false;
	}
	c->sections_seen |= 1u << i;
	if (i == SECTION_LWBSD) {
		conf_lwbsd_section(c, value);
		return false;
	}
	if (value->kind == YNODE_SEQ)
		return true;
	if (!ynode_is_null(value)) /* "devices:" with nothing under it is an empty list */
		conf_error(c, value, "'%s' must be a list, not %s", section_names[i],
		           ynode_kind_name(value));
	return false;
}

static void on_item(struct conf_ctx *c, const struct ynode *key, size_t idx,
                    const struct ynode *elem)
{
	if (strcmp(key->str, section_names[SECTION_SERVERS]) == 0)
		conf_server_item(c, idx, elem);
	else if (strcmp(key->str, section_names[SECTION_POOLS]) == 0)
		conf_pool_item(c, idx, elem);
	else if (strcmp(key->str, section_names[SECTION_REGIONS]) == 0)
		conf_region_item(c, idx, elem);
	else if (strcmp(key->str, section_names[SECTION_ROUTES]) == 0)
		conf_route_item(c, idx, elem);
	else
		conf_device_item(c, idx, elem);
}

static const struct ywalk_ops conf_ops = {on_section, on_item};

struct conf_input {
	int fd;
	int err;        /* errno of a failed read */
	uint64_t *hash; /* FNV-1a over every byte of every file, in load order */
};

static int conf_read(void *data, unsigned char *buf, size_t size, size_t *size_read)
{
	struct conf_input *in = data;
	uint64_t h = *in->hash;
	ssize_t r;

	do
		r = read(in->fd, buf, size);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		in->err = errno;
		return 0;
	}
	for (ssize_t i = 0; i < r; i++)
		h = (h ^ buf[i]) * FNV_PRIME;
	*in->hash = h;
	*size_read = (size_t)r;
	return 1;
}

/* Make path the current file: its display name and directory live in the policy. */
static int conf_enter(struct conf_ctx *c, const char *path)
{
	const char *slash = strrchr(path, '/');

	c->file = conf_fmt(c, "%s", path);
	if (slash == NULL)
		c->dir = conf_fmt(c, ".");
	else
		c->dir = conf_fmt(c, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	c->sections_seen = 0;
	return c->file && c->dir ? 0 : -ENOMEM;
}

static void conf_file(struct conf_ctx *c, const char *path, uint64_t *hash)
{
	struct conf_input in = {-1, 0, hash};
	struct stat st;

	if (conf_enter(c, path) < 0)
		return;
	in.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in.fd < 0 || fstat(in.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		conf_error(c, NULL, "cannot read policy file (%s)",
		           in.fd < 0 ? strerror(errno) : "not a regular file");
		goto out;
	}
	ywalk_stream(c, conf_read, &in, &conf_ops);
	if (in.err != 0)
		conf_error(c, NULL, "cannot read policy file (%s)", strerror(in.err));
out:
	if (in.fd >= 0)
		close(in.fd);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_policy_name(const char *name)
{
	size_t n = strlen(name);

	/* Dotfiles are editor backups and lock files, never policy. */
	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

/* The *.yaml files of dir as "dir/name", sorted; 0 or a negative errno. */
static int conf_list_dir(const char *dir, DIR *d, char ***out, size_t *n_out)
{
	const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";
	char **names = NULL, **grown = NULL, *name;
	size_t n = 0;
	struct dirent *e;

	while ((e = readdir(d)) != NULL) {
		if (!is_policy_name(e->d_name))
			continue;
		grown = reallocarray(names, n + 1, sizeof(*names));
		if (grown == NULL || asprintf(&name, "%s%s%s", dir, sep, e->d_name) < 0)
			goto fail;
		names = grown;
		names[n++] = name;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	*out = names;
	*n_out = n;
	return 0;
fail:
	if (grown != NULL)
		names = grown;
	while (n > 0)
		free(names[--n]);
	free(names);
	return -ENOMEM;
}

/* The files that path stands for: a directory's policy files, or path itself. */
static int conf_list(struct conf_ctx *c, const char *path, char ***out, size_t *n)
{
	DIR *d = opendir(path);
	int rc;

	if (d == NULL && errno != ENOTDIR) {
		conf_diag_at(c, CONF_ERROR, path, 0, 0, "cannot read policy (%s)", strerror(errno));
		return -EINVAL;
	}
	if (d == NULL) {
		*out = calloc(1, sizeof(**out));
		if (*out == NULL || ((*out)[0] = strdup(path)) == NULL) {
			free(*out);
			return -ENOMEM;
		}
		*n = 1;
		return 0;
	}
	rc = conf_list_dir(path, d, out, n);
	closedir(d);
	if (rc == 0 && *n == 0)
		conf_diag_at(c, CONF_ERROR, path, 0, 0,
		             "no policy files (*.yaml) in this directory");
	return rc;
}

/* Checks over the whole policy, once every file is read. */
static void conf_finish(struct conf_ctx *c, const char *path, uint64_t hash, size_t errors)
{
	conf_device_resolve(c);
	conf_route_resolve(c);
	policy_set_settings(c->pol, &c->settings);
	policy_set_version(c->pol, hash);
	if (policy_device_count(c->pol) == 0 && c->diags->n_errors == errors)
		conf_diag_at(
		    c, CONF_WARNING, path, 0, 0,
		    "the policy admits no devices: every bootstrap request will be refused");
}

int conf_load(const char *path, struct policy **out, struct conf_diags *diags)
{
	struct conf_ctx c = {.diags = diags};
	size_t errors = diags->n_errors, n = 0;
	uint64_t hash = FNV_OFFSET;
	char **files = NULL;
	int rc = policy_new(&c.pol);

	if (rc < 0)
		return rc;
	c.settings = *policy_settings(c.pol);
	rc = conf_list(&c, path, &files, &n);
	for (size_t i = 0; i < n; i++)
		conf_file(&c, files[i], &hash);
	if (rc == 0)
		conf_finish(&c, path, hash, errors);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(c.pending);
	hmap_free(c.broken_servers);
	if (rc == 0 && c.oom)
		rc = -ENOMEM;
	else if (rc == 0 && diags->n_errors > errors)
		rc = -EINVAL;
	if (rc < 0)
		goto fail;
	*out = c.pol;
	return 0;
fail:
	policy_free(c.pol);
	return rc;
}
