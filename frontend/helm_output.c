/*
 * helm_output.c - from rendered files to what `helm template` prints:
 * pkg/releaseutil (SplitManifests, SortManifests, the kind sorter) and the
 * printing in pkg/action and cmd/helm/template.go.
 *
 * Each rendered file is split into documents with Helm's separator
 * (Helm 3: the regexp (?:^|\s*\n)---\s* over the trimmed file, documents
 * trimmed; Helm 4: (?m)^---[ \t]*, documents only left-trimmed), each
 * document's head (apiVersion, kind, metadata.name, metadata.annotations)
 * is decoded as sigs.k8s.io/yaml would into releaseutil.SimpleHead, and
 * documents with a helm.sh/hook annotation become hooks.  Manifests and
 * hooks are stable-sorted by kind in InstallOrder and printed as
 * "---\n# Source: NAME\nDOC\n"; CRDs come first with --include-crds;
 * --show-only re-splits the printed stream and keeps the documents whose
 * source path matches one of the globs; --output-dir writes files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mc/helm.h"

/* ------------------------------------------------------------ splitting */

static bool re_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

struct piece {
	const char *p;
	size_t n;
};

typedef VEC(struct piece) pieces_t;

/* Helm 3's separator, (?:^|\s*\n)---\s*: the leftmost match at or after
 * p, [*ms, *me). */
static bool sep_v3(const char *s, size_t n, size_t p, size_t *ms, size_t *me)
{
	if (p == 0 && n >= 3 && !memcmp(s, "---", 3)) {
		*ms = 0;
		*me = 3;
	} else {
		size_t k = p;
		while (k + 3 < n && !(s[k] == '\n' && s[k + 1] == '-' && s[k + 2] == '-' && s[k + 3] == '-'))
			k++;
		if (k + 3 >= n)
			return false;
		*ms = k;
		while (*ms > p && re_space(s[*ms - 1]))
			(*ms)--;
		*me = k + 4;
	}
	while (*me < n && re_space(s[*me]))
		(*me)++;
	return true;
}

/* Helm 4's separator, (?m)^---[ \t]*. */
static bool sep_v4(const char *s, size_t n, size_t p, size_t *ms, size_t *me)
{
	size_t k = p;
	while (k + 2 < n && !((k == 0 || s[k - 1] == '\n') && !memcmp(s + k, "---", 3)))
		k++;
	if (k + 2 >= n)
		return false;
	*ms = k;
	*me = k + 3;
	while (*me < n && (s[*me] == ' ' || s[*me] == '\t'))
		(*me)++;
	return true;
}

/* Regexp.Split(s, -1) on a separator that never matches empty (matched by
 * hand: these run over every rendered file). */
static void split(struct arena *a, const char *s, size_t n,
	bool (*sep)(const char *, size_t, size_t, size_t *, size_t *), pieces_t *out)
{
	size_t beg = 0, end = 0, ms, me;
	if (n == 0) { /* Go's Split gives one empty piece */
		struct piece pc = { s, 0 };
		VEC_PUSH(a, out, pc);
		return;
	}
	for (size_t p = 0; p < n && sep(s, n, p, &ms, &me); p = me) {
		end = ms;
		struct piece pc = { s + beg, end - beg };
		VEC_PUSH(a, out, pc);
		beg = me;
	}
	if (end != n) {
		struct piece pc = { s + beg, n - beg };
		VEC_PUSH(a, out, pc);
	}
}

/* SplitManifests, in document order. */
static void split_manifests(struct arena *a, const char *s, size_t n, int major, pieces_t *docs)
{
	pieces_t raw = { 0 };
	if (major >= 4) {
		go_trim_left_space(&s, &n);
		split(a, s, n, sep_v4, &raw);
	} else {
		go_trim_space(&s, &n);
		split(a, s, n, sep_v3, &raw);
	}
	for (size_t i = 0; i < raw.len; i++) {
		struct piece d = raw.items[i];
		if (major >= 4) {
			if (go_is_blank(d.p, d.n))
				continue;
			go_trim_left_space(&d.p, &d.n);
		} else {
			if (d.n == 0)
				continue;
			go_trim_space(&d.p, &d.n);
		}
		VEC_PUSH(a, docs, d);
	}
}

/* ---------------------------------------------------------- the head */

/* The value of the key matching name as encoding/json matches struct
 * fields: exact, else ASCII case-insensitive; with several, the last in
 * sorted key order wins. */
