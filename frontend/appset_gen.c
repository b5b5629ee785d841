/*
 * appset_gen.c - ApplicationSet generators: list, clusters, git
 * (directories and files), matrix and merge, plus Transform (per-entry
 * template merge, matrix interpolation, post-selector) and `values`.
 *
 * Each generator returns param sets as IR maps (see argocd.h).  The rules
 * are Argo CD's (applicationset/generators); where Argo CD iterates a
 * Go map into its output (cluster Secrets, merge results) the order here is
 * fixed instead: clusters by name, merged sets in the order of the base
 * generator.  Network-bound generators (scmProvider, pullRequest,
 * clusterDecisionResource, plugin) are refused with a clear error.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "argocd.h"
#include "mc/backend.h"

#define MAX_PARAM_SETS 1000000

static int fail(struct appset_gen *g, const struct ir_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct appset_gen *g, const struct ir_node *at, const char *fmt, ...)
{
	sbuf_reset(&g->err);
	va_list ap;
	va_start(ap, fmt);
	sbuf_vprintf(&g->err, fmt, ap);
	va_end(ap);
	g->err_pos = at ? &at->pos : NULL;
	return 1;
}

/* Prefix the current message, as Go's fmt.Errorf("...: %w") does. */
static int wrap(struct appset_gen *g, const char *prefix)
{
	struct sbuf t = SBUF_INIT;
	sbuf_adds(&t, prefix);
	sbuf_adds(&t, ": ");
	sbuf_add(&t, g->err.buf, g->err.len);
	sbuf_release(&g->err);
	g->err = t;
	return 1;
}

static const struct srcpos *pos_of(const struct ir_node *n)
{
	return n ? &n->pos : NULL;
}

static struct ir_node *set_str(struct appset_gen *g, struct ir_node *map, const char *key,
	const char *val, size_t vlen, const struct ir_node *at)
{
	return ir_map_set(g->ctx, map, mc_intern0(g->ctx, key), ir_str(g->ctx, val, vlen, pos_of(at)));
}

static struct ir_node *set_str0(struct appset_gen *g, struct ir_node *map, const char *key,
	const char *val, const struct ir_node *at)
{
	return set_str(g, map, key, val, strlen(val), at);
}

static bool params_empty(const struct ir_node *p)
{
	return !ir_is_map(p) || p->map.len == 0;
}

/* ------------------------------------------------------------ values */

int appset_add_values(struct appset_gen *g, const struct ir_node *values, struct ir_node *params)
{
	if (ir_is_null(values))
		return 0;
	if (!ir_is_map(values))
		return fail(g, values, "values must be a map of strings");
	if (!values->map.len)
		return 0;
	struct mc_ctx *ctx = g->ctx;
	struct ir_node *add = ir_map(ctx, &values->pos);
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	int rc = 0;
	for (uint32_t i = 0; i < values->map.len && !rc; i++) {
		const struct ir_pair *p = &values->map.items[i];
		if (!ir_is_str(p->value)) {
			rc = fail(g, p->value, "values.%s must be a string", p->key->s.text->s);
			break;
		}
		sbuf_reset(&out);
		sbuf_reset(&err);
		const struct str *t = p->value->s.text;
		if (appset_replace(ctx, &g->mode, t->s, t->len, params, &out, &err)) {
			rc = fail(g, p->value, "failed to replace templated string: failed to replace "
				"templated string with rendered values: %s", err.buf);
			break;
		}
		struct ir_node *v = ir_str(ctx, out.buf, out.len, &p->value->pos);
		if (g->mode.go) {
			ir_map_set(ctx, add, p->key->s.text, v);
		} else {
			const struct str *k = str_printf(&ctx->strs, "values.%s", p->key->s.text->s);
			ir_map_set(ctx, add, k, v);
		}
	}
	sbuf_release(&out);
	sbuf_release(&err);
	if (rc)
		return rc;
	if (g->mode.go)
		ir_map_setc(ctx, params, "values", add);
	else
		for (uint32_t i = 0; i < add->map.len; i++)
			ir_map_set(ctx, params, add->map.items[i].key->s.text, add->map.items[i].value);
	return 0;
}

/* ------------------------------------------------------------- list */

