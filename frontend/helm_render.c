/*
 * helm_render.c - engine.Render: templates through the Go template engine.
 *
 * Placeholder until the engine (include/mc/gotmpl.h) lands on this branch:
 * it reports that rendering is not available.
 */
#include "mc/helm.h"

int helm_engine_render(struct mc_ctx *ctx, struct helm_chart *chart, struct ir_node *values,
	const struct helm_release *rel, struct helm_rendered_vec *out)
{
	(void)values;
	(void)rel;
	(void)out;
	return diag_error(&ctx->diag, &chart->pos, "rendering templates needs the Go template engine");
}

int helm_render_name_template(struct mc_ctx *ctx, const char *tmpl, const char **name)
{
	(void)tmpl;
	(void)name;
	return diag_error(&ctx->diag, NULL, "--name-template needs the Go template engine");
}
