/*
 * app_kust.c - Kustomize sources, with the Application's kustomize options.
 *
 * Argo CD applies the options by running `kustomize edit` in the source
 * directory of its checkout, in a fixed order (namePrefix, nameSuffix,
 * images, replicas, commonLabels, commonAnnotations, namespace, then the
 * patches appended to `patches:` and the components), and builds.  Here the
 * same edits are made to the kustomization document in memory, with the
 * semantics of kustomize v5.5.0's edit commands (`set image` merges by name
 * and sorts, `add label` refuses existing keys without force, ...), and the
 * kustomize frontend builds the rewritten text as the source directory's
 * kustomization file, as kustomize reads the file Argo CD rewrote.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "argocd.h"
#include "mc/backend.h"

static const char *const kust_names[] = { "kustomization.yaml", "kustomization.yml", "Kustomization" };

static bool flag(const struct ir_node *opts, const char *key)
{
	const struct ir_node *v = ir_map_getc(opts, key);
	return v && v->type == IR_BOOL && v->s.v.b;
}

static int edit_error(struct app_job *j, const struct ir_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int edit_error(struct app_job *j, const struct ir_node *at, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	int e = diag_error(&j->ctx->diag, at ? &at->pos : &j->src->pos, "Application %s: kustomize "
		"edit: %s", j->name, sb.buf);
	sbuf_release(&sb);
	return e;
}

static struct ir_node *env_str(struct app_job *j, const struct ir_node *n)
{
	struct sbuf sb = SBUF_INIT;
	const struct str *t = ir_text(n);
	app_envsubst(j, &sb, t->s, t->len);
	struct ir_node *r = ir_str(j->ctx, sb.buf, sb.len, &n->pos);
	sbuf_release(&sb);
	return r;
}

/* image.Split: name, tag and digest of an image reference. */
static void split_image(const char *s, size_t n, size_t *name_end, const char **tag, size_t *taglen,
	const char **digest, size_t *dlen)
{
	size_t start = 0;
	const char *slash = memchr(s, '/', n);
	if (slash && slash > s)
		start = (size_t)(slash - s);
	const char *at = memchr(s + start, '@', n - start);
	const char *colon = memchr(s + start, ':', n - start);
	*tag = *digest = NULL;
	*taglen = *dlen = 0;
	if (!at && !colon) {
		*name_end = n;
	} else if (at && (!colon || at < colon)) {
		*name_end = (size_t)(at - s);
		*digest = at + 1;
		*dlen = n - *name_end - 1;
	} else if (at && colon) {
		*name_end = (size_t)(colon - s);
		*tag = colon + 1;
		*taglen = (size_t)(at - colon - 1);
		*digest = at + 1;
		*dlen = (size_t)(s + n - at - 1);
	} else {
		*name_end = (size_t)(colon - s);
		*tag = colon + 1;
		*taglen = n - *name_end - 1;
	}
}

struct image {
	const struct str *name, *new_name, *tag, *digest;
	const struct ir_node *node; /* an existing entry kept as written */
	struct srcpos pos;
};

static int cmp_images(const void *a, const void *b)
{
	return str_cmp(((const struct image *)a)->name, ((const struct image *)b)->name);
}

static const struct str *field(struct mc_ctx *ctx, const struct ir_node *m, const char *k)
{
	const struct str *t = ir_text(ir_map_getc(m, k));
	return t ? t : ctx->s_empty;
}

