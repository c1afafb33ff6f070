/* libyaml's parser on its own thread, handing events over in batches (yaml_events.h). */
#include "yaml_events.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/buf.h"
#include "util/thread.h"

/*
 * 1024 events is about 57 devices of a generated policy: few enough
 * hand-overs that waking the other thread costs little, and 4 batches in
 * the ring let either side run on through the other's hiccups.
 */
#define YEV_BATCH 1024
#define YEV_RING 4
#define NO_TEXT SIZE_MAX

struct yev_batch {
	struct yevent ev[YEV_BATCH];
	/* While the batch fills: where each event's strings are in text (NO_TEXT: none). */
	size_t text_at[YEV_BATCH], anchor_at[YEV_BATCH];
	struct buf text; /* the events' strings, each NUL-terminated */
	size_t n;
	bool failed; /* the parser failed after ev[n - 1] */
};

struct yevents {
	yaml_parser_t parser; /* the parser thread's until it has finished */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* Under mu: batches published (tail) and released (head), counting up. */
	size_t head, tail;
	bool stop; /* the consumer wants no more */
	bool done; /* the parser thread has published its last batch */
	bool oom;  /* set by the parser thread before it publishes the failed batch */
	unsigned waiting; /* threads in pthread_cond_wait(): a wake-up is needed only then */
	/* The consumer's: the batch at head (NULL: none taken) and its next event. */
	struct yev_batch *cur;
	size_t pos;
	struct yev_batch ring[YEV_RING];
};

/* Empty a batch's strings, leaving no copy: scalars may be secrets. */
static void text_clear(struct buf *text)
{
	if (text->data != NULL)
		explicit_bzero(text->data, text->len);
	buf_reset(text);
}

/* Copy n bytes of s and a NUL into b->text; their offset, or NO_TEXT on ENOMEM. */
static size_t text_put(struct yev_batch *b, const yaml_char_t *s, size_t n)
{
	size_t at = b->text.len;

	if (buf_append(&b->text, s, n) < 0 || buf_putc(&b->text, 0) < 0)
		return NO_TEXT;
	return at;
}

/* libyaml's event as a plain one in b (its strings at offsets for now); false on ENOMEM. */
static bool convert(struct yev_batch *b, const yaml_event_t *in)
{
	static const enum yevent_type types[] = {
	    [YAML_STREAM_START_EVENT] = YEV_STREAM_START, [YAML_STREAM_END_EVENT] = YEV_STREAM_END,
	    [YAML_DOCUMENT_START_EVENT] = YEV_DOC_START,  [YAML_DOCUMENT_END_EVENT] = YEV_DOC_END,
	    [YAML_ALIAS_EVENT] = YEV_ALIAS,               [YAML_SCALAR_EVENT] = YEV_SCALAR,
	    [YAML_SEQUENCE_START_EVENT] = YEV_SEQ_START,  [YAML_SEQUENCE_END_EVENT] = YEV_SEQ_END,
	    [YAML_MAPPING_START_EVENT] = YEV_MAP_START,   [YAML_MAPPING_END_EVENT] = YEV_MAP_END,
	};
	struct yevent *ev = &b->ev[b->n];
	const yaml_char_t *anchor = NULL, *tag;
	size_t *text = &b->text_at[b->n], *anch = &b->anchor_at[b->n];

	*ev = (struct yevent){.type = types[in->type],
	                      .line = (int)in->start_mark.line + 1,
	                      .col = (int)in->start_mark.column + 1};
	*text = *anch = NO_TEXT;
	if (in->type == YAML_ALIAS_EVENT) {
		*text = text_put(b, in->data.alias.anchor, strlen((const char *)in->data.alias.anchor));
		if (*text == NO_TEXT)
			return false;
	} else if (in->type == YAML_SCALAR_EVENT) {
		tag = in->data.scalar.tag;
		ev->len = in->data.scalar.length;
		ev->plain = in->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		            !(tag != NULL && strcmp((const char *)tag, YAML_STR_TAG) == 0);
		*text = text_put(b, in->data.scalar.value, ev->len);
		if (*text == NO_TEXT)
			return false;
		anchor = in->data.scalar.anchor;
	} else if (in->type == YAML_SEQUENCE_START_EVENT) {
		anchor = in->data.sequence_start.anchor;
	} else if (in->type == YAML_MAPPING_START_EVENT) {
		anchor = in->data.mapping_start.anchor;
	}
	if (anchor != NULL && (*anch = text_put(b, anchor, strlen((const char *)anchor))) == NO_TEXT)
		return false;
	b->n++;
	return true;
}

