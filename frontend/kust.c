/*
 * kust.c - the Kustomize frontend: kustomization files to modules.
 *
 * `manifestc build DIR` loads DIR's kustomization, runs its pipeline of
 * passes (ir/kust_*.c) and sorts the result.  A directory named in
 * `resources:` is another kustomization, built the same way with its own
 * pipeline, whose output becomes input here: that recursion is the tree of
 * bases and overlays.  Every file is read through the vfs (so a base shared
 * by ten overlays is read and parsed once per build context) and every error
 * points at the kustomization entry that caused it.
 *
 * Loading rules follow kustomize v5.5.0's file loader: a kustomization may
 * read files only within its own directory (symlinks resolved) unless the
 * LoadRestrictionsNone restrictor is chosen, may refer to other
 * kustomization directories anywhere, but never to itself or to a directory
 * containing a kustomization it is being built for (a cycle).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mc/passes.h"

static const char *const kust_file_names[] = {
	"kustomization.yaml", "kustomization.yml", "Kustomization",
};

/* Fields a kustomization may have (kustomize's types.Kustomization). */
static const char *const known_fields[] = {
	"apiVersion", "kind", "metadata", "openapi", "namePrefix", "nameSuffix",
	"namespace", "commonLabels", "labels", "commonAnnotations", "patchesStrategicMerge",
	"patchesJson6902", "patches", "images", "imageTags", "replacements", "replicas",
	"vars", "sortOptions", "resources", "components", "crds", "bases",
	"configMapGenerator", "secretGenerator", "helmGlobals", "helmCharts",
	"helmChartInflationGenerator", "generatorOptions", "configurations",
	"generators", "transformers", "validators", "buildMetadata",
};

/* Fields this build understands; the others are reported, never ignored. */
static const char *const supported_fields[] = {
	"apiVersion", "kind", "metadata", "resources", "bases", "sortOptions",
};

