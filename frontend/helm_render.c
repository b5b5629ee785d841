/*
 * helm_render.c - engine.Render: a chart's templates through the Go
 * template engine (include/mc/gotmpl.h).
 *
 * All templates of the chart and its subcharts are parsed into one set, in
 * Helm's order (deepest path first, then descending by name), so that a
 * parent's `define` replaces a subchart's.  Each non-partial template is
 * then executed with its chart's built-in objects: .Values (the subchart's
 * section of its parent's values: the same map, as in Go), .Release,
 * .Capabilities, .Chart, .Files, .Subcharts and .Template.  The Helm
 * functions that need the chart are registered here: include (at most
 * 1000 nested calls of one name), tpl (parsed into an overlay of the set,
 * named "gotpl" as Helm names it), required, fail, lookup (an empty map:
 * there is no cluster) and getHostByName ("" without --enable-dns).
 * Every "<no value>" is removed from the output, as Helm does.
 *
 * Errors carry Go's text; required and fail messages are unwrapped into
 * Helm's "execution error at (FILE:LINE:COL): MSG".
 */
#include <stdlib.h>
#include <string.h>

#include "mc/gobwas.h"
#include "mc/gotmpl.h"
#include "mc/helm.h"

#define WARN_START "HELM_ERR_START"
#define WARN_END "HELM_ERR_END"
#define RECURSION_MAX 1000

struct incl {
	const struct str *name;
	int n;
};

struct render {
	struct mc_ctx *ctx;
	struct arena *a;
	struct gt_set *set;
	const struct helm_release *rel;
	VEC(struct incl) included; /* includedNames */
	int major;
};

static int *incl_count(struct render *r, const struct str *name)
{
	for (size_t i = 0; i < r->included.len; i++)
		if (r->included.items[i].name == name)
			return &r->included.items[i].n;
	struct incl in = { name, 0 };
	VEC_PUSH(r->a, &r->included, in);
	return &r->included.items[r->included.len - 1].n;
}

/* strings.ReplaceAll(s, "<no value>", "") */
static void strip_no_value(struct sbuf *sb)
{
	static const char nv[] = "<no value>";
	size_t w = 0;
	for (size_t i = 0; i < sb->len;) {
		if (sb->buf[i] == '<' && sb->len - i >= 10 && !memcmp(sb->buf + i, nv, 10)) {
			i += 10;
			continue;
		}
		sb->buf[w++] = sb->buf[i++];
	}
	sbuf_truncate(sb, w);
}

/* ------------------------------------------------------- functions */

static int fn_include(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	struct render *r = gt_call_user(c);
	struct mc_ctx *ctx = gt_call_ctx(c);
	const struct str *name = mc_intern(ctx, a[0].s.p, a[0].s.n);
	int *count = incl_count(r, name);
	if (*count > RECURSION_MAX)
		return gt_call_error(c, arena_printf(r->a,
			"rendering template has a nested reference name: %s: unable to execute template",
			name->s));
	(*count)++;
	struct sbuf out = SBUF_INIT;
	struct gt_error err;
	int rc = gt_call_exec(c, gt_call_set(c), name->s, a[1], &out, &err);
	/* the slot may have moved while the inner call added names */
	(*incl_count(r, name))--;
	if (rc) {
		sbuf_release(&out);
		return gt_call_error(c, err.msg);
	}
	*ret = gt_sbuf_value(gt_call_arena(c), &out);
	sbuf_release(&out);
	return 0;
}

static int fn_tpl(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	struct render *r = gt_call_user(c);
	struct gt_set *clone = gt_set_overlay(gt_call_set(c), gt_call_arena(c));
	char *text = arena_strndup(gt_call_arena(c), a[0].s.p, a[0].s.n);
	struct gt_src src = { .name = "gotpl", .text = text, .len = a[0].s.n };
	struct gt_error err;
	struct sbuf quoted = SBUF_INIT;
	go_quote(&quoted, text, a[0].s.n, '"', false, false);
	if (gt_parse(clone, &src, &err)) {
		int e = gt_call_error(c, arena_printf(r->a, "cannot parse template %s: %s", quoted.buf, err.msg));
		sbuf_release(&quoted);
		return e;
	}
	struct sbuf out = SBUF_INIT;
	if (gt_call_exec(c, clone, "gotpl", a[1], &out, &err)) {
		int e = gt_call_error(c, arena_printf(r->a, "error during tpl function execution for %s: %s",
			quoted.buf, err.msg));
		sbuf_release(&quoted);
		sbuf_release(&out);
		return e;
	}
	sbuf_release(&quoted);
	strip_no_value(&out);
	*ret = gt_sbuf_value(gt_call_arena(c), &out);
	sbuf_release(&out);
	return 0;
}

static int warn_wrap(struct gt_call *c, const char *msg, size_t n)
{
	struct render *r = gt_call_user(c);
	return gt_call_error(c, arena_printf(r->a, WARN_START "%.*s" WARN_END, (int)n, msg));
}

static int fn_required(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	if (gt_kind(a[1]) == GT_NIL || (gt_kind(a[1]) == GT_STRING && a[1].s.n == 0))
		return warn_wrap(c, a[0].s.p, a[0].s.n);
	*ret = a[1];
	return 0;
}

static int fn_fail(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	(void)ret;
	return warn_wrap(c, a[0].s.p, a[0].s.n);
}

static int fn_lookup(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)a;
	(void)n;
	*ret = gt_map_new(gt_call_arena(c), NULL);
	return 0;
}

static int fn_host(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)c;
	(void)a;
	(void)n;
	*ret = gt_cstring("");
	return 0;
}

static const struct gt_func chart_funcs[] = {
	{ "include", fn_include, 2, false, { &gt_t_string, NULL }, NULL },
	{ "tpl", fn_tpl, 2, false, { &gt_t_string, NULL }, NULL },
	{ "required", fn_required, 2, false, { &gt_t_string, NULL }, NULL },
	{ "fail", fn_fail, 1, false, { &gt_t_string }, NULL },
	{ "lookup", fn_lookup, 4, false, { &gt_t_string, &gt_t_string, &gt_t_string, &gt_t_string }, NULL },
	{ "getHostByName", fn_host, 1, false, { &gt_t_string }, NULL },
};

