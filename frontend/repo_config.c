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
			"installationID", "kubeVersion", "apiVersions" };
		errors += check_keys(ctx, argo, ak, 6, "argocd.");
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
