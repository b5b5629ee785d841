/*
 * sprig_semver.c - semver and semverCompare (Masterminds/semver v3.3.0).
 *
 * The library parses versions and constraints with regular expressions, so
 * this file runs the very same expressions through the Go-regexp engine
 * (sprig_regex.c) and ports the constraint functions one to one: "1.2"
 * is 1.2.0, x, X and * wildcards make a constraint "dirty", prereleases only
 * satisfy constraints that have one, "a - b" ranges are rewritten first.
 * semver returns a *semver.Version host object with its methods (Major,
 * Compare, IncMinor ...), printed through its String method.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sprig_impl.h"

#define SEMVER_RE "v?([0-9]+)(\\.[0-9]+)?(\\.[0-9]+)?" \
	"(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?" \
	"(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?"
#define CV_RE "v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?" \
	"(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?" \
	"(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?"
#define OPS_RE "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^"

static struct sp_regex *re_version, *re_constraint, *re_range, *re_find, *re_valid;
static pthread_once_t re_once = PTHREAD_ONCE_INIT;

static void compile_res(void)
{
	re_version = sp_regex_new("^" SEMVER_RE "$");
	re_constraint = sp_regex_new("^\\s*(" OPS_RE ")\\s*(" CV_RE ")\\s*$");
	re_range = sp_regex_new("\\s*(" CV_RE ")\\s+-\\s+(" CV_RE ")\\s*");
	re_find = sp_regex_new("(" OPS_RE ")\\s*(" CV_RE ")");
	re_valid = sp_regex_new("^(\\s*(" OPS_RE ")\\s*(" CV_RE ")\\s*)((?:\\s+|,\\s*)(" OPS_RE
		")\\s*(" CV_RE ")\\s*)*$");
}

struct version {
	uint64_t major, minor, patch;
	struct gt_value pre, meta, original;
};

extern const struct gt_class sp_version_ptr_class, sp_version_class;

static struct gt_value group(const char *s, const size_t *ov, int g)
{
	if (ov[2 * g] == (size_t)-1)
		return gt_string("", 0);
	return gt_string(s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

static bool only(struct gt_value s, const char *set)
{
	for (size_t i = 0; i < s.s.n; i++)
		if (!s.s.p[i] || !strchr(set, s.s.p[i]))
			return false;
	return true;
}

#define NUM "0123456789"
#define ALLOWED "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-" NUM

static const char *validate_parts(struct gt_value s, bool pre)
{
	size_t st = 0;
	for (size_t i = 0; i <= s.s.n; i++) {
		if (i < s.s.n && s.s.p[i] != '.')
			continue;
		struct gt_value part = gt_string(s.s.p + st, i - st);
		if (pre && only(part, NUM)) {
			if (part.s.n > 1 && part.s.p[0] == '0')
				return "Version segment starts with 0";
		} else if (!only(part, ALLOWED)) {
			return pre ? "Invalid Prerelease string" : "Invalid Metadata string";
		}
		st = i + 1;
	}
	return NULL;
}

static bool parse_seg(struct gt_value s, uint64_t *out, const char **err, struct arena *a)
{
	uint64_t v = 0;
	for (size_t i = 0; i < s.s.n; i++) {
		if (v > (UINT64_MAX - 9) / 10 && (v > UINT64_MAX / 10 || (uint64_t)(s.s.p[i] - '0') > UINT64_MAX - v * 10)) {
			*err = arena_printf(a, "Error parsing version segment: strconv.ParseUint: parsing \"%.*s\": value out of range",
				(int)s.s.n, s.s.p);
			return false;
		}
		v = v * 10 + (uint64_t)(s.s.p[i] - '0');
	}
	*out = v;
	return true;
}

/* semver.NewVersion */
static struct version *new_version(struct arena *a, struct gt_value s, const char **err)
{
	pthread_once(&re_once, compile_res);
	size_t ov[64];
	if (!re_version || sp_regex_exec(re_version, s.s.p ? s.s.p : "", s.s.n, 0, ov) != 1) {
		*err = "Invalid Semantic Version";
		return NULL;
	}
	struct version *v = arena_calloc(a, 1, sizeof *v);
	v->original = gt_strdup(a, s.s.p, s.s.n);
	const char *p = v->original.s.p;
	v->meta = group(p, ov, 8);
	v->pre = group(p, ov, 5);
	if (!parse_seg(group(p, ov, 1), &v->major, err, a))
		return NULL;
	struct gt_value mi = group(p, ov, 2), pa = group(p, ov, 3);
	if (mi.s.n && !parse_seg(gt_string(mi.s.p + 1, mi.s.n - 1), &v->minor, err, a))
		return NULL;
	if (pa.s.n && !parse_seg(gt_string(pa.s.p + 1, pa.s.n - 1), &v->patch, err, a))
		return NULL;
	if (v->pre.s.n && (*err = validate_parts(v->pre, true)))
		return NULL;
	if (v->meta.s.n && (*err = validate_parts(v->meta, false)))
		return NULL;
	return v;
}

