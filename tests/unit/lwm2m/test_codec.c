#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/codec.h"
#include "testutil.h"

static const enum lwm2m_format formats[] = {
    LWM2M_FMT_TLV,
    LWM2M_FMT_SENML_JSON,
    LWM2M_FMT_SENML_CBOR,
    LWM2M_FMT_LWM2M_CBOR,
};

static const uint8_t psk[] = {0x00, 0x01, 0xfe, 0xff, 0x3e, 0x3f, 0xfb, 0xef, 0x7f};

/* A Security instance as a bootstrap server writes it (PSK mode, ciphersuites, OSCORE link). */
static const struct lwm2m_resource security[] = {
    {0,
     LWM2M_NO_RIID,
     {.type = LWM2M_TYPE_STRING,
      .v.bytes = {(const uint8_t *)"coaps://lwm2m.example.com:5684", 30}}},
    {1, LWM2M_NO_RIID, {.type = LWM2M_TYPE_BOOLEAN, .v.b = false}},
    {2, LWM2M_NO_RIID, {.type = LWM2M_TYPE_INTEGER, .v.i = 0}},
    {3, LWM2M_NO_RIID, {.type = LWM2M_TYPE_OPAQUE, .v.bytes = {(const uint8_t *)"dev-1", 5}}},
    {5, LWM2M_NO_RIID, {.type = LWM2M_TYPE_OPAQUE, .v.bytes = {psk, sizeof(psk)}}},
    {10, LWM2M_NO_RIID, {.type = LWM2M_TYPE_INTEGER, .v.i = 123}},
    {11, LWM2M_NO_RIID, {.type = LWM2M_TYPE_INTEGER, .v.i = -1}},
    {13, LWM2M_NO_RIID, {.type = LWM2M_TYPE_UNSIGNED, .v.u = 200}},
    {16, 0, {.type = LWM2M_TYPE_UNSIGNED, .v.u = 0xc0a8}},
    {16, 1, {.type = LWM2M_TYPE_UNSIGNED, .v.u = 0xc0ae}},
    {17, LWM2M_NO_RIID, {.type = LWM2M_TYPE_OBJLNK, .v.objlnk = {21, 0}}},
    {300, 65535, {.type = LWM2M_TYPE_FLOAT, .v.f = 22.4}},
    {301, LWM2M_NO_RIID, {.type = LWM2M_TYPE_TIME, .v.i = 1367491215}},
    {302, LWM2M_NO_RIID, {.type = LWM2M_TYPE_STRING, .v.bytes = {(const uint8_t *)"", 0}}},
};

static const struct lwm2m_instance security_inst = {
    .oid = 0, .iid = 7, .n_res = N_ELEMS(security), .res = security};

static struct buf encode(enum lwm2m_format fmt)
{
	struct buf b = BUF_INIT;

	ck_assert_int_eq(codec_encode_instance(fmt, &security_inst, &b), 0);
	return b;
}

START_TEST(round_trips_security_instance)
{
	enum lwm2m_format fmt = formats[_i];
	struct buf b = encode(fmt);
	struct lwm2m_path target = mkpath(2, 0, 7, 0);
	struct lwm2m_records rs = {0};

	ck_assert_int_eq(codec_decode(fmt, &target, b.data, b.len, &rs), 0);
	ck_assert_uint_eq(rs.n, N_ELEMS(security));
	for (size_t i = 0; i < rs.n; i++) {
		assert_path(&rs, i, 0, 7, security[i].rid, security[i].riid);
		assert_value(&rs, i, security[i].value);
	}
	codec_records_free(&rs);
	buf_free(&b);
}
END_TEST

START_TEST(decode_appends_and_rolls_back)
{
	enum lwm2m_format fmt = formats[_i];
	struct buf b = encode(fmt);
	struct lwm2m_path target = mkpath(2, 0, 7, 0), other = mkpath(2, 0, 8, 0);
	struct lwm2m_path object = mkpath(1, 0, 0, 0);
	struct lwm2m_records rs = {0};

	/* TLV resources carry no instance id: a payload to /0 needs instance TLVs. */
	ck_assert_int_eq(codec_decode(fmt, &target, b.data, b.len, &rs), 0);
	ck_assert_int_eq(codec_decode(fmt, &object, b.data, b.len, &rs),
	                 fmt == LWM2M_FMT_TLV ? -EBADMSG : 0);
	ck_assert_uint_eq(rs.n, (fmt == LWM2M_FMT_TLV ? 1 : 2) * N_ELEMS(security));
	codec_records_free(&rs);
	ck_assert_int_eq(codec_decode(fmt, &target, b.data, b.len, &rs), 0);
	/* A payload outside the target leaves what was there (TLV takes ids from the target). */
	ck_assert_int_eq(codec_decode(fmt, &other, b.data, b.len, &rs),
	                 fmt == LWM2M_FMT_TLV ? 0 : -EBADMSG);
	if (fmt != LWM2M_FMT_TLV)
		ck_assert_uint_eq(rs.n, N_ELEMS(security));
	ck_assert_int_eq(codec_decode(fmt, &target, b.data, b.len - 1, &rs), -EBADMSG);
	ck_assert_uint_eq(rs.n, (fmt == LWM2M_FMT_TLV ? 2 : 1) * N_ELEMS(security));
	codec_records_free(&rs);
	codec_records_free(&rs); /* a freed set is empty and reusable */
	ck_assert_uint_eq(rs.n, 0);
	buf_free(&b);
}
END_TEST

