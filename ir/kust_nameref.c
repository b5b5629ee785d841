/*
 * kust_nameref.c - name references (kustomize's FixBackReferences).
 *
 * After prefixes, suffixes, namespaces and hash suffixes have renamed
 * resources, every field that names another resource (nameReference field
 * specs: a ConfigMap in a volume, a Service in an Ingress backend, a Role in
 * a RoleBinding...) is pointed at the new name.  A reference to `old` is
 * resolved as kustomize does: among the resources that could be referenced
 * from the referrer (same namespace, cluster-scoped, ServiceAccounts, or a
 * namespace a RoleBinding's subjects name), keep those that once were
 * called `old` with the referral kind (and for roleRef, the kind and group
 * roleRef names), in the referrer's namespace; if several remain, prefer
 * those renamed with the same prefixes and suffixes as the referrer; still
 * several is an error unless they agree on the name.  A `{name, namespace}`
 * reference also gets the referral's namespace.
 *
 * kustomize computes the candidate subset by scanning all resources for
 * every referrer; here resources are indexed by previous name, and the
 * "is there a candidate in that original namespace" question is answered
 * from sets built once, so the pass stays linear.
 */
#include <string.h>

#include "mc/passes.h"

/* ------------------------------------------------------------ sets */

struct pairset {
	struct { const void *a, *b; } *slots;
	size_t cap, len;
};

static uint64_t pair_hash(const void *a, const void *b)
{
	uint64_t h = (uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ULL;
	h ^= (uint64_t)(uintptr_t)b + 0x7f4a7c159e3779b9ULL + (h << 6) + (h >> 2);
	return h ^ (h >> 29);
}

static void pairset_add(struct mc_ctx *ctx, struct pairset *s, const void *a, const void *b)
{
	if ((s->len + 1) * 2 > s->cap) {
		struct pairset old = *s;
		s->cap = old.cap ? old.cap * 2 : 64;
		s->slots = arena_calloc(&ctx->arena, s->cap, sizeof *s->slots);
		s->len = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].a)
				pairset_add(ctx, s, old.slots[i].a, old.slots[i].b);
	}
	size_t j = pair_hash(a, b) & (s->cap - 1);
	while (s->slots[j].a) {
		if (s->slots[j].a == a && s->slots[j].b == b)
			return;
		j = (j + 1) & (s->cap - 1);
	}
	s->slots[j].a = a;
	s->slots[j].b = b;
	s->len++;
}

static bool pairset_has(const struct pairset *s, const void *a, const void *b)
{
	if (!s->cap)
		return false;
	for (size_t j = pair_hash(a, b) & (s->cap - 1); s->slots[j].a; j = (j + 1) & (s->cap - 1))
		if (s->slots[j].a == a && s->slots[j].b == b)
			return true;
	return false;
}

/* ------------------------------------------------------------ state */

struct info {
	const struct str *cur_eff, *org_eff, *raw_ns;
	bool cluster; /* current id cluster-scoped */
};

struct byname {
	const struct str *name;
	uint32_t res;  /* index in the list */
	uint32_t next; /* index + 1 of the next entry in the chain */
};

struct nr {
	struct mc_ctx *ctx;
	struct ir_reslist *list;
	struct info *info;
	VEC(struct byname) names;
	uint32_t *heads;
	size_t nheads;
	const struct str *s_nonns;
	struct pairset org_of_cluster; /* (org_eff, -) of cluster-scoped resources */
	struct pairset cur_org, raw_org; /* (cur_eff, org_eff), (raw_ns, org_eff) */
	struct pairset org_any;          /* (org_eff, -) of every resource */
	/* the referrer being fixed */
	struct ir_resource *referrer;
	size_t referrer_at;
	const struct kust_fs *spec;
	const struct kust_nameref *target;
	VEC(const struct str *) rb_ns; /* namespaces a RoleBinding's SA subjects name */
	const struct srcpos *at;
};

