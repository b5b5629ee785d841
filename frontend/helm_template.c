/*
 * helm_template.c - one `helm template` run, in Helm's order of steps:
 * the command (cmd/helm/template.go), runInstall (values, loading, checks)
 * and Install.RunWithContext with renderResources (dependencies, values,
 * schema, kubeVersion, rendering, sorting, printing).
 *
 * The order matters for which error a broken input reports first, and for
 * values: -f files are merged map by map, then --set-json, --set,
 * --set-string, --set-file and --set-literal are parsed into the result,
 * and only then are the chart's defaults coalesced underneath.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc/helm.h"
#include "mc/semver.h"

/* chartutil.ValidateReleaseName */
static bool valid_release_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 53)
		return false;
	const char *p = s;
	for (;;) {
		const char *e = strchr(p, '.');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == 0)
			return false;
		for (size_t i = 0; i < l; i++) {
			char c = p[i];
			bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
			if (!alnum && !(c == '-' && i > 0 && i + 1 < l))
				return false;
		}
		if (!e)
			return true;
		p = e + 1;
	}
}

static int read_stdin(struct mc_ctx *ctx, const struct srcfile **out)
{
	struct sbuf sb = SBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
		sbuf_add(&sb, buf, n);
		if (sb.len > VFS_MAX_FILE)
			break;
	}
	*out = srcfile_mem(ctx, "<stdin>", sb.buf, sb.len);
	sbuf_release(&sb);
	return 0;
}

/* values.Options.MergeValues */
static struct ir_node *merge_values(struct mc_ctx *ctx, const struct helm_template_opts *o)
{
	struct ir_node *base = ir_map(ctx, NULL);
	if (ir_is_map(o->values))
		base = helm_merge_maps(ctx, base, ir_clone(ctx, o->values));
	for (size_t i = 0; i < o->nvalue_files; i++) {
		const char *path = o->value_files[i];
		const struct srcfile *f = NULL;
		const char *trimmed = path;
		size_t tn = strlen(path);
		go_trim_space(&trimmed, &tn);
		if (tn == 1 && trimmed[0] == '-') {
			read_stdin(ctx, &f);
		} else if (strstr(path, "://")) {
			diag_error(&ctx->diag, NULL,
				"values file %s: only local files can be read (manifestc works offline)", path);
			return NULL;
		} else {
			int e;
			f = vfs_load(ctx->fs, path, path, &e);
			if (!f) {
				diag_error(&ctx->diag, NULL, "open %s: %s", path,
					e == ENOENT ? "no such file or directory" : strerror(e));
				return NULL;
			}
		}
		struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK | YAML_JSON_NUMBERS };
		struct ir_node *doc = NULL;
		if (yaml_load_one(ctx, f, &yo, &doc)) {
			diag_note(&ctx->diag, NULL, "failed to parse %s", path);
			return NULL;
		}
		if (doc && !ir_is_map(doc) && !ir_is_null(doc)) {
			diag_error(&ctx->diag, &doc->pos,
				"failed to parse %s: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go value of type map[string]interface {}",
				path, ir_is_seq(doc) ? "array" : doc->type == IR_STR ? "string" : doc->type == IR_BOOL ? "bool" : "number");
			return NULL;
		}
		if (ir_is_map(doc))
			base = helm_merge_maps(ctx, base, doc);
	}
	struct {
		const char *const *items;
		size_t n;
		enum helm_set_kind kind;
		const char *flag;
	} sets[] = {
		{ o->set_json, o->nset_json, HELM_SET_JSON, "--set-json" },
		{ o->set, o->nset, HELM_SET, "--set" },
		{ o->set_string, o->nset_string, HELM_SET_STRING, "--set-string" },
		{ o->set_file, o->nset_file, HELM_SET_FILE, "--set-file" },
		{ o->set_literal, o->nset_literal, HELM_SET_LITERAL, "--set-literal" },
	};
	for (size_t k = 0; k < sizeof sets / sizeof *sets; k++) {
		for (size_t i = 0; i < sets[k].n; i++) {
			const char *err;
			if (helm_strvals_parse(ctx, sets[k].items[i], sets[k].kind, base, &err)) {
				if (sets[k].kind == HELM_SET_JSON)
					diag_error(&ctx->diag, NULL, "failed parsing --set-json data %s", sets[k].items[i]);
				else
					diag_error(&ctx->diag, NULL, "failed parsing %s data: %s", sets[k].flag, err);
				return NULL;
			}
		}
	}
	return base;
}

/* ChartPathOptions.LocateChart, for local charts. */
/* Argo CD runs `helm dependency build` when `helm template` finds a
 * dependency missing from charts/, which needs the chart's repository:
 * offline, the first missing dependency is an error asking to vendor it. */
