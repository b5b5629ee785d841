/*
 * resource.c - resources and resource lists indexed by identity.
 *
 * A resource's identity is cached from its body, so sorting and lookups
 * never walk the tree.  The list index is an open-addressing table of list
 * positions keyed by the XXH3-combined hashes of the five identity strings;
 * it is rebuilt (O(n)) on the first lookup after a change, which keeps every
 * pass that looks resources up by id linear overall.
 */
#include <string.h>

#include "mc/ir.h"

struct ir_residx {
	size_t cap;
	uint32_t slots[]; /* list position + 1, 0 = empty */
};

void ir_split_apiversion(struct mc_ctx *ctx, const struct str *api,
	const struct str **group, const struct str **version)
{
	if (!api || !api->len) {
		*group = *version = ctx->s_empty;
		return;
	}
	const char *slash = memchr(api->s, '/', api->len);
	if (!slash) {
		*group = ctx->s_empty;
		*version = api;
		return;
	}
	size_t gl = (size_t)(slash - api->s);
	*group = mc_intern(ctx, api->s, gl);
	*version = mc_intern(ctx, slash + 1, api->len - gl - 1);
}

struct ir_resource *ir_resource_new(struct mc_ctx *ctx, struct ir_node *body,
	const struct srcpos *origin)
{
	struct ir_resource *r = arena_calloc(&ctx->arena, 1, sizeof *r);
	r->body = body;
	if (origin)
		r->origin = *origin;
	else if (body)
		r->origin = body->pos;
	ir_resource_sync(ctx, r);
	return r;
}

static const struct str *str_or_empty(struct mc_ctx *ctx, const struct ir_node *n)
{
	if (ir_is_scalar(n) && n->type != IR_NULL)
		return n->s.text;
	return ctx->s_empty;
}

void ir_resource_sync(struct mc_ctx *ctx, struct ir_resource *r)
{
	const struct ir_node *b = r->body;
	const struct ir_node *md = ir_map_get(b, ctx->s_metadata);
	const struct str *api = str_or_empty(ctx, ir_map_get(b, ctx->s_apiVersion));
	ir_split_apiversion(ctx, api, &r->id.group, &r->id.version);
	r->id.kind = str_or_empty(ctx, ir_map_get(b, ctx->s_kind));
	r->id.ns = str_or_empty(ctx, ir_map_get(md, ctx->s_namespace));
	r->id.name = str_or_empty(ctx, ir_map_get(md, ctx->s_name));
}

bool ir_resid_eq(const struct ir_resid *a, const struct ir_resid *b)
{
	return str_eq(a->kind, b->kind) && str_eq(a->name, b->name) &&
		str_eq(a->ns, b->ns) && str_eq(a->group, b->group) &&
		str_eq(a->version, b->version);
}

uint64_t ir_resid_hash(const struct ir_resid *id)
{
	uint64_t h = id->group->hash;
	h = h * 0x9e3779b97f4a7c15ULL ^ id->version->hash;
	h = h * 0x9e3779b97f4a7c15ULL ^ id->kind->hash;
	h = h * 0x9e3779b97f4a7c15ULL ^ id->ns->hash;
	h = h * 0x9e3779b97f4a7c15ULL ^ id->name->hash;
	return h ^ (h >> 29);
}

const char *ir_resid_fmt(struct mc_ctx *ctx, const struct ir_resid *id)
{
	return arena_printf(&ctx->arena, "%s%s%s/%s %s%s%s", id->group->s,
		id->group->len ? "/" : "", id->version->s, id->kind->s,
		id->ns->s, id->ns->len ? "/" : "", id->name->s);
}

static void idx_insert(struct ir_residx *ix, const struct ir_resid *id, size_t pos)
{
	size_t j = ir_resid_hash(id) & (ix->cap - 1);
	while (ix->slots[j])
		j = (j + 1) & (ix->cap - 1);
	ix->slots[j] = (uint32_t)(pos + 1);
}

static void build(struct mc_ctx *ctx, struct ir_reslist *l);

void ir_reslist_push(struct mc_ctx *ctx, struct ir_reslist *l, struct ir_resource *r)
{
	if (l->len == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		l->items = arena_grow(&ctx->arena, l->items, l->cap * sizeof *l->items,
			nc * sizeof *l->items);
		l->cap = nc;
	}
	l->items[l->len++] = r;
	/* Keep an existing index current: appending never moves earlier
	 * entries, so the first-of-equal-ids rule still holds. */
	if (l->idx) {
		if (l->len * 2 > l->idx->cap)
			build(ctx, l);
		else
			idx_insert(l->idx, &r->id, l->len - 1);
	}
}

void ir_reslist_remove(struct ir_reslist *l, size_t at)
{
	if (at >= l->len)
		return;
	memmove(l->items + at, l->items + at + 1, (l->len - at - 1) * sizeof *l->items);
	l->len--;
	l->idx = NULL;
}

void ir_reslist_touched(struct ir_reslist *l)
{
	l->idx = NULL;
}

static void build(struct mc_ctx *ctx, struct ir_reslist *l)
{
	size_t cap = 64;
	while (cap < l->len * 4)
		cap *= 2;
	struct ir_residx *ix = arena_calloc(&ctx->arena, 1, sizeof *ix + cap * sizeof(uint32_t));
	ix->cap = cap;
	/* Inserted in list order: with linear probing the first of several
	 * equal ids sits earliest on their probe path, so lookups find it. */
	for (size_t i = 0; i < l->len; i++)
		idx_insert(ix, &l->items[i]->id, i);
	l->idx = ix;
}

struct ir_resource *ir_reslist_find(struct mc_ctx *ctx, struct ir_reslist *l,
	const struct ir_resid *id)
{
	if (!l->len)
		return NULL;
	if (!l->idx)
		build(ctx, l);
	size_t cap = l->idx->cap;
	size_t j = ir_resid_hash(id) & (cap - 1);
	for (;;) {
		uint32_t s = l->idx->slots[j];
		if (!s)
			return NULL;
		struct ir_resource *r = l->items[s - 1];
		if (ir_resid_eq(&r->id, id))
			return r; /* insertion order: the first equal id probes first */
		j = (j + 1) & (cap - 1);
	}
}
