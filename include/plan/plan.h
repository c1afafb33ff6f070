/*
 * Bootstrap planning: from a device's policy entry and what the client told
 * us (its Bootstrap-Request and Bootstrap-Discover answer), the ordered list
 * of commands to send (Core TS 1.2 §5.2.7, §6.1.7). Pure: no I/O, no clock.
 */
#ifndef LWBS_PLAN_PLAN_H
#define LWBS_PLAN_PLAN_H

#include "lwm2m/linkformat.h"
#include "lwm2m/model.h"
#include "util/buf.h"

struct policy_server;
struct policy_settings;

/*
 * What the device receives for one server in its Security instance. NULL
 * pointers write empty Opaque values. Not owned; the secret may be a key.
 */
struct plan_creds {
	const uint8_t *identity;   /* /0/x/3: PSK identity, own certificate or public key (DER) */
	size_t identity_len;
	const uint8_t *server_key; /* /0/x/4, or NULL for the server's public key in the policy */
	size_t server_key_len;
	const uint8_t *secret;     /* /0/x/5: PSK key or private key (DER). SECRET */
	size_t secret_len;
};

/* One LwM2M server the device is sent to, with its credentials for it. */
struct plan_target {
	const struct policy_server *server;
	struct plan_creds creds;
};

enum plan_op {
	PLAN_DISCOVER, /* GET /, Accept: link-format */
	PLAN_DELETE,   /* DELETE path */
	PLAN_WRITE,    /* PUT path with payload */
	PLAN_FINISH,   /* POST /bs */
};

struct plan_cmd {
	enum plan_op op;
	struct lwm2m_path path;
	enum lwm2m_format format; /* PLAN_WRITE only */
	struct buf payload;       /* PLAN_WRITE only; owned; may hold key material */
	const char *server_id;    /* PLAN_WRITE: the server this instance is for; not owned */
};

struct plan {
	struct plan_cmd *cmds; /* owned */
	size_t n;
	enum lwm2m_format format;    /* format of the writes */
	enum lwm2m_version version;  /* client version the plan assumes */
};

struct plan_input {
	const struct policy_settings *settings;
	const struct plan_target *targets; /* in provisioning order; not owned */
	size_t n_targets;
	const char *endpoint;
	uint16_t pct;                          /* preferred content format from ?pct=, 0 if none */
	const struct discover_result *discover; /* NULL when Discover was skipped or failed */
};

/*
 * The format writes use (Core TS 1.2 §6.1.7.2 / §7.1): the settings' forced
 * format if any; else pct when it names SenML CBOR, SenML JSON or LwM2M CBOR
 * and the client is 1.1 or newer (1.2 for LwM2M CBOR); else TLV, which every
 * client of every version reads.
 */
enum lwm2m_format plan_choose_format(const struct policy_settings *settings,
				     enum lwm2m_version version, uint16_t pct);

/*
 * Build the commands after Discover (or without it): the settings' Deletes
 * (skipping, when Discover ran, those that cover none of the client's
 * instances but its bootstrap account), then one
 * Security (/0) and one Server (/1) Write per target server (and, with
 * several servers, one Access Control (/2) Write granting each server its
 * own /1 instance) on instance IDs
 * the client does not use and never on its bootstrap account, then Finish.
 * Returns 0, -EINVAL when there is no target or the policy lacks
 * something a write needs, -ENOSPC when the client has no free instance ID,
 * -ENOMEM. On failure out is untouched.
 */
int plan_build(const struct plan_input *in, struct plan *out);

/* Release the commands, wiping payloads (they may carry keys). NULL-safe. */
void plan_free(struct plan *p);

/* "discover", "delete", "write", "finish". */
const char *plan_op_name(enum plan_op op);

#endif
