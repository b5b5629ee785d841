/*
 * kust_finish.c - what `kustomize build` does at the top after the
 * accumulation: dropping local configs, the managed-by label, and the
 * clean-up of annotations.
 *
 * Resources annotated `config.kubernetes.io/local-config` (with any value
 * but "false") are dropped.  The managed-by label (--enable-managedby-label
 * or buildMetadata: [managedByLabel]) goes into metadata.labels of every
 * resource.  Then kustomize removes its build annotations and, unless
 * buildMetadata keeps them, the origin and transformation annotations; it
 * does so by reading the annotations as a map of strings (a scalar keeps
 * its source text, a collection becomes "") and writing them back, so
 * `happy: true` comes out as `happy: "true"`, and an annotations map left
 * empty disappears (kust_set_annotations_strings).
 */
#include <string.h>

#include "mc/passes.h"

/* GetValidatedMetadata, which IgnoreLocal runs on every resource: a
 * transformer (a replacement, a patch) may have left a kind or a name that
 * is not a non-empty scalar. */
static const char *invalid_meta(struct mc_ctx *ctx, const struct ir_node *body)
{
	const struct ir_node *kind = ir_map_get(body, ctx->s_kind);
	const struct str *k = ir_is_scalar(kind) && kind->type != IR_NULL ? kind->s.text : NULL;
	if (!k || !k->len)
		return "missing kind in object";
	if (k->len >= 4 && !memcmp(k->s + k->len - 4, "List", 4))
		return NULL;
	const struct ir_node *name = ir_path(body, "metadata/name");
	const struct str *n = ir_is_scalar(name) && name->type != IR_NULL ? name->s.text : NULL;
	if (!n || !n->len)
		return "missing metadata.name in object";
	return NULL;
}

static size_t csv_items(const struct str *s)
{
	size_t n = s->len ? 1 : 0;
	for (size_t i = 0; i < s->len; i++)
		n += s->s[i] == ',';
	return n;
}

/* kustomize keeps previous ids as three comma-separated annotations and
 * skips empty values when it appends: an empty name or kind (a replacement
 * put a map there) or a comma in one makes the lists differ, and reading
 * them (PrevIds, on the way out at the latest) panics.  Without any
 * previous name there is nothing to read. */
static bool prev_ids_misaligned(const struct kust_res *x)
{
	size_t nn = 0, ns = 0, nk = 0;
	for (size_t i = 0; i < x->prev.len; i++) {
		nn += csv_items(x->prev.items[i].name);
		ns += csv_items(x->prev.items[i].ns);
		nk += csv_items(x->prev.items[i].kind);
	}
	return nn && (nn != ns || nn != nk);
}

int kust_pass_local_config(struct ir_module *m)
{
	size_t kept = 0;
	for (size_t i = 0; i < m->res.len; i++) {
		const struct kust_res *x = m->res.items[i]->ext;
		if (x && prev_ids_misaligned(x)) {
			const struct ir_node *name = ir_path(m->res.items[i]->body, "metadata/name");
			return diag_error(&m->ctx->diag, name ? &name->pos : &m->res.items[i]->origin,
				"number of previous names, number of previous namespaces, number of "
				"previous kinds not equal (in %s)", kust_id_str(m->ctx, &m->res.items[i]->id));
		}
	}
	for (size_t i = 0; i < m->res.len; i++) {
		const struct ir_node *body = m->res.items[i]->body;
		const char *bad = invalid_meta(m->ctx, body);
		if (bad) {
			/* Point at the value a transformer left (it keeps the
			 * position of the entry that wrote it). */
			const struct ir_node *at = bad[8] == 'k' ? ir_map_get(body, m->ctx->s_kind)
				: ir_path(body, "metadata/name");
			return diag_error(&m->ctx->diag, at ? &at->pos : &body->pos, "%s %s", bad,
				kust_id_str(m->ctx, &m->res.items[i]->id));
		}
	}
	for (size_t i = 0; i < m->res.len; i++) {
		const struct ir_node *ann = ir_path(m->res.items[i]->body, "metadata/annotations");
		const struct ir_node *v = ir_map_getc(ann, "config.kubernetes.io/local-config");
		if (v && !(ir_is_scalar(v) && v->type != IR_NULL && str_eqc(v->s.text, "false")))
			continue;
		m->res.items[kept++] = m->res.items[i];
	}
	if (kept != m->res.len) {
		m->res.len = kept;
		ir_reslist_touched(&m->res);
		kust_acc_touched(m->unit);
	}
	/* FromResourceSlice appends what is left: ids must still be unique
	 * (a patch may have renamed two resources alike). */
	return kust_acc_check_unique(m, m->unit, NULL);
}

