/*
 * cmd_render.c - `manifestc render [REPO] -o OUT`: every environment's
 * manifests, as files.
 *
 * OUT/<env>/<application>.yaml holds an Application's resources in sync
 * order (.json: a v1 List with --format json), and OUT/index.json describes
 * them:
 *
 *   {"version":1,"digest":D,"environments":[{"name":E,"digest":D,
 *    "applications":[{"name","project","syncWave","destination":{"server",
 *    "namespace"},"source" or "sources","file","digest","resources":[
 *    {"apiVersion","kind","namespace","name","syncWave","digest"}]}]}]}
 *
 * Digests are XXH3-128 in hex over canonical bytes: a resource's is over its
 * compact JSON with sorted keys; an Application's over its resources'
 * canonical JSON, each followed by a newline, in sync order (so the YAML
 * and the JSON render of an Application have one digest); an environment's
 * over "name digest\n" of its Applications in index order; the index's over
 * "name digest\n" of the environments.
 *
 * Nothing is written when the render fails.  The tree is written to a
 * sibling temporary directory and swapped in with one rename (an atomic
 * exchange when OUT exists), so readers see the old or the new output and
 * files of Applications that no longer exist vanish.  OUT must be a previous
 * output (it holds index.json) or an empty directory: manifestc never
 * deletes anything else.
 *
 * Every rendered environment is validated (repo_check.c) unless
 * --no-validate: findings never change what is written (the files are what
 * Argo CD would apply), error findings make the exit status 1.  --check
 * renders and validates and writes nothing (the pre-commit hook).  Findings
 * of the render and of the validation go to stderr as text, or in the
 * formats --report asks for (driver/reports.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver.h"
#include "mc/backend.h"
#include "mc/frontend.h"

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	int e = cli_write_fd(fd, data, len);
	if (e) {
		close(fd);
		return e;
	}
	return close(fd) ? errno : 0;
}

/* OUT may be replaced only when it is a previous output or empty. */
static int check_out(const char *out)
{
	struct stat st;
	if (lstat(out, &st) != 0)
		return errno == ENOENT ? 0 : errno;
	if (!S_ISDIR(st.st_mode))
		return ENOTDIR;
	struct sbuf idx = SBUF_INIT;
	sbuf_printf(&idx, "%s/index.json", out);
	bool ours = access(idx.buf, F_OK) == 0;
	sbuf_release(&idx);
	if (ours)
		return 0;
	DIR *d = opendir(out);
	if (!d)
		return errno;
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n ? EEXIST : 0;
}

static void add_digest_line(struct sbuf *sb, const char *name, const char *digest)
{
	sbuf_adds(sb, name);
	sbuf_addc(sb, ' ');
	sbuf_adds(sb, digest);
	sbuf_addc(sb, '\n');
}

