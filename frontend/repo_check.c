/*
 * repo_check.c - render's validation pass: every rendered environment,
 * validated, and the findings of a render assembled into its result.
 *
 * What validation means is ir/validate*.c's; this file runs it over a
 * render.  The schemas are the embedded ones, the settings' (`validate.crds`,
 * `validate.schemas`), the CRDs of the repository's files and the CRDs of
 * every rendered output, so a custom resource validates whichever
 * Application installs its CRD.  Then, per environment (one thread each,
 * one context each): every resource against its schema, the API server's
 * checks and the policies of its environment (protected environments), the
 * references between the resources of the environment, and each
 * Application against its AppProject (sources, destinations, and the kinds
 * it renders).
 *
 * Positions: a finding points at the node that holds the value, which the
 * frontends keep through kustomize patches and transformers.  Two kinds of
 * node come from text the render made, not from a file: values in Helm's
 * output and images in the kustomization that an Application's kustomize
 * options rewrote.  For those the Application's trace (app_trace_source)
 * says where the value was set (a values file, a parameter, an images
 * entry); a Helm value that the chart's template text built is left at its
 * line in the chart's output.
 *
 * The result keeps each finding once (a base shared by three environments
 * is one finding, indexed by three records) and copies of the files they
 * point into, so it outlives every context of the render.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argocd.h"

/* ------------------------------------------------------------- findings */

void repo_findings_init(struct repo_findings *f, struct mc_ctx *ctx,
	struct validate_records *recs)
{
	f->ctx = ctx;
	f->recs = recs;
	f->seen = ir_map(ctx, NULL);
}

size_t repo_findings_take(struct repo_findings *f, struct diag *src, size_t *map)
{
	struct diag *d = &f->ctx->diag;
	struct sbuf key = SBUF_INIT;
	size_t fresh = 0;
	for (size_t i = 0; i < src->len; i++) {
		struct diag_msg *m = &src->msgs[i];
		sbuf_reset(&key);
		sbuf_printf(&key, "%d\n%s\n%u:%u\n%s\n%s\n%s", (int)m->level,
			m->pos.file ? m->pos.file->path : "", m->pos.line, m->pos.col,
			m->rule ? m->rule : "", m->pointer ? m->pointer : "", m->msg);
		const struct str *k = mc_intern(f->ctx, key.buf, key.len);
		const struct ir_node *at = ir_map_get(f->seen, k);
		if (at) {
			if (map)
				map[i] = (size_t)at->s.v.i;
			free(m->msg);
			continue;
		}
		ir_map_set(f->ctx, f->seen, k, ir_int(f->ctx, (int64_t)d->len, NULL));
		if (map)
			map[i] = d->len;
		if (d->len == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 16;
			d->msgs = xrealloc(d->msgs, d->cap * sizeof *d->msgs);
		}
		d->msgs[d->len++] = *m;
		if (m->level == DIAG_ERROR) {
			d->nerrors++;
			fresh++;
		} else if (m->level == DIAG_WARNING) {
			d->nwarnings++;
		}
	}
	sbuf_release(&key);
	free(src->msgs);
	memset(src, 0, sizeof *src);
	return fresh;
}

/* ---------------------------------------------------------------- set-up */

int repo_check_init(struct repo_check *c, struct mc_ctx *ctx, const struct ir_node *section,
	const char *repo)
{
	memset(c, 0, sizeof *c);
	c->ctx = ctx;
	c->projects = ir_map(ctx, NULL);
	size_t e0 = ctx->diag.nerrors;
	validate_policy_defaults(&c->policy);
	validate_policy_parse(ctx, section, repo, &c->policy);
	/* Strict, as the issue asks of render, unless the repository says. */
	c->opts.strict = c->policy.strict_set ? c->policy.strict : true;
	c->opts.ignore_missing = c->policy.ignore_missing;
	c->opts.skip = c->policy.skip.items;
	c->opts.nskip = c->policy.skip.len;
	c->opts.reject = c->policy.reject.items;
	c->opts.nreject = c->policy.reject.len;
	c->set = schema_set_new(schema_builtin());
	for (size_t i = 0; i < c->policy.schemas.len; i++) {
		int e = validate_add_schema_dir(ctx, ctx->fs, c->set, c->policy.schemas.items[i]);
		if (e)
			diag_error(&ctx->diag, NULL, "manifestc.yaml: validate.schemas: %s: %s",
				c->policy.schemas.items[i], strerror(e));
	}
	for (size_t i = 0; i < c->policy.crds.len; i++) {
		int e = validate_add_crd_path(ctx, ctx->fs, c->set, c->policy.crds.items[i]);
		if (e)
			diag_error(&ctx->diag, NULL, "manifestc.yaml: validate.crds: %s: %s",
				c->policy.crds.items[i], strerror(e));
	}
	return (int)(ctx->diag.nerrors - e0);
}

