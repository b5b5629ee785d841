/*
 * kust_openapi.c - the schemas strategic merge consults, and the
 * `openapi:` field that replaces them.
 *
 * kustomize keeps one OpenAPI schema per build (a process global): the
 * first kustomization that names one, the top first and then the others in
 * the order they are loaded, sets it for the rest of the build.  Without
 * one, kustomize uses its builtin Kubernetes schema (v1.21.2); we use the
 * embedded Kubernetes schemas (mc/schema.h), reading the API versions that
 * 1.21 still served (batch/v1beta1 CronJob...) through their successors.
 * `openapi: {version: v1.21.2}` names that same builtin schema; a custom
 * document (`openapi: {path: ...}`) replaces it entirely, so kinds it does
 * not describe have no schema and their lists are replaced, as in
 * kustomize (its references to Kubernetes definitions it does not define
 * still resolve to the builtin ones).
 *
 * A schema answers kyaml's questions: Field() (a property, else
 * additionalProperties), Elements() (items of an array type only) and the
 * patch strategy and merge keys (x-kubernetes-list-map-keys when given,
 * else x-kubernetes-patch-merge-key).
 */
#include <string.h>

#include "mc/passes.h"
#include "mc/schema.h"

struct kust_openapi {
	struct kust_schemas ss;
	struct schema_set *custom; /* NULL: the builtin schemas */
	bool set;                  /* a kustomization chose (version or path) */
	/* kustomize's global schema had loaded (or flagged for loading) the
	 * builtin definitions before a custom document came: it then holds
	 * both, and kinds the document does not declare keep their schema. */
	bool builtin_touched;
	bool with_builtin;
	/* The kinds the custom document declares: only they have a schema. */
	VEC(const struct str *) gvks; /* "group/version/kind" */
};

/* API versions kustomize's v1.21.2 schema knows that v1.32 no longer
 * serves, read as the version that replaced them. */
static const char *const successors[][3] = {
	{ "batch", "v1beta1", "v1" },
	{ "policy", "v1beta1", "v1" },
	{ "extensions", "v1beta1", NULL },
	{ "networking.k8s.io", "v1beta1", "v1" },
	{ "autoscaling", "v2beta1", "v2" },
	{ "autoscaling", "v2beta2", "v2" },
	{ "discovery.k8s.io", "v1beta1", "v1" },
	{ "events.k8s.io", "v1beta1", "v1" },
	{ "rbac.authorization.k8s.io", "v1beta1", "v1" },
	{ "scheduling.k8s.io", "v1beta1", "v1" },
	{ "storage.k8s.io", "v1beta1", "v1" },
	{ "admissionregistration.k8s.io", "v1beta1", "v1" },
	{ "apiextensions.k8s.io", "v1beta1", "v1" },
	{ "apiregistration.k8s.io", "v1beta1", "v1" },
	{ "certificates.k8s.io", "v1beta1", "v1" },
	{ "coordination.k8s.io", "v1beta1", "v1" },
	{ "node.k8s.io", "v1beta1", "v1" },
};

/* The (apiVersion, kind) pairs whose scope kyaml knows without loading a
 * schema (its precomputed table, from Kubernetes v1.21.2): asking about
 * any other kind flags the builtin schema for loading. */
static const char *const kyaml_known_types[] = {
	"admissionregistration.k8s.io/v1 MutatingWebhookConfiguration "
		"ValidatingWebhookConfiguration",
	"admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration "
		"ValidatingWebhookConfiguration",
	"apiextensions.k8s.io/v1 CustomResourceDefinition",
	"apiextensions.k8s.io/v1beta1 CustomResourceDefinition",
	"apiregistration.k8s.io/v1 APIService",
	"apiregistration.k8s.io/v1beta1 APIService",
	"apps/v1 ControllerRevision DaemonSet Deployment ReplicaSet StatefulSet",
	"autoscaling/v1 HorizontalPodAutoscaler Scale",
	"autoscaling/v2beta1 HorizontalPodAutoscaler",
	"autoscaling/v2beta2 HorizontalPodAutoscaler",
	"batch/v1 CronJob Job",
	"batch/v1beta1 CronJob",
	"certificates.k8s.io/v1 CertificateSigningRequest",
	"certificates.k8s.io/v1beta1 CertificateSigningRequest",
	"coordination.k8s.io/v1 Lease",
	"coordination.k8s.io/v1beta1 Lease",
	"discovery.k8s.io/v1 EndpointSlice",
	"discovery.k8s.io/v1beta1 EndpointSlice",
	"events.k8s.io/v1 Event",
	"events.k8s.io/v1beta1 Event",
	"extensions/v1beta1 Ingress",
	"flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema PriorityLevelConfiguration",
	"networking.k8s.io/v1 Ingress IngressClass NetworkPolicy",
	"networking.k8s.io/v1beta1 Ingress IngressClass",
	"node.k8s.io/v1 RuntimeClass",
	"node.k8s.io/v1beta1 RuntimeClass",
	"policy/v1 PodDisruptionBudget",
	"policy/v1beta1 PodDisruptionBudget PodSecurityPolicy",
	"rbac.authorization.k8s.io/v1 ClusterRole ClusterRoleBinding Role RoleBinding",
	"rbac.authorization.k8s.io/v1beta1 ClusterRole ClusterRoleBinding Role RoleBinding",
	"scheduling.k8s.io/v1 PriorityClass",
	"scheduling.k8s.io/v1beta1 PriorityClass",
	"storage.k8s.io/v1 CSIDriver CSINode StorageClass VolumeAttachment",
	"storage.k8s.io/v1beta1 CSIDriver CSINode CSIStorageCapacity StorageClass VolumeAttachment",
	"v1 ComponentStatus ConfigMap Endpoints Event LimitRange Namespace Node "
		"NodeProxyOptions PersistentVolume PersistentVolumeClaim Pod PodAttachOptions "
		"PodExecOptions PodPortForwardOptions PodProxyOptions PodTemplate "
		"ReplicationController ResourceQuota Secret Service ServiceAccount "
		"ServiceProxyOptions",
};

