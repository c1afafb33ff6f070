/*
 * Logging to stderr (or syslog-style prefix-free lines for journald).
 *
 * Convention: "subsystem: what failed 'object' (reason)". Never pass a
 * secret (PSK, private key) to these functions, at any level.
 */
#ifndef LWBS_UTIL_LOG_H
#define LWBS_UTIL_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Set the most verbose level that is printed (default LOG_LVL_INFO). */
void log_set_level(enum log_level lvl);
/* Parse "error", "warning", "info", "debug". Returns 0 or -EINVAL. */
int log_level_parse(const char *s, enum log_level *out);
/* Prefix every line with this program name (not owned; must outlive use). */
void log_set_ident(const char *ident);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Batched: info and debug lines are queued and written together by
 * log_flush() (the daemon's event loop calls it once per turn, and it runs
 * at exit); a warning or error flushes the queue and goes out at once.
 * Off by default: every line is written when it is logged.
 */
void log_set_batched(bool on);
/* Write the queued lines. */
void log_flush(void);
/* True when debug lines would be printed (to skip costly formatting). */
int log_debug_enabled(void);

#endif
