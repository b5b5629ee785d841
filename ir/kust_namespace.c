/*
 * kust_namespace.c - the `namespace:` field (NamespaceTransformer).
 *
 * Every namespaced resource gets metadata.namespace (cluster-scoped kinds
 * are left alone, as kustomize's builtin schema classifies them), then the
 * namespace field specs apply: a v1 Namespace object is renamed to the
 * namespace, APIService and CRD conversion webhooks point at the service in
 * it.  RoleBinding and ClusterRoleBinding subjects follow the
 * setRoleBindingSubjects mode: by default only subjects named `default`
 * move, `allServiceAccounts` moves every ServiceAccount subject, `none`
 * leaves them.  With unsetOnly only empty namespaces are set.  The
 * previous id of every resource is recorded so name references follow, and
 * two resources ending up with one id is an error.
 */
#include <string.h>

#include "mc/passes.h"

enum subjects_mode { SUBJECTS_DEFAULT_ONLY, SUBJECTS_ALL_SA, SUBJECTS_NONE };

struct ns_apply {
	const struct str *ns;
	bool unset_only;
	enum subjects_mode subjects;
};

static bool has_value(const struct ir_node *n)
{
	return ir_is_scalar(n) && n->type != IR_NULL && n->s.text->len;
}

static int set_ns(struct kust_fs_visit *v, struct ir_node **slot)
{
	const struct ns_apply *a = v->arg;
	struct ir_node *n = *slot;
	if (n && !ir_is_scalar(n))
		return diag_error(&v->ctx->diag, v->at,
			"namespace field specs must target scalar nodes: wrong node kind in %s",
			kust_id_str(v->ctx, &v->res->id));
	if (a->unset_only && has_value(n))
		return 0;
	kust_set_scalar(v->ctx, slot, a->ns, IR_STR, n ? &n->pos : v->at); /* SetEntry(!!str) */
	return 0;
}

static bool is_binding(const struct str *kind)
{
	return str_eqc(kind, "RoleBinding") || str_eqc(kind, "ClusterRoleBinding");
}

static int subjects(struct kust_fs_visit *v, struct ir_resource *r)
{
	const struct ns_apply *a = v->arg;
	if (a->subjects == SUBJECTS_NONE)
		return 0;
	struct ir_node *subs = ir_map_getc(r->body, "subjects");
	if (ir_is_null(subs))
		return 0;
	if (!ir_is_seq(subs))
		return diag_error(&v->ctx->diag, v->at,
			"setting namespace on (cluster)role binding subjects: subjects must be a list");
	for (uint32_t i = 0; i < subs->seq.len; i++) {
		struct ir_node *s = subs->seq.items[i];
		if (ir_is_null(s))
			continue;
		if (!ir_is_map(s))
			return diag_error(&v->ctx->diag, v->at,
				"setting namespace on (cluster)role binding subjects: a subject must be a map");
		const char *want = a->subjects == SUBJECTS_DEFAULT_ONLY ? "name" : "kind";
		const char *val = a->subjects == SUBJECTS_DEFAULT_ONLY ? "default" : "ServiceAccount";
		const struct ir_node *f = ir_map_getc(s, want);
		if (!ir_is_scalar(f) || f->type == IR_NULL || !str_eqc(f->s.text, val))
			continue;
		struct ir_pair *p = ir_map_find(s, v->ctx->s_namespace);
		if (!p) {
			ir_map_setc(v->ctx, s, "namespace", ir_str(v->ctx, "", 0, &s->pos));
			p = ir_map_find(s, v->ctx->s_namespace);
		}
		int e = set_ns(v, &p->value);
		if (e)
			return e;
	}
	return 0;
}