/* `kustomize edit set image ARG...` */
static int set_images(struct app_job *j, struct ir_node *doc, const struct ir_node *list)
{
	struct mc_ctx *ctx = j->ctx;
	size_t cap = list->seq.len + 8, n = 0;
	struct image *im = xcalloc(cap, sizeof *im);
	int errors = 0;
	const struct str *star = mc_intern0(ctx, "*");
	for (uint32_t i = 0; i < list->seq.len && !errors; i++) {
		const struct ir_node *a = list->seq.items[i];
		if (!ir_is_str(a)) {
			errors += edit_error(j, a, "%s", "images entries must be strings");
			break;
		}
		struct ir_node *s = env_str(j, a);
		const char *arg = s->s.text->s;
		size_t len = s->s.text->len;
		const char *eq = memchr(arg, '=', len);
		const char *val = eq ? eq + 1 : arg;
		size_t vl = eq ? len - (size_t)(eq - arg) - 1 : len;
		size_t name_end, tl, dl;
		const char *tag, *dig;
		split_image(val, vl, &name_end, &tag, &tl, &dig, &dl);
		if (!eq && name_end == len) {
			errors += edit_error(j, a, "invalid format of image, use one of the following "
				"options:\n- <image>=<newimage>:<newtag>\n- <image>=<newimage>@<digest>\n"
				"- <image>=<newimage>\n- <image>:<newtag>\n- <image>@<digest> (got '%s')", arg);
			break;
		}
		struct image x = { 0 };
		x.pos = a->pos;
		x.tag = tag ? mc_intern(ctx, tag, tl) : ctx->s_empty;
		x.digest = dig ? mc_intern(ctx, dig, dl) : ctx->s_empty;
		if (eq) {
			x.name = mc_intern(ctx, arg, (size_t)(eq - arg));
			x.new_name = mc_intern(ctx, val, name_end);
		} else {
			x.name = mc_intern(ctx, val, name_end);
			x.new_name = ctx->s_empty;
		}
		size_t k = 0;
		while (k < n && !str_eq(im[k].name, x.name))
			k++;
		im[k] = x; /* the last argument for a name wins */
		if (k == n)
			n++;
	}
	/* Existing entries (images, then the deprecated imageTags, as
	 * FixKustomization appends them): an argument for the same name
	 * replaces the entry, "*" keeping the entry's field. */
	size_t nargs = n;
	static const char *const lists[] = { "images", "imageTags" };
	for (int l = 0; l < 2 && !errors; l++) {
		const struct ir_node *cur = ir_map_getc(doc, lists[l]);
		for (uint32_t i = 0; ir_is_seq(cur) && i < cur->seq.len; i++) {
			const struct ir_node *e = cur->seq.items[i];
			const struct str *name = field(ctx, e, "name");
			size_t k = 0;
			while (k < n && !str_eq(im[k].name, name))
				k++;
			if (k < nargs) {
				if (str_eq(im[k].new_name, star))
					im[k].new_name = field(ctx, e, "newName");
				if (str_eq(im[k].tag, star))
					im[k].tag = field(ctx, e, "newTag");
				if (str_eq(im[k].digest, star))
					im[k].digest = field(ctx, e, "digest");
				continue;
			}
			if (n == cap) {
				cap *= 2;
				im = xrealloc(im, cap * sizeof *im);
			}
			if (k < n) {
				im[k].node = e; /* a later duplicate entry overwrites */
				continue;
			}
			im[n] = (struct image){ .name = name, .node = e, .pos = e->pos };
			n++;
		}
	}
	if (!errors) {
		for (size_t k = 0; k < nargs; k++) {
			if (str_eq(im[k].new_name, star))
				im[k].new_name = ctx->s_empty;
			if (str_eq(im[k].tag, star))
				im[k].tag = ctx->s_empty;
			if (str_eq(im[k].digest, star))
				im[k].digest = ctx->s_empty;
		}
		qsort(im, n, sizeof *im, cmp_images);
		struct ir_node *seq = ir_seq(ctx, &list->pos);
		for (size_t k = 0; k < n; k++) {
			if (im[k].node) {
				ir_seq_push(ctx, seq, ir_clone(ctx, im[k].node));
				continue;
			}
			struct ir_node *m = ir_map(ctx, &im[k].pos);
			if (im[k].name->len)
				ir_map_setc(ctx, m, "name", ir_strs(ctx, im[k].name, &im[k].pos));
			if (im[k].new_name->len)
				ir_map_setc(ctx, m, "newName", ir_strs(ctx, im[k].new_name, &im[k].pos));
			if (im[k].tag->len)
				ir_map_setc(ctx, m, "newTag", ir_strs(ctx, im[k].tag, &im[k].pos));
			if (im[k].digest->len)
				ir_map_setc(ctx, m, "digest", ir_strs(ctx, im[k].digest, &im[k].pos));
			ir_seq_push(ctx, seq, m);
		}
		ir_map_setc(ctx, doc, "images", seq);
		ir_map_delc(doc, "imageTags");
	}
	free(im);
	return errors;
}

