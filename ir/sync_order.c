/*
 * sync_order.c - the order in which Argo CD applies an Application's
 * resources (gitops-engine pkg/sync: getSyncTasks, syncTasks.Sort).
 *
 * Each resource gives zero or more tasks: a plain resource one Sync task, a
 * hook one task per distinct phase among its types, a Skip-only object or a
 * hook with no valid type none (those are still part of the Application,
 * listed as `unsynced`).  Tasks sort by phase, wave (sync-wave, else
 * helm.sh/hook-weight, else 0), position of the kind in Helm's old install
 * order (other kinds after all of them), then name.  Argo CD's sort is
 * unstable over input in map order, so ties are broken here by namespace as
 * written, API group, kind and input position: one fixed order among those
 * Argo CD can produce.  Then the Namespace and CRD moves (adjustDeps) pull a
 * dependency in front of its first user, taking that user's phase and wave.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/passes.h"


/* gitops-engine's kindOrder; kinds not listed sort after all of these. */
static const char *const kind_order[] = {
	"Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap",
	"StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition",
	"ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role",
	"RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
	"ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler",
	"StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
};

#define NKINDS ((int)(sizeof kind_order / sizeof kind_order[0]))

static int kind_rank(const struct str *kind)
{
	for (int i = 0; i < NKINDS; i++)
		if (str_eqc(kind, kind_order[i]))
			return i - NKINDS;
	return 0;
}

const char *sync_phase_name(enum sync_phase p)
{
	switch (p) {
	case SYNC_PHASE_PRESYNC: return "PreSync";
	case SYNC_PHASE_SYNC: return "Sync";
	case SYNC_PHASE_POSTSYNC: return "PostSync";
	case SYNC_PHASE_SYNCFAIL: return "SyncFail";
	}
	return "?";
}

static const struct ir_node *annotation(const struct ir_node *body, const char *key)
{
	return ir_map_getc(ir_path(body, "metadata/annotations"), key);
}

/* strconv.Atoi of an annotation value; false when absent or malformed. */
static bool atoi_annotation(const struct ir_node *body, const char *key, int64_t *out)
{
	const struct ir_node *v = annotation(body, key);
	const struct str *t = ir_is_str(v) ? v->s.text : NULL;
	return t && go_parse_int(t->s, t->len, 10, out);
}

int64_t sync_wave_of(const struct ir_node *body)
{
	int64_t w;
	if (atoi_annotation(body, "argocd.argoproj.io/sync-wave", &w))
		return w;
	if (atoi_annotation(body, "helm.sh/hook-weight", &w))
		return w;
	return 0;
}

/* The comma-separated values of an annotation, trimmed, without empties
 * and duplicates (GetAnnotationCSVs), calling fn on each. */
static void each_csv(const struct ir_node *body, const char *key,
	void (*fn)(const char *s, size_t n, void *arg), void *arg)
{
	const char *v = ir_cstr(annotation(body, key));
	if (!v)
		return;
	const char *seen[64];
	size_t seen_len[64], nseen = 0;
	for (const char *p = v;;) {
		const char *c = strchr(p, ',');
		const char *e = c ? c : p + strlen(p);
		const char *b = p;
		while (b < e && (*b == ' ' || (*b >= '\t' && *b <= '\r')))
			b++;
		while (e > b && (e[-1] == ' ' || (e[-1] >= '\t' && e[-1] <= '\r')))
			e--;
		size_t n = (size_t)(e - b);
		bool dup = false;
		for (size_t i = 0; i < nseen && !dup; i++)
			dup = seen_len[i] == n && !memcmp(seen[i], b, n);
		if (n && !dup) {
			if (nseen < 64) {
				seen[nseen] = b;
				seen_len[nseen++] = n;
			}
			fn(b, n, arg);
		}
		if (!c)
			break;
		p = c + 1;
	}
}

enum { T_PRESYNC = 1, T_SYNC = 2, T_POSTSYNC = 4, T_SYNCFAIL = 8, T_SKIP = 16 };

struct types {
	unsigned mask;
	unsigned count; /* valid types, with duplicates of mapped Helm types */
};

static bool word(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && !memcmp(s, w, n);
}

static void argo_type(const char *s, size_t n, void *arg)
{
	struct types *t = arg;
	unsigned bit = word(s, n, "PreSync") ? T_PRESYNC : word(s, n, "Sync") ? T_SYNC
		: word(s, n, "PostSync") ? T_POSTSYNC : word(s, n, "SyncFail") ? T_SYNCFAIL
		: word(s, n, "Skip") ? T_SKIP : 0;
	if (bit) {
		t->mask |= bit;
		t->count++;
	}
}

static void helm_type(const char *s, size_t n, void *arg)
{
	struct types *t = arg;
	unsigned bit = word(s, n, "pre-install") || word(s, n, "pre-upgrade") ? T_PRESYNC
		: word(s, n, "post-install") || word(s, n, "post-upgrade") ? T_POSTSYNC : 0;
	if (bit) {
		t->mask |= bit;
		t->count++;
	}
}

