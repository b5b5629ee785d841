/*
 * appset_gotmpl.c - goTemplate mode of ApplicationSets.
 *
 * utils.Render.Replace with useGoTemplate: every string is parsed as a
 * text/template named "base" (with Sprig minus env, expandenv and
 * getHostByName, and Argo CD's normalize, slugify, toYaml, fromYaml and
 * fromYamlArray), with the goTemplateOptions applied, and executed with the
 * parameters as data.  Parameters are JSON values, so every number is a
 * float64, as Go's encoding/json gives them.
 *
 * The base set (functions) is built once per ApplicationSet and context;
 * each string parses into an O(1) overlay of it, as Argo CD clones its
 * base template for each string.
 */
#include <string.h>

#include "argocd.h"
#include "mc/gotmpl.h"

int appset_gotemplate(struct mc_ctx *ctx, const struct appset_mode *mode, const char *s,
	size_t n, const struct ir_node *params, struct sbuf *out, struct sbuf *err);

/* ----------------------------------------------------- Argo CD functions */

static int fn_normalize(struct gt_call *c, struct gt_value *args, size_t nargs, struct gt_value *ret)
{
	(void)nargs;
	struct sbuf sb = SBUF_INIT;
	appset_normalize(&sb, args[0].s.p, args[0].s.n);
	*ret = gt_sbuf_value(gt_call_arena(c), &sb);
	sbuf_release(&sb);
	return 0;
}

/* SlugifyName(args ...any): [maxSize int] [smartTruncate bool] name string;
 * the type assertions of the Go code fail as Go's do. */
static int fn_slugify(struct gt_call *c, struct gt_value *args, size_t nargs, struct gt_value *ret)
{
	long max = 50;
	bool smart = true;
	const char *name = "";
	size_t nl = 0;
	for (size_t i = 0; i < nargs; i++) {
		struct gt_value a = args[i];
		const char *tn = a.t ? a.t->name : "<nil>";
		if (i == nargs - 1) {
			if (gt_kind(a) != GT_STRING || a.t->named)
				return gt_call_errorf(c, "interface conversion: interface {} is %s, not string", tn);
			name = a.s.p;
			nl = a.s.n;
		} else if (i == 0) {
			if (a.t != &gt_t_int)
				return gt_call_errorf(c, "interface conversion: interface {} is %s, not int", tn);
			max = (long)a.i;
		} else if (i == 1) {
			if (a.t != &gt_t_bool)
				return gt_call_errorf(c, "interface conversion: interface {} is %s, not bool", tn);
			smart = a.b;
		}
	}
	struct sbuf sb = SBUF_INIT;
	appset_slugify(&sb, name, nl, max, smart);
	*ret = gt_sbuf_value(gt_call_arena(c), &sb);
	sbuf_release(&sb);
	return 0;
}

static int fn_to_yaml(struct gt_call *c, struct gt_value *args, size_t nargs, struct gt_value *ret)
{
	(void)nargs;
	struct sbuf sb = SBUF_INIT;
	const char *e = NULL;
	if (gt_to_yaml(gt_call_ctx(c), args[0], &sb, &e)) {
		sbuf_release(&sb);
		return gt_call_error(c, e ? e : "toYaml failed");
	}
	*ret = gt_sbuf_value(gt_call_arena(c), &sb);
	sbuf_release(&sb);
	return 0;
}

/* sigs.k8s.io/yaml.Unmarshal into a map (fromYaml) or a list
 * (fromYamlArray); unlike Helm's, an error is an error. */