static int gen_list(struct appset_gen *g, const struct ir_node *spec, struct ir_node *out)
{
	struct mc_ctx *ctx = g->ctx;
	const struct ir_node *elems = ir_map_getc(spec, "elements");
	if (!ir_is_null(elems) && !ir_is_seq(elems))
		return fail(g, elems, "error unmarshling list element: elements must be a list");
	for (uint32_t i = 0; ir_is_seq(elems) && i < elems->seq.len; i++) {
		const struct ir_node *e = elems->seq.items[i];
		if (ir_is_null(e)) {
			ir_seq_push(ctx, out, ir_map(ctx, pos_of(e)));
			continue;
		}
		if (!ir_is_map(e))
			return fail(g, e, "error unmarshling list element json: cannot unmarshal %s into "
				"Go value of type map[string]interface {}", ir_is_seq(e) ? "array" : "value");
		if (g->mode.go) {
			ir_seq_push(ctx, out, ir_clone(ctx, e));
			continue;
		}
		struct ir_node *p = ir_map(ctx, &e->pos);
		for (uint32_t j = 0; j < e->map.len; j++) {
			const struct ir_pair *kv = &e->map.items[j];
			if (str_eqc(kv->key->s.text, "values")) {
				if (!ir_is_map(kv->value))
					return fail(g, kv->value, "error parsing values map");
				for (uint32_t k = 0; k < kv->value->map.len; k++) {
					const struct ir_pair *vv = &kv->value->map.items[k];
					if (!ir_is_str(vv->value))
						return fail(g, vv->value, "error parsing value as string");
					ir_map_set(ctx, p, str_printf(&ctx->strs, "values.%s", vv->key->s.text->s),
						ir_clone(ctx, vv->value));
				}
			} else {
				if (!ir_is_str(kv->value))
					return fail(g, kv->value, "error parsing value as string");
				ir_map_set(ctx, p, kv->key->s.text, ir_clone(ctx, kv->value));
			}
		}
		ir_seq_push(ctx, out, p);
	}
	const struct ir_node *ey = ir_map_getc(spec, "elementsYaml");
	const char *yaml = ir_cstr(ey);
	if (ey && !ir_is_null(ey) && !yaml)
		return fail(g, ey, "elementsYaml must be a string");
	if (yaml && *yaml) {
		const struct srcfile *f = srcfile_mem(ctx, "elementsYaml", yaml, strlen(yaml));
		struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_JSON_NUMBERS,
			.pos_file = ey->pos.file, .line_offset = ey->pos.line ? ey->pos.line - 1 : 0,
			.col_offset = ey->pos.col };
		struct ir_node *doc = NULL;
		if (yaml_load_one(ctx, f, &yo, &doc))
			return fail(g, ey, "error unmarshling decoded ElementsYaml: invalid YAML");
		if (!ir_is_null(doc) && !ir_is_seq(doc))
			return fail(g, ey, "error unmarshling decoded ElementsYaml: cannot unmarshal "
				"into []map[string]interface {}");
		for (uint32_t i = 0; ir_is_seq(doc) && i < doc->seq.len; i++) {
			struct ir_node *e = doc->seq.items[i];
			if (ir_is_null(e))
				e = ir_map(ctx, &ey->pos);
			if (!ir_is_map(e))
				return fail(g, ey, "error unmarshling decoded ElementsYaml: cannot unmarshal "
					"into map[string]interface {}");
			ir_seq_push(ctx, out, e);
		}
	}
	return 0;
}

/* --------------------------------------------------------- clusters */

static int cmp_clusters(const void *a, const void *b)
{
	return strcmp((*(const struct appset_cluster *const *)a)->name,
		(*(const struct appset_cluster *const *)b)->name);
}

static void add_meta(struct appset_gen *g, struct ir_node *params, struct ir_node *meta,
	const struct ir_node *src, const char *what)
{
	struct mc_ctx *ctx = g->ctx;
	if (!ir_is_map(src) || !src->map.len)
		return;
	if (g->mode.go) {
		struct ir_node *m = ir_map(ctx, &src->pos);
		for (uint32_t i = 0; i < src->map.len; i++)
			if (ir_is_scalar(src->map.items[i].value) && !ir_is_null(src->map.items[i].value))
				ir_map_set(ctx, m, src->map.items[i].key->s.text,
					ir_strs(ctx, ir_text(src->map.items[i].value), &src->map.items[i].value->pos));
		ir_map_setc(ctx, meta, what, m);
		return;
	}
	for (uint32_t i = 0; i < src->map.len; i++) {
		const struct ir_node *v = src->map.items[i].value;
		if (!ir_is_scalar(v) || ir_is_null(v))
			continue;
		ir_map_set(ctx, params, str_printf(&ctx->strs, "metadata.%s.%s", what,
			src->map.items[i].key->s.text->s), ir_strs(ctx, ir_text(v), &v->pos));
	}
}