static const struct str *intern(struct nr *n, const struct str *s)
{
	return mc_intern(n->ctx, s->s, s->len);
}

static void prepare(struct nr *n)
{
	struct mc_ctx *ctx = n->ctx;
	size_t len = n->list->len;
	n->info = arena_calloc(&ctx->arena, len ? len : 1, sizeof *n->info);
	n->nheads = 64;
	while (n->nheads < len * 4)
		n->nheads *= 2;
	n->heads = arena_calloc(&ctx->arena, n->nheads, sizeof *n->heads);
	n->s_nonns = mc_intern0(ctx, "_non_namespaceable_");
	for (size_t i = 0; i < len; i++) {
		struct ir_resource *r = n->list->items[i];
		struct info *in = &n->info[i];
		in->cluster = kust_cluster_scoped(ctx, r->id.group, r->id.version, r->id.kind);
		in->cur_eff = intern(n, kust_effective_ns(ctx, &r->id));
		in->raw_ns = intern(n, r->id.ns);
		struct ir_resid org;
		struct kust_res *x = r->ext;
		if (x && x->prev.len) {
			kust_previds(ctx, r, &org, 1);
			in->org_eff = intern(n, org.ns);
		} else {
			in->org_eff = in->cur_eff;
		}
		if (in->cluster)
			pairset_add(ctx, &n->org_of_cluster, in->org_eff, n);
		pairset_add(ctx, &n->cur_org, in->cur_eff, in->org_eff);
		pairset_add(ctx, &n->raw_org, in->raw_ns, in->org_eff);
		pairset_add(ctx, &n->org_any, in->org_eff, n);
		for (size_t j = 0; x && j < x->prev.len; j++) {
			const struct str *pn = intern(n, x->prev.items[j].name);
			size_t h = pn->hash & (n->nheads - 1);
			/* one entry per resource and name */
			bool dup = false;
			for (uint32_t e = n->heads[h]; e && !dup; e = n->names.items[e - 1].next)
				dup = n->names.items[e - 1].res == i && n->names.items[e - 1].name == pn;
			if (dup)
				continue;
			struct byname b = { pn, (uint32_t)i, n->heads[h] };
			VEC_PUSH(&ctx->arena, &n->names, b);
			n->heads[h] = (uint32_t)n->names.len;
		}
	}
}

/* SubsetThatCouldBeReferencedByResource, for one target. */
static bool in_subset(struct nr *n, size_t t)
{
	const struct info *ri = &n->info[n->referrer_at];
	if (ri->cluster)
		return true;
	const struct info *ti = &n->info[t];
	if (ti->cluster || ti->cur_eff == ri->cur_eff)
		return true;
	for (size_t i = 0; i < n->rb_ns.len; i++)
		if (str_eq(n->rb_ns.items[i], ti->raw_ns))
			return true;
	return false;
}

/* Is some resource of the referrer's subset originally in namespace ns? */
static bool subset_has_org(struct nr *n, const struct str *ns)
{
	if (ns == n->s_nonns)
		return false;
	const struct info *ri = &n->info[n->referrer_at];
	if (ri->cluster)
		return pairset_has(&n->org_any, ns, n);
	if (pairset_has(&n->org_of_cluster, ns, n) || pairset_has(&n->cur_org, ri->cur_eff, ns))
		return true;
	for (size_t i = 0; i < n->rb_ns.len; i++)
		if (pairset_has(&n->raw_org, n->rb_ns.items[i], ns))
			return true;
	return false;
}

static bool prev_selected(struct nr *n, struct ir_resource *r, const struct str *g,
	const struct str *v, const struct str *k)
{
	struct kust_res *x = r->ext;
	for (size_t i = 0; x && i < x->prev.len; i++) {
		struct ir_resid id = { r->id.group, r->id.version, x->prev.items[i].kind,
			n->ctx->s_empty, x->prev.items[i].name };
		if (kust_gvk_selected(&id, g, v, k))
			return true;
	}
	return false;
}

