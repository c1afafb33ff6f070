/* libyaml events to per-entry node trees. The only file of lwbs that includes <yaml.h>. */
#include "yaml_walk.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "conf_int.h"

/* Deeper than any policy needs; bounds the recursion of node_build(). */
#define YWALK_MAX_DEPTH 64

struct ywalk_anchor {
	char *name;
	struct ynode *node; /* one reference held */
};

struct ywalk {
	yaml_parser_t parser;
	struct conf_ctx *c;
	struct ywalk_anchor *anchors;
	size_t n_anchors, cap_anchors;
};

bool ynode_is_null(const struct ynode *n)
{
	return n->kind == YNODE_SCALAR && n->plain &&
	       (n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	        strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}

const char *ynode_kind_name(const struct ynode *n)
{
	if (n->kind == YNODE_SEQ)
		return "a list";
	if (n->kind == YNODE_MAP)
		return "a mapping";
	return ynode_is_null(n) ? "null" : "a value";
}

static void ynode_unref(struct ynode *n)
{
	if (n == NULL || --n->refs > 0)
		return;
	for (size_t i = 0; i < n->n_kids; i++)
		ynode_unref(n->kids[i]);
	free(n->kids);
	/* Scalars may be keys in hex or base64: leave no copy behind. */
	if (n->str != NULL)
		explicit_bzero(n->str, n->len);
	free(n); /* and a scalar's str, which is part of it */
}

/* A node with `extra` bytes after it (a scalar's text: one allocation, not two). */
static struct ynode *ynode_new(struct ywalk *w, enum ynode_kind kind, yaml_mark_t mark,
                               size_t extra)
{
	struct ynode *n = extra <= SIZE_MAX - sizeof(*n) ? calloc(1, sizeof(*n) + extra) : NULL;

	if (n == NULL) {
		w->c->oom = true;
		return NULL;
	}
	n->kind = kind;
	n->line = (int)mark.line + 1;
	n->col = (int)mark.column + 1;
	n->refs = 1;
	return n;
}

static int ynode_push(struct ywalk *w, struct ynode *parent, struct ynode *kid)
{
	size_t used = parent->n_kids;

	if (used % 16 == 0) {
		struct ynode **k = reallocarray(parent->kids, used + 16, sizeof(*k));
		if (k == NULL) {
			w->c->oom = true;
			ynode_unref(kid);
			return -ENOMEM;
		}
		parent->kids = k;
	}
	parent->kids[used] = kid;
	parent->n_kids++;
	/* A mapping counts pairs: n grows when the value arrives. */
	if (parent->kind != YNODE_MAP || used % 2 == 1)
		parent->n++;
	return 0;
}

static void report_syntax(struct ywalk *w)
{
	yaml_parser_t *p = &w->parser;
	yaml_mark_t at = p->error == YAML_READER_ERROR ? p->mark : p->problem_mark;

	if (p->error == YAML_MEMORY_ERROR) {
		w->c->oom = true;
		return;
	}
	conf_diag_at(w->c, CONF_ERROR, w->c->file, (int)at.line + 1, (int)at.column + 1,
	             "YAML syntax error: %s%s%s%s", p->problem ? p->problem : "malformed input",
	             p->context ? " (" : "", p->context ? p->context : "", p->context ? ")" : "");
}

/* Next event into ev; -EINVAL after reporting a syntax error. */
static int next_event(struct ywalk *w, yaml_event_t *ev)
{
	if (yaml_parser_parse(&w->parser, ev))
		return 0;
	report_syntax(w);
	return -EINVAL;
}

static int anchor_add(struct ywalk *w, const yaml_char_t *name, struct ynode *node)
{
	if (name == NULL)
		return 0;
	if (w->n_anchors == w->cap_anchors) {
		size_t cap = w->cap_anchors ? 2 * w->cap_anchors : 16;
		struct ywalk_anchor *a = reallocarray(w->anchors, cap, sizeof(*a));
		if (a == NULL)
			goto fail;
		w->anchors = a;
		w->cap_anchors = cap;
	}
	w->anchors[w->n_anchors].name = strdup((const char *)name);
	if (w->anchors[w->n_anchors].name == NULL)
		goto fail;
	node->refs++;
	w->anchors[w->n_anchors++].node = node;
	return 0;
fail:
	w->c->oom = true;
	return -ENOMEM;
}

/* The node an alias names: the latest anchor of that name, as YAML redefinition says. */
static struct ynode *anchor_find(struct ywalk *w, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;

	for (size_t i = w->n_anchors; i-- > 0;) {
		if (strcmp(w->anchors[i].name, name) == 0) {
			w->anchors[i].node->refs++;
			return w->anchors[i].node;
		}
	}
	conf_diag_at(w->c, CONF_ERROR, w->c->file, (int)ev->start_mark.line + 1,
	             (int)ev->start_mark.column + 1,
	             "unknown alias '*%s' (define '&%s' earlier in the same file)", name, name);
	return NULL;
}

static struct ynode *scalar_build(struct ywalk *w, const yaml_event_t *ev)
{
	size_t len = ev->data.scalar.length;
	struct ynode *n =
	    ynode_new(w, YNODE_SCALAR, ev->start_mark, len < SIZE_MAX ? len + 1 : SIZE_MAX);
	const char *tag = (const char *)ev->data.scalar.tag;

	if (n == NULL)
		return NULL;
	n->len = len;
	n->str = (char *)(n + 1);
	memcpy(n->str, ev->data.scalar.value, n->len);
	n->str[n->len] = '\0';
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	           !(tag != NULL && strcmp(tag, YAML_STR_TAG) == 0);
	return n;
}

static int node_build(struct ywalk *w, yaml_event_t *ev, int depth, struct ynode **out);

/* Children of the list or mapping n up to its end event. */
static int kids_build(struct ywalk *w, struct ynode *n, int depth)
{
	yaml_event_type_t end =
	    n->kind == YNODE_SEQ ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT;
	yaml_event_t ev;
	struct ynode *kid;
	int rc;

	for (;;) {
		rc = next_event(w, &ev);
		if (rc < 0)
			return rc;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return 0;
		}
		rc = node_build(w, &ev, depth + 1, &kid);
		if (rc == 0)
			rc = ynode_push(w, n, kid);
		if (rc < 0)
			return rc;
	}
}

