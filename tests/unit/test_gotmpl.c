/* Unit tests: the Go template engine (lexer, parser, execution, built-ins).
 * Expected texts are what Go's text/template prints (go1.26 rules); the
 * data is YAML read as JSON-typed Go values (ints stay Go ints). */
#include "testutil.h"

#include "mc/gotmpl.h"

struct rr {
	int rc;
	char *out; /* output, or the error message when rc != 0 */
};

static struct rr render_opts(enum gt_funcset fs, const char *tpl, const char *yaml,
	enum gt_missingkey mk)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct gt_value dot = gt_invalid();
	if (yaml) {
		struct ir_docs docs;
		cr_assert_eq(tu_load(&ctx, yaml, YAML_V3, 0, &docs), 0, "bad test data");
		dot = gt_from_ir(&ctx.arena, docs.len ? docs.items[0] : NULL, GT_NUM_JSON);
	}
	struct gt_set *set = gt_set_new(&ctx, fs);
	struct gt_src src = { .name = "t", .text = tpl, .len = strlen(tpl) };
	struct gt_error err;
	struct sbuf out = SBUF_INIT;
	struct gt_exec_opts o = { .missingkey = mk };
	struct rr r;
	r.rc = gt_parse(set, &src, &err);
	if (!r.rc)
		r.rc = gt_exec(set, "t", dot, &o, &out, &err);
	r.out = r.rc ? xstrdup(err.msg) : sbuf_detach(&out, NULL);
	sbuf_release(&out);
	mc_ctx_release(&ctx);
	return r;
}

static struct rr render(enum gt_funcset fs, const char *tpl, const char *yaml)
{
	return render_opts(fs, tpl, yaml, GT_MISSING_DEFAULT);
}

#define OK(fs, tpl, yaml, want) do { \
		struct rr r_ = render(fs, tpl, yaml); \
		cr_assert_eq(r_.rc, 0, "%s: error %s", tpl, r_.out); \
		cr_assert_str_eq(r_.out, want, "%s", tpl); \
		free(r_.out); \
	} while (0)

#define ERR(fs, tpl, yaml, want) do { \
		struct rr r_ = render(fs, tpl, yaml); \
		cr_assert_neq(r_.rc, 0, "%s: expected an error, got %s", tpl, r_.out); \
		cr_assert_str_eq(r_.out, want, "%s", tpl); \
		free(r_.out); \
	} while (0)

#define GO GT_FUNCS_GO

/* ---- lexer and parser ---- */

Test(gotmpl_lex, trim_markers)
{
	OK(GO, "a  {{- 1 -}}  b", NULL, "a1b");
	OK(GO, "a {{-3}} b", NULL, "a -3 b");
	OK(GO, "x\n\t{{- /* c */ -}}\n y", NULL, "xy");
	OK(GO, "{{/* comment */}}z", NULL, "z");
}

Test(gotmpl_lex, numbers)
{
	OK(GO, "{{0x1F}} {{0o17}} {{0b101}} {{1_000}} {{'a'}} {{1.5e3}} {{017}}", NULL,
		"31 15 5 1000 97 1500 15");
	OK(GT_FUNCS_SPRIG, "{{typeOf 1}} {{typeOf 1.0}} {{typeOf 'x'}} {{typeOf 1i}} {{typeOf 0x1p4}}",
		NULL, "int float64 int complex128 float64");
	ERR(GO, "{{1_}}", NULL, "template: t:1: illegal number syntax: \"1_\"");
	ERR(GO, "{{9999999999999999999999}}", NULL,
		"template: t:1: integer overflow: \"9999999999999999999999\"");
	ERR(GO, "{{3x}}", NULL, "template: t:1: bad number syntax: \"3x\"");
}

Test(gotmpl_lex, strings)
{
	OK(GO, "{{\"a\\tb\\u00e9\"}}|{{`raw\\n`}}", NULL, "a\tb\xc3\xa9|raw\\n");
	ERR(GO, "{{\"abc}}", NULL, "template: t:1: unterminated quoted string");
	ERR(GO, "{{'ab'}}", NULL, "template: t:1: malformed character constant: 'ab'");
}

