/*
 * kust.c - the Kustomize frontend: kustomization files to modules.
 *
 * `manifestc build DIR` loads DIR's kustomization and accumulates it the
 * way kustomize v5.5.0's KustTarget does: resources (directories being
 * other kustomizations, built first with their own pipeline), transformer
 * configurations and CRDs, generators, components (which act on the
 * including kustomization's accumulator), the builtin transformers in
 * kustomize's fixed order, custom transformers, validators and vars.  The
 * top kustomization then adds hash suffixes, fixes name references,
 * resolves vars, drops local configs and sorts.  Every file is read through
 * the vfs (so a base shared by ten overlays is read once) and every error
 * points at the kustomization entry that caused it.
 *
 * A kustomization is read as kustomize reads it: YAML to JSON, then a
 * strict JSON decode into its Go types, where field names match
 * case-insensitively and a value of the wrong JSON type is an error.  The
 * validated document keeps canonical field names, with the deprecated
 * fields folded into their successors, so passes read it directly.
 *
 * Loading rules follow kustomize's file loader: a kustomization may read
 * files only within its own directory (symlinks resolved) unless the
 * LoadRestrictionsNone restrictor is chosen, may refer to other
 * kustomization directories anywhere, but never to itself or to a directory
 * containing a kustomization it is being built for (a cycle).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc/passes.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const kust_file_names[] = {
	"kustomization.yaml", "kustomization.yml", "Kustomization",
};

/* ------------------------------------------------------------ schema */

/* The Go types a kustomization decodes into, as far as JSON decoding can
 * tell them apart. */
enum ktype {
	T_STR, T_BOOL, T_INT, T_STRS, T_STRMAP, T_BOOLMAP, T_ANY, T_OBJ, T_OBJS,
};

struct kfield {
	const char *name;
	enum ktype type;
	const struct kstruct *sub;
};

struct kstruct {
	const char *go;
	const struct kfield *fields;
	size_t n;
};

#define KS(go, f) { go, f, COUNT(f) }

