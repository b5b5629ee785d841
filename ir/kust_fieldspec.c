/*
 * kust_fieldspec.c - walking a field spec path through a resource.
 *
 * A field spec says "in kinds matching this GVK, the field at
 * spec/template/metadata/labels" and every builtin transformer (prefix,
 * namespace, labels, images, name references, vars...) acts through one.
 * The walk follows kustomize's fieldspec filter exactly: sequences are
 * entered implicitly (the same remaining path applies to each element),
 * `name[]` marks a field that must be a sequence and is never created, a
 * missing field is created only when the spec says `create` and the
 * transformer supplies a kind to create, an explicit null becomes the
 * created kind, and a scalar met before the end of the path is an error.
 * Escaped slashes (`a\/b`) stay in one path element.
 */
#include <string.h>

#include "mc/passes.h"

#define MAX_PARTS 64

void kust_fs_init(struct mc_ctx *ctx, struct kust_fs *fs, const char *group, const char *version,
	const char *kind, const char *path, bool create)
{
	memset(fs, 0, sizeof *fs);
	fs->group = mc_intern0(ctx, group ? group : "");
	fs->version = mc_intern0(ctx, version ? version : "");
	fs->kind = mc_intern0(ctx, kind ? kind : "");
	fs->path = mc_intern0(ctx, path ? path : "");
	fs->create = create;
	/* kyaml's PathSplitter: split at '/', drop one leading empty element,
	 * and join an element ending in '\' with the next one. */
	const char *p = fs->path->s;
	size_t n = fs->path->len;
	const struct str *parts[MAX_PARTS];
	uint32_t np = 0;
	struct sbuf cur = SBUF_INIT;
	bool have = false;
	size_t start = 0;
	if (n > 0 && p[0] == '/' && memchr(p, '/', n))
		start = 1; /* "/a" splits into "", "a": the empty one is dropped */
	for (size_t i = start; i <= n; i++) {
		if (i < n && p[i] != '/')
			continue;
		const char *seg = p + start;
		size_t sl = i - start;
		start = i + 1;
		if (have && cur.len && cur.buf[cur.len - 1] == '\\') {
			sbuf_truncate(&cur, cur.len - 1);
			sbuf_addc(&cur, '/');
			sbuf_add(&cur, seg, sl);
			continue;
		}
		if (have && np < MAX_PARTS)
			parts[np++] = mc_intern(ctx, cur.buf, cur.len);
		sbuf_reset(&cur);
		sbuf_add(&cur, seg, sl);
		have = true;
	}
	if (have && np < MAX_PARTS)
		parts[np++] = mc_intern(ctx, cur.buf, cur.len);
	sbuf_release(&cur);
	fs->parts = arena_alloc(&ctx->arena, np * sizeof *fs->parts);
	memcpy(fs->parts, parts, np * sizeof *parts);
	fs->nparts = np;
}

bool kust_fs_matches(const struct kust_fs *fs, const struct ir_resid *id)
{
	return kust_gvk_selected(id, fs->group, fs->version, fs->kind);
}

static int fs_error(struct kust_fs_visit *v, const struct kust_fs *fs, const char *msg)
{
	const struct ir_resid *id = v->res ? &v->res->id : NULL;
	return diag_error(&v->ctx->diag, v->at ? v->at : &fs->pos,
		"considering field '%s' of object %s: %s", fs->path->s,
		id ? kust_id_str(v->ctx, id) : "?", msg);
}

static struct ir_node *created(struct mc_ctx *ctx, int kind, const struct srcpos *pos)
{
	switch (kind) {
	case IR_MAP:
		return ir_map(ctx, pos);
	case IR_SEQ:
		return ir_seq(ctx, pos);
	case IR_INT:
		return ir_int(ctx, 0, pos);
	default:
		return ir_str(ctx, "", 0, pos);
	}
}

static int walk(struct kust_fs_visit *v, const struct kust_fs *fs, uint32_t i,
	struct ir_node **slot, int depth)
{
	struct ir_node *obj = *slot;
	if (i == fs->nparts)
		return v->fn(v, slot);
	if (ir_is_null(obj))
		return 0;
	if (depth > 256)
		return fs_error(v, fs, "path too deep");
	if (obj->type == IR_SEQ) {
		int errors = 0;
		for (uint32_t j = 0; j < obj->seq.len && !errors; j++)
			errors += walk(v, fs, i, &obj->seq.items[j], depth + 1);
		return errors;
	}
	if (obj->type != IR_MAP)
		return fs_error(v, fs, "expected sequence or mapping node");
	const struct str *part = fs->parts[i];
	bool is_seq = part->len >= 2 && !memcmp(part->s + part->len - 2, "[]", 2);
	if (is_seq)
		part = mc_intern(v->ctx, part->s, part->len - 2);
	if (!part->len)
		return fs_error(v, fs, "cannot set or create an empty field name");
	int kind = -1; /* what a null (or missing) field becomes */
	bool create = false;
	if (!fs->create || v->create_kind < 0 || is_seq) {
		if (is_seq)
			kind = IR_SEQ;
	} else if (i + 1 == fs->nparts) {
		kind = v->create_kind;
		create = true;
	} else {
		kind = IR_MAP;
		create = true;
	}
	struct ir_pair *p = ir_map_find(obj, part);
	if (!p) {
		if (!create)
			return 0;
		struct ir_node *key = ir_strs(v->ctx, part, &obj->pos);
		ir_map_append(v->ctx, obj, key, created(v->ctx, kind, &obj->pos));
		p = ir_map_find(obj, part);
	} else if (p->value && p->value->type == IR_NULL && kind >= 0) {
		p->value = created(v->ctx, kind, &p->value->pos);
	} else if (!p->value) {
		if (kind < 0)
			return walk(v, fs, i + 1, &p->value, depth + 1);
		p->value = created(v->ctx, kind, &p->key->pos);
	}
	return walk(v, fs, i + 1, &p->value, depth + 1);
}

