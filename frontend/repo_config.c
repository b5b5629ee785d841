/*
 * repo_config.c - manifestc.yaml, the optional file at the root of a
 * rendered repository that says what manifestc cannot find out alone:
 *
 *   repoURL: https://github.com/acme/platform.git  # or a list: the URLs
 *                                                  # naming this repository
 *   roots: [bootstrap, apps]      # where Applications and ApplicationSets
 *                                 # are looked for (default: everywhere)
 *   clusters: [clusters.yaml]     # files of Argo CD cluster Secrets
 *   repos:                        # other repositories, as local directories
 *     https://github.com/acme/charts.git: ../charts
 *   environment:                  # which environment an Application is in
 *     label: environment          # or annotation: KEY, or from:
 *                                 # destinationNamespace|destinationName|project
 *     default: default            # for Applications without one
 *   argocd:                       # the Argo CD installation (argocd-cm)
 *     namespace: argocd
 *     trackingMethod: annotation  # annotation | label | annotation+label
 *     instanceLabelKey: app.kubernetes.io/instance
 *     installationID: ""
 *     kubeVersion: v1.32.0        # the clusters' versions, for Helm's
 *     apiVersions: []             # .Capabilities (Argo CD asks the cluster)
 *     kustomizeBuildOptions: ""   # argocd-cm kustomize.buildOptions, e.g.
 *                                 # --enable-helm --load-restrictor LoadRestrictionsNone
 *   newGitFileGlobbing: false     # --enable-new-git-file-globbing
 *
 * Unknown fields are errors, so a typo does not silently change a render.
 */
#include <stdlib.h>
#include <string.h>

#include "argocd.h"

static const char *const fields[] = {
	"repoURL", "roots", "clusters", "repos", "environment", "argocd", "newGitFileGlobbing",
	"validate", /* validation settings: validate_policy_parse (mc/validate.h) reads them */
};

static int strlist(struct mc_ctx *ctx, const struct ir_node *n, const char ***out, size_t *len,
	const char *what)
{
	if (ir_is_null(n))
		return 0;
	if (ir_is_str(n)) {
		*out = arena_alloc(&ctx->arena, sizeof **out);
		(*out)[0] = n->s.text->s;
		*len = 1;
		return 0;
	}
	if (!ir_is_seq(n))
		return diag_error(&ctx->diag, &n->pos, "manifestc.yaml: %s must be a string or a list of "
			"strings", what);
	*out = arena_alloc(&ctx->arena, (n->seq.len + 1) * sizeof **out);
	*len = 0;
	for (uint32_t i = 0; i < n->seq.len; i++) {
		const char *s = ir_cstr(n->seq.items[i]);
		if (!s)
			return diag_error(&ctx->diag, &n->seq.items[i]->pos, "manifestc.yaml: %s entries "
				"must be strings", what);
		(*out)[(*len)++] = s;
	}
	return 0;
}

static int str_field(struct mc_ctx *ctx, const struct ir_node *m, const char *key, const char **out)
{
	const struct ir_node *v = ir_map_getc(m, key);
	if (ir_is_null(v))
		return 0;
	if (!ir_is_str(v))
		return diag_error(&ctx->diag, &v->pos, "manifestc.yaml: %s must be a string", key);
	*out = v->s.text->s;
	return 0;
}

/* Argo CD's kustomize.buildOptions: strings.Fields of the text, appended
 * to `kustomize build PATH` and parsed as kustomize v5.5.0's flags (pflag:
 * --flag value or --flag=value; the last value wins).  Flags that change
 * nothing in the output are accepted; plugins, exec and writing files are
 * not supported. */