static const struct kfield f_objectmeta[] = {
	{ "name", T_STR, 0 }, { "namespace", T_STR, 0 }, { "labels", T_STRMAP, 0 },
	{ "annotations", T_STRMAP, 0 },
};
static const struct kstruct s_objectmeta = KS("ObjectMeta", f_objectmeta);
static const struct kfield f_fieldspec[] = {
	{ "group", T_STR, 0 }, { "version", T_STR, 0 }, { "kind", T_STR, 0 },
	{ "path", T_STR, 0 }, { "create", T_BOOL, 0 },
};
static const struct kstruct s_fieldspec = KS("FieldSpec", f_fieldspec);
static const struct kfield f_label[] = {
	{ "pairs", T_STRMAP, 0 }, { "includeSelectors", T_BOOL, 0 },
	{ "includeTemplates", T_BOOL, 0 }, { "fields", T_OBJS, &s_fieldspec },
};
static const struct kstruct s_label = KS("Label", f_label);
static const struct kfield f_selector[] = {
	{ "group", T_STR, 0 }, { "version", T_STR, 0 }, { "kind", T_STR, 0 },
	{ "name", T_STR, 0 }, { "namespace", T_STR, 0 }, { "annotationSelector", T_STR, 0 },
	{ "labelSelector", T_STR, 0 },
};
static const struct kstruct s_selector = KS("Selector", f_selector);
static const struct kfield f_patch[] = {
	{ "path", T_STR, 0 }, { "patch", T_STR, 0 }, { "target", T_OBJ, &s_selector },
	{ "options", T_BOOLMAP, 0 },
};
static const struct kstruct s_patch = KS("Patch", f_patch);
static const struct kfield f_image[] = {
	{ "name", T_STR, 0 }, { "newName", T_STR, 0 }, { "tagSuffix", T_STR, 0 },
	{ "newTag", T_STR, 0 }, { "digest", T_STR, 0 },
};
static const struct kstruct s_image = KS("Image", f_image);
static const struct kfield f_replica[] = { { "name", T_STR, 0 }, { "count", T_INT, 0 } };
static const struct kstruct s_replica = KS("Replica", f_replica);
static const struct kfield f_target[] = {
	{ "apiVersion", T_STR, 0 }, { "group", T_STR, 0 }, { "version", T_STR, 0 },
	{ "kind", T_STR, 0 }, { "name", T_STR, 0 }, { "namespace", T_STR, 0 },
};
static const struct kstruct s_target = KS("Target", f_target);
static const struct kfield f_fieldsel[] = { { "fieldPath", T_STR, 0 } };
static const struct kstruct s_fieldsel = KS("FieldSelector", f_fieldsel);
static const struct kfield f_var[] = {
	{ "name", T_STR, 0 }, { "objref", T_OBJ, &s_target }, { "fieldref", T_OBJ, &s_fieldsel },
};
static const struct kstruct s_var = KS("Var", f_var);
static const struct kfield f_legacysort[] = {
	{ "orderFirst", T_STRS, 0 }, { "orderLast", T_STRS, 0 },
};
static const struct kstruct s_legacysort = KS("LegacySortOptions", f_legacysort);
static const struct kfield f_sortopts[] = {
	{ "order", T_STR, 0 }, { "legacySortOptions", T_OBJ, &s_legacysort },
};
static const struct kstruct s_sortopts = KS("SortOptions", f_sortopts);
static const struct kfield f_genopts[] = {
	{ "labels", T_STRMAP, 0 }, { "annotations", T_STRMAP, 0 },
	{ "disableNameSuffixHash", T_BOOL, 0 }, { "immutable", T_BOOL, 0 },
};
static const struct kstruct s_genopts = KS("GeneratorOptions", f_genopts);
static const struct kfield f_cmargs[] = {
	{ "namespace", T_STR, 0 }, { "name", T_STR, 0 }, { "behavior", T_STR, 0 },
	{ "literals", T_STRS, 0 }, { "files", T_STRS, 0 }, { "envs", T_STRS, 0 },
	{ "env", T_STR, 0 }, { "options", T_OBJ, &s_genopts },
};
static const struct kstruct s_cmargs = KS("ConfigMapArgs", f_cmargs);
static const struct kfield f_secretargs[] = {
	{ "namespace", T_STR, 0 }, { "name", T_STR, 0 }, { "behavior", T_STR, 0 },
	{ "literals", T_STRS, 0 }, { "files", T_STRS, 0 }, { "envs", T_STRS, 0 },
	{ "env", T_STR, 0 }, { "options", T_OBJ, &s_genopts }, { "type", T_STR, 0 },
};
static const struct kstruct s_secretargs = KS("SecretArgs", f_secretargs);
static const struct kfield f_fieldopts[] = {
	{ "delimiter", T_STR, 0 }, { "index", T_INT, 0 }, { "encoding", T_STR, 0 },
	{ "create", T_BOOL, 0 },
};
static const struct kstruct s_fieldopts = KS("FieldOptions", f_fieldopts);
static const struct kfield f_source[] = {
	{ "group", T_STR, 0 }, { "version", T_STR, 0 }, { "kind", T_STR, 0 },
	{ "name", T_STR, 0 }, { "namespace", T_STR, 0 }, { "fieldPath", T_STR, 0 },
	{ "options", T_OBJ, &s_fieldopts },
};
static const struct kstruct s_source = KS("SourceSelector", f_source);
static const struct kfield f_tsel[] = {
	{ "select", T_OBJ, &s_selector }, { "reject", T_OBJS, &s_selector },
	{ "fieldPaths", T_STRS, 0 }, { "options", T_OBJ, &s_fieldopts },
};
static const struct kstruct s_tsel = KS("TargetSelector", f_tsel);
static const struct kfield f_replfield[] = {
	{ "source", T_OBJ, &s_source }, { "targets", T_OBJS, &s_tsel }, { "path", T_STR, 0 },
};
static const struct kstruct s_replfield = KS("ReplacementField", f_replfield);
static const struct kfield f_helmglobals[] = {
	{ "chartHome", T_STR, 0 }, { "configHome", T_STR, 0 },
};
static const struct kstruct s_helmglobals = KS("HelmGlobals", f_helmglobals);
static const struct kfield f_helmchart[] = {
	{ "name", T_STR, 0 }, { "version", T_STR, 0 }, { "repo", T_STR, 0 },
	{ "releaseName", T_STR, 0 }, { "namespace", T_STR, 0 },
	{ "additionalValuesFiles", T_STRS, 0 }, { "valuesFile", T_STR, 0 },
	{ "valuesInline", T_ANY, 0 }, { "valuesMerge", T_STR, 0 }, { "includeCRDs", T_BOOL, 0 },
	{ "skipHooks", T_BOOL, 0 }, { "apiVersions", T_STRS, 0 }, { "kubeVersion", T_STR, 0 },
	{ "nameTemplate", T_STR, 0 }, { "skipTests", T_BOOL, 0 }, { "debug", T_BOOL, 0 },
};
static const struct kstruct s_helmchart = KS("HelmChart", f_helmchart);
static const struct kfield f_helmargs[] = {
	{ "chartName", T_STR, 0 }, { "chartVersion", T_STR, 0 }, { "chartRepoUrl", T_STR, 0 },
	{ "chartHome", T_STR, 0 }, { "chartRepoName", T_STR, 0 }, { "helmBin", T_STR, 0 },
	{ "helmHome", T_STR, 0 }, { "values", T_STR, 0 }, { "valuesLocal", T_ANY, 0 },
	{ "valuesMerge", T_STR, 0 }, { "releaseName", T_STR, 0 },
	{ "releaseNamespace", T_STR, 0 }, { "extraArgs", T_STRS, 0 },
};
static const struct kstruct s_helmargs = KS("HelmChartArgs", f_helmargs);

