/*
 * helm.h - the Helm frontend's internals (frontend/helm_*.c).
 *
 * A chart is loaded into struct helm_chart (files, metadata, values,
 * subcharts), its values are coalesced by Helm's rules into IR maps, its
 * templates are rendered by the Go template engine, and the rendered files
 * are split, sorted and printed as `helm template` prints them.  The public
 * entry point for other frontends is helm_render_chart in frontend.h; this
 * header is for the Helm files themselves and their tests.
 */
#ifndef MC_HELM_H
#define MC_HELM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc/frontend.h"
#include "mc/gotmpl.h"
#include "mc/ir.h"

/* ------------------------------------------------------------- files */

/* A file of a chart, named relative to the chart root with '/'. */
struct helm_file {
	const char *name;
	const char *data; /* NUL-terminated (the NUL is not counted) */
	size_t len;
	const struct srcfile *src; /* for diagnostics; made on demand */
};

struct helm_files {
	struct helm_file *items;
	size_t len, cap;
};

#define HELM_MAX_CHART_SIZE ((size_t)100 << 20) /* MaxDecompressedChartSize */
#define HELM_MAX_FILE_SIZE ((size_t)5 << 20)    /* MaxDecompressedFileSize */

/* loader.LoadArchiveFiles: gunzip and untar a chart archive; each file's
 * name loses its first path component.  Returns 0, or -1 with Helm's
 * message in *err. */
int helm_archive_files(struct arena *a, const char *data, size_t len,
	struct helm_files *out, const char **err);

/* ----------------------------------------------------------- paths */

/* .helmignore rules (pkg/ignore); patterns are path_match's (frontend.h). */
struct helm_ignore;

/* Parse the rules in text (NULL: none) and add Helm's default rule
 * (templates/.?*).  NULL with *err set on a bad rule. */
struct helm_ignore *helm_ignore_parse(struct arena *a, const char *text, size_t len,
	const char **err);
/* Rules.Ignore for a path relative to the chart root. */
bool helm_ignore_match(const struct helm_ignore *r, const char *path, bool is_dir);

/* ---------------------------------------------------------- strvals */

enum helm_set_kind {
	HELM_SET,         /* --set */
	HELM_SET_STRING,  /* --set-string */
	HELM_SET_FILE,    /* --set-file (files read through ctx->fs) */
	HELM_SET_JSON,    /* --set-json */
	HELM_SET_LITERAL, /* --set-literal */
};

/* strvals.ParseInto and friends: parse one argument into dest (a map).
 * Returns 0, or -1 with pkg/strvals' message in *err. */
int helm_strvals_parse(struct mc_ctx *ctx, const char *s, enum helm_set_kind kind,
	struct ir_node *dest, const char **err);

/* JSON input: a jansson json_t as IR (floats: every number a float, as
 * encoding/json decodes into interface{}), or JSON text parsed whole. */
struct ir_node *helm_json_to_ir(struct mc_ctx *ctx, void *json, bool floats);
int helm_json_parse(struct mc_ctx *ctx, const char *text, size_t len, bool floats,
	struct ir_node **out, const char **err);

/* ------------------------------------------------------------ charts */

struct helm_maintainer {
	const char *name, *email, *url;
};

/* One entry of Chart.yaml's dependencies (chart.Dependency). */
struct helm_dep {
	const char *name, *version, *repository, *condition, *alias;
	const char **tags;
	size_t ntags;
	bool enabled;
	struct ir_node *import_values; /* the list as written, or NULL */
	struct srcpos pos;
};

/* Chart.yaml (chart.Metadata), strings never NULL ("" when absent). */
struct helm_meta {
	const char *name, *home, *version, *description, *icon, *api_version,
		*condition, *tags, *app_version, *kube_version, *type;
	const char **sources, **keywords;
	size_t nsources, nkeywords;
	bool has_sources, has_keywords;
	struct helm_maintainer **maintainers; /* entries may be NULL */
	size_t nmaintainers;
	bool deprecated;
	struct ir_node *annotations; /* map of strings, or NULL */
	struct helm_dep **deps;      /* entries may be NULL (rejected by validation) */
	size_t ndeps;
};

