/*
 * app_helm.c - Helm sources: what Argo CD passes to `helm template`.
 *
 * Release name (helm.releaseName, else the Application's name), namespace
 * (helm.namespace, else the destination namespace), value files resolved as
 * the repo-server resolves them (relative to the source path, "/..." to the
 * repository root, "$ref/..." to the root of the source with that ref; glob
 * patterns expanded with doublestar, explicitly listed files keeping their
 * own position; duplicates dropped; missing files an error unless
 * ignoreMissingValueFiles), then valuesObject (or values) as the last values
 * file, --set / --set-string parameters (commas escaped unless the value is
 * a {list}), --set-file parameters, and CRDs unless skipCrds.
 */
#include <stdlib.h>
#include <string.h>

#include "argocd.h"
#include "mc/helm.h"

struct helm_call {
	const char *chart_dir;
	const char *release, *ns;
	const char **value_files;  /* resolved paths, in order */
	size_t nvalue_files;
	const struct ir_node *inline_values; /* valuesObject or parsed values, or NULL */
	const char **set, **set_string, **set_file; /* "name=value" */
	size_t nset, nset_string, nset_file;
	const struct srcpos **set_pos, **set_string_pos;
	bool include_crds, skip_tests, skip_schema;
	const char *kube_version;
	const char **api_versions;
	size_t napi_versions;
};

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static bool is_url(const char *s)
{
	return strstr(s, "://") != NULL;
}

/* The ref source a "$name/..." path names, or NULL. */
static const struct app_ref *ref_of(const struct app_job *j, const char *p)
{
	if (p[0] != '$')
		return NULL;
	size_t n = strcspn(p + 1, "/");
	for (size_t i = 0; i < j->nrefs; i++)
		if (strlen(j->refs[i].name) == n && !memcmp(j->refs[i].name, p + 1, n))
			return &j->refs[i];
	return NULL;
}

/* ResolveValueFilePathOrUrl and getResolvedRefValueFile: an absolute
 * path (malloc'd) or NULL after reporting. */
static char *resolve(struct app_job *j, const struct ir_node *at, const char *raw)
{
	struct mc_ctx *ctx = j->ctx;
	const struct app_ref *ref = ref_of(j, raw);
	struct sbuf sb = SBUF_INIT;
	const char *root;
	char *p;
	if (ref) {
		const char *rest = raw + 1 + strlen(ref->name);
		app_envsubst(j, &sb, rest, strlen(rest));
		root = ref->root;
		p = path_clean(root, sb.buf[0] == '/' ? sb.buf + 1 : sb.buf);
	} else {
		app_envsubst(j, &sb, raw, strlen(raw));
		if (is_url(sb.buf)) {
			diag_error(&ctx->diag, &at->pos, "Application %s: the value file %s is a URL; "
				"remote value files are not supported offline", j->name, sb.buf);
			sbuf_release(&sb);
			return NULL;
		}
		root = j->repo_root;
		p = sb.buf[0] == '/' ? path_clean(root, sb.buf + 1) : path_clean(j->app_path, sb.buf);
	}
	char *croot = path_clean(NULL, root);
	bool inside = !strcmp(croot, ".") ? p[0] != '/' && strcmp(p, "..") && strncmp(p, "../", 3)
		: path_within(p, croot);
	if (!inside) {
		diag_error(&ctx->diag, &at->pos, "Application %s: value file %s resolved to outside "
			"repository root", j->name, raw);
		free(p);
		p = NULL;
	}
	free(croot);
	sbuf_release(&sb);
	return p;
}

