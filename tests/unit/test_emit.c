/* Unit tests: the kustomize-exact YAML emitter and the JSON emitter.
 * Expected bytes below were printed by `kubectl kustomize` (v5.5.0). */
#include "testutil.h"

static void emits(const char *in, const char *want)
{
	char *got = tu_roundtrip(in, YAML_V3);
	cr_assert_str_eq(got, want);
	free(got);
}

Test(emit, key_order_is_natural)
{
	emits("a10: x\na9: y\nB: z\n_x: u\n\"10\": a\n\"9\": b\n",
	      "_x: u\n\"9\": b\n\"10\": a\nB: z\na9: \"y\"\na10: x\n");
}

Test(emit, numbers_through_json)
{
	emits("a: 1.0\nb: 1e3\nc: 0x10\nd: 010\ne: 12345678901234567890\nf: 123456789012345678901234\n"
	      "g: 1e21\nh: 1e20\ni: 1.0e-7\nj: -0\n",
	      "a: 1\nb: 1000\nc: 16\nd: 8\ne: 12345678901234567890\nf: 1.2345678901234569e+23\n"
	      "g: 1e+21\nh: 1e+20\ni: 1e-07\nj: 0\n");
}

/* Whole documents: inputs wrapped in a ConfigMap, outputs as kubectl printed them. */
static void emits_cm(const char *data, const char *want_data)
{
	struct sbuf in = SBUF_INIT, want = SBUF_INIT;
	sbuf_adds(&in, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n");
	for (const char *p = data; *p;) {
		const char *e = strchr(p, '\n');
		sbuf_adds(&in, "  ");
		sbuf_add(&in, p, (size_t)(e - p + 1));
		p = e + 1;
	}
	sbuf_adds(&want, "apiVersion: v1\ndata:\n");
	sbuf_adds(&want, want_data);
	sbuf_adds(&want, "kind: ConfigMap\nmetadata:\n  name: x\n");
	emits(in.buf, want.buf);
	sbuf_release(&in);
	sbuf_release(&want);
}

Test(emit, quoting)
{
	emits_cm("a: \"1:20\"\nb: \"a #b\"\nc: \"*x\"\nd: \" lead\"\ne: \"\"\nf: \"yes\"\ng: \"0777\"\n"
	      "h: \"1_0\"\ni: it's\nj: \"- x\"\nk: \"'x\"\nl: \"a\\tb\"\nm: \"NULL\"\nn: \"2020-01-01\"\n",
	      "  a: \"1:20\"\n  b: 'a #b'\n  c: '*x'\n  d: ' lead'\n  e: \"\"\n  f: \"yes\"\n  g: \"0777\"\n"
	      "  h: \"1_0\"\n  i: it's\n  j: '- x'\n  k: '''x'\n  l: \"a\\tb\"\n  m: \"NULL\"\n"
	      "  \"n\": \"2020-01-01\"\n");
}

Test(emit, timestamps_and_booleans)
{
	emits_cm("t1: 2020-01-01\nt2: 2001-12-14t21:59:43.10-05:00\nb1: True\nb2: yes\nn: ~\n",
	      "  b1: true\n  b2: \"yes\"\n  \"n\": null\n  t1: \"2020-01-01T00:00:00Z\"\n"
	      "  t2: \"2001-12-14T21:59:43.1-05:00\"\n");
}

Test(emit, folding_at_80_columns)
{
	emits_cm("s: \"This is a very long line of text that should be folded by the yaml emitter "
	      "at eighty columns of width, really.\"\n",
	      "  s: This is a very long line of text that should be folded by the yaml emitter at\n"
	      "    eighty columns of width, really.\n");
}

Test(emit, block_scalars)
{
	emits("a: \"line1\\nline2\\n\"\nb: \"line1\\nline2\"\nc: \"\\n\\nfoo\"\nd: \"foo\\n\\n\\n\"\n"
	      "e: \"x  \\ny\"\n",
	      "a: |\n  line1\n  line2\nb: |-\n  line1\n  line2\nc: |2-\n\n\n  foo\n"
	      "d: |+\n  foo\n\n\ne: \"x  \\ny\"\n");
}

Test(emit, collections)
{
	emits("seq: [a, {b: c, a: d}, [1, 2], [], {}]\nm: {}\n",
	      "m: {}\nseq:\n- a\n- a: d\n  b: c\n- - 1\n  - 2\n- []\n- {}\n");
}

Test(emit, round_trip_is_a_fixed_point)
{
	const char *in = "kind: ConfigMap\nmetadata: {name: x, labels: {a: '1'}}\n"
		"data: {k: \"multi\\nline\", n: 5, f: 2.5, b: false, s: '[x]'}\n";
	char *once = tu_roundtrip(in, YAML_V3);
	char *twice = tu_roundtrip(once, YAML_V3);
	cr_assert_str_eq(once, twice, "emit(parse(emit(x))) == emit(x)");
	/* parse(emit(x)) equals x as a tree */
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs a, b;
	cr_assert_eq(tu_load(&ctx, in, YAML_V3, 0, &a), 0);
	cr_assert_eq(tu_load(&ctx, once, YAML_V3, 0, &b), 0);
	cr_assert(ir_equal(a.items[0], b.items[0]));
	mc_ctx_release(&ctx);
	free(once);
	free(twice);
}

Test(emit, nan_is_an_error)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx, "a: .nan\n", YAML_V3, 0, &d), 0);
	struct sbuf out = SBUF_INIT;
	const char *err = NULL;
	cr_assert_eq(emit_yaml(&out, d.items[0], &err), -1);
	cr_assert_str_eq(err, "json: unsupported value: NaN");
	cr_assert_eq(out.len, 0, "nothing written on error");
	sbuf_release(&out);
	mc_ctx_release(&ctx);
}