Test(gotmpl_parse, errors)
{
	ERR(GO, "{{if 1}}x", NULL, "template: t:1: unexpected EOF");
	ERR(GO, "{{end}}", NULL, "template: t:1: unexpected {{end}}");
	ERR(GO, "{{nosuch 1}}", NULL, "template: t:1: function \"nosuch\" not defined");
	ERR(GO, "{{$x}}", NULL, "template: t:1: undefined variable \"$x\"");
	ERR(GO, "{{break}}", NULL, "template: t:1: {{break}} outside {{range}}");
	ERR(GO, "{{1 | 2}}", NULL, "template: t:1: non executable command in pipeline stage 2");
	ERR(GO, "{{\"x\".y}}", NULL, "template: t:1: unexpected . after term \"\\\"x\\\"\"");
	ERR(GO, "\n\n{{(1}}", NULL, "template: t:3: unclosed left paren");
	ERR(GO, "{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}", NULL,
		"template: t:1: template: multiple definition of template \"a\"");
}

Test(gotmpl_parse, nesting_is_capped)
{
	struct sbuf sb = SBUF_INIT;
	for (int i = 0; i < 3000; i++)
		sbuf_adds(&sb, "{{if 1}}");
	struct rr r = render(GO, sb.buf, NULL);
	cr_assert_neq(r.rc, 0);
	cr_assert(strstr(r.out, "max nesting depth exceeded") != NULL, "%s", r.out);
	free(r.out);
	sbuf_release(&sb);
}

/* ---- execution ---- */

Test(gotmpl_exec, fields_nil_and_missing)
{
	OK(GO, "{{.a.b}}", "a: {b: 1}", "1");
	OK(GO, "{{.missing}}|{{.missing.x}}", "a: 1", "<no value>|<no value>");
	ERR(GO, "{{.n.x}}", "n: null", "template: t:1:4: executing \"t\" at <.n.x>: nil pointer evaluating interface {}.x");
	OK(GO, "{{.n}}|{{print .n}}", "n: null", "<no value>|<nil>");
	ERR(GO, "{{.a.b}}", "a: 3", "template: t:1:4: executing \"t\" at <.a.b>: can't evaluate field b in type int");
}

Test(gotmpl_exec, missingkey_modes)
{
	struct rr r = render_opts(GO, "{{.missing}}", "a: 1", GT_MISSING_ZERO);
	cr_assert_str_eq(r.out, "<no value>");
	free(r.out);
	r = render_opts(GO, "{{.missing.x}}", "a: 1", GT_MISSING_ZERO);
	cr_assert_str_eq(r.out, "template: t:1:10: executing \"t\" at <.missing.x>: nil pointer evaluating interface {}.x");
	free(r.out);
	r = render_opts(GO, "{{.missing}}", "a: 1", GT_MISSING_ERROR);
	cr_assert_str_eq(r.out, "template: t:1:2: executing \"t\" at <.missing>: map has no entry for key \"missing\"");
	free(r.out);
}

Test(gotmpl_exec, control)
{
	OK(GO, "{{if .a}}A{{else if .b}}B{{else}}C{{end}}", "b: 1", "B");
	OK(GO, "{{with .a}}{{.}}{{else with .b}}b{{.}}{{end}}", "b: 2", "b2");
	OK(GO, "{{range $i, $v := .l}}{{$i}}={{$v}};{{else}}none{{end}}", "l: [x, y]", "0=x;1=y;");
	OK(GO, "{{range .l}}x{{else}}none{{end}}", "l: []", "none");
	OK(GO, "{{range $k, $v := .m}}{{$k}}{{$v}}{{end}}", "m: {b: 2, a: 1, c: 3}", "a1b2c3");
	OK(GO, "{{range .l}}{{if eq . 3}}{{break}}{{end}}{{if eq . 1}}{{continue}}{{end}}{{.}}{{end}}",
		"l: [0, 1, 2, 3, 4]", "02");
	OK(GO, "{{range 3}}{{.}}{{end}}", NULL, "012");
	ERR(GO, "{{range $i, $e := 3}}{{end}}", NULL,
		"template: t:1:18: executing \"t\" at <3>: can't use 3 to iterate over more than one variable");
	OK(GO, "{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", NULL, "2");
	OK(GO, "{{define \"T\"}}<{{.}}>{{end}}{{template \"T\" \"a\"}}{{block \"B\" 1}}[{{.}}]{{end}}", NULL,
		"<a>[1]");
	ERR(GO, "{{template \"nope\"}}", NULL, "template: t:1:11: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined");
}

