/*
 * Streaming a YAML policy file into small node trees, one per entry.
 *
 * A policy file is a mapping of sections. A section whose value is a list
 * (servers, devices) is handed over one element at a time, so a file with a
 * million devices never exists as one tree; any other section comes whole.
 * Anchors and aliases work between trees of one file (nodes are shared and
 * reference-counted). libyaml is confined to this file's implementation.
 */
#ifndef LWBS_CONF_YAML_WALK_H
#define LWBS_CONF_YAML_WALK_H

#include <stdbool.h>
#include <stddef.h>

struct conf_ctx;

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

/* One YAML node with the position where it starts (1-based). */
struct ynode {
	enum ynode_kind kind;
	int line, col;
	bool plain; /* an unquoted scalar without a !!str tag: may be a number or bool */
	unsigned refs;
	char *str;           /* SCALAR: the value, NUL-terminated */
	size_t len;          /* SCALAR: bytes in str (may contain NUL from a "\0" escape) */
	struct ynode **kids; /* SEQ: n items; MAP: n pairs, key kids[2i], value kids[2i+1] */
	size_t n;
	size_t n_kids; /* pointers in kids (a mapping may hold a key still waiting) */
};

/* A plain scalar spelled as YAML null: empty, "~" or null. */
bool ynode_is_null(const struct ynode *n);

/* What n is, for messages: "a list", "a mapping", "null" or "a value". */
const char *ynode_kind_name(const struct ynode *n);

struct ywalk_ops {
	/*
	 * A top-level key and its value. A list value arrives empty (n == 0)
	 * and its elements follow through item() unless this returns false.
	 */
	bool (*section)(struct conf_ctx *c, const struct ynode *key, const struct ynode *value);
	/* Element idx (0-based) of the list under top-level key. */
	void (*item)(struct conf_ctx *c, const struct ynode *key, size_t idx,
	             const struct ynode *elem);
};

/*
 * Reads more input: like yaml_read_handler_t, returns 1 on success, 0 on
 * error. Called on a thread of its own (yaml_events.h), never concurrently
 * with itself; ywalk_stream() has stopped calling it when it returns.
 */
typedef int ywalk_read_fn(void *data, unsigned char *buf, size_t size, size_t *size_read);

/*
 * Parse one file's stream from read(data) and call ops. Syntax errors and
 * structural errors (no top-level mapping, several documents, unknown
 * aliases, nesting too deep) are reported through c. Returns 0, -EINVAL when
 * the file could not be parsed to its end, or -ENOMEM.
 */
int ywalk_stream(struct conf_ctx *c, ywalk_read_fn *read, void *data, const struct ywalk_ops *ops);

#endif
