/*
 * frontend.h - reading inputs into the IR.
 *
 * vfs:     the file system every frontend reads through (disk or, later, a
 *          git tree), with a thread-safe cache so each file is read once,
 *          and an optional root outside which nothing is read.
 * yaml:    the YAML loader (libfyaml's event parser) with the scalar
 *          resolution of the Go libraries the anchor tools use.
 * kust:    the Kustomize frontend (`manifestc build`).
 */
#ifndef MC_FRONTEND_H
#define MC_FRONTEND_H

#include <stdbool.h>
#include <stddef.h>

#include "mc/ir.h"

/* ------------------------------------------------------------------ vfs */

enum vfs_kind { VFS_MISSING, VFS_FILE, VFS_DIR, VFS_OTHER };

struct vfs;

struct vfs_ops {
	/* Each returns 0 or an errno value. */
	int (*stat)(struct vfs *fs, const char *path, enum vfs_kind *kind);
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

/* Lexically clean a path (Go's filepath.Clean), joined to base when
 * relative and base is not NULL.  The result is malloc'd. */
char *path_clean(const char *base, const char *path);
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

/* ----------------------------------------------------------- kustomize */

enum kust_reorder { KUST_REORDER_DEFAULT, KUST_REORDER_LEGACY, KUST_REORDER_NONE };

struct kust_opts {
	bool load_restrict_none;  /* --load-restrictor LoadRestrictionsNone */
	enum kust_reorder reorder;
	bool managed_by_label;    /* --enable-managedby-label */
	bool enable_helm;         /* --enable-helm: helmCharts may render */
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

#endif