Test(gotmpl_exec, and_or_not)
{
	OK(GO, "{{and 1 0 2}}|{{or 0 \"\" 3}}|{{and 1 2}}|{{or 0 \"\"}}|{{not 0}}", NULL, "0|3|2||true");
	/* short-circuit: the failing field is never evaluated */
	OK(GO, "{{or 1 .a.b.c}}", "a: null", "1");
}

Test(gotmpl_exec, comparisons)
{
	OK(GO, "{{eq 1 1}} {{eq 1 2 1}} {{ne \"a\" \"b\"}} {{lt 1 2}} {{le 2 2}} {{gt 1.5 1.2}} {{ge \"b\" \"a\"}}",
		NULL, "true true true true true true true");
	OK(GO, "{{eq .n nil}} {{eq .s nil}}", "n: null\ns: x", "true false");
	ERR(GO, "{{lt 1 1.5}}", NULL,
		"template: t:1:2: executing \"t\" at <lt 1 1.5>: error calling lt: incompatible types for comparison: int and float64");
	ERR(GO, "{{lt true false}}", NULL,
		"template: t:1:2: executing \"t\" at <lt true false>: error calling lt: invalid type for comparison");
	ERR(GO, "{{eq .m .m}}", "m: {a: 1}",
		"template: t:1:2: executing \"t\" at <eq .m .m>: error calling eq: non-comparable type map[a:1]: map[string]interface {}");
}

Test(gotmpl_exec, builtins)
{
	OK(GO, "{{index .l 1}} {{index .m \"k\"}} {{index .m \"z\"}} {{len .l}} {{len \"héllo\"}}",
		"l: [a, b]\nm: {k: v}", "b v <no value> 2 6");
	OK(GO, "{{slice \"abcdef\" 1 3}} {{slice .l 1}}", "l: [1, 2, 3]", "bc [2 3]");
	ERR(GO, "{{index .l 5}}", "l: [1]",
		"template: t:1:2: executing \"t\" at <index .l 5>: error calling index: index out of range: 5");
	OK(GO, "{{html \"<a href='x'>&\"}} {{js \"a'b<\"}} {{urlquery \"a b&c\"}}", NULL,
		"&lt;a href=&#39;x&#39;&gt;&amp; a\\'b\\u003C a+b%26c");
	OK(GO, "{{print 1 2 \"a\" \"b\" 3}}|{{println 1 \"x\"}}", NULL, "1 2ab3|1 x\n");
	ERR(GO, "{{len 3}}", NULL, "template: t:1:2: executing \"t\" at <len 3>: error calling len: len of type int");
}

Test(gotmpl_exec, argument_types)
{
	/* a literal converts to the parameter type; data must match it */
	OK(GT_FUNCS_SPRIG, "{{repeat 3 \"ab\"}}", NULL, "ababab");
	ERR(GT_FUNCS_SPRIG, "{{repeat .n \"ab\"}}", "n: 1.5",
		"template: t:1:9: executing \"t\" at <.n>: wrong type for value; expected int; got float64");
	ERR(GT_FUNCS_SPRIG, "{{upper 3}}", NULL,
		"template: t:1:8: executing \"t\" at <3>: expected string; found 3");
	ERR(GO, "{{printf}}", NULL,
		"template: t:1:2: executing \"t\" at <printf>: wrong number of args for printf: want at least 1 got 0");
}

/* ---- fmt ---- */