static int build_options(struct mc_ctx *ctx, const struct ir_node *n, struct kust_opts *ko)
{
	const char *s = n->s.text->s;
	char **tok = NULL;
	size_t ntok = 0;
	for (size_t i = 0; s[i];) {
		while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\v' ||
		       s[i] == '\f')
			i++;
		size_t b = i;
		while (s[i] && !strchr(" \t\n\r\v\f", s[i]))
			i++;
		if (i > b) {
			tok = arena_grow(&ctx->arena, tok, ntok * sizeof *tok, (ntok + 1) * sizeof *tok);
			tok[ntok++] = arena_strndup(&ctx->arena, s + b, i - b);
		}
	}
	const char **apis = NULL;
	size_t napis = 0;
	int errors = 0;
	for (size_t i = 0; i < ntok; i++) {
		char *flag = tok[i], *val = strchr(flag, '=');
		if (val)
			*val++ = 0;
		static const char *const bools[] = { "--enable-helm", "--enable-managedby-label",
			"--helm-debug", "--stack-trace" };
		static const char *const valued[] = { "--load-restrictor", "--reorder",
			"--helm-kube-version", "--helm-api-versions", "--helm-command" };
		bool is_bool = false, is_valued = false;
		for (size_t k = 0; k < sizeof bools / sizeof *bools; k++)
			is_bool |= !strcmp(flag, bools[k]);
		for (size_t k = 0; k < sizeof valued / sizeof *valued; k++)
			is_valued |= !strcmp(flag, valued[k]);
		if (is_bool) {
			bool on = !val || !strcmp(val, "true") || !strcmp(val, "1") || !strcmp(val, "t") ||
				!strcmp(val, "T") || !strcmp(val, "TRUE") || !strcmp(val, "True");
			bool off = val && (!strcmp(val, "false") || !strcmp(val, "0") || !strcmp(val, "f") ||
				!strcmp(val, "F") || !strcmp(val, "FALSE") || !strcmp(val, "False"));
			if (!on && !off) {
				errors += diag_error(&ctx->diag, &n->pos, "manifestc.yaml: kustomizeBuildOptions: "
					"invalid argument \"%s\" for \"%s\" flag", val, flag);
				continue;
			}
			if (!strcmp(flag, "--enable-helm"))
				ko->enable_helm = on;
			else if (!strcmp(flag, "--enable-managedby-label"))
				ko->managed_by_label = on;
			else if (!strcmp(flag, "--helm-debug"))
				ko->helm_debug = on;
			continue;
		}
		if (!is_valued) {
			errors += diag_error(&ctx->diag, &n->pos, "manifestc.yaml: kustomizeBuildOptions: %s "
				"is not supported by manifestc (supported: --enable-helm, --load-restrictor, "
				"--reorder, --enable-managedby-label, --helm-kube-version, --helm-api-versions, "
				"--helm-debug)", flag);
			continue;
		}
		if (!val) {
			if (i + 1 == ntok) {
				errors += diag_error(&ctx->diag, &n->pos, "manifestc.yaml: kustomizeBuildOptions: "
					"flag needs an argument: %s", flag);
				continue;
			}
			val = tok[++i];
		}
		if (!strcmp(flag, "--load-restrictor")) {
			if (!strcmp(val, "LoadRestrictionsNone"))
				ko->load_restrict_none = true;
			else if (!strcmp(val, "LoadRestrictionsRootOnly"))
				ko->load_restrict_none = false;
			else
				errors += diag_error(&ctx->diag, &n->pos, "manifestc.yaml: kustomizeBuildOptions: "
					"illegal flag value --load-restrictor %s; legal values: "
					"[LoadRestrictionsRootOnly LoadRestrictionsNone]", val);
		} else if (!strcmp(flag, "--reorder")) {
			if (!strcmp(val, "legacy"))
				ko->reorder = KUST_REORDER_LEGACY;
			else if (!strcmp(val, "none"))
				ko->reorder = KUST_REORDER_NONE;
			else
				errors += diag_error(&ctx->diag, &n->pos, "manifestc.yaml: kustomizeBuildOptions: "
					"illegal flag value --reorder %s; legal values: [legacy none]", val);
		} else if (!strcmp(flag, "--helm-kube-version")) {
			ko->helm_kube_version = val;
		} else if (!strcmp(flag, "--helm-api-versions")) {
			/* a string slice: comma separated, values accumulate */
			for (char *p = val; p;) {
				char *comma = strchr(p, ',');
				if (comma)
					*comma = 0;
				apis = arena_grow(&ctx->arena, apis, napis * sizeof *apis,
					(napis + 1) * sizeof *apis);
				apis[napis++] = p;
				p = comma ? comma + 1 : NULL;
			}
		}
		/* --helm-command: the helm binary; manifestc is its own helm */
	}
	ko->helm_api_versions = apis;
	ko->helm_napi_versions = napis;
	return errors;
}

