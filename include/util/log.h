/*
 * Logging to stderr (or syslog-style prefix-free lines for journald).
 *
 * Convention: "subsystem: what failed 'object' (reason)". Never pass a
 * secret (PSK, private key) to these functions, at any level.
 */
#ifndef LWBS_UTIL_LOG_H
#define LWBS_UTIL_LOG_H

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
/* True when debug lines would be printed (to skip costly formatting). */
int log_debug_enabled(void);

#endif
