/*
 * app_dir.c - directory sources: the manifests of an Application that is
 * neither Kustomize nor Helm (the repo-server's findManifests).
 *
 * Files are taken in filepath.Walk order (lexical, depth first), from
 * subdirectories only with `recurse: true`.  The extension filter (.yaml,
 * .yml, .json, .jsonnet) runs before `exclude` and `include`, which are
 * gobwas globs on the path relative to the source path (so * also matches
 * '/').  Files holding +argocd:skip-file-rendering are skipped.  A .json
 * file is one object; a YAML file is a stream of objects, and one that does
 * not parse is an error only when it looks like a Kubernetes manifest (it
 * holds apiVersion:, kind: and metadata:), otherwise it is not a manifest
 * and is left alone, as Argo CD does with a values.yaml.  Jsonnet is not
 * supported.
 */
#include <stdlib.h>
#include <string.h>

#include "argocd.h"

struct walk {
	struct app_job *j;
	bool recurse, no_ext_filter;
	const char *include, *exclude;
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
	/* As k8s.io/apimachinery decodes manifests: go-yaml v2 scalars, and
	 * integers that stay int64. */
	struct yaml_opts yo = { .schema = YAML_V2 };
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
			else if (w->exclude && *w->exclude && glob_gobwas(w->exclude, r) == 1)
				;
			else if (w->include && *w->include && glob_gobwas(w->include, r) != 1)
				;
			else
				errors += load_file(w, path, r);
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
	w.include = ir_cstr(ir_map_getc(dir, "include"));
	w.exclude = ir_cstr(ir_map_getc(dir, "exclude"));
	const struct ir_node *jsonnet = ir_map_getc(dir, "jsonnet");
	(void)jsonnet; /* only used by .jsonnet files, which are refused */
	return walk_dir(&w, j->app_path, "", 0);
}