static int check_keys(struct mc_ctx *ctx, const struct ir_node *m, const char *const *keys,
	size_t n, const char *what)
{
	int errors = 0;
	for (uint32_t i = 0; i < m->map.len; i++) {
		bool ok = false;
		for (size_t k = 0; k < n && !ok; k++)
			ok = str_eqc(m->map.items[i].key->s.text, keys[k]);
		if (!ok)
			errors += diag_error(&ctx->diag, &m->map.items[i].key->pos, "manifestc.yaml: unknown "
				"field %s%s", what, m->map.items[i].key->s.text->s);
	}
	return errors;
}

int repo_config_load(struct mc_ctx *ctx, const char *repo, struct repo_config *c)
{
	memset(c, 0, sizeof *c);
	app_config_default(&c->argo);
	c->env_from = ENV_FROM_LABEL;
	c->env_key = "environment";
	c->env_default = "default";
	char *path = path_clean(repo, "manifestc.yaml");
	enum vfs_kind kind;
	if (vfs_stat(ctx->fs, path, &kind) || kind != VFS_FILE) {
		free(path);
		return 0;
	}
	int err;
	const struct srcfile *f = vfs_load(ctx->fs, path, path, &err);
	free(path);
	if (!f)
		return diag_error(&ctx->diag, NULL, "cannot read manifestc.yaml: %s", strerror(err));
	struct yaml_opts yo = { .schema = YAML_V2 };
	struct ir_node *doc = NULL;
	if (yaml_load_one(ctx, f, &yo, &doc))
		return 1;
	if (ir_is_null(doc))
		return 0;
	struct srcpos top = { f, 1, 1 };
	if (!ir_is_map(doc))
		return diag_error(&ctx->diag, &top, "manifestc.yaml must be a map of fields");
	int errors = check_keys(ctx, doc, fields, sizeof fields / sizeof *fields, "");
	errors += strlist(ctx, ir_map_getc(doc, "repoURL"), &c->self_urls, &c->nself_urls, "repoURL");
	errors += strlist(ctx, ir_map_getc(doc, "roots"), &c->roots, &c->nroots, "roots");
	errors += strlist(ctx, ir_map_getc(doc, "clusters"), &c->cluster_files, &c->ncluster_files,
		"clusters");
	const struct ir_node *repos = ir_map_getc(doc, "repos");
	if (ir_is_map(repos)) {
		c->map_urls = arena_alloc(&ctx->arena, (repos->map.len + 1) * sizeof *c->map_urls);
		c->map_dirs = arena_alloc(&ctx->arena, (repos->map.len + 1) * sizeof *c->map_dirs);
		for (uint32_t i = 0; i < repos->map.len; i++) {
			const char *dir = ir_cstr(repos->map.items[i].value);
			if (!dir) {
				errors += diag_error(&ctx->diag, &repos->map.items[i].value->pos,
					"manifestc.yaml: repos maps URLs to directories");
				continue;
			}
			char *abs = path_clean(repo, dir);
			c->map_urls[c->nmaps] = repos->map.items[i].key->s.text->s;
			c->map_dirs[c->nmaps++] = arena_strdup(&ctx->arena, abs);
			free(abs);
		}
	} else if (!ir_is_null(repos)) {
		errors += diag_error(&ctx->diag, &repos->pos, "manifestc.yaml: repos must be a map of "
			"URL: directory");
	}
	const struct ir_node *env = ir_map_getc(doc, "environment");
	if (ir_is_map(env)) {
		static const char *const ek[] = { "label", "annotation", "from", "default" };
		errors += check_keys(ctx, env, ek, 4, "environment.");
		const char *label = NULL, *ann = NULL, *from = NULL;
		errors += str_field(ctx, env, "label", &label);
		errors += str_field(ctx, env, "annotation", &ann);
		errors += str_field(ctx, env, "from", &from);
		errors += str_field(ctx, env, "default", &c->env_default);
		if (!!label + !!ann + !!from > 1)
			errors += diag_error(&ctx->diag, &env->pos, "manifestc.yaml: environment takes one of "
				"label, annotation or from");
		if (label) {
			c->env_from = ENV_FROM_LABEL;
			c->env_key = label;
		} else if (ann) {
			c->env_from = ENV_FROM_ANNOTATION;
			c->env_key = ann;
		} else if (from) {
			if (!strcmp(from, "destinationNamespace"))
				c->env_from = ENV_FROM_DEST_NS;
			else if (!strcmp(from, "destinationName"))
				c->env_from = ENV_FROM_DEST_NAME;
			else if (!strcmp(from, "project"))
				c->env_from = ENV_FROM_PROJECT;
			else
				errors += diag_error(&ctx->diag, &ir_map_getc(env, "from")->pos, "manifestc.yaml: "
					"environment.from is destinationNamespace, destinationName or project");
		}
	} else if (!ir_is_null(env)) {
		errors += diag_error(&ctx->diag, &env->pos, "manifestc.yaml: environment must be a map");
	}
	const struct ir_node *argo = ir_map_getc(doc, "argocd");
	if (ir_is_map(argo)) {
		static const char *const ak[] = { "namespace", "trackingMethod", "instanceLabelKey",
			"installationID", "kubeVersion", "apiVersions", "kustomizeBuildOptions" };
		errors += check_keys(ctx, argo, ak, 7, "argocd.");
		const struct ir_node *bo = ir_map_getc(argo, "kustomizeBuildOptions");
		if (!ir_is_null(bo) && !ir_is_str(bo))
			errors += diag_error(&ctx->diag, &bo->pos, "manifestc.yaml: kustomizeBuildOptions "
				"must be a string");
		else if (ir_is_str(bo))
			errors += build_options(ctx, bo, &c->argo.kustomize);
		errors += str_field(ctx, argo, "kubeVersion", &c->argo.kube_version);
		const char **av = NULL;
		size_t nav = 0;
		errors += strlist(ctx, ir_map_getc(argo, "apiVersions"), &av, &nav, "argocd.apiVersions");
		c->argo.api_versions = av;
		c->argo.napi_versions = nav;
		errors += str_field(ctx, argo, "namespace", &c->argo.control_ns);
		errors += str_field(ctx, argo, "instanceLabelKey", &c->argo.label_key);
		errors += str_field(ctx, argo, "installationID", &c->argo.installation_id);
		if (c->argo.installation_id && !*c->argo.installation_id)
			c->argo.installation_id = NULL;
		const char *t = NULL;
		errors += str_field(ctx, argo, "trackingMethod", &t);
		if (t) {
			if (!strcmp(t, "annotation"))
				c->argo.tracking = APP_TRACK_ANNOTATION;
			else if (!strcmp(t, "label"))
				c->argo.tracking = APP_TRACK_LABEL;
			else if (!strcmp(t, "annotation+label"))
				c->argo.tracking = APP_TRACK_BOTH;
			else
				errors += diag_error(&ctx->diag, &ir_map_getc(argo, "trackingMethod")->pos,
					"manifestc.yaml: argocd.trackingMethod is annotation, label or "
					"annotation+label");
		}
	} else if (!ir_is_null(argo)) {
		errors += diag_error(&ctx->diag, &argo->pos, "manifestc.yaml: argocd must be a map");
	}
	c->validate = ir_map_getc(doc, "validate");
	const struct ir_node *ng = ir_map_getc(doc, "newGitFileGlobbing");
	if (ng && ng->type == IR_BOOL)
		c->new_globbing = ng->s.v.b;
	else if (!ir_is_null(ng))
		errors += diag_error(&ctx->diag, &ng->pos, "manifestc.yaml: newGitFileGlobbing is true "
			"or false");
	return errors;
}
