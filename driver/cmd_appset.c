/*
 * cmd_appset.c - `manifestc appset generate FILE`: the Applications an
 * ApplicationSet generates, with no Argo CD server.
 *
 * The output mimics `argocd appset generate -o yaml|json`: the Applications
 * with apiVersion and kind, without status, creationTimestamp or
 * metadata.namespace, one object when there is one Application, else a list
 * (as the API server does, duplicates are not rejected and nothing is
 * sorted).  Git generators read --repo DIR (or URL=DIR mappings), cluster
 * generators the Secrets of --clusters FILE plus the implicit in-cluster.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "mc/backend.h"
#include "mc/frontend.h"

static int generate(const char *file, const struct strvec *repos, const struct strvec *clusters,
	bool json, bool new_glob)
{
	struct vfs *fs = vfs_disk(NULL);
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	struct appset_world w;
	appset_world_init(&w);
	w.new_globbing = new_glob;
	int status = EXIT_OK;
	for (size_t i = 0; i < repos->len; i++) {
		const char *eq = strchr(repos->items[i], '=');
		if (eq) {
			char *url = xstrndup(repos->items[i], (size_t)(eq - repos->items[i]));
			appset_world_map_repo(&w, url, eq + 1);
			free(url);
		} else {
			appset_world_map_repo(&w, NULL, repos->items[i]);
			w.self_any_url = true;
		}
	}
	for (size_t i = 0; i < clusters->len; i++) {
		int err;
		const struct srcfile *f = vfs_load(fs, clusters->items[i], clusters->items[i], &err);
		struct ir_docs docs = { 0 };
		struct yaml_opts yo = { .schema = YAML_V2 };
		if (!f)
			diag_error(&ctx.diag, NULL, "cannot read %s: %s", clusters->items[i], strerror(err));
		else if (!yaml_load(&ctx, f, &yo, &docs)) {
			for (size_t d = 0; d < docs.len; d++) {
				struct ir_node *items = ir_map_getc(docs.items[d], "items");
				if (ir_is_seq(items))
					appset_world_add_clusters(&ctx, &w, items->seq.items, items->seq.len);
			}
			appset_world_add_clusters(&ctx, &w, docs.items, docs.len);
		}
	}
	int err;
	const struct srcfile *f = diag_errors(&ctx.diag) ? NULL : vfs_load(fs, file, file, &err);
	struct ir_docs docs = { 0 };
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_JSON_NUMBERS };
	if (!diag_errors(&ctx.diag) && !f)
		diag_error(&ctx.diag, NULL, "cannot read %s: %s", file, strerror(err));
	else if (f && !yaml_load(&ctx, f, &yo, &docs)) {
		const struct ir_node *set = NULL;
		size_t n = 0;
		for (size_t d = 0; d < docs.len; d++)
			if (str_eqc(ir_text(ir_map_getc(docs.items[d], "kind")), "ApplicationSet")) {
				set = docs.items[d];
				n++;
			}
		if (n != 1) {
			diag_error(&ctx.diag, NULL, "%s: Input file must contain one ApplicationSet", file);
		} else if (!ir_path_cstr(set, "metadata/name") || !*ir_path_cstr(set, "metadata/name")) {
			diag_error(&ctx.diag, &set->pos, "Error generating apps for ApplicationSet: "
				"ApplicationSet does not have Name field set");
		} else {
			struct ir_node *apps;
			if (!appset_generate(&ctx, &w, set, 0, &apps, NULL)) {
				for (uint32_t i = 0; i < apps->seq.len; i++) {
					struct ir_node *app = apps->seq.items[i];
					ir_map_delc(app, "status");
					struct ir_node *meta = ir_map_getc(app, "metadata");
					ir_map_delc(meta, "namespace");
					ir_map_delc(meta, "creationTimestamp");
					/* Fields the Application type always marshals. */
					struct ir_node *spec = ir_map_child(&ctx, app, "spec");
					if (!ir_map_getc(spec, "destination"))
						ir_map_setc(&ctx, spec, "destination", ir_map(&ctx, NULL));
					if (!ir_map_getc(spec, "project"))
						ir_map_setc(&ctx, spec, "project", ir_str0(&ctx, "", NULL));
				}
				const struct ir_node *obj = apps->seq.len == 1 ? apps->seq.items[0] : apps;
				struct sbuf out = SBUF_INIT;
				const char *e = NULL;
				int rc = json ? emit_json(&out, obj, 0, &e) : emit_yaml(&out, obj, &e);
				if (json)
					sbuf_addc(&out, '\n');
				if (rc)
					diag_error(&ctx.diag, NULL, "%s", e);
				else
					fwrite(out.buf, 1, out.len, stdout);
				sbuf_release(&out);
			}
		}
	}
	diag_print(&ctx.diag, stderr, -1);
	if (diag_errors(&ctx.diag))
		status = EXIT_FINDINGS;
	appset_world_release(&w);
	mc_ctx_release(&ctx);
	vfs_destroy(fs);
	return status;
}

static int run(int argc, char **argv)
{
	const char *output = "yaml";
	bool new_glob = false;
	struct strvec repos = { 0 }, clusters = { 0 }, pos = { 0 };
	const struct cli_opt opts[] = {
		{ "repo", 0, CLI_LIST, &repos, "DIR|URL=DIR",
		  "the checkout git generators read: DIR for every repoURL, or per URL (repeatable)" },
		{ "clusters", 0, CLI_LIST, &clusters, "FILE", "Argo CD cluster Secrets (repeatable)" },
		{ "output", 'o', CLI_STR, &output, "FORMAT", "yaml (default) or json" },
		{ "new-git-file-globbing", 0, CLI_BOOL, &new_glob, NULL,
		  "git files generators use doublestar globs (--enable-new-git-file-globbing)" },
		{ 0 },
	};
	int rc = cli_parse(&cmd_appset, opts, argc, argv, &pos);
	if (!rc && (pos.len != 2 || strcmp(pos.items[0], "generate")))
		rc = cli_usage_error(&cmd_appset, "usage: manifestc appset generate FILE [flags]");
	if (!rc && strcmp(output, "yaml") && strcmp(output, "json"))
		rc = cli_usage_error(&cmd_appset, "-o must be yaml or json, not '%s'", output);
	int status = rc > 0 ? rc : EXIT_OK;
	if (!rc)
		status = generate(pos.items[1], &repos, &clusters, !strcmp(output, "json"), new_glob);
	strvec_release(&repos);
	strvec_release(&clusters);
	strvec_release(&pos);
	return rc < 0 ? EXIT_OK : status;
}

const struct cli_cmd cmd_appset = {
	"appset", "generate FILE [flags]",
	"Print the Applications an ApplicationSet generates (like `argocd appset generate`).",
	"Git generators read --repo (the directory standing for every repoURL, or URL=DIR),\n"
	"cluster generators the Secrets of --clusters plus the implicit in-cluster.",
	run,
};
