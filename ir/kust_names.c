/*
 * kust_names.c - namePrefix and nameSuffix (Prefix/SuffixTransformer).
 *
 * The prefix goes in front of every field its field specs select (by
 * default metadata.name of every kind) in resources whose *original* id
 * the spec selects; CRDs, APIServices and Namespaces keep their names.  A
 * resource whose name changes records its previous id and the prefix, which
 * is what later lets name references find it (and prefer the candidate
 * that went through the same prefixes as the referrer).
 */
#include <string.h>

#include "mc/passes.h"

struct affix {
	const struct str *value;
	bool suffix;
};

static int set_affix(struct kust_fs_visit *v, struct ir_node **slot)
{
	const struct affix *a = v->arg;
	struct ir_node *n = *slot;
	if (n && !ir_is_scalar(n))
		return diag_error(&v->ctx->diag, v->at,
			"wrong node kind: expected a scalar at a name field of %s",
			kust_id_str(v->ctx, &v->res->id));
	const struct str *old = ir_is_null(n) ? v->ctx->s_empty : n->s.text;
	const struct str *s = a->suffix ? str_printf(&v->ctx->strs, "%s%s", old->s, a->value->s)
		: str_printf(&v->ctx->strs, "%s%s", a->value->s, old->s);
	/* SetScalar: in place, untagged. */
	kust_set_scalar(v->ctx, slot, s, IR_NULL, n ? &n->pos : v->at);
	return 0;
}

static bool skipped(const struct ir_resid *org)
{
	return str_eqc(org->kind, "CustomResourceDefinition") || str_eqc(org->kind, "Namespace") ||
		(str_eqc(org->kind, "APIService") && str_eqc(org->group, "apiregistration.k8s.io"));
}

int kust_affix_apply(struct ir_module *m, struct kust *k, const struct str *value, bool suffix,
	const struct kust_fslist *specs, const struct srcpos *at)
{
	struct mc_ctx *ctx = m->ctx;
	struct affix a = { value, suffix };
	const struct str *p_name = mc_intern0(ctx, "metadata/name");
	int errors = 0;
	for (size_t i = 0; i < m->res.len && !errors; i++) {
		struct ir_resource *r = m->res.items[i];
		struct ir_resid org;
		kust_orgid(ctx, r, &org);
		if (skipped(&org))
			continue;
		for (size_t j = 0; j < specs->len && !errors; j++) {
			const struct kust_fs *fs = &specs->items[j];
			if (!kust_fs_matches(fs, &org))
				continue;
			if (fs->path == p_name && value->len) {
				struct kust_res *x = kust_res_of(ctx, r);
				if (suffix)
					VEC_PUSH(&ctx->arena, &x->suffixes, value);
				else
					VEC_PUSH(&ctx->arena, &x->prefixes, value);
				kust_store_prev_id(ctx, r);
			}
			struct kust_fs_visit v = { ctx, set_affix, IR_STR, &a, at, r };
			errors += kust_fs_apply(&v, fs, &r->body);
			ir_resource_sync(ctx, r);
		}
	}
	kust_acc_touched(k);
	return errors;
}

static int pass(struct ir_module *m, const char *field, bool suffix, enum kust_fsset set,
	const char *plugin)
{
	struct kust *k = m->unit;
	const struct ir_node *v = ir_map_getc(k->doc, field);
	if (!ir_is_str(v) || !v->s.text->len)
		return 0;
	int errors = kust_affix_apply(m, k, v->s.text, suffix, &k->acc->tc.fs[set], &v->pos);
	if (!errors)
		kust_after_transformer(m, k, plugin);
	return errors;
}

int kust_pass_prefix(struct ir_module *m)
{
	return pass(m, "namePrefix", false, KUST_FS_PREFIX, "PrefixTransformer");
}

int kust_pass_suffix(struct ir_module *m)
{
	return pass(m, "nameSuffix", true, KUST_FS_SUFFIX, "SuffixTransformer");
}
