/*
 * repo_render.c - a whole GitOps repository: every Application it makes
 * Argo CD run, rendered.
 *
 * 1. Discovery: the repository's files (its git index, else its tree), or
 *    the roots manifestc.yaml names; YAML and JSON files that mention an
 *    Application, an ApplicationSet or a cluster Secret are parsed (files
 *    inside Helm charts are templates, not manifests, and are skipped).
 *    Documents without spec.destination or spec.project (kustomize patches
 *    of Applications) cannot be applied and are not Applications.
 * 2. ApplicationSets generate their Applications (validated, sorted).
 * 3. Applications render on a thread pool, one mc_ctx per Application,
 *    sharing the vfs (files read once) and the world.  Each result keeps
 *    only bytes and metadata; its context is released at once.
 * 4. App of apps: Applications and ApplicationSets in an Application's
 *    output are followed, round after round.  A child that is also a
 *    discovered Application with the same spec is the same Application; if
 *    its spec differs, the child (what the parent applies) replaces it.  Two
 *    parents making one Application is an error.
 * 5. With validation (repo_validate.c), each Application keeps its context
 *    (its resources, with the positions of the nodes that set each value)
 *    until its environment has been validated.
 * Results are sorted by environment, sync wave and name; the bytes do not
 * depend on thread timing.  Findings are structured (struct diag_msg) and
 * detached from the contexts that reported them (diag_detach) into the
 * result, each once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <xxhash.h>

#include "argocd.h"
#include "mc/diff.h"
#include "mc/backend.h"

#define MAX_ROUNDS 16

void repo_digest(const void *data, size_t len, char out[33])
{
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits(data, len));
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[c.digest[i] >> 4];
		out[2 * i + 1] = hex[c.digest[i] & 15];
	}
	out[32] = '\0';
}

struct job {
	const struct ir_node *app;  /* read-only, in the main or a parent's carry ctx */
	char *key;                  /* instance name */
	char *origin;               /* where it came from, for messages */
	int parent;                 /* the job that rendered it, -1 for discovered */
	bool dropped;
	struct mc_ctx *carry;       /* children found in the output live here */
	struct ir_node **children;
	size_t nchildren;
	struct repo_app out;
	struct diag found;          /* the render's findings, detached into keep */
	struct arena keep;
	size_t nerrors, nwarnings;
	/* Kept for validation, in the worker's keep context: its resources in
	 * sync order, the line of each in the output file, where values were
	 * set. */
	struct mc_ctx *vctx;
	const struct ir_node **bodies;
	size_t nbodies;
	uint32_t *lines;
	struct app_trace trace;
};

struct run {
	const struct repo_render_opts *o;
	struct repo_config cfg;
	struct repo_check check;    /* validation: policy, schemas, AppProjects */
	struct appset_world world;
	struct vfs *fs;
	struct mc_ctx main;
	struct job **jobs;
	size_t njobs, cap;
	atomic_size_t next;
	size_t end;
	/* Validation: one context per worker slot holds what the renders of
	 * that worker keep until the environments are validated. */
	struct mc_ctx **keeps;
	size_t nkeeps;
};

/* A worker thread: its slot picks its keep context. */
struct worker_arg {
	struct run *r;
	size_t slot;
};

/* ---------------------------------------------------------- helpers */

static char *xfmt_pos(const struct srcpos *p)
{
	struct sbuf sb = SBUF_INIT;
	if (p && p->file)
		sbuf_printf(&sb, "%s:%u:%u", p->file->path, p->line, p->col);
	else
		sbuf_adds(&sb, "(unknown)");
	return sbuf_detach(&sb, NULL);
}

/* A job's findings, made independent of its context (which is released
 * long before they are printed). */
static void take_diags(struct diag *d, struct job *j)
{
	diag_detach(d, 0, &j->keep);
	j->nerrors += d->nerrors;
	j->nwarnings += d->nwarnings;
	diag_merge(&j->found, d);
}

static const char *instance_of(struct run *r, const struct ir_node *app, struct sbuf *sb)
{
	const char *name = ir_path_cstr(app, "metadata/name");
	const char *ns = ir_path_cstr(app, "metadata/namespace");
	sbuf_reset(sb);
	if (ns && *ns && strcmp(ns, r->cfg.argo.control_ns))
		sbuf_printf(sb, "%s_%s", ns, name ? name : "");
	else
		sbuf_adds(sb, name ? name : "");
	return sb->buf;
}

static struct job *add_job(struct run *r, const struct ir_node *app, char *origin, int parent)
{
	if (r->njobs == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->jobs = xrealloc(r->jobs, r->cap * sizeof *r->jobs);
	}
	struct job *j = xcalloc(1, sizeof *j);
	struct sbuf sb = SBUF_INIT;
	j->key = xstrdup(instance_of(r, app, &sb));
	sbuf_release(&sb);
	j->app = app;
	j->origin = origin;
	j->parent = parent;
	diag_init(&j->found);
	arena_init(&j->keep);
	r->jobs[r->njobs++] = j;
	return j;
}

static struct job *find_job(struct run *r, const char *key)
{
	for (size_t i = 0; i < r->njobs; i++)
		if (!r->jobs[i]->dropped && !strcmp(r->jobs[i]->key, key))
			return r->jobs[i];
	return NULL;
}

/* ------------------------------------------------------- discovery */