int kust_namespace_apply(struct ir_module *m, struct kust *k, const struct str *ns,
	const struct kust_fslist *specs, bool unset_only, const char *mode, const struct srcpos *at)
{
	struct mc_ctx *ctx = m->ctx;
	if (!ns || !ns->len)
		return 0;
	struct ns_apply a = { ns, unset_only, SUBJECTS_DEFAULT_ONLY };
	if (mode && *mode) {
		if (!strcmp(mode, "allServiceAccounts"))
			a.subjects = SUBJECTS_ALL_SA;
		else if (!strcmp(mode, "none"))
			a.subjects = SUBJECTS_NONE;
		else if (strcmp(mode, "defaultOnly"))
			return diag_error(&ctx->diag, at,
				"invalid value \"%s\" for setRoleBindingSubjects: must be one of "
				"\"defaultOnly\", \"none\" or \"allServiceAccounts\"", mode);
	}
	struct kust_fs meta_ns;
	kust_fs_init(ctx, &meta_ns, NULL, NULL, NULL, "metadata/namespace", true);
	const struct str *p_ns = mc_intern0(ctx, "metadata/namespace");
	const struct str *p_name = mc_intern0(ctx, "metadata/name");
	const struct str *p_subj = mc_intern0(ctx, "subjects/namespace");
	int errors = 0;
	for (size_t i = 0; i < m->res.len && !errors; i++) {
		struct ir_resource *r = m->res.items[i];
		kust_store_prev_id(ctx, r);
		struct kust_fs_visit v = { ctx, set_ns, IR_STR, &a, at, r };
		bool v1 = !r->id.group->len && str_eqc(r->id.version, "v1");
		if (!kust_cluster_scoped(ctx, r->id.group, r->id.version, r->id.kind))
			errors += kust_fs_apply(&v, &meta_ns, &r->body);
		bool binding = is_binding(r->id.kind);
		if (binding && !errors)
			errors += subjects(&v, r);
		for (size_t j = 0; j < specs->len && !errors; j++) {
			const struct kust_fs *fs = &specs->items[j];
			if (fs->path == p_ns || (!v1 && fs->path == p_name))
				continue;
			if (binding && is_binding(fs->kind) && fs->path == p_subj)
				continue;
			errors += kust_fs_apply(&v, fs, &r->body);
		}
		ir_resource_sync(ctx, r);
	}
	kust_acc_touched(k);
	/* Two resources with one id now: kustomize checks each as it goes; the
	 * final state has a duplicate exactly when some step did. */
	for (size_t i = 0; i < m->res.len && !errors; i++) {
		struct ir_resource *found[2];
		if (kust_acc_find_cur(m, k, &m->res.items[i]->id, found, 2) > 1)
			errors += diag_error(&ctx->diag, at,
				"namespace transformation produces ID conflict: %s",
				kust_id_str(ctx, &m->res.items[i]->id));
	}
	return errors;
}

int kust_namespace_set(struct mc_ctx *ctx, struct ir_resource *r, const struct str *ns,
	const struct srcpos *at)
{
	struct ns_apply a = { ns, false, SUBJECTS_DEFAULT_ONLY };
	struct kust_fs meta_ns;
	kust_fs_init(ctx, &meta_ns, NULL, NULL, NULL, "metadata/namespace", true);
	struct kust_fs_visit v = { ctx, set_ns, IR_STR, &a, at, r };
	int errors = 0;
	if (!kust_cluster_scoped(ctx, r->id.group, r->id.version, r->id.kind))
		errors += kust_fs_apply(&v, &meta_ns, &r->body);
	if (!errors && is_binding(r->id.kind))
		errors += subjects(&v, r);
	ir_resource_sync(ctx, r);
	return errors;
}

int kust_pass_namespace(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct ir_pair *p = ir_map_find(k->doc, m->ctx->s_namespace);
	if (!p || !ir_is_str(p->value) || !p->value->s.text->len)
		return 0;
	int errors = kust_namespace_apply(m, k, p->value->s.text, &k->acc->tc.fs[KUST_FS_NAMESPACE],
		false, NULL, &p->value->pos);
	if (!errors)
		kust_after_transformer(m, k, "NamespaceTransformer");
	return errors;
}
