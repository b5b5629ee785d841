/*
 * cmd_diff.c - `manifestc diff`: what a change does to every environment.
 *
 *   manifestc diff OLD_OUT NEW_OUT             two `manifestc render` outputs
 *   manifestc diff [REPO] --base REV [--head REV]
 *                                              the repository at two revisions
 *
 * Exit status follows `git diff`: 0 when nothing differs, and also when
 * something differs unless --exit-code is given, in which case 1; 2 on any
 * error (bad arguments, unreadable input, a render that fails at either
 * revision), so that a CI gate can tell "changed" from "broken".
 *
 * Findings (a revision that does not render, warnings of the new side) go
 * through the findings model of validate and render: text on stderr, or
 * the formats --report asks for.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "mc/diff.h"
#include "mc/frontend.h"

enum diff_format { FMT_TEXT, FMT_MARKDOWN, FMT_JSON };

struct diff_args {
	const char *base, *head, *format, *output_file, *color, *context, *cache, *cache_size,
		*jobs;
	bool exit_code, no_cache, new_globbing;
	struct strvec sensitive, envs, repo_maps, clusters, reports;
	struct strvec pos;
};

#define CACHE_SIZE_MIB 512

/* One side of `diff --base`: the repository through fs, rendered into res
 * (which out points into).  Its findings join ctx's (they stay in res's
 * context), after a note saying which revision they are about; errors make
 * the run fail. */
static int render_side(struct mc_ctx *ctx, const struct diff_args *a, const char *repo,
	struct vfs *fs, struct rcache *cache, const char *label, bool show_warnings,
	struct repo_result *res, struct rout *out)
{
	struct repo_render_opts o = { 0 };
	o.repo = repo;
	o.repo_maps = a->repo_maps.items;
	o.nrepo_maps = a->repo_maps.len;
	o.cluster_files = a->clusters.items;
	o.ncluster_files = a->clusters.len;
	o.envs = a->envs.items;
	o.nenvs = a->envs.len;
	o.new_globbing = a->new_globbing;
	o.jobs = a->jobs ? atoi(a->jobs) : 0;
	o.fs = fs;
	o.cache = cache;
	int errs = repo_render(&o, res);
	if (res->findings->diag.len && (errs || show_warnings)) {
		diag_note(&ctx->diag, NULL, "rendering %s:", label);
		diag_merge(&ctx->diag, &res->findings->diag);
	}
	if (errs)
		return diag_error(&ctx->diag, NULL, "%s does not render (%d error%s above)", label, errs,
			errs == 1 ? "" : "s");
	rout_from_render(ctx, res, out);
	return 0;
}

static const char *rev_label(struct mc_ctx *ctx, const char *rev, struct vfs *fs)
{
	const char *id = vfs_git_id(fs);
	return arena_printf(&ctx->arena, "%s (%.7s)", rev, id ? id : "?");
}

static void release_args(struct diff_args *a)
{
	strvec_release(&a->pos);
	strvec_release(&a->sensitive);
	strvec_release(&a->envs);
	strvec_release(&a->repo_maps);
	strvec_release(&a->clusters);
	strvec_release(&a->reports);
}

static int compare_outputs(struct mc_ctx *ctx, const char *a, const char *b, struct rout *ro,
	struct rout *rn)
{
	int errs = rout_load(ctx, a, ro);
	errs += rout_load(ctx, b, rn);
	return errs;
}

static bool want_color(const char *when, bool to_stdout)
{
	if (when && !strcmp(when, "always"))
		return true;
	if (when && !strcmp(when, "never"))
		return false;
	const char *nc = getenv("NO_COLOR");
	return to_stdout && isatty(STDOUT_FILENO) && !(nc && *nc);
}