/* utils.SameEndingSubSlice */
static bool same_ending(const struct str *const *a, size_t na, const struct str *const *b, size_t nb)
{
	if (na > nb) {
		const struct str *const *t = a;
		a = b;
		b = t;
		size_t tn = na;
		na = nb;
		nb = tn;
	}
	size_t diff = nb - na;
	if (!na)
		return diff == 0;
	for (size_t i = na; i-- > 0;)
		if (!str_eq(b[i + diff], a[i]))
			return false;
	return true;
}

static bool affixes_equal(struct ir_resource *r, struct ir_resource *o, bool allow_empty)
{
	static const struct str *const none[1];
	struct kust_res *x = r->ext, *y = o->ext;
	const struct str *const *rp = x ? x->prefixes.items : none, *const *op = y ? y->prefixes.items : none;
	size_t nrp = x ? x->prefixes.len : 0, nop = y ? y->prefixes.len : 0;
	const struct str *const *rs = x ? x->suffixes.items : none, *const *os = y ? y->suffixes.items : none;
	size_t nrs = x ? x->suffixes.len : 0, nos = y ? y->suffixes.len : 0;
	if (allow_empty) {
		bool pe = !nrp || !nop, se = !nrs || !nos;
		return (pe || same_ending(rp, nrp, op, nop)) && (se || same_ending(rs, nrs, os, nos));
	}
	return same_ending(rp, nrp, op, nop) && same_ending(rs, nrs, os, nos);
}

typedef VEC(uint32_t) idxvec;

/* selectReferral: 0 and *out (NULL when nothing matches), or errors. */
static int select_referral(struct nr *n, const struct str *old, const struct str *ns_filter,
	bool with_ns, bool mapping, struct ir_resource **out)
{
	struct mc_ctx *ctx = n->ctx;
	*out = NULL;
	const struct str *name = mc_intern(ctx, old->s, old->len);
	bool by_org = with_ns && subset_has_org(n, ns_filter);
	/* roleRef: the kind and group it names */
	const struct str *rr_group = NULL, *rr_kind = NULL;
	bool roleref = false;
	const struct str *path = n->spec->path;
	if (path->len >= 12 && !memcmp(path->s + path->len - 12, "roleRef/name", 12)) {
		const struct ir_node *rr = ir_map_getc(n->referrer->body, "roleRef");
		const struct ir_node *ag = ir_map_getc(rr, "apiGroup");
		const struct ir_node *kd = ir_map_getc(rr, "kind");
		if (ir_is_map(rr) && ag && kd && !ir_is_null(ag) && !ir_is_null(kd)) {
			roleref = true;
			rr_group = ir_text(ag) ? ir_text(ag) : ctx->s_empty;
			rr_kind = ir_text(kd) ? ir_text(kd) : ctx->s_empty;
		}
	}
	const struct info *ri = &n->info[n->referrer_at];
	idxvec c = { 0 };
	for (uint32_t e = n->heads[name->hash & (n->nheads - 1)]; e; e = n->names.items[e - 1].next) {
		const struct byname *b = &n->names.items[e - 1];
		if (b->name != name)
			continue;
		size_t t = b->res;
		struct ir_resource *r = n->list->items[t];
		if (!in_subset(n, t))
			continue;
		if (with_ns) {
			const struct str *ns = by_org ? n->info[t].org_eff : n->info[t].cur_eff;
			if (!str_eq(ns, ns_filter) || ns == n->s_nonns)
				continue;
		}
		if (!prev_selected(n, r, n->target->group, n->target->version, n->target->kind))
			continue;
		if (roleref && !prev_selected(n, r, rr_group, ctx->s_empty, rr_kind))
			continue;
		if (!ri->cluster && !n->info[t].cluster && !str_eqc(r->id.kind, "ServiceAccount") &&
		    n->info[t].cur_eff != ri->cur_eff)
			continue;
		VEC_PUSH(&ctx->arena, &c, (uint32_t)t);
	}
	/* chains are newest first: restore list order */
	for (size_t i = 0, j = c.len; i + 1 < j; i++, j--) {
		uint32_t tmp = c.items[i];
		c.items[i] = c.items[j - 1];
		c.items[j - 1] = tmp;
	}
	if (c.len == 1) {
		*out = n->list->items[c.items[0]];
		return 0;
	}
	size_t kept = 0;
	for (size_t i = 0; i < c.len; i++)
		if (affixes_equal(n->list->items[c.items[i]], n->referrer, true))
			c.items[kept++] = c.items[i];
	c.len = kept;
	if (c.len > 1) {
		kept = 0;
		for (size_t i = 0; i < c.len; i++)
			if (affixes_equal(n->list->items[c.items[i]], n->referrer, false))
				c.items[kept++] = c.items[i];
		c.len = kept;
	}
	if (c.len == 1) {
		*out = n->list->items[c.items[0]];
		return 0;
	}
	if (!c.len)
		return 0;
	struct ir_resource *first = n->list->items[c.items[0]];
	bool same = true;
	for (size_t i = 1; i < c.len; i++) {
		struct ir_resource *r = n->list->items[c.items[i]];
		if (!str_eq(r->id.name, first->id.name) || (mapping && !str_eq(r->id.ns, first->id.ns)))
			same = false;
	}
	if (same) {
		*out = first;
		return 0;
	}
	struct sbuf ids = SBUF_INIT;
	for (size_t i = 0; i < c.len; i++)
		sbuf_printf(&ids, "%s%s", i ? ", " : "",
			kust_id_str(ctx, &n->list->items[c.items[i]]->id));
	int e = diag_error(&ctx->diag, n->at, "found multiple possible referrals: %s", ids.buf);
	sbuf_release(&ids);
	return e;
}