static int missing_dependency(struct mc_ctx *ctx, const struct helm_chart *c)
{
	for (size_t j = 0; j < c->meta.ndeps; j++) {
		const struct helm_dep *d = c->meta.deps[j];
		if (!d)
			continue;
		bool found = false;
		for (size_t i = 0; i < c->ndeps && !found; i++)
			found = !strcmp(c->deps[i]->meta.name, d->name);
		if (!found)
			return diag_error(&ctx->diag, d->pos.file ? &d->pos : &c->pos,
				"chart dependency %s%s%s is not in the chart's charts/ directory: Argo CD would run `helm "
				"dependency build`, which needs the network; manifestc renders offline "
				"(vendor it: run `helm dependency build` and commit charts/)", d->name,
				*d->repository ? " from " : "", d->repository);
	}
	return 0;
}

static bool locate_chart(struct mc_ctx *ctx, const char *name, const char **path)
{
	size_t n = strlen(name);
	const char *s = name;
	go_trim_space(&s, &n);
	char *p = arena_strndup(&ctx->arena, s, n);
	enum vfs_kind kind;
	if (vfs_stat(ctx->fs, p, &kind) == 0) {
		*path = p;
		return true;
	}
	if (p[0] == '/' || p[0] == '.')
		diag_error(&ctx->diag, NULL, "path %s not found", go_quote_a(&ctx->arena, p));
	else
		diag_error(&ctx->diag, NULL,
			"chart %s not found: manifestc renders local charts (a directory or a .tgz); pull repository charts first",
			go_quote_a(&ctx->arena, p));
	return false;
}

/* renderResources' removal of NOTES.txt files. */
static void drop_notes(struct helm_rendered_vec *files)
{
	size_t w = 0;
	for (size_t i = 0; i < files->len; i++) {
		size_t n = strlen(files->items[i].name);
		if (n >= 9 && !strcmp(files->items[i].name + n - 9, "NOTES.txt"))
			continue;
		files->items[w++] = files->items[i];
	}
	files->len = w;
}

/* What `helm template --debug` prints after renderResources failed: the
 * manifest it had (with a YAML error, every non-blank rendered file, in
 * the order of a Go map: sorted here; else nothing), trimmed, then the
 * hooks sorted before the error, through --show-only when given. */
static void debug_dump(struct mc_ctx *ctx, const struct helm_template_opts *o,
	struct helm_rendered_vec *files, const struct helm_sorted *s, struct sbuf *out)
{
	struct sbuf b = SBUF_INIT, all = SBUF_INIT;
	for (size_t i = 0; files && i < files->len; i++) {
		const struct helm_rendered *f = &files->items[i];
		if (go_is_blank(f->text, f->len))
			continue;
		sbuf_adds(&b, "---\n# Source: ");
		sbuf_adds(&b, f->name);
		sbuf_addc(&b, '\n');
		sbuf_add(&b, f->text, f->len);
		sbuf_addc(&b, '\n');
	}
	const char *m = b.buf;
	size_t mn = b.len;
	go_trim_space(&m, &mn);
	sbuf_add(&all, m, mn);
	sbuf_addc(&all, '\n');
	for (size_t i = 0; s && i < s->hooks.len; i++) {
		const struct helm_doc *d = s->hooks.items[i];
		if (o->skip_tests && d->test)
			continue;
		sbuf_printf(&all, "---\n# Source: %s\n", d->path);
		sbuf_add(&all, d->content, d->len);
		sbuf_addc(&all, '\n');
	}
	if (o->nshow_only) {
		struct helm_print_opts po = { 0 };
		po.major = o->helm_major >= 4 ? 4 : 3;
		po.show_only = o->show_only;
		po.nshow_only = o->nshow_only;
		helm_show_only(ctx, all.buf, all.len, &po, out, true);
	} else {
		sbuf_add(out, all.buf, all.len);
	}
	sbuf_release(&b);
	sbuf_release(&all);
}

