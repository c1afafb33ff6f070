#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/cbor.h"
#include "testutil.h"

/* Encodings from RFC 8949 Appendix A. */
struct float_vector {
	double d;
	const char *hex;
};

static const struct float_vector floats[] = {
    {0.0, "f90000"},
    {-0.0, "f98000"},
    {1.0, "f93c00"},
    {1.1, "fb3ff199999999999a"},
    {1.5, "f93e00"},
    {65504.0, "f97bff"},
    {100000.0, "fa47c35000"},
    {3.4028234663852886e+38, "fa7f7fffff"},
    {1.0e+300, "fb7e37e43c8800759c"},
    {5.960464477539063e-8, "f90001"},
    {0.00006103515625, "f90400"},
    {-4.0, "f9c400"},
    {-4.1, "fbc010666666666666"},
};

START_TEST(writes_rfc8949_integers)
{
	static const struct {
		int64_t v;
		const char *hex;
	} ints[] = {
	    {0, "00"},
	    {23, "17"},
	    {24, "1818"},
	    {100, "1864"},
	    {1000, "1903e8"},
	    {1000000, "1a000f4240"},
	    {1000000000000, "1b000000e8d4a51000"},
	    {-1, "20"},
	    {-10, "29"},
	    {-100, "3863"},
	    {-1000, "3903e7"},
	    {INT64_MIN, "3b7fffffffffffffff"},
	};
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < N_ELEMS(ints); i++) {
		buf_reset(&b);
		ck_assert_int_eq(cbor_put_int(&b, ints[i].v), 0);
		assert_hex(&b, ints[i].hex);
	}
	buf_reset(&b);
	ck_assert_int_eq(cbor_put_uint(&b, UINT64_MAX), 0);
	assert_hex(&b, "1bffffffffffffffff");
	buf_free(&b);
}
END_TEST

START_TEST(writes_shortest_exact_floats)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < N_ELEMS(floats); i++) {
		buf_reset(&b);
		ck_assert_int_eq(cbor_put_float(&b, floats[i].d), 0);
		assert_hex(&b, floats[i].hex);
	}
	buf_reset(&b);
	ck_assert_int_eq(cbor_put_float(&b, INFINITY), 0);
	ck_assert_int_eq(cbor_put_float(&b, -INFINITY), 0);
	ck_assert_int_eq(cbor_put_float(&b, NAN), 0);
	assert_hex(&b, "f97c00 f9fc00 f97e00");
	buf_free(&b);
}
END_TEST

START_TEST(writes_strings_and_containers)
{
	struct buf b = BUF_INIT;

	ck_assert_int_eq(cbor_put_text(&b, "", 0), 0);
	ck_assert_int_eq(cbor_put_text(&b, "IETF", 4), 0);
	ck_assert_int_eq(cbor_put_bytes(&b, "\x01\x02\x03\x04", 4), 0);
	ck_assert_int_eq(cbor_put_array(&b, 3), 0);
	ck_assert_int_eq(cbor_put_map(&b, 0), 0);
	ck_assert_int_eq(cbor_put_array(&b, 25), 0);
	ck_assert_int_eq(cbor_put_bool(&b, true), 0);
	ck_assert_int_eq(cbor_put_bool(&b, false), 0);
	assert_hex(&b, "60 6449455446 4401020304 83 a0 9819 f5 f4");
	buf_free(&b);
}
END_TEST

static struct cbor_reader reader_of(const char *hex)
{
	static uint8_t p[256];
	struct cbor_reader r;

	cbor_reader_init(&r, p, unhex(hex, p, sizeof(p)));
	return r;
}

START_TEST(reads_all_float_widths)
{
	for (size_t i = 0; i < N_ELEMS(floats); i++) {
		struct cbor_reader r = reader_of(floats[i].hex);
		struct cbor_item it;

		ck_assert_int_eq(cbor_read(&r, &it), 0);
		ck_assert_int_eq(it.kind, CBOR_FLOAT);
		ck_assert_msg(it.f == floats[i].d && signbit(it.f) == signbit(floats[i].d), "%s",
		              floats[i].hex);
		ck_assert(cbor_at_end(&r));
	}
}
END_TEST

START_TEST(reads_values_typed)
{
	struct cbor_reader r = reader_of("1bffffffffffffffff 3b7fffffffffffffff c11a514b67b0 f5 "
	                                 "4401020304 6449455446 c074323031332d30332d32315432303a30"
	                                 "343a30305a fa47c35000");
	struct buf tmp = BUF_INIT;
	struct lwm2m_value v;

	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), 0);
	ck_assert(v.type == LWM2M_TYPE_UNSIGNED && v.v.u == UINT64_MAX);
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), 0);
	ck_assert(v.type == LWM2M_TYPE_INTEGER && v.v.i == INT64_MIN);
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), 0);
	ck_assert(v.type == LWM2M_TYPE_TIME && v.v.i == 1363896240);
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), 0);
	ck_assert(v.type == LWM2M_TYPE_BOOLEAN && v.v.b);
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), 0);
	ck_assert(v.type == LWM2M_TYPE_OPAQUE && v.v.bytes.len == 4);
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), 0);
	ck_assert(v.type == LWM2M_TYPE_STRING && memcmp(v.v.bytes.data, "IETF", 4) == 0);
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), 0);
	ck_assert(v.type == LWM2M_TYPE_STRING && v.v.bytes.len == 20);
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), 0);
	ck_assert(v.type == LWM2M_TYPE_FLOAT && v.v.f == 100000.0);
	ck_assert(cbor_at_end(&r));
	/* -2^64 does not fit an int64; null and containers are no scalar. */
	r = reader_of("3bffffffffffffffff");
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), -EBADMSG);
	r = reader_of("f6");
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), -EBADMSG);
	r = reader_of("80");
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), -EBADMSG);
	buf_free(&tmp);
}
END_TEST