static int set_scalar(struct nr *n, struct ir_node **slot)
{
	struct ir_node *node = *slot;
	struct ir_resource *ref;
	int e = select_referral(n, node->s.text, NULL, false, false, &ref);
	if (e || !ref)
		return e;
	if (!str_eq(ref->id.name, node->s.text))
		kust_set_scalar(n->ctx, slot, ref->id.name, IR_NULL, &node->pos); /* untagged */
	return 0;
}

static int set_mapping(struct nr *n, struct ir_node *node)
{
	struct mc_ctx *ctx = n->ctx;
	struct ir_pair *np = ir_map_find(node, ctx->s_name);
	if (!np)
		return diag_error(&ctx->diag, n->at,
			"updating name reference in '%s' field of '%s': path config error; no 'name' field in node",
			n->spec->path->s, kust_id_str(ctx, &n->referrer->id));
	struct ir_pair *nsp = ir_map_find(node, ctx->s_namespace);
	const struct str *old = ir_text(np->value) ? ir_text(np->value) : ctx->s_empty;
	struct ir_resource *ref;
	const struct str *ns = nsp ? (ir_text(nsp->value) ? ir_text(nsp->value) : ctx->s_empty) : NULL;
	int e = select_referral(n, old, ns ? intern(n, ns) : NULL, nsp != NULL, true, &ref);
	if (e || !ref)
		return e;
	if (str_eq(ref->id.name, old) && !ref->id.ns->len)
		return 0;
	/* FieldSetter{StringValue}: untagged nodes, set in place. */
	kust_set_scalar(ctx, &np->value, ref->id.name, IR_NULL, np->value ? &np->value->pos : &node->pos);
	if (!ref->id.ns->len)
		return 0;
	if (nsp) {
		kust_set_scalar(ctx, &nsp->value, ref->id.ns, IR_NULL,
			nsp->value ? &nsp->value->pos : &node->pos);
	} else {
		struct ir_node *v = NULL;
		kust_set_scalar(ctx, &v, ref->id.ns, IR_NULL, &node->pos);
		ir_map_set(ctx, node, ctx->s_namespace, v);
	}
	return 0;
}

