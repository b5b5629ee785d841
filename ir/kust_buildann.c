/*
 * kust_buildann.c - kustomize's build annotations, where users can see them.
 *
 * kustomize keeps a resource's history (previous names, namespaces and
 * kinds, prefixes, suffixes, generator behaviour, the hash flag) in
 * "internal.config.kubernetes.io/..." annotations of the resource itself
 * and strips them only at the very end.  We keep those facts in struct
 * kust_res instead, which is faster and simpler everywhere the annotations
 * are only bookkeeping.  But a few user-written operations see the whole
 * annotations map: a JSON 6902 patch (`copy from: /metadata/annotations`,
 * `add /metadata/annotations/x` on a resource with no annotations of its
 * own), a strategic merge patch that replaces or clears the map, a
 * replacement whose source or target is the map.  Around those operations
 * kust_buildann_show writes the state into the map exactly as kustomize
 * would hold it, and kust_buildann_absorb reads back whatever the operation
 * left there (a patch that cleared the map also cleared the history, so
 * name references stop following the resource, as in kustomize) and takes
 * it out of the map again.
 */
#include <string.h>

#include "mc/passes.h"

#define P "internal.config.kubernetes.io/"

enum {
	A_PKINDS, A_PNAMES, A_PREFIXES, A_SUFFIXES, A_PNS, A_ALLOWNAME, A_ALLOWKIND,
	A_REFBY, A_BEHAVIOR, A_NEEDSHASH, A_NKEYS
};

/* resource.BuildAnnotations, in kustomize's order: the build state first,
 * then the kio reader's bookkeeping keys (which kustomize also strips). */
static const char *const build_keys[] = {
	P "previousKinds", P "previousNames", P "prefixes", P "suffixes",
	P "previousNamespaces", P "allowNameChange", P "allowKindChange", P "refBy",
	P "generatorBehavior", P "needsHashSuffix",
	P "path", P "index", P "seqindent", P "id", P "annotations-migration-resource-id",
	"config.kubernetes.io/path", "config.kubernetes.io/index", "config.k8s.io/id",
};
#define N_BUILD_KEYS (sizeof build_keys / sizeof *build_keys)

bool kust_is_build_annotation(const struct str *key)
{
	for (size_t i = 0; i < N_BUILD_KEYS; i++)
		if (str_eqc(key, build_keys[i]))
			return true;
	return false;
}

/* kioutil.GetInternalAnnotations: what a JSON 6902 patch cannot change. */
static bool is_internal(const struct str *key)
{
	return (key->len >= sizeof P - 1 && !memcmp(key->s, P, sizeof P - 1)) ||
		str_eqc(key, "config.kubernetes.io/path") || str_eqc(key, "config.kubernetes.io/index") ||
		str_eqc(key, "config.k8s.io/id");
}

static const char *const behaviors[] = { "unspecified", "create", "replace", "merge" };

/* Comma-joined values, as appendCsvAnnotation writes them. */
static const struct str *csv(struct mc_ctx *ctx, const struct str *const *v, size_t n,
	size_t stride)
{
	struct sbuf b = SBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_addc(&b, ',');
		sbuf_addstr(&b, *(const struct str *const *)((const char *)v + i * stride));
	}
	const struct str *s = mc_intern(ctx, b.buf, b.len);
	sbuf_release(&b);
	return s;
}