START_TEST(reads_indefinite_strings)
{
	struct cbor_reader r = reader_of("5f42010243030405ff 7f657374726561646d696e67ff 7fff");
	struct buf tmp = BUF_INIT;
	struct lwm2m_value v;

	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), 0);
	ck_assert(v.type == LWM2M_TYPE_OPAQUE && v.v.bytes.len == 5);
	ck_assert_int_eq(memcmp(v.v.bytes.data, "\x01\x02\x03\x04\x05", 5), 0);
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), 0);
	ck_assert(v.type == LWM2M_TYPE_STRING && v.v.bytes.len == 9);
	ck_assert_int_eq(memcmp(v.v.bytes.data, "streaming", 9), 0);
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), 0);
	ck_assert(v.type == LWM2M_TYPE_STRING && v.v.bytes.len == 0);
	/* Chunks of another type, nested indefinite chunks, a missing break. */
	r = reader_of("5f6161ff");
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), -EBADMSG);
	r = reader_of("5f5f4101ffff");
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), -EBADMSG);
	r = reader_of("5f4101");
	ck_assert_int_eq(cbor_read_value(&r, &tmp, &v), -EBADMSG);
	buf_free(&tmp);
}
END_TEST

static int skip_all(const char *hex)
{
	struct cbor_reader r = reader_of(hex);
	int rc = cbor_skip(&r);

	return rc == 0 && !cbor_at_end(&r) ? -E2BIG : rc;
}

START_TEST(skips_nested_items)
{
	ck_assert_int_eq(skip_all("9fff"), 0);
	ck_assert_int_eq(skip_all("9f018202039f0405ffff"), 0);
	ck_assert_int_eq(skip_all("bf61610161629f0203ffff"), 0);
	ck_assert_int_eq(skip_all("a26161016162820203"), 0);
	ck_assert_int_eq(skip_all("c11a514b67b0"), 0);
	ck_assert_int_eq(skip_all("8181818181818181818181818181818100"), 0);
	ck_assert_int_eq(skip_all("818181818181818181818181818181818100"), -EBADMSG);
}
END_TEST

START_TEST(rejects_malformed_items)
{
	static const char *const bad[] = {
	    "",       /* nothing */
	    "18",     /* missing argument byte */
	    "1b0000", /* short 8-byte argument */
	    "1c",     /* reserved additional information */
	    "1f",     /* indefinite integer */
	    "62 61",  /* string past the end */
	    "f818",   /* two-byte simple value below 32 */
	    "ff",     /* lone break */
	    "83 01 02", "9f 01", "bf 01 02 03 ff", "a1 01",
	};

	for (size_t i = 0; i < N_ELEMS(bad); i++)
		ck_assert_msg(skip_all(bad[i]) == -EBADMSG, "%s", bad[i]);
}
END_TEST

START_TEST(next_entry_counts_and_stops)
{
	struct cbor_reader r = reader_of("9f 01 02 ff 82 03 04");
	struct cbor_item c, it;
	uint64_t i = 0;

	ck_assert_int_eq(cbor_read(&r, &c), 0);
	ck_assert(c.kind == CBOR_ARRAY && c.indefinite);
	while (cbor_next_entry(&r, &c, &i) == 1)
		ck_assert_int_eq(cbor_read(&r, &it), 0);
	ck_assert_uint_eq(i, 2);
	ck_assert_int_eq(cbor_read(&r, &c), 0);
	ck_assert(c.kind == CBOR_ARRAY && !c.indefinite && c.u == 2);
	i = 0;
	while (cbor_next_entry(&r, &c, &i) == 1)
		ck_assert_int_eq(cbor_read(&r, &it), 0);
	ck_assert_uint_eq(i, 2);
	ck_assert(cbor_at_end(&r));
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("cbor");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, writes_rfc8949_integers);
	tcase_add_test(tc, writes_shortest_exact_floats);
	tcase_add_test(tc, writes_strings_and_containers);
	tcase_add_test(tc, reads_all_float_widths);
	tcase_add_test(tc, reads_values_typed);
	tcase_add_test(tc, reads_indefinite_strings);
	tcase_add_test(tc, skips_nested_items);
	tcase_add_test(tc, rejects_malformed_items);
	tcase_add_test(tc, next_entry_counts_and_stops);
	suite_add_tcase(s, tc);
	return s;
}
