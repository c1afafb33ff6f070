#include "util/timefmt.h"

#include <string.h>
#include <time.h>

size_t timefmt_utc_ms(char buf[TIMEFMT_UTC_MS_LEN], int64_t unix_ms)
{
	static int64_t cached_sec = -1;
	static char cached[20]; /* "2026-11-22T10:00:00" */
	int64_t sec, ms;

	if (unix_ms < 0)
		unix_ms = 0;
	sec = unix_ms / 1000;
	ms = unix_ms % 1000;

	if (sec != cached_sec) {
		time_t t = (time_t)sec;
		struct tm tm;

		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm) != 19)
			memcpy(cached, "1970-01-01T00:00:00", sizeof(cached));
		cached_sec = sec;
	}
	memcpy(buf, cached, 19);
	buf[19] = '.';
	buf[20] = (char)('0' + ms / 100);
	buf[21] = (char)('0' + ms / 10 % 10);
	buf[22] = (char)('0' + ms % 10);
	buf[23] = 'Z';
	buf[24] = '\0';
	return 24;
}
