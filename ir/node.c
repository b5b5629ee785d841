/*
 * node.c - building, looking up, copying and comparing IR nodes.
 *
 * Maps are arrays of pairs in insertion order.  Small maps are searched
 * linearly (that is faster than hashing for the handful of keys a
 * Kubernetes object has at each level); from MAP_INDEX_MIN entries on, the
 * first lookup builds an open-addressing index of the pairs by key hash,
 * kept up to date by appends and dropped by deletions, so that loading or
 * merging a ConfigMap with ten thousand keys stays linear.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc/ir.h"

#define MAP_INDEX_MIN 12

struct ir_mapidx {
	const struct ir_pair *items; /* the array it indexes (a check, below) */
	uint32_t cap;   /* power of two */
	uint32_t slots[]; /* pair index + 1, 0 = empty */
};

_Static_assert(sizeof(void *) != 8 || sizeof(struct ir_node) == 48,
	"an IR node is 48 bytes on 64-bit machines: most of a build's memory is nodes");

/* The index lives in the pair slot past the map's capacity, so it costs
 * nodes nothing when absent (most maps have a handful of keys). */
static struct ir_mapidx *map_idx(const struct ir_node *map)
{
	if (!(map->flags & IR_F_MAPIDX))
		return NULL;
	struct ir_mapidx *ix;
	memcpy(&ix, &map->map.items[map->map.cap], sizeof ix);
	/* A map copied by value whose twin then grew in place has a pair
	 * where its index was: it is searched linearly instead. */
	return ix->items == map->map.items ? ix : NULL;
}

static void set_idx(struct mc_ctx *ctx, struct ir_node *map, struct ir_mapidx *ix)
{
	if (!(map->flags & IR_F_MAPIDX)) {
		size_t sz = map->map.cap * sizeof *map->map.items;
		map->map.items = map->map.items ? arena_grow(&ctx->arena, map->map.items, sz,
			sz + sizeof *map->map.items) : arena_alloc(&ctx->arena, sizeof *map->map.items);
		map->flags |= IR_F_MAPIDX;
	}
	ix->items = map->map.items;
	memcpy(&map->map.items[map->map.cap], &ix, sizeof ix);
}

static void clear_idx(struct ir_node *map)
{
	map->flags &= (uint16_t)~IR_F_MAPIDX;
}

void mc_ctx_init(struct mc_ctx *ctx, struct vfs *fs)
{
	memset(ctx, 0, sizeof *ctx);
	arena_init(&ctx->arena);
	strtab_init(&ctx->strs, &ctx->arena);
	diag_init(&ctx->diag);
	ctx->fs = fs;
	ctx->s_empty = mc_intern0(ctx, "");
	ctx->s_apiVersion = mc_intern0(ctx, "apiVersion");
	ctx->s_kind = mc_intern0(ctx, "kind");
	ctx->s_metadata = mc_intern0(ctx, "metadata");
	ctx->s_name = mc_intern0(ctx, "name");
	ctx->s_namespace = mc_intern0(ctx, "namespace");
	ctx->s_labels = mc_intern0(ctx, "labels");
	ctx->s_annotations = mc_intern0(ctx, "annotations");
	ctx->s_items = mc_intern0(ctx, "items");
	ctx->s_spec = mc_intern0(ctx, "spec");
	ctx->s_data = mc_intern0(ctx, "data");
	ctx->s_List = mc_intern0(ctx, "List");
	ctx->s_default = mc_intern0(ctx, "default");
}

void mc_ctx_release(struct mc_ctx *ctx)
{
	diag_release(&ctx->diag);
	strtab_release(&ctx->strs);
	arena_release(&ctx->arena);
}

static struct ir_node *new_node(struct mc_ctx *ctx, enum ir_type t, const struct srcpos *pos)
{
	struct ir_node *n = arena_alloc(&ctx->arena, sizeof *n);
	memset(n, 0, sizeof *n);
	n->type = (uint8_t)t;
	if (pos)
		n->pos = *pos;
	return n;
}

