/*
 * rdiff.c - what changed between two renders of a GitOps repository.
 *
 * Environments are matched by name, Applications by name within an
 * environment, resources by (group, kind, namespace, name) within an
 * Application.  Digests decide what to look at: equal digests are equal
 * renders, and only Applications whose digest changed are loaded and
 * compared resource by resource.  For each resource that differs the
 * result holds a unified diff of its YAML (always computed on masked
 * copies, see mask.c), its sync-wave change and whether it moved in the
 * sync order; for each environment, a summary of image changes
 * (`bookverse-inventory 1.3.1 → 1.3.2`), taken from the containers of the
 * Applications that changed.
 *
 * Order changes are the resources outside a longest increasing
 * subsequence of old positions taken in new order: the fewest resources
 * whose moves explain the new order.
 *
 * Everything is allocated in ctx's arena; output order follows the new
 * render (removed things after, in old order), so the result is as
 * deterministic as the renders.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/backend.h"
#include "mc/diff.h"

/* ---- a small string -> index table (names and identities) ---- */

struct table {
	const char **keys;
	size_t *vals;
	size_t cap;
};

static void table_init(struct table *t, size_t n)
{
	t->cap = 16;
	while (t->cap < 2 * n + 2)
		t->cap *= 2;
	t->keys = xcalloc(t->cap, sizeof *t->keys);
	t->vals = xcalloc(t->cap, sizeof *t->vals);
}

static void table_release(struct table *t)
{
	free(t->keys);
	free(t->vals);
}

/* The slot for key: keys[i] is NULL (absent) or equal to key. */
static size_t table_slot(const struct table *t, const char *key)
{
	size_t i = str_hash(key, strlen(key)) & (t->cap - 1);
	while (t->keys[i] && strcmp(t->keys[i], key))
		i = (i + 1) & (t->cap - 1);
	return i;
}

/* Insert unless present (the first occurrence wins). */
static void table_put(struct table *t, const char *key, size_t val)
{
	size_t i = table_slot(t, key);
	if (!t->keys[i]) {
		t->keys[i] = key;
		t->vals[i] = val;
	}
}

static bool table_get(const struct table *t, const char *key, size_t *val)
{
	size_t i = table_slot(t, key);
	if (!t->keys[i])
		return false;
	*val = t->vals[i];
	return true;
}

/* ---- headers and texts ---- */

static const char *res_key(struct mc_ctx *ctx, const struct rout_res *r)
{
	return arena_printf(&ctx->arena, "%s\x1f%s\x1f%s\x1f%s", r->group, r->kind, r->ns, r->name);
}

