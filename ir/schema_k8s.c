/*
 * schema_k8s.c - what the API server checks that the published OpenAPI
 * does not say, attached to the schema nodes it applies to.
 *
 * The v1.32 OpenAPI files carry no enum, pattern or bound at all; the API
 * server's hand-written validation (pkg/apis/core/validation and friends)
 * rejects values outside fixed sets, names that are not DNS labels, and
 * quantities that do not parse.  The compiler asks this table, by component
 * and property name, which of those rules a property gets; the validator
 * runs them under their own rule ids (`k8s/enum`, `k8s/name`,
 * `k8s/quantity`) so they can be told apart from schema findings.
 *
 * An empty string is accepted wherever an enum applies: the API server
 * defaults an empty value (imagePullPolicy, protocol, restartPolicy...) or
 * gives it a meaning (a toleration with no effect matches all effects)
 * before validating.  Except where the rule says ES: the field is a pointer
 * that is defaulted only when absent, so "" reaches validation and is not
 * a supported value (Ingress pathType).
 */
#include <string.h>

#include "schema_int.h"

#define CORE "io.k8s.api.core.v1."

static const char *const pull_policies[] = { "Always", "IfNotPresent", "Never" };
static const char *const termination_policies[] = { "File", "FallbackToLogsOnError" };
static const char *const container_restart[] = { "Always" };
static const char *const pod_restart[] = { "Always", "OnFailure", "Never" };
static const char *const dns_policies[] = { "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None" };
static const char *const preemption[] = { "PreemptLowerPriority", "Never" };
static const char *const protocols[] = { "TCP", "UDP", "SCTP" };
static const char *const service_types[] = { "ClusterIP", "NodePort", "LoadBalancer", "ExternalName" };
static const char *const affinities[] = { "ClientIP", "None" };
static const char *const traffic_policies[] = { "Cluster", "Local" };
static const char *const ip_family_policies[] = { "SingleStack", "PreferDualStack", "RequireDualStack" };
static const char *const toleration_ops[] = { "Exists", "Equal" };
static const char *const taint_effects[] = { "NoSchedule", "PreferNoSchedule", "NoExecute" };
static const char *const deploy_strategies[] = { "Recreate", "RollingUpdate" };
static const char *const set_strategies[] = { "RollingUpdate", "OnDelete" };
static const char *const pod_management[] = { "OrderedReady", "Parallel" };
static const char *const concurrency[] = { "Allow", "Forbid", "Replace" };
static const char *const completion_modes[] = { "NonIndexed", "Indexed" };
static const char *const path_types[] = { "Exact", "Prefix", "ImplementationSpecific" };
static const char *const volume_modes[] = { "Filesystem", "Block" };
static const char *const reclaim_pv[] = { "Recycle", "Delete", "Retain" };
static const char *const reclaim_sc[] = { "Delete", "Retain" };
static const char *const binding_modes[] = { "Immediate", "WaitForFirstConsumer" };
static const char *const schemes[] = { "HTTP", "HTTPS" };
static const char *const seccomp_types[] = { "RuntimeDefault", "Unconfined", "Localhost" };
static const char *const metric_types[] = { "Object", "Pods", "Resource", "ContainerResource", "External" };
static const char *const target_types[] = { "Utilization", "Value", "AverageValue" };
static const char *const access_modes[] = { "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
	"ReadWriteOncePod" };
static const char *const policy_types[] = { "Ingress", "Egress" };

#define E(v) v, sizeof v / sizeof v[0], 0, false
#define K(k) NULL, 0, k, false
#define EI(v) v, sizeof v / sizeof v[0], 0, true /* on the list's items */
#define ES(v) v, sizeof v / sizeof v[0], SCHEMA_K_ENUM_STRICT, false /* "" refused */

