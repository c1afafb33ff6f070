#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/tlv.h"
#include "testutil.h"

/*
 * Device object instance /3/0 as resource TLVs: the Core TS 1.0 §6.4.3.1
 * example, with resource 16 "U" (C1 10 55) as in the 1.1 object definition.
 */
#define DEVICE_TLV                                                                                 \
	"C800144F70656E204D6F62696C6520416C6C69616E6365"                                           \
	"C801164C69676874776569676874204D324D20436C69656E74"                                       \
	"C80209333435303030313233 C303312E30"                                                      \
	"86064100014101058807084200 0ED842011388 870841007D42010384"                               \
	"C10964 C10A0F 830B410000 C40D5182428F C60E2B30323A3030"

/* The same wrapped in an Object Instance TLV (Core TS 1.0 §6.4.3.1, Read of /3). */
#define DEVICE_TLV_WRAPPED "080079" DEVICE_TLV "C11055"

/* Core TS 1.0 §6.4.3.2 (ACL), §6.4.3.3 (Server) and §6.4.3.4 (Objlnk) examples. */
#define ACL_TLV "08000EC10001C101008302417F07C1037F 080212C10003C101008702417F0761013601C1037F"
#define SERVER_TLV "08000FC10001C40100015180C10601C10755"
#define OBJ65_TLV "88000C440000420000440100420001C8010D38363133383030373535353030C40212345678"

static struct lwm2m_records decode_ok(const char *hex, struct lwm2m_path target)
{
	static uint8_t p[512];
	struct lwm2m_records rs = {0};
	size_t n = unhex(hex, p, sizeof(p));

	ck_assert_int_eq(codec_decode(LWM2M_FMT_TLV, &target, p, n, &rs), 0);
	return rs;
}

static int decode_rc(const char *hex, struct lwm2m_path target)
{
	uint8_t p[512];
	struct lwm2m_records rs = {0};
	size_t n = unhex(hex, p, sizeof(p));
	int rc = codec_decode(LWM2M_FMT_TLV, &target, p, n, &rs);

	ck_assert_uint_eq(rs.n, rc == 0 ? rs.n : 0);
	codec_records_free(&rs);
	return rc;
}

static void encode_expect(const struct lwm2m_resource *res, size_t n, const char *hex)
{
	struct lwm2m_instance inst = {.oid = 3, .iid = 0, .n_res = n, .res = res};
	struct buf b = BUF_INIT;

	ck_assert_int_eq(tlv_encode_instance(&inst, &b), 0);
	assert_hex(&b, hex);
	buf_free(&b);
}

START_TEST(encode_device_matches_spec_example)
{
	DEVICE_RESOURCES(res);

	encode_expect(res, N_ELEMS(res), DEVICE_TLV "C11055");
}
END_TEST

START_TEST(encode_server_matches_spec_example)
{
	struct lwm2m_resource res[] = {
	    {0, LWM2M_NO_RIID, val_int(1)},
	    {1, LWM2M_NO_RIID, val_int(86400)},
	    {6, LWM2M_NO_RIID, val_bool(true)},
	    {7, LWM2M_NO_RIID, val_str("U")},
	};

	/* SERVER_TLV without its 3-byte Object Instance header. */
	encode_expect(res, N_ELEMS(res), SERVER_TLV + 6);
}
END_TEST

START_TEST(encode_acl_matches_spec_example)
{
	struct lwm2m_resource res[] = {
	    {0, LWM2M_NO_RIID, val_int(3)}, {1, LWM2M_NO_RIID, val_int(0)},   {2, 127, val_int(7)},
	    {2, 310, val_int(1)},           {3, LWM2M_NO_RIID, val_int(127)},
	};

	/* The second ACL instance of ACL_TLV, without its header: 16-bit riid 310 (61 01 36). */
	encode_expect(res, N_ELEMS(res), "C10003C101008702417F0761013601C1037F");
}
END_TEST

START_TEST(encode_objlnk_matches_spec_example)
{
	struct lwm2m_resource res[] = {
	    {0, 0, val_objlnk(66, 0)},
	    {0, 1, val_objlnk(66, 1)},
	    {1, LWM2M_NO_RIID, val_str("8613800755500")},
	    {2, LWM2M_NO_RIID, val_int(0x12345678)},
	};

	encode_expect(res, N_ELEMS(res), OBJ65_TLV);
}
END_TEST

