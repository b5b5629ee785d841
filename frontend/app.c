/*
 * app.c - Argo CD Applications to manifests.
 *
 * What the repo-server does for each source (GenerateManifests): resolve
 * the path in the repository, merge .argocd-source*.yaml over the source,
 * pick the tool (explicit block, else kustomization file, else *Chart.yaml,
 * else plain directory), render, expand Lists and set the tracking
 * annotation on everything but CRDs.  Then what the controller does with
 * the manifests (NormalizeTargetObjects): namespaced (or unknown) kinds
 * without a namespace get the destination namespace, cluster-scoped kinds
 * lose theirs, the tracking is re-applied when a namespace changed, and of
 * several objects with one identity the last is kept.
 *
 * Multiple sources (spec.sources) render one after the other; a source with
 * `ref:` names its repository for `$ref/...` Helm value files and renders
 * manifests only when it also has a path.  The tracking method is the v3
 * default, the annotation argocd.argoproj.io/tracking-id
 * (`app:group/Kind:namespace/name`), unless configured otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include "argocd.h"

void app_config_default(struct app_config *c)
{
	memset(c, 0, sizeof *c);
	c->control_ns = "argocd";
	c->tracking = APP_TRACK_ANNOTATION;
	c->label_key = "app.kubernetes.io/instance";
	c->kube_version = "v1.32.0";
}

/* ---------------------------------------------------- cluster scope */

static const char *const cluster_kinds[] = {
	"|Namespace", "|Node", "|PersistentVolume", "|ComponentStatus",
	"rbac.authorization.k8s.io|ClusterRole", "rbac.authorization.k8s.io|ClusterRoleBinding",
	"apiextensions.k8s.io|CustomResourceDefinition", "apiregistration.k8s.io|APIService",
	"admissionregistration.k8s.io|MutatingWebhookConfiguration",
	"admissionregistration.k8s.io|ValidatingWebhookConfiguration",
	"admissionregistration.k8s.io|ValidatingAdmissionPolicy",
	"admissionregistration.k8s.io|ValidatingAdmissionPolicyBinding",
	"admissionregistration.k8s.io|MutatingAdmissionPolicy",
	"admissionregistration.k8s.io|MutatingAdmissionPolicyBinding",
	"storage.k8s.io|StorageClass", "storage.k8s.io|CSIDriver", "storage.k8s.io|CSINode",
	"storage.k8s.io|VolumeAttachment", "storage.k8s.io|VolumeAttributesClass",
	"scheduling.k8s.io|PriorityClass", "node.k8s.io|RuntimeClass",
	"networking.k8s.io|IngressClass", "networking.k8s.io|IPAddress", "networking.k8s.io|ServiceCIDR",
	"certificates.k8s.io|CertificateSigningRequest", "certificates.k8s.io|ClusterTrustBundle",
	"flowcontrol.apiserver.k8s.io|FlowSchema",
	"flowcontrol.apiserver.k8s.io|PriorityLevelConfiguration", "policy|PodSecurityPolicy",
	"authentication.k8s.io|TokenReview", "authentication.k8s.io|SelfSubjectReview",
	"authorization.k8s.io|SubjectAccessReview", "authorization.k8s.io|SelfSubjectAccessReview",
	"authorization.k8s.io|SelfSubjectRulesReview", "resource.k8s.io|DeviceClass",
	"resource.k8s.io|ResourceSlice", "storagemigration.k8s.io|StorageVersionMigration",
	"internal.apiserver.k8s.io|StorageVersion",
};

bool app_cluster_scoped(const struct str *group, const struct str *kind)
{
	for (size_t i = 0; i < sizeof cluster_kinds / sizeof *cluster_kinds; i++) {
		const char *e = cluster_kinds[i], *bar = strchr(e, '|');
		size_t gl = (size_t)(bar - e);
		if (group->len == gl && !memcmp(group->s, e, gl) && str_eqc(kind, bar + 1))
			return true;
	}
	return false;
}

/* --------------------------------------------------------- envsubst */