int helm_template(struct mc_ctx *ctx, const struct helm_template_opts *o, struct sbuf *out)
{
	struct arena *a = &ctx->arena;
	size_t errors0 = diag_errors(&ctx->diag);
	int major = o->helm_major >= 4 ? 4 : 3;
	struct helm_release rel = { 0 };
	rel.major = major;
	if (o->kube_version) {
		const char *err;
		if (helm_parse_kube_version(a, o->kube_version, &rel.kube, &err))
			return diag_error(&ctx->diag, NULL, "invalid kube version '%s': %s", o->kube_version, err);
	} else {
		helm_default_kube_version(&rel.kube);
	}
	/* NameAndChart: an explicit name, else --name-template, else the
	 * name `helm template` presets. */
	rel.name = o->release_name;
	if (!rel.name && o->name_template && *o->name_template) {
		if (helm_render_name_template(ctx, o->name_template, &rel.name))
			return 1;
	}
	if (!rel.name)
		rel.name = "release-name";
	rel.namespace_ = o->namespace_ && *o->namespace_ ? o->namespace_ : "default";
	rel.is_upgrade = o->is_upgrade;
	rel.is_install = !o->is_upgrade;
	rel.revision = 1;

	const char *path;
	if (!locate_chart(ctx, o->chart, &path))
		return 1;
	struct ir_node *vals = merge_values(ctx, o);
	if (!vals)
		return 1;
	struct helm_chart *chart = helm_chart_load(ctx, path, NULL);
	if (!chart)
		return (int)(diag_errors(&ctx->diag) - errors0) ? (int)(diag_errors(&ctx->diag) - errors0) : 1;
	if (*chart->meta.type && strcmp(chart->meta.type, "application"))
		return diag_error(&ctx->diag, &chart->pos, "%s charts are not installable", chart->meta.type);
	if (chart->meta.deprecated)
		diag_warn(&ctx->diag, &chart->pos, "This chart is deprecated");
	if (o->dependency_build && missing_dependency(ctx, chart))
		return 1;
	if (helm_check_dependencies(ctx, chart))
		return 1;
	if (!valid_release_name(rel.name))
		return diag_error(&ctx->diag, NULL,
			"release name %s: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53",
			go_quote_a(a, rel.name));
	if (helm_process_dependencies(ctx, chart, vals, true, major))
		return 1;
	/* Capabilities: the default set plus --api-versions */
	size_t ndef = 0;
	while (helm_default_api_versions[ndef])
		ndef++;
	rel.api_versions = arena_calloc(a, ndef + o->napi_versions + 1, sizeof *rel.api_versions);
	for (size_t i = 0; i < ndef; i++)
		rel.api_versions[rel.napi_versions++] = helm_default_api_versions[i];
	for (size_t i = 0; i < o->napi_versions; i++)
		rel.api_versions[rel.napi_versions++] = o->api_versions[i];
	/* ToRenderValuesWithSchemaValidation */
	struct ir_node *cvals = helm_coalesce_values(ctx, chart, vals, false, major);
	if (!cvals)
		return 1;
	if (!o->skip_schema_validation && helm_validate_values(ctx, chart, cvals))
		return 1;
	/* renderResources */
	if (*chart->meta.kube_version &&
	    !semver_compatible(a, chart->meta.kube_version, rel.kube.version)) {
		if (o->debug)
			debug_dump(ctx, o, NULL, NULL, out);
		return diag_error(&ctx->diag, &chart->pos,
			"chart requires kubeVersion: %s which is incompatible with Kubernetes %s",
			chart->meta.kube_version, rel.kube.version);
	}
	struct helm_rendered_vec files = { 0 };
	if (helm_engine_render(ctx, chart, cvals, &rel, &files)) {
		if (o->debug)
			debug_dump(ctx, o, NULL, NULL, out);
		return (int)(diag_errors(&ctx->diag) - errors0);
	}
	drop_notes(&files);
	struct helm_sorted sorted = { 0 };
	if (helm_sort_manifests(ctx, files.items, files.len, major, &sorted)) {
		if (o->debug)
			debug_dump(ctx, o, &files, &sorted, out);
		else
			diag_note(&ctx->diag, NULL, "Use --debug flag to render out invalid YAML");
		return (int)(diag_errors(&ctx->diag) - errors0);
	}
	if (o->no_hooks)
		sorted.hooks.len = 0;
	struct helm_print_opts po = { 0 };
	po.major = major;
	po.include_crds = o->include_crds;
	po.skip_tests = o->skip_tests;
	po.show_only = o->show_only;
	po.nshow_only = o->nshow_only;
	po.output_dir = o->output_dir;
	po.use_release_name = o->use_release_name;
	po.release_name = rel.name;
	helm_print(ctx, chart, &sorted, &po, out);
	return (int)(diag_errors(&ctx->diag) - errors0);
}

int helm_render_chart(struct mc_ctx *ctx, const struct helm_template_opts *o,
	struct sbuf *out_text, struct ir_reslist *out)
{
	struct sbuf text = SBUF_INIT;
	struct helm_template_opts opts = *o;
	opts.output_dir = NULL;
	opts.show_only = NULL;
	opts.nshow_only = 0;
	int errors = helm_template(ctx, &opts, &text);
	if (!errors && out) {
		const struct srcfile *f = srcfile_mem(ctx,
			arena_printf(&ctx->arena, "helm template %s", o->chart), text.buf, text.len);
		struct yaml_opts yo = { .schema = YAML_V3 };
		struct ir_docs docs = { 0 };
		errors += yaml_load(ctx, f, &yo, &docs);
		for (size_t i = 0; !errors && i < docs.len; i++) {
			struct ir_node *d = docs.items[i];
			if (ir_is_null(d))
				continue;
			if (!ir_is_map(d)) {
				errors += diag_error(&ctx->diag, &docs.starts[i],
					"helm template %s: a document is not a map", o->chart);
				continue;
			}
			ir_reslist_push(ctx, out, ir_resource_new(ctx, d, &docs.starts[i]));
		}
	}
	if (out_text)
		sbuf_add(out_text, text.buf, text.len);
	sbuf_release(&text);
	return errors;
}
