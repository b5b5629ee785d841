/*
 * gotmpl_value.c - Go values for the template engine.
 *
 * Templates see data through reflection, so what matters is each value's
 * dynamic Go type: it decides how fmt prints it (1e+06 for a float64,
 * 1000000 for an int), which function parameters accept it, and what
 * typeOf/kindOf say.  Types are static descriptors compared by pointer;
 * lists and maps are arena objects shared by reference, like Go's slices
 * and maps, so Sprig's set/unset are visible through every alias.
 *
 * Maps keep insertion order with a hash index once they grow past a few
 * keys; Go's order (sorted keys, for printing, range and JSON) is computed
 * on demand and cached until the map changes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gotmpl_impl.h"

#define T(k, bits, name, elem) { k, 0, bits, name, elem }

const struct gt_type gt_t_nil = T(GT_NIL, 0, "interface {}", NULL);
const struct gt_type gt_t_value = T(GT_NIL, 0, "reflect.Value", NULL);
const struct gt_type gt_t_bool = T(GT_BOOL, 0, "bool", NULL);
const struct gt_type gt_t_string = T(GT_STRING, 0, "string", NULL);
const struct gt_type gt_t_int = T(GT_INT, 0, "int", NULL);
const struct gt_type gt_t_int8 = T(GT_INT, 8, "int8", NULL);
const struct gt_type gt_t_int16 = T(GT_INT, 16, "int16", NULL);
const struct gt_type gt_t_int32 = T(GT_INT, 32, "int32", NULL);
const struct gt_type gt_t_int64 = T(GT_INT, 64, "int64", NULL);
const struct gt_type gt_t_uint = T(GT_UINT, 0, "uint", NULL);
const struct gt_type gt_t_uint8 = T(GT_UINT, 8, "uint8", NULL);
const struct gt_type gt_t_uint16 = T(GT_UINT, 16, "uint16", NULL);
const struct gt_type gt_t_uint32 = T(GT_UINT, 32, "uint32", NULL);
const struct gt_type gt_t_uint64 = T(GT_UINT, 64, "uint64", NULL);
const struct gt_type gt_t_uintptr = T(GT_UINT, 65, "uintptr", NULL);
const struct gt_type gt_t_float32 = T(GT_FLOAT, 32, "float32", NULL);
const struct gt_type gt_t_float64 = T(GT_FLOAT, 64, "float64", NULL);
const struct gt_type gt_t_complex128 = T(GT_COMPLEX, 128, "complex128", NULL);
const struct gt_type gt_t_duration = { GT_INT, 1, 64, "time.Duration", NULL };
const struct gt_type gt_t_month = { GT_INT, 1, 0, "time.Month", NULL };
const struct gt_type gt_t_weekday = { GT_INT, 1, 0, "time.Weekday", NULL };
const struct gt_type gt_t_list = T(GT_LIST, 0, "[]interface {}", NULL);
const struct gt_type gt_t_strings = T(GT_LIST, 0, "[]string", &gt_t_string);
const struct gt_type gt_t_ints = T(GT_LIST, 0, "[]int", &gt_t_int);
const struct gt_type gt_t_bytes = T(GT_LIST, 0, "[]uint8", &gt_t_uint8);
const struct gt_type gt_t_lists = T(GT_LIST, 0, "[][]interface {}", &gt_t_list);
const struct gt_type gt_t_map = T(GT_MAP, 0, "map[string]interface {}", NULL);
const struct gt_type gt_t_strmap = T(GT_MAP, 0, "map[string]string", &gt_t_string);

/* ---- scalars ---- */

struct gt_value gt_cstring(const char *s)
{
	return gt_string(s, strlen(s));
}

char *gt_arena_str(struct arena *a, const char *p, size_t n)
{
	return arena_strndup(a, p ? p : "", p ? n : 0);
}

struct gt_value gt_strdup(struct arena *a, const char *p, size_t n)
{
	return gt_string(gt_arena_str(a, p, n), n);
}

struct gt_value gt_sbuf_value(struct arena *a, const struct sbuf *sb)
{
	return gt_strdup(a, sb->buf, sb->len);
}

struct gt_value gt_obj(const struct gt_class *cls, void *self)
{
	struct gt_value v = { &cls->type, { .o = self } };
	return v;
}