/* hook.Types: Argo CD's valid types, or only when there are none, the
 * Helm hook types mapped to phases. */
static struct types hook_types(const struct ir_node *body)
{
	struct types t = { 0, 0 };
	each_csv(body, "argocd.argoproj.io/hook", argo_type, &t);
	if (!t.count)
		each_csv(body, "helm.sh/hook", helm_type, &t);
	return t;
}

/* The phases an object is synced in (a mask), 0 for none. */
unsigned sync_phases_of(const struct ir_node *body)
{
	struct types t = hook_types(body);
	bool skip = (t.mask & T_SKIP) && t.count == 1;
	if (skip)
		return 0;
	const struct ir_node *anns = ir_path(body, "metadata/annotations");
	bool is_hook;
	if (ir_map_getc(anns, "argocd.argoproj.io/hook"))
		is_hook = true;
	else {
		const struct ir_node *h = ir_map_getc(anns, "helm.sh/hook");
		is_hook = h && !str_eqc(ir_text(h), "crd-install");
	}
	if (!is_hook)
		return 1u << SYNC_PHASE_SYNC;
	unsigned m = 0;
	if (t.mask & T_PRESYNC)
		m |= 1u << SYNC_PHASE_PRESYNC;
	if (t.mask & T_SYNC)
		m |= 1u << SYNC_PHASE_SYNC;
	if (t.mask & T_POSTSYNC)
		m |= 1u << SYNC_PHASE_POSTSYNC;
	if (t.mask & T_SYNCFAIL)
		m |= 1u << SYNC_PHASE_SYNCFAIL;
	return m;
}

struct keyed {
	struct sync_task t;
	int kind;
	const struct str *ns;   /* after namespace defaulting */
	const struct str *written_ns;
};

static int cmp_task(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	if (a->t.phase != b->t.phase)
		return a->t.phase < b->t.phase ? -1 : 1;
	if (a->t.wave != b->t.wave) {
		/* Go's Less takes the sign of the int difference, which wraps:
		 * wave 9223372036854775807 sorts before wave -1. */
		int64_t d = (int64_t)((uint64_t)a->t.wave - (uint64_t)b->t.wave);
		return d < 0 ? -1 : 1;
	}
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	const struct ir_resid *x = &a->t.res->id, *y = &b->t.res->id;
	int c = str_cmp(x->name, y->name);
	if (!c)
		c = str_cmp(a->written_ns, b->written_ns);
	if (!c)
		c = str_cmp(x->group, y->group);
	if (!c)
		c = str_cmp(x->kind, y->kind);
	if (!c)
		c = a->t.index < b->t.index ? -1 : a->t.index > b->t.index;
	return c;
}

/* A stable merge sort of the tasks.  With waves far apart the wrapping
 * comparison above is not transitive (Argo CD's order then depends on its
 * input too); a merge sort only ever compares and copies within bounds,
 * whatever the comparator answers, where qsort implementations need not. */
static void sort_tasks(struct keyed *k, size_t n)
{
	if (n < 2)
		return;
	struct keyed *tmp = xcalloc(n, sizeof *tmp);
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n - w; lo += 2 * w) {
			size_t mid = lo + w, hi = mid + w < n ? mid + w : n;
			size_t i = lo, j = mid, o = 0;
			while (i < mid && j < hi)
				tmp[o++] = cmp_task(&k[j], &k[i]) < 0 ? k[j++] : k[i++];
			while (i < mid)
				tmp[o++] = k[i++];
			while (j < hi)
				tmp[o++] = k[j++];
			memcpy(&k[lo], tmp, o * sizeof *tmp);
		}
	}
	free(tmp);
}

/* A small string-keyed table of first indexes, kept as a sorted-free list:
 * adjustDeps needs lookups and an "add 1 to all indexes >= i" step, both
 * linear in the number of distinct keys. */
struct firsts {
	const struct str **keys;
	size_t *at;
	size_t len;
};

static long firsts_get(const struct firsts *f, const struct str *k)
{
	for (size_t i = 0; i < f->len; i++)
		if (str_eq(f->keys[i], k))
			return (long)f->at[i];
	return -1;
}

typedef const struct str *(*dep_fn)(struct mc_ctx *ctx, const struct keyed *k);

static const struct str *ns_dep(struct mc_ctx *ctx, const struct keyed *k)
{
	(void)ctx;
	const struct ir_resid *id = &k->t.res->id;
	return str_eqc(id->kind, "Namespace") && id->group->len == 0 ? id->name : NULL;
}

static const struct str *ns_ref(struct mc_ctx *ctx, const struct keyed *k)
{
	(void)ctx;
	return k->ns->len ? k->ns : NULL;
}

static bool is_crd(const struct ir_resid *id)
{
	return str_eqc(id->kind, "CustomResourceDefinition") && str_eqc(id->group, "apiextensions.k8s.io");
}