int kust_fs_apply(struct kust_fs_visit *v, const struct kust_fs *fs, struct ir_node **body)
{
	if (v->res && !kust_fs_matches(fs, &v->res->id))
		return 0;
	/* A spec into metadata/annotations finds kustomize's build
	 * annotations there: without create, the map exists for it anyway. */
	if (v->res && !fs->create && body == &v->res->body && fs->nparts >= 2 &&
	    str_eqc(fs->parts[0], "metadata") && str_eqc(fs->parts[1], "annotations") &&
	    kust_buildann_any(v->res)) {
		struct kust_shown shown;
		kust_buildann_show(v->ctx, v->res, &shown);
		int e = walk(v, fs, 0, body, 0);
		kust_buildann_absorb(v->ctx, v->res, &shown);
		return e;
	}
	return walk(v, fs, 0, body, 0);
}

/* ------------------------------------------------------------ merging */

static bool gvk_selected_by(const struct kust_fs *x, const struct kust_fs *sel)
{
	if (sel->group->len && !str_eq(x->group, sel->group))
		return false;
	if (sel->version->len && !str_eq(x->version, sel->version))
		return false;
	if (sel->kind->len && !str_eq(x->kind, sel->kind))
		return false;
	return true;
}

int kust_fs_merge(struct mc_ctx *ctx, struct kust_fslist *into, const struct kust_fs *fs,
	const struct srcpos *at)
{
	for (size_t i = 0; i < into->len; i++) {
		const struct kust_fs *x = &into->items[i];
		if (x->path == fs->path && gvk_selected_by(x, fs)) {
			if (x->create != fs->create)
				return diag_error(&ctx->diag, at && at->file ? at : &fs->pos,
					"conflicting fieldspecs");
			return 0;
		}
	}
	VEC_PUSH(&ctx->arena, into, *fs);
	return 0;
}

int kust_fs_parse_list(struct mc_ctx *ctx, const struct ir_node *list, struct kust_fslist *out,
	bool strict)
{
	if (ir_is_null(list))
		return 0;
	if (!ir_is_seq(list))
		return diag_error(&ctx->diag, &list->pos, "field specs must be a list");
	int errors = 0;
	for (uint32_t i = 0; i < list->seq.len; i++) {
		const struct ir_node *e = list->seq.items[i];
		if (!ir_is_map(e)) {
			errors += diag_error(&ctx->diag, &e->pos, "a field spec must be a map");
			continue;
		}
		const char *f[4] = { 0 };
		static const char *const names[4] = { "group", "version", "kind", "path" };
		bool create = false;
		for (uint32_t j = 0; j < e->map.len; j++) {
			const struct ir_pair *p = &e->map.items[j];
			int which = -1;
			for (int q = 0; q < 4; q++)
				if (str_eqc(p->key->s.text, names[q]))
					which = q;
			if (which >= 0) {
				if (ir_is_null(p->value))
					continue;
				if (!ir_is_str(p->value)) {
					errors += diag_error(&ctx->diag, &p->value->pos,
						"field spec '%s' must be a string", names[which]);
					continue;
				}
				f[which] = ir_cstr(p->value);
			} else if (str_eqc(p->key->s.text, "create")) {
				if (p->value && p->value->type == IR_BOOL)
					create = p->value->s.v.b;
				else if (!ir_is_null(p->value))
					errors += diag_error(&ctx->diag, &p->value->pos,
						"field spec 'create' must be a boolean");
			} else if (strict) {
				errors += diag_error(&ctx->diag, &p->key->pos,
					"json: unknown field \"%s\"", p->key->s.text->s);
			}
		}
		struct kust_fs fs;
		kust_fs_init(ctx, &fs, f[0], f[1], f[2], f[3], create);
		fs.pos = e->pos;
		VEC_PUSH(&ctx->arena, out, fs);
	}
	return errors;
}
