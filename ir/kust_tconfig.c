/*
 * kust_tconfig.c - kustomize's transformer configuration.
 *
 * Which fields each builtin transformer touches is data, not code: lists
 * of field specs per transformer plus, for name references, the fields that
 * name a ConfigMap, a Secret, a Service and so on.  The builtin lists below
 * are kustomize v5.5.0's (builtinpluginconsts); `configurations:` files and
 * CRDs extend them, and the lists are merged up the tree of kustomizations
 * as kustomize's TransformerConfig.Merge does (no duplicates, a differing
 * `create` flag is a conflict, then a stable sort by GVK).
 *
 * The pod-spec fields that name ConfigMaps, Secrets, ServiceAccounts... are
 * the same under every workload kind, only the prefix differs, so they are
 * generated from one list per referral kind.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/passes.h"

struct fsdef {
	const char *group, *version, *kind, *path;
	bool create;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct fsdef prefix_defs[] = { { 0, 0, 0, "metadata/name", false } };

static const struct fsdef common_label_defs[] = {
	{ 0, "v1", "Service", "spec/selector", true },
	{ 0, "v1", "ReplicationController", "spec/selector", true },
	{ 0, 0, "Deployment", "spec/selector/matchLabels", true },
	{ "apps", 0, "Deployment", "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false },
	{ "apps", 0, "Deployment", "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false },
	{ "apps", 0, "Deployment", "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false },
	{ "apps", 0, "Deployment", "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false },
	{ "apps", 0, "Deployment", "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", false },
	{ 0, 0, "ReplicaSet", "spec/selector/matchLabels", true },
	{ 0, 0, "DaemonSet", "spec/selector/matchLabels", true },
	{ "apps", 0, "StatefulSet", "spec/selector/matchLabels", true },
	{ "apps", 0, "StatefulSet", "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false },
	{ "apps", 0, "StatefulSet", "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false },
	{ "apps", 0, "StatefulSet", "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false },
	{ "apps", 0, "StatefulSet", "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false },
	{ "apps", 0, "StatefulSet", "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", false },
	{ "batch", 0, "Job", "spec/selector/matchLabels", false },
	{ "batch", 0, "CronJob", "spec/jobTemplate/spec/selector/matchLabels", false },
	{ "policy", 0, "PodDisruptionBudget", "spec/selector/matchLabels", false },
	{ "networking.k8s.io", 0, "NetworkPolicy", "spec/podSelector/matchLabels", false },
	{ "networking.k8s.io", 0, "NetworkPolicy", "spec/ingress/from/podSelector/matchLabels", false },
	{ "networking.k8s.io", 0, "NetworkPolicy", "spec/egress/to/podSelector/matchLabels", false },
};

/* metadataLabelsFieldSpecs: part of commonLabels and all of templateLabels. */
static const struct fsdef metadata_label_defs[] = {
	{ 0, 0, 0, "metadata/labels", true },
	{ 0, "v1", "ReplicationController", "spec/template/metadata/labels", true },
	{ 0, 0, "Deployment", "spec/template/metadata/labels", true },
	{ 0, 0, "ReplicaSet", "spec/template/metadata/labels", true },
	{ 0, 0, "DaemonSet", "spec/template/metadata/labels", true },
	{ "apps", 0, "StatefulSet", "spec/template/metadata/labels", true },
	{ "apps", 0, "StatefulSet", "spec/volumeClaimTemplates[]/metadata/labels", true },
	{ "batch", 0, "Job", "spec/template/metadata/labels", true },
	{ "batch", 0, "CronJob", "spec/jobTemplate/metadata/labels", true },
	{ "batch", 0, "CronJob", "spec/jobTemplate/spec/template/metadata/labels", true },
};

static const struct fsdef common_annotation_defs[] = {
	{ 0, 0, 0, "metadata/annotations", true },
	{ 0, "v1", "ReplicationController", "spec/template/metadata/annotations", true },
	{ 0, 0, "Deployment", "spec/template/metadata/annotations", true },
	{ 0, 0, "ReplicaSet", "spec/template/metadata/annotations", true },
	{ 0, 0, "DaemonSet", "spec/template/metadata/annotations", true },
	{ 0, 0, "StatefulSet", "spec/template/metadata/annotations", true },
	{ "batch", 0, "Job", "spec/template/metadata/annotations", true },
	{ "batch", 0, "CronJob", "spec/jobTemplate/metadata/annotations", true },
	{ "batch", 0, "CronJob", "spec/jobTemplate/spec/template/metadata/annotations", true },
};