struct helm_chart {
	struct helm_meta meta;
	struct ir_node *values;        /* values.yaml (a map), NULL when absent */
	const struct helm_file *schema; /* values.schema.json, or NULL */
	struct helm_files templates;    /* templates/... */
	struct helm_files files;        /* the other files (.Files, crds/) */
	struct helm_chart **deps;       /* Dependencies(): subcharts, in order */
	size_t ndeps;
	struct helm_chart *parent;
	const char *where;              /* the chart's path as shown in messages */
	struct srcpos pos;              /* Chart.yaml */
};

/* loader.Load: a chart directory (with .helmignore) or a .tgz archive.
 * Errors are reported at `from` (or the offending file) with Helm's
 * messages; returns NULL after reporting. */
struct helm_chart *helm_chart_load(struct mc_ctx *ctx, const char *path, const struct srcpos *from);
/* loader.LoadFiles on files already read (names relative to the root);
 * where names the chart in messages. */
struct helm_chart *helm_chart_from_files(struct mc_ctx *ctx, struct helm_files *files,
	const char *where, const struct srcpos *from);

/* Chart.ChartFullPath(): "parent/charts/child". */
const char *helm_chart_fullpath(struct mc_ctx *ctx, const struct helm_chart *c);
bool helm_chart_is_library(const struct helm_chart *c);
/* A srcfile for a chart file (read lazily for archive members). */
const struct srcfile *helm_file_src(struct mc_ctx *ctx, const struct helm_chart *c,
	struct helm_file *f);

/* ------------------------------------------------------------ values */

/* CoalesceValues (merge false) / MergeValues (merge true): a deep copy of
 * vals (NULL: none) with the chart's and its subcharts' defaults under it;
 * Helm 4 (major 4) also drops the nulls of chart defaults.  NULL after
 * reporting a type mismatch. */
struct ir_node *helm_coalesce_values(struct mc_ctx *ctx, const struct helm_chart *c,
	const struct ir_node *vals, bool merge, int major);
/* coalesceTablesFullKey: src merged under dst (dst wins); both edited as
 * Helm edits them.  Returns dst (or src when dst is NULL). */
struct ir_node *helm_coalesce_tables(struct mc_ctx *ctx, struct ir_node *dst, struct ir_node *src,
	const char *prefix, bool merge);
/* Values.Table: the map at a dotted path, or NULL. */
struct ir_node *helm_values_table(struct ir_node *v, const char *name);
/* chartutil.ProcessDependencies(WithMerge): drop disabled subcharts
 * (conditions, tags; aliases applied) and import values from children. */
int helm_process_dependencies(struct mc_ctx *ctx, struct helm_chart *c, const struct ir_node *vals,
	bool merge, int major);
/* action.CheckDependencies: every Chart.yaml dependency is in charts/. */
int helm_check_dependencies(struct mc_ctx *ctx, const struct helm_chart *c);
/* The CLI's mergeMaps for -f files: b over a, maps merged, a new map. */
struct ir_node *helm_merge_maps(struct mc_ctx *ctx, struct ir_node *a, const struct ir_node *b);
/* fmt's %v of a value. */
void helm_fmt_v(struct sbuf *out, const struct ir_node *n);

/* ------------------------------------------------------------ schema */

/* Validate values against one values.schema.json; the v6-style messages
 * ("- at '/x': ...") go to errs.  Returns the number of violations. */
int helm_validate_schema(struct mc_ctx *ctx, const struct helm_file *f, const struct ir_node *values,
	struct sbuf *errs);
/* chartutil.ValidateAgainstSchema over the chart and its subcharts; one
 * diagnostic with Helm's message when anything fails.  Returns errors. */
int helm_validate_values(struct mc_ctx *ctx, const struct helm_chart *c, const struct ir_node *values);

/* ------------------------------------------------------ capabilities */

struct helm_kube_version {
	const char *version, *major, *minor; /* "v1.20.0", "1", "20" */
};

/* chartutil.ParseKubeVersion (apimachinery's ParseGeneric): 0, or -1 with
 * the message in *err. */
int helm_parse_kube_version(struct arena *a, const char *s, struct helm_kube_version *out,
	const char **err);
/* The default: v1.20.0, as Helm's tests set it. */
void helm_default_kube_version(struct helm_kube_version *out);
/* DefaultVersionSet, NULL-terminated. */
extern const char *const helm_default_api_versions[];

/* --------------------------------------------------------- rendering */

/* A rendered file (or a CRD file): its name as `# Source:` shows it. */
struct helm_rendered {
	const char *name;
	const char *text;
	size_t len;
	struct srcpos pos; /* the template, for messages */
};

