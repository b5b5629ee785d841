/*
 * rout.c - reading a render output directory back (`manifestc diff OLD NEW`).
 *
 * `manifestc render -o OUT` writes OUT/index.json (environments, their
 * Applications and each Application's resources in sync order, with
 * XXH3-128 digests of canonical bytes) and one file per Application.  A
 * diff reads the two indexes and compares digests first: an environment or
 * Application whose digest did not change is skipped without opening its
 * file, so comparing two renders of a large repository where one service
 * changed reads two indexes and two small files.  Files are parsed only
 * for Applications that differ (rout_app_load), and their documents must
 * match the index one for one: a mismatch means the directory was edited
 * by hand or half-written, and is reported rather than guessed around.
 *
 * Everything is read through ctx->fs, so errors point at index.json
 * line:col like any other input.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mc/diff.h"
#include "mc/frontend.h"

static const char *field_str(struct mc_ctx *ctx, const struct ir_node *map, const char *key,
	bool required, const char *what, int *errs)
{
	const struct ir_node *v = ir_map_getc(map, key);
	if (ir_is_str(v))
		return v->s.text->s;
	if (v && !ir_is_null(v)) {
		*errs += diag_error(&ctx->diag, &v->pos, "%s: \"%s\" must be a string", what, key);
		return "";
	}
	if (required)
		*errs += diag_error(&ctx->diag, &map->pos, "%s: \"%s\" is missing", what, key);
	return "";
}

/* syncWave: a number (or a numeric string, as the annotation holds it). */
static long field_wave(struct mc_ctx *ctx, const struct ir_node *map, int *errs)
{
	const struct ir_node *v = ir_map_getc(map, "syncWave");
	if (!v || ir_is_null(v))
		return 0;
	int64_t i;
	if (v->type == IR_INT)
		return (long)v->s.v.i;
	if (v->type == IR_FLOAT && v->s.v.f == (double)(long)v->s.v.f)
		return (long)v->s.v.f;
	if (v->type == IR_STR && go_parse_int(v->s.text->s, v->s.text->len, 10, &i))
		return (long)i;
	*errs += diag_error(&ctx->diag, &v->pos, "\"syncWave\" must be an integer");
	return 0;
}

static const struct ir_node *field_seq(struct mc_ctx *ctx, const struct ir_node *map,
	const char *key, int *errs)
{
	const struct ir_node *v = ir_map_getc(map, key);
	if (ir_is_seq(v))
		return v;
	if (!v || ir_is_null(v))
		return NULL;
	*errs += diag_error(&ctx->diag, &v->pos, "\"%s\" must be a list", key);
	return NULL;
}

static int load_resource(struct mc_ctx *ctx, const struct ir_node *n, struct rout_res *r)
{
	int errs = 0;
	if (!ir_is_map(n))
		return diag_error(&ctx->diag, &n->pos, "a resource must be an object");
	r->api_version = field_str(ctx, n, "apiVersion", true, "resource", &errs);
	r->kind = field_str(ctx, n, "kind", true, "resource", &errs);
	r->ns = field_str(ctx, n, "namespace", false, "resource", &errs);
	r->name = field_str(ctx, n, "name", true, "resource", &errs);
	r->digest = field_str(ctx, n, "digest", true, "resource", &errs);
	r->wave = field_wave(ctx, n, &errs);
	const char *slash = strchr(r->api_version, '/');
	r->group = slash ? arena_strndup(&ctx->arena, r->api_version,
		(size_t)(slash - r->api_version)) : "";
	r->pos = n->pos;
	return errs;
}