/* Build the node that starts with ev (consumed); *out holds one reference. */
static int node_build(struct ywalk *w, yaml_event_t *ev, int depth, struct ynode **out)
{
	struct ynode *n = NULL;
	const yaml_char_t *anchor = NULL;
	int rc = -EINVAL;

	if (depth > YWALK_MAX_DEPTH) {
		conf_diag_at(w->c, CONF_ERROR, w->c->file, (int)ev->start_mark.line + 1,
		             (int)ev->start_mark.column + 1, "nesting deeper than %d levels",
		             YWALK_MAX_DEPTH);
		goto fail;
	}
	if (ev->type == YAML_ALIAS_EVENT) {
		n = anchor_find(w, ev);
		rc = n ? 0 : -EINVAL;
	} else if (ev->type == YAML_SCALAR_EVENT) {
		n = scalar_build(w, ev);
		anchor = ev->data.scalar.anchor;
		rc = n ? 0 : -ENOMEM;
	} else if (ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT) {
		bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
		n = ynode_new(w, seq ? YNODE_SEQ : YNODE_MAP, ev->start_mark, 0);
		anchor = seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
		rc = n ? kids_build(w, n, depth) : -ENOMEM;
	}
	if (rc == 0)
		rc = anchor_add(w, anchor, n);
	if (rc < 0)
		goto fail;
	yaml_event_delete(ev);
	*out = n;
	return 0;
fail:
	ynode_unref(n);
	yaml_event_delete(ev);
	return rc;
}

