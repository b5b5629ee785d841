/*
 * schema_int.h - private to the schema modules (ir/schema*.c) and to the
 * generator (ir/schemagen/schemagen.c): the shape of an embedded table and of a
 * schema set, and the compiler's entry points.
 */
#ifndef MC_SCHEMA_INT_H
#define MC_SCHEMA_INT_H

#include "mc/re2.h"
#include "mc/schema.h"

struct schema_entry {
	const char *group, *version, *kind;
	const struct schema *schema;
};

struct schema_scope_entry {
	const char *group, *kind;
	uint8_t scope; /* enum schema_scope */
};

struct schema_named_entry {
	const char *name;
	const struct schema *schema;
};

/* What ir/schemagen/schemagen.c writes: every array sorted (bytewise) by its key. */
struct schema_table {
	const char *kube_version;                  /* "1.32" */
	const struct schema_entry *entries;        /* by group, version, kind */
	size_t nentries;
	const struct schema_scope_entry *scopes;   /* by group, kind */
	size_t nscopes;
	const struct schema_named_entry *named;    /* by name */
	size_t nnamed;
	const struct schema_pattern *patterns;     /* each distinct pattern once */
	size_t npatterns;
};

/* A string-keyed hash map (keys copied into the set's arena). */
struct schema_map {
	struct schema_map_slot *slots;
	size_t cap, len;
};

struct schema_map_slot {
	uint64_t hash;
	const char *key;
	size_t klen;
	const void *val;
};

const void *schema_map_get(const struct schema_map *m, const char *k, size_t n);
/* Insert or replace; the key is copied into a. */
void schema_map_put(struct arena *a, struct schema_map *m, const char *k, size_t n,
	const void *v);
void schema_map_free(struct schema_map *m);

struct schema_set {
	const struct schema_set *base;
	const struct schema_table *table; /* embedded schemas (builtin sets only) */
	struct arena arena;
	struct schema_map kinds;  /* "group\0version\0kind" -> const struct schema * */
	struct schema_map keys;   /* kubeconform keys -> const struct schema * */
	struct schema_map scopes; /* "group\0kind" -> scope (as a pointer-sized int) */
	struct schema_map gks;    /* "group\0kind" -> anything: kinds with a schema */
	struct schema_map named;  /* component name -> const struct schema * */
	VEC(struct re2 *) regexes;  /* compiled here, freed with the set */
	/* In the order added, for the generator (which writes them out). */
	VEC(struct schema_entry) entry_list;
	VEC(struct schema_scope_entry) scope_list;
	VEC(struct schema_named_entry) named_list;
	struct schema_builder *builder; /* compile state (dedup), built on demand */
};

/* Registration (the compiler and the generator call these). */
void schema_set_put_kind(struct schema_set *s, const char *group, const char *version,
	const char *kind, const struct schema *schema);
/* merge: a kind already known as namespaced stays namespaced (the paths of
 * several OpenAPI files); otherwise the new scope replaces the old one. */
void schema_set_put_scope(struct schema_set *s, const char *group, const char *kind,
	enum schema_scope scope, bool merge);
void schema_set_put_named(struct schema_set *s, const char *name, const struct schema *schema);
/* A component added to this set itself (not its base), or NULL. */
const struct schema *schema_set_own_named(const struct schema_set *s, const char *name);
void schema_set_put_key(struct schema_set *s, const char *key, const struct schema *schema);

/* Compile a schema's pattern into the set; NULL (and a message) if it is
 * not a valid Go regexp. */
const struct schema_pattern *schema_set_pattern(struct schema_set *s, const char *src,
	size_t len, struct sbuf *err);

/* The builtin table of a version (ir/schema_builtin.c), NULL-terminated. */
extern const struct schema_table *const schema_tables[];

/* Kubernetes rules beyond the schema (schema_k8s.c), by component and
 * property (prop NULL: the component itself). */
/* *items: the rule applies to the items of the property (a list). */
void schema_k8s_rules(const char *component, const char *prop, uint8_t *kcheck,
	const char *const **kenum, uint16_t *nkenum, uint8_t *format, bool *items);

/* Free the compile state (dedup tables) once a set is complete. */
void schema_builder_free(struct schema_set *s);

#endif