/* ------------------------------------------------------------ .Files */

static const struct gt_class files_class;

static struct gt_value bytes_value(struct arena *a, const char *p, size_t n)
{
	struct gt_value l = gt_list_new(a, &gt_t_bytes, n ? n : 1);
	for (size_t i = 0; i < n; i++)
		l.l->items[i] = gt_typed_uint(&gt_t_uint8, (unsigned char)p[i]);
	l.l->len = (uint32_t)n;
	return l;
}

/* The bytes of a []uint8 value, as a string in a. */
static struct gt_value bytes_string(struct arena *a, struct gt_value b)
{
	size_t n = gt_list_len(b);
	char *s = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)b.l->items[i].u;
	s[n] = '\0';
	return gt_string(s, n);
}

static struct gt_value *file_of(struct gt_call *c, struct gt_value name)
{
	struct gt_map *m = gt_call_self(c);
	return m ? gt_map_get(m, name.s.p, name.s.n) : NULL;
}

static int files_get_bytes(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	struct gt_value *v = file_of(c, a[0]);
	*ret = v ? *v : bytes_value(gt_call_arena(c), "", 0);
	return 0;
}

static int files_get(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	struct gt_value *v = file_of(c, a[0]);
	*ret = v ? bytes_string(gt_call_arena(c), *v) : gt_cstring("");
	return 0;
}

static int files_glob(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	static const uint32_t slash = '/';
	struct arena *ar = gt_call_arena(c);
	struct gt_map *m = gt_call_self(c);
	bool too_complex;
	struct gobwas_glob *g = gobwas_compile(ar, a[0].s.p, a[0].s.n, &slash, 1, &too_complex);
	if (!g && too_complex)
		return gt_call_errorf(c, "glob pattern %.*s is too complex for manifestc (more than 64 parts)",
			(int)a[0].s.n, a[0].s.p);
	/* a pattern gobwas cannot compile: Helm matches with "**" */
	struct gt_value out = gt_map_new(ar, &files_class.type);
	size_t cnt = 0;
	struct gt_mapent *const *ents = m ? gt_map_sorted(ar, m, &cnt) : NULL;
	for (size_t i = 0; i < cnt; i++) {
		char why[128];
		int r = g ? gobwas_match(g, ents[i]->k, ents[i]->klen, why, sizeof why) : 1;
		if (r < 0)
			return gt_call_error(c, why);
		if (r)
			gt_map_set(ar, out.m, ents[i]->k, ents[i]->klen, ents[i]->v);
	}
	*ret = out;
	return 0;
}

static int files_as(struct gt_call *c, struct gt_value *ret, bool secrets)
{
	struct arena *ar = gt_call_arena(c);
	struct gt_map *m = gt_call_self(c);
	if (!m) {
		*ret = gt_cstring("");
		return 0;
	}
	struct gt_value cfg = gt_map_new(ar, &gt_t_strmap);
	size_t cnt = 0;
	struct gt_mapent *const *ents = gt_map_sorted(ar, m, &cnt);
	for (size_t i = 0; i < cnt; i++) {
		const char *k = ents[i]->k, *base = k;
		for (const char *q = k; q < k + ents[i]->klen; q++)
			if (*q == '/')
				base = q + 1;
		struct gt_value s = bytes_string(ar, ents[i]->v);
		if (secrets) {
			struct sbuf sb = SBUF_INIT;
			b64_encode(&sb, s.s.p, s.s.n);
			s = gt_sbuf_value(ar, &sb);
			sbuf_release(&sb);
		}
		gt_map_set(ar, cfg.m, base, (size_t)(k + ents[i]->klen - base), s);
	}
	struct sbuf out = SBUF_INIT;
	const char *err = NULL;
	if (gt_to_yaml(gt_call_ctx(c), cfg, &out, &err))
		sbuf_reset(&out);
	*ret = gt_sbuf_value(ar, &out);
	sbuf_release(&out);
	return 0;
}

static int files_as_config(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)a;
	(void)n;
	return files_as(c, ret, false);
}

static int files_as_secrets(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)a;
	(void)n;
	return files_as(c, ret, true);
}

static int files_lines(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	struct arena *ar = gt_call_arena(c);
	struct gt_value out = gt_list_new(ar, &gt_t_strings, 4);
	struct gt_value *v = file_of(c, a[0]);
	if (v && gt_list_len(*v)) {
		struct gt_value s = bytes_string(ar, *v);
		size_t len = s.s.n;
		if (s.s.p[len - 1] == '\n')
			len--;
		const char *p = s.s.p, *e = p + len;
		for (;;) {
			const char *nl = memchr(p, '\n', (size_t)(e - p));
			const char *end = nl ? nl : e;
			gt_list_push(ar, out, gt_string(p, (size_t)(end - p)));
			if (!nl)
				break;
			p = nl + 1;
		}
	}
	*ret = out;
	return 0;
}

static const struct gt_func files_methods[] = {
	{ "GetBytes", files_get_bytes, 1, false, { &gt_t_string }, NULL },
	{ "Get", files_get, 1, false, { &gt_t_string }, NULL },
	{ "Glob", files_glob, 1, false, { &gt_t_string }, NULL },
	{ "AsConfig", files_as_config, 0, false, { NULL }, NULL },
	{ "AsSecrets", files_as_secrets, 0, false, { NULL }, NULL },
	{ "Lines", files_lines, 1, false, { &gt_t_string }, NULL },
};

static const struct gt_class files_class = {
	{ GT_MAP, GT_NAMED_METHODS, 0, "engine.files", &gt_t_bytes },
	NULL, files_methods, sizeof files_methods / sizeof files_methods[0], NULL, NULL,
};

static struct gt_value files_value(struct arena *a, const struct helm_chart *c)
{
	struct gt_value m = gt_map_new(a, &files_class.type);
	for (size_t i = 0; i < c->files.len; i++) {
		const struct helm_file *f = &c->files.items[i];
		gt_map_setc(a, m.m, f->name, bytes_value(a, f->data, f->len));
	}
	return m;
}

