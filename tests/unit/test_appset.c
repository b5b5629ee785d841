/*
 * Unit tests of the ApplicationSet frontend's pieces: fasttemplate,
 * normalize and slugify, Go's %v, flattening, label selectors, the glob
 * dialects (git pathspec expectations come from `git ls-files` 2.39),
 * repository trees, generators, merges and the Application patch.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../frontend/argocd.h"
#include "testutil.h"

static struct ir_node *parse(struct mc_ctx *ctx, const char *text)
{
	const struct srcfile *f = srcfile_mem(ctx, "t.yaml", text, strlen(text));
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_JSON_NUMBERS };
	struct ir_node *doc = NULL;
	cr_assert_eq(yaml_load_one(ctx, f, &yo, &doc), 0, "parse: %s", text);
	return doc;
}

static char *json(const struct ir_node *n)
{
	struct sbuf sb = SBUF_INIT;
	const char *err = NULL;
	emit_json(&sb, n, EMIT_JSON_COMPACT, &err);
	return sbuf_detach(&sb, NULL);
}

static void expect_replace(const char *tmpl, const char *params, const char *want)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_node *p = parse(&ctx, params);
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	cr_assert_eq(appset_fasttemplate(tmpl, strlen(tmpl), p, &out, &err), 0, "%s: %s", tmpl, err.buf);
	cr_expect_str_eq(out.buf, want, "%s", tmpl);
	sbuf_release(&out);
	sbuf_release(&err);
	mc_ctx_release(&ctx);
}

Test(fasttemplate, substitutes_string_params)
{
	expect_replace("{{name}}-{{ name }}", "{name: a}", "a-a");
	expect_replace("{{path[0]}}/{{path.basename}}", "{'path[0]': x, path.basename: z}", "x/z");
}

Test(fasttemplate, unknown_and_empty_tags_stay_verbatim)
{
	expect_replace("{{ nope }} {{}} {{ }}", "{a: b}", "{{ nope }} {{}} {{ }}");
	expect_replace("{{Name}}", "{name: a}", "{{Name}}"); /* case-sensitive */
}

Test(fasttemplate, only_strings_substitute)
{
	expect_replace("{{n}}", "{n: 3}", "{{n}}");
}

Test(fasttemplate, untouched_without_a_line_holding_both_braces)
{
	expect_replace("{{a\n}}", "{a: b}", "{{a\n}}");
	expect_replace("no template", "{a: b}", "no template");
}

Test(fasttemplate, tag_ends_at_first_close)
{
	expect_replace("{{{a}}}", "{\"{a\": X}", "X}");
}

Test(fasttemplate, missing_end_tag_is_an_error)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	const char *t = "{{a}} {{b";
	cr_expect_eq(appset_fasttemplate(t, strlen(t), parse(&ctx, "{a: 1}"), &out, &err), 1);
	cr_expect(strstr(err.buf, "Cannot find end tag") != NULL, "%s", err.buf);
	sbuf_release(&out);
	sbuf_release(&err);
	mc_ctx_release(&ctx);
}

static void expect_norm(const char *in, const char *want)
{
	struct sbuf sb = SBUF_INIT;
	appset_normalize(&sb, in, strlen(in));
	cr_expect_str_eq(sb.buf, want, "normalize(%s)", in);
	sbuf_release(&sb);
}

Test(normalize, rules)
{
	expect_norm("-.--CLUSTER/name  -./.-", "cluster-name");
	expect_norm("production_01/west", "production-01-west");
	expect_norm("\xe2\x84\xaa", "k"); /* KELVIN SIGN lowercases to k */
	expect_norm("caf\xc3\xa9", "caf");
	char long_name[300];
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	struct sbuf sb = SBUF_INIT;
	appset_normalize(&sb, long_name, strlen(long_name));
	cr_expect_eq(sb.len, 253);
	sbuf_release(&sb);
}

static void expect_slug(const char *in, long max, bool smart, const char *want)
{
	struct sbuf sb = SBUF_INIT;
	appset_slugify(&sb, in, strlen(in), max, smart);
	cr_expect_str_eq(sb.buf, want, "slugify(%ld, %d, %s)", max, smart, in);
	sbuf_release(&sb);
}

