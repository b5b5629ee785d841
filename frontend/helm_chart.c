/*
 * helm_chart.c - loading a chart: pkg/chart/loader and chart.Metadata.
 *
 * A chart is a directory (walked in name order, symlinks followed, with the
 * root's .helmignore applied) or a gzipped tar archive; either way it ends
 * as a list of files that LoadFiles sorts into Chart.yaml, values.yaml,
 * values.schema.json, templates/, charts/ (subcharts, recursively, as
 * directories or .tgz archives) and the rest (.Files).  Chart.yaml is
 * decoded the way sigs.k8s.io/yaml decodes into Go structs: field names
 * match case-insensitively, numbers and booleans become strings where a
 * string is expected, other type mismatches are errors.  Validation and
 * its messages are chart.Metadata.Validate's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc/helm.h"
#include "mc/semver.h"

/* ------------------------------------------------- Go struct decoding */

enum fkind { F_STR, F_BOOL, F_STRLIST, F_STRMAP, F_MAINT, F_DEPS, F_ANY };

struct field {
	const char *name;
	enum fkind kind;
	size_t off;
	size_t count_off; /* for lists: where the length goes */
	size_t has_off;   /* for lists: a bool set when present (0: none) */
};

struct decoder {
	struct mc_ctx *ctx;
	const char *what; /* "Chart.yaml" */
	int errors;
};

static int type_error(struct decoder *d, const struct ir_node *n, const char *st,
	const char *field, const char *gotype)
{
	d->errors++;
	return diag_error(&d->ctx->diag, &n->pos,
		"cannot load %s: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go struct field %s.%s of type %s",
		d->what, ir_json_kind(n), st, field, gotype);
}

static int cmp_pairs(const void *a, const void *b)
{
	const struct ir_pair *x = *(const struct ir_pair *const *)a;
	const struct ir_pair *y = *(const struct ir_pair *const *)b;
	return str_cmp(x->key->s.text, y->key->s.text);
}

static bool fold_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

static void decode_struct(struct decoder *d, const struct ir_node *n, const struct field *fields,
	size_t nfields, void *base, const char *st);

static const char *decode_str(struct decoder *d, const struct ir_node *v, const char *st,
	const char *field, const char *cur)
{
	if (ir_is_null(v))
		return cur;
	if (!ir_is_scalar(v)) {
		type_error(d, v, st, field, "string");
		return cur;
	}
	return yaml_string_field(d->ctx, v);
}

static const char **decode_strlist(struct decoder *d, const struct ir_node *v, const char *st,
	const char *field, size_t *n)
{
	*n = 0;
	if (ir_is_null(v))
		return NULL;
	if (!ir_is_seq(v)) {
		type_error(d, v, st, field, "[]string");
		return NULL;
	}
	const char **items = arena_calloc(&d->ctx->arena, v->seq.len + 1, sizeof *items);
	for (uint32_t i = 0; i < v->seq.len; i++)
		items[i] = decode_str(d, v->seq.items[i], st, field, "");
	*n = v->seq.len;
	return items;
}

static const struct field maint_fields[] = {
	{ "name", F_STR, offsetof(struct helm_maintainer, name), 0, 0 },
	{ "email", F_STR, offsetof(struct helm_maintainer, email), 0, 0 },
	{ "url", F_STR, offsetof(struct helm_maintainer, url), 0, 0 },
};

static const struct field dep_fields[] = {
	{ "name", F_STR, offsetof(struct helm_dep, name), 0, 0 },
	{ "version", F_STR, offsetof(struct helm_dep, version), 0, 0 },
	{ "repository", F_STR, offsetof(struct helm_dep, repository), 0, 0 },
	{ "condition", F_STR, offsetof(struct helm_dep, condition), 0, 0 },
	{ "tags", F_STRLIST, offsetof(struct helm_dep, tags), offsetof(struct helm_dep, ntags), 0 },
	{ "enabled", F_BOOL, offsetof(struct helm_dep, enabled), 0, 0 },
	{ "import-values", F_ANY, offsetof(struct helm_dep, import_values), 0, 0 },
	{ "alias", F_STR, offsetof(struct helm_dep, alias), 0, 0 },
};