static int gen_clusters(struct appset_gen *g, const struct ir_node *spec, struct ir_node *out)
{
	struct mc_ctx *ctx = g->ctx;
	struct appset_world *w = g->world;
	const struct ir_node *sel = ir_map_getc(spec, "selector");
	const struct ir_node *ml = ir_map_getc(sel, "matchLabels");
	const struct ir_node *me = ir_map_getc(sel, "matchExpressions");
	bool ignore_local = (ir_is_map(ml) && ml->map.len) || (ir_is_seq(me) && me->seq.len);
	/* The Secret selector: the generator's, plus the cluster label. */
	struct ir_node *s2 = ir_is_map(sel) ? ir_clone(ctx, sel) : ir_map(ctx, pos_of(spec));
	struct ir_node *ml2 = ir_map_child(ctx, s2, "matchLabels");
	set_str0(g, ml2, "argocd.argoproj.io/secret-type", "cluster", sel);
	struct appset_selector *selector;
	struct sbuf err = SBUF_INIT;
	if (appset_selector_parse(ctx, s2, true, &selector, &err)) {
		fail(g, sel, "error getting cluster secrets: error converting label selector: %s", err.buf);
		sbuf_release(&err);
		return 1;
	}
	sbuf_release(&err);
	/* Matching Secrets by data.name; a later one of the same name wins. */
	const struct appset_cluster **m = xcalloc(w->nclusters + 1, sizeof *m);
	size_t nm = 0;
	for (size_t i = 0; i < w->nclusters; i++) {
		const struct appset_cluster *c = &w->clusters[i];
		const struct ir_node *labels = ir_path(c->secret, "metadata/labels");
		struct ir_node *lm = ir_map(ctx, NULL);
		for (uint32_t j = 0; ir_is_map(labels) && j < labels->map.len; j++)
			if (ir_is_scalar(labels->map.items[j].value))
				ir_map_set(ctx, lm, labels->map.items[j].key->s.text,
					ir_strs(ctx, ir_text(labels->map.items[j].value), NULL));
		if (!appset_selector_match(selector, lm))
			continue;
		size_t k = 0;
		while (k < nm && strcmp(m[k]->name, c->name))
			k++;
		m[k] = c;
		if (k == nm)
			nm++;
	}
	qsort(m, nm, sizeof *m, cmp_clusters);
	const struct ir_node *values = ir_map_getc(spec, "values");
	const struct ir_node *flat = ir_map_getc(spec, "flatList");
	bool flat_list = flat && flat->type == IR_BOOL && flat->s.v.b;
	struct ir_node *sets = flat_list ? ir_seq(ctx, pos_of(spec)) : out;
	if (flat_list)
		sets->flags |= APPSET_F_TYPED_SLICE;
	bool has_local = false;
	struct sbuf tmp = SBUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < nm && !rc; i++) {
		const struct appset_cluster *c = m[i];
		struct ir_node *p = ir_map(ctx, &c->secret->pos);
		set_str0(g, p, "name", c->name, c->secret);
		sbuf_reset(&tmp);
		appset_normalize(&tmp, c->name, strlen(c->name));
		set_str(g, p, "nameNormalized", tmp.buf, tmp.len, c->secret);
		set_str0(g, p, "server", c->server, c->secret);
		set_str0(g, p, "project", c->project ? c->project : "", c->secret);
		if (!strcmp(c->server, "https://kubernetes.default.svc"))
			has_local = true;
		struct ir_node *meta = g->mode.go ? ir_map(ctx, &c->secret->pos) : NULL;
		add_meta(g, p, meta, ir_path(c->secret, "metadata/annotations"), "annotations");
		add_meta(g, p, meta, ir_path(c->secret, "metadata/labels"), "labels");
		if (meta)
			ir_map_setc(ctx, p, "metadata", meta);
		rc = appset_add_values(g, values, p);
		if (rc)
			wrap(g, "error appending templated values for cluster");
		ir_seq_push(ctx, sets, p);
	}
	if (!rc && !ignore_local && !has_local) {
		struct ir_node *p = ir_map(ctx, pos_of(spec));
		set_str0(g, p, "name", "in-cluster", spec);
		set_str0(g, p, "nameNormalized", "in-cluster", spec);
		set_str0(g, p, "server", "https://kubernetes.default.svc", spec);
		set_str0(g, p, "project", "", spec);
		rc = appset_add_values(g, values, p);
		if (rc)
			wrap(g, "error appending templated values for local cluster");
		ir_seq_push(ctx, sets, p);
	}
	sbuf_release(&tmp);
	free(m);
	if (!rc && flat_list) {
		struct ir_node *p = ir_map(ctx, pos_of(spec));
		ir_map_setc(ctx, p, "clusters", sets);
		ir_seq_push(ctx, out, p);
	}
	return rc;
}

/* --------------------------------------------------------------- git */

/* Go's path.Dir and path.Base of a clean relative path. */
static void path_split(const char *p, struct sbuf *dir, struct sbuf *base)
{
	const char *s = strrchr(p, '/');
	if (dir) {
		if (s)
			sbuf_add(dir, p, (size_t)(s - p));
		else
			sbuf_addc(dir, '.');
	}
	if (base)
		sbuf_adds(base, s ? s + 1 : p);
}

static void path_base(struct sbuf *out, const char *p)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	if (!n) {
		sbuf_addc(out, '.');
		return;
	}
	size_t b = n;
	while (b > 0 && p[b - 1] != '/')
		b--;
	sbuf_add(out, p + b, n - b);
}

/* The path params of a directory (file == NULL) or a file in it. */
static void path_params(struct appset_gen *g, struct ir_node *params, const char *dir,
	const char *file, const char *prefix, const struct ir_node *at)
{
	struct mc_ctx *ctx = g->ctx;
	struct sbuf base = SBUF_INIT, norm = SBUF_INIT, key = SBUF_INIT;
	path_base(&base, dir);
	appset_normalize(&norm, base.buf, base.len);
	const char *fname = file ? (strrchr(file, '/') ? strrchr(file, '/') + 1 : file) : NULL;
	if (g->mode.go) {
		struct ir_node *pp = ir_map(ctx, pos_of(at));
		set_str0(g, pp, "path", dir, at);
		set_str(g, pp, "basename", base.buf, base.len, at);
		if (fname)
			set_str0(g, pp, "filename", fname, at);
		set_str(g, pp, "basenameNormalized", norm.buf, norm.len, at);
		if (fname) {
			sbuf_reset(&norm);
			appset_normalize(&norm, fname, strlen(fname));
			set_str(g, pp, "filenameNormalized", norm.buf, norm.len, at);
		}
		struct ir_node *segs = ir_seq(ctx, pos_of(at));
		segs->flags |= APPSET_F_TYPED_SLICE;
		for (const char *s = dir;;) {
			const char *e = strchr(s, '/');
			size_t n = e ? (size_t)(e - s) : strlen(s);
			ir_seq_push(ctx, segs, ir_str(ctx, s, n, pos_of(at)));
			if (!e)
				break;
			s = e + 1;
		}
		ir_map_setc(ctx, pp, "segments", segs);
		if (prefix && *prefix) {
			struct ir_node *wrapm = ir_map(ctx, pos_of(at));
			ir_map_setc(ctx, wrapm, "path", pp);
			ir_map_set(ctx, params, mc_intern0(ctx, prefix), wrapm);
		} else {
			ir_map_setc(ctx, params, "path", pp);
		}
	} else {
		const char *name = "path";
		struct sbuf pn = SBUF_INIT;
		if (prefix && *prefix)
			sbuf_printf(&pn, "%s.path", prefix);
		else
			sbuf_adds(&pn, name);
#define KEY(suffix) (sbuf_reset(&key), sbuf_printf(&key, "%s%s", pn.buf, suffix), key.buf)
		set_str0(g, params, pn.buf, dir, at);
		set_str(g, params, KEY(".basename"), base.buf, base.len, at);
		if (fname)
			set_str0(g, params, KEY(".filename"), fname, at);
		set_str(g, params, KEY(".basenameNormalized"), norm.buf, norm.len, at);
		if (fname) {
			sbuf_reset(&norm);
			appset_normalize(&norm, fname, strlen(fname));
			set_str(g, params, KEY(".filenameNormalized"), norm.buf, norm.len, at);
		}
		int idx = 0;
		for (const char *s = dir;; idx++) {
			const char *e = strchr(s, '/');
			size_t n = e ? (size_t)(e - s) : strlen(s);
			if (n) {
				sbuf_reset(&key);
				sbuf_printf(&key, "%s[%d]", pn.buf, idx);
				set_str(g, params, key.buf, s, n, at);
			}
			if (!e)
				break;
			s = e + 1;
		}
#undef KEY
		sbuf_release(&pn);
	}
	sbuf_release(&base);
	sbuf_release(&norm);
	sbuf_release(&key);
}

