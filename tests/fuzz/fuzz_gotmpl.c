/*
 * fuzz_gotmpl.c - libFuzzer target: bytes -> Go template parser -> executor.
 *
 * Every input must parse or fail with a message, and whatever parses must
 * execute (with Helm's function map, small data and a step budget) or fail
 * cleanly: no crash, no hang, no leak.  The first byte picks the function
 * map so the Go-only and Sprig paths are covered too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mc/frontend.h"
#include "mc/gotmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char data_yaml[] =
	"a: 1\nb: [1, 2.5, x, null]\nm: {k: v, n: {deep: true}}\ns: str\nz: null\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	enum gt_funcset fs = (enum gt_funcset)(data[0] % 4);
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	struct gt_set *set = gt_set_new(&ctx, fs);
	struct gt_src src = { .name = "fuzz", .text = text, .len = len };
	struct gt_error err;
	if (gt_parse(set, &src, &err) == 0) {
		const struct srcfile *f = srcfile_mem(&ctx, "data.yaml", data_yaml, sizeof data_yaml - 1);
		struct yaml_opts yo = { .schema = YAML_V2 };
		struct ir_node *doc = NULL;
		yaml_load_one(&ctx, f, &yo, &doc);
		struct gt_value dot = gt_from_ir(&ctx.arena, doc, GT_NUM_JSON);
		struct gt_exec_opts o = { .missingkey = (enum gt_missingkey)(data[0] / 4 % 3),
			.max_steps = 20000, .max_depth = 100 };
		struct sbuf out = SBUF_INIT;
		gt_exec(set, "fuzz", dot, &o, &out, &err);
		sbuf_release(&out);
	}
	mc_ctx_release(&ctx);
	return 0;
}
