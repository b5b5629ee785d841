/*
 * cmd_validate.c - `manifestc validate [flags] PATH...`: validate manifests
 * offline against the embedded Kubernetes schemas, the CRDs found in the
 * inputs or given with --crds, and kubeconform-layout JSON Schemas given
 * with --schemas; then the repository's policies (manifestc.yaml).
 *
 * Inputs are files, directories (walked recursively for *.yaml, *.yml,
 * *.json, in sorted order) or `-` for stdin.  All inputs are loaded before
 * anything is validated, so a CRD validates its custom resources wherever
 * it appears.  Exit status: 0 clean, 1 findings, 2 usage or internal error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "driver.h"
#include "mc/backend.h"
#include "mc/frontend.h"
#include "mc/validate.h"
#include "mc/config.h"

struct inputs {
	struct validate_paths paths; /* files to read, in order */
	bool stdin_too;
};

/* Expand PATH arguments; returns 0 or prints an error and returns 2. */
static int collect(const struct cli_cmd *cmd, struct vfs *fs, const struct strvec *args,
	struct inputs *in)
{
	for (size_t i = 0; i < args->len; i++) {
		const char *a = args->items[i];
		if (!strcmp(a, "-")) {
			in->stdin_too = true;
			continue;
		}
		enum vfs_kind k;
		int e = vfs_stat(fs, a, &k);
		if (e || k == VFS_MISSING) {
			cli_usage_error(cmd, "%s: %s", a, strerror(e ? e : ENOENT));
			return EXIT_USAGE;
		}
		if (k == VFS_DIR) {
			e = validate_walk(fs, a, &in->paths);
			if (e) {
				cli_usage_error(cmd, "%s: %s", a, strerror(e));
				return EXIT_USAGE;
			}
		} else {
			validate_paths_push(&in->paths, xstrdup(a));
		}
	}
	return 0;
}

static const struct srcfile *read_stdin(struct mc_ctx *ctx)
{
	struct sbuf sb = SBUF_INIT;
	char buf[65536];
	ssize_t r;
	while ((r = read(0, buf, sizeof buf)) > 0) {
		sbuf_add(&sb, buf, (size_t)r);
		if (sb.len > VFS_MAX_FILE)
			break;
	}
	const struct srcfile *f = srcfile_mem(ctx, "stdin", sb.buf, sb.len);
	sbuf_release(&sb);
	return f;
}

/* --crds and --schemas (and their manifestc.yaml forms): a path that does
 * not exist is a usage error. */
static int add_crds(const struct cli_cmd *cmd, struct mc_ctx *ctx, struct vfs *fs,
	struct schema_set *set, const char *path)
{
	int e = validate_add_crd_path(ctx, fs, set, path);
	if (e)
		cli_usage_error(cmd, "--crds %s: %s", path, strerror(e));
	return e;
}

static int add_schemas(const struct cli_cmd *cmd, struct mc_ctx *ctx, struct vfs *fs,
	struct schema_set *set, const char *dir)
{
	int e = validate_add_schema_dir(ctx, fs, set, dir);
	if (e)
		cli_usage_error(cmd, "--schemas %s: %s", dir, e == ENOTDIR ? "not a directory" :
			strerror(e));
	return e;
}

static bool contains(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);
	for (const char *p = s, *e = s + n; (p = memchr(p, word[0], (size_t)(e - p))); p++)
		if ((size_t)(e - p) >= w && !memcmp(p, word, w))
			return true;
	return false;
}

static bool keep_for_projects(const struct validate_record *r)
{
	return r->kind && (!strcmp(r->kind, "Application") || !strcmp(r->kind, "AppProject"));
}

