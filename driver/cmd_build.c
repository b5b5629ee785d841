/*
 * cmd_build.c - `manifestc build DIR`, the equivalent of `kubectl kustomize`.
 *
 * Output goes to stdout (or -o FILE) only when the whole build succeeded,
 * as kustomize does: a failed build prints diagnostics and nothing else.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "driver.h"
#include "mc/backend.h"
#include "mc/frontend.h"
#include "mc/passes.h"

/* kustomize's file name for a resource written into an -o directory:
 * group_version_kind_name.yaml, lower case, empty parts left out, with
 * the (effective) namespace in front when the build spans several. */
static void file_name(struct mc_ctx *ctx, const struct ir_resource *r, bool with_ns,
	struct sbuf *out)
{
	const struct ir_resid *id = &r->id;
	size_t start = out->len;
	if (with_ns)
		sbuf_printf(out, "%s_", kust_effective_ns(ctx, id)->s);
	const struct str *parts[3] = { id->group, id->version, id->kind };
	bool first = true;
	for (int i = 0; i < 3; i++) {
		if (!parts[i]->len)
			continue;
		if (!first)
			sbuf_addc(out, '_');
		sbuf_addstr(out, parts[i]);
		first = false;
	}
	sbuf_printf(out, "_%s.yaml", id->name->s);
	for (size_t i = start; i < out->len; i++)
		out->buf[i] = (char)tolower((unsigned char)out->buf[i]);
}

/* -o DIR: one file per resource (kustomize's WriteIndividualFiles). */
static int write_dir(struct mc_ctx *ctx, const char *dir, struct ir_reslist *res)
{
	/* Are the namespaced resources in more than one namespace? */
	const struct str *ns = NULL;
	bool several = false;
	for (size_t i = 0; i < res->len; i++) {
		struct ir_resource *r = res->items[i];
		ir_resource_sync(ctx, r);
		if (kust_cluster_scoped(ctx, r->id.group, r->id.version, r->id.kind))
			continue;
		const struct str *e = kust_effective_ns(ctx, &r->id);
		if (ns && !str_eq(ns, e))
			several = true;
		ns = e;
	}
	struct sbuf name = SBUF_INIT, yaml = SBUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < res->len && !rc; i++) {
		struct ir_resource *r = res->items[i];
		bool cluster = kust_cluster_scoped(ctx, r->id.group, r->id.version, r->id.kind);
		sbuf_reset(&name);
		sbuf_printf(&name, "%s/", dir);
		file_name(ctx, r, several && !cluster, &name);
		sbuf_reset(&yaml);
		const char *err = NULL;
		if (emit_yaml(&yaml, r->body, &err)) {
			diag_error(&ctx->diag, &r->origin, "%s", err);
			rc = EXIT_FINDINGS;
			break;
		}
		rc = cli_write(&cmd_build, name.buf, yaml.buf, yaml.len);
	}
	sbuf_release(&name);
	sbuf_release(&yaml);
	return rc;
}

static int done(struct strvec *v, int status)
{
	strvec_release(v);
	return status;
}

