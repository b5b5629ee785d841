/*
 * validate_refs.c - references between the resources of one environment.
 *
 * A rendered environment is a closed world: a Deployment that mounts a
 * ConfigMap the environment does not contain will not start, whatever its
 * schema says.  The pass indexes the environment once (kind, namespace,
 * name -> present) and then walks each resource's references: what pods
 * use (ConfigMaps, Secrets, ServiceAccounts, PVCs, image pull secrets),
 * Service selectors (some workload's pod labels must carry them), Argo
 * Rollouts (analysis templates, its services, workloadRef) and HPA scale
 * targets.  A name can be declared external in manifestc.yaml when it is
 * created outside the repository.  Resources without a namespace are taken
 * to be in the namespace of the resource that refers to them.
 */
#include <stdlib.h>
#include <string.h>

#include "schema_int.h"
#include "validate_int.h"

struct refidx {
	struct schema_map set; /* "kind\0ns\0name" -> record */
	struct arena *arena;
};

static void key3(struct sbuf *k, const char *kind, const char *ns, const char *name)
{
	sbuf_reset(k);
	sbuf_adds(k, kind);
	sbuf_addc(k, 0);
	sbuf_adds(k, ns ? ns : "");
	sbuf_addc(k, 0);
	sbuf_adds(k, name);
}

static bool exists(const struct refidx *x, const char *kind, const char *ns, const char *name)
{
	struct sbuf k = SBUF_INIT;
	key3(&k, kind, ns, name);
	bool r = schema_map_get(&x->set, k.buf, k.len) != NULL;
	if (!r && ns && *ns) {
		/* A resource without a namespace lands in the referrer's. */
		key3(&k, kind, "", name);
		r = schema_map_get(&x->set, k.buf, k.len) != NULL;
	}
	sbuf_release(&k);
	return r;
}

static bool external(const struct validate_policy *p, enum validate_ref_kind kind, const char *ns,
	const char *name)
{
	for (size_t i = 0; i < p->external[kind].len; i++) {
		const char *e = p->external[kind].items[i];
		const char *slash = strchr(e, '/');
		if (!slash ? !strcmp(e, name) :
		    (ns && (size_t)(slash - e) == strlen(ns) && !strncmp(e, ns, strlen(ns)) &&
		     !strcmp(slash + 1, name)))
			return true;
	}
	return false;
}

struct refctx {
	struct vstate *v;
	const struct validate_policy *p;
	const struct refidx *idx;
	const char *ns;
};

static const char *const kind_names[REF_NKINDS] = {
	"ConfigMap", "Secret", "ServiceAccount", "PersistentVolumeClaim", "Service",
	"AnalysisTemplate", "AppProject", "workload",
};
static const char *const rule_names[REF_NKINDS] = {
	"ref/configmap", "ref/secret", "ref/serviceaccount", "ref/pvc", "ref/service",
	"ref/analysistemplate", "ref/appproject", "ref/workload",
};

/* Check that the name at n (a string) refers to an existing kind; path is
 * the pointer of n below the current one ("a/b/c", unescaped keys). */
static void need(struct refctx *r, enum validate_ref_kind rk, const char *kind,
	const struct ir_node *n, const char *path)
{
	if (!ir_is_str(n) || !n->s.text->len)
		return;
	const char *name = n->s.text->s;
	if (exists(r->idx, kind, r->ns, name) || external(r->p, rk, r->ns, name))
		return;
	size_t mark = r->v->ptr.len;
	if (*path) {
		sbuf_addc(&r->v->ptr, '/');
		sbuf_adds(&r->v->ptr, path);
	}
	vs_report(r->v, n, r->p->refs == POLICY_ERROR ? DIAG_ERROR : DIAG_WARNING, rule_names[rk],
		"%s \"%s\" is not part of this environment%s%s (declare it under "
		"validate.references.external.%s if it is created elsewhere)", kind, name,
		r->ns && *r->ns ? " in namespace " : "", r->ns && *r->ns ? r->ns : "",
		rk == REF_CONFIGMAP ? "configMaps" : rk == REF_SECRET ? "secrets" :
		rk == REF_SERVICEACCOUNT ? "serviceAccounts" : rk == REF_PVC ? "persistentVolumeClaims" :
		rk == REF_SERVICE ? "services" : rk == REF_ANALYSISTEMPLATE ? "analysisTemplates" :
		rk == REF_APPPROJECT ? "appProjects" : "workloads");
	(void)kind_names;
	sbuf_truncate(&r->v->ptr, mark);
}