struct gt_value gt_zero(const struct gt_type *t)
{
	struct gt_value v = { 0 };
	if (!t || t == &gt_t_value)
		return gt_nil();
	v.t = t;
	return v;
}

bool gt_assignable(const struct gt_type *from, const struct gt_type *to)
{
	if (!to || to == &gt_t_value || from == to)
		return true;
	if (!from)
		return false;
	if (from->kind != to->kind || (from->named && to->named))
		return false;
	if (from->kind != GT_LIST && from->kind != GT_MAP)
		return false;
	return from->elem == to->elem;
}

/* ---- lists ---- */

struct gt_value gt_list_new(struct arena *a, const struct gt_type *t, size_t cap)
{
	struct gt_list *l = arena_alloc(a, sizeof *l);
	l->len = 0;
	l->cap = (uint32_t)(cap ? cap : 4);
	l->items = arena_alloc(a, l->cap * sizeof *l->items);
	struct gt_value v = { t ? t : &gt_t_list, { .l = l } };
	return v;
}

void gt_list_push(struct arena *a, struct gt_value list, struct gt_value item)
{
	struct gt_list *l = list.l;
	if (l->len == l->cap) {
		uint32_t nc = l->cap ? l->cap * 2 : 4;
		l->items = arena_grow(a, l->items, l->cap * sizeof *l->items, nc * sizeof *l->items);
		l->cap = nc;
	}
	l->items[l->len++] = item;
}

/* ---- maps ---- */

#define IDX_MIN 9 /* index maps with more keys than this */

struct gt_value gt_map_new(struct arena *a, const struct gt_type *t)
{
	struct gt_map *m = arena_calloc(a, 1, sizeof *m);
	m->arena = a;
	struct gt_value v = { t ? t : &gt_t_map, { .m = m } };
	return v;
}

size_t gt_map_len(const struct gt_map *m)
{
	return m ? m->len : 0;
}

static void idx_build(struct gt_map *m)
{
	uint32_t cap = 16;
	while (cap < m->len * 2 + 2)
		cap *= 2;
	m->idx = arena_calloc(m->arena, cap, sizeof *m->idx);
	m->idxcap = cap;
	for (uint32_t i = 0; i < m->len; i++) {
		uint32_t j = (uint32_t)m->ents[i].hash & (cap - 1);
		while (m->idx[j])
			j = (j + 1) & (cap - 1);
		m->idx[j] = i + 1;
	}
}

static struct gt_mapent *find(const struct gt_map *m, const char *k, size_t n, uint64_t h)
{
	if (!m)
		return NULL;
	if (m->idx) {
		uint32_t mask = m->idxcap - 1;
		for (uint32_t j = (uint32_t)h & mask; m->idx[j]; j = (j + 1) & mask) {
			struct gt_mapent *e = &m->ents[m->idx[j] - 1];
			if (e->hash == h && e->klen == n && memcmp(e->k, k, n) == 0)
				return e;
		}
		return NULL;
	}
	for (uint32_t i = 0; i < m->len; i++) {
		struct gt_mapent *e = &m->ents[i];
		if (e->klen == n && e->hash == h && memcmp(e->k, k, n) == 0)
			return e;
	}
	return NULL;
}

struct gt_value *gt_map_get_h(const struct gt_map *m, const char *k, size_t n, uint64_t h);

struct gt_value *gt_map_get_h(const struct gt_map *m, const char *k, size_t n, uint64_t h)
{
	struct gt_mapent *e = find(m, k, n, h);
	return e ? &e->v : NULL;
}

struct gt_value *gt_map_get(const struct gt_map *m, const char *k, size_t n)
{
	if (!m || !m->len)
		return NULL;
	return gt_map_get_h(m, k, n, str_hash(k, n));
}

struct gt_value *gt_map_getc(const struct gt_map *m, const char *k)
{
	return gt_map_get(m, k, strlen(k));
}

static void drop_caches(struct gt_map *m)
{
	m->sorted = NULL;
}

static void release_idx(struct gt_map *m)
{
	m->idx = NULL;
	m->idxcap = 0;
}

void gt_map_set_h(struct arena *a, struct gt_map *m, const char *k, size_t n, uint64_t h,
	struct gt_value v);

