/*
 * frontend.h - reading inputs into the IR.
 *
 * vfs:     the file system every frontend reads through (disk or a git
 *          revision), with a thread-safe cache so each file is read once,
 *          an optional root outside which nothing is read, and a recorder
 *          of what a computation read (render caching).
 * yaml:    the YAML loader (libfyaml's event parser) with the scalar
 *          resolution of the Go libraries the anchor tools use.
 * kust:    the Kustomize frontend (`manifestc build`).
 * helm:    Helm charts (`manifestc template`; kustomize's helmCharts and
 *          Argo CD's helm sources render through helm_render_chart).
 * Go templates (text/template, Sprig, Helm's functions) have their own
 * header, gotmpl.h.
 */
#ifndef MC_FRONTEND_H
#define MC_FRONTEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc/ir.h"

/* ------------------------------------------------------------------ vfs */

enum vfs_kind { VFS_MISSING, VFS_FILE, VFS_DIR, VFS_OTHER };

struct vfs;

struct vfs_ops {
	/* Each returns 0 or an errno value. */
	int (*stat)(struct vfs *fs, const char *path, enum vfs_kind *kind);
	/* The bytes in a malloc'd buffer with a NUL after them; the vfs
	 * keeps the buffer (as the srcfile's data) and frees it. */
	int (*read)(struct vfs *fs, const char *path, char **data, size_t *len);
	/* Entry names (not paths) of a directory, sorted bytewise, malloc'd. */
	int (*list)(struct vfs *fs, const char *path, char ***names, size_t *n);
	/* The path with every symlink resolved, malloc'd. */
	int (*realpath)(struct vfs *fs, const char *path, char **out);
	void (*destroy)(struct vfs *fs);
};

#define VFS_MAX_FILE (64u << 20) /* inputs larger than this are refused */

/* A disk file system.  root (may be NULL) is the directory outside which
 * nothing is read: vfs_load and vfs_list refuse such paths with EACCES. */
struct vfs *vfs_disk(const char *root);
void vfs_destroy(struct vfs *fs);
const char *vfs_root(const struct vfs *fs);

/* Paths (frontend/path.c). */
/* Go's path.Clean (= filepath.Clean on Linux) of p[0..n) into out, which
 * has room for n + 1 bytes; returns the length ("" cleans to "."). */
size_t path_clean_into(const char *p, size_t n, char *out);
/* Lexically clean a path (Go's filepath.Clean), joined to base when
 * relative and base is not NULL.  The result is malloc'd. */
char *path_clean(const char *base, const char *path);
/* Go's path.Match (= filepath.Match on Linux): * and ? within a segment,
 * [...] classes, \ escapes.  1 match, 0 no match, -1 malformed pattern
 * (ErrBadPattern). */
int path_match(const char *pattern, const char *name);
/* The directory part of a clean path ("a/b" -> "a", "a" -> "."). */
char *path_dir(const char *path);
/* True when path equals dir or lies below it (both clean). */
bool path_within(const char *path, const char *dir);
/* path relative to base when it lies below it, else path itself. */
const char *path_rel(const char *base, const char *path);

int vfs_stat(struct vfs *fs, const char *path, enum vfs_kind *kind);
int vfs_list(struct vfs *fs, const char *path, char ***names, size_t *n);
void vfs_free_list(char **names, size_t n);
int vfs_realpath(struct vfs *fs, const char *path, char **out);
/* Read a file once and keep it: the srcfile is owned by fs and shared by
 * every context (and thread).  display is the path shown in diagnostics
 * (NULL: path itself).  Returns NULL and sets *err (errno value) on failure. */
const struct srcfile *vfs_load(struct vfs *fs, const char *path,
	const char *display, int *err);
/* A srcfile for bytes that do not come from a file (inline documents,
 * template output), owned by ctx. */
const struct srcfile *srcfile_mem(struct mc_ctx *ctx, const char *name,
	const char *data, size_t len);

/* A vfs over another backing store: ops work on absolute, clean paths that
 * the root already allowed; priv is the store's state (vfs_priv). */
