#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util/linebuf.h"

/*
 * Each test (its own process, CK_FORK) writes into a pipe whose read end
 * does not block: reading tells what was written.
 */
static struct linebuf lb;
static int fds[2];

static void setup(void)
{
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(fcntl(fds[1], F_SETPIPE_SZ, 1 << 20) >= 0, 1);
	linebuf_init(&lb, fds[1]);
}

static size_t drain(char *out, size_t cap)
{
	ssize_t n = read(fds[0], out, cap);
	return n < 0 ? 0 : (size_t)n;
}

START_TEST(lines_wait_for_flush)
{
	char got[64];

	ck_assert_int_eq(linebuf_put(&lb, "a 1\n", 4), 0);
	ck_assert_int_eq(linebuf_put(&lb, "b 2\n", 4), 0);
	ck_assert_int_eq(read(fds[0], got, sizeof(got)), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(linebuf_flush(&lb), 0);
	ck_assert_uint_eq(drain(got, sizeof(got)), 8);
	ck_assert_int_eq(memcmp(got, "a 1\nb 2\n", 8), 0);
	ck_assert_uint_eq(lb.len, 0);
}
END_TEST

/* A line that does not fit pushes out the queued ones first, all whole. */
START_TEST(full_buffer_flushes_whole_lines)
{
	static char line[1000], got[2 * LINEBUF_CAP];
	size_t per = sizeof(line), fit = LINEBUF_CAP / per, n;

	memset(line, 'x', per - 1);
	line[per - 1] = '\n';
	for (size_t i = 0; i < fit + 1; i++)
		ck_assert_int_eq(linebuf_put(&lb, line, per), 0);
	n = drain(got, sizeof(got));
	ck_assert_uint_eq(n, fit * per);
	ck_assert_int_eq(got[n - 1], '\n');
	ck_assert_uint_eq(lb.len, per);
}
END_TEST

START_TEST(oversized_line_written_at_once_in_order)
{
	static char big[LINEBUF_CAP + 10], got[2 * LINEBUF_CAP];

	memset(big, 'y', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	ck_assert_int_eq(linebuf_put(&lb, "first\n", 6), 0);
	ck_assert_int_eq(linebuf_put(&lb, big, sizeof(big)), 0);
	ck_assert_uint_eq(drain(got, sizeof(got)), 6 + sizeof(big));
	ck_assert_int_eq(memcmp(got, "first\n", 6), 0);
	ck_assert_int_eq(memcmp(got + 6, big, sizeof(big)), 0);
	ck_assert_uint_eq(lb.len, 0);
}
END_TEST

START_TEST(write_error_reported_and_queue_dropped)
{
	close(fds[1]); /* writes now fail with EBADF */
	ck_assert_int_eq(linebuf_put(&lb, "lost\n", 5), 0);
	ck_assert_int_eq(linebuf_flush(&lb), -EBADF);
	ck_assert_uint_eq(lb.len, 0);
	ck_assert_int_eq(linebuf_flush(&lb), 0); /* nothing left to fail */
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("linebuf");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, lines_wait_for_flush);
	tcase_add_test(tc, full_buffer_flushes_whole_lines);
	tcase_add_test(tc, oversized_line_written_at_once_in_order);
	tcase_add_test(tc, write_error_reported_and_queue_dropped);
	suite_add_tcase(s, tc);
	return s;
}