static bool is_argo(const struct ir_node *d, const char *kind)
{
	const char *api = ir_cstr(ir_map_getc(d, "apiVersion"));
	return ir_is_map(d) && api && !strncmp(api, "argoproj.io/", 12) &&
		str_eqc(ir_text(ir_map_getc(d, "kind")), kind);
}

static bool contains(const char *data, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (data[i] == needle[0] && !memcmp(data + i, needle, n))
			return true;
	return false;
}

static bool in_roots(const struct repo_config *c, const char *file)
{
	if (!c->nroots)
		return true;
	for (size_t i = 0; i < c->nroots; i++) {
		char *root = path_clean(NULL, c->roots[i]);
		bool ok = !strcmp(root, ".") || path_within(file, root);
		free(root);
		if (ok)
			return true;
	}
	return false;
}

/* Files inside a Helm chart (a directory holding Chart.yaml) are templates. */
static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool in_chart(const struct repo_tree *t, const char *file)
{
	struct sbuf dir = SBUF_INIT;
	sbuf_adds(&dir, file);
	bool found = false;
	for (;;) {
		char *s = strrchr(dir.buf, '/');
		if (!s)
			break;
		sbuf_truncate(&dir, (size_t)(s - dir.buf));
		struct sbuf chart = SBUF_INIT;
		sbuf_printf(&chart, "%s/Chart.yaml", dir.buf);
		const char *key = chart.buf;
		/* The elements are pointers: compare what they point to. */
		found = bsearch(&key, t->files, t->nfiles, sizeof *t->files, cmp_strp) != NULL;
		sbuf_release(&chart);
		if (found)
			break;
	}
	sbuf_release(&dir);
	return found;
}

struct found {
	const struct ir_node *doc;
	const struct srcpos *pos;
};

struct found_vec {
	struct found *items;
	size_t len, cap;
};

static int discover(struct run *r, struct found_vec *apps, struct found_vec *sets)
{
	struct mc_ctx *ctx = &r->main;
	struct sbuf err = SBUF_INIT;
	const struct repo_tree *t = appset_repo_tree(&r->world, r->world.self, &err);
	if (!t) {
		int e = diag_error(&ctx->diag, NULL, "%s", err.buf);
		sbuf_release(&err);
		return e;
	}
	sbuf_release(&err);
	int errors = 0;
	for (size_t i = 0; i < t->nfiles; i++) {
		const char *f = t->files[i];
		const char *dot = strrchr(f, '.');
		if (!dot || (strcmp(dot, ".yaml") && strcmp(dot, ".yml") && strcmp(dot, ".json")))
			continue;
		if (!in_roots(&r->cfg, f) || !strcmp(f, "manifestc.yaml"))
			continue;
		if (r->o->exclude && path_within(f, r->o->exclude))
			continue;
		char *path = path_clean(r->o->repo, f);
		int e;
		const struct srcfile *sf = vfs_load(r->fs, path, path, &e);
		free(path);
		if (!sf)
			continue;
		if (r->o->validate && contains(sf->data, sf->len, "CustomResourceDefinition"))
			repo_check_crd_file(&r->check, sf);
		bool argo = contains(sf->data, sf->len, "argoproj.io");
		bool secret = contains(sf->data, sf->len, "argocd.argoproj.io/secret-type");
		if (!argo && !secret)
			continue;
		if (in_chart(t, f))
			continue;
		struct ir_docs docs = { 0 };
		struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_JSON_NUMBERS };
		struct diag saved = ctx->diag;
		diag_init(&ctx->diag);
		int bad = yaml_load(ctx, sf, &yo, &docs);
		struct diag mine = ctx->diag;
		ctx->diag = saved;
		bool mentions = contains(sf->data, sf->len, "Application");
		if (bad) {
			/* Not YAML: a problem only if it looks like an Application. */
			if (mentions)
				diag_merge(&ctx->diag, &mine);
			diag_release(&mine);
			errors += mentions;
			continue;
		}
		diag_release(&mine);
		appset_world_add_clusters(ctx, &r->world, docs.items, docs.len);
		for (size_t d = 0; d < docs.len; d++) {
			const struct ir_node *doc = docs.items[d];
			if (is_argo(doc, "Application")) {
				const struct ir_node *spec = ir_map_getc(doc, "spec");
				if (!ir_is_map(ir_map_getc(spec, "destination")) || !ir_map_getc(spec, "project"))
					continue;
				struct found x = { doc, &docs.starts[d] };
				VEC_PUSH(&ctx->arena, apps, x);
			} else if (is_argo(doc, "ApplicationSet")) {
				const struct ir_node *spec = ir_map_getc(doc, "spec");
				if (!ir_is_seq(ir_map_getc(spec, "generators")))
					continue;
				struct found x = { doc, &docs.starts[d] };
				VEC_PUSH(&ctx->arena, sets, x);
			} else if (is_argo(doc, "AppProject") && r->o->validate) {
				repo_check_project(&r->check, doc);
			}
		}
	}
	return errors;
}

static int load_cluster_files(struct run *r, const char *const *files, size_t n, const char *base)
{
	struct mc_ctx *ctx = &r->main;
	int errors = 0;
	for (size_t i = 0; i < n; i++) {
		char *path = base ? path_clean(base, files[i]) : xstrdup(files[i]);
		int e;
		const struct srcfile *sf = vfs_load(r->fs, path, path, &e);
		if (!sf) {
			errors += diag_error(&ctx->diag, NULL, "cannot read the clusters file %s: %s", path,
				strerror(e));
		} else {
			struct ir_docs docs = { 0 };
			struct yaml_opts yo = { .schema = YAML_V2 };
			if (yaml_load(ctx, sf, &yo, &docs))
				errors++;
			else {
				/* A List of Secrets counts too. */
				for (size_t d = 0; d < docs.len; d++) {
					struct ir_node *items = ir_map_getc(docs.items[d], "items");
					if (ir_is_seq(items))
						errors += appset_world_add_clusters(ctx, &r->world, items->seq.items,
							items->seq.len);
				}
				errors += appset_world_add_clusters(ctx, &r->world, docs.items, docs.len);
			}
		}
		free(path);
	}
	return errors;
}

