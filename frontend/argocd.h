/*
 * argocd.h - private to frontend/: the pieces of the Argo CD frontend
 * (ApplicationSets, Applications) shared between its files and its tests.
 *
 * Parameters are IR maps.  In legacy (fasttemplate) mode they are flat maps
 * of strings ("path.basename": "app"); in goTemplate mode nested values with
 * every number a float64, as Go's encoding/json gives them.  Generators,
 * template rendering and Application rendering report errors with Argo CD's
 * wording (so users can search for them) at the position of the ApplicationSet
 * node that caused them.
 */
#ifndef MC_FRONTEND_ARGOCD_H
#define MC_FRONTEND_ARGOCD_H

#include <stdbool.h>

#include "mc/frontend.h"
#include "mc/passes.h"
#include "mc/validate.h"

/* ---------------------------------------------------------------- text */

/* How an ApplicationSet renders strings: spec.goTemplate and
 * spec.goTemplateOptions. */
struct gt_set;

struct appset_mode {
	bool go;
	const char *const *options; /* "missingkey=error", ... */
	size_t noptions;
	/* goTemplate's function set, built on first use in gt_ctx. */
	struct gt_set *gt_base;
	struct mc_ctx *gt_ctx;
};

/* utils.Render.Replace: render one string against params.  Returns 0 and
 * appends the result to out, or 1 with Argo CD's message in err. */
int appset_replace(struct mc_ctx *ctx, const struct appset_mode *mode, const char *s, size_t n,
	const struct ir_node *params, struct sbuf *out, struct sbuf *err);
/* The legacy renderer alone (valyala/fasttemplate with Argo CD's rules). */
int appset_fasttemplate(const char *s, size_t n, const struct ir_node *params, struct sbuf *out,
	struct sbuf *err);
/* True when a goTemplate render error is a missing key (map has no entry /
 * can't evaluate field): the matrix values pre-resolution keeps those. */
bool appset_missing_key_error(const char *msg);

/* utils.SanitizeName: lowercase, [^-a-z0-9.] to '-', 253 bytes, trim "-.". */
void appset_normalize(struct sbuf *out, const char *s, size_t n);
/* utils.SlugifyName: normalize, then gosimple/slug with MaxLength and
 * EnableSmartTruncate. */
void appset_slugify(struct sbuf *out, const char *s, size_t n, long max_len, bool smart);

/* Go's fmt "%v" of a JSON-model value (numbers are float64s: 1e+06). */
void appset_fmt_v(struct sbuf *out, const struct ir_node *n);
/* Flatten params the way the post-selector sees them (jeremywohl/flatten in
 * DotStyle, leaves through %v): a flat map of strings. */
struct ir_node *appset_flatten(struct mc_ctx *ctx, const struct ir_node *params);

/* Parameter nodes that Argo CD holds as typed Go slices ([]string: the
 * `segments` of a git path; []map: the flat-list `clusters`): flatten treats
 * them as one leaf.  A bit in ir_node.flags owned by this frontend. */
#define APPSET_F_TYPED_SLICE (1u << 14)

/* ----------------------------------------------------------- selectors */

struct appset_selector;

/* Parse a metav1.LabelSelector as Argo CD's LabelSelectorAsSelector does
 * (keys validated as qualified names; values validated only when
 * check_values, as the k8s function used for cluster Secrets does).
 * NULL sel gives a selector that matches everything.  Returns 0, or 1 with
 * a message in err, without a prefix: callers say which conversion failed
 * (Argo CD's cluster generator and post-selector word it differently). */
int appset_selector_parse(struct mc_ctx *ctx, const struct ir_node *sel, bool check_values,
	struct appset_selector **out, struct sbuf *err);
/* Whether labels (a map of strings) match. */
bool appset_selector_match(const struct appset_selector *s, const struct ir_node *labels);
/* k8s validation.IsQualifiedName / IsValidLabelValue. */
bool appset_qualified_name(const char *s, size_t n);
bool appset_label_value(const char *s, size_t n);

/* ------------------------------------------------------------ globbing */

/* (Go's path.Match is frontend.h's path_match.) */
/* git pathspec without magic (`git ls-files -- PATTERN`): the path equals
 * the pattern or lies below it, or wildmatch without WM_PATHNAME matches
 * (so * and ? also match '/'). */
