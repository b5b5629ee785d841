/* Unit tests: the Helm frontend's pieces that need no template engine:
 * --set parsing, coalescing, .helmignore and filepath.Match, chart
 * archives, manifest splitting and install order, semver.  Expected values
 * come from Helm's and Masterminds/semver's own test tables (cited per
 * test), re-expressed as JSON. */
#include <zlib.h>

#include "mc/helm.h"
#include "mc/semver.h"
#include "testutil.h"

static char *to_json(const struct ir_node *n)
{
	struct sbuf out = SBUF_INIT;
	const char *err = NULL;
	cr_assert_eq(emit_json(&out, n, EMIT_JSON_COMPACT, &err), 0);
	return sbuf_detach(&out, NULL);
}

/* Parse s with kind into a fresh map (or into `into`, JSON); compare. */
static void set_case(enum helm_set_kind kind, const char *into, const char *s, const char *want)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_node *m = ir_map(&ctx, NULL);
	if (into) {
		const char *err;
		cr_assert_eq(helm_json_parse(&ctx, into, strlen(into), false, &m, &err), 0);
	}
	const char *err = NULL;
	int rc = helm_strvals_parse(&ctx, s, kind, m, &err);
	if (!want) {
		cr_assert_neq(rc, 0, "%s: expected an error", s);
	} else {
		cr_assert_eq(rc, 0, "%s: %s", s, err ? err : "");
		char *got = to_json(m);
		cr_assert_str_eq(got, want, "%s", s);
		free(got);
	}
	mc_ctx_release(&ctx);
}

/* pkg/strvals/parser_test.go TestParseSet */
Test(helm_strvals, parse_set)
{
	set_case(HELM_SET_STRING, NULL, "long_int_string=1234567890", "{\"long_int_string\":\"1234567890\"}");
	set_case(HELM_SET_STRING, NULL, "is_null=null", "{\"is_null\":\"null\"}");
	set_case(HELM_SET_STRING, NULL, "zero=0", "{\"zero\":\"0\"}");
	set_case(HELM_SET, NULL, "name1=null,f=false,t=true", "{\"f\":false,\"name1\":null,\"t\":true}");
	set_case(HELM_SET, NULL, "name1=value1,name2=value2,", "{\"name1\":\"value1\",\"name2\":\"value2\"}");
	set_case(HELM_SET, NULL, "name1=value1,,,,name2=value2,", NULL);
	set_case(HELM_SET, NULL, "name1=,name2=value2", "{\"name1\":\"\",\"name2\":\"value2\"}");
	set_case(HELM_SET, NULL, "leading_zeros=00009", "{\"leading_zeros\":\"00009\"}");
	set_case(HELM_SET, NULL, "zero_int=0", "{\"zero_int\":0}");
	set_case(HELM_SET, NULL, "long_int=1234567890", "{\"long_int\":1234567890}");
	set_case(HELM_SET, NULL, "name1,name2=", NULL);
	set_case(HELM_SET, NULL, "name1,name2=value2\\", NULL);
	set_case(HELM_SET, NULL, "name1,name2", NULL);
	set_case(HELM_SET, NULL, "name1=one\\,two,name2=three\\,four", "{\"name1\":\"one,two\",\"name2\":\"three,four\"}");
	set_case(HELM_SET, NULL, "name1=one\\=two,name2=three\\=four", "{\"name1\":\"one=two\",\"name2\":\"three=four\"}");
	set_case(HELM_SET, NULL, "outer.inner1=value,outer.middle.inner=value",
		"{\"outer\":{\"inner1\":\"value\",\"middle\":{\"inner\":\"value\"}}}");
	set_case(HELM_SET, NULL, "name1.name2", NULL);
	set_case(HELM_SET, NULL, "name1.name2=", "{\"name1\":{\"name2\":\"\"}}");
	set_case(HELM_SET, NULL, "name1.=name2", NULL);
	set_case(HELM_SET, NULL, "name1.,name2", NULL);
	set_case(HELM_SET, NULL, "name1={value1,value2},name2={value1,value2}",
		"{\"name1\":[\"value1\",\"value2\"],\"name2\":[\"value1\",\"value2\"]}");
	set_case(HELM_SET, NULL, "name1={1021,902}", "{\"name1\":[1021,902]}");
	set_case(HELM_SET, NULL, "name1={1021,902", NULL);
	set_case(HELM_SET, NULL, "list[0].foo=bar,list[0].hello=world", "{\"list\":[{\"foo\":\"bar\",\"hello\":\"world\"}]}");
	set_case(HELM_SET, NULL, "list[0].foo=bar,list[-30].hello=world", NULL);
	set_case(HELM_SET, NULL, "list[0]=foo,list[3]=bar", "{\"list\":[\"foo\",null,null,\"bar\"]}");
	set_case(HELM_SET, NULL, "illegal[0]name.foo=bar", NULL);
	set_case(HELM_SET, NULL, "noval[0]", "{\"noval\":[]}");
	set_case(HELM_SET, NULL, "noval[0]=", "{\"noval\":[\"\"]}");
	set_case(HELM_SET, NULL, "nested[1][1]=1", "{\"nested\":[null,[null,1]]}");
	set_case(HELM_SET, NULL, "name1.name2[1].foo=bar,name1.name2[0].foo=bar",
		"{\"name1\":{\"name2\":[{\"foo\":\"bar\"},{\"foo\":\"bar\"}]}}");
	set_case(HELM_SET, NULL, "]={}].", NULL);
}

