/*
 * appset_merge.c - the three ways ApplicationSets merge documents.
 *
 *   appset_merge_fill      mergo.Merge without override: a generator's
 *                          template over the ApplicationSet's (empty fields
 *                          are filled, maps unioned, the generator wins).
 *   appset_merge_override  mergo.Merge WithOverride on param maps (matrix and
 *                          merge in goTemplate mode): the source wins, even
 *                          with false or "", nested maps merge, lists are
 *                          replaced.
 *   appset_smp_application a Kubernetes strategic merge patch whose schema is
 *                          the Application type (templatePatch).
 *
 * The strategic merge patch here knows only what the Application schema
 * needs: no list in ApplicationSpec has a patch merge key, so lists are
 * replaced, except metadata.finalizers (a set of strings, patchStrategy
 * merge) and metadata.ownerReferences (merged by uid).  The $patch,
 * $deleteFromPrimitiveList and $setElementOrder directives are honoured.
 * (Kustomize needs the general engine, with OpenAPI merge keys; that one
 * lives with the kustomize passes.)
 */
#include <string.h>

#include "argocd.h"

/* mergo's isEmptyValue on the JSON data model. */
static bool empty_value(const struct ir_node *n)
{
	if (ir_is_null(n))
		return true;
	switch (n->type) {
	case IR_BOOL: return !n->s.v.b;
	case IR_INT: return (n->flags & IR_F_UINT) ? n->s.v.u == 0 : n->s.v.i == 0;
	case IR_FLOAT: return n->s.v.f == 0;
	case IR_STR: return n->s.text->len == 0;
	case IR_MAP: return n->map.len == 0;
	case IR_SEQ: return n->seq.len == 0;
	}
	return false;
}

void appset_merge_fill(struct mc_ctx *ctx, struct ir_node *dst, const struct ir_node *src)
{
	if (!ir_is_map(dst) || !ir_is_map(src))
		return;
	for (uint32_t i = 0; i < src->map.len; i++) {
		const struct ir_pair *p = &src->map.items[i];
		struct ir_pair *d = ir_map_find(dst, p->key->s.text);
		if (!d || empty_value(d->value)) {
			if (!ir_is_null(p->value))
				ir_map_set(ctx, dst, p->key->s.text, ir_clone(ctx, p->value));
		} else if (ir_is_map(d->value) && ir_is_map(p->value)) {
			appset_merge_fill(ctx, d->value, p->value);
		}
	}
}

void appset_merge_override(struct mc_ctx *ctx, struct ir_node *dst, const struct ir_node *src)
{
	if (!ir_is_map(dst) || !ir_is_map(src))
		return;
	for (uint32_t i = 0; i < src->map.len; i++) {
		const struct ir_pair *p = &src->map.items[i];
		struct ir_pair *d = ir_map_find(dst, p->key->s.text);
		if (d && ir_is_map(d->value) && d->value->map.len && ir_is_map(p->value))
			appset_merge_override(ctx, d->value, p->value);
		else
			ir_map_set(ctx, dst, p->key->s.text, ir_clone(ctx, p->value));
	}
}

/* ------------------------------------------------------------- SMP */

static bool key_is(const struct ir_pair *p, const char *k)
{
	return str_eqc(p->key->s.text, k);
}

static void merge_primitive_set(struct mc_ctx *ctx, struct ir_node *dst, const struct ir_node *patch)
{
	for (uint32_t i = 0; i < patch->seq.len; i++) {
		bool have = false;
		for (uint32_t j = 0; j < dst->seq.len && !have; j++)
			have = ir_equal(dst->seq.items[j], patch->seq.items[i]);
		if (!have)
			ir_seq_push(ctx, dst, ir_clone(ctx, patch->seq.items[i]));
	}
}

static int smp_map(struct mc_ctx *ctx, struct ir_node *dst, const struct ir_node *patch,
	const char *path, struct sbuf *err, int depth);

