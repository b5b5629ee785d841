/*
 * helm_ignore.c - Helm's .helmignore rules.
 *
 * pkg/ignore evaluates rules in order and stops at the first match: a rule
 * without '/' matches the base name, one with '/' the whole relative path,
 * a leading '/' anchors at the root, a trailing '/' only matches
 * directories, and a leading '!' ... stops evaluation with "ignore" for
 * every path it does NOT match, which is Helm's (surprising) reading of
 * negation, kept as is.  `**` is rejected.  Patterns are filepath.Match's
 * (path_match, frontend/path.c).
 */
#include <stdlib.h>
#include <string.h>

#include "mc/helm.h"

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

static int parse_rule(struct arena *a, struct helm_ignore *r, const char *s, size_t n,
	const char **err)
{
	go_trim_space(&s, &n); /* strings.TrimSpace: Unicode spaces too */
	if (n == 0 || *s == '#')
		return 0;
	char *rule = arena_strndup(a, s, n);
	if (strstr(rule, "**")) {
		*err = "double-star (**) syntax is not supported";
		return -1;
	}
	if (path_match(rule, "abc") < 0) {
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
		return path_match(p->pat, path) == 1;
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
	bool m = path_match(p->pat, base) == 1;
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
