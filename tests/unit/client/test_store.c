#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client/store.h"
#include "lwm2m/codec.h"

#define URI_BS "coap://bs.example:5683"

static struct store *st;

static struct store *mk(enum lwm2m_version v, uint16_t bs_iid)
{
	struct store_config cfg = {v, bs_iid, URI_BS, 3, NULL, 0, NULL, 0};
	struct store *s = NULL;

	ck_assert_int_eq(store_new(&cfg, &s), 0);
	return s;
}

static void teardown(void)
{
	store_free(st);
	st = NULL;
}

static struct lwm2m_path path(int depth, int a, int b, int c)
{
	struct lwm2m_path p = {(uint8_t)depth, {(uint16_t)a, (uint16_t)b, (uint16_t)c, 0}};
	return p;
}

/* Resource builders for instances handed to codec_encode_instance(). */
static struct lwm2m_resource r_str(uint16_t rid, const char *s)
{
	struct lwm2m_resource r = {rid, LWM2M_NO_RIID, {LWM2M_TYPE_STRING, {.i = 0}}};
	r.value.v.bytes.data = (const uint8_t *)s;
	r.value.v.bytes.len = strlen(s);
	return r;
}

static struct lwm2m_resource r_opq(uint16_t rid, const char *s)
{
	struct lwm2m_resource r = r_str(rid, s);
	r.value.type = LWM2M_TYPE_OPAQUE;
	return r;
}

static struct lwm2m_resource r_int(uint16_t rid, int64_t i)
{
	struct lwm2m_resource r = {rid, LWM2M_NO_RIID, {LWM2M_TYPE_INTEGER, {.i = i}}};
	return r;
}

static struct lwm2m_resource r_bool(uint16_t rid, bool b)
{
	struct lwm2m_resource r = {rid, LWM2M_NO_RIID, {LWM2M_TYPE_BOOLEAN, {.b = b}}};
	return r;
}

/* Encode inst in fmt and Bootstrap-Write it to target; returns the answer. */
static enum store_code put(enum lwm2m_format fmt, struct lwm2m_path target,
                           const struct lwm2m_instance *inst, char *why)
{
	struct buf b = BUF_INIT;
	enum store_code code;

	ck_assert_int_eq(codec_encode_instance(fmt, inst, &b), 0);
	code = store_write(st, &target, (int)fmt, b.data, b.len, why);
	buf_free(&b);
	return code;
}

/* A server account: /0/iid (NoSec, ssid) and /1/iid (ssid, 300 s, false, "U"). */
static void put_security(enum lwm2m_format fmt, uint16_t iid, int ssid, const char *uri)
{
	struct lwm2m_resource res[] = {r_str(0, uri), r_bool(1, false), r_int(2, 3),
	                               r_int(10, ssid)};
	struct lwm2m_instance in = {0, iid, 4, res};
	ck_assert_int_eq(put(fmt, path(2, 0, iid, 0), &in, NULL), STORE_CHANGED);
}

static void put_server(enum lwm2m_format fmt, uint16_t iid, int ssid, size_t n_res)
{
	struct lwm2m_resource res[] = {r_int(0, ssid), r_int(1, 300), r_bool(6, false),
	                               r_str(7, "U")};
	struct lwm2m_instance in = {1, iid, n_res, res};
	ck_assert_int_eq(put(fmt, path(2, 1, iid, 0), &in, NULL), STORE_CHANGED);
}

static void assert_discover(const struct lwm2m_path *target, const char *want)
{
	struct buf b = BUF_INIT;

	ck_assert_int_eq(store_discover(st, target, &b, NULL), STORE_CONTENT);
	ck_assert_int_eq((int)b.len, (int)strlen(want));
	ck_assert_int_eq(memcmp(b.data, want, b.len), 0);
	buf_free(&b);
}

START_TEST(code_text_is_class_dot_detail)
{
	char t[STORE_CODE_TEXT];
	ck_assert_str_eq(store_code_text(STORE_CONTENT, t), "2.05");
	ck_assert_str_eq(store_code_text(STORE_UNSUPPORTED_FORMAT, t), "4.15");
	ck_assert_str_eq(store_code_text(STORE_INTERNAL_ERROR, t), "5.00");
}
END_TEST

