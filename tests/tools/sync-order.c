/*
 * sync-order - print the Argo CD sync order of a YAML stream of resources,
 * for the shared syncorder conformance runner:
 *
 *   sync-order order FILE [--namespace NS]
 *
 * prints one line per sync task, `PHASE WAVE KIND NAMESPACE NAME`, with
 * NAMESPACE as written in the resource ('-' when it has none).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mc/frontend.h"
#include "mc/passes.h"

int main(int argc, char **argv)
{
	const char *file = NULL, *ns = "";
	if (argc < 3 || strcmp(argv[1], "order")) {
		fprintf(stderr, "usage: sync-order order FILE [--namespace NS]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--namespace") && i + 1 < argc)
			ns = argv[++i];
		else if (!file)
			file = argv[i];
		else {
			fprintf(stderr, "sync-order: unexpected argument '%s'\n", argv[i]);
			return 2;
		}
	}
	struct vfs *fs = vfs_disk(NULL);
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	int err = 0, status = 0;
	const struct srcfile *f = vfs_load(fs, file, file, &err);
	struct ir_docs docs = { 0 };
	struct yaml_opts yo = { .schema = YAML_V3 };
	if (!f) {
		fprintf(stderr, "sync-order: %s: %s\n", file, strerror(err));
		status = 2;
	} else if (yaml_load(&ctx, f, &yo, &docs)) {
		status = 1;
	} else {
		struct ir_reslist res = { 0 };
		for (size_t i = 0; i < docs.len; i++)
			if (ir_is_map(docs.items[i]))
				ir_reslist_push(&ctx, &res, ir_resource_new(&ctx, docs.items[i], &docs.starts[i]));
		struct sync_plan plan;
		sync_plan_build(&ctx, &res, ns, &plan);
		for (size_t i = 0; i < plan.len; i++) {
			const struct ir_resid *id = &plan.tasks[i].res->id;
			printf("%s %lld %s %s %s\n", sync_phase_name(plan.tasks[i].phase),
				(long long)plan.tasks[i].wave, id->kind->s, id->ns->len ? id->ns->s : "-",
				id->name->s);
		}
	}
	diag_print(&ctx.diag, stderr, -1);
	mc_ctx_release(&ctx);
	vfs_destroy(fs);
	return status;
}
