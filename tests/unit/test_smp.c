/* Unit tests: strategic merge (ir/kust_smp.c) over a small test schema
 * that mirrors the Kubernetes fields involved.  Every expectation was
 * printed by `kubectl kustomize` (v5.5.0) for the same resource and patch
 * (patchesStrategicMerge), quirks included. */
#include "mc/passes.h"
#include "testutil.h"

/* A test schema: objects with named children, arrays with items. */
struct tsch {
	const char *name;
	bool array;
	const char *strategy;        /* x-kubernetes-patch-strategy */
	const char *keys[3];         /* merge keys */
	const struct tsch *items;
	const struct tsch *const *props; /* NULL-terminated */
};

static const struct tsch t_str = { "", false, NULL, { 0 }, NULL, NULL };
static const struct tsch t_port_items = { "", false, NULL, { 0 }, NULL, NULL };
static const struct tsch t_ports = { "ports", true, "merge", { "containerPort", "protocol" }, &t_port_items, NULL };
static const struct tsch t_env = { "env", true, "merge", { "name" }, &t_str, NULL };
static const struct tsch t_args = { "args", true, NULL, { 0 }, &t_str, NULL };
static const struct tsch t_mounts = { "volumeMounts", true, "merge", { "mountPath" }, &t_str, NULL };
static const struct tsch *const container_props[] = { &t_ports, &t_env, &t_args, &t_mounts, NULL };
static const struct tsch t_container = { "", false, NULL, { 0 }, NULL, container_props };
static const struct tsch t_containers = { "containers", true, "merge", { "name" }, &t_container, NULL };
static const struct tsch t_volumes = { "volumes", true, "merge,retainKeys", { "name" }, &t_str, NULL };
static const struct tsch t_tolerations = { "tolerations", true, NULL, { 0 }, &t_str, NULL };
static const struct tsch *const podspec_props[] = { &t_containers, &t_volumes, &t_tolerations, NULL };
static const struct tsch t_podspec = { "spec", false, NULL, { 0 }, NULL, podspec_props };
static const struct tsch *const template_props[] = { &t_podspec, NULL };
static const struct tsch t_template = { "template", false, NULL, { 0 }, NULL, template_props };
static const struct tsch *const dspec_props[] = { &t_template, NULL };
static const struct tsch t_dspec = { "spec", false, NULL, { 0 }, NULL, dspec_props };
static const struct tsch t_finalizers = { "finalizers", true, "merge", { 0 }, &t_str, NULL };
static const struct tsch *const meta_props[] = { &t_finalizers, NULL };
static const struct tsch t_meta = { "metadata", false, NULL, { 0 }, NULL, meta_props };
static const struct tsch *const deploy_props[] = { &t_dspec, &t_meta, NULL };
static const struct tsch t_deploy = { "", false, NULL, { 0 }, NULL, deploy_props };

static const struct kust_schema *ts_type(const struct kust_schemas *ss, const struct str *av,
	const struct str *kind)
{
	(void)ss;
	if (str_eqc(av, "apps/v1") && str_eqc(kind, "Deployment"))
		return (const struct kust_schema *)&t_deploy;
	return NULL;
}

static const struct kust_schema *ts_field(const struct kust_schemas *ss,
	const struct kust_schema *s, const struct str *key)
{
	(void)ss;
	const struct tsch *t = (const struct tsch *)s;
	for (size_t i = 0; t->props && t->props[i]; i++)
		if (str_eqc(key, t->props[i]->name))
			return (const struct kust_schema *)t->props[i];
	return NULL;
}

static const struct kust_schema *ts_items(const struct kust_schemas *ss, const struct kust_schema *s)
{
	(void)ss;
	const struct tsch *t = (const struct tsch *)s;
	return t->array ? (const struct kust_schema *)t->items : NULL;
}

static bool ts_merge(const struct kust_schemas *ss, const struct kust_schema *s,
	const char *const **keys, size_t *nkeys)
{
	(void)ss;
	const struct tsch *t = (const struct tsch *)s;
	bool merge = t->strategy && strstr(t->strategy, "merge");
	if (keys) {
		*keys = t->keys;
		*nkeys = 0;
		while (*nkeys < 3 && t->keys[*nkeys])
			(*nkeys)++;
	}
	return merge;
}

static const struct kust_schemas test_schemas = { ts_type, ts_field, ts_items, ts_merge, NULL };

#define DEP "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"

static char *smp(const char *target, const char *patch)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs t, p;
	cr_assert_eq(tu_load(&ctx, target, YAML_V3, 0, &t), 0);
	cr_assert_eq(tu_load(&ctx, patch, YAML_V3, 0, &p), 0);
	struct sbuf err = SBUF_INIT, out = SBUF_INIT;
	struct ir_node *res;
	if (kust_smp_merge(&ctx, &test_schemas, t.items[0], p.items[0], &res, &err)) {
		sbuf_adds(&out, "ERR: ");
		sbuf_add(&out, err.buf, err.len);
	} else if (!res) {
		sbuf_adds(&out, "DELETED");
	} else {
		const char *e = NULL;
		cr_assert_eq(emit_yaml(&out, res, &e), 0);
	}
	sbuf_release(&err);
	mc_ctx_release(&ctx);
	return sbuf_detach(&out, NULL);
}

