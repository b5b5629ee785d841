/*
 * ir.h - the intermediate representation every layer shares.
 *
 * A compilation context (struct mc_ctx) owns an arena, a string table and
 * the diagnostics; everything below is allocated in it and released with it.
 *
 * Nodes are the JSON data model plus what YAML adds that matters here:
 * null, bool, int, float and string scalars that keep their source text,
 * style and tag; maps that keep insertion order; sequences.  Every node
 * carries the file:line:col it came from, and nodes that a pass copies keep
 * theirs, so a finding after patches points at the patch that set a value.
 * Map keys are string nodes; lookups compare interned strings, and maps
 * with more than a few entries get a hash index on first lookup.
 *
 * Resources are documents with an identity (group, version, kind,
 * namespace, name) cached from the body; resource lists index them by that
 * identity for O(1) lookup.
 */
#ifndef MC_IR_H
#define MC_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc/arena.h"
#include "mc/diag.h"
#include "mc/str.h"

struct vfs;

/* ---- compilation context ---- */

struct mc_ctx {
	struct arena arena;
	struct strtab strs;
	struct diag diag;
	struct vfs *fs; /* where inputs are read from; shared, thread-safe */
	/* Interned strings used everywhere, filled in by mc_ctx_init. */
	const struct str *s_empty, *s_apiVersion, *s_kind, *s_metadata, *s_name,
		*s_namespace, *s_labels, *s_annotations, *s_items, *s_spec,
		*s_data, *s_List, *s_default;
};

void mc_ctx_init(struct mc_ctx *ctx, struct vfs *fs);
void mc_ctx_release(struct mc_ctx *ctx);

static inline const struct str *mc_intern(struct mc_ctx *ctx, const char *s, size_t n)
{
	return str_intern(&ctx->strs, s, n);
}
static inline const struct str *mc_intern0(struct mc_ctx *ctx, const char *s)
{
	return str_intern0(&ctx->strs, s);
}

/* ---- nodes ---- */

enum ir_type { IR_NULL, IR_BOOL, IR_INT, IR_FLOAT, IR_STR, IR_MAP, IR_SEQ };

enum ir_style {
	IR_STYLE_ANY, /* created by a pass, or a plain scalar */
	IR_STYLE_PLAIN,
	IR_STYLE_SQUOTED,
	IR_STYLE_DQUOTED,
	IR_STYLE_LITERAL,
	IR_STYLE_FOLDED,
	IR_STYLE_FLOW, /* a flow collection: {...} or [...] */
};

enum ir_flag {
	IR_F_UINT = 1 << 0, /* IR_INT whose value is v.u (above INT64_MAX) */
	/* An IR_STR that go-yaml v3 reads as a timestamp: text is the source
	 * text; JSON (and so kustomize's output) carries it in RFC 3339. */
	IR_F_TIMESTAMP = 1 << 1,
	/* An IR_MAP whose items carry a key index (node.c's to set and clear). */
	IR_F_MAPIDX = 1 << 2,
	/* Bits 14 and 15 belong to the frontend that made the node (the Argo CD
	 * frontend marks typed Go slices with bit 14: frontend/argocd.h). */
};

struct ir_node;

struct ir_pair {
	struct ir_node *key; /* an IR_STR node */
	struct ir_node *value;
};

struct ir_node {
	uint8_t type;   /* enum ir_type */
	uint8_t style;  /* enum ir_style */
	uint16_t flags; /* enum ir_flag */
	struct srcpos pos;
	const struct str *tag; /* explicit tag as written, or NULL */
	union {
		struct {
			const struct str *text; /* string value, or source text */
			union {
				bool b;
				int64_t i;
				uint64_t u;
				double f;
			} v;
		} s;
		struct {
			/* With IR_F_MAPIDX, one more slot past cap holds the
			 * map's key index (node.c): maps of a dozen keys or
			 * more have one, and every node stays 48 bytes. */
			struct ir_pair *items;
			uint32_t len, cap;
		} map;
		struct {
			struct ir_node **items;
			uint32_t len, cap;
		} seq;
	};
};

static inline bool ir_is_scalar(const struct ir_node *n) { return n && n->type < IR_MAP; }
static inline bool ir_is_map(const struct ir_node *n) { return n && n->type == IR_MAP; }
static inline bool ir_is_seq(const struct ir_node *n) { return n && n->type == IR_SEQ; }
static inline bool ir_is_str(const struct ir_node *n) { return n && n->type == IR_STR; }
static inline bool ir_is_null(const struct ir_node *n) { return !n || n->type == IR_NULL; }

struct ir_node *ir_null(struct mc_ctx *ctx, const struct srcpos *pos);
struct ir_node *ir_bool(struct mc_ctx *ctx, bool b, const struct srcpos *pos);
struct ir_node *ir_int(struct mc_ctx *ctx, int64_t i, const struct srcpos *pos);
struct ir_node *ir_uint(struct mc_ctx *ctx, uint64_t u, const struct srcpos *pos);
struct ir_node *ir_float(struct mc_ctx *ctx, double f, const struct srcpos *pos);
struct ir_node *ir_str(struct mc_ctx *ctx, const char *s, size_t n, const struct srcpos *pos);
struct ir_node *ir_str0(struct mc_ctx *ctx, const char *s, const struct srcpos *pos);
struct ir_node *ir_strs(struct mc_ctx *ctx, const struct str *s, const struct srcpos *pos);
struct ir_node *ir_map(struct mc_ctx *ctx, const struct srcpos *pos);
struct ir_node *ir_seq(struct mc_ctx *ctx, const struct srcpos *pos);

