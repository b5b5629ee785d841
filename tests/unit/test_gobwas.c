/* Unit tests: gobwas/glob v0.2.3 (ir/gobwas.c).  The first table is
 * gobwas's own TestGlob (glob_test.go), each row with its own separators;
 * the second re-runs those rows with Helm's separator '/' where they hold
 * for it ('.' separators renamed '/', and rows whose strings hold no '/');
 * then the quirks gobwas.c's header names, which follow from gobwas's
 * matchers (worked out per row), what does not compile, and the trees of
 * gobwas's compiler tests (compiler_test.go) in gobwas's String() form. */
#include "mc/gobwas.h"
#include "testutil.h"

struct row {
	bool want;
	const char *pattern, *s;
	const char *seps; /* ASCII separator runes */
};

/* Compile with seps and match s: 1, 0, -1 (panic), or 2 (no compile). */
static int run(const char *pattern, const char *seps, const char *s, char *why, size_t whylen)
{
	struct arena a = ARENA_INIT;
	uint32_t sep[8];
	size_t n = 0;
	for (; seps && seps[n] && n < 8; n++)
		sep[n] = (unsigned char)seps[n];
	bool too_complex;
	struct gobwas_glob *g = gobwas_compile(&a, pattern, strlen(pattern), sep, n, &too_complex);
	int r = g ? gobwas_match(g, s, strlen(s), why, whylen) : 2;
	arena_release(&a);
	return r;
}

static void check(const struct row *r, const char *seps)
{
	int got = run(r->pattern, seps, r->s, NULL, 0);
	cr_expect_eq(got, r->want, "%s ~ %s (separators \"%s\"): got %d, want %d", r->pattern, r->s, seps,
		got, r->want);
}

#define ALL "[a-z][!a-x]*cat*[h][!b]*eyes*"
#define ALTS "{https://*.google.*,*yandex.*,*yahoo.*,*mail.ru}"
#define ALTS_SUFFIX "{https://*gobwas.com,http://exclude.gobwas.com}"

/* glob_test.go TestGlob, row for row. */
static const struct row gobwas_rows[] = {
	{ true, "* ?at * eyes", "my cat has very bright eyes", "" },
	{ true, "", "", "" },
	{ false, "", "b", "" },
	{ true, "*\xc3\xa4", "\xc3\xa5\xc3\xa4", "" },
	{ true, "abc", "abc", "" },
	{ true, "a*c", "abc", "" },
	{ true, "a*c", "a12345c", "" },
	{ true, "a?c", "a1c", "" },
	{ true, "a.b", "a.b", "." },
	{ true, "a.*", "a.b", "." },
	{ true, "a.**", "a.b.c", "." },
	{ true, "a.?.c", "a.b.c", "." },
	{ true, "a.?.?", "a.b.c", "." },
	{ true, "?at", "cat", "" },
	{ true, "?at", "fat", "" },
	{ true, "*", "abc", "" },
	{ true, "\\*", "*", "" },
	{ true, "**", "a.b.c", "." },
	{ false, "?at", "at", "" },
	{ false, "?at", "fat", "f" },
	{ false, "a.*", "a.b.c", "." },
	{ false, "a.?.c", "a.bb.c", "." },
	{ false, "*", "a.b.c", "." },
	{ true, "*test", "this is a test", "" },
	{ true, "this*", "this is a test", "" },
	{ true, "*is *", "this is a test", "" },
	{ true, "*is*a*", "this is a test", "" },
	{ true, "**test**", "this is a test", "" },
	{ true, "**is**a***test*", "this is a test", "" },
	{ false, "*is", "this is a test", "" },
	{ false, "*no*", "this is a test", "" },
	{ true, "[!a]*", "this is a test3", "" },
	{ true, "*abc", "abcabc", "" },
	{ true, "**abc", "abcabc", "" },
	{ true, "???", "abc", "" },
	{ true, "?*?", "abc", "" },
	{ true, "?*?", "ac", "" },
	{ false, "sta", "stagnation", "" },
	{ true, "sta*", "stagnation", "" },
	{ false, "sta?", "stagnation", "" },
	{ false, "sta?n", "stagnation", "" },
	{ true, "{abc,def}ghi", "defghi", "" },
	{ true, "{abc,abcd}a", "abcda", "" },
	{ true, "{a,ab}{bc,f}", "abc", "" },
	{ true, "{*,**}{a,b}", "ab", "" },
	{ false, "{*,**}{a,b}", "ac", "" },
	{ true, "/{rate,[a-z][a-z][a-z]}*", "/rate", "" },
	{ true, "/{rate,[0-9][0-9][0-9]}*", "/rate", "" },
	{ true, "/{rate,[a-z][a-z][a-z]}*", "/usd", "" },
	{ true, "{*.google.*,*.yandex.*}", "www.google.com", "." },
	{ true, "{*.google.*,*.yandex.*}", "www.yandex.com", "." },
	{ false, "{*.google.*,*.yandex.*}", "yandex.com", "." },
	{ false, "{*.google.*,*.yandex.*}", "google.com", "." },
	{ true, "{*.google.*,yandex.*}", "www.google.com", "." },
	{ true, "{*.google.*,yandex.*}", "yandex.com", "." },
	{ false, "{*.google.*,yandex.*}", "www.yandex.com", "." },
	{ false, "{*.google.*,yandex.*}", "google.com", "." },
	{ true, ALL, "my cat has very bright eyes", "" },
	{ false, ALL, "my dog has very bright eyes", "" },
	{ true, "google.com", "google.com", "" },
	{ false, "google.com", "gobwas.com", "" },
	{ true, "https://*.google.*", "https://account.google.com", "" },
	{ false, "https://*.google.*", "https://google.com", "" },
	{ true, ALTS, "http://yahoo.com", "" },
	{ false, ALTS, "http://google.com", "" },
	{ true, ALTS_SUFFIX, "https://safe.gobwas.com", "" },
	{ false, ALTS_SUFFIX, "http://safe.gobwas.com", "" },
	{ true, ALTS_SUFFIX, "http://exclude.gobwas.com", "" },
	{ true, "{abc*[a-c]def,abc?[d-g]def,abc[zte]?def}", "abczqdef", "" },
	{ true, "{abc*def,abc?def,abc[zte]def}", "abczdef", "" },
	{ true, "abc*", "abcdef", "" },
	{ false, "abc*", "af", "" },
	{ true, "*def", "abcdef", "" },
	{ false, "*def", "af", "" },
	{ true, "ab*ef", "abcdef", "" },
	{ false, "ab*ef", "af", "" },
};