static const struct field meta_fields[] = {
	{ "name", F_STR, offsetof(struct helm_meta, name), 0, 0 },
	{ "home", F_STR, offsetof(struct helm_meta, home), 0, 0 },
	{ "sources", F_STRLIST, offsetof(struct helm_meta, sources), offsetof(struct helm_meta, nsources),
	  offsetof(struct helm_meta, has_sources) },
	{ "version", F_STR, offsetof(struct helm_meta, version), 0, 0 },
	{ "description", F_STR, offsetof(struct helm_meta, description), 0, 0 },
	{ "keywords", F_STRLIST, offsetof(struct helm_meta, keywords), offsetof(struct helm_meta, nkeywords),
	  offsetof(struct helm_meta, has_keywords) },
	{ "maintainers", F_MAINT, offsetof(struct helm_meta, maintainers), offsetof(struct helm_meta, nmaintainers), 0 },
	{ "icon", F_STR, offsetof(struct helm_meta, icon), 0, 0 },
	{ "apiVersion", F_STR, offsetof(struct helm_meta, api_version), 0, 0 },
	{ "condition", F_STR, offsetof(struct helm_meta, condition), 0, 0 },
	{ "tags", F_STR, offsetof(struct helm_meta, tags), 0, 0 },
	{ "appVersion", F_STR, offsetof(struct helm_meta, app_version), 0, 0 },
	{ "deprecated", F_BOOL, offsetof(struct helm_meta, deprecated), 0, 0 },
	{ "annotations", F_STRMAP, offsetof(struct helm_meta, annotations), 0, 0 },
	{ "kubeVersion", F_STR, offsetof(struct helm_meta, kube_version), 0, 0 },
	{ "dependencies", F_DEPS, offsetof(struct helm_meta, deps), offsetof(struct helm_meta, ndeps), 0 },
	{ "type", F_STR, offsetof(struct helm_meta, type), 0, 0 },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define AT(base, off, T) ((T *)((char *)(base) + (off)))

static void init_strs(void *base, const struct field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fields[i].kind == F_STR)
			*AT(base, fields[i].off, const char *) = "";
}

static void decode_field(struct decoder *d, const struct field *f, const struct ir_node *v,
	void *base, const char *st)
{
	struct arena *a = &d->ctx->arena;
	switch (f->kind) {
	case F_STR:
		*AT(base, f->off, const char *) = decode_str(d, v, st, f->name,
			*AT(base, f->off, const char *));
		return;
	case F_BOOL:
		if (ir_is_null(v))
			return;
		if (v->type != IR_BOOL) {
			type_error(d, v, st, f->name, "bool");
			return;
		}
		*AT(base, f->off, bool) = v->s.v.b;
		return;
	case F_STRLIST: {
		size_t n;
		*AT(base, f->off, const char **) = decode_strlist(d, v, st, f->name, &n);
		*AT(base, f->count_off, size_t) = n;
		if (f->has_off)
			*AT(base, f->has_off, bool) = !ir_is_null(v);
		return;
	}
	case F_STRMAP: {
		if (ir_is_null(v)) {
			*AT(base, f->off, struct ir_node *) = NULL;
			return;
		}
		if (!ir_is_map(v)) {
			type_error(d, v, st, f->name, "map[string]string");
			return;
		}
		struct ir_node *m = ir_map(d->ctx, &v->pos);
		for (uint32_t i = 0; i < v->map.len; i++) {
			const char *s = decode_str(d, v->map.items[i].value, st, f->name, "");
			ir_map_set(d->ctx, m, v->map.items[i].key->s.text,
				ir_str0(d->ctx, s, &v->map.items[i].value->pos));
		}
		*AT(base, f->off, struct ir_node *) = m;
		return;
	}
	case F_MAINT:
	case F_DEPS: {
		bool deps = f->kind == F_DEPS;
		if (ir_is_null(v)) {
			*AT(base, f->off, void **) = NULL;
			*AT(base, f->count_off, size_t) = 0;
			return;
		}
		if (!ir_is_seq(v)) {
			type_error(d, v, st, f->name, deps ? "[]*chart.Dependency" : "[]*chart.Maintainer");
			return;
		}
		void **items = arena_calloc(a, v->seq.len + 1, sizeof *items);
		for (uint32_t i = 0; i < v->seq.len; i++) {
			const struct ir_node *e = v->seq.items[i];
			if (ir_is_null(e))
				continue;
			if (!ir_is_map(e)) {
				type_error(d, e, st, f->name, deps ? "chart.Dependency" : "chart.Maintainer");
				continue;
			}
			if (deps) {
				struct helm_dep *dep = arena_calloc(a, 1, sizeof *dep);
				init_strs(dep, dep_fields, COUNT(dep_fields));
				dep->pos = e->pos;
				decode_struct(d, e, dep_fields, COUNT(dep_fields), dep, "Dependency");
				items[i] = dep;
			} else {
				struct helm_maintainer *m = arena_calloc(a, 1, sizeof *m);
				init_strs(m, maint_fields, COUNT(maint_fields));
				decode_struct(d, e, maint_fields, COUNT(maint_fields), m, "Maintainer");
				items[i] = m;
			}
		}
		*AT(base, f->off, void **) = items;
		*AT(base, f->count_off, size_t) = v->seq.len;
		return;
	}
	case F_ANY:
		*AT(base, f->off, const struct ir_node *) = ir_is_null(v) ? NULL : v;
		return;
	}
}