void app_envsubst(const struct app_job *j, struct sbuf *out, const char *s, size_t n)
{
	const char *names[] = {
		"ARGOCD_APP_NAME", "ARGOCD_APP_NAMESPACE", "ARGOCD_APP_PROJECT_NAME",
		"ARGOCD_APP_REVISION", "ARGOCD_APP_REVISION_SHORT", "ARGOCD_APP_REVISION_SHORT_8",
		"ARGOCD_APP_SOURCE_REPO_URL", "ARGOCD_APP_SOURCE_PATH",
		"ARGOCD_APP_SOURCE_TARGET_REVISION",
	};
	/* The revision is the commit Argo CD resolved targetRevision to; an
	 * offline render of a working tree has none. */
	const char *values[] = {
		j->instance, j->dest_ns, j->project, "", "", "", j->repo_url ? j->repo_url : "",
		j->src_path ? j->src_path : "", j->target_rev ? j->target_rev : "",
	};
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '$' || i + 1 >= n) {
			sbuf_addc(out, s[i]);
			continue;
		}
		const char *p = s + i + 1, *e = s + n;
		const char *name = p;
		size_t nl = 0, w = 0;
		bool special = false;
		if (*p == '{') {
			if (e - p > 2 && strchr("*#$@!?0123456789", p[1]) && p[2] == '}') {
				name = p + 1;
				nl = 1;
				w = 3;
			} else {
				const char *c = memchr(p, '}', (size_t)(e - p));
				if (c) {
					name = p + 1;
					nl = (size_t)(c - p - 1);
					w = nl + 2;
				} else {
					nl = 0;
					w = 1; /* bad syntax: eat the brace */
				}
			}
		} else if (strchr("*#$@!?0123456789", *p) && *p) {
			nl = 1;
			w = 1;
			special = true;
		} else {
			while (p + nl < e && (p[nl] == '_' || (p[nl] >= '0' && p[nl] <= '9') ||
				((p[nl] | 32) >= 'a' && (p[nl] | 32) <= 'z')))
				nl++;
			w = nl;
		}
		(void)special;
		if (!nl && !w) {
			sbuf_addc(out, '$'); /* $ not followed by a name */
			continue;
		}
		if (nl == 1 && name[0] == '$') {
			sbuf_addc(out, '$');
		} else {
			for (size_t k = 0; nl && k < sizeof names / sizeof *names; k++)
				if (strlen(names[k]) == nl && !memcmp(names[k], name, nl)) {
					sbuf_adds(out, values[k]);
					break;
				}
		}
		i += w;
	}
}

/* ------------------------------------------------------------- Lists */

static bool ends_with(const struct str *s, const char *suffix)
{
	size_t n = strlen(suffix);
	return s && s->len >= n && !memcmp(s->s + s->len - n, suffix, n);
}

void app_push_object(struct mc_ctx *ctx, struct ir_node *obj, const struct srcpos *at,
	struct ir_reslist *out)
{
	const struct str *kind = ir_text(ir_map_getc(obj, "kind"));
	struct ir_pair *items = ir_map_find(obj, ctx->s_items);
	if (ends_with(kind, "List") && items) {
		/* unstructured's IsList: a kind ending in List with an items
		 * list; items: null is a list with nothing in it. */
		if (ir_is_seq(items->value)) {
			for (uint32_t i = 0; i < items->value->seq.len; i++)
				if (ir_is_map(items->value->seq.items[i]))
					ir_reslist_push(ctx, out, ir_resource_new(ctx, items->value->seq.items[i],
						&items->value->seq.items[i]->pos));
			return;
		}
		if (ir_is_null(items->value))
			return;
	}
	ir_reslist_push(ctx, out, ir_resource_new(ctx, obj, at));
}

/* ----------------------------------------------------------- sources */

static const struct ir_node *nonempty_block(const struct ir_node *b)
{
	if (!ir_is_map(b))
		return NULL;
	for (uint32_t i = 0; i < b->map.len; i++) {
		const struct ir_node *v = b->map.items[i].value;
		if (ir_is_null(v) || (v->type == IR_BOOL && !v->s.v.b) || (ir_is_str(v) && !v->s.text->len) ||
			(ir_is_map(v) && !nonempty_block(v)) || (ir_is_seq(v) && !v->seq.len))
			continue;
		if ((v->type == IR_INT && !v->s.v.i) || (v->type == IR_FLOAT && v->s.v.f == 0))
			continue;
		return b;
	}
	return NULL;
}