static int gen_git_dirs(struct appset_gen *g, const struct ir_node *spec,
	const struct repo_tree *t, const struct ir_node *dirs, struct ir_node *out)
{
	const char *prefix = ir_cstr(ir_map_getc(spec, "pathParamPrefix"));
	const struct ir_node *values = ir_map_getc(spec, "values");
	for (size_t i = 0; i < t->ndirs; i++) {
		const char *d = t->dirs[i];
		bool inc = false, exc = false;
		for (uint32_t j = 0; j < dirs->seq.len; j++) {
			const struct ir_node *item = dirs->seq.items[j];
			const char *pat = ir_cstr(ir_map_getc(item, "path"));
			const struct ir_node *ex = ir_map_getc(item, "exclude");
			bool is_ex = ex && ex->type == IR_BOOL && ex->s.v.b;
			if (!pat)
				pat = "";
			/* A malformed pattern is skipped for this path (Argo CD logs it). */
			if (path_match(pat, d) == 1) {
				if (is_ex)
					exc = true;
				else
					inc = true;
			}
		}
		if (!inc || exc)
			continue;
		struct ir_node *p = ir_map(g->ctx, pos_of(spec));
		path_params(g, p, d, NULL, prefix, spec);
		if (appset_add_values(g, values, p))
			return wrap(g, "error generating params from apps: failed to append templated values");
		ir_seq_push(g->ctx, out, p);
	}
	return 0;
}

/* The files one pattern selects, added to (or removed from) the set. */
static int select_files(struct appset_gen *g, const struct repo_tree *t, const char *pat,
	const struct ir_node *at, char *sel, bool exclude)
{
	if (g->world->new_globbing) {
		while (*pat == '/')
			pat++;
		for (size_t i = 0; i < t->nalldirs; i++) {
			if (glob_doublestar(pat, t->alldirs[i]) == 1 && !exclude)
				return fail(g, at, "unable to read files. repo %s pattern %s: read %s: is a directory",
					t->root, pat, t->alldirs[i]);
		}
		for (size_t i = 0; i < t->nfiles; i++) {
			int m = glob_doublestar(pat, t->files[i]);
			if (m < 0)
				return fail(g, at, "unable to list files. pattern %s: syntax error in pattern", pat);
			if (m)
				sel[i] = !exclude;
		}
		return 0;
	}
	if (pat[0] == '/')
		return fail(g, at, "unable to list files. pattern %s: fatal: %s: '%s' is outside repository",
			pat, pat, pat);
	for (size_t i = 0; i < t->nfiles; i++)
		if (glob_pathspec(pat, t->files[i]))
			sel[i] = !exclude;
	return 0;
}

static int file_params(struct appset_gen *g, const struct ir_node *spec, const struct repo_tree *t,
	const char *rel, struct ir_node *out)
{
	struct mc_ctx *ctx = g->ctx;
	const char *prefix = ir_cstr(ir_map_getc(spec, "pathParamPrefix"));
	const char *url = ir_cstr(ir_map_getc(spec, "repoURL"));
	const struct ir_node *values = ir_map_getc(spec, "values");
	struct sbuf path = SBUF_INIT;
	sbuf_printf(&path, "%s/%s", t->root, rel);
	int err = 0;
	const struct srcfile *f = vfs_load(ctx->fs, path.buf, path.buf, &err);
	sbuf_release(&path);
	if (!f)
		return fail(g, spec, "unable to read files. repo %s pattern %s: %s", url ? url : "",
			rel, strerror(err));
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_JSON_NUMBERS | YAML_DUPKEYS_OK };
	struct ir_node *doc = NULL;
	if (yaml_load_one(ctx, f, &yo, &doc))
		return fail(g, spec, "unable to process file '%s' from repository '%s': unable to "
			"parse file: invalid YAML", rel, url ? url : "");
	struct ir_node *objs[1];
	struct ir_node **list = objs;
	size_t n = 0;
	if (ir_is_null(doc)) {
		objs[0] = ir_map(ctx, NULL);
		n = 1;
	} else if (ir_is_map(doc)) {
		objs[0] = doc;
		n = 1;
	} else if (ir_is_seq(doc)) {
		list = doc->seq.items;
		n = doc->seq.len;
		for (size_t i = 0; i < n; i++)
			if (!ir_is_null(list[i]) && !ir_is_map(list[i]))
				return fail(g, spec, "unable to process file '%s' from repository '%s': unable "
					"to parse file: error unmarshaling JSON: json: cannot unmarshal %s into Go "
					"value of type map[string]interface {}", rel, url ? url : "",
					ir_is_seq(list[i]) ? "array" : "value");
	} else {
		return fail(g, spec, "unable to process file '%s' from repository '%s': unable to parse "
			"file: error unmarshaling JSON: json: cannot unmarshal %s into Go value of type "
			"[]map[string]interface {}", rel, url ? url : "",
			doc->type == IR_STR ? "string" : "number");
	}
	struct sbuf dir = SBUF_INIT;
	path_split(rel, &dir, NULL);
	for (size_t i = 0; i < n; i++) {
		const struct ir_node *o = list[i];
		struct ir_node *p;
		if (g->mode.go) {
			p = ir_is_map(o) ? ir_clone(ctx, o) : ir_map(ctx, pos_of(o));
		} else {
			p = ir_is_map(o) ? appset_flatten(ctx, o) : ir_map(ctx, pos_of(o));
		}
		path_params(g, p, dir.buf, rel, prefix, spec);
		if (appset_add_values(g, values, p)) {
			sbuf_release(&dir);
			return wrap(g, "failed to append templated values");
		}
		ir_seq_push(ctx, out, p);
	}
	sbuf_release(&dir);
	return 0;
}

