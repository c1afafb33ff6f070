#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/senml_json.h"
#include "testutil.h"

/* Core TS 1.1 Table 7.4.4-2 (Read /3/0 in SenML JSON). */
static const char device_json[] = "[{\"bn\":\"/3/0/\",\"n\":\"0\",\"vs\":\"Open Mobile Alliance\"},"
                                  "{\"n\":\"1\",\"vs\":\"Lightweight M2M Client\"},"
                                  "{\"n\":\"2\",\"vs\":\"345000123\"},"
                                  "{\"n\":\"3\",\"vs\":\"1.0\"},"
                                  "{\"n\":\"6/0\",\"v\":1},"
                                  "{\"n\":\"6/1\",\"v\":5},"
                                  "{\"n\":\"7/0\",\"v\":3800},"
                                  "{\"n\":\"7/1\",\"v\":5000},"
                                  "{\"n\":\"8/0\",\"v\":125},"
                                  "{\"n\":\"8/1\",\"v\":900},"
                                  "{\"n\":\"9\",\"v\":100},"
                                  "{\"n\":\"10\",\"v\":15},"
                                  "{\"n\":\"11/0\",\"v\":0},"
                                  "{\"n\":\"13\",\"v\":1367491215},"
                                  "{\"n\":\"14\",\"vs\":\"+02:00\"},"
                                  "{\"n\":\"16\",\"vs\":\"U\"}]";

static int decode(const char *json, struct lwm2m_records *rs)
{
	return senml_json_decode((const uint8_t *)json, strlen(json), rs);
}

static void encode_expect(const struct lwm2m_instance *inst, const char *json)
{
	struct buf b = BUF_INIT;

	ck_assert_int_eq(senml_json_encode_instance(inst, &b), 0);
	ck_assert_uint_eq(b.len, strlen(json));
	ck_assert_msg(memcmp(b.data, json, b.len) == 0, "got %.*s", (int)b.len, b.data);
	buf_free(&b);
}

START_TEST(encode_device_matches_spec_example)
{
	DEVICE_RESOURCES(res);
	struct lwm2m_instance inst = {.oid = 3, .iid = 0, .n_res = N_ELEMS(res), .res = res};

	encode_expect(&inst, device_json);
}
END_TEST

START_TEST(encode_value_kinds)
{
	static const uint8_t key[] = {0xfb, 0xff, 0xfe, 0x01};
	struct lwm2m_resource res[] = {
	    {0, LWM2M_NO_RIID, val_str("a\"b\\c\n\x01")},
	    {1, LWM2M_NO_RIID, val_bool(false)},
	    {3, LWM2M_NO_RIID, val_opaque(key, 4)},
	    {4, LWM2M_NO_RIID, val_opaque(key, 0)},
	    {5, LWM2M_NO_RIID, val_float(22.4)},
	    {6, LWM2M_NO_RIID, val_float(5.0)},
	    {7, LWM2M_NO_RIID, val_uint(UINT64_MAX)},
	    {17, LWM2M_NO_RIID, val_objlnk(21, 65535)},
	};
	struct lwm2m_instance inst = {.oid = 0, .iid = 12, .n_res = N_ELEMS(res), .res = res};

	/* Opaque is base64url without padding (RFC 8428 §4.3): fbfffe01 -> "-__-AQ". */
	encode_expect(&inst, "[{\"bn\":\"/0/12/\",\"n\":\"0\",\"vs\":\"a\\\"b\\\\c\\n\\u0001\"},"
	                     "{\"n\":\"1\",\"vb\":false},{\"n\":\"3\",\"vd\":\"-__-AQ\"},"
	                     "{\"n\":\"4\",\"vd\":\"\"},{\"n\":\"5\",\"v\":22.4},"
	                     "{\"n\":\"6\",\"v\":5.0},{\"n\":\"7\",\"v\":18446744073709551615},"
	                     "{\"n\":\"17\",\"vlo\":\"21:65535\"}]");
}
END_TEST