struct replica {
	const struct str *name;
	const struct ir_node *node; /* kept as written */
	int64_t count;
	struct srcpos pos;
};

static int cmp_replicas(const void *a, const void *b)
{
	return str_cmp(((const struct replica *)a)->name, ((const struct replica *)b)->name);
}

/* `kustomize edit set replicas NAME=COUNT...`; count is an int or an
 * int string in the Application. */
static int set_replicas(struct app_job *j, struct ir_node *doc, const struct ir_node *list)
{
	struct mc_ctx *ctx = j->ctx;
	const struct ir_node *cur = ir_map_getc(doc, "replicas");
	size_t cap = list->seq.len + (ir_is_seq(cur) ? cur->seq.len : 0) + 1, n = 0;
	struct replica *r = xcalloc(cap, sizeof *r);
	int errors = 0;
	for (uint32_t i = 0; i < list->seq.len && !errors; i++) {
		const struct ir_node *e = list->seq.items[i];
		const struct str *name = ir_text(ir_map_getc(e, "name"));
		const struct ir_node *c = ir_map_getc(e, "count");
		int64_t count = 0;
		bool ok = false;
		if (c && c->type == IR_INT) {
			count = c->s.v.i;
			ok = true;
		} else if (c && c->type == IR_FLOAT && c->s.v.f == (double)(int64_t)c->s.v.f) {
			count = (int64_t)c->s.v.f;
			ok = true;
		} else if (ir_is_str(c)) {
			ok = go_parse_int(c->s.text->s, c->s.text->len, 10, &count);
		}
		if (!name || !ok) {
			errors += edit_error(j, e, "%s", "replicas entries need a name and an integer count");
			break;
		}
		size_t k = 0;
		while (k < n && !str_eq(r[k].name, name))
			k++;
		r[k] = (struct replica){ name, NULL, count, e->pos };
		if (k == n)
			n++;
	}
	size_t nargs = n;
	for (uint32_t i = 0; ir_is_seq(cur) && i < cur->seq.len; i++) {
		const struct str *name = field(ctx, cur->seq.items[i], "name");
		size_t k = 0;
		while (k < n && !str_eq(r[k].name, name))
			k++;
		if (k < nargs)
			continue;
		if (k < n) {
			r[k].node = cur->seq.items[i];
			continue;
		}
		r[n++] = (struct replica){ name, cur->seq.items[i], 0, cur->seq.items[i]->pos };
	}
	if (!errors) {
		qsort(r, n, sizeof *r, cmp_replicas);
		struct ir_node *seq = ir_seq(ctx, &list->pos);
		for (size_t k = 0; k < n; k++) {
			if (r[k].node) {
				ir_seq_push(ctx, seq, ir_clone(ctx, r[k].node));
				continue;
			}
			struct ir_node *m = ir_map(ctx, &r[k].pos);
			ir_map_setc(ctx, m, "name", ir_strs(ctx, r[k].name, &r[k].pos));
			ir_map_setc(ctx, m, "count", ir_int(ctx, r[k].count, &r[k].pos));
			ir_seq_push(ctx, seq, m);
		}
		ir_map_setc(ctx, doc, "replicas", seq);
	}
	free(r);
	return errors;
}