static int set_ref(struct kust_fs_visit *v, struct ir_node **slot)
{
	struct nr *n = v->arg;
	struct ir_node *node = *slot;
	if (ir_is_null(node))
		return 0;
	if (ir_is_scalar(node))
		return set_scalar(n, slot);
	if (ir_is_map(node))
		return set_mapping(n, node);
	for (uint32_t i = 0; i < node->seq.len; i++) {
		struct ir_node *e = node->seq.items[i];
		int err = 0;
		if (ir_is_null(e))
			continue;
		if (ir_is_scalar(e))
			err = set_scalar(n, &node->seq.items[i]);
		else if (ir_is_map(e))
			err = set_mapping(n, e);
		else
			err = diag_error(&v->ctx->diag, n->at,
				"updating name reference in '%s' field of '%s': expected a string or a map of string",
				n->spec->path->s, kust_id_str(v->ctx, &n->referrer->id));
		if (err)
			return err;
	}
	return 0;
}

static int rolebinding_namespaces(struct nr *n, struct ir_resource *r)
{
	n->rb_ns.len = 0;
	if (!str_eqc(r->id.kind, "RoleBinding"))
		return 0;
	const struct ir_node *subs = ir_map_getc(r->body, "subjects");
	for (uint32_t i = 0; ir_is_seq(subs) && i < subs->seq.len; i++) {
		const struct ir_node *s = subs->seq.items[i];
		if (!ir_is_map(s))
			continue;
		const struct ir_node *ns = ir_map_getc(s, "namespace");
		const struct ir_node *kind = ir_map_getc(s, "kind");
		if (!ir_map_find(s, n->ctx->s_namespace) || !kind)
			continue;
		if (!ir_is_str(kind) || !str_eqc(kind->s.text, "ServiceAccount"))
			continue;
		if (!ir_is_str(ns))
			return diag_error(&n->ctx->diag, n->at,
				"Invalid Input: namespace is blank for resource \"%s\"",
				kust_id_str(n->ctx, &r->id));
		VEC_PUSH(&n->ctx->arena, &n->rb_ns, intern(n, ns->s.text));
	}
	return 0;
}

int kust_pass_namerefs(struct ir_module *m)
{
	struct kust *k = m->unit;
	const struct kust_tconfig *tc = &k->acc->tc;
	if (!tc->nameref.len)
		return 0;
	struct nr n = { .ctx = m->ctx, .list = &m->res, .at = NULL };
	struct srcpos top = { k->file, 1, 1 };
	n.at = &top;
	/* Even with nothing renamed the fields are walked: kustomize reports
	 * malformed referrers (and RoleBinding subjects) either way. */
	prepare(&n);
	int errors = 0;
	for (size_t i = 0; i < m->res.len && !errors; i++) {
		struct ir_resource *r = m->res.items[i];
		struct ir_resid org;
		kust_orgid(m->ctx, r, &org);
		bool prepared = false;
		for (size_t b = 0; b < tc->nameref.len && !errors; b++) {
			const struct kust_nameref *nr = &tc->nameref.items[b];
			for (size_t s = 0; s < nr->referrers.len && !errors; s++) {
				const struct kust_fs *fs = &nr->referrers.items[s];
				if (!kust_fs_matches(fs, &org))
					continue;
				if (!prepared) {
					n.referrer = r;
					n.referrer_at = i;
					errors += rolebinding_namespaces(&n, r);
					prepared = true;
				}
				/* The spec's GVK is replaced by the referrer's own. */
				struct kust_fs spec = *fs;
				spec.group = spec.version = spec.kind = m->ctx->s_empty;
				n.spec = fs;
				n.target = nr;
				struct kust_fs_visit v = { m->ctx, set_ref, -1, &n, &r->origin, NULL };
				n.at = &r->origin;
				errors += kust_fs_apply(&v, &spec, &r->body);
			}
		}
	}
	return errors;
}
