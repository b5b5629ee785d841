/*
 * passes.h - transformations over a module of resources.
 *
 * A pass is a function with one signature that reads its configuration from
 * the module's unit (what the frontend parsed: a kustomization, a chart, an
 * Application), edits the module's resources, reports findings to
 * ctx->diag and returns how many errors it added.  Passes never print and
 * never exit.  pipeline_run runs a table of passes in order and stops after
 * the first pass that reports errors, so later passes may assume earlier
 * ones succeeded.
 */
#ifndef MC_PASSES_H
#define MC_PASSES_H

#include "mc/frontend.h"
#include "mc/ir.h"

struct ir_module {
	struct mc_ctx *ctx;
	struct ir_reslist res;
	void *unit; /* owned by the frontend that made the module */
};

typedef int (*ir_pass_fn)(struct ir_module *m);

struct ir_pass {
	const char *name;
	ir_pass_fn run;
};

/* Run the passes in order; returns the number of errors.  When the
 * environment variable MC_DUMP_AFTER names a pass, the resources are
 * printed to stderr after it runs (a debugging aid). */
int pipeline_run(struct ir_module *m, const struct ir_pass *passes, size_t n);

/* ------------------------------------------------------------ kustomize */

/*
 * The kustomize frontend (frontend/kust.c) builds a tree of kustomizations
 * the way kustomize v5.5.0's KustTarget does: each kustomization (and each
 * component) runs a table of passes over an accumulator of resources; the
 * top one then runs the passes that must happen once (hash suffixes, name
 * references, vars, sorting).  kust1 owns the pipeline and most passes;
 * kust2 owns patches, JSON 6902, target selectors, replacements and openapi.
 */

enum kust_role {
	KUST_TOP,       /* the directory `build` was asked for */
	KUST_RESOURCE,  /* named in resources: or bases: */
	KUST_COMPONENT, /* named in components: */
};

/* A field spec (kustomize's types.FieldSpec): where in which kinds a
 * transformer acts, e.g. {group apps, kind Deployment,
 * spec/template/metadata/labels, create}.  Empty group/version/kind match
 * anything. */
struct kust_fs {
	const struct str *group, *version, *kind; /* never NULL */
	const struct str *path;   /* as written */
	const struct str **parts; /* path split at unescaped '/' */
	uint32_t nparts;
	bool create;
	struct srcpos pos;        /* the configuration entry, or none */
};

struct kust_fslist {
	struct kust_fs *items;
	size_t len, cap;
};

/* nameReference: a referral kind and the fields that name it. */
struct kust_nameref {
	const struct str *group, *version, *kind;
	struct kust_fslist referrers;
};

enum kust_fsset {
	KUST_FS_PREFIX, KUST_FS_SUFFIX, KUST_FS_NAMESPACE, KUST_FS_COMMON_LABELS,
	KUST_FS_LABELS, KUST_FS_TEMPLATE_LABELS, KUST_FS_COMMON_ANNOTATIONS,
	KUST_FS_VARREF, KUST_FS_IMAGES, KUST_FS_REPLICAS, KUST_FS_NSETS,
};

/* kustomize's TransformerConfig: the builtin field specs plus those read
 * from `configurations:` and `crds:`, merged up the tree. */
struct kust_tconfig {
	struct kust_fslist fs[KUST_FS_NSETS];
	struct {
		struct kust_nameref *items;
		size_t len, cap;
	} nameref;
};

/* A var (the deprecated `vars:` field). */
struct kust_var {
	const struct str *name;
	const struct str *api_version, *group, *version, *kind, *obj_name, *obj_ns;
	const struct str *fieldpath; /* default metadata.name */
	struct srcpos pos;
};

struct kust_idx;

/* What a kustomization hands to the one that includes it: resources (the
 * module's list), transformer config and vars (ResAccumulator). */
struct kust_acc {
	struct kust_tconfig tc;
	struct {
		struct kust_var *items;
		size_t len, cap;
	} vars;
	struct kust_idx *idx; /* id index of the module's list; NULL when stale */
};

/* A loaded kustomization: one node in the tree of kustomizations that a
 * build walks.  doc is the validated document with canonical field names
 * (kustomize matches field names case-insensitively) and deprecated fields
 * folded in (bases into resources, imageTags into images, env into envs). */