static void version_string(const struct version *v, struct sbuf *out)
{
	sbuf_printf(out, "%llu.%llu.%llu", (unsigned long long)v->major, (unsigned long long)v->minor,
		(unsigned long long)v->patch);
	if (v->pre.s.n) {
		sbuf_addc(out, '-');
		sbuf_add(out, v->pre.s.p, v->pre.s.n);
	}
	if (v->meta.s.n) {
		sbuf_addc(out, '+');
		sbuf_add(out, v->meta.s.p, v->meta.s.n);
	}
}

static int cmp_u(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static bool parse_u(struct gt_value s, uint64_t *out)
{
	if (!s.s.n)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < s.s.n; i++) {
		if (s.s.p[i] < '0' || s.s.p[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(s.s.p[i] - '0');
	}
	*out = v;
	return true;
}

static int str_cmp_v(struct gt_value a, struct gt_value b)
{
	size_t n = a.s.n < b.s.n ? a.s.n : b.s.n;
	int r = n ? memcmp(a.s.p, b.s.p, n) : 0;
	if (r)
		return r < 0 ? -1 : 1;
	return a.s.n < b.s.n ? -1 : a.s.n > b.s.n;
}

static int compare_pre_part(struct gt_value s, struct gt_value o)
{
	if (s.s.n == o.s.n && (s.s.n == 0 || !memcmp(s.s.p, o.s.p, s.s.n)))
		return 0;
	if (!s.s.n)
		return o.s.n ? -1 : 1;
	if (!o.s.n)
		return s.s.n ? 1 : -1;
	uint64_t oi = 0, si = 0;
	bool on = parse_u(o, &oi), sn = parse_u(s, &si);
	if (!on && !sn)
		return str_cmp_v(s, o) > 0 ? 1 : -1;
	if (!on)
		return -1;
	if (!sn)
		return 1;
	return si > oi ? 1 : -1;
}

static struct gt_value part_at(struct gt_value s, size_t idx, bool *exists)
{
	size_t st = 0, k = 0;
	for (size_t i = 0; i <= s.s.n; i++) {
		if (i < s.s.n && s.s.p[i] != '.')
			continue;
		if (k == idx) {
			*exists = true;
			return gt_string(s.s.p + st, i - st);
		}
		k++;
		st = i + 1;
	}
	*exists = false;
	return gt_string("", 0);
}

static size_t count_parts(struct gt_value s)
{
	size_t k = 1;
	for (size_t i = 0; i < s.s.n; i++)
		k += s.s.p[i] == '.';
	return k;
}

static int compare_prerelease(struct gt_value v, struct gt_value o)
{
	size_t sl = count_parts(v), ol = count_parts(o), l = sl > ol ? sl : ol;
	for (size_t i = 0; i < l; i++) {
		bool e;
		struct gt_value st = i < sl ? part_at(v, i, &e) : gt_string("", 0);
		struct gt_value ot = i < ol ? part_at(o, i, &e) : gt_string("", 0);
		int d = compare_pre_part(st, ot);
		if (d)
			return d;
	}
	return 0;
}

static int vcompare(const struct version *v, const struct version *o)
{
	int d;
	if ((d = cmp_u(v->major, o->major)) || (d = cmp_u(v->minor, o->minor)) ||
	    (d = cmp_u(v->patch, o->patch)))
		return d;
	if (!v->pre.s.n && !o->pre.s.n)
		return 0;
	if (!v->pre.s.n)
		return 1;
	if (!o->pre.s.n)
		return -1;
	return compare_prerelease(v->pre, o->pre);
}

/* ---- constraints ---- */

struct constraint {
	struct version *con;
	struct gt_value orig, op;
	bool minor_dirty, patch_dirty, dirty;
};

static bool is_x(struct gt_value s)
{
	return s.s.n == 1 && (s.s.p[0] == 'x' || s.s.p[0] == '*' || s.s.p[0] == 'X');
}

static bool op_is(struct gt_value op, const char *s)
{
	return op.s.n == strlen(s) && (op.s.n == 0 || !memcmp(op.s.p, s, op.s.n));
}

static bool check_one(const struct constraint *c, const struct version *v)
{
	bool vpre = v->pre.s.n > 0, cpre = c->con->pre.s.n > 0;
	struct gt_value op = c->op;
	if (op_is(op, "!=")) {
		if (c->dirty) {
			if (vpre && !cpre)
				return false;
			if (c->con->major != v->major)
				return true;
			if (c->con->minor != v->minor && !c->minor_dirty)
				return true;
			else if (c->minor_dirty)
				return false;
			else if (c->con->patch != v->patch && !c->patch_dirty)
				return true;
			else if (c->patch_dirty) {
				if (vpre || cpre)
					return compare_prerelease(v->pre, c->con->pre) != 0;
				return false;
			}
		}
		return vcompare(v, c->con) != 0;
	}
	if (vpre && !cpre)
		return false;
	if (op_is(op, ">")) {
		if (!c->dirty)
			return vcompare(v, c->con) == 1;
		if (v->major > c->con->major)
			return true;
		if (v->major < c->con->major || c->minor_dirty)
			return false;
		if (c->patch_dirty)
			return v->minor > c->con->minor;
		return vcompare(v, c->con) == 1;
	}
	if (op_is(op, "<"))
		return vcompare(v, c->con) < 0;
	if (op_is(op, ">=") || op_is(op, "=>"))
		return vcompare(v, c->con) >= 0;
	if (op_is(op, "<=") || op_is(op, "=<")) {
		if (!c->dirty)
			return vcompare(v, c->con) <= 0;
		if (v->major > c->con->major)
			return false;
		if (v->major == c->con->major && v->minor > c->con->minor && !c->minor_dirty)
			return false;
		return true;
	}
	bool tilde = op_is(op, "~") || op_is(op, "~>");
	if (tilde || ((op_is(op, "") || op_is(op, "=")) && c->dirty)) {
		if (vcompare(v, c->con) < 0)
			return false;
		if (c->con->major == 0 && c->con->minor == 0 && c->con->patch == 0 && !c->minor_dirty &&
		    !c->patch_dirty)
			return true;
		if (v->major != c->con->major)
			return false;
		if (v->minor != c->con->minor && !c->minor_dirty)
			return false;
		return true;
	}
	if (op_is(op, "") || op_is(op, "="))
		return vcompare(v, c->con) == 0;
	if (op_is(op, "^")) {
		if (vcompare(v, c->con) < 0)
			return false;
		if (c->con->major > 0 || c->minor_dirty)
			return v->major == c->con->major;
		if (c->con->major == 0 && v->major > 0)
			return false;
		if (c->con->minor > 0 || c->patch_dirty)
			return v->minor == c->con->minor;
		if (c->con->minor == 0 && v->minor > 0)
			return false;
		return c->con->patch == v->patch;
	}
	return false;
}

static bool parse_constraint(struct arena *a, struct gt_value s, struct constraint *c, const char **err)
{
	memset(c, 0, sizeof *c);
	if (!s.s.n) {
		c->con = arena_calloc(a, 1, sizeof *c->con);
		c->con->pre = c->con->meta = c->con->original = gt_string("", 0);
		c->orig = s;
		c->op = gt_string("", 0);
		c->dirty = true;
		return true;
	}
	size_t ov[64];
	if (sp_regex_exec(re_constraint, s.s.p, s.s.n, 0, ov) != 1) {
		*err = arena_printf(a, "improper constraint: %.*s", (int)s.s.n, s.s.p);
		return false;
	}
	c->orig = group(s.s.p, ov, 2);
	c->op = group(s.s.p, ov, 1);
	struct gt_value m3 = group(s.s.p, ov, 3), m4 = group(s.s.p, ov, 4), m5 = group(s.s.p, ov, 5),
		m6 = group(s.s.p, ov, 6);
	struct sbuf ver = SBUF_INIT;
	struct gt_value m4t = m4.s.n ? gt_string(m4.s.p + 1, m4.s.n - 1) : m4;
	struct gt_value m5t = m5.s.n ? gt_string(m5.s.p + 1, m5.s.n - 1) : m5;
	if (is_x(m3) || !m3.s.n) {
		sbuf_adds(&ver, "0.0.0");
		sbuf_add(&ver, m6.s.p, m6.s.n);
		c->dirty = true;
	} else if (is_x(m4t) || !m4.s.n) {
		c->minor_dirty = c->dirty = true;
		sbuf_add(&ver, m3.s.p, m3.s.n);
		sbuf_adds(&ver, ".0.0");
		sbuf_add(&ver, m6.s.p, m6.s.n);
	} else if (is_x(m5t) || !m5.s.n) {
		c->dirty = c->patch_dirty = true;
		sbuf_add(&ver, m3.s.p, m3.s.n);
		sbuf_add(&ver, m4.s.p, m4.s.n);
		sbuf_adds(&ver, ".0");
		sbuf_add(&ver, m6.s.p, m6.s.n);
	} else {
		sbuf_add(&ver, c->orig.s.p, c->orig.s.n);
	}
	const char *e;
	c->con = new_version(a, gt_sbuf_value(a, &ver), &e);
	sbuf_release(&ver);
	if (!c->con) {
		*err = "constraint Parser Error";
		return false;
	}
	return true;
}

struct finds {
	struct arena *a;
	const char *s;
	VEC(struct gt_value) v;
};

static void deliver_find(void *arg, const size_t *ov)
{
	struct finds *f = arg;
	VEC_PUSH(f->a, &f->v, gt_string(f->s + ov[0], ov[1] - ov[0]));
}

/* semverCompare's NewConstraint + Check: 1 ok, 0 no, -1 error */
static int check_constraint(struct arena *a, struct gt_value cs, const struct version *v, const char **err)
{
	/* rewriteRange */
	struct sbuf c = SBUF_INIT;
	sbuf_add(&c, cs.s.p, cs.s.n);
	size_t ov[64];
	struct sbuf rewritten = SBUF_INIT;
	for (;;) {
		/* FindAllStringSubmatch then replace each first occurrence, in order */
		struct finds f = { a, NULL, { 0 } };
		size_t pos = 0;
		VEC(size_t) groups = { 0 };
		while (pos <= c.len) {
			int m = sp_regex_exec(re_range, c.buf, c.len, pos, ov);
			if (m != 1)
				break;
			VEC_PUSH(a, &groups, ov[0]);
			VEC_PUSH(a, &groups, ov[1]);
			VEC_PUSH(a, &groups, ov[2]);
			VEC_PUSH(a, &groups, ov[3]);
			VEC_PUSH(a, &groups, ov[22]);
			VEC_PUSH(a, &groups, ov[23]);
			pos = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
		}
		(void)f;
		if (!groups.len)
			break;
		sbuf_add(&rewritten, c.buf, c.len);
		for (size_t i = 0; i < groups.len; i += 6) {
			struct sbuf t = SBUF_INIT;
			sbuf_adds(&t, ">= ");
			sbuf_add(&t, c.buf + groups.items[i + 2], groups.items[i + 3] - groups.items[i + 2]);
			sbuf_adds(&t, ", <= ");
			sbuf_add(&t, c.buf + groups.items[i + 4], groups.items[i + 5] - groups.items[i + 4]);
			sbuf_addc(&t, ' ');
			const char *whole = c.buf + groups.items[i];
			size_t wl = groups.items[i + 1] - groups.items[i];
			/* strings.Replace(o, v[0], t, 1) on the current text */
			struct sbuf nb = SBUF_INIT;
			const char *hit = NULL;
			for (size_t k = 0; k + wl <= rewritten.len; k++)
				if (!memcmp(rewritten.buf + k, whole, wl)) {
					hit = rewritten.buf + k;
					break;
				}
			if (hit) {
				sbuf_add(&nb, rewritten.buf, (size_t)(hit - rewritten.buf));
				sbuf_add(&nb, t.buf, t.len);
				sbuf_add(&nb, hit + wl, rewritten.len - (size_t)(hit - rewritten.buf) - wl);
				sbuf_reset(&rewritten);
				sbuf_add(&rewritten, nb.buf, nb.len);
			}
			sbuf_release(&nb);
			sbuf_release(&t);
		}
		sbuf_reset(&c);
		sbuf_add(&c, rewritten.buf, rewritten.len);
		break;
	}
	sbuf_release(&rewritten);
	/* split at "||" */
	int result = 0;
	size_t st = 0;
	bool any_true = false;
	for (size_t i = 0; i <= c.len; i++) {
		if (i < c.len && !(i + 1 < c.len && c.buf[i] == '|' && c.buf[i + 1] == '|'))
			continue;
		struct gt_value part = gt_string(c.buf + st, i - st);
		st = i + 2;
		if (sp_regex_exec(re_valid, part.s.p, part.s.n, 0, ov) != 1) {
			*err = arena_printf(a, "improper constraint: %.*s", (int)part.s.n, part.s.p);
			result = -1;
			break;
		}
		struct finds f = { a, part.s.p, { 0 } };
		sp_regex_all(re_find, part.s.p, part.s.n, -1, deliver_find, &f);
		if (!f.v.len)
			VEC_PUSH(a, &f.v, part);
		bool joy = true;
		for (size_t k = 0; k < f.v.len; k++) {
			struct constraint con;
			if (!parse_constraint(a, f.v.items[k], &con, err)) {
				result = -1;
				break;
			}
			if (joy && !check_one(&con, v))
				joy = false;
		}
		if (result < 0)
			break;
		if (joy)
			any_true = true;
		i++;
	}
	sbuf_release(&c);
	if (result < 0)
		return -1;
	return any_true;
}

SP_FN(v_semver_compare)
{
	(void)n;
	pthread_once(&re_once, compile_res);
	struct arena *ar = gt_call_arena(c);
	const char *err = NULL;
	/* NewConstraint first, so a bad constraint reports before a bad version */
	const char *verr = NULL;
	struct version *v = new_version(ar, a[1], &verr);
	struct version dummy = { 0, 0, 0, { 0 }, { 0 }, { 0 } };
	dummy.pre = dummy.meta = dummy.original = gt_string("", 0);
	int r = check_constraint(ar, a[0], v ? v : &dummy, &err);
	if (r < 0)
		return gt_call_errorf(c, "%s", err);
	if (!v)
		return gt_call_errorf(c, "%s", verr);
	*ret = gt_bool(r == 1);
	return 0;
}

SP_FN(v_semver)
{
	(void)n;
	const char *err;
	struct version *v = new_version(gt_call_arena(c), a[0], &err);
	if (!v)
		return gt_call_errorf(c, "%s", err);
	*ret = gt_obj(&sp_version_ptr_class, v);
	return 0;
}

/* ---- the Version object ---- */

static struct version *self(struct gt_call *c)
{
	return gt_call_self(c);
}

SP_FN(m_major) { (void)a, (void)n; *ret = gt_typed_uint(&gt_t_uint64, self(c)->major); return 0; }
SP_FN(m_minor) { (void)a, (void)n; *ret = gt_typed_uint(&gt_t_uint64, self(c)->minor); return 0; }
SP_FN(m_patch) { (void)a, (void)n; *ret = gt_typed_uint(&gt_t_uint64, self(c)->patch); return 0; }
SP_FN(m_pre) { (void)a, (void)n; *ret = self(c)->pre; return 0; }
SP_FN(m_meta) { (void)a, (void)n; *ret = self(c)->meta; return 0; }
SP_FN(m_original) { (void)a, (void)n; *ret = self(c)->original; return 0; }

SP_FN(m_string)
{
	(void)a, (void)n;
	struct sbuf sb = SBUF_INIT;
	version_string(self(c), &sb);
	return sp_ret_sbuf(c, ret, &sb);
}

static struct version *arg_version(struct gt_call *c, struct gt_value v)
{
	if (!v.o) {
		gt_call_errorf(c, "runtime error: invalid memory address or nil pointer dereference");
		return NULL;
	}
	return v.o;
}

SP_FN(m_compare)
{
	(void)n;
	struct version *o = arg_version(c, a[0]);
	if (!o)
		return -1;
	*ret = gt_int(vcompare(self(c), o));
	return 0;
}

#define CMPFN(name, expr) \
	SP_FN(name) \
	{ \
		(void)n; \
		struct version *o = arg_version(c, a[0]); \
		if (!o) \
			return -1; \
		int d = vcompare(self(c), o); \
		*ret = gt_bool(expr); \
		return 0; \
	}
CMPFN(m_lt, d < 0)
CMPFN(m_le, d <= 0)
CMPFN(m_gt, d > 0)
CMPFN(m_ge, d >= 0)
CMPFN(m_eq, d == 0)

static struct version *inc(struct gt_call *c, int which)
{
	struct version *v = self(c);
	struct version *nv = arena_alloc(gt_call_arena(c), sizeof *nv);
	*nv = *v;
	nv->meta = gt_string("", 0);
	if (which == 2 && v->pre.s.n) {
		nv->pre = gt_string("", 0);
	} else {
		nv->pre = gt_string("", 0);
		if (which == 2) {
			nv->patch = v->patch + 1;
		} else if (which == 1) {
			nv->patch = 0;
			nv->minor = v->minor + 1;
		} else {
			nv->patch = nv->minor = 0;
			nv->major = v->major + 1;
		}
	}
	struct sbuf sb = SBUF_INIT;
	if (v->original.s.n && v->original.s.p[0] == 'v')
		sbuf_addc(&sb, 'v');
	version_string(nv, &sb);
	nv->original = gt_sbuf_value(gt_call_arena(c), &sb);
	sbuf_release(&sb);
	return nv;
}

SP_FN(m_incmajor) { (void)a, (void)n; *ret = gt_obj(&sp_version_class, inc(c, 0)); return 0; }
SP_FN(m_incminor) { (void)a, (void)n; *ret = gt_obj(&sp_version_class, inc(c, 1)); return 0; }
SP_FN(m_incpatch) { (void)a, (void)n; *ret = gt_obj(&sp_version_class, inc(c, 2)); return 0; }

static void v_format(void *o, struct sbuf *out)
{
	version_string(o, out);
}

static struct gt_value v_data(void *o, struct arena *a)
{
	struct sbuf sb = SBUF_INIT;
	version_string(o, &sb);
	struct gt_value v = gt_sbuf_value(a, &sb);
	sbuf_release(&sb);
	return v;
}

#define VP (&sp_version_ptr_class.type)

/* value-receiver methods first: semver.Version (not a pointer) has only those */
static const struct gt_func version_methods[] = {
	{ "Major", m_major, 0, false, { NULL }, NULL },
	{ "Minor", m_minor, 0, false, { NULL }, NULL },
	{ "Patch", m_patch, 0, false, { NULL }, NULL },
	{ "Prerelease", m_pre, 0, false, { NULL }, NULL },
	{ "Metadata", m_meta, 0, false, { NULL }, NULL },
	{ "String", m_string, 0, false, { NULL }, NULL },
	{ "IncMajor", m_incmajor, 0, false, { NULL }, NULL },
	{ "IncMinor", m_incminor, 0, false, { NULL }, NULL },
	{ "IncPatch", m_incpatch, 0, false, { NULL }, NULL },
	{ "Original", m_original, 0, false, { NULL }, NULL },
	{ "Compare", m_compare, 1, false, { VP }, NULL },
	{ "LessThan", m_lt, 1, false, { VP }, NULL },
	{ "LessThanEqual", m_le, 1, false, { VP }, NULL },
	{ "GreaterThan", m_gt, 1, false, { VP }, NULL },
	{ "GreaterThanEqual", m_ge, 1, false, { VP }, NULL },
	{ "Equal", m_eq, 1, false, { VP }, NULL },
};

const struct gt_class sp_version_ptr_class = {
	{ GT_OBJ, 1, 0, "*semver.Version", NULL }, NULL, version_methods,
	sizeof version_methods / sizeof version_methods[0], v_format, v_data,
};

const struct gt_class sp_version_class = {
	{ GT_OBJ, 1, 0, "semver.Version", NULL }, NULL, version_methods, 9, v_format, v_data,
};

const struct gt_func sprig_semver_funcs[] = {
	{ "semver", v_semver, 1, false, { &gt_t_string }, NULL },
	{ "semverCompare", v_semver_compare, 2, false, { &gt_t_string, &gt_t_string }, NULL },
};

const size_t sprig_semver_nfuncs = sizeof sprig_semver_funcs / sizeof sprig_semver_funcs[0];