/* TestParseInto, TestParseJSON, literal_parser_test.go */
Test(helm_strvals, into_json_literal)
{
	set_case(HELM_SET, "{\"outer\":{\"inner1\":\"overwrite\",\"inner2\":\"value2\"}}",
		"outer.inner1=value1,outer.inner3=value3,outer.inner4=4",
		"{\"outer\":{\"inner1\":\"value1\",\"inner2\":\"value2\",\"inner3\":\"value3\",\"inner4\":4}}");
	set_case(HELM_SET, "{\"listOuter\":[[[{\"exited\":\"old\"}]]]}", "listOuter[0][0][1].status=alive",
		"{\"listOuter\":[[[{\"exited\":\"old\"},{\"status\":\"alive\"}]]]}");
	set_case(HELM_SET_JSON, "{\"outer\":{\"inner1\":\"overwrite\",\"inner2\":\"value2\"}}",
		"outer.inner1=\"1\",outer.inner3=3,outer.inner4=true,outer.inner5=\"true\"",
		"{\"outer\":{\"inner1\":\"1\",\"inner2\":\"value2\",\"inner3\":3,\"inner4\":true,\"inner5\":\"true\"}}");
	set_case(HELM_SET_JSON, "{\"outer\":{\"inner1\":{\"x\":\"overwrite\"},\"inner2\":\"value2\"}}",
		"outer.inner1=,outer.inner3={\"aa\":\"1\",\"bb\":2,\"cc\":[1,2,3]},outer.inner3.cc[1]=null",
		"{\"outer\":{\"inner1\":null,\"inner2\":\"value2\",\"inner3\":{\"aa\":\"1\",\"bb\":2,\"cc\":[1,null,3]}}}");
	set_case(HELM_SET_JSON, NULL,
		"outer.inner1={\"a\":\"1\"},outer.inner5={\"A\":\"1\",\"B\":2,\"C\":[1,2,3]}]", NULL);
	set_case(HELM_SET_LITERAL, NULL, "name", NULL);
	set_case(HELM_SET_LITERAL, NULL, "name1=null,name2=value2", "{\"name1\":\"null,name2=value2\"}");
	set_case(HELM_SET_LITERAL, NULL, "name1={value1,value2}", "{\"name1\":\"{value1,value2}\"}");
	set_case(HELM_SET_LITERAL, NULL, "list[3]=bar", "{\"list\":[null,null,null,\"bar\"]}");
	set_case(HELM_SET_LITERAL, NULL, "name1.,name2", NULL);
	/* indexing into a scalar is Go's recovered panic */
	set_case(HELM_SET, "{\"a\":\"x\"}", "a[0]=1", NULL);
	set_case(HELM_SET, "{\"a\":\"x\"}", "a.b=1", NULL);
}

/* TestParseSetNestedLevels: 30 levels at most */
Test(helm_strvals, nesting_cap)
{
	char buf[256] = "";
	for (int i = 0; i < 31; i++)
		strcat(buf, "a.");
	strcat(buf, "b=1");
	struct mc_ctx c2;
	mc_ctx_init(&c2, NULL);
	const char *e2 = NULL;
	cr_assert_neq(helm_strvals_parse(&c2, buf, HELM_SET, ir_map(&c2, NULL), &e2), 0);
	cr_assert_str_eq(e2, "value name nested level is greater than maximum supported nested level of 30");
	mc_ctx_release(&c2);
	buf[0] = '\0';
	for (int i = 0; i < 30; i++)
		strcat(buf, "a.");
	strcat(buf, "b=1");
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	const char *err;
	cr_assert_eq(helm_strvals_parse(&ctx, buf, HELM_SET, ir_map(&ctx, NULL), &err), 0);
	mc_ctx_release(&ctx);
}

/* ------------------------------------------------------------ ignore */

static bool ignored(const char *rules, const char *path, bool dir)
{
	struct arena a = ARENA_INIT;
	const char *err;
	struct helm_ignore *r = helm_ignore_parse(&a, rules, strlen(rules), &err);
	cr_assert_not_null(r, "%s: %s", rules, err);
	bool m = helm_ignore_match(r, path, dir);
	arena_release(&a);
	return m;
}