static void decode_struct(struct decoder *d, const struct ir_node *n, const struct field *fields,
	size_t nfields, void *base, const char *st)
{
	/* encoding/json sees the keys sorted (json.Marshal of a Go map) and
	 * the last one naming a field wins. */
	const struct ir_pair **pairs = xmalloc((n->map.len + 1) * sizeof *pairs);
	for (uint32_t i = 0; i < n->map.len; i++)
		pairs[i] = &n->map.items[i];
	qsort(pairs, n->map.len, sizeof *pairs, cmp_pairs);
	for (uint32_t i = 0; i < n->map.len; i++) {
		const char *k = pairs[i]->key->s.text->s;
		const struct field *f = NULL;
		for (size_t j = 0; j < nfields && !f; j++)
			if (!strcmp(fields[j].name, k))
				f = &fields[j];
		for (size_t j = 0; j < nfields && !f; j++)
			if (fold_eq(fields[j].name, k))
				f = &fields[j];
		if (f)
			decode_field(d, f, pairs[i]->value, base, st);
	}
	free(pairs);
}

/* ------------------------------------------------------- validation */

/* Not unicode.IsPrint: controls and the format characters charts meet. */
static bool go_unprintable(uint32_t r)
{
	return r < 0x20 || (r >= 0x7F && r <= 0x9F) || r == 0xAD || (r >= 0x200B && r <= 0x200F) ||
		(r >= 0x202A && r <= 0x202E) || (r >= 0x2060 && r <= 0x2064) || r == 0xFEFF ||
		(r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF;
}

/* sanitizeString: spaces become ' ', unprintable runes go. */
static const char *sanitize(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	bool clean = true;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7F)
			clean = false;
	if (clean)
		return s;
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < n;) {
		uint32_t r;
		size_t l = utf8_decode(s + i, n - i, &r);
		if (go_is_space(r))
			sbuf_addc(&sb, ' ');
		else if (!go_unprintable(r)) {
			char buf[4];
			sbuf_add(&sb, buf, utf8_encode(buf, r));
		}
		i += l;
	}
	const char *out = arena_strndup(a, sb.buf, sb.len);
	sbuf_release(&sb);
	return out;
}

static bool alias_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return false;
	return true;
}

/* A ValidationError; `what` is the text before an optional %q argument,
 * `after` the text after it. */
static int invalid(struct mc_ctx *ctx, const struct srcpos *pos, const char *what,
	const char *arg, const char *after)
{
	if (!arg)
		return diag_error(&ctx->diag, pos, "validation: %s", what);
	return diag_error(&ctx->diag, pos, "validation: %s%s%s", what,
		go_quote_a(&ctx->arena, arg), after);
}

