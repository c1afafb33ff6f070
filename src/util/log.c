#include "util/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/linebuf.h"

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

/* "2026-11-22T10:00:00" of the current second, formatted once per second. */
static const char *stamp(time_t sec)
{
	static time_t stamp_sec = -1;
	static char s[32];
	struct tm tm;

	if (sec != stamp_sec) {
		gmtime_r(&sec, &tm);
		strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
		stamp_sec = sec;
	}
	return s;
}

static void log_vemit(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[2048 + 96];
	struct timespec now;
	int n, m;

	if (lvl > max_level)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	n = snprintf(line, sizeof(line), "%s.%03ldZ %s[%s]: ", stamp(now.tv_sec),
		     now.tv_nsec / 1000000, log_ident, level_names[lvl]);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		return;
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
