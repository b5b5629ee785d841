/*
 * kust_helm.c - `helmCharts` (kustomize's HelmChartInflationGenerator).
 *
 * kubectl refuses helmCharts unless --enable-helm is given, and then runs
 * the helm binary; manifestc renders the chart with its own Helm frontend
 * instead, local charts only (a chart missing under chartHome would be
 * pulled from the network: refused).  Arguments follow kustomize's:
 * chartHome defaults to `charts` (with version and repo set, the chart sits
 * in `<name>-<version>/`); the values are the chart's values file (by
 * default its own values.yaml, read through the load restrictor), merged
 * with valuesInline as valuesMerge says (override: inline wins; merge: the
 * file wins; replace: inline only, with kyaml's merge walk, lists replaced),
 * then additionalValuesFiles; --helm-kube-version and --helm-api-versions
 * override the chart's.  The output is read as resources and absorbed like
 * any generator's (an id already present is an error).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mc/passes.h"

static const char *str_arg(const struct ir_node *m, const char *key)
{
	const char *s = ir_cstr(ir_map_getc(m, key));
	return s ? s : "";
}

static bool bool_arg(const struct ir_node *m, const char *key)
{
	const struct ir_node *b = ir_map_getc(m, key);
	return b && b->type == IR_BOOL && b->s.v.b;
}

/* Load a YAML values document through the restrictor. */
static struct ir_node *load_values(struct mc_ctx *ctx, struct kust *k, const char *path,
	const struct srcpos *at)
{
	const struct srcfile *f = kust_load_file(ctx, k, path, at);
	if (!f)
		return NULL;
	struct yaml_opts yo = { .schema = YAML_V3 };
	struct ir_node *doc = NULL;
	if (yaml_load_one(ctx, f, &yo, &doc))
		return NULL;
	return doc ? doc : ir_map(ctx, at);
}