static const struct str *crd_dep(struct mc_ctx *ctx, const struct keyed *k)
{
	if (!is_crd(&k->t.res->id))
		return NULL;
	const struct ir_node *g = ir_path(k->t.res->body, "spec/group");
	const struct ir_node *kind = ir_path(k->t.res->body, "spec/names/kind");
	if (!ir_is_str(g) || !ir_is_str(kind))
		return NULL;
	return str_printf(&ctx->strs, "%s/%s", g->s.text->s, kind->s.text->s);
}

static const struct str *crd_ref(struct mc_ctx *ctx, const struct keyed *k)
{
	const struct ir_resid *id = &k->t.res->id;
	return str_printf(&ctx->strs, "%s/%s", id->group->s, id->kind->s);
}

static void adjust_deps(struct mc_ctx *ctx, struct keyed *s, size_t n, dep_fn is_dep, dep_fn refs)
{
	struct firsts f = { 0 };
	f.keys = xcalloc(n ? n : 1, sizeof *f.keys);
	f.at = xcalloc(n ? n : 1, sizeof *f.at);
	for (size_t i = 0; i < n; i++) {
		const struct str *key = is_dep(ctx, &s[i]);
		if (key) {
			long index = firsts_get(&f, key);
			if (index < 0)
				continue;
			struct keyed t = s[i];
			t.t.wave = s[index].t.wave;
			t.t.phase = s[index].t.phase;
			memmove(&s[index + 1], &s[index], (i - (size_t)index) * sizeof *s);
			s[index] = t;
			for (size_t j = 0; j < f.len; j++)
				if (f.at[j] >= (size_t)index)
					f.at[j]++;
		} else if ((key = refs(ctx, &s[i])) && firsts_get(&f, key) < 0) {
			f.keys[f.len] = key;
			f.at[f.len++] = i;
		}
	}
	free(f.keys);
	free(f.at);
}

void sync_plan_build(struct mc_ctx *ctx, const struct ir_reslist *res, const char *dest_ns,
	struct sync_plan *plan)
{
	memset(plan, 0, sizeof *plan);
	size_t cap = res->len * 2 + 1, n = 0;
	struct keyed *k = xcalloc(cap, sizeof *k);
	const struct str *dest = mc_intern0(ctx, dest_ns ? dest_ns : "");
	VEC(struct ir_resource *) unsynced = { 0 };
	for (size_t i = 0; i < res->len; i++) {
		struct ir_resource *r = res->items[i];
		unsigned phases = sync_phases_of(r->body);
		if (!phases) {
			VEC_PUSH(&ctx->arena, &unsynced, r);
			continue;
		}
		for (int p = SYNC_PHASE_PRESYNC; p <= SYNC_PHASE_SYNCFAIL; p++) {
			if (!(phases & (1u << p)))
				continue;
			if (n == cap) {
				cap *= 2;
				k = xrealloc(k, cap * sizeof *k);
			}
			struct keyed *t = &k[n++];
			t->t.res = r;
			t->t.phase = (enum sync_phase)p;
			t->t.wave = sync_wave_of(r->body);
			t->t.index = (uint32_t)i;
			t->kind = kind_rank(r->id.kind);
			t->written_ns = r->id.ns;
			t->ns = r->id.ns->len ? r->id.ns : dest;
		}
	}
	sort_tasks(k, n);
	adjust_deps(ctx, k, n, ns_dep, ns_ref);
	adjust_deps(ctx, k, n, crd_dep, crd_ref);
	plan->tasks = arena_alloc(&ctx->arena, (n ? n : 1) * sizeof *plan->tasks);
	for (size_t i = 0; i < n; i++)
		plan->tasks[i] = k[i].t;
	plan->len = n;
	plan->unsynced = unsynced.items;
	plan->nunsynced = unsynced.len;
	free(k);
}

int sync_pass_order(struct ir_module *m)
{
	struct mc_ctx *ctx = m->ctx;
	struct sync_unit *u = m->unit;
	sync_plan_build(ctx, &m->res, u->dest_ns, &u->plan);
	size_t n = m->res.len;
	struct ir_resource **order = arena_alloc(&ctx->arena, (n + 1) * sizeof *order);
	u->waves = arena_alloc(&ctx->arena, (n + 1) * sizeof *u->waves);
	size_t k = 0;
	/* A hook with two phases is one resource: listed at its first task. */
	bool *placed = arena_calloc(&ctx->arena, n + 1, sizeof *placed);
	for (size_t i = 0; i < u->plan.len; i++) {
		if (placed[u->plan.tasks[i].index])
			continue;
		placed[u->plan.tasks[i].index] = true;
		u->waves[k] = u->plan.tasks[i].wave;
		order[k++] = u->plan.tasks[i].res;
	}
	for (size_t i = 0; i < u->plan.nunsynced; i++) {
		u->waves[k] = sync_wave_of(u->plan.unsynced[i]->body);
		order[k++] = u->plan.unsynced[i];
	}
	m->res.len = 0;
	ir_reslist_touched(&m->res);
	for (size_t i = 0; i < k; i++)
		ir_reslist_push(ctx, &m->res, order[i]);
	return 0;
}