/* pkg/ignore/rules_test.go TestIgnore */
Test(helm_ignore, rules)
{
	cr_assert(ignored("helm.txt", "helm.txt", false));
	cr_assert(ignored("helm.*", "helm.txt", false));
	cr_assert(!ignored("helm.*", "rudder.txt", false));
	cr_assert(ignored("*.txt", "tiller.txt", false));
	cr_assert(ignored("*.txt", "cargo/a.txt", false));
	cr_assert(ignored("cargo/*.txt", "cargo/a.txt", false));
	cr_assert(ignored("cargo/*.*", "cargo/a.txt", false));
	cr_assert(!ignored("cargo/*.txt", "mast/a.txt", false));
	cr_assert(ignored("ru[c-e]?er.txt", "rudder.txt", false));
	cr_assert(ignored("templates/.?*", "templates/.dotfile", false));
	cr_assert(!ignored(".*", ".", true));
	cr_assert(!ignored(".*", "./", true));
	cr_assert(ignored(".*", ".joonix", false));
	cr_assert(!ignored(".*", "helm.txt", false));
	cr_assert(!ignored(".*", "", false));
	cr_assert(ignored("cargo/", "cargo", true));
	cr_assert(ignored("cargo/", "cargo/", true));
	cr_assert(!ignored("cargo/", "mast/", true));
	cr_assert(!ignored("helm.txt/", "helm.txt", false));
	cr_assert(!ignored("!helm.txt", "helm.txt", false));
	cr_assert(ignored("!helm.txt", "tiller.txt", false));
	cr_assert(ignored("!*.txt", "cargo", true));
	cr_assert(ignored("!cargo/", "mast/", true));
	cr_assert(ignored("/a.txt", "a.txt", false));
	cr_assert(!ignored("/a.txt", "cargo/a.txt", false));
	cr_assert(ignored("/*/a.txt", "cargo/a.txt", false));
	/* the default rule: dotfiles under templates/ */
	cr_assert(ignored("", "templates/.hidden.yaml", false));
	cr_assert(!ignored("", "charts/x/templates/.hidden.yaml", false));
}

/* TestParseFail */
Test(helm_ignore, bad_rules)
{
	struct arena a = ARENA_INIT;
	const char *err;
	cr_assert_null(helm_ignore_parse(&a, "foo/**/bar", 10, &err));
	cr_assert_null(helm_ignore_parse(&a, "[z-", 3, &err));
	struct helm_ignore *r = helm_ignore_parse(&a, "\xEF\xBB\xBF#c\n\nfoo\n  bar/*  \n", 22, &err);
	cr_assert_not_null(r);
	cr_assert(helm_ignore_match(r, "foo", false));
	cr_assert(helm_ignore_match(r, "bar/x", false));
	/* strings.TrimSpace: Unicode spaces go too */
	r = helm_ignore_parse(&a, "\xC2\xA0*.txt\xE3\x80\x80\n", 11, &err);
	cr_assert_not_null(r);
	cr_assert(helm_ignore_match(r, "a.txt", false));
	arena_release(&a);
}

/* ------------------------------------------------------------ archives */

/* A .tgz made in memory: ustar headers, gzip through zlib. */
static void tar_add(struct sbuf *t, const char *name, const char *data, char type)
{
	unsigned char h[512] = { 0 };
	size_t n = strlen(data);
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "0000644");
	snprintf((char *)h + 108, 8, "0000000");
	snprintf((char *)h + 116, 8, "0000000");
	snprintf((char *)h + 124, 12, "%011lo", type == '5' ? 0UL : (unsigned long)(n & 07777777777));
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar\0" "00", 8);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	sbuf_add(t, h, 512);
	if (type != '5') {
		sbuf_add(t, data, n);
		static const char zero[512];
		sbuf_add(t, zero, (512 - n % 512) % 512);
	}
}

static void gzip_buf(const struct sbuf *in, struct sbuf *out)
{
	z_stream zs = { 0 };
	cr_assert_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	sbuf_grow(out, in->len + 1024);
	zs.next_in = (Bytef *)in->buf;
	zs.avail_in = (uInt)in->len;
	zs.next_out = (Bytef *)out->buf;
	zs.avail_out = (uInt)(out->cap - 1);
	cr_assert_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	out->len = zs.total_out;
	deflateEnd(&zs);
}

Test(helm_archive, reads_files_and_strips_the_top_directory)
{
	struct sbuf t = SBUF_INIT, z = SBUF_INIT;
	tar_add(&t, "mychart/", "", '5');
	tar_add(&t, "mychart/Chart.yaml", "name: mychart\nversion: 1.0.0\n", '0');
	tar_add(&t, "mychart/templates/cm.yaml", "\xEF\xBB\xBFkind: ConfigMap\n", '0');
	static const char zero[1024];
	sbuf_add(&t, zero, 1024);
	gzip_buf(&t, &z);
	struct arena a = ARENA_INIT;
	struct helm_files files = { 0 };
	const char *err = NULL;
	cr_assert_eq(helm_archive_files(&a, z.buf, z.len, &files, &err), 0, "%s", err);
	cr_assert_eq(files.len, 2);
	cr_assert_str_eq(files.items[0].name, "Chart.yaml");
	cr_assert_str_eq(files.items[1].name, "templates/cm.yaml");
	cr_assert_str_eq(files.items[1].data, "kind: ConfigMap\n", "the BOM is dropped");
	/* a corrupted checksum is an invalid header */
	t.buf[600] ^= 1;
	sbuf_reset(&z);
	gzip_buf(&t, &z);
	files.len = 0;
	cr_assert_neq(helm_archive_files(&a, z.buf, z.len, &files, &err), 0);
	/* not gzip */
	cr_assert_neq(helm_archive_files(&a, "hello", 5, &files, &err), 0);
	cr_assert_str_eq(err, "gzip: invalid header");
	arena_release(&a);
	sbuf_release(&t);
	sbuf_release(&z);
}