static const struct kfield f_kustomization[] = {
	{ "apiVersion", T_STR, 0 }, { "kind", T_STR, 0 },
	{ "metadata", T_OBJ, &s_objectmeta }, { "openapi", T_STRMAP, 0 },
	{ "namePrefix", T_STR, 0 }, { "nameSuffix", T_STR, 0 }, { "namespace", T_STR, 0 },
	{ "commonLabels", T_STRMAP, 0 }, { "labels", T_OBJS, &s_label },
	{ "commonAnnotations", T_STRMAP, 0 }, { "patchesStrategicMerge", T_STRS, 0 },
	{ "patchesJson6902", T_OBJS, &s_patch }, { "patches", T_OBJS, &s_patch },
	{ "images", T_OBJS, &s_image }, { "imageTags", T_OBJS, &s_image },
	{ "replacements", T_OBJS, &s_replfield }, { "replicas", T_OBJS, &s_replica },
	{ "vars", T_OBJS, &s_var }, { "sortOptions", T_OBJ, &s_sortopts },
	{ "resources", T_STRS, 0 }, { "components", T_STRS, 0 }, { "crds", T_STRS, 0 },
	{ "bases", T_STRS, 0 }, { "configMapGenerator", T_OBJS, &s_cmargs },
	{ "secretGenerator", T_OBJS, &s_secretargs }, { "helmGlobals", T_OBJ, &s_helmglobals },
	{ "helmCharts", T_OBJS, &s_helmchart },
	{ "helmChartInflationGenerator", T_OBJS, &s_helmargs },
	{ "generatorOptions", T_OBJ, &s_genopts }, { "configurations", T_STRS, 0 },
	{ "generators", T_STRS, 0 }, { "transformers", T_STRS, 0 }, { "validators", T_STRS, 0 },
	{ "buildMetadata", T_STRS, 0 },
};
static const struct kstruct s_kustomization = KS("Kustomization", f_kustomization);

static const char *json_type(const struct ir_node *n)
{
	if (ir_is_null(n))
		return "null";
	switch (n->type) {
	case IR_BOOL:
		return "bool";
	case IR_INT:
	case IR_FLOAT:
		return "number";
	case IR_STR:
		return "string";
	case IR_MAP:
		return "object";
	default:
		return "array";
	}
}

static const char *go_type(const struct kfield *f)
{
	switch (f->type) {
	case T_STR:
		return "string";
	case T_BOOL:
		return "bool";
	case T_INT:
		return "int64";
	case T_STRS:
		return "[]string";
	case T_STRMAP:
		return "map[string]string";
	case T_BOOLMAP:
		return "map[string]bool";
	case T_ANY:
		return "map[string]interface {}";
	case T_OBJ:
		return f->sub->go;
	default:
		return "[]types.";
	}
}

struct vctx {
	struct mc_ctx *ctx;
	int errors;
	int depth;
};

static void type_error(struct vctx *v, const struct ir_node *n, const struct kstruct *in,
	const struct kfield *f, const char *path)
{
	v->errors += diag_error(&v->ctx->diag, &n->pos,
		"invalid Kustomization: json: cannot unmarshal %s into Go struct field %s.%s of type %s%s",
		json_type(n), in->go, path, go_type(f), f->type == T_OBJS ? f->sub->go : "");
}

/* A YAML key becomes a JSON key as sigs.k8s.io/yaml converts it: a plain
 * key that YAML 1.1 reads as a bool, int or float becomes its text in Go
 * ("on" -> "true", "0x10" -> "16", "1.50" -> "1.5"); a null key cannot. */
static bool key_ok(struct vctx *v, struct ir_pair *p)
{
	struct ir_node *key = p->key;
	if (key->style != IR_STYLE_PLAIN || key->tag)
		return true;
	struct ir_node r;
	memset(&r, 0, sizeof r);
	const struct str *t = key->s.text;
	enum ir_type type = yaml_resolve(YAML_V2, t->s, t->len, &r);
	struct sbuf sb = SBUF_INIT;
	switch (type) {
	case IR_NULL:
		v->errors += diag_error(&v->ctx->diag, &key->pos,
			"error converting YAML to JSON: unsupported map key of type: <nil>, key: <nil>");
		return false;
	case IR_BOOL:
		sbuf_adds(&sb, r.s.v.b ? "true" : "false");
		break;
	case IR_INT:
		if (r.flags & IR_F_UINT)
			sbuf_printf(&sb, "%llu", (unsigned long long)r.s.v.u);
		else
			sbuf_printf(&sb, "%lld", (long long)r.s.v.i);
		break;
	case IR_FLOAT:
		go_ftoa(&sb, r.s.v.f, 'g', -1, 32);
		if (!strcmp(sb.buf, "+Inf") || !strcmp(sb.buf, "-Inf") || !strcmp(sb.buf, "NaN")) {
			const char *y = sb.buf[0] == '+' ? ".inf" : sb.buf[0] == '-' ? "-.inf" : ".nan";
			sbuf_reset(&sb);
			sbuf_adds(&sb, y);
		}
		break;
	default:
		return true;
	}
	p->key = ir_str(v->ctx, sb.buf, sb.len, &key->pos);
	sbuf_release(&sb);
	return true;
}

static void check_struct(struct vctx *v, struct ir_node *n, const struct kstruct *s,
	const char *path);