static const struct fsdef namespace_defs[] = {
	{ 0, 0, "Namespace", "metadata/name", true },
	{ "apiregistration.k8s.io", 0, "APIService", "spec/service/namespace", true },
	{ "apiextensions.k8s.io", 0, "CustomResourceDefinition",
	  "spec/conversion/webhook/clientConfig/service/namespace", false },
};

static const struct fsdef image_defs[] = {
	{ 0, 0, 0, "spec/containers[]/image", true },
	{ 0, 0, 0, "spec/initContainers[]/image", true },
	{ 0, 0, 0, "spec/template/spec/containers[]/image", true },
	{ 0, 0, 0, "spec/template/spec/initContainers[]/image", true },
};

static const struct fsdef replica_defs[] = {
	{ 0, 0, "Deployment", "spec/replicas", true },
	{ 0, 0, "ReplicationController", "spec/replicas", true },
	{ 0, 0, "ReplicaSet", "spec/replicas", true },
	{ 0, 0, "StatefulSet", "spec/replicas", true },
};

/* varReference: container fields per workload, plus a few others. */
static const char *const var_container_fields[] = {
	"containers/args", "containers/command", "containers/env/value",
	"containers/volumeMounts/mountPath", "initContainers/args", "initContainers/command",
	"initContainers/env/value", "initContainers/volumeMounts/mountPath",
};
static const struct { const char *kind, *podspec, *nfs; } var_workloads[] = {
	{ "CronJob", "spec/jobTemplate/spec/template/spec/", "spec/jobTemplate/spec/template/volumes/nfs/server" },
	{ "DaemonSet", "spec/template/spec/", "spec/template/spec/volumes/nfs/server" },
	{ "Deployment", "spec/template/spec/", "spec/template/spec/volumes/nfs/server" },
	{ "Job", "spec/template/spec/", "spec/template/spec/volumes/nfs/server" },
	{ "Pod", "spec/", "spec/volumes/nfs/server" },
	{ "ReplicaSet", "spec/template/spec/", "spec/template/spec/volumes/nfs/server" },
	{ "StatefulSet", "spec/template/spec/", "spec/volumeClaimTemplates/spec/nfs/server" },
};
static const struct fsdef var_other_defs[] = {
	{ 0, 0, "Deployment", "spec/template/metadata/annotations", false },
	{ 0, 0, "Ingress", "spec/rules/host", false },
	{ 0, 0, "Ingress", "spec/tls/hosts", false },
	{ 0, 0, "Ingress", "spec/tls/secretName", false },
	{ 0, 0, "Service", "spec/ports/port", false },
	{ 0, 0, "Service", "spec/ports/targetPort", false },
	{ 0, 0, "PersistentVolume", "spec/nfs/server", false },
	{ 0, 0, 0, "metadata/labels", false },
	{ 0, 0, 0, "metadata/annotations", false },
};