void repo_check_release(struct repo_check *c)
{
	schema_set_free(c->set);
	memset(c, 0, sizeof *c);
}

static bool is_crd(const struct ir_node *d)
{
	const char *api = ir_path_cstr(d, "apiVersion");
	return ir_is_map(d) && api && !strncmp(api, "apiextensions.k8s.io/", 21) &&
		str_eqc(ir_text(ir_map_getc(d, "kind")), "CustomResourceDefinition");
}

void repo_check_crd_file(struct repo_check *c, const struct srcfile *f)
{
	struct mc_ctx *ctx = c->ctx;
	struct diag saved = ctx->diag;
	diag_init(&ctx->diag);
	struct ir_docs docs = { 0 };
	struct yaml_opts yo = { .schema = YAML_V2 };
	if (yaml_load(ctx, f, &yo, &docs) == 0)
		for (size_t i = 0; i < docs.len; i++)
			if (is_crd(docs.items[i]))
				schema_set_add_crd(c->set, ctx, docs.items[i]);
	diag_release(&ctx->diag);
	ctx->diag = saved;
}

static bool is_project(const struct ir_node *d)
{
	const char *api = ir_path_cstr(d, "apiVersion");
	return ir_is_map(d) && api && !strncmp(api, "argoproj.io/", 12) &&
		str_eqc(ir_text(ir_map_getc(d, "kind")), "AppProject");
}

static void add_project(struct mc_ctx *ctx, struct ir_node *map, const struct ir_node *doc)
{
	const char *name = ir_path_cstr(doc, "metadata/name");
	if (name && !ir_map_getc(map, name))
		ir_map_setc(ctx, map, name, (struct ir_node *)doc);
}

void repo_check_project(struct repo_check *c, const struct ir_node *doc)
{
	if (is_project(doc))
		add_project(c->ctx, c->projects, doc);
}

/* ------------------------------------------------------- one environment */

struct env_work {
	struct repo_vapp *apps;
	size_t n;
	uint32_t seq;
	struct mc_ctx ctx;
	struct validate_records recs;
};

struct pool {
	const struct repo_check *c;
	const struct ir_node *projects;
	struct env_work *envs;
	size_t nenvs;
	atomic_size_t next;
};

/* The node at an RFC 6901 pointer, or NULL. */
static const struct ir_node *node_at(const struct ir_node *n, const char *ptr)
{
	struct sbuf seg = SBUF_INIT;
	while (n && *ptr == '/') {
		ptr++;
		sbuf_reset(&seg);
		for (; *ptr && *ptr != '/'; ptr++) {
			if (*ptr == '~' && (ptr[1] == '0' || ptr[1] == '1'))
				sbuf_addc(&seg, *++ptr == '0' ? '~' : '/');
			else
				sbuf_addc(&seg, *ptr);
		}
		if (ir_is_map(n)) {
			const struct ir_node *next = NULL;
			for (uint32_t i = 0; i < n->map.len && !next; i++)
				if (str_eqc(n->map.items[i].key->s.text, seg.len ? seg.buf : ""))
					next = n->map.items[i].value;
			n = next;
		} else if (ir_is_seq(n)) {
			char *end;
			unsigned long i = strtoul(seg.len ? seg.buf : "x", &end, 10);
			n = *end || i >= n->seq.len ? NULL : n->seq.items[i];
		} else {
			n = NULL;
		}
	}
	sbuf_release(&seg);
	return *ptr ? NULL : n;
}

