#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/lwm2m_cbor.h"
#include "testutil.h"

static int decode_hex(const char *hex, struct lwm2m_records *rs)
{
	static uint8_t p[512];

	return lwm2m_cbor_decode(p, unhex(hex, p, sizeof(p)), rs);
}

static void encode_expect(const struct lwm2m_instance *inst, const char *hex)
{
	struct buf b = BUF_INIT;

	ck_assert_int_eq(lwm2m_cbor_encode_instance(inst, &b), 0);
	assert_hex(&b, hex);
	buf_free(&b);
}

START_TEST(encode_nested_maps)
{
	struct lwm2m_resource res[] = {
	    {1, LWM2M_NO_RIID, val_int(300)},
	    {5, 7, val_float(1.5)},
	    {5, 9, val_bool(true)},
	};
	struct lwm2m_instance inst = {.oid = 21, .iid = 4, .n_res = N_ELEMS(res), .res = res};

	/* {21: {4: {1: 300, 5: {7: 1.5, 9: true}}}}; 1.5 is exact as a half float. */
	encode_expect(&inst, "a1 15 a1 04 a2 01 19012c 05 a2 07 f93e00 09 f5");
}
END_TEST

START_TEST(encode_device_instance)
{
	DEVICE_RESOURCES(res);
	struct lwm2m_instance inst = {.oid = 3, .iid = 0, .n_res = N_ELEMS(res), .res = res};

	/* {3: {0: {0: "Open Mobile Alliance", ..., 6: {0: 1, 1: 5}, ..., 16: "U"}}} */
	encode_expect(&inst, "a1 03 a1 00 ad"
	                     " 00 74 4f70656e204d6f62696c6520416c6c69616e6365"
	                     " 01 76 4c69676874776569676874204d324d20436c69656e74"
	                     " 02 69 333435303030313233  03 63 312e30"
	                     " 06 a2 00 01 01 05  07 a2 00 190ed8 01 191388"
	                     " 08 a2 00 187d 01 190384  09 1864  0a 0f  0b a1 00 00"
	                     " 0d 1a5182428f  0e 66 2b30323a3030  10 61 55");
}
END_TEST

START_TEST(encode_value_kinds)
{
	struct lwm2m_resource res[] = {
	    {0, LWM2M_NO_RIID, val_str("coap://x")},
	    {3, LWM2M_NO_RIID, val_opaque("\xde\xad", 2)},
	    {13, LWM2M_NO_RIID, val_uint(200)},
	    {17, LWM2M_NO_RIID, val_objlnk(21, 3)},
	};
	struct lwm2m_instance inst = {.oid = 0, .iid = 300, .n_res = N_ELEMS(res), .res = res};
	struct buf b = BUF_INIT;

	encode_expect(&inst, "a1 00 a1 19012c a4 00 68 636f61703a2f2f78 03 42 dead 0d 18c8"
	                     " 11 64 32313a33");
	res[0].value.type = LWM2M_TYPE_NONE;
	ck_assert_int_eq(lwm2m_cbor_encode_instance(&inst, &b), -EINVAL);
	buf_free(&b);
}
END_TEST

/* Every key form of Core TS 1.2 §7.4.6 decodes to /21/4/1 = 300. */
START_TEST(decode_all_key_forms)
{
	static const char *const forms[] = {
	    "a1 83 15 04 01 19012c",                           /* {[21, 4, 1]: 300} */
	    "bf 9f 15 04 01 ff 19012c ff",                     /* {_ [_ 21, 4, 1]: 300} */
	    "a1 15 a1 04 a1 01 19012c",                        /* {21: {4: {1: 300}}} */
	    "a1 81 15 a1 81 04 a1 81 01 19012c",               /* {[21]: {[4]: {[1]: 300}}} */
	    "bf 9f 15 ff bf 9f 04 ff bf 9f 01 ff 19012c ff ff ff", /* all indefinite */
	    "a1 82 15 04 a1 01 19012c",                        /* {[21, 4]: {1: 300}} */
	};
	struct lwm2m_records rs = {0};

	for (size_t i = 0; i < N_ELEMS(forms); i++) {
		ck_assert_msg(decode_hex(forms[i], &rs) == 0, "%s", forms[i]);
		ck_assert_uint_eq(rs.n, 1);
		assert_path(&rs, 0, 21, 4, 1, -1);
		assert_value(&rs, 0, val_int(300));
		codec_records_free(&rs);
	}
}
END_TEST

