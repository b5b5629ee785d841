/*
 * validate.h - validating resources: schemas, the API server's own checks,
 * policies, references between resources, AppProject conformance.
 *
 * Every finding goes to ctx->diag with a rule id ("schema/type",
 * "k8s/quantity", "policy/image-tag", "ref/configmap", ...), the RFC 6901
 * pointer of the value inside its resource, and the position of the node
 * that holds the value (after patches: the patch that set it).  Layers
 * report; backends/report.c prints (text with caret, JSON, JUnit, SARIF,
 * GitHub annotations); the driver picks the exit status.
 *
 * Schema validation follows the JSON Schema subset the Kubernetes schemas
 * use, with Kubernetes' meaning where it differs from JSON Schema:
 *  - `key: null` is "unset": allowed for optional fields, a missing field
 *    when required;
 *  - a float with an integral value (`replicas: 3.0`) is an integer, as
 *    sigs.k8s.io/yaml turns it into the JSON number 3 that the API server
 *    accepts; 3.5 is not;
 *  - strict mode closes every object schema that declares properties,
 *    except under x-kubernetes-preserve-unknown-fields (and duplicate keys
 *    are errors, reported by the YAML loader);
 *  - formats int32/int64 are ranges, byte is base64, date-time is RFC 3339,
 *    duration is a Go or ISO 8601 duration.
 */
#ifndef MC_VALIDATE_H
#define MC_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc/frontend.h"
#include "mc/ir.h"
#include "mc/schema.h"

/* ------------------------------------------------------------- options */

struct validate_opts {
	bool strict;          /* unknown fields (and, when loading, duplicate keys) are errors */
	bool ignore_missing;  /* a kind without schema is skipped instead of an error */
	bool no_k8s;          /* skip the API server's checks beyond the schema */
	/* Kinds to skip / reject: "Kind" or "apiVersion/Kind" (kubeconform's
	 * -skip and -reject). */
	const char *const *skip;
	size_t nskip;
	const char *const *reject;
	size_t nreject;
	size_t max_nodes;     /* nodes per file when loading (0: the loader's cap) */
	/* A resource without name or generateName is a warning (kubeconform
	 * and the validation corpus do not require one) instead of an error
	 * (the API server's view, kept by render). */
	bool missing_name_warns;
};

enum validate_status {
	VALIDATE_VALID,
	VALIDATE_INVALID, /* schema or value findings */
	VALIDATE_ERROR,   /* could not validate: parse error, no schema, rejected kind */
	VALIDATE_SKIPPED,
	VALIDATE_EMPTY,   /* an empty document (not counted) */
};

/* One resource (a document, or an item of a List) and its verdict; its
 * findings are ctx->diag.msgs[msgs[0..nmsgs)]. */
struct validate_record {
	const struct srcfile *file;
	uint32_t seq;           /* the file's position among the inputs */
	struct srcpos pos;      /* the start of the document */
	uint32_t doc;           /* index of the document in its file */
	int32_t item;           /* index in a List's items, or -1 */
	const struct ir_node *body; /* the resource (NULL when it did not parse) */
	const char *api_version, *kind, *name, *ns; /* NULL when absent */
	enum validate_status status;
	size_t *msgs;           /* indexes into ctx->diag.msgs (arena) */
	size_t nmsgs, msgcap;
	size_t nerrors;         /* error-level findings among them */
};

struct validate_records {
	struct validate_record *items;
	size_t len, cap;
};

/* --------------------------------------------------- schema validation */

/* Validate one resource body.  prefix is the pointer of the body inside
 * its document ("" or "/items/3").  Returns the status; findings go to
 * ctx->diag.  The record is filled in when rec is not NULL. */
enum validate_status validate_resource(struct mc_ctx *ctx, const struct schema_set *ss,
	const struct ir_node *body, const char *prefix, const struct validate_opts *o,
	struct validate_record *rec);

/* Validate a value against a schema (no resource rules): the building
 * block, exposed for tests and for callers that hold a sub-schema. */
int validate_value(struct mc_ctx *ctx, const struct schema *s, const struct ir_node *value,
	const char *pointer, const struct validate_opts *o);

/* A file's documents, as validate_load read them. */
struct validate_input {
	const struct srcfile *file;
	uint32_t seq;          /* position of the file among the inputs (report order) */
	struct ir_docs docs;   /* NULL items: empty documents and ones that failed to parse */
	uint8_t *failed;       /* per document: 1 when it failed to parse */
};

