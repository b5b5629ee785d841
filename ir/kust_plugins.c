/*
 * kust_plugins.c - `generators:`, `transformers:` and `validators:`.
 *
 * Each entry is either an inline plugin configuration (a YAML document in
 * the string) or a path: a file of configurations, or a directory whose
 * kustomization is built first (so configurations can themselves be
 * transformed).  Only builtin plugins (apiVersion: builtin) can run: the
 * kinds kustomize links statically, configured from the document as
 * kustomize configures them (YAML decoded leniently into the plugin's
 * fields, which for prefix, suffix, namespace, labels, annotations, images
 * and replicas means explicit field specs instead of the defaults).  Exec,
 * Go and container plugins are refused, as `kubectl kustomize` refuses
 * them.  A validator must not change anything.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc/passes.h"

/* sigs.k8s.io/yaml decoding: exact key first, then case-insensitively. */
static struct ir_node *cfg(const struct ir_node *map, const char *key)
{
	if (!ir_is_map(map))
		return NULL;
	struct ir_node *v = ir_map_getc(map, key);
	if (v)
		return v;
	size_t kl = strlen(key);
	struct ir_node *found = NULL;
	for (uint32_t i = 0; i < map->map.len; i++) {
		const struct str *k = map->map.items[i].key->s.text;
		if (k->len == kl && !strncasecmp(k->s, key, kl))
			found = map->map.items[i].value;
	}
	return found;
}

static const struct str *cfg_str(struct mc_ctx *ctx, const struct ir_node *map, const char *key)
{
	const struct ir_node *v = cfg(map, key);
	return ir_is_str(v) ? v->s.text : ctx->s_empty;
}

static bool cfg_bool(const struct ir_node *map, const char *key)
{
	const struct ir_node *v = cfg(map, key);
	return v && v->type == IR_BOOL && v->s.v.b;
}

static int want_specs(struct mc_ctx *ctx, struct ir_resource *r, const struct ir_node *c,
	struct kust_fslist *out, bool required)
{
	const struct ir_node *l = cfg(c, "fieldSpecs");
	if (required && ir_is_null(l))
		return diag_error(&ctx->diag, &r->origin,
			"plugin %s fails configuration: fieldSpecs is not expected to be nil",
			kust_id_str(ctx, &r->id));
	return kust_fs_parse_list(ctx, l, out, false);
}

/* The plugin's origin for transformer annotations (OriginFromCustomPlugin). */
static const char *plugin_origin(struct mc_ctx *ctx, struct ir_resource *r)
{
	const struct ir_node *ann = ir_path(r->body, "metadata/annotations");
	const char *origin = ir_cstr(ir_map_getc(ann, "config.kubernetes.io/origin"));
	if (!origin)
		return NULL;
	const char *path = "";
	if (!strncmp(origin, "path: ", 6)) {
		const char *nl = strchr(origin, '\n');
		path = arena_strndup(&ctx->arena, origin + 6, nl ? (size_t)(nl - origin - 6)
			: strlen(origin + 6));
	}
	struct sbuf sb = SBUF_INIT;
	/* (the path was quoted already when it needed quotes) */
	sbuf_printf(&sb, "configuredIn: %s\nconfiguredBy:\n",
		*path == '"' ? path : kust_origin_quote(ctx, path));
	const char *api = ir_cstr(ir_map_get(r->body, ctx->s_apiVersion));
	if (api && *api)
		sbuf_printf(&sb, "  apiVersion: %s\n", kust_origin_quote(ctx, api));
	sbuf_printf(&sb, "  kind: %s\n", kust_origin_quote(ctx, r->id.kind->s));
	if (r->id.name->len)
		sbuf_printf(&sb, "  name: %s\n", kust_origin_quote(ctx, r->id.name->s));
	if (r->id.ns->len)
		sbuf_printf(&sb, "  namespace: %s\n", kust_origin_quote(ctx, r->id.ns->s));
	const char *s = arena_strdup(&ctx->arena, sb.buf);
	sbuf_release(&sb);
	return s;
}

/* ------------------------------------------------------------ loading */