struct vfs *vfs_new(const struct vfs_ops *ops, const char *root, void *priv);
void *vfs_priv(const struct vfs *fs);

/* A vfs over the tree of a git revision, read straight from the object
 * database (no checkout, no work tree, no temporary file).  repo_dir is a
 * directory inside a repository's work tree (or a bare repository); it is
 * the root: paths below it are read from the same place in rev's tree, and
 * anything else is refused.  rev is any rev-parse expression (HEAD~1, a
 * branch, a tag, a full or short sha).  Symlinks inside the tree are
 * followed within the tree; one leading outside it is refused (EACCES).
 * Returns NULL with a message in err.  Thread-safe like every vfs. */
struct vfs *vfs_git(const char *repo_dir, const char *rev, struct sbuf *err);
/* The full hex id of the commit (or tree) a git vfs reads; NULL for other
 * stores. */
const char *vfs_git_id(const struct vfs *fs);

/* ---- recording what a computation reads (to cache its result) ----
 *
 * Between vfs_record_begin and vfs_record_end, every vfs_stat, vfs_list,
 * vfs_realpath and vfs_load made by this thread on fs adds one dependency:
 * the operation, the path (relative to fs's root when below it) and an
 * XXH3 of the outcome (the bytes, the entry names, the resolved path, the
 * kind, or the error).  Each (operation, path) is kept once, in first-use
 * order, so a deterministic computation records a deterministic list.
 * vfs_deps_check replays the list against another vfs (another revision):
 * when every outcome is the same, the computation would read the same
 * inputs and give the same result.  A cache kept above the vfs (parsed
 * documents shared between Applications) must still call vfs_load for each
 * use, or the recording misses the file. */
enum vfs_op { VFS_OP_STAT, VFS_OP_LIST, VFS_OP_REALPATH, VFS_OP_LOAD };

struct vfs_dep {
	uint8_t op;    /* enum vfs_op */
	uint64_t hash; /* of the outcome */
	char *path;    /* malloc'd */
};

struct vfs_deps {
	struct vfs_dep *items;
	size_t len, cap;
	uint32_t *set; /* (op, path) -> index + 1, open addressing */
	size_t setcap;
	bool tainted;  /* something was read around the vfs: do not reuse */
};

/* Start recording this thread's reads on fs into deps (not nested). */
void vfs_record_begin(struct vfs *fs, struct vfs_deps *deps);
void vfs_record_end(void);
/* Say that this thread's computation read fs's data some other way (e.g.
 * the git index): a recording in progress is marked tainted. */
void vfs_record_taint(struct vfs *fs);
/* Add one dependency (used when reading a stored list back); a repeated
 * (op, path) is ignored. */
void vfs_deps_add(struct vfs_deps *d, enum vfs_op op, const char *path, uint64_t hash);
void vfs_deps_release(struct vfs_deps *d);
/* True when every dependency has the same outcome on fs. */
bool vfs_deps_check(struct vfs *fs, const struct vfs_deps *d);

/* ----------------------------------------------------------------- yaml */

/* How plain scalars resolve: the two Go YAML libraries behind the tools. */
enum yaml_schema {
	/* go-yaml v3 decoding into interface{}, as kustomize's kyaml reads
	 * resources: booleans are true/false only, timestamps become RFC 3339
	 * strings (Go's time.Time through JSON). */
	YAML_V3,
	/* go-yaml v2 through sigs.k8s.io/yaml, as kustomization files, Helm
	 * values and kubectl are read: YAML 1.1 booleans (yes/no/on/off/y/n),
	 * timestamps stay strings. */
	YAML_V2,
};