static void merge_by_key(struct mc_ctx *ctx, struct ir_node *dst, const struct ir_node *patch,
	const char *key, struct sbuf *err, int depth)
{
	for (uint32_t i = 0; i < patch->seq.len; i++) {
		const struct ir_node *pi = patch->seq.items[i];
		const struct ir_node *pk = ir_map_getc(pi, key);
		struct ir_node *match = NULL;
		uint32_t at = 0;
		for (uint32_t j = 0; pk && j < dst->seq.len && !match; j++)
			if (ir_equal(ir_map_getc(dst->seq.items[j], key), pk)) {
				match = dst->seq.items[j];
				at = j;
			}
		const char *directive = ir_cstr(ir_map_getc(pi, "$patch"));
		if (match && directive && !strcmp(directive, "delete")) {
			ir_seq_remove(dst, at);
		} else if (match && ir_is_map(match) && ir_is_map(pi)) {
			smp_map(ctx, match, pi, "", err, depth + 1);
		} else if (!match && !(directive && !strcmp(directive, "delete"))) {
			ir_seq_push(ctx, dst, ir_clone(ctx, pi));
		}
	}
}

static int smp_map(struct mc_ctx *ctx, struct ir_node *dst, const struct ir_node *patch,
	const char *path, struct sbuf *err, int depth)
{
	if (depth > YAML_MAX_DEPTH) {
		sbuf_adds(err, "patch nested too deeply");
		return 1;
	}
	const char *directive = ir_cstr(ir_map_getc(patch, "$patch"));
	if (directive && !strcmp(directive, "replace")) {
		dst->map.len = 0;
		ir_map_touched(dst);
	} else if (directive && strcmp(directive, "merge") && strcmp(directive, "delete")) {
		sbuf_printf(err, "Unknown patch type: %s in map", directive);
		return 1;
	}
	for (uint32_t i = 0; i < patch->map.len; i++) {
		const struct ir_pair *p = &patch->map.items[i];
		const char *k = p->key->s.text->s;
		if (k[0] == '$') {
			if (!strncmp(k, "$deleteFromPrimitiveList/", 25) && ir_is_seq(p->value)) {
				struct ir_node *list = ir_map_getc(dst, k + 25);
				for (uint32_t j = 0; ir_is_seq(list) && j < list->seq.len;) {
					bool del = false;
					for (uint32_t d = 0; d < p->value->seq.len && !del; d++)
						del = ir_equal(list->seq.items[j], p->value->seq.items[d]);
					if (del)
						ir_seq_remove(list, j);
					else
						j++;
				}
			}
			continue;
		}
		struct ir_pair *d = ir_map_find(dst, p->key->s.text);
		if (ir_is_null(p->value)) {
			if (d)
				ir_map_del(dst, p->key->s.text);
			continue;
		}
		bool finalizers = !strcmp(path, "metadata") && key_is(p, "finalizers");
		bool owners = !strcmp(path, "metadata") && key_is(p, "ownerReferences");
		if (d && ir_is_map(d->value) && ir_is_map(p->value)) {
			const char *sub = ir_cstr(ir_map_getc(p->value, "$patch"));
			if (sub && !strcmp(sub, "delete")) {
				ir_map_del(dst, p->key->s.text);
				continue;
			}
			if (smp_map(ctx, d->value, p->value, depth == 0 ? k : "", err, depth + 1))
				return 1;
		} else if (d && ir_is_seq(d->value) && ir_is_seq(p->value) && finalizers) {
			merge_primitive_set(ctx, d->value, p->value);
		} else if (d && ir_is_seq(d->value) && ir_is_seq(p->value) && owners) {
			merge_by_key(ctx, d->value, p->value, "uid", err, depth);
		} else if (ir_is_map(p->value)) {
			struct ir_node *m = ir_map(ctx, &p->value->pos);
			if (smp_map(ctx, m, p->value, depth == 0 ? k : "", err, depth + 1))
				return 1;
			const char *sub = ir_cstr(ir_map_getc(p->value, "$patch"));
			if (!(sub && !strcmp(sub, "delete")))
				ir_map_set(ctx, dst, p->key->s.text, m);
		} else {
			ir_map_set(ctx, dst, p->key->s.text, ir_clone(ctx, p->value));
		}
	}
	return 0;
}

int appset_smp_application(struct mc_ctx *ctx, struct ir_node *dst, const struct ir_node *patch,
	struct sbuf *err)
{
	if (ir_is_null(patch))
		return 0;
	if (!ir_is_map(patch) || !ir_is_map(dst)) {
		sbuf_adds(err, "a strategic merge patch must be a map");
		return 1;
	}
	return smp_map(ctx, dst, patch, "", err, 0);
}