/* index.json, in the key order. */
static char *build_index(const struct repo_result *res, size_t *len)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_node *root = ir_map(&ctx, NULL);
	ir_map_setc(&ctx, root, "version", ir_int(&ctx, 1, NULL));
	struct ir_node *top_digest = ir_map_setc(&ctx, root, "digest", ir_str0(&ctx, "", NULL));
	struct ir_node *envs = ir_map_setc(&ctx, root, "environments", ir_seq(&ctx, NULL));
	struct sbuf top = SBUF_INIT, env = SBUF_INIT;
	char d[33];
	for (size_t i = 0; i < res->napps;) {
		size_t e = i;
		while (e < res->napps && !strcmp(res->apps[e].env, res->apps[i].env))
			e++;
		struct ir_node *en = ir_map(&ctx, NULL);
		ir_map_setc(&ctx, en, "name", ir_str0(&ctx, res->apps[i].env, NULL));
		struct ir_node *edig = ir_map_setc(&ctx, en, "digest", ir_str0(&ctx, "", NULL));
		struct ir_node *apps = ir_map_setc(&ctx, en, "applications", ir_seq(&ctx, NULL));
		sbuf_reset(&env);
		for (size_t k = i; k < e; k++) {
			const struct repo_app *a = &res->apps[k];
			struct ir_node *an = ir_map(&ctx, NULL);
			ir_map_setc(&ctx, an, "name", ir_str0(&ctx, a->instance, NULL));
			ir_map_setc(&ctx, an, "project", ir_str0(&ctx, a->project, NULL));
			ir_map_setc(&ctx, an, "syncWave", ir_int(&ctx, a->wave, NULL));
			struct ir_node *dest = ir_map_setc(&ctx, an, "destination", ir_map(&ctx, NULL));
			ir_map_setc(&ctx, dest, "server", ir_str0(&ctx, a->dest_server, NULL));
			ir_map_setc(&ctx, dest, "namespace", ir_str0(&ctx, a->dest_ns, NULL));
			const struct srcfile *sf = srcfile_mem(&ctx, "source", a->source_json, strlen(a->source_json));
			struct yaml_opts yo = { .schema = YAML_V2 };
			struct ir_node *src = NULL;
			yaml_load_one(&ctx, sf, &yo, &src);
			ir_map_setc(&ctx, an, a->multi ? "sources" : "source", src ? src : ir_null(&ctx, NULL));
			ir_map_setc(&ctx, an, "file", ir_str0(&ctx, a->file, NULL));
			ir_map_setc(&ctx, an, "digest", ir_str0(&ctx, a->digest, NULL));
			struct ir_node *rs = ir_map_setc(&ctx, an, "resources", ir_seq(&ctx, NULL));
			for (size_t r = 0; r < a->nres; r++) {
				const struct repo_resource *x = &a->res[r];
				struct ir_node *rn = ir_map(&ctx, NULL);
				ir_map_setc(&ctx, rn, "apiVersion", ir_str0(&ctx, x->api_version, NULL));
				ir_map_setc(&ctx, rn, "kind", ir_str0(&ctx, x->kind, NULL));
				ir_map_setc(&ctx, rn, "namespace", ir_str0(&ctx, x->ns, NULL));
				ir_map_setc(&ctx, rn, "name", ir_str0(&ctx, x->name, NULL));
				ir_map_setc(&ctx, rn, "syncWave", ir_int(&ctx, x->wave, NULL));
				ir_map_setc(&ctx, rn, "digest", ir_str0(&ctx, x->digest, NULL));
				ir_seq_push(&ctx, rs, rn);
			}
			ir_seq_push(&ctx, apps, an);
			add_digest_line(&env, a->instance, a->digest);
		}
		repo_digest(env.buf, env.len, d);
		edig->s.text = mc_intern0(&ctx, d);
		add_digest_line(&top, res->apps[i].env, d);
		ir_seq_push(&ctx, envs, en);
		i = e;
	}
	repo_digest(top.buf, top.len, d);
	top_digest->s.text = mc_intern0(&ctx, d);
	struct sbuf out = SBUF_INIT;
	const char *err = NULL;
	emit_json(&out, root, EMIT_JSON_UNSORTED, &err);
	sbuf_addc(&out, '\n');
	sbuf_release(&top);
	sbuf_release(&env);
	mc_ctx_release(&ctx);
	return sbuf_detach(&out, len);
}

static int write_tree(const char *tmp, const struct repo_result *res)
{
	if (mkdir(tmp, 0755))
		return errno;
	struct sbuf p = SBUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < res->napps && !rc; i++) {
		const struct repo_app *a = &res->apps[i];
		sbuf_reset(&p);
		sbuf_printf(&p, "%s/%s", tmp, a->env);
		if (mkdir(p.buf, 0755) && errno != EEXIST)
			rc = errno;
		sbuf_reset(&p);
		sbuf_printf(&p, "%s/%s", tmp, a->file);
		if (!rc)
			rc = write_file(p.buf, a->bytes, a->len);
	}
	if (!rc) {
		size_t len;
		char *idx = build_index(res, &len);
		sbuf_reset(&p);
		sbuf_printf(&p, "%s/index.json", tmp);
		rc = write_file(p.buf, idx, len);
		free(idx);
	}
	sbuf_release(&p);
	return rc;
}

/* Put tmp in place of out: an atomic exchange when out exists. */
static int swap_in(const char *tmp, const char *out)
{
	struct stat st;
	if (lstat(out, &st) != 0)
		return rename(tmp, out) ? errno : 0;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_EXCHANGE) == 0) {
		rm_tree(tmp); /* now the old output */
		return 0;
	}
	/* No RENAME_EXCHANGE (old kernel, some file systems): two renames. */
	struct sbuf old = SBUF_INIT;
	sbuf_printf(&old, "%s.old-manifestc.%ld", out, (long)getpid());
	int rc = 0;
	if (rename(out, old.buf) || rename(tmp, out))
		rc = errno;
	else
		rm_tree(old.buf);
	sbuf_release(&old);
	return rc;
}

