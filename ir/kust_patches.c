/*
 * kust_patches.c - the patch transformers of a kustomization:
 * `patchesStrategicMerge`, `patches` and `patchesJson6902`, and the
 * builtin plugin configs that name the same transformers
 * (PatchStrategicMergeTransformer, PatchTransformer,
 * PatchJson6902Transformer).
 *
 * The rules are kustomize v5.5.0's builtins: a `patches` entry is a
 * strategic merge patch when its text reads as resources and a JSON 6902
 * patch when it reads as a list of operations (both or neither is an
 * error); a strategic merge patch without a target applies to the one
 * resource with its id (current or any previous one); with a target, to
 * every selected resource, through a copy of the patch whose metadata is
 * normalised first (labels and annotations become strings, apiVersion
 * becomes the target's).  Name, kind and namespace survive a strategic
 * merge patch unless allowNameChange / allowKindChange say otherwise.
 * A JSON 6902 patch needs a target and remembers the resource's previous
 * id (so references follow a rename).  A patch that deletes a resource
 * ($patch: delete) drops it from the build.
 *
 * Errors point at the kustomization entry (or the patch node) that caused
 * them, with kustomize's wording.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/passes.h"

/* ---------------------------------------------------------- helpers */

/* Run f with diagnostics collected apart: the result is this parse's
 * answer, not the build's.  The first message is kept in msg. */
struct quiet {
	struct diag saved;
};

static void quiet_begin(struct mc_ctx *ctx, struct quiet *q)
{
	q->saved = ctx->diag;
	diag_init(&ctx->diag);
}

static int quiet_end(struct mc_ctx *ctx, struct quiet *q, struct sbuf *msg)
{
	int n = (int)diag_errors(&ctx->diag);
	if (msg && ctx->diag.len)
		for (size_t i = 0; i < ctx->diag.len && !msg->len; i++)
			if (ctx->diag.msgs[i].level == DIAG_ERROR)
				sbuf_adds(msg, ctx->diag.msgs[i].msg);
	diag_release(&ctx->diag);
	ctx->diag = q->saved;
	return n;
}

#define DEPRECATED(field) "# Warning: '" field "' is deprecated. Please use 'patches' instead. " \
	"Run 'kustomize edit fix' to update your Kustomization automatically."

static const struct ir_pair *field_pair(struct mc_ctx *ctx, const struct ir_node *m, const char *k)
{
	return ir_map_find(m, mc_intern0(ctx, k));
}

/* Patch text given inline in a kustomization (or a plugin config): a
 * source whose positions map back into the file when they can. */