static bool kyaml_known(const struct str *api, const struct str *kind)
{
	for (size_t i = 0; i < sizeof kyaml_known_types / sizeof *kyaml_known_types; i++) {
		const char *row = kyaml_known_types[i];
		const char *sp = strchr(row, ' ');
		if ((size_t)(sp - row) != api->len || memcmp(row, api->s, api->len))
			continue;
		for (const char *k = sp + 1; *k;) {
			const char *e = strchr(k, ' ');
			size_t kl = e ? (size_t)(e - k) : strlen(k);
			if (kl == kind->len && !memcmp(k, kind->s, kl))
				return true;
			k += kl + (e ? 1 : 0);
		}
		return false;
	}
	return false;
}

static const struct kust_schema *type_of(const struct kust_schemas *ss, const struct str *av,
	const struct str *kind)
{
	const struct kust_openapi *o = ss->data;
	const char *slash = memchr(av->s, '/', av->len);
	char group[256], version[128];
	size_t gl = slash ? (size_t)(slash - av->s) : 0;
	const char *v = slash ? slash + 1 : av->s;
	size_t vl = av->len - (slash ? gl + 1 : 0);
	if (gl >= sizeof group || vl >= sizeof version)
		return NULL;
	memcpy(group, av->s, gl);
	group[gl] = 0;
	memcpy(version, v, vl);
	version[vl] = 0;
	const struct schema_set *set = o->custom ? o->custom : schema_builtin();
	if (o->custom && !o->with_builtin) {
		bool declared = false;
		for (size_t i = 0; i < o->gvks.len && !declared; i++) {
			const struct str *g = o->gvks.items[i];
			declared = g->len == gl + vl + kind->len + 2 && !memcmp(g->s, group, gl) &&
				g->s[gl] == '/' && !memcmp(g->s + gl + 1, version, vl) &&
				g->s[gl + 1 + vl] == '/' && !memcmp(g->s + gl + vl + 2, kind->s, kind->len);
		}
		if (!declared)
			return NULL;
	}
	const struct schema *s = schema_lookup(set, group, version, kind->s);
	if (!s && (!o->custom || o->with_builtin)) {
		for (size_t i = 0; i < sizeof successors / sizeof *successors; i++) {
			if (strcmp(group, successors[i][0]) || strcmp(version, successors[i][1]))
				continue;
			if (successors[i][2])
				s = schema_lookup(set, group, successors[i][2], kind->s);
			else if (!strcmp(kind->s, "Ingress"))
				s = schema_lookup(set, "networking.k8s.io", "v1", kind->s);
			break;
		}
	}
	return (const struct kust_schema *)s;
}

static const struct kust_schema *field_of(const struct kust_schemas *ss,
	const struct kust_schema *s, const struct str *key)
{
	(void)ss;
	return (const struct kust_schema *)schema_child((const struct schema *)s, key->s, key->len);
}

static const struct kust_schema *items_of(const struct kust_schemas *ss,
	const struct kust_schema *s)
{
	(void)ss;
	const struct schema *x = (const struct schema *)s;
	if (!x || x->types != SCHEMA_T_ARRAY)
		return NULL;
	return (const struct kust_schema *)schema_items(x);
}

static bool merge_of(const struct kust_schemas *ss, const struct kust_schema *s,
	const char *const **keys, size_t *nkeys)
{
	(void)ss;
	const struct schema *x = (const struct schema *)s;
	unsigned strategy = schema_patch_strategy(x);
	if (keys) {
		*nkeys = 0;
		*keys = NULL;
		if (strategy) {
			*keys = schema_list_map_keys(x, nkeys);
			if (!*nkeys && schema_patch_merge_key(x)) {
				*keys = &x->more->patch_merge_key;
				*nkeys = 1;
			}
		}
	}
	return strategy & SCHEMA_PATCH_MERGE;
}

