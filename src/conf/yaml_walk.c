/* Parser events (yaml_events.h) to per-entry node trees. */
#include "yaml_walk.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "yaml_events.h"

/* Deeper than any policy needs; bounds the recursion of node_build(). */
#define YWALK_MAX_DEPTH 64

struct ywalk_anchor {
	char *name;
	struct ynode *node; /* one reference held */
};

struct ywalk {
	struct yevents *events;
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

/* A node where ev starts, with `extra` bytes after it (a scalar's text: one allocation, not two). */
static struct ynode *ynode_new(struct ywalk *w, enum ynode_kind kind, const struct yevent *ev,
                               size_t extra)
{
	struct ynode *n = extra <= SIZE_MAX - sizeof(*n) ? calloc(1, sizeof(*n) + extra) : NULL;

	if (n == NULL) {
		w->c->oom = true;
		return NULL;
	}
	n->kind = kind;
	n->line = ev->line;
	n->col = ev->col;
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
	struct yevents_error e;

	yevents_error(w->events, &e);
	if (e.oom) {
		w->c->oom = true;
		return;
	}
	conf_diag_at(w->c, CONF_ERROR, w->c->file, e.line, e.col, "YAML syntax error: %s%s%s%s",
	             e.problem ? e.problem : "malformed input", e.context ? " (" : "",
	             e.context ? e.context : "", e.context ? ")" : "");
}

/* The next event (valid until the next call), or NULL after reporting a syntax error. */
static const struct yevent *next_event(struct ywalk *w)
{
	const struct yevent *ev = yevents_next(w->events);

	if (ev == NULL)
		report_syntax(w);
	return ev;
}

/* Define anchor `name` (owned: taken over, or freed) for node; a NULL name is no anchor. */
static int anchor_add(struct ywalk *w, char *name, struct ynode *node)
{
	if (name == NULL)
		return 0;
	if (w->n_anchors == w->cap_anchors) {
		size_t cap = w->cap_anchors ? 2 * w->cap_anchors : 16;
		struct ywalk_anchor *a = reallocarray(w->anchors, cap, sizeof(*a));
		if (a == NULL) {
			free(name);
			w->c->oom = true;
			return -ENOMEM;
		}
		w->anchors = a;
		w->cap_anchors = cap;
	}
	node->refs++;
	w->anchors[w->n_anchors++] = (struct ywalk_anchor){name, node};
	return 0;
}

/* A copy of ev's anchor name (NULL: none) that outlives ev; false on ENOMEM. */
static bool anchor_dup(struct ywalk *w, const struct yevent *ev, char **name)
{
	*name = ev->anchor ? strdup(ev->anchor) : NULL;
	if (ev->anchor != NULL && *name == NULL)
		w->c->oom = true;
	return ev->anchor == NULL || *name != NULL;
}

/* The node an alias names: the latest anchor of that name, as YAML redefinition says. */
static struct ynode *anchor_find(struct ywalk *w, const struct yevent *ev)
{
	for (size_t i = w->n_anchors; i-- > 0;) {
		if (strcmp(w->anchors[i].name, ev->text) == 0) {
			w->anchors[i].node->refs++;
			return w->anchors[i].node;
		}
	}
	conf_diag_at(w->c, CONF_ERROR, w->c->file, ev->line, ev->col,
	             "unknown alias '*%s' (define '&%s' earlier in the same file)", ev->text,
	             ev->text);
	return NULL;
}

static struct ynode *scalar_build(struct ywalk *w, const struct yevent *ev)
{
	struct ynode *n = ynode_new(w, YNODE_SCALAR, ev, ev->len < SIZE_MAX ? ev->len + 1 : SIZE_MAX);

