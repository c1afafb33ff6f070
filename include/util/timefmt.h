/* UTC timestamps as lwbsd writes them in logs and audit records. */
#ifndef LWBS_UTIL_TIMEFMT_H
#define LWBS_UTIL_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* "2026-11-22T10:00:00.123Z" and a NUL. */
#define TIMEFMT_UTC_MS_LEN 25

/*
 * Write unix_ms (milliseconds since the epoch, >= 0) as ISO 8601 UTC with
 * milliseconds, and a NUL. Returns the text length (24). The date and time
 * of the last second asked for are kept, so a log line or an audit record
 * in the same second costs no gmtime_r()/strftime() (one cache per process;
 * not for use from several threads).
 */
size_t timefmt_utc_ms(char buf[TIMEFMT_UTC_MS_LEN], int64_t unix_ms);

#endif