static int run(int argc, char **argv)
{
	bool strict = false, ignore_missing = false, summary = false, verbose = false;
	bool no_k8s = false, refs = false, no_config = false;
	const char *output = NULL, *kube_version = NULL, *config_path = NULL, *env = NULL;
	struct strvec skip = { 0 }, reject = { 0 }, schemas = { 0 }, crds = { 0 }, reports = { 0 };
	const struct cli_opt opts[] = {
		{ "strict", 0, CLI_BOOL, &strict, NULL,
		  "unknown fields and duplicate keys are errors" },
		{ "ignore-missing-schemas", 0, CLI_BOOL, &ignore_missing, NULL,
		  "skip resources whose kind has no schema instead of failing" },
		{ "skip", 0, CLI_CSV, &skip, "KIND,...",
		  "skip these kinds (Kind or apiVersion/Kind, e.g. v1/Secret)" },
		{ "reject", 0, CLI_CSV, &reject, "KIND,...",
		  "fail on these kinds (Kind or apiVersion/Kind)" },
		{ "kube-version", 0, CLI_STR, &kube_version, "VERSION",
		  "Kubernetes version of the embedded schemas (1.32)" },
		{ "schemas", 0, CLI_LIST, &schemas, "DIR",
		  "add the JSON Schemas in DIR (kubeconform's layout; repeatable)" },
		{ "crds", 0, CLI_LIST, &crds, "PATH",
		  "add the CustomResourceDefinitions in PATH, a file or directory (repeatable)" },
		{ "output", 'o', CLI_STR, &output, "FORMAT", "text (default), json, junit, sarif or github" },
		{ "report", 0, CLI_LIST, &reports, "FORMAT[:FILE]",
		  "a report in FORMAT (as -o) to FILE, or to stdout (repeatable)" },
		{ "summary", 0, CLI_BOOL, &summary, NULL, "print a summary of the counts" },
		{ "verbose", 'v', CLI_BOOL, &verbose, NULL, "also list valid and skipped resources" },
		{ "no-k8s-checks", 0, CLI_BOOL, &no_k8s, NULL,
		  "only the schemas: skip the API server's own checks (quantities, names, enums...)" },
		{ "refs", 0, CLI_BOOL, &refs, NULL,
		  "check references between the inputs (one environment): ConfigMaps, Secrets, "
		  "ServiceAccounts, PVCs, Service selectors, analysis templates, HPA targets" },
		{ "environment", 0, CLI_STR, &env, "NAME",
		  "the environment the manifests are for (policies for protected environments)" },
		{ "config", 0, CLI_STR, &config_path, "FILE",
		  "the repository settings (default: manifestc.yaml at the repository root)" },
		{ "no-config", 0, CLI_BOOL, &no_config, NULL, "do not read manifestc.yaml" },
		{ 0 },
	};
	struct strvec args = { 0 };
	int rc = cli_parse(&cmd_validate, opts, argc, argv, &args);
	enum report_format fmt;
	if (!rc && output && report_parse_format(output, &fmt))
		rc = cli_usage_error(&cmd_validate, "--output must be text, json, junit, sarif or github, not '%s'", output);
	/* -o FORMAT is the report on stdout; --report adds others. */
	struct cli_reports reps = { 0 };
	if (!rc && output)
		strvec_push(&reports, output);
	if (!rc)
		rc = cli_reports_parse(&cmd_validate, &reports, "stdout", &reps);
	const struct schema_set *base = NULL;
	if (!rc) {
		base = schema_builtin_version(kube_version);
		if (!base) {
			struct sbuf have = SBUF_INIT;
			for (const char *const *v = schema_builtin_versions(); *v; v++)
				sbuf_printf(&have, "%s%s", have.len ? ", " : "", *v);
			rc = cli_usage_error(&cmd_validate,
				"--kube-version %s: not embedded (embedded: %s)", kube_version, have.buf);
			sbuf_release(&have);
		}
	}
	struct vfs *fs = NULL;
	struct inputs in = { 0 };
	if (!rc) {
		fs = vfs_disk(NULL);
		if (args.len == 0)
			in.stdin_too = true;
		rc = collect(&cmd_validate, fs, &args, &in);
	}
	if (rc) {
		cli_reports_release(&reps);
		strvec_release(&reports);
		strvec_release(&args);
		strvec_release(&skip);
		strvec_release(&reject);
		strvec_release(&schemas);
		strvec_release(&crds);
		validate_paths_release(&in.paths);
		if (fs)
			vfs_destroy(fs);
		return rc < 0 ? EXIT_OK : rc;
	}

	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	struct validate_records recs = { 0 };
	struct validate_opts vo = {
		.strict = strict, .ignore_missing = ignore_missing, .no_k8s = no_k8s,
		.missing_name_warns = true,
		.skip = skip.items, .nskip = skip.len, .reject = reject.items, .nreject = reject.len,
	};
	int status = EXIT_OK;

	/* Repository settings (manifestc.yaml, `validate:`). */
	struct mc_config mcfg = { 0 };
	struct validate_policy cfg;
	validate_policy_defaults(&cfg);
	size_t m0 = ctx.diag.len;
	if (!no_config) {
		int r = mc_config_load(&ctx, fs, config_path, NULL, &mcfg);
		if (r < 0 || (r > 0 && validate_policy_parse(&ctx, mc_config_section(&mcfg, "validate"),
			mcfg.dir, &cfg)))
			status = EXIT_USAGE;
	}
	if (status != EXIT_OK) {
		diag_print(&ctx.diag, stderr, -1);
	}
	if (cfg.strict_set && !strict)
		vo.strict = cfg.strict;
	if (cfg.ignore_missing_set && !ignore_missing)
		vo.ignore_missing = cfg.ignore_missing;
	if (!skip.len && cfg.skip.len) {
		vo.skip = cfg.skip.items;
		vo.nskip = cfg.skip.len;
	}
	if (!reject.len && cfg.reject.len) {
		vo.reject = cfg.reject.items;
		vo.nreject = cfg.reject.len;
	}

	struct schema_set *set = schema_set_new(base);
	m0 = ctx.diag.len;
	for (size_t i = 0; i < cfg.schemas.len && status == EXIT_OK; i++)
		if (add_schemas(&cmd_validate, &ctx, fs, set, cfg.schemas.items[i]))
			status = EXIT_USAGE;
	for (size_t i = 0; i < schemas.len && status == EXIT_OK; i++)
		if (add_schemas(&cmd_validate, &ctx, fs, set, schemas.items[i]))
			status = EXIT_USAGE;
	for (size_t i = 0; i < cfg.crds.len && status == EXIT_OK; i++)
		if (add_crds(&cmd_validate, &ctx, fs, set, cfg.crds.items[i]))
			status = EXIT_USAGE;
	for (size_t i = 0; i < crds.len && status == EXIT_OK; i++)
		if (add_crds(&cmd_validate, &ctx, fs, set, crds.items[i]))
			status = EXIT_USAGE;
	validate_records_orphans(&ctx, &recs, m0, ctx.diag.len, 0);

	/* Two passes.  First every file that may hold a CRD (its text names
	 * the kind) is loaded for good and its CRDs registered, so that custom
	 * resources validate wherever their CRD is.  Then each other file is
	 * parsed into a scratch context, validated and released, so memory
	 * stays bounded by the largest file, unless --refs needs every
	 * resource at once. */
	size_t nfiles = in.paths.len + (in.stdin_too ? 1 : 0);
	const struct srcfile **files = xcalloc(nfiles ? nfiles : 1, sizeof *files);
	struct validate_input *kept = xcalloc(nfiles ? nfiles : 1, sizeof *kept);
	bool *is_kept = xcalloc(nfiles ? nfiles : 1, sizeof *is_kept);
	for (size_t i = 0; i < nfiles && status == EXIT_OK; i++) {
		if (i < in.paths.len) {
			int e = 0;
			files[i] = vfs_load(fs, in.paths.items[i], NULL, &e);
			if (!files[i]) {
				fprintf(stderr, "manifestc validate: error: %s: %s\n", in.paths.items[i],
					strerror(e));
				status = EXIT_USAGE;
				break;
			}
		} else {
			files[i] = read_stdin(&ctx);
		}
		if (refs || contains(files[i]->data, files[i]->len, "CustomResourceDefinition")) {
			validate_load(&ctx, &ctx, files[i], (uint32_t)(i + 1), &vo, &kept[i], &recs);
			is_kept[i] = true;
			m0 = ctx.diag.len;
			validate_add_crds(&ctx, set, &kept[i]);
			validate_records_orphans(&ctx, &recs, m0, ctx.diag.len, 0);
		}
	}
	if (status == EXIT_OK) {
		if (!refs)
			cfg.refs = POLICY_OFF;
		for (size_t i = 0; i < nfiles; i++) {
			size_t from = recs.len;
			if (is_kept[i]) {
				validate_input_run(&ctx, set, &kept[i], &vo, &recs);
			} else {
				struct mc_ctx scratch;
				mc_ctx_init(&scratch, fs);
				struct validate_input vin;
				validate_load(&ctx, &scratch, files[i], (uint32_t)(i + 1), &vo, &vin, &recs);
				from = recs.len;
				validate_input_run(&ctx, set, &vin, &vo, &recs);
				for (size_t r = from; r < recs.len; r++)
					validate_policies(&ctx, &cfg, env, &recs.items[r]);
				validate_records_detach(&ctx, &recs, from, keep_for_projects);
				mc_ctx_release(&scratch);
				continue;
			}
			for (size_t r = from; r < recs.len; r++)
				validate_policies(&ctx, &cfg, env, &recs.items[r]);
		}
		/* References are checked only when the inputs are one whole
		 * environment (--refs); render always does. */
		validate_refs(&ctx, &cfg, &recs);
		validate_projects(&ctx, &cfg, &recs);
		validate_records_sort(&recs);

		struct report rep = {
			.records = &recs, .diag = &ctx.diag, .nfiles = nfiles, .summary = summary,
			.verbose = verbose, .tool_version = MC_VERSION, .tool = "manifestc validate",
		};
		status = cli_reports_write(&cmd_validate, &reps, &rep, stdout);
		for (size_t i = 0; i < recs.len && status == EXIT_OK; i++)
			if (recs.items[i].nerrors || recs.items[i].status == VALIDATE_INVALID ||
			    recs.items[i].status == VALIDATE_ERROR)
				status = EXIT_FINDINGS;
	}
	free(files);
	free(kept);
	free(is_kept);
	mc_config_release(&mcfg);
	schema_set_free(set);
	mc_ctx_release(&ctx);
	validate_paths_release(&in.paths);
	cli_reports_release(&reps);
	strvec_release(&reports);
	strvec_release(&args);
	strvec_release(&skip);
	strvec_release(&reject);
	strvec_release(&schemas);
	strvec_release(&crds);
	vfs_destroy(fs);
	return status;
}

const struct cli_cmd cmd_validate = {
	"validate", "[flags] [PATH...]",
	"Validate manifests offline: embedded Kubernetes schemas, CRDs, the API server's checks, policies.",
	"PATH is a file, a directory (searched recursively for *.yaml, *.yml and *.json) or - for\n"
	"stdin (the default).  CustomResourceDefinitions among the inputs validate their custom\n"
	"resources.  Settings under `validate:` in manifestc.yaml (at the repository root) add\n"
	"policies, required labels, extra CRDs and schemas.  Exit status: 0 when everything is\n"
	"valid, 1 when there are findings, 2 on usage or internal errors.",
	run,
};
