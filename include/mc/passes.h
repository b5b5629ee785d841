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

#endif