/* ----------------------------------------------------------- render */

struct image_vec {
	struct repo_image *items;
	size_t len, cap;
};

static void add_image(struct mc_ctx *ctx, const struct ir_node *img, const char *owner,
	const char *container, const struct app_trace *t, const char *repo, struct image_vec *out)
{
	struct repo_image im = { 0 };
	struct sbuf sb = SBUF_INIT;
	sbuf_printf(&sb, "%s: %s", owner, container ? container : "");
	im.container = sbuf_detach(&sb, NULL);
	im.image = xstrdup(img->s.text->s);
	struct srcpos pos;
	const char *what;
	app_trace_source(ctx, t, img, &pos, &what);
	if (pos.file)
		sbuf_printf(&sb, "%s:%u (%s)", path_rel(repo, pos.file->path), pos.line, what);
	else
		sbuf_printf(&sb, "(%s)", what);
	im.source = sbuf_detach(&sb, NULL);
	out->items = xrealloc(out->items, (out->len + 1) * sizeof *out->items);
	out->items[out->len++] = im;
}

static void walk_images(struct mc_ctx *ctx, const struct ir_node *n, const char *owner,
	const struct app_trace *t, const char *repo, struct image_vec *out, int depth)
{
	if (depth > 64)
		return;
	if (ir_is_seq(n)) {
		for (uint32_t i = 0; i < n->seq.len; i++)
			walk_images(ctx, n->seq.items[i], owner, t, repo, out, depth + 1);
		return;
	}
	if (!ir_is_map(n))
		return;
	for (uint32_t i = 0; i < n->map.len; i++) {
		const struct str *k = n->map.items[i].key->s.text;
		const struct ir_node *v = n->map.items[i].value;
		if ((str_eqc(k, "containers") || str_eqc(k, "initContainers") ||
			str_eqc(k, "ephemeralContainers")) && ir_is_seq(v)) {
			for (uint32_t c = 0; c < v->seq.len; c++) {
				const struct ir_node *img = ir_map_getc(v->seq.items[c], "image");
				if (ir_is_str(img))
					add_image(ctx, img, owner, ir_cstr(ir_map_getc(v->seq.items[c], "name")), t,
						repo, out);
			}
		} else {
			walk_images(ctx, v, owner, t, repo, out, depth + 1);
		}
	}
}

/* The line of each item of the v1 List emit_json printed: items are the
 * lines that are exactly "    {" (keys are indented two spaces a level). */
static void json_item_lines(const char *text, size_t len, uint32_t *lines, size_t n)
{
	uint32_t line = 1;
	size_t k = 0;
	for (size_t i = 0; i < len && k < n; line++) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		if (e - i == 5 && !memcmp(text + i, "    {", 5))
			lines[k++] = line;
		i = e + 1;
	}
}

static uint32_t count_lines(const char *s, size_t n)
{
	uint32_t c = 0;
	for (const char *p = s, *e = s + n; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		c++;
	return c;
}

/* ----------------------------------------------- what validation keeps */

/* Files of the render's context (Helm's output, inline patches, rewritten
 * kustomizations) are copied into the keep context, once each; the vfs's
 * files outlive the render as they are. */
struct relocator {
	struct mc_ctx *keep;
	struct vfs *fs;
	const struct srcfile **from, **to;
	size_t cap, len;
};

static size_t ptr_slot(const void *p, size_t cap)
{
	return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15u) & (cap - 1);
}

static const struct srcfile *relocate_file(void *arg, const struct srcfile *f)
{
	struct relocator *rl = arg;
	if (2 * (rl->len + 1) > rl->cap) {
		size_t ncap = rl->cap ? rl->cap * 2 : 16;
		const struct srcfile **from = xcalloc(ncap, sizeof *from), **to = xcalloc(ncap, sizeof *to);
		for (size_t i = 0; i < rl->cap; i++)
			if (rl->from[i]) {
				size_t h = ptr_slot(rl->from[i], ncap);
				while (from[h])
					h = (h + 1) & (ncap - 1);
				from[h] = rl->from[i];
				to[h] = rl->to[i];
			}
		free(rl->from);
		free(rl->to);
		rl->from = from;
		rl->to = to;
		rl->cap = ncap;
	}
	size_t h = ptr_slot(f, rl->cap);
	while (rl->from[h] && rl->from[h] != f)
		h = (h + 1) & (rl->cap - 1);
	if (!rl->from[h]) {
		int e;
		rl->from[h] = f;
		rl->to[h] = f->path && vfs_load(rl->fs, f->path, f->path, &e) == f ?
			f : srcfile_copy(&rl->keep->arena, f);
		rl->len++;
	}
	return rl->to[h];
}

static struct srcpos relocate_pos(struct relocator *rl, struct srcpos p)
{
	if (p.file)
		p.file = relocate_file(rl, p.file);
	return p;
}