START_TEST(new_rejects_unknown_version)
{
	struct store_config cfg = {13, 0, URI_BS, 3, NULL, 0, NULL, 0};
	struct store *s = (struct store *)&cfg;
	ck_assert_int_eq(store_new(&cfg, &s), -EINVAL);
	ck_assert_ptr_eq(s, (struct store *)&cfg);
}
END_TEST

START_TEST(discover_fresh_lists_account_without_attributes)
{
	struct lwm2m_path root = path(0, 0, 0, 0);
	st = mk(LWM2M_V1_1, 0);
	assert_discover(&root, "</>;lwm2m=1.1,</0/0>,</1>,</2>,</3/0>,</21>");
}
END_TEST

START_TEST(discover_lists_ssid_and_uri_like_core_ts_example)
{
	struct lwm2m_path root = path(0, 0, 0, 0), obj1 = path(1, 1, 0, 0);
	st = mk(LWM2M_V1_1, 0);
	put_security(LWM2M_FMT_TLV, 1, 101, "coap://x:5683");
	put_server(LWM2M_FMT_TLV, 0, 101, 4);
	assert_discover(&root, "</>;lwm2m=1.1,</0/0>,</0/1>;ssid=101;uri=\"coap://x:5683\","
	                       "</1/0>;ssid=101,</2>,</3/0>,</21>");
	assert_discover(&obj1, "</>;lwm2m=1.1,</1/0>;ssid=101");
}
END_TEST

START_TEST(discover_anjay_style_account_at_iid_1)
{
	struct lwm2m_path root = path(0, 0, 0, 0);
	st = mk(LWM2M_V1_2, 1);
	assert_discover(&root, "</>;lwm2m=1.2,</0/1>,</1>,</2>,</3/0>,</21>");
}
END_TEST

START_TEST(discover_errors)
{
	struct lwm2m_path root = path(0, 0, 0, 0), unknown = path(1, 5, 0, 0),
	                  deep = path(2, 1, 0, 0), oscore = path(1, 21, 0, 0);
	struct buf b = BUF_INIT;
	char why[STORE_WHY_MAX];

	st = mk(LWM2M_V1_0, 0);
	ck_assert_int_eq(store_discover(st, &root, &b, why), STORE_NOT_ALLOWED);
	ck_assert_uint_eq(b.len, 0);
	store_free(st);
	st = mk(LWM2M_V1_1, 0);
	ck_assert_int_eq(store_discover(st, &unknown, &b, why), STORE_NOT_FOUND);
	ck_assert_int_eq(store_discover(st, &deep, &b, why), STORE_BAD_REQUEST);
	ck_assert_uint_eq(b.len, 0);
	store_free(st);
	st = mk(LWM2M_V1_0, 0);
	ck_assert_int_eq(store_delete(st, &oscore, why), STORE_NOT_FOUND);
	buf_free(&b);
}
END_TEST

START_TEST(delete_root_keeps_account_and_device)
{
	struct lwm2m_path root = path(0, 0, 0, 0), obj0 = path(1, 0, 0, 0);
	st = mk(LWM2M_V1_1, 1);
	put_security(LWM2M_FMT_TLV, 0, 101, "coap://a");
	put_security(LWM2M_FMT_TLV, 2, 102, "coap://b");
	put_server(LWM2M_FMT_TLV, 0, 101, 4);
	ck_assert_int_eq(store_delete(st, &obj0, NULL), STORE_DELETED);
	ck_assert(!store_has_instance(st, 0, 0));
	ck_assert(!store_has_instance(st, 0, 2));
	ck_assert(store_has_instance(st, 0, 1));
	ck_assert(store_has_instance(st, 1, 0));
	ck_assert_int_eq(store_delete(st, &root, NULL), STORE_DELETED);
	ck_assert(!store_has_instance(st, 1, 0));
	ck_assert(store_has_instance(st, 0, 1));
	ck_assert(store_has_instance(st, 3, 0));
}
END_TEST