struct ir_node *ir_null(struct mc_ctx *ctx, const struct srcpos *pos)
{
	struct ir_node *n = new_node(ctx, IR_NULL, pos);
	n->s.text = mc_intern0(ctx, "null");
	return n;
}

struct ir_node *ir_bool(struct mc_ctx *ctx, bool b, const struct srcpos *pos)
{
	struct ir_node *n = new_node(ctx, IR_BOOL, pos);
	n->s.v.b = b;
	n->s.text = mc_intern0(ctx, b ? "true" : "false");
	return n;
}

struct ir_node *ir_int(struct mc_ctx *ctx, int64_t i, const struct srcpos *pos)
{
	struct ir_node *n = new_node(ctx, IR_INT, pos);
	n->s.v.i = i;
	n->s.text = str_printf(&ctx->strs, "%lld", (long long)i);
	return n;
}

struct ir_node *ir_uint(struct mc_ctx *ctx, uint64_t u, const struct srcpos *pos)
{
	if (u <= INT64_MAX)
		return ir_int(ctx, (int64_t)u, pos);
	struct ir_node *n = new_node(ctx, IR_INT, pos);
	n->flags |= IR_F_UINT;
	n->s.v.u = u;
	n->s.text = str_printf(&ctx->strs, "%llu", (unsigned long long)u);
	return n;
}

struct ir_node *ir_float(struct mc_ctx *ctx, double f, const struct srcpos *pos)
{
	struct ir_node *n = new_node(ctx, IR_FLOAT, pos);
	n->s.v.f = f;
	n->s.text = str_printf(&ctx->strs, "%.17g", f);
	return n;
}

struct ir_node *ir_strs(struct mc_ctx *ctx, const struct str *s, const struct srcpos *pos)
{
	struct ir_node *n = new_node(ctx, IR_STR, pos);
	n->s.text = s;
	return n;
}

struct ir_node *ir_str(struct mc_ctx *ctx, const char *s, size_t len, const struct srcpos *pos)
{
	return ir_strs(ctx, mc_intern(ctx, s, len), pos);
}

struct ir_node *ir_str0(struct mc_ctx *ctx, const char *s, const struct srcpos *pos)
{
	return ir_strs(ctx, mc_intern0(ctx, s), pos);
}

struct ir_node *ir_map(struct mc_ctx *ctx, const struct srcpos *pos)
{
	return new_node(ctx, IR_MAP, pos);
}

struct ir_node *ir_seq(struct mc_ctx *ctx, const struct srcpos *pos)
{
	return new_node(ctx, IR_SEQ, pos);
}

/* ---- sequences ---- */

static void seq_reserve(struct mc_ctx *ctx, struct ir_node *seq, uint32_t need)
{
	if (need <= seq->seq.cap)
		return;
	uint32_t nc = seq->seq.cap ? seq->seq.cap * 2 : 4;
	while (nc < need)
		nc *= 2;
	seq->seq.items = arena_grow(&ctx->arena, seq->seq.items,
		seq->seq.cap * sizeof *seq->seq.items, nc * sizeof *seq->seq.items);
	seq->seq.cap = nc;
}

void ir_seq_push(struct mc_ctx *ctx, struct ir_node *seq, struct ir_node *item)
{
	seq_reserve(ctx, seq, seq->seq.len + 1);
	seq->seq.items[seq->seq.len++] = item;
}

void ir_seq_insert(struct mc_ctx *ctx, struct ir_node *seq, size_t at, struct ir_node *item)
{
	if (at > seq->seq.len)
		at = seq->seq.len;
	seq_reserve(ctx, seq, seq->seq.len + 1);
	memmove(seq->seq.items + at + 1, seq->seq.items + at,
		(seq->seq.len - at) * sizeof *seq->seq.items);
	seq->seq.items[at] = item;
	seq->seq.len++;
}

