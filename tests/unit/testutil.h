/*
 * testutil.h - helpers shared by the unit tests.
 */
#ifndef MC_TESTUTIL_H
#define MC_TESTUTIL_H

#include <criterion/criterion.h>
#include <string.h>

#include "mc/backend.h"
#include "mc/frontend.h"
#include "mc/ir.h"

/* Parse text (all documents) in a fresh context with the given schema. */
static inline int tu_load(struct mc_ctx *ctx, const char *text, enum yaml_schema schema,
	unsigned flags, struct ir_docs *docs)
{
	const struct srcfile *f = srcfile_mem(ctx, "test.yaml", text, strlen(text));
	struct yaml_opts o = { .schema = schema, .flags = flags };
	memset(docs, 0, sizeof *docs);
	return yaml_load(ctx, f, &o, docs);
}

/* Parse one document and emit it the kustomize way; returns malloc'd text. */
static inline char *tu_roundtrip(const char *text, enum yaml_schema schema)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs docs;
	cr_assert_eq(tu_load(&ctx, text, schema, 0, &docs), 0, "parse failed");
	struct sbuf out = SBUF_INIT;
	const char *err = NULL;
	cr_assert_eq(emit_yaml_stream(&out, docs.items, docs.len, &err), 0, "emit: %s", err);
	mc_ctx_release(&ctx);
	return sbuf_detach(&out, NULL);
}

/* The first diagnostic's formatted text (no colour), malloc'd. */
static inline char *tu_first_diag(struct mc_ctx *ctx)
{
	struct sbuf sb = SBUF_INIT;
	if (ctx->diag.len)
		diag_format(&ctx->diag.msgs[0], &sb, false);
	return sbuf_detach(&sb, NULL);
}

#endif