/* Where a pod spec sits in each workload kind (name references). */
struct podspec_at {
	const char *version, *kind, *prefix;
};
static const struct podspec_at pod_workloads[] = {
	{ "v1", "Pod", "spec/" },
	{ 0, "PodTemplate", "template/spec/" },
	{ 0, "Deployment", "spec/template/spec/" },
	{ 0, "ReplicaSet", "spec/template/spec/" },
	{ 0, "DaemonSet", "spec/template/spec/" },
	{ 0, "StatefulSet", "spec/template/spec/" },
	{ 0, "Job", "spec/template/spec/" },
	{ 0, "CronJob", "spec/jobTemplate/spec/template/spec/" },
};
static const char *const configmap_podfields[] = {
	"volumes/configMap/name", "containers/env/valueFrom/configMapKeyRef/name",
	"initContainers/env/valueFrom/configMapKeyRef/name", "containers/envFrom/configMapRef/name",
	"initContainers/envFrom/configMapRef/name", "volumes/projected/sources/configMap/name",
};
static const char *const secret_podfields[] = {
	"volumes/secret/secretName", "containers/env/valueFrom/secretKeyRef/name",
	"initContainers/env/valueFrom/secretKeyRef/name", "containers/envFrom/secretRef/name",
	"initContainers/envFrom/secretRef/name", "imagePullSecrets/name",
	"volumes/projected/sources/secret/name",
};
static const struct fsdef configmap_other[] = {
	{ 0, 0, "Node", "spec/configSource/configMap", false },
	{ 0, 0, "Role", "rules/resourceNames", false },
	{ 0, 0, "ClusterRole", "rules/resourceNames", false },
	{ 0, 0, "Ingress", "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap", false },
};
static const struct fsdef secret_other[] = {
	{ 0, 0, "Ingress", "spec/tls/secretName", false },
	{ 0, 0, "Ingress", "metadata/annotations/ingress.kubernetes.io\\/auth-secret", false },
	{ 0, 0, "Ingress", "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret", false },
	{ 0, 0, "Ingress", "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret", false },
	{ 0, 0, "ServiceAccount", "imagePullSecrets/name", false },
	{ 0, 0, "StorageClass", "parameters/secretName", false },
	{ 0, 0, "StorageClass", "parameters/adminSecretName", false },
	{ 0, 0, "StorageClass", "parameters/userSecretName", false },
	{ 0, 0, "StorageClass", "parameters/secretRef", false },
	{ 0, 0, "Role", "rules/resourceNames", false },
	{ 0, 0, "ClusterRole", "rules/resourceNames", false },
	{ "serving.knative.dev", "v1", "Service", "spec/template/spec/containers/env/valueFrom/secretKeyRef/name", false },
	{ 0, 0, "PersistentVolume", "spec/azureFile/secretName", false },
};
static const struct fsdef service_refs[] = {
	{ "apps", 0, "StatefulSet", "spec/serviceName", false },
	{ 0, 0, "Ingress", "spec/rules/http/paths/backend/serviceName", false },
	{ 0, 0, "Ingress", "spec/backend/serviceName", false },
	{ 0, 0, "Ingress", "spec/rules/http/paths/backend/service/name", false },
	{ 0, 0, "Ingress", "spec/defaultBackend/service/name", false },
	{ "apiregistration.k8s.io", 0, "APIService", "spec/service/name", false },
	{ "admissionregistration.k8s.io", 0, "ValidatingWebhookConfiguration", "webhooks/clientConfig/service", false },
	{ "admissionregistration.k8s.io", 0, "MutatingWebhookConfiguration", "webhooks/clientConfig/service", false },
};
static const struct fsdef role_refs[] = {
	{ "rbac.authorization.k8s.io", 0, "RoleBinding", "roleRef/name", false },
};
static const struct fsdef clusterrole_refs[] = {
	{ "rbac.authorization.k8s.io", 0, "RoleBinding", "roleRef/name", false },
	{ "rbac.authorization.k8s.io", 0, "ClusterRoleBinding", "roleRef/name", false },
};
static const struct fsdef serviceaccount_refs[] = {
	{ "rbac.authorization.k8s.io", 0, "RoleBinding", "subjects", false },
	{ "rbac.authorization.k8s.io", 0, "ClusterRoleBinding", "subjects", false },
	{ 0, 0, "Pod", "spec/serviceAccountName", false },
	{ 0, 0, "StatefulSet", "spec/template/spec/serviceAccountName", false },
	{ 0, 0, "Deployment", "spec/template/spec/serviceAccountName", false },
	{ 0, 0, "ReplicationController", "spec/template/spec/serviceAccountName", false },
	{ 0, 0, "CronJob", "spec/jobTemplate/spec/template/spec/serviceAccountName", false },
	{ 0, 0, "Job", "spec/template/spec/serviceAccountName", false },
	{ 0, 0, "DaemonSet", "spec/template/spec/serviceAccountName", false },
};
static const struct fsdef pvc_refs[] = {
	{ 0, 0, "Pod", "spec/volumes/persistentVolumeClaim/claimName", false },
	{ 0, 0, "StatefulSet", "spec/template/spec/volumes/persistentVolumeClaim/claimName", false },
	{ 0, 0, "Deployment", "spec/template/spec/volumes/persistentVolumeClaim/claimName", false },
	{ 0, 0, "ReplicationController", "spec/template/spec/volumes/persistentVolumeClaim/claimName", false },
	{ 0, 0, "CronJob", "spec/jobTemplate/spec/template/spec/volumes/persistentVolumeClaim/claimName", false },
	{ 0, 0, "Job", "spec/template/spec/volumes/persistentVolumeClaim/claimName", false },
	{ 0, 0, "DaemonSet", "spec/template/spec/volumes/persistentVolumeClaim/claimName", false },
};
static const struct fsdef pv_refs[] = {
	{ 0, 0, "PersistentVolumeClaim", "spec/volumeName", false },
	{ 0, 0, "ClusterRole", "rules/resourceNames", false },
};
static const struct fsdef storageclass_refs[] = {
	{ 0, 0, "PersistentVolume", "spec/storageClassName", false },
	{ 0, 0, "PersistentVolumeClaim", "spec/storageClassName", false },
	{ 0, 0, "StatefulSet", "spec/volumeClaimTemplates/spec/storageClassName", false },
};
static const struct fsdef priorityclass_refs[] = {
	{ 0, 0, "Pod", "spec/priorityClassName", false },
	{ 0, 0, "StatefulSet", "spec/template/spec/priorityClassName", false },
	{ 0, 0, "Deployment", "spec/template/spec/priorityClassName", false },
	{ 0, 0, "ReplicationController", "spec/template/spec/priorityClassName", false },
	{ 0, 0, "CronJob", "spec/jobTemplate/spec/template/spec/priorityClassName", false },
	{ 0, 0, "Job", "spec/template/spec/priorityClassName", false },
	{ 0, 0, "DaemonSet", "spec/template/spec/priorityClassName", false },
};
static const struct fsdef ingressclass_refs[] = {
	{ 0, 0, "Ingress", "spec/ingressClassName", false },
};
static const struct fsdef vap_refs[] = {
	{ "admissionregistration.k8s.io", 0, "ValidatingAdmissionPolicyBinding", "spec/policyName", false },
};
static const struct fsdef scale_refs[] = {
	{ 0, 0, "HorizontalPodAutoscaler", "spec/scaleTargetRef/name", false },
};

