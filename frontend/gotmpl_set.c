/*
 * gotmpl_set.c - template sets: the define namespace and the function map.
 *
 * A set maps names to parsed trees and to functions, both keyed by strings
 * interned in the set's context so that a lookup is one hash probe.  An
 * overlay set (Helm's tpl, which clones the template set) starts empty and
 * falls back to its parent for anything it does not define, so "cloning"
 * costs nothing and never changes the parent.
 */
#include <stdlib.h>
#include <string.h>

#include "gotmpl_impl.h"

/* ---- string-keyed tables (open addressing) ---- */

const void *gt_table_get(const struct gt_table *t, const struct str *key, bool *found)
{
	*found = false;
	if (!t->cap)
		return NULL;
	uint32_t mask = t->cap - 1;
	for (uint32_t i = (uint32_t)key->hash & mask;; i = (i + 1) & mask) {
		const struct gt_slot *s = &t->slots[i];
		if (!s->key)
			return NULL;
		if (str_eq(s->key, key)) {
			*found = true;
			return s->val;
		}
	}
}

static void table_insert(struct gt_slot *slots, uint32_t cap, const struct str *key, const void *val)
{
	uint32_t mask = cap - 1;
	for (uint32_t i = (uint32_t)key->hash & mask;; i = (i + 1) & mask) {
		if (!slots[i].key || str_eq(slots[i].key, key)) {
			slots[i].key = key;
			slots[i].val = val;
			return;
		}
	}
}

void gt_table_put(struct arena *a, struct gt_table *t, const struct str *key, const void *val)
{
	bool found;
	gt_table_get(t, key, &found);
	if (!found && (t->len + 1) * 4 > t->cap * 3) {
		uint32_t nc = t->cap ? t->cap * 2 : 32;
		struct gt_slot *ns = arena_calloc(a, nc, sizeof *ns);
		for (uint32_t i = 0; i < t->cap; i++)
			if (t->slots[i].key)
				table_insert(ns, nc, t->slots[i].key, t->slots[i].val);
		t->slots = ns;
		t->cap = nc;
	}
	if (!found)
		t->len++;
	table_insert(t->slots, t->cap, key, val);
}

/* ---- sets ---- */

struct gt_set *gt_set_new(struct mc_ctx *ctx, enum gt_funcset base)
{
	struct gt_set *s = arena_calloc(&ctx->arena, 1, sizeof *s);
	s->ctx = ctx;
	s->arena = &ctx->arena;
	s->helm_major = 3;
	s->s_dollar = str_intern0(&ctx->strs, "$");
	gt_set_add_funcs(s, gt_builtin_funcs, gt_builtin_nfuncs);
	if (base != GT_FUNCS_GO)
		gt_sprig_register(s, base);
	if (base == GT_FUNCS_HELM)
		gt_helm_register(s);
	return s;
}

struct gt_set *gt_set_overlay(struct gt_set *parent, struct arena *a)
{
	struct gt_set *s = arena_calloc(a ? a : parent->arena, 1, sizeof *s);
	s->ctx = parent->ctx;
	s->arena = a ? a : parent->arena;
	s->parent = parent;
	s->clock = parent->clock;
	s->clock_set = parent->clock_set;
	s->seed = parent->seed;
	s->seed_set = parent->seed_set;
	s->helm_major = parent->helm_major;
	s->name = parent->name;
	s->text_hash = parent->text_hash;
	s->s_dollar = parent->s_dollar;
	return s;
}

struct mc_ctx *gt_set_ctx(const struct gt_set *s)
{
	return s->ctx;
}

void gt_set_name(struct gt_set *s, const char *name)
{
	s->name = name;
}

void gt_set_helm_major(struct gt_set *s, int major)
{
	bool had = s->helm_major >= 4;
	s->helm_major = major;
	if (!had && major >= 4 && gt_set_lookup_func(s, str_intern0(&s->ctx->strs, "toYaml")))
		gt_helm_register(s); /* adds the Helm 4 names */
}

void gt_set_clock(struct gt_set *s, int64_t unix_seconds)
{
	s->clock = unix_seconds;
	s->clock_set = true;
}

void gt_set_seed(struct gt_set *s, uint64_t seed)
{
	s->seed = seed;
	s->seed_set = true;
}

void gt_set_add_funcs(struct gt_set *s, const struct gt_func *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		gt_table_put(s->arena, &s->funcs, str_intern0(&s->ctx->strs, f[i].name), &f[i]);
}

void gt_set_remove_func(struct gt_set *s, const char *name)
{
	gt_table_put(s->arena, &s->funcs, str_intern0(&s->ctx->strs, name), NULL);
}

const struct gt_func *gt_set_lookup_func(const struct gt_set *s, const struct str *name)
{
	for (; s; s = s->parent) {
		bool found;
		const void *v = gt_table_get(&s->funcs, name, &found);
		if (found)
			return v;
	}
	return NULL;
}

const struct gt_func *gt_set_func(const struct gt_set *s, const char *name)
{
	return gt_set_lookup_func(s, str_intern0(&s->ctx->strs, name));
}

const struct gt_tree *gt_set_lookup(const struct gt_set *s, const struct str *name)
{
	for (; s; s = s->parent) {
		bool found;
		const void *v = gt_table_get(&s->tmpls, name, &found);
		if (found)
			return v;
	}
	return NULL;
}

/* template.associate: an empty body never replaces a defined one. */
void gt_set_put_tree(struct gt_set *s, struct gt_tree *t)
{
	const struct gt_tree *old = gt_set_lookup(s, t->name);
	if (old && old->root && gt_is_empty_tree(t->root))
		return;
	gt_table_put(s->arena, &s->tmpls, t->name, t);
}

bool gt_defined(const struct gt_set *s, const char *name)
{
	const struct gt_tree *t = gt_set_lookup(s, str_intern0(&s->ctx->strs, name));
	return t && t->root;
}

static int cmp_names(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	return strcmp(x, y);
}

const char **gt_template_names(const struct gt_set *s, struct arena *a, size_t *n)
{
	const char **v = arena_alloc(a, (s->tmpls.len + 1) * sizeof *v);
	size_t k = 0;
	for (uint32_t i = 0; i < s->tmpls.cap; i++)
		if (s->tmpls.slots[i].key && s->tmpls.slots[i].val)
			v[k++] = s->tmpls.slots[i].key->s;
	qsort(v, k, sizeof *v, cmp_names);
	*n = k;
	return v;
}

int gt_error_diag(struct mc_ctx *ctx, const struct gt_error *err)
{
	return diag_error(&ctx->diag, &err->pos, "%s", err->msg ? err->msg : "template error");
}
