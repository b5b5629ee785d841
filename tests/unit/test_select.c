/* Unit tests: resource selectors (ir/kust_select.c): anchored Go regexps
 * for group/version/kind/name/namespace, effective namespaces, and
 * Kubernetes label selector syntax for labels and annotations. */
#include "mc/passes.h"
#include "testutil.h"

static const char *const docs =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n"
	"  labels: {tier: backend, env: prod, size: \"5\"}\n"
	"  annotations: {acme.io/critical: \"true\"}\n"
	"---\n"
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-canary\n  namespace: team\n"
	"  labels: {tier: frontend, canary: \"yes\"}\n"
	"---\n"
	"apiVersion: v1\nkind: Service\nmetadata:\n  name: app\n  labels: {tier: backend}\n"
	"---\n"
	"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n";

/* The names (kind/name) a target selects, joined by spaces, or "ERR". */
static char *select_names(const char *target)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx, docs, YAML_V3, 0, &d), 0);
	struct ir_reslist all = { 0 }, got = { 0 };
	for (size_t i = 0; i < d.len; i++)
		ir_reslist_push(&ctx, &all, ir_resource_new(&ctx, d.items[i], NULL));
	struct ir_docs t;
	cr_assert_eq(tu_load(&ctx, target, YAML_V2, 0, &t), 0);
	struct kust_selector sel;
	struct sbuf out = SBUF_INIT;
	if (kust_selector_parse(&ctx, t.items[0], "target", &sel) ||
	    kust_select(&ctx, &sel, &all, &got)) {
		sbuf_adds(&out, "ERR");
	} else {
		for (size_t i = 0; i < got.len; i++)
			sbuf_printf(&out, "%s%s/%s", i ? " " : "", got.items[i]->id.kind->s,
				got.items[i]->id.name->s);
	}
	kust_selector_release(&sel);
	mc_ctx_release(&ctx);
	return sbuf_detach(&out, NULL);
}

static void sel(const char *target, const char *want)
{
	char *got = select_names(target);
	cr_expect_str_eq(got, want, "target %s", target);
	free(got);
}

Test(select, regexes_are_anchored)
{
	sel("{name: app}", "Deployment/app Service/app");
	sel("{name: app.*}", "Deployment/app Deployment/app-canary Service/app");
	sel("{name: canary}", "");
	sel("{kind: Deploy}", "");
	sel("{kind: Deployment|Service, name: app}", "Deployment/app Service/app");
	sel("{group: apps, version: v1}", "Deployment/app Deployment/app-canary");
	sel("{group: \"\"}", "Deployment/app Deployment/app-canary Service/app ClusterRole/reader");
}

Test(select, namespaces_are_effective)
{
	sel("{namespace: default}", "Deployment/app Service/app");
	sel("{namespace: team}", "Deployment/app-canary");
	sel("{namespace: _non_namespaceable_}", "ClusterRole/reader");
}

Test(select, label_and_annotation_selectors)
{
	sel("{labelSelector: \"tier in (backend,worker)\"}", "Deployment/app Service/app");
	sel("{labelSelector: \"tier notin (backend), !canary\"}", "ClusterRole/reader");
	sel("{labelSelector: \"env!=prod,tier\"}", "Deployment/app-canary Service/app");
	sel("{labelSelector: \"tier==backend,env=prod\"}", "Deployment/app");
	sel("{labelSelector: \"size>3\"}", "Deployment/app");
	sel("{labelSelector: \"size<3\"}", "");
	sel("{kind: Deployment, annotationSelector: acme.io/critical=true}", "Deployment/app");
}

Test(select, errors)
{
	sel("{labelSelector: \"tier in backend\"}", "ERR");
	sel("{labelSelector: \"-bad-=x\"}", "ERR");
	sel("{labelSelector: \"a=b c\"}", "ERR");
	sel("{name: \"(\"}", "ERR");
	sel("{name: \"a(?=b)\"}", "ERR");
	sel("{nmae: x}", "ERR");
	sel("{name: 5}", "ERR");
}
