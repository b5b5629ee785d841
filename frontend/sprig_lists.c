/*
 * sprig_lists.c - Sprig's list and dict functions (list.go, dict.go).
 *
 * Lists accept any slice (Go reflection over []interface{}, []string,
 * []int ...) and return new []interface{} values; the panics of the Go code
 * become errors with the same text ("Cannot find first on type string",
 * the runtime's nil-pointer message when given nil).  Dicts are
 * map[string]interface{}: set and unset change the map in place, merge
 * follows dario.cat/mergo v1.0.1, deepCopy copystructure.  Where Go's output
 * order would depend on map iteration (keys, values), keys are sorted.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sprig_impl.h"

#define S (&gt_t_string)
#define I (&gt_t_int)
#define M (&gt_t_map)
#define L (&gt_t_list)

static const char nil_deref[] = "runtime error: invalid memory address or nil pointer dereference";

/* reflect.TypeOf(v).Kind() must be a slice; else the error Sprig gives,
 * "Cannot <what> type <kind>". */
static int want_list(struct gt_call *c, struct gt_value v, const char *what)
{
	if (!v.t || v.t->kind == GT_NIL)
		return gt_call_errorf(c, "%s", nil_deref);
	if (v.t->kind != GT_LIST)
		return gt_call_errorf(c, "Cannot %s type %s", what, gt_kind_name(v));
	return 0;
}

static struct gt_value new_list(struct gt_call *c, size_t cap)
{
	return gt_list_new(gt_call_arena(c), &gt_t_list, cap);
}

static void push(struct gt_call *c, struct gt_value l, struct gt_value v)
{
	gt_list_push(gt_call_arena(c), l, v);
}

/* An element read through reflection's Interface(): a nil stays nil. */
static struct gt_value item(struct gt_value l, size_t i)
{
	return l.l->items[i];
}

SP_FN(l_list)
{
	struct gt_value l = new_list(c, n);
	for (size_t i = 0; i < n; i++)
		push(c, l, a[i].t ? a[i] : gt_nil());
	*ret = l;
	return 0;
}

SP_FN(l_push)
{
	(void)n;
	if (want_list(c, a[0], "push on"))
		return -1;
	size_t len = gt_list_len(a[0]);
	struct gt_value l = new_list(c, len + 1);
	for (size_t i = 0; i < len; i++)
		push(c, l, item(a[0], i));
	push(c, l, a[1].t ? a[1] : gt_nil());
	*ret = l;
	return 0;
}

SP_FN(l_prepend)
{
	(void)n;
	if (want_list(c, a[0], "prepend on"))
		return -1;
	size_t len = gt_list_len(a[0]);
	struct gt_value l = new_list(c, len + 1);
	push(c, l, a[1].t ? a[1] : gt_nil());
	for (size_t i = 0; i < len; i++)
		push(c, l, item(a[0], i));
	*ret = l;
	return 0;
}

SP_FN(l_chunk)
{
	(void)n;
	if (want_list(c, a[1], "chunk"))
		return -1;
	int64_t size = a[0].i;
	size_t len = gt_list_len(a[1]);
	double csd = floor((double)((int64_t)len - 1) / (double)size) + 1;
	if (isnan(csd) || csd < 0 || csd > 1e8)
		return gt_call_errorf(c, "runtime error: makeslice: len out of range");
	size_t cs = (size_t)csd;
	struct gt_value out = gt_list_new(gt_call_arena(c), &gt_t_lists, cs);
	for (size_t i = 0; i < cs; i++) {
		size_t clen = (size_t)size;
		if (i == cs - 1) {
			clen = (size_t)floor(fmod((double)len, (double)size));
			if (clen == 0)
				clen = (size_t)size;
		}
		struct gt_value ch = new_list(c, clen);
		for (size_t j = 0; j < clen; j++) {
			size_t ix = i * (size_t)size + j;
			if (ix >= len)
				return gt_call_errorf(c, "reflect: slice index out of range");
			push(c, ch, item(a[1], ix));
		}
		push(c, out, ch);
	}
	*ret = out;
	return 0;
}

SP_FN(l_last)
{
	(void)n;
	if (want_list(c, a[0], "find last on"))
		return -1;
	size_t len = gt_list_len(a[0]);
	*ret = len ? item(a[0], len - 1) : gt_nil();
	if (!ret->t)
		*ret = gt_nil();
	return 0;
}