/* Parse s as YAML resources without reporting: false when it is not. */
static bool parse_inline(struct mc_ctx *ctx, struct kust *k, const struct ir_node *e,
	struct ir_reslist *out)
{
	const struct str *s = e->s.text;
	struct diag saved = ctx->diag;
	diag_init(&ctx->diag);
	const struct srcfile *f = srcfile_mem(ctx, k->file ? k->file->path : "kustomization",
		s->s, s->len);
	struct yaml_opts yo = { .schema = YAML_V3, .pos_file = k->file,
		.line_offset = e->pos.line, .col_offset = e->pos.col + 1 };
	if (e->style == IR_STYLE_LITERAL && k->file && e->pos.line) {
		/* A block scalar's position is its first content line. */
		size_t len = 0;
		const char *l = srcfile_line(k->file, e->pos.line, &len);
		uint32_t ind = 0;
		while (l && ind < len && l[ind] == ' ')
			ind++;
		yo.line_offset = e->pos.line - 1;
		yo.col_offset = ind;
	}
	struct ir_reslist got = { 0 };
	bool ok = kust_parse_resources(ctx, f, &yo, &got) == 0 && !diag_errors(&ctx->diag);
	diag_release(&ctx->diag);
	ctx->diag = saved;
	if (ok)
		for (size_t i = 0; i < got.len; i++)
			ir_reslist_push(ctx, out, got.items[i]);
	return ok;
}

/* Collect the plugin configurations of a list field into out. */
static int load_configs(struct ir_module *m, struct kust *k, const struct ir_node *list,
	struct ir_module *out)
{
	struct mc_ctx *ctx = m->ctx;
	int errors = 0;
	/* A private accumulator: configurations do not join the build. */
	struct kust tmp = *k;
	tmp.acc = arena_calloc(&ctx->arena, 1, sizeof *tmp.acc);
	out->ctx = ctx;
	out->unit = &tmp;
	VEC(const struct ir_node *) paths = { 0 };
	for (uint32_t i = 0; ir_is_seq(list) && i < list->seq.len && !errors; i++) {
		const struct ir_node *e = list->seq.items[i];
		struct ir_reslist got = { 0 };
		if (!parse_inline(ctx, k, e, &got)) {
			VEC_PUSH(&ctx->arena, &paths, e);
			continue;
		}
		for (size_t j = 0; j < got.len && !errors; j++) {
			if (k->origin_path) {
				const char *kf = k->file ? strrchr(k->file->path, '/') : NULL;
				kf = kf ? kf + 1 : (k->file ? k->file->path : "kustomization.yaml");
				const char *p = *k->origin_path
					? arena_printf(&ctx->arena, "%s/%s", k->origin_path, kf) : kf;
				kust_set_annotation(ctx, got.items[j]->body, "config.kubernetes.io/origin",
					arena_printf(&ctx->arena, "path: %s\n", kust_origin_quote(ctx, p)));
			}
			errors += kust_acc_append(out, &tmp, got.items[j], &e->pos);
		}
	}
	/* Paths: files or kustomization directories, as resources are. */
	if (!errors && paths.len) {
		struct ir_node *seq = ir_seq(ctx, &list->pos);
		for (size_t i = 0; i < paths.len; i++)
			ir_seq_push(ctx, seq, (struct ir_node *)paths.items[i]);
		errors += kust_accumulate_paths(out, &tmp, seq);
	}
	out->unit = k;
	return errors;
}

/* ------------------------------------------------------------ dispatch */

static const char *const generator_kinds[] = {
	"ConfigMapGenerator", "IAMPolicyGenerator", "SecretGenerator", "HelmChartInflationGenerator",
};
static const char *const transformer_kinds[] = {
	"AnnotationsTransformer", "HashTransformer", "ImageTagTransformer", "LabelTransformer",
	"NamespaceTransformer", "PatchJson6902Transformer", "PatchStrategicMergeTransformer",
	"PatchTransformer", "PrefixSuffixTransformer", "PrefixTransformer", "SuffixTransformer",
	"ReplacementTransformer", "ReplicaCountTransformer", "ValueAddTransformer",
};