START_TEST(delete_rules)
{
	struct lwm2m_path account = path(2, 0, 0, 0), dev = path(1, 3, 0, 0),
	                  dev0 = path(2, 3, 0, 0), unknown = path(1, 5, 0, 0),
	                  missing = path(2, 1, 7, 0), res = path(3, 1, 0, 1),
	                  srv = path(2, 1, 0, 0);
	char why[STORE_WHY_MAX];

	st = mk(LWM2M_V1_1, 0);
	put_server(LWM2M_FMT_TLV, 0, 101, 4);
	ck_assert_int_eq(store_delete(st, &account, why), STORE_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(why, "bootstrap account"));
	ck_assert(store_has_instance(st, 0, 0));
	ck_assert_int_eq(store_delete(st, &dev, why), STORE_BAD_REQUEST);
	ck_assert_int_eq(store_delete(st, &dev0, why), STORE_BAD_REQUEST);
	ck_assert_int_eq(store_delete(st, &unknown, why), STORE_NOT_FOUND);
	ck_assert_int_eq(store_delete(st, &missing, why), STORE_DELETED);
	ck_assert_int_eq(store_delete(st, &res, why), STORE_BAD_REQUEST);
	ck_assert_int_eq(store_delete(st, &srv, why), STORE_DELETED);
	ck_assert(!store_has_instance(st, 1, 0));
}
END_TEST

START_TEST(write_tlv_types_values_by_schema)
{
	struct lwm2m_path p = path(3, 0, 1, 0);
	struct lwm2m_value v;
	st = mk(LWM2M_V1_1, 0);
	put_security(LWM2M_FMT_TLV, 1, 101, "coaps://s");
	ck_assert_int_eq(store_get(st, &p, &v), 0);
	ck_assert_int_eq(v.type, LWM2M_TYPE_STRING);
	ck_assert_int_eq((int)v.v.bytes.len, 9);
	ck_assert_int_eq(memcmp(v.v.bytes.data, "coaps://s", 9), 0);
	p.ids[2] = 1;
	ck_assert_int_eq(store_get(st, &p, &v), 0);
	ck_assert_int_eq(v.type, LWM2M_TYPE_BOOLEAN);
	ck_assert(!v.v.b);
	p.ids[2] = 10;
	ck_assert_int_eq(store_get(st, &p, &v), 0);
	ck_assert_int_eq(v.type, LWM2M_TYPE_INTEGER);
	ck_assert_int_eq(v.v.i, 101);
	p.ids[2] = 5;
	ck_assert_int_eq(store_get(st, &p, &v), -ENOENT);
}
END_TEST

START_TEST(write_senml_and_cbor_by_version)
{
	struct lwm2m_resource res[] = {r_int(0, 7)};
	struct lwm2m_instance in = {1, 0, 1, res};
	char why[STORE_WHY_MAX];

	st = mk(LWM2M_V1_1, 0);
	put_server(LWM2M_FMT_SENML_JSON, 0, 101, 4);
	put_server(LWM2M_FMT_SENML_CBOR, 1, 102, 4);
	ck_assert(store_has_instance(st, 1, 1));
	ck_assert_int_eq(put(LWM2M_FMT_LWM2M_CBOR, path(2, 1, 0, 0), &in, why),
	                 STORE_UNSUPPORTED_FORMAT);
	store_free(st);
	st = mk(LWM2M_V1_2, 0);
	put_server(LWM2M_FMT_LWM2M_CBOR, 0, 101, 4);
	store_free(st);
	st = mk(LWM2M_V1_0, 0);
	put_server(LWM2M_FMT_TLV, 0, 101, 4);
	ck_assert_int_eq(put(LWM2M_FMT_SENML_JSON, path(2, 1, 0, 0), &in, why),
	                 STORE_UNSUPPORTED_FORMAT);
	ck_assert_int_eq(put(LWM2M_FMT_SENML_CBOR, path(2, 1, 0, 0), &in, why),
	                 STORE_UNSUPPORTED_FORMAT);
}
END_TEST

START_TEST(write_to_bootstrap_account_is_refused)
{
	struct lwm2m_resource res[] = {r_str(0, "coap://evil")};
	struct lwm2m_instance in = {0, 0, 1, res};
	struct lwm2m_path p = path(3, 0, 0, 0);
	struct lwm2m_value v;
	char why[STORE_WHY_MAX];

	st = mk(LWM2M_V1_1, 0);
	ck_assert_int_eq(put(LWM2M_FMT_TLV, path(2, 0, 0, 0), &in, why), STORE_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(why, "bootstrap account"));
	/* Object-level write whose SenML records name the account. */
	ck_assert_int_eq(put(LWM2M_FMT_SENML_JSON, path(1, 0, 0, 0), &in, why), STORE_BAD_REQUEST);
	ck_assert_int_eq(put(LWM2M_FMT_TLV, path(3, 0, 0, 0), &in, why), STORE_BAD_REQUEST);
	ck_assert_int_eq(store_get(st, &p, &v), 0);
	ck_assert_int_eq(memcmp(v.v.bytes.data, URI_BS, v.v.bytes.len), 0);
}
END_TEST

