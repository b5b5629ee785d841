/*
 * kust_replicas.c - the `replicas:` field (ReplicaCountTransformer).
 *
 * Each entry sets the count at every replicas field spec of the resources
 * named so, by current or any previous name, whose kind the spec selects.
 * Naming nothing is an error.  The resources are found through a name
 * index built once per pass instead of kustomize's scan per entry and spec.
 */
#include <string.h>

#include "mc/passes.h"

struct byname {
	const struct str *name;
	struct ir_resource *r;
	uint32_t next;
};

struct nameidx {
	struct byname *items;
	size_t len, cap;
	uint32_t *heads; /* hash of name -> index + 1 */
	size_t nheads;
};

static void add(struct mc_ctx *ctx, struct nameidx *ix, const struct str *name, struct ir_resource *r)
{
	size_t h = name->hash & (ix->nheads - 1);
	struct byname b = { name, r, ix->heads[h] };
	VEC_PUSH(&ctx->arena, ix, b);
	ix->heads[h] = (uint32_t)ix->len;
}

static void build(struct mc_ctx *ctx, struct ir_reslist *l, struct nameidx *ix)
{
	memset(ix, 0, sizeof *ix);
	ix->nheads = 64;
	while (ix->nheads < l->len * 4)
		ix->nheads *= 2;
	ix->heads = arena_calloc(&ctx->arena, ix->nheads, sizeof *ix->heads);
	for (size_t i = 0; i < l->len; i++) {
		struct ir_resource *r = l->items[i];
		struct kust_res *x = r->ext;
		for (size_t j = 0; x && j < x->prev.len; j++)
			add(ctx, ix, x->prev.items[j].name, r);
		add(ctx, ix, r->id.name, r);
	}
}

struct count {
	int64_t n;
};

static int set_count(struct kust_fs_visit *v, struct ir_node **slot)
{
	const struct count *c = v->arg;
	struct ir_node *n = *slot;
	if (n && !ir_is_scalar(n))
		return diag_error(&v->ctx->diag, v->at, "wrong node kind: replicas of %s must be a scalar",
			kust_id_str(v->ctx, &v->res->id));
	/* SetEntry("", count, !!int): quotes on the old value keep it a
	 * string. */
	kust_set_scalar(v->ctx, slot, str_printf(&v->ctx->strs, "%lld", (long long)c->n), IR_INT,
		n ? &n->pos : v->at);
	return 0;
}

static bool any_id_selected(struct mc_ctx *ctx, struct ir_resource *r, const struct str *name,
	const struct kust_fs *fs)
{
	if (str_eq(r->id.name, name) && kust_fs_matches(fs, &r->id))
		return true;
	struct ir_resid ids[64];
	size_t n = kust_previds(ctx, r, ids, 64);
	for (size_t i = 0; i < n && i < 64; i++)
		if (str_eq(ids[i].name, name) && kust_fs_matches(fs, &ids[i]))
			return true;
	return false;
}

int kust_replica_apply(struct ir_module *m, struct kust *k, const struct str *name, int64_t count,
	const struct kust_fslist *specs, const struct srcpos *at)
{
	(void)k;
	struct mc_ctx *ctx = m->ctx;
	struct nameidx ix;
	build(ctx, &m->res, &ix);
	struct count c = { count };
	bool found = false;
	int errors = 0;
	for (size_t j = 0; j < specs->len && !errors; j++) {
		const struct kust_fs *fs = &specs->items[j];
		/* Matches in list order, each resource once. */
		VEC(struct ir_resource *) hits = { 0 };
		for (uint32_t e = ix.heads[name->hash & (ix.nheads - 1)]; e; e = ix.items[e - 1].next) {
			struct ir_resource *r = ix.items[e - 1].r;
			if (!str_eq(ix.items[e - 1].name, name) || !any_id_selected(ctx, r, name, fs))
				continue;
			bool dup = false;
			for (size_t q = 0; q < hits.len; q++)
				dup |= hits.items[q] == r;
			if (!dup)
				VEC_PUSH(&ctx->arena, &hits, r);
		}
		if (hits.len)
			found = true;
		for (size_t q = 0; q < hits.len && !errors; q++) {
			struct kust_fs_visit v = { ctx, set_count, IR_INT, &c, at, hits.items[q] };
			errors += kust_fs_apply(&v, fs, &hits.items[q]->body);
		}
	}
	if (!found && !errors) {
		struct sbuf gvks = SBUF_INIT;
		for (size_t j = 0; j < specs->len; j++) {
			const struct kust_fs *fs = &specs->items[j];
			sbuf_printf(&gvks, "%s%s.%s.%s", j ? " " : "",
				fs->kind->len ? fs->kind->s : "[noKind]",
				fs->version->len ? fs->version->s : "[noVer]",
				fs->group->len ? fs->group->s : "[noGrp]");
		}
		errors += diag_error(&ctx->diag, at,
			"resource with name %s does not match a config with the following GVK [%s]",
			name->s, gvks.buf);
		sbuf_release(&gvks);
	}
	return errors;
}

int kust_pass_replicas(struct ir_module *m)
{
	struct kust *k = m->unit;
	const struct ir_node *l = ir_map_getc(k->doc, "replicas");
	int errors = 0;
	for (uint32_t i = 0; ir_is_seq(l) && i < l->seq.len && !errors; i++) {
		const struct ir_node *e = l->seq.items[i];
		const struct ir_node *name = ir_map_getc(e, "name");
		const struct ir_node *count = ir_map_getc(e, "count");
		errors += kust_replica_apply(m, k, ir_is_str(name) ? name->s.text : m->ctx->s_empty,
			count && count->type == IR_INT ? count->s.v.i : 0,
			&k->acc->tc.fs[KUST_FS_REPLICAS], &e->pos);
		if (!errors)
			kust_after_transformer(m, k, "ReplicaCountTransformer");
	}
	return errors;
}