static int run(int argc, char **argv)
{
	const char *restrictor = NULL, *reorder = NULL, *output = NULL;
	bool managed_by = false, enable_helm = false, helm_debug = false;
	const char *helm_kube = NULL, *helm_command = NULL;
	struct strvec helm_apis = { 0 };
	const struct cli_opt opts[] = {
		{ "load-restrictor", 0, CLI_STR, &restrictor, "RESTRICTOR",
		  "LoadRestrictionsRootOnly (default) or LoadRestrictionsNone" },
		{ "reorder", 0, CLI_STR, &reorder, "ORDER",
		  "legacy (default) or none: the order of the output when the kustomization has no sortOptions" },
		{ "enable-managedby-label", 0, CLI_BOOL, &managed_by, NULL,
		  "add app.kubernetes.io/managed-by: kustomize-(devel) to every resource" },
		{ "enable-helm", 0, CLI_BOOL, &enable_helm, NULL,
		  "render helmCharts (local charts, through manifestc's Helm renderer)" },
		{ "helm-kube-version", 0, CLI_STR, &helm_kube, "VERSION",
		  "Kubernetes version helmCharts render for (.Capabilities.KubeVersion)" },
		{ "helm-api-versions", 0, CLI_CSV, &helm_apis, "LIST",
		  "API versions helmCharts see in .Capabilities.APIVersions (repeatable)" },
		{ "helm-debug", 0, CLI_BOOL, &helm_debug, NULL, "render helmCharts with --debug" },
		{ "helm-command", 0, CLI_STR, &helm_command, "PATH",
		  "accepted for kubectl compatibility; charts render in process" },
		{ "output", 'o', CLI_STR, &output, "PATH",
		  "write the output to PATH instead of stdout; a directory gets one file per resource" },
		{ 0 },
	};
	struct strvec pos = { 0 };
	int rc = cli_parse(&cmd_build, opts, argc, argv, &pos);
	if (rc) {
		strvec_release(&pos);
		return done(&helm_apis, rc < 0 ? EXIT_OK : rc);
	}
	if (pos.len > 1) {
		strvec_release(&pos);
		return done(&helm_apis, cli_usage_error(&cmd_build,
			"expected at most one directory, got %zu", pos.len));
	}
	const char *dir = pos.len ? pos.items[0] : ".";
	strvec_release(&pos);

	struct kust_opts ko = { 0 };
	ko.managed_by_label = managed_by;
	ko.enable_helm = enable_helm;
	ko.helm_debug = helm_debug;
	ko.helm_kube_version = helm_kube;
	ko.helm_api_versions = (const char *const *)helm_apis.items;
	ko.helm_napi_versions = helm_apis.len;
	(void)helm_command;
	if (restrictor) {
		if (!strcmp(restrictor, "LoadRestrictionsNone") || !strcmp(restrictor, "none"))
			ko.load_restrict_none = true;
		else if (strcmp(restrictor, "LoadRestrictionsRootOnly") && strcmp(restrictor, "rootOnly"))
			return done(&helm_apis, cli_usage_error(&cmd_build,
				"--load-restrictor must be LoadRestrictionsRootOnly or LoadRestrictionsNone, not '%s'",
				restrictor));
	}
	if (reorder) {
		if (!strcmp(reorder, "legacy"))
			ko.reorder = KUST_REORDER_LEGACY;
		else if (!strcmp(reorder, "none"))
			ko.reorder = KUST_REORDER_NONE;
		else
			return done(&helm_apis, cli_usage_error(&cmd_build,
				"--reorder must be legacy or none, not '%s'", reorder));
	}

	/* One compilation: large files may be parsed on both cores. */
	yaml_set_parallel(true);
	struct vfs *fs = vfs_disk(NULL);
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	struct ir_reslist res = { 0 };
	int status = EXIT_OK;
	struct stat st;
	bool outdir = output && stat(output, &st) == 0 && S_ISDIR(st.st_mode);
	if (kust_build(&ctx, dir, &ko, &res) == 0 && !diag_errors(&ctx.diag) && outdir) {
		status = write_dir(&ctx, output, &res);
	} else if (!diag_errors(&ctx.diag)) {
		struct sbuf out = SBUF_INIT;
		const char *err = NULL;
		for (size_t i = 0; i < res.len; i++) {
			if (i)
				sbuf_adds(&out, "---\n");
			if (emit_yaml(&out, res.items[i]->body, &err)) {
				diag_error(&ctx.diag, &res.items[i]->origin, "%s", err);
				break;
			}
		}
		if (!diag_errors(&ctx.diag))
			status = cli_write(&cmd_build, output, out.buf, out.len);
		sbuf_release(&out);
	}
	status = cli_findings(&ctx.diag, status);
	mc_ctx_release(&ctx);
	vfs_destroy(fs);
	return done(&helm_apis, status);
}

const struct cli_cmd cmd_build = {
	"build", "[DIR] [flags]",
	"Build a kustomization, like `kubectl kustomize DIR` (same bytes).",
	"DIR defaults to the current directory. Nothing is written when the build fails.",
	run,
};