/* The trace's values and remaps, into the keep context. */
static void keep_trace(struct relocator *rl, const struct app_trace *t, struct app_trace *out)
{
	struct arena *a = &rl->keep->arena;
	memset(out, 0, sizeof *out);
	out->remap = arena_calloc(a, t->nremap + 1, sizeof *out->remap);
	for (size_t i = 0; i < t->nremap; i++) {
		out->remap[i] = t->remap[i];
		out->remap[i].path = arena_strdup(a, t->remap[i].path);
		out->remap[i].orig = relocate_pos(rl, t->remap[i].orig);
	}
	out->nremap = t->nremap;
	out->values = arena_calloc(a, t->nvalues + 1, sizeof *out->values);
	for (size_t i = 0; i < t->nvalues; i++) {
		out->values[i] = t->values[i];
		out->values[i].value = mc_intern(rl->keep, t->values[i].value->s, t->values[i].value->len);
		out->values[i].pos = relocate_pos(rl, t->values[i].pos);
	}
	out->nvalues = t->nvalues;
	out->app_file = t->app_file ? relocate_file(rl, t->app_file) : NULL;
}

static void keep_render(struct run *r, struct job *j, struct mc_ctx *keep,
	struct ir_resource *const *order, size_t k, const uint32_t *lines, const struct app_trace *t)
{
	struct relocator rl = { .keep = keep, .fs = r->fs };
	j->bodies = arena_alloc(&keep->arena, (k + 1) * sizeof *j->bodies);
	for (size_t i = 0; i < k; i++)
		j->bodies[i] = ir_clone_relocated(keep, order[i]->body, relocate_file, &rl);
	j->nbodies = k;
	j->lines = arena_alloc(&keep->arena, (k + 1) * sizeof *j->lines);
	memcpy(j->lines, lines, k * sizeof *lines);
	keep_trace(&rl, t, &j->trace);
	j->vctx = keep;
	free(rl.from);
	free(rl.to);
}

static void render_now(struct run *r, struct job *j, struct mc_ctx *keep)
{
	struct mc_ctx *ctx = xcalloc(1, sizeof *ctx);
	mc_ctx_init(ctx, r->fs);
	struct ir_reslist res = { 0 };
	struct app_trace trace = { 0 };
	bool traced = r->o->images || r->o->validate;
	int errors = app_render_traced(ctx, &r->world, &r->cfg.argo, j->app, &res,
		traced ? &trace : NULL);
	struct ir_resource **order = NULL;
	size_t k = 0;
	uint32_t *lines = NULL;
	struct relocator crl = { .fs = r->fs };
	if (!errors) {
		struct sync_unit su = { .dest_ns = ir_path_cstr(j->app, "spec/destination/namespace") };
		struct ir_module m = { .ctx = ctx, .res = res, .unit = &su };
		static const struct ir_pass passes[] = { { "sync-order", sync_pass_order } };
		pipeline_run(&m, passes, 1);
		k = m.res.len;
		order = m.res.items;
		int64_t *waves = su.waves;
		struct sbuf out = SBUF_INIT, canon = SBUF_INIT, all = SBUF_INIT;
		j->out.res = xcalloc(k + 1, sizeof *j->out.res);
		lines = arena_calloc(&ctx->arena, k + 1, sizeof *lines);
		uint32_t line = 1;
		struct ir_node *items = ir_seq(ctx, NULL);
		struct image_vec images = { 0 };
		for (size_t i = 0; i < k && !errors; i++) {
			struct ir_resource *x = order[i];
			const char *err = NULL;
			sbuf_reset(&canon);
			if (emit_json(&canon, x->body, EMIT_JSON_COMPACT, &err)) {
				errors += diag_error(&ctx->diag, &x->origin, "%s", err);
				break;
			}
			sbuf_add(&all, canon.buf, canon.len);
			sbuf_addc(&all, '\n');
			struct repo_resource *rr = &j->out.res[j->out.nres++];
			const char *api = ir_cstr(ir_map_getc(x->body, "apiVersion"));
			rr->api_version = xstrdup(api ? api : "");
			rr->kind = xstrdup(x->id.kind->s);
			rr->ns = xstrdup(x->id.ns->s);
			rr->name = xstrdup(x->id.name->s);
			rr->wave = waves[i];
			repo_digest(canon.buf, canon.len, rr->digest);
			if (r->o->json) {
				ir_seq_push(ctx, items, x->body);
			} else {
				if (i) {
					sbuf_adds(&out, "---\n");
					line++;
				}
				lines[i] = line;
				size_t at = out.len;
				if (emit_yaml(&out, x->body, &err))
					errors += diag_error(&ctx->diag, &x->origin, "%s", err);
				line += count_lines(out.buf + at, out.len - at);
			}
			if (r->o->images) {
				struct sbuf owner = SBUF_INIT;
				sbuf_printf(&owner, "%s/%s", x->id.kind->s, x->id.name->s);
				walk_images(ctx, x->body, owner.buf, &trace, r->o->repo, &images, 0);
				sbuf_release(&owner);
			}
			/* App of apps: what this Application applies of Argo CD's own. */
			if (str_eqc(x->id.group, "argoproj.io") && (str_eqc(x->id.kind, "Application") ||
				str_eqc(x->id.kind, "ApplicationSet"))) {
				if (!j->carry) {
					j->carry = xcalloc(1, sizeof *j->carry);
					mc_ctx_init(j->carry, r->fs);
					crl.keep = j->carry;
				}
				/* (positions into Helm's output or a rewritten
				 * kustomization: those files die with ctx) */
				j->children = xrealloc(j->children, (j->nchildren + 1) * sizeof *j->children);
				j->children[j->nchildren++] = ir_clone_relocated(j->carry, x->body,
					relocate_file, &crl);
			}
		}
		if (!errors && r->o->json) {
			struct ir_node *list = ir_map(ctx, NULL);
			ir_map_setc(ctx, list, "apiVersion", ir_str0(ctx, "v1", NULL));
			ir_map_setc(ctx, list, "kind", ir_str0(ctx, "List", NULL));
			ir_map_setc(ctx, list, "items", items);
			const char *err = NULL;
			if (emit_json(&out, list, 0, &err))
				errors += diag_error(&ctx->diag, NULL, "%s", err);
			sbuf_addc(&out, '\n');
			if (r->o->validate)
				json_item_lines(out.buf, out.len, lines, k);
		}
		repo_digest(all.buf, all.len, j->out.digest);
		j->out.bytes = sbuf_detach(&out, &j->out.len);
		j->out.images = images.items;
		j->out.nimages = images.len;
		sbuf_release(&canon);
		sbuf_release(&all);
	}
	take_diags(&ctx->diag, j);
	if (errors && !j->nerrors)
		j->nerrors = (size_t)errors;
	/* Validated once every Application has rendered (the CRDs of all
	 * outputs first): keep the resources, not the whole context. */
	if (r->o->validate && !errors)
		keep_render(r, j, keep, order, k, lines, &trace);
	free(crl.from);
	free(crl.to);
	mc_ctx_release(ctx);
	free(ctx);
}