/* A finding whose node came from text the render made (Helm's output, a
 * rewritten kustomization) goes where the trace says the value was set. */
static void relocate(const struct repo_vapp *a, const struct ir_node *body, struct diag_msg *m)
{
	const struct srcfile *f = m->pos.file;
	if (!f || !a->trace || !m->pointer || (m->rule && !strcmp(m->rule, "schema/unknown-field")))
		return;
	int e;
	if (vfs_load(a->ctx->fs, f->path, f->path, &e) == f)
		return; /* a file of the repository */
	const struct ir_node *n = node_at(body, m->pointer);
	if (!n || !ir_is_scalar(n))
		return;
	struct srcpos pos;
	const char *what;
	app_trace_source(a->ctx, a->trace, n, &pos, &what);
	if (pos.file)
		m->pos = pos;
}

static void check_env(const struct repo_check *c, const struct ir_node *projects,
	struct env_work *w)
{
	struct mc_ctx *ctx = &w->ctx;
	struct validate_records *recs = &w->recs;
	size_t *first = arena_calloc(&ctx->arena, w->n + 1, sizeof *first);
	for (size_t k = 0; k < w->n; k++) {
		const struct repo_vapp *a = &w->apps[k];
		const struct srcfile *out = srcfile_mem(ctx, a->file, "", 0);
		/* The Application itself: its project's checks land here. */
		struct validate_record ar = { 0 };
		ar.file = out;
		ar.seq = w->seq + (uint32_t)k;
		ar.pos = (struct srcpos){ out, 0, 0 };
		ar.item = -1;
		ar.body = a->app;
		ar.api_version = ir_path_cstr(a->app, "apiVersion");
		ar.kind = "Application";
		ar.name = ir_path_cstr(a->app, "metadata/name");
		ar.ns = ir_path_cstr(a->app, "metadata/namespace");
		first[k] = recs->len;
		validate_records_push(ctx, recs, &ar);
		for (size_t i = 0; i < a->nres; i++) {
			struct validate_record rec = { 0 };
			rec.file = out;
			rec.seq = ar.seq;
			rec.doc = (uint32_t)i;
			rec.item = -1;
			rec.pos = (struct srcpos){ out, a->lines ? a->lines[i] : 0, a->lines && a->lines[i] };
			if (validate_resource(ctx, c->set, a->res[i], "", &c->opts, &rec) == VALIDATE_EMPTY)
				continue;
			validate_records_push(ctx, recs, &rec);
			validate_policies(ctx, &c->policy, a->env, &recs->items[recs->len - 1]);
		}
	}
	first[w->n] = recs->len;
	/* The environment is one closed world. */
	validate_refs(ctx, &c->policy, recs);
	for (size_t k = 0; k < w->n; k++) {
		const struct repo_vapp *a = &w->apps[k];
		struct validate_record pair[2] = { recs->items[first[k]] };
		const char *pname = ir_path_cstr(a->app, "spec/project");
		const struct ir_node *proj = ir_map_getc(projects, pname && *pname ? pname : "default");
		struct validate_records two = { pair, 1, 2 };
		if (proj) {
			pair[1] = (struct validate_record){ .body = proj, .item = -1, .kind = "AppProject",
				.api_version = ir_path_cstr(proj, "apiVersion"),
				.name = ir_path_cstr(proj, "metadata/name") };
			two.len = 2;
		}
		validate_projects(ctx, &c->policy, &two);
		recs->items[first[k]] = pair[0];
		if (proj) {
			struct validate_records mine = { recs->items + first[k] + 1,
				first[k + 1] - first[k] - 1, first[k + 1] - first[k] - 1 };
			validate_project_kinds(ctx, &c->policy, c->set, proj, &recs->items[first[k]], &mine);
		}
		for (size_t r = first[k] + 1; r < first[k + 1]; r++) {
			const struct validate_record *x = &recs->items[r];
			for (size_t m = 0; m < x->nmsgs; m++)
				relocate(a, x->body, &ctx->diag.msgs[x->msgs[m]]);
		}
	}
}