Test(gotmpl_fmt, verbs)
{
	OK(GO, "{{printf \"%d|%5d|%-5d|%05d|%x|%X|%o|%O|%b|%c|%U|%#U\" 42 42 42 -42 255 255 8 8 5 65 65 233}}",
		NULL, "42|   42|42   |-0042|ff|FF|10|0o10|101|A|U+0041|U+00E9 'é'");
	OK(GO, "{{printf \"%s|%q|%10.3s|%x|% x|%#x\" \"hi\" \"a\\\"b\" \"abcdef\" \"hi\" \"hi\" \"hi\"}}", NULL,
		"hi|\"a\\\"b\"|       abc|6869|68 69|0x6869");
	OK(GO, "{{printf \"%v|%.2f|%e|%g|%G|%8.3f|%+d|%t\" 1e6 3.14159 1234.5678 0.000012 1e21 2.5 5 true}}",
		NULL, "1e+06|3.14|1.234568e+03|1.2e-05|1E+21|   2.500|+5|true");
	OK(GO, "{{printf \"%T %T %T %T\" 1 \"a\" .l .m}}", "l: [1]\nm: {a: 1}",
		"int string []interface {} map[string]interface {}");
	OK(GO, "{{printf \"%v %v\" .m .l}}", "m: {b: [1, {c: null}], a: x}\nl: [1, 2.5, null]",
		"map[a:x b:[1 map[c:<nil>]]] [1 2.5 <nil>]");
	OK(GO, "{{printf \"%[2]d %[1]d\" 1 2}}|{{printf \"%*d|%.*f\" 4 7 2 3.14159}}", NULL, "2 1|   7|3.14");
	/* after an index, later verbs continue from there (Go's reordering) */
	OK(GO, "{{printf \"%[2]d %[1]d|%*d\" 1 2 4 7}}", NULL, "2 1| 4");
}

Test(gotmpl_fmt, errors)
{
	OK(GO, "{{printf \"%d\" \"x\"}}|{{printf \"%d\"}}|{{printf \"x\" 1 \"y\"}}|{{printf \"%!\"}}|{{printf \"%z\" 3}}",
		NULL, "%!d(string=x)|%!d(MISSING)|x%!(EXTRA int=1, string=y)|%!!(MISSING)|%!z(int=3)");
	OK(GO, "{{printf \"%\"}}|{{printf \"%-\" 1}}", NULL, "%!(NOVERB)|%!(NOVERB)%!(EXTRA int=1)");
	OK(GO, "{{printf \"%d\" nil}}|{{printf \"%s\" 1.5}}", NULL, "%!d(<nil>)|%!s(float64=1.5)");
}

/* ---- API ---- */

static int f_twice(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	if (a[0].i < 0)
		return gt_call_errorf(c, "negative: %lld", (long long)a[0].i);
	*ret = gt_int(a[0].i * 2);
	return 0;
}

static int f_inc(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret)
{
	(void)n;
	struct sbuf out = SBUF_INIT;
	struct gt_error err;
	if (gt_call_exec(c, gt_call_set(c), "sub", a[0], &out, &err)) {
		sbuf_release(&out);
		return gt_call_error(c, err.msg);
	}
	*ret = gt_sbuf_value(gt_call_arena(c), &out);
	sbuf_release(&out);
	return 0;
}

static const struct gt_func test_funcs[] = {
	{ "twice", f_twice, 1, false, { &gt_t_int }, NULL },
	{ "inc", f_inc, 1, false, { NULL }, NULL },
};

Test(gotmpl_api, functions_and_nested_execution)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct gt_set *set = gt_set_new(&ctx, GT_FUNCS_GO);
	gt_set_add_funcs(set, test_funcs, 2);
	const char *t = "{{define \"sub\"}}[{{.}}]{{end}}{{twice 21}} {{inc \"x\"}} {{twice -1}}";
	struct gt_src src = { .name = "main", .text = t, .len = strlen(t) };
	struct gt_error err;
	cr_assert_eq(gt_parse(set, &src, &err), 0);
	struct sbuf out = SBUF_INIT;
	cr_assert_eq(gt_exec(set, "main", gt_invalid(), NULL, &out, &err), -1);
	cr_assert_str_eq(out.buf, "42 [x] ");
	cr_assert_str_eq(err.msg, "template: main:1:57: executing \"main\" at <twice -1>: error calling twice: negative: -1");
	cr_assert_eq(err.pos.line, 1);
	cr_assert_eq(err.pos.col, 58);
	sbuf_release(&out);
	mc_ctx_release(&ctx);
}

