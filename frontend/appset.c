/*
 * appset.c - ApplicationSets to Applications (GenerateApplications).
 *
 * For each generator entry: Transform it (appset_gen.c), render the merged
 * template once per param set (RenderTemplateParams: every string and map
 * key of the template, the default finalizer), apply the templatePatch,
 * and put the Application in the ApplicationSet's namespace.  With
 * validation on (what the controller does before applying), Applications
 * without a name and duplicate names are errors, the duplicate reported at
 * the second origin with the first one named, and the valid Applications
 * are sorted by name.  Without it (`argocd appset generate`), everything
 * generated is returned in generation order.
 *
 * The world (repositories and cluster Secrets) is shared by every
 * ApplicationSet of a render and may be used from several threads: repo
 * trees are loaded once under its lock.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "argocd.h"
#include "mc/backend.h"

/* ------------------------------------------------------------- world */

static void normalize_url(struct sbuf *sb, const char *url)
{
	const char *p = url;
	const char *schemes[] = { "https://", "http://", "ssh://", "git://", "git+ssh://" };
	for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++)
		if (!strncmp(p, schemes[i], strlen(schemes[i]))) {
			p += strlen(schemes[i]);
			break;
		}
	/* user@ and scp-like host:path */
	const char *at = strchr(p, '@'), *slash = strchr(p, '/');
	if (at && (!slash || at < slash))
		p = at + 1;
	bool host = true;
	for (; *p; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == ':' && host) {
			/* host:port (dropped) or host:path (scp form) */
			const char *q = p + 1;
			while (*q >= '0' && *q <= '9')
				q++;
			if (q > p + 1 && (*q == '/' || !*q)) {
				p = q - 1;
				continue;
			}
			c = '/';
		}
		if (c == '/')
			host = false;
		sbuf_addc(sb, c);
	}
	while (sb->len && sb->buf[sb->len - 1] == '/')
		sbuf_truncate(sb, sb->len - 1);
	if (sb->len > 4 && !strcmp(sb->buf + sb->len - 4, ".git"))
		sbuf_truncate(sb, sb->len - 4);
}