static void add_defs(struct mc_ctx *ctx, struct kust_fslist *l, const struct fsdef *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct kust_fs fs;
		kust_fs_init(ctx, &fs, d[i].group, d[i].version, d[i].kind, d[i].path, d[i].create);
		VEC_PUSH(&ctx->arena, l, fs);
	}
}

static struct kust_nameref *add_nameref(struct mc_ctx *ctx, struct kust_tconfig *tc,
	const char *group, const char *version, const char *kind)
{
	struct kust_nameref nr = { mc_intern0(ctx, group ? group : ""),
		mc_intern0(ctx, version ? version : ""), mc_intern0(ctx, kind), { 0 } };
	VEC_PUSH(&ctx->arena, &tc->nameref, nr);
	return &tc->nameref.items[tc->nameref.len - 1];
}

static void add_podfields(struct mc_ctx *ctx, struct kust_fslist *l, const char *const *fields,
	size_t n)
{
	for (size_t w = 0; w < N(pod_workloads); w++) {
		for (size_t i = 0; i < n; i++) {
			char *path = arena_printf(&ctx->arena, "%s%s", pod_workloads[w].prefix, fields[i]);
			struct kust_fs fs;
			kust_fs_init(ctx, &fs, NULL, pod_workloads[w].version, pod_workloads[w].kind,
				path, false);
			VEC_PUSH(&ctx->arena, l, fs);
		}
	}
}

static void sort_all(struct mc_ctx *ctx, struct kust_tconfig *tc);