static void push_str(const char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

/* doublestar glob of an absolute pattern over the files below root. */
static void expand_glob(struct app_job *j, const char *pattern, const char *root,
	const char ***out, size_t *n)
{
	struct mc_ctx *ctx = j->ctx;
	struct sbuf err = SBUF_INIT;
	struct repo_tree t;
	char *croot = path_clean(NULL, root);
	if (repo_tree_load_fs(&t, ctx->fs, croot, &err) == 0) {
		size_t rl = strlen(croot);
		const char *rel = pattern + rl + (pattern[rl] == '/');
		for (size_t i = 0; i < t.nfiles; i++)
			if (glob_doublestar(rel, t.files[i]) == 1)
				push_str(out, n, arena_printf(&ctx->arena, "%s/%s", croot, t.files[i]));
		repo_tree_release(&t);
	}
	free(croot);
	sbuf_release(&err);
}

static int resolve_value_files(struct app_job *j, const struct ir_node *files, bool ignore_missing,
	struct helm_call *c)
{
	struct mc_ctx *ctx = j->ctx;
	int errors = 0;
	/* Explicit (non-glob) entries keep their own position. */
	const char **explicit = NULL;
	size_t nexplicit = 0;
	for (uint32_t i = 0; i < files->seq.len; i++) {
		const char *raw = ir_cstr(files->seq.items[i]);
		if (!raw || is_glob(raw))
			continue;
		struct diag saved = ctx->diag;
		diag_init(&ctx->diag);
		char *p = resolve(j, files->seq.items[i], raw);
		diag_release(&ctx->diag);
		ctx->diag = saved;
		if (p)
			push_str(&explicit, &nexplicit, arena_strdup(&ctx->arena, p));
		free(p);
	}
	for (uint32_t i = 0; i < files->seq.len && !errors; i++) {
		const struct ir_node *at = files->seq.items[i];
		const char *raw = ir_cstr(at);
		if (!raw) {
			errors += diag_error(&ctx->diag, &at->pos, "Application %s: valueFiles entries "
				"must be strings", j->name);
			break;
		}
		char *p = resolve(j, at, raw);
		if (!p) {
			errors++;
			break;
		}
		const char **add = NULL;
		size_t nadd = 0;
		if (is_glob(p)) {
			const struct app_ref *ref = ref_of(j, raw);
			expand_glob(j, p, ref ? ref->root : j->repo_root, &add, &nadd);
			if (!nadd && !ignore_missing)
				errors += diag_error(&ctx->diag, &at->pos, "Application %s: values file glob "
					"%s matched no files", j->name, raw);
			for (size_t k = 0; k < nadd; k++) {
				bool ex = false;
				for (size_t e = 0; e < nexplicit && !ex; e++)
					ex = !strcmp(explicit[e], add[k]);
				if (ex)
					add[k] = NULL;
			}
		} else {
			enum vfs_kind kind;
			if (vfs_stat(ctx->fs, p, &kind) || kind != VFS_FILE) {
				if (!ignore_missing)
					errors += diag_error(&ctx->diag, &at->pos, "Application %s: open %s: no "
						"such file or directory", j->name, raw);
			} else {
				push_str(&add, &nadd, arena_strdup(&ctx->arena, p));
			}
		}
		for (size_t k = 0; k < nadd; k++) {
			bool seen = !add[k];
			for (size_t e = 0; e < c->nvalue_files && !seen; e++)
				seen = !strcmp(c->value_files[e], add[k]);
			if (!seen)
				push_str(&c->value_files, &c->nvalue_files, add[k]);
		}
		free(add);
		free(p);
	}
	free(explicit);
	return errors;
}

/* cleanSetParameters: escape unescaped commas unless the value is {...}. */
static const char *set_arg(struct app_job *j, const char *name, const struct ir_node *value)
{
	struct sbuf v = SBUF_INIT, out = SBUF_INIT;
	const struct str *t = ir_text(value);
	if (t)
		app_envsubst(j, &v, t->s, t->len);
	sbuf_printf(&out, "%s=", name);
	if (v.len >= 2 && v.buf[0] == '{' && v.buf[v.len - 1] == '}') {
		sbuf_add(&out, v.buf, v.len);
	} else {
		for (size_t i = 0; i < v.len; i++) {
			if (v.buf[i] == ',' && (i == 0 || v.buf[i - 1] != '\\'))
				sbuf_addc(&out, '\\');
			sbuf_addc(&out, v.buf[i]);
		}
	}
	const char *r = arena_strndup(&j->ctx->arena, out.buf, out.len);
	sbuf_release(&v);
	sbuf_release(&out);
	return r;
}

/* Argo CD's order of values: the value files, then the inline values as
 * one more file, merged as helm merges -f files; the result is handed to
 * the Helm frontend as its first values (no files follow). */
static struct ir_node *merged_values(struct app_job *j, const struct helm_call *c)
{
	struct mc_ctx *ctx = j->ctx;
	struct ir_node *base = ir_map(ctx, NULL);
	for (size_t i = 0; i < c->nvalue_files; i++) {
		int e;
		const struct srcfile *f = vfs_load(ctx->fs, c->value_files[i], c->value_files[i], &e);
		if (!f) {
			diag_error(&ctx->diag, &j->src->pos, "Application %s: open %s: %s", j->name,
				c->value_files[i], strerror(e));
			return NULL;
		}
		struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK | YAML_JSON_NUMBERS };
		struct ir_node *doc = NULL;
		if (yaml_load_one(ctx, f, &yo, &doc))
			return NULL;
		if (doc && !ir_is_map(doc) && !ir_is_null(doc)) {
			diag_error(&ctx->diag, &doc->pos, "Application %s: failed to parse %s: error "
				"unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go value "
				"of type map[string]interface {}", j->name, c->value_files[i],
				ir_is_seq(doc) ? "array" : doc->type == IR_STR ? "string" : "number");
			return NULL;
		}
		if (ir_is_map(doc))
			base = helm_merge_maps(ctx, base, doc);
	}
	if (ir_is_map(c->inline_values))
		base = helm_merge_maps(ctx, base, ir_clone(ctx, c->inline_values));
	return base;
}