int kust_helm_chart(struct ir_module *m, struct kust *k, const struct ir_node *chart,
	const struct ir_node *globals)
{
	struct mc_ctx *ctx = m->ctx;
	const struct srcpos *at = &chart->pos;
	if (!k->opts->enable_helm)
		return diag_error(&ctx->diag, at,
			"trouble configuring builtin HelmChartInflationGenerator: must specify --enable-helm");
	const char *name = str_arg(chart, "name");
	if (!*name)
		return diag_error(&ctx->diag, at, "chart name cannot be empty");
	const char *home = str_arg(globals, "chartHome");
	if (!*home)
		home = "charts";
	const char *abs_home = kust_path_join(ctx, home[0] == '/' ? "" : k->dir, home);
	const char *version = str_arg(chart, "version"), *repo = str_arg(chart, "repo");
	if (*version && *repo)
		abs_home = kust_path_join(ctx, abs_home, arena_printf(&ctx->arena, "%s-%s", name, version));
	const char *dir = kust_path_join(ctx, abs_home, name);
	const char *values_file = str_arg(chart, "valuesFile");
	if (!*values_file)
		values_file = kust_path_join(ctx, dir, "values.yaml");
	else if (values_file[0] != '/')
		values_file = kust_path_join(ctx, k->dir, values_file);
	/* values files are read relative to the kustomization */
	const char *values_rel = path_rel(k->dir, values_file);

	VEC(const char *) files = { 0 };
	const struct ir_node *more = ir_map_getc(chart, "additionalValuesFiles");
	for (uint32_t i = 0; ir_is_seq(more) && i < more->seq.len; i++) {
		const struct ir_node *e = more->seq.items[i];
		if (!kust_load_file(ctx, k, ir_cstr(e), &e->pos))
			return 1;
		VEC_PUSH(&ctx->arena, &files, kust_path_join(ctx, k->dir, ir_cstr(e)));
	}
	const char *merge = str_arg(chart, "valuesMerge");
	if (!*merge)
		merge = "override";
	else if (strcmp(merge, "merge") && strcmp(merge, "override") && strcmp(merge, "replace"))
		return diag_error(&ctx->diag, at, "valuesMerge must be one of [merge override replace]");

	struct stat st;
	char *real = NULL;
	bool present = vfs_realpath(ctx->fs, dir, &real) == 0 && stat(real, &st) == 0 &&
		S_ISDIR(st.st_mode);
	free(real);
	if (!present) {
		if (!*repo)
			return diag_error(&ctx->diag, at,
				"no repo specified for pull, no chart found at '%s'", dir);
		return diag_error(&ctx->diag, at,
			"chart '%s' is not under '%s': pulling it from %s is not supported, manifestc works "
			"offline", name, abs_home, repo);
	}
	const char *release = str_arg(chart, "releaseName");
	if (!*release)
		return diag_error(&ctx->diag, at,
			"helmCharts without releaseName: helm would generate a random release name; "
			"set releaseName");

	struct helm_template_opts o = { 0 };
	o.chart = dir;
	o.release_name = release;
	if (*str_arg(chart, "namespace"))
		o.namespace_ = str_arg(chart, "namespace");
	if (*str_arg(chart, "nameTemplate"))
		o.name_template = str_arg(chart, "nameTemplate");
	const struct ir_node *inline_values = ir_map_getc(chart, "valuesInline");
	VEC(const char *) vfiles = { 0 };
	if (ir_is_map(inline_values) && inline_values->map.len) {
		struct ir_node *merged = ir_clone(ctx, inline_values);
		if (strcmp(merge, "replace")) {
			struct ir_node *file = load_values(ctx, k, values_rel, at);
			if (!file)
				return 1;
			struct ir_node *target = !strcmp(merge, "override") ? file : merged;
			struct ir_node *patch = !strcmp(merge, "override") ? merged : file;
			struct sbuf err = SBUF_INIT;
			if (kust_smp_merge(ctx, NULL, target, patch, &merged, &err)) {
				int e = diag_error(&ctx->diag, at, "could not merge values: %s", err.buf);
				sbuf_release(&err);
				return e;
			}
			sbuf_release(&err);
			if (!merged)
				merged = ir_map(ctx, at);
		}
		o.values = merged;
	} else {
		if (!kust_load_file(ctx, k, values_rel, at))
			return 1;
		VEC_PUSH(&ctx->arena, &vfiles, values_file);
	}
	for (size_t i = 0; i < files.len; i++)
		VEC_PUSH(&ctx->arena, &vfiles, files.items[i]);
	o.value_files = vfiles.items;
	o.nvalue_files = vfiles.len;
	VEC(const char *) apis = { 0 };
	const struct ir_node *av = ir_map_getc(chart, "apiVersions");
	for (uint32_t i = 0; ir_is_seq(av) && i < av->seq.len; i++)
		if (ir_cstr(av->seq.items[i]))
			VEC_PUSH(&ctx->arena, &apis, ir_cstr(av->seq.items[i]));
	if (k->opts->helm_api_versions && k->opts->helm_napi_versions) {
		o.api_versions = k->opts->helm_api_versions;
		o.napi_versions = k->opts->helm_napi_versions;
	} else {
		o.api_versions = apis.items;
		o.napi_versions = apis.len;
	}
	o.kube_version = k->opts->helm_kube_version && *k->opts->helm_kube_version
		? k->opts->helm_kube_version
		: (*str_arg(chart, "kubeVersion") ? str_arg(chart, "kubeVersion") : NULL);
	o.include_crds = bool_arg(chart, "includeCRDs");
	o.skip_tests = bool_arg(chart, "skipTests");
	o.no_hooks = bool_arg(chart, "skipHooks");
	o.debug = bool_arg(chart, "debug") || k->opts->helm_debug;

	struct sbuf text = SBUF_INIT;
	int errors = helm_template(ctx, &o, &text);
	struct ir_reslist got = { 0 };
	if (!errors) {
		const struct srcfile *f = srcfile_mem(ctx,
			arena_printf(&ctx->arena, "helm template %s", dir), text.buf, text.len);
		struct yaml_opts yo = { .schema = YAML_V3 };
		errors += kust_parse_resources(ctx, f, &yo, &got);
	}
	sbuf_release(&text);
	const char *origin = NULL;
	if (k->origin_path) {
		const char *kf = k->file ? strrchr(k->file->path, '/') : NULL;
		kf = kf ? kf + 1 : (k->file ? k->file->path : "kustomization.yaml");
		origin = arena_printf(&ctx->arena,
			"configuredIn: %s\nconfiguredBy:\n  apiVersion: builtin\n  kind: HelmChartInflationGenerator\n",
			kust_path_join(ctx, k->origin_path, kf));
	}
	for (size_t i = 0; i < got.len && !errors; i++) {
		if (origin && !ir_map_getc(ir_path(got.items[i]->body, "metadata/annotations"),
			"config.kubernetes.io/origin"))
			kust_set_annotation(ctx, got.items[i]->body, "config.kubernetes.io/origin", origin);
		errors += kust_absorb(m, k, got.items[i], at);
	}
	return errors;
}