SP_FN(l_first)
{
	(void)n;
	if (want_list(c, a[0], "find first on"))
		return -1;
	*ret = gt_list_len(a[0]) ? item(a[0], 0) : gt_nil();
	return 0;
}

SP_FN(l_rest)
{
	(void)n;
	if (want_list(c, a[0], "find rest on"))
		return -1;
	size_t len = gt_list_len(a[0]);
	if (!len) {
		*ret = (struct gt_value){ &gt_t_list, { .l = NULL } };
		return 0;
	}
	struct gt_value l = new_list(c, len);
	for (size_t i = 1; i < len; i++)
		push(c, l, item(a[0], i));
	*ret = l;
	return 0;
}

SP_FN(l_initial)
{
	(void)n;
	if (want_list(c, a[0], "find initial on"))
		return -1;
	size_t len = gt_list_len(a[0]);
	if (!len) {
		*ret = (struct gt_value){ &gt_t_list, { .l = NULL } };
		return 0;
	}
	struct gt_value l = new_list(c, len);
	for (size_t i = 0; i + 1 < len; i++)
		push(c, l, item(a[0], i));
	*ret = l;
	return 0;
}

static int cmp_strs(const void *x, const void *y)
{
	const struct gt_value *a = x, *b = y;
	size_t n = a->s.n < b->s.n ? a->s.n : b->s.n;
	int r = n ? memcmp(a->s.p, b->s.p, n) : 0;
	if (r)
		return r;
	return a->s.n < b->s.n ? -1 : a->s.n > b->s.n;
}

SP_FN(l_sortalpha)
{
	(void)n;
	struct arena *ar = gt_call_arena(c);
	if (a[0].t && a[0].t->kind == GT_LIST) {
		struct gt_value src = sp_strslice(ar, a[0]);
		struct gt_value l = gt_list_new(ar, &gt_t_strings, gt_list_len(src));
		for (uint32_t i = 0; src.l && i < src.l->len; i++)
			gt_list_push(ar, l, src.l->items[i]);
		if (l.l->len)
			qsort(l.l->items, l.l->len, sizeof *l.l->items, cmp_strs);
		*ret = l;
		return 0;
	}
	struct gt_value l = gt_list_new(ar, &gt_t_strings, 1);
	gt_list_push(ar, l, sp_strval(ar, a[0]));
	*ret = l;
	return 0;
}

SP_FN(l_reverse)
{
	(void)n;
	if (want_list(c, a[0], "find reverse on"))
		return -1;
	size_t len = gt_list_len(a[0]);
	struct gt_value l = new_list(c, len);
	for (size_t i = len; i-- > 0;)
		push(c, l, item(a[0], i));
	*ret = l;
	return 0;
}

SP_FN(l_compact)
{
	(void)n;
	if (want_list(c, a[0], "compact on"))
		return -1;
	size_t len = gt_list_len(a[0]);
	struct gt_value l = new_list(c, len);
	for (size_t i = 0; i < len; i++)
		if (!sp_empty(item(a[0], i)))
			push(c, l, item(a[0], i));
	*ret = l;
	return 0;
}

/* reflect.DeepEqual on interface values: a nil equals only a nil. */
static bool deq(struct gt_value x, struct gt_value y)
{
	if (x.t && x.t->kind == GT_NIL)
		x = gt_invalid();
	if (y.t && y.t->kind == GT_NIL)
		y = gt_invalid();
	return gt_deep_equal(x, y);
}

static bool in_list(struct gt_value hay, size_t n, const struct gt_value *items, struct gt_value needle)
{
	(void)hay;
	for (size_t i = 0; i < n; i++)
		if (deq(needle, items[i]))
			return true;
	return false;
}

SP_FN(l_uniq)
{
	(void)n;
	if (want_list(c, a[0], "find uniq on"))
		return -1;
	size_t len = gt_list_len(a[0]);
	struct gt_value l = new_list(c, len);
	for (size_t i = 0; i < len; i++) {
		struct gt_value it = item(a[0], i);
		if (!in_list(l, l.l->len, l.l->items, it))
			push(c, l, it);
	}
	*ret = l;
	return 0;
}