START_TEST(encode_integer_sizes)
{
	struct lwm2m_resource res[] = {
	    {0, LWM2M_NO_RIID, val_int(-1)},          {1, LWM2M_NO_RIID, val_int(128)},
	    {2, LWM2M_NO_RIID, val_int(-32769)},      {3, LWM2M_NO_RIID, val_int(2147483648LL)},
	    {4, LWM2M_NO_RIID, val_int(INT64_MIN)},   {5, LWM2M_NO_RIID, val_uint(200)},
	    {6, LWM2M_NO_RIID, val_uint(UINT64_MAX)},
	};

	encode_expect(res, N_ELEMS(res),
	              "C100FF C2010080 C402FFFF7FFF C8030800000000800000 00"
	              "C8040880000000000000 00 C20500C8 C80608FFFFFFFFFFFFFFFF");
}
END_TEST

START_TEST(encode_float_bool_and_long_values)
{
	static uint8_t big[70000];
	struct lwm2m_resource res[] = {
	    {1, LWM2M_NO_RIID, val_float(1.5)},
	    {2, LWM2M_NO_RIID, val_float(0.1)},
	    {3, LWM2M_NO_RIID, val_bool(false)},
	    {300, LWM2M_NO_RIID, val_opaque(big, 300)},
	    {301, LWM2M_NO_RIID, val_opaque(big, sizeof(big))},
	};
	struct lwm2m_instance inst = {.oid = 0, .iid = 0, .n_res = N_ELEMS(res), .res = res};
	struct buf b = BUF_INIT;
	const uint8_t *p;

	ck_assert_int_eq(tlv_encode_instance(&inst, &b), 0);
	ck_assert_uint_eq(b.len, 6 + 11 + 3 + (5 + 300) + (6 + sizeof(big)));
	p = b.data;
	ck_assert_int_eq(memcmp(p, "\xC4\x01\x3F\xC0\x00\x00", 6), 0);
	ck_assert_int_eq(memcmp(p + 6, "\xC8\x02\x08\x3F\xB9\x99\x99\x99\x99\x99\x9A", 11), 0);
	ck_assert_int_eq(memcmp(p + 17, "\xC1\x03\x00", 3), 0);
	/* 16-bit identifier and 16-bit length, then 24-bit length. */
	ck_assert_int_eq(memcmp(p + 20, "\xF0\x01\x2C\x01\x2C", 5), 0);
	ck_assert_int_eq(memcmp(p + 325, "\xF8\x01\x2D\x01\x11\x70", 6), 0);
	buf_free(&b);
}
END_TEST

START_TEST(encode_rejects_unsorted_instance)
{
	struct lwm2m_resource res[] = {
	    {2, LWM2M_NO_RIID, val_int(1)},
	    {1, LWM2M_NO_RIID, val_int(1)},
	};
	struct lwm2m_resource mixed[] = {
	    {2, LWM2M_NO_RIID, val_int(1)},
	    {2, 0, val_int(1)},
	};
	struct lwm2m_instance inst = {.oid = 0, .iid = 0, .n_res = 2, .res = res};
	struct buf b = BUF_INIT;

	ck_assert_int_eq(tlv_encode_instance(&inst, &b), -EINVAL);
	inst.res = mixed;
	ck_assert_int_eq(tlv_encode_instance(&inst, &b), -EINVAL);
	buf_free(&b);
}
END_TEST

