/*
 * semver.c - Masterminds/semver v3: versions, comparison and constraints.
 *
 * Versions are parsed by hand (the "loose" grammar NewVersion uses is
 * deterministic).  Constraints are matched with the library's own four
 * regular expressions, compiled once by the project's Go regexp module
 * (mc/re2.h).  Keeping the expressions verbatim keeps the odd corners (an
 * empty operator, '|' inside the version character class, "a - b" ranges
 * rewritten in place) exact.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mc/re2.h"
#include "mc/semver.h"

/* ------------------------------------------------------------ versions */

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool ident_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* strconv.ParseUint(s, 10, 64) on a digit string; false on overflow. */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* Dot-separated identifiers of [0-9A-Za-z-]+; returns the length matched. */
static size_t scan_idents(const char *s)
{
	size_t i = 0;
	for (;;) {
		size_t st = i;
		while (ident_char(s[i]))
			i++;
		if (i == st)
			return st == 0 ? 0 : st - 1; /* drop a trailing '.' */
		if (s[i] != '.')
			return i;
		i++;
	}
}

static void add_err(struct sbuf *err, const char *msg)
{
	if (err)
		sbuf_adds(err, msg);
}

static bool segment(const char *s, size_t n, uint64_t *out, struct sbuf *err)
{
	if (parse_u64(s, n, out))
		return true;
	if (err)
		sbuf_printf(err, "error parsing version segment: strconv.ParseUint: parsing \"%.*s\": value out of range",
			(int)n, s);
	return false;
}

static bool check_pre(const char *p, struct sbuf *err)
{
	const char *s = p;
	for (;;) {
		const char *e = strchr(s, '.');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0) {
			add_err(err, "invalid prerelease string");
			return false;
		}
		if (all_digits(s, n) && n > 1 && s[0] == '0') {
			add_err(err, "version segment starts with 0");
			return false;
		}
		if (!e)
			return true;
		s = e + 1;
	}
}