/* `kustomize edit add label|annotation [--force] K:V...` into target. */
static int add_pairs(struct app_job *j, struct ir_node *target, const struct ir_node *pairs,
	bool force, bool subst, bool labels)
{
	struct mc_ctx *ctx = j->ctx;
	for (uint32_t i = 0; i < pairs->map.len; i++) {
		const struct ir_pair *p = &pairs->map.items[i];
		const struct str *k = p->key->s.text;
		if (!ir_is_scalar(p->value) || ir_is_null(p->value))
			return edit_error(j, p->value, "the value of %s must be a string", k->s);
		struct ir_node *v = subst ? env_str(j, p->value) : ir_strs(ctx, ir_text(p->value), &p->value->pos);
		if (!appset_qualified_name(k->s, k->len))
			return edit_error(j, p->key, "invalid %s key '%s'", labels ? "label" : "annotation", k->s);
		if (labels && !appset_label_value(v->s.text->s, v->s.text->len))
			return edit_error(j, p->value, "invalid label value '%s'", v->s.text->s);
		if (ir_map_get(target, k) && !force)
			return edit_error(j, p->key, "%s %s already in kustomization file",
				labels ? "label" : "annotation", k->s);
		ir_map_set(ctx, target, k, v);
	}
	return 0;
}

/* filepath.Glob relative to dir, one segment at a time (path.Match). */
static void glob_dir(struct mc_ctx *ctx, const char *dir, const char *rel, const char *pat,
	struct ir_node *out, const struct srcpos *pos, int depth)
{
	const char *slash = strchr(pat, '/');
	size_t sl = slash ? (size_t)(slash - pat) : strlen(pat);
	char *seg = xstrndup(pat, sl);
	char **names = NULL;
	size_t n = 0;
	char *here = path_clean(dir, *rel ? rel : ".");
	if (depth < 32 && vfs_list(ctx->fs, here, &names, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (names[i][0] == '.' && seg[0] != '.')
				continue;
			if (path_match(seg, names[i]) != 1)
				continue;
			char *r = *rel ? path_clean(rel, names[i]) : xstrdup(names[i]);
			if (slash)
				glob_dir(ctx, dir, r, slash + 1, out, pos, depth + 1);
			else
				ir_seq_push(ctx, out, ir_str0(ctx, r, pos));
			free(r);
		}
		vfs_free_list(names, n);
	}
	free(here);
	free(seg);
}

static bool has_meta(const char *s)
{
	return strpbrk(s, "*?[\\") != NULL;
}

/* `kustomize edit add component PATH...` */
static int add_components(struct app_job *j, struct ir_node *doc, const struct ir_node *list,
	bool ignore_missing)
{
	struct mc_ctx *ctx = j->ctx;
	struct ir_node *comps = ir_map_getc(doc, "components");
	if (!ir_is_seq(comps))
		comps = ir_map_setc(ctx, doc, "components", ir_seq(ctx, &list->pos));
	for (uint32_t i = 0; i < list->seq.len; i++) {
		const struct ir_node *c = list->seq.items[i];
		const char *p = ir_cstr(c);
		if (!p)
			return edit_error(j, c, "%s", "components entries must be strings");
		struct ir_node *found = ir_seq(ctx, &c->pos);
		if (has_meta(p)) {
			glob_dir(ctx, j->app_path, "", p, found, &c->pos, 0);
		} else {
			char *full = path_clean(j->app_path, p);
			enum vfs_kind k;
			if (vfs_stat(ctx->fs, full, &k) == 0)
				ir_seq_push(ctx, found, ir_str0(ctx, p, &c->pos));
			free(full);
		}
		if (!found->seq.len) {
			if (ignore_missing)
				continue;
			return edit_error(j, c, "%s has no match: must build at directory: not a valid "
				"directory", p);
		}
		for (uint32_t f = 0; f < found->seq.len; f++) {
			bool have = false;
			for (uint32_t e = 0; e < comps->seq.len && !have; e++)
				have = str_eq(ir_text(comps->seq.items[e]), found->seq.items[f]->s.text);
			if (!have)
				ir_seq_push(ctx, comps, found->seq.items[f]);
		}
	}
	return 0;
}