Test(gotmpl_api, maps_are_references)
{
	OK(GT_FUNCS_SPRIG, "{{$d := dict \"a\" 1}}{{$_ := set $d \"b\" 2}}{{$d}} {{$l := list 1}}{{$m := append $l 2}}{{$l}} {{$m}}",
		NULL, "map[a:1 b:2] [1] [1 2]");
}

Test(gotmpl_api, ir_round_trip)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs docs;
	cr_assert_eq(tu_load(&ctx, "b: [1, 2.5, x, null]\na: {c: true}\n", YAML_V3, 0, &docs), 0);
	struct gt_value v = gt_from_ir(&ctx.arena, docs.items[0], GT_NUM_FLOAT64);
	cr_assert_eq(gt_map_get(v.m, "b", 1)->l->items[0].t, &gt_t_float64);
	struct sbuf out = SBUF_INIT;
	const char *err;
	cr_assert_eq(gt_to_yaml(&ctx, v, &out, &err), 0);
	cr_assert_str_eq(out.buf, "a:\n  c: true\nb:\n- 1\n- 2.5\n- x\n- null");
	sbuf_release(&out);
	mc_ctx_release(&ctx);
}

Test(gotmpl_api, overlay_does_not_change_parent)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct gt_set *set = gt_set_new(&ctx, GT_FUNCS_GO);
	const char *t = "{{define \"x\"}}parent{{end}}";
	struct gt_src src = { .name = "p", .text = t, .len = strlen(t) };
	struct gt_error err;
	cr_assert_eq(gt_parse(set, &src, &err), 0);
	struct gt_set *ov = gt_set_overlay(set, NULL);
	const char *t2 = "{{define \"x\"}}child{{end}}{{template \"x\"}}";
	struct gt_src src2 = { .name = "c", .text = t2, .len = strlen(t2) };
	cr_assert_eq(gt_parse(ov, &src2, &err), 0);
	struct sbuf out = SBUF_INIT;
	cr_assert_eq(gt_exec(ov, "c", gt_invalid(), NULL, &out, &err), 0);
	cr_assert_str_eq(out.buf, "child");
	sbuf_reset(&out);
	cr_assert_eq(gt_exec(set, "x", gt_invalid(), NULL, &out, &err), 0);
	cr_assert_str_eq(out.buf, "parent");
	cr_assert(!gt_defined(set, "c"));
	sbuf_release(&out);
	mc_ctx_release(&ctx);
}

/* strings.TrimSpace and strconv.Quote, shared with Helm's renderer. */
Test(gotmpl_api, trim_space_and_quote)
{
	const char *s = "\xe2\x80\x83 \t a b\n\xc2\x85\xe3\x80\x80";
	size_t n = strlen(s);
	go_trim_space(&s, &n);
	cr_assert_eq(n, 3);
	cr_assert(!memcmp(s, "a b", 3));
	s = " \xff x";
	n = strlen(s);
	go_trim_space(&s, &n);
	cr_assert_eq(n, 3, "an invalid byte is not a space");
	s = " \n";
	n = 2;
	go_trim_left_space(&s, &n);
	cr_assert_eq(n, 0);
	cr_assert(go_is_blank("\r\n\xe2\x80\xa8", 5));
	cr_assert_not(go_is_blank("\xe2\x80\x8b", 3), "U+200B is not a space");
	struct arena a = ARENA_INIT;
	cr_assert_str_eq(go_quote_a(&a, "a\"\x01\xff\xe2\x80\x8b\xc3\xa9"),
		"\"a\\\"\\x01\\xff\\u200b\xc3\xa9\"");
	arena_release(&a);
}