static void build_default(struct mc_ctx *ctx, struct kust_tconfig *tc)
{
	memset(tc, 0, sizeof *tc);
	add_defs(ctx, &tc->fs[KUST_FS_PREFIX], prefix_defs, N(prefix_defs));
	add_defs(ctx, &tc->fs[KUST_FS_SUFFIX], prefix_defs, N(prefix_defs));
	add_defs(ctx, &tc->fs[KUST_FS_COMMON_LABELS], common_label_defs, N(common_label_defs));
	add_defs(ctx, &tc->fs[KUST_FS_COMMON_LABELS], metadata_label_defs, N(metadata_label_defs));
	add_defs(ctx, &tc->fs[KUST_FS_TEMPLATE_LABELS], metadata_label_defs, N(metadata_label_defs));
	add_defs(ctx, &tc->fs[KUST_FS_COMMON_ANNOTATIONS], common_annotation_defs,
		N(common_annotation_defs));
	add_defs(ctx, &tc->fs[KUST_FS_NAMESPACE], namespace_defs, N(namespace_defs));
	for (size_t w = 0; w < N(var_workloads); w++) {
		for (size_t i = 0; i < N(var_container_fields); i++) {
			char *path = arena_printf(&ctx->arena, "%s%s", var_workloads[w].podspec,
				var_container_fields[i]);
			struct kust_fs fs;
			kust_fs_init(ctx, &fs, NULL, NULL, var_workloads[w].kind, path, false);
			VEC_PUSH(&ctx->arena, &tc->fs[KUST_FS_VARREF], fs);
		}
		struct kust_fs fs;
		kust_fs_init(ctx, &fs, NULL, NULL, var_workloads[w].kind, var_workloads[w].nfs, false);
		VEC_PUSH(&ctx->arena, &tc->fs[KUST_FS_VARREF], fs);
	}
	add_defs(ctx, &tc->fs[KUST_FS_VARREF], var_other_defs, N(var_other_defs));
	add_defs(ctx, &tc->fs[KUST_FS_IMAGES], image_defs, N(image_defs));
	add_defs(ctx, &tc->fs[KUST_FS_REPLICAS], replica_defs, N(replica_defs));

	static const char *const scalable[] = { "Deployment", "ReplicationController",
		"ReplicaSet", "StatefulSet" };
	for (size_t i = 0; i < N(scalable); i++)
		add_defs(ctx, &add_nameref(ctx, tc, NULL, NULL, scalable[i])->referrers,
			scale_refs, N(scale_refs));
	struct kust_nameref *nr = add_nameref(ctx, tc, NULL, "v1", "ConfigMap");
	add_podfields(ctx, &nr->referrers, configmap_podfields, N(configmap_podfields));
	add_defs(ctx, &nr->referrers, configmap_other, N(configmap_other));
	nr = add_nameref(ctx, tc, NULL, "v1", "Secret");
	add_podfields(ctx, &nr->referrers, secret_podfields, N(secret_podfields));
	add_defs(ctx, &nr->referrers, secret_other, N(secret_other));
	add_defs(ctx, &add_nameref(ctx, tc, NULL, "v1", "Service")->referrers,
		service_refs, N(service_refs));
	add_defs(ctx, &add_nameref(ctx, tc, "rbac.authorization.k8s.io", NULL, "Role")->referrers,
		role_refs, N(role_refs));
	add_defs(ctx, &add_nameref(ctx, tc, "rbac.authorization.k8s.io", NULL, "ClusterRole")->referrers,
		clusterrole_refs, N(clusterrole_refs));
	add_defs(ctx, &add_nameref(ctx, tc, NULL, "v1", "ServiceAccount")->referrers,
		serviceaccount_refs, N(serviceaccount_refs));
	add_defs(ctx, &add_nameref(ctx, tc, NULL, "v1", "PersistentVolumeClaim")->referrers,
		pvc_refs, N(pvc_refs));
	add_defs(ctx, &add_nameref(ctx, tc, NULL, "v1", "PersistentVolume")->referrers,
		pv_refs, N(pv_refs));
	add_defs(ctx, &add_nameref(ctx, tc, "storage.k8s.io", "v1", "StorageClass")->referrers,
		storageclass_refs, N(storageclass_refs));
	add_defs(ctx, &add_nameref(ctx, tc, "scheduling.k8s.io", "v1", "PriorityClass")->referrers,
		priorityclass_refs, N(priorityclass_refs));
	/* kustomize writes this group as "networking.k8s.io/v1", which matches
	 * no real group: the entry never selects anything, but it is kept so
	 * that a configuration naming it merges the same way. */
	add_defs(ctx, &add_nameref(ctx, tc, "networking.k8s.io/v1", "v1", "IngressClass")->referrers,
		ingressclass_refs, N(ingressclass_refs));
	add_defs(ctx, &add_nameref(ctx, tc, "admissionregistration.k8s.io", NULL,
		"ValidatingAdmissionPolicy")->referrers, vap_refs, N(vap_refs));
	sort_all(ctx, tc);
}