enum yaml_flag {
	YAML_DUPKEYS_OK = 1 << 0, /* duplicate keys: the last value wins */
	YAML_KEEP_EMPTY = 1 << 1, /* empty documents are kept as NULL entries */
	YAML_JSON_NUMBERS = 1 << 2, /* every number is a float (encoding/json) */
	/* Keys become the strings sigs.k8s.io/yaml makes of them (kubectl):
	 * `0644:` is "420", `yes:` "true", `1e3:` "1000"; a null or uint64
	 * key is an error.  Without it a key keeps its source text. */
	YAML_JSON_KEYS = 1 << 3,
	/* Refuse what go-yaml's scanner (a libyaml port) refuses and libfyaml
	 * takes: a tab after `-`, `?` or a complex key's `:`, in indentation
	 * (block context) or in a block scalar's indentation, and `...` before
	 * the stream's first document. */
	YAML_GO_STRICT = 1 << 4,
	/* yaml_load_one: stop after the first document, as go-yaml's
	 * Unmarshal does (what follows it is not parsed, errors included). */
	YAML_FIRST_ONLY = 1 << 5,
};

struct yaml_opts {
	enum yaml_schema schema;
	unsigned flags;
	unsigned max_depth;   /* 0: YAML_MAX_DEPTH */
	size_t max_nodes;     /* 0: YAML_MAX_NODES (caps alias expansion too) */
	/* Positions are reported in this file, shifted by these amounts (for
	 * YAML embedded in a block scalar of another file).  NULL: the input. */
	const struct srcfile *pos_file;
	uint32_t line_offset, col_offset;
};

#define YAML_MAX_DEPTH 512
#define YAML_MAX_NODES 4000000

struct ir_docs {
	struct ir_node **items; /* a NULL item is an empty document */
	struct srcpos *starts;  /* where each document starts */
	size_t len, cap;
};

/* Parse every document of f.  Errors go to ctx->diag; returns how many. */
int yaml_load(struct mc_ctx *ctx, const struct srcfile *f,
	const struct yaml_opts *opts, struct ir_docs *out);
/* Let yaml_load parse a large multi-document file as two halves on two
 * threads (same result, same diagnostics); for commands that run one
 * compilation at a time.  Off by default. */
void yaml_set_parallel(bool on);
/* Parse exactly one document (an empty input gives NULL). */
int yaml_load_one(struct mc_ctx *ctx, const struct srcfile *f,
	const struct yaml_opts *opts, struct ir_node **out);

/* Resolve a plain scalar the way the schema's Go library does.  Returns
 * IR_NULL, IR_BOOL, IR_INT, IR_FLOAT or IR_STR; fills *node's value fields
 * (type, v, flags).  Timestamps resolve to IR_STR, flagged IR_F_TIMESTAMP
 * under YAML_V3 (go-yaml v3 makes them time.Time values). */
enum ir_type yaml_resolve(enum yaml_schema schema, const char *s, size_t n,
	struct ir_node *node);
/* True when s is a YAML 1.1 timestamp as go-yaml parses it; *out receives
 * Go's RFC3339Nano rendering of the time. */
bool yaml_timestamp(const char *s, size_t n, struct sbuf *out);
/* A scalar decoded into a Go string field through sigs.k8s.io/yaml:
 * numbers and booleans become their text (floats at float32 precision),
 * in ctx's arena.  NULL for null and for collections. */
const char *yaml_string_field(struct mc_ctx *ctx, const struct ir_node *n);

/* ----------------------------------------------------------- kustomize */

enum kust_reorder { KUST_REORDER_DEFAULT, KUST_REORDER_LEGACY, KUST_REORDER_NONE };

struct kust_opts {
	bool load_restrict_none;  /* --load-restrictor LoadRestrictionsNone */
	enum kust_reorder reorder;
	bool managed_by_label;    /* --enable-managedby-label */
	bool enable_helm;         /* --enable-helm: helmCharts may render */
	bool helm_debug;          /* --helm-debug */
	const char *helm_kube_version;         /* --helm-kube-version */
	const char *const *helm_api_versions;  /* --helm-api-versions */
	size_t helm_napi_versions;
};

/* Build the kustomization in dir (a path as the user gave it): the
 * resources, in output order, go to out.  Returns the number of errors. */
int kust_build(struct mc_ctx *ctx, const char *dir, const struct kust_opts *opts,
	struct ir_reslist *out);