static void check_value(struct vctx *v, struct ir_node **slot, const struct kstruct *in,
	const struct kfield *f, const char *path)
{
	struct ir_node *n = *slot;
	if (ir_is_null(n))
		return; /* JSON null leaves the Go zero value */
	switch (f->type) {
	case T_STR:
		if (!ir_is_str(n))
			type_error(v, n, in, f, path);
		return;
	case T_BOOL:
		if (n->type != IR_BOOL)
			type_error(v, n, in, f, path);
		return;
	case T_INT:
		if (n->type == IR_FLOAT && n->s.v.f >= -9223372036854775808.0 &&
		    n->s.v.f < 9223372036854775808.0 && n->s.v.f == (double)(int64_t)n->s.v.f) {
			*slot = ir_int(v->ctx, (int64_t)n->s.v.f, &n->pos);
			return;
		}
		if (n->type != IR_INT || (n->flags & IR_F_UINT))
			type_error(v, n, in, f, path);
		return;
	case T_STRS:
		if (!ir_is_seq(n)) {
			type_error(v, n, in, f, path);
			return;
		}
		for (uint32_t i = 0; i < n->seq.len; i++) {
			struct ir_node *e = n->seq.items[i];
			if (ir_is_null(e))
				n->seq.items[i] = ir_str(v->ctx, "", 0, e ? &e->pos : &n->pos);
			else if (!ir_is_str(e)) {
				struct kfield ef = { f->name, T_STR, 0 };
				type_error(v, e, in, &ef, path);
			}
		}
		return;
	case T_STRMAP:
	case T_BOOLMAP:
	case T_ANY:
		if (!ir_is_map(n)) {
			type_error(v, n, in, f, path);
			return;
		}
		for (uint32_t i = 0; i < n->map.len; i++) {
			struct ir_pair *p = &n->map.items[i];
			if (!key_ok(v, p))
				continue;
			if (f->type == T_ANY) {
				struct kfield any = { f->name, T_ANY, 0 };
				if (ir_is_map(p->value))
					check_value(v, &p->value, in, &any, path);
				continue;
			}
			if (ir_is_null(p->value)) {
				p->value = f->type == T_STRMAP
					? ir_str(v->ctx, "", 0, p->value ? &p->value->pos : &p->key->pos)
					: ir_bool(v->ctx, false, p->value ? &p->value->pos : &p->key->pos);
				continue;
			}
			if (f->type == T_STRMAP ? !ir_is_str(p->value) : p->value->type != IR_BOOL) {
				struct kfield ef = { f->name, f->type == T_STRMAP ? T_STR : T_BOOL, 0 };
				type_error(v, p->value, in, &ef, path);
			}
		}
		return;
	case T_OBJ:
		if (!ir_is_map(n)) {
			type_error(v, n, in, f, path);
			return;
		}
		check_struct(v, n, f->sub, path);
		return;
	case T_OBJS:
		if (!ir_is_seq(n)) {
			type_error(v, n, in, f, path);
			return;
		}
		for (uint32_t i = 0; i < n->seq.len; i++) {
			struct ir_node *e = n->seq.items[i];
			if (ir_is_null(e))
				continue;
			if (!ir_is_map(e)) {
				struct kfield ef = { f->name, T_OBJ, f->sub };
				type_error(v, e, in, &ef, path);
				continue;
			}
			check_struct(v, e, f->sub, path);
		}
		return;
	}
}

/* Match keys to fields (exact first, then case-insensitively as Go's JSON
 * decoder does), rename them to the canonical name, keep the last of
 * duplicates, refuse unknown ones. */
static void check_struct(struct vctx *v, struct ir_node *n, const struct kstruct *s,
	const char *path)
{
	if (++v->depth > 64) {
		v->errors += diag_error(&v->ctx->diag, &n->pos, "kustomization nested too deeply");
		v->depth--;
		return;
	}
	for (uint32_t i = 0; i < n->map.len; i++) {
		struct ir_pair *p = &n->map.items[i];
		const struct kfield *f = NULL;
		if (!key_ok(v, p))
			continue;
		const struct str *name = ir_text(p->key);
		for (size_t j = 0; j < s->n && !f; j++)
			if (str_eqc(name, s->fields[j].name))
				f = &s->fields[j];
		for (size_t j = 0; j < s->n && !f; j++)
			if (name->len == strlen(s->fields[j].name) &&
			    !strncasecmp(name->s, s->fields[j].name, name->len))
				f = &s->fields[j];
		if (!f) {
			v->errors += diag_error(&v->ctx->diag, &p->key->pos,
				"invalid Kustomization: json: unknown field \"%s\"", name->s);
			continue;
		}
		if (!str_eqc(name, f->name))
			p->key = ir_str0(v->ctx, f->name, &p->key->pos);
		const char *sub = path && *path ? arena_printf(&v->ctx->arena, "%s.%s", path, f->name)
			: f->name;
		check_value(v, &p->value, s, f, sub);
	}
	/* Later keys overwrite earlier ones. */
	for (uint32_t i = 0; i < n->map.len; i++) {
		for (uint32_t j = i + 1; j < n->map.len; j++) {
			if (str_eq(n->map.items[i].key->s.text, n->map.items[j].key->s.text)) {
				memmove(&n->map.items[i], &n->map.items[i + 1],
					(n->map.len - i - 1) * sizeof *n->map.items);
				n->map.len--;
				i--;
				break;
			}
		}
	}
	ir_map_touched(n);
	v->depth--;
}

