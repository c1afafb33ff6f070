#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hmap.h"

START_TEST(insert_then_get)
{
	struct hmap *m = hmap_new(0);
	int a = 1, b = 2;

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(hmap_insert(m, "dev-1", 5, &a), 0);
	ck_assert_int_eq(hmap_insert(m, "dev-2", 5, &b), 0);
	ck_assert_ptr_eq(hmap_get(m, "dev-1", 5), &a);
	ck_assert_ptr_eq(hmap_get(m, "dev-2", 5), &b);
	ck_assert_ptr_null(hmap_get(m, "dev-3", 5));
	ck_assert_ptr_null(hmap_get(m, "dev-1", 4));
	ck_assert_uint_eq(hmap_count(m), 2);
	hmap_free(m);
}
END_TEST

START_TEST(duplicate_keeps_first)
{
	struct hmap *m = hmap_new(4);
	int a = 1, b = 2;

	ck_assert_int_eq(hmap_insert(m, "x", 1, &a), 0);
	ck_assert_int_eq(hmap_insert(m, "x", 1, &b), -EEXIST);
	ck_assert_ptr_eq(hmap_get(m, "x", 1), &a);
	ck_assert_uint_eq(hmap_count(m), 1);
	ck_assert_int_eq(hmap_insert(m, "y", 1, NULL), -EINVAL);
	ck_assert_uint_eq(hmap_count(m), 1);
	hmap_free(m);
}
END_TEST

/* Keys are bytes: NUL is an ordinary byte and the length is part of the key. */
START_TEST(binary_keys_with_nul)
{
	struct hmap *m = hmap_new(0);
	int a = 1, b = 2, c = 3, d = 4, e = 5;

	ck_assert_int_eq(hmap_insert(m, "a\0b", 3, &a), 0);
	ck_assert_int_eq(hmap_insert(m, "a\0c", 3, &b), 0);
	ck_assert_int_eq(hmap_insert(m, "a", 1, &c), 0);
	ck_assert_int_eq(hmap_insert(m, "a\0", 2, &d), 0);
	ck_assert_int_eq(hmap_insert(m, "", 0, &e), 0);
	ck_assert_ptr_eq(hmap_get(m, "a\0b", 3), &a);
	ck_assert_ptr_eq(hmap_get(m, "a\0c", 3), &b);
	ck_assert_ptr_eq(hmap_get(m, "a", 1), &c);
	ck_assert_ptr_eq(hmap_get(m, "a\0", 2), &d);
	ck_assert_ptr_eq(hmap_get(m, NULL, 0), &e);
	ck_assert_ptr_null(hmap_get(m, "a\0d", 3));
	hmap_free(m);
}
END_TEST

START_TEST(grows_to_many_keys)
{
	enum { N = 200000 };
	char(*keys)[16] = malloc((size_t)N * sizeof(*keys));
	struct hmap *m = hmap_new(0);

	for (int i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "dev-%07d", i);
		ck_assert_int_eq(hmap_insert(m, keys[i], strlen(keys[i]), keys[i]), 0);
	}
	ck_assert_uint_eq(hmap_count(m), N);
	for (int i = 0; i < N; i++)
		ck_assert_ptr_eq(hmap_get(m, keys[i], strlen(keys[i])), keys[i]);
	ck_assert_ptr_null(hmap_get(m, "dev-9999999", 11));
	hmap_free(m);
	free(keys);
}
END_TEST

START_TEST(free_null_is_noop)
{
	hmap_free(NULL);
}
END_TEST

Suite *unit_suite(void);
Suite *unit_suite(void)
{
	Suite *s = suite_create("hmap");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, insert_then_get);
	tcase_add_test(tc, duplicate_keeps_first);
	tcase_add_test(tc, binary_keys_with_nul);
	tcase_add_test(tc, grows_to_many_keys);
	tcase_add_test(tc, free_null_is_noop);
	suite_add_tcase(s, tc);
	return s;
}