Test(slugify, truncation)
{
	expect_slug("Hello World", 50, true, "hello-world");
	expect_slug("a.b.c", 50, true, "a-b-c");
	expect_slug("hello-world-again", 12, true, "hello-world");
	expect_slug("hello-world-again", 12, false, "hello-world");
	expect_slug("averyveryverylongword", 5, true, "avery");
}

static void expect_v(const char *yaml, const char *want)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct sbuf sb = SBUF_INIT;
	appset_fmt_v(&sb, parse(&ctx, yaml));
	cr_expect_str_eq(sb.buf, want, "%%v of %s", yaml);
	sbuf_release(&sb);
	mc_ctx_release(&ctx);
}

Test(fmt_v, go_formatting)
{
	expect_v("123", "123");
	expect_v("1.5", "1.5");
	expect_v("1000000", "1e+06");
	expect_v("123456789012", "1.23456789012e+11");
	expect_v("true", "true");
	expect_v("null", "<nil>");
	expect_v("[a, 1]", "[a 1]");
	expect_v("{b: 1, a: x}", "map[a:x b:1]");
}

Test(flatten, dot_style)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_node *flat = appset_flatten(&ctx, parse(&ctx,
		"{a: {b: {c: 1}}, l: [x, {y: z}], e: {}, n: null, s: []}"));
	char *j = json(flat);
	cr_expect_str_eq(j, "{\"a.b.c\":\"1\",\"l.0\":\"x\",\"l.1.y\":\"z\",\"n\":\"<nil>\"}");
	free(j);
	mc_ctx_release(&ctx);
}

static bool sel_match(const char *sel, const char *labels, bool *bad)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct appset_selector *s;
	struct sbuf err = SBUF_INIT;
	*bad = appset_selector_parse(&ctx, parse(&ctx, sel), false, &s, &err) != 0;
	bool m = !*bad && appset_selector_match(s, parse(&ctx, labels));
	sbuf_release(&err);
	mc_ctx_release(&ctx);
	return m;
}

Test(selector, semantics)
{
	bool bad;
	cr_expect(sel_match("{matchLabels: {a: b}}", "{a: b, c: d}", &bad));
	cr_expect(!sel_match("{matchLabels: {a: x}}", "{a: b}", &bad));
	cr_expect(sel_match("{matchExpressions: [{key: a, operator: NotIn, values: [x]}]}", "{}", &bad));
	cr_expect(!sel_match("{matchExpressions: [{key: a, operator: In, values: [x]}]}", "{}", &bad));
	cr_expect(sel_match("{matchExpressions: [{key: a, operator: Exists}]}", "{a: ''}", &bad));
	cr_expect(sel_match("{matchExpressions: [{key: a, operator: DoesNotExist}]}", "{b: ''}", &bad));
	cr_expect(sel_match("{}", "{a: b}", &bad));
	/* values are not validated; keys are */
	cr_expect(sel_match("{matchLabels: {server: 'https://x.example.com'}}",
		"{server: 'https://x.example.com'}", &bad));
	sel_match("{matchLabels: {'path[0]': x}}", "{}", &bad);
	cr_expect(bad);
	sel_match("{matchExpressions: [{key: a, operator: Gt, values: ['1']}]}", "{}", &bad);
	cr_expect(bad);
}

Test(selector, qualified_names)
{
	const char *k = "metadata.labels.argocd.argoproj.io/secret-type";
	cr_expect(appset_qualified_name(k, strlen(k)));
	cr_expect(appset_qualified_name("a", 1));
	cr_expect(!appset_qualified_name("-a", 2));
	cr_expect(!appset_qualified_name("a/b/c", 5));
	cr_expect(!appset_qualified_name("Foo.com/a", 9));
	cr_expect(appset_label_value("", 0));
	cr_expect(!appset_label_value("a b", 3));
}

/* Expectations from `git ls-files -- PATTERN` (git 2.39) over the files
 * config.json p1/config.json p1/p2/config.json some-path/x.yaml
 * some-path/a/b/y.yaml cluster-charts/x/mychart/values.yaml
 * cluster-charts/x/mychart/charts/sub/values.yaml a[b].txt q.txt */
