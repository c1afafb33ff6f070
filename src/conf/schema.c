/* The key-table walker and the typed value readers shared by every section. */
#include "schema.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Edit distance counting a swap of neighbours as one edit (optimal string
 * alignment), or a large number for words too long to be typos of a key.
 */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d[33][33];

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned char)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned char)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			unsigned best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1u < best)
				best = d[i - 1][j] + 1u;
			if (d[i][j - 1] + 1u < best)
				best = d[i][j - 1] + 1u;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1u < best)
				best = d[i - 2][j - 2] + 1u;
			d[i][j] = (unsigned char)best;
		}
	}
	return d[la][lb];
}

const char *conf_suggest(const char *word, const char *const *cands, size_t n)
{
	size_t best = SIZE_MAX, limit = strlen(word) <= 4 ? 1 : 2;
	const char *pick = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i]);
		if (d < best) {
			best = d;
			pick = cands[i];
		}
	}
	return best <= limit ? pick : NULL;
}

static size_t key_count(const struct conf_key *keys)
{
	size_t n = 0;

	while (keys[n].name != NULL)
		n++;
	return n;
}

/* Report an unknown key, suggesting the closest known one or listing them all. */
static void map_unknown(struct conf_ctx *c, const struct ynode *key, const struct conf_key *keys)
{
	const char *names[CONF_MAX_KEYS];
	char list[512] = "";
	size_t n = key_count(keys), used = 0;
	const char *hint;

	for (size_t i = 0; i < n; i++)
		names[i] = keys[i].name;
	hint = conf_suggest(key->str, names, n);
	if (hint != NULL) {
		conf_error(c, key, "unknown key '%s' in %s (did you mean '%s'?)", key->str, c->what,
		           hint);
		return;
	}
	for (size_t i = 0; i < n && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
		                         names[i]);
	conf_error(c, key, "unknown key '%s' in %s (known keys: %s)", key->str, c->what, list);
}

/* Index of key in keys, or -1 after reporting it. */
static int map_key_index(struct conf_ctx *c, const struct ynode *key, const struct conf_key *keys)
{
	if (key->kind != YNODE_SCALAR || ynode_is_null(key)) {
		conf_error(c, key, "keys in %s must be names, not %s", c->what,
		           ynode_kind_name(key));
		return -1;
	}
	for (int i = 0; keys[i].name != NULL; i++)
		if (strcmp(keys[i].name, key->str) == 0)
			return i;
	map_unknown(c, key, keys);
	return -1;
}

static int map_value(struct conf_ctx *c, const struct conf_key *k, const struct ynode *v, void *obj)
{
	char *field = (char *)obj + k->off;
	uint64_t u;
	int rc;

	switch (k->type) {
	case CONF_T_BOOL:
		return conf_get_bool(c, k->name, v, (bool *)field);
	case CONF_T_U16:
	case CONF_T_U32:
		rc = conf_get_uint(c, k->name, v, k->min, k->max, &u);
		if (rc == 0 && k->type == CONF_T_U16)
			*(uint16_t *)field = (uint16_t)u;
		else if (rc == 0)
			*(uint32_t *)field = (uint32_t)u;
		return rc;
	case CONF_T_STR:
		return conf_get_str(c, k->name, v, (const char **)field);
	case CONF_T_FN:
		return k->fn(c, k, v, obj);
	}
	return -EINVAL;
}

/* Report the required keys of keys that got[] lacks. */
static bool map_required(struct conf_ctx *c, const struct ynode *m, const struct conf_key *keys,
                         const struct ynode **got)
{
	bool ok = true;

	for (size_t i = 0; keys[i].name != NULL; i++) {
		if ((keys[i].flags & CONF_REQUIRED) && got[i] == NULL) {
			conf_error(c, m, "%s is missing required key '%s'", c->what, keys[i].name);
			ok = false;
		}
	}
	return ok;
}

int conf_map(struct conf_ctx *c, const struct ynode *m, const struct conf_key *keys, void *obj,
             const struct ynode **seen)
{
	const struct ynode *got[CONF_MAX_KEYS] = {NULL}, *key_at[CONF_MAX_KEYS] = {NULL};
	bool ok = m->kind == YNODE_MAP;

	if (!ok)
		conf_error(c, m, "%s must be a mapping of keys, not %s", c->what,
		           ynode_kind_name(m));
	/* Keep going after a bad key: every key of the mapping gets checked. */
	for (size_t i = 0; m->kind == YNODE_MAP && i < m->n; i++) {
		const struct ynode *key = m->kids[2 * i], *val = m->kids[2 * i + 1];
		int k = map_key_index(c, key, keys);
		if (k >= 0 && got[k] != NULL) {
			conf_error(c, key, "key '%s' given twice in %s (first at line %d)",
			           keys[k].name, c->what, key_at[k]->line);
			k = -1;
		}
		if (k < 0) {
			ok = false;
			continue;
		}
		got[k] = val;
		key_at[k] = key;
		if (map_value(c, &keys[k], val, obj) < 0)
			ok = false;
	}
	if (m->kind == YNODE_MAP && !map_required(c, m, keys, got))
		ok = false;
	if (seen != NULL)
		memcpy(seen, got, key_count(keys) * sizeof(*got));
	return ok ? 0 : -EINVAL;
}