/* ------------------------------------------------------------ .Values */

/* chartutil.Values: a map type with methods (YAML, AsMap, Table,
 * PathValue); a chart's .Values has that type, the maps inside do not. */
static const struct gt_class values_class;

static struct gt_value as_values(struct gt_value v)
{
	if (gt_kind(v) == GT_MAP)
		v.t = &values_class.type;
	return v;
}

static int values_yaml(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)a;
	(void)n;
	struct gt_value self = { &gt_t_map, { .m = gt_call_self(c) } };
	struct sbuf out = SBUF_INIT;
	const char *err = NULL;
	if (gt_to_yaml(gt_call_ctx(c), self, &out, &err)) {
		sbuf_release(&out);
		return gt_call_error(c, err);
	}
	sbuf_addc(&out, '\n');
	*ret = gt_sbuf_value(gt_call_arena(c), &out);
	sbuf_release(&out);
	return 0;
}

static int values_as_map(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)a;
	(void)n;
	struct gt_map *m = gt_call_self(c);
	if (!m || !gt_map_len(m))
		*ret = gt_map_new(gt_call_arena(c), NULL);
	else
		*ret = (struct gt_value){ &gt_t_map, { .m = m } };
	return 0;
}

/* Values.Table, walking dotted names; the missing key in *missing. */
static struct gt_map *table_of(struct gt_map *m, const char *p, size_t n, const char **miss, size_t *missn)
{
	const char *e = p + n;
	for (;;) {
		const char *dot = memchr(p, '.', (size_t)(e - p));
		size_t l = dot ? (size_t)(dot - p) : (size_t)(e - p);
		struct gt_value *v = m ? gt_map_get(m, p, l) : NULL;
		if (!v || gt_kind(*v) != GT_MAP) {
			*miss = p;
			*missn = l;
			return NULL;
		}
		m = v->m;
		if (!dot)
			return m;
		p = dot + 1;
	}
}

static int values_table_m(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	const char *miss;
	size_t missn;
	struct gt_map *t = table_of(gt_call_self(c), a[0].s.p, a[0].s.n, &miss, &missn);
	if (!t) {
		struct sbuf q = SBUF_INIT;
		go_quote(&q, miss, missn, '"', false, false);
		int e = gt_call_error(c, arena_printf(gt_call_arena(c), "%s is not a table", q.buf));
		sbuf_release(&q);
		return e;
	}
	*ret = (struct gt_value){ &values_class.type, { .m = t } };
	return 0;
}

static int values_path(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	const char *p = a[0].s.p, *key = p, *miss;
	size_t len = a[0].s.n, missn;
	if (len == 0)
		return gt_call_error(c, "YAML path cannot be empty");
	struct gt_map *t = gt_call_self(c);
	for (size_t i = len; i-- > 0;)
		if (p[i] == '.') {
			key = p + i + 1;
			t = table_of(t, p, i, &miss, &missn);
			break;
		}
	size_t kn = (size_t)(p + len - key);
	struct gt_value *v = t ? gt_map_get(t, key, kn) : NULL;
	if (!v || gt_kind(*v) == GT_MAP) {
		struct sbuf q = SBUF_INIT;
		go_quote(&q, key, kn, '"', false, false);
		int e = gt_call_error(c, arena_printf(gt_call_arena(c), "%s is not a value", q.buf));
		sbuf_release(&q);
		return e;
	}
	*ret = *v;
	return 0;
}

static const struct gt_func values_methods[] = {
	{ "YAML", values_yaml, 0, false, { NULL }, NULL },
	{ "AsMap", values_as_map, 0, false, { NULL }, NULL },
	{ "Table", values_table_m, 1, false, { &gt_t_string }, NULL },
	{ "PathValue", values_path, 1, false, { &gt_t_string }, NULL },
};

static const struct gt_class values_class = {
	{ GT_MAP, GT_NAMED_METHODS, 0, "chartutil.Values", NULL },
	NULL, values_methods, sizeof values_methods / sizeof values_methods[0], NULL, NULL,
};

/* ------------------------------------------------------ .Capabilities */


static int versions_has(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	struct gt_list *l = gt_call_self(c);
	bool found = false;
	for (uint32_t i = 0; l && i < l->len && !found; i++)
		found = l->items[i].s.n == a[0].s.n && !memcmp(l->items[i].s.p, a[0].s.p, a[0].s.n);
	*ret = gt_bool(found);
	return 0;
}

static const struct gt_func versions_methods[] = {
	{ "Has", versions_has, 1, false, { &gt_t_string }, NULL },
};

static const struct gt_class versionset_class = {
	{ GT_LIST, GT_NAMED_METHODS, 0, "chartutil.VersionSet", &gt_t_string },
	NULL, versions_methods, 1, NULL, NULL,
};

static int kube_field(void *self, const struct str *name, struct gt_value *out)
{
	const struct helm_kube_version *k = self;
	if (str_eqc(name, "Version"))
		*out = gt_cstring(k->version);
	else if (str_eqc(name, "Major"))
		*out = gt_cstring(k->major);
	else if (str_eqc(name, "Minor"))
		*out = gt_cstring(k->minor);
	else
		return 0;
	return 1;
}

static int kube_string(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)a;
	(void)n;
	const struct helm_kube_version *k = gt_call_self(c);
	*ret = gt_cstring(k->version);
	return 0;
}

static const struct gt_func kube_methods[] = {
	{ "String", kube_string, 0, false, { NULL }, NULL },
	{ "GitVersion", kube_string, 0, false, { NULL }, NULL },
};

static void kube_format(void *self, struct sbuf *out)
{
	sbuf_adds(out, ((const struct helm_kube_version *)self)->version);
}

static struct gt_value kube_data(void *self, struct arena *a)
{
	const struct helm_kube_version *k = self;
	struct gt_value m = gt_map_new(a, NULL);
	gt_map_setc(a, m.m, "Version", gt_cstring(k->version));
	gt_map_setc(a, m.m, "Major", gt_cstring(k->major));
	gt_map_setc(a, m.m, "Minor", gt_cstring(k->minor));
	return m;
}