Test(glob, git_pathspec)
{
	cr_expect(!glob_pathspec("**/config.json", "config.json"));
	cr_expect(glob_pathspec("**/config.json", "p1/config.json"));
	cr_expect(glob_pathspec("**/config.json", "p1/p2/config.json"));
	cr_expect(!glob_pathspec("p1/**/config.json", "p1/config.json"));
	cr_expect(glob_pathspec("p1/**/config.json", "p1/p2/config.json"));
	cr_expect(glob_pathspec("some-path/*.yaml", "some-path/a/b/y.yaml"));
	cr_expect(glob_pathspec("cluster-charts/*/*/values.yaml",
		"cluster-charts/x/mychart/charts/sub/values.yaml"));
	cr_expect(glob_pathspec("p1", "p1/p2/config.json"));
	cr_expect(glob_pathspec("p1/", "p1/config.json"));
	cr_expect(!glob_pathspec("p1", "p10/x"));
	cr_expect(glob_pathspec("?.txt", "q.txt"));
	cr_expect(!glob_pathspec("?.txt", "a[b].txt"));
	cr_expect(glob_pathspec("a[b].txt", "a[b].txt"));
	cr_expect(glob_pathspec("[aq]*.txt", "a[b].txt"));
	cr_expect(glob_pathspec("*.json", "p1/p2/config.json"));
	cr_expect(glob_pathspec("[[:alpha:]].txt", "q.txt"));
	cr_expect(glob_pathspec(".", "anything/at/all"));
}

Test(glob, doublestar)
{
	cr_expect_eq(glob_doublestar("**/config.json", "config.json"), 1);
	cr_expect_eq(glob_doublestar("p1/**/config.json", "p1/config.json"), 1);
	cr_expect_eq(glob_doublestar("p1/**/config.json", "p1/a/b/config.json"), 1);
	cr_expect_eq(glob_doublestar("some-path/*.yaml", "some-path/a/b/y.yaml"), 0);
	cr_expect_eq(glob_doublestar("a/**", "a"), 1);
	cr_expect_eq(glob_doublestar("a/*", "a"), 0);
	cr_expect_eq(glob_doublestar("{a,b}/x", "b/x"), 1);
	cr_expect_eq(glob_doublestar("{a,b/{c,d}}/x", "b/d/x"), 1);
	cr_expect_eq(glob_doublestar("[!a]x", "bx"), 1);
	cr_expect_eq(glob_doublestar("x[", "x["), -1);
}

static void write_file(const char *dir, const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	for (char *s = p + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	FILE *f = fopen(p, "w");
	cr_assert_not_null(f);
	fputs("{}\n", f);
	fclose(f);
}

Test(repo_tree, walk_order_and_hidden_directories)
{
	char dir[] = "/tmp/mc-tree-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	const char *files[] = { "a/x", "a-c/y", "a/b/z", ".hidden/q", "b/.keep", "top" };
	for (size_t i = 0; i < 6; i++)
		write_file(dir, files[i]);
	struct repo_tree t;
	struct sbuf err = SBUF_INIT;
	cr_assert_eq(repo_tree_load(&t, dir, &err), 0, "%s", err.buf);
	cr_assert_eq(t.ndirs, 4);
	/* a parent before its children; sibling names compared whole */
	cr_expect_str_eq(t.dirs[0], "a");
	cr_expect_str_eq(t.dirs[1], "a/b");
	cr_expect_str_eq(t.dirs[2], "a-c");
	cr_expect_str_eq(t.dirs[3], "b");
	cr_expect_eq(t.nfiles, 6);
	repo_tree_release(&t);
	sbuf_release(&err);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
}

static struct ir_node *generate(struct mc_ctx *ctx, bool go, const char *gen)
{
	struct appset_world w;
	appset_world_init(&w);
	struct appset_gen g = { .ctx = ctx, .world = &w, .name = "t" };
	g.mode.go = go;
	sbuf_init(&g.err);
	struct appset_results res = { 0 };
	int rc = appset_transform(&g, parse(ctx, gen), NULL, NULL, &res);
	cr_assert_eq(rc, 0, "%s", g.err.buf);
	struct ir_node *all = ir_seq(ctx, NULL);
	for (size_t i = 0; i < res.len; i++)
		for (uint32_t k = 0; k < res.items[i].params->seq.len; k++)
			ir_seq_push(ctx, all, res.items[i].params->seq.items[k]);
	sbuf_release(&g.err);
	appset_world_release(&w);
	return all;
}

Test(generators, list_legacy_flattens_values)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	char *j = json(generate(&ctx, false,
		"{list: {elements: [{cluster: a, values: {x: z}}], elementsYaml: '[{n: 1}]'}}"));
	cr_expect_str_eq(j, "[{\"cluster\":\"a\",\"values.x\":\"z\"},{\"n\":1}]");
	free(j);
	mc_ctx_release(&ctx);
}