/* RFC 7386 JSON merge patch of patch over target (edited). */
static struct ir_node *merge_patch(struct mc_ctx *ctx, struct ir_node *target,
	const struct ir_node *patch, int depth)
{
	if (!ir_is_map(patch) || depth > YAML_MAX_DEPTH)
		return ir_clone(ctx, patch);
	if (!ir_is_map(target))
		target = ir_map(ctx, &patch->pos);
	for (uint32_t i = 0; i < patch->map.len; i++) {
		const struct ir_pair *p = &patch->map.items[i];
		if (ir_is_null(p->value)) {
			ir_map_del(target, p->key->s.text);
			continue;
		}
		struct ir_node *cur = ir_map_get(target, p->key->s.text);
		ir_map_set(ctx, target, p->key->s.text, merge_patch(ctx, cur, p->value, depth + 1));
	}
	return target;
}

/* mergeSourceParameters: .argocd-source.yaml, then
 * .argocd-source-<app>.yaml, merged over the source; only the tool options
 * may change. */
static int merge_source_files(struct app_job *j, struct ir_node **src)
{
	struct mc_ctx *ctx = j->ctx;
	const char *files[2] = { ".argocd-source.yaml", NULL };
	struct sbuf named = SBUF_INIT;
	sbuf_printf(&named, ".argocd-source-%s.yaml", j->instance);
	files[1] = named.buf;
	struct ir_node *merged = NULL;
	int errors = 0;
	for (int i = 0; i < 2 && !errors; i++) {
		char *p = path_clean(j->app_path, files[i]);
		enum vfs_kind kind;
		if (vfs_stat(ctx->fs, p, &kind) == 0 && kind == VFS_FILE) {
			int err;
			const struct srcfile *f = vfs_load(ctx->fs, p, p, &err);
			struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_JSON_NUMBERS };
			struct ir_node *doc = NULL;
			if (!f)
				errors += diag_error(&ctx->diag, &j->src->pos, "%s: cannot read: %s", p, strerror(err));
			else if (yaml_load_one(ctx, f, &yo, &doc))
				errors++;
			else {
				if (!merged)
					merged = ir_clone(ctx, j->src);
				merged = merge_patch(ctx, merged, doc, 0);
			}
		}
		free(p);
	}
	sbuf_release(&named);
	if (errors || !merged)
		return errors;
	static const char *const keep[] = { "chart", "path", "repoURL", "targetRevision" };
	for (size_t i = 0; i < 4; i++) {
		struct ir_node *v = ir_map_getc(j->src, keep[i]);
		if (v)
			ir_map_setc(ctx, merged, keep[i], v);
		else
			ir_map_delc(merged, keep[i]);
	}
	*src = merged;
	return 0;
}

static bool has_file(struct mc_ctx *ctx, const char *dir, const char *name)
{
	char *p = path_clean(dir, name);
	enum vfs_kind k;
	bool ok = vfs_stat(ctx->fs, p, &k) == 0 && k == VFS_FILE;
	free(p);
	return ok;
}

/* discovery.AppType: the files directly in the app path decide. */
static const char *discover(struct mc_ctx *ctx, const char *dir)
{
	char **names = NULL;
	size_t n = 0;
	const char *type = "Directory";
	if (vfs_list(ctx->fs, dir, &names, &n))
		return type;
	bool helm = false, kust = false;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(names[i]);
		if (!has_file(ctx, dir, names[i]))
			continue;
		if (l >= 10 && !strcmp(names[i] + l - 10, "Chart.yaml"))
			helm = true;
		if (!strcmp(names[i], "kustomization.yaml") || !strcmp(names[i], "kustomization.yml") ||
			!strcmp(names[i], "Kustomization"))
			kust = true;
	}
	vfs_free_list(names, n);
	return kust ? "Kustomize" : helm ? "Helm" : type;
}