void gt_map_set_h(struct arena *a, struct gt_map *m, const char *k, size_t n, uint64_t h,
	struct gt_value v)
{
	struct gt_mapent *e = find(m, k, n, h);
	if (e) {
		e->v = v;
		return;
	}
	if (m->arena)
		a = m->arena; /* the map grows where it was made */
	if (m->len == m->cap) {
		uint32_t nc = m->cap ? m->cap * 2 : 4;
		m->ents = arena_grow(a, m->ents, m->cap * sizeof *m->ents, nc * sizeof *m->ents);
		m->cap = nc;
	}
	e = &m->ents[m->len++];
	e->k = k;
	e->klen = (uint32_t)n;
	e->hash = h;
	e->v = v;
	drop_caches(m);
	if (m->idx && m->len * 2 + 2 > m->idxcap)
		release_idx(m);
	if (m->idx) {
		uint32_t mask = m->idxcap - 1;
		uint32_t j = (uint32_t)h & mask;
		while (m->idx[j])
			j = (j + 1) & mask;
		m->idx[j] = m->len;
	} else if (m->len > IDX_MIN) {
		idx_build(m);
	}
}

void gt_map_set(struct arena *a, struct gt_map *m, const char *k, size_t n, struct gt_value v)
{
	gt_map_set_h(a, m, k, n, str_hash(k, n), v);
}

void gt_map_setc(struct arena *a, struct gt_map *m, const char *k, struct gt_value v)
{
	gt_map_set(a, m, k, strlen(k), v);
}

bool gt_map_del(struct gt_map *m, const char *k, size_t n)
{
	if (!m)
		return false;
	struct gt_mapent *e = find(m, k, n, str_hash(k, n));
	if (!e)
		return false;
	size_t i = (size_t)(e - m->ents);
	memmove(e, e + 1, (m->len - i - 1) * sizeof *e);
	m->len--;
	drop_caches(m);
	release_idx(m);
	if (m->len > IDX_MIN)
		idx_build(m);
	return true;
}

static int entcmp(const void *a, const void *b)
{
	const struct gt_mapent *x = *(const struct gt_mapent *const *)a;
	const struct gt_mapent *y = *(const struct gt_mapent *const *)b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->k, y->k, n);
	if (c)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

struct gt_mapent *const *gt_map_sorted(struct arena *a, struct gt_map *m, size_t *n)
{
	if (!m || !m->len) {
		*n = 0;
		return NULL;
	}
	if (!m->sorted) {
		/* the cache lives as long as the map, not in a caller's scratch arena */
		struct gt_mapent **v = arena_alloc(m->arena ? m->arena : a, m->len * sizeof *v);
		for (uint32_t i = 0; i < m->len; i++)
			v[i] = &m->ents[i];
		qsort(v, m->len, sizeof *v, entcmp);
		m->sorted = v;
	}
	*n = m->len;
	return m->sorted;
}

/* ---- copies, equality, truth ---- */

struct gt_value gt_deep_copy(struct arena *a, struct gt_value v)
{
	switch (gt_kind(v)) {
	case GT_LIST: {
		if (!v.l)
			return v;
		struct gt_value r = gt_list_new(a, v.t, v.l->len);
		for (uint32_t i = 0; i < v.l->len; i++)
			gt_list_push(a, r, gt_deep_copy(a, v.l->items[i]));
		return r;
	}
	case GT_MAP: {
		if (!v.m)
			return v;
		struct gt_value r = gt_map_new(a, v.t);
		for (uint32_t i = 0; i < v.m->len; i++) {
			const struct gt_mapent *e = &v.m->ents[i];
			gt_map_set_h(a, r.m, e->k, e->klen, e->hash, gt_deep_copy(a, e->v));
		}
		return r;
	}
	default:
		return v;
	}
}