/* kube.SplitYAML: the documents of helm's output, read as Argo CD reads
 * them (sigs.k8s.io/yaml into unstructured objects; not strict, so a key
 * given twice keeps its last value). */
static int split_output(struct app_job *j, const struct sbuf *text, struct ir_reslist *out)
{
	struct mc_ctx *ctx = j->ctx;
	const struct srcfile *f = srcfile_mem(ctx, arena_printf(&ctx->arena, "helm template %s",
		j->src_path), text->buf, text->len);
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK };
	struct ir_docs docs = { 0 };
	int errors = yaml_load(ctx, f, &yo, &docs);
	for (size_t i = 0; !errors && i < docs.len; i++) {
		struct ir_node *d = docs.items[i];
		if (ir_is_null(d))
			continue;
		const char *kind = ir_cstr(ir_map_getc(d, "kind"));
		if (!ir_is_map(d) || !kind || !*kind) {
			errors += diag_error(&ctx->diag, &docs.starts[i], "Application %s: failed to "
				"unmarshal manifest: Object 'Kind' is missing", j->name);
			continue;
		}
		app_push_object(ctx, d, &docs.starts[i], out);
	}
	return errors;
}

static void trace_leaves(struct app_job *j, const struct ir_node *n, const char *what, int depth)
{
	if (depth > 64)
		return;
	if (ir_is_str(n)) {
		app_trace_add_value(j, n->s.text, &n->pos, what);
	} else if (ir_is_map(n)) {
		for (uint32_t i = 0; i < n->map.len; i++)
			trace_leaves(j, n->map.items[i].value, what, depth + 1);
	} else if (ir_is_seq(n)) {
		for (uint32_t i = 0; i < n->seq.len; i++)
			trace_leaves(j, n->seq.items[i], what, depth + 1);
	}
}

/* Values the chart sees, highest precedence first, for `images`. */
static void trace_values(struct app_job *j, const struct helm_call *c, const struct ir_node *values)
{
	struct mc_ctx *ctx = j->ctx;
	for (size_t k = 0; k < 2; k++) {
		const char **set = k ? c->set : c->set_string;
		size_t n = k ? c->nset : c->nset_string;
		const struct srcpos **pos = k ? c->set_pos : c->set_string_pos;
		for (size_t i = n; i-- > 0;) {
			const char *eq = strchr(set[i], '=');
			if (eq)
				app_trace_add_value(j, mc_intern0(ctx, eq + 1), pos[i], "Helm parameter");
		}
	}
	trace_leaves(j, values, "Helm values", 0);
	char *defaults = path_clean(c->chart_dir, "values.yaml");
	int e;
	const struct srcfile *f = vfs_load(ctx->fs, defaults, defaults, &e);
	free(defaults);
	struct ir_node *doc = NULL;
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK | YAML_JSON_NUMBERS };
	if (f && !yaml_load_one(ctx, f, &yo, &doc))
		trace_leaves(j, doc, "Helm chart values", 0);
}

static int call_helm(struct app_job *j, struct helm_call *c, struct ir_reslist *out)
{
	struct mc_ctx *ctx = j->ctx;
	struct ir_node *values = merged_values(j, c);
	if (!values)
		return 1;
	if (j->trace)
		trace_values(j, c, values);
	struct helm_template_opts o = { 0 };
	o.chart = c->chart_dir;
	o.release_name = c->release;
	o.namespace_ = c->ns && *c->ns ? c->ns : NULL;
	o.values = values;
	o.set = c->set;
	o.nset = c->nset;
	o.set_string = c->set_string;
	o.nset_string = c->nset_string;
	o.set_file = c->set_file;
	o.nset_file = c->nset_file;
	o.kube_version = c->kube_version;
	o.api_versions = c->api_versions;
	o.napi_versions = c->napi_versions;
	o.include_crds = c->include_crds;
	o.skip_tests = c->skip_tests;
	o.skip_schema_validation = c->skip_schema;
	o.dependency_build = true;
	struct sbuf text = SBUF_INIT;
	int errors = helm_template(ctx, &o, &text);
	if (!errors)
		errors = split_output(j, &text, out);
	sbuf_release(&text);
	return errors;
}