const char *appset_normalize_url(struct mc_ctx *ctx, const char *url)
{
	struct sbuf sb = SBUF_INIT;
	normalize_url(&sb, url);
	const char *r = arena_strndup(&ctx->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}

static bool same_url(const char *a, const char *b)
{
	struct sbuf x = SBUF_INIT, y = SBUF_INIT;
	normalize_url(&x, a);
	normalize_url(&y, b);
	bool eq = x.len == y.len && !memcmp(x.buf, y.buf, x.len);
	sbuf_release(&x);
	sbuf_release(&y);
	return eq;
}

/* The same repository name (the last segment of the normalised URL). */
static bool same_name(const char *a, const char *b)
{
	struct sbuf x = SBUF_INIT, y = SBUF_INIT;
	normalize_url(&x, a);
	normalize_url(&y, b);
	const char *na = strrchr(x.buf, '/'), *nb = strrchr(y.buf, '/');
	na = na ? na + 1 : x.buf;
	nb = nb ? nb + 1 : y.buf;
	bool eq = *na && !strcmp(na, nb);
	sbuf_release(&x);
	sbuf_release(&y);
	return eq;
}

struct appset_repo *appset_world_repo(struct appset_world *w, const char *url, struct sbuf *err)
{
	for (size_t i = 0; i < w->nrepos; i++)
		if (w->repos[i].url && same_url(w->repos[i].url, url))
			return &w->repos[i];
	if (w->self && (w->self_any_url || !w->nself_urls))
		return w->self;
	for (size_t i = 0; w->self && i < w->nself_urls; i++)
		if (same_url(w->self_urls[i], url) || (w->self_by_name && same_name(w->self_urls[i], url)))
			return w->self;
	sbuf_printf(err, "repository '%s' is neither the rendered repository", url);
	if (w->nself_urls)
		sbuf_printf(err, " (%s)", w->self_urls[0]);
	sbuf_printf(err, " nor mapped to a local directory: map it with --repo %s=DIR", url);
	return NULL;
}

const struct repo_tree *appset_repo_tree(struct appset_world *w, struct appset_repo *r,
	struct sbuf *err)
{
	pthread_mutex_t *lock = w->lock;
	if (lock)
		pthread_mutex_lock(lock);
	if (!r->tree && !r->load_err) {
		struct repo_tree *t = xcalloc(1, sizeof *t);
		struct sbuf msg = SBUF_INIT;
		r->load_err = repo_tree_load_fs(t, w->fs, r->dir, &msg);
		if (r->load_err) {
			free(t);
			r->load_msg = sbuf_detach(&msg, NULL);
		} else {
			r->tree = t;
			sbuf_release(&msg);
		}
	}
	if (lock)
		pthread_mutex_unlock(lock);
	if (!r->tree)
		sbuf_adds(err, r->load_msg ? r->load_msg : "cannot list the repository");
	return r->tree;
}

void appset_world_init(struct appset_world *w)
{
	memset(w, 0, sizeof *w);
	w->ctx = xcalloc(1, sizeof *w->ctx);
	mc_ctx_init(w->ctx, NULL);
	pthread_mutex_t *m = xmalloc(sizeof *m);
	pthread_mutex_init(m, NULL);
	w->lock = m;
	w->default_namespace = "argocd";
}

void appset_world_release(struct appset_world *w)
{
	for (size_t i = 0; i < w->nrepos; i++) {
		if (w->repos[i].tree) {
			repo_tree_release(w->repos[i].tree);
			free(w->repos[i].tree);
		}
		free(w->repos[i].load_msg);
	}
	free(w->repos);
	free(w->clusters);
	free(w->self_urls);
	if (w->lock) {
		pthread_mutex_destroy(w->lock);
		free(w->lock);
	}
	if (w->ctx) {
		mc_ctx_release(w->ctx);
		free(w->ctx);
	}
	memset(w, 0, sizeof *w);
}

void appset_world_map_repo(struct appset_world *w, const char *url, const char *dir)
{
	w->repos = xrealloc(w->repos, (w->nrepos + 1) * sizeof *w->repos);
	struct appset_repo *r = &w->repos[w->nrepos++];
	memset(r, 0, sizeof *r);
	r->url = url ? arena_strdup(&w->ctx->arena, url) : NULL;
	r->dir = arena_strdup(&w->ctx->arena, dir);
	/* self may move when repos grows: find it again by its NULL url. */
	w->self = NULL;
	for (size_t i = 0; i < w->nrepos; i++)
		if (!w->repos[i].url)
			w->self = &w->repos[i];
}

void appset_world_self_url(struct appset_world *w, const char *url)
{
	w->self_urls = xrealloc(w->self_urls, (w->nself_urls + 1) * sizeof *w->self_urls);
	w->self_urls[w->nself_urls++] = arena_strdup(&w->ctx->arena, url);
}

/* A value of a Secret: stringData wins over base64 data. */
static const char *secret_value(struct mc_ctx *ctx, const struct ir_node *s, const char *key, bool *bad)
{
	const char *v = ir_cstr(ir_map_getc(ir_map_getc(s, "stringData"), key));
	if (v)
		return v;
	const char *d = ir_cstr(ir_map_getc(ir_map_getc(s, "data"), key));
	if (!d)
		return NULL;
	struct sbuf out = SBUF_INIT;
	if (!b64_decode(&out, d, strlen(d))) {
		*bad = true;
		sbuf_release(&out);
		return NULL;
	}
	const char *r = arena_strndup(&ctx->arena, out.buf, out.len);
	sbuf_release(&out);
	return r;
}

int appset_world_add_clusters(struct mc_ctx *ctx, struct appset_world *w,
	struct ir_node *const *docs, size_t n)
{
	int errors = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ir_node *d = docs[i];
		if (!ir_is_map(d) || !str_eqc(ir_text(ir_map_getc(d, "kind")), "Secret"))
			continue;
		const struct ir_node *labels = ir_path(d, "metadata/labels");
		const char *type = ir_cstr(ir_map_getc(labels, "argocd.argoproj.io/secret-type"));
		if (!type || strcmp(type, "cluster"))
			continue;
		struct ir_node *copy = ir_clone(w->ctx, d);
		bool bad = false;
		const char *name = secret_value(w->ctx, copy, "name", &bad);
		const char *server = secret_value(w->ctx, copy, "server", &bad);
		const char *project = secret_value(w->ctx, copy, "project", &bad);
		if (bad) {
			errors += diag_error(&ctx->diag, &d->pos, "cluster Secret: a data value is not valid base64");
			continue;
		}
		w->clusters = xrealloc(w->clusters, (w->nclusters + 1) * sizeof *w->clusters);
		w->clusters[w->nclusters++] = (struct appset_cluster){
			copy, name ? name : "", server ? server : "", project,
		};
	}
	return errors;
}

