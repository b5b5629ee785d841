/*
 * schema.h - Kubernetes schemas: the embedded table, schema sets, lookup,
 * scope, navigation and strategic-merge-patch metadata.
 *
 * The build compiles the Kubernetes v1.32 OpenAPI v3 files and the CRDs in
 * the schema source directory into a C table inside the binary
 * (ir/schemagen/schemagen.c writes it), so nothing is read at run time.  A schema
 * set is that table plus schemas added at run time: CRDs found in a repo or
 * in rendered output, an OpenAPI document (kustomize's `openapi:` field),
 * JSON Schemas in kubeconform's file layout.  Every source is compiled into
 * the same node type (struct schema) with every $ref resolved and every
 * `allOf: [{$ref}]` wrapper folded, so navigation is pointer chasing.
 *
 * A set is filled by one thread; once filled it is immutable and may be
 * shared by any number of threads (the embedded set, schema_builtin(), is
 * built once and lives for the whole process).
 *
 * Typical uses:
 *
 *   const struct schema_set *ss = schema_builtin();
 *   if (schema_scope(ss, "rbac.authorization.k8s.io", "ClusterRole") == SCHEMA_SCOPE_CLUSTER) ...
 *   const struct schema *s = schema_lookup(ss, "apps", "v1", "Deployment");
 *   s = schema_path(s, "spec/template/spec/containers");
 *   schema_patch_merge_key(s)          -> "name"
 *   schema_patch_strategy(s)           -> SCHEMA_PATCH_MERGE
 *   schema_list_type(s)                -> SCHEMA_LIST_MAP
 *   s = schema_items(s);               -> io.k8s.api.core.v1.Container
 */
#ifndef MC_SCHEMA_H
#define MC_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc/ir.h"

/* ------------------------------------------------------------ node type */

/* JSON types a schema accepts (the `type` keyword; 0 = any). */
enum schema_type {
	SCHEMA_T_NULL = 1 << 0,
	SCHEMA_T_BOOLEAN = 1 << 1,
	SCHEMA_T_INTEGER = 1 << 2,
	SCHEMA_T_NUMBER = 1 << 3,
	SCHEMA_T_STRING = 1 << 4,
	SCHEMA_T_ARRAY = 1 << 5,
	SCHEMA_T_OBJECT = 1 << 6,
};

enum schema_format {
	SCHEMA_FMT_NONE,
	SCHEMA_FMT_INT32,
	SCHEMA_FMT_INT64,
	SCHEMA_FMT_FLOAT,
	SCHEMA_FMT_DOUBLE,
	SCHEMA_FMT_BYTE,          /* base64, standard alphabet, padded */
	SCHEMA_FMT_DATE_TIME,     /* RFC 3339 */
	SCHEMA_FMT_DATE,          /* RFC 3339 full-date */
	SCHEMA_FMT_DURATION,      /* Go time.ParseDuration, or ISO 8601 */
	SCHEMA_FMT_INT_OR_STRING, /* integer or string */
	SCHEMA_FMT_QUANTITY,      /* resource.Quantity (set on that component) */
	SCHEMA_FMT_OTHER,         /* a format this validator does not check */
};

enum schema_flag {
	SCHEMA_F_PRESERVE_UNKNOWN = 1 << 0,  /* x-kubernetes-preserve-unknown-fields: true */
	SCHEMA_F_INT_OR_STRING = 1 << 1,     /* x-kubernetes-int-or-string: true */
	SCHEMA_F_EMBEDDED_RESOURCE = 1 << 2, /* x-kubernetes-embedded-resource: true */
	SCHEMA_F_NULLABLE = 1 << 3,          /* nullable: true */
	SCHEMA_F_ADDL_FALSE = 1 << 4,        /* additionalProperties: false */
	SCHEMA_F_ADDL_TRUE = 1 << 5,         /* additionalProperties: true (or {}) */
	SCHEMA_F_EXCL_MIN = 1 << 6,          /* exclusiveMinimum: true */
	SCHEMA_F_EXCL_MAX = 1 << 7,          /* exclusiveMaximum: true */
	SCHEMA_F_HAS_MIN = 1 << 8,
	SCHEMA_F_HAS_MAX = 1 << 9,
	SCHEMA_F_UNIQUE = 1 << 10,           /* uniqueItems: true */
	SCHEMA_F_NEVER = 1 << 11,            /* the schema `false`: nothing validates */
};

