/* Unit tests: the YAML loader (positions, errors, aliases, merge keys,
 * duplicate keys, caps and scalar resolution). */
#include "testutil.h"

Test(yaml, positions_of_every_node)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx, "a: 1\nb:\n  - x\n  - {c: d}\n", YAML_V3, 0, &d), 0);
	cr_assert_eq(d.len, 1);
	struct ir_node *root = d.items[0];
	cr_assert_eq(root->pos.line, 1);
	struct ir_node *b = ir_map_getc(root, "b");
	cr_assert(ir_is_seq(b));
	cr_assert_eq(b->pos.line, 3);
	cr_assert_eq(b->pos.col, 3);
	struct ir_node *x = b->seq.items[0];
	cr_assert_eq(x->pos.line, 3);
	cr_assert_eq(x->pos.col, 5);
	struct ir_node *c = ir_map_getc(b->seq.items[1], "c");
	cr_assert_eq(c->pos.line, 4);
	cr_assert_eq(c->pos.col, 9);
	cr_assert_eq(b->seq.items[1]->style, IR_STYLE_FLOW);
	cr_assert_eq(root->map.items[1].key->pos.line, 2, "keys keep positions");
	mc_ctx_release(&ctx);
}

Test(yaml, multi_document_and_empty_documents)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx, "a: 1\n---\n---\n# c\n---\nb: 2\n", YAML_V3, 0, &d), 0);
	cr_assert_eq(d.len, 2, "empty documents dropped");
	cr_assert_eq(tu_load(&ctx, "a: 1\n---\n---\n# c\n---\nb: 2\n", YAML_V3, YAML_KEEP_EMPTY, &d), 0);
	cr_assert_eq(d.len, 4);
	cr_assert_null(d.items[1]);
	cr_assert_eq(d.starts[3].line, 6);
	mc_ctx_release(&ctx);
}

Test(yaml, syntax_error_has_position_and_caret)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_gt(tu_load(&ctx, "a: 1\nb: [\nc: d\n", YAML_V3, 0, &d), 0);
	cr_assert_eq(diag_errors(&ctx.diag), 1);
	char *msg = tu_first_diag(&ctx);
	cr_assert(strstr(msg, "test.yaml:3:1: error: "), "got: %s", msg);
	cr_assert(strstr(msg, "| c: d\n"), "source line shown: %s", msg);
	cr_assert(strstr(msg, "| ^\n"), "caret shown: %s", msg);
	free(msg);
	mc_ctx_release(&ctx);
}

Test(yaml, duplicate_keys)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_gt(tu_load(&ctx, "a: 1\nb: 2\na: 3\n", YAML_V3, 0, &d), 0);
	char *msg = tu_first_diag(&ctx);
	cr_assert(strstr(msg, "test.yaml:3:1: error: mapping key \"a\" already defined at line 1"),
		"got: %s", msg);
	free(msg);
	mc_ctx_release(&ctx);
	mc_ctx_init(&ctx, NULL);
	cr_assert_eq(tu_load(&ctx, "a: 1\nb: 2\na: 3\n", YAML_V2, YAML_DUPKEYS_OK, &d), 0);
	cr_assert_eq(ir_map_getc(d.items[0], "a")->s.v.i, 3, "last wins");
	cr_assert_eq(d.items[0]->map.len, 2);
	mc_ctx_release(&ctx);
}

Test(yaml, duplicate_keys_in_large_maps)
{
	struct sbuf sb = SBUF_INIT;
	for (int i = 0; i < 5000; i++)
		sbuf_printf(&sb, "k%d: %d\n", i, i);
	sbuf_adds(&sb, "k4321: again\n");
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_gt(tu_load(&ctx, sb.buf, YAML_V3, 0, &d), 0);
	char *msg = tu_first_diag(&ctx);
	cr_assert(strstr(msg, "\"k4321\" already defined at line 4322"), "got: %s", msg);
	free(msg);
	sbuf_release(&sb);
	mc_ctx_release(&ctx);
}