/* The same for a kustomization given in memory (data, len) as if it were
 * the file `name` (NULL: kustomization.yaml) in dir, e.g. a kustomization
 * Argo CD modified with `kustomize edit`; every other file comes from dir. */
int kust_build_doc(struct mc_ctx *ctx, const char *dir, const char *name, const char *data,
	size_t len, const struct kust_opts *opts, struct ir_reslist *out);

/* ---------------------------------------------------------------- helm */

/*
 * One `helm template` run.  Everything a caller may leave zero has Helm's
 * default (release "release-name", namespace "default", Kubernetes
 * v1.20.0, Helm 3 output).  Values are applied in Helm's order: `values`
 * (an IR map, as if it were the first -f file), value_files, then
 * set_json, set, set_string, set_file, set_literal.
 */
struct helm_template_opts {
	const char *chart;         /* a chart directory or .tgz archive */
	const char *release_name;  /* NULL: "release-name" (or name_template) */
	const char *name_template; /* --name-template (a Sprig template) */
	const char *namespace_;    /* NULL: "default" */
	const struct ir_node *values;
	const char *const *value_files;
	size_t nvalue_files;
	const char *const *set, *const *set_string, *const *set_file, *const *set_json,
		*const *set_literal;
	size_t nset, nset_string, nset_file, nset_json, nset_literal;
	const char *kube_version;  /* NULL: v1.20.0 */
	const char *const *api_versions; /* added to the default set */
	size_t napi_versions;
	bool include_crds, skip_tests, no_hooks, is_upgrade, skip_schema_validation, debug;
	const char *const *show_only;
	size_t nshow_only;
	const char *output_dir;    /* write files there instead of printing */
	bool use_release_name;     /* --release-name: output_dir/NAME */
	int helm_major;            /* 3 (default) or 4 */
	bool dependency_build;     /* the caller would run `helm dependency build` (Argo CD):
				    * a missing dependency is reported as not vendored */
};

/* Run `helm template`: what helm prints on stdout goes to out (with
 * --debug, also what it prints before failing).  Errors are reported to
 * ctx->diag; returns their number. */
int helm_template(struct mc_ctx *ctx, const struct helm_template_opts *o, struct sbuf *out);

/* helm_template, then the printed stream parsed into resources (go-yaml
 * v3 scalars, as kustomize's kyaml reads helm's output), for kustomize's
 * helmCharts and Argo CD's helm sources.  out_text may be NULL.  Returns
 * the number of errors. */
int helm_render_chart(struct mc_ctx *ctx, const struct helm_template_opts *o,
	struct sbuf *out_text, struct ir_reslist *out);

/* -------------------------------------------------------------- Argo CD */

/* What ApplicationSet generators and Applications look things up in: the
 * repositories (the rendered one stands for its own repoURL; others are
 * mapped to local directories) and the cluster Secrets.  One world serves a
 * whole render and may be used from several threads. */
struct repo_tree;

struct appset_repo {
	const char *url;        /* as mapped; NULL for the rendered repository */
	const char *dir;
	struct repo_tree *tree; /* its files, loaded on first use */
	int load_err;
	char *load_msg;
};

struct appset_cluster {
	const struct ir_node *secret; /* the Secret (owned by the world) */
	const char *name, *server;
	const char *project;          /* NULL when the Secret has none */
};

struct appset_world {
	struct mc_ctx *ctx;            /* owns the world's nodes and strings */
	struct appset_repo *repos;
	size_t nrepos;
	struct appset_repo *self;      /* the rendered repository, or NULL */
	const char **self_urls;        /* URLs known to name it */
	size_t nself_urls;
	bool self_any_url;             /* every unmapped URL names it */
	bool self_by_name;             /* self_urls come from git remotes: a URL
	                                * with the same repository name (a fork,
	                                * a mirror) names it too */
	struct appset_cluster *clusters;
	size_t nclusters;
	bool new_globbing;             /* --enable-new-git-file-globbing */
	const char *default_namespace; /* of ApplicationSets without one */
	void *lock;                    /* guards lazy loads */
	/* Where repository trees are listed: a git revision (vfs_git) lists
	 * its tree; NULL or another vfs, the disk (the git index at the top of
	 * a work tree). */
	struct vfs *fs;
};