static void check(const char *target, const char *patch, const char *want)
{
	char *got = smp(target, patch);
	cr_expect_str_eq(got, want, "patch:\n%s", patch);
	free(got);
}

Test(smp, merge_key_lists_put_patch_elements_first)
{
	check(DEP "spec:\n  template:\n    spec:\n      containers:\n      - {name: a, image: a:1}\n"
	      "      - {name: b, image: b:1}\n      - {name: c, image: c:1}\n",
	      DEP "spec:\n  template:\n    spec:\n      containers:\n      - {name: b, image: b:2}\n"
	      "      - {name: d, image: d:1}\n",
	      DEP "spec:\n  template:\n    spec:\n      containers:\n      - image: b:2\n        name: b\n"
	      "      - image: d:1\n        name: d\n      - image: a:1\n        name: a\n"
	      "      - image: c:1\n        name: c\n");
}

Test(smp, element_without_merge_key_swallows_the_list)
{
	check(DEP "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a:1\n"
	      "      - image: x\n      - name: b\n        image: b:1\n",
	      DEP "spec:\n  template:\n    spec:\n      containers:\n      - name: b\n        image: b:2\n",
	      DEP "spec:\n  template:\n    spec:\n      containers:\n      - image: x\n");
}

Test(smp, secondary_keys_are_wildcards)
{
	check(DEP "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n"
	      "        ports: [{containerPort: 8080, protocol: TCP}, {containerPort: 9090, protocol: UDP},"
	      " {containerPort: 7070}]\n",
	      DEP "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n"
	      "        ports: [{containerPort: 8080, name: http}, {containerPort: 9090, protocol: TCP},"
	      " {containerPort: 7070, protocol: UDP, name: x}]\n",
	      DEP "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n        ports:\n"
	      "        - containerPort: 9090\n          protocol: TCP\n        - containerPort: 8080\n"
	      "          protocol: TCP\n        - containerPort: 9090\n          protocol: UDP\n"
	      "        - containerPort: 7070\n");
}

Test(smp, directives_nulls_and_unknown_keys)
{
	check("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  finalizers: [x, y]\n"
	      "spec:\n  replicas: 1\n  empty:\n  keepnull: null\n  template:\n    spec:\n"
	      "      tolerations: [{key: a}, {key: b}]\n      containers:\n"
	      "      - {name: a, image: a:1, args: [x, y], env: [{name: A, value: \"1\"}, {name: B, value: \"2\"}]}\n"
	      "      - {name: b, image: b:1}\n",
	      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  finalizers: [z, x]\n"
	      "spec:\n  replicas: null\n  template:\n    spec:\n"
	      "      $setElementOrder/containers: [{name: b}, {name: a}]\n"
	      "      tolerations: [{key: c}]\n      containers:\n      - name: a\n        args: [z]\n"
	      "        env: [{name: B, $patch: delete}, {name: C, value: \"3\"}]\n"
	      "      - {name: b, $patch: delete}\n",
	      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  finalizers:\n  - z\n  - x\n  - \"y\"\n"
	      "  name: d\nspec:\n  keepnull: null\n  template:\n    spec:\n"
	      "      $setElementOrder/containers:\n      - name: b\n      - name: a\n      containers:\n"
	      "      - args:\n        - z\n        env:\n        - name: C\n          value: \"3\"\n"
	      "        - name: A\n          value: \"1\"\n        image: a:1\n        name: a\n"
	      "      tolerations:\n      - key: c\n");
}

Test(smp, retain_keys_and_list_replace)
{
	check(DEP "spec:\n  template:\n    spec:\n      volumes: [{name: v, emptyDir: {}}]\n"
	      "      containers: [{name: a, image: a}]\n",
	      DEP "spec:\n  template:\n    spec:\n      $retainKeys: [containers]\n"
	      "      volumes: [{name: v, hostPath: {path: /x}, $retainKeys: [name, hostPath]}]\n"
	      "      containers:\n      - $patch: replace\n      - {name: z, image: z}\n",
	      DEP "spec:\n  template:\n    spec:\n      $retainKeys:\n      - containers\n"
	      "      containers:\n      - image: z\n        name: z\n      volumes:\n"
	      "      - $retainKeys:\n        - name\n        - hostPath\n        emptyDir: {}\n"
	      "        hostPath:\n          path: /x\n        name: v\n");
}

Test(smp, map_replace_and_delete)
{
	check(DEP "spec: {replicas: 1, selector: {matchLabels: {a: b}}}\n",
	      DEP "spec:\n  selector:\n    $patch: replace\n    matchExpressions: []\n",
	      DEP "spec:\n  replicas: 1\n  selector:\n    matchExpressions: []\n");
	check(DEP "spec: {replicas: 1}\n", DEP "$patch: delete\n", "DELETED");
	check(DEP "spec: {replicas: 1}\n", DEP "spec:\n  $patch: bogus\n",
	      "ERR: unknown patch strategy 'bogus'");
}

Test(smp, kind_mismatch)
{
	char *got = smp(DEP "spec: {replicas: 1}\n", DEP "spec: [1]\n");
	cr_expect(!strncmp(got, "ERR: wrong node kind: expected MappingNode but got SequenceNode", 63),
		"%s", got);
	free(got);
}