Test(helm_archive, refuses_escaping_names)
{
	struct sbuf t = SBUF_INIT, z = SBUF_INIT;
	tar_add(&t, "mychart/../../etc/passwd", "x", '0');
	gzip_buf(&t, &z);
	struct arena a = ARENA_INIT;
	struct helm_files files = { 0 };
	const char *err = NULL;
	cr_assert_neq(helm_archive_files(&a, z.buf, z.len, &files, &err), 0);
	cr_assert_str_eq(err, "chart illegally references parent directory");
	sbuf_reset(&t);
	sbuf_reset(&z);
	tar_add(&t, "Chart.yaml", "name: x\n", '0');
	gzip_buf(&t, &z);
	cr_assert_neq(helm_archive_files(&a, z.buf, z.len, &files, &err), 0);
	arena_release(&a);
	sbuf_release(&t);
	sbuf_release(&z);
}

/* ---------------------------------------------------- manifests, order */

static void sort_case(const char *const *names, const char *const *texts, size_t n, int major,
	const char *want)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct helm_rendered *files = arena_calloc(&ctx.arena, n, sizeof *files);
	for (size_t i = 0; i < n; i++) {
		files[i].name = names[i];
		files[i].text = texts[i];
		files[i].len = strlen(texts[i]);
	}
	struct helm_sorted s = { 0 };
	cr_assert_eq(helm_sort_manifests(&ctx, files, n, major, &s), 0);
	struct helm_print_opts po = { .major = major };
	struct sbuf out = SBUF_INIT;
	struct helm_chart chart = { 0 };
	cr_assert_eq(helm_print(&ctx, &chart, &s, &po, &out), 0);
	cr_assert_str_eq(out.buf, want);
	sbuf_release(&out);
	mc_ctx_release(&ctx);
}

/* releaseutil: files sorted by name, documents split and trimmed, kinds in
 * InstallOrder (unknown kinds last, by name), hooks after everything. */
Test(helm_output, split_sort_and_print)
{
	const char *names[] = { "c/templates/b.yaml", "c/templates/a.yaml", "c/templates/_h.tpl",
		"c/templates/blank.yaml" };
	const char *texts[] = {
		"\n\nkind: Deployment\nmetadata:\n  name: d\n---\nkind: Zeta\n---   \n\n"
		"kind: Alpha\n",
		"kind: Service\n---\n# only a comment\n---\nkind: Job\nmetadata:\n  annotations:\n"
		"    helm.sh/hook: pre-install\n---\nkind: Namespace\n",
		"kind: Secret\n",
		"  \n\t\n",
	};
	sort_case(names, texts, 4, 3,
		"---\n# Source: c/templates/a.yaml\nkind: Namespace\n"
		"---\n# Source: c/templates/a.yaml\nkind: Service\n"
		"---\n# Source: c/templates/b.yaml\nkind: Deployment\nmetadata:\n  name: d\n"
		"---\n# Source: c/templates/a.yaml\n# only a comment\n"
		"---\n# Source: c/templates/b.yaml\nkind: Alpha\n"
		"---\n# Source: c/templates/b.yaml\nkind: Zeta\n"
		"---\n# Source: c/templates/a.yaml\nkind: Job\nmetadata:\n  annotations:\n"
		"    helm.sh/hook: pre-install\n");
}

/* Helm 4 splits at line-start "---" and keeps each document's tail;
 * documents without a kind sort first among the kinds not listed. */
Test(helm_output, split_helm4)
{
	const char *names[] = { "c/templates/a.yaml" };
	const char *texts[] = { "\nkind: A\n\n---\nkind: B\n---x: 1\n" };
	sort_case(names, texts, 1, 4,
		"---\n# Source: c/templates/a.yaml\nx: 1\n\n"
		"---\n# Source: c/templates/a.yaml\nkind: A\n\n\n"
		"---\n# Source: c/templates/a.yaml\nkind: B\n");
}

/* kind_sorter_test.go: the order of the known kinds */
Test(helm_output, install_order)
{
	cr_assert_eq(helm_install_rank("PriorityClass", 3), 0);
	cr_assert_eq(helm_install_rank("Namespace", 3), 1);
	cr_assert_lt(helm_install_rank("ConfigMap", 3), helm_install_rank("Deployment", 3));
	cr_assert_lt(helm_install_rank("CustomResourceDefinition", 3), helm_install_rank("ClusterRole", 3));
	cr_assert_eq(helm_install_rank("APIService", 3), 35);
	cr_assert_eq(helm_install_rank("MutatingWebhookConfiguration", 3), -1);
	cr_assert_eq(helm_install_rank("MutatingWebhookConfiguration", 4), 36);
	cr_assert_eq(helm_install_rank("ValidatingWebhookConfiguration", 4), 37);
	cr_assert_eq(helm_install_rank("FooBar", 4), -1);
}