START_TEST(write_errors)
{
	static const uint8_t junk[] = {0xff, 0xff, 0xff};
	struct lwm2m_resource exe[] = {r_str(4, "")};
	struct lwm2m_resource wrong[] = {r_str(1, "three hundred")};
	struct lwm2m_instance in_exe = {1, 0, 1, exe}, in_wrong = {1, 0, 1, wrong};
	struct lwm2m_path srv = path(2, 1, 0, 0), obj5 = path(2, 5, 0, 0), dev = path(2, 3, 0, 0),
	                  root = path(0, 0, 0, 0);
	char why[STORE_WHY_MAX];

	st = mk(LWM2M_V1_1, 0);
	ck_assert_int_eq(store_write(st, &srv, LWM2M_FMT_TLV, junk, 3, why), STORE_BAD_REQUEST);
	ck_assert_int_eq(store_write(st, &srv, -1, junk, 3, why), STORE_BAD_REQUEST);
	ck_assert_int_eq(store_write(st, &srv, LWM2M_FMT_TEXT, junk, 3, why),
	                 STORE_UNSUPPORTED_FORMAT);
	ck_assert_int_eq(store_write(st, &obj5, LWM2M_FMT_TLV, junk, 3, why), STORE_NOT_FOUND);
	ck_assert_int_eq(store_write(st, &dev, LWM2M_FMT_TLV, junk, 3, why), STORE_NOT_ALLOWED);
	ck_assert_int_eq(store_write(st, &root, LWM2M_FMT_TLV, junk, 3, why), STORE_BAD_REQUEST);
	ck_assert_int_eq(put(LWM2M_FMT_SENML_JSON, srv, &in_exe, why), STORE_NOT_ALLOWED);
	ck_assert_int_eq(put(LWM2M_FMT_SENML_JSON, srv, &in_wrong, why), STORE_BAD_REQUEST);
	ck_assert(!store_has_instance(st, 1, 0));
}
END_TEST

START_TEST(write_replaces_written_resources_and_keeps_others)
{
	struct lwm2m_resource upd[] = {r_int(1, 86400), r_str(7, "UQ")};
	struct lwm2m_instance in = {1, 0, 2, upd};
	struct lwm2m_resource one[] = {r_int(1, 60)};
	struct lwm2m_instance in_one = {1, 0, 1, one};
	struct lwm2m_path p = path(3, 1, 0, 1);
	struct lwm2m_value v;

	st = mk(LWM2M_V1_1, 0);
	put_server(LWM2M_FMT_TLV, 0, 101, 4);
	ck_assert_int_eq(put(LWM2M_FMT_TLV, path(2, 1, 0, 0), &in, NULL), STORE_CHANGED);
	ck_assert_int_eq(store_get(st, &p, &v), 0);
	ck_assert_int_eq(v.v.i, 86400);
	p.ids[2] = 0;
	ck_assert_int_eq(store_get(st, &p, &v), 0);
	ck_assert_int_eq(v.v.i, 101);
	/* A write to /1/0/1 carries that resource only. */
	ck_assert_int_eq(put(LWM2M_FMT_TLV, path(3, 1, 0, 1), &in_one, NULL), STORE_CHANGED);
	p.ids[2] = 1;
	ck_assert_int_eq(store_get(st, &p, &v), 0);
	ck_assert_int_eq(v.v.i, 60);
	p.ids[2] = 7;
	ck_assert_int_eq(store_get(st, &p, &v), 0);
	ck_assert_int_eq(memcmp(v.v.bytes.data, "UQ", 2), 0);
}
END_TEST

START_TEST(write_is_all_or_nothing)
{
	struct lwm2m_resource res[] = {r_int(1, 5), r_str(2, "not an integer")};
	struct lwm2m_instance in = {1, 0, 2, res};
	struct lwm2m_path p = path(3, 1, 0, 1);
	struct lwm2m_value v;

	st = mk(LWM2M_V1_1, 0);
	put_server(LWM2M_FMT_TLV, 0, 101, 4);
	ck_assert_int_eq(put(LWM2M_FMT_SENML_JSON, path(2, 1, 0, 0), &in, NULL), STORE_BAD_REQUEST);
	ck_assert_int_eq(store_get(st, &p, &v), 0);
	ck_assert_int_eq(v.v.i, 300);
}
END_TEST

