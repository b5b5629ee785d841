/* Unit tests: Go regexp syntax (what regexp.Compile accepts and rejects)
 * and RE2 matching semantics through PCRE2. */
#include "testutil.h"

#include "mc/re2.h"

static bool m(const char *pat, const char *s)
{
	struct sbuf err = SBUF_INIT;
	struct re2 *re = re2_compile(pat, strlen(pat), &err);
	cr_assert_not_null(re, "%s: %s", pat, err.buf);
	bool r = re2_match(re, s, strlen(s));
	re2_free(re);
	sbuf_release(&err);
	return r;
}

static void rejects(const char *pat, const char *msg)
{
	struct sbuf err = SBUF_INIT;
	struct re2 *re = re2_compile(pat, strlen(pat), &err);
	cr_assert_null(re, "%s should be rejected", pat);
	cr_assert(strstr(err.buf, msg), "%s: got '%s', want '%s'", pat, err.buf, msg);
	sbuf_release(&err);
}

Test(re2, kubernetes_patterns)
{
	const char *sub = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
	cr_assert(m(sub, "my-app.example.com"));
	cr_assert_not(m(sub, "My-App"));
	cr_assert_not(m(sub, "a-"));
	cr_assert(m("^(?i)(abort|warn)?$", "ABORT"));
	cr_assert(m("^(?i)(abort|warn)?$", ""));
	cr_assert_not(m("^(?i)(abort|warn)?$", "abortx"));
	const char *cron = "^(@(annually|yearly|monthly|weekly|daily|midnight|hourly)|@every [^\\s]+.*|[^\\s]+( [^\\s]+){4})$";
	cr_assert(m(cron, "*/5 * * * *"));
	cr_assert(m(cron, "@every 1h"));
	cr_assert_not(m(cron, "* * *"));
	cr_assert(m("^.{2,}|[^./]$", "a"));
	cr_assert_not(m("^.{2,}|[^./]$", "."));
}

Test(re2, go_semantics)
{
	cr_assert_not(m("^a$", "a\n"), "$ is end of text without (?m)");
	cr_assert(m("(?m)^b$", "a\nb\n"));
	cr_assert(m("(?m)^$", "a\n"), "^ after a final newline under (?m)");
	cr_assert_not(m("\\s", "\v"), "\\s excludes \\v in Go");
	cr_assert(m("\\v", "\v"), "\\v is U+000B");
	cr_assert(m("[^\\s]", "\v"));
	cr_assert(m("a{,3}", "a{,3}"), "{,n} is literal");
	cr_assert_not(m("a{,3}", "aaa"));
	cr_assert(m("x{01}", "x{01}"), "leading zero: not a repetition");
	cr_assert(m("^\\d+$", "123"));
	cr_assert_not(m("^\\d+$", "\xd9\xa3"), "\\d is ASCII");
	cr_assert(m("(?i)k", "\xe2\x84\xaa"), "(?i) folds the Kelvin sign");
	cr_assert(m("^.$", "\xff"), "invalid UTF-8 reads as one rune");
	cr_assert(m("\\Q*+\\E", "*+"));
	cr_assert(m("(?P<name>x)(?<other>y)", "xy"));
	cr_assert(m("[[:alpha:]]+", "abc"));
	cr_assert(m("\\pL", "\xc3\xa9"));
	cr_assert(m("\\p{Greek}", "\xce\xb1"));
	cr_assert(m("^*a", "a"), "repeating an assertion is allowed");
	cr_assert(m("a*?b", "aab"));
	cr_assert(m("\\101", "A"), "octal escapes");
	cr_assert(m("\\x{41}\\x42", "AB"));
	cr_assert(m("(a|)+b", "b"));
}

