/*
 * appset-conformance - run an ApplicationSet conformance case file
 * (../shared/conformance/appset/README.md describes the format):
 *
 *   appset-conformance [--name SUBSTR] [--verbose] CASES.jsonl
 *
 * Every case runs through the frontend's public pieces (generators, values,
 * matrix interpolation, template rendering, templatePatch, template merge,
 * template functions, whole ApplicationSets).  A case's `files` become a
 * temporary repository that every repoURL stands for; `repoDirs` is the
 * directory listing injected into the git directory generator; git files
 * cases run with a glob mode their `globbingConsistent` lists (the default,
 * git pathspec, when it is listed).  Each failing case is printed; the last
 * line is `N passed, M failed, K skipped`.  Exit status 1 if any failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../frontend/argocd.h"
#include "mc/backend.h"

static bool verbose;

/* ------------------------------------------------------------ compare */

static bool is_emptyish(const struct ir_node *n)
{
	return ir_is_null(n) || (ir_is_seq(n) && !n->seq.len) || (ir_is_map(n) && !n->map.len);
}

static bool in_list(const struct str *k, const struct ir_node *keys)
{
	for (uint32_t i = 0; ir_is_seq(keys) && i < keys->seq.len; i++)
		if (str_eq(ir_text(keys->seq.items[i]), k))
			return true;
	return false;
}

static bool cmp(const struct ir_node *want, const struct ir_node *got, bool subset,
	const struct ir_node *ukeys, bool unordered);

/* Kuhn's augmenting path: can want[i] take a result, moving earlier
 * matches to other results they also match? */
static bool augment(const bool *ok, size_t n, size_t i, int *owner, bool *seen)
{
	for (size_t j = 0; j < n; j++) {
		if (!ok[i * n + j] || seen[j])
			continue;
		seen[j] = true;
		if (owner[j] < 0 || augment(ok, n, (size_t)owner[j], owner, seen)) {
			owner[j] = (int)i;
			return true;
		}
	}
	return false;
}

static bool cmp_list(const struct ir_node *want, const struct ir_node *got, bool subset,
	const struct ir_node *ukeys, bool unordered)
{
	if (!ir_is_seq(got) || want->seq.len != got->seq.len)
		return false;
	if (!unordered) {
		for (uint32_t i = 0; i < want->seq.len; i++)
			if (!cmp(want->seq.items[i], got->seq.items[i], subset, ukeys, false))
				return false;
		return true;
	}
	/* Multisets: a perfect matching of expected to result elements (with
	 * subset comparison a greedy pairing can miss one that exists). */
	size_t n = want->seq.len;
	bool *ok = calloc(n * n + 1, 1), *seen = calloc(n + 1, 1);
	int *owner = malloc((n + 1) * sizeof *owner);
	for (size_t j = 0; j < n; j++)
		owner[j] = -1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			ok[i * n + j] = cmp(want->seq.items[i], got->seq.items[j], subset, ukeys, false);
	bool all = true;
	for (size_t i = 0; i < n && all; i++) {
		memset(seen, 0, n + 1);
		all = augment(ok, n, i, owner, seen);
	}
	free(ok);
	free(seen);
	free(owner);
	return all;
}

static bool cmp(const struct ir_node *want, const struct ir_node *got, bool subset,
	const struct ir_node *ukeys, bool unordered)
{
	if (subset && is_emptyish(want))
		return is_emptyish(got);
	if (ir_is_map(want)) {
		if (!ir_is_map(got))
			return false;
		for (uint32_t i = 0; i < want->map.len; i++) {
			const struct ir_pair *p = &want->map.items[i];
			const struct ir_node *g = ir_map_get(got, p->key->s.text);
			if (!g && !(subset && is_emptyish(p->value)))
				return false;
			bool un = in_list(p->key->s.text, ukeys);
			if (ir_is_seq(p->value) && ir_is_seq(g)) {
				if (!cmp_list(p->value, g, subset, ukeys, un))
					return false;
			} else if (!cmp(p->value, g, subset, ukeys, false)) {
				return false;
			}
		}
		if (!subset)
			for (uint32_t i = 0; i < got->map.len; i++)
				if (!ir_map_get(want, got->map.items[i].key->s.text))
					return false;
		return true;
	}
	if (ir_is_seq(want))
		return cmp_list(want, got, subset, ukeys, unordered);
	if (!got)
		return ir_is_null(want);
	return ir_equal(want, got);
}