static bool optional(const struct ir_node *n)
{
	const struct ir_node *o = ir_map_getc(n, "optional");
	return o && o->type == IR_BOOL && o->s.v.b;
}

static void container_refs(struct refctx *r, const struct ir_node *list, const char *field)
{
	if (!ir_is_seq(list))
		return;
	char path[160];
	for (uint32_t i = 0; i < list->seq.len; i++) {
		const struct ir_node *c = list->seq.items[i];
		const struct ir_node *ef = ir_map_getc(c, "envFrom");
		for (uint32_t j = 0; ir_is_seq(ef) && j < ef->seq.len; j++) {
			const struct ir_node *e = ef->seq.items[j];
			const struct ir_node *cm = ir_map_getc(e, "configMapRef");
			const struct ir_node *sc = ir_map_getc(e, "secretRef");
			snprintf(path, sizeof path, "%s/%u/envFrom/%u/configMapRef/name", field, i, j);
			if (cm && !optional(cm))
				need(r, REF_CONFIGMAP, "ConfigMap", ir_map_getc(cm, "name"), path);
			snprintf(path, sizeof path, "%s/%u/envFrom/%u/secretRef/name", field, i, j);
			if (sc && !optional(sc))
				need(r, REF_SECRET, "Secret", ir_map_getc(sc, "name"), path);
		}
		const struct ir_node *env = ir_map_getc(c, "env");
		for (uint32_t j = 0; ir_is_seq(env) && j < env->seq.len; j++) {
			const struct ir_node *vf = ir_map_getc(env->seq.items[j], "valueFrom");
			const struct ir_node *cm = ir_map_getc(vf, "configMapKeyRef");
			const struct ir_node *sc = ir_map_getc(vf, "secretKeyRef");
			snprintf(path, sizeof path, "%s/%u/env/%u/valueFrom/configMapKeyRef/name", field, i, j);
			if (cm && !optional(cm))
				need(r, REF_CONFIGMAP, "ConfigMap", ir_map_getc(cm, "name"), path);
			snprintf(path, sizeof path, "%s/%u/env/%u/valueFrom/secretKeyRef/name", field, i, j);
			if (sc && !optional(sc))
				need(r, REF_SECRET, "Secret", ir_map_getc(sc, "name"), path);
		}
	}
}

