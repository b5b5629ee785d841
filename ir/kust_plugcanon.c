/*
 * kust_plugcanon.c - builtin plugin configs decoded as Go decodes them.
 *
 * kustomize reads a builtin plugin's config with sigs.k8s.io/yaml, that is
 * encoding/json into the plugin's struct: a key matches a field exactly or,
 * failing that, case-insensitively (`Path:`, `imageTag: {Digest: ...}`),
 * and the last of two keys for one field wins.  The passes read configs by
 * their canonical names, so the keys are renamed first, walking the nested
 * structs each plugin declares (free-form maps such as labels are left
 * alone).
 */
#include <string.h>
#include <strings.h>

#include "mc/passes.h"

struct cfield;

struct cstruct {
	const struct cfield *fields;
	size_t n;
};

struct cfield {
	const char *name;
	const struct cstruct *sub; /* a struct, or a list of structs */
};

#define CS(f) { f, sizeof(f) / sizeof((f)[0]) }

static const struct cfield f_meta[] = {
	{ "name", 0 }, { "namespace", 0 }, { "labels", 0 }, { "annotations", 0 },
};
static const struct cstruct s_meta = CS(f_meta);
static const struct cfield f_fieldspec[] = {
	{ "group", 0 }, { "version", 0 }, { "kind", 0 }, { "path", 0 }, { "create", 0 },
};
static const struct cstruct s_fieldspec = CS(f_fieldspec);
static const struct cfield f_selector[] = {
	{ "group", 0 }, { "version", 0 }, { "kind", 0 }, { "name", 0 }, { "namespace", 0 },
	{ "labelSelector", 0 }, { "annotationSelector", 0 },
};
static const struct cstruct s_selector = CS(f_selector);
static const struct cfield f_image[] = {
	{ "name", 0 }, { "newName", 0 }, { "newTag", 0 }, { "digest", 0 }, { "tagSuffix", 0 },
};
static const struct cstruct s_image = CS(f_image);
static const struct cfield f_replica[] = { { "name", 0 }, { "count", 0 } };
static const struct cstruct s_replica = CS(f_replica);
static const struct cfield f_genopts[] = {
	{ "labels", 0 }, { "annotations", 0 }, { "disableNameSuffixHash", 0 }, { "immutable", 0 },
};
static const struct cstruct s_genopts = CS(f_genopts);
static const struct cfield f_fieldopts[] = {
	{ "delimiter", 0 }, { "index", 0 }, { "encoding", 0 }, { "create", 0 },
};
static const struct cstruct s_fieldopts = CS(f_fieldopts);
static const struct cfield f_source[] = {
	{ "group", 0 }, { "version", 0 }, { "kind", 0 }, { "name", 0 }, { "namespace", 0 },
	{ "fieldPath", 0 }, { "options", &s_fieldopts },
};
static const struct cstruct s_source = CS(f_source);
static const struct cfield f_tsel[] = {
	{ "select", &s_selector }, { "reject", &s_selector }, { "fieldPaths", 0 },
	{ "options", &s_fieldopts },
};
static const struct cstruct s_tsel = CS(f_tsel);
static const struct cfield f_repl[] = {
	{ "source", &s_source }, { "targets", &s_tsel }, { "path", 0 },
};
static const struct cstruct s_repl = CS(f_repl);
static const struct cfield f_vatarget[] = {
	{ "selector", &s_selector }, { "filePathPosition", 0 }, { "fieldPath", 0 },
};
static const struct cstruct s_vatarget = CS(f_vatarget);

#define HEAD { "apiVersion", 0 }, { "kind", 0 }, { "metadata", &s_meta }

