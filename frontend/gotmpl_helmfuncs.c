/*
 * gotmpl_helmfuncs.c - Helm's template functions that need no chart
 * (pkg/engine/funcs.go): toYaml, mustToYaml, toYamlPretty, fromYaml,
 * fromYamlArray, fromJson, fromJsonArray, toToml, mustToToml, fromToml
 * (toJson and mustToJson are Sprig's, identical in Helm, so they stay);
 * lookup (an empty map, as under helm template); getHostByName (""), and
 * context-free include, tpl and required that a chart renderer replaces
 * with gt_set_add_funcs.
 *
 * YAML goes the way sigs.k8s.io/yaml takes it: to JSON first (so every
 * number read by fromYaml is a float64, and toYaml prints what
 * encoding/json would), then the YAML emitter of backend.h.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/backend.h"
#include "mc/frontend.h"
#include "sprig_impl.h"

#define S (&gt_t_string)


int gt_to_yaml(struct mc_ctx *ctx, struct gt_value v, struct sbuf *out, const char **err)
{
	struct ir_node *n;
	if (gt_to_ir(ctx, v, &n, err))
		return -1;
	size_t start = out->len;
	if (emit_yaml(out, n, err)) {
		sbuf_truncate(out, start);
		return -1;
	}
	/* strings.TrimSuffix(string(data), "\n") */
	if (out->len > start && out->buf[out->len - 1] == '\n')
		sbuf_truncate(out, out->len - 1);
	return 0;
}

