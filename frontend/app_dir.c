/*
 * app_dir.c - directory sources: the manifests of an Application that is
 * neither Kustomize nor Helm (the repo-server's findManifests).
 *
 * Files are taken in filepath.Walk order (lexical, depth first), from
 * subdirectories only with `recurse: true`.  The extension filter (.yaml,
 * .yml, .json, .jsonnet) runs before `exclude` and `include`, which are
 * gobwas globs without separators (util/glob.Match) on the path relative
 * to the source path, so * also matches '/'; a pattern gobwas cannot
 * compile matches nothing.  Files holding +argocd:skip-file-rendering are
 * skipped.  A .json file is one object; a YAML file is a stream of objects, and one that does
 * not parse is an error only when it looks like a Kubernetes manifest (it
 * holds apiVersion:, kind: and metadata:), otherwise it is not a manifest
 * and is left alone, as Argo CD does with a values.yaml.  Jsonnet is not
 * supported.
 */
#include <stdlib.h>
#include <string.h>

#include "argocd.h"
#include "mc/gobwas.h"

struct walk {
	struct app_job *j;
	bool recurse, no_ext_filter;
	const char *include, *exclude;
	const struct gobwas_glob *inc, *exc; /* NULL: absent, or does not compile */
	const struct ir_node *inc_at, *exc_at; /* their nodes, for messages */
	const struct ir_node *at; /* the directory block, for messages */
	struct ir_reslist *out;
	int errors;
	size_t nfiles;
};

static bool manifest_ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml") || !strcmp(dot, ".json") ||
		!strcmp(dot, ".jsonnet"));
}

static bool contains(const char *data, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(data + i, needle, n))
			return true;
	return false;
}

/* Swap in a fresh diagnostics list so that a failed parse can be dropped. */
static int parse_quiet(struct mc_ctx *ctx, const struct srcfile *f, struct ir_docs *docs,
	struct diag *saved)
{
	*saved = ctx->diag;
	diag_init(&ctx->diag);
	/* As k8s.io/apimachinery decodes manifests: go-yaml v2 scalars,
	 * integers that stay int64, and (sigs.k8s.io/yaml.Unmarshal is not
	 * strict) a key given twice keeps its last value. */
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK };
	return yaml_load(ctx, f, &yo, docs);
}

static int load_file(struct walk *w, const char *path, const char *rel)
{
	struct app_job *j = w->j;
	struct mc_ctx *ctx = j->ctx;
	int err;
	const struct srcfile *f = vfs_load(ctx->fs, path, path, &err);
	if (!f)
		return diag_error(&ctx->diag, &w->j->src->pos, "Application %s: failed to read %s: %s",
			j->name, rel, strerror(err));
	if (contains(f->data, f->len, "+argocd:skip-file-rendering"))
		return 0;
	size_t l = strlen(path);
	if (l > 8 && !strcmp(path + l - 8, ".jsonnet"))
		return diag_error(&ctx->diag, &j->src->pos, "Application %s: %s is a Jsonnet file; "
			"Jsonnet directory sources are not supported by manifestc", j->name, rel);
	bool json = l > 5 && !strcmp(path + l - 5, ".json");
	struct ir_docs docs = { 0 };
	struct diag saved;
	int bad = parse_quiet(ctx, f, &docs, &saved);
	if (bad) {
		bool manifest = json || (contains(f->data, f->len, "apiVersion:") &&
			contains(f->data, f->len, "kind:") && contains(f->data, f->len, "metadata:"));
		struct diag mine = ctx->diag;
		ctx->diag = saved;
		if (manifest) {
			diag_merge(&ctx->diag, &mine);
			diag_release(&mine);
			return diag_error(&ctx->diag, &j->src->pos, "Application %s: Failed to unmarshal %s",
				j->name, rel);
		}
		diag_release(&mine);
		return 0;
	}
	diag_merge(&saved, &ctx->diag);
	diag_release(&ctx->diag);
	ctx->diag = saved;
	size_t nobj = 0;
	for (size_t i = 0; i < docs.len; i++) {
		struct ir_node *d = docs.items[i];
		if (ir_is_null(d))
			continue;
		const char *kind = ir_cstr(ir_map_getc(d, "kind"));
		if (!ir_is_map(d) || !kind || !*kind) {
			/* Not an object: an error once an object came before it (or
			 * in JSON), otherwise a YAML file that is not a manifest. */
			if (nobj || json)
				return diag_error(&ctx->diag, ir_is_map(d) ? &d->pos : &docs.starts[i],
					"Application %s: Failed to unmarshal %s: Object 'Kind' is missing", j->name, rel);
			if (contains(f->data, f->len, "apiVersion:") && contains(f->data, f->len, "kind:") &&
				contains(f->data, f->len, "metadata:"))
				return diag_error(&ctx->diag, ir_is_map(d) ? &d->pos : &docs.starts[i],
					"Application %s: Failed to unmarshal %s: Object 'Kind' is missing", j->name, rel);
			return 0;
		}
		if (json && nobj)
			return diag_error(&ctx->diag, &d->pos, "Application %s: Found multiple objects in %s. "
				"Only single objects are allowed in JSON files.", j->name, rel);
		nobj++;
		app_push_object(ctx, d, &docs.starts[i], w->out);
	}
	return 0;
}