static void assert_device_records(const struct lwm2m_records *rs, int last_rid)
{
	struct lwm2m_value v;

	ck_assert_uint_eq(rs->n, 16);
	assert_path(rs, 0, 3, 0, 0, -1);
	assert_value(rs, 0, val_str("Open Mobile Alliance"));
	ck_assert_int_eq(rs->items[0].value.type, LWM2M_TYPE_NONE);
	assert_path(rs, 5, 3, 0, 6, 1);
	assert_value(rs, 5, val_int(5));
	assert_path(rs, 7, 3, 0, 7, 1);
	assert_value(rs, 7, val_int(5000));
	assert_path(rs, 12, 3, 0, 11, 0);
	assert_value(rs, 12, val_int(0));
	assert_value(rs, 13, val_typed_int(LWM2M_TYPE_TIME, 1367491215));
	assert_value(rs, 14, val_str("+02:00"));
	assert_path(rs, 15, 3, 0, last_rid, -1);
	assert_value(rs, 15, val_str("U"));
	ck_assert_int_eq(codec_value_as(&rs->items[15].value, LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert_int_eq(v.v.i, 'U');
}

START_TEST(decode_device_bare_and_wrapped)
{
	struct lwm2m_records rs = decode_ok(DEVICE_TLV "C11055", mkpath(2, 3, 0, 0));

	assert_device_records(&rs, 16);
	codec_records_free(&rs);
	rs = decode_ok(DEVICE_TLV_WRAPPED, mkpath(2, 3, 0, 0));
	assert_device_records(&rs, 16);
	codec_records_free(&rs);
	/* 1.0's object table numbers Binding Modes 15: C1 0F 55 decodes the same way. */
	rs = decode_ok(DEVICE_TLV "C10F55", mkpath(2, 3, 0, 0));
	assert_device_records(&rs, 15);
	codec_records_free(&rs);
	/* A payload to /3 carries the instance TLV. */
	rs = decode_ok(DEVICE_TLV_WRAPPED, mkpath(1, 3, 0, 0));
	assert_device_records(&rs, 16);
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_object_payloads)
{
	struct lwm2m_records rs = decode_ok(ACL_TLV, mkpath(1, 2, 0, 0));

	ck_assert_uint_eq(rs.n, 9);
	assert_path(&rs, 2, 2, 0, 2, 127);
	assert_value(&rs, 2, val_int(7));
	assert_path(&rs, 6, 2, 2, 2, 127);
	assert_path(&rs, 7, 2, 2, 2, 310);
	assert_value(&rs, 7, val_int(1));
	assert_path(&rs, 8, 2, 2, 3, -1);
	assert_value(&rs, 8, val_int(127));
	codec_records_free(&rs);

	rs = decode_ok(SERVER_TLV, mkpath(1, 1, 0, 0));
	ck_assert_uint_eq(rs.n, 4);
	assert_value(&rs, 1, val_int(86400));
	assert_value(&rs, 1, val_uint(86400));
	assert_value(&rs, 2, val_bool(true));
	codec_records_free(&rs);

	/* Two instances, /2/7/0 = 5 and /2/9/0 = 42, each in its own instance TLV. */
	rs = decode_ok("0307C10005 0309C1002A", mkpath(1, 2, 0, 0));
	ck_assert_uint_eq(rs.n, 2);
	assert_path(&rs, 1, 2, 9, 0, -1);
	assert_value(&rs, 1, val_int(42));
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_objlnk_example)
{
	struct lwm2m_records rs = decode_ok(OBJ65_TLV, mkpath(2, 65, 0, 0));

	ck_assert_uint_eq(rs.n, 4);
	assert_value(&rs, 0, val_objlnk(66, 0));
	assert_value(&rs, 1, val_objlnk(66, 1));
	assert_value(&rs, 3, val_int(0x12345678));
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_resource_targets)
{
	/* Resource instances 2 = 3 and 4 = 7 of /3/0/6, bare and in a Multiple Resource TLV. */
	struct lwm2m_records rs = decode_ok("410203410407", mkpath(3, 3, 0, 6));

	ck_assert_uint_eq(rs.n, 2);
	assert_path(&rs, 1, 3, 0, 6, 4);
	assert_value(&rs, 1, val_int(7));
	codec_records_free(&rs);
	rs = decode_ok("8606410203410407", mkpath(3, 3, 0, 6));
	ck_assert_uint_eq(rs.n, 2);
	codec_records_free(&rs);
	rs = decode_ok("C10764", mkpath(3, 1, 0, 7));
	ck_assert_uint_eq(rs.n, 1);
	assert_path(&rs, 0, 1, 0, 7, -1);
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_rejects_outside_target_and_misplaced_tlvs)
{
	/* Instance wrapper with another iid, resource for another rid. */
	ck_assert_int_eq(decode_rc("0801 03 C10001", mkpath(2, 1, 0, 0)), -EBADMSG);
	ck_assert_int_eq(decode_rc("C10801", mkpath(3, 1, 0, 7)), -EBADMSG);
	/* Resource instance at instance level, nested instance, resource inside multiple. */
	ck_assert_int_eq(decode_rc("410001", mkpath(2, 1, 0, 0)), -EBADMSG);
	ck_assert_int_eq(decode_rc("0800 03 000000", mkpath(2, 1, 0, 0)), -EBADMSG);
	ck_assert_int_eq(decode_rc("8606 C10001 410105", mkpath(2, 3, 0, 0)), -EBADMSG);
	/* Bare resources to /oid: no instance to put them in. */
	ck_assert_int_eq(decode_rc("C10001", mkpath(1, 1, 0, 0)), -EBADMSG);
	/* Truncated header, id, length and value. */
	ck_assert_int_eq(decode_rc("C8", mkpath(2, 1, 0, 0)), -EBADMSG);
	ck_assert_int_eq(decode_rc("E800", mkpath(2, 1, 0, 0)), -EBADMSG);
	ck_assert_int_eq(decode_rc("D00001", mkpath(2, 1, 0, 0)), -EBADMSG);
	ck_assert_int_eq(decode_rc("C30001", mkpath(2, 1, 0, 0)), -EBADMSG);
	ck_assert_int_eq(decode_rc("", mkpath(2, 1, 0, 0)), 0);
}
END_TEST

static int as(const char *hex, enum lwm2m_type t, struct lwm2m_value *out)
{
	static uint8_t p[16];
	struct lwm2m_bytes raw = {p, unhex(hex, p, sizeof(p))};

	return tlv_value_as(&raw, t, out);
}

START_TEST(value_as_reads_spec_encodings)
{
	struct lwm2m_value v;

	ck_assert_int_eq(as("FF", LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert_int_eq(v.v.i, -1);
	ck_assert_int_eq(as("FF", LWM2M_TYPE_UNSIGNED, &v), 0);
	ck_assert_uint_eq(v.v.u, 255);
	ck_assert_int_eq(as("8000", LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert_int_eq(v.v.i, -32768);
	ck_assert_int_eq(as("8000000000000000", LWM2M_TYPE_INTEGER, &v), 0);
	ck_assert(v.v.i == INT64_MIN);
	ck_assert_int_eq(as("000102", LWM2M_TYPE_INTEGER, &v), -EINVAL);
	ck_assert_int_eq(as("", LWM2M_TYPE_INTEGER, &v), -EINVAL);
	ck_assert_int_eq(as("3FC00000", LWM2M_TYPE_FLOAT, &v), 0);
	ck_assert(v.v.f == 1.5);
	ck_assert_int_eq(as("3FB999999999999A", LWM2M_TYPE_FLOAT, &v), 0);
	ck_assert(v.v.f == 0.1);
	ck_assert_int_eq(as("3FC0", LWM2M_TYPE_FLOAT, &v), -EINVAL);
	ck_assert_int_eq(as("01", LWM2M_TYPE_BOOLEAN, &v), 0);
	ck_assert(v.v.b);
	ck_assert_int_eq(as("02", LWM2M_TYPE_BOOLEAN, &v), -EINVAL);
	ck_assert_int_eq(as("0000", LWM2M_TYPE_BOOLEAN, &v), -EINVAL);
	ck_assert_int_eq(as("00420001", LWM2M_TYPE_OBJLNK, &v), 0);
	ck_assert_int_eq(v.v.objlnk.oid, 66);
	ck_assert_int_eq(v.v.objlnk.iid, 1);
	ck_assert_int_eq(as("004200", LWM2M_TYPE_OBJLNK, &v), -EINVAL);
	ck_assert_int_eq(as("6869", LWM2M_TYPE_STRING, &v), 0);
	ck_assert_uint_eq(v.v.bytes.len, 2);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("tlv");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, encode_device_matches_spec_example);
	tcase_add_test(tc, encode_server_matches_spec_example);
	tcase_add_test(tc, encode_acl_matches_spec_example);
	tcase_add_test(tc, encode_objlnk_matches_spec_example);
	tcase_add_test(tc, encode_integer_sizes);
	tcase_add_test(tc, encode_float_bool_and_long_values);
	tcase_add_test(tc, encode_rejects_unsorted_instance);
	tcase_add_test(tc, decode_device_bare_and_wrapped);
	tcase_add_test(tc, decode_object_payloads);
	tcase_add_test(tc, decode_objlnk_example);
	tcase_add_test(tc, decode_resource_targets);
	tcase_add_test(tc, decode_rejects_outside_target_and_misplaced_tlvs);
	tcase_add_test(tc, value_as_reads_spec_encodings);
	suite_add_tcase(s, tc);
	return s;
}