static int validate(struct mc_ctx *ctx, struct helm_meta *md, const struct srcpos *pos)
{
	struct arena *a = &ctx->arena;
	md->name = sanitize(a, md->name);
	md->description = sanitize(a, md->description);
	md->home = sanitize(a, md->home);
	md->icon = sanitize(a, md->icon);
	md->condition = sanitize(a, md->condition);
	md->tags = sanitize(a, md->tags);
	md->app_version = sanitize(a, md->app_version);
	md->kube_version = sanitize(a, md->kube_version);
	for (size_t i = 0; i < md->nsources; i++)
		md->sources[i] = sanitize(a, md->sources[i]);
	for (size_t i = 0; i < md->nkeywords; i++)
		md->keywords[i] = sanitize(a, md->keywords[i]);
	if (!*md->api_version)
		return invalid(ctx, pos, "chart.metadata.apiVersion is required", NULL, NULL);
	if (!*md->name)
		return invalid(ctx, pos, "chart.metadata.name is required", NULL, NULL);
	if (!strcmp(md->name, ".") || !strcmp(md->name, ".."))
		return invalid(ctx, pos, "chart.metadata.name ", md->name, " is not allowed");
	if (strchr(md->name, '/'))
		return invalid(ctx, pos, "chart.metadata.name ", md->name, " is invalid");
	if (!*md->version)
		return invalid(ctx, pos, "chart.metadata.version is required", NULL, NULL);
	struct semver v;
	if (!semver_parse(a, md->version, &v, NULL))
		return invalid(ctx, pos, "chart.metadata.version ", md->version, " is invalid");
	if (*md->type && strcmp(md->type, "application") && strcmp(md->type, "library"))
		return invalid(ctx, pos, "chart.metadata.type must be application or library", NULL, NULL);
	for (size_t i = 0; i < md->nmaintainers; i++) {
		struct helm_maintainer *m = md->maintainers[i];
		if (!m)
			return invalid(ctx, pos, "maintainers must not contain empty or null nodes", NULL, NULL);
		m->name = sanitize(a, m->name);
		m->email = sanitize(a, m->email);
		m->url = sanitize(a, m->url);
	}
	for (size_t i = 0; i < md->ndeps; i++) {
		struct helm_dep *d = md->deps[i];
		if (!d)
			return invalid(ctx, pos, "dependencies must not contain empty or null nodes", NULL, NULL);
		d->name = sanitize(a, d->name);
		d->version = sanitize(a, d->version);
		d->repository = sanitize(a, d->repository);
		d->condition = sanitize(a, d->condition);
		for (size_t j = 0; j < d->ntags; j++)
			d->tags[j] = sanitize(a, d->tags[j]);
		if (*d->alias && !alias_ok(d->alias))
			return invalid(ctx, &d->pos, "dependency ", d->name,
				" has disallowed characters in the alias");
		const char *key = *d->alias ? d->alias : d->name;
		for (size_t j = 0; j < i; j++) {
			const char *other = *md->deps[j]->alias ? md->deps[j]->alias : md->deps[j]->name;
			if (!strcmp(other, key))
				return invalid(ctx, &d->pos, "more than one dependency with name or alias ", key, "");
		}
	}
	return 0;
}

/* ------------------------------------------------------------ loading */

const struct srcfile *helm_file_src(struct mc_ctx *ctx, const struct helm_chart *c,
	struct helm_file *f)
{
	if (!f->src)
		f->src = srcfile_mem(ctx, arena_printf(&ctx->arena, "%s/%s", c->where, f->name),
			f->data, f->len);
	return f->src;
}

/* yaml.Unmarshal of a file into a Go struct or map: one document. */
static int load_yaml(struct mc_ctx *ctx, const struct helm_chart *c, struct helm_file *f,
	unsigned flags, struct ir_node **out)
{
	const struct srcfile *src = helm_file_src(ctx, c, f);
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK | flags };
	return yaml_load_one(ctx, src, &yo, out);
}

static int decode_meta(struct mc_ctx *ctx, struct helm_chart *c, struct helm_file *f)
{
	struct ir_node *doc;
	if (load_yaml(ctx, c, f, 0, &doc))
		return 1;
	if (ir_is_null(doc))
		return 0;
	if (!ir_is_map(doc))
		return diag_error(&ctx->diag, &doc->pos,
			"cannot load %s: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go value of type chart.Metadata",
			f->name, ir_json_kind(doc));
	struct decoder d = { ctx, f->name, 0 };
	decode_struct(&d, doc, meta_fields, COUNT(meta_fields), &c->meta, "Metadata");
	return d.errors;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool has_ext(const char *name, const char *ext)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strrchr(slash ? slash : name, '.');
	return dot && !strcmp(dot, ext);
}

