/*
 * config.c - finding and parsing manifestc.yaml (see config.h).
 *
 * The file is read like a kustomization (go-yaml v2 through sigs.k8s.io/yaml
 * rules) with duplicate keys refused: a settings file with two `validate:`
 * keys is a mistake to report, not to resolve silently.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc/config.h"

static int load_file(struct mc_ctx *ctx, struct vfs *fs, const char *path, struct mc_config *out)
{
	int e = 0;
	const struct srcfile *f = vfs_load(fs, path, NULL, &e);
	if (!f) {
		struct srcpos none = SRCPOS_NONE;
		diag_add(&ctx->diag, DIAG_ERROR, &none, "config", NULL, "%s: %s", path, strerror(e));
		return -1;
	}
	struct yaml_opts yo = { .schema = YAML_V2 };
	struct ir_node *doc = NULL;
	if (yaml_load_one(ctx, f, &yo, &doc))
		return -1;
	out->file = f;
	if (doc && !ir_is_map(doc)) {
		diag_add(&ctx->diag, DIAG_ERROR, &doc->pos, "config", NULL,
			"%s must be a map of settings", path);
		return -1;
	}
	out->doc = doc;
	out->dir = path_dir(path);
	return 1;
}

int mc_config_load(struct mc_ctx *ctx, struct vfs *fs, const char *path, const char *start_dir,
	struct mc_config *out)
{
	memset(out, 0, sizeof *out);
	if (path)
		return load_file(ctx, fs, path, out);
	char *dir = NULL;
	if (start_dir) {
		dir = xstrdup(start_dir);
	} else {
		char buf[4096];
		if (!getcwd(buf, sizeof buf))
			return 0;
		dir = xstrdup(buf);
	}
	for (int depth = 0; depth < 64; depth++) {
		char *cand = path_clean(dir, MC_CONFIG_NAME);
		enum vfs_kind k;
		if (vfs_stat(fs, cand, &k) == 0 && k == VFS_FILE) {
			int r = load_file(ctx, fs, cand, out);
			free(cand);
			free(dir);
			return r;
		}
		free(cand);
		char *git = path_clean(dir, ".git");
		bool root = vfs_stat(fs, git, &k) == 0 && k != VFS_MISSING;
		free(git);
		char *up = path_dir(dir);
		if (root || !strcmp(up, dir)) {
			free(up);
			break;
		}
		free(dir);
		dir = up;
	}
	free(dir);
	return 0;
}

void mc_config_release(struct mc_config *c)
{
	free(c->dir);
	memset(c, 0, sizeof *c);
}

struct ir_node *mc_config_section(const struct mc_config *c, const char *key)
{
	return c && c->doc ? ir_map_getc(c->doc, key) : NULL;
}