static struct ir_node *json_field(const struct ir_node *m, const char *name)
{
	const struct ir_pair *best = NULL;
	bool best_exact = false;
	for (uint32_t i = 0; i < m->map.len; i++) {
		const struct ir_pair *p = &m->map.items[i];
		const char *k = p->key->s.text->s;
		bool exact = !strcmp(k, name);
		if (!exact && strcasecmp(k, name))
			continue;
		if (!best || str_cmp(p->key->s.text, best->key->s.text) > 0 || (exact && !best_exact)) {
			best = p;
			best_exact = exact;
		}
	}
	return best ? best->value : NULL;
}

/* A scalar where SimpleHead has a string; NULL with *bad on a collection. */
static const char *head_str(struct mc_ctx *ctx, const struct ir_node *n, bool *bad)
{
	const char *s = yaml_string_field(ctx, n);
	if (!s && !ir_is_null(n))
		*bad = true;
	return s;
}

static bool has_nan(const struct ir_node *n)
{
	if (!n)
		return false;
	if (n->type == IR_FLOAT)
		return n->s.v.f != n->s.v.f || n->s.v.f - n->s.v.f != 0;
	if (n->type == IR_MAP) {
		for (uint32_t i = 0; i < n->map.len; i++)
			if (has_nan(n->map.items[i].value))
				return true;
	} else if (n->type == IR_SEQ) {
		for (uint32_t i = 0; i < n->seq.len; i++)
			if (has_nan(n->seq.items[i]))
				return true;
	}
	return false;
}


/* yaml.Unmarshal's first step on one document: 0 and the document (NULL
 * when empty), or 1 with *why set. */
static int parse_doc(struct mc_ctx *ctx, const char *path, const char *p, size_t n,
	struct ir_node **doc, const char **why)
{
	const struct srcfile *f = srcfile_mem(ctx, path, p, n);
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK };
	struct diag saved = ctx->diag;
	diag_init(&ctx->diag);
	*doc = NULL;
	int rc = yaml_load_one(ctx, f, &yo, doc);
	struct diag mine = ctx->diag;
	ctx->diag = saved;
	if (rc) {
		const struct diag_msg *m = mine.len ? &mine.msgs[0] : NULL;
		*why = m ? arena_printf(&ctx->arena, "error converting YAML to JSON: yaml: line %u: %s",
				m->pos.line, m->msg)
			 : "error converting YAML to JSON: yaml: invalid document";
	}
	diag_release(&mine);
	return rc ? 1 : 0;
}

/* The rest of yaml.Unmarshal(doc, &SimpleHead).  0, or 1 with *why. */
static int decode_head(struct mc_ctx *ctx, const struct ir_node *doc, struct helm_head *h, const char **why)
{
	memset(h, 0, sizeof *h);
	h->kind = "";
	if (has_nan(doc)) {
		*why = "error converting YAML to JSON: json: unsupported value: NaN";
		return 1;
	}
	if (ir_is_null(doc))
		return 0;
	if (!ir_is_map(doc)) {
		*why = arena_printf(&ctx->arena,
			"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go value of type releaseutil.SimpleHead",
			ir_json_kind(doc));
		return 1;
	}
	bool bad = false;
	const char *field = NULL, *type = "string";
	const struct ir_node *bad_node = NULL;
	struct ir_node *v;
	if ((v = json_field(doc, "apiVersion"))) {
		h->api_version = head_str(ctx, v, &bad);
		if (bad) {
			field = "apiVersion";
			bad_node = v;
		}
	}
	if (!bad && (v = json_field(doc, "kind"))) {
		const char *k = head_str(ctx, v, &bad);
		if (bad) {
			field = "kind";
			bad_node = v;
		} else if (k) {
			h->kind = k;
		}
	}
	struct ir_node *md = bad ? NULL : json_field(doc, "metadata");
	if (md && !ir_is_null(md) && !ir_is_map(md)) {
		bad = true;
		field = "metadata";
		bad_node = md;
		type = "struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }";
	} else if (ir_is_map(md)) {
		if ((v = json_field(md, "name"))) {
			const char *nm = head_str(ctx, v, &bad);
			if (bad) {
				field = "metadata.name";
				bad_node = v;
			}
			h->name = nm;
		}
		struct ir_node *an = bad ? NULL : json_field(md, "annotations");
		if (an && !ir_is_null(an) && !ir_is_map(an)) {
			bad = true;
			field = "metadata.annotations";
			bad_node = an;
			type = "map[string]string";
		} else if (ir_is_map(an)) {
			h->annotated = an->map.len > 0;
			for (uint32_t i = 0; i < an->map.len && !bad; i++) {
				const char *s = head_str(ctx, an->map.items[i].value, &bad);
				if (bad) {
					field = "metadata.annotations";
					bad_node = an->map.items[i].value;
					break;
				}
				const char *k = an->map.items[i].key->s.text->s;
				if (!strcmp(k, "helm.sh/hook"))
					h->hook = s ? s : "";
			}
		}
	}
	if (bad) {
		*why = arena_printf(&ctx->arena,
			"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go struct field SimpleHead.%s of type %s",
			ir_json_kind(bad_node), field, type);
		return 1;
	}
	return 0;
}