struct helm_chart *helm_chart_from_files(struct mc_ctx *ctx, struct helm_files *files,
	const char *where, const struct srcpos *from)
{
	struct arena *a = &ctx->arena;
	struct helm_chart *c = arena_calloc(a, 1, sizeof *c);
	c->where = where;
	init_strs(&c->meta, meta_fields, COUNT(meta_fields));
	c->pos = from ? *from : SRCPOS_NONE;
	bool have_meta = false;
	int errors = 0;
	for (size_t i = 0; i < files->len; i++) {
		struct helm_file *f = &files->items[i];
		if (strcmp(f->name, "Chart.yaml"))
			continue;
		have_meta = true;
		c->pos = (struct srcpos){ helm_file_src(ctx, c, f), 1, 1 };
		errors += decode_meta(ctx, c, f);
		if (!*c->meta.api_version)
			c->meta.api_version = "v1";
	}
	if (errors)
		return NULL;
	/* Subchart files grouped by their directory (or archive) name. */
	struct group {
		const char *name;
		struct helm_files files;
	};
	VEC(struct group) groups = { 0 };
	for (size_t i = 0; i < files->len; i++) {
		struct helm_file *f = &files->items[i];
		const char *n = f->name;
		if (!strcmp(n, "Chart.yaml"))
			continue;
		if (!strcmp(n, "Chart.lock") || !strcmp(n, "requirements.lock")) {
			struct ir_node *doc;
			if (load_yaml(ctx, c, f, 0, &doc))
				return NULL;
			if (!strcmp(n, "requirements.lock") && !strcmp(c->meta.api_version, "v1"))
				VEC_PUSH(a, &c->files, *f);
		} else if (!strcmp(n, "values.yaml")) {
			struct ir_node *doc;
			if (load_yaml(ctx, c, f, YAML_JSON_NUMBERS, &doc))
				return NULL;
			if (doc && !ir_is_map(doc) && !ir_is_null(doc)) {
				diag_error(&ctx->diag, &doc->pos,
					"cannot load values.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go value of type map[string]interface {}",
					ir_json_kind(doc));
				return NULL;
			}
			c->values = ir_is_map(doc) ? doc : ir_map(ctx, &(struct srcpos){ helm_file_src(ctx, c, f), 1, 1 });
		} else if (!strcmp(n, "values.schema.json")) {
			c->schema = f;
		} else if (!strcmp(n, "requirements.yaml")) {
			have_meta = true;
			struct ir_node *doc;
			if (load_yaml(ctx, c, f, 0, &doc))
				return NULL;
			if (ir_is_map(doc)) {
				struct decoder d = { ctx, "requirements.yaml", 0 };
				decode_struct(&d, doc, meta_fields, COUNT(meta_fields), &c->meta, "Metadata");
				if (d.errors)
					return NULL;
			}
			if (!strcmp(c->meta.api_version, "v1"))
				VEC_PUSH(a, &c->files, *f);
		} else if (!strncmp(n, "templates/", 10)) {
			VEC_PUSH(a, &c->templates, *f);
		} else if (!strncmp(n, "charts/", 7)) {
			if (has_ext(n, ".prov")) {
				VEC_PUSH(a, &c->files, *f);
				continue;
			}
			const char *rest = n + 7;
			const char *sl = strchr(rest, '/');
			const char *cname = arena_strndup(a, rest, sl ? (size_t)(sl - rest) : strlen(rest));
			struct group *g = NULL;
			for (size_t j = 0; j < groups.len && !g; j++)
				if (!strcmp(groups.items[j].name, cname))
					g = &groups.items[j];
			if (!g) {
				struct group ng = { cname, { 0 } };
				VEC_PUSH(a, &groups, ng);
				g = &groups.items[groups.len - 1];
			}
			struct helm_file sf = *f;
			sf.name = rest;
			VEC_PUSH(a, &g->files, sf);
		} else {
			VEC_PUSH(a, &c->files, *f);
		}
	}
	if (!have_meta) {
		diag_error(&ctx->diag, from, "Chart.yaml file is missing");
		return NULL;
	}
	if (validate(ctx, &c->meta, &c->pos))
		return NULL;
	/* Go visits the groups in map order; sort them for determinism. */
	const char **names = arena_calloc(a, groups.len + 1, sizeof *names);
	for (size_t i = 0; i < groups.len; i++)
		names[i] = groups.items[i].name;
	qsort(names, groups.len, sizeof *names, cmp_names);
	for (size_t k = 0; k < groups.len; k++) {
		struct group *g = NULL;
		for (size_t j = 0; j < groups.len && !g; j++)
			if (groups.items[j].name == names[k])
				g = &groups.items[j];
		const char *n = g->name;
		if (n[0] == '_' || n[0] == '.')
			continue;
		struct helm_chart *sc = NULL;
		size_t before = diag_errors(&ctx->diag);
		const char *subwhere = arena_printf(a, "%s/charts/%s", where, n);
		struct srcpos at = g->files.items[0].src ? (struct srcpos){ g->files.items[0].src, 0, 0 } : c->pos;
		if (has_ext(n, ".tgz")) {
			struct helm_file *f = &g->files.items[0];
			if (strcmp(f->name, n)) {
				diag_error(&ctx->diag, &c->pos,
					"error unpacking subchart tar in %s: expected %s, got %s",
					c->meta.name, n, f->name);
				return NULL;
			}
			struct helm_files af = { 0 };
			const char *err;
			if (helm_archive_files(a, f->data, f->len, &af, &err)) {
				diag_error(&ctx->diag, &at, "error unpacking subchart %s in %s: %s", n,
					c->meta.name, err);
				return NULL;
			}
			sc = helm_chart_from_files(ctx, &af, subwhere, &at);
		} else {
			struct helm_files df = { 0 };
			for (size_t j = 0; j < g->files.len; j++) {
				struct helm_file sf = g->files.items[j];
				const char *sl = strchr(sf.name, '/');
				if (!sl)
					continue;
				sf.name = sl + 1;
				VEC_PUSH(a, &df, sf);
			}
			sc = helm_chart_from_files(ctx, &df, subwhere, &at);
		}
		if (!sc) {
			if (diag_errors(&ctx->diag) == before)
				diag_error(&ctx->diag, &at, "error unpacking subchart %s in %s", n, c->meta.name);
			else
				diag_note(&ctx->diag, &at, "while unpacking subchart %s in %s", n, c->meta.name);
			return NULL;
		}
		sc->parent = c;
		struct helm_chart **deps = arena_calloc(a, c->ndeps + 1, sizeof *deps);
		if (c->ndeps)
			memcpy(deps, c->deps, c->ndeps * sizeof *deps);
		deps[c->ndeps++] = sc;
		c->deps = deps;
	}
	return c;
}

