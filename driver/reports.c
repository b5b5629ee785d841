/*
 * reports.c - `--report FORMAT[:FILE]`, the findings flag of validate,
 * render and diff.
 *
 * One findings model (backends/report.c) serves the three commands, so
 * they share one flag.  It is repeatable, so one run can annotate a pull
 * request and keep a SARIF file (`--report github --report
 * sarif:manifestc.sarif`).  A report without FILE goes to the command's
 * own stream: stdout for validate (the report is its output), stderr for
 * render and diff (their stdout carries manifests or the diff; GitHub's
 * runner reads workflow commands from both).  Only one report may use that
 * stream.  Files are written atomically.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"

static const char formats[] = "text, json, junit, sarif or github";

int cli_reports_parse(const struct cli_cmd *cmd, const struct strvec *specs, const char *stream,
	struct cli_reports *out)
{
	memset(out, 0, sizeof *out);
	out->items = xcalloc(specs->len + 1, sizeof *out->items);
	size_t streamed = 0;
	for (size_t i = 0; i < specs->len; i++) {
		const char *s = specs->items[i];
		const char *colon = strchr(s, ':');
		char *name = xstrndup(s, colon ? (size_t)(colon - s) : strlen(s));
		struct cli_report *r = &out->items[out->len];
		int bad = report_parse_format(name, &r->fmt);
		free(name);
		if (bad) {
			cli_reports_release(out);
			return cli_usage_error(cmd, "--report takes FORMAT or FORMAT:FILE with FORMAT %s, "
				"not '%s'", formats, s);
		}
		if (colon && !colon[1]) {
			cli_reports_release(out);
			return cli_usage_error(cmd, "--report %s: the file name is empty", s);
		}
		r->file = colon ? colon + 1 : NULL;
		streamed += !r->file;
		out->len++;
	}
	if (streamed > 1) {
		cli_reports_release(out);
		return cli_usage_error(cmd, "--report: only one report can go to %s; give the others a "
			"file (FORMAT:FILE)", stream);
	}
	if (!out->len) { /* the default: text on the command's stream */
		out->items[0].fmt = REPORT_TEXT;
		out->len = 1;
	}
	return 0;
}

bool cli_reports_quiet(const struct cli_reports *rs)
{
	return rs->len == 1 && rs->items[0].fmt == REPORT_TEXT && !rs->items[0].file;
}

void cli_reports_release(struct cli_reports *rs)
{
	free(rs->items);
	memset(rs, 0, sizeof *rs);
}

int cli_reports_write(const struct cli_cmd *cmd, const struct cli_reports *rs, struct report *r,
	FILE *fp)
{
	int status = 0;
	for (size_t i = 0; i < rs->len; i++) {
		const struct cli_report *x = &rs->items[i];
		r->color = false;
		if (x->fmt == REPORT_TEXT && !x->file) {
			const char *nc = getenv("NO_COLOR");
			r->color = isatty(fileno(fp)) && !(nc && *nc);
		}
		struct sbuf out = SBUF_INIT;
		report_write(&out, x->fmt, r);
		if (x->file) {
			int e = write_output(x->file, out.buf, out.len);
			if (e) {
				fprintf(stderr, "manifestc %s: error: writing %s: %s\n", cmd->name, x->file,
					strerror(e));
				status = EXIT_USAGE;
			}
		} else if ((out.len && fwrite(out.buf, 1, out.len, fp) != out.len) || fflush(fp)) {
			status = EXIT_USAGE;
		}
		sbuf_release(&out);
	}
	return status;
}