Test(re2, go_rejects)
{
	rejects("(?=x)", "invalid or unsupported Perl syntax");
	rejects("(?<=x)", "invalid named capture");
	rejects("a**", "invalid nested repetition operator");
	rejects("a++", "invalid nested repetition operator");
	rejects("*a", "missing argument to repetition operator");
	rejects("(*)", "missing argument to repetition operator");
	rejects("a{1001}", "invalid repeat count");
	rejects("(a{500}){3}", "invalid repeat count");
	rejects("a{3,2}", "invalid repeat count");
	rejects("\\1", "invalid escape sequence");
	rejects("\\8", "invalid escape sequence");
	rejects("\\e", "invalid escape sequence");
	rejects("\\C", "invalid escape sequence");
	rejects("\\Z", "invalid escape sequence");
	rejects("(a", "missing closing )");
	rejects("a)", "unexpected )");
	rejects("[a", "missing closing ]");
	rejects("[z-a]", "invalid character class range");
	rejects("[[:foo:]]", "invalid character class range");
	rejects("\\p{NoSuch", "invalid character class range");
	rejects("(?x)a", "invalid or unsupported Perl syntax");
	rejects("(?#c)", "invalid or unsupported Perl syntax");
	rejects("(?i-)", "invalid or unsupported Perl syntax");
	rejects("x\\", "trailing backslash");
	rejects("\xff", "invalid UTF-8");
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	cr_assert(re2_translate("(?i)a{2}", 8, &out, &err));
	cr_assert_str_eq(out.buf, "(?i)a{2}");
	sbuf_reset(&out);
	cr_assert(re2_translate("^*a{2}(?i){3}", 13, &out, &err));
	cr_assert_str_eq(out.buf, "(?:\\A)*(?:a{2}){3}(?i)", "assertions and repetitions are wrapped");
	sbuf_release(&out);
	sbuf_release(&err);
}

/* ---- finding, replacing, splitting (Go's regexp.go loops) ---- */

static struct re2 *re(const char *pat)
{
	struct sbuf err = SBUF_INIT;
	struct re2 *r = re2_compile(pat, strlen(pat), &err);
	cr_assert_not_null(r, "%s: %s", pat, err.buf);
	sbuf_release(&err);
	return r;
}

struct strs {
	struct sbuf sb; /* pieces joined by '|' */
	const char *s;
};

static void add_match(void *arg, const size_t *m)
{
	struct strs *x = arg;
	sbuf_add(&x->sb, x->s + m[0], m[1] - m[0]);
	sbuf_addc(&x->sb, '|');
}

static void add_piece(void *arg, const char *p, size_t n)
{
	struct strs *x = arg;
	sbuf_add(&x->sb, p, n);
	sbuf_addc(&x->sb, '|');
}

/* FindAllString(s, max), as "m1|m2|". */
static char *find_all(const char *pat, const char *s, long max)
{
	struct re2 *r = re(pat);
	struct strs x = { SBUF_INIT, s };
	cr_assert_eq(re2_find_all(r, s, strlen(s), max, add_match, &x), 0);
	re2_free(r);
	return sbuf_detach(&x.sb, NULL);
}

static char *split(const char *pat, const char *s, long max)
{
	struct re2 *r = re(pat);
	struct strs x = { SBUF_INIT, s };
	cr_assert_eq(re2_split(r, s, strlen(s), max, add_piece, &x), 0);
	re2_free(r);
	return sbuf_detach(&x.sb, NULL);
}

static char *replace(const char *pat, const char *s, const char *repl, bool literal)
{
	struct re2 *r = re(pat);
	struct sbuf out = SBUF_INIT;
	cr_assert_eq(re2_replace(r, s, strlen(s), repl, strlen(repl), literal, &out), 0);
	re2_free(r);
	return sbuf_detach(&out, NULL);
}

#define EQ_FREE(got, ...) do { char *g_ = (got); cr_assert_str_eq(g_, __VA_ARGS__); free(g_); } while (0)

Test(re2, find_all)
{
	EQ_FREE(find_all("a.", "paranormal", -1), "ar|an|al|");
	EQ_FREE(find_all("a.", "paranormal", 2), "ar|an|");
	EQ_FREE(find_all("a.", "paranormal", 0), "");
	EQ_FREE(find_all("a*", "baaab", -1), "|aaa||", "no empty match right after a match");
	EQ_FREE(find_all("(?m)^", "a\n", -1), "||", "^ after the final newline");
	EQ_FREE(find_all(".", "a\xff" "b", -1), "a|\xff|b|", "an invalid byte is one rune");
	EQ_FREE(find_all("\\x{fffd}", "\xff\xef\xbf\xbd", -1), "\xff|\xef\xbf\xbd|");
	EQ_FREE(find_all("a|ab", "ab", -1), "a|", "leftmost-first, not longest");
	EQ_FREE(find_all("", "\xc3\xa9x", -1), "|||", "empty matches step over whole runes");
}