static int gen_git_files(struct appset_gen *g, const struct ir_node *spec,
	const struct repo_tree *t, const struct ir_node *files, struct ir_node *out)
{
	char *sel = xcalloc(t->nfiles + 1, 1);
	int rc = 0;
	/* Includes in order, then excludes (exclusion always wins). */
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (uint32_t j = 0; j < files->seq.len && !rc; j++) {
			const struct ir_node *item = files->seq.items[j];
			const struct ir_node *ex = ir_map_getc(item, "exclude");
			bool is_ex = ex && ex->type == IR_BOOL && ex->s.v.b;
			if (is_ex != (pass == 1))
				continue;
			const char *pat = ir_cstr(ir_map_getc(item, "path"));
			rc = select_files(g, t, pat ? pat : "", item, sel, is_ex);
		}
	}
	/* t->files is sorted bytewise: the order Argo CD processes them in. */
	for (size_t i = 0; i < t->nfiles && !rc; i++)
		if (sel[i])
			rc = file_params(g, spec, t, t->files[i], out);
	free(sel);
	return rc;
}

static int gen_git(struct appset_gen *g, const struct ir_node *spec, struct ir_node *out)
{
	const struct ir_node *dirs = ir_map_getc(spec, "directories");
	const struct ir_node *files = ir_map_getc(spec, "files");
	bool has_dirs = ir_is_seq(dirs) && dirs->seq.len;
	bool has_files = ir_is_seq(files) && files->seq.len;
	if (!has_dirs && !has_files)
		return fail(g, spec, "ApplicationSet is empty");
	const char *url = ir_cstr(ir_map_getc(spec, "repoURL"));
	struct sbuf err = SBUF_INIT;
	struct appset_repo *r = appset_world_repo(g->world, url ? url : "", &err);
	const struct repo_tree *t = r ? appset_repo_tree(g->world, r, &err) : NULL;
	if (!t) {
		fail(g, ir_map_getc(spec, "repoURL") ? ir_map_getc(spec, "repoURL") : spec,
			"error generating params from git: %s", err.buf);
		sbuf_release(&err);
		return 1;
	}
	sbuf_release(&err);
	if (has_dirs)
		return gen_git_dirs(g, spec, t, dirs, out) ? wrap(g, "error generating params from git") : 0;
	return gen_git_files(g, spec, t, files, out) ? wrap(g, "error generating params from git") : 0;
}

/* ----------------------------------------------------- matrix, merge */

static int transform(struct appset_gen *g, const struct ir_node *gen, const struct ir_node *base,
	const struct ir_node *interp, int depth, struct appset_results *out);

/* getParams of a matrix or merge child: exactly one kind. */
static int child_params(struct appset_gen *g, const struct ir_node *child, const struct ir_node *interp,
	int depth, struct ir_node **params)
{
	struct appset_results r = { 0 };
	if (transform(g, child, NULL, interp, depth, &r))
		return wrap(g, "child generator returned an error on parameter generation");
	if (r.len == 0)
		return fail(g, child, "child generator generated no parameters");
	if (r.len > 1)
		return fail(g, child, "found more than one generator in matrix.Generators");
	*params = r.items[0].params;
	return 0;
}