void ir_seq_remove(struct ir_node *seq, size_t at)
{
	if (at >= seq->seq.len)
		return;
	memmove(seq->seq.items + at, seq->seq.items + at + 1,
		(seq->seq.len - at - 1) * sizeof *seq->seq.items);
	seq->seq.len--;
}

/* ---- maps ---- */

void ir_map_touched(struct ir_node *map)
{
	if (ir_is_map(map))
		clear_idx(map);
}

static void idx_insert(struct ir_mapidx *ix, uint64_t h, uint32_t pair)
{
	uint32_t i = (uint32_t)h & (ix->cap - 1);
	while (ix->slots[i])
		i = (i + 1) & (ix->cap - 1);
	ix->slots[i] = pair + 1;
}

static struct ir_mapidx *build_index(struct arena *a, struct ir_node *map)
{
	uint32_t cap = 32;
	while (cap < map->map.len * 2)
		cap *= 2;
	struct ir_mapidx *ix = arena_calloc(a, 1, sizeof *ix + cap * sizeof(uint32_t));
	ix->cap = cap;
	for (uint32_t i = 0; i < map->map.len; i++)
		idx_insert(ix, map->map.items[i].key->s.text->hash, i);
	return ix;
}

static struct ir_pair *find_linear(const struct ir_node *map, const struct str *key)
{
	for (uint32_t i = 0; i < map->map.len; i++)
		if (str_eq(map->map.items[i].key->s.text, key))
			return &map->map.items[i];
	return NULL;
}

static struct ir_pair *find_indexed(const struct ir_node *map, const struct ir_mapidx *ix,
	const char *key, size_t len, uint64_t hash)
{
	uint32_t i = (uint32_t)hash & (ix->cap - 1);
	for (;;) {
		uint32_t s = ix->slots[i];
		if (!s)
			return NULL;
		struct ir_pair *p = &map->map.items[s - 1];
		const struct str *k = p->key->s.text;
		if (k->hash == hash && k->len == len && memcmp(k->s, key, len) == 0)
			return p;
		i = (i + 1) & (ix->cap - 1);
	}
}

struct ir_pair *ir_map_find(const struct ir_node *map, const struct str *key)
{
	if (!ir_is_map(map) || !key)
		return NULL;
	const struct ir_mapidx *ix = map_idx(map);
	if (ix)
		return find_indexed(map, ix, key->s, key->len, key->hash);
	return find_linear(map, key);
}

struct ir_node *ir_map_get(const struct ir_node *map, const struct str *key)
{
	struct ir_pair *p = ir_map_find(map, key);
	return p ? p->value : NULL;
}

struct ir_node *ir_map_getc(const struct ir_node *map, const char *key)
{
	if (!ir_is_map(map))
		return NULL;
	size_t n = strlen(key);
	const struct ir_mapidx *ix = map_idx(map);
	if (ix) {
		struct ir_pair *p = find_indexed(map, ix, key, n, str_hash(key, n));
		return p ? p->value : NULL;
	}
	for (uint32_t i = 0; i < map->map.len; i++) {
		const struct str *k = map->map.items[i].key->s.text;
		if (k->len == n && memcmp(k->s, key, n) == 0)
			return map->map.items[i].value;
	}
	return NULL;
}

void ir_map_append(struct mc_ctx *ctx, struct ir_node *map, struct ir_node *key,
	struct ir_node *value)
{
	struct ir_mapidx *ix = map_idx(map);
	if (!ix)
		clear_idx(map);
	if (map->map.len == map->map.cap) {
		uint32_t nc = map->map.cap ? map->map.cap * 2 : 4;
		uint32_t extra = ix ? 1 : 0;
		map->map.items = arena_grow(&ctx->arena, map->map.items,
			(map->map.cap + extra) * sizeof *map->map.items,
			(nc + extra) * sizeof *map->map.items);
		map->map.cap = nc;
		if (ix) {
			ix->items = map->map.items;
			memcpy(&map->map.items[nc], &ix, sizeof ix);
		}
	}
	uint32_t at = map->map.len++;
	map->map.items[at].key = key;
	map->map.items[at].value = value;
	if (ix) {
		if (map->map.len * 2 > ix->cap)
			set_idx(ctx, map, build_index(&ctx->arena, map));
		else
			idx_insert(ix, key->s.text->hash, at);
	} else if (map->map.len >= MAP_INDEX_MIN) {
		set_idx(ctx, map, build_index(&ctx->arena, map));
	}
}