static const struct gt_class kube_class = {
	{ GT_OBJ, 0, 0, "chartutil.KubeVersion", NULL },
	kube_field, kube_methods, 2, kube_format, kube_data,
};

struct build_info {
	const char *version, *commit, *tree, *go;
};

static const struct build_info helm3_info = {
	"v3.21.4", "813176c51bb5c181dbbd7901298ddcc104cd3417", "clean", "go1.26.0",
};
static const struct build_info helm4_info = {
	"v4.2.4", "3900f434fd3ef2b84065dc04508df48f288dba00", "clean", "go1.26.0",
};

static int info_field(void *self, const struct str *name, struct gt_value *out)
{
	const struct build_info *b = self;
	if (str_eqc(name, "Version"))
		*out = gt_cstring(b->version);
	else if (str_eqc(name, "GitCommit"))
		*out = gt_cstring(b->commit);
	else if (str_eqc(name, "GitTreeState"))
		*out = gt_cstring(b->tree);
	else if (str_eqc(name, "GoVersion"))
		*out = gt_cstring(b->go);
	else
		return 0;
	return 1;
}

static void info_format(void *self, struct sbuf *out)
{
	const struct build_info *b = self;
	sbuf_printf(out, "{%s %s %s %s}", b->version, b->commit, b->tree, b->go);
}

static struct gt_value info_data(void *self, struct arena *a)
{
	const struct build_info *b = self;
	struct gt_value m = gt_map_new(a, NULL);
	gt_map_setc(a, m.m, "version", gt_cstring(b->version));
	gt_map_setc(a, m.m, "git_commit", gt_cstring(b->commit));
	gt_map_setc(a, m.m, "git_tree_state", gt_cstring(b->tree));
	gt_map_setc(a, m.m, "go_version", gt_cstring(b->go));
	return m;
}

static const struct gt_class info_class = {
	{ GT_OBJ, 0, 0, "version.BuildInfo", NULL },
	info_field, NULL, 0, info_format, info_data,
};

struct caps {
	const struct helm_release *rel;
	struct gt_value versions;
};

static int caps_field(void *self, const struct str *name, struct gt_value *out)
{
	struct caps *c = self;
	if (str_eqc(name, "KubeVersion"))
		*out = gt_obj(&kube_class, (void *)&c->rel->kube);
	else if (str_eqc(name, "APIVersions"))
		*out = c->versions;
	else if (str_eqc(name, "HelmVersion"))
		*out = gt_obj(&info_class, (void *)(c->rel->major >= 4 ? &helm4_info : &helm3_info));
	else
		return 0;
	return 1;
}

static void caps_format(void *self, struct sbuf *out)
{
	struct caps *c = self;
	sbuf_printf(out, "&{%s [", c->rel->kube.version);
	for (size_t i = 0; i < c->rel->napi_versions; i++)
		sbuf_printf(out, i ? " %s" : "%s", c->rel->api_versions[i]);
	sbuf_adds(out, "] ");
	info_format((void *)(c->rel->major >= 4 ? &helm4_info : &helm3_info), out);
	sbuf_addc(out, '}');
}

static struct gt_value caps_data(void *self, struct arena *a)
{
	struct caps *c = self;
	struct gt_value m = gt_map_new(a, NULL);
	gt_map_setc(a, m.m, "KubeVersion", kube_data((void *)&c->rel->kube, a));
	gt_map_setc(a, m.m, "APIVersions", c->versions);
	gt_map_setc(a, m.m, "HelmVersion",
		info_data((void *)(c->rel->major >= 4 ? &helm4_info : &helm3_info), a));
	return m;
}

static const struct gt_class caps_class = {
	{ GT_OBJ, 0, 0, "*chartutil.Capabilities", NULL },
	caps_field, NULL, 0, caps_format, caps_data,
};

/* ------------------------------------------------------------- .Chart */

static const struct gt_class maint_class, dep_class, chart_class;
static const struct gt_type maints_type = { GT_LIST, 0, 0, "[]*chart.Maintainer", &maint_class.type };
static const struct gt_type deps_type = { GT_LIST, 0, 0, "[]*chart.Dependency", &dep_class.type };

static struct gt_value strings_value(struct arena *a, const char *const *s, size_t n, bool present)
{
	if (!present) {
		struct gt_value v = { &gt_t_strings, { .l = NULL } };
		return v;
	}
	struct gt_value l = gt_list_new(a, &gt_t_strings, n);
	for (size_t i = 0; i < n; i++)
		gt_list_push(a, l, gt_cstring(s[i]));
	return l;
}

static int maint_field(void *self, const struct str *name, struct gt_value *out)
{
	const struct helm_maintainer *m = self;
	if (str_eqc(name, "Name"))
		*out = gt_cstring(m->name);
	else if (str_eqc(name, "Email"))
		*out = gt_cstring(m->email);
	else if (str_eqc(name, "URL"))
		*out = gt_cstring(m->url);
	else
		return 0;
	return 1;
}

static void put_str(struct arena *a, struct gt_value m, const char *k, const char *v, bool omitempty)
{
	if (!omitempty || *v)
		gt_map_setc(a, m.m, k, gt_cstring(v));
}

static struct gt_value maint_data(void *self, struct arena *a)
{
	const struct helm_maintainer *m = self;
	struct gt_value d = gt_map_new(a, NULL);
	put_str(a, d, "name", m->name, true);
	put_str(a, d, "email", m->email, true);
	put_str(a, d, "url", m->url, true);
	return d;
}

static void maint_format(void *self, struct sbuf *out)
{
	const struct helm_maintainer *m = self;
	sbuf_printf(out, "{%s %s %s}", m->name, m->email, m->url);
}

static const struct gt_class maint_class = {
	{ GT_OBJ, 0, 0, "*chart.Maintainer", NULL },
	maint_field, NULL, 0, maint_format, maint_data,
};

struct dep_obj {
	const struct helm_dep *d;
	struct arena *a;
};

