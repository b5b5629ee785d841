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
	cr_assert_str_eq(out.buf, "(?i)(?:a){2}");
	sbuf_release(&out);
	sbuf_release(&err);
}