bool glob_pathspec(const char *pattern, const char *path);
/* bmatcuk/doublestar v4 Match: * and ? within a segment, ** as a whole
 * segment for zero or more directories, {a,b}, [...].  1, 0 or -1. */
int glob_doublestar(const char *pattern, const char *path);

/* --------------------------------------------------------- repo trees */

/* The files of a repository as Argo CD's checkout has them: the paths of
 * the git index when root is the top of a git work tree (tracked files;
 * what a clone would hold), else every regular file below root.  Paths are
 * relative, '/'-separated, sorted bytewise; `.git` is never listed. */
struct repo_tree {
	char *root;     /* as given */
	char **files;
	size_t nfiles;
	char **dirs;    /* parents of files, WalkDir order, hidden skipped */
	size_t ndirs;
	char **alldirs; /* every parent directory, hidden included, sorted */
	size_t nalldirs;
	bool from_git;
};

/* Returns 0, or an errno value with a message in err. */
int repo_tree_load(struct repo_tree *t, const char *root, struct sbuf *err);
/* The same through fs: a git revision (vfs_git) lists its own tree, what a
 * clone at that revision holds; any other fs (or NULL) gives
 * repo_tree_load's list, which the vfs does not see, so a recording of
 * reads in progress on this thread is marked incomplete. */
int repo_tree_load_fs(struct repo_tree *t, struct vfs *fs, const char *root, struct sbuf *err);
void repo_tree_release(struct repo_tree *t);

/* ------------------------------------------------------ the render cache */

/* The key of one Application's render (repo_cache.c): XXH3-128 over the
 * manifestc version, the repository path, the output form, the Argo CD
 * configuration, the world's repository mappings and the Application
 * itself (canonical JSON).  False when the Application cannot be printed
 * canonically (then it is not cached). */
bool repo_cache_key(char out[33], const char *repo, bool json, const struct appset_world *w,
	const struct app_config *cfg, const struct ir_node *app, const char *instance);
/* An Application's render result (bytes, resources, digests) and its
 * warnings, as stored in the cache, and back.  Decoding fills out (whose
 * fields it allocates), appends to diags; false on a malformed blob, with
 * nothing changed. */
void repo_cache_encode(struct sbuf *sb, const struct repo_app *a, const struct diag *found);
/* found gets the cached findings, with copies of their files in keep. */
bool repo_cache_decode(const char *blob, size_t len, struct repo_app *out, struct diag *found,
	struct arena *keep);

/* ---------------------------------------------------------- the world */

/* The repository a repoURL refers to, or NULL with a message in err. */
struct appset_repo *appset_world_repo(struct appset_world *w, const char *url, struct sbuf *err);
/* Its tree (loaded once, under the world's lock); NULL on error. */
const struct repo_tree *appset_repo_tree(struct appset_world *w, struct appset_repo *r,
	struct sbuf *err);
/* Repository URLs compare after dropping the scheme, user, a port, a
 * trailing "/" and ".git", and lowercasing (scp-like host:path is host/path). */
const char *appset_normalize_url(struct mc_ctx *ctx, const char *url);

/* ---------------------------------------------------------- generators */

/* One ApplicationSet being generated. */
struct appset_gen {
	struct mc_ctx *ctx;
	struct appset_world *world;
	struct appset_mode mode;
	const struct ir_node *appset;   /* the whole document */
	const char *name;               /* metadata.name */
	struct sbuf err;                /* the current error message */
	const struct srcpos *err_pos;   /* where it is reported */
};

/* generators.Transform of one generator entry: every kind set in gen gives
 * one result (params after the entry's selector, and the template merged
 * over base).  interp, when not NULL and non-empty, interpolates the entry
 * first (matrix second child).  Returns 0 or 1 (the message in g->err). */
struct appset_result {
	struct ir_node *tmpl;   /* merged template (metadata + spec), or NULL */
	struct ir_node *params; /* an IR_SEQ of param maps */
	const struct ir_node *origin; /* the generator node */
};

struct appset_results {
	struct appset_result *items;
	size_t len, cap;
};

int appset_transform(struct appset_gen *g, const struct ir_node *gen, const struct ir_node *base,
	const struct ir_node *interp, struct appset_results *out);
