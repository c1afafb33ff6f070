/*
 * What the parts of the load generator share: bench.c (slots, the loop,
 * the pacing) and bench_report.c (latencies, failure reasons, summary and
 * progress line).
 */
#ifndef LWBS_CLIENT_BENCH_INT_H
#define LWBS_CLIENT_BENCH_INT_H

#include "client/bench.h"
#include "sim_int.h"

#define BENCH_MAX_REASONS 32

/* Failures counted by their reason text; the rest go to `other`. */
struct bench_reason {
	char text[sizeof(((struct sim_client *)0)->reason)];
	unsigned long n;
};

struct bench_stats {
	unsigned long started, succeeded, failed;
	uint32_t *lat_us; /* latency of each success, first datagram to Finish */
	size_t n_lat, cap_lat;
	bool lat_lost; /* out of memory: percentiles cover fewer successes */
	struct bench_reason reasons[BENCH_MAX_REASONS];
	size_t n_reasons;
	unsigned long other_reasons;
	uint64_t t0_us, last_end_us, end_us; /* start, last success or failure, end */
};

/* Record one ended client (done or failed), latency lat_us. */
void bench_stats_note(struct bench_stats *st, const struct sim_client *c, uint64_t lat_us,
                      uint64_t now_us);

/* Print the progress line to stderr; in_flight/stalled as counted now. */
void bench_progress(const struct bench_stats *st, uint64_t now_us, size_t in_flight,
                    size_t stalled);

/* Print the summary (text or JSON, opt->json) to out. Returns 0 or -ENOMEM/-EIO. */
int bench_report(const struct bench_options *opt, struct bench_stats *st, size_t stalled,
                 FILE *out);

void bench_stats_free(struct bench_stats *st);

#endif