static void complete_config(void)
{
	st = mk(LWM2M_V1_1, 0);
	put_security(LWM2M_FMT_TLV, 1, 101, "coap://x:5683");
}

START_TEST(finish_accepts_complete_config)
{
	complete_config();
	put_server(LWM2M_FMT_TLV, 0, 101, 4);
	ck_assert_int_eq(store_finish(st, NULL), STORE_CHANGED);
}
END_TEST

START_TEST(finish_needs_a_server)
{
	char why[STORE_WHY_MAX];
	complete_config();
	ck_assert_int_eq(store_finish(st, why), STORE_NOT_ACCEPTABLE);
	ck_assert_ptr_nonnull(strstr(why, "no Server instance"));
}
END_TEST

START_TEST(finish_needs_notification_storing)
{
	char why[STORE_WHY_MAX];
	struct lwm2m_resource res[] = {r_int(0, 101), r_int(1, 300), r_str(7, "U")};
	struct lwm2m_instance in = {1, 0, 3, res};

	complete_config();
	ck_assert_int_eq(put(LWM2M_FMT_TLV, path(2, 1, 0, 0), &in, NULL), STORE_CHANGED);
	ck_assert_int_eq(store_finish(st, why), STORE_NOT_ACCEPTABLE);
	ck_assert_str_eq(why, "/1/0 lacks 6 (notification_storing)");
}
END_TEST

START_TEST(finish_needs_binding)
{
	char why[STORE_WHY_MAX];
	complete_config();
	put_server(LWM2M_FMT_TLV, 0, 101, 3);
	ck_assert_int_eq(store_finish(st, why), STORE_NOT_ACCEPTABLE);
	ck_assert_str_eq(why, "/1/0 lacks 7 (binding)");
}
END_TEST

START_TEST(finish_needs_security_ssid)
{
	char why[STORE_WHY_MAX];
	struct lwm2m_resource res[] = {r_str(0, "coap://x"), r_bool(1, false), r_int(2, 3)};
	struct lwm2m_instance in = {0, 1, 3, res};

	st = mk(LWM2M_V1_1, 0);
	ck_assert_int_eq(put(LWM2M_FMT_TLV, path(2, 0, 1, 0), &in, NULL), STORE_CHANGED);
	put_server(LWM2M_FMT_TLV, 0, 101, 4);
	ck_assert_int_eq(store_finish(st, why), STORE_NOT_ACCEPTABLE);
	ck_assert_str_eq(why, "no Security instance with short_server_id 101 for /1/0");
}
END_TEST

START_TEST(finish_ssid_mismatch)
{
	char why[STORE_WHY_MAX];
	complete_config();
	put_server(LWM2M_FMT_TLV, 0, 102, 4);
	ck_assert_int_eq(store_finish(st, why), STORE_NOT_ACCEPTABLE);
	ck_assert_ptr_nonnull(strstr(why, "short_server_id 102"));
}
END_TEST

START_TEST(finish_psk_needs_identity_and_key)
{
	char why[STORE_WHY_MAX];
	struct lwm2m_resource res[] = {r_str(0, "coaps://x"), r_bool(1, false), r_int(2, 0),
	                               r_opq(3, "id"), r_int(10, 101)};
	struct lwm2m_resource key[] = {r_opq(5, "secret")};
	struct lwm2m_instance in = {0, 1, 5, res}, in_key = {0, 1, 1, key};

	st = mk(LWM2M_V1_1, 0);
	ck_assert_int_eq(put(LWM2M_FMT_TLV, path(2, 0, 1, 0), &in, NULL), STORE_CHANGED);
	put_server(LWM2M_FMT_TLV, 0, 101, 4);
	ck_assert_int_eq(store_finish(st, why), STORE_NOT_ACCEPTABLE);
	ck_assert_ptr_nonnull(strstr(why, "PSK"));
	ck_assert_int_eq(put(LWM2M_FMT_TLV, path(2, 0, 1, 0), &in_key, NULL), STORE_CHANGED);
	ck_assert_int_eq(store_finish(st, why), STORE_CHANGED);
}
END_TEST