/* ------------------------------------------------------------ loading */

/* Find the kustomization file in dir.  Returns its path (malloc'd) or NULL
 * with an error reported at `from`. */
static char *find_kust_file(struct mc_ctx *ctx, const char *dir, const struct srcpos *from)
{
	char *found = NULL;
	int nfound = 0;
	for (size_t i = 0; i < COUNT(kust_file_names); i++) {
		char *p = path_clean(dir, kust_file_names[i]);
		enum vfs_kind k;
		if (vfs_stat(ctx->fs, p, &k) == 0 && k == VFS_FILE) {
			nfound++;
			if (!found) {
				found = p;
				continue;
			}
		}
		free(p);
	}
	if (nfound > 1) {
		diag_error(&ctx->diag, from, "Found multiple kustomization files under: %s", dir);
		free(found);
		return NULL;
	}
	if (!found)
		diag_error(&ctx->diag, from,
			"unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
			"'Kustomization' in directory '%s'", dir);
	return found;
}

static struct ir_pair *field(struct ir_node *doc, const char *name)
{
	for (uint32_t i = 0; i < doc->map.len; i++)
		if (str_eqc(doc->map.items[i].key->s.text, name))
			return &doc->map.items[i];
	return NULL;
}

/* Append the items of the deprecated field `from` to `to` and drop it. */
static void fold_into(struct mc_ctx *ctx, struct ir_node *doc, const char *from, const char *to)
{
	struct ir_pair *pf = field(doc, from);
	if (!pf)
		return;
	struct ir_node *items = pf->value;
	struct ir_pair *pt = field(doc, to);
	if (!ir_is_null(items)) {
		if (!pt || ir_is_null(pt->value)) {
			struct ir_node *seq = ir_seq(ctx, &items->pos);
			if (pt)
				pt->value = seq;
			else
				ir_map_setc(ctx, doc, to, seq);
			pt = field(doc, to);
		}
		for (uint32_t i = 0; i < items->seq.len; i++)
			ir_seq_push(ctx, pt->value, items->seq.items[i]);
	}
	ir_map_delc(doc, from);
}

static void fold_env(struct mc_ctx *ctx, struct ir_node *doc, const char *gen)
{
	struct ir_node *l = ir_map_getc(doc, gen);
	for (uint32_t i = 0; ir_is_seq(l) && i < l->seq.len; i++) {
		struct ir_node *g = l->seq.items[i];
		struct ir_node *env = ir_map_getc(g, "env");
		if (!ir_is_map(g) || !ir_is_str(env) || !env->s.text->len) {
			if (ir_is_map(g))
				ir_map_delc(g, "env");
			continue;
		}
		struct ir_node *envs = ir_map_getc(g, "envs");
		if (!ir_is_seq(envs))
			envs = ir_map_setc(ctx, g, "envs", ir_seq(ctx, &env->pos));
		ir_seq_push(ctx, envs, env);
		ir_map_delc(g, "env");
	}
}

/* Zero values, as reflect.DeepEqual against an empty Kustomization sees
 * them: null, "", false and 0 are empty; an empty list or map is not. */
static bool is_zero(const struct ir_node *n)
{
	if (ir_is_null(n))
		return true;
	switch (n->type) {
	case IR_STR:
		return !n->s.text->len;
	case IR_BOOL:
		return !n->s.v.b;
	case IR_INT:
		return !n->s.v.i;
	default:
		return false;
	}
}

static const char *const deprecations[][2] = {
	{ "bases", "# Warning: 'bases' is deprecated. Please use 'resources' instead. "
		"Run 'kustomize edit fix' to update your Kustomization automatically." },
	{ "commonLabels", "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. "
		"Run 'kustomize edit fix' to update your Kustomization automatically." },
	{ "imageTags", "# Warning: 'imageTags' is deprecated. Please use 'images' instead. "
		"Run 'kustomize edit fix' to update your Kustomization automatically." },
	{ "patchesJson6902", "# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead. "
		"Run 'kustomize edit fix' to update your Kustomization automatically." },
	{ "patchesStrategicMerge", "# Warning: 'patchesStrategicMerge' is deprecated. Please use "
		"'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically." },
	{ "vars", "# Warning: 'vars' is deprecated. Please use 'replacements' instead. "
		"[EXPERIMENTAL] Run 'kustomize edit fix' to update your Kustomization automatically." },
};

/* Validate and normalise a kustomization document as kustomize's Load
 * does (Unmarshal, CheckDeprecatedFields, FixKustomization, CheckEmpty,
 * EnforceFields).  Returns the number of errors. */