static int gen_matrix(struct appset_gen *g, const struct ir_node *spec, int depth, struct ir_node *out)
{
	struct mc_ctx *ctx = g->ctx;
	const struct ir_node *gens = ir_map_getc(spec, "generators");
	uint32_t n = ir_is_seq(gens) ? gens->seq.len : 0;
	if (n < 2)
		return fail(g, spec, "found less than two generators, Matrix support only two");
	if (n > 2)
		return fail(g, spec, "found more than two generators, Matrix support only two");
	struct ir_node *a_sets;
	if (child_params(g, gens->seq.items[0], NULL, depth + 1, &a_sets))
		return wrap(g, "error failed to get params for first generator in matrix generator");
	struct sbuf av = SBUF_INIT, bv = SBUF_INIT;
	int rc = 0;
	for (uint32_t i = 0; i < a_sets->seq.len && !rc; i++) {
		const struct ir_node *a = a_sets->seq.items[i];
		struct ir_node *b_sets;
		if (child_params(g, gens->seq.items[1], a, depth + 1, &b_sets)) {
			rc = wrap(g, "failed to get params for second generator in the matrix generator");
			break;
		}
		for (uint32_t j = 0; j < b_sets->seq.len && !rc; j++) {
			const struct ir_node *b = b_sets->seq.items[j];
			if (out->seq.len >= MAX_PARAM_SETS) {
				rc = fail(g, spec, "the matrix generates more than %d parameter sets", MAX_PARAM_SETS);
				break;
			}
			struct ir_node *res = ir_map(ctx, pos_of(a));
			if (g->mode.go) {
				if (ir_is_map(b))
					appset_merge_override(ctx, res, b);
				if (ir_is_map(a))
					appset_merge_override(ctx, res, a);
				ir_seq_push(ctx, out, res);
				continue;
			}
			/* CombineStringMaps: both sides stringified with %v; a key in
			 * both must have the same value. */
			for (uint32_t k = 0; ir_is_map(a) && k < a->map.len; k++) {
				sbuf_reset(&av);
				appset_fmt_v(&av, a->map.items[k].value);
				ir_map_set(ctx, res, a->map.items[k].key->s.text,
					ir_str(ctx, av.buf, av.len, &a->map.items[k].value->pos));
			}
			for (uint32_t k = 0; ir_is_map(b) && k < b->map.len; k++) {
				const struct str *key = b->map.items[k].key->s.text;
				sbuf_reset(&bv);
				appset_fmt_v(&bv, b->map.items[k].value);
				const struct ir_node *cur = ir_map_get(res, key);
				if (cur && (cur->s.text->len != bv.len || memcmp(cur->s.text->s, bv.buf, bv.len))) {
					rc = fail(g, b->map.items[k].value, "failed to combine string maps with merging "
						"params for the matrix generator: found duplicate key %s with different "
						"value, a: %s ,b: %s", key->s, cur->s.text->s, bv.buf);
					break;
				}
				ir_map_set(ctx, res, key, ir_str(ctx, bv.buf, bv.len, &b->map.items[k].value->pos));
			}
			ir_seq_push(ctx, out, res);
		}
	}
	sbuf_release(&av);
	sbuf_release(&bv);
	return rc;
}

/* The merge key of a param set: JSON of {k: P[k]} with sorted keys. */
static const struct str *merge_key(struct appset_gen *g, const struct ir_node *keys,
	const struct ir_node *p)
{
	struct mc_ctx *ctx = g->ctx;
	struct ir_node *k = ir_map(ctx, NULL);
	for (uint32_t i = 0; i < keys->seq.len; i++) {
		const struct str *name = ir_text(keys->seq.items[i]);
		if (!name)
			continue;
		const struct ir_node *v = ir_map_get(p, name);
		ir_map_set(ctx, k, name, v ? (struct ir_node *)v : ir_null(ctx, NULL));
	}
	struct sbuf sb = SBUF_INIT;
	const char *err = NULL;
	emit_json(&sb, k, EMIT_JSON_COMPACT, &err);
	const struct str *s = mc_intern(ctx, sb.buf, sb.len);
	sbuf_release(&sb);
	return s;
}

struct keyed_set {
	const struct str *key;
	struct ir_node *params;
};

static int by_key(struct appset_gen *g, const struct ir_node *keys, const struct ir_node *sets,
	struct keyed_set **out, const struct ir_node *at)
{
	struct keyed_set *k = xcalloc(sets->seq.len + 1, sizeof *k);
	for (uint32_t i = 0; i < sets->seq.len; i++) {
		k[i].key = merge_key(g, keys, sets->seq.items[i]);
		k[i].params = sets->seq.items[i];
		for (uint32_t j = 0; j < i; j++)
			if (k[j].key == k[i].key) {
				fail(g, at, "error getting param sets by merge key: the parameters from a "
					"generator were not unique by the given mergeKeys, Merge requires all param "
					"sets to be unique. Duplicate key was %s", k[i].key->s);
				free(k);
				return 1;
			}
	}
	*out = k;
	return 0;
}

static int gen_merge(struct appset_gen *g, const struct ir_node *spec, int depth, struct ir_node *out)
{
	struct mc_ctx *ctx = g->ctx;
	const struct ir_node *gens = ir_map_getc(spec, "generators");
	uint32_t n = ir_is_seq(gens) ? gens->seq.len : 0;
	if (n < 2)
		return fail(g, spec, "found less than two generators, Merge requires two or more");
	struct ir_node **sets = xcalloc(n, sizeof *sets);
	for (uint32_t i = 0; i < n; i++) {
		if (child_params(g, gens->seq.items[i], NULL, depth + 1, &sets[i])) {
			free(sets);
			struct sbuf t = SBUF_INIT;
			sbuf_printf(&t, "error getting param sets from generators: error getting params from "
				"generator %u of %u", i + 1, n);
			wrap(g, t.buf);
			sbuf_release(&t);
			return 1;
		}
	}
	const struct ir_node *keys = ir_map_getc(spec, "mergeKeys");
	if (!ir_is_seq(keys) || !keys->seq.len) {
		free(sets);
		return fail(g, spec, "error getting param sets by merge key: no merge keys were "
			"specified, Merge requires at least one");
	}
	/* De-duplicate the merge keys (they are a set in Argo CD). */
	struct ir_node *ukeys = ir_seq(ctx, &keys->pos);
	for (uint32_t i = 0; i < keys->seq.len; i++) {
		bool dup = false;
		for (uint32_t j = 0; j < ukeys->seq.len && !dup; j++)
			dup = str_eq(ir_text(ukeys->seq.items[j]), ir_text(keys->seq.items[i]));
		if (!dup)
			ir_seq_push(ctx, ukeys, keys->seq.items[i]);
	}
	struct keyed_set *base;
	if (by_key(g, ukeys, sets[0], &base, spec)) {
		free(sets);
		return 1;
	}
	int rc = 0;
	for (uint32_t c = 1; c < n && !rc; c++) {
		struct keyed_set *over;
		if (by_key(g, ukeys, sets[c], &over, gens->seq.items[c])) {
			rc = 1;
			break;
		}
		for (uint32_t i = 0; i < sets[0]->seq.len; i++) {
			for (uint32_t j = 0; j < sets[c]->seq.len; j++) {
				if (over[j].key != base[i].key)
					continue;
				if (g->mode.go) {
					appset_merge_override(ctx, base[i].params, over[j].params);
				} else {
					const struct ir_node *o = over[j].params;
					for (uint32_t k = 0; k < o->map.len; k++)
						ir_map_set(ctx, base[i].params, o->map.items[k].key->s.text,
							o->map.items[k].value);
				}
				break;
			}
		}
		free(over);
	}
	if (!rc)
		for (uint32_t i = 0; i < sets[0]->seq.len; i++)
			ir_seq_push(ctx, out, base[i].params);
	free(base);
	free(sets);
	return rc;
}