SP_FN(l_without)
{
	if (want_list(c, a[0], "find without on"))
		return -1;
	size_t len = gt_list_len(a[0]);
	struct gt_value l = new_list(c, len);
	for (size_t i = 0; i < len; i++) {
		struct gt_value it = item(a[0], i);
		if (!in_list(l, n - 1, a + 1, it))
			push(c, l, it);
	}
	*ret = l;
	return 0;
}

SP_FN(l_has)
{
	(void)n;
	struct gt_value hay = a[1];
	if (!hay.t || hay.t->kind == GT_NIL) {
		*ret = gt_bool(false);
		return 0;
	}
	if (hay.t->kind != GT_LIST)
		return gt_call_errorf(c, "Cannot find has on type %s", gt_kind_name(hay));
	for (size_t i = 0; i < gt_list_len(hay); i++)
		if (deq(a[0], item(hay, i))) {
			*ret = gt_bool(true);
			return 0;
		}
	*ret = gt_bool(false);
	return 0;
}

SP_FN(l_slice)
{
	struct gt_value l = a[0];
	if (!l.t || l.t->kind == GT_NIL)
		return gt_call_errorf(c, "%s", nil_deref);
	if (l.t->kind != GT_LIST)
		return gt_call_errorf(c, "list should be type of slice or array but %s", gt_kind_name(l));
	size_t len = gt_list_len(l);
	if (!len) {
		*ret = gt_nil();
		return 0;
	}
	int64_t start = 0, end = (int64_t)len;
	if (n > 1)
		start = sp_to_int64(a[1], NULL);
	if (n > 2)
		end = sp_to_int64(a[2], NULL);
	if (start < 0 || end < start || (uint64_t)end > l.l->cap)
		return gt_call_errorf(c, "reflect: slice index out of range");
	struct gt_list *nl = arena_alloc(gt_call_arena(c), sizeof *nl);
	nl->items = l.l->items + start;
	nl->len = (uint32_t)(end - start);
	nl->cap = nl->len;
	*ret = l;
	ret->l = nl;
	return 0;
}

SP_FN(l_concat)
{
	struct gt_value res = { &gt_t_list, { .l = NULL } };
	for (size_t i = 0; i < n; i++) {
		struct gt_value l = a[i];
		if (!l.t || l.t->kind == GT_NIL)
			return gt_call_errorf(c, "%s", nil_deref);
		if (l.t->kind != GT_LIST)
			return gt_call_errorf(c, "Cannot concat type %s as list", gt_kind_name(l));
		for (size_t k = 0; k < gt_list_len(l); k++) {
			if (!res.l)
				res = new_list(c, 8);
			push(c, res, item(l, k));
		}
	}
	*ret = res;
	return 0;
}

/* ---- ranges ---- */

#define MAX_RANGE 10000000

static int until_step(struct gt_call *c, int64_t start, int64_t stop, int64_t step,
	struct gt_value *out)
{
	struct arena *ar = gt_call_arena(c);
	*out = gt_list_new(ar, &gt_t_ints, 8);
	if (stop < start) {
		if (step >= 0)
			return 0;
		if ((stop - start) / step > MAX_RANGE)
			return gt_call_errorf(c, "range of more than %d elements refused", MAX_RANGE);
		for (int64_t i = start; i > stop; i += step)
			gt_list_push(ar, *out, gt_int(i));
		return 0;
	}
	if (step <= 0)
		return 0;
	if ((stop - start) / step > MAX_RANGE)
		return gt_call_errorf(c, "range of more than %d elements refused", MAX_RANGE);
	for (int64_t i = start; i < stop; i += step) {
		gt_list_push(ar, *out, gt_int(i));
		if (i > INT64_MAX - step)
			break;
	}
	return 0;
}

SP_FN(l_until)
{
	(void)n;
	int64_t cnt = a[0].i;
	return until_step(c, 0, cnt, cnt < 0 ? -1 : 1, ret);
}

SP_FN(l_untilstep)
{
	(void)n;
	return until_step(c, a[0].i, a[1].i, a[2].i, ret);
}

