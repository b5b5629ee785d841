/*
 * fuzz_kust.c - libFuzzer target: bytes -> kustomization -> full build.
 *
 * The input is the kustomization file of a small fixed tree (a base with
 * a Deployment, a Service, an env file, a transformer config and a
 * component) made once in a temporary directory; the vfs is rooted there
 * so nothing else is ever read.  Every input must build or produce
 * diagnostics, never crash, hang or leak; a successful build must also
 * print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc/backend.h"
#include "mc/frontend.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[256];

static void put(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(root, sizeof root, "/tmp/mc-fuzz-kust-XXXXXX");
	if (!mkdtemp(root))
		abort();
	char p[512];
	snprintf(p, sizeof p, "%s/base", root);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/comp", root);
	mkdir(p, 0755);
	put("base/kustomization.yaml", "resources: [app.yaml]\nnamePrefix: b-\n"
		"configMapGenerator:\n- name: cfg\n  envs: [../app.env]\n");
	put("base/app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
		"spec:\n  template:\n    spec:\n      containers:\n      - name: web\n"
		"        image: nginx:1\n        envFrom:\n        - configMapRef:\n            name: cfg\n"
		"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
		"  selector:\n    app: web\n");
	put("app.env", "A=1\n# c\nB=two\n");
	put("app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: top\ndata:\n  k: v\n");
	put("cfg.yaml", "nameReference:\n- kind: ConfigMap\n  fieldSpecs:\n  - kind: Service\n"
		"    path: spec/selector/cm\n");
	put("comp/kustomization.yaml", "kind: Component\nreplicas:\n- name: b-web\n  count: 2\n");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfs *fs = vfs_disk(root);
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	struct kust_opts opts = { 0 };
	struct ir_reslist out = { 0 };
	if (kust_build_doc(&ctx, root, NULL, (const char *)data, size, &opts, &out) == 0) {
		struct sbuf sb = SBUF_INIT;
		const char *err;
		for (size_t i = 0; i < out.len; i++)
			emit_yaml(&sb, out.items[i]->body, &err);
		sbuf_release(&sb);
	}
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < ctx.diag.len; i++)
		diag_format(&ctx.diag.msgs[i], &sb, false);
	sbuf_release(&sb);
	mc_ctx_release(&ctx);
	vfs_destroy(fs);
	return 0;
}
