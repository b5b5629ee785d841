/*
 * fuzz_yaml.c - libFuzzer target: bytes -> YAML loader -> IR -> emitters.
 *
 * Every input must either load or produce diagnostics, never crash, hang or
 * leak; whatever loads must also survive both emitters (which may refuse
 * NaN, but must not crash) and a clone/compare round.
 */
#include <stddef.h>
#include <stdint.h>

#include "mc/backend.h"
#include "mc/frontend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	const struct srcfile *f = srcfile_mem(&ctx, "fuzz.yaml", (const char *)data, size);
	for (int schema = 0; schema < 2; schema++) {
		struct ir_docs docs = { 0 };
		struct yaml_opts o = { .schema = schema ? YAML_V2 : YAML_V3,
			.flags = schema ? YAML_DUPKEYS_OK | YAML_KEEP_EMPTY : 0,
			.max_nodes = 200000 };
		if (yaml_load(&ctx, f, &o, &docs))
			continue;
		for (size_t i = 0; i < docs.len; i++) {
			struct sbuf out = SBUF_INIT;
			const char *err;
			emit_yaml(&out, docs.items[i], &err);
			sbuf_reset(&out);
			emit_json(&out, docs.items[i], 0, &err);
			sbuf_release(&out);
			struct ir_node *c = ir_clone(&ctx, docs.items[i]);
			(void)ir_equal(c, docs.items[i]);
		}
	}
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < ctx.diag.len; i++)
		diag_format(&ctx.diag.msgs[i], &sb, false);
	sbuf_release(&sb);
	mc_ctx_release(&ctx);
	return 0;
}