/* glob.Match(pattern, rel): 1 or 0 (unset when the pattern is empty and so
 * not applied); -1 with a diagnostic where gobwas panics (the repo-server
 * recovers the panic into an error). */
static int glob_says(struct walk *w, const struct gobwas_glob *g, const struct ir_node *at,
	const char *pattern, const char *rel, int unset)
{
	if (!pattern || !*pattern)
		return unset;
	if (!g)
		return 0;
	char why[128];
	int m = gobwas_match(g, rel, strlen(rel), why, sizeof why);
	if (m < 0) {
		diag_error(&w->j->ctx->diag, &at->pos, "Application %s: matching %s with %s: %s",
			w->j->name, rel, pattern, why);
		return -1;
	}
	return m;
}

/* Compile a non-empty include or exclude once per source. */
static int compile_glob(struct walk *w, const struct ir_node *at, const char *pattern,
	const struct gobwas_glob **out)
{
	*out = NULL;
	if (!pattern || !*pattern)
		return 0;
	bool too_complex;
	*out = gobwas_compile(&w->j->ctx->arena, pattern, strlen(pattern), NULL, 0, &too_complex);
	if (!*out && too_complex)
		return diag_error(&w->j->ctx->diag, &at->pos, "Application %s: glob %s is too complex "
			"for manifestc (more than 64 parts)", w->j->name, pattern);
	return 0;
}

static int walk_dir(struct walk *w, const char *dir, const char *rel, int depth)
{
	struct mc_ctx *ctx = w->j->ctx;
	if (depth > 64)
		return diag_error(&ctx->diag, &w->j->src->pos, "Application %s: directories nested too "
			"deeply under %s", w->j->name, w->j->src_path);
	char **names = NULL;
	size_t n = 0;
	int rc = vfs_list(ctx->fs, dir, &names, &n);
	if (rc)
		return diag_error(&ctx->diag, &w->j->src->pos, "Application %s: cannot list %s: %s",
			w->j->name, dir, strerror(rc));
	int errors = 0;
	for (size_t i = 0; i < n && !errors; i++) {
		char *path = path_clean(dir, names[i]);
		char *r = *rel ? path_clean(rel, names[i]) : xstrdup(names[i]);
		enum vfs_kind kind = VFS_MISSING;
		vfs_stat(ctx->fs, path, &kind);
		char *real = NULL;
		bool link_ok = true;
		if (vfs_realpath(ctx->fs, path, &real) == 0) {
			char *root = NULL;
			if (vfs_realpath(ctx->fs, w->j->repo_root, &root) == 0 && !path_within(real, root))
				link_ok = false;
			free(root);
		}
		free(real);
		if (kind == VFS_DIR) {
			/* Walk does not follow symlinked directories; a plain
			 * directory is entered only when recursing. */
			if (w->recurse && link_ok)
				errors += walk_dir(w, path, r, depth + 1);
		} else if (kind == VFS_FILE && (w->no_ext_filter || manifest_ext(names[i]))) {
			if (!link_ok)
				errors += diag_error(&ctx->diag, &w->j->src->pos, "Application %s: illegal "
					"filepath in symlink at %s", w->j->name, r);
			else {
				int ex = glob_says(w, w->exc, w->exc_at, w->exclude, r, 0);
				int in = ex ? 0 : glob_says(w, w->inc, w->inc_at, w->include, r, 1);
				if (ex < 0 || in < 0)
					errors++;
				else if (!ex && in)
					errors += load_file(w, path, r);
			}
		}
		free(path);
		free(r);
	}
	vfs_free_list(names, n);
	return errors;
}

int app_render_directory(struct app_job *j, const struct ir_node *dir, struct ir_reslist *out)
{
	struct walk w = { .j = j, .at = dir, .out = out };
	const struct ir_node *rec = ir_map_getc(dir, "recurse");
	w.recurse = rec && rec->type == IR_BOOL && rec->s.v.b;
	const struct ir_node *nf = ir_map_getc(dir, "disableExtensionFilter");
	w.no_ext_filter = nf && nf->type == IR_BOOL && nf->s.v.b;
	w.inc_at = ir_map_getc(dir, "include");
	w.exc_at = ir_map_getc(dir, "exclude");
	w.include = ir_cstr(w.inc_at);
	w.exclude = ir_cstr(w.exc_at);
	const struct ir_node *jsonnet = ir_map_getc(dir, "jsonnet");
	(void)jsonnet; /* only used by .jsonnet files, which are refused */
	if (compile_glob(&w, w.inc_at, w.include, &w.inc) + compile_glob(&w, w.exc_at, w.exclude, &w.exc))
		return 1;
	return walk_dir(&w, j->app_path, "", 0);
}