static struct kust_openapi builtin_state = {
	.ss = { type_of, field_of, items_of, merge_of, &builtin_state },
};

static struct kust_openapi *state_of(struct mc_ctx *ctx, struct kust *k)
{
	struct kust *top = k->top ? k->top : k;
	if (!top->openapi) {
		struct kust_openapi *o = arena_calloc(&ctx->arena, 1, sizeof *o);
		o->ss = builtin_state.ss;
		o->ss.data = o;
		top->openapi = o;
	}
	return top->openapi;
}

const struct kust_schemas *kust_schemas_current(struct mc_ctx *ctx, struct kust *k)
{
	if (!k)
		return &builtin_state.ss;
	struct kust_openapi *o = state_of(ctx, k);
	/* A strategic merge with the builtin schema loads it for good. */
	if (!o->custom)
		o->builtin_touched = true;
	return &o->ss;
}

void kust_openapi_note_id(struct mc_ctx *ctx, struct kust *k, const struct ir_resid *id)
{
	/* kyaml asks whether a kind is cluster-scoped for every id it makes;
	 * a kind its builtin table does not list flags the builtin schema for
	 * loading with whatever schema comes next. */
	struct kust *top = k->top ? k->top : k;
	if (top->openapi && (top->openapi->builtin_touched || top->openapi->custom))
		return;
	const struct str *api = id->group->len
		? str_printf(&ctx->strs, "%s/%s", id->group->s, id->version->s) : id->version;
	if (kyaml_known(api, id->kind))
		return;
	state_of(ctx, k)->builtin_touched = true;
}

/* The `openapi:` field: the first kustomization that sets it wins. */
int kust_pass_openapi(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	const struct ir_node *f = ir_map_getc(k->doc, "openapi");
	if (!ir_is_map(f) || !f->map.len)
		return 0;
	struct kust *top = k->top ? k->top : k;
	if (top->openapi && top->openapi->set)
		return 0;
	const struct ir_pair *path = ir_map_find(f, mc_intern0(ctx, "path"));
	const struct ir_pair *version = ir_map_find(f, mc_intern0(ctx, "version"));
	const struct srcfile *file = NULL;
	if (path) {
		const char *rel = ir_cstr(path->value);
		file = kust_load_file(ctx, k, rel ? rel : "", &path->value->pos);
		if (!file)
			return 1;
	}
	struct kust_openapi *o = state_of(ctx, k);
	if (file) {
		if (version)
			return diag_error(&ctx->diag, &version->key->pos,
				"builtin version and custom schema provided, cannot use both");
		struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK };
		struct ir_node *doc;
		if (yaml_load_one(ctx, file, &yo, &doc))
			return 1;
		if (!ir_is_map(doc))
			return diag_error(&ctx->diag, &path->value->pos,
				"invalid schema file: %s is not an OpenAPI document", file->path);
		/* References the document does not define resolve to the builtin
		 * definitions (kustomize's global schema holds both once the
		 * builtin one has been loaded). */
		o->custom = schema_set_new(schema_builtin());
		o->set = true;
		/* The top sets its schema before anything is read; a base or a
		 * component sets it in the middle of the build. */
		o->with_builtin = k != top && o->builtin_touched;
		const struct ir_node *defs = ir_map_getc(doc, "definitions");
		for (uint32_t i = 0; ir_is_map(defs) && i < defs->map.len; i++) {
			const struct ir_node *gvk = ir_map_getc(defs->map.items[i].value,
				"x-kubernetes-group-version-kind");
			for (uint32_t j = 0; ir_is_seq(gvk) && j < gvk->seq.len; j++) {
				const struct ir_node *e = gvk->seq.items[j];
				const char *g = ir_path_cstr(e, "group"), *v = ir_path_cstr(e, "version"),
					*kd = ir_path_cstr(e, "kind");
				if (v && kd)
					VEC_PUSH(&ctx->arena, &o->gvks, str_printf(&ctx->strs, "%s/%s/%s",
						g ? g : "", v, kd));
			}
		}
		return schema_set_add_openapi(o->custom, ctx, doc);
	}
	const char *v = version ? ir_cstr(version->value) : NULL;
	if (!v || !*v)
		return 0;
	if (strcmp(v, "v1.21.2"))
		return diag_error(&ctx->diag, &version->value->pos,
			"the specified OpenAPI version is not built in");
	o->set = true;
	return 0;
}

void kust_openapi_release(struct kust *top)
{
	if (top && top->openapi && top->openapi->custom) {
		schema_set_free(top->openapi->custom);
		top->openapi->custom = NULL;
	}
}