/* Parse a file as kubectl reads manifests (go-yaml v2 rules; duplicate keys
 * are errors when o->strict).  A file whose YAML fails is re-read document
 * by document (split at `---` lines) so that one bad document does not hide
 * the others; each failed document gets an ERROR record.  The documents
 * are built in pctx (which may be ctx, or a scratch context released after
 * the file: see validate_records_detach); findings and records go to ctx.
 * Returns the number of documents that failed. */
int validate_load(struct mc_ctx *ctx, struct mc_ctx *pctx, const struct srcfile *f,
	uint32_t seq, const struct validate_opts *o, struct validate_input *in,
	struct validate_records *recs);

/* Validate the documents of a loaded file (expanding `kind: List`),
 * appending one record per resource. */
void validate_input_run(struct mc_ctx *ctx, const struct schema_set *ss,
	const struct validate_input *in, const struct validate_opts *o,
	struct validate_records *out);

/* Register every CustomResourceDefinition among the documents in set;
 * returns the number of errors (a CRD that does not compile). */
int validate_add_crds(struct mc_ctx *ctx, struct schema_set *set, const struct validate_input *in);

/* Make records [from, len) independent of the context their documents
 * were parsed in: strings are copied to ctx; bodies are dropped, except
 * that keep() (may be NULL) chooses records whose body is cloned into ctx
 * (validate keeps Applications and AppProjects for the project checks). */
void validate_records_detach(struct mc_ctx *ctx, struct validate_records *r, size_t from,
	bool (*keep)(const struct validate_record *));

/* Sort records into input order (file, document, item). */
void validate_records_sort(struct validate_records *r);

void validate_records_push(struct mc_ctx *ctx, struct validate_records *r,
	const struct validate_record *rec);
/* Attach the findings ctx->diag.msgs[from..] to rec (a VALID record with
 * new errors becomes INVALID). */
void validate_record_take(struct mc_ctx *ctx, struct validate_record *rec, size_t from);
/* The same for the findings [from, to). */
void validate_record_take_range(struct mc_ctx *ctx, struct validate_record *rec, size_t from,
	size_t to);

/* Records for findings that concern no resource: ctx->diag.msgs[from, to)
 * each get one (file and position of the finding, status ERROR for errors),
 * with the given seq.  The command-line tools report everything through
 * records, so findings of the tool itself (a CRD that does not compile, a
 * file that does not render) are printed by every report format too. */
void validate_records_orphans(struct mc_ctx *ctx, struct validate_records *recs, size_t from,
	size_t to, uint32_t seq);

/* -------------------------------------------------------------- inputs */

/* File lists (malloc'd strings). */
struct validate_paths {
	char **items;
	size_t len, cap;
};

void validate_paths_push(struct validate_paths *p, char *path);
void validate_paths_release(struct validate_paths *p);
/* Append the manifests below dir (*.yaml, *.yml, *.json, any case), in
 * sorted order, at most 64 levels deep.  The index.json of a `manifestc
 * render` output is manifestc's index, not a resource: it is left out.
 * Returns 0 or an errno value. */
int validate_walk(struct vfs *fs, const char *dir, struct validate_paths *out);
/* Register the CustomResourceDefinitions of a file or of the manifests
 * below a directory (findings to ctx->diag).  Returns 0, or an errno value
 * when path does not exist. */
int validate_add_crd_path(struct mc_ctx *ctx, struct vfs *fs, struct schema_set *set,
	const char *path);
/* Add the JSON Schemas below dir in kubeconform's layout: the key of each
 * *.json file is its name without .json, lower-cased, and also
 * "<dir>/<name>" (the CRDs-catalog layout {group}/{kind}_{version}.json).
 * Returns 0, or an errno value when dir is not a directory. */
int validate_add_schema_dir(struct mc_ctx *ctx, struct vfs *fs, struct schema_set *set,
	const char *dir);

/* ------------------------------------------------------------ policies */

enum policy_level { POLICY_OFF, POLICY_WARNING, POLICY_ERROR };

/* What references may point at something declared external. */
enum validate_ref_kind {
	REF_CONFIGMAP, REF_SECRET, REF_SERVICEACCOUNT, REF_PVC, REF_SERVICE,
	REF_ANALYSISTEMPLATE, REF_APPPROJECT, REF_WORKLOAD, REF_NKINDS,
};

