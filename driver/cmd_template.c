/*
 * cmd_template.c - `manifestc template [NAME] CHART`, the equivalent of
 * `helm template` (Helm 3.21 bytes by default, Helm 4.2 with
 * --helm-major 4).
 *
 * The flags are helm's: those that change the output are implemented, the
 * install-only ones helm accepts and ignores under `template` (--wait,
 * --atomic, --create-namespace, --skip-crds ...) are accepted and ignored
 * too, and those that need a cluster or a network are refused.
 */
#include <errno.h>
#include <string.h>

#include "driver.h"
#include "mc/frontend.h"

static int run(int argc, char **argv)
{
	struct helm_template_opts o = { 0 };
	struct strvec values = { 0 }, set = { 0 }, set_string = { 0 }, set_file = { 0 },
		set_json = { 0 }, set_literal = { 0 }, api = { 0 }, show = { 0 }, pos = { 0 };
	const char *ns = NULL, *kube = NULL, *name_template = NULL, *output_dir = NULL,
		*major = NULL, *ignored_str = NULL, *post_renderer = NULL;
	bool ignored = false, validate = false;
	const struct cli_opt opts[] = {
		{ "values", 'f', CLI_CSV, &values, "FILE", "values file (repeatable, or comma-separated)" },
		{ "set", 0, CLI_LIST, &set, "K=V", "set values (repeatable; K1=V1,K2=V2)" },
		{ "set-string", 0, CLI_LIST, &set_string, "K=V", "set string values" },
		{ "set-file", 0, CLI_LIST, &set_file, "K=PATH", "set values from files" },
		{ "set-json", 0, CLI_LIST, &set_json, "K=JSON", "set JSON values" },
		{ "set-literal", 0, CLI_LIST, &set_literal, "K=V", "set a literal string value" },
		{ "namespace", 'n', CLI_STR, &ns, "NS", "namespace of the release (default \"default\")" },
		{ "kube-version", 0, CLI_STR, &kube, "VERSION", "Kubernetes version for .Capabilities (default v1.20.0)" },
		{ "api-versions", 'a', CLI_CSV, &api, "GV", "API versions for .Capabilities.APIVersions (repeatable)" },
		{ "name-template", 0, CLI_STR, &name_template, "TMPL", "template for the release name" },
		{ "show-only", 's', CLI_LIST, &show, "PATH", "only show manifests from these templates (globs, repeatable)" },
		{ "output-dir", 0, CLI_STR, &output_dir, "DIR", "write the manifests to files under DIR" },
		{ "release-name", 0, CLI_BOOL, &o.use_release_name, NULL, "use the release name in the output-dir path" },
		{ "include-crds", 0, CLI_BOOL, &o.include_crds, NULL, "include CRDs (crds/) in the output" },
		{ "skip-tests", 0, CLI_BOOL, &o.skip_tests, NULL, "leave out test hooks" },
		{ "no-hooks", 0, CLI_BOOL, &o.no_hooks, NULL, "leave out hooks" },
		{ "is-upgrade", 0, CLI_BOOL, &o.is_upgrade, NULL, "set .Release.IsUpgrade instead of .Release.IsInstall" },
		{ "skip-schema-validation", 0, CLI_BOOL, &o.skip_schema_validation, NULL, "do not check values.schema.json" },
		{ "debug", 0, CLI_BOOL, &o.debug, NULL, "print the rendered files even when they are not valid YAML" },
		{ "helm-major", 0, CLI_STR, &major, "3|4", "print what Helm 3 (default) or Helm 4 prints" },
		{ "generate-name", 'g', CLI_BOOL, &ignored, NULL, "accepted (helm template names the release release-name)" },
		{ "skip-crds", 0, CLI_BOOL, &ignored, NULL, "accepted (CRDs are only printed with --include-crds)" },
		{ "create-namespace", 0, CLI_BOOL, &ignored, NULL, "accepted, no effect" },
		{ "wait", 0, CLI_BOOL, &ignored, NULL, "accepted, no effect" },
		{ "wait-for-jobs", 0, CLI_BOOL, &ignored, NULL, "accepted, no effect" },
		{ "atomic", 0, CLI_BOOL, &ignored, NULL, "accepted, no effect" },
		{ "force", 0, CLI_BOOL, &ignored, NULL, "accepted, no effect" },
		{ "replace", 0, CLI_BOOL, &ignored, NULL, "accepted, no effect" },
		{ "render-subchart-notes", 0, CLI_BOOL, &ignored, NULL, "accepted (notes are not printed)" },
		{ "hide-notes", 0, CLI_BOOL, &ignored, NULL, "accepted, no effect" },
		{ "disable-openapi-validation", 0, CLI_BOOL, &ignored, NULL, "accepted, no effect" },
		{ "take-ownership", 0, CLI_BOOL, &ignored, NULL, "accepted, no effect" },
		{ "enable-dns", 0, CLI_BOOL, &ignored, NULL, "accepted (there is no DNS offline: getHostByName gives \"\")" },
		{ "devel", 0, CLI_BOOL, &ignored, NULL, "accepted (local charts have one version)" },
		{ "version", 0, CLI_STR, &ignored_str, "V", "accepted (local charts have one version)" },
		{ "description", 0, CLI_STR, &ignored_str, "TEXT", "accepted, no effect" },
		{ "timeout", 0, CLI_STR, &ignored_str, "DURATION", "accepted, no effect" },
		{ "labels", 'l', CLI_STR, &ignored_str, "K=V,...", "accepted, no effect" },
		{ "validate", 0, CLI_BOOL, &validate, NULL, "refused: needs a cluster" },
		{ "post-renderer", 0, CLI_STR, &post_renderer, "PATH", "refused: runs a program" },
		{ 0 },
	};
	int rc = cli_parse(&cmd_template, opts, argc, argv, &pos);
	if (rc) {
		rc = rc < 0 ? EXIT_OK : rc;
		goto out;
	}
	if (pos.len == 0) {
		rc = cli_usage_error(&cmd_template, "\"helm template\" requires at least 1 argument");
		goto out;
	}
	if (pos.len > 2) {
		rc = cli_usage_error(&cmd_template, "expected at most two arguments, unexpected arguments: %s",
			pos.items[2]);
		goto out;
	}
	if (pos.len == 2 && name_template) {
		rc = cli_usage_error(&cmd_template, "cannot set --name-template and also specify a name");
		goto out;
	}
	if (pos.len == 2 && ignored && argc > 0) {
		/* --generate-name with a NAME: helm refuses the combination */
		bool gen = false;
		for (int i = 1; i < argc; i++)
			if (!strcmp(argv[i], "--generate-name") || !strcmp(argv[i], "-g"))
				gen = true;
		if (gen) {
			rc = cli_usage_error(&cmd_template, "cannot set --generate-name and also specify a name");
			goto out;
		}
	}
	if (validate || post_renderer) {
		rc = cli_usage_error(&cmd_template, "--%s is not supported: manifestc renders offline",
			validate ? "validate" : "post-renderer");
		goto out;
	}
	if (major && strcmp(major, "3") && strcmp(major, "4")) {
		rc = cli_usage_error(&cmd_template, "--helm-major must be 3 or 4, not '%s'", major);
		goto out;
	}
	o.release_name = pos.len == 2 ? pos.items[0] : NULL;
	o.chart = pos.items[pos.len - 1];
	o.name_template = name_template;
	o.namespace_ = ns;
	o.kube_version = kube;
	o.value_files = values.items;
	o.nvalue_files = values.len;
	o.set = set.items;
	o.nset = set.len;
	o.set_string = set_string.items;
	o.nset_string = set_string.len;
	o.set_file = set_file.items;
	o.nset_file = set_file.len;
	o.set_json = set_json.items;
	o.nset_json = set_json.len;
	o.set_literal = set_literal.items;
	o.nset_literal = set_literal.len;
	o.api_versions = api.items;
	o.napi_versions = api.len;
	o.show_only = show.items;
	o.nshow_only = show.len;
	o.output_dir = output_dir;
	o.helm_major = major ? major[0] - '0' : 3;

	struct vfs *fs = vfs_disk(NULL);
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	struct sbuf text = SBUF_INIT;
	helm_template(&ctx, &o, &text);
	rc = cli_write(&cmd_template, NULL, text.buf, text.len);
	sbuf_release(&text);
	rc = cli_findings(&ctx.diag, rc);
	mc_ctx_release(&ctx);
	vfs_destroy(fs);
out:
	strvec_release(&values);
	strvec_release(&set);
	strvec_release(&set_string);
	strvec_release(&set_file);
	strvec_release(&set_json);
	strvec_release(&set_literal);
	strvec_release(&api);
	strvec_release(&show);
	strvec_release(&pos);
	return rc;
}

const struct cli_cmd cmd_template = {
	"template", "[NAME] CHART [flags]",
	"Render a Helm chart, like `helm template` (same bytes).",
	"CHART is a chart directory or a .tgz archive.  NAME defaults to release-name.\n"
	"Output goes to stdout (or files under --output-dir).  On errors nothing is printed\n"
	"unless --debug is given and the templates rendered but did not parse as YAML.",
	run,
};
