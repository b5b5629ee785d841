/*
 * report.c - validation reports: text, JSON, JUnit, SARIF 2.1.0 and GitHub
 * workflow commands.
 *
 * Input is the list of per-resource records (validate.h) and the
 * diagnostics they index, so `validate`, `render` and `diff` print the same
 * reports: findings that concern no resource (a file that does not render)
 * are records of their own.  Several records may index one finding (render
 * reports a finding in a base that many environments share once, and every
 * resource it concerns fails): formats that list findings (text, SARIF,
 * GitHub) print each once, formats that list resources (JSON, JUnit) list
 * it under each.  Every format is deterministic: no timestamps or durations
 * (JUnit's time attributes are 0), records in input order, SARIF rules
 * sorted by id.  Text output is the compiler style of the rest of the tool:
 * `file:line:col: error: /json/pointer: message [rule]`, the source line and
 * a caret.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/backend.h"

int report_parse_format(const char *name, enum report_format *out)
{
	static const struct { const char *n; enum report_format f; } tab[] = {
		{ "text", REPORT_TEXT }, { "json", REPORT_JSON }, { "junit", REPORT_JUNIT },
		{ "sarif", REPORT_SARIF }, { "github", REPORT_GITHUB },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (!strcmp(tab[i].n, name)) {
			*out = tab[i].f;
			return 0;
		}
	return -1;
}

static const char *status_word(enum validate_status s)
{
	switch (s) {
	case VALIDATE_VALID: return "valid";
	case VALIDATE_INVALID: return "invalid";
	case VALIDATE_ERROR: return "error";
	case VALIDATE_SKIPPED: return "skipped";
	default: return "empty";
	}
}

static const char *level_word(enum diag_level l)
{
	return l == DIAG_ERROR ? "error" : l == DIAG_WARNING ? "warning" : "note";
}

struct counts {
	size_t resources, valid, invalid, errors, skipped, nerr, nwarn;
};

static struct counts count(const struct report *r)
{
	struct counts c = { 0 };
	for (size_t i = 0; i < r->records->len; i++) {
		const struct validate_record *x = &r->records->items[i];
		c.resources++;
		switch (x->status) {
		case VALIDATE_VALID: c.valid++; break;
		case VALIDATE_INVALID: c.invalid++; break;
		case VALIDATE_ERROR: c.errors++; break;
		case VALIDATE_SKIPPED: c.skipped++; break;
		default: c.resources--; break;
		}
	}
	/* Findings, each once. */
	for (size_t i = 0; i < r->diag->len; i++) {
		enum diag_level l = r->diag->msgs[i].level;
		if (l == DIAG_ERROR)
			c.nerr++;
		else if (l == DIAG_WARNING)
			c.nwarn++;
	}
	return c;
}

/* The file a finding (or, m NULL, a record) is about; NULL for findings
 * about no file ("the working tree does not render"). */
static const char *path_of(const struct validate_record *x, const struct diag_msg *m)
{
	if (m && m->pos.file)
		return m->pos.file->path;
	if (m && m->pos.line)
		return NULL;
	return x->file ? x->file->path : NULL;
}

static const char *tool_of(const struct report *r)
{
	return r->tool ? r->tool : "manifestc validate";
}

/* Which findings have been printed (formats that print each once). */
struct once {
	bool *seen;
};

static void once_init(struct once *o, const struct report *r)
{
	o->seen = xcalloc(r->diag->len + 1, sizeof *o->seen);
}

static bool once_first(struct once *o, size_t msg)
{
	if (o->seen[msg])
		return false;
	o->seen[msg] = true;
	return true;
}

/* "Deployment web" / "Deployment" / "" */
static void ident(struct sbuf *o, const struct validate_record *x)
{
	if (x->kind)
		sbuf_adds(o, x->kind);
	if (x->name) {
		if (x->kind)
			sbuf_addc(o, ' ');
		sbuf_adds(o, x->name);
	}
}