START_TEST(encode_rejects_unencodable_values)
{
	struct lwm2m_resource res[] = {{5, LWM2M_NO_RIID, val_float(NAN)}};
	struct lwm2m_instance inst = {.oid = 3, .iid = 0, .n_res = 1, .res = res};
	struct buf b = BUF_INIT;

	ck_assert_int_eq(senml_json_encode_instance(&inst, &b), -EINVAL);
	res[0].value.type = LWM2M_TYPE_NONE;
	ck_assert_int_eq(senml_json_encode_instance(&inst, &b), -EINVAL);
	buf_free(&b);
}
END_TEST

START_TEST(decode_device_spec_example)
{
	struct lwm2m_records rs = {0};

	ck_assert_int_eq(decode(device_json, &rs), 0);
	ck_assert_uint_eq(rs.n, 16);
	assert_path(&rs, 0, 3, 0, 0, -1);
	ck_assert_int_eq(rs.items[0].value.type, LWM2M_TYPE_STRING);
	assert_value(&rs, 0, val_str("Open Mobile Alliance"));
	assert_path(&rs, 7, 3, 0, 7, 1);
	ck_assert_int_eq(rs.items[7].value.type, LWM2M_TYPE_INTEGER);
	assert_value(&rs, 7, val_int(5000));
	assert_value(&rs, 13, val_typed_int(LWM2M_TYPE_TIME, 1367491215));
	assert_path(&rs, 15, 3, 0, 16, -1);
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_objlnk_spec_example)
{
	/* Core TS 1.1 Table 7.4.4-4, with the Objlnk value of /66/1/2 in decimal. */
	const char *json = "[{\"bn\":\"/\",\"n\":\"65/0/0/0\",\"vlo\":\"66:0\"},"
	                   "{\"n\":\"65/0/0/1\",\"vlo\":\"66:1\"},"
	                   "{\"n\":\"65/0/1\",\"vs\":\"8613800755500\"},"
	                   "{\"n\":\"65/0/2\",\"v\":1},"
	                   "{\"n\":\"66/0/0\",\"vs\":\"myService1\"},"
	                   "{\"n\":\"66/0/1\",\"vs\":\"Internet.15.234\"},"
	                   "{\"n\":\"66/0/2\",\"vlo\":\"67:0\"},"
	                   "{\"n\":\"66/1/0\",\"vs\":\"myService2\"},"
	                   "{\"n\":\"66/1/1\",\"vs\":\"Internet.15.235\"},"
	                   "{\"n\":\"66/1/2\",\"vlo\":\"65535:65535\"},"
	                   "{\"n\":\"67/0/0\",\"vs\":\"85.76.76.84\"},"
	                   "{\"n\":\"67/0/1\",\"vs\":\"85.76.255.255\"}]";
	struct lwm2m_records rs = {0};

	ck_assert_int_eq(decode(json, &rs), 0);
	ck_assert_uint_eq(rs.n, 12);
	assert_path(&rs, 1, 65, 0, 0, 1);
	assert_value(&rs, 1, val_objlnk(66, 1));
	assert_path(&rs, 9, 66, 1, 2, -1);
	assert_value(&rs, 9, val_objlnk(65535, 65535));
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_absolute_names_and_no_values)
{
	/* Core TS 1.1 Tables 7.4.4-6 (no values: nothing to write) and 7.4.4-7, 7.4.4-8. */
	struct lwm2m_records rs = {0};

	ck_assert_int_eq(decode("[{\"n\":\"/3/0/0\"},{\"n\":\"/3/0/9\"},{\"n\":\"/1/0/1\"}]", &rs),
	                 0);
	ck_assert_uint_eq(rs.n, 0);
	ck_assert_int_eq(decode("[{\"n\":\"/3/0/0\", \"vs\":\"Open Mobile Alliance\"},"
	                        "{\"n\" :\"/3/0/9\", \"v\":95},{\"n\":\"/1/0/1\", \"v\":86400}]",
	                        &rs),
	                 0);
	ck_assert_int_eq(decode("[{\"n\":\"/3311/0/5850\", \"vb\":false},"
	                        "{\"n\":\"/3308/0/5900\", \"v\":18}]",
	                        &rs),
	                 0);
	ck_assert_uint_eq(rs.n, 5);
	assert_path(&rs, 2, 1, 0, 1, -1);
	assert_value(&rs, 2, val_int(86400));
	assert_path(&rs, 3, 3311, 0, 5850, -1);
	assert_value(&rs, 3, val_bool(false));
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_base_name_rules_and_whitespace)
{
	/* Spacing, label order, a new bn mid-array, bn without trailing slash. */
	const char *json = " [ {\"bn\" : \"/21/7/\",\n \"n\" :   \"0\", \t\"vs\":\"lwbs\"},\r\n"
	                   "{\"v\":300, \"n\":\"1\"}, {\"n\":\"2/0\", \"vb\":true},"
	                   "{\"vb\": false, \"n\":\"2/1\"},"
	                   "{\"bn\":\"/1/3\",\"n\":\"/0\",\"v\":4321},{\"n\":\"/1\",\"v\":-9}] ";
	struct lwm2m_records rs = {0};

	ck_assert_int_eq(decode(json, &rs), 0);
	ck_assert_uint_eq(rs.n, 6);
	assert_path(&rs, 1, 21, 7, 1, -1);
	assert_value(&rs, 1, val_int(300));
	assert_path(&rs, 3, 21, 7, 2, 1);
	assert_path(&rs, 4, 1, 3, 0, -1);
	assert_path(&rs, 5, 1, 3, 1, -1);
	assert_value(&rs, 5, val_int(-9));
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_strings_and_numbers)
{
	const char *json =
	    "[{\"bn\":\"/0/1/\",\"n\":\"0\",\"vs\":\"a\\\"b\\\\c\\/\\u00e9\\ud83d\\ude00\"},"
	    "{\"n\":\"1\",\"v\":1.5e2},{\"n\":\"2\",\"v\":-0},"
	    "{\"n\":\"3\",\"v\":18446744073709551615},{\"n\":\"4\",\"v\":-2.5E-1},"
	    "{\"n\":\"5\",\"v\":99999999999999999999},"
	    "{\"n\":\"6\",\"vd\":\"AQIDBAU\"},{\"n\":\"7\",\"vd\":\"AQIDBAU=\"},"
	    "{\"n\":\"8\",\"vd\":\"-_8\"},{\"n\":\"9\",\"vd\":\"\"}]";
	struct lwm2m_records rs = {0};

	ck_assert_int_eq(decode(json, &rs), 0);
	ck_assert_uint_eq(rs.n, 10);
	assert_value(&rs, 0, val_str("a\"b\\c/\xc3\xa9\xf0\x9f\x98\x80"));
	ck_assert_int_eq(rs.items[1].value.type, LWM2M_TYPE_FLOAT);
	assert_value(&rs, 1, val_float(150));
	assert_value(&rs, 1, val_int(150));
	ck_assert_int_eq(rs.items[2].value.type, LWM2M_TYPE_INTEGER);
	ck_assert_int_eq(rs.items[3].value.type, LWM2M_TYPE_UNSIGNED);
	assert_value(&rs, 3, val_uint(UINT64_MAX));
	assert_value(&rs, 4, val_float(-0.25));
	ck_assert_int_eq(rs.items[5].value.type, LWM2M_TYPE_FLOAT);
	assert_value(&rs, 6, val_opaque("\x01\x02\x03\x04\x05", 5));
	assert_value(&rs, 7, val_opaque("\x01\x02\x03\x04\x05", 5));
	assert_value(&rs, 8, val_opaque("\xfb\xff", 2));
	assert_value(&rs, 9, val_opaque("", 0));
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_skips_unknown_labels)
{
	const char *json = "[{\"bn\":\"/1/0/\",\"bt\":25462634,\"n\":\"1\",\"v\":60,\"t\":-5,"
	                   "\"x\":{\"a\":[1,2,{\"b\":null}],\"c\":\"d\"},\"ver\":10}]";
	struct lwm2m_records rs = {0};

	ck_assert_int_eq(decode(json, &rs), 0);
	ck_assert_uint_eq(rs.n, 1);
	assert_value(&rs, 0, val_int(60));
	codec_records_free(&rs);
}
END_TEST

