/*
 * repo_glob.c - the glob dialects Argo CD uses on repository paths.
 *
 *   glob_pathspec    git pathspecs without magic (`git ls-files -- P`): the
 *                    default git files generator globbing.  wildmatch runs
 *                    without WM_PATHNAME, so * and ? also match '/', and a
 *                    literal pattern matches a directory's whole subtree.
 *   glob_doublestar  bmatcuk/doublestar v4: --enable-new-git-file-globbing.
 *
 * (Go's path.Match, for git directory generator patterns, is path_match of
 * frontend/path.c; gobwas/glob, for directory sources' include and
 * exclude, is ir/gobwas.c.)  Both are byte-oriented except where the
 * Go originals decode UTF-8 (doublestar classes), which is reproduced.
 * Matching is recursive with backtracking; inputs are repository paths and
 * short patterns, and each matcher caps its work so a hostile pattern
 * cannot make it exponential.
 */
#include <string.h>

#include "argocd.h"

/* ---------------------------------------------------------- wildmatch */

#define WM_ABORT_ALL (-1)
#define WM_ABORT_TO_STARSTAR (-2)

static bool posix_class(const char *name, size_t n, unsigned char c)
{
#define IS(w) (n == strlen(w) && !memcmp(name, w, n))
	if (IS("alnum")) return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
	if (IS("alpha")) return (c | 32) >= 'a' && (c | 32) <= 'z';
	if (IS("blank")) return c == ' ' || c == '\t';
	if (IS("cntrl")) return c < 32 || c == 127;
	if (IS("digit")) return c >= '0' && c <= '9';
	if (IS("graph")) return c > 32 && c < 127;
	if (IS("lower")) return c >= 'a' && c <= 'z';
	if (IS("print")) return c >= 32 && c < 127;
	if (IS("punct")) return c > 32 && c < 127 && !((c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z'));
	if (IS("space")) return c == ' ' || (c >= '\t' && c <= '\r');
	if (IS("upper")) return c >= 'A' && c <= 'Z';
	if (IS("xdigit")) return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f');
#undef IS
	return false;
}

/* git's wildmatch without WM_PATHNAME: 0 match, 1 no match, negative to
 * abort the backtracking of outer stars.  *budget caps the work. */
static int dowild(const unsigned char *p, const unsigned char *text, long *budget)
{
	unsigned char p_ch;
	for (; (p_ch = *p) != '\0'; text++, p++) {
		if (--*budget < 0)
			return WM_ABORT_ALL;
		unsigned char t_ch = *text;
		if (t_ch == '\0' && p_ch != '*')
			return WM_ABORT_ALL;
		switch (p_ch) {
		case '\\':
			p_ch = *++p;
			if (p_ch == '\0')
				return 1;
			/* FALLTHROUGH */
		default:
			if (t_ch != p_ch)
				return 1;
			continue;
		case '?':
			continue;
		case '*':
			while (*++p == '*')
				;
			if (*p == '\0')
				return 0;
			while (1) {
				if (t_ch == '\0')
					break;
				int m = dowild(p, text, budget);
				if (m != 1)
					return m;
				t_ch = *++text;
			}
			return WM_ABORT_ALL;
		case '[': {
			p_ch = *++p;
			bool negated = p_ch == '!' || p_ch == '^';
			if (negated)
				p_ch = *++p;
			unsigned prev_ch = 0;
			bool matched = false;
			do {
				if (!p_ch)
					return WM_ABORT_ALL;
				if (p_ch == '\\') {
					p_ch = *++p;
					if (!p_ch)
						return WM_ABORT_ALL;
					if (t_ch == p_ch)
						matched = true;
				} else if (p_ch == '-' && prev_ch && p[1] && p[1] != ']') {
					p_ch = *++p;
					if (p_ch == '\\') {
						p_ch = *++p;
						if (!p_ch)
							return WM_ABORT_ALL;
					}
					if (t_ch <= p_ch && t_ch >= prev_ch)
						matched = true;
					p_ch = 0; /* This makes "prev_ch" get set to 0. */
				} else if (p_ch == '[' && p[1] == ':') {
					const unsigned char *s = p + 2;
					const unsigned char *e = s;
					while (*e && *e != ']')
						e++;
					if (!*e)
						return WM_ABORT_ALL;
					if (e - s > 0 && e[-1] == ':') {
						if (posix_class((const char *)s, (size_t)(e - 1 - s), t_ch))
							matched = true;
						p = e;
						p_ch = 0;
					} else {
						/* Not a class: match '[' literally. */
						if (t_ch == '[')
							matched = true;
					}
				} else if (t_ch == p_ch) {
					matched = true;
				}
				prev_ch = p_ch;
			} while ((p_ch = *++p) != ']');
			if (matched == negated)
				return 1;
			continue;
		}
		}
	}
	return *text ? 1 : 0;
}

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "*?[\\") != NULL;
}

