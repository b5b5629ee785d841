/*
 * sprig_strings.c - Sprig's string functions.
 */
#include <string.h>

#include "sprig_impl.h"

#define S (&gt_t_string)

struct gt_value sp_strval(struct arena *a, struct gt_value v)
{
	if (v.t && v.t->kind == GT_STRING)
		return gt_string(v.s.p, v.s.n);
	struct sbuf sb = SBUF_INIT;
	if (!v.t || v.t->kind == GT_NIL)
		sbuf_adds(&sb, "<nil>");
	else
		gt_fmt_v(&sb, v);
	struct gt_value r = gt_sbuf_value(a, &sb);
	sbuf_release(&sb);
	return r;
}

const char *sp_cstr(struct gt_call *c, struct gt_value v)
{
	return gt_arena_str(gt_call_arena(c), v.s.p, v.s.n);
}

SP_FN(s_upper)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < a[0].s.n;) {
		uint32_t r;
		i += utf8_decode(a[0].s.p + i, a[0].s.n - i, &r);
		char enc[4];
		sbuf_add(&sb, enc, utf8_encode(enc, gt_to_upper(r)));
	}
	*ret = gt_sbuf_value(gt_call_arena(c), &sb);
	sbuf_release(&sb);
	return 0;
}

SP_FN(s_typeof)
{
	(void)n;
	*ret = gt_cstring(gt_type_name(a[0]));
	(void)c;
	return 0;
}

const struct gt_func sprig_string_funcs[] = {
	{ "upper", s_upper, 1, false, { S }, NULL },
	{ "typeOf", s_typeof, 1, false, { NULL }, NULL },
};

const size_t sprig_string_nfuncs = sizeof sprig_string_funcs / sizeof sprig_string_funcs[0];