/* ---------------------------------------------------------- sorting */

static const char *const install_order[] = {
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
	"PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList",
	"ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
	"CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
	"ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service",
	"DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
	"APIService",
	/* Helm 4 only */
	"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
};

#define N_ORDER_V3 36
#define N_ORDER_V4 38

int helm_install_rank(const char *kind, int major)
{
	int n = major >= 4 ? N_ORDER_V4 : N_ORDER_V3;
	for (int i = 0; i < n; i++)
		if (!strcmp(kind, install_order[i]))
			return i;
	return -1;
}

/* lessByKind */
static bool less_by_kind(const struct helm_doc *a, const struct helm_doc *b)
{
	if (a->rank < 0 && b->rank < 0)
		return strcmp(a->kind, b->kind) < 0;
	if (a->rank < 0)
		return false;
	if (b->rank < 0)
		return true;
	return a->rank < b->rank;
}

/* sort.SliceStable: a stable merge sort. */
static void stable_sort(struct helm_doc **v, size_t n, struct helm_doc **tmp)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	stable_sort(v, h, tmp);
	stable_sort(v + h, n - h, tmp);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = less_by_kind(v[j], v[i]) ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

static void sort_docs(struct helm_docs *d)
{
	struct helm_doc **tmp = xmalloc((d->len + 1) * sizeof *tmp);
	stable_sort(d->items, d->len, tmp);
	free(tmp);
}

static int cmp_files(const void *a, const void *b)
{
	const struct helm_rendered *x = a, *y = b;
	return strcmp(x->name, y->name);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Does the hook annotation name only known events; is one of them test? */
static bool hook_events(const char *v, bool *test)
{
	static const char *const known[] = {
		"pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade",
		"post-upgrade", "pre-rollback", "post-rollback", "test", "test-success",
	};
	*test = false;
	const char *p = v;
	for (;;) {
		const char *comma = strchr(p, ',');
		const char *e = comma ? comma : p + strlen(p);
		const char *s = p;
		size_t n = (size_t)(e - s);
		go_trim_space(&s, &n);
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof *known && !ok; i++)
			if (strlen(known[i]) == n && !strncasecmp(s, known[i], n)) {
				ok = true;
				if (i >= 8)
					*test = true;
			}
		if (!ok)
			return false;
		if (!comma)
			return true;
		p = comma + 1;
	}
}

struct piece_of {
	struct helm_rendered *file;
	struct piece doc;
	struct ir_node *node;
};