bool gt_deep_equal(struct gt_value a, struct gt_value b)
{
	if (!a.t || !b.t)
		return !a.t && !b.t;
	if (a.t != b.t)
		return false;
	switch (a.t->kind) {
	case GT_NIL: return true;
	case GT_BOOL: return a.b == b.b;
	case GT_INT: return a.i == b.i;
	case GT_UINT: return a.u == b.u;
	case GT_FLOAT: return a.f == b.f;
	case GT_COMPLEX: return a.c.re == b.c.re && a.c.im == b.c.im;
	case GT_STRING: return a.s.n == b.s.n && (a.s.n == 0 || !memcmp(a.s.p, b.s.p, a.s.n));
	case GT_LIST:
		if (!a.l || !b.l)
			return !a.l == !b.l;
		if (a.l->len != b.l->len)
			return false;
		for (uint32_t i = 0; i < a.l->len; i++)
			if (!gt_deep_equal(a.l->items[i], b.l->items[i]))
				return false;
		return true;
	case GT_MAP:
		if (!a.m || !b.m)
			return !a.m == !b.m;
		if (a.m->len != b.m->len)
			return false;
		for (uint32_t i = 0; i < a.m->len; i++) {
			const struct gt_mapent *e = &a.m->ents[i];
			struct gt_value *o = gt_map_get_h(b.m, e->k, e->klen, e->hash);
			if (!o || !gt_deep_equal(e->v, *o))
				return false;
		}
		return true;
	case GT_OBJ:
		return a.o == b.o;
	}
	return false;
}

bool gt_truth(struct gt_value v)
{
	switch (gt_kind(v)) {
	case GT_NIL: return false;
	case GT_BOOL: return v.b;
	case GT_INT: return v.i != 0;
	case GT_UINT: return v.u != 0;
	case GT_FLOAT: return v.f != 0;
	case GT_COMPLEX: return v.c.re != 0 || v.c.im != 0;
	case GT_STRING: return v.s.n > 0;
	case GT_LIST: return v.l && v.l->len > 0;
	case GT_MAP: return v.m && v.m->len > 0;
	case GT_OBJ: return v.o != NULL || v.t->name[0] != '*';
	}
	return false;
}

const char *gt_type_name(struct gt_value v)
{
	if (!v.t || v.t->kind == GT_NIL)
		return "<nil>";
	return v.t->name;
}

const char *gt_kind_name(struct gt_value v)
{
	if (!v.t || v.t->kind == GT_NIL)
		return "invalid";
	switch (v.t->kind) {
	case GT_BOOL: return "bool";
	case GT_INT:
		switch (v.t->bits) {
		case 8: return "int8";
		case 16: return "int16";
		case 32: return "int32";
		case 64: return "int64";
		default: return "int";
		}
	case GT_UINT:
		switch (v.t->bits) {
		case 8: return "uint8";
		case 16: return "uint16";
		case 32: return "uint32";
		case 64: return "uint64";
		case 65: return "uintptr";
		default: return "uint";
		}
	case GT_FLOAT: return v.t->bits == 32 ? "float32" : "float64";
	case GT_COMPLEX: return "complex128";
	case GT_STRING: return "string";
	case GT_LIST: return "slice";
	case GT_MAP: return "map";
	case GT_OBJ: return v.t->name[0] == '*' ? "ptr" : "struct";
	}
	return "invalid";
}

/* ---- IR conversion ---- */

struct gt_value gt_from_ir(struct arena *a, const struct ir_node *n, enum gt_numbers nums)
{
	if (!n)
		return gt_nil();
	switch (n->type) {
	case IR_NULL:
		return gt_nil();
	case IR_BOOL:
		return gt_bool(n->s.v.b);
	case IR_INT:
		if (nums == GT_NUM_FLOAT64)
			return gt_float(n->flags & IR_F_UINT ? (double)n->s.v.u : (double)n->s.v.i);
		if (n->flags & IR_F_UINT)
			return nums == GT_NUM_INT64 ? gt_typed_uint(&gt_t_uint64, n->s.v.u)
				: gt_float((double)n->s.v.u);
		return nums == GT_NUM_INT64 ? gt_int64(n->s.v.i) : gt_int(n->s.v.i);
	case IR_FLOAT:
		return gt_float(n->s.v.f);
	case IR_STR:
		return gt_string(n->s.text->s, n->s.text->len);
	case IR_SEQ: {
		struct gt_value l = gt_list_new(a, &gt_t_list, n->seq.len);
		for (uint32_t i = 0; i < n->seq.len; i++)
			gt_list_push(a, l, gt_from_ir(a, n->seq.items[i], nums));
		return l;
	}
	case IR_MAP: {
		struct gt_value m = gt_map_new(a, &gt_t_map);
		for (uint32_t i = 0; i < n->map.len; i++) {
			const struct str *k = n->map.items[i].key->s.text;
			gt_map_set_h(a, m.m, k->s, k->len, k->hash,
				gt_from_ir(a, n->map.items[i].value, nums));
		}
		return m;
	}
	}
	return gt_nil();
}