static int dep_field(void *self, const struct str *name, struct gt_value *out)
{
	const struct dep_obj *o = self;
	const struct helm_dep *d = o->d;
	if (str_eqc(name, "Name"))
		*out = gt_cstring(d->name);
	else if (str_eqc(name, "Version"))
		*out = gt_cstring(d->version);
	else if (str_eqc(name, "Repository"))
		*out = gt_cstring(d->repository);
	else if (str_eqc(name, "Condition"))
		*out = gt_cstring(d->condition);
	else if (str_eqc(name, "Tags"))
		*out = strings_value(o->a, d->tags, d->ntags, d->tags != NULL);
	else if (str_eqc(name, "Enabled"))
		*out = gt_bool(d->enabled);
	else if (str_eqc(name, "ImportValues"))
		*out = d->import_values ? gt_from_ir(o->a, d->import_values, GT_NUM_INT64)
			: (struct gt_value){ &gt_t_list, { .l = NULL } };
	else if (str_eqc(name, "Alias"))
		*out = gt_cstring(d->alias);
	else
		return 0;
	return 1;
}

static struct gt_value dep_data(void *self, struct arena *a)
{
	const struct dep_obj *o = self;
	const struct helm_dep *d = o->d;
	struct gt_value m = gt_map_new(a, NULL);
	put_str(a, m, "name", d->name, false);
	put_str(a, m, "version", d->version, true);
	put_str(a, m, "repository", d->repository, false);
	put_str(a, m, "condition", d->condition, true);
	if (d->ntags)
		gt_map_setc(a, m.m, "tags", strings_value(a, d->tags, d->ntags, true));
	if (d->enabled)
		gt_map_setc(a, m.m, "enabled", gt_bool(true));
	if (d->import_values && d->import_values->seq.len)
		gt_map_setc(a, m.m, "import-values", gt_from_ir(a, d->import_values, GT_NUM_INT64));
	put_str(a, m, "alias", d->alias, true);
	return m;
}

static void dep_format(void *self, struct sbuf *out)
{
	const struct dep_obj *o = self;
	sbuf_printf(out, "{%s %s %s %s}", o->d->name, o->d->version, o->d->repository, o->d->condition);
}

static const struct gt_class dep_class = {
	{ GT_OBJ, 0, 0, "*chart.Dependency", NULL },
	dep_field, NULL, 0, dep_format, dep_data,
};

struct chart_obj {
	const struct helm_chart *c;
	bool is_root;
	struct arena *a;
};

static int chart_field(void *self, const struct str *name, struct gt_value *out)
{
	const struct chart_obj *o = self;
	const struct helm_meta *m = &o->c->meta;
	struct arena *a = o->a;
	static const struct { const char *go; size_t off; } strs[] = {
		{ "Name", offsetof(struct helm_meta, name) },
		{ "Home", offsetof(struct helm_meta, home) },
		{ "Version", offsetof(struct helm_meta, version) },
		{ "Description", offsetof(struct helm_meta, description) },
		{ "Icon", offsetof(struct helm_meta, icon) },
		{ "APIVersion", offsetof(struct helm_meta, api_version) },
		{ "Condition", offsetof(struct helm_meta, condition) },
		{ "Tags", offsetof(struct helm_meta, tags) },
		{ "AppVersion", offsetof(struct helm_meta, app_version) },
		{ "KubeVersion", offsetof(struct helm_meta, kube_version) },
		{ "Type", offsetof(struct helm_meta, type) },
	};
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
		if (str_eqc(name, strs[i].go)) {
			*out = gt_cstring(*(const char *const *)((const char *)m + strs[i].off));
			return 1;
		}
	if (str_eqc(name, "IsRoot")) {
		*out = gt_bool(o->is_root);
	} else if (str_eqc(name, "Deprecated")) {
		*out = gt_bool(m->deprecated);
	} else if (str_eqc(name, "Sources")) {
		*out = strings_value(a, m->sources, m->nsources, m->has_sources);
	} else if (str_eqc(name, "Keywords")) {
		*out = strings_value(a, m->keywords, m->nkeywords, m->has_keywords);
	} else if (str_eqc(name, "Annotations")) {
		if (!m->annotations) {
			struct gt_value v = { &gt_t_strmap, { .m = NULL } };
			*out = v;
		} else {
			*out = gt_from_ir(a, m->annotations, GT_NUM_INT64);
			out->t = &gt_t_strmap;
		}
	} else if (str_eqc(name, "Maintainers")) {
		struct gt_value l = gt_list_new(a, &maints_type, m->nmaintainers);
		if (!m->maintainers)
			l.l = NULL;
		for (size_t i = 0; i < m->nmaintainers; i++)
			gt_list_push(a, l, gt_obj(&maint_class, m->maintainers[i]));
		*out = l;
	} else if (str_eqc(name, "Dependencies")) {
		struct gt_value l = gt_list_new(a, &deps_type, m->ndeps);
		if (!m->deps)
			l.l = NULL;
		for (size_t i = 0; i < m->ndeps; i++) {
			struct dep_obj *d = arena_alloc(a, sizeof *d);
			d->d = m->deps[i];
			d->a = a;
			gt_list_push(a, l, gt_obj(&dep_class, d));
		}
		*out = l;
	} else {
		return 0;
	}
	return 1;
}