/* ----------------------------------------------------------- render */

static int render_node(struct appset_gen *g, const struct ir_node *n, const struct ir_node *params,
	int depth, struct ir_node **out)
{
	struct mc_ctx *ctx = g->ctx;
	if (depth > YAML_MAX_DEPTH) {
		sbuf_reset(&g->err);
		sbuf_adds(&g->err, "template nested too deeply");
		g->err_pos = &n->pos;
		return 1;
	}
	struct sbuf o = SBUF_INIT, e = SBUF_INIT;
	int rc = 0;
	if (ir_is_str(n)) {
		if (appset_replace(ctx, &g->mode, n->s.text->s, n->s.text->len, params, &o, &e)) {
			sbuf_reset(&g->err);
			sbuf_add(&g->err, e.buf, e.len);
			g->err_pos = &n->pos;
			rc = 1;
		} else {
			*out = ir_str(ctx, o.buf, o.len, &n->pos);
			(*out)->style = n->style;
		}
	} else if (ir_is_seq(n)) {
		struct ir_node *s = ir_seq(ctx, &n->pos);
		for (uint32_t i = 0; i < n->seq.len && !rc; i++) {
			struct ir_node *c;
			rc = render_node(g, n->seq.items[i], params, depth + 1, &c);
			if (!rc)
				ir_seq_push(ctx, s, c);
		}
		*out = s;
	} else if (ir_is_map(n)) {
		struct ir_node *m = ir_map(ctx, &n->pos);
		for (uint32_t i = 0; i < n->map.len && !rc; i++) {
			const struct ir_pair *p = &n->map.items[i];
			if (ir_is_null(p->value))
				continue;
			struct ir_node *c;
			rc = render_node(g, p->value, params, depth + 1, &c);
			if (rc)
				break;
			const struct str *k = p->key->s.text;
			sbuf_reset(&o);
			if (appset_replace(ctx, &g->mode, k->s, k->len, params, &o, &e)) {
				sbuf_reset(&g->err);
				sbuf_add(&g->err, e.buf, e.len);
				g->err_pos = &p->key->pos;
				rc = 1;
				break;
			}
			ir_map_set(ctx, m, mc_intern(ctx, o.buf, o.len), c);
		}
		*out = m;
	} else {
		*out = ir_clone(ctx, n);
	}
	sbuf_release(&o);
	sbuf_release(&e);
	return rc;
}

/* The Application a template stands for: the five metadata fields an
 * ApplicationSet template has, and the spec. */
static struct ir_node *template_app(struct mc_ctx *ctx, const struct ir_node *tmpl)
{
	struct ir_node *app = ir_map(ctx, tmpl ? &tmpl->pos : NULL);
	struct ir_node *meta = ir_map(ctx, tmpl ? &tmpl->pos : NULL);
	const struct ir_node *tm = ir_map_getc(tmpl, "metadata");
	static const char *const fields[] = { "name", "namespace", "labels", "annotations", "finalizers" };
	for (size_t i = 0; i < 5; i++) {
		const struct ir_node *v = ir_map_getc(tm, fields[i]);
		if (v && !ir_is_null(v))
			ir_map_setc(ctx, meta, fields[i], (struct ir_node *)v);
	}
	ir_map_setc(ctx, app, "metadata", meta);
	const struct ir_node *spec = ir_map_getc(tmpl, "spec");
	ir_map_setc(ctx, app, "spec", spec && !ir_is_null(spec) ? (struct ir_node *)spec : ir_map(ctx, NULL));
	return app;
}

