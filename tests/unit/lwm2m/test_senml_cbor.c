#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/senml_cbor.h"
#include "testutil.h"

/*
 * Core TS 1.1 Table 7.4.4-2 in SenML CBOR (RFC 8428 §6 labels, RFC 8949 encoding):
 * [{-2: "/3/0/", 0: "0", 3: "Open Mobile Alliance"}, {0: "1", 3: ...}, ...,
 *  {0: "13", 2: 1367491215}, {0: "14", 3: "+02:00"}, {0: "16", 3: "U"}]
 */
#define DEVICE_SENML_CBOR                                                                          \
	"90a321652f332f302f00613003744f70656e204d6f62696c6520416c6c69616e"                         \
	"6365a200613103764c69676874776569676874204d324d20436c69656e74a200"                         \
	"61320369333435303030313233a20061330363312e30a20063362f300201a200"                         \
	"63362f310205a20063372f3002190ed8a20063372f3102191388a20063382f30"                         \
	"02187da20063382f3102190384a2006139021864a200623130020fa200643131"                         \
	"2f300200a200623133021a5182428fa20062313403662b30323a3030a2006231"                         \
	"36036155"

/* Table 7.4.4-3: [{-2: "/72/", -3: 25462634, 0: "1/2", 2: 22.4, 6: -5}, ...] */
#define TIMESTAMPED_SENML_CBOR                                                                     \
	"83a521642f37322f221a0184876a0063312f3202fb40366666666666660624a3"                         \
	"0063312f3202fb4036e6666666666606381da30063312f3202fb403819999999"                         \
	"999a063831"

/* Table 7.4.4-4 (Objlnk under the "vlo" text label; /66/1/2's value in decimal). */
#define OBJLNK_SENML_CBOR                                                                          \
	"8ca321612f006836352f302f302f3063766c6f6436363a30a2006836352f302f"                         \
	"302f3163766c6f6436363a31a2006636352f302f31036d383631333830303735"                         \
	"35353030a2006636352f302f320201a2006636362f302f30036a6d7953657276"                         \
	"69636531a2006636362f302f31036f496e7465726e65742e31352e323334a200"                         \
	"6636362f302f3263766c6f6436373a30a2006636362f312f30036a6d79536572"                         \
	"7669636532a2006636362f312f31036f496e7465726e65742e31352e323335a2"                         \
	"006636362f312f3263766c6f6b36353533353a3635353335a2006636372f302f"                         \
	"30036b38352e37362e37362e3834a2006636372f302f31036d38352e37362e32"                         \
	"35352e323535"

/* Table 7.4.4-8: absolute names, booleans. */
#define COMPOSITE_SENML_CBOR                                                                       \
	"84a2006c2f333331312f302f3538353004f4a2006c2f333331312f312f353835"                         \
	"3004f4a2006c2f333331312f322f353835310214a2006c2f333330382f302f35"                         \
	"3930300212"

static int decode_hex(const char *hex, struct lwm2m_records *rs)
{
	static uint8_t p[1024];

	return senml_cbor_decode(p, unhex(hex, p, sizeof(p)), rs);
}

START_TEST(encode_device_matches_spec_example)
{
	DEVICE_RESOURCES(res);
	struct lwm2m_instance inst = {.oid = 3, .iid = 0, .n_res = N_ELEMS(res), .res = res};
	struct buf b = BUF_INIT;

	ck_assert_int_eq(senml_cbor_encode_instance(&inst, &b), 0);
	assert_hex(&b, DEVICE_SENML_CBOR);
	buf_free(&b);
}
END_TEST

START_TEST(encode_value_kinds)
{
	struct lwm2m_resource res[] = {
	    {1, LWM2M_NO_RIID, val_bool(true)},     {3, LWM2M_NO_RIID, val_opaque("\x01\x02", 2)},
	    {5, LWM2M_NO_RIID, val_float(22.4)},    {6, LWM2M_NO_RIID, val_int(-5)},
	    {17, LWM2M_NO_RIID, val_objlnk(21, 0)},
	};
	struct lwm2m_instance inst = {.oid = 0, .iid = 1, .n_res = N_ELEMS(res), .res = res};
	struct buf b = BUF_INIT;

	ck_assert_int_eq(senml_cbor_encode_instance(&inst, &b), 0);
	assert_hex(&b, "85 a3 21 65 2f302f312f 00 6131 04 f5"
	               "   a2 00 6133 08 420102"
	               "   a2 00 6135 02 fb4036666666666666"
	               "   a2 00 6136 02 24"
	               "   a2 00 623137 63766c6f 6432313a30");
	res[0].value.type = LWM2M_TYPE_NONE;
	ck_assert_int_eq(senml_cbor_encode_instance(&inst, &b), -EINVAL);
	buf_free(&b);
}
END_TEST

