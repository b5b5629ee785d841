/*
 * validate_inputs.c - the files validation reads besides the manifests
 * themselves: directory walks, CustomResourceDefinitions (--crds, the
 * `validate.crds` setting) and kubeconform-layout JSON Schemas (--schemas,
 * `validate.schemas`).
 *
 * `manifestc validate` and render's validation pass both load these, so
 * they live here, below the driver, and read through the vfs like every
 * other input.  Walks are sorted (the vfs lists sorted) and depth-capped;
 * a render output's index.json is manifestc's own index, not a resource,
 * and is left out of walks so that `validate OUT` validates what render
 * wrote.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc/frontend.h"
#include "mc/validate.h"

#define MAX_WALK_DEPTH 64

void validate_paths_release(struct validate_paths *p)
{
	for (size_t i = 0; i < p->len; i++)
		free(p->items[i]);
	free(p->items);
	memset(p, 0, sizeof *p);
}

void validate_paths_push(struct validate_paths *p, char *s)
{
	if (p->len == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->items = xrealloc(p->items, p->cap * sizeof *p->items);
	}
	p->items[p->len++] = s;
}

static bool manifest_name(const char *name)
{
	size_t n = strlen(name);
	static const char *const ext[] = { ".yaml", ".yml", ".json" };
	for (int i = 0; i < 3; i++) {
		size_t el = strlen(ext[i]);
		if (n > el && !strcasecmp(name + n - el, ext[i]))
			return true;
	}
	return false;
}

/* index.json as `manifestc render` writes it: a map with "version" and
 * "environments" and no "kind". */
static bool render_index(struct vfs *fs, const char *path)
{
	int e;
	const struct srcfile *f = vfs_load(fs, path, NULL, &e);
	if (!f)
		return false;
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	struct yaml_opts yo = { .schema = YAML_V2 };
	struct ir_node *doc = NULL;
	bool index = yaml_load_one(&ctx, f, &yo, &doc) == 0 && ir_is_map(doc) &&
		ir_map_getc(doc, "version") && ir_is_seq(ir_map_getc(doc, "environments")) &&
		!ir_map_getc(doc, "kind");
	mc_ctx_release(&ctx);
	return index;
}

static int walk(struct vfs *fs, const char *dir, int depth, struct validate_paths *out)
{
	if (depth > MAX_WALK_DEPTH)
		return 0;
	char **names;
	size_t n;
	int e = vfs_list(fs, dir, &names, &n);
	if (e)
		return e;
	for (size_t i = 0; i < n; i++) {
		char *p = path_clean(dir, names[i]);
		enum vfs_kind k = VFS_MISSING;
		if (vfs_stat(fs, p, &k) == 0 && k == VFS_DIR) {
			walk(fs, p, depth + 1, out);
			free(p);
		} else if (k == VFS_FILE && manifest_name(names[i]) &&
			   !(!strcmp(names[i], "index.json") && render_index(fs, p))) {
			validate_paths_push(out, p);
		} else {
			free(p);
		}
	}
	vfs_free_list(names, n);
	return 0;
}

int validate_walk(struct vfs *fs, const char *dir, struct validate_paths *out)
{
	return walk(fs, dir, 0, out);
}

int validate_add_crd_path(struct mc_ctx *ctx, struct vfs *fs, struct schema_set *set,
	const char *path)
{
	struct validate_paths files = { 0 };
	enum vfs_kind k;
	int e = vfs_stat(fs, path, &k);
	if (e || k == VFS_MISSING)
		return e ? e : ENOENT;
	if (k == VFS_DIR)
		walk(fs, path, 0, &files);
	else
		validate_paths_push(&files, xstrdup(path));
	struct validate_opts o = { .strict = false };
	for (size_t i = 0; i < files.len; i++) {
		const struct srcfile *f = vfs_load(fs, files.items[i], NULL, &e);
		if (!f) {
			diag_error(&ctx->diag, NULL, "%s: %s", files.items[i], strerror(e));
			continue;
		}
		struct validate_input in;
		struct validate_records ignore = { 0 };
		validate_load(ctx, ctx, f, 0, &o, &in, &ignore);
		validate_add_crds(ctx, set, &in);
	}
	validate_paths_release(&files);
	return 0;
}

int validate_add_schema_dir(struct mc_ctx *ctx, struct vfs *fs, struct schema_set *set,
	const char *dir)
{
	struct validate_paths files = { 0 };
	enum vfs_kind k;
	int e = vfs_stat(fs, dir, &k);
	if (e || k != VFS_DIR)
		return e ? e : k == VFS_MISSING ? ENOENT : ENOTDIR;
	walk(fs, dir, 0, &files);
	for (size_t i = 0; i < files.len; i++) {
		const char *p = files.items[i];
		size_t n = strlen(p);
		if (n < 5 || strcasecmp(p + n - 5, ".json"))
			continue;
		const struct srcfile *f = vfs_load(fs, p, NULL, &e);
		if (!f) {
			diag_error(&ctx->diag, NULL, "%s: %s", p, strerror(e));
			continue;
		}
		struct ir_node *doc = NULL;
		struct yaml_opts yo = { .schema = YAML_V2 };
		if (yaml_load_one(ctx, f, &yo, &doc) || !doc)
			continue;
		/* The key is the file name without .json, lower-cased, and
		 * "<dir>/<name>" for the CRDs-catalog layout
		 * ({group}/{kind}_{version}.json). */
		const char *base = strrchr(p, '/');
		base = base ? base + 1 : p;
		char *key = xstrndup(base, strlen(base) - 5);
		for (char *c = key; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c + 32);
		schema_set_add_jsonschema(set, ctx, doc, key);
		if (base > p + 1) {
			const char *pd = base - 1;
			const char *ds = pd;
			while (ds > p && ds[-1] != '/')
				ds--;
			struct sbuf ck = SBUF_INIT;
			sbuf_printf(&ck, "%.*s/%s", (int)(pd - ds), ds, key);
			schema_set_add_jsonschema(set, ctx, doc, ck.buf);
			sbuf_release(&ck);
		}
		free(key);
	}
	validate_paths_release(&files);
	return 0;
}