START_TEST(decode_mixed_keys_and_values)
{
	struct lwm2m_records rs = {0};

	/* Key forms mixed in one map: {[21, 4]: {1: 300}, [21, 4, 2]: 9} and the reverse. */
	ck_assert_int_eq(decode_hex("a2 82 15 04 a1 01 19012c 83 15 04 02 09", &rs), 0);
	ck_assert_int_eq(decode_hex("a2 83 15 04 01 19012c 82 15 04 a1 81 02 09", &rs), 0);
	ck_assert_uint_eq(rs.n, 4);
	assert_path(&rs, 3, 21, 4, 2, -1);
	assert_value(&rs, 3, val_int(9));
	codec_records_free(&rs);

	/* Every kind of value: {[21, 4]: {1: 7, 2: -3, 3: 0.25, 4: "lwbs", 5: h'c0ffee',
	 * 6: "3:0", 7: 0}} */
	ck_assert_int_eq(decode_hex("a1 82 15 04 a7 01 07 02 22 03 f93400 04 646c776273"
	                            " 05 43c0ffee 06 63333a30 07 00",
	                            &rs),
	                 0);
	ck_assert_uint_eq(rs.n, 7);
	assert_value(&rs, 1, val_int(-3));
	assert_value(&rs, 2, val_float(0.25));
	assert_value(&rs, 3, val_str("lwbs"));
	assert_value(&rs, 4, val_opaque("\xc0\xff\xee", 3));
	assert_value(&rs, 5, val_objlnk(3, 0));
	codec_records_free(&rs);

	/* {[21, 4, 1]: (_ h'0011', h'2233')} and {[21, 4, 1, 2]: 5} */
	ck_assert_int_eq(decode_hex("a1 83 15 04 01 5f 420011 422233 ff", &rs), 0);
	ck_assert_int_eq(decode_hex("a1 84 15 04 01 02 05", &rs), 0);
	ck_assert_uint_eq(rs.n, 2);
	assert_value(&rs, 0, val_opaque("\x00\x11\x22\x33", 4));
	assert_path(&rs, 1, 21, 4, 1, 2);
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_rejects_malformed_payloads)
{
	static const char *const bad[] = {
	    "",
	    "83 0d 181a 01",              /* not a map */
	    "a1 83 0d 181a 01",           /* missing value */
	    "a1 83 0d 181a 01 f6",        /* null */
	    "a1 82 0d 181a 05",           /* value at an instance */
	    "a1 80 05",                   /* empty key array */
	    "a1 85 01 02 03 04 05 06",    /* five ids */
	    "a1 84 01 02 03 04 a1 05 06", /* a map below a resource instance */
	    "a1 83 1a00010000 00 00 07",  /* id beyond 65535 */
	    "a1 83 20 00 00 07",          /* negative id */
	    "a1 83 61 31 00 00 07",       /* text id */
	    "a1 83 00 00 00 07 00",       /* trailing bytes */
	    "bf 83 00 00 00 07",          /* missing break */
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
	Suite *s = suite_create("lwm2m_cbor");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, encode_nested_maps);
	tcase_add_test(tc, encode_device_instance);
	tcase_add_test(tc, encode_value_kinds);
	tcase_add_test(tc, decode_all_key_forms);
	tcase_add_test(tc, decode_mixed_keys_and_values);
	tcase_add_test(tc, decode_rejects_malformed_payloads);
	suite_add_tcase(s, tc);
	return s;
}