static void pod_refs(struct refctx *r, const struct ir_node *spec)
{
	char path[160];
	const struct ir_node *vols = ir_map_getc(spec, "volumes");
	for (uint32_t i = 0; ir_is_seq(vols) && i < vols->seq.len; i++) {
		const struct ir_node *vol = vols->seq.items[i];
		const struct ir_node *cm = ir_map_getc(vol, "configMap");
		const struct ir_node *sc = ir_map_getc(vol, "secret");
		const struct ir_node *pvc = ir_map_getc(vol, "persistentVolumeClaim");
		snprintf(path, sizeof path, "volumes/%u/configMap/name", i);
		if (cm && !optional(cm))
			need(r, REF_CONFIGMAP, "ConfigMap", ir_map_getc(cm, "name"), path);
		snprintf(path, sizeof path, "volumes/%u/secret/secretName", i);
		if (sc && !optional(sc))
			need(r, REF_SECRET, "Secret", ir_map_getc(sc, "secretName"), path);
		snprintf(path, sizeof path, "volumes/%u/persistentVolumeClaim/claimName", i);
		if (pvc)
			need(r, REF_PVC, "PersistentVolumeClaim", ir_map_getc(pvc, "claimName"), path);
		const struct ir_node *src = ir_path(vol, "projected/sources");
		for (uint32_t j = 0; ir_is_seq(src) && j < src->seq.len; j++) {
			const struct ir_node *pc = ir_map_getc(src->seq.items[j], "configMap");
			const struct ir_node *ps = ir_map_getc(src->seq.items[j], "secret");
			snprintf(path, sizeof path, "volumes/%u/projected/sources/%u/configMap/name", i, j);
			if (pc && !optional(pc))
				need(r, REF_CONFIGMAP, "ConfigMap", ir_map_getc(pc, "name"), path);
			snprintf(path, sizeof path, "volumes/%u/projected/sources/%u/secret/name", i, j);
			if (ps && !optional(ps))
				need(r, REF_SECRET, "Secret", ir_map_getc(ps, "name"), path);
		}
	}
	container_refs(r, ir_map_getc(spec, "initContainers"), "initContainers");
	container_refs(r, ir_map_getc(spec, "containers"), "containers");
	const struct ir_node *ips = ir_map_getc(spec, "imagePullSecrets");
	for (uint32_t i = 0; ir_is_seq(ips) && i < ips->seq.len; i++) {
		snprintf(path, sizeof path, "imagePullSecrets/%u/name", i);
		need(r, REF_SECRET, "Secret", ir_map_getc(ips->seq.items[i], "name"), path);
	}
	const struct ir_node *sa = ir_map_getc(spec, "serviceAccountName");
	const char *sa_path = "serviceAccountName";
	if (!ir_is_str(sa) || !sa->s.text->len) {
		sa = ir_map_getc(spec, "serviceAccount");
		sa_path = "serviceAccount";
	}
	if (ir_is_str(sa) && strcmp(sa->s.text->s, "default"))
		need(r, REF_SERVICEACCOUNT, "ServiceAccount", sa, sa_path);
}

/* Does some workload of namespace ns label its pods with all of sel? */
static bool selected(const struct validate_records *recs, const char *ns,
	const struct ir_node *sel)
{
	for (size_t i = 0; i < recs->len; i++) {
		const struct validate_record *x = &recs->items[i];
		const struct ir_node *labels = validate_pod_labels(x->body);
		if (!ir_is_map(labels))
			continue;
		const char *xns = x->ns ? x->ns : "";
		if (*ns && *xns && strcmp(ns, xns))
			continue;
		bool all = true;
		for (uint32_t k = 0; k < sel->map.len && all; k++) {
			const struct ir_node *want = sel->map.items[k].value;
			const struct ir_node *have = ir_map_get(labels, sel->map.items[k].key->s.text);
			all = have && ir_is_scalar(want) && ir_is_scalar(have) &&
				str_eq(have->s.text, want->s.text);
		}
		if (all)
			return true;
	}
	return false;
}

static void template_refs(struct refctx *r, const struct ir_node *list, const char *path)
{
	char p[200];
	for (uint32_t i = 0; ir_is_seq(list) && i < list->seq.len; i++) {
		const struct ir_node *t = list->seq.items[i];
		const struct ir_node *cs = ir_map_getc(t, "clusterScope");
		bool cluster = cs && cs->type == IR_BOOL && cs->s.v.b;
		snprintf(p, sizeof p, "%s/%u/templateName", path, i);
		const char *saved = r->ns;
		if (cluster)
			r->ns = "";
		need(r, REF_ANALYSISTEMPLATE, cluster ? "ClusterAnalysisTemplate" : "AnalysisTemplate",
			ir_map_getc(t, "templateName"), p);
		r->ns = saved;
	}
}

