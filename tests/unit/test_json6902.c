/* Unit tests: JSON 6902 patches (ir/kust_json6902.c).  Every expectation
 * was printed by `kubectl kustomize` (v5.5.0) for the same resource and
 * the same patch given in `patches:` with a target. */
#include "mc/passes.h"
#include "testutil.h"

static const char *const base =
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
	"spec: {l: [a, b, c], m: {\"x/y\": 1, \"t~\": 2}, n: null, s: \"1\"}\n";

/* Apply patch to doc; returns the emitted result or "ERR: message". */
static char *jp(const char *doc, const char *patch)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs docs;
	cr_assert_eq(tu_load(&ctx, doc, YAML_V3, 0, &docs), 0);
	const struct srcfile *f = srcfile_mem(&ctx, "patch", patch, strlen(patch));
	struct kust_jpatch p;
	struct sbuf err = SBUF_INIT, out = SBUF_INIT;
	struct ir_node *body = docs.items[0];
	if (kust_jpatch_decode(&ctx, f, NULL, patch[0] == '[', &p, &err) ||
	    kust_jpatch_apply(&ctx, &p, &body, &err)) {
		sbuf_adds(&out, "ERR: ");
		sbuf_addstr(&out, mc_intern(&ctx, err.buf, err.len));
	} else {
		const char *e = NULL;
		cr_assert_eq(emit_yaml(&out, body, &e), 0);
	}
	sbuf_release(&err);
	mc_ctx_release(&ctx);
	return sbuf_detach(&out, NULL);
}

static void check(const char *doc, const char *patch, const char *want)
{
	char *got = jp(doc, patch);
	cr_expect_str_eq(got, want, "patch %s", patch);
	free(got);
}

#define SPEC_TAIL "  m:\n    t~: 2\n    x/y: 1\n  \"n\": null\n  s: \"1\"\n"
#define HEAD "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"

Test(json6902, go_library_rules)
{
	/* replace of a missing key adds it; copy from a missing key copies
	 * null; a path without a leading slash addresses the top; -1 inserts
	 * at the end; big integers pass through float64. */
	check("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: \"1\"}\n"
	      "spec: {n: 5, f: 1.5, big: 12345678901234567890, l: [1,2,3], t: 2020-01-01}\n",
	      "[{\"op\":\"replace\",\"path\":\"/data/missing\",\"value\":\"y\"},"
	      "{\"op\":\"add\",\"path\":\"/spec/l/-1\",\"value\":9},"
	      "{\"op\":\"copy\",\"from\":\"/spec/nothere\",\"path\":\"/spec/c\"},"
	      "{\"op\":\"test\",\"path\":\"/spec/f\",\"value\":1.5},"
	      "{\"op\":\"add\",\"path\":\"nolead/k\",\"value\":1}]",
	      "apiVersion: v1\ndata:\n  missing: \"y\"\n  x: \"1\"\nk: 1\nkind: ConfigMap\nmetadata:\n"
	      "  name: a\nspec:\n  big: 12345678901234567000\n  c: null\n  f: 1.5\n  l:\n  - 1\n"
	      "  - 2\n  - 3\n  - 9\n  \"n\": 5\n  t: \"2020-01-01T00:00:00Z\"\n");
}

Test(json6902, arrays)
{
	check(base, "[{\"op\":\"remove\",\"path\":\"/spec/l/-1\"}]",
	      HEAD "spec:\n  l:\n  - a\n  - b\n" SPEC_TAIL);
	check(base, "[{\"op\":\"add\",\"path\":\"/spec/l/3\",\"value\":\"d\"}]",
	      HEAD "spec:\n  l:\n  - a\n  - b\n  - c\n  - d\n" SPEC_TAIL);
	check(base, "[{\"op\":\"add\",\"path\":\"/spec/l/+1\",\"value\":\"p\"}]",
	      HEAD "spec:\n  l:\n  - a\n  - p\n  - b\n  - c\n" SPEC_TAIL);
	check(base, "[{\"op\":\"move\",\"from\":\"/spec/l/0\",\"path\":\"/spec/z\"}]",
	      HEAD "spec:\n  l:\n  - b\n  - c\n" SPEC_TAIL "  z: a\n");
	check(base, "[{\"op\":\"add\",\"path\":\"/spec/l/4\",\"value\":\"d\"}]",
	      "ERR: error in add for path: '/spec/l/4': Unable to access invalid index: 4: "
	      "invalid index referenced");
}

Test(json6902, escapes)
{
	check(base, "[{\"op\":\"remove\",\"path\":\"/spec/m/x~1y\"},"
	      "{\"op\":\"replace\",\"path\":\"/spec/m/t~0\",\"value\":{\"k\":[1]}}]",
	      HEAD "spec:\n  l:\n  - a\n  - b\n  - c\n  m:\n    t~:\n      k:\n      - 1\n"
	      "  \"n\": null\n  s: \"1\"\n");
}

Test(json6902, test_op)
{
	const char *same = HEAD "spec:\n  l:\n  - a\n  - b\n  - c\n" SPEC_TAIL;
	check(base, "[{\"op\":\"test\",\"path\":\"/spec/n\",\"value\":null}]", same);
	check(base, "[{\"op\":\"test\",\"path\":\"/spec/missing\",\"value\":null}]", same);
	check(base, "[{\"op\":\"test\",\"path\":\"/spec/s\",\"value\":1}]",
	      "ERR: testing value /spec/s failed: test failed");
	/* Written as JSON, 1.0 and 1 differ; as YAML both are float64 1. */
	check(base, "[{\"op\":\"add\",\"path\":\"/spec/y\",\"value\":1.0},"
	      "{\"op\":\"test\",\"path\":\"/spec/y\",\"value\":1}]",
	      "ERR: testing value /spec/y failed: test failed");
	check(base, "- op: add\n  path: /spec/y\n  value: 1.0\n- op: test\n  path: /spec/y\n  value: 1\n",
	      HEAD "spec:\n  l:\n  - a\n  - b\n  - c\n" SPEC_TAIL "  \"y\": 1\n");
}

Test(json6902, errors)
{
	check(base, "[{\"op\":\"add\",\"path\":\"/spec/n/x\",\"value\":1}]",
	      "ERR: add operation does not apply: doc is missing path: \"/spec/n/x\": missing value");
	check(base, "[{\"op\":\"add\",\"path\":\"/spec/q/x\",\"value\":1}]",
	      "ERR: add operation does not apply: doc is missing path: \"/spec/q/x\": missing value");
	check(base, "[{\"op\":\"bogus\",\"path\":\"/x\"}]", "ERR: Unexpected kind: bogus");
	check(base, "[{\"op\":\"add\",\"value\":1}]",
	      "ERR: add operation failed to decode path: missing value");
	check(base, "[{\"op\":\"remove\",\"path\":\"/spec/nope\"}]",
	      "ERR: error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: "
	      "missing value");
	check(base, "{\"op\": \"add\"}",
	      "ERR: json: cannot unmarshal object into Go value of type jsonpatch.Patch");
}

Test(json6902, replace_whole_document)
{
	check(base, "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"apiVersion\":\"v1\","
	      "\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"}}}]",
	      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n");
}
