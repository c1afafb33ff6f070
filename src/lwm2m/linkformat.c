#include "lwm2m/linkformat.h"

#include <errno.h>
#include <string.h>

#include "lwm2m/path.h"

struct cursor {
	const char *p;
	size_t n;
	size_t pos;
};

/* One target attribute, name[=value]; quoted values keep their escapes. */
struct param {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
	bool quoted;
};

static void skip_ws(struct cursor *c)
{
	while (c->pos < c->n && (c->p[c->pos] == ' ' || c->p[c->pos] == '\t' ||
	                         c->p[c->pos] == '\r' || c->p[c->pos] == '\n'))
		c->pos++;
}

static bool at(const struct cursor *c, char ch)
{
	return c->pos < c->n && c->p[c->pos] == ch;
}

/* RFC 6690 ptoken characters but '=', which covers parmname too. */
static bool is_token_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch != '\0' && strchr("!#$%&'()*+-./:<=>?@[]^_`{|}~", ch) != NULL && ch != '=');
}

static int read_quoted(struct cursor *c, struct param *prm)
{
	size_t start = ++c->pos;

	while (c->pos < c->n && c->p[c->pos] != '"')
		c->pos += (c->p[c->pos] == '\\' && c->pos + 1 < c->n) ? 2 : 1;
	if (c->pos >= c->n)
		return -EBADMSG;
	prm->value = c->p + start;
	prm->value_len = c->pos - start;
	prm->quoted = true;
	c->pos++;
	return 0;
}

static int read_param(struct cursor *c, struct param *prm)
{
	size_t start;

	skip_ws(c);
	start = c->pos;
	while (c->pos < c->n && is_token_char(c->p[c->pos]))
		c->pos++;
	if (c->pos == start)
		return -EBADMSG;
	*prm = (struct param){.name = c->p + start, .name_len = c->pos - start};
	skip_ws(c);
	if (!at(c, '='))
		return 0;
	c->pos++;
	skip_ws(c);
	if (at(c, '"'))
		return read_quoted(c, prm);
	start = c->pos;
	while (c->pos < c->n && is_token_char(c->p[c->pos]))
		c->pos++;
	prm->value = c->p + start;
	prm->value_len = c->pos - start;
	return 0;
}

static bool name_is(const struct param *prm, const char *name)
{
	return prm->name_len == strlen(name) && memcmp(prm->name, name, prm->name_len) == 0;
}

/* "1.x" -> 1x; the value of the lwm2m attribute of </> (Core TS 1.2 §5.2.7.5). */
static int parse_version(const struct param *prm, enum lwm2m_version *out)
{
	const char *v = prm->value;

	if (prm->value_len != 3 || v[0] < '1' || v[0] > '9' || v[1] != '.' || v[2] < '0' ||
	    v[2] > '9')
		return -EBADMSG;
	*out = (enum lwm2m_version)((v[0] - '0') * 10 + (v[2] - '0'));
	return 0;
}

static int parse_ssid(const struct param *prm, struct discover_instance *inst)
{
	char text[PATH_TEXT_MAX];
	struct lwm2m_path p;

	/* An ssid reads like a one-component path: 1 to 5 digits, at most 65535. */
	if (prm->value_len + 1 >= sizeof(text))
		return -EBADMSG;
	text[0] = '/';
	memcpy(text + 1, prm->value, prm->value_len);
	if (path_parse(text, prm->value_len + 1, &p) < 0 || p.depth != 1)
		return -EBADMSG;
	inst->has_ssid = true;
	inst->ssid = p.ids[0];
	return 0;
}

/* Copy a uri value, resolving quoted-pair escapes. */
static int copy_uri(const struct param *prm, struct discover_instance *inst)
{
	size_t o = 0;

	for (size_t i = 0; i < prm->value_len; i++) {
		if (prm->quoted && prm->value[i] == '\\' && i + 1 < prm->value_len)
			i++;
		if (o + 1 >= sizeof(inst->uri))
			return -EBADMSG;
		inst->uri[o++] = prm->value[i];
	}
	inst->uri[o] = '\0';
	return 0;
}

/* What a link says, once its attributes are read. */
struct link {
	struct lwm2m_path path;
	bool numeric; /* the target is "/" or a numeric path */
	struct discover_instance inst;
	bool has_version;
	enum lwm2m_version version;
};

static int apply_param(const struct param *prm, struct link *l)
{
	if (prm->value == NULL || !l->numeric)
		return 0;
	if (l->path.depth == 0 && name_is(prm, "lwm2m")) {
		l->has_version = true;
		return parse_version(prm, &l->version);
	}
	if (l->path.depth != 2)
		return 0;
	if (name_is(prm, "ssid"))
		return parse_ssid(prm, &l->inst);
	if (name_is(prm, "uri"))
		return copy_uri(prm, &l->inst);
	return 0;
}

static int store(const struct link *l, struct discover_result *out)
{
	if (!l->numeric)
		return 0;
	if (l->has_version)
		out->version = l->version;
	if (l->path.depth == 1) {
		if (out->n_objects >= DISCOVER_MAX_INSTANCES)
			return -EBADMSG;
		out->objects[out->n_objects++] = l->path.ids[0];
	} else if (l->path.depth == 2) {
		if (out->n >= DISCOVER_MAX_INSTANCES)
			return -EBADMSG;
		out->inst[out->n] = l->inst;
		out->inst[out->n].oid = l->path.ids[0];
		out->inst[out->n].iid = l->path.ids[1];
		out->n++;
	}
	return 0;
}

/* <target>;attr=value;... */
static int parse_link(struct cursor *c, struct discover_result *out)
{
	struct link l = {0};
	struct param prm;
	const char *end;

	if (!at(c, '<'))
		return -EBADMSG;
	end = memchr(c->p + c->pos, '>', c->n - c->pos);
	if (end == NULL)
		return -EBADMSG;
	l.numeric = path_parse(c->p + c->pos + 1, (size_t)(end - c->p) - c->pos - 1, &l.path) == 0;
	c->pos = (size_t)(end - c->p) + 1;
	for (skip_ws(c); at(c, ';'); skip_ws(c)) {
		c->pos++;
		if (read_param(c, &prm) < 0 || apply_param(&prm, &l) < 0)
			return -EBADMSG;
	}
	return store(&l, out);
}

int discover_parse(const char *p, size_t n, struct discover_result *out)
{
	struct cursor c = {p, n, 0};

	/* Entries past n and n_objects are left as they are: zeroing the
	 * whole ~17 KiB result was an eighth of a NoSec bootstrap's work. */
	out->version = LWM2M_V1_0;
	out->n = 0;
	out->n_objects = 0;
	skip_ws(&c);
	while (c.pos < c.n) {
		if (parse_link(&c, out) < 0)
			return -EBADMSG;
		skip_ws(&c);
		if (c.pos < c.n && !at(&c, ','))
			return -EBADMSG;
		if (at(&c, ','))
			c.pos++;
		skip_ws(&c);
	}
	return 0;
}

int discover_bootstrap_iid(const struct discover_result *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->inst[i].oid == 0 && !d->inst[i].has_ssid)
			return d->inst[i].iid;
	return -ENOENT;
}

bool discover_has_instance(const struct discover_result *d, uint16_t oid, uint16_t iid)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->inst[i].oid == oid && d->inst[i].iid == iid)
			return true;
	return false;
}