static bool in(const struct str *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (str_eqc(s, list[i]))
			return true;
	return false;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Is r a builtin plugin config?  Reports the error kustomize gives when
 * it is not, or is not of the wanted sort. */
static int check_plugin(struct mc_ctx *ctx, struct ir_resource *r, bool generator)
{
	if (r->id.group->len || !str_eqc(r->id.version, "builtin")) {
		return diag_error(&ctx->diag, &r->origin,
			"external plugins disabled; unable to load external plugin '%s'", r->id.kind->s);
	}
	bool g = in(r->id.kind, generator_kinds, N(generator_kinds));
	bool t = in(r->id.kind, transformer_kinds, N(transformer_kinds));
	if (!g && !t)
		return diag_error(&ctx->diag, &r->origin, "unable to load builtin %s",
			kust_id_str(ctx, &r->id));
	if (generator && !g)
		return diag_error(&ctx->diag, &r->origin, "failed to load generator: plugin %s not a generator",
			kust_id_str(ctx, &r->id));
	if (!generator && !t)
		return diag_error(&ctx->diag, &r->origin, "plugin %s not a transformer",
			kust_id_str(ctx, &r->id));
	return 0;
}

/* HashTransformer: hash suffixes on what needs them, now. */
int kust_hash_apply(struct ir_module *m, struct kust *k);

static int run_transformer(struct ir_module *m, struct kust *k, struct ir_resource *p)
{
	struct mc_ctx *ctx = m->ctx;
	kust_plugin_canon(ctx, p->body, p->id.kind);
	struct ir_node *c = p->body;
	const struct str *kind = p->id.kind;
	const struct srcpos *at = &p->origin;
	struct kust_fslist specs = { 0 };
	int errors = 0;
	if (str_eqc(kind, "PrefixTransformer") || str_eqc(kind, "SuffixTransformer") ||
	    str_eqc(kind, "PrefixSuffixTransformer")) {
		if ((errors = want_specs(ctx, p, c, &specs, true)))
			return errors;
		bool both = str_eqc(kind, "PrefixSuffixTransformer");
		if (both || str_eqc(kind, "PrefixTransformer"))
			errors += kust_affix_apply(m, k, cfg_str(ctx, c, "prefix"), false, &specs, at);
		if (!errors && (both || str_eqc(kind, "SuffixTransformer")))
			errors += kust_affix_apply(m, k, cfg_str(ctx, c, "suffix"), true, &specs, at);
	} else if (str_eqc(kind, "NamespaceTransformer")) {
		if ((errors = want_specs(ctx, p, c, &specs, false)))
			return errors;
		const struct str *ns = cfg_str(ctx, cfg(c, "metadata"), "namespace");
		errors += kust_namespace_apply(m, k, ns, &specs, cfg_bool(c, "unsetOnly"),
			cfg_str(ctx, c, "setRoleBindingSubjects")->s, at);
	} else if (str_eqc(kind, "LabelTransformer") || str_eqc(kind, "AnnotationsTransformer")) {
		if ((errors = want_specs(ctx, p, c, &specs, false)))
			return errors;
		bool labels = str_eqc(kind, "LabelTransformer");
		const struct ir_node *pairs = cfg(c, labels ? "labels" : "annotations");
		if (!ir_is_null(pairs) && !ir_is_map(pairs))
			return diag_error(&ctx->diag, &pairs->pos, "plugin %s fails configuration: %s must be a map",
				kust_id_str(ctx, &p->id), labels ? "labels" : "annotations");
		errors += kust_pairs_apply(m, k, pairs, &specs, at);
	} else if (str_eqc(kind, "ImageTagTransformer")) {
		if ((errors = want_specs(ctx, p, c, &specs, false)))
			return errors;
		struct ir_node *img = cfg(c, "imageTag");
		errors += kust_image_apply(m, k, ir_is_map(img) ? img : ir_map(ctx, at), &specs, at);
	} else if (str_eqc(kind, "ReplicaCountTransformer")) {
		if ((errors = want_specs(ctx, p, c, &specs, false)))
			return errors;
		const struct ir_node *rep = cfg(c, "replica");
		const struct ir_node *count = cfg(rep, "count");
		errors += kust_replica_apply(m, k, cfg_str(ctx, rep, "name"),
			count && count->type == IR_INT ? count->s.v.i : 0, &specs, at);
	} else if (str_eqc(kind, "HashTransformer")) {
		errors += kust_hash_apply(m, k);
	} else if (str_eqc(kind, "PatchTransformer")) {
		errors += kust_plugin_patch(m, k, c);
	} else if (str_eqc(kind, "PatchStrategicMergeTransformer")) {
		errors += kust_plugin_smp(m, k, c);
	} else if (str_eqc(kind, "PatchJson6902Transformer")) {
		errors += kust_plugin_json6902(m, k, c);
	} else if (str_eqc(kind, "ReplacementTransformer")) {
		errors += kust_plugin_replacement(m, k, c);
	} else if (str_eqc(kind, "ValueAddTransformer")) {
		errors += kust_plugin_valueadd(m, k, c);
	} else {
		errors += diag_error(&ctx->diag, at, "the builtin plugin %s is not supported by manifestc",
			kind->s);
	}
	return errors;
}

static int run_generator(struct ir_module *m, struct kust *k, struct ir_resource *p)
{
	struct mc_ctx *ctx = m->ctx;
	kust_plugin_canon(ctx, p->body, p->id.kind);
	struct ir_node *c = p->body;
	const struct str *kind = p->id.kind;
	const char *po = plugin_origin(ctx, p);
	if (str_eqc(kind, "ConfigMapGenerator") || str_eqc(kind, "SecretGenerator")) {
		/* The args sit at the top of the document; metadata supplies the
		 * name and namespace when the args do not. */
		struct ir_node *g = ir_map(ctx, &c->pos);
		static const char *const keys[] = { "name", "namespace", "behavior", "literals",
			"files", "envs", "options", "type" };
		for (size_t i = 0; i < N(keys); i++) {
			struct ir_node *v = cfg(c, keys[i]);
			if (v)
				ir_map_setc(ctx, g, keys[i], v);
		}
		const struct ir_node *md = cfg(c, "metadata");
		if (!cfg_str(ctx, g, "name")->len && cfg(md, "name"))
			ir_map_setc(ctx, g, "name", cfg(md, "name"));
		if (!cfg_str(ctx, g, "namespace")->len && cfg(md, "namespace"))
			ir_map_setc(ctx, g, "namespace", cfg(md, "namespace"));
		return kust_generate(m, k, g, str_eqc(kind, "SecretGenerator"), NULL, po);
	}
	if (str_eqc(kind, "IAMPolicyGenerator")) {
		const struct str *cloud = cfg_str(ctx, c, "cloud");
		if (!str_eqc(cloud, "gke"))
			return diag_error(&ctx->diag, &p->origin, "cloud provider %s not supported yet",
				cloud->s);
		const struct ir_node *svc = cfg(c, "kubernetesService");
		const struct ir_node *sa = cfg(c, "serviceAccount");
		struct ir_node *body = ir_map(ctx, &c->pos);
		ir_map_setc(ctx, body, "apiVersion", ir_str0(ctx, "v1", &c->pos));
		ir_map_setc(ctx, body, "kind", ir_str0(ctx, "ServiceAccount", &c->pos));
		struct ir_node *md = ir_map_setc(ctx, body, "metadata", ir_map(ctx, &c->pos));
		struct ir_node *ann = ir_map_setc(ctx, md, "annotations", ir_map(ctx, &c->pos));
		ir_map_setc(ctx, ann, "iam.gke.io/gcp-service-account",
			ir_strs(ctx, str_printf(&ctx->strs, "%s@%s.iam.gserviceaccount.com",
				cfg_str(ctx, sa, "name")->s, cfg_str(ctx, sa, "projectId")->s), &c->pos));
		ir_map_setc(ctx, md, "name", ir_strs(ctx, cfg_str(ctx, svc, "name"), &c->pos));
		const struct str *ns = cfg_str(ctx, svc, "namespace");
		if (ns->len)
			ir_map_setc(ctx, md, "namespace", ir_strs(ctx, ns, &c->pos));
		if (po)
			kust_set_annotation(ctx, body, "config.kubernetes.io/origin", po);
		struct ir_resource *r = ir_resource_new(ctx, body, &p->origin);
		struct ir_resource *found[1];
		if (kust_acc_find_any(m, k, &r->id, found, 1))
			return diag_error(&ctx->diag, &p->origin,
				"id %s exists; behavior must be merge or replace", kust_id_str(ctx, &r->id));
		return kust_acc_append(m, k, r, &p->origin);
	}
	/* HelmChartInflationGenerator: the chart and global args sit at the
	 * top of the document. */
	return kust_helm_chart(m, k, c, c);
}

int kust_plugins_generators(struct ir_module *m, struct kust *k)
{
	const struct ir_node *l = ir_map_getc(k->doc, "generators");
	if (!ir_is_seq(l) || !l->seq.len)
		return 0;
	struct ir_module cfgs = { 0 };
	int errors = load_configs(m, k, l, &cfgs);
	for (size_t i = 0; i < cfgs.res.len && !errors; i++) {
		struct ir_resource *p = cfgs.res.items[i];
		errors += check_plugin(m->ctx, p, true);
		if (!errors)
			errors += run_generator(m, k, p);
	}
	return errors;
}

int kust_pass_transformers(struct ir_module *m)
{
	struct kust *k = m->unit;
	const struct ir_node *l = ir_map_getc(k->doc, "transformers");
	if (!ir_is_seq(l) || !l->seq.len)
		return 0;
	struct ir_module cfgs = { 0 };
	int errors = load_configs(m, k, l, &cfgs);
	for (size_t i = 0; i < cfgs.res.len && !errors; i++)
		errors += check_plugin(m->ctx, cfgs.res.items[i], false);
	for (size_t i = 0; i < cfgs.res.len && !errors; i++) {
		struct ir_resource *p = cfgs.res.items[i];
		errors += run_transformer(m, k, p);
		if (!errors)
			kust_after_plugin(m, k, plugin_origin(m->ctx, p));
	}
	return errors;
}

static bool same_ignoring_validated(struct mc_ctx *ctx, const struct ir_node *a,
	struct ir_node *b)
{
	struct ir_node *labels = ir_path(b, "metadata/labels");
	if (ir_is_map(labels) && ir_map_getc(labels, "validated-by")) {
		b = ir_clone(ctx, b);
		ir_map_delc(ir_path(b, "metadata/labels"), "validated-by");
	}
	return ir_equal(a, b);
}

int kust_pass_validators(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	const struct ir_node *l = ir_map_getc(k->doc, "validators");
	if (!ir_is_seq(l) || !l->seq.len)
		return 0;
	struct ir_module cfgs = { 0 };
	int errors = load_configs(m, k, l, &cfgs);
	for (size_t i = 0; i < cfgs.res.len && !errors; i++)
		errors += check_plugin(ctx, cfgs.res.items[i], false);
	for (size_t i = 0; i < cfgs.res.len && !errors; i++) {
		/* Run on a copy, then insist nothing changed. */
		struct ir_module copy = { ctx, { 0 }, k };
		for (size_t j = 0; j < m->res.len; j++) {
			struct ir_resource *r = m->res.items[j];
			struct ir_resource *c = ir_resource_new(ctx, ir_clone(ctx, r->body), &r->origin);
			kust_res_copy(ctx, c, r);
			ir_reslist_push(ctx, &copy.res, c);
		}
		struct kust_acc *saved = k->acc;
		struct kust_acc tmp = *saved;
		tmp.idx = NULL;
		k->acc = &tmp;
		errors += run_transformer(&copy, k, cfgs.res.items[i]);
		k->acc = saved;
		kust_acc_touched(k);
		if (errors)
			break;
		bool same = copy.res.len == m->res.len;
		for (size_t j = 0; j < copy.res.len && same; j++)
			same = same_ignoring_validated(ctx, m->res.items[j]->body, copy.res.items[j]->body);
		if (!same)
			errors += diag_error(&ctx->diag, &cfgs.res.items[i]->origin,
				"validator shouldn't modify the resource map");
	}
	return errors;
}
