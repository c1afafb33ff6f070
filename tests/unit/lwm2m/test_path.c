#include <check.h>
#include <errno.h>
#include <string.h>

#include "lwm2m/path.h"

static struct lwm2m_path parsed(const char *s)
{
	struct lwm2m_path p;

	ck_assert_int_eq(path_parse(s, strlen(s), &p), 0);
	return p;
}

START_TEST(parse_depths)
{
	struct lwm2m_path p = parsed("/");

	ck_assert_uint_eq(p.depth, 0);
	p = parsed("/0");
	ck_assert_uint_eq(p.depth, 1);
	p = parsed("/65535/1/007/3");
	ck_assert_uint_eq(p.depth, 4);
	ck_assert_uint_eq(p.ids[0], 65535);
	ck_assert_uint_eq(p.ids[2], 7);
	ck_assert_uint_eq(p.ids[3], 3);
}
END_TEST

START_TEST(parse_refuses)
{
	static const char *const bad[] = {"", "0", "/0/", "//", "/65536", "/1/2/3/4/5",
					  "/a", "/1a", "/123456", "/-1"};
	struct lwm2m_path p = {.depth = 9};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(path_parse(bad[i], strlen(bad[i]), &p) == -EINVAL, "%s", bad[i]);
		ck_assert_uint_eq(p.depth, 9); /* untouched */
	}
}
END_TEST

START_TEST(parse_joined_as_senml_names)
{
	struct lwm2m_path p;

	ck_assert_int_eq(path_parse_joined("/3/0/", 5, "1", 1, &p), 0);
	ck_assert_uint_eq(p.depth, 3);
	ck_assert_uint_eq(p.ids[2], 1);
	ck_assert_int_eq(path_parse_joined("/3/0", 4, "", 0, &p), 0);
	ck_assert_uint_eq(p.depth, 2);
	ck_assert_int_eq(path_parse_joined("/3/0/", 5, "", 0, &p), -EINVAL);
	ck_assert_int_eq(path_parse_joined("/65535/65535/", 13, "65535/65535", 11, &p), 0);
	ck_assert_int_eq(path_parse_joined("/65535/65535/", 13, "65535/655355", 12, &p), -EINVAL);
}
END_TEST

START_TEST(under_prefix)
{
	struct lwm2m_path root = parsed("/"), o = parsed("/1"), i = parsed("/1/0"),
			  other = parsed("/10/0");

	ck_assert(path_is_under(&i, &root));
	ck_assert(path_is_under(&i, &o));
	ck_assert(path_is_under(&i, &i));
	ck_assert(!path_is_under(&o, &i));
	ck_assert(!path_is_under(&other, &o));
}
END_TEST

START_TEST(objlnk_round_trip)
{
	char t[PATH_OBJLNK_MAX];
	uint16_t oid = 1, iid = 1;

	ck_assert_uint_eq(path_format_objlnk(t, 65535, 65535), 11);
	ck_assert_str_eq(t, "65535:65535");
	ck_assert_uint_eq(path_format_objlnk(t, 21, 0), 4);
	ck_assert_str_eq(t, "21:0");
	ck_assert_int_eq(path_parse_objlnk(t, 4, &oid, &iid), 0);
	ck_assert(oid == 21 && iid == 0);
	ck_assert_int_eq(path_parse_objlnk("21", 2, &oid, &iid), -EINVAL);
	ck_assert_int_eq(path_parse_objlnk("21:", 3, &oid, &iid), -EINVAL);
	ck_assert_int_eq(path_parse_objlnk("1:70000", 7, &oid, &iid), -EINVAL);
	ck_assert(oid == 21 && iid == 0);
}
END_TEST

START_TEST(format_ids_and_paths)
{
	static const char *const texts[] = {"/", "/0", "/1/0", "/0/65535/10/9",
					    "/65535/65535/65535/65535"};
	char t[PATH_TEXT_MAX], id[5];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct lwm2m_path p = parsed(texts[i]);

		ck_assert_uint_eq(path_format(t, &p), strlen(texts[i]));
		ck_assert_str_eq(t, texts[i]);
	}
	ck_assert_uint_eq(path_format_id(id, 0), 1);
	ck_assert_int_eq(memcmp(id, "0", 1), 0);
	ck_assert_uint_eq(path_format_id(id, 40960), 5);
	ck_assert_int_eq(memcmp(id, "40960", 5), 0);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("path");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, parse_depths);
	tcase_add_test(tc, parse_refuses);
	tcase_add_test(tc, parse_joined_as_senml_names);
	tcase_add_test(tc, under_prefix);
	tcase_add_test(tc, objlnk_round_trip);
	tcase_add_test(tc, format_ids_and_paths);
	suite_add_tcase(s, tc);
	return s;
}