START_TEST(decode_device_spec_example)
{
	struct lwm2m_records rs = {0};

	ck_assert_int_eq(decode_hex(DEVICE_SENML_CBOR, &rs), 0);
	ck_assert_uint_eq(rs.n, 16);
	assert_path(&rs, 0, 3, 0, 0, -1);
	assert_value(&rs, 0, val_str("Open Mobile Alliance"));
	assert_path(&rs, 9, 3, 0, 8, 1);
	assert_value(&rs, 9, val_int(900));
	assert_value(&rs, 13, val_typed_int(LWM2M_TYPE_TIME, 1367491215));
	assert_path(&rs, 15, 3, 0, 16, -1);
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_other_spec_examples)
{
	struct lwm2m_records rs = {0};

	/* Time labels are ignored: three writes of /72/1/2. */
	ck_assert_int_eq(decode_hex(TIMESTAMPED_SENML_CBOR, &rs), 0);
	ck_assert_uint_eq(rs.n, 3);
	assert_path(&rs, 0, 72, 1, 2, -1);
	ck_assert_int_eq(rs.items[0].value.type, LWM2M_TYPE_FLOAT);
	assert_value(&rs, 0, val_float(22.4));
	assert_value(&rs, 2, val_float(24.1));
	codec_records_free(&rs);

	ck_assert_int_eq(decode_hex(OBJLNK_SENML_CBOR, &rs), 0);
	ck_assert_uint_eq(rs.n, 12);
	assert_path(&rs, 0, 65, 0, 0, 0);
	assert_value(&rs, 0, val_objlnk(66, 0));
	assert_value(&rs, 3, val_int(1));
	assert_value(&rs, 9, val_objlnk(65535, 65535));
	codec_records_free(&rs);

	ck_assert_int_eq(decode_hex(COMPOSITE_SENML_CBOR, &rs), 0);
	ck_assert_uint_eq(rs.n, 4);
	assert_path(&rs, 3, 3308, 0, 5900, -1);
	assert_value(&rs, 1, val_bool(false));
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_indefinite_lengths)
{
	/* [_ {_ -2: "/0/1/", 0: (_ "1", "0"), 3: (_ "ab", "c")}, {_ 0: "2", 8: h'0102'}] */
	struct lwm2m_records rs = {0};

	ck_assert_int_eq(
	    decode_hex("9f bf 21 65 2f302f312f 00 7f 6131 6130 ff 03 7f 626162 6163 ff ff"
	               "   bf 00 6132 08 420102 ff ff",
	               &rs),
	    0);
	ck_assert_uint_eq(rs.n, 2);
	assert_path(&rs, 0, 0, 1, 10, -1);
	assert_value(&rs, 0, val_str("abc"));
	assert_value(&rs, 1, val_opaque("\x01\x02", 2));
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_rejects_malformed_payloads)
{
	static const char *const bad[] = {
	    "",
	    "a0",                                      /* not an array */
	    "81 a1 00",                                /* truncated */
	    "81 a2 00 66 2f312f302f31 03 01",          /* vs holding a number */
	    "81 a2 00 66 2f312f302f31 02 61 31",       /* v holding text */
	    "81 a2 00 66 2f312f302f31 08 61 31",       /* vd holding text */
	    "81 a2 00 66 2f312f302f31 63766c6f 6136",  /* bad objlnk */
	    "81 a3 00 66 2f312f302f31 02 01 04 f5",    /* two values */
	    "81 a2 00 66 2f312f302f31 02 f6",          /* null */
	    "81 a2 00 01 02 01",                       /* name not text */
	    "81 a2 00 66 2f312f302f31 64 666f6f5f 01", /* must-understand label */
	    "81 a2 00 62 2f31 02 01",                  /* path too short */
	    "81 a2 00 66 2f312f302f31 02 01 00",       /* trailing bytes */
	};
	struct lwm2m_records rs = {0};

	for (size_t i = 0; i < N_ELEMS(bad); i++)
		ck_assert_msg(decode_hex(bad[i], &rs) == -EBADMSG, "accepted %s", bad[i]);
	codec_records_free(&rs);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("senml_cbor");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, encode_device_matches_spec_example);
	tcase_add_test(tc, encode_value_kinds);
	tcase_add_test(tc, decode_device_spec_example);
	tcase_add_test(tc, decode_other_spec_examples);
	tcase_add_test(tc, decode_indefinite_lengths);
	tcase_add_test(tc, decode_rejects_malformed_payloads);
	suite_add_tcase(s, tc);
	return s;
}
