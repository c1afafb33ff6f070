/*
 * libyaml's event parser, run ahead on a thread of its own.
 *
 * Parsing is half of what loading a big policy costs (libyaml decodes and
 * checks every character, and allocates every token); building node trees
 * and policy entries is the other half. A thread parses into a ring of event
 * batches while the caller consumes them, so a load takes about as long as
 * the larger half instead of both. libyaml's events are copied into plain
 * ones, their strings into the batch, and deleted on the parser's thread:
 * memory is never allocated on one thread and freed on the other, which
 * glibc's malloc makes slow. The events come out in the parser's order; only
 * the read callback runs on the parser's thread. libyaml is confined to
 * yaml_events.c.
 */
#ifndef LWBS_CONF_YAML_EVENTS_H
#define LWBS_CONF_YAML_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "yaml_walk.h"

enum yevent_type {
	YEV_STREAM_START,
	YEV_STREAM_END,
	YEV_DOC_START,
	YEV_DOC_END,
	YEV_ALIAS,
	YEV_SCALAR,
	YEV_SEQ_START,
	YEV_SEQ_END,
	YEV_MAP_START,
	YEV_MAP_END,
};

/* One event. Its strings stay valid until the next yevents_next(). */
struct yevent {
	enum yevent_type type;
	int line, col;      /* where it starts, 1-based */
	bool plain;         /* SCALAR: unquoted and not tagged !!str (may be a number, bool, null) */
	size_t len;         /* SCALAR: bytes in text (which may hold NUL from a "\0" escape) */
	const char *text;   /* SCALAR: the value, NUL-terminated; ALIAS: the anchor named */
	const char *anchor; /* SCALAR, SEQ_START, MAP_START: the anchor defined here, or NULL */
};

/* Why the parser stopped, once yevents_next() returned NULL. */
struct yevents_error {
	bool oom;            /* out of memory; nothing else is set */
	int line, col;       /* 1-based */
	const char *problem; /* libyaml's words, or NULL */
	const char *context; /* or NULL */
};

struct yevents;

/*
 * Start parsing the stream read(data) gives; read is called on the parser's
 * thread. Returns 0, -ENOMEM, or the error of thread_start().
 */
int yevents_start(struct yevents **out, ywalk_read_fn *read, void *data);

/*
 * The next event, or NULL where the parser failed (yevents_error() says
 * why). Not to be called again after NULL or after YEV_STREAM_END.
 */
const struct yevent *yevents_next(struct yevents *q);

/* Why yevents_next() returned NULL. */
void yevents_error(const struct yevents *q, struct yevents_error *err);

/*
 * Stop the parser (it may be ahead of the caller), wait for its thread and
 * free q. After it, read() is not called again. NULL is a no-op.
 */
void yevents_stop(struct yevents *q);

#endif