/* The string of a scalar: the value of a string, the source (or canonical)
 * text of another scalar; NULL for collections. */
static inline const struct str *ir_text(const struct ir_node *n)
{
	return ir_is_scalar(n) ? n->s.text : NULL;
}
/* The value of a string node as a C string, or NULL when n is not one. */
static inline const char *ir_cstr(const struct ir_node *n)
{
	return ir_is_str(n) ? n->s.text->s : NULL;
}

void ir_seq_push(struct mc_ctx *ctx, struct ir_node *seq, struct ir_node *item);
void ir_seq_insert(struct mc_ctx *ctx, struct ir_node *seq, size_t at, struct ir_node *item);
void ir_seq_remove(struct ir_node *seq, size_t at);

/* Lookups return the value or NULL. */
struct ir_node *ir_map_get(const struct ir_node *map, const struct str *key);
struct ir_node *ir_map_getc(const struct ir_node *map, const char *key);
struct ir_pair *ir_map_find(const struct ir_node *map, const struct str *key);
/* Replace the value of key, or append the pair; returns the value. */
struct ir_node *ir_map_set(struct mc_ctx *ctx, struct ir_node *map,
	const struct str *key, struct ir_node *value);
struct ir_node *ir_map_setc(struct mc_ctx *ctx, struct ir_node *map,
	const char *key, struct ir_node *value);
/* Append without looking for key first (the caller knows it is new). */
void ir_map_append(struct mc_ctx *ctx, struct ir_node *map,
	struct ir_node *key, struct ir_node *value);
bool ir_map_del(struct ir_node *map, const struct str *key);
bool ir_map_delc(struct ir_node *map, const char *key);
/* The map under key, created (and put in place of a non-map) if needed. */
struct ir_node *ir_map_child(struct mc_ctx *ctx, struct ir_node *map, const char *key);
/* Forget the map's hash index (after editing items[] by hand). */
void ir_map_touched(struct ir_node *map);

/* Follow a '/'-separated path of map keys (no escaping): "metadata/name". */
struct ir_node *ir_path(const struct ir_node *n, const char *path);
/* The string at path, or NULL when absent or not a string. */
const char *ir_path_cstr(const struct ir_node *n, const char *path);

/* Deep copy into ctx's arena (positions and styles kept). */
struct ir_node *ir_clone(struct mc_ctx *ctx, const struct ir_node *n);
/* The same, with each position's file replaced by file(arg, it): a copy
 * that must outlive the files of the context it came from. */
struct ir_node *ir_clone_relocated(struct mc_ctx *ctx, const struct ir_node *n,
	const struct srcfile *(*file)(void *arg, const struct srcfile *f), void *arg);
/* Equality in the JSON data model: maps compare as unordered, numbers by
 * value (int 1 equals float 1.0), strings by bytes. */
bool ir_equal(const struct ir_node *a, const struct ir_node *b);
/* Number of nodes in the tree (for caps on expansion). */
size_t ir_count(const struct ir_node *n);
/* What encoding/json's type errors call the JSON value of n: "string",
 * "bool", "number", "object", "array" or "null". */
const char *ir_json_kind(const struct ir_node *n);

/* ---- resources ---- */

struct ir_resid {
	const struct str *group, *version, *kind, *ns, *name; /* never NULL */
};

struct ir_resource {
	struct ir_node *body;   /* a map */
	struct ir_resid id;     /* as of the last ir_resource_sync */
	struct srcpos origin;   /* where the document starts */
	uint32_t flags;         /* owned by the frontend that made it */
	void *ext;              /* frontend-private state */
};

/* Split apiVersion into group and version ("apps/v1", "v1"). */
void ir_split_apiversion(struct mc_ctx *ctx, const struct str *api,
	const struct str **group, const struct str **version);
struct ir_resource *ir_resource_new(struct mc_ctx *ctx, struct ir_node *body,
	const struct srcpos *origin);
/* Re-read the identity from the body (after a pass renamed something). */
void ir_resource_sync(struct mc_ctx *ctx, struct ir_resource *r);
bool ir_resid_eq(const struct ir_resid *a, const struct ir_resid *b);
uint64_t ir_resid_hash(const struct ir_resid *id);
/* "apps_v1_Deployment|ns|name" style, for messages. */
const char *ir_resid_fmt(struct mc_ctx *ctx, const struct ir_resid *id);

struct ir_residx;

struct ir_reslist {
	struct ir_resource **items;
	size_t len, cap;
	struct ir_residx *idx; /* built on demand; dropped on change */
};

void ir_reslist_push(struct mc_ctx *ctx, struct ir_reslist *l, struct ir_resource *r);
void ir_reslist_remove(struct ir_reslist *l, size_t at);
/* The first resource with this identity, or NULL.  O(1) after an O(n)
 * (re)build of the index, which happens after any change to the list or
 * after ir_reslist_touched. */
struct ir_resource *ir_reslist_find(struct mc_ctx *ctx, struct ir_reslist *l,
	const struct ir_resid *id);
void ir_reslist_touched(struct ir_reslist *l);

#endif