static const struct cfield p_affix[] = {
	HEAD, { "prefix", 0 }, { "suffix", 0 }, { "fieldSpecs", &s_fieldspec },
};
static const struct cfield p_namespace[] = {
	HEAD, { "unsetOnly", 0 }, { "setRoleBindingSubjects", 0 }, { "fieldSpecs", &s_fieldspec },
};
static const struct cfield p_labels[] = {
	HEAD, { "labels", 0 }, { "annotations", 0 }, { "fieldSpecs", &s_fieldspec },
};
static const struct cfield p_image[] = {
	HEAD, { "imageTag", &s_image }, { "fieldSpecs", &s_fieldspec },
};
static const struct cfield p_replica[] = {
	HEAD, { "replica", &s_replica }, { "fieldSpecs", &s_fieldspec },
};
static const struct cfield p_patch[] = {
	HEAD, { "path", 0 }, { "patch", 0 }, { "target", &s_selector }, { "options", 0 },
};
static const struct cfield p_smp[] = { HEAD, { "paths", 0 }, { "patches", 0 } };
static const struct cfield p_json6902[] = {
	HEAD, { "target", &s_selector }, { "path", 0 }, { "jsonOp", 0 },
};
static const struct cfield p_repl[] = { HEAD, { "replacements", &s_repl } };
static const struct cfield p_valueadd[] = {
	HEAD, { "value", 0 }, { "targets", &s_vatarget },
};
static const struct cfield p_generator[] = {
	HEAD, { "behavior", 0 }, { "literals", 0 }, { "files", 0 }, { "envs", 0 }, { "env", 0 },
	{ "options", &s_genopts }, { "type", 0 }, { "name", 0 }, { "namespace", 0 },
};

static const struct {
	const char *kind;
	struct cstruct s;
} plugins[] = {
	{ "PrefixTransformer", CS(p_affix) }, { "SuffixTransformer", CS(p_affix) },
	{ "PrefixSuffixTransformer", CS(p_affix) }, { "NamespaceTransformer", CS(p_namespace) },
	{ "LabelTransformer", CS(p_labels) }, { "AnnotationsTransformer", CS(p_labels) },
	{ "ImageTagTransformer", CS(p_image) }, { "ReplicaCountTransformer", CS(p_replica) },
	{ "PatchTransformer", CS(p_patch) }, { "PatchStrategicMergeTransformer", CS(p_smp) },
	{ "PatchJson6902Transformer", CS(p_json6902) }, { "ReplacementTransformer", CS(p_repl) },
	{ "ValueAddTransformer", CS(p_valueadd) }, { "ConfigMapGenerator", CS(p_generator) },
	{ "SecretGenerator", CS(p_generator) },
};

static void canon(struct mc_ctx *ctx, struct ir_node *n, const struct cstruct *s, int depth);

static void canon_value(struct mc_ctx *ctx, struct ir_node *v, const struct cstruct *s, int depth)
{
	if (ir_is_map(v)) {
		canon(ctx, v, s, depth);
	} else if (ir_is_seq(v)) {
		for (uint32_t i = 0; i < v->seq.len; i++)
			if (ir_is_map(v->seq.items[i]))
				canon(ctx, v->seq.items[i], s, depth);
	}
}

static void canon(struct mc_ctx *ctx, struct ir_node *n, const struct cstruct *s, int depth)
{
	if (depth > 32)
		return;
	bool renamed = false;
	for (uint32_t i = 0; i < n->map.len; i++) {
		struct ir_pair *p = &n->map.items[i];
		const struct str *k = ir_text(p->key);
		if (!k)
			continue;
		const struct cfield *f = NULL;
		for (size_t j = 0; j < s->n && !f; j++)
			if (str_eqc(k, s->fields[j].name))
				f = &s->fields[j];
		for (size_t j = 0; j < s->n && !f; j++)
			if (k->len == strlen(s->fields[j].name) &&
			    !strncasecmp(k->s, s->fields[j].name, k->len))
				f = &s->fields[j];
		if (!f)
			continue;
		if (!str_eqc(k, f->name)) {
			p->key = ir_str0(ctx, f->name, &p->key->pos);
			renamed = true;
		}
		if (f->sub)
			canon_value(ctx, p->value, f->sub, depth + 1);
	}
	if (!renamed)
		return;
	/* Two keys for one field: the later one wins. */
	for (uint32_t i = 0; i < n->map.len; i++)
		for (uint32_t j = i + 1; j < n->map.len; j++)
			if (str_eq(n->map.items[i].key->s.text, n->map.items[j].key->s.text)) {
				memmove(&n->map.items[i], &n->map.items[i + 1],
					(n->map.len - i - 1) * sizeof *n->map.items);
				n->map.len--;
				i--;
				break;
			}
	ir_map_touched(n);
}

void kust_plugin_canon(struct mc_ctx *ctx, struct ir_node *cfg, const struct str *kind)
{
	if (!ir_is_map(cfg) || !kind)
		return;
	for (size_t i = 0; i < sizeof plugins / sizeof *plugins; i++)
		if (str_eqc(kind, plugins[i].kind)) {
			canon(ctx, cfg, &plugins[i].s, 0);
			return;
		}
}