Test(helm_output, yaml_errors_name_the_file)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct helm_rendered f = { "c/templates/bad.yaml", "kind: Pod\nspec:\n  a: b\ninvalid\n", 0, SRCPOS_NONE };
	f.len = strlen(f.text);
	struct helm_sorted s = { 0 };
	cr_assert_eq(helm_sort_manifests(&ctx, &f, 1, 3, &s), 1);
	char *msg = tu_first_diag(&ctx);
	cr_assert(strstr(msg, "YAML parse error on c/templates/bad.yaml"), "%s", msg);
	free(msg);
	mc_ctx_release(&ctx);
}

/* ---------------------------------------------------------- coalescing */

static struct ir_node *json(struct mc_ctx *ctx, const char *s)
{
	struct ir_node *n;
	const char *err;
	cr_assert_eq(helm_json_parse(ctx, s, strlen(s), true, &n, &err), 0, "%s", err);
	return n;
}

/* coalesce_test.go TestCoalesceTables and TestMergeTables */
Test(helm_values, coalesce_and_merge_tables)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	const char *dst = "{\"name\":\"Ishmael\",\"address\":{\"street\":\"123 Spouter Inn Ct.\",\"city\":\"Nantucket\",\"country\":null},"
		"\"details\":{\"friends\":[\"Tashtego\"]},\"boat\":\"pequod\",\"hole\":null}";
	const char *src = "{\"occupation\":\"whaler\",\"address\":{\"state\":\"MA\",\"street\":\"234 Spouter Inn Ct.\",\"country\":\"US\"},"
		"\"details\":\"empty\",\"boat\":{\"mast\":true},\"hole\":\"black\"}";
	struct ir_node *c = helm_coalesce_tables(&ctx, json(&ctx, dst), json(&ctx, src), "", false);
	char *got = to_json(c);
	cr_assert_str_eq(got, "{\"address\":{\"city\":\"Nantucket\",\"state\":\"MA\",\"street\":\"123 Spouter Inn Ct.\"},"
		"\"boat\":\"pequod\",\"details\":{\"friends\":[\"Tashtego\"]},\"name\":\"Ishmael\",\"occupation\":\"whaler\"}");
	free(got);
	struct ir_node *m = helm_coalesce_tables(&ctx, json(&ctx, dst), json(&ctx, src), "", true);
	got = to_json(m);
	cr_assert_str_eq(got, "{\"address\":{\"city\":\"Nantucket\",\"country\":null,\"state\":\"MA\",\"street\":\"123 Spouter Inn Ct.\"},"
		"\"boat\":\"pequod\",\"details\":{\"friends\":[\"Tashtego\"]},\"hole\":null,\"name\":\"Ishmael\",\"occupation\":\"whaler\"}");
	free(got);
	mc_ctx_release(&ctx);
}

static struct helm_chart *mini_chart(struct mc_ctx *ctx, const char *name, const char *values)
{
	struct helm_chart *c = arena_calloc(&ctx->arena, 1, sizeof *c);
	c->meta.name = name;
	c->meta.version = "0.1.0";
	c->meta.type = c->meta.condition = c->meta.tags = c->meta.app_version = "";
	c->values = values ? json(ctx, values) : NULL;
	return c;
}

static void add_dep(struct mc_ctx *ctx, struct helm_chart *p, struct helm_chart *c)
{
	struct helm_chart **d = arena_calloc(&ctx->arena, p->ndeps + 2, sizeof *d);
	if (p->ndeps)
		memcpy(d, p->deps, p->ndeps * sizeof *d);
	d[p->ndeps++] = c;
	p->deps = d;
	c->parent = p;
}

/* Globals reach subcharts, parent values win, null deletes defaults,
 * lists are replaced (coalesce_test.go TestCoalesceValues, reduced). */
Test(helm_values, coalesce_values_with_subcharts)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct helm_chart *top = mini_chart(&ctx, "top",
		"{\"a\":1,\"gone\":\"x\",\"list\":[1,2],\"global\":{\"g\":\"top\"},\"sub\":{\"s\":\"fromtop\"}}");
	struct helm_chart *sub = mini_chart(&ctx, "sub",
		"{\"s\":\"default\",\"t\":\"default\",\"global\":{\"g\":\"sub\",\"h\":\"sub\"}}");
	add_dep(&ctx, top, sub);
	struct ir_node *v = helm_coalesce_values(&ctx, top,
		json(&ctx, "{\"gone\":null,\"list\":[3],\"sub\":{\"t\":null}}"), false, 3);
	cr_assert_not_null(v);
	char *got = to_json(v);
	cr_assert_str_eq(got, "{\"a\":1,\"global\":{\"g\":\"top\"},\"list\":[3],"
		"\"sub\":{\"global\":{\"g\":\"top\",\"h\":\"sub\"},\"s\":\"fromtop\"}}");
	free(got);
	mc_ctx_release(&ctx);
}

/* -------------------------------------------------------------- semver */

static bool check(const char *c, const char *v)
{
	struct arena a = ARENA_INIT;
	bool r = semver_compatible(&a, c, v);
	arena_release(&a);
	return r;
}

