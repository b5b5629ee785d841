/*
 * re2.h - Go regular expressions (RE2 syntax) on top of PCRE2.
 *
 * Kubernetes (CRD `pattern`s), Helm/Sprig (regexMatch, regexReplaceAll...)
 * and Argo CD all use Go's regexp package; this is the project's one
 * implementation of it.  re2_compile accepts exactly the patterns Go's
 * regexp.Compile accepts (Perl flags, as regexp.Compile sets them) and
 * rejects the rest with Go's error text, then translates the pattern into
 * PCRE2 syntax with Go's semantics: `\s` is [\t\n\f\r ], `\v` is U+000B,
 * `$` without (?m) matches only at the very end, `^` under (?m) also matches
 * after a final newline, `{,n}` and other non-repetitions are literal, and
 * classes are ASCII (\d, \w, \b, [[:alpha:]]) while (?i) folds Unicode.
 * Subjects are read as Go reads them: each byte of an invalid UTF-8
 * sequence is one U+FFFD.
 *
 * re2_match uses PCRE2's DFA matcher, which never backtracks, so like RE2
 * it runs in time linear in the subject and always answers.  Finding,
 * replacing and splitting need Go's leftmost-first match and its groups,
 * which only PCRE2's backtracking matcher gives (for RE2 syntax it picks
 * the match Go picks); it runs under a match limit, and the functions
 * return -1 when a pathological pattern reaches it (Go never fails).  A
 * compiled pattern is immutable and may be used by several threads at once.
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

/* NumSubexp: the capture groups, numbered from 1; SubexpNames[i]: group
 * i's name ("" for an unnamed group; names may repeat). */
size_t re2_groups(const struct re2 *re);
const char *re2_group_name(const struct re2 *re, size_t i);

/* Match offsets: m[0], m[1] the match, m[2i], m[2i+1] group i, RE2_UNSET
 * for a group that took no part; 2 * (re2_groups() + 1) of them. */
#define RE2_UNSET ((size_t)-1)

/* FindStringSubmatchIndex: the leftmost match of s in m.  1, 0 when there
 * is none, -1 when the match limit was reached. */
int re2_find(const struct re2 *re, const char *s, size_t n, size_t *m);
/* FindAllStringSubmatchIndex(s, max): fn(arg, m) for each successive
 * match, at most max of them (all when max < 0), with Go's rule for empty
 * matches (none right after a match).  0, or -1 at the match limit. */
typedef void re2_each_fn(void *arg, const size_t *m);
int re2_find_all(const struct re2 *re, const char *s, size_t n, long max, re2_each_fn *fn,
	void *arg);
/* ExpandString: append template tpl with $1, ${1}, $name, ${name} replaced
 * by the groups of match m in s, $$ by $ (Regexp.Expand's rules). */
void re2_expand(const struct re2 *re, struct sbuf *out, const char *tpl, size_t tn,
	const char *s, const size_t *m);
/* ReplaceAllString (repl expanded for each match) or, when literal,
 * ReplaceAllLiteralString: appends the result to out.  0, or -1 at the
 * match limit (out then holds a partial result). */
int re2_replace(const struct re2 *re, const char *s, size_t n, const char *repl, size_t rn,
	bool literal, struct sbuf *out);
/* Split(s, max): fn(arg, piece, len) for each piece, in order.  0, or -1
 * at the match limit. */
typedef void re2_piece_fn(void *arg, const char *p, size_t n);
int re2_split(const struct re2 *re, const char *s, size_t n, long max, re2_piece_fn *fn,
	void *arg);
/* QuoteMeta: s with every metacharacter escaped. */
void re2_quote_meta(struct sbuf *out, const char *s, size_t n);
/* The PCRE2 form of a pattern, for tests and messages.  Returns false with
 * Go's message in err when the pattern is not valid Go syntax. */
bool re2_translate(const char *pattern, size_t len, struct sbuf *out, struct sbuf *err);

#endif