/* x-kubernetes-list-type */
enum schema_list_type { SCHEMA_LIST_NONE, SCHEMA_LIST_ATOMIC, SCHEMA_LIST_SET, SCHEMA_LIST_MAP };
/* x-kubernetes-map-type */
enum schema_map_type { SCHEMA_MAP_NONE, SCHEMA_MAP_ATOMIC, SCHEMA_MAP_GRANULAR };
/* x-kubernetes-patch-strategy: a comma-separated list, hence bits. */
enum schema_patch {
	SCHEMA_PATCH_MERGE = 1 << 0,
	SCHEMA_PATCH_REPLACE = 1 << 1,
	SCHEMA_PATCH_RETAIN_KEYS = 1 << 2,
};

/* Checks beyond what the published schemas express (the API server's own
 * validation), attached by the compiler to the nodes they apply to.  The
 * validator runs them only when asked (they carry their own rule ids). */
enum schema_kcheck {
	SCHEMA_K_NONE,
	SCHEMA_K_DNS1123_LABEL,     /* container, volume, init container names */
	SCHEMA_K_DNS1123_SUBDOMAIN,
	SCHEMA_K_IANA_SVC_NAME,     /* port names */
	SCHEMA_K_OBJECT_NAME,       /* ObjectMeta.name: the resource's own by its kind's
	                             * rule (validate_resource), nested ones (templates,
	                             * list items) as DNS-1123 subdomains */
	SCHEMA_K_ENUM_STRICT,       /* with kenum: an empty value is refused too (a
	                             * pointer the API server does not default,
	                             * HTTPIngressPath.pathType) */
};

struct schema;

struct schema_prop {
	const char *name;
	uint32_t len;
	const struct schema *schema;
};

struct re2;

/* A `pattern`: its source and where its compiled form lives (compiled when
 * the set that holds the node is built; see mc/regex.h). */
struct schema_pattern {
	const char *src; /* as written in the schema (Go RE2 syntax) */
	struct re2 *const *re;
};

/* The keywords that few nodes use, kept out of line. */
struct schema_more {
	const char *name;              /* component name ("io.k8s.api.core.v1.Container"), or NULL */
	const struct schema *const *all_of;
	const struct schema *const *any_of;
	const struct schema *const *one_of;
	const struct schema *not_;
	const char *const *enum_json;  /* enum values as compact JSON ("\"a\"", "1", "null") */
	const char *const *kenum;      /* values the API server accepts (beyond the schema) */
	const struct schema_pattern *pattern;
	const char *patch_merge_key;
	const char *const *list_map_keys;
	double minimum, maximum;
	double multiple_of;            /* 0 = none */
	int64_t min_length, max_length; /* Unicode code points; -1 = none */
	int64_t min_items, max_items;
	int64_t min_props, max_props;
	uint16_t nall, nany, none, nenum, nkenum, nlistkeys;
	uint8_t kcheck;                /* enum schema_kcheck */
};

struct schema {
	uint8_t types;          /* enum schema_type bits; 0 = any */
	uint8_t format;         /* enum schema_format */
	uint8_t list_type;      /* enum schema_list_type */
	uint8_t map_type : 2;   /* enum schema_map_type */
	uint8_t patch : 6;      /* enum schema_patch bits */
	uint16_t flags;         /* enum schema_flag bits */
	uint16_t nrequired;
	uint32_t nprops;
	const struct schema_prop *props;  /* sorted bytewise by name */
	const char *const *required;
	const struct schema *items;       /* `items` (a single schema) */
	const struct schema *additional;  /* additionalProperties schema, or NULL */
	const struct schema_more *more;   /* NULL when none of its keywords is used */
};

/* ------------------------------------------------------------- navigation */

/* The schema of property name of an object schema (looking through allOf),
 * or NULL when it declares none.  Does not fall back to additionalProperties. */
const struct schema *schema_prop(const struct schema *s, const char *name, size_t len);
static inline const struct schema *schema_propc(const struct schema *s, const char *name)
{
	return schema_prop(s, name, __builtin_strlen(name));
}
/* The schema of a map value: the property when declared, else
 * additionalProperties (a schema), else NULL. */
const struct schema *schema_child(const struct schema *s, const char *name, size_t len);
/* The schema of array items (looking through allOf), or NULL. */
const struct schema *schema_items(const struct schema *s);
/* Follow a '/'-separated path of property names; a segment that is a
 * decimal number or "*" steps into array items, and a name not declared
 * steps into additionalProperties.  NULL when a step has no schema. */
const struct schema *schema_path(const struct schema *s, const char *path);