/* RenderGeneratorParams: the matrix rule for the second child. */
int appset_interpolate(struct appset_gen *g, const struct ir_node *gen,
	const struct ir_node *params, struct ir_node **out);
/* appendTemplatedValues: render values against params and add them. */
int appset_add_values(struct appset_gen *g, const struct ir_node *values, struct ir_node *params);

/* RenderTemplateParams: an Application from a template and one param set. */
int appset_render_template(struct appset_gen *g, const struct ir_node *tmpl,
	const struct ir_node *sync_policy, const struct ir_node *params, struct ir_node **out);
/* applyTemplatePatch: patch (already rendered text) over app. */
int appset_apply_patch(struct appset_gen *g, struct ir_node *app, const char *patch, size_t n,
	struct ir_node **out);

/* --------------------------------------------------------------- merges */

/* mergo.Merge(dst, src) without override (generator template over the
 * ApplicationSet's): empty fields of dst are filled from src, maps are
 * unioned.  dst is edited; src nodes are cloned into ctx. */
void appset_merge_fill(struct mc_ctx *ctx, struct ir_node *dst, const struct ir_node *src);
/* mergo.Merge(dst, src, WithOverride) on param maps: src wins, nested maps
 * merge, lists and scalars are replaced. */
void appset_merge_override(struct mc_ctx *ctx, struct ir_node *dst, const struct ir_node *src);
/* Kubernetes strategic merge patch for an Application (no list in the
 * Application type has a merge key except metadata.finalizers, merged as a
 * set, and metadata.ownerReferences, merged by uid).  Returns 0, or 1 with
 * err set. */
int appset_smp_application(struct mc_ctx *ctx, struct ir_node *dst, const struct ir_node *patch,
	struct sbuf *err);
/* Whether patch decodes into Argo CD's Application type (encoding/json's
 * rules, the embedded Application CRD schema standing for the type):
 * 0, or 1 with the Go error in err.  json_text: the patch was JSON text (a
 * YAML patch's numbers went through float64). */
int appset_patch_typecheck(const struct ir_node *patch, bool json_text, struct sbuf *err);

/* --------------------------------------------------------- Applications */

/* One Application being rendered (app.c) and the source being rendered. */
struct app_ref {
	const char *name;      /* "$name" without the '$' */
	const char *root;      /* its repository's directory */
	const char *url;
};

struct app_job {
	struct mc_ctx *ctx;
	struct appset_world *world;
	const struct app_config *cfg;
	const struct ir_node *app;
	const char *name;       /* metadata.name */
	const char *instance;   /* name, or namespace_name outside the control plane */
	const char *dest_ns;    /* spec.destination.namespace ("" when none) */
	const char *project;
	struct app_ref *refs;   /* sources with `ref:` */
	size_t nrefs;
	/* The source being rendered. */
	const struct ir_node *src;
	const char *repo_url, *src_path, *target_rev;
	const char *repo_root;  /* the repository's directory */
	const char *app_path;   /* repo_root/path, clean */
	struct app_trace *trace; /* NULL: nothing recorded */
};

/* Record in j->trace (when there is one). */
void app_trace_add_value(struct app_job *j, const struct str *v, const struct srcpos *pos,
	const char *what);
void app_trace_add_remap(struct app_job *j, const char *path, uint32_t line,
	const struct srcpos *orig, bool from_app);

/* os.Expand with Argo CD's build environment (ARGOCD_APP_NAME, ...):
 * unknown variables become empty, $$ is $. */
void app_envsubst(const struct app_job *j, struct sbuf *out, const char *s, size_t n);
/* The source types. */
int app_render_directory(struct app_job *j, const struct ir_node *dir, struct ir_reslist *out);
int app_render_kustomize(struct app_job *j, const struct ir_node *kust, struct ir_reslist *out);
int app_render_helm(struct app_job *j, const struct ir_node *helm, struct ir_reslist *out);
/* Expand a Kubernetes List into its items (kept in order); a List with
 * null items gives nothing.  Other objects are pushed as they are. */
void app_push_object(struct mc_ctx *ctx, struct ir_node *obj, const struct srcpos *at,
	struct ir_reslist *out);

