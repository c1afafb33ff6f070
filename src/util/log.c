#include "util/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level max_level = LOG_LVL_INFO;
static const char *log_ident = "lwbs";

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void log_set_level(enum log_level lvl)
{
	max_level = lvl;
}

int log_level_parse(const char *s, enum log_level *out)
{
	for (unsigned i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
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

static void log_vemit(enum log_level lvl, const char *fmt, va_list ap)
{
	char ts[32];
	struct timespec now;
	struct tm tm;

	if (lvl > max_level)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	/* One fprintf per line keeps lines whole when several workers share stderr. */
	char line[2048];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	fprintf(stderr, "%s.%03ldZ %s[%s]: %s\n", ts, now.tv_nsec / 1000000, log_ident,
		level_names[lvl], line);
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