static struct gt_value chart_data(void *self, struct arena *a)
{
	const struct chart_obj *o = self;
	const struct helm_meta *m = &o->c->meta;
	struct gt_value d = gt_map_new(a, NULL);
	put_str(a, d, "name", m->name, true);
	put_str(a, d, "home", m->home, true);
	if (m->nsources)
		gt_map_setc(a, d.m, "sources", strings_value(a, m->sources, m->nsources, true));
	put_str(a, d, "version", m->version, true);
	put_str(a, d, "description", m->description, true);
	if (m->nkeywords)
		gt_map_setc(a, d.m, "keywords", strings_value(a, m->keywords, m->nkeywords, true));
	if (m->nmaintainers) {
		struct gt_value l = gt_list_new(a, NULL, m->nmaintainers);
		for (size_t i = 0; i < m->nmaintainers; i++)
			gt_list_push(a, l, maint_data(m->maintainers[i], a));
		gt_map_setc(a, d.m, "maintainers", l);
	}
	put_str(a, d, "icon", m->icon, true);
	put_str(a, d, "apiVersion", m->api_version, true);
	put_str(a, d, "condition", m->condition, true);
	put_str(a, d, "tags", m->tags, true);
	put_str(a, d, "appVersion", m->app_version, true);
	if (m->deprecated)
		gt_map_setc(a, d.m, "deprecated", gt_bool(true));
	if (m->annotations && m->annotations->map.len)
		gt_map_setc(a, d.m, "annotations", gt_from_ir(a, m->annotations, GT_NUM_INT64));
	put_str(a, d, "kubeVersion", m->kube_version, true);
	if (m->ndeps) {
		struct gt_value l = gt_list_new(a, NULL, m->ndeps);
		for (size_t i = 0; i < m->ndeps; i++) {
			struct dep_obj dob = { m->deps[i], a };
			gt_list_push(a, l, dep_data(&dob, a));
		}
		gt_map_setc(a, d.m, "dependencies", l);
	}
	put_str(a, d, "type", m->type, true);
	gt_map_setc(a, d.m, "IsRoot", gt_bool(o->is_root));
	return d;
}

static void chart_format(void *self, struct sbuf *out)
{
	const struct chart_obj *o = self;
	const struct helm_meta *m = &o->c->meta;
	sbuf_printf(out, "{{%s %s [", m->name, m->home);
	for (size_t i = 0; i < m->nsources; i++)
		sbuf_printf(out, i ? " %s" : "%s", m->sources[i]);
	sbuf_printf(out, "] %s %s [", m->version, m->description);
	for (size_t i = 0; i < m->nkeywords; i++)
		sbuf_printf(out, i ? " %s" : "%s", m->keywords[i]);
	sbuf_printf(out, "] [] %s %s %s %s %s %s map[] %s [] %s} %s}", m->icon, m->api_version,
		m->condition, m->tags, m->app_version, m->deprecated ? "true" : "false",
		m->kube_version, m->type, o->is_root ? "true" : "false");
}

static const struct gt_class chart_class = {
	{ GT_OBJ, 0, 0, "struct { chart.Metadata; IsRoot bool }", NULL },
	chart_field, NULL, 0, chart_format, chart_data,
};

/* ---------------------------------------------------------- rendering */

struct renderable {
	const char *name;     /* chart/templates/x.yaml */
	const char *base_path; /* chart/templates */
	struct helm_file *file;
	const struct helm_chart *chart;
	struct gt_value dot;  /* the chart's built-in objects */
};

typedef VEC(struct renderable) renderables_t;

/* Values.Table: the map at a dotted path, else an empty map (the
 * parent's .Values may be anything in engine tests). */
static struct gt_value values_table(struct arena *a, struct gt_value v, const char *name)
{
	struct gt_value t = v;
	const char *p = name;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		struct gt_value *next = gt_kind(t) == GT_MAP && t.m ? gt_map_get(t.m, p, n) : NULL;
		if (!next || gt_kind(*next) != GT_MAP)
			return gt_map_new(a, NULL);
		t = *next;
		if (!dot)
			return t;
		p = dot + 1;
	}
}

/* recAllTpls */
static struct gt_value all_templates(struct render *r, struct helm_chart *c, struct gt_value release,
	struct gt_value caps, struct gt_value parent_values, bool root, renderables_t *out)
{
	struct arena *a = r->a;
	struct gt_value subcharts = gt_map_new(a, NULL);
	struct chart_obj *co = arena_alloc(a, sizeof *co);
	co->c = c;
	co->is_root = root;
	co->a = a;
	struct gt_value next = gt_map_new(a, NULL);
	gt_map_setc(a, next.m, "Chart", gt_obj(&chart_class, co));
	gt_map_setc(a, next.m, "Files", files_value(a, c));
	gt_map_setc(a, next.m, "Release", release);
	gt_map_setc(a, next.m, "Capabilities", caps);
	gt_map_setc(a, next.m, "Values", as_values(root ? parent_values
		: values_table(a, parent_values, c->meta.name)));
	gt_map_setc(a, next.m, "Subcharts", subcharts);
	struct gt_value values = *gt_map_getc(next.m, "Values");
	for (size_t i = 0; i < c->ndeps; i++) {
		struct helm_chart *d = c->deps[i];
		gt_map_setc(a, subcharts.m, d->meta.name,
			all_templates(r, d, release, caps, values, false, out));
	}
	const char *full = helm_chart_fullpath(r->ctx, c);
	bool library = helm_chart_is_library(c);
	for (size_t i = 0; i < c->templates.len; i++) {
		struct helm_file *f = &c->templates.items[i];
		if (library) {
			const char *b = strrchr(f->name, '/');
			if ((b ? b[1] : f->name[0]) != '_')
				continue;
		}
		struct renderable rd = { 0 };
		char *p = path_clean(full, f->name);
		rd.name = arena_strdup(a, p);
		free(p);
		p = path_clean(full, "templates");
		rd.base_path = arena_strdup(a, p);
		free(p);
		rd.file = f;
		rd.chart = c;
		rd.dot = next;
		/* a later chart's template of the same path replaces it (a map in Go) */
		bool replaced = false;
		for (size_t j = 0; j < out->len && !replaced; j++)
			if (!strcmp(out->items[j].name, rd.name)) {
				out->items[j] = rd;
				replaced = true;
			}
		if (!replaced)
			VEC_PUSH(a, out, rd);
	}
	return next;
}

static size_t slashes(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '/';
	return n;
}

/* sort.Sort(sort.Reverse(byPathLen(keys))) */
static int cmp_renderables(const void *x, const void *y)
{
	const struct renderable *a = x, *b = y;
	size_t ca = slashes(a->name), cb = slashes(b->name);
	if (ca != cb)
		return ca > cb ? -1 : 1;
	return -strcmp(a->name, b->name);
}

static bool partial(const char *name)
{
	const char *b = strrchr(name, '/');
	return (b ? b[1] : name[0]) == '_';
}

/* One link of Helm 4's TraceableError: location, executing clause, message. */
struct trace {
	const char *loc, *exec, *msg;
	size_t nloc, nexec, nmsg;
};