Test(generators, matrix_legacy_combines_and_interpolates)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	char *j = json(generate(&ctx, false,
		"{matrix: {generators: [{list: {elements: [{a: '1'}, {a: '2'}]}},"
		" {list: {elements: [{b: 'x{{a}}'}]}}]}}"));
	cr_expect_str_eq(j, "[{\"a\":\"1\",\"b\":\"x1\"},{\"a\":\"2\",\"b\":\"x2\"}]");
	free(j);
	mc_ctx_release(&ctx);
}

Test(generators, merge_in_base_order)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	char *j = json(generate(&ctx, false,
		"{merge: {mergeKeys: [k], generators: [{list: {elements: [{k: b, v: '1'}, {k: a, v: '2'}]}},"
		" {list: {elements: [{k: a, v: '9'}, {k: z, v: '0'}]}}]}}"));
	cr_expect_str_eq(j, "[{\"k\":\"b\",\"v\":\"1\"},{\"k\":\"a\",\"v\":\"9\"}]");
	free(j);
	mc_ctx_release(&ctx);
}

Test(generators, post_selector)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	char *j = json(generate(&ctx, false,
		"{list: {elements: [{env: dev}, {env: prod}]}, selector: {matchLabels: {env: prod}}}"));
	cr_expect_str_eq(j, "[{\"env\":\"prod\"}]");
	free(j);
	mc_ctx_release(&ctx);
}

Test(merge, fill_and_override)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_node *dst = parse(&ctx, "{metadata: {name: g, labels: {a: '1'}}, spec: {source: {path: p}}}");
	appset_merge_fill(&ctx, dst, parse(&ctx,
		"{metadata: {name: s, labels: {a: '2', b: '3'}}, spec: {source: {path: q, repoURL: r}, project: x}}"));
	char *j = json(dst);
	cr_expect_str_eq(j, "{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"3\"},\"name\":\"g\"},"
		"\"spec\":{\"project\":\"x\",\"source\":{\"path\":\"p\",\"repoURL\":\"r\"}}}");
	free(j);
	struct ir_node *m = parse(&ctx, "{a: {x: 1, y: 2}, l: [1, 2], f: true}");
	appset_merge_override(&ctx, m, parse(&ctx, "{a: {y: 3}, l: [9], f: false}"));
	j = json(m);
	cr_expect_str_eq(j, "{\"a\":{\"x\":1,\"y\":3},\"f\":false,\"l\":[9]}");
	free(j);
	mc_ctx_release(&ctx);
}

Test(smp, application_patch)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_node *app = parse(&ctx, "{metadata: {finalizers: [a]}, spec: {source: {helm: {valueFiles: [x]}}, "
		"syncPolicy: {automated: {}}}}");
	struct sbuf err = SBUF_INIT;
	cr_assert_eq(appset_smp_application(&ctx, app, parse(&ctx,
		"{metadata: {finalizers: [b, a]}, spec: {source: {helm: {valueFiles: [v2]}}, syncPolicy: null}}"),
		&err), 0);
	char *j = json(app);
	cr_expect_str_eq(j, "{\"metadata\":{\"finalizers\":[\"a\",\"b\"]},\"spec\":{\"source\":{\"helm\":"
		"{\"valueFiles\":[\"v2\"]}}}}");
	free(j);
	sbuf_release(&err);
	mc_ctx_release(&ctx);
}