static void summary_line(struct sbuf *o, const struct report *r, const struct counts *c)
{
	if (r->findings_only) {
		sbuf_printf(o, "Summary: %zu error%s, %zu warning%s\n", c->nerr, c->nerr == 1 ? "" : "s",
			c->nwarn, c->nwarn == 1 ? "" : "s");
		return;
	}
	sbuf_printf(o, "Summary: %zu resource%s found in %zu file%s - Valid: %zu, Invalid: %zu, "
		"Errors: %zu, Skipped: %zu\n", c->resources, c->resources == 1 ? "" : "s",
		r->nfiles, r->nfiles == 1 ? "" : "s", c->valid, c->invalid, c->errors, c->skipped);
}

/* ----------------------------------------------------------------- text */

static void text_msg(struct sbuf *o, const struct diag_msg *m, bool color)
{
	struct diag_msg t = *m;
	struct sbuf msg = SBUF_INIT;
	if (m->pointer && *m->pointer)
		sbuf_printf(&msg, "%s: ", m->pointer);
	sbuf_adds(&msg, m->msg);
	if (m->rule)
		sbuf_printf(&msg, " [%s]", m->rule);
	t.msg = msg.buf;
	diag_format(&t, o, color);
	sbuf_release(&msg);
}

static void report_text(struct sbuf *o, const struct report *r)
{
	struct once once;
	once_init(&once, r);
	for (size_t i = 0; i < r->records->len; i++) {
		const struct validate_record *x = &r->records->items[i];
		for (size_t j = 0; j < x->nmsgs; j++)
			if (once_first(&once, x->msgs[j]))
				text_msg(o, &r->diag->msgs[x->msgs[j]], r->color);
		if (r->verbose && (x->status == VALIDATE_VALID || x->status == VALIDATE_SKIPPED) &&
		    x->kind) {
			const char *path = path_of(x, NULL);
			sbuf_printf(o, "%s:", path ? path : "manifestc");
			if (x->pos.line)
				sbuf_printf(o, "%u:%u:", x->pos.line, x->pos.col);
			sbuf_addc(o, ' ');
			ident(o, x);
			sbuf_printf(o, " is %s\n", status_word(x->status));
		}
	}
	free(once.seen);
	if (r->summary) {
		struct counts c = count(r);
		summary_line(o, r, &c);
	}
}

/* ----------------------------------------------------------------- JSON */

static void jstr(struct sbuf *o, const char *s)
{
	if (!s)
		sbuf_adds(o, "null");
	else
		emit_json_string(o, s, strlen(s));
}

static void report_json(struct sbuf *o, const struct report *r)
{
	sbuf_adds(o, "{\n  \"resources\": [");
	bool first = true;
	for (size_t i = 0; i < r->records->len; i++) {
		const struct validate_record *x = &r->records->items[i];
		if (!r->verbose && (x->status == VALIDATE_VALID || x->status == VALIDATE_SKIPPED) &&
		    !x->nmsgs)
			continue;
		sbuf_adds(o, first ? "\n    {" : ",\n    {");
		first = false;
		sbuf_adds(o, "\n      \"filename\": ");
		jstr(o, x->file ? x->file->path : NULL);
		sbuf_printf(o, ",\n      \"line\": %u,\n      \"document\": %u", x->pos.line, x->doc);
		if (x->item >= 0)
			sbuf_printf(o, ",\n      \"item\": %d", x->item);
		sbuf_adds(o, ",\n      \"kind\": ");
		jstr(o, x->kind);
		sbuf_adds(o, ",\n      \"name\": ");
		jstr(o, x->name);
		sbuf_adds(o, ",\n      \"namespace\": ");
		jstr(o, x->ns);
		sbuf_adds(o, ",\n      \"version\": ");
		jstr(o, x->api_version);
		sbuf_printf(o, ",\n      \"status\": \"status%c%s\"", status_word(x->status)[0] - 32,
			status_word(x->status) + 1);
		sbuf_adds(o, ",\n      \"msg\": ");
		jstr(o, x->nmsgs ? r->diag->msgs[x->msgs[0]].msg : "");
		sbuf_adds(o, ",\n      \"validationErrors\": [");
		for (size_t j = 0; j < x->nmsgs; j++) {
			const struct diag_msg *m = &r->diag->msgs[x->msgs[j]];
			sbuf_adds(o, j ? ",\n        {" : "\n        {");
			sbuf_adds(o, "\"path\": ");
			jstr(o, m->pointer ? m->pointer : "");
			sbuf_adds(o, ", \"msg\": ");
			jstr(o, m->msg);
			sbuf_adds(o, ", \"rule\": ");
			jstr(o, m->rule);
			sbuf_printf(o, ", \"level\": \"%s\"", level_word(m->level));
			sbuf_adds(o, ", \"file\": ");
			jstr(o, path_of(x, m));
			sbuf_printf(o, ", \"line\": %u, \"column\": %u}", m->pos.line, m->pos.col);
		}
		sbuf_adds(o, x->nmsgs ? "\n      ]\n    }" : "]\n    }");
	}
	sbuf_adds(o, first ? "]" : "\n  ]");
	if (r->summary) {
		struct counts c = count(r);
		sbuf_printf(o, ",\n  \"summary\": {\n    \"valid\": %zu,\n    \"invalid\": %zu,\n"
			"    \"errors\": %zu,\n    \"skipped\": %zu\n  }", c.valid, c.invalid, c.errors,
			c.skipped);
	}
	sbuf_adds(o, "\n}\n");
}