struct kust {
	const struct kust_opts *opts;
	const struct srcfile *file; /* the kustomization file */
	const char *dir;            /* its directory, clean, as the user named it */
	const char *realdir;        /* the same with symlinks resolved (the root) */
	struct ir_node *doc;        /* the whole document (a map) */
	bool component;             /* kind: Component */
	enum kust_role role;        /* why it is being built */
	struct kust_stack *stack;   /* the kustomizations being built above this one */
	struct kust_acc *acc;       /* what it accumulates (the parent's for a component) */
	struct kust *top;           /* the kustomization `build` was asked for */
	const struct kust_tconfig *default_tc; /* (top only) the builtin config, built once */
	void *parse_cache;          /* (top only) resource files included so far */
	/* buildMetadata of the top kustomization (inherited, as kustomize does) */
	bool origin_annotations, transformer_annotations, managed_by_label;
	const char *origin_path;    /* origin path of this kustomization (buildMetadata) */
	struct kust_openapi *openapi; /* (top only) the OpenAPI schema in effect (kust_openapi.c) */
};

struct kust_stack {
	const char *realdir;
	struct kust_stack *up;
};

/* Load the kustomization in dir and accumulate it: its resources go to
 * out's list and its config and vars into out's accumulator.  Used for the
 * top directory and for every directory named in resources/components. */
int kust_build_dir(struct mc_ctx *ctx, const char *dir, const struct kust_opts *opts,
	struct kust *parent, enum kust_role role, const struct srcpos *from, const char *entry,
	struct ir_module *out);
/* A remote resource URL (git, http): refused, manifestc works offline. */
bool kust_is_remote(const char *path);

/* ---- per-resource state (ir_resource.ext), kustomize's build annotations ---- */

enum kust_behavior {
	KUST_BEHAVIOR_UNSET, KUST_BEHAVIOR_CREATE, KUST_BEHAVIOR_REPLACE, KUST_BEHAVIOR_MERGE,
};

/* A previous identity (kustomize's previousNames/Namespaces/Kinds): the
 * namespace is stored as kustomize stores it, effective ("default" for
 * none, "_non_namespaceable_" for cluster-scoped kinds). */
struct kust_previd {
	const struct str *ns, *name, *kind;
};

struct kust_res {
	VEC(struct kust_previd) prev;      /* oldest first */
	VEC(const struct str *) prefixes;  /* namePrefix applied, innermost first */
	VEC(const struct str *) suffixes;
	VEC(const struct str *) refvars;   /* vars that take their value here */
	uint8_t behavior;                  /* enum kust_behavior (generated resources) */
	bool needs_hash;                   /* generated: gets a content hash suffix */
	bool allow_name_change, allow_kind_change;
	bool generated;
};

/* The state of r, created empty on first use. */
struct kust_res *kust_res_of(struct mc_ctx *ctx, struct ir_resource *r);
/* Copy r's state to dst (a deep copy of r's body that replaces it). */
void kust_res_copy(struct mc_ctx *ctx, struct ir_resource *dst, struct ir_resource *src);
/* StorePreviousId: remember r's current namespace, name and kind before
 * a transformer changes them.  Call before renaming. */
void kust_store_prev_id(struct mc_ctx *ctx, struct ir_resource *r);
/* Set metadata.name (and optionally kind) of r, storing the previous id
 * first, then resync its identity: for patches with allowNameChange. */
void kust_rename(struct mc_ctx *ctx, struct ir_resource *r, const struct str *name);
/* The original id (first previous id, with r's current group/version), or
 * the current one. */
void kust_orgid(struct mc_ctx *ctx, struct ir_resource *r, struct ir_resid *out);
/* Previous ids of r, oldest first (group/version are r's current ones). */
size_t kust_previds(struct mc_ctx *ctx, struct ir_resource *r, struct ir_resid *out, size_t max);

/* Cluster scope as kustomize knows it (its builtin v1.21.2 OpenAPI data,
 * or a custom schema given through `openapi:`). */
bool kust_cluster_scoped(struct mc_ctx *ctx, const struct str *group,
	const struct str *version, const struct str *kind);
/* kustomize's EffectiveNamespace: "_non_namespaceable_" for cluster-scoped
 * kinds, "default" for none, else the namespace. */