static bool in_list(const struct str *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (str_eqc(s, list[i]))
			return true;
	return false;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Find the kustomization file in dir.  Returns its path (malloc'd) or NULL
 * with an error reported at `from`. */
static char *find_kust_file(struct mc_ctx *ctx, const char *dir, const struct srcpos *from)
{
	char *found = NULL;
	int nfound = 0;
	for (size_t i = 0; i < COUNT(kust_file_names); i++) {
		char *p = path_clean(dir, kust_file_names[i]);
		enum vfs_kind k;
		if (vfs_stat(ctx->fs, p, &k) == 0 && k == VFS_FILE) {
			nfound++;
			if (!found) {
				found = p;
				continue;
			}
		}
		free(p);
	}
	if (nfound > 1) {
		diag_error(&ctx->diag, from, "Found multiple kustomization files under: %s", dir);
		free(found);
		return NULL;
	}
	if (!found)
		diag_error(&ctx->diag, from,
			"unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
			"'Kustomization' in directory '%s'", dir);
	return found;
}

static struct kust *load_kust(struct mc_ctx *ctx, const char *dir, const char *realdir,
	const struct kust_opts *opts, enum kust_role role, const struct srcpos *from)
{
	char *path = find_kust_file(ctx, dir, from);
	if (!path)
		return NULL;
	int err;
	const struct srcfile *f = vfs_load(ctx->fs, path, path, &err);
	free(path);
	if (!f) {
		diag_error(&ctx->diag, from, "cannot read kustomization in '%s': %s", dir, strerror(err));
		return NULL;
	}
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK };
	struct ir_node *doc;
	if (yaml_load_one(ctx, f, &yo, &doc))
		return NULL;
	if (role == KUST_TOP && opts->top_doc)
		doc = opts->top_doc;
	struct srcpos top = { f, 1, 1 };
	if (doc && !ir_is_map(doc)) {
		diag_error(&ctx->diag, &doc->pos, "kustomization must be a map of fields");
		return NULL;
	}
	if (!doc)
		doc = ir_map(ctx, &top);
	struct kust *k = arena_calloc(&ctx->arena, 1, sizeof *k);
	k->opts = opts;
	k->file = f;
	k->dir = arena_strdup(&ctx->arena, dir);
	k->realdir = arena_strdup(&ctx->arena, realdir);
	k->doc = doc;
	const char *kind = ir_cstr(ir_map_getc(doc, "kind"));
	k->component = kind && !strcmp(kind, "Component");
	int errors = 0;
	for (uint32_t i = 0; i < doc->map.len; i++) {
		const struct ir_node *key = doc->map.items[i].key;
		if (!in_list(key->s.text, known_fields, COUNT(known_fields)))
			errors += diag_error(&ctx->diag, &key->pos,
				"invalid Kustomization: json: unknown field \"%s\"", key->s.text->s);
		else if (!in_list(key->s.text, supported_fields, COUNT(supported_fields)))
			errors += diag_error(&ctx->diag, &key->pos,
				"the kustomization field '%s' is not supported yet by manifestc build",
				key->s.text->s);
	}
	if (kind && strcmp(kind, "Kustomization") && strcmp(kind, "Component"))
		errors += diag_error(&ctx->diag, &ir_map_getc(doc, "kind")->pos,
			"kind should be Kustomization or Component, not %s", kind);
	return errors ? NULL : k;
}

static const struct ir_pass kust_passes[] = {
	{ "resources", kust_pass_resources },
	{ "sort", kust_pass_sort },
	{ "finish", kust_pass_finish },
};

int kust_build_dir(struct mc_ctx *ctx, const char *dir, const struct kust_opts *opts,
	struct kust_stack *stack, enum kust_role role, const struct srcpos *from,
	struct ir_reslist *out)
{
	char *real = NULL;
	int rc = vfs_realpath(ctx->fs, dir, &real);
	if (rc) {
		return diag_error(&ctx->diag, from, "must build at directory: '%s': %s", dir,
			rc == ENOENT ? "no such file or directory" : strerror(rc));
	}
	enum vfs_kind kind;
	if (vfs_stat(ctx->fs, real, &kind) || kind != VFS_DIR) {
		free(real);
		return diag_error(&ctx->diag, from, "must build at directory: '%s': file is not directory", dir);
	}
	for (struct kust_stack *s = stack; s; s = s->up) {
		if (path_within(s->realdir, real)) {
			int e = diag_error(&ctx->diag, from,
				"cycle detected: candidate root '%s' contains visited root '%s'", real, s->realdir);
			free(real);
			return e;
		}
	}
	struct kust *k = load_kust(ctx, dir, real, opts, role, from);
	free(real);
	if (!k)
		return 1;
	if (role == KUST_COMPONENT && !k->component)
		return diag_error(&ctx->diag, from, "expected kind 'Component' for path '%s' but got '%s'",
			k->realdir, ir_cstr(ir_map_getc(k->doc, "kind")) ? ir_cstr(ir_map_getc(k->doc, "kind")) : "Kustomization");
	if (role != KUST_COMPONENT && k->component)
		return diag_error(&ctx->diag, from, role == KUST_TOP
			? "a Component cannot be built on its own: '%s'"
			: "expected kind != 'Component' for path '%s'", k->realdir);
	struct kust_stack here = { k->realdir, stack };
	k->stack = &here;
	k->role = role;
	struct ir_module m = { .ctx = ctx, .unit = k };
	int errors = pipeline_run(&m, kust_passes, COUNT(kust_passes));
	if (!errors)
		for (size_t i = 0; i < m.res.len; i++)
			ir_reslist_push(ctx, out, m.res.items[i]);
	k->stack = NULL;
	return errors;
}

int kust_build(struct mc_ctx *ctx, const char *dir, const struct kust_opts *opts,
	struct ir_reslist *out)
{
	return kust_build_dir(ctx, dir, opts, NULL, KUST_TOP, NULL, out);
}
