/*
 * helm_ignore.c - Go's filepath.Match and Helm's .helmignore rules.
 *
 * filepath.Match is the matcher behind .helmignore and `--show-only`, so it
 * is ported with its exact chunk-by-chunk algorithm (a star never crosses
 * '/', `\` escapes, character classes with ranges and '^', and
 * ErrBadPattern for malformed classes even when the name already failed).
 *
 * pkg/ignore evaluates rules in order and stops at the first match: a rule
 * without '/' matches the base name, one with '/' the whole relative path,
 * a leading '/' anchors at the root, a trailing '/' only matches
 * directories, and a leading '!' ... stops evaluation with "ignore" for
 * every path it does NOT match, which is Helm's (surprising) reading of
 * negation, kept as is.  `**` is rejected.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/helm.h"

/* ---------------------------------------------------- filepath.Match */

static void scan_chunk(const char **pattern, bool *star, const char **chunk, size_t *clen)
{
	const char *p = *pattern;
	*star = false;
	while (*p == '*') {
		p++;
		*star = true;
	}
	bool inrange = false;
	size_t i;
	for (i = 0; p[i]; i++) {
		if (p[i] == '\\') {
			if (p[i + 1])
				i++;
		} else if (p[i] == '[') {
			inrange = true;
		} else if (p[i] == ']') {
			inrange = false;
		} else if (p[i] == '*' && !inrange) {
			break;
		}
	}
	*chunk = p;
	*clen = i;
	*pattern = p + i;
}

/* getEsc: one (possibly escaped) rune of a class. */
static int get_esc(const char **chunk, const char *end, uint32_t *r)
{
	const char *c = *chunk;
	if (c >= end || *c == '-' || *c == ']')
		return -1;
	if (*c == '\\') {
		c++;
		if (c >= end)
			return -1;
	}
	size_t n = utf8_decode(c, (size_t)(end - c), r);
	int bad = (*r == 0xFFFD && n == 1) ? -1 : 0;
	c += n;
	if (c >= end)
		bad = -1;
	*chunk = c;
	return bad;
}

/* matchChunk: returns 1 and the rest of s on a match, 0 on no match, -1 on
 * a bad pattern. */
static int match_chunk(const char *chunk, size_t clen, const char *s, const char **rest)
{
	const char *end = chunk + clen;
	bool failed = false;
	size_t slen = strlen(s);
	while (chunk < end) {
		if (!failed && slen == 0)
			failed = true;
		switch (*chunk) {
		case '[': {
			uint32_t r = 0;
			if (!failed) {
				size_t n = utf8_decode(s, slen, &r);
				s += n;
				slen -= n;
			}
			chunk++;
			bool negated = false;
			if (chunk < end && *chunk == '^') {
				negated = true;
				chunk++;
			}
			bool match = false;
			int nrange = 0;
			for (;;) {
				if (chunk < end && *chunk == ']' && nrange > 0) {
					chunk++;
					break;
				}
				uint32_t lo, hi;
				if (get_esc(&chunk, end, &lo))
					return -1;
				hi = lo;
				if (*chunk == '-') {
					chunk++;
					if (get_esc(&chunk, end, &hi))
						return -1;
				}
				if (lo <= r && r <= hi)
					match = true;
				nrange++;
			}
			if (match == negated)
				failed = true;
			break;
		}
		case '?':
			if (!failed) {
				if (*s == '/')
					failed = true;
				uint32_t r;
				size_t n = utf8_decode(s, slen, &r);
				s += n;
				slen -= n;
			}
			chunk++;
			break;
		case '\\':
			chunk++;
			if (chunk >= end)
				return -1;
			/* fallthrough */
		default:
			if (!failed) {
				if (*chunk != *s)
					failed = true;
				s++;
				slen--;
			}
			chunk++;
			break;
		}
	}
	if (failed)
		return 0;
	*rest = s;
	return 1;
}