SP_FN(l_seq)
{
	struct gt_value l = { 0 };
	int rc = 0;
	switch (n) {
	case 0:
		*ret = gt_cstring("");
		return 0;
	case 1: {
		int64_t start = 1, end = a[0].i, inc = end < start ? -1 : 1;
		rc = until_step(c, start, end + inc, inc, &l);
		break;
	}
	case 2: {
		int64_t start = a[0].i, end = a[1].i, step = end < start ? -1 : 1;
		rc = until_step(c, start, end + step, step, &l);
		break;
	}
	case 3: {
		int64_t start = a[0].i, end = a[2].i, step = a[1].i, inc = 1;
		if (end < start) {
			inc = -1;
			if (step > 0) {
				*ret = gt_cstring("");
				return 0;
			}
		}
		rc = until_step(c, start, end + inc, step, &l);
		break;
	}
	default:
		*ret = gt_cstring("");
		return 0;
	}
	if (rc)
		return rc;
	struct sbuf sb = SBUF_INIT;
	for (uint32_t i = 0; l.l && i < l.l->len; i++) {
		if (i)
			sbuf_addc(&sb, ' ');
		sbuf_printf(&sb, "%lld", (long long)l.l->items[i].i);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

/* ---- dicts ---- */

SP_FN(d_dict)
{
	struct arena *ar = gt_call_arena(c);
	struct gt_value m = gt_map_new(ar, &gt_t_map);
	for (size_t i = 0; i < n; i += 2) {
		struct gt_value k = sp_strval(ar, a[i]);
		struct gt_value v = i + 1 < n ? a[i + 1] : gt_cstring("");
		gt_map_set(ar, m.m, k.s.p, k.s.n, v.t ? v : gt_nil());
	}
	*ret = m;
	return 0;
}

SP_FN(d_get)
{
	(void)n, (void)c;
	struct gt_value *v = gt_map_get(a[0].m, a[1].s.p, a[1].s.n);
	*ret = v ? *v : gt_cstring("");
	return 0;
}

SP_FN(d_set)
{
	(void)n;
	if (!a[0].m)
		return gt_call_errorf(c, "assignment to entry in nil map");
	gt_map_set(gt_call_arena(c), a[0].m, a[1].s.p, a[1].s.n, a[2].t ? a[2] : gt_nil());
	*ret = a[0];
	ret->t = &gt_t_map;
	return 0;
}

SP_FN(d_unset)
{
	(void)n, (void)c;
	gt_map_del(a[0].m, a[1].s.p, a[1].s.n);
	*ret = a[0];
	ret->t = &gt_t_map;
	return 0;
}

SP_FN(d_haskey)
{
	(void)n, (void)c;
	*ret = gt_bool(gt_map_get(a[0].m, a[1].s.p, a[1].s.n) != NULL);
	return 0;
}

SP_FN(d_pluck)
{
	struct gt_value l = new_list(c, n);
	for (size_t i = 1; i < n; i++) {
		struct gt_value *v = gt_map_get(a[i].m, a[0].s.p, a[0].s.n);
		if (v)
			push(c, l, *v);
	}
	*ret = l;
	return 0;
}

SP_FN(d_keys)
{
	struct arena *ar = gt_call_arena(c);
	struct gt_value l = gt_list_new(ar, &gt_t_strings, 8);
	for (size_t i = 0; i < n; i++) {
		size_t k;
		struct gt_mapent *const *e = gt_map_sorted(ar, a[i].m, &k);
		for (size_t j = 0; j < k; j++)
			gt_list_push(ar, l, gt_string(e[j]->k, e[j]->klen));
	}
	*ret = l;
	return 0;
}

SP_FN(d_values)
{
	(void)n;
	struct arena *ar = gt_call_arena(c);
	struct gt_value l = new_list(c, gt_map_len(a[0].m));
	size_t k;
	struct gt_mapent *const *e = gt_map_sorted(ar, a[0].m, &k);
	for (size_t j = 0; j < k; j++)
		push(c, l, e[j]->v);
	*ret = l;
	return 0;
}

SP_FN(d_pick)
{
	struct arena *ar = gt_call_arena(c);
	struct gt_value m = gt_map_new(ar, &gt_t_map);
	for (size_t i = 1; i < n; i++) {
		struct gt_value *v = gt_map_get(a[0].m, a[i].s.p, a[i].s.n);
		if (v)
			gt_map_set(ar, m.m, a[i].s.p, a[i].s.n, *v);
	}
	*ret = m;
	return 0;
}

SP_FN(d_omit)
{
	struct arena *ar = gt_call_arena(c);
	struct gt_value m = gt_map_new(ar, &gt_t_map);
	for (uint32_t i = 0; a[0].m && i < a[0].m->len; i++) {
		const struct gt_mapent *e = &a[0].m->ents[i];
		bool skip = false;
		for (size_t k = 1; k < n && !skip; k++)
			skip = a[k].s.n == e->klen && !memcmp(a[k].s.p, e->k, e->klen);
		if (!skip)
			gt_map_set(ar, m.m, e->k, e->klen, e->v);
	}
	*ret = m;
	return 0;
}

/* mergo's isEmptyValue over an interface{} element. */
static bool mergo_empty(struct gt_value v)
{
	return sp_empty(v);
}

/* mergo.deepMerge of two map[string]interface{} (dst changes in place). */
static void merge_maps(struct arena *ar, struct gt_map *dst, const struct gt_map *src, bool overwrite,
	int depth)
{
	if (!src || src == dst || depth > 1000)
		return;
	for (uint32_t i = 0; i < src->len; i++) {
		const struct gt_mapent *e = &src->ents[i];
		struct gt_value sv = e->v;
		struct gt_value *dp = gt_map_get(dst, e->k, e->klen);
		bool dvalid = dp != NULL;
		struct gt_value dv = dvalid ? *dp : gt_invalid();
		if (!sv.t || sv.t->kind == GT_NIL) {
			if (overwrite)
				gt_map_set(ar, dst, e->k, e->klen, gt_nil());
			continue;
		}
		enum gt_kind sk = (enum gt_kind)sv.t->kind;
		if (sk == GT_MAP) {
			if (dvalid && dv.t && dv.t->kind == GT_MAP && dv.m)
				merge_maps(ar, dv.m, sv.m, overwrite, depth + 1);
		} else if (sk == GT_LIST) {
			/* mergo compares the emptiness of the maps here, not the elements */
			struct gt_value ds;
			if (!dvalid || !dv.t || dv.t->kind == GT_NIL || (dv.t->kind == GT_LIST && !dv.l))
				ds = gt_list_new(ar, sv.t, 0);
			else
				ds = dv;
			if (overwrite || gt_map_len(dst) == 0)
				ds = sv;
			gt_map_set(ar, dst, e->k, e->klen, ds);
		}
		if (dvalid && !mergo_empty(dv)) {
			if (sk == GT_LIST)
				continue;
			if (sk == GT_MAP && dv.t && dv.t->kind == GT_MAP)
				continue;
		}
		if (overwrite || !dvalid || mergo_empty(dv))
			gt_map_set(ar, dst, e->k, e->klen, sv);
	}
}

static int do_merge(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret,
	bool overwrite)
{
	struct arena *ar = gt_call_arena(c);
	struct gt_value dst = a[0];
	dst.t = &gt_t_map;
	for (size_t i = 1; i < n; i++) {
		if (!a[i].m)
			continue;
		if (!dst.m)
			dst = gt_map_new(ar, &gt_t_map);
		merge_maps(ar, dst.m, a[i].m, overwrite, 0);
	}
	*ret = dst;
	return 0;
}

SP_FN(d_merge)
{
	return do_merge(c, a, n, ret, false);
}

SP_FN(d_merge_overwrite)
{
	return do_merge(c, a, n, ret, true);
}

SP_FN(d_deepcopy)
{
	(void)n;
	struct gt_value v = a[0];
	if (!v.t || v.t->kind == GT_NIL) {
		*ret = gt_nil();
		return 0;
	}
	*ret = gt_deep_copy(gt_call_arena(c), v);
	return 0;
}

static int iface_conv(struct gt_call *c, struct gt_value v, const char *want)
{
	return gt_call_errorf(c, "interface conversion: interface {} is %s, not %s",
		!v.t || v.t->kind == GT_NIL ? "nil" : v.t->name, want);
}

SP_FN(d_dig)
{
	if (n < 3)
		return gt_call_errorf(c, "dig needs at least three arguments");
	struct gt_value d = a[n - 1];
	if (d.t != &gt_t_map)
		return iface_conv(c, d, "map[string]interface {}");
	struct gt_value def = a[n - 2];
	for (size_t i = 0; i + 2 < n; i++)
		if (a[i].t != &gt_t_string)
			return iface_conv(c, a[i], "string");
	for (size_t i = 0; i + 2 < n; i++) {
		struct gt_value *v = gt_map_get(d.m, a[i].s.p, a[i].s.n);
		if (!v) {
			*ret = def.t ? def : gt_nil();
			return 0;
		}
		if (i + 3 == n) {
			*ret = *v;
			return 0;
		}
		if (v->t != &gt_t_map)
			return iface_conv(c, *v, "map[string]interface {}");
		d = *v;
	}
	*ret = def;
	return 0;
}

const struct gt_func sprig_list_funcs[] = {
	{ "list", l_list, 1, true, { NULL }, NULL },
	{ "tuple", l_list, 1, true, { NULL }, NULL },
	{ "append", l_push, 2, false, { NULL, NULL }, NULL },
	{ "push", l_push, 2, false, { NULL, NULL }, NULL },
	{ "mustAppend", l_push, 2, false, { NULL, NULL }, NULL },
	{ "mustPush", l_push, 2, false, { NULL, NULL }, NULL },
	{ "prepend", l_prepend, 2, false, { NULL, NULL }, NULL },
	{ "mustPrepend", l_prepend, 2, false, { NULL, NULL }, NULL },
	{ "first", l_first, 1, false, { NULL }, NULL },
	{ "mustFirst", l_first, 1, false, { NULL }, NULL },
	{ "rest", l_rest, 1, false, { NULL }, NULL },
	{ "mustRest", l_rest, 1, false, { NULL }, NULL },
	{ "last", l_last, 1, false, { NULL }, NULL },
	{ "mustLast", l_last, 1, false, { NULL }, NULL },
	{ "initial", l_initial, 1, false, { NULL }, NULL },
	{ "mustInitial", l_initial, 1, false, { NULL }, NULL },
	{ "reverse", l_reverse, 1, false, { NULL }, NULL },
	{ "mustReverse", l_reverse, 1, false, { NULL }, NULL },
	{ "uniq", l_uniq, 1, false, { NULL }, NULL },
	{ "mustUniq", l_uniq, 1, false, { NULL }, NULL },
	{ "without", l_without, 2, true, { NULL, NULL }, NULL },
	{ "mustWithout", l_without, 2, true, { NULL, NULL }, NULL },
	{ "has", l_has, 2, false, { NULL, NULL }, NULL },
	{ "mustHas", l_has, 2, false, { NULL, NULL }, NULL },
	{ "slice", l_slice, 2, true, { NULL, NULL }, NULL },
	{ "mustSlice", l_slice, 2, true, { NULL, NULL }, NULL },
	{ "concat", l_concat, 1, true, { NULL }, NULL },
	{ "compact", l_compact, 1, false, { NULL }, NULL },
	{ "mustCompact", l_compact, 1, false, { NULL }, NULL },
	{ "chunk", l_chunk, 2, false, { I, NULL }, NULL },
	{ "mustChunk", l_chunk, 2, false, { I, NULL }, NULL },
	{ "sortAlpha", l_sortalpha, 1, false, { NULL }, NULL },
	{ "until", l_until, 1, false, { I }, NULL },
	{ "untilStep", l_untilstep, 3, false, { I, I, I }, NULL },
	{ "seq", l_seq, 1, true, { I }, NULL },
	{ "dict", d_dict, 1, true, { NULL }, NULL },
	{ "get", d_get, 2, false, { M, S }, NULL },
	{ "set", d_set, 3, false, { M, S, NULL }, NULL },
	{ "unset", d_unset, 2, false, { M, S }, NULL },
	{ "hasKey", d_haskey, 2, false, { M, S }, NULL },
	{ "pluck", d_pluck, 2, true, { S, M }, NULL },
	{ "keys", d_keys, 1, true, { M }, NULL },
	{ "pick", d_pick, 2, true, { M, S }, NULL },
	{ "omit", d_omit, 2, true, { M, S }, NULL },
	{ "merge", d_merge, 2, true, { M, M }, NULL },
	{ "mergeOverwrite", d_merge_overwrite, 2, true, { M, M }, NULL },
	{ "mustMerge", d_merge, 2, true, { M, M }, NULL },
	{ "mustMergeOverwrite", d_merge_overwrite, 2, true, { M, M }, NULL },
	{ "values", d_values, 1, false, { M }, NULL },
	{ "deepCopy", d_deepcopy, 1, false, { NULL }, NULL },
	{ "mustDeepCopy", d_deepcopy, 1, false, { NULL }, NULL },
	{ "dig", d_dig, 1, true, { NULL }, NULL },
};

const size_t sprig_list_nfuncs = sizeof sprig_list_funcs / sizeof sprig_list_funcs[0];