/* Masterminds/semver constraints_test.go TestConstraintCheck (a sample) */
Test(helm_semver, constraints)
{
	cr_assert(check("=2.0.0", "2.0.0"));
	cr_assert(!check("=2.0.0", "1.2.3"));
	cr_assert(check(">1.1", "4.1.0"));
	cr_assert(!check(">1.1", "1.1.0"));
	cr_assert(check(">=1.1", "1.1.0"));
	cr_assert(!check(">=1.1", "0.0.9"));
	cr_assert(check("<1.1", "0.1.0"));
	cr_assert(!check("<1.1", "1.1.0"));
	cr_assert(check("<=1.1", "1.1.1"));
	cr_assert(!check("<=1.1", "1.2.0"));
	cr_assert(check("~1.2.3", "1.2.4"));
	cr_assert(!check("~1.2.3", "1.3.4"));
	cr_assert(check("^1.2.3", "1.8.9"));
	cr_assert(!check("^1.2.3", "2.8.9"));
	cr_assert(check("^0.2.3", "0.2.5"));
	cr_assert(!check("^0.2.3", "0.5.6"));
	cr_assert(check("1.2 - 1.3", "1.2.5"));
	cr_assert(!check("1.2 - 1.3", "1.4.0"));
	cr_assert(check(">=1.1 <2 || >=3", "3.1.0"));
	cr_assert(!check(">=1.1 <2 || >=3", "2.5.0"));
	cr_assert(check("2.x", "2.5.0"));
	cr_assert(!check("2.x", "3.0.0"));
	cr_assert(check("*", "1.2.3"));
	cr_assert(!check(">1.0", "1.1.0-beta"), "prereleases need a prerelease constraint");
	cr_assert(check(">=1.20.0-0", "1.20.0"));
	cr_assert(check(">=1.21.0-0", "v1.22.0"));
	cr_assert(!check(">=1.21.0-0", "v1.20.0"));
	cr_assert(check(">= 1.21-0", "v1.29"));
	cr_assert(!check("", "1.0.0"), "an empty constraint is improper");
	cr_assert(!check("1.0.0", "not a version"));
}

Test(helm_semver, parse_and_compare)
{
	struct arena a = ARENA_INIT;
	struct semver x, y;
	cr_assert(semver_parse(&a, "v1.2", &x, NULL));
	cr_assert_eq(x.major, 1);
	cr_assert_eq(x.minor, 2);
	cr_assert_eq(x.patch, 0);
	cr_assert(semver_parse(&a, "1.2.3-alpha.1+build.5", &y, NULL));
	cr_assert_str_eq(y.pre, "alpha.1");
	cr_assert_str_eq(y.meta, "build.5");
	cr_assert(semver_parse(&a, "1.2.3-alpha.2", &x, NULL));
	cr_assert_lt(semver_cmp(&y, &x), 0);
	cr_assert(semver_parse(&a, "1.2.3", &x, NULL));
	cr_assert_gt(semver_cmp(&x, &y), 0, "a release follows its prereleases");
	struct sbuf err = SBUF_INIT;
	cr_assert(!semver_parse(&a, "1.2.3.4", &x, &err));
	cr_assert_str_eq(err.buf, "invalid semantic version");
	sbuf_reset(&err);
	cr_assert(!semver_parse(&a, "1.2.3-01", &x, &err));
	cr_assert_str_eq(err.buf, "version segment starts with 0");
	sbuf_release(&err);
	arena_release(&a);
}

/* -------------------------------------------------------- capabilities */

Test(helm_caps, kube_versions)
{
	struct arena a = ARENA_INIT;
	struct helm_kube_version k;
	const char *err;
	cr_assert_eq(helm_parse_kube_version(&a, "1.29", &k, &err), 0);
	cr_assert_str_eq(k.version, "v1.29");
	cr_assert_str_eq(k.major, "1");
	cr_assert_str_eq(k.minor, "29");
	cr_assert_eq(helm_parse_kube_version(&a, "v1.16.0", &k, &err), 0);
	cr_assert_str_eq(k.version, "v1.16.0");
	cr_assert_eq(helm_parse_kube_version(&a, "1.20.0-rc.1", &k, &err), 0);
	cr_assert_str_eq(k.version, "v1.20.0");
	cr_assert_neq(helm_parse_kube_version(&a, "1", &k, &err), 0);
	cr_assert_neq(helm_parse_kube_version(&a, "x1.2", &k, &err), 0);
	arena_release(&a);
}

/* ------------------------------------------------------------- heads */

static int head(const char *doc, struct helm_head *h, const char **why)
{
	static struct arena a = ARENA_INIT;
	return helm_head_fast(&a, doc, strlen(doc), h, why);
}

/* releaseutil.SimpleHead through sigs.k8s.io/yaml: numbers become strings
 * in string fields, a non-map document is an error, go-yaml's messages */
