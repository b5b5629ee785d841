/*
 * fuzz_validate.c - libFuzzer target: bytes -> manifests -> the validator.
 *
 * The input is loaded the way `manifestc validate` loads a file (strict or
 * not, chosen by the first byte), its CustomResourceDefinitions compiled
 * into a set over the embedded schemas (so the schema compiler and the Go
 * regexp translator see arbitrary schemas and patterns), every resource
 * validated with the API server's checks, then the policies, references
 * and AppProject checks, and every report format written.  Nothing may
 * crash, hang, leak or trip a sanitizer.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mc/backend.h"
#include "mc/frontend.h"
#include "mc/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	unsigned mode = size ? data[0] : 0;
	const struct srcfile *f = srcfile_mem(&ctx, "fuzz.yaml", (const char *)data, size);
	struct validate_opts o = { .strict = mode & 1, .no_k8s = (mode & 6) == 6,
		.max_nodes = 100000 };
	struct validate_policy p;
	validate_policy_defaults(&p);
	const char *label = "app.kubernetes.io/name";
	VEC_PUSH(&ctx.arena, &p.required_labels, label);
	const char *env = "prod";
	VEC_PUSH(&ctx.arena, &p.protected_envs, env);
	struct validate_records recs = { 0 };
	struct validate_input in;
	validate_load(&ctx, &ctx, f, 1, &o, &in, &recs);
	struct schema_set *set = schema_set_new(schema_builtin());
	validate_add_crds(&ctx, set, &in);
	validate_input_run(&ctx, set, &in, &o, &recs);
	for (size_t i = 0; i < recs.len; i++)
		validate_policies(&ctx, &p, env, &recs.items[i]);
	validate_refs(&ctx, &p, &recs);
	validate_projects(&ctx, &p, &recs);
	for (size_t i = 0; i < recs.len; i++)
		if (recs.items[i].kind && !strcmp(recs.items[i].kind, "AppProject"))
			validate_project_kinds(&ctx, &p, set, recs.items[i].body, &recs.items[0], &recs);
	validate_records_sort(&recs);
	struct report r = { .records = &recs, .diag = &ctx.diag, .nfiles = 1, .summary = true,
		.verbose = true, .tool_version = "fuzz" };
	for (int fmt = REPORT_TEXT; fmt <= REPORT_GITHUB; fmt++) {
		struct sbuf out = SBUF_INIT;
		report_write(&out, (enum report_format)fmt, &r);
		sbuf_release(&out);
	}
	schema_set_free(set);
	mc_ctx_release(&ctx);
	return 0;
}