int helm_sort_manifests(struct mc_ctx *ctx, struct helm_rendered *files, size_t n, int major,
	struct helm_sorted *out)
{
	struct arena *a = &ctx->arena;
	qsort(files, n, sizeof *files, cmp_files);
	VEC(struct piece_of) pcs = { 0 };
	for (size_t i = 0; i < n; i++) {
		struct helm_rendered *f = &files[i];
		if (base_name(f->name)[0] == '_' || go_is_blank(f->text, f->len))
			continue;
		pieces_t docs = { 0 };
		split_manifests(a, f->text, f->len, major, &docs);
		for (size_t j = 0; j < docs.len; j++) {
			struct piece_of pc = { f, docs.items[j], NULL };
			VEC_PUSH(a, &pcs, pc);
		}
	}
	for (size_t i = 0; i < pcs.len; i++) {
		struct piece_of *pc = &pcs.items[i];
		struct helm_rendered *f = pc->file;
		struct helm_head h;
		const char *why;
		const char *content = arena_strndup(a, pc->doc.p, pc->doc.n);
		int fast = helm_head_fast(a, content, pc->doc.n, &h, &why);
		if (fast > 0 || (fast < 0 && (parse_doc(ctx, f->name, content, pc->doc.n, &pc->node, &why) ||
		    decode_head(ctx, pc->node, &h, &why)))) {
			out->failed = true;
			return diag_error(&ctx->diag, f->pos.file ? &f->pos : NULL,
				"YAML parse error on %s: %s", f->name, why);
		}
		struct helm_doc *d = arena_calloc(a, 1, sizeof *d);
		d->path = f->name;
		d->content = content;
		d->len = pc->doc.n;
		d->kind = h.kind;
		d->name = h.name ? h.name : "";
		d->rank = helm_install_rank(h.kind, major);
		if (!h.annotated || !h.hook) {
			VEC_PUSH(a, &out->manifests, d);
			continue;
		}
		bool test;
		if (!hook_events(h.hook, &test)) {
			diag_note(&ctx->diag, NULL, "info: skipping unknown hook: %s", go_quote_a(a, h.hook));
			continue;
		}
		d->hook = true;
		d->test = test;
		VEC_PUSH(a, &out->hooks, d);
	}
	sort_docs(&out->manifests);
	sort_docs(&out->hooks);
	return 0;
}

/* ------------------------------------------------------------ printing */

static void add_doc(struct sbuf *b, const char *name, const char *content, size_t len)
{
	sbuf_adds(b, "---\n# Source: ");
	sbuf_adds(b, name);
	sbuf_addc(b, '\n');
	sbuf_add(b, content, len);
	sbuf_addc(b, '\n');
}

static bool manifest_ext(const char *name)
{
	const char *dot = strrchr(base_name(name), '.');
	return dot && (!strcasecmp(dot, ".yaml") || !strcasecmp(dot, ".yml") || !strcasecmp(dot, ".json"));
}

void helm_crd_objects(struct mc_ctx *ctx, const struct helm_chart *c, struct helm_rendered_vec *out)
{
	for (size_t i = 0; i < c->files.len; i++) {
		const struct helm_file *f = &c->files.items[i];
		if (strncmp(f->name, "crds/", 5) || !manifest_ext(f->name))
			continue;
		struct helm_rendered r = { 0 };
		char *p = path_clean(helm_chart_fullpath(ctx, c), f->name);
		r.name = arena_strdup(&ctx->arena, p);
		free(p);
		r.text = f->data;
		r.len = f->len;
		VEC_PUSH(&ctx->arena, out, r);
	}
	for (size_t i = 0; i < c->ndeps; i++)
		helm_crd_objects(ctx, c->deps[i], out);
}

/* os.MkdirAll of the directory of path. */
static int mkdir_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc && errno != EEXIST)
			return errno;
	}
	return 0;
}

/* writeToFile: "---\n# Source: NAME\nDATA\n" to DIR/NAME, appending when
 * asked; prints "wrote PATH". */
static int write_file(struct mc_ctx *ctx, const char *dir, const char *name, const char *data,
	size_t len, bool append, struct sbuf *stdout_text)
{
	char *path = xstrdup(arena_printf(&ctx->arena, "%s/%s", dir, name));
	int e = mkdir_parents(path);
	FILE *fp = NULL;
	if (!e) {
		fp = fopen(path, append ? "a" : "w");
		if (!fp)
			e = errno;
	}
	if (fp) {
		struct sbuf b = SBUF_INIT;
		add_doc(&b, name, data, len);
		if (fwrite(b.buf, 1, b.len, fp) != b.len)
			e = errno ? errno : EIO;
		if (fclose(fp) && !e)
			e = errno;
		sbuf_release(&b);
	}
	if (e) {
		diag_error(&ctx->diag, NULL, "open %s: %s", path, strerror(e));
	} else {
		sbuf_printf(stdout_text, "wrote %s\n", path);
	}
	free(path);
	return e ? 1 : 0;
}

static bool written(struct helm_rendered_vec *w, const char *name)
{
	for (size_t i = 0; i < w->len; i++)
		if (!strcmp(w->items[i].name, name))
			return true;
	return false;
}

static void mark_written(struct mc_ctx *ctx, struct helm_rendered_vec *w, const char *name)
{
	if (!written(w, name)) {
		struct helm_rendered r = { 0 };
		r.name = name;
		VEC_PUSH(&ctx->arena, w, r);
	}
}

