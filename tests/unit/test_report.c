/*
 * Unit tests: the findings model shared by validate, render and diff --
 * report formats (backends/report.c) over records that share findings or
 * concern no resource, and the detaching of findings from the contexts that
 * reported them (diag_detach, arena_adopt).
 */
#include <stdlib.h>

#include "../../frontend/argocd.h"
#include "testutil.h"
#include "mc/validate.h"

struct fixture {
	struct mc_ctx ctx;
	const struct srcfile *src;  /* the source the findings point at */
	const struct srcfile *out;  /* the rendered file the records are in */
	struct validate_records recs;
};

static void fixture_init(struct fixture *f)
{
	mc_ctx_init(&f->ctx, NULL);
	static const char text[] = "kind: Deployment\nspec:\n  replicas: three\n  name: caf\xc3\xa9 x\n";
	f->src = srcfile_mem(&f->ctx, "apps/base/deployment.yaml", text, sizeof text - 1);
	f->out = srcfile_mem(&f->ctx, "prod/web.yaml", "", 0);
	memset(&f->recs, 0, sizeof f->recs);
}

/* A resource record of the rendered file with the findings [from, to). */
static void add_record(struct fixture *f, const char *name, uint32_t doc, size_t from, size_t to)
{
	struct validate_record r = { 0 };
	r.file = f->out;
	r.seq = 1;
	r.doc = doc;
	r.item = -1;
	r.pos = (struct srcpos){ f->out, 1 + doc * 10, 1 };
	r.api_version = "apps/v1";
	r.kind = "Deployment";
	r.name = name;
	r.status = VALIDATE_VALID;
	validate_record_take_range(&f->ctx, &r, from, to);
	validate_records_push(&f->ctx, &f->recs, &r);
}