static int normalise(struct mc_ctx *ctx, struct ir_node *doc, const char *dir,
	const struct srcpos *top)
{
	struct vctx v = { ctx, 0, 0 };
	check_struct(&v, doc, &s_kustomization, "");
	if (v.errors)
		return v.errors;
	for (size_t i = 0; i < COUNT(deprecations); i++) {
		struct ir_pair *p = field(doc, deprecations[i][0]);
		if (p && !ir_is_null(p->value))
			diag_warn(&ctx->diag, &p->key->pos, "%s", deprecations[i][1]);
	}
	const char *kind = ir_cstr(ir_map_getc(doc, "kind"));
	const char *api = ir_cstr(ir_map_getc(doc, "apiVersion"));
	if (!kind || !*kind)
		kind = "Kustomization";
	bool component = !strcmp(kind, "Component");
	fold_into(ctx, doc, "bases", "resources");
	fold_into(ctx, doc, "imageTags", "images");
	fold_env(ctx, doc, "configMapGenerator");
	fold_env(ctx, doc, "secretGenerator");
	bool empty = true;
	for (uint32_t i = 0; i < doc->map.len; i++) {
		const struct str *k = doc->map.items[i].key->s.text;
		if (str_eqc(k, "kind") || str_eqc(k, "apiVersion"))
			continue;
		if (!is_zero(doc->map.items[i].value))
			empty = false;
	}
	if (empty)
		return diag_error(&ctx->diag, top, "kustomization.yaml is empty");
	int errors = 0;
	if (strcmp(kind, "Kustomization") && !component)
		errors += diag_error(&ctx->diag, &ir_map_getc(doc, "kind")->pos,
			"Failed to read kustomization file under %s:\nkind should be Kustomization or Component",
			dir);
	const char *want = component ? "kustomize.config.k8s.io/v1alpha1"
		: "kustomize.config.k8s.io/v1beta1";
	if (api && *api && strcmp(api, want))
		errors += diag_error(&ctx->diag, &ir_map_getc(doc, "apiVersion")->pos,
			"Failed to read kustomization file under %s:\napiVersion for %s should be %s",
			dir, kind, want);
	return errors;
}

static struct kust *load_kust(struct mc_ctx *ctx, const char *dir, const char *realdir,
	const struct kust_opts *opts, const struct srcpos *from, const struct srcfile *mem)
{
	const struct srcfile *f = mem;
	if (!f) {
		char *path = find_kust_file(ctx, dir, from);
		if (!path)
			return NULL;
		int err;
		f = vfs_load(ctx->fs, path, path, &err);
		free(path);
		if (!f) {
			diag_error(&ctx->diag, from, "cannot read kustomization in '%s': %s", dir,
				strerror(err));
			return NULL;
		}
	}
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK | YAML_FIRST_ONLY };
	struct ir_node *doc;
	if (yaml_load_one(ctx, f, &yo, &doc))
		return NULL;
	struct srcpos top = { f, 1, 1 };
	if (doc && !ir_is_map(doc)) {
		diag_error(&ctx->diag, &doc->pos,
			"invalid Kustomization: json: cannot unmarshal %s into Go value of type "
			"types.Kustomization", json_type(doc));
		return NULL;
	}
	if (!doc)
		doc = ir_map(ctx, &top);
	if (normalise(ctx, doc, realdir, &top))
		return NULL;
	struct kust *k = arena_calloc(&ctx->arena, 1, sizeof *k);
	k->opts = opts;
	k->file = f;
	k->dir = arena_strdup(&ctx->arena, dir);
	k->realdir = arena_strdup(&ctx->arena, realdir);
	k->doc = doc;
	const char *kind = ir_cstr(ir_map_getc(doc, "kind"));
	k->component = kind && !strcmp(kind, "Component");
	return k;
}

/* ------------------------------------------------------------ passes */

static const struct ir_pass accumulate_passes[] = {
	{ "openapi", kust_pass_openapi },
	{ "resources", kust_pass_resources },
	{ "configurations", kust_pass_configurations },
	{ "generators", kust_pass_generators },
	{ "components", kust_pass_components },
	/* The builtin transformers, in kustomize's order. */
	{ "patchesStrategicMerge", kust_pass_patches_smp },
	{ "patches", kust_pass_patches },
	{ "namespace", kust_pass_namespace },
	{ "namePrefix", kust_pass_prefix },
	{ "nameSuffix", kust_pass_suffix },
	{ "labels", kust_pass_labels },
	{ "commonAnnotations", kust_pass_annotations },
	{ "patchesJson6902", kust_pass_json6902 },
	{ "replicas", kust_pass_replicas },
	{ "images", kust_pass_images },
	{ "replacements", kust_pass_replacements },
	{ "transformers", kust_pass_transformers },
	{ "validators", kust_pass_validators },
	{ "vars", kust_pass_vars },
};

static const struct ir_pass top_passes[] = {
	{ "hash", kust_pass_hash },
	{ "namerefs", kust_pass_namerefs },
	{ "resolveVars", kust_pass_resolve_vars },
	{ "localConfig", kust_pass_local_config },
	{ "sort", kust_pass_sort },
	{ "finish", kust_pass_finish },
};

/* Run passes one at a time: identities may change in any pass, so the id
 * index is dropped between them. */