static int from_yaml(struct gt_call *c, struct gt_value *args, struct gt_value *ret, bool array)
{
	struct mc_ctx *ctx = gt_call_ctx(c);
	struct diag saved = ctx->diag;
	diag_init(&ctx->diag);
	const struct srcfile *f = srcfile_mem(ctx, "fromYaml", args[0].s.p, args[0].s.n);
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_JSON_NUMBERS };
	struct ir_node *doc = NULL;
	int bad = yaml_load_one(ctx, f, &yo, &doc);
	struct sbuf msg = SBUF_INIT;
	if (bad && ctx->diag.len)
		sbuf_printf(&msg, "error converting YAML to JSON: yaml: %s", ctx->diag.msgs[0].msg);
	diag_release(&ctx->diag);
	ctx->diag = saved;
	int rc = 0;
	if (bad) {
		rc = gt_call_error(c, msg.len ? msg.buf : "error converting YAML to JSON");
	} else if (!ir_is_null(doc) && (array ? !ir_is_seq(doc) : !ir_is_map(doc))) {
		rc = gt_call_errorf(c, "error unmarshaling JSON: while decoding JSON: json: cannot "
			"unmarshal %s into Go value of type %s",
			ir_is_seq(doc) ? "array" : ir_is_map(doc) ? "object" : doc->type == IR_STR ? "string"
			: doc->type == IR_BOOL ? "bool" : "number",
			array ? "[]interface {}" : "map[string]interface {}");
	} else if (ir_is_null(doc)) {
		*ret = array ? gt_list_new(gt_call_arena(c), NULL, 0) : gt_map_new(gt_call_arena(c), NULL);
	} else {
		*ret = gt_from_ir(gt_call_arena(c), doc, GT_NUM_FLOAT64);
	}
	sbuf_release(&msg);
	return rc;
}

static int fn_from_yaml(struct gt_call *c, struct gt_value *args, size_t nargs, struct gt_value *ret)
{
	(void)nargs;
	return from_yaml(c, args, ret, false);
}

static int fn_from_yaml_array(struct gt_call *c, struct gt_value *args, size_t nargs,
	struct gt_value *ret)
{
	(void)nargs;
	return from_yaml(c, args, ret, true);
}

static const struct gt_func argo_funcs[] = {
	{ "normalize", fn_normalize, 1, false, { &gt_t_string }, NULL },
	{ "slugify", fn_slugify, 1, true, { NULL }, NULL },
	{ "toYaml", fn_to_yaml, 1, false, { NULL }, NULL },
	{ "fromYaml", fn_from_yaml, 1, false, { &gt_t_string }, NULL },
	{ "fromYamlArray", fn_from_yaml_array, 1, false, { &gt_t_string }, NULL },
};

/* ------------------------------------------------------------- Replace */

static struct gt_set *base_set(struct mc_ctx *ctx, struct appset_mode *mode)
{
	if (mode->gt_base && mode->gt_ctx == ctx)
		return mode->gt_base;
	struct gt_set *s = gt_set_new(ctx, GT_FUNCS_ARGOCD);
	gt_set_add_funcs(s, argo_funcs, sizeof argo_funcs / sizeof *argo_funcs);
	mode->gt_base = s;
	mode->gt_ctx = ctx;
	return s;
}

int appset_gotemplate(struct mc_ctx *ctx, const struct appset_mode *cmode, const char *s,
	size_t n, const struct ir_node *params, struct sbuf *out, struct sbuf *err)
{
	struct appset_mode *mode = (struct appset_mode *)cmode;
	struct gt_exec_opts opts = { .missingkey = GT_MISSING_DEFAULT };
	for (size_t i = 0; i < mode->noptions; i++) {
		const char *o = mode->options[i];
		if (!strcmp(o, "missingkey=default") || !strcmp(o, "missingkey=invalid"))
			opts.missingkey = GT_MISSING_DEFAULT;
		else if (!strcmp(o, "missingkey=zero"))
			opts.missingkey = GT_MISSING_ZERO;
		else if (!strcmp(o, "missingkey=error"))
			opts.missingkey = GT_MISSING_ERROR;
		else {
			sbuf_printf(err, "failed to parse template %.*s: unrecognized goTemplateOptions "
				"option: %s", (int)n, s, o);
			return 1;
		}
	}
	struct gt_set *set = gt_set_overlay(base_set(ctx, mode), NULL);
	struct gt_src src = { .name = "base", .text = s, .len = n };
	struct gt_error e = { 0 };
	if (gt_parse(set, &src, &e)) {
		sbuf_printf(err, "failed to parse template %.*s: %s", (int)n, s, e.msg ? e.msg : "");
		return 1;
	}
	struct gt_value dot = ir_is_map(params) ? gt_from_ir(&ctx->arena, params, GT_NUM_FLOAT64)
		: gt_map_new(&ctx->arena, NULL);
	size_t start = out->len;
	if (gt_exec(set, "base", dot, &opts, out, &e)) {
		sbuf_truncate(out, start);
		sbuf_printf(err, "failed to execute go template %.*s: %s", (int)n, s, e.msg ? e.msg : "");
		return 1;
	}
	return 0;
}