void appset_world_init(struct appset_world *w);
void appset_world_release(struct appset_world *w);
/* Map url to a local directory; url NULL makes dir the rendered repository. */
void appset_world_map_repo(struct appset_world *w, const char *url, const char *dir);
/* A URL that names the rendered repository. */
void appset_world_self_url(struct appset_world *w, const char *url);
/* Take the cluster Secrets among docs (Secrets labelled
 * argocd.argoproj.io/secret-type: cluster; stringData or base64 data). */
int appset_world_add_clusters(struct mc_ctx *ctx, struct appset_world *w,
	struct ir_node *const *docs, size_t n);

enum appset_flags {
	/* What the controller does before applying: empty and duplicate names
	 * are errors, Applications are sorted by name. */
	APPSET_VALIDATE = 1 << 0,
};

/* The Applications an ApplicationSet generates (an IR_SEQ in ctx), each
 * with the position of the parameters it came from in *origins (may be
 * NULL).  Errors go to ctx->diag; returns their number. */
int appset_generate(struct mc_ctx *ctx, struct appset_world *w, const struct ir_node *appset,
	unsigned flags, struct ir_node **apps, struct srcpos **origins);

/* How Argo CD is configured (argocd-cm and the install), as far as it
 * changes rendered manifests. */
enum app_tracking { APP_TRACK_ANNOTATION, APP_TRACK_LABEL, APP_TRACK_BOTH };

struct app_config {
	const char *control_ns;      /* Argo CD's namespace ("argocd") */
	enum app_tracking tracking;  /* application.resourceTrackingMethod */
	const char *label_key;       /* application.instanceLabelKey */
	const char *installation_id; /* installationID, or NULL */
	/* The destination cluster's Kubernetes version and extra API versions
	 * (Argo CD asks the cluster) for Helm's .Capabilities. */
	const char *kube_version;
	const char *const *api_versions;
	size_t napi_versions;
	/* kustomize.buildOptions; with --enable-helm, Argo CD adds the
	 * cluster's --helm-kube-version and --helm-api-versions. */
	struct kust_opts kustomize;
};

void app_config_default(struct app_config *c);

/* Render one Application (a map): every source's manifests as Argo CD's
 * repo-server produces them (Lists expanded, the tracking annotation set),
 * then the controller's normalisation (namespaces of namespaced and
 * cluster-scoped kinds, duplicates: the last one wins).  Resources go to
 * out in source order.  Errors go to ctx->diag; returns their number. */
int app_render(struct mc_ctx *ctx, struct appset_world *w, const struct app_config *cfg,
	const struct ir_node *app, struct ir_reslist *out);
/* Where values of rendered manifests were set, for `manifestc images`:
 * app_render_traced records the kustomization its kustomize edits rewrote
 * (with the origin of each images entry) and, for Helm sources, the values
 * the chart saw with their positions (parameters, inline values, value
 * files, the chart's values.yaml). */
struct app_trace_value {
	const struct str *value;
	struct srcpos pos;
	const char *what; /* "Helm parameter", "Helm values", ... */
};

struct app_trace_remap {
	const char *path;   /* the rewritten kustomization, as displayed */
	uint32_t line;      /* of an images entry in the rewritten text */
	struct srcpos orig; /* where that entry came from */
	bool from_app;      /* the Application's kustomize.images */
};

struct app_trace {
	struct app_trace_remap *remap;
	size_t nremap;
	struct app_trace_value *values; /* highest precedence first */
	size_t nvalues;
	const struct srcfile *app_file;
};

int app_render_traced(struct mc_ctx *ctx, struct appset_world *w, const struct app_config *cfg,
	const struct ir_node *app, struct ir_reslist *out, struct app_trace *trace);