static void clean_annotations(struct mc_ctx *ctx, struct ir_resource *r, bool keep_origin,
	bool keep_transformations)
{
	struct ir_node *body = r->body;
	struct ir_node *md = ir_map_get(body, ctx->s_metadata);
	struct ir_pair *p = ir_map_find(md, ctx->s_annotations);
	if (!p)
		return;
	struct ir_node *ann = p->value;
	if (!ir_is_map(ann)) {
		if (!keep_origin || !keep_transformations)
			ir_map_del(md, ctx->s_annotations);
		return;
	}
	/* RemoveBuildAnnotations: the map holds the build state too (kept
	 * apart here), and a map that was not empty is written back. */
	bool rewrite = ann->map.len || kust_buildann_any(r);
	uint32_t w = 0;
	for (uint32_t i = 0; i < ann->map.len; i++)
		if (!kust_is_build_annotation(ann->map.items[i].key->s.text))
			ann->map.items[w++] = ann->map.items[i];
	if (w != ann->map.len) {
		ann->map.len = w;
		ir_map_touched(ann);
	}
	if (!keep_origin)
		ir_map_delc(ann, "config.kubernetes.io/origin");
	if (!keep_transformations)
		ir_map_delc(ann, "alpha.config.kubernetes.io/transformations");
	if (!keep_origin || !keep_transformations)
		rewrite = true;
	if (rewrite)
		kust_set_annotations_strings(ctx, body, NULL);
}

/* A key written plain (or made by a transformer) that reads back as a
 * number, bool, null or time makes Go's JSON encoding of the resource fail
 * below the top level, which fails kustomize's output. */
static const struct ir_node *bad_key(const struct ir_node *n, int depth)
{
	if (depth > 512)
		return NULL;
	if (ir_is_seq(n)) {
		for (uint32_t i = 0; i < n->seq.len; i++) {
			const struct ir_node *b = bad_key(n->seq.items[i], depth + 1);
			if (b)
				return b;
		}
	} else if (ir_is_map(n)) {
		for (uint32_t i = 0; i < n->map.len; i++) {
			const struct ir_node *k = n->map.items[i].key;
			if (depth > 0 && !k->tag &&
			    (k->style == IR_STYLE_PLAIN || k->style == IR_STYLE_ANY)) {
				struct ir_node r;
				memset(&r, 0, sizeof r);
				if (yaml_resolve(YAML_V3, k->s.text->s, k->s.text->len, &r) != IR_STR ||
				    (r.flags & IR_F_TIMESTAMP))
					return k;
			}
			const struct ir_node *b = bad_key(n->map.items[i].value, depth + 1);
			if (b)
				return b;
		}
	}
	return NULL;
}

int kust_pass_finish(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	bool managed = k->opts->managed_by_label || k->managed_by_label;
	for (size_t i = 0; i < m->res.len; i++) {
		struct ir_node *body = m->res.items[i]->body;
		if (managed) {
			struct ir_node *md = ir_map_child(ctx, body, "metadata");
			struct ir_node *labels = ir_map_get(md, ctx->s_labels);
			if (!ir_is_map(labels))
				labels = ir_map_setc(ctx, md, "labels", ir_map(ctx, &md->pos));
			const struct str *key = mc_intern0(ctx, "app.kubernetes.io/managed-by");
			kust_set_entry(labels, ir_map_find(labels, key), ctx, key,
				ir_str0(ctx, "kustomize-(devel)", &body->pos));
		}
		clean_annotations(ctx, m->res.items[i], k->origin_annotations, k->transformer_annotations);
		const struct ir_node *undec = kust_undecodable(body, 0);
		if (undec) {
			struct sbuf msg = SBUF_INIT;
			kust_undecodable_msg(undec, &msg);
			int e = diag_error(&ctx->diag, &undec->pos, "%s", msg.buf);
			sbuf_release(&msg);
			return e;
		}
		const struct ir_node *bad = bad_key(body, 0);
		if (bad)
			return diag_error(&ctx->diag, &bad->pos,
				"the key '%s' of %s is not a string once written as YAML: "
				"json: unsupported type: map[interface {}]interface {}", bad->s.text->s,
				kust_id_str(ctx, &m->res.items[i]->id));
	}
	return 0;
}