/* ------------------------------------------------------------ sorting */

static const char *const order_first[] = {
	"Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition",
	"ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding",
	"ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange",
	"PriorityClass", "PersistentVolume", "PersistentVolumeClaim", "Deployment",
	"StatefulSet", "CronJob", "PodDisruptionBudget",
};
static const char *const order_last[] = {
	"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
};

static int kind_rank(const struct str *kind)
{
	for (size_t i = 0; i < N(order_first); i++)
		if (str_eqc(kind, order_first[i]))
			return -(int)N(order_first) + (int)i;
	for (size_t i = 0; i < N(order_last); i++)
		if (str_eqc(kind, order_last[i]))
			return 1 + (int)i;
	return 0;
}

/* Gvk.IsLessThan: kind rank, then "group_version_kind" with ~G/~V/~K. */
struct sortkey {
	int rank;
	const struct str *gvk;
	size_t at;
};

static struct sortkey make_key(struct mc_ctx *ctx, const struct str *g, const struct str *v,
	const struct str *k, size_t at)
{
	struct sortkey key = { kind_rank(k), str_printf(&ctx->strs, "%s_%s_%s",
		g->len ? g->s : "~G", v->len ? v->s : "~V", k->len ? k->s : "~K"), at };
	return key;
}

static int key_cmp(const void *pa, const void *pb)
{
	const struct sortkey *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return str_cmp(a->gvk, b->gvk);
}

/* A stable merge sort of keys (kustomize's sort is not stable, but the
 * order of equal-GVK specs never changes what they do). */
static void stable_sort(struct sortkey *a, size_t n)
{
	if (n < 2)
		return;
	struct sortkey *tmp = xmalloc(n * sizeof *tmp);
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = key_cmp(&a[j], &a[i]) < 0 ? a[j++] : a[i++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, n * sizeof *a);
	}
	free(tmp);
}

static void sort_fslist(struct mc_ctx *ctx, struct kust_fslist *l)
{
	if (l->len < 2)
		return;
	struct sortkey *keys = xmalloc(l->len * sizeof *keys);
	for (size_t i = 0; i < l->len; i++)
		keys[i] = make_key(ctx, l->items[i].group, l->items[i].version, l->items[i].kind, i);
	stable_sort(keys, l->len);
	struct kust_fs *items = arena_alloc(&ctx->arena, l->cap * sizeof *items);
	for (size_t i = 0; i < l->len; i++)
		items[i] = l->items[keys[i].at];
	l->items = items;
	free(keys);
}

static void sort_all(struct mc_ctx *ctx, struct kust_tconfig *tc)
{
	for (int i = 0; i < KUST_FS_NSETS; i++)
		sort_fslist(ctx, &tc->fs[i]);
	size_t n = tc->nameref.len;
	if (n < 2)
		return;
	struct sortkey *keys = xmalloc(n * sizeof *keys);
	for (size_t i = 0; i < n; i++)
		keys[i] = make_key(ctx, tc->nameref.items[i].group, tc->nameref.items[i].version,
			tc->nameref.items[i].kind, i);
	stable_sort(keys, n);
	struct kust_nameref *items = arena_alloc(&ctx->arena, tc->nameref.cap * sizeof *items);
	for (size_t i = 0; i < n; i++)
		items[i] = tc->nameref.items[keys[i].at];
	tc->nameref.items = items;
	free(keys);
}

static bool gvk_selected_by_pub(const struct kust_fs *x, const struct kust_fs *sel)
{
	if (sel->group->len && !str_eq(x->group, sel->group))
		return false;
	if (sel->version->len && !str_eq(x->version, sel->version))
		return false;
	if (sel->kind->len && !str_eq(x->kind, sel->kind))
		return false;
	return true;
}

/* ------------------------------------------------------------ merging */