static struct ir_node *drop_nulls(struct mc_ctx *ctx, const struct ir_node *n)
{
	if (ir_is_map(n)) {
		struct ir_node *m = ir_map(ctx, &n->pos);
		for (uint32_t i = 0; i < n->map.len; i++)
			if (!ir_is_null(n->map.items[i].value))
				ir_map_set(ctx, m, n->map.items[i].key->s.text, drop_nulls(ctx, n->map.items[i].value));
		return m;
	}
	return ir_clone(ctx, n);
}

/* Apply the Application's options as the edit commands would. */
static int edit(struct app_job *j, struct ir_node *doc, const struct ir_node *o)
{
	struct mc_ctx *ctx = j->ctx;
	int errors = 0;
	static const char *const set_fields[] = { "namePrefix", "nameSuffix" };
	for (int i = 0; i < 2; i++) {
		const struct ir_node *v = ir_map_getc(o, set_fields[i]);
		if (ir_is_str(v) && v->s.text->len)
			ir_map_setc(ctx, doc, set_fields[i], ir_strs(ctx, v->s.text, &v->pos));
	}
	const struct ir_node *images = ir_map_getc(o, "images");
	if (ir_is_seq(images) && images->seq.len && (errors = set_images(j, doc, images)))
		return errors;
	const struct ir_node *replicas = ir_map_getc(o, "replicas");
	if (ir_is_seq(replicas) && replicas->seq.len && (errors = set_replicas(j, doc, replicas)))
		return errors;
	const struct ir_node *labels = ir_map_getc(o, "commonLabels");
	if (ir_is_map(labels) && labels->map.len) {
		bool without = flag(o, "labelWithoutSelector"), templates = flag(o, "labelIncludeTemplates");
		if (templates && !without)
			return edit_error(j, labels, "%s", "--without-selector flag must be specified for "
				"--include-templates to work");
		struct ir_node *target;
		if (without) {
			struct ir_node *ls = ir_map_getc(doc, "labels");
			if (!ir_is_seq(ls))
				ls = ir_map_setc(ctx, doc, "labels", ir_seq(ctx, &labels->pos));
			struct ir_node *entry = ir_map(ctx, &labels->pos);
			target = ir_map_setc(ctx, entry, "pairs", ir_map(ctx, &labels->pos));
			if (templates)
				ir_map_setc(ctx, entry, "includeTemplates", ir_bool(ctx, true, &labels->pos));
			ir_seq_push(ctx, ls, entry);
		} else {
			target = ir_map_getc(doc, "commonLabels");
			if (!ir_is_map(target))
				target = ir_map_setc(ctx, doc, "commonLabels", ir_map(ctx, &labels->pos));
		}
		if ((errors = add_pairs(j, target, labels, flag(o, "forceCommonLabels"), true, true)))
			return errors;
	}
	const struct ir_node *anns = ir_map_getc(o, "commonAnnotations");
	if (ir_is_map(anns) && anns->map.len) {
		struct ir_node *target = ir_map_getc(doc, "commonAnnotations");
		if (!ir_is_map(target))
			target = ir_map_setc(ctx, doc, "commonAnnotations", ir_map(ctx, &anns->pos));
		if ((errors = add_pairs(j, target, anns, flag(o, "forceCommonAnnotations"),
			flag(o, "commonAnnotationsEnvsubst"), false)))
			return errors;
	}
	const struct ir_node *ns = ir_map_getc(o, "namespace");
	if (ir_is_str(ns) && ns->s.text->len)
		ir_map_setc(ctx, doc, "namespace", ir_strs(ctx, ns->s.text, &ns->pos));
	const struct ir_node *patches = ir_map_getc(o, "patches");
	if (ir_is_seq(patches) && patches->seq.len) {
		struct ir_node *cur = ir_map_getc(doc, "patches");
		if (cur && !ir_is_null(cur) && !ir_is_seq(cur))
			return edit_error(j, cur, "%s", "expected 'patches' field in kustomization.yaml "
				"to be a list");
		if (!ir_is_seq(cur))
			cur = ir_map_setc(ctx, doc, "patches", ir_seq(ctx, &patches->pos));
		for (uint32_t i = 0; i < patches->seq.len; i++)
			ir_seq_push(ctx, cur, drop_nulls(ctx, patches->seq.items[i]));
	}
	const struct ir_node *comps = ir_map_getc(o, "components");
	if (ir_is_seq(comps) && comps->seq.len &&
		(errors = add_components(j, doc, comps, flag(o, "ignoreMissingComponents"))))
		return errors;
	return 0;
}