int helm_path_match(const char *pattern, const char *name)
{
	while (*pattern) {
		bool star;
		const char *chunk;
		size_t clen;
		scan_chunk(&pattern, &star, &chunk, &clen);
		if (star && clen == 0)
			return strchr(name, '/') == NULL;
		const char *t;
		int rc = match_chunk(chunk, clen, name, &t);
		if (rc == 1 && (*t == '\0' || *pattern)) {
			name = t;
			continue;
		}
		if (rc < 0)
			return -1;
		if (star) {
			bool found = false;
			for (size_t i = 0; name[i] && name[i] != '/'; i++) {
				rc = match_chunk(chunk, clen, name + i + 1, &t);
				if (rc == 1) {
					if (!*pattern && *t)
						continue;
					name = t;
					found = true;
					break;
				}
				if (rc < 0)
					return -1;
			}
			if (found)
				continue;
		}
		while (*pattern) {
			scan_chunk(&pattern, &star, &chunk, &clen);
			if (match_chunk(chunk, clen, "", &t) < 0)
				return -1;
		}
		return 0;
	}
	return *name == '\0';
}

/* ------------------------------------------------------- .helmignore */

enum rule_kind { RULE_BASE, RULE_PATH, RULE_ROOT };

struct rule {
	const char *pat;
	enum rule_kind kind;
	bool negate, must_dir;
};

struct helm_ignore {
	struct rule *items;
	size_t len, cap;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int parse_rule(struct arena *a, struct helm_ignore *r, const char *s, size_t n,
	const char **err)
{
	while (n && is_space(*s)) {
		s++;
		n--;
	}
	while (n && is_space(s[n - 1]))
		n--;
	if (n == 0 || *s == '#')
		return 0;
	char *rule = arena_strndup(a, s, n);
	if (strstr(rule, "**")) {
		*err = "double-star (**) syntax is not supported";
		return -1;
	}
	if (helm_path_match(rule, "abc") < 0) {
		*err = "syntax error in pattern";
		return -1;
	}
	struct rule p = { 0 };
	if (*rule == '!') {
		p.negate = true;
		rule++;
	}
	size_t len = strlen(rule);
	if (len && rule[len - 1] == '/') {
		p.must_dir = true;
		rule[--len] = '\0';
	}
	if (*rule == '/') {
		p.kind = RULE_ROOT;
		rule++;
	} else if (strchr(rule, '/')) {
		p.kind = RULE_PATH;
	} else {
		p.kind = RULE_BASE;
	}
	p.pat = rule;
	VEC_PUSH(a, r, p);
	return 0;
}

struct helm_ignore *helm_ignore_parse(struct arena *a, const char *text, size_t len,
	const char **err)
{
	struct helm_ignore *r = arena_calloc(a, 1, sizeof *r);
	if (text) {
		/* bufio.Scanner lines; a BOM is dropped from the first. */
		if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
			text += 3;
			len -= 3;
		}
		size_t i = 0;
		while (i < len) {
			const char *nl = memchr(text + i, '\n', len - i);
			size_t e = nl ? (size_t)(nl - text) : len;
			if (parse_rule(a, r, text + i, e - i, err))
				return NULL;
			i = e + 1;
		}
	}
	const char *def = "templates/.?*";
	parse_rule(a, r, def, strlen(def), err);
	return r;
}

static bool rule_match(const struct rule *p, const char *path)
{
	if (p->kind != RULE_BASE)
		return helm_path_match(p->pat, path) == 1;
	/* filepath.Base: trailing slashes go, then the last element. */
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	size_t st = n;
	while (st > 0 && path[st - 1] != '/')
		st--;
	if (n == 1 && path[0] == '/')
		st = 0;
	char *base = xstrndup(path + st, n - st);
	bool m = helm_path_match(p->pat, base) == 1;
	free(base);
	return m;
}

bool helm_ignore_match(const struct helm_ignore *r, const char *path, bool is_dir)
{
	if (!*path || !strcmp(path, ".") || !strcmp(path, "./"))
		return false;
	for (size_t i = 0; i < r->len; i++) {
		const struct rule *p = &r->items[i];
		if (p->negate) {
			if (p->must_dir && !is_dir)
				return true;
			if (!rule_match(p, path))
				return true;
			continue;
		}
		if (p->must_dir && !is_dir)
			continue;
		if (rule_match(p, path))
			return true;
	}
	return false;
}
