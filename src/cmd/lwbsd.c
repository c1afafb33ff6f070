/*
 * lwbsd: the LwM2M bootstrap server daemon. main() only wires things
 * together: options, policy, network, signals.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "lwbs_config.h"
#include "lwbsd_reload.h"
#include "lwbsd_workers.h"
#include "net/server.h"
#include "policy/policy_routes.h"
#include "util/log.h"

struct options {
	const char *policy;
	const char *cert, *key, *ca;
	const char *listen[16];
	size_t n_listen;
	bool check_only;
};

struct daemon {
	struct options opt;
	struct net_server *srv;
	/* Our reference to the policy in force; net and each session hold their own. */
	struct policy *pol;
	struct reload reload;
	bool reload_again; /* SIGHUP while loading: load once more after it */
};

/* How often the loop looks whether a reload has finished. */
#define RELOAD_POLL_MS 20

static struct net_signals signals;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		signals.reload = 1;
	else
		signals.stop = 1;
}

static void usage(FILE *fp)
{
	fprintf(fp, "usage: lwbsd [-n] [-d] [-c policy] [-a address]... [-C cert -K key [-A ca]]\n"
		    "  -c PATH    policy directory or file (default %s/policies)\n"
		    "  -n         check the policy, print 'configuration OK' or every problem, exit\n"
		    "  -a ADDR    listen on ADDR instead of the policy's lwbsd.listen (repeatable)\n"
		    "  -C FILE    server certificate (PEM) for certificate-mode DTLS clients\n"
		    "             (overrides lwbsd.certificate)\n"
		    "  -K FILE    its private key (PEM) (overrides lwbsd.key)\n"
		    "  -A PATH    CA certificates (PEM file or directory) trusted for client\n"
		    "             certificates (overrides lwbsd.ca, default certs/)\n"
		    "  -d         debug logging (never includes keys)\n"
		    "  -V         print the version\n",
		LWBS_SYSCONFDIR);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	int ch;

	o->policy = LWBS_SYSCONFDIR "/policies";
	while ((ch = getopt(argc, argv, "c:na:C:K:A:dVh")) != -1) {
		switch (ch) {
		case 'c': o->policy = optarg; break;
		case 'n': o->check_only = true; break;
		case 'a':
			if (o->n_listen == sizeof(o->listen) / sizeof(o->listen[0]))
				return -E2BIG;
			o->listen[o->n_listen++] = optarg;
			break;
		case 'C': o->cert = optarg; break;
		case 'K': o->key = optarg; break;
		case 'A': o->ca = optarg; break;
		case 'd': log_set_level(LOG_LVL_DEBUG); break;
		case 'V': printf("lwbsd %s\n", LWBS_VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default: return -EINVAL;
		}
	}
	if (optind != argc || (o->cert == NULL) != (o->key == NULL))
		return -EINVAL;
	return 0;
}

/* Load and validate the policy, printing every problem. */
static int load_policy(const char *path, struct policy **out)
{
	struct conf_diags diags = CONF_DIAGS_INIT;
	int rc = conf_load(path, out, &diags);

	conf_diags_print(&diags, stderr);
	conf_diags_free(&diags);
	return rc;
}

/* Say that the reload failed; the policy in force stays. */
static void reload_failed(struct daemon *d)
{
	log_err("lwbsd: reload failed; the running policy %s stays in force",
		policy_version(d->pol));
	workers_report(false, policy_version(d->pol));
}

/* SIGHUP: start loading the policy again; the loop serves on meanwhile. */
static void reload_begin(struct daemon *d)
{
	int rc;

	if (reload_running(&d->reload)) {
		d->reload_again = true;
		log_info("lwbsd: SIGHUP: a reload is under way; loading '%s' again after it",
			 d->opt.policy);
		return;
	}
	log_info("lwbsd: SIGHUP: reloading policy '%s'", d->opt.policy);
	rc = reload_start(&d->reload, d->opt.policy);
	if (rc < 0) {
		log_err("lwbsd: cannot start the reload (%s)", strerror(-rc));
		reload_failed(d);
	}
}

/* A load has finished: put pol (NULL: it had errors) in force. */
static void reload_end(struct daemon *d, struct policy *pol)
{
	if (pol == NULL) {
		reload_failed(d);
	} else {
		/* Sessions in flight hold references; the old policy goes with the last of them. */
		net_server_set_policy(d->srv, pol);
		policy_unref(d->pol);
		d->pol = pol;
		/* With workers, the parent says "in force" once every worker runs it. */
		if (workers_in_worker())
			workers_report(true, policy_version(pol));
		else
			log_info("lwbsd: policy %s in force", policy_version(pol));
	}
	if (d->reload_again) {
		d->reload_again = false;
		reload_begin(d);
	}
}

/* Between turns of the loop: SIGHUP, and a reload that has finished. */
static int tick(void *arg)
{
	struct daemon *d = arg;
	struct policy *pol;

	if (signals.reload) {
		signals.reload = 0;
		reload_begin(d);
	}
	if (reload_finished(&d->reload, &pol))
		reload_end(d, pol);
	return reload_running(&d->reload) ? RELOAD_POLL_MS : -1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: the loop's wait must return EINTR at once. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int serve(struct daemon *d)
{
	const struct policy_settings *st = policy_settings(d->pol);
	struct net_config cfg = {
		.listen = d->opt.n_listen ? d->opt.listen : st->listen,
		.n_listen = d->opt.n_listen ? d->opt.n_listen : st->n_listen,
		.coap_port = st->coap_port,
		.coaps_port = st->coaps_port,
		/* The flags override the policy's `lwbsd: {certificate, key, ca}`. */
		.cert_file = d->opt.cert ? d->opt.cert : st->cert_file,
		.key_file = d->opt.cert ? d->opt.key : st->key_file,
		.ca_file = d->opt.ca ? d->opt.ca : st->ca_path,
		.coaps_rpk_port = st->coaps_rpk_port,
		.rpk_key_file = st->rpk_key,
	};
	int rc = net_server_new(&cfg, d->pol, &d->srv);

	if (rc < 0)
		return rc;
	if (workers_in_worker())
		workers_report(true, policy_version(d->pol)); /* the parent says "started" */
	else
		log_info("lwbsd: %s started, policy %s", LWBS_VERSION, policy_version(d->pol));
	log_set_batched(true); /* the loop writes each turn's lines together */
	rc = net_server_run(d->srv, &signals, tick, d);
	reload_cancel(&d->reload); /* stopped while loading: wait for it, drop what it loaded */
	log_set_batched(false);
	log_info("lwbsd: stopping");
	return rc;
}

/* Returns 1 to serve in this process (one worker, or in a worker), else the parent's result. */
static int start_workers(struct daemon *d)
{
	unsigned n = policy_settings(d->pol)->workers;

	if (n == 0)
		n = workers_default();
	if (n <= 1)
		return 1;
	return workers_run(n, &signals, policy_version(d->pol));
}

int main(int argc, char **argv)
{
	struct daemon d;
	int rc;

	memset(&d, 0, sizeof(d));
	log_set_ident("lwbsd");
	if (parse_options(argc, argv, &d.opt) < 0) {
		usage(stderr);
		return 2;
	}
	if (load_policy(d.opt.policy, &d.pol) < 0) {
		log_err("lwbsd: policy '%s' has errors; not starting", d.opt.policy);
		return 1;
	}
	if (d.opt.check_only) {
		printf("configuration OK\n");
		policy_free(d.pol);
		return 0;
	}
	install_signals();
	rc = start_workers(&d);
	if (rc == 1)
		rc = serve(&d);
	net_server_free(d.srv);
	policy_unref(d.pol);
	return rc < 0 ? 1 : 0;
}