/* With a cache (manifestc diff): reuse a render whose recorded reads give
 * the same bytes on this revision, or render while recording and store.
 * Not cached: renders with errors (reported afresh each time), renders
 * that apply Applications of their own (their children keep source
 * positions for messages), and renders that read around the vfs. */
static void render_job(struct run *r, struct job *j, struct mc_ctx *keep)
{
	char key[33];
	if (!r->o->cache || r->o->images || r->o->validate ||
	    !repo_cache_key(key, r->o->repo, r->o->json, &r->world, &r->cfg.argo, j->app, j->key)) {
		render_now(r, j, keep);
		return;
	}
	size_t len = 0;
	char *blob = rcache_get(r->o->cache, key, r->fs, &len);
	if (blob && repo_cache_decode(blob, len, &j->out, &j->found, &j->keep)) {
		j->nwarnings += j->found.nwarnings;
		free(blob);
		return;
	}
	free(blob);
	struct vfs_deps deps = { 0 };
	vfs_record_begin(r->fs, &deps);
	render_now(r, j, keep);
	vfs_record_end();
	if (!deps.tainted && !j->nerrors && !j->nchildren) {
		struct sbuf sb = SBUF_INIT;
		repo_cache_encode(&sb, &j->out, &j->found);
		rcache_put(r->o->cache, key, &deps, sb.buf, sb.len); /* best effort */
		sbuf_release(&sb);
	}
	vfs_deps_release(&deps);
}

static void *worker(void *arg)
{
	struct worker_arg *w = arg;
	struct run *r = w->r;
	for (;;) {
		size_t i = atomic_fetch_add(&r->next, 1);
		if (i >= r->end)
			break;
		if (!r->jobs[i]->dropped)
			render_job(r, r->jobs[i], r->keeps ? r->keeps[w->slot] : NULL);
	}
	return NULL;
}

static void run_jobs(struct run *r, size_t from, size_t to)
{
	atomic_store(&r->next, from);
	r->end = to;
	int n = r->o->jobs > 0 ? r->o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if ((size_t)n > to - from)
		n = (int)(to - from);
	if (n < 1)
		n = 1;
	if (r->o->validate && (size_t)n > r->nkeeps) {
		r->keeps = xrealloc(r->keeps, (size_t)n * sizeof *r->keeps);
		for (; r->nkeeps < (size_t)n; r->nkeeps++) {
			r->keeps[r->nkeeps] = xcalloc(1, sizeof **r->keeps);
			mc_ctx_init(r->keeps[r->nkeeps], r->fs);
		}
	}
	struct worker_arg *args = xcalloc((size_t)n, sizeof *args);
	for (int i = 0; i < n; i++)
		args[i] = (struct worker_arg){ r, (size_t)i };
	if (n == 1) {
		worker(&args[0]);
		free(args);
		return;
	}
	pthread_t *t = xcalloc((size_t)n, sizeof *t);
	int started = 0;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, &args[i]) == 0)
			started++;
		else
			break;
	if (!started)
		worker(&args[0]);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
	free(args);
}

/* -------------------------------------------------------- app of apps */

static bool same_app(const struct ir_node *a, const struct ir_node *b)
{
	return ir_equal(ir_map_getc(a, "spec"), ir_map_getc(b, "spec"));
}

static int adopt(struct run *r, const struct ir_node *app, int parent, char *origin,
	const struct srcpos *pos)
{
	struct mc_ctx *ctx = &r->main;
	struct sbuf sb = SBUF_INIT;
	const char *key = instance_of(r, app, &sb);
	struct job *old = find_job(r, key);
	int errors = 0;
	if (!old) {
		add_job(r, app, origin, parent);
	} else if (same_app(old->app, app)) {
		if (old->parent < 0 && parent >= 0)
			old->parent = parent;
		else if (old->parent >= 0 && parent >= 0 && old->parent != parent)
			errors += diag_error(&ctx->diag, pos, "Application %s is applied by two Applications, "
				"%s and %s", key, r->jobs[old->parent]->key, r->jobs[parent]->key);
		free(origin);
	} else if (old->parent < 0 && parent >= 0) {
		/* What the parent applies is what Argo CD runs. */
		old->dropped = true;
		add_job(r, app, origin, parent);
	} else {
		errors += diag_error(&ctx->diag, pos, "duplicate Application %s: from %s, also defined by %s",
			key, origin, old->origin);
		free(origin);
	}
	sbuf_release(&sb);
	return errors;
}

