/*
 * helm-conformance.c - the program behind the gotemplate runner's optional
 * Helm modes (../shared/conformance/gotemplate/README.md):
 *
 *   helm-conformance coalesce CASE.json   prints the coalesced values as JSON
 *   helm-conformance engine CASE.json     prints {output path: rendered text}
 *
 * A case describes a chart tree in JSON (name, version, values, templates,
 * files, dependencies) instead of files on disk; this program builds the
 * same struct helm_chart the loader builds and runs the frontend's own
 * coalescing and rendering on it, so the cases test the real code paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc/backend.h"
#include "mc/frontend.h"
#include "mc/helm.h"

static struct helm_chart *build_chart(struct mc_ctx *ctx, struct ir_node *j, struct helm_chart *parent)
{
	struct arena *a = &ctx->arena;
	struct helm_chart *c = arena_calloc(a, 1, sizeof *c);
	const char *s;
	c->meta.name = (s = ir_path_cstr(j, "name")) ? s : "";
	c->meta.version = (s = ir_path_cstr(j, "version")) ? s : "0.1.0";
	c->meta.api_version = "v2";
	c->meta.type = (s = ir_path_cstr(j, "type")) ? s : "";
	c->meta.home = c->meta.description = c->meta.icon = c->meta.condition = "";
	c->meta.tags = c->meta.app_version = c->meta.kube_version = "";
	struct ir_node *v = ir_map_getc(j, "values");
	c->values = ir_is_map(v) ? v : NULL;
	c->parent = parent;
	c->where = c->meta.name;
	struct ir_node *t = ir_map_getc(j, "templates");
	for (uint32_t i = 0; ir_is_map(t) && i < t->map.len; i++) {
		struct helm_file f = { 0 };
		f.name = t->map.items[i].key->s.text->s;
		const struct str *txt = ir_text(t->map.items[i].value);
		f.data = txt ? txt->s : "";
		f.len = txt ? txt->len : 0;
		VEC_PUSH(a, &c->templates, f);
	}
	struct ir_node *fl = ir_map_getc(j, "files");
	for (uint32_t i = 0; ir_is_map(fl) && i < fl->map.len; i++) {
		struct helm_file f = { 0 };
		f.name = fl->map.items[i].key->s.text->s;
		const struct str *txt = ir_text(fl->map.items[i].value);
		f.data = txt ? txt->s : "";
		f.len = txt ? txt->len : 0;
		VEC_PUSH(a, &c->files, f);
	}
	struct ir_node *d = ir_map_getc(j, "dependencies");
	if (ir_is_seq(d)) {
		c->deps = arena_calloc(a, d->seq.len + 1, sizeof *c->deps);
		for (uint32_t i = 0; i < d->seq.len; i++)
			c->deps[c->ndeps++] = build_chart(ctx, d->seq.items[i], c);
	}
	return c;
}

static struct ir_node *parse_yaml_text(struct mc_ctx *ctx, const char *name, const char *text)
{
	const struct srcfile *f = srcfile_mem(ctx, name, text, strlen(text));
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK | YAML_JSON_NUMBERS };
	struct ir_node *n = NULL;
	if (yaml_load_one(ctx, f, &yo, &n))
		return NULL;
	return n;
}

static int print_json(struct mc_ctx *ctx, const struct ir_node *n)
{
	struct sbuf out = SBUF_INIT;
	const char *err = NULL;
	if (emit_json(&out, n ? n : ir_map(ctx, NULL), 0, &err)) {
		fprintf(stderr, "helm-conformance: %s\n", err);
		sbuf_release(&out);
		return 1;
	}
	sbuf_addc(&out, '\n');
	fwrite(out.buf, 1, out.len, stdout);
	sbuf_release(&out);
	return 0;
}

/* The Helm major version whose semantics a case needs (its "helm_major", default 3). */
static int case_major(struct ir_node *cs)
{
	struct ir_node *m = ir_map_getc(cs, "helm_major");
	const struct str *t = m ? ir_text(m) : NULL;
	return t && t->len == 1 && t->s[0] == '4' ? 4 : 3;
}