static int load_app(struct mc_ctx *ctx, const struct ir_node *n, struct rout_app *a)
{
	int errs = 0;
	if (!ir_is_map(n))
		return diag_error(&ctx->diag, &n->pos, "an Application must be an object");
	a->name = field_str(ctx, n, "name", true, "Application", &errs);
	a->project = field_str(ctx, n, "project", false, "Application", &errs);
	a->file = field_str(ctx, n, "file", true, "Application", &errs);
	a->digest = field_str(ctx, n, "digest", true, "Application", &errs);
	a->wave = field_wave(ctx, n, &errs);
	const struct ir_node *dest = ir_map_getc(n, "destination");
	a->server = ir_is_map(dest) ? field_str(ctx, dest, "server", false, "destination", &errs) : "";
	a->dest_ns = ir_is_map(dest) ? field_str(ctx, dest, "namespace", false, "destination", &errs) : "";
	a->source = ir_map_getc(n, "sources");
	if (!a->source)
		a->source = ir_map_getc(n, "source");
	a->pos = n->pos;
	if (a->file[0] == '/' || !strcmp(a->file, "..") || !strncmp(a->file, "../", 3) ||
	    strstr(a->file, "/../"))
		errs += diag_error(&ctx->diag, &n->pos, "Application %s: \"file\" must stay inside the output directory",
			a->name);
	const struct ir_node *res = field_seq(ctx, n, "resources", &errs);
	a->nres = res ? res->seq.len : 0;
	a->res = arena_calloc(&ctx->arena, a->nres ? a->nres : 1, sizeof *a->res);
	for (size_t i = 0; i < a->nres; i++)
		errs += load_resource(ctx, res->seq.items[i], &a->res[i]);
	return errs;
}

int rout_load(struct mc_ctx *ctx, const char *dir, struct rout *out)
{
	memset(out, 0, sizeof *out);
	out->dir = arena_strdup(&ctx->arena, dir);
	char *path = path_clean(dir, "index.json");
	int err = 0;
	const struct srcfile *f = vfs_load(ctx->fs, path, path, &err);
	if (!f) {
		int r = diag_error(&ctx->diag, NULL, "%s: %s%s", path, strerror(err),
			err == ENOENT ? " (not a `manifestc render` output directory?)" : "");
		free(path);
		return r;
	}
	free(path);
	struct yaml_opts yo = { .schema = YAML_V2 };
	struct ir_node *doc = NULL;
	if (yaml_load_one(ctx, f, &yo, &doc))
		return 1;
	if (!ir_is_map(doc))
		return diag_error(&ctx->diag, doc ? &doc->pos : NULL, "index.json must hold an object");
	const struct ir_node *ver = ir_map_getc(doc, "version");
	if (!ver || ver->type != IR_INT || ver->s.v.i != 1)
		return diag_error(&ctx->diag, ver ? &ver->pos : &doc->pos,
			"unsupported index version (this manifestc reads version 1)");
	int errs = 0;
	out->digest = field_str(ctx, doc, "digest", false, "index", &errs);
	const struct ir_node *envs = field_seq(ctx, doc, "environments", &errs);
	out->nenvs = envs ? envs->seq.len : 0;
	out->envs = arena_calloc(&ctx->arena, out->nenvs ? out->nenvs : 1, sizeof *out->envs);
	for (size_t i = 0; i < out->nenvs; i++) {
		const struct ir_node *e = envs->seq.items[i];
		struct rout_env *env = &out->envs[i];
		if (!ir_is_map(e)) {
			errs += diag_error(&ctx->diag, &e->pos, "an environment must be an object");
			continue;
		}
		env->name = field_str(ctx, e, "name", true, "environment", &errs);
		env->digest = field_str(ctx, e, "digest", true, "environment", &errs);
		const struct ir_node *apps = field_seq(ctx, e, "applications", &errs);
		env->napps = apps ? apps->seq.len : 0;
		env->apps = arena_calloc(&ctx->arena, env->napps ? env->napps : 1, sizeof *env->apps);
		for (size_t j = 0; j < env->napps; j++)
			errs += load_app(ctx, apps->seq.items[j], &env->apps[j]);
	}
	return errs;
}

/* The documents of an Application's file: a YAML stream, or a JSON List. */
static int load_docs(struct mc_ctx *ctx, const struct srcfile *f, bool json, struct ir_docs *docs)
{
	struct yaml_opts yo = { .schema = YAML_V2 };
	memset(docs, 0, sizeof *docs);
	if (!json)
		return yaml_load(ctx, f, &yo, docs);
	struct ir_node *list = NULL;
	if (yaml_load_one(ctx, f, &yo, &list))
		return 1;
	const struct ir_node *items = ir_map_getc(list, "items");
	if (!ir_is_seq(items))
		return diag_error(&ctx->diag, list ? &list->pos : NULL,
			"%s: expected a List with items", f->path);
	docs->items = items->seq.items;
	docs->len = items->seq.len;
	return 0;
}