int appset_render_template(struct appset_gen *g, const struct ir_node *tmpl,
	const struct ir_node *sync_policy, const struct ir_node *params, struct ir_node **out)
{
	struct mc_ctx *ctx = g->ctx;
	struct ir_node *app = template_app(ctx, tmpl);
	if (!ir_is_map(params) || !params->map.len) {
		*out = ir_clone(ctx, app);
		return 0;
	}
	struct ir_node *r;
	if (render_node(g, app, params, 0, &r))
		return 1;
	const struct ir_node *keep = ir_map_getc(sync_policy, "preserveResourcesOnDeletion");
	bool preserve = keep && keep->type == IR_BOOL && keep->s.v.b;
	struct ir_node *meta = ir_map_child(ctx, r, "metadata");
	const struct ir_node *fin = ir_map_getc(meta, "finalizers");
	if (!preserve && (!ir_is_seq(fin) || !fin->seq.len)) {
		struct ir_node *f = ir_seq(ctx, &meta->pos);
		ir_seq_push(ctx, f, ir_str0(ctx, "resources-finalizer.argocd.argoproj.io", &meta->pos));
		ir_map_setc(ctx, meta, "finalizers", f);
	}
	*out = r;
	return 0;
}

int appset_apply_patch(struct appset_gen *g, struct ir_node *app, const char *patch, size_t n,
	struct ir_node **out)
{
	struct mc_ctx *ctx = g->ctx;
	const struct srcfile *f = srcfile_mem(ctx, "templatePatch", patch, n);
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_JSON_NUMBERS };
	struct ir_node *doc = NULL;
	if (yaml_load_one(ctx, f, &yo, &doc)) {
		sbuf_reset(&g->err);
		sbuf_printf(&g->err, "error while converting template to json %.*s: invalid YAML",
			(int)n, patch);
		return 1;
	}
	if (!ir_is_null(doc) && !ir_is_map(doc)) {
		sbuf_reset(&g->err);
		sbuf_printf(&g->err, "invalid templatePatch %.*s: json: cannot unmarshal %s into Go value "
			"of type v1alpha1.Application", (int)n, patch,
			ir_is_seq(doc) ? "array" : doc->type == IR_STR ? "string" : "number");
		return 1;
	}
	static const char *const maps[] = { "metadata", "spec" };
	for (size_t i = 0; i < 2; i++) {
		const struct ir_node *v = ir_map_getc(doc, maps[i]);
		if (v && !ir_is_null(v) && !ir_is_map(v)) {
			sbuf_reset(&g->err);
			sbuf_printf(&g->err, "invalid templatePatch %.*s: json: cannot unmarshal %s into Go "
				"struct field Application.%s", (int)n, patch,
				ir_is_seq(v) ? "array" : "string", maps[i]);
			return 1;
		}
	}
	struct sbuf err = SBUF_INIT;
	size_t lead = 0;
	while (lead < n && (patch[lead] == ' ' || (patch[lead] >= '\t' && patch[lead] <= '\r')))
		lead++;
	if (appset_patch_typecheck(doc, lead < n && patch[lead] == '{', &err)) {
		sbuf_reset(&g->err);
		sbuf_printf(&g->err, "invalid templatePatch %.*s: %s", (int)n, patch, err.buf);
		sbuf_release(&err);
		return 1;
	}
	struct ir_node *r = ir_clone(ctx, app);
	const struct ir_node *project = ir_path(app, "spec/project");
	if (appset_smp_application(ctx, r, doc, &err)) {
		sbuf_reset(&g->err);
		sbuf_printf(&g->err, "error while applying templatePatch template to json: %s", err.buf);
		sbuf_release(&err);
		return 1;
	}
	sbuf_release(&err);
	/* A patch cannot change the project. */
	struct ir_node *spec = ir_map_child(ctx, r, "spec");
	if (project)
		ir_map_setc(ctx, spec, "project", ir_clone(ctx, project));
	else
		ir_map_delc(spec, "project");
	*out = r;
	return 0;
}

/* -------------------------------------------------------- generate */

static const char *const generator_keys[] = {
	"list", "clusters", "git", "scmProvider", "clusterDecisionResource", "pullRequest",
	"matrix", "merge", "selector", "plugin",
};

static int report(struct appset_gen *g, const struct ir_node *at)
{
	const struct srcpos *pos = g->err_pos && g->err_pos->file ? g->err_pos : at ? &at->pos : NULL;
	return diag_error(&g->ctx->diag, pos, "ApplicationSet %s: %s", g->name, g->err.buf);
}