static int run_passes(struct ir_module *m, struct kust *k, const struct ir_pass *passes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int errors = pipeline_run(m, &passes[i], 1);
		kust_acc_touched(k);
		if (errors)
			return errors;
	}
	return 0;
}

static void inherit(struct kust *k, struct kust *parent)
{
	if (!parent) {
		k->top = k;
		const struct ir_node *bm = ir_map_getc(k->doc, "buildMetadata");
		for (uint32_t i = 0; ir_is_seq(bm) && i < bm->seq.len; i++) {
			const char *o = ir_cstr(bm->seq.items[i]);
			if (!o)
				continue;
			if (!strcmp(o, "originAnnotations"))
				k->origin_annotations = true;
			else if (!strcmp(o, "transformerAnnotations"))
				k->transformer_annotations = true;
			else if (!strcmp(o, "managedByLabel"))
				k->managed_by_label = true;
		}
		/* kustomize tracks origins whenever buildMetadata is not empty. */
		if (ir_is_seq(bm) && bm->seq.len)
			k->origin_path = "";
		return;
	}
	k->top = parent->top;
	k->origin_annotations = parent->origin_annotations;
	k->transformer_annotations = parent->transformer_annotations;
	k->managed_by_label = parent->managed_by_label;
}

static int accumulate(struct mc_ctx *ctx, struct kust *k, struct kust *parent,
	const char *origin_rel, struct ir_module *out, const struct srcpos *from)
{
	if (parent && parent->origin_path)
		k->origin_path = kust_path_join(ctx, parent->origin_path, origin_rel);
	if (k->role == KUST_COMPONENT) {
		/* A component acts on the including kustomization's accumulator. */
		k->acc = parent->acc;
		struct ir_module m = { ctx, out->res, k };
		int errors = run_passes(&m, k, accumulate_passes, COUNT(accumulate_passes));
		out->res = m.res;
		kust_acc_touched(parent);
		if (!errors) {
			struct ir_module pm = { ctx, out->res, parent };
			errors += kust_acc_check_unique(&pm, parent, from);
		}
		/* kustomize then merges that accumulator into an empty one, which
		 * re-deduplicates the transformer config in its sorted order. */
		if (!errors) {
			struct kust_tconfig fresh = { 0 };
			errors += kust_tconfig_merge(ctx, &fresh, &parent->acc->tc, from);
			parent->acc->tc = fresh;
		}
		return errors;
	}
	k->acc = arena_calloc(&ctx->arena, 1, sizeof *k->acc);
	struct ir_module m = { .ctx = ctx, .unit = k };
	int errors = run_passes(&m, k, accumulate_passes, COUNT(accumulate_passes));
	if (errors || !parent) {
		*out = m;
		return errors;
	}
	/* MergeAccumulator: resources, then config, then vars. */
	for (size_t i = 0; i < m.res.len && !errors; i++)
		errors += kust_acc_append(out, parent, m.res.items[i], from);
	if (!errors)
		errors += kust_tconfig_merge(ctx, &parent->acc->tc, &k->acc->tc, from);
	for (size_t i = 0; i < k->acc->vars.len && !errors; i++) {
		const struct kust_var *nv = &k->acc->vars.items[i];
		for (size_t j = 0; j < parent->acc->vars.len; j++)
			if (str_eq(parent->acc->vars.items[j].name, nv->name))
				errors += diag_error(&ctx->diag, &nv->pos,
					"var '%s' already encountered", nv->name->s);
		VEC_PUSH(&ctx->arena, &parent->acc->vars, *nv);
	}
	return errors;
}

int kust_build_dir(struct mc_ctx *ctx, const char *dir, const struct kust_opts *opts,
	struct kust *parent, enum kust_role role, const struct srcpos *from, const char *entry,
	struct ir_module *out)
{
	char *real = NULL;
	int rc = vfs_realpath(ctx->fs, dir, &real);
	if (rc) {
		return diag_error(&ctx->diag, from, "must build at directory: '%s': %s", dir,
			rc == ENOENT ? "no such file or directory" : strerror(rc));
	}
	enum vfs_kind kind;
	if (vfs_stat(ctx->fs, real, &kind) || kind != VFS_DIR) {
		free(real);
		return diag_error(&ctx->diag, from, "must build at directory: '%s': file is not directory", dir);
	}
	for (struct kust_stack *s = parent ? parent->stack : NULL; s; s = s->up) {
		if (path_within(s->realdir, real)) {
			int e = diag_error(&ctx->diag, from,
				"cycle detected: candidate root '%s' contains visited root '%s'", real, s->realdir);
			free(real);
			return e;
		}
	}
	struct kust *k = load_kust(ctx, dir, real, opts, from, NULL);
	free(real);
	if (!k)
		return 1;
	if (role == KUST_COMPONENT && !k->component)
		return diag_error(&ctx->diag, from, "expected kind 'Component' for path '%s' but got '%s'",
			k->realdir, ir_cstr(ir_map_getc(k->doc, "kind")) ? ir_cstr(ir_map_getc(k->doc, "kind")) : "Kustomization");
	if (role != KUST_COMPONENT && k->component)
		return diag_error(&ctx->diag, from, "expected kind != 'Component' for path '%s'",
			k->realdir);
	struct kust_stack here = { k->realdir, parent ? parent->stack : NULL };
	k->stack = &here;
	k->role = role;
	inherit(k, parent);
	int errors = accumulate(ctx, k, parent, entry, out, from);
	k->stack = NULL;
	return errors;
}