static void decode_survives(enum lwm2m_format fmt, const uint8_t *p, size_t n)
{
	struct lwm2m_path target = mkpath(2, 0, 7, 0);
	struct lwm2m_records rs = {0};
	int rc = codec_decode(fmt, &target, p, n, &rs);

	ck_assert_msg(rc == 0 || rc == -EBADMSG, "rc %d", rc);
	if (rc < 0)
		ck_assert_uint_eq(rs.n, 0);
	codec_records_free(&rs);
}

/* Every prefix and every single-byte corruption: no crash, 0 or -EBADMSG. */
START_TEST(decoders_survive_truncation_and_corruption)
{
	enum lwm2m_format fmt = formats[_i];
	struct buf b = encode(fmt);
	uint8_t *copy = malloc(b.len);

	for (size_t n = 0; n < b.len; n++) {
		/* A heap copy of exactly n bytes, so ASan sees any read past the end. */
		uint8_t *prefix = malloc(n ? n : 1);

		memcpy(prefix, b.data, n);
		decode_survives(fmt, prefix, n);
		free(prefix);
	}
	for (size_t i = 0; i < b.len; i++) {
		memcpy(copy, b.data, b.len);
		for (int v = 0; v < 256; v++) {
			copy[i] = (uint8_t)v;
			decode_survives(fmt, copy, b.len);
		}
	}
	free(copy);
	buf_free(&b);
}
END_TEST

START_TEST(unsupported_formats)
{
	struct lwm2m_path target = mkpath(2, 0, 7, 0);
	struct lwm2m_records rs = {0};
	struct buf b = BUF_INIT;

	ck_assert(!codec_supported(LWM2M_FMT_TEXT));
	ck_assert(!codec_supported(LWM2M_FMT_JSON));
	ck_assert(codec_supported(LWM2M_FMT_LWM2M_CBOR));
	ck_assert_int_eq(codec_encode_instance(LWM2M_FMT_JSON, &security_inst, &b), -ENOTSUP);
	ck_assert_int_eq(codec_decode(LWM2M_FMT_OPAQUE, &target, (const uint8_t *)"x", 1, &rs),
	                 -ENOTSUP);
	ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(value_as_converts_between_types)
{
	struct lwm2m_value v, in = val_int(-1);

	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_UNSIGNED, &v), -EINVAL);
	in = val_int(7);
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_UNSIGNED, &v), 0);
	ck_assert(v.type == LWM2M_TYPE_UNSIGNED && v.v.u == 7);
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_FLOAT, &v), 0);
	ck_assert(v.v.f == 7.0);
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_STRING, &v), -EINVAL);
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_BOOLEAN, &v), -EINVAL);
	in = val_uint(UINT64_MAX);
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_INTEGER, &v), -EINVAL);
	in = val_float(3.0);
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert_int_eq(v.v.i, 3);
	in = val_float(3.5);
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_INTEGER, &v), -EINVAL);
	in = val_float(1e300);
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_INTEGER, &v), -EINVAL);
	in = val_str("21:3");
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_OBJLNK, &v), 0);
	ck_assert(v.v.objlnk.oid == 21 && v.v.objlnk.iid == 3);
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_CORELNK, &v), 0);
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_OPAQUE, &v), -EINVAL);
	in = val_str("21");
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_OBJLNK, &v), -EINVAL);
	in = val_bool(true);
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_BOOLEAN, &v), 0);
	ck_assert_int_eq(codec_value_as(&in, LWM2M_TYPE_INTEGER, &v), -EINVAL);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("codec");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, round_trips_security_instance, 0, N_ELEMS(formats));
	tcase_add_loop_test(tc, decode_appends_and_rolls_back, 0, N_ELEMS(formats));
	tcase_add_loop_test(tc, decoders_survive_truncation_and_corruption, 0, N_ELEMS(formats));
	tcase_add_test(tc, unsupported_formats);
	tcase_add_test(tc, value_as_converts_between_types);
	suite_add_tcase(s, tc);
	return s;
}