static const struct rule {
	const char *component, *prop;
	const char *const *values;
	uint16_t nvalues;
	uint8_t kcheck;
	bool items;
} rules[] = {
	{ "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "name", K(SCHEMA_K_OBJECT_NAME) },
	{ CORE "Container", "imagePullPolicy", E(pull_policies) },
	{ CORE "Container", "terminationMessagePolicy", E(termination_policies) },
	{ CORE "Container", "restartPolicy", E(container_restart) },
	{ CORE "Container", "name", K(SCHEMA_K_DNS1123_LABEL) },
	{ CORE "EphemeralContainer", "imagePullPolicy", E(pull_policies) },
	{ CORE "EphemeralContainer", "terminationMessagePolicy", E(termination_policies) },
	{ CORE "EphemeralContainer", "name", K(SCHEMA_K_DNS1123_LABEL) },
	{ CORE "ContainerPort", "protocol", E(protocols) },
	{ CORE "ContainerPort", "name", K(SCHEMA_K_IANA_SVC_NAME) },
	{ CORE "Volume", "name", K(SCHEMA_K_DNS1123_LABEL) },
	{ CORE "PodSpec", "restartPolicy", E(pod_restart) },
	{ CORE "PodSpec", "dnsPolicy", E(dns_policies) },
	{ CORE "PodSpec", "preemptionPolicy", E(preemption) },
	{ CORE "ServicePort", "protocol", E(protocols) },
	{ CORE "ServicePort", "name", K(SCHEMA_K_DNS1123_LABEL) },
	{ CORE "ServiceSpec", "type", E(service_types) },
	{ CORE "ServiceSpec", "sessionAffinity", E(affinities) },
	{ CORE "ServiceSpec", "externalTrafficPolicy", E(traffic_policies) },
	{ CORE "ServiceSpec", "internalTrafficPolicy", E(traffic_policies) },
	{ CORE "ServiceSpec", "ipFamilyPolicy", E(ip_family_policies) },
	{ CORE "EndpointPort", "protocol", E(protocols) },
	{ CORE "Toleration", "operator", E(toleration_ops) },
	{ CORE "Toleration", "effect", E(taint_effects) },
	{ CORE "Taint", "effect", E(taint_effects) },
	{ CORE "HTTPGetAction", "scheme", E(schemes) },
	{ CORE "SeccompProfile", "type", E(seccomp_types) },
	{ CORE "PersistentVolumeClaimSpec", "volumeMode", E(volume_modes) },
	{ CORE "PersistentVolumeClaimSpec", "accessModes", EI(access_modes) },
	{ CORE "PersistentVolumeSpec", "accessModes", EI(access_modes) },
	{ "io.k8s.api.networking.v1.NetworkPolicySpec", "policyTypes", EI(policy_types) },
	{ CORE "PersistentVolumeSpec", "volumeMode", E(volume_modes) },
	{ CORE "PersistentVolumeSpec", "persistentVolumeReclaimPolicy", E(reclaim_pv) },
	{ "io.k8s.api.apps.v1.DeploymentStrategy", "type", E(deploy_strategies) },
	{ "io.k8s.api.apps.v1.StatefulSetUpdateStrategy", "type", E(set_strategies) },
	{ "io.k8s.api.apps.v1.DaemonSetUpdateStrategy", "type", E(set_strategies) },
	{ "io.k8s.api.apps.v1.StatefulSetSpec", "podManagementPolicy", E(pod_management) },
	{ "io.k8s.api.batch.v1.CronJobSpec", "concurrencyPolicy", E(concurrency) },
	{ "io.k8s.api.batch.v1.JobSpec", "completionMode", E(completion_modes) },
	{ "io.k8s.api.networking.v1.HTTPIngressPath", "pathType", ES(path_types) },
	{ "io.k8s.api.networking.v1.NetworkPolicyPort", "protocol", E(protocols) },
	{ "io.k8s.api.storage.v1.StorageClass", "reclaimPolicy", E(reclaim_sc) },
	{ "io.k8s.api.storage.v1.StorageClass", "volumeBindingMode", E(binding_modes) },
	{ "io.k8s.api.autoscaling.v2.MetricSpec", "type", E(metric_types) },
	{ "io.k8s.api.autoscaling.v2.MetricTarget", "type", E(target_types) },
};

void schema_k8s_rules(const char *component, const char *prop, uint8_t *kcheck,
	const char *const **kenum, uint16_t *nkenum, uint8_t *format, bool *items)
{
	if (!prop) {
		if (!strcmp(component, "io.k8s.apimachinery.pkg.api.resource.Quantity"))
			*format = SCHEMA_FMT_QUANTITY;
		return;
	}
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (!strcmp(rules[i].component, component) && !strcmp(rules[i].prop, prop)) {
			*kcheck = rules[i].kcheck;
			*kenum = rules[i].values;
			*nkenum = rules[i].nvalues;
			*items = rules[i].items;
			return;
		}
}