START_TEST(finish_refuses_second_bootstrap_account_as_server)
{
	char why[STORE_WHY_MAX];
	struct lwm2m_resource res[] = {r_str(0, "coap://x"), r_bool(1, true), r_int(2, 3),
	                               r_int(10, 101)};
	struct lwm2m_instance in = {0, 1, 4, res};

	st = mk(LWM2M_V1_1, 0);
	ck_assert_int_eq(put(LWM2M_FMT_TLV, path(2, 0, 1, 0), &in, NULL), STORE_CHANGED);
	put_server(LWM2M_FMT_TLV, 0, 101, 4);
	ck_assert_int_eq(store_finish(st, why), STORE_NOT_ACCEPTABLE);
	ck_assert_str_eq(why, "/0/1 has bootstrap_server true");
}
END_TEST

START_TEST(json_dump_names_resources_and_shows_keys_in_hex)
{
	struct lwm2m_resource res[] = {r_str(0, "coaps://x"), r_bool(1, false),     r_int(2, 0),
	                               r_opq(3, "id"),        r_opq(5, "\x01\xab"), r_int(10, 101)};
	struct lwm2m_instance in = {0, 1, 6, res};
	const char *want = "{\"security\":[{\"iid\":0,\"server_uri\":\"" URI_BS "\","
	                   "\"bootstrap_server\":true,\"security_mode\":3},"
	                   "{\"iid\":1,\"server_uri\":\"coaps://x\",\"bootstrap_server\":false,"
	                   "\"security_mode\":0,\"public_key_or_identity\":\"6964\","
	                   "\"secret_key\":\"01ab\",\"short_server_id\":101}],"
	                   "\"server\":[]}\n";
	struct buf b = BUF_INIT;
	struct json j;

	st = mk(LWM2M_V1_1, 0);
	ck_assert_int_eq(put(LWM2M_FMT_TLV, path(2, 0, 1, 0), &in, NULL), STORE_CHANGED);
	json_begin(&j, &b);
	store_json_instances(st, 0, "security", &j);
	store_json_instances(st, 1, "server", &j);
	ck_assert_int_eq(json_end(&j), 0);
	ck_assert_int_eq(buf_putc(&b, 0), 0);
	ck_assert_str_eq((const char *)b.data, want);
	buf_free(&b);
}
END_TEST

START_TEST(psk_account_holds_identity_and_key)
{
	static const uint8_t key[] = {1, 2, 3};
	struct store_config cfg = {LWM2M_V1_1, 1, "coaps://bs", 0, (const uint8_t *)"dev", 3,
	                           key,        3};
	struct lwm2m_path p = path(3, 0, 1, 5);
	struct lwm2m_value v;

	ck_assert_int_eq(store_new(&cfg, &st), 0);
	ck_assert_int_eq(store_get(st, &p, &v), 0);
	ck_assert_int_eq(v.type, LWM2M_TYPE_OPAQUE);
	ck_assert_int_eq((int)v.v.bytes.len, 3);
	ck_assert_int_eq(memcmp(v.v.bytes.data, key, 3), 0);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, code_text_is_class_dot_detail);
	tcase_add_test(tc, new_rejects_unknown_version);
	tcase_add_test(tc, discover_fresh_lists_account_without_attributes);
	tcase_add_test(tc, discover_lists_ssid_and_uri_like_core_ts_example);
	tcase_add_test(tc, discover_anjay_style_account_at_iid_1);
	tcase_add_test(tc, discover_errors);
	tcase_add_test(tc, delete_root_keeps_account_and_device);
	tcase_add_test(tc, delete_rules);
	tcase_add_test(tc, write_tlv_types_values_by_schema);
	tcase_add_test(tc, write_senml_and_cbor_by_version);
	tcase_add_test(tc, write_to_bootstrap_account_is_refused);
	tcase_add_test(tc, write_errors);
	tcase_add_test(tc, write_replaces_written_resources_and_keeps_others);
	tcase_add_test(tc, write_is_all_or_nothing);
	tcase_add_test(tc, finish_accepts_complete_config);
	tcase_add_test(tc, finish_needs_a_server);
	tcase_add_test(tc, finish_needs_notification_storing);
	tcase_add_test(tc, finish_needs_binding);
	tcase_add_test(tc, finish_needs_security_ssid);
	tcase_add_test(tc, finish_ssid_mismatch);
	tcase_add_test(tc, finish_psk_needs_identity_and_key);
	tcase_add_test(tc, finish_refuses_second_bootstrap_account_as_server);
	tcase_add_test(tc, json_dump_names_resources_and_shows_keys_in_hex);
	tcase_add_test(tc, psk_account_holds_identity_and_key);
	suite_add_tcase(s, tc);
	return s;
}
