/*
 * backend.h - writing the IR out.
 *
 * emit_yaml writes the bytes `kubectl kustomize` (and Helm's toYaml, and
 * sigs.k8s.io/yaml.Marshal in general) produce: the value goes through the
 * JSON data model and is printed by go-yaml v2, whose emitter is a port of
 * libyaml's, which we drive with the same style choices.  emit_json writes
 * sorted keys with two-space indentation and Go's number formatting.
 */
#ifndef MC_BACKEND_H
#define MC_BACKEND_H

#include <stdbool.h>

#include "mc/ir.h"

/* go-yaml v2's map key order (natural: digit runs compare as numbers,
 * non-letters before letters).  Returns <0, 0, >0. */
int emit_keycmp(const struct str *a, const struct str *b);

/* True when go-yaml v2 would print s without quotes (it resolves as a
 * string under YAML 1.1 and is not a base-60 float).  Used by the emitter
 * and by anything that must predict its output. */
bool emit_plain_ok(const char *s, size_t n);

/* Append one document (no `---`), ending in a newline.  Returns 0, or -1
 * with a message in *err (e.g. for NaN, which JSON cannot carry). */
int emit_yaml(struct sbuf *out, const struct ir_node *doc, const char **err);
/* The same bytes, always through libyaml's emitter (emit_yaml writes the
 * common simple documents directly); for tests that the two agree. */
int emit_yaml_libyaml(struct sbuf *out, const struct ir_node *doc, const char **err);
/* Documents joined by `---\n` (none before the first), as kustomize prints
 * a resource list. */
int emit_yaml_stream(struct sbuf *out, struct ir_node *const *docs, size_t n,
	const char **err);

enum emit_json_flags {
	EMIT_JSON_COMPACT = 1 << 0, /* one line, no spaces */
	EMIT_JSON_UNSORTED = 1 << 1, /* keep insertion order */
	EMIT_JSON_HTML = 1 << 2, /* escape <, > and & as json.Marshal does */
};

/* JSON of n: keys sorted bytewise, two-space indentation (unless compact),
 * no trailing newline.  Returns 0, or -1 for NaN/Inf (with *err). */
int emit_json(struct sbuf *out, const struct ir_node *n, unsigned flags, const char **err);
/* A JSON string literal as Go's encoding/json writes it: invalid UTF-8 as
 * \ufffd, U+2028/U+2029 escaped; with EMIT_JSON_HTML also <, > and &
 * (json.Marshal; without it, an Encoder with SetEscapeHTML(false)). */
void emit_json_quote(struct sbuf *out, const char *s, size_t n, unsigned flags);
static inline void emit_json_string(struct sbuf *out, const char *s, size_t n)
{
	emit_json_quote(out, s, n, 0);
}

/* ----------------------------------------------- validation reports */

#include "mc/validate.h"

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_JUNIT, REPORT_SARIF, REPORT_GITHUB };

/* Findings of `validate`, `render` and `diff`, in every format.  Records
 * are resources (or findings that concern no resource); several records may
 * index one finding, which is then printed once by the formats that list
 * findings (text, SARIF, GitHub). */
struct report {
	const struct validate_records *records; /* in input order */
	const struct diag *diag;                /* the findings the records index */
	size_t nfiles;
	bool summary;       /* a summary line (text, github) or object (json) */
	bool verbose;       /* list valid and skipped resources too */
	bool color;         /* text only */
	const char *tool_version;
	const char *tool;   /* "manifestc render": JUnit's suite name, GitHub notice
	                     * titles (default "manifestc validate") */
	bool findings_only; /* the records are findings about no resource (nothing
	                     * was validated): summaries count findings */
};

/* "text", "json", "junit", "sarif", "github"; -1 for anything else. */
int report_parse_format(const char *name, enum report_format *out);
void report_write(struct sbuf *out, enum report_format f, const struct report *r);

#endif