Test(helm_head, fields_and_errors)
{
	struct helm_head h;
	const char *why = NULL;
	cr_assert_eq(head("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n", &h, &why), 0);
	cr_assert_str_eq(h.kind, "Pod");
	cr_assert_str_eq(h.name, "x");
	cr_assert_str_eq(h.api_version, "v1");
	cr_assert_null(h.hook);
	cr_assert(!h.annotated);
	cr_assert_eq(head("Kind: 12\nmetadata: {annotations: {helm.sh/hook: test, w: 5}}\n", &h, &why), 0);
	cr_assert_str_eq(h.kind, "12", "field names fold case, numbers become text");
	cr_assert_str_eq(h.hook, "test");
	cr_assert(h.annotated);
	cr_assert_eq(head("kind: 1.10\n", &h, &why), 0);
	cr_assert_str_eq(h.kind, "1.1", "floats print at float32 precision");
	cr_assert_eq(head("# only a comment\n", &h, &why), 0);
	cr_assert_str_eq(h.kind, "");
	cr_assert_eq(head("metadata:\n  annotations: {}\n", &h, &why), 0);
	cr_assert(!h.annotated);
	cr_assert_eq(head("kind: Pod\n...\n}{ not parsed: [\n", &h, &why), 0, "only the first document is read");
	cr_assert_eq(head("a: b\ninvalid\n", &h, &why), 1);
	cr_assert_str_eq(why, "error converting YAML to JSON: yaml: line 3: could not find expected ':'");
	cr_assert_eq(head("- a\n- b\n", &h, &why), 1);
	cr_assert(strstr(why, "cannot unmarshal array into Go value of type releaseutil.SimpleHead"));
	cr_assert_eq(head("just a string\n", &h, &why), 1);
	cr_assert_eq(head("kind: [Pod]\n", &h, &why), 1);
	cr_assert_eq(head("metadata: x\n", &h, &why), 1);
	cr_assert_eq(head("metadata:\n  annotations:\n    a: {b: c}\n", &h, &why), 1);
	cr_assert_eq(head("spec:\n  x: .nan\n", &h, &why), 1, "NaN cannot become JSON");
	cr_assert_eq(head("kind: &k Pod\nother: *k\n", &h, &why), -1, "aliases go to the loader");
	cr_assert_eq(head("<<: {kind: Pod}\n", &h, &why), -1, "merge keys go to the loader");
	cr_assert_eq(head("kind: A\nKind: B\n", &h, &why), -1, "a field twice goes to the loader");
}

/* ---------------------------------------------------- dependencies */

static struct helm_chart *chart_of(struct mc_ctx *ctx, const char *const *kv)
{
	struct helm_files files = { 0 };
	for (size_t i = 0; kv[i]; i += 2) {
		struct helm_file f = { 0 };
		f.name = kv[i];
		f.data = kv[i + 1];
		f.len = strlen(kv[i + 1]);
		VEC_PUSH(&ctx->arena, &files, f);
	}
	return helm_chart_from_files(ctx, &files, "mem", NULL);
}

static const char *const tree[] = {
	"Chart.yaml",
	"apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n"
	"- name: a\n  version: ~1.0\n  condition: a.enabled,x.on\n  tags: [front]\n"
	"- name: b\n  version: 2.0.0\n  alias: bee\n  tags: [back]\n"
	"  import-values:\n  - child: exports.data\n    parent: fromb\n  - shared\n",
	"values.yaml", "tags:\n  back: true\nfromb:\n  keep: parent\n",
	"charts/a/Chart.yaml", "apiVersion: v2\nname: a\nversion: 1.0.3\n",
	"charts/b/Chart.yaml", "apiVersion: v2\nname: b\nversion: 2.0.0\n",
	"charts/b/values.yaml", "exports:\n  data:\n    keep: child\n    more: 1\n  shared:\n    s: yes\n",
	NULL,
};

static char *deps_after(const char *values)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct helm_chart *c = chart_of(&ctx, tree);
	cr_assert_not_null(c);
	cr_assert_eq(helm_process_dependencies(&ctx, c, json(&ctx, values), true, 3), 0);
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < c->ndeps; i++)
		sbuf_printf(&sb, "%s%s", i ? "," : "", c->deps[i]->meta.name);
	struct ir_node *fromb = ir_map_getc(c->values, "fromb");
	if (fromb) {
		char *j = to_json(fromb);
		sbuf_printf(&sb, " fromb=%s", j);
		free(j);
	}
	if (ir_path(c->values, "s"))
		sbuf_adds(&sb, " s");
	mc_ctx_release(&ctx);
	return sbuf_detach(&sb, NULL);
}

/* chartutil.processDependencyEnabled and import-values: the first
 * condition path that resolves wins, tags decide when no condition does,
 * aliases rename, imported values yield to the parent's own */
Test(helm_values, dependencies_conditions_tags_alias_imports)
{
	char *s = deps_after("{}");
	cr_assert_str_eq(s, "a,bee fromb={\"keep\":\"parent\",\"more\":1} s", "%s", s);
	free(s);
	s = deps_after("{\"a\":{\"enabled\":false}}");
	cr_assert_str_eq(s, "bee fromb={\"keep\":\"parent\",\"more\":1} s", "%s", s);
	free(s);
	s = deps_after("{\"x\":{\"on\":false},\"tags\":{\"front\":true}}");
	cr_assert_str_eq(s, "bee fromb={\"keep\":\"parent\",\"more\":1} s", "%s", s);
	free(s);
	s = deps_after("{\"a\":{\"enabled\":\"yes\"},\"tags\":{\"front\":false,\"back\":false}}");
	cr_assert_str_eq(s, " fromb={\"keep\":\"parent\"}", "non-bool condition falls to tags: %s", s);
	free(s);
}

