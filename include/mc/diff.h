/*
 * diff.h - comparing renders: the render-and-diff gate.
 *
 * myers:  Myers' O(ND) difference algorithm in linear space, over
 *         sequences of ids (equal ids, equal elements).
 * udiff:  unified diffs of two texts (lines numbered by content, then
 *         myers), with GNU diff's hunk headers.
 * mask:   masked copies of sensitive resources (Secrets and resources
 *         marked sensitive), the only form in which a diff sees them.
 * rout:   a render: environments, Applications, resources in sync order
 *         with digests, as `manifestc render` writes OUT/index.json (read
 *         back by rout_load) or as a render in memory fills it.
 * rdiff:  the differences between two renders, per environment and
 *         Application, and their formats (text, markdown, JSON).
 * rcache: the render cache: an Application's render kept with the reads
 *         it made, reused while they give the same bytes.
 */
#ifndef MC_DIFF_H
#define MC_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc/ir.h"

/* ---------------------------------------------------------------- myers */

enum myers_op { MYERS_KEEP, MYERS_DEL, MYERS_INS };

/* A run of n elements: KEEP a[a..a+n) == b[b..b+n); DEL a[a..a+n) (b is
 * where it was in b); INS b[b..b+n) (a is where it goes in a). */
struct myers_edit {
	uint8_t op;
	size_t a, b, n;
};

struct myers_script {
	struct myers_edit *items;
	size_t len, cap;
};

/* A shortest edit script from a to b (not necessarily the shortest when
 * they are very long and share almost nothing: see udiff.c). */
void myers_diff(const uint32_t *a, size_t n, const uint32_t *b, size_t m,
	struct myers_script *out);
void myers_script_release(struct myers_script *s);

/* ---------------------------------------------------------------- udiff */

/* Append the hunks of a unified diff from a to b (`@@ -1,4 +1,4 @@` and
 * the lines, without the `---`/`+++` header) with context lines around
 * each change.  Returns the number of changed lines (0: the texts are the
 * same, nothing appended). */
size_t udiff(struct sbuf *out, const char *a, size_t alen, const char *b, size_t blen,
	unsigned context);

/* ----------------------------------------------------------------- mask */

/* The annotation that marks a resource (typically a ConfigMap) sensitive:
 * `manifestc.io/sensitive: "true"`. */
#define MASK_ANNOTATION "manifestc.io/sensitive"

/* Further sensitive resources, by rule: KIND, KIND/NAME or
 * KIND/NAMESPACE/NAME (e.g. ConfigMap/prod/db-config). */
struct mask_rules {
	const char *const *items;
	size_t n;
};

struct mask_names {
	const char **items; /* "data.password" */
	size_t len, cap;
};

/* The keys whose masked values differ (named, never shown). */
struct mask_keys {
	struct mask_names changed, added, removed;
};

/* True for a core Secret, a resource with MASK_ANNOTATION "true", or one
 * that a rule names. */
bool mask_sensitive(const struct mask_rules *rules, const struct ir_node *body);
/* Copies of old and new (either may be NULL) for printing: when either is
 * sensitive, every value under data, stringData and binaryData (and the
 * last-applied-configuration annotation) becomes "(masked)", or
 * "(masked, old value)" / "(masked, new value)" where the two differ;
 * keys (optional) names what changed.  Items of a List are masked alike.
 * Returns true when anything was masked. */
bool mask_pair(struct mc_ctx *ctx, const struct mask_rules *rules, const struct ir_node *old,
	const struct ir_node *new, struct ir_node **mold, struct ir_node **mnew,
	struct mask_keys *keys);

/* ----------------------------------------------------------------- rout */

struct rout_res {
	const char *api_version, *group, *kind, *ns, *name; /* "" when absent */
	long wave;
	const char *digest;   /* XXH3-128 hex of the canonical bytes */
	struct ir_node *body; /* NULL until the Application is loaded */
	struct srcpos pos;
};

struct rout_app {
	const char *name, *project, *file, *digest;
	long wave;
	const char *server, *dest_ns;
	const struct ir_node *source; /* "source" or "sources", or NULL */
	struct rout_res *res;         /* in sync order */
	size_t nres;
	bool loaded;                  /* every res[].body is set */
	struct srcpos pos;
	const char *bytes;            /* the file's contents, when in memory */
	size_t len;
};

struct rout_env {
	const char *name, *digest; /* digest NULL: unknown (compare the apps) */
	struct rout_app *apps;
	size_t napps;
};

struct rout {
	const char *dir;    /* the output directory, or NULL (in memory) */
	const char *digest;
	struct rout_env *envs;
	size_t nenvs;
};

/* Read dir/index.json (through ctx->fs).  Returns the number of errors. */
int rout_load(struct mc_ctx *ctx, const char *dir, struct rout *out);
/* Read an Application's file (or its bytes in memory) and attach each
 * document to its resource (they must match the index one for one).
 * Idempotent. */
int rout_app_load(struct mc_ctx *ctx, const struct rout *o, struct rout_app *a);
/* A render made in memory by repo_render (frontend.h), which must outlive
 * out; grouped by environment as render writes it. */
struct repo_result;
void rout_from_render(struct mc_ctx *ctx, const struct repo_result *res, struct rout *out);

/* ---------------------------------------------------------------- rdiff */

enum rd_status { RD_SAME, RD_ADDED, RD_REMOVED, RD_CHANGED };