Test(yaml, aliases_are_copies)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx, "a: &x {p: 1}\nb: *x\n", YAML_V3, 0, &d), 0);
	struct ir_node *a = ir_map_getc(d.items[0], "a"), *b = ir_map_getc(d.items[0], "b");
	cr_assert(ir_equal(a, b));
	cr_assert_neq(a, b, "an alias is expanded into its own tree");
	mc_ctx_release(&ctx);
}

Test(yaml, alias_bomb_fails_cleanly)
{
	const char *bomb =
		"a: &a [x,x,x,x,x,x,x,x,x,x]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
		"h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n";
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_gt(tu_load(&ctx, bomb, YAML_V3, 0, &d), 0);
	char *msg = tu_first_diag(&ctx);
	cr_assert(strstr(msg, "document too large"), "got: %s", msg);
	free(msg);
	mc_ctx_release(&ctx);
}

Test(yaml, unknown_anchor)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_gt(tu_load(&ctx, "a: *nope\n", YAML_V3, 0, &d), 0);
	mc_ctx_release(&ctx);
}

Test(yaml, merge_keys)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx,
		"base: &b {x: 1, y: 2}\nother: &o {y: 9, z: 3}\n"
		"m:\n  <<: [*b, *o]\n  x: 10\n", YAML_V3, 0, &d), 0);
	struct ir_node *m = ir_map_getc(d.items[0], "m");
	cr_assert_eq(ir_map_getc(m, "x")->s.v.i, 10, "explicit keys win");
	cr_assert_eq(ir_map_getc(m, "y")->s.v.i, 2, "earlier merged maps win");
	cr_assert_eq(ir_map_getc(m, "z")->s.v.i, 3);
	cr_assert_null(ir_map_getc(m, "<<"));
	mc_ctx_release(&ctx);
}

Test(yaml, depth_cap)
{
	struct sbuf sb = SBUF_INIT;
	for (int i = 0; i < 2000; i++)
		sbuf_addc(&sb, '[');
	for (int i = 0; i < 2000; i++)
		sbuf_addc(&sb, ']');
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_gt(tu_load(&ctx, sb.buf, YAML_V3, 0, &d), 0);
	char *msg = tu_first_diag(&ctx);
	cr_assert(strstr(msg, "nested too deeply"), "got: %s", msg);
	free(msg);
	sbuf_release(&sb);
	mc_ctx_release(&ctx);
}

static enum ir_type resolve(enum yaml_schema s, const char *text, struct ir_node *n)
{
	memset(n, 0, sizeof *n);
	return yaml_resolve(s, text, strlen(text), n);
}