/* helm_render_chart, as kustomize's helmCharts and Argo CD call it: the
 * printed stream parsed into resources */
Test(helm_render, render_chart_into_resources)
{
	struct vfs *fs = vfs_disk(NULL);
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	struct helm_template_opts o = { 0 };
	o.chart = MC_SOURCE_DIR "/golden/template/subcharts/in/app";
	o.release_name = "web";
	o.namespace_ = "apps";
	struct ir_node *vals = json(&ctx, "{\"database\":{\"port\":7000}}");
	o.values = vals;
	struct ir_reslist res = { 0 };
	struct sbuf text = SBUF_INIT;
	cr_assert_eq(helm_render_chart(&ctx, &o, &text, &res), 0);
	cr_assert_eq(res.len, 2);
	cr_assert_str_eq(res.items[0]->id.kind->s, "ConfigMap");
	cr_assert_str_eq(res.items[0]->id.name->s, "web-config");
	cr_assert_str_eq(res.items[1]->id.kind->s, "Service");
	cr_assert_eq(ir_map_getc(ir_path(res.items[1]->body, "spec/ports")->seq.items[0], "port")->type, IR_INT);
	cr_assert(strstr(text.buf, "# Source: app/charts/database/templates/svc.yaml\n"));
	cr_assert(strstr(text.buf, "  - port: 7000\n"));
	sbuf_release(&text);
	mc_ctx_release(&ctx);
	vfs_destroy(fs);
}

/* engine.go parses everything into template.New("gotpl") and include calls
 * t.ExecuteTemplate on it (tpl on a clone of it), so a missing name reads
 * `no template "x" associated with template "gotpl"`, whichever template
 * the include sits in. */
Test(helm_render, include_of_a_missing_template_names_gotpl)
{
	static const char *const texts[] = {
		"{{define \"h\"}}{{include \"nope\" .}}{{end}}{{include \"h\" .}}",
		"{{tpl \"{{include \\\"nope\\\" .}}\" .}}",
	};
	for (size_t i = 0; i < 2; i++) {
		struct mc_ctx ctx;
		mc_ctx_init(&ctx, NULL);
		struct helm_file f = { 0 };
		f.name = "c/templates/t.yaml";
		f.data = texts[i];
		f.len = strlen(texts[i]);
		struct gt_value dot = gt_map_new(&ctx.arena, NULL);
		struct helm_rendered_vec out = { 0 };
		cr_assert_neq(helm_render_templates(&ctx, &f, &dot, 1, 3, false, &out), 0);
		cr_assert_eq(ctx.diag.len, 1);
		cr_assert(strstr(ctx.diag.msgs[0].msg,
			"error calling include: template: no template \"nope\" associated with template \"gotpl\"") != NULL,
			"%s", ctx.diag.msgs[0].msg);
		mc_ctx_release(&ctx);
	}
}

static char *render_error(const char *text, int major)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct helm_file f = { 0 };
	f.name = "c/templates/t.yaml";
	f.data = text;
	f.len = strlen(text);
	struct gt_value dot = gt_map_new(&ctx.arena, NULL);
	struct helm_rendered_vec out = { 0 };
	cr_assert_neq(helm_render_templates(&ctx, &f, &dot, 1, major, false, &out), 0);
	cr_assert_eq(ctx.diag.len, 1);
	char *m = strdup(ctx.diag.msgs[0].msg);
	mc_ctx_release(&ctx);
	return m;
}

/* Helm 4's reformatExecErrorMsg: one paragraph per template error of the
 * chain; kept as Go wrote it when a link is a function's own error. */
Test(helm_render, helm4_error_trace)
{
	const char *tpl = "{{define \"h\"}}{{ .a.b }}{{end}}x {{ include \"h\" . }}";
	char *m3 = render_error(tpl, 3), *m4 = render_error(tpl, 4);
	cr_assert_str_eq(m3, "template: c/templates/t.yaml:1:36: executing \"c/templates/t.yaml\" at <include \"h\" .>: "
		"error calling include: template: c/templates/t.yaml:1:19: executing \"h\" at <.a.b>: "
		"nil pointer evaluating interface {}.b");
	cr_assert_str_eq(m4, "c/templates/t.yaml:1:36\n  executing \"c/templates/t.yaml\" at <include \"h\" .>:\n"
		"    error calling include:\nc/templates/t.yaml:1:19\n  executing \"h\" at <.a.b>:\n"
		"    nil pointer evaluating interface {}.b");
	free(m3);
	free(m4);
	m4 = render_error("{{ include \"h\" . }}{{define \"h\"}}{{ mustRegexMatch \"[\" \"a\" }}{{end}}", 4);
	cr_assert(!strncmp(m4, "template: c/templates/t.yaml:1:3: executing", 43), "%s", m4);
	free(m4);
}