int helm_print(struct mc_ctx *ctx, const struct helm_chart *chart, const struct helm_sorted *s,
	const struct helm_print_opts *o, struct sbuf *out)
{
	struct arena *a = &ctx->arena;
	struct sbuf manifest = SBUF_INIT;
	struct helm_rendered_vec done = { 0 };
	int errors = 0;
	const char *reldir = o->output_dir && o->use_release_name
		? arena_printf(a, "%s/%s", o->output_dir, o->release_name) : o->output_dir;
	if (o->include_crds) {
		struct helm_rendered_vec crds = { 0 };
		helm_crd_objects(ctx, chart, &crds);
		for (size_t i = 0; i < crds.len; i++) {
			struct helm_rendered *c = &crds.items[i];
			if (!o->output_dir) {
				add_doc(&manifest, c->name, c->text, c->len);
				continue;
			}
			errors += write_file(ctx, o->output_dir, c->name, c->text, c->len,
				written(&done, c->name), out);
			mark_written(ctx, &done, c->name);
		}
	}
	for (size_t i = 0; i < s->manifests.len; i++) {
		const struct helm_doc *d = s->manifests.items[i];
		if (!o->output_dir) {
			add_doc(&manifest, d->path, d->content, d->len);
			continue;
		}
		errors += write_file(ctx, reldir, d->path, d->content, d->len, written(&done, d->path), out);
		mark_written(ctx, &done, d->path);
	}
	/* fmt.Fprintln(&manifests, strings.TrimSpace(rel.Manifest)) */
	struct sbuf all = SBUF_INIT;
	const char *m = manifest.buf;
	size_t mn = manifest.len;
	go_trim_space(&m, &mn);
	sbuf_add(&all, m, mn);
	sbuf_addc(&all, '\n');
	sbuf_release(&manifest);
	for (size_t i = 0; i < s->hooks.len; i++) {
		const struct helm_doc *d = s->hooks.items[i];
		if (o->skip_tests && d->test)
			continue;
		if (!o->output_dir) {
			add_doc(&all, d->path, d->content, d->len);
			continue;
		}
		char *p = path_clean(reldir, d->path);
		struct stat st;
		bool exists = stat(p, &st) == 0;
		free(p);
		errors += write_file(ctx, reldir, d->path, d->content, d->len, exists, out);
	}
	if (o->nshow_only == 0)
		sbuf_add(out, all.buf, all.len);
	else if (!errors)
		errors += helm_show_only(ctx, all.buf, all.len, o, out, false);
	sbuf_release(&all);
	return errors;
}

int helm_show_only(struct mc_ctx *ctx, const char *text, size_t len, const struct helm_print_opts *o,
	struct sbuf *out, bool quiet)
{
	/* re-split the printed stream and keep the documents whose
	 * "# Source: CHART/(PATH)" matches a pattern, pattern by pattern */
	struct arena *a = &ctx->arena;
	int errors = 0;
	pieces_t docs = { 0 };
	split_manifests(a, text, len, o->major, &docs);
	struct sbuf shown = SBUF_INIT;
	for (size_t f = 0; f < o->nshow_only && !errors; f++) {
		const char *pat = o->show_only[f];
		bool missing = true;
		for (size_t i = 0; i < docs.len; i++) {
			const char *d = docs.items[i].p, *e = d + docs.items[i].n;
			const char *src = NULL;
			for (const char *q = d; q + 10 <= e; q++) {
				if (memcmp(q, "# Source: ", 10))
					continue;
				const char *r = q + 10, *sl = r;
				while (sl < e && *sl != '/')
					sl++;
				if (sl == r || sl >= e || sl + 1 >= e || sl[1] == '\n')
					continue;
				src = sl + 1;
				break;
			}
			if (!src)
				continue;
			const char *nl = memchr(src, '\n', (size_t)(e - src));
			char *path = arena_strndup(a, src, nl ? (size_t)(nl - src) : (size_t)(e - src));
			if (path_match(pat, path) != 1)
				continue;
			sbuf_adds(&shown, "---\n");
			sbuf_add(&shown, d, docs.items[i].n);
			sbuf_addc(&shown, '\n');
			missing = false;
		}
		if (missing) {
			if (!quiet)
				diag_error(&ctx->diag, NULL, "could not find template %s in chart", pat);
			errors++;
		}
	}
	if (!errors)
		sbuf_add(out, shown.buf, shown.len);
	sbuf_release(&shown);
	return quiet ? 0 : errors;
}