struct rd_res {
	enum rd_status status;
	const struct rout_res *old, *new; /* NULL when added / removed */
	const char *header;  /* "apps/Deployment prod/web", "Secret prod/db" */
	const char *patch;   /* unified hunks of the masked YAML ("" if none) */
	bool masked;         /* values were masked (keys says which changed) */
	struct mask_keys keys;
	bool wave_changed;
	bool moved;          /* its place in the sync order changed */
	size_t old_pos, new_pos; /* 1-based places in sync order (0: none) */
};

struct rd_app {
	enum rd_status status;
	const char *name;
	const struct rout_app *old, *new;
	struct rd_res *res;  /* the resources that differ: new order, then removed */
	size_t nres;
	size_t added, removed, changed, moved;
	bool wave_changed, dest_changed, project_changed;
	const char *source_patch; /* hunks of the Application's source(s), or NULL */
};

/* An image whose versions differ in an environment: old or new is NULL
 * when the image is not used on that side. */
struct rd_image {
	const char *repo, *old, *new;
};

struct rd_env {
	enum rd_status status;
	const char *name;
	struct rd_app *apps; /* the Applications that differ */
	size_t napps;
	struct rd_image *images; /* sorted, distinct */
	size_t nimages;
};

struct rdiff {
	struct rd_env *envs; /* the environments that differ */
	size_t nenvs;
	size_t apps_added, apps_removed, apps_changed;
	size_t res_added, res_removed, res_changed;
	bool differs;
};

struct rdiff_opts {
	unsigned context;      /* lines around each change (3) */
	struct mask_rules mask;
};

/* Compare two renders (Applications are loaded as needed).  Returns the
 * number of errors. */
int rdiff_compute(struct mc_ctx *ctx, struct rout *old, struct rout *new,
	const struct rdiff_opts *opts, struct rdiff *out);
/* "group/Kind namespace/name" (no group for the core group, no namespace
 * for cluster-scoped resources). */
const char *rdiff_header(struct mc_ctx *ctx, const struct rout_res *r);

/* Formats.  Every format prints only masked data (rd_res.patch). */
struct rdiff_fmt {
	bool color;              /* text: ANSI colours */
	const char *old_label;   /* "HEAD~1 (1a2b3c4)", "OLD_OUT", or NULL */
	const char *new_label;
	size_t limit;            /* markdown: bytes, 0 = RDIFF_MD_LIMIT */
};

/* GitHub refuses comments of 65,536 characters or more. */
#define RDIFF_MD_LIMIT 65000

void rdiff_text(struct sbuf *out, const struct rdiff *d, const struct rdiff_fmt *f);
/* A pull-request comment: one collapsible <details> per Application, kept
 * under f->limit bytes by dropping patches (then sections) that do not
 * fit, with a note saying what was cut. */
void rdiff_markdown(struct sbuf *out, const struct rdiff *d, const struct rdiff_fmt *f);
/* The whole result as JSON (sorted keys).  Returns 0, or -1 on an
 * emitter error. */
int rdiff_json(struct mc_ctx *ctx, struct sbuf *out, const struct rdiff *d,
	const struct rdiff_fmt *f);

/* Pieces shared by the formats. */
const char *rdiff_status_word(enum rd_status s);
/* "changed (2 changed, 1 added)" */
void rdiff_app_summary(struct sbuf *out, const struct rd_app *a);
/* One line per Application-level change, each starting with prefix. */
void rdiff_app_notes(struct sbuf *out, const struct rd_app *a, const char *prefix);
/* "changed, sync wave 0 → 1 (values masked; changed: data.password)" */
void rdiff_res_notes(struct sbuf *out, const struct rd_res *r);
/* "prod: bookverse-inventory 1.3.1 → 1.3.2" */
void rdiff_image_line(struct sbuf *out, const char *env, const struct rd_image *im);
/* "2 Applications differ in 1 environment; 3 resources: 2 changed, 1 added" */
void rdiff_summary_line(struct sbuf *out, const struct rdiff *d);

/* --------------------------------------------------------------- rcache */

struct rcache;
struct vfs;
struct vfs_deps;

/* The default directory: $XDG_CACHE_HOME/manifestc, else
 * ~/.cache/manifestc (malloc'd; NULL when neither can be found). */
char *rcache_default_dir(void);
/* Open (creating) a cache in dir, bounded to max_bytes (0: unbounded).
 * NULL with a message in err. */
struct rcache *rcache_open(const char *dir, uint64_t max_bytes, struct sbuf *err);
/* Trim to the bound if anything was stored, and free. */
void rcache_close(struct rcache *c);
/* Remove least recently used entries until the cache is under 90% of its
 * bound (rcache_close does this when needed). */
void rcache_trim(struct rcache *c);
/* XXH3-128 of the bytes as 32 hex digits (a cache key). */
void rcache_key(char out[33], const void *p, size_t n);
/* The bytes stored under key by a render whose recorded reads give the
 * same outcomes on fs (malloc'd, *len set), or NULL. */
char *rcache_get(struct rcache *c, const char *key, struct vfs *fs, size_t *len);
/* Store a render under key with the reads it made (atomic; older
 * variants with other outcomes are kept, up to 4).  0 or an errno value. */
int rcache_put(struct rcache *c, const char *key, const struct vfs_deps *deps,
	const char *blob, size_t len);

#endif