/* Whether Argo CD runs any `kustomize edit` for these options (each is
 * guarded by its field being set); without one the kustomization is built
 * as it is in git. */
static bool edits(const struct ir_node *o)
{
	static const char *const strs[] = { "namePrefix", "nameSuffix", "namespace" };
	static const char *const lists[] = { "images", "replicas", "patches", "components" };
	static const char *const maps[] = { "commonLabels", "commonAnnotations" };
	if (!ir_is_map(o))
		return false;
	for (size_t i = 0; i < 3; i++) {
		const struct ir_node *v = ir_map_getc(o, strs[i]);
		if (ir_is_str(v) && v->s.text->len)
			return true;
	}
	for (size_t i = 0; i < 4; i++) {
		const struct ir_node *v = ir_map_getc(o, lists[i]);
		if (ir_is_seq(v) && v->seq.len)
			return true;
	}
	for (size_t i = 0; i < 2; i++) {
		const struct ir_node *v = ir_map_getc(o, maps[i]);
		if (ir_is_map(v) && v->map.len)
			return true;
	}
	return false;
}

/* What Argo CD appends to kustomize.buildOptions holding --enable-helm
 * (kustomize >= v5.3.0): --helm-kube-version with the source's kubeVersion
 * or the cluster's, and --helm-api-versions with the source's apiVersions
 * or the cluster's, after the options' own (the last version wins, API
 * versions accumulate). */
static void helm_flags(struct app_job *j, const struct ir_node *opts, struct kust_opts *ko)
{
	struct arena *a = &j->ctx->arena;
	const char *kv = ir_cstr(ir_map_getc(opts, "kubeVersion"));
	ko->helm_kube_version = kv && *kv ? kv : j->cfg->kube_version;
	const struct ir_node *av = ir_map_getc(opts, "apiVersions");
	size_t nsrc = ir_is_seq(av) ? av->seq.len : 0;
	size_t n = ko->helm_napi_versions + (nsrc ? nsrc : j->cfg->napi_versions);
	const char **all = arena_alloc(a, (n + 1) * sizeof *all);
	size_t k = 0;
	for (size_t i = 0; i < ko->helm_napi_versions; i++)
		all[k++] = ko->helm_api_versions[i];
	for (size_t i = 0; i < nsrc; i++)
		if (ir_cstr(av->seq.items[i]))
			all[k++] = ir_cstr(av->seq.items[i]);
	for (size_t i = 0; !nsrc && i < j->cfg->napi_versions; i++)
		all[k++] = j->cfg->api_versions[i];
	ko->helm_api_versions = all;
	ko->helm_napi_versions = k;
}