Test(yaml, resolution_v2_vs_v3)
{
	struct ir_node n;
	cr_assert_eq(resolve(YAML_V2, "yes", &n), IR_BOOL);
	cr_assert(n.s.v.b);
	cr_assert_eq(resolve(YAML_V3, "yes", &n), IR_STR);
	cr_assert_eq(resolve(YAML_V2, "Off", &n), IR_BOOL);
	cr_assert_eq(resolve(YAML_V3, "True", &n), IR_BOOL);
	cr_assert_eq(resolve(YAML_V3, "~", &n), IR_NULL);
	cr_assert_eq(resolve(YAML_V3, "", &n), IR_NULL);
	cr_assert_eq(resolve(YAML_V3, "0x10", &n), IR_INT);
	cr_assert_eq(n.s.v.i, 16);
	cr_assert_eq(resolve(YAML_V3, "010", &n), IR_INT);
	cr_assert_eq(n.s.v.i, 8);
	cr_assert_eq(resolve(YAML_V3, "09", &n), IR_FLOAT, "go-yaml falls back to float");
	cr_assert_eq(resolve(YAML_V3, "1_000", &n), IR_INT);
	cr_assert_eq(n.s.v.i, 1000);
	cr_assert_eq(resolve(YAML_V3, "12345678901234567890", &n), IR_INT);
	cr_assert(n.flags & IR_F_UINT);
	cr_assert_eq(resolve(YAML_V3, "123456789012345678901234", &n), IR_FLOAT);
	cr_assert_eq(resolve(YAML_V3, ".5", &n), IR_FLOAT);
	cr_assert_eq(resolve(YAML_V3, "1e", &n), IR_STR);
	cr_assert_eq(resolve(YAML_V3, "1e400", &n), IR_STR, "out of range is a string");
	cr_assert_eq(resolve(YAML_V3, "-.inf", &n), IR_FLOAT);
	cr_assert_eq(resolve(YAML_V3, "2020-01-01", &n), IR_STR);
	cr_assert(n.flags & IR_F_TIMESTAMP);
	cr_assert_eq(resolve(YAML_V2, "2020-01-01", &n), IR_STR);
	cr_assert(!(n.flags & IR_F_TIMESTAMP), "v2 keeps timestamps as plain strings");
	cr_assert_eq(resolve(YAML_V3, "2020-13-01", &n), IR_STR);
	cr_assert(!(n.flags & IR_F_TIMESTAMP), "month 13 is not a date");
	cr_assert_eq(resolve(YAML_V3, "<<", &n), IR_STR);
}

Test(yaml, explicit_tags)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx, "a: !!str 5\nb: !!int \"7\"\nc: !!float 1\nd: '5'\ne: !custom 5\n",
		YAML_V3, 0, &d), 0);
	cr_assert_eq(ir_map_getc(d.items[0], "a")->type, IR_STR);
	cr_assert_eq(ir_map_getc(d.items[0], "b")->type, IR_INT);
	cr_assert_eq(ir_map_getc(d.items[0], "c")->type, IR_FLOAT);
	cr_assert_eq(ir_map_getc(d.items[0], "d")->type, IR_STR);
	cr_assert_eq(ir_map_getc(d.items[0], "e")->type, IR_STR);
	cr_assert_gt(tu_load(&ctx, "a: !!int x\n", YAML_V3, 0, &d), 0);
	mc_ctx_release(&ctx);
}

Test(yaml, json_numbers_flag)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx, "a: 1000000\n", YAML_V2, YAML_JSON_NUMBERS, &d), 0);
	cr_assert_eq(ir_map_getc(d.items[0], "a")->type, IR_FLOAT);
	mc_ctx_release(&ctx);
}

Test(yaml, non_scalar_key_is_an_error)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_gt(tu_load(&ctx, "? [a]\n: b\n", YAML_V3, 0, &d), 0);
	mc_ctx_release(&ctx);
}

Test(yaml, invalid_utf8_is_reported_with_position)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	/* A directive with a bad byte once made libfyaml loop forever. */
	cr_assert_gt(tu_load(&ctx, "a: b\n% \xff\n", YAML_V3, 0, &d), 0);
	char *msg = tu_first_diag(&ctx);
	cr_assert(strstr(msg, "test.yaml:2:3: error: invalid UTF-8 byte 0xff"), "got: %s", msg);
	free(msg);
	mc_ctx_release(&ctx);
}

Test(yaml, control_characters_are_refused)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_gt(tu_load(&ctx, "a: 'x\x01y'\n", YAML_V3, 0, &d), 0);
	char *msg = tu_first_diag(&ctx);
	cr_assert(strstr(msg, "test.yaml:1:6: error: control characters are not allowed (U+0001)"),
		"got: %s", msg);
	free(msg);
	mc_ctx_release(&ctx);
}

/* YAML_GO_STRICT: what libyaml (go-yaml) refuses and libfyaml takes.  Each
 * verdict was checked against libyaml (PyYAML's CSafeLoader). */