static char *write_report(struct fixture *f, enum report_format fmt, bool findings_only)
{
	struct report rep = { .records = &f->recs, .diag = &f->ctx.diag, .nfiles = 1,
		.tool_version = "0.1.0", .tool = "manifestc render", .findings_only = findings_only };
	struct sbuf out = SBUF_INIT;
	report_write(&out, fmt, &rep);
	return sbuf_detach(&out, NULL);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* One finding in a base shared by two rendered resources. */
static void shared_finding(struct fixture *f)
{
	struct srcpos at = { f->src, 3, 13 };
	diag_add(&f->ctx.diag, DIAG_ERROR, &at, "schema/type", "/spec/replicas",
		"got string \"three\", want integer");
	add_record(f, "web", 0, 0, 1);
	/* The second record indexes the same finding. */
	struct validate_record r = f->recs.items[0];
	r.name = "api";
	r.doc = 1;
	validate_records_push(&f->ctx, &f->recs, &r);
}

Test(report, shared_findings_print_once_but_fail_every_resource)
{
	struct fixture f;
	fixture_init(&f);
	shared_finding(&f);
	char *text = write_report(&f, REPORT_TEXT, false);
	cr_assert_eq(count(text, "got string"), 1, "%s", text);
	cr_assert(strstr(text, "apps/base/deployment.yaml:3:13: error: /spec/replicas: got string "
		"\"three\", want integer [schema/type]\n    3 |   replicas: three\n      |            "
		" ^\n"), "%s", text);
	char *gh = write_report(&f, REPORT_GITHUB, false);
	cr_assert_eq(count(gh, "::error "), 1, "%s", gh);
	cr_assert(strstr(gh, "Summary: 2 resources found in 1 file - Valid: 0, Invalid: 2"), "%s", gh);
	char *sarif = write_report(&f, REPORT_SARIF, false);
	cr_assert_eq(count(sarif, "\"ruleId\""), 1, "%s", sarif);
	/* JUnit and JSON list resources: the finding under each. */
	char *junit = write_report(&f, REPORT_JUNIT, false);
	cr_assert_eq(count(junit, "<failure"), 2, "%s", junit);
	cr_assert(strstr(junit, "<testsuites name=\"manifestc render\" tests=\"2\" failures=\"2\""),
		"%s", junit);
	char *json = write_report(&f, REPORT_JSON, false);
	cr_assert_eq(count(json, "\"rule\": \"schema/type\""), 2, "%s", json);
	cr_assert(strstr(json, "\"filename\": \"prod/web.yaml\""), "%s", json);
	cr_assert(strstr(json, "\"file\": \"apps/base/deployment.yaml\", \"line\": 3, \"column\": 13"),
		"%s", json);
	free(text);
	free(gh);
	free(sarif);
	free(junit);
	free(json);
	mc_ctx_release(&f.ctx);
}

Test(report, findings_about_no_file)
{
	struct fixture f;
	fixture_init(&f);
	diag_error(&f.ctx.diag, NULL, "working tree does not render (1 error above)");
	validate_records_orphans(&f.ctx, &f.recs, 0, 1, 0);
	char *gh = write_report(&f, REPORT_GITHUB, true);
	cr_assert_str_eq(gh, "::error::working tree does not render (1 error above)\n"
		"Summary: 1 error, 0 warnings\n");
	char *text = write_report(&f, REPORT_TEXT, true);
	cr_assert_str_eq(text, "manifestc: error: working tree does not render (1 error above)\n");
	char *sarif = write_report(&f, REPORT_SARIF, true);
	cr_assert(!strstr(sarif, "\"locations\""), "a result without a location: %s", sarif);
	cr_assert(strstr(sarif, "\"ruleId\": \"manifestc\""), "%s", sarif);
	char *json = write_report(&f, REPORT_JSON, true);
	cr_assert(strstr(json, "\"filename\": null"), "%s", json);
	char *junit = write_report(&f, REPORT_JUNIT, true);
	cr_assert(strstr(junit, "<testsuite name=\"manifestc\""), "%s", junit);
	cr_assert(strstr(junit, "manifestc: error: working tree does not render"), "%s", junit);
	free(gh);
	free(text);
	free(sarif);
	free(json);
	free(junit);
	mc_ctx_release(&f.ctx);
}

Test(report, github_caps_annotations_with_a_summary)
{
	struct fixture f;
	fixture_init(&f);
	struct srcpos at = { f.src, 3, 13 };
	for (int i = 0; i < 13; i++)
		diag_add(&f.ctx.diag, DIAG_ERROR, &at, "schema/type", "/spec/replicas", "error %d", i);
	for (int i = 0; i < 11; i++)
		diag_add(&f.ctx.diag, DIAG_WARNING, &at, "policy/resources", "", "warning %d", i);
	add_record(&f, "web", 0, 0, f.ctx.diag.len);
	char *gh = write_report(&f, REPORT_GITHUB, false);
	cr_assert_eq(count(gh, "::error file="), 10, "%s", gh);
	cr_assert_eq(count(gh, "::warning file="), 10, "%s", gh);
	/* The rest are log lines, and a notice counts them. */
	cr_assert(strstr(gh, "apps/base/deployment.yaml:3:13: error: /spec/replicas: error 12 "
		"[schema/type]\n"), "%s", gh);
	cr_assert(strstr(gh, "::notice title=manifestc render::4 more findings not annotated"), "%s", gh);
	const char *last = strstr(gh, "Summary: ");
	cr_assert(last && !strchr(last, '\n')[1], "the summary line ends the report: %s", gh);
	free(gh);
	mc_ctx_release(&f.ctx);
}

Test(report, github_escapes_properties_and_messages)
{
	struct fixture f;
	fixture_init(&f);
	const struct srcfile *odd = srcfile_mem(&f.ctx, "a,b:c%.yaml", "x: 1\n", 5);
	struct srcpos at = { odd, 1, 4 };
	diag_add(&f.ctx.diag, DIAG_ERROR, &at, "ref/configmap", NULL, "100%% wrong\nreally: yes, %s",
		"sure");
	add_record(&f, "web", 0, 0, 1);
	char *gh = write_report(&f, REPORT_GITHUB, false);
	cr_assert(strstr(gh, "::error file=a%2Cb%3Ac%25.yaml,line=1,col=4,title=ref/configmap::"
		"100%25 wrong%0Areally: yes, sure\n"), "%s", gh);
	free(gh);
	mc_ctx_release(&f.ctx);
}

Test(report, sarif_columns_are_code_points)
{
	struct fixture f;
	fixture_init(&f);
	/* Line 4 is "  name: café x": byte column 15 is the 'x' after é, code
	 * point column 14. */
	struct srcpos at = { f.src, 4, 15 };
	diag_add(&f.ctx.diag, DIAG_WARNING, &at, "k8s/name", "/spec/name", "odd");
	add_record(&f, "web", 0, 0, 1);
	char *sarif = write_report(&f, REPORT_SARIF, false);
	cr_assert(strstr(sarif, "\"region\": {\"startLine\": 4, \"startColumn\": 14}"), "%s", sarif);
	cr_assert(strstr(sarif, "\"level\": \"warning\""), "%s", sarif);
	cr_assert(strstr(sarif, "\"fullyQualifiedName\": \"Deployment web /spec/name\""), "%s", sarif);
	free(sarif);
	mc_ctx_release(&f.ctx);
}

Test(report, formats_by_name)
{
	enum report_format f;
	cr_assert_eq(report_parse_format("github", &f), 0);
	cr_assert_eq(f, REPORT_GITHUB);
	cr_assert_eq(report_parse_format("sarif", &f), 0);
	cr_assert_eq(f, REPORT_SARIF);
	cr_assert_eq(report_parse_format("junit", &f), 0);
	cr_assert_eq(f, REPORT_JUNIT);
	cr_assert_eq(report_parse_format("xml", &f), -1);
}

/* ------------------------------------------------------------ detaching */

Test(findings, detached_findings_outlive_their_context)
{
	struct arena keep;
	arena_init(&keep);
	struct diag d;
	diag_init(&d);
	{
		struct mc_ctx ctx;
		mc_ctx_init(&ctx, NULL);
		const struct srcfile *a = srcfile_mem(&ctx, "helm template charts/web", "a: 1\nb: two\n", 12);
		const struct srcfile *b = srcfile_mem(&ctx, "values.yaml", "tag: latest\n", 12);
		char *ptr = arena_strdup(&ctx.arena, "/b");
		diag_add(&ctx.diag, DIAG_ERROR, &(struct srcpos){ a, 2, 4 }, "schema/type", ptr, "bad");
		diag_add(&ctx.diag, DIAG_WARNING, &(struct srcpos){ a, 1, 1 }, NULL, NULL, "twice");
		diag_add(&ctx.diag, DIAG_ERROR, &(struct srcpos){ b, 1, 6 }, "policy/image-latest", NULL,
			"latest");
		diag_detach(&ctx.diag, 0, &keep);
		/* One copy per file, whatever the number of findings in it. */
		cr_assert_eq(ctx.diag.msgs[0].pos.file, ctx.diag.msgs[1].pos.file);
		cr_assert_neq(ctx.diag.msgs[0].pos.file, a);
		diag_merge(&d, &ctx.diag);
		mc_ctx_release(&ctx);
	}
	cr_assert_eq(d.len, 3);
	cr_assert_eq(d.nerrors, 2);
	cr_assert_str_eq(d.msgs[0].pointer, "/b");
	struct sbuf sb = SBUF_INIT;
	diag_format(&d.msgs[0], &sb, false);
	cr_assert_str_eq(sb.buf, "helm template charts/web:2:4: error: bad\n    2 | b: two\n      |    ^\n");
	sbuf_reset(&sb);
	diag_format(&d.msgs[2], &sb, false);
	cr_assert(strstr(sb.buf, "values.yaml:1:6: error: latest\n    1 | tag: latest\n"), "%s", sb.buf);
	sbuf_release(&sb);
	/* Adopted by a longer-lived arena, they stay. */
	struct arena owner;
	arena_init(&owner);
	(void)arena_alloc(&owner, 32);
	arena_adopt(&owner, &keep);
	cr_assert_null(keep.head);
	cr_assert_str_eq(d.msgs[1].pos.file->path, "helm template charts/web");
	diag_release(&d);
	arena_release(&owner);
}

Test(findings, cached_renders_keep_their_findings)
{
	struct repo_app a = { 0 };
	a.bytes = "kind: ConfigMap\n";
	a.len = strlen(a.bytes);
	memset(a.digest, 'a', 32);
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	const struct srcfile *f = srcfile_mem(&ctx, "apps/web/kustomization.yaml", "resources:\n- a.yaml\n- a.yaml\n", 29);
	diag_add(&ctx.diag, DIAG_WARNING, &(struct srcpos){ f, 3, 3 }, NULL, NULL,
		"duplicate resource \"a.yaml\"");
	diag_add(&ctx.diag, DIAG_WARNING, NULL, "policy/x", "/p", "no position");
	struct sbuf blob = SBUF_INIT;
	repo_cache_encode(&blob, &a, &ctx.diag);
	mc_ctx_release(&ctx);

	struct repo_app b = { 0 };
	struct diag found;
	diag_init(&found);
	struct arena keep;
	arena_init(&keep);
	cr_assert(repo_cache_decode(blob.buf, blob.len, &b, &found, &keep));
	cr_assert_eq(b.len, a.len);
	cr_assert_eq(found.len, 2);
	cr_assert_eq(found.nwarnings, 2);
	struct sbuf sb = SBUF_INIT;
	diag_format(&found.msgs[0], &sb, false);
	cr_assert_str_eq(sb.buf, "apps/web/kustomization.yaml:3:3: warning: duplicate resource \"a.yaml\"\n"
		"    3 | - a.yaml\n      |   ^\n");
	cr_assert_str_eq(found.msgs[1].rule, "policy/x");
	cr_assert_str_eq(found.msgs[1].pointer, "/p");
	cr_assert_null(found.msgs[1].pos.file);
	/* A damaged entry changes nothing. */
	struct repo_app c = { 0 };
	struct diag none;
	diag_init(&none);
	cr_assert(!repo_cache_decode(blob.buf, blob.len - 3, &c, &none, &keep));
	cr_assert_eq(none.len, 0);
	sbuf_release(&sb);
	sbuf_release(&blob);
	free(b.bytes);
	free(b.res);
	diag_release(&found);
	arena_release(&keep);
}