const struct str *kust_effective_ns(struct mc_ctx *ctx, const struct ir_resid *id);
/* ResId.Equals: same group, version, kind, name and effective namespace. */
bool kust_id_equals(struct mc_ctx *ctx, const struct ir_resid *a, const struct ir_resid *b);
/* ResId.String(): "Kind.version.group/name.namespace" with [noGrp] etc. */
const char *kust_id_str(struct mc_ctx *ctx, const struct ir_resid *id);
/* Gvk.IsSelected: each non-empty selector field equals the id's. */
bool kust_gvk_selected(const struct ir_resid *id, const struct str *group,
	const struct str *version, const struct str *kind);

/* ---- the accumulator's id index (kept up to date by kust_acc_append) ---- */

/* Append r to m, refusing an id already there (ResMap.Append). */
int kust_acc_append(struct ir_module *m, struct kust *k, struct ir_resource *r,
	const struct srcpos *at);
/* Resources whose current id Equals id; returns the count, fills up to max. */
size_t kust_acc_find_cur(struct ir_module *m, struct kust *k, const struct ir_resid *id,
	struct ir_resource **out, size_t max);
/* Resources with any id (previous or current) Equals id. */
size_t kust_acc_find_any(struct ir_module *m, struct kust *k, const struct ir_resid *id,
	struct ir_resource **out, size_t max);
/* Re-appending m's resources to an empty accumulator, as kustomize does
 * after a component and at the end: two with the same current id fail. */
int kust_acc_check_unique(struct ir_module *m, struct kust *k, const struct srcpos *at);
/* Forget the index after identities changed (passes that rename call it;
 * the pass driver also calls it after every pass). */
void kust_acc_touched(struct kust *k);

/* ---- field specs ---- */

/* Apply fn at every node that fs's path reaches in body (when body's GVK
 * matches fs), creating missing maps on the way when fs->create and
 * create_kind is IR_MAP or a scalar type.  The callback gets the parent
 * container and a pointer to the slot, which it may replace.  Returns 0 or
 * an error count (the message is prefixed as kustomize prefixes it). */
struct kust_fs_visit {
	struct mc_ctx *ctx;
	int (*fn)(struct kust_fs_visit *v, struct ir_node **slot);
	int create_kind;        /* -1: never create; IR_MAP, IR_STR, IR_INT ... */
	void *arg;
	const struct srcpos *at; /* where errors are reported */
	struct ir_resource *res;
};
int kust_fs_apply(struct kust_fs_visit *v, const struct kust_fs *fs, struct ir_node **body);
bool kust_fs_matches(const struct kust_fs *fs, const struct ir_resid *id);
/* Parse a field spec list (`- {group, version, kind, path, create}`) from a
 * configuration or plugin config node, appending to out; strict refuses
 * unknown fields (configuration files are decoded strictly, plugin
 * configs are not). */
int kust_fs_parse_list(struct mc_ctx *ctx, const struct ir_node *list, struct kust_fslist *out,
	bool strict);
void kust_fs_init(struct mc_ctx *ctx, struct kust_fs *fs, const char *group, const char *version,
	const char *kind, const char *path, bool create);
/* FsSlice.MergeOne / MergeAll (no duplicates; a conflicting create flag is
 * an error). */
int kust_fs_merge(struct mc_ctx *ctx, struct kust_fslist *into, const struct kust_fs *fs,
	const struct srcpos *at);
/* The builtin configuration (builtinpluginconsts), built once per context. */
const struct kust_tconfig *kust_tconfig_default(struct mc_ctx *ctx);
/* A deep copy (the lists are not shared). */
void kust_tconfig_copy(struct mc_ctx *ctx, struct kust_tconfig *dst, const struct kust_tconfig *src);
/* TransformerConfig.Merge: into := into + from, then sorted by GVK. */
int kust_tconfig_merge(struct mc_ctx *ctx, struct kust_tconfig *into,
	const struct kust_tconfig *from, const struct srcpos *at);
/* Parse a TransformerConfig document (a `configurations:` file). */
int kust_tconfig_parse(struct mc_ctx *ctx, const struct ir_node *doc, struct kust_tconfig *out);

/* ---- loading files the way a kustomization may ---- */