/* The `validate:` section of manifestc.yaml (defaults in brackets):
 *
 *   validate:
 *     strict: true                       # like --strict
 *     ignoreMissingSchemas: false
 *     skip: [Kind, apiVersion/Kind]      reject: [...]
 *     crds: [path]                       schemas: [dir]   (relative to the file)
 *     protectedEnvironments: [prod]      # [none]
 *     policies:
 *       imageTag: error|warning|off      # images need a tag or digest [warning]
 *       latestInProtected: ...           # no :latest (or no tag) there [error]
 *       resources: ...                   # containers need requests and limits [warning]
 *       requiredLabels: [label, ...]     # or {level: error, labels: [...]} [error]
 *     references:
 *       level: ...                       # [error]
 *       external:                        # names ("name" or "namespace/name")
 *         configMaps: []  secrets: []  serviceAccounts: []
 *         persistentVolumeClaims: []  services: []  analysisTemplates: []
 *         appProjects: []  workloads: []
 *     projects: error|warning|off        # AppProject conformance [error]
 */
struct validate_policy {
	bool strict, strict_set, ignore_missing, ignore_missing_set;
	VEC(const char *) skip, reject, crds, schemas, protected_envs, required_labels;
	enum policy_level image_tag, image_latest, resources, labels, refs, projects;
	VEC(const char *) external[REF_NKINDS];
};

void validate_policy_defaults(struct validate_policy *p);
/* Read a `validate:` section (NULL: keep the defaults); paths are resolved
 * against base_dir.  Returns the number of errors (unknown keys, wrong
 * types), reported with their positions. */
int validate_policy_parse(struct mc_ctx *ctx, const struct ir_node *section,
	const char *base_dir, struct validate_policy *p);
bool validate_env_protected(const struct validate_policy *p, const char *env);

/* The policies of one resource (images, resources, labels); env is the
 * environment it is rendered for (NULL: unknown). */
void validate_policies(struct mc_ctx *ctx, const struct validate_policy *p, const char *env,
	struct validate_record *rec);
/* References between the resources of one environment (the records):
 * ConfigMaps, Secrets, ServiceAccounts and PVCs that pods use, Service
 * selectors, Rollout analysis templates and services, HPA targets.
 * Findings are attached to the records of the resources that refer. */
void validate_refs(struct mc_ctx *ctx, const struct validate_policy *p,
	struct validate_records *recs);
/* AppProject conformance of every Application among the records against
 * the AppProjects among them: source repositories and destinations (Argo
 * CD's glob and deny-pattern rules). */
void validate_projects(struct mc_ctx *ctx, const struct validate_policy *p,
	struct validate_records *recs);
/* The resources an Application renders (rendered) against its project's
 * cluster and namespace resource white- and blacklists; the findings go to
 * app (render calls this; validate knows no rendered output). */
void validate_project_kinds(struct mc_ctx *ctx, const struct validate_policy *p,
	const struct schema_set *ss, const struct ir_node *project,
	struct validate_record *app, struct validate_records *rendered);

/* Everything for one rendered environment (what `render` runs): each
 * resource of l against the schemas and the API server's checks, its
 * policies, then the references between them and the AppProject checks of
 * the Applications among them.  One record per resource (doc = its index
 * in l) is appended to out. */
void validate_reslist(struct mc_ctx *ctx, const struct schema_set *ss, const struct ir_reslist *l,
	const struct validate_opts *o, const struct validate_policy *p, const char *env,
	struct validate_records *out);

/* ------------------------------------------- Kubernetes value syntax */

/* Each returns NULL when s (n bytes) is valid, else the reason (static
 * text in the API server's words). */
const char *k8s_dns1123_label(const char *s, size_t n);
const char *k8s_dns1123_subdomain(const char *s, size_t n);
const char *k8s_dns1035_label(const char *s, size_t n);
const char *k8s_qualified_name(const char *s, size_t n);     /* label and annotation keys */
const char *k8s_label_value(const char *s, size_t n);
const char *k8s_port_name(const char *s, size_t n);          /* IANA_SVC_NAME */
const char *k8s_path_segment_name(const char *s, size_t n);  /* RBAC object names */
const char *k8s_config_key(const char *s, size_t n);         /* ConfigMap / Secret keys */
const char *k8s_quantity(const char *s, size_t n);           /* resource.ParseQuantity */
/* The name rule the API server applies to metadata.name of (group, kind);
 * prefix: the value is a generateName (a trailing '-' is fine). */
const char *k8s_object_name(const char *group, const char *kind, const char *s, size_t n,
	bool prefix);
const char *go_duration(const char *s, size_t n);            /* time.ParseDuration */
const char *iso8601_duration(const char *s, size_t n);
const char *rfc3339_date_time(const char *s, size_t n);
const char *rfc3339_date(const char *s, size_t n);
const char *go_base64(const char *s, size_t n);              /* base64.StdEncoding */

#endif
