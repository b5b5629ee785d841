/*
 * gotmpl_builtin.c - text/template's built-in functions (funcs.go).
 *
 * and, or, call, html, index, slice, js, len, not, print, printf, println,
 * urlquery and the comparisons, with Go 1.26's rules and error texts:
 * comparisons work on basic kinds only, integers compare across
 * signedness, `eq a b c` is a==b || a==c, nil compares equal to nil, and
 * maps and slices are not comparable.  and/or are evaluated lazily by the
 * executor; their entries here only carry the signature.
 */
#include <string.h>

#include "gotmpl_impl.h"

#define V (&gt_t_value)

static struct gt_value indirect_iface(struct gt_value v)
{
	if (v.t && v.t->kind == GT_NIL)
		return gt_invalid();
	return v;
}

static int f_unreachable(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)a, (void)n, (void)ret;
	return gt_call_errorf(c, "unreachable");
}

static int f_not(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)c, (void)n;
	*ret = gt_bool(!gt_truth(indirect_iface(a[0])));
	return 0;
}

static int f_len(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	struct gt_value v = a[0];
	if (v.t && v.t->kind == GT_NIL)
		return gt_call_errorf(c, "len of nil pointer");
	if (!v.t)
		return gt_call_errorf(c, "reflect: call of reflect.Value.Type on zero Value");
	switch (v.t->kind) {
	case GT_STRING: *ret = gt_int((int64_t)v.s.n); return 0;
	case GT_LIST: *ret = gt_int((int64_t)gt_list_len(v)); return 0;
	case GT_MAP: *ret = gt_int((int64_t)gt_map_len(v.m)); return 0;
	case GT_OBJ:
		if (!v.o && v.t->name[0] == '*')
			return gt_call_errorf(c, "len of nil pointer");
		break;
	default:
		break;
	}
	return gt_call_errorf(c, "len of type %s", v.t->name);
}

/* indexArg: an integer index within [0, cap]. */
static int index_arg(struct gt_call *c, struct gt_value idx, size_t cap, size_t *out)
{
	int64_t x;
	idx = indirect_iface(idx);
	if (!idx.t)
		return gt_call_errorf(c, "cannot index slice/array with nil");
	if (idx.t->kind == GT_INT)
		x = idx.i;
	else if (idx.t->kind == GT_UINT)
		x = (int64_t)idx.u;
	else
		return gt_call_errorf(c, "cannot index slice/array with type %s", idx.t->name);
	if (x < 0 || (uint64_t)x > cap)
		return gt_call_errorf(c, "index out of range: %lld", (long long)x);
	*out = (size_t)x;
	return 0;
}

static int f_index(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	struct gt_value item = indirect_iface(a[0]);
	if (!item.t)
		return gt_call_errorf(c, "index of untyped nil");
	for (size_t i = 1; i < n; i++) {
		struct gt_value idx = indirect_iface(a[i]);
		if (item.t->kind == GT_NIL)
			return gt_call_errorf(c, "index of nil pointer");
		switch (item.t->kind) {
		case GT_STRING:
		case GT_LIST: {
			size_t len = item.t->kind == GT_STRING ? item.s.n : gt_list_len(item);
			size_t x;
			if (index_arg(c, idx, len, &x))
				return -1;
			if (x == len)
				return gt_call_errorf(c, "index out of range: %zu", x);
			if (item.t->kind == GT_STRING)
				item = gt_typed_uint(&gt_t_uint8, (unsigned char)item.s.p[x]);
			else
				item = item.l->items[x];
			break;
		}
		case GT_MAP: {
			if (!idx.t)
				return gt_call_errorf(c, "value is nil; should be of type string");
			if (idx.t->kind != GT_STRING)
				return gt_call_errorf(c, "value has type %s; should be string", idx.t->name);
			struct gt_value *v = gt_map_get(item.m, idx.s.p, idx.s.n);
			item = v ? *v : gt_zero(item.t->elem);
			break;
		}
		default:
			return gt_call_errorf(c, "can't index item of type %s", item.t->name);
		}
	}
	*ret = item;
	return 0;
}

