#include <check.h>
#include <signal.h>
#include <stdbool.h>

#include "util/thread.h"

/* The mask the helper thread runs with, as it sees it. */
static void *read_mask(void *arg)
{
	pthread_sigmask(SIG_SETMASK, NULL, arg);
	return NULL;
}

START_TEST(helper_blocks_every_signal_caller_keeps_its_mask)
{
	sigset_t before, after, in_thread;
	pthread_t t;

	/* The caller waits for SIGHUP and SIGTERM: they are not blocked here. */
	sigemptyset(&before);
	sigaddset(&before, SIGUSR1);
	pthread_sigmask(SIG_SETMASK, &before, NULL);
	sigemptyset(&in_thread);
	ck_assert_int_eq(thread_start(&t, read_mask, &in_thread), 0);
	pthread_join(t, NULL);
	/* Every signal but those that cannot be blocked, and the two below SIGRTMIN glibc keeps. */
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP || (sig >= 32 && sig < SIGRTMIN))
			continue;
		ck_assert_msg(sigismember(&in_thread, sig) == 1, "signal %d not blocked", sig);
	}
	pthread_sigmask(SIG_SETMASK, NULL, &after);
	ck_assert_int_eq(sigismember(&after, SIGUSR1), 1);
	ck_assert_int_eq(sigismember(&after, SIGHUP), 0);
	ck_assert_int_eq(sigismember(&after, SIGTERM), 0);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("thread");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, helper_blocks_every_signal_caller_keeps_its_mask);
	suite_add_tcase(s, tc);
	return s;
}