static int render_source(struct app_job *j, const struct ir_node *src, bool multi,
	struct ir_reslist *out)
{
	struct mc_ctx *ctx = j->ctx;
	j->src = src;
	j->repo_url = ir_cstr(ir_map_getc(src, "repoURL"));
	j->src_path = ir_cstr(ir_map_getc(src, "path"));
	j->target_rev = ir_cstr(ir_map_getc(src, "targetRevision"));
	const char *chart = ir_cstr(ir_map_getc(src, "chart"));
	if (!j->src_path)
		j->src_path = "";
	if (chart && *chart)
		return diag_error(&ctx->diag, &src->pos,
			"Application %s: the Helm chart %s comes from the Helm repository %s; charts from "
			"Helm or OCI repositories are not supported offline (vendor the chart in git and "
			"point the source's path at it)", j->name, chart, j->repo_url ? j->repo_url : "");
	if (multi && !*j->src_path)
		return 0; /* a ref-only source, or nothing to render */
	struct sbuf err = SBUF_INIT;
	struct appset_repo *r = appset_world_repo(j->world, j->repo_url ? j->repo_url : "", &err);
	if (!r) {
		int e = diag_error(&ctx->diag, &src->pos, "Application %s: %s", j->name, err.buf);
		sbuf_release(&err);
		return e;
	}
	sbuf_release(&err);
	j->repo_root = r->dir;
	char *app_path = path_clean(r->dir, j->src_path[0] == '/' ? j->src_path + 1 : j->src_path);
	char *root = path_clean(NULL, r->dir);
	int errors = 0;
	char *real = NULL, *realroot = NULL;
	if (vfs_realpath(ctx->fs, app_path, &real) || vfs_realpath(ctx->fs, root, &realroot)) {
		/* With no URL known for the rendered repository, every unmapped
		 * URL stands for it: say so, it is often another repository. */
		bool assumed = r == j->world->self && (j->world->self_any_url || !j->world->nself_urls);
		errors = diag_error(&ctx->diag, &src->pos, "Application %s: app path does not exist: %s%s%s%s",
			j->name, j->src_path, assumed ? " (repository " : "", assumed && j->repo_url ? j->repo_url : "",
			assumed ? " was taken to be the rendered one, which names no URL of its own (no git "
			"remote, no repoURL in manifestc.yaml): if it is another repository, map it with "
			"--repo URL=DIR)" : "");
	} else if (!path_within(real, realroot)) {
		errors = diag_error(&ctx->diag, &src->pos, "Application %s: app path %s is outside the "
			"repository", j->name, j->src_path);
	} else {
		enum vfs_kind kind;
		if (vfs_stat(ctx->fs, real, &kind) || kind != VFS_DIR)
			errors = diag_error(&ctx->diag, &src->pos, "Application %s: app path is not a "
				"directory: %s", j->name, j->src_path);
	}
	free(real);
	free(realroot);
	free(root);
	if (errors) {
		free(app_path);
		return errors;
	}
	j->app_path = arena_strdup(&ctx->arena, app_path);
	free(app_path);
	struct ir_node *msrc = (struct ir_node *)src;
	if ((errors = merge_source_files(j, &msrc)))
		return errors;
	j->src = msrc;
	static const char *const blocks[] = { "kustomize", "helm", "directory", "plugin" };
	const struct ir_node *set[4];
	int nset = 0, which = -1;
	for (int i = 0; i < 4; i++) {
		set[i] = nonempty_block(ir_map_getc(msrc, blocks[i]));
		if (set[i]) {
			nset++;
			which = i;
		}
	}
	if (nset > 1) {
		struct sbuf names = SBUF_INIT;
		static const char *const types[] = { "Kustomize", "Helm", "Directory", "Plugin" };
		for (int i = 0; i < 4; i++)
			if (set[i])
				sbuf_printf(&names, "%s%s", names.len ? "," : "", types[i]);
		errors = diag_error(&ctx->diag, &msrc->pos, "Application %s: multiple application "
			"sources defined: %s", j->name, names.buf);
		sbuf_release(&names);
		return errors;
	}
	const char *type = which == 0 ? "Kustomize" : which == 1 ? "Helm" : which == 2 ? "Directory"
		: which == 3 ? "Plugin" : discover(ctx, j->app_path);
	if (!strcmp(type, "Plugin"))
		return diag_error(&ctx->diag, &ir_map_getc(msrc, "plugin")->pos, "Application %s: config "
			"management plugins run programs in Argo CD's repo-server and are not supported "
			"by manifestc", j->name);
	if (!strcmp(type, "Kustomize"))
		return app_render_kustomize(j, set[0], out);
	if (!strcmp(type, "Helm"))
		return app_render_helm(j, set[1], out);
	return app_render_directory(j, set[2], out);
}

