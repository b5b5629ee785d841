/*
 * sprig_regex.c - Sprig's regex functions: regexMatch, regexFind(All),
 * regexReplaceAll(Literal), regexSplit, regexQuoteMeta and their must*
 * forms, on the project's Go regexp module (mc/re2.h).
 *
 * What is Sprig's here is only the calling convention: the plain forms use
 * regexp.MustCompile, so a bad pattern fails the template with the panic's
 * text (regexMatch alone answers false), and the must forms return
 * regexp.Compile's error.  A pattern is compiled per call, as Sprig does.
 */
#include <stdlib.h>

#include "mc/re2.h"
#include "sprig_impl.h"

#define S (&gt_t_string)
#define I (&gt_t_int)

/* regexp.Compile (must) or MustCompile of pat; NULL after failing the call
 * with Go's text. */
static struct re2 *compile(struct gt_call *c, struct gt_value pat, bool must, int *rc)
{
	struct sbuf err = SBUF_INIT;
	struct re2 *re = re2_compile(pat.s.p ? pat.s.p : "", pat.s.n, &err);
	if (!re)
		*rc = must ? gt_call_errorf(c, "%s", err.buf)
			: gt_call_errorf(c, "regexp: Compile(`%.*s`): %s", (int)pat.s.n, pat.s.p, err.buf);
	sbuf_release(&err);
	return re;
}

/* re2's matcher gave up (Go's never does). */
static int too_expensive(struct gt_call *c, struct re2 *re)
{
	re2_free(re);
	return gt_call_errorf(c, "regular expression too expensive to evaluate (backtracking limit)");
}

static int do_match(struct gt_call *c, struct gt_value *a, struct gt_value *ret, bool must)
{
	struct sbuf err = SBUF_INIT;
	struct re2 *re = re2_compile(a[0].s.p ? a[0].s.p : "", a[0].s.n, &err);
	int rc = 0;
	if (re)
		*ret = gt_bool(re2_match(re, a[1].s.p, a[1].s.n));
	else if (must)
		rc = gt_call_errorf(c, "%s", err.buf);
	else
		*ret = gt_bool(false); /* regexp.MatchString's error is dropped */
	re2_free(re);
	sbuf_release(&err);
	return rc;
}

SP_FN(r_match)
{
	(void)n;
	return do_match(c, a, ret, false);
}

SP_FN(r_must_match)
{
	(void)n;
	return do_match(c, a, ret, true);
}

struct collect {
	struct arena *a;
	struct gt_value list;
	const char *s;
};

static void collect_match(void *arg, const size_t *m)
{
	struct collect *k = arg;
	gt_list_push(k->a, k->list, gt_string(k->s + m[0], m[1] - m[0]));
}

static void collect_piece(void *arg, const char *p, size_t n)
{
	struct collect *k = arg;
	gt_list_push(k->a, k->list, gt_string(p, n));
}

/* FindAllString (split false) or Split (true) of a[1] with at most a[2]
 * results; Go returns a nil slice for none. */
static int do_list(struct gt_call *c, struct gt_value *a, struct gt_value *ret, bool must,
	bool split)
{
	int rc = 0;
	struct re2 *re = compile(c, a[0], must, &rc);
	if (!re)
		return rc;
	struct collect k = { gt_call_arena(c), gt_list_new(gt_call_arena(c), &gt_t_strings, 4),
		a[1].s.p ? a[1].s.p : "" };
	long max = (long)a[2].i;
	if (split ? re2_split(re, k.s, a[1].s.n, max, collect_piece, &k)
		  : re2_find_all(re, k.s, a[1].s.n, max, collect_match, &k))
		return too_expensive(c, re);
	re2_free(re);
	if (!k.list.l->len)
		k.list.l = NULL;
	*ret = k.list;
	return 0;
}

SP_FN(r_findall)
{
	(void)n;
	return do_list(c, a, ret, false, false);
}

SP_FN(r_must_findall)
{
	(void)n;
	return do_list(c, a, ret, true, false);
}

SP_FN(r_split)
{
	(void)n;
	return do_list(c, a, ret, false, true);
}

SP_FN(r_must_split)
{
	(void)n;
	return do_list(c, a, ret, true, true);
}

static int do_find(struct gt_call *c, struct gt_value *a, struct gt_value *ret, bool must)
{
	int rc = 0;
	struct re2 *re = compile(c, a[0], must, &rc);
	if (!re)
		return rc;
	const char *s = a[1].s.p ? a[1].s.p : "";
	size_t *m = xmalloc(2 * (re2_groups(re) + 1) * sizeof *m);
	int found = re2_find(re, s, a[1].s.n, m);
	if (found >= 0)
		*ret = found ? gt_string(s + m[0], m[1] - m[0]) : gt_cstring("");
	free(m);
	if (found < 0)
		return too_expensive(c, re);
	re2_free(re);
	return 0;
}

SP_FN(r_find)
{
	(void)n;
	return do_find(c, a, ret, false);
}

SP_FN(r_must_find)
{
	(void)n;
	return do_find(c, a, ret, true);
}

static int do_replace(struct gt_call *c, struct gt_value *a, struct gt_value *ret, bool must,
	bool literal)
{
	int rc = 0;
	struct re2 *re = compile(c, a[0], must, &rc);
	if (!re)
		return rc;
	struct sbuf out = SBUF_INIT;
	if (re2_replace(re, a[1].s.p, a[1].s.n, a[2].s.p, a[2].s.n, literal, &out)) {
		sbuf_release(&out);
		return too_expensive(c, re);
	}
	re2_free(re);
	return sp_ret_sbuf(c, ret, &out);
}

SP_FN(r_replace)
{
	(void)n;
	return do_replace(c, a, ret, false, false);
}

SP_FN(r_must_replace)
{
	(void)n;
	return do_replace(c, a, ret, true, false);
}

SP_FN(r_replace_lit)
{
	(void)n;
	return do_replace(c, a, ret, false, true);
}

SP_FN(r_must_replace_lit)
{
	(void)n;
	return do_replace(c, a, ret, true, true);
}

SP_FN(r_quotemeta)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	re2_quote_meta(&sb, a[0].s.p, a[0].s.n);
	return sp_ret_sbuf(c, ret, &sb);
}

const struct gt_func sprig_regex_funcs[] = {
	{ "regexMatch", r_match, 2, false, { S, S }, NULL },
	{ "mustRegexMatch", r_must_match, 2, false, { S, S }, NULL },
	{ "regexFindAll", r_findall, 3, false, { S, S, I }, NULL },
	{ "mustRegexFindAll", r_must_findall, 3, false, { S, S, I }, NULL },
	{ "regexFind", r_find, 2, false, { S, S }, NULL },
	{ "mustRegexFind", r_must_find, 2, false, { S, S }, NULL },
	{ "regexReplaceAll", r_replace, 3, false, { S, S, S }, NULL },
	{ "mustRegexReplaceAll", r_must_replace, 3, false, { S, S, S }, NULL },
	{ "regexReplaceAllLiteral", r_replace_lit, 3, false, { S, S, S }, NULL },
	{ "mustRegexReplaceAllLiteral", r_must_replace_lit, 3, false, { S, S, S }, NULL },
	{ "regexSplit", r_split, 3, false, { S, S, I }, NULL },
	{ "mustRegexSplit", r_must_split, 3, false, { S, S, I }, NULL },
	{ "regexQuoteMeta", r_quotemeta, 1, false, { S }, NULL },
};

const size_t sprig_regex_nfuncs = sizeof sprig_regex_funcs / sizeof sprig_regex_funcs[0];