static int to_ir(struct mc_ctx *ctx, struct gt_value v, struct ir_node **out, const char **err,
	int depth)
{
	if (depth > 10000) {
		*err = "json: unsupported value: encountered a cycle";
		return -1;
	}
	switch (gt_kind(v)) {
	case GT_NIL:
		*out = ir_null(ctx, NULL);
		return 0;
	case GT_BOOL:
		*out = ir_bool(ctx, v.b, NULL);
		return 0;
	case GT_INT:
		*out = ir_int(ctx, v.i, NULL);
		return 0;
	case GT_UINT:
		*out = ir_uint(ctx, v.u, NULL);
		if (v.u <= INT64_MAX)
			*out = ir_int(ctx, (int64_t)v.u, NULL);
		return 0;
	case GT_FLOAT:
		if (isnan(v.f) || isinf(v.f)) {
			struct sbuf sb = SBUF_INIT;
			sbuf_adds(&sb, "json: unsupported value: ");
			go_ftoa(&sb, v.f, 'g', -1, 64);
			*err = arena_strndup(&ctx->arena, sb.buf, sb.len);
			sbuf_release(&sb);
			return -1;
		}
		if (v.t->bits == 32)
			*out = ir_float(ctx, (double)(float)v.f, NULL);
		else
			*out = ir_float(ctx, v.f, NULL);
		return 0;
	case GT_COMPLEX:
		*err = arena_printf(&ctx->arena, "json: unsupported type: %s", v.t->name);
		return -1;
	case GT_STRING:
		*out = ir_str(ctx, v.s.p ? v.s.p : "", v.s.n, NULL);
		return 0;
	case GT_LIST: {
		if (!v.l) {
			*out = ir_null(ctx, NULL);
			return 0;
		}
		if (v.t->elem == &gt_t_uint8) { /* []byte: base64 */
			struct sbuf raw = SBUF_INIT, enc = SBUF_INIT;
			for (uint32_t i = 0; i < v.l->len; i++)
				sbuf_addc(&raw, (char)v.l->items[i].u);
			b64_encode(&enc, raw.buf, raw.len);
			*out = ir_str(ctx, enc.buf, enc.len, NULL);
			sbuf_release(&raw);
			sbuf_release(&enc);
			return 0;
		}
		struct ir_node *s = ir_seq(ctx, NULL);
		for (uint32_t i = 0; i < v.l->len; i++) {
			struct ir_node *c;
			if (to_ir(ctx, v.l->items[i], &c, err, depth + 1))
				return -1;
			ir_seq_push(ctx, s, c);
		}
		*out = s;
		return 0;
	}
	case GT_MAP: {
		if (!v.m) {
			*out = ir_null(ctx, NULL);
			return 0;
		}
		struct ir_node *m = ir_map(ctx, NULL);
		size_t n;
		struct gt_mapent *const *ents = gt_map_sorted(&ctx->arena, v.m, &n);
		for (size_t i = 0; i < n; i++) {
			struct ir_node *c;
			if (to_ir(ctx, ents[i]->v, &c, err, depth + 1))
				return -1;
			ir_map_append(ctx, m, ir_str(ctx, ents[i]->k, ents[i]->klen, NULL), c);
		}
		*out = m;
		return 0;
	}
	case GT_OBJ: {
		const struct gt_class *cls = (const struct gt_class *)v.t;
		if (!v.o && v.t->name[0] == '*') {
			*out = ir_null(ctx, NULL);
			return 0;
		}
		if (!cls->to_data) {
			*out = ir_map(ctx, NULL);
			return 0;
		}
		return to_ir(ctx, cls->to_data(v.o, &ctx->arena), out, err, depth + 1);
	}
	}
	*out = ir_null(ctx, NULL);
	return 0;
}

int gt_to_ir(struct mc_ctx *ctx, struct gt_value v, struct ir_node **out, const char **err)
{
	*err = NULL;
	if (!v.t) {
		*out = ir_null(ctx, NULL);
		return 0;
	}
	return to_ir(ctx, v, out, err, 0);
}
