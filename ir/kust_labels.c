/*
 * kust_labels.c - labels, commonLabels and commonAnnotations
 * (LabelTransformer, AnnotationsTransformer).
 *
 * A map of string pairs is set at every field spec's path, maps being
 * created where the spec allows.  Which specs apply is decided as
 * kustomize's configurator decides: commonLabels use the commonLabels specs
 * (metadata, selectors and pod templates); each `labels` entry uses its own
 * `fields` plus the configuration's `labels` specs, plus the commonLabels
 * specs with includeSelectors, or else the template specs with
 * includeTemplates and metadata/labels.
 */
#include <string.h>

#include "mc/passes.h"

struct pairs {
	const struct ir_node *map; /* string values */
	struct ir_node **shared;   /* per key: the node this resource's new entries share */
};

void kust_set_entry(struct ir_node *map, struct ir_pair *existing, struct mc_ctx *ctx,
	const struct str *key, struct ir_node *shared)
{
	if (existing) {
		/* FieldSetter on an existing field: the node is overwritten in
		 * place (every alias of it sees the new value). */
		*existing->value = *shared;
		return;
	}
	ir_map_append(ctx, map, ir_strs(ctx, key, &shared->pos), shared);
}

static int set_pairs(struct kust_fs_visit *v, struct ir_node **slot)
{
	const struct pairs *p = v->arg;
	struct ir_node *n = *slot;
	if (ir_is_null(n)) {
		/* kustomize sets fields on a null node as on an empty map */
		*slot = n = ir_map(v->ctx, n ? &n->pos : v->at);
	}
	if (!ir_is_map(n))
		return diag_error(&v->ctx->diag, v->at,
			"wrong node kind: expected a map at a label or annotation field of %s",
			kust_id_str(v->ctx, &v->res->id));
	for (uint32_t i = 0; i < p->map->map.len; i++) {
		const struct ir_pair *kv = &p->map->map.items[i];
		/* kustomize's SetEntry makes one node per resource and key and
		 * puts that same node into every field it creates: the label in
		 * metadata, selectors and templates is one node, and a later
		 * in-place change of one (a patch, a replacement, another label
		 * transformer) shows in all of them. */
		if (!p->shared[i])
			p->shared[i] = ir_strs(v->ctx, ir_text(kv->value) ? ir_text(kv->value)
				: v->ctx->s_empty, &kv->value->pos);
		kust_set_entry(n, ir_map_find(n, kv->key->s.text), v->ctx, kv->key->s.text,
			p->shared[i]);
	}
	return 0;
}

/* Apply a map of pairs through specs to every resource. */
int kust_pairs_apply(struct ir_module *m, struct kust *k, const struct ir_node *pairs,
	const struct kust_fslist *specs, const struct srcpos *at)
{
	(void)k;
	if (!ir_is_map(pairs) || !pairs->map.len)
		return 0;
	struct pairs p = { pairs, arena_calloc(&m->ctx->arena, pairs->map.len, sizeof *p.shared) };
	int errors = 0;
	for (size_t i = 0; i < m->res.len && !errors; i++) {
		struct ir_resource *r = m->res.items[i];
		memset(p.shared, 0, pairs->map.len * sizeof *p.shared);
		struct kust_fs_visit v = { m->ctx, set_pairs, IR_MAP, &p, at, r };
		for (size_t j = 0; j < specs->len && !errors; j++)
			errors += kust_fs_apply(&v, &specs->items[j], &r->body);
	}
	return errors;
}

static int merge_all(struct mc_ctx *ctx, struct kust_fslist *into, const struct kust_fslist *from,
	const struct srcpos *at)
{
	int errors = 0;
	for (size_t i = 0; i < from->len; i++)
		errors += kust_fs_merge(ctx, into, &from->items[i], at);
	return errors;
}

static bool flag(const struct ir_node *map, const char *key)
{
	const struct ir_node *b = ir_map_getc(map, key);
	return b && b->type == IR_BOOL && b->s.v.b;
}

int kust_pass_labels(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	const struct ir_node *labels = ir_map_getc(k->doc, "labels");
	const struct ir_node *common = ir_map_getc(k->doc, "commonLabels");
	bool have_labels = ir_is_seq(labels) && labels->seq.len;
	bool have_common = ir_is_map(common) && common->map.len;
	if (!have_labels && !have_common)
		return 0;
	const struct kust_tconfig *tc = &k->acc->tc;
	int errors = 0;
	for (uint32_t i = 0; have_labels && i < labels->seq.len && !errors; i++) {
		const struct ir_node *l = labels->seq.items[i];
		const struct srcpos *at = &l->pos;
		struct kust_fslist fss = { 0 };
		errors += kust_fs_parse_list(ctx, ir_map_getc(l, "fields"), &fss, true);
		errors += merge_all(ctx, &fss, &tc->fs[KUST_FS_LABELS], at);
		if (flag(l, "includeSelectors")) {
			errors += merge_all(ctx, &fss, &tc->fs[KUST_FS_COMMON_LABELS], at);
		} else {
			if (flag(l, "includeTemplates"))
				errors += merge_all(ctx, &fss, &tc->fs[KUST_FS_TEMPLATE_LABELS], at);
			struct kust_fs md;
			kust_fs_init(ctx, &md, NULL, NULL, NULL, "metadata/labels", true);
			errors += kust_fs_merge(ctx, &fss, &md, at);
		}
		if (errors)
			break;
		errors += kust_pairs_apply(m, k, ir_map_getc(l, "pairs"), &fss, at);
		if (!errors)
			kust_after_transformer(m, k, "LabelTransformer");
	}
	if (!errors) {
		errors += kust_pairs_apply(m, k, common, &tc->fs[KUST_FS_COMMON_LABELS],
			common ? &common->pos : NULL);
		if (!errors)
			kust_after_transformer(m, k, "LabelTransformer");
	}
	return errors;
}

int kust_pass_annotations(struct ir_module *m)
{
	struct kust *k = m->unit;
	const struct ir_node *ann = ir_map_getc(k->doc, "commonAnnotations");
	if (!ir_is_map(ann) || !ann->map.len)
		return 0;
	int errors = kust_pairs_apply(m, k, ann, &k->acc->tc.fs[KUST_FS_COMMON_ANNOTATIONS], &ann->pos);
	if (!errors)
		kust_after_transformer(m, k, "AnnotationsTransformer");
	return errors;
}
