#include "cred/provision.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cred/cert.h"
#include "cred/files.h"
#include "audit/json.h"
#include "cred/mint.h"
#include "policy/policy.h"
#include "util/encoding.h"
#include "util/log.h"

extern char **environ;

/* What one target received; a session has at most TARGETS_MAX. */
struct slot {
	uint8_t identity[CRED_DER_MAX];
	size_t identity_len;
	uint8_t secret[CRED_KEY_MAX]; /* SECRET */
	size_t secret_len;
};

struct cred_provision {
	struct targets_provider prov;
	struct slot *slots; /* TARGETS_MAX, allocated on first use: most sessions need none */
	size_t used;
	char why[192];
};

int cred_derive_psk(const uint8_t *master, size_t master_len, const char *ep, uint8_t out[32])
{
	return cred_hkdf_sha256(master, master_len, (const uint8_t *)CRED_DERIVED_SALT,
	                        strlen(CRED_DERIVED_SALT), (const uint8_t *)ep, strlen(ep), out,
	                        32);
}

/* One JSON line for the export: what the server needs, never the device's private key. */
static int export_line(const struct policy_server *srv, const char *ep, const struct slot *s,
                       struct buf *out)
{
	static const char *const kinds[] = {"static", "generated-psk", "derived-psk",
	                                    "issued-certificate", "rpk"};
	struct buf b64 = BUF_INIT;
	char hex[2 * 64 + 1];
	struct json j;
	int rc;

	json_begin(&j, out);
	json_int(&j, "time", (int64_t)time(NULL));
	json_str(&j, "server", srv->id);
	json_str(&j, "endpoint", ep);
	json_str(&j, "kind", kinds[srv->credentials]);
	if (srv->credentials == POLICY_CREDS_GENERATED_PSK) {
		encoding_hex_encode(s->secret, s->secret_len, hex);
		json_strn(&j, "identity", (const char *)s->identity, s->identity_len);
		json_str(&j, "key_hex", hex);
		cred_wipe(hex, sizeof(hex));
	} else if (encoding_base64url_encode(s->identity, s->identity_len, &b64) == 0) {
		json_strn(&j,
		          srv->credentials == POLICY_CREDS_RPK ? "public_key_der_base64url"
		                                               : "certificate_der_base64url",
		          (const char *)b64.data, b64.len);
	}
	rc = json_end(&j);
	buf_free(&b64);
	return rc;
}

/* Append line to the server's export file with one write(): whole lines under O_APPEND. */
static int export_file(const char *path, const struct buf *line)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	ssize_t w;
	int rc = 0;

	if (fd < 0)
		return -errno;
	w = write(fd, line->data, line->len);
	if (w < 0 || (size_t)w != line->len)
		rc = w < 0 ? -errno : -EIO;
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/*
 * Run the operator's command (/bin/sh -c) with line on stdin; exit 0 is
 * success. Blocks the loop for as long as the command runs: keep it quick.
 */
static int export_command(const char *cmd, const struct buf *line)
{
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	posix_spawn_file_actions_t fa;
	int fds[2], status = 0, rc;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	rc = -posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc < 0) {
		close(fds[1]);
		return rc;
	}
	signal(SIGPIPE, SIG_IGN); /* a command that exits early must not kill lwbsd */
	if (write(fds[1], line->data, line->len) != (ssize_t)line->len)
		rc = -EPIPE;
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		rc = -ECHILD;
	return rc;
}

static int provision_export(struct cred_provision *p, const struct policy_server *srv,
                            const char *ep, const struct slot *s)
{
	struct buf line = BUF_INIT;
	int rc = export_line(srv, ep, s, &line);

	if (rc == 0 && srv->export_file && (rc = export_file(srv->export_file, &line)) < 0)
		snprintf(p->why, sizeof(p->why), "credentials export to '%s' failed (%s)",
		         srv->export_file, strerror(-rc));
	else if (rc == 0 && srv->export_command &&
	         (rc = export_command(srv->export_command, &line)) < 0)
		snprintf(p->why, sizeof(p->why), "credentials command for server %s failed",
		         srv->id);
	else if (rc < 0)
		snprintf(p->why, sizeof(p->why), "out of memory exporting credentials");
	cred_wipe(line.data, line.cap);
	buf_free(&line);
	return rc;
}

static int mint_generated_psk(struct slot *s)
{
	uint8_t raw[16];
	struct buf id = BUF_INIT;
	int rc = cred_random(raw, sizeof(raw));

	if (rc == 0)
		rc = encoding_base64url_encode(raw, sizeof(raw), &id);
	if (rc == 0)
		rc = cred_random(s->secret, 32);
	if (rc == 0) {
		memcpy(s->identity, id.data, id.len);
		s->identity_len = id.len;
		s->secret_len = 32;
	}
	buf_free(&id);
	return rc;
}

