/*
 * Loading a bootstrap policy from YAML (format: policies/README.md).
 *
 * The loader parses, then validates everything, and reports every problem it
 * finds with file:line:column instead of stopping at the first; warnings
 * (e.g. a key file readable by others) are collected alongside and do not
 * make loading fail.
 */
#ifndef LWBS_CONF_CONF_H
#define LWBS_CONF_CONF_H

#include <stddef.h>
#include <stdio.h>

#include "policy/policy.h"

enum conf_severity {
	CONF_ERROR,
	CONF_WARNING,
};

/* One problem found while loading. */
struct conf_diag {
	char *file; /* owned: the file as named from the path given to conf_load() */
	int line;   /* 1-based; 0 when the problem is about the file as a whole */
	int col;    /* 1-based; 0 with line 0 */
	enum conf_severity sev;
	char *msg; /* owned: one sentence, no trailing newline; never holds a secret */
};

/* Problems in the order found (files in load order, then cross-file checks). */
struct conf_diags {
	struct conf_diag *items;
	size_t n, cap;
	size_t n_errors, n_warnings;
};

#define CONF_DIAGS_INIT                                                                            \
	{                                                                                          \
		NULL, 0, 0, 0, 0                                                                   \
	}

/*
 * Load the policy at path: a directory, whose *.yaml files (not starting with
 * '.') are read in byte-wise sorted name order and merged, or a single file.
 * Relative paths inside a file (key_file, ...) are taken from that file's
 * directory.
 *
 * Returns 0 and sets *out to a new policy the caller frees with
 * policy_free(); -EINVAL when any error was found; -ENOMEM. Diagnostics
 * (errors and warnings) are appended to diags in every case; *out is only
 * written on success.
 */
int conf_load(const char *path, struct policy **out, struct conf_diags *diags);

/* Print diags one per line: "file:line:col: error: msg" (or "warning"; "file: ..." at line 0). */
void conf_diags_print(const struct conf_diags *diags, FILE *fp);

/* Release what diags owns; it is empty and reusable afterwards. */
void conf_diags_free(struct conf_diags *diags);

#endif