struct gen_app {
	struct ir_node *app;
	struct srcpos origin;
	size_t index; /* generation order */
};

static int cmp_app_names(const void *a, const void *b)
{
	const struct gen_app *x = a, *y = b;
	const char *nx = ir_path_cstr(x->app, "metadata/name"), *ny = ir_path_cstr(y->app, "metadata/name");
	int c = strcmp(nx ? nx : "", ny ? ny : "");
	return c ? c : x->index < y->index ? -1 : x->index > y->index;
}

static struct ir_node *finish_app(struct mc_ctx *ctx, struct ir_node *app, const char *ns)
{
	struct ir_node *a = ir_map(ctx, &app->pos);
	ir_map_setc(ctx, a, "apiVersion", ir_str0(ctx, "argoproj.io/v1alpha1", &app->pos));
	ir_map_setc(ctx, a, "kind", ir_str0(ctx, "Application", &app->pos));
	struct ir_node *meta = ir_map_child(ctx, app, "metadata");
	if (ns)
		ir_map_setc(ctx, meta, "namespace", ir_str0(ctx, ns, &meta->pos));
	for (uint32_t i = 0; i < app->map.len; i++) {
		const struct str *k = app->map.items[i].key->s.text;
		if (!str_eqc(k, "apiVersion") && !str_eqc(k, "kind"))
			ir_map_set(ctx, a, k, app->map.items[i].value);
	}
	return a;
}