static int run(int argc, char **argv)
{
	struct diff_args a = { 0 };
	const struct cli_opt opts[] = {
		{ "base", 0, CLI_STR, &a.base, "REV",
		  "compare the repository at REV (HEAD~1, a branch, a sha) ..." },
		{ "head", 0, CLI_STR, &a.head, "REV",
		  "... with the repository at REV (default: the working tree, uncommitted files included)" },
		{ "format", 'f', CLI_STR, &a.format, "FORMAT",
		  "text (default), markdown (a pull-request comment) or json" },
		{ "output-file", 0, CLI_STR, &a.output_file, "FILE", "write the diff to FILE instead of stdout" },
		{ "exit-code", 0, CLI_BOOL, &a.exit_code, NULL,
		  "exit 1 when something differs (as git diff --exit-code)" },
		{ "unified", 'U', CLI_STR, &a.context, "N", "lines of context around each change (default 3)" },
		{ "color", 0, CLI_STR, &a.color, "WHEN",
		  "auto (default: on a terminal unless NO_COLOR is set), always or never" },
		{ "sensitive", 0, CLI_LIST, &a.sensitive, "RULE",
		  "also mask the values of KIND, KIND/NAME or KIND/NAMESPACE/NAME (repeatable)" },
		{ "env", 0, CLI_LIST, &a.envs, "NAME", "with --base: only this environment (repeatable)" },
		{ "repo", 0, CLI_LIST, &a.repo_maps, "URL=DIR",
		  "with --base: the checkout of another repository (repeatable)" },
		{ "clusters", 0, CLI_LIST, &a.clusters, "FILE",
		  "with --base: Argo CD cluster Secrets, inside REPO (repeatable)" },
		{ "new-git-file-globbing", 0, CLI_BOOL, &a.new_globbing, NULL,
		  "with --base: git files generators use doublestar globs" },
		{ "jobs", 'j', CLI_STR, &a.jobs, "N", "with --base: threads (default: one per core)" },
		{ "cache", 0, CLI_STR, &a.cache, "DIR",
		  "render cache (default $XDG_CACHE_HOME/manifestc, else ~/.cache/manifestc)" },
		{ "cache-size", 0, CLI_STR, &a.cache_size, "MIB",
		  "bound on the cache's size in MiB (default 512); least recently used entries go first" },
		{ "no-cache", 0, CLI_BOOL, &a.no_cache, NULL, "render everything, read and write no cache" },
		{ "report", 0, CLI_LIST, &a.reports, "FORMAT[:FILE]",
		  "findings (a revision that does not render) as text (default), json, junit, sarif "
		  "or github, to FILE or stderr (repeatable)" },
		{ 0 },
	};
	int rc = cli_parse(&cmd_diff, opts, argc, argv, &a.pos);
	if (rc) {
		release_args(&a);
		return rc < 0 ? EXIT_OK : rc;
	}
	enum diff_format fmt = FMT_TEXT;
	unsigned context = 3;
	if (a.format && !strcmp(a.format, "markdown"))
		fmt = FMT_MARKDOWN;
	else if (a.format && !strcmp(a.format, "json"))
		fmt = FMT_JSON;
	else if (a.format && strcmp(a.format, "text"))
		rc = cli_usage_error(&cmd_diff, "--format must be text, markdown or json, not '%s'", a.format);
	if (!rc && a.context) {
		char *end;
		long v = strtol(a.context, &end, 10);
		if (*end || end == a.context || v < 0 || v > 100000)
			rc = cli_usage_error(&cmd_diff, "--unified takes a number of lines, not '%s'", a.context);
		context = (unsigned)v;
	}
	if (!rc && a.color && strcmp(a.color, "auto") && strcmp(a.color, "always") &&
	    strcmp(a.color, "never"))
		rc = cli_usage_error(&cmd_diff, "--color must be auto, always or never, not '%s'", a.color);
	if (!rc && !a.base && a.head)
		rc = cli_usage_error(&cmd_diff, "--head needs --base");
	if (!rc && !a.base && a.pos.len != 2)
		rc = cli_usage_error(&cmd_diff, "expected two render output directories, or --base REV");
	if (!rc && a.base && a.pos.len > 1)
		rc = cli_usage_error(&cmd_diff, "with --base, expected at most one repository directory");
	uint64_t cache_mib = CACHE_SIZE_MIB;
	if (!rc && a.cache_size) {
		char *end;
		unsigned long long v = strtoull(a.cache_size, &end, 10);
		if (*end || end == a.cache_size || v == 0 || v > (1ull << 30))
			rc = cli_usage_error(&cmd_diff, "--cache-size takes a number of MiB, not '%s'",
				a.cache_size);
		cache_mib = v;
	}
	if (!rc && a.jobs && (atoi(a.jobs) < 1 || atoi(a.jobs) > 1024))
		rc = cli_usage_error(&cmd_diff, "--jobs takes a number of threads, not '%s'", a.jobs);
	if (!rc && !a.base && (a.envs.len || a.repo_maps.len || a.clusters.len || a.jobs))
		rc = cli_usage_error(&cmd_diff, "--env, --repo, --clusters and --jobs need --base");
	for (size_t i = 0; !rc && i < a.repo_maps.len; i++)
		if (!strchr(a.repo_maps.items[i], '=') || a.repo_maps.items[i][0] == '=')
			rc = cli_usage_error(&cmd_diff, "--repo takes URL=DIR, not '%s'", a.repo_maps.items[i]);
	struct cli_reports reps = { 0 };
	if (!rc)
		rc = cli_reports_parse(&cmd_diff, &a.reports, "stderr", &reps);
	if (rc) {
		release_args(&a);
		return rc;
	}

	struct vfs *fs = vfs_disk(NULL), *vb = NULL, *vh = NULL;
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	struct rout ro, rn;
	struct rdiff_fmt f = { 0 };
	struct repo_result rb = { 0 }, rh = { 0 };
	struct rcache *cache = NULL;
	int errs;
	if (a.base) {
		const char *repo = a.pos.len ? a.pos.items[0] : ".";
		struct sbuf err = SBUF_INIT;
		vb = vfs_git(repo, a.base, &err);
		if (vb && a.head)
			vh = vfs_git(repo, a.head, &err);
		else if (vb)
			vh = vfs_disk(repo);
		errs = vh ? 0 : diag_error(&ctx.diag, NULL, "%s", err.buf);
		if (!errs && !a.no_cache) {
			char *dir = a.cache ? xstrdup(a.cache) : rcache_default_dir();
			sbuf_reset(&err);
			cache = dir ? rcache_open(dir, cache_mib << 20, &err) : NULL;
			if (dir && !cache) /* a cache is an optimisation: warn, go on */
				fprintf(stderr, "manifestc diff: warning: no render cache: %s\n", err.buf);
			free(dir);
		}
		sbuf_release(&err);
		if (!errs) {
			f.old_label = rev_label(&ctx, a.base, vb);
			f.new_label = a.head ? rev_label(&ctx, a.head, vh) : "working tree";
			errs += render_side(&ctx, &a, repo, vb, cache, f.old_label, false, &rb, &ro);
			errs += render_side(&ctx, &a, repo, vh, cache, f.new_label, true, &rh, &rn);
		}
	} else {
		errs = compare_outputs(&ctx, a.pos.items[0], a.pos.items[1], &ro, &rn);
		f.old_label = a.pos.items[0];
		f.new_label = a.pos.items[1];
	}
	struct rdiff d = { 0 };
	struct rdiff_opts o = { context, { a.sensitive.items, a.sensitive.len } };
	if (!errs)
		errs = rdiff_compute(&ctx, &ro, &rn, &o, &d);
	int status = EXIT_OK;
	if (!errs) {
		struct sbuf out = SBUF_INIT;
		f.color = fmt == FMT_TEXT && want_color(a.color, !a.output_file);
		if (fmt == FMT_TEXT)
			rdiff_text(&out, &d, &f);
		else if (fmt == FMT_MARKDOWN)
			rdiff_markdown(&out, &d, &f);
		else if (rdiff_json(&ctx, &out, &d, &f))
			errs += diag_error(&ctx.diag, NULL, "cannot print the diff as JSON");
		if (!errs) {
			int e = write_output(a.output_file, out.buf, out.len);
			if (e) {
				fprintf(stderr, "manifestc diff: error: writing %s: %s\n",
					a.output_file ? a.output_file : "stdout", strerror(e));
				status = EXIT_USAGE;
			}
		}
		sbuf_release(&out);
	}
	if (ctx.diag.len || !cli_reports_quiet(&reps)) {
		struct validate_records recs = { 0 };
		validate_records_orphans(&ctx, &recs, 0, ctx.diag.len, 0);
		struct report rep = { .records = &recs, .diag = &ctx.diag, .tool_version = MC_VERSION,
			.tool = "manifestc diff", .findings_only = true };
		if (cli_reports_write(&cmd_diff, &reps, &rep, stderr))
			status = EXIT_USAGE;
	}
	cli_reports_release(&reps);
	if (diag_errors(&ctx.diag))
		status = EXIT_USAGE;
	else if (status == EXIT_OK && a.exit_code && d.differs)
		status = EXIT_FINDINGS;
	mc_ctx_release(&ctx);
	repo_result_release(&rb);
	repo_result_release(&rh);
	rcache_close(cache);
	vfs_destroy(vb);
	vfs_destroy(vh);
	vfs_destroy(fs);
	release_args(&a);
	return status;
}