/* ------------------------------------------------------ interpolate */

static bool values_kind(const struct str *k)
{
	return str_eqc(k, "clusters") || str_eqc(k, "git") || str_eqc(k, "scmProvider") ||
		str_eqc(k, "clusterDecisionResource") || str_eqc(k, "pullRequest");
}

static int interp_node(struct appset_gen *g, const struct ir_node *n, const struct ir_node *params,
	const struct appset_mode *values_mode, bool values_parent, int depth, struct ir_node **out);

static int interp_values(struct appset_gen *g, const struct ir_node *v, const struct ir_node *params,
	const struct appset_mode *vm, struct ir_node **out)
{
	struct mc_ctx *ctx = g->ctx;
	if (!ir_is_map(v)) {
		*out = ir_clone(ctx, v);
		return 0;
	}
	struct ir_node *m = ir_map(ctx, &v->pos);
	struct sbuf o = SBUF_INIT, e = SBUF_INIT;
	int rc = 0;
	for (uint32_t i = 0; i < v->map.len && !rc; i++) {
		const struct ir_pair *p = &v->map.items[i];
		const struct str *t = ir_text(p->value);
		if (!ir_is_str(p->value)) {
			ir_map_set(ctx, m, p->key->s.text, ir_clone(ctx, p->value));
			continue;
		}
		sbuf_reset(&o);
		sbuf_reset(&e);
		if (appset_replace(ctx, vm, t->s, t->len, params, &o, &e)) {
			if (vm->go && appset_missing_key_error(e.buf)) {
				ir_map_set(ctx, m, p->key->s.text, ir_clone(ctx, p->value));
				continue;
			}
			rc = fail(g, p->value, "failed to replace parameters in generator: failed to "
				"pre-resolve Values key \"%s\": %s", p->key->s.text->s, e.buf);
			break;
		}
		ir_map_set(ctx, m, p->key->s.text, ir_str(ctx, o.buf, o.len, &p->value->pos));
	}
	sbuf_release(&o);
	sbuf_release(&e);
	*out = m;
	return rc;
}

static int interp_node(struct appset_gen *g, const struct ir_node *n, const struct ir_node *params,
	const struct appset_mode *vm, bool values_parent, int depth, struct ir_node **out)
{
	struct mc_ctx *ctx = g->ctx;
	if (depth > YAML_MAX_DEPTH)
		return fail(g, n, "generator nested too deeply");
	if (ir_is_str(n)) {
		struct sbuf o = SBUF_INIT, e = SBUF_INIT;
		int rc = appset_replace(ctx, &g->mode, n->s.text->s, n->s.text->len, params, &o, &e);
		if (rc)
			fail(g, n, "failed to replace parameters in generator: %s", e.buf);
		else
			*out = ir_str(ctx, o.buf, o.len, &n->pos);
		sbuf_release(&o);
		sbuf_release(&e);
		return rc;
	}
	if (ir_is_seq(n)) {
		struct ir_node *s = ir_seq(ctx, &n->pos);
		s->flags = n->flags;
		for (uint32_t i = 0; i < n->seq.len; i++) {
			struct ir_node *c;
			if (interp_node(g, n->seq.items[i], params, vm, false, depth + 1, &c))
				return 1;
			ir_seq_push(ctx, s, c);
		}
		*out = s;
		return 0;
	}
	if (ir_is_map(n)) {
		struct ir_node *m = ir_map(ctx, &n->pos);
		struct sbuf o = SBUF_INIT, e = SBUF_INIT;
		for (uint32_t i = 0; i < n->map.len; i++) {
			const struct ir_pair *p = &n->map.items[i];
			if (ir_is_null(p->value))
				continue; /* Go maps drop nil values */
			struct ir_node *c;
			int rc;
			if (values_parent && str_eqc(p->key->s.text, "values"))
				rc = interp_values(g, p->value, params, vm, &c);
			else
				rc = interp_node(g, p->value, params, vm, values_kind(p->key->s.text),
					depth + 1, &c);
			if (rc) {
				sbuf_release(&o);
				sbuf_release(&e);
				return 1;
			}
			const struct str *k = p->key->s.text;
			sbuf_reset(&o);
			sbuf_reset(&e);
			if (appset_replace(ctx, &g->mode, k->s, k->len, params, &o, &e)) {
				fail(g, p->key, "failed to replace parameters in generator: %s", e.buf);
				sbuf_release(&o);
				sbuf_release(&e);
				return 1;
			}
			ir_map_set(ctx, m, mc_intern(ctx, o.buf, o.len), c);
		}
		sbuf_release(&o);
		sbuf_release(&e);
		*out = m;
		return 0;
	}
	*out = ir_clone(ctx, n);
	return 0;
}