/* Read a file named by a kustomization entry, relative to k's directory,
 * under the load restrictor.  NULL with an error reported at `at`. */
const struct srcfile *kust_load_file(struct mc_ctx *ctx, struct kust *k, const char *rel,
	const struct srcpos *at);
/* Parse YAML documents (kyaml's reader: v3 scalars, empty documents
 * dropped, Lists expanded) into new resources appended to out. */
int kust_parse_resources(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *yo,
	struct ir_reslist *out);
/* The documents of a resource file as kyaml's ByteReader reads them
 * (kust_docsplit.c): cut at `---` lines, first document of each piece. */
int kust_read_docs(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *yo,
	struct ir_docs *out);
/* The same for strategic merge patches (kust3): the annotations field is
 * kept as written. */
int kust_parse_patches(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *yo,
	struct ir_reslist *out);

/* Accumulate a list of resource paths (files or kustomization
 * directories) into m, as `resources:` does. */
int kust_accumulate_paths(struct ir_module *m, struct kust *k, const struct ir_node *list);
/* base/rel, lexically cleaned, in the arena (rel alone when base is ""). */
const char *kust_path_join(struct mc_ctx *ctx, const char *base, const char *rel);
/* Set one annotation (creating metadata.annotations). */
void kust_set_annotation(struct mc_ctx *ctx, struct ir_node *body, const char *key,
	const char *value);

/* ---- builtin transformers with explicit configuration (also used for
 * builtin plugin configs in transformers:) ---- */
int kust_namespace_apply(struct ir_module *m, struct kust *k, const struct str *ns,
	const struct kust_fslist *specs, bool unset_only, const char *subjects_mode,
	const struct srcpos *at);
/* The namespace filter alone (no field specs, no previous id). */
int kust_namespace_set(struct mc_ctx *ctx, struct ir_resource *r, const struct str *ns,
	const struct srcpos *at);
/* ValueAddTransformer, from its plugin config. */
int kust_plugin_valueadd(struct ir_module *m, struct kust *k, struct ir_node *cfg);
int kust_affix_apply(struct ir_module *m, struct kust *k, const struct str *value, bool suffix,
	const struct kust_fslist *specs, const struct srcpos *at);
int kust_pairs_apply(struct ir_module *m, struct kust *k, const struct ir_node *pairs,
	const struct kust_fslist *specs, const struct srcpos *at);
int kust_image_apply(struct ir_module *m, struct kust *k, const struct ir_node *entry,
	const struct kust_fslist *specs, const struct srcpos *at);
int kust_replica_apply(struct ir_module *m, struct kust *k, const struct str *name, int64_t count,
	const struct kust_fslist *specs, const struct srcpos *at);
/* Generate one ConfigMap/Secret entry and absorb it (create/merge/replace);
 * origin is the origin annotation to give it (buildMetadata) or NULL. */
int kust_generate(struct ir_module *m, struct kust *k, const struct ir_node *args, bool secret,
	const struct ir_node *global_opts, const char *origin);
int kust_plugins_generators(struct ir_module *m, struct kust *k);
/* AbsorbAll of one generated resource: append it, or merge or replace the
 * one resource with its id as its generator behaviour says. */
int kust_absorb(struct ir_module *m, struct kust *k, struct ir_resource *res,
	const struct srcpos *at);
/* One helmCharts entry (or HelmChartInflationGenerator config). */
int kust_helm_chart(struct ir_module *m, struct kust *k, const struct ir_node *chart,
	const struct ir_node *globals);
int kust_hash_apply(struct ir_module *m, struct kust *k);
/* The JSON kustomize hashes for a resource, and the 10-character suffix. */
void kust_hash_encode(const struct ir_node *body, const struct str *kind, struct sbuf *out);
void kust_hash_suffix(const char *data, size_t len, char out[11]);

/* ---- the passes of one kustomization, in kustomize's order ---- */