int app_render_kustomize(struct app_job *j, const struct ir_node *opts, struct ir_reslist *out)
{
	struct mc_ctx *ctx = j->ctx;
	struct kust_opts ko = j->cfg->kustomize;
	if (ko.enable_helm)
		helm_flags(j, opts, &ko);
	const char *file = NULL, *base = NULL;
	for (size_t i = 0; i < 3 && !file; i++) {
		char *p = path_clean(j->app_path, kust_names[i]);
		enum vfs_kind k;
		if (vfs_stat(ctx->fs, p, &k) == 0 && k == VFS_FILE) {
			file = arena_strdup(&ctx->arena, p);
			base = kust_names[i];
		}
		free(p);
	}
	struct ir_reslist res = { 0 };
	int errors;
	if (file && edits(opts)) {
		int err;
		const struct srcfile *f = vfs_load(ctx->fs, file, file, &err);
		struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK };
		struct ir_node *doc = NULL;
		if (!f)
			return diag_error(&ctx->diag, &j->src->pos, "Application %s: cannot read %s: %s",
				j->name, file, strerror(err));
		if (yaml_load_one(ctx, f, &yo, &doc))
			return 1;
		struct srcpos top = { f, 1, 1 };
		struct ir_node *d = ir_is_map(doc) ? ir_clone(ctx, doc) : ir_map(ctx, &top);
		if ((errors = edit(j, d, opts)))
			return errors;
		/* Argo CD rewrites the file and builds; the kustomize frontend
		 * builds the rewritten text as that file. */
		struct sbuf text = SBUF_INIT;
		const char *e = NULL;
		if (emit_yaml(&text, d, &e)) {
			errors = diag_error(&ctx->diag, &j->src->pos, "Application %s: %s", j->name, e);
			sbuf_release(&text);
			return errors;
		}
		if (j->trace) {
			/* Where each images entry of the rewritten file came from. */
			const struct srcfile *mf = srcfile_mem(ctx, file, text.buf, text.len);
			struct yaml_opts ryo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK };
			struct ir_node *re = NULL;
			const struct ir_node *orig = ir_map_getc(d, "images");
			if (!yaml_load_one(ctx, mf, &ryo, &re)) {
				const struct ir_node *now = ir_map_getc(re, "images");
				for (uint32_t i = 0; ir_is_seq(now) && ir_is_seq(orig) && i < now->seq.len &&
					i < orig->seq.len; i++) {
					const struct srcpos *op = &orig->seq.items[i]->pos;
					const char *op_path = op->file ? op->file->path : "";
					const char *b = strrchr(op_path, '/');
					b = b ? b + 1 : op_path;
					bool from_kust = !strcmp(b, "kustomization.yaml") ||
						!strcmp(b, "kustomization.yml") || !strcmp(b, "Kustomization");
					app_trace_add_remap(j, arena_strdup(&ctx->arena, file),
						now->seq.items[i]->pos.line, op, !from_kust);
				}
			}
		}
		size_t before = ctx->diag.len;
		errors = kust_build_doc(ctx, j->app_path, base, text.buf, text.len, &ko, &res);
		sbuf_release(&text);
		/* kustomize's warnings about the rewritten file (commonLabels is
		 * deprecated...) are about Argo CD's edit, which nobody can fix;
		 * Argo CD drops kustomize's stderr. */
		int ferr;
		const struct srcfile *disk = vfs_load(ctx->fs, file, file, &ferr);
		size_t w = before;
		for (size_t i = before; i < ctx->diag.len; i++) {
			struct diag_msg *m = &ctx->diag.msgs[i];
			if (m->level == DIAG_WARNING && m->pos.file && m->pos.file != disk &&
				!strcmp(m->pos.file->path, file)) {
				free(m->msg);
				ctx->diag.nwarnings--;
				continue;
			}
			ctx->diag.msgs[w++] = *m;
		}
		ctx->diag.len = w;
	} else {
		errors = kust_build(ctx, j->app_path, &ko, &res);
	}
	if (errors)
		return errors;
	for (size_t i = 0; i < res.len; i++)
		app_push_object(ctx, res.items[i]->body, &res.items[i]->origin, out);
	return 0;
}