static int f_slice(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	struct gt_value item = indirect_iface(a[0]);
	if (!item.t)
		return gt_call_errorf(c, "slice of untyped nil");
	size_t nidx = n - 1;
	if (nidx > 3)
		return gt_call_errorf(c, "too many slice indexes: %zu", nidx);
	size_t cap;
	switch (item.t->kind) {
	case GT_STRING:
		if (nidx == 3)
			return gt_call_errorf(c, "cannot 3-index slice a string");
		cap = item.s.n;
		break;
	case GT_LIST:
		cap = item.l ? item.l->cap : 0;
		break;
	default:
		return gt_call_errorf(c, "can't slice item of type %s", item.t->name);
	}
	size_t len = item.t->kind == GT_STRING ? item.s.n : gt_list_len(item);
	size_t idx[3] = { 0, len, 0 };
	for (size_t i = 0; i < nidx; i++)
		if (index_arg(c, a[1 + i], cap, &idx[i]))
			return -1;
	if (idx[0] > idx[1])
		return gt_call_errorf(c, "invalid slice index: %zu > %zu", idx[0], idx[1]);
	if (nidx == 3 && idx[1] > idx[2])
		return gt_call_errorf(c, "invalid slice index: %zu > %zu", idx[1], idx[2]);
	if (item.t->kind == GT_STRING) {
		*ret = item;
		ret->s.p = item.s.p + idx[0];
		ret->s.n = idx[1] - idx[0];
		return 0;
	}
	/* a new slice header over the same items, as Go shares the array */
	struct gt_list *l = arena_alloc(gt_call_arena(c), sizeof *l);
	l->items = item.l ? item.l->items + idx[0] : NULL;
	l->len = (uint32_t)(idx[1] - idx[0]);
	l->cap = nidx == 3 ? (uint32_t)(idx[2] - idx[0]) : l->len;
	if (l->len > l->cap)
		l->cap = l->len;
	*ret = item;
	ret->l = l;
	return 0;
}

/* evalArgs: a single string as it is; otherwise fmt.Sprint with missing
 * values shown as "<no value>". */
