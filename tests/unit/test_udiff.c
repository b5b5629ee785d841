/* Unit tests: Myers' algorithm (the script is valid and minimal, checked
 * against a quadratic LCS on seeded random inputs) and unified hunks. */
#include <stdlib.h>
#include <unistd.h>

#include "mc/diff.h"
#include "testutil.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Length of the longest common subsequence (the classic table). */
static size_t lcs(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
	size_t *row = calloc(m + 1, sizeof *row), *prev = calloc(m + 1, sizeof *prev);
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++)
			row[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1
				: (prev[j] > row[j - 1] ? prev[j] : row[j - 1]);
		size_t *t = prev;
		prev = row;
		row = t;
	}
	size_t r = prev[m];
	free(row);
	free(prev);
	return r;
}

/* Apply the script: keeps must match, the result must be b; returns the
 * number of deleted plus inserted elements. */
static size_t check_script(const struct myers_script *s, const uint32_t *a, size_t n,
	const uint32_t *b, size_t m)
{
	size_t ai = 0, bi = 0, edits = 0;
	for (size_t i = 0; i < s->len; i++) {
		const struct myers_edit *e = &s->items[i];
		cr_assert_gt(e->n, 0);
		if (e->op == MYERS_KEEP) {
			cr_assert_eq(e->a, ai);
			cr_assert_eq(e->b, bi);
			for (size_t k = 0; k < e->n; k++)
				cr_assert_eq(a[ai + k], b[bi + k]);
			ai += e->n, bi += e->n;
		} else if (e->op == MYERS_DEL) {
			cr_assert_eq(e->a, ai);
			ai += e->n, edits += e->n;
		} else {
			cr_assert_eq(e->b, bi);
			bi += e->n, edits += e->n;
		}
	}
	cr_assert_eq(ai, n);
	cr_assert_eq(bi, m);
	return edits;
}

Test(myers, minimal_on_random_sequences)
{
	uint32_t a[160], b[160];
	for (int round = 0; round < 400; round++) {
		size_t n = next_rand() % 120, m = next_rand() % 120;
		uint32_t alpha = 2 + next_rand() % 8; /* small alphabets: many ties */
		for (size_t i = 0; i < n; i++)
			a[i] = next_rand() % alpha;
		if (round % 3 == 0) { /* b as an edit of a */
			m = 0;
			for (size_t i = 0; i < n && m < 150; i++) {
				uint32_t r = next_rand() % 10;
				if (r == 0)
					continue;
				if (r == 1)
					b[m++] = next_rand() % alpha;
				b[m++] = a[i];
			}
		} else {
			for (size_t i = 0; i < m; i++)
				b[i] = next_rand() % alpha;
		}
		struct myers_script s = { 0 };
		myers_diff(a, n, b, m, &s);
		size_t edits = check_script(&s, a, n, b, m);
		cr_assert_eq(edits, n + m - 2 * lcs(a, n, b, m), "round %d: not minimal", round);
		myers_script_release(&s);
	}
}

Test(myers, empty_and_equal)
{
	uint32_t a[] = { 1, 2, 3 };
	struct myers_script s = { 0 };
	myers_diff(a, 0, a, 0, &s);
	cr_assert_eq(s.len, 0);
	myers_diff(a, 3, a, 3, &s);
	cr_assert_eq(s.len, 1);
	cr_assert_eq(s.items[0].op, MYERS_KEEP);
	myers_diff(a, 3, a, 0, &s);
	cr_assert_eq(s.len, 1);
	cr_assert_eq(s.items[0].op, MYERS_DEL);
	myers_diff(a, 0, a, 3, &s);
	cr_assert_eq(s.items[0].op, MYERS_INS);
	myers_script_release(&s);
}

Test(myers, long_inputs_stay_linear)
{
	/* 200,000 elements with a change every 1,000: fast, and minimal. */
	size_t n = 200000;
	uint32_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
	for (size_t i = 0; i < n; i++)
		a[i] = b[i] = (uint32_t)i;
	for (size_t i = 500; i < n; i += 1000)
		b[i] = (uint32_t)(n + i);
	struct myers_script s = { 0 };
	myers_diff(a, n, b, n, &s);
	cr_assert_eq(check_script(&s, a, n, b, n), 2 * (n / 1000));
	/* Nothing in common: the bounded search still gives a valid script. */
	for (size_t i = 0; i < n; i++)
		b[i] = (uint32_t)(n + i);
	myers_diff(a, n, b, n, &s);
	cr_assert_eq(check_script(&s, a, n, b, n), 2 * n);
	myers_script_release(&s);
	free(a);
	free(b);
}

