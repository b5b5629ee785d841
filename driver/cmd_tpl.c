/*
 * cmd_tpl.c - `manifestc tpl --funcs go|sprig|helm TEMPLATE [DATA.json]`:
 * render one Go template file with JSON data as dot.
 *
 * Chart authors use it to try helpers; the gotemplate conformance runner
 * calls it.  Data follows the convention of Go programs decoding JSON into
 * interface{} with integers kept apart: a number written without '.' or an
 * exponent is a Go int, any other a float64.  Output is printed only when
 * rendering succeeded; errors print as file:line:col: error: <Go's text>.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "mc/frontend.h"
#include "mc/gotmpl.h"

static struct gt_value from_json(struct arena *a, json_t *j, int depth)
{
	if (depth > 10000)
		return gt_nil();
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		struct gt_value m = gt_map_new(a, NULL);
		const char *k;
		json_t *v;
		void *it = json_object_iter(j);
		while (it) {
			k = json_object_iter_key(it);
			v = json_object_iter_value(it);
			size_t kn = json_object_iter_key_len(it);
			gt_map_set(a, m.m, arena_strndup(a, k, kn), kn, from_json(a, v, depth + 1));
			it = json_object_iter_next(j, it);
		}
		return m;
	}
	case JSON_ARRAY: {
		struct gt_value l = gt_list_new(a, NULL, json_array_size(j));
		for (size_t i = 0; i < json_array_size(j); i++)
			gt_list_push(a, l, from_json(a, json_array_get(j, i), depth + 1));
		return l;
	}
	case JSON_STRING:
		return gt_strdup(a, json_string_value(j), json_string_length(j));
	case JSON_INTEGER:
		return gt_int(json_integer_value(j));
	case JSON_REAL:
		return gt_float(json_real_value(j));
	case JSON_TRUE:
		return gt_bool(true);
	case JSON_FALSE:
		return gt_bool(false);
	case JSON_NULL:
	default:
		return gt_nil();
	}
}

static int run(int argc, char **argv)
{
	const char *funcs = "sprig", *missing = NULL, *output = NULL, *major = NULL;
	const struct cli_opt opts[] = {
		{ "funcs", 0, CLI_STR, &funcs, "SET",
		  "the function map: go (built-ins), sprig (default), helm, argocd" },
		{ "missingkey", 0, CLI_STR, &missing, "MODE",
		  "what a missing map key gives: default (<no value>), zero, error" },
		{ "helm-major", 0, CLI_STR, &major, "N", "Helm's major version for --funcs helm (3 or 4)" },
		{ "output", 'o', CLI_STR, &output, "FILE", "write the output to FILE instead of stdout" },
		{ 0 },
	};
	struct strvec pos = { 0 };
	int rc = cli_parse(&cmd_tpl, opts, argc, argv, &pos);
	if (rc) {
		strvec_release(&pos);
		return rc < 0 ? EXIT_OK : rc;
	}
	if (pos.len < 1 || pos.len > 2) {
		strvec_release(&pos);
		return cli_usage_error(&cmd_tpl, "expected TEMPLATE [DATA.json]");
	}
	const char *tpath = pos.items[0], *dpath = pos.len > 1 ? pos.items[1] : NULL;
	strvec_release(&pos);

	enum gt_funcset base;
	if (!strcmp(funcs, "go"))
		base = GT_FUNCS_GO;
	else if (!strcmp(funcs, "sprig"))
		base = GT_FUNCS_SPRIG;
	else if (!strcmp(funcs, "helm"))
		base = GT_FUNCS_HELM;
	else if (!strcmp(funcs, "argocd"))
		base = GT_FUNCS_ARGOCD;
	else
		return cli_usage_error(&cmd_tpl, "--funcs must be go, sprig, helm or argocd, not '%s'", funcs);
	struct gt_exec_opts eo = { 0 };
	if (missing) {
		if (!strcmp(missing, "default") || !strcmp(missing, "invalid"))
			eo.missingkey = GT_MISSING_DEFAULT;
		else if (!strcmp(missing, "zero"))
			eo.missingkey = GT_MISSING_ZERO;
		else if (!strcmp(missing, "error"))
			eo.missingkey = GT_MISSING_ERROR;
		else
			return cli_usage_error(&cmd_tpl, "--missingkey must be default, zero or error, not '%s'",
				missing);
	}
	int helm_major = 3;
	if (major) {
		if (!strcmp(major, "3") || !strcmp(major, "4"))
			helm_major = major[0] - '0';
		else
			return cli_usage_error(&cmd_tpl, "--helm-major must be 3 or 4, not '%s'", major);
	}

	struct vfs *fs = vfs_disk(NULL);
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	int status = EXIT_OK;
	int err = 0;
	const struct srcfile *tf = vfs_load(fs, tpath, NULL, &err);
	struct gt_value data = gt_nil();
	if (!tf) {
		diag_error(&ctx.diag, NULL, "%s: %s", tpath, strerror(err));
	} else if (dpath) {
		const struct srcfile *df = vfs_load(fs, dpath, NULL, &err);
		if (!df) {
			diag_error(&ctx.diag, NULL, "%s: %s", dpath, strerror(err));
		} else {
			json_error_t je;
			json_t *j = json_loadb(df->data, df->len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
			if (!j) {
				struct srcpos p = { df, (uint32_t)(je.line > 0 ? je.line : 1),
					(uint32_t)(je.column > 0 ? je.column : 1) };
				diag_error(&ctx.diag, &p, "invalid JSON data: %s", je.text);
			} else {
				data = from_json(&ctx.arena, j, 0);
				json_decref(j);
			}
		}
	}
	if (!diag_errors(&ctx.diag)) {
		struct gt_set *set = gt_set_new(&ctx, base);
		gt_set_helm_major(set, helm_major);
		const char *epoch = getenv("SOURCE_DATE_EPOCH");
		gt_set_clock(set, epoch ? strtoll(epoch, NULL, 10) : 0);
		struct gt_src src = { .name = tpath, .text = tf->data, .len = tf->len, .file = tf };
		struct gt_error ge;
		struct sbuf out = SBUF_INIT;
		if (gt_parse(set, &src, &ge) || gt_exec(set, tpath, data, &eo, &out, &ge)) {
			gt_error_diag(&ctx, &ge);
		} else {
			status = cli_write(&cmd_tpl, output, out.buf, out.len);
		}
		sbuf_release(&out);
	}
	status = cli_findings(&ctx.diag, status);
	mc_ctx_release(&ctx);
	vfs_destroy(fs);
	return status;
}

const struct cli_cmd cmd_tpl = {
	"tpl", "TEMPLATE [DATA.json] [flags]",
	"Render one Go template with JSON data (text/template + Sprig/Helm functions).",
	"DATA.json is the template's dot: objects are maps, arrays lists, numbers without '.' or an "
	"exponent Go ints, others float64. Clock functions use SOURCE_DATE_EPOCH (default 0); "
	"random functions are seeded from the template.",
	run,
};