int rout_app_load(struct mc_ctx *ctx, const struct rout *o, struct rout_app *a)
{
	if (a->loaded)
		return 0;
	char *path = o->dir ? path_clean(o->dir, a->file) : xstrdup(a->file);
	int err = 0;
	const struct srcfile *f = a->bytes ? srcfile_mem(ctx, path, a->bytes, a->len)
		: vfs_load(ctx->fs, path, path, &err);
	if (!f) {
		int r = diag_error(&ctx->diag, &a->pos, "Application %s: %s: %s", a->name, path,
			strerror(err));
		free(path);
		return r;
	}
	size_t plen = strlen(path);
	bool json = plen > 5 && !strcmp(path + plen - 5, ".json");
	free(path);
	struct ir_docs docs;
	if (load_docs(ctx, f, json, &docs))
		return 1;
	if (docs.len != a->nres)
		return diag_error(&ctx->diag, &a->pos,
			"Application %s: %s holds %zu documents but the index lists %zu resources",
			a->name, f->path, docs.len, a->nres);
	for (size_t i = 0; i < docs.len; i++) {
		struct rout_res *r = &a->res[i];
		const struct ir_node *d = docs.items[i];
		const char *kind = ir_path_cstr(d, "kind"), *name = ir_path_cstr(d, "metadata/name");
		if (!kind || !name || strcmp(kind, r->kind) || strcmp(name, r->name))
			return diag_error(&ctx->diag, d ? &d->pos : &a->pos,
				"Application %s: document %zu is not %s %s as the index says",
				a->name, i + 1, r->kind, r->name);
		r->body = docs.items[i];
	}
	a->loaded = true;
	return 0;
}

void rout_from_render(struct mc_ctx *ctx, const struct repo_result *res, struct rout *out)
{
	memset(out, 0, sizeof *out);
	/* Applications come sorted by environment: one run per environment. */
	size_t nenvs = 0;
	for (size_t i = 0; i < res->napps; i++)
		nenvs += !i || strcmp(res->apps[i].env, res->apps[i - 1].env);
	out->envs = arena_calloc(&ctx->arena, nenvs ? nenvs : 1, sizeof *out->envs);
	for (size_t i = 0; i < res->napps;) {
		size_t e = i;
		while (e < res->napps && !strcmp(res->apps[e].env, res->apps[i].env))
			e++;
		struct rout_env *env = &out->envs[out->nenvs++];
		env->name = res->apps[i].env;
		env->napps = e - i;
		env->apps = arena_calloc(&ctx->arena, env->napps, sizeof *env->apps);
		for (size_t k = i; k < e; k++) {
			const struct repo_app *ra = &res->apps[k];
			struct rout_app *a = &env->apps[k - i];
			a->name = ra->instance;
			a->project = ra->project;
			a->file = ra->file;
			a->digest = ra->digest;
			a->wave = (long)ra->wave;
			a->server = ra->dest_server;
			a->dest_ns = ra->dest_ns;
			const struct srcfile *sf = srcfile_mem(ctx, "source", ra->source_json,
				strlen(ra->source_json));
			struct yaml_opts yo = { .schema = YAML_V2 };
			struct ir_node *src = NULL;
			if (yaml_load_one(ctx, sf, &yo, &src) == 0)
				a->source = src;
			a->bytes = ra->bytes ? ra->bytes : "";
			a->len = ra->len;
			a->nres = ra->nres;
			a->res = arena_calloc(&ctx->arena, a->nres ? a->nres : 1, sizeof *a->res);
			for (size_t r = 0; r < a->nres; r++) {
				const struct repo_resource *rr = &ra->res[r];
				struct rout_res *x = &a->res[r];
				x->api_version = rr->api_version;
				const char *slash = strchr(rr->api_version, '/');
				x->group = slash ? arena_strndup(&ctx->arena, rr->api_version,
					(size_t)(slash - rr->api_version)) : "";
				x->kind = rr->kind;
				x->ns = rr->ns;
				x->name = rr->name;
				x->wave = (long)rr->wave;
				x->digest = rr->digest;
			}
		}
		i = e;
	}
}