int app_render_helm(struct app_job *j, const struct ir_node *h, struct ir_reslist *out)
{
	struct mc_ctx *ctx = j->ctx;
	struct helm_call c = { 0 };
	c.chart_dir = j->app_path;
	c.release = j->name;
	c.ns = j->dest_ns;
	c.include_crds = true;
	const char *rn = ir_cstr(ir_map_getc(h, "releaseName"));
	if (rn && *rn)
		c.release = rn;
	const char *ns = ir_cstr(ir_map_getc(h, "namespace"));
	if (ns && *ns)
		c.ns = ns;
	int errors = 0;
	const struct ir_node *vf = ir_map_getc(h, "valueFiles");
	const struct ir_node *ign = ir_map_getc(h, "ignoreMissingValueFiles");
	if (ir_is_seq(vf))
		errors += resolve_value_files(j, vf, ign && ign->type == IR_BOOL && ign->s.v.b, &c);
	/* valuesObject replaces values (a YAML string); either is the last
	 * values file. */
	const struct ir_node *vo = ir_map_getc(h, "valuesObject");
	const struct ir_node *vs = ir_map_getc(h, "values");
	if (ir_is_map(vo) && vo->map.len) {
		c.inline_values = vo;
	} else if (ir_is_str(vs) && vs->s.text->len) {
		const struct srcfile *f = srcfile_mem(ctx, "values", vs->s.text->s, vs->s.text->len);
		struct yaml_opts yo = { .schema = YAML_V2, .pos_file = vs->pos.file,
			.line_offset = vs->pos.line };
		struct ir_node *doc = NULL;
		if (yaml_load_one(ctx, f, &yo, &doc))
			errors++;
		else
			c.inline_values = doc;
	}
	const struct ir_node *params = ir_map_getc(h, "parameters");
	for (uint32_t i = 0; ir_is_seq(params) && i < params->seq.len; i++) {
		const struct ir_node *p = params->seq.items[i];
		const char *name = ir_cstr(ir_map_getc(p, "name"));
		if (!name) {
			errors += diag_error(&ctx->diag, &p->pos, "Application %s: a Helm parameter needs a "
				"name", j->name);
			continue;
		}
		const struct ir_node *fs = ir_map_getc(p, "forceString");
		const char *arg = set_arg(j, name, ir_map_getc(p, "value"));
		if (fs && fs->type == IR_BOOL && fs->s.v.b) {
			push_str(&c.set_string, &c.nset_string, arg);
			c.set_string_pos = xrealloc(c.set_string_pos, c.nset_string * sizeof *c.set_string_pos);
			c.set_string_pos[c.nset_string - 1] = &p->pos;
		} else {
			push_str(&c.set, &c.nset, arg);
			c.set_pos = xrealloc(c.set_pos, c.nset * sizeof *c.set_pos);
			c.set_pos[c.nset - 1] = &p->pos;
		}
	}
	const struct ir_node *fps = ir_map_getc(h, "fileParameters");
	for (uint32_t i = 0; ir_is_seq(fps) && i < fps->seq.len; i++) {
		const struct ir_node *p = fps->seq.items[i];
		const char *name = ir_cstr(ir_map_getc(p, "name"));
		const char *path = ir_cstr(ir_map_getc(p, "path"));
		if (!name || !path) {
			errors += diag_error(&ctx->diag, &p->pos, "Application %s: a Helm file parameter "
				"needs a name and a path", j->name);
			continue;
		}
		char *resolved = resolve(j, p, path);
		if (!resolved) {
			errors++;
			continue;
		}
		push_str(&c.set_file, &c.nset_file, arena_printf(&ctx->arena, "%s=%s", name, resolved));
		free(resolved);
	}
	const struct ir_node *sc = ir_map_getc(h, "skipCrds");
	c.include_crds = !(sc && sc->type == IR_BOOL && sc->s.v.b);
	const struct ir_node *st = ir_map_getc(h, "skipTests");
	c.skip_tests = st && st->type == IR_BOOL && st->s.v.b;
	const struct ir_node *ss = ir_map_getc(h, "skipSchemaValidation");
	c.skip_schema = ss && ss->type == IR_BOOL && ss->s.v.b;
	/* The cluster's versions (Argo CD asks the cluster; here manifestc.yaml
	 * says), unless the source overrides them. */
	c.kube_version = ir_cstr(ir_map_getc(h, "kubeVersion"));
	if (!c.kube_version || !*c.kube_version)
		c.kube_version = j->cfg->kube_version;
	const struct ir_node *av = ir_map_getc(h, "apiVersions");
	if (ir_is_seq(av) && av->seq.len) {
		for (uint32_t i = 0; i < av->seq.len; i++)
			if (ir_cstr(av->seq.items[i]))
				push_str(&c.api_versions, &c.napi_versions, ir_cstr(av->seq.items[i]));
	} else {
		for (size_t i = 0; i < j->cfg->napi_versions; i++)
			push_str(&c.api_versions, &c.napi_versions, j->cfg->api_versions[i]);
	}
	if (!errors)
		errors = call_helm(j, &c, out);
	free(c.value_files);
	free(c.set);
	free(c.set_string);
	free(c.set_file);
	free(c.api_versions);
	free(c.set_pos);
	free(c.set_string_pos);
	return errors;
}