/* ---------------------------------------------------------- helpers */

static void print_json(const char *label, const struct ir_node *n)
{
	struct sbuf sb = SBUF_INIT;
	const char *err = NULL;
	if (n)
		emit_json(&sb, n, EMIT_JSON_COMPACT, &err);
	else
		sbuf_adds(&sb, "(none)");
	printf("    %s: %s\n", label, sb.buf);
	sbuf_release(&sb);
}

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

static int write_files(const struct ir_node *files, char *dir)
{
	for (uint32_t i = 0; i < files->map.len; i++) {
		const char *rel = files->map.items[i].key->s.text->s;
		const char *content = ir_cstr(files->map.items[i].value);
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, rel);
		for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
			*s = '\0';
			mkdir(path, 0755);
			*s = '/';
		}
		FILE *f = fopen(path, "wb");
		if (!f)
			return errno;
		if (content)
			fputs(content, f);
		fclose(f);
	}
	return 0;
}

struct ccase {
	struct mc_ctx *ctx;
	const struct ir_node *c;
	struct appset_world world;
	struct repo_tree injected;
	bool has_injected;
	char tmpdir[64];
	bool has_tmp;
	struct sbuf why;
};

static int setup_world(struct ccase *k)
{
	const struct ir_node *c = k->c;
	appset_world_init(&k->world);
	const struct ir_node *files = ir_map_getc(c, "files");
	const struct ir_node *dirs = ir_map_getc(c, "repoDirs");
	if (ir_is_map(files) || ir_is_seq(dirs)) {
		strcpy(k->tmpdir, "/tmp/mc-appset-XXXXXX");
		if (!mkdtemp(k->tmpdir))
			return errno;
		k->has_tmp = true;
		if (ir_is_map(files) && write_files(files, k->tmpdir))
			return EIO;
		appset_world_map_repo(&k->world, NULL, k->tmpdir);
		k->world.self_any_url = true;
	}
	/* Glob mode: one that `globbingConsistent` lists (all when it is
	 * absent): the case's own `globbing` when listed, else the default
	 * (git pathspec) when listed, else doublestar. */
	const char *globbing = ir_cstr(ir_map_getc(c, "globbing"));
	const struct ir_node *consistent = ir_map_getc(c, "globbingConsistent");
	bool old_ok = !ir_is_seq(consistent), new_ok = !ir_is_seq(consistent);
	for (uint32_t i = 0; ir_is_seq(consistent) && i < consistent->seq.len; i++) {
		if (str_eqc(ir_text(consistent->seq.items[i]), "old"))
			old_ok = true;
		else if (str_eqc(ir_text(consistent->seq.items[i]), "new"))
			new_ok = true;
	}
	if (globbing && !strcmp(globbing, "new") && new_ok)
		k->world.new_globbing = true;
	else if (globbing && !strcmp(globbing, "old") && old_ok)
		k->world.new_globbing = false;
	else
		k->world.new_globbing = !old_ok;
	if (ir_is_seq(dirs)) {
		struct sbuf err = SBUF_INIT;
		if (repo_tree_load(&k->injected, k->tmpdir, &err)) {
			sbuf_release(&err);
			return EIO;
		}
		sbuf_release(&err);
		free(k->injected.dirs);
		k->injected.dirs = xcalloc(dirs->seq.len + 1, sizeof *k->injected.dirs);
		k->injected.ndirs = 0;
		for (uint32_t i = 0; i < dirs->seq.len; i++)
			k->injected.dirs[k->injected.ndirs++] =
				arena_strdup(&k->ctx->arena, ir_cstr(dirs->seq.items[i]) ? ir_cstr(dirs->seq.items[i]) : "");
		k->has_injected = true;
		k->world.self->tree = &k->injected;
	}
	const struct ir_node *clusters = ir_map_getc(c, "clusters");
	if (ir_is_seq(clusters))
		appset_world_add_clusters(k->ctx, &k->world, clusters->seq.items, clusters->seq.len);
	return 0;
}