struct text {
	const struct srcfile *f;
	struct yaml_opts yo;
	const char *data; /* trimmed */
	size_t len;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void inline_text(struct mc_ctx *ctx, const struct ir_node *n, const char *what,
	struct text *t)
{
	const struct str *s = n->s.text;
	size_t b = 0, e = s->len;
	uint32_t lines = 0;
	while (b < e && is_space(s->s[b]))
		lines += s->s[b++] == '\n';
	while (e > b && is_space(s->s[e - 1]))
		e--;
	t->data = s->s + b;
	t->len = e - b;
	memset(&t->yo, 0, sizeof t->yo);
	t->f = srcfile_mem(ctx, arena_printf(&ctx->arena, "%s (%s)",
		n->pos.file ? n->pos.file->path : "kustomization", what), t->data, t->len);
	if (n->pos.file && (n->style == IR_STYLE_LITERAL) && n->pos.line) {
		/* A block scalar: its position is the line after the indicator
		 * (where the loader's mark puts it), so line i of the text is line
		 * pos.line + i of the file, indented as its first line. */
		size_t len = 0;
		uint32_t first = n->pos.line + lines;
		const char *l = srcfile_line(n->pos.file, first, &len);
		uint32_t ind = 0;
		while (l && ind < len && l[ind] == ' ')
			ind++;
		t->yo.pos_file = n->pos.file;
		t->yo.line_offset = first - 1;
		t->yo.col_offset = ind;
	}
}

static void file_text(const struct srcfile *f, struct text *t)
{
	t->f = f;
	memset(&t->yo, 0, sizeof t->yo);
	t->data = f->data;
	t->len = f->len;
}

/* RF().SliceFromBytes: resources (SMP patches) from text; quiet.  -1 when
 * the text does not read as resources. */
static int parse_sm(struct mc_ctx *ctx, const struct text *t, struct ir_reslist *out,
	struct sbuf *msg)
{
	struct quiet q;
	quiet_begin(ctx, &q);
	struct yaml_opts yo = t->yo;
	yo.schema = YAML_V3;
	int e = kust_parse_patches(ctx, t->f, &yo, out);
	int n = quiet_end(ctx, &q, msg);
	return e || n ? -1 : 0;
}

static int parse_json(struct mc_ctx *ctx, const struct text *t, struct kust_jpatch *out,
	struct sbuf *msg)
{
	if (!t->len) {
		sbuf_adds(msg, "empty json patch operations");
		return -1;
	}
	const struct srcfile *f = t->f;
	if (t->data != f->data || t->len != f->len)
		f = srcfile_mem(ctx, f->path, t->data, t->len);
	return kust_jpatch_decode(ctx, f, &t->yo, t->data[0] == '[', out, msg);
}

/* ------------------------------------------------- applying patches */

static const struct str *meta_str(struct mc_ctx *ctx, const struct ir_node *body, const struct str *key)
{
	const struct ir_node *v = ir_map_get(ir_map_get(body, ctx->s_metadata), key);
	return ir_is_scalar(v) && v->type != IR_NULL ? v->s.text : ctx->s_empty;
}

static const struct str *top_str(struct mc_ctx *ctx, const struct ir_node *body, const struct str *key)
{
	const struct ir_node *v = ir_map_get(body, key);
	return ir_is_scalar(v) && v->type != IR_NULL ? v->s.text : ctx->s_empty;
}

/* setMapInMetadata: the map under metadata.field rewritten as strings,
 * dropped when empty. */
static void string_map(struct mc_ctx *ctx, struct ir_node *md, const struct str *field)
{
	struct ir_node *old = ir_map_get(md, field);
	ir_map_del(md, field);
	if (!ir_is_map(old) || !old->map.len)
		return;
	struct ir_node *m = ir_map(ctx, &old->pos);
	for (uint32_t i = 0; i < old->map.len; i++) {
		const struct ir_node *v = old->map.items[i].value;
		const struct str *s = ir_is_scalar(v) ? v->s.text : ctx->s_empty;
		ir_map_set(ctx, m, old->map.items[i].key->s.text, ir_strs(ctx, s, v ? &v->pos : &old->pos));
	}
	ir_map_set(ctx, md, field, m);
}

static void set_meta(struct mc_ctx *ctx, struct ir_node *body, const struct str *key,
	const struct str *val)
{
	struct ir_node *md = ir_map_child(ctx, body, "metadata");
	if (key == ctx->s_namespace && !val->len) {
		ir_map_del(md, key);
		return;
	}
	/* SetName / SetNamespace: an untagged node, in place. */
	struct ir_pair *p = ir_map_find(md, key);
	if (p) {
		kust_set_scalar(ctx, &p->value, val, IR_NULL, &p->value->pos);
		return;
	}
	struct ir_node *v = NULL;
	kust_set_scalar(ctx, &v, val, IR_NULL, &body->pos);
	ir_map_append(ctx, md, ir_strs(ctx, key, &body->pos), v);
}

/* The copy of a patch that ResMap.ApplySmPatch merges into one target. */
static struct ir_node *patch_copy(struct mc_ctx *ctx, const struct ir_node *patch,
	const struct ir_resource *target)
{
	struct ir_node *c = ir_clone(ctx, patch);
	struct ir_node *md = ir_map_child(ctx, c, "metadata");
	string_map(ctx, md, ctx->s_labels);
	string_map(ctx, md, ctx->s_annotations);
	set_meta(ctx, c, ctx->s_name, meta_str(ctx, patch, ctx->s_name));
	set_meta(ctx, c, ctx->s_namespace, meta_str(ctx, patch, ctx->s_namespace));
	const struct str *av = target->id.group->len
		? str_printf(&ctx->strs, "%s/%s", target->id.group->s, target->id.version->s)
		: target->id.version;
	ir_map_set(ctx, c, ctx->s_apiVersion, ir_strs(ctx, av, &c->pos));
	ir_map_set(ctx, c, ctx->s_kind, ir_strs(ctx, top_str(ctx, patch, ctx->s_kind), &c->pos));
	return c;
}

struct smpatch {
	struct ir_node *body;
	bool allow_name, allow_kind;
};

/* Resource.ApplySmPatch.  *deleted is set when the patch removed it. */
static int apply_sm(struct ir_module *m, struct ir_resource *r, struct ir_node *patch,
	bool allow_name, bool allow_kind, const struct srcpos *at, bool *deleted)
{
	struct mc_ctx *ctx = m->ctx;
	*deleted = false;
	const struct str *n = meta_str(ctx, r->body, ctx->s_name);
	const struct str *ns = meta_str(ctx, r->body, ctx->s_namespace);
	const struct str *k = top_str(ctx, r->body, ctx->s_kind);
	if (allow_name || allow_kind)
		kust_store_prev_id(ctx, r);
	/* The merge sees (and may clear) the build annotations, and the
	 * patch's own (allowNameChange, allowKindChange) merge in. */
	struct kust_shown shown;
	kust_buildann_show(ctx, r, &shown);
	if ((allow_name || allow_kind) && ir_is_map(patch)) {
		/* AllowNameChange/AllowKindChange rewrite the patch's annotations
		 * (SetAnnotations: strings; a null map becomes a map). */
		struct ir_node *flags = ir_map(ctx, &patch->pos);
		if (allow_name)
			ir_map_setc(ctx, flags, "internal.config.kubernetes.io/allowNameChange",
				ir_str0(ctx, "enabled", &patch->pos));
		if (allow_kind)
			ir_map_setc(ctx, flags, "internal.config.kubernetes.io/allowKindChange",
				ir_str0(ctx, "enabled", &patch->pos));
		kust_set_annotations_strings(ctx, patch, flags);
	}
	struct sbuf err = SBUF_INIT;
	struct ir_node *out;
	if (kust_smp_merge(ctx, kust_schemas_current(ctx, m->unit), r->body, patch, &out, &err)) {
		int e = diag_error(&ctx->diag, at, "%s", err.buf);
		sbuf_release(&err);
		return e;
	}
	sbuf_release(&err);
	if (!out || (ir_is_map(out) && !out->map.len)) {
		*deleted = true;
		return 0;
	}
	r->body = out;
	if (!allow_kind) {
		struct ir_pair *kp = ir_map_find(r->body, ctx->s_kind);
		if (kp)
			kust_set_scalar(ctx, &kp->value, k, IR_NULL, &kp->value->pos);
		else
			ir_map_set(ctx, r->body, ctx->s_kind, ir_strs(ctx, k, &r->body->pos));
	}
	if (!allow_name)
		set_meta(ctx, r->body, ctx->s_name, n);
	set_meta(ctx, r->body, ctx->s_namespace, ns);
	kust_buildann_absorb(ctx, r, &shown);
	ir_resource_sync(ctx, r);
	return 0;
}

/* Drop resources a patch emptied (ResMap.ApplySmPatch keeps the rest). */
static void drop(struct ir_module *m, struct ir_resource **gone, size_t n)
{
	if (!n)
		return;
	size_t w = 0;
	for (size_t i = 0; i < m->res.len; i++) {
		bool del = false;
		for (size_t j = 0; j < n && !del; j++)
			del = m->res.items[i] == gone[j];
		if (!del)
			m->res.items[w++] = m->res.items[i];
	}
	m->res.len = w;
	ir_reslist_touched(&m->res);
}

/* ResMap.ApplySmPatch over a set of targets. */
static int apply_sm_set(struct ir_module *m, struct ir_resource **targets, size_t n,
	const struct smpatch *p, const struct srcpos *at)
{
	VEC(struct ir_resource *) gone = { 0 };
	int errors = 0;
	for (size_t i = 0; i < n && !errors; i++) {
		struct ir_resource *r = targets[i];
		bool deleted;
		errors += apply_sm(m, r, patch_copy(m->ctx, p->body, r), p->allow_name, p->allow_kind,
			at, &deleted);
		if (deleted)
			VEC_PUSH(&m->ctx->arena, &gone, r);
	}
	drop(m, gone.items, gone.len);
	return errors;
}

/* GetById(patch.OrgId()): the one resource with that id, current or past;
 * NULL with kustomize's message in msg. */
static struct ir_resource *by_id(struct ir_module *m, struct kust *k, const struct ir_resource *patch,
	const char **msg)
{
	struct ir_resource *found[2];
	size_t n = kust_acc_find_any(m, k, &patch->id, found, 2);
	if (n == 1)
		return found[0];
	const char *id = kust_id_str(m->ctx, &patch->id);
	*msg = arena_printf(&m->ctx->arena, "%s for Id %s; failed to find unique target for patch %s",
		n ? "multiple matches" : "no matches", id, id);
	return NULL;
}

static int apply_json_set(struct ir_module *m, struct kust *k, struct ir_reslist *sel,
	const struct kust_jpatch *jp, bool store_prev, const struct srcpos *at)
{
	struct mc_ctx *ctx = m->ctx;
	for (size_t i = 0; i < sel->len; i++) {
		struct ir_resource *r = sel->items[i];
		if (store_prev)
			kust_store_prev_id(ctx, r);
		/* The patch sees the build annotations; afterwards the internal
		 * ones it had are put back and every annotation is rewritten as
		 * a string (the transformers' GetAnnotations/SetAnnotations). */
		struct kust_shown shown;
		kust_buildann_show(ctx, r, &shown);
		struct ir_node *internal = kust_buildann_internal(ctx, r);
		struct sbuf err = SBUF_INIT;
		/* The patch works on the resource as JSON: what comes back shares
		 * no node (labels that shared one no longer do). */
		struct ir_node *body = ir_clone(ctx, r->body);
		if (kust_jpatch_apply(ctx, jp, &body, &err)) {
			int e = diag_error(&ctx->diag, at, "%s", err.buf);
			sbuf_release(&err);
			return e;
		}
		sbuf_release(&err);
		r->body = body;
		kust_set_annotations_strings(ctx, r->body, internal);
		kust_buildann_absorb(ctx, r, &shown);
		ir_resource_sync(ctx, r);
	}
	kust_acc_touched(k);
	return 0;
}

/* ------------------------------------------------ PatchTransformer */

struct ptrans {
	const struct srcpos *at;
	const char *source;          /* patchSource, for messages */
	struct kust_selector sel;
	bool has_target;
	bool allow_name, allow_kind;
	struct ir_reslist sm;        /* strategic merge patches */
	bool json;
	struct kust_jpatch jp;
};

static int bad_type(struct mc_ctx *ctx, const struct ir_node *v, const char *what,
	const char *field, const char *type)
{
	return diag_error(&ctx->diag, &v->pos,
		"invalid %s: json: cannot unmarshal %s into Go struct field %s of type %s", what,
		ir_is_map(v) ? "object" : ir_is_seq(v) ? "array" : v->type == IR_BOOL ? "bool"
		: v->type == IR_STR ? "string" : "number", field, type);
}

/* PatchTransformerPlugin.Config over one entry (or plugin config). */
static int ptrans_config(struct ir_module *m, struct kust *k, const struct ir_node *e,
	bool strict, const char *what, struct ptrans *t)
{
	struct mc_ctx *ctx = m->ctx;
	memset(t, 0, sizeof *t);
	t->at = &e->pos;
	if (!ir_is_map(e))
		return diag_error(&ctx->diag, &e->pos,
			"invalid %s: json: cannot unmarshal %s into Go value of type types.Patch", what,
			ir_is_seq(e) ? "array" : "string");
	const struct ir_node *path = NULL, *patch = NULL, *target = NULL;
	int errors = 0;
	for (uint32_t i = 0; i < e->map.len; i++) {
		const struct ir_pair *p = &e->map.items[i];
		const struct str *key = p->key->s.text;
		if (str_eqc(key, "path"))
			path = p->value;
		else if (str_eqc(key, "patch"))
			patch = p->value;
		else if (str_eqc(key, "target"))
			target = p->value;
		else if (str_eqc(key, "options")) {
			const struct ir_node *o = p->value;
			if (ir_is_null(o))
				continue;
			if (!ir_is_map(o)) {
				errors += bad_type(ctx, o, what, "options", "map[string]bool");
				continue;
			}
			for (uint32_t j = 0; j < o->map.len; j++) {
				const struct ir_node *v = o->map.items[j].value;
				if (ir_is_null(v))
					continue;
				if (v->type != IR_BOOL) {
					errors += bad_type(ctx, v, what, "options", "bool");
					continue;
				}
				if (str_eqc(o->map.items[j].key->s.text, "allowNameChange"))
					t->allow_name = v->s.v.b;
				else if (str_eqc(o->map.items[j].key->s.text, "allowKindChange"))
					t->allow_kind = v->s.v.b;
			}
		} else if (strict) {
			errors += diag_error(&ctx->diag, &p->key->pos,
				"invalid %s: json: unknown field \"%s\"", what, key->s);
		}
	}
	if (path && !ir_is_null(path) && !ir_is_str(path))
		errors += bad_type(ctx, path, what, "path", "string");
	if (patch && !ir_is_null(patch) && !ir_is_str(patch))
		errors += bad_type(ctx, patch, what, "patch", "string");
	if (target && !ir_is_null(target)) {
		errors += kust_selector_parse(ctx, target, what, &t->sel);
		t->has_target = true;
	}
	if (errors)
		return errors;
	struct text tx;
	const char *ptext = ir_cstr(patch), *ppath = ir_cstr(path);
	bool has_patch = false;
	if (ptext) {
		inline_text(ctx, patch, "patch", &tx);
		has_patch = tx.len > 0;
	}
	bool has_path = ppath && *ppath;
	if (!has_patch && !has_path)
		return diag_error(&ctx->diag, &e->pos, "must specify one of patch and path in %s", what);
	if (has_patch && has_path)
		return diag_error(&ctx->diag, &e->pos, "patch and path can't be set at the same time");
	if (has_patch) {
		t->source = arena_printf(&ctx->arena, "[patch: %.*s]", (int)(tx.len > 60 ? 60 : tx.len),
			tx.data);
	} else {
		const struct srcfile *f = kust_load_file(ctx, k, ppath, &path->pos);
		if (!f)
			return 1;
		file_text(f, &tx);
		t->source = arena_printf(&ctx->arena, "[path: \"%s\"]", ppath);
	}
	struct sbuf esm = SBUF_INIT, ejs = SBUF_INIT;
	int rsm = parse_sm(ctx, &tx, &t->sm, &esm);
	int rjs = parse_json(ctx, &tx, &t->jp, &ejs);
	const struct srcpos *at = has_patch ? &patch->pos : &path->pos;
	if ((!rsm && !rjs) || (t->sm.len && !rjs && t->jp.ops))
		errors = diag_error(&ctx->diag, at, "illegally qualifies as both an SM and JSON patch: %s",
			t->source);
	else if (rsm && rjs)
		errors = diag_error(&ctx->diag, at, "unable to parse SM or JSON patch from %s (%s; %s)",
			t->source, esm.buf, ejs.buf);
	else if (rsm || !t->sm.len) {
		t->json = true;
		if (!rsm) /* no documents: an empty JSON patch */
			t->jp.ops = ir_seq(ctx, at);
	}
	sbuf_release(&esm);
	sbuf_release(&ejs);
	for (size_t i = 0; i < t->sm.len; i++)
		t->sm.items[i]->origin = *at;
	return errors;
}

static int ptrans_run(struct ir_module *m, struct kust *k, struct ptrans *t)
{
	struct mc_ctx *ctx = m->ctx;
	if (t->json) {
		if (!t->has_target)
			return diag_error(&ctx->diag, t->at, "must specify a target for JSON patch %s",
				t->source);
		struct ir_reslist sel = { 0 };
		int e = kust_select(ctx, &t->sel, &m->res, &sel);
		if (e)
			return e;
		return apply_json_set(m, k, &sel, &t->jp, true, t->at);
	}
	if (t->has_target) {
		if (t->sm.len > 1)
			return diag_error(&ctx->diag, t->at,
				"Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set "
				"`patches.target` field: %s", t->source);
		struct ir_reslist sel = { 0 };
		int e = kust_select(ctx, &t->sel, &m->res, &sel);
		if (e)
			return e;
		struct smpatch p = { t->sm.items[0]->body, t->allow_name, t->allow_kind };
		e = apply_sm_set(m, sel.items, sel.len, &p, &t->sm.items[0]->origin);
		kust_acc_touched(k);
		return e;
	}
	for (size_t i = 0; i < t->sm.len; i++) {
		struct ir_resource *patch = t->sm.items[i];
		const char *msg;
		struct ir_resource *r = by_id(m, k, patch, &msg);
		if (!r)
			return diag_error(&ctx->diag, &patch->origin,
				"no resource matches strategic merge patch \"%s\": %s",
				kust_id_str(ctx, &patch->id), msg);
		bool deleted;
		int e = apply_sm(m, r, ir_clone(ctx, patch->body), t->allow_name, t->allow_kind,
			&patch->origin, &deleted);
		if (e)
			return e;
		if (deleted)
			drop(m, &r, 1);
		kust_acc_touched(k);
	}
	return 0;
}

int kust_pass_patches(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	const struct ir_node *list = ir_map_getc(k->doc, "patches");
	if (ir_is_null(list))
		return 0;
	if (!ir_is_seq(list))
		return diag_error(&ctx->diag, &list->pos,
			"invalid Kustomization: json: cannot unmarshal %s into Go struct field "
			"Kustomization.patches of type []types.Patch", ir_is_map(list) ? "object" : "string");
	struct ptrans *ts = arena_calloc(&ctx->arena, list->seq.len ? list->seq.len : 1, sizeof *ts);
	int errors = 0;
	for (uint32_t i = 0; i < list->seq.len && !errors; i++)
		errors += ptrans_config(m, k, list->seq.items[i], true, "Kustomization", &ts[i]);
	for (uint32_t i = 0; i < list->seq.len && !errors; i++) {
		errors += ptrans_run(m, k, &ts[i]);
		kust_after_transformer(m, k, "PatchTransformer");
	}
	for (uint32_t i = 0; i < list->seq.len; i++)
		kust_selector_release(&ts[i].sel);
	return errors;
}

int kust_plugin_patch(struct ir_module *m, struct kust *k, struct ir_node *cfg)
{
	struct ptrans t;
	int errors = ptrans_config(m, k, cfg, false, "PatchTransformer config", &t);
	if (!errors)
		errors = ptrans_run(m, k, &t);
	kust_selector_release(&t.sel);
	return errors;
}

/* ---------------------------------- PatchStrategicMergeTransformer */

/* loadFromPaths: each entry is tried as patch text first, then as a file. */
static int psmt_load(struct ir_module *m, struct kust *k, const struct ir_node *e,
	struct ir_reslist *out)
{
	struct mc_ctx *ctx = m->ctx;
	if (!ir_is_str(e))
		return diag_error(&ctx->diag, &e->pos,
			"invalid Kustomization: json: cannot unmarshal %s into Go struct field "
			"Kustomization.patchesStrategicMerge of type types.PatchStrategicMerge",
			ir_is_map(e) ? "object" : ir_is_seq(e) ? "array" : "number");
	struct text tx;
	inline_text(ctx, e, "patch", &tx);
	struct ir_reslist got = { 0 };
	if (!parse_sm(ctx, &tx, &got, NULL)) {
		for (size_t i = 0; i < got.len; i++) {
			got.items[i]->origin = e->pos;
			ir_reslist_push(ctx, out, got.items[i]);
		}
		return 0;
	}
	const struct srcfile *f = kust_load_file(ctx, k, e->s.text->s, &e->pos);
	if (!f)
		return 1;
	struct yaml_opts yo = { .schema = YAML_V3 };
	got.len = 0;
	int errors = kust_parse_patches(ctx, f, &yo, &got);
	for (size_t i = 0; i < got.len; i++)
		ir_reslist_push(ctx, out, got.items[i]);
	return errors;
}

static int psmt_run(struct ir_module *m, struct kust *k, struct ir_reslist *patches)
{
	for (size_t i = 0; i < patches->len; i++) {
		struct ir_resource *patch = patches->items[i];
		const char *msg;
		struct ir_resource *r = by_id(m, k, patch, &msg);
		if (!r)
			return diag_error(&m->ctx->diag, &patch->origin, "%s", msg);
		struct smpatch p = { patch->body, false, false };
		int e = apply_sm_set(m, &r, 1, &p, &patch->origin);
		kust_acc_touched(k);
		if (e)
			return e;
	}
	return 0;
}

int kust_pass_patches_smp(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	const struct ir_pair *f = field_pair(ctx, k->doc, "patchesStrategicMerge");
	if (!f || ir_is_null(f->value))
		return 0;
	diag_warn(&ctx->diag, &f->key->pos, DEPRECATED("patchesStrategicMerge"));
	const struct ir_node *list = f->value;
	if (!ir_is_seq(list))
		return diag_error(&ctx->diag, &list->pos,
			"invalid Kustomization: json: cannot unmarshal %s into Go struct field "
			"Kustomization.patchesStrategicMerge of type []types.PatchStrategicMerge",
			ir_is_map(list) ? "object" : "string");
	if (!list->seq.len)
		return 0;
	struct ir_reslist patches = { 0 };
	int errors = 0;
	for (uint32_t i = 0; i < list->seq.len && !errors; i++)
		errors += psmt_load(m, k, list->seq.items[i], &patches);
	if (errors)
		return errors;
	if (!patches.len)
		return diag_error(&ctx->diag, &list->pos, "patch appears to be empty");
	errors = psmt_run(m, k, &patches);
	kust_after_transformer(m, k, "PatchStrategicMergeTransformer");
	return errors;
}

int kust_plugin_smp(struct ir_module *m, struct kust *k, struct ir_node *cfg)
{
	struct mc_ctx *ctx = m->ctx;
	const struct ir_node *paths = ir_map_getc(cfg, "paths");
	const struct ir_node *inl = ir_map_getc(cfg, "patches");
	struct ir_reslist patches = { 0 };
	int errors = 0;
	if (!ir_is_null(paths) && !ir_is_seq(paths))
		return bad_type(ctx, paths, "PatchStrategicMergeTransformer config", "paths",
			"[]types.PatchStrategicMerge");
	if (!ir_is_null(inl) && !ir_is_str(inl))
		return bad_type(ctx, inl, "PatchStrategicMergeTransformer config", "patches", "string");
	bool has_paths = ir_is_seq(paths) && paths->seq.len;
	bool has_inline = ir_is_str(inl) && inl->s.text->len;
	if (!has_paths && !has_inline)
		return diag_error(&ctx->diag, &cfg->pos, "empty file path and empty patch content");
	for (uint32_t i = 0; has_paths && i < paths->seq.len && !errors; i++)
		errors += psmt_load(m, k, paths->seq.items[i], &patches);
	if (!errors && has_inline) {
		struct text tx;
		inline_text(ctx, inl, "patches", &tx);
		struct sbuf msg = SBUF_INIT;
		size_t before = patches.len;
		if (parse_sm(ctx, &tx, &patches, &msg))
			errors += diag_error(&ctx->diag, &inl->pos, "%s", msg.buf);
		for (size_t i = before; i < patches.len; i++)
			patches.items[i]->origin = inl->pos;
		sbuf_release(&msg);
	}
	if (errors)
		return errors;
	if (!patches.len)
		return diag_error(&ctx->diag, &cfg->pos, "patch appears to be empty");
	return psmt_run(m, k, &patches);
}

/* ------------------------------------------ PatchJson6902Transformer */

struct jtrans {
	const struct srcpos *at;
	struct kust_selector sel;
	bool has_target;
	struct kust_jpatch jp;
};

static int jtrans_config(struct ir_module *m, struct kust *k, const struct ir_node *e,
	const char *op_field, bool strict, const char *what, struct jtrans *t)
{
	struct mc_ctx *ctx = m->ctx;
	memset(t, 0, sizeof *t);
	t->at = &e->pos;
	if (!ir_is_map(e))
		return diag_error(&ctx->diag, &e->pos,
			"invalid %s: json: cannot unmarshal %s into Go value of type types.Patch", what,
			ir_is_seq(e) ? "array" : "string");
	const struct ir_node *path = NULL, *op = NULL, *target = NULL;
	int errors = 0;
	for (uint32_t i = 0; i < e->map.len; i++) {
		const struct ir_pair *p = &e->map.items[i];
		const struct str *key = p->key->s.text;
		if (str_eqc(key, "path"))
			path = p->value;
		else if (str_eqc(key, op_field))
			op = p->value;
		else if (str_eqc(key, "target"))
			target = p->value;
		else if (strict && !str_eqc(key, "options"))
			errors += diag_error(&ctx->diag, &p->key->pos,
				"invalid %s: json: unknown field \"%s\"", what, key->s);
	}
	if (path && !ir_is_null(path) && !ir_is_str(path))
		errors += bad_type(ctx, path, what, "path", "string");
	if (op && !ir_is_null(op) && !ir_is_str(op))
		errors += bad_type(ctx, op, what, op_field, "string");
	if (target && !ir_is_null(target)) {
		errors += kust_selector_parse(ctx, target, what, &t->sel);
		t->has_target = true;
	}
	if (errors)
		return errors;
	if (!t->has_target || !t->sel.name || !t->sel.name->len)
		return diag_error(&ctx->diag, target ? &target->pos : &e->pos,
			"must specify the target name");
	const char *ppath = ir_cstr(path);
	bool has_op = ir_is_str(op) && op->s.text->len;
	if ((!ppath || !*ppath) && !has_op)
		return diag_error(&ctx->diag, &e->pos, "empty file path and empty jsonOp");
	struct text tx;
	const struct srcpos *at;
	if (ppath && *ppath) {
		if (has_op)
			return diag_error(&ctx->diag, &e->pos, "must specify a file path or jsonOp, not both");
		const struct srcfile *f = kust_load_file(ctx, k, ppath, &path->pos);
		if (!f)
			return 1;
		if (!f->len)
			return diag_error(&ctx->diag, &path->pos, "patch file '%s' empty seems to be empty",
				ppath);
		file_text(f, &tx);
		at = &path->pos;
	} else {
		/* jsonOp is used as written (only its first byte decides JSON). */
		tx.f = srcfile_mem(ctx, "jsonOp", op->s.text->s, op->s.text->len);
		memset(&tx.yo, 0, sizeof tx.yo);
		tx.data = op->s.text->s;
		tx.len = op->s.text->len;
		at = &op->pos;
	}
	struct sbuf err = SBUF_INIT;
	if (kust_jpatch_decode(ctx, tx.f, &tx.yo, tx.data[0] == '[', &t->jp, &err))
		errors = diag_error(&ctx->diag, at, "decoding %.*s: %s", (int)(tx.len > 80 ? 80 : tx.len),
			tx.data, err.buf);
	else if (!t->jp.ops->seq.len)
		errors = diag_error(&ctx->diag, at, "patch appears to be empty");
	sbuf_release(&err);
	t->at = at;
	return errors;
}

static int jtrans_run(struct ir_module *m, struct kust *k, struct jtrans *t)
{
	struct ir_reslist sel = { 0 };
	int e = kust_select(m->ctx, &t->sel, &m->res, &sel);
	if (e)
		return e;
	return apply_json_set(m, k, &sel, &t->jp, false, t->at);
}

int kust_pass_json6902(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	const struct ir_pair *f = field_pair(ctx, k->doc, "patchesJson6902");
	if (!f || ir_is_null(f->value))
		return 0;
	diag_warn(&ctx->diag, &f->key->pos, DEPRECATED("patchesJson6902"));
	const struct ir_node *list = f->value;
	if (!ir_is_seq(list))
		return diag_error(&ctx->diag, &list->pos,
			"invalid Kustomization: json: cannot unmarshal %s into Go struct field "
			"Kustomization.patchesJson6902 of type []types.Patch",
			ir_is_map(list) ? "object" : "string");
	struct jtrans *ts = arena_calloc(&ctx->arena, list->seq.len ? list->seq.len : 1, sizeof *ts);
	int errors = 0;
	for (uint32_t i = 0; i < list->seq.len && !errors; i++)
		errors += jtrans_config(m, k, list->seq.items[i], "patch", true, "Kustomization", &ts[i]);
	for (uint32_t i = 0; i < list->seq.len && !errors; i++) {
		errors += jtrans_run(m, k, &ts[i]);
		kust_after_transformer(m, k, "PatchJson6902Transformer");
	}
	for (uint32_t i = 0; i < list->seq.len; i++)
		kust_selector_release(&ts[i].sel);
	return errors;
}

int kust_plugin_json6902(struct ir_module *m, struct kust *k, struct ir_node *cfg)
{
	struct jtrans t;
	int errors = jtrans_config(m, k, cfg, "jsonOp", false, "PatchJson6902Transformer config", &t);
	if (!errors)
		errors = jtrans_run(m, k, &t);
	kust_selector_release(&t.sel);
	return errors;
}