int kust_pass_resources(struct ir_module *m);     /* resources (+bases) */
int kust_pass_configurations(struct ir_module *m);/* configurations + crds */
int kust_pass_generators(struct ir_module *m);    /* configMap/secret/helm, generators: */
int kust_pass_components(struct ir_module *m);    /* components */
/* builtin transformers, in configureBuiltinTransformers' order */
int kust_pass_patches_smp(struct ir_module *m);   /* kust2: patchesStrategicMerge */
int kust_pass_patches(struct ir_module *m);       /* kust2: patches */
int kust_pass_namespace(struct ir_module *m);
int kust_pass_prefix(struct ir_module *m);
int kust_pass_suffix(struct ir_module *m);
int kust_pass_labels(struct ir_module *m);        /* labels + commonLabels */
int kust_pass_annotations(struct ir_module *m);   /* commonAnnotations */
int kust_pass_json6902(struct ir_module *m);      /* kust2: patchesJson6902 */
int kust_pass_replicas(struct ir_module *m);
int kust_pass_images(struct ir_module *m);
int kust_pass_replacements(struct ir_module *m);  /* kust2: replacements */
int kust_pass_transformers(struct ir_module *m);  /* transformers: */
int kust_pass_validators(struct ir_module *m);    /* validators: */
int kust_pass_vars(struct ir_module *m);          /* vars (MergeVars) */
/* at the top only */
int kust_pass_hash(struct ir_module *m);          /* addHashesToNames */
int kust_pass_namerefs(struct ir_module *m);      /* FixBackReferences */
int kust_pass_resolve_vars(struct ir_module *m);  /* ResolveVars */
int kust_pass_local_config(struct ir_module *m);  /* IgnoreLocal */
int kust_pass_sort(struct ir_module *m);
int kust_pass_finish(struct ir_module *m);

/* Builtin plugin configs (apiVersion builtin) given in generators:,
 * transformers: or validators:.  cfg is the plugin document; k the
 * kustomization that names it.  kust2 provides the patch and replacement
 * ones. */
/* Rename cfg's keys to the plugin struct's field names as encoding/json
 * matches them (exact, else case-insensitive; the last duplicate wins),
 * through the nested structs (kust_plugcanon.c, kust3). */
void kust_plugin_canon(struct mc_ctx *ctx, struct ir_node *cfg, const struct str *kind);
int kust_plugin_patch(struct ir_module *m, struct kust *k, struct ir_node *cfg);
int kust_plugin_smp(struct ir_module *m, struct kust *k, struct ir_node *cfg);
int kust_plugin_json6902(struct ir_module *m, struct kust *k, struct ir_node *cfg);
int kust_plugin_replacement(struct ir_module *m, struct kust *k, struct ir_node *cfg);

/* A value of an origin annotation's YAML, quoted as go-yaml quotes it. */
const char *kust_origin_quote(struct mc_ctx *ctx, const char *s);
/* After each builtin transformer: transformer annotations (buildMetadata)
 * and DropEmpties, as kustomize's multiTransformer does. */
void kust_after_transformer(struct ir_module *m, struct kust *k, const char *plugin_kind);
/* The same after a transformer plugin config; origin is its origin YAML
 * (or NULL). */
void kust_after_plugin(struct ir_module *m, struct kust *k, const char *origin);

/* Kustomize's legacy ordering of a resource list (SortOrderTransformer):
 * first and last are kind names; NULL means kustomize's defaults. */
void kust_sort_legacy(struct mc_ctx *ctx, struct ir_reslist *l,
	const struct str *const *first, size_t nfirst,
	const struct str *const *last, size_t nlast);

/* ----------------------------- kustomize: build annotations (kust3) */

/* kustomize keeps a resource's build state (struct kust_res) in
 * "internal.config.kubernetes.io/..." annotations until the end of the
 * build; operations that see the whole annotations map (JSON 6902 and
 * strategic merge patches, replacements) see them too.  Show writes the
 * state into metadata.annotations; absorb reads back what is there
 * afterwards (the operation may have removed or changed it) and takes it
 * out of the map again (removing a map that show created and that is now
 * empty). */
struct kust_shown {
	bool created; /* show created the annotations map */
	bool shown;
};
void kust_buildann_show(struct mc_ctx *ctx, struct ir_resource *r, struct kust_shown *s);
void kust_buildann_absorb(struct mc_ctx *ctx, struct ir_resource *r, const struct kust_shown *s);
/* Whether r has any build state (kustomize would hold build annotations). */
bool kust_buildann_any(struct ir_resource *r);
/* One of resource.BuildAnnotations (stripped by RemoveBuildAnnotations). */
bool kust_is_build_annotation(const struct str *key);
/* kioutil.GetInternalAnnotations of r's body as a map of strings (NULL
 * when there is none). */