static int generate(struct run *r, const struct ir_node *set, const struct srcpos *pos, int parent)
{
	struct mc_ctx *ctx = &r->main;
	struct ir_node *apps;
	struct srcpos *origins;
	int errors = appset_generate(ctx, &r->world, set, APPSET_VALIDATE, &apps, &origins);
	const char *name = ir_path_cstr(set, "metadata/name");
	for (uint32_t i = 0; i < apps->seq.len; i++) {
		struct sbuf o = SBUF_INIT;
		char *at = xfmt_pos(origins[i].file ? &origins[i] : pos);
		sbuf_printf(&o, "ApplicationSet %s (%s)", name ? name : "", at);
		free(at);
		errors += adopt(r, apps->seq.items[i], parent, sbuf_detach(&o, NULL),
			origins[i].file ? &origins[i] : pos);
	}
	return errors;
}

/* ------------------------------------------------------------ output */

static const char *env_of(struct run *r, const struct ir_node *app)
{
	const char *v = NULL;
	switch (r->cfg.env_from) {
	case ENV_FROM_LABEL:
		v = ir_cstr(ir_map_getc(ir_path(app, "metadata/labels"), r->cfg.env_key));
		break;
	case ENV_FROM_ANNOTATION:
		v = ir_cstr(ir_map_getc(ir_path(app, "metadata/annotations"), r->cfg.env_key));
		break;
	case ENV_FROM_DEST_NS:
		v = ir_path_cstr(app, "spec/destination/namespace");
		break;
	case ENV_FROM_DEST_NAME:
		v = ir_path_cstr(app, "spec/destination/name");
		break;
	case ENV_FROM_PROJECT:
		v = ir_path_cstr(app, "spec/project");
		break;
	}
	return v && *v ? v : r->cfg.env_default;
}

static int cmp_apps(const void *pa, const void *pb)
{
	const struct repo_app *a = pa, *b = pb;
	int c = strcmp(a->env, b->env);
	if (c)
		return c;
	if (a->wave != b->wave)
		return a->wave < b->wave ? -1 : 1;
	return strcmp(a->instance, b->instance);
}

static void fill_meta(struct run *r, struct job *j)
{
	struct mc_ctx *ctx = &r->main;
	const struct ir_node *app = j->app;
	struct repo_app *o = &j->out;
	const char *name = ir_path_cstr(app, "metadata/name");
	o->name = xstrdup(name ? name : "");
	o->instance = xstrdup(j->key);
	o->env = xstrdup(env_of(r, app));
	const char *project = ir_path_cstr(app, "spec/project");
	o->project = xstrdup(project && *project ? project : "default");
	o->wave = sync_wave_of(app);
	const char *server = ir_path_cstr(app, "spec/destination/server");
	const char *dname = ir_path_cstr(app, "spec/destination/name");
	if ((!server || !*server) && dname) {
		server = NULL;
		if (!strcmp(dname, "in-cluster"))
			server = "https://kubernetes.default.svc";
		for (size_t i = 0; !server && i < r->world.nclusters; i++)
			if (!strcmp(r->world.clusters[i].name, dname))
				server = r->world.clusters[i].server;
	}
	o->dest_server = xstrdup(server ? server : "");
	const char *ns = ir_path_cstr(app, "spec/destination/namespace");
	o->dest_ns = xstrdup(ns ? ns : "");
	const struct ir_node *sources = ir_path(app, "spec/sources");
	o->multi = ir_is_seq(sources) && sources->seq.len;
	const struct ir_node *src = o->multi ? sources : ir_path(app, "spec/source");
	struct sbuf sb = SBUF_INIT;
	const char *err = NULL;
	if (src)
		emit_json(&sb, src, EMIT_JSON_COMPACT, &err);
	else
		sbuf_adds(&sb, "null");
	o->source_json = sbuf_detach(&sb, NULL);
	sbuf_printf(&sb, "%s/%s.%s", o->env, j->key, r->o->json ? "json" : "yaml");
	o->file = sbuf_detach(&sb, NULL);
	(void)ctx;
}

static int cmp_jobs(const void *pa, const void *pb)
{
	const struct job *const *a = pa, *const *b = pb;
	return cmp_apps(&(*a)->out, &(*b)->out);
}

/* The files findings are about, for report summaries. */
static size_t count_files(struct mc_ctx *ctx, const struct validate_records *recs)
{
	struct ir_node *seen = ir_map(ctx, NULL);
	for (size_t i = 0; i < recs->len; i++)
		if (recs->items[i].file)
			ir_map_setc(ctx, seen, recs->items[i].file->path, ir_null(ctx, NULL));
	return seen->map.len;
}

static bool env_selected(const struct repo_render_opts *o, const char *env)
{
	if (!o->nenvs)
		return true;
	for (size_t i = 0; i < o->nenvs; i++)
		if (!strcmp(o->envs[i], env))
			return true;
	return false;
}