static void *env_worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->nenvs)
			break;
		check_env(p->c, p->projects, &p->envs[i]);
	}
	return NULL;
}

static void run_pool(struct pool *p, int jobs)
{
	int n = jobs > 0 ? jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if ((size_t)n > p->nenvs)
		n = (int)p->nenvs;
	if (n <= 1) {
		env_worker(p);
		return;
	}
	pthread_t *t = xcalloc((size_t)n, sizeof *t);
	int started = 0;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, env_worker, p) == 0)
			started++;
		else
			break;
	if (!started)
		env_worker(p);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
}

/* ------------------------------------------------------------- the pass */

/* Move an environment's findings and records into the result. */
static size_t take_env(struct repo_findings *f, struct env_work *w)
{
	struct mc_ctx *out = f->ctx;
	diag_detach(&w->ctx.diag, 0, &out->arena);
	size_t *map = xcalloc(w->ctx.diag.len + 1, sizeof *map);
	size_t fresh = repo_findings_take(f, &w->ctx.diag, map);
	size_t from = f->recs->len;
	const struct srcfile *last = NULL, *copy = NULL;
	for (size_t i = 0; i < w->recs.len; i++) {
		struct validate_record r = w->recs.items[i];
		if (r.file != last) {
			last = r.file;
			copy = srcfile_copy(&out->arena, r.file);
		}
		r.file = copy;
		r.pos.file = copy;
		size_t *msgs = arena_alloc(&out->arena, (r.nmsgs + 1) * sizeof *msgs);
		for (size_t m = 0; m < r.nmsgs; m++)
			msgs[m] = map[r.msgs[m]];
		r.msgs = msgs;
		r.msgcap = r.nmsgs;
		validate_records_push(out, f->recs, &r);
	}
	validate_records_detach(out, f->recs, from, NULL);
	free(map);
	return fresh;
}

size_t repo_check_run(struct repo_check *c, struct repo_vapp *apps, size_t n, uint32_t first_seq,
	int jobs, struct repo_findings *f)
{
	/* The CRDs of every output first; a CRD that does not compile is a
	 * finding of its own.  The AppProjects the render applies come before
	 * those found in files (they are what Argo CD gets). */
	struct mc_ctx crds;
	mc_ctx_init(&crds, c->ctx->fs);
	struct ir_node *projects = ir_map(&crds, NULL);
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < apps[k].nres; i++) {
			const struct ir_node *b = apps[k].res[i];
			if (is_crd(b))
				schema_set_add_crd(c->set, &crds, b);
			else if (is_project(b))
				add_project(&crds, projects, b);
		}
	for (uint32_t i = 0; i < c->projects->map.len; i++)
		add_project(&crds, projects, c->projects->map.items[i].value);
	diag_detach(&crds.diag, 0, &f->ctx->arena);
	size_t from = f->ctx->diag.len;
	size_t errors = repo_findings_take(f, &crds.diag, NULL);
	validate_records_orphans(f->ctx, f->recs, from, f->ctx->diag.len, 0);

	/* One piece of work per environment. */
	struct pool p = { .c = c, .projects = projects };
	p.envs = xcalloc(n + 1, sizeof *p.envs);
	for (size_t k = 0; k < n;) {
		size_t e = k;
		while (e < n && !strcmp(apps[e].env, apps[k].env))
			e++;
		struct env_work *w = &p.envs[p.nenvs++];
		w->apps = apps + k;
		w->n = e - k;
		w->seq = first_seq + (uint32_t)k;
		mc_ctx_init(&w->ctx, c->ctx->fs);
		k = e;
	}
	atomic_store(&p.next, 0);
	run_pool(&p, jobs);
	for (size_t i = 0; i < p.nenvs; i++) {
		errors += take_env(f, &p.envs[i]);
		mc_ctx_release(&p.envs[i].ctx);
	}
	free(p.envs);
	mc_ctx_release(&crds);
	return errors;
}
