/*
 * kust_sort.c - kustomize's output order (SortOrderTransformer).
 *
 * `legacy` (the default of `kubectl kustomize`) ranks kinds by two lists,
 * then orders by group_version_kind with "~G"/"~V" standing for an empty
 * group/version, then by namespace and name ("~X"/"~N" when empty).  Ranks
 * are computed once per resource, so the sort is O(n log n) comparisons of
 * precomputed keys.  `fifo` keeps the depth-first accumulation order.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/passes.h"

static const char *const default_first[] = {
	"Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition",
	"ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding",
	"ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange",
	"PriorityClass", "PersistentVolume", "PersistentVolumeClaim", "Deployment",
	"StatefulSet", "CronJob", "PodDisruptionBudget",
};

static const char *const default_last[] = {
	"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
};

struct sortkey {
	struct ir_resource *r;
	long rank;
	const struct str *gvk; /* group_version_kind with ~G/~V/~K */
	const struct str *nsname; /* namespace|name with ~X/~N */
	bool ns_kind_core;   /* kind Namespace with an empty group */
	bool ns_kind;
};

static int cmp(const void *pa, const void *pb)
{
	const struct sortkey *a = pa, *b = pb;
	bool same_gvk = str_eq(a->r->id.group, b->r->id.group) &&
		str_eq(a->r->id.version, b->r->id.version) && str_eq(a->r->id.kind, b->r->id.kind);
	if (!same_gvk) {
		if (a->rank != b->rank)
			return a->rank < b->rank ? -1 : 1;
		int c = str_cmp(a->gvk, b->gvk);
		if (a->ns_kind && b->ns_kind && (a->ns_kind_core || b->ns_kind_core))
			c = -c;
		return c;
	}
	return str_cmp(a->nsname, b->nsname);
}

static long rank_of(const struct str *kind, const struct str *const *first, size_t nfirst,
	const struct str *const *last, size_t nlast)
{
	/* Later duplicates overwrite earlier ones in kustomize's map. */
	long rank = 0;
	for (size_t i = 0; i < nfirst; i++)
		if (str_eq(first[i], kind))
			rank = -(long)nfirst + (long)i;
	for (size_t i = 0; i < nlast; i++)
		if (str_eq(last[i], kind))
			rank = 1 + (long)i;
	return rank;
}

void kust_sort_legacy(struct mc_ctx *ctx, struct ir_reslist *l,
	const struct str *const *first, size_t nfirst,
	const struct str *const *last, size_t nlast)
{
	const struct str *df[sizeof default_first / sizeof *default_first];
	const struct str *dl[sizeof default_last / sizeof *default_last];
	if (!first && !last) {
		for (size_t i = 0; i < sizeof df / sizeof *df; i++)
			df[i] = mc_intern0(ctx, default_first[i]);
		for (size_t i = 0; i < sizeof dl / sizeof *dl; i++)
			dl[i] = mc_intern0(ctx, default_last[i]);
		first = df, nfirst = sizeof df / sizeof *df;
		last = dl, nlast = sizeof dl / sizeof *dl;
	}
	if (l->len < 2)
		return;
	struct sortkey *keys = xmalloc(l->len * sizeof *keys);
	const struct str *ns_kind = mc_intern0(ctx, "Namespace");
	for (size_t i = 0; i < l->len; i++) {
		struct ir_resource *r = l->items[i];
		const struct ir_resid *id = &r->id;
		keys[i].r = r;
		keys[i].rank = rank_of(id->kind, first, nfirst, last, nlast);
		keys[i].gvk = str_printf(&ctx->strs, "%s_%s_%s",
			id->group->len ? id->group->s : "~G",
			id->version->len ? id->version->s : "~V",
			id->kind->len ? id->kind->s : "~K");
		keys[i].nsname = str_printf(&ctx->strs, "%s|%s",
			id->ns->len ? id->ns->s : "~X", id->name->len ? id->name->s : "~N");
		keys[i].ns_kind = str_eq(id->kind, ns_kind);
		keys[i].ns_kind_core = keys[i].ns_kind && !id->group->len;
	}
	qsort(keys, l->len, sizeof *keys, cmp);
	for (size_t i = 0; i < l->len; i++)
		l->items[i] = keys[i].r;
	free(keys);
	ir_reslist_touched(l);
}

int kust_pass_sort(struct ir_module *m)
{
	struct kust *k = m->unit;
	if (k->role != KUST_TOP)
		return 0; /* only the kustomization being built sorts its output */
	struct mc_ctx *ctx = m->ctx;
	const struct ir_node *so = ir_map_getc(k->doc, "sortOptions");
	const char *order = ir_cstr(ir_map_getc(so, "order"));
	const struct ir_node *lso = ir_map_getc(so, "legacySortOptions");
	if (so && !ir_is_null(so)) {
		if (!order || (strcmp(order, "legacy") && strcmp(order, "fifo")))
			return diag_error(&ctx->diag, &so->pos,
				"the field 'sortOptions.order' must be one of [fifo, legacy]");
		if (!strcmp(order, "fifo") && lso)
			return diag_error(&ctx->diag, &lso->pos,
				"the field 'sortOptions.legacySortOptions' is set but the selected "
				"sort order is 'fifo', not 'legacy'");
	}
	/* The --reorder flag, when given, is overridden by sortOptions. */
	bool legacy;
	if (order)
		legacy = !strcmp(order, "legacy");
	else
		legacy = k->opts->reorder != KUST_REORDER_NONE;
	if (!legacy)
		return 0;
	if (lso) {
		VEC(const struct str *) first = { 0 }, last = { 0 };
		const struct ir_node *f = ir_map_getc(lso, "orderFirst");
		const struct ir_node *l = ir_map_getc(lso, "orderLast");
		for (uint32_t i = 0; ir_is_seq(f) && i < f->seq.len; i++)
			if (ir_is_str(f->seq.items[i]))
				VEC_PUSH(&ctx->arena, &first, f->seq.items[i]->s.text);
		for (uint32_t i = 0; ir_is_seq(l) && i < l->seq.len; i++)
			if (ir_is_str(l->seq.items[i]))
				VEC_PUSH(&ctx->arena, &last, l->seq.items[i]->s.text);
		static const struct str *const none[1];
		kust_sort_legacy(ctx, &m->res, first.len ? first.items : none, first.len,
			last.len ? last.items : none, last.len);
	} else {
		kust_sort_legacy(ctx, &m->res, NULL, 0, NULL, 0);
	}
	return 0;
}