const struct cli_cmd cmd_diff = {
	"diff", "OLD_OUT NEW_OUT | [REPO] --base REV [--head REV] [flags]",
	"Show what a change does to every environment's rendered manifests.",
	"With two directories written by `manifestc render -o`, compares them through their\n"
	"index.json. With --base, renders REPO (default: the current directory) at REV and at\n"
	"--head REV, or the working tree with uncommitted files when --head is absent, reading\n"
	"revisions straight from git objects (no checkout), and compares the two renders.\n"
	"In a repository without commits, HEAD is the empty tree. Everything is read below\n"
	"REPO at each revision, so --clusters files and --repo checkouts must lie inside it.\n"
	"Each Application's render is cached (--cache) and reused while the files it read\n"
	"are unchanged.\n"
	"\n"
	"For each environment and Application: added, removed and changed resources, each as a\n"
	"unified diff under a `group/Kind namespace/name` header, sync-wave and sync-order\n"
	"changes, and the image versions that change (`prod: web 1.3.1 → 1.3.2`).\n"
	"\n"
	"Values are never printed for Secrets (v1), for resources annotated\n"
	"`manifestc.io/sensitive: \"true\"` and for those named by --sensitive: every value under\n"
	"data, stringData and binaryData is shown as (masked), and changed keys are named.\n"
	"\n"
	"Exit status: 0 when nothing differs, or when something differs and --exit-code is not\n"
	"given; 1 when something differs and --exit-code is given; 2 on any error (usage, an\n"
	"unreadable output directory or revision, a render that fails). Nothing is printed on\n"
	"stdout when there is an error.",
	run,
};
