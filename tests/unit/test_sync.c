/*
 * Unit tests of Argo CD's sync order (ir/sync_order.c); the shared
 * syncorder suite covers the rules case by case, these pin the pieces.
 */
#include "mc/passes.h"
#include "testutil.h"

static void order(const char *yaml, const char *ns, const char *want)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs docs;
	cr_assert_eq(tu_load(&ctx, yaml, YAML_V3, 0, &docs), 0);
	struct ir_reslist res = { 0 };
	for (size_t i = 0; i < docs.len; i++)
		ir_reslist_push(&ctx, &res, ir_resource_new(&ctx, docs.items[i], &docs.starts[i]));
	struct sync_plan plan;
	sync_plan_build(&ctx, &res, ns, &plan);
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < plan.len; i++)
		sbuf_printf(&sb, "%s%s:%lld:%s", i ? " " : "", sync_phase_name(plan.tasks[i].phase),
			(long long)plan.tasks[i].wave, plan.tasks[i].res->id.name->s);
	cr_expect_str_eq(sb.buf, want);
	sbuf_release(&sb);
	mc_ctx_release(&ctx);
}

Test(sync, kind_order_then_name)
{
	order("kind: Deployment\nmetadata: {name: a}\n---\nkind: Service\nmetadata: {name: b}\n---\n"
		"kind: Widget\nmetadata: {name: c}\n---\nkind: ConfigMap\nmetadata: {name: d}\n", "ns",
		"Sync:0:d Sync:0:b Sync:0:a Sync:0:c");
}

Test(sync, waves_and_hook_weight)
{
	order("kind: ConfigMap\nmetadata: {name: a, annotations: {argocd.argoproj.io/sync-wave: '2'}}\n---\n"
		"kind: ConfigMap\nmetadata: {name: b, annotations: {helm.sh/hook-weight: '-1'}}\n---\n"
		"kind: ConfigMap\nmetadata: {name: c, annotations: {argocd.argoproj.io/sync-wave: ' 5'}}\n",
		"ns", "Sync:-1:b Sync:0:c Sync:2:a");
}

/* Go's Less compares waves by the sign of their int64 difference, which
 * wraps: a wave of 2^63-1 sorts before -2, and 1 and 2 before -2^63.  (At
 * exactly 2^63 apart both directions are "less" and Go's order is open.) */
Test(sync, wave_difference_wraps_like_go)
{
	order("kind: ConfigMap\nmetadata: {name: a, annotations: {argocd.argoproj.io/sync-wave: '-2'}}\n---\n"
		"kind: ConfigMap\nmetadata: {name: b, annotations: {argocd.argoproj.io/sync-wave: '9223372036854775807'}}\n",
		"ns", "Sync:9223372036854775807:b Sync:-2:a");
	order("kind: ConfigMap\nmetadata: {name: a, annotations: {argocd.argoproj.io/sync-wave: '-9223372036854775808'}}\n---\n"
		"kind: ConfigMap\nmetadata: {name: c, annotations: {argocd.argoproj.io/sync-wave: '2'}}\n---\n"
		"kind: ConfigMap\nmetadata: {name: b, annotations: {argocd.argoproj.io/sync-wave: '1'}}\n",
		"ns", "Sync:1:b Sync:2:c Sync:-9223372036854775808:a");
}

Test(sync, hooks_and_skip)
{
	order("kind: Job\nmetadata: {name: j, annotations: {argocd.argoproj.io/hook: 'PreSync,PostSync'}}\n---\n"
		"kind: Pod\nmetadata: {name: s, annotations: {argocd.argoproj.io/hook: Skip}}\n---\n"
		"kind: Pod\nmetadata: {name: t, annotations: {helm.sh/hook: test}}\n---\n"
		"kind: Pod\nmetadata: {name: p, annotations: {helm.sh/hook: pre-install}}\n",
		"ns", "PreSync:0:p PreSync:0:j PostSync:0:j"); /* Pod before Job */
}

Test(sync, namespace_moves_before_its_first_user)
{
	order("kind: Job\nmetadata: {name: j, namespace: x, annotations: {argocd.argoproj.io/hook: PreSync}}\n"
		"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x, annotations: {argocd.argoproj.io/sync-wave: '3'}}\n",
		"", "PreSync:0:x PreSync:0:j");
}

Test(sync, wave_of)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs docs;
	cr_assert_eq(tu_load(&ctx, "metadata: {annotations: {argocd.argoproj.io/sync-wave: '+3'}}\n",
		YAML_V3, 0, &docs), 0);
	cr_expect_eq(sync_wave_of(docs.items[0]), 3);
	/* Out of int64: strconv.Atoi fails, hook-weight is used. */
	cr_assert_eq(tu_load(&ctx, "metadata: {annotations: {argocd.argoproj.io/sync-wave: '9223372036854775808',"
		" helm.sh/hook-weight: '-4'}}\n", YAML_V3, 0, &docs), 0);
	cr_expect_eq(sync_wave_of(docs.items[0]), -4);
	mc_ctx_release(&ctx);
}