static void free_app(struct repo_app *a)
{
	free(a->name);
	free(a->instance);
	free(a->env);
	free(a->project);
	free(a->dest_server);
	free(a->dest_ns);
	free(a->source_json);
	free(a->file);
	free(a->bytes);
	for (size_t i = 0; i < a->nres; i++) {
		free(a->res[i].api_version);
		free(a->res[i].kind);
		free(a->res[i].ns);
		free(a->res[i].name);
	}
	free(a->res);
	for (size_t i = 0; i < a->nimages; i++) {
		free(a->images[i].container);
		free(a->images[i].image);
		free(a->images[i].source);
	}
	free(a->images);
	memset(a, 0, sizeof *a);
}

void repo_result_release(struct repo_result *res)
{
	for (size_t i = 0; i < res->napps; i++)
		free_app(&res->apps[i]);
	free(res->apps);
	if (res->findings) {
		mc_ctx_release(res->findings);
		free(res->findings);
	}
	memset(res, 0, sizeof *res);
}

/* --------------------------------------------------------------- main */

static char *git_remote_urls(struct run *r);

int repo_render(const struct repo_render_opts *o, struct repo_result *out)
{
	memset(out, 0, sizeof *out);
	struct run r = { .o = o };
	r.fs = o->fs ? o->fs : vfs_disk(NULL);
	mc_ctx_init(&r.main, r.fs);
	struct mc_ctx *ctx = &r.main;
	int errors = repo_config_load(ctx, o->repo, &r.cfg);
	appset_world_init(&r.world);
	r.world.fs = r.fs;
	r.world.default_namespace = r.cfg.argo.control_ns;
	r.world.new_globbing = o->new_globbing || r.cfg.new_globbing;
	for (size_t i = 0; i < r.cfg.nmaps; i++)
		appset_world_map_repo(&r.world, r.cfg.map_urls[i], r.cfg.map_dirs[i]);
	for (size_t i = 0; i < o->nrepo_maps; i++) {
		const char *eq = strchr(o->repo_maps[i], '=');
		char *url = xstrndup(o->repo_maps[i], (size_t)(eq - o->repo_maps[i]));
		appset_world_map_repo(&r.world, url, eq + 1);
		free(url);
	}
	appset_world_map_repo(&r.world, NULL, o->repo);
	for (size_t i = 0; i < r.cfg.nself_urls; i++)
		appset_world_self_url(&r.world, r.cfg.self_urls[i]);
	char *remotes = r.cfg.nself_urls ? NULL : git_remote_urls(&r);
	for (char *p = remotes; p && *p; p += strlen(p) + 1) {
		appset_world_self_url(&r.world, p);
		r.world.self_by_name = true;
	}
	if (o->validate && !errors)
		errors += repo_check_init(&r.check, ctx, r.cfg.validate, o->repo);
	errors += load_cluster_files(&r, r.cfg.cluster_files, r.cfg.ncluster_files, o->repo);
	errors += load_cluster_files(&r, o->cluster_files, o->ncluster_files, NULL);
	struct found_vec apps = { 0 }, sets = { 0 };
	if (!errors)
		errors += discover(&r, &apps, &sets);
	/* Every Application and ApplicationSet is looked at and rendered, so
	 * that one run reports every problem (nothing is written after one). */
	for (size_t i = 0; i < apps.len; i++) {
		struct sbuf sb = SBUF_INIT;
		char *at = xfmt_pos(apps.items[i].pos);
		const char *name = ir_path_cstr(apps.items[i].doc, "metadata/name");
		sbuf_printf(&sb, "Application %s (%s)", name ? name : "", at);
		free(at);
		errors += adopt(&r, apps.items[i].doc, -1, sbuf_detach(&sb, NULL), apps.items[i].pos);
	}
	for (size_t i = 0; i < sets.len; i++)
		errors += generate(&r, sets.items[i].doc, sets.items[i].pos, -1);
	size_t from = 0;
	for (int round = 0; from < r.njobs; round++) {
		size_t to = r.njobs;
		if (round == MAX_ROUNDS) {
			errors += diag_error(&ctx->diag, NULL, "Applications nest more than %d levels deep (app of "
				"apps of apps...): stopping", MAX_ROUNDS);
			break;
		}
		run_jobs(&r, from, to);
		for (size_t i = from; i < to; i++) {
			struct job *j = r.jobs[i];
			if (j->dropped)
				continue;
			for (size_t c = 0; c < j->nchildren; c++) {
				const struct ir_node *child = j->children[c];
				struct sbuf sb = SBUF_INIT;
				sbuf_printf(&sb, "rendered by Application %s", j->key);
				if (str_eqc(ir_text(ir_map_getc(child, "kind")), "Application"))
					errors += adopt(&r, child, (int)i, sbuf_detach(&sb, NULL), &child->pos);
				else {
					sbuf_release(&sb);
					errors += generate(&r, child, &child->pos, (int)i);
				}
			}
		}
		from = to;
	}
	/* Results: the main context's findings first, then each job's, each
	 * once (a base shared by many Applications, an ApplicationSet met
	 * again through its parent), then the validation's. */
	out->findings = xcalloc(1, sizeof *out->findings);
	mc_ctx_init(out->findings, NULL);
	out->records = arena_calloc(&out->findings->arena, 1, sizeof *out->records);
	struct repo_findings found;
	repo_findings_init(&found, out->findings, out->records);
	out->nerrors += ctx->diag.nerrors;
	out->nwarnings += ctx->diag.nwarnings;
	diag_detach(&ctx->diag, 0, &out->findings->arena);
	repo_findings_take(&found, &ctx->diag, NULL);
	struct job **sel = xcalloc(r.njobs + 1, sizeof *sel);
	size_t nsel = 0;
	for (size_t i = 0; i < r.njobs; i++) {
		struct job *j = r.jobs[i];
		if (j->dropped)
			continue;
		out->nerrors += j->nerrors;
		out->nwarnings += j->nwarnings;
		arena_adopt(&out->findings->arena, &j->keep);
		repo_findings_take(&found, &j->found, NULL);
		fill_meta(&r, j);
		if (env_selected(o, j->out.env))
			sel[nsel++] = j;
	}
	validate_records_orphans(out->findings, out->records, 0, out->findings->diag.len, 0);
	qsort(sel, nsel, sizeof *sel, cmp_jobs);
	if (o->validate && !out->nerrors) {
		struct repo_vapp *va = xcalloc(nsel + 1, sizeof *va);
		for (size_t i = 0; i < nsel; i++) {
			struct job *j = sel[i];
			va[i] = (struct repo_vapp){ j->app, j->out.env, j->out.file, j->bodies, j->nbodies,
				j->lines, &j->trace, j->vctx };
		}
		out->ninvalid = repo_check_run(&r.check, va, nsel, 1, o->jobs, &found);
		out->nfiles = nsel;
		out->validated = true;
		free(va);
	} else {
		out->nfiles = count_files(out->findings, out->records);
	}
	out->apps = xcalloc(nsel + 1, sizeof *out->apps);
	for (size_t i = 0; i < nsel; i++) {
		out->apps[out->napps++] = sel[i]->out;
		memset(&sel[i]->out, 0, sizeof sel[i]->out);
	}
	free(sel);
	for (size_t i = 0; i < r.njobs; i++) {
		struct job *j = r.jobs[i];
		free_app(&j->out);
		diag_release(&j->found);
		arena_release(&j->keep);
		free(j->key);
		free(j->origin);
		free(j->children);
		if (j->carry) {
			mc_ctx_release(j->carry);
			free(j->carry);
		}
		free(j);
	}
	free(r.jobs);
	for (size_t i = 0; i < r.nkeeps; i++) {
		mc_ctx_release(r.keeps[i]);
		free(r.keeps[i]);
	}
	free(r.keeps);
	if (o->validate)
		repo_check_release(&r.check);
	free(remotes);
	appset_world_release(&r.world);
	mc_ctx_release(ctx);
	if (r.fs != o->fs)
		vfs_destroy(r.fs);
	return (int)out->nerrors;
}