struct helm_rendered_vec {
	struct helm_rendered *items;
	size_t len, cap;
};


/* The release and cluster a chart is rendered for. */
struct helm_release {
	const char *name, *namespace_;
	int revision;
	bool is_install, is_upgrade;
	struct helm_kube_version kube;
	const char **api_versions;
	size_t napi_versions;
	int major; /* Helm 3 or 4 */
};

/* engine.Render: every template of the chart and its subcharts, parsed
 * into one set, the non-partials executed with their chart's built-in
 * objects; values are the coalesced values.  The rendered files (partials
 * left out, "<no value>" removed) are appended to out.  Returns errors. */
int helm_engine_render(struct mc_ctx *ctx, struct helm_chart *chart, struct ir_node *values,
	const struct helm_release *rel, struct helm_rendered_vec *out);
/* engine.Render with a given top-level object (its Values, Release and
 * Capabilities are handed to every chart as Helm does); strict is
 * Engine.Strict (missingkey=error). */
int helm_render_values(struct mc_ctx *ctx, struct helm_chart *chart, struct gt_value top, int major,
	bool strict, struct helm_rendered_vec *out);
/* engine.render on named templates with their own data (no chart). */
int helm_render_templates(struct mc_ctx *ctx, struct helm_file *files, const struct gt_value *dots,
	size_t n, int major, bool strict, struct helm_rendered_vec *out);
/* --name-template: a Sprig template executed with no data. */
int helm_render_name_template(struct mc_ctx *ctx, const char *tmpl, const char **name);

/* ------------------------------------------------------------ output */

/* One document of a rendered file (releaseutil.Manifest or a hook). */
struct helm_doc {
	const char *path;    /* the template it came from */
	const char *content; /* the document text as Helm keeps it */
	size_t len;
	const char *kind, *name;
	int rank;            /* position in InstallOrder, -1 when not listed */
	bool hook, test;
};

struct helm_docs {
	struct helm_doc **items;
	size_t len, cap;
};

struct helm_sorted {
	struct helm_docs manifests, hooks;
	bool failed; /* a YAML error stopped the sort */
};

/* What Helm reads from a document (releaseutil.SimpleHead). */
struct helm_head {
	const char *api_version, *kind, *name; /* kind is "" when absent */
	const char *hook;                      /* helm.sh/hook, NULL when absent */
	bool annotated;                        /* metadata.annotations is not empty */
};

/* yaml.Unmarshal(doc, &SimpleHead) on libyaml events (go-yaml v2's parser):
 * 0 with h filled, 1 with Helm's message in *why, -1 when the document
 * needs the general loader (aliases, merge keys, tags, odd keys). */
int helm_head_fast(struct arena *a, const char *doc, size_t len, struct helm_head *h, const char **why);

/* The kind's position in Helm's InstallOrder (4 adds the webhook kinds),
 * -1 when it is not listed. */
int helm_install_rank(const char *kind, int major);
/* releaseutil.SortManifests: files are sorted by name (in place), split
 * into documents, heads decoded, hooks separated, both kind-sorted.
 * Returns the number of errors ("YAML parse error on ..."). */
int helm_sort_manifests(struct mc_ctx *ctx, struct helm_rendered *files, size_t n, int major,
	struct helm_sorted *out);
/* Chart.CRDObjects(): crds/ files ending in .yaml|yml|json of the chart and its subcharts. */
void helm_crd_objects(struct mc_ctx *ctx, const struct helm_chart *c, struct helm_rendered_vec *out);

struct helm_print_opts {
	int major;                /* 3 or 4 */
	bool include_crds, skip_tests;
	const char *const *show_only;
	size_t nshow_only;
	const char *output_dir;   /* NULL: print */
	bool use_release_name;    /* --release-name: output-dir/NAME */
	const char *release_name;
};

/* What `helm template` prints (or writes under output_dir, printing the
 * "wrote" lines).  Returns the number of errors. */
int helm_print(struct mc_ctx *ctx, const struct helm_chart *chart, const struct helm_sorted *s,
	const struct helm_print_opts *o, struct sbuf *out);
/* --show-only on a printed stream: the matching documents as "---\nDOC\n"
 * go to out when every pattern matched; else an error per pattern (none
 * when quiet, for --debug output after an error).  Returns errors. */
int helm_show_only(struct mc_ctx *ctx, const char *text, size_t len, const struct helm_print_opts *o,
	struct sbuf *out, bool quiet);

#endif
