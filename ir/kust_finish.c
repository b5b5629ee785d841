/*
 * kust_finish.c - what `kustomize build` does after sorting, at the top only.
 *
 * The managed-by label (--enable-managedby-label or buildMetadata:
 * [managedByLabel]) goes into metadata.labels of every resource, and the
 * annotations are rewritten as kustomize's RemoveBuildAnnotations does: it
 * reads them as a map of strings (a scalar keeps its source text, a
 * collection becomes "") and writes them back, so `happy: true` comes out
 * as `happy: "true"`.
 */
#include <string.h>

#include "mc/passes.h"

static void stringify_annotations(struct mc_ctx *ctx, struct ir_node *body)
{
	struct ir_node *md = ir_map_get(body, ctx->s_metadata);
	struct ir_node *ann = ir_map_get(md, ctx->s_annotations);
	if (!ir_is_map(ann) || !ann->map.len)
		return;
	for (uint32_t i = 0; i < ann->map.len; i++) {
		struct ir_node *v = ann->map.items[i].value;
		if (ir_is_str(v) && !(v->flags & IR_F_TIMESTAMP))
			continue;
		const struct str *text = ir_is_scalar(v) ? v->s.text : ctx->s_empty;
		ann->map.items[i].value = ir_strs(ctx, text, v ? &v->pos : &ann->pos);
	}
}

static bool wants_managed_by(const struct kust *k)
{
	if (k->opts->managed_by_label)
		return true;
	const struct ir_node *bm = ir_map_getc(k->doc, "buildMetadata");
	for (uint32_t i = 0; ir_is_seq(bm) && i < bm->seq.len; i++)
		if (ir_is_str(bm->seq.items[i]) && str_eqc(bm->seq.items[i]->s.text, "managedByLabel"))
			return true;
	return false;
}

int kust_pass_finish(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	if (k->role != KUST_TOP)
		return 0;
	bool managed = wants_managed_by(k);
	for (size_t i = 0; i < m->res.len; i++) {
		struct ir_node *body = m->res.items[i]->body;
		if (managed) {
			struct ir_node *md = ir_map_child(ctx, body, "metadata");
			struct ir_node *labels = ir_map_child(ctx, md, "labels");
			ir_map_setc(ctx, labels, "app.kubernetes.io/managed-by",
				ir_str0(ctx, "kustomize-(devel)", &body->pos));
		}
		stringify_annotations(ctx, body);
	}
	return 0;
}