Test(gobwas, glob_test_table)
{
	for (size_t i = 0; i < sizeof gobwas_rows / sizeof *gobwas_rows; i++)
		check(&gobwas_rows[i], gobwas_rows[i].seps);
}

/* The same rows compiled with '/' as Helm does: a '.'-separated row with
 * '.' renamed '/' in pattern and string (neither is special to gobwas);
 * a row without separators when its string has no '/', so that no '*' or
 * '?' has a '/' to stop at. */
Test(gobwas, glob_test_table_with_slash)
{
	size_t ran = 0;
	for (size_t i = 0; i < sizeof gobwas_rows / sizeof *gobwas_rows; i++) {
		const struct row *r = &gobwas_rows[i];
		if (!strcmp(r->seps, ".")) {
			char p[64], s[64];
			snprintf(p, sizeof p, "%s", r->pattern);
			snprintf(s, sizeof s, "%s", r->s);
			for (char *c = p; *c; c++)
				*c = *c == '.' ? '/' : *c;
			for (char *c = s; *c; c++)
				*c = *c == '.' ? '/' : *c;
			struct row t = { r->want, p, s, "/" };
			check(&t, "/");
			ran++;
		} else if (!*r->seps && !strchr(r->s, '/')) {
			check(r, "/");
			ran++;
		}
	}
	cr_expect_geq(ran, 60);
}

