/*
 * kust_stubs.c - placeholders for the passes the second kustomize engineer
 * (branch kust2) implements: strategic merge patches, `patches`, JSON 6902,
 * replacements and their builtin plugin configs.  Until they land, a
 * kustomization that uses one of these fields fails with a clear message
 * instead of silently ignoring it.  kust2 deletes this file.
 */
#include "mc/passes.h"

static int unsupported(struct ir_module *m, const char *field)
{
	struct kust *k = m->unit;
	struct ir_pair *p = NULL;
	for (uint32_t i = 0; i < k->doc->map.len; i++)
		if (str_eqc(k->doc->map.items[i].key->s.text, field))
			p = &k->doc->map.items[i];
	if (!p || ir_is_null(p->value) || (ir_is_seq(p->value) && !p->value->seq.len))
		return 0;
	return diag_error(&m->ctx->diag, &p->key->pos,
		"the kustomization field '%s' is not supported yet by manifestc build", field);
}

int kust_pass_patches_smp(struct ir_module *m)
{
	return unsupported(m, "patchesStrategicMerge");
}

int kust_pass_patches(struct ir_module *m)
{
	return unsupported(m, "patches");
}

int kust_pass_json6902(struct ir_module *m)
{
	return unsupported(m, "patchesJson6902");
}

int kust_pass_replacements(struct ir_module *m)
{
	return unsupported(m, "replacements");
}

static int plugin(struct ir_module *m, struct ir_node *cfg, const char *kind)
{
	return diag_error(&m->ctx->diag, &cfg->pos,
		"the builtin plugin %s is not supported yet by manifestc build", kind);
}

int kust_plugin_patch(struct ir_module *m, struct kust *k, struct ir_node *cfg)
{
	(void)k;
	return plugin(m, cfg, "PatchTransformer");
}

int kust_plugin_smp(struct ir_module *m, struct kust *k, struct ir_node *cfg)
{
	(void)k;
	return plugin(m, cfg, "PatchStrategicMergeTransformer");
}

int kust_plugin_json6902(struct ir_module *m, struct kust *k, struct ir_node *cfg)
{
	(void)k;
	return plugin(m, cfg, "PatchJson6902Transformer");
}

int kust_plugin_replacement(struct ir_module *m, struct kust *k, struct ir_node *cfg)
{
	(void)k;
	return plugin(m, cfg, "ReplacementTransformer");
}