Test(emit, json)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx, "b: [1, 2.5, 0.1]\na: {}\nc: \"q\\\"\\u2028\\n\"\nd: []\ne: null\n",
		YAML_V3, 0, &d), 0);
	struct sbuf out = SBUF_INIT;
	cr_assert_eq(emit_json(&out, d.items[0], 0, NULL), 0);
	cr_assert_str_eq(out.buf,
		"{\n  \"a\": {},\n  \"b\": [\n    1,\n    2.5,\n    0.1\n  ],\n"
		"  \"c\": \"q\\\"\\u2028\\n\",\n  \"d\": [],\n  \"e\": null\n}");
	sbuf_reset(&out);
	cr_assert_eq(emit_json(&out, d.items[0], EMIT_JSON_COMPACT, NULL), 0);
	cr_assert_str_eq(out.buf, "{\"a\":{},\"b\":[1,2.5,0.1],\"c\":\"q\\\"\\u2028\\n\",\"d\":[],\"e\":null}");
	sbuf_release(&out);
	mc_ctx_release(&ctx);
}

/* encoding/json's string escaping (Go 1.22+), with and without HTML. */
Test(emit, json_quote)
{
	struct sbuf out = SBUF_INIT;
	const char s[] = "<a&b>\b\f\x01\xff\xe2\x80\xa9\"\\\t";
	emit_json_quote(&out, s, sizeof s - 1, 0);
	cr_assert_str_eq(out.buf, "\"<a&b>\\b\\f\\u0001\\ufffd\\u2029\\\"\\\\\\t\"");
	sbuf_reset(&out);
	emit_json_quote(&out, s, sizeof s - 1, EMIT_JSON_HTML);
	cr_assert_str_eq(out.buf,
		"\"\\u003ca\\u0026b\\u003e\\b\\f\\u0001\\ufffd\\u2029\\\"\\\\\\t\"");
	sbuf_reset(&out);
	emit_json_string(&out, "\xc3\xa9", 2);
	cr_assert_str_eq(out.buf, "\"\xc3\xa9\"");
	sbuf_release(&out);
}

Test(emit, keycmp_properties)
{
	struct arena a = ARENA_INIT;
	struct strtab t;
	strtab_init(&t, &a);
	const char *ordered[] = { "_x", "1", "2", "10", "A", "B", "a", "a1", "a2", "a10", "b" };
	size_t n = sizeof ordered / sizeof *ordered;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int c = emit_keycmp(str_intern0(&t, ordered[i]), str_intern0(&t, ordered[j]));
			cr_assert(i < j ? c < 0 : i > j ? c > 0 : c == 0, "%s vs %s", ordered[i], ordered[j]);
		}
	strtab_release(&t);
	arena_release(&a);
}

/* The direct writer and libyaml must agree on every document we can find:
 * the golden inputs, the fuzz seeds and, when ../shared exists, every YAML
 * file of the conformance suites. */
#include <dirent.h>
#include <sys/stat.h>

static size_t compared;

static void compare_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return;
	struct sbuf text = SBUF_INIT;
	char buf[8192];
	size_t r;
	while ((r = fread(buf, 1, sizeof buf, fp)) > 0)
		sbuf_add(&text, buf, r);
	fclose(fp);
	for (int schema = 0; schema < 2; schema++) {
		struct mc_ctx ctx;
		mc_ctx_init(&ctx, NULL);
		const struct srcfile *f = srcfile_mem(&ctx, path, text.buf, text.len);
		struct yaml_opts o = { .schema = schema ? YAML_V2 : YAML_V3, .flags = YAML_DUPKEYS_OK };
		struct ir_docs docs = { 0 };
		if (yaml_load(&ctx, f, &o, &docs) == 0) {
			for (size_t i = 0; i < docs.len; i++) {
				struct sbuf a = SBUF_INIT, b = SBUF_INIT;
				const char *ea = NULL, *eb = NULL;
				int ra = emit_yaml(&a, docs.items[i], &ea);
				int rb = emit_yaml_libyaml(&b, docs.items[i], &eb);
				cr_assert_eq(ra, rb, "%s doc %zu: status differs", path, i);
				cr_assert(a.len == b.len && !memcmp(a.buf, b.buf, a.len),
					"%s doc %zu: direct writer differs from libyaml\n--- libyaml\n%s--- direct\n%s",
					path, i, b.buf, a.buf);
				compared++;
				sbuf_release(&a);
				sbuf_release(&b);
			}
		}
		mc_ctx_release(&ctx);
	}
	sbuf_release(&text);
}

static void walk(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (!d || depth > 12) {
		if (d)
			closedir(d);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(p, depth + 1);
		else if (S_ISREG(st.st_mode) && st.st_size < (4 << 20)) {
			size_t n = strlen(p);
			if ((n > 5 && !strcmp(p + n - 5, ".yaml")) || (n > 4 && !strcmp(p + n - 4, ".yml")) ||
			    (n > 5 && !strcmp(p + n - 5, ".json")))
				compare_file(p);
		}
	}
	closedir(d);
}

Test(emit, direct_writer_agrees_with_libyaml, .timeout = 600)
{
	walk(MC_SOURCE_DIR "/golden", 0);
	walk(MC_SOURCE_DIR "/tests/fuzz/corpus", 0);
	walk(MC_SOURCE_DIR "/examples", 0);
	walk(MC_SOURCE_DIR "/../shared/conformance", 0);
	if (getenv("MC_EMIT_EXTRA"))
		walk(getenv("MC_EMIT_EXTRA"), 0);
	cr_assert_gt(compared, 100, "too few documents compared (%zu)", compared);
}