int appset_interpolate(struct appset_gen *g, const struct ir_node *gen,
	const struct ir_node *params, struct ir_node **out)
{
	if (params_empty(params)) {
		*out = (struct ir_node *)gen;
		return 0;
	}
	/* Values pre-resolution: the user's options without missingkey, plus
	 * missingkey=error, so that keys only the child knows stay templates. */
	struct appset_mode vm = g->mode;
	const char **opts = xcalloc(g->mode.noptions + 1, sizeof *opts);
	size_t n = 0;
	if (g->mode.go) {
		for (size_t i = 0; i < g->mode.noptions; i++)
			if (strncmp(g->mode.options[i], "missingkey=", 11))
				opts[n++] = g->mode.options[i];
		opts[n++] = "missingkey=error";
		vm.options = opts;
		vm.noptions = n;
	}
	int rc = interp_node(g, gen, params, &vm, false, 0, out);
	free(opts);
	return rc;
}

/* ---------------------------------------------------------- transform */

enum kind { K_LIST, K_CLUSTERS, K_GIT, K_SCM, K_DUCK, K_PR, K_MATRIX, K_MERGE, K_PLUGIN, K_N };

static const char *const kind_keys[K_N] = {
	"list", "clusters", "git", "scmProvider", "clusterDecisionResource", "pullRequest",
	"matrix", "merge", "plugin",
};

static int generate(struct appset_gen *g, enum kind k, const struct ir_node *spec, int depth,
	struct ir_node *out)
{
	switch (k) {
	case K_LIST: return gen_list(g, spec, out);
	case K_CLUSTERS: return gen_clusters(g, spec, out);
	case K_GIT: return gen_git(g, spec, out);
	case K_MATRIX: return gen_matrix(g, spec, depth, out);
	case K_MERGE: return gen_merge(g, spec, depth, out);
	default:
		return fail(g, spec, "the %s generator needs a network service and is not supported "
			"by manifestc, which renders offline", kind_keys[k]);
	}
}

static int transform(struct appset_gen *g, const struct ir_node *gen, const struct ir_node *base,
	const struct ir_node *interp, int depth, struct appset_results *out)
{
	struct mc_ctx *ctx = g->ctx;
	if (!ir_is_map(gen))
		return fail(g, gen, "a generator must be a map");
	const struct ir_node *sel_node = ir_map_getc(gen, "selector");
	bool has_sel = sel_node && !ir_is_null(sel_node);
	struct appset_selector *sel = NULL;
	struct sbuf err = SBUF_INIT;
	if (has_sel && appset_selector_parse(ctx, sel_node, false, &sel, &err)) {
		fail(g, sel_node, "error parsing label selector: %s", err.buf);
		sbuf_release(&err);
		return 1;
	}
	sbuf_release(&err);
	int first_error = 0;
	for (int k = 0; k < K_N; k++) {
		const struct ir_node *spec = ir_map_getc(gen, kind_keys[k]);
		if (!spec || ir_is_null(spec))
			continue;
		/* Matrix and merge nest two levels: below that their keys are
		 * not part of the generator type and are dropped. */
		if ((k == K_MATRIX || k == K_MERGE) && depth >= 2)
			continue;
		struct ir_node *tmpl = NULL;
		if (base) {
			const struct ir_node *gt = ir_map_getc(spec, "template");
			tmpl = ir_is_map(gt) ? ir_clone(ctx, gt) : ir_map(ctx, &spec->pos);
			appset_merge_fill(ctx, tmpl, base);
		}
		const struct ir_node *use = gen;
		if (!params_empty(interp)) {
			struct ir_node *ig;
			if (appset_interpolate(g, gen, interp, &ig)) {
				if (!first_error)
					first_error = 1;
				continue;
			}
			use = ig;
		}
		const struct ir_node *uspec = ir_map_getc(use, kind_keys[k]);
		if (!ir_is_map(uspec)) {
			fail(g, spec, "the %s generator must be a map", kind_keys[k]);
			first_error = 1;
			continue;
		}
		struct ir_node *params = ir_seq(ctx, &spec->pos);
		if (generate(g, (enum kind)k, uspec, depth, params)) {
			first_error = 1;
			break; /* keep the first error's message */
		}
		struct ir_node *kept = params;
		if (has_sel) {
			kept = ir_seq(ctx, &spec->pos);
			for (uint32_t i = 0; i < params->seq.len; i++)
				if (appset_selector_match(sel, appset_flatten(ctx, params->seq.items[i])))
					ir_seq_push(ctx, kept, params->seq.items[i]);
		}
		if (out->len == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 4;
			out->items = arena_grow(&ctx->arena, out->items,
				out->len * sizeof *out->items, out->cap * sizeof *out->items);
		}
		out->items[out->len++] = (struct appset_result){ tmpl, kept, spec };
	}
	return first_error;
}

int appset_transform(struct appset_gen *g, const struct ir_node *gen, const struct ir_node *base,
	const struct ir_node *interp, struct appset_results *out)
{
	return transform(g, gen, base, interp, 0, out);
}