static void eval_args(struct sbuf *out, struct gt_value *a, size_t n)
{
	if (n == 1 && a[0].t && a[0].t->kind == GT_STRING && a[0].t == &gt_t_string) {
		sbuf_add(out, a[0].s.p, a[0].s.n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!a[i].t || a[i].t->kind == GT_NIL)
			a[i] = gt_cstring("<no value>");
	gt_sprint(out, a, n);
}

static int f_html(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	struct sbuf s = SBUF_INIT, o = SBUF_INIT;
	eval_args(&s, a, n);
	for (size_t i = 0; i < s.len; i++) {
		switch (s.buf[i]) {
		case '\0': sbuf_adds(&o, "\xef\xbf\xbd"); break;
		case '"': sbuf_adds(&o, "&#34;"); break;
		case '\'': sbuf_adds(&o, "&#39;"); break;
		case '&': sbuf_adds(&o, "&amp;"); break;
		case '<': sbuf_adds(&o, "&lt;"); break;
		case '>': sbuf_adds(&o, "&gt;"); break;
		default: sbuf_addc(&o, s.buf[i]); break;
		}
	}
	*ret = gt_sbuf_value(gt_call_arena(c), &o);
	sbuf_release(&s);
	sbuf_release(&o);
	return 0;
}

static int f_js(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	static const char hex[] = "0123456789ABCDEF";
	struct sbuf s = SBUF_INIT, o = SBUF_INIT;
	eval_args(&s, a, n);
	for (size_t i = 0; i < s.len;) {
		unsigned char ch = (unsigned char)s.buf[i];
		if (ch < 0x80) {
			switch (ch) {
			case '\\': sbuf_adds(&o, "\\\\"); break;
			case '\'': sbuf_adds(&o, "\\'"); break;
			case '"': sbuf_adds(&o, "\\\""); break;
			case '<': sbuf_adds(&o, "\\u003C"); break;
			case '>': sbuf_adds(&o, "\\u003E"); break;
			case '&': sbuf_adds(&o, "\\u0026"); break;
			case '=': sbuf_adds(&o, "\\u003D"); break;
			default:
				if (ch < ' ') {
					sbuf_adds(&o, "\\u00");
					sbuf_addc(&o, hex[ch >> 4]);
					sbuf_addc(&o, hex[ch & 15]);
				} else {
					sbuf_addc(&o, (char)ch);
				}
			}
			i++;
			continue;
		}
		uint32_t r;
		size_t w = utf8_decode(s.buf + i, s.len - i, &r);
		if (go_is_print(r))
			sbuf_add(&o, s.buf + i, w);
		else
			sbuf_printf(&o, "\\u%04X", r);
		i += w;
	}
	*ret = gt_sbuf_value(gt_call_arena(c), &o);
	sbuf_release(&s);
	sbuf_release(&o);
	return 0;
}

static int f_urlquery(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	static const char hex[] = "0123456789ABCDEF";
	struct sbuf s = SBUF_INIT, o = SBUF_INIT;
	eval_args(&s, a, n);
	for (size_t i = 0; i < s.len; i++) {
		unsigned char ch = (unsigned char)s.buf[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.' || ch == '~') {
			sbuf_addc(&o, (char)ch);
		} else if (ch == ' ') {
			sbuf_addc(&o, '+');
		} else {
			sbuf_addc(&o, '%');
			sbuf_addc(&o, hex[ch >> 4]);
			sbuf_addc(&o, hex[ch & 15]);
		}
	}
	*ret = gt_sbuf_value(gt_call_arena(c), &o);
	sbuf_release(&s);
	sbuf_release(&o);
	return 0;
}

static int f_print(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	struct sbuf s = SBUF_INIT;
	gt_sprint(&s, a, n);
	*ret = gt_sbuf_value(gt_call_arena(c), &s);
	sbuf_release(&s);
	return 0;
}

static int f_println(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	struct sbuf s = SBUF_INIT;
	gt_sprintln(&s, a, n);
	*ret = gt_sbuf_value(gt_call_arena(c), &s);
	sbuf_release(&s);
	return 0;
}

static int f_printf(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	struct sbuf s = SBUF_INIT;
	gt_sprintf(&s, a[0].s.p, a[0].s.n, a + 1, n - 1);
	*ret = gt_sbuf_value(gt_call_arena(c), &s);
	sbuf_release(&s);
	return 0;
}

/* ---- comparisons ---- */

enum bkind { K_INVALID, K_BOOL, K_COMPLEX, K_INT, K_FLOAT, K_STRING, K_UINT };

static enum bkind basic_kind(struct gt_value v)
{
	switch (gt_kind(v)) {
	case GT_BOOL: return v.t ? K_BOOL : K_INVALID;
	case GT_INT: return K_INT;
	case GT_UINT: return K_UINT;
	case GT_FLOAT: return K_FLOAT;
	case GT_COMPLEX: return K_COMPLEX;
	case GT_STRING: return K_STRING;
	default: return K_INVALID;
	}
}

static bool is_nil(struct gt_value v)
{
	if (!v.t)
		return true;
	switch (v.t->kind) {
	case GT_NIL: return true;
	case GT_LIST: return v.l == NULL;
	case GT_MAP: return v.m == NULL;
	case GT_OBJ: return v.o == NULL && v.t->name[0] == '*';
	default: return false;
	}
}

static bool str_equal(struct gt_value a, struct gt_value b)
{
	return a.s.n == b.s.n && (a.s.n == 0 || !memcmp(a.s.p, b.s.p, a.s.n));
}

static const char *vstr(struct gt_call *c, struct gt_value v)
{
	struct sbuf s = SBUF_INIT;
	gt_fmt_v(&s, v);
	char *r = arena_strndup(gt_call_arena(c), s.buf, s.len);
	sbuf_release(&s);
	return r;
}

static int eq1(struct gt_call *c, struct gt_value a1, struct gt_value a, bool *truth)
{
	enum bkind k1 = basic_kind(a1), k2 = basic_kind(a);
	*truth = false;
	if (k1 != k2) {
		if (k1 == K_INT && k2 == K_UINT)
			*truth = a1.i >= 0 && (uint64_t)a1.i == a.u;
		else if (k1 == K_UINT && k2 == K_INT)
			*truth = a.i >= 0 && a1.u == (uint64_t)a.i;
		else if (a1.t && a.t)
			return gt_call_errorf(c, "incompatible types for comparison: %s and %s",
				a1.t->name, a.t->name);
		return 0;
	}
	switch (k1) {
	case K_BOOL: *truth = a1.b == a.b; return 0;
	case K_COMPLEX: *truth = a1.c.re == a.c.re && a1.c.im == a.c.im; return 0;
	case K_FLOAT: *truth = a1.f == a.f; return 0;
	case K_INT: *truth = a1.i == a.i; return 0;
	case K_STRING: *truth = str_equal(a1, a); return 0;
	case K_UINT: *truth = a1.u == a.u; return 0;
	case K_INVALID: break;
	}
	/* non-basic kinds: only nil and comparable values */
	enum gt_kind ka = a1.t ? (enum gt_kind)a1.t->kind : GT_NIL;
	enum gt_kind kb = a.t ? (enum gt_kind)a.t->kind : GT_NIL;
	if (!(ka == kb || !a1.t || !a.t))
		return gt_call_errorf(c, "non-comparable types %s: %s, %s: %s", vstr(c, a1),
			a1.t->name, a.t->name, vstr(c, a));
	if (is_nil(a1) || is_nil(a)) {
		*truth = is_nil(a) == is_nil(a1);
		return 0;
	}
	if (kb == GT_LIST || kb == GT_MAP)
		return gt_call_errorf(c, "non-comparable type %s: %s", vstr(c, a), a.t->name);
	*truth = a1.t == a.t && a1.o == a.o;
	return 0;
}

static int f_eq(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	struct gt_value a1 = indirect_iface(a[0]);
	if (n < 2)
		return gt_call_errorf(c, "missing argument for comparison");
	for (size_t i = 1; i < n; i++) {
		bool t;
		if (eq1(c, a1, indirect_iface(a[i]), &t))
			return -1;
		if (t) {
			*ret = gt_bool(true);
			return 0;
		}
	}
	*ret = gt_bool(false);
	return 0;
}

static int f_ne(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	bool t;
	if (eq1(c, indirect_iface(a[0]), indirect_iface(a[1]), &t))
		return -1;
	*ret = gt_bool(!t);
	return 0;
}

static int lt1(struct gt_call *c, struct gt_value a1, struct gt_value a2, bool *truth)
{
	a1 = indirect_iface(a1);
	a2 = indirect_iface(a2);
	enum bkind k1 = basic_kind(a1), k2 = basic_kind(a2);
	if (k1 == K_INVALID || k2 == K_INVALID)
		return gt_call_errorf(c, "invalid type for comparison");
	*truth = false;
	if (k1 != k2) {
		if (k1 == K_INT && k2 == K_UINT)
			*truth = a1.i < 0 || (uint64_t)a1.i < a2.u;
		else if (k1 == K_UINT && k2 == K_INT)
			*truth = a2.i >= 0 && a1.u < (uint64_t)a2.i;
		else
			return gt_call_errorf(c, "incompatible types for comparison: %s and %s",
				a1.t->name, a2.t->name);
		return 0;
	}
	switch (k1) {
	case K_BOOL:
	case K_COMPLEX:
		return gt_call_errorf(c, "invalid type for comparison");
	case K_FLOAT: *truth = a1.f < a2.f; break;
	case K_INT: *truth = a1.i < a2.i; break;
	case K_STRING: {
		size_t m = a1.s.n < a2.s.n ? a1.s.n : a2.s.n;
		int r = m ? memcmp(a1.s.p, a2.s.p, m) : 0;
		*truth = r < 0 || (r == 0 && a1.s.n < a2.s.n);
		break;
	}
	case K_UINT: *truth = a1.u < a2.u; break;
	default: break;
	}
	return 0;
}

static int le1(struct gt_call *c, struct gt_value a1, struct gt_value a2, bool *truth)
{
	if (lt1(c, a1, a2, truth))
		return -1;
	if (*truth)
		return 0;
	return eq1(c, indirect_iface(a1), indirect_iface(a2), truth);
}

static int f_lt(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	bool t;
	if (lt1(c, a[0], a[1], &t))
		return -1;
	*ret = gt_bool(t);
	return 0;
}

static int f_le(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	bool t;
	if (le1(c, a[0], a[1], &t))
		return -1;
	*ret = gt_bool(t);
	return 0;
}

static int f_gt(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	bool t;
	if (le1(c, a[0], a[1], &t))
		return -1;
	*ret = gt_bool(!t);
	return 0;
}

static int f_ge(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	bool t;
	if (lt1(c, a[0], a[1], &t))
		return -1;
	*ret = gt_bool(!t);
	return 0;
}

const struct gt_func gt_builtin_funcs[] = {
	{ "and", f_unreachable, 2, true, { V, V }, NULL },
	{ "call", f_unreachable, 2, true, { V, V }, NULL },
	{ "html", f_html, 1, true, { NULL }, NULL },
	{ "index", f_index, 2, true, { V, V }, NULL },
	{ "slice", f_slice, 2, true, { V, V }, NULL },
	{ "js", f_js, 1, true, { NULL }, NULL },
	{ "len", f_len, 1, false, { V }, NULL },
	{ "not", f_not, 1, false, { V }, NULL },
	{ "or", f_unreachable, 2, true, { V, V }, NULL },
	{ "print", f_print, 1, true, { NULL }, NULL },
	{ "printf", f_printf, 2, true, { &gt_t_string, NULL }, NULL },
	{ "println", f_println, 1, true, { NULL }, NULL },
	{ "urlquery", f_urlquery, 1, true, { NULL }, NULL },
	{ "eq", f_eq, 2, true, { V, V }, NULL },
	{ "ge", f_ge, 2, false, { V, V }, NULL },
	{ "gt", f_gt, 2, false, { V, V }, NULL },
	{ "le", f_le, 2, false, { V, V }, NULL },
	{ "lt", f_lt, 2, false, { V, V }, NULL },
	{ "ne", f_ne, 2, false, { V, V }, NULL },
};

const size_t gt_builtin_nfuncs = sizeof gt_builtin_funcs / sizeof gt_builtin_funcs[0];