SP_FN(h_to_yaml)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	const char *err = NULL;
	if (gt_to_yaml(gt_call_ctx(c), a[0], &sb, &err))
		sbuf_reset(&sb);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(h_must_to_yaml)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	const char *err = NULL;
	if (gt_to_yaml(gt_call_ctx(c), a[0], &sb, &err)) {
		sbuf_release(&sb);
		return gt_call_errorf(c, "%s", err);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

/* goyaml.v3 with an indent of 2: like toYaml, but sequences inside
 * mappings are indented under their key. */
SP_FN(h_to_yaml_pretty)
{
	(void)n;
	struct sbuf sb = SBUF_INIT, out = SBUF_INIT;
	const char *err = NULL;
	if (gt_to_yaml(gt_call_ctx(c), a[0], &sb, &err)) {
		sbuf_release(&sb);
		return sp_ret_sbuf(c, ret, &out);
	}
	/* re-indent: a "- " line at the indentation of the preceding "key:" line
	 * moves two columns right, with everything nested under it */
	size_t i = 0;
	int shift_at = -1, shift = 0;
	VEC(int) stack_at = { 0 };
	VEC(int) stack_shift = { 0 };
	struct arena tmp = ARENA_INIT;
	int prev_indent = -1;
	bool prev_key = false;
	while (i < sb.len) {
		size_t e = i;
		while (e < sb.len && sb.buf[e] != '\n')
			e++;
		int ind = 0;
		while (i + (size_t)ind < e && sb.buf[i + ind] == ' ')
			ind++;
		bool dash = i + (size_t)ind < e && sb.buf[i + ind] == '-' &&
			(i + (size_t)ind + 1 == e || sb.buf[i + ind + 1] == ' ');
		while (stack_at.len && ind < stack_at.items[stack_at.len - 1] + (dash ? 0 : 0) &&
		       !(dash && ind == stack_at.items[stack_at.len - 1])) {
			stack_at.len--;
			stack_shift.len--;
		}
		if (stack_at.len && ind == stack_at.items[stack_at.len - 1] && !dash) {
			stack_at.len--;
			stack_shift.len--;
		}
		if (dash && prev_key && ind == prev_indent &&
		    !(stack_at.len && stack_at.items[stack_at.len - 1] == ind)) {
			VEC_PUSH(&tmp, &stack_at, ind);
			VEC_PUSH(&tmp, &stack_shift, 2);
		}
		shift = 0;
		for (size_t k = 0; k < stack_shift.len; k++)
			shift += stack_shift.items[k];
		for (int k = 0; k < shift; k++)
			sbuf_addc(&out, ' ');
		sbuf_add(&out, sb.buf + i, e - i);
		if (e < sb.len)
			sbuf_addc(&out, '\n');
		prev_indent = ind;
		prev_key = e > i && sb.buf[e - 1] == ':';
		i = e + 1;
	}
	(void)shift_at;
	arena_release(&tmp);
	sbuf_release(&sb);
	return sp_ret_sbuf(c, ret, &out);
}

/* sigs.k8s.io/yaml.Unmarshal's data: the first document, JSON numbers.
 * Returns 0, or -1 with Go-shaped error text. */
static int yaml_to_value(struct gt_call *c, struct gt_value s, struct gt_value *out, const char **err)
{
	struct mc_ctx *ctx = gt_call_ctx(c);
	const struct srcfile *f = srcfile_mem(ctx, "fromYaml", s.s.p ? s.s.p : "", s.s.n);
	struct yaml_opts o = { .schema = YAML_V2, .flags = YAML_JSON_NUMBERS | YAML_DUPKEYS_OK };
	struct ir_node *node = NULL;
	size_t before = ctx->diag.len, nerr = ctx->diag.nerrors;
	int rc = yaml_load_one(ctx, f, &o, &node);
	if (rc || ctx->diag.nerrors > nerr) {
		const char *msg = "invalid YAML";
		uint32_t line = 0;
		if (ctx->diag.len > before) {
			msg = arena_strdup(&ctx->arena, ctx->diag.msgs[before].msg);
			line = ctx->diag.msgs[before].pos.line;
		}
		/* the finding is the function's result, not a diagnostic */
		for (size_t i = before; i < ctx->diag.len; i++)
			free(ctx->diag.msgs[i].msg);
		ctx->diag.len = before;
		ctx->diag.nerrors = nerr;
		*err = line ? arena_printf(&ctx->arena, "error converting YAML to JSON: yaml: line %u: %s", line, msg)
			: arena_printf(&ctx->arena, "error converting YAML to JSON: yaml: %s", msg);
		return -1;
	}
	*out = node ? gt_from_ir(gt_call_arena(c), node, GT_NUM_FLOAT64) : gt_nil();
	return 0;
}

/* Helm's from* functions never fail: what cannot be decoded, or decodes
 * to the wrong kind, becomes the "Error" key of an empty map (fromYaml,
 * fromJson) or the only element of a list (fromYamlArray, fromJsonArray).
 * JSON null gives a nil map or list.  rc and err are the decoder's. */
static int decoded(struct gt_call *c, int rc, struct gt_value v, const char *err, bool list,
	bool via_yaml, struct gt_value *ret)
{
	struct arena *ar = gt_call_arena(c);
	if (rc == 0) {
		if (!v.t || v.t->kind == GT_NIL) {
			*ret = (struct gt_value){ list ? &gt_t_list : &gt_t_map, { .o = NULL } };
			return 0;
		}
		if (v.t->kind == (list ? GT_LIST : GT_MAP)) {
			*ret = v;
			return 0;
		}
		err = arena_printf(&gt_call_ctx(c)->arena,
			"%sjson: cannot unmarshal %s into Go value of type %s",
			via_yaml ? "error unmarshaling JSON: while decoding JSON: " : "", gt_json_kind(v),
			list ? "[]interface {}" : "map[string]interface {}");
	}
	if (list) {
		*ret = gt_list_new(ar, &gt_t_list, 1);
		gt_list_push(ar, *ret, gt_cstring(err));
	} else {
		*ret = gt_map_new(ar, &gt_t_map);
		gt_map_setc(ar, ret->m, "Error", gt_cstring(err));
	}
	return 0;
}

static int from_yaml(struct gt_call *c, struct gt_value s, bool list, struct gt_value *ret)
{
	struct gt_value v = gt_nil();
	const char *err = NULL;
	int rc = yaml_to_value(c, s, &v, &err);
	return decoded(c, rc, v, err, list, true, ret);
}

static int from_json(struct gt_call *c, struct gt_value s, bool list, struct gt_value *ret)
{
	struct gt_value v = gt_nil();
	char *err = NULL;
	int rc = gt_json_unmarshal(gt_call_arena(c), s.s.p, s.s.n, &v, &err);
	return decoded(c, rc, v, err, list, false, ret);
}

SP_FN(h_from_yaml)
{
	(void)n;
	return from_yaml(c, a[0], false, ret);
}

SP_FN(h_from_yaml_array)
{
	(void)n;
	return from_yaml(c, a[0], true, ret);
}

SP_FN(h_from_json)
{
	(void)n;
	return from_json(c, a[0], false, ret);
}

SP_FN(h_from_json_array)
{
	(void)n;
	return from_json(c, a[0], true, ret);
}

SP_FN(h_to_toml)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	const char *err;
	if (gt_toml_encode(gt_call_ctx(c), &sb, a[0], &err)) {
		sbuf_reset(&sb);
		sbuf_adds(&sb, err);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(h_must_to_toml)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	const char *err;
	if (gt_toml_encode(gt_call_ctx(c), &sb, a[0], &err)) {
		sbuf_release(&sb);
		return gt_call_errorf(c, "%s", err);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(h_from_toml)
{
	(void)n;
	struct arena *ar = gt_call_arena(c);
	struct gt_value v;
	char *err;
	if (gt_toml_decode(ar, a[0].s.p, a[0].s.n, &v, &err)) {
		v = gt_map_new(ar, &gt_t_map);
		gt_map_setc(ar, v.m, "Error", gt_cstring(err));
	}
	*ret = v;
	return 0;
}

SP_FN(h_lookup)
{
	(void)a, (void)n;
	*ret = gt_map_new(gt_call_arena(c), &gt_t_map);
	return 0;
}

SP_FN(h_get_host_by_name)
{
	(void)a, (void)n, (void)c;
	*ret = gt_cstring("");
	return 0;
}

/* ---- context-free include, tpl, required ---- */

SP_FN(h_include)
{
	(void)n;
	struct sbuf out = SBUF_INIT;
	struct gt_error err;
	const char *name = sp_cstr(c, a[0]);
	if (gt_call_exec(c, gt_call_set(c), name, a[1], &out, &err)) {
		sbuf_release(&out);
		return gt_call_error(c, err.msg);
	}
	return sp_ret_sbuf(c, ret, &out);
}

SP_FN(h_tpl)
{
	(void)n;
	struct arena *ar = gt_call_arena(c);
	struct gt_set *ov = gt_set_overlay(gt_call_set(c), ar);
	struct gt_src src = { .name = "gotpl", .text = a[0].s.p ? a[0].s.p : "", .len = a[0].s.n };
	struct gt_error err;
	struct sbuf q = SBUF_INIT;
	go_quote(&q, a[0].s.p, a[0].s.n, '"', false, false);
	if (gt_parse(ov, &src, &err)) {
		int r = gt_call_errorf(c, "cannot parse template %s: %s", q.buf, err.msg);
		sbuf_release(&q);
		return r;
	}
	struct sbuf out = SBUF_INIT;
	if (gt_call_exec(c, ov, "gotpl", a[1], &out, &err)) {
		int r = gt_call_errorf(c, "error during tpl function execution for %s: %s", q.buf, err.msg);
		sbuf_release(&q);
		sbuf_release(&out);
		return r;
	}
	sbuf_release(&q);
	/* Helm drops "<no value>" from tpl output */
	struct sbuf clean = SBUF_INIT;
	sp_replace_all(&clean, gt_string(out.buf, out.len), gt_cstring("<no value>"), gt_cstring(""));
	sbuf_release(&out);
	return sp_ret_sbuf(c, ret, &clean);
}

SP_FN(h_required)
{
	(void)n;
	struct gt_value v = a[1];
	if (!v.t || v.t->kind == GT_NIL || (v.t == &gt_t_string && v.s.n == 0))
		return gt_call_errorf(c, "%s", sp_cstr(c, a[0]));
	*ret = v;
	return 0;
}

static const struct gt_func helm_funcs[] = {
	{ "toToml", h_to_toml, 1, false, { NULL }, NULL },
	{ "fromToml", h_from_toml, 1, false, { S }, NULL },
	{ "toYaml", h_to_yaml, 1, false, { NULL }, NULL },
	{ "toYamlPretty", h_to_yaml_pretty, 1, false, { NULL }, NULL },
	{ "fromYaml", h_from_yaml, 1, false, { S }, NULL },
	{ "fromYamlArray", h_from_yaml_array, 1, false, { S }, NULL },
	{ "fromJson", h_from_json, 1, false, { S }, NULL },
	{ "fromJsonArray", h_from_json_array, 1, false, { S }, NULL },
	{ "include", h_include, 2, false, { S, NULL }, NULL },
	{ "tpl", h_tpl, 2, false, { S, NULL }, NULL },
	{ "required", h_required, 2, false, { S, NULL }, NULL },
	{ "lookup", h_lookup, 4, false, { S, S, S, S }, NULL },
	{ "getHostByName", h_get_host_by_name, 1, false, { S }, NULL },
};

static const struct gt_func helm4_funcs[] = {
	{ "mustToToml", h_must_to_toml, 1, false, { NULL }, NULL },
	{ "mustToYaml", h_must_to_yaml, 1, false, { NULL }, NULL },
};

void gt_helm_register(struct gt_set *s)
{
	gt_set_add_funcs(s, helm_funcs, sizeof helm_funcs / sizeof helm_funcs[0]);
	if (s->helm_major >= 4)
		gt_set_add_funcs(s, helm4_funcs, sizeof helm4_funcs / sizeof helm4_funcs[0]);
}
