/*
 * lwbsd's worker processes and their supervisor (lwbsd_workers.h). The
 * parent keeps signals blocked except inside ppoll(), so a signal is
 * never lost between checking the flags and waiting.
 */
#include "lwbsd_workers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lwbs_config.h"
#include "net/reuseport.h"
#include "util/log.h"

#define MAX_WORKERS 256
#define STOP_GRACE_MS 5000

/* One worker's report: 32 bytes, so one write(2) to a pipe is atomic. */
struct report {
	char ok;
	char version[31];
};

struct pool {
	pid_t pid[MAX_WORKERS]; /* 0: exited and reaped */
	unsigned n, live;
	unsigned awaited; /* reports still to come for startup or the reload under way */
	unsigned failed;  /* failed reports among them */
	bool started;
	bool again; /* SIGHUP during a round: start one more when it ends */
	char version[sizeof(((struct report *)0)->version)];
};

static int report_fd = -1; /* a worker's write end of the report pipe */
static volatile sig_atomic_t child_exited;

unsigned workers_default(void)
{
	cpu_set_t set;
	long n;

	/* Honour taskset/cgroup pinning: the CPUs we may run on, not all there are. */
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

bool workers_in_worker(void)
{
	return report_fd >= 0;
}

void workers_report(bool ok, const char *policy_version)
{
	struct report r = {.ok = ok};

	if (report_fd < 0)
		return;
	snprintf(r.version, sizeof(r.version), "%s", policy_version);
	if (write(report_fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		log_warn("lwbsd: cannot report to the parent process (%s)", strerror(errno));
}

static void on_child(int sig)
{
	(void)sig;
	child_exited = 1;
}

/* In the child right after fork(): returns 1 so that it goes on to serve. */
static int become_worker(int fds[2], const sigset_t *old, pid_t parent)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	close(fds[0]);
	report_fd = fds[1];
	/* A parent killed outright must not leave workers holding the ports. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
		_exit(1);
	sigprocmask(SIG_SETMASK, old, NULL);
	return 1;
}

static void forward(const struct pool *p, int sig)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->pid[i] > 0)
			kill(p->pid[i], sig);
}

/* Reap exited workers without waiting; returns how many, *bad those that failed. */
static unsigned reap(struct pool *p, unsigned *bad)
{
	unsigned n = 0;
	pid_t pid;
	int st;

	child_exited = 0;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (unsigned i = 0; i < p->n; i++) {
			if (p->pid[i] != pid)
				continue;
			p->pid[i] = 0;
			p->live--;
			n++;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				(*bad)++;
		}
	}
	return n;
}

/* All reports of a round are in: say what is in force now. */
static void round_done(struct pool *p)
{
	if (!p->started) {
		p->started = true;
		log_info("lwbsd: %s started, policy %s, %u workers", LWBS_VERSION, p->version,
		         p->n);
	} else if (p->failed > 0) {
		log_err("lwbsd: reload failed in %u of %u workers; see their messages above",
		        p->failed, p->live);
	} else {
		log_info("lwbsd: policy %s in force in %u workers", p->version, p->live);
	}
	p->failed = 0;
}

/*
 * A reload round: every worker gets one SIGHUP and answers with one report.
 * Never two SIGHUPs to a worker that has not answered the first: the
 * kernel would merge them, and the round would wait for a report that
 * never comes. Signals during a round start one more after it.
 */
static void round_start(struct pool *p)
{
	if (p->awaited > 0) {
		if (!p->again)
			log_info("lwbsd: SIGHUP: the workers are still reloading; reloading again after it");
		p->again = true;
		return;
	}
	p->awaited = p->live;
	forward(p, SIGHUP);
}

static void read_report(struct pool *p, int fd)
{
	struct report r;

	if (read(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		return;
	r.version[sizeof(r.version) - 1] = '\0';
	memcpy(p->version, r.version, sizeof(p->version));
	p->failed += r.ok ? 0 : 1;
	if (p->awaited == 0 || --p->awaited > 0)
		return;
	round_done(p);
	if (p->again) {
		p->again = false;
		round_start(p);
	}
}

/* Until a stop signal (0) or a worker's death (-ECHILD). */
static int supervise(struct pool *p, struct net_signals *sig, int rd, const sigset_t *old)
{
	struct pollfd pfd = {.fd = rd, .events = POLLIN};
	unsigned bad = 0;

	for (;;) {
		pfd.revents = 0;
		if (ppoll(&pfd, 1, NULL, old) < 0 && errno != EINTR)
			return -errno;
		if (sig->stop)
			return 0;
		if (child_exited && reap(p, &bad) > 0) {
			log_err("lwbsd: a worker process exited; stopping the others");
			return -ECHILD;
		}
		if (sig->reload) {
			sig->reload = 0;
			round_start(p);
		}
		if (pfd.revents & POLLIN)
			read_report(p, rd);
		else if (pfd.revents & (POLLHUP | POLLERR))
			pfd.fd = -1; /* every worker is gone; SIGCHLD tells the rest */
	}
}

/* SIGTERM every worker, wait STOP_GRACE_MS, then SIGKILL. Returns 0 or -ECHILD. */
static int stop_all(struct pool *p)
{
	struct timespec tick = {0, 10 * 1000000L};
	unsigned bad = 0;

	forward(p, SIGTERM);
	for (int ms = 0; p->live > 0 && ms < STOP_GRACE_MS; ms += 10) {
		reap(p, &bad);
		if (p->live > 0)
			nanosleep(&tick, NULL);
	}
	if (p->live > 0) {
		log_err("lwbsd: %u workers did not stop within %d ms; killing them", p->live,
		        STOP_GRACE_MS);
		forward(p, SIGKILL);
		while (p->live > 0 && waitpid(-1, NULL, 0) > 0)
			reap(p, &bad);
		bad++;
	}
	return bad ? -ECHILD : 0;
}

static void catch_children(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
}

static int spawn(struct pool *p, unsigned n, int fds[2], const sigset_t *old)
{
	pid_t parent = getpid();

	for (unsigned i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			return become_worker(fds, old, parent);
		if (pid < 0) {
			log_err("lwbsd: cannot start worker %u (%s)", i + 1, strerror(errno));
			return -errno;
		}
		p->pid[p->n++] = pid;
		p->live++;
	}
	return 0;
}

int workers_run(unsigned n, struct net_signals *sig, const char *policy_version)
{
	struct pool p = {.n = 0};
	sigset_t block, old;
	int fds[2], rc, stop_rc;

	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		log_err("lwbsd: cannot create the workers' pipe (%s)", strerror(errno));
		return -errno;
	}
	snprintf(p.version, sizeof(p.version), "%s", policy_version);
	net_reuseport_enable();
	catch_children();
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	rc = spawn(&p, n, fds, &old);
	if (rc == 1)
		return 1;
	close(fds[1]);
	p.awaited = p.n;
	if (rc == 0)
		rc = supervise(&p, sig, fds[0], &old);
	stop_rc = stop_all(&p);
	close(fds[0]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc == 0 && stop_rc < 0)
		log_err("lwbsd: a worker did not stop cleanly");
	return rc < 0 ? rc : stop_rc;
}