static bool trace_eq(const struct trace *x, const struct trace *y)
{
	return x->nloc == y->nloc && x->nexec == y->nexec && x->nmsg == y->nmsg &&
	       !memcmp(x->loc, y->loc, x->nloc) && !memcmp(x->exec, y->exec, x->nexec) &&
	       !memcmp(x->msg, y->msg, x->nmsg);
}

/* the message up to its first " template:" (the next link's text) */
static size_t trace_cut(const char *m)
{
	const char *c = strstr(m, " template:");
	return c ? (size_t)(c - m) : strlen(m);
}

/*
 * Helm 4's reformatExecErrorMsg on a text/template error: walk the chain
 * of wrapped errors (each "error calling NAME: " wraps the next one, which
 * is the rest of the text), parse every link as "template: no template
 * ...", "template: LOC: executing "NAME" at <CTX>: MSG" or "template: LOC:
 * MSG", and print one paragraph per distinct consecutive link.  NULL when a
 * link is not a template error (a function's own error, tpl's wrapper,
 * the include recursion error): Helm 4 then keeps the error as it is.
 */
static const char *helm4_trace(struct arena *a, const char *msg)
{
	struct sbuf out = SBUF_INIT;
	struct trace prev = { "", "", "", 0, 0, 0 };
	bool have_prev = false;
	const char *s = msg;
	while (s) {
		if (strncmp(s, "template: ", 10)) {
			sbuf_release(&out);
			return NULL;
		}
		const char *rem = s + 10, *next = NULL, *x;
		struct trace t = { "", "", "", 0, 0, 0 };
		if (!strncmp(rem, "no template ", 12)) {
			t.msg = s;
			t.nmsg = strlen(s);
		} else if ((x = strstr(rem, ": executing ")) && x[12] == '"' && strchr(x + 13, '"') &&
			   !strncmp(strchr(x + 13, '"') + 1, " at <", 5) && strstr(strchr(x + 13, '"') + 6, ">: ")) {
			const char *fn = x + 13, *fe = strchr(fn, '"');
			const char *ctxs = fe + 6, *ce = strstr(ctxs, ">: ");
			const char *m = ce + 3;
			t.loc = rem;
			t.nloc = (size_t)(x - rem);
			t.exec = arena_printf(a, "executing \"%.*s\" at <%.*s>:", (int)(fe - fn), fn, (int)(ce - ctxs), ctxs);
			t.nexec = strlen(t.exec);
			t.msg = m;
			t.nmsg = trace_cut(m);
			/* evalCall: "error calling %s: %w" */
			if (!strncmp(m, "error calling ", 14) && strstr(m + 14, ": "))
				next = strstr(m + 14, ": ") + 2;
		} else {
			const char *sep = NULL;
			for (const char *q = rem; (q = strstr(q, ": ")); q++)
				sep = q;
			if (!sep) {
				sbuf_release(&out);
				return NULL;
			}
			t.loc = rem;
			t.nloc = (size_t)(sep - rem);
			t.msg = sep + 2;
			t.nmsg = trace_cut(sep + 2);
		}
		if (!have_prev || !trace_eq(&prev, &t)) {
			if (t.nloc)
				sbuf_printf(&out, "%.*s\n  ", (int)t.nloc, t.loc);
			if (t.nexec)
				sbuf_printf(&out, "%.*s\n    ", (int)t.nexec, t.exec);
			if (t.nmsg)
				sbuf_printf(&out, "%.*s\n", (int)t.nmsg, t.msg);
		}
		prev = t;
		have_prev = true;
		s = next;
	}
	size_t b = 0, e = out.len; /* strings.TrimSpace */
	while (b < e && strchr(" \t\n\r\v\f", out.buf[b]))
		b++;
	while (e > b && strchr(" \t\n\r\v\f", out.buf[e - 1]))
		e--;
	const char *r = arena_strndup(a, out.buf ? out.buf + b : "", e - b);
	sbuf_release(&out);
	return r;
}

/* cleanupExecError/cleanupParseError (Helm 3), reformatExecErrorMsg (Helm 4):
 * Helm's wording, Go's location. */
static int report(struct render *r, const struct gt_error *err, const char *file, bool parse)
{
	struct mc_ctx *ctx = r->ctx;
	const char *msg = err->msg ? err->msg : "error";
	const char *s = strstr(msg, WARN_START), *e = NULL;
	for (const char *q = msg; (q = strstr(q, WARN_END)); q++)
		e = q;
	/* the location: "template: LOC: ..." */
	const char *loc = NULL;
	size_t loclen = 0;
	if (!strncmp(msg, "template: ", 10)) {
		loc = msg + 10;
		const char *colon = strstr(loc, ": ");
		loclen = colon ? (size_t)(colon - loc) : 0;
	}
	if (s && e && e > s && loc && loclen) {
		s += strlen(WARN_START);
		return diag_error(&ctx->diag, &err->pos, "execution error at (%.*s): %.*s", (int)loclen, loc,
			(int)(e - s), s);
	}
	if (parse && loc && loclen) {
		const char *last = msg;
		for (const char *q = msg; (q = strstr(q, ": ")); q += 2)
			last = q + 2;
		return diag_error(&ctx->diag, &err->pos, "parse error at (%.*s): %s", (int)loclen, loc, last);
	}
	(void)file;
	const char *trace = !parse && r->major >= 4 && loc && loclen ? helm4_trace(r->a, msg) : NULL;
	return diag_error(&ctx->diag, &err->pos, "%s", trace ? trace : msg);
}

static struct gt_set *new_set(struct mc_ctx *ctx, enum gt_funcset base)
{
	struct gt_set *set = gt_set_new(ctx, base);
	gt_set_name(set, "gotpl"); /* engine.go: template.New("gotpl") */
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	gt_set_clock(set, epoch ? strtoll(epoch, NULL, 10) : 0);
	return set;
}