/* Parse into b until it is full, the stream ends or the parser fails; true to go on. */
static bool fill(struct yevents *q, struct yev_batch *b)
{
	yaml_event_t in;
	bool ok = true, end = false;

	text_clear(&b->text);
	b->n = 0;
	while (ok && !end && b->n < YEV_BATCH) {
		if (!yaml_parser_parse(&q->parser, &in)) {
			ok = false;
			break;
		}
		end = in.type == YAML_STREAM_END_EVENT;
		if (!convert(b, &in)) {
			q->oom = true;
			ok = false;
		}
		yaml_event_delete(&in);
	}
	/* text no longer moves: offsets become pointers. */
	for (size_t i = 0; i < b->n; i++) {
		const char *base = (const char *)b->text.data;
		b->ev[i].text = b->text_at[i] == NO_TEXT ? NULL : base + b->text_at[i];
		b->ev[i].anchor = b->anchor_at[i] == NO_TEXT ? NULL : base + b->anchor_at[i];
	}
	b->failed = !ok;
	return ok && !end;
}

/* Under mu: wait on cv, counted so that cv_wake() can skip the call when nobody waits. */
static void cv_wait(struct yevents *q)
{
	q->waiting++;
	pthread_cond_wait(&q->cv, &q->mu);
	q->waiting--;
}

/* Under mu: wake the other thread if it waits. */
static void cv_wake(struct yevents *q)
{
	if (q->waiting > 0)
		pthread_cond_broadcast(&q->cv);
}

static void *parse_thread(void *arg)
{
	struct yevents *q = arg;
	bool more = true;

	while (more) {
		pthread_mutex_lock(&q->mu);
		while (q->tail - q->head == YEV_RING && !q->stop)
			cv_wait(q);
		more = !q->stop;
		pthread_mutex_unlock(&q->mu);
		if (!more)
			break;
		/* The slot at tail is this thread's until it is published. */
		more = fill(q, &q->ring[q->tail % YEV_RING]);
		pthread_mutex_lock(&q->mu);
		q->tail++;
		cv_wake(q);
		pthread_mutex_unlock(&q->mu);
	}
	pthread_mutex_lock(&q->mu);
	q->done = true;
	cv_wake(q);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

static void yevents_free(struct yevents *q)
{
	for (size_t i = 0; i < YEV_RING; i++) {
		text_clear(&q->ring[i].text);
		buf_free(&q->ring[i].text);
	}
	yaml_parser_delete(&q->parser);
	free(q);
}

int yevents_start(struct yevents **out, ywalk_read_fn *read, void *data)
{
	struct yevents *q = calloc(1, sizeof(*q));
	int rc;

	if (q == NULL)
		return -ENOMEM;
	if (!yaml_parser_initialize(&q->parser)) {
		free(q);
		return -ENOMEM;
	}
	yaml_parser_set_input(&q->parser, read, data);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	rc = thread_start(&q->thread, parse_thread, q);
	if (rc < 0) {
		pthread_cond_destroy(&q->cv);
		pthread_mutex_destroy(&q->mu);
		yevents_free(q);
		return rc;
	}
	*out = q;
	return 0;
}

/* Release the batch at head (if taken) and wait for the next; false past the last. */
static bool advance(struct yevents *q)
{
	bool more;

	pthread_mutex_lock(&q->mu);
	if (q->cur != NULL) {
		q->head++;
		q->cur = NULL;
		cv_wake(q);
	}
	while (q->head == q->tail && !q->done)
		cv_wait(q);
	more = q->head != q->tail;
	if (more) {
		q->cur = &q->ring[q->head % YEV_RING];
		q->pos = 0;
	}
	pthread_mutex_unlock(&q->mu);
	return more;
}

const struct yevent *yevents_next(struct yevents *q)
{
	if (q->cur == NULL || (q->pos == q->cur->n && !q->cur->failed))
		if (!advance(q))
			return NULL; /* asked past the stream's end: a caller's bug */
	if (q->pos == q->cur->n)
		return NULL; /* the batch ends where the parser failed */
	return &q->cur->ev[q->pos++];
}

void yevents_error(const struct yevents *q, struct yevents_error *err)
{
	const yaml_parser_t *p = &q->parser;
	yaml_mark_t at = p->error == YAML_READER_ERROR ? p->mark : p->problem_mark;

	/* Read only once the parser has failed: its thread has finished then. */
	*err = (struct yevents_error){
	    .oom = q->oom || p->error == YAML_MEMORY_ERROR,
	    .line = (int)at.line + 1,
	    .col = (int)at.column + 1,
	    .problem = p->problem,
	    .context = p->context,
	};
}

void yevents_stop(struct yevents *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	cv_wake(q);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	yevents_free(q);
}
