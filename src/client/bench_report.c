/*
 * lwbs bench's numbers: latencies of successes, failures by reason, the
 * progress line and the summary. The JSON summary is an interface for
 * scripts (docs/lwbs-bench.md): add fields, never rename or drop them.
 */
#include "bench_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit/json.h"

static void note_latency(struct bench_stats *st, uint64_t lat_us)
{
	if (st->n_lat == st->cap_lat) {
		size_t cap = st->cap_lat ? 2 * st->cap_lat : 4096;
		uint32_t *a = realloc(st->lat_us, cap * sizeof(*a));

		if (a == NULL) {
			st->lat_lost = true;
			return;
		}
		st->lat_us = a;
		st->cap_lat = cap;
	}
	st->lat_us[st->n_lat++] = lat_us > UINT32_MAX ? UINT32_MAX : (uint32_t)lat_us;
}

static void note_reason(struct bench_stats *st, const char *why)
{
	for (size_t i = 0; i < st->n_reasons; i++) {
		if (strcmp(st->reasons[i].text, why) == 0) {
			st->reasons[i].n++;
			return;
		}
	}
	if (st->n_reasons == BENCH_MAX_REASONS) {
		st->other_reasons++;
		return;
	}
	snprintf(st->reasons[st->n_reasons].text, sizeof(st->reasons[0].text), "%s", why);
	st->reasons[st->n_reasons++].n = 1;
}

void bench_stats_note(struct bench_stats *st, const struct sim_client *c, uint64_t lat_us,
                      uint64_t now_us)
{
	st->last_end_us = now_us;
	if (c->state == SIM_DONE) {
		st->succeeded++;
		note_latency(st, lat_us);
		return;
	}
	st->failed++;
	note_reason(st, c->reason[0] ? c->reason : "unknown");
}

void bench_progress(const struct bench_stats *st, uint64_t now_us, size_t in_flight, size_t stalled)
{
	double s = (double)(now_us - st->t0_us) / 1e6;

	fprintf(stderr,
	        "lwbs bench: %6.1f s  started %lu  succeeded %lu (%.0f/s)  failed %lu  "
	        "in flight %zu  stalled %zu\n",
	        s, st->started, st->succeeded, s > 0 ? (double)st->succeeded / s : 0.0, st->failed,
	        in_flight, stalled);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of the sorted latencies; 0 when there are none. */
static uint32_t percentile(const struct bench_stats *st, unsigned pct)
{
	size_t rank;

	if (st->n_lat == 0)
		return 0;
	rank = (st->n_lat * pct + 99) / 100;
	return st->lat_us[rank ? rank - 1 : 0];
}

/* Successes per second, over the time from the start to the last end. */
static double throughput(const struct bench_stats *st)
{
	uint64_t span = st->last_end_us > st->t0_us ? st->last_end_us - st->t0_us : 0;

	return span ? (double)st->succeeded * 1e6 / (double)span : 0.0;
}

static void json_latency(struct json *j, const struct bench_stats *st)
{
	json_object(j, "latency_us");
	json_int(j, "p50", percentile(st, 50));
	json_int(j, "p90", percentile(st, 90));
	json_int(j, "p99", percentile(st, 99));
	json_int(j, "max", percentile(st, 100));
	json_int(j, "samples", (int64_t)st->n_lat);
	json_close_object(j);
}

static void json_failures(struct json *j, const struct bench_stats *st)
{
	json_array(j, "failures");
	for (size_t i = 0; i < st->n_reasons; i++) {
		json_object(j, NULL);
		json_str(j, "reason", st->reasons[i].text);
		json_int(j, "count", (int64_t)st->reasons[i].n);
		json_close_object(j);
	}
	if (st->other_reasons) {
		json_object(j, NULL);
		json_str(j, "reason", "other");
		json_int(j, "count", (int64_t)st->other_reasons);
		json_close_object(j);
	}
	json_close_array(j);
}

static int report_json(const struct bench_options *opt, const struct bench_stats *st,
                       size_t stalled, struct buf *b)
{
	struct json j;

	json_begin(&j, b);
	json_str(&j, "server", opt->server_uri);
	json_int(&j, "concurrency", opt->concurrency);
	json_real(&j, "rate", opt->rate);
	json_int(&j, "started", (int64_t)st->started);
	json_int(&j, "succeeded", (int64_t)st->succeeded);
	json_int(&j, "failed", (int64_t)st->failed);
	json_int(&j, "stalled", (int64_t)stalled);
	json_real(&j, "elapsed_s", (double)(st->end_us - st->t0_us) / 1e6);
	json_real(&j, "bootstraps_per_s", throughput(st));
	json_latency(&j, st);
	json_failures(&j, st);
	return json_end(&j);
}

static int report_text(const struct bench_options *opt, const struct bench_stats *st,
                       size_t stalled, struct buf *b)
{
	int rc = buf_printf(b,
	                    "server      %s, concurrency %u\n"
	                    "started     %lu, succeeded %lu, failed %lu, stalled %zu, in %.3f s\n"
	                    "throughput  %.1f bootstraps/s\n"
	                    "latency     p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n",
	                    opt->server_uri, opt->concurrency, st->started, st->succeeded,
	                    st->failed, stalled, (double)(st->end_us - st->t0_us) / 1e6,
	                    throughput(st), percentile(st, 50) / 1e3, percentile(st, 90) / 1e3,
	                    percentile(st, 99) / 1e3, percentile(st, 100) / 1e3);

	for (size_t i = 0; rc == 0 && i < st->n_reasons; i++)
		rc = buf_printf(b, "failure     %lu x %s\n", st->reasons[i].n, st->reasons[i].text);
	if (rc == 0 && st->other_reasons)
		rc = buf_printf(b, "failure     %lu x other reasons\n", st->other_reasons);
	return rc;
}

int bench_report(const struct bench_options *opt, struct bench_stats *st, size_t stalled, FILE *out)
{
	struct buf b = BUF_INIT;
	int rc;

	if (st->n_lat > 1)
		qsort(st->lat_us, st->n_lat, sizeof(st->lat_us[0]), cmp_u32);
	rc = opt->json ? report_json(opt, st, stalled, &b) : report_text(opt, st, stalled, &b);
	if (rc == 0 && (fwrite(b.data, 1, b.len, out) != b.len || fflush(out) != 0))
		rc = -EIO;
	buf_free(&b);
	return rc;
}

void bench_stats_free(struct bench_stats *st)
{
	free(st->lat_us);
	st->lat_us = NULL;
}
