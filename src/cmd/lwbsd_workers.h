/*
 * lwbsd's workers (lwbsd.workers in the policy, policies/README.md): the
 * parent forks N processes after loading the policy; each binds the same
 * ports with SO_REUSEPORT (net/reuseport.h) and runs its own libcoap
 * context and event loop. The parent only supervises:
 *
 * - SIGHUP is forwarded to every worker; each reloads the policy itself and
 *   reports the outcome through a pipe. The parent logs "policy V in force"
 *   once every worker runs V, or "reload failed" if one could not. SIGHUPs
 *   while the workers reload start one more round after it.
 * - SIGTERM/SIGINT are forwarded; the parent waits for every worker (SIGKILL
 *   after 5 s) and exits 0 only if each exited 0.
 * - A worker that dies stops the others: lwbsd exits 1 (startup errors such
 *   as a busy port end up here).
 * - Workers die with the parent (PR_SET_PDEATHSIG): no orphans.
 * - "started" is logged by the parent once every worker has bound its
 *   sockets, so that no client's datagrams move to a late worker mid-session.
 */
#ifndef LWBS_CMD_LWBSD_WORKERS_H
#define LWBS_CMD_LWBSD_WORKERS_H

#include <stdbool.h>

#include "net/server.h"

/* Workers when the policy leaves lwbsd.workers unset: the CPUs we may run on. */
unsigned workers_default(void);

/*
 * Fork n (>= 2) workers; sig is the struct the process's signal handlers
 * set. Returns 1 in a worker, which goes on to serve and report through
 * workers_report(); in the parent, returns 0 once every worker exited 0
 * after a stop, or -ECHILD (a worker failed) / -errno (fork or pipe failed,
 * logged) after stopping the others.
 */
int workers_run(unsigned n, struct net_signals *sig, const char *policy_version);

/* True in a worker process. */
bool workers_in_worker(void);

/*
 * In a worker: tell the parent that startup or a reload ended, ok or not,
 * with the policy version now in force. No-op outside a worker.
 */
void workers_report(bool ok, const char *policy_version);

#endif