void kust_tconfig_copy(struct mc_ctx *ctx, struct kust_tconfig *dst, const struct kust_tconfig *src)
{
	memset(dst, 0, sizeof *dst);
	for (int i = 0; i < KUST_FS_NSETS; i++)
		for (size_t j = 0; j < src->fs[i].len; j++)
			VEC_PUSH(&ctx->arena, &dst->fs[i], src->fs[i].items[j]);
	for (size_t j = 0; j < src->nameref.len; j++) {
		struct kust_nameref nr = src->nameref.items[j];
		struct kust_fslist refs = { 0 };
		for (size_t q = 0; q < nr.referrers.len; q++)
			VEC_PUSH(&ctx->arena, &refs, nr.referrers.items[q]);
		nr.referrers = refs;
		VEC_PUSH(&ctx->arena, &dst->nameref, nr);
	}
}

const struct kust_tconfig *kust_tconfig_default(struct mc_ctx *ctx)
{
	struct kust_tconfig *tc = arena_calloc(&ctx->arena, 1, sizeof *tc);
	build_default(ctx, tc);
	return tc;
}

static size_t slot_of(const struct str **keys, size_t cap, const struct str *path)
{
	size_t j = path->hash & (cap - 1);
	while (keys[j] && keys[j] != path)
		j = (j + 1) & (cap - 1);
	return j;
}

/* FsSlice.MergeAll with the existing specs indexed by path (interned, so
 * compared by pointer): O(n + m) instead of kustomize's O(n * m).  Returns
 * the number of specs appended through *added. */
static int merge_fslist(struct mc_ctx *ctx, struct kust_fslist *into, const struct kust_fslist *from,
	const struct srcpos *at, size_t *added)
{
	if (!from->len)
		return 0;
	size_t cap = 16;
	while (cap < (into->len + from->len) * 2)
		cap *= 2;
	int32_t *head = xmalloc(cap * sizeof *head);
	const struct str **keys = xcalloc(cap, sizeof *keys);
	int32_t *next = xmalloc((into->len + from->len) * sizeof *next);
	for (size_t i = 0; i < cap; i++)
		head[i] = -1;
	int errors = 0;
	for (size_t i = 0; i < into->len; i++) {
		size_t j = slot_of(keys, cap, into->items[i].path);
		keys[j] = into->items[i].path;
		next[i] = head[j];
		head[j] = (int32_t)i;
	}
	for (size_t i = 0; i < from->len; i++) {
		const struct kust_fs *fs = &from->items[i];
		size_t j = slot_of(keys, cap, fs->path);
		bool dup = false;
		for (int32_t q = head[j]; q >= 0 && !dup; q = next[q]) {
			const struct kust_fs *x = &into->items[q];
			if (gvk_selected_by_pub(x, fs)) {
				dup = true;
				if (x->create != fs->create)
					errors += diag_error(&ctx->diag, at && at->file ? at : &fs->pos,
						"conflicting fieldspecs");
			}
		}
		if (dup)
			continue;
		VEC_PUSH(&ctx->arena, into, *fs);
		keys[j] = fs->path;
		next[into->len - 1] = head[j];
		head[j] = (int32_t)(into->len - 1);
		(*added)++;
	}
	free(head);
	free(keys);
	free(next);
	return errors;
}

int kust_tconfig_merge(struct mc_ctx *ctx, struct kust_tconfig *into,
	const struct kust_tconfig *from, const struct srcpos *at)
{
	int errors = 0;
	size_t added = 0;
	for (int i = 0; i < KUST_FS_NSETS; i++)
		errors += merge_fslist(ctx, &into->fs[i], &from->fs[i], at, &added);
	for (size_t i = 0; i < from->nameref.len; i++) {
		const struct kust_nameref *o = &from->nameref.items[i];
		bool found = false;
		for (size_t j = 0; j < into->nameref.len; j++) {
			struct kust_nameref *c = &into->nameref.items[j];
			if (str_eq(c->group, o->group) && str_eq(c->version, o->version) &&
			    str_eq(c->kind, o->kind)) {
				/* Copy before growing: the list may be shared. */
				struct kust_fslist copy = { 0 };
				for (size_t q = 0; q < c->referrers.len; q++)
					VEC_PUSH(&ctx->arena, &copy, c->referrers.items[q]);
				size_t more = 0;
				errors += merge_fslist(ctx, &copy, &o->referrers, at, &more);
				if (more) {
					c->referrers = copy;
					added += more;
				}
				found = true;
			}
		}
		if (!found) {
			struct kust_nameref nr = *o;
			struct kust_fslist copy = { 0 };
			for (size_t q = 0; q < o->referrers.len; q++)
				VEC_PUSH(&ctx->arena, &copy, o->referrers.items[q]);
			nr.referrers = copy;
			VEC_PUSH(&ctx->arena, &into->nameref, nr);
			added++;
		}
	}
	if (added)
		sort_all(ctx, into);
	return errors;
}