/* Where the image string img (a node of a rendered resource) was set:
 * the position and a short description ("kustomization images",
 * "Application kustomize.images", "Helm parameter", "Helm values",
 * "Helm chart values", "manifest"). */
void app_trace_source(struct mc_ctx *ctx, const struct app_trace *t, const struct ir_node *img,
	struct srcpos *pos, const char **what);

/* Whether a kind (of a core or well-known group) is cluster-scoped. */
bool app_cluster_scoped(const struct str *group, const struct str *kind);

/* ------------------------------------------------- a whole GitOps repository */

/* `manifestc render` and `manifestc images`: find the ApplicationSets and
 * Applications of a repository, generate and render every Application
 * (app of apps followed), on a thread pool, each Application's resources in
 * Argo CD's sync order. */
struct repo_render_opts {
	const char *repo;             /* the repository directory */
	const char *const *repo_maps; /* "URL=DIR" */
	size_t nrepo_maps;
	const char *const *cluster_files;
	size_t ncluster_files;
	const char *const *envs;      /* only these environments (none: all) */
	size_t nenvs;
	bool json;                    /* render .json v1 Lists instead of YAML */
	bool images;                  /* collect container images */
	bool new_globbing;            /* --enable-new-git-file-globbing */
	int jobs;                     /* threads; 0: one per core */
	const char *exclude;          /* a directory of the repository not to search
	                               * (the output, when it lies inside) */
	/* `manifestc diff`: read through this vfs (a git revision, or the disk
	 * rooted at the repository; NULL: the disk), and reuse or store each
	 * Application's render in this cache (NULL: none; see rcache in diff.h). */
	struct vfs *fs;
	struct rcache *cache;
	/* Validate every rendered environment (repo_validate.c): each resource
	 * against the schemas (embedded, plus the CRDs of the repository and of
	 * the output), the API server's checks and manifestc.yaml's policies,
	 * then references inside the environment and each Application against
	 * its AppProject.  Only when the render has no errors. */
	bool validate;
};

struct repo_image {
	char *container;   /* "kind/name: container" */
	char *image;       /* as written in the manifest */
	char *source;      /* where the value came from: file:line and what */
};

struct repo_resource {
	char *api_version, *kind, *ns, *name;
	int64_t wave;
	char digest[33];
};

struct repo_app {
	char *name, *instance, *env, *project;
	int64_t wave;
	char *dest_server, *dest_ns;
	char *source_json;  /* canonical JSON of spec.source or spec.sources */
	bool multi;         /* spec.sources */
	char *file;         /* <env>/<instance>.yaml|json, relative to OUT */
	char *bytes;        /* the file's contents */
	size_t len;
	char digest[33];
	struct repo_resource *res;
	size_t nres;
	struct repo_image *images;
	size_t nimages;
};

struct validate_records;

struct repo_result {
	struct repo_app *apps; /* sorted: environment, sync wave, name */
	size_t napps;
	/* The findings (struct diag_msg: level, position, rule, JSON pointer,
	 * message): the render's, then its validation's, in a fixed order,
	 * each once.  findings->diag holds them; their positions point at
	 * copies of their files in findings->arena, so they outlive the render
	 * and its vfs.  records (in that arena) index them for
	 * backends/report.c: one per finding of the render (it concerns no
	 * resource); with validation, then one per Application and one per
	 * resource it renders, whose file is the output file (relative to OUT)
	 * and whose position is the resource's line there (0 with json). */
	struct mc_ctx *findings;
	struct validate_records *records;
	size_t nfiles;          /* files the records name, for report summaries */
	size_t nerrors, nwarnings; /* the render's: with errors there is no output */
	size_t ninvalid;        /* error findings of the validation */
	bool validated;         /* records hold the rendered resources */
};

/* Returns the number of errors of the render (also in out->nerrors). */
int repo_render(const struct repo_render_opts *o, struct repo_result *out);
void repo_result_release(struct repo_result *r);
/* XXH3-128 of bytes as 32 lowercase hex digits (and a NUL). */
void repo_digest(const void *data, size_t len, char out[33]);

#endif