struct ir_node *kust_buildann_internal(struct mc_ctx *ctx, struct ir_resource *r);
/* RNode.SetAnnotations(GetAnnotations() + extra): every value becomes its
 * string (a scalar's text, "" for a collection), an empty map disappears,
 * metadata is created when missing. */
void kust_set_annotations_strings(struct mc_ctx *ctx, struct ir_node *body,
	const struct ir_node *extra);

/* Set key in map to a node kustomize's SetEntry shares (kust_labels.c):
 * an existing entry's node is overwritten in place, a new entry gets the
 * shared node itself. */
void kust_set_entry(struct ir_node *map, struct ir_pair *existing, struct mc_ctx *ctx,
	const struct str *key, struct ir_node *shared);

/* FieldSetter on a scalar (kust_setter.c): set *slot to text with the
 * given tag (IR_INT, IR_STR, or IR_NULL for none), keeping the old node's
 * quotes or explicit tag as kustomize's write-out does, in place. */
void kust_set_scalar(struct mc_ctx *ctx, struct ir_node **slot, const struct str *text,
	enum ir_type tag, const struct srcpos *pos);

/* A scalar whose text cannot be read as its type (a replacement wrote
 * "db" into an int): kustomize fails only when it decodes the resource.
 * Bit 15 of ir_node.flags belongs to the kustomize frontend. */
#define KUST_F_UNDECODABLE (1u << 15)
/* The first such node in n (NULL when none) and kustomize's message. */
const struct ir_node *kust_undecodable(const struct ir_node *n, int depth);
void kust_undecodable_msg(const struct ir_node *n, struct sbuf *out);

/* -------------------------------------- kustomize: selectors, patches */

/* A resource selector (kustomize's types.Selector): group, version, kind,
 * name and namespace are Go regular expressions matched whole (NULL or ""
 * matches anything), plus a label and an annotation selector in
 * Kubernetes' selector syntax.  Name and namespace match the original or
 * the current identity. */
struct kust_selector_re;
struct kust_selector {
	const struct str *group, *version, *kind, *name, *ns;
	const struct str *label_selector, *anno_selector;
	struct srcpos pos;               /* the `target:` node */
	struct kust_selector_re *re;     /* compiled on first use (arena) */
};

/* Read a selector map (`target:`); `what` names the field in messages. */
int kust_selector_parse(struct mc_ctx *ctx, const struct ir_node *target, const char *what,
	struct kust_selector *sel);
/* Compile the regexes and selectors (done by kust_select on first use);
 * errors are reported at sel->pos. */
int kust_selector_compile(struct mc_ctx *ctx, struct kust_selector *sel);
bool kust_selector_match(struct mc_ctx *ctx, const struct kust_selector *sel,
	struct ir_resource *r);
/* Free what compiling allocated outside the arena (call when done). */
void kust_selector_release(struct kust_selector *sel);
/* Append the resources of `in` that sel selects, in order, to out. */
int kust_select(struct mc_ctx *ctx, struct kust_selector *sel, const struct ir_reslist *in,
	struct ir_reslist *out);
/* types.Selector's String(), for messages. */
const char *kust_selector_fmt(struct mc_ctx *ctx, const struct kust_selector *sel);

/* A decoded JSON 6902 patch. */
struct kust_jpatch {
	struct ir_node *ops;  /* a sequence of operation maps */
	bool raw_json;        /* written as JSON: `test` compares numbers' text */
	struct srcpos pos;
};
/* Decode patch text: JSON when json is set (the text starts with '['),
 * else YAML converted as sigs.k8s.io/yaml does.  -1 with a message in err. */
int kust_jpatch_decode(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *yo,
	bool json, struct kust_jpatch *out, struct sbuf *err);
/* Apply p to *body (a resource map, which may be replaced).  -1 with a
 * message in err. */
int kust_jpatch_apply(struct mc_ctx *ctx, const struct kust_jpatch *p, struct ir_node **body,
	struct sbuf *err);