static const char *const set_names[KUST_FS_NSETS] = {
	[KUST_FS_PREFIX] = "namePrefix", [KUST_FS_SUFFIX] = "nameSuffix",
	[KUST_FS_NAMESPACE] = "namespace", [KUST_FS_COMMON_LABELS] = "commonLabels",
	[KUST_FS_LABELS] = "labels", [KUST_FS_TEMPLATE_LABELS] = "templateLabels",
	[KUST_FS_COMMON_ANNOTATIONS] = "commonAnnotations", [KUST_FS_VARREF] = "varReference",
	[KUST_FS_IMAGES] = "images", [KUST_FS_REPLICAS] = "replicas",
};

int kust_tconfig_parse(struct mc_ctx *ctx, const struct ir_node *doc, struct kust_tconfig *out)
{
	memset(out, 0, sizeof *out);
	if (ir_is_null(doc))
		return 0;
	if (!ir_is_map(doc))
		return diag_error(&ctx->diag, &doc->pos,
			"error unmarshaling JSON: json: cannot unmarshal into TransformerConfig");
	int errors = 0;
	for (uint32_t i = 0; i < doc->map.len; i++) {
		const struct ir_pair *p = &doc->map.items[i];
		int which = -1;
		for (int s = 0; s < KUST_FS_NSETS; s++)
			if (str_eqc(p->key->s.text, set_names[s]))
				which = s;
		if (which >= 0) {
			errors += kust_fs_parse_list(ctx, p->value, &out->fs[which], true);
			continue;
		}
		if (!str_eqc(p->key->s.text, "nameReference")) {
			errors += diag_error(&ctx->diag, &p->key->pos,
				"error unmarshaling JSON: while decoding JSON: json: unknown field \"%s\"",
				p->key->s.text->s);
			continue;
		}
		const struct ir_node *l = p->value;
		if (ir_is_null(l))
			continue;
		if (!ir_is_seq(l)) {
			errors += diag_error(&ctx->diag, &l->pos, "nameReference must be a list");
			continue;
		}
		for (uint32_t j = 0; j < l->seq.len; j++) {
			const struct ir_node *e = l->seq.items[j];
			if (!ir_is_map(e)) {
				errors += diag_error(&ctx->diag, &e->pos, "a nameReference entry must be a map");
				continue;
			}
			struct kust_nameref nr = { ctx->s_empty, ctx->s_empty, ctx->s_empty, { 0 } };
			for (uint32_t q = 0; q < e->map.len; q++) {
				const struct ir_pair *f = &e->map.items[q];
				const struct str *key = f->key->s.text;
				const struct str **dst = str_eqc(key, "group") ? &nr.group
					: str_eqc(key, "version") ? &nr.version
					: str_eqc(key, "kind") ? &nr.kind : NULL;
				if (dst) {
					if (ir_is_str(f->value))
						*dst = f->value->s.text;
					else if (!ir_is_null(f->value))
						errors += diag_error(&ctx->diag, &f->value->pos,
							"nameReference '%s' must be a string", key->s);
				} else if (str_eqc(key, "fieldSpecs")) {
					errors += kust_fs_parse_list(ctx, f->value, &nr.referrers, true);
				} else {
					errors += diag_error(&ctx->diag, &f->key->pos,
						"error unmarshaling JSON: while decoding JSON: json: unknown field \"%s\"",
						key->s);
				}
			}
			VEC_PUSH(&ctx->arena, &out->nameref, nr);
		}
	}
	sort_all(ctx, out);
	return errors;
}