/* Whether a path is an existing directory. */
static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int render_report(const struct cli_cmd *cmd, const struct cli_reports *reps,
	const struct repo_result *res, FILE *fp)
{
	char tool[64];
	snprintf(tool, sizeof tool, "manifestc %s", cmd->name);
	struct report rep = {
		.records = res->records, .diag = &res->findings->diag, .nfiles = res->nfiles,
		.tool_version = MC_VERSION, .tool = tool, .findings_only = !res->validated,
	};
	/* Nothing found: no report, except the formats that always say so
	 * (a JSON document, a JUnit or SARIF file, GitHub's summary line). */
	if (!res->findings->diag.len && cli_reports_quiet(reps))
		return 0;
	return cli_reports_write(cmd, reps, &rep, fp);
}

int render_common_opts(const struct cli_cmd *cmd, struct strvec *pos, struct strvec *repos,
	struct repo_render_opts *o)
{
	if (pos->len > 1)
		return cli_usage_error(cmd, "expected at most one repository directory, got %zu", pos->len);
	o->repo = pos->len ? pos->items[0] : ".";
	if (!is_dir(o->repo))
		return cli_usage_error(cmd, "%s is not a directory", o->repo);
	for (size_t i = 0; i < repos->len; i++)
		if (!strchr(repos->items[i], '=') || repos->items[i][0] == '=')
			return cli_usage_error(cmd, "--repo takes URL=DIR, not '%s'", repos->items[i]);
	o->repo_maps = repos->items;
	o->nrepo_maps = repos->len;
	return 0;
}