/* Where strategic merge finds schemas (kyaml's openapi package): the
 * builtin Kubernetes schemas, a custom `openapi:` document, or a test
 * table.  A NULL schema means "unknown": lists are then replaced. */
struct kust_schema;
struct kust_schemas {
	/* The schema of a resource type (apiVersion and kind as written). */
	const struct kust_schema *(*type)(const struct kust_schemas *ss,
		const struct str *api_version, const struct str *kind);
	/* kyaml's Field(): a property, else the additionalProperties schema. */
	const struct kust_schema *(*field)(const struct kust_schemas *ss,
		const struct kust_schema *s, const struct str *key);
	/* kyaml's Elements(): the items of a schema of type array. */
	const struct kust_schema *(*items)(const struct kust_schemas *ss,
		const struct kust_schema *s);
	/* Whether x-kubernetes-patch-strategy includes "merge"; when keys is
	 * not NULL, the merge keys too (x-kubernetes-list-map-keys, else the
	 * patch merge key, else none). */
	bool (*merge)(const struct kust_schemas *ss, const struct kust_schema *s,
		const char *const **keys, size_t *nkeys);
	void *data;
};

/* Strategic-merge patch into target (both maps; the patch is consumed:
 * its nodes move into the result).  *out is the merged resource, or NULL
 * when the patch deleted it.  -1 with a message in err. */
int kust_smp_merge(struct mc_ctx *ctx, const struct kust_schemas *ss, struct ir_node *target,
	struct ir_node *patch, struct ir_node **out, struct sbuf *err);

/* The schemas strategic merge uses in k's build: the builtin Kubernetes
 * ones, or the custom `openapi:` document in effect. */
const struct kust_schemas *kust_schemas_current(struct mc_ctx *ctx, struct kust *k);
/* A resource id made in the build (kust3): an id of a kind kustomize's
 * builtin table does not know makes its global schema load the builtin
 * definitions too once a base or component installs a custom one. */
void kust_openapi_note_id(struct mc_ctx *ctx, struct kust *k, const struct ir_resid *id);
/* The `openapi:` field (first pass of every kustomization: the first one
 * that sets a schema sets it for the build), and the release of what it
 * allocated (after the top's build). */
int kust_pass_openapi(struct ir_module *m);
void kust_openapi_release(struct kust *top);

/* ------------------------------------------------------ Argo CD sync order */

/* Sync phases in the order Argo CD runs them. */
enum sync_phase { SYNC_PHASE_PRESYNC, SYNC_PHASE_SYNC, SYNC_PHASE_POSTSYNC, SYNC_PHASE_SYNCFAIL };

struct sync_task {
	struct ir_resource *res;
	enum sync_phase phase;
	int64_t wave;    /* effective, after the Namespace and CRD moves */
	uint32_t index;  /* position of the resource in the input list */
};

/* An Application's resources as Argo CD syncs them: the sorted tasks (a
 * hook with two phases appears twice), and the resources that give no task
 * (Skip-only objects, hooks with no valid type such as Helm tests or
 * PreDelete hooks), in input order. */
struct sync_plan {
	struct sync_task *tasks;
	size_t len;
	struct ir_resource **unsynced;
	size_t nunsynced;
};

/* Order res (gitops-engine's getSyncTasks + syncTasks.Sort); dest_ns is the
 * Application's destination namespace (may be NULL or empty).  The plan
 * lives in ctx's arena. */
void sync_plan_build(struct mc_ctx *ctx, const struct ir_reslist *res, const char *dest_ns,
	struct sync_plan *plan);
const char *sync_phase_name(enum sync_phase p);
/* The wave of an object: argocd.argoproj.io/sync-wave, else
 * helm.sh/hook-weight (each parsed as strconv.Atoi), else 0. */
int64_t sync_wave_of(const struct ir_node *body);
/* Bit (1 << phase) for each phase the object is synced in; 0 for none. */
unsigned sync_phases_of(const struct ir_node *body);

/* The sync order as a pass: module->unit is a struct sync_unit; the
 * resources are reordered, each once at its first task, the unsynced ones
 * last, and waves[i] is the effective wave of the i-th resource. */
struct sync_unit {
	const char *dest_ns;
	struct sync_plan plan;
	int64_t *waves; /* in ctx's arena */
};

int sync_pass_order(struct ir_module *m);

#endif