START_TEST(decode_rejects_malformed_payloads)
{
	static const char *const bad[] = {
	    "",
	    "{}",
	    "[",
	    "[{\"n\":\"/1/0/1\",\"v\":1}",
	    "[{\"n\":\"/1/0/1\",\"v\":1}]]",
	    "[{\"n\":\"/1/0/1\",\"v\":1},]",
	    "[{\"n\":\"/1/0/1\",\"v\":1,}]",
	    "[{\"n\":\"/1/0/1\" \"v\":1}]",
	    "[{\"n\":\"/1/0/1\",\"v\":01}]",
	    "[{\"n\":\"/1/0/1\",\"v\":1.}]",
	    "[{\"n\":\"/1/0/1\",\"v\":1e999}]",
	    "[{\"n\":\"/1/0/1\",\"v\":\"1\"}]",
	    "[{\"n\":\"/1/0/1\",\"vb\":1}]",
	    "[{\"n\":\"/1/0/1\",\"vs\":\"a\\x\"}]",
	    "[{\"n\":\"/1/0/1\",\"vs\":\"\\ud800\"}]",
	    "[{\"n\":\"/1/0/1\",\"vs\":\"tab\there\"}]",
	    "[{\"n\":\"/1/0/1\",\"vd\":\"A\"}]",
	    "[{\"n\":\"/1/0/1\",\"vd\":\"A*B=\"}]",
	    "[{\"n\":\"/1/0/1\",\"vlo\":\"66\"}]",
	    "[{\"n\":\"/1/0/1\",\"v\":1,\"vs\":\"x\"}]",
	    "[{\"n\":\"/1/0/1\",\"n\":\"/1/0/2\",\"v\":1}]",
	    "[{\"n\":\"/1/0/1\",\"v\":1,\"foo_\":1}]",
	    "[{\"n\":\"/1/0/65536\",\"v\":1}]",
	    "[{\"n\":\"/1/0/1/2/3\",\"v\":1}]",
	    "[{\"n\":\"1/0/1\",\"v\":1}]",
	    "[{\"bn\":\"/1/0/\",\"v\":1}]",
	    "[{\"n\":\"/1/0/1\",\"v\":tru}]",
	    "[{\"n\":\"/1/0/1\",\"x\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]],\"v\":1}]",
	};
	struct lwm2m_records rs = {0};

	for (size_t i = 0; i < N_ELEMS(bad); i++)
		ck_assert_msg(decode(bad[i], &rs) == -EBADMSG, "accepted %s", bad[i]);
	codec_records_free(&rs);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("senml_json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, encode_device_matches_spec_example);
	tcase_add_test(tc, encode_value_kinds);
	tcase_add_test(tc, encode_rejects_unencodable_values);
	tcase_add_test(tc, decode_device_spec_example);
	tcase_add_test(tc, decode_objlnk_spec_example);
	tcase_add_test(tc, decode_absolute_names_and_no_values);
	tcase_add_test(tc, decode_base_name_rules_and_whitespace);
	tcase_add_test(tc, decode_strings_and_numbers);
	tcase_add_test(tc, decode_skips_unknown_labels);
	tcase_add_test(tc, decode_rejects_malformed_payloads);
	suite_add_tcase(s, tc);
	return s;
}