static inline bool schema_preserves_unknown(const struct schema *s)
{
	return s && (s->flags & SCHEMA_F_PRESERVE_UNKNOWN);
}
static inline bool schema_is_int_or_string(const struct schema *s)
{
	return s && ((s->flags & SCHEMA_F_INT_OR_STRING) || s->format == SCHEMA_FMT_INT_OR_STRING);
}
static inline bool schema_is_embedded_resource(const struct schema *s)
{
	return s && (s->flags & SCHEMA_F_EMBEDDED_RESOURCE);
}
static inline bool schema_is_nullable(const struct schema *s)
{
	return s && (s->flags & SCHEMA_F_NULLABLE);
}
/* Strategic-merge-patch metadata of the field whose schema is s. */
static inline const char *schema_patch_merge_key(const struct schema *s)
{
	return s && s->more ? s->more->patch_merge_key : NULL;
}
static inline unsigned schema_patch_strategy(const struct schema *s)
{
	return s ? s->patch : 0;
}
static inline enum schema_list_type schema_list_type(const struct schema *s)
{
	return s ? (enum schema_list_type)s->list_type : SCHEMA_LIST_NONE;
}
static inline enum schema_map_type schema_map_type(const struct schema *s)
{
	return s ? (enum schema_map_type)s->map_type : SCHEMA_MAP_NONE;
}
/* x-kubernetes-list-map-keys; *n receives the count. */
static inline const char *const *schema_list_map_keys(const struct schema *s, size_t *n)
{
	*n = s && s->more ? s->more->nlistkeys : 0;
	return *n ? s->more->list_map_keys : NULL;
}
/* The component name a node was compiled from, or NULL. */
static inline const char *schema_name(const struct schema *s)
{
	return s && s->more ? s->more->name : NULL;
}

/* ------------------------------------------------------------ schema sets */

enum schema_scope { SCHEMA_SCOPE_UNKNOWN, SCHEMA_SCOPE_NAMESPACED, SCHEMA_SCOPE_CLUSTER };

struct schema_set;

/* The embedded schemas of Kubernetes kube_version ("1.32", "v1.32" or
 * "1.32.x"; NULL: the default) and of the embedded CRDs, or NULL when that
 * version is not embedded.  Built on first use, then shared. */
const struct schema_set *schema_builtin_version(const char *kube_version);
static inline const struct schema_set *schema_builtin(void)
{
	return schema_builtin_version(NULL);
}
/* The Kubernetes versions embedded, NULL-terminated, default first. */
const char *const *schema_builtin_versions(void);

/* A new, empty set layered over base (which may be NULL, and must outlive
 * it): lookups search what was added here first, newest first, then base. */
struct schema_set *schema_set_new(const struct schema_set *base);
void schema_set_free(struct schema_set *s);

/* Add every served version of a CustomResourceDefinition (apiextensions.k8s.io
 * v1 or v1beta1).  metadata is validated as ObjectMeta, as the API server
 * does.  Findings (an invalid pattern, a malformed CRD) go to ctx->diag;
 * returns the number of errors. */
int schema_set_add_crd(struct schema_set *s, struct mc_ctx *ctx, const struct ir_node *crd);
/* Add an OpenAPI document: v2 (`definitions`, as kustomize's `openapi:`
 * field takes) or v3 (`components.schemas`).  Kinds come from
 * x-kubernetes-group-version-kind, scopes from the paths (when present).
 * A $ref that the document does not define resolves to the component of
 * that name in the base set. */
int schema_set_add_openapi(struct schema_set *s, struct mc_ctx *ctx, const struct ir_node *doc);
/* Add a stand-alone JSON Schema (kubeconform's files) under a kubeconform
 * key: "<kind>[-<group's first label>]-<version>" (lower-case kind, e.g.
 * "deployment-apps-v1", "service-v1") or "<group>/<kind>_<version>" (the
 * CRDs-catalog layout).  See schema_lookup for how keys are matched. */
int schema_set_add_jsonschema(struct schema_set *s, struct mc_ctx *ctx,
	const struct ir_node *schema, const char *key);

/* The schema of a kind, or NULL.  group is "" for the core group.  Searches
 * exact (group, version, kind) entries first, then kubeconform keys. */
const struct schema *schema_lookup(const struct schema_set *s, const char *group,
	const char *version, const char *kind);
/* A named component ("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"). */
const struct schema *schema_named(const struct schema_set *s, const char *name);
/* Whether objects of (group, kind) live in a namespace. */
enum schema_scope schema_scope(const struct schema_set *s, const char *group, const char *kind);
/* Is there any schema for (group, kind), in any version? */
bool schema_has_kind(const struct schema_set *s, const char *group, const char *kind);

/* Whether subject matches the pattern (Go's regexp.MatchString: unanchored
 * unless the pattern anchors itself). */
bool schema_pattern_match(const struct schema_pattern *p, const char *subject, size_t len);

#endif