static int run(int argc, char **argv)
{
	const char *output = NULL, *format = "yaml", *jobs = NULL;
	bool new_glob = false, check = false, no_validate = false;
	struct strvec envs = { 0 }, repos = { 0 }, clusters = { 0 }, pos = { 0 }, reports = { 0 };
	const struct cli_opt opts[] = {
		{ "output", 'o', CLI_STR, &output, "OUT",
		  "the directory to write (required unless --check; - prints every file)" },
		{ "check", 0, CLI_BOOL, &check, NULL,
		  "render and validate, write nothing (exit 0 clean, 1 findings, 2 usage)" },
		{ "no-validate", 0, CLI_BOOL, &no_validate, NULL,
		  "do not validate the rendered environments" },
		{ "report", 0, CLI_LIST, &reports, "FORMAT[:FILE]",
		  "findings as text (default), json, junit, sarif or github, to FILE or stderr "
		  "(repeatable)" },
		{ "format", 0, CLI_STR, &format, "FORMAT", "yaml (default) or json (a v1 List per Application)" },
		{ "env", 0, CLI_LIST, &envs, "NAME", "render only this environment (repeatable)" },
		{ "repo", 0, CLI_LIST, &repos, "URL=DIR", "the checkout of another repository (repeatable)" },
		{ "clusters", 0, CLI_LIST, &clusters, "FILE", "Argo CD cluster Secrets (repeatable)" },
		{ "jobs", 'j', CLI_STR, &jobs, "N", "threads (default: one per core)" },
		{ "new-git-file-globbing", 0, CLI_BOOL, &new_glob, NULL,
		  "git files generators use doublestar globs (--enable-new-git-file-globbing)" },
		{ 0 },
	};
	int rc = cli_parse(&cmd_render, opts, argc, argv, &pos);
	struct repo_render_opts o = { 0 };
	if (!rc)
		rc = render_common_opts(&cmd_render, &pos, &repos, &o);
	if (!rc && !output && !check)
		rc = cli_usage_error(&cmd_render, "-o OUT is required (or --check)");
	if (!rc && output && check)
		rc = cli_usage_error(&cmd_render, "--check writes nothing: -o OUT is not used with it");
	struct cli_reports reps = { 0 };
	if (!rc)
		rc = cli_reports_parse(&cmd_render, &reports, "stderr", &reps);
	if (!rc && strcmp(format, "yaml") && strcmp(format, "json"))
		rc = cli_usage_error(&cmd_render, "--format must be yaml or json, not '%s'", format);
	if (!rc && jobs && (atoi(jobs) < 1 || atoi(jobs) > 1024))
		rc = cli_usage_error(&cmd_render, "--jobs must be a number from 1 to 1024");
	int status = EXIT_OK;
	bool to_stdout = output && !strcmp(output, "-");
	if (!rc && !to_stdout && !check) {
		int e = check_out(output);
		if (e) {
			fprintf(stderr, "manifestc render: error: %s: %s\n", output, e == EEXIST
				? "exists and is not a manifestc output (no index.json): refusing to replace it"
				: strerror(e));
			rc = EXIT_USAGE;
		}
	}
	char *exclude = NULL;
	if (!rc) {
		/* The output inside the repository is not part of it. */
		char cwd[4096], *repo_real = NULL;
		if (output && !to_stdout && getcwd(cwd, sizeof cwd) &&
		    (repo_real = realpath(o.repo, NULL))) {
			char *abs = path_clean(cwd, output);
			if (path_within(abs, repo_real) && strcmp(abs, repo_real))
				exclude = xstrdup(path_rel(repo_real, abs));
			free(abs);
		}
		free(repo_real);
		o.exclude = exclude;
		o.json = !strcmp(format, "json");
		o.envs = envs.items;
		o.nenvs = envs.len;
		o.cluster_files = clusters.items;
		o.ncluster_files = clusters.len;
		o.new_globbing = new_glob;
		o.jobs = jobs ? atoi(jobs) : 0;
		o.validate = !no_validate;
		struct repo_result res;
		repo_render(&o, &res);
		if (render_report(&cmd_render, &reps, &res, stderr))
			status = EXIT_USAGE;
		else if (res.nerrors || res.ninvalid)
			status = EXIT_FINDINGS;
		if (res.nerrors || check) {
			/* Nothing to write. */
		} else if (to_stdout) {
			/* Every file, as `head` prints several: a preview, a pipe. */
			struct sbuf sb = SBUF_INIT;
			for (size_t i = 0; i < res.napps; i++) {
				sbuf_printf(&sb, "==> %s <==\n", res.apps[i].file);
				sbuf_add(&sb, res.apps[i].bytes, res.apps[i].len);
			}
			size_t len;
			char *idx = build_index(&res, &len);
			sbuf_adds(&sb, "==> index.json <==\n");
			sbuf_add(&sb, idx, len);
			free(idx);
			if (write_output(NULL, sb.buf, sb.len))
				status = EXIT_USAGE;
			sbuf_release(&sb);
		} else {
			struct sbuf tmp = SBUF_INIT;
			sbuf_printf(&tmp, "%s.tmp-manifestc.%ld", output, (long)getpid());
			int e = write_tree(tmp.buf, &res);
			if (!e)
				e = swap_in(tmp.buf, output);
			if (e) {
				rm_tree(tmp.buf);
				fprintf(stderr, "manifestc render: error: writing %s: %s\n", output, strerror(e));
				status = EXIT_USAGE;
			}
			sbuf_release(&tmp);
		}
		repo_result_release(&res);
	} else if (rc > 0) {
		status = rc;
	}
	free(exclude);
	cli_reports_release(&reps);
	strvec_release(&reports);
	strvec_release(&envs);
	strvec_release(&repos);
	strvec_release(&clusters);
	strvec_release(&pos);
	return rc < 0 ? EXIT_OK : status;
}

const struct cli_cmd cmd_render = {
	"render", "[REPO] -o OUT | --check [flags]",
	"Render every Application of a GitOps repository, per environment.",
	"REPO (default: the current directory) is searched for Argo CD ApplicationSets and\n"
	"Applications (manifestc.yaml at its root may name roots, cluster files, other\n"
	"repositories and the environment rule). Each Application's resources are written,\n"
	"in Argo CD's sync order, to OUT/<environment>/<application>.yaml, and described\n"
	"with digests in OUT/index.json. Nothing is written when the render fails.\n"
	"\n"
	"Every environment written is validated: each resource against the embedded\n"
	"Kubernetes schemas and the CRDs of the repository and of the output (strict: unknown\n"
	"fields are errors), the API server's own checks, the policies of manifestc.yaml's\n"
	"validate: section (protected environments), references between the resources of\n"
	"an environment, and each Application against its AppProject. Findings point at the\n"
	"source line that set the value. Warnings are printed; errors make the exit status 1\n"
	"but change nothing that is written (--no-validate writes the same files).\n"
	"\n"
	"Exit status: 0 success, 1 the render failed or validation found errors, 2 usage or\n"
	"internal error.",
	run,
};