Test(yaml, go_strict_tabs_and_leading_document_end)
{
	static const struct { const char *text; bool ok; } cases[] = {
		{ "a:\tb\n", true },                     /* after a simple key's ':' */
		{ "a: b\t# c\n", true },
		{ "a: [x,\tb]\n", true },                /* flow context */
		{ "a: b\t\n", true },
		{ "a: \"x\ty\"\n", true },
		{ "- \tx\n", false },                    /* after '-' */
		{ "a:\n-\tb\n", false },
		{ "? \ta\n: b\n", false },               /* after '?' */
		{ "? a\n:\tb\n", false },                /* after a complex key's ':' */
		{ "a:\n  b: 1\n  \t# c\n", false },      /* leading blanks, block context */
		{ "a: 'x'\n\t\nb: 2\n", false },
		{ "a: 1\n \t\n", true },                 /* at the plain scalar's indentation */
		{ "a:\n  c: plain\n  \t   more\n", false }, /* below it */
		{ "a: |\n  x\n\ty\n", false },           /* block scalar indentation */
		{ "a: |\n  x\n  \ty\n", true },          /* content */
		{ "a: b\n\t", false },
		{ "...\n", false },                      /* before the first document */
		{ "# c\n...\n---\na: 1\n", false },
		{ "a: 1\n...\n---\nb: 2\n...\n", true },
		{ "---\n...\n", true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mc_ctx ctx;
		mc_ctx_init(&ctx, NULL);
		struct ir_docs d;
		int errs = tu_load(&ctx, cases[i].text, YAML_V2, YAML_GO_STRICT, &d);
		cr_assert_eq(errs == 0, cases[i].ok, "%s: %s", cases[i].text,
			errs ? ctx.diag.msgs[0].msg : "accepted");
		mc_ctx_release(&ctx);
	}
}

/* An empty entry of an indentless sequence is null (libfyaml 0.7 refuses
 * it; the loader mends the text and parses again). */
Test(yaml, empty_entry_of_indentless_sequence)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx, "k:\n- x\n-\n-   # c\nj:\n- y\n-\n", YAML_V2, 0, &d), 0, "%s",
		ctx.diag.len ? ctx.diag.msgs[0].msg : "");
	const struct ir_node *k = ir_map_getc(d.items[0], "k"), *j = ir_map_getc(d.items[0], "j");
	cr_assert_eq(k->seq.len, 3);
	cr_assert_eq(k->seq.items[1]->type, IR_NULL);
	cr_assert_eq(k->seq.items[1]->s.text->len, 0);
	cr_assert_eq(k->seq.items[1]->pos.line, 3);
	cr_assert_eq(k->seq.items[2]->type, IR_NULL);
	cr_assert_eq(j->seq.len, 2);
	cr_assert_eq(j->seq.items[1]->type, IR_NULL);
	/* not an empty entry: the error stays */
	cr_assert_gt(tu_load(&ctx, "k:\n- x\n- ]\n", YAML_V2, 0, &d), 0);
	mc_ctx_release(&ctx);
}

/* A large multi-document text: n documents, with anchors, block scalars and
 * flow collections; bad (if not NULL) replaces document at_bad. */
static char *big_stream(size_t n, size_t at_bad, const char *bad)
{
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_adds(&sb, "---\n");
		if (bad && i == at_bad) {
			sbuf_adds(&sb, bad);
			continue;
		}
		sbuf_printf(&sb, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &n cm%zu\n"
			"  labels: {app: x%zu, tier: \"y\"}\ndata:\n  copy: *n\n  n: %zu\n"
			"  text: |\n    line one\n    line two\n  list: [1, 2.5, true, null, ~]\n", i, i, i);
	}
	return sbuf_detach(&sb, NULL);
}

/* Load text whole and in two halves; both must give the same bytes,
 * positions and diagnostics. */
