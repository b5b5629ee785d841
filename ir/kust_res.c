/*
 * kust_res.c - kustomize's view of a resource: identity rules, build state
 * and the accumulator's id index.
 *
 * kustomize keeps a resource's history (previous names, namespaces and
 * kinds, the prefixes and suffixes applied, generator behaviour) in
 * "internal.config.kubernetes.io/..." annotations it strips at the end; we
 * keep the same facts in struct kust_res beside the body, which gives the
 * same answers without parsing comma-separated strings on every lookup.
 *
 * Two ids are equal when group, version, kind, name and *effective*
 * namespace are: an empty namespace means "default", and a cluster-scoped
 * kind has none.  Cluster scope is what kustomize's builtin OpenAPI data
 * (Kubernetes v1.21.2) says, not what a newer cluster would say, because
 * that is what decides kustomize's output.
 *
 * The index maps an id to the resources that carry it (current ids, and
 * separately current-or-previous ids), so appends, conflict checks and
 * "find by any id" are O(1) instead of kustomize's scan of the whole list.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/passes.h"

/* ------------------------------------------------------------ scope */

/* Cluster-scoped (apiVersion, kind) pairs of kustomize's default schema;
 * everything else, custom resources included, counts as namespaced. */
struct scoped {
	const char *api, *kind;
	uint8_t kindlen;
};

#define S(api, kind) { api, kind, sizeof kind - 1 }