/* LoadDir's walk: names sorted, symlinks followed, .helmignore applied to
 * paths relative to the chart root. */
static int walk(struct mc_ctx *ctx, const char *top, const char *rel, const struct helm_ignore *rules,
	struct helm_files *out, int depth, const struct srcpos *from)
{
	struct arena *a = &ctx->arena;
	if (depth > 64)
		return diag_error(&ctx->diag, from, "chart directory %s/%s nested too deeply (a symlink loop?)",
			top, rel);
	char *dir = *rel ? path_clean(top, rel) : xstrdup(top);
	char **names;
	size_t n;
	int rc = vfs_list(ctx->fs, dir, &names, &n);
	if (rc) {
		int e = diag_error(&ctx->diag, from, "cannot read %s: %s", dir, strerror(rc));
		free(dir);
		return e;
	}
	int errors = 0;
	for (size_t i = 0; i < n && !errors; i++) {
		const char *r = *rel ? arena_printf(a, "%s/%s", rel, names[i]) : arena_strdup(a, names[i]);
		char *p = path_clean(top, r);
		enum vfs_kind kind;
		int e = vfs_stat(ctx->fs, p, &kind);
		if (e) {
			errors += diag_error(&ctx->diag, from, "error evaluating symlink %s: %s", p, strerror(e));
		} else if (kind == VFS_DIR) {
			if (!helm_ignore_match(rules, r, true))
				errors += walk(ctx, top, r, rules, out, depth + 1, from);
		} else if (!helm_ignore_match(rules, r, false)) {
			if (kind != VFS_FILE) {
				errors += diag_error(&ctx->diag, from,
					"cannot load irregular file %s as it has file mode type bits set", p);
			} else {
				const struct srcfile *sf = vfs_load(ctx->fs, p, p, &e);
				if (!sf) {
					errors += diag_error(&ctx->diag, from, "error reading %s: %s", r, strerror(e));
				} else if (sf->len > HELM_MAX_FILE_SIZE) {
					errors += diag_error(&ctx->diag, from,
						"chart file \"%s\" is larger than the maximum file size %zu",
						names[i], HELM_MAX_FILE_SIZE);
				} else {
					struct helm_file f = { 0 };
					f.name = r;
					f.data = sf->data;
					f.len = sf->len;
					f.src = sf;
					if (f.len >= 3 && !memcmp(f.data, "\xEF\xBB\xBF", 3)) {
						f.data += 3;
						f.len -= 3;
						f.src = NULL; /* positions would be off by the BOM */
					}
					VEC_PUSH(a, out, f);
				}
			}
		}
		free(p);
	}
	vfs_free_list(names, n);
	free(dir);
	return errors;
}