Test(generators, clusters_in_cluster_and_flat_list)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct appset_world w;
	appset_world_init(&w);
	struct ir_node *secrets = parse(&ctx,
		"[{kind: Secret, metadata: {name: s1, labels: {argocd.argoproj.io/secret-type: cluster, env: prod}},"
		" stringData: {name: Prod_1, server: 'https://p1'}},"
		" {kind: Secret, metadata: {name: s2, labels: {env: prod}}, stringData: {name: nope, server: x}}]");
	cr_assert_eq(appset_world_add_clusters(&ctx, &w, secrets->seq.items, secrets->seq.len), 0);
	cr_assert_eq(w.nclusters, 1);
	struct appset_gen g = { .ctx = &ctx, .world = &w, .name = "t" };
	sbuf_init(&g.err);
	struct appset_results res = { 0 };
	cr_assert_eq(appset_transform(&g, parse(&ctx, "{clusters: {values: {n: '{{nameNormalized}}'}}}"),
		NULL, NULL, &res), 0, "%s", g.err.buf);
	char *j = json(res.items[0].params);
	/* the matched Secret, then the implicit in-cluster (no selector) */
	cr_expect_str_eq(j, "[{\"metadata.labels.argocd.argoproj.io/secret-type\":\"cluster\","
		"\"metadata.labels.env\":\"prod\",\"name\":\"Prod_1\",\"nameNormalized\":\"prod-1\","
		"\"project\":\"\",\"server\":\"https://p1\",\"values.n\":\"prod-1\"},"
		"{\"name\":\"in-cluster\",\"nameNormalized\":\"in-cluster\",\"project\":\"\","
		"\"server\":\"https://kubernetes.default.svc\",\"values.n\":\"in-cluster\"}]");
	free(j);
	res.len = 0;
	cr_assert_eq(appset_transform(&g, parse(&ctx,
		"{clusters: {selector: {matchLabels: {env: prod}}, flatList: true}}"), NULL, NULL, &res), 0);
	cr_expect_eq(res.items[0].params->seq.len, 1);
	const struct ir_node *flat = ir_map_getc(res.items[0].params->seq.items[0], "clusters");
	cr_expect(ir_is_seq(flat) && flat->seq.len == 1, "a selector drops in-cluster");
	sbuf_release(&g.err);
	appset_world_release(&w);
	mc_ctx_release(&ctx);
}

/* A bad selector is reported once, in the words of the path it took:
 * "error converting label selector" for the cluster Secrets (apimachinery's
 * LabelSelectorAsSelector), "error parsing label selector" for a post-selector. */
static const char *transform_error(struct mc_ctx *ctx, const char *gen, struct sbuf *err)
{
	struct appset_world w;
	appset_world_init(&w);
	struct appset_gen g = { .ctx = ctx, .world = &w, .name = "t" };
	sbuf_init(&g.err);
	struct appset_results res = { 0 };
	cr_expect_eq(appset_transform(&g, parse(ctx, gen), NULL, NULL, &res), 1);
	sbuf_reset(err);
	sbuf_add(err, g.err.buf, g.err.len);
	sbuf_release(&g.err);
	appset_world_release(&w);
	return err->buf;
}

Test(generators, selector_errors_name_their_conversion)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct sbuf err = SBUF_INIT;
	cr_expect_str_eq(transform_error(&ctx, "{clusters: {selector: {matchLabels: {env: 'a b'}}}}", &err),
		"error getting cluster secrets: error converting label selector: values[0][env]: "
		"Invalid value: \"a b\": a valid label must be an empty string or consist of "
		"alphanumeric characters, '-', '_' or '.', and must start and end with an "
		"alphanumeric character");
	cr_expect_str_eq(transform_error(&ctx, "{list: {elements: []}, selector: "
		"{matchExpressions: [{key: a, operator: Near}]}}", &err),
		"error parsing label selector: \"Near\" is not a valid pod selector operator");
	sbuf_release(&err);
	mc_ctx_release(&ctx);
}