static void teardown(struct ccase *k)
{
	if (k->has_injected) {
		k->world.self->tree = NULL;
		/* The injected dirs' strings live in the arena. */
		free(k->injected.dirs);
		k->injected.dirs = NULL;
		k->injected.ndirs = 0;
		repo_tree_release(&k->injected);
	}
	appset_world_release(&k->world);
	if (k->has_tmp)
		nftw(k->tmpdir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void mode_of(struct mc_ctx *ctx, const struct ir_node *c, struct appset_mode *m)
{
	const struct ir_node *gt = ir_map_getc(c, "goTemplate");
	m->go = gt && gt->type == IR_BOOL && gt->s.v.b;
	const struct ir_node *o = ir_map_getc(c, "goTemplateOptions");
	m->noptions = 0;
	m->options = NULL;
	if (ir_is_seq(o)) {
		const char **v = arena_alloc(&ctx->arena, (o->seq.len + 1) * sizeof *v);
		for (uint32_t i = 0; i < o->seq.len; i++)
			if (ir_cstr(o->seq.items[i]))
				v[m->noptions++] = ir_cstr(o->seq.items[i]);
		m->options = v;
	}
}

/* Run one case: 0 and *got, or 1 with the error in why. */
static int run_case(struct ccase *k, const char *kind, struct ir_node **got)
{
	struct mc_ctx *ctx = k->ctx;
	const struct ir_node *c = k->c;
	struct appset_gen g = { .ctx = ctx, .world = &k->world, .name = "case" };
	sbuf_init(&g.err);
	mode_of(ctx, c, &g.mode);
	const struct ir_node *params = ir_map_getc(c, "params");
	int rc = 0;
	if (!strcmp(kind, "generator")) {
		struct appset_results res = { 0 };
		rc = appset_transform(&g, ir_map_getc(c, "generator"), ir_map(ctx, NULL), NULL, &res);
		struct ir_node *all = ir_seq(ctx, NULL);
		for (size_t i = 0; !rc && i < res.len; i++)
			for (uint32_t j = 0; j < res.items[i].params->seq.len; j++)
				ir_seq_push(ctx, all, res.items[i].params->seq.items[j]);
		*got = all;
	} else if (!strcmp(kind, "values")) {
		struct ir_node *p = ir_is_map(params) ? ir_clone(ctx, params) : ir_map(ctx, NULL);
		rc = appset_add_values(&g, ir_map_getc(c, "values"), p);
		*got = p;
	} else if (!strcmp(kind, "interpolate")) {
		rc = appset_interpolate(&g, ir_map_getc(c, "generator"), params, got);
	} else if (!strcmp(kind, "template")) {
		rc = appset_render_template(&g, ir_map_getc(c, "template"), ir_map_getc(c, "syncPolicy"),
			params, got);
	} else if (!strcmp(kind, "replace")) {
		const struct ir_node *t = ir_map_getc(c, "template");
		struct sbuf out = SBUF_INIT;
		rc = appset_replace(ctx, &g.mode, ir_text(t)->s, ir_text(t)->len, params, &out, &g.err);
		*got = ir_str(ctx, out.buf, out.len, NULL);
		sbuf_release(&out);
	} else if (!strcmp(kind, "patch")) {
		const char *patch = ir_cstr(ir_map_getc(c, "templatePatch"));
		rc = appset_apply_patch(&g, ir_map_getc(c, "application"), patch ? patch : "",
			patch ? strlen(patch) : 0, got);
	} else if (!strcmp(kind, "templateMerge")) {
		struct ir_node *dst = ir_clone(ctx, ir_map_getc(c, "generatorTemplate"));
		appset_merge_fill(ctx, dst, ir_map_getc(c, "template"));
		*got = dst;
	} else if (!strcmp(kind, "function")) {
		const char *fn = ir_cstr(ir_map_getc(c, "function"));
		const struct ir_node *args = ir_map_getc(c, "args");
		struct sbuf out = SBUF_INIT;
		if (!fn || !ir_is_seq(args)) {
			sbuf_adds(&g.err, "malformed function case");
			rc = 1;
		} else if (!strcmp(fn, "normalize") && args->seq.len == 1 && ir_is_str(args->seq.items[0])) {
			const struct str *s = args->seq.items[0]->s.text;
			appset_normalize(&out, s->s, s->len);
		} else if (!strcmp(fn, "slugify") && args->seq.len == 3 && ir_is_str(args->seq.items[2])) {
			const struct ir_node *mx = args->seq.items[0], *sm = args->seq.items[1];
			long max = mx->type == IR_FLOAT ? (long)mx->s.v.f : mx->type == IR_INT ? (long)mx->s.v.i : 50;
			bool smart = sm->type == IR_BOOL ? sm->s.v.b : true;
			const struct str *s = args->seq.items[2]->s.text;
			appset_slugify(&out, s->s, s->len, max, smart);
		} else {
			sbuf_printf(&g.err, "unknown function %s", fn);
			rc = 1;
		}
		*got = ir_str(ctx, out.buf, out.len, NULL);
		sbuf_release(&out);
	} else if (!strcmp(kind, "appset")) {
		struct ir_node *apps;
		size_t before = ctx->diag.nerrors;
		appset_generate(ctx, &k->world, ir_map_getc(c, "applicationSet"), 0, &apps, NULL);
		if (ctx->diag.nerrors > before) {
			struct sbuf sb = SBUF_INIT;
			diag_format(&ctx->diag.msgs[before], &sb, false);
			sbuf_add(&g.err, sb.buf, sb.len);
			sbuf_release(&sb);
			rc = 1;
		}
		*got = apps;
	} else {
		sbuf_printf(&g.err, "unknown kind %s", kind);
		rc = 2;
	}
	if (rc)
		sbuf_add(&k->why, g.err.buf, g.err.len);
	sbuf_release(&g.err);
	return rc;
}

int main(int argc, char **argv)
{
	const char *file = NULL, *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v"))
			verbose = true;
		else
			file = argv[i];
	}
	if (!file) {
		fprintf(stderr, "usage: appset-conformance [--name SUBSTR] [--verbose] CASES.jsonl\n");
		return 2;
	}
	FILE *f = fopen(file, "rb");
	if (!f) {
		fprintf(stderr, "appset-conformance: %s: %s\n", file, strerror(errno));
		return 2;
	}
	struct vfs *fs = vfs_disk(NULL);
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int passed = 0, failed = 0, skipped = 0, lineno = 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (len <= 1)
			continue;
		struct mc_ctx ctx;
		mc_ctx_init(&ctx, fs);
		char label[32];
		snprintf(label, sizeof label, "%s:%d", file, lineno);
		const struct srcfile *sf = srcfile_mem(&ctx, label, line, (size_t)len);
		struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_JSON_NUMBERS };
		struct ir_node *c = NULL;
		if (yaml_load_one(&ctx, sf, &yo, &c) || !ir_is_map(c)) {
			printf("FAIL %s: cannot parse the case\n", label);
			failed++;
			mc_ctx_release(&ctx);
			continue;
		}
		const char *name = ir_cstr(ir_map_getc(c, "name"));
		const char *kind = ir_cstr(ir_map_getc(c, "kind"));
		if (!name)
			name = label;
		if (only && !strstr(name, only)) {
			mc_ctx_release(&ctx);
			continue;
		}
		struct ccase k = { .ctx = &ctx, .c = c };
		sbuf_init(&k.why);
		struct ir_node *got = NULL;
		int rc = setup_world(&k);
		if (rc) {
			sbuf_printf(&k.why, "cannot set up the case: %s", strerror(rc));
			rc = 2;
		} else {
			rc = run_case(&k, kind ? kind : "", &got);
		}
		const struct ir_node *want = ir_map_getc(c, "expected");
		bool want_error = ir_map_getc(c, "expectedError") != NULL;
		bool subset = str_eqc(ir_text(ir_map_getc(c, "compare")), "subset");
		const struct ir_node *ordered = ir_map_getc(c, "ordered");
		bool unordered = !(ordered && ordered->type == IR_BOOL && ordered->s.v.b);
		const struct ir_node *ukeys = ir_map_getc(c, "unorderedKeys");
		bool ok;
		if (rc == 2)
			ok = false;
		else if (want_error)
			ok = rc == 1;
		else
			ok = rc == 0 && (ir_is_seq(want) ? cmp_list(want, got, subset, ukeys, unordered)
				: cmp(want, got, subset, ukeys, false));
		if (ok) {
			passed++;
			if (verbose)
				printf("ok   %s\n", name);
		} else {
			failed++;
			printf("FAIL %s (%s)\n", name, kind ? kind : "?");
			if (want_error && rc == 0)
				printf("    expected an error: %s\n", ir_cstr(ir_map_getc(c, "expectedError")));
			else if (rc)
				printf("    error: %s\n", k.why.buf);
			if (!want_error) {
				print_json("want", want);
				if (!rc)
					print_json("got ", got);
			}
		}
		sbuf_release(&k.why);
		teardown(&k);
		mc_ctx_release(&ctx);
	}
	free(line);
	fclose(f);
	vfs_destroy(fs);
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed || skipped ? 1 : 0;
}