static int build_top(struct mc_ctx *ctx, struct kust *k, struct ir_reslist *out)
{
	struct kust_stack here = { k->realdir, NULL };
	k->stack = &here;
	k->role = KUST_TOP;
	inherit(k, NULL);
	struct ir_module m = { 0 };
	int errors = accumulate(ctx, k, NULL, NULL, &m, NULL);
	if (!errors)
		errors = run_passes(&m, k, top_passes, COUNT(top_passes));
	kust_openapi_release(k);
	k->stack = NULL;
	if (!errors)
		for (size_t i = 0; i < m.res.len; i++)
			ir_reslist_push(ctx, out, m.res.items[i]);
	return errors;
}

static struct kust *top_kust(struct mc_ctx *ctx, const char *dir, const struct kust_opts *opts,
	const struct srcfile *mem)
{
	char *real = NULL;
	int rc = vfs_realpath(ctx->fs, dir, &real);
	if (rc) {
		diag_error(&ctx->diag, NULL, "must build at directory: '%s': %s", dir,
			rc == ENOENT ? "no such file or directory" : strerror(rc));
		return NULL;
	}
	enum vfs_kind kind;
	if (vfs_stat(ctx->fs, real, &kind) || kind != VFS_DIR) {
		diag_error(&ctx->diag, NULL, "must build at directory: '%s': file is not directory", dir);
		free(real);
		return NULL;
	}
	struct kust *k = load_kust(ctx, dir, real, opts, NULL, mem);
	free(real);
	return k; /* a Component may be built on its own */
}

int kust_build(struct mc_ctx *ctx, const char *dir, const struct kust_opts *opts,
	struct ir_reslist *out)
{
	struct kust *k = top_kust(ctx, dir, opts, NULL);
	return k ? build_top(ctx, k, out) : 1;
}

int kust_build_doc(struct mc_ctx *ctx, const char *dir, const char *name, const char *data,
	size_t len, const struct kust_opts *opts, struct ir_reslist *out)
{
	char *display = path_clean(dir, name ? name : "kustomization.yaml");
	const struct srcfile *f = srcfile_mem(ctx, arena_strdup(&ctx->arena, display), data, len);
	free(display);
	struct kust *k = top_kust(ctx, dir, opts, f);
	return k ? build_top(ctx, k, out) : 1;
}

/* ------------------------------------------------------------ files */

const struct srcfile *kust_load_file(struct mc_ctx *ctx, struct kust *k, const char *rel,
	const struct srcpos *at)
{
	if (!strncmp(rel, "http://", 7) || !strncmp(rel, "https://", 8)) {
		diag_error(&ctx->diag, at, "remote file '%s' is not supported: manifestc works offline",
			rel);
		return NULL;
	}
	char *path = path_clean(k->dir, rel);
	char *real = NULL;
	int rc = vfs_realpath(ctx->fs, path, &real);
	const struct srcfile *f = NULL;
	enum vfs_kind kind = VFS_MISSING;
	if (!rc)
		rc = vfs_stat(ctx->fs, real, &kind);
	if (rc) {
		diag_error(&ctx->diag, at, "open %s: %s", path,
			rc == ENOENT || rc == ENOTDIR ? "no such file or directory" : strerror(rc));
	} else if (kind != VFS_FILE) {
		diag_error(&ctx->diag, at, "'%s' must resolve to a file", path);
	} else if (!k->opts->load_restrict_none && !path_within(real, k->realdir)) {
		diag_error(&ctx->diag, at, "security; file '%s' is not in or below '%s'", path,
			k->dir);
	} else {
		int err;
		f = vfs_load(ctx->fs, path, path, &err);
		if (!f)
			diag_error(&ctx->diag, at, "read %s: %s", path, strerror(err));
	}
	free(real);
	free(path);
	return f;
}

/* ------------------------------------------------------------ components */

int kust_pass_components(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct ir_node *list = ir_map_getc(k->doc, "components");
	int errors = 0;
	for (uint32_t i = 0; ir_is_seq(list) && i < list->seq.len && !errors; i++) {
		const struct ir_node *e = list->seq.items[i];
		const char *rel = ir_cstr(e);
		if (kust_is_remote(rel))
			return diag_error(&m->ctx->diag, &e->pos,
				"remote component '%s' is not supported: manifestc works offline", rel);
		if (!*rel)
			return diag_error(&m->ctx->diag, &e->pos, "loader.New \"new root cannot be empty\"");
		if (rel[0] == '/')
			return diag_error(&m->ctx->diag, &e->pos,
				"loader.New \"new root '%s' cannot be absolute\"", rel);
		char *dir = path_clean(k->dir, rel);
		errors += kust_build_dir(m->ctx, dir, k->opts, k, KUST_COMPONENT, &e->pos, rel, m);
		free(dir);
	}
	return errors;
}
