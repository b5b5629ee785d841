/*
 * kust_valueadd.c - the ValueAddTransformer builtin plugin (only reachable
 * through `transformers:`, kustomize has no kustomization field for it).
 *
 * It writes one value (by default the kustomization directory's base name)
 * at a field path of the resources each target selects, creating the path
 * (maps, and list elements for `[name=value]` parts) as kyaml's
 * LookupCreate does.  With filePathPosition the value is inserted as a path
 * element into the existing value instead.  A target of metadata/namespace
 * runs the namespace filter without field specs.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/passes.h"

struct target {
	struct kust_selector sel;
	bool has_sel;
	const char *path;
	int64_t position;
	const struct srcpos *pos;
};

/* InsertPathPart: part inserted at pos (0 = first) into a file path. */
static const char *insert_part(struct mc_ctx *ctx, const char *path, int64_t pos, const char *part)
{
	if (!*part)
		return path;
	VEC(const char *) parts = { 0 };
	bool abs = path[0] == '/';
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n)
			VEC_PUSH(&ctx->arena, &parts, arena_strndup(&ctx->arena, p, n));
		p += n;
	}
	if (pos < 0)
		pos = 0;
	if ((size_t)pos > parts.len)
		pos = (int64_t)parts.len;
	struct sbuf sb = SBUF_INIT;
	if (abs)
		sbuf_addc(&sb, '/');
	for (size_t i = 0; i <= parts.len; i++) {
		if ((int64_t)i == pos) {
			if (sb.len && sb.buf[sb.len - 1] != '/')
				sbuf_addc(&sb, '/');
			sbuf_adds(&sb, part);
		}
		if (i < parts.len) {
			if (sb.len && sb.buf[sb.len - 1] != '/')
				sbuf_addc(&sb, '/');
			sbuf_adds(&sb, parts.items[i]);
		}
	}
	const char *r = kust_path_join(ctx, "", sb.buf);
	sbuf_release(&sb);
	return r;
}

