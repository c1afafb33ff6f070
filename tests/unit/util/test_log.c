#include <check.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

static int rd = -1; /* read end of the pipe that replaced stderr */

/* Each test runs in its own process (CK_FORK): stderr becomes a pipe. */
static void setup(void)
{
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(dup2(fds[1], STDERR_FILENO), STDERR_FILENO);
	close(fds[1]);
	rd = fds[0];
	log_set_ident("t");
}

/* What was written to stderr so far, NUL-terminated. */
static const char *written(void)
{
	static char buf[8192];
	ssize_t n = read(rd, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

START_TEST(unbatched_line_goes_out_at_once)
{
	const char *w;

	log_info("session: '%s' admitted (%d)", "dev-1", 7);
	w = written();
	/* 2026-11-22T10:00:00.123Z t[info]: ... */
	ck_assert_uint_eq(strlen(w), 24 + strlen(" t[info]: session: 'dev-1' admitted (7)\n"));
	ck_assert_int_eq(w[10], 'T');
	ck_assert_int_eq(w[23], 'Z');
	ck_assert_str_eq(w + 24, " t[info]: session: 'dev-1' admitted (7)\n");
}
END_TEST

START_TEST(batched_info_waits_for_flush)
{
	log_set_batched(true);
	log_info("one");
	log_debug("hidden at the default level");
	log_info("two");
	ck_assert_str_eq(written(), "");
	log_flush();
	ck_assert_ptr_nonnull(strstr(written(), "t[info]: one\n"));
	log_info("three");
	log_set_batched(false); /* flushes */
	ck_assert_ptr_nonnull(strstr(written(), "t[info]: three\n"));
}
END_TEST

START_TEST(warning_flushes_queue_in_order)
{
	const char *w, *a, *b;

	log_set_batched(true);
	log_info("queued first");
	log_warn("then the warning");
	w = written();
	a = strstr(w, "t[info]: queued first\n");
	b = strstr(w, "t[warning]: then the warning\n");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(a < b);
	log_set_batched(false);
}
END_TEST

START_TEST(long_message_cut_line_still_ends)
{
	static char big[5000];
	const char *w;

	memset(big, 'm', sizeof(big) - 1);
	log_err("%s", big);
	w = written();
	ck_assert_uint_gt(strlen(w), 2000);
	ck_assert_uint_lt(strlen(w), sizeof(big));
	ck_assert_int_eq(w[strlen(w) - 1], '\n');
	ck_assert_ptr_eq(strchr(w, '\n'), w + strlen(w) - 1); /* one line */
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, unbatched_line_goes_out_at_once);
	tcase_add_test(tc, batched_info_waits_for_flush);
	tcase_add_test(tc, warning_flushes_queue_in_order);
	tcase_add_test(tc, long_message_cut_line_still_ends);
	suite_add_tcase(s, tc);
	return s;
}