/* Rows whose strings hold '/', worked out for separator '/'. */
Test(gobwas, slash_separator)
{
	static const struct row rows[] = {
		{ true, "/{rate,[a-z][a-z][a-z]}*", "/rate", "/" },
		{ true, "/{rate,[0-9][0-9][0-9]}*", "/rate", "/" },
		{ true, "/{rate,[a-z][a-z][a-z]}*", "/usd", "/" },
		{ false, "/{rate,[a-z][a-z][a-z]}*", "/usd/x", "/" },
		{ true, "https://*.google.*", "https://account.google.com", "/" },
		{ false, "https://*.google.*", "https://google.com", "/" },
		/* `*yahoo.*` would need its `*` to cover "http://" */
		{ false, ALTS, "http://yahoo.com", "/" },
		{ true, ALTS, "https://www.google.com", "/" },
		{ true, ALTS_SUFFIX, "https://safe.gobwas.com", "/" },
		{ false, ALTS_SUFFIX, "https://a/safe.gobwas.com", "/" },
		{ true, ALTS_SUFFIX, "http://exclude.gobwas.com", "/" },
		/* what charts write */
		{ true, "files/*.yaml", "files/a.yaml", "/" },
		{ false, "files/*.yaml", "files/sub/a.yaml", "/" },
		{ true, "files/**.yaml", "files/sub/a.yaml", "/" },
		{ true, "**.yaml", "a.yaml", "/" },
		{ false, "*.yaml", "files/a.yaml", "/" },
		{ true, "config/{a,b}.conf", "config/b.conf", "/" },
		{ false, "config/?.conf", "config//.conf", "/" },
		{ true, "conf[!/]g", "confxg", "/" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		check(&rows[i], rows[i].seps);
}

/* The quirks of gobwas.c's header, each following from gobwas's matchers. */
Test(gobwas, quirks)
{
	static const struct row rows[] = {
		/* without separators, start + Super + art optimises to
		 * PrefixSuffix{start, art}, which lets the two overlap */
		{ true, "start*art", "start", "" },
		{ true, "start*art", "startart", "" },
		/* with '/' the right side is SuffixAny{art}, which must find
		 * "art" after "start" */
		{ false, "start*art", "start", "/" },
		{ true, "start*art", "startart", "/" },
		{ false, "start*art", "start/art", "/" },
		/* {} is Nothing (length 0): Row{a, Nothing, b} gives Nothing
		 * the rune after a, which is never empty */
		{ false, "a{}b", "ab", "" },
		{ false, "a{}b", "ab", "/" },
		{ false, "a{}b", "a", "/" },
		/* List.Match("") decodes RuneError, which is not x */
		{ true, "[!x]", "", "/" },
		{ true, "[!x]", "a", "/" },
		{ false, "[!x]", "x", "/" },
		{ false, "[!x]", "ab", "/" },
		/* classes negate with '!' only: '^' is a member */
		{ true, "[^a]x", "ax", "" },
		{ true, "[^a]x", "^x", "" },
		{ false, "[^a]x", "bx", "" },
		{ true, "[!a]x", "bx", "" },
		/* an unclosed brace still compiles */
		{ true, "{a,b", "b", "/" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		check(&rows[i], rows[i].seps);
	/* NUL is the lexer's eof rune: read inside a text it ends the text and
	 * is dropped, read between tokens it ends the pattern */
	struct arena a = ARENA_INIT;
	bool too_complex;
	struct gobwas_glob *g = gobwas_compile(&a, "ab\0cd", 5, NULL, 0, &too_complex);
	cr_assert_not_null(g);
	cr_expect_eq(gobwas_match(g, "abcd", 4, NULL, 0), 1);
	cr_expect_eq(gobwas_match(g, "ab\0cd", 5, NULL, 0), 0);
	cr_expect_null(gobwas_compile(&a, "ab\0[", 4, NULL, 0, &too_complex));
	g = gobwas_compile(&a, "x*\0[", 4, NULL, 0, &too_complex);
	cr_assert_not_null(g);
	cr_expect_eq(gobwas_match(g, "xyz", 3, NULL, 0), 1);
	arena_release(&a);
}

/* What gobwas does not compile (Helm then globs "**"; Argo CD's Match is
 * false), and the pattern shape whose Row slices past the end (a panic). */
Test(gobwas, errors)
{
	static const char *bad[] = {
		"[a-zA-Z]", "[]", "[z-a]", "[!]", "[abc", "x[a-", "\xff", "a\xef\xbf\xbd",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		cr_expect_eq(run(bad[i], "/", "x", NULL, 0), 2, "%s compiled", bad[i]);
	char why[128];
	cr_expect_eq(run("a{}", "/", "a", why, sizeof why), -1);
	cr_expect_str_eq(why, "runtime error: slice bounds out of range [:2] with length 1");
	cr_expect_eq(run("a{}", "/", "b", NULL, 0), 0);
	cr_expect_eq(run("?{,}", "", "a", NULL, 0), -1);
}

/* More parts than gobwas.c's caps: too complex, not a gobwas error. */
Test(gobwas, caps)
{
	struct arena a = ARENA_INIT;
	char p[300];
	for (int i = 0; i < 150; i++)
		p[2 * i] = 'a', p[2 * i + 1] = '?';
	bool too_complex;
	cr_expect_null(gobwas_compile(&a, p, 65, NULL, 0, &too_complex));
	cr_expect(too_complex);
	struct gobwas_glob *g = gobwas_compile(&a, p, 64, NULL, 0, &too_complex);
	cr_assert_not_null(g);
	cr_expect(!too_complex);
	char s[65];
	memset(s, 'a', 64);
	cr_expect_eq(gobwas_match(g, s, 64, NULL, 0), 1);
	s[62] = 'b';
	cr_expect_eq(gobwas_match(g, s, 64, NULL, 0), 0);
	cr_expect_eq(gobwas_match(g, s, 63, NULL, 0), 0);
	/* nesting: {{{...}}} deeper than the compiler's recursion cap */
	for (int i = 0; i < 150; i++)
		p[i] = '{', p[150 + i] = '}';
	cr_expect_null(gobwas_compile(&a, p, 300, NULL, 0, &too_complex));
	cr_expect(too_complex);
	arena_release(&a);
}

/* compiler_test.go: TestCompiler's trees and TestGlueMatchers's lists,
 * written as the patterns that parse into them (an Any that the parser
 * cannot put next to another Any is wrapped in braces, which compile to
 * the Any itself), compared with the matchers gobwas expects, in its
 * String() notation. */
Test(gobwas, compiler_test_trees)
{
	static const struct {
		const char *pattern, *seps, *want;
	} rows[] = {
		{ "abc", "", "<text:`abc`>" },
		{ "*", ".", "<any:![.]>" },
		{ "*", "", "<super>" },
		{ "**", "", "<super>" },
		{ "?", ".", "<single:![.]>" },
		{ "[!a-z]", "", "<range:![a,z]>" },
		{ "[!abc]", "", "<list:![abc]>" },
		{ "*???", ".", "<every_of:[[<min:3> <contains:![.]>]]>" },
		{ "*???", "", "<min:3>" },
		{ "*abc?", ".", "<btree:[<any:![.]><-<row_4:[[<text:`abc`> <single:![.]>]]>-><nil>]>" },
		{ "/{z,ab}**", ".",
			"<btree:[<nil><-<text:`/`>-><btree:[<nil><-<any_of:[[<text:`z`> <text:`ab`>]]>-><super>]>]>" },
		{ "**?abc?", ".",
			"<btree:[<super><-<row_5:[[<single:![.]> <text:`abc`> <single:![.]>]]>-><nil>]>" },
		{ "*abc", "", "<suffix:abc>" },
		{ "abc*", "", "<prefix:abc>" },
		{ "abc*def", "", "<prefix_suffix:[abc,def]>" },
		{ "*{*}{*}abc*{*}", "", "<contains:[abc]>" },
		{ "*{*}{*}abc*{*}", ".", "<btree:[<any:![.]><-<text:`abc`>-><any:![.]>]>" },
		{ "**?abc**?", "", "<btree:[<min:1><-<text:`abc`>-><min:1>]>" },
		{ "{{abc}}", "", "<text:`abc`>" },
		{ "{abc?,abc[def],abc,abc}", "",
			"<btree:[<nil><-<text:`abc`>-><any_of:[[<single:![]> <list:[def]> <nothing>]]>]>" },
		{ "[a-z][!a-x]*", "", "<btree:[<nil><-<row_2:[[<range:[a,z]> <range:![a,x]>]]>-><super>]>" },
		{ "{abc[abc]ghi,abc[def]ghi}", "",
			"<row_7:[[<text:`abc`> <any_of:[[<list:[abc]> <list:[def]>]]> <text:`ghi`>]]>" },
		/* TestGlueMatchers */
		{ "**?", "", "<min:1>" },
		{ "*?", ".", "<every_of:[[<min:1> <contains:![.]>]]>" },
		{ "???", "", "<every_of:[[<min:3> <max:3>]]>" },
		{ "[!a]*", "a", "<every_of:[[<min:1> <contains:![a]>]]>" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		struct arena a = ARENA_INIT;
		uint32_t sep[4];
		size_t n = 0;
		for (; rows[i].seps[n]; n++)
			sep[n] = (unsigned char)rows[i].seps[n];
		bool too_complex;
		struct gobwas_glob *g = gobwas_compile(&a, rows[i].pattern, strlen(rows[i].pattern), sep, n,
			&too_complex);
		cr_assert_not_null(g, "%s", rows[i].pattern);
		struct sbuf out = SBUF_INIT;
		gobwas_describe(g, &out);
		cr_expect_str_eq(out.buf, rows[i].want, "%s (separators \"%s\")", rows[i].pattern, rows[i].seps);
		sbuf_release(&out);
		arena_release(&a);
	}
}