/* ---------------------------------------------------------- tracking */

static void set_tracking(struct app_job *j, struct ir_resource *r)
{
	struct mc_ctx *ctx = j->ctx;
	struct ir_node *meta = ir_map_child(ctx, r->body, "metadata");
	const struct srcpos *pos = &r->body->pos;
	if (j->cfg->tracking != APP_TRACK_LABEL) {
		struct ir_node *anns = ir_map_getc(meta, "annotations");
		if (!ir_is_map(anns))
			anns = ir_map_setc(ctx, meta, "annotations", ir_map(ctx, pos));
		const struct str *ns = r->id.ns->len ? r->id.ns : mc_intern0(ctx, j->dest_ns);
		const struct str *v = str_printf(&ctx->strs, "%s:%s/%s:%s/%s", j->instance, r->id.group->s,
			r->id.kind->s, ns->s, r->id.name->s);
		if (j->cfg->installation_id)
			ir_map_setc(ctx, anns, "argocd.argoproj.io/installation-id",
				ir_str0(ctx, j->cfg->installation_id, pos));
		else
			ir_map_delc(anns, "argocd.argoproj.io/installation-id");
		ir_map_setc(ctx, anns, "argocd.argoproj.io/tracking-id", ir_strs(ctx, v, pos));
	}
	if (j->cfg->tracking != APP_TRACK_ANNOTATION) {
		struct ir_node *labels = ir_map_getc(meta, "labels");
		if (!ir_is_map(labels))
			labels = ir_map_setc(ctx, meta, "labels", ir_map(ctx, pos));
		size_t n = strlen(j->instance);
		if (j->cfg->tracking == APP_TRACK_BOTH && n > 63) {
			/* TruncateLabel: 63 bytes, then no trailing non-alphanumerics. */
			n = 63;
			while (n > 1) {
				char c = j->instance[n - 1];
				if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
					break;
				n--;
			}
		}
		ir_map_setc(ctx, labels, j->cfg->label_key, ir_str(ctx, j->instance, n, pos));
	}
}

static bool is_crd(const struct ir_resid *id)
{
	return str_eqc(id->kind, "CustomResourceDefinition") && str_eqc(id->group, "apiextensions.k8s.io");
}

/* Kinds the Application's own CRDs declare cluster-scoped. */
static bool crd_cluster_scoped(const struct ir_reslist *all, const struct ir_resid *id)
{
	for (size_t i = 0; i < all->len; i++) {
		const struct ir_resource *c = all->items[i];
		if (!is_crd(&c->id))
			continue;
		if (str_eqc(ir_text(ir_path(c->body, "spec/group")), id->group->s) &&
			str_eqc(ir_text(ir_path(c->body, "spec/names/kind")), id->kind->s) &&
			str_eqc(ir_text(ir_path(c->body, "spec/scope")), "Cluster"))
			return true;
	}
	return false;
}

/* ------------------------------------------------------------ render */

/* ------------------------------------------------------------ traces */

void app_trace_add_value(struct app_job *j, const struct str *v, const struct srcpos *pos,
	const char *what)
{
	struct app_trace *t = j->trace;
	if (!t || !v)
		return;
	t->values = arena_grow(&j->ctx->arena, t->values, t->nvalues * sizeof *t->values,
		(t->nvalues + 1) * sizeof *t->values);
	t->values[t->nvalues++] = (struct app_trace_value){ v, pos ? *pos : SRCPOS_NONE, what };
}

void app_trace_add_remap(struct app_job *j, const char *path, uint32_t line,
	const struct srcpos *orig, bool from_app)
{
	struct app_trace *t = j->trace;
	if (!t)
		return;
	t->remap = arena_grow(&j->ctx->arena, t->remap, t->nremap * sizeof *t->remap,
		(t->nremap + 1) * sizeof *t->remap);
	t->remap[t->nremap++] = (struct app_trace_remap){ path, line, *orig, from_app };
}