/* The build annotations r carries now, as kustomize would have them. */
static size_t state_pairs(struct mc_ctx *ctx, struct ir_resource *r, const char **keys,
	const struct str **vals)
{
	struct kust_res *x = r->ext;
	size_t n = 0;
	if (!x)
		return 0;
	if (x->prev.len) {
		size_t st = sizeof *x->prev.items;
		keys[n] = build_keys[A_PKINDS];
		vals[n++] = csv(ctx, &x->prev.items[0].kind, x->prev.len, st);
		keys[n] = build_keys[A_PNAMES];
		vals[n++] = csv(ctx, &x->prev.items[0].name, x->prev.len, st);
		keys[n] = build_keys[A_PNS];
		vals[n++] = csv(ctx, &x->prev.items[0].ns, x->prev.len, st);
	}
	if (x->prefixes.len) {
		keys[n] = build_keys[A_PREFIXES];
		vals[n++] = csv(ctx, x->prefixes.items, x->prefixes.len, sizeof *x->prefixes.items);
	}
	if (x->suffixes.len) {
		keys[n] = build_keys[A_SUFFIXES];
		vals[n++] = csv(ctx, x->suffixes.items, x->suffixes.len, sizeof *x->suffixes.items);
	}
	if (x->allow_name_change) {
		keys[n] = build_keys[A_ALLOWNAME];
		vals[n++] = mc_intern0(ctx, "enabled");
	}
	if (x->allow_kind_change) {
		keys[n] = build_keys[A_ALLOWKIND];
		vals[n++] = mc_intern0(ctx, "enabled");
	}
	if (x->generated) {
		keys[n] = build_keys[A_BEHAVIOR];
		vals[n++] = mc_intern0(ctx, behaviors[x->behavior < 4 ? x->behavior : 0]);
	}
	if (x->needs_hash) {
		keys[n] = build_keys[A_NEEDSHASH];
		vals[n++] = mc_intern0(ctx, "enabled");
	}
	return n;
}

bool kust_buildann_any(struct ir_resource *r)
{
	const struct kust_res *x = r->ext;
	return x && (x->prev.len || x->prefixes.len || x->suffixes.len || x->allow_name_change ||
		x->allow_kind_change || x->generated || x->needs_hash);
}

void kust_buildann_show(struct mc_ctx *ctx, struct ir_resource *r, struct kust_shown *s)
{
	const char *keys[A_NKEYS];
	const struct str *vals[A_NKEYS];
	s->created = false;
	s->shown = false;
	size_t n = state_pairs(ctx, r, keys, vals);
	if (!n || !ir_is_map(r->body))
		return;
	struct ir_node *md = ir_map_get(r->body, ctx->s_metadata);
	if (!ir_is_map(md))
		return;
	struct ir_node *ann = ir_map_get(md, ctx->s_annotations);
	if (!ann) {
		ann = ir_map_set(ctx, md, ctx->s_annotations, ir_map(ctx, &md->pos));
		s->created = true;
	} else if (!ir_is_map(ann)) {
		return;
	}
	for (size_t i = 0; i < n; i++)
		ir_map_setc(ctx, ann, keys[i], ir_strs(ctx, vals[i], &ann->pos));
	s->shown = true;
}

static const struct str *ann_value(const struct ir_node *ann, const char *key)
{
	const struct ir_node *v = ir_map_getc(ann, key);
	return ir_is_scalar(v) ? v->s.text : NULL;
}

typedef VEC(const struct str *) strvec;

/* strings.Split(s, ",") into out (a missing key gives no item). */
static void split_csv(struct mc_ctx *ctx, const struct str *s, strvec *out)
{
	out->len = 0;
	if (!s)
		return;
	const char *p = s->s, *end = s->s + s->len;
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *e = c ? c : end;
		VEC_PUSH(&ctx->arena, out, mc_intern(ctx, p, (size_t)(e - p)));
		if (!c)
			break;
		p = c + 1;
	}
}

