/* Unit tests: the embedded schema table, schema sets (CRDs, OpenAPI
 * documents, kubeconform JSON Schemas), lookup, scope, navigation and
 * strategic-merge-patch metadata. */
#include "testutil.h"

#include "mc/schema.h"

static struct ir_node *tu_doc(struct mc_ctx *ctx, const char *text)
{
	struct ir_docs d;
	cr_assert_eq(tu_load(ctx, text, YAML_V2, 0, &d), 0, "parse failed");
	cr_assert_eq(d.len, 1);
	return d.items[0];
}

Test(schema, builtin_lookup_and_components)
{
	const struct schema_set *ss = schema_builtin();
	cr_assert_not_null(ss);
	cr_assert_eq(schema_builtin_version("v1.32.3"), ss);
	cr_assert_null(schema_builtin_version("1.31"));
	cr_assert_str_eq(schema_builtin_versions()[0], "1.32");
	const struct schema *d = schema_lookup(ss, "apps", "v1", "Deployment");
	cr_assert_not_null(d);
	cr_assert_str_eq(schema_name(d), "io.k8s.api.apps.v1.Deployment");
	cr_assert_eq(d->types, SCHEMA_T_OBJECT);
	cr_assert_null(schema_lookup(ss, "apps", "v1beta1", "Deployment"));
	cr_assert_null(schema_lookup(ss, "autoscaling", "v2beta2", "HorizontalPodAutoscaler"));
	cr_assert(schema_has_kind(ss, "autoscaling", "HorizontalPodAutoscaler"));
	cr_assert_not_null(schema_lookup(ss, "", "v1", "ConfigMap"));
	cr_assert_not_null(schema_lookup(ss, NULL, "v1", "Service"));
	cr_assert_eq(schema_named(ss, "io.k8s.api.core.v1.Container"),
		schema_items(schema_path(d, "spec/template/spec/containers")));
}

Test(schema, scopes_from_paths_and_crds)
{
	const struct schema_set *ss = schema_builtin();
	cr_assert_eq(schema_scope(ss, "", "Namespace"), SCHEMA_SCOPE_CLUSTER);
	cr_assert_eq(schema_scope(ss, "", "PersistentVolume"), SCHEMA_SCOPE_CLUSTER);
	cr_assert_eq(schema_scope(ss, "", "PersistentVolumeClaim"), SCHEMA_SCOPE_NAMESPACED);
	cr_assert_eq(schema_scope(ss, "rbac.authorization.k8s.io", "ClusterRoleBinding"), SCHEMA_SCOPE_CLUSTER);
	cr_assert_eq(schema_scope(ss, "rbac.authorization.k8s.io", "RoleBinding"), SCHEMA_SCOPE_NAMESPACED);
	cr_assert_eq(schema_scope(ss, "apiextensions.k8s.io", "CustomResourceDefinition"), SCHEMA_SCOPE_CLUSTER);
	cr_assert_eq(schema_scope(ss, "apps", "Deployment"), SCHEMA_SCOPE_NAMESPACED);
	cr_assert_eq(schema_scope(ss, "networking.k8s.io", "IngressClass"), SCHEMA_SCOPE_CLUSTER);
	cr_assert_eq(schema_scope(ss, "cert-manager.io", "ClusterIssuer"), SCHEMA_SCOPE_CLUSTER);
	cr_assert_eq(schema_scope(ss, "cert-manager.io", "Certificate"), SCHEMA_SCOPE_NAMESPACED);
	cr_assert_eq(schema_scope(ss, "argoproj.io", "Application"), SCHEMA_SCOPE_NAMESPACED);
	cr_assert_eq(schema_scope(ss, "example.com", "Widget"), SCHEMA_SCOPE_UNKNOWN);
}