struct ir_node *ir_map_set(struct mc_ctx *ctx, struct ir_node *map,
	const struct str *key, struct ir_node *value)
{
	struct ir_pair *p = ir_map_find(map, key);
	if (p) {
		p->value = value;
		return value;
	}
	ir_map_append(ctx, map, ir_strs(ctx, key, &value->pos), value);
	return value;
}

struct ir_node *ir_map_setc(struct mc_ctx *ctx, struct ir_node *map, const char *key,
	struct ir_node *value)
{
	return ir_map_set(ctx, map, mc_intern0(ctx, key), value);
}

bool ir_map_del(struct ir_node *map, const struct str *key)
{
	struct ir_pair *p = ir_map_find(map, key);
	if (!p)
		return false;
	size_t at = (size_t)(p - map->map.items);
	memmove(p, p + 1, (map->map.len - at - 1) * sizeof *p);
	map->map.len--;
	clear_idx(map);
	return true;
}

bool ir_map_delc(struct ir_node *map, const char *key)
{
	if (!ir_is_map(map))
		return false;
	size_t n = strlen(key);
	for (uint32_t i = 0; i < map->map.len; i++) {
		const struct str *k = map->map.items[i].key->s.text;
		if (k->len == n && memcmp(k->s, key, n) == 0)
			return ir_map_del(map, k);
	}
	return false;
}

struct ir_node *ir_map_child(struct mc_ctx *ctx, struct ir_node *map, const char *key)
{
	struct ir_node *c = ir_map_getc(map, key);
	if (ir_is_map(c))
		return c;
	return ir_map_setc(ctx, map, key, ir_map(ctx, &map->pos));
}

struct ir_node *ir_path(const struct ir_node *n, const char *path)
{
	const char *p = path;
	while (n && *p) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (!ir_is_map(n))
			return NULL;
		const struct ir_node *next = NULL;
		for (uint32_t i = 0; i < n->map.len; i++) {
			const struct str *k = n->map.items[i].key->s.text;
			if (k->len == len && memcmp(k->s, p, len) == 0) {
				next = n->map.items[i].value;
				break;
			}
		}
		n = next;
		p += len;
		if (*p == '/')
			p++;
	}
	return (struct ir_node *)n;
}

const char *ir_path_cstr(const struct ir_node *n, const char *path)
{
	return ir_cstr(ir_path(n, path));
}

/* ---- copy, compare, count ---- */

static struct ir_node *clone(struct mc_ctx *ctx, const struct ir_node *n,
	const struct srcfile *(*file)(void *, const struct srcfile *), void *arg)
{
	if (!n)
		return NULL;
	struct ir_node *c = arena_alloc(&ctx->arena, sizeof *c);
	*c = *n;
	if (file && n->pos.file)
		c->pos.file = file(arg, n->pos.file);
	if (n->type == IR_MAP) {
		clear_idx(c);
		c->map.cap = n->map.len;
		c->map.items = n->map.len ? arena_alloc(&ctx->arena, n->map.len * sizeof *c->map.items) : NULL;
		for (uint32_t i = 0; i < n->map.len; i++) {
			c->map.items[i].key = clone(ctx, n->map.items[i].key, file, arg);
			c->map.items[i].value = clone(ctx, n->map.items[i].value, file, arg);
		}
		if (c->map.len >= MAP_INDEX_MIN)
			set_idx(ctx, c, build_index(&ctx->arena, c));
	} else if (n->type == IR_SEQ) {
		c->seq.cap = n->seq.len;
		c->seq.items = n->seq.len ? arena_alloc(&ctx->arena, n->seq.len * sizeof *c->seq.items) : NULL;
		for (uint32_t i = 0; i < n->seq.len; i++)
			c->seq.items[i] = clone(ctx, n->seq.items[i], file, arg);
	} else if (n->type == IR_STR || n->tag) {
		/* Strings from another context's table must be re-interned so
		 * that pointer equality keeps working within this one. */
		c->s.text = mc_intern(ctx, n->s.text->s, n->s.text->len);
		if (n->tag)
			c->tag = mc_intern(ctx, n->tag->s, n->tag->len);
	} else {
		c->s.text = mc_intern(ctx, n->s.text->s, n->s.text->len);
	}
	return c;
}

