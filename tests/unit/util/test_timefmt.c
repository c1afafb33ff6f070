#include <check.h>
#include <string.h>

#include "util/timefmt.h"

START_TEST(formats_utc_with_milliseconds)
{
	char t[TIMEFMT_UTC_MS_LEN];

	ck_assert_uint_eq(timefmt_utc_ms(t, 0), 24);
	ck_assert_str_eq(t, "1970-01-01T00:00:00.000Z");
	ck_assert_uint_eq(timefmt_utc_ms(t, 1795347296789), 24);
	ck_assert_str_eq(t, "2026-11-22T11:34:56.789Z");
	/* Same second (the cached date and time), other milliseconds. */
	timefmt_utc_ms(t, 1795347296005);
	ck_assert_str_eq(t, "2026-11-22T11:34:56.005Z");
	/* The next second, across midnight and a year. */
	timefmt_utc_ms(t, 1798761599999);
	ck_assert_str_eq(t, "2026-12-31T23:59:59.999Z");
	timefmt_utc_ms(t, 1798761600000);
	ck_assert_str_eq(t, "2027-01-01T00:00:00.000Z");
	/* Before the epoch: clamped, not garbage. */
	timefmt_utc_ms(t, -1);
	ck_assert_str_eq(t, "1970-01-01T00:00:00.000Z");
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("timefmt");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, formats_utc_with_milliseconds);
	suite_add_tcase(s, tc);
	return s;
}
