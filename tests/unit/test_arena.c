/* Unit tests: arena allocation and growable vectors. */
#include <stdint.h>

#include "testutil.h"

Test(arena, alignment_and_independence)
{
	struct arena a = ARENA_INIT;
	char *p[1000];
	for (int i = 0; i < 1000; i++) {
		p[i] = arena_alloc(&a, (size_t)(i % 37) + 1);
		cr_assert_eq((uintptr_t)p[i] % 16, 0, "allocation %d is not 16-aligned", i);
		memset(p[i], i & 0xff, (size_t)(i % 37) + 1);
	}
	for (int i = 0; i < 1000; i++)
		for (int j = 0; j < i % 37 + 1; j++)
			cr_assert_eq((unsigned char)p[i][j], (unsigned char)(i & 0xff));
	arena_release(&a);
}

Test(arena, big_allocations_and_release)
{
	struct arena a = ARENA_INIT;
	void *small = arena_alloc(&a, 10);
	void *big = arena_alloc(&a, 10u << 20);
	memset(big, 1, 10u << 20);
	void *small2 = arena_alloc(&a, 10);
	cr_assert(small && big && small2);
	cr_assert_geq(a.total, 10u << 20);
	arena_release(&a);
	cr_assert_eq(a.total, 0);
	cr_assert_null(a.head);
}

Test(arena, grow_in_place_and_copy)
{
	struct arena a = ARENA_INIT;
	int *v = arena_alloc(&a, 4 * sizeof(int));
	for (int i = 0; i < 4; i++)
		v[i] = i;
	int *w = arena_grow(&a, v, 4 * sizeof(int), 64 * sizeof(int));
	cr_assert_eq(w, v, "the last allocation grows in place");
	(void)arena_alloc(&a, 8);
	int *x = arena_grow(&a, w, 64 * sizeof(int), 128 * sizeof(int));
	cr_assert_neq(x, w, "a buried allocation is copied");
	for (int i = 0; i < 4; i++)
		cr_assert_eq(x[i], i);
	arena_release(&a);
}

Test(arena, vec_push)
{
	struct arena a = ARENA_INIT;
	VEC(int) v = { 0 };
	for (int i = 0; i < 10000; i++)
		VEC_PUSH(&a, &v, i * 3);
	cr_assert_eq(v.len, 10000);
	for (int i = 0; i < 10000; i++)
		cr_assert_eq(v.items[i], i * 3);
	arena_release(&a);
}

Test(arena, printf)
{
	struct arena a = ARENA_INIT;
	char *s = arena_printf(&a, "%s-%d", "x", 42);
	cr_assert_str_eq(s, "x-42");
	char longer[600];
	memset(longer, 'y', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	char *t = arena_printf(&a, "<%s>", longer);
	cr_assert_eq(strlen(t), sizeof longer + 1);
	arena_release(&a);
}