/* A top-level list: hand its elements over one by one, then drop each. */
static int section_list(struct ywalk *w, const struct ywalk_ops *ops, const struct ynode *key,
                        yaml_event_t *start)
{
	struct ynode *seq = ynode_new(w, YNODE_SEQ, start->start_mark, 0), *item;
	yaml_event_t ev;
	bool want;
	int rc = seq ? 0 : -ENOMEM;

	yaml_event_delete(start);
	want = rc == 0 && ops->section(w->c, key, seq);
	for (size_t idx = 0; rc == 0; idx++) {
		rc = next_event(w, &ev);
		if (rc < 0)
			break;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		rc = node_build(w, &ev, 2, &item);
		if (rc == 0 && want)
			ops->item(w->c, key, idx, item);
		if (rc == 0)
			ynode_unref(item);
	}
	ynode_unref(seq);
	return rc;
}

/* One top-level key (its event in key_ev, consumed) and its value. */
static int section(struct ywalk *w, const struct ywalk_ops *ops, yaml_event_t *key_ev)
{
	struct ynode *key = NULL, *value;
	yaml_event_t ev;
	int rc = node_build(w, key_ev, 1, &key);

	if (rc == 0)
		rc = next_event(w, &ev);
	if (rc == 0 && ev.type == YAML_SEQUENCE_START_EVENT) {
		rc = section_list(w, ops, key, &ev);
	} else if (rc == 0) {
		rc = node_build(w, &ev, 1, &value);
		if (rc == 0)
			ops->section(w->c, key, value);
		if (rc == 0)
			ynode_unref(value);
	}
	ynode_unref(key);
	return rc;
}

/* The root of a document, up to and including its end event. */
static int document(struct ywalk *w, const struct ywalk_ops *ops)
{
	struct ynode *root = NULL;
	yaml_event_t ev;
	int rc = next_event(w, &ev);

	if (rc == 0 && ev.type != YAML_MAPPING_START_EVENT) {
		rc = node_build(w, &ev, 0, &root);
		if (rc == 0 && !ynode_is_null(root))
			conf_error(w->c, root,
			           "the top level of a policy file must be a mapping "
			           "of sections (lwbsd, servers, devices), not %s",
			           ynode_kind_name(root));
		ynode_unref(root);
	} else if (rc == 0) {
		yaml_event_delete(&ev);
		while ((rc = next_event(w, &ev)) == 0 && ev.type != YAML_MAPPING_END_EVENT)
			if ((rc = section(w, ops, &ev)) < 0)
				break;
		if (rc == 0)
			yaml_event_delete(&ev);
	}
	if (rc == 0)
		rc = next_event(w, &ev); /* the document end */
	if (rc == 0)
		yaml_event_delete(&ev);
	return rc;
}

static int stream(struct ywalk *w, const struct ywalk_ops *ops)
{
	yaml_event_t ev;
	int rc = next_event(w, &ev); /* the stream start */

	if (rc == 0) {
		yaml_event_delete(&ev);
		rc = next_event(w, &ev);
	}
	if (rc < 0 || ev.type == YAML_STREAM_END_EVENT)
		goto out; /* an empty file */
	yaml_event_delete(&ev);
	rc = document(w, ops);
	if (rc == 0)
		rc = next_event(w, &ev);
	if (rc == 0 && ev.type != YAML_STREAM_END_EVENT) {
		conf_diag_at(w->c, CONF_ERROR, w->c->file, (int)ev.start_mark.line + 1,
		             (int)ev.start_mark.column + 1,
		             "a policy file holds one YAML document; put the second "
		             "one in a file of its own");
		yaml_event_delete(&ev);
		rc = -EINVAL;
	}
out:
	if (rc == 0)
		yaml_event_delete(&ev);
	return rc;
}

int ywalk_stream(struct conf_ctx *c, ywalk_read_fn *read, void *data, const struct ywalk_ops *ops)
{
	struct ywalk w = {.c = c};
	int rc;

	if (!yaml_parser_initialize(&w.parser)) {
		c->oom = true;
		return -ENOMEM;
	}
	yaml_parser_set_input(&w.parser, read, data);
	rc = stream(&w, ops);
	for (size_t i = 0; i < w.n_anchors; i++) {
		free(w.anchors[i].name);
		ynode_unref(w.anchors[i].node);
	}
	free(w.anchors);
	yaml_parser_delete(&w.parser);
	return c->oom ? -ENOMEM : rc;
}