bool semver_parse(struct arena *a, const char *s, struct semver *out, struct sbuf *err)
{
	memset(out, 0, sizeof *out);
	out->pre = out->meta = "";
	const char *p = s;
	if (*p == 'v')
		p++;
	const char *num[3] = { 0 };
	size_t len[3] = { 0 };
	for (int i = 0; i < 3; i++) {
		if (i > 0) {
			if (p[0] != '.' || p[1] < '0' || p[1] > '9')
				break;
			p++;
		}
		num[i] = p;
		while (*p >= '0' && *p <= '9')
			p++;
		len[i] = (size_t)(p - num[i]);
		if (len[i] == 0)
			goto invalid;
	}
	const char *pre = NULL, *meta = NULL;
	size_t npre = 0, nmeta = 0;
	if (*p == '-') {
		npre = scan_idents(p + 1);
		if (npre == 0)
			goto invalid;
		pre = p + 1;
		p += 1 + npre;
	}
	if (*p == '+') {
		nmeta = scan_idents(p + 1);
		if (nmeta == 0)
			goto invalid;
		meta = p + 1;
		p += 1 + nmeta;
	}
	if (*p)
		goto invalid;
	uint64_t *dst[3] = { &out->major, &out->minor, &out->patch };
	for (int i = 0; i < 3; i++)
		if (num[i] && !segment(num[i], len[i], dst[i], err))
			return false;
	if (pre) {
		out->pre = arena_strndup(a, pre, npre);
		if (!check_pre(out->pre, err))
			return false;
	}
	if (meta)
		out->meta = arena_strndup(a, meta, nmeta);
	out->original = arena_strdup(a, s);
	return true;
invalid:
	add_err(err, "invalid semantic version");
	return false;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_pre_part(const char *s, size_t sn, const char *o, size_t on)
{
	if (sn == on && memcmp(s, o, sn) == 0)
		return 0;
	if (sn == 0)
		return on ? -1 : 1;
	if (on == 0)
		return 1;
	uint64_t si = 0, oi = 0;
	bool snum = all_digits(s, sn) && parse_u64(s, sn, &si);
	bool onum = all_digits(o, on) && parse_u64(o, on, &oi);
	if (!snum && !onum) {
		size_t n = sn < on ? sn : on;
		int c = memcmp(s, o, n);
		if (c == 0)
			c = sn < on ? -1 : sn > on;
		return c > 0 ? 1 : -1;
	}
	if (!onum)
		return -1;
	if (!snum)
		return 1;
	return si > oi ? 1 : -1;
}

static int cmp_pre(const char *a, const char *b)
{
	for (;;) {
		const char *ea = a ? strchr(a, '.') : NULL, *eb = b ? strchr(b, '.') : NULL;
		size_t na = a ? (ea ? (size_t)(ea - a) : strlen(a)) : 0;
		size_t nb = b ? (eb ? (size_t)(eb - b) : strlen(b)) : 0;
		if (!a && !b)
			return 0;
		int d = cmp_pre_part(a ? a : "", na, b ? b : "", nb);
		if (d)
			return d;
		a = ea ? ea + 1 : NULL;
		b = eb ? eb + 1 : NULL;
	}
}

int semver_cmp(const struct semver *a, const struct semver *b)
{
	int d;
	if ((d = cmp_u64(a->major, b->major)) || (d = cmp_u64(a->minor, b->minor)) ||
	    (d = cmp_u64(a->patch, b->patch)))
		return d;
	if (!*a->pre && !*b->pre)
		return 0;
	if (!*a->pre)
		return 1;
	if (!*b->pre)
		return -1;
	return cmp_pre(a->pre, b->pre);
}

void semver_format(struct sbuf *out, const struct semver *v)
{
	sbuf_printf(out, "%llu.%llu.%llu", (unsigned long long)v->major,
		(unsigned long long)v->minor, (unsigned long long)v->patch);
	if (*v->pre)
		sbuf_printf(out, "-%s", v->pre);
	if (*v->meta)
		sbuf_printf(out, "+%s", v->meta);
}

/* --------------------------------------------------------- constraints */

#define WS "\\s"
#define OPS "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^"
#define CV "v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?" \
	"(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?" \
	"(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?"

enum { RE_CONSTRAINT, RE_RANGE, RE_FIND, RE_VALID, RE_COUNT };

static const char *const re_src[RE_COUNT] = {
	"^" WS "*(" OPS ")" WS "*(" CV ")" WS "*$",
	WS "*(" CV ")" WS "+-" WS "+(" CV ")" WS "*",
	"(" OPS ")" WS "*(" CV ")",
	"^(" WS "*(" OPS ")" WS "*(" CV ")" WS "*)((?:" WS "+|," WS "*)(" OPS ")" WS "*(" CV ")" WS "*)*$",
};

static struct re2 *re_code[RE_COUNT];
static pthread_once_t re_once = PTHREAD_ONCE_INIT;

static void re_init(void)
{
	for (int i = 0; i < RE_COUNT; i++) {
		re_code[i] = re2_compile(re_src[i], strlen(re_src[i]), NULL);
		if (!re_code[i])
			abort(); /* the patterns are constants */
	}
}

struct constraint {
	struct semver con;
	const char *orig, *op;
	bool dirty, minor_dirty, patch_dirty;
};

struct or_group {
	struct constraint *items;
	size_t n;
	bool has_pre;
};

struct semver_constraints {
	struct or_group *groups;
	size_t n;
};

/* Group g of match m in s, "" when it took no part. */
static const char *group_str(struct arena *a, const char *s, const size_t *m, int g)
{
	if (m[2 * g] == RE2_UNSET)
		return "";
	return arena_strndup(a, s + m[2 * g], m[2 * g + 1] - m[2 * g]);
}

static bool is_x(const char *s)
{
	return !strcmp(s, "x") || !strcmp(s, "*") || !strcmp(s, "X");
}

static bool parse_one(struct arena *a, const char *c, struct constraint *out, struct sbuf *err)
{
	const struct re2 *re = re_code[RE_CONSTRAINT];
	size_t *m = arena_alloc(a, 2 * (re2_groups(re) + 1) * sizeof *m);
	if (re2_find(re, c, strlen(c), m) != 1) {
		if (err)
			sbuf_printf(err, "improper constraint: \"%s\"", c);
		return false;
	}
	const char *op = group_str(a, c, m, 1), *cv = group_str(a, c, m, 2);
	const char *m3 = group_str(a, c, m, 3), *m4 = group_str(a, c, m, 4);
	const char *m5 = group_str(a, c, m, 5), *m6 = group_str(a, c, m, 6);
	memset(out, 0, sizeof *out);
	out->orig = cv;
	out->op = op;
	const char *ver = cv;
	if (is_x(m3) || !*m3) {
		ver = arena_printf(a, "0.0.0%s", m6);
		out->dirty = true;
	} else if (is_x(*m4 ? m4 + 1 : m4) || !*m4) {
		out->minor_dirty = out->dirty = true;
		ver = arena_printf(a, "%s.0.0%s", m3, m6);
	} else if (is_x(*m5 ? m5 + 1 : m5) || !*m5) {
		out->dirty = out->patch_dirty = true;
		ver = arena_printf(a, "%s%s.0%s", m3, m4, m6);
	}
	if (!semver_parse(a, ver, &out->con, NULL)) {
		add_err(err, "constraint parser error");
		return false;
	}
	return true;
}

struct range_rewrite {
	struct arena *a;
	const char *in;
	char *o;
};

/* strings.Replace(o, m[0], ">= m[1], <= m[11] ", 1) */
static void rewrite_one(void *arg, const size_t *m)
{
	struct range_rewrite *r = arg;
	const char *whole = group_str(r->a, r->in, m, 0);
	char *at = strstr(r->o, whole);
	if (at) {
		char *t = arena_printf(r->a, ">= %s, <= %s ", group_str(r->a, r->in, m, 1),
			group_str(r->a, r->in, m, 11));
		r->o = arena_printf(r->a, "%.*s%s%s", (int)(at - r->o), r->o, t, at + strlen(whole));
	}
}

/* rewriteRange: every "a - b" becomes ">= a, <= b ". */
static char *rewrite_range(struct arena *a, const char *in)
{
	struct range_rewrite r = { a, in, arena_strdup(a, in) };
	re2_find_all(re_code[RE_RANGE], in, strlen(in), -1, rewrite_one, &r);
	return r.o;
}

struct parts {
	struct arena *a;
	const char *v;
	VEC(const char *) items;
};

static void add_part(void *arg, const size_t *m)
{
	struct parts *p = arg;
	VEC_PUSH(p->a, &p->items, group_str(p->a, p->v, m, 0));
}

struct semver_constraints *semver_constraints_parse(struct arena *a, const char *s,
	struct sbuf *err)
{
	pthread_once(&re_once, re_init);
	char *c = rewrite_range(a, s);
	struct semver_constraints *cs = arena_calloc(a, 1, sizeof *cs);
	size_t nors = 1;
	for (const char *p = c; (p = strstr(p, "||")); p += 2)
		nors++;
	cs->groups = arena_calloc(a, nors, sizeof *cs->groups);
	cs->n = nors;
	const char *p = c;
	bool ok = true;
	for (size_t k = 0; k < nors && ok; k++) {
		const char *e = strstr(p, "||");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *v = arena_strndup(a, p, len);
		p = e ? e + 2 : p + len;
		if (!re2_match(re_code[RE_VALID], v, len)) {
			if (err)
				sbuf_printf(err, "improper constraint: \"%s\"", v);
			ok = false;
			break;
		}
		struct parts parts = { a, v, { 0 } };
		re2_find_all(re_code[RE_FIND], v, len, -1, add_part, &parts);
		if (parts.items.len == 0)
			VEC_PUSH(a, &parts.items, v);
		struct or_group *g = &cs->groups[k];
		g->items = arena_calloc(a, parts.items.len, sizeof *g->items);
		g->n = parts.items.len;
		for (size_t i = 0; i < parts.items.len && ok; i++) {
			if (!parse_one(a, parts.items.items[i], &g->items[i], err))
				ok = false;
			else if (*g->items[i].con.pre)
				g->has_pre = true;
		}
	}
	return ok ? cs : NULL;
}

static bool op_is(const struct constraint *c, const char *a, const char *b)
{
	return !strcmp(c->op, a) || (b && !strcmp(c->op, b));
}

static bool check_tilde(const struct semver *v, const struct constraint *c)
{
	if (semver_cmp(v, &c->con) < 0)
		return false;
	if (c->con.major == 0 && c->con.minor == 0 && c->con.patch == 0 &&
	    !c->minor_dirty && !c->patch_dirty)
		return true;
	if (v->major != c->con.major)
		return false;
	if (v->minor != c->con.minor && !c->minor_dirty)
		return false;
	return true;
}

static bool check_one(const struct semver *v, const struct constraint *c, bool pre_ok)
{
	if (*v->pre && !pre_ok)
		return false;
	const struct semver *k = &c->con;
	if (op_is(c, "", "=")) {
		if (c->dirty)
			return check_tilde(v, c);
		return semver_cmp(v, k) == 0;
	}
	if (op_is(c, "!=", NULL)) {
		if (c->dirty) {
			if (k->major != v->major)
				return true;
			if (k->minor != v->minor && !c->minor_dirty)
				return true;
			if (c->minor_dirty)
				return false;
			if (k->patch != v->patch && !c->patch_dirty)
				return true;
			if (c->patch_dirty) {
				if (*v->pre || *k->pre)
					return cmp_pre(v->pre, k->pre) != 0;
				return false;
			}
		}
		return semver_cmp(v, k) != 0;
	}
	if (op_is(c, ">", NULL)) {
		if (!c->dirty)
			return semver_cmp(v, k) == 1;
		if (v->major > k->major)
			return true;
		if (v->major < k->major || c->minor_dirty)
			return false;
		if (c->patch_dirty)
			return v->minor > k->minor;
		return semver_cmp(v, k) == 1;
	}
	if (op_is(c, "<", NULL))
		return semver_cmp(v, k) < 0;
	if (op_is(c, ">=", "=>"))
		return semver_cmp(v, k) >= 0;
	if (op_is(c, "<=", "=<")) {
		if (!c->dirty)
			return semver_cmp(v, k) <= 0;
		if (v->major > k->major)
			return false;
		if (v->major == k->major && v->minor > k->minor && !c->minor_dirty)
			return false;
		return true;
	}
	if (op_is(c, "~", "~>"))
		return check_tilde(v, c);
	/* ^ */
	if (semver_cmp(v, k) < 0)
		return false;
	if (k->major > 0 || c->minor_dirty)
		return v->major == k->major;
	if (k->major == 0 && v->major > 0)
		return false;
	if (k->minor > 0 || c->patch_dirty)
		return v->minor == k->minor;
	if (k->minor == 0 && v->minor > 0)
		return false;
	return k->patch == v->patch;
}

bool semver_check(const struct semver_constraints *cs, const struct semver *v)
{
	for (size_t i = 0; i < cs->n; i++) {
		const struct or_group *g = &cs->groups[i];
		bool joy = true;
		for (size_t j = 0; j < g->n && joy; j++)
			joy = check_one(v, &g->items[j], g->has_pre);
		if (joy)
			return true;
	}
	return false;
}

bool semver_compatible(struct arena *a, const char *constraint, const char *version)
{
	struct semver v;
	if (!semver_parse(a, version, &v, NULL))
		return false;
	struct semver_constraints *c = semver_constraints_parse(a, constraint, NULL);
	return c && semver_check(c, &v);
}