void kust_buildann_absorb(struct mc_ctx *ctx, struct ir_resource *r, const struct kust_shown *s)
{
	struct ir_node *md = ir_is_map(r->body) ? ir_map_get(r->body, ctx->s_metadata) : NULL;
	struct ir_node *ann = ir_is_map(md) ? ir_map_get(md, ctx->s_annotations) : NULL;
	if (!ir_is_map(ann))
		ann = NULL;
	if (!ann && !kust_buildann_any(r))
		return;
	struct kust_res *x = kust_res_of(ctx, r);
	/* The previous ids: three parallel lists (utils.PrevIds). */
	x->prev.len = 0;
	const struct str *pn = ann_value(ann, build_keys[A_PNAMES]);
	if (pn) {
		strvec names = { 0 }, nss = { 0 }, kinds = { 0 };
		split_csv(ctx, pn, &names);
		split_csv(ctx, ann_value(ann, build_keys[A_PNS]), &nss);
		split_csv(ctx, ann_value(ann, build_keys[A_PKINDS]), &kinds);
		size_t n = names.len < nss.len ? names.len : nss.len;
		n = n < kinds.len ? n : kinds.len;
		for (size_t i = 0; i < n; i++) {
			struct kust_previd p = { nss.items[i], names.items[i], kinds.items[i] };
			VEC_PUSH(&ctx->arena, &x->prev, p);
		}
	}
	strvec l = { 0 };
	split_csv(ctx, ann_value(ann, build_keys[A_PREFIXES]), &l);
	x->prefixes.len = 0;
	for (size_t i = 0; i < l.len; i++)
		VEC_PUSH(&ctx->arena, &x->prefixes, l.items[i]);
	split_csv(ctx, ann_value(ann, build_keys[A_SUFFIXES]), &l);
	x->suffixes.len = 0;
	for (size_t i = 0; i < l.len; i++)
		VEC_PUSH(&ctx->arena, &x->suffixes, l.items[i]);
	const struct str *v = ann_value(ann, build_keys[A_ALLOWNAME]);
	x->allow_name_change = v && str_eqc(v, "enabled");
	v = ann_value(ann, build_keys[A_ALLOWKIND]);
	x->allow_kind_change = v && str_eqc(v, "enabled");
	v = ann_value(ann, build_keys[A_NEEDSHASH]);
	x->needs_hash = v && str_eqc(v, "enabled");
	v = ann_value(ann, build_keys[A_BEHAVIOR]);
	x->generated = v != NULL;
	x->behavior = KUST_BEHAVIOR_UNSET;
	for (uint8_t b = 1; v && b < 4; b++)
		if (str_eqc(v, behaviors[b]))
			x->behavior = b;
	if (!ann)
		return;
	for (size_t i = 0; i < A_NKEYS; i++)
		ir_map_delc(ann, build_keys[i]);
	if (!ann->map.len && s && s->created)
		ir_map_del(md, ctx->s_annotations);
}

struct ir_node *kust_buildann_internal(struct mc_ctx *ctx, struct ir_resource *r)
{
	const struct ir_node *ann = ir_path(r->body, "metadata/annotations");
	struct ir_node *out = NULL;
	for (uint32_t i = 0; ir_is_map(ann) && i < ann->map.len; i++) {
		const struct ir_pair *p = &ann->map.items[i];
		if (!is_internal(p->key->s.text))
			continue;
		if (!out)
			out = ir_map(ctx, &ann->pos);
		const struct str *t = ir_is_scalar(p->value) ? p->value->s.text : ctx->s_empty;
		ir_map_set(ctx, out, p->key->s.text, ir_strs(ctx, t, &p->value->pos));
	}
	return out;
}

/* GetAnnotations: a scalar gives its text, anything else "" (in a new
 * node: SetAnnotations writes fresh nodes, sharing none). */
static struct ir_node *as_string(struct mc_ctx *ctx, struct ir_node *v, const struct srcpos *at)
{
	return ir_strs(ctx, ir_is_scalar(v) ? v->s.text : ctx->s_empty, v ? &v->pos : at);
}

void kust_set_annotations_strings(struct mc_ctx *ctx, struct ir_node *body,
	const struct ir_node *extra)
{
	if (!ir_is_map(body))
		return;
	struct ir_node *md = ir_map_child(ctx, body, "metadata");
	struct ir_pair *p = ir_map_find(md, ctx->s_annotations);
	struct ir_node *ann = p && ir_is_map(p->value) ? p->value : NULL;
	struct ir_node *out = ir_map(ctx, ann ? &ann->pos : &md->pos);
	for (uint32_t i = 0; ann && i < ann->map.len; i++)
		ir_map_set(ctx, out, ann->map.items[i].key->s.text,
			as_string(ctx, ann->map.items[i].value, &ann->pos));
	for (uint32_t i = 0; extra && i < extra->map.len; i++)
		ir_map_set(ctx, out, extra->map.items[i].key->s.text, extra->map.items[i].value);
	if (!out->map.len) {
		ir_map_del(md, ctx->s_annotations);
		return;
	}
	ir_map_set(ctx, md, ctx->s_annotations, out);
}