static struct helm_chart *load_dir(struct mc_ctx *ctx, const char *path, const struct srcpos *from)
{
	struct arena *a = &ctx->arena;
	const struct helm_ignore *rules;
	const char *err = NULL;
	char *ifile = path_clean(path, ".helmignore");
	enum vfs_kind kind;
	if (vfs_stat(ctx->fs, ifile, &kind) == 0) {
		int e;
		const struct srcfile *sf = vfs_load(ctx->fs, ifile, ifile, &e);
		if (!sf) {
			diag_error(&ctx->diag, from, "cannot read %s: %s", ifile, strerror(e));
			free(ifile);
			return NULL;
		}
		rules = helm_ignore_parse(a, sf->data, sf->len, &err);
		if (!rules) {
			struct srcpos p = { sf, 1, 1 };
			diag_error(&ctx->diag, &p, "%s", err);
			free(ifile);
			return NULL;
		}
	} else {
		rules = helm_ignore_parse(a, NULL, 0, &err);
	}
	free(ifile);
	struct helm_files files = { 0 };
	char *clean = path_clean(NULL, path);
	const char *where = arena_strdup(a, clean);
	free(clean);
	if (walk(ctx, where, "", rules, &files, 0, from))
		return NULL;
	return helm_chart_from_files(ctx, &files, where, from);
}

struct helm_chart *helm_chart_load(struct mc_ctx *ctx, const char *path, const struct srcpos *from)
{
	enum vfs_kind kind;
	int rc = vfs_stat(ctx->fs, path, &kind);
	if (rc) {
		diag_error(&ctx->diag, from, "stat %s: %s", path,
			rc == ENOENT ? "no such file or directory" : strerror(rc));
		return NULL;
	}
	if (kind == VFS_DIR)
		return load_dir(ctx, path, from);
	const struct srcfile *sf = vfs_load(ctx->fs, path, path, &rc);
	if (!sf) {
		diag_error(&ctx->diag, from, "%s: %s", path, strerror(rc));
		return NULL;
	}
	if (!(sf->len >= 3 && (unsigned char)sf->data[0] == 0x1f && (unsigned char)sf->data[1] == 0x8b &&
	      (unsigned char)sf->data[2] == 8)) {
		size_t n = strlen(path);
		if ((n > 4 && !strcmp(path + n - 4, ".yml")) || (n > 5 && !strcmp(path + n - 5, ".yaml")))
			diag_error(&ctx->diag, from, "file '%s' seems to be a YAML file, but expected a gzipped archive", path);
		else
			diag_error(&ctx->diag, from, "file '%s' does not appear to be a gzipped archive", path);
		return NULL;
	}
	struct helm_files files = { 0 };
	const char *err;
	if (helm_archive_files(&ctx->arena, sf->data, sf->len, &files, &err)) {
		diag_error(&ctx->diag, from, "%s", err);
		return NULL;
	}
	return helm_chart_from_files(ctx, &files, arena_strdup(&ctx->arena, path), from);
}

const char *helm_chart_fullpath(struct mc_ctx *ctx, const struct helm_chart *c)
{
	if (!c->parent)
		return c->meta.name;
	return arena_printf(&ctx->arena, "%s/charts/%s", helm_chart_fullpath(ctx, c->parent), c->meta.name);
}

bool helm_chart_is_library(const struct helm_chart *c)
{
	return !strcasecmp(c->meta.type, "library");
}
