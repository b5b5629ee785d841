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
	const char *base, *head, *format, *output_file, *color, *context, *cache;
	bool exit_code, no_cache;
	struct strvec sensitive;
	struct strvec pos;
};

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
		{ "cache", 0, CLI_STR, &a.cache, "DIR",
		  "render cache (default $XDG_CACHE_HOME/manifestc, else ~/.cache/manifestc)" },
		{ "no-cache", 0, CLI_BOOL, &a.no_cache, NULL, "render everything, read and write no cache" },
		{ 0 },
	};
	int rc = cli_parse(&cmd_diff, opts, argc, argv, &a.pos);
	if (rc) {
		strvec_release(&a.pos);
		strvec_release(&a.sensitive);
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
	if (rc) {
		strvec_release(&a.pos);
		strvec_release(&a.sensitive);
		return rc;
	}

	struct vfs *fs = vfs_disk(NULL);
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	struct rout ro, rn;
	struct rdiff_fmt f = { 0 };
	int errs;
	if (a.base) {
		errs = diag_error(&ctx.diag, NULL,
			"diff --base needs `manifestc render`, which this build does not have yet");
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
	diag_print(&ctx.diag, stderr, -1);
	if (diag_errors(&ctx.diag))
		status = EXIT_USAGE;
	else if (status == EXIT_OK && a.exit_code && d.differs)
		status = EXIT_FINDINGS;
	mc_ctx_release(&ctx);
	vfs_destroy(fs);
	strvec_release(&a.pos);
	strvec_release(&a.sensitive);
	return status;
}

const struct cli_cmd cmd_diff = {
	"diff", "OLD_OUT NEW_OUT | [REPO] --base REV [--head REV] [flags]",
	"Show what a change does to every environment's rendered manifests.",
	"With two directories written by `manifestc render -o`, compares them through their\n"
	"index.json. With --base, renders REPO (default: the current directory) at REV and at\n"
	"--head REV, or the working tree with uncommitted files when --head is absent, reading\n"
	"revisions straight from git objects (no checkout), and compares the two renders.\n"
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