	if (n == NULL)
		return NULL;
	n->len = ev->len;
	n->str = (char *)(n + 1);
	memcpy(n->str, ev->text, n->len + 1);
	n->plain = ev->plain;
	return n;
}

static int node_build(struct ywalk *w, const struct yevent *ev, int depth, struct ynode **out);

/* Children of the list or mapping n up to its end event. */
static int kids_build(struct ywalk *w, struct ynode *n, int depth)
{
	enum yevent_type end = n->kind == YNODE_SEQ ? YEV_SEQ_END : YEV_MAP_END;
	const struct yevent *ev;
	struct ynode *kid;
	int rc;

	for (;;) {
		ev = next_event(w);
		if (ev == NULL)
			return -EINVAL;
		if (ev->type == end)
			return 0;
		rc = node_build(w, ev, depth + 1, &kid);
		if (rc == 0)
			rc = ynode_push(w, n, kid);
		if (rc < 0)
			return rc;
	}
}

/* Build the node that starts with ev; *out holds one reference. */
static int node_build(struct ywalk *w, const struct yevent *ev, int depth, struct ynode **out)
{
	struct ynode *n = NULL;
	char *anchor = NULL;
	int rc = -EINVAL;

	if (depth > YWALK_MAX_DEPTH) {
		conf_diag_at(w->c, CONF_ERROR, w->c->file, ev->line, ev->col,
		             "nesting deeper than %d levels", YWALK_MAX_DEPTH);
		return -EINVAL;
	}
	/* The anchor is defined once the node is complete: `&a [*a]` names an earlier &a. */
	if (!anchor_dup(w, ev, &anchor))
		return -ENOMEM;
	if (ev->type == YEV_ALIAS) {
		n = anchor_find(w, ev);
		rc = n ? 0 : -EINVAL;
	} else if (ev->type == YEV_SCALAR) {
		n = scalar_build(w, ev);
		rc = n ? 0 : -ENOMEM;
	} else if (ev->type == YEV_SEQ_START || ev->type == YEV_MAP_START) {
		n = ynode_new(w, ev->type == YEV_SEQ_START ? YNODE_SEQ : YNODE_MAP, ev, 0);
		rc = n ? kids_build(w, n, depth) : -ENOMEM; /* ev is stale from here on */
	}
	if (rc == 0) {
		rc = anchor_add(w, anchor, n);
		anchor = NULL;
	}
	free(anchor);
	if (rc < 0) {
		ynode_unref(n);
		return rc;
	}
	*out = n;
	return 0;
}

/* A top-level list: hand its elements over one by one, then drop each. */
static int section_list(struct ywalk *w, const struct ywalk_ops *ops, const struct ynode *key,
                        const struct yevent *start)
{
	struct ynode *seq = ynode_new(w, YNODE_SEQ, start, 0), *item;
	const struct yevent *ev;
	bool want;
	int rc = seq ? 0 : -ENOMEM;

	want = rc == 0 && ops->section(w->c, key, seq);
	for (size_t idx = 0; rc == 0; idx++) {
		ev = next_event(w);
		if (ev == NULL)
			rc = -EINVAL;
		if (rc < 0 || ev->type == YEV_SEQ_END)
			break;
		rc = node_build(w, ev, 2, &item);
		if (rc == 0 && want)
			ops->item(w->c, key, idx, item);
		if (rc == 0)
			ynode_unref(item);
	}
	ynode_unref(seq);
	return rc;
}

/* One top-level key, starting with key_ev, and its value. */
static int section(struct ywalk *w, const struct ywalk_ops *ops, const struct yevent *key_ev)
{
	struct ynode *key = NULL, *value;
	const struct yevent *ev = NULL;
	int rc = node_build(w, key_ev, 1, &key);

	if (rc == 0 && (ev = next_event(w)) == NULL)
		rc = -EINVAL;
	if (rc == 0 && ev->type == YEV_SEQ_START) {
		rc = section_list(w, ops, key, ev);
	} else if (rc == 0) {
		rc = node_build(w, ev, 1, &value);
		if (rc == 0)
			ops->section(w->c, key, value);
		if (rc == 0)
			ynode_unref(value);
	}
	ynode_unref(key);
	return rc;
}

/* The next event, expected to be of type t (the parser guarantees which). */
static int expect_event(struct ywalk *w, enum yevent_type t)
{
	const struct yevent *ev = next_event(w);

	return ev != NULL && ev->type == t ? 0 : -EINVAL;
}

/* The root of a document, up to and including its end event. */
static int document(struct ywalk *w, const struct ywalk_ops *ops)
{
	struct ynode *root = NULL;
	const struct yevent *ev = next_event(w);
	int rc = ev ? 0 : -EINVAL;

	if (rc == 0 && ev->type != YEV_MAP_START) {
		rc = node_build(w, ev, 0, &root);
		if (rc == 0 && !ynode_is_null(root))
			conf_error(w->c, root,
			           "the top level of a policy file must be a mapping "
			           "of sections (lwbsd, servers, devices), not %s",
			           ynode_kind_name(root));
		ynode_unref(root);
	} else if (rc == 0) {
		while ((ev = next_event(w)) != NULL && ev->type != YEV_MAP_END)
			if ((rc = section(w, ops, ev)) < 0)
				break;
		if (ev == NULL)
			rc = -EINVAL;
	}
	return rc == 0 ? expect_event(w, YEV_DOC_END) : rc;
}

static int stream(struct ywalk *w, const struct ywalk_ops *ops)
{
	const struct yevent *ev;
	int rc = expect_event(w, YEV_STREAM_START);

	if (rc < 0 || (ev = next_event(w)) == NULL)
		return -EINVAL;
	if (ev->type == YEV_STREAM_END)
		return 0; /* an empty file */
	rc = document(w, ops);
	if (rc == 0 && (ev = next_event(w)) == NULL)
		rc = -EINVAL;
	if (rc == 0 && ev->type != YEV_STREAM_END) {
		conf_diag_at(w->c, CONF_ERROR, w->c->file, ev->line, ev->col,
		             "a policy file holds one YAML document; put the second "
		             "one in a file of its own");
		rc = -EINVAL;
	}
	return rc;
}

int ywalk_stream(struct conf_ctx *c, ywalk_read_fn *read, void *data, const struct ywalk_ops *ops)
{
	struct ywalk w = {.c = c};
	int rc = yevents_start(&w.events, read, data);

	if (rc == -ENOMEM) {
		c->oom = true;
		return rc;
	}
	if (rc < 0) {
		conf_error(c, NULL, "cannot start a thread to parse this file (%s)", strerror(-rc));
		return -EINVAL;
	}
	rc = stream(&w, ops);
	for (size_t i = 0; i < w.n_anchors; i++) {
		free(w.anchors[i].name);
		ynode_unref(w.anchors[i].node);
	}
	free(w.anchors);
	yevents_stop(w.events);
	return c->oom ? -ENOMEM : rc;
}