static const struct scoped cluster_scoped[] = {
	S("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
	S("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
	S("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"),
	S("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"),
	S("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
	S("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"),
	S("apiregistration.k8s.io/v1", "APIService"),
	S("apiregistration.k8s.io/v1beta1", "APIService"),
	S("certificates.k8s.io/v1", "CertificateSigningRequest"),
	S("certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
	S("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
	S("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"),
	S("networking.k8s.io/v1", "IngressClass"),
	S("networking.k8s.io/v1beta1", "IngressClass"),
	S("node.k8s.io/v1", "RuntimeClass"),
	S("node.k8s.io/v1beta1", "RuntimeClass"),
	S("policy/v1beta1", "PodSecurityPolicy"),
	S("rbac.authorization.k8s.io/v1", "ClusterRole"),
	S("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
	S("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
	S("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
	S("scheduling.k8s.io/v1", "PriorityClass"),
	S("scheduling.k8s.io/v1beta1", "PriorityClass"),
	S("storage.k8s.io/v1", "CSIDriver"),
	S("storage.k8s.io/v1", "CSINode"),
	S("storage.k8s.io/v1", "StorageClass"),
	S("storage.k8s.io/v1", "VolumeAttachment"),
	S("storage.k8s.io/v1beta1", "CSIDriver"),
	S("storage.k8s.io/v1beta1", "CSINode"),
	S("storage.k8s.io/v1beta1", "StorageClass"),
	S("storage.k8s.io/v1beta1", "VolumeAttachment"),
	S("v1", "ComponentStatus"),
	S("v1", "Namespace"),
	S("v1", "Node"),
	S("v1", "NodeProxyOptions"),
	S("v1", "PersistentVolume"),
};

#undef S

bool kust_cluster_scoped(struct mc_ctx *ctx, const struct str *group,
	const struct str *version, const struct str *kind)
{
	(void)ctx;
	if (!kind || !kind->len)
		return false;
	for (size_t i = 0; i < sizeof cluster_scoped / sizeof *cluster_scoped; i++) {
		const struct scoped *c = &cluster_scoped[i];
		if (c->kindlen != kind->len || c->kind[0] != kind->s[0] ||
		    memcmp(c->kind, kind->s, kind->len))
			continue;
		const char *slash = strchr(c->api, '/');
		if (slash) {
			size_t gl = (size_t)(slash - c->api);
			if (group->len == gl && !memcmp(group->s, c->api, gl) && str_eqc(version, slash + 1))
				return true;
		} else if (!group->len && str_eqc(version, c->api)) {
			return true;
		}
	}
	return false;
}

const struct str *kust_effective_ns(struct mc_ctx *ctx, const struct ir_resid *id)
{
	if (kust_cluster_scoped(ctx, id->group, id->version, id->kind))
		return mc_intern0(ctx, "_non_namespaceable_");
	if (!id->ns->len || id->ns == ctx->s_default || str_eqc(id->ns, "default"))
		return ctx->s_default;
	return id->ns;
}

/* The effective namespace of a previous id: stored already effective, and
 * kustomize rebuilds previous ids without the cluster-scope flag. */
static const struct str *prev_effective_ns(struct mc_ctx *ctx, const struct str *ns)
{
	return ns->len ? ns : ctx->s_default;
}

bool kust_id_equals(struct mc_ctx *ctx, const struct ir_resid *a, const struct ir_resid *b)
{
	return str_eq(a->name, b->name) && str_eq(a->kind, b->kind) &&
		str_eq(a->group, b->group) && str_eq(a->version, b->version) &&
		str_eq(kust_effective_ns(ctx, a), kust_effective_ns(ctx, b));
}

const char *kust_id_str(struct mc_ctx *ctx, const struct ir_resid *id)
{
	return arena_printf(&ctx->arena, "%s.%s.%s/%s.%s",
		id->kind->len ? id->kind->s : "[noKind]",
		id->version->len ? id->version->s : "[noVer]",
		id->group->len ? id->group->s : "[noGrp]",
		id->name->len ? id->name->s : "[noName]",
		id->ns->len ? id->ns->s : "[noNs]");
}

bool kust_gvk_selected(const struct ir_resid *id, const struct str *group,
	const struct str *version, const struct str *kind)
{
	if (group && group->len && !str_eq(group, id->group))
		return false;
	if (version && version->len && !str_eq(version, id->version))
		return false;
	if (kind && kind->len && !str_eq(kind, id->kind))
		return false;
	return true;
}

/* ------------------------------------------------------------ state */

struct kust_res *kust_res_of(struct mc_ctx *ctx, struct ir_resource *r)
{
	if (!r->ext)
		r->ext = arena_calloc(&ctx->arena, 1, sizeof(struct kust_res));
	return r->ext;
}

#define VEC_COPY(a, dst, src)                                                  \
	do {                                                                   \
		(dst)->len = (dst)->cap = 0;                                   \
		(dst)->items = NULL;                                           \
		for (size_t i_ = 0; i_ < (src)->len; i_++)                     \
			VEC_PUSH((a), (dst), (src)->items[i_]);                \
	} while (0)

void kust_res_copy(struct mc_ctx *ctx, struct ir_resource *dst, struct ir_resource *src)
{
	if (!src->ext) {
		dst->ext = NULL;
		return;
	}
	struct kust_res *s = src->ext;
	struct kust_res *d = arena_calloc(&ctx->arena, 1, sizeof *d);
	*d = *s;
	VEC_COPY(&ctx->arena, &d->prev, &s->prev);
	VEC_COPY(&ctx->arena, &d->prefixes, &s->prefixes);
	VEC_COPY(&ctx->arena, &d->suffixes, &s->suffixes);
	VEC_COPY(&ctx->arena, &d->refvars, &s->refvars);
	dst->ext = d;
}

void kust_store_prev_id(struct mc_ctx *ctx, struct ir_resource *r)
{
	/* kustomize writes the ids with SetAnnotation, which first clears an
	 * annotations field that is empty or not a map (ClearEmptyAnnotations). */
	struct ir_node *md = ir_map_get(r->body, ctx->s_metadata);
	struct ir_node *ann = ir_map_get(md, ctx->s_annotations);
	if (ir_map_find(md, ctx->s_annotations) && (!ir_is_map(ann) || !ann->map.len) &&
	    !(ir_is_seq(ann) && ann->seq.len))
		ir_map_del(md, ctx->s_annotations);
	struct kust_res *x = kust_res_of(ctx, r);
	struct kust_previd p = { kust_effective_ns(ctx, &r->id), r->id.name, r->id.kind };
	/* kustomize appends to comma-separated annotations and skips empty
	 * values, so an empty name or kind would shift the lists; names and
	 * kinds are never empty here (resources without them are refused). */
	VEC_PUSH(&ctx->arena, &x->prev, p);
}

void kust_rename(struct mc_ctx *ctx, struct ir_resource *r, const struct str *name)
{
	kust_store_prev_id(ctx, r);
	struct ir_node *md = ir_map_child(ctx, r->body, "metadata");
	struct ir_pair *p = ir_map_find(md, ctx->s_name);
	if (p) {
		kust_set_scalar(ctx, &p->value, name, IR_NULL, &p->value->pos); /* SetName */
	} else {
		struct ir_node *v = NULL;
		kust_set_scalar(ctx, &v, name, IR_NULL, &md->pos);
		ir_map_set(ctx, md, ctx->s_name, v);
	}
	ir_resource_sync(ctx, r);
}

size_t kust_previds(struct mc_ctx *ctx, struct ir_resource *r, struct ir_resid *out, size_t max)
{
	struct kust_res *x = r->ext;
	if (!x)
		return 0;
	for (size_t i = 0; i < x->prev.len && i < max; i++) {
		out[i].group = r->id.group;
		out[i].version = r->id.version;
		out[i].kind = x->prev.items[i].kind;
		out[i].name = x->prev.items[i].name;
		out[i].ns = prev_effective_ns(ctx, x->prev.items[i].ns);
	}
	return x->prev.len;
}

void kust_orgid(struct mc_ctx *ctx, struct ir_resource *r, struct ir_resid *out)
{
	if (!kust_previds(ctx, r, out, 1))
		*out = r->id;
}

/* ------------------------------------------------------------ index */

struct kust_slot {
	uint64_t hash;
	struct ir_resource *r;
	const struct str *name, *kind, *ns; /* the id this entry is for */
};

struct kust_table {
	struct kust_slot *slots;
	size_t cap, len;
};

struct kust_idx {
	struct ir_reslist *list; /* the list indexed */
	size_t indexed;          /* how many of its items */
	struct kust_table cur;
	struct kust_table any;   /* built on demand */
	bool any_built;
};

static uint64_t key_hash(const struct str *group, const struct str *version,
	const struct str *kind, const struct str *name, const struct str *effns)
{
	uint64_t h = group->hash;
	h = h * 0x9e3779b97f4a7c15ULL ^ version->hash;
	h = h * 0x9e3779b97f4a7c15ULL ^ kind->hash;
	h = h * 0x9e3779b97f4a7c15ULL ^ name->hash;
	h = h * 0x9e3779b97f4a7c15ULL ^ effns->hash;
	return (h ^ (h >> 31)) | 1;
}

static void table_put(struct mc_ctx *ctx, struct kust_table *t, struct kust_slot s);

static void table_grow(struct mc_ctx *ctx, struct kust_table *t)
{
	struct kust_table old = *t;
	t->cap = old.cap ? old.cap * 2 : 64;
	t->slots = arena_calloc(&ctx->arena, t->cap, sizeof *t->slots);
	t->len = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].hash)
			table_put(ctx, t, old.slots[i]);
}

static void table_put(struct mc_ctx *ctx, struct kust_table *t, struct kust_slot s)
{
	if ((t->len + 1) * 2 > t->cap)
		table_grow(ctx, t);
	size_t j = s.hash & (t->cap - 1);
	while (t->slots[j].hash)
		j = (j + 1) & (t->cap - 1);
	t->slots[j] = s;
	t->len++;
}

static void index_cur(struct mc_ctx *ctx, struct kust_idx *ix, struct ir_resource *r)
{
	const struct str *ns = kust_effective_ns(ctx, &r->id);
	struct kust_slot s = {
		key_hash(r->id.group, r->id.version, r->id.kind, r->id.name, ns),
		r, r->id.name, r->id.kind, ns,
	};
	table_put(ctx, &ix->cur, s);
	if (ix->any_built)
		table_put(ctx, &ix->any, s);
}

static void index_prev(struct mc_ctx *ctx, struct kust_idx *ix, struct ir_resource *r)
{
	struct kust_res *x = r->ext;
	for (size_t i = 0; x && i < x->prev.len; i++) {
		const struct kust_previd *p = &x->prev.items[i];
		const struct str *ns = prev_effective_ns(ctx, p->ns);
		struct kust_slot s = {
			key_hash(r->id.group, r->id.version, p->kind, p->name, ns),
			r, p->name, p->kind, ns,
		};
		table_put(ctx, &ix->any, s);
	}
}

static struct kust_idx *get_index(struct ir_module *m, struct kust *k)
{
	struct kust_idx *ix = k->acc->idx;
	if (ix && ix->list == &m->res && ix->indexed == m->res.len)
		return ix;
	if (!ix || ix->list != &m->res || ix->indexed > m->res.len) {
		ix = arena_calloc(&m->ctx->arena, 1, sizeof *ix);
		ix->list = &m->res;
		k->acc->idx = ix;
	}
	/* Items appended behind the index's back (by a pass that pushes
	 * directly) are indexed now. */
	for (size_t i = ix->indexed; i < m->res.len; i++) {
		index_cur(m->ctx, ix, m->res.items[i]);
		if (ix->any_built)
			index_prev(m->ctx, ix, m->res.items[i]);
	}
	ix->indexed = m->res.len;
	return ix;
}

void kust_acc_touched(struct kust *k)
{
	if (k && k->acc)
		k->acc->idx = NULL;
}

static size_t lookup(struct mc_ctx *ctx, struct kust_table *t, const struct ir_resid *id,
	struct ir_resource **out, size_t max)
{
	if (!t->cap)
		return 0;
	const struct str *ns = kust_effective_ns(ctx, id);
	uint64_t h = key_hash(id->group, id->version, id->kind, id->name, ns);
	size_t n = 0;
	for (size_t j = h & (t->cap - 1); t->slots[j].hash; j = (j + 1) & (t->cap - 1)) {
		const struct kust_slot *s = &t->slots[j];
		if (s->hash != h || !str_eq(s->name, id->name) || !str_eq(s->kind, id->kind) ||
		    !str_eq(s->ns, ns) || !str_eq(s->r->id.group, id->group) ||
		    !str_eq(s->r->id.version, id->version))
			continue;
		bool dup = false;
		for (size_t i = 0; i < n && i < max; i++)
			dup |= out[i] == s->r;
		if (dup)
			continue;
		if (n < max)
			out[n] = s->r;
		n++;
	}
	return n;
}

/* Lookups return matches in list order, as kustomize's scans do. */
static void order_by_list(struct ir_reslist *l, struct ir_resource **out, size_t n)
{
	if (n < 2)
		return;
	/* Several matches only happen for conflicts and renamed resources
	 * sharing an old id, so a scan of the list here is rare. */
	size_t k = 0;
	struct ir_resource *tmp[16];
	size_t m = n < 16 ? n : 16;
	for (size_t i = 0; i < l->len && k < m; i++)
		for (size_t j = 0; j < m; j++)
			if (out[j] == l->items[i])
				tmp[k++] = l->items[i];
	memcpy(out, tmp, k * sizeof *out);
}

size_t kust_acc_find_cur(struct ir_module *m, struct kust *k, const struct ir_resid *id,
	struct ir_resource **out, size_t max)
{
	struct kust_idx *ix = get_index(m, k);
	size_t n = lookup(m->ctx, &ix->cur, id, out, max);
	order_by_list(&m->res, out, n < max ? n : max);
	return n;
}

size_t kust_acc_find_any(struct ir_module *m, struct kust *k, const struct ir_resid *id,
	struct ir_resource **out, size_t max)
{
	struct kust_idx *ix = get_index(m, k);
	if (!ix->any_built) {
		ix->any_built = true;
		for (size_t i = 0; i < ix->cur.cap; i++)
			if (ix->cur.slots[i].hash)
				table_put(m->ctx, &ix->any, ix->cur.slots[i]);
		for (size_t i = 0; i < m->res.len; i++)
			index_prev(m->ctx, ix, m->res.items[i]);
	}
	size_t n = lookup(m->ctx, &ix->any, id, out, max);
	order_by_list(&m->res, out, n < max ? n : max);
	return n;
}

int kust_acc_append(struct ir_module *m, struct kust *k, struct ir_resource *r,
	const struct srcpos *at)
{
	kust_openapi_note_id(m->ctx, k, &r->id);
	struct ir_resource *found[1];
	if (kust_acc_find_cur(m, k, &r->id, found, 1))
		return diag_error(&m->ctx->diag, at,
			"may not add resource with an already registered id: %s",
			kust_id_str(m->ctx, &r->id));
	ir_reslist_push(m->ctx, &m->res, r);
	struct kust_idx *ix = k->acc->idx;
	index_cur(m->ctx, ix, r);
	if (ix->any_built)
		index_prev(m->ctx, ix, r);
	ix->indexed = m->res.len;
	return 0;
}

int kust_acc_check_unique(struct ir_module *m, struct kust *k, const struct srcpos *at)
{
	kust_acc_touched(k);
	for (size_t i = 0; i < m->res.len; i++) {
		struct ir_resource *found[2];
		if (kust_acc_find_cur(m, k, &m->res.items[i]->id, found, 2) > 1 &&
		    found[1] == m->res.items[i]) {
			/* Without an entry to blame, the name (a patch that renamed
			 * it left its position there). */
			const struct ir_node *name = ir_path(m->res.items[i]->body, "metadata/name");
			return diag_error(&m->ctx->diag, at ? at : name ? &name->pos : &m->res.items[i]->origin,
				"may not add resource with an already registered id: %s",
				kust_id_str(m->ctx, &m->res.items[i]->id));
		}
	}
	return 0;
}