static int run_coalesce(struct mc_ctx *ctx, struct ir_node *cs)
{
	const char *kind = ir_path_cstr(cs, "kind");
	struct ir_node *mg = ir_map_getc(cs, "merge");
	bool merge = mg && mg->type == IR_BOOL && mg->s.v.b;
	if (kind && !strcmp(kind, "coalesce_tables")) {
		struct ir_node *dst = ir_map_getc(cs, "dst"), *src = ir_map_getc(cs, "src");
		if (!ir_is_map(dst))
			dst = NULL;
		if (!ir_is_map(src))
			src = NULL;
		return print_json(ctx, helm_coalesce_tables(ctx, dst, src, "", merge));
	}
	struct helm_chart *c = build_chart(ctx, ir_map_getc(cs, "chart"), NULL);
	struct ir_node *user = ir_map_getc(cs, "user_values");
	const char *yaml = ir_path_cstr(cs, "user_values_yaml");
	if (yaml)
		user = parse_yaml_text(ctx, "user_values_yaml", yaml);
	if (!ir_is_map(user))
		user = NULL;
	struct ir_node *v = helm_coalesce_values(ctx, c, user, merge, case_major(cs));
	if (!v)
		return 1;
	return print_json(ctx, v);
}

static int print_rendered(struct mc_ctx *ctx, struct helm_rendered_vec *out)
{
	struct ir_node *m = ir_map(ctx, NULL);
	for (size_t i = 0; i < out->len; i++)
		ir_map_setc(ctx, m, out->items[i].name,
			ir_str(ctx, out->items[i].text, out->items[i].len, NULL));
	return print_json(ctx, m);
}

static int run_engine(struct mc_ctx *ctx, struct ir_node *cs)
{
	struct arena *a = &ctx->arena;
	struct helm_rendered_vec out = { 0 };
	struct ir_node *sn = ir_map_getc(cs, "strict");
	bool strict = sn && sn->type == IR_BOOL && sn->s.v.b;
	struct ir_node *tpls = ir_map_getc(cs, "templates");
	if (ir_is_map(tpls)) {
		uint32_t n = tpls->map.len;
		struct helm_file *files = arena_calloc(a, n + 1, sizeof *files);
		struct gt_value *dots = arena_calloc(a, n + 1, sizeof *dots);
		for (uint32_t i = 0; i < n; i++) {
			struct ir_node *t = tpls->map.items[i].value;
			const struct str *txt = ir_text(ir_map_getc(t, "tpl"));
			files[i].name = tpls->map.items[i].key->s.text->s;
			files[i].data = txt ? txt->s : "";
			files[i].len = txt ? txt->len : 0;
			dots[i] = gt_from_ir(a, ir_map_getc(t, "vals"), GT_NUM_JSON);
		}
		if (helm_render_templates(ctx, files, dots, n, case_major(cs), strict, &out))
			return 1;
		return print_rendered(ctx, &out);
	}
	struct helm_chart *c = build_chart(ctx, ir_map_getc(cs, "chart"), NULL);
	struct ir_node *rv = ir_map_getc(cs, "render_values");
	struct gt_value top = gt_from_ir(a, rv, GT_NUM_JSON);
	struct ir_node *co = ir_map_getc(cs, "coalesce_user_values_with_chart");
	if (co && co->type == IR_BOOL && co->s.v.b && gt_kind(top) == GT_MAP) {
		struct ir_node *uv = ir_map_getc(rv, "Values");
		struct ir_node *v = helm_coalesce_values(ctx, c, ir_is_map(uv) ? uv : NULL, false, case_major(cs));
		if (!v)
			return 1;
		gt_map_setc(a, top.m, "Values", gt_from_ir(a, v, GT_NUM_JSON));
	}
	if (helm_render_values(ctx, c, top, case_major(cs), strict, &out))
		return 1;
	return print_rendered(ctx, &out);
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "coalesce") && strcmp(argv[1], "engine"))) {
		fprintf(stderr, "usage: helm-conformance coalesce|engine CASE.json\n");
		return 2;
	}
	struct vfs *fs = vfs_disk(NULL);
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	int rc = 1;
	int e;
	const struct srcfile *f = vfs_load(fs, argv[2], argv[2], &e);
	struct ir_node *cs = NULL;
	if (!f) {
		fprintf(stderr, "helm-conformance: cannot read %s\n", argv[2]);
	} else {
		struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK | YAML_JSON_NUMBERS };
		if (yaml_load_one(&ctx, f, &yo, &cs) == 0 && ir_is_map(cs)) {
			if (!strcmp(argv[1], "coalesce"))
				rc = run_coalesce(&ctx, cs);
			else
				rc = run_engine(&ctx, cs);
		}
	}
	diag_print(&ctx.diag, stderr, 0);
	if (rc == 0 && diag_errors(&ctx.diag))
		rc = 1;
	mc_ctx_release(&ctx);
	vfs_destroy(fs);
	return rc;
}