bool glob_pathspec(const char *pattern, const char *path)
{
	/* Pathspecs are relative to the top of the work tree: "./x" is "x",
	 * and "." (or nothing) names the whole tree. */
	while (pattern[0] == '.' && pattern[1] == '/')
		pattern += 2;
	if (!strcmp(pattern, ".") || !*pattern)
		return true;
	size_t ml = strlen(pattern), nl = strlen(path);
	if (ml <= nl && !memcmp(pattern, path, ml)) {
		if (ml == nl)
			return true;
		if (pattern[ml - 1] == '/' || path[ml] == '/')
			return true;
	}
	if (!has_wildcard(pattern))
		return false;
	long budget = 1000000;
	return dowild((const unsigned char *)pattern, (const unsigned char *)path, &budget) == 0;
}

/* ------------------------------------------------- brace expansion */

/* The index of the '}' closing the '{' before s, or -1; escapes skip. */
static long closing_brace(const char *s, size_t n)
{
	int depth = 1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '{')
			depth++;
		else if (s[i] == '}' && --depth == 0)
			return (long)i;
	}
	return -1;
}

/* The next top-level ',' in s, or -1. */
static long next_alt(const char *s, size_t n)
{
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '{')
			depth++;
		else if (s[i] == '}')
			depth--;
		else if (s[i] == ',' && depth == 0)
			return (long)i;
	}
	return -1;
}

typedef int (*match_fn)(const char *pattern, const char *path, long *budget);

/* Expand the first {a,b} of pattern and match each alternative (which may
 * hold further braces): 1, 0 or -1 (bad pattern). */
static int match_braces(const char *pattern, const char *path, match_fn fn, long *budget)
{
	const char *o = NULL;
	for (const char *p = pattern; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '{') {
			o = p;
			break;
		}
	}
	if (!o)
		return fn(pattern, path, budget);
	size_t rest = strlen(o + 1);
	long close = closing_brace(o + 1, rest);
	if (close < 0)
		return -1;
	const char *body = o + 1, *after = o + 1 + close + 1;
	size_t bl = (size_t)close;
	struct sbuf alt = SBUF_INIT;
	int result = 0;
	for (size_t i = 0;;) {
		long c = next_alt(body + i, bl - i);
		size_t e = c < 0 ? bl : i + (size_t)c;
		sbuf_reset(&alt);
		sbuf_add(&alt, pattern, (size_t)(o - pattern));
		sbuf_add(&alt, body + i, e - i);
		sbuf_adds(&alt, after);
		if (--*budget < 0) {
			result = 0;
			break;
		}
		result = match_braces(alt.buf, path, fn, budget);
		if (result != 0 || c < 0)
			break;
		i = e + 1;
	}
	sbuf_release(&alt);
	return result;
}

/* A class at p (after '['): sets *matched for rune r, returns the
 * character after ']' or NULL for a bad class.  neg_chars: "!^". */