static char *ud(const char *a, const char *b, unsigned ctx)
{
	struct sbuf out = SBUF_INIT;
	udiff(&out, a, strlen(a), b, strlen(b), ctx);
	return sbuf_detach(&out, NULL);
}

Test(udiff, one_change_with_three_lines_of_context)
{
	char *d = ud("a\nb\nc\nd\ne\nf\ng\nh\ni\n", "a\nb\nc\nd\nE\nf\ng\nh\ni\n", 3);
	cr_assert_str_eq(d, "@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n");
	free(d);
	d = ud("same\n", "same\n", 3);
	cr_assert_str_eq(d, "");
	free(d);
}

Test(udiff, hunks_merge_when_close_and_split_when_far)
{
	const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n";
	/* Changes at 2 and 8: 5 unchanged lines between, <= 6: one hunk. */
	char *d = ud(a, "1\nX\n3\n4\n5\n6\n7\nY\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n", 3);
	cr_assert_str_eq(d, "@@ -1,11 +1,11 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n 7\n-8\n+Y\n 9\n 10\n 11\n");
	free(d);
	/* Changes at 2 and 18: two hunks. */
	d = ud(a, "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\nY\n19\n20\n", 3);
	cr_assert_str_eq(d, "@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n"
		"@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+Y\n 19\n 20\n");
	free(d);
}

Test(udiff, insertions_deletions_and_missing_newlines)
{
	char *d = ud("", "a\nb\n", 3);
	cr_assert_str_eq(d, "@@ -0,0 +1,2 @@\n+a\n+b\n");
	free(d);
	d = ud("a\nb\n", "", 3);
	cr_assert_str_eq(d, "@@ -1,2 +0,0 @@\n-a\n-b\n");
	free(d);
	d = ud("a\nb\nc\n", "a\nc\n", 0);
	cr_assert_str_eq(d, "@@ -2 +1,0 @@\n-b\n");
	free(d);
	d = ud("a\nc\n", "a\nb\nc\n", 0);
	cr_assert_str_eq(d, "@@ -1,0 +2 @@\n+b\n");
	free(d);
	d = ud("a\nb", "a\nb\n", 3);
	cr_assert_str_eq(d, "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
	free(d);
	/* A replaced block prints its deletions before its insertions. */
	d = ud("k\n1\n2\nk\n", "k\nA\nB\nk\n", 1);
	cr_assert_str_eq(d, "@@ -1,4 +1,4 @@\n k\n-1\n-2\n+A\n+B\n k\n");
	free(d);
}

Test(udiff, same_hunks_as_gnu_diff)
{
	/* Inputs where the shortest script is unique, so GNU diff -u must
	 * agree byte for byte (its header lines aside). */
	const char *a = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
		"  replicas: 2\n  template:\n    spec:\n      containers:\n      - image: web:1.0\n"
		"        name: web\n";
	const char *b = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
		"  replicas: 3\n  template:\n    spec:\n      containers:\n      - image: web:1.1\n"
		"        name: web\n        ports:\n        - containerPort: 80\n";
	char pa[] = "/tmp/mc-ud-a-XXXXXX", pb[] = "/tmp/mc-ud-b-XXXXXX";
	int fa = mkstemp(pa), fb = mkstemp(pb);
	cr_assert(fa >= 0 && fb >= 0);
	cr_assert_eq(write(fa, a, strlen(a)), (ssize_t)strlen(a));
	cr_assert_eq(write(fb, b, strlen(b)), (ssize_t)strlen(b));
	close(fa);
	close(fb);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "diff -u %s %s | tail -n +3", pa, pb);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	struct sbuf want = SBUF_INIT;
	char buf[4096];
	size_t r;
	while ((r = fread(buf, 1, sizeof buf, p)) > 0)
		sbuf_add(&want, buf, r);
	pclose(p);
	unlink(pa);
	unlink(pb);
	char *d = ud(a, b, 3);
	cr_assert_str_eq(d, want.buf);
	free(d);
	sbuf_release(&want);
}
