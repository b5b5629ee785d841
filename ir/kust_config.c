/*
 * kust_config.c - `configurations:` and `crds:` (the transformer
 * configuration of a kustomization).
 *
 * The builtin field specs, extended by each configuration file (a
 * TransformerConfig document: namePrefix, commonLabels, nameReference,
 * varReference, images, replicas... lists) and by the OpenAPI definitions
 * of `crds:` files (x-kubernetes-annotation, -label-selector, -identity and
 * object-ref extensions), are merged into the accumulator, as kustomize's
 * accumulateTarget does before running generators.
 */
#include <string.h>
#include <strings.h>

#include "mc/passes.h"

/* ---- crds ---- */

struct crdctx {
	struct mc_ctx *ctx;
	const struct ir_node *defs; /* name -> {Schema, Dependencies} */
	struct kust_tconfig *tc;
	const struct str *kind;
	int errors;
	const struct srcpos *at;
};

static const struct ir_node *ci_get(const struct ir_node *map, const char *key)
{
	if (!ir_is_map(map))
		return NULL;
	const struct ir_node *v = NULL;
	size_t kl = strlen(key);
	for (uint32_t i = 0; i < map->map.len; i++) {
		const struct str *k = map->map.items[i].key->s.text;
		if (k->len == kl && !strncasecmp(k->s, key, kl))
			v = map->map.items[i].value;
	}
	return ir_map_getc(map, key) ? ir_map_getc(map, key) : v;
}

static bool ext_str(const struct ir_node *prop, const char *key, const char **out)
{
	const struct ir_node *v = ir_map_getc(prop, key);
	if (!ir_is_str(v))
		return false;
	if (out)
		*out = ir_cstr(v);
	return true;
}

static void add_fs(struct crdctx *c, struct kust_fslist *l, const char *path)
{
	struct kust_fs fs;
	kust_fs_init(c->ctx, &fs, NULL, NULL, c->kind->s, path, false);
	c->errors += kust_fs_merge(c->ctx, l, &fs, c->at);
}

static void load_type(struct crdctx *c, const char *type, const char *path, int depth)
{
	if (depth > 32)
		return;
	const struct ir_node *api = ir_map_getc(c->defs, type);
	const struct ir_node *props = ci_get(ci_get(api, "Schema"), "properties");
	for (uint32_t i = 0; ir_is_map(props) && i < props->map.len; i++) {
		const char *name = props->map.items[i].key->s.text->s;
		const struct ir_node *p = props->map.items[i].value;
		const char *full = *path ? arena_printf(&c->ctx->arena, "%s/%s", path, name)
			: arena_strdup(&c->ctx->arena, name);
		if (ext_str(p, "x-kubernetes-annotation", NULL))
			add_fs(c, &c->tc->fs[KUST_FS_COMMON_ANNOTATIONS], full);
		if (ext_str(p, "x-kubernetes-label-selector", NULL))
			add_fs(c, &c->tc->fs[KUST_FS_COMMON_LABELS], full);
		if (ext_str(p, "x-kubernetes-identity", NULL))
			add_fs(c, &c->tc->fs[KUST_FS_PREFIX], full);
		const char *version, *kind, *namekey = "name";
		if (ext_str(p, "x-kubernetes-object-ref-api-version", &version) &&
		    ext_str(p, "x-kubernetes-object-ref-kind", &kind)) {
			ext_str(p, "x-kubernetes-object-ref-name-key", &namekey);
			struct kust_tconfig one = { 0 };
			struct kust_nameref nr = { c->ctx->s_empty, mc_intern0(c->ctx, version),
				mc_intern0(c->ctx, kind), { 0 } };
			add_fs(c, &nr.referrers, arena_printf(&c->ctx->arena, "%s/%s", full, namekey));
			VEC_PUSH(&c->ctx->arena, &one.nameref, nr);
			c->errors += kust_tconfig_merge(c->ctx, c->tc, &one, c->at);
		}
		const char *ref = ir_cstr(ir_map_getc(p, "$ref"));
		if (ref && *ref)
			load_type(c, ref, full, depth + 1);
	}
}