const char *rdiff_header(struct mc_ctx *ctx, const struct rout_res *r)
{
	struct sbuf sb = SBUF_INIT;
	if (r->group[0])
		sbuf_printf(&sb, "%s/", r->group);
	sbuf_adds(&sb, r->kind);
	sbuf_addc(&sb, ' ');
	if (r->ns[0])
		sbuf_printf(&sb, "%s/", r->ns);
	sbuf_adds(&sb, r->name);
	char *s = arena_strndup(&ctx->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return s;
}

static int yaml_text(struct mc_ctx *ctx, const struct ir_node *n, const struct srcpos *pos,
	struct sbuf *out)
{
	const char *err = NULL;
	if (!n)
		return 0;
	if (emit_yaml(out, n, &err))
		return diag_error(&ctx->diag, pos, "cannot print resource: %s", err);
	return 0;
}

/* Unified hunks between two (already masked) documents, in the arena. */
static const char *patch_of(struct mc_ctx *ctx, const struct ir_node *a, const struct ir_node *b,
	const struct srcpos *pos, unsigned context, int *errs)
{
	struct sbuf ta = SBUF_INIT, tb = SBUF_INIT, out = SBUF_INIT;
	*errs += yaml_text(ctx, a, pos, &ta);
	*errs += yaml_text(ctx, b, pos, &tb);
	udiff(&out, ta.buf, ta.len, tb.buf, tb.len, context);
	const char *s = arena_strndup(&ctx->arena, out.buf, out.len);
	sbuf_release(&ta);
	sbuf_release(&tb);
	sbuf_release(&out);
	return s;
}

/* ---- images ---- */

struct image_use {
	const char *repo, *version;
};

typedef VEC(struct image_use) image_vec;

/* Split an image reference into repository and version (tag, digest or
 * both; "latest" when neither, as the kubelet pulls it). */
static void image_split(struct mc_ctx *ctx, const char *ref, struct image_use *out)
{
	const char *at = strchr(ref, '@');
	size_t end = at ? (size_t)(at - ref) : strlen(ref);
	const char *slash = NULL;
	for (size_t i = 0; i < end; i++)
		if (ref[i] == '/')
			slash = ref + i;
	const char *colon = NULL;
	for (const char *p = slash ? slash : ref; p < ref + end; p++)
		if (*p == ':')
			colon = p;
	size_t rl = colon ? (size_t)(colon - ref) : end;
	out->repo = arena_strndup(&ctx->arena, ref, rl);
	struct sbuf v = SBUF_INIT;
	if (colon)
		sbuf_add(&v, colon + 1, end - rl - 1);
	if (at) {
		/* A digest is long; its first 12 hex digits identify it. */
		const char *d = at + 1, *c = strchr(d, ':');
		size_t keep = c ? (size_t)(c - d) + 1 + 12 : 12;
		if (v.len)
			sbuf_addc(&v, '@');
		sbuf_add(&v, d, strlen(d) < keep ? strlen(d) : keep);
	}
	if (!v.len)
		sbuf_adds(&v, "latest");
	out->version = arena_strndup(&ctx->arena, v.buf, v.len);
	sbuf_release(&v);
}

static void collect_images(struct mc_ctx *ctx, const struct ir_node *n, image_vec *out, int depth)
{
	if (depth > 64)
		return;
	if (ir_is_seq(n)) {
		for (uint32_t i = 0; i < n->seq.len; i++)
			collect_images(ctx, n->seq.items[i], out, depth + 1);
		return;
	}
	if (!ir_is_map(n))
		return;
	for (uint32_t i = 0; i < n->map.len; i++) {
		const struct ir_pair *p = &n->map.items[i];
		const struct str *k = p->key->s.text;
		if ((str_eqc(k, "containers") || str_eqc(k, "initContainers") ||
		     str_eqc(k, "ephemeralContainers")) && ir_is_seq(p->value)) {
			for (uint32_t j = 0; j < p->value->seq.len; j++) {
				const char *img = ir_cstr(ir_map_getc(p->value->seq.items[j], "image"));
				if (img && *img) {
					struct image_use u;
					image_split(ctx, img, &u);
					VEC_PUSH(&ctx->arena, out, u);
				}
			}
		} else {
			collect_images(ctx, p->value, out, depth + 1);
		}
	}
}

static void app_images(struct mc_ctx *ctx, const struct rout_app *a, image_vec *out)
{
	for (size_t i = 0; a && i < a->nres; i++)
		collect_images(ctx, a->res[i].body, out, 0);
}

static int cmp_use(const void *x, const void *y)
{
	const struct image_use *a = x, *b = y;
	int c = strcmp(a->repo, b->repo);
	return c ? c : strcmp(a->version, b->version);
}

/* The distinct versions of repo in v[from..to) (sorted), joined. */
static const char *versions(struct mc_ctx *ctx, const struct image_use *v, size_t from, size_t to)
{
	if (from == to)
		return NULL;
	struct sbuf sb = SBUF_INIT;
	for (size_t i = from; i < to; i++) {
		if (i > from && !strcmp(v[i].version, v[i - 1].version))
			continue;
		if (sb.len)
			sbuf_adds(&sb, ", ");
		sbuf_adds(&sb, v[i].version);
	}
	const char *s = arena_strndup(&ctx->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return s;
}

typedef VEC(struct rd_image) rdimage_vec;

/* Image changes of one Application, added to the environment's list. */
static void image_changes(struct mc_ctx *ctx, const struct rout_app *o, const struct rout_app *n,
	rdimage_vec *out)
{
	image_vec a = { 0 }, b = { 0 };
	app_images(ctx, o, &a);
	app_images(ctx, n, &b);
	if (a.len)
		qsort(a.items, a.len, sizeof *a.items, cmp_use);
	if (b.len)
		qsort(b.items, b.len, sizeof *b.items, cmp_use);
	size_t i = 0, j = 0;
	while (i < a.len || j < b.len) {
		int c = i == a.len ? 1 : j == b.len ? -1 : strcmp(a.items[i].repo, b.items[j].repo);
		const char *repo = c <= 0 ? a.items[i].repo : b.items[j].repo;
		size_t ie = i, je = j;
		while (c <= 0 && ie < a.len && !strcmp(a.items[ie].repo, repo))
			ie++;
		while (c >= 0 && je < b.len && !strcmp(b.items[je].repo, repo))
			je++;
		const char *vo = versions(ctx, a.items, i, ie), *vn = versions(ctx, b.items, j, je);
		if (!vo || !vn || strcmp(vo, vn)) {
			struct rd_image im = { repo, vo, vn };
			VEC_PUSH(&ctx->arena, out, im);
		}
		i = ie;
		j = je;
	}
}

static int cmp_image(const void *x, const void *y)
{
	const struct rd_image *a = x, *b = y;
	int c = strcmp(a->repo, b->repo);
	if (c)
		return c;
	c = strcmp(a->old ? a->old : "", b->old ? b->old : "");
	return c ? c : strcmp(a->new ? a->new : "", b->new ? b->new : "");
}

static void sort_images(rdimage_vec *v)
{
	if (!v->len)
		return;
	qsort(v->items, v->len, sizeof *v->items, cmp_image);
	size_t w = 1;
	for (size_t i = 1; i < v->len; i++)
		if (cmp_image(&v->items[i], &v->items[w - 1]))
			v->items[w++] = v->items[i];
	v->len = w;
}

/* ---- resources of one Application ---- */

typedef VEC(struct rd_res) rdres_vec;

/* Mark the moved resources: new-order list of old positions, LIS kept. */
static size_t mark_moved(struct rd_res **common, size_t n)
{
	if (n < 2)
		return 0;
	/* Patience sorting: tails[k] = index (into common) of the smallest
	 * tail of an increasing run of length k + 1; prev links the runs. */
	size_t *tails = xmalloc(n * sizeof *tails), *prev = xmalloc(n * sizeof *prev);
	bool *keep = xcalloc(n, sizeof *keep);
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = len, v = common[i]->old_pos;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (common[tails[mid]]->old_pos < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo ? tails[lo - 1] : SIZE_MAX;
		tails[lo] = i;
		if (lo == len)
			len++;
	}
	for (size_t k = tails[len - 1]; k != SIZE_MAX; k = prev[k])
		keep[k] = true;
	size_t moved = 0;
	for (size_t i = 0; i < n; i++)
		if (!keep[i]) {
			common[i]->moved = true;
			moved++;
		}
	free(tails);
	free(prev);
	free(keep);
	return moved;
}

static struct rd_res make_res(struct mc_ctx *ctx, const struct rdiff_opts *opts,
	const struct rout_res *o, const struct rout_res *n, int *errs)
{
	struct rd_res r = { 0 };
	r.status = !o ? RD_ADDED : !n ? RD_REMOVED : RD_CHANGED;
	r.old = o;
	r.new = n;
	r.header = rdiff_header(ctx, n ? n : o);
	if (o && n)
		r.wave_changed = o->wave != n->wave;
	if (!o || !n || strcmp(o->digest, n->digest)) {
		struct ir_node *mo, *mn;
		r.masked = mask_pair(ctx, &opts->mask, o ? o->body : NULL, n ? n->body : NULL,
			&mo, &mn, &r.keys);
		r.patch = patch_of(ctx, mo, mn, n ? &n->pos : &o->pos, opts->context, errs);
	} else {
		r.patch = "";
	}
	return r;
}

static int diff_app(struct mc_ctx *ctx, const struct rdiff_opts *opts, const struct rout *ro,
	const struct rout *rn, struct rout_app *o, struct rout_app *n, struct rd_app *out,
	rdimage_vec *images)
{
	int errs = 0;
	memset(out, 0, sizeof *out);
	out->old = o;
	out->new = n;
	out->name = n ? n->name : o->name;
	out->status = !o ? RD_ADDED : !n ? RD_REMOVED : RD_CHANGED;
	if (o)
		errs += rout_app_load(ctx, ro, o);
	if (n)
		errs += rout_app_load(ctx, rn, n);
	if (errs)
		return errs;
	if (o && n) {
		out->wave_changed = o->wave != n->wave;
		out->dest_changed = strcmp(o->server, n->server) || strcmp(o->dest_ns, n->dest_ns);
		out->project_changed = strcmp(o->project, n->project) != 0;
		if (!ir_equal(o->source, n->source))
			out->source_patch = patch_of(ctx, o->source, n->source, &n->pos,
				opts->context, &errs);
	}

	rdres_vec v = { 0 };
	size_t no = o ? o->nres : 0, nn = n ? n->nres : 0;
	struct table t;
	table_init(&t, no);
	for (size_t i = 0; i < no; i++)
		table_put(&t, res_key(ctx, &o->res[i]), i);
	bool *matched = xcalloc(no ? no : 1, sizeof *matched);
	struct rd_res **common = xmalloc((nn ? nn : 1) * sizeof *common);
	size_t ncommon = 0;
	/* Pairs first (positions are needed for the order), then filter. */
	struct rd_res *all = xcalloc(nn ? nn : 1, sizeof *all);
	for (size_t j = 0; j < nn; j++) {
		size_t i;
		const struct rout_res *orr = NULL;
		if (table_get(&t, res_key(ctx, &n->res[j]), &i) && !matched[i]) {
			matched[i] = true;
			orr = &o->res[i];
		}
		all[j] = make_res(ctx, opts, orr, &n->res[j], &errs);
		all[j].new_pos = j + 1;
		if (orr) {
			all[j].old_pos = i + 1;
			common[ncommon++] = &all[j];
		}
	}
	out->moved = mark_moved(common, ncommon);
	for (size_t j = 0; j < nn; j++) {
		struct rd_res *r = &all[j];
		if (r->status == RD_CHANGED && !r->patch[0] && !r->wave_changed && !r->moved &&
		    !strcmp(r->old->digest, r->new->digest))
			continue;
		out->added += r->status == RD_ADDED;
		out->changed += r->status == RD_CHANGED;
		VEC_PUSH(&ctx->arena, &v, *r);
	}
	for (size_t i = 0; i < no; i++)
		if (!matched[i]) {
			struct rd_res r = make_res(ctx, opts, &o->res[i], NULL, &errs);
			r.old_pos = i + 1;
			out->removed++;
			VEC_PUSH(&ctx->arena, &v, r);
		}
	free(all);
	free(common);
	free(matched);
	table_release(&t);
	out->res = v.items;
	out->nres = v.len;
	image_changes(ctx, o, n, images);
	return errs;
}

/* ---- environments ---- */

typedef VEC(struct rd_app) rdapp_vec;

static int diff_env(struct mc_ctx *ctx, const struct rdiff_opts *opts, const struct rout *ro,
	const struct rout *rn, struct rout_env *o, struct rout_env *n, struct rd_env *out)
{
	int errs = 0;
	memset(out, 0, sizeof *out);
	out->name = n ? n->name : o->name;
	out->status = !o ? RD_ADDED : !n ? RD_REMOVED : RD_CHANGED;
	size_t no = o ? o->napps : 0, nn = n ? n->napps : 0;
	struct table t;
	table_init(&t, no);
	for (size_t i = 0; i < no; i++)
		table_put(&t, o->apps[i].name, i);
	bool *matched = xcalloc(no ? no : 1, sizeof *matched);
	rdapp_vec apps = { 0 };
	rdimage_vec images = { 0 };
	for (size_t j = 0; j < nn; j++) {
		size_t i;
		struct rout_app *oa = NULL;
		if (table_get(&t, n->apps[j].name, &i) && !matched[i]) {
			matched[i] = true;
			oa = &o->apps[i];
		}
		if (oa && !strcmp(oa->digest, n->apps[j].digest) && oa->wave == n->apps[j].wave)
			continue;
		struct rd_app a;
		errs += diff_app(ctx, opts, ro, rn, oa, &n->apps[j], &a, &images);
		VEC_PUSH(&ctx->arena, &apps, a);
	}
	for (size_t i = 0; i < no; i++)
		if (!matched[i]) {
			struct rd_app a;
			errs += diff_app(ctx, opts, ro, rn, &o->apps[i], NULL, &a, &images);
			VEC_PUSH(&ctx->arena, &apps, a);
		}
	free(matched);
	table_release(&t);
	sort_images(&images);
	out->apps = apps.items;
	out->napps = apps.len;
	out->images = images.items;
	out->nimages = images.len;
	return errs;
}

typedef VEC(struct rd_env) rdenv_vec;

static void count(struct rdiff *d, const struct rd_env *e)
{
	for (size_t i = 0; i < e->napps; i++) {
		const struct rd_app *a = &e->apps[i];
		d->apps_added += a->status == RD_ADDED;
		d->apps_removed += a->status == RD_REMOVED;
		d->apps_changed += a->status == RD_CHANGED;
		d->res_added += a->added;
		d->res_removed += a->removed;
		d->res_changed += a->changed;
	}
}

int rdiff_compute(struct mc_ctx *ctx, struct rout *o, struct rout *n, const struct rdiff_opts *opts,
	struct rdiff *out)
{
	int errs = 0;
	memset(out, 0, sizeof *out);
	struct table t;
	table_init(&t, o->nenvs);
	for (size_t i = 0; i < o->nenvs; i++)
		table_put(&t, o->envs[i].name, i);
	bool *matched = xcalloc(o->nenvs ? o->nenvs : 1, sizeof *matched);
	rdenv_vec envs = { 0 };
	for (size_t j = 0; j < n->nenvs; j++) {
		size_t i;
		struct rout_env *oe = NULL;
		if (table_get(&t, n->envs[j].name, &i) && !matched[i]) {
			matched[i] = true;
			oe = &o->envs[i];
		}
		if (oe && oe->digest && n->envs[j].digest && !strcmp(oe->digest, n->envs[j].digest))
			continue;
		struct rd_env e;
		errs += diff_env(ctx, opts, o, n, oe, &n->envs[j], &e);
		if (e.napps || e.status != RD_CHANGED)
			VEC_PUSH(&ctx->arena, &envs, e);
	}
	for (size_t i = 0; i < o->nenvs; i++)
		if (!matched[i]) {
			struct rd_env e;
			errs += diff_env(ctx, opts, o, n, &o->envs[i], NULL, &e);
			VEC_PUSH(&ctx->arena, &envs, e);
		}
	free(matched);
	table_release(&t);
	out->envs = envs.items;
	out->nenvs = envs.len;
	for (size_t i = 0; i < out->nenvs; i++)
		count(out, &out->envs[i]);
	out->differs = out->nenvs > 0;
	return errs;
}