static bool is_kustomization(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	return !strcmp(b, "kustomization.yaml") || !strcmp(b, "kustomization.yml") ||
		!strcmp(b, "Kustomization");
}

void app_trace_source(struct mc_ctx *ctx, const struct app_trace *t, const struct ir_node *img,
	struct srcpos *pos, const char **what)
{
	*pos = img->pos;
	*what = "manifest";
	const struct srcfile *f = img->pos.file;
	if (f && t) {
		for (size_t i = 0; i < t->nremap; i++) {
			/* The rewritten kustomization is a memory file with the
			 * real file's name: not the file the vfs holds. */
			int e;
			if (strcmp(t->remap[i].path, f->path) || t->remap[i].line != img->pos.line ||
				vfs_load(ctx->fs, f->path, f->path, &e) == f)
				continue;
			*pos = t->remap[i].orig;
			*what = t->remap[i].from_app ? "Application kustomize.images" : "kustomization images";
			return;
		}
	}
	if (f && is_kustomization(f->path)) {
		*what = "kustomization images";
		return;
	}
	if (!t || !t->nvalues)
		return;
	/* Helm: the value the chart saw that makes up the image. */
	const struct str *s = img->s.text;
	const char *p = s->s, *end = s->s + s->len;
	const char *slash = memchr(p, '/', s->len);
	const char *from = slash ? slash : p;
	const char *at = memchr(from, '@', (size_t)(end - from));
	const char *colon = memchr(from, ':', (size_t)((at ? at : end) - from));
	const char *tag = colon ? colon + 1 : NULL;
	size_t tl = colon ? (size_t)((at ? at : end) - tag) : 0;
	size_t nl = (size_t)((colon ? colon : at ? at : end) - p);
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < t->nvalues; i++) {
			const struct str *v = t->values[i].value;
			bool m = pass == 0 ? str_eq(v, s)
				: pass == 1 ? (tag && v->len == tl && !memcmp(v->s, tag, tl)) ||
					(at && v->len == (size_t)(end - at - 1) && !memcmp(v->s, at + 1, v->len))
				: v->len == nl && !memcmp(v->s, p, nl);
			if (m) {
				*pos = t->values[i].pos;
				*what = t->values[i].what;
				return;
			}
		}
	}
}

int app_render(struct mc_ctx *ctx, struct appset_world *w, const struct app_config *cfg,
	const struct ir_node *app, struct ir_reslist *out)
{
	return app_render_traced(ctx, w, cfg, app, out, NULL);
}