/* Parse every renderable in Helm's order, then execute the non-partials. */
static int render_all(struct render *r, renderables_t *tpls, bool strict,
	struct helm_rendered_vec *out)
{
	struct mc_ctx *ctx = r->ctx;
	struct arena *a = r->a;
	qsort(tpls->items, tpls->len, sizeof *tpls->items, cmp_renderables);
	struct gt_error err;
	for (size_t i = 0; i < tpls->len; i++) {
		struct renderable *t = &tpls->items[i];
		const struct srcfile *sf = t->chart ? helm_file_src(ctx, t->chart, t->file) : t->file->src;
		struct gt_src src = { .name = t->name, .text = t->file->data, .len = t->file->len, .file = sf };
		if (gt_parse(r->set, &src, &err))
			return report(r, &err, t->name, true);
	}
	struct gt_exec_opts eo = { 0 };
	eo.missingkey = strict ? GT_MISSING_ERROR : GT_MISSING_ZERO;
	eo.user = r;
	eo.max_depth = RECURSION_MAX + 64;
	for (size_t i = 0; i < tpls->len; i++) {
		struct renderable *t = &tpls->items[i];
		if (partial(t->name))
			continue;
		if (gt_kind(t->dot) == GT_MAP && t->dot.m) {
			struct gt_value tmpl = gt_map_new(a, NULL);
			gt_map_setc(a, tmpl.m, "Name", gt_cstring(t->name));
			gt_map_setc(a, tmpl.m, "BasePath", gt_cstring(t->base_path));
			gt_map_setc(a, t->dot.m, "Template", tmpl);
		}
		struct sbuf text = SBUF_INIT;
		if (gt_exec(r->set, t->name, t->dot, &eo, &text, &err)) {
			sbuf_release(&text);
			return report(r, &err, t->name, false);
		}
		strip_no_value(&text);
		struct helm_rendered rd = { 0 };
		rd.name = t->name;
		rd.text = arena_strndup(a, text.buf, text.len);
		rd.len = text.len;
		const struct srcfile *sf = t->chart ? helm_file_src(ctx, t->chart, t->file) : t->file->src;
		rd.pos = (struct srcpos){ sf, sf ? 1 : 0, sf ? 1 : 0 };
		VEC_PUSH(a, out, rd);
		sbuf_release(&text);
	}
	return 0;
}

static void init_render(struct render *r, struct mc_ctx *ctx, int major)
{
	memset(r, 0, sizeof *r);
	r->ctx = ctx;
	r->major = major >= 4 ? 4 : 3;
	r->a = &ctx->arena;
	r->set = new_set(ctx, GT_FUNCS_HELM);
	gt_set_helm_major(r->set, major >= 4 ? 4 : 3);
	gt_set_add_funcs(r->set, chart_funcs, sizeof chart_funcs / sizeof chart_funcs[0]);
}

static struct gt_value top_get(struct gt_value top, const char *k)
{
	struct gt_value *v = gt_kind(top) == GT_MAP && top.m ? gt_map_getc(top.m, k) : NULL;
	return v ? *v : gt_nil();
}

int helm_render_values(struct mc_ctx *ctx, struct helm_chart *chart, struct gt_value top, int major,
	bool strict, struct helm_rendered_vec *out)
{
	struct render r;
	init_render(&r, ctx, major);
	renderables_t tpls = { 0 };
	all_templates(&r, chart, top_get(top, "Release"), top_get(top, "Capabilities"),
		top_get(top, "Values"), true, &tpls);
	return render_all(&r, &tpls, strict, out);
}

int helm_render_templates(struct mc_ctx *ctx, struct helm_file *files, const struct gt_value *dots,
	size_t n, int major, bool strict, struct helm_rendered_vec *out)
{
	struct render r;
	init_render(&r, ctx, major);
	renderables_t tpls = { 0 };
	for (size_t i = 0; i < n; i++) {
		struct renderable rd = { 0 };
		rd.name = files[i].name;
		rd.base_path = "";
		rd.file = &files[i];
		rd.dot = dots[i];
		VEC_PUSH(r.a, &tpls, rd);
	}
	return render_all(&r, &tpls, strict, out);
}

int helm_engine_render(struct mc_ctx *ctx, struct helm_chart *chart, struct ir_node *values,
	const struct helm_release *rel, struct helm_rendered_vec *out)
{
	struct arena *a = &ctx->arena;
	struct gt_value release = gt_map_new(a, NULL);
	gt_map_setc(a, release.m, "Name", gt_cstring(rel->name));
	gt_map_setc(a, release.m, "Namespace", gt_cstring(rel->namespace_));
	gt_map_setc(a, release.m, "IsUpgrade", gt_bool(rel->is_upgrade));
	gt_map_setc(a, release.m, "IsInstall", gt_bool(rel->is_install));
	gt_map_setc(a, release.m, "Revision", gt_int(rel->revision));
	gt_map_setc(a, release.m, "Service", gt_cstring("Helm"));
	struct caps *cp = arena_alloc(a, sizeof *cp);
	cp->rel = rel;
	cp->versions = gt_list_new(a, &versionset_class.type, rel->napi_versions);
	for (size_t i = 0; i < rel->napi_versions; i++)
		gt_list_push(a, cp->versions, gt_cstring(rel->api_versions[i]));
	struct gt_value top = gt_map_new(a, NULL);
	gt_map_setc(a, top.m, "Release", release);
	gt_map_setc(a, top.m, "Capabilities", gt_obj(&caps_class, cp));
	gt_map_setc(a, top.m, "Values", gt_from_ir(a, values, GT_NUM_INT64));
	return helm_render_values(ctx, chart, top, rel->major, false, out);
}

int helm_render_name_template(struct mc_ctx *ctx, const char *tmpl, const char **name)
{
	struct gt_set *set = new_set(ctx, GT_FUNCS_SPRIG);
	struct gt_src src = { .name = "name-template", .text = tmpl, .len = strlen(tmpl) };
	struct gt_error err;
	struct sbuf out = SBUF_INIT;
	if (gt_parse(set, &src, &err) || gt_exec(set, "name-template", gt_nil(), NULL, &out, &err)) {
		sbuf_release(&out);
		return gt_error_diag(ctx, &err);
	}
	*name = arena_strndup(&ctx->arena, out.buf, out.len);
	sbuf_release(&out);
	return 0;
}