int appset_generate(struct mc_ctx *ctx, struct appset_world *w, const struct ir_node *appset,
	unsigned flags, struct ir_node **apps_out, struct srcpos **origins_out)
{
	struct appset_gen g = { .ctx = ctx, .world = w, .appset = appset };
	sbuf_init(&g.err);
	const char *name = ir_path_cstr(appset, "metadata/name");
	g.name = name ? name : "";
	const char *ns = ir_path_cstr(appset, "metadata/namespace");
	if (!ns || !*ns)
		ns = w->default_namespace;
	const struct ir_node *spec = ir_map_getc(appset, "spec");
	int errors = 0;
	if (!ir_is_map(spec)) {
		sbuf_release(&g.err);
		return diag_error(&ctx->diag, &appset->pos, "ApplicationSet %s has no spec", g.name);
	}
	const struct ir_node *gt = ir_map_getc(spec, "goTemplate");
	g.mode.go = gt && gt->type == IR_BOOL && gt->s.v.b;
	const struct ir_node *opts = ir_map_getc(spec, "goTemplateOptions");
	const char **ov = NULL;
	if (ir_is_seq(opts)) {
		ov = arena_alloc(&ctx->arena, (opts->seq.len + 1) * sizeof *ov);
		for (uint32_t i = 0; i < opts->seq.len; i++) {
			const char *o = ir_cstr(opts->seq.items[i]);
			if (o)
				ov[g.mode.noptions++] = o;
		}
	}
	g.mode.options = ov;
	const struct ir_node *tmpl = ir_map_getc(spec, "template");
	const struct ir_node *sync_policy = ir_map_getc(spec, "syncPolicy");
	const struct ir_node *patch = ir_map_getc(spec, "templatePatch");
	if (patch && !ir_is_null(patch) && !ir_is_str(patch))
		errors += diag_error(&ctx->diag, &patch->pos, "templatePatch must be a string");
	const struct ir_node *gens = ir_map_getc(spec, "generators");
	if (!ir_is_seq(gens))
		errors += diag_error(&ctx->diag, gens ? &gens->pos : &spec->pos,
			"ApplicationSet %s: spec.generators must be a list", g.name);
	VEC(struct gen_app) apps = { 0 };
	struct ir_node *base = ir_is_map(tmpl) ? (struct ir_node *)tmpl : ir_map(ctx, &spec->pos);
	/* Like the controller, go on after an error (all of them are worth
	 * reporting); nothing is produced from an ApplicationSet with errors. */
	for (uint32_t i = 0; ir_is_seq(gens) && i < gens->seq.len; i++) {
		const struct ir_node *gen = gens->seq.items[i];
		int unknown = 0;
		for (uint32_t k = 0; ir_is_map(gen) && k < gen->map.len; k++) {
			bool known = false;
			for (size_t j = 0; j < sizeof generator_keys / sizeof *generator_keys && !known; j++)
				known = str_eqc(gen->map.items[k].key->s.text, generator_keys[j]);
			if (!known)
				unknown += diag_error(&ctx->diag, &gen->map.items[k].key->pos,
					"ApplicationSet %s contains unrecognized generators: %s", g.name,
					gen->map.items[k].key->s.text->s);
		}
		errors += unknown;
		if (unknown)
			continue;
		struct appset_results res = { 0 };
		g.err_pos = NULL;
		if (appset_transform(&g, gen, base, NULL, &res)) {
			errors += report(&g, gen);
			continue;
		}
		for (size_t r = 0; r < res.len; r++) {
			const struct ir_node *params = res.items[r].params;
			for (uint32_t p = 0; p < params->seq.len; p++) {
				const struct ir_node *ps = params->seq.items[p];
				struct ir_node *app;
				g.err_pos = NULL;
				if (appset_render_template(&g, res.items[r].tmpl, sync_policy, ps, &app)) {
					errors += report(&g, res.items[r].origin);
					continue;
				}
				if (ir_is_str(patch)) {
					struct sbuf s = SBUF_INIT, e = SBUF_INIT;
					const struct str *t = patch->s.text;
					int rc = appset_replace(ctx, &g.mode, t->s, t->len, ps, &s, &e);
					if (rc) {
						sbuf_reset(&g.err);
						sbuf_printf(&g.err, "error replacing values in templatePatch: %s", e.buf);
						g.err_pos = &patch->pos;
					} else {
						g.err_pos = &patch->pos;
						rc = appset_apply_patch(&g, app, s.buf, s.len, &app);
					}
					sbuf_release(&s);
					sbuf_release(&e);
					if (rc) {
						errors += report(&g, patch);
						continue;
					}
				}
				struct gen_app ga = { finish_app(ctx, app, ns), ps->pos, 0 };
				if (!ga.origin.file)
					ga.origin = res.items[r].origin->pos;
				VEC_PUSH(&ctx->arena, &apps, ga);
			}
		}
	}
	/* Generation errors: the controller applies nothing of this set. */
	if (errors)
		apps.len = 0;
	if (flags & APPSET_VALIDATE) {
		/* Sorted by name (stable: generation order within a name), the
		 * first of each name is kept; the others and empty names are
		 * invalid and reported; the valid ones stay sorted by name, as the
		 * controller sorts them before applying. */
		for (size_t i = 0; i < apps.len; i++)
			apps.items[i].index = i;
		if (apps.len)
			qsort(apps.items, apps.len, sizeof *apps.items, cmp_app_names);
		size_t kept = 0;
		for (size_t i = 0; i < apps.len; i++) {
			const char *an = ir_path_cstr(apps.items[i].app, "metadata/name");
			if (!an || !*an) {
				errors += diag_error(&ctx->diag, &apps.items[i].origin,
					"ApplicationSet %s generates an Application with an empty name", g.name);
				continue;
			}
			const char *prev = kept ? ir_path_cstr(apps.items[kept - 1].app, "metadata/name") : NULL;
			if (prev && !strcmp(prev, an)) {
				struct sbuf at = SBUF_INIT;
				const struct srcpos *o = &apps.items[kept - 1].origin;
				if (o->file)
					sbuf_printf(&at, "%s:%u:%u", o->file->path, o->line, o->col);
				else
					sbuf_adds(&at, "an earlier generator");
				errors += diag_error(&ctx->diag, &apps.items[i].origin,
					"ApplicationSet %s contains applications with duplicate name: %s "
					"(also generated from %s)", g.name, an, at.buf);
				sbuf_release(&at);
				continue;
			}
			apps.items[kept++] = apps.items[i];
		}
		apps.len = kept;
	}
	struct ir_node *seq = ir_seq(ctx, &appset->pos);
	struct srcpos *origins = arena_alloc(&ctx->arena, (apps.len + 1) * sizeof *origins);
	for (size_t i = 0; i < apps.len; i++) {
		ir_seq_push(ctx, seq, apps.items[i].app);
		origins[i] = apps.items[i].origin;
	}
	*apps_out = seq;
	if (origins_out)
		*origins_out = origins;
	sbuf_release(&g.err);
	return errors;
}