static int mint_derived_psk(const struct policy_server *srv, const char *ep, struct slot *s)
{
	size_t n = strlen(ep);

	if (n > sizeof(s->identity) ||
	    cred_derive_psk(srv->master_secret, srv->master_secret_len, ep, s->secret) < 0)
		return -EINVAL;
	memcpy(s->identity, ep, n);
	s->identity_len = n;
	s->secret_len = 32;
	return 0;
}

/* A key pair, and a certificate from the server's issuer when cert. */
static int mint_keyed(const struct policy_server *srv, const char *ep, bool cert, struct slot *s)
{
	uint8_t ca[CRED_DER_MAX], ca_key[CRED_KEY_MAX];
	size_t ca_len = 0, ca_key_len = 0;
	struct buf c = BUF_INIT, k = BUF_INIT;
	struct cred_issued *is = calloc(1, sizeof(*is));
	int rc = is ? 0 : -ENOMEM;

	if (rc == 0 && cert) {
		rc = cred_read_file(srv->issuer_cert, &c);
		if (rc == 0)
			rc = cred_read_file(srv->issuer_key, &k);
		if (rc == 0 &&
		    (cred_from_pem(c.data, c.len, false, ca, sizeof(ca), &ca_len) < 0 ||
		     cred_from_pem(k.data, k.len, true, ca_key, sizeof(ca_key), &ca_key_len) < 0))
			rc = -EINVAL;
		if (rc == 0)
			rc = cred_issue(ca, ca_len, ca_key, ca_key_len, ep, 825, is);
	} else if (rc == 0) {
		rc = cred_keypair(is);
	}
	if (rc == 0) {
		const uint8_t *id = cert ? is->cert : is->pub;
		s->identity_len = cert ? is->cert_len : is->pub_len;
		memcpy(s->identity, id, s->identity_len);
		memcpy(s->secret, is->key, is->key_len);
		s->secret_len = is->key_len;
	}
	cred_wipe(ca_key, sizeof(ca_key));
	cred_wipe(k.data, k.cap);
	if (is)
		cred_wipe(is, sizeof(*is));
	free(is);
	buf_free(&c);
	buf_free(&k);
	return rc;
}

static int provision_mint(const struct policy_server *srv, const char *ep, struct slot *s)
{
	switch (srv->credentials) {
	case POLICY_CREDS_GENERATED_PSK:
		return mint_generated_psk(s);
	case POLICY_CREDS_DERIVED_PSK:
		return mint_derived_psk(srv, ep, s);
	case POLICY_CREDS_ISSUED_CERT:
		return mint_keyed(srv, ep, true, s);
	case POLICY_CREDS_RPK:
		return mint_keyed(srv, ep, false, s);
	case POLICY_CREDS_STATIC:
		break;
	}
	return -EINVAL;
}

static int provision_provide(void *arg, const struct policy_server *srv, const char *ep,
                             struct plan_creds *out, const char **reason)
{
	struct cred_provision *p = arg;
	struct slot *s;
	int rc;

	*reason = p->why;
	if (p->slots == NULL && (p->slots = calloc(TARGETS_MAX, sizeof(*p->slots))) == NULL) {
		snprintf(p->why, sizeof(p->why), "out of memory making credentials");
		return -ENOMEM;
	}
	if (p->used == TARGETS_MAX || ep[0] == '\0') {
		snprintf(p->why, sizeof(p->why), "cannot make credentials for server %s", srv->id);
		return -EINVAL;
	}
	s = &p->slots[p->used];
	rc = provision_mint(srv, ep, s);
	if (rc < 0) {
		snprintf(p->why, sizeof(p->why),
		         "cannot make credentials for server %s (%s): "
		         "check its issuer and master secret",
		         srv->id, strerror(-rc));
		return rc;
	}
	/* Export first: the device must never hold what its server does not know. */
	if (srv->credentials != POLICY_CREDS_DERIVED_PSK &&
	    (rc = provision_export(p, srv, ep, s)) < 0) {
		cred_wipe(s, sizeof(*s));
		return rc;
	}
	p->used++;
	out->identity = s->identity;
	out->identity_len = s->identity_len;
	out->secret = s->secret;
	out->secret_len = s->secret_len;
	log_info("cred: made %s credentials of '%s' for server %s",
	         srv->credentials == POLICY_CREDS_DERIVED_PSK ? "derived" : "exported", ep,
	         srv->id);
	return 0;
}

int cred_provision_new(struct cred_provision **out, const struct targets_provider **prov)
{
	struct cred_provision *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return -ENOMEM;
	p->prov.provide = provision_provide;
	p->prov.arg = p;
	*out = p;
	*prov = &p->prov;
	return 0;
}

void cred_provision_free(struct cred_provision *p)
{
	if (p == NULL)
		return;
	if (p->slots != NULL)
		cred_wipe(p->slots, TARGETS_MAX * sizeof(*p->slots));
	free(p->slots);
	cred_wipe(p, sizeof(*p));
	free(p);
}