/* ---------------------------------------------------------------- JUnit */

/* XML text; in attributes (attr) whitespace controls are escaped too, as
 * attribute-value normalisation would otherwise turn them into spaces. */
static void xml_esc(struct sbuf *o, const char *s, bool attr)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': sbuf_adds(o, "&lt;"); break;
		case '>': sbuf_adds(o, "&gt;"); break;
		case '&': sbuf_adds(o, "&amp;"); break;
		case '"': sbuf_adds(o, attr ? "&quot;" : "\""); break;
		case '\'': sbuf_adds(o, attr ? "&apos;" : "'"); break;
		case '\n': sbuf_adds(o, attr ? "&#xA;" : "\n"); break;
		case '\t': sbuf_adds(o, attr ? "&#x9;" : "\t"); break;
		case '\r': sbuf_adds(o, "&#xD;"); break;
		default:
			if ((unsigned char)*s < 0x20)
				sbuf_adds(o, "\xef\xbf\xbd"); /* not representable in XML 1.0 */
			else
				sbuf_addc(o, *s);
		}
	}
}

static void xml(struct sbuf *o, const char *s)
{
	xml_esc(o, s, true);
}

static void msg_line(struct sbuf *o, const struct validate_record *x, const struct diag_msg *m)
{
	const char *path = path_of(x, m);
	sbuf_adds(o, path ? path : "manifestc");
	if (path && m->pos.line) {
		sbuf_printf(o, ":%u", m->pos.line);
		if (m->pos.col)
			sbuf_printf(o, ":%u", m->pos.col);
	}
	sbuf_printf(o, ": %s: ", level_word(m->level));
	if (m->pointer && *m->pointer)
		sbuf_printf(o, "%s: ", m->pointer);
	sbuf_adds(o, m->msg);
	if (m->rule)
		sbuf_printf(o, " [%s]", m->rule);
}

