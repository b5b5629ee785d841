/*
 * re2.h - Go regular expressions (RE2 syntax) on top of PCRE2.
 *
 * Kubernetes (CRD `pattern`s), Helm/Sprig (regexMatch...) and Argo CD all
 * use Go's regexp package.  re2_compile accepts exactly the patterns Go's
 * regexp.Compile accepts (Perl flags, as regexp.Compile sets them) and
 * rejects the rest with Go's error text, then translates the pattern into
 * PCRE2 syntax with Go's semantics: `\s` is [\t\n\f\r ], `\v` is U+000B,
 * `$` without (?m) matches only at the very end, `^` under (?m) also matches
 * after a final newline, `{,n}` and other non-repetitions are literal, and
 * classes are ASCII (\d, \w, \b, [[:alpha:]]) while (?i) folds Unicode.
 * Matching uses PCRE2's DFA matcher, which never backtracks, so like RE2
 * it runs in time linear in the subject.  A compiled pattern is immutable
 * and may be used by several threads at once.
 */
#ifndef MC_RE2_H
#define MC_RE2_H

#include <stdbool.h>
#include <stddef.h>

#include "mc/str.h"

struct re2;

/* Compile pattern (len bytes).  On error returns NULL and, when err is not
 * NULL, writes Go's message ("error parsing regexp: missing closing ): `(a`")
 * to it. */
struct re2 *re2_compile(const char *pattern, size_t len, struct sbuf *err);
void re2_free(struct re2 *re);
/* regexp.MatchString: does any substring of s match? */
bool re2_match(const struct re2 *re, const char *s, size_t n);
/* The PCRE2 form of a pattern, for tests and messages.  Returns false with
 * Go's message in err when the pattern is not valid Go syntax. */
bool re2_translate(const char *pattern, size_t len, struct sbuf *out, struct sbuf *err);

#endif