static const char *match_class(const char *p, const char *pe, uint32_t r, bool *matched)
{
	bool negate = p < pe && (*p == '!' || *p == '^');
	if (negate)
		p++;
	if (p >= pe || *p == ']')
		return NULL;
	bool m = false;
	bool first = true;
	while (p < pe && (first || *p != ']')) {
		first = false;
		uint32_t lo;
		if (*p == '\\') {
			if (++p >= pe)
				return NULL;
		}
		p += utf8_decode(p, (size_t)(pe - p), &lo);
		uint32_t hi = lo;
		if (p + 1 < pe && *p == '-' && p[1] != ']') {
			p++;
			if (*p == '\\' && ++p >= pe)
				return NULL;
			p += utf8_decode(p, (size_t)(pe - p), &hi);
		}
		if (lo <= r && r <= hi)
			m = true;
	}
	if (p >= pe)
		return NULL;
	*matched = m != negate;
	return p + 1;
}

/* ------------------------------------------------------------ doublestar */

/* One path segment against one pattern segment (no '/', no braces): *
 * any run, ? one rune, classes, escapes. */
static int seg_match(const char *p, const char *pe, const char *s, const char *se, long *budget)
{
	while (p < pe) {
		if (--*budget < 0)
			return 0;
		if (*p == '*') {
			while (p < pe && *p == '*')
				p++;
			if (p == pe)
				return 1;
			for (const char *t = s; t <= se; t++) {
				int m = seg_match(p, pe, t, se, budget);
				if (m)
					return m;
			}
			return 0;
		}
		if (s >= se) {
			/* Validate the rest before failing, as doublestar does. */
			for (; p < pe; p++)
				if (*p == '[') {
					bool dummy;
					const char *q = match_class(p + 1, pe, 0, &dummy);
					if (!q)
						return -1;
					p = q - 1;
				} else if (*p == '\\') {
					if (++p >= pe)
						return -1;
				}
			return 0;
		}
		uint32_t r;
		size_t rl = utf8_decode(s, (size_t)(se - s), &r);
		if (*p == '?') {
			p++;
			s += rl;
		} else if (*p == '[') {
			bool matched;
			const char *q = match_class(p + 1, pe, r, &matched);
			if (!q)
				return -1;
			if (!matched)
				return 0;
			p = q;
			s += rl;
		} else {
			if (*p == '\\' && ++p >= pe)
				return -1;
			if (*p != *s)
				return 0;
			p++;
			s++;
		}
	}
	return s == se;
}

static int ds_match(const char *p, const char *s, long *budget)
{
	const char *pe = strchr(p, '/');
	size_t pl = pe ? (size_t)(pe - p) : strlen(p);
	if (pl == 2 && p[0] == '*' && p[1] == '*') {
		/* A whole-segment ** matches zero or more directories; at the end
		 * of the pattern it matches everything below. */
		if (!pe)
			return 1;
		for (const char *t = s;;) {
			if (--*budget < 0)
				return 0;
			int m = ds_match(pe + 1, t, budget);
			if (m)
				return m;
			const char *n = strchr(t, '/');
			if (!n)
				return 0;
			t = n + 1;
		}
	}
	const char *se = strchr(s, '/');
	size_t sl = se ? (size_t)(se - s) : strlen(s);
	int m = seg_match(p, p + pl, s, s + sl, budget);
	if (m <= 0)
		return m;
	if (!pe && !se)
		return 1;
	if (pe && !se) {
		/* The name ended: only a trailing double star may remain. */
		const char *rest = pe + 1;
		return !strcmp(rest, "**") || !*rest || !strcmp(rest, "**/");
	}
	if (!pe)
		return 0;
	return ds_match(pe + 1, se + 1, budget);
}

static int ds_entry(const char *pattern, const char *path, long *budget)
{
	return ds_match(pattern, path, budget);
}

int glob_doublestar(const char *pattern, const char *path)
{
	long budget = 1000000;
	return match_braces(pattern, path, ds_entry, &budget);
}
