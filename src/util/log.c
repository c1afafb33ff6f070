#include "util/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/linebuf.h"
#include "util/strjoin.h"
#include "util/timefmt.h"

static enum log_level max_level = LOG_LVL_INFO;
static const char *log_ident = "lwbs";
static bool batched;
static struct linebuf out = {.fd = STDERR_FILENO};

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void log_set_level(enum log_level lvl)
{
	max_level = lvl;
}

int log_level_parse(const char *s, enum log_level *out_lvl)
{
	for (unsigned i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out_lvl = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

void log_set_ident(const char *ident)
{
	log_ident = ident;
}

int log_debug_enabled(void)
{
	return max_level >= LOG_LVL_DEBUG;
}

void log_flush(void)
{
	(void)linebuf_flush(&out);
}

void log_set_batched(bool on)
{
	static bool at_exit;

	if (on && !at_exit)
		at_exit = atexit(log_flush) == 0;
	batched = on;
	if (!on)
		log_flush();
}

/* The longest prefix kept; a longer ident is cut. */
#define LOG_PREFIX_MAX 96

/* "2026-11-22T10:00:00.123Z ident[level]: ", at most cap - 1 bytes (not printf'd:
 * two lines per bootstrap). */
static int prefix(char *line, size_t cap, enum log_level lvl)
{
	struct timespec now;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &now);
	n = timefmt_utc_ms(line, (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
	n += str_join(line + n, cap - n, " ", log_ident, "[", level_names[lvl], "]: ", NULL);
	return (int)n;
}

static void log_vemit(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[2048 + LOG_PREFIX_MAX];
	int n, m;

	if (lvl > max_level)
		return;
	n = prefix(line, LOG_PREFIX_MAX, lvl);
	/* A message longer than the line is cut; the line still ends. */
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	n = (size_t)m < sizeof(line) - (size_t)n - 1 ? n + m : (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)linebuf_put(&out, line, (size_t)n);
	/* Warnings and errors go out at once, after what was queued before them. */
	if (!batched || lvl <= LOG_LVL_WARN)
		log_flush();
}

#define LOG_FN(name, lvl)                                                                          \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		log_vemit(lvl, fmt, ap);                                                           \
		va_end(ap);                                                                        \
	}

LOG_FN(log_err, LOG_LVL_ERR)
LOG_FN(log_warn, LOG_LVL_WARN)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)