int app_render_traced(struct mc_ctx *ctx, struct appset_world *w, const struct app_config *cfg,
	const struct ir_node *app, struct ir_reslist *out, struct app_trace *trace)
{
	struct app_job j = { .ctx = ctx, .world = w, .cfg = cfg, .app = app, .trace = trace };
	if (trace)
		trace->app_file = app->pos.file;
	j.name = ir_path_cstr(app, "metadata/name");
	if (!j.name || !*j.name)
		return diag_error(&ctx->diag, &app->pos, "an Application needs metadata.name");
	const char *app_ns = ir_path_cstr(app, "metadata/namespace");
	if (app_ns && *app_ns && strcmp(app_ns, cfg->control_ns))
		j.instance = arena_printf(&ctx->arena, "%s_%s", app_ns, j.name);
	else
		j.instance = j.name;
	j.dest_ns = ir_path_cstr(app, "spec/destination/namespace");
	if (!j.dest_ns)
		j.dest_ns = "";
	j.project = ir_path_cstr(app, "spec/project");
	if (!j.project || !*j.project)
		j.project = "default";
	const struct ir_node *sources = ir_path(app, "spec/sources");
	const struct ir_node *source = ir_path(app, "spec/source");
	bool multi = ir_is_seq(sources) && sources->seq.len;
	if (!multi && !ir_is_map(source)) {
		if (ir_path(app, "spec/sourceHydrator"))
			return diag_error(&ctx->diag, &ir_path(app, "spec/sourceHydrator")->pos,
				"Application %s: spec.sourceHydrator (manifests hydrated by Argo CD into another "
				"branch) is not supported by manifestc", j.name);
		return diag_error(&ctx->diag, &app->pos, "Application %s has no spec.source or "
			"spec.sources", j.name);
	}
	int errors = 0;
	struct ir_reslist raw = { 0 };
	if (multi) {
		j.refs = arena_calloc(&ctx->arena, sources->seq.len, sizeof *j.refs);
		for (uint32_t i = 0; i < sources->seq.len; i++) {
			const struct ir_node *s = sources->seq.items[i];
			const char *ref = ir_cstr(ir_map_getc(s, "ref"));
			if (!ref || !*ref)
				continue;
			if (ir_cstr(ir_map_getc(s, "chart")) && *ir_cstr(ir_map_getc(s, "chart"))) {
				errors += diag_error(&ctx->diag, &s->pos, "Application %s: a source with ref "
					"cannot have a chart", j.name);
				continue;
			}
			const char *url = ir_cstr(ir_map_getc(s, "repoURL"));
			struct sbuf err = SBUF_INIT;
			struct appset_repo *r = appset_world_repo(w, url ? url : "", &err);
			if (!r)
				errors += diag_error(&ctx->diag, &s->pos, "Application %s: %s", j.name, err.buf);
			else
				j.refs[j.nrefs++] = (struct app_ref){ ref, r->dir, url };
			sbuf_release(&err);
		}
		for (uint32_t i = 0; !errors && i < sources->seq.len; i++) {
			const struct ir_node *s = sources->seq.items[i];
			if (!ir_is_map(s))
				errors += diag_error(&ctx->diag, &s->pos, "Application %s: a source must be a map",
					j.name);
			else
				errors += render_source(&j, s, true, &raw);
		}
	} else {
		errors += render_source(&j, source, false, &raw);
	}
	if (errors)
		return errors;
	/* The repo-server: tracking on everything but CRDs. */
	for (size_t i = 0; i < raw.len; i++) {
		ir_resource_sync(ctx, raw.items[i]);
		if (!is_crd(&raw.items[i]->id))
			set_tracking(&j, raw.items[i]);
	}
	/* The controller: namespaces, then the last of each identity. */
	const struct str *dest = mc_intern0(ctx, j.dest_ns);
	for (size_t i = 0; i < raw.len; i++) {
		struct ir_resource *r = raw.items[i];
		bool cluster = app_cluster_scoped(r->id.group, r->id.kind) || crd_cluster_scoped(&raw, &r->id);
		struct ir_node *meta = ir_map_child(ctx, r->body, "metadata");
		bool changed = false;
		if (cluster && r->id.ns->len) {
			ir_map_del(meta, ctx->s_namespace);
			changed = true;
		} else if (!cluster && !r->id.ns->len && dest->len) {
			/* (SetNamespace("") would remove the field: nothing to do.) */
			ir_map_set(ctx, meta, ctx->s_namespace, ir_strs(ctx, dest, &meta->pos));
			changed = true;
		}
		if (changed) {
			ir_resource_sync(ctx, r);
			set_tracking(&j, r);
		}
	}
	/* The last of each group/kind/namespace/name (Argo CD's resource key
	 * has no version). */
	struct ir_node *last = ir_map(ctx, NULL);
	const struct str **keys = arena_alloc(&ctx->arena, (raw.len + 1) * sizeof *keys);
	for (size_t i = 0; i < raw.len; i++) {
		const struct ir_resid *id = &raw.items[i]->id;
		keys[i] = str_printf(&ctx->strs, "%s/%s/%s/%s", id->group->s, id->kind->s, id->ns->s,
			id->name->s);
		ir_map_set(ctx, last, keys[i], ir_int(ctx, (int64_t)i, NULL));
	}
	for (size_t i = 0; i < raw.len; i++) {
		struct ir_resource *r = raw.items[i];
		bool later = ir_map_get(last, keys[i])->s.v.i != (int64_t)i;
		if (later) {
			diag_warn(&ctx->diag, &r->origin, "Application %s: resource %s appears more than once; "
				"the last one is kept (RepeatedResourceWarning)", j.name, ir_resid_fmt(ctx, &r->id));
			continue;
		}
		ir_reslist_push(ctx, out, r);
	}
	return 0;
}
