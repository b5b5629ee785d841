/*
 * pipeline.c - the one driver every pass runs under.
 *
 * Frontends build a module and hand it here with their table of passes.
 * Stopping at the first pass that reports errors keeps later passes simple
 * (they may assume the input is sound) and keeps error output focused on
 * the first cause.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc/backend.h"
#include "mc/passes.h"

static void dump(struct ir_module *m, const char *name)
{
	struct sbuf sb = SBUF_INIT;
	sbuf_printf(&sb, "# after %s: %zu resources\n", name, m->res.len);
	for (size_t i = 0; i < m->res.len; i++) {
		const char *err = NULL;
		if (i)
			sbuf_adds(&sb, "---\n");
		if (emit_yaml(&sb, m->res.items[i]->body, &err))
			sbuf_printf(&sb, "# %s\n", err);
	}
	fwrite(sb.buf, 1, sb.len, stderr);
	sbuf_release(&sb);
}

int pipeline_run(struct ir_module *m, const struct ir_pass *passes, size_t n)
{
	const char *dump_after = getenv("MC_DUMP_AFTER");
	for (size_t i = 0; i < n; i++) {
		int errors = passes[i].run(m);
		if (dump_after && !strcmp(dump_after, passes[i].name))
			dump(m, passes[i].name);
		if (errors)
			return errors;
	}
	return 0;
}
