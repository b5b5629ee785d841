/*
 * sprig_semver.c - Sprig's semver and semverCompare.
 *
 * Parsing, comparison and constraints are mc/semver.h's (Masterminds/semver
 * v3 as Helm builds it, shared with chart kubeVersion checks); this file
 * adds the template side: semver returns a *semver.Version host object
 * with the methods templates call (Major, Compare, IncMinor ...), printed
 * through its String method.
 */
#include <string.h>

#include "mc/semver.h"
#include "sprig_impl.h"

extern const struct gt_class sp_version_ptr_class, sp_version_class;

struct version {
	struct semver v;
};

SP_FN(v_semver_compare)
{
	(void)n;
	struct arena *ar = gt_call_arena(c);
	struct sbuf err = SBUF_INIT;
	struct semver_constraints *cs = semver_constraints_parse(ar, sp_cstr(c, a[0]), &err);
	if (!cs) {
		int r = gt_call_errorf(c, "%s", err.buf);
		sbuf_release(&err);
		return r;
	}
	struct semver v;
	if (!semver_parse(ar, sp_cstr(c, a[1]), &v, &err)) {
		int r = gt_call_errorf(c, "%s", err.buf);
		sbuf_release(&err);
		return r;
	}
	sbuf_release(&err);
	*ret = gt_bool(semver_check(cs, &v));
	return 0;
}

SP_FN(v_semver)
{
	(void)n;
	struct arena *ar = gt_call_arena(c);
	struct version *v = arena_alloc(ar, sizeof *v);
	struct sbuf err = SBUF_INIT;
	if (!semver_parse(ar, sp_cstr(c, a[0]), &v->v, &err)) {
		int r = gt_call_errorf(c, "%s", err.buf);
		sbuf_release(&err);
		return r;
	}
	sbuf_release(&err);
	*ret = gt_obj(&sp_version_ptr_class, v);
	return 0;
}

static void version_string(const struct version *v, struct sbuf *out)
{
	semver_format(out, &v->v);
}

static int vcompare(const struct version *a, const struct version *b)
{
	return semver_cmp(&a->v, &b->v);
}

/* ---- the Version object ---- */

static struct version *self(struct gt_call *c)
{
	return gt_call_self(c);
}

SP_FN(m_major) { (void)a, (void)n; *ret = gt_typed_uint(&gt_t_uint64, self(c)->v.major); return 0; }
SP_FN(m_minor) { (void)a, (void)n; *ret = gt_typed_uint(&gt_t_uint64, self(c)->v.minor); return 0; }
SP_FN(m_patch) { (void)a, (void)n; *ret = gt_typed_uint(&gt_t_uint64, self(c)->v.patch); return 0; }
SP_FN(m_pre) { (void)a, (void)n; *ret = gt_cstring(self(c)->v.pre); return 0; }
SP_FN(m_meta) { (void)a, (void)n; *ret = gt_cstring(self(c)->v.meta); return 0; }
SP_FN(m_original) { (void)a, (void)n; *ret = gt_cstring(self(c)->v.original); return 0; }

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
	nv->v.meta = "";
	if (which == 2 && v->v.pre[0]) {
		nv->v.pre = "";
	} else {
		nv->v.pre = "";
		if (which == 2) {
			nv->v.patch = v->v.patch + 1;
		} else if (which == 1) {
			nv->v.patch = 0;
			nv->v.minor = v->v.minor + 1;
		} else {
			nv->v.patch = nv->v.minor = 0;
			nv->v.major = v->v.major + 1;
		}
	}
	struct sbuf sb = SBUF_INIT;
	if (v->v.original[0] == 'v')
		sbuf_addc(&sb, 'v');
	version_string(nv, &sb);
	nv->v.original = arena_strndup(gt_call_arena(c), sb.buf, sb.len);
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