Test(re2, find_submatch)
{
	struct re2 *r = re("(?P<first>\\w+) (\\w+)?(x)?");
	size_t m[8];
	cr_assert_eq(re2_groups(r), 3);
	cr_assert_str_eq(re2_group_name(r, 1), "first");
	cr_assert_str_eq(re2_group_name(r, 2), "");
	cr_assert_eq(re2_find(r, "-- Alan Turing", 14, m), 1);
	cr_assert_eq(m[0], 3);
	cr_assert_eq(m[1], 14);
	cr_assert_eq(m[2], 3);
	cr_assert_eq(m[3], 7);
	cr_assert_eq(m[4], 8);
	cr_assert_eq(m[6], RE2_UNSET, "a group that took no part");
	cr_assert_eq(re2_find(r, "none", 4, m), 0);
	re2_free(r);
	r = re("(a)(?:b)(?i:(c))");
	cr_assert_eq(re2_groups(r), 2, "only Go's captures are groups");
	re2_free(r);
}

Test(re2, replace)
{
	EQ_FREE(replace("a(x*)b", "-ab-axxb-", "T", false), "-T-T-");
	EQ_FREE(replace("a(x*)b", "-ab-axxb-", "$1", false), "--xx-");
	EQ_FREE(replace("a(x*)b", "-ab-axxb-", "$1W", false), "---", "$1W names group 1W");
	EQ_FREE(replace("a(x*)b", "-ab-axxb-", "${1}W", false), "-W-xxW-");
	EQ_FREE(replace("a(x*)b", "-ab-axxb-", "$$1$", false), "-$1$-$1$-");
	EQ_FREE(replace("a(x*)b", "-ab-axxb-", "${1", false), "-${1-${1-", "malformed: $ is text");
	EQ_FREE(replace("a(x*)b", "-ab-axxb-", "$1", true), "-$1-$1-");
	EQ_FREE(replace("(?P<first>\\w+) (?P<last>\\w+)", "Alan Turing", "${last} ${first}", false),
		"Turing Alan");
	EQ_FREE(replace("(?P<x>a)|(?P<x>b)", "ab", "[${x}]", false), "[a][b]",
		"a repeated name: the first group that took part");
	EQ_FREE(replace("(a)", "a", "$01$10$1\xc3\xa9", false), "", "leading zero, no group 10, name 1e");
	EQ_FREE(replace("a*", "baaab", "X", false), "XbXbX");
	EQ_FREE(replace("", "ab", "-", false), "-a-b-");
	EQ_FREE(replace("x", "\xff" "x\xfe", "y", false), "\xff" "y\xfe", "other bytes are kept");
	EQ_FREE(replace(".", "\xff", "[$0]", false), "[\xff]");
}

Test(re2, split)
{
	EQ_FREE(split("a*", "abaabaccadaaae", 5), "|b|b|c|cadaaae|");
	EQ_FREE(split("a", "banana", -1), "b|n|n||");
	EQ_FREE(split("z+", "pizza", -1), "pi|a|");
	EQ_FREE(split("z+", "pizza", 0), "");
	EQ_FREE(split("z+", "pizza", 1), "pizza|");
	EQ_FREE(split("z+", "pizza", 2), "pi|a|");
	EQ_FREE(split("x", "", -1), "|", "an empty string is one empty piece");
	EQ_FREE(split("", "", -1), "", "unless the pattern is empty too");
	EQ_FREE(split("", "ab", -1), "a|b|");
}

Test(re2, syntax_details)
{
	rejects("a**", "invalid nested repetition operator: `**`");
	rejects("a{2}{3}", "invalid nested repetition operator: `{2}{3}`");
	rejects("a*?+", "invalid nested repetition operator: `*?+`");
	cr_assert_not(m("\\P{Any}", "a"), "the empty class matches nothing");
	cr_assert_not(m("[\\P{Any}]", "a"));
	cr_assert(m("^[^\\P{Any}]$", "\xe2\x82\xac"));
	cr_assert(m("[a\\P{Any}]", "a"));
	cr_assert(m("(?P<x>a)(?P<x>b)", "ab"), "names may repeat");
	struct sbuf q = SBUF_INIT;
	re2_quote_meta(&q, "1.5-2.0?[x]", 11);
	cr_assert_str_eq(q.buf, "1\\.5-2\\.0\\?\\[x\\]");
	sbuf_release(&q);
}
