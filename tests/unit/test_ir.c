/* Unit tests: IR maps, copies, equality and resource lists. */
#include "testutil.h"

Test(ir, map_set_get_delete_and_index)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_node *m = ir_map(&ctx, NULL);
	for (int i = 0; i < 100; i++) {
		char k[16];
		snprintf(k, sizeof k, "k%d", i);
		ir_map_setc(&ctx, m, k, ir_int(&ctx, i, NULL));
	}
	cr_assert_eq(m->map.len, 100);
	cr_assert_eq(ir_map_getc(m, "k57")->s.v.i, 57);
	ir_map_setc(&ctx, m, "k57", ir_int(&ctx, -1, NULL));
	cr_assert_eq(m->map.len, 100, "set replaces");
	cr_assert_eq(ir_map_getc(m, "k57")->s.v.i, -1);
	cr_assert(ir_map_delc(m, "k3"));
	cr_assert_null(ir_map_getc(m, "k3"));
	cr_assert_eq(ir_map_getc(m, "k99")->s.v.i, 99, "lookups work after a delete");
	cr_assert_eq(m->map.items[3].key->s.text, mc_intern0(&ctx, "k4"), "order kept");
	ir_map_setc(&ctx, m, "new", ir_null(&ctx, NULL));
	cr_assert_not_null(ir_map_getc(m, "new"));
	mc_ctx_release(&ctx);
}

/* A map copied by value shares its pairs (and so its key index) with the
 * original until one of them grows: both must keep finding their keys. */
Test(ir, map_copied_by_value_then_grown)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_node *m = ir_map(&ctx, NULL);
	char k[16];
	for (int i = 0; i < 16; i++) {
		snprintf(k, sizeof k, "k%d", i);
		ir_map_setc(&ctx, m, k, ir_int(&ctx, i, NULL));
	}
	struct ir_node *twin = ir_map(&ctx, NULL);
	*twin = *m;
	for (int i = 16; i < 200; i++) {
		snprintf(k, sizeof k, "k%d", i);
		ir_map_setc(&ctx, twin, k, ir_int(&ctx, i, NULL));
	}
	for (int i = 0; i < 16; i++) {
		snprintf(k, sizeof k, "k%d", i);
		cr_assert_eq(ir_map_getc(m, k)->s.v.i, i, "original: %s", k);
		cr_assert_eq(ir_map_get(m, mc_intern0(&ctx, k))->s.v.i, i);
	}
	cr_assert_null(ir_map_getc(m, "k16"), "the original keeps its length");
	for (int i = 0; i < 200; i++) {
		snprintf(k, sizeof k, "k%d", i);
		cr_assert_eq(ir_map_getc(twin, k)->s.v.i, i, "twin: %s", k);
	}
	/* the original can still grow on its own */
	ir_map_setc(&ctx, m, "extra", ir_int(&ctx, 7, NULL));
	cr_assert_eq(ir_map_getc(m, "extra")->s.v.i, 7);
	cr_assert_eq(ir_map_getc(m, "k15")->s.v.i, 15);
	mc_ctx_release(&ctx);
}

Test(ir, clone_and_equal)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx, "a: [1, 2.0, {b: c}]\nd: null\n", YAML_V3, 0, &d), 0);
	struct ir_node *c = ir_clone(&ctx, d.items[0]);
	cr_assert(ir_equal(c, d.items[0]));
	ir_map_setc(&ctx, c, "d", ir_str0(&ctx, "x", NULL));
	cr_assert(!ir_equal(c, d.items[0]), "a copy is independent");
	cr_assert(ir_equal(ir_int(&ctx, 2, NULL), ir_float(&ctx, 2.0, NULL)), "2 == 2.0");
	cr_assert(!ir_equal(ir_str0(&ctx, "2", NULL), ir_int(&ctx, 2, NULL)));
	cr_assert_eq(ir_path(d.items[0], "a")->seq.len, 3);
	mc_ctx_release(&ctx);
}

Test(ir, reslist_index_stays_correct)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_reslist l = { 0 };
	for (int i = 0; i < 3000; i++) {
		struct ir_node *b = ir_map(&ctx, NULL);
		ir_map_setc(&ctx, b, "apiVersion", ir_str0(&ctx, "v1", NULL));
		ir_map_setc(&ctx, b, "kind", ir_str0(&ctx, i % 2 ? "Service" : "ConfigMap", NULL));
		struct ir_node *md = ir_map_child(&ctx, b, "metadata");
		char n[16];
		snprintf(n, sizeof n, "r%d", i / 2);
		ir_map_setc(&ctx, md, "name", ir_str0(&ctx, n, NULL));
		struct ir_resource *r = ir_resource_new(&ctx, b, NULL);
		cr_assert_null(ir_reslist_find(&ctx, &l, &r->id), "no duplicate yet at %d", i);
		ir_reslist_push(&ctx, &l, r);
		cr_assert_eq(ir_reslist_find(&ctx, &l, &r->id), r);
	}
	/* A second resource with an existing id: find returns the first. */
	struct ir_resource *first = l.items[10];
	struct ir_resource *dup = ir_resource_new(&ctx, ir_clone(&ctx, first->body), NULL);
	ir_reslist_push(&ctx, &l, dup);
	cr_assert_eq(ir_reslist_find(&ctx, &l, &dup->id), first);
	ir_reslist_remove(&l, 10);
	cr_assert_eq(ir_reslist_find(&ctx, &l, &dup->id), dup, "after removal the copy is found");
	mc_ctx_release(&ctx);
}
