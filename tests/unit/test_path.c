/* Unit tests: frontend/path.c, Go's path package (Clean, Match) and the
 * vfs's path helpers. */
#include "testutil.h"

#include "mc/frontend.h"

static void clean_is(const char *in, const char *want)
{
	char out[64];
	size_t n = path_clean_into(in, strlen(in), out);
	out[n] = '\0';
	cr_assert_str_eq(out, want, "Clean(%s)", in);
	char *c = path_clean(NULL, in);
	cr_assert_str_eq(c, want, "path_clean(%s)", in);
	free(c);
}

Test(path, clean_like_go)
{
	clean_is("", ".");
	clean_is(".", ".");
	clean_is("..", "..");
	clean_is("/", "/");
	clean_is("//", "/");
	clean_is("abc/", "abc");
	clean_is("./", ".");
	clean_is("../../", "../..");
	clean_is("/abc/", "/abc");
	clean_is("//abc//", "/abc");
	clean_is("abc//def//ghi", "abc/def/ghi");
	clean_is("abc/./def", "abc/def");
	clean_is("abc/def/../..", ".");
	clean_is("/abc/def/../..", "/");
	clean_is("abc/def/../../..", "..");
	clean_is("/abc/def/../../..", "/");
	clean_is("abc/def/../../../ghi/jkl/../../../mno", "../../mno");
	clean_is("abc/../../././../def", "../../def");
	clean_is("/../a", "/a");
	clean_is(".../..a/.", ".../..a");
}

Test(path, clean_joins_and_keeps_bytes)
{
	char *p = path_clean("/repo/app", "../base/./kustomization.yaml");
	cr_assert_str_eq(p, "/repo/base/kustomization.yaml");
	free(p);
	p = path_clean("/repo", "/abs//x/");
	cr_assert_str_eq(p, "/abs/x", "an absolute path ignores base");
	free(p);
	/* Byte ranges: NULs are ordinary bytes (template strings may hold them). */
	char out[8];
	cr_assert_eq(path_clean_into("a\0b/..", 6, out), 1);
	cr_assert_eq(out[0], '.');
	cr_assert_eq(path_clean_into("x\0/y", 4, out), 4);
	cr_assert(!memcmp(out, "x\0/y", 4));
}

Test(path, dir_within_rel)
{
	char *d = path_dir("a/b");
	cr_assert_str_eq(d, "a");
	free(d);
	d = path_dir("/a");
	cr_assert_str_eq(d, "/");
	free(d);
	d = path_dir("a");
	cr_assert_str_eq(d, ".");
	free(d);
	cr_assert(path_within("/r/a/b", "/r/a"));
	cr_assert(path_within("/r/a", "/r/a"));
	cr_assert_not(path_within("/r/ab", "/r/a"));
	cr_assert(path_within("/x", "/"));
	cr_assert_str_eq(path_rel("/r", "/r/a/b"), "a/b");
	cr_assert_str_eq(path_rel("/r", "/r"), ".");
	cr_assert_str_eq(path_rel("/r", "/s/a"), "/s/a");
}

/* path/filepath match_test.go */
Test(path, match_like_go)
{
	cr_assert_eq(path_match("abc", "abc"), 1);
	cr_assert_eq(path_match("*", "abc"), 1);
	cr_assert_eq(path_match("*c", "abc"), 1);
	cr_assert_eq(path_match("a*", "a"), 1);
	cr_assert_eq(path_match("a*", "ab/c"), 0);
	cr_assert_eq(path_match("a*/b", "abc/b"), 1);
	cr_assert_eq(path_match("a*/b", "a/c/b"), 0);
	cr_assert_eq(path_match("a*b*c*d*e*/f", "axbxcxdxe/f"), 1);
	cr_assert_eq(path_match("a*b*c*d*e*/f", "axbxcxdxexxx/f"), 1);
	cr_assert_eq(path_match("a*b*c*d*e*/f", "axbxcxdxe/xxx/f"), 0);
	cr_assert_eq(path_match("a*b?c*x", "abxbbxdbxebxczzx"), 1);
	cr_assert_eq(path_match("a*b?c*x", "abxbbxdbxebxczzy"), 0);
	cr_assert_eq(path_match("ab[c]", "abc"), 1);
	cr_assert_eq(path_match("ab[b-d]", "abc"), 1);
	cr_assert_eq(path_match("ab[e-g]", "abc"), 0);
	cr_assert_eq(path_match("ab[^c]", "abc"), 0);
	cr_assert_eq(path_match("ab[^b-d]", "abc"), 0);
	cr_assert_eq(path_match("ab[^e-g]", "abc"), 1);
	cr_assert_eq(path_match("a\\*b", "a*b"), 1);
	cr_assert_eq(path_match("a\\*b", "ab"), 0);
	cr_assert_eq(path_match("a?b", "a\xe2\x98\xba" "b"), 1);
	cr_assert_eq(path_match("a[^a]b", "a\xe2\x98\xba" "b"), 1);
	cr_assert_eq(path_match("a???b", "a\xe2\x98\xba" "b"), 0);
	cr_assert_eq(path_match("*x", "xxx"), 1);
	cr_assert_eq(path_match("[\\]a]", "]"), 1);
	cr_assert_eq(path_match("[\\-]", "-"), 1);
	cr_assert_eq(path_match("[x\\-]", "z"), 0);
	cr_assert_eq(path_match("[", "a"), -1);
	cr_assert_eq(path_match("[^", "a"), -1);
	cr_assert_eq(path_match("[^bc", "a"), -1);
	cr_assert_eq(path_match("a[", "a"), -1);
	cr_assert_eq(path_match("a[", "ab"), -1);
	cr_assert_eq(path_match("a[", "x"), -1);
	cr_assert_eq(path_match("a/b[", "x"), -1);
	cr_assert_eq(path_match("*x", "xxx"), 1);
	cr_assert_eq(path_match("[-]", "-"), -1);
	cr_assert_eq(path_match("[x-]", "x"), -1);
	cr_assert_eq(path_match("a/*", "a/b"), 1);
	cr_assert_eq(path_match("templates/subdir/role*", "templates/subdir/rolebinding.yaml"), 1);
}

/* Argo CD git directory generator patterns. */
Test(path, match_directory_patterns)
{
	cr_assert_eq(path_match("apps/*", "apps/a"), 1);
	cr_assert_eq(path_match("apps/*", "apps/a/b"), 0);
	cr_assert_eq(path_match("apps/**", "apps/a/b"), 0);
	cr_assert_eq(path_match("a?c", "abc"), 1);
	cr_assert_eq(path_match("[a-c]x", "bx"), 1);
	cr_assert_eq(path_match("[^a-c]x", "bx"), 0);
	cr_assert_eq(path_match("a\\*", "a*"), 1);
	cr_assert_eq(path_match("[", "a"), -1);
	cr_assert_eq(path_match("/d/*", "d/x"), 0);
}