/* The URLs of the git remotes of the repository, when it is the top of a
 * work tree: they name the repository itself.  NUL-separated, double-NUL
 * terminated, malloc'd; NULL when none. */
#include <git2.h>
static char *git_remote_urls(struct run *r)
{
	struct sbuf dotgit = SBUF_INIT;
	sbuf_printf(&dotgit, "%s/.git", r->o->repo);
	enum vfs_kind k;
	struct stat st;
	/* A revision's tree holds no .git: the configuration is on disk. */
	bool top = vfs_git_id(r->fs) ? lstat(dotgit.buf, &st) == 0 : vfs_stat(r->fs, dotgit.buf, &k) == 0;
	sbuf_release(&dotgit);
	if (!top)
		return NULL;
	git_libgit2_init();
	git_repository *repo = NULL;
	struct sbuf out = SBUF_INIT;
	/* remote.NAME.url from the configuration, by name (git_remote_list's
	 * order).  Read entry by entry: libgit2 1.5's regex matching of config
	 * names (git_remote_list) leaks on every name that does not match. */
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	struct remote { char *name, *url; } *rems = NULL;
	size_t nrems = 0;
	if (git_repository_open_ext(&repo, r->o->repo, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0 &&
	    git_repository_config_snapshot(&cfg, repo) == 0 && git_config_iterator_new(&it, cfg) == 0) {
		git_config_entry *e;
		while (git_config_next(&e, it) == 0) {
			size_t n = strlen(e->name);
			if (strncmp(e->name, "remote.", 7) || n < 12 || strcmp(e->name + n - 4, ".url"))
				continue;
			char *name = xstrndup(e->name + 7, n - 11);
			size_t i = 0;
			while (i < nrems && strcmp(rems[i].name, name))
				i++;
			if (i == nrems) {
				rems = xrealloc(rems, (nrems + 1) * sizeof *rems);
				rems[nrems++] = (struct remote){ name, NULL };
			} else {
				free(name);
			}
			free(rems[i].url); /* the last value wins, as git_remote_lookup reads it */
			rems[i].url = xstrdup(e->value ? e->value : "");
		}
	}
	git_config_iterator_free(it);
	git_config_free(cfg);
	git_repository_free(repo);
	for (size_t i = 0; i < nrems; i++) /* by name; a handful of remotes */
		for (size_t j = i + 1; j < nrems; j++)
			if (strcmp(rems[j].name, rems[i].name) < 0) {
				struct remote t = rems[i];
				rems[i] = rems[j];
				rems[j] = t;
			}
	for (size_t i = 0; i < nrems; i++) {
		if (*rems[i].url) {
			sbuf_adds(&out, rems[i].url);
			sbuf_addc(&out, '\0');
		}
		free(rems[i].name);
		free(rems[i].url);
	}
	free(rems);
	git_libgit2_shutdown();
	if (!out.len) {
		sbuf_release(&out);
		return NULL;
	}
	sbuf_addc(&out, '\0');
	return sbuf_detach(&out, NULL);
}