static int load_crds(struct ir_module *m, struct kust *k, struct kust_tconfig *out)
{
	struct mc_ctx *ctx = m->ctx;
	const struct ir_node *l = ir_map_getc(k->doc, "crds");
	int errors = 0;
	for (uint32_t i = 0; ir_is_seq(l) && i < l->seq.len && !errors; i++) {
		const struct ir_node *e = l->seq.items[i];
		const struct srcfile *f = kust_load_file(ctx, k, ir_cstr(e), &e->pos);
		if (!f)
			return 1;
		struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK };
		struct ir_node *doc;
		if (yaml_load_one(ctx, f, &yo, &doc))
			return 1;
		if (!ir_is_map(doc))
			return diag_error(&ctx->diag, &e->pos,
				"unable to parse open API definition from '%s'", ir_cstr(e));
		struct kust_tconfig tc = { 0 };
		for (uint32_t j = 0; j < doc->map.len; j++) {
			const char *name = doc->map.items[j].key->s.text->s;
			const struct ir_node *props = ci_get(ci_get(doc->map.items[j].value, "Schema"),
				"properties");
			if (!ir_map_getc(props, "kind") || !ir_map_getc(props, "apiVersion") ||
			    !ir_map_getc(props, "metadata"))
				continue;
			const char *dot = strrchr(name, '.');
			struct crdctx c = { ctx, doc, &tc, mc_intern0(ctx, dot ? dot + 1 : name), 0, &e->pos };
			load_type(&c, name, "", 0);
			errors += c.errors;
		}
		errors += kust_tconfig_merge(ctx, out, &tc, &e->pos);
	}
	return errors;
}

int kust_pass_configurations(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	struct srcpos top = { k->file, 1, 1 };
	/* MakeTransformerConfig: the defaults merged with the configuration
	 * files (each merged into an empty config in turn), then merged into
	 * the accumulator.  The order matters: merging keeps the first of two
	 * specs when the later one's GVK selects the earlier one's, and merges
	 * sort by GVK with empty fields last, so a kind-specific spec from a
	 * file can displace a builtin spec for every kind. */
	if (!k->top->default_tc)
		k->top->default_tc = kust_tconfig_default(ctx);
	int errors = 0;
	const struct ir_node *l = ir_map_getc(k->doc, "configurations");
	if (ir_is_seq(l) && l->seq.len) {
		struct kust_tconfig files = { 0 };
		for (uint32_t i = 0; i < l->seq.len && !errors; i++) {
			const struct ir_node *e = l->seq.items[i];
			const struct srcfile *f = kust_load_file(ctx, k, ir_cstr(e), &e->pos);
			if (!f)
				return 1;
			struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK };
			struct ir_node *doc;
			if (yaml_load_one(ctx, f, &yo, &doc))
				return 1;
			struct kust_tconfig one;
			errors += kust_tconfig_parse(ctx, doc, &one);
			if (!errors)
				errors += kust_tconfig_merge(ctx, &files, &one, &e->pos);
		}
		struct kust_tconfig tc = { 0 };
		kust_tconfig_copy(ctx, &tc, k->top->default_tc);
		if (!errors)
			errors += kust_tconfig_merge(ctx, &tc, &files, &top);
		if (!errors)
			errors += kust_tconfig_merge(ctx, &k->acc->tc, &tc, &top);
	} else {
		errors += kust_tconfig_merge(ctx, &k->acc->tc, k->top->default_tc, &top);
	}
	struct kust_tconfig crds = { 0 };
	if (!errors)
		errors += load_crds(m, k, &crds);
	if (!errors)
		errors += kust_tconfig_merge(ctx, &k->acc->tc, &crds, &top);
	return errors;
}