static void rollout_refs(struct refctx *r, const struct ir_node *body)
{
	const struct ir_node *canary = ir_path(body, "spec/strategy/canary");
	const struct ir_node *bg = ir_path(body, "spec/strategy/blueGreen");
	template_refs(r, ir_path(canary, "analysis/templates"), "spec/strategy/canary/analysis/templates");
	const struct ir_node *steps = ir_map_getc(canary, "steps");
	char p[200];
	for (uint32_t i = 0; ir_is_seq(steps) && i < steps->seq.len; i++) {
		snprintf(p, sizeof p, "spec/strategy/canary/steps/%u/analysis/templates", i);
		template_refs(r, ir_path(steps->seq.items[i], "analysis/templates"), p);
	}
	template_refs(r, ir_path(bg, "prePromotionAnalysis/templates"),
		"spec/strategy/blueGreen/prePromotionAnalysis/templates");
	template_refs(r, ir_path(bg, "postPromotionAnalysis/templates"),
		"spec/strategy/blueGreen/postPromotionAnalysis/templates");
	need(r, REF_SERVICE, "Service", ir_map_getc(canary, "canaryService"),
		"spec/strategy/canary/canaryService");
	need(r, REF_SERVICE, "Service", ir_map_getc(canary, "stableService"),
		"spec/strategy/canary/stableService");
	need(r, REF_SERVICE, "Service", ir_map_getc(bg, "activeService"),
		"spec/strategy/blueGreen/activeService");
	need(r, REF_SERVICE, "Service", ir_map_getc(bg, "previewService"),
		"spec/strategy/blueGreen/previewService");
	const struct ir_node *wr = ir_path(body, "spec/workloadRef");
	const char *wk = ir_path_cstr(wr, "kind");
	if (wk)
		need(r, REF_WORKLOAD, wk, ir_map_getc(wr, "name"), "spec/workloadRef/name");
}

void validate_refs(struct mc_ctx *ctx, const struct validate_policy *p,
	struct validate_records *recs)
{
	if (p->refs == POLICY_OFF)
		return;
	struct refidx idx = { { 0 }, &ctx->arena };
	struct sbuf k = SBUF_INIT;
	for (size_t i = 0; i < recs->len; i++) {
		const struct validate_record *x = &recs->items[i];
		if (!x->kind || !x->name || !ir_is_map(x->body))
			continue;
		key3(&k, x->kind, x->ns, x->name);
		schema_map_put(&ctx->arena, &idx.set, k.buf, k.len, x);
	}
	sbuf_release(&k);
	struct validate_opts o = { 0 };
	for (size_t i = 0; i < recs->len; i++) {
		struct validate_record *x = &recs->items[i];
		const struct ir_node *body = x->body;
		if (!ir_is_map(body) || !x->kind || x->status == VALIDATE_ERROR)
			continue;
		size_t from = ctx->diag.len;
		char prefix[32] = "";
		if (x->item >= 0)
			snprintf(prefix, sizeof prefix, "/items/%d", x->item);
		struct vstate v;
		vs_init(&v, ctx, &o, prefix);
		struct refctx r = { &v, p, &idx, x->ns ? x->ns : "" };
		const char *ptr;
		const struct ir_node *spec = validate_pod_spec(body, &ptr);
		if (spec) {
			sbuf_adds(&v.ptr, ptr);
			pod_refs(&r, spec);
			sbuf_truncate(&v.ptr, strlen(prefix));
		}
		const char *api = x->api_version ? x->api_version : "";
		if (!strcmp(x->kind, "Service") && !strcmp(api, "v1")) {
			const struct ir_node *sel = ir_path(body, "spec/selector");
			const char *type = ir_path_cstr(body, "spec/type");
			if (ir_is_map(sel) && sel->map.len && !(type && !strcmp(type, "ExternalName")) &&
			    !selected(recs, r.ns, sel) && !external(p, REF_WORKLOAD, r.ns, x->name)) {
				size_t m = vs_push(&v, "spec", 4);
				size_t m2 = vs_push(&v, "selector", 8);
				vs_report(&v, sel, p->refs == POLICY_ERROR ? DIAG_ERROR : DIAG_WARNING,
					"ref/selector", "the selector of Service \"%s\" matches no workload of "
					"this environment", x->name);
				vs_pop(&v, m2);
				vs_pop(&v, m);
			}
		} else if (!strcmp(x->kind, "Rollout") && !strncmp(api, "argoproj.io/", 12)) {
			rollout_refs(&r, body);
		} else if (!strcmp(x->kind, "HorizontalPodAutoscaler") && !strncmp(api, "autoscaling/", 12)) {
			const struct ir_node *t = ir_path(body, "spec/scaleTargetRef");
			const char *tk = ir_path_cstr(t, "kind");
			if (tk)
				need(&r, REF_WORKLOAD, tk, ir_map_getc(t, "name"), "spec/scaleTargetRef/name");
		}
		vs_release(&v);
		validate_record_take(ctx, x, from);
	}
	schema_map_free(&idx.set);
}