/* A templatePatch must decode into Argo CD's Application type. */
static int typecheck(const char *patch, bool json_text)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct sbuf err = SBUF_INIT;
	int rc = appset_patch_typecheck(parse(&ctx, patch), json_text, &err);
	sbuf_release(&err);
	mc_ctx_release(&ctx);
	return rc;
}

Test(patch, decodes_into_the_application_type)
{
	cr_expect_eq(typecheck("{spec: {syncPolicy: {retry: {limit: 3}}}}", false), 0);
	/* through YAML 3.0 is the float64 3, printed "3"; JSON text keeps 3.0 */
	cr_expect_eq(typecheck("{spec: {syncPolicy: {retry: {limit: 3.0}}}}", false), 0);
	cr_expect_eq(typecheck("{spec: {syncPolicy: {retry: {limit: 3.0}}}}", true), 1);
	cr_expect_eq(typecheck("{spec: {syncPolicy: {retry: {limit: 3.5}}}}", false), 1);
	cr_expect_eq(typecheck("{spec: {source: {targetRevision: 1.2}}}", false), 1);
	cr_expect_eq(typecheck("{metadata: {labels: {a: 1}}}", false), 1);
	cr_expect_eq(typecheck("{spec: {sources: {repoURL: x}}}", false), 1);
	/* names match without regard to case, as encoding/json does */
	cr_expect_eq(typecheck("{Spec: {Source: 'x'}}", false), 1);
	/* unknown fields, nulls and raw JSON are fine */
	cr_expect_eq(typecheck("{spec: {bogus: 1, source: null, destination: {name: ~}}}", false), 0);
	cr_expect_eq(typecheck("{spec: {source: {helm: {valuesObject: {a: [1, {b: c}]}}}}}", false), 0);
}

Test(generators, git_directories_and_files)
{
	char dir[] = "/tmp/mc-gitgen-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	const char *files[] = { "apps/a/x.yaml", "apps/b/c/y.yaml", "apps/.hid/z.yaml", "config.json",
		"cfg/config.json" };
	for (size_t i = 0; i < 5; i++)
		write_file(dir, files[i]);
	struct mc_ctx ctx;
	struct vfs *fs = vfs_disk(NULL);
	mc_ctx_init(&ctx, fs);
	struct appset_world w;
	appset_world_init(&w);
	appset_world_map_repo(&w, NULL, dir);
	w.self_any_url = true;
	struct appset_gen g = { .ctx = &ctx, .world = &w, .name = "t" };
	sbuf_init(&g.err);
	struct appset_results res = { 0 };
	cr_assert_eq(appset_transform(&g, parse(&ctx,
		"{git: {repoURL: r, directories: [{path: 'apps/*'}, {path: apps/b, exclude: true}]}}"),
		NULL, NULL, &res), 0, "%s", g.err.buf);
	char *j = json(res.items[0].params);
	cr_expect_str_eq(j, "[{\"path\":\"apps/a\",\"path.basename\":\"a\",\"path.basenameNormalized\":\"a\","
		"\"path[0]\":\"apps\",\"path[1]\":\"a\"}]");
	free(j);
	res.len = 0;
	cr_assert_eq(appset_transform(&g, parse(&ctx, "{git: {repoURL: r, files: [{path: '**/config.json'}]}}"),
		NULL, NULL, &res), 0, "%s", g.err.buf);
	cr_expect_eq(res.items[0].params->seq.len, 1, "pathspec **/x needs a directory");
	w.new_globbing = true;
	res.len = 0;
	cr_assert_eq(appset_transform(&g, parse(&ctx, "{git: {repoURL: r, files: [{path: '**/config.json'}]}}"),
		NULL, NULL, &res), 0, "%s", g.err.buf);
	cr_expect_eq(res.items[0].params->seq.len, 2, "doublestar ** matches no directory too");
	sbuf_release(&g.err);
	appset_world_release(&w);
	mc_ctx_release(&ctx);
	vfs_destroy(fs);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
}
