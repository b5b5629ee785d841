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

enum kust_role {
	KUST_TOP,       /* the directory `build` was asked for */
	KUST_RESOURCE,  /* named in resources: or bases: */
	KUST_COMPONENT, /* named in components: */
};

/* A loaded kustomization: one node in the tree of kustomizations that a
 * build walks.  The fields are the document's nodes (NULL when absent). */
struct kust {
	const struct kust_opts *opts;
	const struct srcfile *file; /* the kustomization file */
	const char *dir;            /* its directory, clean, as the user named it */
	const char *realdir;        /* the same with symlinks resolved (the root) */
	struct ir_node *doc;        /* the whole document (a map) */
	bool component;             /* kind: Component */
	enum kust_role role;        /* why it is being built */
	struct kust_stack *stack;   /* the kustomizations being built above this one */
};

struct kust_stack {
	const char *realdir;
	struct kust_stack *up;
};

/* Load the kustomization in dir and run its pipeline; the resources it
 * produces go to out.  Used for the top directory and for every directory
 * named in resources/bases/components. */
int kust_build_dir(struct mc_ctx *ctx, const char *dir, const struct kust_opts *opts,
	struct kust_stack *stack, enum kust_role role, const struct srcpos *from,
	struct ir_reslist *out);

/* The passes of one kustomization, in kustomize's order. */
int kust_pass_resources(struct ir_module *m);
int kust_pass_sort(struct ir_module *m);
int kust_pass_finish(struct ir_module *m);

/* Kustomize's legacy ordering of a resource list (SortOrderTransformer):
 * first and last are kind names; NULL means kustomize's defaults. */
void kust_sort_legacy(struct mc_ctx *ctx, struct ir_reslist *l,
	const struct str *const *first, size_t nfirst,
	const struct str *const *last, size_t nlast);

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

#endif