/* -------------------------------------------------------- manifestc.yaml */

enum repo_env_from { ENV_FROM_LABEL, ENV_FROM_ANNOTATION, ENV_FROM_DEST_NS, ENV_FROM_DEST_NAME,
	ENV_FROM_PROJECT };

/* The optional manifestc.yaml at the root of a rendered repository. */
struct repo_config {
	const char **self_urls;    /* repoURL(s) naming the repository itself */
	size_t nself_urls;
	const char **roots;        /* where to look for Applications (default: ".") */
	size_t nroots;
	const char **cluster_files;
	size_t ncluster_files;
	const char **map_urls, **map_dirs; /* repos: URL -> directory */
	size_t nmaps;
	enum repo_env_from env_from;
	const char *env_key;       /* label or annotation name */
	const char *env_default;   /* environment of Applications without one */
	struct app_config argo;
	bool new_globbing;
	const struct ir_node *validate; /* the validate: section (validate_policy_parse), or NULL */
};

/* Read REPO/manifestc.yaml into c (defaults when the file is absent).
 * Errors go to ctx->diag; returns their number. */
int repo_config_load(struct mc_ctx *ctx, const char *repo, struct repo_config *c);

/* ------------------------------------------------- findings of a render */

/* The findings of a render being assembled into its result (repo_check.c):
 * each finding once, with the records that index them. */
struct repo_findings {
	struct mc_ctx *ctx;            /* the result's: diag, arena */
	struct validate_records *recs;
	struct ir_node *seen;          /* finding -> its index in ctx->diag */
};

void repo_findings_init(struct repo_findings *f, struct mc_ctx *ctx,
	struct validate_records *recs);
/* Move the messages of src (already detached into f->ctx's arena) to
 * f->ctx->diag, each once: map[i] (map may be NULL) is the index that
 * src's message i has there.  Returns the number of error messages that
 * were not there yet. */
size_t repo_findings_take(struct repo_findings *f, struct diag *src, size_t *map);

/* ---------------------------------------------- validating a render */

/* What render's validation pass knows besides the render (repo_check.c):
 * the policy and options (manifestc.yaml's validate:, strict unless it says
 * otherwise), the schemas (embedded, the settings' schemas and CRDs, the
 * CRDs of the repository's files) and the AppProjects of the repository's
 * files.  Filled by the main thread before the Applications render. */
struct repo_check {
	struct mc_ctx *ctx;            /* the render's main context */
	struct validate_policy policy;
	struct validate_opts opts;
	struct schema_set *set;
	struct ir_node *projects;      /* name -> AppProject (discovered) */
};

/* One rendered Application, as the pass sees it. */
struct repo_vapp {
	const struct ir_node *app;
	const char *env;
	const char *file;               /* its output file, relative to OUT */
	const struct ir_node **res;     /* its resources, in sync order */
	size_t nres;
	const uint32_t *lines;          /* line of each resource in the file (0: unknown) */
	const struct app_trace *trace;  /* where values were set */
	struct mc_ctx *ctx;             /* owns res (read-only here; its vfs is read) */
};

/* Read the policy and load the schemas; errors (manifestc.yaml's
 * validate:, a settings path that does not exist) go to ctx->diag, and
 * count as the render's.  Returns their number. */
int repo_check_init(struct repo_check *c, struct mc_ctx *ctx, const struct ir_node *section,
	const char *repo);
void repo_check_release(struct repo_check *c);
/* A file of the repository that mentions CustomResourceDefinition: its
 * CRDs are registered (quietly: a file that is not YAML, a Helm template,
 * is no CRD). */
void repo_check_crd_file(struct repo_check *c, const struct srcfile *f);
/* An AppProject among the repository's files. */
void repo_check_project(struct repo_check *c, const struct ir_node *doc);
/* Validate apps (sorted by environment, as written), one thread per
 * environment (at most jobs; 0: one per core): each resource, then the
 * references inside each environment, then each Application against its
 * AppProject.  Findings, detached, and records go to f; the records of an
 * Application's file have seq first_seq + its index.  Returns the number of
 * error findings. */
size_t repo_check_run(struct repo_check *c, struct repo_vapp *apps, size_t n, uint32_t first_seq,
	int jobs, struct repo_findings *f);

#endif