struct ir_node *ir_clone(struct mc_ctx *ctx, const struct ir_node *n)
{
	return clone(ctx, n, NULL, NULL);
}

struct ir_node *ir_clone_relocated(struct mc_ctx *ctx, const struct ir_node *n,
	const struct srcfile *(*file)(void *arg, const struct srcfile *f), void *arg)
{
	return clone(ctx, n, file, arg);
}

static bool num_equal(const struct ir_node *a, const struct ir_node *b)
{
	if (a->type == IR_INT && b->type == IR_INT) {
		if ((a->flags ^ b->flags) & IR_F_UINT)
			return false;
		return a->s.v.i == b->s.v.i;
	}
	double x = a->type == IR_FLOAT ? a->s.v.f
		: (a->flags & IR_F_UINT) ? (double)a->s.v.u : (double)a->s.v.i;
	double y = b->type == IR_FLOAT ? b->s.v.f
		: (b->flags & IR_F_UINT) ? (double)b->s.v.u : (double)b->s.v.i;
	return x == y;
}

const char *ir_json_kind(const struct ir_node *n)
{
	switch (n ? n->type : IR_NULL) {
	case IR_STR: return "string";
	case IR_BOOL: return "bool";
	case IR_INT:
	case IR_FLOAT: return "number";
	case IR_MAP: return "object";
	case IR_SEQ: return "array";
	default: return "null";
	}
}

bool ir_equal(const struct ir_node *a, const struct ir_node *b)
{
	if (ir_is_null(a) || ir_is_null(b))
		return ir_is_null(a) && ir_is_null(b);
	bool an = a->type == IR_INT || a->type == IR_FLOAT;
	bool bn = b->type == IR_INT || b->type == IR_FLOAT;
	if (an && bn)
		return num_equal(a, b);
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case IR_BOOL:
		return a->s.v.b == b->s.v.b;
	case IR_STR:
		return str_eq(a->s.text, b->s.text);
	case IR_SEQ:
		if (a->seq.len != b->seq.len)
			return false;
		for (uint32_t i = 0; i < a->seq.len; i++)
			if (!ir_equal(a->seq.items[i], b->seq.items[i]))
				return false;
		return true;
	case IR_MAP:
		if (a->map.len != b->map.len)
			return false;
		for (uint32_t i = 0; i < a->map.len; i++) {
			struct ir_pair *q = ir_map_find(b, a->map.items[i].key->s.text);
			if (!q || !ir_equal(a->map.items[i].value, q->value))
				return false;
		}
		return true;
	default:
		return false;
	}
}

size_t ir_count(const struct ir_node *n)
{
	if (!n)
		return 0;
	size_t c = 1;
	if (n->type == IR_MAP)
		for (uint32_t i = 0; i < n->map.len; i++)
			c += 1 + ir_count(n->map.items[i].value);
	else if (n->type == IR_SEQ)
		for (uint32_t i = 0; i < n->seq.len; i++)
			c += ir_count(n->seq.items[i]);
	return c;
}
