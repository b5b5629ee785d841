/*
 * appset_gotmpl.c - goTemplate mode of ApplicationSets: Go's text/template
 * with Sprig (minus env, expandenv, getHostByName) and Argo CD's normalize,
 * slugify, toYaml, fromYaml and fromYamlArray, with goTemplateOptions.
 *
 * The template engine is the Go template frontend; until it is part of the
 * build, strings that hold actions are refused with a clear error (strings
 * without "{{" never reach this file: they render to themselves).
 */
#include "argocd.h"

int appset_gotemplate(struct mc_ctx *ctx, const struct appset_mode *mode, const char *s,
	size_t n, const struct ir_node *params, struct sbuf *out, struct sbuf *err);

int appset_gotemplate(struct mc_ctx *ctx, const struct appset_mode *mode, const char *s,
	size_t n, const struct ir_node *params, struct sbuf *out, struct sbuf *err)
{
	(void)ctx, (void)mode, (void)params, (void)out;
	sbuf_printf(err, "failed to parse template %.*s: goTemplate mode needs the Go template "
		"engine, which is not built yet", (int)n, s);
	return 1;
}