static void report_junit(struct sbuf *o, const struct report *r)
{
	struct counts c = count(r);
	sbuf_adds(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	xml(o, tool_of(r));
	sbuf_printf(o, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" disabled=\"%zu\" "
		"time=\"0\">\n", c.resources, c.invalid, c.errors, c.skipped);
	size_t i = 0, suite = 0;
	while (i < r->records->len) {
		size_t j = i;
		struct counts sc = { 0 };
		while (j < r->records->len && r->records->items[j].seq == r->records->items[i].seq) {
			enum validate_status s = r->records->items[j].status;
			if (s != VALIDATE_EMPTY)
				sc.resources++;
			sc.invalid += s == VALIDATE_INVALID;
			sc.errors += s == VALIDATE_ERROR;
			sc.skipped += s == VALIDATE_SKIPPED;
			j++;
		}
		const struct validate_record *f = &r->records->items[i];
		sbuf_adds(o, "  <testsuite name=\"");
		xml(o, f->file ? f->file->path : "manifestc");
		sbuf_printf(o, "\" id=\"%zu\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
			"disabled=\"%zu\" skipped=\"%zu\" time=\"0\">\n", suite++, sc.resources, sc.invalid,
			sc.errors, sc.skipped, sc.skipped);
		for (; i < j; i++) {
			const struct validate_record *x = &r->records->items[i];
			struct sbuf name = SBUF_INIT;
			ident(&name, x);
			if (!name.len)
				sbuf_printf(&name, "document %u", x->doc);
			sbuf_adds(o, "    <testcase name=\"");
			xml(o, name.buf);
			sbuf_adds(o, "\" classname=\"");
			struct sbuf cls = SBUF_INIT;
			sbuf_printf(&cls, "%s/%s", x->api_version ? x->api_version : "",
				x->kind ? x->kind : "");
			xml(o, cls.buf);
			sbuf_release(&cls);
			sbuf_release(&name);
			sbuf_adds(o, "\" time=\"0\"");
			if (x->status == VALIDATE_VALID && !x->nmsgs) {
				sbuf_adds(o, "></testcase>\n");
				continue;
			}
			sbuf_adds(o, ">\n");
			if (x->status == VALIDATE_SKIPPED) {
				sbuf_adds(o, "      <skipped></skipped>\n");
			} else if (x->nmsgs) {
				const char *tag = x->status == VALIDATE_ERROR ? "error" :
					x->status == VALIDATE_INVALID ? "failure" : "system-out";
				struct sbuf body = SBUF_INIT;
				for (size_t k = 0; k < x->nmsgs; k++) {
					msg_line(&body, x, &r->diag->msgs[x->msgs[k]]);
					sbuf_addc(&body, '\n');
				}
				sbuf_printf(o, "      <%s", tag);
				if (strcmp(tag, "system-out")) {
					sbuf_adds(o, " message=\"");
					xml(o, r->diag->msgs[x->msgs[0]].msg);
					sbuf_printf(o, "\" type=\"%s\"", x->status == VALIDATE_ERROR ?
						"Error" : "ValidationError");
				}
				sbuf_adds(o, ">");
				xml_esc(o, body.buf, false);
				sbuf_printf(o, "</%s>\n", tag);
				sbuf_release(&body);
			}
			sbuf_adds(o, "    </testcase>\n");
		}
		sbuf_adds(o, "  </testsuite>\n");
	}
	sbuf_adds(o, "</testsuites>\n");
}

/* ---------------------------------------------------------------- SARIF */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *rule_help(const char *id)
{
	static const struct { const char *prefix, *text; } tab[] = {
		{ "schema/", "The value does not conform to the resource's OpenAPI schema." },
		{ "k8s/", "The API server would reject this value (validation beyond the published schema)." },
		{ "resource/", "The document is not a resource that can be validated." },
		{ "policy/", "The resource violates a policy of this repository (manifestc.yaml)." },
		{ "ref/", "The resource refers to another resource that the environment does not contain." },
		{ "project/", "The Application is outside what its AppProject allows." },
		{ "yaml", "The file is not valid YAML." },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (!strncmp(id, tab[i].prefix, strlen(tab[i].prefix)))
			return tab[i].text;
	return "An input manifestc could not read, render or validate.";
}

/* Columns are bytes in diagnostics; SARIF counts characters (the run
 * declares unicodeCodePoints). */
static unsigned code_point_col(const struct diag_msg *m)
{
	size_t len;
	const char *line = m->pos.file ? srcfile_line(m->pos.file, m->pos.line, &len) : NULL;
	if (!line)
		return m->pos.col;
	unsigned col = 1;
	for (size_t i = 0; i + 1 < m->pos.col && i < len; i++)
		if (((unsigned char)line[i] & 0xC0) != 0x80)
			col++;
	return col;
}

static void report_sarif(struct sbuf *o, const struct report *r)
{
	/* Distinct rule ids, sorted. */
	size_t nrules = 0, cap = 16;
	const char **rules = xmalloc(cap * sizeof *rules);
	for (size_t i = 0; i < r->records->len; i++) {
		const struct validate_record *x = &r->records->items[i];
		for (size_t j = 0; j < x->nmsgs; j++) {
			const char *id = r->diag->msgs[x->msgs[j]].rule;
			if (!id)
				id = "manifestc";
			bool seen = false;
			for (size_t k = 0; k < nrules && !seen; k++)
				seen = !strcmp(rules[k], id);
			if (seen)
				continue;
			if (nrules == cap)
				rules = xrealloc(rules, (cap *= 2) * sizeof *rules);
			rules[nrules++] = id;
		}
	}
	qsort(rules, nrules, sizeof *rules, cmp_str);
	sbuf_adds(o, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
		"  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n"
		"        \"driver\": {\n          \"name\": \"manifestc\",\n");
	sbuf_printf(o, "          \"version\": \"%s\",\n", r->tool_version ? r->tool_version : "");
	sbuf_adds(o, "          \"rules\": [");
	for (size_t k = 0; k < nrules; k++) {
		sbuf_adds(o, k ? ",\n            {" : "\n            {");
		sbuf_adds(o, "\"id\": ");
		jstr(o, rules[k]);
		sbuf_adds(o, ", \"shortDescription\": {\"text\": ");
		jstr(o, rule_help(rules[k]));
		sbuf_adds(o, "}}");
	}
	sbuf_adds(o, nrules ? "\n          ]\n" : "]\n");
	sbuf_adds(o, "        }\n      },\n      \"columnKind\": \"unicodeCodePoints\",\n"
		"      \"results\": [");
	bool first = true;
	struct once once;
	once_init(&once, r);
	for (size_t i = 0; i < r->records->len; i++) {
		const struct validate_record *x = &r->records->items[i];
		for (size_t j = 0; j < x->nmsgs; j++) {
			if (!once_first(&once, x->msgs[j]))
				continue;
			const struct diag_msg *m = &r->diag->msgs[x->msgs[j]];
			const char *id = m->rule ? m->rule : "manifestc";
			size_t idx = 0;
			while (idx < nrules && strcmp(rules[idx], id))
				idx++;
			sbuf_adds(o, first ? "\n        {" : ",\n        {");
			first = false;
			sbuf_adds(o, "\n          \"ruleId\": ");
			jstr(o, id);
			sbuf_printf(o, ",\n          \"ruleIndex\": %zu,\n          \"level\": \"%s\",\n",
				idx, m->level == DIAG_ERROR ? "error" : m->level == DIAG_WARNING ? "warning" : "note");
			struct sbuf text = SBUF_INIT;
			if (m->pointer && *m->pointer)
				sbuf_printf(&text, "%s: ", m->pointer);
			sbuf_adds(&text, m->msg);
			sbuf_adds(o, "          \"message\": {\"text\": ");
			jstr(o, text.buf);
			sbuf_release(&text);
			const char *path = path_of(x, m);
			if (!path) {
				/* A finding about no file: a result without a location. */
				sbuf_adds(o, "}\n        }");
				continue;
			}
			sbuf_adds(o, "},\n          \"locations\": [\n            {\n"
				"              \"physicalLocation\": {\n"
				"                \"artifactLocation\": {\"uri\": ");
			/* URIs are relative references: percent-encode what is not
			 * allowed in a path. */
			struct sbuf uri = SBUF_INIT;
			for (const char *p = path; *p; p++) {
				unsigned char c = (unsigned char)*p;
				if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
				    strchr("-._~/!$&'()*+,;=:@", c))
					sbuf_addc(&uri, (char)c);
				else
					sbuf_printf(&uri, "%%%02X", c);
			}
			jstr(o, uri.buf);
			sbuf_release(&uri);
			sbuf_adds(o, "}");
			if (m->pos.line) {
				sbuf_printf(o, ",\n                \"region\": {\"startLine\": %u", m->pos.line);
				if (m->pos.col)
					sbuf_printf(o, ", \"startColumn\": %u", code_point_col(m));
				sbuf_adds(o, "}");
			}
			sbuf_adds(o, "\n              }");
			if (m->pointer && *m->pointer) {
				struct sbuf fq = SBUF_INIT;
				ident(&fq, x);
				sbuf_printf(&fq, "%s%s", fq.len ? " " : "", m->pointer);
				sbuf_adds(o, ",\n              \"logicalLocations\": [{\"fullyQualifiedName\": ");
				jstr(o, fq.buf);
				sbuf_adds(o, ", \"kind\": \"member\"}]");
				sbuf_release(&fq);
			}
			sbuf_adds(o, "\n            }\n          ]\n        }");
		}
	}
	sbuf_adds(o, first ? "]\n" : "\n      ]\n");
	sbuf_adds(o, "    }\n  ]\n}\n");
	free(rules);
	free(once.seen);
}

/* --------------------------------------------------------------- GitHub */

static void gh_escape(struct sbuf *o, const char *s, bool property)
{
	for (; *s; s++) {
		if (*s == '%')
			sbuf_adds(o, "%25");
		else if (*s == '\r')
			sbuf_adds(o, "%0D");
		else if (*s == '\n')
			sbuf_adds(o, "%0A");
		else if (property && *s == ':')
			sbuf_adds(o, "%3A");
		else if (property && *s == ',')
			sbuf_adds(o, "%2C");
		else
			sbuf_addc(o, *s);
	}
}

/* GitHub shows at most 10 error and 10 warning annotations per step
 * (actions/toolkit docs/problem-matchers.md); the rest are printed as
 * plain log lines, and a notice says how many were not annotated. */
#define GH_PER_LEVEL 10

static void report_github(struct sbuf *o, const struct report *r)
{
	size_t shown_err = 0, shown_warn = 0, extra = 0;
	struct once once;
	once_init(&once, r);
	for (size_t i = 0; i < r->records->len; i++) {
		const struct validate_record *x = &r->records->items[i];
		for (size_t j = 0; j < x->nmsgs; j++) {
			if (!once_first(&once, x->msgs[j]))
				continue;
			const struct diag_msg *m = &r->diag->msgs[x->msgs[j]];
			size_t *shown = m->level == DIAG_ERROR ? &shown_err :
				m->level == DIAG_WARNING ? &shown_warn : NULL;
			if (!shown || *shown >= GH_PER_LEVEL) {
				msg_line(o, x, m);
				sbuf_addc(o, '\n');
				if (shown)
					extra++;
				continue;
			}
			(*shown)++;
			sbuf_printf(o, "::%s", level_word(m->level));
			const char *path = path_of(x, m);
			const char *sep = " ";
			if (path) {
				sbuf_adds(o, " file=");
				gh_escape(o, path, true);
				if (m->pos.line)
					sbuf_printf(o, ",line=%u", m->pos.line);
				if (m->pos.line && m->pos.col)
					sbuf_printf(o, ",col=%u", m->pos.col);
				sep = ",";
			}
			if (m->rule) {
				sbuf_printf(o, "%stitle=", sep);
				gh_escape(o, m->rule, true);
			}
			sbuf_adds(o, "::");
			struct sbuf text = SBUF_INIT;
			if (m->pointer && *m->pointer)
				sbuf_printf(&text, "%s: ", m->pointer);
			sbuf_adds(&text, m->msg);
			gh_escape(o, text.buf, false);
			sbuf_release(&text);
			sbuf_addc(o, '\n');
		}
	}
	free(once.seen);
	struct counts c = count(r);
	if (extra) {
		sbuf_adds(o, "::notice title=");
		gh_escape(o, tool_of(r), true);
		sbuf_printf(o, "::%zu more finding%s not annotated (GitHub shows %d errors and %d "
			"warnings per step); all are listed in this log\n", extra, extra == 1 ? "" : "s",
			GH_PER_LEVEL, GH_PER_LEVEL);
	}
	summary_line(o, r, &c);
}

void report_write(struct sbuf *out, enum report_format f, const struct report *r)
{
	switch (f) {
	case REPORT_TEXT: report_text(out, r); break;
	case REPORT_JSON: report_json(out, r); break;
	case REPORT_JUNIT: report_junit(out, r); break;
	case REPORT_SARIF: report_sarif(out, r); break;
	case REPORT_GITHUB: report_github(out, r); break;
	}
}