static bool is_index(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* LookupCreate(ScalarNode, parts...): the slot of the final field. */
static int lookup_create(struct mc_ctx *ctx, struct ir_node *n, char **parts, size_t np,
	struct ir_node ***slot, const struct srcpos *at)
{
	struct ir_node **cur = NULL;
	for (size_t i = 0; i < np; i++) {
		const char *part = parts[i];
		const char *next = i + 1 < np ? parts[i + 1] : NULL;
		int kind = !next ? IR_STR : (next[0] == '[' || is_index(next)) ? IR_SEQ : IR_MAP;
		if (part[0] == '[') {
			const char *eq = strchr(part, '=');
			size_t pl = strlen(part);
			if (!eq || part[pl - 1] != ']' || !ir_is_seq(n))
				return diag_error(&ctx->diag, at, "ValueAddTransformer: bad path part '%s'", part);
			const struct str *key = mc_intern(ctx, part + 1, (size_t)(eq - part - 1));
			const struct str *val = mc_intern(ctx, eq + 1, pl - (size_t)(eq - part) - 2);
			struct ir_node **hit = NULL;
			for (uint32_t j = 0; j < n->seq.len && !hit; j++) {
				const struct ir_node *f = ir_map_get(n->seq.items[j], key);
				if (ir_is_scalar(f) && str_eq(f->s.text, val))
					hit = &n->seq.items[j];
			}
			if (!hit) {
				struct ir_node *e = ir_map(ctx, &n->pos);
				ir_map_set(ctx, e, key, ir_strs(ctx, val, &n->pos));
				ir_seq_push(ctx, n, e);
				hit = &n->seq.items[n->seq.len - 1];
			}
			cur = hit;
		} else if (is_index(part)) {
			long idx = strtol(part, NULL, 10);
			if (!ir_is_seq(n) || (uint32_t)idx >= n->seq.len)
				return diag_error(&ctx->diag, at, "ValueAddTransformer: no element %s", part);
			cur = &n->seq.items[idx];
		} else {
			if (!ir_is_map(n))
				return diag_error(&ctx->diag, at,
					"ValueAddTransformer: wrong node kind at '%s': expected a map", part);
			const struct str *key = mc_intern0(ctx, part);
			struct ir_pair *p = ir_map_find(n, key);
			if (!p) {
				struct ir_node *v = kind == IR_MAP ? ir_map(ctx, &n->pos)
					: kind == IR_SEQ ? ir_seq(ctx, &n->pos) : ir_str(ctx, "", 0, &n->pos);
				ir_map_append(ctx, n, ir_strs(ctx, key, &n->pos), v);
				p = ir_map_find(n, key);
			} else if (ir_is_null(p->value)) {
				p->value = kind == IR_MAP ? ir_map(ctx, &n->pos)
					: kind == IR_SEQ ? ir_seq(ctx, &n->pos) : ir_str(ctx, "", 0, &n->pos);
			}
			cur = &p->value;
		}
		n = *cur;
	}
	*slot = cur;
	return 0;
}

static int add_value(struct mc_ctx *ctx, struct ir_resource *r, const struct target *t,
	const char *value)
{
	/* the path split at '/' that is not escaped as '\/' */
	VEC(char *) parts = { 0 };
	struct sbuf cur = SBUF_INIT;
	for (const char *p = t->path;; p++) {
		if (*p == '/' || !*p) {
			if (cur.len && cur.buf[cur.len - 1] == '\\' && *p) {
				cur.buf[cur.len - 1] = '/';
				continue;
			}
			VEC_PUSH(&ctx->arena, &parts, arena_strndup(&ctx->arena, cur.buf, cur.len));
			sbuf_reset(&cur);
			if (!*p)
				break;
			continue;
		}
		sbuf_addc(&cur, *p);
	}
	sbuf_release(&cur);
	struct ir_node **slot = NULL;
	int e = lookup_create(ctx, r->body, parts.items, parts.len, &slot, t->pos);
	if (e)
		return e;
	if (!slot || !ir_is_scalar(*slot))
		return diag_error(&ctx->diag, t->pos,
			"wrong node kind: expected a scalar at '%s' of %s", t->path, kust_id_str(ctx, &r->id));
	const char *v = value;
	if (t->position > 0)
		v = insert_part(ctx, (*slot)->type == IR_NULL ? "" : (*slot)->s.text->s,
			t->position - 1, value);
	*slot = ir_str0(ctx, v, &(*slot)->pos);
	ir_resource_sync(ctx, r);
	return 0;
}

typedef VEC(struct target) targetvec;

static int parse_targets(struct mc_ctx *ctx, const struct ir_node *l, targetvec *out)
{
	int errors = 0;
	for (uint32_t i = 0; ir_is_seq(l) && i < l->seq.len; i++) {
		const struct ir_node *e = l->seq.items[i];
		struct target t = { 0 };
		t.pos = &e->pos;
		const struct ir_node *sel = ir_map_getc(e, "selector");
		if (!ir_is_null(sel)) {
			int se = kust_selector_parse(ctx, sel, "ValueAddTransformer selector", &t.sel);
			if (!se)
				se = kust_selector_compile(ctx, &t.sel);
			errors += se;
			t.has_sel = true;
		}
		const char *fp = ir_cstr(ir_map_getc(e, "fieldPath"));
		t.path = fp ? fp : "";
		const struct ir_node *pos = ir_map_getc(e, "filePathPosition");
		t.position = pos && pos->type == IR_INT ? pos->s.v.i : 0;
		if (!*t.path)
			errors += diag_error(&ctx->diag, &e->pos, "fieldPath cannot be empty");
		else if (t.position < 0)
			errors += diag_error(&ctx->diag, &e->pos,
				"value of FilePathPosition (%lld) cannot be negative", (long long)t.position);
		VEC_PUSH(&ctx->arena, out, t);
	}
	return errors;
}

int kust_plugin_valueadd(struct ir_module *m, struct kust *k, struct ir_node *cfg)
{
	struct mc_ctx *ctx = m->ctx;
	/* the value, trimmed; by default the kustomization directory's name */
	const char *v = ir_cstr(ir_map_getc(cfg, "value"));
	const char *value = "";
	if (v) {
		while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
			v++;
		size_t n = strlen(v);
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n' || v[n - 1] == '\r'))
			n--;
		value = arena_strndup(&ctx->arena, v, n);
	}
	if (!*value) {
		const char *slash = strrchr(k->realdir, '/');
		value = slash && slash[1] ? slash + 1 : k->realdir;
	}
	targetvec targets = { 0 };
	int errors = parse_targets(ctx, ir_map_getc(cfg, "targets"), &targets);
	const char *file = ir_cstr(ir_map_getc(cfg, "targetFilePath"));
	if (!errors && file && *file) {
		const struct srcfile *f = kust_load_file(ctx, k, file, &cfg->pos);
		if (!f)
			return 1;
		struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK };
		struct ir_node *doc;
		if (yaml_load_one(ctx, f, &yo, &doc))
			return 1;
		errors += parse_targets(ctx, ir_map_getc(doc, "targets"), &targets);
	}
	if (!errors && !targets.len)
		return diag_error(&ctx->diag, &cfg->pos, "must specify at least one target");
	const struct str *nsv = mc_intern0(ctx, value);
	for (size_t i = 0; i < targets.len && !errors; i++) {
		struct target *t = &targets.items[i];
		bool ns = !strcmp(t->path, "metadata/namespace");
		for (size_t j = 0; j < m->res.len && !errors; j++) {
			struct ir_resource *r = m->res.items[j];
			if (t->has_sel && !kust_selector_match(ctx, &t->sel, r))
				continue;
			errors += ns ? kust_namespace_set(ctx, r, nsv, t->pos) : add_value(ctx, r, t, value);
		}
		if (t->has_sel)
			kust_selector_release(&t->sel);
	}
	kust_acc_touched(k);
	return errors;
}
