/*
 * kust_origin.c - what happens after each transformer: provenance
 * annotations (buildMetadata) and dropping emptied resources.
 *
 * With buildMetadata set, kustomize tracks where things come from while it
 * builds: resources read from files carry `config.kubernetes.io/origin`,
 * and after every transformer that ran, each resource either gets that
 * transformer as its origin (when it had none) or has it appended to
 * `alpha.config.kubernetes.io/transformations`.  The finish pass keeps
 * these annotations only when buildMetadata asks for them.  After every
 * transformer, resources a patch emptied are dropped (DropEmpties).
 */
#include <string.h>

#include "mc/backend.h"
#include "mc/passes.h"

static const char *const origin_key = "config.kubernetes.io/origin";

const char *kust_origin_quote(struct mc_ctx *ctx, const char *s)
{
	/* Origin.String() marshals with go-yaml: a value that would read as
	 * something else (n, yes, 1.5, "a: b") is double-quoted. */
	size_t n = strlen(s);
	if (n && emit_plain_ok(s, n))
		return s;
	struct sbuf b = SBUF_INIT;
	emit_json_string(&b, s, n);
	const char *r = arena_strndup(&ctx->arena, b.buf, b.len);
	sbuf_release(&b);
	return r;
}
static const char *const transformations_key = "alpha.config.kubernetes.io/transformations";

static void drop_empties(struct ir_module *m, struct kust *k)
{
	size_t kept = 0;
	for (size_t i = 0; i < m->res.len; i++) {
		struct ir_node *b = m->res.items[i]->body;
		if (ir_is_null(b) || (ir_is_map(b) && !b->map.len))
			continue;
		m->res.items[kept++] = m->res.items[i];
	}
	if (kept != m->res.len) {
		m->res.len = kept;
		ir_reslist_touched(&m->res);
		kust_acc_touched(k);
	}
}

/* Indent an origin's YAML as a sequence item. */
static void as_item(struct sbuf *out, const char *origin)
{
	bool first = true;
	for (const char *p = origin; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		sbuf_adds(out, first ? "- " : "  ");
		sbuf_add(out, p, n);
		sbuf_addc(out, '\n');
		first = false;
		p += n + (nl ? 1 : 0);
	}
}

static void annotate(struct ir_module *m, const char *origin)
{
	struct mc_ctx *ctx = m->ctx;
	for (size_t i = 0; i < m->res.len; i++) {
		struct ir_node *body = m->res.items[i]->body;
		struct ir_node *ann = ir_path(body, "metadata/annotations");
		/* SetOrigin / AddTransformation write every annotation back as a
		 * string (SetAnnotations): `n: +12` is the string "+12" from now
		 * on, whatever a later JSON patch does. */
		if (!ir_map_getc(ann, origin_key)) {
			kust_set_annotation(ctx, body, origin_key, origin);
			kust_set_annotations_strings(ctx, body, NULL);
			continue;
		}
		struct sbuf sb = SBUF_INIT;
		const char *old = ir_cstr(ir_map_getc(ann, transformations_key));
		if (old)
			sbuf_adds(&sb, old);
		as_item(&sb, origin);
		kust_set_annotation(ctx, body, transformations_key, sb.buf);
		kust_set_annotations_strings(ctx, body, NULL);
		sbuf_release(&sb);
	}
}

void kust_after_plugin(struct ir_module *m, struct kust *k, const char *origin)
{
	if (origin && k->origin_path)
		annotate(m, origin);
	drop_empties(m, k);
}

void kust_after_transformer(struct ir_module *m, struct kust *k, const char *plugin_kind)
{
	const char *origin = NULL;
	if (k->origin_path) {
		const char *kf = k->file ? strrchr(k->file->path, '/') : NULL;
		kf = kf ? kf + 1 : (k->file ? k->file->path : "kustomization.yaml");
		const char *in = *k->origin_path
			? arena_printf(&m->ctx->arena, "%s/%s", k->origin_path, kf) : kf;
		origin = arena_printf(&m->ctx->arena,
			"configuredIn: %s\nconfiguredBy:\n  apiVersion: builtin\n  kind: %s\n",
			kust_origin_quote(m->ctx, in), plugin_kind);
	}
	kust_after_plugin(m, k, origin);
}