Test(schema, strategic_merge_patch_metadata)
{
	const struct schema_set *ss = schema_builtin();
	const struct schema *d = schema_lookup(ss, "apps", "v1", "Deployment");
	const struct schema *c = schema_path(d, "spec/template/spec/containers");
	cr_assert_str_eq(schema_patch_merge_key(c), "name");
	cr_assert_eq(schema_patch_strategy(c), SCHEMA_PATCH_MERGE);
	cr_assert_eq(schema_list_type(c), SCHEMA_LIST_MAP);
	size_t n;
	const char *const *keys = schema_list_map_keys(c, &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(keys[0], "name");
	const struct schema *ports = schema_path(d, "spec/template/spec/containers/0/ports");
	cr_assert_str_eq(schema_patch_merge_key(ports), "containerPort");
	keys = schema_list_map_keys(ports, &n);
	cr_assert_eq(n, 2);
	cr_assert_eq(schema_patch_strategy(schema_path(d, "spec/strategy")), SCHEMA_PATCH_RETAIN_KEYS);
	const struct schema *vols = schema_path(d, "spec/template/spec/volumes");
	cr_assert_eq(schema_patch_strategy(vols), SCHEMA_PATCH_MERGE | SCHEMA_PATCH_RETAIN_KEYS);
	/* The component itself carries none of its fields' metadata. */
	cr_assert_null(schema_patch_merge_key(schema_named(ss, "io.k8s.api.core.v1.Container")));
	const struct schema *args = schema_path(d, "spec/template/spec/containers/*/args");
	cr_assert_eq(schema_list_type(args), SCHEMA_LIST_ATOMIC);
	cr_assert_eq(schema_items(args)->types, SCHEMA_T_STRING);
	const struct schema *labels = schema_path(d, "metadata/labels");
	cr_assert_eq(labels->types, SCHEMA_T_OBJECT);
	cr_assert_eq(schema_path(d, "metadata/labels/app")->types, SCHEMA_T_STRING);
	const struct schema *sel = schema_path(d, "spec/selector");
	cr_assert_eq(schema_map_type(sel), SCHEMA_MAP_ATOMIC);
}

Test(schema, formats_and_flags)
{
	const struct schema_set *ss = schema_builtin();
	const struct schema *d = schema_lookup(ss, "apps", "v1", "Deployment");
	cr_assert_eq(schema_path(d, "spec/replicas")->format, SCHEMA_FMT_INT32);
	cr_assert(schema_is_int_or_string(schema_path(d, "spec/strategy/rollingUpdate/maxSurge")));
	cr_assert_eq(schema_path(d, "spec/template/spec/containers/0/resources/limits/cpu")->format,
		SCHEMA_FMT_QUANTITY);
	const struct schema *s = schema_lookup(ss, "", "v1", "Secret");
	cr_assert_eq(schema_path(s, "data/x")->format, SCHEMA_FMT_BYTE);
	const struct schema *app = schema_lookup(ss, "argoproj.io", "v1alpha1", "Application");
	cr_assert(schema_preserves_unknown(schema_path(app, "spec/source/helm/valuesObject")));
	cr_assert_str_eq(schema_name(schema_propc(app, "metadata")),
		"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "CRD metadata is ObjectMeta");
	cr_assert_null(schema_lookup(ss, "external-secrets.io", "v1beta1", "ExternalSecret"),
		"versions that are not served have no schema");
	cr_assert_not_null(schema_lookup(ss, "external-secrets.io", "v1", "ExternalSecret"));
	const struct schema *sm = schema_lookup(ss, "monitoring.coreos.com", "v1", "ServiceMonitor");
	const struct schema *iv = schema_path(sm, "spec/endpoints/0/interval");
	cr_assert_not_null(iv->more);
	cr_assert_not_null(iv->more->pattern);
	cr_assert(schema_pattern_match(iv->more->pattern, "30s", 3));
	cr_assert_not(schema_pattern_match(iv->more->pattern, "30 s", 4));
}

static const char crd_text[] =
	"apiVersion: apiextensions.k8s.io/v1\n"
	"kind: CustomResourceDefinition\n"
	"metadata: {name: widgets.example.com}\n"
	"spec:\n"
	"  group: example.com\n"
	"  scope: Cluster\n"
	"  names: {kind: Widget, plural: widgets}\n"
	"  versions:\n"
	"  - name: v1\n"
	"    served: true\n"
	"    schema:\n"
	"      openAPIV3Schema:\n"
	"        type: object\n"
	"        properties:\n"
	"          spec:\n"
	"            type: object\n"
	"            properties:\n"
	"              size: {type: integer, minimum: 1}\n"
	"              color: {type: string, enum: [red, blue], pattern: '^(?i)[a-z]+$'}\n"
	"  - name: v2\n"
	"    served: false\n"
	"    schema: {openAPIV3Schema: {type: object}}\n";

Test(schema, runtime_crd_overrides_base)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct schema_set *s = schema_set_new(schema_builtin());
	cr_assert_eq(schema_set_add_crd(s, &ctx, tu_doc(&ctx, crd_text)), 0);
	const struct schema *w = schema_lookup(s, "example.com", "v1", "Widget");
	cr_assert_not_null(w);
	cr_assert_null(schema_lookup(s, "example.com", "v2", "Widget"));
	cr_assert_eq(schema_scope(s, "example.com", "Widget"), SCHEMA_SCOPE_CLUSTER);
	const struct schema *size = schema_path(w, "spec/size");
	cr_assert(size->flags & SCHEMA_F_HAS_MIN);
	cr_assert_eq(size->more->minimum, 1);
	const struct schema *color = schema_path(w, "spec/color");
	cr_assert_eq(color->more->nenum, 2);
	cr_assert_str_eq(color->more->enum_json[0], "\"red\"");
	cr_assert(schema_pattern_match(color->more->pattern, "RED", 3));
	cr_assert_not_null(schema_propc(w, "apiVersion"), "resource roots get apiVersion");
	cr_assert_eq(schema_propc(w, "metadata"),
		schema_named(schema_builtin(), "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
	/* The base is still there underneath. */
	cr_assert_not_null(schema_lookup(s, "apps", "v1", "Deployment"));
	schema_set_free(s);
	mc_ctx_release(&ctx);
}

Test(schema, invalid_crd_pattern_is_reported)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct schema_set *s = schema_set_new(schema_builtin());
	const char *bad =
		"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
		"spec:\n  group: g.io\n  scope: Namespaced\n  names: {kind: K}\n"
		"  versions:\n  - name: v1\n    served: true\n    schema:\n      openAPIV3Schema:\n"
		"        type: object\n        properties:\n          a: {type: string, pattern: '(?=x)'}\n";
	cr_assert_eq(schema_set_add_crd(s, &ctx, tu_doc(&ctx, bad)), 1);
	char *msg = tu_first_diag(&ctx);
	cr_assert(strstr(msg, "invalid or unsupported Perl syntax"), "got %s", msg);
	cr_assert(strstr(msg, "test.yaml:14:"), "points at the pattern: %s", msg);
	free(msg);
	schema_set_free(s);
	mc_ctx_release(&ctx);
}

Test(schema, openapi_v2_document_with_refs_and_cycles)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct schema_set *s = schema_set_new(schema_builtin());
	const char *doc =
		"swagger: '2.0'\n"
		"definitions:\n"
		"  com.example.v1.Gadget:\n"
		"    type: object\n"
		"    x-kubernetes-group-version-kind: [{group: example.com, version: v1, kind: Gadget}]\n"
		"    properties:\n"
		"      metadata: {$ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'}\n"
		"      parts:\n"
		"        type: array\n"
		"        items: {$ref: '#/definitions/com.example.v1.Part'}\n"
		"        x-kubernetes-patch-merge-key: id\n"
		"        x-kubernetes-patch-strategy: merge\n"
		"  com.example.v1.Part:\n"
		"    type: object\n"
		"    properties:\n"
		"      id: {type: string}\n"
		"      sub: {$ref: '#/definitions/com.example.v1.Part'}\n";
	cr_assert_eq(schema_set_add_openapi(s, &ctx, tu_doc(&ctx, doc)), 0);
	const struct schema *g = schema_lookup(s, "example.com", "v1", "Gadget");
	cr_assert_not_null(g);
	const struct schema *parts = schema_propc(g, "parts");
	cr_assert_str_eq(schema_patch_merge_key(parts), "id");
	const struct schema *part = schema_items(parts);
	cr_assert_eq(schema_path(part, "sub"), part, "recursive reference is a cycle");
	cr_assert_eq(schema_propc(g, "metadata"),
		schema_named(schema_builtin(), "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
		"unknown references resolve in the base");
	schema_set_free(s);
	mc_ctx_release(&ctx);
}

Test(schema, kubeconform_keys)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct schema_set *s = schema_set_new(NULL);
	cr_assert_eq(schema_set_add_jsonschema(s, &ctx,
		tu_doc(&ctx, "{type: object, properties: {spec: {type: [string, 'null']}}}"),
		"gizmo-stable-v2"), 0);
	cr_assert_eq(schema_set_add_jsonschema(s, &ctx, tu_doc(&ctx, "{type: object}"),
		"acme.io/thing_v1"), 0);
	const struct schema *z = schema_lookup(s, "stable.example.com", "v2", "Gizmo");
	cr_assert_not_null(z);
	cr_assert_eq(schema_propc(z, "spec")->types, SCHEMA_T_STRING | SCHEMA_T_NULL);
	cr_assert_not_null(schema_lookup(s, "acme.io", "v1", "Thing"));
	cr_assert_null(schema_lookup(s, "acme.io", "v2", "Thing"));
	cr_assert_eq(schema_set_add_jsonschema(s, &ctx,
		tu_doc(&ctx, "{type: object, patternProperties: {'^x': {}}}"), "k-v1"), 1,
		"unsupported keywords are errors");
	schema_set_free(s);
	mc_ctx_release(&ctx);
}