static void same_whole_and_split(const char *text)
{
	struct mc_ctx a, b;
	mc_ctx_init(&a, NULL);
	mc_ctx_init(&b, NULL);
	struct ir_docs da, db;
	yaml_set_parallel(false);
	int ea = tu_load(&a, text, YAML_V3, YAML_KEEP_EMPTY, &da);
	yaml_set_parallel(true);
	int eb = tu_load(&b, text, YAML_V3, YAML_KEEP_EMPTY, &db);
	yaml_set_parallel(false);
	cr_assert_eq(ea, eb);
	cr_assert_eq(da.len, db.len);
	char *ma = tu_first_diag(&a), *mb = tu_first_diag(&b);
	cr_assert_str_eq(ma, mb);
	free(ma);
	free(mb);
	cr_assert_eq(a.diag.len, b.diag.len);
	for (size_t i = 0; i < da.len; i++) {
		cr_assert_eq(da.starts[i].line, db.starts[i].line, "document %zu", i);
		if (!da.items[i]) {
			cr_assert_null(db.items[i]);
			continue;
		}
		cr_assert_eq(da.items[i]->pos.line, db.items[i]->pos.line);
		struct ir_node *na = ir_path(da.items[i], "data/n"), *nb = ir_path(db.items[i], "data/n");
		if (na) {
			cr_assert_eq(na->pos.line, nb->pos.line, "document %zu", i);
			cr_assert_eq(na->pos.col, nb->pos.col);
			/* strings are this context's: pointer-equal keys work */
			cr_assert_eq(ir_map_get(db.items[i], b.s_kind)->s.text, mc_intern0(&b, "ConfigMap"));
		}
		struct sbuf sa = SBUF_INIT, sb = SBUF_INIT;
		const char *err = NULL;
		cr_assert_eq(emit_yaml(&sa, da.items[i], &err), 0);
		cr_assert_eq(emit_yaml(&sb, db.items[i], &err), 0);
		cr_assert_str_eq(sa.buf, sb.buf, "document %zu", i);
		sbuf_release(&sa);
		sbuf_release(&sb);
	}
	mc_ctx_release(&a);
	mc_ctx_release(&b);
}

Test(yaml, large_stream_in_two_halves_is_the_whole)
{
	char *t = big_stream(2000, 0, NULL);
	cr_assert_gt(strlen(t), 256 * 1024, "large enough to be split");
	same_whole_and_split(t);
	free(t);
	/* documents from the second half have their positions and nodes */
	t = big_stream(2000, 0, NULL);
	struct mc_ctx c;
	mc_ctx_init(&c, NULL);
	struct ir_docs d;
	yaml_set_parallel(true);
	cr_assert_eq(tu_load(&c, t, YAML_V3, 0, &d), 0);
	yaml_set_parallel(false);
	cr_assert_eq(d.len, 2000);
	cr_assert_eq(ir_path(d.items[1999], "data/n")->s.v.i, 1999);
	cr_assert_eq(ir_path(d.items[1999], "data/n")->pos.line, 1999 * 13 + 8);
	mc_ctx_release(&c);
	free(t);
	/* an empty document, and one ended by `...`, at the middle */
	t = big_stream(2000, 1000, "");
	same_whole_and_split(t);
	free(t);
	t = big_stream(2000, 1001, "a: 1\n...\n");
	same_whole_and_split(t);
	free(t);
}

Test(yaml, large_stream_errors_are_those_of_the_whole)
{
	/* an error in the second half, in the first, and an unterminated
	 * quote that would run into the cut */
	const char *bad[] = { "a: [1, 2\n", "a: b: c\n", "a: \"open\n", "a: 1\na: 2\n" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *t = big_stream(2000, 1500, bad[i]);
		same_whole_and_split(t);
		free(t);
		t = big_stream(2000, 400, bad[i]);
		same_whole_and_split(t);
		free(t);
		t = big_stream(2000, 999, bad[i]);
		same_whole_and_split(t);
		free(t);
	}
}
